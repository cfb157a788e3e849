//! Runs panel commands: SQLite on the blocking pool, WeChat calls on the async runtime, file
//! dialogs through rfd. Every command ends in exactly one [`Event`].

pub(super) mod accounts;
mod demo;
mod design;
pub(super) mod images;
mod placement;
pub(super) mod platform;
mod redeem;
mod stats;
mod wallet;

pub(super) use stats::{PushedChannels, pushed_channels};

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use super::AppCommand;
use super::events::UiError;
use super::io::Io;
use crate::api::{ApiClient, ApiError};
use crate::store::{Store, StoreError};

/// Why a backend could not be built. Typed, so that the shell can say what went wrong (a
/// missing secret, a damaged simulator state) without reading error messages.
#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    /// The simulator did not start, or its state file could not be read.
    #[error(transparent)]
    Sandbox(#[from] crate::sandbox::SandboxError),
    /// The client could not be built (e.g. a base URL that is not allowed).
    #[error(transparent)]
    Api(#[from] ApiError),
    /// The account's secret or token is missing, or the accounts file failed.
    #[error(transparent)]
    Account(#[from] crate::accounts::AccountError),
    /// A damaged simulator state file could not be renamed out of the way.
    #[error("cannot set the simulator state aside: {0}")]
    SetAside(#[source] std::io::Error),
    /// The account has no way to get a token.
    #[error("no token source")]
    NoTokenSource,
}

impl BackendError {
    /// The error as the accounts part of Settings shows it (secrets redacted).
    pub fn to_ui(&self) -> UiError {
        match self {
            Self::Api(e) => api_error(e),
            Self::Account(e) => accounts::account_error(e),
            other => UiError::plain(crate::api::error::redact(&other.to_string())),
        }
    }
}

/// What the app talks to: the simulator or a real account. The client code is the same; only
/// the base URL and the token source differ.
pub struct Backend {
    /// True when this is the built-in simulator.
    pub sandbox: bool,
    /// The API base URL.
    pub api_base: String,
    /// Account display name.
    pub label: String,
    /// The client.
    pub client: ApiClient,
    /// Keeps an in-process simulator alive for as long as the app runs.
    pub sandbox_thread: Option<crate::sandbox::SandboxThread>,
    /// The admin key of a simulator run elsewhere with `--allow-remote`, sent on every
    /// admin call (paying a recharge, the clock, simulated activity, its pictures).
    pub admin_key: Option<String>,
    /// The company server of a 公司服务器 account: its event feed and the cache it fills.
    pub server: Option<ServerLink>,
}

/// A company-server account's link to its server, for the feed.
#[derive(Clone, Debug)]
pub struct ServerLink {
    /// The events client (with the person's API key).
    pub client: crate::api::CompanyClient,
    /// The cache's account key: the AppID at this server, so that another server (or
    /// another AppID) never resumes from this one's cursor.
    pub cache_key: String,
}

impl ServerLink {
    /// The link for `appid` at the server of `client`. A platform's merchant (a client
    /// [`for_merchant`](crate::api::CompanyClient::for_merchant)) has a cache of its own,
    /// apart from any account of that AppID on the same server.
    pub fn new(client: crate::api::CompanyClient, appid: &str) -> Self {
        let cache_key = match client.merchant() {
            Some(merchant) => format!("merchant:{merchant}@{}", client.base_url()),
            None => format!("{}@{}", appid.trim(), client.base_url()),
        };
        Self { client, cache_key }
    }
}

impl Backend {
    /// Starts the built-in simulator on its own thread and a client for it. With a state file
    /// the simulated account (cards, coins, orders) survives a restart, so the journal can be
    /// reconciled against it.
    pub fn start_sandbox(state_file: Option<PathBuf>) -> Result<Self, BackendError> {
        Self::start_sandbox_with(
            crate::sandbox::SandboxConfig {
                state_file,
                ..crate::sandbox::SandboxConfig::default()
            },
            crate::api::TokenSource::Stable {
                appid: "sandbox".into(),
                secret: "sandbox".into(),
            },
        )
    }

    /// The app's simulator on its state file. A state file that cannot be read (damaged, or
    /// from an incompatible version) is renamed to `<file>.corrupt-<unix seconds>` and the
    /// simulator starts empty; the returned path is that backup, to tell the user about.
    pub fn start_sandbox_recovering(
        state_file: &std::path::Path,
    ) -> Result<(Self, Option<PathBuf>), BackendError> {
        match Self::start_sandbox(Some(state_file.to_owned())) {
            Ok(b) => Ok((b, None)),
            Err(e @ BackendError::Sandbox(crate::sandbox::SandboxError::State { .. })) => {
                let secs = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs());
                let mut name = state_file.as_os_str().to_owned();
                name.push(format!(".corrupt-{secs}"));
                let backup = PathBuf::from(name);
                std::fs::rename(state_file, &backup).map_err(BackendError::SetAside)?;
                tracing::warn!(error = %e, backup = %backup.display(), "simulator state set aside");
                Ok((
                    Self::start_sandbox(Some(state_file.to_owned()))?,
                    Some(backup),
                ))
            }
            Err(e) => Err(e),
        }
    }

    /// The simulator with a given configuration (e.g. required credentials) and token source:
    /// tests use it to run a whole session with a real AppSecret they can search files for.
    pub fn start_sandbox_with(
        config: crate::sandbox::SandboxConfig,
        tokens: crate::api::TokenSource,
    ) -> Result<Self, BackendError> {
        let thread = crate::sandbox::spawn_blocking_thread(config)?;
        let url = thread.url().to_owned();
        let client = ApiClient::new(&url, tokens)?;
        Ok(Self {
            sandbox: true,
            api_base: url,
            label: "sandbox".into(),
            client,
            sandbox_thread: Some(thread),
            admin_key: None,
            server: None,
        })
    }

    /// A simulator run elsewhere (`coupon-studio sandbox --allow-remote` on a team machine),
    /// shared by everyone who rehearses on it. `admin_key` is the key it printed at start;
    /// the token comes from its token service as for the built-in one.
    pub fn connect_simulator(url: &str, admin_key: Option<&str>) -> Result<Self, BackendError> {
        let client = ApiClient::for_simulator(
            url,
            crate::api::TokenSource::Stable {
                appid: "sandbox".into(),
                secret: "sandbox".into(),
            },
        )?;
        let key = admin_key.map(str::trim).filter(|k| !k.is_empty());
        if let Some(k) = key {
            crate::api::error::register_sensitive(k);
        }
        Ok(Self {
            sandbox: true,
            api_base: client.base_url().to_owned(),
            label: "sandbox".into(),
            client,
            sandbox_thread: None,
            admin_key: key.map(str::to_owned),
            server: None,
        })
    }

    /// A real account: always `https://api.weixin.qq.com` (tokens go nowhere else). The label
    /// is the AppID, so the journal's account key survives renaming the account.
    pub fn start_account(
        appid: &str,
        tokens: crate::api::TokenSource,
    ) -> Result<Self, BackendError> {
        let client = ApiClient::new(crate::api::WECHAT_API, tokens)?;
        Ok(Self {
            sandbox: false,
            api_base: crate::api::WECHAT_API.to_owned(),
            label: appid.to_owned(),
            client,
            sandbox_thread: None,
            admin_key: None,
            server: None,
        })
    }

    /// The account the money journal files entries under: the simulator's entries never
    /// reconcile against a real account, nor one account's against another's.
    pub fn account_key(&self) -> String {
        if self.sandbox && self.sandbox_thread.is_some() {
            "sandbox".into()
        } else if self.sandbox {
            // A simulator elsewhere keeps its own orders: its entries stay apart.
            format!("sandbox@{}", self.api_base)
        } else {
            format!("{}@{}", self.label, self.api_base)
        }
    }

    /// The merchant this backend acts for under a platform account (its AppID), if any.
    pub fn merchant(&self) -> Option<&str> {
        self.server.as_ref().and_then(|l| l.client.merchant())
    }

    /// Where this backend's drafts and channel names are kept: the merchant's own scope
    /// under a platform account, else the person's own ([`crate::store::OWN`]).
    pub fn scope(&self) -> String {
        self.merchant()
            .map_or_else(|| crate::store::OWN.to_owned(), |m| format!("merchant:{m}"))
    }

    /// The simulator's base URL, in sandbox mode (built in or run elsewhere).
    pub fn sandbox_url(&self) -> Option<&str> {
        self.sandbox.then_some(self.api_base.as_str())
    }

    /// Where the simulator's pictures are read: in sandbox mode, and when an account of a
    /// real kind is rehearsed against a simulator (its API is not WeChat's, which a real
    /// account always uses): the fake CDN addresses of the simulator's uploads resolve only
    /// there.
    pub fn pictures_from(&self) -> Option<&str> {
        (self.sandbox || self.api_base != crate::api::WECHAT_API).then_some(self.api_base.as_str())
    }

    /// A client for the simulator's admin API, with its key when it has one; `None` on a
    /// real account.
    pub fn sandbox_admin(
        &self,
        timeout: std::time::Duration,
    ) -> Option<Result<crate::api::SandboxAdmin, crate::api::AdminError>> {
        let base = self.sandbox_url()?;
        Some(
            crate::api::SandboxAdmin::new(base, timeout).map(|admin| match &self.admin_key {
                Some(key) => admin.with_key(key),
                None => admin,
            }),
        )
    }
}

pub(super) fn store_error(e: &StoreError) -> UiError {
    UiError::fill(crate::i18n::T::DbError, &[("error", e)])
}

/// The simulator's admin client (with its key) for a panel's command, its calls given
/// `seconds` each; `None` on a real account.
pub(super) fn sim_admin(
    backend: &Backend,
    seconds: u64,
) -> Option<Result<crate::api::SandboxAdmin, UiError>> {
    backend
        .sandbox_admin(std::time::Duration::from_secs(seconds))
        .map(|r| r.map_err(|e| UiError::plain(e.to_string())))
}

/// The API error in both languages, with WeChat's explanation when the code is known.
pub fn api_error(e: &ApiError) -> UiError {
    UiError::api(e)
}

pub(super) fn with_store<T>(
    store: &Arc<Mutex<Store>>,
    f: impl FnOnce(&Store) -> Result<T, StoreError>,
) -> Result<T, UiError> {
    let guard = store
        .lock()
        .map_err(|_| UiError::plain("database lock poisoned"))?;
    f(&guard).map_err(|e| store_error(&e))
}

/// Runs one accounts command: a platform's (its merchants, its authorization page, its
/// connection test, working for a merchant) in `platform.rs`, the others in `accounts.rs`.
pub(super) fn accounts_command(
    cmd: crate::ui::accounts::Command,
    io: &Io,
    backend: &Arc<Backend>,
    ctx: &accounts::AccountsCtx,
) {
    use crate::ui::accounts::Command;
    match cmd {
        Command::UseMerchant { account, appid } => platform::use_merchant(account, appid, io, ctx),
        Command::ListMerchants(account) => platform::list(account, io, ctx),
        Command::Authorize(account) => platform::authorize(account, io, ctx),
        Command::Test {
            account, secret, ..
        } if account.is_platform() => platform::test(account, secret, io, ctx),
        other => accounts::run(other, io, backend, ctx),
    }
}

/// Runs one command of any panel.
pub fn run(cmd: AppCommand, io: &Io, backend: &Arc<Backend>, store: Option<&Arc<Mutex<Store>>>) {
    match cmd {
        AppCommand::Design(crate::ui::design::Command::LoadDemo(seed)) => {
            demo::load(seed, io, backend, store);
        }
        AppCommand::Design(c) => design::run(c, io, backend, store),
        AppCommand::Wallet(c) => wallet::run(c, io, backend, store),
        AppCommand::Placement(c) => placement::run(c, io, backend, store),
        AppCommand::Redeem(c) => redeem::run(c, io, backend),
        AppCommand::Stats(c) => stats::run(c, io, backend, store),
        // The app runs these itself with the vault (`CouponStudioApp::run`).
        AppCommand::Accounts(_) => {}
    }
}
