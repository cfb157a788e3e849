//! Simulator: every JSON request example of the guide is accepted as WeChat would accept it
//! (errcode 0, or the domain errcode for its made-up ids), never a parse error (47001).
//!
//! The examples are copied literally from `shared/reference/friend-coupon-api.txt`, including
//! the non-breaking spaces of its web page and the datacube example's stray `//` comment.

use serde_json::json;

use crate::support::fixture;
use crate::support::wire::Sim;

/// `/card/pay/getpayprice`, guide line 534; expected errcode 40053 (unknown card).
const GETPAYPRICE: &str = r#"{"card_id": "pbLatjpQxxxxxxxxCEV_cLTwoB7yU", "quantity": "1"}"#;

/// `/card/pay/confirm`, guide line 598; expected errcode 41310 (unknown order).
const CONFIRM: &str = r#"{
    "card_id": "pbLatjpxxxxlCEV_cLTwoB7yU",
    "order_id": "P9zzllX2VJ5NgiF9kFVarX7bc8r-ms_5Dy091evc2eIuxtZvZobeomE1p9Dw8v7lFBhqKM4YgrZa54uuWhf3hw7KquEOfmx5FplGKRIfkbR7Ag5WwYdxP-KeT6LeJBttb1xpYxxxxxxxxxxxxHrbUyHopolqfUqPBBLDEmB7Z-91I8",
    "quantity": "1"
}"#;

/// `/card/pay/recharge`, guide line 641; expected errcode 0.
const RECHARGE: &str = r#"{"coin_count": 100}"#;

/// `/card/pay/getorder`, guide line 688; expected errcode 41310 (unknown order).
const GETORDER: &str = r#"{"order_id": "100005790********401000171"}"#;

/// `/card/pay/getorderlist`, guide line 752; expected errcode 0.
const GETORDERLIST: &str = r#"{
    "offset": 0,
    "count": 5,
    "order_type": "ORDER_TYPE_WXPAY",
    "nor_filter": {
        "status": "ORDER_STATUS_SUCC"
    },
    "sort_info": {
        "sort_key": "SORT_BY_TIME",
        "sort_type": "SORT_DESC"
    },
    "begin_time": "1440420538",
    "end_time": "1450713203"
}"#;

/// `/card/qrcode/create`, guide line 921; expected errcode 40053 (unknown card).
const QRCODE: &str = r#"{
    "action_name": "QR_CARD",
    "expire_seconds": 1800,
    "action_info": {
        "card": {
            "card_id": "pFS7Fjg8kV1IdDz01r4SQwMkuCKc",
            "code": "198374613512",
            "openid": "oFS7Fjl0WsZ9AMZqrI80nbIq8xrA",
            "is_unique_code": false,
            "outer_id": 1
        }
    }
}"#;

/// `/card/code/get`, guide line 1148; expected errcode 40056 (unknown code).
const CODE_GET: &str = r#"{    "card_id": "pbLatjorLTVl-tdvZ6zQRIc-Fn6Y",     "code": "245645675434",     "check_consume": true}"#;

/// `/card/code/decrypt`, guide line 1275; expected errcode 40075 (not ours).
const DECRYPT: &str =
    r#"{"encrypt_code": "XXIzTtMqCxwOaawoE91+VJdsFmv7b8g0VZIZkqf4GWA60Fzpc8ksZ/5ZZ0DVkXdE"}"#;

/// `/card/code/mark`, guide line 1309; expected errcode 40056 (unknown code).
const MARK: &str = r#"{
    "code": "114567897765",
    "card_id": "pbxxxxxxxxhjahkdjad",
    "openid": "obcdkalgsdklkdooooooo",
    "is_mark": true
}"#;

/// `/card/code/consume`, guide line 1360; expected errcode 40056 (unknown code).
const CONSUME_OFFLINE: &str = r#"{"code": "12312313"}"#;

/// `/card/code/consume`, guide line 1398; expected errcode 40056 (unknown code).
const CONSUME_ONLINE: &str = r#"{"code": "12312313", "openid":"oFS7Fjl0WsZ9AMZqrI80nbIq8xrA" }"#;

/// `/datacube/getcardbizuininfo`, guide line 1640; expected errcode 0.
const DATACUBE_BIZ: &str = r#"{
    "begin_date": "2015-06-15",
    //请开发者按示例格式填写日期,否则会报错dateformaterror"end_date": "2015-06-30",
    "cond_source": 0
}"#;

/// `/datacube/getcardcardinfo`, guide line 1712; expected errcode 0.
const DATACUBE_CARD: &str = r#"{
    "begin_date": "2015-06-15",
    "end_date": "2015-06-30",
    "cond_source": 0,
    "card_id": "po8pktyDLmakNY2fn2VyhkiEPqGE"
}"#;

/// `(path, body, errcode with the made-up ids)`.
const EXAMPLES: &[(&str, &str, i64)] = &[
    ("/card/pay/getpayprice", GETPAYPRICE, 40053),
    ("/card/pay/confirm", CONFIRM, 41310),
    ("/card/pay/recharge", RECHARGE, 0),
    ("/card/pay/getorder", GETORDER, 41310),
    ("/card/pay/getorderlist", GETORDERLIST, 0),
    ("/card/qrcode/create", QRCODE, 40053),
    ("/card/code/get", CODE_GET, 40056),
    ("/card/code/decrypt", DECRYPT, 40075),
    ("/card/code/mark", MARK, 40056),
    ("/card/code/consume", CONSUME_OFFLINE, 40056),
    ("/card/code/consume", CONSUME_ONLINE, 40056),
    ("/datacube/getcardbizuininfo", DATACUBE_BIZ, 0),
    ("/datacube/getcardcardinfo", DATACUBE_CARD, 0),
];

fn guide_update() -> String {
    fixture("guide-update.json")
}

#[tokio::test]
async fn every_example_parses_and_answers_its_domain_errcode() {
    let sim = Sim::start().await;
    for (path, body, errcode) in EXAMPLES {
        assert!(
            body.contains('\u{a0}') || body.len() < 120,
            "{path}: copied literally"
        );
        let v = sim.post_text(path, body).await;
        if path.starts_with("/datacube/") {
            // A datacube success has no errcode, only the list (as the real API answers).
            assert!(
                v.get("errcode").is_none() && v["list"].is_array(),
                "{path}: {v}"
            );
        } else {
            assert_eq!(v["errcode"], *errcode, "{path}: {v}");
        }
    }
    let v = sim.post_text("/card/update", &guide_update()).await;
    assert_eq!(v["errcode"], 40053, "{v}");
    // The datacube example's comment swallowed no member: both dates were read.
    let v = sim
        .post_text("/datacube/getcardbizuininfo", DATACUBE_BIZ)
        .await;
    assert_eq!(v["list"], json!([]));
}

#[tokio::test]
async fn the_examples_work_with_real_ids() {
    let sim = Sim::start().await;
    let card = sim.ready_card(5).await;
    let got = sim.scan(&card, "oFS7Fjl0WsZ9AMZqrI80nbIq8xrA").await;
    let code = got["code"].as_str().unwrap();

    let v = sim
        .post_text(
            "/card/pay/getpayprice",
            &GETPAYPRICE.replace("pbLatjpQxxxxxxxxCEV_cLTwoB7yU", &card),
        )
        .await;
    assert_eq!(v["errcode"], 0, "{v}");
    let order = v["order_id"].as_str().unwrap();
    let confirm = CONFIRM
        .replace("pbLatjpxxxxlCEV_cLTwoB7yU", &card)
        .replace(
            "P9zzllX2VJ5NgiF9kFVarX7bc8r-ms_5Dy091evc2eIuxtZvZobeomE1p9Dw8v7lFBhqKM4YgrZa54uuWhf3hw7KquEOfmx5FplGKRIfkbR7Ag5WwYdxP-KeT6LeJBttb1xpYxxxxxxxxxxxxHrbUyHopolqfUqPBBLDEmB7Z-91I8",
            order,
        );
    assert_eq!(
        sim.post_text("/card/pay/confirm", &confirm).await["errcode"],
        0
    );
    let r = sim.post_text("/card/pay/recharge", RECHARGE).await;
    let getorder = GETORDER.replace(
        "100005790********401000171",
        r["order_id"].as_str().unwrap(),
    );
    let v = sim.post_text("/card/pay/getorder", &getorder).await;
    assert_eq!(v["order_info"]["status"], "ORDER_STATUS_WAITING", "{v}");

    let v = sim
        .post_text(
            "/card/qrcode/create",
            &QRCODE.replace("pFS7Fjg8kV1IdDz01r4SQwMkuCKc", &card),
        )
        .await;
    assert_eq!(v["errcode"], 0, "{v}");
    assert_eq!(v["expire_seconds"], 1800);

    let v = sim
        .post_text(
            "/card/code/get",
            &CODE_GET
                .replace("pbLatjorLTVl-tdvZ6zQRIc-Fn6Y", &card)
                .replace("245645675434", code),
        )
        .await;
    assert_eq!(v["user_card_status"], "NORMAL", "{v}");
    let v = sim
        .post_text(
            "/card/code/decrypt",
            &DECRYPT.replace(
                "XXIzTtMqCxwOaawoE91+VJdsFmv7b8g0VZIZkqf4GWA60Fzpc8ksZ/5ZZ0DVkXdE",
                got["encrypt_code"].as_str().unwrap(),
            ),
        )
        .await;
    assert_eq!(v["code"], code);
    let mark = MARK
        .replace("114567897765", code)
        .replace("pbxxxxxxxxhjahkdjad", &card)
        .replace("obcdkalgsdklkdooooooo", "oFS7Fjl0WsZ9AMZqrI80nbIq8xrA");
    assert_eq!(sim.post_text("/card/code/mark", &mark).await["errcode"], 0);
    let v = sim
        .post_text(
            "/card/code/consume",
            &CONSUME_ONLINE.replace("12312313", code),
        )
        .await;
    assert_eq!(v["errcode"], 0, "{v}");
    let second = sim.scan(&card, "oOther").await;
    let v = sim
        .post_text(
            "/card/code/consume",
            &CONSUME_OFFLINE.replace("12312313", second["code"].as_str().unwrap()),
        )
        .await;
    assert_eq!(v["errcode"], 0, "{v}");
    let v = sim
        .post_text(
            "/datacube/getcardcardinfo",
            &DATACUBE_CARD.replace("po8pktyDLmakNY2fn2VyhkiEPqGE", &card),
        )
        .await;
    assert!(v.get("errcode").is_none() && v["list"].is_array(), "{v}");

    // The update example, on a real card: its gift-back card is made up, and the guide says
    // "此处必须填入共享券" (40148); with a real friends' coupon there it is accepted as printed
    // ("6个汉字tips" is 5.5 of 6).
    let printed = guide_update().replace("pbLatjgOY1_Cxi3mnWBThtG90HGg", &card);
    let v = sim.post_text("/card/update", &printed).await;
    assert_eq!(v["errcode"], 40148, "{v}");
    let update = printed.replace("pbLatjpvp0Xq6jtgRRxCKtudkBz8k", &card);
    let v = sim.post_text("/card/update", &update).await;
    assert_eq!(v["errcode"], 0, "{v}");
    assert_eq!(v["send_check"], true);
    let base = sim.card(&card).await;
    assert_eq!(base["status"], "CARD_STATUS_NOT_VERIFY");
    assert_eq!(base["service_phone"], "020-88888888");
    // One half-width character more is 6 (fits), two more 6.5 (refused, naming the field).
    let six = update.replace("6个汉字tips", "6个汉字tips!");
    let v = sim.post_text("/card/update", &six).await;
    assert_eq!(v["errcode"], 0, "{v}");
    let over = update.replace("6个汉字tips", "6个汉字tips!!");
    let v = sim.post_text("/card/update", &over).await;
    assert!(
        v["errmsg"]
            .as_str()
            .unwrap()
            .contains("custom_url_sub_title"),
        "{v}"
    );
}

#[tokio::test]
async fn the_gift_example_is_refused_only_for_what_it_leaves_out() {
    let sim = Sim::start().await;
    // As printed it is not JSON (a missing comma, literal `...`).
    let v = sim
        .post_text("/card/create", &fixture("guide-gift-as-printed.txt"))
        .await;
    assert_eq!(v["errcode"], 47001, "{v}");
    // Fixed, its `...` ("same as above") leaves base_info empty, and the first required
    // member of it is named.
    let v = sim
        .post_text("/card/create", &fixture("guide-gift.json"))
        .await;
    assert_ne!(v["errcode"], 0, "{v}");
    let msg = v["errmsg"].as_str().unwrap();
    assert!(msg.contains("base_info"), "{v}");
    assert!(
        !msg.contains("gift_name") && !msg.contains("gift_unit") && !msg.contains("gift_num"),
        "the gift members themselves are fine: {v}"
    );
}
