//! The audit anchor: the log's head kept in a file beside the database (or where
//! `REFWATCH_AUDIT_ANCHOR` says), which catches the whole log rolled back to an earlier genuine
//! state (an older copy of the SQLite file, or the newest entries deleted and the head put back),
//! which neither the chain nor the MACs can. A deliberate restore resets it.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

const PASSWORD: &str = "a long enough password";
const BACKUP_PASSPHRASE: &str = "backup pass phrase";

fn refwatch(db: &Path, user: &str) -> Command {
    let mut cmd = Command::cargo_bin("refwatch").expect("refwatch binary");
    cmd.arg("--db")
        .arg(db)
        .args(["--as", user])
        .env_remove("REFWATCH_DB")
        .env_remove("REFWATCH_PASSPHRASE")
        .env_remove("REFWATCH_AUDIT_ANCHOR")
        .env("REFWATCH_PASSWORD", PASSWORD)
        .env("REFWATCH_BACKUP_PASSPHRASE", BACKUP_PASSPHRASE);
    cmd
}

/// Runs the command: whether it succeeded, stdout, stderr.
fn run(cmd: &mut Command) -> (bool, String, String) {
    let Output { status, stdout, stderr } = cmd.output().expect("run refwatch");
    (
        status.success(),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

fn ok(cmd: &mut Command) -> String {
    let (ok, out, err) = run(cmd);
    assert!(ok, "failed: {out}{err}");
    out
}

fn anchor_of(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".audit-anchor");
    PathBuf::from(name)
}

/// Copies a SQLite database (with no process holding it open) and its WAL, as a file-level
/// backup or an attacker would.
fn copy_db(from: &Path, to: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let (mut src, mut dst) = (from.as_os_str().to_owned(), to.as_os_str().to_owned());
        src.push(suffix);
        dst.push(suffix);
        let _ = std::fs::remove_file(&dst);
        if Path::new(&src).exists() {
            std::fs::copy(&src, &dst).expect("copy");
        }
    }
}

#[test]
fn an_older_copy_of_the_database_is_a_rollback_until_reset_by_an_admin() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("t.db");
    let old = dir.path().join("old.db");
    ok(refwatch(&db, "ana").args(["user", "add", "ana", "--role", "admin"])); // 1
    ok(refwatch(&db, "ana").args(["user", "add", "vic", "--role", "viewer"])); // 2
    copy_db(&db, &old);
    ok(refwatch(&db, "ana").args(["user", "disable", "vic"])); // 3: to be rolled back
    let out = ok(refwatch(&db, "ana").args(["audit", "verify"]));
    assert!(out.contains("the log reaches entry 3"), "{out}");
    let anchor = std::fs::read_to_string(anchor_of(&db)).expect("anchor");

    // The older copy put back: chain and head are genuine, the anchor is not fooled.
    copy_db(&old, &db);
    let (passed, out, _) = run(refwatch(&db, "ana").args(["audit", "verify"]));
    assert!(!passed, "rollback not detected: {out}");
    assert!(out.contains("audit log intact: 2 entries"), "{out}");
    assert!(out.contains("audit log ROLLED BACK") && out.contains("records entry 3"), "{out}");
    assert!(out.contains("ends at entry 2") && out.contains("audit anchor --reset"), "{out}");
    // Every other subcommand warns, and writing on does not move the anchor or hide the rollback.
    let (_, _, err) = run(refwatch(&db, "ana").args(["user", "add", "bo", "--role", "analyst"])); // 3'
    assert!(err.contains("warning: audit log ROLLED BACK"), "{err}");
    ok(refwatch(&db, "ana").args(["user", "add", "cy", "--role", "analyst"])); // 4'
    assert_eq!(std::fs::read_to_string(anchor_of(&db)).expect("anchor"), anchor, "the anchor moved");
    let (passed, out, _) = run(refwatch(&db, "ana").args(["audit", "verify"]));
    assert!(!passed, "rollback hidden by later writes: {out}");
    assert!(out.contains("ROLLED BACK or REPLACED") && out.contains("entry 3 has hash"), "{out}");
    let (passed, out, _) = run(refwatch(&db, "ana").args(["audit", "anchor"]));
    assert!(!passed && out.contains("ROLLED BACK"), "{out}");

    // Accepting it takes an admin.
    let (passed, _, err) = run(refwatch(&db, "bo").args(["audit", "anchor", "--reset"]));
    assert!(!passed && err.contains("admin"), "{err}");
    let out = ok(refwatch(&db, "ana").args(["audit", "anchor", "--reset"]));
    assert!(out.contains("reset to entry 4") && out.contains("it recorded entry 3"), "{out}");
    let out = ok(refwatch(&db, "ana").args(["audit", "verify"]));
    assert!(out.contains("the log reaches entry 4"), "{out}");
}

#[test]
fn deleting_the_newest_entries_and_restoring_their_head_is_a_rollback() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("t.db");
    // The anchor kept apart from the database, as for a PostgreSQL database.
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).expect("dir");
    let anchor = elsewhere.join("anchor");
    let cli = |args: &[&str]| {
        let mut cmd = refwatch(&db, "ana");
        cmd.env("REFWATCH_AUDIT_ANCHOR", &anchor).args(args);
        run(&mut cmd)
    };
    for args in [
        &["user", "add", "ana", "--role", "admin"][..],
        &["user", "add", "bo", "--role", "analyst"],
        &["user", "role", "bo", "viewer"],
    ] {
        let (passed, out, err) = cli(args);
        assert!(passed, "{out}{err}");
    }
    assert!(anchor.exists() && !anchor_of(&db).exists());

    let conn = rusqlite::Connection::open(&db).expect("sqlite");
    let hash: String =
        conn.query_row("SELECT hash FROM audit_log WHERE seq = 2", [], |r| r.get(0)).expect("entry 2");
    conn.execute("DELETE FROM audit_log WHERE seq = 3", []).expect("delete");
    conn.execute("UPDATE audit_head SET seq = 2, hash = ?1", [&hash]).expect("head");
    drop(conn);

    let (passed, out, _) = cli(&["audit", "verify"]);
    assert!(!passed, "deleted entries not detected: {out}");
    assert!(out.contains("audit log intact: 2 entries") && out.contains("ROLLED BACK"), "{out}");
    // Without the variable the default anchor beside the database is a new one, which cannot know.
    let (passed, out, _) = run(refwatch(&db, "ana").args(["audit", "verify"]));
    assert!(passed && out.contains("no audit anchor at"), "{out}");
}

#[test]
fn restoring_a_backup_resets_the_anchor_and_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("t.db");
    let backup = dir.path().join("t.backup");
    ok(refwatch(&db, "ana").args(["user", "add", "ana", "--role", "admin"])); // 1
    ok(refwatch(&db, "ana").arg("backup").arg(&backup));
    ok(refwatch(&db, "ana").args(["user", "add", "bo", "--role", "analyst"])); // 2: lost

    // The database is lost; the backup goes back in its place, beside the old anchor.
    for suffix in ["", "-wal", "-shm"] {
        let mut path = db.as_os_str().to_owned();
        path.push(suffix);
        let _ = std::fs::remove_file(&path);
    }
    let out = ok(refwatch(&db, "ana").arg("restore").arg(&backup));
    assert!(
        out.contains("reset to the restored log's entry 1") && out.contains("it recorded entry 2"),
        "{out}"
    );
    let out = ok(refwatch(&db, "ana").args(["audit", "verify"]));
    assert!(out.contains("the log reaches entry 1"), "{out}");

    // A new database where a previous one was replaces its stale anchor, with a note.
    let anchor = anchor_of(&db);
    let stale = std::fs::read_to_string(&anchor).expect("anchor");
    for suffix in ["", "-wal", "-shm"] {
        let mut path = db.as_os_str().to_owned();
        path.push(suffix);
        let _ = std::fs::remove_file(&path);
    }
    let (passed, _, err) = run(refwatch(&db, "ana").args(["user", "add", "ana", "--role", "admin"]));
    assert!(passed, "{err}");
    assert!(err.contains("note: new database"), "{err}");
    assert_ne!(std::fs::read_to_string(&anchor).expect("anchor"), stale);
    let out = ok(refwatch(&db, "ana").args(["audit", "verify"]));
    assert!(out.contains("the log reaches entry 1"), "{out}");
}
