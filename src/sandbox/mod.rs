//! A faithful simulator of WeChat's card API (an axum server on loopback), used whenever no
//! account is configured, by the tests, and by anyone rehearsing a campaign. No egui.
//!
//! WeChat's paths answer as WeChat does (HTTP 200 with `errcode`); the admin API under
//! `/sandbox/…` drives what users, reviewers, payments and time would do, and injects faults.
//! docs/sandbox.md describes both; `errors.rs` holds the errcode table.

#![warn(missing_docs)]

mod activity;
mod admin;
mod auth;
pub mod body;
mod cards;
pub mod clock;
mod codes;
mod datacube;
pub mod errors;
mod events;
mod faults;
mod ledger;
mod media;
mod pay;
mod placement;
mod redeem;
mod refund;
mod routes;
pub mod spec;
mod state;
mod status;
mod update;
mod users;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::response::Response;
use serde_json::Value;
use thiserror::Error;
use tokio::sync::oneshot;

use errors::{WxError, WxResult};
/// What a logged event was (the app's per-channel table reads the log with it).
pub use events::Kind as EventKind;
pub use state::{Review, SimCard, State};

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
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            credentials: None,
            state_file: None,
            review_delay: Duration::from_secs(3),
            start_time: None,
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
}

/// What every handler shares.
pub(crate) struct Shared {
    state: Mutex<State>,
    config: SandboxConfig,
}

impl Shared {
    /// Locks the state; a poisoned lock becomes an error answer (-1), never a panic.
    pub(crate) fn lock(&self) -> Result<MutexGuard<'_, State>, WxError> {
        self.state
            .lock()
            .map_err(|_| WxError::system("state lock poisoned"))
    }

    /// The review delay in seconds.
    pub(crate) fn review_delay(&self) -> i64 {
        i64::try_from(self.config.review_delay.as_secs()).unwrap_or(3)
    }

    /// The configured credentials.
    pub(crate) fn credentials(&self) -> Option<&(String, String)> {
        self.config.credentials.as_ref()
    }

    /// Writes the state file: a temp file in the same folder, then a rename, so a crash never
    /// leaves half a file. Failures are logged; the answer to the caller stands.
    pub(crate) fn persist(&self, state: &State) {
        let Some(path) = &self.config.state_file else {
            return;
        };
        let text = match serde_json::to_vec_pretty(state) {
            Ok(t) => t,
            Err(e) => {
                tracing::warn!("cannot encode the simulator state: {e}");
                return;
            }
        };
        let mut tmp = path.clone().into_os_string();
        tmp.push(format!(".{}.tmp", std::process::id()));
        let tmp = PathBuf::from(tmp);
        let written = std::fs::write(&tmp, text).and_then(|()| std::fs::rename(&tmp, path));
        if let Err(e) = written {
            tracing::warn!("cannot save the simulator state to {}: {e}", path.display());
        }
    }

    /// Runs a WeChat call: lock, check the token, run `f`, persist when `mutates` and `f`
    /// succeeded, and answer WeChat-style.
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
            let mut st = self.lock()?;
            auth::authorize(&st, query)?;
            // Refunds fall due as (simulated) time passes; every call sees them settled.
            if refund::settle(&mut st) {
                self.persist(&st);
            }
            let out = f(&mut st, self)?;
            if mutates {
                self.persist(&st);
            }
            Ok(wrap(out))
        };
        errors::respond(run())
    }
}

/// A running simulator.
pub struct SandboxHandle {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
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

    /// Stops serving and waits for the server task.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
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
    }
}

fn load_state(config: &SandboxConfig) -> Result<State, SandboxError> {
    let mut state = match &config.state_file {
        Some(path) if path.exists() => {
            let err = |message: String| SandboxError::State {
                path: path.clone(),
                message,
            };
            let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
            serde_json::from_str(&text).map_err(|e| err(e.to_string()))?
        }
        _ => State::default(),
    };
    if let Some(start) = config.start_time {
        state.clock_offset = clock::offset_for_start(start);
    }
    Ok(state)
}

/// Starts the simulator on the current tokio runtime.
pub async fn spawn(config: SandboxConfig) -> Result<SandboxHandle, SandboxError> {
    let state = load_state(&config)?;
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
    let shared = Arc::new(Shared {
        state: Mutex::new(state),
        config,
    });
    let app = routes::router(shared);
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let serve = axum::serve(listener, app).with_graceful_shutdown(async {
            let _ = stopped.await;
        });
        if let Err(e) = serve.await {
            tracing::error!("simulator stopped: {e}");
        }
    });
    Ok(SandboxHandle {
        addr,
        stop: Some(stop),
        task: Some(task),
    })
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
