//! Call counting and fault injection, as a middleware in front of WeChat's paths.
//!
//! Every WeChat call is counted as received (`/sandbox/calls`), whatever happens next. Then
//! the first queued fault whose path matches (or that has none) is taken off the queue and
//! applied:
//!
//! | kind | the request | the client sees |
//! | --- | --- | --- |
//! | `latency` `ms` | processed after the delay (even if the client gave up) | the normal answer, late |
//! | `http500` | not processed | HTTP 500 |
//! | `drop_before` | not processed | the connection dropped, no answer |
//! | `drop_after` | processed | the connection dropped: the uncertain case |
//! | `malformed` | processed | HTTP 200 with a body that is not JSON |
//! | `errcode` `errcode` | not processed | `{"errcode":N,"errmsg":"simulated fault"}` |
//! | `token_expired` | not processed | errcode 42001 |
//! | `strings` | processed | the answer with every number as a string, `"errcode":"0"` too, as some real answers come |

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State as AxState};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Shared;
use super::errors::{WxError, code};

/// One injected fault.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultKind {
    /// Delay the answer.
    Latency {
        /// Milliseconds.
        ms: u64,
    },
    /// HTTP 500, not processed.
    Http500,
    /// Connection dropped before processing.
    DropBefore,
    /// Processed, then the connection dropped.
    DropAfter,
    /// Processed, then a body that is not JSON.
    Malformed,
    /// A WeChat error, not processed.
    Errcode {
        /// The errcode.
        errcode: i64,
    },
    /// 42001, not processed.
    TokenExpired,
    /// Processed, then every number in the answer sent as a string.
    Strings,
}

/// A queued fault, optionally only for one path.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fault {
    /// What happens.
    #[serde(flatten)]
    pub kind: FaultKind,
    /// Only calls to this path (e.g. `/card/pay/confirm`) take it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// Parses `{"faults":[…], "path"?}`: each fault may also carry its own `path`.
pub fn parse(v: &Value) -> Result<Vec<Fault>, String> {
    let default_path = v.get("path").and_then(Value::as_str).map(str::to_owned);
    let list = v
        .get("faults")
        .and_then(Value::as_array)
        .ok_or("faults must be an array")?;
    list.iter()
        .map(|f| {
            let mut fault: Fault =
                serde_json::from_value(f.clone()).map_err(|e| format!("bad fault {f}: {e}"))?;
            if fault.path.is_none() {
                fault.path.clone_from(&default_path);
            }
            Ok(fault)
        })
        .collect()
}

/// A body that fails at once, which makes hyper abort the connection.
fn dropped() -> Response {
    let stream = futures_util::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::other("simulated dropped connection"))
    });
    Response::new(Body::from_stream(stream))
}

/// Counts the call, then applies the next matching fault.
pub async fn layer(AxState(shared): AxState<Arc<Shared>>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let fault = match shared.lock() {
        Ok(mut st) => {
            *st.calls.entry(path.clone()).or_default() += 1;
            st.faults
                .iter()
                .position(|f| f.path.as_deref().is_none_or(|p| p == path))
                .map(|i| st.faults.remove(i))
        }
        Err(e) => return e.into_response(),
    };
    let Some(fault) = fault else {
        return next.run(req).await;
    };
    tracing::info!("simulated fault {:?} on {path}", fault.kind);
    match fault.kind {
        FaultKind::Latency { ms } => {
            // On its own task, so the call is processed even when the client gave up waiting,
            // as a real server would.
            let late = tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(ms)).await;
                next.run(req).await
            });
            match late.await {
                Ok(answer) => answer,
                Err(e) => WxError::system(e).into_response(),
            }
        }
        FaultKind::Http500 => {
            (StatusCode::INTERNAL_SERVER_ERROR, "simulated fault").into_response()
        }
        FaultKind::DropBefore => dropped(),
        FaultKind::DropAfter => {
            let answer = next.run(req).await;
            // Read the answer to the end, so the work is done whatever the handler streams.
            let _ = axum::body::to_bytes(answer.into_body(), usize::MAX).await;
            dropped()
        }
        FaultKind::Malformed => {
            let answer = next.run(req).await;
            let _ = axum::body::to_bytes(answer.into_body(), usize::MAX).await;
            (
                [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
                "{\"errcode\":0,\"errmsg\":\"ok\",<html>",
            )
                .into_response()
        }
        FaultKind::Errcode { errcode } => WxError::new(errcode, "simulated fault").into_response(),
        FaultKind::TokenExpired => {
            WxError::new(code::TOKEN_EXPIRED, "access_token expired").into_response()
        }
        FaultKind::Strings => {
            let answer = next.run(req).await;
            let (parts, body) = answer.into_parts();
            let bytes = match axum::body::to_bytes(body, usize::MAX).await {
                Ok(b) => b,
                Err(e) => return WxError::system(e).into_response(),
            };
            match serde_json::from_slice::<Value>(&bytes) {
                Ok(mut v) => {
                    numbers_as_strings(&mut v);
                    (parts.status, axum::Json(v)).into_response()
                }
                // Not JSON (an image, say): passed on untouched.
                Err(_) => Response::from_parts(parts, Body::from(bytes)),
            }
        }
    }
}

/// Turns every number in `v`, however deep, into its decimal string.
fn numbers_as_strings(v: &mut Value) {
    match v {
        Value::Number(n) => *v = Value::String(n.to_string()),
        Value::Array(items) => items.iter_mut().for_each(numbers_as_strings),
        Value::Object(members) => members.values_mut().for_each(numbers_as_strings),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_faults_with_paths() {
        let v = json!({"faults": [{"kind": "latency", "ms": 5}, {"kind": "errcode", "errcode": -1, "path": "/x"}], "path": "/card/pay/confirm"});
        let f = parse(&v).unwrap();
        assert_eq!(f[0].kind, FaultKind::Latency { ms: 5 });
        assert_eq!(f[0].path.as_deref(), Some("/card/pay/confirm"));
        assert_eq!(f[1].path.as_deref(), Some("/x"));
        assert!(parse(&json!({"faults": [{"kind": "nope"}]})).is_err());
        assert_eq!(
            parse(&json!({"faults": [{"kind": "strings"}]})).unwrap()[0].kind,
            FaultKind::Strings
        );
    }

    #[test]
    fn every_number_becomes_a_string_and_nothing_else_changes() {
        let mut v =
            json!({"errcode": 0, "a": [1, 2.5, {"b": -3}], "ok": true, "s": "x", "n": null});
        numbers_as_strings(&mut v);
        assert_eq!(
            v,
            json!({"errcode": "0", "a": ["1", "2.5", {"b": "-3"}], "ok": true, "s": "x", "n": null})
        );
    }
}
