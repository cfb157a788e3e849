//! Simulator: card/create (validated by its own specification, src/sandbox/spec/), review, card/get, batchget and
//! card/update, over loopback HTTP.

use coupon_studio::sandbox::SandboxConfig;
use serde_json::json;

use crate::support::fixture;
use crate::support::wire::{Sim, card_body};

/// The guide's cash example as copied from the page (non-breaking spaces included), with the
/// notice it leaves out added. Its "6个汉字tips" stays: 5.5 of 6.
fn guide_cash_text() -> String {
    let text = fixture("guide-cash.json");
    assert!(text.contains('\u{a0}'));
    text.replacen(
        "\"微信餐厅\",",
        "\"微信餐厅\", \"notice\": \"请出示二维码\",",
        1,
    )
}

async fn guide_sim() -> Sim {
    // Before the example's begin_timestamp (1447397802), inside the 5-day receive lead.
    Sim::start_with(SandboxConfig {
        start_time: Some(1_447_300_000),
        review_delay: std::time::Duration::from_secs(600),
        ..SandboxConfig::default()
    })
    .await
}

#[tokio::test]
async fn the_guides_cash_example_is_created_and_reviewed_by_delay() {
    let sim = guide_sim().await;
    let v = sim.post_text("/card/create", &guide_cash_text()).await;
    assert_eq!(v["errcode"], 0, "{v}");
    let id = v["card_id"].as_str().unwrap().to_owned();
    assert_eq!(id.len(), 28);
    let base = sim.card(&id).await;
    assert_eq!(base["status"], "CARD_STATUS_NOT_VERIFY");
    assert_eq!(base["id"], id.as_str());
    assert_eq!(base["sku"], json!({"quantity": 0, "total_quantity": 0}));
    assert_eq!(base["brand_name"], "微信餐厅");
    let full = sim.post("/card/get", json!({"card_id": id})).await;
    assert_eq!(full["card"]["card_type"], "CASH");
    assert_eq!(full["card"]["cash"]["reduce_cost"], 10);
    // Review takes `review_delay` (600 s here) of simulated time, which real time also moves:
    // the margins are wide enough for a loaded machine.
    sim.advance(540).await;
    assert_eq!(sim.card(&id).await["status"], "CARD_STATUS_NOT_VERIFY");
    sim.advance(60).await;
    assert_eq!(sim.card(&id).await["status"], "CARD_STATUS_VERIFY_OK");
}

#[tokio::test]
async fn the_unmodified_example_is_refused_for_its_missing_notice() {
    let sim = guide_sim().await;
    let text = fixture("guide-cash.json");
    let v = sim.post_text("/card/create", &text).await;
    assert_ne!(v["errcode"], 0);
    assert!(v["errmsg"].as_str().unwrap().contains("notice"), "{v}");
}

#[tokio::test]
async fn create_errors_name_the_field_and_carry_the_guides_codes() {
    let sim = Sim::start().await;
    let now = sim.now().await;
    let mut long = card_body(now + 86_400, now + 30 * 86_400);
    long["card"]["cash"]["base_info"]["brand_name"] = json!("一二三四五六七八九十一二三");
    let v = sim.post("/card/create", long).await;
    assert_ne!(v["errcode"], 0);
    assert!(v["errmsg"].as_str().unwrap().contains("brand_name"), "{v}");

    let span = card_body(now + 86_400, now + 86_400 + 91 * 86_400);
    assert_eq!(sim.post("/card/create", span).await["errcode"], 40079);

    let mut none = card_body(now + 86_400, now + 30 * 86_400);
    none["card"]["cash"]["base_info"]["location_id_list"] = json!([]);
    assert_eq!(sim.post("/card/create", none).await["errcode"], 41025);

    let mut unknown = card_body(now + 86_400, now + 30 * 86_400);
    unknown["card"]["cash"]["base_info"]["location_id_list"] = json!([272981040, 999]);
    let v = sim.post("/card/create", unknown).await;
    assert_eq!(v["errcode"], 40180, "{v}");

    let mut structure = card_body(now + 86_400, now + 30 * 86_400);
    structure["card"]["cash"]["reduce_cost"] = json!(true);
    let v = sim.post("/card/create", structure).await;
    assert_eq!(v["errcode"], 47001);
    assert!(
        v["errmsg"]
            .as_str()
            .unwrap()
            .contains("card.cash.reduce_cost"),
        "{v}"
    );
    assert_eq!(
        sim.post_text("/card/create", "not json").await["errcode"],
        47001
    );
    // Nothing was created by the refused calls.
    let list = sim
        .post("/card/batchget", json!({"offset": 0, "count": 50}))
        .await;
    assert_eq!(list["total_num"], 0);
}

#[tokio::test]
async fn review_by_admin_and_batchget_by_status() {
    let sim = Sim::start_with(SandboxConfig {
        review_delay: std::time::Duration::from_secs(600),
        ..SandboxConfig::default()
    })
    .await;
    let now = sim.now().await;
    let a = sim
        .create(&card_body(now + 86_400, now + 30 * 86_400))
        .await;
    let b = sim
        .create(&card_body(now + 86_400, now + 30 * 86_400))
        .await;
    let c = sim
        .create(&card_body(now + 86_400, now + 30 * 86_400))
        .await;
    sim.approve(&a).await;
    sim.admin(
        "/sandbox/card/review",
        json!({"card_id": b, "approve": false}),
    )
    .await;
    assert_eq!(sim.card(&a).await["status"], "CARD_STATUS_VERIFY_OK");
    assert_eq!(sim.card(&b).await["status"], "CARD_STATUS_VERIFY_FAIL");
    assert_eq!(sim.card(&c).await["status"], "CARD_STATUS_NOT_VERIFY");
    let all = sim
        .post("/card/batchget", json!({"offset": 0, "count": 50}))
        .await;
    assert_eq!(all["total_num"], 3);
    assert_eq!(all["card_id_list"], json!([c, b, a]));
    let page = sim
        .post("/card/batchget", json!({"offset": 1, "count": 1}))
        .await;
    assert_eq!(page["card_id_list"], json!([b]));
    let failed = sim
        .post(
            "/card/batchget",
            json!({"offset": 0, "count": 50, "status_list": ["CARD_STATUS_VERIFY_FAIL", "CARD_STATUS_NOT_VERIFY"]}),
        )
        .await;
    assert_eq!(failed["card_id_list"], json!([c, b]));
    let unknown = sim.post("/card/get", json!({"card_id": "pNope"})).await;
    assert_eq!(unknown["errcode"], 40053);
    let bad = sim
        .admin_try(
            "/sandbox/card/review",
            json!({"card_id": "pNope", "approve": true}),
        )
        .await;
    assert_eq!(bad["ok"], false);
}

#[tokio::test]
async fn update_send_check_fixed_fields_and_dates() {
    let sim = Sim::start().await;
    let now = sim.now().await;
    let (begin, end) = (now + 86_400, now + 30 * 86_400);
    let id = sim.create(&card_body(begin, end)).await;
    sim.approve(&id).await;
    let upd = |cash: serde_json::Value| json!({"card_id": id, "cash": cash});

    let v = sim
        .post(
            "/card/update",
            upd(json!({"base_info": {"service_phone": "400-000-0000", "get_limit": 2}})),
        )
        .await;
    assert_eq!(
        v,
        json!({"errcode": 0, "errmsg": "ok", "send_check": false})
    );
    assert_eq!(sim.card(&id).await["status"], "CARD_STATUS_VERIFY_OK");
    assert_eq!(sim.card(&id).await["service_phone"], "400-000-0000");

    let v = sim
        .post("/card/update", upd(json!({"advanced_info": {"abstract": {"abstract": "新摘要", "icon_url_list": ["http://mmbiz.qpic.cn/mmbiz/c/0"]}}})))
        .await;
    assert_eq!(v["send_check"], true, "{v}");
    assert_eq!(sim.card(&id).await["status"], "CARD_STATUS_NOT_VERIFY");
    sim.advance(3).await;
    assert_eq!(sim.card(&id).await["status"], "CARD_STATUS_VERIFY_OK");

    // Fields the guide does not allow fail the whole update.
    for bad in [
        json!({"base_info": {"brand_name": "别的"}}),
        json!({"reduce_cost": 1}),
        json!({"advanced_info": {"use_condition": {"least_cost": 1}}}),
    ] {
        let v = sim.post("/card/update", upd(bad.clone())).await;
        assert_eq!(v["errcode"], 47001, "{bad}: {v}");
    }
    let v = sim
        .post(
            "/card/update",
            upd(json!({"base_info": {"brand_name": "别的"}})),
        )
        .await;
    assert!(v["errmsg"].as_str().unwrap().contains("brand_name"));
    let wrong_type = sim
        .post(
            "/card/update",
            json!({"card_id": id, "gift": {"base_info": {"notice": "x"}}}),
        )
        .await;
    assert_eq!(wrong_type["errcode"], 47001);

    // notice: 16 characters at update, not 17.
    let v = sim
        .post(
            "/card/update",
            upd(json!({"base_info": {"notice": "一二三四五六七八九十一二三四五六"}})),
        )
        .await;
    assert_eq!(v["errcode"], 0, "{v}");
    let v = sim
        .post(
            "/card/update",
            upd(json!({"base_info": {"notice": "一二三四五六七八九十一二三四五六七"}})),
        )
        .await;
    assert_ne!(v["errcode"], 0);

    // Dates: widening within 90 days works; narrowing or past 90 days is 40079.
    let widen = json!({"base_info": {"date_info": {"type": "DATE_TYPE_FIX_TIME_RANGE", "begin_timestamp": begin, "end_timestamp": end + 86_400}}});
    let v = sim.post("/card/update", upd(widen)).await;
    assert_eq!(v["errcode"], 0, "{v}");
    assert_eq!(
        sim.card(&id).await["date_info"]["end_timestamp"],
        end + 86_400
    );
    let narrow = json!({"base_info": {"date_info": {"type": "DATE_TYPE_FIX_TIME_RANGE", "begin_timestamp": begin, "end_timestamp": end}}});
    assert_eq!(
        sim.post("/card/update", upd(narrow)).await["errcode"],
        40079
    );
    let far = json!({"base_info": {"date_info": {"type": "DATE_TYPE_FIX_TIME_RANGE", "begin_timestamp": begin, "end_timestamp": begin + 91 * 86_400}}});
    assert_eq!(sim.post("/card/update", upd(far)).await["errcode"], 40079);

    // Stores must be the account's.
    let v = sim
        .post(
            "/card/update",
            upd(json!({"base_info": {"location_id_list": [12345]}})),
        )
        .await;
    assert_eq!(v["errcode"], 40180);
    let v = sim
        .post("/card/update", json!({"card_id": "pNope", "cash": {}}))
        .await;
    assert_eq!(v["errcode"], 40053);
}

#[tokio::test]
async fn the_guides_create_rules_for_codes_stock_and_gift_back_cards_are_enforced() {
    let sim = Sim::start().await;
    let now = sim.now().await;
    let body = || card_body(now + 86_400, now + 30 * 86_400);
    // "暂不支持商家自定义Code码"
    let mut custom = body();
    custom["card"]["cash"]["base_info"]["use_custom_code"] = json!(true);
    let v = sim.post("/card/create", custom).await;
    assert_eq!(v["errcode"], 47001, "{v}");
    assert!(
        v["errmsg"].as_str().unwrap().contains("use_custom_code"),
        "{v}"
    );
    // "不支持在创建的时候填入库存"
    let mut stocked = body();
    stocked["card"]["cash"]["base_info"]["sku"] = json!({"quantity": 100});
    let v = sim.post("/card/create", stocked).await;
    assert_eq!(v["errcode"], 47001, "{v}");
    assert!(
        v["errmsg"].as_str().unwrap().contains("sku.quantity"),
        "{v}"
    );
    // "此处必须填入共享券": a gift-back card that does not exist is refused with 40148 …
    let mut gift_back = body();
    gift_back["card"]["cash"]["advanced_info"]["consume_share_self_num"] = json!(0);
    gift_back["card"]["cash"]["advanced_info"]["consume_share_card_list"] =
        json!([{"card_id": "pNoSuchCard0000000000000000", "num": 1}]);
    let v = sim.post("/card/create", gift_back.clone()).await;
    assert_eq!(v["errcode"], 40148, "{v}");
    assert!(
        v["errmsg"]
            .as_str()
            .unwrap()
            .contains("consume_share_card_list[0].card_id"),
        "{v}"
    );
    // … and one of this account's friends' coupons is accepted.
    let friend = sim.create(&body()).await;
    gift_back["card"]["cash"]["advanced_info"]["consume_share_card_list"][0]["card_id"] =
        json!(friend);
    let id = sim.create(&gift_back).await;
    // card/update is held to the same rule.
    let v = sim
        .post(
            "/card/update",
            json!({"card_id": id, "cash": {"advanced_info": {"consume_share_card_list": [{"card_id": "pGone", "num": 1}]}}}),
        )
        .await;
    assert_eq!(v["errcode"], 40148, "{v}");
}

#[tokio::test]
async fn card_get_answers_in_the_real_apis_shape() {
    // As captured from the real API: the colour as its hex value, create and update times,
    // share_friends present; the body's colour name is what was sent.
    let sim = Sim::start().await;
    let now = sim.now().await;
    let id = sim
        .create(&card_body(now + 86_400, now + 30 * 86_400))
        .await;
    let full = sim.post("/card/get", json!({"card_id": id})).await;
    let base = &full["card"]["cash"]["base_info"];
    let hex = base["color"].as_str().unwrap();
    assert!(hex.starts_with('#') && hex.len() == 7, "{base}");
    assert!(base["create_time"].as_i64().unwrap() >= now, "{base}");
    assert_eq!(base["update_time"], base["create_time"]);
    assert!(full["card"]["cash"]["advanced_info"]["share_friends"].is_boolean());
    // The members real answers carry beside the guide's.
    assert_eq!(base["source"], "api", "{base}");
    assert_eq!(base["use_custom_code"], false, "{base}");
    assert_eq!(base["bind_openid"], false, "{base}");
    assert_eq!(base["area_code_list"], json!([]), "{base}");
    assert!(
        base["url_name_type"]
            .as_str()
            .unwrap()
            .starts_with("URL_NAME_TYPE_")
    );
    // The app reads the answer back as the body it sent: none of these become its members.
    let details = coupon_studio::api::card::card_details_from(&id, &full).unwrap();
    let body = serde_json::to_value(&details.body).unwrap();
    for extra in [
        "source",
        "url_name_type",
        "use_custom_code",
        "bind_openid",
        "area_code_list",
    ] {
        assert!(
            body["card"]["cash"]["base_info"].get(extra).is_none(),
            "{extra}: {body}"
        );
    }
    sim.advance(60).await;
    let update = json!({"card_id": id, "cash": {"base_info": {"service_phone": "020-1234567"}}});
    assert_eq!(sim.post("/card/update", update).await["errcode"], 0);
    let base = sim.card(&id).await;
    assert!(
        base["update_time"].as_i64().unwrap() >= base["create_time"].as_i64().unwrap() + 60,
        "{base}"
    );
}

#[tokio::test]
async fn pictures_must_come_from_this_accounts_upload() {
    // "此处必须上传微信服务器返回的图片链接,否则报错" (guide line 188).
    let sim = Sim::start().await;
    let now = sim.now().await;
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.resize(200, 7);
    let uploaded = sim.upload("media", png).await;
    let url = uploaded["url"].as_str().unwrap().to_owned();
    let mut body = card_body(now + 86_400, now + 30 * 86_400);
    body["card"]["cash"]["base_info"]["logo_url"] = json!(url);
    let id = sim.create(&body).await;
    // A URL in the simulator's folder that its upload never issued is refused, naming it.
    let forged = format!("http://mmbiz.qpic.cn/sandbox/{}/0", "0".repeat(40));
    assert_ne!(forged, url);
    body["card"]["cash"]["base_info"]["logo_url"] = json!(forged);
    let v = sim.post("/card/create", body.clone()).await;
    assert_eq!(v["errcode"], 40141, "{v}");
    assert!(v["errmsg"].as_str().unwrap().contains("uploadimg"), "{v}");
    // The same at update, for the picture the update brings.
    let update = json!({"card_id": id, "cash": {"base_info": {"logo_url": forged}}});
    assert_eq!(sim.post("/card/update", update).await["errcode"], 40141);
    let update = json!({"card_id": id, "cash": {"base_info": {"logo_url": url}}});
    assert_eq!(sim.post("/card/update", update).await["errcode"], 0);
}
