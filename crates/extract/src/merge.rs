//! One incident per occasion within a document: the headline, the lead and a later paragraph
//! often report the same return, sometimes with two sources' figures. Claims are merged when
//! everything they state is compatible; vague claims (no count, one person "among those") join
//! the best compatible incident.

use domain::{Claim, Count, CountQualifier, DatePrecision, DateSpan};

use crate::analyze::Draft;

/// Merges drafts into one claim per occasion, in document order.
pub fn merge(drafts: Vec<Draft>) -> Vec<Claim> {
    let (firm, vague): (Vec<Draft>, Vec<Draft>) =
        drafts.into_iter().partition(|d| !d.claim.count.is_unknown() && !d.individual);
    let mut incidents: Vec<Vec<Draft>> = Vec::new();
    for draft in firm {
        match best(&incidents, &draft, false) {
            Some(i) => incidents[i].push(draft),
            None => incidents.push(vec![draft]),
        }
    }
    for draft in vague {
        match best(&incidents, &draft, true) {
            Some(i) => incidents[i].push(draft),
            None => incidents.push(vec![draft]),
        }
    }
    let mut claims: Vec<Claim> = incidents.into_iter().map(combine).collect();
    claims.sort_by_key(|c| c.evidence.first().map_or(0, |e| e.start));
    claims
}

fn best(incidents: &[Vec<Draft>], draft: &Draft, vague: bool) -> Option<usize> {
    let mut best: Option<(usize, i32)> = None;
    for (i, incident) in incidents.iter().enumerate() {
        let Some(score) = incident.iter().map(|other| score(other, draft, vague)).min().flatten() else {
            continue;
        };
        if best.is_none_or(|(_, s)| score > s) {
            best = Some((i, score));
        }
    }
    best.map(|(i, _)| i)
}

/// How well two claims fit one occasion; `None` when they cannot.
fn score(a: &Draft, b: &Draft, vague: bool) -> Option<i32> {
    let (x, y) = (&a.claim, &b.claim);
    // "… had expelled hundreds of Syrians. Then they were bussed to the frontier": how the people
    // of a total were treated, told right after it, is that total, not another occasion.
    let telling_of_total = vague
        && b.anaphoric
        && y.count.is_unknown()
        && y.date.is_unknown()
        && x.aggregate
        && b.sentence > a.sentence
        && b.sentence <= a.sentence + 2;
    if x.kind != y.kind || (x.aggregate != y.aggregate && !telling_of_total) {
        return None;
    }
    let mut total = 0;
    total += same(x.perpetrator.as_ref(), y.perpetrator.as_ref())?;
    total += same(x.destination.as_ref(), y.destination.as_ref())?;
    total += same(x.nationality.as_ref(), y.nationality.as_ref())?;
    // Held in Osh and held in Belgrade are two occasions (a return passes through places).
    if x.kind == domain::ClaimKind::Detention {
        let country = |c: &Claim| c.place.as_ref().and_then(|p| p.country);
        same(country(x).as_ref(), country(y).as_ref())?;
    }
    // "handed over on Monday … flown on to Pyongyang on Tuesday": the same group, same figure,
    // on consecutive days in neighbouring sentences is one journey.
    let journey = !vague
        && a.sentence.abs_diff(b.sentence) <= 1
        && x.count.low.is_some()
        && x.count.low == y.count.low
        && x.count.high == y.count.high
        && consecutive_days(&x.date, &y.date);
    let dates = if journey { 0 } else { date_score(&x.date, &y.date)? };
    // One person joins a group's occasion on the same day, not somewhere inside its span: a
    // stay from 2 to 9 April is not the transfer of 40 people on 3 April.
    let group = |c: &Claim| c.count.low.is_some_and(|low| low > 1);
    if dates == 1 && (a.individual && group(y) || b.individual && group(x)) {
        return None;
    }
    total += dates;
    if !vague {
        if !counts_overlap(&x.count, &y.count) {
            return None;
        }
        // Two distinct named people are two occasions unless a figure ties them.
        total += 1;
    } else if b.individual && !x.count.is_unknown() && x.count.high == Some(1) {
        // One person and another person: separate unless the same name.
        if !x.persons.is_empty() && !y.persons.is_empty() && x.persons != y.persons {
            return None;
        }
    }
    Some(total)
}

fn same<T: PartialEq>(p: Option<&T>, q: Option<&T>) -> Option<i32> {
    match (p, q) {
        (Some(p), Some(q)) if p != q => None,
        (Some(_), Some(_)) => Some(1),
        _ => Some(0),
    }
}

fn date_score(a: &DateSpan, b: &DateSpan) -> Option<i32> {
    match (a.is_unknown(), b.is_unknown()) {
        (true, true) => Some(2),
        (true, false) | (false, true) => Some(0),
        (false, false) => {
            if a.start == b.start && a.end == b.end {
                return Some(3);
            }
            // A day inside a coarser span of the other ("this week" and "on Monday").
            let inside = |d: &DateSpan, outer: &DateSpan| {
                d.precision == DatePrecision::Day
                    && outer.precision != DatePrecision::Day
                    && matches!((d.start, outer.start, outer.end), (Some(s), Some(os), Some(oe)) if os <= s && s <= oe)
            };
            // "In April and May 2023 … deported people" within "since the start of April": a
            // span inside a longer one that is still running.
            let within = |d: &DateSpan, outer: &DateSpan| {
                outer.end.is_none() && matches!((d.start, outer.start), (Some(s), Some(os)) if os <= s)
            };
            (inside(a, b) || inside(b, a) || within(a, b) || within(b, a)).then_some(1)
        }
    }
}

fn consecutive_days(a: &DateSpan, b: &DateSpan) -> bool {
    let day = |d: &DateSpan| {
        (d.precision == DatePrecision::Day)
            .then_some(d.start?)
            .and_then(|p| chrono::NaiveDate::from_ymd_opt(p.year?, p.month, p.day))
    };
    matches!((day(a), day(b)), (Some(x), Some(y)) if (x - y).num_days().abs() == 1)
}

fn counts_overlap(a: &Count, b: &Count) -> bool {
    if a.is_unknown() || b.is_unknown() {
        return true;
    }
    let lo = |c: &Count| c.low.unwrap_or(0);
    let hi = |c: &Count| c.high.unwrap_or(u64::MAX);
    lo(a) <= hi(b) && lo(b) <= hi(a)
}

/// The incident's count: hard floors and ceilings from each figure; "about" figures only
/// when nothing firmer is known (see docs: low = the lowest floor, high = the highest ceiling).
pub fn combine_counts(counts: &[&Count]) -> Count {
    let known: Vec<&&Count> = counts.iter().filter(|c| !c.is_unknown()).collect();
    match known.as_slice() {
        [] => return Count::unknown(),
        [only] => return (**only).clone(),
        _ => {}
    }
    let hard_low =
        known.iter().filter(|c| !matches!(c.qualifier, CountQualifier::About)).filter_map(|c| c.low).min();
    let soft_low = known.iter().filter_map(|c| c.low).min();
    let unbounded = known.iter().any(|c| c.high.is_none() && c.low.is_some());
    let hard_high = known
        .iter()
        .filter(|c| {
            matches!(c.qualifier, CountQualifier::Exact | CountQualifier::AtMost | CountQualifier::UpTo)
        })
        .filter_map(|c| c.high)
        .max();
    let soft_high = known.iter().filter_map(|c| c.high).max();
    let low = hard_low.or(soft_low);
    let high = match (hard_high, unbounded) {
        (Some(h), _) => Some(h),
        (None, true) => None,
        (None, false) => soft_high,
    };
    let qualifier = match (low, high) {
        (Some(l), Some(h)) if l == h => {
            if known.iter().all(|c| c.qualifier == CountQualifier::About) {
                CountQualifier::About
            } else {
                CountQualifier::Exact
            }
        }
        (Some(_), Some(_)) => CountQualifier::Exact,
        (Some(l), None) => known
            .iter()
            .find(|c| c.low == Some(l) && c.high.is_none())
            .map_or(CountQualifier::AtLeast, |c| c.qualifier),
        (None, Some(h)) => known
            .iter()
            .find(|c| c.high == Some(h) && c.low.is_none())
            .map_or(CountQualifier::UpTo, |c| c.qualifier),
        (None, None) => CountQualifier::Unknown,
    };
    let text = known.iter().map(|c| c.text.as_str()).filter(|t| !t.is_empty()).collect::<Vec<_>>().join("; ");
    Count { low, high, qualifier, text }
}

fn combine(mut drafts: Vec<Draft>) -> Claim {
    // The firmest claim leads: a stated count first, then document order.
    drafts.sort_by_key(|d| {
        (d.claim.count.is_unknown() || d.individual, d.claim.evidence.first().map_or(0, |e| e.start))
    });
    let counts: Vec<&Count> = drafts.iter().filter(|d| !d.individual).map(|d| &d.claim.count).collect();
    let count = if counts.iter().all(|c| c.is_unknown()) {
        drafts.iter().map(|d| d.claim.count.clone()).find(|c| !c.is_unknown()).unwrap_or_else(Count::unknown)
    } else {
        combine_counts(&counts)
    };
    let mut iter = drafts.into_iter();
    let Some(first) = iter.next() else { return empty() };
    let mut claim = first.claim;
    claim.count = count;
    for draft in iter {
        let other = draft.claim;
        if claim.date.is_unknown() {
            claim.date = other.date;
        } else if consecutive_days(&claim.date, &other.date) {
            let (first, last) = if claim.date.start <= other.date.start {
                (claim.date.start, other.date.end)
            } else {
                (other.date.start, claim.date.end)
            };
            claim.date = DateSpan { start: first, end: last, precision: DatePrecision::Range };
        }
        claim.perpetrator = claim.perpetrator.or(other.perpetrator);
        claim.destination = claim.destination.or(other.destination);
        if claim.nationality.is_none() {
            claim.nationality = other.nationality;
        }
        if claim.place.is_none() {
            claim.place = other.place;
        }
        if other.women == Some(true) {
            claim.women = Some(true);
        }
        for source in other.sources {
            if !claim.sources.contains(&source) {
                claim.sources.push(source);
            }
        }
        for person in other.persons {
            if !claim.persons.contains(&person) {
                claim.persons.push(person);
            }
        }
        for evidence in other.evidence {
            if !claim.evidence.contains(&evidence) {
                claim.evidence.push(evidence);
            }
        }
    }
    claim
}

fn empty() -> Claim {
    Claim {
        kind: domain::ClaimKind::ForcedReturn,
        aggregate: false,
        date: DateSpan::UNKNOWN,
        count: Count::unknown(),
        perpetrator: None,
        destination: None,
        nationality: None,
        place: None,
        women: None,
        children: None,
        sources: Vec::new(),
        persons: Vec::new(),
        evidence: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(low: Option<u64>, high: Option<u64>, qualifier: CountQualifier) -> Count {
        Count { low, high, qualifier, text: String::new() }
    }

    #[test]
    fn floor_and_ceiling_make_a_range() {
        let c = combine_counts(&[
            &count(Some(500), None, CountQualifier::MoreThan),
            &count(None, Some(600), CountQualifier::UpTo),
        ]);
        assert_eq!((c.low, c.high, c.qualifier), (Some(500), Some(600), CountQualifier::Exact));
    }

    #[test]
    fn about_does_not_cap_a_floor() {
        let c = combine_counts(&[
            &count(Some(500), None, CountQualifier::MoreThan),
            &count(Some(500), Some(500), CountQualifier::About),
        ]);
        assert_eq!((c.low, c.high, c.qualifier), (Some(500), None, CountQualifier::MoreThan));
    }

    #[test]
    fn two_exact_figures_give_their_range() {
        let c = combine_counts(&[
            &count(Some(7), Some(7), CountQualifier::Exact),
            &count(Some(7), Some(10), CountQualifier::Exact),
        ]);
        assert_eq!((c.low, c.high), (Some(7), Some(10)));
    }
}
