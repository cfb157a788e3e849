//! Every request and answer example of the guide (tests/fixtures/guide-api, byte for byte):
//! answers parse into the client's types; requests are accepted by the simulator.

use coupon_studio::api::{
    ApiClient, CodeInfo, CoinsInfo, DayStats, OrderInfo, OrderList, PayPrice, QrCode, Ticket,
    TokenSource,
};
use coupon_studio::card::import::normalize_whitespace;
use coupon_studio::sandbox::{SandboxConfig, spawn};
use serde_json::Value;

use crate::support;

/// A file of `tests/fixtures/guide-api`, its non-breaking spaces made plain.
fn fixture(name: &str) -> String {
    normalize_whitespace(&support::fixture(&format!("guide-api/{name}")))
}

fn json(name: &str) -> Value {
    serde_json::from_str(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn every_answer_parses_into_the_clients_types() {
    let p: PayPrice = serde_json::from_value(json("getpayprice-answer.json")).unwrap();
    assert_eq!(p.price.to_string(), "0.2");
    // As printed it lacks two commas (see the fixtures' README); nothing else changes.
    let fixed = fixture("getcoinsinfo-answer-as-printed.txt")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("200 \"pay_coin\"", "200, \"pay_coin\"")
        .replace("1 \"total_coin\"", "1, \"total_coin\"");
    let c: CoinsInfo = serde_json::from_str(&fixed).unwrap();
    assert_eq!(c.total_coin.to_string(), "201");
    let o: OrderInfo =
        serde_json::from_value(json("getorder-answer.json")["order_info"].clone()).unwrap();
    assert_eq!(o.status, "ORDER_STATUS_FINANCE_SUCC");
    let l: OrderList = serde_json::from_value(json("getorderlist-answer.json")).unwrap();
    assert_eq!(l.total_num, 1);
    let q: QrCode = serde_json::from_value(json("qrcode-create-answer.json")).unwrap();
    assert_eq!(q.expire_seconds, Some(1800));
    for name in [
        "getticket-jsapi-answer.json",
        "getticket-wx_card-answer.json",
    ] {
        let t: Ticket = serde_json::from_value(json(name)).unwrap();
        assert_eq!(t.expires_in, 7200);
    }
    for name in [
        "code-get-check-false-normal.json",
        "code-get-check-true-normal.json",
        "code-get-check-false-abnormal.json",
    ] {
        let c: CodeInfo = serde_json::from_value(json(name)).unwrap();
        assert!(!c.card.card_id.is_empty(), "{name}");
    }
    assert_eq!(json("code-get-check-true-abnormal.json")["errcode"], 40127);
    for name in [
        "getcardbizuininfo-answer.json",
        "getcardcardinfo-answer.json",
    ] {
        let d: Vec<DayStats> = serde_json::from_value(json(name)["list"].clone()).unwrap();
        assert_eq!(d[0].ref_date, "2015-06-23");
    }
    assert_eq!(json("decrypt-answer.json")["code"], "751234212312");
    assert_eq!(
        json("create-answer.json")["card_id"],
        "pbLatjtQrAGz1Iaz08qB_H3NSBrc"
    );
    assert_eq!(json("update-answer.json")["send_check"], false);
    for name in [
        "activate-answer.json",
        "confirm-answer.json",
        "consume-answer.json",
        "consume-online-answer.json",
        "mark-answer.json",
        "recharge-answer.json",
    ] {
        assert_eq!(json(name)["errcode"], 0, "{name}");
    }
}

#[tokio::test]
async fn every_request_is_accepted_by_the_simulator() {
    let h = spawn(SandboxConfig::default()).await.unwrap();
    let c = ApiClient::new(
        &h.url(),
        TokenSource::Stable {
            appid: "wx".into(),
            secret: "s".into(),
        },
    )
    .unwrap();
    let token = c.access_token().await.unwrap();
    let requests = [
        ("getpayprice-request.json", "/card/pay/getpayprice"),
        ("confirm-request.json", "/card/pay/confirm"),
        ("recharge-request.json", "/card/pay/recharge"),
        ("getorder-request.json", "/card/pay/getorder"),
        ("getorderlist-request.json", "/card/pay/getorderlist"),
        ("qrcode-create-request.json", "/card/qrcode/create"),
        ("code-get-request.json", "/card/code/get"),
        ("decrypt-request.json", "/card/code/decrypt"),
        ("mark-request.json", "/card/code/mark"),
        ("consume-request.json", "/card/code/consume"),
        ("consume-online-request.json", "/card/code/consume"),
        ("getcardcardinfo-request.json", "/datacube/getcardcardinfo"),
    ];
    for (name, path) in requests {
        let body = fixture(name);
        let v: Value = c
            .http()
            .post(format!("{}{path}?access_token={token}", h.url()))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap_or_else(|e| panic!("{name}: the answer is not JSON: {e}"));
        // A datacube success carries only its list, as the real API answers.
        if path.starts_with("/datacube/") && v.get("errcode").is_none() {
            assert!(v["list"].is_array(), "{name}: {v}");
            continue;
        }
        let code = v["errcode"].as_i64().unwrap();
        // The examples name cards and codes this simulator never issued, so "unknown id" answers
        // are right; what may never happen is a refusal of the body's shape.
        assert!(![47001, 40071, -1].contains(&code), "{name}: {v}");
        assert!(v["errmsg"].is_string(), "{name}: {v}");
    }
    // The recharge example is a complete, valid request.
    let v: Value = c
        .http()
        .post(format!(
            "{}/card/pay/recharge?access_token={token}",
            h.url()
        ))
        .body(fixture("recharge-request.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["errcode"], 0, "{v}");
}
