//! End to end: every write appends to the audit chain (with the `--as` actor), and `audit
//! verify` names the first broken entry after any entry is altered, deleted or reordered
//! directly in the database. Tamperings are drawn at random (the seed is printed); every one
//! must be detected.

use std::path::Path;
use std::process::Output;

use assert_cmd::Command;

const PAGE: &str = "\
Malaysia deports 112 Myanmar nationals

KUALA LUMPUR, Feb 15 (Example Wire) - Malaysia deported 112 Myanmar nationals to Myanmar on 14 February 2025, \
the immigration department said.
";

fn refwatch(db: &Path) -> Command {
    let mut cmd = Command::cargo_bin("refwatch").expect("refwatch binary");
    cmd.arg("--db").arg(db).env_remove("REFWATCH_DB").env_remove("REFWATCH_PASSPHRASE");
    cmd
}

fn run(db: &Path, args: &[&str]) -> Output {
    refwatch(db).args(args).output().expect("run refwatch")
}

fn ok(db: &Path, args: &[&str]) -> String {
    let output = run(db, args);
    assert!(output.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("utf-8")
}

/// A database with entries of several kinds: key, ingest, case file, link.
fn populated(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("t.db");
    let key = dir.join("key");
    std::fs::write(&key, [9u8; 32]).expect("key file");
    let key = key.to_str().expect("utf-8");
    let page = dir.join("page.txt");
    std::fs::write(&page, PAGE).expect("page");
    ok(&db, &["--as", "ana", "--key-file", key, "keys", "init"]);
    ok(&db, &["--as", "ana", "--key-file", key, "ingest", page.to_str().expect("utf-8")]);
    ok(&db, &["--as", "bo", "--key-file", key, "person", "add", "--name", "Audited Person"]);
    let hash: String = rusqlite::Connection::open(&db)
        .and_then(|c| c.query_row("SELECT hash FROM pages", [], |r| r.get(0)))
        .expect("hash");
    ok(&db, &["--as", "bo", "person", "link", "1", &hash]);
    ok(&db, &["--as", "cy", "--key-file", key, "person", "add", "--name", "Second Person"]);
    db
}

#[test]
fn every_write_is_logged_with_its_actor_issue_4() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = populated(dir.path());
    let log = ok(&db, &["audit", "log"]);
    let lines: Vec<Vec<&str>> = log.lines().map(|l| l.split('\t').collect()).collect();
    let summary: Vec<(&str, &str, &str)> = lines.iter().map(|f| (f[0], f[2], f[3])).collect();
    assert_eq!(
        summary,
        [
            ("1", "ana", "key.init"),
            ("2", "ana", "ingest"),
            ("3", "bo", "person.add"),
            ("4", "bo", "person.link"),
            ("5", "cy", "person.add")
        ]
    );
    assert!(!log.contains("Audited Person"), "{log}");
    let verified = ok(&db, &["audit", "verify"]);
    assert!(verified.starts_with("audit log intact: 5 entries"), "{verified}");
}

#[test]
fn any_tampered_audit_entry_is_named_issue_4() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = populated(dir.path());
    let pristine = dir.path().join("pristine.db");
    std::fs::copy(&db, &pristine).expect("copy");
    let n: i64 = 5;

    let mut seed =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(7, |d| d.as_nanos()) as u64
            | 1;
    println!("tampering seed {seed}");
    let mut random = move |below: i64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % below as u64) as i64
    };
    let mut detected = 0;
    let rounds = 24;
    for _ in 0..rounds {
        let seq = 1 + random(n);
        let (sql, named) = match random(4) {
            0 => {
                let column =
                    ["actor", "action", "objects", "digest", "prev_hash", "hash"][random(6) as usize];
                (format!("UPDATE audit_log SET {column} = {column} || 'x' WHERE seq = {seq}"), seq)
            }
            1 => (format!("UPDATE audit_log SET at = at + {} WHERE seq = {seq}", 1 + random(10_000)), seq),
            2 => (format!("DELETE FROM audit_log WHERE seq = {seq}"), if seq == n { n } else { seq + 1 }),
            _ => {
                let seq = seq.min(n - 1);
                let next = seq + 1;
                (
                    format!(
                        "UPDATE audit_log SET seq = -1 WHERE seq = {seq}; \
                         UPDATE audit_log SET seq = {seq} WHERE seq = {next}; \
                         UPDATE audit_log SET seq = {next} WHERE seq = -1"
                    ),
                    seq,
                )
            }
        };
        std::fs::copy(&pristine, &db).expect("restore");
        rusqlite::Connection::open(&db).and_then(|c| c.execute_batch(&sql)).expect("tamper");
        let output = run(&db, &["audit", "verify"]);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(!output.status.success(), "not detected: {sql}\n{stdout}");
        let names = format!("entry {named}");
        assert!(stdout.contains("audit log broken") && stdout.contains(&names), "{sql}: {stdout}");
        detected += 1;
    }
    assert_eq!(detected, rounds);
    std::fs::copy(&pristine, &db).expect("restore");
    assert!(run(&db, &["audit", "verify"]).status.success());
}
