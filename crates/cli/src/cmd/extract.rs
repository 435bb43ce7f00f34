//! `refwatch extract FILE`: one page in, its article and incidents out as JSON or a table.
//! Touches no database.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use domain::{DateSource, NaiveDate, RawPage};

use crate::extract_json::{ArticleJson, ClaimJson, ExtractJson, SCHEMA, SourceJson};

/// Extract the incidents one page asserts (prints JSON per docs/extract-json.md)
#[derive(Debug, clap::Args)]
pub struct Cmd {
    /// The page: HTML or plain text (detected by content); .gz is decompressed
    file: PathBuf,
    /// The page's address (used for dates in URL paths and for provenance)
    #[arg(long)]
    url: Option<String>,
    /// Publication date (YYYY-MM-DD), overriding what the page says
    #[arg(long)]
    published: Option<NaiveDate>,
    #[arg(long, value_enum, default_value_t = Format::Json)]
    format: Format,
    /// Instead of the incidents, say for every trigger why it did or did not become one
    #[arg(long)]
    explain: bool,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Json,
    Table,
}

impl Cmd {
    pub fn run(self) -> anyhow::Result<ExitCode> {
        let bytes = crate::cmd::read_page_file(&self.file)?;
        let page = RawPage::new(bytes, self.url.clone());
        let (mut article, _diagnostics) = read::read(&page);
        if let Some(date) = self.published {
            article.published = Some(date);
            article.published_from = Some(DateSource::Cli);
        }
        if self.explain {
            let (claims, decisions) = extract::explain(&article);
            for (sentence, decision) in &decisions {
                let mark = if decision.accepted { "+" } else { "-" };
                println!(
                    "{mark} {} \"{}\": {}\n    {sentence}",
                    decision.kind, decision.trigger, decision.reason
                );
            }
            println!("{} incident(s) after merging repeated reports", claims.len());
            return Ok(ExitCode::SUCCESS);
        }
        let (claims, _diagnostics) = extract::extract(&article);
        match self.format {
            Format::Json => {
                let path = self.file.display().to_string();
                let out = ExtractJson {
                    schema: SCHEMA,
                    source: SourceJson { path: &path, url: self.url.as_deref(), blake3: page.hash.to_hex() },
                    article: ArticleJson::new(&article),
                    incidents: claims.iter().map(ClaimJson::new).collect(),
                };
                let json = serde_json::to_string_pretty(&out).context("cannot encode JSON")?;
                println!("{json}");
            }
            Format::Table => {
                println!("title:     {}", article.title.as_deref().unwrap_or("-"));
                println!("author:    {}", article.author.as_deref().unwrap_or("-"));
                println!(
                    "published: {}",
                    article.published.map(|d| d.to_string()).unwrap_or_else(|| "-".into())
                );
                for claim in &claims {
                    let row = ClaimJson::new(claim);
                    println!(
                        "{:<13} {:<23} {:<16} {} -> {}  {}  {}",
                        row.kind,
                        format!(
                            "{}..{}",
                            row.date.start.as_deref().unwrap_or("?"),
                            row.date.end.as_deref().unwrap_or("?")
                        ),
                        if row.count.text.is_empty() { "?" } else { row.count.text },
                        row.perpetrator.as_deref().unwrap_or("?"),
                        row.destination.as_deref().unwrap_or("?"),
                        row.nationality.as_deref().unwrap_or("?"),
                        if claim.aggregate { "(aggregate)" } else { "" },
                    );
                }
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}
