//! The accounts commands: the list file and the keyring on the blocking pool (D-Bus calls and
//! unlock prompts may block), connection tests and new backends on the runtime.

use std::path::PathBuf;
use std::sync::Arc;

use super::{Backend, BackendError, ServerLink};
use crate::accounts::{Account, AccountError, Accounts, KeyringStore, TokenMode, Vault};
use crate::api::{ApiClient, TokenSource, WECHAT_API};
use crate::app::events::{AccountsEvent, Event, Switch, SwitchRefused, UiError};
use crate::app::io::Io;
use crate::message::ErrorKind;
use crate::ui::accounts::{Command, SecretText};

/// What the accounts commands work with.
pub struct AccountsCtx {
    /// The data folder (the list file, the simulator's state).
    pub data_dir: PathBuf,
    /// Secrets and pasted tokens.
    pub vault: Arc<Vault>,
    /// Where real accounts are called: WeChat, or a loopback simulator in tests.
    pub api_base: String,
}

impl AccountsCtx {
    /// The keyring-backed context for `data_dir`.
    pub fn new(data_dir: PathBuf) -> Self {
        Self {
            data_dir,
            vault: Arc::new(Vault::new(Arc::new(KeyringStore))),
            api_base: WECHAT_API.to_owned(),
        }
    }
}

fn event(e: AccountsEvent) -> Event {
    Event::Accounts(e)
}

/// The error in both languages.
pub fn account_error(e: &AccountError) -> UiError {
    use crate::i18n::T;
    match e {
        AccountError::NeedSecret => UiError::of(T::SecretNeeded).kind_of(ErrorKind::Account),
        AccountError::NeedToken => UiError::of(T::TokenNeeded).kind_of(ErrorKind::Account),
        AccountError::ServiceUrlInsecure => {
            UiError::of(T::ServiceUrlInsecure).kind_of(ErrorKind::Account)
        }
        AccountError::NeedKey => UiError::of(T::KeyNeeded).kind_of(ErrorKind::Account),
        AccountError::ServerUrlInsecure => {
            UiError::of(T::ServerUrlInsecure).kind_of(ErrorKind::Account)
        }
        AccountError::NeedMerchant => UiError::of(T::ChooseMerchant).kind_of(ErrorKind::Account),
        other => UiError::of_then(T::AccountsFileError, redact(&other.to_string()))
            .kind_of(ErrorKind::Account),
    }
}

fn redact(text: &str) -> String {
    crate::api::error::redact(text)
}

/// The keyring names among `list` whose credential is available (for "stored, not shown"):
/// AppIDs with their AppSecret, company-server accounts' key names.
fn with_secret(vault: &Vault, list: &Accounts) -> Vec<String> {
    list.accounts
        .iter()
        .filter_map(Account::credential_name)
        .filter(|name| vault.has_secret(name))
        .collect()
}

/// A backend for an account (the simulator for the sandbox mode), acting for `merchant` when
/// the account is a platform's. Blocking.
pub fn backend_for(
    ctx_data_dir: &std::path::Path,
    api_base: &str,
    vault: &Vault,
    account: Option<&Account>,
    merchant: Option<&str>,
) -> Result<Backend, BackendError> {
    let Some(account) = account.filter(|a| a.mode != TokenMode::Sandbox) else {
        // A state file that cannot be read is set aside (logged) rather than blocking the switch.
        return Backend::start_sandbox_recovering(&ctx_data_dir.join("sandbox-state.json"))
            .map(|(b, _)| b);
    };
    let source = account
        .merchant_token_source(vault, merchant)?
        .ok_or(BackendError::NoTokenSource)?;
    // A company-server account reads the card events with the same key that gets its token;
    // a platform's merchant reads its own events only, and its AppID names the backend.
    let (server, appid) = match &source {
        TokenSource::Server { url, key } => (
            Some(ServerLink::new(
                crate::api::CompanyClient::new(url, key)?,
                &account.appid,
            )),
            account.appid.clone(),
        ),
        TokenSource::Platform { url, key, appid } => (
            Some(ServerLink::new(
                crate::api::CompanyClient::new(url, key)?.for_merchant(appid),
                appid,
            )),
            appid.clone(),
        ),
        _ => (None, account.appid.clone()),
    };
    let mut backend = client_backend(api_base, &appid, source)?;
    backend.server = server;
    Ok(backend)
}

fn client_backend(
    api_base: &str,
    appid: &str,
    source: TokenSource,
) -> Result<Backend, BackendError> {
    if api_base == WECHAT_API {
        return Backend::start_account(appid, source);
    }
    Ok(Backend {
        sandbox: false,
        api_base: api_base.to_owned(),
        label: appid.to_owned(),
        client: ApiClient::new(api_base, source)?,
        sandbox_thread: None,
        admin_key: None,
        server: None,
    })
}

/// Applies a typed secret and pasted token to the vault.
fn keep_typed(
    vault: &Vault,
    account: &Account,
    secret: Option<&SecretText>,
    token: Option<&SecretText>,
) -> Option<crate::accounts::Stored> {
    if let Some(t) = token {
        vault.set_pasted_token(&account.id, &t.0);
    }
    // An AppSecret under the AppID, a company server's API key under the account.
    let name = account.credential_name()?;
    secret.map(|s| vault.store_secret(&name, &s.0))
}

/// Runs one accounts command.
pub fn run(cmd: Command, io: &Io, backend: &Arc<Backend>, ctx: &AccountsCtx) {
    let vault = ctx.vault.clone();
    let dir = ctx.data_dir.clone();
    let api_base = ctx.api_base.clone();
    match cmd {
        Command::ProbeKeyring => io.spawn_blocking(move || {
            event(AccountsEvent::KeyringProbed(
                KeyringStore::probe().map_err(|e| e.to_string()),
            ))
        }),
        Command::Save {
            account,
            secret,
            token,
        } => io.spawn_blocking(move || {
            let stored = keep_typed(&vault, &account, secret.as_ref(), token.as_ref());
            let list = Accounts::load(&dir).and_then(|mut list| {
                list.upsert(account);
                list.save(&dir).map(|()| list)
            });
            let with_secret = list
                .as_ref()
                .map(|l| with_secret(&vault, l))
                .unwrap_or_default();
            tracing::info!(stored = ?stored.as_ref().map(|s| matches!(s, crate::accounts::Stored::Keyring)), "account saved");
            event(AccountsEvent::Saved {
                list: list.map_err(|e| account_error(&e)),
                stored,
                with_secret,
            })
        }),
        Command::Remove(id) => io.spawn_blocking(move || {
            let list = Accounts::load(&dir).and_then(|mut list| {
                if let Some(gone) = list.remove(&id) {
                    if let Some(key) = gone.key_name() {
                        vault.forget_secret(&key)?;
                    } else if !list.accounts.iter().any(|a| a.appid == gone.appid) {
                        vault.forget_secret(&gone.appid)?;
                    }
                }
                list.save(&dir).map(|()| list)
            });
            let with_secret = list
                .as_ref()
                .map(|l| with_secret(&vault, l))
                .unwrap_or_default();
            event(AccountsEvent::Saved {
                list: list.map_err(|e| account_error(&e)),
                stored: None,
                with_secret,
            })
        }),
        Command::Activate(id) => io.spawn_blocking(move || {
            let result = (|| -> Result<Switch, UiError> {
                let mut list = Accounts::load(&dir).map_err(|e| account_error(&e))?;
                let account = match &id {
                    Some(id) => Some(
                        list.accounts
                            .iter()
                            .find(|a| &a.id == id)
                            .cloned()
                            .ok_or_else(|| UiError::plain(format!("no account {id}")))?,
                    ),
                    None => None,
                };
                // A platform account goes back to the merchant it worked for last.
                let merchant = account
                    .as_ref()
                    .filter(|a| a.is_platform() && list.active == id)
                    .and_then(|_| list.merchant.clone());
                let backend =
                    backend_for(&dir, &api_base, &vault, account.as_ref(), merchant.as_deref())
                        .map_err(|e| e.to_ui())?;
                list.active.clone_from(&id);
                list.merchant.clone_from(&merchant);
                list.save(&dir).map_err(|e| account_error(&e))?;
                tracing::info!(account = ?id, api = %backend.api_base, "switched account");
                Ok(Switch {
                    id,
                    merchant,
                    backend,
                })
            })();
            event(AccountsEvent::Switched(
                result
                    .map(Box::new)
                    .map_err(|error| SwitchRefused { error, gone: None }),
            ))
        }),
        // A platform's commands run in `platform.rs` (see `exec::accounts_command`).
        Command::UseMerchant { .. } | Command::ListMerchants(_) | Command::Authorize(_) => {}
        Command::Test {
            account,
            secret,
            token,
        } => {
            let backend = backend.clone();
            io.spawn(async move {
                let client = tokio::task::spawn_blocking(move || -> Result<ApiClient, UiError> {
                    if account.mode == TokenMode::Sandbox {
                        return if backend.sandbox {
                            Ok(backend.client.clone())
                        } else {
                            Err(UiError::plain("the simulator is not running"))
                        };
                    }
                    // A test uses a typed secret without storing it.
                    let source = match (&account.mode, secret, token) {
                        (TokenMode::Stable, Some(s), _) => TokenSource::Stable {
                            appid: account.appid.clone(),
                            secret: s.0,
                        },
                        (TokenMode::Classic, Some(s), _) => TokenSource::Classic {
                            appid: account.appid.clone(),
                            secret: s.0,
                        },
                        (TokenMode::Pasted, _, Some(t)) => TokenSource::Fixed(t.0),
                        (TokenMode::Server { url }, Some(k), _) => TokenSource::Server {
                            url: url.trim().trim_end_matches('/').to_owned(),
                            key: k.0,
                        },

                        _ => account
                            .token_source(&vault)
                            .map_err(|e| account_error(&e))?
                            .ok_or_else(|| UiError::plain("no token source"))?,
                    };
                    if let TokenSource::Stable { secret, .. } | TokenSource::Classic { secret, .. } = &source {
                        crate::api::error::register_sensitive(secret);
                    }
                    ApiClient::new(&api_base, source).map_err(|e| super::api_error(&e))
                })
                .await
                .map_err(|e| UiError::plain(e.to_string()))
                .and_then(|r| r);
                let result = match client {
                    Ok(client) => match client.access_token().await {
                        Ok(_) => client
                            .get_colors()
                            .await
                            .map(|c| c.len())
                            .map_err(|e| super::api_error(&e)),
                        Err(e) => Err(super::api_error(&e)),
                    },
                    Err(e) => Err(e),
                };
                event(AccountsEvent::Tested(result))
            });
        }
        Command::OpenLogs => io.spawn_blocking(move || {
            let logs = crate::logging::log_dir(&dir);
            let result = std::fs::create_dir_all(&logs)
                .and_then(|()| crate::desktop::open_in_system_viewer(&logs))
                .map_err(|e| UiError::plain(format!("{}: {e}", logs.display())));
            event(AccountsEvent::LogsOpened(result))
        }),
    }
}

impl Backend {
    /// The backend of a configured account against `https://api.weixin.qq.com` (the
    /// simulator for a sandbox-mode account). Blocking: it may ask the keyring.
    pub fn for_account(
        data_dir: &std::path::Path,
        vault: &Vault,
        account: &Account,
    ) -> Result<Self, BackendError> {
        backend_for(data_dir, WECHAT_API, vault, Some(account), None)
    }

    /// Like [`Self::for_account`] with WeChat at `api_base` (a loopback simulator in tests).
    pub fn for_account_at(
        data_dir: &std::path::Path,
        api_base: &str,
        vault: &Vault,
        account: &Account,
    ) -> Result<Self, BackendError> {
        backend_for(data_dir, api_base, vault, Some(account), None)
    }

    /// The backend of a platform account's merchant `appid` against
    /// `https://api.weixin.qq.com`. Blocking: it may ask the keyring.
    pub fn for_merchant(
        data_dir: &std::path::Path,
        vault: &Vault,
        account: &Account,
        appid: &str,
    ) -> Result<Self, BackendError> {
        backend_for(data_dir, WECHAT_API, vault, Some(account), Some(appid))
    }

    /// The backend of a platform account's merchant `appid` (its token and events through the
    /// company server), with WeChat at `api_base`. Blocking: it may ask the keyring.
    pub fn for_merchant_at(
        data_dir: &std::path::Path,
        api_base: &str,
        vault: &Vault,
        account: &Account,
        appid: &str,
    ) -> Result<Self, BackendError> {
        backend_for(data_dir, api_base, vault, Some(account), Some(appid))
    }
}
