//! The shared store conformance suite (`store-conformance`) on PostgreSQL, each test in a fresh
//! schema. Skipped when `REFWATCH_TEST_POSTGRES` is unset (a failure under `CI=true`).

use store::{Store, StoreError};
use store_conformance::Backend;
use store_postgres::test_support::{TempSchema, test_url};

struct PostgresBackend {
    schema: TempSchema,
}

impl PostgresBackend {
    fn new() -> Option<PostgresBackend> {
        let url = test_url()?;
        // A configured but unreachable server is a failure, not a skip.
        let schema =
            TempSchema::create(&url).unwrap_or_else(|err| panic!("REFWATCH_TEST_POSTGRES is set but: {err}"));
        Some(PostgresBackend { schema })
    }
}

impl Backend for PostgresBackend {
    fn open(&self) -> Result<Box<dyn Store + Send>, StoreError> {
        Ok(Box::new(self.schema.open()?))
    }

    fn text_values(&self) -> Result<Vec<(String, String)>, StoreError> {
        self.schema.text_values(&["pages"])
    }
    fn execute(&self, sql: &str) -> Result<(), StoreError> {
        self.schema.execute(sql)
    }
}

store_conformance::tests!(PostgresBackend::new);
