//! SQLite-specific store tests: schema versions, WAL and foreign keys. The behaviour every
//! backend shares is in the conformance suite (`tests/conformance.rs`).

use store::{Store, StoreError};
use store_conformance::{full_claim, put};
use store_sqlite::SqliteStore;

#[test]
fn reopening_keeps_data_and_schema() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("t.db");
    {
        let mut store = SqliteStore::open(&path).expect("open");
        put(&mut store, b"kept", "Kept", &[full_claim()]).expect("put");
        assert_eq!(store.schema_version().expect("version"), 1);
    }
    let store = SqliteStore::open(&path).expect("reopen");
    assert_eq!(store.schema_version().expect("version"), 1);
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
