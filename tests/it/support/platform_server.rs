//! The company server playing an open platform, against a simulator that plays WeChat's open
//! platform and pushes to it: the platform's authorization events to `/wechat/component`, its
//! merchants' card events to `/wechat/$APPID$`. The server's clock and the simulator's are
//! advanced together, so that "two hours later" takes no time.

use std::time::Duration;

use coupon_studio::api::{ApiClient, PlatformSettings, SandboxAdmin, TokenSource};
use coupon_studio::sandbox::{SandboxConfig, SandboxHandle, spawn as spawn_sandbox};
use coupon_studio::server::clock::Clock;
use coupon_studio::server::platform::PlatformConfig;
use coupon_studio::server::platform::seal::MasterKey;
use coupon_studio::server::{ServerConfig, ServerHandle, spawn_on};
use serde_json::{Value, json};

use super::platform::{COMPONENT_AES_KEY, COMPONENT_APPID, COMPONENT_SECRET, COMPONENT_TOKEN};
use super::server::{Db, add_key};

/// How long a wait for something the simulator or the server does in the background may take.
const WAIT: Duration = Duration::from_secs(20);

/// The simulator, one server instance on `db`, an unlimited API key and the shared clock.
pub struct PlatformServer {
    /// The simulator (kept running while this lives).
    _sim: SandboxHandle,
    /// Its URL.
    pub sim_url: String,
    /// The server, while it runs.
    pub server: Option<ServerHandle>,
    /// Its URL (also its public URL).
    pub url: String,
    /// The database.
    db: Db,
    /// The master key.
    pub master: MasterKey,
    /// The server's clock (advanced with the simulator's).
    pub clock: Clock,
    /// A key allowed every merchant.
    pub key: String,
    /// The HTTP client.
    pub http: reqwest::Client,
}

/// A platform server's configuration on `db`, calling the simulator at `sim_url`.
pub fn config(
    db: &Db,
    sim_url: &str,
    master: &MasterKey,
    clock: &Clock,
    tick: Duration,
) -> ServerConfig {
    let mut platform = PlatformConfig::new(COMPONENT_APPID, COMPONENT_SECRET, master.clone());
    platform.tick = tick;
    ServerConfig {
        addr: "127.0.0.1:0".parse().unwrap(),
        token: COMPONENT_TOKEN.into(),
        encoding_aes_key: COMPONENT_AES_KEY.into(),
        appid: None,
        secret: None,
        target: db.target.clone(),
        database_ca_file: None,
        wechat_base: sim_url.into(),
        platform: Some(platform),
        clock: clock.clone(),
    }
}

/// Starts a server instance of `config` whose public URL is its own address.
pub async fn instance(mut config: ServerConfig) -> (ServerHandle, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    if let Some(p) = &mut config.platform {
        p.public_url = Some(url.clone());
    }
    (spawn_on(config, listener).await.unwrap(), url)
}

/// Makes the simulator of `admin` push the platform's events to the server at `url`: its
/// authorization events (a verify ticket at once) to `/wechat/component`, its merchants' card
/// events to `/wechat/$APPID$`.
pub async fn push_platform_to(admin: &SandboxAdmin, url: &str) {
    let auth = format!("{url}/wechat/component");
    let message = format!("{url}/wechat/$APPID$");
    admin
        .set_platform(&PlatformSettings {
            appid: COMPONENT_APPID,
            secret: COMPONENT_SECRET,
            token: COMPONENT_TOKEN,
            aes_key: COMPONENT_AES_KEY,
            auth_url: Some(&auth),
            message_url: Some(&message),
        })
        .await
        .unwrap();
}

impl PlatformServer {
    /// A fresh simulator and a server on `db` whose background task looks every hour (so a
    /// test sees only the refreshes it causes).
    pub async fn start(db: &Db) -> Self {
        Self::start_with(db, Duration::from_secs(3600)).await
    }

    /// The same, the background task looking every `tick`.
    pub async fn start_with(db: &Db, tick: Duration) -> Self {
        let sim = spawn_sandbox(SandboxConfig::default()).await.unwrap();
        let sim_url = sim.url();
        let master = MasterKey::generate();
        let clock = Clock::system();
        let (server, url) = instance(config(db, &sim_url, &master, &clock, tick)).await;
        let key = add_key(db, "平台管理员").await;
        let ps = Self {
            _sim: sim,
            sim_url,
            server: Some(server),
            url,
            db: db.clone(),
            master,
            clock,
            key,
            http: reqwest::Client::new(),
        };
        ps.push_to(&ps.url.clone()).await;
        ps
    }

    /// Makes the simulator push the platform's events to the server at `url` (a verify ticket
    /// is pushed at once) and waits until that server keeps it.
    pub async fn push_to(&self, url: &str) {
        push_platform_to(&self.admin(), url).await;
        self.settle().await;
    }

    /// Stops the server (its address answers nothing until [`Self::restart`]).
    pub async fn stop(&mut self) {
        if let Some(s) = self.server.take() {
            s.shutdown().await;
        }
    }

    /// Starts a new server instance on the same database (another address), its background
    /// task looking every `tick`, and points the simulator's pushes at it.
    pub async fn restart(&mut self, tick: Duration) {
        self.stop().await;
        let (server, url) = instance(config(
            &self.db,
            &self.sim_url,
            &self.master,
            &self.clock,
            tick,
        ))
        .await;
        self.server = Some(server);
        self.url = url;
        self.push_to(&self.url.clone()).await;
    }

    /// The simulator's admin API (the default merchant's).
    pub fn admin(&self) -> SandboxAdmin {
        SandboxAdmin::with_http(self.http.clone(), &self.sim_url)
    }

    /// WeChat calls the simulator received on `path`.
    pub async fn calls(&self, path: &str) -> u64 {
        self.admin().calls(path).await.unwrap()
    }

    /// Waits until the simulator has delivered every push it queued (each delivery answered,
    /// so the server acted on it).
    pub async fn settle(&self) {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let v = self.admin().pushes(0).await.unwrap();
            if v["counts"]["pending"].as_u64() == Some(0) {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "pushes still pending: {}",
                v["counts"]
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Moves the simulator's clock and the server's `seconds` forward.
    pub async fn advance(&self, seconds: i64) {
        self.admin().advance(seconds).await.unwrap();
        self.clock.advance(seconds);
    }

    /// GET `path` (with its query) with `key`: the status and the JSON.
    pub async fn get(&self, key: &str, path: &str) -> (u16, Value) {
        let r = self
            .http
            .get(format!("{}{path}", self.url))
            .bearer_auth(key)
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }

    /// POST `/api/v1/authorizations` with `key`.
    pub async fn link(&self, key: &str) -> (u16, Value) {
        let r = self
            .http
            .post(format!("{}/api/v1/authorizations", self.url))
            .bearer_auth(key)
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }

    /// `/api/v1/token?appid=…` with `key`.
    pub async fn token(&self, key: &str, appid: &str) -> (u16, Value) {
        self.get(key, &format!("/api/v1/token?appid={appid}")).await
    }

    /// The token of `appid`, which must be given.
    pub async fn token_of(&self, appid: &str) -> String {
        let (status, v) = self.token(&self.key, appid).await;
        assert_eq!(status, 200, "{v}");
        v["access_token"].as_str().unwrap().to_owned()
    }

    /// The AppIDs `/api/v1/merchants` lists for `key`, in its order.
    pub async fn merchant_ids(&self, key: &str) -> Vec<String> {
        let (status, v) = self.get(key, "/api/v1/merchants").await;
        assert_eq!(status, 200, "{v}");
        v["merchants"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["appid"].as_str().unwrap().to_owned())
            .collect()
    }

    /// Every event of the merchant `appid`'s stream.
    pub async fn events(&self, appid: &str) -> Vec<Value> {
        let (status, v) = self
            .get(
                &self.key,
                &format!("/api/v1/events?appid={appid}&limit=1000"),
            )
            .await;
        assert_eq!(status, 200, "{v}");
        v["events"].as_array().unwrap().clone()
    }

    /// An authorization link, once the server has its verify ticket.
    pub async fn link_url(&self) -> String {
        let (status, v) = self.link(&self.key).await;
        assert_eq!(status, 200, "{v}");
        v["url"].as_str().unwrap().to_owned()
    }

    /// The merchant `appid` named `name` scans a new authorization link and confirms; the
    /// simulator sends its browser back to the server. The admin call's answer.
    pub async fn authorize(&self, appid: &str, name: &str) -> Value {
        let url = self.link_url().await;
        let done = self
            .admin()
            .post(
                "/sandbox/platform/authorize",
                &json!({"url": url, "appid": appid, "name": name, "principal_name": format!("{name}有限公司")}),
            )
            .await
            .unwrap();
        assert_eq!(done["redirect_status"], 200, "{done}");
        self.settle().await;
        done
    }

    /// Waits until `done` holds, checking every 20 ms.
    pub async fn wait_until<F, Fut>(&self, what: &str, done: F)
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let deadline = tokio::time::Instant::now() + WAIT;
        while !done().await {
            assert!(
                tokio::time::Instant::now() < deadline,
                "waited too long for {what}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The app's client acting with `token` on the simulator.
    pub fn client(&self, token: &str) -> ApiClient {
        ApiClient::new(&self.sim_url, TokenSource::Fixed(token.to_owned())).unwrap()
    }
}
