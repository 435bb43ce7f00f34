//! `refwatch eval DIR`: runs read and extract on every page of a gold-annotated corpus and
//! scores the result: incident precision, recall and F1 (lenient and strict), per-page counts,
//! and metadata accuracy (title, author, publication date, where the main text starts and ends).
//!
//! A corpus is a folder of pairs `<name>.txt|.html|.htm` (optionally `.gz`) + `<name>.json`;
//! the gold format is described in the corpus README. The matching rules live in [`score`].

mod gold;
mod score;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use domain::{Claim, DateSpan, RawPage};
use serde::Serialize;

use gold::{GoldIncident, GoldPage};
use score::{Mode, Tally};

/// Score extraction against a folder of gold-annotated pages (<name>.txt|.html + <name>.json)
#[derive(Debug, clap::Args)]
pub struct Cmd {
    /// The corpus folder
    dir: PathBuf,
    /// List each missed and false incident and each metadata mismatch, page by page
    #[arg(long)]
    verbose: bool,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

impl Cmd {
    pub fn run(self) -> anyhow::Result<ExitCode> {
        let cases = find_cases(&self.dir)?;
        let mut pages = Vec::with_capacity(cases.len());
        let mut elapsed = Duration::ZERO;
        for case in &cases {
            let (page, took) = evaluate(case)?;
            elapsed += took;
            pages.push(page);
        }
        let report = Report::new(pages, elapsed);
        match self.format {
            Format::Text => print!("{}", render_text(&report, self.verbose)),
            Format::Json => {
                println!("{}", serde_json::to_string_pretty(&report).context("cannot encode JSON")?)
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}

/// One page of the corpus and its gold file.
#[derive(Debug)]
struct Case {
    name: String,
    page: PathBuf,
    gold: PathBuf,
}

const PAGE_EXTENSIONS: &[&str] = &["txt", "html", "htm", "txt.gz", "html.gz", "htm.gz"];

/// Finds the page/gold pairs of `dir` (not recursive), sorted by name. Gold files without a page
/// and pages without a gold are skipped with a warning on stderr.
fn find_cases(dir: &Path) -> anyhow::Result<Vec<Case>> {
    if !dir.is_dir() {
        anyhow::bail!("{} is not a folder", dir.display());
    }
    let entries = std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))?;
    let mut golds: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut pages: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for entry in entries {
        let path = entry.with_context(|| format!("cannot list {}", dir.display()))?.path();
        if !path.is_file() {
            continue;
        }
        let Some(file_name) = path.file_name().and_then(|n| n.to_str()) else { continue };
        if let Some(name) = file_name.strip_suffix(".json") {
            golds.insert(name.to_owned(), path.clone());
            continue;
        }
        for ext in PAGE_EXTENSIONS {
            if let Some(name) = file_name.strip_suffix(ext).and_then(|n| n.strip_suffix('.')) {
                pages.entry(name.to_owned()).or_default().push(path.clone());
                break;
            }
        }
    }
    let mut cases = Vec::new();
    for (name, gold) in golds {
        let Some(mut candidates) = pages.remove(&name) else {
            eprintln!("warning: {} has no page beside it (.txt, .html or .htm)", gold.display());
            continue;
        };
        candidates.sort();
        if candidates.len() > 1 {
            eprintln!("warning: several pages for {}; using {}", gold.display(), candidates[0].display());
        }
        cases.push(Case { name, page: candidates.swap_remove(0), gold });
    }
    for (name, _) in pages {
        if name != "README" {
            eprintln!("warning: {name} has no gold {name}.json; skipped");
        }
    }
    if cases.is_empty() {
        anyhow::bail!("no gold files in {}: expected pairs <name>.txt|.html + <name>.json", dir.display());
    }
    Ok(cases)
}

/// Reads, extracts and scores one page; returns the time read + extract took.
fn evaluate(case: &Case) -> anyhow::Result<(PageReport, Duration)> {
    let text = std::fs::read_to_string(&case.gold)
        .with_context(|| format!("cannot read {}", case.gold.display()))?;
    let gold = gold::parse(&text).with_context(|| format!("cannot parse gold {}", case.gold.display()))?;
    let bytes = crate::cmd::read_page_file(&case.page)?;
    let started = Instant::now();
    let page = RawPage::new(bytes, gold.url.clone());
    let (article, _diagnostics) = read::read(&page);
    let (claims, _diagnostics) = extract::extract(&article);
    let took = started.elapsed();
    Ok((PageReport::new(case, &gold, &article, &claims), took))
}

/// Everything eval found, serialised as is by `--format json`.
#[derive(Debug, Serialize)]
struct Report {
    summary: String,
    n_pages: usize,
    lenient: Scores,
    strict: Scores,
    negative_pages: usize,
    incidents_on_negative_pages: usize,
    metadata: MetadataAccuracy,
    /// Wall time spent in read + extract, summed over pages.
    extract_seconds: f64,
    build: &'static str,
    pages: Vec<PageReport>,
}

#[derive(Debug, Serialize)]
struct Scores {
    precision: f64,
    recall: f64,
    f1: f64,
    #[serde(flatten)]
    tally: Tally,
}

impl Scores {
    fn new(tally: Tally) -> Scores {
        Scores { precision: tally.precision(), recall: tally.recall(), f1: tally.f1(), tally }
    }
}

#[derive(Debug, Serialize)]
struct MetadataAccuracy {
    title: Accuracy,
    author: Accuracy,
    published: Accuracy,
    body_start: Accuracy,
    body_end: Accuracy,
}

#[derive(Debug, Default, Serialize)]
struct Accuracy {
    correct: usize,
    total: usize,
    rate: f64,
}

#[derive(Debug, Serialize)]
struct PageReport {
    name: String,
    page: String,
    gold: usize,
    predicted: usize,
    lenient_matched: usize,
    strict_matched: usize,
    /// Gold incidents without a lenient match.
    misses: Vec<IncidentView>,
    /// Predicted incidents without a lenient match.
    false_incidents: Vec<IncidentView>,
    /// Lenient pairs whose dates are not strictly compatible.
    date_mismatches: Vec<DateMismatch>,
    metadata: Vec<MetadataCheck>,
}

/// An incident as eval prints it.
#[derive(Debug, Serialize)]
struct IncidentView {
    #[serde(rename = "type")]
    kind: &'static str,
    aggregate: bool,
    date: String,
    count: String,
    perpetrator: Option<String>,
    destination: Option<String>,
    nationality: Option<String>,
    evidence: String,
}

#[derive(Debug, Serialize)]
struct DateMismatch {
    gold: String,
    predicted: String,
    evidence: String,
}

#[derive(Debug, Serialize)]
struct MetadataCheck {
    field: &'static str,
    gold: Option<String>,
    got: Option<String>,
    ok: bool,
}

impl Report {
    fn new(pages: Vec<PageReport>, elapsed: Duration) -> Report {
        let (mut lenient, mut strict) = (Tally::default(), Tally::default());
        let (mut negative_pages, mut incidents_on_negative_pages) = (0, 0);
        let mut accuracy: BTreeMap<&'static str, Accuracy> = BTreeMap::new();
        for page in &pages {
            lenient.add(Tally { gold: page.gold, predicted: page.predicted, matched: page.lenient_matched });
            strict.add(Tally { gold: page.gold, predicted: page.predicted, matched: page.strict_matched });
            if page.gold == 0 {
                negative_pages += 1;
                incidents_on_negative_pages += page.predicted;
            }
            for check in &page.metadata {
                let entry = accuracy.entry(check.field).or_default();
                entry.total += 1;
                entry.correct += usize::from(check.ok);
            }
        }
        let mut take = |field: &str| {
            let mut acc = accuracy.remove(field).unwrap_or_default();
            acc.rate = if acc.total == 0 { 0.0 } else { acc.correct as f64 / acc.total as f64 };
            acc
        };
        let metadata = MetadataAccuracy {
            title: take("title"),
            author: take("author"),
            published: take("published"),
            body_start: take("body start"),
            body_end: take("body end"),
        };
        let summary = format!(
            "strict F1 {:.3} (P {:.3} R {:.3}) lenient F1 {:.3} over {} pages, {} gold incidents, {} predicted",
            strict.f1(),
            strict.precision(),
            strict.recall(),
            lenient.f1(),
            pages.len(),
            strict.gold,
            strict.predicted,
        );
        Report {
            summary,
            n_pages: pages.len(),
            lenient: Scores::new(lenient),
            strict: Scores::new(strict),
            negative_pages,
            incidents_on_negative_pages,
            metadata,
            extract_seconds: elapsed.as_secs_f64(),
            build: if cfg!(debug_assertions) { "debug" } else { "release" },
            pages,
        }
    }
}

impl PageReport {
    fn new(case: &Case, gold: &GoldPage, article: &domain::Article, claims: &[Claim]) -> PageReport {
        let lenient = score::match_incidents(&gold.incidents, claims, Mode::Lenient);
        let strict = score::match_incidents(&gold.incidents, claims, Mode::Strict);
        let misses = (0..gold.incidents.len())
            .filter(|g| !lenient.iter().any(|(matched, _)| matched == g))
            .map(|g| IncidentView::of_gold(&gold.incidents[g]))
            .collect();
        let false_incidents = (0..claims.len())
            .filter(|p| !lenient.iter().any(|(_, matched)| matched == p))
            .map(|p| IncidentView::of_claim(&claims[p]))
            .collect();
        let date_mismatches = lenient
            .iter()
            .filter(|&&(g, p)| !score::dates_compatible(&gold.incidents[g].date, &claims[p].date))
            .map(|&(g, p)| DateMismatch {
                gold: date_text(&gold.incidents[g].date),
                predicted: date_text(&claims[p].date),
                evidence: gold.incidents[g].evidence.clone(),
            })
            .collect();
        PageReport {
            name: case.name.clone(),
            page: case.page.display().to_string(),
            gold: gold.incidents.len(),
            predicted: claims.len(),
            lenient_matched: lenient.len(),
            strict_matched: strict.len(),
            misses,
            false_incidents,
            date_mismatches,
            metadata: metadata_checks(gold, article),
        }
    }
}

/// Title, author and published must equal the gold (whitespace normalised; both absent is
/// right); the body checks run only when the gold gives first/last words.
fn metadata_checks(gold: &GoldPage, article: &domain::Article) -> Vec<MetadataCheck> {
    let published = article.published.map(|d| d.to_string());
    let mut checks = vec![
        MetadataCheck {
            field: "title",
            ok: score::same_text(gold.title.as_deref(), article.title.as_deref()),
            gold: gold.title.clone(),
            got: article.title.clone(),
        },
        MetadataCheck {
            field: "author",
            ok: score::same_text(gold.author.as_deref(), article.author.as_deref()),
            gold: gold.author.clone(),
            got: article.author.clone(),
        },
        MetadataCheck {
            field: "published",
            ok: score::same_text(gold.published.as_deref(), published.as_deref()),
            gold: gold.published.clone(),
            got: published,
        },
    ];
    let text = score::normalize_whitespace(&article.text);
    if let Some(first) = &gold.body_first_words {
        checks.push(MetadataCheck {
            field: "body start",
            ok: score::body_starts_with(&text, first),
            gold: Some(first.clone()),
            got: Some(text.chars().take(first.chars().count().max(40)).collect()),
        });
    }
    if let Some(last) = &gold.body_last_words {
        let n = text.chars().count();
        let keep = last.chars().count().max(40);
        checks.push(MetadataCheck {
            field: "body end",
            ok: score::body_ends_with(&text, last),
            gold: Some(last.clone()),
            got: Some(text.chars().skip(n.saturating_sub(keep)).collect()),
        });
    }
    checks
}

impl IncidentView {
    fn of_gold(incident: &GoldIncident) -> IncidentView {
        IncidentView {
            kind: incident.kind.as_str(),
            aggregate: incident.aggregate,
            date: date_text(&incident.date),
            count: count_text(incident.low, incident.high),
            perpetrator: incident.perpetrator.map(|c| c.to_string()),
            destination: incident.destination.map(|c| c.to_string()),
            nationality: incident.nationality.clone(),
            evidence: incident.evidence.clone(),
        }
    }

    fn of_claim(claim: &Claim) -> IncidentView {
        IncidentView {
            kind: claim.kind.as_str(),
            aggregate: claim.aggregate,
            date: date_text(&claim.date),
            count: count_text(claim.count.low, claim.count.high),
            perpetrator: claim.perpetrator.map(|c| c.to_string()),
            destination: claim.destination.map(|c| c.to_string()),
            nationality: claim.nationality.as_ref().map(|n| n.to_string()),
            evidence: claim.evidence.iter().map(|e| e.text.as_str()).collect::<Vec<_>>().join(" … "),
        }
    }

    fn line(&self) -> String {
        format!(
            "{}{} {}->{} nationality {} date {} count {}",
            self.kind,
            if self.aggregate { " (aggregate)" } else { "" },
            self.perpetrator.as_deref().unwrap_or("?"),
            self.destination.as_deref().unwrap_or("?"),
            self.nationality.as_deref().unwrap_or("?"),
            self.date,
            self.count,
        )
    }
}

fn date_text(date: &DateSpan) -> String {
    if date.is_unknown() {
        return "unknown".to_owned();
    }
    let show = |d: Option<domain::PartialDate>| d.map(|d| d.to_string()).unwrap_or_else(|| "open".into());
    format!("{}..{} ({})", show(date.start), show(date.end), date.precision)
}

fn count_text(low: Option<u64>, high: Option<u64>) -> String {
    match (low, high) {
        (None, None) => "unknown".to_owned(),
        (Some(low), Some(high)) if low == high => low.to_string(),
        (low, high) => format!(
            "{}..{}",
            low.map(|n| n.to_string()).unwrap_or_default(),
            high.map(|n| n.to_string()).unwrap_or_default()
        ),
    }
}

/// The text report: a per-page table, details with `verbose`, the totals, and the summary line
/// last so that scripts can take it with `tail -1`.
fn render_text(report: &Report, verbose: bool) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let width = report.pages.iter().map(|p| p.name.chars().count()).max().unwrap_or(4).max(4);
    let _ = writeln!(out, "{:<width$}  gold  pred  lenient  strict  metadata", "page");
    for page in &report.pages {
        let ok = page.metadata.iter().filter(|c| c.ok).count();
        let _ = writeln!(
            out,
            "{:<width$}  {:>4}  {:>4}  {:>7}  {:>6}  {}/{}",
            page.name,
            page.gold,
            page.predicted,
            page.lenient_matched,
            page.strict_matched,
            ok,
            page.metadata.len()
        );
    }
    if verbose {
        for page in &report.pages {
            let bad_metadata: Vec<&MetadataCheck> = page.metadata.iter().filter(|c| !c.ok).collect();
            if page.misses.is_empty()
                && page.false_incidents.is_empty()
                && page.date_mismatches.is_empty()
                && bad_metadata.is_empty()
            {
                continue;
            }
            let _ = writeln!(out, "\n== {} (gold {}, predicted {})", page.name, page.gold, page.predicted);
            for miss in &page.misses {
                let _ = writeln!(out, "  miss   {}\n         {:?}", miss.line(), miss.evidence);
            }
            for wrong in &page.false_incidents {
                let _ = writeln!(out, "  false  {}\n         {:?}", wrong.line(), wrong.evidence);
            }
            for date in &page.date_mismatches {
                let _ = writeln!(
                    out,
                    "  date   gold {} vs predicted {}\n         {:?}",
                    date.gold, date.predicted, date.evidence
                );
            }
            for check in bad_metadata {
                let _ = writeln!(
                    out,
                    "  meta   {}: gold {:?} got {:?}",
                    check.field,
                    check.gold.as_deref().unwrap_or("(none)"),
                    check.got.as_deref().unwrap_or("(none)")
                );
            }
        }
    }
    let metadata = &report.metadata;
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "metadata: title {} author {} published {} body start {} body end {}",
        accuracy_text(&metadata.title),
        accuracy_text(&metadata.author),
        accuracy_text(&metadata.published),
        accuracy_text(&metadata.body_start),
        accuracy_text(&metadata.body_end),
    );
    let _ = writeln!(
        out,
        "incidents on negative pages: {} ({} negative pages)",
        report.incidents_on_negative_pages, report.negative_pages
    );
    let _ = writeln!(out, "          matched  precision  recall     F1");
    for (label, scores) in [("lenient", &report.lenient), ("strict", &report.strict)] {
        let _ = writeln!(
            out,
            "{label:<8}  {:>7}  {:>9.3}  {:>6.3}  {:>5.3}",
            scores.tally.matched, scores.precision, scores.recall, scores.f1
        );
    }
    let rate =
        if report.extract_seconds > 0.0 { report.n_pages as f64 / report.extract_seconds } else { 0.0 };
    let _ = writeln!(
        out,
        "read+extract: {} pages in {:.3} s ({:.1} pages/s, {} build)",
        report.n_pages, report.extract_seconds, rate, report.build
    );
    let _ = writeln!(out, "{}", report.summary);
    out
}

fn accuracy_text(accuracy: &Accuracy) -> String {
    format!("{}/{} ({:.3})", accuracy.correct, accuracy.total, accuracy.rate)
}
