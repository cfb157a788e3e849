//! The simulator's faults and the client's answer to each: reads retry, writes do not,
//! money calls are never re-sent and report an uncertain outcome. Plus: the guide's own request
//! examples are accepted.

use std::time::Duration;

use coupon_studio::api::{ApiClient, ApiError, TokenSource};
use coupon_studio::card::import::parse_create_body;
use coupon_studio::sandbox::{SandboxConfig, SandboxHandle, spawn};
use serde_json::{Value, json};

use crate::support::*;

async fn setup() -> (SandboxHandle, ApiClient) {
    let handle = spawn(SandboxConfig::default()).await.unwrap();
    let client = ApiClient::with_timeouts(
        &handle.url(),
        TokenSource::Stable {
            appid: "wx".into(),
            secret: "s".into(),
        },
        Duration::from_secs(2),
        Duration::from_millis(800),
    )
    .unwrap();
    client.access_token().await.unwrap();
    (handle, client)
}

async fn fault(c: &ApiClient, path: &str, faults: Value) {
    admin(
        c,
        "/sandbox/faults",
        json!({"path": path, "faults": faults}),
    )
    .await;
}

async fn card_with_quote(c: &ApiClient) -> (String, String) {
    let body = fixture_body(c, 86_400, 10 * 86_400).await;
    let id = c.create_card(&body).await.unwrap();
    admin(
        c,
        "/sandbox/card/review",
        json!({"card_id": id, "approve": true}),
    )
    .await;
    c.pay_activate().await.unwrap();
    let q = c.get_pay_price(&id, 10).await.unwrap();
    (id, q.order_id)
}

#[tokio::test]
async fn reads_retry_through_500s_drops_and_busy() {
    let (_h, c) = setup().await;
    for kind in [
        json!({"kind": "http500"}),
        json!({"kind": "drop_before"}),
        json!({"kind": "errcode", "errcode": -1}),
    ] {
        fault(&c, "/card/getcolors", json!([kind.clone()])).await;
        let before = calls(&c, "/card/getcolors").await;
        assert_eq!(c.get_colors().await.unwrap().len(), 14, "{kind}");
        assert_eq!(
            calls(&c, "/card/getcolors").await - before,
            2,
            "{kind}: one failure, one retry"
        );
    }
    // Three failures in a row exhaust the two retries, with a clear error.
    fault(
        &c,
        "/card/getcolors",
        json!([{"kind": "http500"}, {"kind": "http500"}, {"kind": "http500"}]),
    )
    .await;
    assert!(matches!(
        c.get_colors().await,
        Err(ApiError::Http { status: 500, .. })
    ));
}

#[tokio::test]
async fn writes_are_not_retried() {
    let (_h, c) = setup().await;
    fault(&c, "/card/create", json!([{"kind": "http500"}])).await;
    let text = fixture("down-jacket.json");
    let body = parse_create_body(&text).unwrap();
    assert!(matches!(
        c.create_card(&body).await,
        Err(ApiError::Http { status: 500, .. })
    ));
    assert_eq!(calls(&c, "/card/create").await, 1);
}

#[tokio::test]
async fn a_dropped_confirm_is_uncertain_sent_once_and_reconcilable() {
    let (_h, c) = setup().await;
    let (id, order) = card_with_quote(&c).await;
    fault(&c, "/card/pay/confirm", json!([{"kind": "drop_after"}])).await;
    let err = c.confirm(&id, &order, 10).await.unwrap_err();
    assert!(matches!(err, ApiError::Uncertain { .. }), "{err:?}");
    assert_eq!(calls(&c, "/card/pay/confirm").await, 1, "never re-sent");
    // Reconcile: the order list and the stock show it happened.
    let list = c
        .get_order_list(&coupon_studio::api::OrderListQuery {
            order_type: Some("ORDER_TYPE_REDUCE".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(list.order_list[0].order_id, order);
    assert_eq!(c.get_card(&id).await.unwrap().quantity, Some(10));
}

#[tokio::test]
async fn a_malformed_or_slow_confirm_is_uncertain_too() {
    let (_h, c) = setup().await;
    let (id, order) = card_with_quote(&c).await;
    fault(&c, "/card/pay/confirm", json!([{"kind": "malformed"}])).await;
    assert!(matches!(
        c.confirm(&id, &order, 10).await,
        Err(ApiError::Uncertain { .. })
    ));
    let q = c.get_pay_price(&id, 1).await.unwrap();
    fault(
        &c,
        "/card/pay/confirm",
        json!([{"kind": "latency", "ms": 1500}]),
    )
    .await;
    assert!(matches!(
        c.confirm(&id, &q.order_id, 1).await,
        Err(ApiError::Uncertain { .. })
    ));
    assert_eq!(calls(&c, "/card/pay/confirm").await, 2);
    // A slow read is a timeout error after its retries, not a hang.
    fault(&c, "/card/getcolors", json!([{"kind": "latency", "ms": 1500}, {"kind": "latency", "ms": 1500}, {"kind": "latency", "ms": 1500}])).await;
    assert!(matches!(
        c.get_colors().await,
        Err(ApiError::Timeout { .. })
    ));
}

#[tokio::test]
async fn token_expiry_mid_flow_refreshes_once_except_for_money() {
    let (_h, c) = setup().await;
    fault(&c, "/card/batchget", json!([{"kind": "token_expired"}])).await;
    assert!(c.batch_get(0, 10, None).await.is_ok());
    assert_eq!(calls(&c, "/card/batchget").await, 2);
    let (id, order) = card_with_quote(&c).await;
    fault(&c, "/card/pay/confirm", json!([{"kind": "token_expired"}])).await;
    assert_eq!(
        c.confirm(&id, &order, 10).await.unwrap_err().errcode(),
        Some(42001)
    );
    assert_eq!(calls(&c, "/card/pay/confirm").await, 1);
    assert_eq!(c.get_card(&id).await.unwrap().quantity, Some(0));
}

/// The guide's request examples, literally (ids replaced by real ones where the call needs
/// them): none may be refused as malformed.
#[tokio::test]
async fn the_guides_request_examples_are_accepted() {
    let (_h, c) = setup().await;
    let (id, _) = card_with_quote(&c).await;
    admin(
        &c,
        "/sandbox/card/review",
        json!({"card_id": id, "approve": true}),
    )
    .await;
    admin(&c, "/sandbox/clock/advance", json!({"seconds": 86_401})).await; // into the validity
    c.get_colors().await.unwrap(); // the client meets 42001 and takes a fresh token
    let token = c.access_token().await.unwrap();
    let post = |path: &str, body: Value| {
        let c = c.clone();
        let url = format!("{}{path}?access_token={token}", c.base_url());
        async move {
            c.http()
                .post(url)
                .json(&body)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let v = post(
        "/card/pay/getpayprice",
        json!({"card_id": id, "quantity": "1"}),
    )
    .await;
    assert_eq!(v["errcode"], 0, "{v}");
    let v = post(
        "/card/pay/confirm",
        json!({"card_id": id, "order_id": v["order_id"], "quantity": "1"}),
    )
    .await;
    assert_eq!(v["errcode"], 0, "{v}");
    let v = post("/card/pay/recharge", json!({"coin_count": 100})).await;
    assert_eq!(v["errcode"], 0, "{v}");
    let v = post("/card/pay/getorder", json!({"order_id": v["order_id"]})).await;
    assert_eq!(v["errcode"], 0, "{v}");
    let v = post("/card/pay/getorderlist", json!({"offset": 0, "count": 5, "order_type": "ORDER_TYPE_WXPAY", "nor_filter": {"status": "ORDER_STATUS_SUCC"}, "sort_info": {"sort_key": "SORT_BY_TIME", "sort_type": "SORT_DESC"}, "begin_time": "1440420538", "end_time": "1450713203"})).await;
    assert_eq!(v["errcode"], 0, "{v}");
    let v = post("/card/qrcode/create", json!({"action_name": "QR_CARD", "expire_seconds": 1800, "action_info": {"card": {"card_id": id, "code": "198374613512", "openid": "oFS7Fjl0WsZ9AMZqrI80nbIq8xrA", "is_unique_code": false, "outer_id": 1}}})).await;
    assert_eq!(v["errcode"], 0, "{v}");
    let scanned = admin(&c, "/sandbox/user/scan", json!({"card_id": id})).await;
    let code = scanned["code"].clone();
    let v = post(
        "/card/code/get",
        json!({"card_id": id, "code": code, "check_consume": true}),
    )
    .await;
    assert_eq!(v["errcode"], 0, "{v}");
    let v = post(
        "/card/code/decrypt",
        json!({"encrypt_code": scanned["encrypt_code"]}),
    )
    .await;
    assert_eq!(v["code"], code, "{v}");
    let v = post(
        "/card/code/mark",
        json!({"code": code, "card_id": id, "openid": "obcdkalgsdklkdooooooo", "is_mark": true}),
    )
    .await;
    assert_eq!(v["errcode"], 0, "{v}");
    let v = post(
        "/card/code/consume",
        json!({"code": code, "openid": "obcdkalgsdklkdooooooo"}),
    )
    .await;
    assert_eq!(v["errcode"], 0, "{v}");
    let v = post(
        "/datacube/getcardbizuininfo",
        json!({"begin_date": "2015-06-15", "end_date": "2015-06-30", "cond_source": 0}),
    )
    .await;
    // Datacube successes carry only the list, no errcode.
    assert!(v.get("errcode").is_none() && v["list"].is_array(), "{v}");
    let v = post("/datacube/getcardcardinfo", json!({"begin_date": "2015-06-15", "end_date": "2015-06-30", "cond_source": 0, "card_id": id})).await;
    assert!(v.get("errcode").is_none() && v["list"].is_array(), "{v}");
    // The guide's update example (its card_id replaced) is accepted.
    let mut update: Value = serde_json::from_str(
        &coupon_studio::card::import::normalize_whitespace(&fixture("guide-update.json")),
    )
    .unwrap();
    update["card_id"] = json!(id);
    // Its gift-back card must exist and the two gift-back fields are exclusive: point it at this card.
    update["cash"]["advanced_info"]["consume_share_card_list"][0]["card_id"] = json!(id);
    // As printed: its tip "6个汉字tips" is 5.5 of 6 (a half-width letter counts one half).
    let v = post("/card/update", update.clone()).await;
    assert_eq!(v["errcode"], 0, "{v}");
    // Two more half-width characters make it 6.5: refused, naming the field and the length.
    update["cash"]["base_info"]["custom_url_sub_title"] = json!("6个汉字tips!!");
    let v = post("/card/update", update.clone()).await;
    let msg = v["errmsg"].as_str().unwrap();
    assert!(
        msg.contains("custom_url_sub_title") && msg.contains("6.5"),
        "{v}"
    );
    update["cash"]["base_info"]["custom_url_sub_title"] = json!("更多惊喜");
    let v = post("/card/update", update).await;
    assert_eq!(v["errcode"], 0, "{v}");
    assert_eq!(v["send_check"], true);
}
