//! Numbers as strings, end to end: the simulator's `strings` fault sends an answer with every
//! number as a string (`"errcode":"0"` included), as some real answers come
//! (`../shared/reference/README.md`). Each call the app makes must read it exactly as it
//! reads the plain answer.

use chrono::{Duration as Days, FixedOffset, TimeZone};
use coupon_studio::api::{ApiClient, OrderListQuery, QrRequest};
use serde_json::json;

use crate::support::*;

/// The next call to `path` answers with its numbers as strings.
async fn strings_next(c: &ApiClient, path: &str) {
    admin(
        c,
        "/sandbox/faults",
        json!({"path": path, "faults": [{"kind": "strings"}]}),
    )
    .await;
}

/// Runs `call` plainly, then with the strings fault, and asserts both read the same.
macro_rules! same_both_ways {
    ($c:expr, $path:expr, $call:expr) => {{
        let plain = $call.await.unwrap();
        strings_next($c, $path).await;
        let strung = $call.await.unwrap();
        assert_eq!(plain, strung, "{}", $path);
        assert_eq!(
            calls($c, $path).await,
            2,
            "{}: both calls reached it",
            $path
        );
        strung
    }};
}

/// `v` with every numeric string as its number.
fn by_value(v: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::String(s) => s.parse::<i64>().map_or(Value::String(s), Value::from),
        Value::Array(items) => Value::Array(items.into_iter().map(by_value).collect()),
        Value::Object(m) => Value::Object(m.into_iter().map(|(k, v)| (k, by_value(v))).collect()),
        other => other,
    }
}

#[tokio::test]
async fn every_read_takes_numbers_as_strings() {
    let (_h, c) = setup().await;
    let id = stocked_card(&c, 30, 20).await;
    let got = scan(&c, json!({"card_id": id, "openid": "oStrings"})).await;
    let code = got["code"].as_str().unwrap().to_owned();

    same_both_ways!(&c, "/card/getcolors", c.get_colors());
    // card/get: the body keeps each number in the form it came in (as for an imported
    // body), so the two answers are compared by value.
    let plain = c.get_card(&id).await.unwrap();
    strings_next(&c, "/card/get").await;
    let strung = c.get_card(&id).await.unwrap();
    assert_eq!(
        (plain.quantity, &plain.status),
        (strung.quantity, &strung.status)
    );
    assert_eq!(strung.quantity, Some(29), "one of 30 was received");
    assert_eq!(
        by_value(serde_json::to_value(&plain.body).unwrap()),
        by_value(serde_json::to_value(&strung.body).unwrap())
    );
    let list = same_both_ways!(&c, "/card/batchget", c.batch_get(0, 10, None));
    assert_eq!(list.total_num, 1);
    let coins = same_both_ways!(&c, "/card/pay/getcoinsinfo", c.get_coins_info());
    assert!(coins.total_coin > coupon_studio::card::pricing::Coins::whole(0));
    let orders = same_both_ways!(
        &c,
        "/card/pay/getorderlist",
        c.get_order_list(&OrderListQuery {
            count: 10,
            ..OrderListQuery::default()
        })
    );
    assert!(orders.total_num >= 1, "{orders:?}");
    let first = orders.order_list[0].order_id.clone();
    same_both_ways!(&c, "/card/pay/getorder", c.get_order(&first));
    let info = same_both_ways!(&c, "/card/code/get", c.get_code(Some(&id), &code, true));
    assert_eq!(info.openid, "oStrings");

    admin(
        &c,
        "/sandbox/activity/simulate",
        json!({"seed": 3, "days": 5, "card_id": id}),
    )
    .await;
    let beijing = FixedOffset::east_opt(8 * 3600).unwrap();
    let today = beijing
        .timestamp_opt(sim_now(&c).await, 0)
        .unwrap()
        .date_naive();
    let (begin, end) = (
        (today - Days::days(7)).to_string(),
        (today - Days::days(1)).to_string(),
    );
    let rows = same_both_ways!(
        &c,
        "/datacube/getcardcardinfo",
        c.card_card_info(&begin, &end, 0, &id)
    );
    assert!(rows.iter().any(|r| r.view_cnt > 0), "{rows:?}");
    same_both_ways!(
        &c,
        "/datacube/getcardbizuininfo",
        c.card_biz_uin_info(&begin, &end, 0)
    );
}

#[tokio::test]
async fn writes_and_money_calls_take_numbers_as_strings() {
    let (_h, c) = setup().await;
    let body = fixture_body(&c, -60, 20 * 86_400).await;
    strings_next(&c, "/card/create").await;
    let id = c.create_card(&body).await.unwrap();
    assert_eq!(id.len(), 28, "{id}");
    admin(
        &c,
        "/sandbox/card/review",
        json!({"card_id": id, "approve": true}),
    )
    .await;
    strings_next(&c, "/card/pay/activate").await;
    c.pay_activate().await.unwrap();
    strings_next(&c, "/card/pay/getpayprice").await;
    let quote = c.get_pay_price(&id, 12).await.unwrap();
    assert!(!quote.order_id.is_empty());
    strings_next(&c, "/card/pay/confirm").await;
    c.confirm(&id, &quote.order_id, 12).await.unwrap();
    assert_eq!(calls(&c, "/card/pay/confirm").await, 1, "sent once");
    assert_eq!(c.get_card(&id).await.unwrap().quantity, Some(12));

    strings_next(&c, "/card/qrcode/create").await;
    let qr = c
        .create_qrcode(&QrRequest {
            card_id: id.clone(),
            expire_seconds: Some(1800),
            ..QrRequest::default()
        })
        .await
        .unwrap();
    assert_eq!(qr.expire_seconds, Some(1800));
    strings_next(&c, "/card/pay/recharge").await;
    let recharge = c.recharge(100).await.unwrap();
    assert!(!recharge.order_id.is_empty());
}
