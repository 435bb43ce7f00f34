//! `refwatch bench shapes`: the reader on pages built to be hard (nesting thousands deep,
//! formatting elements left open, huge flat pages) at growing sizes. Each size is four times
//! the last: a reader whose cost grows with the page takes about four times as long, one whose
//! cost grows faster shows it in the last column.

use std::fmt::Write as _;
use std::time::Instant;

use domain::RawPage;

/// Options of `bench shapes`.
#[derive(Debug, clap::Args)]
pub struct Options {
    /// Size of the smallest page of each shape, in megabytes
    #[arg(long, default_value_t = 0.5)]
    mb: f64,
    /// Sizes per shape, each four times the last
    #[arg(long, default_value_t = 3)]
    steps: u32,
}

/// A page shape: its name, and the page of about `bytes` bytes.
struct Shape {
    name: &'static str,
    build: fn(usize) -> String,
}

/// Repeats `unit(i)` after `head` until the page holds `bytes` bytes, then closes it with
/// `tail(count)`.
fn repeat(
    bytes: usize,
    head: &str,
    unit: impl Fn(usize) -> String,
    tail: impl Fn(usize) -> String,
) -> String {
    let mut page = String::with_capacity(bytes + 1024);
    page.push_str("<!doctype html><html><head><title>A hard page</title></head><body>");
    page.push_str(head);
    let mut count = 0;
    while page.len() < bytes {
        page.push_str(&unit(count));
        count += 1;
    }
    page.push_str(&tail(count));
    page.push_str("</body></html>");
    page
}

const SHAPES: &[Shape] = &[
    Shape {
        name: "article, flat",
        build: |n| {
            repeat(
                n,
                "<article><h1>A long report</h1>",
                |i| match i % 10 {
                    9 => {
                        "<ul><li><a href=/a>One link</a></li><li><a href=/b>Another link</a></li></ul>".into()
                    }
                    _ => format!(
                        "<p>Paragraph {i} says that the committee met on Tuesday, and agreed on rules.</p>"
                    ),
                },
                |_| "</article>".into(),
            )
        },
    },
    Shape {
        name: "tags, dense",
        build: |n| repeat(n, "<article>", |_| "<i>x</i> ".into(), |_| String::new()),
    },
    Shape {
        name: "divs left open",
        build: |n| repeat(n, "", |i| format!("<div>word{i} "), |_| String::new()),
    },
    Shape {
        name: "divs nested, closed",
        build: |n| {
            // The end tags make up 6 of every 40 bytes.
            let page =
                repeat(n / 40 * 34, "", |_| "<div><p>A paragraph, with words.</p>".into(), |_| String::new());
            let opened = page.matches("<div>").count();
            page + &"</div>".repeat(opened)
        },
    },
    Shape {
        name: "inline left open",
        build: |n| {
            repeat(n, "", |_| "<div><span><b>".into(), |_| "The one sentence, at the very bottom.".into())
        },
    },
    Shape {
        name: "sections left open",
        build: |n| {
            repeat(n, "", |_| "<section><h2>Part</h2><p>Prose, with commas.".into(), |_| String::new())
        },
    },
    Shape {
        name: "lists left open",
        build: |n| repeat(n, "", |_| "<ul><li>item ".into(), |_| String::new()),
    },
    Shape { name: "font left open", build: |n| repeat(n, "", |_| "<font>row ".into(), |_| String::new()) },
    Shape {
        name: "tables in cells",
        build: |n| repeat(n, "", |_| "<table><tr><td>cell ".into(), |_| String::new()),
    },
    Shape {
        name: "formatting copied",
        build: |n| {
            let open: String =
                "<p>".to_owned() + &(0..200).map(|i| format!("<b class=c{i}>")).collect::<String>();
            repeat(n, &open, |_| "<p>para".into(), |_| String::new())
        },
    },
];

pub fn run(options: Options) -> anyhow::Result<()> {
    anyhow::ensure!(options.mb > 0.0 && options.steps > 0, "--mb and --steps must be positive");
    // Warm up the lazily built tables outside the timed reads.
    let _ = read::read(&RawPage::new(b"<p>warm up</p>".to_vec(), None));
    println!("{:<22} {:>8} {:>9} {:>8} {:>9} {:>7}", "shape", "MB", "seconds", "MB/s", "peak MB", "growth");
    for shape in SHAPES {
        let mut last: Option<f64> = None;
        for step in 0..options.steps {
            let bytes = (options.mb * 1e6 * 4f64.powi(step as i32)) as usize;
            let page = RawPage::new((shape.build)(bytes).into_bytes(), None);
            let size = page.bytes.len() as f64 / 1e6;
            reset_peak_memory();
            let started = Instant::now();
            let (article, _) = read::read(&page);
            let seconds = started.elapsed().as_secs_f64();
            drop(page);
            let mut line = format!(
                "{:<22} {size:>8.1} {seconds:>9.3} {:>8.1} {:>9}",
                shape.name,
                size / seconds.max(1e-9),
                super::peak_mb().map_or_else(|| "-".into(), |mb| mb.to_string()),
            );
            if let Some(before) = last {
                let _ = write!(line, " {:>6.1}×", seconds / before.max(1e-9));
            }
            println!("{line}");
            anyhow::ensure!(!article.text.is_empty(), "the reader kept no text of the {} page", shape.name);
            last = Some(seconds);
        }
    }
    println!("growth: time over the time of the last size (4× the bytes); about 4× is linear");
    Ok(())
}

/// Starts the peak resident memory afresh (Linux: `/proc/self/clear_refs`), so that each page's
/// peak is its own.
fn reset_peak_memory() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}
