//! `refwatch bench` prints one figure line per stage; no speed is asserted here (benchmarks,
//! not timed tests), only that the command measures the pages it was given.

use std::path::Path;

use assert_cmd::Command;

fn bench(stage: &str) -> String {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let output = Command::cargo_bin("refwatch")
        .expect("binary built")
        .args(["bench", stage])
        .arg(&examples)
        .args(["--repeat", "2"])
        .output()
        .expect("runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("utf-8")
}

#[test]
fn bench_extract_counts_every_page_and_claim() {
    let out = bench("extract");
    let n_pages = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples"))
        .expect("examples")
        .flatten()
        .filter(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            name.ends_with(".txt") || name.ends_with(".html") || name.ends_with(".gz")
        })
        .count();
    assert!(out.starts_with(&format!("extract: {} pages in ", n_pages * 2)), "{out}");
    assert!(out.contains("pages/s on one core"), "{out}");
    let checksum: usize = out.trim().rsplit(' ').next().and_then(|n| n.parse().ok()).expect("checksum");
    assert!(checksum > 0, "the examples hold claims: {out}");
}

#[test]
fn bench_read_reports_pages_per_second() {
    let out = bench("read");
    assert!(out.starts_with("read: "), "{out}");
    assert!(out.contains("pages/s on one core"), "{out}");
}

#[test]
fn bench_on_an_empty_folder_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = Command::cargo_bin("refwatch")
        .expect("binary built")
        .args(["bench", "extract"])
        .arg(dir.path())
        .output()
        .expect("runs");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("no pages"));
}

/// Writes a tiny benchmark folder in the given layout: one page whose article the reader keeps
/// whole, with gold text, title, author and date written here (no benchmark text).
fn fixture(layout: &str) -> tempfile::TempDir {
    use std::io::Write;
    let dir = tempfile::tempdir().expect("tempdir");
    let html = "<!DOCTYPE html><html><head><title>Harbour opens new ferry pier - Town News</title>\
        <meta name=\"author\" content=\"Ada Lovelace\">\
        <meta property=\"article:published_time\" content=\"2024-03-05T10:00:00Z\"></head>\
        <body><nav><a href=\"/\">Home</a> <a href=\"/news\">News</a></nav><article>\
        <h1>Harbour opens new ferry pier</h1>\
        <p>The town harbour opened a new ferry pier on Tuesday after two years of building work.</p>\
        <p>Ferries to the islands will leave from the pier every hour from next month onwards.</p>\
        </article></body></html>";
    let body = "The town harbour opened a new ferry pier on Tuesday after two years of building work.\n\n\
        Ferries to the islands will leave from the pier every hour from next month onwards.";
    std::fs::create_dir(dir.path().join("html")).expect("mkdir");
    let id = "0001";
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(html.as_bytes()).expect("gzip");
    std::fs::write(dir.path().join(format!("html/{id}.html.gz")), gz.finish().expect("gzip")).expect("write");
    if layout == "scrapinghub" {
        let gold = serde_json::json!({ id: { "articleBody": body, "url": "https://example.org/pier" } });
        std::fs::write(dir.path().join("ground-truth.json"), gold.to_string()).expect("write");
    } else {
        std::fs::create_dir(dir.path().join("ground-truth")).expect("mkdir");
        let gold = serde_json::json!({
            "url": "https://example.org/pier",
            "ground_truth": {
                "main_content": body,
                "title": "Harbour opens new ferry pier",
                "author": "Ada Lovelace",
                "publish_date": "2024-03-05",
            }
        });
        std::fs::write(dir.path().join(format!("ground-truth/{id}.json")), gold.to_string()).expect("write");
    }
    dir
}

fn bench_read(dir: &Path, extra: &[&str]) -> String {
    let output = Command::cargo_bin("refwatch")
        .expect("binary built")
        .args(["bench", "read"])
        .arg(dir)
        .args(extra)
        .output()
        .expect("runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("utf-8")
}

#[test]
fn bench_read_scores_a_scrapinghub_layout() {
    let dir = fixture("scrapinghub");
    let out = bench_read(dir.path(), &[]);
    assert!(out.contains("dataset: scrapinghub"), "{out}");
    assert!(out.contains("F1 1.000  precision 1.000  recall 1.000  accuracy 1.000"), "{out}");
    assert!(!out.contains("metadata"), "scrapinghub has no gold metadata: {out}");
    assert!(out.contains("read: 1 pages in "), "{out}");
    assert!(out.contains("peak memory"), "{out}");
}

#[test]
fn bench_read_scores_metadata_on_a_wcxb_layout() {
    let dir = fixture("wcxb");
    let out = bench_read(dir.path(), &[]);
    assert!(out.contains("dataset: wcxb"), "{out}");
    assert!(out.contains("title 1.000 (1 of 1)  author 1.000 (1 of 1)  date 1.000 (1 of 1)"), "{out}");
}

#[test]
fn bench_read_scores_given_predictions() {
    let dir = fixture("wcxb");
    let predictions = dir.path().join("predictions.json");
    let json = serde_json::json!({ "0001": {
        "text": "The town harbour opened a new ferry pier on Tuesday.",
        "title": "Another title", "author": null, "date": "2024-03-05", "seconds": 0.5 } });
    std::fs::write(&predictions, json.to_string()).expect("write");
    let out = bench_read(dir.path(), &["--predictions", predictions.to_str().expect("utf-8 path")]);
    assert!(out.contains("precision 1.000  recall 0.2"), "{out}");
    assert!(out.contains("title 0.000 (0 of 1)  author 0.000 (0 of 1)  date 1.000 (1 of 1)"), "{out}");
    assert!(out.contains("read: 1 pages in 0.500 s = 2 pages/s"), "{out}");
}

#[test]
fn bench_read_dumps_text_and_metadata_and_checks_the_parser() {
    let dir = fixture("wcxb");
    let dump = dir.path().join("dump");
    let out = bench_read(dir.path(), &["--dump", dump.to_str().expect("utf-8 path"), "--check-parse"]);
    let text = std::fs::read_to_string(dump.join("0001.txt")).expect("text dumped");
    assert!(text.starts_with("The town harbour opened a new ferry pier"), "{text}");
    let meta = std::fs::read_to_string(dump.join("0001.meta")).expect("metadata dumped");
    assert_eq!(meta, "title: Harbour opens new ferry pier\nauthor: Ada Lovelace\ndate: 2024-03-05\n");
    assert!(out.contains("parse: fast path on 1 of 1 pages; 0 built another tree than html5ever"), "{out}");
}
