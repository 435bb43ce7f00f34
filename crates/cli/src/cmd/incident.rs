//! `refwatch incident ID`: one reconciled incident explained: its figures per source, every
//! claim with its document, figure, date and evidence, and why it was merged (the features and
//! their weights), plus conflicts, review flags, analysts' fixes and the aggregates it is in.

use std::io::Write;
use std::process::ExitCode;

use std::collections::HashMap;

use anyhow::Context;
use domain::ContentHash;
use service::ReconciledView;
use service::model::{Conflict, Incident, Joined, Member};

use crate::cmd::incidents::{conflict_names, low_best_high, review_names, route, span_text};
use crate::db::Ctx;

/// Explain one incident: every claim, source, figure, evidence, and why it was merged
#[derive(Debug, clap::Args)]
pub struct Cmd {
    /// The incident's id (8 hex digits, or a unique prefix of at least 4) from `refwatch incidents`
    #[arg(value_name = "ID")]
    id: String,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

impl Cmd {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<ExitCode> {
        let store = crate::db::open_existing(&ctx.db_path())?;
        let view = service::reconcile(&store)?;
        let incident = find(&view, &self.id)?;
        // Sealed evidence is shown only when the key opens it.
        let key = crate::cmd::keys::unlock(ctx, &store, crate::cmd::keys::Prompt::Never)?;
        let mut texts: HashMap<ContentHash, Option<String>> = HashMap::new();
        for member in &incident.members {
            let hash = member.key.document;
            if let std::collections::hash_map::Entry::Vacant(entry) = texts.entry(hash) {
                let (document, state) = service::text::open_document(&store, key.as_ref(), &hash.to_hex())?;
                entry.insert((state != service::text::TextState::Sealed).then_some(document.text));
            }
        }
        let mut out = std::io::stdout().lock();
        match self.format {
            Format::Text => explain(&mut out, &view, incident, &texts)?,
            Format::Json => {
                let json = crate::cmd::incidents::ReconciledIncidentJson::new(incident);
                serde_json::to_writer_pretty(&mut out, &json).context("cannot encode JSON")?;
                writeln!(out)?;
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}

/// The incident whose id starts with `id` (at least 4 hex digits, unique).
pub fn find<'a>(view: &'a ReconciledView, id: &str) -> anyhow::Result<&'a Incident> {
    let id = id.trim().to_ascii_lowercase();
    if id.len() < 4 || id.len() > 8 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        anyhow::bail!("incident id must be 4 to 8 hex digits, got {id:?}");
    }
    let mut matches = view.reconciliation.incidents.iter().filter(|i| i.id.to_string().starts_with(&id));
    match (matches.next(), matches.next()) {
        (Some(incident), None) => Ok(incident),
        (None, _) => anyhow::bail!(
            "no incident {id} (ids can change when documents are added; see `refwatch incidents`)"
        ),
        (Some(_), Some(_)) => anyhow::bail!("incident id {id} is ambiguous; give more digits"),
    }
}

/// The member named by `claim`: its full key, its short form (`abcd1234:START-END`), or its
/// number in `refwatch incident` output (from 1).
pub fn find_member<'a>(incident: &'a Incident, claim: &str) -> anyhow::Result<&'a Member> {
    let claim = claim.trim();
    if let Ok(n) = claim.trim_start_matches('#').parse::<usize>()
        && let Some(member) = n.checked_sub(1).and_then(|i| incident.members.get(i))
    {
        return Ok(member);
    }
    incident
        .members
        .iter()
        .find(|m| m.key.to_string() == claim || m.key.short() == claim)
        .with_context(|| format!("incident {} has no claim {claim:?}", incident.id))
}

fn explain(
    out: &mut impl Write,
    view: &ReconciledView,
    incident: &Incident,
    texts: &HashMap<ContentHash, Option<String>>,
) -> anyhow::Result<()> {
    writeln!(
        out,
        "incident {}{}",
        incident.id,
        if incident.rejected { " (rejected by an analyst)" } else { "" }
    )?;
    writeln!(out, "type:        {}", incident.kind)?;
    writeln!(out, "date:        {}", span_text(&incident.date))?;
    writeln!(
        out,
        "low/best/high: {}{}",
        low_best_high(incident),
        if incident.count.consistent { "" } else { " (figures conflict: conservative hull)" }
    )?;
    writeln!(out, "route:       {}", route(incident))?;
    writeln!(
        out,
        "nationality: {}",
        incident.nationality.as_ref().map_or("?".to_owned(), |n| n.to_string())
    )?;
    if let Some(place) = &incident.place {
        writeln!(out, "place:       {place}")?;
    }
    writeln!(out, "sources:     {} independent, {} claims", incident.n_sources, incident.members.len())?;
    let conflicts = conflict_names(incident);
    if !conflicts.is_empty() {
        writeln!(out, "conflicts:   {}", conflicts.join(", "))?;
        for conflict in &incident.conflicts {
            if let Conflict::Date { earliest, latest } = conflict {
                writeln!(out, "             days differ: {earliest} to {latest}")?;
            }
        }
    }
    let review = review_names(incident);
    if !review.is_empty() {
        writeln!(out, "review:      {}", review.join(", "))?;
    }
    for (field, value) in &incident.fixed {
        writeln!(out, "fixed:       {field} = {value}")?;
    }

    writeln!(out, "\nfigures (one per independent source):")?;
    for figure in &incident.figures {
        let titles: Vec<String> = figure.documents.iter().map(|d| document_label(view, d)).collect();
        let copies = if figure.documents.len() > 1 { "  [near-duplicate copies, one source]" } else { "" };
        writeln!(out, "  {:<18} {}{copies}", figure_text(&figure.count), titles.join(" = "))?;
    }

    writeln!(out, "\nclaims:")?;
    for (n, member) in incident.members.iter().enumerate() {
        let Some(input) = view.claims.get(member.claim) else { continue };
        let claim = &input.claim;
        writeln!(out, "  #{} {}  {}", n + 1, member.key.short(), document_label(view, &member.key.document))?;
        writeln!(out, "     date {}  figure {}", span_text(&claim.date), figure_text(&claim.count))?;
        for evidence in &claim.evidence {
            if !service::model::is_print(&evidence.text) {
                writeln!(out, "     \"{}\"", evidence.text.trim())?;
                continue;
            }
            match texts
                .get(&member.key.document)
                .and_then(|text| text.as_deref()?.get(evidence.start..evidence.end))
            {
                Some(text) => writeln!(out, "     \"{}\"", text.trim())?,
                None => {
                    writeln!(out, "     (evidence sealed: give the passphrase or --key-file to read it)")?
                }
            }
        }
        match &member.joined {
            Joined::Founded => writeln!(out, "     first claim of the incident")?,
            Joined::Decision(idx) => {
                let who = view.decisions.get(*idx).map_or(String::new(), |d| {
                    format!(" #{} by {} ({})", d.id, d.decision.actor, d.decision.kind)
                });
                writeln!(out, "     placed here by an analyst's decision{who}")?;
            }
            Joined::Matched(why) => {
                let runner = why.runner_up.map_or(String::new(), |r| format!(", next best incident {r:+.1}"));
                writeln!(out, "     merged: score {:+.1}{runner}", why.score)?;
                for feature in &why.features {
                    writeln!(out, "       {:<13} {:+.1}  {}", feature.name, feature.weight, feature.note)?;
                }
            }
        }
    }

    let aggregates: Vec<_> =
        view.reconciliation.aggregates.iter().filter(|a| a.incidents.contains(&incident.id)).collect();
    if !aggregates.is_empty() {
        writeln!(out, "\nincluded in totals stated by (never added):")?;
        for check in aggregates {
            writeln!(out, "  {}  {}", figure_text(&check.count), document_label(view, &check.key.document))?;
        }
    }
    Ok(())
}

/// A document as "abcd1234 Title".
pub fn document_label(view: &ReconciledView, document: &domain::ContentHash) -> String {
    let title = view.titles.get(document).cloned().flatten().unwrap_or_else(|| "(untitled)".to_owned());
    format!("{} {}", &document.to_hex()[..8], title)
}

/// The words a figure came from, else its bounds.
pub fn figure_text(count: &domain::Count) -> String {
    if !count.text.is_empty() {
        return format!("\"{}\"", count.text);
    }
    match (count.low, count.high) {
        (None, None) => "no figure".to_owned(),
        (Some(l), Some(h)) if l == h => l.to_string(),
        (l, h) => format!(
            "{}–{}",
            l.map_or("?".to_owned(), |v| v.to_string()),
            h.map_or("?".to_owned(), |v| v.to_string())
        ),
    }
}
