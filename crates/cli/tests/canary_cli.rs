//! The canary (issue 4): names of persons must never be readable without the key.
//!
//! Two canaries, for the two ways a name enters the record:
//! - "Canary Casefile-9Z" is typed into a case file (`person add`). It must appear nowhere in the
//!   SQLite file or its WAL, nor in the output of any command run without the key, and must come
//!   back through `person show` with the key.
//! - "Canary Testperson-7Q" is in an ingested article and found by `extract`. Its case file is
//!   sealed the same way, and it must not appear in any column except the ones that still hold the
//!   article itself (`pages.bytes`, `documents.text`, `claim_evidence.text`, `removed_blocks.text`,
//!   `documents.title`), nor in the output of `incidents`, `audit log` or `person list` without the
//!   key. The article text is not sealed yet, so the name is still in the file and in `show`.

use std::path::Path;

use assert_cmd::Command;

const TYPED: &str = "Canary Casefile-9Z";
const EXTRACTED: &str = "Canary Testperson-7Q";
const PASSPHRASE: &str = "canary passphrase";

const PAGE: &str = "\
Germany deports Afghan man despite court appeal

Berlin, 12 March 2024 — Canary Testperson-7Q was deported to Afghanistan by German authorities on 11 March \
2024, his lawyer said.

A man named Canary Testperson-7Q had lived in Leipzig for six years before he was deported to Kabul.
";

/// Tables and columns that hold the article itself, which is not sealed yet.
const ARTICLE_COLUMNS: &[(&str, &str)] = &[
    ("pages", "bytes"),
    ("documents", "text"),
    ("documents", "title"),
    ("claim_evidence", "text"),
    ("removed_blocks", "text"),
];

fn refwatch(db: &Path) -> Command {
    let mut cmd = Command::cargo_bin("refwatch").expect("refwatch binary");
    cmd.arg("--db").arg(db).env_remove("REFWATCH_DB").env_remove("REFWATCH_PASSPHRASE");
    cmd
}

/// Runs a command and returns stdout and stderr together.
fn output(mut cmd: Command, args: &[&str]) -> (bool, String) {
    let out = cmd.args(args).output().expect("run refwatch");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

fn with_key(db: &Path, args: &[&str]) -> String {
    let mut cmd = refwatch(db);
    cmd.env("REFWATCH_PASSPHRASE", PASSPHRASE);
    let (ok, text) = output(cmd, args);
    assert!(ok, "{args:?} failed: {text}");
    text
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn canary_names_are_unreadable_without_the_key_issue_4() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("canary.db");
    let page = dir.path().join("canary.txt");
    std::fs::write(&page, PAGE).expect("write page");

    with_key(&db, &["keys", "init"]);
    let summary = with_key(&db, &["ingest", page.to_str().expect("utf-8")]);
    assert!(summary.contains("names of persons kept in sealed case files: 1"), "{summary}");
    with_key(&db, &["person", "add", "--name", TYPED, "--alias", TYPED, "--notes", TYPED]);

    // With the key, both come back.
    let listed = with_key(&db, &["person", "list"]);
    assert!(listed.contains(EXTRACTED) && listed.contains(TYPED), "{listed}");
    assert!(with_key(&db, &["person", "show", "1"]).contains(EXTRACTED));
    assert!(with_key(&db, &["person", "show", "2"]).contains(TYPED));

    // Keep a connection open so that the WAL is not checkpointed away before it is read.
    let conn = rusqlite::Connection::open(&db).expect("open raw");
    let hash: String = conn.query_row("SELECT hash FROM pages", [], |r| r.get(0)).expect("hash");
    with_key(&db, &["person", "link", "2", &hash]);

    // Without the key: no command output names either canary (except `show`, which prints the
    // article, for the extracted one).
    let no_key: &[&[&str]] = &[
        &["person", "list"],
        &["person", "show", "1"],
        &["person", "show", "2"],
        &["incidents"],
        &["incidents", "--format", "json"],
        &["timeline"],
        &["audit", "log"],
        &["audit", "verify"],
        &["keys", "export"],
    ];
    for args in no_key {
        let (_, text) = output(refwatch(&db), args);
        assert!(!text.contains(TYPED) && !text.contains(EXTRACTED), "{args:?} printed a name:\n{text}");
    }
    let (_, shown) = output(refwatch(&db), &["show", &hash]);
    assert!(!shown.contains(TYPED), "show printed the typed canary");

    // The typed canary is nowhere in the database file or its WAL.
    let wal = dir.path().join("canary.db-wal");
    let mut files = vec![std::fs::read(&db).expect("db file")];
    if wal.exists() {
        files.push(std::fs::read(&wal).expect("wal file"));
    }
    assert!(files.len() == 2, "no WAL to check while a connection is open");
    for bytes in &files {
        assert!(!contains(bytes, TYPED), "the typed canary is stored in plain text");
    }

    // The extracted canary is in no column but the article's own.
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table'")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("tables");
    let mut checked = 0;
    for table in tables {
        let columns: Vec<String> = conn
            .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .expect("columns");
        for column in columns {
            if ARTICLE_COLUMNS.contains(&(table.as_str(), column.as_str())) {
                continue;
            }
            let values: Vec<Vec<u8>> = conn
                .prepare(&format!(
                    "SELECT CAST(\"{column}\" AS BLOB) FROM \"{table}\" WHERE \"{column}\" IS NOT NULL"
                ))
                .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
                .expect("values");
            for value in values {
                assert!(!contains(&value, EXTRACTED), "{table}.{column} holds the extracted canary");
                assert!(!contains(&value, TYPED), "{table}.{column} holds the typed canary");
                checked += 1;
            }
        }
    }
    assert!(checked > 50, "only {checked} values checked");
    drop(conn);
}
