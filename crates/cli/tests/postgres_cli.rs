//! End to end on PostgreSQL: `--db postgres://…` selects the PostgreSQL store, and ingesting the
//! examples there gives the same `incidents --format json` and `show` output as SQLite. Each run
//! uses a fresh schema. Skipped when `REFWATCH_TEST_POSTGRES` is unset (a failure under `CI=true`).

use std::ffi::OsStr;

use assert_cmd::Command;
use store_postgres::test_support::{TempSchema, test_url};

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");

fn refwatch(db: impl AsRef<OsStr>) -> Command {
    let mut cmd = Command::cargo_bin("refwatch").expect("refwatch binary");
    cmd.arg("--db").arg(db).env_remove("REFWATCH_DB");
    cmd
}

fn stdout(cmd: &mut Command) -> String {
    let output = cmd.output().expect("run refwatch");
    assert!(output.status.success(), "refwatch failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("utf-8 output")
}

/// The first 64-hex-digit string in a JSON value (a document hash), whatever the schema's shape.
fn first_hash(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(s) if s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()) => {
            Some(s.clone())
        }
        serde_json::Value::Array(items) => items.iter().find_map(first_hash),
        serde_json::Value::Object(map) => map.values().find_map(first_hash),
        _ => None,
    }
}

#[test]
fn postgres_gives_the_same_incidents_as_sqlite() {
    let Some(url) = test_url() else { return };
    let schema =
        TempSchema::create(&url).unwrap_or_else(|err| panic!("REFWATCH_TEST_POSTGRES is set but: {err}"));
    let dir = tempfile::tempdir().expect("tempdir");
    let sqlite = dir.path().join("rw.db");

    let sqlite_ingest = stdout(refwatch(&sqlite).arg("ingest").arg(EXAMPLES));
    let postgres_ingest = stdout(refwatch(schema.url()).arg("ingest").arg(EXAMPLES));
    assert_eq!(postgres_ingest, sqlite_ingest);
    assert!(postgres_ingest.contains("new 5"), "{postgres_ingest}");
    // The data went to PostgreSQL, not to a file named like the URL.
    assert!(schema.tables().expect("tables").iter().any(|t| t == "claims"));

    let sqlite_json = stdout(refwatch(&sqlite).args(["incidents", "--format", "json"]));
    let postgres_json = stdout(refwatch(schema.url()).args(["incidents", "--format", "json"]));
    let parsed: serde_json::Value = serde_json::from_str(&postgres_json).expect("json");
    let incidents = parsed["incidents"].as_array().expect("incidents array");
    assert!(incidents.len() >= 3, "too few incidents: {}", incidents.len());
    assert_eq!(postgres_json, sqlite_json);

    // `show` by prefix reads the same document back.
    let hash = first_hash(&parsed).expect("a document hash in the incidents JSON");
    let prefix = &hash[..8];
    // The two ingests ran at different times: compare all but the `ingested` line.
    let without_time =
        |text: String| text.lines().filter(|l| !l.starts_with("ingested")).collect::<Vec<_>>().join("\n");
    let postgres_show = without_time(stdout(refwatch(schema.url()).args(["show", prefix])));
    assert!(postgres_show.contains("── claims"), "{postgres_show}");
    assert_eq!(postgres_show, without_time(stdout(refwatch(&sqlite).args(["show", prefix]))));

    // A second ingest finds every page stored.
    let again = stdout(refwatch(schema.url()).arg("ingest").arg(EXAMPLES));
    assert!(again.contains("new 0, unchanged 5"), "{again}");
}

#[test]
fn postgres_errors_do_not_show_the_password() {
    let url = "postgres://postgres:pw-hunter2@127.0.0.1:1/test?connect_timeout=2";
    let output = refwatch(url).args(["incidents"]).output().expect("run refwatch");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("127.0.0.1:1"), "{stderr}");
    assert!(!stderr.contains("pw-hunter2"), "{stderr}");
}
