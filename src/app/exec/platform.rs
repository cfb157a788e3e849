//! A platform account's commands: its merchants and the authorization page from the company
//! server (with the person's API key from the keyring), the connection test, and the switch to
//! a merchant — which asks for the merchant's token first, so that a merchant the key may not
//! act for, or one that withdrew its authorization, is refused before any panel changes.

use super::accounts::{AccountsCtx, account_error, backend_for};
use crate::accounts::{Account, Accounts, Vault};
use crate::api::{ApiClient, ApiError, CompanyClient};
use crate::app::events::{AccountsEvent, Switch, SwitchRefused, UiError};
use crate::app::io::Io;
use crate::ui::accounts::SecretText;

/// The stored platform account `id`. Blocking.
fn platform_account(dir: &std::path::Path, id: &str) -> Result<(Accounts, Account), UiError> {
    let list = Accounts::load(dir).map_err(|e| account_error(&e))?;
    let account = list
        .accounts
        .iter()
        .find(|a| a.id == id && a.is_platform())
        .cloned()
        .ok_or_else(|| UiError::plain(format!("no platform account {id}")))?;
    Ok((list, account))
}

/// A client of the platform account `id`'s server with the person's key. Blocking.
fn client_of(dir: &std::path::Path, vault: &Vault, id: &str) -> Result<CompanyClient, UiError> {
    let (_, account) = platform_account(dir, id)?;
    let (url, key) = account.server_key(vault).map_err(|e| account_error(&e))?;
    CompanyClient::new(&url, &key).map_err(|e| UiError::api(&e))
}

/// The platform account's client, made on the blocking pool (the keyring may block).
async fn client(
    keys: (std::path::PathBuf, std::sync::Arc<Vault>),
    id: String,
) -> Result<CompanyClient, UiError> {
    let (dir, vault) = keys;
    tokio::task::spawn_blocking(move || client_of(&dir, &vault, &id))
        .await
        .map_err(|e| UiError::plain(e.to_string()))?
}

/// Reads the platform account's merchants.
pub fn list(account: String, io: &Io, ctx: &AccountsCtx) {
    let keys = (ctx.data_dir.clone(), ctx.vault.clone());
    io.spawn(async move {
        let result = match client(keys, account.clone()).await {
            Ok(c) => c.merchants().await.map_err(|e| UiError::api(&e)),
            Err(e) => Err(e),
        };
        AccountsEvent::Merchants { account, result }
    });
}

/// Asks the platform account's server for an authorization page.
pub fn authorize(account: String, io: &Io, ctx: &AccountsCtx) {
    let keys = (ctx.data_dir.clone(), ctx.vault.clone());
    io.spawn(async move {
        let result = match client(keys, account.clone()).await {
            Ok(c) => c.authorization().await.map_err(|e| UiError::api(&e)),
            Err(e) => Err(e),
        };
        AccountsEvent::Authorization { account, result }
    });
}

/// Checks a withdrawal event of merchant `appid` of the platform account `account` with a
/// fresh token from `client` (the merchant's): the server's 404 says it is gone; a token says
/// it authorized the platform again since; any other failure leaves it to the next call.
pub fn check_withdrawal(account: String, appid: String, client: ApiClient, io: &Io) {
    io.spawn(async move {
        let gone = matches!(
            client.fresh_access_token().await,
            Err(ApiError::MerchantGone)
        );
        if !gone {
            tracing::info!(merchant = %appid, "an earlier withdrawal: the merchant authorizes the platform again");
        }
        AccountsEvent::WithdrawalChecked {
            account,
            appid,
            gone,
        }
    });
}

/// 测试连接 of a platform account as typed: its merchants are listed with the typed key (not
/// stored by a test), else the stored one; the answer is how many there are.
pub fn test(account: Account, key: Option<SecretText>, io: &Io, ctx: &AccountsCtx) {
    let vault = ctx.vault.clone();
    io.spawn(async move {
        let client = tokio::task::spawn_blocking(move || {
            let url = account.mode.server_url().unwrap_or_default().to_owned();
            let key = match key {
                Some(k) => k.0,
                None => account.server_key(&vault).map_err(|e| account_error(&e))?.1,
            };
            CompanyClient::new(&url, &key).map_err(|e| UiError::api(&e))
        })
        .await
        .map_err(|e| UiError::plain(e.to_string()))
        .and_then(|r| r);
        let result = match client {
            Ok(c) => c
                .merchants()
                .await
                .map(|l| l.len())
                .map_err(|e| UiError::api(&e)),
            Err(e) => Err(e),
        };
        AccountsEvent::Tested(result)
    });
}

/// Builds the backend of merchant `appid` of the platform account `id`, asks for its token,
/// and remembers the choice in the accounts list.
pub fn use_merchant(id: String, appid: String, io: &Io, ctx: &AccountsCtx) {
    let dir = ctx.data_dir.clone();
    let vault = ctx.vault.clone();
    let api_base = ctx.api_base.clone();
    io.spawn(async move {
        let refused = |error: UiError| SwitchRefused { error, gone: None };
        let result = async {
            let (build_id, build_appid) = (id.clone(), appid.clone());
            let backend = tokio::task::spawn_blocking(move || {
                let (_, account) = platform_account(&dir, &build_id)?;
                backend_for(&dir, &api_base, &vault, Some(&account), Some(&build_appid))
                    .map(|b| (b, dir))
                    .map_err(|e| e.to_ui())
            })
            .await
            .map_err(|e| refused(UiError::plain(e.to_string())))?
            .map_err(refused)?;
            let (backend, dir) = backend;
            // The token first: the client keeps it, so the panels' first calls reuse it. An
            // unreachable server does not stop the switch (the panels say so, as for a
            // company-server account); a refusal does.
            match backend.client.access_token().await {
                Err(e @ ApiError::MerchantGone) => {
                    return Err(SwitchRefused {
                        error: UiError::api(&e),
                        gone: Some((id.clone(), appid.clone())),
                    });
                }
                Err(e @ (ApiError::MerchantRefused | ApiError::KeyRefused)) => {
                    return Err(refused(UiError::api(&e)));
                }
                _ => {}
            }
            let (save_id, save_appid) = (id.clone(), appid.clone());
            tokio::task::spawn_blocking(move || {
                let mut list = Accounts::load(&dir).map_err(|e| account_error(&e))?;
                list.active = Some(save_id);
                list.merchant = Some(save_appid);
                list.save(&dir).map_err(|e| account_error(&e))
            })
            .await
            .map_err(|e| refused(UiError::plain(e.to_string())))?
            .map_err(refused)?;
            tracing::info!(merchant = %appid, api = %backend.api_base, "switched to a platform's merchant");
            Ok(Switch {
                id: Some(id.clone()),
                merchant: Some(appid.clone()),
                backend,
            })
        }
        .await;
        AccountsEvent::Switched(result.map(Box::new))
    });
}
