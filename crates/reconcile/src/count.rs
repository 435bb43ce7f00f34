//! The count rule across independent sources (written down in `docs/reconcile.md`).
//!
//! Within one source (a document and its copies) figures are combined by the extractor's own
//! rule, [`extract::combine_counts`]. Across sources:
//! - **low** = the highest credible lower bound: the largest floor any source states ("more than
//!   500", "200 to 300" → 200, "27" → 27). "About" figures are not floors; they are used only when
//!   no source states a floor.
//! - **high** = the lowest credible upper bound: the smallest ceiling any source states ("up to
//!   600", "200 to 300" → 300, "27" → 27); none when every source leaves the top open.
//! - When low > high the sources contradict each other: the incident is flagged with a count
//!   conflict and the conservative hull is kept instead (low = the smallest floor, high = the
//!   largest ceiling), as ACLED keeps the most conservative figure.
//! - **best** = the median of the sources' point estimates (a range gives its midpoint, any other
//!   figure the number stated), clamped into low..=high when they are consistent.

use domain::{Count, CountQualifier};

/// An incident's count, UCDP style.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct IncidentCount {
    pub low: Option<u64>,
    pub best: Option<u64>,
    pub high: Option<u64>,
    /// False when the sources' floors and ceilings contradict each other.
    pub consistent: bool,
}

/// The point estimate a figure stands for: the midpoint of a range, else the number stated.
pub fn point_estimate(count: &Count) -> Option<u64> {
    match (count.low, count.high) {
        (Some(low), Some(high)) => Some(low + (high.saturating_sub(low)) / 2),
        (Some(n), None) | (None, Some(n)) => Some(n),
        (None, None) => None,
    }
}

/// Combines one figure per independent source into low/best/high.
pub fn incident_count(figures: &[Count]) -> IncidentCount {
    let known: Vec<&Count> = figures.iter().filter(|c| !c.is_unknown()).collect();
    if known.is_empty() {
        return IncidentCount { consistent: true, ..IncidentCount::default() };
    }
    let is_soft = |c: &Count| c.qualifier == CountQualifier::About;
    let hard_floor = known.iter().filter(|c| !is_soft(c)).filter_map(|c| c.low).max();
    let soft_floor = known.iter().filter_map(|c| c.low.or(c.high)).min();
    let ceiling = |c: &&&Count| {
        matches!(
            c.qualifier,
            CountQualifier::Exact | CountQualifier::AtMost | CountQualifier::UpTo | CountQualifier::Unknown
        )
    };
    let hard_ceiling = known.iter().filter(ceiling).filter_map(|c| c.high).min();
    let open_top = known.iter().any(|c| c.high.is_none());
    let soft_ceiling = if open_top { None } else { known.iter().filter_map(|c| c.high).max() };
    let low = hard_floor.or(soft_floor);
    let high = hard_ceiling.or(soft_ceiling);
    let consistent = match (low, high) {
        (Some(low), Some(high)) => low <= high,
        _ => true,
    };
    let (low, high) = if consistent {
        (low, high)
    } else {
        let low = known.iter().filter_map(|c| c.low.or(c.high)).min();
        let high = if open_top { None } else { known.iter().filter_map(|c| c.high).max() };
        (low, high)
    };
    let mut points: Vec<u64> = known.iter().filter_map(|c| point_estimate(c)).collect();
    points.sort_unstable();
    let best = match points.len() {
        0 => None,
        n if n % 2 == 1 => Some(points[n / 2]),
        n => Some(points[n / 2 - 1] + (points[n / 2] - points[n / 2 - 1]) / 2),
    };
    let best = best.map(|b| {
        let b = low.map_or(b, |l| b.max(l));
        high.map_or(b, |h| b.min(h))
    });
    IncidentCount { low, best, high, consistent }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figure(low: Option<u64>, high: Option<u64>, qualifier: CountQualifier) -> Count {
        Count { low, high, qualifier, text: String::new() }
    }

    fn check(figures: &[Count], expect: (Option<u64>, Option<u64>, Option<u64>, bool)) {
        let c = incident_count(figures);
        assert_eq!((c.low, c.best, c.high, c.consistent), expect, "{figures:?}");
    }

    #[test]
    fn floors_and_ceilings_agree() {
        check(
            &[
                figure(Some(500), None, CountQualifier::MoreThan),
                figure(None, Some(600), CountQualifier::UpTo),
                figure(Some(550), Some(550), CountQualifier::About),
            ],
            (Some(500), Some(550), Some(600), true),
        );
    }

    #[test]
    fn contradicting_figures_keep_the_conservative_hull_and_flag() {
        // "more than 500", "about 600", "200 to 300": 500 > 300.
        check(
            &[
                figure(Some(500), None, CountQualifier::MoreThan),
                figure(Some(600), Some(600), CountQualifier::About),
                figure(Some(200), Some(300), CountQualifier::Exact),
            ],
            (Some(200), Some(500), None, false),
        );
    }

    #[test]
    fn about_alone_gives_its_figure() {
        check(&[figure(Some(60), Some(60), CountQualifier::About)], (Some(60), Some(60), Some(60), true));
        check(&[], (None, None, None, true));
        check(&[Count::unknown()], (None, None, None, true));
    }

    #[test]
    fn best_is_the_median_and_stays_inside_the_bounds() {
        check(
            &[
                figure(Some(40), Some(40), CountQualifier::Exact),
                figure(Some(40), None, CountQualifier::AtLeast),
                figure(Some(45), Some(45), CountQualifier::About),
                figure(Some(90), Some(90), CountQualifier::About),
            ],
            (Some(40), Some(40), Some(40), true),
        );
    }
}
