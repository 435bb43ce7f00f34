//! What pages and the JSON API show, computed from the cached reconciled view: filters, table
//! rows, the timeline series and the map data. No HTTP here; handlers turn these into HTML or
//! JSON. Nothing here holds a person's name: case files are read only by the incident page.

use std::collections::BTreeMap;

use domain::{ClaimKind, DateSpan, Nationality};
use reconcile::{Conflict, Incident, Review};
use serde::{Deserialize, Serialize};
use service::ReconciledView;

/// Rows per page of the incidents table, unless asked otherwise.
pub const PAGE_SIZE: usize = 50;
/// The largest page the table and the API serve.
pub const MAX_PAGE_SIZE: usize = 1000;

/// The dashboard's filters, as they appear in the URL query. Empty fields mean "any".
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default)]
pub struct Filter {
    /// Country code of the state that returned the people.
    pub perpetrator: String,
    /// Country code they were returned to.
    pub destination: String,
    /// Country code or group name.
    pub nationality: String,
    /// First period, `YYYY` or `YYYY-MM` (inclusive).
    pub from: String,
    /// Last period, `YYYY` or `YYYY-MM` (inclusive).
    pub to: String,
    /// `forced_return` or `detention`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `yes`, `no`, or empty for both.
    pub reviewed: String,
    /// Full-text search over documents (the table then shows incidents from matching documents).
    pub q: String,
    /// Page of the table, from 1.
    pub page: usize,
    /// Rows per page.
    pub size: usize,
}

impl Filter {
    /// The query string of these filters without the page (for links to other pages).
    pub fn query_without_page(&self) -> String {
        let mut copy = self.clone();
        copy.page = 0;
        copy.size = 0;
        query_string(&copy)
    }

    pub fn page(&self) -> usize {
        self.page.max(1)
    }

    pub fn size(&self) -> usize {
        if self.size == 0 { PAGE_SIZE } else { self.size.min(MAX_PAGE_SIZE) }
    }

    /// Whether `incident` passes every filter except the search (done with the store).
    pub fn matches(&self, incident: &Incident) -> bool {
        let code = |text: &str, value: Option<domain::CountryCode>| {
            text.trim().is_empty() || value.is_some_and(|v| v.as_str().eq_ignore_ascii_case(text.trim()))
        };
        let nationality = self.nationality.trim();
        let nationality_ok = nationality.is_empty()
            || incident.nationality.as_ref().is_some_and(|n| match n {
                Nationality::Country(c) => c.as_str().eq_ignore_ascii_case(nationality),
                Nationality::Group(g) => g.eq_ignore_ascii_case(nationality),
            });
        let kind_ok = self.kind.trim().is_empty() || incident.kind.as_str() == self.kind.trim();
        let reviewed_ok = match self.reviewed.as_str() {
            "yes" => incident.reviewed,
            "no" => !incident.reviewed,
            _ => true,
        };
        code(&self.perpetrator, incident.perpetrator)
            && code(&self.destination, incident.destination)
            && nationality_ok
            && kind_ok
            && reviewed_ok
            && self.period_ok(&incident.date)
    }

    fn period_ok(&self, date: &DateSpan) -> bool {
        let from = period(&self.from, false);
        let to = period(&self.to, true);
        if from.is_none() && to.is_none() {
            return true;
        }
        let Some(month) = start_month(date) else { return false };
        from.is_none_or(|f| month >= f) && to.is_none_or(|t| month <= t)
    }
}

/// `YYYY` or `YYYY-MM` as a month number (year * 12 + month - 1); a bare year is its first
/// month, or its last when `end`.
fn period(text: &str, end: bool) -> Option<i32> {
    let text = text.trim();
    let (year, month) = match text.split_once('-') {
        Some((y, m)) => (y.parse::<i32>().ok()?, m.parse::<i32>().ok().filter(|m| (1..=12).contains(m))?),
        None => (text.parse::<i32>().ok()?, if end { 12 } else { 1 }),
    };
    Some(year * 12 + month - 1)
}

/// The month an incident starts in, when its year is known.
pub fn start_month(date: &DateSpan) -> Option<i32> {
    let start = date.start?;
    let year = start.year?;
    let month = if start.month == 0 { 1 } else { start.month as i32 };
    Some(year * 12 + month - 1)
}

fn month_label(month: i32) -> String {
    format!("{:04}-{:02}", month.div_euclid(12), month.rem_euclid(12) + 1)
}

/// Serialises a filter as a URL query (only the non-empty fields).
pub fn query_string(filter: &Filter) -> String {
    serde_urlencoded_lite(filter)
}

fn serde_urlencoded_lite(filter: &Filter) -> String {
    let mut pairs: Vec<(&str, String)> = Vec::new();
    let mut push = |name: &'static str, value: &str| {
        if !value.trim().is_empty() {
            pairs.push((name, value.trim().to_owned()));
        }
    };
    push("perpetrator", &filter.perpetrator);
    push("destination", &filter.destination);
    push("nationality", &filter.nationality);
    push("from", &filter.from);
    push("to", &filter.to);
    push("type", &filter.kind);
    push("reviewed", &filter.reviewed);
    push("q", &filter.q);
    if filter.size != 0 {
        pairs.push(("size", filter.size.to_string()));
    }
    if filter.page > 1 {
        pairs.push(("page", filter.page.to_string()));
    }
    pairs.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect::<Vec<_>>().join("&")
}

/// Percent-encodes a query value.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// One incident as a table row or a JSON object. No person data.
#[derive(Debug, Clone, Serialize)]
pub struct IncidentRow {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The date or span as text ("2023-05-03", "2023-05..2023-06 (month)").
    pub date: String,
    pub start: Option<String>,
    pub end: Option<String>,
    pub precision: &'static str,
    pub low: Option<u64>,
    pub best: Option<u64>,
    pub high: Option<u64>,
    pub perpetrator: Option<String>,
    pub destination: Option<String>,
    pub nationality: Option<String>,
    pub place: Option<String>,
    pub n_sources: usize,
    pub n_claims: usize,
    pub reviewed: bool,
    pub rejected: bool,
    pub needs_review: bool,
    pub n_conflicts: usize,
}

impl IncidentRow {
    pub fn of(incident: &Incident) -> IncidentRow {
        IncidentRow {
            id: incident.id.to_string(),
            kind: incident.kind.as_str(),
            date: span_text(&incident.date),
            start: incident.date.start.map(|d| d.to_string()),
            end: incident.date.end.map(|d| d.to_string()),
            precision: incident.date.precision.as_str(),
            low: incident.count.low,
            best: incident.count.best,
            high: incident.count.high,
            perpetrator: incident.perpetrator.map(|c| c.to_string()),
            destination: incident.destination.map(|c| c.to_string()),
            nationality: incident.nationality.as_ref().map(|n| n.to_string()),
            place: incident.place.clone(),
            n_sources: incident.n_sources,
            n_claims: incident.members.len(),
            reviewed: incident.reviewed,
            rejected: incident.rejected,
            needs_review: needs_review(incident),
            n_conflicts: incident.conflicts.len(),
        }
    }

    pub fn figure(&self) -> String {
        let n = |v: Option<u64>| v.map_or("?".to_owned(), |v| v.to_string());
        format!("{}/{}/{}", n(self.low), n(self.best), n(self.high))
    }

    pub fn route(&self) -> String {
        format!(
            "{} → {}",
            self.perpetrator.as_deref().unwrap_or("?"),
            self.destination.as_deref().unwrap_or("?")
        )
    }
}

/// A date span as text: one day, or `start..end (precision)`.
pub fn span_text(span: &DateSpan) -> String {
    match (span.start, span.end) {
        (None, None) => "?".to_owned(),
        (Some(start), Some(end)) if start == end && span.precision == domain::DatePrecision::Day => {
            start.to_string()
        }
        (start, end) => format!(
            "{}..{} ({})",
            start.map_or("?".to_owned(), |d| d.to_string()),
            end.map_or("?".to_owned(), |d| d.to_string()),
            span.precision.as_str()
        ),
    }
}

/// Whether an incident belongs in the review queue: not yet accepted or rejected, and new
/// (never reviewed), flagged by reconciliation, or in conflict.
pub fn needs_review(incident: &Incident) -> bool {
    !incident.reviewed && !incident.rejected
}

/// Why an incident is in the queue, in words.
pub fn review_reasons(incident: &Incident) -> Vec<String> {
    let mut reasons = Vec::new();
    for review in &incident.review {
        reasons.push(match review {
            Review::Ambiguous { candidates } => format!("vague claim fits {candidates} incidents"),
            Review::Unmatched => "vague claim fits no incident".to_owned(),
            Review::Detached => "a claim was detached into it".to_owned(),
        });
    }
    for conflict in &incident.conflicts {
        reasons.push(conflict_text(conflict));
    }
    if incident.members.iter().any(|m| matches!(m.joined, reconcile::Joined::Decision(_))) {
        reasons.push("changed by a decision".to_owned());
    }
    if reasons.is_empty() {
        reasons.push("new".to_owned());
    }
    reasons
}

pub fn conflict_text(conflict: &Conflict) -> String {
    let list = |v: &[domain::CountryCode]| v.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(", ");
    match conflict {
        Conflict::Count { lowest_floor, highest_floor, lowest_ceiling } => format!(
            "figures disagree (floors {}–{}, lowest ceiling {})",
            lowest_floor.map_or("?".into(), |v| v.to_string()),
            highest_floor.map_or("?".into(), |v| v.to_string()),
            lowest_ceiling.map_or("?".into(), |v| v.to_string())
        ),
        Conflict::Date { earliest, latest } => format!("dates disagree ({earliest} to {latest})"),
        Conflict::Perpetrator(v) => format!("returning states disagree ({})", list(v)),
        Conflict::Destination(v) => format!("destinations disagree ({})", list(v)),
        Conflict::Nationality(v) => format!(
            "nationalities disagree ({})",
            v.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(", ")
        ),
    }
}

/// The incidents passing a filter (indexes into the view's incidents, in order) and their
/// series, remembered per view and filter so the dashboard does not filter 100,000 incidents
/// on every request.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub indices: Vec<u32>,
    pub series: Series,
    pub search_note: String,
}

impl Selection {
    pub fn compute(
        view: &ReconciledView,
        filter: &Filter,
        documents: Option<&std::collections::HashSet<domain::ContentHash>>,
        search_note: String,
    ) -> Selection {
        let incidents = view.reconciliation.incidents.iter().enumerate().filter(|(_, i)| {
            filter.matches(i)
                && documents.is_none_or(|docs| i.members.iter().any(|m| docs.contains(&m.key.document)))
        });
        let indices: Vec<u32> = incidents.filter_map(|(idx, _)| u32::try_from(idx).ok()).collect();
        let selected = selected(view, &indices);
        Selection { series: series(&selected), indices, search_note }
    }

    /// One page of the selection.
    pub fn page(&self, view: &ReconciledView, filter: &Filter) -> Page {
        let size = filter.size();
        let pages = self.indices.len().div_ceil(size).max(1);
        let page = filter.page().min(pages);
        let rows = self
            .indices
            .iter()
            .skip((page - 1) * size)
            .take(size)
            .filter_map(|&idx| view.reconciliation.incidents.get(idx as usize))
            .map(IncidentRow::of)
            .collect();
        Page { total: self.indices.len(), page, size, pages, incidents: rows }
    }
}

/// The incidents at `indices`.
pub fn selected<'a>(view: &'a ReconciledView, indices: &[u32]) -> Vec<&'a Incident> {
    indices.iter().filter_map(|&idx| view.reconciliation.incidents.get(idx as usize)).collect()
}

/// One page of incidents that pass `filter` (and, with a search, are in `documents`).
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    pub total: usize,
    pub page: usize,
    pub size: usize,
    pub pages: usize,
    pub incidents: Vec<IncidentRow>,
}

pub fn filtered<'a>(
    view: &'a ReconciledView,
    filter: &Filter,
    documents: Option<&std::collections::HashSet<domain::ContentHash>>,
) -> Vec<&'a Incident> {
    view.reconciliation
        .incidents
        .iter()
        .filter(|i| filter.matches(i))
        .filter(|i| documents.is_none_or(|docs| i.members.iter().any(|m| docs.contains(&m.key.document))))
        .collect()
}

pub fn page(incidents: &[&Incident], filter: &Filter) -> Page {
    let size = filter.size();
    let pages = incidents.len().div_ceil(size).max(1);
    let page = filter.page().min(pages);
    let rows = incidents.iter().skip((page - 1) * size).take(size).map(|i| IncidentRow::of(i)).collect();
    Page { total: incidents.len(), page, size, pages, incidents: rows }
}

/// People per month (best figure, else the low one) and the number of incidents, for uPlot.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Series {
    /// `YYYY-MM` of each point, in order, every month between the first and the last.
    pub months: Vec<String>,
    /// Unix time (s) of the first day of each month, for the chart's x axis.
    pub x: Vec<i64>,
    pub people: Vec<u64>,
    pub incidents: Vec<usize>,
    /// People per year.
    pub years: Vec<(i32, u64)>,
    /// Incidents without a known year (not in the series).
    pub undated: usize,
}

pub fn series(incidents: &[&Incident]) -> Series {
    let mut by_month: BTreeMap<i32, (u64, usize)> = BTreeMap::new();
    let mut undated = 0;
    for incident in incidents.iter().filter(|i| !i.rejected) {
        let Some(month) = start_month(&incident.date) else {
            undated += 1;
            continue;
        };
        let entry = by_month.entry(month).or_default();
        entry.0 = entry.0.saturating_add(people(incident));
        entry.1 += 1;
    }
    let mut out = Series { undated, ..Series::default() };
    let (Some(first), Some(last)) = (by_month.keys().next().copied(), by_month.keys().last().copied()) else {
        return out;
    };
    let mut years: BTreeMap<i32, u64> = BTreeMap::new();
    for month in first..=last {
        let (people, n) = by_month.get(&month).copied().unwrap_or_default();
        out.months.push(month_label(month));
        let (year, m) = (month.div_euclid(12), month.rem_euclid(12) as u32 + 1);
        let x = chrono::NaiveDate::from_ymd_opt(year, m, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map_or(0, |d| d.and_utc().timestamp());
        out.x.push(x);
        out.people.push(people);
        out.incidents.push(n);
        *years.entry(year).or_default() += people;
    }
    out.years = years.into_iter().collect();
    out
}

/// The people an incident counts in totals: the best figure, else the low one, else 0.
pub fn people(incident: &Incident) -> u64 {
    incident.count.best.or(incident.count.low).unwrap_or(0)
}

/// What the map draws: incidents with a known place as points, and people per destination
/// country (drawn by shading the country that contains the gazetteer's point for it).
#[derive(Debug, Clone, Default, Serialize)]
pub struct MapData {
    pub points: Vec<MapPoint>,
    pub countries: Vec<MapCountry>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MapPoint {
    pub id: String,
    pub lat: f64,
    pub lon: f64,
    pub people: u64,
    pub label: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MapCountry {
    pub code: String,
    pub name: String,
    pub lat: f64,
    pub lon: f64,
    pub people: u64,
    pub incidents: usize,
}

pub fn map_data(view: &ReconciledView, incidents: &[&Incident]) -> MapData {
    let gazetteer = gazetteer::get();
    let mut out = MapData::default();
    let mut countries: BTreeMap<String, (u64, usize, domain::CountryCode)> = BTreeMap::new();
    for incident in incidents.iter().filter(|i| !i.rejected) {
        let point = incident.members.iter().find_map(|m| {
            let place = view.claims.get(m.claim)?.claim.place.as_ref()?;
            Some((place.lat?, place.lon?, place.name.clone()))
        });
        if let Some((lat, lon, name)) = point {
            out.points.push(MapPoint {
                id: incident.id.to_string(),
                lat,
                lon,
                people: people(incident),
                label: format!("{} · {} · {}", incident.id, span_text(&incident.date), name),
            });
        }
        if let Some(code) = incident.destination {
            let entry = countries.entry(code.to_string()).or_insert((0, 0, code));
            entry.0 = entry.0.saturating_add(people(incident));
            entry.1 += 1;
        }
    }
    for (code, (people, n, cc)) in countries {
        if let Some(country) = gazetteer.country(cc) {
            out.countries.push(MapCountry {
                code,
                name: country.name.to_owned(),
                lat: country.lat,
                lon: country.lon,
                people,
                incidents: n,
            });
        }
    }
    out
}

/// The claim kinds a filter may name.
pub fn kinds() -> [ClaimKind; 2] {
    [ClaimKind::ForcedReturn, ClaimKind::Detention]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_months() {
        assert_eq!(period("2023", false), Some(2023 * 12));
        assert_eq!(period("2023", true), Some(2023 * 12 + 11));
        assert_eq!(period("2023-05", false), Some(2023 * 12 + 4));
        assert_eq!(period("2023-13", false), None);
        assert_eq!(period("", false), None);
    }

    #[test]
    fn query_strings_keep_only_set_filters() {
        let filter = Filter { perpetrator: "CN".into(), q: "a b&c".into(), page: 3, ..Filter::default() };
        assert_eq!(query_string(&filter), "perpetrator=CN&q=a%20b%26c&page=3");
        assert_eq!(filter.query_without_page(), "perpetrator=CN&q=a%20b%26c");
    }
}
