//! Sealed page texts (issue 4): a sealed row altered, moved to another document or relabelled
//! with another text-key generation fails to open and is reported as tampering, never shown; the
//! same incidents come out of a sealed and a plain database; decisions survive re-ingest by prints.

use std::path::Path;

use assert_cmd::Command;

const PASSPHRASE: &str = "sealed text passphrase";

const PAGE_ONE: &str = "\
Germany deports Afghan man

Berlin, 12 March 2024 — Sealed Testname-3K was deported to Afghanistan by German authorities on 11 March \
2024, his lawyer said.
";

const PAGE_TWO: &str = "\
Malaysia deports 112 Myanmar nationals

Kuala Lumpur, 14 February 2025 — Malaysia deported 112 Myanmar nationals on 14 February 2025, the \
immigration department said.
";

fn refwatch(db: &Path) -> Command {
    let mut cmd = Command::cargo_bin("refwatch").expect("refwatch binary");
    cmd.arg("--db").arg(db).env_remove("REFWATCH_DB").env_remove("REFWATCH_PASSPHRASE");
    // The passphrase only for a database that has a key (the plain one is named plain.db).
    if !db.ends_with("plain.db") {
        cmd.env("REFWATCH_PASSPHRASE", PASSPHRASE);
    }
    cmd
}

fn run(db: &Path, args: &[&str]) -> (bool, String) {
    let out = refwatch(db).args(args).output().expect("run refwatch");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

fn ok(db: &Path, args: &[&str]) -> String {
    let (ok, text) = run(db, args);
    assert!(ok, "{args:?} failed: {text}");
    text
}

fn setup(dir: &Path, keyed: bool) -> (std::path::PathBuf, Vec<String>) {
    let db = dir.join(if keyed { "sealed.db" } else { "plain.db" });
    let mut paths = Vec::new();
    for (name, text) in [("one.txt", PAGE_ONE), ("two.txt", PAGE_TWO)] {
        let path = dir.join(name);
        std::fs::write(&path, text).expect("write page");
        paths.push(path.to_str().expect("utf-8").to_owned());
    }
    if keyed {
        ok(&db, &["keys", "init"]);
    }
    ok(&db, &["ingest", &paths[0], &paths[1]]);
    (db, paths)
}

fn hashes(db: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).expect("open raw");
    conn.prepare("SELECT hash FROM pages ORDER BY id")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("hashes")
}

#[test]
fn tampered_sealed_texts_are_named_not_shown_issue_4() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (db, _) = setup(dir.path(), true);
    let hashes = hashes(&db);
    assert!(ok(&db, &["show", &hashes[0]]).contains("Sealed Testname-3K"));
    let conn = rusqlite::Connection::open(&db).expect("open raw");
    let tamperings = [
        // Swap the two documents' sealed articles.
        "UPDATE sealed_texts SET article = CASE document_id
             WHEN 1 THEN (SELECT article FROM sealed_texts WHERE document_id = 2)
             ELSE (SELECT article FROM sealed_texts WHERE document_id = 1) END",
        // Relabel the generation.
        "UPDATE sealed_texts SET text_key = 2 WHERE document_id = 1",
        // Replace the sealed page with the other document's.
        "UPDATE sealed_texts SET page = (SELECT page FROM sealed_texts WHERE document_id = 2) WHERE document_id = 1",
    ];
    let original: Vec<(i64, i64, Vec<u8>, Vec<u8>)> = conn
        .prepare("SELECT document_id, text_key, page, article FROM sealed_texts")
        .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?.collect())
        .expect("sealed rows");
    for sql in tamperings {
        conn.execute_batch(sql).expect("tamper");
        let (shown, text) = run(&db, &["show", &hashes[0]]);
        assert!(!shown && text.contains("tampering"), "{sql}: {text}");
        assert!(!text.contains("Sealed Testname-3K") && !text.contains("Malaysia deported"), "{sql}: {text}");
        for (id, generation, page, article) in &original {
            conn.execute(
                "UPDATE sealed_texts SET text_key = ?2, page = ?3, article = ?4 WHERE document_id = ?1",
                rusqlite::params![id, generation, page, article],
            )
            .expect("undo");
        }
    }
    assert!(ok(&db, &["show", &hashes[0]]).contains("Sealed Testname-3K"));

    // One flipped bit of a sealed article, or of the text keys beside the data key, is named.
    for (table, column, row, at) in
        [("sealed_texts", "article", "document_id", 40), ("data_keys", "wrapped", "id", 130)]
    {
        let mut bytes: Vec<u8> = conn
            .query_row(&format!("SELECT {column} FROM {table} WHERE {row} = 1"), [], |r| r.get(0))
            .expect("sealed bytes");
        bytes[at] ^= 1;
        conn.execute(&format!("UPDATE {table} SET {column} = ?1 WHERE {row} = 1"), [&bytes]).expect("tamper");
        let (shown, text) = run(&db, &["show", &hashes[0]]);
        assert!(!shown && text.contains("tampering"), "{table}.{column}: {text}");
        assert!(!text.contains("Sealed Testname-3K"), "{text}");
        bytes[at] ^= 1;
        conn.execute(&format!("UPDATE {table} SET {column} = ?1 WHERE {row} = 1"), [&bytes]).expect("undo");
    }
    assert!(ok(&db, &["show", &hashes[0]]).contains("Sealed Testname-3K"));
}

#[test]
fn sealed_and_plain_databases_reconcile_alike_and_keep_decisions_issue_4() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (sealed, _) = setup(dir.path(), true);
    let (plain, _) = setup(dir.path(), false);
    let json = |db: &Path| -> serde_json::Value {
        serde_json::from_str(&ok(db, &["incidents", "--format", "json"])).expect("json")
    };
    let (sealed_json, plain_json) = (json(&sealed), json(&plain));
    assert_eq!(sealed_json, plain_json);
    let incidents = sealed_json["incidents"].as_array().expect("incidents");
    assert!(incidents.len() >= 2, "{sealed_json}");

    // A decision stored in a sealed database holds a print, not the sentence, and still applies.
    let id = incidents[0]["id"].as_str().expect("id").to_owned();
    ok(&sealed, &["reject", &id]);
    let conn = rusqlite::Connection::open(&sealed).expect("open raw");
    let evidence: String =
        conn.query_row("SELECT claim_evidence FROM decisions", [], |r| r.get(0)).expect("decision");
    assert!(evidence.starts_with("~ ") && !evidence.contains("deport"), "{evidence}");
    let after = json(&sealed);
    assert_ne!(after, sealed_json, "the rejection changed nothing");
}
