//! What ingest stores beside a document so that the text itself never has to be in a plain
//! column: the sealed page and article ([`SealedText`]), the near-duplicate signature
//! ([`Signature`]) and the search terms ([`DocumentIndex::search_terms`]).
//!
//! **Boundary:** like case files, sealed texts cross the store only as bytes
//! (`crypto::Sealed::to_bytes`) plus the text-key generation the sealing bound; the store can
//! neither seal nor open them. When a document is sealed, the service hands the store a redacted
//! article (no title, author or text; removed blocks without text), claims whose evidence text is
//! a keyed fingerprint and without sources, and a page without bytes or URL.

/// A document's sealed page and article, sealed by the service under a text key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedText {
    /// The generation of the text key that sealed it (bound into the associated data).
    pub text_key: i64,
    /// The raw page (compressed, then sealed).
    pub page: Vec<u8>,
    /// The article: URL, title, author, text, removed blocks, claim sources (sealed as one value).
    pub article: Vec<u8>,
}

/// A document's MinHash signature (`reconcile::Signature::to_bytes`), so that near-duplicates are
/// found without reading the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// Whether the shingles were hashed with a key derived from the data key.
    pub keyed: bool,
    pub bytes: Vec<u8>,
}

/// Everything ingest derived from a document besides its claims, written in the same transaction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocumentIndex {
    /// `Some` when the database has a key: the document's texts, sealed.
    pub sealed: Option<SealedText>,
    pub signature: Option<Signature>,
    /// Normalised tokens of the title, author and text, each replaced by a truncated keyed hash
    /// when sealed (a blind index). Distinct, in any order; only `[0-9a-z]` and other
    /// alphanumeric characters, so both backends' full-text indexes take them verbatim.
    pub search_terms: Vec<String>,
}
