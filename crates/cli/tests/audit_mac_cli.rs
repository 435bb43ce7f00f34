//! `audit verify` with and without the key: which entries the MACs cover, which were appended
//! without the key, and a chain rewritten consistently without the key (every hash and the head
//! recomputed), which the chain alone cannot catch and the MACs do.
//!
//! The database is written through the service layer (a store that unlocked the key, and a
//! second one that did not), so these tests exercise `audit verify` and the MACs on their own.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use crypto::Kek;
use service::record::{CaseFile, KeySecret};
use store::Role;
use store_sqlite::SqliteStore;

const KEY: [u8; 32] = [9; 32];

fn refwatch(db: &Path) -> Command {
    let mut cmd = Command::cargo_bin("refwatch").expect("refwatch binary");
    cmd.arg("--db").arg(db).args(["--as", "ana"]).env_remove("REFWATCH_DB").env_remove("REFWATCH_PASSPHRASE");
    cmd
}

fn run(cmd: &mut Command) -> (bool, String) {
    let Output { status, stdout, stderr } = cmd.output().expect("run refwatch");
    let stdout = String::from_utf8(stdout).expect("utf-8");
    if !status.success() {
        eprintln!("{}", String::from_utf8_lossy(&stderr));
    }
    (status.success(), stdout)
}

fn key_file(dir: &Path) -> PathBuf {
    let path = dir.join("key");
    std::fs::write(&path, KEY).expect("key file");
    path
}

/// 1 key.init (key), 2 user.add (no key), 3 person.add (key), 4 user.passwd (no key).
fn populated(dir: &Path) -> PathBuf {
    let db = dir.join("t.db");
    let secret = KeySecret::KeyFile(Kek::from_bytes(KEY));
    let mut keyed = SqliteStore::open(&db).expect("open");
    let mut plain = SqliteStore::open(&db).expect("open");
    service::record::init_key(&mut keyed, &secret, "ana").expect("init");
    service::users::create_user(&mut plain, "ana", Role::Admin, "a long password", "root").expect("user");
    let key = service::record::unlock(&keyed, &secret).expect("unlock");
    service::record::add_person(&mut keyed, &key, &CaseFile::named("Audited Person"), "ana").expect("person");
    service::users::change_password(&mut plain, "ana", "another long password", "root").expect("passwd");
    db
}

#[test]
fn verify_with_the_key_says_which_entries_the_macs_cover() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = populated(dir.path());
    let key = key_file(dir.path());

    let (ok, out) = run(refwatch(&db).arg("--key-file").arg(&key).args(["audit", "verify"]));
    assert!(ok, "{out}");
    assert!(out.starts_with("audit log intact: 4 entries"), "{out}");
    assert!(out.contains("MACs verified: entries 1-3 are covered"), "{out}");
    assert!(out.contains("covered by a later MAC: 2 (user.add by root)"), "{out}");
    assert!(out.contains("NOT covered by a MAC") && out.contains("4 (user.passwd by root)"), "{out}");
    // --strict fails while an entry is not covered.
    let (ok, _) = run(refwatch(&db).arg("--key-file").arg(&key).args(["audit", "verify", "--strict"]));
    assert!(!ok, "--strict passed with an uncovered entry");

    // Without the key: the chain only, and it says so.
    let (ok, out) = run(refwatch(&db).args(["audit", "verify"]));
    assert!(ok, "{out}");
    assert!(out.contains("MACs not checked: no key given (2 of 4 entries carry one)"), "{out}");
    let (ok, _) = run(refwatch(&db).args(["audit", "verify", "--strict"]));
    assert!(!ok, "--strict passed without the key");

    let (ok, log) = run(refwatch(&db).args(["audit", "log"]));
    assert!(ok);
    let macs: Vec<&str> = log.lines().map(|l| l.rsplit('\t').next().unwrap_or("")).collect();
    assert_eq!(macs, ["mac", "-", "mac", "-"], "{log}");
}

#[test]
fn a_chain_rewritten_without_the_key_fails_verify_with_the_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = populated(dir.path());
    let key = key_file(dir.path());

    // Rewrite entry 2 (who added the user) and recompute every later hash and the head, as
    // someone with write access but without the key can.
    let conn = rusqlite::Connection::open(&db).expect("sqlite");
    let mut rows: Vec<(i64, i64, String, String, String, String, String)> = conn
        .prepare("SELECT seq, at, actor, action, objects, digest, prev_hash FROM audit_log ORDER BY seq")
        .and_then(|mut s| {
            s.query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?))
            })?
            .collect()
        })
        .expect("entries");
    rows[1].2 = "mallory".to_owned();
    let mut prev = rows[0].6.clone();
    prev =
        store::audit::entry_hash(rows[0].0, rows[0].1, &rows[0].2, &rows[0].3, &rows[0].4, &rows[0].5, &prev);
    for row in &mut rows[1..] {
        let hash = store::audit::entry_hash(row.0, row.1, &row.2, &row.3, &row.4, &row.5, &prev);
        conn.execute(
            "UPDATE audit_log SET actor = ?1, prev_hash = ?2, hash = ?3 WHERE seq = ?4",
            rusqlite::params![row.2, prev, hash, row.0],
        )
        .expect("rewrite");
        prev = hash;
    }
    conn.execute("UPDATE audit_head SET hash = ?1", [&prev]).expect("head");
    drop(conn);

    // The chain alone is fooled…
    let (ok, out) = run(refwatch(&db).args(["audit", "verify"]));
    assert!(ok && out.starts_with("audit log intact"), "{out}");
    // …the MACs are not.
    let (ok, out) = run(refwatch(&db).arg("--key-file").arg(&key).args(["audit", "verify"]));
    assert!(!ok, "rewrite not detected: {out}");
    assert!(out.contains("audit log broken: audit entry 3: its MAC does not match"), "{out}");

    // Removing the MACs too does not help: entry 3 added a case file, which needs the key.
    let conn = rusqlite::Connection::open(&db).expect("sqlite");
    conn.execute("UPDATE audit_log SET mac = NULL WHERE seq >= 2", []).expect("strip");
    drop(conn);
    let (ok, out) = run(refwatch(&db).arg("--key-file").arg(&key).args(["audit", "verify"]));
    assert!(!ok, "stripped MACs not detected: {out}");
    assert!(out.contains("audit entry 3 (person.add)") && out.contains("carries no MAC"), "{out}");
}

/// Every write the CLI makes with the key carries a MAC (`Db` in cli/src/db.rs passes
/// `Store::set_audit_mac` on to the store it wraps).
#[test]
fn cli_writes_with_the_key_carry_a_mac() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("t.db");
    let key = key_file(dir.path());
    let page = dir.path().join("page.txt");
    std::fs::write(&page, "Deportation report\n\nOfficials deported 12 people to Ruritania on 3 May 2025.\n")
        .expect("page");
    let with_key = |args: &[&str]| {
        let mut cmd = Command::cargo_bin("refwatch").expect("refwatch binary");
        cmd.arg("--db").arg(&db).arg("--key-file").arg(&key).args(["--as", "ana"]).args(args);
        cmd.env_remove("REFWATCH_DB").env_remove("REFWATCH_PASSPHRASE");
        let (ok, out) = run(&mut cmd);
        assert!(ok, "{args:?}: {out}");
        out
    };
    with_key(&["keys", "init"]);
    with_key(&["ingest", page.to_str().expect("utf-8")]);
    with_key(&["person", "add", "--name", "Audited Person"]);
    let out = with_key(&["audit", "verify", "--strict"]);
    assert!(out.contains("MACs verified: entries 1-3 are covered"), "{out}");
}

/// `refwatch user …`, `person link` and the decision subcommands unlock the key when one is
/// given, so their entries carry a MAC when written, not only once a later keyed write vouches
/// for them; without the key they still work, unsigned; a wrong key file is refused and writes
/// nothing.
#[test]
fn decisions_and_user_changes_with_the_key_carry_a_mac() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("t.db");
    let key = key_file(dir.path());
    let wrong = dir.path().join("wrong-key");
    std::fs::write(&wrong, [7u8; 32]).expect("wrong key file");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/reconcile");
    let cli = |key: Option<&Path>, args: &[&str]| {
        let mut cmd = refwatch(&db);
        if let Some(key) = key {
            cmd.arg("--key-file").arg(key);
        }
        cmd.env("REFWATCH_PASSWORD", "a long password").args(args);
        run(&mut cmd)
    };
    let with_key = |args: &[&str]| {
        let (ok, out) = cli(Some(&key), args);
        assert!(ok, "{args:?}: {out}");
        out
    };
    with_key(&["keys", "init"]); // 1
    with_key(&["user", "add", "ana", "--role", "admin"]); // 2
    with_key(&["ingest", fixtures.to_str().expect("utf-8")]); // 3…
    let (ok, incidents) = cli(None, &["incidents"]);
    assert!(ok, "{incidents}");
    let id = incidents
        .lines()
        .find_map(|line| {
            line.split_whitespace()
                .find(|word| word.len() == 8 && word.bytes().all(|b| b.is_ascii_hexdigit()))
        })
        .expect("an incident id")
        .to_owned();
    with_key(&["reject", &id]);
    with_key(&["person", "add", "--name", "Linked Person"]);
    let document = cli(None, &["audit", "log"])
        .1
        .split(|c: char| c.is_whitespace())
        .find_map(|word| word.strip_prefix("document:"))
        .expect("an ingested document")
        .to_owned();
    with_key(&["person", "link", "1", &document]);
    with_key(&["user", "add", "bo", "--role", "analyst"]);
    with_key(&["user", "role", "bo", "viewer"]);
    let out = with_key(&["audit", "verify", "--strict"]);
    assert!(out.contains("MACs verified") && !out.contains("without the key"), "{out}");

    // A wrong key file: refused, nothing written.
    let before = cli(None, &["audit", "log"]).1;
    let (ok, _) = cli(Some(&wrong), &["reject", &id]);
    assert!(!ok, "a decision with a wrong key file went through");
    let (ok, _) = cli(Some(&wrong), &["user", "disable", "bo"]);
    assert!(!ok, "a user change with a wrong key file went through");
    assert_eq!(cli(None, &["audit", "log"]).1, before);

    // Without the key both still work, unsigned.
    let (ok, out) = cli(None, &["fix", &id, "low", "3"]);
    assert!(ok, "{out}");
    let (ok, out) = cli(None, &["user", "disable", "bo"]);
    assert!(ok, "{out}");
    let (ok, log) = cli(None, &["audit", "log"]);
    assert!(ok);
    let entries: Vec<(&str, &str)> = log
        .lines()
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            (fields[3], fields[fields.len() - 1])
        })
        .collect();
    let unsigned: Vec<&(&str, &str)> = entries.iter().filter(|(_, mac)| *mac != "mac").collect();
    assert_eq!(unsigned, [&("decision", "-"), &("user.disable", "-")], "{log}");
    for action in ["user.add", "decision", "person.link", "user.role"] {
        assert!(entries.contains(&(action, "mac")), "no signed {action}: {log}");
    }
}
