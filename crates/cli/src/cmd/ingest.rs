//! `refwatch ingest PATH…`: files and folders into the database, with a progress bar on a
//! terminal and a summary at the end. Exits non-zero when any file failed. In a database with a
//! key every text is sealed, and ingest without the key fails; without a key it warns.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use service::{FileOutcome, IngestContext, IngestOptions, IngestSummary};

use crate::db::Ctx;

/// Store pages from files and folders (.txt, .html, .htm, and .gz of those; folders recursively)
#[derive(Debug, clap::Args)]
pub struct Cmd {
    /// Files or folders to ingest
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Worker threads for reading and extraction (0: one per core)
    #[arg(long, default_value_t = 0)]
    threads: usize,
}

impl Cmd {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<ExitCode> {
        let path = ctx.db_path();
        let mut store = crate::db::open(&path)?;
        // With a key configured, names found by `extract` are kept in sealed case files.
        let key = crate::cmd::keys::unlock(ctx, &store, crate::cmd::keys::Prompt::Never)?;
        if !service::text::is_sealed(&store)? {
            eprintln!(
                "warning: this database has no key, so page texts are stored in plain text (run `refwatch keys init` to seal them)"
            );
        }
        let options = IngestOptions { threads: self.threads, ..IngestOptions::default() };
        let context = IngestContext { actor: &ctx.actor, key: key.as_ref() };
        let progress = Bar::new(std::io::stderr().is_terminal());
        let summary = service::ingest_with(&mut store, &self.paths, &options, &context, &progress)
            .with_context(|| format!("ingest into {} stopped", crate::db::describe(&path)))?;
        Ok(report(&summary))
    }
}

/// Runs the ingest use case as `actor` (no key) with a progress bar when stderr is a terminal.
pub fn ingest(
    store: &mut crate::db::Db,
    paths: &[PathBuf],
    options: &IngestOptions,
    actor: &str,
) -> anyhow::Result<IngestSummary> {
    let progress = Bar::new(std::io::stderr().is_terminal());
    let context = service::IngestContext { actor, key: None };
    Ok(service::ingest_with(store, paths, options, &context, &progress)?)
}

/// Prints the summary (stdout) and each failure (stderr); the exit code says whether all files
/// went in.
pub fn report(summary: &IngestSummary) -> ExitCode {
    println!(
        "read {}, new {}, unchanged {}, failed {}, claims {}",
        summary.read,
        summary.new,
        summary.unchanged,
        summary.failed.len(),
        summary.claims
    );
    if summary.persons_sealed > 0 {
        println!("names of persons kept in sealed case files: {}", summary.persons_sealed);
    }
    if summary.names_dropped > 0 {
        println!(
            "names of persons not kept (no key: set REFWATCH_PASSPHRASE or --key-file): {}",
            summary.names_dropped
        );
    }
    for failure in &summary.failed {
        eprintln!("failed: {}: {}", failure.path.display(), failure.reason);
    }
    if summary.failed.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

/// An indicatif bar on stderr, or nothing when stderr is not a terminal.
struct Bar {
    bar: ProgressBar,
}

impl Bar {
    fn new(visible: bool) -> Bar {
        let bar = if visible { ProgressBar::new(0) } else { ProgressBar::hidden() };
        if let Ok(style) = ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} ({per_sec}, eta {eta})",
        ) {
            bar.set_style(style);
        }
        Bar { bar }
    }
}

impl service::Progress for Bar {
    fn start(&self, total: usize) {
        self.bar.set_length(total as u64);
    }

    fn file_done(&self, _path: &Path, _outcome: &FileOutcome) {
        self.bar.inc(1);
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
