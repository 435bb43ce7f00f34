//! `refwatch bench read|extract DIR`: throughput of one pipeline stage on one core, over the
//! pages of a folder (repeated to get a stable figure). Speed targets live here, never in tests.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use domain::RawPage;

/// Measure a pipeline stage on one core (pages per second, peak memory)
#[derive(Debug, clap::Args)]
pub struct Cmd {
    #[command(subcommand)]
    stage: Stage,
}

#[derive(Debug, clap::Subcommand)]
enum Stage {
    /// Page bytes → article (the reader alone)
    Read(Options),
    /// Article → claims (the extractor alone; articles are read first, untimed)
    Extract(Options),
}

#[derive(Debug, clap::Args)]
struct Options {
    /// Folder of pages (.txt, .html, .htm, and .gz of those), read recursively
    dir: PathBuf,
    /// How many times to run over the pages
    #[arg(long, default_value_t = 20)]
    repeat: usize,
}

impl Cmd {
    pub fn run(self) -> anyhow::Result<ExitCode> {
        match self.stage {
            Stage::Read(options) => {
                let pages = load(&options.dir)?;
                // Warm up the lazily built tables outside the timed loop.
                let _ = read::read(&pages[0]);
                let started = Instant::now();
                let mut bytes = 0usize;
                for _ in 0..options.repeat {
                    for page in &pages {
                        let (article, _) = read::read(page);
                        bytes += article.text.len();
                    }
                }
                report("read", pages.len() * options.repeat, started, bytes);
            }
            Stage::Extract(options) => {
                let pages = load(&options.dir)?;
                let articles: Vec<_> = pages.iter().map(|p| read::read(p).0).collect();
                let _ = extract::extract(&articles[0]);
                let started = Instant::now();
                let mut claims = 0usize;
                for _ in 0..options.repeat {
                    for article in &articles {
                        claims += extract::extract(article).0.len();
                    }
                }
                report("extract", articles.len() * options.repeat, started, claims);
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}

fn report(stage: &str, n: usize, started: Instant, checksum: usize) {
    let seconds = started.elapsed().as_secs_f64();
    let build = if cfg!(debug_assertions) { "debug" } else { "release" };
    println!(
        "{stage}: {n} pages in {seconds:.3} s = {:.0} pages/s on one core ({build} build); peak memory {}; checksum {checksum}",
        n as f64 / seconds.max(1e-9),
        peak_memory().unwrap_or_else(|| "unknown".into()),
    );
}

/// Peak resident memory of this process (Linux), e.g. "38 MB".
fn peak_memory() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(format!("{} MB", kb / 1024))
}

fn load(dir: &Path) -> anyhow::Result<Vec<RawPage>> {
    let mut files = Vec::new();
    collect(dir, &mut files).with_context(|| format!("cannot list {}", dir.display()))?;
    files.sort();
    let mut pages = Vec::new();
    for file in files {
        let bytes = crate::cmd::read_page_file(&file)?;
        pages.push(RawPage::new(bytes, None));
    }
    anyhow::ensure!(!pages.is_empty(), "no pages (.txt, .html, .htm, .gz) in {}", dir.display());
    Ok(pages)
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
            continue;
        }
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("").to_ascii_lowercase();
        let name = name.strip_suffix(".gz").unwrap_or(&name);
        if name.ends_with(".txt") || name.ends_with(".html") || name.ends_with(".htm") {
            out.push(path);
        }
    }
    Ok(())
}
