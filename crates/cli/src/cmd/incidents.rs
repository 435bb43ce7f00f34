//! `refwatch incidents`: the stored claims with their documents, as a table, JSON or CSV.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use domain::{ClaimKind, CountQualifier, DatePrecision};
use serde::Serialize;
use store::{ClaimFilter, ClaimRecord, ClaimRow};

use crate::db::Ctx;
use crate::extract_json::{CountJson, DateJson};

/// List stored claims: date, count, perpetrator → destination, nationality, place, sources, document
#[derive(Debug, clap::Args)]
pub struct Cmd {
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Only claims of this type
    #[arg(long, value_parser = parse_kind)]
    kind: Option<ClaimKind>,
    /// Only claims of the document whose hash starts with this prefix
    #[arg(long, value_name = "HASH")]
    document: Option<String>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Table,
    Json,
    Csv,
}

/// The JSON output's schema name. Fields may be added; renaming or removing one needs a new one.
pub const SCHEMA: &str = "refwatch.incidents/1";

impl Cmd {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<ExitCode> {
        let store = crate::db::open_existing(&ctx.db_path())?;
        let filter = ClaimFilter { kind: self.kind, document_prefix: self.document, limit: None };
        let rows = service::list_incidents(&store, &filter)?;
        let mut out = std::io::stdout().lock();
        match self.format {
            Format::Table => print_table(&mut out, &rows)?,
            Format::Json => {
                let json =
                    IncidentsJson { schema: SCHEMA, incidents: rows.iter().map(IncidentJson::new).collect() };
                serde_json::to_writer_pretty(&mut out, &json).context("cannot encode JSON")?;
                writeln!(out)?;
            }
            Format::Csv => {
                let mut writer = csv::Writer::from_writer(&mut out);
                for row in &rows {
                    writer.serialize(IncidentCsv::new(row)).context("cannot write CSV")?;
                }
                writer.flush()?;
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}

fn parse_kind(text: &str) -> Result<ClaimKind, String> {
    text.parse().map_err(|_| {
        let kinds: Vec<&str> = ClaimKind::ALL.iter().map(|k| k.as_str()).collect();
        format!("expected one of {}", kinds.join(", "))
    })
}

/// Prints claims as an aligned text table.
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
