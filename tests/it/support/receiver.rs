//! A merchant server for the simulator's pushes, written for the tests: axum on loopback that
//! checks every push with `wxpush` as a receiver must (the `signature`; in safe mode the
//! `msg_signature`, the AppID inside the envelope and the outer `ToUserName`, or for a
//! platform's authorization events the outer `AppId`), records it with the path it came to,
//! and answers as the test scripted (`success` when the script is used up). The keys are a
//! merchant's ([`Keys::merchant`]) or a platform's.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use coupon_studio::sandbox::{PushConfig, original_id};
use coupon_studio::wxpush::{Push, PushCrypto, signature};
use serde_json::{Map, Value};

/// The receiver's keys (those of the test's 公众平台 server configuration).
pub const TOKEN: &str = "receiverToken42";
/// The EncodingAESKey of safe mode.
pub const AES_KEY: &str = "kWxPushTestKey0123456789abcdefghijklmnopqrs";
/// The AppID both sides use.
pub const APPID: &str = "wxpushtest00000001";

/// One scripted answer.
#[derive(Clone, Debug)]
pub enum Answer {
    /// HTTP 200 `success`.
    Success,
    /// HTTP 200 with this body.
    Text(&'static str),
    /// This HTTP status, body `error`.
    Status(u16),
    /// No answer for a minute.
    Hang,
}

/// A push as received and checked.
#[derive(Clone, Debug)]
pub struct Got {
    /// `safe` or `plain`.
    pub mode: &'static str,
    /// The query (`signature`, `timestamp`, `nonce`, `openid`, …).
    pub query: HashMap<String, String>,
    /// The (decrypted) push.
    pub push: Push,
    /// The path it was posted to.
    pub path: String,
}

impl Got {
    /// The members under their XML names.
    pub fn json(&self) -> Map<String, Value> {
        self.push.to_json()
    }

    /// A member's text ("" when absent).
    pub fn get(&self, name: &str) -> &str {
        self.push.get(name).unwrap_or_default()
    }

    /// The `Event` (a platform's authorization events: the `InfoType`).
    pub fn event(&self) -> &str {
        self.push
            .get("Event")
            .or_else(|| self.push.get("InfoType"))
            .unwrap_or_default()
    }
}

/// What a receiver checks pushes with.
#[derive(Clone, Debug)]
pub struct Keys {
    /// The Token.
    pub token: String,
    /// The EncodingAESKey.
    pub aes_key: String,
    /// The AppID inside the envelope.
    pub appid: String,
    /// The `ToUserName` every card event must carry; `None`: any (a platform's message URL
    /// takes several merchants').
    pub to_user: Option<String>,
}

impl Keys {
    /// The test merchant's ([`TOKEN`], [`AES_KEY`], [`APPID`]).
    pub fn merchant() -> Self {
        Self {
            token: TOKEN.into(),
            aes_key: AES_KEY.into(),
            appid: APPID.into(),
            to_user: Some(original_id(APPID)),
        }
    }
}

impl Default for Keys {
    fn default() -> Self {
        Self::merchant()
    }
}

#[derive(Default)]
struct Inner {
    keys: Keys,
    script: Mutex<VecDeque<Answer>>,
    /// Every request, checked or not: pushes that verified, and what did not.
    got: Mutex<Vec<Got>>,
    refused: Mutex<Vec<String>>,
    hits: Mutex<usize>,
    /// The GET requests (path and query): a browser sent to a redirect URI.
    visits: Mutex<Vec<String>>,
}

/// A running receiver; stops when dropped.
pub struct Receiver {
    /// `http://127.0.0.1:PORT/wechat`.
    pub url: String,
    /// `http://127.0.0.1:PORT`: any path under it receives too.
    pub base: String,
    inner: Arc<Inner>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Receiver {
    /// A receiver with the test merchant's keys answering `script` in order, then `success`.
    pub async fn start(script: Vec<Answer>) -> Self {
        Self::start_with(Keys::merchant(), script).await
    }

    /// A receiver with `keys` answering `script` in order, then `success`.
    pub async fn start_with(keys: Keys, script: Vec<Answer>) -> Self {
        let inner = Arc::new(Inner {
            keys,
            ..Inner::default()
        });
        *inner.script.lock().unwrap() = script.into();
        let app = Router::new()
            .route("/wechat", post(receive))
            .route("/{*path}", post(receive).get(visit))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            url: format!("{base}/wechat"),
            base,
            inner,
            task,
        }
    }

    /// The simulator's push settings for this receiver, in safe mode or plain.
    pub fn config(&self, safe: bool) -> PushConfig {
        PushConfig {
            url: self.url.clone(),
            token: TOKEN.into(),
            aes_key: safe.then(|| AES_KEY.into()),
            appid: Some(APPID.into()),
        }
    }

    /// The pushes received and checked so far.
    pub fn got(&self) -> Vec<Got> {
        self.inner.got.lock().unwrap().clone()
    }

    /// The GET requests received (path and query), oldest first.
    pub fn visits(&self) -> Vec<String> {
        self.inner.visits.lock().unwrap().clone()
    }

    /// The requests received, whatever was answered.
    pub fn hits(&self) -> usize {
        *self.inner.hits.lock().unwrap()
    }

    /// Waits (10 s at most) until `n` requests came.
    pub async fn wait_hits(&self, n: usize) {
        self.wait(|| self.hits() >= n, &format!("{n} requests"))
            .await;
    }

    /// Waits (10 s at most) until a push of `event` arrived that `pick` accepts; returns it.
    pub async fn wait_for(&self, event: &str, pick: impl Fn(&Got) -> bool) -> Got {
        let found = || {
            self.got()
                .into_iter()
                .find(|g| g.event() == event && pick(g))
        };
        self.wait(|| found().is_some(), event).await;
        found().unwrap()
    }

    /// Waits (10 s at most) until a push of `event` arrived; returns the first.
    pub async fn wait_event(&self, event: &str) -> Got {
        self.wait_for(event, |_| true).await
    }

    async fn wait(&self, done: impl Fn() -> bool, what: &str) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while !done() {
            assert!(
                tokio::time::Instant::now() < deadline,
                "no {what} within 10 s; received {:?}, refused {:?}",
                self.got().iter().map(Got::event).collect::<Vec<_>>(),
                self.inner.refused.lock().unwrap()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

/// Records a GET (a browser following a redirect) and answers a page.
async fn visit(State(inner): State<Arc<Inner>>, uri: axum::http::Uri) -> Response {
    inner.visits.lock().unwrap().push(uri.to_string());
    "<html>authorized</html>".into_response()
}

/// Checks and records one push, then answers the next scripted answer.
async fn receive(
    State(inner): State<Arc<Inner>>,
    uri: axum::http::Uri,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    *inner.hits.lock().unwrap() += 1;
    match check(&inner.keys, uri.path(), &query, &body) {
        Ok(got) => inner.got.lock().unwrap().push(got),
        Err(why) => {
            inner.refused.lock().unwrap().push(why);
            return (StatusCode::FORBIDDEN, "refused").into_response();
        }
    }
    let answer = inner
        .script
        .lock()
        .unwrap()
        .pop_front()
        .unwrap_or(Answer::Success);
    match answer {
        Answer::Success => "success".into_response(),
        Answer::Text(t) => t.into_response(),
        Answer::Status(s) => (StatusCode::from_u16(s).unwrap(), "error").into_response(),
        Answer::Hang => {
            tokio::time::sleep(Duration::from_secs(60)).await;
            "success".into_response()
        }
    }
}

/// What a receiver checks of a push.
fn check(keys: &Keys, path: &str, q: &HashMap<String, String>, body: &[u8]) -> Result<Got, String> {
    let get = |k: &str| q.get(k).map(String::as_str).unwrap_or_default();
    let (ts, nonce) = (get("timestamp"), get("nonce"));
    if signature(&[&keys.token, ts, nonce]) != get("signature") {
        return Err(format!("bad signature: {q:?}"));
    }
    let outer = Push::parse(body).map_err(|e| e.to_string())?;
    if get("encrypt_type") != "aes" {
        return Ok(Got {
            mode: "plain",
            query: q.clone(),
            push: outer,
            path: path.to_owned(),
        });
    }
    let crypto = PushCrypto::new(&keys.token, &keys.aes_key, &keys.appid).unwrap();
    let encrypt = outer.get("Encrypt").ok_or("no Encrypt")?;
    crypto
        .verify_msg(ts, nonce, encrypt, get("msg_signature"))
        .map_err(|e| e.to_string())?;
    let xml = crypto.decrypt(encrypt).map_err(|e| e.to_string())?;
    let push = Push::parse(xml.as_bytes()).map_err(|e| e.to_string())?;
    if let Some(appid) = outer.get("AppId") {
        // A platform's authorization event: the outer AppId is the platform's, as inside.
        if appid != keys.appid || push.get("AppId") != Some(appid) {
            return Err(format!("AppId differs: {outer:?} / {push:?}"));
        }
    } else if outer.get("ToUserName") != push.get("ToUserName")
        || keys
            .to_user
            .as_deref()
            .is_some_and(|to| push.get("ToUserName") != Some(to))
    {
        return Err(format!("ToUserName differs: {outer:?} / {push:?}"));
    }
    Ok(Got {
        mode: "safe",
        query: q.clone(),
        push,
        path: path.to_owned(),
    })
}

/// A fresh simulator started with `config` (its `push` set by the caller), and a client.
pub async fn simulator(
    config: coupon_studio::sandbox::SandboxConfig,
) -> (
    coupon_studio::sandbox::SandboxHandle,
    coupon_studio::api::ApiClient,
) {
    let handle = coupon_studio::sandbox::spawn(config).await.unwrap();
    let client = coupon_studio::api::ApiClient::new(
        &handle.url(),
        coupon_studio::api::TokenSource::Stable {
            appid: "wx1".into(),
            secret: "s".into(),
        },
    )
    .unwrap();
    (handle, client)
}

/// The pushes the simulator recorded (`GET /sandbox/pushes`), oldest first.
pub async fn recorded(admin: &coupon_studio::api::SandboxAdmin) -> Vec<Value> {
    let v = admin.pushes(0).await.unwrap();
    v["pushes"].as_array().cloned().unwrap_or_default()
}

/// How many pushes of `event` the simulator recorded.
pub async fn recorded_count(admin: &coupon_studio::api::SandboxAdmin, event: &str) -> usize {
    recorded(admin)
        .await
        .iter()
        .filter(|p| p["event"] == event)
        .count()
}
