//! `refwatch timeline`: the occasions per year and honest totals (sums of incident lows and
//! bests). Stated totals ("more than 670 since 2020") are listed and checked, never added.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use domain::{ClaimKind, CountryCode, Nationality};
use serde::Serialize;
use service::model::{AggregateStatus, TimelineFilter, timeline};

use crate::cmd::incident::{document_label, figure_text};
use crate::cmd::incidents::{conflict_names, low_best_high, route, span_text};
use crate::db::Ctx;

/// Print the occasions and the honest total per year; stated totals are checked, never added
#[derive(Debug, clap::Args)]
pub struct Cmd {
    /// Only incidents by this state (ISO 3166-1 alpha-2, e.g. CN)
    #[arg(long, value_name = "CC", value_parser = parse_country)]
    perpetrator: Option<CountryCode>,
    /// Only incidents about people of this nationality (code, e.g. KP) or group (e.g. Uyghur)
    #[arg(long, value_name = "NAT", value_parser = parse_nationality)]
    nationality: Option<Nationality>,
    /// First year
    #[arg(long, value_name = "YEAR")]
    from: Option<i32>,
    /// Last year
    #[arg(long, value_name = "YEAR")]
    to: Option<i32>,
    /// Which type of claim (detentions and returns of the same people are not added together)
    #[arg(long, default_value = "forced_return", value_parser = parse_kind)]
    kind: ClaimKind,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Table,
    Json,
}

/// The JSON output's schema name.
pub const SCHEMA: &str = "refwatch.timeline/1";

impl Cmd {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<ExitCode> {
        let store = crate::db::open_existing(&ctx.db_path())?;
        let view = service::reconcile(&store)?;
        let filter = TimelineFilter {
            kind: Some(self.kind),
            perpetrator: self.perpetrator,
            nationality: self.nationality,
            from: self.from,
            to: self.to,
        };
        let timeline = timeline(&view.reconciliation, &filter);
        let incidents = &view.reconciliation.incidents;
        let mut out = std::io::stdout().lock();
        match self.format {
            Format::Json => {
                let json = TimelineJson {
                    schema: SCHEMA,
                    years: timeline
                        .years
                        .iter()
                        .map(|y| YearJson {
                            year: y.year,
                            low: y.low,
                            best: y.best,
                            n_unknown: y.n_unknown,
                            incidents: y
                                .incidents
                                .iter()
                                .filter_map(|&i| incidents.get(i))
                                .map(crate::cmd::incidents::ReconciledIncidentJson::new)
                                .collect(),
                        })
                        .collect(),
                    total_low: timeline.years.iter().map(|y| y.low).sum(),
                    total_best: timeline.years.iter().map(|y| y.best).sum(),
                    undated: timeline
                        .undated
                        .iter()
                        .filter_map(|&i| incidents.get(i))
                        .map(|i| i.id.to_string())
                        .collect(),
                    aggregates: timeline
                        .aggregates
                        .iter()
                        .filter_map(|&a| view.reconciliation.aggregates.get(a))
                        .map(|a| AggregateJson {
                            claim: a.key.to_string(),
                            low: a.count.low,
                            high: a.count.high,
                            text: &a.count.text,
                            from: a.from.map(|d| d.to_string()),
                            to: a.to.map(|d| d.to_string()),
                            incidents: a.incidents.iter().map(|i| i.to_string()).collect(),
                            sum_low: a.sum_low,
                            sum_best: a.sum_best,
                            status: status_text(a.status),
                        })
                        .collect(),
                    near_duplicates: view
                        .groups
                        .copies()
                        .map(|g| g.iter().map(|d| d.to_hex()).collect())
                        .collect(),
                };
                serde_json::to_writer_pretty(&mut out, &json).context("cannot encode JSON")?;
                writeln!(out)?;
            }
            Format::Table => {
                if timeline.years.is_empty() && timeline.undated.is_empty() {
                    writeln!(out, "no incidents match")?;
                }
                for year in &timeline.years {
                    let unknown = if year.n_unknown > 0 {
                        format!(", {} without a figure", year.n_unknown)
                    } else {
                        String::new()
                    };
                    writeln!(
                        out,
                        "{}  {} incidents  low {}  best {}{unknown}",
                        year.year,
                        year.incidents.len(),
                        year.low,
                        year.best
                    )?;
                    for incident in year.incidents.iter().filter_map(|&i| incidents.get(i)) {
                        let conflicts = conflict_names(incident);
                        let conflicts = if conflicts.is_empty() {
                            String::new()
                        } else {
                            format!("  conflicts: {}", conflicts.join(","))
                        };
                        writeln!(
                            out,
                            "  {}  {:<32} {:<14} {:<8} {:<6} {} sources{conflicts}",
                            incident.id,
                            span_text(&incident.date),
                            low_best_high(incident),
                            route(incident),
                            incident.nationality.as_ref().map_or("?".to_owned(), |n| n.to_string()),
                            incident.n_sources,
                        )?;
                    }
                }
                if !timeline.years.is_empty() {
                    let low: u64 = timeline.years.iter().map(|y| y.low).sum();
                    let best: u64 = timeline.years.iter().map(|y| y.best).sum();
                    writeln!(
                        out,
                        "total  low {low}  best {best}  (sums of incidents; stated totals are not added)"
                    )?;
                }
                if !timeline.undated.is_empty() {
                    writeln!(out, "undated: {} incidents (in no year's total)", timeline.undated.len())?;
                    for incident in timeline.undated.iter().filter_map(|&i| incidents.get(i)) {
                        writeln!(out, "  {}  {}  {}", incident.id, low_best_high(incident), route(incident))?;
                    }
                }
                if !timeline.aggregates.is_empty() {
                    writeln!(out, "stated totals (checked against the incidents, never added):")?;
                    for check in
                        timeline.aggregates.iter().filter_map(|&a| view.reconciliation.aggregates.get(a))
                    {
                        let period = format!(
                            "{}..{}",
                            check.from.map_or("?".to_owned(), |d| d.to_string()),
                            check.to.map_or("?".to_owned(), |d| d.to_string())
                        );
                        writeln!(
                            out,
                            "  {} {}  {} incidents: low {} best {}  {}  ({})",
                            figure_text(&check.count),
                            period,
                            check.incidents.len(),
                            check.sum_low,
                            check.sum_best,
                            status_text(check.status),
                            document_label(&view, &check.key.document)
                        )?;
                    }
                }
                let copies: Vec<_> = view.groups.copies().collect();
                if !copies.is_empty() {
                    writeln!(out, "near-duplicate documents (each group counted as one source):")?;
                    for group in copies {
                        let labels: Vec<String> = group.iter().map(|d| document_label(&view, d)).collect();
                        writeln!(out, "  {}", labels.join(" = "))?;
                    }
                }
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}

fn status_text(status: AggregateStatus) -> String {
    match status {
        AggregateStatus::Consistent => "consistent".to_owned(),
        AggregateStatus::Gap { unaccounted } => format!("gap: {unaccounted} not accounted for by incidents"),
        AggregateStatus::Exceeds { excess } => format!("incidents exceed it by {excess}"),
        AggregateStatus::Unknown => "no figure".to_owned(),
    }
}

fn parse_country(text: &str) -> Result<CountryCode, String> {
    text.parse().map_err(|_| "expected a two-letter country code, e.g. CN".to_owned())
}

fn parse_nationality(text: &str) -> Result<Nationality, String> {
    let text = text.trim();
    let text = if text.len() == 2 { text.to_ascii_uppercase() } else { text.to_owned() };
    text.parse().map_err(|_| "expected a country code (KP) or a group name (Uyghur)".to_owned())
}

fn parse_kind(text: &str) -> Result<ClaimKind, String> {
    text.parse().map_err(|_| {
        let kinds: Vec<&str> = ClaimKind::ALL.iter().map(|k| k.as_str()).collect();
        format!("expected one of {}", kinds.join(", "))
    })
}

#[derive(Debug, Serialize)]
struct TimelineJson<'a> {
    schema: &'static str,
    years: Vec<YearJson<'a>>,
    total_low: u64,
    total_best: u64,
    undated: Vec<String>,
    /// Stated totals: checked, never added.
    aggregates: Vec<AggregateJson<'a>>,
    /// Groups of near-duplicate documents (hashes), each counted as one source.
    near_duplicates: Vec<Vec<String>>,
}

#[derive(Debug, Serialize)]
struct YearJson<'a> {
    year: i32,
    low: u64,
    best: u64,
    n_unknown: usize,
    incidents: Vec<crate::cmd::incidents::ReconciledIncidentJson<'a>>,
}

#[derive(Debug, Serialize)]
struct AggregateJson<'a> {
    claim: String,
    low: Option<u64>,
    high: Option<u64>,
    text: &'a str,
    from: Option<String>,
    to: Option<String>,
    incidents: Vec<String>,
    sum_low: u64,
    sum_best: u64,
    status: String,
}
