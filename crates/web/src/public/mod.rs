//! The public bulletin (issue 7, item 6): reviewed incidents and aggregates for anyone, with no
//! sign-in, no cookies, no tracking and nothing from another origin.
//!
//! - [`model`]: the bulletin's types. They cannot hold personal data: names are the gazetteer's
//!   `&'static str`s, the only runtime text is a source URL cut to scheme and host.
//!   [`model::Bulletin::build`] is the only way in from the reconciled record.
//! - Pages: `/public` (latest incidents, a timeline drawn by `bulletin.js` with uPlot, the
//!   aggregates apart), `/public/incidents/{id}` (one incident and its sources), the Atom feed
//!   `/public/feed.atom`, and the downloads `/public/incidents.csv` and `/public/incidents.json`
//!   (streamed in chunks).
//!
//! **Invariant:** no handler here reads a cookie or a session, and every response leaves without
//! `Set-Cookie` ([`no_cookies`]). **Invariant:** the bulletin is rebuilt only when the cached
//! reconciled view changes; requests share one built [`model::Bulletin`].

pub mod export;
pub mod model;
pub mod view;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use askama::Template;
use axum::Router;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use domain::ContentHash;
use reconcile::IncidentId;
use service::ReconciledView;

use crate::{AppState, WebError, asset_url, render};
use model::{Bulletin, DocumentMeta, PublicIncident};

const BULLETIN_JS: &str = include_str!("bulletin.js");
const BULLETIN_CSS: &str = include_str!("bulletin.css");
/// Incidents on the front page and in the feed.
const LATEST: usize = 50;

/// Routes under `/public`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(front))
        .route("/incidents/{id}", get(incident_page))
        .route("/feed.atom", get(feed))
        .route("/incidents.csv", get(csv))
        .route("/incidents.json", get(json))
        .route("/bulletin.js", get(script))
        .route("/bulletin.css", get(style))
        .fallback(not_found)
        .layer(axum::middleware::from_fn(no_cookies))
}

/// Removes any `Set-Cookie` a layer inside this router might add, and lets caches keep the
/// bulletin for a minute (it holds nothing private).
async fn no_cookies(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.remove(header::SET_COOKIE);
    headers.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("public, max-age=60"));
    response
}

async fn not_found() -> WebError {
    WebError::NotFound
}

// --- The bulletin, built once per reconciled view ---------------------------------------------

struct Built {
    view: Arc<ReconciledView>,
    bulletin: Arc<Bulletin>,
    documents: Arc<HashMap<ContentHash, DocumentMeta>>,
}

static BUILT: Mutex<Option<Built>> = Mutex::new(None);
static BUILDING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn cached(view: &Arc<ReconciledView>) -> Option<Arc<Bulletin>> {
    let built = BUILT.lock().ok()?;
    built.as_ref().filter(|b| Arc::ptr_eq(&b.view, view)).map(|b| b.bulletin.clone())
}

/// The bulletin of the current reconciled view.
pub async fn bulletin(state: &AppState) -> Result<Arc<Bulletin>, WebError> {
    let view = state.reconciled().await?;
    if let Some(bulletin) = cached(&view) {
        return Ok(bulletin);
    }
    let _building = BUILDING.lock().await;
    if let Some(bulletin) = cached(&view) {
        return Ok(bulletin);
    }
    // Documents are immutable (keyed by the hash of their bytes): what was read stays valid.
    let known: Arc<HashMap<ContentHash, DocumentMeta>> =
        BUILT.lock().ok().and_then(|built| built.as_ref().map(|b| b.documents.clone())).unwrap_or_default();
    let missing: Vec<ContentHash> =
        model::cited_documents(&view).into_iter().filter(|hash| !known.contains_key(hash)).collect();
    let fetched = if missing.is_empty() {
        Vec::new()
    } else {
        state
            .with_store(move |backend, _| {
                let mut out = Vec::with_capacity(missing.len());
                for hash in missing {
                    let document =
                        service::with_store!(backend, store => store::Store::get_document(&*store, &hash.to_hex()))?;
                    out.push((
                        hash,
                        DocumentMeta { url: document.url, published: document.published },
                    ));
                }
                Ok(out)
            })
            .await?
    };
    let documents = if fetched.is_empty() {
        known
    } else {
        let mut all = (*known).clone();
        all.extend(fetched);
        Arc::new(all)
    };
    let bulletin = {
        let (view, documents) = (view.clone(), documents.clone());
        tokio::task::spawn_blocking(move || Arc::new(Bulletin::build(&view, &documents)))
            .await
            .map_err(|err| WebError::Internal(format!("bulletin task: {err}")))?
    };
    if let Ok(mut built) = BUILT.lock() {
        *built = Some(Built { view, bulletin: bulletin.clone(), documents });
    }
    Ok(bulletin)
}

// --- Pages ------------------------------------------------------------------------------------

/// One incident as a row of a table or a feed entry: display strings from public values only.
struct Row {
    id: String,
    title: String,
    kind: &'static str,
    date: String,
    count: String,
    perpetrator: &'static str,
    destination: &'static str,
    nationality: &'static str,
    place: String,
    sources: usize,
    conflict: bool,
    updated: String,
    uuid: String,
}

impl Row {
    fn of(incident: &PublicIncident) -> Row {
        Row {
            id: incident.id.to_string(),
            title: view::title(incident),
            kind: view::kind_label(incident.kind),
            date: view::date_label(&incident.date),
            count: view::count_label(incident.low, incident.best, incident.high),
            perpetrator: view::country_label(incident.perpetrator),
            destination: view::country_label(incident.destination),
            nationality: view::nationality_label(incident.nationality),
            place: view::place_label(incident.place),
            sources: incident.n_sources,
            conflict: incident.conflict,
            updated: view::rfc3339(incident.updated()),
            uuid: view::urn_uuid(&format!("refwatch public incident {}", incident.id)),
        }
    }
}

struct AggregateRow {
    kind: &'static str,
    perpetrator: &'static str,
    nationality: &'static str,
    period: String,
    count: String,
    incidents: usize,
    sum: String,
    status: String,
}

/// Links every bulletin page carries.
struct Layout {
    uplot_css: String,
    uplot_js: String,
    bulletin_css: &'static str,
    bulletin_js: &'static str,
}

impl Layout {
    fn new() -> Layout {
        Layout {
            uplot_css: asset_url("vendor/uplot.min.css"),
            uplot_js: asset_url("vendor/uplot.iife.min.js"),
            bulletin_css: "/public/bulletin.css",
            bulletin_js: "/public/bulletin.js",
        }
    }
}

#[derive(Template)]
#[template(path = "public/front.html")]
struct FrontPage {
    layout: Layout,
    rows: Vec<Row>,
    total: usize,
    total_low: u64,
    total_best: u64,
    undated: usize,
    aggregates: Vec<AggregateRow>,
    /// Timeline series for `bulletin.js`: month starts (Unix seconds), people (best, low) and
    /// occasions, comma-separated.
    months_x: String,
    months_best: String,
    months_low: String,
    months_occasions: String,
    years: Vec<(i32, u64, u64, u64)>,
}

async fn front(State(state): State<AppState>) -> Result<Response, WebError> {
    let bulletin = bulletin(&state).await?;
    Ok(render(&front_page(&bulletin)))
}

fn front_page(bulletin: &Bulletin) -> FrontPage {
    let rows = bulletin.incidents.iter().take(LATEST).map(Row::of).collect();
    let aggregates = bulletin
        .aggregates
        .iter()
        .map(|a| AggregateRow {
            kind: view::kind_label(a.kind),
            perpetrator: view::country_label(a.perpetrator),
            nationality: view::nationality_label(a.nationality),
            period: match (a.from, a.to) {
                (Some(from), Some(to)) => format!("{from} to {to}"),
                (Some(from), None) => format!("since {from}"),
                (None, Some(to)) => format!("until {to}"),
                (None, None) => "period unknown".to_owned(),
            },
            count: view::count_label(a.low, None, a.high),
            incidents: a.incidents,
            sum: format!("{}–{}", a.sum_low, a.sum_best),
            status: match a.status {
                model::PublicAggregateStatus::Consistent => "consistent with the incidents".to_owned(),
                model::PublicAggregateStatus::Gap { unaccounted } => {
                    format!("{unaccounted} people not accounted for by incidents")
                }
                model::PublicAggregateStatus::Exceeds { excess } => {
                    format!("incidents exceed it by {excess}")
                }
                model::PublicAggregateStatus::Unknown => "states no figure".to_owned(),
            },
        })
        .collect();
    let mut years: Vec<(i32, u64, u64, u64)> = Vec::new();
    for m in &bulletin.months {
        match years.last_mut() {
            Some(last) if last.0 == m.year => {
                last.1 += m.occasions;
                last.2 += m.low;
                last.3 += m.best;
            }
            _ => years.push((m.year, m.occasions, m.low, m.best)),
        }
    }
    // Every month from the first to the last, empty ones as zero, with an empty month on each
    // side: the chart steps through them and a single month still has a width.
    let series = contiguous_months(&bulletin.months);
    let join = |f: &dyn Fn(&model::MonthTotal) -> String| -> String {
        series.iter().map(f).collect::<Vec<_>>().join(",")
    };
    FrontPage {
        layout: Layout::new(),
        rows,
        total: bulletin.incidents.len(),
        total_low: bulletin.incidents.iter().filter_map(|i| i.low).sum(),
        total_best: bulletin.incidents.iter().filter_map(|i| i.best.or(i.low)).sum(),
        undated: bulletin.undated,
        aggregates,
        months_x: join(&|m| {
            domain::NaiveDate::from_ymd_opt(m.year, m.month, 1)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|t| t.and_utc().timestamp().to_string())
                .unwrap_or_default()
        }),
        months_best: join(&|m| m.best.to_string()),
        months_low: join(&|m| m.low.to_string()),
        months_occasions: join(&|m| m.occasions.to_string()),
        years,
    }
}

/// `months` (sorted) with the months between them and one before and after, zero-filled.
fn contiguous_months(months: &[model::MonthTotal]) -> Vec<model::MonthTotal> {
    let (Some(first), Some(last)) = (months.first(), months.last()) else { return Vec::new() };
    let index = |y: i32, m: u32| i64::from(y) * 12 + i64::from(m) - 1;
    let (start, end) = (index(first.year, first.month) - 1, index(last.year, last.month) + 1);
    let mut given = months.iter().peekable();
    (start..=end)
        .filter_map(|i| {
            let year = i32::try_from(i.div_euclid(12)).ok()?;
            let month = u32::try_from(i.rem_euclid(12)).ok()? + 1;
            match given.peek() {
                Some(m) if m.year == year && m.month == month => given.next().copied(),
                _ => Some(model::MonthTotal { year, month, occasions: 0, low: 0, best: 0 }),
            }
        })
        .collect()
}

struct SourceRow {
    publisher: String,
    url: Option<String>,
    published: String,
    figure: String,
    group: u32,
}

#[derive(Template)]
#[template(path = "public/incident.html")]
struct IncidentPage {
    layout: Layout,
    row: Row,
    date_start: String,
    date_end: String,
    precision: &'static str,
    low: String,
    best: String,
    high: String,
    place_code: String,
    coordinates: String,
    sources: Vec<SourceRow>,
}

async fn incident_page(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, WebError> {
    let id: IncidentId = id.parse().map_err(|_| WebError::NotFound)?;
    let bulletin = bulletin(&state).await?;
    let incident = bulletin.incident(id).ok_or(WebError::NotFound)?;
    Ok(render(&incident_view(incident)))
}

fn incident_view(incident: &PublicIncident) -> IncidentPage {
    let num = |n: Option<u64>| n.map_or_else(|| "unknown".to_owned(), |n| n.to_string());
    IncidentPage {
        layout: Layout::new(),
        row: Row::of(incident),
        date_start: view::iso(incident.date.start),
        date_end: view::iso(incident.date.end),
        precision: incident.date.precision.as_str(),
        low: num(incident.low),
        best: num(incident.best),
        high: num(incident.high),
        place_code: incident.place.and_then(|p| p.code).unwrap_or_default().to_owned(),
        coordinates: incident.place.map(|p| format!("{:.4}, {:.4}", p.lat, p.lon)).unwrap_or_default(),
        sources: incident
            .sources
            .iter()
            .map(|s| SourceRow {
                publisher: s.publisher().to_owned(),
                url: s.url.as_ref().map(|u| u.as_str().to_owned()),
                published: s.published.map_or_else(|| "date unknown".to_owned(), |d| d.to_string()),
                figure: view::count_label(s.low, None, s.high),
                group: s.group,
            })
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "public/feed.xml")]
struct Feed {
    id: String,
    updated: String,
    entries: Vec<Row>,
}

async fn feed(State(state): State<AppState>) -> Result<Response, WebError> {
    let bulletin = bulletin(&state).await?;
    let xml =
        feed_of(&bulletin).render().map_err(|err| WebError::Internal(format!("feed template: {err}")))?;
    Ok(([(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")], xml).into_response())
}

fn feed_of(bulletin: &Bulletin) -> Feed {
    let mut latest: Vec<&PublicIncident> = bulletin.incidents.iter().collect();
    // Newest news first: by when the sources published, then by the incident's own date.
    latest.sort_by(|a, b| {
        b.updated().cmp(&a.updated()).then(b.sort_key().cmp(&a.sort_key())).then(a.id.cmp(&b.id))
    });
    latest.truncate(LATEST);
    Feed {
        id: view::urn_uuid("refwatch public bulletin feed"),
        updated: view::rfc3339(latest.iter().filter_map(|i| i.updated()).max()),
        entries: latest.into_iter().map(Row::of).collect(),
    }
}

async fn csv(State(state): State<AppState>) -> Result<Response, WebError> {
    let bulletin = bulletin(&state).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"refwatch-incidents.csv\""),
        ],
        export::csv_body(bulletin),
    )
        .into_response())
}

async fn json(State(state): State<AppState>) -> Result<Response, WebError> {
    let bulletin = bulletin(&state).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"refwatch-incidents.json\""),
        ],
        export::json_body(bulletin),
    )
        .into_response())
}

async fn script() -> Response {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], BULLETIN_JS).into_response()
}

async fn style() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], BULLETIN_CSS).into_response()
}

#[cfg(test)]
mod tests;
