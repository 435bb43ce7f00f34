//! `refwatch show DOC`: one stored document (by hash or unique prefix) with its metadata, text,
//! removed blocks and claims. Evidence is highlighted when stdout is a terminal. In a database with
//! a key the texts are sealed: they are opened with the key, else `show` says they are sealed.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use service::text::TextState;
use store::StoredDocument;

use crate::cmd::incidents::{count_text, date_text};
use crate::db::Ctx;

/// Print one stored document with its removed blocks and claims
#[derive(Debug, clap::Args)]
pub struct Cmd {
    /// The document's BLAKE3 hash or a unique prefix of it (at least 4 hex characters)
    #[arg(value_name = "DOC")]
    doc: String,
    /// Highlight evidence with ANSI colours
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

const HIGHLIGHT: &str = "\x1b[1;33m";
const HEADING: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

impl Cmd {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<ExitCode> {
        let store = crate::db::open_existing(&ctx.db_path())?;
        let key = crate::cmd::keys::unlock(ctx, &store, crate::cmd::keys::Prompt::Never)?;
        let (document, state) = service::text::open_document(&store, key.as_ref(), &self.doc)?;
        let color = match self.color {
            Color::Auto => std::io::stdout().is_terminal(),
            Color::Always => true,
            Color::Never => false,
        };
        print_document(&mut std::io::stdout().lock(), &document, state, color)?;
        Ok(ExitCode::SUCCESS)
    }
}

/// What is printed in place of a sealed text.
const SEALED: &str = "(sealed: give the passphrase or --key-file to read it)";

fn print_document(
    out: &mut impl Write,
    doc: &StoredDocument,
    state: TextState,
    color: bool,
) -> std::io::Result<()> {
    let sealed = state == TextState::Sealed;
    let heading = |out: &mut dyn Write, title: &str| -> std::io::Result<()> {
        if color {
            writeln!(out, "\n{HEADING}── {title} ──{RESET}")
        } else {
            writeln!(out, "\n── {title} ──")
        }
    };
    let or_dash = |value: Option<&str>| match value {
        Some(value) => value.to_owned(),
        None if sealed => "(sealed)".to_owned(),
        None => "-".to_owned(),
    };
    writeln!(out, "document   {}", doc.hash)?;
    writeln!(out, "title      {}", or_dash(doc.title.as_deref()))?;
    writeln!(out, "author     {}", or_dash(doc.author.as_deref()))?;
    let published = match (doc.published, doc.published_from) {
        (Some(date), Some(from)) => format!("{date} (from {from})"),
        (Some(date), None) => date.to_string(),
        (None, _) => "-".to_owned(),
    };
    writeln!(out, "published  {published}")?;
    writeln!(out, "url        {}", or_dash(doc.url.as_deref()))?;
    writeln!(out, "source     {}", or_dash(doc.source_path.as_deref()))?;
    writeln!(out, "language   {}", or_dash(doc.language.as_deref()))?;
    let ingested = chrono::DateTime::from_timestamp(doc.ingested_at, 0)
        .map_or_else(|| doc.ingested_at.to_string(), |t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string());
    if sealed {
        writeln!(out, "ingested   {ingested} by {} (page sealed)", doc.pipeline_version)?;
    } else {
        writeln!(out, "ingested   {ingested} by {} ({} bytes)", doc.pipeline_version, doc.page_size)?;
    }

    heading(out, "text")?;
    if sealed {
        writeln!(out, "{SEALED}")?;
    }
    let spans: Vec<(usize, usize)> =
        doc.claims.iter().flat_map(|c| c.evidence.iter().map(|e| (e.start, e.end))).collect();
    if color {
        writeln!(out, "{}", highlight(&doc.text, &spans))?;
    } else {
        writeln!(out, "{}", doc.text)?;
    }

    heading(out, &format!("removed ({} blocks)", doc.removed.len()))?;
    for block in &doc.removed {
        writeln!(out, "[{}]", block.kind)?;
        if sealed {
            writeln!(out, "    (sealed)")?;
        }
        for line in block.text.lines() {
            writeln!(out, "    {line}")?;
        }
    }

    heading(out, &format!("claims ({})", doc.claims.len()))?;
    for (idx, claim) in doc.claims.iter().enumerate() {
        let route = format!(
            "{} → {}",
            claim.perpetrator.map_or("?".to_owned(), |c| c.to_string()),
            claim.destination.map_or("?".to_owned(), |c| c.to_string())
        );
        let total = if claim.aggregate { " (total over a period)" } else { "" };
        writeln!(
            out,
            "{}. {}{total}  {}  count {}  {route}",
            idx + 1,
            claim.kind,
            date_text(claim),
            count_text(claim)
        )?;
        if let Some(nationality) = &claim.nationality {
            writeln!(out, "   nationality  {nationality}")?;
        }
        if let Some(place) = &claim.place {
            let mut where_ = place.name.clone();
            for part in [place.admin1.clone(), place.country.map(|c| c.to_string())].into_iter().flatten() {
                where_.push_str(&format!(", {part}"));
            }
            if let (Some(lat), Some(lon)) = (place.lat, place.lon) {
                where_.push_str(&format!(" ({lat:.4}, {lon:.4})"));
            }
            writeln!(out, "   place        {where_} [{}]", place.precision)?;
        }
        let flags: Vec<&str> = [(claim.women, "women"), (claim.children, "children")]
            .into_iter()
            .filter_map(|(flag, name)| (flag == Some(true)).then_some(name))
            .collect();
        if !flags.is_empty() {
            writeln!(out, "   including    {}", flags.join(", "))?;
        }
        if !claim.sources.is_empty() {
            writeln!(out, "   sources      {}", claim.sources.join("; "))?;
        }
        if claim.n_persons > 0 {
            writeln!(out, "   persons      {} named (names are not stored)", claim.n_persons)?;
        }
        for evidence in &claim.evidence {
            if sealed {
                writeln!(out, "   evidence     {SEALED}")?;
            } else if color {
                writeln!(out, "   evidence     {HIGHLIGHT}{}{RESET}", evidence.text)?;
            } else {
                writeln!(out, "   evidence     \"{}\"", evidence.text)?;
            }
        }
    }
    Ok(())
}

/// Wraps each evidence span of `text` in ANSI highlight codes. Spans that overlap are merged;
/// spans that do not fall on character boundaries inside the text are ignored.
fn highlight(text: &str, spans: &[(usize, usize)]) -> String {
    let mut spans: Vec<(usize, usize)> = spans
        .iter()
        .copied()
        .filter(|&(start, end)| start < end && text.is_char_boundary(start) && text.is_char_boundary(end))
        .collect();
    spans.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (start, end) in spans {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    let mut out = String::with_capacity(text.len() + merged.len() * 12);
    let mut at = 0;
    for (start, end) in merged {
        out.push_str(&text[at..start]);
        out.push_str(HIGHLIGHT);
        out.push_str(&text[start..end]);
        out.push_str(RESET);
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlight_merges_and_skips_bad_spans() {
        let text = "Zoë was deported. Others stayed.";
        let out = highlight(text, &[(0, 18), (4, 10), (2, 3), (40, 50)]);
        assert_eq!(out, format!("{HIGHLIGHT}Zoë was deported.{RESET} Others stayed."));
        assert_eq!(highlight(text, &[]), text);
    }
}
