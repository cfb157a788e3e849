//! The team's access token: the server holds the AppSecret and asks WeChat's
//! `cgi-bin/stable_token` (which hands every caller the same still-valid token, so the
//! server never invalidates another one), keeps the answer in memory and hands it to the
//! laptops until shortly before it expires.

use std::time::{Duration, Instant};

use tokio::sync::Mutex;

use crate::api::ApiError;
use crate::api::error::register_sensitive;
use crate::api::token::parse_token_answer;

/// A token is handed out until this long before WeChat's expiry, so that a laptop never
/// starts a call with a token about to die.
pub const MARGIN: Duration = Duration::from_secs(300);

/// How long the call to WeChat may take.
const CALL_TIMEOUT: Duration = Duration::from_secs(10);

/// Why no token could be had.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// The server was started without an AppSecret.
    #[error("the server has no AppSecret (--secret-file, the config file or the environment)")]
    NoSecret,
    /// WeChat refused (bad AppSecret, IP not whitelisted, …).
    #[error("WeChat errcode {errcode}: {errmsg}")]
    WeChat {
        /// WeChat's errcode.
        errcode: i64,
        /// WeChat's message.
        errmsg: String,
    },
    /// WeChat could not be reached or answered something else.
    #[error("cannot get a token from WeChat: {0}")]
    Unreachable(String),
}

impl TokenError {
    /// The errcode the JSON error carries: WeChat's own, or -1 (WeChat's "system busy").
    pub fn errcode(&self) -> i64 {
        match self {
            Self::WeChat { errcode, .. } => *errcode,
            Self::NoSecret | Self::Unreachable(_) => -1,
        }
    }
}

/// A token and when it stops being handed out.
#[derive(Clone)]
struct Cached {
    token: String,
    until: Instant,
}

/// Fetches and caches the stable token; concurrent callers share one fetch.
pub struct TokenCache {
    http: reqwest::Client,
    base: String,
    appid: String,
    secret: Option<String>,
    cached: Mutex<Option<Cached>>,
}

impl std::fmt::Debug for TokenCache {
    // Never the secret nor the token.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TokenCache({}, {})", self.appid, self.base)
    }
}

impl TokenCache {
    /// A cache for `appid`, asking `base` (`https://api.weixin.qq.com`, or the simulator).
    pub fn new(http: reqwest::Client, base: &str, appid: &str, secret: Option<String>) -> Self {
        if let Some(s) = &secret {
            register_sensitive(s);
        }
        Self {
            http,
            base: base.trim_end_matches('/').to_owned(),
            appid: appid.to_owned(),
            secret,
            cached: Mutex::new(None),
        }
    }

    /// The token and the seconds it may still be used, fetching one when none is cached or
    /// the cached one is within [`MARGIN`] of its expiry.
    pub async fn token(&self) -> Result<(String, u64), TokenError> {
        let mut cached = self.cached.lock().await;
        let now = Instant::now();
        if let Some(c) = cached.as_ref()
            && c.until > now
        {
            return Ok((c.token.clone(), (c.until - now).as_secs()));
        }
        let secret = self.secret.as_deref().ok_or(TokenError::NoSecret)?;
        let (token, expires_in) = self.fetch(secret).await?;
        register_sensitive(&token);
        let life =
            Duration::from_secs(u64::try_from(expires_in).unwrap_or(0)).saturating_sub(MARGIN);
        let c = Cached {
            token,
            until: Instant::now() + life,
        };
        *cached = (!life.is_zero()).then(|| c.clone());
        tracing::info!(appid = %self.appid, expires_in, "access token obtained from stable_token");
        Ok((c.token, life.as_secs()))
    }

    async fn fetch(&self, secret: &str) -> Result<(String, i64), TokenError> {
        let body = serde_json::json!({
            "grant_type": "client_credential",
            "appid": self.appid,
            "secret": secret,
            "force_refresh": false,
        });
        // reqwest's error text names the URL, which carries no secret here (the secret is in
        // the body), but not the body.
        let answer = self
            .http
            .post(format!("{}/cgi-bin/stable_token", self.base))
            .timeout(CALL_TIMEOUT)
            .json(&body)
            .send()
            .await
            .map_err(|e| TokenError::Unreachable(e.without_url().to_string()))?;
        let status = answer.status();
        let bytes = answer
            .bytes()
            .await
            .map_err(|e| TokenError::Unreachable(e.without_url().to_string()))?;
        match parse_token_answer(&bytes) {
            Ok(t) => Ok(t),
            Err(ApiError::WeChat { errcode, errmsg }) => {
                Err(TokenError::WeChat { errcode, errmsg })
            }
            Err(e) if status.is_success() => Err(TokenError::Unreachable(e.to_string())),
            Err(_) => Err(TokenError::Unreachable(format!("HTTP {status}"))),
        }
    }
}
