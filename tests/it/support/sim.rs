//! The simulator's side of a UI test, which is not async: a client of its own and a runtime
//! to call it from (admin API, call counts, faults, cards made directly).

use coupon_studio::api::{ApiClient, TokenSource};
use serde_json::{Value, json};

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
        self.rt.block_on(super::admin(&self.client, path, body))
    }

    /// Calls the simulator received on a WeChat path.
    pub fn calls(&self, path: &str) -> u64 {
        self.rt.block_on(super::calls(&self.client, path))
    }

    /// Queues faults for `path`.
    pub fn faults(&self, path: &str, faults: Value) {
        let v = self.admin("/sandbox/faults", json!({"path": path, "faults": faults}));
        assert!(v.get("errcode").is_none_or(|c| c == 0), "{v}");
    }

    /// An approved down-jacket card (0.6 coins a unit) made through the simulator directly.
    pub fn approved_card(&self) -> String {
        self.rt.block_on(async {
            let body = super::fixture_body(&self.client, 86_400, 20 * 86_400).await;
            let id = self.client.create_card(&body).await.unwrap();
            super::admin(
                &self.client,
                "/sandbox/card/review",
                json!({"card_id": id, "approve": true}),
            )
            .await;
            id
        })
    }

    /// The fixture created through the simulator directly, not yet reviewed; its id.
    pub fn created_card(&self) -> String {
        self.rt
            .block_on(self.client.create_card(&self.fixture()))
            .unwrap()
    }

    /// The fixture body with dates around the simulated clock.
    pub fn fixture(&self) -> coupon_studio::card::CreateBody {
        self.rt
            .block_on(super::fixture_body(&self.client, 86_400, 20 * 86_400))
    }

    /// The current stable token (the simulator hands every caller the same one).
    pub fn token(&self) -> String {
        self.rt.block_on(self.client.access_token()).unwrap()
    }

    /// A card's stock.
    pub fn stock(&self, card_id: &str) -> i64 {
        self.rt.block_on(async {
            self.client
                .get_card(card_id)
                .await
                .unwrap()
                .quantity
                .unwrap_or(0)
        })
    }

    /// All the coins of the account.
    pub fn total_coins(&self) -> i64 {
        self.rt
            .block_on(self.client.get_coins_info())
            .unwrap()
            .total_coin
            .0
    }
}
