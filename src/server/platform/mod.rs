//! The open platform's side of the company server (第三方平台, issue 20): a service provider
//! works for many merchants, each of which authorized its platform on WeChat.
//!
//! - [`client`]: the component API on WeChat (`cgi-bin/component/*`);
//! - [`seal`]: every ticket and token at rest, sealed with AES-256-GCM under the master key;
//! - [`tokens`]: the verify ticket, the component token and each merchant's authorizer token,
//!   kept in the database (shared by every instance), refreshed before they expire, one
//!   refresh at a time across instances;
//! - [`grant`]: the authorization link, the exchange of an authorization code, revocation,
//!   and the events of the authorization event URL;
//! - [`refresher`]: the background task that keeps the tokens fresh and compares the merchants
//!   with WeChat's list (authorizations and revocations the server missed while it was down).

pub mod client;
pub mod grant;
pub mod refresher;
pub mod seal;
pub mod tokens;

use std::sync::Arc;
use std::time::Duration;

use thiserror::Error;

use super::clock::Clock;
use super::storage::{Storage, StorageError};
use crate::wxpush::{CryptoError, PushCrypto};
use client::ComponentClient;
use seal::{MasterKey, SealError, Sealer};

/// How often the background task looks at the tokens, when nothing says otherwise.
pub const DEFAULT_TICK: Duration = Duration::from_secs(60);
/// How often the merchants are compared with WeChat's list.
pub const DEFAULT_LIST_EVERY: Duration = Duration::from_secs(3600);

/// The platform's settings (`--component-appid`, its secret, the master key, the public URL).
/// `Debug` shows no secret.
#[derive(Clone)]
pub struct PlatformConfig {
    /// The platform's AppID (component_appid).
    pub component_appid: String,
    /// Its AppSecret.
    pub component_secret: String,
    /// The key the tickets and tokens are sealed with at rest.
    pub master_key: MasterKey,
    /// The server's public base URL (`https://coupons.example.com`): the authorization page
    /// sends the merchant's browser to its `/platform/callback`.
    pub public_url: Option<String>,
    /// How often the background task looks at the tokens ([`DEFAULT_TICK`]).
    pub tick: Duration,
    /// How often the merchants are compared with WeChat's list ([`DEFAULT_LIST_EVERY`]).
    pub list_every: Duration,
}

impl std::fmt::Debug for PlatformConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlatformConfig")
            .field("component_appid", &self.component_appid)
            .field("public_url", &self.public_url)
            .field("tick", &self.tick)
            .field("list_every", &self.list_every)
            .finish_non_exhaustive()
    }
}

impl PlatformConfig {
    /// The platform `appid` with its AppSecret and master key, the default timings and no
    /// public URL.
    pub fn new(appid: &str, secret: &str, master_key: MasterKey) -> Self {
        Self {
            component_appid: appid.to_owned(),
            component_secret: secret.to_owned(),
            master_key,
            public_url: None,
            tick: DEFAULT_TICK,
            list_every: DEFAULT_LIST_EVERY,
        }
    }
}

/// Why the platform could not do what was asked. Texts carry no token nor secret.
#[derive(Debug, Error)]
pub enum PlatformError {
    /// WeChat has not pushed a verify ticket yet (it does every 10 minutes).
    #[error(
        "no component_verify_ticket yet: WeChat pushes one to /wechat/component every 10 minutes"
    )]
    NoTicket,
    /// WeChat refused.
    #[error("WeChat errcode {errcode}: {errmsg}")]
    WeChat {
        /// WeChat's errcode.
        errcode: i64,
        /// WeChat's message.
        errmsg: String,
    },
    /// WeChat could not be reached, or answered something else.
    #[error("cannot reach WeChat: {0}")]
    Unreachable(String),
    /// The merchant does not (or no longer) authorize the platform.
    #[error("{0} does not authorize the platform (or no longer)")]
    NotAuthorized(String),
    /// The authorization link needs the server's public URL.
    #[error("the server has no public URL (--public-url): WeChat cannot send the merchant back")]
    NoPublicUrl,
    /// The database failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// A sealed value does not open.
    #[error(transparent)]
    Seal(#[from] SealError),
}

impl PlatformError {
    /// The errcode of a JSON error: WeChat's, or -1.
    pub fn errcode(&self) -> i64 {
        match self {
            Self::WeChat { errcode, .. } => *errcode,
            _ => -1,
        }
    }

    /// Whether WeChat refused the component token (expired, or replaced): worth one retry
    /// with a new one.
    fn stale_token(&self) -> bool {
        matches!(
            self,
            Self::WeChat {
                errcode: crate::errcode::TOKEN_INVALID | crate::errcode::TOKEN_EXPIRED,
                ..
            }
        )
    }
}

/// Why the platform side could not start.
#[derive(Debug, Error)]
pub enum PlatformStartError {
    /// The platform's EncodingAESKey is unusable.
    #[error("the EncodingAESKey: {0}")]
    Key(#[from] CryptoError),
    /// The master key does not open what the database holds.
    #[error("the master key: {0}")]
    MasterKey(#[from] SealError),
    /// The database failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// The platform's AppID or AppSecret is empty.
    #[error("--component-appid and the platform's AppSecret are both required")]
    Incomplete,
}

/// A merchant as the API lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Merchant {
    /// Its AppID.
    pub appid: String,
    /// Its name.
    pub name: String,
    /// Its original id (gh_…).
    pub user_name: String,
    /// The company behind it.
    pub principal_name: String,
    /// When it authorized the platform (unix seconds).
    pub authorized_at: i64,
}

/// The open platform the server plays: WeChat's component API, the database, the sealer and
/// the clock.
pub struct Platform {
    client: ComponentClient,
    storage: Arc<dyn Storage>,
    sealer: Sealer,
    clock: Clock,
    crypto: PushCrypto,
    public_url: Option<String>,
    tick_every: Duration,
    list_every: Duration,
}

impl std::fmt::Debug for Platform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Platform({})", self.client.appid())
    }
}

impl Platform {
    /// The platform of `config`, its pushes signed with `token` and encrypted with
    /// `encoding_aes_key`, calling WeChat at `base`. Checks the master key against the
    /// sample the database holds (and leaves one there the first time).
    pub async fn start(
        config: &PlatformConfig,
        token: &str,
        encoding_aes_key: &str,
        http: reqwest::Client,
        base: &str,
        storage: Arc<dyn Storage>,
        clock: Clock,
    ) -> Result<Self, PlatformStartError> {
        let appid = config.component_appid.trim();
        if appid.is_empty() || config.component_secret.trim().is_empty() {
            return Err(PlatformStartError::Incomplete);
        }
        let crypto = PushCrypto::new(token, encoding_aes_key, appid)?;
        let sealer = Sealer::new(&config.master_key);
        let sample = storage
            .init_setting(seal::CHECK_SETTING.into(), sealer.check_sample())
            .await?;
        sealer.verify_sample(&sample)?;
        Ok(Self {
            client: ComponentClient::new(http, base, appid, config.component_secret.trim()),
            storage,
            sealer,
            clock,
            crypto,
            public_url: config
                .public_url
                .as_deref()
                .map(|u| u.trim().trim_end_matches('/').to_owned())
                .filter(|u| !u.is_empty()),
            tick_every: config.tick,
            list_every: config.list_every,
        })
    }

    /// The platform's AppID.
    pub fn appid(&self) -> &str {
        self.client.appid()
    }

    /// The keys of the platform's pushes (both of its URLs).
    pub fn crypto(&self) -> &PushCrypto {
        &self.crypto
    }

    /// The clock the token lifetimes follow.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    fn component(&self) -> String {
        self.appid().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_shows_no_secret() {
        let key = MasterKey::generate();
        let mut c = PlatformConfig::new("wxcomp", "the-component-secret-42", key.clone());
        c.public_url = Some("https://c.example.com".into());
        let shown = format!("{c:?}");
        assert!(
            shown.contains("wxcomp") && shown.contains("c.example.com"),
            "{shown}"
        );
        assert!(!shown.contains("the-component-secret-42") && !shown.contains(&key.to_hex()));
        let e = PlatformError::WeChat {
            errcode: 61010,
            errmsg: "code is expired".into(),
        };
        assert_eq!(e.errcode(), 61010);
        assert_eq!(PlatformError::NoTicket.errcode(), -1);
        assert!(
            PlatformError::WeChat {
                errcode: 42001,
                errmsg: String::new()
            }
            .stale_token()
        );
        assert!(!e.stale_token());
    }
}
