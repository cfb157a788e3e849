//! `/wechat`, the URL configured in 公众平台: the GET that verifies the URL, and the POST of
//! every push, in plain, compatible and safe mode.
//!
//! A push is answered `success` only once it is committed, so WeChat retries anything the
//! server did not keep; a retry of a stored push is answered `success` too. A refused push
//! is logged with the reason alone: never the token, the key, the `Encrypt` text nor the
//! plaintext (the members of a push are the users' data).

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::Shared;
use super::storage::{Inserted, NewEvent};
use crate::wxpush::{CryptoError, MAX_BODY, Push, PushCrypto, XmlError};

/// How far a push's `timestamp` may be from the server's clock: older is a replay.
pub const MAX_SKEW_SECS: i64 = 300;

/// How long the database may take before the push is answered with an error instead (WeChat
/// gives up after 5 s and retries; the retry is de-duplicated if this one lands after all).
pub const STORE_TIMEOUT: Duration = Duration::from_secs(4);

/// The query WeChat adds to the URL.
#[derive(Debug, Default, Deserialize)]
pub struct PushQuery {
    signature: Option<String>,
    timestamp: Option<String>,
    nonce: Option<String>,
    echostr: Option<String>,
    encrypt_type: Option<String>,
    msg_signature: Option<String>,
}

/// Why a request to `/wechat` was refused. The reasons name no content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// No signature, timestamp or nonce.
    Unsigned,
    /// The signature or msg_signature does not match.
    BadSignature,
    /// The timestamp is more than [`MAX_SKEW_SECS`] from now.
    Stale,
    /// The body is over [`MAX_BODY`].
    TooLarge,
    /// The body declares a DTD.
    Doctype,
    /// Not an `<xml>` push, or not UTF-8.
    NotXml,
    /// Safe mode without an `Encrypt` member.
    NoEncrypt,
    /// `Encrypt` cannot be opened with the EncodingAESKey.
    Undecryptable,
    /// The envelope names another AppID.
    WrongAppId,
    /// An `encrypt_type` other than `aes`, or plain mode where only safe mode is taken (an
    /// open platform's URLs: WeChat always encrypts there).
    UnknownMode,
    /// No account of this server receives pushes here.
    NoAccount,
}

impl Refusal {
    /// The HTTP status: 403 for what fails authentication, 413 for size, 400 for the rest.
    pub fn status(self) -> StatusCode {
        match self {
            Self::Unsigned | Self::BadSignature | Self::Stale | Self::WrongAppId => {
                StatusCode::FORBIDDEN
            }
            Self::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::NoAccount => StatusCode::NOT_FOUND,
            Self::Doctype
            | Self::NotXml
            | Self::NoEncrypt
            | Self::Undecryptable
            | Self::UnknownMode => StatusCode::BAD_REQUEST,
        }
    }

    /// The reason, for the log and the answer.
    pub fn reason(self) -> &'static str {
        match self {
            Self::Unsigned => "unsigned",
            Self::BadSignature => "bad signature",
            Self::Stale => "timestamp more than 5 minutes away (replay?)",
            Self::TooLarge => "body too large",
            Self::Doctype => "DTD refused",
            Self::NotXml => "not an XML push",
            Self::NoEncrypt => "no Encrypt member",
            Self::Undecryptable => "Encrypt cannot be decrypted",
            Self::WrongAppId => "encrypted for another appid",
            Self::UnknownMode => "unknown encrypt_type",
            Self::NoAccount => "no account receives pushes at this URL",
        }
    }
}

impl From<XmlError> for Refusal {
    fn from(e: XmlError) -> Self {
        match e {
            XmlError::TooLarge => Self::TooLarge,
            XmlError::Doctype => Self::Doctype,
            XmlError::Malformed(_) => Self::NotXml,
        }
    }
}

impl From<CryptoError> for Refusal {
    fn from(e: CryptoError) -> Self {
        match e {
            CryptoError::BadSignature => Self::BadSignature,
            CryptoError::WrongAppId => Self::WrongAppId,
            CryptoError::BadKey | CryptoError::NotBase64 | CryptoError::Malformed => {
                Self::Undecryptable
            }
        }
    }
}

/// Logs a refusal (reason and mode, nothing of the request) and answers it.
pub(super) fn refuse(refusal: Refusal, mode: &'static str) -> Response {
    tracing::warn!(mode, reason = refusal.reason(), "push refused");
    (refusal.status(), refusal.reason()).into_response()
}

/// A plain-text answer (`success`).
pub(super) fn text(s: &'static str) -> Response {
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], s).into_response()
}

/// GET `/wechat`: 公众平台's URL check echoes `echostr` when the signature is right.
pub async fn verify(State(shared): State<Arc<Shared>>, Query(q): Query<PushQuery>) -> Response {
    let Some(crypto) = shared.direct.as_ref().map(|d| &d.crypto) else {
        return refuse(Refusal::NoAccount, "verify");
    };
    let (Some(signature), Some(timestamp), Some(nonce), Some(echostr)) =
        (&q.signature, &q.timestamp, &q.nonce, &q.echostr)
    else {
        return refuse(Refusal::Unsigned, "verify");
    };
    if let Err(e) = crypto.verify(timestamp, nonce, signature) {
        return refuse(e.into(), "verify");
    }
    tracing::info!("URL verification answered");
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        echostr.clone(),
    )
        .into_response()
}

/// The push inside a request, once its signatures, age and envelope are checked with
/// `crypto`; with `safe_only`, plain mode is refused.
pub(super) fn open(
    crypto: &PushCrypto,
    q: &PushQuery,
    body: &[u8],
    now: i64,
    safe_only: bool,
) -> Result<Push, Refusal> {
    let (Some(timestamp), Some(nonce)) = (&q.timestamp, &q.nonce) else {
        return Err(Refusal::Unsigned);
    };
    let at: i64 = timestamp.trim().parse().map_err(|_| Refusal::Unsigned)?;
    // abs_diff: an absurd timestamp (i64::MIN) must not overflow.
    if at.abs_diff(now) > MAX_SKEW_SECS.unsigned_abs() {
        return Err(Refusal::Stale);
    }
    match q.encrypt_type.as_deref() {
        // Safe mode, and compatible mode (plain members beside `Encrypt`): the encrypted
        // copy is the one that counts.
        Some(t) if t.eq_ignore_ascii_case("aes") => {
            let outer = Push::parse(body)?;
            let encrypt = outer.get("Encrypt").ok_or(Refusal::NoEncrypt)?;
            let given = q.msg_signature.as_deref().ok_or(Refusal::Unsigned)?;
            crypto.verify_msg(timestamp, nonce, encrypt, given)?;
            // WeChat signs the query too; a sender that does must get it right.
            if let Some(s) = &q.signature {
                crypto.verify(timestamp, nonce, s)?;
            }
            let plain = crypto.decrypt(encrypt)?;
            Ok(Push::parse(plain.as_bytes())?)
        }
        Some(t) if !t.eq_ignore_ascii_case("raw") && !t.is_empty() => Err(Refusal::UnknownMode),
        _ if safe_only => Err(Refusal::UnknownMode),
        _ => {
            let given = q.signature.as_deref().ok_or(Refusal::Unsigned)?;
            crypto.verify(timestamp, nonce, given)?;
            Ok(Push::parse(body)?)
        }
    }
}

/// The mode of a request, for the log.
pub(super) fn mode(q: &PushQuery) -> &'static str {
    match q.encrypt_type.as_deref() {
        Some(t) if t.eq_ignore_ascii_case("aes") => "aes",
        _ => "plain",
    }
}

/// POST `/wechat`: a push, answered `success` once committed.
pub async fn receive(
    State(shared): State<Arc<Shared>>,
    Query(q): Query<PushQuery>,
    body: Body,
) -> Response {
    let mode = mode(&q);
    let Some(crypto) = shared.direct.as_ref().map(|d| &d.crypto) else {
        return refuse(Refusal::NoAccount, mode);
    };
    let push = match read(crypto, &q, body, false).await {
        Ok(p) => p,
        Err(r) => return refuse(r, mode),
    };
    let event = NewEvent::new(push, chrono::Utc::now().timestamp_millis());
    store(&shared, event, mode).await
}

/// Reads a request's body (stopping at the cap: a huge body is never held in memory) and
/// opens the push in it.
pub(super) async fn read(
    crypto: &PushCrypto,
    q: &PushQuery,
    body: Body,
    safe_only: bool,
) -> Result<Push, Refusal> {
    let bytes: Bytes = axum::body::to_bytes(body, MAX_BODY)
        .await
        .map_err(|_| Refusal::TooLarge)?;
    open(crypto, q, &bytes, chrono::Utc::now().timestamp(), safe_only)
}

/// Stores an event and answers `success` once it is committed (or was already).
pub(super) async fn store(shared: &Shared, event: NewEvent, mode: &'static str) -> Response {
    match tokio::time::timeout(STORE_TIMEOUT, shared.storage.insert(event)).await {
        Ok(Ok(Inserted::New(id))) => {
            tracing::debug!(id, mode, "push stored");
            text("success")
        }
        Ok(Ok(Inserted::Duplicate)) => {
            tracing::debug!(mode, "push already stored (a retry)");
            text("success")
        }
        Ok(Err(e)) => {
            tracing::error!(error = %e, "push not stored");
            (StatusCode::SERVICE_UNAVAILABLE, "storage error").into_response()
        }
        Err(_) => {
            tracing::error!(
                timeout_ms = STORE_TIMEOUT.as_millis() as u64,
                "push not stored in time"
            );
            (StatusCode::SERVICE_UNAVAILABLE, "storage timeout").into_response()
        }
    }
}
