//! One error type for every handler: a clear page for the user, the cause only in the log.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// What a handler can fail with. Only [`WebError::BadRequest`] shows its text to the user (it
/// is written for them); internal causes are logged and replaced by a generic message.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("not found")]
    NotFound,
    #[error("sign-in required")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    #[error("the form expired or did not come from this site")]
    Csrf,
    #[error("{0}")]
    BadRequest(String),
    /// Too many failed attempts; retry after this many seconds.
    #[error("too many attempts")]
    TooManyRequests(u64),
    #[error("the database is busy or unreachable")]
    Unavailable(String),
    #[error("internal error")]
    Internal(String),
}

impl WebError {
    pub fn status(&self) -> StatusCode {
        match self {
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::Unauthorized => StatusCode::UNAUTHORIZED,
            WebError::Forbidden | WebError::Csrf => StatusCode::FORBIDDEN,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            WebError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The message shown to the user: never an internal error's text.
    pub fn public_message(&self) -> String {
        match self {
            WebError::NotFound => "This page does not exist.".to_owned(),
            WebError::Unauthorized => "Please sign in.".to_owned(),
            WebError::Forbidden => "Your role does not allow this.".to_owned(),
            WebError::Csrf => {
                "The form expired or did not come from this site. Reload and try again.".to_owned()
            }
            WebError::BadRequest(message) => message.clone(),
            WebError::TooManyRequests(secs) => format!("Too many attempts. Try again in {secs} s."),
            WebError::Unavailable(_) => "The database is busy or unreachable. Try again shortly.".to_owned(),
            WebError::Internal(_) => "Something went wrong on the server. It has been logged.".to_owned(),
        }
    }
}

impl From<service::ServiceError> for WebError {
    fn from(err: service::ServiceError) -> WebError {
        match err {
            service::ServiceError::Store(err) => WebError::from(err),
            other => WebError::Internal(other.to_string()),
        }
    }
}

impl From<store::StoreError> for WebError {
    fn from(err: store::StoreError) -> WebError {
        match err {
            store::StoreError::NotFound(_) => WebError::NotFound,
            store::StoreError::Unavailable(cause) => WebError::Unavailable(cause),
            other => WebError::Internal(other.to_string()),
        }
    }
}

#[derive(askama::Template)]
#[template(path = "error.html")]
struct ErrorPage {
    status: u16,
    title: String,
    message: String,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let status = self.status();
        match &self {
            WebError::Internal(cause) => tracing::error!(%cause, "request failed"),
            WebError::Unavailable(cause) => tracing::warn!(%cause, "store unavailable"),
            _ => {}
        }
        let page = ErrorPage {
            status: status.as_u16(),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            message: self.public_message(),
        };
        let body = askama::Template::render(&page).unwrap_or_else(|_| "error".to_owned());
        let mut response = (status, axum::response::Html(body)).into_response();
        if let WebError::TooManyRequests(secs) = self
            && let Ok(value) = HeaderValue::from_str(&secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}

/// An error from a JSON API handler: the same statuses, as `{"error": "…"}`.
#[derive(Debug)]
pub struct ApiError(pub WebError);

impl<E: Into<WebError>> From<E> for ApiError {
    fn from(err: E) -> ApiError {
        ApiError(err.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        match &self.0 {
            WebError::Internal(cause) => tracing::error!(%cause, "api request failed"),
            WebError::Unavailable(cause) => tracing::warn!(%cause, "store unavailable"),
            _ => {}
        }
        let body = serde_json::json!({ "error": self.0.public_message() });
        (status, axum::Json(body)).into_response()
    }
}

/// Why an extractor refused a request: an API request gets JSON, an anonymous page request is
/// sent to the sign-in page (with where to come back to).
#[derive(Debug)]
pub struct Rejection {
    pub api: bool,
    pub error: WebError,
    pub next: Option<String>,
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        if self.api {
            return ApiError(self.error).into_response();
        }
        match (&self.error, self.next) {
            (WebError::Unauthorized, Some(next)) => {
                let location = format!("/login?next={}", crate::data::encode(&next));
                axum::response::Redirect::to(&location).into_response()
            }
            _ => self.error.into_response(),
        }
    }
}
