//! A typed client for the built-in simulator's admin API (`/sandbox/…`: not WeChat's, no
//! token): what a reviewer, a payer, a scanning user or time itself would do, plus fault
//! injection and inspection. The app uses it in sandbox mode (paying a recharge, the
//! simulator's clock, the event log behind the per-channel table, simulated activity) and
//! the tests use the same calls, so the two cannot drift apart.
//!
//! The simulator answers `{"ok":true,…}`, or HTTP 400 `{"ok":false,"error":"…"}` when it
//! refuses; a refusal is [`AdminError::Refused`] with the simulator's words.

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// Why an admin call failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AdminError {
    /// No connection or no answer in time.
    #[error("{path}: {message}")]
    Transport {
        /// The admin path.
        path: String,
        /// What the HTTP client said.
        message: String,
    },
    /// The simulator refused (an unknown order, a negative time step, …).
    #[error("{path}: {error}")]
    Refused {
        /// The admin path.
        path: String,
        /// The simulator's reason.
        error: String,
    },
    /// The answer was not the JSON this client expects.
    #[error("{path}: unexpected answer: {message}")]
    Decode {
        /// The admin path.
        path: String,
        /// What did not fit.
        message: String,
    },
}

/// The header the simulator reads the admin key from (`sandbox::KEY_HEADER`; the client does
/// not import the simulator).
pub const KEY_HEADER: &str = "X-Sandbox-Key";

/// The header naming the merchant an admin call acts for, when the simulator plays several
/// (the simulator's `actor::MERCHANT_HEADER`); without it, the default merchant.
pub const MERCHANT_HEADER: &str = "X-Sandbox-Merchant";

/// The simulator's admin API at one base URL.
#[derive(Clone)]
pub struct SandboxAdmin {
    http: reqwest::Client,
    base: String,
    key: Option<String>,
    merchant: Option<String>,
}

impl std::fmt::Debug for SandboxAdmin {
    // Never print the admin key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxAdmin")
            .field("base", &self.base)
            .field("key", &self.key.as_ref().map(|_| "***"))
            .field("merchant", &self.merchant)
            .finish()
    }
}

impl SandboxAdmin {
    /// A client for the simulator at `base` (e.g. `http://127.0.0.1:PORT`), sharing an
    /// existing HTTP client (its connection pool and timeouts).
    pub fn with_http(http: reqwest::Client, base: &str) -> Self {
        Self {
            http,
            base: base.trim_end_matches('/').to_owned(),
            key: None,
            merchant: None,
        }
    }

    /// The same client acting for the merchant `appid` (its users, reviewers and payers, its
    /// push target); the simulator refuses a merchant it does not know.
    pub fn for_merchant(mut self, appid: &str) -> Self {
        self.merchant = Some(appid.to_owned());
        self
    }

    /// The same client, sending `key` in `X-Sandbox-Key` on every call (a simulator started
    /// with an admin key, e.g. `sandbox --allow-remote`, refuses calls without it).
    pub fn with_key(mut self, key: &str) -> Self {
        super::error::register_sensitive(key);
        self.key = Some(key.to_owned());
        self
    }

    /// A client of its own, with a timeout per call.
    pub fn new(base: &str, timeout: Duration) -> Result<Self, AdminError> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            // As the WeChat client: idle connections go before the simulator closes them (10 s).
            .pool_idle_timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| AdminError::Transport {
                path: String::new(),
                message: e.to_string(),
            })?;
        Ok(Self::with_http(http, base))
    }

    /// The base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    async fn send(&self, path: &str, req: reqwest::RequestBuilder) -> Result<Value, AdminError> {
        let req = match &self.key {
            Some(key) => req.header(KEY_HEADER, key),
            None => req,
        };
        let req = match &self.merchant {
            Some(appid) => req.header(MERCHANT_HEADER, appid),
            None => req,
        };
        let resp = req.send().await.map_err(|e| AdminError::Transport {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
        resp.json().await.map_err(|e| AdminError::Decode {
            path: path.to_owned(),
            message: e.to_string(),
        })
    }

    /// POSTs `body` to `path` and returns the answer whether the simulator agreed or
    /// refused (tests that check a refusal read its `error`).
    pub async fn post_any(&self, path: &str, body: &Value) -> Result<Value, AdminError> {
        let url = format!("{}{path}", self.base);
        self.send(path, self.http.post(url).json(body)).await
    }

    /// GETs `path` (the answer as sent).
    pub async fn get(&self, path: &str) -> Result<Value, AdminError> {
        let url = format!("{}{path}", self.base);
        self.send(path, self.http.get(url)).await
    }

    /// POSTs `body` to `path`; a refusal is an error.
    pub async fn post(&self, path: &str, body: &Value) -> Result<Value, AdminError> {
        let v = self.post_any(path, body).await?;
        ok(path, v)
    }

    /// The simulated time (Unix seconds).
    pub async fn now(&self) -> Result<i64, AdminError> {
        let path = "/sandbox/clock";
        let v = ok(path, self.get(path).await?)?;
        int(path, &v, "now")
    }

    /// Moves the simulated clock forward; returns the new time.
    pub async fn advance(&self, seconds: i64) -> Result<i64, AdminError> {
        let path = "/sandbox/clock/advance";
        let v = self.post(path, &json!({ "seconds": seconds })).await?;
        int(path, &v, "now")
    }

    /// The merchant deletes a card in the back office (CARD_STATUS_DELETE from then on).
    pub async fn delete_card(&self, card_id: &str) -> Result<Value, AdminError> {
        self.post("/sandbox/card/delete", &json!({ "card_id": card_id }))
            .await
    }

    /// A reviewer approves (or rejects) a card.
    pub async fn review(&self, card_id: &str, approve: bool) -> Result<Value, AdminError> {
        self.post(
            "/sandbox/card/review",
            &json!({"card_id": card_id, "approve": approve}),
        )
        .await
    }

    /// The payer pays (or abandons, `fail`) a recharge order's QR.
    pub async fn pay_recharge(&self, order_id: &str, fail: bool) -> Result<(), AdminError> {
        self.post(
            "/sandbox/recharge/pay",
            &json!({"order_id": order_id, "fail": fail}),
        )
        .await
        .map(|_| ())
    }

    /// A user scans a QR or a card (`{"ticket"|"url"|"card_id","openid"?,…}`).
    pub async fn scan(&self, body: &Value) -> Result<Value, AdminError> {
        self.post("/sandbox/user/scan", body).await
    }

    /// Queues faults (`[{"kind":…},…]`) for `path` (every WeChat path when `None`).
    pub async fn faults(&self, path: Option<&str>, faults: &Value) -> Result<Value, AdminError> {
        let body = match path {
            Some(p) => json!({"path": p, "faults": faults}),
            None => json!({ "faults": faults }),
        };
        self.post("/sandbox/faults", &body).await
    }

    /// WeChat calls the simulator received on `wechat_path` since it started (or since
    /// the counts were reset).
    pub async fn calls(&self, wechat_path: &str) -> Result<u64, AdminError> {
        let path = "/sandbox/calls";
        let v = ok(path, self.get(path).await?)?;
        Ok(v["counts"][wechat_path].as_u64().unwrap_or(0))
    }

    /// The simulator's event log (scans, receipts, shares, redemptions), read as `T`.
    pub async fn events<T: DeserializeOwned>(&self) -> Result<Vec<T>, AdminError> {
        let path = "/sandbox/state";
        let v = ok(path, self.get(path).await?)?;
        serde_json::from_value(v.get("events").cloned().unwrap_or(Value::Null)).map_err(|e| {
            AdminError::Decode {
                path: path.to_owned(),
                message: format!("events: {e}"),
            }
        })
    }

    /// Simulated activity over `days` days from `seed` (scans, receipts, redemptions).
    pub async fn simulate(&self, seed: u64, days: i64) -> Result<Value, AdminError> {
        self.post(
            "/sandbox/activity/simulate",
            &json!({"seed": seed, "days": days}),
        )
        .await
    }
}

/// Where the simulator pushes the card events its users cause (`POST /sandbox/push/target`):
/// the merchant server's URL and the keys of its server configuration in 公众平台.
#[derive(Clone, PartialEq, Eq)]
pub struct PushSettings<'a> {
    /// Any http or https URL.
    pub url: &'a str,
    /// The Token pushes are signed with.
    pub token: &'a str,
    /// The EncodingAESKey: safe mode (encrypted); `None`: plain mode.
    pub aes_key: Option<&'a str>,
    /// The AppID the envelope names; `None`: the simulator's own.
    pub appid: Option<&'a str>,
}

impl std::fmt::Debug for PushSettings<'_> {
    // Never print the token or the key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PushSettings")
            .field("safe_mode", &self.aes_key.is_some())
            .field("appid", &self.appid)
            .finish_non_exhaustive()
    }
}

impl SandboxAdmin {
    /// A user gives a code to a friend (`friend_openid`, or one the simulator makes up), who
    /// accepts it: `{"code": the friend's code, "openid", "old_code"}`.
    pub async fn gift(&self, code: &str, friend_openid: Option<&str>) -> Result<Value, AdminError> {
        let body = match friend_openid {
            Some(f) => json!({"code": code, "friend_openid": f}),
            None => json!({ "code": code }),
        };
        self.post("/sandbox/user/gift", &body).await
    }

    /// Makes the simulator push its card events to `target` from now on (the embedded
    /// simulator included); answers the target as the simulator shows it (no secrets).
    pub async fn set_push_target(&self, target: &PushSettings<'_>) -> Result<Value, AdminError> {
        super::error::register_sensitive(target.token);
        if let Some(key) = target.aes_key {
            super::error::register_sensitive(key);
        }
        let mut body = json!({"url": target.url, "token": target.token});
        if let Some(key) = target.aes_key {
            body["aes_key"] = json!(key);
        }
        if let Some(appid) = target.appid {
            body["appid"] = json!(appid);
        }
        self.post("/sandbox/push/target", &body).await
    }

    /// Stops the simulator's pushes (those already queued are still delivered).
    pub async fn clear_push_target(&self) -> Result<(), AdminError> {
        self.post("/sandbox/push/clear", &json!({}))
            .await
            .map(|_| ())
    }

    /// The pushes the simulator recorded after push number `since` (0: all it keeps), with
    /// their members, attempts and outcome, the counts by outcome and the current target.
    pub async fn pushes(&self, since: u64) -> Result<Value, AdminError> {
        let path = format!("/sandbox/pushes?since={since}");
        ok(&path, self.get(&path).await?)
    }
}

/// The open platform the simulator is to play (`POST /sandbox/platform/config`): the
/// platform's credentials, the keys its pushes are encrypted with, and its two URLs.
#[derive(Clone, PartialEq, Eq)]
pub struct PlatformSettings<'a> {
    /// component_appid.
    pub appid: &'a str,
    /// component_appsecret.
    pub secret: &'a str,
    /// The Token pushes are signed with.
    pub token: &'a str,
    /// The EncodingAESKey (43 characters): the platform's pushes are always encrypted.
    pub aes_key: &'a str,
    /// 授权事件接收URL: verify tickets and authorization events.
    pub auth_url: Option<&'a str>,
    /// 消息与事件接收URL with `$APPID$`: the card events of authorized merchants.
    pub message_url: Option<&'a str>,
}

impl std::fmt::Debug for PlatformSettings<'_> {
    // Never print the secret, the token or the key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlatformSettings")
            .field("appid", &self.appid)
            .finish_non_exhaustive()
    }
}

/// What a merchant's admin does on the platform's authorization page
/// (`POST /sandbox/platform/authorize`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuthorizeScan<'a> {
    /// The pre_auth_code of the page (api_create_preauthcode).
    pub pre_auth_code: &'a str,
    /// The merchant's AppID; `None`: a new merchant with an AppID the simulator makes up.
    pub appid: Option<&'a str>,
    /// The name of a new merchant.
    pub name: Option<&'a str>,
    /// The permission sets granted; `None`: the simulator's default set (with 8, cards).
    pub func_info: Option<&'a [i64]>,
    /// Where the page sends the browser afterwards; the simulator then GETs it.
    pub redirect_uri: Option<&'a str>,
}

/// What the scan did.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize)]
pub struct Authorized {
    /// The merchant.
    pub appid: String,
    /// Its original id (gh_…).
    pub user_name: String,
    /// The authorization code, as the redirect and the `authorized` push carry it.
    pub auth_code: String,
    /// Its lifetime in seconds.
    pub expires_in: i64,
    /// `authorized`, `updateauthorized` or `unchanged` (nothing pushed).
    pub outcome: String,
    /// The redirect URI with `auth_code` and `expires_in`, when one was given.
    #[serde(default)]
    pub redirect: Option<String>,
    /// The HTTP status the redirect URI answered the simulator's GET with.
    #[serde(default)]
    pub redirect_status: Option<u16>,
}

impl SandboxAdmin {
    /// Makes the simulator play `platform` from now on (a verify ticket is pushed at once);
    /// answers the platform as the simulator shows it (no secrets).
    pub async fn set_platform(&self, platform: &PlatformSettings<'_>) -> Result<Value, AdminError> {
        for secret in [platform.secret, platform.token, platform.aes_key] {
            super::error::register_sensitive(secret);
        }
        let mut body = json!({
            "component_appid": platform.appid,
            "component_secret": platform.secret,
            "token": platform.token,
            "aes_key": platform.aes_key,
        });
        if let Some(url) = platform.auth_url {
            body["auth_url"] = json!(url);
        }
        if let Some(url) = platform.message_url {
            body["message_url"] = json!(url);
        }
        self.post("/sandbox/platform/config", &body).await
    }

    /// The platform played, its current verify ticket and its authorizers.
    pub async fn platform(&self) -> Result<Value, AdminError> {
        let path = "/sandbox/platform";
        ok(path, self.get(path).await?)
    }

    /// A merchant's admin scans the authorization page and confirms.
    pub async fn authorize(&self, scan: &AuthorizeScan<'_>) -> Result<Authorized, AdminError> {
        let path = "/sandbox/platform/authorize";
        let mut body = json!({ "pre_auth_code": scan.pre_auth_code });
        for (key, value) in [
            ("appid", scan.appid),
            ("name", scan.name),
            ("redirect_uri", scan.redirect_uri),
        ] {
            if let Some(v) = value {
                body[key] = json!(v);
            }
        }
        if let Some(funcs) = scan.func_info {
            body["func_info"] = json!(funcs);
        }
        let v = self.post(path, &body).await?;
        serde_json::from_value(v).map_err(|e| AdminError::Decode {
            path: path.to_owned(),
            message: e.to_string(),
        })
    }

    /// The merchant `appid` withdraws its authorization of the platform.
    pub async fn revoke(&self, appid: &str) -> Result<(), AdminError> {
        self.post("/sandbox/platform/revoke", &json!({ "appid": appid }))
            .await
            .map(|_| ())
    }

    /// Every merchant the simulator plays (`appid`, `user_name`, `nick_name`, `default`,
    /// `authorized`, `cards`), the default first.
    pub async fn merchants(&self) -> Result<Vec<Value>, AdminError> {
        let path = "/sandbox/merchants";
        let v = ok(path, self.get(path).await?)?;
        Ok(v["merchants"].as_array().cloned().unwrap_or_default())
    }

    /// Adds a merchant of its own (`name`: its nick_name).
    pub async fn add_merchant(&self, appid: &str, name: Option<&str>) -> Result<Value, AdminError> {
        let mut body = json!({ "appid": appid });
        if let Some(n) = name {
            body["name"] = json!(n);
        }
        self.post("/sandbox/merchants", &body).await
    }
}

/// The answer when it says `ok`, else the simulator's refusal.
fn ok(path: &str, v: Value) -> Result<Value, AdminError> {
    if v.get("ok").and_then(Value::as_bool) == Some(false) {
        return Err(AdminError::Refused {
            path: path.to_owned(),
            error: v["error"].as_str().unwrap_or("refused").to_owned(),
        });
    }
    Ok(v)
}

fn int(path: &str, v: &Value, key: &str) -> Result<i64, AdminError> {
    v.get(key)
        .and_then(Value::as_i64)
        .ok_or_else(|| AdminError::Decode {
            path: path.to_owned(),
            message: format!("no integer `{key}`"),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_carries_the_simulators_reason() {
        let e = ok(
            "/sandbox/recharge/pay",
            json!({"ok": false, "error": "no such recharge order"}),
        )
        .unwrap_err();
        assert_eq!(
            e,
            AdminError::Refused {
                path: "/sandbox/recharge/pay".into(),
                error: "no such recharge order".into()
            }
        );
        assert!(ok("/sandbox/clock", json!({"ok": true, "now": 5})).is_ok());
        assert!(matches!(
            int("/sandbox/clock", &json!({"ok": true}), "now"),
            Err(AdminError::Decode { .. })
        ));
    }
}
