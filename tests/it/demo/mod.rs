//! 载入示例活动 (issue 18): the demo campaign on a fresh simulator, through WeChat's own paths,
//! and in the app (a click on the empty Design panel fills every panel).

mod ui;

use std::time::Duration;

use coupon_studio::api::{ApiClient, SandboxAdmin, TokenSource};
use coupon_studio::demo::{self, CHANNELS, DEMO_STOCK, DemoError};
use coupon_studio::sandbox::{SandboxConfig, SandboxHandle, spawn};

use crate::support::{calls, setup, sim_admin};

/// Loads the demo on a fresh simulator.
async fn loaded(seed: u64) -> (SandboxHandle, ApiClient, demo::DemoCampaign) {
    let (h, c) = setup().await;
    let campaign = demo::load(&c, &sim_admin(&c), seed).await.unwrap();
    (h, c, campaign)
}

#[tokio::test]
async fn the_demo_makes_an_approved_card_with_stock_channels_orders_and_a_week_of_data() {
    let (_h, c, campaign) = loaded(42).await;
    let card = c.get_card(&campaign.card_id).await.unwrap();
    assert_eq!(card.status, "CARD_STATUS_VERIFY_OK");
    let received = campaign.simulated["events"]["receive"].as_i64().unwrap();
    assert!(received > 0, "{}", campaign.simulated);
    // Stock: what was bought, less what the simulated customers received (gift-backs too).
    let left = card.quantity.unwrap();
    assert!(left > 0 && left < i64::from(DEMO_STOCK), "{left}");
    // The pictures are this account's uploads, served back.
    assert_eq!(calls(&c, "/cgi-bin/media/uploadimg").await, 4);
    let logo = card
        .body
        .card
        .base_info()
        .unwrap()
        .logo_url
        .clone()
        .unwrap();
    assert!(logo.starts_with("http://mmbiz.qpic.cn/sandbox/"), "{logo}");
    // One permanent QR per channel, with its outer_id.
    assert_eq!(campaign.channels.len(), CHANNELS.len());
    for (ch, (outer_id, label)) in campaign.channels.iter().zip(CHANNELS) {
        assert_eq!((ch.outer_id, ch.label.as_str()), (outer_id, label));
        assert!(ch.url.starts_with("http"), "{}", ch.url);
    }
    // Orders: the free coins, the recharge and the stock purchase.
    let orders = crate::support::all_orders(&c).await;
    let types: Vec<&str> = orders
        .order_list
        .iter()
        .map(|o| o.order_type.as_str())
        .collect();
    for t in ["ORDER_TYPE_SYS_ADD", "ORDER_TYPE_WXPAY"] {
        assert!(types.contains(&t), "{t}: {types:?}");
    }
    assert!(types.len() >= 3, "{types:?}");
    // A week of datacube rows, each simulated receive counted once.
    let today = coupon_studio::card::beijing::date_of(sim_admin(&c).now().await.unwrap()).unwrap();
    let rows = c
        .card_card_info(
            &(today - chrono::Duration::days(7)).to_string(),
            &(today - chrono::Duration::days(1)).to_string(),
            1,
            &campaign.card_id,
        )
        .await
        .unwrap();
    assert_eq!(rows.len(), 7, "{rows:?}");
    assert_eq!(rows.iter().map(|r| r.receive_cnt).sum::<i64>(), received);
}

#[tokio::test]
async fn the_demo_is_the_same_for_the_same_seed() {
    let (_a, _, first) = loaded(7).await;
    let (_b, _, again) = loaded(7).await;
    let (_c, _, other) = loaded(8).await;
    assert_eq!(first.simulated["events"], again.simulated["events"]);
    assert_ne!(first.simulated["events"], other.simulated["events"]);
}

#[tokio::test]
async fn without_the_simulators_admin_api_nothing_is_sent() {
    // The WeChat side answers, the admin side does not (as on a real account): the demo stops
    // at its first call, before any upload, card or coin call.
    let handle = spawn(SandboxConfig::default()).await.unwrap();
    let client = ApiClient::new(
        &handle.url(),
        TokenSource::Stable {
            appid: "wx".into(),
            secret: "s".into(),
        },
    )
    .unwrap();
    let nowhere = SandboxAdmin::new("http://127.0.0.1:9", Duration::from_secs(2)).unwrap();
    let err = demo::load(&client, &nowhere, 1).await.unwrap_err();
    assert!(matches!(err, DemoError::NotASimulator(_)), "{err}");
    for path in [
        "/cgi-bin/media/uploadimg",
        "/card/create",
        "/card/pay/recharge",
    ] {
        assert_eq!(calls(&client, path).await, 0, "{path}");
    }
}
