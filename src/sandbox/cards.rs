//! `card/create`, `card/get` and `card/batchget`.
//!
//! Create validates the raw body with the simulator's own specification ([`super::spec`], the
//! guide transcribed as tables, independent of the app's rules), answering with the errcode the
//! guide names for the first error (40079 dates, 41025 stores, 40141 images) and 47001
//! otherwise, its errmsg naming the JSON path, the rule and the limit. Every store id
//! must be one of getpoilist's (40180, the simulator's choice). A new card is in review
//! (`CARD_STATUS_NOT_VERIFY`) with stock 0, and approved `review_delay` later.

use axum::body::Bytes;
use axum::extract::{Query as AxQuery, State as AxState};
use axum::response::Response;
use serde_json::{Value, json};

use super::auth::{Q, S};
use super::body;
use super::errors::{WxError, code};
use super::spec::{self, Mode, Refusal};
use super::state::{Review, SimCard};
use super::{Shared, State};

/// A refusal of the spec as a WeChat answer.
pub fn refused(r: &Refusal) -> WxError {
    WxError::new(r.errcode, r.errmsg())
}

/// 40180 when a store id is not one of the account's.
pub fn check_locations(st: &State, ids: &[String]) -> Result<(), WxError> {
    let known = st.poi_ids();
    match ids.iter().find(|id| !known.contains(id)) {
        Some(bad) => Err(WxError::sim(code::LOCATION_UNKNOWN, bad)),
        None => Ok(()),
    }
}

/// 40148 when a gift-back card (`advanced_info.consume_share_card_list[].card_id` of the card
/// JSON `body`, i.e. the `cash`/`gift` object) is not one of this account's friends' coupons:
/// "目前仅支持填入一个共享券card_id,此处必须填入共享券".
pub fn check_gift_back(st: &State, body: Option<&Value>) -> Result<(), WxError> {
    let list = body
        .and_then(|b| {
            b.get("advanced_info")?
                .get("consume_share_card_list")?
                .as_array()
        })
        .cloned()
        .unwrap_or_default();
    for (i, item) in list.iter().enumerate() {
        let id = item
            .get("card_id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .trim();
        let friends = st
            .cards
            .get(id)
            .is_some_and(|c| c.advanced("share_friends").and_then(Value::as_bool) == Some(true));
        if !friends {
            return Err(WxError::new(
                code::FRIENDS_CARD_TYPE,
                format!(
                    "invalid friends card type: consume_share_card_list[{i}].card_id {id} is not a friends' coupon of this account"
                ),
            ));
        }
    }
    Ok(())
}

/// 40141 for a picture in the simulator's own folder of WeChat's image host that its upload
/// API never issued: "此处必须上传微信服务器返回的图片链接,否则报错" (guide line 188). Pictures
/// elsewhere on WeChat's hosts (the guide's examples) were issued to the account by WeChat
/// and pass; the host rule itself is the spec's.
pub fn check_images(st: &State, v: &Value) -> Result<(), WxError> {
    match v {
        Value::String(s) => {
            let Some((_, rest)) = s.split_once(super::media::ISSUED_PREFIX) else {
                return Ok(());
            };
            let hash = rest.split('/').next().unwrap_or_default();
            if st.issued_images.contains(hash) {
                Ok(())
            } else {
                Err(WxError::new(
                    crate::errcode::IMAGE_URL,
                    format!(
                        "invalid image url: {s} was not returned by this account's image upload (cgi-bin/media/uploadimg)"
                    ),
                ))
            }
        }
        Value::Array(items) => items.iter().try_for_each(|i| check_images(st, i)),
        Value::Object(members) => members.values().try_for_each(|m| check_images(st, m)),
        _ => Ok(()),
    }
}

/// The ids of a `location_id_list` value (numbers or strings).
pub fn location_ids(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .filter_map(|x| match x {
                    Value::String(s) => Some(s.trim().to_owned()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `POST card/create`.
pub async fn create(AxState(shared): S, AxQuery(q): Q, bytes: Bytes) -> Response {
    shared.call(&q, true, |st, _| {
        let parsed = body::parse(&bytes)?;
        spec::card::validate(&parsed, Mode::Create).map_err(|r| refused(&r))?;
        let card = parsed.get("card").cloned().unwrap_or_default();
        let key = if card.get("card_type").and_then(Value::as_str) == Some("GIFT") {
            "gift"
        } else {
            "cash"
        };
        let ids = location_ids(
            card.get(key)
                .and_then(|b| b.get("base_info")?.get("location_id_list")),
        );
        check_locations(st, &ids)?;
        check_gift_back(st, card.get(key))?;
        check_images(st, &card)?;
        let card_id = st.new_id("pSbx", 28);
        let now = st.now();
        let seq = st.seq;
        st.cards.insert(
            card_id.clone(),
            SimCard {
                card,
                submitted_at: now,
                review: Review::Auto,
                quantity: 0,
                total_quantity: 0,
                seq,
                created_at: now,
                updated_at: now,
                review_seen: super::status::NOT_VERIFY.to_owned(),
                refuse_reason: String::new(),
                sku_peak: 0,
                sku_reminded_at: None,
            },
        );
        Ok(json!({"card_id": card_id}))
    })
}

/// The card as card/get shows it, as the real API was seen to answer: the created body plus
/// id, status, sku, create_time and update_time, the colour as its hex value (`"#63b359"`,
/// not the `Color010` sent), `share_friends: false` when it was not set, and the extra
/// members of `../shared/reference/README.md` (source, url_name_type, use_custom_code,
/// bind_openid, area_code_list).
pub fn card_view(st: &State, shared: &Shared, id: &str, card: &SimCard) -> Value {
    let status = st.status_of(card, shared.review_delay());
    let mut out = card.card.clone();
    if let Some(advanced) = out
        .get_mut(card.body_key())
        .and_then(|b| b.get_mut("advanced_info"))
        .and_then(Value::as_object_mut)
    {
        advanced
            .entry("share_friends")
            .or_insert_with(|| json!(false));
    }
    if let Some(base) = out
        .get_mut(card.body_key())
        .and_then(|b| b.get_mut("base_info"))
        .and_then(Value::as_object_mut)
    {
        if let Some(hex) = base
            .get("color")
            .and_then(Value::as_str)
            .and_then(|name| super::media::COLORS.iter().find(|(n, _)| *n == name))
            .map(|(_, hex)| *hex)
        {
            base.insert("color".into(), json!(hex));
        }
        base.insert("id".into(), json!(id));
        base.insert("status".into(), json!(status));
        // Real answers carry these too.
        let created = if card.created_at > 0 {
            card.created_at
        } else {
            card.submitted_at
        };
        base.insert("create_time".into(), json!(created));
        base.insert("update_time".into(), json!(card.updated_at.max(created)));
        base.insert(
            "sku".into(),
            json!({"quantity": card.quantity, "total_quantity": card.total_quantity}),
        );
        // Members the guide never names but captured answers carry, with the values a card
        // made through the API shows; unset lists come as empty arrays.
        for (member, value) in [
            ("source", json!("api")),
            ("url_name_type", json!("URL_NAME_TYPE_USE_IMMEDIATELY")),
            ("use_custom_code", json!(false)),
            ("bind_openid", json!(false)),
            ("area_code_list", json!([])),
        ] {
            base.entry(member).or_insert(value);
        }
    }
    out
}

/// `POST card/get {card_id}`.
pub async fn get_card(AxState(shared): S, AxQuery(q): Q, bytes: Bytes) -> Response {
    shared.call(&q, false, |st, shared| {
        let v = body::parse(&bytes)?;
        let (id, card) = st.known_card(&v)?;
        Ok(json!({"card": card_view(st, shared, &id, card)}))
    })
}

/// `POST card/batchget {offset, count, status_list?}`: newest first, at most 50 a page.
pub async fn batch_get(AxState(shared): S, AxQuery(q): Q, bytes: Bytes) -> Response {
    shared.call(&q, false, |st, shared| {
        let v = body::parse(&bytes)?;
        let offset = usize::try_from(body::int(&v, "offset")?.unwrap_or(0)).unwrap_or(0);
        let count = usize::try_from(body::int(&v, "count")?.unwrap_or(50))
            .unwrap_or(50)
            .min(50);
        let wanted: Option<Vec<String>> = v.get("status_list").and_then(Value::as_array).map(|l| {
            l.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        });
        let delay = shared.review_delay();
        let mut cards: Vec<(&String, &SimCard)> = st.cards.iter().collect();
        cards.sort_by_key(|(_, c)| std::cmp::Reverse(c.seq));
        let ids: Vec<String> = cards
            .into_iter()
            .filter(|(_, c)| {
                wanted
                    .as_ref()
                    .is_none_or(|w| w.iter().any(|s| s == st.status_of(c, delay)))
            })
            .map(|(id, _)| id.clone())
            .collect();
        let total = ids.len();
        let page: Vec<String> = ids.into_iter().skip(offset).take(count).collect();
        // Real answers also carry an empty `card_list`.
        Ok(json!({"card_id_list": page, "total_num": total, "card_list": []}))
    })
}
