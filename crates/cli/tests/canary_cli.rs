//! The canary (issue 4): names of persons must never be readable without the key.
//!
//! Two canaries, for the two ways a name enters the record:
//! - "Canary Casefile-9Z" is typed into a case file (`person add`).
//! - "Canary Testperson-7Q" is in ingested articles (title, text, a source, evidence) and found
//!   by `extract`.
//!
//! With a key, neither name (nor its lower-case form, nor the surname alone) may appear in the
//! SQLite file, its WAL or shared-memory file, any column of any table, a `pg_dump` of the
//! PostgreSQL schema, any stderr line of any command, or the stdout of any command run without
//! the key. With the key they come back through `person show`, `show`, `incident` and `search`.
//! Rotation keeps every sealed row readable.

use std::ffi::OsStr;
use std::path::Path;

use assert_cmd::Command;
use store_postgres::test_support::{TempSchema, test_url};

const TYPED: &str = "Canary Casefile-9Z";
const EXTRACTED: &str = "Canary Testperson-7Q";
const PASSPHRASE: &str = "canary passphrase";
const NEW_PASSPHRASE: &str = "canary passphrase two";

/// Strings that must never be stored or printed without the key.
const FORBIDDEN: &[&str] = &[
    TYPED,
    EXTRACTED,
    "canary casefile-9z",
    "canary testperson-7q",
    "Testperson",
    "testperson",
    "Casefile-9Z",
    "casefile",
];

const PAGE: &str = "\
Canary Testperson-7Q deported to Afghanistan despite court appeal

Berlin, 12 March 2024 — Canary Testperson-7Q was deported to Afghanistan by German authorities on 11 March \
2024, his lawyer said.

A man named Canary Testperson-7Q had lived in Leipzig for six years before he was deported to Kabul, \
Canary Testperson-7Q said in a message to his family.
";

const PAGE_TWO: &str = "\
Afghan man deported from Leipzig

Leipzig, 13 March 2024 — German police deported Canary Testperson-7Q to Kabul on 11 March 2024, \
according to the refugee council of Saxony.
";

const PAGE_THREE: &str = "\
Second flight leaves Leipzig

Leipzig, 20 March 2024 — Canary Testperson-7Q's cousin was deported to Afghanistan by German \
authorities on 19 March 2024, the refugee council of Saxony said.
";

fn refwatch(db: &OsStr) -> Command {
    let mut cmd = Command::cargo_bin("refwatch").expect("refwatch binary");
    cmd.arg("--db")
        .arg(db)
        .env_remove("REFWATCH_DB")
        .env_remove("REFWATCH_PASSPHRASE")
        .env_remove("REFWATCH_NEW_PASSPHRASE");
    cmd
}

/// One command's result.
struct Run {
    ok: bool,
    stdout: String,
    stderr: String,
}

fn run(mut cmd: Command, args: &[&str]) -> Run {
    let out = cmd.args(args).output().expect("run refwatch");
    let run = Run {
        ok: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    // No log line of any command, with or without the key, names anyone.
    assert_clean(&run.stderr, &format!("stderr of {args:?}"));
    run
}

fn with_passphrase(db: &OsStr, passphrase: &str, args: &[&str]) -> String {
    let mut cmd = refwatch(db);
    cmd.env("REFWATCH_PASSPHRASE", passphrase);
    let run = run(cmd, args);
    assert!(run.ok, "{args:?} failed: {}{}", run.stdout, run.stderr);
    run.stdout
}

fn with_key(db: &OsStr, args: &[&str]) -> String {
    with_passphrase(db, PASSPHRASE, args)
}

fn without_key(db: &OsStr, args: &[&str]) -> Run {
    let run = run(refwatch(db), args);
    assert_clean(&run.stdout, &format!("stdout of {args:?} without the key"));
    run
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

fn assert_clean(text: &str, what: &str) {
    for name in FORBIDDEN {
        assert!(!text.contains(name), "{what} holds {name:?}:\n{text}");
    }
}

fn assert_bytes_clean(bytes: &[u8], what: &str) {
    for name in FORBIDDEN {
        assert!(!contains(bytes, name), "{what} holds {name:?}");
    }
}

/// Writes the fixture pages and returns their paths. One file is named like a headline slug, as
/// scraped pages often are: the path it was ingested from is sealed too.
fn pages(dir: &Path) -> Vec<String> {
    [("canary.txt", PAGE), ("canary-testperson-7q-deported.txt", PAGE_TWO), ("canary-three.txt", PAGE_THREE)]
        .iter()
        .map(|(name, text)| {
            let path = dir.join(name);
            std::fs::write(&path, text).expect("write page");
            path.to_str().expect("utf-8 path").to_owned()
        })
        .collect()
}

/// Runs every command on `db` (SQLite file or PostgreSQL URL) and checks their output; returns
/// the first page's hash. `keys init` must have run; leaves the database rotated once, with all
/// three pages in.
fn exercise(db: &OsStr, pages: &[String]) -> String {
    // Without the key, a keyed database takes no page.
    let refused = without_key(db, &["ingest", &pages[0]]);
    assert!(!refused.ok && refused.stderr.contains("sealed"), "{}", refused.stderr);
    let summary = with_key(db, &["ingest", &pages[0], &pages[1]]);
    assert!(summary.contains("new 2"), "{summary}");
    assert!(summary.contains("names of persons kept in sealed case files"), "{summary}");
    with_key(db, &["person", "add", "--name", TYPED, "--alias", TYPED, "--notes", TYPED]);

    let search = with_key(db, &["search", "Testperson", "--format", "json"]);
    let hits: serde_json::Value = serde_json::from_str(&search).expect("search json");
    let hits = hits.as_array().expect("hits");
    assert_eq!(hits.len(), 2, "{search}");
    let hash = hits
        .iter()
        .find(|hit| hit["title"].as_str().is_some_and(|t| t.contains("despite court appeal")))
        .and_then(|hit| hit["document"].as_str())
        .unwrap_or_else(|| panic!("no title opened in {search}"))
        .to_owned();
    assert!(search.contains(EXTRACTED), "no snippet: {search}");
    let ranked = with_key(db, &["search", "testperson", "family", "--format", "json"]);
    let ranked: serde_json::Value = serde_json::from_str(&ranked).expect("search json");
    assert_eq!(ranked[0]["document"].as_str(), Some(hash.as_str()), "more words matched ranks first");
    assert_eq!(ranked[0]["matches"].as_u64(), Some(2));

    // With the key, the names come back.
    let listed = with_key(db, &["person", "list"]);
    assert!(listed.contains(EXTRACTED) && listed.contains(TYPED), "{listed}");
    assert!(with_key(db, &["show", &hash]).contains(EXTRACTED));
    with_key(db, &["person", "link", "2", &hash]);
    let incidents: serde_json::Value =
        serde_json::from_str(&with_key(db, &["incidents", "--format", "json"])).expect("incidents json");
    let id = incidents["incidents"][0]["id"].as_str().expect("an incident id").to_owned();
    let explained = with_key(db, &["incident", &id]);
    assert!(explained.contains(EXTRACTED), "{explained}");

    // Without the key: no command output names anyone, and search refuses.
    let no_key: &[&[&str]] = &[
        &["person", "list"],
        &["person", "show", "1"],
        &["person", "show", "2"],
        &["incidents"],
        &["incidents", "--format", "json"],
        &["incidents", "--format", "csv"],
        &["timeline"],
        &["incident", &id],
        &["incident", &id, "--format", "json"],
        &["show", &hash],
        &["audit", "log"],
        &["audit", "verify"],
        &["keys", "export"],
        &["search", "Testperson"],
        &["search", EXTRACTED],
    ];
    for args in no_key {
        without_key(db, args);
    }
    let shown = without_key(db, &["show", &hash]);
    assert!(shown.ok && shown.stdout.contains("sealed"), "{}", shown.stdout);
    let search = without_key(db, &["search", "Testperson"]);
    assert!(!search.ok && search.stderr.contains("sealed"), "{}", search.stderr);
    assert!(without_key(db, &["incident", &id]).stdout.contains("evidence sealed"));

    // Rotation keeps every sealed row readable, and what is sealed afterwards too.
    let mut rotate = refwatch(db);
    rotate.env("REFWATCH_PASSPHRASE", PASSPHRASE).env("REFWATCH_NEW_PASSPHRASE", NEW_PASSPHRASE);
    let rotated = run(rotate, &["keys", "rotate"]);
    assert!(rotated.ok, "{}", rotated.stderr);
    with_passphrase(db, NEW_PASSPHRASE, &["ingest", &pages[2]]);
    assert!(with_passphrase(db, NEW_PASSPHRASE, &["show", &hash]).contains(EXTRACTED));
    let search = with_passphrase(db, NEW_PASSPHRASE, &["search", "testperson", "--format", "json"]);
    let hits: serde_json::Value = serde_json::from_str(&search).expect("search json");
    assert_eq!(hits.as_array().map(Vec::len), Some(3), "{search}");
    assert!(with_passphrase(db, NEW_PASSPHRASE, &["person", "show", "1"]).contains(EXTRACTED));
    assert!(with_passphrase(db, NEW_PASSPHRASE, &["audit", "verify"]).contains("intact"));
    for args in no_key {
        without_key(db, args);
    }
    hash
}

#[test]
fn canary_names_are_unreadable_without_the_key_issue_4() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("canary.db");
    let pages = pages(dir.path());
    with_key(db.as_os_str(), &["keys", "init"]);
    // Keep a connection open (and reading) so that the WAL is not checkpointed away before it is read.
    let conn = rusqlite::Connection::open(&db).expect("open raw");
    let _: i64 = conn.query_row("SELECT count(*) FROM data_keys", [], |r| r.get(0)).expect("read");
    let hash = exercise(db.as_os_str(), &pages);

    let mut files = 0;
    for suffix in ["", "-wal", "-shm"] {
        let path = dir.path().join(format!("canary.db{suffix}"));
        if path.exists() {
            assert_bytes_clean(
                &std::fs::read(&path).expect("read database file"),
                &path.display().to_string(),
            );
            files += 1;
        }
    }
    assert_eq!(files, 3, "the database, its WAL and its shared memory are all checked");

    // Every value of every column of every table, decoded as the database holds it.
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table'")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("tables");
    let mut checked = 0;
    for table in &tables {
        let columns: Vec<String> = conn
            .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .expect("columns");
        for column in columns {
            let values: Vec<Vec<u8>> = conn
                .prepare(&format!(
                    "SELECT CAST(\"{column}\" AS BLOB) FROM \"{table}\" WHERE \"{column}\" IS NOT NULL"
                ))
                .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
                .expect("values");
            for value in values {
                assert_bytes_clean(&value, &format!("{table}.{column}"));
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "only {checked} values checked");
    assert!(tables.iter().any(|t| t == "sealed_texts") && tables.iter().any(|t| t == "search_fts_data"));
    let raw: Vec<u8> =
        conn.query_row("SELECT bytes FROM pages WHERE hash = ?1", [&hash], |r| r.get(0)).expect("page row");
    assert!(raw.len() < 32, "the page bytes are sealed elsewhere, not stored in pages.bytes");
    drop(conn);
}

#[test]
fn canary_names_are_unreadable_without_the_key_on_postgres_issue_4() {
    let Some(url) = test_url() else { return };
    let schema =
        TempSchema::create(&url).unwrap_or_else(|err| panic!("REFWATCH_TEST_POSTGRES is set but: {err}"));
    let dir = tempfile::tempdir().expect("tempdir");
    let pages = pages(dir.path());
    with_key(OsStr::new(schema.url()), &["keys", "init"]);
    exercise(OsStr::new(schema.url()), &pages);

    let dump = std::process::Command::new("pg_dump")
        .arg("--dbname")
        .arg(&url)
        .arg("--schema")
        .arg(schema.name())
        .arg("--no-owner")
        .output();
    match dump {
        Ok(dump) => {
            assert!(dump.status.success(), "pg_dump failed: {}", String::from_utf8_lossy(&dump.stderr));
            let text = String::from_utf8_lossy(&dump.stdout);
            assert!(text.contains("sealed_texts") && text.contains("COPY"), "pg_dump dumped no data");
            assert_bytes_clean(&dump.stdout, "pg_dump of the PostgreSQL schema");
        }
        // Without pg_dump, every text value of every table, read through SQL.
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            let values = schema.text_values(&[]).expect("text values");
            assert!(values.len() > 100, "only {} values", values.len());
            for (table, value) in values {
                assert_clean(&value, &format!("{table} on PostgreSQL"));
            }
        }
        Err(err) => panic!("cannot run pg_dump: {err}"),
    }
}

#[test]
fn a_database_without_a_key_warns_and_keeps_working_issue_4() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("plain.db");
    let pages = pages(dir.path());
    let ingest = run(refwatch(db.as_os_str()), &["ingest", &pages[1]]);
    assert!(ingest.ok, "{}", ingest.stderr);
    assert_eq!(
        ingest.stderr.lines().filter(|l| l.contains("warning") && l.contains("plain text")).count(),
        1
    );
    let search = run(refwatch(db.as_os_str()), &["search", "Leipzig"]);
    assert!(search.ok && search.stdout.contains("Afghan man deported from Leipzig"), "{}", search.stdout);
}
