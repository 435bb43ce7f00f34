//! Store tests for the SQLite backend, through the public `Store` trait.

use domain::{
    Article, BoilerplateKind, Claim, ClaimKind, Count, CountQualifier, DatePrecision, DateSource, DateSpan,
    Evidence, NaiveDate, Nationality, PartialDate, Place, PlacePrecision, RawPage, RemovedBlock,
};
use store::{ClaimFilter, ClaimRecord, NewDocument, PutOutcome, Store, StoreError};
use store_sqlite::SqliteStore;

const PERSON: &str = "Pak Sol-mi";

fn article(title: &str) -> Article {
    Article {
        title: Some(title.to_owned()),
        author: Some("Desk Writer".to_owned()),
        published: NaiveDate::from_ymd_opt(2024, 3, 5),
        published_from: Some(DateSource::Meta),
        language: Some("en".to_owned()),
        text: "Authorities deported 40 people on 3 March.\n\nThey were flown to Kabul.".to_owned(),
        removed: vec![
            RemovedBlock { kind: BoilerplateKind::CookieNotice, text: "We use cookies".to_owned() },
            RemovedBlock { kind: BoilerplateKind::RelatedPosts, text: "Recent posts".to_owned() },
        ],
    }
}

fn claim() -> Claim {
    Claim {
        kind: ClaimKind::ForcedReturn,
        aggregate: false,
        date: DateSpan::day(PartialDate { year: None, month: 3, day: 3 }),
        count: Count {
            low: Some(40),
            high: Some(40),
            qualifier: CountQualifier::Exact,
            text: "40".to_owned(),
        },
        perpetrator: Some("DE".parse().expect("code")),
        destination: Some("AF".parse().expect("code")),
        nationality: Some(Nationality::Group("Hazara".to_owned())),
        place: Some(Place {
            name: "Leipzig".to_owned(),
            country: Some("DE".parse().expect("code")),
            admin1: Some("DE-SN".to_owned()),
            lat: Some(51.34),
            lon: Some(12.37),
            precision: PlacePrecision::City,
        }),
        women: Some(true),
        children: None,
        sources: vec!["Example Watch".to_owned(), "the ministry".to_owned()],
        persons: vec![PERSON.to_owned()],
        evidence: vec![Evidence {
            start: 0,
            end: 42,
            text: "Authorities deported 40 people on 3 March.".to_owned(),
        }],
    }
}

fn second_claim() -> Claim {
    Claim {
        kind: ClaimKind::Detention,
        aggregate: true,
        date: DateSpan { start: None, end: None, precision: DatePrecision::Unknown },
        count: Count {
            low: Some(501),
            high: None,
            qualifier: CountQualifier::MoreThan,
            text: "more than 500".into(),
        },
        perpetrator: None,
        destination: None,
        nationality: Some(Nationality::Country("KP".parse().expect("code"))),
        place: None,
        women: None,
        children: Some(false),
        sources: vec![],
        persons: vec![],
        evidence: vec![],
    }
}

fn put(store: &mut SqliteStore, bytes: &[u8], title: &str, claims: &[Claim]) -> (RawPage, PutOutcome) {
    let page = RawPage::new(bytes.to_vec(), Some("https://example.org/a".to_owned()));
    let article = article(title);
    let outcome = store
        .put_document(&NewDocument {
            page: &page,
            source_path: Some("pages/a.txt"),
            ingested_at: 1_700_000_000,
            pipeline_version: "test",
            article: &article,
            claims,
        })
        .expect("put");
    (page, outcome)
}

#[test]
fn claims_round_trip_without_person_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("t.db");
    let mut store = SqliteStore::open(&path).expect("open");
    let claims = [claim(), second_claim()];
    let (page, outcome) = put(&mut store, b"page one", "One", &claims);
    assert_eq!(outcome, PutOutcome::Inserted);

    let rows = store.list_claims(&ClaimFilter::default()).expect("list");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].document_hash, page.hash);
    assert_eq!(rows[0].document_title.as_deref(), Some("One"));
    assert_eq!(rows[0].claim_idx, 0);
    assert_eq!(rows[0].claim, ClaimRecord::from_claim(&claims[0]));
    assert_eq!(rows[0].claim.n_persons, 1);
    assert_eq!(rows[1].claim, ClaimRecord::from_claim(&claims[1]));

    let filtered = store
        .list_claims(&ClaimFilter { kind: Some(ClaimKind::Detention), ..ClaimFilter::default() })
        .expect("list");
    assert_eq!(filtered.len(), 1);
    let by_document = ClaimFilter {
        document_prefix: Some(page.hash.to_hex()[..6].to_owned()),
        limit: Some(1),
        ..ClaimFilter::default()
    };
    assert_eq!(store.list_claims(&by_document).expect("list").len(), 1);
    let other = ClaimFilter { document_prefix: Some("0000000000".to_owned()), ..ClaimFilter::default() };
    assert!(store.list_claims(&other).expect("list").is_empty());

    let document = store.get_document(&page.hash.to_hex()[..8]).expect("get");
    assert_eq!(document.title.as_deref(), Some("One"));
    assert_eq!(document.published, NaiveDate::from_ymd_opt(2024, 3, 5));
    assert_eq!(document.published_from, Some(DateSource::Meta));
    assert_eq!(document.removed, article("One").removed);
    assert_eq!(document.claims, rows.iter().map(|r| r.claim.clone()).collect::<Vec<_>>());
    assert_eq!(store.get_page(&page.hash).expect("page"), page);
    drop(store);

    // The name must not be in any column of any table except the raw page itself.
    let conn = rusqlite::Connection::open(&path).expect("open raw");
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name <> 'pages'")
        .expect("prepare")
        .query_map([], |row| row.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert!(tables.contains(&"claims".to_owned()));
    for table in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM {table}")).expect("prepare");
        let n = stmt.column_count();
        let mut rows = stmt.query([]).expect("query");
        while let Some(row) = rows.next().expect("row") {
            for i in 0..n {
                if let Ok(Some(text)) = row.get::<_, Option<String>>(i) {
                    assert!(!text.contains(PERSON), "person name stored in {table}");
                }
            }
        }
    }
}

#[test]
fn put_is_idempotent() {
    let mut store = SqliteStore::open_in_memory().expect("open");
    let (page, first) = put(&mut store, b"same bytes", "One", &[claim()]);
    let before = store.counts().expect("counts");
    let (_, second) = put(&mut store, b"same bytes", "Other title", &[claim(), claim()]);
    assert_eq!(first, PutOutcome::Inserted);
    assert_eq!(second, PutOutcome::AlreadyStored);
    assert_eq!(store.counts().expect("counts"), before);
    assert!(store.has_page(&page.hash).expect("has"));
    assert_eq!(store.get_document(&page.hash.to_hex()).expect("get").title.as_deref(), Some("One"));
    assert!(!store.has_page(&RawPage::new(b"other".to_vec(), None).hash).expect("has"));
}

#[test]
fn document_lookup_reports_missing_ambiguous_and_invalid() {
    let mut store = SqliteStore::open_in_memory().expect("open");
    // Find two pages whose hashes share their first four hex digits.
    let mut by_prefix = std::collections::HashMap::new();
    let mut pair = None;
    for i in 0..100_000u32 {
        let bytes = format!("page {i}").into_bytes();
        let hex = RawPage::new(bytes.clone(), None).hash.to_hex();
        if let Some(other) = by_prefix.insert(hex[..4].to_owned(), bytes.clone()) {
            pair = Some((other, bytes, hex[..4].to_owned()));
            break;
        }
    }
    let (a, b, prefix) = pair.expect("a shared prefix among 100000 hashes");
    put(&mut store, &a, "A", &[]);
    put(&mut store, &b, "B", &[]);
    assert!(matches!(store.get_document(&prefix), Err(StoreError::Ambiguous { matches: 2, .. })));
    assert!(matches!(store.get_document("0000000000000000"), Err(StoreError::NotFound(_))));
    assert!(matches!(store.get_document("xyz!"), Err(StoreError::InvalidInput(_))));
    let full = RawPage::new(a, None).hash.to_hex();
    assert_eq!(store.get_document(&full.to_uppercase()).expect("get").title.as_deref(), Some("A"));
}

#[test]
fn reopening_keeps_data_and_schema() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("t.db");
    {
        let mut store = SqliteStore::open(&path).expect("open");
        put(&mut store, b"kept", "Kept", &[claim()]);
        assert_eq!(store.schema_version().expect("version"), 1);
    }
    let store = SqliteStore::open(&path).expect("reopen");
    assert_eq!(store.schema_version().expect("version"), 1);
    let counts = store.counts().expect("counts");
    assert_eq!((counts.pages, counts.documents, counts.claims), (1, 1, 1));
    let documents = store.list_documents().expect("documents");
    assert_eq!(documents.len(), 1);
    assert_eq!(documents[0].n_claims, 1);
    assert_eq!(documents[0].source_path.as_deref(), Some("pages/a.txt"));
}

#[test]
fn newer_schema_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("t.db");
    drop(SqliteStore::open(&path).expect("open"));
    let conn = rusqlite::Connection::open(&path).expect("raw");
    conn.execute("INSERT INTO schema_migrations VALUES (999, 'future', 0)", []).expect("insert");
    drop(conn);
    assert!(matches!(SqliteStore::open(&path), Err(StoreError::Incompatible(_))));
}

#[test]
fn wal_and_foreign_keys_are_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("t.db");
    drop(SqliteStore::open(&path).expect("open"));
    let conn = rusqlite::Connection::open(&path).expect("raw");
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).expect("mode");
    assert_eq!(mode, "wal");
    // Foreign keys are per connection; check that the schema declares them.
    let fks: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_list('claims')", [], |r| r.get(0))
        .expect("fks");
    assert_eq!(fks, 1);
}
