//! The simulator's delivery rule (an answer `success` within the push timeout, else up to 3
//! retries at once) against the real server: an answer that comes late makes WeChat send the
//! push again, and the server stores it once; the server answers `success` only once the push
//! is committed, so a push it could not store is retried, and one it never stores is given up
//! after the fourth attempt; pushes sent while the server is down are lost, the later ones
//! arrive.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use coupon_studio::sandbox::{Limits, PUSH_ATTEMPTS, SandboxConfig};
use coupon_studio::server::spawn_with;
use coupon_studio::server::storage::{
    AuthorizerRow, ComponentRow, Inserted, KeyHash, KeyInfo, NewEvent, PlatformStorage, Storage,
    StorageError, StoredEvent, TokenUpdate,
};
use futures_util::future::BoxFuture;
use serde_json::Value;

use super::seams::client;
use crate::support::chain::{admin, names, parts, push_to, settled, stored, wechat};
use crate::support::relay::Relay;
use crate::support::server::Db;

/// The simulator of the chain, waiting `push_timeout` for each answer.
fn impatient(push_timeout: Duration) -> SandboxConfig {
    SandboxConfig {
        limits: Limits {
            push_timeout,
            ..Limits::default()
        },
        ..wechat(Duration::from_secs(3600))
    }
}

/// The record of the only push of `event`.
fn only(record: &Value, event: &str) -> Value {
    let list: Vec<&Value> = record["pushes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["event"] == event)
        .collect();
    assert_eq!(list.len(), 1, "{record}");
    list[0].clone()
}

#[tokio::test]
async fn an_answer_that_comes_late_is_sent_again_and_stored_once() {
    let db = Db::sqlite();
    let p = parts(&db, impatient(Duration::from_secs(1))).await;
    // Between the simulator and the server, a relay that holds the first two answers back.
    let relay = Relay::start(&p.server.url(), 2, Duration::from_secs(2)).await;
    push_to(&p.sim.url(), &format!("{}/wechat", relay.url)).await;

    client(&p).pay_activate().await.unwrap();
    let admin = admin(&p.sim.url());
    let record = settled(&admin).await;
    let push = only(&record, "card_pay_order");
    // Twice too late, then in time: three deliveries of one push (a fourth only if the
    // machine is too busy to answer the third within the second) …
    assert_eq!(push["outcome"], "delivered", "{push}");
    let attempts = push["attempts"].as_array().unwrap();
    assert!(attempts.len() >= 3, "{push}");
    assert!(
        attempts[..2].iter().all(|a| a["error"]
            .as_str()
            .is_some_and(|e| e.contains("no answer within"))),
        "{push}"
    );
    assert_eq!(relay.seen().len(), attempts.len());
    // … each signed afresh (another nonce, another AES prefix), one event stored.
    let events = stored(p.storage.as_ref()).await;
    assert_eq!(names(&events), ["card_pay_order"], "{events:?}");
    p.server.shutdown().await;
    p.sim.shutdown().await;
}

/// The server's database, refusing the inserts that `fails` marks (by their number, from 0)
/// and taking `delay` over each.
struct Flaky {
    inner: Arc<dyn Storage>,
    fails: Vec<bool>,
    delay: Duration,
    inserts: AtomicUsize,
}

impl Storage for Flaky {
    fn insert(&self, event: NewEvent) -> BoxFuture<'_, Result<Inserted, StorageError>> {
        Box::pin(async move {
            tokio::time::sleep(self.delay).await;
            let n = self.inserts.fetch_add(1, Ordering::SeqCst);
            if self.fails.get(n).copied().unwrap_or(false) {
                return Err(StorageError::Task("the disk is full (test)".into()));
            }
            self.inner.insert(event).await
        })
    }
    fn merchant_events(
        &self,
        merchant: String,
        since: i64,
        limit: u32,
    ) -> BoxFuture<'_, Result<Vec<StoredEvent>, StorageError>> {
        self.inner.merchant_events(merchant, since, limit)
    }
    fn add_scoped_key(
        &self,
        name: String,
        hash: String,
        now: i64,
        merchants: Option<Vec<String>>,
    ) -> BoxFuture<'_, Result<(), StorageError>> {
        self.inner.add_scoped_key(name, hash, now, merchants)
    }
    fn keys(&self) -> BoxFuture<'_, Result<Vec<KeyInfo>, StorageError>> {
        self.inner.keys()
    }
    fn active_keys(&self) -> BoxFuture<'_, Result<Vec<KeyHash>, StorageError>> {
        self.inner.active_keys()
    }
    fn revoke_key(&self, name: String, now: i64) -> BoxFuture<'_, Result<bool, StorageError>> {
        self.inner.revoke_key(name, now)
    }
    fn ping(&self) -> BoxFuture<'_, Result<(), StorageError>> {
        self.inner.ping()
    }
}

// The open platform's part passes through untouched: this database only fails inserts.
impl PlatformStorage for Flaky {
    fn setting(&self, name: String) -> BoxFuture<'_, Result<Option<String>, StorageError>> {
        self.inner.setting(name)
    }
    fn init_setting(
        &self,
        name: String,
        value: String,
    ) -> BoxFuture<'_, Result<String, StorageError>> {
        self.inner.init_setting(name, value)
    }
    fn component(
        &self,
        component: String,
    ) -> BoxFuture<'_, Result<Option<ComponentRow>, StorageError>> {
        self.inner.component(component)
    }
    fn save_ticket(
        &self,
        component: String,
        sealed: String,
        at: i64,
    ) -> BoxFuture<'_, Result<(), StorageError>> {
        self.inner.save_ticket(component, sealed, at)
    }
    fn save_component_token(
        &self,
        component: String,
        sealed: String,
        expires: i64,
    ) -> BoxFuture<'_, Result<(), StorageError>> {
        self.inner.save_component_token(component, sealed, expires)
    }
    fn authorizers(
        &self,
        component: String,
    ) -> BoxFuture<'_, Result<Vec<AuthorizerRow>, StorageError>> {
        self.inner.authorizers(component)
    }
    fn authorizer(
        &self,
        component: String,
        appid: String,
    ) -> BoxFuture<'_, Result<Option<AuthorizerRow>, StorageError>> {
        self.inner.authorizer(component, appid)
    }
    fn save_grant(
        &self,
        component: String,
        row: AuthorizerRow,
    ) -> BoxFuture<'_, Result<(), StorageError>> {
        self.inner.save_grant(component, row)
    }
    fn save_authorizer_token(
        &self,
        component: String,
        update: TokenUpdate,
    ) -> BoxFuture<'_, Result<bool, StorageError>> {
        self.inner.save_authorizer_token(component, update)
    }
    fn revoke_authorizer(
        &self,
        component: String,
        appid: String,
        now: i64,
    ) -> BoxFuture<'_, Result<bool, StorageError>> {
        self.inner.revoke_authorizer(component, appid, now)
    }
    fn exclusive<'a>(
        &'a self,
        name: String,
        work: BoxFuture<'a, ()>,
    ) -> BoxFuture<'a, Result<(), StorageError>> {
        self.inner.exclusive(name, work)
    }
}

#[tokio::test]
async fn success_comes_only_after_the_commit_and_what_is_never_stored_is_given_up() {
    let db = Db::sqlite();
    let p = parts(&db, impatient(Duration::from_secs(5))).await;
    let flaky = Arc::new(Flaky {
        inner: p.storage.clone(),
        // The first insert fails, the second passes, the next four fail.
        fails: [true, false]
            .into_iter()
            .chain([true; PUSH_ATTEMPTS])
            .collect(),
        delay: Duration::from_millis(150),
        inserts: AtomicUsize::new(0),
    });
    // The same server, on a database that sometimes cannot write.
    let server = spawn_with(
        coupon_studio::server::ServerConfig {
            addr: "127.0.0.1:0".parse().unwrap(),
            ..p.config.clone()
        },
        flaky.clone(),
    )
    .await
    .unwrap();
    push_to(&p.sim.url(), &format!("{}/wechat", server.url())).await;
    let c = client(&p);
    let admin = admin(&p.sim.url());

    // The first push: refused once (not committed, so no `success`), kept at the retry.
    c.pay_activate().await.unwrap();
    let record = settled(&admin).await;
    let first = only(&record, "card_pay_order");
    let attempts = first["attempts"].as_array().unwrap();
    assert_eq!(first["outcome"], "delivered", "{first}");
    assert_eq!(attempts.len(), 2, "{first}");
    assert_eq!(
        (
            attempts[0]["status"].as_u64(),
            attempts[0]["answer"].as_str()
        ),
        (Some(503), Some("storage error"))
    );
    // Each answer waited for the database.
    assert!(
        attempts.iter().all(|a| a["ms"].as_u64().unwrap() >= 150),
        "{first}"
    );
    assert_eq!(stored(p.storage.as_ref()).await.len(), 1);

    // The next push finds the database failing four times: given up, as WeChat gives up.
    let card = crate::support::stocked_card(&c, 0, 30).await;
    let record = settled(&admin).await;
    let review = only(&record, "card_pass_check");
    assert_eq!(review["outcome"], "failed", "{review}");
    assert_eq!(review["attempts"].as_array().unwrap().len(), PUSH_ATTEMPTS);
    let events = stored(p.storage.as_ref()).await;
    assert!(
        !events.iter().any(|e| e["CardId"] == card.as_str()),
        "{events:?}"
    );
    server.shutdown().await;
    p.server.shutdown().await;
    p.sim.shutdown().await;
}

#[tokio::test]
async fn pushes_sent_while_the_server_is_down_are_lost_and_the_later_ones_arrive() {
    let db = Db::sqlite();
    let p = parts(&db, impatient(Duration::from_secs(5))).await;
    let (config, storage) = (p.config.clone(), p.storage.clone());
    let c = client(&p);
    let admin = admin(&p.sim.url());
    p.server.shutdown().await;
    c.pay_activate().await.unwrap();
    let record = settled(&admin).await;
    let lost = only(&record, "card_pay_order");
    assert_eq!(lost["outcome"], "failed", "{lost}");
    // Nobody listened: four attempts, none answered.
    let attempts = lost["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), PUSH_ATTEMPTS);
    assert!(
        attempts
            .iter()
            .all(|a| a["status"].is_null() && a["error"].is_string())
    );

    // Back on the same address: the next push arrives, the lost one does not.
    let server = spawn_with(config, storage.clone()).await.unwrap();
    let card = crate::support::stocked_card(&c, 0, 30).await;
    settled(&admin).await;
    let events = stored(storage.as_ref()).await;
    assert_eq!(names(&events), ["card_pass_check"], "{events:?}");
    assert_eq!(events[0]["CardId"], card.as_str());
    server.shutdown().await;
    p.sim.shutdown().await;
}
