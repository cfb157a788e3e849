//! The open platform's API, `cgi-bin/component/*`, as `spec/component.rs` transcribes it:
//! the component token (from the AppSecret and a verify ticket the simulator pushed), a
//! pre-authorization code for the authorization page, the authorization code's exchange for
//! an authorizer token and refresh token, the refresh, and the authorized merchants.
//!
//! Every call but `api_component_token` needs `?component_access_token=` (or, as the newer
//! documents write, `?access_token=`): 41001 missing, 61014 an access token of a merchant or an
//! authorizer (WeChat: "must use component token for component api"), 40001 unknown, 42001
//! expired. The body's `component_appid` must be the platform's (40013). With no platform
//! played every call answers 61011. Successes carry no errcode, as WeChat's examples show them.

use axum::body::Bytes;
use axum::extract::{Query as AxQuery, State as AxState};
use axum::response::Response;
use serde_json::{Value, json};

use super::auth::{Q, Query, S};
use super::errors::{WxError, WxResult, code, respond};
use super::push_target::Component;
use super::spec::component as rules;
use super::state::State;
use super::world::World;
use super::{Shared, body, original_id};

/// 40001 (unknown) or 61014 (another kind of token) for a token that is no component token,
/// 42001 for an expired one, 41001 for none.
fn check_token(w: &World, q: &Query) -> Result<(), WxError> {
    let Some(token) = q
        .get("component_access_token")
        .or_else(|| q.get("access_token"))
        .filter(|t| !t.is_empty())
    else {
        return Err(WxError::new(
            code::TOKEN_MISSING,
            "access_token missing rid: sandbox",
        ));
    };
    let now = w.now();
    if let Some(verdict) = w.platform.component_token(token, now) {
        return verdict;
    }
    let other_kind = w.accounts().any(|st| st.tokens.contains_key(token))
        || w.platform.authorizer(token, now).is_some();
    Err(if other_kind {
        WxError::new(
            code::COMPONENT_TOKEN_REQUIRED,
            "must use component token for component api",
        )
    } else {
        WxError::new(
            code::TOKEN_INVALID,
            "invalid credential, access_token is invalid or not latest",
        )
    })
}

/// Runs a component call: the platform must be played, the token (when `q` is given) and
/// the body's `component_appid` right; like every call it settles what time decided, hands
/// what changed to the outbox, and saves when `mutates` and `f` succeeded.
fn run(
    shared: &Shared,
    q: Option<&Query>,
    bytes: &Bytes,
    mutates: bool,
    f: impl FnOnce(&mut World, &Value) -> WxResult,
) -> Response {
    let go = || -> WxResult {
        let c = shared.component().ok_or_else(|| {
            WxError::new(
                code::COMPONENT_INVALID,
                "invalid component: the simulator plays no third-party platform (start it with --component-appid, or POST /sandbox/platform/config)",
            )
        })?;
        let mut w = shared.lock()?;
        if shared.settle(&mut w) {
            shared.persist(&w);
        }
        if let Some(q) = q {
            check_token(&w, q)?;
        }
        let v = body::parse(bytes)?;
        if body::string(&v, "component_appid").as_deref() != Some(c.appid()) {
            return Err(WxError::new(code::APPID, "invalid appid"));
        }
        let out = credentials(&c, q.is_none(), &v).and_then(|()| f(&mut w, &v));
        let settled = shared.settle(&mut w);
        shared.flush(&mut w);
        if settled || (mutates && out.is_ok()) {
            shared.persist(&w);
        }
        out
    };
    respond(go())
}

/// `api_component_token`'s AppSecret: 41004 missing, 40125 wrong (other calls: nothing).
fn credentials(c: &Component, token_call: bool, v: &Value) -> Result<(), WxError> {
    if !token_call {
        return Ok(());
    }
    let secret = body::string(v, "component_appsecret").unwrap_or_default();
    if secret.is_empty() {
        return Err(WxError::new(code::APPSECRET_MISSING, "appsecret missing"));
    }
    if !c.secret_is(&secret) {
        return Err(WxError::new(code::SECRET, "invalid appsecret"));
    }
    Ok(())
}

/// `func_info` as WeChat lists it.
fn func_info(ids: &[i64]) -> Value {
    ids.iter()
        .map(|id| json!({"funcscope_category": {"id": id}}))
        .collect()
}

/// `authorizer_info` of a merchant (OP-INFO): a verified service account (服务号) with the
/// card and store features open.
fn authorizer_info(st: &State) -> Value {
    let gh = original_id(&st.appid);
    json!({
        "nick_name": st.profile.nick_name,
        "head_img": format!("http://wx.qlogo.cn/mmopen/sandbox/{gh}/0"),
        "service_type_info": {"id": 2},
        "verify_type_info": {"id": 0},
        "user_name": gh,
        "principal_name": st.profile.principal_name,
        "alias": "",
        "business_info": {"open_store": 1, "open_scan": 0, "open_pay": 1, "open_card": 1, "open_shake": 0},
        "qrcode_url": format!("http://mmbiz.qpic.cn/sandbox_qrcode/{gh}/0"),
        "account_status": 1,
        "idc": 1,
    })
}

/// `POST cgi-bin/component/api_component_token {component_appid, component_appsecret,
/// component_verify_ticket}`: 61006 a ticket never pushed, 61005 one older than 12 hours.
pub async fn token(AxState(shared): S, bytes: Bytes) -> Response {
    run(&shared, None, &bytes, true, |w, v| {
        let now = w.now();
        let ticket = body::string(v, "component_verify_ticket").unwrap_or_default();
        w.platform.check_ticket(&ticket, now)?;
        let token = w.platform.issue_component_token(now);
        Ok(json!({"component_access_token": token, "expires_in": rules::TOKEN_LIFE}))
    })
}

/// `POST cgi-bin/component/api_create_preauthcode {component_appid}`.
pub async fn preauth(AxState(shared): S, AxQuery(q): Q, bytes: Bytes) -> Response {
    run(&shared, Some(&q), &bytes, true, |w, _| {
        let now = w.now();
        let code = w.platform.new_preauth(now);
        Ok(json!({"pre_auth_code": code, "expires_in": rules::PREAUTH_LIFE}))
    })
}

/// `POST cgi-bin/component/api_query_auth {component_appid, authorization_code}`.
pub async fn query_auth(AxState(shared): S, AxQuery(q): Q, bytes: Bytes) -> Response {
    run(&shared, Some(&q), &bytes, true, |w, v| {
        let now = w.now();
        let code = body::string(v, "authorization_code").unwrap_or_default();
        let (appid, token) = w.platform.query_auth(&code, now)?;
        let auth = w.platform.authorization(&appid)?;
        Ok(json!({"authorization_info": {
            "authorizer_appid": appid,
            "authorizer_access_token": token,
            "expires_in": rules::TOKEN_LIFE,
            "authorizer_refresh_token": auth.refresh_token,
            "func_info": func_info(&auth.func_info),
        }}))
    })
}

/// `POST cgi-bin/component/api_authorizer_token {component_appid, authorizer_appid,
/// authorizer_refresh_token}`: a new authorizer token; the refresh token stays the same.
pub async fn refresh(AxState(shared): S, AxQuery(q): Q, bytes: Bytes) -> Response {
    run(&shared, Some(&q), &bytes, true, |w, v| {
        let now = w.now();
        let appid = body::string(v, "authorizer_appid").unwrap_or_default();
        let refresh = body::string(v, "authorizer_refresh_token").unwrap_or_default();
        let token = w.platform.refresh(&appid, &refresh, now)?;
        Ok(json!({
            "authorizer_access_token": token,
            "expires_in": rules::TOKEN_LIFE,
            "authorizer_refresh_token": refresh,
        }))
    })
}

/// `POST cgi-bin/component/api_get_authorizer_info {component_appid, authorizer_appid}`:
/// 61003 for a merchant that does not authorize the platform.
pub async fn info(AxState(shared): S, AxQuery(q): Q, bytes: Bytes) -> Response {
    run(&shared, Some(&q), &bytes, false, |w, v| {
        let appid = body::string(v, "authorizer_appid").unwrap_or_default();
        let funcs = func_info(&w.platform.authorization(&appid)?.func_info);
        let st = w.account(&appid).ok_or_else(|| {
            WxError::new(
                code::COMPONENT_UNAUTHORIZED,
                "component is not authorized by this account",
            )
        })?;
        Ok(json!({
            "authorizer_info": authorizer_info(st),
            "authorization_info": {"authorizer_appid": appid, "func_info": funcs},
        }))
    })
}

/// `POST cgi-bin/component/api_get_authorizer_list {component_appid, offset, count}`: the
/// authorized merchants in the order they authorized, `count` at most 500.
pub async fn list(AxState(shared): S, AxQuery(q): Q, bytes: Bytes) -> Response {
    run(&shared, Some(&q), &bytes, false, |w, v| {
        let offset = usize::try_from(body::int(v, "offset")?.unwrap_or(0)).unwrap_or(0);
        let count = usize::try_from(body::int(v, "count")?.unwrap_or(100))
            .unwrap_or(0)
            .min(rules::LIST_MAX);
        let mut all: Vec<(&String, i64)> = w
            .platform
            .authorizations
            .iter()
            .map(|(appid, a)| (appid, a.auth_time))
            .collect();
        all.sort_by_key(|(appid, t)| (*t, (*appid).clone()));
        let page: Vec<Value> = all
            .iter()
            .skip(offset)
            .take(count)
            .map(|(appid, t)| json!({"authorizer_appid": appid, "auth_time": t}))
            .collect();
        Ok(json!({"total_count": all.len(), "list": page}))
    })
}
