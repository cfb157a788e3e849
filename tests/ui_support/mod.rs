//! Helpers for the headless app tests of accounts, faults and crash safety: the app on a
//! harness, waiting in a loop instead of sleeping, clicks and typing by accessible label, and
//! the simulator's side (admin API, call counts) through its own client.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)] // Not every file uses every helper.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use coupon_studio::api::{ApiClient, TokenSource};
use coupon_studio::app::{Backend, CouponStudioApp, Nav};
use egui_kittest::Harness;
use serde_json::{Value, json};

#[path = "../support/mod.rs"]
pub mod support;

/// The app under test.
pub type H = Harness<'static, CouponStudioApp>;

/// A fresh folder for one test.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cs-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The simulator side: a client with the given credentials and a runtime to call it from.
pub struct Sim {
    /// The runtime.
    pub rt: tokio::runtime::Runtime,
    /// The client.
    pub client: ApiClient,
}

impl Sim {
    /// A client for the simulator at `url`.
    pub fn new(url: &str, appid: &str, secret: &str) -> Self {
        let client = ApiClient::new(
            url,
            TokenSource::Stable {
                appid: appid.into(),
                secret: secret.into(),
            },
        )
        .unwrap();
        Self {
            rt: tokio::runtime::Runtime::new().unwrap(),
            client,
        }
    }

    /// An admin call.
    pub fn admin(&self, path: &str, body: Value) -> Value {
        self.rt.block_on(support::admin(&self.client, path, body))
    }

    /// Calls the simulator received on a WeChat path.
    pub fn calls(&self, path: &str) -> u64 {
        self.rt.block_on(support::calls(&self.client, path))
    }

    /// Queues faults for `path`.
    pub fn faults(&self, path: &str, faults: Value) {
        let v = self.admin("/sandbox/faults", json!({"path": path, "faults": faults}));
        assert!(v.get("errcode").is_none_or(|c| c == 0), "{v}");
    }

    /// An approved down-jacket card made through the simulator directly.
    pub fn approved_card(&self) -> String {
        self.rt.block_on(async {
            let body = support::fixture_body(&self.client, 86_400, 20 * 86_400).await;
            let id = self.client.create_card(&body).await.unwrap();
            support::admin(
                &self.client,
                "/sandbox/card/review",
                json!({"card_id": id, "approve": true}),
            )
            .await;
            id
        })
    }

    /// The fixture body with dates around the simulated clock.
    pub fn fixture(&self) -> coupon_studio::card::CreateBody {
        self.rt
            .block_on(support::fixture_body(&self.client, 86_400, 20 * 86_400))
    }

    /// The current stable token (the simulator hands every caller the same one).
    pub fn token(&self) -> String {
        self.rt.block_on(self.client.access_token()).unwrap()
    }
}

/// The app on `nav`, Chinese UI pinned.
pub fn app(data_dir: &Path, backend: Backend, nav: Nav) -> H {
    support::ui::app(data_dir, backend, nav, egui::vec2(1400.0, 1100.0))
}

/// Steps until `done`, failing after `limit`.
pub fn wait_for_within(h: &mut H, limit: Duration, what: &str, done: impl Fn(&H) -> bool) {
    let start = Instant::now();
    while start.elapsed() < limit {
        h.step();
        if done(h) {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("timed out waiting for {what}");
}

// The queries and actions every UI test needs are support::ui's.
pub use support::ui::{
    click, enabled as button_enabled, has as has_label_containing, set_text, wait_for,
};

/// Waits until the app has a draft open.
pub fn wait_for_draft(h: &mut H) -> i64 {
    wait_for(h, "a draft", |h| {
        h.state()
            .design
            .doc
            .as_ref()
            .is_some_and(|d| d.draft_id.is_some())
    });
    h.state().design.doc.as_ref().unwrap().draft_id.unwrap()
}

/// Activates the coin account and waits for the card and a confirmable quote.
pub fn start_with_quote(h: &mut H, card_id: &str, quantity: &str) {
    wait_for(h, "the activate button", |h| {
        button_enabled(h, "开通券点账户")
    });
    click(h, "开通券点账户");
    wait_for(h, "the free coins", |h| has_label_containing(h, "获赠"));
    wait_for(h, "the card in the list", |h| {
        h.state().wallet.card_id.as_deref() == Some(card_id)
    });
    set_text(h, "数量", quantity);
    wait_for(h, "the quote button", |h| button_enabled(h, "批价"));
    click(h, "批价");
    wait_for(h, "a confirmable quote", |h| button_enabled(h, "确认兑换"));
}
