//! Checks `read` against a corpus of pages with gold JSON files (`<slug>.json` next to
//! `<slug>.txt` or `<slug>.html`): title, author, date, where the body starts and ends,
//! boilerplate removed, and incident evidence present in the text.
//!
//! Usage: `cargo run -p read --example dev_check -- DIR [--verbose]`

use std::path::Path;

use domain::RawPage;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = args.iter().find(|a| !a.starts_with("--")).map_or("../shared/corpus/dev", String::as_str);
    let verbose = args.iter().any(|a| a == "--verbose");
    if let Some(n) = args.iter().find_map(|a| a.strip_prefix("--speed=")) {
        speed(dir, n.parse().unwrap_or(100));
        return;
    }
    let mut entries: Vec<_> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(Result::ok).map(|e| e.path()).collect(),
        Err(err) => {
            eprintln!("cannot read {dir}: {err}");
            std::process::exit(2);
        }
    };
    entries.sort();
    let (mut pages, mut failures) = (0, 0);
    for path in entries {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if ext != "txt" && ext != "html" {
            continue;
        }
        let gold_path = path.with_extension("json");
        let Ok(gold) = std::fs::read_to_string(&gold_path) else { continue };
        let Ok(gold) = serde_json::from_str::<serde_json::Value>(&gold) else { continue };
        pages += 1;
        let problems = check(&path, &gold, verbose);
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("?");
        if problems.is_empty() {
            println!("ok   {name}");
        } else {
            failures += 1;
            println!("FAIL {name}");
            for p in problems {
                println!("     {p}");
            }
        }
    }
    println!("{} of {pages} pages fully right", pages - failures);
}

/// Reads every page `rounds` times and prints pages per second for text and HTML.
fn speed(dir: &str, rounds: usize) {
    let mut pages: Vec<(bool, RawPage)> = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_owned();
        if ext == "txt" || ext == "html" {
            pages.push((ext == "html", RawPage::new(std::fs::read(&path).unwrap_or_default(), None)));
        }
    }
    let only = std::env::var("READ_SPEED_ONLY").ok();
    for html in [false, true] {
        if only.as_deref().is_some_and(|o| o != if html { "html" } else { "text" }) {
            continue;
        }
        let set: Vec<&RawPage> = pages.iter().filter(|(h, _)| *h == html).map(|(_, p)| p).collect();
        let start = std::time::Instant::now();
        for _ in 0..rounds {
            for page in &set {
                std::hint::black_box(read::read(page));
            }
        }
        let n = (set.len() * rounds) as f64;
        let kind = if html { "html" } else { "text" };
        println!("{kind}: {:.0} pages/s", n / start.elapsed().as_secs_f64());
        if !html && std::env::var("READ_SPEED_LANG").is_ok() {
            let texts: Vec<String> = set.iter().map(|p| read::read(p).0.text).collect();
            let start = std::time::Instant::now();
            for _ in 0..rounds {
                for t in &texts {
                    std::hint::black_box(whatlang::detect(t));
                }
            }
            println!("  whatlang alone: {:.0} texts/s", n / start.elapsed().as_secs_f64());
        }
    }
}

fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn check(path: &Path, gold: &serde_json::Value, verbose: bool) -> Vec<String> {
    let bytes = std::fs::read(path).unwrap_or_default();
    let url = gold["url"].as_str().map(str::to_owned);
    let (article, diagnostics) = read::read(&RawPage::new(bytes, url));
    let mut problems = Vec::new();
    let s = |v: &serde_json::Value| v.as_str().map(str::to_owned);
    if article.title != s(&gold["title"]) {
        problems.push(format!("title {:?} want {:?}", article.title, s(&gold["title"])));
    }
    if article.author != s(&gold["author"]) {
        problems.push(format!("author {:?} want {:?}", article.author, s(&gold["author"])));
    }
    let published = article.published.map(|d| d.to_string());
    if published != s(&gold["published"]) {
        problems.push(format!(
            "published {published:?} ({:?}) want {:?}",
            article.published_from,
            s(&gold["published"])
        ));
    }
    let text = norm(&article.text);
    let first = norm(gold["body_first_words"].as_str().unwrap_or(""));
    let last = norm(gold["body_last_words"].as_str().unwrap_or(""));
    if !text.starts_with(&first) {
        problems.push(format!("body starts {:?}", text.chars().take(90).collect::<String>()));
    }
    if !text.ends_with(&last) {
        let tail: String = text.chars().rev().take(90).collect::<Vec<_>>().into_iter().rev().collect();
        problems.push(format!("body ends {tail:?}"));
    }
    let removed: Vec<String> = article.removed.iter().map(|r| norm(&r.text)).collect();
    for b in gold["boilerplate"].as_array().into_iter().flatten().filter_map(|b| b.as_str()) {
        let b = norm(b);
        if text.contains(&b) {
            problems.push(format!("boilerplate in text: {b:?}"));
        } else if !removed.iter().any(|r| r.contains(&b)) && article.title.as_deref() != Some(b.as_str()) {
            problems.push(format!("boilerplate not in removed: {b:?}"));
        }
    }
    for incident in gold["incidents"].as_array().into_iter().flatten() {
        let evidence = match &incident["evidence"] {
            serde_json::Value::Array(items) => items.clone(),
            other => vec![other.clone()],
        };
        for e in evidence {
            let e = e.as_str().map(str::to_owned).or_else(|| e["text"].as_str().map(str::to_owned));
            if let Some(e) = e
                && !article.text.contains(&e)
            {
                problems.push(format!("evidence missing: {:?}", e.chars().take(70).collect::<String>()));
            }
        }
    }
    if verbose {
        println!("---- {}", path.display());
        println!(
            "title={:?} author={:?} published={published:?} from={:?} lang={:?}",
            article.title, article.author, article.published_from, article.language
        );
        println!("{}", article.text);
        for r in &article.removed {
            println!("  [{}] {:?}", r.kind, r.text.chars().take(100).collect::<String>());
        }
        for d in &diagnostics {
            println!("  diag {:?}: {}", d.severity, d.message);
        }
    }
    problems
}
