//! Issue 19's whole chain on one machine, as the end-to-end tests run it: the simulator standing
//! in for WeChat (it gives tokens only for the AppID and AppSecret the server holds), pushing
//! every card event in safe mode to the real company server's `/wechat`; the server on SQLite
//! or PostgreSQL, in-process, with API keys made by its own key store; and the app on a
//! 公司服务器 account whose token and events come from that server.
//!
//! [`parts`] starts the simulator and the server on the caller's runtime (async tests);
//! [`Chain`] owns a runtime of its own for the UI tests, which are not async, and can stop and
//! start the server again on the same address.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use coupon_studio::accounts::{Account, Accounts, MemoryStore, SecretStore, TokenMode, Vault};
use coupon_studio::api::{PushSettings, SandboxAdmin};
use coupon_studio::app::{Backend, Nav};
use coupon_studio::sandbox::{SandboxConfig, SandboxHandle};
use coupon_studio::server::storage::Storage;
use coupon_studio::server::{ServerConfig, ServerHandle, keys, spawn_with};
use coupon_studio::wxpush::Push;
use serde_json::Value;

use super::server::{AES_KEY, APPID, Db, TOKEN, config, post, safe};
use super::sim::Sim;
use super::ui::{H, app};

/// The AppSecret: only the server has it (the simulator refuses any other).
pub const SECRET: &str = "the-AppSecret-only-the-server-holds";

/// How often the app reads the server in tests (the app's default is 5 s).
pub const POLL: Duration = Duration::from_millis(150);

/// The simulator's settings for the chain: WeChat with the server's AppID and AppSecret, its
/// review delay `review_delay` (long: the test reviews; short: approval comes by itself).
pub fn wechat(review_delay: Duration) -> SandboxConfig {
    SandboxConfig {
        credentials: Some((APPID.into(), SECRET.into())),
        review_delay,
        ..SandboxConfig::default()
    }
}

/// The running simulator and server.
pub struct Parts {
    /// The simulator.
    pub sim: SandboxHandle,
    /// The server.
    pub server: ServerHandle,
    /// The server's database, as the server has it open.
    pub storage: Arc<dyn Storage>,
    /// The server's configuration (its address fixed once bound).
    pub config: ServerConfig,
}

/// Starts the simulator (`sim`), then the server on `db` getting its tokens from it, then
/// points the simulator's pushes at the server's `/wechat` in safe mode.
pub async fn parts(db: &Db, sim: SandboxConfig) -> Parts {
    let sim = coupon_studio::sandbox::spawn(sim).await.unwrap();
    let mut config = config(db, Some(SECRET), Some(&sim.url()));
    let storage = db.open().await;
    let server = spawn_with(config.clone(), storage.clone()).await.unwrap();
    config.addr = server.addr();
    push_to(&sim.url(), &format!("{}/wechat", server.url())).await;
    Parts {
        sim,
        server,
        storage,
        config,
    }
}

/// Points the simulator at `sim_url` to push to `url` with the server's Token, EncodingAESKey
/// and AppID (safe mode).
pub async fn push_to(sim_url: &str, url: &str) {
    admin(sim_url)
        .set_push_target(&PushSettings {
            url,
            token: TOKEN,
            aes_key: Some(AES_KEY),
            appid: Some(APPID),
        })
        .await
        .unwrap();
}

/// The simulator's admin API.
pub fn admin(sim_url: &str) -> SandboxAdmin {
    SandboxAdmin::new(sim_url, Duration::from_secs(30)).unwrap()
}

/// Makes an API key for `name` in `storage`, as `server add-key` does.
pub async fn add_key(storage: &dyn Storage, name: &str) -> String {
    let key = keys::generate();
    storage
        .add_key(name.into(), keys::hash(&key), 0)
        .await
        .unwrap();
    key
}

/// Every event the server stored, as `/api/v1/events` serves them.
pub async fn stored(storage: &dyn Storage) -> Vec<Value> {
    let mut out = Vec::new();
    loop {
        let since = out
            .last()
            .and_then(|e: &Value| e["id"].as_i64())
            .unwrap_or(0);
        let page = storage.events_after(since, 1000).await.unwrap();
        if page.is_empty() {
            return out;
        }
        out.extend(page.iter().map(|e| e.to_json()));
    }
}

/// Waits (30 s at most) until the simulator has no push left to deliver; its push record
/// (`GET /sandbox/pushes`).
pub async fn settled(admin: &SandboxAdmin) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let record = admin.pushes(0).await.unwrap();
        if record["counts"]["pending"] == 0 {
            return record;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "pushes still pending: {}",
            record["counts"]
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// The `Event` names of events.
pub fn names(events: &[Value]) -> Vec<&str> {
    events
        .iter()
        .map(|e| e["Event"].as_str().unwrap_or_default())
        .collect()
}

/// The whole chain for a UI test, on a runtime of its own.
pub struct Chain {
    /// The test's own client of the simulator (as WeChat's insider: the AppSecret), and the
    /// runtime everything runs on.
    pub sim: Sim,
    /// The server's database.
    pub db: Db,
    sandbox: Option<SandboxHandle>,
    server: Mutex<Option<ServerHandle>>,
    storage: Arc<dyn Storage>,
    config: ServerConfig,
}

impl Drop for Chain {
    fn drop(&mut self) {
        let server = self.server.lock().map(|mut s| s.take()).ok().flatten();
        let sandbox = self.sandbox.take();
        self.sim.rt.block_on(async {
            if let Some(s) = server {
                s.shutdown().await;
            }
            if let Some(s) = sandbox {
                s.shutdown().await;
            }
            self.db.cleanup().await;
        });
    }
}

impl Chain {
    /// The chain on SQLite with the simulator `sim`.
    pub fn sqlite(sim: SandboxConfig) -> Self {
        Self::on(Db::sqlite(), sim)
    }

    /// The chain on the test PostgreSQL, or `None` (skipped) when there is none.
    pub fn postgres(sim: SandboxConfig) -> Option<Self> {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let db = rt.block_on(Db::postgres())?;
        drop(rt);
        Some(Self::on(db, sim))
    }

    fn on(db: Db, sim: SandboxConfig) -> Self {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let p = rt.block_on(parts(&db, sim));
        let client = coupon_studio::api::ApiClient::new(
            &p.sim.url(),
            coupon_studio::api::TokenSource::Stable {
                appid: APPID.into(),
                secret: SECRET.into(),
            },
        )
        .unwrap();
        Self {
            sim: Sim { rt, client },
            db,
            sandbox: Some(p.sim),
            server: Mutex::new(Some(p.server)),
            storage: p.storage,
            config: p.config,
        }
    }

    /// The simulator's URL (WeChat's API base).
    pub fn wechat_url(&self) -> &str {
        self.sim.client.base_url()
    }

    /// The server's URL, `http://127.0.0.1:PORT`.
    pub fn server_url(&self) -> String {
        format!("http://{}", self.config.addr)
    }

    /// The simulator's admin API.
    pub fn admin(&self) -> SandboxAdmin {
        admin(self.wechat_url())
    }

    /// Makes an API key for `name`.
    pub fn add_key(&self, name: &str) -> String {
        self.sim.rt.block_on(add_key(self.storage.as_ref(), name))
    }

    /// Revokes `name`'s key (`server revoke-key NAME`).
    pub fn revoke(&self, name: &str) {
        let revoked = self
            .sim
            .rt
            .block_on(self.storage.revoke_key(name.into(), 1))
            .unwrap();
        assert!(revoked, "no active key of {name}");
    }

    /// Stops the server: it listens no more (answers in progress finish).
    pub fn stop_server(&self) {
        let server = self.server.lock().unwrap().take();
        if let Some(s) = server {
            self.sim.rt.block_on(s.shutdown());
        }
    }

    /// Starts the server again, on the same address and database.
    pub fn start_server(&self) {
        let s = self
            .sim
            .rt
            .block_on(spawn_with(self.config.clone(), self.storage.clone()))
            .unwrap();
        *self.server.lock().unwrap() = Some(s);
    }

    /// Every event the server stored.
    pub fn stored(&self) -> Vec<Value> {
        self.sim.rt.block_on(stored(self.storage.as_ref()))
    }

    /// Waits until the simulator delivered (or gave up) every push; its push record.
    pub fn settled(&self) -> Value {
        self.sim.rt.block_on(settled(&self.admin()))
    }

    /// Sends `push` to the server's `/wechat` as WeChat would (safe mode, signed now): for
    /// what the simulator cannot be made to push. The status and the answer.
    pub fn inject(&self, push: &Push) -> (u16, String) {
        let at = chrono::Utc::now().timestamp();
        let http = reqwest::Client::new();
        self.sim
            .rt
            .block_on(post(&http, safe(&self.server_url(), push, at)))
    }

    /// The 公司服务器 account of this server.
    pub fn account(&self) -> Account {
        self.account_at(&self.server_url())
    }

    /// The 公司服务器 account of this server reached at `url` (a relay in front of it).
    pub fn account_at(&self, url: &str) -> Account {
        Account::new("总部", APPID, TokenMode::Server { url: url.into() })
    }

    /// A relay in front of the server, recording what the app asks.
    pub fn relay(&self) -> super::relay::Relay {
        let upstream = self.server_url();
        self.sim
            .rt
            .block_on(super::relay::Relay::start(&upstream, 0, Duration::ZERO))
    }

    /// The app on `nav` in `dir`, started on `account` (saved as the active one, `key` in an
    /// in-memory keyring), reading the server every [`POLL`]; WeChat is the simulator.
    pub fn app(&self, dir: &Path, account: &Account, key: &str, nav: Nav) -> H {
        let mut list = Accounts::load(dir).unwrap();
        list.upsert(account.clone());
        list.active = Some(account.id.clone());
        list.save(dir).unwrap();
        let store = Arc::new(MemoryStore::default());
        store.set(&account.key_name().unwrap(), key).unwrap();
        let vault = Vault::new(store.clone());
        let backend = Backend::for_account_at(dir, self.wechat_url(), &vault, account).unwrap();
        let mut h = app(dir, backend, nav);
        h.state_mut().set_secret_store(store);
        h.state_mut()
            .use_api_base_for_accounts(self.wechat_url())
            .unwrap();
        h.state_mut().set_server_poll(POLL);
        h
    }
}

/// Steps frames for `d` (answers keep arriving meanwhile).
pub fn step_for(h: &mut H, d: Duration) {
    let start = std::time::Instant::now();
    while start.elapsed() < d {
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Waits until the app has read the server.
pub fn wait_live(h: &mut H) {
    super::ui::wait_for(h, "the company server's feed", |h| {
        h.state().server.status == coupon_studio::pushed::FeedStatus::Live
    });
}
