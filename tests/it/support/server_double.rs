//! THE CONTRACT'S DOUBLE of the company server (`coupon-studio server`, issue 19 point 1):
//! a small axum app on loopback that implements exactly what the desktop app uses of it —
//!
//! - `GET /api/v1/token` with `Authorization: Bearer KEY` → `{"access_token","expires_in"}`
//!   (the token is the simulator's stable token, as the real server gets WeChat's through
//!   stable_token), 401 for a wrong or revoked key, WeChat's `errcode`/`errmsg` relayed;
//! - `GET /api/v1/events?since=ID&limit=N` with the same header → `{"events":[…]}`, oldest
//!   first, ids above `since`, each with WeChat's push members under their XML names;
//! - `GET /healthz` → 200.
//!
//! The test appends the events (as WeChat's pushes would arrive), revokes keys and takes the
//! server down. It is not the server: once the real one is on main, the end-to-end tests run
//! the app against it instead, and only the URL changes.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use coupon_studio::api::{ApiClient, ApiError, TokenSource};
use serde_json::{Value, json};

/// Where the double gets its tokens: the simulator that stands in for WeChat.
#[derive(Clone)]
pub struct Upstream {
    /// The simulator's URL.
    pub url: String,
    /// The AppID and AppSecret the server holds (the laptop never does).
    pub appid: String,
    /// The AppSecret.
    pub secret: String,
}

#[derive(Default)]
struct Shared {
    keys: Mutex<HashSet<String>>,
    events: Mutex<Vec<Value>>,
    down: AtomicBool,
    /// `since` of every events read, in order.
    reads: Mutex<Vec<i64>>,
    token_calls: AtomicU64,
}

struct AppState {
    shared: Arc<Shared>,
    wechat: ApiClient,
}

/// The running double.
pub struct ServerDouble {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    shared: Arc<Shared>,
    stop: Option<std::sync::mpsc::Sender<()>>,
}

impl Drop for ServerDouble {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get("authorization")?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
}

impl AppState {
    /// The refusal, if any: 503 while down, 401 without a valid key.
    fn refusal(&self, headers: &HeaderMap) -> Option<Response> {
        if self.shared.down.load(Ordering::SeqCst) {
            return Some((StatusCode::SERVICE_UNAVAILABLE, "down for the test").into_response());
        }
        let known = bearer(headers).is_some_and(|k| self.shared.keys.lock().unwrap().contains(k));
        (!known).then(|| {
            (
                StatusCode::UNAUTHORIZED,
                axum::Json(json!({"error": "unknown or revoked key"})),
            )
                .into_response()
        })
    }
}

async fn token(State(st): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    if let Some(r) = st.refusal(&headers) {
        return r;
    }
    st.shared.token_calls.fetch_add(1, Ordering::SeqCst);
    match st.wechat.access_token().await {
        Ok(t) => axum::Json(json!({"access_token": t, "expires_in": 7200})).into_response(),
        Err(ApiError::WeChat { errcode, errmsg }) => (
            StatusCode::BAD_GATEWAY,
            axum::Json(json!({"errcode": errcode, "errmsg": errmsg})),
        )
            .into_response(),
        Err(e) => (StatusCode::BAD_GATEWAY, e.to_string()).into_response(),
    }
}

#[derive(serde::Deserialize)]
struct EventsQuery {
    #[serde(default)]
    since: i64,
    #[serde(default)]
    limit: Option<usize>,
}

async fn events(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<EventsQuery>,
) -> Response {
    if let Some(r) = st.refusal(&headers) {
        return r;
    }
    st.shared.reads.lock().unwrap().push(q.since);
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    let list: Vec<Value> = st
        .shared
        .events
        .lock()
        .unwrap()
        .iter()
        .filter(|e| e["id"].as_i64().is_some_and(|id| id > q.since))
        .take(limit)
        .cloned()
        .collect();
    axum::Json(json!({ "events": list })).into_response()
}

async fn health(State(st): State<Arc<AppState>>) -> StatusCode {
    if st.shared.down.load(Ordering::SeqCst) {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    }
}

impl ServerDouble {
    /// Starts the double on 127.0.0.1 with the given valid keys, getting tokens from
    /// `upstream`. It runs on a thread of its own, so sync and async tests can use it alike.
    pub fn start(upstream: Upstream, keys: &[&str]) -> Self {
        let shared = Arc::new(Shared::default());
        shared
            .keys
            .lock()
            .unwrap()
            .extend(keys.iter().map(|k| (*k).to_owned()));
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<SocketAddr>();
        let (stop_tx, stop_rx) = std::sync::mpsc::channel::<()>();
        let for_thread = shared.clone();
        std::thread::Builder::new()
            .name("server-double".into())
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async move {
                    let wechat = ApiClient::new(
                        &upstream.url,
                        TokenSource::Stable {
                            appid: upstream.appid.clone(),
                            secret: upstream.secret.clone(),
                        },
                    )
                    .unwrap();
                    let state = Arc::new(AppState {
                        shared: for_thread,
                        wechat,
                    });
                    let app = Router::new()
                        .route("/api/v1/token", get(token))
                        .route("/api/v1/events", get(events))
                        .route("/healthz", get(health))
                        .with_state(state);
                    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                    ready_tx.send(listener.local_addr().unwrap()).unwrap();
                    let stop = tokio::task::spawn_blocking(move || stop_rx.recv());
                    tokio::select! {
                        _ = axum::serve(listener, app) => {}
                        _ = stop => {}
                    }
                });
            })
            .unwrap();
        let addr = ready_rx.recv().unwrap();
        Self {
            url: format!("http://{addr}"),
            shared,
            stop: Some(stop_tx),
        }
    }

    /// Appends an event (WeChat's push members under their XML names) with the next id;
    /// returns the id.
    pub fn push(&self, mut event: Value) -> i64 {
        let mut list = self.shared.events.lock().unwrap();
        let id = list.len() as i64 + 1;
        event["id"] = json!(id);
        list.push(event);
        id
    }

    /// Makes a new valid key (`coupon-studio server add-key`).
    pub fn add_key(&self, key: &str) {
        self.shared.keys.lock().unwrap().insert(key.to_owned());
    }

    /// Revokes a key (the next calls with it get 401).
    pub fn revoke(&self, key: &str) {
        self.shared.keys.lock().unwrap().remove(key);
    }

    /// Takes the server down (503 on every path) or brings it back.
    pub fn set_down(&self, down: bool) {
        self.shared.down.store(down, Ordering::SeqCst);
    }

    /// `since` of every events read so far.
    pub fn reads(&self) -> Vec<i64> {
        self.shared.reads.lock().unwrap().clone()
    }

    /// Tokens handed out.
    pub fn token_calls(&self) -> u64 {
        self.shared.token_calls.load(Ordering::SeqCst)
    }
}

/// WeChat's push members every event has.
fn base(event: &str, card_id: &str, openid: &str) -> Value {
    json!({
        "ToUserName": "gh_fc0a06a20993",
        "FromUserName": openid,
        "CreateTime": chrono::Utc::now().timestamp(),
        "MsgType": "event",
        "Event": event,
        "CardId": card_id,
    })
}

/// `card_pass_check`.
pub fn pass(card_id: &str) -> Value {
    base("card_pass_check", card_id, "")
}

/// `card_not_pass_check` with its reason.
pub fn refuse(card_id: &str, reason: &str) -> Value {
    let mut v = base("card_not_pass_check", card_id, "");
    v["RefuseReason"] = json!(reason);
    v
}

/// `user_get_card` through channel `outer_id`.
pub fn claim(card_id: &str, code: &str, outer_id: i64, openid: &str) -> Value {
    let mut v = base("user_get_card", card_id, openid);
    v["UserCardCode"] = json!(code);
    v["OuterId"] = json!(outer_id);
    v["OuterStr"] = json!("");
    v["IsGiveByFriend"] = json!(0);
    v["FriendUserName"] = json!("");
    v["OldUserCardCode"] = json!("");
    v
}

/// `user_consume_card` at the till.
pub fn consume(card_id: &str, code: &str, openid: &str) -> Value {
    let mut v = base("user_consume_card", card_id, openid);
    v["UserCardCode"] = json!(code);
    v["ConsumeSource"] = json!("FROM_API");
    v["LocationName"] = json!("");
    v["StaffOpenId"] = json!("");
    v["VerifyCode"] = json!("");
    v["RemarkAmount"] = json!("");
    v["OuterStr"] = json!("");
    v
}

/// `user_view_card`.
pub fn view(card_id: &str, code: &str, openid: &str) -> Value {
    let mut v = base("user_view_card", card_id, openid);
    v["UserCardCode"] = json!(code);
    v
}

/// `card_sku_remind`.
pub fn sku_remind(card_id: &str) -> Value {
    let mut v = base("card_sku_remind", card_id, "");
    v["Detail"] = json!("the card's stock is less than 100");
    v
}

/// `card_pay_order` (counts as WeChat sends them, in CDATA: strings).
pub fn pay_order(order_id: &str, status: &str, created: i64, pay_coins: &str) -> Value {
    let mut v = base("card_pay_order", "", "");
    for (k, val) in [
        ("OrderId", json!(order_id)),
        ("Status", json!(status)),
        ("CreateOrderTime", json!(created)),
        ("PayFinishTime", json!(created + 30)),
        ("Desc", json!("微信支付充值")),
        ("FreeCoinCount", json!("0")),
        ("PayCoinCount", json!(pay_coins)),
        ("RefundFreeCoinCount", json!("0")),
        ("RefundPayCoinCount", json!("0")),
        ("OrderType", json!("ORDER_TYPE_WXPAY")),
        ("Memo", json!("")),
        ("ReceiptInfo", json!("")),
    ] {
        v[k] = val;
    }
    v
}
