//! Handler tests (issue 7): sign-in, CSRF, roles, decisions through the UI, every page with the
//! demo data, the OpenAPI document. Each test builds its own database in a temp folder from
//! `examples/` and drives the router with `oneshot`.

use std::path::PathBuf;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use service::open::{Backend, Location};
use store::Role;
use tower::ServiceExt;
use web::{AppState, Config};

const ADMIN: (&str, &str) = ("admin", "admin-password-1");
const ANALYST: (&str, &str) = ("ana", "analyst-password-1");
const VIEWER: (&str, &str) = ("vic", "viewer-password-1");

struct App {
    router: Router,
    state: AppState,
    _dir: tempfile::TempDir,
}

async fn app() -> App {
    let dir = tempfile::tempdir().expect("temp dir");
    let location = Location::File(dir.path().join("web.db"));
    app_at(location, dir).await
}

async fn app_at(location: Location, dir: tempfile::TempDir) -> App {
    let setup = location.clone();
    tokio::task::spawn_blocking(move || {
        let mut backend: Backend = service::open::open(&setup).expect("open");
        let examples = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples"));
        service::with_store!(&mut backend, store => {
            service::ingest(store, &[examples], &service::IngestOptions::default(), &service::NoProgress)
                .expect("ingest");
            setup_users(store);
        });
    })
    .await
    .expect("setup");
    let state = AppState::open(location, None, Config::default()).await.expect("state");
    App { router: web::router(state.clone()), state, _dir: dir }
}

fn setup_users<S: store::Store>(store: &mut S) {
    for ((name, password), role) in
        [ADMIN, ANALYST, VIEWER].into_iter().zip([Role::Admin, Role::Analyst, Role::Viewer])
    {
        service::users::create_user(store, name, role, password, "test").expect("user");
    }
}

struct Response {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

async fn send(app: &App, request: Request<Body>) -> Response {
    let response = app.router.clone().oneshot(request).await.expect("response");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), 64 * 1024 * 1024).await.expect("body");
    Response { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
}

async fn get(app: &App, uri: &str, cookie: Option<&str>) -> Response {
    let mut request = Request::get(uri);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    send(app, request.body(Body::empty()).expect("request")).await
}

async fn post_form(app: &App, uri: &str, cookie: Option<&str>, form: &[(&str, &str)]) -> Response {
    let body =
        form.iter().map(|(k, v)| format!("{k}={}", web::data::encode(v))).collect::<Vec<_>>().join("&");
    let mut request = Request::post(uri).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    send(app, request.body(Body::from(body)).expect("request")).await
}

/// Signs in; returns the cookie header value and the session's CSRF token.
async fn sign_in(app: &App, (name, password): (&str, &str)) -> (String, String) {
    let response =
        post_form(app, "/login", None, &[("username", name), ("password", password), ("next", "/dashboard")])
            .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    let set =
        response.headers.get(header::SET_COOKIE).expect("set-cookie").to_str().expect("ascii").to_owned();
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Strict") && set.contains("Path=/"), "{set}");
    let cookie = set.split(';').next().expect("pair").to_owned();
    let page = get(app, "/dashboard", Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let csrf =
        page.body.split("data-csrf=\"").nth(1).and_then(|s| s.split('"').next()).expect("csrf").to_owned();
    assert_eq!(csrf.len(), 64);
    (cookie, csrf)
}

async fn first_incident(app: &App) -> String {
    let view = app.state.reconciled().await.expect("view");
    view.reconciliation.incidents.iter().find(|i| !i.rejected).expect("an incident").id.to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_succeeds_fails_and_is_rate_limited() {
    let app = app().await;
    let (cookie, _) = sign_in(&app, ANALYST).await;
    assert_eq!(get(&app, "/review", Some(&cookie)).await.status, StatusCode::OK);

    // Anonymous pages redirect to the sign-in page; the API answers 401.
    let anonymous = get(&app, "/dashboard", None).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert!(anonymous.headers[header::LOCATION].to_str().expect("ascii").starts_with("/login?next="));
    assert_eq!(get(&app, "/api/incidents", None).await.status, StatusCode::UNAUTHORIZED);
    let home = get(&app, "/", None).await;
    assert_eq!(home.headers[header::LOCATION], "/public");
    assert_eq!(get(&app, "/public", None).await.status, StatusCode::OK);
    assert_eq!(get(&app, "/public/", None).await.headers[header::LOCATION], "/public");
    // A forged cookie is nobody.
    let forged = format!("refwatch_session={}", "ab".repeat(32));
    assert_eq!(get(&app, "/api/me", Some(&forged)).await.status, StatusCode::UNAUTHORIZED);

    // Signed in before the failures below (which, in tests without a socket, share one address).
    let (admin, admin_csrf) = sign_in(&app, ADMIN).await;
    for _ in 0..5 {
        let wrong =
            post_form(&app, "/login", None, &[("username", "vic"), ("password", "nope-nope-nope")]).await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        assert!(wrong.headers.get(header::SET_COOKIE).is_none());
    }
    // Even the right password waits now.
    let limited = post_form(&app, "/login", None, &[("username", VIEWER.0), ("password", VIEWER.1)]).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.headers.contains_key(header::RETRY_AFTER));

    // Logout ends the session.
    assert_eq!(get(&app, "/api/me", Some(&admin)).await.status, StatusCode::OK);
    let out = post_form(&app, "/logout", Some(&admin), &[("csrf", &admin_csrf)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(get(&app, "/api/me", Some(&admin)).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posts_without_the_csrf_token_are_refused() {
    let app = app().await;
    let (cookie, _) = sign_in(&app, ANALYST).await;
    let id = first_incident(&app).await;
    let response = post_form(
        &app,
        "/review/decide",
        Some(&cookie),
        &[("action", "accept"), ("incident", &id), ("csrf", "0".repeat(64).as_str())],
    )
    .await;
    assert_eq!(response.status, StatusCode::FORBIDDEN);
    let json = Request::post("/api/decisions")
        .header(header::COOKIE, &cookie)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(format!(r#"{{"action":"accept","incident":"{id}"}}"#)))
        .expect("request");
    assert_eq!(send(&app, json).await.status, StatusCode::FORBIDDEN);
    assert!(app.state.reconciled().await.expect("view").decisions.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn viewers_cannot_decide_or_read_text() {
    let app = app().await;
    let (cookie, csrf) = sign_in(&app, VIEWER).await;
    let id = first_incident(&app).await;
    let response = post_form(
        &app,
        "/review/decide",
        Some(&cookie),
        &[("action", "accept"), ("incident", &id), ("csrf", &csrf)],
    )
    .await;
    assert_eq!(response.status, StatusCode::FORBIDDEN);
    assert_eq!(get(&app, "/review", Some(&cookie)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(get(&app, "/admin", Some(&cookie)).await.status, StatusCode::FORBIDDEN);
    let detail = get(&app, &format!("/api/incidents/{id}"), Some(&cookie)).await;
    assert_eq!(detail.status, StatusCode::OK);
    assert!(!detail.body.contains("\"evidence\""), "{}", detail.body);
    let page = get(&app, &format!("/incidents/{id}"), Some(&cookie)).await;
    assert!(!page.body.contains("<mark>") && !page.body.contains("Linked case files"));
    // The analyst gets the evidence.
    let (cookie, _) = sign_in(&app, ANALYST).await;
    let detail = get(&app, &format!("/api/incidents/{id}"), Some(&cookie)).await;
    assert!(detail.body.contains("\"evidence\""), "{}", detail.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_decision_through_the_ui_changes_the_view_and_is_audited() {
    let app = app().await;
    let (cookie, csrf) = sign_in(&app, ANALYST).await;
    let id = first_incident(&app).await;
    let reviewed = get(&app, "/dashboard?reviewed=yes", Some(&cookie)).await;
    assert!(!reviewed.body.contains(&format!("/incidents/{id}")), "not reviewed yet");
    let response = post_form(
        &app,
        "/review/decide",
        Some(&cookie),
        &[("action", "accept"), ("incident", &id), ("csrf", &csrf), ("back", "/review")],
    )
    .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    let view = app.state.reconciled().await.expect("view");
    let incident =
        view.reconciliation.incidents.iter().find(|i| i.id.to_string() == id).expect("still there");
    assert!(incident.reviewed);
    assert_eq!(view.decisions.len(), 1);
    assert_eq!(view.decisions[0].decision.actor, ANALYST.0);
    let audit = app
        .state
        .with_store(|backend, _| {
            Ok(service::with_store!(backend, store => store::Store::audit_log(&*store))?)
        })
        .await
        .expect("audit");
    assert!(audit.iter().any(|e| e.action == "decision" && e.actor == ANALYST.0), "{audit:?}");
    let page = get(&app, &format!("/incidents/{id}"), Some(&cookie)).await;
    assert!(page.body.contains("accept by ana"), "{}", page.body);
    // The remembered filter results follow the new view.
    let reviewed = get(&app, "/dashboard?reviewed=yes", Some(&cookie)).await;
    assert!(reviewed.body.contains(&format!("/incidents/{id}")), "{}", reviewed.body);

    // Rejecting through the JSON API with the CSRF header.
    let other = view
        .reconciliation
        .incidents
        .iter()
        .find(|i| !i.reviewed && !i.rejected)
        .expect("another")
        .id
        .to_string();
    let json = Request::post("/api/decisions")
        .header(header::COOKIE, &cookie)
        .header("x-csrf-token", &csrf)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(format!(r#"{{"action":"reject","incident":"{other}"}}"#)))
        .expect("request");
    let response = send(&app, json).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let view = app.state.reconciled().await.expect("view");
    assert!(view.reconciliation.incidents.iter().any(|i| i.id.to_string() == other && i.rejected));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_renders_with_the_demo_data() {
    let app = app().await;
    let (cookie, _) = sign_in(&app, ADMIN).await;
    let id = first_incident(&app).await;
    for uri in [
        "/dashboard".to_owned(),
        "/dashboard?perpetrator=CN&reviewed=no&from=2000&to=2030".to_owned(),
        "/dashboard?q=deported".to_owned(),
        format!("/incidents/{id}"),
        "/review".to_owned(),
        "/admin".to_owned(),
        "/api/me".to_owned(),
        "/api/incidents?size=2&page=2".to_owned(),
        format!("/api/incidents/{id}"),
        "/api/timeline".to_owned(),
        "/api/map".to_owned(),
        "/api/search?q=deported".to_owned(),
        "/api/review".to_owned(),
        "/api/incidents.csv".to_owned(),
        "/api/openapi.json".to_owned(),
        "/assets/app/app.css".to_owned(),
        "/assets/app/review.js".to_owned(),
    ] {
        let response = get(&app, &uri, Some(&cookie)).await;
        assert_eq!(response.status, StatusCode::OK, "{uri}: {}", response.body);
        let csp = response.headers[header::CONTENT_SECURITY_POLICY].to_str().expect("ascii");
        assert!(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"), "{uri}");
        assert_eq!(response.headers[header::REFERRER_POLICY], "no-referrer");
        assert_eq!(response.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        let cache = response.headers[header::CACHE_CONTROL].to_str().expect("ascii");
        assert_eq!(cache == "no-store", !uri.starts_with("/assets/"), "{uri}: {cache}");
        assert!(
            !response.body.contains("http://") || uri.ends_with(".json") || uri.contains("/api/"),
            "{uri} links elsewhere"
        );
    }
    let csv = get(&app, "/api/incidents.csv", Some(&cookie)).await;
    let n_rows = csv.body.lines().count() - 1;
    let view = app.state.reconciled().await.expect("view");
    assert_eq!(n_rows, view.reconciliation.incidents.len());
    assert_eq!(get(&app, "/incidents/zzzz", Some(&cookie)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(get(&app, "/assets/nothing.js", Some(&cookie)).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_manage_users_and_tokens() {
    let app = app().await;
    let (cookie, csrf) = sign_in(&app, ADMIN).await;
    let added = post_form(
        &app,
        "/admin/users",
        Some(&cookie),
        &[("csrf", &csrf), ("name", "newbie"), ("role", "viewer"), ("password", "newbie-password-1")],
    )
    .await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.body);
    assert!(added.body.contains("newbie"));
    let token = post_form(
        &app,
        "/admin/tokens",
        Some(&cookie),
        &[("csrf", &csrf), ("name", "newbie"), ("label", "script")],
    )
    .await;
    let token = token
        .body
        .split("<code>")
        .nth(1)
        .and_then(|s| s.split("</code>").next())
        .expect("token shown")
        .to_owned();
    let request = Request::get("/api/me")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .expect("request");
    let me = send(&app, request).await;
    assert_eq!(me.status, StatusCode::OK);
    assert!(me.body.contains("\"role\":\"viewer\""), "{}", me.body);
    let request = Request::get("/api/me")
        .header(header::AUTHORIZATION, "Bearer rwt_wrong")
        .body(Body::empty())
        .expect("request");
    assert_eq!(send(&app, request).await.status, StatusCode::UNAUTHORIZED);
    // Disabling ends the user's sessions.
    let (newbie, _) = sign_in(&app, ("newbie", "newbie-password-1")).await;
    let disabled = post_form(
        &app,
        "/admin/users/disabled",
        Some(&cookie),
        &[("csrf", &csrf), ("name", "newbie"), ("disabled", "true")],
    )
    .await;
    assert_eq!(disabled.status, StatusCode::OK);
    assert_eq!(get(&app, "/api/me", Some(&newbie)).await.status, StatusCode::UNAUTHORIZED);
    // The last admin cannot be demoted.
    let demote = post_form(
        &app,
        "/admin/users/role",
        Some(&cookie),
        &[("csrf", &csrf), ("name", "admin"), ("role", "viewer")],
    )
    .await;
    assert_eq!(demote.status, StatusCode::BAD_REQUEST);
}

#[test]
fn the_openapi_document_lists_every_api_route() {
    let spec: serde_json::Value = serde_json::from_str(web::OPENAPI).expect("valid JSON");
    let paths = spec["paths"].as_object().expect("paths");
    let source = include_str!("../src/api.rs");
    let routes: Vec<&str> =
        source.split(".route(\"").skip(1).filter_map(|rest| rest.split('"').next()).collect();
    assert!(routes.len() >= 9, "{routes:?}");
    for route in &routes {
        assert!(paths.contains_key(*route), "{route} is not in openapi.json");
    }
    for path in paths.keys() {
        assert!(routes.contains(&path.as_str()), "{path} is documented but not routed");
    }
}

/// The accept decision (migration 0006) and the cached view on PostgreSQL, when
/// `REFWATCH_TEST_POSTGRES` names a server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accept_through_the_ui_on_postgres() {
    let Some(url) = store_postgres::test_support::test_url() else { return };
    let schema = tokio::task::spawn_blocking(move || store_postgres::test_support::TempSchema::create(&url))
        .await
        .expect("task")
        .expect("schema");
    let location = Location::parse(std::path::Path::new(schema.url())).expect("url");
    let app = app_at(location, tempfile::tempdir().expect("temp dir")).await;
    let (cookie, csrf) = sign_in(&app, ANALYST).await;
    let id = first_incident(&app).await;
    let response = post_form(
        &app,
        "/review/decide",
        Some(&cookie),
        &[("action", "accept"), ("incident", &id), ("csrf", &csrf)],
    )
    .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    let view = app.state.reconciled().await.expect("view");
    assert!(view.reconciliation.incidents.iter().any(|i| i.id.to_string() == id && i.reviewed));
    drop(app);
    tokio::task::spawn_blocking(move || drop(schema)).await.expect("drop schema");
}

/// A decision stored by another process (the CLI) reaches the cached view once the staleness
/// check runs, without any write through the app.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cache_follows_writes_from_other_processes() {
    let app = app().await;
    let location = Location::File(app._dir.path().join("web.db"));
    let config = Config { staleness_check: std::time::Duration::ZERO, ..Config::default() };
    let state = AppState::open(location.clone(), None, config).await.expect("state");
    let view = state.reconciled().await.expect("view");
    let incident = view.reconciliation.incidents.iter().find(|i| !i.rejected).expect("incident").clone();
    let anchor = incident.members.iter().find(|m| m.key == incident.anchor).expect("anchor").clone();
    let claim = reconcile::ClaimRef::of(anchor.key, &view.claims[anchor.claim].claim);
    tokio::task::spawn_blocking(move || {
        let mut other = service::open::open(&location).expect("second connection");
        let decision = reconcile::Decision::Accept { incident: claim };
        service::with_store!(&mut other, store => service::record_decision(store, &decision, "cli", 1))
            .expect("decide");
    })
    .await
    .expect("task");
    let view = state.reconciled().await.expect("view");
    assert!(view.reconciliation.incidents.iter().any(|i| i.id == incident.id && i.reviewed));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn viewers_get_no_titles_and_cannot_search() {
    let app = app().await;
    let view = app.state.reconciled().await.expect("view");
    let incident = view.reconciliation.incidents.iter().find(|i| !i.rejected).expect("an incident");
    let id = incident.id.to_string();
    let title = incident
        .members
        .iter()
        .find_map(|m| view.titles.get(&m.key.document).cloned().flatten().filter(|t| !t.is_empty()))
        .expect("a titled member");
    let escaped = title.replace('&', "&amp;").replace('"', "&#34;").replace('\'', "&#39;");

    let (viewer, _) = sign_in(&app, VIEWER).await;
    let detail = get(&app, &format!("/api/incidents/{id}"), Some(&viewer)).await;
    assert_eq!(detail.status, StatusCode::OK);
    assert!(!detail.body.contains(&title), "{}", detail.body);
    let page = get(&app, &format!("/incidents/{id}"), Some(&viewer)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains(&title) && !page.body.contains(&escaped), "{}", page.body);
    for uri in [
        "/api/search?q=deported",
        "/api/incidents?q=deported",
        "/api/timeline?q=deported",
        "/api/map?q=deported",
        "/api/incidents.csv?q=deported",
    ] {
        assert_eq!(get(&app, uri, Some(&viewer)).await.status, StatusCode::FORBIDDEN, "{uri}");
    }
    assert_eq!(get(&app, "/api/incidents", Some(&viewer)).await.status, StatusCode::OK);
    let dashboard = get(&app, "/dashboard?q=deported", Some(&viewer)).await;
    assert_eq!(dashboard.status, StatusCode::OK);
    assert!(dashboard.body.contains("search is for analysts and admins"), "{}", dashboard.body);

    // Analysts still see titles and search.
    let (analyst, _) = sign_in(&app, ANALYST).await;
    let detail = get(&app, &format!("/api/incidents/{id}"), Some(&analyst)).await;
    assert!(detail.body.contains(&title), "{}", detail.body);
    assert_eq!(get(&app, "/api/search?q=deported", Some(&analyst)).await.status, StatusCode::OK);
    let dashboard = get(&app, "/dashboard?q=deported", Some(&analyst)).await;
    assert!(!dashboard.body.contains("search is for analysts and admins"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_guesses_are_counted_before_the_password_is_checked() {
    let app = app().await;
    let guesses = (0..12).map(|i| {
        let router = app.router.clone();
        tokio::spawn(async move {
            let body = format!("username=vic&password=guess-number-{i}");
            let request = Request::post("/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .expect("request");
            router.oneshot(request).await.expect("response").status()
        })
    });
    let mut checked = 0;
    for guess in guesses.collect::<Vec<_>>() {
        let status = guess.await.expect("task");
        assert!(status == StatusCode::UNAUTHORIZED || status == StatusCode::TOO_MANY_REQUESTS, "{status}");
        checked += usize::from(status == StatusCode::UNAUTHORIZED);
    }
    assert_eq!(checked, web::auth::FREE_FAILURES as usize, "passwords checked despite the limit");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_good_sign_in_does_not_clear_the_address_failures() {
    let app = app().await;
    // Four wrong guesses for one name from this address (tests share one address) ...
    for _ in 0..4 {
        let wrong =
            post_form(&app, "/login", None, &[("username", "vic"), ("password", "nope-nope-nope")]).await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    }
    // ... a right password for another name from it ...
    sign_in(&app, ANALYST).await;
    // ... does not reset the address: the fifth failure starts the back-off for everyone.
    let wrong =
        post_form(&app, "/login", None, &[("username", "admin"), ("password", "nope-nope-nope")]).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let limited = post_form(&app, "/login", None, &[("username", ADMIN.0), ("password", ADMIN.1)]).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn password_resets_and_role_changes_end_other_sessions() {
    let app = app().await;
    let (admin, csrf) = sign_in(&app, ADMIN).await;
    let (admin_elsewhere, _) = sign_in(&app, ADMIN).await;
    let (analyst, _) = sign_in(&app, ANALYST).await;
    let (viewer, _) = sign_in(&app, VIEWER).await;

    let role = post_form(
        &app,
        "/admin/users/role",
        Some(&admin),
        &[("csrf", &csrf), ("name", ANALYST.0), ("role", "viewer")],
    )
    .await;
    assert_eq!(role.status, StatusCode::OK, "{}", role.body);
    assert_eq!(get(&app, "/api/me", Some(&analyst)).await.status, StatusCode::UNAUTHORIZED);

    let reset = post_form(
        &app,
        "/admin/users/password",
        Some(&admin),
        &[("csrf", &csrf), ("name", VIEWER.0), ("password", "a-new-password-2")],
    )
    .await;
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.body);
    assert_eq!(get(&app, "/api/me", Some(&viewer)).await.status, StatusCode::UNAUTHORIZED);

    // An admin resetting their own password keeps this session and ends the others.
    let own = post_form(
        &app,
        "/admin/users/password",
        Some(&admin),
        &[("csrf", &csrf), ("name", ADMIN.0), ("password", "admin-password-2")],
    )
    .await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);
    assert_eq!(get(&app, "/api/me", Some(&admin)).await.status, StatusCode::OK);
    assert_eq!(get(&app, "/api/me", Some(&admin_elsewhere)).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hsts_only_when_cookies_are_secure() {
    let app = app().await;
    let plain = get(&app, "/login", None).await;
    assert!(plain.headers.get(header::STRICT_TRANSPORT_SECURITY).is_none());
    let request =
        Request::get("/login").header("x-forwarded-proto", "https").body(Body::empty()).expect("request");
    let tls = send(&app, request).await;
    assert_eq!(tls.headers[header::STRICT_TRANSPORT_SECURITY], "max-age=31536000");
}
