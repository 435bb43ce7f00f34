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
