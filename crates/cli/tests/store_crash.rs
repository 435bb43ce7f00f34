//! A `refwatch ingest` killed with SIGKILL in the middle of a run leaves a consistent database,
//! and a rerun completes it.

use std::path::Path;
use std::process::{Command as StdCommand, Stdio};
use std::time::Duration;

use assert_cmd::Command;
use domain::RawPage;
use rusqlite::{Connection, OpenFlags};
use store::Store;
use store_sqlite::SqliteStore;

const N_PAGES: usize = 3000;

const COUNTRIES: &[(&str, &str, &str)] = &[
    ("Malaysia", "Myanmar", "Myanmar nationals"),
    ("Thailand", "Cambodia", "Cambodian workers"),
    ("Lebanon", "Syria", "Syrian refugees"),
    ("Mexico", "Honduras", "Honduran migrants"),
    ("Pakistan", "Afghanistan", "Afghan families"),
];

const MONTHS: &[&str] = &["January", "March", "May", "July", "September", "November"];

/// A short wire story; every page differs, most of them assert one forced return.
fn page(n: usize) -> String {
    let (from, to, who) = COUNTRIES[n % COUNTRIES.len()];
    let month = MONTHS[n % MONTHS.len()];
    let day = 1 + n % 28;
    let count = 10 + n % 190;
    format!(
        "{from} deports {count} {who}\n\nBy Desk Writer {n}\n\n{from} deported {count} {who} to {to} on {day} {month} \
         2024, officials said in a statement.\n\nA support group said that some of them had been held for weeks \
         before the flight.\n\nRelated: story {n} | story {}\n",
        n + 1
    )
}

fn documents_stored(db: &Path) -> usize {
    let Ok(conn) = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY) else { return 0 };
    let _ = conn.busy_timeout(Duration::from_secs(5));
    conn.query_row("SELECT count(*) FROM documents", [], |row| row.get::<_, i64>(0))
        .map_or(0, |n| usize::try_from(n).unwrap_or(0))
}

fn summary_numbers(stdout: &str) -> Vec<usize> {
    let line = stdout.lines().find(|l| l.starts_with("read ")).expect("summary line");
    line.split(", ")
        .map(|part| part.rsplit(' ').next().and_then(|n| n.parse().ok()).expect("number"))
        .collect()
}

#[test]
fn kill_9_mid_ingest_leaves_a_consistent_database_that_a_rerun_completes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pages = dir.path().join("pages");
    for n in 0..N_PAGES {
        let sub = pages.join(format!("batch{:02}", n / 100));
        std::fs::create_dir_all(&sub).expect("mkdir");
        std::fs::write(sub.join(format!("page{n:04}.txt")), page(n)).expect("write");
    }
    let db = dir.path().join("crash.db");

    let mut child = StdCommand::new(assert_cmd::cargo::cargo_bin("refwatch"))
        .arg("--db")
        .arg(&db)
        .arg("ingest")
        .arg(&pages)
        .env_remove("REFWATCH_DB")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn refwatch ingest");
    // Kill it as soon as some documents are committed, while it is still writing.
    let finished_early = loop {
        if child.try_wait().expect("try_wait").is_some() {
            break true;
        }
        if documents_stored(&db) >= 10 {
            child.kill().expect("SIGKILL");
            child.wait().expect("wait");
            break false;
        }
        std::thread::sleep(Duration::from_millis(2));
    };

    // The database is intact and holds only whole documents.
    let conn = Connection::open(&db).expect("open after kill");
    let integrity: String =
        conn.query_row("PRAGMA integrity_check", [], |row| row.get(0)).expect("integrity");
    assert_eq!(integrity, "ok");
    let fk_violations: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |row| row.get(0))
        .expect("fk check");
    assert_eq!(fk_violations, 0);
    let pages_without_document: i64 = conn
        .query_row("SELECT count(*) FROM pages p WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.page_id = p.id)", [], |r| {
            r.get(0)
        })
        .expect("query");
    assert_eq!(pages_without_document, 0);
    let documents_missing_claims: i64 = conn
        .query_row(
            "SELECT count(*) FROM documents d WHERE d.n_claims <> (SELECT count(*) FROM claims c WHERE c.document_id = d.id)",
            [],
            |r| r.get(0),
        )
        .expect("query");
    assert_eq!(documents_missing_claims, 0);
    drop(conn);

    let store = SqliteStore::open(&db).expect("open store");
    let stored = store.list_documents().expect("documents");
    let counts = store.counts().expect("counts");
    assert_eq!(counts.pages, stored.len());
    eprintln!(
        "killed after {} of {N_PAGES} documents (finished before the kill: {finished_early})",
        stored.len()
    );
    // The last documents written before the kill are whole: page bytes, and the claims the
    // pipeline gives for them.
    for summary in stored.iter().rev().take(20) {
        let page = store.get_page(&summary.hash).expect("page bytes");
        assert_eq!(page, RawPage::new(page.bytes.clone(), None));
        let (article, _) = read::read(&page);
        let (claims, _) = extract::extract(&article);
        let document = store.get_document(&summary.hash.to_hex()).expect("document");
        assert_eq!(document.claims.len(), claims.len());
        assert_eq!(document.text, article.text);
    }
    drop(store);

    // A rerun completes the job.
    let output = Command::cargo_bin("refwatch")
        .expect("refwatch binary")
        .arg("--db")
        .arg(&db)
        .arg("ingest")
        .arg(&pages)
        .env_remove("REFWATCH_DB")
        .output()
        .expect("rerun");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    let numbers = summary_numbers(&stdout);
    let [read, new, unchanged, failed, _claims] = numbers[..] else { panic!("summary: {stdout}") };
    assert_eq!(failed, 0);
    assert_eq!(read, N_PAGES);
    assert_eq!(new + unchanged, N_PAGES);
    assert_eq!(unchanged, stored.len());
    let store = SqliteStore::open(&db).expect("open store");
    let counts = store.counts().expect("counts");
    assert_eq!((counts.pages, counts.documents), (N_PAGES, N_PAGES));
}
