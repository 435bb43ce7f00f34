//! `store-conformance`: the behaviour every [`Store`] backend must show, as one suite that runs
//! on each of them (SQLite in a temp file always, PostgreSQL when `REFWATCH_TEST_POSTGRES` is set).
//!
//! A backend provides a [`Backend`]: a fresh, empty database that can be opened more than once
//! (to test reopening and concurrent writers) and whose stored text can be read back raw (to
//! check that person names are stored nowhere). Each check is a public function taking a
//! backend; [`tests!`] turns every check into its own `#[test]`, and [`run_all`] runs them in
//! one go.
//!
//! Test-only crate: checks panic with a message on failure.

use std::collections::HashMap;

use domain::{
    Article, BoilerplateKind, Claim, ClaimKind, Count, CountQualifier, DatePrecision, DateSource, DateSpan,
    Evidence, NaiveDate, Nationality, PartialDate, Place, PlacePrecision, RawPage, RemovedBlock,
};
use store::{ClaimFilter, ClaimRecord, NewDecision, NewDocument, PutOutcome, Store, StoreError};

/// One fresh, empty database of a backend, for the life of this value.
pub trait Backend {
    /// Opens a store on this database, applying migrations. Every call opens the same database
    /// through a new connection.
    fn open(&self) -> Result<Box<dyn Store + Send>, StoreError>;

    /// Every non-null text value stored in any table except `pages` (which holds the raw page),
    /// as `(table, value)`.
    fn text_values(&self) -> Result<Vec<(String, String)>, StoreError>;
}

/// The names of every check, in the order [`run_all`] runs them.
pub const CHECKS: &[&str] = &[
    "claims_round_trip_without_person_names",
    "put_is_idempotent",
    "document_lookup_reports_missing_ambiguous_and_invalid",
    "reopening_keeps_data",
    "failed_put_leaves_nothing",
    "concurrent_puts_store_each_page_once",
    "listing_is_in_ingest_order",
    "empty_store_lists_nothing",
    "decisions_are_appended_in_order",
];

/// Runs every check, each on a fresh backend from `make`.
pub fn run_all<B: Backend>(make: impl Fn() -> B) {
    claims_round_trip_without_person_names(&make());
    put_is_idempotent(&make());
    document_lookup_reports_missing_ambiguous_and_invalid(&make());
    reopening_keeps_data(&make());
    failed_put_leaves_nothing(&make());
    concurrent_puts_store_each_page_once(&make());
    listing_is_in_ingest_order(&make());
    empty_store_lists_nothing(&make());
    decisions_are_appended_in_order(&make());
}

/// Expands to one `#[test]` per check. `$make` is an expression of type
/// `impl Fn() -> Option<B>`; `None` skips the test (a backend that is not configured).
#[macro_export]
macro_rules! tests {
    ($make:expr) => {
        $crate::tests!(@each $make;
            claims_round_trip_without_person_names,
            put_is_idempotent,
            document_lookup_reports_missing_ambiguous_and_invalid,
            reopening_keeps_data,
            failed_put_leaves_nothing,
            concurrent_puts_store_each_page_once,
            listing_is_in_ingest_order,
            empty_store_lists_nothing,
            decisions_are_appended_in_order
        );
    };
    (@each $make:expr; $($check:ident),*) => {
        $(
            #[test]
            fn $check() {
                if let Some(backend) = ($make)() {
                    $crate::$check(&backend);
                }
            }
        )*
    };
}

/// A person named in a claim. Must never be stored in any column outside the raw page.
pub const PERSON: &str = "Canary Testperson-7Q";

/// A claim of every field filled, naming [`PERSON`].
pub fn full_claim() -> Claim {
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
        perpetrator: Some(code("DE")),
        destination: Some(code("AF")),
        nationality: Some(Nationality::Group("Hazara".to_owned())),
        place: Some(Place {
            name: "Leipzig".to_owned(),
            country: Some(code("DE")),
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

/// A claim with most fields empty.
pub fn sparse_claim() -> Claim {
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
        nationality: Some(Nationality::Country(code("KP"))),
        place: None,
        women: None,
        children: Some(false),
        sources: vec![],
        persons: vec![],
        evidence: vec![],
    }
}

/// An article with non-ASCII text and two removed blocks.
pub fn article(title: &str) -> Article {
    Article {
        title: Some(title.to_owned()),
        author: Some("Desk Writer".to_owned()),
        published: NaiveDate::from_ymd_opt(2024, 3, 5),
        published_from: Some(DateSource::Meta),
        language: Some("en".to_owned()),
        text: "Authorities deported 40 people on 3 March.\n\nThey were flown to Kabul — «ü» 😀.".to_owned(),
        removed: vec![
            RemovedBlock { kind: BoilerplateKind::CookieNotice, text: "We use cookies".to_owned() },
            RemovedBlock { kind: BoilerplateKind::RelatedPosts, text: "Recent posts".to_owned() },
        ],
    }
}

/// Stores a page of `bytes` with `article(title)` and `claims`.
pub fn put(
    store: &mut dyn Store,
    bytes: &[u8],
    title: &str,
    claims: &[Claim],
) -> Result<(RawPage, PutOutcome), StoreError> {
    let page = RawPage::new(bytes.to_vec(), Some("https://example.org/a".to_owned()));
    let article = article(title);
    let outcome = store.put_document(&NewDocument {
        page: &page,
        source_path: Some("pages/a.txt"),
        ingested_at: 1_700_000_000,
        pipeline_version: "test",
        article: &article,
        claims,
    })?;
    Ok((page, outcome))
}

fn code(text: &str) -> domain::CountryCode {
    text.parse().expect("a valid country code literal")
}

fn open(backend: &dyn Backend) -> Box<dyn Store + Send> {
    backend.open().expect("open the store")
}

/// Every field of a claim survives the round trip except the persons' names, of which only the
/// number is kept; no name is stored in any column outside the raw page.
pub fn claims_round_trip_without_person_names(backend: &dyn Backend) {
    let mut store = open(backend);
    let claims = [full_claim(), sparse_claim()];
    let (page, outcome) = put(store.as_mut(), b"page one", "One", &claims).expect("put");
    assert_eq!(outcome, PutOutcome::Inserted);

    let rows = store.list_claims(&ClaimFilter::default()).expect("list");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].document_hash, page.hash);
    assert_eq!(rows[0].document_title.as_deref(), Some("One"));
    assert_eq!((rows[0].claim_idx, rows[1].claim_idx), (0, 1));
    assert_eq!(rows[0].claim, ClaimRecord::from_claim(&claims[0]));
    assert_eq!(rows[0].claim.n_persons, 1);
    assert_eq!(rows[1].claim, ClaimRecord::from_claim(&claims[1]));

    let filtered = store
        .list_claims(&ClaimFilter { kind: Some(ClaimKind::Detention), ..ClaimFilter::default() })
        .expect("list");
    assert_eq!(filtered.len(), 1);
    assert_eq!(filtered[0].claim_idx, 1);
    let by_document = ClaimFilter {
        document_prefix: Some(page.hash.to_hex()[..6].to_owned()),
        limit: Some(1),
        ..ClaimFilter::default()
    };
    assert_eq!(store.list_claims(&by_document).expect("list").len(), 1);
    let other = ClaimFilter { document_prefix: Some("0000000000".to_owned()), ..ClaimFilter::default() };
    assert!(store.list_claims(&other).expect("list").is_empty());

    let document = store.get_document(&page.hash.to_hex()[..8]).expect("get");
    let expected = article("One");
    assert_eq!(document.hash, page.hash);
    assert_eq!(document.url.as_deref(), Some("https://example.org/a"));
    assert_eq!(document.source_path.as_deref(), Some("pages/a.txt"));
    assert_eq!(document.ingested_at, 1_700_000_000);
    assert_eq!(document.pipeline_version, "test");
    assert_eq!(document.page_size, b"page one".len());
    assert_eq!(document.title, expected.title);
    assert_eq!(document.author, expected.author);
    assert_eq!(document.published, expected.published);
    assert_eq!(document.published_from, Some(DateSource::Meta));
    assert_eq!(document.language.as_deref(), Some("en"));
    assert_eq!(document.text, expected.text);
    assert_eq!(document.removed, expected.removed);
    assert_eq!(document.claims, rows.iter().map(|r| r.claim.clone()).collect::<Vec<_>>());
    assert_eq!(store.get_page(&page.hash).expect("page"), page);
    drop(store);

    let values = backend.text_values().expect("read stored text");
    assert!(values.iter().any(|(table, _)| table == "claims"), "no claim text found: {values:?}");
    assert!(values.iter().any(|(_, value)| value == "Hazara"), "the check must see claim columns");
    for (table, value) in values {
        assert!(!value.contains(PERSON), "person name stored in {table}");
    }
}

/// A page stored twice is stored once: the second put changes nothing.
pub fn put_is_idempotent(backend: &dyn Backend) {
    let mut store = open(backend);
    let (page, first) = put(store.as_mut(), b"same bytes", "One", &[full_claim()]).expect("put");
    let before = store.counts().expect("counts");
    let (_, second) =
        put(store.as_mut(), b"same bytes", "Other title", &[full_claim(), full_claim()]).expect("put");
    assert_eq!(first, PutOutcome::Inserted);
    assert_eq!(second, PutOutcome::AlreadyStored);
    assert_eq!(store.counts().expect("counts"), before);
    assert_eq!((before.pages, before.documents, before.claims), (1, 1, 1));
    assert!(store.has_page(&page.hash).expect("has"));
    assert_eq!(store.get_document(&page.hash.to_hex()).expect("get").title.as_deref(), Some("One"));
    assert!(!store.has_page(&RawPage::new(b"other".to_vec(), None).hash).expect("has"));
}

/// `get_document` by prefix: ambiguous, missing and malformed prefixes are told apart.
pub fn document_lookup_reports_missing_ambiguous_and_invalid(backend: &dyn Backend) {
    let mut store = open(backend);
    // Find two pages whose hashes share their first four hex digits.
    let mut by_prefix = HashMap::new();
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
    put(store.as_mut(), &a, "A", &[]).expect("put");
    put(store.as_mut(), &b, "B", &[]).expect("put");
    assert!(matches!(store.get_document(&prefix), Err(StoreError::Ambiguous { matches: 2, .. })));
    assert!(matches!(store.get_document("0000000000000000"), Err(StoreError::NotFound(_))));
    assert!(matches!(store.get_document("xyz!"), Err(StoreError::InvalidInput(_))));
    assert!(matches!(store.get_document("abc"), Err(StoreError::InvalidInput(_))));
    let full = RawPage::new(a, None).hash.to_hex();
    assert_eq!(store.get_document(&full.to_uppercase()).expect("get").title.as_deref(), Some("A"));
    let missing = RawPage::new(b"never stored".to_vec(), None).hash;
    assert!(matches!(store.get_page(&missing), Err(StoreError::NotFound(_))));
}

/// What one connection stored, another one opened later sees.
pub fn reopening_keeps_data(backend: &dyn Backend) {
    {
        let mut store = open(backend);
        put(store.as_mut(), b"kept", "Kept", &[full_claim()]).expect("put");
    }
    let store = open(backend);
    let counts = store.counts().expect("counts");
    assert_eq!((counts.pages, counts.documents, counts.claims), (1, 1, 1));
    let documents = store.list_documents().expect("documents");
    assert_eq!(documents.len(), 1);
    assert_eq!(documents[0].title.as_deref(), Some("Kept"));
    assert_eq!(documents[0].published, NaiveDate::from_ymd_opt(2024, 3, 5));
    assert_eq!(documents[0].n_claims, 1);
    assert_eq!(documents[0].source_path.as_deref(), Some("pages/a.txt"));
}

/// A put that fails part-way (a count too large to store, met after the page row is written)
/// leaves nothing behind, and the page can be stored afterwards.
pub fn failed_put_leaves_nothing(backend: &dyn Backend) {
    let mut store = open(backend);
    let mut too_large = sparse_claim();
    too_large.count.low = Some(u64::MAX);
    let result = put(store.as_mut(), b"half written", "Half", &[full_claim(), too_large]);
    assert!(matches!(result, Err(StoreError::InvalidInput(_))), "{result:?}");
    let page = RawPage::new(b"half written".to_vec(), None);
    assert!(!store.has_page(&page.hash).expect("has"));
    assert_eq!(store.counts().expect("counts"), store::Counts::default());
    let (_, outcome) = put(store.as_mut(), b"half written", "Half", &[full_claim()]).expect("put");
    assert_eq!(outcome, PutOutcome::Inserted);
    assert_eq!(store.counts().expect("counts").claims, 1);
}

/// Two writers (separate connections, as two processes would have) storing the same pages at
/// the same time: each page is inserted by exactly one of them, the other reports
/// `AlreadyStored`, and nothing is stored twice.
pub fn concurrent_puts_store_each_page_once(backend: &dyn Backend) {
    const PAGES: usize = 24;
    let writers: Vec<Box<dyn Store + Send>> = (0..2).map(|_| open(backend)).collect();
    let barrier = std::sync::Barrier::new(writers.len());
    let outcomes: Vec<Vec<PutOutcome>> = std::thread::scope(|scope| {
        let handles: Vec<_> = writers
            .into_iter()
            .map(|mut store| {
                let barrier = &barrier;
                scope.spawn(move || {
                    barrier.wait();
                    (0..PAGES)
                        .map(|i| {
                            let bytes = format!("contended page {i}");
                            put(
                                store.as_mut(),
                                bytes.as_bytes(),
                                "Contended",
                                &[full_claim(), sparse_claim()],
                            )
                            .expect("concurrent put")
                            .1
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("writer thread")).collect()
    });
    for i in 0..PAGES {
        let inserted = outcomes.iter().filter(|o| o[i] == PutOutcome::Inserted).count();
        assert_eq!(inserted, 1, "page {i} inserted {inserted} times");
    }
    let store = open(backend);
    let counts = store.counts().expect("counts");
    assert_eq!((counts.pages, counts.documents, counts.claims), (PAGES, PAGES, 2 * PAGES));
}

/// Documents and claims come back in ingest order, claims by position; `limit` cuts the list.
pub fn listing_is_in_ingest_order(backend: &dyn Backend) {
    let mut store = open(backend);
    let titles = ["Zulu", "Alpha", "Mike"];
    let mut hashes = Vec::new();
    for title in titles {
        let (page, _) =
            put(store.as_mut(), title.as_bytes(), title, &[sparse_claim(), full_claim()]).expect("put");
        hashes.push(page.hash);
    }
    let documents = store.list_documents().expect("documents");
    assert_eq!(documents.iter().map(|d| d.hash).collect::<Vec<_>>(), hashes);
    assert_eq!(documents.iter().filter_map(|d| d.title.as_deref()).collect::<Vec<_>>(), titles);
    let claims = store.list_claims(&ClaimFilter::default()).expect("claims");
    let order: Vec<_> = claims.iter().map(|c| (c.document_hash, c.claim_idx)).collect();
    let expected: Vec<_> = hashes.iter().flat_map(|h| [(*h, 0), (*h, 1)]).collect();
    assert_eq!(order, expected);
    assert_eq!(claims[0].claim.kind, ClaimKind::Detention);
    let limited =
        store.list_claims(&ClaimFilter { limit: Some(3), ..ClaimFilter::default() }).expect("claims");
    assert_eq!(limited.len(), 3);
    let forced = ClaimFilter { kind: Some(ClaimKind::ForcedReturn), ..ClaimFilter::default() };
    assert!(store.list_claims(&forced).expect("claims").iter().all(|c| c.claim_idx == 1));
}

/// A new store is empty and says so without failing.
pub fn empty_store_lists_nothing(backend: &dyn Backend) {
    let store = open(backend);
    assert_eq!(store.counts().expect("counts"), store::Counts::default());
    assert!(store.list_documents().expect("documents").is_empty());
    assert!(store.list_claims(&ClaimFilter::default()).expect("claims").is_empty());
    assert!(matches!(store.get_document("abcd"), Err(StoreError::NotFound(_))));
}

/// Decisions come back in the order they were added, every field intact, with growing ids; a
/// decision of unknown kind is refused; they survive reopening.
pub fn decisions_are_appended_in_order(backend: &dyn Backend) {
    let mut store = open(backend);
    assert!(store.list_decisions().expect("decisions").is_empty());
    let merge = NewDecision {
        kind: "merge".to_owned(),
        claim: "aaaa:forced_return:0-42".to_owned(),
        claim_evidence: "Authorities deported 40 people on 3 March.".to_owned(),
        other: Some("bbbb:forced_return:10-52".to_owned()),
        other_evidence: Some("Forty people were deported — «ü».".to_owned()),
        field: None,
        value: None,
        actor: "analyst-1".to_owned(),
        created_at: 1_700_000_100,
    };
    let fix = NewDecision {
        kind: "fix".to_owned(),
        other: None,
        other_evidence: None,
        field: Some("count".to_owned()),
        value: Some("41".to_owned()),
        created_at: 1_700_000_200,
        ..merge.clone()
    };
    let first = store.add_decision(&merge).expect("add merge");
    let second = store.add_decision(&fix).expect("add fix");
    assert!(second > first, "ids must grow: {first} then {second}");
    let bogus = NewDecision { kind: "delete_everything".to_owned(), ..merge.clone() };
    assert!(store.add_decision(&bogus).is_err(), "unknown decision kind accepted");
    drop(store);
    let decisions = open(backend).list_decisions().expect("decisions");
    assert_eq!(decisions.iter().map(|d| d.id).collect::<Vec<_>>(), vec![first, second]);
    assert_eq!(decisions[0].decision, merge);
    assert_eq!(decisions[1].decision, fix);
}
