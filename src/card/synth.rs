//! Title, summary, notices and time-limit text, as WeChat composes them from the thresholds
//! (门槛). Since V1.1 a friends' coupon cannot set its own title; since V1.3 WeChat builds it
//! from the thresholds, and this module predicts what the card will show.
//!
//! Amounts are in 分 and shown in 元 without trailing zeros ([`yuan`]). Empty or blank strings
//! and a `least_cost` ≤ 0 count as absent; a missing amount shows as "?".
//!
//! Titles (the guide's table and notes):
//! - CASH: "50元代金券"; `least_cost` → "全场满500减50", or "羽绒服满500减50" with an
//!   `accept_category` of at most [`CATEGORY_TITLE_MAX_CHARS`] 汉字 (half-width counts ½), else "满500减50"
//!   (also with only a `reject_category`: the coupon is then not 全场); category only →
//!   "蛋挞减50元" (≤ 5 characters) or "50元代金券".
//! - GIFT: "洗手液1瓶" (gift_name + gift_num + gift_unit); `object_use_for` → "买蛋糕送蛋挞",
//!   which wins over `least_cost` → "满500送蛋挞".
//! - A card with no or an unknown type is titled as a cash coupon.
//!
//! Summary (详情摘要): the parts present, joined with "," in this order: "消费满500元可用",
//! "购买蛋糕可用", "适用于蛋挞", "不适用于蛋糕". Every present part is listed, whatever the
//! card type, so that a misplaced field is visible in the preview. With no part, it is
//! "不与其他优惠共享" when `can_use_with_other_discount` is false (the guide's table), else
//! "无起用金额限制,全场通用,不限品类".
//!
//! Time limits (the guide shows only "周一 10:00-20:59可用" and "周一至周五 10:00-20:59可用"):
//! one line per run of consecutive days (周一…周日, no wrap) with the same hours, then
//! 节假日: "周一至周五 10:00-20:59可用", "周六 10:00-22:00可用", several ranges of a day
//! sorted and joined with "、" ("周一 11:00-14:00、17:00-21:00可用"), and "周一至周五全天可用" /
//! "节假日全天可用" for entries without hour or minute fields (a whole-day entry covers any
//! ranges of the same day). A missing or non-numeric hour or minute reads as 00, as in the
//! guide's own end_minute example ("10:59-00:59"). Entries of unknown type are skipped.

use serde::Serialize;

use super::model::{Card, CardType, TimeLimit, TimeLimitType, UseCondition};
use super::pricing::{Coins, format_hundredths, price_per_unit};
use super::rules::text_len;
use super::value::Int;

/// The longest `accept_category`, in characters, that WeChat puts into the title.
pub const CATEGORY_TITLE_MAX_CHARS: usize = 5;

/// The summary of a card without any threshold.
const NO_THRESHOLD: &str = "无起用金额限制,全场通用,不限品类";
/// The notice (and lone summary) of `can_use_with_other_discount: false`.
const NOT_COMBINABLE: &str = "不与其他优惠共享";

/// Everything WeChat composes for a card, for the live preview.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Synthesis {
    /// What WeChat will show as the card title.
    pub title: String,
    /// The 详情摘要 (summary line).
    pub abstract_line: String,
    /// Use-notice lines, e.g. `["不与其他优惠共享"]`.
    pub notices: Vec<String>,
    /// Usable hours, e.g. `["周一至周五 10:00-20:59可用", "周六 10:00-22:00可用"]`.
    pub time_limit_text: Vec<String>,
    /// Coins per unit of stock.
    pub price_per_unit: Coins,
}

/// Composes everything for a card; never panics, missing fields give partial text.
pub fn synthesize(card: &Card) -> Synthesis {
    let limits = card.advanced_info().and_then(|a| a.time_limit.as_deref());
    Synthesis {
        title: title(card),
        abstract_line: abstract_line(card),
        notices: notices(card),
        time_limit_text: time_limit_text(limits.unwrap_or_default()),
        price_per_unit: price_per_unit(card),
    }
}

/// Formats 分 as 元 without trailing zeros: 5000 → "50", 5050 → "50.5".
pub fn yuan(fen: i64) -> String {
    format_hundredths(fen)
}

/// The thresholds that count, with blank strings and non-positive amounts dropped.
#[derive(Default)]
struct Thresholds<'a> {
    least_cost: Option<i64>,
    object: Option<&'a str>,
    accept: Option<&'a str>,
    reject: Option<&'a str>,
    exclusive: bool,
}

fn filled(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn thresholds(card: &Card) -> Thresholds<'_> {
    card.use_condition()
        .map_or_else(Thresholds::default, |uc: &UseCondition| Thresholds {
            least_cost: uc.least_cost.as_ref().and_then(Int::get).filter(|v| *v > 0),
            object: filled(&uc.object_use_for),
            accept: filled(&uc.accept_category),
            reject: filled(&uc.reject_category),
            exclusive: uc.can_use_with_other_discount == Some(false),
        })
}

/// An amount in 元, or "?" when missing or not a whole number.
fn amount(v: Option<&Int>) -> String {
    v.and_then(Int::get).map_or_else(|| "?".to_owned(), yuan)
}

/// The title WeChat composes (see the module docs for the rules).
pub fn title(card: &Card) -> String {
    let t = thresholds(card);
    if card.kind() == Some(CardType::Gift) {
        let gift = card.gift.as_ref();
        let name = gift.and_then(|g| filled(&g.gift_name)).unwrap_or_default();
        if let Some(object) = t.object {
            return format!("买{object}送{name}");
        }
        if let Some(lc) = t.least_cost {
            return format!("满{}送{name}", yuan(lc));
        }
        let num = gift.and_then(|g| g.gift_num.as_ref());
        let num = num.map_or_else(String::new, |n| {
            n.get().map_or_else(|| n.display(), |v| v.to_string())
        });
        let unit = gift.and_then(|g| filled(&g.gift_unit)).unwrap_or_default();
        return format!("{name}{}{unit}", num.trim());
    }
    let reduce = amount(card.cash.as_ref().and_then(|c| c.reduce_cost.as_ref()));
    // Only a short accepted category fits in the title.
    let short_accept = t
        .accept
        .filter(|a| text_len(a).fits(CATEGORY_TITLE_MAX_CHARS));
    match (t.least_cost, short_accept) {
        (Some(lc), Some(a)) => format!("{a}满{}减{reduce}", yuan(lc)),
        // A category (long or rejected) means the coupon is not 全场.
        (Some(lc), None) if t.accept.is_some() || t.reject.is_some() => {
            format!("满{}减{reduce}", yuan(lc))
        }
        (Some(lc), None) => format!("全场满{}减{reduce}", yuan(lc)),
        (None, Some(a)) => format!("{a}减{reduce}元"),
        (None, None) => format!("{reduce}元代金券"),
    }
}

/// The 详情摘要 WeChat composes (see the module docs for the order of the parts).
pub fn abstract_line(card: &Card) -> String {
    let t = thresholds(card);
    let mut parts = Vec::new();
    if let Some(lc) = t.least_cost {
        parts.push(format!("消费满{}元可用", yuan(lc)));
    }
    if let Some(object) = t.object {
        parts.push(format!("购买{object}可用"));
    }
    if let Some(accept) = t.accept {
        parts.push(format!("适用于{accept}"));
    }
    if let Some(reject) = t.reject {
        parts.push(format!("不适用于{reject}"));
    }
    match (parts.is_empty(), t.exclusive) {
        (false, _) => parts.join(","),
        (true, true) => NOT_COMBINABLE.to_owned(),
        (true, false) => NO_THRESHOLD.to_owned(),
    }
}

/// The use-notice lines WeChat adds: "不与其他优惠共享" when `can_use_with_other_discount` is
/// false.
pub fn notices(card: &Card) -> Vec<String> {
    if thresholds(card).exclusive {
        vec![NOT_COMBINABLE.to_owned()]
    } else {
        Vec::new()
    }
}

/// One range of a day: begin hour, begin minute, end hour, end minute.
type Range = [i64; 4];

/// The hours of a day: `None` for the whole day, else its sorted ranges.
type Hours = Option<Vec<Range>>;

fn add_entry(hours: &mut Option<Hours>, limit: &TimeLimit) {
    let fields = [
        &limit.begin_hour,
        &limit.begin_minute,
        &limit.end_hour,
        &limit.end_minute,
    ];
    let values = fields.map(|f| f.as_ref().and_then(Int::get));
    let day = hours.get_or_insert_with(|| Some(Vec::new()));
    if values.iter().all(Option::is_none) {
        *day = None;
    } else if let Some(ranges) = day {
        ranges.push(values.map(Option::unwrap_or_default));
    }
}

fn hours_text(hours: &Hours) -> String {
    match hours {
        None => "全天可用".to_owned(),
        Some(ranges) => {
            let texts: Vec<String> = ranges
                .iter()
                .map(|[bh, bm, eh, em]| format!("{bh:02}:{bm:02}-{eh:02}:{em:02}"))
                .collect();
            format!(" {}可用", texts.join("、"))
        }
    }
}

/// The usable-hours lines for `time_limit` (see the module docs for the wording).
pub fn time_limit_text(limits: &[TimeLimit]) -> Vec<String> {
    // Index 0–6 are 周一…周日, 7 is 节假日.
    let mut days: [Option<Hours>; 8] = Default::default();
    for limit in limits {
        let index = match &limit.limit_type {
            Some(TimeLimitType::Holiday) => Some(7),
            Some(t) => t.weekday_index(),
            None => None,
        };
        if let Some(day) = index.and_then(|i| days.get_mut(i)) {
            add_entry(day, limit);
        }
    }
    for ranges in days.iter_mut().flatten().flatten() {
        ranges.sort_unstable();
        ranges.dedup();
    }
    let label = |i: usize| TimeLimitType::KNOWN.get(i).map_or("", |t| t.label_zh());
    let mut lines = Vec::new();
    let mut i = 0;
    while i < days.len() {
        let Some(hours) = &days[i] else {
            i += 1;
            continue;
        };
        // Extend the run over the following weekdays with the same hours; 节假日 stays alone.
        let mut end = i;
        while i < 7 && end + 1 < 7 && days[end + 1].as_ref() == Some(hours) {
            end += 1;
        }
        let days_text = if end == i {
            label(i).to_owned()
        } else {
            format!("{}至{}", label(i), label(end))
        };
        lines.push(format!("{days_text}{}", hours_text(hours)));
        i = end + 1;
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn cash(reduce: Value, uc: Value) -> Card {
        let v = json!({"cash": {"reduce_cost": reduce, "advanced_info": {"use_condition": uc}}});
        serde_json::from_value(v).unwrap()
    }

    fn gift(name: &str, num: Value, unit: &str, uc: Value) -> Card {
        let body = json!({"gift_name": name, "gift_num": num, "gift_unit": unit,
            "advanced_info": {"use_condition": uc}});
        serde_json::from_value(json!({"card_type": "GIFT", "gift": body})).unwrap()
    }

    /// (title, summary) of a 50元 cash coupon.
    fn cash50(uc: Value) -> (String, String) {
        let c = cash(json!(5000), uc);
        (title(&c), abstract_line(&c))
    }

    /// (title, summary) of a 蛋挞1个 gift coupon.
    fn tart(uc: Value) -> (String, String) {
        let g = gift("蛋挞", json!(1), "个", uc);
        (title(&g), abstract_line(&g))
    }

    fn pair(title: &str, summary: &str) -> (String, String) {
        (title.to_owned(), summary.to_owned())
    }

    fn lines(v: Value) -> Vec<String> {
        time_limit_text(&serde_json::from_value::<Vec<TimeLimit>>(v).unwrap())
    }

    fn day(t: &str, bh: i64, eh: i64, em: i64) -> Value {
        json!({"type": t, "begin_hour": bh, "end_hour": eh, "end_minute": em})
    }

    #[test]
    fn no_threshold_cash_and_gift() {
        assert_eq!(
            cash50(json!({})),
            pair("50元代金券", "无起用金额限制,全场通用,不限品类")
        );
        assert!(notices(&cash(json!(5000), json!({}))).is_empty());
        let g = gift("洗手液", json!(1), "瓶", json!({}));
        assert_eq!(
            (title(&g), abstract_line(&g)),
            pair("洗手液1瓶", NO_THRESHOLD)
        );
        assert_eq!(title(&gift("苹果", json!("1"), "个", json!({}))), "苹果1个");
    }

    #[test]
    fn amounts_in_yuan() {
        assert_eq!(yuan(5000), "50");
        assert_eq!(title(&cash(json!(5050), json!({}))), "50.5元代金券");
        assert_eq!(title(&cash(json!("5000"), json!({}))), "50元代金券");
    }

    #[test]
    fn category_thresholds() {
        let both = json!({"accept_category": "蛋挞", "reject_category": "蛋糕"});
        assert_eq!(cash50(both), pair("蛋挞减50元", "适用于蛋挞,不适用于蛋糕"));
        let five = cash50(json!({"accept_category": "五个字类目"}));
        assert_eq!(five, pair("五个字类目减50元", "适用于五个字类目"));
        let six = cash50(json!({"accept_category": "六个字的类目"}));
        assert_eq!(six, pair("50元代金券", "适用于六个字的类目"));
        let reject = cash50(json!({"reject_category": "蛋糕"}));
        assert_eq!(reject, pair("50元代金券", "不适用于蛋糕"));
    }

    #[test]
    fn least_cost_thresholds() {
        let all = cash50(json!({"least_cost": 50000}));
        assert_eq!(all, pair("全场满500减50", "消费满500元可用"));
        let short = cash50(json!({"least_cost": 50000, "accept_category": "羽绒服"}));
        assert_eq!(
            short,
            pair("羽绒服满500减50", "消费满500元可用,适用于羽绒服")
        );
        let long = cash50(json!({"least_cost": 50000, "accept_category": "冬季羽绒服装"}));
        assert_eq!(long.0, "满500减50");
        let reject = cash50(json!({"least_cost": "50000", "reject_category": "蛋糕"}));
        assert_eq!(reject, pair("满500减50", "消费满500元可用,不适用于蛋糕"));
        assert_eq!(
            tart(json!({"least_cost": 50000})),
            pair("满500送蛋挞", "消费满500元可用")
        );
    }

    #[test]
    fn buy_to_get_threshold() {
        assert_eq!(
            tart(json!({"object_use_for": "蛋糕"})),
            pair("买蛋糕送蛋挞", "购买蛋糕可用")
        );
        let both = tart(json!({"object_use_for": "蛋糕", "least_cost": 50000}));
        assert_eq!(both, pair("买蛋糕送蛋挞", "消费满500元可用,购买蛋糕可用"));
    }

    #[test]
    fn not_combinable() {
        let alone = json!({"can_use_with_other_discount": false});
        assert_eq!(
            cash50(alone.clone()),
            pair("50元代金券", "不与其他优惠共享")
        );
        assert_eq!(notices(&cash(json!(5000), alone)), vec!["不与其他优惠共享"]);
        let with = json!({"can_use_with_other_discount": false, "least_cost": 50000});
        assert_eq!(cash50(with.clone()).1, "消费满500元可用");
        assert_eq!(notices(&cash(json!(5000), with)), vec!["不与其他优惠共享"]);
        let ok = cash(json!(5000), json!({"can_use_with_other_discount": true}));
        assert!(notices(&ok).is_empty());
    }

    #[test]
    fn blank_and_missing_values() {
        let blank = cash50(json!({"accept_category": "  ", "least_cost": 0}));
        assert_eq!(blank, pair("50元代金券", NO_THRESHOLD));
        assert_eq!(
            title(&cash(json!("abc"), json!({"least_cost": 50000}))),
            "全场满500减?"
        );
        let c: Card = serde_json::from_value(json!({"card_type": "CASH"})).unwrap();
        assert_eq!(title(&c), "?元代金券");
        let g: Card = serde_json::from_value(json!({"card_type": "GIFT", "gift": {}})).unwrap();
        assert_eq!(title(&g), "");
    }

    #[test]
    fn synthesize_collects_everything() {
        let c: Card = serde_json::from_value(json!({"card_type": "CASH", "cash": {
            "reduce_cost": 5000, "advanced_info": {
                "use_condition": {"least_cost": 50000, "can_use_with_other_discount": false},
                "time_limit": [day("MONDAY", 10, 20, 59)]
        }}}))
        .unwrap();
        let s = synthesize(&c);
        assert_eq!(
            (s.title, s.abstract_line),
            pair("全场满500减50", "消费满500元可用")
        );
        assert_eq!(s.notices, vec!["不与其他优惠共享"]);
        assert_eq!(s.time_limit_text, vec!["周一 10:00-20:59可用"]);
        assert_eq!(s.price_per_unit, Coins(60));
    }

    #[test]
    fn weekdays_with_same_hours_merge() {
        let week = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"];
        let mut v: Vec<Value> = week.iter().map(|d| day(d, 10, 20, 59)).collect();
        v.push(day("SATURDAY", 10, 22, 0));
        let want = ["周一至周五 10:00-20:59可用", "周六 10:00-22:00可用"];
        assert_eq!(lines(Value::Array(v)), want);
    }

    #[test]
    fn non_consecutive_days_stay_apart() {
        let v = json!([day("WEDNESDAY", 10, 20, 59), day("MONDAY", 10, 20, 59)]);
        assert_eq!(lines(v), ["周一 10:00-20:59可用", "周三 10:00-20:59可用"]);
    }

    #[test]
    fn a_different_day_splits_the_run() {
        let same = ["MONDAY", "TUESDAY", "THURSDAY", "FRIDAY"];
        let mut v: Vec<Value> = same.iter().map(|d| day(d, 10, 20, 59)).collect();
        v.push(day("WEDNESDAY", 12, 18, 0));
        let want = [
            "周一至周二 10:00-20:59可用",
            "周三 12:00-18:00可用",
            "周四至周五 10:00-20:59可用",
        ];
        assert_eq!(lines(Value::Array(v)), want);
    }

    #[test]
    fn lunch_and_dinner() {
        let v = json!([
            day("MONDAY", 17, 21, 0),
            day("MONDAY", 11, 14, 0),
            day("TUESDAY", 11, 14, 0),
            day("TUESDAY", 17, 21, 0),
        ]);
        assert_eq!(lines(v), ["周一至周二 11:00-14:00、17:00-21:00可用"]);
    }

    #[test]
    fn whole_days_and_holidays() {
        let v = json!([{"type": "MONDAY"}, {"type": "TUESDAY"}, {"type": "SATURDAY"},
            {"type": "HOLIDAY"}, {"type": "SOMEDAY"}, {}]);
        assert_eq!(
            lines(v),
            ["周一至周二全天可用", "周六全天可用", "节假日全天可用"]
        );
        let v = json!([day("HOLIDAY", 10, 20, 59), day("SUNDAY", 10, 20, 59)]);
        assert_eq!(lines(v), ["周日 10:00-20:59可用", "节假日 10:00-20:59可用"]);
    }

    #[test]
    fn guide_example_and_string_numbers() {
        // The guide's own example: MONDAY 0:10–10:59 and a bare HOLIDAY.
        let v = json!([{"type": "MONDAY", "begin_hour": 0, "end_hour": 10, "begin_minute": 10,
            "end_minute": 59}, {"type": "HOLIDAY"}]);
        assert_eq!(lines(v), ["周一 00:10-10:59可用", "节假日全天可用"]);
        let v =
            json!([{"type": "FRIDAY", "begin_hour": "9", "end_hour": "18", "end_minute": "30"}]);
        assert_eq!(lines(v), ["周五 09:00-18:30可用"]);
        let c: Card = serde_json::from_value(json!({"card_type": "CASH", "cash": {
            "reduce_cost": "5050",
            "base_info": {"date_info": {"begin_timestamp": "1447397802", "end_timestamp": "1472724261"}},
            "advanced_info": {"use_condition": {"least_cost": "50000"}}
        }}))
        .unwrap();
        assert_eq!(title(&c), "全场满500减50.5");
    }

    #[test]
    fn empty_card_does_not_panic() {
        let s = synthesize(&Card::default());
        assert_eq!((s.title, s.abstract_line), pair("?元代金券", NO_THRESHOLD));
        assert!(s.notices.is_empty() && s.time_limit_text.is_empty());
        assert_eq!(s.price_per_unit, Coins(20));
    }

    fn junk_int() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let text = any::<String>().prop_map(Value::from);
        prop_oneof![
            any::<i64>().prop_map(Value::from),
            text,
            Just(Value::Null),
            Just(json!(1.5))
        ]
    }

    proptest::proptest! {
        #[test]
        fn junk_does_not_panic(
            kind in "CASH|GIFT|OTHER|",
            text in proptest::collection::vec(proptest::prelude::any::<String>(), 5),
            ints in proptest::collection::vec(junk_int(), 7),
            flag in proptest::prelude::any::<Option<bool>>(),
            day in "MONDAY|SUNDAY|HOLIDAY|X",
        ) {
            let uc = json!({"accept_category": text[0], "reject_category": text[1],
                "object_use_for": text[2], "least_cost": ints[0],
                "can_use_with_other_discount": flag});
            let limit = json!({"type": day, "begin_hour": ints[1], "begin_minute": ints[2],
                "end_hour": ints[3], "end_minute": ints[4]});
            let advanced = json!({"use_condition": uc, "time_limit": [limit, limit]});
            let body = json!({"reduce_cost": ints[5], "gift_num": ints[6], "gift_name": text[3],
                "gift_unit": text[4], "advanced_info": advanced});
            // The lenient model accepts all of this junk, so synthesis really runs.
            let card: Card = serde_json::from_value(json!({"card_type": kind, "cash": body,
                "gift": body})).unwrap();
            let _ = synthesize(&card);
        }
    }
}
