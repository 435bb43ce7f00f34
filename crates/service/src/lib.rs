//! `service`: refwatch's use cases, generic over [`Store`]. The CLI (and later the web crate)
//! call these; they hold the rules, the front ends only parse input and print output.
//!
//! - [`ingest`]: files and folders → raw pages → `read` → `extract` → one atomic
//!   `put_document` per new page. Reading and extraction run on all cores; writes stay on the
//!   calling thread, in a deterministic order.
//! - [`list_incidents`] and [`show_document`]: read-only views.
//! - [`reconcile`] (claims + stored decisions → incidents, via the `reconcile` crate) and
//!   [`record_decision`].
//! - [`record`]: data keys, sealed case files ([`record::CaseFile`]) and the audit log. With a key
//!   ([`IngestContext::key`]), ingest seals the names `extract` finds into case files linked to
//!   their claims; without one the names are dropped and counted.
//! - [`anchor`]: the audit log's head kept outside the database, which catches the log rolled
//!   back to an earlier state.

pub mod anchor;
pub mod backup;
pub mod open;
mod reconciled;
pub mod record;
pub mod search;
pub mod text;
pub mod users;

use std::collections::HashSet;
use std::io::Read;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use domain::{Article, Claim, ContentHash, RawPage};
use store::{ClaimFilter, ClaimRow, NewDocument, PutOutcome, Store, StoreError, StoredDocument};

/// The reconciliation vocabulary (incidents, decisions, timelines), for front ends.
pub use ::reconcile as model;
pub use reconciled::{ReconciledView, reconcile, record_decision};

/// The version recorded with every stored document: which reader and extractor produced it.
pub const PIPELINE_VERSION: &str = concat!("refwatch ", env!("CARGO_PKG_VERSION"));

/// The largest page accepted, before or after gzip decompression.
pub const MAX_PAGE_BYTES: u64 = 64 * 1024 * 1024;

/// What a use case can fail with. Per-file problems during ingest are not errors: they are
/// reported in [`IngestSummary::failed`].
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Crypto(#[from] crypto::CryptoError),
    #[error("this database has no data key (run `refwatch keys init`)")]
    NoKey,
    #[error("wrong passphrase or key file")]
    WrongKey,
    #[error("the data key is wrapped with a {0}; give that instead")]
    WrongKeyKind(&'static str),
    #[error("{0} does not open: the sealed row was altered, moved or replayed (tampering)")]
    Tampered(String),
    #[error("cannot draw random bytes: {0}")]
    Random(String),
    /// The database has a key, and the operation needs the texts or must seal them.
    #[error(
        "this database's texts are sealed: give the passphrase (REFWATCH_PASSPHRASE) or --key-file; \
         texts are never stored or searched in plain text once a database has a key"
    )]
    Sealed,
    /// The data key was stored before texts were sealed and carries no text keys.
    #[error("this database's data key has no text keys yet: run `refwatch keys rotate` once")]
    NoTextKeys,
    /// The input breaks a rule (a short password, a non-admin first user…).
    #[error("{0}")]
    InvalidInput(String),
    /// The audit anchor file cannot be read or written, or is malformed.
    #[error("audit anchor {0}")]
    Anchor(String),
    /// The acting user's role does not allow this.
    #[error("permission denied: {0}")]
    Forbidden(String),
}

/// Who ingests (for the audit log) and, when configured, the key that seals named persons.
#[derive(Debug, Clone, Copy)]
pub struct IngestContext<'a> {
    pub actor: &'a str,
    /// With a key, names found by `extract` become sealed case files; without, they are dropped.
    pub key: Option<&'a record::Unlocked>,
}

impl Default for IngestContext<'_> {
    fn default() -> Self {
        IngestContext { actor: "refwatch", key: None }
    }
}

/// How to ingest.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// Worker threads for reading and extraction; 0 means one per available core.
    pub threads: usize,
    /// How many files are loaded and processed before their results are written.
    pub batch_size: usize,
}

impl Default for IngestOptions {
    fn default() -> IngestOptions {
        IngestOptions { threads: 0, batch_size: 256 }
    }
}

/// What happened to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileOutcome {
    /// The page was new and is now stored with this many claims.
    New { claims: usize },
    /// A page with the same content is already stored (or appeared earlier in this run).
    Unchanged,
    /// The file could not be read or decoded; see [`IngestSummary::failed`].
    Failed,
}

/// Receives ingest progress. Called on the thread that called [`ingest`], in file order.
pub trait Progress {
    /// The files have been listed; `total` of them will be processed.
    fn start(&self, total: usize) {
        let _ = total;
    }
    /// One file is done.
    fn file_done(&self, path: &Path, outcome: &FileOutcome) {
        let _ = (path, outcome);
    }
    /// All files are done.
    fn finish(&self) {}
}

/// A [`Progress`] that ignores everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {}

/// A file that could not be ingested, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub path: PathBuf,
    pub reason: String,
}

/// The result of an ingest run. `read == new + unchanged`; every file found is counted either
/// in `read` or in `failed`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IngestSummary {
    /// Files read and decoded.
    pub read: usize,
    /// Pages stored by this run.
    pub new: usize,
    /// Pages that were already stored.
    pub unchanged: usize,
    /// Paths that could not be ingested, in the order met.
    pub failed: Vec<Failure>,
    /// Claims stored by this run.
    pub claims: usize,
    /// Names of persons stored as sealed case files.
    pub persons_sealed: usize,
    /// Names of persons not kept, because no key was configured.
    pub names_dropped: usize,
}

/// Ingests every page under `paths` (files and folders, recursively; `.txt`, `.html`, `.htm`
/// and `.gz` of those) into `store`. Per-file problems are collected in the summary and do not
/// stop the run; only a storage failure does. Names of persons are dropped (see [`ingest_with`]).
pub fn ingest<S: Store>(
    store: &mut S,
    paths: &[PathBuf],
    options: &IngestOptions,
    progress: &dyn Progress,
) -> Result<IngestSummary, ServiceError> {
    ingest_with(store, paths, options, &IngestContext::default(), progress)
}

/// [`ingest`] as `context.actor`, sealing named persons into case files when `context.key` is set.
pub fn ingest_with<S: Store>(
    store: &mut S,
    paths: &[PathBuf],
    options: &IngestOptions,
    context: &IngestContext<'_>,
    progress: &dyn Progress,
) -> Result<IngestSummary, ServiceError> {
    // Once a database has a key, no text goes in unsealed: without the key, ingest refuses.
    let text_keys = match (text::is_sealed(store)?, context.key) {
        (true, None) => return Err(ServiceError::Sealed),
        (true, Some(key)) => Some(text::text_keys(key)?),
        (false, _) => None,
    };
    // A process holding the key MACs the audit entries it appends (see `record::unlock`).
    if let Some(key) = context.key {
        record::sign_audit_with(store, key);
    }
    let mut summary = IngestSummary::default();
    let files = list_files(paths, &mut summary.failed);
    let threads = match options.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    let ingested_at = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let ingested_at = i64::try_from(ingested_at).unwrap_or(i64::MAX);
    let mut seen: HashSet<ContentHash> = HashSet::new();

    progress.start(files.len());
    for batch in files.chunks(options.batch_size.max(1)) {
        // Load and hash in parallel; the IO is the slow part for small pages.
        let loaded = par_map(batch, threads, |path| load_page(path));

        // Decide in order which pages are new, so that duplicates within the run are found.
        let mut outcomes: Vec<Option<FileOutcome>> = vec![None; batch.len()];
        let mut fresh: Vec<(usize, RawPage)> = Vec::new();
        for (idx, (path, page)) in batch.iter().zip(loaded).enumerate() {
            match page {
                Err(reason) => {
                    summary.failed.push(Failure { path: path.clone(), reason });
                    outcomes[idx] = Some(FileOutcome::Failed);
                }
                Ok(page) => {
                    summary.read += 1;
                    if seen.contains(&page.hash) || store.has_page(&page.hash)? {
                        summary.unchanged += 1;
                        outcomes[idx] = Some(FileOutcome::Unchanged);
                    } else {
                        seen.insert(page.hash);
                        fresh.push((idx, page));
                    }
                }
            }
        }

        // Read and extract the new pages on all cores, then write them one by one, in order.
        let processed = par_map(&fresh, threads, |(idx, page)| {
            let source_path = batch[*idx].display().to_string();
            process(page).map(|(article, claims)| match text_keys {
                Some(keys) => text::prepare_sealed(keys, page, source_path, &article, &claims),
                None => Ok(text::prepare_plain(page.clone(), source_path, article, claims)),
            })
        });
        let mut processed = fresh.iter().zip(processed).peekable();
        for (idx, path) in batch.iter().enumerate() {
            let outcome = match outcomes[idx].take() {
                Some(outcome) => outcome,
                None => {
                    let Some((_, result)) = processed.next_if(|((i, _), _)| *i == idx) else {
                        continue;
                    };
                    match result {
                        Err(reason) => {
                            // Counted as read above; a page the pipeline cannot handle is a failure.
                            summary.read -= 1;
                            summary.failed.push(Failure { path: path.clone(), reason });
                            FileOutcome::Failed
                        }
                        Ok(prepared) => {
                            let text::Prepared { page, source_path, article, claims, index } = prepared?;
                            let names = named_persons(&claims);
                            let persons = match context.key {
                                Some(key) => seal_persons(store, key, &names)?,
                                None => Vec::new(),
                            };
                            let document = NewDocument {
                                page: &page,
                                source_path: source_path.as_deref(),
                                ingested_at,
                                pipeline_version: PIPELINE_VERSION,
                                article: &article,
                                claims: &claims,
                                persons: &persons,
                                actor: context.actor,
                            };
                            let put = store.put_document_indexed(&document, &index)?;
                            match put {
                                PutOutcome::Inserted => {
                                    summary.new += 1;
                                    summary.claims += claims.len();
                                    summary.persons_sealed += persons.len();
                                    summary.names_dropped += names.len() - persons.len();
                                    FileOutcome::New { claims: claims.len() }
                                }
                                // Another process stored it since we checked.
                                PutOutcome::AlreadyStored => {
                                    summary.unchanged += 1;
                                    FileOutcome::Unchanged
                                }
                            }
                        }
                    }
                }
            };
            progress.file_done(path, &outcome);
        }
    }
    progress.finish();
    Ok(summary)
}

/// The distinct names the claims give, each with the claims (by position) that name it.
fn named_persons(claims: &[Claim]) -> Vec<(&str, Vec<usize>)> {
    let mut names: Vec<(&str, Vec<usize>)> = Vec::new();
    for (idx, claim) in claims.iter().enumerate() {
        for name in &claim.persons {
            match names.iter_mut().find(|(known, _)| *known == name.as_str()) {
                Some((_, claim_idx)) => claim_idx.push(idx),
                None => names.push((name.as_str(), vec![idx])),
            }
        }
    }
    names
}

/// One sealed case file per distinct name, linked to the claims that name the person.
fn seal_persons<S: Store>(
    store: &mut S,
    key: &record::Unlocked,
    names: &[(&str, Vec<usize>)],
) -> Result<Vec<store::DocumentPerson>, ServiceError> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let ids = store.reserve_person_ids(names.len())?;
    names
        .iter()
        .zip(ids)
        .map(|((name, claim_idx), id)| {
            let case = record::CaseFile::named(name);
            Ok(store::DocumentPerson {
                person: record::seal_new(key, id, &case)?,
                claim_idx: claim_idx.clone(),
            })
        })
        .collect()
}

/// Stored claims with their documents, for the incidents list.
/// Sealed evidence (stored as prints) comes back as empty text with its span.
pub fn list_incidents<S: Store>(store: &S, filter: &ClaimFilter) -> Result<Vec<ClaimRow>, ServiceError> {
    let mut rows = store.list_claims(filter)?;
    for evidence in rows.iter_mut().flat_map(|row| row.claim.evidence.iter_mut()) {
        if reconcile::is_print(&evidence.text) {
            evidence.text.clear();
        }
    }
    Ok(rows)
}

/// One stored document by hash or unique hex prefix, with removed blocks and claims. Sealed texts
/// stay sealed (empty); [`text::open_document`] opens them with the key.
pub fn show_document<S: Store>(store: &S, hash_or_prefix: &str) -> Result<StoredDocument, ServiceError> {
    Ok(store.get_document(hash_or_prefix)?)
}

/// Whether a file name is one ingest takes: `.txt`, `.html`, `.htm`, or `.gz` of those.
pub fn is_page_file(path: &Path) -> bool {
    let name = match path.file_name().and_then(|n| n.to_str()) {
        Some(name) => name.to_ascii_lowercase(),
        None => return false,
    };
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    [".txt", ".html", ".htm"].iter().any(|ext| name.ends_with(ext))
}

/// Expands `paths` into page files: folders recursively, entries sorted by name so that the
/// order is the same on every machine. Symbolic links to files are followed; links to folders
/// are not, so a cycle cannot make the walk endless.
fn list_files(paths: &[PathBuf], failed: &mut Vec<Failure>) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Err(err) => failed.push(Failure { path: path.clone(), reason: io_reason("cannot open", &err) }),
            Ok(meta) if meta.is_dir() => walk_dir(path, &mut files, failed),
            Ok(_) if is_page_file(path) => files.push(path.clone()),
            Ok(_) => failed.push(Failure {
                path: path.clone(),
                reason: "unsupported file type (expected .txt, .html, .htm, or .gz of those)".to_owned(),
            }),
        }
    }
    files
}

fn walk_dir(dir: &Path, files: &mut Vec<PathBuf>, failed: &mut Vec<Failure>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => {
            failed.push(Failure { path: dir.to_owned(), reason: io_reason("cannot list folder", &err) });
            return;
        }
    };
    let mut paths = Vec::new();
    for entry in entries {
        match entry {
            Ok(entry) => paths.push(entry.path()),
            Err(err) => {
                failed.push(Failure { path: dir.to_owned(), reason: io_reason("cannot list folder", &err) })
            }
        }
    }
    paths.sort();
    for path in paths {
        let Ok(link_meta) = std::fs::symlink_metadata(&path) else {
            failed.push(Failure { path, reason: "cannot open".to_owned() });
            continue;
        };
        if link_meta.is_dir() {
            walk_dir(&path, files, failed);
        } else if is_page_file(&path) {
            files.push(path);
        }
    }
}

/// Reads a page file (gunzipping `.gz`) and checks that it is text.
fn load_page(path: &Path) -> Result<RawPage, String> {
    let file = std::fs::File::open(path).map_err(|err| io_reason("cannot open", &err))?;
    let mut bytes = Vec::new();
    file.take(MAX_PAGE_BYTES + 1).read_to_end(&mut bytes).map_err(|err| io_reason("cannot read", &err))?;
    if bytes.len() as u64 > MAX_PAGE_BYTES {
        return Err(format!("file is larger than {} MiB", MAX_PAGE_BYTES / (1024 * 1024)));
    }
    let is_gz = path.extension().is_some_and(|ext| ext.eq_ignore_ascii_case("gz"));
    if is_gz {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(bytes.as_slice())
            .take(MAX_PAGE_BYTES + 1)
            .read_to_end(&mut out)
            .map_err(|err| format!("cannot decompress gzip: {err}"))?;
        if out.len() as u64 > MAX_PAGE_BYTES {
            return Err(format!("decompressed page is larger than {} MiB", MAX_PAGE_BYTES / (1024 * 1024)));
        }
        bytes = out;
    }
    check_text(&bytes)?;
    Ok(RawPage::new(bytes, None))
}

/// Rejects files that cannot be a page of text: empty files and binary data. Text in a legacy
/// encoding passes; the reader detects and decodes it.
pub fn check_text(bytes: &[u8]) -> Result<(), String> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err("empty file".to_owned());
    }
    // UTF-16 with a byte-order mark is text even though it is full of zero bytes.
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Ok(());
    }
    if bytes.contains(&0) {
        return Err("not text: binary data (contains zero bytes)".to_owned());
    }
    if std::str::from_utf8(bytes).is_ok() {
        return Ok(());
    }
    // Not UTF-8: accept a legacy 8-bit encoding unless control characters say it is binary.
    let controls = bytes.iter().filter(|&&b| (b < 0x20 && !b"\t\n\r\x0c".contains(&b)) || b == 0x7F).count();
    if controls * 100 > bytes.len() {
        return Err("not text: not UTF-8 and too many control characters to be another encoding".to_owned());
    }
    Ok(())
}

/// Runs the pure pipeline on one page. The stages promise never to panic; if one does anyway,
/// the page is reported as failed instead of taking the whole run down.
fn process(page: &RawPage) -> Result<(Article, Vec<Claim>), String> {
    catch_unwind(AssertUnwindSafe(|| {
        let (article, _diagnostics) = read::read(page);
        let (claims, _diagnostics) = extract::extract(&article);
        (article, claims)
    }))
    .map_err(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        format!("internal error while reading or extracting: {message}")
    })
}

fn io_reason(what: &str, err: &std::io::Error) -> String {
    format!("{what}: {err}")
}

/// Maps `f` over `items` on up to `threads` threads and returns the results in input order.
fn par_map<T: Sync, R: Send>(items: &[T], threads: usize, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = threads.min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let mut results: Vec<Option<R>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let idx = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(idx) else { break };
                        out.push((idx, f(item)));
                    }
                    out
                })
            })
            .collect();
        for worker in workers {
            match worker.join() {
                Ok(out) => {
                    for (idx, result) in out {
                        results[idx] = Some(result);
                    }
                }
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
    });
    results.into_iter().map(|r| r.expect("every index is taken by exactly one worker")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_files_are_recognised() {
        for name in ["a.txt", "b.HTML", "c.htm", "d.txt.gz", "e.html.GZ"] {
            assert!(is_page_file(Path::new(name)), "{name}");
        }
        for name in ["a.json", "b.gz", "c.tar.gz", "txt", "d.pdf"] {
            assert!(!is_page_file(Path::new(name)), "{name}");
        }
    }

    #[test]
    fn text_is_told_from_binary() {
        assert!(check_text("Deported on 3 May".as_bytes()).is_ok());
        assert!(check_text(b"caf\xe9 au lait, d\xe9port\xe9s").is_ok()); // Latin-1
        assert!(check_text(b"\xff\xfeh\0i\0").is_ok()); // UTF-16LE with BOM
        assert!(check_text(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").is_err());
        assert!(check_text(b"\x01\x02\x03\x04\xff\x05abc").is_err());
        assert!(check_text(b"  \n").is_err());
    }

    #[test]
    fn par_map_keeps_order() {
        let items: Vec<u32> = (0..1000).collect();
        assert_eq!(par_map(&items, 4, |n| n * 2), items.iter().map(|n| n * 2).collect::<Vec<_>>());
        assert_eq!(par_map(&items[..0], 4, |n| *n), Vec::<u32>::new());
    }
}
