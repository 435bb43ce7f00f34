//! Where the database is and how the CLI opens it. The only place that picks the store
//! implementation (SQLite, for now).

use std::path::{Path, PathBuf};

use anyhow::Context;
use store_sqlite::SqliteStore;

/// The environment variable naming the database file.
pub const DB_ENV: &str = "REFWATCH_DB";

/// The database used when neither `--db` nor `REFWATCH_DB` names one.
pub const DEFAULT_DB: &str = "refwatch.db";

/// What every database-backed subcommand gets from the global options.
#[derive(Debug, Clone, Default)]
pub struct Ctx {
    /// `--db`, when given.
    pub db: Option<PathBuf>,
}

impl Ctx {
    /// The database file: `--db`, else `REFWATCH_DB`, else `./refwatch.db`.
    pub fn db_path(&self) -> PathBuf {
        self.db
            .clone()
            .or_else(|| std::env::var_os(DB_ENV).filter(|v| !v.is_empty()).map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DB))
    }
}

/// Opens the database, creating it and applying migrations as needed.
pub fn open(path: &Path) -> anyhow::Result<SqliteStore> {
    SqliteStore::open(path).with_context(|| format!("cannot open database {}", path.display()))
}

/// Opens a database that must already exist (for the read-only subcommands, which should not
/// leave an empty database behind after a typo).
pub fn open_existing(path: &Path) -> anyhow::Result<SqliteStore> {
    if !path.exists() {
        anyhow::bail!("no database at {} (run `refwatch ingest PATH` first, or pass --db)", path.display());
    }
    open(path)
}
