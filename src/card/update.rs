//! What `card/update` may change, and the smallest body that changes it.
//!
//! The guide: send only the fields to update (sending brand_name and other fixed fields makes
//! the update fail); thresholds never change; some fields send the card back to review
//! (`send_check`).

use serde_json::{Map, Value};

use super::model::CreateBody;

/// `base_info` members that card/update accepts.
pub const UPDATABLE_BASE: &[&str] = &[
    "logo_url",
    "notice",
    "description",
    "service_phone",
    "color",
    "location_id_list",
    "center_title",
    "center_sub_title",
    "center_url",
    "custom_url_name",
    "custom_url",
    "custom_url_sub_title",
    "promotion_url_name",
    "promotion_url",
    "promotion_url_sub_title",
    "code_type",
    "get_limit",
    "can_share",
    "can_give_friend",
    "date_info",
];

/// `advanced_info` members that card/update accepts (not `use_condition`: thresholds are fixed).
pub const UPDATABLE_ADVANCED: &[&str] = &[
    "abstract",
    "text_image_list",
    "business_service",
    "time_limit",
    "consume_share_self_num",
    "consume_share_card_list",
];

/// The card/update body that turns `original` into `edited`: `{"card_id", "cash"|"gift":
/// {"base_info":{changed…}, "advanced_info":{changed…}}}`, with only the updatable members that
/// differ. `None` when nothing updatable changed.
pub fn update_body(card_id: &str, original: &CreateBody, edited: &CreateBody) -> Option<Value> {
    let key = edited.card.body_key();
    let part = |body: &CreateBody, section: &str| -> Map<String, Value> {
        serde_json::to_value(body)
            .ok()
            .and_then(|v| v.get("card")?.get(key)?.get(section)?.as_object().cloned())
            .unwrap_or_default()
    };
    let mut out = Map::new();
    for (section, allowed) in [
        ("base_info", UPDATABLE_BASE),
        ("advanced_info", UPDATABLE_ADVANCED),
    ] {
        let (before, after) = (part(original, section), part(edited, section));
        let mut changed = Map::new();
        for name in allowed.iter().copied() {
            match (before.get(name), after.get(name)) {
                (b, Some(a)) if b != Some(a) => {
                    changed.insert(name.to_owned(), a.clone());
                }
                // A cleared list is sent empty: omitting it would keep the old one.
                (Some(Value::Array(_)), None) => {
                    changed.insert(name.to_owned(), Value::Array(Vec::new()));
                }
                _ => {}
            }
        }
        if !changed.is_empty() {
            out.insert(section.to_owned(), Value::Object(changed));
        }
    }
    if out.is_empty() {
        return None;
    }
    let mut body = Map::new();
    body.insert("card_id".to_owned(), Value::String(card_id.to_owned()));
    body.insert(key.to_owned(), Value::Object(out));
    Some(Value::Object(body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(v: Value) -> CreateBody {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn sends_only_changed_updatable_fields() {
        let a = body(json!({"card":{"card_type":"CASH","cash":{
            "base_info":{"brand_name":"A","notice":"n1","color":"Color010","location_id_list":[1]},
            "advanced_info":{"use_condition":{"least_cost":100},"time_limit":[{"type":"MONDAY"}]},
            "reduce_cost":100}}}));
        let mut b = a.clone();
        b.card.base_info_mut().notice = Some("n2".into());
        b.card.base_info_mut().brand_name = Some("B".into());
        b.card.use_condition_mut().least_cost = None;
        b.card.advanced_info_mut().time_limit = None;
        let patch = update_body("pc", &a, &b).unwrap();
        assert_eq!(
            patch,
            json!({"card_id":"pc","cash":{
                "base_info":{"notice":"n2"},
                "advanced_info":{"time_limit":[]}}})
        );
        assert_eq!(update_body("pc", &a, &a), None);
    }
}
