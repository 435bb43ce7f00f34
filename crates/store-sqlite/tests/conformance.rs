//! The shared store conformance suite (`store-conformance`) on SQLite, in a temp file.

use store::{Store, StoreError};
use store_conformance::Backend;
use store_sqlite::SqliteStore;

/// A fresh database file in its own temporary directory.
struct SqliteBackend {
    dir: tempfile::TempDir,
}

impl SqliteBackend {
    fn new() -> Option<SqliteBackend> {
        Some(SqliteBackend { dir: tempfile::tempdir().expect("tempdir") })
    }

    fn path(&self) -> std::path::PathBuf {
        self.dir.path().join("conformance.db")
    }
}

impl Backend for SqliteBackend {
    fn open(&self) -> Result<Box<dyn Store + Send>, StoreError> {
        Ok(Box::new(SqliteStore::open(&self.path())?))
    }

    fn text_values(&self) -> Result<Vec<(String, String)>, StoreError> {
        let other = |err: rusqlite::Error| StoreError::Other(err.to_string());
        let conn = rusqlite::Connection::open(self.path()).map_err(other)?;
        let tables: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name <> 'pages'")
            .map_err(other)?
            .query_map([], |row| row.get(0))
            .map_err(other)?
            .collect::<Result<_, _>>()
            .map_err(other)?;
        let mut values = Vec::new();
        for table in tables {
            let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\"")).map_err(other)?;
            let n = stmt.column_count();
            let mut rows = stmt.query([]).map_err(other)?;
            while let Some(row) = rows.next().map_err(other)? {
                for i in 0..n {
                    if let Ok(Some(text)) = row.get::<_, Option<String>>(i) {
                        values.push((table.clone(), text));
                    }
                }
            }
        }
        Ok(values)
    }
    fn execute(&self, sql: &str) -> Result<(), StoreError> {
        let other = |err: rusqlite::Error| StoreError::Other(err.to_string());
        let conn = rusqlite::Connection::open(self.path()).map_err(other)?;
        conn.execute_batch(sql).map_err(other)
    }
}

store_conformance::tests!(SqliteBackend::new);
