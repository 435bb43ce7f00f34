//! Scoring predicted claims against gold incidents. Pure functions, no IO.
//!
//! A prediction is compatible with a gold incident (lenient) when it has
//! - the same type and the same aggregate flag,
//! - the same perpetrator (both unknown counts as the same),
//! - the same destination, when the gold names one (a gold `null` accepts any destination),
//! - overlapping count ranges, where a `null` bound is unbounded on that side (so an unknown
//!   count on either side overlaps anything).
//!
//! Strict additionally needs compatible dates (see [`dates_compatible`]). Gold and predicted
//! incidents are paired one to one, maximising the number of pairs (see [`match_incidents`]);
//! lenient and strict are matched separately.

use domain::{Claim, DatePrecision, DateSpan};

use super::gold::GoldIncident;

/// Whether dates take part in matching.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Lenient,
    Strict,
}

/// Counts of one matching: gold incidents, predicted incidents, pairs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Tally {
    pub gold: usize,
    pub predicted: usize,
    pub matched: usize,
}

impl Tally {
    pub fn add(&mut self, other: Tally) {
        self.gold += other.gold;
        self.predicted += other.predicted;
        self.matched += other.matched;
    }

    /// Matched over predicted. Nothing predicted and nothing to find is perfect (1); nothing
    /// predicted when there was something to find is 0.
    pub fn precision(&self) -> f64 {
        match (self.predicted, self.gold) {
            (0, 0) => 1.0,
            (0, _) => 0.0,
            (predicted, _) => self.matched as f64 / predicted as f64,
        }
    }

    /// Matched over gold; 1 when there was nothing to find and nothing was predicted.
    pub fn recall(&self) -> f64 {
        match (self.gold, self.predicted) {
            (0, 0) => 1.0,
            (0, _) => 0.0,
            (gold, _) => self.matched as f64 / gold as f64,
        }
    }

    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) }
    }
}

/// Whether two count ranges overlap. `(low, high)`; `None` is unbounded on that side.
pub fn counts_overlap(gold: (Option<u64>, Option<u64>), predicted: (Option<u64>, Option<u64>)) -> bool {
    let low = gold.0.unwrap_or(0).max(predicted.0.unwrap_or(0));
    let high = gold.1.unwrap_or(u64::MAX).min(predicted.1.unwrap_or(u64::MAX));
    low <= high
}

/// Strict date compatibility:
/// - an unknown gold date (no start, no end) needs an unknown predicted date, and a known gold
///   date needs a known predicted date;
/// - otherwise start and end must be equal as written: a gold `XXXX-MM-DD` needs `XXXX` with the
///   same month and day, a known year needs the same year, and an open end (`null`, "since X"
///   on an undated page) needs an open end;
/// - for a gold of precision `day`, a prediction of that same day with no end and precision
///   `day` is accepted too.
///
/// The predicted precision is otherwise not compared: equal bounds are the same span.
pub fn dates_compatible(gold: &DateSpan, predicted: &DateSpan) -> bool {
    if gold.is_unknown() || predicted.is_unknown() {
        return gold.is_unknown() && predicted.is_unknown();
    }
    if gold.precision == DatePrecision::Day
        && let Some(day) = gold.start.or(gold.end)
    {
        return predicted.start == Some(day)
            && (predicted.end == Some(day)
                || (predicted.end.is_none() && predicted.precision == DatePrecision::Day));
    }
    gold.start == predicted.start && gold.end == predicted.end
}

/// Whether `predicted` may be paired with `gold` in `mode`.
pub fn compatible(gold: &GoldIncident, predicted: &Claim, mode: Mode) -> bool {
    gold.kind == predicted.kind
        && gold.aggregate == predicted.aggregate
        && gold.perpetrator == predicted.perpetrator
        && (gold.destination.is_none() || gold.destination == predicted.destination)
        && counts_overlap((gold.low, gold.high), (predicted.count.low, predicted.count.high))
        && (mode == Mode::Lenient || dates_compatible(&gold.date, &predicted.date))
}

/// Pairs gold and predicted incidents one to one, as many pairs as possible. Pairs are first
/// taken greedily in order of [`affinity`] (so a prediction pairs with the gold incident whose
/// evidence it shares), then augmenting paths add pairs until the matching is maximum (Kuhn's
/// algorithm from a greedy start; pages hold a handful of incidents). Returns
/// `(gold_idx, predicted_idx)` sorted by gold.
pub fn match_incidents(gold: &[GoldIncident], predicted: &[Claim], mode: Mode) -> Vec<(usize, usize)> {
    let mut pairs: Vec<(u32, usize, usize)> = Vec::new();
    let mut candidates: Vec<Vec<usize>> = vec![Vec::new(); gold.len()];
    for (g, gold_incident) in gold.iter().enumerate() {
        for (p, claim) in predicted.iter().enumerate() {
            if compatible(gold_incident, claim, mode) {
                pairs.push((affinity(gold_incident, claim), g, p));
                candidates[g].push(p);
            }
        }
    }
    pairs.sort_by_key(|&(affinity, g, p)| (std::cmp::Reverse(affinity), g, p));
    let mut owner: Vec<Option<usize>> = vec![None; predicted.len()];
    let mut taken = vec![false; gold.len()];
    for (_, g, p) in pairs {
        if !taken[g] && owner[p].is_none() {
            owner[p] = Some(g);
            taken[g] = true;
        }
    }
    let unmatched: Vec<usize> = (0..gold.len()).filter(|&g| !taken[g]).collect();
    for g in unmatched {
        let mut seen = vec![false; predicted.len()];
        augment(g, &candidates, &mut owner, &mut seen);
    }
    let mut matched: Vec<(usize, usize)> =
        owner.iter().enumerate().filter_map(|(p, g)| g.map(|g| (g, p))).collect();
    matched.sort_unstable();
    matched
}

/// How alike two compatible incidents are beyond the matching rules: shared evidence counts most,
/// then the same nationality, a compatible date and identical count bounds.
pub fn affinity(gold: &GoldIncident, predicted: &Claim) -> u32 {
    let gold_evidence = normalize_whitespace(&gold.evidence);
    let shares_evidence = predicted.evidence.iter().any(|e| {
        let text = normalize_whitespace(&e.text);
        !text.is_empty()
            && !gold_evidence.is_empty()
            && (gold_evidence.contains(&text) || text.contains(&gold_evidence))
    });
    let nationality = predicted.nationality.as_ref().map(|n| n.to_string());
    u32::from(shares_evidence) * 8
        + u32::from(gold.nationality.is_some() && gold.nationality == nationality) * 4
        + u32::from(dates_compatible(&gold.date, &predicted.date)) * 2
        + u32::from(gold.low == predicted.count.low && gold.high == predicted.count.high)
}

/// Tries to give `gold_idx` a prediction, moving earlier pairs along an augmenting path.
fn augment(
    gold_idx: usize,
    candidates: &[Vec<usize>],
    owner: &mut [Option<usize>],
    seen: &mut [bool],
) -> bool {
    for &p in &candidates[gold_idx] {
        if seen[p] {
            continue;
        }
        seen[p] = true;
        let free = match owner[p] {
            None => true,
            Some(other) => augment(other, candidates, owner, seen),
        };
        if free {
            owner[p] = Some(gold_idx);
            return true;
        }
    }
    false
}

/// Collapses every run of whitespace to one space and trims the ends.
pub fn normalize_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Exact match after whitespace normalisation; both absent is a match.
pub fn same_text(gold: Option<&str>, got: Option<&str>) -> bool {
    gold.map(normalize_whitespace) == got.map(normalize_whitespace)
}

/// Whether the main text starts with the gold's first words (whitespace normalised).
pub fn body_starts_with(text: &str, first_words: &str) -> bool {
    let first_words = normalize_whitespace(first_words);
    !first_words.is_empty() && normalize_whitespace(text).starts_with(&first_words)
}

/// Whether the main text ends with the gold's last words (whitespace normalised).
pub fn body_ends_with(text: &str, last_words: &str) -> bool {
    let last_words = normalize_whitespace(last_words);
    !last_words.is_empty() && normalize_whitespace(text).ends_with(&last_words)
}

#[cfg(test)]
mod tests {
    use domain::{ClaimKind, Count, CountQualifier, CountryCode, Evidence, PartialDate};

    use super::*;

    fn country(code: &str) -> Option<CountryCode> {
        Some(code.parse().expect("valid code"))
    }

    fn date(text: &str) -> PartialDate {
        text.parse().expect("valid date")
    }

    fn day(text: &str) -> DateSpan {
        DateSpan::day(date(text))
    }

    fn span(start: Option<&str>, end: Option<&str>, precision: DatePrecision) -> DateSpan {
        DateSpan { start: start.map(date), end: end.map(date), precision }
    }

    fn gold(date: DateSpan, low: Option<u64>, high: Option<u64>, evidence: &str) -> GoldIncident {
        GoldIncident {
            kind: ClaimKind::ForcedReturn,
            aggregate: false,
            date,
            low,
            high,
            perpetrator: country("CN"),
            destination: country("KP"),
            nationality: Some("KP".to_owned()),
            evidence: evidence.to_owned(),
        }
    }

    fn claim(date: DateSpan, low: Option<u64>, high: Option<u64>, evidence: &str) -> Claim {
        Claim {
            kind: ClaimKind::ForcedReturn,
            aggregate: false,
            date,
            count: Count { low, high, qualifier: CountQualifier::Exact, text: String::new() },
            perpetrator: country("CN"),
            destination: country("KP"),
            nationality: None,
            place: None,
            women: None,
            children: None,
            sources: Vec::new(),
            persons: Vec::new(),
            evidence: vec![Evidence { start: 0, end: evidence.len(), text: evidence.to_owned() }],
        }
    }

    #[test]
    fn count_ranges_overlap_with_open_bounds() {
        assert!(counts_overlap((Some(500), None), (Some(600), Some(600))));
        assert!(counts_overlap((Some(500), Some(600)), (Some(600), None)));
        assert!(!counts_overlap((Some(500), None), (Some(80), Some(80))));
        assert!(!counts_overlap((Some(40), Some(40)), (Some(80), Some(80))));
        assert!(counts_overlap((None, Some(50)), (Some(50), Some(50))));
        assert!(!counts_overlap((None, Some(50)), (Some(51), None)));
        // Both bounds unknown matches anything, on either side.
        assert!(counts_overlap((None, None), (Some(7), Some(7))));
        assert!(counts_overlap((Some(7), Some(7)), (None, None)));
    }

    #[test]
    fn unknown_gold_date_needs_unknown_prediction() {
        assert!(dates_compatible(&DateSpan::UNKNOWN, &DateSpan::UNKNOWN));
        assert!(!dates_compatible(&DateSpan::UNKNOWN, &day("2023-10-09")));
        assert!(!dates_compatible(&day("2023-10-09"), &DateSpan::UNKNOWN));
    }

    #[test]
    fn unknown_year_needs_unknown_year() {
        assert!(dates_compatible(&day("XXXX-08-29"), &day("XXXX-08-29")));
        assert!(!dates_compatible(&day("XXXX-08-29"), &day("2023-08-29")));
        assert!(!dates_compatible(&day("2023-08-29"), &day("XXXX-08-29")));
        assert!(!dates_compatible(&day("XXXX-08-29"), &day("XXXX-08-30")));
    }

    #[test]
    fn day_matches_same_day_only() {
        assert!(dates_compatible(&day("2023-08-29"), &day("2023-08-29")));
        assert!(dates_compatible(&day("2023-08-29"), &span(Some("2023-08-29"), None, DatePrecision::Day)));
        assert!(!dates_compatible(&day("2023-08-29"), &span(Some("2023-08-29"), None, DatePrecision::Range)));
        assert!(!dates_compatible(
            &day("2023-08-29"),
            &span(Some("2023-08-01"), Some("2023-08-31"), DatePrecision::Month)
        ));
    }

    #[test]
    fn spans_need_equal_bounds() {
        let month = span(Some("2021-06-01"), Some("2021-06-30"), DatePrecision::Month);
        assert!(dates_compatible(&month, &month));
        assert!(dates_compatible(
            &month,
            &span(Some("2021-06-01"), Some("2021-06-30"), DatePrecision::Range)
        ));
        assert!(!dates_compatible(
            &month,
            &span(Some("2021-06-01"), Some("2021-06-29"), DatePrecision::Range)
        ));
        let since = span(Some("2023-04-01"), None, DatePrecision::Range);
        assert!(dates_compatible(&since, &since));
        assert!(!dates_compatible(
            &since,
            &span(Some("2023-04-01"), Some("2023-05-14"), DatePrecision::Range)
        ));
    }

    #[test]
    fn strict_rejects_known_year_for_xxxx_gold_but_lenient_accepts() {
        let gold = [gold(day("XXXX-08-29"), Some(80), Some(80), "On 29 August, 80 were returned.")];
        let predicted = [claim(day("2023-08-29"), Some(80), Some(80), "On 29 August, 80 were returned.")];
        assert_eq!(match_incidents(&gold, &predicted, Mode::Lenient), vec![(0, 0)]);
        assert_eq!(match_incidents(&gold, &predicted, Mode::Strict), vec![]);
    }

    #[test]
    fn compatibility_checks_each_field() {
        let g = gold(DateSpan::UNKNOWN, Some(500), None, "");
        let base = claim(DateSpan::UNKNOWN, Some(500), None, "");
        assert!(compatible(&g, &base, Mode::Strict));

        let mut other = base.clone();
        other.kind = ClaimKind::Detention;
        assert!(!compatible(&g, &other, Mode::Lenient));

        let mut other = base.clone();
        other.aggregate = true;
        assert!(!compatible(&g, &other, Mode::Lenient));

        let mut other = base.clone();
        other.perpetrator = country("RU");
        assert!(!compatible(&g, &other, Mode::Lenient));

        let mut other = base.clone();
        other.perpetrator = None;
        assert!(!compatible(&g, &other, Mode::Lenient));

        let mut other = base.clone();
        other.destination = None;
        assert!(!compatible(&g, &other, Mode::Lenient));

        // A gold without destination accepts any.
        let mut no_destination = g.clone();
        no_destination.destination = None;
        assert!(compatible(&no_destination, &base, Mode::Strict));

        let mut other = base.clone();
        other.count = Count::exact(80, "80");
        assert!(!compatible(&g, &other, Mode::Lenient));
    }

    #[test]
    fn matching_is_one_to_one_and_maximal() {
        // Gold 0 (unknown count) is compatible with both predictions and shares its evidence with
        // prediction 1, so the greedy start pairs them; gold 1 fits only prediction 1. The
        // augmenting path moves gold 0 to prediction 0 so that both are matched.
        let gold = [
            gold(DateSpan::UNKNOWN, None, None, "Forty were sent back."),
            gold(DateSpan::UNKNOWN, Some(40), Some(40), "Forty people were sent back in all."),
        ];
        let predicted = [
            claim(DateSpan::UNKNOWN, Some(7), Some(7), "Seven were sent back."),
            claim(DateSpan::UNKNOWN, Some(40), Some(40), "Forty were sent back."),
        ];
        assert_eq!(match_incidents(&gold, &predicted, Mode::Lenient), vec![(0, 0), (1, 1)]);

        // Two identical predictions for one gold: only one pair.
        let one = [gold[1].clone()];
        let twice = [predicted[1].clone(), predicted[1].clone()];
        assert_eq!(match_incidents(&one, &twice, Mode::Strict).len(), 1);
    }

    #[test]
    fn matching_prefers_shared_evidence() {
        let gold = [
            gold(DateSpan::UNKNOWN, None, None, "They were sent back in June."),
            gold(DateSpan::UNKNOWN, None, None, "More were sent back in July."),
        ];
        let predicted = [claim(DateSpan::UNKNOWN, None, None, "More were sent back in July.")];
        assert_eq!(match_incidents(&gold, &predicted, Mode::Lenient), vec![(1, 0)]);
    }

    #[test]
    fn tally_scores() {
        let tally = Tally { gold: 4, predicted: 2, matched: 2 };
        assert_eq!(tally.precision(), 1.0);
        assert_eq!(tally.recall(), 0.5);
        assert!((tally.f1() - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(Tally { gold: 3, predicted: 0, matched: 0 }.f1(), 0.0);
        assert_eq!(Tally { gold: 0, predicted: 2, matched: 0 }.precision(), 0.0);
        assert_eq!(Tally::default().f1(), 1.0);
    }

    #[test]
    fn metadata_comparisons_normalise_whitespace() {
        assert!(same_text(Some("China  Forcibly\nReturns "), Some("China Forcibly Returns")));
        assert!(same_text(None, None));
        assert!(!same_text(Some("WR News Writer"), None));
        let text = "The People’s Republic of China has\nforcefully conducted\n\nLast line here.";
        assert!(body_starts_with(text, "The People’s Republic of China has forcefully"));
        assert!(!body_starts_with(text, "People’s Republic"));
        assert!(body_ends_with(text, "Last line here."));
        assert!(!body_ends_with(text, "Last line"));
        assert!(!body_ends_with(text, ""));
    }
}
