//! WeChat accounts: which AppID, under what name, and where its access token comes from.
//!
//! The list (`accounts.json` in the data folder) holds no secret and no token: an AppSecret
//! lives in the OS keyring ([`secrets`]), or for this session only in memory when there is no
//! keyring; tokens, pasted or fetched, live in memory only. No egui here.

pub mod merchants;
pub mod secrets;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::api::TokenSource;
use crate::api::client::check_base_url;

pub use secrets::{KeyringStore, MemoryStore, SecretError, SecretStore, Stored, Vault};

/// The file name of the accounts list in the data folder.
pub const ACCOUNTS_FILE: &str = "accounts.json";

/// Where an account's access token comes from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TokenMode {
    /// `cgi-bin/stable_token` with the AppSecret from the keyring: the safe default.
    #[default]
    Stable,
    /// `cgi-bin/token` with the AppSecret: each call invalidates the token the merchant's
    /// production server holds, so it is only used when picked explicitly.
    Classic,
    /// The company's token service: GET `url` answers JSON (member `json_field`, default
    /// `access_token`) or the plain token.
    Service {
        /// The service URL (https, or loopback).
        url: String,
        /// The JSON member that holds the token; empty means `access_token`.
        #[serde(default)]
        json_field: String,
    },
    /// A token pasted by the user (e.g. an authorizer token of a third-party platform); kept
    /// in memory for this session only.
    Pasted,
    /// The built-in simulator.
    Sandbox,
    /// 公司服务器: the company's `coupon-studio server` at `url` hands out the token for the
    /// person's API key (kept in the keyring) and relays WeChat's card events.
    Server {
        /// The server's base URL (https, or loopback).
        url: String,
    },
    /// 第三方平台(服务商): the company's `coupon-studio server` at `url` runs a third-party
    /// platform that merchants authorize; the person's API key (in the keyring) lists the
    /// merchants it may act for and gets each one's token. The app works for one merchant at
    /// a time ([`Accounts::merchant`]).
    Platform {
        /// The server's base URL (https, or loopback).
        url: String,
    },
}

impl TokenMode {
    /// Whether this mode needs the AppSecret.
    pub fn needs_secret(&self) -> bool {
        matches!(self, Self::Stable | Self::Classic)
    }

    /// The company server's URL, for the modes that use one (the person's API key goes there).
    pub fn server_url(&self) -> Option<&str> {
        match self {
            Self::Server { url } | Self::Platform { url } => Some(url),
            _ => None,
        }
    }
}

/// One WeChat account as configured in the app.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// Stable id inside this list (the AppID may be edited).
    pub id: String,
    /// The display name.
    pub name: String,
    /// The AppID (`wx…`).
    pub appid: String,
    /// Where the token comes from.
    #[serde(default)]
    pub mode: TokenMode,
}

/// Something wrong with an account as typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    /// The display name is empty.
    NameMissing,
    /// The AppID is empty (it names the keyring entry and the journal's account).
    AppIdMissing,
    /// The token service URL is not https (nor loopback for a local service).
    ServiceUrlInsecure,
    /// The company server's URL is not https (nor loopback).
    ServerUrlInsecure,
}

impl Account {
    /// A new account with a fresh id.
    pub fn new(name: &str, appid: &str, mode: TokenMode) -> Self {
        Self {
            id: new_id(),
            name: name.trim().to_owned(),
            appid: appid.trim().to_owned(),
            mode,
        }
    }

    /// What must be fixed before the account can be saved.
    pub fn problems(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        if self.name.trim().is_empty() {
            out.push(Problem::NameMissing);
        }
        // A platform works for its merchants' AppIDs, not one of its own.
        if self.appid.trim().is_empty()
            && !matches!(self.mode, TokenMode::Sandbox | TokenMode::Platform { .. })
        {
            out.push(Problem::AppIdMissing);
        }
        if let TokenMode::Service { url, .. } = &self.mode
            && check_base_url(url.trim()).is_err()
        {
            // The token comes back over this connection, so the same rule as for WeChat.
            out.push(Problem::ServiceUrlInsecure);
        }
        if let Some(url) = self.mode.server_url()
            && check_base_url(url.trim()).is_err()
        {
            // The API key and the token travel over this connection.
            out.push(Problem::ServerUrlInsecure);
        }
        out
    }

    /// The keyring name of this account's API key, for a company-server account: the key
    /// belongs to the person and this server entry, not to the AppID.
    pub fn key_name(&self) -> Option<String> {
        self.mode
            .server_url()
            .map(|_| secrets::server_key_name(&self.id))
    }

    /// Whether this is a third-party platform's account (it works for merchants).
    pub fn is_platform(&self) -> bool {
        matches!(self.mode, TokenMode::Platform { .. })
    }

    /// Where this account keeps its typed credential in the keyring: the API key's name for a
    /// company-server account, the AppID for an AppSecret; `None` when it keeps none.
    pub fn credential_name(&self) -> Option<String> {
        if self.mode.needs_secret() {
            Some(self.appid.trim().to_owned())
        } else {
            self.key_name()
        }
    }

    /// The key the money journal files this account's entries under.
    pub fn journal_key(&self) -> String {
        format!("{}@{}", self.appid, crate::api::WECHAT_API)
    }

    /// The token source for this account, with the secret or pasted token from `vault`.
    /// `None` for the sandbox (it has its own). Blocking: it may ask the keyring. A platform
    /// account needs a merchant: [`Self::merchant_token_source`].
    pub fn token_source(&self, vault: &Vault) -> Result<Option<TokenSource>, AccountError> {
        self.merchant_token_source(vault, None)
    }

    /// The token source for this account acting for `merchant` (a platform account's; the
    /// other kinds ignore it).
    pub fn merchant_token_source(
        &self,
        vault: &Vault,
        merchant: Option<&str>,
    ) -> Result<Option<TokenSource>, AccountError> {
        let appid = self.appid.trim().to_owned();
        Ok(Some(match &self.mode {
            TokenMode::Sandbox => return Ok(None),
            TokenMode::Stable => TokenSource::Stable {
                secret: vault.secret(&appid)?.ok_or(AccountError::NeedSecret)?,
                appid,
            },
            TokenMode::Classic => TokenSource::Classic {
                secret: vault.secret(&appid)?.ok_or(AccountError::NeedSecret)?,
                appid,
            },
            TokenMode::Service { url, json_field } => {
                check_base_url(url.trim()).map_err(|_| AccountError::ServiceUrlInsecure)?;
                TokenSource::Service {
                    url: url.trim().to_owned(),
                    json_field: Some(json_field.trim())
                        .filter(|f| !f.is_empty())
                        .map(str::to_owned),
                }
            }
            TokenMode::Pasted => TokenSource::Fixed(
                vault
                    .pasted_token(&self.id)
                    .ok_or(AccountError::NeedToken)?,
            ),
            TokenMode::Server { url } => {
                check_base_url(url.trim()).map_err(|_| AccountError::ServerUrlInsecure)?;
                TokenSource::Server {
                    url: url.trim().trim_end_matches('/').to_owned(),
                    key: vault
                        .secret(&secrets::server_key_name(&self.id))?
                        .ok_or(AccountError::NeedKey)?,
                }
            }
            TokenMode::Platform { url } => {
                let merchant = merchant
                    .map(str::trim)
                    .filter(|m| !m.is_empty())
                    .ok_or(AccountError::NeedMerchant)?;
                check_base_url(url.trim()).map_err(|_| AccountError::ServerUrlInsecure)?;
                TokenSource::Platform {
                    url: url.trim().trim_end_matches('/').to_owned(),
                    key: vault
                        .secret(&secrets::server_key_name(&self.id))?
                        .ok_or(AccountError::NeedKey)?,
                    appid: merchant.to_owned(),
                }
            }
        }))
    }

    /// The company server's URL and the person's API key, for the modes that have them.
    /// Blocking: it may ask the keyring.
    pub fn server_key(&self, vault: &Vault) -> Result<(String, String), AccountError> {
        let url = self.mode.server_url().ok_or(AccountError::NeedKey)?;
        check_base_url(url.trim()).map_err(|_| AccountError::ServerUrlInsecure)?;
        let key = vault
            .secret(&secrets::server_key_name(&self.id))?
            .ok_or(AccountError::NeedKey)?;
        Ok((url.trim().trim_end_matches('/').to_owned(), key))
    }
}

/// A fresh account id: time and randomness, so two made in one millisecond differ.
fn new_id() -> String {
    format!(
        "a{:x}{:04x}",
        chrono::Utc::now().timestamp_millis(),
        rand::random::<u16>()
    )
}

/// Errors of the accounts list and of resolving an account's token source.
#[derive(Debug, Error)]
pub enum AccountError {
    /// The file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not a valid accounts list; it was set aside to `backup`.
    #[error("{path} is unreadable ({message}); kept as {backup}")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
        /// Where the unreadable file was copied.
        backup: PathBuf,
    },
    /// The AppSecret is neither in the keyring nor entered this session.
    #[error("the AppSecret is not stored; enter it in Settings")]
    NeedSecret,
    /// A pasted-token account has no token this session.
    #[error("paste the access_token in Settings (tokens are kept in memory only)")]
    NeedToken,
    /// The token service URL is not https (nor loopback).
    #[error("the token service URL must be https (or a local address)")]
    ServiceUrlInsecure,
    /// A company-server account has no API key in the keyring nor entered this session.
    #[error("the company server's API key is not stored; enter it in Settings")]
    NeedKey,
    /// The company server's URL is not https (nor loopback).
    #[error("the company server's URL must be https (or a local address)")]
    ServerUrlInsecure,
    /// A platform account was used without naming the merchant to act for.
    #[error("choose a merchant of the platform first")]
    NeedMerchant,
    /// The keyring failed.
    #[error(transparent)]
    Secret(#[from] SecretError),
}

/// The accounts list as stored: no secrets, no tokens.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Accounts {
    /// Every configured account.
    pub accounts: Vec<Account>,
    /// The id of the account the app starts with; `None` = the sandbox.
    pub active: Option<String>,
    /// When the active account is a platform's: the AppID of the merchant it works for.
    pub merchant: Option<String>,
}

impl Accounts {
    /// The path of the list in `data_dir`.
    pub fn path(data_dir: &Path) -> PathBuf {
        data_dir.join(ACCOUNTS_FILE)
    }

    /// Reads the list; a missing file is an empty list. An unreadable one is copied aside
    /// (`accounts.json.corrupt-<unix seconds>`) and reported, never silently replaced.
    pub fn load(data_dir: &Path) -> Result<Self, AccountError> {
        let path = Self::path(data_dir);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(source) => return Err(AccountError::Io { path, source }),
        };
        serde_json::from_str(&text).map_err(|e| {
            let backup =
                path.with_extension(format!("json.corrupt-{}", chrono::Utc::now().timestamp()));
            // If even the copy fails, the original stays in place; the error says so.
            let _ = std::fs::copy(&path, &backup);
            AccountError::Corrupt {
                path: path.clone(),
                message: e.to_string(),
                backup,
            }
        })
    }

    /// Writes the list atomically (temporary file, then rename), so a crash leaves the old or
    /// the new list, never half of one.
    pub fn save(&self, data_dir: &Path) -> Result<(), AccountError> {
        let path = Self::path(data_dir);
        let io = |source| AccountError::Io {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(data_dir).map_err(io)?;
        let text = serde_json::to_string_pretty(self)
            .map_err(|e| io(std::io::Error::other(e.to_string())))?;
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, text).map_err(io)?;
        std::fs::rename(&tmp, &path).map_err(io)
    }

    /// The active account, if one is set and still in the list.
    pub fn active_account(&self) -> Option<&Account> {
        let id = self.active.as_deref()?;
        self.accounts.iter().find(|a| a.id == id)
    }

    /// Adds `account` or replaces the one with its id.
    pub fn upsert(&mut self, account: Account) {
        match self.accounts.iter_mut().find(|a| a.id == account.id) {
            Some(slot) => *slot = account,
            None => self.accounts.push(account),
        }
    }

    /// Removes an account (the active one falls back to the sandbox).
    pub fn remove(&mut self, id: &str) -> Option<Account> {
        let pos = self.accounts.iter().position(|a| a.id == id)?;
        if self.active.as_deref() == Some(id) {
            self.active = None;
            self.merchant = None;
        }
        Some(self.accounts.remove(pos))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("cs-accounts-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    #[test]
    fn list_round_trips_without_secrets() {
        let d = dir("rt");
        let mut list = Accounts::default();
        let a = Account::new("门店", "wx123", TokenMode::Stable);
        list.upsert(a.clone());
        list.upsert(Account::new(
            "公司",
            "wx456",
            TokenMode::Service {
                url: "https://tokens.example.com/t".into(),
                json_field: "token".into(),
            },
        ));
        list.active = Some(a.id.clone());
        list.save(&d).unwrap();
        assert_eq!(Accounts::load(&d).unwrap(), list);
        assert_eq!(list.active_account(), Some(&a));
        list.remove(&a.id);
        assert_eq!(list.active, None);
        assert_eq!(
            Accounts::load(&dir("missing")).unwrap(),
            Accounts::default()
        );
    }

    #[test]
    fn corrupt_list_is_kept_and_reported() {
        let d = dir("corrupt");
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(Accounts::path(&d), "{not json").unwrap();
        match Accounts::load(&d) {
            Err(AccountError::Corrupt { backup, .. }) => {
                assert_eq!(std::fs::read_to_string(backup).unwrap(), "{not json");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            std::fs::read_to_string(Accounts::path(&d)).unwrap(),
            "{not json"
        );
    }

    #[test]
    fn problems_and_token_sources() {
        let vault = Vault::new(std::sync::Arc::new(MemoryStore::default()));
        let mut a = Account::new("", "", TokenMode::Stable);
        assert_eq!(
            a.problems(),
            vec![Problem::NameMissing, Problem::AppIdMissing]
        );
        a.name = "x".into();
        a.appid = "wx1".into();
        assert!(matches!(
            a.token_source(&vault),
            Err(AccountError::NeedSecret)
        ));
        assert_eq!(vault.store_secret("wx1", "sec-ret-1"), Stored::Keyring);
        assert!(matches!(
            a.token_source(&vault).unwrap(),
            Some(TokenSource::Stable { secret, .. }) if secret == "sec-ret-1"
        ));
        a.mode = TokenMode::Service {
            url: "http://intranet.example.com/token".into(),
            json_field: String::new(),
        };
        assert_eq!(a.problems(), vec![Problem::ServiceUrlInsecure]);
        a.mode = TokenMode::Pasted;
        assert!(matches!(
            a.token_source(&vault),
            Err(AccountError::NeedToken)
        ));
        vault.set_pasted_token(&a.id, "pasted-token-1");
        assert!(matches!(
            a.token_source(&vault).unwrap(),
            Some(TokenSource::Fixed(t)) if t == "pasted-token-1"
        ));
        a.mode = TokenMode::Sandbox;
        assert!(a.token_source(&vault).unwrap().is_none());
    }

    #[test]
    fn a_company_server_account_takes_its_key_from_the_vault() {
        let vault = Vault::new(std::sync::Arc::new(MemoryStore::default()));
        let mut a = Account::new(
            "公司",
            "wx9",
            TokenMode::Server {
                url: "http://coupons.example.com".into(),
            },
        );
        assert_eq!(a.problems(), vec![Problem::ServerUrlInsecure]);
        a.mode = TokenMode::Server {
            url: "https://coupons.example.com/".into(),
        };
        assert!(a.problems().is_empty());
        assert!(matches!(a.token_source(&vault), Err(AccountError::NeedKey)));
        let name = a.key_name().unwrap();
        assert_eq!(a.credential_name(), Some(name.clone()));
        assert_ne!(name, "wx9", "the key is filed apart from any AppSecret");
        vault.store_secret(&name, "csk_person_key_0001");
        assert!(matches!(
            a.token_source(&vault).unwrap(),
            Some(TokenSource::Server { url, key })
                if url == "https://coupons.example.com" && key == "csk_person_key_0001"
        ));
        // The list file names the server, never the key.
        let json = serde_json::to_string(&a).unwrap();
        assert!(json.contains("\"kind\":\"server\"") && !json.contains("csk_person_key"));
        // Another account on the same server has a key of its own.
        let b = Account::new("公司", "wx9", a.mode.clone());
        assert_ne!(b.key_name(), a.key_name());
        assert_eq!(Account::new("x", "wx1", TokenMode::Stable).key_name(), None);
    }

    #[test]
    fn a_platform_account_acts_for_the_merchant_it_is_given() {
        let vault = Vault::new(std::sync::Arc::new(MemoryStore::default()));
        let mut p = Account::new(
            "服务商",
            "",
            TokenMode::Platform {
                url: "http://coupons.example.com".into(),
            },
        );
        // No AppID of its own is needed; the key's URL follows the company server's rule.
        assert_eq!(p.problems(), vec![Problem::ServerUrlInsecure]);
        p.mode = TokenMode::Platform {
            url: "https://coupons.example.com/".into(),
        };
        assert!(p.problems().is_empty() && p.is_platform());
        let name = p.key_name().unwrap();
        vault.store_secret(&name, "csk_platform_key_0001");
        assert!(matches!(
            p.token_source(&vault),
            Err(AccountError::NeedMerchant)
        ));
        assert!(matches!(
            p.merchant_token_source(&vault, Some("wxA")).unwrap(),
            Some(TokenSource::Platform { url, key, appid })
                if url == "https://coupons.example.com"
                    && key == "csk_platform_key_0001"
                    && appid == "wxA"
        ));
        assert_eq!(
            p.server_key(&vault).unwrap(),
            (
                "https://coupons.example.com".to_owned(),
                "csk_platform_key_0001".to_owned()
            )
        );
        // The list remembers the merchant, never the key; removing the account forgets both.
        let d = dir("platform");
        let mut list = Accounts::default();
        list.upsert(p.clone());
        list.active = Some(p.id.clone());
        list.merchant = Some("wxA".into());
        list.save(&d).unwrap();
        let text = std::fs::read_to_string(Accounts::path(&d)).unwrap();
        assert!(text.contains("\"kind\": \"platform\"") && !text.contains("csk_platform"));
        assert_eq!(Accounts::load(&d).unwrap(), list);
        list.remove(&p.id);
        assert_eq!((list.active, list.merchant), (None, None));
    }
}
