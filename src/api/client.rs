//! The HTTP transport: base-URL policy, timeouts, token refresh, retries for reads, and
//! "never sent twice" for money-moving calls. It knows no endpoint: the endpoint files
//! (`card.rs`, `pay.rs`, `placement.rs`, `redeem.rs`, `stats.rs`) build on it.

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::call::transport_error;
pub use super::call::{CallKind, Method};
use super::error::{ApiError, redact};
use super::token::{TokenManager, TokenSource};

/// The real API.
pub const WECHAT_API: &str = "https://api.weixin.qq.com";

struct Inner {
    http: reqwest::Client,
    base: String,
    tokens: TokenManager,
    /// A cache slot that the endpoint files fill (the wx_card api_ticket, in
    /// `placement.rs`): the transport only keeps it alive as long as the client.
    card_ticket: CachedValue,
}

/// A value fetched from WeChat and the instant it stops being used, behind an async lock so
/// that concurrent callers share one fetch.
pub type CachedValue = tokio::sync::Mutex<Option<(String, std::time::Instant)>>;

/// A WeChat API client. Cheap to clone.
#[derive(Clone)]
pub struct ApiClient {
    inner: Arc<Inner>,
}

/// Backoff between read retries.
const RETRY_DELAYS: [Duration; 2] = [Duration::from_millis(200), Duration::from_millis(600)];

impl ApiClient {
    /// A client for `base_url` (no trailing slash needed). Plain `http://` is refused unless
    /// the host is loopback (the simulator), since every call carries a token.
    pub fn new(base_url: &str, tokens: TokenSource) -> Result<Self, ApiError> {
        Self::with_timeouts(
            base_url,
            tokens,
            Duration::from_secs(10),
            Duration::from_secs(30),
        )
    }

    /// Like [`Self::new`] with explicit connect and whole-request timeouts.
    pub fn with_timeouts(
        base_url: &str,
        tokens: TokenSource,
        connect: Duration,
        request: Duration,
    ) -> Result<Self, ApiError> {
        Self::build(check_base_url(base_url)?, tokens, connect, request)
    }

    /// A client for a simulator run on another machine (`coupon-studio sandbox
    /// --allow-remote`), which serves plain `http://` on the network. Only for the simulator:
    /// its tokens are its own, and no AppSecret of a real account is ever sent to it.
    pub fn for_simulator(base_url: &str, tokens: TokenSource) -> Result<Self, ApiError> {
        Self::build(
            check_simulator_url(base_url)?,
            tokens,
            Duration::from_secs(10),
            Duration::from_secs(30),
        )
    }

    fn build(
        base: String,
        tokens: TokenSource,
        connect: Duration,
        request: Duration,
    ) -> Result<Self, ApiError> {
        let http = reqwest::Client::builder()
            .connect_timeout(connect)
            .timeout(request)
            // Idle connections are dropped before a server drops them (the simulator closes
            // them after 10 s), so a call is never written into a connection being closed.
            .pool_idle_timeout(IDLE_CONNECTION)
            .build()
            .map_err(|e| ApiError::Token(redact(&e.to_string())))?;
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                base,
                tokens: TokenManager::new(tokens),
                card_ticket: tokio::sync::Mutex::new(None),
            }),
        })
    }

    /// The slot in which `placement.rs` caches the wx_card api_ticket for this client (and
    /// its clones), so that the ticket is fetched once per 7200 s and not per call.
    pub(crate) fn card_ticket_slot(&self) -> &CachedValue {
        &self.inner.card_ticket
    }

    /// The base URL.
    pub fn base_url(&self) -> &str {
        &self.inner.base
    }

    /// The underlying HTTP client (for the simulator's admin calls in the app and tests).
    pub fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// A current access token.
    pub async fn access_token(&self) -> Result<String, ApiError> {
        self.inner
            .tokens
            .token(&self.inner.http, &self.inner.base)
            .await
    }

    /// An access token asked of its source now, the cached one forgotten (a platform's
    /// merchant: whether it still authorizes the platform).
    pub async fn fresh_access_token(&self) -> Result<String, ApiError> {
        self.inner
            .tokens
            .fresh(&self.inner.http, &self.inner.base)
            .await
    }

    /// Whether the token source said the merchant is not (or no longer) authorized (a
    /// platform's merchant; see [`TokenSource::Platform`]): every call fails from then on.
    pub fn merchant_gone(&self) -> bool {
        self.inner.tokens.merchant_gone()
    }

    /// Calls an endpoint with a JSON body (POST) or query (GET) and parses the answer.
    pub async fn call<Req: Serialize + ?Sized, Resp: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: &Req,
        kind: CallKind,
    ) -> Result<Resp, ApiError> {
        let value = self.call_value(method, path, body, kind).await?;
        serde_json::from_value(value).map_err(|e| ApiError::Decode {
            endpoint: path.to_owned(),
            message: e.to_string(),
        })
    }

    /// Like [`Self::call`] but returns the raw JSON of a successful answer.
    pub async fn call_value<Req: Serialize + ?Sized>(
        &self,
        method: Method,
        path: &str,
        body: &Req,
        kind: CallKind,
    ) -> Result<Value, ApiError> {
        let mut refreshed = false;
        let mut attempt = 0;
        loop {
            let token = self.access_token().await?;
            let started = std::time::Instant::now();
            let result = self.send_once(method, path, body, &token, kind).await;
            log_call(path, kind, started, &result);
            match result {
                Err(e) if e.is_token_error() && !refreshed && kind != CallKind::Money => {
                    self.inner.tokens.invalidate(&token).await;
                    refreshed = true;
                }
                Err(e)
                    if kind == CallKind::Read && attempt < RETRY_DELAYS.len() && retryable(&e) =>
                {
                    tokio::time::sleep(RETRY_DELAYS[attempt]).await;
                    attempt += 1;
                }
                Err(e) if e.is_token_error() && kind == CallKind::Money => {
                    // The token was rejected, so the call did not run; the next call gets a new one.
                    self.inner.tokens.invalidate(&token).await;
                    return Err(e);
                }
                other => return other,
            }
        }
    }

    async fn send_once<Req: Serialize + ?Sized>(
        &self,
        method: Method,
        path: &str,
        body: &Req,
        token: &str,
        kind: CallKind,
    ) -> Result<Value, ApiError> {
        let url = format!("{}{path}", self.inner.base);
        let request = match method {
            Method::Get => self
                .inner
                .http
                .get(&url)
                .query(&[("access_token", token)])
                .query(body),
            Method::Post => self
                .inner
                .http
                .post(&url)
                .query(&[("access_token", token)])
                .json(body),
        };
        let endpoint = path.to_owned();
        let response = request
            .send()
            .await
            .map_err(|e| transport_error(&endpoint, &e, kind))?;
        let status = response.status();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| transport_error(&endpoint, &e, kind))?;
        if !status.is_success() {
            if kind == CallKind::Money && status.is_server_error() {
                return Err(ApiError::Uncertain {
                    endpoint,
                    reason: format!("HTTP {status}"),
                });
            }
            return Err(ApiError::Http {
                endpoint,
                status: status.as_u16(),
            });
        }
        parse_answer(&endpoint, &bytes, kind)
    }

    /// Uploads an image to `cgi-bin/media/uploadimg` (multipart part `buffer`, as the card
    /// guide names it); returns the CDN URL.
    pub async fn upload_image(&self, jpeg: Vec<u8>, file_name: &str) -> Result<String, ApiError> {
        let path = "/cgi-bin/media/uploadimg";
        let mut refreshed = false;
        loop {
            let token = self.access_token().await?;
            let part = reqwest::multipart::Part::bytes(jpeg.clone())
                .file_name(file_name.to_owned())
                .mime_str("image/jpeg")
                .map_err(|e| ApiError::Decode {
                    endpoint: path.into(),
                    message: e.to_string(),
                })?;
            let form = reqwest::multipart::Form::new().part("buffer", part);
            let url = format!("{}{path}", self.inner.base);
            let sent = self
                .inner
                .http
                .post(&url)
                .query(&[("access_token", &token)])
                .multipart(form)
                .send()
                .await;
            let result = match sent {
                Ok(r) if r.status().is_success() => {
                    let bytes = r
                        .bytes()
                        .await
                        .map_err(|e| transport_error(path, &e, CallKind::Write))?;
                    parse_answer(path, &bytes, CallKind::Write)
                }
                Ok(r) => Err(ApiError::Http {
                    endpoint: path.into(),
                    status: r.status().as_u16(),
                }),
                Err(e) => Err(transport_error(path, &e, CallKind::Write)),
            };
            match result {
                Err(e) if e.is_token_error() && !refreshed => {
                    self.inner.tokens.invalidate(&token).await;
                    refreshed = true;
                }
                Err(e) => return Err(e),
                Ok(v) => {
                    return v
                        .get("url")
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                        .ok_or_else(|| ApiError::Decode {
                            endpoint: path.into(),
                            message: "no url".into(),
                        });
                }
            }
        }
    }
}

/// One log line per request: the path and outcome, never the token (the URL is not logged,
/// and error texts are redacted).
fn log_call(
    path: &str,
    kind: CallKind,
    started: std::time::Instant,
    result: &Result<Value, ApiError>,
) {
    let ms = started.elapsed().as_millis();
    match result {
        Ok(_) => tracing::debug!(path, ?kind, ms, "call ok"),
        Err(e) => tracing::warn!(path, ?kind, ms, error = %redact(&e.to_string()), "call failed"),
    }
}

/// Whether a read should be tried again.
fn retryable(e: &ApiError) -> bool {
    match e {
        ApiError::Http { status, .. } => *status >= 500,
        ApiError::Connect { .. } | ApiError::Timeout { .. } => true,
        ApiError::WeChat { errcode, .. } => *errcode == crate::errcode::SYSTEM,
        _ => false,
    }
}

/// Parses a WeChat answer: errcode ≠ 0 is an error; a body that is not JSON is a decode error
/// (or uncertain for money calls). Never panics, whatever the bytes.
pub fn parse_answer(endpoint: &str, bytes: &[u8], kind: CallKind) -> Result<Value, ApiError> {
    let value: Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) if kind == CallKind::Money => {
            return Err(ApiError::Uncertain {
                endpoint: endpoint.into(),
                reason: format!("unreadable answer: {e}"),
            });
        }
        Err(e) => {
            return Err(ApiError::Decode {
                endpoint: endpoint.into(),
                message: e.to_string(),
            });
        }
    };
    // WeChat sends `"errcode":"0"` as a string in some answers, and datacube successes carry
    // no errcode at all. An errcode that is neither a number nor a numeric string is not
    // taken for success.
    let errcode = match value.get("errcode") {
        None | Some(Value::Null) => 0,
        Some(v) => match super::lenient::int_of(v) {
            Some(n) => n,
            None if kind == CallKind::Money => {
                return Err(ApiError::Uncertain {
                    endpoint: endpoint.into(),
                    reason: format!("unreadable errcode {v}"),
                });
            }
            None => {
                return Err(ApiError::Decode {
                    endpoint: endpoint.into(),
                    message: format!("unreadable errcode {v}"),
                });
            }
        },
    };
    if errcode != 0 {
        let errmsg = value
            .get("errmsg")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        return Err(ApiError::WeChat { errcode, errmsg });
    }
    Ok(value)
}

/// How long an unused connection is kept for the next call.
pub const IDLE_CONNECTION: Duration = Duration::from_secs(5);

/// Accepts https, and http only to loopback.
pub fn check_base_url(base: &str) -> Result<String, ApiError> {
    let parsed = url::Url::parse(base).map_err(|_| ApiError::InsecureBaseUrl(base.to_owned()))?;
    let loopback = match parsed.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match parsed.scheme() {
        "https" => {}
        "http" if loopback => {}
        _ => return Err(ApiError::InsecureBaseUrl(base.to_owned())),
    }
    Ok(base.trim_end_matches('/').to_owned())
}

/// Accepts an `http://` or `https://` URL with a host: where a simulator may run.
pub fn check_simulator_url(base: &str) -> Result<String, ApiError> {
    match url::Url::parse(base) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {
            Ok(base.trim_end_matches('/').to_owned())
        }
        _ => Err(ApiError::InsecureBaseUrl(base.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_policy() {
        assert!(check_base_url("https://api.weixin.qq.com").is_ok());
        assert!(check_base_url("http://127.0.0.1:8787").is_ok());
        assert!(check_base_url("http://localhost:1/").is_ok());
        assert!(check_base_url("http://[::1]:9").is_ok());
        assert!(check_base_url("http://example.com").is_err());
        assert!(check_base_url("http://10.0.0.1").is_err());
        assert!(check_base_url("ftp://127.0.0.1").is_err());
        assert!(check_base_url("not a url").is_err());
        assert!(check_simulator_url("http://192.168.1.20:8787/").is_ok());
        assert!(check_simulator_url("ftp://192.168.1.20").is_err());
        assert!(check_simulator_url("192.168.1.20:8787").is_err());
    }

    #[test]
    fn answers_with_errcode_are_errors() {
        let e = parse_answer(
            "/x",
            br#"{"errcode":40079,"errmsg":"bad"}"#,
            CallKind::Write,
        )
        .unwrap_err();
        assert_eq!(e.errcode(), Some(40079));
        assert!(
            parse_answer(
                "/x",
                br#"{"errcode":0,"errmsg":"ok","a":1}"#,
                CallKind::Write
            )
            .is_ok()
        );
        assert!(matches!(
            parse_answer("/x", b"{oops", CallKind::Read),
            Err(ApiError::Decode { .. })
        ));
        assert!(matches!(
            parse_answer("/x", b"{oops", CallKind::Money),
            Err(ApiError::Uncertain { .. })
        ));
    }

    #[test]
    fn errcodes_sent_as_strings_are_read_as_numbers() {
        // Captured real answers carry `"errcode":"0"`; a string error must not pass for success.
        let e = parse_answer(
            "/x",
            br#"{"errcode":"40001","errmsg":"invalid credential hint: [abc]"}"#,
            CallKind::Read,
        )
        .unwrap_err();
        assert_eq!(e.errcode(), Some(40001));
        assert!(parse_answer("/x", br#"{"errcode":"0","errmsg":"ok"}"#, CallKind::Read).is_ok());
        assert!(parse_answer("/x", br#"{"list":[]}"#, CallKind::Read).is_ok());
        assert!(matches!(
            parse_answer("/x", br#"{"errcode":"oops"}"#, CallKind::Read),
            Err(ApiError::Decode { .. })
        ));
        assert!(matches!(
            parse_answer("/x", br#"{"errcode":true}"#, CallKind::Money),
            Err(ApiError::Uncertain { .. })
        ));
    }
}
