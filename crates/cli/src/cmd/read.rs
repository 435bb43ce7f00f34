//! `refwatch read FILE…`: what the reader keeps from each page (title, author, publication
//! date, language, main text and the labelled removed blocks), for people who want refwatch's
//! reader alone. Touches no database and runs no extraction.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use domain::RawPage;
use serde::Serialize;

use crate::extract_json::{ArticleJson, SourceJson};

pub const SCHEMA: &str = "refwatch.read/1";

/// Print the article the reader keeps from each page (JSON: the article part of `extract`)
#[derive(Debug, clap::Args)]
pub struct Cmd {
    /// Pages: HTML or plain text (detected by content); .gz is decompressed
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// The page's address (used for dates in URL paths); only with one file
    #[arg(long)]
    url: Option<String>,
    /// text: headers and the main text; json: one object per page (pretty for one page,
    /// one line per page for several)
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// In text format, also print the removed blocks with their kind
    #[arg(long)]
    removed: bool,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Debug, Serialize)]
struct ReadJson<'a> {
    schema: &'static str,
    source: SourceJson<'a>,
    article: ArticleJson<'a>,
}

impl Cmd {
    pub fn run(self) -> anyhow::Result<ExitCode> {
        anyhow::ensure!(self.url.is_none() || self.files.len() == 1, "--url needs exactly one file");
        for (i, file) in self.files.iter().enumerate() {
            let bytes = crate::cmd::read_page_file(file)?;
            let page = RawPage::new(bytes, self.url.clone());
            let (article, diagnostics) = read::read(&page);
            for diagnostic in &diagnostics {
                eprintln!("{}: {}: {}", file.display(), diagnostic.severity.as_str(), diagnostic.message);
            }
            match self.format {
                Format::Json => {
                    let path = file.display().to_string();
                    let out = ReadJson {
                        schema: SCHEMA,
                        source: SourceJson {
                            path: &path,
                            url: self.url.as_deref(),
                            blake3: page.hash.to_hex(),
                        },
                        article: ArticleJson::new(&article),
                    };
                    let json = if self.files.len() == 1 {
                        serde_json::to_string_pretty(&out)
                    } else {
                        serde_json::to_string(&out)
                    };
                    println!("{}", json.context("cannot encode JSON")?);
                }
                Format::Text => {
                    if i > 0 {
                        println!();
                    }
                    let or_dash = |v: Option<&str>| v.unwrap_or("-").to_owned();
                    println!("== {}", file.display());
                    println!("title:     {}", or_dash(article.title.as_deref()));
                    println!("author:    {}", or_dash(article.author.as_deref()));
                    let published = article.published.map(|d| d.format("%Y-%m-%d").to_string());
                    let from =
                        article.published_from.map(|s| format!(" ({})", s.as_str())).unwrap_or_default();
                    println!("published: {}{from}", or_dash(published.as_deref()));
                    println!("language:  {}", or_dash(article.language.as_deref()));
                    println!();
                    println!("{}", article.text);
                    if self.removed {
                        for block in &article.removed {
                            println!();
                            println!("-- removed: {}", block.kind.as_str());
                            println!("{}", block.text);
                        }
                    }
                }
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}
