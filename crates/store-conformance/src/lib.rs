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
use store::{
    Actor, ClaimFilter, ClaimRecord, DocumentPerson, KeyKind, LinkTarget, NewDecision, NewDocument, NewKey,
    NewPerson, PersonRow, PutOutcome, Store, StoreError,
};

/// One fresh, empty database of a backend, for the life of this value.
pub trait Backend {
    /// Opens a store on this database, applying migrations. Every call opens the same database
    /// through a new connection.
    fn open(&self) -> Result<Box<dyn Store + Send>, StoreError>;

    /// Every non-null text value stored in any table except `pages` (which holds the raw page),
    /// as `(table, value)`.
    fn text_values(&self) -> Result<Vec<(String, String)>, StoreError>;

    /// Runs SQL statements directly on the database, bypassing the store (to tamper with it).
    fn execute(&self, sql: &str) -> Result<(), StoreError>;
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
    "keys_are_stored_once_and_rotated_atomically",
    "new_case_files_need_the_current_key",
    "case_files_round_trip_sealed_with_links",
    "every_write_appends_to_the_audit_chain",
    "audit_tampering_is_detected",
    "audit_macs_cover_keyed_writes_and_catch_a_rewrite",
    "users_and_tokens_round_trip",
    "backup_streams_every_table_and_restore_needs_an_empty_store",
    "search_ranks_the_same_on_every_backend",
    "sealed_texts_and_signatures_round_trip",
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
    keys_are_stored_once_and_rotated_atomically(&make());
    new_case_files_need_the_current_key(&make());
    case_files_round_trip_sealed_with_links(&make());
    every_write_appends_to_the_audit_chain(&make());
    audit_tampering_is_detected(&make());
    audit_macs_cover_keyed_writes_and_catch_a_rewrite(&make());
    users_and_tokens_round_trip(&make());
    backup_streams_every_table_and_restore_needs_an_empty_store(&make());
    search_ranks_the_same_on_every_backend(&make());
    sealed_texts_and_signatures_round_trip(&make());
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
            decisions_are_appended_in_order,
            keys_are_stored_once_and_rotated_atomically,
            new_case_files_need_the_current_key,
            case_files_round_trip_sealed_with_links,
            every_write_appends_to_the_audit_chain,
            audit_tampering_is_detected,
            audit_macs_cover_keyed_writes_and_catch_a_rewrite,
            users_and_tokens_round_trip,
            backup_streams_every_table_and_restore_needs_an_empty_store,
            search_ranks_the_same_on_every_backend,
            sealed_texts_and_signatures_round_trip
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

mod search;
mod users;
pub use search::{sealed_texts_and_signatures_round_trip, search_ranks_the_same_on_every_backend};
pub use users::{backup_streams_every_table_and_restore_needs_an_empty_store, users_and_tokens_round_trip};

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
        persons: &[],
        actor: "test",
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

const ACTOR: Actor<'static> = Actor { name: "tester", at: 1_700_000_300 };

fn key(byte: u8) -> NewKey {
    NewKey { kind: KeyKind::Passphrase, wrapped: vec![byte; 89] }
}

/// Stores a page with `claims` and one sealed case file (opaque bytes) linked to claim 0.
fn put_with_person(store: &mut dyn Store, bytes: &[u8], key_id: i64) -> (RawPage, i64) {
    let page = RawPage::new(bytes.to_vec(), None);
    let article = article("With a person");
    let claims = [full_claim(), sparse_claim()];
    let ids = store.reserve_person_ids(1).expect("reserve");
    let persons = [DocumentPerson {
        person: NewPerson { id: ids[0], key_id, sealed: vec![0xA5; 60] },
        claim_idx: vec![0],
    }];
    let outcome = store
        .put_document(&NewDocument {
            page: &page,
            source_path: None,
            ingested_at: 1_700_000_000,
            pipeline_version: "test",
            article: &article,
            claims: &claims,
            persons: &persons,
            actor: "ingester",
        })
        .expect("put with person");
    assert_eq!(outcome, PutOutcome::Inserted);
    (page, ids[0])
}

/// One data key can be initialised; a second `init` conflicts; rotation stores a new current key
/// and re-seals every case file, and refuses (changing nothing) when a case file is missing.
pub fn keys_are_stored_once_and_rotated_atomically(backend: &dyn Backend) {
    let mut store = open(backend);
    assert_eq!(store.current_key().expect("no key"), None);
    let first = store.init_key(&key(1), ACTOR).expect("init");
    let current = store.current_key().expect("key").expect("a key");
    assert_eq!(
        (current.id, current.kind, current.wrapped.clone()),
        (first, KeyKind::Passphrase, vec![1; 89])
    );
    assert!(matches!(store.init_key(&key(2), ACTOR), Err(StoreError::Conflict(_))), "second init accepted");

    let ids = store.reserve_person_ids(2).expect("reserve");
    for &id in &ids {
        store.add_person(&NewPerson { id, key_id: first, sealed: vec![7; 40] }, ACTOR).expect("add person");
    }
    let partial = [PersonRow { id: ids[0], version: 1, key_id: 0, sealed: vec![8; 40] }];
    assert!(matches!(store.rotate_key(&key(3), &partial, ACTOR), Err(StoreError::Conflict(_))));
    assert_eq!(store.current_key().expect("key").map(|k| k.id), Some(first), "failed rotation kept a key");
    assert!(
        store.list_persons().expect("persons").iter().all(|p| p.sealed == vec![7; 40] && p.key_id == first)
    );

    let resealed: Vec<PersonRow> =
        ids.iter().map(|&id| PersonRow { id, version: 1, key_id: 0, sealed: vec![9; 41] }).collect();
    let second = store.rotate_key(&key(4), &resealed, ACTOR).expect("rotate");
    assert!(second > first);
    drop(store);
    let store = open(backend);
    assert_eq!(store.current_key().expect("key").map(|k| (k.id, k.wrapped)), Some((second, vec![4; 89])));
    let persons = store.list_persons().expect("persons");
    assert_eq!(persons.len(), 2);
    assert!(persons.iter().all(|p| p.sealed == vec![9; 41] && p.key_id == second && p.version == 1));
    // The retired key keeps its row but not its wrapped bytes (so the old secret unwraps nothing
    // in the database), as a copy of the database shows.
    assert_eq!(wrapped_keys(store.as_ref()), [vec![], vec![4; 89]]);
}

/// Every `data_keys.wrapped` value, oldest key first, through the backup stream (which dumps every
/// row of every table, as any copy of the database would hold it).
fn wrapped_keys(store: &dyn Store) -> Vec<Vec<u8>> {
    #[derive(Default)]
    struct Collect {
        column: Option<usize>,
        rows: Vec<(i64, Vec<u8>)>,
    }
    impl store::BackupSink for Collect {
        fn item(&mut self, item: store::BackupItem) -> Result<(), StoreError> {
            match item {
                store::BackupItem::Table { name, columns } => {
                    self.column =
                        (name == "data_keys").then(|| columns.iter().position(|c| c == "wrapped")).flatten();
                }
                store::BackupItem::Row(values) => {
                    if let (Some(column), Some(store::backup::Value::Int(id))) = (self.column, values.first())
                        && let Some(store::backup::Value::Blob(bytes)) = values.get(column)
                    {
                        self.rows.push((*id, bytes.clone()));
                    }
                }
                store::BackupItem::Begin { .. } => {}
            }
            Ok(())
        }
    }
    let mut sink = Collect::default();
    store.backup(&mut sink).expect("backup stream");
    sink.rows.sort();
    sink.rows.into_iter().map(|(_, bytes)| bytes).collect()
}

/// A process that unlocked before `keys rotate` still holds the retired key: the store refuses
/// new case files sealed with it (alone or with ingest), writing nothing, and accepts the current
/// key.
pub fn new_case_files_need_the_current_key(backend: &dyn Backend) {
    let mut store = open(backend);
    let ids = store.reserve_person_ids(1).expect("reserve");
    let before = NewPerson { id: ids[0], key_id: 1, sealed: vec![7; 40] };
    assert!(matches!(store.add_person(&before, ACTOR), Err(StoreError::Conflict(_))), "no key stored yet");
    let first = store.init_key(&key(1), ACTOR).expect("init");
    let second = store.rotate_key(&key(2), &[], ACTOR).expect("rotate");
    assert!(second > first);

    let ids = store.reserve_person_ids(1).expect("reserve");
    let stale = NewPerson { id: ids[0], key_id: first, sealed: vec![7; 40] };
    match store.add_person(&stale, ACTOR) {
        Err(StoreError::Conflict(message)) => {
            assert!(message.contains(store::KEY_ROTATED), "unclear message: {message}")
        }
        other => panic!("a case file sealed with the retired key was accepted: {other:?}"),
    }
    let page = RawPage::new(b"<html><body>stale key</body></html>".to_vec(), None);
    let article = article("Stale key");
    let claims = [full_claim()];
    let persons = [DocumentPerson { person: stale.clone(), claim_idx: vec![0] }];
    let put = store.put_document(&NewDocument {
        page: &page,
        source_path: None,
        ingested_at: 1_700_000_000,
        pipeline_version: "test",
        article: &article,
        claims: &claims,
        persons: &persons,
        actor: "ingester",
    });
    assert!(matches!(put, Err(StoreError::Conflict(_))), "ingest sealed with the retired key: {put:?}");
    assert!(store.list_persons().expect("persons").is_empty());
    assert!(store.list_documents().expect("documents").is_empty(), "failed ingest left a document");

    store.add_person(&NewPerson { key_id: second, ..stale }, ACTOR).expect("current key");
    assert_eq!(store.list_persons().expect("persons").len(), 1);
}

/// Case files go in sealed (opaque bytes) with ingest or alone, come back byte for byte, and
/// keep their links to claims and documents; reserved ids are never handed out twice.
pub fn case_files_round_trip_sealed_with_links(backend: &dyn Backend) {
    let mut store = open(backend);
    let key_id = store.init_key(&key(1), ACTOR).expect("init");
    let (page, person) = put_with_person(store.as_mut(), b"page with a person", key_id);
    let row = store.get_person(person).expect("person");
    assert_eq!(row, PersonRow { id: person, version: 1, key_id, sealed: vec![0xA5; 60] });
    assert_eq!(
        store.person_links(person).expect("links"),
        vec![LinkTarget::Claim { document: page.hash, claim_idx: 0 }]
    );

    let more = store.reserve_person_ids(3).expect("reserve");
    assert_eq!(more.len(), 3);
    assert!(more.iter().all(|&id| id != person), "id handed out twice");
    let alone = more[1];
    store.add_person(&NewPerson { id: alone, key_id, sealed: vec![1, 2, 3] }, ACTOR).expect("add");
    store.link_person(alone, &LinkTarget::Document(page.hash), ACTOR).expect("link document");
    store
        .link_person(alone, &LinkTarget::Claim { document: page.hash, claim_idx: 1 }, ACTOR)
        .expect("link claim");
    let missing_claim = LinkTarget::Claim { document: page.hash, claim_idx: 9 };
    assert!(matches!(store.link_person(alone, &missing_claim, ACTOR), Err(StoreError::NotFound(_))));
    let other = RawPage::new(b"never stored".to_vec(), None);
    assert!(matches!(
        store.link_person(alone, &LinkTarget::Document(other.hash), ACTOR),
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.link_person(-5, &LinkTarget::Document(page.hash), ACTOR),
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(store.get_person(-5), Err(StoreError::NotFound(_))));
    drop(store);

    let store = open(backend);
    assert_eq!(store.list_persons().expect("persons").iter().map(|p| p.id).collect::<Vec<_>>(), {
        let mut ids = vec![person, alone];
        ids.sort_unstable();
        ids
    });
    assert_eq!(
        store.person_links(alone).expect("links"),
        vec![LinkTarget::Document(page.hash), LinkTarget::Claim { document: page.hash, claim_idx: 1 }]
    );
    // The name in full_claim() went nowhere: only opaque sealed bytes were passed.
    let values = backend.text_values().expect("text values");
    assert!(!values.iter().any(|(_, v)| v.contains(PERSON)), "a person name is stored in plain text");
}

/// Ingest, decisions, key and case-file changes each append one entry, in order, to a chain
/// that verifies and whose head is the last entry; a write that changes nothing appends nothing.
pub fn every_write_appends_to_the_audit_chain(backend: &dyn Backend) {
    let mut store = open(backend);
    assert_eq!(store.audit_log().expect("log"), vec![]);
    let (seq, hash) = store.audit_head().expect("head");
    assert_eq!(store::audit::verify_chain(&[], (seq, &hash)), Ok(()));
    write_one_of_each(store.as_mut());
    let (_, outcome) = put(store.as_mut(), b"page one", "One", &[]).expect("put again");
    assert_eq!(outcome, PutOutcome::AlreadyStored);
    drop(store);

    let store = open(backend);
    let log = store.audit_log().expect("log");
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        ["key.init", "ingest", "ingest", "decision", "person.add", "person.link", "key.rotate"]
    );
    assert_eq!(log[0].actor, "tester");
    assert_eq!(log[1].actor, "test");
    assert!(log[1].objects.starts_with("document:"), "{}", log[1].objects);
    assert!(log[2].objects.contains(" person:"), "{}", log[2].objects);
    assert_eq!(log[3].actor, "analyst-1");
    assert!(log.iter().all(|e| e.digest.len() == 64 && e.hash.len() == 64));
    let (seq, hash) = store.audit_head().expect("head");
    assert_eq!(seq, 7);
    assert_eq!(store::audit::verify_chain(&log, (seq, &hash)), Ok(()));
}

fn write_one_of_each(store: &mut dyn Store) {
    let key_id = store.init_key(&key(1), ACTOR).expect("init");
    put(store, b"page one", "One", &[full_claim()]).expect("put");
    let (page, _) = put_with_person(store, b"page two", key_id);
    let decision = NewDecision {
        kind: "reject_claim".to_owned(),
        claim: "aaaa:forced_return:0-42".to_owned(),
        claim_evidence: "Authorities deported 40 people on 3 March.".to_owned(),
        other: None,
        other_evidence: None,
        field: None,
        value: None,
        actor: "analyst-1".to_owned(),
        created_at: 1_700_000_100,
    };
    store.add_decision(&decision).expect("decision");
    let id = store.reserve_person_ids(1).expect("reserve")[0];
    store.add_person(&NewPerson { id, key_id, sealed: vec![5; 50] }, ACTOR).expect("add person");
    store.link_person(id, &LinkTarget::Document(page.hash), ACTOR).expect("link");
    let resealed: Vec<PersonRow> = store
        .list_persons()
        .expect("persons")
        .into_iter()
        .map(|p| PersonRow { sealed: vec![6; 50], ..p })
        .collect();
    store.rotate_key(&key(2), &resealed, ACTOR).expect("rotate");
}

/// Altering any field of any entry, deleting any entry, or swapping any two neighbours directly
/// in the database makes the chain fail at that entry. The altered character is drawn at random
/// (seed printed); every entry and every kind of tampering is tried.
pub fn audit_tampering_is_detected(backend: &dyn Backend) {
    let mut store = open(backend);
    write_one_of_each(store.as_mut());
    let original = store.audit_log().expect("log");
    let (head_seq, head_hash) = store.audit_head().expect("head");
    drop(store);
    let n = original.len() as i64;
    let mut seed =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64)
            | 1;
    eprintln!("audit tampering seed {seed}");
    let mut random = move |below: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % below as u64) as usize
    };
    let restore = {
        let mut sql = String::from("DELETE FROM audit_log;");
        for e in &original {
            sql.push_str(&format!(
                "INSERT INTO audit_log (seq, at, actor, action, objects, digest, prev_hash, hash) \
                 VALUES ({}, {}, '{}', '{}', '{}', '{}', '{}', '{}');",
                e.seq, e.at, e.actor, e.action, e.objects, e.digest, e.prev_hash, e.hash
            ));
        }
        sql.push_str(&format!("UPDATE audit_head SET seq = {head_seq}, hash = '{head_hash}';"));
        sql
    };
    let mut tried = 0;
    for seq in 1..=n {
        let mut tamperings: Vec<(String, i64)> = Vec::new();
        for column in ["actor", "action", "objects", "digest", "prev_hash", "hash"] {
            // Replace one character, chosen at random, with one that differs from it.
            let value = entry_field(&original[(seq - 1) as usize], column);
            let at = random(value.len().max(1));
            let mut chars: Vec<char> = value.chars().collect();
            if let Some(c) = chars.get_mut(at) {
                *c = if *c == 'x' { 'y' } else { 'x' };
            }
            let altered: String = chars.into_iter().collect();
            tamperings.push((format!("UPDATE audit_log SET {column} = '{altered}' WHERE seq = {seq};"), seq));
        }
        tamperings
            .push((format!("UPDATE audit_log SET at = at + {} WHERE seq = {seq};", 1 + random(1000)), seq));
        // Deleting an entry breaks the chain at the next one, or at the head for the last.
        tamperings
            .push((format!("DELETE FROM audit_log WHERE seq = {seq};"), if seq == n { n } else { seq + 1 }));
        if seq < n {
            tamperings.push((
                format!(
                    "UPDATE audit_log SET seq = -1 WHERE seq = {seq}; UPDATE audit_log SET seq = {seq} WHERE seq = {}; \
                     UPDATE audit_log SET seq = {} WHERE seq = -1;",
                    seq + 1,
                    seq + 1
                ),
                seq,
            ));
        }
        for (sql, expected) in tamperings {
            backend.execute(&sql).expect("tamper");
            let store = open(backend);
            let log = store.audit_log().expect("log");
            let (head, hash) = store.audit_head().expect("head");
            let result = store::audit::verify_chain(&log, (head, &hash));
            let named = match &result {
                Ok(()) => panic!("tampering not detected: {sql}"),
                Err(store::audit::ChainError::Sequence { seq, .. })
                | Err(store::audit::ChainError::Link { seq })
                | Err(store::audit::ChainError::Altered { seq })
                | Err(store::audit::ChainError::HeadHash { seq }) => *seq,
                Err(store::audit::ChainError::Head { head, .. }) => *head,
            };
            assert_eq!(named, expected, "wrong entry named for {sql}: {result:?}");
            drop(store);
            backend.execute(&restore).expect("restore");
            tried += 1;
        }
    }
    let store = open(backend);
    let log = store.audit_log().expect("log");
    assert_eq!(store::audit::verify_chain(&log, (head_seq, &head_hash)), Ok(()), "restore failed");
    assert!(tried >= 8 * n as usize, "only {tried} tamperings tried");
}

/// A stand-in for the service's MAC (which lives over `crypto`): a hash of a secret, the entry's
/// sequence number and its hash.
struct TestMac(&'static str);

impl store::audit::AuditMac for TestMac {
    fn mac(&self, seq: i64, hash: &str) -> String {
        store::audit::Digest::new("test-mac")
            .field(self.0.as_bytes())
            .number(seq)
            .field(hash.as_bytes())
            .hex()
    }

    fn verify(&self, seq: i64, hash: &str, mac: &str) -> bool {
        self.mac(seq, hash) == mac
    }
}

/// A store handed an `AuditMac` stores its MAC with every entry it appends; a store (another
/// connection) without one stores none. `verify_macs` then reports the same coverage on every
/// backend, and a chain rewritten consistently without the key (every hash and the head
/// recomputed) still verifies as a chain but fails its MACs; removing the MACs as well is named.
pub fn audit_macs_cover_keyed_writes_and_catch_a_rewrite(backend: &dyn Backend) {
    use store::audit::{MacError, MacReport, verify_chain, verify_macs};
    let keyed_mac = std::sync::Arc::new(TestMac("key one"));
    let mut keyed = open(backend);
    assert!(keyed.set_audit_mac(Some(keyed_mac.clone())), "the backend does not record MACs");
    let mut plain = open(backend);
    let key_id = keyed.init_key(&key(1), ACTOR).expect("init"); // 1, MAC
    put(keyed.as_mut(), b"page one", "One", &[full_claim()]).expect("put"); // 2, MAC
    let user = store::NewUser { name: "ana".into(), role: store::Role::Admin, password_hash: "h".into() };
    plain.add_user(&user, ACTOR).expect("user"); // 3, none
    let id = keyed.reserve_person_ids(1).expect("reserve")[0];
    keyed.add_person(&NewPerson { id, key_id, sealed: vec![5; 50] }, ACTOR).expect("person"); // 4, MAC
    let page = keyed.list_documents().expect("documents")[0].hash;
    plain.link_person(id, &LinkTarget::Document(page), ACTOR).expect("link"); // 5, none
    drop((keyed, plain));

    let store = open(backend);
    let log = store.audit_log().expect("log");
    let (head, hash) = store.audit_head().expect("head");
    assert_eq!(verify_chain(&log, (head, &hash)), Ok(()));
    let macd: Vec<bool> = log.iter().map(|e| e.mac.is_some()).collect();
    assert_eq!(macd, [true, true, false, true, false]);
    for entry in log.iter().filter(|e| e.mac.is_some()) {
        let expected = store::audit::AuditMac::mac(keyed_mac.as_ref(), entry.seq, &entry.hash);
        assert_eq!(entry.mac.as_deref(), Some(expected.as_str()), "entry {}", entry.seq);
    }
    let report = verify_macs(&log, keyed_mac.as_ref()).expect("MACs verify");
    assert_eq!(report, MacReport { covered_through: 4, vouched: vec![3], uncovered: vec![5] });
    assert_eq!(verify_macs(&log, &TestMac("another key")), Err(MacError::Mismatch { seq: 1 }));
    drop(store);

    // Rewrite entry 3 (appended without the key) and everything after it consistently.
    let mut forged = log.clone();
    forged[2].actor = "mallory".into();
    let mut prev = forged[1].hash.clone();
    let mut sql = String::new();
    for entry in &mut forged[2..] {
        entry.prev_hash = prev.clone();
        entry.hash = store::audit::hash_of(entry);
        prev = entry.hash.clone();
        sql.push_str(&format!(
            "UPDATE audit_log SET actor = '{}', prev_hash = '{}', hash = '{}' WHERE seq = {};",
            entry.actor, entry.prev_hash, entry.hash, entry.seq
        ));
    }
    sql.push_str(&format!("UPDATE audit_head SET hash = '{prev}';"));
    backend.execute(&sql).expect("rewrite");
    let store = open(backend);
    let log = store.audit_log().expect("log");
    let (head, hash) = store.audit_head().expect("head");
    assert_eq!(verify_chain(&log, (head, &hash)), Ok(()), "the rewrite should pass as a chain");
    assert_eq!(verify_macs(&log, keyed_mac.as_ref()), Err(MacError::Mismatch { seq: 4 }));
    drop(store);

    // Removing the MACs from the rewritten part: entry 4 (a case file) needs the key.
    backend.execute("UPDATE audit_log SET mac = NULL WHERE seq >= 3;").expect("strip");
    let log = open(backend).audit_log().expect("log");
    assert_eq!(
        verify_macs(&log, keyed_mac.as_ref()),
        Err(MacError::Missing { seq: 4, action: "person.add".into() })
    );
    // Removing every MAC leaves nothing covered, which the report says.
    backend.execute("UPDATE audit_log SET mac = NULL;").expect("strip all");
    let log = open(backend).audit_log().expect("log");
    let report = verify_macs(&log, keyed_mac.as_ref()).expect("nothing to fail");
    assert_eq!((report.covered_through, report.uncovered), (0, vec![1, 2, 3, 4, 5]));
}

fn entry_field<'a>(entry: &'a store::AuditEntry, column: &str) -> &'a str {
    match column {
        "actor" => &entry.actor,
        "action" => &entry.action,
        "objects" => &entry.objects,
        "digest" => &entry.digest,
        "prev_hash" => &entry.prev_hash,
        _ => &entry.hash,
    }
}
