//! Several merchants in one simulator: two merchants authorize the platform and each gets a
//! card created, stocked with its own coins and placed through its authorizer token; neither
//! can see, update, stock, consume or spend the other's cards, codes or coins (nor can the
//! default merchant, nor they its); admin calls act for the merchant they name; and the state
//! file keeps them all, while a file of one account still loads as the default merchant.

use coupon_studio::api::{QrRequest, SandboxAdmin};
use coupon_studio::errcode;
use coupon_studio::sandbox::{SandboxConfig, spawn};
use serde_json::{Value, json};

use crate::support::platform::{Merchant, Platform};
use crate::support::{fixture_body, setup_client, temp_dir};

fn errcode(v: &Value) -> i64 {
    v["errcode"].as_i64().unwrap_or(0)
}

/// What a merchant holds after its platform worked for it: a stocked card, a QR placement,
/// a user's code of that card (and its encrypt_code), and an open price quote.
struct Holding {
    token: String,
    admin: SandboxAdmin,
    card: String,
    qr_ticket: String,
    code: String,
    encrypt_code: String,
    quote: String,
    order: String,
}

/// Through `token` (the app's client, as the desktop will use it): a card created, approved by
/// the reviewer, stocked with 100 units bought with the merchant's coins, a QR placement, a
/// user's scan, and a quote left open.
async fn work_for(p: &Platform, token: &str, admin: SandboxAdmin) -> Holding {
    let client = coupon_studio::api::ApiClient::new(
        &p.base,
        coupon_studio::api::TokenSource::Fixed(token.to_owned()),
    )
    .unwrap();
    let card = client
        .create_card(&fixture_body(&client, -60, 20 * 86_400).await)
        .await
        .unwrap();
    admin.review(&card, true).await.unwrap();
    client.pay_activate().await.unwrap();
    let q = client.get_pay_price(&card, 100).await.unwrap();
    client.confirm(&card, &q.order_id, 100).await.unwrap();
    let qr = client
        .create_qrcode(&QrRequest {
            card_id: card.clone(),
            expire_seconds: Some(1800),
            is_unique_code: false,
            outer_id: Some(7),
            openid: None,
        })
        .await
        .unwrap();
    let scanned = admin
        .scan(&json!({"ticket": qr.ticket, "openid": "oSbxSameUserInBothShops00000"}))
        .await
        .unwrap();
    let quote = client.get_pay_price(&card, 10).await.unwrap().order_id;
    Holding {
        token: token.to_owned(),
        admin,
        card,
        qr_ticket: qr.ticket,
        code: scanned["code"].as_str().unwrap().to_owned(),
        encrypt_code: scanned["encrypt_code"].as_str().unwrap().to_owned(),
        quote,
        order: q.order_id,
    }
}

/// What `actor` tries on `victim`'s things, and the errcode each must get: exactly the one an
/// unknown id gets.
async fn trespass(p: &Platform, actor: &Holding, victim: &Holding) {
    let card = json!({ "card_id": victim.card });
    let tries: Vec<(&str, Value, i64)> = vec![
        ("/card/get", card.clone(), errcode::CARD_ID),
        (
            "/card/update",
            json!({"card_id": victim.card, "cash": {"base_info": {"description": "改"}}}),
            errcode::CARD_ID,
        ),
        (
            "/card/pay/getpayprice",
            json!({"card_id": victim.card, "quantity": 1}),
            errcode::CARD_ID,
        ),
        (
            "/card/pay/confirm",
            json!({"card_id": victim.card, "order_id": victim.quote, "quantity": 10}),
            errcode::ORDER_UNKNOWN,
        ),
        (
            "/card/pay/getorder",
            json!({ "order_id": victim.order }),
            errcode::ORDER_UNKNOWN,
        ),
        (
            "/card/qrcode/create",
            json!({"action_name": "QR_CARD", "action_info": {"card": {"card_id": victim.card}}}),
            errcode::CARD_ID,
        ),
        (
            "/card/code/get",
            json!({"code": victim.code, "check_consume": false}),
            errcode::SERIAL_CODE,
        ),
        (
            "/card/code/consume",
            json!({ "code": victim.code }),
            errcode::SERIAL_CODE,
        ),
        (
            "/card/code/mark",
            json!({"code": victim.code, "card_id": victim.card, "openid": "oSbxSameUserInBothShops00000", "is_mark": true}),
            errcode::SERIAL_CODE,
        ),
        (
            "/card/code/decrypt",
            json!({ "encrypt_code": victim.encrypt_code }),
            errcode::ENCRYPT_CODE,
        ),
    ];
    for (path, body, want) in tries {
        let v = p.wechat(path, &actor.token, Some(body)).await;
        assert_eq!(errcode(&v), want, "{path} on another merchant's: {v}");
    }
    // Its lists name only its own.
    let list = p
        .wechat(
            "/card/batchget",
            &actor.token,
            Some(json!({"offset": 0, "count": 50})),
        )
        .await;
    assert_eq!(list["card_id_list"], json!([actor.card]), "{list}");
    let orders = p
        .wechat(
            "/card/pay/getorderlist",
            &actor.token,
            Some(json!({"offset": 0, "count": 50})),
        )
        .await;
    assert!(!orders.to_string().contains(&victim.order), "{orders}");
    // Its admin calls cannot reach the other's card, code or placement either.
    let review = actor.admin.review(&victim.card, false).await.unwrap_err();
    assert!(review.to_string().contains("unknown card_id"), "{review}");
    let scan = actor
        .admin
        .scan(&json!({"ticket": victim.qr_ticket}))
        .await
        .unwrap_err();
    assert!(!scan.to_string().is_empty());
    let status = actor
        .admin
        .post_any(
            "/sandbox/code/status",
            &json!({"code": victim.code, "status": "CONSUMED"}),
        )
        .await
        .unwrap();
    assert_eq!(status["ok"], false, "{status}");
}

#[tokio::test]
async fn two_merchants_work_through_the_platform_and_neither_reaches_the_others_things() {
    let p = Platform::start().await;
    let ctoken = p.component_token().await;
    let a: Merchant = p.authorize(&ctoken, "wxshopa00000000001", "甲店").await;
    let b: Merchant = p.authorize(&ctoken, "wxshopb00000000001", "乙店").await;
    let admin = p.admin();
    let ha = work_for(&p, &a.token, admin.clone().for_merchant(&a.appid)).await;
    let hb = work_for(&p, &b.token, admin.clone().for_merchant(&b.appid)).await;
    // The default merchant, with its own token, holds things too.
    let own = setup_client(&p.base);
    let own_token = own.access_token().await.unwrap();
    let hd = work_for(&p, &own_token, admin.clone()).await;
    // Each merchant's coins are its own: 200 free coins each, less 100 units at 0.6.
    for h in [&ha, &hb, &hd] {
        let coins = p.wechat("/card/pay/getcoinsinfo", &h.token, None).await;
        assert_eq!(coins["total_coin"], 140, "{coins}");
    }
    for (actor, victim) in [(&ha, &hb), (&hb, &ha), (&ha, &hd), (&hd, &ha), (&hb, &hd)] {
        trespass(&p, actor, victim).await;
    }
    // Nothing of the victims moved: their cards, codes, quotes and coins are as they were.
    for h in [&ha, &hb, &hd] {
        let card = p
            .wechat("/card/get", &h.token, Some(json!({ "card_id": h.card })))
            .await;
        let base = &card["card"]["cash"]["base_info"];
        assert_eq!(base["status"], "CARD_STATUS_VERIFY_OK", "{card}");
        assert_eq!(
            base["sku"]["quantity"], 99,
            "100 bought, one claimed: {card}"
        );
        assert_ne!(base["description"], "改");
        let code = p
            .wechat(
                "/card/code/get",
                &h.token,
                Some(json!({"code": h.code, "check_consume": false})),
            )
            .await;
        assert_eq!(code["user_card_status"], "NORMAL", "{code}");
        let coins = p.wechat("/card/pay/getcoinsinfo", &h.token, None).await;
        assert_eq!(coins["total_coin"], 140, "{coins}");
        // The owner can still use its quote: nobody else spent it.
        let confirmed = p
            .wechat(
                "/card/pay/confirm",
                &h.token,
                Some(json!({"card_id": h.card, "order_id": h.quote, "quantity": 10})),
            )
            .await;
        assert_eq!(errcode(&confirmed), 0, "{confirmed}");
    }
    // The other paths work for an authorizer token, each on its merchant's own data.
    let ticket = p
        .wechat("/cgi-bin/ticket/getticket?type=wx_card", &a.token, None)
        .await;
    assert_eq!(errcode(&ticket), 0, "{ticket}");
    let pois = p
        .wechat(
            "/cgi-bin/poi/getpoilist",
            &a.token,
            Some(json!({"begin": 0, "limit": 50})),
        )
        .await;
    assert!(pois["total_count"].as_i64().unwrap() > 0, "{pois}");
    let client_a = p.client(&a);
    let today = coupon_studio::card::beijing::date_of(admin.now().await.unwrap()).unwrap();
    let day = today.pred_opt().unwrap().to_string();
    let stats = client_a.card_card_info(&day, &day, 0, &ha.card).await;
    assert!(stats.is_ok(), "{stats:?}");
    // A's uploads are its own: B's card cannot use A's picture.
    let png = crate::support::photo::photo_png(64, 64);
    let url = client_a.upload_image(png, "logo.png").await.unwrap();
    let client_b = p.client(&b);
    let mut body = fixture_body(&client_b, 86_400, 20 * 86_400).await;
    body.card.base_info_mut().logo_url = Some(url);
    let refused = client_b.create_card(&body).await.unwrap_err().to_string();
    assert!(refused.contains("40141"), "{refused}");
    // The admin API lists the three.
    let merchants = admin.merchants().await.unwrap();
    let listed: Vec<(&str, bool, bool)> = merchants
        .iter()
        .map(|m| {
            (
                m["appid"].as_str().unwrap(),
                m["default"] == true,
                m["authorized"] == true,
            )
        })
        .collect();
    assert_eq!(
        listed[1..],
        [
            (a.appid.as_str(), false, true),
            (b.appid.as_str(), false, true)
        ]
    );
    assert_eq!((listed[0].1, listed[0].2), (true, false));
}

#[tokio::test]
async fn an_admin_call_acts_for_the_merchant_it_names() {
    let h = spawn(SandboxConfig::default()).await.unwrap();
    let admin = SandboxAdmin::with_http(reqwest::Client::new(), &h.url());
    // Unknown merchants are refused; a merchant of its own can be added.
    let stranger = admin.clone().for_merchant("wxnobody").now().await;
    assert!(
        admin
            .clone()
            .for_merchant("wxnobody")
            .review("p", true)
            .await
            .is_err()
    );
    assert!(stranger.is_ok(), "the clock is everyone's");
    admin
        .add_merchant("wxown00000000000001", Some("自营"))
        .await
        .unwrap();
    assert!(
        admin
            .add_merchant("wxown00000000000001", None)
            .await
            .is_err()
    );
    // Its own token (cgi-bin/token with its AppID) acts for it alone.
    let mine: Value = reqwest::get(format!(
        "{}/cgi-bin/token?grant_type=client_credential&appid=wxown00000000000001&secret=any",
        h.url()
    ))
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let token = mine["access_token"].as_str().unwrap();
    let client = coupon_studio::api::ApiClient::new(
        &h.url(),
        coupon_studio::api::TokenSource::Fixed(token.to_owned()),
    )
    .unwrap();
    let id = client
        .create_card(&fixture_body(&client, 86_400, 20 * 86_400).await)
        .await
        .unwrap();
    // The default merchant's admin does not know the card; the named merchant's does.
    assert!(admin.review(&id, true).await.is_err());
    let own = admin.clone().for_merchant("wxown00000000000001");
    own.review(&id, true).await.unwrap();
    let state = own.get("/sandbox/state").await.unwrap();
    assert_eq!(state["appid"], "wxown00000000000001");
    assert_eq!(state["cards"][0]["status"], "CARD_STATUS_VERIFY_OK");
    let default_state = admin.get("/sandbox/state").await.unwrap();
    assert_eq!(default_state["cards"], json!([]));
    // The query member names a merchant as the header does.
    let by_query = admin
        .get("/sandbox/state?merchant=wxown00000000000001")
        .await
        .unwrap();
    assert_eq!(by_query["appid"], "wxown00000000000001");
}

#[tokio::test]
async fn the_state_file_keeps_every_merchant_and_the_platforms_authorizations() {
    let dir = temp_dir("platform-state");
    let path = dir.join("state.json");
    let config = || SandboxConfig {
        state_file: Some(path.clone()),
        ..SandboxConfig::default()
    };
    let p = Platform::start_with(config()).await;
    let ctoken = p.component_token().await;
    let m = p.authorize(&ctoken, "wxkeep000000000001", "留").await;
    let client = p.client(&m);
    let id = client
        .create_card(&fixture_body(&client, 86_400, 20 * 86_400).await)
        .await
        .unwrap();
    p.handle.shutdown().await;
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert!(saved["merchants"]["wxkeep000000000001"]["cards"][&id].is_object());
    assert!(saved["platform"]["authorizations"]["wxkeep000000000001"].is_object());
    assert!(
        saved["cards"].as_object().unwrap().is_empty(),
        "the default merchant's"
    );
    // Restarted: the authorizer token still acts for its merchant, whose card is there.
    let again = Platform::start_with(config()).await;
    let v = again
        .wechat("/card/get", &m.token, Some(json!({ "card_id": id })))
        .await;
    assert_eq!(errcode(&v), 0, "{v}");
    again.handle.shutdown().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_state_file_of_one_account_loads_as_the_default_merchant() {
    let dir = temp_dir("old-state");
    let path = dir.join("state.json");
    // A file as the simulator of one account wrote it (tests/fixtures).
    std::fs::write(&path, crate::support::fixture("sandbox-state-v1.json")).unwrap();
    let h = spawn(SandboxConfig {
        state_file: Some(path.clone()),
        // The file's clock, a few minutes on: the card is in its validity.
        start_time: Some(1_893_427_500),
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let client = setup_client(&h.url());
    let card = client
        .get_card("pSbxOldFileCard0000000000001")
        .await
        .unwrap();
    assert_eq!(card.quantity, Some(40));
    let coins = client.get_coins_info().await.unwrap();
    assert_eq!(coins.free_coin.0, 17_600);
    let admin = SandboxAdmin::with_http(reqwest::Client::new(), &h.url());
    assert_eq!(
        admin.calls("/card/create").await.unwrap(),
        3,
        "the old count stays"
    );
    assert_eq!(admin.merchants().await.unwrap().len(), 1);
    h.shutdown().await;
    // Saved back, the default merchant stays at the top of the file.
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert!(saved["cards"]["pSbxOldFileCard0000000000001"].is_object());
    assert!(saved.get("merchants").is_none());
    let _ = std::fs::remove_dir_all(dir);
}
