//! The `base_info` rules: the merchant, the look, the validity, the stores, the sharing
//! switches and the three custom entrances.

use super::check::{self, Node, Out};
use super::{
    BRAND_NAME_MAX, CENTER_SUB_TITLE_MAX, CENTER_TITLE_MAX, COLOR_PALETTE, CUSTOM_URL_NAME_MAX,
    CUSTOM_URL_SUB_TITLE_MAX, DAY_SECS, DESCRIPTION_MAX, ERRCODE_DATE, ERRCODE_JSON_STRUCTURE,
    ERRCODE_LOCATION, MAX_VALIDITY_DAYS, PROMOTION_URL_SUB_TITLE_MAX, RECEIVE_LEAD_DAYS,
};
use serde_json::Value;

use super::Mode;
use crate::card::model::{BaseInfo, DateInfo};
use crate::card::value::Int;

/// `base_info` of a `cash` or `gift` body (`body`).
pub(super) fn base_info(out: &mut Out, body: &Node, base: Option<&BaseInfo>) {
    let node = body.field("base_info", "基础信息", "base info");
    let Some(b) = base else {
        out.push(check::missing(&node).with_errcode(ERRCODE_JSON_STRUCTURE));
        return;
    };
    let logo = node.field("logo_url", "商户 Logo", "logo");
    check::image_url(out, &logo, b.logo_url.as_deref());
    let code_type = node.field("code_type", "码型", "code type");
    check::required_known(out, &code_type, b.code_type.as_ref());
    let brand = node.field("brand_name", "商户名称", "brand name");
    check::required_text_max(out, &brand, b.brand_name.as_deref(), BRAND_NAME_MAX);
    color(
        out,
        &node.field("color", "券颜色", "colour"),
        b.color.as_deref(),
    );
    let notice = node.field("notice", "使用提醒", "notice");
    let notice_max = out.ctx().mode.notice_max();
    check::required_text_max(out, &notice, b.notice.as_deref(), notice_max);
    let description = node.field("description", "使用说明", "description");
    check::required_text_max(out, &description, b.description.as_deref(), DESCRIPTION_MAX);
    date_info(out, &node, b.date_info.as_ref());
    locations(out, &node, b.location_id_list.as_deref());
    // The guide: both "与share_friends字段互斥 … 应填入false,不可为空".
    let can_share = node.field("can_share", "可分享到对话/朋友圈", "can share");
    must_be_false(out, &can_share, b.can_share);
    let can_give = node.field("can_give_friend", "可转赠", "can give to a friend");
    must_be_false(out, &can_give, b.can_give_friend);
    let get_limit = node.field("get_limit", "每人领取次数", "receive limit per user");
    if let Some(v) = check::integer(out, &get_limit, b.get_limit.as_ref()) {
        check::range(out, &get_limit, v, 1, None);
    }
    entrances(out, &node, b);
    if out.ctx().mode != Mode::Update {
        not_at_create(out, &node, b);
    }
}

/// What a friends' coupon cannot have at create: its own codes ("暂不支持商家自定义Code码")
/// and stock ("不支持在创建的时候填入库存": stock is bought with coins once approved). Not
/// checked on an existing card, whose card/get answer carries `sku` and `use_custom_code`.
fn not_at_create(out: &mut Out, base: &Node, b: &BaseInfo) {
    let custom = base.field("use_custom_code", "自定义 Code 码", "custom codes");
    if b.extra.get("use_custom_code").and_then(Value::as_bool) == Some(true) {
        out.push(
            check::error(
                &custom,
                "value",
                format!("{}:朋友的券暂不支持商家自定义 Code 码,须为 false", custom.zh()),
                format!(
                    "{}: friends' coupons do not support the merchant's own codes yet; it must be false",
                    custom.en()
                ),
            )
            .with_limit("false")
            .with_errcode(ERRCODE_JSON_STRUCTURE),
        );
    }
    let quantity = b.extra.get("sku").and_then(|s| s.get("quantity"));
    let stocked = match quantity {
        Some(Value::Number(n)) => n.as_f64() != Some(0.0),
        Some(Value::String(t)) => t.trim().parse::<f64>() != Ok(0.0),
        Some(Value::Null) | None => false,
        Some(_) => true,
    };
    if stocked {
        let sku = base.field("sku", "库存", "stock");
        let node = sku.member("quantity", "数量", "quantity");
        out.push(
            check::error(
                &node,
                "value",
                format!(
                    "{}:朋友的券不支持在创建时填入库存,审核通过后用券点购买",
                    node.zh()
                ),
                format!(
                    "{}: a friends' coupon cannot get stock at create; buy it with coins once approved",
                    node.en()
                ),
            )
            .with_limit("0")
            .with_errcode(ERRCODE_JSON_STRUCTURE),
        );
    }
}

/// `color`: required; a name outside the known palette is only a warning, since
/// `card/getcolors` may list more than the SDKs know.
fn color(out: &mut Out, node: &Node, value: Option<&str>) {
    let Some(name) = check::required_text(out, node, value) else {
        return;
    };
    if !COLOR_PALETTE.iter().any(|(known, _)| *known == name) {
        out.push(
            check::warning(
                node,
                "palette",
                format!(
                    "{}的值 {name} 不在卡券色板中(Color010 … Color102)",
                    node.zh()
                ),
                format!(
                    "{}: {name} is not in the card palette (Color010 … Color102)",
                    node.en()
                ),
            )
            .with_limit("Color010 … Color102"),
        );
    }
}

/// `date_info`: a fixed range of at most 90 days, receivable soon and not over yet.
fn date_info(out: &mut Out, base: &Node, date: Option<&DateInfo>) {
    let node = base.field("date_info", "有效期", "validity");
    let Some(d) = date else {
        out.push(check::missing(&node).with_errcode(ERRCODE_JSON_STRUCTURE));
        return;
    };
    let date_type = node.field("type", "有效期类型", "validity type");
    // 40079 is WeChat's answer to any validity it does not accept.
    match d.date_type.as_ref() {
        None => out.push(check::missing(&date_type).with_errcode(ERRCODE_DATE)),
        Some(t) if !t.is_known() => {
            out.push(check::unknown(&date_type, t).with_errcode(ERRCODE_DATE));
        }
        Some(_) => {}
    }
    let begin_node = node.field("begin_timestamp", "起用时间", "begin time");
    let end_node = node.field("end_timestamp", "结束时间", "end time");
    let begin = timestamp(out, &begin_node, d.begin_timestamp.as_ref());
    let end = timestamp(out, &end_node, d.end_timestamp.as_ref());
    let now = out.ctx().now;

    if let Some(b) = begin {
        // V1.4: receivable only from 5 days before it starts; accepted, but useless till then.
        let lead = RECEIVE_LEAD_DAYS.saturating_mul(DAY_SECS);
        if b.saturating_sub(now) > lead {
            out.push(
                check::warning(
                    &begin_node,
                    "date_lead",
                    format!(
                        "{}为 {},距今超过 {RECEIVE_LEAD_DAYS} 天:朋友的券只能在生效前 {RECEIVE_LEAD_DAYS} 天内领取",
                        begin_node.zh(),
                        beijing(b)
                    ),
                    format!(
                        "{} is {}, more than {RECEIVE_LEAD_DAYS} days from now: a friends' coupon can be received only within {RECEIVE_LEAD_DAYS} days before it starts",
                        begin_node.en(),
                        beijing(b)
                    ),
                )
                .with_limit(format!("{RECEIVE_LEAD_DAYS} 天")),
            );
        }
    }
    if let Some(e) = end
        && e < now
    {
        out.push(check::warning(
            &end_node,
            "date_past",
            format!("{}为 {},已经过去", end_node.zh(), beijing(e)),
            format!("{} is {}, already past", end_node.en(), beijing(e)),
        ));
    }
    if let (Some(b), Some(e)) = (begin, end) {
        date_span(out, &end_node, b, e);
    }
}

/// `date_order` and `date_span` (errcode 40079): end after begin, at most 90 days later.
fn date_span(out: &mut Out, end_node: &Node, begin: i64, end: i64) {
    if end <= begin {
        out.push(
            check::error(
                end_node,
                "date_order",
                format!("{}须晚于起用时间(begin_timestamp)", end_node.zh()),
                format!(
                    "{} must be after the begin time (begin_timestamp)",
                    end_node.en()
                ),
            )
            .with_errcode(ERRCODE_DATE),
        );
        return;
    }
    // Saturating: far-apart timestamps read as "too long", never overflow.
    let span = end.saturating_sub(begin);
    let max = MAX_VALIDITY_DAYS.saturating_mul(DAY_SECS);
    if span > max {
        out.push(
            check::error(
                end_node,
                "date_span",
                format!(
                    "{}超出上限:有效期最长 {MAX_VALIDITY_DAYS} 天,当前 {}",
                    end_node.zh(),
                    span_zh(span)
                ),
                format!(
                    "{} is too late: the validity may last at most {MAX_VALIDITY_DAYS} days, it lasts {}",
                    end_node.en(),
                    span_en(span)
                ),
            )
            .with_limit(format!("{MAX_VALIDITY_DAYS} 天"))
            .with_errcode(ERRCODE_DATE),
        );
    }
}

/// A required timestamp: present and whole seconds.
fn timestamp(out: &mut Out, node: &Node, value: Option<&Int>) -> Option<i64> {
    check::required_integer(out, node, value)
}

/// A timestamp as Beijing time (the guide's time zone), or the raw seconds when out of range.
fn beijing(ts: i64) -> String {
    const CST: i64 = 8 * 3600;
    ts.checked_add(CST)
        .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
        .map_or_else(
            || ts.to_string(),
            |t| t.format("%Y-%m-%d %H:%M:%S").to_string(),
        )
}

/// A span of seconds as days and the rest: `90 天 00:00:01`.
fn span_zh(secs: i64) -> String {
    let (days, rest) = (secs / DAY_SECS, secs % DAY_SECS);
    if rest == 0 {
        format!("{days} 天")
    } else {
        format!("{days} 天 {}", hms(rest))
    }
}

/// A span of seconds as days and the rest: `90 days 00:00:01`.
fn span_en(secs: i64) -> String {
    let (days, rest) = (secs / DAY_SECS, secs % DAY_SECS);
    if rest == 0 {
        format!("{days} days")
    } else {
        format!("{days} days {}", hms(rest))
    }
}

/// Seconds within a day as `HH:MM:SS`.
fn hms(secs: i64) -> String {
    format!(
        "{:02}:{:02}:{:02}",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// `location_id_list`: at least one store (errcode 41025), each a positive poi id.
fn locations(out: &mut Out, base: &Node, list: Option<&[Int]>) {
    let node = base.field("location_id_list", "适用门店", "store list");
    match list {
        None => out.push(check::missing(&node).with_errcode(ERRCODE_LOCATION)),
        Some([]) => out.push(
            check::error(
                &node,
                "min_items",
                format!("{}至少需要 1 个门店 ID(poi_id)", node.zh()),
                format!("{} needs at least 1 store id (poi_id)", node.en()),
            )
            .with_limit("1")
            .with_errcode(ERRCODE_LOCATION),
        ),
        Some(ids) => {
            for (i, id) in ids.iter().enumerate() {
                let item = node.item(i);
                if let Some(v) = check::integer(out, &item, Some(id)) {
                    check::range(out, &item, v, 1, None);
                }
            }
        }
    }
}

/// `can_share` / `can_give_friend`: present and false, as `share_friends` excludes them.
fn must_be_false(out: &mut Out, node: &Node, value: Option<bool>) {
    match value {
        None => out.push(check::missing(node)),
        Some(true) => out.push(
            check::error(
                node,
                "exclusive",
                format!("{}与朋友共享(share_friends)互斥,朋友的券须填 false", node.zh()),
                format!(
                    "{} excludes sharing with friends (share_friends); a friends' coupon needs false",
                    node.en()
                ),
            )
            .with_limit("false"),
        ),
        Some(false) => {}
    }
}

/// The three custom entrances: length limits, and a warning when a name has no link.
fn entrances(out: &mut Out, base: &Node, b: &BaseInfo) {
    let title = base.field("center_title", "居中入口标题", "centre entrance title");
    check::max_chars(out, &title, b.center_title.as_deref(), CENTER_TITLE_MAX);
    let sub = base.field(
        "center_sub_title",
        "居中入口副标题",
        "centre entrance subtitle",
    );
    check::max_chars(
        out,
        &sub,
        b.center_sub_title.as_deref(),
        CENTER_SUB_TITLE_MAX,
    );
    let url = base.field("center_url", "居中入口链接", "centre entrance link");
    url_for_name(
        out,
        &url,
        b.center_title.as_deref(),
        b.center_url.as_deref(),
    );

    let name = base.field("custom_url_name", "服务入口名称", "service entrance name");
    check::max_chars(
        out,
        &name,
        b.custom_url_name.as_deref(),
        CUSTOM_URL_NAME_MAX,
    );
    let url = base.field("custom_url", "服务入口链接", "service entrance link");
    url_for_name(
        out,
        &url,
        b.custom_url_name.as_deref(),
        b.custom_url.as_deref(),
    );
    let sub = base.field(
        "custom_url_sub_title",
        "服务入口提示",
        "service entrance tip",
    );
    check::max_chars(
        out,
        &sub,
        b.custom_url_sub_title.as_deref(),
        CUSTOM_URL_SUB_TITLE_MAX,
    );

    let url = base.field("promotion_url", "营销入口链接", "marketing entrance link");
    url_for_name(
        out,
        &url,
        b.promotion_url_name.as_deref(),
        b.promotion_url.as_deref(),
    );
    let sub = base.field(
        "promotion_url_sub_title",
        "营销入口提示",
        "marketing entrance tip",
    );
    let limit = PROMOTION_URL_SUB_TITLE_MAX;
    check::max_chars(out, &sub, b.promotion_url_sub_title.as_deref(), limit);
}

/// `url_missing` (warning): an entrance with a name but no link shows a cell that goes nowhere.
fn url_for_name(out: &mut Out, url_node: &Node, name: Option<&str>, url: Option<&str>) {
    if check::filled(name) && !check::filled(url) {
        out.push(check::warning(
            url_node,
            "url_missing",
            format!("入口已填名称,但缺少{}", url_node.zh()),
            format!("the entrance has a name but no {}", url_node.en()),
        ));
    }
}
