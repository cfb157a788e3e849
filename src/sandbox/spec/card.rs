//! The simulator's validator: a raw `{"card": …}` body against the spec tables, answering the
//! first rule it breaks, in the order of the guide's JSON example (the type, `base_info`,
//! `advanced_info`, then the type's own members).

use serde_json::Value;

use super::check::{
    At, get, in_range, integer, list_of, max_chars, missing, quote, refuse, required_text, shape,
    structure, text_of,
};
use super::enums::{self, Allowed};
use super::errcodes::IMAGE_HOSTS;
use super::members::{self, CARD, Kind};
use super::numbers::{self, DAY_SECS, MAX_VALIDITY_DAYS};
use super::{Mode, Refusal, text};
use crate::errcode;

/// Checks a create body (or, with [`Mode::Update`], the merged card of an update, wrapped as
/// `{"card": …}`); `Err` names the first rule it breaks.
pub fn validate(body: &Value, mode: Mode) -> Result<(), Refusal> {
    let root = At::card();
    let Some(card) = body.get("card") else {
        return Err(structure(&root, "structure", None, "missing field `card`"));
    };
    shape(card, Kind::Obj(CARD), &root)?;
    let cash = get(Some(card), "cash");
    let gift = get(Some(card), "gift");
    let card_type = one_of(
        Some(card),
        "card_type",
        &root.key("card_type"),
        enums::CARD_TYPES,
        errcode::JSON_STRUCTURE,
        true,
    )?;
    let other = |key: &str, declared: &str| {
        structure(
            &root.key(key),
            "exclusive",
            None,
            &format!("card type is {declared}; {key} must be absent"),
        )
    };
    match card_type {
        Some("GIFT") => {
            if cash.is_some() {
                return Err(other("cash", "GIFT"));
            }
            let body = need(Some(card), "gift", &At::body("gift"))?;
            type_body(body, "GIFT", mode)
        }
        _ => {
            let body = need(Some(card), "cash", &At::body("cash"))?;
            type_body(body, "CASH", mode)?;
            if gift.is_some() {
                return Err(other("gift", "CASH"));
            }
            Ok(())
        }
    }
}

/// The `cash` or `gift` object.
fn type_body(body: &Value, card_type: &str, mode: Mode) -> Result<(), Refusal> {
    let key = if card_type == "GIFT" { "gift" } else { "cash" };
    let at = At::body(key);
    base_info(body, &at, mode)?;
    advanced_info(body, &at, card_type)?;
    let b = Some(body);
    if card_type == "GIFT" {
        limited(b, "gift_name", &at, mode, true)?;
        let num = need_int(b, "gift_num", &at.key("gift_num"))?;
        ranged(num, &at.key("gift_num"))?;
        limited(b, "gift_unit", &at, mode, true)
    } else {
        let cost = need_int(b, "reduce_cost", &at.key("reduce_cost"))?;
        ranged(cost, &at.key("reduce_cost"))
    }
}

/// The errcode of a required member's absence (47001 unless the table says otherwise).
fn required_code(at: &At) -> i64 {
    members::required(&at.rel).map_or(errcode::JSON_STRUCTURE, |r| r.errcode)
}

/// A required member.
fn need<'a>(v: Option<&'a Value>, key: &str, at: &At) -> Result<&'a Value, Refusal> {
    get(v, key).ok_or_else(|| missing(at, required_code(at), false))
}

/// A required whole number.
fn need_int(v: Option<&Value>, key: &str, at: &At) -> Result<i64, Refusal> {
    integer(v, key, at)?.ok_or_else(|| missing(at, required_code(at), false))
}

/// A number in its range of the table.
fn ranged(n: i64, at: &At) -> Result<(), Refusal> {
    match numbers::range_of(&at.rel) {
        Some(r) => in_range(n, r.min, r.max, at),
        None => Ok(()),
    }
}

/// An optional whole number in its range.
fn optional_int(v: Option<&Value>, key: &str, at: &At) -> Result<Option<i64>, Refusal> {
    let n = integer(v, key, at)?;
    if let Some(n) = n {
        ranged(n, at)?;
    }
    Ok(n)
}

/// A text member of `parent` (at `parent_at`) within its length limit; `required` ones must be
/// present and not blank.
fn limited(
    v: Option<&Value>,
    key: &str,
    parent_at: &At,
    mode: Mode,
    required: bool,
) -> Result<(), Refusal> {
    let at = parent_at.key(key);
    let s = if required {
        Some(required_text(v, key, &at, required_code(&at))?)
    } else {
        text_of(v, key)
    };
    let limit = if mode == Mode::Update && at.rel == text::NOTICE_AT_UPDATE.path {
        Some(&text::NOTICE_AT_UPDATE)
    } else {
        text::limit_of(&at.rel)
    };
    match (s, limit) {
        (Some(s), Some(l)) => max_chars(s, l.max, &at),
        _ => Ok(()),
    }
}

/// A value of an enumeration: `enum` when the table does not list it.
fn allowed_value<'a>(
    s: &'a str,
    at: &At,
    table: &[Allowed],
    errcode: i64,
) -> Result<&'a str, Refusal> {
    if s.trim().is_empty() {
        return Err(missing(at, errcode, true));
    }
    if enums::is_allowed(table, s) {
        return Ok(s);
    }
    let listed = enums::listed(table);
    Err(refuse(
        at,
        errcode,
        "enum",
        Some(listed.clone()),
        format!("unknown value {}; allowed: {listed}", quote(s)),
    ))
}

/// An enumerated member; `None` when absent and not `required`.
fn one_of<'a>(
    v: Option<&'a Value>,
    key: &str,
    at: &At,
    table: &[Allowed],
    errcode: i64,
    required: bool,
) -> Result<Option<&'a str>, Refusal> {
    match text_of(v, key) {
        None if required => Err(missing(at, errcode, false)),
        None => Ok(None),
        Some(s) => allowed_value(s, at, table, errcode).map(Some),
    }
}

/// `cdn_url` (40141): an image from the upload API.
fn image(url: &str, at: &At) -> Result<(), Refusal> {
    if super::check::from_upload_api(url, IMAGE_HOSTS) {
        return Ok(());
    }
    Err(refuse(
        at,
        errcode::IMAGE_URL,
        "cdn_url",
        None,
        format!(
            "must be a WeChat CDN URL from the image upload API (mmbiz.qpic.cn), it is {}",
            quote(url)
        ),
    ))
}

/// A list's size against the table.
fn sized(list: &[Value], at: &At) -> Result<(), Refusal> {
    let Some(size) = numbers::list_size(&at.rel) else {
        return Ok(());
    };
    if list.len() < size.min {
        return Err(refuse(
            at,
            size.errcode,
            "min_items",
            Some(size.min.to_string()),
            format!("needs at least {} entry", size.min),
        ));
    }
    if let Some(max) = size.max.filter(|m| list.len() > *m) {
        return Err(refuse(
            at,
            size.errcode,
            "max_items",
            Some(max.to_string()),
            format!("holds at most {max}, it has {}", list.len()),
        ));
    }
    Ok(())
}

/// A sharing switch of [`members::SHARING`]: present and of the value a friends' coupon needs.
fn switch(v: Option<&Value>, key: &str, at: &At) -> Result<(), Refusal> {
    let need = members::SHARING
        .iter()
        .find(|(path, _, _)| *path == at.rel)
        .is_some_and(|(_, value, _)| *value);
    match get(v, key).and_then(Value::as_bool) {
        None => Err(missing(at, errcode::JSON_STRUCTURE, false)),
        Some(b) if b == need => Ok(()),
        Some(_) => {
            let rule = if need { "value" } else { "exclusive" };
            Err(structure(
                at,
                rule,
                Some(need.to_string()),
                &format!("a friends' coupon (share_friends) needs {need}"),
            ))
        }
    }
}

/// `base_info`.
fn base_info(body: &Value, body_at: &At, mode: Mode) -> Result<(), Refusal> {
    let at = body_at.key("base_info");
    let b = Some(need(Some(body), "base_info", &at)?);
    let logo = at.key("logo_url");
    image(
        required_text(b, "logo_url", &logo, required_code(&logo))?,
        &logo,
    )?;
    one_of(
        b,
        "code_type",
        &at.key("code_type"),
        enums::CODE_TYPES,
        errcode::JSON_STRUCTURE,
        true,
    )?;
    limited(b, "brand_name", &at, mode, true)?;
    // A colour outside the palette is accepted (see enums::COLOURS).
    let colour = at.key("color");
    required_text(b, "color", &colour, required_code(&colour))?;
    limited(b, "notice", &at, mode, true)?;
    limited(b, "description", &at, mode, true)?;
    date_info(b, &at)?;
    locations(b, &at)?;
    switch(b, "can_share", &at.key("can_share"))?;
    switch(b, "can_give_friend", &at.key("can_give_friend"))?;
    optional_int(b, "get_limit", &at.key("get_limit"))?;
    for key in [
        "center_title",
        "center_sub_title",
        "custom_url_name",
        "custom_url_sub_title",
        "promotion_url_sub_title",
    ] {
        limited(b, key, &at, mode, false)?;
    }
    if mode == Mode::Create {
        not_at_create(b, &at)?;
    }
    Ok(())
}

/// `date_info` (40079): the one date type, begin and end, end after begin, at most 90 days.
fn date_info(b: Option<&Value>, base: &At) -> Result<(), Refusal> {
    let at = base.key("date_info");
    let d = Some(need(b, "date_info", &at)?);
    one_of(
        d,
        "type",
        &at.key("type"),
        enums::DATE_TYPES,
        errcode::INVALID_TIME,
        true,
    )?;
    let begin = need_int(d, "begin_timestamp", &at.key("begin_timestamp"))?;
    let end_at = at.key("end_timestamp");
    let end = need_int(d, "end_timestamp", &end_at)?;
    if end <= begin {
        return Err(refuse(
            &end_at,
            errcode::INVALID_TIME,
            "date_order",
            None,
            "must be after the begin time (begin_timestamp)",
        ));
    }
    let span = end.saturating_sub(begin);
    if span > MAX_VALIDITY_DAYS.saturating_mul(DAY_SECS) {
        return Err(refuse(
            &end_at,
            errcode::INVALID_TIME,
            "date_span",
            Some(format!("{MAX_VALIDITY_DAYS} days")),
            format!(
                "the validity may last at most {MAX_VALIDITY_DAYS} days, it lasts {} s",
                span
            ),
        ));
    }
    Ok(())
}

/// `location_id_list` (41025): at least one store id, each a positive number.
fn locations(b: Option<&Value>, base: &At) -> Result<(), Refusal> {
    let at = base.key("location_id_list");
    let Some(list) = list_of(b, "location_id_list") else {
        return Err(missing(&at, required_code(&at), false));
    };
    sized(list, &at)?;
    for (i, id) in list.iter().enumerate() {
        let item = at.item(i);
        let wrapped = serde_json::json!({ "id": id });
        optional_int(Some(&wrapped), "id", &item)?;
    }
    Ok(())
}

/// [`members::NOT_AT_CREATE`]: no custom codes, no stock.
fn not_at_create(b: Option<&Value>, base: &At) -> Result<(), Refusal> {
    let rows = members::NOT_AT_CREATE;
    if let Some(row) = rows.first()
        && get(b, "use_custom_code").and_then(Value::as_bool) == Some(true)
    {
        return Err(structure(
            &base.key("use_custom_code"),
            "value",
            Some(row.allowed.to_owned()),
            "friends' coupons do not support the merchant's own codes yet",
        ));
    }
    let quantity = get(get(b, "sku"), "quantity");
    let stocked = match quantity {
        Some(Value::Number(n)) => n.as_f64() != Some(0.0),
        Some(Value::String(t)) => t.trim().parse::<f64>() != Ok(0.0),
        Some(Value::Null) | None => false,
        Some(_) => true,
    };
    if let Some(row) = rows.get(1)
        && stocked
    {
        return Err(structure(
            &base.key("sku").key("quantity"),
            "value",
            Some(row.allowed.to_owned()),
            "a friends' coupon cannot get stock at create; buy it with coins once approved",
        ));
    }
    Ok(())
}

/// `advanced_info`.
fn advanced_info(body: &Value, body_at: &At, card_type: &str) -> Result<(), Refusal> {
    let at = body_at.key("advanced_info");
    let a = Some(need(Some(body), "advanced_info", &at)?);
    if let Some(uc) = get(a, "use_condition") {
        thresholds(uc, &at.key("use_condition"), card_type)?;
    }
    if let Some(icons) = list_of(get(a, "abstract"), "icon_url_list") {
        let list = at.key("abstract").key("icon_url_list");
        sized(icons, &list)?;
        for (i, url) in icons.iter().enumerate() {
            let item = list.item(i);
            match url.as_str() {
                Some(u) if !u.trim().is_empty() => image(u, &item)?,
                _ => return Err(missing(&item, errcode::JSON_STRUCTURE, true)),
            }
        }
    }
    text_images(a, &at)?;
    if let Some(slots) = list_of(a, "time_limit") {
        let list = at.key("time_limit");
        for (i, slot) in slots.iter().enumerate() {
            time_slot(slot, &list.item(i))?;
        }
    }
    if let Some(services) = list_of(a, "business_service") {
        let list = at.key("business_service");
        for (i, s) in services.iter().enumerate() {
            allowed_value(
                s.as_str().unwrap_or_default(),
                &list.item(i),
                enums::BUSINESS_SERVICES,
                errcode::JSON_STRUCTURE,
            )?;
        }
    }
    gift_back(a, &at)?;
    switch(a, "share_friends", &at.key("share_friends"))
}

/// `use_condition`: each threshold on its card type ([`members::THRESHOLDS`]), amounts in range.
fn thresholds(uc: &Value, at: &At, card_type: &str) -> Result<(), Refusal> {
    for t in members::THRESHOLDS {
        let member = at.key(t.key);
        if t.key == "least_cost" {
            optional_int(Some(uc), t.key, &member)?;
            continue;
        }
        let filled = text_of(Some(uc), t.key).is_some_and(|s| !s.trim().is_empty());
        if let Some(only) = t.only.filter(|only| filled && *only != card_type) {
            return Err(structure(
                &member,
                "card_type_only",
                Some(only.to_owned()),
                &format!("applies to {only} coupons only"),
            ));
        }
    }
    Ok(())
}

/// `text_image_list`: at least one entry, each a CDN image and at most 5000 characters.
fn text_images(a: Option<&Value>, adv: &At) -> Result<(), Refusal> {
    let at = adv.key("text_image_list");
    let Some(list) = list_of(a, "text_image_list") else {
        return Err(missing(&at, required_code(&at), false));
    };
    sized(list, &at)?;
    for (i, entry) in list.iter().enumerate() {
        let item = at.item(i);
        let url = item.key("image_url");
        image(
            required_text(Some(entry), "image_url", &url, required_code(&url))?,
            &url,
        )?;
        limited(Some(entry), "text", &item, Mode::Create, false)?;
    }
    Ok(())
}

/// One `time_limit` slot: a day type, and when it gives any time, hours and minutes in range
/// with the begin before the end.
fn time_slot(slot: &Value, at: &At) -> Result<(), Refusal> {
    let s = Some(slot);
    one_of(
        s,
        "type",
        &at.key("type"),
        enums::TIME_LIMIT_TYPES,
        errcode::JSON_STRUCTURE,
        true,
    )?;
    let keys = ["begin_hour", "end_hour", "begin_minute", "end_minute"];
    if keys.iter().all(|k| get(s, k).is_none()) {
        return Ok(());
    }
    let bh = need_int(s, "begin_hour", &at.key("begin_hour"))?;
    ranged(bh, &at.key("begin_hour"))?;
    let bm = optional_int(s, "begin_minute", &at.key("begin_minute"))?.unwrap_or(0);
    let eh = need_int(s, "end_hour", &at.key("end_hour"))?;
    ranged(eh, &at.key("end_hour"))?;
    let em = optional_int(s, "end_minute", &at.key("end_minute"))?.unwrap_or(0);
    if bh * 60 + bm >= eh * 60 + em {
        return Err(structure(
            at,
            "time_order",
            None,
            &format!("begins at {bh:02}:{bm:02}, which must be before its end at {eh:02}:{em:02}"),
        ));
    }
    Ok(())
}

/// `consume_share_self_num` (0 or 1) and `consume_share_card_list` (at most one card, num 1)
/// exclude each other (line 411).
fn gift_back(a: Option<&Value>, adv: &At) -> Result<(), Refusal> {
    let self_num = optional_int(
        a,
        "consume_share_self_num",
        &adv.key("consume_share_self_num"),
    )?;
    let Some(list) = list_of(a, "consume_share_card_list") else {
        return Ok(());
    };
    let at = adv.key("consume_share_card_list");
    sized(list, &at)?;
    if self_num.is_some_and(|n| n > 0) && !list.is_empty() {
        return Err(structure(
            &at,
            "exclusive",
            None,
            "excludes consume_share_self_num; choose one",
        ));
    }
    for (i, card) in list.iter().enumerate() {
        let item = at.item(i);
        let id = item.key("card_id");
        required_text(Some(card), "card_id", &id, required_code(&id))?;
        let num = item.key("num");
        let n = need_int(Some(card), "num", &num)?;
        ranged(n, &num)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cash() -> Value {
        json!({"card": {"card_type": "CASH", "cash": {
            "base_info": {"logo_url": "http://mmbiz.qpic.cn/a/0", "code_type": "CODE_TYPE_TEXT",
                "brand_name": "微信餐厅", "color": "Color010", "notice": "请出示二维码",
                "description": "说明", "date_info": {"type": "DATE_TYPE_FIX_TIME_RANGE",
                "begin_timestamp": 1000, "end_timestamp": 1000 + 86_400},
                "location_id_list": [1], "can_share": false, "can_give_friend": false},
            "advanced_info": {"text_image_list": [{"image_url": "http://mmbiz.qpic.cn/b/0", "text": "t"}],
                "share_friends": true},
            "reduce_cost": 100}}})
    }

    #[test]
    fn a_good_card_passes_and_each_rule_names_its_member() {
        assert_eq!(validate(&cash(), Mode::Create), Ok(()));
        let mut v = cash();
        v["card"]["cash"]["base_info"]["custom_url_sub_title"] = json!("6个汉字tips");
        assert_eq!(validate(&v, Mode::Create), Ok(()));
        v["card"]["cash"]["base_info"]["custom_url_sub_title"] = json!("6个汉字tipsxy");
        let r = validate(&v, Mode::Create).unwrap_err();
        assert_eq!(r.path, "card.cash.base_info.custom_url_sub_title");
        assert_eq!((r.errcode, r.rule), (47001, "max_chars"));
        let mut v = cash();
        v["card"]["cash"]["reduce_cost"] = json!(true);
        let r = validate(&v, Mode::Create).unwrap_err();
        assert!(
            r.errmsg()
                .starts_with("data format error at card.cash.reduce_cost"),
            "{r:?}"
        );
        let mut v = cash();
        v["card"]["cash"]["base_info"]["location_id_list"] = json!([]);
        assert_eq!(validate(&v, Mode::Create).unwrap_err().errcode, 41025);
        let mut v = cash();
        v["card"]["cash"]["base_info"]["date_info"]["end_timestamp"] = json!(1000 + 91 * 86_400);
        assert_eq!(validate(&v, Mode::Create).unwrap_err().errcode, 40079);
    }

    /// Every row of the required and text tables is enforced where it points.
    #[test]
    fn every_required_row_and_text_limit_is_enforced() {
        for row in members::REQUIRED {
            if row.path.contains("[]") || row.path.starts_with("gift_") {
                continue;
            }
            let mut v = cash();
            let pointer = format!("/card/cash/{}", row.path.replace('.', "/"));
            let (parent, key) = pointer.rsplit_once('/').unwrap();
            v.pointer_mut(parent)
                .and_then(Value::as_object_mut)
                .unwrap()
                .remove(key);
            let r = validate(&v, Mode::Create).unwrap_err();
            assert_eq!(r.path, format!("card.cash.{}", row.path), "{row:?}");
            assert_eq!(r.errcode, row.errcode, "{row:?}");
        }
        for row in text::TEXT_LIMITS {
            if row.path.starts_with("gift_") {
                continue;
            }
            let mut v = cash();
            let pointer = format!(
                "/card/cash/{}",
                row.path.replace("[]", "/0").replace('.', "/")
            );
            let (parent, key) = pointer.rsplit_once('/').unwrap();
            v.pointer_mut(parent)
                .and_then(Value::as_object_mut)
                .unwrap()
                .insert(key.to_owned(), json!("汉".repeat(row.max + 1)));
            let r = validate(&v, Mode::Create).unwrap_err();
            assert_eq!(r.rule, "max_chars", "{row:?}");
        }
    }
}
