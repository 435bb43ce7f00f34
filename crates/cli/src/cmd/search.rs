//! `refwatch search QUERY`: full-text search over documents and claims. In a database with a key
//! the index is blind (keyed hashes of words) and the query is hashed the same way, so searching
//! needs the key; titles and snippets are opened with it.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use service::search::SearchHit;

use crate::db::Ctx;

/// Search documents and claims for words (ranked by how many of the words they hold)
#[derive(Debug, clap::Args)]
pub struct Cmd {
    /// The words to look for (case, accents of full-width forms and punctuation are ignored)
    #[arg(required = true, value_name = "QUERY")]
    query: Vec<String>,
    /// The most documents to list
    #[arg(long, default_value_t = 20)]
    limit: usize,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Table,
    Json,
}

#[derive(serde::Serialize)]
struct HitJson<'a> {
    document: String,
    published: Option<String>,
    matches: usize,
    title: Option<&'a str>,
    snippet: Option<&'a str>,
}

impl Cmd {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<ExitCode> {
        let store = crate::db::open_existing(&ctx.db_path())?;
        let key = crate::cmd::keys::unlock(ctx, &store, crate::cmd::keys::Prompt::Never)?;
        let query = self.query.join(" ");
        let hits = service::search::search(&store, key.as_ref(), &query, self.limit)?;
        let mut out = std::io::stdout().lock();
        match self.format {
            Format::Table => print_table(&mut out, &hits)?,
            Format::Json => {
                let json: Vec<HitJson<'_>> = hits
                    .iter()
                    .map(|hit| HitJson {
                        document: hit.document.to_hex(),
                        published: hit.published.map(|d| d.to_string()),
                        matches: hit.matches,
                        title: hit.title.as_deref(),
                        snippet: hit.snippet.as_deref(),
                    })
                    .collect();
                serde_json::to_writer_pretty(&mut out, &json).context("cannot encode JSON")?;
                writeln!(out)?;
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}

fn print_table(out: &mut impl Write, hits: &[SearchHit]) -> std::io::Result<()> {
    if hits.is_empty() {
        writeln!(out, "no document matches")?;
        return Ok(());
    }
    writeln!(out, "{:<12} {:<10} {:>7}  title", "document", "published", "matches")?;
    for hit in hits {
        let hex = hit.document.to_hex();
        let published = hit.published.map_or_else(|| "-".to_owned(), |d| d.to_string());
        writeln!(
            out,
            "{:<12} {:<10} {:>7}  {}",
            &hex[..12],
            published,
            hit.matches,
            hit.title.as_deref().unwrap_or("-")
        )?;
        if let Some(snippet) = &hit.snippet {
            writeln!(out, "             {snippet}")?;
        }
    }
    Ok(())
}
