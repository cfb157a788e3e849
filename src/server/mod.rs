//! The company server (`coupon-studio server`, issue 19): receives WeChat's event pushes at
//! the URL configured in 公众平台, keeps them in SQLite or PostgreSQL, and serves them and the
//! team's access token to the desktop apps, each person with an API key of their own.
//!
//! It may also play an open platform (第三方平台, issue 20) for many merchants: their
//! authorizations, tokens and card events.
//!
//! - `/wechat` ([`wechat`]): URL verification and pushes (plain, compatible, safe mode) of
//!   the direct account (`--appid`);
//! - `/wechat/component`, `/wechat/{appid}` ([`platform_push`]): the open platform's
//!   authorization events and its merchants' card events;
//! - `/api/v1/events`, `/api/v1/token`, `/healthz` ([`api`]); `/api/v1/merchants`,
//!   `/api/v1/authorizations`, `/platform/callback` ([`merchants`]);
//! - [`storage`]: one trait, two backends, one schema;
//! - [`keys`]: the API keys; [`token`]: the stable token, cached; [`platform`]: the open
//!   platform's tickets, tokens and merchants; [`clock`]: the time tokens expire by.
//!
//! A protocol-layer module: it uses `wxpush` for the wire, `api` for the token answer and the
//! log redaction, never the UI, the shell or the simulator.

pub mod api;
pub mod clock;
pub mod keys;
pub mod merchants;
pub mod platform;
pub mod platform_push;
pub mod storage;
pub mod token;
pub mod wechat;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};
use thiserror::Error;
use tokio::sync::oneshot;

use crate::api::error::register_sensitive;
use crate::wxpush::{CryptoError, PushCrypto};
use clock::Clock;
use platform::{Platform, PlatformConfig, PlatformStartError};
use storage::{Storage, StorageError, Target};
use token::TokenCache;

/// WeChat's API, where the token comes from unless `--wechat-base` says otherwise.
pub const WECHAT_BASE: &str = "https://api.weixin.qq.com";

/// A request (head and body) must be answered within this; a client that dribbles its body
/// is cut off.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a shutdown waits for answers being written.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(1);

/// What the server needs to run. `Debug` shows no secret.
#[derive(Clone)]
pub struct ServerConfig {
    /// Where to listen (`127.0.0.1:0` picks a free port).
    pub addr: SocketAddr,
    /// The Token of 公众平台's server configuration (a platform's: 消息校验Token, for both of
    /// its URLs).
    pub token: String,
    /// The EncodingAESKey (43 characters).
    pub encoding_aes_key: String,
    /// The AppID of the direct account (`/wechat`, `/api/v1/token` without `appid`);
    /// optional when the server plays an open platform.
    pub appid: Option<String>,
    /// The AppSecret, for `/api/v1/token` only.
    pub secret: Option<String>,
    /// Where the data lives.
    pub target: Target,
    /// A PEM file of CA certificates trusted, beside Mozilla's roots, for PostgreSQL's
    /// certificate (a cloud provider's CA); unused on SQLite.
    pub database_ca_file: Option<PathBuf>,
    /// WeChat's API base (the simulator's URL in tests).
    pub wechat_base: String,
    /// The open platform the server plays, if any.
    pub platform: Option<PlatformConfig>,
    /// The clock token lifetimes follow (tests advance it with the simulator's).
    pub clock: Clock,
}

impl std::fmt::Debug for ServerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerConfig")
            .field("addr", &self.addr)
            .field("appid", &self.appid)
            .field("secret", &self.secret.as_ref().map(|_| "***"))
            .field("target", &self.target)
            .field("database_ca_file", &self.database_ca_file)
            .field("wechat_base", &self.wechat_base)
            .field("platform", &self.platform)
            .finish_non_exhaustive()
    }
}

/// Why the server could not start.
#[derive(Debug, Error)]
pub enum ServerError {
    /// The EncodingAESKey is unusable.
    #[error("--encoding-aes-key: {0}")]
    Key(#[from] CryptoError),
    /// The Token is empty.
    #[error("the Token is empty")]
    NoToken,
    /// The database could not be opened or migrated.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
    /// `--wechat-base` is neither HTTPS nor a loopback address.
    #[error("--wechat-base must be https:// (or http:// to this machine): {0}")]
    InsecureBase(String),
    /// The HTTP client could not be built.
    #[error("cannot set up HTTPS: {0}")]
    Http(String),
    /// Neither a direct account nor an open platform was given.
    #[error(
        "nothing to serve: give --appid (an official account), --component-appid (an open platform), or both"
    )]
    NoAccount,
    /// The open platform could not start (its keys, or a master key that does not open the
    /// database's secrets).
    #[error("open platform: {0}")]
    Platform(#[from] PlatformStartError),
}

/// The direct account: its push keys and its token.
pub struct Direct {
    crypto: PushCrypto,
    tokens: TokenCache,
}

/// What the handlers share.
pub struct Shared {
    direct: Option<Direct>,
    storage: Arc<dyn Storage>,
    platform: Option<Arc<Platform>>,
}

/// A running server. Dropping it stops it.
pub struct ServerHandle {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
    refresher: Option<tokio::task::JoinHandle<()>>,
}

impl ServerHandle {
    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, lets answers in progress finish for a moment, and returns.
    pub async fn shutdown(mut self) {
        if let Some(refresher) = self.refresher.take() {
            refresher.abort();
        }
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let abort = task.abort_handle();
            if tokio::time::timeout(SHUTDOWN_GRACE, task).await.is_err() {
                abort.abort();
            }
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        if let Some(refresher) = self.refresher.take() {
            refresher.abort();
        }
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Checks `--wechat-base`: the AppSecret goes there, so HTTPS only, except to this machine.
fn check_base(base: &str) -> Result<(), ServerError> {
    let url = url::Url::parse(base).map_err(|_| ServerError::InsecureBase(base.to_owned()))?;
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        _ => Err(ServerError::InsecureBase(base.to_owned())),
    }
}

/// The routes.
pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/wechat", get(wechat::verify).post(wechat::receive))
        .route("/wechat/component", post(platform_push::component))
        .route("/wechat/{appid}", post(platform_push::merchant))
        .route("/api/v1/events", get(api::events))
        .route("/api/v1/token", get(api::token))
        .route("/api/v1/merchants", get(merchants::list))
        .route("/api/v1/authorizations", post(merchants::create))
        .route("/platform/callback", get(merchants::callback))
        .route("/healthz", get(api::healthz))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .with_state(shared)
}

/// Opens the database (migrating it) and starts serving on the current tokio runtime.
pub async fn spawn(config: ServerConfig) -> Result<ServerHandle, ServerError> {
    let storage = storage::open_with_ca(&config.target, config.database_ca_file.as_deref()).await?;
    spawn_with(config, storage).await
}

/// Opens the database and serves on `listener` (`config.addr` unused): a test that must know
/// the server's address before it starts (its public URL) binds first.
pub async fn spawn_on(
    config: ServerConfig,
    listener: tokio::net::TcpListener,
) -> Result<ServerHandle, ServerError> {
    let storage = storage::open_with_ca(&config.target, config.database_ca_file.as_deref()).await?;
    serve(config, storage, Some(listener)).await
}

/// Starts serving with a database already open.
pub async fn spawn_with(
    config: ServerConfig,
    storage: Arc<dyn Storage>,
) -> Result<ServerHandle, ServerError> {
    serve(config, storage, None).await
}

/// Starts serving on `listener`, else on `config.addr`.
async fn serve(
    config: ServerConfig,
    storage: Arc<dyn Storage>,
    listener: Option<tokio::net::TcpListener>,
) -> Result<ServerHandle, ServerError> {
    if config.token.trim().is_empty() {
        return Err(ServerError::NoToken);
    }
    register_sensitive(&config.token);
    register_sensitive(&config.encoding_aes_key);
    let appid = config
        .appid
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty());
    if appid.is_none() && config.platform.is_none() {
        return Err(ServerError::NoAccount);
    }
    check_base(&config.wechat_base)?;
    let http = reqwest::Client::builder()
        .build()
        .map_err(|e| ServerError::Http(e.to_string()))?;
    let direct = match appid {
        Some(appid) => Some(Direct {
            crypto: PushCrypto::new(&config.token, &config.encoding_aes_key, appid)?,
            tokens: TokenCache::new(
                http.clone(),
                &config.wechat_base,
                appid,
                config.secret.clone(),
            ),
        }),
        None => None,
    };
    let platform = match &config.platform {
        Some(p) => {
            register_sensitive(&p.component_secret);
            Some(Arc::new(
                Platform::start(
                    p,
                    &config.token,
                    &config.encoding_aes_key,
                    http,
                    &config.wechat_base,
                    Arc::clone(&storage),
                    config.clock.clone(),
                )
                .await?,
            ))
        }
        None => None,
    };
    let listener = match listener {
        Some(l) => l,
        None => tokio::net::TcpListener::bind(config.addr)
            .await
            .map_err(|source| ServerError::Bind {
                addr: config.addr,
                source,
            })?,
    };
    let addr = listener.local_addr().map_err(|source| ServerError::Bind {
        addr: config.addr,
        source,
    })?;
    let refresher = platform.as_ref().map(|p| tokio::spawn(Arc::clone(p).run()));
    let component = platform.as_ref().map(|p| p.appid().to_owned());
    let app = router(Arc::new(Shared {
        direct,
        storage,
        platform,
    }));
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await;
        if let Err(e) = served {
            tracing::error!(error = %e, "the server stopped");
        }
    });
    tracing::info!(%addr, appid = ?appid, component = ?component, "company server listening");
    Ok(ServerHandle {
        addr,
        stop: Some(stop),
        task: Some(task),
        refresher,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_goes_over_https_or_to_this_machine_only() {
        assert!(check_base(WECHAT_BASE).is_ok());
        assert!(check_base("http://127.0.0.1:8787").is_ok());
        assert!(check_base("http://localhost:1").is_ok());
        assert!(check_base("http://api.weixin.qq.com").is_err());
        assert!(check_base("ftp://x").is_err());
        assert!(check_base("not a url").is_err());
    }
}
