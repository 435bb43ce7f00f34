//! `refwatch bench web`: the web app under load on loopback (issue 7 targets). Fills a temp
//! SQLite database with synthetic documents whose claims reconcile into about `--incidents`
//! incidents, serves it in-process on 127.0.0.1:0, signs in, and measures p50/p95 latency of
//! the dashboard, an incident page, a search and the full CSV export with `--concurrency`
//! clients for `--seconds` each. The client is a minimal HTTP/1.1 one (`Connection: close`).

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{Datelike, NaiveDate};
use domain::{
    Article, Claim, ClaimKind, Count, CountQualifier, CountryCode, DatePrecision, DateSpan, Evidence,
    Nationality, PartialDate, RawPage,
};
use service::open::{Backend, Location};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Measure the web app with many incidents (dashboard, incident page, search, CSV export)
#[derive(Debug, clap::Args)]
pub struct Options {
    /// Incidents to generate (claims are spread over documents, ten per document)
    #[arg(long, default_value_t = 100_000)]
    incidents: usize,
    /// Concurrent clients per scenario
    #[arg(long, default_value_t = 8)]
    concurrency: usize,
    /// Seconds per scenario
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Keep the generated database here instead of a temp folder (reused when it exists)
    #[arg(long, value_name = "FILE")]
    db: Option<std::path::PathBuf>,
}

const CLAIMS_PER_DOCUMENT: usize = 10;
const STATES: [&str; 12] = ["CN", "KP", "LB", "SY", "MY", "MM", "MX", "HN", "TR", "AF", "DE", "IQ"];
const PASSWORD: &str = "bench-password-123";

pub fn run(options: Options) -> anyhow::Result<()> {
    let dir = tempfile::tempdir().context("cannot create a temp folder")?;
    let path = options.db.clone().unwrap_or_else(|| dir.path().join("bench-web.db"));
    let fresh = !path.exists();
    let mut backend = service::open::open(&Location::File(path.clone()))
        .with_context(|| format!("cannot open {}", path.display()))?;
    if fresh {
        let started = Instant::now();
        fill(&mut backend, options.incidents)?;
        println!("filled {} in {:.1} s", path.display(), started.elapsed().as_secs_f64());
    }
    drop(backend);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("runtime")?;
    runtime.block_on(measure(&path, &options))
}

/// Documents of ten claims each; dates, states and figures vary so claims stay apart.
fn fill(backend: &mut Backend, incidents: usize) -> anyhow::Result<()> {
    let Backend::Sqlite(store) = backend else { anyhow::bail!("bench web uses SQLite") };
    service::users::create_user(store, "bench", store::Role::Admin, PASSWORD, "bench")?;
    let base = NaiveDate::from_ymd_opt(1995, 1, 1).context("date")?;
    let n_documents = incidents.div_ceil(CLAIMS_PER_DOCUMENT);
    for doc in 0..n_documents {
        let mut text = format!("Synthetic report {doc}\n\n");
        let mut claims = Vec::with_capacity(CLAIMS_PER_DOCUMENT);
        for k in 0..CLAIMS_PER_DOCUMENT {
            let i = doc * CLAIMS_PER_DOCUMENT + k;
            let date = base + chrono::Days::new(((i * 7919) % 11_000) as u64);
            let perpetrator = STATES[i % STATES.len()];
            let destination = STATES[(i / STATES.len() + 1 + i) % STATES.len()];
            let destination =
                if destination == perpetrator { STATES[(i + 5) % STATES.len()] } else { destination };
            let n = 3 + (i * 37) % 400;
            let sentence = format!(
                "On {date}, the authorities of {perpetrator} forcibly returned {n} people to {destination} (case {i})."
            );
            let start = text.len();
            text.push_str(&sentence);
            let end = text.len();
            text.push_str("\n\n");
            let code = |c: &str| c.parse::<CountryCode>().context("code");
            claims.push(Claim {
                kind: ClaimKind::ForcedReturn,
                aggregate: false,
                date: DateSpan {
                    precision: DatePrecision::Day,
                    ..DateSpan::day(PartialDate {
                        year: Some(date.year()),
                        month: date.month(),
                        day: date.day(),
                    })
                },
                count: Count {
                    low: Some(n as u64),
                    high: Some(n as u64),
                    qualifier: CountQualifier::Exact,
                    text: n.to_string(),
                },
                perpetrator: Some(code(perpetrator)?),
                destination: Some(code(destination)?),
                nationality: Some(Nationality::Country(code(destination)?)),
                place: None,
                women: None,
                children: None,
                sources: Vec::new(),
                persons: Vec::new(),
                evidence: vec![Evidence { start, end, text: sentence }],
            });
        }
        let page = RawPage::new(text.clone().into_bytes(), Some(format!("https://bench.invalid/{doc}")));
        let article = Article {
            title: Some(format!("Synthetic report {doc}")),
            author: None,
            published: Some(base + chrono::Days::new(11_000)),
            published_from: None,
            language: Some("en".to_owned()),
            text,
            removed: Vec::new(),
        };
        // The index ingest would write: search terms and the near-duplicate signature.
        let mut search_terms = service::text::tokens(&article.text);
        search_terms.sort();
        search_terms.dedup();
        let index = store::DocumentIndex {
            sealed: None,
            signature: Some(store::Signature {
                keyed: false,
                bytes: service::model::Signature::of(&article.text, None).to_bytes(),
            }),
            search_terms,
        };
        store::Store::put_document_indexed(
            store,
            &store::NewDocument {
                page: &page,
                source_path: None,
                ingested_at: 0,
                pipeline_version: "bench",
                article: &article,
                claims: &claims,
                persons: &[],
                actor: "bench",
            },
            &index,
        )?;
    }
    Ok(())
}

async fn measure(path: &Path, options: &Options) -> anyhow::Result<()> {
    let started = Instant::now();
    let state = ::web::AppState::open(Location::File(path.to_path_buf()), None, ::web::Config::default())
        .await
        .map_err(|err| anyhow::anyhow!("cannot open the database: {}", err.public_message()))?;
    let view = state.reconciled().await.map_err(|err| anyhow::anyhow!("{}", err.public_message()))?;
    let n_incidents = view.reconciliation.incidents.len();
    println!(
        "{} claims reconciled into {} incidents in {:.2} s (once; cached afterwards)",
        view.claims.len(),
        n_incidents,
        started.elapsed().as_secs_f64()
    );
    let incident =
        view.reconciliation.incidents.get(n_incidents / 2).map(|i| i.id.to_string()).unwrap_or_default();
    drop(view);

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.context("bind")?;
    let addr = listener.local_addr().context("address")?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(::web::serve(listener, state, async {
        let _ = stopped.await;
    }));

    let login = format!("username=bench&password={PASSWORD}");
    let (status, head, _) = request(addr, "POST", "/login", None, Some(&login)).await?;
    anyhow::ensure!(status == 303, "sign-in failed with HTTP {status}");
    let cookie = head
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: ").or_else(|| l.strip_prefix("Set-Cookie: ")))
        .and_then(|v| v.split(';').next())
        .context("no session cookie")?
        .to_owned();
    let cookie = Arc::new(cookie);

    let duration = Duration::from_secs(options.seconds);
    println!(
        "scenario            requests  errors   p50 ms   p95 ms   max ms  (concurrency {}, {} s)",
        options.concurrency, options.seconds
    );
    for (name, uri, concurrency) in [
        ("dashboard", "/dashboard".to_owned(), options.concurrency),
        (
            "dashboard filtered",
            "/dashboard?perpetrator=CN&from=2000&to=2010&page=3".to_owned(),
            options.concurrency,
        ),
        ("incident page", format!("/incidents/{incident}"), options.concurrency),
        ("search (selective)", "/api/search?q=4242".to_owned(), options.concurrency),
        ("search (every doc)", "/api/search?q=forcibly+returned+case".to_owned(), options.concurrency),
        ("csv export (all)", "/api/incidents.csv".to_owned(), 2),
    ] {
        let result = scenario(addr, &uri, cookie.clone(), concurrency, duration).await;
        let mut latencies = result.latencies;
        latencies.sort_unstable();
        let pct = |p: f64| {
            latencies
                .get(((latencies.len() as f64 * p) as usize).min(latencies.len().saturating_sub(1)))
                .copied()
                .unwrap_or_default()
        };
        println!(
            "{name:<19} {:>8} {:>7} {:>8.1} {:>8.1} {:>8.1}{}",
            latencies.len(),
            result.errors,
            pct(0.50).as_secs_f64() * 1e3,
            pct(0.95).as_secs_f64() * 1e3,
            latencies.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
            if result.bytes > 0 {
                format!(
                    "  ({:.1} MB per response)",
                    result.bytes as f64 / latencies.len().max(1) as f64 / 1e6
                )
            } else {
                String::new()
            }
        );
    }
    println!("peak resident memory: {} MB", peak_rss_mb().unwrap_or(0));
    let _ = stop.send(());
    let _ = server.await;
    Ok(())
}

struct Outcome {
    latencies: Vec<Duration>,
    errors: usize,
    bytes: usize,
}

async fn scenario(
    addr: SocketAddr,
    uri: &str,
    cookie: Arc<String>,
    concurrency: usize,
    duration: Duration,
) -> Outcome {
    let deadline = Instant::now() + duration;
    let mut tasks = Vec::new();
    for _ in 0..concurrency.max(1) {
        let uri = uri.to_owned();
        let cookie = cookie.clone();
        tasks.push(tokio::spawn(async move {
            let mut out = Outcome { latencies: Vec::new(), errors: 0, bytes: 0 };
            while Instant::now() < deadline {
                let started = Instant::now();
                match request(addr, "GET", &uri, Some(&cookie), None).await {
                    Ok((200, _, body)) => {
                        out.latencies.push(started.elapsed());
                        if uri.ends_with(".csv") {
                            out.bytes += body;
                        }
                    }
                    _ => out.errors += 1,
                }
            }
            out
        }));
    }
    let mut all = Outcome { latencies: Vec::new(), errors: 0, bytes: 0 };
    for task in tasks {
        if let Ok(out) = task.await {
            all.latencies.extend(out.latencies);
            all.errors += out.errors;
            all.bytes += out.bytes;
        }
    }
    all
}

/// One request on a fresh connection; returns the status, the head and the body's length.
async fn request(
    addr: SocketAddr,
    method: &str,
    uri: &str,
    cookie: Option<&str>,
    form: Option<&str>,
) -> anyhow::Result<(u16, String, usize)> {
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    let mut head = format!("{method} {uri} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if let Some(cookie) = cookie {
        head.push_str(&format!("Cookie: {cookie}\r\n"));
    }
    if let Some(form) = form {
        head.push_str(&format!(
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
            form.len()
        ));
    } else {
        head.push_str("\r\n");
    }
    stream.write_all(head.as_bytes()).await?;
    let mut response = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = 0usize;
    let mut head_end = None;
    loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        total += n;
        if head_end.is_none() {
            response.extend_from_slice(&buf[..n]);
            head_end = response.windows(4).position(|w| w == b"\r\n\r\n");
        }
    }
    let head_end = head_end.context("no response head")?;
    let head = String::from_utf8_lossy(&response[..head_end]).into_owned();
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).context("no status")?;
    Ok((status, head, total - head_end - 4))
}

fn peak_rss_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}
