//! Throwaway schemas for tests: each test gets `CREATE SCHEMA t_<random>`, reaches it through
//! the connection string's `options=-csearch_path=…`, and drops it (CASCADE) at the end.

use std::hash::{BuildHasher, Hasher};

use crate::{DatabaseUrl, PostgresStore, db_error};
use store::StoreError;

/// The environment variable naming the test server, e.g. `postgres://postgres@127.0.0.1:5432/test`.
pub const TEST_ENV: &str = "REFWATCH_TEST_POSTGRES";

/// The test server's URL, when `REFWATCH_TEST_POSTGRES` is set. Under `CI=true` a missing
/// variable is a failure, not a reason to skip: CI must run the PostgreSQL suite.
pub fn test_url() -> Option<String> {
    match std::env::var(TEST_ENV) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "{TEST_ENV} is not set under CI=true: the PostgreSQL suite must run in CI"
            );
            eprintln!("{TEST_ENV} not set: skipping a PostgreSQL test");
            None
        }
    }
}

/// A schema that exists for the life of this value.
pub struct TempSchema {
    runtime: tokio::runtime::Runtime,
    client: tokio_postgres::Client,
    name: String,
    url: String,
}

impl TempSchema {
    /// Creates a fresh schema on the server at `url`.
    pub fn create(url: &str) -> Result<TempSchema, StoreError> {
        let parsed = DatabaseUrl::parse(url)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|err| StoreError::Other(err.to_string()))?;
        let client = runtime.block_on(async {
            let connector = parsed.tls.connector()?;
            let (client, connection) = parsed.config.connect(connector).await.map_err(db_error)?;
            tokio::spawn(connection);
            Ok::<_, StoreError>(client)
        })?;
        let random = std::collections::hash_map::RandomState::new().build_hasher().finish();
        let name = format!("t_{random:016x}");
        runtime.block_on(client.batch_execute(&format!("CREATE SCHEMA {name}"))).map_err(db_error)?;
        let separator = if url.contains('?') { '&' } else { '?' };
        let url = format!("{url}{separator}options=-csearch_path%3D{name}");
        Ok(TempSchema { runtime, client, name, url })
    }

    /// The schema's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A connection string whose search path is this schema.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Opens a store in this schema (migrating it on first use).
    pub fn open(&self) -> Result<PostgresStore, StoreError> {
        PostgresStore::connect(&DatabaseUrl::parse(&self.url)?)
    }

    /// Runs SQL statements in this schema.
    pub fn execute(&self, sql: &str) -> Result<(), StoreError> {
        let sql = format!("SET search_path TO {}; {sql}", self.name);
        self.runtime.block_on(self.client.batch_execute(&sql)).map_err(db_error)
    }

    /// Every non-null value of every text column in this schema's tables except `except`, as
    /// `(table, value)`: for checks that something is stored nowhere.
    pub fn text_values(&self, except: &[&str]) -> Result<Vec<(String, String)>, StoreError> {
        self.runtime.block_on(async {
            let columns = self
                .client
                .query(
                    "SELECT table_name::text, column_name::text FROM information_schema.columns
                     WHERE table_schema = $1 AND data_type IN ('text', 'character varying')",
                    &[&self.name],
                )
                .await
                .map_err(db_error)?;
            let mut values = Vec::new();
            for column in columns {
                let table: String = column.try_get(0).map_err(db_error)?;
                let name: String = column.try_get(1).map_err(db_error)?;
                if except.contains(&table.as_str()) {
                    continue;
                }
                let sql =
                    format!("SELECT \"{name}\" FROM {}.\"{table}\" WHERE \"{name}\" IS NOT NULL", self.name);
                for row in self.client.query(&sql, &[]).await.map_err(db_error)? {
                    values.push((table.clone(), row.try_get(0).map_err(db_error)?));
                }
            }
            Ok(values)
        })
    }

    /// Whether this schema's own connection is encrypted, as the server sees it (`pg_stat_ssl`);
    /// `None` when the server does not say.
    pub fn uses_tls(&self) -> Result<Option<bool>, StoreError> {
        self.runtime.block_on(async {
            let row = self
                .client
                .query_opt("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", &[])
                .await
                .map_err(db_error)?;
            row.map(|row| row.try_get(0).map_err(db_error)).transpose()
        })
    }

    /// The schema's table names.
    pub fn tables(&self) -> Result<Vec<String>, StoreError> {
        self.runtime.block_on(async {
            let rows = self
                .client
                .query(
                    "SELECT table_name::text FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1",
                    &[&self.name],
                )
                .await
                .map_err(db_error)?;
            rows.iter().map(|r| r.try_get(0).map_err(db_error)).collect()
        })
    }
}

impl Drop for TempSchema {
    fn drop(&mut self) {
        let sql = format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name);
        if let Err(err) = self.runtime.block_on(self.client.batch_execute(&sql)) {
            eprintln!("cannot drop test schema {}: {err}", self.name);
        }
    }
}
