//! `reconcile`: claims from many documents (+ analysts' decisions) → one incident per real
//! occasion, with UCDP-style low/best/high counts, independent sources, conflicts, and an
//! explanation of every merge.
//!
//! - [`reconcile`]: the stage. Claims are blocked by type, month and perpetrator, scored against the incidents
//!   found so far (a weighted sum of features, see [`Feature`]), and joined to the best one when
//!   the score reaches [`MERGE_THRESHOLD`]. Claims with a day are placed first; coarse dates,
//!   unknown figures, unknown years and missing dates follow and join only an unambiguous best
//!   incident, else they stay separate and are flagged for review.
//! - Aggregates ("more than 670 since 2020") never become incidents: they are checked against the
//!   incidents in their period ([`AggregateCheck`]) and never added to a total.
//! - [`source_groups`]: near-duplicate documents (MinHash over word shingles) count as one source.
//! - [`Decision`]s (merge, split, attach, detach, reject, fix) are applied on top of the automatic
//!   result, keyed by stable [`ClaimKey`]s with a fuzzy re-match by evidence text.
//! - [`timeline`]: honest per-year totals (sums of incident lows and bests, never aggregates).
//!
//! **Invariant:** pure, deterministic (the order of `claims` does not change the result beyond
//! ties between identical keys) and never panics. Cost is about linear in the number of claims:
//! each claim is compared only with incidents of its type and perpetrator (or none known yet) in
//! neighbouring months.

mod count;
mod dates;
mod dedup;
mod key;
mod timeline;

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::str::FromStr;

use domain::{
    Claim, ClaimKind, ContentHash, Count, CountQualifier, CountryCode, DatePrecision, DateSpan, Diagnostic,
    NaiveDate, Nationality, PartialDate,
};

pub use count::{IncidentCount, incident_count, point_estimate};
pub use dedup::{
    DocId, GroupId, N_BANDS, N_HASHES, NEAR_DUPLICATE, Signature, SignatureError, SourceGroups,
    similarity_of, source_groups, source_groups_of,
};
pub use key::{ClaimKey, ClaimRef, KeyError, REMATCH_THRESHOLD, evidence_print, is_print};
pub use timeline::{Timeline, TimelineFilter, YearTotal, timeline};

use dates::When;

/// A score at or above which a claim with a day joins an incident.
pub const MERGE_THRESHOLD: f32 = 6.0;
/// A score at or above which a vague claim (coarse or missing date, no figure) may join an
/// incident, provided no other incident scores within [`AMBIGUITY_MARGIN`] of it.
pub const ATTACH_THRESHOLD: f32 = 4.0;
/// How far ahead of the runner-up a vague claim's best incident must be.
pub const AMBIGUITY_MARGIN: f32 = 2.0;
/// How long before its publication an undated report's occasion may have happened.
pub const UNDATED_WINDOW_DAYS: i32 = 60;

/// One claim to reconcile, with where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimInput {
    pub key: ClaimKey,
    /// The document's source group (near-duplicates share one), from [`source_groups`].
    pub group: GroupId,
    /// The document's publication date: an upper bound for an undated occasion.
    pub published: Option<NaiveDate>,
    pub claim: Claim,
}

impl ClaimInput {
    pub fn document(&self) -> ContentHash {
        self.key.document
    }
}

/// A field of an incident an analyst may fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Date,
    Low,
    Best,
    High,
    Perpetrator,
    Destination,
    Nationality,
}

impl Field {
    pub const ALL: &'static [Field] = &[
        Field::Date,
        Field::Low,
        Field::Best,
        Field::High,
        Field::Perpetrator,
        Field::Destination,
        Field::Nationality,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Field::Date => "date",
            Field::Low => "low",
            Field::Best => "best",
            Field::High => "high",
            Field::Perpetrator => "perpetrator",
            Field::Destination => "destination",
            Field::Nationality => "nationality",
        }
    }
}

impl FromStr for Field {
    type Err = domain::ParseError;
    fn from_str(s: &str) -> Result<Field, domain::ParseError> {
        Field::ALL
            .iter()
            .copied()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| domain::ParseError { what: "field", value: s.to_owned() })
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An analyst's decision. Incidents are named by one of their claims, so decisions survive
/// re-ingest and reprocessing. Applied in the order given.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// The incidents holding these two claims are one occasion.
    Merge { a: ClaimRef, b: ClaimRef },
    /// This claim is an occasion of its own (taken out of its incident).
    Split { claim: ClaimRef },
    /// This claim belongs to the incident holding `to`.
    Attach { claim: ClaimRef, to: ClaimRef },
    /// This claim does not belong to its incident; it stays on its own, flagged for review.
    Detach { claim: ClaimRef },
    /// This claim is wrong (not a real occasion, misread): left out of every incident.
    RejectClaim { claim: ClaimRef },
    /// The incident holding this claim is not a real occasion: kept, marked, left out of totals.
    RejectIncident { incident: ClaimRef },
    /// A field of the incident holding this claim is set by hand.
    Fix { incident: ClaimRef, field: Field, value: String },
    /// An analyst checked the incident holding this claim against its sources: it is `reviewed`.
    Accept { incident: ClaimRef },
}

/// The reconciled record.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Reconciliation {
    /// Incidents ordered by date (undated last), then id.
    pub incidents: Vec<Incident>,
    /// Aggregate claims and how they compare with the incidents of their period.
    pub aggregates: Vec<AggregateCheck>,
    /// Claims left out by an analyst's decision (indexes into the input).
    pub rejected_claims: Vec<usize>,
    /// Stale decisions and other notes.
    pub diagnostics: Vec<Diagnostic>,
}

/// An incident's id: the first 8 hex digits of the BLAKE3 hash of its anchor claim's key (the
/// firmest member: a day and a figure first, then the smallest key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IncidentId(pub u32);

impl fmt::Display for IncidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:08x}", self.0)
    }
}

impl FromStr for IncidentId {
    type Err = domain::ParseError;
    fn from_str(s: &str) -> Result<IncidentId, domain::ParseError> {
        u32::from_str_radix(s.trim(), 16)
            .ok()
            .filter(|_| s.trim().len() == 8)
            .map(IncidentId)
            .ok_or_else(|| domain::ParseError { what: "incident id", value: s.to_owned() })
    }
}

impl IncidentId {
    fn of(anchor: &ClaimKey) -> IncidentId {
        let hash = blake3::hash(anchor.to_string().as_bytes());
        let mut bytes = [0u8; 4];
        bytes.copy_from_slice(&hash.as_bytes()[..4]);
        IncidentId(u32::from_be_bytes(bytes))
    }
}

/// One real occasion as the sources describe it.
#[derive(Debug, Clone, PartialEq)]
pub struct Incident {
    pub id: IncidentId,
    /// The member whose key names the incident in decisions.
    pub anchor: ClaimKey,
    pub kind: ClaimKind,
    pub members: Vec<Member>,
    pub date: DateSpan,
    pub count: IncidentCount,
    /// Each independent source's own figure.
    pub figures: Vec<SourceFigure>,
    pub perpetrator: Option<CountryCode>,
    pub destination: Option<CountryCode>,
    pub nationality: Option<Nationality>,
    pub place: Option<String>,
    /// Distinct source groups among the members.
    pub n_sources: usize,
    pub conflicts: Vec<Conflict>,
    pub review: Vec<Review>,
    /// Rejected by an analyst: shown, never counted.
    pub rejected: bool,
    /// Fields set by an analyst, with the value given.
    pub fixed: Vec<(Field, String)>,
    /// Accepted by an analyst ([`Decision::Accept`]).
    pub reviewed: bool,
}

/// A claim of an incident and why it is there.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// Index into the input claims.
    pub claim: usize,
    pub key: ClaimKey,
    pub group: GroupId,
    pub joined: Joined,
}

/// How a claim came to be in its incident.
#[derive(Debug, Clone, PartialEq)]
pub enum Joined {
    /// It was the first claim of the incident.
    Founded,
    /// It scored high enough against the incident.
    Matched(Explanation),
    /// An analyst's decision (index into the decisions) put it there.
    Decision(usize),
}

/// The features of a match and their weights; `score` is their sum.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    pub score: f32,
    pub features: Vec<Feature>,
    /// The second best incident's score, when there was one.
    pub runner_up: Option<f32>,
}

/// One feature of a match: what was compared, its weight in the score, and what was found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Feature {
    pub name: &'static str,
    pub weight: f32,
    pub note: &'static str,
}

/// One independent source's figure for an incident.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceFigure {
    pub group: GroupId,
    pub documents: Vec<ContentHash>,
    /// The source's own figure (its claims combined by the within-document rule).
    pub count: Count,
}

/// Where the sources of an incident disagree.
#[derive(Debug, Clone, PartialEq)]
pub enum Conflict {
    /// Floors and ceilings contradict each other (see [`incident_count`]).
    Count {
        lowest_floor: Option<u64>,
        highest_floor: Option<u64>,
        lowest_ceiling: Option<u64>,
    },
    /// Members give different days.
    Date {
        earliest: NaiveDate,
        latest: NaiveDate,
    },
    Perpetrator(Vec<CountryCode>),
    Destination(Vec<CountryCode>),
    Nationality(Vec<Nationality>),
}

/// Why an incident needs an analyst's look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Review {
    /// A vague claim fitted several incidents about equally well; it stays on its own.
    Ambiguous { candidates: usize },
    /// A vague claim (no figure, coarse or missing date) fitted no incident.
    Unmatched,
    /// An analyst detached a claim into this incident.
    Detached,
}

/// How an aggregate compares with the incidents of its period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggregateStatus {
    /// The incidents' lows do not exceed the total, and their bests reach its floor.
    Consistent,
    /// The incidents' bests fall short of the total's floor: occasions are missing.
    Gap { unaccounted: u64 },
    /// The incidents' lows exceed the total's ceiling.
    Exceeds { excess: u64 },
    /// The total states no figure.
    Unknown,
}

/// An aggregate claim checked against the incidents of its period. Never added to a total.
#[derive(Debug, Clone, PartialEq)]
pub struct AggregateCheck {
    /// Index into the input claims.
    pub claim: usize,
    pub key: ClaimKey,
    pub kind: ClaimKind,
    pub perpetrator: Option<CountryCode>,
    pub nationality: Option<Nationality>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub count: Count,
    pub incidents: Vec<IncidentId>,
    pub sum_low: u64,
    pub sum_best: u64,
    pub status: AggregateStatus,
}

/// Reconciles claims from many documents into incidents, then applies analysts' decisions.
pub fn reconcile(claims: &[ClaimInput], decisions: &[Decision]) -> Reconciliation {
    let mut diagnostics = Vec::new();
    let resolver = key::Resolver::new(claims.iter().enumerate().map(|(i, c)| (i, c.key, &c.claim)));
    let resolved: Vec<Resolved> = decisions
        .iter()
        .enumerate()
        .map(|(idx, decision)| {
            let resolved = resolve(&resolver, decision);
            if resolved.is_none() {
                diagnostics.push(Diagnostic::warning(format!(
                    "decision {idx} names a claim that is no longer found; it is not applied"
                )));
            }
            resolved
        })
        .collect();

    // Claims an analyst rejected or took out of their incident do not take part in matching.
    // Claims an analyst rejected or took out of their incident do not take part in matching,
    // unless an earlier decision names them (then they are moved when their turn comes, so that
    // the earlier decision still means what it meant when it was taken).
    let mut excluded = vec![Excluded::No; claims.len()];
    let mut named = vec![false; claims.len()];
    for decision in resolved.iter().flatten() {
        match decision {
            ResolvedDecision::RejectClaim(c) if !named[*c] => excluded[*c] = Excluded::Rejected,
            ResolvedDecision::Split(c) | ResolvedDecision::Detach(c)
                if !named[*c] && excluded[*c] == Excluded::No =>
            {
                excluded[*c] = Excluded::Alone;
            }
            _ => {}
        }
        for c in decision.claims() {
            named[c] = true;
        }
    }

    let mut clusters = cluster(claims, &excluded);
    let mut rejected_claims = Vec::new();
    let mut rejected_clusters = BTreeSet::new();
    let mut accepted_clusters = BTreeSet::new();
    let mut fixes: Vec<(usize, Field, String)> = Vec::new();
    apply(
        &mut clusters,
        &resolved,
        &mut rejected_claims,
        &mut rejected_clusters,
        &mut accepted_clusters,
        &mut fixes,
        &mut diagnostics,
    );

    let mut incidents: Vec<(usize, Incident)> = clusters
        .clusters
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.members.is_empty())
        .map(|(idx, c)| {
            let mut incident = summarise(claims, c, rejected_clusters.contains(&idx));
            incident.reviewed = accepted_clusters.contains(&idx);
            (idx, incident)
        })
        .collect();
    for (cluster, field, value) in &fixes {
        if let Some((_, incident)) = incidents.iter_mut().find(|(idx, _)| idx == cluster)
            && let Err(message) = fix(incident, *field, value)
        {
            diagnostics.push(Diagnostic::warning(message));
        }
    }
    let mut incidents: Vec<Incident> = incidents.into_iter().map(|(_, i)| i).collect();
    incidents.sort_by_key(|i| {
        let start = dates::when(&i.date);
        let day = match start {
            When::Span { lo, .. } => lo,
            _ => i32::MAX,
        };
        (day, i.id)
    });
    let aggregates = check_aggregates(claims, &clusters.aggregates, &incidents);
    rejected_claims.sort_unstable();
    Reconciliation { incidents, aggregates, rejected_claims, diagnostics }
}

// ---------------------------------------------------------------------------------------------
// Matching

struct Clusters {
    clusters: Vec<Cluster>,
    /// Which cluster each claim is in.
    of: Vec<Option<usize>>,
    aggregates: Vec<usize>,
}

#[derive(Default)]
struct Cluster {
    members: Vec<Member>,
    review: Vec<Review>,
}

/// What matching knows about an incident while claims are still being added.
struct Profile {
    kind: ClaimKind,
    perpetrator: Option<CountryCode>,
    destination: Option<CountryCode>,
    nationality: Option<Nationality>,
    place: Option<String>,
    /// Hull of the days stated by members with a day.
    days: Option<(i32, i32)>,
    /// Intersection of the coarser spans (week, month…) of the other members.
    coarse: Option<(i32, i32)>,
    /// Hull of the members' figures: lowest floor, highest ceiling (`None` = open).
    count: Option<(u64, Option<u64>)>,
    documents: Vec<ContentHash>,
    groups: Vec<GroupId>,
    /// Flagged incidents accept no further claims.
    closed: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Phase {
    Day,
    Coarse,
    NoFigure,
    YearUnknown,
    Undated,
}

/// Whether a claim takes part in matching, by analysts' decisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Excluded {
    No,
    /// Rejected: in no incident.
    Rejected,
    /// Split or detached: an incident of its own that accepts nothing else.
    Alone,
}

fn cluster(claims: &[ClaimInput], excluded: &[Excluded]) -> Clusters {
    let mut aggregates = Vec::new();
    let mut order: Vec<(Phase, i32, i32, usize)> = Vec::new();
    let mut alone = Vec::new();
    for (idx, input) in claims.iter().enumerate() {
        match excluded.get(idx).copied().unwrap_or(Excluded::No) {
            Excluded::No => {}
            Excluded::Rejected => continue,
            Excluded::Alone => {
                alone.push(idx);
                continue;
            }
        }
        if input.claim.aggregate {
            aggregates.push(idx);
            continue;
        }
        let when = dates::when(&input.claim.date);
        let no_figure = input.claim.count.is_unknown();
        let (phase, lo, width) = match when {
            When::Span { lo, day: true, .. } if !no_figure => (Phase::Day, lo, 0),
            When::Span { lo, hi, .. } if !no_figure => (Phase::Coarse, lo, hi - lo),
            When::Span { lo, hi, .. } => (Phase::NoFigure, lo, hi - lo),
            When::MonthDay { .. } => (Phase::YearUnknown, 0, 0),
            When::Unknown => (Phase::Undated, 0, 0),
        };
        order.push((phase, lo, width, idx));
    }
    order.sort_by(|a, b| (a.0, a.1, a.2, &claims[a.3].key).cmp(&(b.0, b.1, b.2, &claims[b.3].key)));

    let mut state = Matcher {
        claims,
        profiles: Vec::new(),
        out: Vec::new(),
        by_month: HashMap::new(),
        perpetrators: HashMap::new(),
        by_month_day: HashMap::new(),
        seen: Vec::new(),
        stamp: 0,
    };
    let mut of = vec![None; claims.len()];
    for (phase, _, _, idx) in order {
        let target = state.place(idx, phase);
        of[idx] = Some(target);
    }
    for idx in alone {
        of[idx] = Some(state.found(idx, Vec::new(), true));
    }
    Clusters { clusters: state.out, of, aggregates }
}

struct Matcher<'a> {
    claims: &'a [ClaimInput],
    profiles: Vec<Profile>,
    out: Vec<Cluster>,
    /// Incidents by type, month and perpetrator (`None`: not known yet).
    by_month: HashMap<(ClaimKind, i32, Option<CountryCode>), Vec<usize>>,
    /// The perpetrators indexed under each type and month, for claims without one.
    perpetrators: HashMap<(ClaimKind, i32), Vec<Option<CountryCode>>>,
    by_month_day: HashMap<(ClaimKind, u32, u32), Vec<usize>>,
    /// Per incident, the stamp of the last lookup that returned it (dedupes candidates).
    seen: Vec<u32>,
    stamp: u32,
}

/// The longest span (in months) an incident is indexed under, and a claim searched over.
const MAX_INDEXED_MONTHS: i32 = 14;

impl Matcher<'_> {
    /// Puts one claim into an incident (existing or new) and returns the incident's index.
    fn place(&mut self, idx: usize, phase: Phase) -> usize {
        let input = &self.claims[idx];
        let when = dates::when(&input.claim.date);
        let candidates = self.candidates(input, when);
        let mut scored: Vec<(Scored, usize)> = candidates
            .into_iter()
            .filter(|&c| !self.profiles[c].closed)
            .filter_map(|c| score(&self.profiles[c], input, when).map(|s| (s, c)))
            .collect();
        scored.sort_by(|a, b| b.0.total.total_cmp(&a.0.total).then(a.1.cmp(&b.1)));
        let runner_up = scored.get(1).map(|(s, _)| s.total);
        let vague = phase != Phase::Day;
        let threshold = if vague { ATTACH_THRESHOLD } else { MERGE_THRESHOLD };
        let above = scored.iter().filter(|(s, _)| s.total >= threshold).count();
        let chosen = match scored.first() {
            Some((best, target)) if best.total >= threshold => {
                let clear = runner_up.is_none_or(|second| best.total - second >= AMBIGUITY_MARGIN);
                (!vague || clear).then(|| (*target, best.explain(runner_up)))
            }
            _ => None,
        };
        match chosen {
            Some((target, explanation)) => {
                self.join(target, idx, Joined::Matched(explanation));
                target
            }
            None => {
                let review = match (vague, above) {
                    (true, n) if n > 1 => vec![Review::Ambiguous { candidates: n }],
                    (true, _) if matches!(phase, Phase::NoFigure | Phase::Undated | Phase::YearUnknown) => {
                        vec![Review::Unmatched]
                    }
                    _ => Vec::new(),
                };
                let closed = !review.is_empty();
                self.found(idx, review, closed)
            }
        }
    }

    fn candidates(&mut self, input: &ClaimInput, when: When) -> Vec<usize> {
        self.stamp = self.stamp.wrapping_add(1);
        let kind = input.claim.kind;
        let mut months: Vec<i32> = Vec::new();
        let mut month_days: Vec<(ClaimKind, u32, u32)> = Vec::new();
        match when {
            When::Span { lo, hi, .. } => {
                let (first, last) = (dates::month_index(lo - 3), dates::month_index(hi + 3));
                months.extend(first..=last.min(first + MAX_INDEXED_MONTHS));
            }
            When::MonthDay { month, day } => month_days.push((kind, month, day)),
            When::Unknown => {
                if let Some(published) = input.published {
                    let p = dates::day_number(published);
                    months.extend(dates::month_index(p - UNDATED_WINDOW_DAYS)..=dates::month_index(p));
                }
            }
        }
        // Blocks: the claim's perpetrator and "not known yet"; every perpetrator when the claim
        // names none.
        let mut keys: Vec<(ClaimKind, i32, Option<CountryCode>)> = Vec::new();
        for m in months {
            match input.claim.perpetrator {
                Some(p) => keys.extend([(kind, m, Some(p)), (kind, m, None)]),
                None => {
                    if let Some(perpetrators) = self.perpetrators.get(&(kind, m)) {
                        keys.extend(perpetrators.iter().map(|p| (kind, m, *p)));
                    }
                }
            }
        }
        let mut out = Vec::new();
        let lists = keys
            .iter()
            .filter_map(|k| self.by_month.get(k))
            .chain(month_days.iter().filter_map(|k| self.by_month_day.get(k)));
        for list in lists {
            for &c in list {
                if self.seen[c] != self.stamp {
                    self.seen[c] = self.stamp;
                    out.push(c);
                }
            }
        }
        out
    }

    fn found(&mut self, idx: usize, review: Vec<Review>, closed: bool) -> usize {
        let input = &self.claims[idx];
        let target = self.profiles.len();
        self.profiles.push(Profile {
            kind: input.claim.kind,
            perpetrator: None,
            destination: None,
            nationality: None,
            place: None,
            days: None,
            coarse: None,
            count: None,
            documents: Vec::new(),
            groups: Vec::new(),
            closed,
        });
        self.out.push(Cluster { members: Vec::new(), review });
        self.seen.push(0);
        self.join(target, idx, Joined::Founded);
        target
    }

    fn join(&mut self, target: usize, idx: usize, joined: Joined) {
        let input = &self.claims[idx];
        let claim = &input.claim;
        let profile = &mut self.profiles[target];
        profile.perpetrator = profile.perpetrator.or(claim.perpetrator);
        profile.destination = profile.destination.or(claim.destination);
        if profile.nationality.is_none() {
            profile.nationality.clone_from(&claim.nationality);
        }
        if profile.place.is_none() {
            profile.place = claim.place.as_ref().map(|p| p.name.to_lowercase());
        }
        let before = (profile.days, profile.coarse, profile.perpetrator);
        match dates::when(&claim.date) {
            When::Span { lo, hi, day: true } => {
                profile.days = Some(profile.days.map_or((lo, hi), |(a, b)| (a.min(lo), b.max(hi))));
            }
            When::Span { lo, hi, day: false } => {
                profile.coarse = Some(match profile.coarse {
                    Some((a, b)) if a.max(lo) <= b.min(hi) => (a.max(lo), b.min(hi)),
                    Some((a, b)) => (a.min(lo), b.max(hi)),
                    None => (lo, hi),
                });
            }
            When::MonthDay { .. } | When::Unknown => {}
        }
        if let Some((lo, hi)) = figure_bounds(&claim.count) {
            profile.count = Some(match profile.count {
                Some((l, h)) => (l.min(lo), h.zip(hi).map(|(a, b)| a.max(b))),
                None => (lo, hi),
            });
        }
        if !profile.documents.contains(&input.key.document) {
            profile.documents.push(input.key.document);
        }
        if !profile.groups.contains(&input.group) {
            profile.groups.push(input.group);
        }
        let kind = profile.kind;
        let after = (profile.days, profile.coarse, profile.perpetrator);
        let closed = profile.closed;
        if after != before && !closed {
            self.index(target, kind, after.0.or(after.1), after.2);
        }
        if let When::MonthDay { month, day } = dates::when(&claim.date)
            && (before.0, before.1) == (None, None)
            && !closed
        {
            self.by_month_day.entry((kind, month, day)).or_default().push(target);
        }
        self.out[target].members.push(Member { claim: idx, key: input.key, group: input.group, joined });
    }

    fn index(
        &mut self,
        target: usize,
        kind: ClaimKind,
        span: Option<(i32, i32)>,
        perpetrator: Option<CountryCode>,
    ) {
        let Some((lo, hi)) = span else { return };
        let (first, last) = (dates::month_index(lo), dates::month_index(hi));
        for m in first..=last.min(first + MAX_INDEXED_MONTHS) {
            let list = self.by_month.entry((kind, m, perpetrator)).or_default();
            if list.last() != Some(&target) {
                list.push(target);
            }
            let perpetrators = self.perpetrators.entry((kind, m)).or_default();
            if !perpetrators.contains(&perpetrator) {
                perpetrators.push(perpetrator);
            }
        }
        if hi - lo <= 3 {
            for day in lo..=hi {
                if let Some((month, d)) = dates::month_day(day) {
                    let list = self.by_month_day.entry((kind, month, d)).or_default();
                    if list.last() != Some(&target) {
                        list.push(target);
                    }
                }
            }
        }
    }
}

/// A figure as an interval for matching: "about N" is widened by a fifth each way.
fn figure_bounds(count: &Count) -> Option<(u64, Option<u64>)> {
    if count.is_unknown() {
        return None;
    }
    if count.qualifier == CountQualifier::About {
        let n = count.low.or(count.high).unwrap_or(0);
        return Some((n - n / 5, Some(n.saturating_add(n / 5))));
    }
    Some((count.low.unwrap_or(0), count.high))
}

/// Feature slots, always in this order, so a score never allocates.
const N_FEATURES: usize = 8;

struct Scored {
    total: f32,
    features: [Feature; N_FEATURES],
}

impl Scored {
    fn explain(&self, runner_up: Option<f32>) -> Explanation {
        Explanation {
            score: self.total,
            features: self
                .features
                .iter()
                .filter(|f| f.weight != 0.0 || !f.note.is_empty())
                .copied()
                .collect(),
            runner_up,
        }
    }
}

fn feature(name: &'static str, weight: f32, note: &'static str) -> Feature {
    Feature { name, weight, note }
}

/// How well a claim fits an incident: `None` when something rules it out (different
/// perpetrator, destination or nationality; dates too far apart).
fn score(profile: &Profile, input: &ClaimInput, when: When) -> Option<Scored> {
    let claim = &input.claim;
    if claim.kind != profile.kind {
        return None;
    }
    let perpetrator = same("perpetrator", claim.perpetrator.as_ref(), profile.perpetrator.as_ref(), 2.0)?;
    let destination = same("destination", claim.destination.as_ref(), profile.destination.as_ref(), 1.0)?;
    let nationality = same("nationality", claim.nationality.as_ref(), profile.nationality.as_ref(), 2.0)?;
    let place = match (claim.place.as_ref(), profile.place.as_ref()) {
        (Some(p), Some(q)) if p.name.to_lowercase() == *q => feature("place", 1.0, "same place"),
        (Some(_), Some(_)) => feature("place", -1.0, "different places"),
        _ => feature("place", 0.0, ""),
    };
    let shared = [perpetrator, destination, nationality, place].iter().any(|f| f.weight > 0.0);
    let actors = if shared {
        feature("shared actor", 0.0, "")
    } else {
        feature("shared actor", -2.0, "no perpetrator, destination, nationality or place in common")
    };
    let date = date_feature(profile, input, when)?;
    let count = match (figure_bounds(&claim.count), profile.count) {
        (None, _) | (_, None) => feature("count", 0.0, "no figure to compare"),
        (Some((lo, hi)), Some((plo, phi))) => {
            let overlap = lo <= phi.unwrap_or(u64::MAX) && plo <= hi.unwrap_or(u64::MAX);
            if overlap {
                feature("count", 2.0, "figures overlap")
            } else {
                // How far apart: the larger floor over the smaller ceiling.
                let floor = lo.max(plo) as f64;
                let ceiling = hi.unwrap_or(u64::MAX).min(phi.unwrap_or(u64::MAX)).max(1) as f64;
                if floor / ceiling <= 2.5 {
                    feature("count", -1.0, "figures conflict (within a factor of 2.5)")
                } else {
                    feature("count", -4.0, "figures far apart")
                }
            }
        }
    };
    let source = if profile.documents.contains(&input.key.document) {
        feature("source", -3.0, "the same document reports a separate occasion")
    } else if profile.groups.contains(&input.group) {
        feature("source", 1.0, "copy of a member's document")
    } else {
        feature("source", 0.0, "independent source")
    };
    let features = [perpetrator, destination, nationality, place, actors, date, count, source];
    let total = features.iter().map(|f| f.weight).sum();
    Some(Scored { total, features })
}

fn same<T: PartialEq>(name: &'static str, a: Option<&T>, b: Option<&T>, weight: f32) -> Option<Feature> {
    match (a, b) {
        (Some(a), Some(b)) if a != b => None,
        (Some(_), Some(_)) => Some(feature(name, weight, "same")),
        _ => Some(feature(name, 0.0, "unknown on one side")),
    }
}

fn date_feature(profile: &Profile, input: &ClaimInput, when: When) -> Option<Feature> {
    let overlaps = |(a, b): (i32, i32), (c, d): (i32, i32)| a.max(c) <= b.min(d);
    match (when, profile.days, profile.coarse) {
        (When::Span { lo, day: true, .. }, Some((a, b)), _) => {
            let distance = (a - lo).max(lo - b).max(0);
            match distance {
                0 => Some(feature("date", 3.0, "same day")),
                1 => Some(feature("date", 1.5, "one day apart")),
                2 | 3 => Some(feature("date", -1.0, "two or three days apart")),
                _ => None,
            }
        }
        (When::Span { lo, hi, day: true }, None, Some(span)) => {
            overlaps((lo, hi), span).then(|| feature("date", 1.0, "day inside the incident's span"))
        }
        (When::Span { lo, hi, day: false }, Some(days), _) => {
            if !overlaps((lo, hi), days) {
                None
            } else if hi - lo <= 10 {
                Some(feature("date", 1.0, "the incident's day is inside this span"))
            } else {
                Some(feature("date", 0.5, "the incident's day is inside this long span"))
            }
        }
        (When::Span { lo, hi, day: false }, None, Some(span)) => {
            overlaps((lo, hi), span).then(|| feature("date", 0.5, "spans overlap"))
        }
        (When::MonthDay { month, day }, Some((a, b)), _) => {
            let hit = (a..=b.min(a + 3)).any(|d| dates::month_day(d) == Some((month, day)));
            hit.then(|| feature("date", 2.0, "same day and month, year unknown"))
        }
        (When::Unknown, Some((_, b)), _) | (When::Unknown, None, Some((_, b))) => {
            let p = dates::day_number(input.published?);
            (b <= p && p - b <= UNDATED_WINDOW_DAYS)
                .then(|| feature("date", 0.0, "no date; occasion shortly before publication"))
        }
        (_, None, None) => Some(feature("date", 0.0, "no date on one side")),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Decisions

type Resolved = Option<ResolvedDecision>;

enum ResolvedDecision {
    Merge(usize, usize),
    Split(usize),
    Attach(usize, usize),
    Detach(usize),
    RejectClaim(usize),
    RejectIncident(usize),
    Fix(usize, Field, String),
    Accept(usize),
}

impl ResolvedDecision {
    /// The claims the decision names.
    fn claims(&self) -> impl Iterator<Item = usize> {
        let (a, b) = match self {
            ResolvedDecision::Merge(a, b) | ResolvedDecision::Attach(a, b) => (*a, Some(*b)),
            ResolvedDecision::Split(a)
            | ResolvedDecision::Detach(a)
            | ResolvedDecision::RejectClaim(a)
            | ResolvedDecision::RejectIncident(a)
            | ResolvedDecision::Accept(a)
            | ResolvedDecision::Fix(a, _, _) => (*a, None),
        };
        std::iter::once(a).chain(b)
    }
}

fn resolve(resolver: &key::Resolver, decision: &Decision) -> Resolved {
    let r = |c: &ClaimRef| resolver.resolve(c);
    Some(match decision {
        Decision::Merge { a, b } => ResolvedDecision::Merge(r(a)?, r(b)?),
        Decision::Split { claim } => ResolvedDecision::Split(r(claim)?),
        Decision::Attach { claim, to } => ResolvedDecision::Attach(r(claim)?, r(to)?),
        Decision::Detach { claim } => ResolvedDecision::Detach(r(claim)?),
        Decision::RejectClaim { claim } => ResolvedDecision::RejectClaim(r(claim)?),
        Decision::RejectIncident { incident } => ResolvedDecision::RejectIncident(r(incident)?),
        Decision::Fix { incident, field, value } => {
            ResolvedDecision::Fix(r(incident)?, *field, value.clone())
        }
        Decision::Accept { incident } => ResolvedDecision::Accept(r(incident)?),
    })
}

fn apply(
    clusters: &mut Clusters,
    decisions: &[Resolved],
    rejected_claims: &mut Vec<usize>,
    rejected_clusters: &mut BTreeSet<usize>,
    accepted_clusters: &mut BTreeSet<usize>,
    fixes: &mut Vec<(usize, Field, String)>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for (d_idx, decision) in decisions.iter().enumerate() {
        let Some(decision) = decision else { continue };
        let of = |clusters: &Clusters, claim: usize| clusters.of.get(claim).copied().flatten();
        match decision {
            ResolvedDecision::Merge(a, b) => match (of(clusters, *a), of(clusters, *b)) {
                (Some(ca), Some(cb)) if ca != cb => {
                    let moved = std::mem::take(&mut clusters.clusters[cb].members);
                    for mut member in moved {
                        clusters.of[member.claim] = Some(ca);
                        member.joined = Joined::Decision(d_idx);
                        clusters.clusters[ca].members.push(member);
                    }
                }
                (Some(_), Some(_)) => {}
                _ => diagnostics
                    .push(Diagnostic::info(format!("decision {d_idx}: a claim to merge is rejected"))),
            },
            ResolvedDecision::Split(c) | ResolvedDecision::Detach(c) => {
                let review = if matches!(decision, ResolvedDecision::Detach(_)) {
                    vec![Review::Detached]
                } else {
                    Vec::new()
                };
                move_claim(clusters, *c, None, d_idx, review);
            }
            ResolvedDecision::Attach(c, to) => match of(clusters, *to) {
                Some(target) => move_claim(clusters, *c, Some(target), d_idx, Vec::new()),
                None => {
                    diagnostics.push(Diagnostic::info(format!("decision {d_idx}: target claim is rejected")))
                }
            },
            ResolvedDecision::RejectClaim(c) => {
                if let Some(cluster) = of(clusters, *c) {
                    clusters.clusters[cluster].members.retain(|m| m.claim != *c);
                }
                if let Some(slot) = clusters.of.get_mut(*c) {
                    *slot = None;
                }
                clusters.aggregates.retain(|a| a != c);
                if !rejected_claims.contains(c) {
                    rejected_claims.push(*c);
                }
            }
            ResolvedDecision::RejectIncident(c) => match of(clusters, *c) {
                Some(cluster) => {
                    rejected_clusters.insert(cluster);
                }
                None => {
                    diagnostics.push(Diagnostic::info(format!("decision {d_idx}: claim is in no incident")))
                }
            },
            ResolvedDecision::Accept(c) => match of(clusters, *c) {
                Some(cluster) => {
                    accepted_clusters.insert(cluster);
                }
                None => {
                    diagnostics.push(Diagnostic::info(format!("decision {d_idx}: claim is in no incident")))
                }
            },
            ResolvedDecision::Fix(c, field, value) => match of(clusters, *c) {
                Some(cluster) => fixes.push((cluster, *field, value.clone())),
                None => {
                    diagnostics.push(Diagnostic::info(format!("decision {d_idx}: claim is in no incident")))
                }
            },
        }
    }
}

/// Moves a claim into `target`, or into a new incident of its own.
fn move_claim(
    clusters: &mut Clusters,
    claim: usize,
    target: Option<usize>,
    d_idx: usize,
    review: Vec<Review>,
) {
    let Some(input_member) = take_member(clusters, claim) else { return };
    let target = match target {
        Some(t) => t,
        None => {
            clusters.clusters.push(Cluster { members: Vec::new(), review });
            clusters.clusters.len() - 1
        }
    };
    let mut member = input_member;
    member.joined = Joined::Decision(d_idx);
    clusters.clusters[target].members.push(member);
    if let Some(slot) = clusters.of.get_mut(claim) {
        *slot = Some(target);
    }
}

fn take_member(clusters: &mut Clusters, claim: usize) -> Option<Member> {
    let cluster = clusters.of.get(claim).copied().flatten()?;
    let members = &mut clusters.clusters[cluster].members;
    let pos = members.iter().position(|m| m.claim == claim)?;
    Some(members.remove(pos))
}

// ---------------------------------------------------------------------------------------------
// Summaries

fn summarise(claims: &[ClaimInput], cluster: &Cluster, rejected: bool) -> Incident {
    let members = &cluster.members;
    // The anchor names the incident in decisions: the firmest claim (a day and a figure), so that
    // a vague or disputed report, the likeliest to be split off later, does not name it.
    let firmness = |m: &Member| {
        let claim = &claims[m.claim].claim;
        match (dates::when(&claim.date), claim.count.is_unknown()) {
            (When::Span { day: true, .. }, false) => 0,
            (_, false) => 1,
            _ => 2,
        }
    };
    let anchor = members
        .iter()
        .min_by_key(|m| (firmness(m), m.key))
        .map_or_else(|| members_fallback_key(claims), |m| m.key);
    let kind = members.first().map_or(ClaimKind::ForcedReturn, |m| claims[m.claim].claim.kind);
    let claims_of = || members.iter().map(|m| &claims[m.claim].claim);

    // One figure per independent source, combined by the within-document rule.
    let mut by_group: Vec<(GroupId, Vec<ContentHash>, Vec<&Count>)> = Vec::new();
    for member in members {
        let claim = &claims[member.claim].claim;
        let entry = match by_group.iter().position(|(g, _, _)| *g == member.group) {
            Some(pos) => &mut by_group[pos],
            None => {
                by_group.push((member.group, Vec::new(), Vec::new()));
                let last = by_group.len() - 1;
                &mut by_group[last]
            }
        };
        if !entry.1.contains(&member.key.document) {
            entry.1.push(member.key.document);
        }
        // Copies of one document repeat the same figure; it is counted once.
        if !claim.count.is_unknown() && !entry.2.iter().any(|c| **c == claim.count) {
            entry.2.push(&claim.count);
        }
    }
    by_group.sort_by_key(|(g, _, _)| *g);
    let figures: Vec<SourceFigure> = by_group
        .into_iter()
        .map(|(group, documents, counts)| SourceFigure {
            group,
            documents,
            count: extract::combine_counts(&counts),
        })
        .collect();
    let known: Vec<Count> = figures.iter().map(|f| f.count.clone()).collect();
    let count = incident_count(&known);

    let mut conflicts = Vec::new();
    if !count.consistent {
        let floors: Vec<u64> = known.iter().filter_map(|c| c.low).collect();
        conflicts.push(Conflict::Count {
            lowest_floor: floors.iter().min().copied(),
            highest_floor: floors.iter().max().copied(),
            lowest_ceiling: known.iter().filter_map(|c| c.high).min(),
        });
    }
    let (date, date_conflict) = incident_date(claims_of());
    conflicts.extend(date_conflict);
    let (perpetrator, p_conflict) = majority(claims_of().filter_map(|c| c.perpetrator));
    let (destination, d_conflict) = majority(claims_of().filter_map(|c| c.destination));
    let (nationality, n_conflict) = majority(claims_of().filter_map(|c| c.nationality.clone()));
    if let Some(values) = p_conflict {
        conflicts.push(Conflict::Perpetrator(values));
    }
    if let Some(values) = d_conflict {
        conflicts.push(Conflict::Destination(values));
    }
    if let Some(values) = n_conflict {
        conflicts.push(Conflict::Nationality(values));
    }
    let (place, _) = majority(claims_of().filter_map(|c| c.place.as_ref().map(|p| p.name.clone())));
    let n_sources = members.iter().map(|m| m.group).collect::<BTreeSet<_>>().len();
    Incident {
        id: IncidentId::of(&anchor),
        anchor,
        kind,
        members: members.clone(),
        date,
        count,
        figures,
        perpetrator,
        destination,
        nationality,
        place,
        n_sources,
        conflicts,
        review: cluster.review.clone(),
        rejected,
        fixed: Vec::new(),
        reviewed: false,
    }
}

fn members_fallback_key(claims: &[ClaimInput]) -> ClaimKey {
    claims.first().map_or(
        ClaimKey { document: ContentHash([0; 32]), kind: ClaimKind::ForcedReturn, start: 0, end: 0 },
        |c| c.key,
    )
}

/// The most frequent value (ties: the smallest) and, when members disagree, every value seen.
fn majority<T: Ord + Clone>(values: impl Iterator<Item = T>) -> (Option<T>, Option<Vec<T>>) {
    let mut counts: std::collections::BTreeMap<T, usize> = std::collections::BTreeMap::new();
    for value in values {
        *counts.entry(value).or_default() += 1;
    }
    let best = counts.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0))).map(|(v, _)| v.clone());
    let conflict = (counts.len() > 1).then(|| counts.keys().cloned().collect());
    (best, conflict)
}

/// The incident's date: the days stated (a range when they differ, flagged), else the
/// narrowest agreed coarse span, else a day of unknown year, else unknown.
fn incident_date<'a>(claims: impl Iterator<Item = &'a Claim>) -> (DateSpan, Option<Conflict>) {
    let mut days: Option<(i32, i32)> = None;
    let mut coarse: Option<(i32, i32, DatePrecision)> = None;
    let mut partial: Option<PartialDate> = None;
    // Periods with one end unknown ("held since November"): which ends the claims left open.
    let (mut open_end, mut open_start) = (false, false);
    for claim in claims {
        if claim.date.precision == DatePrecision::Range {
            open_end |= claim.date.start.is_some() && claim.date.end.is_none();
            open_start |= claim.date.start.is_none() && claim.date.end.is_some();
        }
        match dates::when(&claim.date) {
            When::Span { lo, hi, day: true } => {
                days = Some(days.map_or((lo, hi), |(a, b)| (a.min(lo), b.max(hi))))
            }
            When::Span { lo, hi, day: false } => {
                coarse = Some(match coarse {
                    Some((a, b, p)) if a.max(lo) <= b.min(hi) => {
                        let narrower = if hi - lo < b - a { claim.date.precision } else { p };
                        (a.max(lo), b.min(hi), narrower)
                    }
                    Some((a, b, _)) => (a.min(lo), b.max(hi), DatePrecision::Range),
                    None => (lo, hi, claim.date.precision),
                })
            }
            When::MonthDay { .. } => partial = partial.or(claim.date.start.or(claim.date.end)),
            When::Unknown => {}
        }
    }
    let to_partial = |d: i32| dates::from_day_number(d).map(PartialDate::from_date);
    if let Some((lo, hi)) = days {
        let span = DateSpan {
            start: to_partial(lo),
            end: to_partial(hi),
            precision: if lo == hi { DatePrecision::Day } else { DatePrecision::Range },
        };
        let conflict = match (dates::from_day_number(lo), dates::from_day_number(hi)) {
            (Some(earliest), Some(latest)) if lo != hi => Some(Conflict::Date { earliest, latest }),
            _ => None,
        };
        return (span, conflict);
    }
    if let Some((lo, hi, precision)) = coarse {
        // A range that spans no days came from periods with an open end: that end stays
        // unknown rather than the same day as the other.
        if lo == hi && precision == DatePrecision::Range && open_end != open_start {
            let (start, end) = if open_end { (to_partial(lo), None) } else { (None, to_partial(hi)) };
            return (DateSpan { start, end, precision }, None);
        }
        return (DateSpan { start: to_partial(lo), end: to_partial(hi), precision }, None);
    }
    if let Some(date) = partial {
        return (DateSpan::day(date), None);
    }
    (DateSpan::UNKNOWN, None)
}

fn fix(incident: &mut Incident, field: Field, value: &str) -> Result<(), String> {
    let bad = || format!("cannot set {field} of incident {} to {value:?}", incident.id);
    let number = || value.trim().parse::<u64>().map_err(|_| bad());
    let country = || -> Result<Option<CountryCode>, String> {
        if value.trim() == "-" { Ok(None) } else { value.trim().parse().map(Some).map_err(|_| bad()) }
    };
    match field {
        Field::Date => {
            let (start, end) = value.split_once("..").unwrap_or((value, value));
            let start: PartialDate = start.trim().parse().map_err(|_| bad())?;
            let end: PartialDate = end.trim().parse().map_err(|_| bad())?;
            let precision = if start == end { DatePrecision::Day } else { DatePrecision::Range };
            incident.date = DateSpan { start: Some(start), end: Some(end), precision };
        }
        Field::Low => incident.count.low = Some(number()?),
        Field::Best => incident.count.best = Some(number()?),
        Field::High => incident.count.high = Some(number()?),
        Field::Perpetrator => incident.perpetrator = country()?,
        Field::Destination => incident.destination = country()?,
        Field::Nationality => {
            incident.nationality =
                if value.trim() == "-" { None } else { Some(value.trim().parse().map_err(|_| bad())?) }
        }
    }
    incident.fixed.push((field, value.to_owned()));
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Aggregates

fn check_aggregates(
    claims: &[ClaimInput],
    aggregates: &[usize],
    incidents: &[Incident],
) -> Vec<AggregateCheck> {
    // Incidents with a known start, sorted, so a period is found by binary search.
    let mut dated: Vec<(i32, usize)> = incidents
        .iter()
        .enumerate()
        .filter(|(_, i)| !i.rejected)
        .filter_map(|(idx, i)| match dates::when(&i.date) {
            When::Span { lo, .. } => Some((lo, idx)),
            _ => None,
        })
        .collect();
    dated.sort_unstable();
    let mut out = Vec::new();
    for &idx in aggregates {
        let input = &claims[idx];
        let claim = &input.claim;
        let full = |d: Option<PartialDate>| d.and_then(PartialDate::to_date);
        let from = full(claim.date.start);
        let to = full(claim.date.end).or(input.published);
        let lo = from.map_or(i32::MIN, dates::day_number);
        let hi = to.map_or(i32::MAX, dates::day_number);
        let start = dated.partition_point(|(d, _)| *d < lo);
        let mut ids = Vec::new();
        let (mut sum_low, mut sum_best) = (0u64, 0u64);
        for &(day, i) in &dated[start..] {
            if day > hi {
                break;
            }
            let incident = &incidents[i];
            let fits = incident.kind == claim.kind
                && compatible(incident.perpetrator.as_ref(), claim.perpetrator.as_ref())
                && compatible(incident.destination.as_ref(), claim.destination.as_ref())
                && compatible(incident.nationality.as_ref(), claim.nationality.as_ref());
            if fits {
                ids.push(incident.id);
                let low = incident.count.low.unwrap_or(0);
                sum_low = sum_low.saturating_add(low);
                sum_best = sum_best.saturating_add(incident.count.best.unwrap_or(low));
            }
        }
        let floor = claim.count.low.or(claim.count.high);
        let ceiling = match claim.count.qualifier {
            CountQualifier::Exact | CountQualifier::AtMost | CountQualifier::UpTo => claim.count.high,
            CountQualifier::About => claim.count.high.map(|h| h.saturating_add(h / 5)),
            _ => None,
        };
        let status = match (floor, ceiling) {
            (_, Some(ceiling)) if sum_low > ceiling => AggregateStatus::Exceeds { excess: sum_low - ceiling },
            (Some(floor), _) if sum_best < floor => AggregateStatus::Gap { unaccounted: floor - sum_best },
            (None, None) => AggregateStatus::Unknown,
            _ => AggregateStatus::Consistent,
        };
        out.push(AggregateCheck {
            claim: idx,
            key: input.key,
            kind: claim.kind,
            perpetrator: claim.perpetrator,
            nationality: claim.nationality.clone(),
            from,
            to,
            count: claim.count.clone(),
            incidents: ids,
            sum_low,
            sum_best,
            status,
        });
    }
    out
}

fn compatible<T: PartialEq>(a: Option<&T>, b: Option<&T>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    }
}
