//! `refwatch backup` and `restore` (issue 4, item 5): a backup restores into an empty SQLite file
//! and into an empty PostgreSQL schema with the same incidents, audit chain, users and case
//! files; the backup file never holds the canary name; a wrong passphrase, a truncated file and a
//! flipped byte are named; a non-empty database is refused; a backup taken while an ingest runs
//! in another process restores to a consistent database.

use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command as StdCommand, Stdio};

use assert_cmd::Command;
use store_postgres::test_support::{TempSchema, test_url};

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");
const CANARY: &str = "Canary Testperson-7Q";
const KEY_PASSPHRASE: &str = "data key pass phrase";
const BACKUP_PASSPHRASE: &str = "backup pass phrase";
const PASSWORD: &str = "ana's long password";

fn refwatch(db: impl AsRef<OsStr>) -> Command {
    let mut cmd = Command::cargo_bin("refwatch").expect("refwatch binary");
    cmd.arg("--db")
        .arg(db)
        .env_remove("REFWATCH_DB")
        .env_remove("REFWATCH_PASSPHRASE")
        .env("REFWATCH_BACKUP_PASSPHRASE", BACKUP_PASSPHRASE)
        .env("USER", "ana");
    cmd
}

fn stdout(cmd: &mut Command) -> String {
    let output = cmd.output().expect("run refwatch");
    assert!(
        output.status.success(),
        "refwatch failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("utf-8 output")
}

fn stderr_of_failure(cmd: &mut Command) -> String {
    let output = cmd.output().expect("run refwatch");
    assert!(!output.status.success(), "refwatch should fail: {}", String::from_utf8_lossy(&output.stdout));
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// A database with a data key, a case file for the canary, the examples ingested with the key,
/// an admin user, and a decision.
fn populated(db: &Path) {
    stdout(refwatch(db).args(["keys", "init"]).env("REFWATCH_PASSPHRASE", KEY_PASSPHRASE));
    let added = stdout(
        refwatch(db)
            .args(["person", "add", "--name", CANARY, "--notes", "family in hiding"])
            .env("REFWATCH_PASSPHRASE", KEY_PASSPHRASE),
    );
    assert!(added.starts_with("person 1"), "{added}");
    stdout(refwatch(db).arg("ingest").arg(EXAMPLES).env("REFWATCH_PASSPHRASE", KEY_PASSPHRASE));
    stdout(refwatch(db).args(["user", "add", "ana", "--role", "admin"]).env("REFWATCH_PASSWORD", PASSWORD));
    let json: serde_json::Value =
        serde_json::from_str(&stdout(refwatch(db).args(["incidents", "--format", "json"]))).expect("json");
    let id = json["incidents"][0]["id"].as_str().expect("an incident id").to_owned();
    stdout(refwatch(db).args(["reject", &id]));
}

/// Adding a case file after a restore gets an id no restored case file has.
fn assert_fresh_person_id(db: impl AsRef<OsStr> + Copy) {
    let listing = stdout(refwatch(db).args(["person", "list"]));
    let ids: Vec<i64> = listing.lines().filter_map(|l| l.split('\t').next()?.parse().ok()).collect();
    assert!(!ids.is_empty(), "{listing}");
    let added = stdout(
        refwatch(db)
            .args(["person", "add", "--name", "Second Testperson"])
            .env("REFWATCH_PASSPHRASE", KEY_PASSPHRASE),
    );
    let id: i64 = added.trim().strip_prefix("person ").and_then(|n| n.parse().ok()).expect("person id");
    assert!(ids.iter().all(|&old| id > old), "new id {id} after {ids:?}");
}

/// What must be the same after a restore.
fn fingerprint(db: impl AsRef<OsStr> + Copy) -> Vec<String> {
    vec![
        stdout(refwatch(db).args(["incidents", "--format", "json"])),
        // The anchor is a file beside each database (none for PostgreSQL), not part of the record.
        stdout(refwatch(db).args(["audit", "verify"]))
            .lines()
            .filter(|line| !line.contains("audit anchor"))
            .collect::<Vec<_>>()
            .join("\n"),
        stdout(refwatch(db).args(["audit", "log"])),
        stdout(refwatch(db).args(["user", "list"])),
        stdout(refwatch(db).args(["person", "show", "1"]).env("REFWATCH_PASSPHRASE", KEY_PASSPHRASE)),
        stdout(refwatch(db).args(["person", "list"]).env("REFWATCH_PASSPHRASE", KEY_PASSPHRASE)),
    ]
}

#[test]
fn backup_restores_into_sqlite_and_postgres_with_the_same_record() {
    let dir = tempfile::tempdir().expect("tempdir");
    let source = dir.path().join("source.db");
    populated(&source);
    let expected = fingerprint(&source);
    assert!(expected[4].contains(CANARY), "person show opens the case file: {}", expected[4]);

    let backup = dir.path().join("record.rwb");
    let said = stdout(refwatch(&source).arg("backup").arg(&backup));
    assert!(said.contains("encrypted"), "{said}");
    assert!(!dir.path().join("record.rwb.tmp").exists());
    let bytes = std::fs::read(&backup).expect("backup bytes");
    assert!(!contains(&bytes, CANARY), "the canary name is in the backup file");
    assert!(!contains(&bytes, "deport"), "plain text is in the backup file");
    // An existing backup is not overwritten without --force.
    let err = stderr_of_failure(refwatch(&source).arg("backup").arg(&backup));
    assert!(err.contains("--force"), "{err}");

    // Into a new SQLite file: everything the same, new case files get fresh ids.
    let copy = dir.path().join("copy.db");
    let said = stdout(refwatch(&copy).arg("restore").arg(&backup));
    assert!(said.starts_with("restored"), "{said}");
    assert_eq!(fingerprint(&copy), expected);
    assert_fresh_person_id(&copy);

    // A non-empty database is refused and left as it was.
    let err = stderr_of_failure(refwatch(&source).arg("restore").arg(&backup));
    assert!(err.contains("not empty"), "{err}");
    assert_eq!(fingerprint(&source), expected);

    // Into PostgreSQL (SQLite → PostgreSQL migration).
    if let Some(url) = test_url() {
        let schema =
            TempSchema::create(&url).unwrap_or_else(|err| panic!("REFWATCH_TEST_POSTGRES is set but: {err}"));
        stdout(refwatch(schema.url()).arg("restore").arg(&backup));
        assert_eq!(fingerprint(schema.url()), expected);
        // Identity sequences moved past the restored ids: new rows get fresh ids.
        stdout(
            refwatch(schema.url())
                .args(["user", "add", "bo", "--role", "viewer"])
                .env("REFWATCH_PASSWORD", PASSWORD),
        );
        assert_fresh_person_id(schema.url());
        assert!(stdout(refwatch(schema.url()).args(["audit", "verify"])).contains("intact"));

        // And back: a PostgreSQL backup restores into SQLite.
        let from_postgres = dir.path().join("from-postgres.rwb");
        stdout(refwatch(schema.url()).arg("backup").arg(&from_postgres));
        let back = dir.path().join("back.db");
        stdout(refwatch(&back).arg("restore").arg(&from_postgres));
        assert_eq!(
            stdout(refwatch(&back).args(["incidents", "--format", "json"])),
            stdout(refwatch(schema.url()).args(["incidents", "--format", "json"]))
        );
        assert_eq!(
            stdout(refwatch(&back).args(["audit", "log"])),
            stdout(refwatch(schema.url()).args(["audit", "log"]))
        );
    }
}

#[test]
fn damaged_backups_and_wrong_passphrases_are_named_and_change_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let source = dir.path().join("source.db");
    stdout(refwatch(&source).arg("ingest").arg(EXAMPLES));
    let backup = dir.path().join("b.rwb");
    stdout(refwatch(&source).arg("backup").arg(&backup));
    let bytes = std::fs::read(&backup).expect("bytes");

    let target = dir.path().join("target.db");
    let err = stderr_of_failure(
        refwatch(&target).arg("restore").arg(&backup).env("REFWATCH_BACKUP_PASSPHRASE", "not the passphrase"),
    );
    assert!(err.contains("wrong backup passphrase"), "{err}");

    let truncated = dir.path().join("truncated.rwb");
    std::fs::write(&truncated, &bytes[..bytes.len() - 100]).expect("write");
    let err = stderr_of_failure(refwatch(&target).arg("restore").arg(&truncated));
    assert!(err.contains("truncated"), "{err}");
    let err = stderr_of_failure(refwatch(&target).arg("restore").arg("--verify").arg(&truncated));
    assert!(err.contains("truncated"), "{err}");

    let flipped = dir.path().join("flipped.rwb");
    let mut altered = bytes.clone();
    let at = altered.len() / 2;
    altered[at] ^= 0x20;
    std::fs::write(&flipped, &altered).expect("write");
    let err = stderr_of_failure(refwatch(&target).arg("restore").arg(&flipped));
    assert!(err.contains("damaged or was altered"), "{err}");

    // Nothing went in: the same target still takes the intact backup.
    let said = stdout(refwatch(&target).arg("restore").arg("--verify").arg(&backup));
    assert!(said.contains("complete and intact"), "{said}");
    stdout(refwatch(&target).arg("restore").arg(&backup));
    assert_eq!(
        stdout(refwatch(&target).args(["incidents", "--format", "json"])),
        stdout(refwatch(&source).args(["incidents", "--format", "json"]))
    );
}

/// A short wire story; every page differs.
fn page(n: usize) -> String {
    format!(
        "Malaysia deports {count} Myanmar nationals\n\nBy Desk Writer {n}\n\nMalaysia deported {count} Myanmar \
         nationals to Myanmar on {day} March 2024, officials said.\n",
        count = 10 + n % 190,
        day = 1 + n % 28
    )
}

#[test]
fn backup_during_an_ingest_in_another_process_restores_consistently() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pages = dir.path().join("pages");
    std::fs::create_dir_all(&pages).expect("mkdir");
    for n in 0..1500 {
        std::fs::write(pages.join(format!("p{n:04}.txt")), page(n)).expect("write");
    }
    let db = dir.path().join("live.db");
    stdout(refwatch(&db).arg("ingest").arg(EXAMPLES));
    let mut ingest = StdCommand::new(assert_cmd::cargo::cargo_bin("refwatch"))
        .arg("--db")
        .arg(&db)
        .arg("ingest")
        .arg(&pages)
        .env_remove("REFWATCH_DB")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn ingest");
    let backup = dir.path().join("live.rwb");
    let said = stdout(refwatch(&db).arg("backup").arg(&backup));
    let ingest_status = ingest.wait().expect("wait");
    assert!(ingest_status.success());
    assert!(said.contains("backed up"), "{said}");

    let copy = dir.path().join("copy.db");
    stdout(refwatch(&copy).arg("restore").arg(&backup));
    // Whatever moment the snapshot caught, it is whole: every page has its document, the audit
    // chain verifies, and there is one ingest entry per page.
    let verify = stdout(refwatch(&copy).args(["audit", "verify"]));
    let conn = rusqlite::Connection::open(&copy).expect("open copy");
    let count = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).expect(sql);
    let pages_stored = count("SELECT count(*) FROM pages");
    assert!(pages_stored >= 5, "{pages_stored}");
    assert_eq!(count("SELECT count(*) FROM documents"), pages_stored);
    assert_eq!(count("SELECT count(*) FROM audit_log WHERE action = 'ingest'"), pages_stored);
    assert_eq!(
        count(
            "SELECT count(*) FROM documents d WHERE d.n_claims <> (SELECT count(*) FROM claims c WHERE c.document_id = d.id)"
        ),
        0
    );
    assert!(verify.contains(&format!("intact: {pages_stored} entries")), "{verify}");
    eprintln!("snapshot caught {pages_stored} of {} pages", 1505);
}

#[cfg(unix)]
#[test]
fn databases_and_backups_are_private_and_backups_need_a_long_passphrase() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |path: &Path| std::fs::metadata(path).expect("metadata").permissions().mode() & 0o777;
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("a.db");
    stdout(refwatch(&db).args(["user", "add", "ana", "--role", "admin"]).env("REFWATCH_PASSWORD", PASSWORD));
    assert_eq!(mode(&db), 0o600, "database readable by others");
    let file = dir.path().join("b.rwb");
    // A stale, world-readable temporary file from a crash is not reused as it was.
    let tmp = dir.path().join("b.rwb.tmp");
    std::fs::write(&tmp, b"stale").expect("stale tmp");
    std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let err = stderr_of_failure(
        refwatch(&db).arg("backup").arg(&file).env("REFWATCH_BACKUP_PASSPHRASE", "too short"),
    );
    assert!(err.contains("at least 12"), "{err}");
    assert!(!file.exists());
    stdout(refwatch(&db).arg("backup").arg(&file));
    assert_eq!(mode(&file), 0o600, "backup readable by others");
}
