//! Times the reader, and the HTML parse alone, over the `.html` files of a folder (for
//! profiling under callgrind or perf; benchmark figures come from `refwatch bench read`).
//!
//! Usage: `cargo run --release -p read --example profile -- DIR [ROUNDS] [parse|read]`

use domain::RawPage;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = args.first().map_or(".", String::as_str);
    let rounds: usize = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(1);
    let mode = args.get(2).map_or("read", String::as_str);
    let mut pages = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "html" || e == "htm") {
            pages.push(std::fs::read(&path).unwrap_or_default());
        }
    }
    let bytes: usize = pages.iter().map(Vec::len).sum();
    let start = std::time::Instant::now();
    for _ in 0..rounds {
        for page in &pages {
            if mode == "parse" {
                let text = String::from_utf8_lossy(page);
                std::hint::black_box(scraper::Html::parse_document(&text));
            } else {
                std::hint::black_box(read::read(&RawPage::new(page.clone(), None)));
            }
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    let n = (pages.len() * rounds) as f64;
    println!(
        "{mode}: {} pages, {:.0} pages/s, {:.1} MB/s",
        pages.len(),
        n / seconds,
        bytes as f64 * rounds as f64 / seconds / 1e6
    );
}
