//! Redemption: `card/code/get`, `card/code/decrypt`, `card/code/mark`, `card/code/consume`.
//!
//! - code/get: unknown code (or of another card) → 40056 "invalid serial code". With
//!   `check_consume` true (the default) a code that is not NORMAL answers 40127 (the guide's
//!   example); with false it answers errcode 0, `can_consume: false` and the status. As
//!   captured answers do, it also carries `card.code`, `outer_str`, `unionid` and
//!   `background_pic_url`.
//! - mark: NORMAL codes only (else 40127); the same openid again is fine; another
//!   openid while marked → 40146; unmark needs the marking openid → 40416; marks lapse after
//!   300 s.
//! - consume: 40056 unknown, 40099 consumed, 40078 deleted/gifting, 40127 unavailable or gift
//!   timed out, 40079 expired or outside the validity; online (with openid) needs that openid's mark → 40003.
//!   A card with `consume_share_self_num` 1 gives the consumer a new code at once (stock
//!   permitting; source `gift_back`).

use axum::body::Bytes;
use axum::extract::{Query as AxQuery, State as AxState};
use axum::response::Response;
use serde_json::{Value, json};

use super::State;
use super::auth::{Q, S};
use super::body;
use super::codes::{CodeStatus, MARK_LIFE, UserCode};
use super::errors::{WxError, code};

/// The code of a body; 40056 when unknown, given away, or when `card_id` names another card.
fn find(st: &State, v: &Value) -> Result<UserCode, WxError> {
    let c = body::string(v, "code").unwrap_or_default();
    // A code given to a friend is unknown from then on ("被转赠领取的情况则统一报错").
    let found = st
        .codes
        .get(&c)
        .filter(|found| found.gifted_to.is_none())
        .ok_or_else(WxError::serial_code)?;
    match body::string(v, "card_id").filter(|s| !s.is_empty()) {
        Some(id) if id != found.card_id => Err(WxError::serial_code()),
        _ => Ok(found.clone()),
    }
}

/// `POST card/code/get {card_id?, code, check_consume}`.
pub async fn get(AxState(shared): S, AxQuery(q): Q, bytes: Bytes) -> Response {
    shared.call(&q, false, |st, _| {
        let v = body::parse(&bytes)?;
        let c = find(st, &v)?;
        let status = st.code_status(&c);
        if body::boolean(&v, "check_consume", true) {
            status.require_normal()?;
        }
        let (begin, end) = st
            .cards
            .get(&c.card_id)
            .map_or((0, 0), super::state::SimCard::validity);
        let now = st.now();
        let can = status == CodeStatus::Normal && (begin..=end).contains(&now);
        // Captured answers also carry card.code, outer_str, unionid and background_pic_url.
        let background = st
            .cards
            .get(&c.card_id)
            .and_then(|card| {
                let body = card.card.get(card.body_key())?;
                ["base_info", "advanced_info"]
                    .iter()
                    .find_map(|part| body.get(part)?.get("background_pic_url"))
                    .cloned()
            })
            .unwrap_or_else(|| json!(""));
        Ok(json!({
            "card": {"card_id": c.card_id, "begin_time": begin, "end_time": end, "code": c.code},
            "openid": c.openid,
            "outer_str": "",
            "unionid": "",
            "background_pic_url": background,
            "can_consume": can,
            "user_card_status": status.name(),
            "mark_openid": st.mark_of(&c).unwrap_or_default(),
            "use_count": st.use_count(&c.card_id, &c.openid),
        }))
    })
}

/// `POST card/code/decrypt {encrypt_code}`.
pub async fn decrypt(AxState(shared): S, AxQuery(q): Q, bytes: Bytes) -> Response {
    shared.call(&q, false, |st, _| {
        let v = body::parse(&bytes)?;
        let enc = body::string(&v, "encrypt_code").unwrap_or_default();
        // Bodies copied from a URL may carry the URL-encoded form.
        let decoded = url::form_urlencoded::parse(format!("x={enc}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        let code = st
            .decrypt_code(&enc)
            .or_else(|_| st.decrypt_code(&decoded))?;
        Ok(json!({"code": code}))
    })
}

/// `POST card/code/mark {code, card_id, openid, is_mark}`.
pub async fn mark(AxState(shared): S, AxQuery(q): Q, bytes: Bytes) -> Response {
    shared.call(&q, true, |st, _| {
        let v = body::parse(&bytes)?;
        let c = find(st, &v)?;
        let Some(openid) = body::string(&v, "openid").filter(|s| !s.is_empty()) else {
            return Err(WxError::new(
                code::NOT_MARKED,
                "invalid openid: openid missing",
            ));
        };
        st.code_status(&c).require_normal()?;
        let current = st.mark_of(&c);
        let now = st.now();
        let new_mark = if body::boolean(&v, "is_mark", true) {
            match current {
                Some(other) if other != openid => {
                    return Err(WxError::new(
                        code::MARKED_BY_OTHER,
                        "code has been marked by other user",
                    ));
                }
                _ => Some(super::codes::Mark {
                    openid,
                    expires: now + MARK_LIFE,
                }),
            }
        } else {
            if current.as_deref() != Some(openid.as_str()) {
                return Err(WxError::new(
                    code::UNMARK_OPENID,
                    "unmark openid differs from the marking openid",
                ));
            }
            None
        };
        if let Some(stored) = st.codes.get_mut(&c.code) {
            stored.mark = new_mark;
        }
        Ok(json!({}))
    })
}

/// `POST card/code/consume {code}` (offline) or `{code, openid}` (online).
pub async fn consume(AxState(shared): S, AxQuery(q): Q, bytes: Bytes) -> Response {
    shared.call(&q, true, |st, _| {
        let v = body::parse(&bytes)?;
        let c = find(st, &v)?;
        if let Some(err) = st.code_status(&c).consume_error() {
            return Err(err);
        }
        let card = st.cards.get(&c.card_id).ok_or_else(WxError::serial_code)?;
        let (begin, end) = card.validity();
        let now = st.now();
        if !(begin..=end).contains(&now) {
            return Err(WxError::new(
                code::INVALID_TIME,
                "invalid time: outside the validity",
            ));
        }
        let online = body::string(&v, "openid").filter(|s| !s.is_empty());
        if let Some(openid) = &online
            && st.mark_of(&c).as_deref() != Some(openid.as_str())
        {
            return Err(WxError::new(
                code::NOT_MARKED,
                "invalid openid: the code is not marked by this openid",
            ));
        }
        let consumer = online.unwrap_or_else(|| c.openid.clone());
        st.consume_code(&c.code, &consumer, now);
        Ok(json!({"card": {"card_id": c.card_id}, "openid": consumer}))
    })
}
