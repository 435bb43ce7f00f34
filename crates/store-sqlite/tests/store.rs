//! SQLite-specific store tests: schema versions, WAL and foreign keys. The behaviour every
//! backend shares is in the conformance suite (`tests/conformance.rs`).

use store::{NewDecision, Store, StoreError};
use store_conformance::{full_claim, put};
use store_sqlite::SqliteStore;

#[test]
fn reopening_keeps_data_and_schema() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("t.db");
    {
        let mut store = SqliteStore::open(&path).expect("open");
        put(&mut store, b"kept", "Kept", &[full_claim()]).expect("put");
        assert_eq!(store.schema_version().expect("version"), 7);
    }
    let store = SqliteStore::open(&path).expect("reopen");
    assert_eq!(store.schema_version().expect("version"), 7);
    assert_eq!(store.counts().expect("counts").claims, 1);
}

#[test]
fn newer_schema_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("t.db");
    drop(SqliteStore::open(&path).expect("open"));
    let conn = rusqlite::Connection::open(&path).expect("raw");
    conn.execute("INSERT INTO schema_migrations VALUES (999, 'future', 0)", []).expect("insert");
    drop(conn);
    assert!(matches!(SqliteStore::open(&path), Err(StoreError::Incompatible(_))));
}

#[test]
fn wal_and_foreign_keys_are_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("t.db");
    drop(SqliteStore::open(&path).expect("open"));
    let conn = rusqlite::Connection::open(&path).expect("raw");
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).expect("mode");
    assert_eq!(mode, "wal");
    // Foreign keys are per connection; check that the schema declares them.
    let fks: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_list('claims')", [], |r| r.get(0))
        .expect("fks");
    assert_eq!(fks, 1);
}

#[test]
fn decisions_are_appended_and_listed_in_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("t.db");
    let decision = |kind: &str, other: Option<&str>| NewDecision {
        kind: kind.to_owned(),
        claim: "aa:forced_return:0-10".to_owned(),
        claim_evidence: "More than 500 were sent back.".to_owned(),
        other: other.map(str::to_owned),
        other_evidence: other.map(|_| "About 600 were returned.".to_owned()),
        field: None,
        value: None,
        actor: "analyst".to_owned(),
        created_at: 1_700_000_000,
    };
    {
        let mut store = SqliteStore::open(&path).expect("open");
        assert!(store.list_decisions().expect("list").is_empty());
        let first = store.add_decision(&decision("merge", Some("bb:forced_return:5-20"))).expect("add");
        let second = store.add_decision(&decision("reject_incident", None)).expect("add");
        assert!(second > first);
        let bad = NewDecision { kind: "forget".to_owned(), ..decision("merge", None) };
        assert!(store.add_decision(&bad).is_err());
    }
    let store = SqliteStore::open(&path).expect("reopen");
    let listed = store.list_decisions().expect("list");
    let kinds: Vec<&str> = listed.iter().map(|d| d.decision.kind.as_str()).collect();
    assert_eq!(kinds, ["merge", "reject_incident"]);
    assert_eq!(listed[0].decision, decision("merge", Some("bb:forced_return:5-20")));
}
