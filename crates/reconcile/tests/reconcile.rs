//! Reconciliation through its public entry points, from hand-written claims (extraction quality
//! is still improving, so these do not depend on it).

use domain::{
    Claim, ClaimKind, ContentHash, Count, CountQualifier, DatePrecision, DateSpan, Evidence, NaiveDate,
    Nationality, PartialDate,
};
use reconcile::{
    AggregateStatus, ClaimInput, ClaimKey, ClaimRef, Conflict, Decision, Field, GroupId, Joined,
    Reconciliation, Review, TimelineFilter, reconcile, timeline,
};

/// A claim as a test writes it: document number, source group, date text, count, evidence.
struct Spec {
    doc: u8,
    group: u32,
    date: &'static str,
    count: (Option<u64>, Option<u64>, CountQualifier),
    evidence: &'static str,
    published: &'static str,
    aggregate: bool,
}

fn spec(doc: u8, date: &'static str, count: (Option<u64>, Option<u64>, CountQualifier)) -> Spec {
    Spec { doc, group: u32::from(doc), date, count, evidence: "", published: "2023-10-20", aggregate: false }
}

const MORE_THAN_500: (Option<u64>, Option<u64>, CountQualifier) = (Some(500), None, CountQualifier::MoreThan);
const ABOUT_600: (Option<u64>, Option<u64>, CountQualifier) = (Some(600), Some(600), CountQualifier::About);
const RANGE_200_300: (Option<u64>, Option<u64>, CountQualifier) =
    (Some(200), Some(300), CountQualifier::Exact);
const NO_FIGURE: (Option<u64>, Option<u64>, CountQualifier) = (None, None, CountQualifier::Unknown);

fn date(text: &str) -> DateSpan {
    match text.split_once("..") {
        Some((a, b)) => DateSpan {
            start: a.parse().ok(),
            end: b.parse().ok(),
            precision: if b.is_empty() { DatePrecision::Range } else { DatePrecision::Week },
        },
        None if text.is_empty() => DateSpan::UNKNOWN,
        None => DateSpan::day(text.parse::<PartialDate>().expect("test date")),
    }
}

fn input(s: &Spec, idx: usize) -> ClaimInput {
    let evidence =
        if s.evidence.is_empty() { format!("claim {idx} of document {}", s.doc) } else { s.evidence.into() };
    let start = idx * 100;
    let claim = Claim {
        kind: ClaimKind::ForcedReturn,
        aggregate: s.aggregate,
        date: date(s.date),
        count: Count { low: s.count.0, high: s.count.1, qualifier: s.count.2, text: String::new() },
        perpetrator: "CN".parse().ok(),
        destination: "KP".parse().ok(),
        nationality: Some(Nationality::Country("KP".parse().expect("code"))),
        place: None,
        women: None,
        children: None,
        sources: Vec::new(),
        persons: Vec::new(),
        evidence: vec![Evidence { start, end: start + evidence.len(), text: evidence }],
    };
    ClaimInput {
        key: ClaimKey::of(ContentHash([s.doc; 32]), &claim),
        group: GroupId(s.group),
        published: s.published.parse().ok(),
        claim,
    }
}

fn inputs(specs: &[Spec]) -> Vec<ClaimInput> {
    specs.iter().enumerate().map(|(i, s)| input(s, i)).collect()
}

/// Incidents as "date: low/best/high [n sources] members", sorted as text, for comparing.
fn summary(result: &Reconciliation) -> Vec<String> {
    let show = |n: Option<u64>| n.map_or("?".to_owned(), |n| n.to_string());
    result
        .incidents
        .iter()
        .map(|i| {
            let mut members: Vec<usize> = i.members.iter().map(|m| m.claim).collect();
            members.sort_unstable();
            format!(
                "{}: {}/{}/{} [{}] {:?}",
                i.date.start.map_or("?".to_owned(), |d| d.to_string()),
                show(i.count.low),
                show(i.count.best),
                show(i.count.high),
                i.n_sources,
                members
            )
        })
        .collect::<std::collections::BTreeSet<String>>()
        .into_iter()
        .collect()
}

fn check(specs: &[Spec], decisions: &[Decision], expect: &[&str]) -> Reconciliation {
    let claims = inputs(specs);
    let result = reconcile(&claims, decisions);
    assert_eq!(summary(&result), expect);
    result
}

/// Issue 5's example: four outlets, conflicting figures, one syndicated copy, one "this week",
/// a look-alike occasion a week later, and a running total.
fn october_reports() -> Vec<Spec> {
    let mut copy = spec(2, "2023-10-09", MORE_THAN_500);
    copy.group = 1; // syndicated copy of document 1
    let mut aggregate = spec(7, "2020-01-01..", (Some(670), None, CountQualifier::MoreThan));
    aggregate.aggregate = true;
    aggregate.published = "2023-10-30";
    vec![
        spec(1, "2023-10-09", MORE_THAN_500),
        copy,
        spec(3, "2023-10-09", ABOUT_600),
        spec(4, "2023-10-09", RANGE_200_300),
        spec(5, "2023-10-09..2023-10-15", (Some(550), Some(550), CountQualifier::About)),
        spec(6, "2023-10-16", (Some(40), Some(40), CountQualifier::Exact)),
        aggregate,
    ]
}

#[test]
fn one_incident_per_occasion_with_conflicting_figures() {
    let result = check(
        &october_reports(),
        &[],
        &["2023-10-09: 200/525/? [4] [0, 1, 2, 3, 4]", "2023-10-16: 40/40/40 [1] [5]"],
    );
    let main = &result.incidents[0];
    assert!(main.conflicts.iter().any(|c| matches!(c, Conflict::Count { .. })), "{:?}", main.conflicts);
    // Each independent source keeps its own figure; the copy adds none.
    assert_eq!(main.figures.len(), 4);
    assert_eq!(main.figures[0].documents.len(), 2);
    // Every merge is explained by its features.
    for member in &main.members {
        if let Joined::Matched(why) = &member.joined {
            assert!(why.score >= reconcile::ATTACH_THRESHOLD, "{why:?}");
            assert_eq!(why.features.iter().map(|f| f.weight).sum::<f32>(), why.score);
            assert!(why.features.iter().any(|f| f.name == "date"));
        }
    }
}

#[test]
fn aggregate_is_checked_never_counted() {
    let result = reconcile(&inputs(&october_reports()), &[]);
    assert_eq!(result.aggregates.len(), 1);
    let check = &result.aggregates[0];
    assert_eq!(check.incidents.len(), 2);
    assert_eq!((check.sum_low, check.sum_best), (240, 565));
    assert_eq!(check.status, AggregateStatus::Gap { unaccounted: 105 });
    let totals = timeline(&result, &TimelineFilter::default());
    assert_eq!(totals.years.len(), 1);
    assert_eq!((totals.years[0].year, totals.years[0].low, totals.years[0].best), (2023, 240, 565));
    assert_eq!(totals.aggregates, [0]);
}

#[test]
fn look_alike_a_week_apart_stays_separate_but_next_day_joins() {
    check(
        &[
            spec(1, "2023-10-02", (Some(80), Some(80), CountQualifier::Exact)),
            spec(2, "2023-10-03", (Some(80), None, CountQualifier::AtLeast)),
            spec(3, "2023-10-09", (Some(80), Some(80), CountQualifier::About)),
        ],
        &[],
        &["2023-10-02: 80/80/80 [2] [0, 1]", "2023-10-09: 80/80/80 [1] [2]"],
    );
    // Across a month boundary, the neighbouring month is searched too.
    check(
        &[
            spec(1, "2023-08-31", (Some(80), Some(80), CountQualifier::Exact)),
            spec(2, "2023-09-01", (Some(80), None, CountQualifier::AtLeast)),
        ],
        &[],
        &["2023-08-31: 80/80/80 [2] [0, 1]"],
    );
}

#[test]
fn unknown_year_joins_only_when_the_rest_agrees() {
    let result = check(
        &[
            spec(1, "2023-08-29", (Some(80), Some(80), CountQualifier::Exact)),
            spec(2, "XXXX-08-29", (Some(80), None, CountQualifier::AtLeast)),
        ],
        &[],
        &["2023-08-29: 80/80/80 [2] [0, 1]"],
    );
    assert!(result.incidents[0].review.is_empty());
    // A different nationality rules the match out even on the same day and month.
    let mut specs = [
        spec(1, "2023-08-29", (Some(80), Some(80), CountQualifier::Exact)),
        spec(2, "XXXX-08-29", (Some(80), None, CountQualifier::AtLeast)),
    ];
    specs[1].evidence = "different people";
    let mut claims = inputs(&specs);
    claims[1].claim.nationality = Some(Nationality::Group("Uyghur".into()));
    let result = reconcile(&claims, &[]);
    assert_eq!(result.incidents.len(), 2);
    assert!(result.incidents.iter().any(|i| i.review.contains(&Review::Unmatched)));
}

#[test]
fn vague_claim_attaches_only_when_unambiguous() {
    // An undated report published on 12 October fits the 9 October return.
    check(
        &[spec(1, "2023-10-09", MORE_THAN_500), {
            let mut s = spec(2, "", NO_FIGURE);
            s.published = "2023-10-12";
            s
        }],
        &[],
        &["2023-10-09: 500/500/? [2] [0, 1]"],
    );
    // "This week", no figure, with two returns in that week: ambiguous, kept apart and flagged.
    let result = check(
        &[
            spec(1, "2023-10-09", MORE_THAN_500),
            spec(2, "2023-10-13", (Some(40), Some(40), CountQualifier::Exact)),
            spec(3, "2023-10-09..2023-10-15", NO_FIGURE),
        ],
        &[],
        &["2023-10-09: 500/500/? [1] [0]", "2023-10-09: ?/?/? [1] [2]", "2023-10-13: 40/40/40 [1] [1]"],
    );
    assert!(
        result.incidents.iter().any(|i| matches!(i.review.as_slice(), [Review::Ambiguous { candidates: 2 }]))
    );
}

#[test]
fn two_occasions_in_one_document_are_not_merged_by_that_document() {
    // The extractor kept these apart inside document 1; a second document's copy of one of them
    // must not pull them together.
    check(
        &[
            spec(1, "2023-10-09", (Some(500), Some(500), CountQualifier::Exact)),
            spec(1, "2023-10-09", (Some(450), Some(450), CountQualifier::Exact)),
        ],
        &[],
        &["2023-10-09: 450/450/450 [1] [1]", "2023-10-09: 500/500/500 [1] [0]"],
    );
}

#[test]
fn decisions_merge_split_reject_and_fix_survive_moved_spans() {
    let specs = october_reports();
    let claims = inputs(&specs);
    let r = |idx: usize| ClaimRef::of(claims[idx].key, &claims[idx].claim);
    let decisions = [
        Decision::Merge { a: r(0), b: r(5) },
        Decision::Split { claim: r(3) },
        Decision::RejectClaim { claim: r(4) },
        Decision::Fix { incident: r(0), field: Field::Best, value: "520".into() },
    ];
    let result = reconcile(&claims, &decisions);
    assert_eq!(
        summary(&result),
        ["2023-10-09: 200/250/300 [1] [3]", "2023-10-09: 40/520/? [3] [0, 1, 2, 5]"]
    );
    assert_eq!(result.rejected_claims, [4]);
    let merged = result.incidents.iter().find(|i| i.members.len() == 4).expect("merged incident");
    assert!(merged.conflicts.iter().any(|c| matches!(c, Conflict::Date { .. })));
    assert_eq!(merged.fixed, [(Field::Best, "520".to_owned())]);

    // A new extractor version moves every span by a few bytes: the decisions still apply.
    let mut moved = claims.clone();
    for claim in &mut moved {
        for evidence in &mut claim.claim.evidence {
            evidence.start += 3;
            evidence.end += 3;
        }
        claim.key = ClaimKey::of(claim.key.document, &claim.claim);
    }
    let again = reconcile(&moved, &decisions);
    assert_eq!(summary(&again), summary(&result));
    assert!(again.diagnostics.is_empty(), "{:?}", again.diagnostics);

    // A decision naming a claim that is gone is reported, not applied.
    let stale = Decision::RejectIncident {
        incident: ClaimRef { key: claims[0].key, evidence: "nothing like it".into() },
    };
    let mut gone = moved.clone();
    gone.remove(0);
    let result = reconcile(&gone, &[stale]);
    assert_eq!(result.diagnostics.len(), 1);
    assert!(result.incidents.iter().all(|i| !i.rejected));
}

#[test]
fn rejected_incident_is_kept_but_not_counted() {
    let claims = inputs(&october_reports());
    let reject = Decision::RejectIncident { incident: ClaimRef::of(claims[5].key, &claims[5].claim) };
    let result = reconcile(&claims, &[reject]);
    assert_eq!(result.incidents.iter().filter(|i| i.rejected).count(), 1);
    let totals = timeline(&result, &TimelineFilter::default());
    assert_eq!(totals.years[0].low, 200);
}

#[test]
fn timeline_filters_by_perpetrator_nationality_and_years() {
    let mut specs = october_reports();
    specs.push(spec(8, "2021-07-14", (Some(50), Some(50), CountQualifier::About)));
    let mut claims = inputs(&specs);
    let mut thai = input(&spec(9, "2022-03-01", (Some(9), Some(9), CountQualifier::Exact)), 99);
    thai.claim.perpetrator = "TH".parse().ok();
    claims.push(thai);
    let result = reconcile(&claims, &[]);
    let filter = TimelineFilter {
        perpetrator: "CN".parse().ok(),
        nationality: Some(Nationality::Country("KP".parse().expect("code"))),
        from: Some(2019),
        to: Some(2025),
        kind: None,
    };
    let totals = timeline(&result, &filter);
    let years: Vec<(i32, u64)> = totals.years.iter().map(|y| (y.year, y.low)).collect();
    assert_eq!(years, [(2021, 50), (2023, 240)]);
    let only_2021 = timeline(&result, &TimelineFilter { to: Some(2021), ..filter });
    assert_eq!(only_2021.years.len(), 1);
}

#[test]
fn input_order_does_not_change_the_result() {
    let claims = inputs(&october_reports());
    let mut reversed = claims.clone();
    reversed.reverse();
    let a = reconcile(&claims, &[]);
    let b = reconcile(&reversed, &[]);
    let ids =
        |r: &Reconciliation| r.incidents.iter().map(|i| (i.id, i.count, i.n_sources)).collect::<Vec<_>>();
    assert_eq!(ids(&a), ids(&b));
}

#[test]
fn a_period_with_an_unknown_end_keeps_it_unknown() {
    let result = reconcile(&inputs(&[spec(1, "2023-09-01..", NO_FIGURE)]), &[]);
    let dates: Vec<DateSpan> = result.incidents.iter().map(|i| i.date).collect();
    assert_eq!(
        dates,
        [DateSpan { start: "2023-09-01".parse().ok(), end: None, precision: DatePrecision::Range }]
    );
}

#[test]
fn odd_input_does_not_panic() {
    let mut claims = inputs(&[spec(1, "", NO_FIGURE), spec(2, "XXXX-02-29", NO_FIGURE)]);
    claims[0].claim.evidence.clear();
    claims[0].claim.date =
        DateSpan { start: None, end: "2023-01-01".parse().ok(), precision: DatePrecision::Year };
    claims[1].claim.count =
        Count { low: Some(u64::MAX), high: Some(0), qualifier: CountQualifier::Exact, text: String::new() };
    claims[1].claim.date.start = Some(PartialDate { year: Some(262_000), month: 12, day: 31 });
    let _ = reconcile(&claims, &[]);
    let _ = reconcile(&[], &[]);
    assert_eq!(NaiveDate::from_ymd_opt(2023, 1, 1).map(|d| d.to_string()), Some("2023-01-01".to_owned()));
}

#[test]
fn a_later_split_does_not_change_what_an_earlier_merge_named() {
    // The analyst merged the incidents of claims 3 ("200 to 300") and 5, then split claim 3 off.
    let claims = inputs(&october_reports());
    let r = |idx: usize| ClaimRef::of(claims[idx].key, &claims[idx].claim);
    let decisions = [Decision::Merge { a: r(3), b: r(5) }, Decision::Split { claim: r(3) }];
    check(
        &october_reports(),
        &decisions,
        &["2023-10-09: 200/250/300 [1] [3]", "2023-10-09: 40/525/? [4] [0, 1, 2, 4, 5]"],
    );
    // Split first and merge after: the merge then names the split-off claim alone.
    let decisions = [Decision::Split { claim: r(3) }, Decision::Merge { a: r(3), b: r(5) }];
    check(
        &october_reports(),
        &decisions,
        &["2023-10-09: 40/145/300 [2] [3, 5]", "2023-10-09: 500/550/? [3] [0, 1, 2, 4]"],
    );
}

/// A small deterministic generator (xorshift) for the invariant test.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

#[test]
fn every_claim_is_in_exactly_one_place_whatever_the_input() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let dates = [
        "2023-10-09",
        "2023-10-10",
        "2023-10-16",
        "XXXX-10-09",
        "",
        "2023-10-09..2023-10-15",
        "2023-10-01..",
    ];
    let counts =
        [MORE_THAN_500, ABOUT_600, RANGE_200_300, NO_FIGURE, (Some(0), Some(0), CountQualifier::Exact)];
    for round in 0..20 {
        let specs: Vec<Spec> = (0..60)
            .map(|_| {
                let mut s = spec(
                    rng.below(12) as u8,
                    dates[rng.below(dates.len() as u64) as usize],
                    counts[rng.below(counts.len() as u64) as usize],
                );
                s.group = rng.below(8) as u32;
                s.aggregate = rng.below(15) == 0;
                s
            })
            .collect();
        let mut claims = inputs(&specs);
        for claim in &mut claims {
            if rng.below(4) == 0 {
                claim.claim.perpetrator = None;
            }
            if rng.below(6) == 0 {
                claim.claim.nationality = Some(Nationality::Group("Uyghur".into()));
            }
        }
        let r = |idx: usize| ClaimRef::of(claims[idx].key, &claims[idx].claim);
        let mut decisions = Vec::new();
        for _ in 0..rng.below(8) {
            let (a, b) = (rng.below(60) as usize, rng.below(60) as usize);
            decisions.push(match rng.below(7) {
                0 => Decision::Merge { a: r(a), b: r(b) },
                1 => Decision::Split { claim: r(a) },
                2 => Decision::Attach { claim: r(a), to: r(b) },
                3 => Decision::Detach { claim: r(a) },
                4 => Decision::RejectClaim { claim: r(a) },
                5 => Decision::RejectIncident { incident: r(a) },
                _ => Decision::Fix { incident: r(a), field: Field::Date, value: "2023-13-40".into() },
            });
        }
        let result = reconcile(&claims, &decisions);
        let mut seen = vec![0usize; claims.len()];
        for incident in &result.incidents {
            assert!(!incident.members.is_empty());
            for member in &incident.members {
                seen[member.claim] += 1;
            }
        }
        for check in &result.aggregates {
            seen[check.claim] += 1;
        }
        for &rejected in &result.rejected_claims {
            seen[rejected] += 1;
        }
        assert!(seen.iter().all(|&n| n == 1), "round {round}: {seen:?}");
        assert_eq!(reconcile(&claims, &decisions), result, "round {round}: not deterministic");
        let totals = timeline(&result, &TimelineFilter::default());
        let counted: usize =
            totals.years.iter().map(|y| y.incidents.len()).sum::<usize>() + totals.undated.len();
        assert_eq!(counted, result.incidents.iter().filter(|i| !i.rejected).count());
    }
}

#[test]
fn a_decision_follows_its_claim_when_the_extractor_adds_evidence_in_front() {
    let claims = inputs(&october_reports());
    let reject = Decision::RejectIncident { incident: ClaimRef::of(claims[5].key, &claims[5].claim) };
    let mut moved = claims.clone();
    let claim = &mut moved[5].claim;
    claim
        .evidence
        .insert(0, domain::Evidence { start: 0, end: 30, text: "A headline about the return.".into() });
    moved[5].key = ClaimKey::of(moved[5].key.document, &moved[5].claim);
    assert_ne!(moved[5].key, claims[5].key);
    let result = reconcile(&moved, &[reject]);
    assert!(result.diagnostics.is_empty(), "{:?}", result.diagnostics);
    let rejected: Vec<_> =
        result.incidents.iter().filter(|i| i.rejected).map(|i| i.members[0].claim).collect();
    assert_eq!(rejected, [5]);
}
