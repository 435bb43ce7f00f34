//! `store`: the storage boundary of refwatch. The [`Store`] trait, [`StoreError`], and the
//! row types that cross it.
//!
//! **Boundary:** this crate knows no driver and no SQL. Backends (`store-sqlite`, later
//! `store-postgres`) are sibling crates that implement [`Store`], map their driver errors into
//! [`StoreError`] and convert rows through their own private wrapper types.
//!
//! **Sensitive data:** `Claim.persons` (names of individual victims) never crosses into a store
//! in plain text. A claim row records only how many persons it names ([`ClaimRecord::n_persons`]);
//! the names go into case files ([`NewPerson`], [`PersonRow`]) that cross this boundary only as
//! sealed bytes (`crypto::Sealed::to_bytes`: format, nonce, ciphertext and tag) with the record's
//! id and version, which the sealing bound into its associated data. This crate does not depend
//! on `crypto`: a store can neither seal nor open anything.
//!
//! **Audit:** every write appends an [`AuditEntry`] in the same transaction as the change; the
//! entries form a hash chain ([`audit`]) that `verify_chain` recomputes. An entry appended by a
//! process that holds the data key also carries a MAC of its hash ([`Store::set_audit_mac`]),
//! which `verify_macs` checks with the key. The store computes neither key nor MAC itself: it
//! calls the [`audit::AuditMac`] it was handed.

use std::fmt;

use domain::{
    Article, BoilerplateKind, Claim, ClaimKind, ContentHash, Count, DateSource, DateSpan, Evidence,
    NaiveDate, Nationality, Place, RawPage, RemovedBlock,
};

/// What a store operation can fail with. Backends map their driver errors into these.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The record asked for does not exist.
    #[error("not found: {0}")]
    NotFound(String),
    /// A hash prefix matched more than one document.
    #[error("ambiguous document prefix {prefix:?}: {matches} documents match")]
    Ambiguous { prefix: String, matches: usize },
    /// The write collides with existing data (e.g. the page is already stored).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The store cannot be reached or is busy/locked right now; retrying may help.
    #[error("store unavailable: {0}")]
    Unavailable(String),
    /// Stored data does not decode into domain values, or the database is damaged.
    #[error("corrupt store: {0}")]
    Corrupt(String),
    /// The database was written by a newer refwatch (unknown migrations) or is not a refwatch store.
    #[error("incompatible store: {0}")]
    Incompatible(String),
    /// The caller passed something the store cannot accept (e.g. a non-hex prefix).
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// Anything else, with the backend's message.
    #[error("store error: {0}")]
    Other(String),
}

/// Everything `put_document` writes, in one atomic unit: the raw page, the article read from it,
/// its removed blocks, and the claims extracted from it.
#[derive(Debug, Clone, Copy)]
pub struct NewDocument<'a> {
    pub page: &'a RawPage,
    /// Where the page was found (a file path), for provenance. Not part of the page's identity.
    pub source_path: Option<&'a str>,
    /// When the page was ingested, as seconds since the Unix epoch (passed in so that stores stay
    /// deterministic in tests).
    pub ingested_at: i64,
    /// Version of the pipeline (reader + extractor) that produced `article` and `claims`.
    pub pipeline_version: &'a str,
    pub article: &'a Article,
    pub claims: &'a [Claim],
    /// Sealed case files for the people the claims name, written in the same transaction and
    /// linked to their claims. Empty when no key is configured (the names are then dropped).
    pub persons: &'a [DocumentPerson],
    /// Who ingests, for the audit log.
    pub actor: &'a str,
}

/// A sealed case file created by ingest, and the claims (by position) that name the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentPerson {
    pub person: NewPerson,
    pub claim_idx: Vec<usize>,
}

/// What `put_document` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PutOutcome {
    /// The page was new; the page, document and claims were written.
    Inserted,
    /// A page with this hash was already stored; nothing was written.
    AlreadyStored,
}

/// A claim as stored: every field of [`domain::Claim`] except the persons' names, of which only
/// the number is kept (see the crate docs).
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimRecord {
    pub kind: ClaimKind,
    pub aggregate: bool,
    pub date: DateSpan,
    pub count: Count,
    pub perpetrator: Option<domain::CountryCode>,
    pub destination: Option<domain::CountryCode>,
    pub nationality: Option<Nationality>,
    pub place: Option<Place>,
    pub women: Option<bool>,
    pub children: Option<bool>,
    pub sources: Vec<String>,
    /// How many individual victims the claim names. The names are not stored yet.
    pub n_persons: usize,
    pub evidence: Vec<Evidence>,
}

impl ClaimRecord {
    /// The storable part of a claim: drops the persons' names and keeps their number.
    pub fn from_claim(claim: &Claim) -> ClaimRecord {
        ClaimRecord {
            kind: claim.kind,
            aggregate: claim.aggregate,
            date: claim.date,
            count: claim.count.clone(),
            perpetrator: claim.perpetrator,
            destination: claim.destination,
            nationality: claim.nationality.clone(),
            place: claim.place.clone(),
            women: claim.women,
            children: claim.children,
            sources: claim.sources.clone(),
            n_persons: claim.persons.len(),
            evidence: claim.evidence.clone(),
        }
    }
}

/// Which claims `list_claims` returns. The default returns all of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClaimFilter {
    pub kind: Option<ClaimKind>,
    /// Only claims of documents whose hash starts with this lower-case hex prefix.
    pub document_prefix: Option<String>,
    pub limit: Option<usize>,
}

/// One row of `list_claims`: a claim with the document it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimRow {
    pub document_hash: ContentHash,
    pub document_title: Option<String>,
    /// Position of the claim within its document, from 0.
    pub claim_idx: usize,
    pub claim: ClaimRecord,
}

/// A short description of a stored document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentSummary {
    pub hash: ContentHash,
    pub title: Option<String>,
    pub published: Option<NaiveDate>,
    pub source_path: Option<String>,
    pub n_claims: usize,
}

/// A stored document with everything needed to show it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredDocument {
    pub hash: ContentHash,
    pub url: Option<String>,
    pub source_path: Option<String>,
    pub ingested_at: i64,
    pub pipeline_version: String,
    pub page_size: usize,
    pub title: Option<String>,
    pub author: Option<String>,
    pub published: Option<NaiveDate>,
    pub published_from: Option<DateSource>,
    pub language: Option<String>,
    pub text: String,
    pub removed: Vec<RemovedBlock>,
    pub claims: Vec<ClaimRecord>,
}

impl StoredDocument {
    /// How many blocks of each kind were removed, in the order kinds first appear.
    pub fn removed_kinds(&self) -> Vec<(BoilerplateKind, usize)> {
        let mut kinds: Vec<(BoilerplateKind, usize)> = Vec::new();
        for block in &self.removed {
            match kinds.iter_mut().find(|(kind, _)| *kind == block.kind) {
                Some((_, n)) => *n += 1,
                None => kinds.push((block.kind, 1)),
            }
        }
        kinds
    }
}

/// How much a store holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub pages: usize,
    pub documents: usize,
    pub claims: usize,
}

impl fmt::Display for Counts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} pages, {} documents, {} claims", self.pages, self.documents, self.claims)
    }
}

/// An analyst's decision as stored: what was decided, about which claims, by whom, when. Claims
/// are named by their stable key (`HASH:TYPE:START-END`, see the `reconcile` crate) and their
/// evidence text, so a decision can be matched again after reprocessing. Decisions are only ever
/// added, never changed: a later decision overrides an earlier one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDecision {
    /// `merge`, `split`, `attach`, `detach`, `reject_claim`, `reject_incident` or `fix`.
    pub kind: String,
    pub claim: String,
    pub claim_evidence: String,
    /// The second claim of a merge or attach.
    pub other: Option<String>,
    pub other_evidence: Option<String>,
    /// The field and value of a fix.
    pub field: Option<String>,
    pub value: Option<String>,
    pub actor: String,
    /// Seconds since the Unix epoch (passed in so that stores stay deterministic in tests).
    pub created_at: i64,
}

/// A stored decision with its id (ids grow in the order decisions were added).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionRecord {
    pub id: i64,
    pub decision: NewDecision,
}

/// Who changes the store and when, for the audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor<'a> {
    pub name: &'a str,
    /// Seconds since the Unix epoch (passed in so that stores stay deterministic in tests).
    pub at: i64,
}

/// How a stored data key is wrapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// Under a key derived from a passphrase with Argon2id (parameters inside the wrapped bytes).
    Passphrase,
    /// Under a key read from a key file.
    KeyFile,
}

/// A data key to store: only ever wrapped (`crypto::WrappedKey::to_bytes`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewKey {
    pub kind: KeyKind,
    pub wrapped: Vec<u8>,
}

/// A stored data key. Ids grow with every rotation; the highest is current.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRecord {
    pub id: i64,
    pub kind: KeyKind,
    pub wrapped: Vec<u8>,
    pub created_at: i64,
}

/// A new case file: its id (from [`Store::reserve_person_ids`], since the sealing binds it),
/// the key that sealed it, and the sealed fields. Its version is 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPerson {
    pub id: i64,
    pub key_id: i64,
    pub sealed: Vec<u8>,
}

/// The message of the `Conflict` returned when a case file is sealed with a key that is no longer
/// the current one (another process ran `keys rotate` after this one unlocked).
pub const KEY_ROTATED: &str = "the data key was rotated; unlock again";

/// For backends: a new case file must be sealed with the current (highest) data key. `current` is
/// `max(id)` of the stored data keys, read inside the writing transaction.
pub fn check_current_key(key_id: i64, current: Option<i64>) -> Result<(), StoreError> {
    match current {
        Some(current) if current == key_id => Ok(()),
        Some(current) => Err(StoreError::Conflict(format!(
            "{KEY_ROTATED} (case file sealed with key {key_id}, current key is {current})"
        ))),
        None => Err(StoreError::Conflict(format!(
            "no data key is stored, but the case file claims key {key_id} (run `keys init`)"
        ))),
    }
}

/// A stored case file: sealed bytes plus what the sealing bound (id, version) and which key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRow {
    pub id: i64,
    pub version: i64,
    pub key_id: i64,
    pub sealed: Vec<u8>,
}

/// What a case file is linked to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// A whole document.
    Document(ContentHash),
    /// One claim: its document and position within it.
    Claim { document: ContentHash, claim_idx: usize },
}

/// One appended audit entry. `hash` covers every other field, `prev_hash` included, so the
/// entries form a chain (see [`audit`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: i64,
    pub actor: String,
    /// `ingest`, `decision`, `person.add`, `person.link`, `key.init`, `key.rotate`.
    pub action: String,
    /// The objects changed, e.g. `document:HASH person:3`.
    pub objects: String,
    /// Hex BLAKE3 of the change's content (sealed bytes for sealed records).
    pub digest: String,
    pub prev_hash: String,
    pub hash: String,
    /// The MAC of `seq` and `hash` under the audit key ([`audit::AuditMac`]), when the process
    /// that appended the entry held the data key; `None` otherwise. Not covered by `hash`.
    pub mac: Option<String>,
}

/// The storage operations refwatch needs. Synchronous for now; every type crossing it is a plain
/// domain or row type, so an async PostgreSQL backend can implement the same operations.
pub trait Store {
    /// Whether a page with this content hash is stored.
    fn has_page(&self, hash: &ContentHash) -> Result<bool, StoreError>;

    /// Stores the raw page (compressed), its document (article fields and removed blocks) and its
    /// claims atomically: after a crash either all of them are stored or none. A page that is
    /// already stored is left untouched and reported as [`PutOutcome::AlreadyStored`].
    fn put_document(&mut self, document: &NewDocument<'_>) -> Result<PutOutcome, StoreError> {
        self.put_document_indexed(document, &DocumentIndex::default())
    }

    /// [`Store::put_document`] plus what ingest derived from the document (sealed texts,
    /// near-duplicate signature, search terms), all in the same transaction.
    fn put_document_indexed(
        &mut self,
        document: &NewDocument<'_>,
        index: &DocumentIndex,
    ) -> Result<PutOutcome, StoreError>;

    /// The sealed texts of a page's current document; `None` when they are stored in plain text.
    fn sealed_text(&self, hash: &ContentHash) -> Result<Option<SealedText>, StoreError>;

    /// The stored near-duplicate signature of every current document that has one.
    fn signatures(&self) -> Result<Vec<(ContentHash, Signature)>, StoreError>;

    /// Current documents holding any of `terms` (at most [`search::MAX_TERMS`]), ranked by
    /// [`search::rank`]. Terms are matched exactly, as the service normalised them.
    fn search(&self, terms: &[String], limit: usize) -> Result<Vec<SearchRow>, StoreError>;

    /// The raw bytes of a stored page, decompressed.
    fn get_page(&self, hash: &ContentHash) -> Result<RawPage, StoreError>;

    /// Stored claims with their documents' hash and title, ordered by document (ingest order)
    /// then by position within the document.
    fn list_claims(&self, filter: &ClaimFilter) -> Result<Vec<ClaimRow>, StoreError>;

    /// All stored documents in ingest order.
    fn list_documents(&self) -> Result<Vec<DocumentSummary>, StoreError>;

    /// One document by full hash or unique lower-case hex prefix (at least 4 characters).
    /// Fails with `NotFound` when nothing matches and `Ambiguous` when several do.
    fn get_document(&self, hash_or_prefix: &str) -> Result<StoredDocument, StoreError>;

    /// How many pages, documents and claims are stored.
    fn counts(&self) -> Result<Counts, StoreError>;

    /// Appends an analyst's decision and returns its id. The default fails, for backends that
    /// do not store decisions yet.
    fn add_decision(&mut self, decision: &NewDecision) -> Result<i64, StoreError> {
        let _ = decision;
        Err(StoreError::Other("this store does not keep decisions yet".to_owned()))
    }

    /// Every decision, oldest first. The default returns none.
    fn list_decisions(&self) -> Result<Vec<DecisionRecord>, StoreError> {
        Ok(Vec::new())
    }

    /// Stores the first data key. Fails with `Conflict` when a key is already stored.
    fn init_key(&mut self, key: &NewKey, actor: Actor<'_>) -> Result<i64, StoreError>;

    /// The current (newest) data key, if any.
    fn current_key(&self) -> Result<Option<KeyRecord>, StoreError>;

    /// Stores a new data key and replaces every case file's sealed bytes with `resealed` (same
    /// ids and versions, sealed under the new key), in one transaction. Fails with `Conflict`
    /// unless `resealed` covers exactly the stored case files. Returns the new key's id.
    fn rotate_key(
        &mut self,
        key: &NewKey,
        resealed: &[PersonRow],
        actor: Actor<'_>,
    ) -> Result<i64, StoreError>;

    /// Reserves `n` fresh case-file ids (never handed out twice, even if unused).
    fn reserve_person_ids(&mut self, n: usize) -> Result<Vec<i64>, StoreError>;

    /// Stores a new case file (version 1).
    fn add_person(&mut self, person: &NewPerson, actor: Actor<'_>) -> Result<(), StoreError>;

    /// One case file. `NotFound` when there is none with this id.
    fn get_person(&self, id: i64) -> Result<PersonRow, StoreError>;

    /// Every case file, by id.
    fn list_persons(&self) -> Result<Vec<PersonRow>, StoreError>;

    /// Links a case file to a document or claim. `NotFound` when either does not exist.
    fn link_person(
        &mut self,
        person_id: i64,
        target: &LinkTarget,
        actor: Actor<'_>,
    ) -> Result<(), StoreError>;

    /// What a case file is linked to, in the order linked.
    fn person_links(&self, person_id: i64) -> Result<Vec<LinkTarget>, StoreError>;

    /// The audit log, by sequence number.
    fn audit_log(&self) -> Result<Vec<AuditEntry>, StoreError>;

    /// The stored head of the audit chain (last sequence number and hash), which anchors the
    /// tail: deleting the last entries leaves the head pointing past them.
    fn audit_head(&self) -> Result<(i64, String), StoreError>;

    /// From now on, every audit entry this store value appends carries `mac`'s MAC of its
    /// sequence number and hash (`None`: no MAC). Called by whoever unlocks the data key (see
    /// `service::record::unlock`), so that entries written by a process holding the key are
    /// authenticated. Returns whether the store records MACs; the default records none.
    fn set_audit_mac(&self, mac: Option<std::sync::Arc<dyn audit::AuditMac>>) -> bool {
        let _ = mac;
        false
    }

    /// Adds a user. `Conflict` when the name is taken.
    fn add_user(&mut self, user: &NewUser, actor: Actor<'_>) -> Result<i64, StoreError>;

    /// One user by name.
    fn get_user(&self, name: &str) -> Result<Option<UserRecord>, StoreError>;

    /// Every user, by id.
    fn list_users(&self) -> Result<Vec<UserRecord>, StoreError>;

    /// Changes a user's password hash, role or disabled flag. `NotFound` when there is no such user.
    fn update_user(&mut self, name: &str, change: &UserChange, actor: Actor<'_>) -> Result<(), StoreError>;

    /// Stores the hash of a new API token of `user`; returns the token's id.
    fn add_api_token(
        &mut self,
        user: &str,
        token_hash: &str,
        label: &str,
        actor: Actor<'_>,
    ) -> Result<i64, StoreError>;

    /// The user a token hash belongs to; `None` when unknown, revoked, or the user is disabled.
    fn user_for_token(&self, token_hash: &str) -> Result<Option<UserRecord>, StoreError>;

    /// Every API token (without hashes), by id.
    fn list_api_tokens(&self) -> Result<Vec<ApiTokenRecord>, StoreError>;

    /// Revokes a token. `NotFound` when there is no such token.
    fn revoke_api_token(&mut self, id: i64, actor: Actor<'_>) -> Result<(), StoreError>;

    /// Streams every table of one consistent snapshot into `sink` (see [`backup`]). Works while
    /// other processes write.
    fn backup(&self, sink: &mut dyn BackupSink) -> Result<BackupStats, StoreError> {
        let _ = sink;
        Err(StoreError::Other("this store cannot be backed up".to_owned()))
    }

    /// Writes a backup stream into this database, in one transaction, keeping ids and moving id
    /// counters past them. `Conflict` unless the database is empty.
    fn restore(&mut self, source: &mut dyn BackupSource) -> Result<BackupStats, StoreError> {
        let _ = source;
        Err(StoreError::Other("this store cannot be restored into".to_owned()))
    }
}

pub mod audit;
pub mod backup;
mod columns;
pub mod sealed;
pub mod search;
pub mod users;

pub use backup::{BackupItem, BackupSink, BackupSource, BackupStats, Value};
pub use users::{ApiTokenRecord, NewUser, Role, UserChange, UserRecord};

pub use columns::{ClaimColumns, parse_stored, stored_count};
pub use sealed::{DocumentIndex, SealedText, Signature};
pub use search::SearchRow;

/// The shortest prefix `get_document` accepts.
pub const MIN_PREFIX_LEN: usize = 4;

/// Checks and normalises a document hash prefix: lower-case hex, 4 to 64 characters.
pub fn normalise_prefix(prefix: &str) -> Result<String, StoreError> {
    let prefix = prefix.trim().to_ascii_lowercase();
    if prefix.len() < MIN_PREFIX_LEN || prefix.len() > 64 || !prefix.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(StoreError::InvalidInput(format!(
            "document id must be {MIN_PREFIX_LEN} to 64 hex characters, got {prefix:?}"
        )));
    }
    Ok(prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_is_checked_and_lowercased() {
        assert_eq!(normalise_prefix(" ABCD ").ok(), Some("abcd".to_owned()));
        assert!(normalise_prefix("abc").is_err());
        assert!(normalise_prefix("abcg").is_err());
        assert!(normalise_prefix(&"a".repeat(65)).is_err());
    }
}
