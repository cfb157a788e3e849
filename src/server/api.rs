//! The team's API, each call with `Authorization: Bearer KEY`: the stored events
//! (`/api/v1/events`) and the access token (`/api/v1/token`); and `/healthz` without a key.
//!
//! Errors are JSON `{"errcode": N, "errmsg": "…"}`: WeChat's errcode when WeChat refused,
//! else -1; the HTTP status tells what went wrong (401 no or wrong key, 502 WeChat, 503 the
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

/// Events per page when `limit` is not given.
pub const DEFAULT_LIMIT: u32 = 100;
/// The most events per page.
pub const MAX_LIMIT: u32 = 1000;

/// A JSON error with the given status.
fn error(status: StatusCode, errcode: i64, errmsg: &str) -> Response {
    (status, Json(json!({"errcode": errcode, "errmsg": errmsg}))).into_response()
}

/// Who holds the presented key; the error answer when nobody does (or the database is down).
async fn authorize(shared: &Shared, headers: &HeaderMap) -> Result<String, Response> {
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
        Some(name) => Ok(name.to_owned()),
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
}

/// GET `/api/v1/events?since=ID&limit=N`: `{"events": […]}`, oldest first, ids above
/// `since`.
pub async fn events(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(q): Query<EventsQuery>,
) -> Response {
    if let Err(r) = authorize(&shared, &headers).await {
        return r;
    }
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    match shared.storage.events_after(q.since, limit).await {
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

/// GET `/api/v1/token`: `{"access_token", "expires_in"}` from WeChat's stable_token, cached.
pub async fn token(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let who = match authorize(&shared, &headers).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    match shared.tokens.token().await {
        Ok((access_token, expires_in)) => {
            tracing::debug!(key = %who, "access token handed out");
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
