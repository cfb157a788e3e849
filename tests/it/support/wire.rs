//! The simulator tests' side: an in-process simulator on 127.0.0.1:0 and raw JSON calls over
//! loopback HTTP (reqwest + serde_json, no API client).

use coupon_studio::api::SandboxAdmin;
use coupon_studio::sandbox::{SandboxConfig, SandboxHandle, spawn};
use serde_json::{Value, json};

/// A running simulator and a token for it.
pub struct Sim {
    pub handle: SandboxHandle,
    pub http: reqwest::Client,
    pub base: String,
    pub token: String,
}

/// 2030-01-01 00:00 Beijing (2029-12-31 16:00 UTC): a fixed simulated start for the tests
/// that need exact dates.
pub const START: i64 = 1_893_427_200;

impl Sim {
    /// Uploads `bytes` to cgi-bin/media/uploadimg as the multipart part `part` (WeChat takes
    /// `buffer` or `media`); the answer as sent.
    pub async fn upload(&self, part: &str, bytes: Vec<u8>) -> Value {
        let form = reqwest::multipart::Form::new().part(
            part.to_owned(),
            reqwest::multipart::Part::bytes(bytes).file_name("x.png"),
        );
        self.http
            .post(self.url("/cgi-bin/media/uploadimg"))
            .multipart(form)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// A simulator with the default configuration and a stable token.
    pub async fn start() -> Self {
        Self::start_with(SandboxConfig::default()).await
    }

    /// A simulator with this configuration; the token comes from stable_token with the
    /// configured credentials (or made-up ones).
    pub async fn start_with(config: SandboxConfig) -> Self {
        let (appid, secret) = config
            .credentials
            .clone()
            .unwrap_or(("wxsandbox".into(), "secret".into()));
        let handle = spawn(config).await.unwrap();
        let base = handle.url();
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .unwrap();
        let mut sim = Self {
            handle,
            http,
            base,
            token: String::new(),
        };
        let t = sim
            .raw_post(
                "/cgi-bin/stable_token",
                &json!({"grant_type": "client_credential", "appid": appid, "secret": secret, "force_refresh": false}).to_string(),
            )
            .await;
        sim.token = t["access_token"].as_str().unwrap().to_owned();
        sim
    }

    /// Takes a fresh token (after a clock advance past its expiry).
    pub async fn refresh(&mut self) {
        let t = self
            .raw_get("/cgi-bin/token?grant_type=client_credential&appid=wxsandbox&secret=secret")
            .await;
        self.token = t["access_token"].as_str().unwrap().to_owned();
    }

    /// `base + path` with the access token.
    pub fn url(&self, path: &str) -> String {
        let sep = if path.contains('?') { '&' } else { '?' };
        format!("{}{path}{sep}access_token={}", self.base, self.token)
    }

    /// GET a WeChat path with the token.
    pub async fn get(&self, path: &str) -> Value {
        let r = self.http.get(self.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        r.json().await.unwrap()
    }

    /// POST JSON to a WeChat path with the token.
    pub async fn post(&self, path: &str, body: Value) -> Value {
        self.post_text(path, &body.to_string()).await
    }

    /// POST raw text to a WeChat path with the token.
    pub async fn post_text(&self, path: &str, body: &str) -> Value {
        let r = self
            .http
            .post(self.url(path))
            .header("content-type", "application/json")
            .body(body.to_owned())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{path}");
        r.json().await.unwrap()
    }

    /// POST raw text without a token.
    pub async fn raw_post(&self, path: &str, body: &str) -> Value {
        self.http
            .post(format!("{}{path}", self.base))
            .body(body.to_owned())
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// GET without a token (query included in `path`).
    pub async fn raw_get(&self, path: &str) -> Value {
        self.http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// An admin POST; panics unless `ok`.
    pub async fn admin(&self, path: &str, body: Value) -> Value {
        let v = self.admin_try(path, body).await;
        assert_eq!(v["ok"], true, "{path}: {v}");
        v
    }

    /// The simulator's admin API (the app's own typed client).
    pub fn admin_api(&self) -> SandboxAdmin {
        SandboxAdmin::with_http(self.http.clone(), &self.base)
    }

    /// An admin POST, whatever the answer.
    pub async fn admin_try(&self, path: &str, body: Value) -> Value {
        self.admin_api().post_any(path, &body).await.unwrap()
    }

    /// An admin GET.
    pub async fn admin_get(&self, path: &str) -> Value {
        self.admin_api().get(path).await.unwrap()
    }

    /// Moves the simulated clock.
    pub async fn advance(&self, seconds: i64) -> i64 {
        self.admin_api().advance(seconds).await.unwrap()
    }

    /// The simulated time.
    pub async fn now(&self) -> i64 {
        self.admin_api().now().await.unwrap()
    }

    /// WeChat calls received on a path.
    pub async fn calls(&self, path: &str) -> u64 {
        self.admin_api().calls(path).await.unwrap()
    }

    /// Creates a card; panics unless it works.
    pub async fn create(&self, body: &Value) -> String {
        let v = self.post("/card/create", body.clone()).await;
        assert_eq!(v["errcode"], 0, "{v}");
        v["card_id"].as_str().unwrap().to_owned()
    }

    /// Approves a card through the admin API.
    pub async fn approve(&self, card_id: &str) {
        self.admin_api().review(card_id, true).await.unwrap();
    }

    /// Buys `quantity` stock for a card with coins (activating the wallet first).
    pub async fn stock(&self, card_id: &str, quantity: i64) {
        self.get("/card/pay/activate").await;
        let quote = self
            .post(
                "/card/pay/getpayprice",
                json!({"card_id": card_id, "quantity": quantity}),
            )
            .await;
        assert_eq!(quote["errcode"], 0, "{quote}");
        let v = self
            .post(
                "/card/pay/confirm",
                json!({"card_id": card_id, "order_id": quote["order_id"], "quantity": quantity}),
            )
            .await;
        assert_eq!(v["errcode"], 0, "{v}");
    }

    /// A valid, approved card with stock, valid from yesterday for 30 days.
    pub async fn ready_card(&self, quantity: i64) -> String {
        let now = self.now().await;
        let id = self
            .create(&card_body(now - 86_400, now + 29 * 86_400))
            .await;
        self.approve(&id).await;
        self.stock(&id, quantity).await;
        id
    }

    /// A user scans a card directly; answers the admin reply.
    pub async fn scan(&self, card_id: &str, openid: &str) -> Value {
        self.admin(
            "/sandbox/user/scan",
            json!({"card_id": card_id, "openid": openid}),
        )
        .await
    }

    /// The card/get view of a card.
    pub async fn card(&self, card_id: &str) -> Value {
        let v = self.post("/card/get", json!({"card_id": card_id})).await;
        assert_eq!(v["errcode"], 0, "{v}");
        v["card"]["cash"]["base_info"].clone()
    }
}

/// The down-jacket fixture (least_cost threshold: 0.6 a unit) valid from `begin` to `end`.
pub fn card_body(begin: i64, end: i64) -> Value {
    let mut v: Value = serde_json::from_str(&super::fixture("down-jacket.json")).unwrap();
    v["card"]["cash"]["base_info"]["date_info"]["begin_timestamp"] = json!(begin);
    v["card"]["cash"]["base_info"]["date_info"]["end_timestamp"] = json!(end);
    v
}

/// The same card with other thresholds.
pub fn with_condition(mut body: Value, condition: Value) -> Value {
    body["card"]["cash"]["advanced_info"]["use_condition"] = condition;
    body
}

/// Whether a request failed at the transport level (connection dropped, no answer).
pub async fn transport_error(req: reqwest::RequestBuilder) -> bool {
    match req.send().await {
        Err(_) => true,
        Ok(r) => r.bytes().await.is_err(),
    }
}
