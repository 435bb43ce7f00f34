//! End to end: `refwatch eval DIR` on a tiny corpus written here.

use std::path::Path;

use assert_cmd::Command;
use predicates::str::contains;

const PAGE: &str = "\
Freedonia sends back fishermen

By Ana Example

PORTVILLE, March 3 (XNS) - Freedonia deported 12 Sylvanian fishermen to Sylvania on 2 March, \
officials said.

The men had been held in Portville since February.
";

const GOLD: &str = r#"{
  "url": "https://news.example.org/2024/03/03/freedonia-fishermen/",
  "published": "2024-03-03",
  "title": "Freedonia sends back fishermen",
  "author": "Ana Example",
  "body_first_words": "PORTVILLE, March 3 (XNS)",
  "body_last_words": "held in Portville since February.",
  "boilerplate": [],
  "incidents": [
    {"type": "forced_return", "aggregate": false,
     "date": {"start": "XXXX-03-02", "end": "XXXX-03-02", "precision": "day"},
     "count": {"low": 12, "high": 12, "qualifier": "exact"},
     "perpetrator": "FR", "destination": "SE", "nationality": "SE", "place": null, "women": null,
     "sources": [], "persons": [],
     "evidence": "PORTVILLE, March 3 (XNS) - Freedonia deported 12 Sylvanian fishermen to Sylvania on 2 March, officials said."}
  ],
  "not_incidents": [],
  "notes": "invented for the eval test"
}"#;

const NEGATIVE_PAGE: &str = "<html><head><title>Weekend sport</title></head><body>\
<p>The striker returned to the squad on Saturday.</p></body></html>";

const NEGATIVE_GOLD: &str = r#"{"url": null, "published": null, "title": "Weekend sport", "author": null,
  "body_first_words": "The striker", "body_last_words": "on Saturday.", "incidents": []}"#;

fn write_corpus(dir: &Path) {
    std::fs::write(dir.join("fishermen.txt"), PAGE).expect("write page");
    std::fs::write(dir.join("fishermen.json"), GOLD).expect("write gold");
    std::fs::write(dir.join("sport.html"), NEGATIVE_PAGE).expect("write page");
    std::fs::write(dir.join("sport.json"), NEGATIVE_GOLD).expect("write gold");
    // A gold without a page and a page without a gold are skipped.
    std::fs::write(dir.join("orphan.json"), NEGATIVE_GOLD).expect("write gold");
    std::fs::write(dir.join("lonely.txt"), PAGE).expect("write page");
}

fn refwatch() -> Command {
    Command::cargo_bin("refwatch").expect("refwatch binary")
}

/// Parses "strict F1 a (P b R c) lenient F1 d over N pages, M gold incidents, K predicted".
fn parse_summary(line: &str) -> (Vec<f64>, Vec<usize>) {
    let words: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(words.len(), 18, "summary line: {line}");
    assert_eq!(&words[..2], ["strict", "F1"], "summary line: {line}");
    assert_eq!(words[3], "(P");
    assert_eq!(words[5], "R");
    assert_eq!(&words[7..9], ["lenient", "F1"]);
    assert_eq!(words[10], "over");
    assert_eq!(&words[12..17], ["pages,", words[13], "gold", "incidents,", words[16]]);
    assert_eq!(words[17], "predicted");
    let number = |w: &str| w.trim_end_matches(')').parse::<f64>().expect("a score");
    let scores = vec![number(words[2]), number(words[4]), number(words[6]), number(words[9])];
    let counts = [words[11], words[13], words[16]]
        .iter()
        .map(|w| w.trim_end_matches(',').parse::<usize>().expect("a count"))
        .collect();
    (scores, counts)
}

#[test]
fn summary_line_parses_and_scores_are_fractions() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_corpus(dir.path());
    let output = refwatch().arg("eval").arg(dir.path()).assert().success().get_output().stdout.clone();
    let stdout = String::from_utf8(output).expect("utf-8");
    let last = stdout.lines().last().expect("some output");
    let (scores, counts) = parse_summary(last);
    for score in &scores {
        assert!((0.0..=1.0).contains(score), "score {score} out of range in {last}");
    }
    assert_eq!(counts[0], 2, "two page/gold pairs: {last}");
    assert_eq!(counts[1], 1, "one gold incident: {last}");
    assert!(stdout.contains("incidents on negative pages: "), "{stdout}");
    assert!(stdout.contains("fishermen"), "per-page row: {stdout}");
    assert!(stdout.contains("metadata: title "), "{stdout}");
}

#[test]
fn verbose_lists_misses_and_json_has_the_same_numbers() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_corpus(dir.path());
    let output = refwatch().arg("eval").arg(dir.path()).arg("--format").arg("json").assert().success();
    let json: serde_json::Value =
        serde_json::from_slice(&output.get_output().stdout).expect("eval --format json prints JSON");
    assert_eq!(json["n_pages"], 2);
    assert_eq!(json["strict"]["gold"], 1);
    assert_eq!(json["negative_pages"], 1);
    let pages = json["pages"].as_array().expect("pages");
    assert_eq!(pages[0]["name"], "fishermen");
    assert_eq!(pages[1]["name"], "sport");
    let predicted = pages[0]["predicted"].as_u64().expect("count");
    let matched = pages[0]["lenient_matched"].as_u64().expect("count");
    assert_eq!(pages[0]["misses"].as_array().expect("misses").len() as u64, 1 - matched);
    assert_eq!(pages[0]["false_incidents"].as_array().expect("false").len() as u64, predicted - matched);
    for field in ["precision", "recall", "f1"] {
        let value = json["lenient"][field].as_f64().expect("score");
        assert!((0.0..=1.0).contains(&value), "{field} = {value}");
    }
    let summary = json["summary"].as_str().expect("summary");
    parse_summary(summary);

    let verbose = refwatch().arg("eval").arg(dir.path()).arg("--verbose").assert().success();
    let stdout = String::from_utf8(verbose.get_output().stdout.clone()).expect("utf-8");
    if matched == 0 {
        assert!(stdout.contains("  miss   forced_return FR->SE"), "{stdout}");
        assert!(stdout.contains("Freedonia deported 12 Sylvanian fishermen"), "{stdout}");
    }
    assert_eq!(stdout.lines().last(), Some(summary));
}

#[test]
fn missing_dir_fails_with_a_message() {
    let dir = tempfile::tempdir().expect("tempdir");
    refwatch()
        .arg("eval")
        .arg(dir.path().join("nope"))
        .assert()
        .failure()
        .stderr(contains("is not a folder"));
}

#[test]
fn dir_without_gold_fails_with_a_message() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("page.txt"), PAGE).expect("write page");
    refwatch().arg("eval").arg(dir.path()).assert().failure().stderr(contains("no gold files"));
}

#[test]
fn broken_gold_names_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("page.txt"), PAGE).expect("write page");
    std::fs::write(dir.path().join("page.json"), "{\"incidents\": [{}]}").expect("write gold");
    refwatch().arg("eval").arg(dir.path()).assert().failure().stderr(contains("page.json"));
}
