//! The bulletin's boundary: a canary name put in every free-text field of the source data (claim
//! evidence, count phrase, attributions, persons, place name, nationality group, document
//! titles, decisions' values and actors, the URL's user, query and fragment) reaches none of the
//! public outputs: the types' `Debug`, the pages, the feed, the CSV and the JSON.

use std::collections::HashMap;

use askama::Template;
use domain::{
    Claim, ClaimKind, ContentHash, Count, CountQualifier, DatePrecision, DateSpan, Evidence, Nationality,
    PartialDate, Place, PlacePrecision,
};
use reconcile::{ClaimInput, ClaimKey, ClaimRef, Decision, Field};
use service::ReconciledView;
use store::{DecisionRecord, NewDecision};

use super::model::{Bulletin, DocumentMeta, PublicNationality, is_published};
use super::{export, feed_of, front_page, incident_view};

const CANARY: &str = "Canary Testperson-7Q";

fn date(s: &str) -> PartialDate {
    s.parse().expect("test date")
}

fn claim(kind: ClaimKind, day: &str, low: u64, perpetrator: &str, destination: &str) -> Claim {
    let sentence = format!("{CANARY} was deported with others, said {CANARY}.");
    Claim {
        kind,
        aggregate: false,
        date: DateSpan::day(date(day)),
        count: Count {
            low: Some(low),
            high: Some(low),
            qualifier: CountQualifier::Exact,
            text: format!("{CANARY} and {low} others"),
        },
        perpetrator: perpetrator.parse().ok(),
        destination: destination.parse().ok(),
        nationality: destination.parse().ok().map(Nationality::Country),
        place: None,
        women: None,
        children: None,
        sources: vec![CANARY.to_owned(), format!("the lawyer of {CANARY}")],
        persons: vec![CANARY.to_owned()],
        evidence: vec![Evidence { start: 0, end: sentence.len(), text: sentence }],
    }
}

/// Three documents (two incidents and an aggregate), all full of the canary, one decision that
/// sets a nationality to the canary's name, and URLs that carry it outside their path.
fn canary_view() -> (ReconciledView, HashMap<ContentHash, DocumentMeta>) {
    let docs: Vec<(ContentHash, String)> = (0..3)
        .map(|i| {
            let text =
                format!("Report {i}. {CANARY} was deported. Nobody else is named in report number {i}.");
            (ContentHash::of(text.as_bytes()), text)
        })
        .collect();
    let borrowed: Vec<(ContentHash, &str)> = docs.iter().map(|(h, t)| (*h, t.as_str())).collect();
    let groups = reconcile::source_groups(&borrowed);

    let mut first = claim(ClaimKind::ForcedReturn, "2024-03-11", 28, "DE", "AF");
    // A place name the gazetteer does not know, with a region code it does.
    first.place = Some(Place {
        name: CANARY.to_owned(),
        country: "DE".parse().ok(),
        admin1: Some("DE-SN".to_owned()),
        lat: Some(51.3),
        lon: Some(12.4),
        precision: PlacePrecision::City,
    });
    let second = claim(ClaimKind::ForcedReturn, "2025-02-14", 112, "MY", "MM");
    let mut aggregate = claim(ClaimKind::ForcedReturn, "2023-12-31", 500, "CN", "KP");
    aggregate.aggregate = true;
    aggregate.date = DateSpan {
        start: Some(date("2020-01-01")),
        end: Some(date("2023-12-31")),
        precision: DatePrecision::Range,
    };
    aggregate.count.high = None;
    aggregate.count.qualifier = CountQualifier::MoreThan;

    let claims: Vec<ClaimInput> = [first, second, aggregate]
        .into_iter()
        .zip(&docs)
        .map(|(claim, (hash, _))| ClaimInput {
            key: ClaimKey::of(*hash, &claim),
            group: groups.group_of(hash).unwrap_or(reconcile::GroupId(u32::MAX)),
            published: "2025-03-01".parse().ok(),
            claim,
        })
        .collect();

    let fix = Decision::Fix {
        incident: ClaimRef::of(claims[1].key, &claims[1].claim),
        field: Field::Nationality,
        value: CANARY.to_owned(),
    };
    let accept = |c: &ClaimInput| Decision::Accept { incident: ClaimRef::of(c.key, &c.claim) };
    let reconciliation = reconcile::reconcile(&claims, &[accept(&claims[0]), accept(&claims[1]), fix]);
    let decisions = vec![DecisionRecord {
        id: 1,
        decision: NewDecision {
            kind: "fix".to_owned(),
            claim: claims[1].key.to_string(),
            claim_evidence: claims[1].claim.evidence[0].text.clone(),
            other: None,
            other_evidence: None,
            field: Some("nationality".to_owned()),
            value: Some(CANARY.to_owned()),
            actor: CANARY.to_owned(),
            created_at: 0,
        },
    }];
    let titles = docs.iter().map(|(hash, _)| (*hash, Some(format!("{CANARY} deported")))).collect();
    let documents = docs
        .iter()
        .enumerate()
        .map(|(i, (hash, _))| {
            let url = format!(
                "https://Canary-Testperson-7Q:pw@www.example.org/wire/{i}?name=Canary+Testperson-7Q&utm=x#{CANARY}"
            );
            (*hash, DocumentMeta { url: Some(url), published: "2025-03-01".parse().ok() })
        })
        .collect();
    (ReconciledView { claims, titles, groups, reconciliation, decisions }, documents)
}

fn assert_no_canary(text: &str, what: &str) {
    let lower = text.to_lowercase();
    for needle in ["canary testperson-7q", "testperson", "canary-testperson", "canary+testperson"] {
        assert!(!lower.contains(needle), "{what} contains {needle:?}:\n{text}");
    }
}

#[test]
fn a_canary_in_every_free_text_field_reaches_no_public_output() {
    let (view, documents) = canary_view();
    // The canary is really in the source data (so this test can fail).
    assert!(format!("{view:?}").contains(CANARY));
    let incident = &view.reconciliation.incidents;
    assert_eq!(incident.len(), 2, "{incident:#?}");
    assert!(
        incident.iter().any(|i| i.nationality == Some(Nationality::Group(CANARY.to_owned()))),
        "the fix put the canary into a nationality"
    );
    assert!(incident.iter().all(is_published));
    assert_eq!(view.reconciliation.aggregates.len(), 1);

    // The first report's address names the canary in its path: only its site is published, with
    // or without the case files (the bulletin never reads them).
    let mut documents = documents;
    let first_doc = view.claims[0].key.document;
    if let Some(meta) = documents.get_mut(&first_doc) {
        meta.url = Some("https://www.example.org/wire/canary-testperson-7q-deported-to-kabul".to_owned());
    }
    let bulletin = Bulletin::build(&view, &documents);
    assert_eq!(bulletin.incidents.len(), 2);
    assert_eq!(bulletin.aggregates.len(), 1);

    let mut outputs: Vec<(String, String)> = vec![("Debug of the bulletin".into(), format!("{bulletin:?}"))];
    outputs.push(("front page".into(), front_page(&bulletin).render().expect("front page")));
    outputs.push(("feed".into(), feed_of(&bulletin).render().expect("feed")));
    for incident in &bulletin.incidents {
        outputs.push((format!("page of {}", incident.id), incident_view(incident).render().expect("page")));
        outputs.push((format!("JSON of {}", incident.id), export::incident_json(incident).to_string()));
        let mut row = String::new();
        export::csv_row(incident, &mut row);
        outputs.push((format!("CSV of {}", incident.id), row));
    }
    for aggregate in &bulletin.aggregates {
        outputs.push(("JSON of the aggregate".into(), export::aggregate_json(aggregate).to_string()));
    }
    for (what, text) in &outputs {
        assert_no_canary(text, what);
    }

    // What is public is still there: countries, the region resolved from its code, the site.
    let all: String = outputs.iter().map(|(_, text)| text.as_str()).collect();
    for expected in [
        "Germany",
        "Afghanistan",
        "Malaysia",
        "Sachsen",
        "DE-SN",
        "https://www.example.org/\"",
        "example.org",
    ] {
        assert!(all.contains(expected), "{expected} missing from the public outputs");
    }
    // Aggregates cite no document: an unreviewed page is never a published source.
    let aggregate_doc = view.reconciliation.aggregates[0].key.document;
    assert!(!super::model::cited_documents(&view).contains(&aggregate_doc));
    for aggregate in &bulletin.aggregates {
        assert!(export::aggregate_json(aggregate).get("sources").is_none());
    }
    // Only the publisher's site: no path of any source page.
    assert!(!all.contains("/wire/") && !all.contains("kabul"), "a source path is published");
    let malaysia = bulletin.incidents.iter().find(|i| i.low == Some(112)).expect("the Malaysian incident");
    assert_eq!(malaysia.nationality, None::<PublicNationality>, "a free-text nationality is left out");
}

#[test]
fn rejected_and_unreviewed_incidents_are_not_published() {
    let (mut view, documents) = canary_view();
    view.reconciliation.incidents[0].rejected = true;
    view.reconciliation.incidents[1].reviewed = false;
    let bulletin = Bulletin::build(&view, &documents);
    assert!(bulletin.incidents.is_empty(), "{:?}", bulletin.incidents);
    assert!(bulletin.months.is_empty());
}

#[test]
fn the_timeline_steps_through_every_month() {
    use super::model::MonthTotal;
    let m = |year, month, best| MonthTotal { year, month, occasions: 1, low: best, best };
    let series = super::contiguous_months(&[m(2024, 11, 5), m(2025, 2, 7)]);
    let months: Vec<(i32, u32, u64)> = series.iter().map(|t| (t.year, t.month, t.best)).collect();
    assert_eq!(
        months,
        [(2024, 10, 0), (2024, 11, 5), (2024, 12, 0), (2025, 1, 0), (2025, 2, 7), (2025, 3, 0)]
    );
    assert!(super::contiguous_months(&[]).is_empty());
}

/// Collects a streamed download.
fn body_text(body: axum::body::Body) -> String {
    let runtime = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
    let bytes = runtime.block_on(axum::body::to_bytes(body, usize::MAX)).expect("body");
    String::from_utf8(bytes.to_vec()).expect("utf-8")
}

#[test]
fn downloads_stream_in_chunks_and_stay_well_formed() {
    let (view, documents) = canary_view();
    let mut bulletin = Bulletin::build(&view, &documents);
    let template = bulletin.incidents[0].clone();
    // More incidents than three chunks hold, with distinct ids.
    bulletin.incidents = (0..700u32)
        .map(|i| super::model::PublicIncident { id: reconcile::IncidentId(i), ..template.clone() })
        .collect();
    let bulletin = std::sync::Arc::new(bulletin);

    let csv = body_text(export::csv_body(bulletin.clone()));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 701);
    assert_eq!(lines[0].trim_end(), export::CSV_HEADER.trim_end());
    assert!(lines[700].starts_with("000002bb,forced_return,"), "{}", lines[700]);

    let json: serde_json::Value =
        serde_json::from_str(&body_text(export::json_body(bulletin))).expect("valid JSON");
    let incidents = json["incidents"].as_array().expect("incidents");
    assert_eq!(incidents.len(), 700);
    assert_eq!(incidents[699]["id"], "000002bb");
    assert_eq!(json["aggregates"].as_array().map(Vec::len), Some(1));
}

#[test]
fn small_incidents_are_placed_by_region_only() {
    let (mut view, documents) = canary_view();
    // The first incident (28 people) keeps its place; with two people it is placed by region.
    for member in view.reconciliation.incidents[0].members.clone() {
        if let Some(place) = view.claims[member.claim].claim.place.as_mut() {
            place.name = "Leipzig".to_owned();
        }
    }
    view.reconciliation.incidents[0].place = Some("Leipzig".to_owned());
    let big = Bulletin::build(&view, &documents);
    let place = |b: &Bulletin| b.incidents.iter().find_map(|i| i.place).map(|p| (p.name, p.level));
    assert_eq!(place(&big), Some(("Leipzig", super::model::PlaceLevel::City)));
    let count = &mut view.reconciliation.incidents[0].count;
    (count.low, count.best, count.high) = (Some(2), Some(2), Some(2));
    let small = Bulletin::build(&view, &documents);
    assert_eq!(place(&small), Some(("Sachsen", super::model::PlaceLevel::Region)));
}

#[test]
fn small_incidents_are_dated_to_the_month() {
    use domain::{DatePrecision, DateSpan, PartialDate};
    let (mut view, documents) = canary_view();
    let day = PartialDate { year: Some(2024), month: 2, day: 11 };
    view.reconciliation.incidents[0].date = DateSpan::day(day);
    let count = &mut view.reconciliation.incidents[0].count;
    (count.low, count.best, count.high) = (Some(28), Some(28), Some(28));
    let id = view.reconciliation.incidents[0].id;
    let date = |b: &Bulletin| b.incident(id).expect("published").date;
    assert_eq!(date(&Bulletin::build(&view, &documents)), DateSpan::day(day));

    let count = &mut view.reconciliation.incidents[0].count;
    (count.low, count.best, count.high) = (Some(2), Some(2), Some(2));
    let small = Bulletin::build(&view, &documents);
    let coarse = date(&small);
    assert_eq!(coarse.precision, DatePrecision::Month);
    assert_eq!(coarse.start, Some(PartialDate { year: Some(2024), month: 2, day: 1 }));
    assert_eq!(coarse.end, Some(PartialDate { year: Some(2024), month: 2, day: 29 }));
    let page = incident_view(small.incident(id).expect("published")).render().expect("page");
    assert!(page.contains("February 2024") && !page.contains("11 February"), "{page}");
    let json = export::incident_json(small.incident(id).expect("published")).to_string();
    assert!(!json.contains("2024-02-11"), "{json}");

    // Unknown counts are small too; a range across months keeps its months only.
    let incident = &mut view.reconciliation.incidents[0];
    (incident.count.low, incident.count.best, incident.count.high) = (None, None, None);
    incident.date = DateSpan {
        start: Some(PartialDate { year: Some(2023), month: 12, day: 30 }),
        end: Some(PartialDate { year: Some(2024), month: 1, day: 2 }),
        precision: DatePrecision::Range,
    };
    let coarse = date(&Bulletin::build(&view, &documents));
    assert_eq!(coarse.start.map(|d| d.day), Some(1));
    assert_eq!(coarse.end.map(|d| d.day), Some(31));
    assert_eq!(coarse.precision, DatePrecision::Range);
}
