//! The contract between the app's rules engine and the simulator's own specification
//! (src/sandbox/spec/): one table of cases at every boundary the guide draws, each run through
//! BOTH `card::rules::validate` (create mode) and the simulator's `card/create`. They must agree
//! — both accept, or both refuse naming the same JSON path with the same errcode — and agree
//! with the outcome the guide gives (the `want` column). Then card/update against the app's
//! UPDATABLE lists, and getpayprice against `card::pricing::price_per_unit`.
//!
//! Rules only the simulator can apply (the account's stores, its friends' coupons, the dates
//! an update may only widen) are `SimOnly`: the app accepts, the simulator answers that code.

use coupon_studio::card::import::parse_create_body;
use coupon_studio::card::pricing::{Coins, price_per_unit};
use coupon_studio::card::rules::{Context, Mode, Severity, validate};
use coupon_studio::card::update::{UPDATABLE_ADVANCED, UPDATABLE_BASE};
use serde_json::{Value, json};

use crate::support::fixture;
use crate::support::wire::{Sim, card_body};

const C: &str = "/card/cash";
const B: &str = "/card/cash/base_info";
const A: &str = "/card/cash/advanced_info";
const G: &str = "/card/gift";
const GB: &str = "/card/gift/base_info";
const GA: &str = "/card/gift/advanced_info";
const DAY: i64 = 86_400;
const JSON: i64 = 47001;
const DATE: i64 = 40079;
const IMAGE: i64 = 40141;
const STORE: i64 = 41025;

/// What the guide says a case must give.
#[derive(Clone, Debug, PartialEq)]
enum Want {
    /// Accepted.
    Accept,
    /// Refused with this errcode, naming this path (below `card.cash` / `card.gift` when it
    /// does not start with `card`).
    Refuse(i64, &'static str),
    /// The app accepts (it cannot know the account); the simulator answers this errcode.
    SimOnly(i64),
    /// card/update: a member that cannot be updated, 47001 naming `section.key`.
    Fixed(&'static str),
}

/// The outcome of one side.
#[derive(Clone, Debug, PartialEq)]
enum Verdict {
    Accepted,
    Refused { errcode: i64, path: String },
}

/// One case: a base card (cash or gift), edits (JSON pointer → value, `None` removes), and the
/// outcome the guide gives.
struct Case {
    name: String,
    gift: bool,
    edits: Vec<(String, Option<Value>)>,
    want: Want,
}

fn case(name: impl Into<String>, edits: Vec<(String, Option<Value>)>, want: Want) -> Case {
    let gift = edits.iter().any(|(p, _)| p.starts_with("/card/gift/"));
    Case {
        name: name.into(),
        gift,
        edits,
        want,
    }
}

fn set(p: impl Into<String>, v: Value) -> (String, Option<Value>) {
    (p.into(), Some(v))
}

fn del(p: impl Into<String>) -> (String, Option<Value>) {
    (p.into(), None)
}

/// The down-jacket fixture valid from tomorrow for 30 days, as a cash or a gift coupon.
fn base(now: i64, gift: bool) -> Value {
    let mut v = card_body(now + DAY, now + 30 * DAY);
    if gift {
        let mut body = v["card"]["cash"].take();
        let obj = body.as_object_mut().unwrap();
        obj.remove("reduce_cost");
        obj.insert("gift_name".into(), json!("羽绒背心"));
        obj.insert("gift_num".into(), json!(1));
        obj.insert("gift_unit".into(), json!("件"));
        body["advanced_info"]["use_condition"] = json!({"least_cost": 50000});
        v = json!({"card": {"card_type": "GIFT", "gift": body}});
    }
    v
}

/// Applies an edit: sets (creating the parent object's member) or removes a member.
fn apply(v: &mut Value, pointer: &str, value: Option<Value>) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let parent = v
        .pointer_mut(parent)
        .unwrap_or_else(|| panic!("no {parent}"));
    match (parent, value) {
        (Value::Object(m), Some(x)) => {
            m.insert(key.to_owned(), x);
        }
        (Value::Object(m), None) => {
            m.remove(key);
        }
        (Value::Array(a), Some(x)) => a[key.parse::<usize>().unwrap()] = x,
        (Value::Array(a), None) => {
            a.remove(key.parse::<usize>().unwrap());
        }
        (other, _) => panic!("{pointer}: parent is {other}"),
    }
}

fn body_of(c: &Case, now: i64) -> Value {
    let mut v = base(now, c.gift);
    for (p, x) in &c.edits {
        apply(&mut v, p, x.clone());
    }
    v
}

/// The app's verdict: the import (47001 with a path for a member of the wrong type), then the
/// rules engine's first error.
fn app(body: &Value, now: i64, mode: Mode) -> Verdict {
    let parsed = match parse_create_body(&body.to_string()) {
        Ok(b) => b,
        Err(e) => {
            return Verdict::Refused {
                errcode: JSON,
                path: e.path().to_owned(),
            };
        }
    };
    let findings = validate(&parsed, &Context { now, mode });
    match findings.iter().find(|f| f.severity == Severity::Error) {
        None => Verdict::Accepted,
        Some(f) => Verdict::Refused {
            errcode: f.errcode.unwrap_or(JSON),
            path: f.field.clone(),
        },
    }
}

/// The simulator's verdict from its answer: the path is what its errmsg names first.
fn sim_verdict(v: &Value) -> Verdict {
    if v["errcode"] == 0 {
        return Verdict::Accepted;
    }
    let msg = v["errmsg"].as_str().unwrap_or_default();
    let rest = msg
        .strip_prefix("data format error at ")
        .or_else(|| msg.strip_prefix("can not update field "))
        .unwrap_or(msg);
    let path = rest.split(": ").next().unwrap_or_default().to_owned();
    Verdict::Refused {
        errcode: v["errcode"].as_i64().unwrap_or(-1),
        path,
    }
}

/// The verdict the `want` column means for a card of this type.
fn wanted(want: &Want, gift: bool) -> Option<Verdict> {
    match want {
        Want::Accept | Want::SimOnly(_) => Some(Verdict::Accepted),
        Want::Fixed(path) => Some(Verdict::Refused {
            errcode: JSON,
            path: (*path).to_owned(),
        }),
        Want::Refuse(code, path) => {
            let full = if path.starts_with("card") {
                (*path).to_owned()
            } else {
                format!("card.{}.{path}", if gift { "gift" } else { "cash" })
            };
            Some(Verdict::Refused {
                errcode: *code,
                path: full,
            })
        }
    }
}

/// A string of `n` 汉字.
fn han(n: usize) -> String {
    "汉".repeat(n)
}

/// The text limits: each at N (full-width, and with two half-width), N+½ and N+1 (a
/// full-width comma), and all half-width at 2N and 2N+1.
fn text_cases(out: &mut Vec<Case>) {
    let fields: [(&str, &str, usize); 11] = [
        (B, "brand_name", 12),
        (B, "notice", 12),
        (B, "description", 1000),
        (B, "center_title", 9),
        (B, "center_sub_title", 12),
        (B, "custom_url_name", 5),
        (B, "custom_url_sub_title", 6),
        (B, "promotion_url_sub_title", 6),
        ("/card/cash/advanced_info/text_image_list/0", "text", 5000),
        (G, "gift_name", 6),
        (G, "gift_unit", 2),
    ];
    for (parent, key, n) in fields {
        let p = format!("{parent}/{key}");
        let rel = p
            .trim_start_matches("/card/cash/")
            .trim_start_matches("/card/gift/")
            .replace("/0", "[0]")
            .replace('/', ".");
        let rel: &'static str = Box::leak(rel.into_boxed_str());
        let refuse = Want::Refuse(JSON, rel);
        let values = [
            (format!("{n} 汉字"), han(n), Want::Accept),
            (
                format!("{} 汉字 + 2 half-width", n - 1),
                format!("{}ab", han(n - 1)),
                Want::Accept,
            ),
            (format!("{n}½"), format!("{}a", han(n)), refuse.clone()),
            (
                format!("{n} + full-width comma"),
                format!("{},", han(n)),
                refuse.clone(),
            ),
            (
                format!("{} half-width", 2 * n),
                "a".repeat(2 * n),
                Want::Accept,
            ),
            (
                format!("{} half-width", 2 * n + 1),
                "a".repeat(2 * n + 1),
                refuse.clone(),
            ),
        ];
        for (label, value, want) in values {
            out.push(case(
                format!("{key} {label}"),
                vec![set(p.as_str(), json!(value))],
                want,
            ));
        }
    }
    // Half-width katakana count one half too.
    out.push(case(
        "custom_url_sub_title 5 汉字 + ｱｲ",
        vec![set(
            format!("{B}/custom_url_sub_title"),
            json!("汉汉汉汉汉ｱｲ"),
        )],
        Want::Accept,
    ));
    out.push(case(
        "custom_url_sub_title 5 汉字 + ｱｲｳ",
        vec![set(
            format!("{B}/custom_url_sub_title"),
            json!("汉汉汉汉汉ｱｲｳ"),
        )],
        Want::Refuse(JSON, "base_info.custom_url_sub_title"),
    ));
    // Other characters by East Asian width: emoji and full-width Latin count one each, a
    // narrow Latin letter (é) one half.
    let sub = format!("{B}/custom_url_sub_title");
    for (label, one, fits) in [
        ("emoji", "😀", 6),
        ("é", "é", 12),
        ("full-width Ａ", "Ａ", 6),
    ] {
        out.push(case(
            format!("custom_url_sub_title {fits} × {label}"),
            vec![set(&sub, json!(one.repeat(fits)))],
            Want::Accept,
        ));
        out.push(case(
            format!("custom_url_sub_title {} × {label}", fits + 1),
            vec![set(&sub, json!(one.repeat(fits + 1)))],
            Want::Refuse(JSON, "base_info.custom_url_sub_title"),
        ));
    }
    // The guide's own "6个汉字tips" (5.5 of 6).
    out.push(case(
        "custom_url_sub_title 6个汉字tips",
        vec![set(
            format!("{B}/custom_url_sub_title"),
            json!("6个汉字tips"),
        )],
        Want::Accept,
    ));
}

fn b(key: &str) -> String {
    format!("{B}/{key}")
}

fn a(key: &str) -> String {
    format!("{A}/{key}")
}

/// Every required member missing.
fn required_cases(out: &mut Vec<Case>) {
    let cash: [(String, i64, &'static str); 17] = [
        (format!("{C}/base_info"), JSON, "base_info"),
        (b("logo_url"), JSON, "base_info.logo_url"),
        (b("code_type"), JSON, "base_info.code_type"),
        (b("brand_name"), JSON, "base_info.brand_name"),
        (b("color"), JSON, "base_info.color"),
        (b("notice"), JSON, "base_info.notice"),
        (b("description"), JSON, "base_info.description"),
        (b("date_info"), JSON, "base_info.date_info"),
        (b("date_info/type"), DATE, "base_info.date_info.type"),
        (
            b("date_info/begin_timestamp"),
            JSON,
            "base_info.date_info.begin_timestamp",
        ),
        (
            b("date_info/end_timestamp"),
            JSON,
            "base_info.date_info.end_timestamp",
        ),
        (b("location_id_list"), STORE, "base_info.location_id_list"),
        (b("can_share"), JSON, "base_info.can_share"),
        (b("can_give_friend"), JSON, "base_info.can_give_friend"),
        (format!("{C}/advanced_info"), JSON, "advanced_info"),
        (a("text_image_list"), JSON, "advanced_info.text_image_list"),
        (a("share_friends"), JSON, "advanced_info.share_friends"),
    ];
    for (p, code, path) in cash {
        out.push(case(
            format!("missing {path}"),
            vec![del(&p)],
            Want::Refuse(code, path),
        ));
    }
    let more: [(String, &'static str); 6] = [
        (format!("{C}/reduce_cost"), "reduce_cost"),
        (
            a("text_image_list/0/image_url"),
            "advanced_info.text_image_list[0].image_url",
        ),
        ("/card/card_type".to_owned(), "card.card_type"),
        (format!("{G}/gift_name"), "gift_name"),
        (format!("{G}/gift_num"), "gift_num"),
        (format!("{G}/gift_unit"), "gift_unit"),
    ];
    for (p, path) in more {
        out.push(case(
            format!("missing {path}"),
            vec![del(&p)],
            Want::Refuse(JSON, path),
        ));
    }
    out.push(case(
        "CASH without its cash body",
        vec![del(C), set("/card/gift", json!({}))],
        Want::Refuse(JSON, "card.cash"),
    ));
    out.push(case(
        "blank brand_name",
        vec![set(b("brand_name"), json!("  "))],
        Want::Refuse(JSON, "base_info.brand_name"),
    ));
}

/// Each enum with valid and invalid values.
fn enum_cases(out: &mut Vec<Case>) {
    out.push(case(
        "card_type COUPON",
        vec![set("/card/card_type", json!("COUPON"))],
        Want::Refuse(JSON, "card.card_type"),
    ));
    out.push(case(
        "card_type blank",
        vec![set("/card/card_type", json!(""))],
        Want::Refuse(JSON, "card.card_type"),
    ));
    for t in [
        "CODE_TYPE_TEXT",
        "CODE_TYPE_BARCODE",
        "CODE_TYPE_QRCODE",
        "CODE_TYPE_ONLY_QRCODE",
        "CODE_TYPE_ONLY_BARCODE",
        "CODE_TYPE_NONE",
    ] {
        out.push(case(
            format!("code_type {t}"),
            vec![set(b("code_type"), json!(t))],
            Want::Accept,
        ));
    }
    out.push(case(
        "code_type CODE_TYPE_QR",
        vec![set(b("code_type"), json!("CODE_TYPE_QR"))],
        Want::Refuse(JSON, "base_info.code_type"),
    ));
    out.push(case(
        "date type FIX_TERM",
        vec![set(b("date_info/type"), json!("DATE_TYPE_FIX_TERM"))],
        Want::Refuse(DATE, "base_info.date_info.type"),
    ));
    out.push(case(
        "colour Color102",
        vec![set(b("color"), json!("Color102"))],
        Want::Accept,
    ));
    // Accepted with a warning by the app: getcolors may list more than the SDKs know.
    out.push(case(
        "colour Color999",
        vec![set(b("color"), json!("Color999"))],
        Want::Accept,
    ));
    out.push(case(
        "time_limit SUNDAY",
        vec![set(a("time_limit/5/type"), json!("SUNDAY"))],
        Want::Accept,
    ));
    out.push(case(
        "time_limit WEEKDAY",
        vec![set(a("time_limit/5/type"), json!("WEEKDAY"))],
        Want::Refuse(JSON, "advanced_info.time_limit[5].type"),
    ));
    out.push(case(
        "business_service DELIVER",
        vec![set(
            a("business_service"),
            json!(["BIZ_SERVICE_DELIVER", "BIZ_SERVICE_WITH_PET"]),
        )],
        Want::Accept,
    ));
    out.push(case(
        "business_service SPA",
        vec![set(
            a("business_service"),
            json!(["BIZ_SERVICE_FREE_WIFI", "BIZ_SERVICE_SPA"]),
        )],
        Want::Refuse(JSON, "advanced_info.business_service[1]"),
    ));
}

/// Numeric ranges at both ends.
fn number_cases(out: &mut Vec<Case>) {
    let rc = format!("{C}/reduce_cost");
    let r = |p: &'static str| Want::Refuse(JSON, p);
    out.push(case(
        "reduce_cost 1",
        vec![set(&rc, json!(1))],
        Want::Accept,
    ));
    out.push(case(
        "reduce_cost \"100\"",
        vec![set(&rc, json!("100"))],
        Want::Accept,
    ));
    out.push(case(
        "reduce_cost 0",
        vec![set(&rc, json!(0))],
        r("reduce_cost"),
    ));
    out.push(case(
        "reduce_cost -1",
        vec![set(&rc, json!(-1))],
        r("reduce_cost"),
    ));
    out.push(case(
        "reduce_cost 1.5",
        vec![set(&rc, json!(1.5))],
        r("reduce_cost"),
    ));
    out.push(case(
        "reduce_cost true",
        vec![set(&rc, json!(true))],
        r("reduce_cost"),
    ));
    let lc = a("use_condition/least_cost");
    out.push(case("least_cost 1", vec![set(&lc, json!(1))], Want::Accept));
    out.push(case(
        "least_cost 0",
        vec![set(&lc, json!(0))],
        r("advanced_info.use_condition.least_cost"),
    ));
    out.push(case(
        "get_limit 1",
        vec![set(b("get_limit"), json!(1))],
        Want::Accept,
    ));
    out.push(case(
        "get_limit 0",
        vec![set(b("get_limit"), json!(0))],
        r("base_info.get_limit"),
    ));
    let gn = format!("{G}/gift_num");
    out.push(case("gift_num 1", vec![set(&gn, json!(1))], Want::Accept));
    out.push(case(
        "gift_num 999",
        vec![set(&gn, json!(999))],
        Want::Accept,
    ));
    out.push(case("gift_num 0", vec![set(&gn, json!(0))], r("gift_num")));
    out.push(case(
        "gift_num 1000",
        vec![set(&gn, json!(1000))],
        r("gift_num"),
    ));
    let sn = a("consume_share_self_num");
    out.push(case(
        "consume_share_self_num 0",
        vec![set(&sn, json!(0))],
        Want::Accept,
    ));
    out.push(case(
        "consume_share_self_num 2",
        vec![set(&sn, json!(2))],
        r("advanced_info.consume_share_self_num"),
    ));
    out.push(case(
        "consume_share_self_num -1",
        vec![set(&sn, json!(-1))],
        r("advanced_info.consume_share_self_num"),
    ));
    let slot = |v: Value| vec![set(a("time_limit/0"), v)];
    out.push(case("slot 00:00–23:59", slot(json!({"type": "MONDAY", "begin_hour": 0, "begin_minute": 0, "end_hour": 23, "end_minute": 59})), Want::Accept));
    out.push(case(
        "slot end_hour 24",
        slot(json!({"type": "MONDAY", "begin_hour": 10, "end_hour": 24})),
        r("advanced_info.time_limit[0].end_hour"),
    ));
    out.push(case(
        "slot begin_hour -1",
        slot(json!({"type": "MONDAY", "begin_hour": -1, "end_hour": 20})),
        r("advanced_info.time_limit[0].begin_hour"),
    ));
    out.push(case(
        "slot end_minute 60",
        slot(json!({"type": "MONDAY", "begin_hour": 10, "end_hour": 20, "end_minute": 60})),
        r("advanced_info.time_limit[0].end_minute"),
    ));
    out.push(case(
        "slot begin = end",
        slot(json!({"type": "MONDAY", "begin_hour": 10, "end_hour": 10})),
        r("advanced_info.time_limit[0]"),
    ));
    out.push(case(
        "slot without begin_hour",
        slot(json!({"type": "MONDAY", "end_hour": 10})),
        r("advanced_info.time_limit[0].begin_hour"),
    ));
    out.push(case(
        "store id 0",
        vec![set(b("location_id_list"), json!([0]))],
        r("base_info.location_id_list[0]"),
    ));
    out.push(case(
        "store id as text",
        vec![set(b("location_id_list"), json!(["272981040"]))],
        Want::Accept,
    ));
    out.push(case(
        "location_id_list not a list",
        vec![set(b("location_id_list"), json!(272981040))],
        r("base_info.location_id_list"),
    ));
    out.push(case(
        "brand_name a number",
        vec![set(b("brand_name"), json!(123))],
        r("base_info.brand_name"),
    ));
}

/// Dates: order, span, the past.
fn date_cases(out: &mut Vec<Case>, now: i64) {
    let dates = |begin: Value, end: Value| {
        vec![
            set(b("date_info/begin_timestamp"), begin),
            set(b("date_info/end_timestamp"), end),
        ]
    };
    let end = "base_info.date_info.end_timestamp";
    let t = now + DAY;
    out.push(case(
        "span 90 days",
        dates(json!(t), json!(t + 90 * DAY)),
        Want::Accept,
    ));
    out.push(case(
        "span 90 days + 1 s",
        dates(json!(t), json!(t + 90 * DAY + 1)),
        Want::Refuse(DATE, end),
    ));
    out.push(case(
        "span 1 s",
        dates(json!(t), json!(t + 1)),
        Want::Accept,
    ));
    out.push(case(
        "end = begin",
        dates(json!(t), json!(t)),
        Want::Refuse(DATE, end),
    ));
    out.push(case(
        "end before begin",
        dates(json!(t), json!(t - 1)),
        Want::Refuse(DATE, end),
    ));
    out.push(case(
        "begin in the past",
        dates(json!(now - 10 * DAY), json!(now + 20 * DAY)),
        Want::Accept,
    ));
    out.push(case(
        "all in the past",
        dates(json!(now - 30 * DAY), json!(now - DAY)),
        Want::Accept,
    ));
    out.push(case(
        "begin in 20 days",
        dates(json!(now + 20 * DAY), json!(now + 40 * DAY)),
        Want::Accept,
    ));
    out.push(case(
        "timestamps as text",
        dates(json!(t.to_string()), json!((t + DAY).to_string())),
        Want::Accept,
    ));
    out.push(case(
        "begin not a number",
        dates(json!("soon"), json!(t + DAY)),
        Want::Refuse(JSON, "base_info.date_info.begin_timestamp"),
    ));
}

/// Thresholds, stores, gift-back, codes and stock, images, sharing.
fn rule_cases(out: &mut Vec<Case>) {
    let uc = |v: Value| vec![set(a("use_condition"), v)];
    let guc = |v: Value| vec![set(format!("{GA}/use_condition"), v)];
    // The title rule (line 109): ≤ 5 汉字 go into the title, more do not; both are accepted.
    out.push(case(
        "accept_category 5 汉字",
        uc(json!({"accept_category": han(5), "least_cost": 50000})),
        Want::Accept,
    ));
    out.push(case(
        "accept_category 6 汉字",
        uc(json!({"accept_category": han(6)})),
        Want::Accept,
    ));
    out.push(case(
        "reject_category on CASH",
        uc(json!({"reject_category": "蛋糕"})),
        Want::Accept,
    ));
    out.push(case(
        "object_use_for on CASH",
        uc(json!({"object_use_for": "蛋糕"})),
        Want::Refuse(JSON, "advanced_info.use_condition.object_use_for"),
    ));
    out.push(case(
        "object_use_for on GIFT",
        guc(json!({"object_use_for": "蛋糕"})),
        Want::Accept,
    ));
    out.push(case(
        "accept_category on GIFT",
        guc(json!({"accept_category": "蛋挞"})),
        Want::Refuse(JSON, "advanced_info.use_condition.accept_category"),
    ));
    out.push(case(
        "reject_category on GIFT",
        guc(json!({"reject_category": "蛋糕"})),
        Want::Refuse(JSON, "advanced_info.use_condition.reject_category"),
    ));
    out.push(case(
        "least_cost on GIFT",
        guc(json!({"least_cost": 1000})),
        Want::Accept,
    ));
    out.push(case(
        "no store",
        vec![set(b("location_id_list"), json!([]))],
        Want::Refuse(STORE, "base_info.location_id_list"),
    ));
    out.push(case(
        "unknown store",
        vec![set(b("location_id_list"), json!([999]))],
        Want::SimOnly(40180),
    ));
    let list = a("consume_share_card_list");
    let sn = a("consume_share_self_num");
    out.push(case(
        "gift-back card and self num 1",
        vec![set(&list, json!([{"card_id": "pX", "num": 1}]))],
        Want::Refuse(JSON, "advanced_info.consume_share_card_list"),
    ));
    out.push(case(
        "gift-back two cards",
        vec![
            set(&sn, json!(0)),
            set(
                &list,
                json!([{"card_id": "pX", "num": 1}, {"card_id": "pY", "num": 1}]),
            ),
        ],
        Want::Refuse(JSON, "advanced_info.consume_share_card_list"),
    ));
    out.push(case(
        "gift-back num 2",
        vec![
            set(&sn, json!(0)),
            set(&list, json!([{"card_id": "pX", "num": 2}])),
        ],
        Want::Refuse(JSON, "advanced_info.consume_share_card_list[0].num"),
    ));
    out.push(case(
        "gift-back without card_id",
        vec![set(&sn, json!(0)), set(&list, json!([{"num": 1}]))],
        Want::Refuse(JSON, "advanced_info.consume_share_card_list[0].card_id"),
    ));
    out.push(case(
        "gift-back unknown card",
        vec![
            set(&sn, json!(0)),
            set(&list, json!([{"card_id": "pNoSuchCard", "num": 1}])),
        ],
        Want::SimOnly(40148),
    ));
    out.push(case(
        "gift-back empty list",
        vec![set(&list, json!([]))],
        Want::Accept,
    ));
    out.push(case(
        "use_custom_code true",
        vec![set(b("use_custom_code"), json!(true))],
        Want::Refuse(JSON, "base_info.use_custom_code"),
    ));
    out.push(case(
        "use_custom_code false",
        vec![set(b("use_custom_code"), json!(false))],
        Want::Accept,
    ));
    out.push(case(
        "sku.quantity 100",
        vec![set(b("sku"), json!({"quantity": 100}))],
        Want::Refuse(JSON, "base_info.sku.quantity"),
    ));
    out.push(case(
        "sku.quantity 0",
        vec![set(b("sku"), json!({"quantity": 0}))],
        Want::Accept,
    ));
    out.push(case(
        "logo not from the CDN",
        vec![set(b("logo_url"), json!("https://example.com/logo.png"))],
        Want::Refuse(IMAGE, "base_info.logo_url"),
    ));
    out.push(case(
        "logo on a look-alike host",
        vec![set(
            b("logo_url"),
            json!("http://mmbiz.qpic.cn.evil.com/a/0"),
        )],
        Want::Refuse(IMAGE, "base_info.logo_url"),
    ));
    out.push(case(
        "logo on https mmbiz.qlogo.cn",
        vec![set(b("logo_url"), json!("https://mmbiz.qlogo.cn/a/0"))],
        Want::Accept,
    ));
    out.push(case(
        "two cover pictures",
        vec![set(
            a("abstract/icon_url_list"),
            json!(["http://mmbiz.qpic.cn/a/0", "http://mmbiz.qpic.cn/b/0"]),
        )],
        Want::Refuse(JSON, "advanced_info.abstract.icon_url_list"),
    ));
    out.push(case(
        "cover not from the CDN",
        vec![set(
            a("abstract/icon_url_list"),
            json!(["http://example.com/a.jpg"]),
        )],
        Want::Refuse(IMAGE, "advanced_info.abstract.icon_url_list[0]"),
    ));
    out.push(case(
        "text-image not from the CDN",
        vec![set(
            a("text_image_list/1/image_url"),
            json!("http://example.com/a.jpg"),
        )],
        Want::Refuse(IMAGE, "advanced_info.text_image_list[1].image_url"),
    ));
    out.push(case(
        "no text-image entry",
        vec![set(a("text_image_list"), json!([]))],
        Want::Refuse(JSON, "advanced_info.text_image_list"),
    ));
    out.push(case(
        "can_share true",
        vec![set(b("can_share"), json!(true))],
        Want::Refuse(JSON, "base_info.can_share"),
    ));
    out.push(case(
        "can_give_friend true",
        vec![set(b("can_give_friend"), json!(true))],
        Want::Refuse(JSON, "base_info.can_give_friend"),
    ));
    out.push(case(
        "share_friends false",
        vec![set(a("share_friends"), json!(false))],
        Want::Refuse(JSON, "advanced_info.share_friends"),
    ));
    out.push(case(
        "card_type in lower case",
        vec![set("/card/card_type", json!("cash"))],
        Want::Refuse(JSON, "card.card_type"),
    ));
    out.push(case(
        "share_friends as text",
        vec![set(a("share_friends"), json!("true"))],
        Want::Refuse(JSON, "advanced_info.share_friends"),
    ));
    out.push(case(
        "reduce_cost 1e20",
        vec![set(format!("{C}/reduce_cost"), json!(1e20))],
        Want::Refuse(JSON, "reduce_cost"),
    ));
    out.push(case(
        "business_service blank",
        vec![set(a("business_service"), json!([""]))],
        Want::Refuse(JSON, "advanced_info.business_service[0]"),
    ));
    // JSON shapes: null is absent; a null list entry, a list where an object belongs and a
    // number where a string belongs are the wrong type.
    out.push(case(
        "brand_name null",
        vec![set(b("brand_name"), Value::Null)],
        Want::Refuse(JSON, "base_info.brand_name"),
    ));
    out.push(case(
        "location_id_list null",
        vec![set(b("location_id_list"), Value::Null)],
        Want::Refuse(STORE, "base_info.location_id_list"),
    ));
    out.push(case(
        "a null store id",
        vec![set(b("location_id_list"), json!([272981040, null]))],
        Want::Refuse(JSON, "base_info.location_id_list[1]"),
    ));
    out.push(case(
        "a null text-image entry",
        vec![set(a("text_image_list/1"), Value::Null)],
        Want::Refuse(JSON, "advanced_info.text_image_list[1]"),
    ));
    out.push(case(
        "base_info a list",
        vec![set(format!("{C}/base_info"), json!([]))],
        Want::Refuse(JSON, "base_info"),
    ));
    out.push(case(
        "business_service a number",
        vec![set(a("business_service"), json!([1]))],
        Want::Refuse(JSON, "advanced_info.business_service[0]"),
    ));
    out.push(case(
        "reduce_cost 100.0",
        vec![set(format!("{C}/reduce_cost"), json!(100.0))],
        Want::Refuse(JSON, "reduce_cost"),
    ));
    out.push(case(
        "a gift body beside CASH",
        vec![set(G, json!({"gift_name": "x"}))],
        Want::Refuse(JSON, "card.gift"),
    ));
    out.push(case(
        "a cash body beside GIFT",
        vec![
            set(format!("{GB}/brand_name"), json!("北风羽绒")),
            set(C, json!({"reduce_cost": 1})),
        ],
        Want::Refuse(JSON, "card.cash"),
    ));
}

/// Every create case.
fn create_cases(now: i64) -> Vec<Case> {
    let mut out = vec![case("the fixture as it is", vec![], Want::Accept)];
    text_cases(&mut out);
    required_cases(&mut out);
    enum_cases(&mut out);
    number_cases(&mut out);
    date_cases(&mut out, now);
    rule_cases(&mut out);
    out
}

#[tokio::test]
async fn the_rules_engine_and_the_simulator_agree_on_every_create_boundary() {
    let sim = Sim::start().await;
    let now = sim.now().await;
    let cases = create_cases(now);
    assert!(cases.len() >= 150, "{} cases", cases.len());
    eprintln!("{} create cases", cases.len());
    let mut broken = Vec::new();
    for c in &cases {
        let body = body_of(c, now);
        let app_side = app(&body, now, Mode::Create);
        let sim_side = sim_verdict(&sim.post("/card/create", body).await);
        let want = wanted(&c.want, c.gift);
        if let Want::SimOnly(code) = c.want {
            let sim_code = match &sim_side {
                Verdict::Refused { errcode, .. } => *errcode,
                Verdict::Accepted => 0,
            };
            if Some(&app_side) != want.as_ref() || sim_code != code {
                broken.push(format!("{}: app {app_side:?}, simulator {sim_side:?}, want app accept and simulator {code}", c.name));
            }
            continue;
        }
        if app_side != sim_side || Some(&app_side) != want.as_ref() {
            broken.push(format!(
                "{}: app {app_side:?}, simulator {sim_side:?}, guide {want:?}",
                c.name
            ));
        }
    }
    assert!(
        broken.is_empty(),
        "{} of {} cases disagree:\n{}",
        broken.len(),
        cases.len(),
        broken.join("\n")
    );
}

/// The app's side of an update: a member outside card::update's UPDATABLE lists is refused
/// naming it; otherwise the patch is merged (a date_info keeps what it does not name) and the
/// merged card checked in update mode.
fn app_update(original: &Value, patch: &Value, now: i64) -> Verdict {
    let mut merged = original.clone();
    for (section, fields) in patch.as_object().unwrap() {
        let allowed = match section.as_str() {
            "base_info" => UPDATABLE_BASE,
            "advanced_info" => UPDATABLE_ADVANCED,
            other => {
                return Verdict::Refused {
                    errcode: JSON,
                    path: format!("cash.{other}"),
                };
            }
        };
        for (field, v) in fields.as_object().unwrap() {
            if !allowed.contains(&field.as_str()) {
                return Verdict::Refused {
                    errcode: JSON,
                    path: format!("{section}.{field}"),
                };
            }
            let slot = &mut merged["card"]["cash"][section.as_str()][field.as_str()];
            match (slot.as_object_mut(), v.as_object()) {
                (Some(old), Some(new)) if field == "date_info" => old.extend(new.clone()),
                _ => *slot = v.clone(),
            }
        }
    }
    app(&merged, now, Mode::Update)
}

#[tokio::test]
async fn the_rules_engine_and_the_simulator_agree_on_card_update() {
    let sim = Sim::start().await;
    let now = sim.now().await;
    let original = card_body(now + DAY, now + 30 * DAY);
    let (begin, end) = (now + DAY, now + 30 * DAY);
    let r = |p: &'static str| Want::Refuse(JSON, p);
    let cases: Vec<(&str, Value, Want)> = vec![
        (
            "notice 16 汉字 (16 at update)",
            json!({"base_info": {"notice": han(16)}}),
            Want::Accept,
        ),
        (
            "notice 15 汉字 + 2 half-width",
            json!({"base_info": {"notice": format!("{}ab", han(15))}}),
            Want::Accept,
        ),
        (
            "notice 16½",
            json!({"base_info": {"notice": format!("{}a", han(16))}}),
            r("base_info.notice"),
        ),
        (
            "notice 17 汉字",
            json!({"base_info": {"notice": han(17)}}),
            r("base_info.notice"),
        ),
        (
            "brand_name is fixed",
            json!({"base_info": {"brand_name": "别的"}}),
            Want::Fixed("base_info.brand_name"),
        ),
        (
            "use_condition is fixed",
            json!({"advanced_info": {"use_condition": {"least_cost": 1}}}),
            Want::Fixed("advanced_info.use_condition"),
        ),
        (
            "share_friends is fixed",
            json!({"advanced_info": {"share_friends": true}}),
            Want::Fixed("advanced_info.share_friends"),
        ),
        (
            "reduce_cost is fixed",
            json!({"reduce_cost": 1}),
            Want::Fixed("cash.reduce_cost"),
        ),
        (
            "service_phone",
            json!({"base_info": {"service_phone": "400-000-0000"}}),
            Want::Accept,
        ),
        (
            "center_title 9 汉字",
            json!({"base_info": {"center_title": han(9)}}),
            Want::Accept,
        ),
        (
            "center_title 9½",
            json!({"base_info": {"center_title": format!("{}a", han(9))}}),
            r("base_info.center_title"),
        ),
        (
            "custom_url_sub_title 6个汉字tips",
            json!({"base_info": {"custom_url_sub_title": "6个汉字tips"}}),
            Want::Accept,
        ),
        (
            "get_limit 0",
            json!({"base_info": {"get_limit": 0}}),
            r("base_info.get_limit"),
        ),
        (
            "code_type unknown",
            json!({"base_info": {"code_type": "CODE_TYPE_QR"}}),
            r("base_info.code_type"),
        ),
        (
            "code_type NONE",
            json!({"base_info": {"code_type": "CODE_TYPE_NONE"}}),
            Want::Accept,
        ),
        (
            "can_share true",
            json!({"base_info": {"can_share": true}}),
            r("base_info.can_share"),
        ),
        (
            "logo not from the CDN",
            json!({"base_info": {"logo_url": "https://example.com/x.png"}}),
            Want::Refuse(IMAGE, "base_info.logo_url"),
        ),
        (
            "no text-image entry",
            json!({"advanced_info": {"text_image_list": []}}),
            r("advanced_info.text_image_list"),
        ),
        (
            "two cover pictures",
            json!({"advanced_info": {"abstract": {"icon_url_list": ["http://mmbiz.qpic.cn/a/0", "http://mmbiz.qpic.cn/b/0"]}}}),
            r("advanced_info.abstract.icon_url_list"),
        ),
        (
            "self num 2",
            json!({"advanced_info": {"consume_share_self_num": 2}}),
            r("advanced_info.consume_share_self_num"),
        ),
        (
            "no store",
            json!({"base_info": {"location_id_list": []}}),
            Want::Refuse(STORE, "base_info.location_id_list"),
        ),
        (
            "widen the end",
            json!({"base_info": {"date_info": {"type": "DATE_TYPE_FIX_TIME_RANGE", "begin_timestamp": begin, "end_timestamp": end + DAY}}}),
            Want::Accept,
        ),
        (
            "past 90 days",
            json!({"base_info": {"date_info": {"type": "DATE_TYPE_FIX_TIME_RANGE", "begin_timestamp": begin, "end_timestamp": begin + 90 * DAY + 1}}}),
            Want::Refuse(DATE, "base_info.date_info.end_timestamp"),
        ),
        (
            "narrow the end",
            json!({"base_info": {"date_info": {"type": "DATE_TYPE_FIX_TIME_RANGE", "begin_timestamp": begin, "end_timestamp": end - DAY}}}),
            Want::SimOnly(DATE),
        ),
        (
            "unknown store",
            json!({"base_info": {"location_id_list": [999]}}),
            Want::SimOnly(40180),
        ),
    ];
    let mut broken = Vec::new();
    for (name, patch, want) in &cases {
        let id = sim.create(&original).await;
        let app_side = app_update(&original, patch, now);
        let answer = sim
            .post("/card/update", json!({"card_id": id, "cash": patch}))
            .await;
        let sim_side = sim_verdict(&answer);
        let want_v = wanted(want, false);
        let ok = match want {
            Want::SimOnly(code) => Some(&app_side) == want_v.as_ref() && answer["errcode"] == *code,
            _ => app_side == sim_side && Some(&app_side) == want_v.as_ref(),
        };
        if !ok {
            broken.push(format!(
                "{name}: app {app_side:?}, simulator {sim_side:?}, guide {want:?}"
            ));
        }
    }
    assert!(
        broken.is_empty(),
        "{} of {} update cases disagree:\n{}",
        broken.len(),
        cases.len(),
        broken.join("\n")
    );
}

#[tokio::test]
async fn getpayprice_charges_what_the_app_prices_for_each_threshold_kind() {
    let sim = Sim::start().await;
    sim.get("/card/pay/activate").await;
    let now = sim.now().await;
    // (threshold, gift?, the guide's price per unit in hundredths, line 101).
    let kinds: [(Value, bool, i64); 9] = [
        (json!({}), false, 20),
        (json!({"can_use_with_other_discount": false}), false, 20),
        (json!({"accept_category": "蛋挞"}), false, 40),
        (json!({"reject_category": "蛋糕"}), false, 40),
        (json!({"accept_category": "  "}), false, 20),
        (json!({"least_cost": 50000}), false, 60),
        (
            json!({"accept_category": "羽绒服", "least_cost": 50000}),
            false,
            60,
        ),
        (json!({"object_use_for": "蛋糕"}), true, 60),
        (json!({"least_cost": 1000}), true, 60),
    ];
    for (condition, gift, guide) in kinds {
        let mut body = base(now, gift);
        body["card"][if gift { "gift" } else { "cash" }]["advanced_info"]["use_condition"] =
            condition.clone();
        let id = sim.create(&body).await;
        sim.approve(&id).await;
        let quote = sim
            .post(
                "/card/pay/getpayprice",
                json!({"card_id": id, "quantity": 10}),
            )
            .await;
        assert_eq!(quote["errcode"], 0, "{quote}");
        let charged = Coins::parse(quote["price"].as_str().unwrap()).unwrap();
        let parsed = parse_create_body(&body.to_string()).unwrap();
        let app_price = price_per_unit(&parsed.card).times(10).unwrap();
        assert_eq!(charged, app_price, "{condition}: simulator vs app");
        assert_eq!(charged, Coins(guide * 10), "{condition}: the guide's price");
    }
}

/// The guide's own examples agree too (the CASH one with the notice it leaves out).
#[tokio::test]
async fn the_guides_examples_get_the_same_verdict_from_both() {
    let sim = Sim::start_with(coupon_studio::sandbox::SandboxConfig {
        start_time: Some(1_447_300_000),
        ..Default::default()
    })
    .await;
    let now = sim.now().await;
    for name in ["guide-cash.json", "guide-gift.json", "down-jacket.json"] {
        let text = fixture(name);
        let body: Value =
            serde_json::from_str(&coupon_studio::card::import::normalize_whitespace(&text))
                .unwrap();
        let app_side = app(&body, now, Mode::Create);
        let sim_side = sim_verdict(&sim.post_text("/card/create", &text).await);
        assert_eq!(app_side, sim_side, "{name}");
    }
}
