//! `card/update`: only the members the guide's update section lists.
//!
//! - A member the guide does not list (brand_name, card_type, reduce_cost, gift_*, use_condition
//!   thresholds, …) fails the whole update with 47001 naming it, as the guide warns.
//! - `notice` may be 16 characters (12 at create).
//! - `date_info` may only widen the validity (begin not later, end not earlier), still at most
//!   90 days: 40079 otherwise.
//! - Store ids must be the account's (40180); the merged card must pass the spec's rules
//!   ([`super::spec`], update mode).
//! - `send_check` is true when a member users see on the card face changed ([`REVIEWED`]);
//!   the card then goes back to `CARD_STATUS_NOT_VERIFY` for `review_delay`.

use axum::body::Bytes;
use axum::extract::{Query as AxQuery, State as AxState};
use axum::response::Response;
use serde_json::{Value, json};

use super::auth::{Q, S};
use super::body;
use super::cards::{check_gift_back, check_images, check_locations, location_ids, refused};
use super::errors::{WxError, code};
use super::spec::{self, Mode};
use super::state::Review;

/// Members whose change sends the card back to review (`send_check: true`): what users see on
/// the card face. Links, stores, phone, hours, services, limits and dates do not.
pub const REVIEWED: &[&str] = &[
    "logo_url",
    "color",
    "notice",
    "description",
    "center_title",
    "center_sub_title",
    "custom_url_name",
    "custom_url_sub_title",
    "promotion_url_name",
    "promotion_url_sub_title",
    "abstract",
    "text_image_list",
];

fn fixed(path: &str) -> WxError {
    WxError::new(
        code::JSON_STRUCTURE,
        format!("can not update field {path}: only the fields of the guide's update section"),
    )
}

/// 40079 unless `new` only widens `old` (and keeps the fixed-range type).
fn check_dates(old: (i64, i64), new: &Value) -> Result<(), WxError> {
    let t = new.get("type").and_then(Value::as_str);
    if t.is_some_and(|t| t != spec::update::UPDATE_DATE_TYPE) {
        return Err(WxError::new(
            code::INVALID_TIME,
            "date_info.type: only DATE_TYPE_FIX_TIME_RANGE can be updated",
        ));
    }
    let get = |k: &str| new.get(k).and_then(body::int_value);
    let (begin, end) = (get("begin_timestamp"), get("end_timestamp"));
    if begin.is_some_and(|b| b > old.0) || end.is_some_and(|e| e < old.1) {
        return Err(WxError::new(
            code::INVALID_TIME,
            "date_info: the validity can only be widened (begin not later, end not earlier)",
        ));
    }
    Ok(())
}

/// `POST card/update {card_id, cash|gift: {base_info, advanced_info}}` → `{send_check}`.
pub async fn update(AxState(shared): S, AxQuery(q): Q, bytes: Bytes) -> Response {
    shared.call(&q, true, |st, _| {
        let patch = body::parse(&bytes)?;
        let (id, card) = st.known_card(&patch)?;
        let key = card.body_key();
        let other = if key == "cash" { "gift" } else { "cash" };
        if patch.get(other).is_some() {
            return Err(fixed(&format!("{other} (the card is {key})")));
        }
        let Some(part) = patch.get(key).and_then(Value::as_object) else {
            return Err(WxError::args(key));
        };
        let mut merged = card.card.clone();
        let mut send_check = false;
        for (section, value) in part {
            if !matches!(section.as_str(), "base_info" | "advanced_info") {
                return Err(fixed(&format!("{key}.{section}")));
            }
            let Some(fields) = value.as_object() else {
                return Err(WxError::args(section));
            };
            for (field, v) in fields {
                if !spec::update::updatable(section, field) {
                    return Err(fixed(&format!("{section}.{field}")));
                }
                if field == "date_info" {
                    check_dates(card.validity(), v)?;
                }
                if field == "location_id_list" {
                    check_locations(st, &location_ids(Some(v)))?;
                }
                // Only pictures this update brings: a card's own are checked at create.
                check_images(st, v)?;
                let slot = &mut merged[key][section.as_str()][field.as_str()];
                let new = if field == "date_info" {
                    // A partial date_info keeps the members it does not name.
                    let mut d = slot.clone();
                    if let (Some(d), Some(n)) = (d.as_object_mut(), v.as_object()) {
                        d.extend(n.clone());
                    }
                    if d.is_object() { d } else { v.clone() }
                } else {
                    v.clone()
                };
                if *slot != new {
                    send_check |= REVIEWED.contains(&field.as_str());
                    *slot = new;
                }
            }
        }
        spec::card::validate(&json!({ "card": merged }), Mode::Update).map_err(|r| refused(&r))?;
        check_gift_back(st, merged.get(key))?;
        let now = st.now();
        if let Some(c) = st.cards.get_mut(&id) {
            c.card = merged;
            c.updated_at = now;
            if send_check {
                c.review = Review::Auto;
                c.submitted_at = now;
            }
        }
        Ok(json!({"send_check": send_check}))
    })
}
