//! Channel QR codes, the test whitelist and tickets through the client and the simulator.

use coupon_studio::api::{QrRequest, TicketType};
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn qrcode_options_and_scans_keep_the_channel() {
    let (_h, c) = setup().await;
    let id = stocked_card(&c, 10, 30).await;
    let permanent = c
        .create_qrcode(&QrRequest {
            card_id: id.clone(),
            outer_id: Some(7),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(permanent.expire_seconds, None);
    assert!(permanent.url.starts_with("http://weixin.qq.com/q/"));
    for bad in [59, 1801] {
        let req = QrRequest {
            card_id: id.clone(),
            expire_seconds: Some(bad),
            ..Default::default()
        };
        assert_eq!(
            c.create_qrcode(&req).await.unwrap_err().errcode(),
            Some(40053),
            "{bad}"
        );
    }
    let timed = c
        .create_qrcode(&QrRequest {
            card_id: id.clone(),
            expire_seconds: Some(60),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(timed.expire_seconds, Some(60));
    let got = scan(&c, json!({"url": permanent.url})).await;
    assert_eq!(got["outer_id"], 7);
    assert_eq!(c.get_card(&id).await.unwrap().quantity, Some(9));
    admin(&c, "/sandbox/clock/advance", json!({"seconds": 61})).await;
    assert_eq!(
        scan(&c, json!({"ticket": timed.ticket})).await["ok"],
        false,
        "expired QR"
    );
    // A unique code needs an approved card with stock, and scans once.
    let unique = c
        .create_qrcode(&QrRequest {
            card_id: id.clone(),
            is_unique_code: true,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(scan(&c, json!({"ticket": unique.ticket})).await["ok"], true);
    assert_eq!(
        scan(&c, json!({"ticket": unique.ticket})).await["ok"],
        false
    );
    let empty = stocked_card(&c, 0, 30).await;
    let req = QrRequest {
        card_id: empty,
        is_unique_code: true,
        ..Default::default()
    };
    assert_eq!(
        c.create_qrcode(&req).await.unwrap_err().errcode(),
        Some(40053)
    );
}

#[tokio::test]
async fn whitelist_allows_unapproved_cards_and_holds_ten_entries() {
    let (_h, c) = setup().await;
    let id = stocked_card(&c, 5, 30).await;
    admin(
        &c,
        "/sandbox/card/review",
        json!({"card_id": id, "approve": false}),
    )
    .await;
    assert_eq!(
        scan(&c, json!({"card_id": id, "openid": "oTester"})).await["ok"],
        false
    );
    c.set_test_whitelist(&["oTester".into()], &["wx_user".into()])
        .await
        .unwrap();
    assert_eq!(
        scan(&c, json!({"card_id": id, "openid": "oTester"})).await["ok"],
        true
    );
    let eleven: Vec<String> = (0..11).map(|i| format!("o{i}")).collect();
    assert_eq!(
        c.set_test_whitelist(&eleven, &[])
            .await
            .unwrap_err()
            .errcode(),
        Some(45021)
    );
    assert_eq!(
        c.set_test_whitelist(&[], &[]).await.unwrap_err().errcode(),
        Some(40053)
    );
}

#[tokio::test]
async fn tickets_are_cached_while_valid() {
    let (_h, c) = setup().await;
    let a = c.get_ticket(TicketType::WxCard).await.unwrap();
    let b = c.get_ticket(TicketType::WxCard).await.unwrap();
    assert_eq!(a.ticket, b.ticket);
    assert!(a.expires_in <= 7200 && a.expires_in > 7000);
    assert_ne!(
        c.get_ticket(TicketType::Jsapi).await.unwrap().ticket,
        a.ticket
    );
}
