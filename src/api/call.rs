//! What every layer of the client shares about one call: how it may be repeated, its HTTP
//! method, and how a failed transport reads as an [`ApiError`]. Used by the transport
//! (`client.rs`) and the token fetcher (`token.rs`), so neither needs the other for it.

use super::error::{ApiError, redact};

/// How a call may be repeated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallKind {
    /// Idempotent read: retried with backoff on 5xx, connection errors and errcode -1.
    Read,
    /// A write: never retried except once after a token refresh (the token error proves it
    /// did not run).
    Write,
    /// Moves money (confirm, recharge): never re-sent at all; an unclear outcome is
    /// [`ApiError::Uncertain`].
    Money,
}

/// HTTP method of an endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// GET with query parameters.
    Get,
    /// POST with a JSON body.
    Post,
}

/// A transport error with its causes ("error sending request" alone says nothing; the DNS,
/// TLS or refused-connection cause below it does), redacted.
pub(crate) fn error_detail(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        let c = cause.to_string();
        if !text.contains(&c) {
            text.push_str(": ");
            text.push_str(&c);
        }
        source = cause.source();
    }
    redact(&text)
}

/// The error of a call that failed in transport: nothing sent, timed out, or (for money calls)
/// unknown.
pub(crate) fn transport_error(endpoint: &str, e: &reqwest::Error, kind: CallKind) -> ApiError {
    let message = error_detail(e);
    let endpoint = endpoint.to_owned();
    // A connect error means nothing was sent; anything later may have reached WeChat.
    if e.is_connect() {
        return ApiError::Connect { endpoint, message };
    }
    match kind {
        CallKind::Money => ApiError::Uncertain {
            endpoint,
            reason: message,
        },
        _ if e.is_timeout() => ApiError::Timeout { endpoint },
        _ => ApiError::Connect { endpoint, message },
    }
}
