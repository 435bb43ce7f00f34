//! The shared state of the app: store access, the data key, sessions and the cached view.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use service::ReconciledView;
use service::open::{Backend, Location};
use service::record::Unlocked;

use crate::WebError;

/// How the app behaves (from the command line).
#[derive(Debug, Clone)]
pub struct Config {
    /// Mark session cookies `Secure` (behind TLS). Also set per request when
    /// `X-Forwarded-Proto: https` says so.
    pub secure_cookies: bool,
    /// A session ends after this long without a request.
    pub session_idle: Duration,
    /// A session ends this long after sign-in, whatever happens.
    pub session_absolute: Duration,
    /// How often, at most, the store's counts are compared with the cached view's.
    pub staleness_check: Duration,
    /// Connections kept open between requests.
    pub max_idle_connections: usize,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            secure_cookies: false,
            session_idle: Duration::from_secs(30 * 60),
            session_absolute: Duration::from_secs(12 * 60 * 60),
            staleness_check: Duration::from_secs(2),
            max_idle_connections: 4,
        }
    }
}

/// Everything a handler needs; cheap to clone.
///
/// - Store access: [`AppState::with_store`] runs a closure on a pooled connection on a blocking
///   thread (the `Store` trait is synchronous).
/// - Data: [`AppState::reconciled`] returns the cached [`ReconciledView`] (every stored claim
///   reconciled with every stored decision). It is built once, rebuilt after a write through
///   this app ([`AppState::invalidate`]) and when the store's counts or the audit log's head
///   change (another process ingested or decided; checked at most every
///   [`Config::staleness_check`]); handlers must never reconcile per request. The public bulletin (`public`)
///   reads its data only through `reconciled`.
/// - The unlocked data key, when the server was started with one ([`AppState::key`]).
/// - The session table ([`AppState::sessions`]).
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    location: Location,
    config: Config,
    key: Option<Unlocked>,
    sessions: crate::auth::Sessions,
    /// Filtered selections of the current view by filter query (see [`AppState::selections`]).
    selections: Mutex<std::collections::HashMap<String, Arc<crate::data::Selection>>>,
    /// The view the selections were computed from.
    selections_of: Mutex<Option<Arc<ReconciledView>>>,
    idle: Mutex<Vec<Backend>>,
    cache: RwLock<Option<Cached>>,
    /// Held while the view is rebuilt, so that concurrent requests build it once.
    rebuild: tokio::sync::Mutex<()>,
    /// Bumped by every write through the app; a cached view of an older generation is stale.
    generation: AtomicU64,
}

struct Cached {
    view: Arc<ReconciledView>,
    generation: u64,
    /// The store's counts and its audit log's last sequence number when the view was built:
    /// every write (ingest, a decision from the CLI) appends to the audit log.
    counts: (store::Counts, i64),
    checked: Instant,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("location", &self.inner.location.to_string())
            .field("key", &self.inner.key.is_some())
            .finish()
    }
}

impl AppState {
    /// Opens the store at `location` once (so that a wrong path or URL fails now, not on the
    /// first request) and keeps the connection for the pool.
    pub async fn open(
        location: Location,
        key: Option<Unlocked>,
        config: Config,
    ) -> Result<AppState, WebError> {
        let opened = {
            let location = location.clone();
            tokio::task::spawn_blocking(move || service::open::open(&location))
                .await
                .map_err(|err| WebError::Internal(format!("open task: {err}")))??
        };
        Ok(AppState {
            inner: Arc::new(Inner {
                location,
                config,
                key,
                sessions: crate::auth::Sessions::default(),
                selections: Mutex::new(std::collections::HashMap::new()),
                selections_of: Mutex::new(None),
                idle: Mutex::new(vec![opened]),
                cache: RwLock::new(None),
                rebuild: tokio::sync::Mutex::new(()),
                generation: AtomicU64::new(0),
            }),
        })
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The signed-in sessions and the login failure counts.
    pub fn sessions(&self) -> &crate::auth::Sessions {
        &self.inner.sessions
    }

    /// The unlocked data key, when the server has one: needed to show case files.
    pub fn key(&self) -> Option<&Unlocked> {
        self.inner.key.as_ref()
    }

    /// Runs `f` with a store connection on a blocking thread. Use `service::with_store!` inside
    /// to call generic service functions.
    pub async fn with_store<R, F>(&self, f: F) -> Result<R, WebError>
    where
        R: Send + 'static,
        F: FnOnce(&mut Backend, Option<&Unlocked>) -> Result<R, WebError> + Send + 'static,
    {
        let state = self.clone();
        tokio::task::spawn_blocking(move || {
            let inner = &state.inner;
            let pooled = inner.idle.lock().ok().and_then(|mut idle| idle.pop());
            let mut backend = match pooled {
                Some(backend) => backend,
                None => {
                    let mut backend = service::open::open(&inner.location)?;
                    // Entries this connection appends (decisions, users) carry the audit MAC.
                    if let Some(key) = inner.key.as_ref() {
                        service::with_store!(&mut backend, store => service::record::sign_audit_with(&*store, key));
                    }
                    backend
                }
            };
            let result = f(&mut backend, inner.key.as_ref());
            if let Ok(mut idle) = inner.idle.lock()
                && idle.len() < inner.config.max_idle_connections
            {
                idle.push(backend);
            }
            result
        })
        .await
        .map_err(|err| WebError::Internal(format!("store task: {err}")))?
    }

    /// The remembered selection for `key` computed from `view`, if any. Selections are dropped
    /// as soon as a newer view is asked about, and the table holds at most
    /// [`MAX_SELECTIONS`] of them.
    pub fn selection(&self, view: &Arc<ReconciledView>, key: &str) -> Option<Arc<crate::data::Selection>> {
        let mut of = self.inner.selections_of.lock().ok()?;
        let mut table = self.inner.selections.lock().ok()?;
        if !of.as_ref().is_some_and(|v| Arc::ptr_eq(v, view)) {
            table.clear();
            *of = Some(view.clone());
        }
        table.get(key).cloned()
    }

    pub fn remember_selection(
        &self,
        view: &Arc<ReconciledView>,
        key: String,
        selection: Arc<crate::data::Selection>,
    ) {
        let (Ok(of), Ok(mut table)) = (self.inner.selections_of.lock(), self.inner.selections.lock()) else {
            return;
        };
        if of.as_ref().is_some_and(|v| Arc::ptr_eq(v, view)) {
            if table.len() >= MAX_SELECTIONS {
                table.clear();
            }
            table.insert(key, selection);
        }
    }

    /// Marks the cached view stale; the next [`AppState::reconciled`] rebuilds it.
    pub fn invalidate(&self) {
        self.inner.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// The reconciled view, from the cache when it is fresh. See the type's documentation.
    pub async fn reconciled(&self) -> Result<Arc<ReconciledView>, WebError> {
        let generation = self.inner.generation.load(Ordering::SeqCst);
        let check_due = match self.fresh(generation) {
            Freshness::Fresh(view) => return Ok(view),
            Freshness::CheckCounts(view) => Some(view),
            Freshness::Stale => None,
        };
        if let Some(view) = check_due {
            let counts = self.with_store(|backend, _| counts(backend)).await?;
            if let Ok(mut cache) = self.inner.cache.write()
                && let Some(cached) = cache.as_mut()
                && cached.counts == counts
                && cached.generation == generation
            {
                cached.checked = Instant::now();
                return Ok(view);
            }
        }
        self.rebuild(generation).await
    }

    fn fresh(&self, generation: u64) -> Freshness {
        let Ok(cache) = self.inner.cache.read() else { return Freshness::Stale };
        match cache.as_ref() {
            Some(cached) if cached.generation == generation => {
                if cached.checked.elapsed() < self.inner.config.staleness_check {
                    Freshness::Fresh(cached.view.clone())
                } else {
                    Freshness::CheckCounts(cached.view.clone())
                }
            }
            _ => Freshness::Stale,
        }
    }

    async fn rebuild(&self, generation: u64) -> Result<Arc<ReconciledView>, WebError> {
        let _building = self.inner.rebuild.lock().await;
        // Another request may have rebuilt it while this one waited.
        if let Freshness::Fresh(view) = self.fresh(self.inner.generation.load(Ordering::SeqCst)) {
            return Ok(view);
        }
        let generation = self.inner.generation.load(Ordering::SeqCst).max(generation);
        let (view, counts) = self
            .with_store(|backend, _| {
                let counts = counts(backend)?;
                let view = service::with_store!(backend, store => service::reconcile(&*store))?;
                Ok((view, counts))
            })
            .await?;
        let view = Arc::new(view);
        if let Ok(mut cache) = self.inner.cache.write() {
            *cache = Some(Cached { view: view.clone(), generation, counts, checked: Instant::now() });
        }
        Ok(view)
    }
}

impl Drop for Inner {
    /// A PostgreSQL store owns a runtime, which must not be dropped on an async thread: the
    /// pooled connections are dropped on a thread of their own.
    fn drop(&mut self) {
        let idle = self.idle.get_mut().map(std::mem::take).unwrap_or_default();
        if !idle.is_empty() {
            let _ = std::thread::spawn(move || drop(idle)).join();
        }
    }
}

/// Filter results remembered per view.
pub const MAX_SELECTIONS: usize = 256;

enum Freshness {
    Fresh(Arc<ReconciledView>),
    CheckCounts(Arc<ReconciledView>),
    Stale,
}

fn counts(backend: &mut Backend) -> Result<(store::Counts, i64), WebError> {
    let counts = service::with_store!(backend, store => store::Store::counts(&*store))?;
    let (seq, _) = service::with_store!(backend, store => store::Store::audit_head(&*store))?;
    Ok((counts, seq))
}
