//! The signed-in HTML pages: sign-in, dashboard, incident, review queue and decisions, users.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use reconcile::{ClaimRef, Decision, Field, Incident, Joined, Member};
use serde::Deserialize;
use service::ReconciledView;
use store::Role;

use crate::auth::{self, SignedIn, User};
use crate::data::{self, Filter, IncidentRow, Page, Series};
use crate::{AppState, WebError, asset_url, render};

/// What the layout needs: who is signed in, the CSRF token, asset URLs.
pub struct Nav {
    pub name: String,
    pub role: &'static str,
    pub csrf: String,
    pub can_review: bool,
    pub can_admin: bool,
    pub css: String,
    pub js: String,
    pub flash: String,
}

impl Nav {
    pub fn of(user: &SignedIn) -> Nav {
        Nav {
            name: user.name.clone(),
            role: user.role.as_str(),
            csrf: user.csrf.clone().unwrap_or_default(),
            can_review: user.role.can_review(),
            can_admin: user.role.can_admin(),
            css: asset_url("app/app.css"),
            js: asset_url("app/app.js"),
            flash: String::new(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Sign-in

#[derive(Template)]
#[template(path = "app/login.html")]
struct LoginPage {
    css: String,
    next: String,
    message: String,
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct NextQuery {
    next: String,
}

pub async fn login_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> Response {
    if let Ok(Some(_)) = auth::signed_in(&state, &headers).await {
        return Redirect::to(&safe_next(&q.next)).into_response();
    }
    render(&LoginPage { css: asset_url("app/app.css"), next: safe_next(&q.next), message: String::new() })
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    next: String,
}

/// Only a local path may follow sign-in (no open redirect to another site).
///
/// The path must start with a single `/` (not `//` or `/\`), hold only alphanumerics and
/// `/-_.?=&%`, and every `%` must start a valid escape that decodes to neither a control character
/// nor a backslash (browsers strip tabs and newlines, so `/%09/evil.example` would become
/// `//evil.example`). Anything else falls back to the dashboard.
fn safe_next(next: &str) -> String {
    if is_local_path(next) && !next.starts_with("/login") { next.to_owned() } else { "/dashboard".to_owned() }
}

fn is_local_path(next: &str) -> bool {
    let bytes = next.as_bytes();
    if bytes.first() != Some(&b'/') || matches!(bytes.get(1), Some(b'/' | b'\\')) {
        return false;
    }
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let escaped = bytes
                .get(i + 1..i + 3)
                .and_then(|hex| std::str::from_utf8(hex).ok())
                .and_then(|hex| u8::from_str_radix(hex, 16).ok());
            match escaped {
                Some(c) if !c.is_ascii_control() && c != b'\\' && c != b'/' => i += 3,
                _ => return false,
            }
            continue;
        }
        if !(b.is_ascii_alphanumeric() || b"/-_.?=&".contains(&b)) {
            return false;
        }
        i += 1;
    }
    true
}

pub async fn login(
    State(state): State<AppState>,
    auth::ClientIp(ip): auth::ClientIp,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, WebError> {
    let keys = auth::limit_keys(&form.username, &ip);
    // Counted before the password is checked, so parallel guesses cannot all pass the limit.
    state.sessions().attempt(&keys).map_err(WebError::TooManyRequests)?;
    let permit = state.sessions().verification().await?;
    let (name, password) = (form.username.clone(), form.password.clone());
    let result = state
        .with_store(move |backend, _| {
            Ok(service::with_store!(backend, store => service::users::authenticate(&*store, &name, &password)))
        })
        .await?;
    drop(permit);
    match result {
        Ok(user) => {
            state.sessions().succeeded(&keys);
            let id = state.sessions().start(&user.name, user.role)?;
            let secure = auth::is_secure(&state, &headers);
            let mut response = Redirect::to(&safe_next(&form.next)).into_response();
            response.headers_mut().insert(header::SET_COOKIE, auth::set_cookie(Some(&id), secure));
            Ok(response)
        }
        Err(service::users::AuthError::Failed) => {
            let page = LoginPage {
                css: asset_url("app/app.css"),
                next: safe_next(&form.next),
                message: "Unknown user or wrong password.".to_owned(),
            };
            Ok((StatusCode::UNAUTHORIZED, render(&page)).into_response())
        }
        Err(service::users::AuthError::Service(err)) => Err(err.into()),
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Response {
    if let Ok(Some(user)) = auth::signed_in(&state, &headers).await
        && user.check_csrf(Some(&form.csrf)).is_ok()
        && let Some(id) = auth::session_cookie_value(&headers)
    {
        state.sessions().end(&id);
    }
    let mut response = Redirect::to("/login").into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, auth::set_cookie(None, auth::is_secure(&state, &headers)));
    response
}

/// `/`: signed-in users go to the dashboard, everybody else to the public bulletin.
pub async fn home(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match auth::signed_in(&state, &headers).await {
        Ok(Some(_)) => Redirect::to("/dashboard").into_response(),
        _ => Redirect::to("/public").into_response(),
    }
}

// ---------------------------------------------------------------------------------------------
// Dashboard

#[derive(Template)]
#[template(path = "app/dashboard.html")]
struct DashboardPage {
    nav: Nav,
    filter: Filter,
    kinds: Vec<&'static str>,
    query: String,
    base_query: String,
    search_note: String,
    series: Series,
    page: Page,
    aggregates: Vec<AggregateRow>,
    world_url: String,
    uplot_css: String,
    uplot_js: String,
    d3_array_js: String,
    d3_geo_js: String,
    topojson_js: String,
    charts_js: String,
}

pub struct AggregateRow {
    pub period: String,
    pub kind: &'static str,
    pub perpetrator: String,
    pub stated: String,
    pub sums: String,
    pub status: String,
}

fn aggregate_rows(view: &ReconciledView) -> Vec<AggregateRow> {
    view.reconciliation
        .aggregates
        .iter()
        .map(|a| AggregateRow {
            period: format!(
                "{} to {}",
                a.from.map_or("?".to_owned(), |d| d.to_string()),
                a.to.map_or("?".to_owned(), |d| d.to_string())
            ),
            kind: a.kind.as_str(),
            perpetrator: a.perpetrator.map_or("?".to_owned(), |c| c.to_string()),
            stated: a.count.text.clone(),
            sums: format!("{} / {} ({} incidents)", a.sum_low, a.sum_best, a.incidents.len()),
            status: match a.status {
                reconcile::AggregateStatus::Consistent => "consistent".to_owned(),
                reconcile::AggregateStatus::Gap { unaccounted } => format!("{unaccounted} unaccounted for"),
                reconcile::AggregateStatus::Exceeds { excess } => format!("incidents exceed it by {excess}"),
                reconcile::AggregateStatus::Unknown => "no figure".to_owned(),
            },
        })
        .collect()
}

/// The documents matching a search, when the filter has one. A sealed database searched without
/// the key gives an explanation instead.
pub async fn search_documents(
    state: &AppState,
    q: &str,
) -> Result<(Option<HashSet<domain::ContentHash>>, String), WebError> {
    if q.trim().is_empty() {
        return Ok((None, String::new()));
    }
    let q = q.to_owned();
    let hits = state
        .with_store(move |backend, key| {
            Ok(service::with_store!(backend, store => service::search::search(&*store, key, &q, SEARCH_LIMIT)))
        })
        .await?;
    match hits {
        Ok(hits) => {
            let note = if hits.len() >= SEARCH_LIMIT {
                format!("showing incidents from the {SEARCH_LIMIT} best-matching documents")
            } else {
                format!("{} documents match", hits.len())
            };
            Ok((Some(hits.into_iter().map(|h| h.document).collect()), note))
        }
        Err(service::ServiceError::Sealed) => Ok((
            Some(HashSet::new()),
            "search needs the data key: the server was started without it".to_owned(),
        )),
        Err(err) => Err(err.into()),
    }
}

/// Full-text search (`q=`) is for roles that may read article text: the blind index answers
/// "is this name in any article", an oracle viewers must not have.
pub fn may_search(user: &SignedIn) -> bool {
    user.role.can_review()
}

/// What a viewer's dashboard says instead of searching.
pub const SEARCH_REFUSED: &str = "search is for analysts and admins";

/// The incidents passing `filter` in the current view, remembered per filter. A search by a
/// role that may not search selects nothing (and is not remembered, so it cannot hide a
/// reviewer's result behind the same key).
pub async fn select(
    state: &AppState,
    user: &SignedIn,
    filter: &Filter,
) -> Result<(Arc<ReconciledView>, Arc<data::Selection>), WebError> {
    let view = state.reconciled().await?;
    if !filter.q.trim().is_empty() && !may_search(user) {
        let nothing = HashSet::new();
        let selection = data::Selection::compute(&view, filter, Some(&nothing), SEARCH_REFUSED.to_owned());
        return Ok((view, Arc::new(selection)));
    }
    let key = filter.query_without_page();
    if let Some(selection) = state.selection(&view, &key) {
        return Ok((view, selection));
    }
    let (documents, search_note) = search_documents(state, &filter.q).await?;
    let selection = Arc::new(data::Selection::compute(&view, filter, documents.as_ref(), search_note));
    state.remember_selection(&view, key, selection.clone());
    Ok((view, selection))
}

/// Documents a search considers.
pub const SEARCH_LIMIT: usize = 1000;

pub async fn dashboard(
    State(state): State<AppState>,
    User(user): User,
    Query(filter): Query<Filter>,
) -> Result<Response, WebError> {
    let (view, selection) = select(&state, &user, &filter).await?;
    let page = selection.page(&view, &filter);
    let series = selection.series.clone();
    let search_note = selection.search_note.clone();
    let base_query = filter.query_without_page();
    let page_html = DashboardPage {
        nav: Nav::of(&user),
        kinds: data::kinds().iter().map(|k| k.as_str()).collect(),
        query: base_query.clone(),
        base_query,
        search_note,
        series,
        page,
        aggregates: aggregate_rows(&view),
        world_url: asset_url("vendor/countries-110m.json"),
        uplot_css: asset_url("vendor/uplot.min.css"),
        uplot_js: asset_url("vendor/uplot.iife.min.js"),
        d3_array_js: asset_url("vendor/d3-array.min.js"),
        d3_geo_js: asset_url("vendor/d3-geo.min.js"),
        topojson_js: asset_url("vendor/topojson-client.min.js"),
        charts_js: asset_url("app/charts.js"),
        filter,
    };
    Ok(render(&page_html))
}

// ---------------------------------------------------------------------------------------------
// Incident page

/// An evidence sentence in its paragraph, with the page's removed boilerplate.
pub struct EvidenceView {
    pub before: String,
    pub sentence: String,
    pub after: String,
    pub removed: Vec<(&'static str, String)>,
}

pub struct MemberView {
    pub key: String,
    pub short: String,
    pub title: String,
    pub figure: String,
    pub joined: String,
    pub evidence: Option<EvidenceView>,
    /// Why no evidence is shown.
    pub evidence_note: String,
}

pub struct SourceView {
    pub figure: String,
    pub documents: Vec<String>,
}

#[derive(Template)]
#[template(path = "app/incident.html")]
struct IncidentPage {
    nav: Nav,
    row: IncidentRow,
    point: Option<(f64, f64)>,
    conflicts: Vec<String>,
    fixed: Vec<String>,
    sources: Vec<SourceView>,
    members: Vec<MemberView>,
    show_persons: bool,
    persons: Vec<String>,
    history: Vec<String>,
    world_url: String,
    d3_geo_js: String,
    topojson_js: String,
    charts_js: String,
}

pub fn find_incident<'a>(view: &'a ReconciledView, id: &str) -> Result<&'a Incident, WebError> {
    let id = id.trim().to_ascii_lowercase();
    if id.len() != 8 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(WebError::NotFound);
    }
    let wanted = u32::from_str_radix(&id, 16).map_err(|_| WebError::NotFound)?;
    view.reconciliation.incidents.iter().find(|i| i.id.0 == wanted).ok_or(WebError::NotFound)
}

fn title_of(view: &ReconciledView, document: &domain::ContentHash) -> String {
    match view.titles.get(document) {
        Some(Some(title)) if !title.is_empty() => title.clone(),
        _ => untitled(document),
    }
}

/// A document's label without its (decrypted) title: what roles that cannot review see.
fn untitled(document: &domain::ContentHash) -> String {
    format!("document {}", &document.to_hex()[..8])
}

fn count_text(count: &domain::Count) -> String {
    if count.text.is_empty() {
        let n = |v: Option<u64>| v.map_or("?".to_owned(), |v| v.to_string());
        format!("{}–{}", n(count.low), n(count.high))
    } else {
        count.text.clone()
    }
}

fn joined_text(joined: &Joined) -> String {
    match joined {
        Joined::Decision(n) => format!("placed by decision {n}"),
        other => format!("{other:?}").split(['{', '(']).next().unwrap_or("").trim().to_lowercase(),
    }
}

/// Loads the documents of `members` (opened with the key when sealed) and cuts out each
/// evidence sentence with its paragraph. Only for roles that may read article text.
pub async fn member_views(
    state: &AppState,
    view: &Arc<ReconciledView>,
    members: Vec<Member>,
    show_text: bool,
) -> Result<Vec<MemberView>, WebError> {
    let view = view.clone();
    state
        .with_store(move |backend, key| {
            let mut documents: std::collections::HashMap<domain::ContentHash, Option<store::StoredDocument>> =
                std::collections::HashMap::new();
            let mut out = Vec::new();
            for member in &members {
                let input = view.claims.get(member.claim);
                let mut evidence = None;
                let mut note = "Article text is shown to analysts and admins.".to_owned();
                if show_text {
                    let document = member.key.document;
                    if let std::collections::hash_map::Entry::Vacant(slot) = documents.entry(document) {
                        let opened = service::with_store!(backend, store =>
                            service::text::open_document(&*store, key, &document.to_hex()));
                        slot.insert(match opened {
                            Ok((_, service::text::TextState::Sealed)) => None,
                            Ok((doc, _)) => Some(doc),
                            Err(service::ServiceError::Store(store::StoreError::NotFound(_))) => None,
                            Err(err) => return Err(err.into()),
                        });
                    }
                    match documents.get(&document).and_then(|d| d.as_ref()) {
                        Some(doc) => {
                            evidence = cut_evidence(doc, member.key.start, member.key.end);
                            if evidence.is_none() {
                                note = "The evidence is not in the stored text.".to_owned();
                            }
                        }
                        None => note = "Sealed: the server was started without the data key.".to_owned(),
                    }
                }
                out.push(MemberView {
                    key: member.key.to_string(),
                    short: member.key.short(),
                    title: if show_text {
                        title_of(&view, &member.key.document)
                    } else {
                        untitled(&member.key.document)
                    },
                    figure: input.map_or(String::new(), |i| count_text(&i.claim.count)),
                    joined: joined_text(&member.joined),
                    evidence,
                    evidence_note: note,
                });
            }
            Ok(out)
        })
        .await
}

/// The paragraph around `start..end` (byte offsets of the evidence in the text).
fn cut_evidence(document: &store::StoredDocument, start: usize, end: usize) -> Option<EvidenceView> {
    let text = &document.text;
    if start >= end || end > text.len() || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
        return None;
    }
    let para_start = text[..start].rfind("\n\n").map_or(0, |i| i + 2);
    let para_end = text[end..].find("\n\n").map_or(text.len(), |i| end + i);
    Some(EvidenceView {
        before: text[para_start..start].to_owned(),
        sentence: text[start..end].to_owned(),
        after: text[end..para_end].to_owned(),
        removed: document.removed.iter().map(|b| (b.kind.as_str(), b.text.clone())).collect(),
    })
}

/// The decisions that name a claim of `incident`, oldest first, in words.
pub fn history(view: &ReconciledView, incident: &Incident) -> Vec<String> {
    let keys: HashSet<String> = incident.members.iter().map(|m| m.key.to_string()).collect();
    view.decisions
        .iter()
        .filter(|d| {
            keys.contains(&d.decision.claim) || d.decision.other.as_ref().is_some_and(|o| keys.contains(o))
        })
        .map(|d| {
            let when = chrono::DateTime::from_timestamp(d.decision.created_at, 0)
                .map_or_else(String::new, |t| t.format("%Y-%m-%d %H:%M UTC").to_string());
            let field = match (&d.decision.field, &d.decision.value) {
                (Some(f), Some(v)) => format!(" {f} = {v}"),
                _ => String::new(),
            };
            format!("#{} {} by {} at {when}{field}", d.id, d.decision.kind, d.decision.actor)
        })
        .collect()
}

pub fn incident_point(view: &ReconciledView, incident: &Incident) -> Option<(f64, f64)> {
    incident.members.iter().find_map(|m| {
        let place = view.claims.get(m.claim)?.claim.place.as_ref()?;
        Some((place.lat?, place.lon?))
    })
}

/// Case files linked to the incident's claims or documents, as "id: name (status)". Only
/// called for roles that may see persons, with the key.
async fn linked_persons(state: &AppState, incident: &Incident) -> Result<Vec<String>, WebError> {
    let members: Vec<(domain::ContentHash, domain::ClaimKind, usize, usize)> =
        incident.members.iter().map(|m| (m.key.document, m.key.kind, m.key.start, m.key.end)).collect();
    state
        .with_store(move |backend, key| {
            let Some(key) = key else { return Ok(Vec::new()) };
            let listings = service::with_store!(backend, store => service::record::list_persons(&*store, Some(key)))?;
            let mut out = Vec::new();
            for listing in listings {
                let Some(Ok(case)) = listing.case else { continue };
                let links = service::with_store!(backend, store => store::Store::person_links(&*store, listing.id))?;
                let linked = links.iter().any(|link| match link {
                    store::LinkTarget::Document(doc) => members.iter().any(|m| m.0 == *doc),
                    store::LinkTarget::Claim { document, claim_idx } => {
                        members.iter().filter(|m| m.0 == *document).any(|m| {
                            let doc = service::with_store!(backend, store => store::Store::get_document(&*store, &document.to_hex()));
                            doc.ok().and_then(|d| d.claims.get(*claim_idx).cloned()).is_some_and(|c| {
                                c.kind == m.1 && c.evidence.first().is_some_and(|e| e.start == m.2 && e.end == m.3)
                            })
                        })
                    }
                });
                if linked {
                    let status = case.status.clone().unwrap_or_default();
                    out.push(format!("case file {}: {}{}", listing.id, case.name, if status.is_empty() { String::new() } else { format!(" ({status})") }));
                }
            }
            Ok(out)
        })
        .await
}

pub async fn incident_page(
    State(state): State<AppState>,
    User(user): User,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let view = state.reconciled().await?;
    let incident = find_incident(&view, &id)?;
    let show_text = user.role.can_review();
    let members = member_views(&state, &view, incident.members.clone(), show_text).await?;
    let show_persons = user.role.can_see_persons() && state.key().is_some();
    let persons = if show_persons { linked_persons(&state, incident).await? } else { Vec::new() };
    let sources = incident
        .figures
        .iter()
        .map(|f| SourceView {
            figure: count_text(&f.count),
            documents: f
                .documents
                .iter()
                .map(|d| if show_text { title_of(&view, d) } else { untitled(d) })
                .collect(),
        })
        .collect();
    let page = IncidentPage {
        nav: Nav::of(&user),
        row: IncidentRow::of(incident),
        point: incident_point(&view, incident),
        conflicts: incident.conflicts.iter().map(data::conflict_text).collect(),
        fixed: incident.fixed.iter().map(|(f, v)| format!("{f} = {v}")).collect(),
        sources,
        members,
        show_persons,
        persons,
        history: history(&view, incident),
        world_url: asset_url("vendor/countries-110m.json"),
        d3_geo_js: asset_url("vendor/d3-geo.min.js"),
        topojson_js: asset_url("vendor/topojson-client.min.js"),
        charts_js: asset_url("app/charts.js"),
    };
    Ok(render(&page))
}

// ---------------------------------------------------------------------------------------------
// Review queue and decisions

pub struct ReviewItem {
    pub row: IncidentRow,
    pub reasons: String,
    pub members: Vec<MemberView>,
}

pub struct UnattachedView {
    pub key: String,
    pub short: String,
    pub title: String,
    pub figure: String,
    pub why: &'static str,
    pub aggregate: bool,
}

#[derive(Template)]
#[template(path = "app/review.html")]
struct ReviewPage {
    nav: Nav,
    items: Vec<ReviewItem>,
    total: usize,
    page: usize,
    pages: usize,
    back: String,
    fields: Vec<&'static str>,
    unattached: Vec<UnattachedView>,
    review_js: String,
}

/// Incidents per review page.
pub const REVIEW_PAGE: usize = 10;

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct ReviewQuery {
    page: usize,
    focus: String,
}

pub async fn review(
    State(state): State<AppState>,
    User(user): User,
    Query(q): Query<ReviewQuery>,
) -> Result<Response, WebError> {
    user.require_review()?;
    let view = state.reconciled().await?;
    let mut queue: Vec<&Incident> =
        view.reconciliation.incidents.iter().filter(|i| data::needs_review(i)).collect();
    // Flagged and conflicting incidents first.
    queue.sort_by_key(|i| (i.review.is_empty() && i.conflicts.is_empty(), i.members.len() < 2));
    if !q.focus.is_empty()
        && let Some(pos) = queue.iter().position(|i| i.id.to_string() == q.focus)
    {
        let focused = queue.remove(pos);
        queue.insert(0, focused);
    }
    let pages = queue.len().div_ceil(REVIEW_PAGE).max(1);
    let page = q.page.clamp(1, pages);
    let mut items = Vec::new();
    for incident in queue.iter().skip((page - 1) * REVIEW_PAGE).take(REVIEW_PAGE) {
        items.push(ReviewItem {
            row: IncidentRow::of(incident),
            reasons: data::review_reasons(incident).join("; "),
            members: member_views(&state, &view, incident.members.clone(), true).await?,
        });
    }
    let page_html = ReviewPage {
        nav: Nav::of(&user),
        total: queue.len(),
        items,
        page,
        pages,
        back: if page > 1 { format!("/review?page={page}") } else { "/review".to_owned() },
        fields: Field::ALL.iter().map(|f| f.as_str()).collect(),
        unattached: unattached(&view),
        review_js: asset_url("app/review.js"),
    };
    Ok(render(&page_html))
}

/// Claims in no incident: rejected ones and totals (aggregates), at most 200.
fn unattached(view: &ReconciledView) -> Vec<UnattachedView> {
    let mut placed = vec![false; view.claims.len()];
    for incident in &view.reconciliation.incidents {
        for m in &incident.members {
            if let Some(slot) = placed.get_mut(m.claim) {
                *slot = true;
            }
        }
    }
    let rejected: HashSet<usize> = view.reconciliation.rejected_claims.iter().copied().collect();
    view.claims
        .iter()
        .enumerate()
        .filter(|(idx, _)| !placed[*idx])
        .take(200)
        .map(|(idx, input)| UnattachedView {
            key: input.key.to_string(),
            short: input.key.short(),
            title: title_of(view, &input.key.document),
            figure: count_text(&input.claim.count),
            why: if rejected.contains(&idx) {
                "rejected"
            } else if input.claim.aggregate {
                "a total"
            } else {
                "in no incident"
            },
            aggregate: input.claim.aggregate,
        })
        .collect()
}

/// A decision as the review forms and the API send it.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default)]
pub struct DecisionInput {
    /// accept, reject, reject_claim, merge, split, detach, attach, fix
    pub action: String,
    /// The incident acted on (8 hex digits).
    pub incident: String,
    /// A member claim's key (split, detach, reject_claim, attach).
    pub claim: String,
    /// The other incident (merge, attach).
    pub other: String,
    pub field: String,
    pub value: String,
}

fn anchor_ref(view: &ReconciledView, incident: &Incident) -> ClaimRef {
    let member = incident.members.iter().find(|m| m.key == incident.anchor).or(incident.members.first());
    match member {
        Some(member) => member_ref(view, member.claim, member.key),
        None => ClaimRef { key: incident.anchor, evidence: String::new() },
    }
}

fn member_ref(view: &ReconciledView, claim: usize, key: reconcile::ClaimKey) -> ClaimRef {
    match view.claims.get(claim) {
        Some(input) => ClaimRef::of(key, &input.claim),
        None => ClaimRef { key, evidence: String::new() },
    }
}

/// The claim named by its full key: a member of `incident` when given, else any claim.
fn claim_ref(view: &ReconciledView, incident: Option<&Incident>, key: &str) -> Result<ClaimRef, WebError> {
    let parsed: reconcile::ClaimKey =
        key.trim().parse().map_err(|_| WebError::BadRequest("that claim key is malformed".to_owned()))?;
    if let Some(incident) = incident {
        let member = incident
            .members
            .iter()
            .find(|m| m.key == parsed)
            .ok_or_else(|| WebError::BadRequest("that claim is not in the incident".to_owned()))?;
        return Ok(member_ref(view, member.claim, member.key));
    }
    let idx = view
        .claims
        .iter()
        .position(|c| c.key == parsed)
        .ok_or_else(|| WebError::BadRequest("no such claim".to_owned()))?;
    Ok(member_ref(view, idx, parsed))
}

/// Builds a decision from the current view, as the CLI does.
pub fn build_decision(view: &ReconciledView, input: &DecisionInput) -> Result<Decision, WebError> {
    let incident = || {
        find_incident(view, &input.incident).map_err(|_| WebError::BadRequest("no such incident".to_owned()))
    };
    let other = || {
        find_incident(view, &input.other)
            .map_err(|_| WebError::BadRequest("no such incident to merge or attach to".to_owned()))
    };
    Ok(match input.action.as_str() {
        "accept" => Decision::Accept { incident: anchor_ref(view, incident()?) },
        "reject" | "reject_incident" => Decision::RejectIncident { incident: anchor_ref(view, incident()?) },
        "merge" => {
            let (a, b) = (incident()?, other()?);
            if a.id == b.id {
                return Err(WebError::BadRequest("an incident cannot be merged with itself".to_owned()));
            }
            Decision::Merge { a: anchor_ref(view, a), b: anchor_ref(view, b) }
        }
        "split" | "detach" => {
            let incident = incident()?;
            if incident.members.len() < 2 {
                return Err(WebError::BadRequest("the incident has only one claim".to_owned()));
            }
            let claim = claim_ref(view, Some(incident), &input.claim)?;
            if input.action == "split" { Decision::Split { claim } } else { Decision::Detach { claim } }
        }
        "reject_claim" => {
            let incident = if input.incident.is_empty() { None } else { Some(incident()?) };
            Decision::RejectClaim { claim: claim_ref(view, incident, &input.claim)? }
        }
        "attach" => {
            let incident = if input.incident.is_empty() { None } else { Some(incident()?) };
            Decision::Attach {
                claim: claim_ref(view, incident, &input.claim)?,
                to: anchor_ref(view, other()?),
            }
        }
        "fix" => {
            let field: Field =
                input.field.parse().map_err(|_| WebError::BadRequest("unknown field to fix".to_owned()))?;
            if input.value.trim().is_empty() {
                return Err(WebError::BadRequest("give a value to set".to_owned()));
            }
            Decision::Fix {
                incident: anchor_ref(view, incident()?),
                field,
                value: input.value.trim().to_owned(),
            }
        }
        _ => return Err(WebError::BadRequest("unknown action".to_owned())),
    })
}

/// Stores a decision by `user` (audited by the store), then rebuilds the cached view so the
/// next page shows it. Returns the decision's id.
pub async fn decide(state: &AppState, user: &SignedIn, input: DecisionInput) -> Result<i64, WebError> {
    user.require_review()?;
    let view = state.reconciled().await?;
    let decision = build_decision(&view, &input)?;
    let actor = user.name.clone();
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let now = i64::try_from(now).unwrap_or(i64::MAX);
    let id = state
        .with_store(move |backend, _| {
            Ok(service::with_store!(backend, store => service::record_decision(store, &decision, &actor, now))?)
        })
        .await?;
    state.invalidate();
    state.reconciled().await?;
    Ok(id)
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct DecisionForm {
    csrf: String,
    back: String,
    #[serde(flatten)]
    input: DecisionInput,
}

pub async fn decide_form(
    State(state): State<AppState>,
    User(user): User,
    Form(form): Form<DecisionForm>,
) -> Result<Response, WebError> {
    user.check_csrf(Some(&form.csrf))?;
    user.require_review()?;
    decide(&state, &user, form.input).await?;
    let back = if form.back.starts_with("/review") { form.back } else { "/review".to_owned() };
    Ok(Redirect::to(&back).into_response())
}

// ---------------------------------------------------------------------------------------------
// Users (admin)

pub struct UserView {
    pub name: String,
    pub role: &'static str,
    pub disabled: bool,
}

#[derive(Template)]
#[template(path = "app/admin.html")]
struct AdminPage {
    nav: Nav,
    users: Vec<UserView>,
    tokens: Vec<store::ApiTokenRecord>,
    roles: Vec<&'static str>,
    new_token: String,
}

async fn admin_page(
    state: &AppState,
    user: &SignedIn,
    flash: String,
    new_token: String,
) -> Result<Response, WebError> {
    user.require_admin()?;
    let (users, tokens) = state
        .with_store(|backend, _| {
            let users = service::with_store!(backend, store => store::Store::list_users(&*store))?;
            let tokens = service::with_store!(backend, store => store::Store::list_api_tokens(&*store))?;
            Ok((users, tokens))
        })
        .await?;
    let mut nav = Nav::of(user);
    nav.flash = flash;
    Ok(render(&AdminPage {
        nav,
        users: users
            .into_iter()
            .map(|u| UserView { name: u.name, role: u.role.as_str(), disabled: u.disabled })
            .collect(),
        tokens,
        roles: [Role::Viewer, Role::Analyst, Role::Admin].iter().map(|r| r.as_str()).collect(),
        new_token,
    }))
}

pub async fn admin(State(state): State<AppState>, User(user): User) -> Result<Response, WebError> {
    admin_page(&state, &user, String::new(), String::new()).await
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct AdminForm {
    csrf: String,
    name: String,
    role: String,
    password: String,
    disabled: String,
    label: String,
    id: i64,
}

fn role_of(text: &str) -> Result<Role, WebError> {
    Role::parse(text).ok_or_else(|| WebError::BadRequest("unknown role".to_owned()))
}

/// Runs an admin change and shows the users page with the outcome. Rule violations (the last
/// admin, a short password) are shown to the admin; store failures are not.
async fn admin_change<F>(
    state: &AppState,
    user: &SignedIn,
    form: &AdminForm,
    done: String,
    change: F,
) -> Result<Response, WebError>
where
    F: FnOnce(&mut service::open::Backend, &str) -> Result<Option<String>, service::ServiceError>
        + Send
        + 'static,
{
    user.check_csrf(Some(&form.csrf))?;
    user.require_admin()?;
    let actor = user.name.clone();
    let outcome = state.with_store(move |backend, _| Ok(change(backend, &actor))).await?;
    match outcome {
        Ok(token) => admin_page(state, user, done, token.unwrap_or_default()).await,
        Err(service::ServiceError::InvalidInput(message) | service::ServiceError::Forbidden(message)) => {
            Err(WebError::BadRequest(message))
        }
        Err(service::ServiceError::Store(store::StoreError::Conflict(_))) => {
            Err(WebError::BadRequest("a user with that name exists".to_owned()))
        }
        Err(service::ServiceError::Store(store::StoreError::NotFound(_))) => {
            Err(WebError::BadRequest("no such user".to_owned()))
        }
        Err(err) => Err(err.into()),
    }
}

pub async fn admin_add_user(
    State(state): State<AppState>,
    User(user): User,
    Form(form): Form<AdminForm>,
) -> Result<Response, WebError> {
    let role = role_of(&form.role)?;
    let (name, password) = (form.name.trim().to_owned(), form.password.clone());
    let done = format!("added {name}");
    admin_change(&state, &user, &form, done, move |backend, actor| {
        service::with_store!(backend, store => service::users::create_user(store, &name, role, &password, actor)).map(|_| None)
    })
    .await
}

pub async fn admin_set_role(
    State(state): State<AppState>,
    User(user): User,
    headers: HeaderMap,
    Form(form): Form<AdminForm>,
) -> Result<Response, WebError> {
    let role = role_of(&form.role)?;
    let name = form.name.clone();
    let response = admin_change(&state, &user, &form, format!("{name} is now {}", role.as_str()), {
        let name = name.clone();
        move |backend, actor| {
            service::with_store!(backend, store => service::users::set_role(store, &name, role, actor))
                .map(|_| None)
        }
    })
    .await?;
    // Other sessions end; the admin's own (if they changed themselves) takes the new role.
    state.sessions().end_user_except(&name, auth::session_cookie_value(&headers).as_deref());
    state.sessions().set_role(&name, role);
    Ok(response)
}

pub async fn admin_set_disabled(
    State(state): State<AppState>,
    User(user): User,
    headers: HeaderMap,
    Form(form): Form<AdminForm>,
) -> Result<Response, WebError> {
    let disabled = form.disabled == "true";
    let name = form.name.clone();
    let done = format!("{name} {}", if disabled { "disabled" } else { "enabled" });
    let response = admin_change(&state, &user, &form, done, {
        let name = name.clone();
        move |backend, actor| service::with_store!(backend, store => service::users::set_disabled(store, &name, disabled, actor)).map(|_| None)
    })
    .await?;
    if disabled {
        state.sessions().end_user_except(&name, auth::session_cookie_value(&headers).as_deref());
    }
    Ok(response)
}

pub async fn admin_password(
    State(state): State<AppState>,
    User(user): User,
    headers: HeaderMap,
    Form(form): Form<AdminForm>,
) -> Result<Response, WebError> {
    let (name, password) = (form.name.clone(), form.password.clone());
    let response = admin_change(&state, &user, &form, format!("password of {name} reset"), {
        let name = name.clone();
        move |backend, actor| service::with_store!(backend, store => service::users::change_password(store, &name, &password, actor)).map(|_| None)
    })
    .await?;
    // Every other session of the user ends, the admin's own other sessions too.
    state.sessions().end_user_except(&name, auth::session_cookie_value(&headers).as_deref());
    Ok(response)
}

pub async fn admin_new_token(
    State(state): State<AppState>,
    User(user): User,
    Form(form): Form<AdminForm>,
) -> Result<Response, WebError> {
    let (name, label) = (form.name.clone(), form.label.trim().to_owned());
    admin_change(&state, &user, &form, format!("token created for {name}"), move |backend, actor| {
        service::with_store!(backend, store => service::users::new_api_token(store, &name, &label, actor))
            .map(|(token, _)| Some(token))
    })
    .await
}

pub async fn admin_revoke_token(
    State(state): State<AppState>,
    User(user): User,
    Form(form): Form<AdminForm>,
) -> Result<Response, WebError> {
    let id = form.id;
    admin_change(&state, &user, &form, format!("token {id} revoked"), move |backend, actor| {
        service::with_store!(backend, store => service::users::revoke_api_token(store, id, actor))
            .map(|_| None)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_in_only_returns_to_local_paths() {
        assert_eq!(safe_next("/incidents/0a1b2c3d?x=1"), "/incidents/0a1b2c3d?x=1");
        for bad in [
            "//evil.example/",
            "https://evil.example/",
            "/\\evil.example",
            "javascript:alert(1)",
            "",
            "/login",
        ] {
            assert_eq!(safe_next(bad), "/dashboard", "{bad}");
        }
    }

    #[test]
    fn sign_in_only_follows_strict_local_paths() {
        for good in ["/dashboard", "/incidents/12?tab=claims&x=1", "/search?q=caf%C3%A9", "/a-b_c.d"] {
            assert_eq!(safe_next(good), good, "{good}");
        }
        for bad in [
            "/%09/evil.example",
            "/%0a/evil.example",
            "/%7f/evil.example",
            "/%5c/evil.example",
            "/%2f/evil.example",
            "/%zz",
            "/%2",
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "https://evil.example/",
            "evil.example",
            "",
            "/login?next=//evil.example",
            "/a b",
            "/a@evil.example:80",
            "/caf\u{e9}",
        ] {
            assert_eq!(safe_next(bad), "/dashboard", "{bad:?}");
        }
    }

    #[test]
    fn evidence_is_cut_from_its_paragraph() {
        let text = "First paragraph.\n\nBefore. On 3 May 40 people were deported. After.\n\nLast.".to_owned();
        let start = text.find("On 3 May").expect("sentence");
        let end = start + "On 3 May 40 people were deported.".len();
        let document = store::StoredDocument {
            hash: domain::ContentHash([1; 32]),
            url: None,
            source_path: None,
            ingested_at: 0,
            pipeline_version: String::new(),
            page_size: 0,
            title: None,
            author: None,
            published: None,
            published_from: None,
            language: None,
            text,
            removed: Vec::new(),
            claims: Vec::new(),
        };
        let cut = cut_evidence(&document, start, end).expect("cut");
        assert_eq!(cut.before, "Before. ");
        assert_eq!(cut.sentence, "On 3 May 40 people were deported.");
        assert_eq!(cut.after, " After.");
        assert!(cut_evidence(&document, end, start).is_none());
        assert!(cut_evidence(&document, 0, 10_000).is_none());
    }
}
