//! Helpers shared by the API integration tests: a simulator with a client, the admin API, and
//! the down-jacket fixture with dates relative to the simulated clock.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)] // Not every test file uses every helper.

pub mod ui;

use coupon_studio::api::{ApiClient, TokenSource};
use coupon_studio::card::import::parse_create_body;
use coupon_studio::card::{CreateBody, Int};
use coupon_studio::sandbox::{SandboxConfig, SandboxHandle, spawn};
use serde_json::Value;

/// A fresh simulator and a stable-token client for it.
pub async fn setup() -> (SandboxHandle, ApiClient) {
    let handle = spawn(SandboxConfig::default()).await.unwrap();
    let client = ApiClient::new(
        &handle.url(),
        TokenSource::Stable {
            appid: "wx1".into(),
            secret: "s".into(),
        },
    )
    .unwrap();
    (handle, client)
}

/// POSTs to the simulator's admin API.
pub async fn admin(c: &ApiClient, path: &str, body: Value) -> Value {
    c.http()
        .post(format!("{}{path}", c.base_url()))
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Calls the simulator received on a WeChat path.
pub async fn calls(c: &ApiClient, path: &str) -> u64 {
    let v: Value = c
        .http()
        .get(format!("{}/sandbox/calls", c.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["counts"][path].as_u64().unwrap_or(0)
}

/// The simulated time.
pub async fn sim_now(c: &ApiClient) -> i64 {
    let v: Value = c
        .http()
        .get(format!("{}/sandbox/clock", c.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["now"].as_i64().unwrap()
}

/// The down-jacket fixture, valid from `begin` to `end` seconds after the simulated now.
pub async fn fixture_body(c: &ApiClient, begin: i64, end: i64) -> CreateBody {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/down-jacket.json"
    ))
    .unwrap();
    let mut body = parse_create_body(&text).unwrap();
    let now = sim_now(c).await;
    let d = body.card.date_info_mut();
    d.begin_timestamp = Some(Int::Num(now + begin));
    d.end_timestamp = Some(Int::Num(now + end));
    body
}
