//! The ingest use case against a real SQLite store in a temp folder.

use std::cell::RefCell;
use std::io::Write;
use std::path::{Path, PathBuf};

use service::{FileOutcome, IngestOptions, NoProgress, Progress};
use store::{ClaimFilter, Store};
use store_sqlite::SqliteStore;

fn page(n: usize) -> String {
    format!(
        "Country deports group {n}\n\nOn 3 March 2024 the authorities of Malaysia deported {n} Myanmar nationals to \
         Myanmar, officials said.\n\nThis is page number {n}.\n"
    )
}

fn write(path: &Path, bytes: &[u8]) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(path, bytes).expect("write");
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).expect("gzip");
    encoder.finish().expect("gzip")
}

/// Everything the store holds, as text, to compare whole databases through the public API.
fn dump(path: &Path) -> Vec<String> {
    let store = SqliteStore::open(path).expect("open");
    let mut out = vec![format!("{:?}", store.counts().expect("counts"))];
    for document in store.list_documents().expect("documents") {
        out.push(format!("{document:?}"));
        out.push(format!("{:?}", store.get_document(&document.hash.to_hex()).expect("document")));
        out.push(format!("{:?}", store.get_page(&document.hash).expect("page")));
    }
    out.push(format!("{:?}", store.list_claims(&ClaimFilter::default()).expect("claims")));
    out
}

#[derive(Default)]
struct Recorder {
    total: RefCell<usize>,
    done: RefCell<Vec<(PathBuf, FileOutcome)>>,
}

impl Progress for Recorder {
    fn start(&self, total: usize) {
        *self.total.borrow_mut() = total;
    }
    fn file_done(&self, path: &Path, outcome: &FileOutcome) {
        self.done.borrow_mut().push((path.to_owned(), outcome.clone()));
    }
}

#[test]
fn second_ingest_is_unchanged_and_leaves_the_database_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pages = dir.path().join("pages");
    for n in 0..20 {
        write(&pages.join(format!("sub{}/p{n:02}.txt", n % 3)), page(n).as_bytes());
    }
    write(
        &pages.join("zipped.html.gz"),
        &gzip(b"<html><title>Zipped</title><p>Nothing happened.</p></html>"),
    );
    write(&pages.join("notes.json"), b"{}"); // not a page: skipped silently
    let db = dir.path().join("t.db");
    let options = IngestOptions { threads: 3, batch_size: 7 };

    let mut store = SqliteStore::open(&db).expect("open");
    let first =
        service::ingest(&mut store, std::slice::from_ref(&pages), &options, &NoProgress).expect("ingest");
    assert_eq!((first.read, first.new, first.unchanged), (21, 21, 0));
    assert!(first.failed.is_empty(), "{:?}", first.failed);
    let counts = store.counts().expect("counts");
    assert_eq!((counts.pages, counts.documents, counts.claims), (21, 21, first.claims));
    drop(store);
    let before = dump(&db);

    let mut store = SqliteStore::open(&db).expect("open");
    let second = service::ingest(&mut store, &[pages], &options, &NoProgress).expect("ingest");
    assert_eq!((second.read, second.new, second.unchanged, second.claims), (21, 0, 21, 0));
    assert!(second.failed.is_empty());
    drop(store);
    assert_eq!(dump(&db), before);
}

#[test]
fn bad_files_are_reported_and_do_not_stop_the_batch() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(&root.join("a.txt"), page(1).as_bytes());
    write(&root.join("b.txt.gz"), b"this is not gzip");
    write(&root.join("c.html"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0");
    write(&root.join("d.txt"), page(1).as_bytes()); // same content as a.txt
    write(&root.join("e.htm"), page(2).as_bytes());
    let missing = root.join("missing.txt");
    let explicit_other = root.join("data.csv");
    write(&explicit_other, b"a,b\n");

    let mut store = SqliteStore::open_in_memory().expect("open");
    let recorder = Recorder::default();
    let paths = [root.to_owned(), missing.clone(), explicit_other.clone()];
    let summary = service::ingest(&mut store, &paths, &IngestOptions::default(), &recorder).expect("ingest");
    assert_eq!((summary.read, summary.new, summary.unchanged), (3, 2, 1));
    let failed: Vec<(&Path, &str)> =
        summary.failed.iter().map(|f| (f.path.as_path(), f.reason.as_str())).collect();
    assert_eq!(failed.len(), 4, "{failed:?}");
    // Path problems are found while listing, before any file is read.
    assert_eq!(failed[0].0, missing);
    assert!(failed[0].1.contains("cannot open"), "{}", failed[0].1);
    assert_eq!(failed[1].0, explicit_other);
    assert!(failed[1].1.contains("unsupported"), "{}", failed[1].1);
    assert_eq!(failed[2].0, root.join("b.txt.gz"));
    assert!(failed[2].1.contains("gzip"), "{}", failed[2].1);
    assert_eq!(failed[3].0, root.join("c.html"));
    assert!(failed[3].1.contains("binary"), "{}", failed[3].1);

    assert_eq!(*recorder.total.borrow(), 5);
    let done = recorder.done.borrow();
    let names: Vec<String> =
        done.iter().map(|(p, _)| p.file_name().expect("name").to_string_lossy().into_owned()).collect();
    assert_eq!(names, ["a.txt", "b.txt.gz", "c.html", "d.txt", "e.htm"]);
    assert!(matches!(done[0].1, FileOutcome::New { .. }));
    assert_eq!(done[1].1, FileOutcome::Failed);
    assert_eq!(done[3].1, FileOutcome::Unchanged);
    assert_eq!(store.counts().expect("counts").documents, 2);
}

#[test]
fn one_thread_and_many_threads_store_the_same() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pages = dir.path().join("pages");
    for n in 0..30 {
        write(&pages.join(format!("p{n:02}.txt")), page(n).as_bytes());
    }
    let mut dumps = Vec::new();
    for threads in [1, 4] {
        let db = dir.path().join(format!("t{threads}.db"));
        let mut store = SqliteStore::open(&db).expect("open");
        let options = IngestOptions { threads, batch_size: 8 };
        service::ingest(&mut store, std::slice::from_ref(&pages), &options, &NoProgress).expect("ingest");
        drop(store);
        // Ingest time differs between runs; everything else must match.
        let normalised: Vec<String> = dump(&db)
            .into_iter()
            .map(|line| {
                line.split(", ")
                    .filter(|part| !part.starts_with("ingested_at"))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .collect();
        dumps.push(normalised);
    }
    assert_eq!(dumps[0], dumps[1]);
}
