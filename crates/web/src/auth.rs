//! Sign-in: server-side sessions, CSRF tokens, login rate limiting and API tokens.
//!
//! - A session id is 32 random bytes, sent once in an `HttpOnly; SameSite=Strict; Path=/`
//!   cookie (`Secure` behind TLS); the server keeps only its BLAKE3 hash, so a memory dump
//!   or a log of the table does not give a usable cookie. Sessions end after
//!   [`Config::session_idle`](crate::Config) without a request, [`Config::session_absolute`]
//!   after sign-in, or on logout; the user's role and enabled flag are re-read from the store
//!   every [`RECHECK`].
//! - Every session has a CSRF token; every POST carries it (form field `csrf` or header
//!   `X-CSRF-Token`) and it is compared in constant time. Requests with an API token
//!   (`Authorization: Bearer rwt_…`) carry no cookie and need none.
//! - Failed sign-ins are counted per user name and per client address: from the fifth on, the
//!   next attempt waits 2, 4, 8 … seconds (at most 15 minutes), answered with 429.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use store::Role;
use subtle::ConstantTimeEq;

use crate::{AppState, WebError};

/// The session cookie's name.
pub const COOKIE: &str = "refwatch_session";
/// How often a session's user is re-read from the store (role changes, disabling).
pub const RECHECK: Duration = Duration::from_secs(60);
/// Failures allowed before back-off starts.
pub const FREE_FAILURES: u32 = 5;
/// The longest back-off.
pub const MAX_BACKOFF: Duration = Duration::from_secs(15 * 60);

/// Who is signed in (from a session or an API token).
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub name: String,
    pub role: Role,
    /// The session's CSRF token; `None` for API-token requests (no cookie, no CSRF risk).
    pub csrf: Option<String>,
}

impl SignedIn {
    pub fn require_review(&self) -> Result<(), WebError> {
        if self.role.can_review() { Ok(()) } else { Err(WebError::Forbidden) }
    }

    pub fn require_admin(&self) -> Result<(), WebError> {
        if self.role.can_admin() { Ok(()) } else { Err(WebError::Forbidden) }
    }

    /// Checks the CSRF token sent with a write. API-token requests need none.
    pub fn check_csrf(&self, sent: Option<&str>) -> Result<(), WebError> {
        match &self.csrf {
            None => Ok(()),
            Some(expected) => match sent {
                Some(sent) if bool::from(sent.as_bytes().ct_eq(expected.as_bytes())) => Ok(()),
                _ => Err(WebError::Csrf),
            },
        }
    }
}

struct Session {
    name: String,
    role: Role,
    csrf: String,
    created: Instant,
    last_seen: Instant,
    checked: Instant,
}

/// Password checks that may run at once.
pub const CONCURRENT_VERIFICATIONS: usize = 2;

/// The sessions and sign-in attempts, in memory: a restart signs everybody out.
pub struct Sessions {
    table: Mutex<HashMap<[u8; 32], Session>>,
    /// Sign-in attempts (counted before the password is checked) per name and per address.
    failures: Mutex<HashMap<String, Failures>>,
    verifying: tokio::sync::Semaphore,
}

impl Default for Sessions {
    fn default() -> Sessions {
        Sessions {
            table: Mutex::default(),
            failures: Mutex::default(),
            verifying: tokio::sync::Semaphore::new(CONCURRENT_VERIFICATIONS),
        }
    }
}

#[derive(Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
}

fn random_hex() -> Result<String, WebError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|err| WebError::Internal(format!("random: {err}")))?;
    Ok(hex(&bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn session_key(id: &str) -> [u8; 32] {
    *blake3::hash(id.as_bytes()).as_bytes()
}

impl Sessions {
    /// Starts a session; returns the id for the cookie.
    pub fn start(&self, name: &str, role: Role) -> Result<String, WebError> {
        let id = random_hex()?;
        let now = Instant::now();
        let session = Session {
            name: name.to_owned(),
            role,
            csrf: random_hex()?,
            created: now,
            last_seen: now,
            checked: now,
        };
        if let Ok(mut table) = self.table.lock() {
            table.insert(session_key(&id), session);
        }
        Ok(id)
    }

    pub fn end(&self, id: &str) {
        if let Ok(mut table) = self.table.lock() {
            table.remove(&session_key(id));
        }
    }

    /// Ends every session of `name` but `keep` (the session of the admin making the change, when
    /// they change themselves): after a password reset, a role change or disabling.
    pub fn end_user_except(&self, name: &str, keep: Option<&str>) {
        let keep = keep.map(session_key);
        if let Ok(mut table) = self.table.lock() {
            table.retain(|key, s| s.name != name || Some(*key) == keep);
        }
    }

    /// Sets the role of every session of `name`.
    pub fn set_role(&self, name: &str, role: Role) {
        if let Ok(mut table) = self.table.lock() {
            for session in table.values_mut().filter(|s| s.name == name) {
                session.role = role;
            }
        }
    }

    /// The live session with this id (touching it), and whether its user is due a re-check.
    fn get(&self, id: &str, idle: Duration, absolute: Duration) -> Option<(SignedIn, bool)> {
        let mut table = self.table.lock().ok()?;
        let key = session_key(id);
        let now = Instant::now();
        let session = table.get_mut(&key)?;
        if now.duration_since(session.last_seen) > idle || now.duration_since(session.created) > absolute {
            table.remove(&key);
            return None;
        }
        session.last_seen = now;
        let due = now.duration_since(session.checked) > RECHECK;
        Some((
            SignedIn { name: session.name.clone(), role: session.role, csrf: Some(session.csrf.clone()) },
            due,
        ))
    }

    fn mark_checked(&self, id: &str) {
        if let Ok(mut table) = self.table.lock()
            && let Some(session) = table.get_mut(&session_key(id))
        {
            session.checked = Instant::now();
        }
    }

    /// Counts a sign-in attempt for `keys` before its password is checked, unless one of them
    /// must wait: then `Err` with the seconds to wait (and nothing is counted). Checking and
    /// counting happen under one lock, so parallel attempts cannot all pass before the first
    /// failure is recorded.
    pub fn attempt(&self, keys: &LimitKeys) -> Result<(), u64> {
        let Ok(mut failures) = self.failures.lock() else {
            return Err(MAX_BACKOFF.as_secs());
        };
        let now = Instant::now();
        let wait = [&keys.user, &keys.ip]
            .into_iter()
            .filter_map(|key| failures.get(key))
            .filter_map(|f| {
                let wait = backoff_for(f.count)?;
                let until = f.last + wait;
                (until > now).then(|| until.duration_since(now).as_secs().max(1))
            })
            .max();
        if let Some(wait) = wait {
            return Err(wait);
        }
        // Forget old entries so the table cannot grow without bound.
        if failures.len() > 100_000 {
            failures.retain(|_, f| now.duration_since(f.last) < MAX_BACKOFF);
        }
        for key in [&keys.user, &keys.ip] {
            let entry = failures.entry(key.clone()).or_insert(Failures { count: 0, last: now });
            entry.count = entry.count.saturating_add(1);
            entry.last = now;
        }
        Ok(())
    }

    /// The password was right: the name's count is cleared. The address keeps its earlier
    /// failures (one good account must not reset a guesser's count); only this attempt, which
    /// was not a failure, is taken back.
    pub fn succeeded(&self, keys: &LimitKeys) {
        if let Ok(mut failures) = self.failures.lock() {
            failures.remove(&keys.user);
            if let Some(entry) = failures.get_mut(&keys.ip) {
                entry.count = entry.count.saturating_sub(1);
            }
        }
    }

    /// A permit to check a password: at most [`CONCURRENT_VERIFICATIONS`] run at once, so a
    /// burst of sign-ins cannot take every core (password hashing is slow on purpose).
    pub async fn verification(&self) -> Result<tokio::sync::SemaphorePermit<'_>, WebError> {
        self.verifying.acquire().await.map_err(|_| WebError::Internal("sign-in is shutting down".to_owned()))
    }
}

/// The wait after `count` failures: none for the first [`FREE_FAILURES`] - 1, then doubling.
fn backoff_for(count: u32) -> Option<Duration> {
    if count < FREE_FAILURES {
        return None;
    }
    let exp = (count - FREE_FAILURES).min(12);
    Some(Duration::from_secs(2u64 << exp).min(MAX_BACKOFF))
}

/// The rate-limit keys of a sign-in attempt: the name and the client address.
pub struct LimitKeys {
    user: String,
    ip: String,
}

pub fn limit_keys(name: &str, ip: &str) -> LimitKeys {
    LimitKeys { user: format!("user:{}", name.to_lowercase()), ip: format!("ip:{ip}") }
}

/// The client's address (the socket peer; proxies' headers are not trusted), or "unknown"
/// when the router runs without connection info (tests).
pub struct ClientIp(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<ClientIp, Self::Rejection> {
        Ok(ClientIp(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map_or_else(|| "unknown".to_owned(), |info| info.0.ip().to_string()),
        ))
    }
}

pub fn session_cookie_value(headers: &HeaderMap) -> Option<String> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).find_map(|cookies| {
        cookies.split(';').find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == COOKIE && value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit()))
                .then(|| value.to_owned())
        })
    })
}

/// Whether the request came over TLS (directly configured, or said by the proxy).
pub fn is_secure(state: &AppState, headers: &HeaderMap) -> bool {
    state.config().secure_cookies
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

/// The `Set-Cookie` value that starts (or, with `None`, ends) a session.
pub fn set_cookie(id: Option<&str>, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let text = match id {
        Some(id) => format!("{COOKIE}={id}; HttpOnly; SameSite=Strict; Path=/{secure}"),
        None => format!("{COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0{secure}"),
    };
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("refwatch_session=; Max-Age=0"))
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// The signed-in user, when there is one.
pub async fn signed_in(state: &AppState, headers: &HeaderMap) -> Result<Option<SignedIn>, WebError> {
    if let Some(token) = bearer(headers) {
        let token = token.to_owned();
        let user = state
            .with_store(move |backend, _| {
                Ok(service::with_store!(backend, store => service::users::user_for_token(&*store, &token))?)
            })
            .await?;
        return match user {
            Some(user) => Ok(Some(SignedIn { name: user.name, role: user.role, csrf: None })),
            None => Err(WebError::Unauthorized),
        };
    }
    let Some(id) = session_cookie_value(headers) else { return Ok(None) };
    let config = state.config();
    let Some((mut user, due)) = state.sessions().get(&id, config.session_idle, config.session_absolute)
    else {
        return Ok(None);
    };
    if due {
        let name = user.name.clone();
        let record = state
            .with_store(move |backend, _| {
                Ok(service::with_store!(backend, store => store::Store::get_user(&*store, &name))?)
            })
            .await?;
        match record {
            Some(record) if !record.disabled => {
                user.role = record.role;
                state.sessions().set_role(&record.name, record.role);
                state.sessions().mark_checked(&id);
            }
            _ => {
                state.sessions().end(&id);
                return Ok(None);
            }
        }
    }
    Ok(Some(user))
}

/// An extractor for pages that need a signed-in user: anonymous HTML requests are sent to the
/// sign-in page, API requests get 401.
#[derive(Debug, Clone)]
pub struct User(pub SignedIn);

impl FromRequestParts<AppState> for User {
    type Rejection = crate::Rejection;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<User, crate::Rejection> {
        let api = parts.uri.path().starts_with("/api/");
        match signed_in(state, &parts.headers).await {
            Ok(Some(user)) => Ok(User(user)),
            Ok(None) => {
                Err(crate::Rejection { api, error: WebError::Unauthorized, next: Some(next_of(parts)) })
            }
            Err(error) => Err(crate::Rejection { api, error, next: None }),
        }
    }
}

fn next_of(parts: &Parts) -> String {
    parts.uri.path_and_query().map_or_else(|| "/".to_owned(), |pq| pq.as_str().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_starts_at_the_fifth_failure_and_doubles() {
        assert_eq!(backoff_for(4), None);
        assert_eq!(backoff_for(5), Some(Duration::from_secs(2)));
        assert_eq!(backoff_for(6), Some(Duration::from_secs(4)));
        assert_eq!(backoff_for(40), Some(MAX_BACKOFF));
    }

    #[test]
    fn attempts_count_before_the_password_and_success_keeps_the_address_count() {
        let sessions = Sessions::default();
        let keys = limit_keys("Vic", "10.0.0.1");
        for _ in 0..FREE_FAILURES {
            assert!(sessions.attempt(&keys).is_ok());
        }
        // Counted without any `failed` call: the next attempt waits.
        assert!(sessions.attempt(&keys).is_err());

        let sessions = Sessions::default();
        for _ in 0..FREE_FAILURES - 1 {
            assert!(sessions.attempt(&limit_keys("vic", "10.0.0.1")).is_ok());
        }
        let good = limit_keys("admin", "10.0.0.1");
        assert!(sessions.attempt(&good).is_ok());
        sessions.succeeded(&good);
        // The address still has its four failures: one more and it waits.
        assert!(sessions.attempt(&limit_keys("other", "10.0.0.1")).is_ok());
        assert!(sessions.attempt(&limit_keys("third", "10.0.0.1")).is_err());
        assert!(sessions.attempt(&limit_keys("third", "10.0.0.2")).is_ok());
    }

    #[test]
    fn sessions_expire_when_idle_and_store_only_hashes() {
        let sessions = Sessions::default();
        let id = sessions.start("ana", Role::Analyst).expect("start");
        assert!(sessions.get(&id, Duration::from_secs(60), Duration::from_secs(60)).is_some());
        let table = sessions.table.lock().expect("lock");
        assert!(!table.contains_key(id.as_bytes()) && table.contains_key(&session_key(&id)));
        drop(table);
        std::thread::sleep(Duration::from_millis(5));
        assert!(sessions.get(&id, Duration::from_millis(1), Duration::from_secs(60)).is_none());
        assert!(sessions.get(&id, Duration::from_secs(60), Duration::from_secs(60)).is_none(), "removed");
    }

    #[test]
    fn csrf_must_match() {
        let user = SignedIn { name: "a".into(), role: Role::Analyst, csrf: Some("abc".into()) };
        assert!(user.check_csrf(Some("abc")).is_ok());
        assert!(user.check_csrf(Some("abd")).is_err());
        assert!(user.check_csrf(None).is_err());
        let api = SignedIn { csrf: None, ..user };
        assert!(api.check_csrf(None).is_ok());
    }
}
