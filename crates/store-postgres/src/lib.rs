//! `store-postgres`: the shared [`Store`] for teams: one PostgreSQL database that several
//! refwatch processes (ingest workers, later the web server) use at once.
//!
//! The [`Store`] trait is synchronous, so [`PostgresStore`] is a synchronous facade: it owns a
//! small single-threaded tokio runtime and a deadpool connection pool, and every trait method
//! runs one `block_on`. (Calling it from inside another tokio runtime would panic; an async
//! front end for the web crate can share the private async functions later.)
//!
//! Schema changes are append-only numbered migrations in `migrations/NNNN_name.sql`, embedded
//! at build time and applied together in one transaction under an advisory lock, so two
//! processes opening a fresh database at once apply each exactly once. The search path, and so
//! the schema used, can be chosen with the connection string's `options=-csearch_path=…`.
//!
//! `put_document` writes the page, document, removed blocks and claims in one transaction.
//! The page row is inserted with `ON CONFLICT (hash) DO NOTHING`: when two processes ingest the
//! same page at once, one inserts it and the other sees no row come back and reports
//! [`PutOutcome::AlreadyStored`]. Bulk rows go in with `unnest` over arrays, a fixed number of
//! round trips per page however many claims it has.
//!
//! **Boundary:** tokio-postgres types and SQL stay in this crate. Rows are read through private
//! wrapper types and converted into `store` row types; driver errors are mapped into
//! [`StoreError`]. Error messages carry PostgreSQL's message but never its `detail`, which can
//! quote row content.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, PoolError, RecyclingMethod};
use domain::{
    Article, ClaimKind, ContentHash, DateSource, Evidence, NaiveDate, Nationality, RawPage, RemovedBlock,
};
use store::audit::{AuditMac, Digest, MacSlot, decision_digest, key_digest};
use store::{
    Actor, AuditEntry, ClaimFilter, ClaimRecord, ClaimRow, Counts, DecisionRecord, DocumentSummary, KeyKind,
    KeyRecord, LinkTarget, NewDecision, NewDocument, NewKey, NewPerson, PersonRow, PutOutcome, Store,
    StoreError, StoredDocument,
};
use store::{DocumentIndex, SealedText, SearchRow, Signature};
use store::{parse_stored as parse_enum, stored_count as from_i64};
use tokio_postgres::error::SqlState;
use tokio_postgres::{GenericClient, Row};

mod backup;
#[cfg(feature = "test-support")]
pub mod test_support;
pub mod tls;
mod users;

pub use tls::{RootCerts, SslMode, TlsSettings};

/// The migrations, in order. Append only: never edit or reorder a released entry.
const MIGRATIONS: &[Migration] = &[
    Migration { version: 1, name: "init", sql: include_str!("../migrations/0001_init.sql") },
    Migration { version: 2, name: "decisions", sql: include_str!("../migrations/0002_decisions.sql") },
    Migration { version: 3, name: "record", sql: include_str!("../migrations/0003_record.sql") },
    Migration { version: 4, name: "users", sql: include_str!("../migrations/0004_users.sql") },
    Migration { version: 5, name: "sealed_text", sql: include_str!("../migrations/0005_sealed_text.sql") },
    Migration { version: 6, name: "accept", sql: include_str!("../migrations/0006_accept.sql") },
    Migration { version: 7, name: "audit_mac", sql: include_str!("../migrations/0007_audit_mac.sql") },
];

/// zstd level for raw pages, as in store-sqlite.
const ZSTD_LEVEL: i32 = 3;

/// How long opening a connection may take before the store reports `Unavailable`.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Connections per process. The facade runs one operation at a time, so a few suffice; the pool
/// replaces connections that the server closed.
const POOL_SIZE: usize = 4;

struct Migration {
    version: i32,
    name: &'static str,
    sql: &'static str,
}

/// A PostgreSQL connection string (`postgres://user:password@host:port/db?options=…`). `Debug`
/// and `Display` show it without the password or options, so it can be logged.
///
/// `sslmode` (`disable`, `prefer` (default), `require`, `verify-ca`, `verify-full`) and
/// `sslrootcert` (a PEM file, or `system`) mean what they mean to libpq; see [`tls`].
#[derive(Clone)]
pub struct DatabaseUrl {
    url: String,
    config: tokio_postgres::Config,
    tls: TlsSettings,
}

impl DatabaseUrl {
    /// Parses a connection string; both URLs and libpq `key=value` strings are accepted.
    pub fn parse(url: &str) -> Result<DatabaseUrl, StoreError> {
        let (tls, rest) = tls::split_tls(url)?;
        let mut config = tokio_postgres::Config::from_str(&rest)
            // The parser's message can quote the string, password included: keep it out.
            .map_err(|_| StoreError::InvalidInput("malformed PostgreSQL connection string".to_owned()))?;
        config.ssl_mode(tls.driver_mode());
        Ok(DatabaseUrl { url: url.to_owned(), config, tls })
    }

    /// How the connection uses TLS.
    pub fn tls(&self) -> &TlsSettings {
        &self.tls
    }

    /// Whether `text` looks like a PostgreSQL URL (rather than, say, a SQLite file name).
    pub fn is_postgres_url(text: &str) -> bool {
        let lower = text.trim_start().to_ascii_lowercase();
        lower.starts_with("postgres://") || lower.starts_with("postgresql://")
    }

    /// The connection string as given, password included. Only for handing to a driver.
    pub fn expose(&self) -> &str {
        &self.url
    }

    /// `postgres://user@host:port/db`, without password or options.
    pub fn redacted(&self) -> String {
        let user = self.config.get_user().unwrap_or("");
        let hosts: Vec<String> = self
            .config
            .get_hosts()
            .iter()
            .zip(self.config.get_ports().iter().chain(std::iter::repeat(&5432)))
            .map(|(host, port)| match host {
                tokio_postgres::config::Host::Tcp(name) => format!("{name}:{port}"),
                #[cfg(unix)]
                tokio_postgres::config::Host::Unix(path) => path.display().to_string(),
            })
            .collect();
        let db = self.config.get_dbname().unwrap_or("");
        let at = if user.is_empty() { String::new() } else { format!("{user}@") };
        format!("postgres://{at}{}/{db}", hosts.join(","))
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DatabaseUrl").field(&self.redacted()).finish()
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// A refwatch store in a PostgreSQL database (the schema first on the connection's search path).
pub struct PostgresStore {
    runtime: tokio::runtime::Runtime,
    pool: Pool,
    url: DatabaseUrl,
    /// MACs the audit entries this store appends (see `Store::set_audit_mac`).
    audit_mac: MacSlot,
}

impl fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresStore").field("url", &self.url).finish()
    }
}

impl PostgresStore {
    /// Connects and applies pending migrations.
    pub fn connect(url: &DatabaseUrl) -> Result<PostgresStore, StoreError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|err| StoreError::Other(format!("cannot start the PostgreSQL runtime: {err}")))?;
        let mut config = url.config.clone();
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        if config.get_application_name().is_none() {
            config.application_name("refwatch");
        }
        let connector = url.tls.connector()?;
        let manager = Manager::from_config(
            config,
            connector,
            ManagerConfig { recycling_method: RecyclingMethod::Fast },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .create_timeout(Some(CONNECT_TIMEOUT))
            .build()
            .map_err(|err| StoreError::Other(format!("cannot build the connection pool: {err}")))?;
        let store = PostgresStore { runtime, pool, url: url.clone(), audit_mac: MacSlot::default() };
        // The first connection tells TLS failures apart, with the mode that caused them.
        drop(store.runtime.block_on(store.client()).map_err(|err| connect_error(err, url))?);
        store.runtime.block_on(store.migrate())?;
        Ok(store)
    }

    /// The highest applied migration.
    pub fn schema_version(&self) -> Result<i32, StoreError> {
        self.runtime.block_on(async {
            let client = self.client().await?;
            let row = client
                .query_one("SELECT coalesce(max(version), 0) FROM schema_migrations", &[])
                .await
                .map_err(db_error)?;
            row.try_get(0).map_err(db_error)
        })
    }

    async fn client(&self) -> Result<deadpool_postgres::Object, StoreError> {
        self.pool.get().await.map_err(pool_error)
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(db_error)?;
        // current_schema() is NULL when no schema on the search path exists; refuse rather than
        // create one, since a misspelt search path should not start an empty store.
        let schema: Option<String> = tx
            .query_one("SELECT current_schema()::text", &[])
            .await
            .map_err(db_error)?
            .try_get(0)
            .map_err(db_error)?;
        let schema = schema.ok_or_else(|| {
            StoreError::Unavailable("no schema on the connection's search path exists".to_owned())
        })?;
        // One migrator per schema at a time; the lock is released at commit or rollback.
        tx.execute("SELECT pg_advisory_xact_lock(hashtext('refwatch.migrate.' || $1))", &[&schema])
            .await
            .map_err(db_error)?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                 version    INTEGER PRIMARY KEY,
                 name       TEXT    NOT NULL,
                 applied_at BIGINT  NOT NULL
             )",
        )
        .await
        .map_err(db_error)?;
        let current: i32 = tx
            .query_one("SELECT coalesce(max(version), 0) FROM schema_migrations", &[])
            .await
            .map_err(db_error)?
            .try_get(0)
            .map_err(db_error)?;
        let known = MIGRATIONS.last().map_or(0, |m| m.version);
        if current > known {
            return Err(StoreError::Incompatible(format!(
                "database schema version {current} is newer than this refwatch knows ({known})"
            )));
        }
        for migration in MIGRATIONS.iter().filter(|m| m.version > current) {
            tx.batch_execute(migration.sql).await.map_err(db_error)?;
            tx.execute(
                "INSERT INTO schema_migrations (version, name, applied_at)
                 VALUES ($1, $2, extract(epoch FROM now())::bigint)",
                &[&migration.version, &migration.name],
            )
            .await
            .map_err(db_error)?;
        }
        tx.commit().await.map_err(db_error)
    }

    async fn put(&self, document: &NewDocument<'_>, index: &DocumentIndex) -> Result<PutOutcome, StoreError> {
        let page = document.page;
        let hash = page.hash.to_hex();
        let compressed = zstd::bulk::compress(&page.bytes, ZSTD_LEVEL)
            .map_err(|err| StoreError::Other(format!("cannot compress page {hash}: {err}")))?;
        let article: &Article = document.article;

        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(db_error)?;
        let insert_page = tx
            .prepare_cached(
                "INSERT INTO pages (hash, url, source_path, size, compression, bytes, ingested_at)
                 VALUES ($1, $2, $3, $4, 'zstd', $5, $6)
                 ON CONFLICT (hash) DO NOTHING
                 RETURNING id",
            )
            .await
            .map_err(db_error)?;
        let inserted = tx
            .query_opt(
                &insert_page,
                &[
                    &hash,
                    &page.url,
                    &document.source_path,
                    &to_i64(page.bytes.len()),
                    &compressed,
                    &document.ingested_at,
                ],
            )
            .await
            .map_err(db_error)?;
        let Some(inserted) = inserted else {
            // Stored before, or by a concurrent transaction that committed first.
            tx.rollback().await.map_err(db_error)?;
            return Ok(PutOutcome::AlreadyStored);
        };
        let page_id: i64 = inserted.try_get(0).map_err(db_error)?;

        let insert_document = tx
            .prepare_cached(
                "INSERT INTO documents (page_id, pipeline_version, title, author, published, published_from,
                                        language, text, n_claims)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                 RETURNING id",
            )
            .await
            .map_err(db_error)?;
        let document_id: i64 = tx
            .query_one(
                &insert_document,
                &[
                    &page_id,
                    &document.pipeline_version,
                    &article.title,
                    &article.author,
                    &article.published,
                    &article.published_from.map(DateSource::as_str),
                    &article.language,
                    &article.text,
                    &to_i32(document.claims.len(), "claim count")?,
                ],
            )
            .await
            .map_err(db_error)?
            .try_get(0)
            .map_err(db_error)?;

        if !article.removed.is_empty() {
            let idx = (0..article.removed.len())
                .map(|i| to_i32(i, "block index"))
                .collect::<Result<Vec<_>, _>>()?;
            let kinds: Vec<&str> = article.removed.iter().map(|b| b.kind.as_str()).collect();
            let texts: Vec<&str> = article.removed.iter().map(|b| b.text.as_str()).collect();
            let stmt = tx
                .prepare_cached(
                    "INSERT INTO removed_blocks (document_id, idx, kind, text)
                     SELECT $1, u.* FROM unnest($2::int4[], $3::text[], $4::text[]) AS u",
                )
                .await
                .map_err(db_error)?;
            tx.execute(&stmt, &[&document_id, &idx, &kinds, &texts]).await.map_err(db_error)?;
        }

        let mut claim_ids = Vec::new();
        if !document.claims.is_empty() {
            // Persons' names are dropped here: only their number is stored (see `store` docs).
            let records: Vec<ClaimRecord> = document.claims.iter().map(ClaimRecord::from_claim).collect();
            claim_ids = insert_claims(&tx, document_id, &records).await?;
        }
        let mut digest = Digest::new("ingest");
        digest
            .field(hash.as_bytes())
            .field(document.pipeline_version.as_bytes())
            .field(article.text.as_bytes());
        digest.number(to_i64(document.claims.len()));
        put_index(&tx, document_id, index, &mut digest).await?;
        let mut objects = format!("document:{hash}");
        for entry in document.persons {
            insert_person(&tx, &entry.person, document.ingested_at).await?;
            digest.number(entry.person.id).field(&entry.person.sealed);
            objects.push_str(&format!(" person:{}", entry.person.id));
            for &idx in &entry.claim_idx {
                let claim_id = *claim_ids.get(idx).ok_or_else(|| {
                    StoreError::InvalidInput(format!("person linked to missing claim {idx}"))
                })?;
                tx.execute(
                    "INSERT INTO person_links (person_id, document_id, claim_id) VALUES ($1, $2, $3)",
                    &[&entry.person.id, &document_id, &claim_id],
                )
                .await
                .map_err(db_error)?;
                digest.number(to_i64(idx));
            }
        }
        let actor = Actor { name: document.actor, at: document.ingested_at };
        append_audit(&tx, self.audit_mac.get().as_deref(), actor, "ingest", &objects, &digest).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(PutOutcome::Inserted)
    }

    async fn page_by_prefix(
        &self,
        client: &impl GenericClient,
        prefix: &str,
    ) -> Result<(i64, String), StoreError> {
        let upper = format!("{prefix}g");
        let rows = client
            .query(
                "SELECT id, hash FROM pages WHERE hash >= $1 AND hash < $2 ORDER BY hash LIMIT 2",
                &[&prefix, &upper],
            )
            .await
            .map_err(db_error)?;
        match rows.as_slice() {
            [] => Err(StoreError::NotFound(format!("no document matches {prefix:?}"))),
            [one] => Ok((one.try_get(0).map_err(db_error)?, one.try_get(1).map_err(db_error)?)),
            _ => {
                let matches: i64 = client
                    .query_one(
                        "SELECT count(*) FROM pages WHERE hash >= $1 AND hash < $2",
                        &[&prefix, &upper],
                    )
                    .await
                    .map_err(db_error)?
                    .try_get(0)
                    .map_err(db_error)?;
                Err(StoreError::Ambiguous {
                    prefix: prefix.to_owned(),
                    matches: usize::try_from(matches).unwrap_or(2),
                })
            }
        }
    }

    async fn list_claims_async(&self, filter: &ClaimFilter) -> Result<Vec<ClaimRow>, StoreError> {
        let prefix = filter.document_prefix.as_deref().map(store::normalise_prefix).transpose()?;
        let upper = prefix.as_ref().map(|p| format!("{p}g"));
        let limit: Option<i64> = filter.limit.map(to_i64);
        let client = self.client().await?;
        let stmt = client
            .prepare_cached(&format!(
                "SELECT p.hash, d.title, {CLAIM_COLUMNS}
                 FROM claims c JOIN documents d ON d.id = c.document_id JOIN pages p ON p.id = d.page_id
                 WHERE d.id = (SELECT max(id) FROM documents WHERE page_id = p.id)
                   AND ($1::text IS NULL OR c.kind = $1)
                   AND ($2::text IS NULL OR (p.hash >= $2 AND p.hash < $3))
                 ORDER BY d.id, c.idx
                 LIMIT $4"
            ))
            .await
            .map_err(db_error)?;
        let rows = client
            .query(&stmt, &[&filter.kind.map(ClaimKind::as_str), &prefix, &upper, &limit])
            .await
            .map_err(db_error)?;
        let mut heads = Vec::with_capacity(rows.len());
        let mut claims = Vec::with_capacity(rows.len());
        for row in &rows {
            let hash: String = row.try_get(0).map_err(db_error)?;
            let title: Option<String> = row.try_get(1).map_err(db_error)?;
            let claim = ClaimPgRow::from_row(row, 2)?;
            heads.push((hash, title, from_i32(claim.idx, "claim index")?));
            claims.push(claim);
        }
        let records = claim_records(&**client, claims).await?;
        heads
            .into_iter()
            .zip(records)
            .map(|((hash, title, claim_idx), claim)| {
                Ok(ClaimRow { document_hash: parse_hash(&hash)?, document_title: title, claim_idx, claim })
            })
            .collect()
    }

    async fn list_documents_async(&self) -> Result<Vec<DocumentSummary>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT p.hash, d.title, d.published, p.source_path, d.n_claims
                 FROM documents d JOIN pages p ON p.id = d.page_id
                 WHERE d.id = (SELECT max(id) FROM documents WHERE page_id = p.id)
                 ORDER BY d.id",
                &[],
            )
            .await
            .map_err(db_error)?;
        rows.iter()
            .map(|row| {
                let hash: String = row.try_get(0).map_err(db_error)?;
                let n_claims: i32 = row.try_get(4).map_err(db_error)?;
                Ok(DocumentSummary {
                    hash: parse_hash(&hash)?,
                    title: row.try_get(1).map_err(db_error)?,
                    published: row.try_get::<_, Option<NaiveDate>>(2).map_err(db_error)?,
                    source_path: row.try_get(3).map_err(db_error)?,
                    n_claims: from_i32(n_claims, "claim count")?,
                })
            })
            .collect()
    }

    async fn get_document_async(&self, hash_or_prefix: &str) -> Result<StoredDocument, StoreError> {
        let prefix = store::normalise_prefix(hash_or_prefix)?;
        let client = self.client().await?;
        let (page_id, hash) = self.page_by_prefix(&**client, &prefix).await?;
        let row = client
            .query_opt(
                "SELECT d.id, p.url, p.source_path, p.ingested_at, d.pipeline_version, p.size, d.title, d.author,
                        d.published, d.published_from, d.language, d.text
                 FROM documents d JOIN pages p ON p.id = d.page_id
                 WHERE d.page_id = $1 ORDER BY d.id DESC LIMIT 1",
                &[&page_id],
            )
            .await
            .map_err(db_error)?
            .ok_or_else(|| StoreError::Corrupt(format!("page {hash} has no document")))?;
        let document_id: i64 = row.try_get(0).map_err(db_error)?;
        let removed = client
            .query(
                "SELECT kind, text FROM removed_blocks WHERE document_id = $1 ORDER BY idx",
                &[&document_id],
            )
            .await
            .map_err(db_error)?
            .iter()
            .map(|r| {
                let kind: String = r.try_get(0).map_err(db_error)?;
                Ok(RemovedBlock { kind: parse_enum(&kind)?, text: r.try_get(1).map_err(db_error)? })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let claim_rows = client
            .query(
                &format!("SELECT {CLAIM_COLUMNS} FROM claims c WHERE c.document_id = $1 ORDER BY c.idx"),
                &[&document_id],
            )
            .await
            .map_err(db_error)?
            .iter()
            .map(|r| ClaimPgRow::from_row(r, 0))
            .collect::<Result<Vec<_>, _>>()?;
        let claims = claim_records(&**client, claim_rows).await?;
        let published_from: Option<String> = row.try_get(9).map_err(db_error)?;
        Ok(StoredDocument {
            hash: parse_hash(&hash)?,
            url: row.try_get(1).map_err(db_error)?,
            source_path: row.try_get(2).map_err(db_error)?,
            ingested_at: row.try_get(3).map_err(db_error)?,
            pipeline_version: row.try_get(4).map_err(db_error)?,
            page_size: from_i64(row.try_get(5).map_err(db_error)?, "page size")?,
            title: row.try_get(6).map_err(db_error)?,
            author: row.try_get(7).map_err(db_error)?,
            published: row.try_get(8).map_err(db_error)?,
            published_from: published_from.as_deref().map(parse_enum::<DateSource>).transpose()?,
            language: row.try_get(10).map_err(db_error)?,
            text: row.try_get(11).map_err(db_error)?,
            removed,
            claims,
        })
    }
}

impl Store for PostgresStore {
    fn has_page(&self, hash: &ContentHash) -> Result<bool, StoreError> {
        self.runtime.block_on(async {
            let client = self.client().await?;
            let stmt =
                client.prepare_cached("SELECT 1 FROM pages WHERE hash = $1").await.map_err(db_error)?;
            Ok(client.query_opt(&stmt, &[&hash.to_hex()]).await.map_err(db_error)?.is_some())
        })
    }

    fn put_document_indexed(
        &mut self,
        document: &NewDocument<'_>,
        index: &DocumentIndex,
    ) -> Result<PutOutcome, StoreError> {
        self.runtime.block_on(self.put(document, index))
    }

    fn sealed_text(&self, hash: &ContentHash) -> Result<Option<SealedText>, StoreError> {
        let hex = hash.to_hex();
        self.runtime.block_on(async {
            let client = self.client().await?;
            let row = client
                .query_opt(
                    "SELECT s.text_key, s.page, s.article
                     FROM sealed_texts s JOIN documents d ON d.id = s.document_id JOIN pages p ON p.id = d.page_id
                     WHERE p.hash = $1 AND d.id = (SELECT max(id) FROM documents WHERE page_id = p.id)",
                    &[&hex],
                )
                .await
                .map_err(db_error)?;
            row.map(|row| {
                Ok(SealedText {
                    text_key: row.try_get(0).map_err(db_error)?,
                    page: row.try_get(1).map_err(db_error)?,
                    article: row.try_get(2).map_err(db_error)?,
                })
            })
            .transpose()
        })
    }

    fn signatures(&self) -> Result<Vec<(ContentHash, Signature)>, StoreError> {
        self.runtime.block_on(async {
            let client = self.client().await?;
            let rows = client
                .query(
                    "SELECT p.hash, s.keyed, s.signature
                     FROM document_signatures s JOIN documents d ON d.id = s.document_id
                          JOIN pages p ON p.id = d.page_id
                     WHERE d.id = (SELECT max(id) FROM documents WHERE page_id = p.id)
                     ORDER BY d.id",
                    &[],
                )
                .await
                .map_err(db_error)?;
            rows.iter()
                .map(|row| {
                    let hash: String = row.try_get(0).map_err(db_error)?;
                    Ok((
                        parse_hash(&hash)?,
                        Signature {
                            keyed: row.try_get(1).map_err(db_error)?,
                            bytes: row.try_get(2).map_err(db_error)?,
                        },
                    ))
                })
                .collect()
        })
    }

    fn search(&self, terms: &[String], limit: usize) -> Result<Vec<SearchRow>, StoreError> {
        let terms = store::search::checked_terms(terms)?;
        self.runtime.block_on(async {
            let client = self.client().await?;
            let mut matches: std::collections::HashMap<i64, usize> = std::collections::HashMap::new();
            for term in &terms {
                // A quoted lexeme is taken verbatim by the tsquery input function.
                let query = format!("'{term}'");
                let rows = client
                    .query(
                        "SELECT document_id FROM search_terms
                         WHERE array_to_tsvector(string_to_array(terms, ' ')) @@ $1::text::tsquery",
                        &[&query],
                    )
                    .await
                    .map_err(db_error)?;
                for row in rows {
                    *matches.entry(row.try_get(0).map_err(db_error)?).or_default() += 1;
                }
            }
            let ids: Vec<i64> = matches.keys().copied().collect();
            let rows = client
                .query(
                    "SELECT d.id, p.hash, d.published
                     FROM documents d JOIN pages p ON p.id = d.page_id
                     WHERE d.id = ANY($1) AND d.id = (SELECT max(id) FROM documents WHERE page_id = p.id)",
                    &[&ids],
                )
                .await
                .map_err(db_error)?;
            let mut hits = Vec::with_capacity(rows.len());
            for row in rows {
                let id: i64 = row.try_get(0).map_err(db_error)?;
                let hash: String = row.try_get(1).map_err(db_error)?;
                hits.push(SearchRow {
                    hash: parse_hash(&hash)?,
                    published: row.try_get(2).map_err(db_error)?,
                    matches: matches.get(&id).copied().unwrap_or(0),
                });
            }
            Ok(store::search::rank(hits, limit))
        })
    }

    fn get_page(&self, hash: &ContentHash) -> Result<RawPage, StoreError> {
        let hex = hash.to_hex();
        self.runtime.block_on(async {
            let client = self.client().await?;
            let row = client
                .query_opt("SELECT url, size, compression, bytes FROM pages WHERE hash = $1", &[&hex])
                .await
                .map_err(db_error)?
                .ok_or_else(|| StoreError::NotFound(format!("page {hex}")))?;
            let url: Option<String> = row.try_get(0).map_err(db_error)?;
            let size = from_i64(row.try_get(1).map_err(db_error)?, "page size")?;
            let compression: String = row.try_get(2).map_err(db_error)?;
            let bytes: Vec<u8> = row.try_get(3).map_err(db_error)?;
            if compression != "zstd" {
                return Err(StoreError::Corrupt(format!("page {hex}: unknown compression {compression:?}")));
            }
            let bytes = zstd::bulk::decompress(&bytes, size)
                .map_err(|err| StoreError::Corrupt(format!("page {hex}: cannot decompress: {err}")))?;
            let page = RawPage::new(bytes, url);
            if page.hash != *hash && size == 0 {
                return Err(StoreError::InvalidInput(format!(
                    "page {hex} is sealed: it opens only with the key"
                )));
            }
            if page.hash != *hash {
                return Err(StoreError::Corrupt(format!("page {hex}: stored bytes hash to {}", page.hash)));
            }
            Ok(page)
        })
    }

    fn list_claims(&self, filter: &ClaimFilter) -> Result<Vec<ClaimRow>, StoreError> {
        self.runtime.block_on(self.list_claims_async(filter))
    }

    fn list_documents(&self) -> Result<Vec<DocumentSummary>, StoreError> {
        self.runtime.block_on(self.list_documents_async())
    }

    fn get_document(&self, hash_or_prefix: &str) -> Result<StoredDocument, StoreError> {
        self.runtime.block_on(self.get_document_async(hash_or_prefix))
    }

    fn counts(&self) -> Result<Counts, StoreError> {
        self.runtime.block_on(async {
            let client = self.client().await?;
            let row = client
                .query_one(
                    "SELECT (SELECT count(*) FROM pages), (SELECT count(*) FROM documents),
                            (SELECT count(*) FROM claims)",
                    &[],
                )
                .await
                .map_err(db_error)?;
            let count = |i: usize| -> Result<usize, StoreError> {
                from_i64(row.try_get(i).map_err(db_error)?, "row count")
            };
            Ok(Counts { pages: count(0)?, documents: count(1)?, claims: count(2)? })
        })
    }

    fn add_decision(&mut self, decision: &NewDecision) -> Result<i64, StoreError> {
        let d = decision;
        self.runtime.block_on(async {
            let mut client = self.client().await?;
            let tx = client.transaction().await.map_err(db_error)?;
            let row = tx
                .query_one(
                    "INSERT INTO decisions (kind, claim, claim_evidence, other, other_evidence, field, value, actor,
                                            created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                     RETURNING id",
                    &[
                        &d.kind,
                        &d.claim,
                        &d.claim_evidence,
                        &d.other,
                        &d.other_evidence,
                        &d.field,
                        &d.value,
                        &d.actor,
                        &d.created_at,
                    ],
                )
                .await
                .map_err(db_error)?;
            let id: i64 = row.try_get(0).map_err(db_error)?;
            let actor = Actor { name: &d.actor, at: d.created_at };
            append_audit(&tx, self.audit_mac.get().as_deref(), actor, "decision", &format!("decision:{id}"), &decision_digest(d)).await?;
            tx.commit().await.map_err(db_error)?;
            Ok(id)
        })
    }

    fn list_decisions(&self) -> Result<Vec<DecisionRecord>, StoreError> {
        self.runtime.block_on(async {
            let client = self.client().await?;
            let rows = client
                .query(
                    "SELECT id, kind, claim, claim_evidence, other, other_evidence, field, value, actor, created_at
                     FROM decisions ORDER BY id",
                    &[],
                )
                .await
                .map_err(db_error)?;
            rows.iter()
                .map(|row| {
                    Ok(DecisionRecord {
                        id: row.try_get(0).map_err(db_error)?,
                        decision: NewDecision {
                            kind: row.try_get(1).map_err(db_error)?,
                            claim: row.try_get(2).map_err(db_error)?,
                            claim_evidence: row.try_get(3).map_err(db_error)?,
                            other: row.try_get(4).map_err(db_error)?,
                            other_evidence: row.try_get(5).map_err(db_error)?,
                            field: row.try_get(6).map_err(db_error)?,
                            value: row.try_get(7).map_err(db_error)?,
                            actor: row.try_get(8).map_err(db_error)?,
                            created_at: row.try_get(9).map_err(db_error)?,
                        },
                    })
                })
                .collect()
        })
    }

    fn init_key(&mut self, key: &NewKey, actor: Actor<'_>) -> Result<i64, StoreError> {
        self.runtime.block_on(async {
            let mut client = self.client().await?;
            let tx = client.transaction().await.map_err(db_error)?;
            lock_head(&tx).await?;
            if tx.query_opt("SELECT 1 FROM data_keys LIMIT 1", &[]).await.map_err(db_error)?.is_some() {
                return Err(StoreError::Conflict(
                    "a data key is already stored (use `keys rotate`)".to_owned(),
                ));
            }
            let id = insert_key(&tx, key, actor.at).await?;
            append_audit(
                &tx,
                self.audit_mac.get().as_deref(),
                actor,
                "key.init",
                &format!("key:{id}"),
                &key_digest("key.init", id, key),
            )
            .await?;
            tx.commit().await.map_err(db_error)?;
            Ok(id)
        })
    }

    fn current_key(&self) -> Result<Option<KeyRecord>, StoreError> {
        self.runtime.block_on(async {
            let client = self.client().await?;
            let row = client
                .query_opt(
                    "SELECT id, kind, wrapped, created_at FROM data_keys ORDER BY id DESC LIMIT 1",
                    &[],
                )
                .await
                .map_err(db_error)?;
            row.map(|row| {
                let id: i64 = row.try_get(0).map_err(db_error)?;
                let kind: String = row.try_get(1).map_err(db_error)?;
                let kind = KeyKind::parse(&kind)
                    .ok_or_else(|| StoreError::Corrupt(format!("data key {id}: unknown kind {kind:?}")))?;
                Ok(KeyRecord {
                    id,
                    kind,
                    wrapped: row.try_get(2).map_err(db_error)?,
                    created_at: row.try_get(3).map_err(db_error)?,
                })
            })
            .transpose()
        })
    }

    fn rotate_key(
        &mut self,
        key: &NewKey,
        resealed: &[PersonRow],
        actor: Actor<'_>,
    ) -> Result<i64, StoreError> {
        self.runtime.block_on(async {
            let mut client = self.client().await?;
            let tx = client.transaction().await.map_err(db_error)?;
            lock_head(&tx).await?;
            tx.batch_execute("LOCK TABLE persons IN EXCLUSIVE MODE").await.map_err(db_error)?;
            let stored = tx
                .query("SELECT id, version FROM persons ORDER BY id", &[])
                .await
                .map_err(db_error)?
                .iter()
                .map(|r| {
                    Ok((r.try_get::<_, i64>(0).map_err(db_error)?, r.try_get::<_, i64>(1).map_err(db_error)?))
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            let mut given: Vec<(i64, i64)> = resealed.iter().map(|p| (p.id, p.version)).collect();
            given.sort_unstable();
            if stored != given {
                return Err(StoreError::Conflict(
                    "case files changed during rotation, or not all were re-sealed".to_owned(),
                ));
            }
            let id = insert_key(&tx, key, actor.at).await?;
            // Retired keys keep their row (id, kind, time) but not their wrapped bytes, so that the
            // old passphrase or key file unwraps nothing in the database from now on.
            tx.execute("UPDATE data_keys SET wrapped = '\\x'::bytea WHERE id <> $1", &[&id])
                .await
                .map_err(db_error)?;
            let mut digest = key_digest("key.rotate", id, key);
            for person in resealed {
                tx.execute(
                    "UPDATE persons SET key_id = $1, sealed = $2 WHERE id = $3 AND version = $4",
                    &[&id, &person.sealed, &person.id, &person.version],
                )
                .await
                .map_err(db_error)?;
                digest.number(person.id).field(&person.sealed);
            }
            append_audit(
                &tx,
                self.audit_mac.get().as_deref(),
                actor,
                "key.rotate",
                &format!("key:{id}"),
                &digest,
            )
            .await?;
            tx.commit().await.map_err(db_error)?;
            Ok(id)
        })
    }

    fn reserve_person_ids(&mut self, n: usize) -> Result<Vec<i64>, StoreError> {
        let n = to_i64(n);
        self.runtime.block_on(async {
            let client = self.client().await?;
            let rows = client
                .query("SELECT nextval('person_ids') FROM generate_series(1, $1::int8)", &[&n])
                .await
                .map_err(db_error)?;
            rows.iter().map(|r| r.try_get(0).map_err(db_error)).collect()
        })
    }

    fn add_person(&mut self, person: &NewPerson, actor: Actor<'_>) -> Result<(), StoreError> {
        self.runtime.block_on(async {
            let mut client = self.client().await?;
            let tx = client.transaction().await.map_err(db_error)?;
            lock_head(&tx).await?;
            insert_person(&tx, person, actor.at).await?;
            let mut digest = Digest::new("person.add");
            digest.number(person.id).number(person.key_id).field(&person.sealed);
            append_audit(
                &tx,
                self.audit_mac.get().as_deref(),
                actor,
                "person.add",
                &format!("person:{}", person.id),
                &digest,
            )
            .await?;
            tx.commit().await.map_err(db_error)
        })
    }

    fn get_person(&self, id: i64) -> Result<PersonRow, StoreError> {
        self.runtime.block_on(async {
            let client = self.client().await?;
            let row = client
                .query_opt("SELECT id, version, key_id, sealed FROM persons WHERE id = $1", &[&id])
                .await
                .map_err(db_error)?
                .ok_or_else(|| StoreError::NotFound(format!("person {id}")))?;
            person_row(&row)
        })
    }

    fn list_persons(&self) -> Result<Vec<PersonRow>, StoreError> {
        self.runtime.block_on(async {
            let client = self.client().await?;
            let rows = client
                .query("SELECT id, version, key_id, sealed FROM persons ORDER BY id", &[])
                .await
                .map_err(db_error)?;
            rows.iter().map(person_row).collect()
        })
    }

    fn link_person(
        &mut self,
        person_id: i64,
        target: &LinkTarget,
        actor: Actor<'_>,
    ) -> Result<(), StoreError> {
        let (hash, claim_idx) = match target {
            LinkTarget::Document(hash) => (hash.to_hex(), None),
            LinkTarget::Claim { document, claim_idx } => {
                (document.to_hex(), Some(to_i32(*claim_idx, "claim index")?))
            }
        };
        self.runtime.block_on(async {
            let mut client = self.client().await?;
            let tx = client.transaction().await.map_err(db_error)?;
            lock_head(&tx).await?;
            if tx
                .query_opt("SELECT 1 FROM persons WHERE id = $1", &[&person_id])
                .await
                .map_err(db_error)?
                .is_none()
            {
                return Err(StoreError::NotFound(format!("person {person_id}")));
            }
            let document_id: Option<i64> = tx
                .query_one(
                    "SELECT max(d.id) FROM documents d JOIN pages p ON p.id = d.page_id WHERE p.hash = $1",
                    &[&hash],
                )
                .await
                .map_err(db_error)?
                .try_get(0)
                .map_err(db_error)?;
            let document_id = document_id.ok_or_else(|| StoreError::NotFound(format!("document {hash}")))?;
            let claim_id: Option<i64> = match claim_idx {
                None => None,
                Some(idx) => Some(
                    tx.query_opt(
                        "SELECT id FROM claims WHERE document_id = $1 AND idx = $2",
                        &[&document_id, &idx],
                    )
                    .await
                    .map_err(db_error)?
                    .ok_or_else(|| StoreError::NotFound(format!("claim {idx} of document {hash}")))?
                    .try_get(0)
                    .map_err(db_error)?,
                ),
            };
            tx.execute(
                "INSERT INTO person_links (person_id, document_id, claim_id) VALUES ($1, $2, $3)",
                &[&person_id, &document_id, &claim_id],
            )
            .await
            .map_err(db_error)?;
            let mut digest = Digest::new("person.link");
            digest.number(person_id).field(hash.as_bytes()).number(claim_idx.map_or(-1, i64::from));
            let objects = match claim_idx {
                Some(idx) => format!("person:{person_id} claim:{hash}:{idx}"),
                None => format!("person:{person_id} document:{hash}"),
            };
            append_audit(&tx, self.audit_mac.get().as_deref(), actor, "person.link", &objects, &digest)
                .await?;
            tx.commit().await.map_err(db_error)
        })
    }

    fn person_links(&self, person_id: i64) -> Result<Vec<LinkTarget>, StoreError> {
        self.runtime.block_on(async {
            let client = self.client().await?;
            let rows = client
                .query(
                    "SELECT p.hash, c.idx FROM person_links l JOIN documents d ON d.id = l.document_id
                     JOIN pages p ON p.id = d.page_id LEFT JOIN claims c ON c.id = l.claim_id
                     WHERE l.person_id = $1 ORDER BY l.id",
                    &[&person_id],
                )
                .await
                .map_err(db_error)?;
            rows.iter()
                .map(|r| {
                    let document = parse_hash(&r.try_get::<_, String>(0).map_err(db_error)?)?;
                    let idx: Option<i32> = r.try_get(1).map_err(db_error)?;
                    Ok(match idx {
                        Some(idx) => LinkTarget::Claim { document, claim_idx: from_i32(idx, "claim index")? },
                        None => LinkTarget::Document(document),
                    })
                })
                .collect()
        })
    }

    fn audit_log(&self) -> Result<Vec<AuditEntry>, StoreError> {
        self.runtime.block_on(async {
            let client = self.client().await?;
            let rows = client
                .query(
                    "SELECT seq, at, actor, action, objects, digest, prev_hash, hash, mac FROM audit_log ORDER BY seq",
                    &[],
                )
                .await
                .map_err(db_error)?;
            rows.iter()
                .map(|r| {
                    Ok(AuditEntry {
                        seq: r.try_get(0).map_err(db_error)?,
                        at: r.try_get(1).map_err(db_error)?,
                        actor: r.try_get(2).map_err(db_error)?,
                        action: r.try_get(3).map_err(db_error)?,
                        objects: r.try_get(4).map_err(db_error)?,
                        digest: r.try_get(5).map_err(db_error)?,
                        prev_hash: r.try_get(6).map_err(db_error)?,
                        hash: r.try_get(7).map_err(db_error)?,
                        mac: r.try_get(8).map_err(db_error)?,
                    })
                })
                .collect()
        })
    }

    fn set_audit_mac(&self, mac: Option<std::sync::Arc<dyn AuditMac>>) -> bool {
        self.audit_mac.set(mac);
        true
    }

    fn audit_head(&self) -> Result<(i64, String), StoreError> {
        self.runtime.block_on(async {
            let client = self.client().await?;
            let row = client
                .query_opt("SELECT seq, hash FROM audit_head WHERE one = 1", &[])
                .await
                .map_err(db_error)?
                .ok_or_else(|| StoreError::Corrupt("the audit log has no head".to_owned()))?;
            Ok((row.try_get(0).map_err(db_error)?, row.try_get(1).map_err(db_error)?))
        })
    }

    fn add_user(&mut self, user: &store::NewUser, actor: Actor<'_>) -> Result<i64, StoreError> {
        self.runtime.block_on(self.add_user_async(user, actor))
    }

    fn get_user(&self, name: &str) -> Result<Option<store::UserRecord>, StoreError> {
        self.runtime.block_on(self.get_user_async(name))
    }

    fn list_users(&self) -> Result<Vec<store::UserRecord>, StoreError> {
        self.runtime.block_on(self.list_users_async())
    }

    fn update_user(
        &mut self,
        name: &str,
        change: &store::UserChange,
        actor: Actor<'_>,
    ) -> Result<(), StoreError> {
        self.runtime.block_on(self.update_user_async(name, change, actor))
    }

    fn add_api_token(
        &mut self,
        user: &str,
        token_hash: &str,
        label: &str,
        actor: Actor<'_>,
    ) -> Result<i64, StoreError> {
        self.runtime.block_on(self.add_api_token_async(user, token_hash, label, actor))
    }

    fn user_for_token(&self, token_hash: &str) -> Result<Option<store::UserRecord>, StoreError> {
        self.runtime.block_on(self.user_for_token_async(token_hash))
    }

    fn list_api_tokens(&self) -> Result<Vec<store::ApiTokenRecord>, StoreError> {
        self.runtime.block_on(self.list_api_tokens_async())
    }

    fn revoke_api_token(&mut self, id: i64, actor: Actor<'_>) -> Result<(), StoreError> {
        self.runtime.block_on(self.revoke_api_token_async(id, actor))
    }

    fn backup(&self, sink: &mut dyn store::BackupSink) -> Result<store::BackupStats, StoreError> {
        self.runtime.block_on(self.backup_async(sink))
    }

    fn restore(&mut self, source: &mut dyn store::BackupSource) -> Result<store::BackupStats, StoreError> {
        self.runtime.block_on(self.restore_async(source))
    }
}

/// Locks the audit head row: every writer takes it first, so entries are appended one at a time
/// and in commit order.
async fn lock_head(tx: &deadpool_postgres::Transaction<'_>) -> Result<(i64, String), StoreError> {
    let row = tx
        .query_opt("SELECT seq, hash FROM audit_head WHERE one = 1 FOR UPDATE", &[])
        .await
        .map_err(db_error)?
        .ok_or_else(|| StoreError::Corrupt("the audit log has no head".to_owned()))?;
    Ok((row.try_get(0).map_err(db_error)?, row.try_get(1).map_err(db_error)?))
}

/// Appends an audit entry and moves the head, inside the caller's transaction.
/// With `mac`, the entry also stores the MAC of its sequence number and hash.
async fn append_audit(
    tx: &deadpool_postgres::Transaction<'_>,
    mac: Option<&dyn AuditMac>,
    actor: Actor<'_>,
    action: &str,
    objects: &str,
    digest: &Digest,
) -> Result<(), StoreError> {
    let (last, prev) = lock_head(tx).await?;
    let seq = last + 1;
    let digest = digest.hex();
    let hash = store::audit::entry_hash(seq, actor.at, actor.name, action, objects, &digest, &prev);
    let mac = mac.map(|mac| mac.mac(seq, &hash));
    tx.execute(
        "INSERT INTO audit_log (seq, at, actor, action, objects, digest, prev_hash, hash, mac)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        &[&seq, &actor.at, &actor.name, &action, &objects, &digest, &prev, &hash, &mac],
    )
    .await
    .map_err(db_error)?;
    tx.execute("UPDATE audit_head SET seq = $1, hash = $2 WHERE one = 1", &[&seq, &hash])
        .await
        .map_err(db_error)?;
    Ok(())
}

async fn insert_key(
    tx: &deadpool_postgres::Transaction<'_>,
    key: &NewKey,
    at: i64,
) -> Result<i64, StoreError> {
    tx.query_one(
        "INSERT INTO data_keys (kind, wrapped, created_at) VALUES ($1, $2, $3) RETURNING id",
        &[&key.kind.as_str(), &key.wrapped, &at],
    )
    .await
    .map_err(db_error)?
    .try_get(0)
    .map_err(db_error)
}

/// Writes what ingest derived from a document (sealed texts, signature, search terms) inside the
/// caller's transaction, and adds the sealed bytes to the audit digest.
async fn put_index(
    tx: &deadpool_postgres::Transaction<'_>,
    document_id: i64,
    index: &DocumentIndex,
    digest: &mut Digest,
) -> Result<(), StoreError> {
    if let Some(sealed) = &index.sealed {
        tx.execute(
            "INSERT INTO sealed_texts (document_id, text_key, page, article) VALUES ($1, $2, $3, $4)",
            &[&document_id, &sealed.text_key, &sealed.page, &sealed.article],
        )
        .await
        .map_err(db_error)?;
        digest.number(sealed.text_key).field(&sealed.page).field(&sealed.article);
    }
    if let Some(signature) = &index.signature {
        tx.execute(
            "INSERT INTO document_signatures (document_id, keyed, signature) VALUES ($1, $2, $3)",
            &[&document_id, &signature.keyed, &signature.bytes],
        )
        .await
        .map_err(db_error)?;
    }
    if !index.search_terms.is_empty() {
        let terms = store::search::checked_terms(&index.search_terms)?.join(" ");
        tx.execute("INSERT INTO search_terms (document_id, terms) VALUES ($1, $2)", &[&document_id, &terms])
            .await
            .map_err(db_error)?;
    }
    Ok(())
}

async fn insert_person(
    tx: &deadpool_postgres::Transaction<'_>,
    person: &NewPerson,
    at: i64,
) -> Result<(), StoreError> {
    // Checked inside the writing transaction, under the audit head lock that `rotate_key` takes
    // first too: a process that unlocked before `keys rotate` must not seal with the retired key.
    lock_head(tx).await?;
    let current: Option<i64> = tx
        .query_one("SELECT max(id) FROM data_keys", &[])
        .await
        .map_err(db_error)?
        .try_get(0)
        .map_err(db_error)?;
    store::check_current_key(person.key_id, current)?;
    tx.execute(
        "INSERT INTO persons (id, version, key_id, sealed, created_at) VALUES ($1, 1, $2, $3, $4)",
        &[&person.id, &person.key_id, &person.sealed, &at],
    )
    .await
    .map_err(db_error)?;
    Ok(())
}

fn person_row(r: &Row) -> Result<PersonRow, StoreError> {
    Ok(PersonRow {
        id: r.try_get(0).map_err(db_error)?,
        version: r.try_get(1).map_err(db_error)?,
        key_id: r.try_get(2).map_err(db_error)?,
        sealed: r.try_get(3).map_err(db_error)?,
    })
}

/// Inserts a document's claims, then their sources and evidence, with one statement each.
async fn insert_claims(
    tx: &deadpool_postgres::Transaction<'_>,
    document_id: i64,
    records: &[ClaimRecord],
) -> Result<Vec<i64>, StoreError> {
    let count_bound = |n: Option<u64>| -> Result<Option<i64>, StoreError> {
        n.map(|n| {
            i64::try_from(n).map_err(|_| StoreError::InvalidInput(format!("count {n} is too large to store")))
        })
        .transpose()
    };
    let mut c = ClaimColumns::default();
    for (idx, claim) in records.iter().enumerate() {
        let (nationality_country, nationality_group) = match &claim.nationality {
            Some(Nationality::Country(code)) => (Some(code.as_str().to_owned()), None),
            Some(Nationality::Group(name)) => (None, Some(name.clone())),
            None => (None, None),
        };
        let place = claim.place.as_ref();
        c.idx.push(to_i32(idx, "claim index")?);
        c.kind.push(claim.kind.as_str().to_owned());
        c.aggregate.push(claim.aggregate);
        c.date_start.push(claim.date.start.map(|d| d.to_string()));
        c.date_end.push(claim.date.end.map(|d| d.to_string()));
        c.date_precision.push(claim.date.precision.as_str().to_owned());
        c.count_low.push(count_bound(claim.count.low)?);
        c.count_high.push(count_bound(claim.count.high)?);
        c.count_qualifier.push(claim.count.qualifier.as_str().to_owned());
        c.count_text.push(claim.count.text.clone());
        c.perpetrator.push(claim.perpetrator.as_ref().map(|code| code.as_str().to_owned()));
        c.destination.push(claim.destination.as_ref().map(|code| code.as_str().to_owned()));
        c.nationality_country.push(nationality_country);
        c.nationality_group.push(nationality_group);
        c.place_name.push(place.map(|p| p.name.clone()));
        c.place_country.push(place.and_then(|p| p.country.as_ref().map(|code| code.as_str().to_owned())));
        c.place_admin1.push(place.and_then(|p| p.admin1.clone()));
        c.place_lat.push(place.and_then(|p| p.lat));
        c.place_lon.push(place.and_then(|p| p.lon));
        c.place_precision.push(place.map(|p| p.precision.as_str().to_owned()));
        c.women.push(claim.women);
        c.children.push(claim.children);
        c.n_persons.push(to_i32(claim.n_persons, "person count")?);
    }
    let stmt = tx
        .prepare_cached(
            "INSERT INTO claims (document_id, idx, kind, aggregate, date_start, date_end, date_precision,
                                 count_low, count_high, count_qualifier, count_text, perpetrator, destination,
                                 nationality_country, nationality_group, place_name, place_country, place_admin1,
                                 place_lat, place_lon, place_precision, women, children, n_persons)
             SELECT $1, u.* FROM unnest($2::int4[], $3::text[], $4::bool[], $5::text[], $6::text[], $7::text[],
                                        $8::int8[], $9::int8[], $10::text[], $11::text[], $12::text[], $13::text[],
                                        $14::text[], $15::text[], $16::text[], $17::text[], $18::text[],
                                        $19::float8[], $20::float8[], $21::text[], $22::bool[], $23::bool[],
                                        $24::int4[]) AS u
             RETURNING idx, id",
        )
        .await
        .map_err(db_error)?;
    let rows = tx
        .query(
            &stmt,
            &[
                &document_id,
                &c.idx,
                &c.kind,
                &c.aggregate,
                &c.date_start,
                &c.date_end,
                &c.date_precision,
                &c.count_low,
                &c.count_high,
                &c.count_qualifier,
                &c.count_text,
                &c.perpetrator,
                &c.destination,
                &c.nationality_country,
                &c.nationality_group,
                &c.place_name,
                &c.place_country,
                &c.place_admin1,
                &c.place_lat,
                &c.place_lon,
                &c.place_precision,
                &c.women,
                &c.children,
                &c.n_persons,
            ],
        )
        .await
        .map_err(db_error)?;
    // RETURNING gives no order guarantee: key the new ids by claim index.
    let mut claim_ids = vec![None; records.len()];
    for row in &rows {
        let idx = from_i32(row.try_get(0).map_err(db_error)?, "claim index")?;
        let id: i64 = row.try_get(1).map_err(db_error)?;
        if let Some(slot) = claim_ids.get_mut(idx) {
            *slot = Some(id);
        }
    }
    let claim_ids = claim_ids
        .into_iter()
        .map(|id| id.ok_or_else(|| StoreError::Other("claim insert returned too few rows".to_owned())))
        .collect::<Result<Vec<i64>, _>>()?;

    let (mut ids, mut idxs, mut names) = (Vec::new(), Vec::new(), Vec::new());
    let (mut e_ids, mut e_idxs, mut starts, mut ends, mut texts) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (claim, &claim_id) in records.iter().zip(&claim_ids) {
        for (idx, source) in claim.sources.iter().enumerate() {
            ids.push(claim_id);
            idxs.push(to_i32(idx, "source index")?);
            names.push(source.as_str());
        }
        for (idx, evidence) in claim.evidence.iter().enumerate() {
            e_ids.push(claim_id);
            e_idxs.push(to_i32(idx, "evidence index")?);
            starts.push(to_i64(evidence.start));
            ends.push(to_i64(evidence.end));
            texts.push(evidence.text.as_str());
        }
    }
    if !ids.is_empty() {
        let stmt = tx
            .prepare_cached(
                "INSERT INTO claim_sources (claim_id, idx, name)
                 SELECT * FROM unnest($1::int8[], $2::int4[], $3::text[])",
            )
            .await
            .map_err(db_error)?;
        tx.execute(&stmt, &[&ids, &idxs, &names]).await.map_err(db_error)?;
    }
    if !e_ids.is_empty() {
        let stmt = tx
            .prepare_cached(
                "INSERT INTO claim_evidence (claim_id, idx, start_byte, end_byte, text)
                 SELECT * FROM unnest($1::int8[], $2::int4[], $3::int8[], $4::int8[], $5::text[])",
            )
            .await
            .map_err(db_error)?;
        tx.execute(&stmt, &[&e_ids, &e_idxs, &starts, &ends, &texts]).await.map_err(db_error)?;
    }
    Ok(claim_ids)
}

/// Claim fields as column arrays, for one `unnest` insert.
#[derive(Default)]
struct ClaimColumns {
    idx: Vec<i32>,
    kind: Vec<String>,
    aggregate: Vec<bool>,
    date_start: Vec<Option<String>>,
    date_end: Vec<Option<String>>,
    date_precision: Vec<String>,
    count_low: Vec<Option<i64>>,
    count_high: Vec<Option<i64>>,
    count_qualifier: Vec<String>,
    count_text: Vec<String>,
    perpetrator: Vec<Option<String>>,
    destination: Vec<Option<String>>,
    nationality_country: Vec<Option<String>>,
    nationality_group: Vec<Option<String>>,
    place_name: Vec<Option<String>>,
    place_country: Vec<Option<String>>,
    place_admin1: Vec<Option<String>>,
    place_lat: Vec<Option<f64>>,
    place_lon: Vec<Option<f64>>,
    place_precision: Vec<Option<String>>,
    women: Vec<Option<bool>>,
    children: Vec<Option<bool>>,
    n_persons: Vec<i32>,
}

/// Completes claim rows with their sources and evidence (two queries for all of them).
async fn claim_records(
    client: &impl GenericClient,
    rows: Vec<ClaimPgRow>,
) -> Result<Vec<ClaimRecord>, StoreError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut sources: HashMap<i64, Vec<String>> = HashMap::new();
    for row in client
        .query(
            "SELECT claim_id, name FROM claim_sources WHERE claim_id = ANY($1) ORDER BY claim_id, idx",
            &[&ids],
        )
        .await
        .map_err(db_error)?
    {
        sources.entry(row.try_get(0).map_err(db_error)?).or_default().push(row.try_get(1).map_err(db_error)?);
    }
    let mut evidence: HashMap<i64, Vec<Evidence>> = HashMap::new();
    for row in client
        .query(
            "SELECT claim_id, start_byte, end_byte, text FROM claim_evidence WHERE claim_id = ANY($1)
             ORDER BY claim_id, idx",
            &[&ids],
        )
        .await
        .map_err(db_error)?
    {
        evidence.entry(row.try_get(0).map_err(db_error)?).or_default().push(Evidence {
            start: from_i64(row.try_get(1).map_err(db_error)?, "evidence start")?,
            end: from_i64(row.try_get(2).map_err(db_error)?, "evidence end")?,
            text: row.try_get(3).map_err(db_error)?,
        });
    }
    rows.into_iter()
        .map(|row| {
            let id = row.id;
            row.into_record(sources.remove(&id).unwrap_or_default(), evidence.remove(&id).unwrap_or_default())
        })
        .collect()
}

/// The claim columns in the order `ClaimPgRow::from_row` reads them, for a table aliased `c`.
const CLAIM_COLUMNS: &str = "c.id, c.idx, c.kind, c.aggregate, c.date_start, c.date_end, c.date_precision,
    c.count_low, c.count_high, c.count_qualifier, c.count_text, c.perpetrator, c.destination,
    c.nationality_country, c.nationality_group, c.place_name, c.place_country, c.place_admin1, c.place_lat,
    c.place_lon, c.place_precision, c.women, c.children, c.n_persons";

/// A `claims` row as PostgreSQL holds it, before decoding into domain values.
struct ClaimPgRow {
    id: i64,
    idx: i32,
    columns: store::ClaimColumns,
}

impl ClaimPgRow {
    fn from_row(row: &Row, first: usize) -> Result<ClaimPgRow, StoreError> {
        let mut i = first;
        let mut next = || {
            i += 1;
            i - 1
        };
        macro_rules! get {
            () => {
                row.try_get(next()).map_err(db_error)?
            };
        }
        Ok(ClaimPgRow {
            id: get!(),
            idx: get!(),
            columns: store::ClaimColumns {
                kind: get!(),
                aggregate: get!(),
                date_start: get!(),
                date_end: get!(),
                date_precision: get!(),
                count_low: get!(),
                count_high: get!(),
                count_qualifier: get!(),
                count_text: get!(),
                perpetrator: get!(),
                destination: get!(),
                nationality_country: get!(),
                nationality_group: get!(),
                place_name: get!(),
                place_country: get!(),
                place_admin1: get!(),
                place_lat: get!(),
                place_lon: get!(),
                place_precision: get!(),
                women: get!(),
                children: get!(),
                n_persons: {
                    let n: i32 = get!();
                    i64::from(n)
                },
            },
        })
    }

    fn into_record(self, sources: Vec<String>, evidence: Vec<Evidence>) -> Result<ClaimRecord, StoreError> {
        self.columns.into_record(sources, evidence)
    }
}

/// Maps a driver error into the store's vocabulary. Only PostgreSQL's message is kept, never
/// its detail (which may quote row content).
fn db_error(err: tokio_postgres::Error) -> StoreError {
    let Some(db) = err.as_db_error() else {
        // No server error: the connection failed or closed, or a value did not convert.
        let message = match std::error::Error::source(&err) {
            Some(source) => format!("{err}: {source}"),
            None => err.to_string(),
        };
        return if err.is_closed() || message.contains("error connecting") || message.contains("timed out") {
            StoreError::Unavailable(message)
        } else if message.contains("error deserializing") || message.contains("unexpected null") {
            StoreError::Corrupt(message)
        } else {
            StoreError::Other(message)
        };
    };
    let message = format!("{} ({})", db.message(), db.code().code());
    let code = db.code();
    if *code == SqlState::UNIQUE_VIOLATION
        || *code == SqlState::FOREIGN_KEY_VIOLATION
        || *code == SqlState::CHECK_VIOLATION
        || *code == SqlState::NOT_NULL_VIOLATION
        || *code == SqlState::EXCLUSION_VIOLATION
    {
        StoreError::Conflict(message)
    } else if *code == SqlState::T_R_SERIALIZATION_FAILURE
        || *code == SqlState::T_R_DEADLOCK_DETECTED
        || *code == SqlState::LOCK_NOT_AVAILABLE
        || *code == SqlState::TOO_MANY_CONNECTIONS
        || *code == SqlState::CANNOT_CONNECT_NOW
        || *code == SqlState::ADMIN_SHUTDOWN
        || *code == SqlState::CRASH_SHUTDOWN
        || *code == SqlState::DISK_FULL
        || *code == SqlState::QUERY_CANCELED
        || *code == SqlState::INVALID_PASSWORD
        || *code == SqlState::INVALID_AUTHORIZATION_SPECIFICATION
        || *code == SqlState::INVALID_CATALOG_NAME
        || *code == SqlState::READ_ONLY_SQL_TRANSACTION
    {
        StoreError::Unavailable(message)
    } else if *code == SqlState::DATA_CORRUPTED || *code == SqlState::INDEX_CORRUPTED {
        StoreError::Corrupt(message)
    } else if *code == SqlState::UNDEFINED_TABLE || *code == SqlState::UNDEFINED_COLUMN {
        StoreError::Incompatible(message)
    } else {
        StoreError::Other(message)
    }
}

/// The first connection's failure, with what TLS had to do with it.
fn connect_error(err: StoreError, url: &DatabaseUrl) -> StoreError {
    let message = match &err {
        StoreError::Unavailable(message) | StoreError::Other(message) => message.clone(),
        _ => return err,
    };
    let mode = url.tls.mode;
    if message.contains("server does not support TLS") {
        return StoreError::Unavailable(format!(
            "{url} does not accept TLS connections, and sslmode={mode} refuses a plain one (enable \
             ssl on the server, or use sslmode=disable on a trusted network)"
        ));
    }
    if message.contains("TLS") || message.contains("certificate") {
        let signed_by = match &url.tls.root_cert {
            Some(RootCerts::File(path)) => format!("a CA in {}", path.display()),
            _ => "a CA the system trusts (or name the CA's file with sslrootcert=FILE)".to_owned(),
        };
        let hint = match url.tls.cert_check() {
            tls::CertCheck::Full => format!(
                " (the server's certificate must be signed by {signed_by} and name the host connected to)"
            ),
            tls::CertCheck::Chain => format!(" (the server's certificate must be signed by {signed_by})"),
            tls::CertCheck::None => String::new(),
        };
        return StoreError::Unavailable(format!(
            "TLS connection to {url} failed (sslmode={mode}): {message}{hint}"
        ));
    }
    err
}

fn pool_error(err: PoolError) -> StoreError {
    match err {
        PoolError::Backend(err) => db_error(err),
        other => StoreError::Unavailable(format!("no database connection: {other}")),
    }
}

/// Lengths and indices always fit: they are far below `i64::MAX`.
fn to_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn to_i32(n: usize, what: &str) -> Result<i32, StoreError> {
    i32::try_from(n).map_err(|_| StoreError::InvalidInput(format!("{what} {n} is too large to store")))
}

fn from_i32(n: i32, what: &str) -> Result<usize, StoreError> {
    usize::try_from(n).map_err(|_| StoreError::Corrupt(format!("negative {what}: {n}")))
}

fn parse_hash(hex: &str) -> Result<ContentHash, StoreError> {
    ContentHash::from_str(hex).map_err(|err| StoreError::Corrupt(err.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_debug_and_display_hide_the_password() {
        let url =
            DatabaseUrl::parse("postgres://alice:s3cret-pw@db.example:5433/refwatch?options=-cfoo%3Dbar")
                .expect("parse");
        for shown in [format!("{url:?}"), url.to_string()] {
            assert!(!shown.contains("s3cret-pw"), "{shown}");
            assert!(shown.contains("alice@db.example:5433/refwatch"), "{shown}");
        }
        assert_eq!(url.expose(), "postgres://alice:s3cret-pw@db.example:5433/refwatch?options=-cfoo%3Dbar");
    }

    #[test]
    fn malformed_url_error_does_not_echo_it() {
        let err = DatabaseUrl::parse("postgres://bob:hunter2@host:notaport/db").expect_err("bad port");
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }

    #[test]
    fn postgres_urls_are_recognised() {
        assert!(DatabaseUrl::is_postgres_url("postgres://h/db"));
        assert!(DatabaseUrl::is_postgres_url("PostgreSQL://h/db"));
        assert!(!DatabaseUrl::is_postgres_url("refwatch.db"));
        assert!(!DatabaseUrl::is_postgres_url("./postgres/refwatch.db"));
    }

    #[test]
    fn unreachable_server_is_unavailable() {
        // Port 1 on localhost refuses connections.
        let url =
            DatabaseUrl::parse("postgres://postgres@127.0.0.1:1/test?connect_timeout=2").expect("parse");
        assert!(matches!(PostgresStore::connect(&url), Err(StoreError::Unavailable(_))));
    }
}
