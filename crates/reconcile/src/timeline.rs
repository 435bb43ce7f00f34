//! Honest per-year totals: sums of incident lows and bests. Aggregates are listed beside the
//! years, never added to them; rejected incidents are left out.

use chrono::Datelike;
use domain::{ClaimKind, CountryCode, Nationality};

use crate::dates::{self, When};
use crate::{Incident, Reconciliation};

/// Which incidents a timeline covers. The default covers all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TimelineFilter {
    pub kind: Option<ClaimKind>,
    pub perpetrator: Option<CountryCode>,
    pub nationality: Option<Nationality>,
    /// First year included.
    pub from: Option<i32>,
    /// Last year included.
    pub to: Option<i32>,
}

/// Incidents per year and their totals.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Timeline {
    pub years: Vec<YearTotal>,
    /// Matching incidents whose year is unknown (indexes into `Reconciliation::incidents`); they
    /// are in no year's total.
    pub undated: Vec<usize>,
    /// Matching aggregates (indexes into `Reconciliation::aggregates`): shown, never summed.
    pub aggregates: Vec<usize>,
}

/// One year of a timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearTotal {
    pub year: i32,
    /// Indexes into `Reconciliation::incidents`, in date order.
    pub incidents: Vec<usize>,
    /// Sum of the incidents' lows (an unknown low counts 0).
    pub low: u64,
    /// Sum of the incidents' bests (an unknown best counts as the low).
    pub best: u64,
    /// Incidents without any figure.
    pub n_unknown: usize,
}

impl TimelineFilter {
    fn matches(&self, incident: &Incident) -> bool {
        !incident.rejected
            && self.kind.is_none_or(|k| incident.kind == k)
            && self.perpetrator.is_none_or(|p| incident.perpetrator == Some(p))
            && self.nationality.as_ref().is_none_or(|n| incident.nationality.as_ref() == Some(n))
    }

    fn year_in_range(&self, year: i32) -> bool {
        self.from.is_none_or(|f| year >= f) && self.to.is_none_or(|t| year <= t)
    }
}

/// The per-year totals of the incidents `filter` selects.
pub fn timeline(reconciliation: &Reconciliation, filter: &TimelineFilter) -> Timeline {
    let mut out = Timeline::default();
    for (idx, incident) in reconciliation.incidents.iter().enumerate() {
        if !filter.matches(incident) {
            continue;
        }
        let year = match dates::when(&incident.date) {
            When::Span { lo, .. } => dates::year_of(lo),
            _ => None,
        };
        let Some(year) = year else {
            if filter.from.is_none() && filter.to.is_none() {
                out.undated.push(idx);
            }
            continue;
        };
        if !filter.year_in_range(year) {
            continue;
        }
        let pos = match out.years.binary_search_by_key(&year, |y| y.year) {
            Ok(pos) => pos,
            Err(pos) => {
                out.years
                    .insert(pos, YearTotal { year, incidents: Vec::new(), low: 0, best: 0, n_unknown: 0 });
                pos
            }
        };
        let total = &mut out.years[pos];
        total.incidents.push(idx);
        let low = incident.count.low.unwrap_or(0);
        total.low = total.low.saturating_add(low);
        total.best = total.best.saturating_add(incident.count.best.unwrap_or(low));
        if incident.count.low.is_none() && incident.count.best.is_none() {
            total.n_unknown += 1;
        }
    }
    for (idx, check) in reconciliation.aggregates.iter().enumerate() {
        let fits = filter.kind.is_none_or(|k| check.kind == k)
            && filter.perpetrator.is_none_or(|p| check.perpetrator == Some(p))
            && filter.nationality.as_ref().is_none_or(|n| check.nationality.as_ref() == Some(n))
            && filter.to.is_none_or(|t| check.from.is_none_or(|f| f.year() <= t))
            && filter.from.is_none_or(|f| check.to.is_none_or(|t| t.year() >= f));
        if fits {
            out.aggregates.push(idx);
        }
    }
    out
}
