//! Simulator: code/get, decrypt, mark and consume through every status, over loopback HTTP.

use serde_json::{Value, json};

use crate::support::wire::{Sim, card_body, with_condition};

async fn code_get(sim: &Sim, code: &str, check: bool) -> Value {
    sim.post(
        "/card/code/get",
        json!({"code": code, "check_consume": check}),
    )
    .await
}

async fn force(sim: &Sim, code: &str, status: &str) {
    sim.admin(
        "/sandbox/code/status",
        json!({"code": code, "status": status}),
    )
    .await;
}

async fn consume(sim: &Sim, body: Value) -> Value {
    sim.post("/card/code/consume", body).await
}

async fn mark(sim: &Sim, code: &str, card_id: &str, openid: &str, is_mark: bool) -> Value {
    sim.post(
        "/card/code/mark",
        json!({"code": code, "card_id": card_id, "openid": openid, "is_mark": is_mark}),
    )
    .await
}

#[tokio::test]
async fn code_get_normal_and_every_abnormal_status() {
    let sim = Sim::start().await;
    let id = sim.ready_card(20).await;
    let got = sim.scan(&id, "oHolder").await;
    let code = got["code"].as_str().unwrap();
    let v = sim
        .post(
            "/card/code/get",
            json!({"card_id": id, "code": code, "check_consume": true}),
        )
        .await;
    assert_eq!(v["errcode"], 0, "{v}");
    assert_eq!(v["openid"], "oHolder");
    assert_eq!(v["can_consume"], true);
    assert_eq!(v["user_card_status"], "NORMAL");
    assert_eq!(v["use_count"], 0);
    assert_eq!(v["mark_openid"], "");
    assert_eq!(v["card"]["card_id"], id.as_str());
    // As captured answers do: the code itself, and outer_str, unionid, background_pic_url.
    assert_eq!(v["card"]["code"], code);
    for extra in ["outer_str", "unionid", "background_pic_url"] {
        assert!(v[extra].is_string(), "{extra}: {v}");
    }
    let base = sim.card(&id).await;
    assert_eq!(
        v["card"]["begin_time"],
        base["date_info"]["begin_timestamp"]
    );
    assert_eq!(v["card"]["end_time"], base["date_info"]["end_timestamp"]);

    assert_eq!(code_get(&sim, "000000000000", true).await["errcode"], 40056);
    let other_card = sim
        .post("/card/code/get", json!({"card_id": "pOther", "code": code}))
        .await;
    assert_eq!(other_card["errcode"], 40056);
    // WeChat's wording, then a request id that changes on every answer.
    let msg = other_card["errmsg"].as_str().unwrap();
    assert!(msg.starts_with("invalid serial code hint: ["), "{msg}");
    assert_eq!(msg.len(), "invalid serial code hint: [".len() + 15, "{msg}");

    // With check_consume, any status but NORMAL is 40127 (the guide's example).
    for (status, checked) in [
        ("CONSUMED", 40127),
        ("EXPIRE", 40127),
        ("GIFTING", 40127),
        ("GIFT_TIMEOUT", 40127),
        ("DELETE", 40127),
        ("UNAVAILABLE", 40127),
    ] {
        let c = sim.scan(&id, &format!("o{status}")).await["code"]
            .as_str()
            .unwrap()
            .to_owned();
        force(&sim, &c, status).await;
        assert_eq!(
            code_get(&sim, &c, true).await["errcode"],
            checked,
            "{status}"
        );
        let v = code_get(&sim, &c, false).await;
        assert_eq!(v["errcode"], 0, "{status}");
        assert_eq!(v["can_consume"], false, "{status}");
        assert_eq!(v["user_card_status"], status);
    }
    let bad = sim
        .admin_try(
            "/sandbox/code/status",
            json!({"code": code, "status": "LOST"}),
        )
        .await;
    assert_eq!(bad["ok"], false);
}

#[tokio::test]
async fn consume_refuses_each_status_and_time() {
    let sim = Sim::start().await;
    let id = sim.ready_card(30).await;
    assert_eq!(
        consume(&sim, json!({"code": "123"})).await["errcode"],
        40056
    );
    for (status, errcode) in [
        ("CONSUMED", 40099),
        ("DELETE", 40078),
        ("GIFTING", 40078),
        ("GIFT_TIMEOUT", 40127),
        ("UNAVAILABLE", 40127),
        ("EXPIRE", 40079),
    ] {
        let c = sim.scan(&id, &format!("o{status}")).await["code"]
            .as_str()
            .unwrap()
            .to_owned();
        force(&sim, &c, status).await;
        assert_eq!(
            consume(&sim, json!({"code": c})).await["errcode"],
            errcode,
            "{status}"
        );
    }
    // A card that starts tomorrow can be received, not used.
    let now = sim.now().await;
    let later = sim
        .create(&card_body(now + 86_400, now + 10 * 86_400))
        .await;
    sim.approve(&later).await;
    sim.stock(&later, 2).await;
    let early = sim.scan(&later, "oEarly").await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(code_get(&sim, &early, true).await["can_consume"], false);
    let v = consume(&sim, json!({"code": early})).await;
    assert_eq!(v["errcode"], 40079, "{v}");
    // The validity ends: NORMAL codes read as EXPIRE.
    let c = sim.scan(&id, "oLate").await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    sim.advance(31 * 86_400).await;
    let mut sim = sim;
    sim.refresh().await;
    let v = code_get(&sim, &c, false).await;
    assert_eq!(v["user_card_status"], "EXPIRE");
    assert_eq!(consume(&sim, json!({"code": c})).await["errcode"], 40079);
}

#[tokio::test]
async fn offline_consume_gives_the_card_back_and_counts_use() {
    let sim = Sim::start().await;
    let id = sim.ready_card(3).await; // consume_share_self_num 1 in the fixture
    let code = sim.scan(&id, "oUser").await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let v = consume(&sim, json!({"code": code})).await;
    assert_eq!(
        v,
        json!({"errcode": 0, "errmsg": "ok", "card": {"card_id": id}, "openid": "oUser"})
    );
    assert_eq!(
        code_get(&sim, &code, false).await["user_card_status"],
        "CONSUMED"
    );
    assert_eq!(consume(&sim, json!({"code": code})).await["errcode"], 40099);
    // The gift-back code: same card, same user, one more unit of stock used.
    let state = sim.admin_get("/sandbox/state").await;
    let back: Vec<&Value> = state["codes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["source"] == "gift_back")
        .collect();
    assert_eq!(back.len(), 1);
    assert_eq!(back[0]["openid"], "oUser");
    assert_eq!(back[0]["card_id"], id.as_str());
    assert_eq!(back[0]["status"], "NORMAL");
    assert_eq!(sim.card(&id).await["sku"]["quantity"], 1);
    let back_code = back[0]["code"].as_str().unwrap().to_owned();
    assert_eq!(code_get(&sim, &back_code, true).await["use_count"], 1);
    // Consume the gift: another gift (the last unit), then none when out of stock.
    consume(&sim, json!({"code": back_code})).await;
    assert_eq!(sim.card(&id).await["sku"]["quantity"], 0);
    let third = sim.admin_get("/sandbox/state").await["codes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["source"] == "gift_back" && c["status"] == "NORMAL")
        .count();
    assert_eq!(third, 1);

    // A card without gift-back gives nothing.
    let now = sim.now().await;
    let mut plain = with_condition(
        card_body(now - 86_400, now + 9 * 86_400),
        json!({"accept_category": "鞋类"}),
    );
    plain["card"]["cash"]["advanced_info"]["consume_share_self_num"] = json!(0);
    let pid = sim.create(&plain).await;
    sim.approve(&pid).await;
    sim.stock(&pid, 5).await;
    let c = sim.scan(&pid, "oPlain").await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    consume(&sim, json!({"code": c})).await;
    assert_eq!(sim.card(&pid).await["sku"]["quantity"], 4);
}

#[tokio::test]
async fn marks_conflicts_unmark_expiry_and_online_consume() {
    let sim = Sim::start().await;
    let id = sim.ready_card(5).await;
    let code = sim.scan(&id, "oHolder").await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    // Online consume without a mark.
    assert_eq!(
        consume(&sim, json!({"code": code, "openid": "oA"})).await["errcode"],
        40003
    );
    assert_eq!(mark(&sim, &code, &id, "oA", true).await["errcode"], 0);
    assert_eq!(mark(&sim, &code, &id, "oA", true).await["errcode"], 0);
    assert_eq!(mark(&sim, &code, &id, "oB", true).await["errcode"], 40146);
    assert_eq!(code_get(&sim, &code, true).await["mark_openid"], "oA");
    assert_eq!(mark(&sim, &code, &id, "oB", false).await["errcode"], 40416);
    // is_mark defaults to true.
    let v = sim
        .post(
            "/card/code/mark",
            json!({"code": code, "card_id": id, "openid": "oA"}),
        )
        .await;
    assert_eq!(v["errcode"], 0);
    assert_eq!(
        consume(&sim, json!({"code": code, "openid": "oB"})).await["errcode"],
        40003
    );
    // The mark lapses after 300 s; then B may mark.
    sim.advance(301).await;
    assert_eq!(code_get(&sim, &code, true).await["mark_openid"], "");
    assert_eq!(mark(&sim, &code, &id, "oB", true).await["errcode"], 0);
    assert_eq!(mark(&sim, &code, &id, "oB", false).await["errcode"], 0);
    assert_eq!(mark(&sim, &code, &id, "oB", false).await["errcode"], 40416);
    assert_eq!(mark(&sim, &code, &id, "oA", true).await["errcode"], 0);
    let v = consume(&sim, json!({"code": code, "openid": "oA"})).await;
    assert_eq!(v["errcode"], 0, "{v}");
    assert_eq!(v["openid"], "oA");
    // Only NORMAL codes can be marked.
    assert_eq!(mark(&sim, &code, &id, "oA", true).await["errcode"], 40127);
    assert_eq!(
        mark(&sim, "999999999999", &id, "oA", true).await["errcode"],
        40056
    );
}

#[tokio::test]
async fn decrypt_reverses_encrypt_and_refuses_garbage() {
    let sim = Sim::start().await;
    let id = sim.ready_card(2).await;
    let got = sim.scan(&id, "oUser").await;
    let v = sim
        .post(
            "/card/code/decrypt",
            json!({"encrypt_code": got["encrypt_code"]}),
        )
        .await;
    assert_eq!(v["errcode"], 0, "{v}");
    assert_eq!(v["code"], got["code"]);
    let enc = sim
        .admin("/sandbox/code/encrypt", json!({"code": "751234212312"}))
        .await;
    let v = sim
        .post(
            "/card/code/decrypt",
            json!({"encrypt_code": enc["encrypt_code"]}),
        )
        .await;
    assert_eq!(v["code"], "751234212312");
    // URL-encoded, as taken from a custom URL.
    let encoded: String =
        url::form_urlencoded::byte_serialize(enc["encrypt_code"].as_str().unwrap().as_bytes())
            .collect();
    let v = sim
        .post("/card/code/decrypt", json!({"encrypt_code": encoded}))
        .await;
    assert_eq!(v["code"], "751234212312");
    for garbage in [
        "XXIzTtMqCxwOaawoE91+VJdsFmv7b8g0VZIZkqf4GWA60Fzpc8ksZ/5ZZ0DVkXdE",
        "",
        "%%%",
    ] {
        let v = sim
            .post("/card/code/decrypt", json!({"encrypt_code": garbage}))
            .await;
        assert_eq!(v["errcode"], 40075, "{garbage}");
    }
}
