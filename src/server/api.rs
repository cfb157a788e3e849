//! The team's API, each call with `Authorization: Bearer KEY`: the stored events
//! (`/api/v1/events`) and the access token (`/api/v1/token`), of the direct account or, with
//! `?appid=`, of a merchant that authorized the open platform; and `/healthz` without a key.
//!
//! Errors are JSON `{"errcode": N, "errmsg": "…"}`: WeChat's errcode when WeChat refused,
//! else -1; the HTTP status tells what went wrong (401 no or wrong key, 403 a key that may
//! not act for that account, 404 an account the server does not serve, 502 WeChat, 503 the
//! database).

use std::sync::Arc;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::Shared;
use super::keys;
use super::platform::PlatformError;

/// Events per page when `limit` is not given.
pub const DEFAULT_LIMIT: u32 = 100;
/// The most events per page.
pub const MAX_LIMIT: u32 = 1000;

/// A JSON error with the given status.
pub(super) fn error(status: StatusCode, errcode: i64, errmsg: &str) -> Response {
    (status, Json(json!({"errcode": errcode, "errmsg": errmsg}))).into_response()
}

/// Who called, with what key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    /// The key's holder.
    pub name: String,
    /// The merchants the key may act for; `None`: every one, and the direct account.
    pub merchants: Option<Vec<String>>,
}

impl Caller {
    /// Whether the key may act for the merchant `appid`.
    pub fn may_act_for(&self, appid: &str) -> bool {
        self.merchants
            .as_ref()
            .is_none_or(|list| list.iter().any(|m| m == appid))
    }

    /// Whether the key may act for every merchant (and the direct account).
    pub fn unlimited(&self) -> bool {
        self.merchants.is_none()
    }
}

/// The 403 of a key that may not act for `whom`.
pub(super) fn forbidden(whom: &str) -> Response {
    error(
        StatusCode::FORBIDDEN,
        -1,
        &format!("this API key may not act for {whom}"),
    )
}

/// The answer to a platform error: 404 not (or no longer) authorized, 502 WeChat, 503 the
/// rest (no ticket yet, no public URL, the database, a secret that does not open).
pub(super) fn platform_error(e: &PlatformError) -> Response {
    let status = match e {
        PlatformError::NotAuthorized(_) => StatusCode::NOT_FOUND,
        PlatformError::WeChat { .. } | PlatformError::Unreachable(_) => StatusCode::BAD_GATEWAY,
        PlatformError::NoTicket
        | PlatformError::NoPublicUrl
        | PlatformError::Storage(_)
        | PlatformError::Seal(_) => StatusCode::SERVICE_UNAVAILABLE,
    };
    if status == StatusCode::SERVICE_UNAVAILABLE {
        tracing::error!(error = %e, "platform call failed");
    } else {
        tracing::info!(error = %e, "platform call refused");
    }
    error(status, e.errcode(), &e.to_string())
}

/// The 404 of a server that is no open platform, or of a merchant it never served.
fn not_served(appid: &str) -> Response {
    error(
        StatusCode::NOT_FOUND,
        -1,
        &format!("{appid} does not authorize this server's platform"),
    )
}

/// The 400 of an `appid` that cannot be one (it is not echoed).
fn not_an_appid() -> Response {
    error(StatusCode::BAD_REQUEST, -1, "appid is not an AppID")
}

/// The 404 of a server without an account of its own (only an open platform).
fn no_direct_account() -> Response {
    error(
        StatusCode::NOT_FOUND,
        -1,
        "this server has no account of its own (--appid): name a merchant with ?appid=",
    )
}

/// Who holds the presented key; the error answer when nobody does (or the database is down).
pub(super) async fn authorize(shared: &Shared, headers: &HeaderMap) -> Result<Caller, Response> {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|k| !k.is_empty());
    let unauthorized = || {
        let mut r = error(StatusCode::UNAUTHORIZED, -1, "a valid API key is required");
        r.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Bearer"),
        );
        r
    };
    let Some(presented) = presented else {
        return Err(unauthorized());
    };
    let active = shared.storage.active_keys().await.map_err(|e| {
        tracing::error!(error = %e, "cannot read the API keys");
        error(StatusCode::SERVICE_UNAVAILABLE, -1, "database unavailable")
    })?;
    match keys::holder(presented, &active) {
        Some(k) => Ok(Caller {
            name: k.name.clone(),
            merchants: k.merchants.clone(),
        }),
        None => {
            tracing::warn!("API call with a wrong or revoked key");
            Err(unauthorized())
        }
    }
}

/// The query of `/api/v1/events`.
#[derive(Debug, Deserialize)]
pub struct EventsQuery {
    /// Events with an id above this (default 0: from the first).
    #[serde(default)]
    since: i64,
    /// At most this many (default [`DEFAULT_LIMIT`], clamped to 1..=[`MAX_LIMIT`]).
    limit: Option<u32>,
    /// The merchant whose stream to read; absent: the direct account's.
    appid: Option<String>,
}

/// GET `/api/v1/events?since=ID&limit=N[&appid=X]`: `{"events": […]}`, oldest first, ids
/// above `since`, of the direct account or of the merchant X (whose stream outlives its
/// authorization: its `unauthorized` event is the last word).
pub async fn events(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(q): Query<EventsQuery>,
) -> Response {
    let caller = match authorize(&shared, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let merchant = match q.appid.as_deref().map(str::trim) {
        None | Some("") if !caller.unlimited() => return forbidden("the direct account"),
        None | Some("") if shared.direct.is_none() => return no_direct_account(),
        None | Some("") => String::new(),
        Some(appid) if !keys::valid_merchant(appid) => return not_an_appid(),
        Some(appid) if !caller.may_act_for(appid) => return forbidden(appid),
        Some(appid) => {
            let Some(platform) = &shared.platform else {
                return not_served(appid);
            };
            match platform.known(appid).await {
                Ok(true) => appid.to_owned(),
                Ok(false) => return not_served(appid),
                Err(e) => return platform_error(&e),
            }
        }
    };
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    match shared
        .storage
        .merchant_events(merchant, q.since, limit)
        .await
    {
        Ok(list) => {
            let events: Vec<Value> = list.iter().map(|e| e.to_json()).collect();
            Json(json!({ "events": events })).into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "cannot read the events");
            error(StatusCode::SERVICE_UNAVAILABLE, -1, "database unavailable")
        }
    }
}

/// The query of `/api/v1/token`.
#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    /// The merchant whose authorizer token to give; absent: the direct account's token.
    appid: Option<String>,
}

/// GET `/api/v1/token[?appid=X]`: `{"access_token", "expires_in"}`: the direct account's from
/// WeChat's stable_token, cached; or the merchant X's authorizer token (403 when the key may
/// not act for X, 404 when X does not, or no longer, authorize the platform).
pub async fn token(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(q): Query<TokenQuery>,
) -> Response {
    let caller = match authorize(&shared, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    if let Some(appid) = q.appid.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        if !keys::valid_merchant(appid) {
            return not_an_appid();
        }
        if !caller.may_act_for(appid) {
            return forbidden(appid);
        }
        let Some(platform) = &shared.platform else {
            return not_served(appid);
        };
        return match platform.authorizer_token(appid).await {
            Ok((access_token, expires_in)) => {
                tracing::debug!(key = %caller.name, %appid, "authorizer token handed out");
                Json(json!({"access_token": access_token, "expires_in": expires_in}))
                    .into_response()
            }
            Err(e) => platform_error(&e),
        };
    }
    if !caller.unlimited() {
        return forbidden("the direct account");
    }
    let Some(direct) = &shared.direct else {
        return no_direct_account();
    };
    match direct.tokens.token().await {
        Ok((access_token, expires_in)) => {
            tracing::debug!(key = %caller.name, "access token handed out");
            Json(json!({"access_token": access_token, "expires_in": expires_in})).into_response()
        }
        Err(e) => {
            tracing::warn!(error = %e, "no access token");
            let status = match e {
                super::token::TokenError::NoSecret => StatusCode::SERVICE_UNAVAILABLE,
                _ => StatusCode::BAD_GATEWAY,
            };
            error(status, e.errcode(), &e.to_string())
        }
    }
}

/// GET `/healthz`: `ok` when the database answers, for load balancers and systemd.
pub async fn healthz(State(shared): State<Arc<Shared>>) -> Response {
    match shared.storage.ping().await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unavailable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}
