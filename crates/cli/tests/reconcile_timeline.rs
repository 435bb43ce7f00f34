//! End to end: ingest the invented multi-report fixtures (`tests/data/reconcile/`) and check the
//! properties `refwatch timeline` must keep whatever the extractor's exact output: each occasion
//! once, no stated total added to the totals, the syndicated copy counted as one source.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/reconcile")
}

fn refwatch(db: &Path) -> Command {
    let mut cmd = Command::cargo_bin("refwatch").expect("refwatch binary");
    cmd.arg("--db").arg(db).env_remove("REFWATCH_DB").env_remove("REFWATCH_ACTOR");
    cmd
}

fn json(cmd: &mut Command) -> Value {
    let output = cmd.output().expect("run");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("JSON")
}

fn hash_of(file: &str) -> String {
    let bytes = std::fs::read(fixtures().join(file)).expect("fixture");
    blake3::hash(&bytes).to_hex().to_string()
}

/// The incidents of a timeline by start date.
fn occasions(timeline: &Value) -> BTreeMap<String, Vec<Value>> {
    let mut out: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for year in timeline["years"].as_array().expect("years") {
        for incident in year["incidents"].as_array().expect("incidents") {
            let start = incident["date"]["start"].as_str().unwrap_or("?").to_owned();
            out.entry(start).or_default().push(incident.clone());
        }
    }
    out
}

#[test]
fn timeline_counts_each_occasion_once_and_never_adds_the_total() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("rw.db");
    refwatch(&db).arg("ingest").arg(fixtures()).assert().success();
    let timeline = json(refwatch(&db).args([
        "timeline",
        "--format",
        "json",
        "--perpetrator",
        "CN",
        "--nationality",
        "KP",
    ]));
    assert_eq!(timeline["schema"], "refwatch.timeline/1");

    // Each occasion exactly once, and nothing else.
    let occasions = occasions(&timeline);
    let dates: Vec<&str> = occasions.keys().map(String::as_str).collect();
    assert_eq!(dates, ["2023-08-29", "2023-10-09", "2023-10-16"], "{timeline:#}");
    assert!(occasions.values().all(|list| list.len() == 1), "{timeline:#}");

    // The syndicated copy is one source with the original: three outlets report 9 October.
    let october = &occasions["2023-10-09"][0];
    assert_eq!(october["n_sources"], 3, "{october:#}");
    let original = hash_of("lantern-2023-10-10.txt");
    let copy = hash_of("coastal-reprint-2023-10-10.txt");
    let groups = timeline["near_duplicates"].as_array().expect("groups");
    assert_eq!(groups.len(), 1, "{groups:?}");
    let group: Vec<&str> = groups[0].as_array().expect("group").iter().filter_map(Value::as_str).collect();
    assert!(group.contains(&original.as_str()) && group.contains(&copy.as_str()), "{group:?}");
    // The conflicting figures ("more than 500", "about 600", "200 to 300") are flagged.
    assert!(october["conflicts"].as_array().expect("conflicts").iter().any(|c| c == "count"));

    // Totals are sums of the incidents; the stated "more than 670" is checked, not added.
    let lows: u64 = occasions.values().flatten().filter_map(|i| i["low"].as_u64()).sum();
    assert_eq!(timeline["total_low"].as_u64(), Some(lows));
    assert!(lows < 670, "{lows}");
    let aggregates = timeline["aggregates"].as_array().expect("aggregates");
    assert_eq!(aggregates.len(), 1);
    assert_eq!(aggregates[0]["low"], 670);
    assert_eq!(aggregates[0]["incidents"].as_array().map(Vec::len), Some(3));

    // The table says the same in words.
    let table = refwatch(&db).arg("timeline").output().expect("run");
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(text.contains("never added"), "{text}");
    assert!(text.lines().any(|l| l.starts_with("2023  3 incidents")), "{text}");

    // Filters: another perpetrator has nothing; a year range without 2023 has nothing.
    let other = json(refwatch(&db).args(["timeline", "--format", "json", "--perpetrator", "TH"]));
    assert_eq!(other["years"].as_array().map(Vec::len), Some(0));
    let early = json(refwatch(&db).args(["timeline", "--format", "json", "--from", "2019", "--to", "2022"]));
    assert_eq!(early["years"].as_array().map(Vec::len), Some(0));
}
