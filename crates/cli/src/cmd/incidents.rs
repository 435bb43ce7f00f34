//! `refwatch incidents`: the reconciled incidents (one per occasion across all documents), as a
//! table, JSON or CSV. `--claims` lists the stored claims one by one instead, as before
//! reconciliation existed.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use domain::{ClaimKind, CountQualifier, DatePrecision, DateSpan};
use serde::Serialize;
use service::model::{Conflict, Incident, Review};
use store::{ClaimFilter, ClaimRecord, ClaimRow};

use crate::db::Ctx;
use crate::extract_json::{CountJson, DateJson};

/// List reconciled incidents: date, low/best/high, perpetrator → destination, nationality, sources, conflicts
#[derive(Debug, clap::Args)]
pub struct Cmd {
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Only incidents (or claims) of this type
    #[arg(long, value_parser = parse_kind)]
    kind: Option<ClaimKind>,
    /// List the stored claims one by one instead of incidents
    #[arg(long)]
    claims: bool,
    /// With --claims: only claims of the document whose hash starts with this prefix
    #[arg(long, value_name = "HASH", requires = "claims")]
    document: Option<String>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Table,
    Json,
    Csv,
}

/// The JSON schema of `--claims`. Fields may be added; renaming or removing one needs a new one.
pub const SCHEMA: &str = "refwatch.incidents/1";

/// The JSON schema of reconciled incidents.
pub const INCIDENTS_SCHEMA: &str = "refwatch.incidents/2";

impl Cmd {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<ExitCode> {
        let store = crate::db::open_existing(&ctx.db_path())?;
        if self.claims {
            let filter = ClaimFilter { kind: self.kind, document_prefix: self.document, limit: None };
            let rows = service::list_incidents(&store, &filter)?;
            print_claims(self.format, &rows)?;
            return Ok(ExitCode::SUCCESS);
        }
        let view = service::reconcile(&store)?;
        let incidents: Vec<&Incident> =
            view.reconciliation.incidents.iter().filter(|i| self.kind.is_none_or(|k| i.kind == k)).collect();
        let mut out = std::io::stdout().lock();
        match self.format {
            Format::Table => print_incidents(&mut out, &incidents)?,
            Format::Json => {
                let json = ReconciledJson {
                    schema: INCIDENTS_SCHEMA,
                    incidents: incidents.iter().map(|i| ReconciledIncidentJson::new(i)).collect(),
                };
                serde_json::to_writer_pretty(&mut out, &json).context("cannot encode JSON")?;
                writeln!(out)?;
            }
            Format::Csv => {
                let mut writer = csv::Writer::from_writer(&mut out);
                for incident in &incidents {
                    writer.serialize(ReconciledIncidentCsv::new(incident)).context("cannot write CSV")?;
                }
                writer.flush()?;
            }
        }
        for note in &view.reconciliation.diagnostics {
            eprintln!("{}: {}", note.severity, note.message);
        }
        Ok(ExitCode::SUCCESS)
    }
}

fn print_claims(format: Format, rows: &[ClaimRow]) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match format {
        Format::Table => print_table(&mut out, rows)?,
        Format::Json => {
            let json =
                IncidentsJson { schema: SCHEMA, incidents: rows.iter().map(IncidentJson::new).collect() };
            serde_json::to_writer_pretty(&mut out, &json).context("cannot encode JSON")?;
            writeln!(out)?;
        }
        Format::Csv => {
            let mut writer = csv::Writer::from_writer(&mut out);
            for row in rows {
                writer.serialize(IncidentCsv::new(row)).context("cannot write CSV")?;
            }
            writer.flush()?;
        }
    }
    Ok(())
}

/// Prints reconciled incidents as an aligned text table.
pub fn print_incidents(out: &mut impl Write, incidents: &[&Incident]) -> anyhow::Result<()> {
    if incidents.is_empty() {
        writeln!(out, "no incidents stored")?;
        return Ok(());
    }
    let header =
        ["ID", "TYPE", "DATE", "LOW/BEST/HIGH", "ROUTE", "NATIONALITY", "SOURCES", "CONFLICTS", "REVIEW"];
    let rows: Vec<Vec<String>> = incidents
        .iter()
        .map(|incident| {
            vec![
                incident.id.to_string(),
                incident.kind.to_string(),
                span_text(&incident.date),
                low_best_high(incident),
                route(incident),
                incident.nationality.as_ref().map_or("-".to_owned(), |n| n.to_string()),
                incident.n_sources.to_string(),
                or_dash(&conflict_names(incident)),
                or_dash(&review_names(incident)),
            ]
        })
        .collect();
    print_aligned(out, &header, &rows)
}

/// Prints rows under a header, columns padded to their widest cell.
pub fn print_aligned(out: &mut impl Write, header: &[&str], rows: &[Vec<String>]) -> anyhow::Result<()> {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |out: &mut dyn Write, cells: &[&str]| -> std::io::Result<()> {
        let mut text = String::new();
        for (cell, width) in cells.iter().zip(&widths) {
            text.push_str(cell);
            text.extend(std::iter::repeat_n(' ', width.saturating_sub(cell.chars().count()) + 2));
        }
        writeln!(out, "{}", text.trim_end())
    };
    line(out, header)?;
    for row in rows {
        line(out, &row.iter().map(String::as_str).collect::<Vec<_>>())?;
    }
    Ok(())
}

/// "2023-10-09", "XXXX-08-29", "2023-10-09..2023-10-15 (week)", or "?".
pub fn span_text(span: &DateSpan) -> String {
    let date = DateJson::new(span);
    match (date.start, date.end) {
        (None, None) => "?".to_owned(),
        (Some(start), Some(end)) if start == end && span.precision == DatePrecision::Day => start,
        (start, end) => {
            format!(
                "{}..{} ({})",
                start.as_deref().unwrap_or("?"),
                end.as_deref().unwrap_or("?"),
                date.precision
            )
        }
    }
}

/// "200/525/?" with "?" for an unknown bound; "rejected" marks a rejected incident.
pub fn low_best_high(incident: &Incident) -> String {
    let n = |v: Option<u64>| v.map_or("?".to_owned(), |v| v.to_string());
    let text = format!("{}/{}/{}", n(incident.count.low), n(incident.count.best), n(incident.count.high));
    if incident.rejected { format!("{text} rejected") } else { text }
}

/// "CN → KP", with "?" for an unknown side.
pub fn route(incident: &Incident) -> String {
    let c = |v: Option<domain::CountryCode>| v.map_or("?".to_owned(), |c| c.to_string());
    format!("{} → {}", c(incident.perpetrator), c(incident.destination))
}

pub fn conflict_names(incident: &Incident) -> Vec<&'static str> {
    incident
        .conflicts
        .iter()
        .map(|c| match c {
            Conflict::Count { .. } => "count",
            Conflict::Date { .. } => "date",
            Conflict::Perpetrator(_) => "perpetrator",
            Conflict::Destination(_) => "destination",
            Conflict::Nationality(_) => "nationality",
        })
        .collect()
}

pub fn review_names(incident: &Incident) -> Vec<&'static str> {
    incident
        .review
        .iter()
        .map(|r| match r {
            Review::Ambiguous { .. } => "ambiguous",
            Review::Unmatched => "unmatched",
            Review::Detached => "detached",
        })
        .collect()
}

fn or_dash(names: &[&str]) -> String {
    if names.is_empty() { "-".to_owned() } else { names.join(",") }
}

#[derive(Debug, Serialize)]
struct ReconciledJson<'a> {
    schema: &'static str,
    incidents: Vec<ReconciledIncidentJson<'a>>,
}

/// One reconciled incident.
#[derive(Debug, Serialize)]
pub struct ReconciledIncidentJson<'a> {
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    date: DateJson,
    low: Option<u64>,
    best: Option<u64>,
    high: Option<u64>,
    count_consistent: bool,
    perpetrator: Option<&'a str>,
    destination: Option<&'a str>,
    nationality: Option<String>,
    place: Option<&'a str>,
    n_sources: usize,
    conflicts: Vec<&'static str>,
    review: Vec<&'static str>,
    rejected: bool,
    /// Each independent source's own figure.
    figures: Vec<FigureJson<'a>>,
    /// The member claims' stable keys.
    claims: Vec<String>,
}

#[derive(Debug, Serialize)]
struct FigureJson<'a> {
    documents: Vec<String>,
    count: CountJson<'a>,
}

impl<'a> ReconciledIncidentJson<'a> {
    pub fn new(incident: &'a Incident) -> ReconciledIncidentJson<'a> {
        ReconciledIncidentJson {
            id: incident.id.to_string(),
            kind: incident.kind.as_str(),
            date: DateJson::new(&incident.date),
            low: incident.count.low,
            best: incident.count.best,
            high: incident.count.high,
            count_consistent: incident.count.consistent,
            perpetrator: incident.perpetrator.as_ref().map(|c| c.as_str()),
            destination: incident.destination.as_ref().map(|c| c.as_str()),
            nationality: incident.nationality.as_ref().map(|n| n.to_string()),
            place: incident.place.as_deref(),
            n_sources: incident.n_sources,
            conflicts: conflict_names(incident),
            review: review_names(incident),
            rejected: incident.rejected,
            figures: incident
                .figures
                .iter()
                .map(|f| FigureJson {
                    documents: f.documents.iter().map(|d| d.to_hex()).collect(),
                    count: CountJson::new(&f.count),
                })
                .collect(),
            claims: incident.members.iter().map(|m| m.key.to_string()).collect(),
        }
    }
}

/// One reconciled incident as a flat CSV record.
#[derive(Debug, Serialize)]
struct ReconciledIncidentCsv<'a> {
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    date_start: Option<String>,
    date_end: Option<String>,
    date_precision: &'static str,
    low: Option<u64>,
    best: Option<u64>,
    high: Option<u64>,
    perpetrator: Option<&'a str>,
    destination: Option<&'a str>,
    nationality: Option<String>,
    place: Option<&'a str>,
    n_sources: usize,
    n_claims: usize,
    /// Conflicts separated by ",".
    conflicts: String,
    review: String,
    rejected: bool,
}

impl<'a> ReconciledIncidentCsv<'a> {
    fn new(incident: &'a Incident) -> ReconciledIncidentCsv<'a> {
        let date = DateJson::new(&incident.date);
        ReconciledIncidentCsv {
            id: incident.id.to_string(),
            kind: incident.kind.as_str(),
            date_start: date.start,
            date_end: date.end,
            date_precision: date.precision,
            low: incident.count.low,
            best: incident.count.best,
            high: incident.count.high,
            perpetrator: incident.perpetrator.as_ref().map(|c| c.as_str()),
            destination: incident.destination.as_ref().map(|c| c.as_str()),
            nationality: incident.nationality.as_ref().map(|n| n.to_string()),
            place: incident.place.as_deref(),
            n_sources: incident.n_sources,
            n_claims: incident.members.len(),
            conflicts: conflict_names(incident).join(","),
            review: review_names(incident).join(","),
            rejected: incident.rejected,
        }
    }
}

fn parse_kind(text: &str) -> Result<ClaimKind, String> {
    text.parse().map_err(|_| {
        let kinds: Vec<&str> = ClaimKind::ALL.iter().map(|k| k.as_str()).collect();
        format!("expected one of {}", kinds.join(", "))
    })
}

/// Prints stored claims (not incidents) as an aligned text table.
pub fn print_table(out: &mut impl Write, rows: &[ClaimRow]) -> anyhow::Result<()> {
    if rows.is_empty() {
        writeln!(out, "no incidents stored")?;
        return Ok(());
    }
    let header = ["DOC", "TYPE", "DATE", "COUNT", "ROUTE", "NATIONALITY", "PLACE", "SOURCES", "TITLE"];
    let cells: Vec<[String; 9]> = rows
        .iter()
        .map(|row| {
            let claim = &row.claim;
            let kind =
                if claim.aggregate { format!("{} (total)", claim.kind) } else { claim.kind.to_string() };
            [
                row.document_hash.to_hex()[..8].to_owned(),
                kind,
                date_text(claim),
                count_text(claim),
                format!(
                    "{} → {}",
                    claim.perpetrator.map_or("?".to_owned(), |c| c.to_string()),
                    claim.destination.map_or("?".to_owned(), |c| c.to_string())
                ),
                claim.nationality.as_ref().map_or("-".to_owned(), |n| n.to_string()),
                claim.place.as_ref().map_or("-".to_owned(), |p| p.name.clone()),
                if claim.sources.is_empty() { "-".to_owned() } else { claim.sources.join("; ") },
                truncate(row.document_title.as_deref().unwrap_or("(untitled)"), 50),
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &cells {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |out: &mut dyn Write, cells: &[&str]| -> std::io::Result<()> {
        let mut text = String::new();
        for (i, (cell, width)) in cells.iter().zip(widths).enumerate() {
            if i + 1 == cells.len() {
                text.push_str(cell);
            } else {
                let pad = width.saturating_sub(cell.chars().count());
                text.push_str(cell);
                text.extend(std::iter::repeat_n(' ', pad + 2));
            }
        }
        writeln!(out, "{}", text.trim_end())
    };
    line(out, &header)?;
    for row in &cells {
        line(out, &row.iter().map(String::as_str).collect::<Vec<_>>())?;
    }
    Ok(())
}

/// "2024-03-02", "XXXX-08-29", "2024-03-01..2024-03-31 (month)", or "?".
pub fn date_text(claim: &ClaimRecord) -> String {
    let date = DateJson::new(&claim.date);
    match (date.start, date.end) {
        (None, None) => "?".to_owned(),
        (Some(start), Some(end)) if start == end && claim.date.precision == DatePrecision::Day => start,
        (start, end) => format!(
            "{}..{} ({})",
            start.as_deref().unwrap_or("?"),
            end.as_deref().unwrap_or("?"),
            date.precision
        ),
    }
}

/// The count in a few characters from its bounds and qualifier ("27", ">500", "~500", "≥6",
/// "10–20"), else the words it came from, else "?". The words stay in the JSON and CSV output.
pub fn count_text(claim: &ClaimRecord) -> String {
    let count = &claim.count;
    match (count.qualifier, count.low, count.high) {
        (_, Some(low), Some(high)) if low != high => format!("{low}–{high}"),
        (CountQualifier::Exact | CountQualifier::Unknown, Some(n), _) => n.to_string(),
        (CountQualifier::About, Some(n), _) | (CountQualifier::About, None, Some(n)) => format!("~{n}"),
        (CountQualifier::MoreThan, Some(n), _) => format!(">{n}"),
        (CountQualifier::AtLeast, Some(n), _) => format!("≥{n}"),
        (CountQualifier::AtMost | CountQualifier::UpTo, _, Some(n)) => format!("≤{n}"),
        _ if !count.text.is_empty() => count.text.clone(),
        _ => "?".to_owned(),
    }
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[derive(Debug, Serialize)]
struct IncidentsJson<'a> {
    schema: &'static str,
    incidents: Vec<IncidentJson<'a>>,
}

/// One stored claim. Date and count reuse the shapes of `refwatch extract`'s JSON.
#[derive(Debug, Serialize)]
struct IncidentJson<'a> {
    document: DocumentRefJson<'a>,
    claim_idx: usize,
    #[serde(rename = "type")]
    kind: &'static str,
    aggregate: bool,
    date: DateJson,
    count: CountJson<'a>,
    perpetrator: Option<&'a str>,
    destination: Option<&'a str>,
    nationality: Option<String>,
    place: Option<PlaceJson<'a>>,
    women: Option<bool>,
    children: Option<bool>,
    sources: &'a [String],
    /// How many victims the claim names; the names are not stored yet.
    n_persons: usize,
    evidence: Vec<EvidenceJson<'a>>,
}

#[derive(Debug, Serialize)]
struct DocumentRefJson<'a> {
    blake3: String,
    title: Option<&'a str>,
}

#[derive(Debug, Serialize)]
struct PlaceJson<'a> {
    name: &'a str,
    country: Option<&'a str>,
    admin1: Option<&'a str>,
    lat: Option<f64>,
    lon: Option<f64>,
    precision: &'static str,
}

#[derive(Debug, Serialize)]
struct EvidenceJson<'a> {
    start: usize,
    end: usize,
    text: &'a str,
}

impl<'a> IncidentJson<'a> {
    fn new(row: &'a ClaimRow) -> IncidentJson<'a> {
        let claim = &row.claim;
        IncidentJson {
            document: DocumentRefJson {
                blake3: row.document_hash.to_hex(),
                title: row.document_title.as_deref(),
            },
            claim_idx: row.claim_idx,
            kind: claim.kind.as_str(),
            aggregate: claim.aggregate,
            date: DateJson::new(&claim.date),
            count: CountJson::new(&claim.count),
            perpetrator: claim.perpetrator.as_ref().map(|c| c.as_str()),
            destination: claim.destination.as_ref().map(|c| c.as_str()),
            nationality: claim.nationality.as_ref().map(|n| n.to_string()),
            place: claim.place.as_ref().map(|p| PlaceJson {
                name: &p.name,
                country: p.country.as_ref().map(|c| c.as_str()),
                admin1: p.admin1.as_deref(),
                lat: p.lat,
                lon: p.lon,
                precision: p.precision.as_str(),
            }),
            women: claim.women,
            children: claim.children,
            sources: &claim.sources,
            n_persons: claim.n_persons,
            evidence: claim
                .evidence
                .iter()
                .map(|e| EvidenceJson { start: e.start, end: e.end, text: &e.text })
                .collect(),
        }
    }
}

/// One stored claim as a flat CSV record.
#[derive(Debug, Serialize)]
struct IncidentCsv<'a> {
    document_blake3: String,
    document_title: Option<&'a str>,
    claim_idx: usize,
    #[serde(rename = "type")]
    kind: &'static str,
    aggregate: bool,
    date_start: Option<String>,
    date_end: Option<String>,
    date_precision: &'static str,
    count_low: Option<u64>,
    count_high: Option<u64>,
    count_qualifier: &'static str,
    count_text: &'a str,
    perpetrator: Option<&'a str>,
    destination: Option<&'a str>,
    nationality: Option<String>,
    place_name: Option<&'a str>,
    place_country: Option<&'a str>,
    place_admin1: Option<&'a str>,
    place_lat: Option<f64>,
    place_lon: Option<f64>,
    women: Option<bool>,
    children: Option<bool>,
    /// Sources separated by "; ".
    sources: String,
    n_persons: usize,
    /// The first evidence sentence.
    evidence: Option<&'a str>,
}

impl<'a> IncidentCsv<'a> {
    fn new(row: &'a ClaimRow) -> IncidentCsv<'a> {
        let claim = &row.claim;
        let date = DateJson::new(&claim.date);
        let place = claim.place.as_ref();
        IncidentCsv {
            document_blake3: row.document_hash.to_hex(),
            document_title: row.document_title.as_deref(),
            claim_idx: row.claim_idx,
            kind: claim.kind.as_str(),
            aggregate: claim.aggregate,
            date_start: date.start,
            date_end: date.end,
            date_precision: date.precision,
            count_low: claim.count.low,
            count_high: claim.count.high,
            count_qualifier: claim.count.qualifier.as_str(),
            count_text: &claim.count.text,
            perpetrator: claim.perpetrator.as_ref().map(|c| c.as_str()),
            destination: claim.destination.as_ref().map(|c| c.as_str()),
            nationality: claim.nationality.as_ref().map(|n| n.to_string()),
            place_name: place.map(|p| p.name.as_str()),
            place_country: place.and_then(|p| p.country.as_ref().map(|c| c.as_str())),
            place_admin1: place.and_then(|p| p.admin1.as_deref()),
            place_lat: place.and_then(|p| p.lat),
            place_lon: place.and_then(|p| p.lon),
            women: claim.women,
            children: claim.children,
            sources: claim.sources.join("; "),
            n_persons: claim.n_persons,
            evidence: claim.evidence.first().map(|e| e.text.as_str()),
        }
    }
}
