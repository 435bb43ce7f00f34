//! End to end: analysts' decisions recorded with `refwatch merge/split/reject/fix` change what
//! `incidents`, `incident` and `timeline` show, and survive a second ingest.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/reconcile")
}

fn refwatch(db: &Path) -> Command {
    let mut cmd = Command::cargo_bin("refwatch").expect("refwatch binary");
    cmd.arg("--db").arg(db).env_remove("REFWATCH_DB").env_remove("REFWATCH_ACTOR").arg("--as").arg("tester");
    cmd
}

fn incidents(db: &Path) -> Vec<Value> {
    let output = refwatch(db)
        .args(["incidents", "--format", "json", "--kind", "forced_return"])
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let json: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(json["schema"], "refwatch.incidents/2");
    json["incidents"].as_array().expect("incidents").clone()
}

fn id_on(incidents: &[Value], date: &str) -> String {
    let found: Vec<&Value> = incidents.iter().filter(|i| i["date"]["start"] == date).collect();
    assert_eq!(found.len(), 1, "{incidents:#?}");
    found[0]["id"].as_str().expect("id").to_owned()
}

#[test]
fn merge_split_reject_and_fix_are_applied_and_survive_reingest() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("rw.db");
    refwatch(&db).arg("ingest").arg(fixtures()).assert().success();
    let before = incidents(&db);
    assert_eq!(before.len(), 3);

    // Merge 9 and 16 October, then take the "200 to 300" report back out, reject 29 August.
    let october = id_on(&before, "2023-10-09");
    let later = id_on(&before, "2023-10-16");
    refwatch(&db).args(["merge", &october, &later]).assert().success();
    let merged = incidents(&db);
    assert_eq!(merged.len(), 2);
    let merged_id = id_on(&merged, "2023-10-09");
    let shown = refwatch(&db).args(["incident", &merged_id]).output().expect("run");
    let text = String::from_utf8_lossy(&shown.stdout);
    assert!(text.contains("analyst's decision") && text.contains("by tester"), "{text}");
    assert!(text.contains("conflicts:   count, date"), "{text}");
    let claim = text
        .lines()
        .zip(text.lines().skip(1))
        .find(|(line, next)| line.trim_start().starts_with('#') && next.contains("figure \"200 to 300"))
        .and_then(|(line, _)| line.split_whitespace().nth(1))
        .expect("the 200 to 300 claim's key")
        .to_owned();
    refwatch(&db).args(["split", &merged_id, &claim]).assert().success();
    let august = id_on(&merged, "2023-08-29");
    refwatch(&db).args(["reject", &august]).assert().success();
    refwatch(&db).args(["fix", &merged_id, "best", "520"]).assert().success();
    refwatch(&db).args(["fix", &merged_id, "best", "many"]).assert().success();
    // Bad ids are refused, not recorded.
    refwatch(&db).args(["merge", &merged_id, &merged_id]).assert().failure();
    refwatch(&db).args(["reject", "zz"]).assert().failure();

    let check = |db: &Path| {
        let after = incidents(db);
        assert_eq!(after.len(), 3, "{after:#?}");
        assert_eq!(after.iter().filter(|i| i["rejected"] == true).count(), 1);
        let split: Vec<&Value> = after.iter().filter(|i| i["low"] == 200 && i["high"] == 300).collect();
        assert_eq!(split.len(), 1, "{after:#?}");
        assert!(after.iter().any(|i| i["best"] == 520 && i["n_sources"] == 4), "{after:#?}");
    };
    check(&db);

    // A second ingest of the same pages changes nothing; the decisions still apply.
    refwatch(&db).arg("ingest").arg(fixtures()).assert().success();
    check(&db);

    // The timeline leaves the rejected incident out of its totals.
    let output = refwatch(&db).args(["timeline", "--format", "json"]).output().expect("run");
    let timeline: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let ids: Vec<&str> = timeline["years"][0]["incidents"]
        .as_array()
        .expect("incidents")
        .iter()
        .filter_map(|i| i["id"].as_str())
        .collect();
    assert!(!ids.contains(&august.as_str()));
    // A fix that does not parse is reported, not applied.
    let stderr = refwatch(&db).arg("incidents").output().expect("run").stderr;
    assert!(String::from_utf8_lossy(&stderr).contains("cannot set best"));
}
