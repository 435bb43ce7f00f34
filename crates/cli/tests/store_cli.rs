//! End to end: `refwatch ingest`, `incidents`, `show` and `demo` against a database in a temp folder.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::str::contains;

const SEED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/seed-theworkersrights.txt");

const WIRE: &str = "\
Malaysia deports 112 Myanmar nationals

By Farah Idris

KUALA LUMPUR, Feb 15 (Example Wire) - Malaysia deported 112 Myanmar nationals to Myanmar on 14 February 2025, \
the immigration department said.
";

fn refwatch(db: &Path) -> Command {
    let mut cmd = Command::cargo_bin("refwatch").expect("refwatch binary");
    cmd.arg("--db").arg(db).env_remove("REFWATCH_DB");
    cmd
}

/// A folder with the seed page, a wire story, and one file that cannot be decoded.
fn corpus(dir: &Path) -> (PathBuf, PathBuf) {
    let pages = dir.join("pages");
    std::fs::create_dir_all(pages.join("wire")).expect("mkdir");
    std::fs::copy(SEED, pages.join("seed.txt")).expect("copy seed");
    std::fs::write(pages.join("wire/malaysia.txt"), WIRE).expect("write");
    let bad = pages.join("wire/broken.html.gz");
    std::fs::write(&bad, b"\x1f\x8b\x08\x00 truncated gzip").expect("write");
    (pages, bad)
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn ingest_reports_the_bad_file_and_fails_then_rerun_is_unchanged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (pages, bad) = corpus(dir.path());
    let db = dir.path().join("rw.db");

    refwatch(&db)
        .arg("ingest")
        .arg(&pages)
        .assert()
        .failure()
        .stdout(contains("read 2, new 2, unchanged 0, failed 1"))
        .stderr(contains(bad.display().to_string()))
        .stderr(contains("gzip"));

    refwatch(&db)
        .arg("ingest")
        .arg(&pages)
        .assert()
        .failure()
        .stdout(contains("read 2, new 0, unchanged 2, failed 1, claims 0"));

    std::fs::remove_file(&bad).expect("rm");
    refwatch(&db)
        .arg("ingest")
        .arg(&pages)
        .assert()
        .success()
        .stdout(contains("read 2, new 0, unchanged 2, failed 0"));
}

#[test]
fn db_comes_from_the_environment_when_no_flag_is_given() {
    let dir = tempfile::tempdir().expect("tempdir");
    let page = dir.path().join("one.txt");
    std::fs::write(&page, WIRE).expect("write");
    let db = dir.path().join("from-env.db");
    Command::cargo_bin("refwatch")
        .expect("refwatch binary")
        .current_dir(dir.path())
        .env("REFWATCH_DB", &db)
        .arg("ingest")
        .arg(&page)
        .assert()
        .success();
    assert!(db.is_file());
    assert!(!dir.path().join("refwatch.db").exists());
}

#[test]
fn incidents_as_json_and_csv_agree() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (pages, bad) = corpus(dir.path());
    std::fs::remove_file(bad).expect("rm");
    let db = dir.path().join("rw.db");
    refwatch(&db).arg("ingest").arg(&pages).assert().success();

    let json = refwatch(&db).args(["incidents", "--claims", "--format", "json"]).output().expect("run");
    assert!(json.status.success());
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).expect("incidents JSON");
    assert_eq!(json["schema"], "refwatch.incidents/1");
    let incidents = json["incidents"].as_array().expect("incidents array");

    let csv_out = refwatch(&db).args(["incidents", "--claims", "--format", "csv"]).output().expect("run");
    assert!(csv_out.status.success());
    let mut reader = csv::Reader::from_reader(csv_out.stdout.as_slice());
    let headers = reader.headers().expect("headers").clone();
    for column in
        ["document_blake3", "type", "date_start", "count_low", "perpetrator", "destination", "sources"]
    {
        assert!(headers.iter().any(|h| h == column), "missing CSV column {column}");
    }
    let records: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().expect("CSV records");
    assert_eq!(records.len(), incidents.len());

    for (record, incident) in records.iter().zip(incidents) {
        let column =
            |name: &str| headers.iter().position(|h| h == name).and_then(|i| record.get(i)).unwrap_or("");
        assert_eq!(column("document_blake3"), incident["document"]["blake3"].as_str().expect("hash"));
        assert_eq!(column("type"), incident["type"].as_str().expect("type"));
        assert_eq!(column("date_precision"), incident["date"]["precision"].as_str().expect("precision"));
        assert_eq!(
            column("count_low"),
            incident["count"]["low"].as_u64().map(|n| n.to_string()).unwrap_or_default()
        );
        // Names of victims are never output, only their number.
        assert!(incident.get("persons").is_none());
        assert!(incident["n_persons"].is_u64());
    }

    // The table is the default and lists the same rows under a header.
    let table = refwatch(&db).args(["incidents", "--claims"]).output().expect("run");
    let table = stdout(&table);
    let lines: Vec<&str> = table.lines().collect();
    if incidents.is_empty() {
        assert_eq!(lines, ["no incidents stored"]);
    } else {
        assert!(lines[0].starts_with("DOC"));
        assert_eq!(lines.len(), incidents.len() + 1);
    }
}

#[test]
fn show_prints_metadata_text_removed_blocks_and_claims() {
    let dir = tempfile::tempdir().expect("tempdir");
    let seed = dir.path().join("seed.txt");
    std::fs::copy(SEED, &seed).expect("copy");
    let db = dir.path().join("rw.db");
    refwatch(&db).arg("ingest").arg(&seed).assert().success();
    let hash = blake3::hash(&std::fs::read(&seed).expect("read")).to_hex().to_string();

    let output = refwatch(&db).args(["show", &hash[..10]]).output().expect("run");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = stdout(&output);
    assert!(text.contains(&format!("document   {hash}")), "{text}");
    assert!(text.contains("── text ──"));
    assert!(!text.contains('\x1b'), "no colour when piped");
    // The seed page's chrome (author boxes, Recent Posts, cookie notice) is removed, and shown
    // here with its kind.
    let removed_line = text.lines().find(|l| l.starts_with("── removed (")).expect("removed heading");
    let n_removed: usize = removed_line
        .trim_start_matches("── removed (")
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .expect("removed count");
    assert!(n_removed >= 1, "{removed_line}");
    let kinds: Vec<&str> = domain::BoilerplateKind::ALL.iter().map(|k| k.as_str()).collect();
    let n_kind_lines = text
        .lines()
        .filter(|l| l.starts_with('[') && l.ends_with(']') && kinds.contains(&&l[1..l.len() - 1]))
        .count();
    assert_eq!(n_kind_lines, n_removed);
    assert!(text.contains("── claims ("));

    let coloured = refwatch(&db).args(["show", &hash[..10], "--color", "always"]).output().expect("run");
    let coloured = stdout(&coloured);
    assert!(coloured.contains("\x1b[1m── text ──"));
    if text.contains("   evidence ") {
        assert!(coloured.contains("\x1b[1;33m"), "evidence is highlighted");
    }
}

#[test]
fn show_explains_missing_and_invalid_documents() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("rw.db");
    refwatch(&db).args(["show", "abcd"]).assert().failure().stderr(contains("no database at"));
    let page = dir.path().join("one.txt");
    std::fs::write(&page, WIRE).expect("write");
    refwatch(&db).arg("ingest").arg(&page).assert().success();
    refwatch(&db).args(["show", "0000000000"]).assert().failure().stderr(contains("not found"));
    refwatch(&db).args(["show", "zz"]).assert().failure().stderr(contains("hex"));
}

#[test]
fn demo_ingests_the_examples_and_prints_the_table() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Run from an empty folder: the examples are found next to the source.
    let output = Command::cargo_bin("refwatch")
        .expect("refwatch binary")
        .current_dir(dir.path())
        .env_remove("REFWATCH_DB")
        .args(["demo", "--no-serve"])
        .output()
        .expect("run");
    let text = stdout(&output);
    assert!(output.status.success(), "{text}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(dir.path().join("refwatch-demo.db").is_file());
    assert!(text.contains("read 5, new 5, unchanged 0, failed 0"), "{text}");
    // Reconciled incidents, one row per occasion; the seed page's three returns CN → KP are there.
    assert!(text.lines().any(|l| l.starts_with("ID") && l.contains("LOW/BEST/HIGH")), "{text}");
    assert!(text.lines().filter(|l| l.contains("CN → KP")).count() >= 3, "{text}");

    // Running it again changes nothing.
    let again = Command::cargo_bin("refwatch")
        .expect("refwatch binary")
        .current_dir(dir.path())
        .env_remove("REFWATCH_DB")
        .args(["demo", "--no-serve"])
        .output()
        .expect("run");
    assert!(stdout(&again).contains("read 5, new 0, unchanged 5, failed 0"));
}

#[test]
fn demo_refuses_a_database_it_did_not_create() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("real.db");
    refwatch(&db).arg("ingest").arg(SEED).assert().success();
    let before = std::fs::read(&db).expect("db");
    let output =
        refwatch(&db).args(["demo", "--no-serve", "--examples", "/nonexistent"]).output().expect("run");
    assert!(!output.status.success(), "demo wrote into a real database");
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("did not create") && err.contains("--db"), "{err}");
    assert_eq!(std::fs::read(&db).expect("db"), before, "the real database changed");
    // A database demo made itself is reused.
    let demo = dir.path().join("demo.db");
    let examples = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");
    refwatch(&demo).args(["demo", "--no-serve", "--examples", examples]).assert().success();
    refwatch(&demo).args(["demo", "--no-serve", "--examples", examples]).assert().success();
}
