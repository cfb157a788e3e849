//! Property tests: importing, validating and synthesizing never panic, whatever the input.

use coupon_studio::card::import::parse_create_body;
use coupon_studio::card::report::Report;
use coupon_studio::card::rules::{Context, Mode};
use proptest::prelude::*;
use serde_json::{Value, json};

/// Arbitrary JSON values, biased towards the types the card model uses.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        "\\PC{0,20}".prop_map(Value::from),
        (-100i64..100_000).prop_map(|n| Value::from(n.to_string())),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            prop::collection::btree_map("[a-z_]{1,12}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Replaces one member of a valid card at a random known path with an arbitrary value.
fn mutated_card() -> impl Strategy<Value = Value> {
    let paths: Vec<&'static [&'static str]> = vec![
        &["card", "card_type"],
        &["card", "cash", "reduce_cost"],
        &["card", "cash", "base_info", "brand_name"],
        &["card", "cash", "base_info", "date_info"],
        &["card", "cash", "base_info", "date_info", "begin_timestamp"],
        &["card", "cash", "base_info", "date_info", "end_timestamp"],
        &["card", "cash", "base_info", "location_id_list"],
        &["card", "cash", "advanced_info", "use_condition"],
        &[
            "card",
            "cash",
            "advanced_info",
            "use_condition",
            "least_cost",
        ],
        &[
            "card",
            "cash",
            "advanced_info",
            "use_condition",
            "accept_category",
        ],
        &["card", "cash", "advanced_info", "time_limit"],
        &["card", "cash", "advanced_info", "text_image_list"],
        &["card", "cash", "advanced_info", "consume_share_card_list"],
        &["card", "cash", "advanced_info", "consume_share_self_num"],
    ];
    (prop::sample::select(paths), any_json()).prop_map(|(path, v)| {
        let mut card = json!({"card":{"card_type":"CASH","cash":{
            "base_info":{"brand_name":"b","date_info":{"type":"DATE_TYPE_FIX_TIME_RANGE",
              "begin_timestamp":1,"end_timestamp":2},"location_id_list":[1]},
            "advanced_info":{"use_condition":{"least_cost":100},
              "time_limit":[{"type":"MONDAY","begin_hour":1,"end_hour":2}],
              "text_image_list":[{"text":"t"}]},
            "reduce_cost":1}}});
        let mut slot = &mut card;
        for key in path {
            if !slot.is_object() {
                *slot = json!({});
            }
            slot = slot
                .as_object_mut()
                .unwrap()
                .entry(*key)
                .or_insert(Value::Null);
        }
        *slot = v;
        card
    })
}

fn check_all(text: &str, now: i64) {
    for mode in [Mode::Draft, Mode::Create] {
        if let Ok(body) = parse_create_body(text) {
            let report = Report::of(&body, &Context { now, mode });
            let _ = report.to_json(false);
            let _ = report.to_json(true);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        check_all(&text, 0);
    }

    #[test]
    fn arbitrary_json_never_panics(v in any_json(), now in any::<i64>()) {
        check_all(&v.to_string(), now);
        check_all(&json!({"card": v}).to_string(), now);
    }

    #[test]
    fn mutated_cards_never_panic(v in mutated_card(), now in any::<i64>()) {
        check_all(&v.to_string(), now);
    }
}

/// Every parser of a WeChat answer in `src/api`, on one JSON value.
fn parse_every_answer(v: &Value) {
    use coupon_studio::api::*;
    let _ = serde_json::from_value::<PayPrice>(v.clone());
    let _ = serde_json::from_value::<CoinsInfo>(v.clone());
    let _ = serde_json::from_value::<OrderInfo>(v.clone());
    let _ = serde_json::from_value::<OrderList>(v.clone());
    let _ = serde_json::from_value::<QrCode>(v.clone());
    let _ = serde_json::from_value::<Ticket>(v.clone());
    let _ = serde_json::from_value::<CodeInfo>(v.clone());
    let _ = serde_json::from_value::<Vec<DayStats>>(v.clone());
    let _ = serde_json::from_value::<Vec<CardColor>>(v.clone());
    let _ = serde_json::from_value::<CardIdList>(v.clone());
    let _ = coupon_studio::api::card::card_details_from("p1", v);
    let _ = coupon_studio::api::pay::recharge_from(v);
    let text = v.to_string();
    for kind in [CallKind::Read, CallKind::Write, CallKind::Money] {
        let _ = coupon_studio::api::client::parse_answer("/x", text.as_bytes(), kind);
    }
    let _ = coupon_studio::api::token::parse_token_answer(text.as_bytes());
    let _ = coupon_studio::api::token::parse_service_answer(&text, Some("token"));
}

/// Answers shaped like WeChat's, with members replaced by arbitrary values.
fn answer_like() -> impl Strategy<Value = Value> {
    let keys = prop::sample::select(vec![
        "errcode",
        "errmsg",
        "access_token",
        "expires_in",
        "order_id",
        "price",
        "free_coin",
        "pay_coin",
        "total_coin",
        "order_info",
        "order_list",
        "total_num",
        "qrcode_url",
        "qrcode_buffer",
        "ticket",
        "url",
        "show_qrcode_url",
        "card",
        "card_id_list",
        "colors",
        "list",
        "code",
        "openid",
        "can_consume",
        "user_card_status",
        "status",
        "create_time",
        "quantity",
    ]);
    prop::collection::btree_map(keys, any_json(), 0..8)
        .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn api_answer_parsers_never_panic(v in prop_oneof![any_json(), answer_like()]) {
        parse_every_answer(&v);
        // A card/get answer around an arbitrary card.
        parse_every_answer(&json!({"errcode": 0, "card": v}));
    }

    #[test]
    fn api_parsers_never_panic_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        use coupon_studio::api::CallKind;
        for kind in [CallKind::Read, CallKind::Write, CallKind::Money] {
            let _ = coupon_studio::api::client::parse_answer("/x", &bytes, kind);
        }
        let _ = coupon_studio::api::token::parse_token_answer(&bytes);
        let text = String::from_utf8_lossy(&bytes);
        let _ = coupon_studio::api::token::parse_service_answer(&text, None);
        let _ = coupon_studio::api::error::redact(&text);
    }

    #[test]
    fn token_service_answers_give_a_token_or_an_error(token in "[A-Za-z0-9_-]{1,64}", field in "[a-z_]{1,12}") {
        let json = json!({ field.clone(): token.clone(), "expires_in": 100 }).to_string();
        let (t, life) = coupon_studio::api::token::parse_service_answer(&json, Some(&field)).unwrap();
        prop_assert_eq!(&t, &token);
        prop_assert_eq!(life, 100);
        let (t, _) = coupon_studio::api::token::parse_service_answer(&token, None).unwrap();
        prop_assert_eq!(t, token);
    }
}
