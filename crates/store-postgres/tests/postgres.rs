//! PostgreSQL-specific store tests: migrations, schema versions, types. Skipped when
//! `REFWATCH_TEST_POSTGRES` is unset (a failure under `CI=true`).

use store::{Store, StoreError};
use store_conformance::{full_claim, put};
use store_postgres::test_support::{TempSchema, test_url};

fn schema() -> Option<TempSchema> {
    let url = test_url()?;
    Some(TempSchema::create(&url).unwrap_or_else(|err| panic!("REFWATCH_TEST_POSTGRES is set but: {err}")))
}

#[test]
fn migrations_apply_once_and_reopen() {
    let Some(schema) = schema() else { return };
    {
        let mut store = schema.open().expect("open");
        assert_eq!(store.schema_version().expect("version"), 7);
        put(&mut store, b"kept", "Kept", &[full_claim()]).expect("put");
    }
    let store = schema.open().expect("reopen");
    assert_eq!(store.schema_version().expect("version"), 7);
    assert_eq!(store.counts().expect("counts").claims, 1);
    let tables = schema.tables().expect("tables");
    for table in
        ["pages", "documents", "removed_blocks", "claims", "claim_sources", "claim_evidence", "decisions"]
    {
        assert!(tables.iter().any(|t| t == table), "{table} missing from {tables:?}");
    }
}

#[test]
fn concurrent_first_opens_migrate_once() {
    let Some(schema) = schema() else { return };
    let versions: Vec<i32> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..3)
            .map(|_| scope.spawn(|| schema.open().and_then(|s| s.schema_version()).expect("open")))
            .collect();
        handles.into_iter().map(|h| h.join().expect("thread")).collect()
    });
    assert_eq!(versions, vec![7, 7, 7]);
}

#[test]
fn newer_schema_is_refused() {
    let Some(schema) = schema() else { return };
    drop(schema.open().expect("open"));
    schema.execute("INSERT INTO schema_migrations VALUES (999, 'future', 0)").expect("insert");
    assert!(matches!(schema.open(), Err(StoreError::Incompatible(_))));
}

#[test]
fn missing_schema_is_unavailable_not_created() {
    let Some(schema) = schema() else { return };
    let url = schema.url().replace(schema.name(), "t_does_not_exist");
    let url = store_postgres::DatabaseUrl::parse(&url).expect("url");
    assert!(matches!(store_postgres::PostgresStore::connect(&url), Err(StoreError::Unavailable(_))));
}

#[test]
fn pages_are_stored_compressed_and_names_nowhere() {
    let Some(schema) = schema() else { return };
    let mut store = schema.open().expect("open");
    let bytes = "Authorities deported 40 people. ".repeat(200);
    put(&mut store, bytes.as_bytes(), "Big", &[full_claim()]).expect("put");
    schema
        .execute(
            "DO $$ BEGIN
               IF (SELECT octet_length(bytes) FROM pages) * 10 > (SELECT size FROM pages) THEN
                 RAISE EXCEPTION 'page not compressed';
               END IF;
             END $$",
        )
        .expect("compressed");
    let values = schema.text_values(&["pages"]).expect("values");
    assert!(values.iter().all(|(_, v)| !v.contains(store_conformance::PERSON)));
}
