//! A faithful simulator of WeChat's card API (an axum server on loopback), used whenever no
//! account is configured, by the tests, and by anyone rehearsing a campaign. No egui.
//!
//! WeChat's paths answer as WeChat does (HTTP 200 with `errcode`); the admin API under
//! `/sandbox/…` drives what a real user or WeChat's reviewers would do.

mod admin;
mod cards;
pub mod codes;
mod datacube;
mod faults;
pub mod pay;
mod state;
mod wechat;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Json;
use serde_json::{Value, json};
use thiserror::Error;
use tokio::sync::oneshot;

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
    /// How long review takes (simulated time).
    pub review_delay: Duration,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            credentials: None,
            state_file: None,
            review_delay: Duration::from_secs(3),
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
    /// A runtime could not be made.
    #[error("cannot start a runtime: {0}")]
    Runtime(std::io::Error),
}

/// What every handler shares.
pub(crate) struct Shared {
    state: Mutex<State>,
    config: SandboxConfig,
}

impl Shared {
    /// Locks the state; a poisoned lock (a panic elsewhere) still yields the data.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn review_delay(&self) -> i64 {
        i64::try_from(self.config.review_delay.as_secs()).unwrap_or(3)
    }

    /// Writes the state file (temp file + rename, so a crash never leaves half a file).
    fn persist(&self, state: &State) {
        let Some(path) = &self.config.state_file else {
            return;
        };
        let Ok(text) = serde_json::to_vec_pretty(state) else {
            return;
        };
        let tmp = path.with_extension("tmp");
        if std::fs::write(&tmp, text).is_ok()
            && let Err(e) = std::fs::rename(&tmp, path)
        {
            tracing::warn!("cannot save the simulator state: {e}");
        }
    }
}

/// A WeChat-shaped error answer.
pub(crate) fn wx_error(errcode: i64, errmsg: impl Into<String>) -> Json<Value> {
    Json(json!({"errcode": errcode, "errmsg": errmsg.into()}))
}

/// A WeChat-shaped success answer with extra members.
pub(crate) fn wx_ok(mut extra: Value) -> Json<Value> {
    if let Some(obj) = extra.as_object_mut() {
        obj.insert("errcode".into(), json!(0));
        obj.insert("errmsg".into(), json!("ok"));
    }
    Json(extra)
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

/// Starts the simulator on the current tokio runtime.
pub async fn spawn(config: SandboxConfig) -> Result<SandboxHandle, SandboxError> {
    let state = match &config.state_file {
        Some(path) if path.exists() => {
            let text = std::fs::read_to_string(path).map_err(|e| SandboxError::State {
                path: path.clone(),
                message: e.to_string(),
            })?;
            serde_json::from_str(&text).map_err(|e| SandboxError::State {
                path: path.clone(),
                message: e.to_string(),
            })?
        }
        _ => State::default(),
    };
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
    let app = wechat::router()
        .merge(admin::router())
        .layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            faults::inject,
        ))
        .with_state(shared);
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

/// A simulator on its own runtime thread, for callers without a runtime (UI tests).
pub struct SandboxThread {
    url: String,
    stop: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl SandboxThread {
    /// The base URL.
    pub fn url(&self) -> &str {
        &self.url
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
                        let _ = ready_tx.send(Ok(handle.url()));
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
    let url = ready_rx
        .recv()
        .map_err(|_| SandboxError::Runtime(std::io::Error::other("simulator thread ended")))??;
    Ok(SandboxThread {
        url,
        stop: Some(stop_tx),
        thread: Some(thread),
    })
}
