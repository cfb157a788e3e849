//! A faithful simulator of WeChat's card API (an axum server on loopback), used whenever no
//! account is configured, by the tests, and by anyone rehearsing a campaign. No egui.
//!
//! WeChat's paths answer as WeChat does (HTTP 200 with `errcode`); the admin API under
//! `/sandbox/…` drives what users, reviewers, payers and time would do, and injects faults.
//! What those users cause is pushed to a merchant server as WeChat pushes it (`notice.rs`,
//! `outbox.rs`). It plays several merchants (`world.rs`: the default one is `--appid`'s) and
//! WeChat's open platform (`platform.rs`, `component.rs`, `consent.rs`): a platform's
//! authorizer tokens act for their own merchant only. docs/sandbox.md describes it all;
//! `errors.rs` holds the errcode table.

#![warn(missing_docs)]

mod access;
mod activity;
mod actor;
mod admin;
mod auth;
pub mod body;
mod cards;
pub mod clock;
mod codes;
mod component;
mod consent;
mod datacube;
pub mod errors;
mod events;
mod faults;
mod ledger;
mod media;
mod notice;
mod outbox;
mod pay;
mod persist;
mod placement;
mod platform;
mod push_target;
mod redeem;
mod refund;
mod routes;
mod serve;
pub mod spec;
mod state;
mod status;
mod update;
mod users;
mod world;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::response::Response;
use serde_json::Value;
use thiserror::Error;
use tokio::sync::oneshot;

pub use access::{KEY_HEADER, generate_key};
use errors::{WxError, WxResult};
/// What a logged event was (the app's per-channel table reads the log with it).
pub use events::Kind as EventKind;
pub use outbox::ATTEMPTS as PUSH_ATTEMPTS;
use push_target::Component;
pub use push_target::{ComponentConfig, PushConfig, PushConfigError, SANDBOX_APPID, original_id};
pub use state::{Review, SimCard, State};
use world::World;

/// How to run the simulator.
#[derive(Clone, Debug)]
pub struct SandboxConfig {
    /// Where to listen; `127.0.0.1:0` picks a free port.
    pub addr: SocketAddr,
    /// `(appid, secret)` to require; `None` accepts any (like a sandbox test account).
    pub credentials: Option<(String, String)>,
    /// Load the state from and save it to this file.
    pub state_file: Option<PathBuf>,
    /// How long review takes (simulated time; real time passing counts too).
    pub review_delay: Duration,
    /// Where the simulated clock starts (unix seconds); `None` = the real time. Given with a
    /// state file, it replaces the saved clock.
    pub start_time: Option<i64>,
    /// Serve beyond loopback: listen on any address and accept any `Host` on `/sandbox/*`
    /// (set `admin_key` then: it is what protects the admin API).
    pub allow_remote: bool,
    /// When set, every `/sandbox/*` request must carry it in the `X-Sandbox-Key` header.
    pub admin_key: Option<String>,
    /// Where to push the card events the default merchant's users cause, as WeChat pushes
    /// them to the URL of 公众平台's server configuration; `None`: no pushes (one can be set
    /// at run time through `POST /sandbox/push/target`).
    pub push: Option<PushConfig>,
    /// The open platform (第三方平台) the simulator plays; `None`: none (one can be set at run
    /// time through `POST /sandbox/platform/config`).
    pub component: Option<ComponentConfig>,
    /// Timeouts and the memory kept for uploads.
    pub limits: Limits,
}

/// Timeouts and memory caps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// A whole request (head, body and handler) must be done within this: 408 otherwise.
    pub request_timeout: Duration,
    /// A client must send a request's head within this (HTTP/1), or the connection is closed;
    /// also how long an idle keep-alive connection stays open.
    pub header_read_timeout: Duration,
    /// At most this many uploaded images are kept (45009 beyond).
    pub media_images: usize,
    /// At most this many bytes of uploaded images are kept (45009 beyond).
    pub media_bytes: usize,
    /// How long a push waits for the merchant server's `success` before it is retried
    /// (WeChat: 5 s).
    pub push_timeout: Duration,
    /// At most this many pushes wait for delivery; more are dropped (and logged).
    pub push_queue: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            request_timeout: Duration::from_secs(30),
            header_read_timeout: Duration::from_secs(10),
            media_images: 500,
            media_bytes: 64 * 1024 * 1024,
            push_timeout: Duration::from_secs(5),
            push_queue: 4096,
        }
    }
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            credentials: None,
            state_file: None,
            review_delay: Duration::from_secs(3),
            start_time: None,
            allow_remote: false,
            admin_key: None,
            push: None,
            component: None,
            limits: Limits::default(),
        }
    }
}

/// Why the simulator could not start.
#[derive(Debug, Error)]
pub enum SandboxError {
    /// Binding the address failed.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
    /// The state file is unreadable.
    #[error("cannot read the state file {path}: {message}")]
    State {
        /// The file.
        path: PathBuf,
        /// Details.
        message: String,
    },
    /// A runtime or thread could not be made.
    #[error("cannot start a runtime: {0}")]
    Runtime(std::io::Error),
    /// A non-loopback address without `allow_remote`.
    #[error("refusing to listen on {0}: not loopback (allow remote access to insist)")]
    NotLoopback(SocketAddr),
    /// The push settings cannot be used.
    #[error("cannot push: {0}")]
    Push(#[from] PushConfigError),
}

/// What every handler shares.
pub(crate) struct Shared {
    state: Mutex<World>,
    config: SandboxConfig,
    access: access::Rules,
    outbox: outbox::Outbox,
    component: Mutex<Option<Arc<Component>>>,
    http: reqwest::Client,
}

impl Shared {
    /// Locks the state; a poisoned lock becomes an error answer (-1), never a panic.
    pub(crate) fn lock(&self) -> Result<MutexGuard<'_, World>, WxError> {
        self.state
            .lock()
            .map_err(|_| WxError::system("state lock poisoned"))
    }

    /// The review delay in seconds.
    pub(crate) fn review_delay(&self) -> i64 {
        i64::try_from(self.config.review_delay.as_secs()).unwrap_or(3)
    }

    /// The configured credentials (the default merchant's).
    pub(crate) fn credentials(&self) -> Option<&(String, String)> {
        self.config.credentials.as_ref()
    }

    /// Who may use the admin API.
    pub(crate) fn access(&self) -> &access::Rules {
        &self.access
    }

    /// The timeouts and caps.
    pub(crate) fn limits(&self) -> &Limits {
        &self.config.limits
    }

    /// Where pushes go, and their record.
    pub(crate) fn outbox(&self) -> &outbox::Outbox {
        &self.outbox
    }

    /// The HTTP client of pushes (and of the authorization page's redirect).
    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The platform the simulator plays, if any.
    pub(crate) fn component(&self) -> Option<Arc<Component>> {
        self.component
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Plays `component` from now on (`None`: no platform).
    pub(crate) fn set_component(&self, component: Option<Component>) {
        *self
            .component
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = component.map(Arc::new);
    }

    /// Settles what time decides for every merchant (refunds that fell due, reviews that
    /// ended) and the platform (its next verify ticket); whether anything changed.
    pub(crate) fn settle(&self, w: &mut World) -> bool {
        let delay = self.review_delay();
        let now = w.now();
        let mut changed = self.component().is_some() && w.platform.settle(now);
        for st in w.accounts_mut() {
            let refunded = refund::settle(st);
            let reviewed = st.settle_reviews(delay);
            changed = changed || refunded || reviewed;
        }
        changed
    }

    /// Hands the pushes the last changes queued to the outbox (never waits for delivery): a
    /// merchant's to its own target, or to the platform's message URL when it authorized the
    /// platform; the platform's to its authorization event URL.
    pub(crate) fn flush(&self, w: &mut World) {
        let component = self.component();
        let batches: Vec<(String, Vec<notice::Notice>)> = w
            .accounts_mut()
            .map(|st| (st.appid.clone(), st.take_notices()))
            .filter(|(_, n)| !n.is_empty())
            .collect();
        for (appid, notices) in batches {
            let target = match component.as_deref() {
                Some(c) if w.authorized(&appid) => c.message_target(&appid).map(Arc::new),
                _ => self.outbox.target(&appid),
            };
            self.outbox.enqueue(&appid, target, notices);
        }
        let pushes = w.platform.take_notices();
        if let Some((c, target)) = component
            .as_deref()
            .and_then(|c| Some((c, Arc::new(c.auth_target()?.clone()))))
        {
            let bodies = pushes
                .iter()
                .map(|n| (n.info_type().to_owned(), n.to_push(c.appid())));
            self.outbox.enqueue_pushes(c.appid(), &target, bodies);
        }
    }

    /// Writes the state file (when there is one).
    pub(crate) fn persist(&self, w: &World) {
        if let Some(path) = &self.config.state_file {
            persist::save(path, w);
        }
    }

    /// Runs a WeChat call: lock, find the merchant the token acts for, run `f` on that
    /// merchant alone, persist when `mutates` and `f` succeeded, and answer WeChat-style.
    pub(crate) fn call(
        &self,
        query: &auth::Query,
        mutates: bool,
        f: impl FnOnce(&mut State, &Shared) -> WxResult,
    ) -> Response {
        self.call_with(query, mutates, f, errors::ok)
    }

    /// [`Self::call`] with another success wrapper: datacube successes carry no errcode.
    pub(crate) fn call_with(
        &self,
        query: &auth::Query,
        mutates: bool,
        f: impl FnOnce(&mut State, &Shared) -> WxResult,
        wrap: fn(Value) -> Value,
    ) -> Response {
        let run = || -> WxResult {
            let mut w = self.lock()?;
            let appid = w.resolve(query.get("access_token").map(String::as_str))?;
            // Refunds and reviews fall due as (simulated) time passes; every call sees them
            // settled, and what the call itself ended (a review without delay) too.
            if self.settle(&mut w) {
                self.persist(&w);
            }
            let st = w
                .account_mut(&appid)
                .ok_or_else(|| WxError::system("the token's merchant is gone"))?;
            let out = f(st, self);
            let settled = self.settle(&mut w);
            self.flush(&mut w);
            if settled || (mutates && out.is_ok()) {
                self.persist(&w);
            }
            Ok(wrap(out?))
        };
        errors::respond(run())
    }
}

/// A running simulator.
pub struct SandboxHandle {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
    /// Push delivery and the clock's tick: stopped at once on shutdown (a push in flight is
    /// abandoned, as when WeChat's connection drops).
    background: Vec<tokio::task::JoinHandle<()>>,
}

impl SandboxHandle {
    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops serving and waits for the server task: open connections get half a second to
    /// finish their answers, then are closed, so a client that sent half a request cannot
    /// hold the shutdown up.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        for task in self.background.drain(..) {
            task.abort();
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for SandboxHandle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        for task in self.background.drain(..) {
            task.abort();
        }
    }
}

/// Starts the simulator on the current tokio runtime.
pub async fn spawn(config: SandboxConfig) -> Result<SandboxHandle, SandboxError> {
    if !config.addr.ip().is_loopback() && !config.allow_remote {
        return Err(SandboxError::NotLoopback(config.addr));
    }
    let world = persist::load(&config)?;
    let component = config.component.as_ref().map(Component::new).transpose()?;
    let default_target = config
        .push
        .as_ref()
        .map(|p| push_target::PushTarget::new(p, default_appid(&config)))
        .transpose()?;
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|source| SandboxError::Bind {
            addr: config.addr,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| SandboxError::Bind {
        addr: config.addr,
        source,
    })?;
    let access = access::Rules {
        local: addr,
        allow_remote: config.allow_remote,
        key: config.admin_key.clone(),
    };
    let header_read = config.limits.header_read_timeout;
    let (outbox, jobs) = outbox::Outbox::new(config.limits.push_queue);
    outbox.set_target(world.default_appid(), default_target);
    let http = push_client().map_err(|e| SandboxError::Runtime(std::io::Error::other(e)))?;
    let deliver = outbox.deliverer(jobs, http.clone(), config.limits.push_timeout);
    let shared = Arc::new(Shared {
        state: Mutex::new(world),
        config,
        access,
        outbox,
        component: Mutex::new(component.map(Arc::new)),
        http,
    });
    let background = vec![tokio::spawn(deliver), tokio::spawn(tick(shared.clone()))];
    let app = routes::router(shared);
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(serve::serve(listener, app, header_read, stopped));
    Ok(SandboxHandle {
        addr,
        stop: Some(stop),
        task: Some(task),
        background,
    })
}

/// The default merchant's AppID: `--appid`, else [`SANDBOX_APPID`].
fn default_appid(config: &SandboxConfig) -> &str {
    config
        .credentials
        .as_ref()
        .map_or(SANDBOX_APPID, |(appid, _)| appid.as_str())
}

/// The HTTP client of pushes: redirects are not followed, as WeChat's servers do not; the
/// timeout is per attempt (`Limits::push_timeout`).
fn push_client() -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
}

/// Once a second while pushes have a target or a platform is played: settles what time
/// decided (a review that ended, a refund that fell due, the platform's next verify ticket,
/// the first at start) and pushes it, as WeChat does without being asked.
async fn tick(shared: Arc<Shared>) {
    let mut every = tokio::time::interval(Duration::from_secs(1));
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        every.tick().await;
        if !shared.outbox.any_target() && shared.component().is_none() {
            continue;
        }
        let Ok(mut st) = shared.lock() else {
            continue;
        };
        if shared.settle(&mut st) {
            shared.persist(&st);
        }
        shared.flush(&mut st);
    }
}

/// A simulator on its own runtime thread, for callers without a runtime (UI tests). Stops
/// when dropped.
pub struct SandboxThread {
    url: String,
    addr: SocketAddr,
    stop: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl SandboxThread {
    /// The base URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for SandboxThread {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Starts a simulator on a named thread with its own runtime.
pub fn spawn_blocking_thread(config: SandboxConfig) -> Result<SandboxThread, SandboxError> {
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let (stop_tx, stop_rx) = std::sync::mpsc::channel::<()>();
    let thread = std::thread::Builder::new()
        .name("coupon-studio-sandbox".into())
        .spawn(move || {
            let rt = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    let _ = ready_tx.send(Err(SandboxError::Runtime(e)));
                    return;
                }
            };
            rt.block_on(async move {
                match spawn(config).await {
                    Ok(handle) => {
                        let _ = ready_tx.send(Ok(handle.addr()));
                        // Park until dropped; a blocking wait is fine on this dedicated thread.
                        let _ = tokio::task::spawn_blocking(move || stop_rx.recv()).await;
                        handle.shutdown().await;
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                    }
                }
            });
        })
        .map_err(SandboxError::Runtime)?;
    let addr = ready_rx
        .recv()
        .map_err(|_| SandboxError::Runtime(std::io::Error::other("simulator thread ended")))??;
    Ok(SandboxThread {
        url: format!("http://{addr}"),
        addr,
        stop: Some(stop_tx),
        thread: Some(thread),
    })
}
