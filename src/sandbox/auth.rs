//! Access tokens: `cgi-bin/token` (a new token per call; older ones die after a grace period)
//! and `cgi-bin/stable_token` (one shared token), each a merchant's own. Which merchant a
//! token acts for is `World::resolve`'s business.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Query as AxQuery, State as AxState};
use axum::response::Response;
use serde_json::json;

use super::errors::{WxError, WxResult, code, ok, respond};
use super::{Shared, State, World, body};

/// Token lifetime, as WeChat's.
pub const TOKEN_LIFE: i64 = 7200;
/// How long an older token keeps working after cgi-bin/token issued a new one.
pub const GRACE: i64 = 300;

/// The query string of a call.
pub type Query = HashMap<String, String>;
/// The query extractor.
pub type Q = AxQuery<Query>;
/// The shared-state extractor.
pub type S = AxState<Arc<Shared>>;

/// 40013 wrong appid, 40125 wrong secret; with no configured credentials any non-empty appid
/// is accepted.
pub(crate) fn check_credentials(
    shared: &Shared,
    appid: Option<&str>,
    secret: Option<&str>,
) -> Result<(), WxError> {
    let Some((want_id, want_secret)) = shared.credentials() else {
        return if appid.is_some_and(|a| !a.is_empty()) {
            Ok(())
        } else {
            Err(WxError::new(code::APPID, "invalid appid"))
        };
    };
    if appid != Some(want_id.as_str()) {
        return Err(WxError::new(code::APPID, "invalid appid"));
    }
    if secret != Some(want_secret.as_str()) {
        return Err(WxError::new(code::SECRET, "invalid appsecret"));
    }
    Ok(())
}

/// The merchant a token request names: another merchant's AppID names it, with any secret
/// (the simulator keeps no AppSecret for the merchants it adds); any other AppID must pass
/// the credential check and gets the default merchant, as a simulator of one account did.
fn merchant_for(
    shared: &Shared,
    w: &World,
    appid: Option<&str>,
    secret: Option<&str>,
) -> Result<String, WxError> {
    if let Some(other) = appid.filter(|a| *a != w.default_appid() && w.account(a).is_some()) {
        return Ok(other.to_owned());
    }
    check_credentials(shared, appid, secret)?;
    Ok(w.default_appid().to_owned())
}

fn issue(st: &mut State) -> String {
    let token = st.new_id("SBX_", 136);
    let exp = st.now().saturating_add(TOKEN_LIFE);
    st.tokens.insert(token.clone(), exp);
    // Forget tokens that died long ago, so the state file does not grow forever.
    let now = st.now();
    st.tokens.retain(|_, e| *e > now.saturating_sub(TOKEN_LIFE));
    token
}

/// `GET cgi-bin/token?grant_type=client_credential&appid&secret`.
pub async fn classic_token(AxState(shared): S, AxQuery(q): Q) -> Response {
    let run = || -> WxResult {
        if q.get("grant_type").map(String::as_str) != Some("client_credential") {
            return Err(WxError::new(code::GRANT_TYPE, "invalid grant_type"));
        }
        let mut w = shared.lock()?;
        let appid = merchant_for(
            &shared,
            &w,
            q.get("appid").map(String::as_str),
            q.get("secret").map(String::as_str),
        )?;
        let st = w
            .account_mut(&appid)
            .ok_or_else(|| WxError::system("merchant gone"))?;
        // A new token cuts every older one down to the grace period, as WeChat does.
        let cut = st.now().saturating_add(GRACE);
        for exp in st.tokens.values_mut() {
            *exp = (*exp).min(cut);
        }
        let token = issue(st);
        st.stable_token = Some(token.clone());
        shared.persist(&w);
        Ok(ok(json!({"access_token": token, "expires_in": TOKEN_LIFE})))
    };
    respond(run())
}

/// The stable token and its remaining seconds, issuing one when none is valid.
pub fn current_stable(st: &mut State) -> (String, i64) {
    let now = st.now();
    let current = st.stable_token.clone().and_then(|t| {
        let exp = st.tokens.get(&t).copied()?;
        (exp > now).then_some((t, exp))
    });
    let (token, exp) = current.unwrap_or_else(|| {
        let t = issue(st);
        st.stable_token = Some(t.clone());
        let exp = st.tokens.get(&t).copied().unwrap_or(now);
        (t, exp)
    });
    (token, exp - now)
}

/// `POST cgi-bin/stable_token {grant_type, appid, secret, force_refresh}`.
pub async fn stable_token(AxState(shared): S, bytes: Bytes) -> Response {
    let run = || -> WxResult {
        let v = body::parse(&bytes)?;
        let s = |k: &str| body::string(&v, k);
        if s("grant_type").as_deref() != Some("client_credential") {
            return Err(WxError::new(code::GRANT_TYPE, "invalid grant_type"));
        }
        let force = body::boolean(&v, "force_refresh", false);
        let mut w = shared.lock()?;
        let appid = merchant_for(&shared, &w, s("appid").as_deref(), s("secret").as_deref())?;
        let st = w
            .account_mut(&appid)
            .ok_or_else(|| WxError::system("merchant gone"))?;
        if force {
            st.stable_token = None;
        }
        let (token, expires_in) = current_stable(st);
        shared.persist(&w);
        Ok(ok(json!({"access_token": token, "expires_in": expires_in})))
    };
    respond(run())
}
