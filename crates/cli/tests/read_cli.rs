//! `refwatch read FILE…` prints what the reader keeps: text headers and body, or the article
//! part of the extract JSON. Pages are written here; no third-party text.

use assert_cmd::Command;

const PAGE: &str = "<!DOCTYPE html><html><head><title>Harbour opens new ferry pier - Town News</title>\
    <meta name=\"author\" content=\"Ada Lovelace\">\
    <meta property=\"article:published_time\" content=\"2024-03-05T10:00:00Z\"></head>\
    <body><nav><a href=\"/\">Home</a> <a href=\"/news\">News</a></nav><article>\
    <h1>Harbour opens new ferry pier</h1>\
    <p>The town harbour opened a new ferry pier on Tuesday after two years of building work.</p>\
    <p>Ferries to the islands will leave from the pier every hour from next month onwards.</p>\
    </article></body></html>";

fn run(args: &[&str], files: &[&std::path::Path]) -> std::process::Output {
    Command::cargo_bin("refwatch")
        .expect("binary built")
        .arg("read")
        .args(args)
        .args(files)
        .output()
        .expect("runs")
}

fn page_file(dir: &tempfile::TempDir, name: &str, content: &str) -> std::path::PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, content).expect("write");
    path
}

#[test]
fn read_json_is_the_article_part_of_extract() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = page_file(&dir, "pier.html", PAGE);
    let output = run(&["--format", "json"], &[&path]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(json["schema"], "refwatch.read/1");
    let article = &json["article"];
    assert_eq!(article["title"], "Harbour opens new ferry pier");
    assert_eq!(article["author"], "Ada Lovelace");
    assert_eq!(article["published"], "2024-03-05");
    assert_eq!(
        article["text"],
        "The town harbour opened a new ferry pier on Tuesday after two years of building work.\n\n\
         Ferries to the islands will leave from the pier every hour from next month onwards."
    );
    let kinds: Vec<&str> =
        article["removed"].as_array().expect("removed").iter().filter_map(|r| r["kind"].as_str()).collect();
    assert!(kinds.contains(&"navigation"), "{kinds:?}");
    assert!(json.get("incidents").is_none(), "read runs no extraction");
}

#[test]
fn read_text_prints_headers_and_body_for_every_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let html = page_file(&dir, "pier.html", PAGE);
    let text = page_file(
        &dir,
        "note.txt",
        "Ferry timetable changes\n\nThe ferry will leave at nine from Monday, the harbour office said.\n",
    );
    let output = run(&["--removed"], &[&html, &text]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let out = String::from_utf8(output.stdout).expect("utf-8");
    assert_eq!(out.matches("== ").count(), 2, "{out}");
    assert!(out.contains("author:    Ada Lovelace"), "{out}");
    assert!(out.contains("published: 2024-03-05 (meta)"), "{out}");
    assert!(out.contains("-- removed: navigation"), "{out}");
    assert!(out.contains("leave at nine from Monday"), "{out}");
}

#[test]
fn read_several_files_as_json_lines() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = page_file(&dir, "a.html", PAGE);
    let b = page_file(&dir, "b.html", PAGE);
    let output = run(&["--format", "json"], &[&a, &b]);
    assert!(output.status.success());
    let out = String::from_utf8(output.stdout).expect("utf-8");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    for line in lines {
        let json: serde_json::Value = serde_json::from_str(line).expect("one object per line");
        assert_eq!(json["article"]["author"], "Ada Lovelace");
    }
}

#[test]
fn read_a_missing_file_is_a_clear_error() {
    let output = run(&[], &[std::path::Path::new("/nonexistent/page.html")]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot read /nonexistent/page.html"));
}
