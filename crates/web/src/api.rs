//! The JSON API under `/api/`: what the UI shows and does, for scripts. Authenticated by the
//! session cookie (writes then need the `X-CSRF-Token` header) or `Authorization: Bearer` with
//! an API token. Described by `/api/openapi.json` (hand-written, checked against the routes by
//! a test).

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use service::ReconciledView;

use crate::AppState;
use crate::auth::User;
use crate::data::{self, Filter, IncidentRow};
use crate::error::ApiError;
use crate::pages::{self, DecisionInput};

/// The OpenAPI 3.1 description of every route below.
pub const OPENAPI: &str = include_str!("openapi.json");

pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/api/openapi.json", get(openapi))
        .route("/api/me", get(me))
        .route("/api/incidents", get(incidents))
        .route("/api/incidents.csv", get(incidents_csv))
        .route("/api/incidents/{id}", get(incident))
        .route("/api/timeline", get(timeline))
        .route("/api/map", get(map))
        .route("/api/search", get(search))
        .route("/api/review", get(review_queue))
        .route("/api/decisions", post(decisions))
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

#[derive(Serialize)]
struct Me {
    name: String,
    role: &'static str,
    can_review: bool,
    can_see_persons: bool,
    can_admin: bool,
}

async fn me(User(user): User) -> Json<Me> {
    Json(Me {
        name: user.name.clone(),
        role: user.role.as_str(),
        can_review: user.role.can_review(),
        can_see_persons: user.role.can_see_persons(),
        can_admin: user.role.can_admin(),
    })
}

/// [`pages::select`], but a search by a role that may not search is refused outright.
async fn select(
    state: &AppState,
    user: &crate::auth::SignedIn,
    filter: &Filter,
) -> Result<(Arc<ReconciledView>, Arc<data::Selection>), ApiError> {
    if !filter.q.trim().is_empty() && !pages::may_search(user) {
        return Err(crate::WebError::Forbidden.into());
    }
    Ok(pages::select(state, user, filter).await?)
}

async fn incidents(
    State(state): State<AppState>,
    User(user): User,
    Query(filter): Query<Filter>,
) -> Result<Json<data::Page>, ApiError> {
    let (view, selection) = select(&state, &user, &filter).await?;
    Ok(Json(selection.page(&view, &filter)))
}

async fn timeline(
    State(state): State<AppState>,
    User(user): User,
    Query(filter): Query<Filter>,
) -> Result<Json<data::Series>, ApiError> {
    let (_, selection) = select(&state, &user, &filter).await?;
    Ok(Json(selection.series.clone()))
}

async fn map(
    State(state): State<AppState>,
    User(user): User,
    Query(filter): Query<Filter>,
) -> Result<Json<data::MapData>, ApiError> {
    let (view, selection) = select(&state, &user, &filter).await?;
    Ok(Json(data::map_data(&view, &data::selected(&view, &selection.indices))))
}

#[derive(Serialize)]
struct MemberJson {
    claim: String,
    document: String,
    title: String,
    figure: String,
    joined: String,
    /// The evidence sentence: only for roles that may read article text, when readable.
    #[serde(skip_serializing_if = "Option::is_none")]
    evidence: Option<String>,
}

#[derive(Serialize)]
struct SourceJson {
    figure: String,
    documents: Vec<String>,
}

#[derive(Serialize)]
struct IncidentJson {
    #[serde(flatten)]
    row: IncidentRow,
    lat: Option<f64>,
    lon: Option<f64>,
    conflicts: Vec<String>,
    fixed: Vec<String>,
    sources: Vec<SourceJson>,
    claims: Vec<MemberJson>,
    decisions: Vec<String>,
}

async fn incident(
    State(state): State<AppState>,
    User(user): User,
    Path(id): Path<String>,
) -> Result<Json<IncidentJson>, ApiError> {
    let view = state.reconciled().await?;
    let incident = pages::find_incident(&view, &id)?;
    let members =
        pages::member_views(&state, &view, incident.members.clone(), user.role.can_review()).await?;
    let point = pages::incident_point(&view, incident);
    Ok(Json(IncidentJson {
        row: IncidentRow::of(incident),
        lat: point.map(|p| p.0),
        lon: point.map(|p| p.1),
        conflicts: incident.conflicts.iter().map(data::conflict_text).collect(),
        fixed: incident.fixed.iter().map(|(f, v)| format!("{f} = {v}")).collect(),
        sources: incident
            .figures
            .iter()
            .map(|f| SourceJson {
                figure: if f.count.text.is_empty() {
                    format!("{:?}–{:?}", f.count.low, f.count.high)
                } else {
                    f.count.text.clone()
                },
                documents: f.documents.iter().map(|d| d.to_hex()).collect(),
            })
            .collect(),
        claims: incident
            .members
            .iter()
            .zip(members)
            .map(|(m, v)| MemberJson {
                claim: v.key,
                document: m.key.document.to_hex(),
                title: v.title,
                figure: v.figure,
                joined: v.joined,
                evidence: v.evidence.map(|e| e.sentence),
            })
            .collect(),
        decisions: pages::history(&view, incident),
    }))
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
struct SearchQuery {
    q: String,
    limit: usize,
}

#[derive(Serialize)]
struct HitJson {
    document: String,
    published: Option<String>,
    matches: usize,
    title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    snippet: Option<String>,
}

async fn search(
    State(state): State<AppState>,
    User(user): User,
    Query(q): Query<SearchQuery>,
) -> Result<Json<Vec<HitJson>>, ApiError> {
    if !pages::may_search(&user) {
        return Err(crate::WebError::Forbidden.into());
    }
    let limit = if q.limit == 0 { 50 } else { q.limit.min(pages::SEARCH_LIMIT) };
    let text = q.q.clone();
    let hits = state
        .with_store(move |backend, key| {
            Ok(service::with_store!(backend, store => service::search::search(&*store, key, &text, limit))?)
        })
        .await?;
    let show_text = user.role.can_review();
    Ok(Json(
        hits.into_iter()
            .map(|h| HitJson {
                document: h.document.to_hex(),
                published: h.published.map(|d| d.to_string()),
                matches: h.matches,
                title: h.title,
                snippet: if show_text { h.snippet } else { None },
            })
            .collect(),
    ))
}

async fn review_queue(
    State(state): State<AppState>,
    User(user): User,
    Query(filter): Query<Filter>,
) -> Result<Json<data::Page>, ApiError> {
    user.require_review()?;
    let view = state.reconciled().await?;
    let queue: Vec<_> = view.reconciliation.incidents.iter().filter(|i| data::needs_review(i)).collect();
    Ok(Json(data::page(&queue, &filter)))
}

#[derive(Serialize)]
struct DecisionOut {
    id: i64,
}

async fn decisions(
    State(state): State<AppState>,
    User(user): User,
    headers: HeaderMap,
    Json(input): Json<DecisionInput>,
) -> Result<Json<DecisionOut>, ApiError> {
    let sent = headers.get("x-csrf-token").and_then(|v| v.to_str().ok());
    user.check_csrf(sent)?;
    let id = pages::decide(&state, &user, input).await?;
    Ok(Json(DecisionOut { id }))
}

/// Every incident passing the filters as CSV, streamed in chunks from the cached view, so
/// memory stays flat however many rows there are.
async fn incidents_csv(
    State(state): State<AppState>,
    User(user): User,
    Query(filter): Query<Filter>,
) -> Result<Response, ApiError> {
    let (view, selection) = select(&state, &user, &filter).await?;
    let stream = CsvStream { view, selection, pos: 0, header: true };
    let mut response = Body::from_stream(stream).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"refwatch-incidents.csv\""),
    );
    Ok(response)
}

/// Rows per chunk of the CSV stream.
const CSV_CHUNK: usize = 512;

struct CsvStream {
    view: Arc<ReconciledView>,
    selection: Arc<data::Selection>,
    pos: usize,
    header: bool,
}

impl futures_core::Stream for CsvStream {
    type Item = Result<Bytes, std::io::Error>;

    fn poll_next(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        let mut out = String::new();
        if this.header {
            this.header = false;
            out.push_str("id,type,start,end,precision,low,best,high,perpetrator,destination,nationality,place,sources,claims,reviewed,rejected\n");
        }
        let indices = &this.selection.indices;
        let end = (this.pos + CSV_CHUNK).min(indices.len());
        for &idx in &indices[this.pos..end] {
            if let Some(incident) = this.view.reconciliation.incidents.get(idx as usize) {
                csv_row(&mut out, &IncidentRow::of(incident));
            }
        }
        this.pos = end;
        if out.is_empty() { Poll::Ready(None) } else { Poll::Ready(Some(Ok(Bytes::from(out)))) }
    }
}

fn csv_field(out: &mut String, value: &str) {
    // Quote every text field; a leading = + - @ is prefixed so spreadsheets do not run it.
    out.push('"');
    if value.starts_with(['=', '+', '-', '@']) {
        out.push('\'');
    }
    out.push_str(&value.replace('"', "\"\""));
    out.push('"');
}

fn csv_row(out: &mut String, row: &IncidentRow) {
    let n = |v: Option<u64>| v.map_or(String::new(), |v| v.to_string());
    let texts = [
        row.id.as_str(),
        row.kind,
        row.start.as_deref().unwrap_or(""),
        row.end.as_deref().unwrap_or(""),
        row.precision,
    ];
    for text in texts {
        csv_field(out, text);
        out.push(',');
    }
    out.push_str(&format!("{},{},{},", n(row.low), n(row.best), n(row.high)));
    for text in [&row.perpetrator, &row.destination, &row.nationality, &row.place] {
        csv_field(out, text.as_deref().unwrap_or(""));
        out.push(',');
    }
    out.push_str(&format!("{},{},{},{}\n", row.n_sources, row.n_claims, row.reviewed, row.rejected));
}
