//! Placement, redemption and statistics through the client and the simulator.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test fails loudly on purpose.

use coupon_studio::api::{ApiClient, QrRequest, TicketType};
use coupon_studio::card::Int;
use coupon_studio::card::import::parse_create_body;
use serde_json::{Value, json};

mod support;
use support::*;

/// An approved card with `stock` units, valid from now for `days` days.
async fn stocked_card(c: &ApiClient, stock: u32, days: i64) -> String {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/down-jacket.json"
    ))
    .unwrap();
    let mut body = parse_create_body(&text).unwrap();
    let t = sim_now(c).await;
    let d = body.card.date_info_mut();
    d.begin_timestamp = Some(Int::Num(t - 60));
    d.end_timestamp = Some(Int::Num(t + days * 86_400));
    let id = c.create_card(&body).await.unwrap();
    admin(
        c,
        "/sandbox/card/review",
        json!({"card_id": id, "approve": true}),
    )
    .await;
    if stock > 0 {
        c.pay_activate().await.unwrap();
        let q = c.get_pay_price(&id, stock).await.unwrap();
        c.confirm(&id, &q.order_id, stock).await.unwrap();
    }
    id
}

async fn scan(c: &ApiClient, body: Value) -> Value {
    admin(c, "/sandbox/user/scan", body).await
}

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

#[tokio::test]
async fn every_code_status_path() {
    let (_h, c) = setup().await;
    let id = stocked_card(&c, 20, 30).await;
    let code = |v: &Value| v["code"].as_str().unwrap().to_owned();
    // NORMAL → consumed offline → CONSUMED; a second consume is 40099.
    let a = code(&scan(&c, json!({"card_id": id})).await);
    let info = c.get_code(Some(&id), &a, true).await.unwrap();
    assert_eq!(
        (info.user_card_status.as_str(), info.can_consume),
        ("NORMAL", true)
    );
    c.consume_code(&a).await.unwrap();
    assert_eq!(
        c.get_code(None, &a, false).await.unwrap().user_card_status,
        "CONSUMED"
    );
    assert_eq!(
        c.get_code(None, &a, true).await.unwrap_err().errcode(),
        Some(40127)
    );
    assert_eq!(c.consume_code(&a).await.unwrap_err().errcode(), Some(40099));
    // Forced statuses.
    for (status, consume_err) in [
        ("GIFTING", 40078),
        ("DELETE", 40078),
        ("GIFT_TIMEOUT", 40127),
        ("UNAVAILABLE", 40127),
    ] {
        let x = code(&scan(&c, json!({"card_id": id})).await);
        admin(
            &c,
            "/sandbox/code/status",
            json!({"code": x, "status": status}),
        )
        .await;
        let info = c.get_code(None, &x, false).await.unwrap();
        assert_eq!(
            (info.user_card_status.as_str(), info.can_consume),
            (status, false)
        );
        assert_eq!(
            c.get_code(None, &x, true).await.unwrap_err().errcode(),
            Some(40127),
            "{status}"
        );
        assert_eq!(
            c.consume_code(&x).await.unwrap_err().errcode(),
            Some(consume_err),
            "{status}"
        );
    }
    // Unknown code: 40056.
    assert_eq!(
        c.get_code(None, "000000000000", true)
            .await
            .unwrap_err()
            .errcode(),
        Some(40056)
    );
    assert_eq!(
        c.consume_code("000000000000").await.unwrap_err().errcode(),
        Some(40056)
    );
    // EXPIRE once the validity is over.
    let e = code(&scan(&c, json!({"card_id": id})).await);
    admin(
        &c,
        "/sandbox/clock/advance",
        json!({"seconds": 31 * 86_400}),
    )
    .await;
    assert_eq!(
        c.get_code(None, &e, false).await.unwrap().user_card_status,
        "EXPIRE"
    );
    assert_eq!(c.consume_code(&e).await.unwrap_err().errcode(), Some(40079));
}

#[tokio::test]
async fn online_consume_needs_the_mark_and_marks_conflict() {
    let (_h, c) = setup().await;
    let id = stocked_card(&c, 5, 30).await;
    let got = scan(&c, json!({"card_id": id, "openid": "oOwner"})).await;
    let code = got["code"].as_str().unwrap().to_owned();
    // decrypt the URL form of the code; garbage is 40075.
    assert_eq!(
        c.decrypt_code(got["encrypt_code"].as_str().unwrap())
            .await
            .unwrap(),
        code
    );
    assert_eq!(
        c.decrypt_code("not-a-code").await.unwrap_err().errcode(),
        Some(40075)
    );
    assert_eq!(
        c.consume_code_online(&code, "oFriend")
            .await
            .unwrap_err()
            .errcode(),
        Some(40003)
    );
    c.mark_code(&code, &id, "oFriend", true).await.unwrap();
    c.mark_code(&code, &id, "oFriend", true).await.unwrap(); // same openid again: fine
    assert_eq!(
        c.mark_code(&code, &id, "oOther", true)
            .await
            .unwrap_err()
            .errcode(),
        Some(40146)
    );
    assert_eq!(
        c.mark_code(&code, &id, "oOther", false)
            .await
            .unwrap_err()
            .errcode(),
        Some(40416)
    );
    assert_eq!(
        c.get_code(None, &code, true).await.unwrap().mark_openid,
        "oFriend"
    );
    // The mark lapses after 5 minutes.
    admin(&c, "/sandbox/clock/advance", json!({"seconds": 301})).await;
    c.mark_code(&code, &id, "oOther", true).await.unwrap();
    let (card, who) = c.consume_code_online(&code, "oOther").await.unwrap();
    assert_eq!((card.as_str(), who.as_str()), (id.as_str(), "oOther"));
}

#[tokio::test]
async fn consume_gives_back_a_coupon_and_statistics_count_it_all() {
    let (_h, c) = setup().await;
    let id = stocked_card(&c, 10, 30).await; // the fixture has consume_share_self_num = 1
    let got = scan(&c, json!({"card_id": id, "openid": "oA", "outer_id": 3})).await;
    admin(
        &c,
        "/sandbox/user/share",
        json!({"code": got["code"], "friends": 4}),
    )
    .await;
    scan(&c, json!({"card_id": id, "openid": "oB", "outer_id": 3})).await;
    c.consume_code(got["code"].as_str().unwrap()).await.unwrap();
    // Stock: 10 − 2 scans − 1 gift-back.
    assert_eq!(c.get_card(&id).await.unwrap().quantity, Some(7));
    let today = coupon_studio::card::beijing::date_of(sim_now(&c).await)
        .unwrap()
        .format("%Y-%m-%d")
        .to_string();
    let rows = c.card_card_info(&today, &today, 0, &id).await.unwrap();
    assert_eq!(rows.len(), 1);
    let r = &rows[0];
    // views: 2 scans + 4 friends + 1 gift-back receive; receives: 2 scans + 1 gift-back.
    assert_eq!((r.view_cnt, r.view_user), (7, 6));
    assert_eq!((r.receive_cnt, r.receive_user), (3, 2));
    assert_eq!((r.verify_cnt, r.verify_user), (1, 1));
    assert_eq!((r.given_cnt, r.given_user), (1, 1));
    let biz = c.card_biz_uin_info(&today, &today, 0).await.unwrap();
    assert_eq!(biz[0].receive_cnt, 3);
}

#[tokio::test]
async fn datacube_checks_format_and_the_62_day_range() {
    let (_h, c) = setup().await;
    assert_eq!(
        c.card_biz_uin_info("2015/06/15", "2015-06-30", 0)
            .await
            .unwrap_err()
            .errcode(),
        Some(61500)
    );
    assert_eq!(
        c.card_biz_uin_info("2015-6-15", "2015-06-30", 0)
            .await
            .unwrap_err()
            .errcode(),
        Some(61500)
    );
    // 62 days counting both ends is allowed; 63 is not.
    assert!(
        c.card_biz_uin_info("2015-06-01", "2015-08-01", 0)
            .await
            .is_ok()
    );
    assert_eq!(
        c.card_biz_uin_info("2015-06-01", "2015-08-02", 0)
            .await
            .unwrap_err()
            .errcode(),
        Some(61501)
    );
    assert_eq!(
        c.card_biz_uin_info("2015-06-30", "2015-06-15", 0)
            .await
            .unwrap_err()
            .errcode(),
        Some(61501)
    );
    // The guide's own example body is accepted.
    assert!(
        c.card_biz_uin_info("2015-06-15", "2015-06-30", 0)
            .await
            .unwrap()
            .is_empty()
    );
}
