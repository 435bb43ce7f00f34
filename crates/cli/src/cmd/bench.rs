//! `refwatch bench read|extract DIR`: one pipeline stage measured on one core over the pages
//! of a folder. Speed targets live here, never in tests.
//!
//! `bench read` recognises the two shared extraction benchmarks by their layout and then also
//! scores what the reader keeps against their gold files (see `score`):
//! - Scrapinghub: `ground-truth.json` (id → `articleBody`, `url`) and `html/<id>.html.gz`;
//! - WCXB: `ground-truth/<id>.json` (`ground_truth.main_content`, `title`, `author`,
//!   `publish_date`) and `html/<id>.html.gz` (a folder holding `dev/` is read as its dev split).
//!
//! Any other folder is a speed run over its `.txt`, `.html`, `.htm` (and `.gz`) files.
//! Benchmark pages are loaded one at a time so the peak memory is the reader's, not the set's.

mod score;
mod shapes;
mod web;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::NaiveDate;
use domain::RawPage;
use serde_json::Value;

/// Measure a pipeline stage on one core (pages per second, peak memory)
#[derive(Debug, clap::Args)]
pub struct Cmd {
    #[command(subcommand)]
    stage: Stage,
}

#[derive(Debug, clap::Subcommand)]
enum Stage {
    /// Page bytes → article (the reader alone); on a benchmark folder also its scores
    Read(ReadOptions),
    /// Article → claims (the extractor alone; articles are read first, untimed)
    Extract(Options),
    /// The web app under load on loopback with many incidents (p50/p95 latency)
    Web(web::Options),
    /// The reader on pages built to be hard (deep nesting, huge flat pages) at growing sizes
    Shapes(shapes::Options),
}

#[derive(Debug, clap::Args)]
struct Options {
    /// Folder of pages (.txt, .html, .htm, and .gz of those), read recursively
    dir: PathBuf,
    /// How many times to run over the pages
    #[arg(long, default_value_t = 20)]
    repeat: usize,
}

#[derive(Debug, clap::Args)]
struct ReadOptions {
    /// Folder of pages, or a benchmark folder (Scrapinghub or WCXB layout)
    dir: PathBuf,
    /// How many times to read each page [default: 20 for a folder, 1 for a benchmark]
    #[arg(long)]
    repeat: Option<usize>,
    /// Print the N pages with the lowest main-text F1 (benchmark folders)
    #[arg(long, value_name = "N", default_value_t = 0)]
    worst: usize,
    /// Print every title, author and date that does not match its gold value
    #[arg(long)]
    misses: bool,
    /// Write the text kept for each benchmark page to DIR/<id>.txt, and its title, author and
    /// date to DIR/<id>.meta
    #[arg(long, value_name = "DIR")]
    dump: Option<PathBuf>,
    /// Also parse each page with html5ever and report the pages where the reader's fast
    /// parser declined or built a different tree
    #[arg(long)]
    check_parse: bool,
    /// Score these extractions instead of running the reader: a JSON object mapping each
    /// page id to {"text", "title", "author", "date", "seconds"} (e.g. another extractor's)
    #[arg(long, value_name = "FILE")]
    predictions: Option<PathBuf>,
}

impl Cmd {
    pub fn run(self) -> anyhow::Result<ExitCode> {
        match self.stage {
            Stage::Web(options) => web::run(options)?,
            Stage::Shapes(options) => shapes::run(options)?,
            Stage::Read(options) => match Dataset::detect(&options.dir) {
                Some(dataset) => bench_dataset(&dataset, &options)?,
                None => {
                    let repeat = options.repeat.unwrap_or(20);
                    let pages = load(&options.dir)?;
                    // Warm up the lazily built tables outside the timed loop.
                    let _ = read::read(&pages[0]);
                    let started = Instant::now();
                    let mut bytes = 0usize;
                    for _ in 0..repeat {
                        for page in &pages {
                            let (article, _) = read::read(page);
                            bytes += article.text.len();
                        }
                    }
                    report("read", pages.len() * repeat, started.elapsed(), bytes);
                }
            },
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
                report("extract", articles.len() * options.repeat, started.elapsed(), claims);
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}

/// A benchmark folder: which layout, and where its gold files are.
#[derive(Debug)]
struct Dataset {
    name: &'static str,
    dir: PathBuf,
}

/// One page's gold values. Only WCXB has metadata.
#[derive(Debug)]
struct Gold {
    id: String,
    url: Option<String>,
    body: String,
    title: Option<String>,
    author: Option<String>,
    date: Option<String>,
}

/// What an extractor kept from one page.
#[derive(Debug, Default)]
struct Extraction {
    text: String,
    title: Option<String>,
    author: Option<String>,
    date: Option<NaiveDate>,
}

impl Dataset {
    fn detect(dir: &Path) -> Option<Dataset> {
        if dir.join("ground-truth.json").is_file() && dir.join("html").is_dir() {
            return Some(Dataset { name: "scrapinghub", dir: dir.to_path_buf() });
        }
        for dir in [dir.to_path_buf(), dir.join("dev")] {
            if dir.join("ground-truth").is_dir() && dir.join("html").is_dir() {
                return Some(Dataset { name: "wcxb", dir });
            }
        }
        None
    }

    fn gold(&self) -> anyhow::Result<Vec<Gold>> {
        let mut gold = if self.name == "scrapinghub" { self.scrapinghub_gold()? } else { self.wcxb_gold()? };
        gold.sort_by(|a, b| a.id.cmp(&b.id));
        anyhow::ensure!(!gold.is_empty(), "no gold pages in {}", self.dir.display());
        Ok(gold)
    }

    fn scrapinghub_gold(&self) -> anyhow::Result<Vec<Gold>> {
        let path = self.dir.join("ground-truth.json");
        let json = read_json(&path)?;
        let map = json.as_object().with_context(|| format!("{} is not a JSON object", path.display()))?;
        Ok(map
            .iter()
            .map(|(id, entry)| Gold {
                id: id.clone(),
                url: string(entry, "url"),
                body: string(entry, "articleBody").unwrap_or_default(),
                title: None,
                author: None,
                date: None,
            })
            .collect())
    }

    fn wcxb_gold(&self) -> anyhow::Result<Vec<Gold>> {
        let folder = self.dir.join("ground-truth");
        let mut gold = Vec::new();
        for entry in
            std::fs::read_dir(&folder).with_context(|| format!("cannot list {}", folder.display()))?
        {
            let path = entry.with_context(|| format!("cannot list {}", folder.display()))?.path();
            if path.extension().is_none_or(|ext| ext != "json") {
                continue;
            }
            let json = read_json(&path)?;
            let truth = &json["ground_truth"];
            let id = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            gold.push(Gold {
                id,
                url: string(&json, "url"),
                body: string(truth, "main_content").unwrap_or_default(),
                title: string(truth, "title"),
                author: string(truth, "author"),
                date: string(truth, "publish_date"),
            });
        }
        Ok(gold)
    }

    fn page(&self, id: &str) -> PathBuf {
        let html = self.dir.join("html");
        let gz = html.join(format!("{id}.html.gz"));
        if gz.is_file() { gz } else { html.join(format!("{id}.html")) }
    }
}

fn read_json(path: &Path) -> anyhow::Result<Value> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("cannot parse {}", path.display()))
}

/// A non-empty string field.
fn string(value: &Value, key: &str) -> Option<String> {
    value.get(key)?.as_str().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

fn bench_dataset(dataset: &Dataset, options: &ReadOptions) -> anyhow::Result<()> {
    let gold = dataset.gold()?;
    let predictions = match &options.predictions {
        Some(path) => Some(read_json(path)?),
        None => None,
    };
    if let Some(dir) = &options.dump {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let repeat = options.repeat.unwrap_or(1).max(1);
    let mut elapsed = Duration::ZERO;
    let mut reads = 0usize;
    let mut pages = Vec::new();
    let mut bag_of_words = Vec::new();
    let mut worst = Vec::new();
    let mut metadata = Metadata::default();
    let (mut fast_parsed, mut parse_differs) = (0usize, Vec::new());
    let mut declined: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for (i, gold) in gold.iter().enumerate() {
        let extraction = match &predictions {
            Some(json) => {
                let entry = &json[gold.id.as_str()];
                if let Some(seconds) = entry.get("seconds").and_then(Value::as_f64) {
                    elapsed += Duration::from_secs_f64(seconds.max(0.0));
                    reads += 1;
                }
                predicted(entry)
            }
            None => {
                let bytes = crate::cmd::read_page_file(&dataset.page(&gold.id))?;
                let page = RawPage::new(bytes, gold.url.clone());
                if options.check_parse {
                    match read::check_parse(&page) {
                        read::ParseCheck::Same => fast_parsed += 1,
                        read::ParseCheck::Differs => parse_differs.push(gold.id.as_str()),
                        read::ParseCheck::Declined(why) => *declined.entry(why).or_default() += 1,
                        read::ParseCheck::NotHtml => {}
                    }
                }
                if i == 0 {
                    // Warm up the lazily built tables outside the timed loop.
                    let _ = read::read(&page);
                }
                let started = Instant::now();
                let (article, _) = read::read(&page);
                for _ in 1..repeat {
                    std::hint::black_box(read::read(&page));
                }
                elapsed += started.elapsed();
                reads += repeat;
                Extraction {
                    text: article.text,
                    title: article.title,
                    author: article.author,
                    date: article.published,
                }
            }
        };
        if let Some(dir) = &options.dump {
            let path = dir.join(format!("{}.txt", gold.id));
            std::fs::write(&path, &extraction.text)
                .with_context(|| format!("cannot write {}", path.display()))?;
            // Title, author and date beside the text, so that a diff of two dumps sees them too.
            let meta = format!(
                "title: {}\nauthor: {}\ndate: {}\n",
                extraction.title.as_deref().unwrap_or(""),
                extraction.author.as_deref().unwrap_or(""),
                extraction.date.map(|d| d.to_string()).unwrap_or_default()
            );
            let path = dir.join(format!("{}.meta", gold.id));
            std::fs::write(&path, meta).with_context(|| format!("cannot write {}", path.display()))?;
        }
        let matches = score::shingle_matches(&gold.body, &extraction.text, score::SHINGLE);
        pages.push((matches, score::exact_words(&gold.body, &extraction.text)));
        bag_of_words.push(score::bag_of_words_f1(&gold.body, &extraction.text));
        let (p, r) = (score::precision(matches), score::recall(matches));
        worst.push((if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 }, p, r, gold.id.as_str()));
        metadata.add(gold, &extraction, options.misses);
    }

    let body = score::body_scores(&pages);
    println!("dataset: {} ({}), {} pages", dataset.name, dataset.dir.display(), body.pages);
    println!(
        "body (4-word shingles, averaged over pages): F1 {:.3}  precision {:.3}  recall {:.3}  accuracy {:.3}",
        body.f1, body.precision, body.recall, body.accuracy
    );
    println!("body (bag of words, WCXB's figure): F1 {:.3}", score::mean(&bag_of_words));
    if metadata.any() {
        println!("{}", metadata.summary());
    }
    worst.sort_by(|a, b| a.0.total_cmp(&b.0));
    for (f1, p, r, id) in worst.iter().take(options.worst) {
        println!("worst: {id}  F1 {f1:.3}  precision {p:.3}  recall {r:.3}");
    }
    if options.check_parse {
        println!(
            "parse: fast path on {} of {} pages; {} built another tree than html5ever {:?}",
            fast_parsed + parse_differs.len(),
            pages.len(),
            parse_differs.len(),
            parse_differs
        );
        let mut reasons: Vec<_> = declined.into_iter().collect();
        reasons.sort_by_key(|r| std::cmp::Reverse(r.1));
        let reasons: Vec<String> = reasons.iter().map(|(why, n)| format!("{why} {n}")).collect();
        println!("parse: left to html5ever: {}", reasons.join(", "));
    }
    if predictions.is_none() || reads > 0 {
        report("read", reads, elapsed, pages.len());
    }
    Ok(())
}

/// Reads one entry of a predictions file.
fn predicted(entry: &Value) -> Extraction {
    Extraction {
        text: string(entry, "text").unwrap_or_default(),
        title: string(entry, "title"),
        author: string(entry, "author"),
        date: string(entry, "date")
            .and_then(|d| NaiveDate::parse_from_str(d.get(..10).unwrap_or(&d), "%Y-%m-%d").ok()),
    }
}

/// Exact-match counts for title, author and date over the pages that have gold values.
#[derive(Debug, Default)]
struct Metadata {
    title: (usize, usize),
    author: (usize, usize),
    date: (usize, usize),
}

impl Metadata {
    fn add(&mut self, gold: &Gold, extraction: &Extraction, print_misses: bool) {
        let tally = |field: &str,
                     counts: &mut (usize, usize),
                     gold_value: &Option<String>,
                     ours: Option<String>,
                     hit: bool| {
            if gold_value.is_none() {
                return;
            }
            counts.1 += 1;
            if hit {
                counts.0 += 1;
            } else if print_misses {
                println!(
                    "miss {field} {}: gold {:?}, read {:?}",
                    gold.id,
                    gold_value.as_deref().unwrap_or(""),
                    ours.unwrap_or_default()
                );
            }
        };
        if let Some(title) = &gold.title {
            let hit = score::same_words(title, extraction.title.as_deref());
            tally("title", &mut self.title, &gold.title, extraction.title.clone(), hit);
        }
        if let Some(author) = &gold.author {
            let hit = score::same_authors(author, extraction.author.as_deref());
            tally("author", &mut self.author, &gold.author, extraction.author.clone(), hit);
        }
        if let Some(date) = &gold.date {
            let hit = score::same_date(date, extraction.date);
            tally("date", &mut self.date, &gold.date, extraction.date.map(|d| d.to_string()), hit);
        }
    }

    fn any(&self) -> bool {
        self.title.1 + self.author.1 + self.date.1 > 0
    }

    fn summary(&self) -> String {
        let part = |name: &str, (hits, n): (usize, usize)| {
            format!("{name} {:.3} ({hits} of {n})", if n == 0 { 0.0 } else { hits as f64 / n as f64 })
        };
        format!(
            "metadata (exact match where gold exists): {}  {}  {}",
            part("title", self.title),
            part("author", self.author),
            part("date", self.date)
        )
    }
}

fn report(stage: &str, n: usize, elapsed: Duration, checksum: usize) {
    let seconds = elapsed.as_secs_f64();
    let build = if cfg!(debug_assertions) { "debug" } else { "release" };
    println!(
        "{stage}: {n} pages in {seconds:.3} s = {:.0} pages/s on one core ({build} build); peak memory {}; checksum {checksum}",
        n as f64 / seconds.max(1e-9),
        peak_memory().unwrap_or_else(|| "unknown".into()),
    );
}

/// Peak resident memory of this process (Linux), e.g. "38 MB".
fn peak_memory() -> Option<String> {
    peak_mb().map(|mb| format!("{mb} MB"))
}

/// Peak resident memory of this process in megabytes (Linux), since it started or since the
/// peak was last reset.
fn peak_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
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
