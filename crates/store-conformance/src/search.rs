//! Checks for what ingest stores beside a document (issue 4): sealed texts, near-duplicate
//! signatures and the search index, which must answer the same on every backend.

use domain::{Article, ContentHash, RawPage};
use store::{DocumentIndex, NewDocument, PutOutcome, SealedText, Signature, Store, StoreError};

use crate::{Backend, PERSON, article, full_claim, open};

/// Stores a page of `bytes` (published on `day` of March 2024) with `index`.
fn put_indexed(
    store: &mut dyn Store,
    bytes: &[u8],
    day: u32,
    article: &Article,
    index: &DocumentIndex,
) -> Result<(RawPage, PutOutcome), StoreError> {
    let page = RawPage::new(bytes.to_vec(), None);
    let mut article = article.clone();
    article.published = domain::NaiveDate::from_ymd_opt(2024, 3, day);
    let outcome = store.put_document_indexed(
        &NewDocument {
            page: &page,
            source_path: None,
            ingested_at: 1_700_000_000,
            pipeline_version: "test",
            article: &article,
            claims: &[],
            persons: &[],
            actor: "test",
        },
        index,
    )?;
    Ok((page, outcome))
}

fn terms(words: &str) -> Vec<String> {
    words.split(' ').map(str::to_owned).collect()
}

/// Search returns exactly the documents holding a term, ranked by distinct terms matched and then
/// by hash, one row per page, with their dates; terms are matched whole and verbatim (no stemming,
/// no prefix, no query syntax). The expected lists are written out, so every backend must give
/// the same answer.
pub fn search_ranks_the_same_on_every_backend(backend: &dyn Backend) {
    let mut store = open(backend);
    let docs = [
        ("deported kabul leipzig 7q", 1),
        ("deported kabul", 2),
        ("kabul", 3),
        ("deportation leipzig", 4),
        ("0123456789abcdef fedcba9876543210 kabul", 5),
        ("ünïcödé straße 7q", 6),
    ];
    let mut hashes = Vec::new();
    for (idx, (words, day)) in docs.iter().enumerate() {
        let index = DocumentIndex { search_terms: terms(words), ..DocumentIndex::default() };
        let (page, outcome) =
            put_indexed(store.as_mut(), format!("page {idx}").as_bytes(), *day, &article("T"), &index)
                .expect("put");
        assert_eq!(outcome, PutOutcome::Inserted);
        hashes.push(page.hash);
    }
    type Hit = (ContentHash, usize, Option<domain::NaiveDate>);
    let search = |query: &str, limit: usize| -> Vec<Hit> {
        store
            .search(&terms(query), limit)
            .expect("search")
            .into_iter()
            .map(|row| (row.hash, row.matches, row.published))
            .collect()
    };
    // Expected: (document index, matches), ranked by matches then hash.
    let expect = |wanted: &[(usize, usize)]| -> Vec<Hit> {
        let mut rows: Vec<Hit> = wanted
            .iter()
            .map(|&(idx, n)| (hashes[idx], n, domain::NaiveDate::from_ymd_opt(2024, 3, docs[idx].1)))
            .collect();
        rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.0.cmp(&b.0.0)));
        rows
    };
    assert_eq!(search("kabul", 10), expect(&[(0, 1), (1, 1), (2, 1), (4, 1)]));
    assert_eq!(search("deported kabul leipzig", 10), expect(&[(0, 3), (1, 2), (2, 1), (3, 1), (4, 1)]));
    assert_eq!(search("deported kabul leipzig", 2), expect(&[(0, 3), (1, 2)]));
    assert_eq!(search("7q", 10), expect(&[(0, 1), (5, 1)]));
    assert_eq!(search("straße ünïcödé", 10), expect(&[(5, 2)]));
    assert_eq!(search("0123456789abcdef", 10), expect(&[(4, 1)]));
    // Whole terms only: no prefix, stem or substring matches.
    assert_eq!(search("deport", 10), vec![]);
    assert_eq!(search("kab", 10), vec![]);
    assert_eq!(search("0123456789abcde", 10), vec![]);
    assert_eq!(search("nothing", 10), vec![]);
    // Query syntax is not interpreted: terms that are not normalised are refused.
    for bad in ["kabul OR deported", "kabul*", "\"kabul\"", "a:b", ""] {
        assert!(
            matches!(store.search(&[bad.to_owned()], 10), Err(StoreError::InvalidInput(_))),
            "{bad:?} was accepted"
        );
    }
}

/// A sealed document keeps its sealed bytes and signature; its page, article and claims are
/// stored as given (redacted by the service), and no column outside the sealed ones holds a name.
pub fn sealed_texts_and_signatures_round_trip(backend: &dyn Backend) {
    let mut store = open(backend);
    let sealed = SealedText { text_key: 2, page: vec![1, 2, 3, 4], article: vec![5; 40] };
    let signature = Signature { keyed: true, bytes: vec![0; 513] };
    let index = DocumentIndex {
        sealed: Some(sealed.clone()),
        signature: Some(signature.clone()),
        search_terms: terms("0123456789abcdef"),
    };
    // What the service hands over for a sealed page: no bytes, no URL, no text.
    let hash = RawPage::new(format!("a page naming {PERSON}").into_bytes(), None).hash;
    let page = RawPage { hash, bytes: Vec::new(), url: None };
    let redacted =
        Article { title: None, author: None, text: String::new(), removed: Vec::new(), ..article("x") };
    let mut claim = full_claim();
    claim.sources.clear();
    claim.persons.clear();
    for evidence in &mut claim.evidence {
        evidence.text = "~ 0123456789abcdef".to_owned();
    }
    let outcome = store
        .put_document_indexed(
            &NewDocument {
                page: &page,
                source_path: None,
                ingested_at: 1_700_000_000,
                pipeline_version: "test",
                article: &redacted,
                claims: std::slice::from_ref(&claim),
                persons: &[],
                actor: "test",
            },
            &index,
        )
        .expect("put");
    assert_eq!(outcome, PutOutcome::Inserted);
    let (plain, _) = put_indexed(
        store.as_mut(),
        b"plain page",
        7,
        &article("Plain"),
        &DocumentIndex {
            signature: Some(Signature { keyed: false, bytes: vec![1; 33] }),
            ..DocumentIndex::default()
        },
    )
    .expect("put plain");

    assert_eq!(store.sealed_text(&hash).expect("sealed"), Some(sealed));
    assert_eq!(store.sealed_text(&plain.hash).expect("plain"), None);
    let signatures = store.signatures().expect("signatures");
    assert_eq!(signatures.len(), 2);
    assert_eq!(signatures[0], (hash, signature));
    assert_eq!(signatures[1].0, plain.hash);
    assert!(!signatures[1].1.keyed);
    assert!(matches!(store.get_page(&hash), Err(StoreError::InvalidInput(_))));
    assert_eq!(store.get_page(&plain.hash).expect("plain page"), plain);
    let document = store.get_document(&hash.to_hex()).expect("document");
    assert_eq!((document.title, document.text.as_str(), document.url), (None, "", None));
    assert_eq!(document.claims[0].evidence[0].text, "~ 0123456789abcdef");
    assert_eq!(store.search(&terms("0123456789abcdef"), 5).expect("search").len(), 1);
    drop(store);
    for (table, value) in backend.text_values().expect("text values") {
        assert!(!value.contains(PERSON), "person name stored in {table}");
    }
}
