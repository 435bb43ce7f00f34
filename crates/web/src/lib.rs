//! `web`: refwatch's web app (issue 7). Server-rendered HTML (askama, auto-escaped) with a little
//! JavaScript, every asset embedded in the binary (rust-embed), and a JSON API under `/api/`.
//!
//! - [`AppState`]: the store access (a small pool of connections, each used on a blocking
//!   thread), the unlocked data key when given, the session table and the cached reconciled
//!   view ([`AppState::reconciled`]).
//! - [`router`] builds every route; [`serve`] runs it on a bound listener (tests bind port 0).
//! - `public`: the bulletin for anonymous readers, built from types that cannot hold personal data.
//!
//! **Boundary:** only this crate knows HTTP, JSON DTOs and templates; handlers hold no business
//! rules and call the service layer. **Invariant:** no page handler reconciles: they read the
//! cached view, which is rebuilt after a write or when the store's counts change.

mod api;
mod assets;
pub mod auth;
pub mod data;
mod error;
mod headers;
pub mod pages;
pub mod public;
mod state;

use std::future::Future;
use std::net::SocketAddr;

use axum::Router;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

pub use api::OPENAPI;
pub use error::{ApiError, Rejection, WebError};
pub use state::{AppState, Config};

/// Every route of the app.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(pages::home))
        .route("/login", get(pages::login_form).post(pages::login))
        .route("/logout", post(pages::logout))
        .route("/dashboard", get(pages::dashboard))
        .route("/incidents/{id}", get(pages::incident_page))
        .route("/review", get(pages::review))
        .route("/review/decide", post(pages::decide_form))
        .route("/admin", get(pages::admin))
        .route("/admin/users", post(pages::admin_add_user))
        .route("/admin/users/role", post(pages::admin_set_role))
        .route("/admin/users/disabled", post(pages::admin_set_disabled))
        .route("/admin/users/password", post(pages::admin_password))
        .route("/admin/tokens", post(pages::admin_new_token))
        .route("/admin/tokens/revoke", post(pages::admin_revoke_token))
        .merge(api::routes())
        .nest("/public", public::router())
        // The bulletin lives at `/public`; a typed trailing slash still finds it.
        .route("/public/", get(|| async { axum::response::Redirect::permanent("/public") }))
        .route("/assets/{*path}", get(assets::serve_asset))
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), headers::security_headers))
        .with_state(state)
}

/// Serves the app on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}

/// Renders a template as an HTML page; a template that fails to render is a 500 with a generic
/// message (the cause is logged).
pub fn render<T: askama::Template>(template: &T) -> Response {
    match template.render() {
        Ok(html) => axum::response::Html(html).into_response(),
        Err(err) => WebError::Internal(format!("template: {err}")).into_response(),
    }
}

/// The URL of an embedded asset with a version query from its content hash, so that assets can
/// be cached for a year and still change with the binary. `path` is relative to `assets/`
/// (e.g. `vendor/uplot.min.css`).
pub fn asset_url(path: &str) -> String {
    assets::url(path)
}

async fn not_found() -> WebError {
    WebError::NotFound
}
