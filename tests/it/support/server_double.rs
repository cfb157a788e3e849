//! THE CONTRACT'S DOUBLE of the company server's third-party platform, written on branch
//! h-deskplat while the real server was being built in parallel. Kept only until the desktop's
//! platform tests run on the real server (`support::platform_server`), then deleted.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get("authorization")?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
}

// ---------------------------------------------------------------------------------------------
// THE CONTRACT'S DOUBLE of the company server's third-party platform (issue 20 point 1, built
// on branch h-srvplat): what the desktop app uses of it —
//
// - `GET /api/v1/merchants` (Bearer key) → `{"merchants":[{"appid","name","user_name",
//   "principal_name","authorized_at"}]}`: the merchants this key may act for;
// - `GET /api/v1/token?appid=X` → `{"access_token","expires_in"}`, the merchant's authorizer
//   token; 403 `{"errcode":-1,…}` when the key may not act for X; 404 when X is not (or no
//   longer) authorized;
// - `GET /api/v1/events?appid=X&since=ID&limit=N` → `{"events":[…]}` of merchant X only; a
//   withdrawn authorization appears in X's stream as `{"InfoType":"unauthorized",
//   "AuthorizerAppid":X,…}`;
// - `POST /api/v1/authorizations` → `{"url","expires_in"}`: the page a merchant's admin scans.
//
// It plays the platform against the simulator as the real server does: the simulator pushes
// the verify ticket and the authorization events to the double's receiver (checked with the
// platform's keys), the double turns each `authorized` into authorizer tokens with
// `api_query_auth` and the merchant's name with `api_get_authorizer_info`, and relays the
// merchants' card events from its message URL into their streams. So every token it hands out
// is a real authorizer token of the simulator, and the card API calls made with it are real.
// Once the real server is on main, the end-to-end tests point the app at it instead.
// ---------------------------------------------------------------------------------------------

/// A merchant as the double knows it.
#[derive(Clone, Debug)]
struct PlatformMerchant {
    appid: String,
    name: String,
    user_name: String,
    principal_name: String,
    authorized_at: i64,
    token: String,
    withdrawn: bool,
}

/// A refusal: its status and `{"errcode":-1,"errmsg"}`.
type Refusal = (StatusCode, axum::Json<Value>);

#[derive(Default)]
struct PlatformShared {
    /// Valid keys, each with the merchants it may act for (`None`: all).
    keys: Mutex<std::collections::HashMap<String, Option<HashSet<String>>>>,
    merchants: Mutex<Vec<PlatformMerchant>>,
    /// Every merchant's events, each with its `id` and the merchant's `appid` (`_appid`).
    events: Mutex<Vec<Value>>,
    /// Token requests per merchant.
    token_calls: Mutex<std::collections::HashMap<String, u64>>,
    /// Authorization pages handed out.
    links: Mutex<Vec<String>>,
    ctoken: Mutex<String>,
}

impl PlatformShared {
    /// The key's merchants filter, or the 401 answer.
    fn key(&self, headers: &HeaderMap) -> Result<Option<HashSet<String>>, Refusal> {
        bearer(headers)
            .and_then(|k| self.keys.lock().unwrap().get(k).cloned())
            .ok_or_else(|| {
                (
                    StatusCode::UNAUTHORIZED,
                    axum::Json(json!({"errcode": -1, "errmsg": "unknown or revoked key"})),
                )
            })
    }

    /// 403 when `allowed` does not include `appid`.
    fn may_act(allowed: Option<&HashSet<String>>, appid: &str) -> Result<(), Refusal> {
        if allowed.is_none_or(|set| set.contains(appid)) {
            return Ok(());
        }
        Err((
            StatusCode::FORBIDDEN,
            axum::Json(
                json!({"errcode": -1, "errmsg": format!("this key may not act for {appid}")}),
            ),
        ))
    }

    fn push_event(&self, appid: &str, mut event: Value) {
        let mut list = self.events.lock().unwrap();
        event["id"] = json!(list.len() as i64 + 1);
        event["_appid"] = json!(appid);
        list.push(event);
    }
}

struct PlatformApp {
    shared: Arc<PlatformShared>,
    platform: Arc<super::platform::Platform>,
}

#[derive(serde::Deserialize)]
struct MerchantQuery {
    #[serde(default)]
    appid: String,
    #[serde(default)]
    since: i64,
    #[serde(default)]
    limit: Option<usize>,
}

async fn p_merchants(State(st): State<Arc<PlatformApp>>, headers: HeaderMap) -> Response {
    let allowed = match st.shared.key(&headers) {
        Ok(a) => a,
        Err(r) => return r.into_response(),
    };
    let list: Vec<Value> = st
        .shared
        .merchants
        .lock()
        .unwrap()
        .iter()
        .filter(|m| !m.withdrawn && allowed.as_ref().is_none_or(|a| a.contains(&m.appid)))
        .map(|m| {
            json!({"appid": m.appid, "name": m.name, "user_name": m.user_name,
                   "principal_name": m.principal_name, "authorized_at": m.authorized_at})
        })
        .collect();
    axum::Json(json!({ "merchants": list })).into_response()
}

async fn p_token(
    State(st): State<Arc<PlatformApp>>,
    headers: HeaderMap,
    Query(q): Query<MerchantQuery>,
) -> Response {
    let allowed = match st.shared.key(&headers) {
        Ok(a) => a,
        Err(r) => return r.into_response(),
    };
    if let Err(r) = PlatformShared::may_act(allowed.as_ref(), &q.appid) {
        return r.into_response();
    }
    *st.shared
        .token_calls
        .lock()
        .unwrap()
        .entry(q.appid.clone())
        .or_default() += 1;
    let found = st
        .shared
        .merchants
        .lock()
        .unwrap()
        .iter()
        .find(|m| m.appid == q.appid && !m.withdrawn)
        .map(|m| m.token.clone());
    match found {
        Some(t) => axum::Json(json!({"access_token": t, "expires_in": 7200})).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            axum::Json(json!({"errcode": -1, "errmsg": "not authorized"})),
        )
            .into_response(),
    }
}

async fn p_events(
    State(st): State<Arc<PlatformApp>>,
    headers: HeaderMap,
    Query(q): Query<MerchantQuery>,
) -> Response {
    let allowed = match st.shared.key(&headers) {
        Ok(a) => a,
        Err(r) => return r.into_response(),
    };
    if let Err(r) = PlatformShared::may_act(allowed.as_ref(), &q.appid) {
        return r.into_response();
    }
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    let list: Vec<Value> = st
        .shared
        .events
        .lock()
        .unwrap()
        .iter()
        .filter(|e| e["_appid"] == q.appid.as_str())
        .filter(|e| e["id"].as_i64().is_some_and(|id| id > q.since))
        .take(limit)
        .map(|e| {
            let mut e = e.clone();
            e.as_object_mut().unwrap().remove("_appid");
            e
        })
        .collect();
    axum::Json(json!({ "events": list })).into_response()
}

async fn p_authorizations(State(st): State<Arc<PlatformApp>>, headers: HeaderMap) -> Response {
    if let Err(r) = st.shared.key(&headers) {
        return r.into_response();
    }
    let ctoken = st.shared.ctoken.lock().unwrap().clone();
    let pre = st.platform.preauth(&ctoken).await;
    let url = format!(
        "https://mp.weixin.qq.com/cgi-bin/componentloginpage?component_appid={}&pre_auth_code={pre}&auth_type=1",
        super::platform::COMPONENT_APPID
    );
    st.shared.links.lock().unwrap().push(url.clone());
    axum::Json(json!({"url": url, "expires_in": 1800})).into_response()
}

/// Relays what the simulator pushed to the platform: `authorized` becomes a merchant with its
/// authorizer token, `unauthorized` its withdrawal (and an event in its stream), a card event
/// at the message URL an event of that merchant.
async fn relay(shared: Arc<PlatformShared>, platform: Arc<super::platform::Platform>) {
    let mut seen = 0;
    loop {
        let got = platform.r.got();
        for g in got.iter().skip(seen) {
            let members = Value::Object(g.json());
            if let Some(appid) = g
                .path
                .strip_prefix("/msg/")
                .and_then(|rest| rest.strip_suffix("/cb"))
            {
                shared.push_event(appid, members);
                continue;
            }
            let appid = g.get("AuthorizerAppid").to_owned();
            match g.event() {
                "authorized" | "updateauthorized" => {
                    let ctoken = shared.ctoken.lock().unwrap().clone();
                    let v = platform
                        .query_auth(&ctoken, g.get("AuthorizationCode"))
                        .await;
                    let token = v["authorization_info"]["authorizer_access_token"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned();
                    let info = platform
                        .post(
                            "/cgi-bin/component/api_get_authorizer_info",
                            Some(&ctoken),
                            json!({"component_appid": super::platform::COMPONENT_APPID,
                                   "authorizer_appid": appid}),
                        )
                        .await;
                    let info = &info["authorizer_info"];
                    let m = PlatformMerchant {
                        appid: appid.clone(),
                        name: info["nick_name"].as_str().unwrap_or_default().to_owned(),
                        user_name: info["user_name"].as_str().unwrap_or_default().to_owned(),
                        principal_name: info["principal_name"]
                            .as_str()
                            .unwrap_or_default()
                            .to_owned(),
                        authorized_at: g.get("CreateTime").parse().unwrap_or_default(),
                        token,
                        withdrawn: false,
                    };
                    let mut list = shared.merchants.lock().unwrap();
                    list.retain(|x| x.appid != appid);
                    list.push(m);
                }
                "unauthorized" => {
                    for m in shared.merchants.lock().unwrap().iter_mut() {
                        if m.appid == appid {
                            m.withdrawn = true;
                        }
                    }
                    shared.push_event(&appid, members);
                }
                _ => {}
            }
        }
        seen = got.len();
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// The running platform double, with the simulator it plays the platform against.
pub struct PlatformDouble {
    /// `http://127.0.0.1:PORT`: the company server's URL.
    pub url: String,
    /// The simulator (WeChat), playing the test platform.
    pub platform: Arc<super::platform::Platform>,
    shared: Arc<PlatformShared>,
    /// The runtime everything runs on (dropped last).
    pub rt: tokio::runtime::Runtime,
}

impl PlatformDouble {
    /// A simulator playing the test platform and the double in front of it, with `keys`
    /// valid for every merchant.
    pub fn start(keys: &[&str]) -> Self {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let shared = Arc::new(PlatformShared::default());
        shared
            .keys
            .lock()
            .unwrap()
            .extend(keys.iter().map(|k| ((*k).to_owned(), None)));
        let (url, platform) = rt.block_on(async {
            let platform = Arc::new(super::platform::Platform::start().await);
            *shared.ctoken.lock().unwrap() = platform.component_token().await;
            let app = Router::new()
                .route("/api/v1/merchants", get(p_merchants))
                .route("/api/v1/token", get(p_token))
                .route("/api/v1/events", get(p_events))
                .route(
                    "/api/v1/authorizations",
                    axum::routing::post(p_authorizations),
                )
                .with_state(Arc::new(PlatformApp {
                    shared: shared.clone(),
                    platform: platform.clone(),
                }));
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let url = format!("http://{}", listener.local_addr().unwrap());
            tokio::spawn(async move {
                let _ = axum::serve(listener, app).await;
            });
            tokio::spawn(relay(shared.clone(), platform.clone()));
            (url, platform)
        });
        Self {
            url,
            platform,
            shared,
            rt,
        }
    }

    /// The simulator's base URL (WeChat's API for the app).
    pub fn wechat(&self) -> String {
        self.platform.base.clone()
    }

    /// A key limited to `merchants`.
    pub fn add_limited_key(&self, key: &str, merchants: &[&str]) {
        self.shared.keys.lock().unwrap().insert(
            key.to_owned(),
            Some(merchants.iter().map(|m| (*m).to_owned()).collect()),
        );
    }

    /// A merchant's admin scans the authorization page `url` (as the app shows it) and
    /// confirms, as merchant `appid` named `name`; returns once the double lists it.
    pub fn scan(&self, url: &str, appid: &str, name: &str) {
        let admin = self.platform.admin();
        let v = self
            .rt
            .block_on(admin.post_any(
                "/sandbox/platform/authorize",
                &json!({"url": url, "appid": appid, "name": name}),
            ))
            .unwrap();
        assert_eq!(v["appid"], appid, "{v}");
        self.wait(|| self.listed(appid), &format!("{appid} authorized"));
    }

    /// The merchant authorizes through a page the double makes itself (no app involved).
    pub fn authorize(&self, appid: &str, name: &str) {
        let ctoken = self.shared.ctoken.lock().unwrap().clone();
        let pre = self.rt.block_on(self.platform.preauth(&ctoken));
        let url = format!(
            "https://mp.weixin.qq.com/cgi-bin/componentloginpage?component_appid={}&pre_auth_code={pre}",
            super::platform::COMPONENT_APPID
        );
        self.scan(&url, appid, name);
    }

    /// The merchant withdraws its authorization in 公众平台; returns once its stream has the
    /// `unauthorized` event.
    pub fn revoke(&self, appid: &str) {
        self.rt
            .block_on(self.platform.admin().revoke(appid))
            .unwrap();
        self.wait(
            || {
                self.shared
                    .events
                    .lock()
                    .unwrap()
                    .iter()
                    .any(|e| e["_appid"] == appid && e["InfoType"] == "unauthorized")
            },
            &format!("{appid}'s withdrawal relayed"),
        );
    }

    /// Whether the double lists `appid` as authorized.
    pub fn listed(&self, appid: &str) -> bool {
        self.shared
            .merchants
            .lock()
            .unwrap()
            .iter()
            .any(|m| m.appid == appid && !m.withdrawn)
    }

    /// The authorizer token the double holds for `appid`.
    pub fn token(&self, appid: &str) -> String {
        self.shared
            .merchants
            .lock()
            .unwrap()
            .iter()
            .find(|m| m.appid == appid)
            .map(|m| m.token.clone())
            .unwrap()
    }

    /// Token requests made for `appid`.
    pub fn token_calls(&self, appid: &str) -> u64 {
        self.shared
            .token_calls
            .lock()
            .unwrap()
            .get(appid)
            .copied()
            .unwrap_or(0)
    }

    /// Authorization pages handed out.
    pub fn links(&self) -> Vec<String> {
        self.shared.links.lock().unwrap().clone()
    }

    /// The admin API acting for merchant `appid`.
    pub fn admin_for(&self, appid: &str) -> coupon_studio::api::SandboxAdmin {
        self.platform.admin().for_merchant(appid)
    }

    /// Runs `fut` on the double's runtime (admin calls from a UI test).
    pub fn block_on<F: std::future::Future>(&self, fut: F) -> F::Output {
        self.rt.block_on(fut)
    }

    fn wait(&self, done: impl Fn() -> bool, what: &str) {
        let start = std::time::Instant::now();
        while !done() {
            assert!(
                start.elapsed() < std::time::Duration::from_secs(20),
                "timed out waiting for {what}"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}
