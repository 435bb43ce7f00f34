//! Texts at rest: when the database has a data key, every text derived from a page is sealed.
//!
//! - **Text keys.** Page texts are sealed under *text keys* (XChaCha20-Poly1305, 256-bit), not
//!   under the data key itself: the list of text keys (generation 1, 2, …) is sealed under the data
//!   key and stored beside it, in the same `data_keys.wrapped` value (the wrapped key, then the
//!   sealed list; [`envelope`]). `keys init` draws generation 1; `keys rotate` opens the list with
//!   the old data key, adds a fresh generation for everything sealed from then on, and seals the
//!   list under the new data key, in the same transaction that stores the new key. Sealed rows are
//!   never rewritten, so rotation is one small write and stays crash-safe; every row stays readable
//!   because every generation is kept. The retired keys' `data_keys` rows keep their id, kind and
//!   time but lose their wrapped bytes in the same transaction, so the old passphrase or key file
//!   unwraps nothing in the database from then on. What rotation does not do: re-encrypt old
//!   texts, or change the text keys. Whoever held an older passphrase and a copy of the database
//!   made before the rotation (a backup, a file copy) can still read what was sealed before it;
//!   whoever once held the text keys (any process that unlocked the old key) can still open texts
//!   sealed under their generations, and compute the print, signature, search and audit keys
//!   (derived from generation 1, unchanged). Closing that needs every sealed text re-sealed under
//!   a fresh generation and the derived keys, prints, signatures, blind index and audit MACs
//!   recomputed: not done.
//! - **Sealed rows.** Per document, the raw page (zstd, then sealed) and the article (URL, title,
//!   author, text, removed blocks, claim sources, and the file path it was ingested from) are
//!   sealed with associated data binding the
//!   table and column, the page hash and the text-key generation (`store::SealedText`), so a sealed
//!   value moved to another document or relabelled with another generation fails to open.
//! - **What stays usable without the key.** Claims keep their structured fields (type, dates,
//!   counts, country and place codes). Their evidence sentences are replaced by keyed *prints*
//!   (`reconcile::evidence_print`), near-duplicate detection uses stored keyed MinHash signatures,
//!   and search uses a blind index: each normalised token replaced by 16 hex digits of BLAKE3
//!   keyed with a search key. The print, signature and search keys are derived (BLAKE3
//!   `derive_key`) from text key generation 1, so they stay the same across rotations.
//! - **Without a key** (no `keys init`), texts are stored in plain text as before, with unkeyed
//!   signatures and plain search tokens; `ingest` warns.

use std::fmt;

use crypto::{DataKey, KEY_LEN, NONCE_LEN, Plaintext, RecordId, SALT_LEN, Sealed, TAG_LEN};
use domain::{Article, Claim, ContentHash, RawPage, RemovedBlock};
use store::{DocumentIndex, SealedText, Store, StoredDocument};
use zeroize::Zeroizing;

use crate::ServiceError;
use crate::record::{Unlocked, random};

/// Bytes of a `crypto::WrappedKey` in format 1: version, three Argon2 parameters, salt, nonce,
/// the encrypted key and its tag. Anything after them in `data_keys.wrapped` is the sealed list
/// of text keys.
const WRAPPED_LEN: usize = 1 + 12 + SALT_LEN + NONCE_LEN + KEY_LEN + TAG_LEN;

/// The longest token indexed, in characters; longer runs are not words.
const MAX_TOKEN_CHARS: usize = 64;

/// Hex digits kept of a keyed token hash (64 bits: collisions are rare at any corpus size here).
const TERM_HEX: usize = 16;

const SEARCH_CONTEXT: &str = "refwatch 2026-11 blind search index v1";
const PRINT_CONTEXT: &str = "refwatch 2026-11 evidence print v1";
const SIGNATURE_CONTEXT: &str = "refwatch 2026-11 minhash signature v1";

/// Every text-key generation of a database, oldest first (never empty). `Debug` redacts; the
/// keys are zeroized on drop.
#[derive(Clone)]
pub struct TextKeys {
    keys: Vec<(i64, Zeroizing<[u8; KEY_LEN]>)>,
}

/// Whether a document's texts could be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextState {
    /// Stored in plain text (the database had no key when it was ingested).
    Plain,
    /// Sealed, and opened with the key.
    Opened,
    /// Sealed, and no key was given: title, author, text, removed blocks, sources and evidence
    /// sentences are empty (evidence holds prints).
    Sealed,
}

impl TextKeys {
    /// The first generation, for a new data key.
    pub(crate) fn first() -> Result<TextKeys, ServiceError> {
        Ok(TextKeys { keys: vec![(1, Zeroizing::new(random()?))] })
    }

    /// These keys plus a fresh generation, current from now on (after a rotation).
    pub(crate) fn next(&self) -> Result<TextKeys, ServiceError> {
        let mut keys = self.keys.clone();
        let generation = keys.last().map_or(1, |(generation, _)| generation + 1);
        keys.push((generation, Zeroizing::new(random()?)));
        Ok(TextKeys { keys })
    }

    /// The generation new texts are sealed with.
    fn current(&self) -> (i64, DataKey) {
        let (generation, key) = self.keys.last().expect("text keys are never empty");
        (*generation, DataKey::from_random(**key))
    }

    fn generation(&self, generation: i64) -> Option<DataKey> {
        self.keys.iter().find(|(g, _)| *g == generation).map(|(_, key)| DataKey::from_random(**key))
    }

    /// A key for `context` derived from generation 1, so that it survives rotations.
    fn derived(&self, context: &str) -> Zeroizing<[u8; 32]> {
        let (_, first) = self.keys.first().expect("text keys are never empty");
        Zeroizing::new(blake3::derive_key(context, first.as_slice()))
    }

    /// The key of the audit chain's MACs, derived (in `crypto`, with its own label) from
    /// generation 1 like the others, so that it survives rotations.
    pub(crate) fn audit_key(&self) -> crypto::AuditKey {
        let (_, first) = self.keys.first().expect("text keys are never empty");
        crypto::AuditKey::derive(first)
    }

    /// The number of generations.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Never true: a list of text keys has at least one generation.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

impl fmt::Debug for TextKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TextKeys(<{} redacted>)", self.keys.len())
    }
}

/// `data_keys.wrapped` for a new data key: the wrapped key, then `text_keys` sealed under the
/// data key with the wrapped bytes' hash bound into the associated data.
pub(crate) fn envelope(
    wrapped: Vec<u8>,
    key: &DataKey,
    text_keys: &TextKeys,
) -> Result<Vec<u8>, ServiceError> {
    let ad = text_keys_ad(&wrapped);
    let sealed = key.seal(RecordId { table: &ad, id: 0, version: 1 }, text_keys, random()?)?;
    let mut out = wrapped;
    out.extend_from_slice(&sealed.to_bytes());
    Ok(out)
}

/// Splits `data_keys.wrapped` into the wrapped key and the sealed text keys (empty for a key
/// stored before texts were sealed).
pub(crate) fn split_envelope(bytes: &[u8]) -> (&[u8], &[u8]) {
    bytes.split_at(bytes.len().min(WRAPPED_LEN))
}

/// Opens the text keys stored after the wrapped key; `None` when there are none.
pub(crate) fn open_text_keys(
    key: &DataKey,
    key_id: i64,
    wrapped: &[u8],
    sealed: &[u8],
) -> Result<Option<TextKeys>, ServiceError> {
    if sealed.is_empty() {
        return Ok(None);
    }
    let tampered = || ServiceError::Tampered(format!("the text keys of data key {key_id}"));
    let sealed = Sealed::<TextKeys>::from_bytes(sealed).map_err(|_| tampered())?;
    let ad = text_keys_ad(wrapped);
    key.open(RecordId { table: &ad, id: 0, version: 1 }, &sealed).map(Some).map_err(|_| tampered())
}

fn text_keys_ad(wrapped: &[u8]) -> String {
    format!("data_keys.text_keys/{}", blake3::hash(wrapped).to_hex())
}

/// `u32 count || (i64 generation || 32-byte key)…`
impl Plaintext for TextKeys {
    fn encode(&self) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(Vec::with_capacity(4 + self.keys.len() * (8 + KEY_LEN)));
        out.extend_from_slice(&(self.keys.len() as u32).to_le_bytes());
        for (generation, key) in &self.keys {
            out.extend_from_slice(&generation.to_le_bytes());
            out.extend_from_slice(key.as_slice());
        }
        out
    }

    fn decode(bytes: &[u8]) -> Result<TextKeys, crypto::CryptoError> {
        let bad = || crypto::CryptoError::Decode("text key list");
        let (count, mut rest) = bytes.split_at_checked(4).ok_or_else(bad)?;
        let count = u32::from_le_bytes(count.try_into().map_err(|_| bad())?) as usize;
        let mut keys = Vec::with_capacity(count.min(1024));
        for _ in 0..count {
            let (generation, tail) = rest.split_at_checked(8).ok_or_else(bad)?;
            let (key, tail) = tail.split_at_checked(KEY_LEN).ok_or_else(bad)?;
            let generation = i64::from_le_bytes(generation.try_into().map_err(|_| bad())?);
            keys.push((generation, Zeroizing::new(key.try_into().map_err(|_| bad())?)));
            rest = tail;
        }
        if keys.is_empty() || !rest.is_empty() {
            return Err(bad());
        }
        Ok(TextKeys { keys })
    }
}

/// A document ready to store: the page, article and claims to write (redacted when sealed) and
/// what goes beside them.
#[derive(Debug)]
pub(crate) struct Prepared {
    pub page: RawPage,
    /// Where the page was found; `None` when sealed (file names are often headline slugs).
    pub source_path: Option<String>,
    pub article: Article,
    pub claims: Vec<Claim>,
    pub index: DocumentIndex,
}

/// Plain mode: the texts stay as they are; the index holds an unkeyed signature and plain tokens.
pub(crate) fn prepare_plain(
    page: RawPage,
    source_path: String,
    article: Article,
    claims: Vec<Claim>,
) -> Prepared {
    let index = DocumentIndex {
        sealed: None,
        signature: Some(signature(&article.text, None)),
        search_terms: document_terms(&article, |token| token.to_owned()),
    };
    Prepared { page, source_path: Some(source_path), article, claims, index }
}

/// Sealed mode: page and article sealed under the current text key; the stored page, article and
/// claims keep no text (evidence becomes keyed prints, sources go into the sealed article).
pub(crate) fn prepare_sealed(
    keys: &TextKeys,
    page: &RawPage,
    source_path: String,
    article: &Article,
    claims: &[Claim],
) -> Result<Prepared, ServiceError> {
    let (generation, key) = keys.current();
    let compressed = zstd::bulk::compress(&page.bytes, 3).map_err(|err| {
        ServiceError::Store(store::StoreError::Other(format!("cannot compress page: {err}")))
    })?;
    let sealed_page = key.seal(page_record(&page.hash, generation).id(), &compressed, random()?)?;
    let text = ArticleText {
        url: page.url.clone(),
        source_path: Some(source_path),
        title: article.title.clone(),
        author: article.author.clone(),
        text: article.text.clone(),
        removed: article.removed.iter().map(|block| block.text.clone()).collect(),
        sources: claims.iter().map(|claim| claim.sources.clone()).collect(),
    };
    let sealed_article = key.seal(article_record(&page.hash, generation).id(), &text, random()?)?;

    let search_key = keys.derived(SEARCH_CONTEXT);
    let print_key = keys.derived(PRINT_CONTEXT);
    let signature_key = keys.derived(SIGNATURE_CONTEXT);
    let index = DocumentIndex {
        sealed: Some(SealedText {
            text_key: generation,
            page: sealed_page.to_bytes(),
            article: sealed_article.to_bytes(),
        }),
        signature: Some(signature(&article.text, Some(&signature_key))),
        search_terms: document_terms(article, |token| blind_term(&search_key, token)),
    };
    let redacted_article = Article {
        title: None,
        author: None,
        published: article.published,
        published_from: article.published_from,
        language: article.language.clone(),
        text: String::new(),
        removed: article
            .removed
            .iter()
            .map(|block| RemovedBlock { kind: block.kind, text: String::new() })
            .collect(),
    };
    let redacted_claims = claims
        .iter()
        .map(|claim| {
            let mut claim = claim.clone();
            claim.sources.clear();
            for evidence in &mut claim.evidence {
                evidence.text = reconcile::evidence_print(&evidence.text, Some(&print_key));
            }
            claim
        })
        .collect();
    Ok(Prepared {
        page: RawPage { hash: page.hash, bytes: Vec::new(), url: None },
        source_path: None,
        article: redacted_article,
        claims: redacted_claims,
        index,
    })
}

/// Whether the database has a data key, so that its texts are (to be) sealed.
pub fn is_sealed<S: Store + ?Sized>(store: &S) -> Result<bool, ServiceError> {
    Ok(store.current_key()?.is_some())
}

/// The text keys of an unlocked database, or why texts cannot be sealed with it.
pub(crate) fn text_keys(key: &Unlocked) -> Result<&TextKeys, ServiceError> {
    key.text_keys().ok_or(ServiceError::NoTextKeys)
}

/// One stored document by hash or unique prefix, its texts opened when sealed and a key is given.
pub fn open_document<S: Store + ?Sized>(
    store: &S,
    key: Option<&Unlocked>,
    hash_or_prefix: &str,
) -> Result<(StoredDocument, TextState), ServiceError> {
    let mut document = store.get_document(hash_or_prefix)?;
    let Some(sealed) = store.sealed_text(&document.hash)? else {
        return Ok((document, TextState::Plain));
    };
    let Some(key) = key else {
        return Ok((document, TextState::Sealed));
    };
    let text = open_article(text_keys(key)?, &document.hash, &sealed)?;
    document.url = text.url.clone();
    document.source_path = text.source_path.clone();
    document.title = text.title.clone();
    document.author = text.author.clone();
    document.text = text.text.clone();
    for (block, removed) in document.removed.iter_mut().zip(&text.removed) {
        block.text = removed.clone();
    }
    for (claim, sources) in document.claims.iter_mut().zip(&text.sources) {
        claim.sources = sources.clone();
        for evidence in &mut claim.evidence {
            evidence.text = text.text.get(evidence.start..evidence.end).unwrap_or_default().to_owned();
        }
    }
    document.page_size = open_page_bytes(text_keys(key)?, &document.hash, &sealed)?.len();
    Ok((document, TextState::Opened))
}

/// The raw bytes of a stored page, opened with the key when sealed.
pub fn open_page<S: Store + ?Sized>(
    store: &S,
    key: Option<&Unlocked>,
    hash: &ContentHash,
) -> Result<RawPage, ServiceError> {
    let Some(sealed) = store.sealed_text(hash)? else {
        return Ok(store.get_page(hash)?);
    };
    let key = key.ok_or(ServiceError::Sealed)?;
    let keys = text_keys(key)?;
    let bytes = open_page_bytes(keys, hash, &sealed)?;
    let url = open_article(keys, hash, &sealed)?.url.clone();
    let page = RawPage::new(bytes, url);
    if page.hash != *hash {
        return Err(ServiceError::Tampered(format!("page {hash}")));
    }
    Ok(page)
}

/// The text of a current document for reconciliation and snippets: plain, or opened with `keys`.
pub(crate) fn document_text<S: Store + ?Sized>(
    store: &S,
    keys: Option<&TextKeys>,
    hash: &ContentHash,
) -> Result<Option<(Option<String>, String)>, ServiceError> {
    match (store.sealed_text(hash)?, keys) {
        (None, _) => {
            let document = store.get_document(&hash.to_hex())?;
            Ok(Some((document.title.clone(), document.text.clone())))
        }
        (Some(sealed), Some(keys)) => {
            let text = open_article(keys, hash, &sealed)?;
            Ok(Some((text.title.clone(), text.text.clone())))
        }
        (Some(_), None) => Ok(None),
    }
}

fn open_article(
    keys: &TextKeys,
    hash: &ContentHash,
    sealed: &SealedText,
) -> Result<ArticleText, ServiceError> {
    let tampered = || ServiceError::Tampered(format!("the sealed article of {hash}"));
    let key = keys.generation(sealed.text_key).ok_or_else(tampered)?;
    let value = Sealed::<ArticleText>::from_bytes(&sealed.article).map_err(|_| tampered())?;
    key.open(article_record(hash, sealed.text_key).id(), &value).map_err(|_| tampered())
}

fn open_page_bytes(
    keys: &TextKeys,
    hash: &ContentHash,
    sealed: &SealedText,
) -> Result<Vec<u8>, ServiceError> {
    let tampered = || ServiceError::Tampered(format!("the sealed page {hash}"));
    let key = keys.generation(sealed.text_key).ok_or_else(tampered)?;
    let value = Sealed::<Vec<u8>>::from_bytes(&sealed.page).map_err(|_| tampered())?;
    let compressed = key.open(page_record(hash, sealed.text_key).id(), &value).map_err(|_| tampered())?;
    zstd::bulk::decompress(&compressed, crate::MAX_PAGE_BYTES as usize).map_err(|_| tampered())
}

/// What a sealed value is bound to: table and column, page hash, text-key generation.
struct Binding {
    table: String,
    generation: i64,
}

impl Binding {
    fn id(&self) -> RecordId<'_> {
        RecordId { table: &self.table, id: self.generation, version: 1 }
    }
}

fn page_record(hash: &ContentHash, generation: i64) -> Binding {
    Binding { table: format!("pages.bytes/{hash}"), generation }
}

fn article_record(hash: &ContentHash, generation: i64) -> Binding {
    Binding { table: format!("documents.article/{hash}"), generation }
}

/// The sealed part of a document. Zeroized on drop.
struct ArticleText {
    url: Option<String>,
    source_path: Option<String>,
    title: Option<String>,
    author: Option<String>,
    text: String,
    removed: Vec<String>,
    /// Each claim's sources, by claim position.
    sources: Vec<Vec<String>>,
}

impl Drop for ArticleText {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        self.url.zeroize();
        self.source_path.zeroize();
        self.title.zeroize();
        self.author.zeroize();
        self.text.zeroize();
        self.removed.zeroize();
        for sources in &mut self.sources {
            sources.zeroize();
        }
    }
}

/// Format 2: `2 || url || source path || title || author || text || removed || sources`; text
/// is `u32 length || UTF-8`, an option `0` or `1 || text`, a list `u32 count || items`. Format 1
/// (the first hours of sealed texts) had no source path; it still opens.
impl Plaintext for ArticleText {
    fn encode(&self) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(vec![2u8]);
        for text in [&self.url, &self.source_path, &self.title, &self.author] {
            match text {
                Some(text) => {
                    out.push(1);
                    put_text(&mut out, text);
                }
                None => out.push(0),
            }
        }
        put_text(&mut out, &self.text);
        put_list(&mut out, &self.removed);
        out.extend_from_slice(&(self.sources.len() as u32).to_le_bytes());
        for sources in &self.sources {
            put_list(&mut out, sources);
        }
        out
    }

    fn decode(bytes: &[u8]) -> Result<ArticleText, crypto::CryptoError> {
        let mut reader = Reader(bytes);
        let format = reader.bytes(1)?[0];
        if !matches!(format, 1 | 2) {
            return Err(crypto::CryptoError::Decode("unknown sealed article format"));
        }
        let url = reader.option()?;
        let source_path = if format == 1 { None } else { reader.option()? };
        let title = reader.option()?;
        let author = reader.option()?;
        let text = reader.text()?;
        let removed = reader.list()?;
        let n = reader.u32()?;
        let sources = (0..n).map(|_| reader.list()).collect::<Result<Vec<_>, _>>()?;
        if !reader.0.is_empty() {
            return Err(crypto::CryptoError::Decode("trailing bytes after sealed article"));
        }
        Ok(ArticleText { url, source_path, title, author, text, removed, sources })
    }
}

fn put_text(out: &mut Vec<u8>, text: &str) {
    out.extend_from_slice(&(text.len() as u32).to_le_bytes());
    out.extend_from_slice(text.as_bytes());
}

fn put_list(out: &mut Vec<u8>, items: &[String]) {
    out.extend_from_slice(&(items.len() as u32).to_le_bytes());
    for item in items {
        put_text(out, item);
    }
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn bytes(&mut self, n: usize) -> Result<&'a [u8], crypto::CryptoError> {
        let (head, rest) =
            self.0.split_at_checked(n).ok_or(crypto::CryptoError::Decode("truncated sealed article"))?;
        self.0 = rest;
        Ok(head)
    }

    fn u32(&mut self) -> Result<u32, crypto::CryptoError> {
        let bytes = self.bytes(4)?;
        Ok(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
    }

    fn text(&mut self) -> Result<String, crypto::CryptoError> {
        let len = self.u32()? as usize;
        String::from_utf8(self.bytes(len)?.to_vec())
            .map_err(|_| crypto::CryptoError::Decode("sealed article text is not UTF-8"))
    }

    fn option(&mut self) -> Result<Option<String>, crypto::CryptoError> {
        match self.bytes(1)?[0] {
            0 => Ok(None),
            _ => self.text().map(Some),
        }
    }

    fn list(&mut self) -> Result<Vec<String>, crypto::CryptoError> {
        let n = self.u32()?;
        (0..n).map(|_| self.text()).collect()
    }
}

/// The near-duplicate signature of a text, keyed or not, as stored.
fn signature(text: &str, key: Option<&[u8; 32]>) -> store::Signature {
    store::Signature { keyed: key.is_some(), bytes: reconcile::Signature::of(text, key).to_bytes() }
}

/// The distinct search terms of a document (title, author, text), each token mapped by `term`.
fn document_terms(article: &Article, term: impl Fn(&str) -> String) -> Vec<String> {
    let mut terms: Vec<String> =
        [article.title.as_deref(), article.author.as_deref(), Some(article.text.as_str())]
            .into_iter()
            .flatten()
            .flat_map(tokens)
            .map(|token| term(&token))
            .collect();
    terms.sort();
    terms.dedup();
    terms
}

/// A token's blind-index term: 16 hex digits of BLAKE3 keyed with the search key.
fn blind_term(search_key: &[u8; 32], token: &str) -> String {
    blake3::keyed_hash(search_key, token.as_bytes()).to_hex()[..TERM_HEX].to_owned()
}

/// The query terms for `query`: its tokens, blind-hashed when `keys` is given (plus the plain
/// tokens, which find documents stored before the database had a key).
pub(crate) fn query_terms(query: &str, keys: Option<&TextKeys>) -> Vec<String> {
    let mut tokens = tokens(query);
    tokens.sort();
    tokens.dedup();
    tokens.truncate(store::search::MAX_TERMS / 2);
    let mut terms = tokens.clone();
    if let Some(keys) = keys {
        let search_key = keys.derived(SEARCH_CONTEXT);
        terms.extend(tokens.iter().map(|token| blind_term(&search_key, token)));
    }
    terms
}

/// How many of `query`'s distinct tokens a term list answers to; pairs each token with its terms.
pub(crate) fn query_tokens(query: &str) -> Vec<String> {
    let mut tokens = tokens(query);
    tokens.sort();
    tokens.dedup();
    tokens.truncate(store::search::MAX_TERMS / 2);
    tokens
}

/// Normalised tokens of `text`, in order: runs of alphanumeric characters after folding
/// (compatibility forms such as full-width letters and ligatures to their plain letters, then
/// lower case). Runs longer than 64 characters are dropped.
pub fn tokens(text: &str) -> Vec<String> {
    token_spans(text).into_iter().map(|(_, _, token)| token).collect()
}

/// [`tokens`] with the byte span of each in `text`.
pub(crate) fn token_spans(text: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut start = 0;
    let mut chars = 0;
    for (idx, c) in text.char_indices() {
        let mut folded = [c; 3];
        let folded: &[char] = match fold(c, &mut folded) {
            // Joins the characters around it.
            Some(0) => continue,
            Some(n) => &folded[..n],
            None => &[],
        };
        if folded.is_empty() || !folded.iter().all(|c| c.is_alphanumeric()) {
            if !current.is_empty() {
                if chars <= MAX_TOKEN_CHARS {
                    out.push((start, idx, std::mem::take(&mut current)));
                }
                current.clear();
                chars = 0;
            }
            continue;
        }
        if current.is_empty() {
            start = idx;
        }
        for c in folded {
            current.extend(c.to_lowercase());
            chars += 1;
        }
    }
    if !current.is_empty() && chars <= MAX_TOKEN_CHARS {
        out.push((start, text.len(), current));
    }
    out
}

/// NFKC-like folding of the compatibility characters news pages use: full-width ASCII, Latin
/// ligatures, superscript digits. Writes the replacement into `out` and returns its length.
fn fold(c: char, out: &mut [char; 3]) -> Option<usize> {
    let one = |out: &mut [char; 3], c: char| {
        out[0] = c;
        Some(1)
    };
    match c {
        '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
            char::from_u32(c as u32 - 0xFEE0).and_then(|c| one(out, c))
        }
        '\u{FB00}' => {
            out[..2].copy_from_slice(&['f', 'f']);
            Some(2)
        }
        '\u{FB01}' => {
            out[..2].copy_from_slice(&['f', 'i']);
            Some(2)
        }
        '\u{FB02}' => {
            out[..2].copy_from_slice(&['f', 'l']);
            Some(2)
        }
        '\u{FB03}' => {
            out.copy_from_slice(&['f', 'f', 'i']);
            Some(3)
        }
        '\u{FB04}' => {
            out.copy_from_slice(&['f', 'f', 'l']);
            Some(3)
        }
        '\u{00B9}' => one(out, '1'),
        '\u{00B2}' => one(out, '2'),
        '\u{00B3}' => one(out, '3'),
        // Soft hyphens and zero-width characters inside a word do not split it.
        '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' => Some(0),
        c => one(out, c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_1_articles_without_a_source_path_still_open() {
        let mut bytes = vec![1u8, 0, 1];
        put_text(&mut bytes, "Title");
        bytes.push(0);
        put_text(&mut bytes, "Text");
        put_list(&mut bytes, &[]);
        bytes.extend_from_slice(&0u32.to_le_bytes());
        let article = ArticleText::decode(&bytes).expect("format 1");
        assert_eq!(
            (article.title.as_deref(), article.text.as_str(), article.source_path.as_deref()),
            (Some("Title"), "Text", None)
        );
        bytes[0] = 3;
        assert!(ArticleText::decode(&bytes).is_err());
    }

    #[test]
    fn tokens_fold_case_width_ligatures_and_punctuation() {
        assert_eq!(
            tokens("Canary Testperson-7Q, ＫＡＢＵＬ’s ﬁle"),
            ["canary", "testperson", "7q", "kabul", "s", "file"]
        );
        assert_eq!(tokens("de\u{00AD}port"), ["deport"]);
        assert_eq!(tokens(&"x".repeat(65)), Vec::<String>::new());
        let spans = token_spans("Ab, cd");
        assert_eq!(spans, vec![(0, 2, "ab".to_owned()), (4, 6, "cd".to_owned())]);
    }

    #[test]
    fn text_keys_and_articles_round_trip_issue_4() {
        let keys = TextKeys::first().and_then(|k| k.next()).expect("keys");
        let decoded = TextKeys::decode(&keys.encode()).expect("decode");
        assert_eq!(decoded.len(), 2);
        assert_eq!(decoded.derived(SEARCH_CONTEXT), keys.derived(SEARCH_CONTEXT));
        assert!(TextKeys::decode(&[0, 0, 0, 0]).is_err());
        assert_eq!(format!("{keys:?}"), "TextKeys(<2 redacted>)");

        let text = ArticleText {
            url: Some("https://example.org/a".into()),
            source_path: Some("pages/canary-testperson-7q.html".into()),
            title: None,
            author: Some("Canary Testperson-7Q".into()),
            text: "text".into(),
            removed: vec!["nav".into()],
            sources: vec![vec![], vec!["his lawyer".into()]],
        };
        let back = ArticleText::decode(&text.encode()).expect("decode");
        assert_eq!(
            (&back.url, &back.source_path, &back.author, &back.sources, &back.removed),
            (&text.url, &text.source_path, &text.author, &text.sources, &text.removed)
        );
    }
}
