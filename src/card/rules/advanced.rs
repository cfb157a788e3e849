//! The `advanced_info` rules: thresholds, cover, text-image list, usable hours, services, the
//! coupon given after use, and `share_friends`, which makes the card a friends' coupon.

use super::check::{self, Node, Out};
use super::{ERRCODE_JSON_STRUCTURE, Kind, TEXT_IMAGE_TEXT_MAX};
use crate::card::model::{
    Abstract, AdvancedInfo, ShareCard, TextImage, TimeLimit, TimeLimitType, UseCondition,
};
use crate::card::pricing::format_hundredths;
use crate::card::value::Int;

/// Minutes in a day: a time slot without hours covers the whole day.
const DAY_MINUTES: i64 = 24 * 60;

/// `advanced_info` of a `cash` or `gift` body (`body`).
pub(super) fn advanced_info(out: &mut Out, body: &Node, adv: Option<&AdvancedInfo>, kind: Kind) {
    let node = body.field("advanced_info", "高级信息", "advanced info");
    let Some(a) = adv else {
        out.push(check::missing(&node).with_errcode(ERRCODE_JSON_STRUCTURE));
        return;
    };
    if let Some(uc) = &a.use_condition {
        use_condition(out, &node, uc, kind);
    }
    if let Some(abs) = &a.abstract_info {
        cover(out, &node, abs);
    }
    text_images(out, &node, a.text_image_list.as_deref());
    if let Some(slots) = &a.time_limit {
        time_limits(out, &node, slots);
    }
    if let Some(services) = &a.business_service {
        let list = node.field("business_service", "商家服务", "business services");
        for (i, service) in services.iter().enumerate() {
            check::known(out, &list.item(i), service);
        }
    }
    consume_share(out, &node, a);
    let share = node.field("share_friends", "朋友共享", "share with friends");
    match a.share_friends {
        None => out.push(check::missing(&share)),
        Some(false) => out.push(
            check::error(
                &share,
                "value",
                format!("{}须为 true,券才能与朋友共享", share.zh()),
                format!("{} must be true for the coupon to be shared", share.en()),
            )
            .with_limit("true"),
        ),
        Some(true) => {}
    }
}

/// `use_condition`: each threshold only on the card type the guide allows it for, and a
/// minimum spend that is a positive amount above the discount.
fn use_condition(out: &mut Out, adv: &Node, uc: &UseCondition, kind: Kind) {
    let node = adv.field("use_condition", "使用门槛", "use condition");
    let is_gift = kind == Kind::Gift;
    let accept = node.field("accept_category", "适用品类", "accepted category");
    card_type_only(out, &accept, uc.accept_category.as_deref(), is_gift, "CASH");
    let reject = node.field("reject_category", "不适用品类", "rejected category");
    card_type_only(out, &reject, uc.reject_category.as_deref(), is_gift, "CASH");

    let least = node.field("least_cost", "起用金额", "minimum spend");
    if let Some(v) = check::integer(out, &least, uc.least_cost.as_ref())
        && check::range(out, &least, v, 1, None)
        && let Kind::Cash {
            reduce_cost: Some(reduce),
        } = kind
        && v <= reduce
    {
        // "满 10 减 10" gives the goods away; "满 5 减 10" reads as nonsense.
        let (spend, off) = (format_hundredths(v), format_hundredths(reduce));
        out.push(
            check::warning(
                &least,
                "threshold",
                format!(
                    "{}为 {spend} 元,不高于减免金额 {off} 元,门槛没有意义",
                    least.zh()
                ),
                format!(
                    "{} is ¥{spend}, not above the discount of ¥{off}: the threshold means nothing",
                    least.en()
                ),
            )
            .with_limit(format!("> {reduce}")),
        );
    }

    let object = node.field("object_use_for", "买送门槛商品", "goods to buy");
    card_type_only(out, &object, uc.object_use_for.as_deref(), !is_gift, "GIFT");
}

/// `card_type_only`: a threshold filled on the card type it is not for.
fn card_type_only(out: &mut Out, node: &Node, value: Option<&str>, wrong: bool, for_type: &str) {
    if wrong && check::filled(value) {
        out.push(
            check::error(
                node,
                "card_type_only",
                format!("{}仅用于 {for_type} 类型的券", node.zh()),
                format!("{} applies to {for_type} coupons only", node.en()),
            )
            .with_limit(for_type),
        );
    }
}

/// `abstract`: at most one cover picture, from the CDN.
fn cover(out: &mut Out, adv: &Node, abs: &Abstract) {
    let node = adv.field("abstract", "封面摘要", "cover");
    let Some(icons) = &abs.icon_url_list else {
        return;
    };
    let list = node.field("icon_url_list", "封面图片", "cover pictures");
    if icons.len() > 1 {
        out.push(
            check::error(
                &list,
                "max_items",
                format!("{}最多 1 张,当前 {} 张", list.zh(), icons.len()),
                format!(
                    "{} holds at most 1 picture, it has {}",
                    list.en(),
                    icons.len()
                ),
            )
            .with_limit("1"),
        );
    }
    for (i, url) in icons.iter().enumerate() {
        check::image_url(out, &list.item(i), Some(url));
    }
}

/// `text_image_list`: at least one entry; each with a CDN image and at most 5000 characters.
fn text_images(out: &mut Out, adv: &Node, list: Option<&[TextImage]>) {
    let node = adv.field("text_image_list", "图文列表", "text-image list");
    match list {
        None => out.push(check::missing(&node)),
        Some([]) => out.push(
            check::error(
                &node,
                "min_items",
                format!("{}至少需要 1 组图文", node.zh()),
                format!("{} needs at least 1 entry", node.en()),
            )
            .with_limit("1"),
        ),
        Some(entries) => {
            for (i, entry) in entries.iter().enumerate() {
                let item = node.item(i);
                let image = item.member("image_url", "图片", "image");
                check::image_url(out, &image, entry.image_url.as_deref());
                let text = item.member("text", "描述", "text");
                check::max_chars(out, &text, entry.text.as_deref(), TEXT_IMAGE_TEXT_MAX);
            }
        }
    }
}

/// A checked time slot, for the overlap warning: minutes since midnight, end exclusive.
struct Slot<'a> {
    day: &'a TimeLimitType,
    begin: i64,
    end: i64,
}

/// `time_limit`: known day types, valid hours and minutes, begin before end, and a warning
/// when one day gets overlapping slots (display only, but the card would read oddly).
fn time_limits(out: &mut Out, adv: &Node, slots: &[TimeLimit]) {
    let node = adv.field("time_limit", "使用时段", "usable hours");
    let mut seen: Vec<Slot<'_>> = Vec::new();
    for (i, slot) in slots.iter().enumerate() {
        let item = node.item(i);
        let day = item.member("type", "类型", "type");
        let day = check::required_known(out, &day, slot.limit_type.as_ref());
        let Ok(minutes) = time_range(out, &item, slot) else {
            continue;
        };
        let Some(day) = day else { continue };
        let (begin, end) = minutes.unwrap_or((0, DAY_MINUTES));
        let overlaps = seen
            .iter()
            .any(|s| s.day == day && s.begin < end && begin < s.end);
        if overlaps {
            out.push(check::warning(
                &item,
                "time_overlap",
                format!("{}与前面同为 {} 的时段重叠", item.zh(), day.label_zh()),
                format!("{} overlaps an earlier {} slot", item.en(), day.as_str()),
            ));
        }
        seen.push(Slot { day, begin, end });
    }
}

/// A problem already reported: stop checking what depends on it.
struct Reported;

/// The hours of one slot, in minutes since midnight, end exclusive; `None` when the slot
/// gives no time (the whole day).
fn time_range(
    out: &mut Out,
    item: &Node,
    slot: &TimeLimit,
) -> Result<Option<(i64, i64)>, Reported> {
    let times = [
        &slot.begin_hour,
        &slot.end_hour,
        &slot.begin_minute,
        &slot.end_minute,
    ];
    if times.iter().all(|v| v.is_none()) {
        return Ok(None);
    }
    // Every field is read before any `?`, so each problem is reported.
    let bh = hour(
        out,
        item,
        "begin_hour",
        "起始小时",
        slot.begin_hour.as_ref(),
    );
    let bm = minute(
        out,
        item,
        "begin_minute",
        "起始分钟",
        slot.begin_minute.as_ref(),
    );
    let eh = hour(out, item, "end_hour", "结束小时", slot.end_hour.as_ref());
    let em = minute(
        out,
        item,
        "end_minute",
        "结束分钟",
        slot.end_minute.as_ref(),
    );
    // In range, so no overflow: at most 23 × 60 + 59.
    let begin = bh? * 60 + bm?;
    let end = eh? * 60 + em?;
    if begin >= end {
        let (b, e) = (hhmm(begin), hhmm(end));
        out.push(check::error(
            item,
            "time_order",
            format!("{}的起始时间 {b} 须早于结束时间 {e}", item.zh()),
            format!(
                "{} begins at {b}, which must be before its end at {e}",
                item.en()
            ),
        ));
        return Err(Reported);
    }
    Ok(Some((begin, end)))
}

/// An hour, 0–23: needed once a slot gives any time.
fn hour(
    out: &mut Out,
    item: &Node,
    key: &str,
    zh: &str,
    value: Option<&Int>,
) -> Result<i64, Reported> {
    let node = item.member(key, zh, &key.replace('_', " "));
    let Some(value) = value else {
        out.push(check::missing(&node));
        return Err(Reported);
    };
    clock_value(out, &node, value, 23)
}

/// A minute, 0–59: 0 when absent.
fn minute(
    out: &mut Out,
    item: &Node,
    key: &str,
    zh: &str,
    value: Option<&Int>,
) -> Result<i64, Reported> {
    let node = item.member(key, zh, &key.replace('_', " "));
    value.map_or(Ok(0), |v| clock_value(out, &node, v, 59))
}

/// A whole number in `0..=max`.
fn clock_value(out: &mut Out, node: &Node, value: &Int, max: i64) -> Result<i64, Reported> {
    match check::integer(out, node, Some(value)) {
        Some(v) if check::range(out, node, v, 0, Some(max)) => Ok(v),
        _ => Err(Reported),
    }
}

/// Minutes since midnight as `HH:MM`.
fn hhmm(minutes: i64) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// `consume_share_self_num` (0 or 1) and `consume_share_card_list` (at most one entry with a
/// card id and num 1) exclude each other.
fn consume_share(out: &mut Out, adv: &Node, a: &AdvancedInfo) {
    let self_node = adv.field(
        "consume_share_self_num",
        "核销后送本券数量",
        "self coupons given after use",
    );
    let self_num = check::integer(out, &self_node, a.consume_share_self_num.as_ref());
    if let Some(n) = self_num {
        check::range(out, &self_node, n, 0, Some(1));
    }
    let Some(list) = &a.consume_share_card_list else {
        return;
    };
    let node = adv.field(
        "consume_share_card_list",
        "核销后赠券列表",
        "coupons given after use",
    );
    if list.len() > 1 {
        out.push(
            check::error(
                &node,
                "max_items",
                format!("{}目前仅支持 1 张券,当前 {} 张", node.zh(), list.len()),
                format!(
                    "{} holds at most 1 coupon, it has {}",
                    node.en(),
                    list.len()
                ),
            )
            .with_limit("1"),
        );
    }
    if self_num.is_some_and(|n| n > 0) && !list.is_empty() {
        out.push(check::error(
            &node,
            "exclusive",
            format!(
                "{}与核销后送本券数量(consume_share_self_num)互斥,只能二选一",
                node.zh()
            ),
            format!(
                "{} excludes giving this coupon after use (consume_share_self_num); choose one",
                node.en()
            ),
        ));
    }
    for (i, card) in list.iter().enumerate() {
        share_card(out, &node.item(i), card);
    }
}

/// One coupon given after use: a card id and `num` exactly 1.
fn share_card(out: &mut Out, item: &Node, card: &ShareCard) {
    let id = item.member("card_id", "卡券 ID", "card id");
    check::required_text(out, &id, card.card_id.as_deref());
    let num = item.member("num", "赠送数量", "number given");
    if let Some(n) = check::required_integer(out, &num, card.num.as_ref())
        && n != 1
    {
        out.push(
            check::error(
                &num,
                "value",
                format!("{}目前只能填 1,当前 {n}", num.zh()),
                format!("{} must be 1, it is {n}", num.en()),
            )
            .with_limit("1"),
        );
    }
}
