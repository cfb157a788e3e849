//! card/create, card/get, card/batchget and card/update.
//!
//! Create validates with the app's own rules engine, answering with the errcode the guide names
//! for the first error (40079 dates, 41025 stores, 40141 images) and 47001 otherwise, its
//! errmsg naming the field and the rule.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State as AxState};
use serde_json::{Value, json};

use super::state::{Review, SimCard};
use super::wechat::{Q, S, authorize};
use super::{wx_error, wx_ok};
use crate::card::import::{ImportError, parse_create_body};
use crate::card::rules::{self, Context, Mode, Severity};
use crate::card::update::{UPDATABLE_ADVANCED, UPDATABLE_BASE};

/// Fields whose change sends the card back to review (`send_check: true`): what users see on
/// the card face. Links, stores, phone, hours and services do not.
const REVIEWED: &[&str] = &[
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

/// `notice` may be 16 characters at update (12 at create).
const NOTICE_MAX_AT_UPDATE: usize = 16;

fn first_error(findings: &[rules::Finding]) -> Option<Json<Value>> {
    let f = findings.iter().find(|f| f.severity == Severity::Error)?;
    let code = f.errcode.unwrap_or(rules::ERRCODE_JSON_STRUCTURE);
    Some(wx_error(
        code,
        format!("{}: {} ({})", f.field, f.message_en, f.rule),
    ))
}

pub(crate) async fn create(AxState(shared): S, Query(q): Q, body: Bytes) -> Json<Value> {
    let mut st = shared.lock();
    if let Err(e) = authorize(&shared, &mut st, "/card/create", &q) {
        return e;
    }
    let text = String::from_utf8_lossy(&body);
    let parsed = match parse_create_body(&text) {
        Ok(b) => b,
        Err(ImportError::Syntax { line, column, .. }) => {
            return wx_error(
                47001,
                format!("data format error: line {line} column {column}"),
            );
        }
        Err(ImportError::Structure { path, message }) => {
            return wx_error(47001, format!("data format error at {path}: {message}"));
        }
    };
    let findings = rules::validate(
        &parsed,
        &Context {
            now: st.now(),
            mode: Mode::Create,
        },
    );
    if let Some(err) = first_error(&findings) {
        return err;
    }
    // Every store must be one of the account's (the real API checks poi ownership).
    let known: Vec<String> = st
        .pois
        .iter()
        .filter_map(|p| p.get("base_info")?.get("poi_id").map(text_of))
        .collect();
    let ids = parsed
        .card
        .base_info()
        .and_then(|b| b.location_id_list.clone())
        .unwrap_or_default();
    if let Some(bad) = ids.iter().find(|id| !known.contains(&id.display())) {
        return wx_error(41025, format!("invalid location id {}", bad.display()));
    }
    let card_id = st.new_id("pSbx", 28);
    let now = st.now();
    let seq = st.seq;
    let card = serde_json::to_value(&parsed.card).unwrap_or(Value::Null);
    st.cards.insert(
        card_id.clone(),
        SimCard {
            card,
            submitted_at: now,
            review: Review::Auto,
            quantity: 0,
            total_quantity: 0,
            seq,
        },
    );
    shared.persist(&st);
    wx_ok(json!({"card_id": card_id}))
}

fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn card_id_of(body: &Bytes) -> Option<String> {
    serde_json::from_slice::<Value>(body)
        .ok()?
        .get("card_id")?
        .as_str()
        .map(str::to_owned)
}

pub(crate) async fn get_card(AxState(shared): S, Query(q): Q, body: Bytes) -> Json<Value> {
    let mut st = shared.lock();
    if let Err(e) = authorize(&shared, &mut st, "/card/get", &q) {
        return e;
    }
    let Some(id) = card_id_of(&body) else {
        return wx_error(40053, "invalid card_id");
    };
    let Some(card) = st.cards.get(&id) else {
        return wx_error(40053, "invalid card_id");
    };
    let status = st.status_of(card, shared.review_delay());
    let mut out = card.card.clone();
    let key = if out.get("gift").is_some() {
        "gift"
    } else {
        "cash"
    };
    if let Some(base) = out
        .get_mut(key)
        .and_then(|b| b.get_mut("base_info"))
        .and_then(Value::as_object_mut)
    {
        base.insert("id".into(), json!(id));
        base.insert("status".into(), json!(status));
        base.insert(
            "sku".into(),
            json!({"quantity": card.quantity, "total_quantity": card.total_quantity}),
        );
    }
    wx_ok(json!({"card": out}))
}

pub(crate) async fn batch_get(AxState(shared): S, Query(q): Q, body: Bytes) -> Json<Value> {
    let mut st = shared.lock();
    if let Err(e) = authorize(&shared, &mut st, "/card/batchget", &q) {
        return e;
    }
    let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let offset = usize::try_from(v.get("offset").and_then(Value::as_u64).unwrap_or(0)).unwrap_or(0);
    let count = usize::try_from(v.get("count").and_then(Value::as_u64).unwrap_or(50))
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
    wx_ok(json!({"card_id_list": page, "total_num": total}))
}

pub(crate) async fn update(AxState(shared): S, Query(q): Q, body: Bytes) -> Json<Value> {
    let mut st = shared.lock();
    if let Err(e) = authorize(&shared, &mut st, "/card/update", &q) {
        return e;
    }
    let Ok(patch) = serde_json::from_slice::<Value>(&body) else {
        return wx_error(47001, "data format error");
    };
    let Some(id) = patch
        .get("card_id")
        .and_then(Value::as_str)
        .map(str::to_owned)
    else {
        return wx_error(40053, "invalid card_id");
    };
    let Some(card) = st.cards.get(&id).cloned() else {
        return wx_error(40053, "invalid card_id");
    };
    let key = if card.card.get("gift").is_some() {
        "gift"
    } else {
        "cash"
    };
    let Some(part) = patch.get(key).and_then(Value::as_object) else {
        return wx_error(40053, format!("update body needs \"{key}\""));
    };
    let mut merged = card.card.clone();
    let mut send_check = false;
    for (name, value) in part {
        let allowed = match name.as_str() {
            "base_info" => UPDATABLE_BASE,
            "advanced_info" => UPDATABLE_ADVANCED,
            other => return wx_error(47001, format!("can not update field {other}")),
        };
        let Some(fields) = value.as_object() else {
            return wx_error(47001, format!("{name} must be an object"));
        };
        for (field, v) in fields {
            if !allowed.contains(&field.as_str()) {
                return wx_error(47001, format!("can not update field {name}.{field}"));
            }
            let slot = &mut merged[key][name.as_str()][field.as_str()];
            if *slot != *v {
                send_check |= REVIEWED.contains(&field.as_str());
                *slot = v.clone();
            }
        }
    }
    let body = json!({"card": merged});
    let parsed = match serde_json::from_value(body) {
        Ok(b) => b,
        Err(e) => return wx_error(47001, format!("data format error: {e}")),
    };
    let findings: Vec<_> = rules::validate(
        &parsed,
        &Context {
            now: st.now(),
            mode: Mode::Create,
        },
    )
    .into_iter()
    .filter(|f| {
        // At update the notice may be 16 characters, and the start date may lie in the past.
        let notice_ok = f.field.ends_with("base_info.notice")
            && f.rule == "max_chars"
            && parsed
                .card
                .base_info()
                .and_then(|b| b.notice.as_deref())
                .is_some_and(|n| rules::char_count(n) <= NOTICE_MAX_AT_UPDATE);
        !notice_ok
    })
    .collect();
    if let Some(err) = first_error(&findings) {
        return err;
    }
    let now = st.now();
    if let Some(c) = st.cards.get_mut(&id) {
        c.card = merged;
        if send_check {
            c.review = Review::Auto;
            c.submitted_at = now;
        }
    }
    shared.persist(&st);
    wx_ok(json!({"send_check": send_check}))
}
