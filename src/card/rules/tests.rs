//! One failing case and the passing boundary for every rule, built from the guide's examples.

use proptest::prelude::*;
use serde_json::{Value, json};

use super::*;

/// The guide's CASH example `begin_timestamp` / `end_timestamp`.
const BEGIN: i64 = 1_447_397_802;
const END: i64 = 1_449_893_532;
/// Paths into the CASH fixture, as JSON pointers.
const B: &str = "/card/cash/base_info";
const A: &str = "/card/cash/advanced_info";
const CDN: &str = "http://mmbiz.qpic.cn/mmbiz/p98FjXy8LacgHxp3sJ3vn97bGLz0ib0Sfz1bjiaoOYA027iasqSG0sjpiby4vce3AtaPu6cIhBHkt6IjlkY9YnDsfw/0";

/// The guide's CASH example exactly as printed (`tests/fixtures/guide-cash.json`): the
/// non-breaking spaces inside three image URLs included, no `notice`, and
/// `custom_url_sub_title` "6个汉字tips" (5.5 of its 6 汉字: a half-width letter counts ½).
fn guide_cash_verbatim() -> Value {
    json!({
        "card": {
            "card_type": "CASH",
            "cash": {
                "base_info": {
                    "logo_url": "http://mmbiz.qpic.cn/mmbiz/iaL1LJM1mF9aRKPZJkmG8xXhiaHqkKSVMMWeN3hLut7X7hicFNjakmx\u{a0}ibMLGWpXrEXB33367o7zHN0CwngnQY7zb7g/0",
                    "brand_name": "微信餐厅",
                    "code_type": "CODE_TYPE_TEXT",
                    "color": "Color010",
                    "service_phone": "020-88888888",
                    "description": "不可与其他优惠同享如需团购券发票,请在消费时向商户\u{a0}提出",
                    "date_info": {
                        "type": "DATE_TYPE_FIX_TIME_RANGE",
                        "begin_timestamp": 1447397802,
                        "end_timestamp": 1449893532
                    },
                    "can_share": false,
                    "can_give_friend": false,
                    "location_id_list": [272981040, 400183234],
                    "get_limit": 3,
                    "center_title": "快速核销",
                    "center_sub_title": "",
                    "center_url": "www.qq.com",
                    "custom_url_name": "立即使用",
                    "custom_url": "http://www.qq.com",
                    "custom_url_sub_title": "6个汉字tips",
                    "promotion_url_name": "更多优惠",
                    "promotion_url": "http://www.qq.com"
                },
                "advanced_info": {
                    "use_condition": {
                        "accept_category": "鞋类",
                        "reject_category": "阿迪达斯",
                        "can_use_with_other_discount": true
                    },
                    "abstract": {
                        "abstract": "微信餐厅推出多种新季菜品,期待您的光临",
                        "icon_url_list": [
                            "http://mmbiz.qpic.cn/mmbiz/p98FjXy8LacgHxp3sJ3vn97bGLz0ib0Sfz1bjiaoOYA027iasqSG0sj\u{a0}\u{a0}piby4vce3AtaPu6cIhBHkt6IjlkY9YnDsfw/0"
                        ]
                    },
                    "text_image_list": [
                        {
                            "image_url": "http://mmbiz.qpic.cn/mmbiz/p98FjXy8LacgHxp3sJ3vn97bGLz0ib0Sfz1bjiaoOYA027iasqSG0sjpiby4vce3AtaPu6cIhBHkt6IjlkY9YnDsfw/0",
                            "text": "此菜品精选食材,以独特的烹饪方法,最大程度地刺激食\u{a0}客的味蕾"
                        },
                        {
                            "image_url": "http://mmbiz.qpic.cn/mmbiz/p98FjXy8LacgHxp3sJ3vn97bGLz0ib0Sfz1bjiaoOYA027iasqSG0sj\u{a0}piby4vce3AtaPu6cIhBHkt6IjlkY9YnDsfw/0",
                            "text": "此菜品迎合大众口味,老少皆宜,营养均衡"
                        }
                    ],
                    "time_limit": [
                        {"type": "MONDAY", "begin_hour": 0, "end_hour": 10, "begin_minute": 10, "end_minute": 59},
                        {"type": "HOLIDAY"}
                    ],
                    "business_service": [
                        "BIZ_SERVICE_FREE_WIFI",
                        "BIZ_SERVICE_WITH_PET",
                        "BIZ_SERVICE_FREE_PARK",
                        "BIZ_SERVICE_DELIVER"
                    ],
                    "consume_share_self_num": 1,
                    "consume_share_card_list": [],
                    "share_friends": true
                },
                "reduce_cost": 10
            }
        }
    })
}

/// The guide's CASH example made valid: a `notice` added (the field table requires it) and the
/// tip cut to 6 characters. Everything else, the image URLs included, is as printed.
fn cash() -> Value {
    let mut v = guide_cash_verbatim();
    set(&mut v, &p("notice"), json!("请出示二维码核销卡券"));
    set(&mut v, &p("custom_url_sub_title"), json!("6字tips"));
    v
}

/// A GIFT variant of the same card: 苹果 1 个, without the CASH-only category thresholds.
fn gift() -> Value {
    let c = cash();
    let mut adv = c["card"]["cash"]["advanced_info"].clone();
    adv["use_condition"] = json!({"can_use_with_other_discount": true});
    json!({
        "card": {
            "card_type": "GIFT",
            "gift": {
                "base_info": c["card"]["cash"]["base_info"].clone(),
                "advanced_info": adv,
                "gift_name": "苹果",
                "gift_num": 1,
                "gift_unit": "个",
                "gift": "送苹果一个"
            }
        }
    })
}

/// Just before the example starts, sending for real.
fn ctx() -> Context {
    Context {
        now: BEGIN - 60,
        mode: Mode::Create,
    }
}

fn run_in(v: &Value, ctx: &Context) -> Vec<Finding> {
    let body: CreateBody = serde_json::from_value(v.clone()).unwrap();
    validate(&body, ctx)
}

fn run(v: &Value) -> Vec<Finding> {
    run_in(v, &ctx())
}

/// Sets (or adds) the member or entry at a JSON pointer.
fn set(v: &mut Value, pointer: &str, new: Value) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    match v
        .pointer_mut(parent)
        .unwrap_or_else(|| panic!("no {parent}"))
    {
        Value::Object(m) => {
            m.insert(key.to_owned(), new);
        }
        Value::Array(a) => a[key.parse::<usize>().unwrap()] = new,
        other => panic!("{parent} is {other}"),
    }
}

/// Removes the member at a JSON pointer.
fn remove(v: &mut Value, pointer: &str) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let m = v.pointer_mut(parent).unwrap().as_object_mut().unwrap();
    assert!(m.remove(key).is_some(), "no {pointer}");
}

/// The findings of `base` with one member set.
fn with(mut base: Value, pointer: &str, new: Value) -> Vec<Finding> {
    set(&mut base, pointer, new);
    run(&base)
}

/// The findings of `base` with one member removed.
fn without(mut base: Value, pointer: &str) -> Vec<Finding> {
    remove(&mut base, pointer);
    run(&base)
}

/// Asserts exactly one finding, with this field, rule, severity and errcode.
#[track_caller]
fn one(fs: &[Finding], field: &str, rule: &str, sev: Severity, errcode: Option<i64>) -> Finding {
    assert_eq!(fs.len(), 1, "expected one finding, got {fs:#?}");
    let f = &fs[0];
    assert_eq!(
        (f.field.as_str(), f.rule, f.severity, f.errcode),
        (field, rule, sev, errcode),
        "{f:#?}"
    );
    assert!(!f.message_zh.is_empty() && !f.message_en.is_empty());
    f.clone()
}

#[track_caller]
fn error(fs: &[Finding], field: &str, rule: &str) -> Finding {
    one(fs, field, rule, Severity::Error, None)
}

#[track_caller]
fn warning(fs: &[Finding], field: &str, rule: &str) -> Finding {
    one(fs, field, rule, Severity::Warning, None)
}

#[track_caller]
fn clean(fs: &[Finding]) {
    assert!(fs.is_empty(), "expected no findings, got {fs:#?}");
}

fn p(suffix: &str) -> String {
    format!("{B}/{suffix}")
}

fn a(suffix: &str) -> String {
    format!("{A}/{suffix}")
}

fn f(suffix: &str) -> String {
    format!("card.cash.base_info.{suffix}")
}

fn fa(suffix: &str) -> String {
    format!("card.cash.advanced_info.{suffix}")
}

// ---- The guide's examples ----

#[test]
fn guide_examples_fixed_are_clean() {
    clean(&run(&cash()));
    clean(&run(&gift()));
    // Timestamps as strings, as the field table asks.
    let mut v = cash();
    set(&mut v, &p("date_info/begin_timestamp"), json!("1447397802"));
    set(&mut v, &p("date_info/end_timestamp"), json!("1449893532"));
    clean(&run(&v));
}

#[test]
fn guide_cash_verbatim_has_only_its_known_flaws() {
    // The same card in Draft and Create mode: nothing here depends on the mode. Its
    // "6个汉字tips" fits (5.5 of 6); only the notice the example leaves out is missing.
    for mode in [Mode::Draft, Mode::Create] {
        let fs = run_in(&guide_cash_verbatim(), &Context { mode, ..ctx() });
        let got: Vec<_> = fs.iter().map(|f| (f.field.as_str(), f.rule)).collect();
        assert_eq!(got, vec![("card.cash.base_info.notice", "required")]);
        assert!(
            fs.iter()
                .all(|f| f.severity == Severity::Error && f.errcode.is_none())
        );
    }
}

#[test]
fn guide_cash_literal_matches_the_fixture() {
    // The json! copy above is the guide's example byte for byte, as the importer reads it.
    let text = include_str!("../../../tests/fixtures/guide-cash.json");
    let from_file = crate::card::import::parse_create_body(text).unwrap();
    let literal: CreateBody = serde_json::from_value(guide_cash_verbatim()).unwrap();
    assert_eq!(from_file, literal);
}

// ---- card_type and the bodies ----

#[test]
fn card_type_required_and_known() {
    let fs = without(cash(), "/card/card_type");
    one(
        &fs,
        "card.card_type",
        "required",
        Severity::Error,
        Some(47001),
    );
    let fs = with(cash(), "/card/card_type", json!("DISCOUNT"));
    let f = one(&fs, "card.card_type", "enum", Severity::Error, Some(47001));
    assert_eq!(f.limit.as_deref(), Some("CASH / GIFT"));
    let fs = with(cash(), "/card/card_type", json!(""));
    one(
        &fs,
        "card.card_type",
        "required",
        Severity::Error,
        Some(47001),
    );
}

#[test]
fn matching_body_required_other_body_absent() {
    let fs = with(cash(), "/card/card_type", json!("GIFT"));
    let got: Vec<_> = fs
        .iter()
        .map(|f| (f.field.as_str(), f.rule, f.errcode))
        .collect();
    assert_eq!(
        got,
        vec![
            ("card.cash", "exclusive", Some(47001)),
            ("card.gift", "required", Some(47001))
        ]
    );
    let mut v = cash();
    set(&mut v, "/card/gift", gift()["card"]["gift"].clone());
    one(
        &run(&v),
        "card.gift",
        "exclusive",
        Severity::Error,
        Some(47001),
    );
    let fs = run(&json!({"card": {}}));
    let got: Vec<_> = fs.iter().map(|f| (f.field.as_str(), f.rule)).collect();
    assert_eq!(
        got,
        vec![("card.card_type", "required"), ("card", "required")]
    );
}

#[test]
fn missing_card_type_still_checks_the_body() {
    let mut v = cash();
    remove(&mut v, "/card/card_type");
    set(&mut v, &p("brand_name"), json!("字".repeat(13)));
    let rules: Vec<_> = run(&v).iter().map(|f| f.rule).collect();
    assert_eq!(rules, vec!["required", "max_chars"]);
}

// ---- CASH and GIFT fields ----

#[test]
fn reduce_cost_positive_integer() {
    clean(&with(cash(), "/card/cash/reduce_cost", json!(1)));
    clean(&with(cash(), "/card/cash/reduce_cost", json!("1")));
    let f = error(
        &with(cash(), "/card/cash/reduce_cost", json!(0)),
        "card.cash.reduce_cost",
        "range",
    );
    assert_eq!(f.limit.as_deref(), Some("≥ 1"));
    error(
        &with(cash(), "/card/cash/reduce_cost", json!(1.5)),
        "card.cash.reduce_cost",
        "integer",
    );
    error(
        &with(cash(), "/card/cash/reduce_cost", json!("十")),
        "card.cash.reduce_cost",
        "integer",
    );
    error(
        &without(cash(), "/card/cash/reduce_cost"),
        "card.cash.reduce_cost",
        "required",
    );
    // Long values are quoted shortened.
    let fs = with(cash(), "/card/cash/reduce_cost", json!("十".repeat(500)));
    let found = error(&fs, "card.cash.reduce_cost", "integer");
    assert!(
        found.message_zh.chars().count() < 80,
        "{}",
        found.message_zh
    );
    assert!(found.message_zh.ends_with('…'));
}

#[test]
fn gift_name_and_unit() {
    clean(&with(gift(), "/card/gift/gift_name", json!("六个字的商品")));
    let fs = with(gift(), "/card/gift/gift_name", json!("七个字的商品名"));
    let f = error(&fs, "card.gift.gift_name", "max_chars");
    assert_eq!(f.limit.as_deref(), Some("6"));
    error(
        &without(gift(), "/card/gift/gift_name"),
        "card.gift.gift_name",
        "required",
    );
    clean(&with(gift(), "/card/gift/gift_unit", json!("瓶装")));
    error(
        &with(gift(), "/card/gift/gift_unit", json!("大瓶装")),
        "card.gift.gift_unit",
        "max_chars",
    );
    error(
        &with(gift(), "/card/gift/gift_unit", json!(" ")),
        "card.gift.gift_unit",
        "required",
    );
}

#[test]
fn gift_num_one_to_999() {
    clean(&with(gift(), "/card/gift/gift_num", json!(999)));
    clean(&with(gift(), "/card/gift/gift_num", json!("1")));
    let f = error(
        &with(gift(), "/card/gift/gift_num", json!(1000)),
        "card.gift.gift_num",
        "range",
    );
    assert_eq!(f.limit.as_deref(), Some("1–999"));
    error(
        &with(gift(), "/card/gift/gift_num", json!(0)),
        "card.gift.gift_num",
        "range",
    );
    error(
        &without(gift(), "/card/gift/gift_num"),
        "card.gift.gift_num",
        "required",
    );
}

// ---- base_info ----

#[test]
fn base_info_required() {
    let fs = without(cash(), "/card/cash/base_info");
    one(
        &fs,
        "card.cash.base_info",
        "required",
        Severity::Error,
        Some(47001),
    );
}

#[test]
fn base_fields_required_and_not_blank() {
    for key in [
        "logo_url",
        "brand_name",
        "code_type",
        "color",
        "notice",
        "description",
    ] {
        error(&without(cash(), &p(key)), &f(key), "required");
        error(&with(cash(), &p(key), json!("  ")), &f(key), "required");
    }
    one(
        &without(cash(), &p("date_info")),
        "card.cash.base_info.date_info",
        "required",
        Severity::Error,
        Some(47001),
    );
}

#[test]
fn char_limits_count_characters() {
    let cases = [
        (p("brand_name"), f("brand_name"), BRAND_NAME_MAX),
        (p("notice"), f("notice"), NOTICE_MAX),
        (p("description"), f("description"), DESCRIPTION_MAX),
        (p("center_title"), f("center_title"), CENTER_TITLE_MAX),
        (
            p("center_sub_title"),
            f("center_sub_title"),
            CENTER_SUB_TITLE_MAX,
        ),
        (
            p("custom_url_name"),
            f("custom_url_name"),
            CUSTOM_URL_NAME_MAX,
        ),
        (
            p("custom_url_sub_title"),
            f("custom_url_sub_title"),
            CUSTOM_URL_SUB_TITLE_MAX,
        ),
        (
            p("promotion_url_sub_title"),
            f("promotion_url_sub_title"),
            PROMOTION_URL_SUB_TITLE_MAX,
        ),
        (
            a("text_image_list/1/text"),
            fa("text_image_list[1].text"),
            TEXT_IMAGE_TEXT_MAX,
        ),
    ];
    for (pointer, field, limit) in cases {
        clean(&with(cash(), &pointer, json!("字".repeat(limit))));
        // A half-width letter counts one half: twice the limit fits, one more does not.
        clean(&with(cash(), &pointer, json!("a".repeat(limit * 2))));
        let fs = with(cash(), &pointer, json!("a".repeat(limit * 2 + 1)));
        let found = error(&fs, &field, "max_chars");
        assert!(found.message_en.contains(&format!("it has {limit}.5")));
        let fs = with(cash(), &pointer, json!("字".repeat(limit + 1)));
        let found = error(&fs, &field, "max_chars");
        assert_eq!(found.limit, Some(limit.to_string()));
        assert_eq!(field_limit(&field), Some(limit));
    }
    let fs = with(
        cash(),
        &p("brand_name"),
        json!("微信餐厅微信餐厅微信餐厅微"),
    );
    let found = error(&fs, &f("brand_name"), "max_chars");
    assert_eq!(
        found.message_zh,
        "商户名称(brand_name)最多 12 个汉字(英文、数字算半个),当前 13 个"
    );
    assert_eq!(
        found.message_en,
        "brand name (brand_name) allows at most 12 Chinese characters (a half-width letter or digit counts one half), it has 13"
    );
    assert_eq!(found.message(true), found.message_en);
    assert_eq!(found.message(false), found.message_zh);
}

#[test]
fn text_len_counts_half_width_as_half() {
    let len = |s: &str| text_len(s).to_string();
    assert_eq!(len("6个汉字tips"), "5.5");
    assert!(text_len("6个汉字tips").fits(6));
    assert!(!text_len("6个汉字tips!!").fits(6));
    assert_eq!(len("微信餐厅"), "4");
    // Full-width punctuation and forms count whole, half-width katakana half.
    assert_eq!(len("，！ＡＢ"), "4");
    assert_eq!(len("ｱｲ"), "1");
    // Emoji and East Asian "ambiguous" signs (×, ①) read as full width in Chinese text.
    assert_eq!(len("🍎a"), "1.5");
    assert_eq!(len("买1送1×①"), "5");
    assert_eq!(len(""), "0");
    assert_eq!(field_limit("gift_name"), Some(GIFT_NAME_MAX));
    assert_eq!(field_limit("card.gift.gift_unit"), Some(GIFT_UNIT_MAX));
    assert_eq!(field_limit("color"), None);
}

#[test]
fn code_type_known() {
    for code in [
        "CODE_TYPE_BARCODE",
        "CODE_TYPE_QRCODE",
        "CODE_TYPE_ONLY_QRCODE",
        "CODE_TYPE_NONE",
    ] {
        clean(&with(cash(), &p("code_type"), json!(code)));
    }
    let f = error(
        &with(cash(), &p("code_type"), json!("CODE_TYPE_X")),
        &f("code_type"),
        "enum",
    );
    assert!(
        f.message_zh.contains("CODE_TYPE_ONLY_BARCODE"),
        "{}",
        f.message_zh
    );
}

#[test]
fn color_in_palette_is_a_warning() {
    clean(&with(cash(), &p("color"), json!("Color102")));
    warning(
        &with(cash(), &p("color"), json!("Color103")),
        &f("color"),
        "palette",
    );
    warning(
        &with(cash(), &p("color"), json!("#63b359")),
        &f("color"),
        "palette",
    );
}

#[test]
fn get_limit_positive_integer() {
    clean(&with(cash(), &p("get_limit"), json!(1)));
    error(
        &with(cash(), &p("get_limit"), json!(0)),
        &f("get_limit"),
        "range",
    );
    error(
        &with(cash(), &p("get_limit"), json!("三")),
        &f("get_limit"),
        "integer",
    );
}

// ---- date_info ----

#[test]
fn date_type_fixed_range_only() {
    let fs = with(cash(), &p("date_info/type"), json!("DATE_TYPE_FIX_TERM"));
    one(
        &fs,
        &f("date_info.type"),
        "enum",
        Severity::Error,
        Some(40079),
    );
    let fs = without(cash(), &p("date_info/type"));
    one(
        &fs,
        &f("date_info.type"),
        "required",
        Severity::Error,
        Some(40079),
    );
}

#[test]
fn timestamps_required_integers() {
    error(
        &without(cash(), &p("date_info/begin_timestamp")),
        &f("date_info.begin_timestamp"),
        "required",
    );
    error(
        &without(cash(), &p("date_info/end_timestamp")),
        &f("date_info.end_timestamp"),
        "required",
    );
    let fs = with(cash(), &p("date_info/end_timestamp"), json!("明天"));
    error(&fs, &f("date_info.end_timestamp"), "integer");
}

#[test]
fn end_after_begin() {
    let end = f("date_info.end_timestamp");
    let fs = with(cash(), &p("date_info/end_timestamp"), json!(BEGIN));
    one(&fs, &end, "date_order", Severity::Error, Some(40079));
    clean(&with(
        cash(),
        &p("date_info/end_timestamp"),
        json!(BEGIN + 1),
    ));
}

#[test]
fn validity_at_most_90_days() {
    let end = f("date_info.end_timestamp");
    let max = BEGIN + 90 * DAY_SECS;
    clean(&with(cash(), &p("date_info/end_timestamp"), json!(max)));
    let fs = with(cash(), &p("date_info/end_timestamp"), json!(max + 1));
    let found = one(&fs, &end, "date_span", Severity::Error, Some(40079));
    assert_eq!(found.limit.as_deref(), Some("90 天"));
    assert!(
        found.message_zh.contains("90 天 00:00:01"),
        "{}",
        found.message_zh
    );
}

#[test]
fn begin_more_than_5_days_ahead_is_a_warning() {
    let mut v = cash();
    set(&mut v, &p("date_info/begin_timestamp"), json!(BEGIN));
    let at = |now| Context {
        now,
        mode: Mode::Create,
    };
    clean(&run_in(&v, &at(BEGIN - 5 * DAY_SECS)));
    let fs = run_in(&v, &at(BEGIN - 5 * DAY_SECS - 1));
    let found = warning(&fs, &f("date_info.begin_timestamp"), "date_lead");
    assert_eq!(found.limit.as_deref(), Some("5 天"));
    assert!(
        found.message_zh.contains("2015-11-13 14:56:42"),
        "{}",
        found.message_zh
    );
}

#[test]
fn end_in_the_past_is_a_warning() {
    let at = |now| Context {
        now,
        mode: Mode::Create,
    };
    clean(&run_in(&cash(), &at(END)));
    warning(
        &run_in(&cash(), &at(END + 1)),
        &f("date_info.end_timestamp"),
        "date_past",
    );
}

#[test]
fn extreme_timestamps_do_not_overflow() {
    for (begin, end, now) in [
        (i64::MIN, i64::MAX, 0),
        (i64::MAX, i64::MIN, i64::MIN),
        (i64::MIN, i64::MIN + 1, i64::MAX),
        (-1, 0, i64::MIN),
    ] {
        let mut v = cash();
        set(&mut v, &p("date_info/begin_timestamp"), json!(begin));
        set(&mut v, &p("date_info/end_timestamp"), json!(end));
        let fs = run_in(
            &v,
            &Context {
                now,
                mode: Mode::Draft,
            },
        );
        assert!(!fs.is_empty());
    }
    let mut v = cash();
    set(&mut v, &p("date_info/begin_timestamp"), json!(i64::MIN));
    set(&mut v, &p("date_info/end_timestamp"), json!(i64::MAX));
    let rules: Vec<_> = run(&v).iter().map(|f| f.rule).collect();
    assert_eq!(rules, vec!["date_span"]);
}

// ---- stores and sharing ----

#[test]
fn at_least_one_store() {
    let fs = without(cash(), &p("location_id_list"));
    one(
        &fs,
        &f("location_id_list"),
        "required",
        Severity::Error,
        Some(41025),
    );
    let fs = with(cash(), &p("location_id_list"), json!([]));
    one(
        &fs,
        &f("location_id_list"),
        "min_items",
        Severity::Error,
        Some(41025),
    );
    clean(&with(cash(), &p("location_id_list"), json!([1])));
    clean(&with(cash(), &p("location_id_list"), json!(["272981040"])));
    error(
        &with(cash(), &p("location_id_list"), json!([1, 0])),
        &f("location_id_list[1]"),
        "range",
    );
    error(
        &with(cash(), &p("location_id_list"), json!(["店"])),
        &f("location_id_list[0]"),
        "integer",
    );
}

#[test]
fn can_share_and_can_give_friend_false() {
    for key in ["can_share", "can_give_friend"] {
        let found = error(&with(cash(), &p(key), json!(true)), &f(key), "exclusive");
        assert_eq!(found.limit.as_deref(), Some("false"));
        error(&without(cash(), &p(key)), &f(key), "required");
    }
}

#[test]
fn share_friends_true() {
    let found = error(
        &with(cash(), &a("share_friends"), json!(false)),
        &fa("share_friends"),
        "value",
    );
    assert_eq!(found.limit.as_deref(), Some("true"));
    error(
        &without(cash(), &a("share_friends")),
        &fa("share_friends"),
        "required",
    );
}

// ---- advanced_info ----

#[test]
fn advanced_info_required() {
    let fs = without(cash(), "/card/cash/advanced_info");
    one(
        &fs,
        "card.cash.advanced_info",
        "required",
        Severity::Error,
        Some(47001),
    );
}

#[test]
fn one_cover_picture_at_most() {
    clean(&without(cash(), &a("abstract")));
    let fs = with(cash(), &a("abstract/icon_url_list"), json!([CDN, CDN]));
    let found = error(&fs, &fa("abstract.icon_url_list"), "max_items");
    assert_eq!(found.limit.as_deref(), Some("1"));
    clean(&with(cash(), &a("abstract/icon_url_list"), json!([])));
}

#[test]
fn text_image_list_required() {
    error(
        &without(cash(), &a("text_image_list")),
        &fa("text_image_list"),
        "required",
    );
    error(
        &with(cash(), &a("text_image_list"), json!([])),
        &fa("text_image_list"),
        "min_items",
    );
    clean(&with(
        cash(),
        &a("text_image_list"),
        json!([{"image_url": CDN}]),
    ));
    let fs = with(cash(), &a("text_image_list"), json!([{"text": "无图"}]));
    let found = error(&fs, &fa("text_image_list[0].image_url"), "required");
    assert_eq!(
        found.message_zh,
        "缺少图文列表第 1 项的图片(text_image_list[0].image_url),此项必填"
    );
}

#[test]
fn consume_share_self_num_at_most_1() {
    clean(&with(cash(), &a("consume_share_self_num"), json!(0)));
    let fs = with(cash(), &a("consume_share_self_num"), json!(2));
    let found = error(&fs, &fa("consume_share_self_num"), "range");
    assert_eq!(found.limit.as_deref(), Some("0–1"));
}

#[test]
fn consume_share_card_list_rules() {
    let other = json!([{"card_id": "pbLatjpvp0Xq6jtgRRxCKtudkBz8k", "num": 1}]);
    // Exclusive with consume_share_self_num 1 (the example's value); fine with 0.
    let fs = with(cash(), &a("consume_share_card_list"), other.clone());
    error(&fs, &fa("consume_share_card_list"), "exclusive");
    let mut v = cash();
    set(&mut v, &a("consume_share_self_num"), json!(0));
    set(&mut v, &a("consume_share_card_list"), other);
    clean(&run(&v));
    let entry = json!({"card_id": "pbLatjpvp0Xq6jtgRRxCKtudkBz8k", "num": 1});
    let fs = with(
        v.clone(),
        &a("consume_share_card_list"),
        json!([entry, entry]),
    );
    let found = error(&fs, &fa("consume_share_card_list"), "max_items");
    assert_eq!(found.limit.as_deref(), Some("1"));
    let fs = with(v.clone(), &a("consume_share_card_list/0/num"), json!(2));
    error(&fs, &fa("consume_share_card_list[0].num"), "value");
    let fs = with(
        v.clone(),
        &a("consume_share_card_list/0/card_id"),
        json!(""),
    );
    error(&fs, &fa("consume_share_card_list[0].card_id"), "required");
    let fs = without(v, &a("consume_share_card_list/0/num"));
    error(&fs, &fa("consume_share_card_list[0].num"), "required");
}

#[test]
fn categories_only_on_cash_object_use_for_only_on_gift() {
    let gift_uc = "/card/gift/advanced_info/use_condition";
    for key in ["accept_category", "reject_category"] {
        let fs = with(gift(), &format!("{gift_uc}/{key}"), json!("蛋挞"));
        let field = format!("card.gift.advanced_info.use_condition.{key}");
        let found = error(&fs, &field, "card_type_only");
        assert_eq!(found.limit.as_deref(), Some("CASH"));
        clean(&with(gift(), &format!("{gift_uc}/{key}"), json!("")));
    }
    clean(&with(
        gift(),
        &format!("{gift_uc}/object_use_for"),
        json!("蛋糕"),
    ));
    let fs = with(cash(), &a("use_condition/object_use_for"), json!("蛋糕"));
    error(&fs, &fa("use_condition.object_use_for"), "card_type_only");
}

#[test]
fn least_cost_positive_and_above_the_discount() {
    let least = fa("use_condition.least_cost");
    clean(&with(cash(), &a("use_condition/least_cost"), json!(11)));
    let found = warning(
        &with(cash(), &a("use_condition/least_cost"), json!(10)),
        &least,
        "threshold",
    );
    assert_eq!(found.limit.as_deref(), Some("> 10"));
    error(
        &with(cash(), &a("use_condition/least_cost"), json!(0)),
        &least,
        "range",
    );
    error(
        &with(cash(), &a("use_condition/least_cost"), json!("满百")),
        &least,
        "integer",
    );
    // A gift coupon has no discount to compare with.
    clean(&with(
        gift(),
        "/card/gift/advanced_info/use_condition/least_cost",
        json!(1),
    ));
}

#[test]
fn time_limit_type_known() {
    let fs = with(cash(), &a("time_limit/1/type"), json!("WEEKEND"));
    error(&fs, &fa("time_limit[1].type"), "enum");
    error(
        &with(cash(), &a("time_limit/1"), json!({})),
        &fa("time_limit[1].type"),
        "required",
    );
}

#[test]
fn time_limit_hours_and_minutes_in_range() {
    let slot = |bh, bm, eh, em| json!({"type": "FRIDAY", "begin_hour": bh, "begin_minute": bm, "end_hour": eh, "end_minute": em});
    clean(&with(cash(), &a("time_limit/1"), slot(0, 0, 23, 59)));
    let fs = with(cash(), &a("time_limit/1"), slot(0, 0, 24, 0));
    let found = error(&fs, &fa("time_limit[1].end_hour"), "range");
    assert_eq!(found.limit.as_deref(), Some("0–23"));
    let fs = with(cash(), &a("time_limit/1"), slot(0, 60, 23, 0));
    let found = error(&fs, &fa("time_limit[1].begin_minute"), "range");
    assert_eq!(found.limit.as_deref(), Some("0–59"));
    let fs = with(cash(), &a("time_limit/1"), slot(-1, 0, 23, 0));
    error(&fs, &fa("time_limit[1].begin_hour"), "range");
    // Once a time is given the hours are needed; minutes default to 0.
    let fs = with(
        cash(),
        &a("time_limit/1"),
        json!({"type": "FRIDAY", "begin_hour": 10}),
    );
    error(&fs, &fa("time_limit[1].end_hour"), "required");
    clean(&with(
        cash(),
        &a("time_limit/1"),
        json!({"type": "FRIDAY", "begin_hour": 10, "end_hour": 11}),
    ));
}

#[test]
fn time_limit_begin_before_end() {
    let slot = |bh, bm, eh, em| json!({"type": "FRIDAY", "begin_hour": bh, "begin_minute": bm, "end_hour": eh, "end_minute": em});
    clean(&with(cash(), &a("time_limit/1"), slot(10, 0, 10, 1)));
    error(
        &with(cash(), &a("time_limit/1"), slot(10, 0, 10, 0)),
        &fa("time_limit[1]"),
        "time_order",
    );
    error(
        &with(cash(), &a("time_limit/1"), slot(22, 0, 2, 0)),
        &fa("time_limit[1]"),
        "time_order",
    );
}

#[test]
fn overlapping_slots_of_one_day_are_a_warning() {
    // The example's first slot: MONDAY 00:10–10:59.
    let mut v = cash();
    let list = v
        .pointer_mut(&a("time_limit"))
        .unwrap()
        .as_array_mut()
        .unwrap();
    list.push(json!({"type": "MONDAY", "begin_hour": 10, "begin_minute": 59, "end_hour": 12}));
    list.push(json!({"type": "TUESDAY", "begin_hour": 0, "end_hour": 23}));
    clean(&run(&v));
    set(&mut v, &a("time_limit/2/begin_minute"), json!(58));
    warning(&run(&v), &fa("time_limit[2]"), "time_overlap");
    // Ending where the example's slot begins (00:10) touches it without overlapping.
    let early = |end_minute| json!({"type": "MONDAY", "begin_hour": 0, "end_hour": 0, "end_minute": end_minute});
    clean(&with(cash(), &a("time_limit/1"), early(10)));
    warning(
        &with(cash(), &a("time_limit/1"), early(11)),
        &fa("time_limit[1]"),
        "time_overlap",
    );
    // A slot without hours is the whole day.
    let list = json!([{"type": "HOLIDAY"}, {"type": "HOLIDAY", "begin_hour": 9, "end_hour": 10}]);
    warning(
        &with(cash(), &a("time_limit"), list),
        &fa("time_limit[1]"),
        "time_overlap",
    );
}

#[test]
fn business_service_known() {
    let fs = with(
        cash(),
        &a("business_service"),
        json!(["BIZ_SERVICE_DELIVER", "BIZ_SERVICE_KTV"]),
    );
    error(&fs, &fa("business_service[1]"), "enum");
    clean(&with(cash(), &a("business_service"), json!([])));
}

// ---- images and entrances ----

#[test]
fn images_must_be_on_the_cdn() {
    let cases = [
        (p("logo_url"), f("logo_url")),
        (
            a("abstract/icon_url_list/0"),
            fa("abstract.icon_url_list[0]"),
        ),
        (
            a("text_image_list/0/image_url"),
            fa("text_image_list[0].image_url"),
        ),
    ];
    let draft = Context {
        mode: Mode::Draft,
        ..ctx()
    };
    for (pointer, field) in cases {
        let mut v = cash();
        set(&mut v, &pointer, json!("https://example.com/logo.jpg"));
        one(&run(&v), &field, "cdn_url", Severity::Error, Some(40141));
        one(
            &run_in(&v, &draft),
            &field,
            "cdn_url",
            Severity::Warning,
            Some(40141),
        );
        set(
            &mut v,
            &pointer,
            json!("https://mmbiz.qlogo.cn/mmbiz/abc/0"),
        );
        clean(&run(&v));
    }
}

#[test]
fn cdn_host_is_strict() {
    for good in [
        "http://mmbiz.qpic.cn/mmbiz/abc/0",
        "https://mmbiz.qpic.cn/mmbiz_jpg/abc/0?wx_fmt=jpeg",
        "https://mmbiz.qlogo.cn/mmbiz/abc/0",
        "HTTPS://MMBIZ.QPIC.CN/mmbiz/abc/0",
        // The guide's own URLs hold non-breaking spaces; only the host is judged.
        "http://mmbiz.qpic.cn/mmbiz/abc\u{a0}def/0",
    ] {
        assert!(is_wechat_cdn_url(good), "{good}");
    }
    for bad in [
        "",
        "mmbiz.qpic.cn/mmbiz/abc/0",
        "//mmbiz.qpic.cn/mmbiz/abc/0",
        "ftp://mmbiz.qpic.cn/mmbiz/abc/0",
        "http://mmbiz.qpic.cn",
        "http://mmbiz.qpic.cn/",
        "http://mmbiz.qpic.cn.evil.com/a",
        "http://evilmmbiz.qpic.cn/a",
        "http://x.mmbiz.qpic.cn/a",
        "http://mmbiz.qpic.cn@evil.com/a",
        "http://evil.com@mmbiz.qpic.cn/a",
        "http://mmbiz.qpic.cn:8080/a",
        "http://mmbiz.qpic.cn?x/a",
        "http://mmbiz.qpic.cn#/a",
        "http://mmbiz.qpic.cn\\@evil.com/a",
        "http://mmbiz.qpic.cn /a",
        "http://mmbiz.qpic.cn/ ",
        " http://mmbiz.qpic.cn/a",
        "http://évil/mmbiz.qpic.cn/a",
        "http://mmbiz。qpic.cn/a",
    ] {
        assert!(!is_wechat_cdn_url(bad), "{bad:?}");
    }
}

#[test]
fn entrance_name_without_link_is_a_warning() {
    let cases = [
        ("center_url", "center_title"),
        ("custom_url", "custom_url_name"),
        ("promotion_url", "promotion_url_name"),
    ];
    for (url, name) in cases {
        warning(&without(cash(), &p(url)), &f(url), "url_missing");
        warning(&with(cash(), &p(url), json!(" ")), &f(url), "url_missing");
        let mut v = cash();
        remove(&mut v, &p(url));
        remove(&mut v, &p(name));
        clean(&run(&v));
    }
}

// ---- the API around the findings ----

#[test]
fn findings_come_in_field_order() {
    let mut v = cash();
    set(&mut v, "/card/cash/reduce_cost", json!(0));
    set(&mut v, &a("share_friends"), json!(false));
    set(
        &mut v,
        &a("text_image_list/0/text"),
        json!("字".repeat(5001)),
    );
    set(&mut v, &p("date_info/end_timestamp"), json!(BEGIN));
    set(&mut v, &p("brand_name"), json!("字".repeat(13)));
    let fields: Vec<_> = run(&v).into_iter().map(|f| f.field).collect();
    assert_eq!(
        fields,
        vec![
            f("brand_name"),
            f("date_info.end_timestamp"),
            fa("text_image_list[0].text"),
            fa("share_friends"),
            "card.cash.reduce_cost".to_owned(),
        ]
    );
}

#[test]
fn has_errors_ignores_warnings() {
    assert!(!has_errors(&[]));
    let warned = with(cash(), &p("color"), json!("Color999"));
    assert!(!has_errors(&warned));
    assert!(has_errors(&with(cash(), &p("brand_name"), json!(""))));
}

#[test]
fn findings_serialize_for_the_cli() {
    let fs = with(cash(), &p("brand_name"), json!(""));
    let v = serde_json::to_value(&fs[0]).unwrap();
    assert_eq!(v["severity"], "error");
    assert_eq!(v["rule"], "required");
    assert_eq!(v["field"], "card.cash.base_info.brand_name");
    assert_eq!(serde_json::to_value(Severity::Warning).unwrap(), "warning");
}

// ---- malformed input never panics ----

/// Values that break types, ranges and arithmetic.
fn nasty() -> Vec<Value> {
    vec![
        Value::Null,
        json!(""),
        json!(" "),
        json!("x"),
        json!("9223372036854775807"),
        json!(-1),
        json!(0),
        json!(i64::MAX),
        json!(i64::MIN),
        json!(u64::MAX),
        json!(1.5e300),
        json!(true),
        json!([]),
        json!([Value::Null]),
        json!({}),
        json!("字".repeat(6000)),
    ]
}

/// Every pointer to a leaf or container in a value.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                pointers(child, format!("{at}/{k}"), out);
            }
        }
        Value::Array(list) => {
            for (i, child) in list.iter().enumerate() {
                pointers(child, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
    if !at.is_empty() {
        out.push(at);
    }
}

#[test]
fn every_single_mutation_is_handled() {
    let modes = [
        Context {
            now: 0,
            mode: Mode::Draft,
        },
        ctx(),
        Context {
            now: i64::MAX,
            mode: Mode::Create,
        },
    ];
    let mut checked = 0;
    for base in [cash(), gift(), guide_cash_verbatim()] {
        let mut all = Vec::new();
        pointers(&base, String::new(), &mut all);
        for pointer in &all {
            for new in nasty() {
                let mut v = base.clone();
                set(&mut v, pointer, new);
                // Bodies the model refuses are the importer's business.
                if let Ok(body) = serde_json::from_value::<CreateBody>(v) {
                    for c in &modes {
                        for found in validate(&body, c) {
                            assert!(found.field.starts_with("card"), "{found:?}");
                            assert!(!found.message_zh.is_empty() && !found.message_en.is_empty());
                        }
                    }
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 500, "only {checked} bodies parsed");
}

proptest! {
    #[test]
    fn random_mutations_never_panic(
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0..16usize), 1..6),
        now in any::<i64>(),
        create in any::<bool>(),
    ) {
        let mut v = cash();
        for (index, choice) in edits {
            let mut all = Vec::new();
            pointers(&v, String::new(), &mut all);
            if all.is_empty() {
                break;
            }
            let pointer = index.get(&all).clone();
            set(&mut v, &pointer, nasty()[choice].clone());
        }
        if let Ok(body) = serde_json::from_value::<CreateBody>(v) {
            let mode = if create { Mode::Create } else { Mode::Draft };
            let fs = validate(&body, &Context { now, mode });
            prop_assert!(fs.iter().all(|f| !f.message_zh.is_empty() && !f.message_en.is_empty()));
        }
    }
}

#[test]
fn the_notice_may_be_sixteen_at_update_and_the_error_says_so() {
    let update = Context {
        mode: Mode::Update,
        ..ctx()
    };
    let mut v = cash();
    set(&mut v, &p("notice"), json!("字".repeat(16)));
    clean(&run_in(&v, &update));
    let found = error(&run(&v), &f("notice"), "max_chars");
    assert_eq!(found.limit.as_deref(), Some("12"));
    set(&mut v, &p("notice"), json!("字".repeat(17)));
    let found = error(&run_in(&v, &update), &f("notice"), "max_chars");
    assert_eq!(found.limit.as_deref(), Some("16"));
    assert!(
        found.message_zh.contains("最多 16 个汉字"),
        "{}",
        found.message_zh
    );
}

#[test]
fn custom_codes_and_stock_are_refused_at_create_only() {
    // "暂不支持商家自定义Code码"
    let fs = with(cash(), &p("use_custom_code"), json!(true));
    let found = one(
        &fs,
        &f("use_custom_code"),
        "value",
        Severity::Error,
        Some(47001),
    );
    assert!(found.message_zh.contains("自定义 Code 码"));
    clean(&with(cash(), &p("use_custom_code"), json!(false)));
    // "不支持在创建的时候填入库存": any stock but none.
    for q in [json!(100), json!("5"), json!(0.5)] {
        let fs = with(cash(), &p("sku"), json!({ "quantity": q }));
        one(
            &fs,
            &f("sku.quantity"),
            "value",
            Severity::Error,
            Some(47001),
        );
    }
    for q in [json!(0), json!("0")] {
        clean(&with(cash(), &p("sku"), json!({ "quantity": q })));
    }
    // card/get answers carry both, so an existing card is not held to them.
    let mut v = cash();
    set(
        &mut v,
        &p("sku"),
        json!({"quantity": 997, "total_quantity": 1000}),
    );
    set(&mut v, &p("use_custom_code"), json!(true));
    let update = Context {
        mode: Mode::Update,
        ..ctx()
    };
    clean(&run_in(&v, &update));
}
