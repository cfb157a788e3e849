//! Access tokens: where they come from, cached in memory only, refreshed before expiry.

use std::time::{Duration, Instant};

use serde::Deserialize;
use tokio::sync::Mutex;

use super::call::{CallKind, error_detail, transport_error};
use super::error::{ApiError, redact, register_sensitive};

/// Where the access token comes from.
#[derive(Clone)]
pub enum TokenSource {
    /// `cgi-bin/stable_token` with the AppSecret: the safe default, it hands every caller the
    /// same still-valid token.
    Stable {
        /// AppID.
        appid: String,
        /// AppSecret (from the keyring; never written anywhere).
        secret: String,
    },
    /// `cgi-bin/token`: issues a new token and invalidates the merchant server's one; only when
    /// the user picks it explicitly.
    Classic {
        /// AppID.
        appid: String,
        /// AppSecret.
        secret: String,
    },
    /// The company's token service: GET `url` → JSON with `json_field` (default
    /// `access_token`) or the plain token.
    Service {
        /// The service URL.
        url: String,
        /// The JSON member holding the token.
        json_field: Option<String>,
    },
    /// A pasted token (e.g. an authorizer token).
    Fixed(String),
    /// The company server (`coupon-studio server`): GET `{url}/api/v1/token` with the
    /// person's API key as a bearer token answers `{"access_token","expires_in"}`; the server
    /// holds the AppSecret, the laptop never does. A 401 is [`ApiError::KeyRefused`].
    Server {
        /// The server's base URL (https, or loopback).
        url: String,
        /// The person's API key (from the keyring; never written anywhere).
        key: String,
    },
    /// A merchant that authorized the company's third-party platform (服务商): GET
    /// `{url}/api/v1/token?appid=APPID` with the person's API key answers that merchant's
    /// authorizer token. A 403 is [`ApiError::MerchantRefused`] (the key may not act for
    /// it), a 404 [`ApiError::MerchantGone`] (it is not, or no longer, authorized).
    Platform {
        /// The server's base URL (https, or loopback).
        url: String,
        /// The person's API key.
        key: String,
        /// The merchant's AppID.
        appid: String,
    },
}

/// The company server's token path, below its base URL.
pub const SERVER_TOKEN_PATH: &str = "/api/v1/token";

impl std::fmt::Debug for TokenSource {
    // Never print a secret or a token.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Stable { appid, .. } => write!(f, "Stable({appid})"),
            Self::Classic { appid, .. } => write!(f, "Classic({appid})"),
            Self::Service { url, .. } => write!(f, "Service({})", redact(url)),
            Self::Fixed(_) => f.write_str("Fixed(***)"),
            Self::Server { url, .. } => write!(f, "Server({})", redact(url)),
            Self::Platform { url, appid, .. } => write!(f, "Platform({appid}@{})", redact(url)),
        }
    }
}

#[derive(Deserialize)]
struct TokenAnswer {
    #[serde(default)]
    access_token: Option<String>,
    #[serde(default, deserialize_with = "super::lenient::opt_int")]
    expires_in: Option<i64>,
    #[serde(default, deserialize_with = "super::lenient::opt_int")]
    errcode: Option<i64>,
    #[serde(default)]
    errmsg: Option<String>,
}

/// Refresh this long before WeChat's expiry, so a call never carries a token about to die.
const MARGIN: Duration = Duration::from_secs(300);

/// Caches the token; concurrent callers share one refresh.
pub struct TokenManager {
    source: TokenSource,
    cached: Mutex<Option<(String, Instant)>>,
    /// The platform answered that the merchant is not (or no longer) authorized: every call
    /// fails from now on, and the shell, which reads this after each answer, leaves it.
    gone: std::sync::atomic::AtomicBool,
}

impl TokenManager {
    /// A manager for a source.
    pub fn new(source: TokenSource) -> Self {
        // Whatever this source holds must never reach a log line or an error text.
        match &source {
            TokenSource::Stable { secret, .. } | TokenSource::Classic { secret, .. } => {
                register_sensitive(secret);
            }
            TokenSource::Fixed(token)
            | TokenSource::Server { key: token, .. }
            | TokenSource::Platform { key: token, .. } => {
                register_sensitive(token);
            }
            TokenSource::Service { .. } => {}
        }
        Self {
            source,
            cached: Mutex::new(None),
            gone: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// Whether the platform said the merchant is not (or no longer) authorized.
    pub fn merchant_gone(&self) -> bool {
        self.gone.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The current token, fetching one when there is none or it is about to expire.
    pub async fn token(&self, http: &reqwest::Client, base: &str) -> Result<String, ApiError> {
        let mut cached = self.cached.lock().await;
        if let Some((token, until)) = cached.as_ref()
            && Instant::now() < *until
        {
            return Ok(token.clone());
        }
        let (token, expires_in) = match self.fetch(http, base).await {
            Ok(fetched) => fetched,
            Err(e) => {
                if e == ApiError::MerchantGone {
                    self.gone.store(true, std::sync::atomic::Ordering::Relaxed);
                }
                return Err(e);
            }
        };
        register_sensitive(&token);
        tracing::info!(source = ?self.source, expires_in, "access token obtained");
        let life =
            Duration::from_secs(u64::try_from(expires_in).unwrap_or(7200)).saturating_sub(MARGIN);
        *cached = Some((
            token.clone(),
            Instant::now() + life.max(Duration::from_secs(30)),
        ));
        Ok(token)
    }

    /// A token asked of the source now, whatever is cached: the way to learn whether a
    /// platform's merchant still authorizes it (a 404 marks it gone, see
    /// [`Self::merchant_gone`]).
    pub async fn fresh(&self, http: &reqwest::Client, base: &str) -> Result<String, ApiError> {
        self.cached.lock().await.take();
        self.token(http, base).await
    }

    /// Forgets `token` if it is still the cached one (after 40001/40014/42001).
    pub async fn invalidate(&self, token: &str) {
        let mut cached = self.cached.lock().await;
        if cached.as_ref().is_some_and(|(t, _)| t == token) {
            *cached = None;
        }
    }

    async fn fetch(&self, http: &reqwest::Client, base: &str) -> Result<(String, i64), ApiError> {
        // Connection trouble reads as such (it is the usual cause on a laptop); the rest says
        // the token could not be had.
        let err = |e: reqwest::Error| {
            let endpoint = e.url().map_or_else(String::new, |u| {
                format!("{}{}", u.host_str().unwrap_or_default(), u.path())
            });
            if e.is_connect() || e.is_timeout() {
                transport_error(&endpoint, &e, CallKind::Read)
            } else {
                ApiError::Token(error_detail(&e))
            }
        };
        let answer: TokenAnswer = match &self.source {
            TokenSource::Fixed(t) => return Ok((t.clone(), 7200)),
            TokenSource::Stable { appid, secret } => {
                let body = serde_json::json!({"grant_type": "client_credential", "appid": appid, "secret": secret, "force_refresh": false});
                let resp = http
                    .post(format!("{base}/cgi-bin/stable_token"))
                    .json(&body)
                    .send()
                    .await
                    .map_err(err)?;
                resp.json().await.map_err(err)?
            }
            TokenSource::Classic { appid, secret } => {
                let resp = http
                    .get(format!("{base}/cgi-bin/token"))
                    .query(&[
                        ("grant_type", "client_credential"),
                        ("appid", appid),
                        ("secret", secret),
                    ])
                    .send()
                    .await
                    .map_err(err)?;
                resp.json().await.map_err(err)?
            }
            TokenSource::Service { url, json_field } => {
                let text = http
                    .get(url)
                    .send()
                    .await
                    .map_err(err)?
                    .text()
                    .await
                    .map_err(err)?;
                return parse_service_answer(&text, json_field.as_deref());
            }
            TokenSource::Server { url, key } => {
                let (status, bytes) = server_token(http, url, key, None).await.map_err(err)?;
                return parse_server_answer(status, &bytes);
            }
            TokenSource::Platform { url, key, appid } => {
                let (status, bytes) = server_token(http, url, key, Some(appid))
                    .await
                    .map_err(err)?;
                return parse_platform_answer(status, &bytes);
            }
        };
        token_from_answer(answer)
    }
}

/// GETs the company server's token (`url` + [`SERVER_TOKEN_PATH`]) with the API `key`, for
/// the merchant `appid` when the server plays a platform: the status and the body, which the
/// caller reads as the server's kind of answer.
async fn server_token(
    http: &reqwest::Client,
    url: &str,
    key: &str,
    appid: Option<&str>,
) -> Result<(u16, Vec<u8>), reqwest::Error> {
    let mut request = http
        .get(format!("{}{SERVER_TOKEN_PATH}", url.trim_end_matches('/')))
        .bearer_auth(key);
    if let Some(appid) = appid {
        request = request.query(&[("appid", appid)]);
    }
    let resp = request.send().await?;
    let status = resp.status().as_u16();
    Ok((status, resp.bytes().await?.to_vec()))
}

/// Reads a token endpoint's answer (`cgi-bin/token`, `cgi-bin/stable_token`): the token and
/// its lifetime, or WeChat's error. Never panics, whatever the bytes.
pub fn parse_token_answer(bytes: &[u8]) -> Result<(String, i64), ApiError> {
    let answer: TokenAnswer = serde_json::from_slice(bytes)
        .map_err(|e| ApiError::Token(format!("unreadable token answer: {e}")))?;
    token_from_answer(answer)
}

/// Reads a company token service's answer: JSON with the token in `json_field` (default
/// `access_token`) and optionally `expires_in`, or the bare token as plain text.
pub fn parse_service_answer(
    text: &str,
    json_field: Option<&str>,
) -> Result<(String, i64), ApiError> {
    let field = json_field.unwrap_or("access_token");
    match serde_json::from_str::<serde_json::Value>(text) {
        // Only an object is a JSON answer; a bare `12345` or `"abc"` is a plain token.
        Ok(v) if v.is_object() => v
            .get(field)
            .and_then(|t| t.as_str())
            .filter(|t| !t.trim().is_empty())
            .map(|t| {
                (
                    t.trim().to_owned(),
                    v.get("expires_in")
                        .and_then(super::lenient::int_of)
                        .unwrap_or(600),
                )
            })
            .ok_or_else(|| ApiError::Token(format!("the token service's JSON has no \"{field}\""))),
        // A plain-text answer is the token itself.
        _ if !text.trim().is_empty() && !text.trim().contains(char::is_whitespace) => {
            Ok((text.trim().trim_matches('"').to_owned(), 600))
        }
        _ => Err(ApiError::Token(
            "the token service answered neither JSON nor a token".into(),
        )),
    }
}

/// Reads the company server's token answer: 200 with `{"access_token","expires_in"}`; 401
/// is a wrong or revoked key; a JSON body with a non-zero `errcode` is WeChat's refusal,
/// passed on by the server; any other status or a body that is not JSON means the server
/// could not give a token (down, or something else answering at its address).
pub fn parse_server_answer(status: u16, bytes: &[u8]) -> Result<(String, i64), ApiError> {
    if status == 401 {
        return Err(ApiError::KeyRefused);
    }
    let answer = serde_json::from_slice::<TokenAnswer>(bytes).ok();
    match answer {
        // WeChat's refusal, relayed whatever the status.
        Some(a) if a.errcode.is_some_and(|c| c != 0) => token_from_answer(a),
        Some(a) if (200..300).contains(&status) => token_from_answer(a),
        None if (200..300).contains(&status) => Err(ApiError::Decode {
            endpoint: SERVER_TOKEN_PATH.to_owned(),
            message: "the company server's answer is not JSON".into(),
        }),
        _ => Err(ApiError::Http {
            endpoint: SERVER_TOKEN_PATH.to_owned(),
            status,
        }),
    }
}

/// Reads the company server's answer for a platform's merchant: as
/// [`parse_server_answer`], and 403 is [`ApiError::MerchantRefused`] (the key may not act
/// for this merchant), 404 [`ApiError::MerchantGone`] (not, or no longer, authorized).
pub fn parse_platform_answer(status: u16, bytes: &[u8]) -> Result<(String, i64), ApiError> {
    match status {
        403 => Err(ApiError::MerchantRefused),
        404 => Err(ApiError::MerchantGone),
        _ => parse_server_answer(status, bytes),
    }
}

fn token_from_answer(answer: TokenAnswer) -> Result<(String, i64), ApiError> {
    match (answer.access_token, answer.errcode) {
        (Some(t), None | Some(0)) => Ok((t, answer.expires_in.unwrap_or(7200))),
        (_, Some(code)) => Err(ApiError::WeChat {
            errcode: code,
            errmsg: answer.errmsg.unwrap_or_default(),
        }),
        (None, None) => Err(ApiError::Token("no access_token in the answer".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(text: &str) -> Result<(String, i64), ApiError> {
        token_from_answer(serde_json::from_str(text).unwrap())
    }

    #[test]
    fn numbers_as_strings_are_read() {
        let (token, life) =
            answer(r#"{"access_token":"T","expires_in":"7200","errcode":"0"}"#).unwrap();
        assert_eq!((token.as_str(), life), ("T", 7200));
        match answer(r#"{"errcode":"40013","errmsg":"invalid appid hint: [x]"}"#) {
            Err(ApiError::WeChat { errcode, .. }) => assert_eq!(errcode, 40013),
            other => panic!("expected a WeChat error, got {other:?}"),
        }
        assert_eq!(
            parse_service_answer(r#"{"access_token":"S","expires_in":"900"}"#, None).unwrap(),
            ("S".to_owned(), 900)
        );
    }

    #[test]
    fn the_company_servers_answers() {
        assert_eq!(
            parse_server_answer(200, br#"{"access_token":"T1","expires_in":7200}"#).unwrap(),
            ("T1".to_owned(), 7200)
        );
        assert_eq!(
            parse_server_answer(401, br#"{"access_token":"T1"}"#),
            Err(ApiError::KeyRefused)
        );
        match parse_server_answer(502, br#"{"errcode":40013,"errmsg":"invalid appid"}"#) {
            Err(ApiError::WeChat { errcode, .. }) => assert_eq!(errcode, 40013),
            other => panic!("expected WeChat's refusal, got {other:?}"),
        }
        // A proxy's error page, a 200 that is not JSON, a 503: the server gave no token.
        assert!(matches!(
            parse_server_answer(200, b"<html>hello</html>"),
            Err(ApiError::Decode { .. })
        ));
        for (status, body) in [(503, &b"{}"[..]), (302, &b""[..])] {
            assert!(
                matches!(
                    parse_server_answer(status, body),
                    Err(ApiError::Http { status: s, .. }) if s == status
                ),
                "{status}"
            );
        }
        // A 200 JSON without a token is not taken for one.
        assert!(matches!(
            parse_server_answer(200, br#"{"expires_in":7200}"#),
            Err(ApiError::Token(_))
        ));
        let source = TokenSource::Server {
            url: "https://coupons.example.com".into(),
            key: "csk_never_printed_0001".into(),
        };
        assert!(!format!("{source:?}").contains("csk_never_printed_0001"));
    }

    #[test]
    fn the_platforms_answers_for_a_merchant() {
        assert_eq!(
            parse_platform_answer(200, br#"{"access_token":"A1","expires_in":7200}"#).unwrap(),
            ("A1".to_owned(), 7200)
        );
        let refused = br#"{"errcode":-1,"errmsg":"this key may not act for wxA"}"#;
        assert_eq!(
            parse_platform_answer(403, refused),
            Err(ApiError::MerchantRefused)
        );
        assert_eq!(
            parse_platform_answer(404, b"{}"),
            Err(ApiError::MerchantGone)
        );
        assert_eq!(parse_platform_answer(401, b""), Err(ApiError::KeyRefused));
        let source = TokenSource::Platform {
            url: "https://coupons.example.com".into(),
            key: "csk_platform_never_0001".into(),
            appid: "wxA".into(),
        };
        let shown = format!("{source:?}");
        assert!(shown.contains("wxA") && !shown.contains("csk_platform_never_0001"));
    }
}
