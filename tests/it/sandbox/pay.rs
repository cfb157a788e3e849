//! Simulator: the coin wallet (card/pay/*), over loopback HTTP.

use base64::Engine;
use serde_json::{Value, json};

use crate::support::wire::{Sim, card_body, with_condition};

async fn card(sim: &Sim, condition: Option<Value>) -> String {
    let now = sim.now().await;
    let body = card_body(now + 86_400, now + 30 * 86_400);
    let body = match condition {
        Some(c) => with_condition(body, c),
        None => body,
    };
    let id = sim.create(&body).await;
    sim.approve(&id).await;
    id
}

async fn quote(sim: &Sim, card_id: &str, quantity: Value) -> Value {
    sim.post(
        "/card/pay/getpayprice",
        json!({"card_id": card_id, "quantity": quantity}),
    )
    .await
}

async fn confirm(sim: &Sim, card_id: &str, order_id: &Value, quantity: Value) -> Value {
    sim.post(
        "/card/pay/confirm",
        json!({"card_id": card_id, "order_id": order_id, "quantity": quantity}),
    )
    .await
}

async fn coins(sim: &Sim) -> (Value, Value, Value) {
    let v = sim.get("/card/pay/getcoinsinfo").await;
    assert_eq!(v["errcode"], 0);
    (
        v["free_coin"].clone(),
        v["pay_coin"].clone(),
        v["total_coin"].clone(),
    )
}

async fn recharge_paid(sim: &Sim, coins: i64) -> String {
    let r = sim
        .post("/card/pay/recharge", json!({"coin_count": coins}))
        .await;
    assert_eq!(r["errcode"], 0, "{r}");
    let id = r["order_id"].as_str().unwrap().to_owned();
    sim.admin("/sandbox/recharge/pay", json!({"order_id": id}))
        .await;
    id
}

#[tokio::test]
async fn activate_rewards_200_once() {
    let sim = Sim::start().await;
    assert_eq!(coins(&sim).await, (json!(0), json!(0), json!(0)));
    let first = sim.get("/card/pay/activate").await;
    // The reward comes as a string, as real answers were seen to send it.
    assert_eq!(
        first,
        json!({"errcode": 0, "errmsg": "ok", "reward": "200"})
    );
    assert_eq!(sim.get("/card/pay/activate").await["reward"], 0);
    assert_eq!(coins(&sim).await, (json!(200), json!(0), json!(200)));
    let list = sim
        .post(
            "/card/pay/getorderlist",
            json!({"order_type": "ORDER_TYPE_SYS_ADD"}),
        )
        .await;
    assert_eq!(list["total_num"], 1);
    assert_eq!(list["order_list"][0]["free_coin_count"], "200");
}

#[tokio::test]
async fn price_tiers_and_quote_shape() {
    let sim = Sim::start().await;
    sim.get("/card/pay/activate").await;
    let none = card(&sim, Some(json!({"can_use_with_other_discount": true}))).await;
    let category = card(&sim, Some(json!({"accept_category": "鞋类"}))).await;
    let least = card(&sim, None).await;
    for (id, unit) in [(&none, "0.2"), (&category, "0.4"), (&least, "0.6")] {
        let q = quote(&sim, id, json!("1")).await;
        assert_eq!(q["errcode"], 0, "{q}");
        assert_eq!(q["price"], unit);
        assert_eq!(q["free_coin"], unit);
        assert_eq!(q["pay_coin"], "0");
        assert!(q["order_id"].as_str().unwrap().len() > 100);
    }
    let q = quote(&sim, &least, json!(1000)).await;
    assert_eq!(
        (
            q["price"].clone(),
            q["free_coin"].clone(),
            q["pay_coin"].clone()
        ),
        (json!("600"), json!("200"), json!("400"))
    );
    assert_eq!(quote(&sim, &least, json!(0)).await["errcode"], 41315);
    assert_eq!(quote(&sim, &least, json!(100_001)).await["errcode"], 41315);
    assert_eq!(quote(&sim, &least, json!("x")).await["errcode"], 41315);
    assert_eq!(quote(&sim, &least, json!(100_000)).await["errcode"], 0);
    assert_eq!(quote(&sim, "pNope", json!(1)).await["errcode"], 40053);
}

#[tokio::test]
async fn confirm_adds_stock_once_and_refuses_every_bad_case() {
    let sim = Sim::start().await;
    sim.get("/card/pay/activate").await;
    let id = card(&sim, None).await;
    let q = quote(&sim, &id, json!(10)).await;
    let order = q["order_id"].clone();
    // Mismatches first (they do not use the quote up).
    assert_eq!(
        confirm(&sim, &id, &order, json!(11)).await["errcode"],
        41313
    );
    let other = card(&sim, None).await;
    assert_eq!(
        confirm(&sim, &other, &order, json!(10)).await["errcode"],
        41313
    );
    assert_eq!(
        confirm(&sim, &id, &json!("Pnope"), json!(10)).await["errcode"],
        41310
    );
    let ok = confirm(&sim, &id, &order, json!("10")).await;
    assert_eq!(ok, json!({"errcode": 0, "errmsg": "ok"}));
    assert_eq!(
        sim.card(&id).await["sku"],
        json!({"quantity": 10, "total_quantity": 10})
    );
    assert_eq!(
        confirm(&sim, &id, &order, json!(10)).await["errcode"],
        41312
    );
    assert_eq!(sim.card(&id).await["sku"]["quantity"], 10);
    // 0.6 × 10 = 6 free coins spent: 194 left.
    assert_eq!(coins(&sim).await.0, json!(194));

    // A quote dies after 60 s.
    let late = quote(&sim, &id, json!(1)).await;
    sim.advance(61).await;
    assert_eq!(
        confirm(&sim, &id, &late["order_id"], json!(1)).await["errcode"],
        41311
    );

    // Not enough coins: 194 < 0.6 × 1000.
    let big = quote(&sim, &id, json!(1000)).await;
    assert_eq!(big["pay_coin"], "406");
    let v = confirm(&sim, &id, &big["order_id"], json!(1000)).await;
    assert_eq!(v["errcode"], 41314, "{v}");
    assert_eq!(sim.card(&id).await["sku"]["quantity"], 10);
    let reduce = sim
        .post(
            "/card/pay/getorderlist",
            json!({"order_type": "ORDER_TYPE_REDUCE"}),
        )
        .await;
    assert_eq!(reduce["total_num"], 1);
    let o = &reduce["order_list"][0];
    assert_eq!(o["order_id"], order);
    assert_eq!(o["status"], "ORDER_STATUS_QUANTITY_SUCC");
    assert_eq!(o["free_coin_count"], "6");
}

#[tokio::test]
async fn free_coins_are_spent_before_paid_ones_and_fractions_stay_exact() {
    let sim = Sim::start().await;
    sim.get("/card/pay/activate").await;
    recharge_paid(&sim, 50).await;
    assert_eq!(coins(&sim).await, (json!(200), json!(50), json!(250)));
    let id = card(&sim, None).await;
    let q = quote(&sim, &id, json!(1)).await;
    confirm(&sim, &id, &q["order_id"], json!(1)).await;
    assert_eq!(coins(&sim).await, (json!(199.4), json!(50), json!(249.4)));
    let q = quote(&sim, &id, json!(400)).await;
    assert_eq!(
        (q["free_coin"].clone(), q["pay_coin"].clone()),
        (json!("199.4"), json!("40.6"))
    );
    assert_eq!(
        confirm(&sim, &id, &q["order_id"], json!(400)).await["errcode"],
        0
    );
    assert_eq!(coins(&sim).await, (json!(0), json!(9.4), json!(9.4)));
    assert_eq!(sim.card(&id).await["sku"]["quantity"], 401);
}

#[tokio::test]
async fn fifty_concurrent_confirms_of_one_quote_succeed_once() {
    let sim = Sim::start().await;
    sim.get("/card/pay/activate").await;
    let id = card(&sim, None).await;
    let q = quote(&sim, &id, json!(100)).await;
    let body = json!({"card_id": id, "order_id": q["order_id"], "quantity": 100}).to_string();
    let url = sim.url("/card/pay/confirm");
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let (http, url, body) = (sim.http.clone(), url.clone(), body.clone());
            tokio::spawn(async move {
                let v: Value = http
                    .post(url)
                    .body(body)
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                v["errcode"].as_i64().unwrap()
            })
        })
        .collect();
    let mut codes = Vec::new();
    for t in tasks {
        codes.push(t.await.unwrap());
    }
    assert_eq!(codes.iter().filter(|c| **c == 0).count(), 1, "{codes:?}");
    assert!(codes.iter().all(|c| *c == 0 || *c == 41312), "{codes:?}");
    assert_eq!(sim.card(&id).await["sku"]["quantity"], 100);
    assert_eq!(coins(&sim).await.0, json!(140));
    assert_eq!(sim.calls("/card/pay/confirm").await, 50);
}

#[tokio::test]
async fn recharge_waits_for_payment_then_adds_paid_coins() {
    let sim = Sim::start().await;
    let r = sim
        .post("/card/pay/recharge", json!({"coin_count": 100}))
        .await;
    assert_eq!(r["errcode"], 0);
    let url = r["qrcode_url"].as_str().unwrap();
    assert!(url.starts_with("weixin://wxpay/bizpayurl?pr="), "{url}");
    let png = base64::engine::general_purpose::STANDARD
        .decode(r["qrcode_buffer"].as_str().unwrap())
        .unwrap();
    assert!(png.starts_with(b"\x89PNG"));
    let id = r["order_id"].clone();
    let o = sim
        .post("/card/pay/getorder", json!({"order_id": id}))
        .await;
    assert_eq!(o["order_info"]["status"], "ORDER_STATUS_WAITING");
    assert_eq!(o["order_info"]["order_type"], "ORDER_TYPE_WXPAY");
    assert_eq!(o["order_info"]["pay_coin_count"], "100");
    assert_eq!(o["order_info"]["pay_finish_time"], 0);
    assert_eq!(coins(&sim).await.1, json!(0));
    sim.advance(5).await;
    sim.admin("/sandbox/recharge/pay", json!({"order_id": id}))
        .await;
    let o = sim
        .post("/card/pay/getorder", json!({"order_id": id}))
        .await;
    assert_eq!(o["order_info"]["status"], "ORDER_STATUS_FINANCE_SUCC");
    // getorder gives create_time as a string, as real answers do.
    let created: i64 = o["order_info"]["create_time"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(o["order_info"]["pay_finish_time"].as_i64().unwrap() > created);
    assert_eq!(coins(&sim).await, (json!(0), json!(100), json!(100)));
    // Paying twice is refused; a failed payment rolls back without coins.
    let again = sim
        .admin_try("/sandbox/recharge/pay", json!({"order_id": id}))
        .await;
    assert_eq!(again["ok"], false);
    let r2 = sim
        .post("/card/pay/recharge", json!({"coin_count": "7"}))
        .await;
    sim.admin(
        "/sandbox/recharge/pay",
        json!({"order_id": r2["order_id"], "fail": true}),
    )
    .await;
    let o2 = sim
        .post("/card/pay/getorder", json!({"order_id": r2["order_id"]}))
        .await;
    assert_eq!(o2["order_info"]["status"], "ORDER_STATUS_ROLLBACK");
    assert_eq!(coins(&sim).await.1, json!(100));
    assert_eq!(
        sim.post("/card/pay/recharge", json!({"coin_count": 0}))
            .await["errcode"],
        41315
    );
    assert_eq!(
        sim.post("/card/pay/getorder", json!({"order_id": "1"}))
            .await["errcode"],
        41310
    );
}

#[tokio::test]
async fn getorderlist_filters_sorts_pages_and_limits_time() {
    let mut sim = Sim::start().await;
    let t0 = sim.now().await;
    sim.get("/card/pay/activate").await; // SYS_ADD, FINANCE_SUCC at t0
    sim.advance(10).await;
    let paid = recharge_paid(&sim, 10).await; // WXPAY FINANCE_SUCC at t0+10
    sim.advance(10).await;
    let waiting = sim
        .post("/card/pay/recharge", json!({"coin_count": 20}))
        .await["order_id"]
        .clone(); // WAITING at t0+20
    sim.advance(10).await;
    let id = card(&sim, None).await;
    let q = quote(&sim, &id, json!(5)).await;
    confirm(&sim, &id, &q["order_id"], json!(5)).await; // REDUCE at t0+30

    let all = sim.post("/card/pay/getorderlist", json!({})).await;
    assert_eq!(all["total_num"], 4);
    let ids = |v: &Value| -> Vec<Value> {
        v["order_list"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["order_id"].clone())
            .collect()
    };
    // Newest first by default.
    assert_eq!(ids(&all)[0], q["order_id"]);
    let asc = sim
        .post("/card/pay/getorderlist", json!({"sort_info": {"sort_key": "SORT_BY_TIME", "sort_type": "SORT_ASC"}, "offset": 1, "count": 2}))
        .await;
    assert_eq!(asc["total_num"], 4);
    assert_eq!(ids(&asc), vec![json!(paid), waiting.clone()]);
    let wx = sim
        .post("/card/pay/getorderlist", json!({"order_type": "ORDER_TYPE_WXPAY", "nor_filter": {"status": "ORDER_STATUS_FINANCE_SUCC"}}))
        .await;
    assert_eq!(ids(&wx), vec![waiting.clone()]);
    let not_waiting = sim
        .post(
            "/card/pay/getorderlist",
            json!({"nor_filter": {"status": "ORDER_STATUS_WAITING"}}),
        )
        .await;
    assert_eq!(not_waiting["total_num"], 3);
    let window = sim
        .post(
            "/card/pay/getorderlist",
            json!({"begin_time": (t0 + 5).to_string(), "end_time": t0 + 25}),
        )
        .await;
    assert_eq!(window["total_num"], 2);
    // The default window is the last week.
    sim.advance(7 * 86_400 - 15).await;
    sim.refresh().await;
    let week = sim.post("/card/pay/getorderlist", json!({})).await;
    assert_eq!(week["total_num"], 2, "{week}");
}

#[tokio::test]
async fn stock_is_sold_only_for_approved_cards_that_have_not_ended() {
    let mut sim = Sim::start().await;
    sim.get("/card/pay/activate").await;
    let now = sim.now().await;
    // In review: refused, both at quote and (for a quote made before) at confirm.
    let id = sim
        .create(&card_body(now + 86_400, now + 30 * 86_400))
        .await;
    let q = quote(&sim, &id, json!(10)).await;
    assert_eq!(q["errcode"], 41316, "{q}");
    assert!(
        q["errmsg"]
            .as_str()
            .unwrap()
            .contains("CARD_STATUS_NOT_VERIFY")
    );
    sim.approve(&id).await;
    let q = quote(&sim, &id, json!(10)).await;
    assert_eq!(q["errcode"], 0, "{q}");
    // Rejected between quote and confirm: the confirm is refused and nothing moves.
    sim.admin_api().review(&id, false).await.unwrap();
    let before = coins(&sim).await;
    let v = confirm(&sim, &id, &q["order_id"], json!(10)).await;
    assert_eq!(v["errcode"], 41316, "{v}");
    assert_eq!(coins(&sim).await, before);
    assert_eq!(sim.card(&id).await["sku"]["quantity"], 0);
    // Deleted by the merchant after approval: card/get says so, and no stock is sold.
    let deleted = card(&sim, None).await;
    assert_eq!(quote(&sim, &deleted, json!(10)).await["errcode"], 0);
    sim.admin_api().delete_card(&deleted).await.unwrap();
    assert_eq!(sim.card(&deleted).await["status"], "CARD_STATUS_DELETE");
    let q = quote(&sim, &deleted, json!(10)).await;
    assert_eq!(q["errcode"], 41316, "{q}");
    assert!(q["errmsg"].as_str().unwrap().contains("CARD_STATUS_DELETE"));
    // Past its end: refused though approved.
    let ended = card(&sim, None).await;
    sim.advance(31 * 86_400).await;
    sim.refresh().await;
    let q = quote(&sim, &ended, json!(10)).await;
    assert_eq!(q["errcode"], 41316, "{q}");
    assert!(q["errmsg"].as_str().unwrap().contains("ended"));
}

#[tokio::test]
async fn stock_left_at_the_end_is_refunded_the_next_day_as_it_was_paid() {
    let mut sim = Sim::start().await;
    sim.get("/card/pay/activate").await; // 200 free coins
    recharge_paid(&sim, 100).await; // 100 paid coins
    let id = card(&sim, None).await;
    // 400 units at 0.6 = 240 coins: 200 free first, then 40 paid.
    let q = quote(&sim, &id, json!(400)).await;
    assert_eq!(
        (q["free_coin"].clone(), q["pay_coin"].clone()),
        (json!("200"), json!("40"))
    );
    let v = confirm(&sim, &id, &q["order_id"], json!(400)).await;
    assert_eq!(v["errcode"], 0, "{v}");
    assert_eq!(coins(&sim).await, (json!(0), json!(60), json!(60)));
    // One code received: 399 units left.
    let v = sim.scan(&id, "oRefundUser").await;
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(sim.card(&id).await["sku"]["quantity"], 399);
    // The card ends 30 days from now; at its end nothing is refunded yet (T+1).
    let end = sim.card(&id).await["date_info"]["end_timestamp"]
        .as_i64()
        .unwrap();
    let now = sim.now().await;
    sim.advance(end - now + 60).await;
    sim.refresh().await;
    assert_eq!(coins(&sim).await, (json!(0), json!(60), json!(60)));
    // The next Beijing day: 399/400 of each part comes back.
    sim.advance(86_400).await;
    sim.refresh().await;
    assert_eq!(coins(&sim).await, (json!(199.5), json!(99.9), json!(299.4)));
    assert_eq!(sim.card(&id).await["sku"]["quantity"], 0);
    let list = sim
        .post(
            "/card/pay/getorderlist",
            json!({"offset": 0, "count": 10, "order_type": "ORDER_TYPE_REFUND", "begin_time": 0, "end_time": sim.now().await}),
        )
        .await;
    assert_eq!(list["total_num"], 1, "{list}");
    let o = &list["order_list"][0];
    assert_eq!(o["status"], "ORDER_STATUS_HAS_REFUND");
    assert_eq!(o["refund_free_coin_count"], "199.5");
    assert_eq!(o["refund_pay_coin_count"], "39.9");
    assert!(o["create_time"].as_i64().unwrap() > end);
    // Refunded once: later calls change nothing.
    sim.advance(86_400).await;
    sim.refresh().await;
    assert_eq!(coins(&sim).await, (json!(199.5), json!(99.9), json!(299.4)));
}
