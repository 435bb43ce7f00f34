//! Static files embedded in the binary: `assets/app/` (the app's own JS and CSS) and
//! `assets/vendor/` (uPlot, d3-geo, topojson-client, world-atlas). Served with a year of cache:
//! pages link them through [`url`], whose `?v=` changes with the content.

use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::WebError;

#[derive(rust_embed::RustEmbed)]
#[folder = "assets/"]
#[exclude = "*.md"]
#[exclude = "*/LICENSES/*"]
struct Assets;

pub fn url(path: &str) -> String {
    match Assets::get(path) {
        Some(file) => {
            let hash = file.metadata.sha256_hash();
            format!("/assets/{path}?v={:02x}{:02x}{:02x}{:02x}", hash[0], hash[1], hash[2], hash[3])
        }
        None => format!("/assets/{path}"),
    }
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    }
}

pub async fn serve_asset(Path(path): Path<String>) -> Result<Response, WebError> {
    let file = Assets::get(&path).ok_or(WebError::NotFound)?;
    let mut response = file.data.into_owned().into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type(&path)));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
    Ok(response)
}
