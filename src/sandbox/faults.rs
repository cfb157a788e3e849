//! Fault injection for WeChat paths: the admin API queues faults, and each matching call takes
//! the next one. Used to prove the app survives slow, failing and lying networks.
//!
//! | kind | effect | request processed? |
//! | --- | --- | --- |
//! | `latency` (`ms`) | waits, then answers normally | yes |
//! | `http500` | HTTP 500 | no |
//! | `drop_before` | the connection breaks before an answer | no |
//! | `drop_after` | processes the call, then breaks the connection | yes (the uncertain case) |
//! | `malformed` | processes the call, then answers 200 with a body that is not JSON | yes |
//! | `errcode` (`errcode`) | answers that errcode (e.g. -1, system busy) | no |
//! | `token_expired` | answers 42001 | no |

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State as AxState};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::Shared;

/// One queued fault.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Fault {
    /// See the module docs.
    pub kind: String,
    /// Latency in milliseconds.
    #[serde(default)]
    pub ms: u64,
    /// The errcode of an `errcode` fault.
    #[serde(default)]
    pub errcode: i64,
    /// Only calls to this path take the fault.
    #[serde(default)]
    pub path: Option<String>,
}

/// A body whose stream fails: hyper aborts the connection.
fn broken() -> Response {
    let stream = futures_util::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::other("connection dropped by the simulator"))
    });
    (StatusCode::OK, Body::from_stream(stream)).into_response()
}

/// The middleware.
pub(crate) async fn inject(
    AxState(shared): AxState<Arc<Shared>>,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_owned();
    if path.starts_with("/sandbox/") {
        return next.run(req).await;
    }
    let fault = {
        let mut st = shared.lock();
        // Counted on arrival, whatever happens next: this is what reached "WeChat".
        *st.calls.entry(path.clone()).or_default() += 1;
        let pos = st
            .faults
            .iter()
            .position(|f| f.path.as_deref().is_none_or(|p| p == path));
        pos.map(|i| st.faults.remove(i))
    };
    let Some(fault) = fault else {
        return next.run(req).await;
    };
    match fault.kind.as_str() {
        "latency" => {
            tokio::time::sleep(Duration::from_millis(fault.ms)).await;
            next.run(req).await
        }
        "http500" => (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response(),
        "drop_before" => broken(),
        "drop_after" => {
            let _ = next.run(req).await;
            broken()
        }
        "malformed" => {
            let _ = next.run(req).await;
            (StatusCode::OK, "{\"errcode\":0,\"errmsg\":\"ok\",").into_response()
        }
        "errcode" => {
            Json(json!({"errcode": fault.errcode, "errmsg": "system error"})).into_response()
        }
        "token_expired" => {
            Json(json!({"errcode": 42001, "errmsg": "access_token expired"})).into_response()
        }
        _ => next.run(req).await,
    }
}

/// Admin: queue faults.
pub(crate) async fn admin_faults(AxState(shared): AxState<Arc<Shared>>, body: Bytes) -> Response {
    let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let path = v.get("path").and_then(Value::as_str).map(str::to_owned);
    let Ok(mut faults) =
        serde_json::from_value::<Vec<Fault>>(v.get("faults").cloned().unwrap_or(json!([])))
    else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"ok": false, "error": "faults must be a list"})),
        )
            .into_response();
    };
    for f in &mut faults {
        if f.path.is_none() {
            f.path.clone_from(&path);
        }
    }
    let mut st = shared.lock();
    st.faults.extend(faults);
    Json(json!({"ok": true, "queued": st.faults.len()})).into_response()
}
