//! The public bulletin (no sign-in, no cookies): reviewed incidents and aggregates only.
//! Stub: helper W2 builds it.

use axum::Router;
use axum::response::Html;
use axum::routing::get;

use crate::AppState;

/// Routes under `/public`.
pub fn router() -> Router<AppState> {
    Router::new().route("/", get(front))
}

async fn front() -> Html<&'static str> {
    Html("<!doctype html><title>refwatch</title><p>The public bulletin is coming.</p>")
}
