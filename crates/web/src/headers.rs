//! Security headers on every response.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// Scripts, styles, images and data only from this origin; no framing; no referrer.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

/// Sent when cookies are `Secure` (TLS configured, or the proxy says https): browsers then
/// refuse plain HTTP to this host for a year, so a session cookie is never sent in the clear.
pub const STRICT_TRANSPORT_SECURITY: &str = "max-age=31536000";

pub async fn security_headers(
    State(state): State<crate::AppState>,
    request: Request,
    next: Next,
) -> Response {
    let secure = crate::auth::is_secure(&state, request.headers());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers
        .entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    if secure {
        headers
            .insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(STRICT_TRANSPORT_SECURITY));
    }
    // Pages may hold what a role may see (or a new API token): no cache keeps them unless the
    // handler says otherwise (assets do).
    headers.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    response
}
