//! The bulletin's data: types that cannot hold personal data, and the one way into them.
//!
//! Every name in these types is a `&'static str` from the gazetteer (countries, groups, regions,
//! cities), so no text from a page, a decision or a case file can be stored in one. The only
//! runtime text is a source's URL, cut down to scheme and host ([`PublicUrl`]: a page's path can
//! hold a victim's name, "/2024/05/canary-testperson-7q-deported"), and its publisher, which is
//! that URL's host. Counts, dates, codes and coordinates are numbers or
//! validated codes. There are no titles, evidence sentences, count phrases, attributions
//! ("said X"), analyst notes or values, actors, case files or person names here.
//!
//! [`Bulletin::build`] is the only conversion from the reconciled record; it publishes only
//! incidents an analyst accepted (see [`is_published`]).
//!
//! Aggregates (stated totals, "more than 670 since 2020") are not reviewed claims: the bulletin
//! shows only their numbers, period, kind and countries, never the document that states them
//! (no URL, publisher or date of publication), so an unreviewed page is never cited.

use std::collections::{BTreeMap, HashMap};

use domain::{
    ClaimKind, ContentHash, CountryCode, DatePrecision, DateSpan, NaiveDate, Nationality, PartialDate,
};
use gazetteer::Entry;
use reconcile::{Incident, IncidentId};
use service::ReconciledView;

/// What the bulletin knows about a stored document besides the reconciled view: where it was
/// published. Nothing else of the document is read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocumentMeta {
    pub url: Option<String>,
    pub published: Option<NaiveDate>,
}

/// A country as the gazetteer names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicCountry {
    pub code: CountryCode,
    pub name: &'static str,
}

impl PublicCountry {
    /// The country of a code the gazetteer knows; an unknown code is left out.
    pub fn of(code: CountryCode) -> Option<PublicCountry> {
        gazetteer::get().country(code).map(|c| PublicCountry { code: c.code, name: c.name })
    }
}

/// A nationality: a country, or a group the gazetteer lists ("Rohingya", "Uyghur").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublicNationality {
    Country(PublicCountry),
    Group(&'static str),
}

impl PublicNationality {
    /// A nationality the gazetteer knows; any other text (an analyst's free-text fix, say) is left
    /// out rather than published.
    pub fn of(nationality: &Nationality) -> Option<PublicNationality> {
        match nationality {
            Nationality::Country(code) => PublicCountry::of(*code).map(PublicNationality::Country),
            Nationality::Group(name) => {
                let gaz = gazetteer::get();
                gaz.group_by_name(name).map(|id| PublicNationality::Group(gaz.groups()[id.index()]))
            }
        }
    }

    /// The code (for a country) or the group's name: the machine-readable form.
    pub fn code(&self) -> &'static str {
        match self {
            PublicNationality::Country(country) => country_code_str(country.code),
            PublicNationality::Group(name) => name,
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            PublicNationality::Country(country) => country.name,
            PublicNationality::Group(name) => name,
        }
    }
}

/// How precisely a public place is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceLevel {
    Region,
    City,
}

impl PlaceLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            PlaceLevel::Region => "admin1",
            PlaceLevel::City => "city",
        }
    }
}

/// A region or city of the gazetteer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PublicPlace {
    pub name: &'static str,
    /// ISO 3166-2 code of the region (of the city's region for a city), when known.
    pub code: Option<&'static str>,
    pub country: Option<PublicCountry>,
    pub lat: f64,
    pub lon: f64,
    pub level: PlaceLevel,
}

impl PublicPlace {
    /// The gazetteer's region or city named exactly `name` (as the article wrote it), preferring
    /// one in `country`; falls back to the region with ISO 3166-2 code `admin1`. Anything the
    /// gazetteer does not know is left out.
    pub fn resolve(name: &str, country: Option<CountryCode>, admin1: Option<&str>) -> Option<PublicPlace> {
        let gaz = gazetteer::get();
        let trimmed = name.trim();
        let whole = gaz
            .find(trimmed)
            .into_iter()
            .find(|m| m.start == 0 && m.end == trimmed.len())
            .and_then(|m| match m.entry {
                Entry::Region(id) => Some(PublicPlace::region(gaz.region(id))),
                Entry::City(id) => Some(PublicPlace::city(gaz.city(id))),
                _ => None,
            })
            .filter(|place| country.is_none() || place.country.map(|c| c.code) == country);
        whole
            .or_else(|| gaz.region_by_name(trimmed, country).map(|id| PublicPlace::region(gaz.region(id))))
            .or_else(|| PublicPlace::region_by_code(admin1?))
    }

    /// The gazetteer's region with this ISO 3166-2 code.
    pub fn region_by_code(code: &str) -> Option<PublicPlace> {
        let regions = gazetteer::get().regions();
        let idx = regions.binary_search_by(|r| r.code.as_str().cmp(code)).ok()?;
        Some(PublicPlace::region(&regions[idx]))
    }

    /// A city becomes its region (when the gazetteer knows it), else it is left out; a region
    /// stays. See [`SMALL_INCIDENT`].
    pub fn coarsened(self) -> Option<PublicPlace> {
        match self.level {
            PlaceLevel::Region => Some(self),
            PlaceLevel::City => PublicPlace::region_by_code(self.code?),
        }
    }

    fn region(region: &'static gazetteer::Region) -> PublicPlace {
        PublicPlace {
            name: region.name.as_str(),
            code: Some(region.code.as_str()),
            country: PublicCountry::of(region.country),
            lat: region.lat,
            lon: region.lon,
            level: PlaceLevel::Region,
        }
    }

    fn city(city: &'static gazetteer::City) -> PublicPlace {
        PublicPlace {
            name: city.name.as_str(),
            code: city.admin1.as_deref(),
            country: PublicCountry::of(city.country),
            lat: city.lat,
            lon: city.lon,
            level: PlaceLevel::City,
        }
    }
}

/// Incidents of fewer people than this (or of an unknown number) are placed by region, never by
/// city, on the bulletin.
pub const SMALL_INCIDENT: u64 = 5;

/// A source's site: `scheme://host/` only. The path is dropped (it can name a person), and so are
/// user information, query and fragment (they can carry a reader's e-mail address or a
/// session). Only `http` and `https`, only printable ASCII.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl {
    url: String,
    host_start: usize,
    host_end: usize,
}

impl PublicUrl {
    pub fn parse(raw: &str) -> Option<PublicUrl> {
        let raw = raw.trim();
        let (scheme, rest) = raw.split_once("://")?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return None;
        }
        let rest = rest.split(['?', '#']).next().unwrap_or("");
        let (authority, path) = match rest.find('/') {
            Some(at) => rest.split_at(at),
            None => (rest, "/"),
        };
        // Drop user information ("user:password@host").
        let host = authority.rsplit('@').next().unwrap_or("").to_ascii_lowercase();
        let host_ok = !host.is_empty()
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
        let path_ok = path.bytes().all(|b| b.is_ascii_graphic() && !matches!(b, b'"' | b'<' | b'>' | b'\\'));
        if !host_ok || !path_ok {
            return None;
        }
        let url = format!("{scheme}://{host}/");
        let host_start = scheme.len() + 3;
        Some(PublicUrl { host_end: host_start + host.len(), host_start, url })
    }

    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// The host without a leading `www.` and without the port: the publisher.
    pub fn publisher(&self) -> &str {
        let host = &self.url[self.host_start..self.host_end];
        let host = host.strip_prefix("www.").unwrap_or(host);
        match host.rfind(':') {
            Some(at) if !host.ends_with(']') => &host[..at],
            _ => host,
        }
    }
}

/// One document an incident rests on: who published it, where and when, and the figure of its
/// source group.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicSource {
    /// `None` when the page was stored without a URL (ingested from a file).
    pub url: Option<PublicUrl>,
    pub published: Option<NaiveDate>,
    /// The figure its independent source gives (copies of one report share it).
    pub low: Option<u64>,
    pub high: Option<u64>,
    /// Sources with the same number are copies of one report (syndication).
    pub group: u32,
}

impl PublicSource {
    pub fn publisher(&self) -> &str {
        self.url.as_ref().map_or("unknown publisher", PublicUrl::publisher)
    }
}

/// One reviewed incident.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicIncident {
    pub id: IncidentId,
    pub kind: ClaimKind,
    /// Only dates and a precision: `DateSpan` holds no text.
    pub date: DateSpan,
    pub low: Option<u64>,
    pub best: Option<u64>,
    pub high: Option<u64>,
    pub perpetrator: Option<PublicCountry>,
    pub destination: Option<PublicCountry>,
    pub nationality: Option<PublicNationality>,
    pub place: Option<PublicPlace>,
    pub sources: Vec<PublicSource>,
    /// Independent sources (copies folded).
    pub n_sources: usize,
    /// The sources disagree (figures, dates, actors or nationality).
    pub conflict: bool,
}

impl PublicIncident {
    /// The incident's date for sorting: its start, unknown years last.
    pub fn sort_key(&self) -> (i32, u32, u32) {
        match self.date.start.or(self.date.end) {
            Some(PartialDate { year: Some(year), month, day }) => (year, month, day),
            _ => (i32::MIN, 0, 0),
        }
    }

    /// The newest publication date among its sources: when the bulletin learned of it.
    pub fn updated(&self) -> Option<NaiveDate> {
        self.sources.iter().filter_map(|s| s.published).max().or_else(|| {
            let end = self.date.end.or(self.date.start)?;
            end.to_date()
        })
    }
}

/// How an aggregate figure compares with the reviewed incidents of its period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublicAggregateStatus {
    Consistent,
    Gap { unaccounted: u64 },
    Exceeds { excess: u64 },
    Unknown,
}

impl PublicAggregateStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PublicAggregateStatus::Consistent => "consistent",
            PublicAggregateStatus::Gap { .. } => "gap",
            PublicAggregateStatus::Exceeds { .. } => "exceeds",
            PublicAggregateStatus::Unknown => "unknown",
        }
    }
}

/// An aggregate figure a source states ("more than 670 since 2020"): shown, never added to a
/// total.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicAggregate {
    pub kind: ClaimKind,
    pub perpetrator: Option<PublicCountry>,
    pub nationality: Option<PublicNationality>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub low: Option<u64>,
    pub high: Option<u64>,
    /// The reviewed incidents of its period and their sums (unreviewed ones are not counted, so
    /// the check agrees with what the bulletin lists).
    pub incidents: usize,
    pub sum_low: u64,
    pub sum_best: u64,
    pub status: PublicAggregateStatus,
}

/// One month of the timeline: reviewed incidents whose start falls in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthTotal {
    pub year: i32,
    pub month: u32,
    pub occasions: u64,
    pub low: u64,
    pub best: u64,
}

/// Everything the bulletin shows, built once per reconciled view.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bulletin {
    /// Newest first.
    pub incidents: Vec<PublicIncident>,
    pub aggregates: Vec<PublicAggregate>,
    pub months: Vec<MonthTotal>,
    /// Reviewed incidents whose year is unknown: in no month.
    pub undated: usize,
}

/// Whether the incident is public: an analyst accepted it (`Decision::Accept`) and it is not
/// rejected. Everything else (new, changed, flagged, rejected) stays off the bulletin.
pub fn is_published(incident: &Incident) -> bool {
    incident.reviewed && !incident.rejected
}

impl Bulletin {
    /// The only way from the reconciled record into the bulletin's types. `documents` gives the
    /// URL and publication date of the documents the incidents cite (others are ignored).
    pub fn build(view: &ReconciledView, documents: &HashMap<ContentHash, DocumentMeta>) -> Bulletin {
        let mut incidents: Vec<PublicIncident> = view
            .reconciliation
            .incidents
            .iter()
            .filter(|incident| is_published(incident))
            .map(|incident| public_incident(view, incident, documents))
            .collect();
        incidents.sort_by(|a, b| b.sort_key().cmp(&a.sort_key()).then(a.id.cmp(&b.id)));

        let by_id: HashMap<IncidentId, &PublicIncident> = incidents.iter().map(|i| (i.id, i)).collect();
        let aggregates = view
            .reconciliation
            .aggregates
            .iter()
            .filter(|check| !view.reconciliation.rejected_claims.contains(&check.claim))
            .map(|check| {
                let counted: Vec<&PublicIncident> =
                    check.incidents.iter().filter_map(|id| by_id.get(id).copied()).collect();
                let sum_low: u64 = counted.iter().filter_map(|i| i.low).sum();
                let sum_best: u64 = counted.iter().filter_map(|i| i.best.or(i.low)).sum();
                PublicAggregate {
                    kind: check.kind,
                    perpetrator: check.perpetrator.and_then(PublicCountry::of),
                    nationality: check.nationality.as_ref().and_then(PublicNationality::of),
                    from: check.from,
                    to: check.to,
                    low: check.count.low,
                    high: check.count.high,
                    incidents: counted.len(),
                    sum_low,
                    sum_best,
                    status: aggregate_status(check.count.low, check.count.high, sum_low, sum_best),
                }
            })
            .collect();

        let mut months: BTreeMap<(i32, u32), MonthTotal> = BTreeMap::new();
        let mut undated = 0;
        for incident in &incidents {
            match incident.date.start.or(incident.date.end) {
                Some(PartialDate { year: Some(year), month, .. }) => {
                    let total = months.entry((year, month)).or_insert(MonthTotal {
                        year,
                        month,
                        occasions: 0,
                        low: 0,
                        best: 0,
                    });
                    total.occasions += 1;
                    total.low += incident.low.unwrap_or(0);
                    total.best += incident.best.or(incident.low).unwrap_or(0);
                }
                _ => undated += 1,
            }
        }
        Bulletin { incidents, aggregates, months: months.into_values().collect(), undated }
    }

    pub fn incident(&self, id: IncidentId) -> Option<&PublicIncident> {
        self.incidents.iter().find(|incident| incident.id == id)
    }
}

/// How a stated total compares with the sums of the reviewed incidents of its period (the rule
/// of `reconcile::AggregateStatus`, on the public incidents only).
fn aggregate_status(
    floor: Option<u64>,
    ceiling: Option<u64>,
    sum_low: u64,
    sum_best: u64,
) -> PublicAggregateStatus {
    match (floor, ceiling) {
        (None, None) => PublicAggregateStatus::Unknown,
        (_, Some(ceiling)) if sum_low > ceiling => {
            PublicAggregateStatus::Exceeds { excess: sum_low - ceiling }
        }
        (Some(floor), _) if sum_best < floor => PublicAggregateStatus::Gap { unaccounted: floor - sum_best },
        _ => PublicAggregateStatus::Consistent,
    }
}

/// The documents every published incident of `view` cites (aggregates cite none): what
/// [`Bulletin::build`] needs in its `documents` map.
pub fn cited_documents(view: &ReconciledView) -> Vec<ContentHash> {
    let mut out: Vec<ContentHash> = view
        .reconciliation
        .incidents
        .iter()
        .filter(|incident| is_published(incident))
        .flat_map(|incident| incident.figures.iter().flat_map(|f| f.documents.iter().copied()))
        .collect();
    out.sort_unstable_by_key(|hash| hash.0);
    out.dedup();
    out
}

fn public_incident(
    view: &ReconciledView,
    incident: &Incident,
    documents: &HashMap<ContentHash, DocumentMeta>,
) -> PublicIncident {
    let place = incident.place.as_deref().and_then(|name| {
        let lower = name.to_lowercase();
        incident
            .members
            .iter()
            .filter_map(|member| view.claims.get(member.claim)?.claim.place.as_ref())
            .find(|place| place.name.to_lowercase() == lower)
            .and_then(|place| PublicPlace::resolve(&place.name, place.country, place.admin1.as_deref()))
    });
    // A city, a day and a nationality can single out one or two people: small incidents are
    // placed by region only and dated to the month.
    let small =
        incident.count.high.or(incident.count.best).or(incident.count.low).is_none_or(|n| n < SMALL_INCIDENT);
    let place = if small { place.and_then(PublicPlace::coarsened) } else { place };
    let sources = sources_of_docs(
        incident
            .figures
            .iter()
            .flat_map(|f| f.documents.iter().map(move |doc| (*doc, f.group.0, f.count.low, f.count.high))),
        documents,
    );
    PublicIncident {
        id: incident.id,
        kind: incident.kind,
        date: if small { to_month(incident.date) } else { incident.date },
        low: incident.count.low,
        best: incident.count.best,
        high: incident.count.high,
        perpetrator: incident.perpetrator.and_then(PublicCountry::of),
        destination: incident.destination.and_then(PublicCountry::of),
        nationality: incident.nationality.as_ref().and_then(PublicNationality::of),
        place,
        sources,
        n_sources: incident.n_sources,
        conflict: !incident.conflicts.is_empty() || !incident.count.consistent,
    }
}

/// `date` no finer than its months: the start moves to the 1st, the end to the month's last day.
/// A day or week becomes its month; a range within one month becomes that month.
fn to_month(date: DateSpan) -> DateSpan {
    let start =
        date.start.map(|d| PartialDate { day: if (1..=12).contains(&d.month) { 1 } else { d.day }, ..d });
    let end = date.end.map(|d| PartialDate { day: last_day(d.year, d.month).unwrap_or(d.day), ..d });
    let one_month = match (start, end) {
        (Some(s), Some(e)) => s.year == e.year && s.month == e.month,
        _ => true,
    };
    let precision = match date.precision {
        DatePrecision::Day | DatePrecision::Week | DatePrecision::Range if one_month => DatePrecision::Month,
        DatePrecision::Day | DatePrecision::Week => DatePrecision::Range,
        other => other,
    };
    DateSpan { start, end, precision }
}

/// The last day of `month` (February has 29 days when the year is unknown).
fn last_day(year: Option<i32>, month: u32) -> Option<u32> {
    let leap = year.is_none_or(|y| y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
    match month {
        4 | 6 | 9 | 11 => Some(30),
        2 => Some(if leap { 29 } else { 28 }),
        1..=12 => Some(31),
        _ => None,
    }
}

fn sources_of_docs(
    docs: impl Iterator<Item = (ContentHash, u32, Option<u64>, Option<u64>)>,
    documents: &HashMap<ContentHash, DocumentMeta>,
) -> Vec<PublicSource> {
    let mut out: Vec<PublicSource> = docs
        .map(|(hash, group, low, high)| {
            let meta = documents.get(&hash);
            PublicSource {
                url: meta.and_then(|m| m.url.as_deref()).and_then(PublicUrl::parse),
                published: meta.and_then(|m| m.published),
                low,
                high,
                group,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        (a.published, a.url.as_ref().map(PublicUrl::as_str))
            .cmp(&(b.published, b.url.as_ref().map(PublicUrl::as_str)))
    });
    out.dedup();
    // Number the groups 1, 2, … in order of first appearance: internal group ids mean nothing.
    let mut renumber: HashMap<u32, u32> = HashMap::new();
    for source in &mut out {
        let next = u32::try_from(renumber.len()).unwrap_or(u32::MAX).saturating_add(1);
        source.group = *renumber.entry(source.group).or_insert(next);
    }
    out
}

fn country_code_str(code: CountryCode) -> &'static str {
    // The gazetteer's own copy of the code lives for the program.
    gazetteer::get().country(code).map_or("??", |c| c.code.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_lose_user_query_and_fragment() {
        let url = PublicUrl::parse("HTTPS://reader:secret@www.Example.org:8443/news/a-b?email=x@y.z#top")
            .expect("valid");
        assert_eq!(url.as_str(), "https://www.example.org:8443/");
        assert_eq!(url.publisher(), "example.org");
        assert!(PublicUrl::parse("javascript:alert(1)").is_none());
        assert!(PublicUrl::parse("file:///home/analyst/notes.txt").is_none());
        assert!(PublicUrl::parse("https://example.org/a\"onmouseover=x").is_none());
        assert_eq!(
            PublicUrl::parse("http://example.org").map(|u| u.as_str().to_owned()).as_deref(),
            Some("http://example.org/")
        );
    }

    #[test]
    fn only_the_site_of_a_source_is_published() {
        let url = PublicUrl::parse("https://news.example.org/2024/05/canary-testperson-7q-deported?x=1")
            .expect("valid");
        assert_eq!(url.as_str(), "https://news.example.org/");
        assert!(!url.as_str().to_lowercase().contains("testperson"));
        assert_eq!(url.publisher(), "news.example.org");
    }

    #[test]
    fn aggregates_are_checked_against_reviewed_sums() {
        assert_eq!(
            aggregate_status(Some(500), None, 80, 120),
            PublicAggregateStatus::Gap { unaccounted: 380 }
        );
        assert_eq!(
            aggregate_status(None, Some(100), 120, 130),
            PublicAggregateStatus::Exceeds { excess: 20 }
        );
        assert_eq!(aggregate_status(Some(100), Some(200), 100, 150), PublicAggregateStatus::Consistent);
        assert_eq!(aggregate_status(None, None, 10, 10), PublicAggregateStatus::Unknown);
    }

    #[test]
    fn unknown_groups_and_places_are_left_out() {
        assert_eq!(PublicNationality::of(&Nationality::Group("Canary Testperson-7Q".into())), None);
        assert!(PublicPlace::resolve("Canary Testperson-7Q", None, None).is_none());
        let leipzig = PublicPlace::resolve("Leipzig", "DE".parse().ok(), None).expect("Leipzig");
        assert_eq!((leipzig.name, leipzig.level), ("Leipzig", PlaceLevel::City));
        let region = leipzig.coarsened().expect("Leipzig's region");
        assert_eq!((region.name, region.code, region.level), ("Sachsen", Some("DE-SN"), PlaceLevel::Region));
    }
}
