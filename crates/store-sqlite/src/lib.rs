//! `store-sqlite`: the embedded default [`Store`]: one SQLite file.
//!
//! The connection runs in WAL mode with `synchronous = NORMAL` and foreign keys on. In WAL mode
//! `NORMAL` never corrupts the database and never loses a committed transaction when the
//! *process* dies (kill -9 included): commits are in the WAL file, which SQLite replays on the
//! next open. Only a power loss or OS crash can roll back the last few commits, which for ingest
//! means a rerun stores those pages again. `FULL` would fsync every commit, costing most of the
//! write throughput for protection this workload does not need.
//!
//! Schema changes are append-only numbered migrations in `migrations/NNNN_name.sql`, embedded at
//! build time, each applied once in its own transaction and recorded in `schema_migrations`.
//!
//! **Boundary:** rusqlite types and SQL stay in this crate. Rows are read through private wrapper
//! types and converted into `store` row types; driver errors are mapped into [`StoreError`].

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use domain::{
    Article, BoilerplateKind, ClaimKind, ContentHash, CountryCode, DateSource, Evidence, NaiveDate,
    Nationality, RawPage, RemovedBlock,
};
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};
use store::audit::{AuditMac, Digest, MacSlot, decision_digest, key_digest};
use store::{
    Actor, AuditEntry, ClaimFilter, ClaimRecord, ClaimRow, Counts, DecisionRecord, DocumentSummary, KeyKind,
    KeyRecord, LinkTarget, NewDecision, NewDocument, NewKey, NewPerson, PersonRow, PutOutcome, Store,
    StoreError, StoredDocument,
};
use store::{ApiTokenRecord, BackupSink, BackupSource, BackupStats, NewUser, UserChange, UserRecord};
use store::{DocumentIndex, SealedText, SearchRow, Signature};
use store::{parse_stored as parse_enum, stored_count as from_i64};

mod backup;
mod users;

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

/// zstd level for raw pages: fast to write, and pages of text compress well even at low levels.
const ZSTD_LEVEL: i32 = 3;

/// How long a connection waits for another writer's lock before reporting `Unavailable`.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// How the connection journals writes: WAL for files; in-memory databases cannot use WAL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Journal {
    Wal,
    Memory,
}

struct Migration {
    version: i64,
    name: &'static str,
    sql: &'static str,
}

/// A refwatch store in one SQLite file.
pub struct SqliteStore {
    conn: Connection,
    /// MACs the audit entries this store appends (see `Store::set_audit_mac`).
    audit_mac: MacSlot,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").field("path", &self.conn.path()).finish()
    }
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and applies pending migrations. A new
    /// file is created readable by its owner only (0600, whatever the umask); SQLite gives the
    /// `-wal` and `-shm` files the database file's mode.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        create_private(path)?;
        let conn = Connection::open(path).map_err(db_error)?;
        SqliteStore::setup(conn, Journal::Wal)
    }

    /// A private in-memory database, for tests.
    pub fn open_in_memory() -> Result<SqliteStore, StoreError> {
        let conn = Connection::open_in_memory().map_err(db_error)?;
        SqliteStore::setup(conn, Journal::Memory)
    }

    fn setup(conn: Connection, journal: Journal) -> Result<SqliteStore, StoreError> {
        conn.busy_timeout(BUSY_TIMEOUT).map_err(db_error)?;
        if journal == Journal::Wal {
            let mode: String = conn
                .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
                .map_err(db_error)?;
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(StoreError::Unavailable(format!(
                    "cannot switch to WAL mode (journal mode is {mode})"
                )));
            }
        }
        conn.pragma_update(None, "synchronous", "NORMAL").map_err(db_error)?;
        conn.pragma_update(None, "foreign_keys", "ON").map_err(db_error)?;
        // Deleted and overwritten content (old sealed rows, replaced pages) is zeroed, not left
        // in free pages for anyone who copies the file.
        conn.pragma_update(None, "secure_delete", "ON").map_err(db_error)?;
        let mut store = SqliteStore { conn, audit_mac: MacSlot::default() };
        store.migrate()?;
        Ok(store)
    }

    /// The highest applied migration.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        self.conn
            .query_row("SELECT coalesce(max(version), 0) FROM schema_migrations", [], |row| row.get(0))
            .map_err(db_error)
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        self.conn
            .execute_batch(
                "CREATE TABLE IF NOT EXISTS schema_migrations (
                     version    INTEGER PRIMARY KEY,
                     name       TEXT    NOT NULL,
                     applied_at INTEGER NOT NULL
                 ) STRICT;",
            )
            .map_err(db_error)?;
        let known = MIGRATIONS.last().map_or(0, |m| m.version);
        for migration in MIGRATIONS {
            // IMMEDIATE takes the write lock first, so two processes opening a fresh file at
            // once apply each migration exactly once.
            let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db_error)?;
            let current: i64 = tx
                .query_row("SELECT coalesce(max(version), 0) FROM schema_migrations", [], |row| row.get(0))
                .map_err(db_error)?;
            if current > known {
                return Err(StoreError::Incompatible(format!(
                    "database schema version {current} is newer than this refwatch knows ({known})"
                )));
            }
            if current >= migration.version {
                continue;
            }
            tx.execute_batch(migration.sql).map_err(db_error)?;
            tx.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, unixepoch())",
                params![migration.version, migration.name],
            )
            .map_err(db_error)?;
            tx.commit().map_err(db_error)?;
        }
        Ok(())
    }

    fn page_id_by_prefix(&self, prefix: &str) -> Result<(i64, String), StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, hash FROM pages WHERE hash >= ?1 AND hash < ?1 || 'g' ORDER BY hash LIMIT 2",
            )
            .map_err(db_error)?;
        let found: Vec<(i64, String)> = stmt
            .query_map([prefix], |row| Ok((row.get(0)?, row.get(1)?)))
            .map_err(db_error)?
            .collect::<Result<_, _>>()
            .map_err(db_error)?;
        match found.as_slice() {
            [] => Err(StoreError::NotFound(format!("no document matches {prefix:?}"))),
            [one] => Ok(one.clone()),
            _ => {
                let matches: i64 = self
                    .conn
                    .query_row(
                        "SELECT count(*) FROM pages WHERE hash >= ?1 AND hash < ?1 || 'g'",
                        [prefix],
                        |row| row.get(0),
                    )
                    .map_err(db_error)?;
                Err(StoreError::Ambiguous {
                    prefix: prefix.to_owned(),
                    matches: usize::try_from(matches).unwrap_or(2),
                })
            }
        }
    }

    fn claim_details(&self, row: ClaimSqlRow) -> Result<ClaimRecord, StoreError> {
        let mut sources = self
            .conn
            .prepare_cached("SELECT name FROM claim_sources WHERE claim_id = ?1 ORDER BY idx")
            .map_err(db_error)?;
        let sources: Vec<String> = sources
            .query_map([row.id], |r| r.get(0))
            .map_err(db_error)?
            .collect::<Result<_, _>>()
            .map_err(db_error)?;
        let mut evidence = self
            .conn
            .prepare_cached(
                "SELECT start_byte, end_byte, text FROM claim_evidence WHERE claim_id = ?1 ORDER BY idx",
            )
            .map_err(db_error)?;
        let evidence: Vec<EvidenceSqlRow> = evidence
            .query_map([row.id], EvidenceSqlRow::from_row)
            .map_err(db_error)?
            .collect::<Result<_, _>>()
            .map_err(db_error)?;
        let evidence = evidence.into_iter().map(EvidenceSqlRow::into_evidence).collect::<Result<_, _>>()?;
        row.into_record(sources, evidence)
    }
}

impl Store for SqliteStore {
    fn has_page(&self, hash: &ContentHash) -> Result<bool, StoreError> {
        let mut stmt = self.conn.prepare_cached("SELECT 1 FROM pages WHERE hash = ?1").map_err(db_error)?;
        stmt.exists([hash.to_hex()]).map_err(db_error)
    }

    fn put_document_indexed(
        &mut self,
        document: &NewDocument<'_>,
        index: &DocumentIndex,
    ) -> Result<PutOutcome, StoreError> {
        let page = document.page;
        let hash = page.hash.to_hex();
        // Compress before taking the write lock, to keep the transaction short.
        let compressed = zstd::bulk::compress(&page.bytes, ZSTD_LEVEL)
            .map_err(|err| StoreError::Other(format!("cannot compress page {hash}: {err}")))?;
        let article: &Article = document.article;

        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db_error)?;
        let exists =
            tx.prepare_cached("SELECT 1 FROM pages WHERE hash = ?1").and_then(|mut s| s.exists([&hash]));
        if exists.map_err(db_error)? {
            return Ok(PutOutcome::AlreadyStored);
        }
        tx.prepare_cached(
            "INSERT INTO pages (hash, url, source_path, size, compression, bytes, ingested_at)
             VALUES (?1, ?2, ?3, ?4, 'zstd', ?5, ?6)",
        )
        .and_then(|mut s| {
            s.execute(params![
                hash,
                page.url,
                document.source_path,
                to_i64(page.bytes.len()),
                compressed,
                document.ingested_at
            ])
        })
        .map_err(db_error)?;
        let page_id = tx.last_insert_rowid();
        tx.prepare_cached(
            "INSERT INTO documents (page_id, pipeline_version, title, author, published, published_from, language,
                                    text, n_claims)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )
        .and_then(|mut s| {
            s.execute(params![
                page_id,
                document.pipeline_version,
                article.title,
                article.author,
                article.published.map(|d| d.format("%Y-%m-%d").to_string()),
                article.published_from.map(DateSource::as_str),
                article.language,
                article.text,
                to_i64(document.claims.len()),
            ])
        })
        .map_err(db_error)?;
        let document_id = tx.last_insert_rowid();
        {
            let mut stmt = tx
                .prepare_cached(
                    "INSERT INTO removed_blocks (document_id, idx, kind, text) VALUES (?1, ?2, ?3, ?4)",
                )
                .map_err(db_error)?;
            for (idx, block) in article.removed.iter().enumerate() {
                stmt.execute(params![document_id, to_i64(idx), block.kind.as_str(), block.text])
                    .map_err(db_error)?;
            }
        }
        let mut claim_ids = Vec::with_capacity(document.claims.len());
        for (idx, claim) in document.claims.iter().enumerate() {
            // Persons' names are dropped here: only their number is stored (see `store` docs).
            let record = ClaimRecord::from_claim(claim);
            claim_ids.push(insert_claim(&tx, document_id, idx, &record)?);
        }
        let mut digest = Digest::new("ingest");
        digest
            .field(hash.as_bytes())
            .field(document.pipeline_version.as_bytes())
            .field(article.text.as_bytes());
        digest.number(to_i64(document.claims.len()));
        put_index(&tx, document_id, index, &mut digest)?;
        let mut objects = format!("document:{hash}");
        for entry in document.persons {
            insert_person(&tx, &entry.person, document.ingested_at)?;
            digest.number(entry.person.id).field(&entry.person.sealed);
            objects.push_str(&format!(" person:{}", entry.person.id));
            for &idx in &entry.claim_idx {
                let claim_id = *claim_ids.get(idx).ok_or_else(|| {
                    StoreError::InvalidInput(format!("person linked to missing claim {idx}"))
                })?;
                tx.execute(
                    "INSERT INTO person_links (person_id, document_id, claim_id) VALUES (?1, ?2, ?3)",
                    params![entry.person.id, document_id, claim_id],
                )
                .map_err(db_error)?;
                digest.number(to_i64(idx));
            }
        }
        let actor = Actor { name: document.actor, at: document.ingested_at };
        append_audit(&tx, self.audit_mac.get().as_deref(), actor, "ingest", &objects, &digest)?;
        tx.commit().map_err(db_error)?;
        Ok(PutOutcome::Inserted)
    }

    fn sealed_text(&self, hash: &ContentHash) -> Result<Option<SealedText>, StoreError> {
        self.conn
            .query_row(
                "SELECT s.text_key, s.page, s.article
                 FROM sealed_texts s JOIN documents d ON d.id = s.document_id JOIN pages p ON p.id = d.page_id
                 WHERE p.hash = ?1 AND d.id = (SELECT max(id) FROM documents WHERE page_id = p.id)",
                [hash.to_hex()],
                |r| Ok(SealedText { text_key: r.get(0)?, page: r.get(1)?, article: r.get(2)? }),
            )
            .optional()
            .map_err(db_error)
    }

    fn signatures(&self) -> Result<Vec<(ContentHash, Signature)>, StoreError> {
        let rows: Vec<(String, bool, Vec<u8>)> = self
            .conn
            .prepare_cached(
                "SELECT p.hash, s.keyed, s.signature
                 FROM document_signatures s JOIN documents d ON d.id = s.document_id JOIN pages p ON p.id = d.page_id
                 WHERE d.id = (SELECT max(id) FROM documents WHERE page_id = p.id)
                 ORDER BY d.id",
            )
            .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect())
            .map_err(db_error)?;
        rows.into_iter()
            .map(|(hash, keyed, bytes)| Ok((parse_hash(&hash)?, Signature { keyed, bytes })))
            .collect()
    }

    fn search(&self, terms: &[String], limit: usize) -> Result<Vec<SearchRow>, StoreError> {
        let terms = store::search::checked_terms(terms)?;
        let mut matches: std::collections::HashMap<i64, usize> = std::collections::HashMap::new();
        let mut stmt = self
            .conn
            .prepare_cached("SELECT rowid FROM search_fts WHERE search_fts MATCH ?1")
            .map_err(db_error)?;
        for term in &terms {
            // A quoted string is one term to FTS5, never query syntax.
            let ids: Vec<i64> = stmt
                .query_map([format!("\"{term}\"")], |r| r.get(0))
                .and_then(|rows| rows.collect())
                .map_err(db_error)?;
            for id in ids {
                *matches.entry(id).or_default() += 1;
            }
        }
        // One query for every matched document (a common word can match them all), not one each.
        let ids = format!("[{}]", matches.keys().map(|id| id.to_string()).collect::<Vec<_>>().join(","));
        let mut current = self
            .conn
            .prepare_cached(
                "SELECT d.id, p.hash, d.published FROM documents d JOIN pages p ON p.id = d.page_id
                 WHERE d.id IN (SELECT value FROM json_each(?1))
                   AND d.id = (SELECT max(id) FROM documents WHERE page_id = p.id)",
            )
            .map_err(db_error)?;
        let rows: Vec<(i64, String, Option<String>)> = current
            .query_map([ids], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .and_then(|rows| rows.collect())
            .map_err(db_error)?;
        let mut hits = Vec::with_capacity(rows.len());
        for (id, hash, published) in rows {
            let published = published
                .map(|d| {
                    NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                        .map_err(|err| StoreError::Corrupt(format!("document date {d:?}: {err}")))
                })
                .transpose()?;
            let n = matches.get(&id).copied().unwrap_or(0);
            hits.push(SearchRow { hash: parse_hash(&hash)?, published, matches: n });
        }
        Ok(store::search::rank(hits, limit))
    }

    fn get_page(&self, hash: &ContentHash) -> Result<RawPage, StoreError> {
        let hex = hash.to_hex();
        let row = self
            .conn
            .query_row(
                "SELECT url, size, compression, bytes FROM pages WHERE hash = ?1",
                [&hex],
                PageSqlRow::from_row,
            )
            .optional()
            .map_err(db_error)?
            .ok_or_else(|| StoreError::NotFound(format!("page {hex}")))?;
        row.into_page(hash)
    }

    fn list_claims(&self, filter: &ClaimFilter) -> Result<Vec<ClaimRow>, StoreError> {
        let prefix = filter.document_prefix.as_deref().map(store::normalise_prefix).transpose()?;
        let limit = filter.limit.map_or(-1, to_i64);
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT p.hash, d.title, {CLAIM_COLUMNS}
                 FROM claims c JOIN documents d ON d.id = c.document_id JOIN pages p ON p.id = d.page_id
                 WHERE d.id = (SELECT max(id) FROM documents WHERE page_id = p.id)
                   AND (?1 IS NULL OR c.kind = ?1)
                   AND (?2 IS NULL OR (p.hash >= ?2 AND p.hash < ?2 || 'g'))
                 ORDER BY d.id, c.idx
                 LIMIT ?3"
            ))
            .map_err(db_error)?;
        let rows: Vec<(String, Option<String>, ClaimSqlRow)> = stmt
            .query_map(params![filter.kind.map(ClaimKind::as_str), prefix, limit], |row| {
                Ok((row.get(0)?, row.get(1)?, ClaimSqlRow::from_row(row, 2)?))
            })
            .map_err(db_error)?
            .collect::<Result<_, _>>()
            .map_err(db_error)?;
        rows.into_iter()
            .map(|(hash, title, row)| {
                let claim_idx = from_i64(row.idx, "claim index")?;
                Ok(ClaimRow {
                    document_hash: parse_hash(&hash)?,
                    document_title: title,
                    claim_idx,
                    claim: self.claim_details(row)?,
                })
            })
            .collect()
    }

    fn list_documents(&self) -> Result<Vec<DocumentSummary>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT p.hash, d.title, d.published, p.source_path, d.n_claims
                 FROM documents d JOIN pages p ON p.id = d.page_id
                 WHERE d.id = (SELECT max(id) FROM documents WHERE page_id = p.id)
                 ORDER BY d.id",
            )
            .map_err(db_error)?;
        let rows: Vec<SummarySqlRow> = stmt
            .query_map([], SummarySqlRow::from_row)
            .map_err(db_error)?
            .collect::<Result<_, _>>()
            .map_err(db_error)?;
        rows.into_iter().map(SummarySqlRow::into_summary).collect()
    }

    fn get_document(&self, hash_or_prefix: &str) -> Result<StoredDocument, StoreError> {
        let prefix = store::normalise_prefix(hash_or_prefix)?;
        let (page_id, hash) = self.page_id_by_prefix(&prefix)?;
        let row = self
            .conn
            .query_row(
                "SELECT d.id, p.url, p.source_path, p.ingested_at, d.pipeline_version, p.size, d.title, d.author,
                        d.published, d.published_from, d.language, d.text
                 FROM documents d JOIN pages p ON p.id = d.page_id
                 WHERE d.page_id = ?1 ORDER BY d.id DESC LIMIT 1",
                [page_id],
                DocumentSqlRow::from_row,
            )
            .optional()
            .map_err(db_error)?
            .ok_or_else(|| StoreError::Corrupt(format!("page {hash} has no document")))?;

        let mut stmt = self
            .conn
            .prepare_cached("SELECT kind, text FROM removed_blocks WHERE document_id = ?1 ORDER BY idx")
            .map_err(db_error)?;
        let removed: Vec<(String, String)> = stmt
            .query_map([row.id], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(db_error)?
            .collect::<Result<_, _>>()
            .map_err(db_error)?;
        let removed = removed
            .into_iter()
            .map(|(kind, text)| Ok(RemovedBlock { kind: parse_enum::<BoilerplateKind>(&kind)?, text }))
            .collect::<Result<Vec<_>, StoreError>>()?;

        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {CLAIM_COLUMNS} FROM claims c WHERE c.document_id = ?1 ORDER BY c.idx"
            ))
            .map_err(db_error)?;
        let claim_rows: Vec<ClaimSqlRow> = stmt
            .query_map([row.id], |r| ClaimSqlRow::from_row(r, 0))
            .map_err(db_error)?
            .collect::<Result<_, _>>()
            .map_err(db_error)?;
        let claims = claim_rows.into_iter().map(|r| self.claim_details(r)).collect::<Result<Vec<_>, _>>()?;
        row.into_document(parse_hash(&hash)?, removed, claims)
    }

    fn counts(&self) -> Result<Counts, StoreError> {
        let count = |table: &str| -> Result<usize, StoreError> {
            let n: i64 = self
                .conn
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |row| row.get(0))
                .map_err(db_error)?;
            from_i64(n, "row count")
        };
        Ok(Counts { pages: count("pages")?, documents: count("documents")?, claims: count("claims")? })
    }

    fn add_decision(&mut self, decision: &NewDecision) -> Result<i64, StoreError> {
        let d = decision;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db_error)?;
        tx.execute(
            "INSERT INTO decisions (kind, claim, claim_evidence, other, other_evidence, field, value, actor, \
                 created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                d.kind,
                d.claim,
                d.claim_evidence,
                d.other,
                d.other_evidence,
                d.field,
                d.value,
                d.actor,
                d.created_at
            ],
        )
        .map_err(db_error)?;
        let id = tx.last_insert_rowid();
        let actor = Actor { name: &d.actor, at: d.created_at };
        append_audit(
            &tx,
            self.audit_mac.get().as_deref(),
            actor,
            "decision",
            &format!("decision:{id}"),
            &decision_digest(d),
        )?;
        tx.commit().map_err(db_error)?;
        Ok(id)
    }

    fn list_decisions(&self) -> Result<Vec<DecisionRecord>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, kind, claim, claim_evidence, other, other_evidence, field, value, actor, created_at \
                 FROM decisions ORDER BY id",
            )
            .map_err(db_error)?;
        let rows = stmt
            .query_map([], |row| {
                Ok(DecisionRecord {
                    id: row.get(0)?,
                    decision: NewDecision {
                        kind: row.get(1)?,
                        claim: row.get(2)?,
                        claim_evidence: row.get(3)?,
                        other: row.get(4)?,
                        other_evidence: row.get(5)?,
                        field: row.get(6)?,
                        value: row.get(7)?,
                        actor: row.get(8)?,
                        created_at: row.get(9)?,
                    },
                })
            })
            .map_err(db_error)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(db_error)
    }

    fn init_key(&mut self, key: &NewKey, actor: Actor<'_>) -> Result<i64, StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db_error)?;
        let exists =
            tx.prepare("SELECT 1 FROM data_keys").and_then(|mut s| s.exists([])).map_err(db_error)?;
        if exists {
            return Err(StoreError::Conflict("a data key is already stored (use `keys rotate`)".to_owned()));
        }
        let id = insert_key(&tx, key, actor.at)?;
        let digest = key_digest("key.init", id, key);
        append_audit(&tx, self.audit_mac.get().as_deref(), actor, "key.init", &format!("key:{id}"), &digest)?;
        tx.commit().map_err(db_error)?;
        Ok(id)
    }

    fn current_key(&self) -> Result<Option<KeyRecord>, StoreError> {
        let row = self
            .conn
            .query_row(
                "SELECT id, kind, wrapped, created_at FROM data_keys ORDER BY id DESC LIMIT 1",
                [],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, Vec<u8>>(2)?,
                        r.get::<_, i64>(3)?,
                    ))
                },
            )
            .optional()
            .map_err(db_error)?;
        row.map(|(id, kind, wrapped, created_at)| {
            let kind = KeyKind::parse(&kind)
                .ok_or_else(|| StoreError::Corrupt(format!("data key {id}: unknown kind {kind:?}")))?;
            Ok(KeyRecord { id, kind, wrapped, created_at })
        })
        .transpose()
    }

    fn rotate_key(
        &mut self,
        key: &NewKey,
        resealed: &[PersonRow],
        actor: Actor<'_>,
    ) -> Result<i64, StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db_error)?;
        let stored: Vec<(i64, i64)> = tx
            .prepare("SELECT id, version FROM persons ORDER BY id")
            .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
            .map_err(db_error)?;
        let mut given: Vec<(i64, i64)> = resealed.iter().map(|p| (p.id, p.version)).collect();
        given.sort_unstable();
        if stored != given {
            return Err(StoreError::Conflict(
                "case files changed during rotation, or not all were re-sealed".to_owned(),
            ));
        }
        let id = insert_key(&tx, key, actor.at)?;
        // Retired keys keep their row (id, kind, time) but not their wrapped bytes, so that the old
        // passphrase or key file unwraps nothing in the database from now on.
        tx.execute("UPDATE data_keys SET wrapped = x'' WHERE id <> ?1", params![id]).map_err(db_error)?;
        let mut digest = key_digest("key.rotate", id, key);
        for person in resealed {
            tx.execute(
                "UPDATE persons SET key_id = ?1, sealed = ?2 WHERE id = ?3 AND version = ?4",
                params![id, person.sealed, person.id, person.version],
            )
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
        )?;
        tx.commit().map_err(db_error)?;
        Ok(id)
    }

    fn reserve_person_ids(&mut self, n: usize) -> Result<Vec<i64>, StoreError> {
        let n = to_i64(n);
        let next: i64 = self
            .conn
            .query_row(
                "UPDATE id_reservations SET next = next + ?1 WHERE name = 'persons' RETURNING next - ?1",
                [n],
                |r| r.get(0),
            )
            .map_err(db_error)?;
        Ok((next..next + n).collect())
    }

    fn add_person(&mut self, person: &NewPerson, actor: Actor<'_>) -> Result<(), StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db_error)?;
        insert_person(&tx, person, actor.at)?;
        let mut digest = Digest::new("person.add");
        digest.number(person.id).number(person.key_id).field(&person.sealed);
        append_audit(
            &tx,
            self.audit_mac.get().as_deref(),
            actor,
            "person.add",
            &format!("person:{}", person.id),
            &digest,
        )?;
        tx.commit().map_err(db_error)
    }

    fn get_person(&self, id: i64) -> Result<PersonRow, StoreError> {
        self.conn
            .query_row("SELECT id, version, key_id, sealed FROM persons WHERE id = ?1", [id], person_row)
            .optional()
            .map_err(db_error)?
            .ok_or_else(|| StoreError::NotFound(format!("person {id}")))
    }

    fn list_persons(&self) -> Result<Vec<PersonRow>, StoreError> {
        self.conn
            .prepare("SELECT id, version, key_id, sealed FROM persons ORDER BY id")
            .and_then(|mut s| s.query_map([], person_row)?.collect())
            .map_err(db_error)
    }

    fn link_person(
        &mut self,
        person_id: i64,
        target: &LinkTarget,
        actor: Actor<'_>,
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db_error)?;
        let person =
            tx.prepare("SELECT 1 FROM persons WHERE id = ?1").and_then(|mut s| s.exists([person_id]));
        if !person.map_err(db_error)? {
            return Err(StoreError::NotFound(format!("person {person_id}")));
        }
        let (hash, claim_idx) = match target {
            LinkTarget::Document(hash) => (hash.to_hex(), None),
            LinkTarget::Claim { document, claim_idx } => (document.to_hex(), Some(to_i64(*claim_idx))),
        };
        let document_id: i64 = tx
            .query_row(
                "SELECT max(d.id) FROM documents d JOIN pages p ON p.id = d.page_id WHERE p.hash = ?1",
                [&hash],
                |r| r.get::<_, Option<i64>>(0),
            )
            .map_err(db_error)?
            .ok_or_else(|| StoreError::NotFound(format!("document {hash}")))?;
        let claim_id: Option<i64> = match claim_idx {
            None => None,
            Some(idx) => Some(
                tx.query_row(
                    "SELECT id FROM claims WHERE document_id = ?1 AND idx = ?2",
                    [document_id, idx],
                    |r| r.get(0),
                )
                .optional()
                .map_err(db_error)?
                .ok_or_else(|| StoreError::NotFound(format!("claim {idx} of document {hash}")))?,
            ),
        };
        tx.execute(
            "INSERT INTO person_links (person_id, document_id, claim_id) VALUES (?1, ?2, ?3)",
            params![person_id, document_id, claim_id],
        )
        .map_err(db_error)?;
        let mut digest = Digest::new("person.link");
        digest.number(person_id).field(hash.as_bytes()).number(claim_idx.unwrap_or(-1));
        let objects = match claim_idx {
            Some(idx) => format!("person:{person_id} claim:{hash}:{idx}"),
            None => format!("person:{person_id} document:{hash}"),
        };
        append_audit(&tx, self.audit_mac.get().as_deref(), actor, "person.link", &objects, &digest)?;
        tx.commit().map_err(db_error)
    }

    fn person_links(&self, person_id: i64) -> Result<Vec<LinkTarget>, StoreError> {
        let rows: Vec<(String, Option<i64>)> = self
            .conn
            .prepare(
                "SELECT p.hash, c.idx FROM person_links l JOIN documents d ON d.id = l.document_id
                 JOIN pages p ON p.id = d.page_id LEFT JOIN claims c ON c.id = l.claim_id
                 WHERE l.person_id = ?1 ORDER BY l.id",
            )
            .and_then(|mut s| s.query_map([person_id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
            .map_err(db_error)?;
        rows.into_iter()
            .map(|(hash, idx)| {
                let document = parse_hash(&hash)?;
                Ok(match idx {
                    Some(idx) => LinkTarget::Claim { document, claim_idx: from_i64(idx, "claim index")? },
                    None => LinkTarget::Document(document),
                })
            })
            .collect()
    }

    fn audit_log(&self) -> Result<Vec<AuditEntry>, StoreError> {
        self.conn
            .prepare(
                "SELECT seq, at, actor, action, objects, digest, prev_hash, hash, mac FROM audit_log ORDER BY seq",
            )
            .and_then(|mut s| {
                s.query_map([], |r| {
                    Ok(AuditEntry {
                        seq: r.get(0)?,
                        at: r.get(1)?,
                        actor: r.get(2)?,
                        action: r.get(3)?,
                        objects: r.get(4)?,
                        digest: r.get(5)?,
                        prev_hash: r.get(6)?,
                        hash: r.get(7)?,
                        mac: r.get(8)?,
                    })
                })?
                .collect()
            })
            .map_err(db_error)
    }

    fn audit_head(&self) -> Result<(i64, String), StoreError> {
        self.conn
            .query_row("SELECT seq, hash FROM audit_head WHERE one = 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
            .map_err(db_error)?
            .ok_or_else(|| StoreError::Corrupt("the audit log has no head".to_owned()))
    }

    fn set_audit_mac(&self, mac: Option<Arc<dyn AuditMac>>) -> bool {
        self.audit_mac.set(mac);
        true
    }

    fn add_user(&mut self, user: &NewUser, actor: Actor<'_>) -> Result<i64, StoreError> {
        users::add_user(&mut self.conn, self.audit_mac.get().as_deref(), user, actor)
    }

    fn get_user(&self, name: &str) -> Result<Option<UserRecord>, StoreError> {
        users::get_user(&self.conn, name)
    }

    fn list_users(&self) -> Result<Vec<UserRecord>, StoreError> {
        users::list_users(&self.conn)
    }

    fn update_user(&mut self, name: &str, change: &UserChange, actor: Actor<'_>) -> Result<(), StoreError> {
        users::update_user(&mut self.conn, self.audit_mac.get().as_deref(), name, change, actor)
    }

    fn add_api_token(
        &mut self,
        user: &str,
        token_hash: &str,
        label: &str,
        actor: Actor<'_>,
    ) -> Result<i64, StoreError> {
        users::add_api_token(&mut self.conn, self.audit_mac.get().as_deref(), user, token_hash, label, actor)
    }

    fn user_for_token(&self, token_hash: &str) -> Result<Option<UserRecord>, StoreError> {
        users::user_for_token(&self.conn, token_hash)
    }

    fn list_api_tokens(&self) -> Result<Vec<ApiTokenRecord>, StoreError> {
        users::list_api_tokens(&self.conn)
    }

    fn revoke_api_token(&mut self, id: i64, actor: Actor<'_>) -> Result<(), StoreError> {
        users::revoke_api_token(&mut self.conn, self.audit_mac.get().as_deref(), id, actor)
    }

    fn backup(&self, sink: &mut dyn BackupSink) -> Result<BackupStats, StoreError> {
        backup::backup(&self.conn, sink)
    }

    fn restore(&mut self, source: &mut dyn BackupSource) -> Result<BackupStats, StoreError> {
        backup::restore(&mut self.conn, source)
    }
}

/// Appends an audit entry and moves the head, inside the caller's transaction.
/// With `mac`, the entry also stores the MAC of its sequence number and hash.
fn append_audit(
    tx: &rusqlite::Transaction<'_>,
    mac: Option<&dyn AuditMac>,
    actor: Actor<'_>,
    action: &str,
    objects: &str,
    digest: &Digest,
) -> Result<(), StoreError> {
    let (last, prev): (i64, String) = tx
        .query_row("SELECT seq, hash FROM audit_head WHERE one = 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .map_err(db_error)?;
    let seq = last + 1;
    let digest = digest.hex();
    let hash = store::audit::entry_hash(seq, actor.at, actor.name, action, objects, &digest, &prev);
    let mac = mac.map(|mac| mac.mac(seq, &hash));
    tx.execute(
        "INSERT INTO audit_log (seq, at, actor, action, objects, digest, prev_hash, hash, mac)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![seq, actor.at, actor.name, action, objects, digest, prev, hash, mac],
    )
    .map_err(db_error)?;
    tx.execute("UPDATE audit_head SET seq = ?1, hash = ?2 WHERE one = 1", params![seq, hash])
        .map_err(db_error)?;
    Ok(())
}

fn insert_key(tx: &rusqlite::Transaction<'_>, key: &NewKey, at: i64) -> Result<i64, StoreError> {
    tx.execute(
        "INSERT INTO data_keys (kind, wrapped, created_at) VALUES (?1, ?2, ?3)",
        params![key.kind.as_str(), key.wrapped, at],
    )
    .map_err(db_error)?;
    Ok(tx.last_insert_rowid())
}

/// Writes what ingest derived from a document (sealed texts, signature, search terms) inside the
/// caller's transaction, and adds the sealed bytes to the audit digest.
fn put_index(
    tx: &rusqlite::Transaction<'_>,
    document_id: i64,
    index: &DocumentIndex,
    digest: &mut Digest,
) -> Result<(), StoreError> {
    if let Some(sealed) = &index.sealed {
        tx.execute(
            "INSERT INTO sealed_texts (document_id, text_key, page, article) VALUES (?1, ?2, ?3, ?4)",
            params![document_id, sealed.text_key, sealed.page, sealed.article],
        )
        .map_err(db_error)?;
        digest.number(sealed.text_key).field(&sealed.page).field(&sealed.article);
    }
    if let Some(signature) = &index.signature {
        tx.execute(
            "INSERT INTO document_signatures (document_id, keyed, signature) VALUES (?1, ?2, ?3)",
            params![document_id, signature.keyed, signature.bytes],
        )
        .map_err(db_error)?;
    }
    if !index.search_terms.is_empty() {
        let terms = store::search::checked_terms(&index.search_terms)?.join(" ");
        tx.execute(
            "INSERT INTO search_terms (document_id, terms) VALUES (?1, ?2)",
            params![document_id, terms],
        )
        .map_err(db_error)?;
    }
    Ok(())
}

/// Creates `path` as an empty file with mode 0600 when it does not exist yet (an empty file is an
/// empty SQLite database), so the database never exists with the umask's wider permissions.
fn create_private(path: &Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        let created = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path);
        match created {
            Ok(file) => file
                .set_permissions(std::fs::Permissions::from_mode(0o600))
                .map_err(|err| StoreError::Unavailable(format!("cannot restrict {}: {err}", path.display()))),
            // Exists already (or another process just created it): leave its mode alone.
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
            // Let SQLite report what is wrong with the path (missing folder, permissions).
            Err(_) => Ok(()),
        }
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(())
    }
}

fn insert_person(tx: &rusqlite::Transaction<'_>, person: &NewPerson, at: i64) -> Result<(), StoreError> {
    // Checked inside the writing transaction: a process that unlocked before `keys rotate` must
    // not seal new case files with the retired key.
    let current: Option<i64> =
        tx.query_row("SELECT max(id) FROM data_keys", [], |r| r.get(0)).map_err(db_error)?;
    store::check_current_key(person.key_id, current)?;
    tx.execute(
        "INSERT INTO persons (id, version, key_id, sealed, created_at) VALUES (?1, 1, ?2, ?3, ?4)",
        params![person.id, person.key_id, person.sealed, at],
    )
    .map_err(db_error)?;
    Ok(())
}

fn person_row(r: &Row<'_>) -> rusqlite::Result<PersonRow> {
    Ok(PersonRow { id: r.get(0)?, version: r.get(1)?, key_id: r.get(2)?, sealed: r.get(3)? })
}

fn insert_claim(
    tx: &rusqlite::Transaction<'_>,
    document_id: i64,
    idx: usize,
    claim: &ClaimRecord,
) -> Result<i64, StoreError> {
    let count_bound = |n: Option<u64>| -> Result<Option<i64>, StoreError> {
        n.map(|n| {
            i64::try_from(n).map_err(|_| StoreError::InvalidInput(format!("count {n} is too large to store")))
        })
        .transpose()
    };
    let (nationality_country, nationality_group) = match &claim.nationality {
        Some(Nationality::Country(code)) => (Some(code.as_str().to_owned()), None),
        Some(Nationality::Group(name)) => (None, Some(name.clone())),
        None => (None, None),
    };
    let place = claim.place.as_ref();
    let (count_low, count_high) = (count_bound(claim.count.low)?, count_bound(claim.count.high)?);
    tx.prepare_cached(
        "INSERT INTO claims (document_id, idx, kind, aggregate, date_start, date_end, date_precision,
                             count_low, count_high, count_qualifier, count_text, perpetrator, destination,
                             nationality_country, nationality_group, place_name, place_country, place_admin1,
                             place_lat, place_lon, place_precision, women, children, n_persons)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21,
                 ?22, ?23, ?24)",
    )
    .and_then(|mut s| {
        s.execute(params![
            document_id,
            to_i64(idx),
            claim.kind.as_str(),
            claim.aggregate,
            claim.date.start.map(|d| d.to_string()),
            claim.date.end.map(|d| d.to_string()),
            claim.date.precision.as_str(),
            count_low,
            count_high,
            claim.count.qualifier.as_str(),
            claim.count.text,
            claim.perpetrator.as_ref().map(CountryCode::as_str),
            claim.destination.as_ref().map(CountryCode::as_str),
            nationality_country,
            nationality_group,
            place.map(|p| p.name.as_str()),
            place.and_then(|p| p.country.as_ref().map(|c| c.as_str().to_owned())),
            place.and_then(|p| p.admin1.as_deref()),
            place.and_then(|p| p.lat),
            place.and_then(|p| p.lon),
            place.map(|p| p.precision.as_str()),
            claim.women,
            claim.children,
            to_i64(claim.n_persons),
        ])
    })
    .map_err(db_error)?;
    let claim_id = tx.last_insert_rowid();
    let mut stmt = tx
        .prepare_cached("INSERT INTO claim_sources (claim_id, idx, name) VALUES (?1, ?2, ?3)")
        .map_err(db_error)?;
    for (idx, source) in claim.sources.iter().enumerate() {
        stmt.execute(params![claim_id, to_i64(idx), source]).map_err(db_error)?;
    }
    let mut stmt = tx
        .prepare_cached(
            "INSERT INTO claim_evidence (claim_id, idx, start_byte, end_byte, text) VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .map_err(db_error)?;
    for (idx, evidence) in claim.evidence.iter().enumerate() {
        stmt.execute(params![
            claim_id,
            to_i64(idx),
            to_i64(evidence.start),
            to_i64(evidence.end),
            evidence.text
        ])
        .map_err(db_error)?;
    }
    Ok(claim_id)
}

/// The claim columns in the order `ClaimSqlRow::from_row` reads them, for a table aliased `c`.
const CLAIM_COLUMNS: &str = "c.id, c.idx, c.kind, c.aggregate, c.date_start, c.date_end, c.date_precision,
    c.count_low, c.count_high, c.count_qualifier, c.count_text, c.perpetrator, c.destination,
    c.nationality_country, c.nationality_group, c.place_name, c.place_country, c.place_admin1, c.place_lat,
    c.place_lon, c.place_precision, c.women, c.children, c.n_persons";

/// A `claims` row as SQLite holds it, before decoding into domain values.
struct ClaimSqlRow {
    id: i64,
    idx: i64,
    columns: store::ClaimColumns,
}

impl ClaimSqlRow {
    fn from_row(row: &Row<'_>, first: usize) -> rusqlite::Result<ClaimSqlRow> {
        let mut i = first;
        let mut next = || {
            i += 1;
            i - 1
        };
        Ok(ClaimSqlRow {
            id: row.get(next())?,
            idx: row.get(next())?,
            columns: store::ClaimColumns {
                kind: row.get(next())?,
                aggregate: row.get(next())?,
                date_start: row.get(next())?,
                date_end: row.get(next())?,
                date_precision: row.get(next())?,
                count_low: row.get(next())?,
                count_high: row.get(next())?,
                count_qualifier: row.get(next())?,
                count_text: row.get(next())?,
                perpetrator: row.get(next())?,
                destination: row.get(next())?,
                nationality_country: row.get(next())?,
                nationality_group: row.get(next())?,
                place_name: row.get(next())?,
                place_country: row.get(next())?,
                place_admin1: row.get(next())?,
                place_lat: row.get(next())?,
                place_lon: row.get(next())?,
                place_precision: row.get(next())?,
                women: row.get(next())?,
                children: row.get(next())?,
                n_persons: row.get(next())?,
            },
        })
    }

    fn into_record(self, sources: Vec<String>, evidence: Vec<Evidence>) -> Result<ClaimRecord, StoreError> {
        self.columns.into_record(sources, evidence)
    }
}

struct SummarySqlRow {
    hash: String,
    title: Option<String>,
    published: Option<String>,
    source_path: Option<String>,
    n_claims: i64,
}

impl SummarySqlRow {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<SummarySqlRow> {
        Ok(SummarySqlRow {
            hash: row.get(0)?,
            title: row.get(1)?,
            published: row.get(2)?,
            source_path: row.get(3)?,
            n_claims: row.get(4)?,
        })
    }

    fn into_summary(self) -> Result<DocumentSummary, StoreError> {
        Ok(DocumentSummary {
            hash: parse_hash(&self.hash)?,
            title: self.title,
            published: self.published.as_deref().map(parse_date).transpose()?,
            source_path: self.source_path,
            n_claims: from_i64(self.n_claims, "claim count")?,
        })
    }
}

struct EvidenceSqlRow {
    start: i64,
    end: i64,
    text: String,
}

impl EvidenceSqlRow {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<EvidenceSqlRow> {
        Ok(EvidenceSqlRow { start: row.get(0)?, end: row.get(1)?, text: row.get(2)? })
    }

    fn into_evidence(self) -> Result<Evidence, StoreError> {
        Ok(Evidence {
            start: from_i64(self.start, "evidence start")?,
            end: from_i64(self.end, "evidence end")?,
            text: self.text,
        })
    }
}

struct PageSqlRow {
    url: Option<String>,
    size: i64,
    compression: String,
    bytes: Vec<u8>,
}

impl PageSqlRow {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<PageSqlRow> {
        Ok(PageSqlRow { url: row.get(0)?, size: row.get(1)?, compression: row.get(2)?, bytes: row.get(3)? })
    }

    fn into_page(self, hash: &ContentHash) -> Result<RawPage, StoreError> {
        if self.compression != "zstd" {
            return Err(StoreError::Corrupt(format!(
                "page {hash}: unknown compression {:?}",
                self.compression
            )));
        }
        let size = from_i64(self.size, "page size")?;
        let bytes = zstd::bulk::decompress(&self.bytes, size)
            .map_err(|err| StoreError::Corrupt(format!("page {hash}: cannot decompress: {err}")))?;
        let page = RawPage::new(bytes, self.url);
        if page.hash != *hash && size == 0 {
            return Err(StoreError::InvalidInput(format!(
                "page {hash} is sealed: it opens only with the key"
            )));
        }
        if page.hash != *hash {
            return Err(StoreError::Corrupt(format!("page {hash}: stored bytes hash to {}", page.hash)));
        }
        Ok(page)
    }
}

struct DocumentSqlRow {
    id: i64,
    url: Option<String>,
    source_path: Option<String>,
    ingested_at: i64,
    pipeline_version: String,
    page_size: i64,
    title: Option<String>,
    author: Option<String>,
    published: Option<String>,
    published_from: Option<String>,
    language: Option<String>,
    text: String,
}

impl DocumentSqlRow {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<DocumentSqlRow> {
        Ok(DocumentSqlRow {
            id: row.get(0)?,
            url: row.get(1)?,
            source_path: row.get(2)?,
            ingested_at: row.get(3)?,
            pipeline_version: row.get(4)?,
            page_size: row.get(5)?,
            title: row.get(6)?,
            author: row.get(7)?,
            published: row.get(8)?,
            published_from: row.get(9)?,
            language: row.get(10)?,
            text: row.get(11)?,
        })
    }

    fn into_document(
        self,
        hash: ContentHash,
        removed: Vec<RemovedBlock>,
        claims: Vec<ClaimRecord>,
    ) -> Result<StoredDocument, StoreError> {
        Ok(StoredDocument {
            hash,
            url: self.url,
            source_path: self.source_path,
            ingested_at: self.ingested_at,
            pipeline_version: self.pipeline_version,
            page_size: from_i64(self.page_size, "page size")?,
            title: self.title,
            author: self.author,
            published: self.published.as_deref().map(parse_date).transpose()?,
            published_from: self.published_from.as_deref().map(parse_enum::<DateSource>).transpose()?,
            language: self.language,
            text: self.text,
            removed,
            claims,
        })
    }
}

/// Maps a driver error into the store's vocabulary.
fn db_error(err: rusqlite::Error) -> StoreError {
    use rusqlite::ErrorCode;
    match &err {
        rusqlite::Error::SqliteFailure(failure, _) => match failure.code {
            ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => StoreError::Unavailable(err.to_string()),
            ErrorCode::CannotOpen
            | ErrorCode::PermissionDenied
            | ErrorCode::ReadOnly
            | ErrorCode::DiskFull => StoreError::Unavailable(err.to_string()),
            ErrorCode::ConstraintViolation => StoreError::Conflict(err.to_string()),
            ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase => StoreError::Corrupt(err.to_string()),
            _ => StoreError::Other(err.to_string()),
        },
        rusqlite::Error::QueryReturnedNoRows => StoreError::NotFound(err.to_string()),
        rusqlite::Error::FromSqlConversionFailure(..)
        | rusqlite::Error::InvalidColumnType(..)
        | rusqlite::Error::IntegralValueOutOfRange(..) => StoreError::Corrupt(err.to_string()),
        _ => StoreError::Other(err.to_string()),
    }
}

/// Lengths and indices always fit: SQLite's limits are far below `i64::MAX`.
fn to_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn parse_hash(hex: &str) -> Result<ContentHash, StoreError> {
    ContentHash::from_str(hex).map_err(|err| StoreError::Corrupt(err.to_string()))
}

fn parse_date(text: &str) -> Result<NaiveDate, StoreError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| StoreError::Corrupt(format!("invalid date {text:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn new_databases_are_private_and_delete_securely() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("private.db");
        let store = SqliteStore::open(&path).expect("open");
        let secure: i64 = store.conn.query_row("PRAGMA secure_delete", [], |r| r.get(0)).expect("pragma");
        assert_eq!(secure, 1, "secure_delete is off");
        store.conn.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);").expect("write");
        for file in ["private.db", "private.db-wal", "private.db-shm"] {
            let mode = std::fs::metadata(dir.path().join(file)).expect(file).permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{file} has mode {mode:o}");
        }
    }
}
