//! The open platform's calls to WeChat (`cgi-bin/component/*`), as the simulator's
//! `spec/component.rs` transcribes them from WeChat's documents: the component token, the
//! pre-authorization code, the exchange of an authorization code, the refresh of an
//! authorizer token, a merchant's details and the list of merchants.
//!
//! Numbers are read leniently (WeChat sends some as strings). Error texts carry WeChat's
//! errcode and errmsg, never a token: the component token travels in the query, so
//! reqwest's errors are taken without their URL.

use std::time::Duration;

use serde_json::{Value, json};

use super::PlatformError;
use crate::api::error::register_sensitive;
use crate::api::lenient::int_of;

/// How long one call may take (WeChat answers in well under a second).
const CALL_TIMEOUT: Duration = Duration::from_secs(8);

/// What `api_query_auth` gives for an authorization code.
#[derive(Clone, PartialEq, Eq)]
pub struct Grant {
    /// The merchant.
    pub appid: String,
    /// Its authorizer token.
    pub access_token: String,
    /// Seconds it lives.
    pub expires_in: i64,
    /// The refresh token.
    pub refresh_token: String,
    /// The permission sets granted.
    pub func_info: Vec<i64>,
}

impl std::fmt::Debug for Grant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Grant")
            .field("appid", &self.appid)
            .field("func_info", &self.func_info)
            .finish_non_exhaustive()
    }
}

/// What `api_authorizer_token` gives.
#[derive(Clone, PartialEq, Eq)]
pub struct Refreshed {
    /// The new authorizer token.
    pub access_token: String,
    /// Seconds it lives.
    pub expires_in: i64,
    /// The refresh token from now on (WeChat repeats the old one, or names a new one).
    pub refresh_token: String,
}

/// A merchant's details (`api_get_authorizer_info`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Info {
    /// `nick_name`.
    pub name: String,
    /// `user_name` (gh_…).
    pub user_name: String,
    /// `principal_name`.
    pub principal_name: String,
}

/// One row of `api_get_authorizer_list`.
#[derive(Clone, PartialEq, Eq)]
pub struct Listed {
    /// The merchant.
    pub appid: String,
    /// When it authorized.
    pub auth_time: i64,
    /// Its refresh token, when the answer carries one (WeChat's documents list it; real
    /// answers usually leave it out).
    pub refresh_token: Option<String>,
}

impl std::fmt::Debug for Listed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Listed")
            .field("appid", &self.appid)
            .field("auth_time", &self.auth_time)
            .field("refresh_token", &self.refresh_token.is_some())
            .finish()
    }
}

/// The component API of one platform.
pub struct ComponentClient {
    http: reqwest::Client,
    base: String,
    appid: String,
    secret: String,
}

impl std::fmt::Debug for ComponentClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ComponentClient({}, {})", self.appid, self.base)
    }
}

/// A string member, trimmed; empty when absent.
fn text(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .unwrap_or_default()
        .to_owned()
}

/// A required string member.
fn required(v: &Value, key: &str, path: &str) -> Result<String, PlatformError> {
    match text(v, key) {
        s if s.is_empty() => Err(PlatformError::Unreachable(format!(
            "{path}: the answer has no {key}"
        ))),
        s => Ok(s),
    }
}

/// `expires_in`, 7200 when absent (WeChat's lifetime of every token here).
fn expires_in(v: &Value) -> i64 {
    v.get("expires_in").and_then(int_of).unwrap_or(7200)
}

/// `func_info`'s ids.
fn func_info(v: &Value) -> Vec<i64> {
    v.get("func_info")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|f| f.get("funcscope_category")?.get("id").and_then(int_of))
                .collect()
        })
        .unwrap_or_default()
}

impl ComponentClient {
    /// The API of the platform `appid` with its AppSecret, at `base` (WeChat, or the
    /// simulator).
    pub fn new(http: reqwest::Client, base: &str, appid: &str, secret: &str) -> Self {
        register_sensitive(secret);
        Self {
            http,
            base: base.trim_end_matches('/').to_owned(),
            appid: appid.to_owned(),
            secret: secret.to_owned(),
        }
    }

    /// The platform's AppID.
    pub fn appid(&self) -> &str {
        &self.appid
    }

    /// POSTs `body` (with `component_appid`) to `path`, with the component token when given;
    /// the answer, or WeChat's refusal.
    async fn call(
        &self,
        path: &str,
        token: Option<&str>,
        mut body: Value,
    ) -> Result<Value, PlatformError> {
        body["component_appid"] = json!(self.appid);
        let mut request = self
            .http
            .post(format!("{}{path}", self.base))
            .timeout(CALL_TIMEOUT)
            .json(&body);
        if let Some(t) = token {
            request = request.query(&[("component_access_token", t)]);
        }
        let unreachable =
            |e: reqwest::Error| PlatformError::Unreachable(format!("{path}: {}", e.without_url()));
        let answer = request.send().await.map_err(unreachable)?;
        let status = answer.status();
        let bytes = answer.bytes().await.map_err(unreachable)?;
        let v: Value = serde_json::from_slice(&bytes).map_err(|_| {
            PlatformError::Unreachable(format!("{path}: HTTP {status}, not a JSON answer"))
        })?;
        match v.get("errcode").and_then(int_of) {
            Some(errcode) if errcode != 0 => Err(PlatformError::WeChat {
                errcode,
                errmsg: text(&v, "errmsg"),
            }),
            _ if !status.is_success() => {
                Err(PlatformError::Unreachable(format!("{path}: HTTP {status}")))
            }
            _ => Ok(v),
        }
    }

    /// `api_component_token`: a component token from the newest verify ticket.
    pub async fn component_token(&self, ticket: &str) -> Result<(String, i64), PlatformError> {
        let path = "/cgi-bin/component/api_component_token";
        let v = self
            .call(
                path,
                None,
                json!({"component_appsecret": self.secret, "component_verify_ticket": ticket}),
            )
            .await?;
        let token = required(&v, "component_access_token", path)?;
        register_sensitive(&token);
        Ok((token, expires_in(&v)))
    }

    /// `api_create_preauthcode`: a code for one authorization page.
    pub async fn preauth(&self, ctoken: &str) -> Result<(String, i64), PlatformError> {
        let path = "/cgi-bin/component/api_create_preauthcode";
        let v = self.call(path, Some(ctoken), json!({})).await?;
        let code = required(&v, "pre_auth_code", path)?;
        Ok((code, v.get("expires_in").and_then(int_of).unwrap_or(1800)))
    }

    /// `api_query_auth`: the merchant and its tokens for an authorization code.
    pub async fn query_auth(&self, ctoken: &str, code: &str) -> Result<Grant, PlatformError> {
        let path = "/cgi-bin/component/api_query_auth";
        let v = self
            .call(path, Some(ctoken), json!({"authorization_code": code}))
            .await?;
        let info = v.get("authorization_info").unwrap_or(&Value::Null);
        let grant = Grant {
            appid: required(info, "authorizer_appid", path)?,
            access_token: required(info, "authorizer_access_token", path)?,
            expires_in: expires_in(info),
            refresh_token: required(info, "authorizer_refresh_token", path)?,
            func_info: func_info(info),
        };
        register_sensitive(&grant.access_token);
        register_sensitive(&grant.refresh_token);
        Ok(grant)
    }

    /// `api_authorizer_token`: a new authorizer token for `appid`.
    pub async fn refresh(
        &self,
        ctoken: &str,
        appid: &str,
        refresh_token: &str,
    ) -> Result<Refreshed, PlatformError> {
        let path = "/cgi-bin/component/api_authorizer_token";
        let v = self
            .call(
                path,
                Some(ctoken),
                json!({"authorizer_appid": appid, "authorizer_refresh_token": refresh_token}),
            )
            .await?;
        let access_token = required(&v, "authorizer_access_token", path)?;
        register_sensitive(&access_token);
        let refresh_token = match text(&v, "authorizer_refresh_token") {
            s if s.is_empty() => refresh_token.to_owned(),
            s => {
                register_sensitive(&s);
                s
            }
        };
        Ok(Refreshed {
            access_token,
            expires_in: expires_in(&v),
            refresh_token,
        })
    }

    /// `api_get_authorizer_info`: a merchant's name and ids.
    pub async fn info(&self, ctoken: &str, appid: &str) -> Result<Info, PlatformError> {
        let path = "/cgi-bin/component/api_get_authorizer_info";
        let v = self
            .call(path, Some(ctoken), json!({"authorizer_appid": appid}))
            .await?;
        let info = v.get("authorizer_info").unwrap_or(&Value::Null);
        Ok(Info {
            name: text(info, "nick_name"),
            user_name: text(info, "user_name"),
            principal_name: text(info, "principal_name"),
        })
    }

    /// `api_get_authorizer_list`, every page: the merchants that authorize the platform.
    pub async fn list(&self, ctoken: &str) -> Result<Vec<Listed>, PlatformError> {
        let path = "/cgi-bin/component/api_get_authorizer_list";
        const PAGE: usize = 500;
        let mut out: Vec<Listed> = Vec::new();
        loop {
            let v = self
                .call(
                    path,
                    Some(ctoken),
                    json!({"offset": out.len(), "count": PAGE}),
                )
                .await?;
            let total = v.get("total_count").and_then(int_of).unwrap_or(0);
            let page: Vec<Listed> = v
                .get("list")
                .and_then(Value::as_array)
                .map(|list| {
                    list.iter()
                        .map(|item| Listed {
                            appid: text(item, "authorizer_appid"),
                            auth_time: item.get("auth_time").and_then(int_of).unwrap_or(0),
                            refresh_token: Some(text(item, "refresh_token"))
                                .filter(|t| !t.is_empty()),
                        })
                        .filter(|l| !l.appid.is_empty())
                        .collect()
                })
                .unwrap_or_default();
            let short = page.len() < PAGE;
            out.extend(page);
            if short || i64::try_from(out.len()).unwrap_or(i64::MAX) >= total {
                return Ok(out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_read_leniently() {
        let v = json!({"func_info": [
            {"funcscope_category": {"id": 1}},
            {"funcscope_category": {"id": "8"}},
            {"other": 3}
        ], "expires_in": "7200"});
        assert_eq!(func_info(&v), vec![1, 8]);
        assert_eq!(expires_in(&v), 7200);
        assert_eq!(expires_in(&json!({})), 7200);
        assert!(required(&json!({"a": " "}), "a", "/p").is_err());
        assert_eq!(required(&json!({"a": " x "}), "a", "/p").unwrap(), "x");
    }
}
