//! Simulator: QR placement, the test whitelist and users scanning, over loopback HTTP.

use serde_json::{Value, json};

use crate::support::wire::{Sim, card_body};

fn qr(card_id: &str, extra: Value) -> Value {
    let mut card = json!({"card_id": card_id});
    if let (Some(c), Some(e)) = (card.as_object_mut(), extra.as_object()) {
        c.extend(e.clone());
    }
    json!({"action_name": "QR_CARD", "action_info": {"card": card}})
}

#[tokio::test]
async fn qrcode_create_bounds_and_shape() {
    let sim = Sim::start().await;
    let id = sim.ready_card(5).await;
    let mut body = qr(&id, json!({"outer_id": 7}));
    let permanent = sim.post("/card/qrcode/create", body.clone()).await;
    assert_eq!(permanent["errcode"], 0, "{permanent}");
    // Permanent, yet the answer says a year, as the real API's does.
    assert_eq!(permanent["expire_seconds"], 31_536_000);
    let ticket = permanent["ticket"].as_str().unwrap();
    assert!(
        permanent["url"]
            .as_str()
            .unwrap()
            .starts_with("http://weixin.qq.com/q/")
    );
    let show = permanent["show_qrcode_url"].as_str().unwrap();
    assert!(show.starts_with("https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket="));
    let encoded: String = url::form_urlencoded::byte_serialize(ticket.as_bytes()).collect();
    assert!(show.ends_with(&encoded));
    for (secs, code) in [(59, 40053), (60, 0), (1800, 0), (1801, 40053)] {
        body["expire_seconds"] = json!(secs);
        let v = sim.post("/card/qrcode/create", body.clone()).await;
        assert_eq!(v["errcode"], code, "{secs}: {v}");
        if code == 0 {
            assert_eq!(v["expire_seconds"], secs);
        }
    }
    let mut wrong = qr(&id, json!({}));
    wrong["action_name"] = json!("QR_SCENE");
    assert_eq!(
        sim.post("/card/qrcode/create", wrong).await["errcode"],
        40053
    );
    assert_eq!(
        sim.post("/card/qrcode/create", qr("pNope", json!({})))
            .await["errcode"],
        40053
    );
}

#[tokio::test]
async fn unique_codes_need_an_approved_card_with_stock_and_scan_once() {
    let sim = Sim::start().await;
    let now = sim.now().await;
    let id = sim
        .create(&card_body(now - 86_400, now + 20 * 86_400))
        .await;
    let unique = qr(&id, json!({"is_unique_code": true}));
    // In review.
    assert_eq!(
        sim.post("/card/qrcode/create", unique.clone()).await["errcode"],
        40053
    );
    sim.approve(&id).await;
    // Approved, no stock.
    assert_eq!(
        sim.post("/card/qrcode/create", unique.clone()).await["errcode"],
        40053
    );
    sim.stock(&id, 3).await;
    let v = sim.post("/card/qrcode/create", unique).await;
    assert_eq!(v["errcode"], 0, "{v}");
    let first = sim
        .admin(
            "/sandbox/user/scan",
            json!({"ticket": v["ticket"], "openid": "oA"}),
        )
        .await;
    assert_eq!(first["card_id"], id.as_str());
    let second = sim
        .admin_try(
            "/sandbox/user/scan",
            json!({"ticket": v["ticket"], "openid": "oB"}),
        )
        .await;
    assert_eq!(second["ok"], false, "{second}");
    assert_eq!(sim.card(&id).await["sku"]["quantity"], 2);
}

#[tokio::test]
async fn scans_keep_outer_id_take_stock_and_respect_expiry_and_openid() {
    let sim = Sim::start().await;
    let id = sim.ready_card(3).await;
    let q = sim
        .post("/card/qrcode/create", qr(&id, json!({"outer_id": 42})))
        .await;
    let by_ticket = sim
        .admin("/sandbox/user/scan", json!({"ticket": q["ticket"]}))
        .await;
    assert_eq!(by_ticket["outer_id"], 42);
    assert_eq!(by_ticket["code"].as_str().unwrap().len(), 12);
    assert!(by_ticket["openid"].as_str().unwrap().starts_with('o'));
    let by_url = sim
        .admin(
            "/sandbox/user/scan",
            json!({"url": q["url"], "openid": "oUrl"}),
        )
        .await;
    assert_eq!(by_url["openid"], "oUrl");
    assert_eq!(by_url["outer_id"], 42);
    assert_eq!(sim.card(&id).await["sku"]["quantity"], 1);

    let timed = sim
        .post(
            "/card/qrcode/create",
            qr(&id, json!({}))
                .as_object()
                .map(|o| {
                    let mut o = o.clone();
                    o.insert("expire_seconds".into(), json!(60));
                    Value::Object(o)
                })
                .unwrap(),
        )
        .await;
    sim.advance(61).await;
    let late = sim
        .admin_try("/sandbox/user/scan", json!({"ticket": timed["ticket"]}))
        .await;
    assert_eq!(late["ok"], false);

    let personal = sim
        .post("/card/qrcode/create", qr(&id, json!({"openid": "oOnly"})))
        .await;
    let other = sim
        .admin_try(
            "/sandbox/user/scan",
            json!({"ticket": personal["ticket"], "openid": "oOther"}),
        )
        .await;
    assert_eq!(other["ok"], false);
    sim.admin(
        "/sandbox/user/scan",
        json!({"ticket": personal["ticket"], "openid": "oOnly"}),
    )
    .await;
    // Out of stock now.
    let none = sim
        .admin_try("/sandbox/user/scan", json!({"card_id": id}))
        .await;
    assert_eq!(none["ok"], false);
    assert!(none["error"].as_str().unwrap().contains("stock"), "{none}");
}

#[tokio::test]
async fn whitelist_limits_and_unapproved_cards_only_for_listed_users() {
    let sim = Sim::start().await;
    let eleven: Vec<String> = (0..11).map(|i| format!("o{i}")).collect();
    assert_eq!(
        sim.post("/card/testwhitelist/set", json!({"openid": eleven}))
            .await["errcode"],
        45021
    );
    assert_eq!(
        sim.post("/card/testwhitelist/set", json!({"openid": ["o1", "o2", "o3", "o4", "o5", "o6"], "username": ["u1", "u2", "u3", "u4", "u5"]})).await["errcode"],
        45021
    );
    assert_eq!(
        sim.post("/card/testwhitelist/set", json!({})).await["errcode"],
        40053
    );
    let set = sim
        .post(
            "/card/testwhitelist/set",
            json!({"openid": ["oTester"], "username": ["tester"]}),
        )
        .await;
    assert_eq!(set["errcode"], 0, "{set}");
    // The real answer's members: the size and what was set.
    assert_eq!(set["white_list_size"], 2);
    assert_eq!(set["success_openid"], json!(["oTester"]));
    assert_eq!(set["success_username"], json!(["tester"]));
    // A card back in review after an update, with stock bought while it was approved (stock
    // cannot be bought in review).
    let now = sim.now().await;
    let id = sim
        .create(&card_body(now - 86_400, now + 20 * 86_400))
        .await;
    sim.approve(&id).await;
    sim.stock(&id, 5).await;
    let v = sim
        .post(
            "/card/update",
            json!({"card_id": id, "cash": {"base_info": {"notice": "请出示二维码核销"}}}),
        )
        .await;
    assert_eq!(v["send_check"], true, "{v}");
    assert_eq!(sim.card(&id).await["status"], "CARD_STATUS_NOT_VERIFY");
    let stranger = sim
        .admin_try(
            "/sandbox/user/scan",
            json!({"card_id": id, "openid": "oStranger"}),
        )
        .await;
    assert_eq!(stranger["ok"], false);
    sim.admin(
        "/sandbox/user/scan",
        json!({"card_id": id, "openid": "oTester"}),
    )
    .await;
    sim.admin(
        "/sandbox/user/scan",
        json!({"card_id": id, "openid": "oX", "username": "tester"}),
    )
    .await;
    // The list is replaced, not extended.
    sim.post("/card/testwhitelist/set", json!({"username": ["other"]}))
        .await;
    let gone = sim
        .admin_try(
            "/sandbox/user/scan",
            json!({"card_id": id, "openid": "oTester"}),
        )
        .await;
    assert_eq!(gone["ok"], false);
    let state = sim.admin_get("/sandbox/state").await;
    assert_eq!(
        state["whitelist"],
        json!({"openid": [], "username": ["other"]})
    );
}

#[tokio::test]
async fn get_limit_caps_codes_per_user() {
    let sim = Sim::start().await;
    let id = sim.ready_card(10).await; // get_limit 3 in the fixture
    for _ in 0..3 {
        sim.scan(&id, "oGreedy").await;
    }
    let fourth = sim
        .admin_try(
            "/sandbox/user/scan",
            json!({"card_id": id, "openid": "oGreedy"}),
        )
        .await;
    assert_eq!(fourth["ok"], false);
    sim.scan(&id, "oSomeoneElse").await;
}
