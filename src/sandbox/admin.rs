//! The admin API under `/sandbox/…` (not WeChat's): what reviewers, users and time would do.

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State as AxState};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::Shared;
use super::state::{Review, State};
use super::wechat::S;

/// The admin router.
pub fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/sandbox/health", get(health))
        .route("/sandbox/clock", get(health))
        .route("/sandbox/clock/advance", post(advance))
        .route("/sandbox/card/review", post(review))
        .route("/sandbox/calls", get(calls))
        .route("/sandbox/calls/reset", post(reset_calls))
        .route("/sandbox/state", get(dump))
        .route("/sandbox/reset", post(reset))
        .route("/sandbox/pois", post(set_pois))
        .route("/sandbox/media/{hash}", get(media))
        .route("/sandbox/recharge/pay", post(super::pay::admin_pay))
        .route("/sandbox/user/scan", post(super::codes::admin_scan))
        .route("/sandbox/user/share", post(super::codes::admin_share))
        .route("/sandbox/code/status", post(super::codes::admin_status))
        .route("/sandbox/code/encrypt", post(super::codes::admin_encrypt))
        .route("/sandbox/faults", post(super::faults::admin_faults))
        .route("/sandbox/token-service", get(super::wechat::token_service))
}

fn bad(msg: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({"ok": false, "error": msg})),
    )
        .into_response()
}

fn body_json(body: &Bytes) -> Value {
    serde_json::from_slice(body).unwrap_or(Value::Null)
}

async fn health(AxState(shared): S) -> Json<Value> {
    Json(json!({"ok": true, "now": shared.lock().now()}))
}

async fn advance(AxState(shared): S, body: Bytes) -> Response {
    let Some(secs) = body_json(&body)
        .get("seconds")
        .and_then(Value::as_i64)
        .filter(|s| *s >= 0)
    else {
        return bad("seconds must be a non-negative integer");
    };
    let mut st = shared.lock();
    st.clock_offset = st.clock_offset.saturating_add(secs);
    shared.persist(&st);
    Json(json!({"ok": true, "now": st.now()})).into_response()
}

async fn review(AxState(shared): S, body: Bytes) -> Response {
    let v = body_json(&body);
    let (Some(id), Some(approve)) = (
        v.get("card_id").and_then(Value::as_str),
        v.get("approve").and_then(Value::as_bool),
    ) else {
        return bad("card_id and approve are required");
    };
    let mut st = shared.lock();
    let Some(card) = st.cards.get_mut(id) else {
        return bad("unknown card_id");
    };
    card.review = if approve {
        Review::Approved
    } else {
        Review::Rejected
    };
    shared.persist(&st);
    Json(json!({"ok": true})).into_response()
}

async fn calls(AxState(shared): S) -> Json<Value> {
    Json(json!({"counts": shared.lock().calls}))
}

async fn reset_calls(AxState(shared): S) -> Json<Value> {
    shared.lock().calls.clear();
    Json(json!({"ok": true}))
}

async fn dump(AxState(shared): S) -> Json<Value> {
    let st = shared.lock();
    let delay = shared.review_delay();
    let cards: Vec<Value> = st
        .cards
        .iter()
        .map(|(id, c)| json!({"card_id": id, "status": st.status_of(c, delay), "quantity": c.quantity, "total_quantity": c.total_quantity}))
        .collect();
    Json(
        json!({"now": st.now(), "cards": cards, "tokens": st.tokens.len(), "media": st.media.len()}),
    )
}

async fn reset(AxState(shared): S) -> Json<Value> {
    let mut st = shared.lock();
    *st = State::default();
    shared.persist(&st);
    Json(json!({"ok": true}))
}

async fn set_pois(AxState(shared): S, body: Bytes) -> Response {
    let Some(list) = body_json(&body)
        .get("business_list")
        .and_then(Value::as_array)
        .cloned()
    else {
        return bad("business_list must be an array");
    };
    let mut st = shared.lock();
    st.pois = list;
    shared.persist(&st);
    Json(json!({"ok": true})).into_response()
}

async fn media(AxState(shared): S, Path(hash): Path<String>) -> Response {
    let st = shared.lock();
    match st.media.get(&hash) {
        Some(bytes) => {
            let mime = if bytes.starts_with(b"\x89PNG") {
                "image/png"
            } else {
                "image/jpeg"
            };
            ([(header::CONTENT_TYPE, mime)], bytes.clone()).into_response()
        }
        None => (StatusCode::NOT_FOUND, "no such image").into_response(),
    }
}
