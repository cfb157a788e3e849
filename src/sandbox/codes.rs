//! Placement and redemption: qrcode/create, testwhitelist/set, getticket, code/get, decrypt,
//! mark, consume; plus the users that the admin API simulates (scan, share).

use std::collections::BTreeMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State as AxState};
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::state::State;
use super::wechat::{Q, S, authorize};
use super::{wx_error, wx_ok};

/// A mark lasts this long (the guide: 5 minutes).
pub const MARK_LIFE: i64 = 300;
/// Tickets (jsapi, wx_card) live this long.
pub const TICKET_LIFE: i64 = 7200;

/// A placement QR code.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct QrInfo {
    /// The card.
    pub card_id: String,
    /// The channel (outer_id).
    pub outer_id: i64,
    /// Only this openid may receive, when set.
    pub openid: Option<String>,
    /// One scan only.
    pub unique: bool,
    /// Expiry, `None` for permanent.
    pub expires: Option<i64>,
    /// The QR content URL.
    pub url: String,
    /// Scanned (for unique codes).
    pub used: bool,
}

/// A received code.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CodeInfo {
    /// The card.
    pub card_id: String,
    /// The owner.
    pub openid: String,
    /// NORMAL, CONSUMED, EXPIRE, GIFTING, GIFT_TIMEOUT, DELETE, UNAVAILABLE.
    pub status: String,
    /// The current mark: openid and expiry.
    pub mark: Option<(String, i64)>,
    /// Times the owner used this card.
    pub use_count: i64,
    /// The channel it came from.
    pub outer_id: i64,
}

/// A user event, for the statistics.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct UserEvent {
    /// view, receive, verify, given, expire.
    pub kind: String,
    /// The card.
    pub card_id: String,
    /// Who.
    pub openid: String,
    /// The channel.
    pub outer_id: i64,
    /// When (simulated).
    pub at: i64,
}

/// The placement and redemption part of the state.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Codes {
    /// QR codes by ticket.
    pub qrcodes: BTreeMap<String, QrInfo>,
    /// Test whitelist: openids and usernames.
    pub whitelist: (Vec<String>, Vec<String>),
    /// Tickets by type: (ticket, expiry).
    pub tickets: BTreeMap<String, (String, i64)>,
    /// Codes.
    pub codes: BTreeMap<String, CodeInfo>,
    /// Events.
    pub events: Vec<UserEvent>,
}

fn body_json(body: &Bytes) -> Value {
    serde_json::from_slice(body).unwrap_or(Value::Null)
}

fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Validity of a card from its date_info.
fn validity(st: &State, card_id: &str) -> (i64, i64) {
    let Some(card) = st.cards.get(card_id) else {
        return (0, 0);
    };
    let key = if card.card.get("gift").is_some() {
        "gift"
    } else {
        "cash"
    };
    let d = &card.card[key]["base_info"]["date_info"];
    let n = |k: &str| match &d[k] {
        Value::Number(n) => n.as_i64().unwrap_or(0),
        Value::String(s) => s.parse().unwrap_or(0),
        _ => 0,
    };
    (n("begin_timestamp"), n("end_timestamp"))
}

fn approved(st: &State, card_id: &str, delay: i64) -> bool {
    st.cards
        .get(card_id)
        .is_some_and(|c| st.status_of(c, delay) == "CARD_STATUS_VERIFY_OK")
}

/// The current status of a code, with expiry applied.
fn status_now(st: &State, code: &CodeInfo) -> String {
    let (_, end) = validity(st, &code.card_id);
    if code.status == "NORMAL" && end > 0 && st.now() > end {
        "EXPIRE".into()
    } else {
        code.status.clone()
    }
}

pub(crate) async fn qrcode_create(AxState(shared): S, Query(q): Q, body: Bytes) -> Json<Value> {
    let mut st = shared.lock();
    if let Err(e) = authorize(&shared, &mut st, "/card/qrcode/create", &q) {
        return e;
    }
    let v = body_json(&body);
    if v.get("action_name").and_then(Value::as_str) != Some("QR_CARD") {
        return wx_error(40053, "action_name must be QR_CARD");
    }
    let card = &v["action_info"]["card"];
    let Some(card_id) = text(card.get("card_id")).filter(|id| st.cards.contains_key(id)) else {
        return wx_error(40053, "invalid card_id");
    };
    let expire = match v.get("expire_seconds") {
        None | Some(Value::Null) => None,
        Some(e) => match e
            .as_i64()
            .or_else(|| e.as_str().and_then(|s| s.parse().ok()))
        {
            Some(s) if (60..=1800).contains(&s) => Some(s),
            _ => return wx_error(40053, "expire_seconds must be 60-1800"),
        },
    };
    let unique = card
        .get("is_unique_code")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if unique {
        let delay = shared.review_delay();
        let stock = st.cards.get(&card_id).map_or(0, |c| c.quantity);
        if !approved(&st, &card_id, delay) || stock <= 0 {
            return wx_error(40053, "is_unique_code needs an approved card with stock");
        }
    }
    let outer_id = card.get("outer_id").and_then(Value::as_i64).unwrap_or(0);
    let ticket = st.new_id("gQSbx", 72);
    let url = format!("http://weixin.qq.com/q/{}", st.new_id("", 22));
    let now = st.now();
    st.codes.qrcodes.insert(
        ticket.clone(),
        QrInfo {
            card_id,
            outer_id,
            openid: text(card.get("openid")).filter(|s| !s.is_empty()),
            unique,
            expires: expire.map(|e| now + e),
            url: url.clone(),
            used: false,
        },
    );
    shared.persist(&st);
    let mut out = json!({
        "ticket": ticket,
        "url": url,
        "show_qrcode_url": format!("https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket={ticket}"),
    });
    if let Some(e) = expire {
        out["expire_seconds"] = json!(e);
    }
    wx_ok(out)
}

pub(crate) async fn whitelist(AxState(shared): S, Query(q): Q, body: Bytes) -> Json<Value> {
    let mut st = shared.lock();
    if let Err(e) = authorize(&shared, &mut st, "/card/testwhitelist/set", &q) {
        return e;
    }
    let v = body_json(&body);
    let list = |k: &str| -> Vec<String> {
        v.get(k)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|x| text(Some(x))).collect())
            .unwrap_or_default()
    };
    let (openids, usernames) = (list("openid"), list("username"));
    if openids.is_empty() && usernames.is_empty() {
        return wx_error(40053, "openid or username required");
    }
    if openids.len() + usernames.len() > 10 {
        return wx_error(45021, "at most 10 whitelist entries");
    }
    st.codes.whitelist = (openids, usernames);
    shared.persist(&st);
    wx_ok(json!({}))
}

pub(crate) async fn ticket(AxState(shared): S, Query(q): Q) -> Json<Value> {
    let mut st = shared.lock();
    if let Err(e) = authorize(&shared, &mut st, "/cgi-bin/ticket/getticket", &q) {
        return e;
    }
    let kind = q.get("type").cloned().unwrap_or_default();
    if kind != "jsapi" && kind != "wx_card" {
        return wx_error(40053, "type must be jsapi or wx_card");
    }
    let now = st.now();
    let current = st
        .codes
        .tickets
        .get(&kind)
        .filter(|(_, exp)| *exp > now)
        .cloned();
    let (t, exp) = match current {
        Some(pair) => pair,
        None => {
            let t = st.new_id("", 86);
            st.codes
                .tickets
                .insert(kind, (t.clone(), now + TICKET_LIFE));
            (t, now + TICKET_LIFE)
        }
    };
    shared.persist(&st);
    wx_ok(json!({"ticket": t, "expires_in": exp - now}))
}

pub(crate) async fn code_get(AxState(shared): S, Query(q): Q, body: Bytes) -> Json<Value> {
    let mut st = shared.lock();
    if let Err(e) = authorize(&shared, &mut st, "/card/code/get", &q) {
        return e;
    }
    let v = body_json(&body);
    let code = text(v.get("code")).unwrap_or_default();
    let check = v
        .get("check_consume")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let Some(info) = st.codes.codes.get(&code).cloned() else {
        return wx_error(40056, "invalid serial code");
    };
    if text(v.get("card_id")).is_some_and(|id| id != info.card_id) {
        return wx_error(40056, "invalid serial code");
    }
    let status = status_now(&st, &info);
    let normal = status == "NORMAL";
    if check && !normal {
        return wx_error(40127, format!("invalid user-card status: {status}"));
    }
    let (begin, end) = validity(&st, &info.card_id);
    let now = st.now();
    let mark = info
        .mark
        .as_ref()
        .filter(|(_, until)| *until > now)
        .map(|(o, _)| o.clone())
        .unwrap_or_default();
    wx_ok(json!({
        "card": {"card_id": info.card_id, "begin_time": begin, "end_time": end},
        "openid": info.openid,
        "can_consume": normal,
        "user_card_status": status,
        "mark_openid": mark,
        "use_count": info.use_count,
    }))
}

const KEY: u8 = 0x5a;

/// The reversible encoding of a code (what WeChat puts in URLs as encrypt_code).
pub fn encrypt(code: &str) -> String {
    let bytes: Vec<u8> = format!("SBX:{code}").bytes().map(|b| b ^ KEY).collect();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn decrypt_text(enc: &str) -> Option<String> {
    let raw = base64::engine::general_purpose::STANDARD
        .decode(enc.trim())
        .ok()?;
    let plain = String::from_utf8(raw.into_iter().map(|b| b ^ KEY).collect()).ok()?;
    plain.strip_prefix("SBX:").map(str::to_owned)
}

pub(crate) async fn decrypt(AxState(shared): S, Query(q): Q, body: Bytes) -> Json<Value> {
    let mut st = shared.lock();
    if let Err(e) = authorize(&shared, &mut st, "/card/code/decrypt", &q) {
        return e;
    }
    match text(body_json(&body).get("encrypt_code")).and_then(|e| decrypt_text(&e)) {
        Some(code) => wx_ok(json!({"code": code})),
        None => wx_error(40075, "invalid encrypt code"),
    }
}

pub(crate) async fn mark(AxState(shared): S, Query(q): Q, body: Bytes) -> Json<Value> {
    let mut st = shared.lock();
    if let Err(e) = authorize(&shared, &mut st, "/card/code/mark", &q) {
        return e;
    }
    let v = body_json(&body);
    let code = text(v.get("code")).unwrap_or_default();
    let openid = text(v.get("openid")).unwrap_or_default();
    let is_mark = v.get("is_mark").and_then(Value::as_bool).unwrap_or(true);
    let now = st.now();
    let Some(info) = st.codes.codes.get(&code).cloned() else {
        return wx_error(40056, "invalid serial code");
    };
    if status_now(&st, &info) != "NORMAL" {
        return wx_error(40127, "code is not in normal state");
    }
    let holder = info
        .mark
        .clone()
        .filter(|(_, until)| *until > now)
        .map(|(o, _)| o);
    let entry = st.codes.codes.get_mut(&code);
    let Some(entry) = entry else {
        return wx_error(40056, "invalid serial code");
    };
    if is_mark {
        if holder.as_ref().is_some_and(|h| *h != openid) {
            return wx_error(40146, "code marked by another openid");
        }
        entry.mark = Some((openid, now + MARK_LIFE));
    } else {
        if holder.as_ref().is_some_and(|h| *h != openid) {
            return wx_error(40416, "unmark openid differs from mark openid");
        }
        entry.mark = None;
    }
    shared.persist(&st);
    wx_ok(json!({}))
}

pub(crate) async fn consume(AxState(shared): S, Query(q): Q, body: Bytes) -> Json<Value> {
    let mut st = shared.lock();
    if let Err(e) = authorize(&shared, &mut st, "/card/code/consume", &q) {
        return e;
    }
    let v = body_json(&body);
    let code = text(v.get("code")).unwrap_or_default();
    let online = text(v.get("openid"));
    let now = st.now();
    let Some(info) = st.codes.codes.get(&code).cloned() else {
        return wx_error(40056, "invalid serial code");
    };
    let (begin, _) = validity(&st, &info.card_id);
    match status_now(&st, &info).as_str() {
        "NORMAL" => {}
        "CONSUMED" => return wx_error(40099, "code has been consumed"),
        "DELETE" | "GIFTING" => return wx_error(40078, "code deleted or gifting"),
        "EXPIRE" => return wx_error(40079, "invalid time"),
        _ => return wx_error(40127, "invalid user-card status"),
    }
    if now < begin {
        return wx_error(40079, "invalid time");
    }
    if let Some(openid) = &online {
        let marked = info
            .mark
            .as_ref()
            .is_some_and(|(o, until)| o == openid && *until > now);
        if !marked {
            return wx_error(
                40003,
                "invalid openid: the code is not marked by this openid",
            );
        }
    }
    let consumer = online.clone().unwrap_or_else(|| info.openid.clone());
    if let Some(c) = st.codes.codes.get_mut(&code) {
        c.status = "CONSUMED".into();
        c.use_count += 1;
        c.mark = None;
    }
    st.codes.events.push(UserEvent {
        kind: "verify".into(),
        card_id: info.card_id.clone(),
        openid: consumer.clone(),
        outer_id: info.outer_id,
        at: now,
    });
    // Gift-back: one more of this card to the user who used it, stock permitting.
    let gives = st.cards.get(&info.card_id).is_some_and(|c| {
        let key = if c.card.get("gift").is_some() {
            "gift"
        } else {
            "cash"
        };
        let n = &c.card[key]["advanced_info"]["consume_share_self_num"];
        (n.as_i64() == Some(1) || n.as_str() == Some("1")) && c.quantity > 0
    });
    if gives {
        receive(&mut st, &info.card_id, &consumer, info.outer_id);
    }
    shared.persist(&st);
    wx_ok(json!({"card": {"card_id": info.card_id}, "openid": consumer}))
}

/// A user receives a code: stock − 1, view and receive events. Returns the code.
pub(crate) fn receive(
    st: &mut State,
    card_id: &str,
    openid: &str,
    outer_id: i64,
) -> Option<String> {
    let card = st.cards.get_mut(card_id)?;
    if card.quantity <= 0 {
        return None;
    }
    card.quantity -= 1;
    st.seq += 1;
    let code = format!(
        "{:012}",
        100_000_000_000u64 + st.seq * 7919 % 899_999_999_999
    );
    let now = st.now();
    st.codes.codes.insert(
        code.clone(),
        CodeInfo {
            card_id: card_id.to_owned(),
            openid: openid.to_owned(),
            status: "NORMAL".into(),
            mark: None,
            use_count: 0,
            outer_id,
        },
    );
    for kind in ["view", "receive"] {
        st.codes.events.push(UserEvent {
            kind: kind.into(),
            card_id: card_id.to_owned(),
            openid: openid.to_owned(),
            outer_id,
            at: now,
        });
    }
    Some(code)
}

/// Admin: a user scans a placement QR (by ticket or url) or receives a card directly.
pub(crate) async fn admin_scan(AxState(shared): S, body: Bytes) -> Json<Value> {
    let v = body_json(&body);
    let mut st = shared.lock();
    let delay = shared.review_delay();
    let now = st.now();
    let by_ticket =
        text(v.get("ticket")).and_then(|t| st.codes.qrcodes.get(&t).cloned().map(|q| (t, q)));
    let by_url = text(v.get("url")).and_then(|u| {
        st.codes
            .qrcodes
            .iter()
            .find(|(_, q)| q.url == u)
            .map(|(t, q)| (t.clone(), q.clone()))
    });
    let qr = by_ticket.or(by_url);
    let (card_id, outer_id) = match (&qr, text(v.get("card_id"))) {
        (Some((_, q)), _) => (
            q.card_id.clone(),
            v.get("outer_id")
                .and_then(Value::as_i64)
                .unwrap_or(q.outer_id),
        ),
        (None, Some(id)) => (id, v.get("outer_id").and_then(Value::as_i64).unwrap_or(0)),
        (None, None) => {
            return Json(json!({"ok": false, "error": "ticket, url or card_id required"}));
        }
    };
    let openid = text(v.get("openid")).unwrap_or_else(|| st.new_id("oSbx", 28));
    if let Some((_, q)) = &qr {
        if q.expires.is_some_and(|e| now > e) {
            return Json(json!({"ok": false, "error": "QR code expired"}));
        }
        if q.unique && q.used {
            return Json(json!({"ok": false, "error": "unique QR code already scanned"}));
        }
        if q.openid.as_ref().is_some_and(|o| *o != openid) {
            return Json(json!({"ok": false, "error": "this QR code is for another openid"}));
        }
    }
    let whitelisted = st.codes.whitelist.0.contains(&openid)
        || text(v.get("username")).is_some_and(|u| st.codes.whitelist.1.contains(&u));
    if !approved(&st, &card_id, delay) && !whitelisted {
        return Json(json!({"ok": false, "error": "card not approved and user not whitelisted"}));
    }
    let Some(code) = receive(&mut st, &card_id, &openid, outer_id) else {
        return Json(json!({"ok": false, "error": "no stock"}));
    };
    if let Some((t, _)) = &qr
        && let Some(q) = st.codes.qrcodes.get_mut(t)
    {
        q.used = true;
    }
    shared.persist(&st);
    Json(
        json!({"ok": true, "code": code, "openid": openid, "card_id": card_id, "outer_id": outer_id, "encrypt_code": encrypt(&code)}),
    )
}

/// Admin: the owner shares with friends: each friend views it; one given event per share.
pub(crate) async fn admin_share(AxState(shared): S, body: Bytes) -> Json<Value> {
    let v = body_json(&body);
    let mut st = shared.lock();
    let Some(info) = text(v.get("code")).and_then(|c| st.codes.codes.get(&c).cloned()) else {
        return Json(json!({"ok": false, "error": "unknown code"}));
    };
    let friends = v
        .get("friends")
        .and_then(Value::as_u64)
        .unwrap_or(1)
        .min(1000);
    let now = st.now();
    for i in 0..friends {
        let friend = format!(
            "oFriend{:04}{}",
            i,
            &info.openid.chars().take(6).collect::<String>()
        );
        st.codes.events.push(UserEvent {
            kind: "view".into(),
            card_id: info.card_id.clone(),
            openid: friend,
            outer_id: info.outer_id,
            at: now,
        });
    }
    st.codes.events.push(UserEvent {
        kind: "given".into(),
        card_id: info.card_id.clone(),
        openid: info.openid.clone(),
        outer_id: info.outer_id,
        at: now,
    });
    shared.persist(&st);
    Json(json!({"ok": true, "views": friends}))
}

/// Admin: force a code's status (to test every path).
pub(crate) async fn admin_status(AxState(shared): S, body: Bytes) -> Json<Value> {
    let v = body_json(&body);
    let status = text(v.get("status")).unwrap_or_default();
    const ALLOWED: [&str; 7] = [
        "NORMAL",
        "CONSUMED",
        "EXPIRE",
        "GIFTING",
        "GIFT_TIMEOUT",
        "DELETE",
        "UNAVAILABLE",
    ];
    if !ALLOWED.contains(&status.as_str()) {
        return Json(json!({"ok": false, "error": "unknown status"}));
    }
    let mut st = shared.lock();
    let Some(c) = text(v.get("code")).and_then(|c| st.codes.codes.get_mut(&c)) else {
        return Json(json!({"ok": false, "error": "unknown code"}));
    };
    c.status = status;
    shared.persist(&st);
    Json(json!({"ok": true}))
}

/// Admin: the encrypt_code of a code.
pub(crate) async fn admin_encrypt(body: Bytes) -> Json<Value> {
    let code = text(body_json(&body).get("code")).unwrap_or_default();
    Json(json!({"ok": true, "encrypt_code": encrypt(&code)}))
}
