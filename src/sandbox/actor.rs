//! The frame every admin call runs in: which merchant it acts for, and the lock → settle →
//! act → settle → push → save sequence that WeChat calls go through too.
//!
//! An admin call that acts as a user, a reviewer or a payer acts on one merchant: the one its
//! `X-Sandbox-Merchant` header (or `?merchant=` query member) names, else the default
//! merchant; a name the simulator does not know is refused (HTTP 400). Success is
//! `{"ok":true,…}`; a refusal is HTTP 400 `{"ok":false,"error":"…"}`.

use std::convert::Infallible;

use axum::Json;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::errors::WxError;
use super::world::World;
use super::{Shared, State};

/// The header naming the merchant an admin call acts for.
pub const MERCHANT_HEADER: &str = "x-sandbox-merchant";

/// The merchant an admin call names; `None`: the default merchant.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Merchant(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for Merchant {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        let header = parts
            .headers
            .get(MERCHANT_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned);
        let query = || {
            url::form_urlencoded::parse(parts.uri.query()?.as_bytes())
                .find(|(k, _)| k == "merchant")
                .map(|(_, v)| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        Ok(Self(header.or_else(query)))
    }
}

impl Merchant {
    /// The AppID it names in `w`: the default merchant's when it names none.
    pub fn appid(&self, w: &World) -> Result<String, String> {
        match &self.0 {
            None => Ok(w.default_appid().to_owned()),
            Some(appid) if w.account(appid).is_some() => Ok(appid.clone()),
            Some(appid) => Err(format!("unknown merchant {appid}")),
        }
    }
}

/// The answer of an admin call: `{"ok":true}` plus `v`'s members, or HTTP 400 with the error.
pub fn answer(result: Result<Value, String>) -> Response {
    match result {
        Ok(v) => {
            let mut out = serde_json::Map::new();
            out.insert("ok".into(), json!(true));
            if let Value::Object(m) = v {
                out.extend(m);
            }
            Json(Value::Object(out)).into_response()
        }
        Err(error) => (
            StatusCode::BAD_REQUEST,
            Json(json!({"ok": false, "error": error})),
        )
            .into_response(),
    }
}

/// Runs an admin action on the whole locked world; persists on success when `mutates`. Like
/// a WeChat call, it settles what time decided before and after, and hands what changed to
/// the outbox.
pub fn admin_world(
    shared: &Shared,
    mutates: bool,
    f: impl FnOnce(&mut World, &Shared) -> Result<Value, String>,
) -> Response {
    match act(shared, mutates, f) {
        Ok(result) => answer(result),
        Err(e) => poisoned(&e),
    }
}

/// The answer when the state lock is poisoned (HTTP 500).
pub fn poisoned(e: &WxError) -> Response {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        Json(json!({"ok": false, "error": e.errmsg})),
    )
        .into_response()
}

/// [`admin_world`]'s work without the answer (for a call that does more once the lock is
/// released); `Err` is a poisoned lock ([`poisoned`] answers it).
pub fn act(
    shared: &Shared,
    mutates: bool,
    f: impl FnOnce(&mut World, &Shared) -> Result<Value, String>,
) -> Result<Result<Value, String>, WxError> {
    let mut w = shared.lock()?;
    let before = shared.settle(&mut w);
    let result = f(&mut w, shared);
    let settled = shared.settle(&mut w) || before;
    shared.flush(&mut w);
    if settled || (mutates && result.is_ok()) {
        shared.persist(&w);
    }
    Ok(result)
}

/// Runs an admin action on the merchant `who` names (see the module).
pub fn admin(
    shared: &Shared,
    who: &Merchant,
    mutates: bool,
    f: impl FnOnce(&mut State, &Shared) -> Result<Value, String>,
) -> Response {
    admin_world(shared, mutates, |w, shared| {
        let appid = who.appid(w)?;
        let st = w
            .account_mut(&appid)
            .ok_or_else(|| format!("unknown merchant {appid}"))?;
        f(st, shared)
    })
}
