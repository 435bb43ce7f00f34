//! Where a database is and how to open it, for every front end (the CLI and the web crate): a
//! `postgres://` or `postgresql://` URL names a PostgreSQL server, anything else a SQLite file.
//!
//! [`Backend`] is one open store of either kind. It deliberately does not implement [`Store`]
//! (that would need a delegating method per trait method); call the service layer through
//! [`with_store!`](crate::with_store), which expands to one arm per backend.
//!
//! [`Store`]: store::Store

use std::fmt;
use std::path::{Path, PathBuf};

use store::StoreError;
use store_postgres::{DatabaseUrl, PostgresStore};
use store_sqlite::SqliteStore;

/// Where a database lives.
#[derive(Debug, Clone)]
pub enum Location {
    File(PathBuf),
    Postgres(Box<DatabaseUrl>),
}

impl Location {
    /// A `postgres://` or `postgresql://` URL names a server; anything else is a file path.
    pub fn parse(path: &Path) -> Result<Location, StoreError> {
        match path.to_str() {
            Some(text) if DatabaseUrl::is_postgres_url(text) => {
                Ok(Location::Postgres(Box::new(DatabaseUrl::parse(text)?)))
            }
            _ => Ok(Location::File(path.to_path_buf())),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // A URL shows without its password.
            Location::File(path) => write!(f, "{}", path.display()),
            Location::Postgres(url) => write!(f, "{url}"),
        }
    }
}

/// One open store of either backend.
#[derive(Debug)]
pub enum Backend {
    Sqlite(SqliteStore),
    Postgres(Box<PostgresStore>),
}

/// Opens the store at `location`, creating it (or its tables) and applying migrations as needed.
pub fn open(location: &Location) -> Result<Backend, StoreError> {
    match location {
        Location::File(file) => SqliteStore::open(file).map(Backend::Sqlite),
        Location::Postgres(url) => {
            PostgresStore::connect(url).map(|store| Backend::Postgres(Box::new(store)))
        }
    }
}

/// Runs `$body` with `$store` bound to `&mut` the concrete store inside a [`Backend`], so that
/// generic service functions (`fn f<S: Store>(store: &S)`) can be called on either backend:
///
/// ```ignore
/// let view = service::with_store!(&mut backend, store => service::reconcile(&*store))?;
/// ```
#[macro_export]
macro_rules! with_store {
    ($backend:expr, $store:ident => $body:expr) => {
        match $backend {
            $crate::open::Backend::Sqlite($store) => $body,
            $crate::open::Backend::Postgres($store) => {
                let $store = &mut **$store;
                $body
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_select_postgres_and_paths_sqlite() {
        let url = Location::parse(Path::new("postgres://u:pw-secret@127.0.0.1:5432/test")).expect("url");
        assert!(matches!(url, Location::Postgres(_)));
        assert!(!url.to_string().contains("pw-secret"));
        assert!(matches!(Location::parse(Path::new("refwatch.db")), Ok(Location::File(_))));
    }

    #[test]
    fn with_store_reaches_the_sqlite_store() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut backend = open(&Location::File(dir.path().join("t.db"))).expect("open");
        let counts = with_store!(&mut backend, store => store::Store::counts(&*store)).expect("counts");
        assert_eq!(counts.documents, 0);
    }
}
