//! `refwatch user …` and role enforcement (issue 4, item 4): without users the CLI behaves as
//! before; the first user must be an admin; afterwards `--as` (else `$USER`) must name an enabled
//! user, user management needs admin, review decisions need admin or analyst, and a viewer never
//! receives decrypted case-file fields; every user change is in the audit log without a hash.

use std::ffi::OsStr;

use assert_cmd::Command;

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");
const KEY: &str = "data key pass phrase";
const PASSWORD: &str = "a long enough password";
const CANARY: &str = "Canary Testperson-7Q";

fn refwatch(db: impl AsRef<OsStr>, user: &str) -> Command {
    let mut cmd = Command::cargo_bin("refwatch").expect("refwatch binary");
    cmd.arg("--db")
        .arg(db)
        .arg("--as")
        .arg(user)
        .env_remove("REFWATCH_DB")
        .env("REFWATCH_PASSWORD", PASSWORD)
        .env("REFWATCH_PASSPHRASE", KEY);
    cmd
}

fn ok(cmd: &mut Command) -> String {
    let output = cmd.output().expect("run");
    assert!(output.status.success(), "failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn refused(cmd: &mut Command) -> String {
    let output = cmd.output().expect("run");
    assert!(!output.status.success(), "should be refused: {}", String::from_utf8_lossy(&output.stdout));
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn roles_gate_the_cli_once_users_exist() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("users.db");
    // No users: everything works as before, for anyone.
    ok(refwatch(&db, "whoever").args(["keys", "init"]));
    ok(refwatch(&db, "whoever").args(["person", "add", "--name", CANARY]));
    ok(refwatch(&db, "whoever").arg("ingest").arg(EXAMPLES));

    let err = refused(refwatch(&db, "whoever").args(["user", "add", "vic", "--role", "viewer"]));
    assert!(err.contains("first user must be an admin"), "{err}");
    ok(refwatch(&db, "whoever").args(["user", "add", "ana", "--role", "admin"]));
    // From now on the actor must be a user.
    let err = refused(refwatch(&db, "whoever").args(["incidents", "--format", "json"]));
    assert!(err.contains("no user named \"whoever\""), "{err}");
    let err = refused(refwatch(&db, "whoever").args(["user", "add", "eve", "--role", "admin"]));
    assert!(err.contains("permission denied"), "{err}");
    ok(refwatch(&db, "ana").args(["user", "add", "vic", "--role", "viewer"]));
    ok(refwatch(&db, "ana").args(["user", "add", "ali", "--role", "analyst"]));
    let err = refused(refwatch(&db, "ana").args(["user", "add", "ali", "--role", "analyst"]));
    assert!(err.contains("already exists"), "{err}");
    let short = refused(
        refwatch(&db, "ana")
            .args(["user", "add", "bo", "--role", "viewer"])
            .env("REFWATCH_PASSWORD", "short"),
    );
    assert!(short.contains("at least"), "{short}");

    // A viewer reads incidents but never case files, and may not decide or manage users.
    let json = ok(refwatch(&db, "vic").args(["incidents", "--format", "json"]));
    let parsed: serde_json::Value = serde_json::from_str(&json).expect("json");
    let id = parsed["incidents"][0]["id"].as_str().expect("id").to_owned();
    let listing = ok(refwatch(&db, "vic").args(["person", "list"]));
    assert!(listing.contains("sealed") && !listing.contains(CANARY), "{listing}");
    let err = refused(refwatch(&db, "vic").args(["person", "show", "1"]));
    assert!(err.contains("permission denied") && !err.contains(CANARY), "{err}");
    let err = refused(refwatch(&db, "vic").args(["reject", &id]));
    assert!(err.contains("permission denied"), "{err}");
    assert!(refused(refwatch(&db, "vic").args(["user", "list"])).contains("admin role"));
    assert!(refused(refwatch(&db, "vic").args(["keys", "export"])).contains("permission denied"));
    // Linking a case file changes the record: review role, checked before anything is looked up.
    let err = refused(refwatch(&db, "vic").args(["person", "link", "1", "abcdef"]));
    assert!(err.contains("permission denied"), "{err}");

    // An analyst sees case files and decides.
    assert!(ok(refwatch(&db, "ali").args(["person", "show", "1"])).contains(CANARY));
    ok(refwatch(&db, "ali").args(["reject", &id]));

    // Admin: list (no hashes), role, disable/enable, passwd, tokens.
    let users = ok(refwatch(&db, "ana").args(["user", "list"]));
    assert!(users.contains("ana\tadmin\tenabled") && users.contains("vic\tviewer"), "{users}");
    assert!(!users.contains("argon2"), "{users}");
    ok(refwatch(&db, "ana").args(["user", "role", "vic", "analyst"]));
    assert!(ok(refwatch(&db, "vic").args(["person", "show", "1"])).contains(CANARY));
    ok(refwatch(&db, "ana").args(["user", "disable", "vic"]));
    assert!(refused(refwatch(&db, "vic").args(["incidents"])).contains("disabled"));
    ok(refwatch(&db, "ana").args(["user", "enable", "vic"]));
    ok(refwatch(&db, "ana")
        .args(["user", "passwd", "vic"])
        .env("REFWATCH_PASSWORD", "another long password"));
    let err = refused(refwatch(&db, "ana").args(["user", "disable", "ana"]));
    assert!(err.contains("last enabled admin"), "{err}");
    let token = ok(refwatch(&db, "ana").args(["user", "token", "vic", "--label", "laptop"]));
    let token = token.trim();
    assert!(token.starts_with("rwt_") && token.len() == 68, "{token}");
    let tokens = ok(refwatch(&db, "ana").args(["user", "tokens"]));
    assert!(tokens.contains("vic\tlaptop\tactive") && !tokens.contains(token), "{tokens}");
    ok(refwatch(&db, "ana").args(["user", "revoke-token", "1"]));
    assert!(ok(refwatch(&db, "ana").args(["user", "tokens"])).contains("revoked"));

    // Every user change is audited, by the admin, without hashes or tokens; the chain verifies.
    let log = ok(refwatch(&db, "ana").args(["audit", "log"]));
    for action in
        ["user.add", "user.role", "user.disable", "user.enable", "user.passwd", "token.add", "token.revoke"]
    {
        assert!(log.contains(action), "{action} missing:\n{log}");
    }
    assert!(!log.contains("argon2") && !log.contains(token), "{log}");
    assert!(ok(refwatch(&db, "ana").args(["audit", "verify"])).contains("intact"));
    let raw = std::fs::read(&db).expect("db bytes");
    assert!(!raw.windows(token.len()).any(|w| w == token.as_bytes()), "the token is stored in plain");
}
