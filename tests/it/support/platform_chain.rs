//! Issue 20's whole chain on one machine, as the desktop's platform tests run it: the
//! simulator playing WeChat's open platform with several merchants, pushing the verify ticket
//! and the authorization events to the real company server's `/wechat/component` and each
//! merchant's card events to `/wechat/$APPID$`; the server in platform mode (`--component-*`,
//! a master key, `--public-url` its own address) on SQLite or PostgreSQL, in-process, with API
//! keys made by its own key store; and the app on a 第三方平台(服务商) account, reaching the
//! server through a [`Relay`] that records what it asks.
//!
//! [`PlatformChain`] owns a runtime of its own: the UI tests are not async.

use std::time::Duration;

use coupon_studio::accounts::{Account, TokenMode};
use coupon_studio::api::{ApiClient, SandboxAdmin, TokenSource};
use coupon_studio::server::keys;
use serde_json::{Value, json};

use super::platform_server::PlatformServer;
use super::relay::Relay;
use super::server::Db;

/// The simulator, the platform server on `db` and a relay in front of the server.
pub struct PlatformChain {
    /// The simulator and the server.
    pub ps: PlatformServer,
    /// The relay the app and the tests' clients reach the server through.
    relay: Relay,
    /// The server's database.
    pub db: Db,
    /// Everything runs on it (dropped last).
    pub rt: tokio::runtime::Runtime,
}

impl Drop for PlatformChain {
    fn drop(&mut self) {
        let Self { ps, db, rt, .. } = self;
        rt.block_on(async {
            ps.stop().await;
            db.cleanup().await;
        });
    }
}

impl PlatformChain {
    /// The chain on SQLite.
    pub fn sqlite() -> Self {
        Self::on(runtime(), Db::sqlite())
    }

    /// The chain on the test PostgreSQL, or `None` (skipped) when there is none.
    pub fn postgres() -> Option<Self> {
        let rt = runtime();
        let db = rt.block_on(Db::postgres())?;
        Some(Self::on(rt, db))
    }

    fn on(rt: tokio::runtime::Runtime, db: Db) -> Self {
        let (ps, relay) = rt.block_on(async {
            let ps = PlatformServer::start(&db).await;
            let relay = Relay::start(&ps.url, 0, Duration::ZERO).await;
            (ps, relay)
        });
        Self { ps, relay, db, rt }
    }

    /// The server's URL as the app knows it (the relay's).
    pub fn url(&self) -> &str {
        &self.relay.url
    }

    /// The simulator's URL (WeChat's API base).
    pub fn wechat(&self) -> String {
        self.ps.sim_url.clone()
    }

    /// The platform operator's API key (every merchant), from the server's key store.
    pub fn key(&self) -> &str {
        &self.ps.key
    }

    /// The 第三方平台(服务商) account of this server.
    pub fn account(&self) -> Account {
        Account::new(
            "卡券服务商",
            "",
            TokenMode::Platform {
                url: self.url().to_owned(),
            },
        )
    }

    /// The app's client acting for `appid` through the platform with `key`.
    pub fn merchant_client(&self, key: &str, appid: &str) -> ApiClient {
        ApiClient::new(
            &self.wechat(),
            TokenSource::Platform {
                url: self.url().to_owned(),
                key: key.into(),
                appid: appid.into(),
            },
        )
        .unwrap()
    }

    /// Runs `fut` on the chain's runtime.
    pub fn block_on<F: std::future::Future>(&self, fut: F) -> F::Output {
        self.rt.block_on(fut)
    }

    /// A card of the merchant `appid` created through the platform with the chain's key (the
    /// fixture, on sale from a minute ago for 20 days) and approved; its id.
    pub fn approved_card(&self, appid: &str) -> String {
        let client = self.merchant_client(self.key(), appid);
        self.block_on(async {
            let body = crate::support::fixture_body(&client, -60, 20 * 86_400).await;
            let id = client.create_card(&body).await.unwrap();
            self.admin_for(appid).review(&id, true).await.unwrap();
            id
        })
    }

    /// The simulator's admin API (the default merchant's; faults apply to every merchant).
    pub fn admin(&self) -> SandboxAdmin {
        self.ps.admin()
    }

    /// The admin API acting for merchant `appid`.
    pub fn admin_for(&self, appid: &str) -> SandboxAdmin {
        self.ps.admin().for_merchant(appid)
    }

    /// Makes the simulator answer `path` `ms` late (once).
    pub fn late(&self, path: &str, ms: u64) {
        let v = self
            .block_on(self.admin().post_any(
                "/sandbox/faults",
                &json!({"path": path, "faults": [{"kind": "latency", "ms": ms}]}),
            ))
            .unwrap();
        assert!(v.get("errcode").is_none(), "{v}");
    }

    /// The merchant `appid` named `name` authorizes through a link the server makes (no app
    /// involved); returns once the server lists it.
    pub fn authorize(&self, appid: &str, name: &str) {
        self.block_on(self.ps.authorize(appid, name));
        assert!(self.listed(appid), "{appid} not listed");
    }

    /// A merchant's admin scans the authorization page `url` (as the app shows it) and
    /// confirms, as merchant `appid` named `name`: WeChat pushes `authorized` to the server
    /// and sends the browser back to it. Returns once the server lists the merchant.
    pub fn scan(&self, url: &str, appid: &str, name: &str) {
        let done = self
            .block_on(self.admin().post(
                "/sandbox/platform/authorize",
                &json!({"url": url, "appid": appid, "name": name}),
            ))
            .unwrap();
        assert_eq!(done["appid"], appid, "{done}");
        assert_eq!(done["redirect_status"], 200, "the return page: {done}");
        self.block_on(self.ps.settle());
        assert!(self.listed(appid), "{appid} not listed after its scan");
    }

    /// The merchant withdraws its authorization in 公众平台: the simulator pushes
    /// `unauthorized` to the server. Returns once the server has it in the merchant's stream.
    pub fn revoke(&self, appid: &str) {
        self.block_on(async {
            self.admin().revoke(appid).await.unwrap();
            self.ps.settle().await;
        });
        let events = self.events(appid);
        assert!(
            events
                .last()
                .is_some_and(|e| e["InfoType"] == "unauthorized"),
            "{events:?}"
        );
    }

    /// Whether the server lists `appid` as authorized.
    pub fn listed(&self, appid: &str) -> bool {
        self.block_on(self.ps.merchant_ids(&self.ps.key))
            .iter()
            .any(|m| m == appid)
    }

    /// Every event of `appid`'s stream on the server.
    pub fn events(&self, appid: &str) -> Vec<Value> {
        self.block_on(self.ps.events(appid))
    }

    /// The authorizer token the server hands out for `appid`.
    pub fn token(&self, appid: &str) -> String {
        self.block_on(self.ps.token_of(appid))
    }

    /// A key of `name` limited to `merchants` (`server add-key --merchant …`).
    pub fn add_limited_key(&self, name: &str, merchants: &[&str]) -> String {
        let key = keys::generate();
        self.block_on(async {
            self.db
                .open()
                .await
                .add_scoped_key(
                    name.into(),
                    keys::hash(&key),
                    0,
                    Some(merchants.iter().map(|m| (*m).to_owned()).collect()),
                )
                .await
                .unwrap();
        });
        key
    }

    /// The path and query of every request the app (or a test's client) sent the server.
    pub fn asked(&self) -> Vec<String> {
        self.relay.seen()
    }

    /// How many tokens were asked for `appid`.
    pub fn token_calls(&self, appid: &str) -> usize {
        let path = format!("/api/v1/token?appid={appid}");
        self.asked().iter().filter(|p| **p == path).count()
    }

    /// The authorization pages asked for.
    pub fn links_asked(&self) -> usize {
        self.asked()
            .iter()
            .filter(|p| p.starts_with("/api/v1/authorizations"))
            .count()
    }

    /// Whether `link` is an authorization page of this server's platform: WeChat's
    /// componentloginpage for the platform, sending the browser back to the server.
    pub fn is_our_link(&self, link: &str) -> bool {
        let Ok(url) = url::Url::parse(link) else {
            return false;
        };
        let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
        url.path() == "/cgi-bin/componentloginpage"
            && q.get("component_appid").map(String::as_str)
                == Some(super::platform::COMPONENT_APPID)
            && q.get("redirect_uri") == Some(&format!("{}/platform/callback", self.ps.url))
            && q.get("pre_auth_code").is_some_and(|c| !c.is_empty())
    }
}

/// A runtime for the chain.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}
