//! The admin calls of the open platform and the merchants: what a platform operator sets up
//! (`POST /sandbox/platform/config`), what a merchant's admin does on the authorization page
//! (`POST /sandbox/platform/authorize`: the scan of the componentloginpage QR) or in 公众平台
//! (`POST /sandbox/platform/revoke`), and the merchants themselves (`/sandbox/merchants`).
//! docs/sandbox.md "The open platform" describes them.

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State as AxState;
use axum::response::Response;
use serde_json::{Value, json};

use super::actor::{act, admin_world, answer, poisoned};
use super::auth::S;
use super::push_target::{Component, ComponentConfig};
use super::spec::component as rules;
use super::state::Profile;
use super::world::World;
use super::{body, original_id};

/// How long the authorization page's redirect may take (the browser's patience).
const REDIRECT_TIMEOUT: Duration = Duration::from_secs(5);

fn input(bytes: &Bytes) -> Result<Value, String> {
    body::parse(bytes).map_err(|e| e.errmsg)
}

fn text(v: &Value, key: &str) -> Option<String> {
    body::string(v, key).filter(|s| !s.is_empty())
}

/// `POST /sandbox/platform/config {"component_appid","component_secret","token","aes_key",
/// "auth_url"?,"message_url"?}`: plays this platform from now on (a verify ticket is pushed at
/// once). The secret, token and key are never shown back.
pub async fn config(AxState(shared): S, bytes: Bytes) -> Response {
    admin_world(&shared, true, |w, shared| {
        let v = input(&bytes)?;
        let config = ComponentConfig {
            appid: text(&v, "component_appid").ok_or("component_appid is required")?,
            secret: text(&v, "component_secret").ok_or("component_secret is required")?,
            token: text(&v, "token").ok_or("token is required")?,
            aes_key: text(&v, "aes_key").ok_or("aes_key is required")?,
            auth_url: text(&v, "auth_url"),
            message_url: text(&v, "message_url"),
        };
        let component = Component::new(&config).map_err(|e| e.to_string())?;
        let shown = component.describe();
        w.platform = std::mem::take(&mut w.platform).for_component(component.appid());
        shared.set_component(Some(component));
        Ok(json!({ "component": shown }))
    })
}

/// `POST /sandbox/platform/clear`: no platform from now on (its data stay for a later
/// `config` of the same AppID).
pub async fn clear(AxState(shared): S) -> Response {
    admin_world(&shared, false, |_, shared| {
        shared.set_component(None);
        Ok(json!({ "component": null }))
    })
}

/// The merchants that authorize the platform, in the order they did.
fn authorizers(w: &World) -> Vec<Value> {
    let mut list: Vec<(&String, &super::platform::Authorization)> =
        w.platform.authorizations.iter().collect();
    list.sort_by_key(|(appid, a)| (a.auth_time, (*appid).clone()));
    list.into_iter()
        .map(|(appid, a)| {
            json!({
                "appid": appid,
                "user_name": original_id(appid),
                "nick_name": w.account(appid).map(|st| st.profile.nick_name.clone()),
                "func_info": a.func_info,
                "auth_time": a.auth_time,
                "authorizer_tokens": a.tokens.len(),
            })
        })
        .collect()
}

/// `GET /sandbox/platform`: the platform played (no secrets), its current verify ticket, the
/// authorization page's address, and the merchants that authorize it.
pub async fn show(AxState(shared): S) -> Response {
    admin_world(&shared, false, |w, shared| {
        let ticket = w
            .platform
            .current_ticket()
            .map(|t| json!({"ticket": t.ticket, "create_time": t.created}));
        Ok(json!({
            "component": shared.component().map(|c| c.describe()),
            "verify_ticket": ticket,
            "login_page": rules::LOGIN_PAGE,
            "authorizers": authorizers(w),
        }))
    })
}

/// The pre-authorization code, the redirect URI and the platform a scan names: given as
/// members, or read from the scanned link (`componentloginpage?component_appid&pre_auth_code
/// &redirect_uri`, or the mobile `bindcomponent` link).
fn scanned(v: &Value) -> Result<(String, Option<String>, Option<String>), String> {
    let mut pre = text(v, "pre_auth_code");
    let mut redirect = text(v, "redirect_uri");
    let mut platform = None;
    if let Some(link) = text(v, "url") {
        let link = url::Url::parse(&link).map_err(|_| "url is not a link".to_owned())?;
        for (k, val) in link.query_pairs() {
            match k.as_ref() {
                "pre_auth_code" => pre = pre.or_else(|| Some(val.into_owned())),
                "redirect_uri" => redirect = redirect.or_else(|| Some(val.into_owned())),
                "component_appid" => platform = Some(val.into_owned()),
                _ => {}
            }
        }
    }
    let pre = pre.ok_or("pre_auth_code (or the scanned url) is required")?;
    Ok((pre, redirect, platform))
}

/// The permission sets a scan grants: `func_info` as ids, else the spec's default set.
fn funcs(v: &Value) -> Result<Vec<i64>, String> {
    let Some(list) = v.get("func_info") else {
        return Ok(rules::DEFAULT_FUNCS.to_vec());
    };
    let ids: Option<Vec<i64>> = list
        .as_array()
        .map(|l| l.iter().map(body::int_value).collect::<Option<Vec<i64>>>())
        .unwrap_or_default();
    match ids {
        Some(ids) if !ids.is_empty() && ids.iter().all(|i| *i > 0) => Ok(ids),
        _ => Err("func_info must be a non-empty list of permission set ids".into()),
    }
}

/// `redirect_uri` with `auth_code` and `expires_in` added, as the page redirects to it.
fn redirect_to(redirect: &str, code: &str, expires_in: i64) -> Result<url::Url, String> {
    let mut to = url::Url::parse(redirect).map_err(|_| "redirect_uri is not a URL".to_owned())?;
    if !matches!(to.scheme(), "http" | "https") {
        return Err("redirect_uri must be an http or https URL".into());
    }
    to.query_pairs_mut()
        .append_pair("auth_code", code)
        .append_pair("expires_in", &expires_in.to_string());
    Ok(to)
}

/// `POST /sandbox/platform/authorize {"pre_auth_code"|"url", "appid"?, "name"?,
/// "principal_name"?, "func_info"?, "redirect_uri"?, "follow"?}`: a merchant's admin scans
/// the authorization page and confirms. The merchant (`appid`, else a new one) is made if new,
/// the pre-authorization code used up, an authorization code issued and `authorized` pushed
/// (`updateauthorized` when the permission sets changed; nothing when they did not, as WeChat).
/// Answers `{"appid","auth_code","expires_in","outcome","redirect"?}`; with a redirect URI the
/// call then GETs it as the browser would (unless `"follow": false`) and adds
/// `redirect_status` (or `redirect_error`).
pub async fn authorize(AxState(shared): S, bytes: Bytes) -> Response {
    let mut follow: Option<url::Url> = None;
    let result = act(&shared, true, |w, shared| {
        let v = input(&bytes)?;
        let c = shared
            .component()
            .ok_or("the simulator plays no third-party platform")?;
        let (pre, redirect, platform) = scanned(&v)?;
        if platform.is_some_and(|p| p != c.appid()) {
            return Err("the link names another platform's component_appid".into());
        }
        let funcs = funcs(&v)?;
        let appid =
            text(&v, "appid").unwrap_or_else(|| format!("wx{:016x}", rand::random::<u64>()));
        let now = w.now();
        if w.account(&appid).is_none() {
            let n = w.merchants.len() + 1;
            let nick_name = text(&v, "name").unwrap_or_else(|| format!("模拟商户 {n}"));
            let principal_name =
                text(&v, "principal_name").unwrap_or_else(|| format!("{nick_name}有限公司"));
            w.add_merchant(
                &appid,
                Profile {
                    nick_name,
                    principal_name,
                },
            )?;
        }
        let grant = w.platform.grant(&pre, &appid, funcs, now)?;
        let mut out = json!({
            "appid": appid,
            "user_name": original_id(&appid),
            "auth_code": grant.code,
            "expires_in": grant.expires_in,
            "outcome": grant.outcome,
        });
        if let Some(r) = redirect {
            let to = redirect_to(&r, &grant.code, grant.expires_in)?;
            out["redirect"] = json!(to.as_str());
            if body::boolean(&v, "follow", true) {
                follow = Some(to);
            }
        }
        Ok(out)
    });
    let mut result = match result {
        Ok(r) => r,
        Err(e) => return poisoned(&e),
    };
    if let (Ok(out), Some(to)) = (&mut result, follow) {
        match shared.http().get(to).timeout(REDIRECT_TIMEOUT).send().await {
            Ok(resp) => out["redirect_status"] = json!(resp.status().as_u16()),
            Err(e) => out["redirect_error"] = json!(e.without_url().to_string()),
        }
    }
    answer(result)
}

/// `POST /sandbox/platform/revoke {"appid"}`: the merchant withdraws its authorization in
/// 公众平台: its authorizer tokens and refresh token die and `unauthorized` is pushed. The
/// merchant and its cards stay.
pub async fn revoke(AxState(shared): S, bytes: Bytes) -> Response {
    admin_world(&shared, true, |w, _| {
        let v = input(&bytes)?;
        let appid = text(&v, "appid").ok_or("appid is required")?;
        let now = w.now();
        if !w.platform.revoke(&appid, now) {
            return Err(format!("{appid} does not authorize the platform"));
        }
        Ok(json!({ "appid": appid }))
    })
}

/// `GET /sandbox/merchants`: every merchant, the default first.
pub async fn merchants(AxState(shared): S) -> Response {
    admin_world(&shared, false, |w, _| {
        let list: Vec<Value> = w
            .accounts()
            .map(|st| {
                json!({
                    "appid": st.appid,
                    "user_name": original_id(&st.appid),
                    "nick_name": st.profile.nick_name,
                    "principal_name": st.profile.principal_name,
                    "default": st.appid == w.default_appid(),
                    "authorized": w.authorized(&st.appid),
                    "cards": st.cards.len(),
                })
            })
            .collect();
        Ok(json!({ "merchants": list }))
    })
}

/// `POST /sandbox/merchants {"appid","name"?,"principal_name"?}`: a merchant of its own
/// (reached with `cgi-bin/token` and its AppID, or through the platform once it authorizes).
pub async fn add_merchant(AxState(shared): S, bytes: Bytes) -> Response {
    admin_world(&shared, true, |w, _| {
        let v = input(&bytes)?;
        let appid = text(&v, "appid").ok_or("appid is required")?;
        let mut profile = Profile::default();
        if let Some(name) = text(&v, "name") {
            profile.principal_name = format!("{name}有限公司");
            profile.nick_name = name;
        }
        if let Some(p) = text(&v, "principal_name") {
            profile.principal_name = p;
        }
        w.add_merchant(&appid, profile)?;
        Ok(json!({ "appid": appid, "user_name": original_id(&appid) }))
    })
}
