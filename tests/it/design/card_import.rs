//! The guide's example bodies parse and serialize back to equal JSON, unknown members kept.

use coupon_studio::card::import::{normalize_whitespace, parse_create_body, to_pretty_json};
use coupon_studio::card::{CardType, CreateBody};
use serde_json::Value;

use crate::support::fixture;

/// Parses through the model and back, and compares with a plain parse of the same text.
fn assert_round_trip(name: &str) -> CreateBody {
    let text = fixture(name);
    let body = parse_create_body(&text).unwrap();
    let expected: Value = serde_json::from_str(&normalize_whitespace(&text)).unwrap();
    let written: Value = serde_json::from_str(&to_pretty_json(&body)).unwrap();
    assert_eq!(written, expected, "{name} changed in the round trip");
    body
}

#[test]
fn guide_cash_example_round_trips() {
    let body = assert_round_trip("guide-cash.json");
    assert_eq!(body.card.kind(), Some(CardType::Cash));
    let base = body.card.base_info().unwrap();
    assert_eq!(base.brand_name.as_deref(), Some("微信餐厅"));
    assert_eq!(base.location_id_list.as_ref().unwrap().len(), 2);
    let adv = body.card.advanced_info().unwrap();
    assert_eq!(adv.text_image_list.as_ref().unwrap().len(), 2);
    assert_eq!(adv.time_limit.as_ref().unwrap().len(), 2);
    assert_eq!(
        body.card
            .cash
            .as_ref()
            .unwrap()
            .reduce_cost
            .as_ref()
            .unwrap()
            .get(),
        Some(10)
    );
}

#[test]
fn guide_gift_example_as_printed_is_not_json() {
    // The guide prints `"个""gift"` without a comma and elides objects with `...`.
    assert!(parse_create_body(&fixture("guide-gift-as-printed.txt")).is_err());
}

#[test]
fn guide_gift_example_fixed_round_trips() {
    let body = assert_round_trip("guide-gift.json");
    assert_eq!(body.card.kind(), Some(CardType::Gift));
    let gift = body.card.gift.as_ref().unwrap();
    assert_eq!(gift.gift_name.as_deref(), Some("苹果"));
    assert_eq!(gift.gift_num.as_ref().unwrap().get(), Some(1));
    assert_eq!(gift.gift_unit.as_deref(), Some("个"));
    assert_eq!(gift.gift.as_deref(), Some("送苹果一个"));
}

#[test]
fn full_fixture_round_trips() {
    assert_round_trip("down-jacket.json");
}

#[test]
fn unknown_members_survive_at_every_level() {
    let text = r#"{"card":{"card_type":"CASH","zz":1,"cash":{"least_cost":3,
        "base_info":{"sku":{"quantity":0},"date_info":{"type":"DATE_TYPE_FIX_TIME_RANGE","begin_timestamp":"1447397802","x":[1]}},
        "advanced_info":{"use_condition":{"foo":"bar"},"abstract":{"k":true},
          "text_image_list":[{"text":"t","more":null}],
          "time_limit":[{"type":"FUNDAY","begin_hour":"10","extra":{}}],
          "business_service":["BIZ_SERVICE_SPA"],
          "consume_share_card_list":[{"card_id":"c","num":"1","y":2}],"q":[]}},
        "top":"level"}, "beside":"card"}"#;
    let body = parse_create_body(text).unwrap();
    let expected: Value = serde_json::from_str(text).unwrap();
    assert_eq!(serde_json::to_value(&body).unwrap(), expected);
}
