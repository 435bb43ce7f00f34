//! The spine's acceptance test: the seed page through `refwatch extract --format json` gives
//! exactly its gold answer (title, author, no date, the four incidents), and the whole JSON is
//! kept as a golden file (`tests/data/seed-theworkersrights.expected.json`, refreshed with
//! `UPDATE_EXPECT=1`).

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn seed_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/seed-theworkersrights.txt")
}

fn extract_seed() -> Value {
    let output = Command::cargo_bin("refwatch")
        .expect("binary built")
        .args(["extract", "--format", "json"])
        .arg(seed_path())
        .output()
        .expect("runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("one JSON object")
}

#[test]
fn seed_page_metadata_and_main_text() {
    let json = extract_seed();
    assert_eq!(json["schema"], "refwatch.extract/1");
    let article = &json["article"];
    assert_eq!(article["title"], "China Forcibly Returns Over 500 North Koreans To North Korea");
    assert_eq!(article["author"], "WR News Writer");
    assert_eq!(article["published"], Value::Null);
    let text = article["text"].as_str().expect("text");
    assert!(
        text.starts_with("The People’s Republic of China has forcefully conducted a repatriation"),
        "{text}"
    );
    assert!(text.ends_with("North Koreans risk persecution or torture in their home country."), "{text}");
    for boilerplate in [
        "Keep reading",
        "About WR News Writer",
        "Recent Posts",
        "January 20, 2026",
        "This website uses cookies",
    ] {
        assert!(!text.contains(boilerplate), "{boilerplate:?} left in the text");
    }
    let removed: Vec<String> = article["removed"]
        .as_array()
        .expect("removed")
        .iter()
        .map(|b| b["text"].as_str().unwrap_or("").to_owned())
        .collect();
    for start in ["Keep reading", "About WR News Writer", "Recent Posts", "This website uses cookies."] {
        assert!(removed.iter().any(|b| b.starts_with(start)), "{start:?} not listed in removed: {removed:?}");
    }
    let kinds: Vec<&str> =
        article["removed"].as_array().expect("removed").iter().filter_map(|b| b["kind"].as_str()).collect();
    assert!(
        kinds.contains(&"related_posts") && kinds.contains(&"cookie_notice") && kinds.contains(&"author_box"),
        "{kinds:?}"
    );
}

#[test]
fn seed_page_gives_exactly_the_four_gold_incidents() {
    let json = extract_seed();
    let incidents = json["incidents"].as_array().expect("incidents");
    let summary: Vec<String> = incidents
        .iter()
        .map(|i| {
            format!(
                "{} {} {}..{} {} {}/{} {} {}->{} {} women={}",
                i["type"].as_str().unwrap_or("?"),
                i["aggregate"],
                i["date"]["start"],
                i["date"]["end"],
                i["date"]["precision"].as_str().unwrap_or("?"),
                i["count"]["low"],
                i["count"]["high"],
                i["count"]["qualifier"].as_str().unwrap_or("?"),
                i["perpetrator"].as_str().unwrap_or("null"),
                i["destination"].as_str().unwrap_or("null"),
                i["nationality"].as_str().unwrap_or("null"),
                i["women"],
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            "forced_return false null..null unknown 500/null more_than CN->KP KP women=true",
            "forced_return false \"XXXX-08-29\"..\"XXXX-08-29\" day 80/80 exact CN->KP KP women=null",
            "forced_return false \"XXXX-09-18\"..\"XXXX-09-18\" day 40/40 exact CN->KP KP women=null",
            "detention false null..null unknown 1/1 exact CN->null KP women=true",
        ]
    );
    let first = &incidents[0];
    assert_eq!(first["sources"], serde_json::json!(["Human Rights Watch", "South Korea"]));
    assert_eq!(first["persons"], serde_json::json!(["Kim Cheol-ok"]));
    let detention = &incidents[3];
    assert_eq!(detention["persons"], serde_json::json!(["Kim Cheol-ok"]));
    assert_eq!(detention["place"]["name"], "Jilin province");
    assert_eq!(detention["place"]["country"], "CN");
    assert_eq!(detention["place"]["admin1"], "CN-JL");
    assert!(detention["place"]["lat"].as_f64().is_some_and(|lat| (40.0..46.0).contains(&lat)));
    // Evidence offsets are byte offsets into the text and their slice equals the evidence text.
    let text = json["article"]["text"].as_str().expect("text");
    for incident in incidents {
        for evidence in incident["evidence"].as_array().expect("evidence") {
            let (start, end) = (
                evidence["start"].as_u64().expect("start") as usize,
                evidence["end"].as_u64().expect("end") as usize,
            );
            assert_eq!(text.get(start..end), evidence["text"].as_str());
        }
    }
}

#[test]
fn seed_page_full_json_is_golden() {
    let mut json = extract_seed();
    // The path depends on where the checkout lives.
    json["source"]["path"] = Value::String("examples/seed-theworkersrights.txt".into());
    let actual = serde_json::to_string_pretty(&json).expect("encodes") + "\n";
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/seed-theworkersrights.expected.json");
    if std::env::var_os("UPDATE_EXPECT").is_some() || !golden.exists() {
        std::fs::write(&golden, &actual).expect("writes golden file");
    }
    let expected = std::fs::read_to_string(&golden).expect("golden file");
    assert_eq!(expected, actual, "golden JSON differs; review and refresh with UPDATE_EXPECT=1");
}
