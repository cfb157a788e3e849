//! The coin wallet through the client and the simulator: quotes, the 60-second window,
//! confirm exactly once, recharge and orders.

use coupon_studio::api::{ApiClient, ApiError, OrderListQuery};
use coupon_studio::card::pricing::Coins;
use serde_json::{Value, json};

use crate::support::*;

/// An approved card with the given use_condition (price tier), valid from tomorrow (stock is
/// sold only for approved cards).
async fn card(client: &ApiClient, use_condition: Value) -> String {
    let mut body = fixture_body(client, 86_400, 30 * 86_400).await;
    body.card.advanced_info_mut().use_condition =
        Some(serde_json::from_value(use_condition).unwrap());
    let id = client.create_card(&body).await.unwrap();
    admin(
        client,
        "/sandbox/card/review",
        json!({"card_id": id, "approve": true}),
    )
    .await;
    id
}

async fn stock(client: &ApiClient, card_id: &str) -> i64 {
    client.get_card(card_id).await.unwrap().quantity.unwrap()
}

#[tokio::test]
async fn activate_rewards_200_once() {
    let (_h, c) = setup().await;
    assert_eq!(c.pay_activate().await.unwrap(), 200);
    assert_eq!(c.pay_activate().await.unwrap(), 0);
    let info = c.get_coins_info().await.unwrap();
    assert_eq!(
        (info.free_coin, info.pay_coin, info.total_coin),
        (Coins::whole(200), Coins(0), Coins::whole(200))
    );
}

#[tokio::test]
async fn quotes_follow_the_threshold_tiers() {
    let (_h, c) = setup().await;
    c.pay_activate().await.unwrap();
    for (uc, per_unit) in [
        (json!({}), Coins(20)),
        (json!({"accept_category": "羽绒服"}), Coins(40)),
        (json!({"least_cost": 50000}), Coins(60)),
        (
            json!({"accept_category": "羽绒服", "least_cost": 50000}),
            Coins(60),
        ),
    ] {
        let id = card(&c, uc.clone()).await;
        let q = c.get_pay_price(&id, 10).await.unwrap();
        assert_eq!(q.price, per_unit.times(10).unwrap(), "{uc}");
        assert_eq!(q.free_coin, q.price);
        assert_eq!(q.pay_coin, Coins(0));
    }
}

#[tokio::test]
async fn confirm_adds_stock_once_and_refuses_reuse_expiry_and_mismatch() {
    let (_h, c) = setup().await;
    c.pay_activate().await.unwrap();
    let id = card(&c, json!({"least_cost": 50000})).await;
    assert_eq!(stock(&c, &id).await, 0);
    let q = c.get_pay_price(&id, 100).await.unwrap();
    assert_eq!(q.price, Coins::whole(60));
    c.confirm(&id, &q.order_id, 100).await.unwrap();
    assert_eq!(stock(&c, &id).await, 100);
    assert_eq!(
        c.get_coins_info().await.unwrap().free_coin,
        Coins::whole(140)
    );
    // Used once.
    assert_eq!(
        c.confirm(&id, &q.order_id, 100)
            .await
            .unwrap_err()
            .errcode(),
        Some(41312)
    );
    assert_eq!(stock(&c, &id).await, 100);
    // Mismatched quantity.
    let q = c.get_pay_price(&id, 10).await.unwrap();
    assert_eq!(
        c.confirm(&id, &q.order_id, 11).await.unwrap_err().errcode(),
        Some(41313)
    );
    // The 60-second window: 61 s later the quote is refused, and a new quote works.
    admin(&c, "/sandbox/clock/advance", json!({"seconds": 61})).await;
    assert_eq!(
        c.confirm(&id, &q.order_id, 10).await.unwrap_err().errcode(),
        Some(41311)
    );
    let q = c.get_pay_price(&id, 10).await.unwrap();
    c.confirm(&id, &q.order_id, 10).await.unwrap();
    assert_eq!(stock(&c, &id).await, 110);
    assert_eq!(
        c.confirm(&id, "nope", 10).await.unwrap_err().errcode(),
        Some(41310)
    );
}

#[tokio::test]
async fn insufficient_coins_are_refused_and_free_coins_go_first() {
    let (_h, c) = setup().await;
    let id = card(&c, json!({"least_cost": 50000})).await;
    // No account yet: nothing to spend.
    let q = c.get_pay_price(&id, 10).await.unwrap();
    assert_eq!((q.free_coin, q.pay_coin), (Coins(0), Coins::whole(6)));
    assert_eq!(
        c.confirm(&id, &q.order_id, 10).await.unwrap_err().errcode(),
        Some(41314)
    );
    // 200 free + 100 paid; 400 units × 0.6 = 240: 200 free then 40 paid.
    c.pay_activate().await.unwrap();
    let r = c.recharge(100).await.unwrap();
    admin(&c, "/sandbox/recharge/pay", json!({"order_id": r.order_id})).await;
    let q = c.get_pay_price(&id, 400).await.unwrap();
    assert_eq!(
        (q.price, q.free_coin, q.pay_coin),
        (Coins::whole(240), Coins::whole(200), Coins::whole(40))
    );
    c.confirm(&id, &q.order_id, 400).await.unwrap();
    let info = c.get_coins_info().await.unwrap();
    assert_eq!(
        (info.free_coin, info.pay_coin),
        (Coins(0), Coins::whole(60))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_confirms_of_one_order_succeed_once() {
    let (_h, c) = setup().await;
    c.pay_activate().await.unwrap();
    let id = card(&c, json!({})).await;
    let q = c.get_pay_price(&id, 50).await.unwrap();
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let (c, id, order) = (c.clone(), id.clone(), q.order_id.clone());
            tokio::spawn(async move { c.confirm(&id, &order, 50).await })
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(()) => ok += 1,
            Err(ApiError::WeChat { errcode: 41312, .. }) => {}
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
    assert_eq!(ok, 1);
    assert_eq!(stock(&c, &id).await, 50);
    assert_eq!(calls(&c, "/card/pay/confirm").await, 50);
}

#[tokio::test]
async fn recharge_waits_for_payment_then_the_balance_rises() {
    let (_h, c) = setup().await;
    let r = c.recharge(100).await.unwrap();
    assert!(
        r.qrcode_url.starts_with("weixin://wxpay/bizpayurl?pr="),
        "{}",
        r.qrcode_url
    );
    assert!(
        r.qrcode_buffer.starts_with(b"\x89PNG"),
        "qrcode_buffer is a PNG"
    );
    assert_eq!(
        c.get_order(&r.order_id).await.unwrap().status,
        "ORDER_STATUS_WAITING"
    );
    assert_eq!(c.get_coins_info().await.unwrap().pay_coin, Coins(0));
    admin(&c, "/sandbox/recharge/pay", json!({"order_id": r.order_id})).await;
    let o = c.get_order(&r.order_id).await.unwrap();
    assert_eq!(o.status, "ORDER_STATUS_FINANCE_SUCC");
    assert!(o.pay_finish_time > 0);
    assert_eq!(o.pay_coin_count, Coins::whole(100));
    assert_eq!(
        c.get_coins_info().await.unwrap().pay_coin,
        Coins::whole(100)
    );
    // Paying twice does nothing more.
    admin(&c, "/sandbox/recharge/pay", json!({"order_id": r.order_id})).await;
    assert_eq!(
        c.get_coins_info().await.unwrap().pay_coin,
        Coins::whole(100)
    );
}

#[tokio::test]
async fn order_list_filters_sorts_and_pages() {
    let (_h, c) = setup().await;
    c.pay_activate().await.unwrap(); // SYS_ADD
    admin(&c, "/sandbox/clock/advance", json!({"seconds": 10})).await;
    let r1 = c.recharge(10).await.unwrap(); // WXPAY waiting
    admin(&c, "/sandbox/clock/advance", json!({"seconds": 10})).await;
    let r2 = c.recharge(20).await.unwrap();
    admin(
        &c,
        "/sandbox/recharge/pay",
        json!({"order_id": r2.order_id}),
    )
    .await;
    admin(&c, "/sandbox/clock/advance", json!({"seconds": 10})).await;
    let id = card(&c, json!({})).await;
    let q = c.get_pay_price(&id, 5).await.unwrap();
    c.confirm(&id, &q.order_id, 5).await.unwrap(); // REDUCE

    let all = c.get_order_list(&OrderListQuery::default()).await.unwrap();
    assert_eq!(all.total_num, 4);
    let types: Vec<&str> = all
        .order_list
        .iter()
        .map(|o| o.order_type.as_str())
        .collect();
    assert_eq!(
        types,
        [
            "ORDER_TYPE_REDUCE",
            "ORDER_TYPE_WXPAY",
            "ORDER_TYPE_WXPAY",
            "ORDER_TYPE_SYS_ADD"
        ]
    );
    let asc = c
        .get_order_list(&OrderListQuery {
            ascending: true,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(asc.order_list[0].order_type, "ORDER_TYPE_SYS_ADD");
    let wxpay = c
        .get_order_list(&OrderListQuery {
            order_type: Some("ORDER_TYPE_WXPAY".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(wxpay.total_num, 2);
    let not_waiting = c
        .get_order_list(&OrderListQuery {
            order_type: Some("ORDER_TYPE_WXPAY".into()),
            exclude_status: Some("ORDER_STATUS_WAITING".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        not_waiting
            .order_list
            .iter()
            .map(|o| o.order_id.as_str())
            .collect::<Vec<_>>(),
        [r2.order_id.as_str()]
    );
    let page = c
        .get_order_list(&OrderListQuery {
            offset: 1,
            count: 2,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!((page.total_num, page.order_list.len()), (4, 2));
    assert_eq!(page.order_list[0].order_id, r2.order_id);
    let first = all.order_list.last().unwrap().create_time;
    let range = c
        .get_order_list(&OrderListQuery {
            begin_time: Some(first + 5),
            end_time: Some(first + 15),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        range
            .order_list
            .iter()
            .map(|o| o.order_id.as_str())
            .collect::<Vec<_>>(),
        [r1.order_id.as_str()]
    );
}

#[tokio::test]
async fn confirm_is_never_resent_after_a_token_error() {
    let (_h, c) = setup().await;
    c.pay_activate().await.unwrap();
    let id = card(&c, json!({})).await;
    let q = c.get_pay_price(&id, 1).await.unwrap();
    admin(&c, "/sandbox/clock/advance", json!({"seconds": 7300})).await; // the token dies (and the quote)
    let before = calls(&c, "/card/pay/confirm").await;
    let err = c.confirm(&id, &q.order_id, 1).await.unwrap_err();
    assert_eq!(err.errcode(), Some(42001));
    assert_eq!(
        calls(&c, "/card/pay/confirm").await - before,
        1,
        "sent once, not retried"
    );
    // The next call gets a fresh token.
    assert!(c.get_coins_info().await.is_ok());
}
