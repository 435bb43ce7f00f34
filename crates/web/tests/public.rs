//! Handler tests of the public bulletin (`/public`): the demo pages and a canary page ingested
//! into a temporary SQLite database, requests sent to the router without a network.

use std::path::{Path, PathBuf};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use service::open::Location;
use tower::ServiceExt;
use web::{AppState, Config};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The page of e2e/fixtures that names the canary person "Canary Testperson-7Q".
fn canary_fixture() -> PathBuf {
    repo().join("e2e/fixtures/canary-germany-afghanistan.txt")
}

struct App {
    router: Router,
    state: AppState,
    db: PathBuf,
    _dir: tempfile::TempDir,
}

/// A database with examples/ and the e2e canary page, served by a fresh app; with `accept_all`
/// every incident is accepted (reviewed).
async fn app(accept_all: bool) -> App {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("public.db");
    let location = Location::File(db.clone());
    let mut backend = service::open::open(&location).expect("open");
    let paths = vec![repo().join("examples"), canary_fixture()];
    let summary = service::with_store!(&mut backend, store => service::ingest(
        store,
        &paths,
        &service::IngestOptions::default(),
        &service::NoProgress,
    ))
    .expect("ingest");
    assert!(summary.new >= 6, "{summary:?}");
    if accept_all {
        // Accept every incident, as an analyst would in the review queue.
        let view =
            service::with_store!(&mut backend, store => service::reconcile(&*store)).expect("reconcile");
        for incident in &view.reconciliation.incidents {
            let anchor = view.claims.iter().find(|c| c.key == incident.anchor).expect("anchor claim");
            let decision =
                reconcile::Decision::Accept { incident: reconcile::ClaimRef::of(anchor.key, &anchor.claim) };
            service::with_store!(&mut backend, store => service::record_decision(store, &decision, "test", 0))
                .expect("accept");
        }
    }
    drop(backend);
    let state = AppState::open(location, None, Config::default()).await.expect("app state");
    App { router: web::router(state.clone()), state, db, _dir: dir }
}

struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

async fn get(app: &App, path: &str, cookie: Option<&str>) -> Reply {
    let mut request = Request::builder().uri(path);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    let response =
        app.router.clone().oneshot(request.body(Body::empty()).expect("request")).await.expect("response");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("body");
    Reply { status, headers, body: String::from_utf8(bytes.to_vec()).expect("utf-8 body") }
}

fn assert_no_canary(reply: &Reply, what: &str) {
    let lower = reply.body.to_lowercase();
    assert!(!lower.contains("testperson"), "{what} names the canary:\n{}", reply.body);
    assert!(reply.headers.get(header::SET_COOKIE).is_none(), "{what} sets a cookie");
}

/// Links to incident pages on the front page.
fn incident_links(html: &str) -> Vec<String> {
    html.split("href=\"/public/incidents/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|id| format!("/public/incidents/{id}"))
        .collect()
}

#[tokio::test]
async fn every_public_page_and_download_is_free_of_the_canary_and_of_cookies() {
    let app = app(true).await;
    // The canary page is in the database and reconciled (so the test can fail).
    let canary_hash = domain::ContentHash::of(&std::fs::read(canary_fixture()).expect("fixture"));
    let view = app.state.reconciled().await.expect("view");
    assert!(view.claims.iter().any(|c| c.key.document == canary_hash), "the canary page gave no claim");

    let front = get(&app, "/public", Some("refwatch_session=whatever")).await;
    assert_eq!(front.status, StatusCode::OK, "{}", front.body);
    assert_no_canary(&front, "the front page");
    let csp = front.headers.get(header::CONTENT_SECURITY_POLICY).and_then(|v| v.to_str().ok()).unwrap_or("");
    assert!(csp.contains("default-src 'self'"), "CSP: {csp}");
    assert!(!front.body.contains("<script>"), "an inline script on the front page");
    assert!(front.body.contains("Afghanistan"), "the canary page's incident is not public:\n{}", front.body);

    let links = incident_links(&front.body);
    assert!(!links.is_empty());
    for link in &links {
        let page = get(&app, link, None).await;
        assert_eq!(page.status, StatusCode::OK, "{link}");
        assert_no_canary(&page, link);
        assert!(page.body.contains("Sources"), "{link}");
    }

    let feed = get(&app, "/public/feed.atom", None).await;
    assert_eq!(feed.status, StatusCode::OK);
    assert_no_canary(&feed, "the feed");
    assert!(
        feed.headers
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"application/atom+xml")),
        "{:?}",
        feed.headers
    );
    assert!(feed.body.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>"));
    assert_eq!(feed.body.matches("<entry>").count(), links.len().min(50));
    assert_eq!(feed.body.matches("<entry>").count(), feed.body.matches("</entry>").count());
    // Stable ids: the same feed twice.
    assert_eq!(get(&app, "/public/feed.atom", None).await.body, feed.body);

    let csv = get(&app, "/public/incidents.csv", None).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_no_canary(&csv, "the CSV");
    let rows: Vec<&str> = csv.body.lines().collect();
    assert!(rows[0].starts_with("id,type,date_start"), "{}", rows[0]);
    let columns = rows[0].split(',').count();
    for row in &rows[1..] {
        assert!(row.split(',').count() >= columns, "short row: {row}");
    }

    let json = get(&app, "/public/incidents.json", None).await;
    assert_eq!(json.status, StatusCode::OK);
    assert_no_canary(&json, "the JSON");
    let value: serde_json::Value = serde_json::from_str(&json.body).expect("valid JSON");
    assert_eq!(value["schema"], "refwatch.public/1");
    let incidents = value["incidents"].as_array().expect("incidents");
    assert_eq!(incidents.len(), rows.len() - 1, "CSV and JSON list the same incidents");
    assert!(incidents.len() >= links.len());
    for incident in incidents {
        for absent in ["title", "evidence", "persons", "notes", "actor", "text"] {
            assert!(incident.get(absent).is_none(), "{absent} in {incident}");
        }
    }
}

#[tokio::test]
async fn unknown_and_malformed_ids_are_not_found_without_a_cookie() {
    let app = app(true).await;
    for path in ["/public/incidents/ffffffff", "/public/incidents/not-an-id", "/public/nothing-here"] {
        let reply = get(&app, path, None).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
        assert!(reply.headers.get(header::SET_COOKIE).is_none(), "{path}");
    }
}

#[tokio::test]
async fn a_rejected_incident_leaves_the_bulletin() {
    let app = app(true).await;
    let front = get(&app, "/public", None).await;
    let links = incident_links(&front.body);
    let first = links.first().expect("an incident").clone();
    let id: reconcile::IncidentId = first.rsplit('/').next().unwrap_or_default().parse().expect("id");

    // Reject it the way the review UI does: a stored decision naming its anchor claim.
    let view = app.state.reconciled().await.expect("view");
    let incident = view.reconciliation.incidents.iter().find(|i| i.id == id).expect("incident");
    let anchor = view.claims.iter().find(|c| c.key == incident.anchor).expect("anchor claim");
    let decision =
        reconcile::Decision::RejectIncident { incident: reconcile::ClaimRef::of(anchor.key, &anchor.claim) };
    let location = Location::File(app.db.clone());
    let mut backend = service::open::open(&location).expect("open");
    service::with_store!(&mut backend, store => service::record_decision(store, &decision, "e2e", 0))
        .expect("decision");
    app.state.invalidate();

    assert_eq!(get(&app, &first, None).await.status, StatusCode::NOT_FOUND);
    let after = get(&app, "/public", None).await;
    assert!(!incident_links(&after.body).contains(&first));
    let csv = get(&app, "/public/incidents.csv", None).await;
    assert!(!csv.body.contains(&id.to_string()));
}

#[tokio::test]
async fn nothing_unreviewed_is_published() {
    let app = app(false).await;
    let view = app.state.reconciled().await.expect("view");
    assert!(!view.reconciliation.incidents.is_empty());
    let front = get(&app, "/public", None).await;
    assert_eq!(front.status, StatusCode::OK);
    assert!(incident_links(&front.body).is_empty(), "{}", front.body);
    assert!(front.body.contains("No incident has been reviewed yet."));
    let csv = get(&app, "/public/incidents.csv", None).await;
    assert_eq!(csv.body.lines().count(), 1, "{}", csv.body);
    let first = view.reconciliation.incidents[0].id;
    assert_eq!(get(&app, &format!("/public/incidents/{first}"), None).await.status, StatusCode::NOT_FOUND);
}
