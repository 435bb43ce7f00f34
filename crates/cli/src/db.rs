//! Where the database is and how the CLI opens it. The only place that picks the store
//! implementation: `--db` (or `REFWATCH_DB`) names a SQLite file, or a PostgreSQL server when it
//! starts with `postgres://` or `postgresql://`.

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::Context;
use store::{
    Actor, AuditEntry, ClaimFilter, ClaimRow, Counts, DecisionRecord, DocumentSummary, KeyRecord, LinkTarget,
    NewDecision, NewDocument, NewKey, NewPerson, PersonRow, PutOutcome, Store, StoreError, StoredDocument,
};
use store_postgres::PostgresStore;
use store_sqlite::SqliteStore;

/// The environment variable naming the database file or URL.
pub const DB_ENV: &str = "REFWATCH_DB";

/// The environment variable naming the audit anchor file (see `service::anchor`), for a
/// PostgreSQL database or to keep the anchor apart from a SQLite file.
pub const ANCHOR_ENV: &str = "REFWATCH_AUDIT_ANCHOR";

/// What a SQLite database's anchor file is called by default: the database's name plus this.
pub const ANCHOR_SUFFIX: &str = ".audit-anchor";

/// The database used when neither `--db` nor `REFWATCH_DB` names one.
pub const DEFAULT_DB: &str = "refwatch.db";

/// What every database-backed subcommand gets from the global options.
#[derive(Clone, Default)]
pub struct Ctx {
    /// `--db`, when given: a file path or a PostgreSQL URL.
    pub db: Option<PathBuf>,
    /// `--as`, else `$USER`: who is recorded in the audit log.
    pub actor: String,
    /// `--key-file`: a file holding the key that wraps the data key.
    pub key_file: Option<PathBuf>,
}

impl fmt::Debug for Ctx {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A URL may hold a password: show only the redacted form.
        f.debug_struct("Ctx")
            .field("db", &self.db.as_deref().map(describe))
            .field("actor", &self.actor)
            .field("key_file", &self.key_file)
            .finish()
    }
}

impl Ctx {
    /// The database: `--db`, else `REFWATCH_DB`, else `./refwatch.db`. A PostgreSQL URL comes
    /// back as a path too; [`open`] tells them apart.
    pub fn db_path(&self) -> PathBuf {
        self.db
            .clone()
            .or_else(|| std::env::var_os(DB_ENV).filter(|v| !v.is_empty()).map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DB))
    }

    /// The audit anchor file: `REFWATCH_AUDIT_ANCHOR`, else beside a SQLite database
    /// (`refwatch.db.audit-anchor`); `None` for a PostgreSQL database without the variable.
    pub fn anchor_path(&self) -> Option<PathBuf> {
        if let Some(path) = std::env::var_os(ANCHOR_ENV).filter(|v| !v.is_empty()) {
            return Some(PathBuf::from(path));
        }
        match Location::parse(&self.db_path()) {
            Ok(Location::File(file)) => {
                let mut name = file.into_os_string();
                name.push(ANCHOR_SUFFIX);
                Some(PathBuf::from(name))
            }
            _ => None,
        }
    }

    /// Whether the database is a SQLite file that exists (a PostgreSQL database: `false`).
    pub fn db_file_exists(&self) -> bool {
        matches!(Location::parse(&self.db_path()), Ok(Location::File(file)) if file.exists())
    }
}

/// Where a database lives (shared with the web app).
pub use service::open::Location;

/// How to show a `--db` value to the user: the path, or the URL without its password.
pub fn describe(path: &Path) -> String {
    match Location::parse(path) {
        Ok(location) => location.to_string(),
        Err(_) => "<malformed PostgreSQL URL>".to_owned(),
    }
}

/// An open store of either backend.
#[derive(Debug)]
pub enum Db {
    Sqlite(SqliteStore),
    Postgres(Box<PostgresStore>),
}

/// Opens the database, creating it (or its tables) and applying migrations as needed.
pub fn open(path: &Path) -> anyhow::Result<Db> {
    let location = Location::parse(path)?;
    match &location {
        Location::File(file) => SqliteStore::open(file).map(Db::Sqlite),
        Location::Postgres(url) => PostgresStore::connect(url).map(|store| Db::Postgres(Box::new(store))),
    }
    .with_context(|| format!("cannot open database {location}"))
}

/// Opens a database that must already exist (for the read-only subcommands, which should not
/// leave an empty database file behind after a typo). A PostgreSQL database always exists once
/// the server accepts the connection; its tables are created if missing.
pub fn open_existing(path: &Path) -> anyhow::Result<Db> {
    if let Location::File(file) = Location::parse(path)?
        && !file.exists()
    {
        anyhow::bail!("no database at {} (run `refwatch ingest PATH` first, or pass --db)", file.display());
    }
    open(path)
}

impl Db {
    fn store(&self) -> &dyn Store {
        match self {
            Db::Sqlite(store) => store,
            Db::Postgres(store) => store.as_ref(),
        }
    }

    fn store_mut(&mut self) -> &mut dyn Store {
        match self {
            Db::Sqlite(store) => store,
            Db::Postgres(store) => store.as_mut(),
        }
    }
}

impl Store for Db {
    fn has_page(&self, hash: &domain::ContentHash) -> Result<bool, StoreError> {
        self.store().has_page(hash)
    }

    fn put_document_indexed(
        &mut self,
        document: &NewDocument<'_>,
        index: &store::DocumentIndex,
    ) -> Result<PutOutcome, StoreError> {
        self.store_mut().put_document_indexed(document, index)
    }

    fn sealed_text(&self, hash: &domain::ContentHash) -> Result<Option<store::SealedText>, StoreError> {
        self.store().sealed_text(hash)
    }

    fn signatures(&self) -> Result<Vec<(domain::ContentHash, store::Signature)>, StoreError> {
        self.store().signatures()
    }

    fn search(&self, terms: &[String], limit: usize) -> Result<Vec<store::SearchRow>, StoreError> {
        self.store().search(terms, limit)
    }

    fn get_page(&self, hash: &domain::ContentHash) -> Result<domain::RawPage, StoreError> {
        self.store().get_page(hash)
    }

    fn list_claims(&self, filter: &ClaimFilter) -> Result<Vec<ClaimRow>, StoreError> {
        self.store().list_claims(filter)
    }

    fn list_documents(&self) -> Result<Vec<DocumentSummary>, StoreError> {
        self.store().list_documents()
    }

    fn get_document(&self, hash_or_prefix: &str) -> Result<StoredDocument, StoreError> {
        self.store().get_document(hash_or_prefix)
    }

    fn counts(&self) -> Result<Counts, StoreError> {
        self.store().counts()
    }

    fn add_decision(&mut self, decision: &NewDecision) -> Result<i64, StoreError> {
        match self {
            Db::Sqlite(store) => store.add_decision(decision),
            Db::Postgres(store) => store.add_decision(decision),
        }
    }

    fn list_decisions(&self) -> Result<Vec<DecisionRecord>, StoreError> {
        self.store().list_decisions()
    }

    fn init_key(&mut self, key: &NewKey, actor: Actor<'_>) -> Result<i64, StoreError> {
        self.store_mut().init_key(key, actor)
    }

    fn current_key(&self) -> Result<Option<KeyRecord>, StoreError> {
        self.store().current_key()
    }

    fn rotate_key(
        &mut self,
        key: &NewKey,
        resealed: &[PersonRow],
        actor: Actor<'_>,
    ) -> Result<i64, StoreError> {
        self.store_mut().rotate_key(key, resealed, actor)
    }

    fn reserve_person_ids(&mut self, n: usize) -> Result<Vec<i64>, StoreError> {
        self.store_mut().reserve_person_ids(n)
    }

    fn add_person(&mut self, person: &NewPerson, actor: Actor<'_>) -> Result<(), StoreError> {
        self.store_mut().add_person(person, actor)
    }

    fn get_person(&self, id: i64) -> Result<PersonRow, StoreError> {
        self.store().get_person(id)
    }

    fn list_persons(&self) -> Result<Vec<PersonRow>, StoreError> {
        self.store().list_persons()
    }

    fn link_person(
        &mut self,
        person_id: i64,
        target: &LinkTarget,
        actor: Actor<'_>,
    ) -> Result<(), StoreError> {
        self.store_mut().link_person(person_id, target, actor)
    }

    fn person_links(&self, person_id: i64) -> Result<Vec<LinkTarget>, StoreError> {
        self.store().person_links(person_id)
    }

    fn audit_log(&self) -> Result<Vec<AuditEntry>, StoreError> {
        self.store().audit_log()
    }

    fn audit_head(&self) -> Result<(i64, String), StoreError> {
        self.store().audit_head()
    }

    fn set_audit_mac(&self, mac: Option<std::sync::Arc<dyn store::audit::AuditMac>>) -> bool {
        self.store().set_audit_mac(mac)
    }

    fn add_user(&mut self, user: &store::NewUser, actor: Actor<'_>) -> Result<i64, StoreError> {
        self.store_mut().add_user(user, actor)
    }

    fn get_user(&self, name: &str) -> Result<Option<store::UserRecord>, StoreError> {
        self.store().get_user(name)
    }

    fn list_users(&self) -> Result<Vec<store::UserRecord>, StoreError> {
        self.store().list_users()
    }

    fn update_user(
        &mut self,
        name: &str,
        change: &store::UserChange,
        actor: Actor<'_>,
    ) -> Result<(), StoreError> {
        self.store_mut().update_user(name, change, actor)
    }

    fn add_api_token(
        &mut self,
        user: &str,
        token_hash: &str,
        label: &str,
        actor: Actor<'_>,
    ) -> Result<i64, StoreError> {
        self.store_mut().add_api_token(user, token_hash, label, actor)
    }

    fn user_for_token(&self, token_hash: &str) -> Result<Option<store::UserRecord>, StoreError> {
        self.store().user_for_token(token_hash)
    }

    fn list_api_tokens(&self) -> Result<Vec<store::ApiTokenRecord>, StoreError> {
        self.store().list_api_tokens()
    }

    fn revoke_api_token(&mut self, id: i64, actor: Actor<'_>) -> Result<(), StoreError> {
        self.store_mut().revoke_api_token(id, actor)
    }

    fn backup(&self, sink: &mut dyn store::BackupSink) -> Result<store::BackupStats, StoreError> {
        self.store().backup(sink)
    }

    fn restore(&mut self, source: &mut dyn store::BackupSource) -> Result<store::BackupStats, StoreError> {
        self.store_mut().restore(source)
    }
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
        assert!(matches!(Location::parse(Path::new("postgres/refwatch.db")), Ok(Location::File(_))));
    }

    #[test]
    fn ctx_debug_redacts_the_password() {
        let ctx = Ctx { db: Some(PathBuf::from("postgresql://u:pw-secret@host/db")), ..Ctx::default() };
        let shown = format!("{ctx:?}");
        assert!(!shown.contains("pw-secret"), "{shown}");
        assert!(shown.contains("u@host"), "{shown}");
    }
}
