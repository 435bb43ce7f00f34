//! End to end: `refwatch keys` and `person`: case files open only with the key, and a sealed row
//! altered, swapped or replayed directly in the database fails to open with a tamper error.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

const PASSPHRASE: &str = "correct horse battery staple";

const PAGE: &str = "\
Germany deports Afghan man despite court appeal

Berlin, 12 March 2024 — Novak Testname was deported to Afghanistan by German authorities on 11 March 2024, \
his lawyer said.

A man named Novak Testname had lived in Leipzig for six years before he was deported to Kabul.
";

fn refwatch(db: &Path) -> Command {
    let mut cmd = Command::cargo_bin("refwatch").expect("refwatch binary");
    cmd.arg("--db").arg(db).env_remove("REFWATCH_DB").env_remove("REFWATCH_PASSPHRASE");
    cmd
}

fn with_passphrase(db: &Path, passphrase: &str) -> Command {
    let mut cmd = refwatch(db);
    cmd.env("REFWATCH_PASSPHRASE", passphrase);
    cmd
}

fn run(cmd: &mut Command, args: &[&str]) -> Output {
    cmd.args(args).output().expect("run refwatch")
}

fn ok(cmd: &mut Command, args: &[&str]) -> String {
    let output = run(cmd, args);
    assert!(output.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("utf-8")
}

fn fails(cmd: &mut Command, args: &[&str]) -> String {
    let output = run(cmd, args);
    assert!(!output.status.success(), "{args:?} succeeded: {}", String::from_utf8_lossy(&output.stdout));
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn sql(db: &Path, statements: &str) {
    let conn = rusqlite::Connection::open(db).expect("open raw");
    conn.execute_batch(statements).expect("tamper");
}

/// Flips one bit of a case file's sealed bytes.
fn flip_bit(db: &Path, id: i64, at: usize) {
    let conn = rusqlite::Connection::open(db).expect("open raw");
    let mut sealed: Vec<u8> =
        conn.query_row("SELECT sealed FROM persons WHERE id = ?1", [id], |r| r.get(0)).expect("sealed");
    sealed[at] ^= 0x01;
    conn.execute("UPDATE persons SET sealed = ?1 WHERE id = ?2", rusqlite::params![sealed, id])
        .expect("flip");
}

fn key_file(dir: &Path, name: &str, byte: u8) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, [byte; 32]).expect("write key file");
    path
}

#[test]
fn case_files_open_only_with_the_key_issue_4() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("t.db");
    ok(&mut with_passphrase(&db, PASSPHRASE), &["keys", "init"]);
    let added = ok(
        &mut with_passphrase(&db, PASSPHRASE),
        &[
            "person",
            "add",
            "--name",
            "Ayla Sealedname",
            "--alias",
            "A. S.",
            "--sex",
            "f",
            "--birth-year",
            "1991",
            "--origin",
            "Herat",
            "--detained-at",
            "Leipzig",
            "--family",
            "two children in hiding",
            "--status",
            "deported",
            "--notes",
            "spoke to her brother",
            "--consent",
            "--at-risk",
        ],
    );
    assert_eq!(added.trim(), "person 1");
    let shown = ok(&mut with_passphrase(&db, PASSPHRASE), &["person", "show", "1"]);
    for field in
        ["Ayla Sealedname", "A. S.", "1991", "Herat", "Leipzig", "two children in hiding", "deported"]
    {
        assert!(shown.contains(field), "{field} missing from:\n{shown}");
    }
    assert!(shown.contains("consent:     yes") && shown.contains("at risk:     yes"), "{shown}");

    let listed = ok(&mut refwatch(&db), &["person", "list"]);
    assert_eq!(listed.trim(), "1\tsealed");
    let listed = ok(&mut with_passphrase(&db, PASSPHRASE), &["person", "list"]);
    assert_eq!(listed.trim(), "1\tAyla Sealedname");
    assert!(fails(&mut refwatch(&db), &["person", "show", "1"]).contains("case files are sealed"));
    assert!(fails(&mut with_passphrase(&db, "wrong"), &["person", "show", "1"]).contains("wrong passphrase"));
    assert!(fails(&mut with_passphrase(&db, PASSPHRASE), &["keys", "init"]).contains("already stored"));
}

#[test]
fn altered_swapped_or_replayed_case_files_fail_to_open_issue_4() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("t.db");
    let key = key_file(dir.path(), "k", 7);
    let key = key.to_str().expect("utf-8 path");
    ok(&mut refwatch(&db), &["--key-file", key, "keys", "init"]);
    ok(&mut refwatch(&db), &["--key-file", key, "person", "add", "--name", "First Person"]);
    ok(&mut refwatch(&db), &["--key-file", key, "person", "add", "--name", "Second Person"]);
    let pristine = dir.path().join("pristine.db");
    std::fs::copy(&db, &pristine).expect("copy");

    let tamperings = [
        // One bit of the ciphertext (see `flip_bit`).
        "FLIP",
        // Another case file's sealed bytes.
        "UPDATE persons SET sealed = (SELECT sealed FROM persons WHERE id = 2) WHERE id = 1",
        // Replay under a newer version.
        "UPDATE persons SET version = 2 WHERE id = 1",
        // Moved to another id.
        "UPDATE person_links SET person_id = person_id; UPDATE persons SET id = 9 WHERE id = 1; \
         UPDATE persons SET id = 1 WHERE id = 2; UPDATE persons SET id = 2 WHERE id = 9",
        // Truncated.
        "UPDATE persons SET sealed = substr(sealed, 1, 20) WHERE id = 1",
    ];
    for tampering in tamperings {
        std::fs::copy(&pristine, &db).expect("restore");
        if tampering == "FLIP" {
            flip_bit(&db, 1, 30);
        } else {
            sql(&db, tampering);
        }
        let error = fails(&mut refwatch(&db), &["--key-file", key, "person", "show", "1"]);
        assert!(
            error.contains("case file 1 does not open") && error.contains("tampering"),
            "{tampering}: {error}"
        );
        let listed = ok(&mut refwatch(&db), &["--key-file", key, "person", "list"]);
        assert!(listed.contains("1\tDOES NOT OPEN"), "{tampering}: {listed}");
    }
    std::fs::copy(&pristine, &db).expect("restore");
    assert!(ok(&mut refwatch(&db), &["--key-file", key, "person", "show", "1"]).contains("First Person"));
}

#[test]
fn rotation_reseals_under_a_new_key_and_export_gives_the_wrapped_key_issue_4() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("t.db");
    let old = key_file(dir.path(), "old", 1);
    let new = key_file(dir.path(), "new", 2);
    let (old, new) = (old.to_str().expect("utf-8"), new.to_str().expect("utf-8"));
    ok(&mut refwatch(&db), &["--key-file", old, "keys", "init"]);
    ok(&mut refwatch(&db), &["--key-file", old, "person", "add", "--name", "Rotated Person"]);
    let before: Vec<u8> = rusqlite::Connection::open(&db)
        .and_then(|c| c.query_row("SELECT sealed FROM persons WHERE id = 1", [], |r| r.get(0)))
        .expect("sealed");
    ok(&mut refwatch(&db), &["--key-file", old, "keys", "rotate", "--new-key-file", new]);
    let after: Vec<u8> = rusqlite::Connection::open(&db)
        .and_then(|c| c.query_row("SELECT sealed FROM persons WHERE id = 1", [], |r| r.get(0)))
        .expect("sealed");
    assert_ne!(before, after, "rotation did not re-seal");
    assert!(ok(&mut refwatch(&db), &["--key-file", new, "person", "show", "1"]).contains("Rotated Person"));
    assert!(
        fails(&mut refwatch(&db), &["--key-file", old, "person", "show", "1"]).contains("wrong passphrase")
    );

    let exported = dir.path().join("key.bin");
    ok(&mut refwatch(&db), &["keys", "export", "--output", exported.to_str().expect("utf-8")]);
    let exported = std::fs::read(&exported).expect("exported");
    let stored: Vec<u8> = rusqlite::Connection::open(&db)
        .and_then(|c| c.query_row("SELECT wrapped FROM data_keys ORDER BY id DESC LIMIT 1", [], |r| r.get(0)))
        .expect("wrapped");
    assert_eq!(exported, stored);
    assert!(!exported.windows(32).any(|w| w == [2u8; 32]), "the key file's key is in the export");
    let log = ok(&mut refwatch(&db), &["audit", "log"]);
    assert!(log.contains("key.init") && log.contains("person.add") && log.contains("key.rotate"), "{log}");
}

#[test]
fn ingest_seals_extracted_names_and_links_them_issue_4() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("t.db");
    let page = dir.path().join("page.txt");
    std::fs::write(&page, PAGE).expect("write page");
    let key = key_file(dir.path(), "k", 3);
    let key = key.to_str().expect("utf-8");

    // Without a key the name is dropped, and the summary says so.
    let other = dir.path().join("other.db");
    let summary = ok(&mut refwatch(&other), &["ingest", page.to_str().expect("utf-8")]);
    assert!(summary.contains("names of persons not kept (no key"), "{summary}");
    assert_eq!(ok(&mut refwatch(&other), &["person", "list"]).trim(), "");

    ok(&mut refwatch(&db), &["--key-file", key, "keys", "init"]);
    let summary = ok(&mut refwatch(&db), &["--key-file", key, "ingest", page.to_str().expect("utf-8")]);
    assert!(summary.contains("names of persons kept in sealed case files: 1"), "{summary}");
    let shown = ok(&mut refwatch(&db), &["--key-file", key, "person", "show", "1"]);
    assert!(
        shown.contains("Novak Testname") && shown.contains("linked to:   claim 0 of document"),
        "{shown}"
    );

    let hash: String = rusqlite::Connection::open(&db)
        .and_then(|c| c.query_row("SELECT hash FROM pages", [], |r| r.get(0)))
        .expect("hash");
    ok(&mut refwatch(&db), &["--key-file", key, "person", "add", "--name", "Later Person"]);
    ok(&mut refwatch(&db), &["person", "link", "2", &hash[..8]]);
    ok(&mut refwatch(&db), &["person", "link", "2", &hash[..8], "--claim", "0"]);
    assert!(
        fails(&mut refwatch(&db), &["person", "link", "2", &hash[..8], "--claim", "7"]).contains("not found")
    );
    assert!(fails(&mut refwatch(&db), &["person", "link", "9", &hash[..8]]).contains("not found"));
    let shown = ok(&mut refwatch(&db), &["--key-file", key, "person", "show", "2"]);
    assert_eq!(shown.matches("linked to:").count(), 2, "{shown}");
}

#[test]
fn case_files_and_audit_work_on_postgres_issue_4() {
    let Some(url) = store_postgres::test_support::test_url() else { return };
    let schema = store_postgres::test_support::TempSchema::create(&url)
        .unwrap_or_else(|err| panic!("REFWATCH_TEST_POSTGRES is set but: {err}"));
    let dir = tempfile::tempdir().expect("tempdir");
    let key = key_file(dir.path(), "k", 5);
    let key = key.to_str().expect("utf-8");
    let page = dir.path().join("page.txt");
    std::fs::write(&page, PAGE).expect("write page");
    let db = Path::new(schema.url());
    ok(&mut refwatch(db), &["--key-file", key, "keys", "init"]);
    ok(&mut refwatch(db), &["--key-file", key, "ingest", page.to_str().expect("utf-8")]);
    ok(&mut refwatch(db), &["--key-file", key, "person", "add", "--name", "Postgres Person"]);
    assert!(ok(&mut refwatch(db), &["--key-file", key, "person", "show", "1"]).contains("Novak Testname"));
    let listed = ok(&mut refwatch(db), &["person", "list"]);
    assert!(listed.contains("\tsealed") && !listed.contains("Postgres Person"), "{listed}");
    assert!(ok(&mut refwatch(db), &["audit", "verify"]).starts_with("audit log intact: 3 entries"));
    let values =
        schema.text_values(&["pages", "documents", "claim_evidence", "removed_blocks"]).expect("values");
    assert!(!values.iter().any(|(_, v)| v.contains("Postgres Person") || v.contains("Novak Testname")));

    schema.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2").expect("tamper");
    let output = run(&mut refwatch(db), &["audit", "verify"]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("audit entry 2"));
    schema.execute("UPDATE persons SET version = 5 WHERE id = 2").expect("tamper");
    assert!(fails(&mut refwatch(db), &["--key-file", key, "person", "show", "2"]).contains("tampering"));
}

#[test]
fn person_add_reads_fields_from_stdin_and_warns_about_flags() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("t.db");
    let key = key_file(dir.path(), "k", 3);
    let key = key.to_str().expect("utf-8");
    ok(&mut refwatch(&db), &["--key-file", key, "keys", "init"]);
    let output = refwatch(&db)
        .args(["--key-file", key, "person", "add", "--stdin"])
        .write_stdin("name: Canary Testperson-7Q\nalias: C. T.\ndetained_at: Leipzig\nat_risk: yes\n")
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "person 1");
    assert!(!String::from_utf8_lossy(&output.stderr).contains("warning"), "warned on the safe path");
    let output = refwatch(&db)
        .args(["--key-file", key, "person", "add", "--stdin"])
        .write_stdin(r#"{"name": "Ayla Sealedname", "aliases": ["A. S."], "consent": true}"#)
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let shown = ok(&mut refwatch(&db), &["--key-file", key, "person", "show", "1"]);
    assert!(
        shown.contains("Canary Testperson-7Q") && shown.contains("C. T.") && shown.contains("Leipzig"),
        "{shown}"
    );
    assert!(shown.contains("at risk:     yes") && shown.contains("consent:     no"), "{shown}");
    let shown = ok(&mut refwatch(&db), &["--key-file", key, "person", "show", "2"]);
    assert!(shown.contains("Ayla Sealedname") && shown.contains("consent:     yes"), "{shown}");

    // Flags still work, with a warning; mixing them with --stdin is refused.
    let output = run(&mut refwatch(&db), &["--key-file", key, "person", "add", "--name", "Novak Testname"]);
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("--stdin"), "no warning about flags");
    fails(&mut refwatch(&db), &["--key-file", key, "person", "add", "--stdin", "--name", "X"]);
    let help = ok(&mut refwatch(&db), &["person", "add", "--help"]);
    assert!(help.contains("--stdin") && help.contains("ps"), "{help}");
}
