//! The admin API under `/sandbox/…` (not WeChat's, no token, JSON in and out): what time,
//! reviewers, payers and users would do, fault injection, and inspection. Success is
//! `{"ok":true,…}`; a refused request is HTTP 400 `{"ok":false,"error":"…"}`. A call that
//! acts on one merchant acts on the one it names (`actor.rs`), else the default merchant.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query as AxQuery, State as AxState};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::actor::{Merchant, admin, admin_world};
use super::auth::S;
use super::codes::CodeStatus;
use super::notice::Notice;
use super::push_target::{PushConfig, PushTarget};
use super::users::Scan;
use super::{State, activity, body, faults};

fn input(bytes: &Bytes) -> Result<Value, String> {
    body::parse(bytes).map_err(|e| e.errmsg)
}

fn text(v: &Value, key: &str) -> Option<String> {
    body::string(v, key).filter(|s| !s.is_empty())
}

/// `GET /sandbox/health` and `GET /sandbox/clock`.
pub async fn health(AxState(shared): S) -> Response {
    admin_world(&shared, false, |w, _| Ok(json!({"now": w.now()})))
}

/// `POST /sandbox/clock/advance {"seconds":N}`.
pub async fn advance(AxState(shared): S, bytes: Bytes) -> Response {
    admin_world(&shared, true, |w, _| {
        let v = input(&bytes)?;
        let secs = body::int(&v, "seconds")
            .ok()
            .flatten()
            .filter(|s| *s >= 0)
            .ok_or("seconds must be a non-negative integer")?;
        w.advance(secs);
        Ok(json!({"now": w.now()}))
    })
}

/// `POST /sandbox/card/review {"card_id","approve":bool,"reason"?}`: `reason` is the
/// RefuseReason pushed with a rejection.
pub async fn review(AxState(shared): S, who: Merchant, bytes: Bytes) -> Response {
    admin(&shared, &who, true, |st, _| {
        let v = input(&bytes)?;
        let id = text(&v, "card_id").ok_or("card_id is required")?;
        let approve = v
            .get("approve")
            .and_then(Value::as_bool)
            .ok_or("approve must be true or false")?;
        let card = st.cards.get_mut(&id).ok_or("unknown card_id")?;
        card.review = if approve {
            super::Review::Approved
        } else {
            super::Review::Rejected
        };
        card.refuse_reason = if approve {
            String::new()
        } else {
            text(&v, "reason").unwrap_or_default()
        };
        Ok(json!({"card_id": id}))
    })
}

/// `POST /sandbox/card/delete {"card_id"}`: the merchant deletes the card in the back office
/// (the guide has no delete call); it stays listed as CARD_STATUS_DELETE.
pub async fn delete_card(AxState(shared): S, who: Merchant, bytes: Bytes) -> Response {
    admin(&shared, &who, true, |st, _| {
        let v = input(&bytes)?;
        let id = text(&v, "card_id").ok_or("card_id is required")?;
        let card = st.cards.get_mut(&id).ok_or("unknown card_id")?;
        card.review = super::Review::Deleted;
        Ok(json!({"card_id": id}))
    })
}

/// `POST /sandbox/recharge/pay {"order_id","fail"?,"openid"?}`.
pub async fn pay(AxState(shared): S, who: Merchant, bytes: Bytes) -> Response {
    admin(&shared, &who, true, |st, _| {
        let v = input(&bytes)?;
        let id = text(&v, "order_id").ok_or("order_id is required")?;
        let fail = body::boolean(&v, "fail", false);
        let payer = text(&v, "openid").unwrap_or_else(|| st.new_openid());
        let now = st.now();
        let w = &mut st.wallet;
        let order = w
            .orders
            .iter_mut()
            .find(|o| o.order_id == id && o.order_type == "ORDER_TYPE_WXPAY")
            .ok_or("no such recharge order")?;
        if order.status != "ORDER_STATUS_WAITING" {
            return Err(format!("the order is {}, not waiting", order.status));
        }
        order.openid = payer;
        if fail {
            order.status = "ORDER_STATUS_ROLLBACK".into();
            return Ok(json!({"order_id": id}));
        }
        order.status = "ORDER_STATUS_FINANCE_SUCC".into();
        order.pay_finish_time = now;
        w.paid += order.pay_coin;
        // Coins moved: WeChat pushes the order (a failed payment moves none).
        let order = order.clone();
        st.notify(Notice::Order { time: now, order });
        Ok(json!({"order_id": id}))
    })
}

/// `POST /sandbox/user/scan {"ticket"|"url"|"card_id","openid"?,"username"?,"outer_id"?}`.
pub async fn scan(AxState(shared): S, who: Merchant, bytes: Bytes) -> Response {
    admin(&shared, &who, true, |st, shared| {
        let v = input(&bytes)?;
        let scan = Scan {
            placement: text(&v, "ticket").or_else(|| text(&v, "url")),
            card_id: text(&v, "card_id"),
            openid: text(&v, "openid"),
            username: text(&v, "username"),
            outer_id: body::int(&v, "outer_id")
                .map_err(|e| e.errmsg)?
                .unwrap_or(0),
            outer_str: text(&v, "outer_str").unwrap_or_default(),
            time: None,
            source: "scan",
        };
        st.scan(&scan, shared.review_delay())
    })
}

/// `POST /sandbox/user/share {"code","friend_openid"?,"friends"?: N | […]}`: the friends
/// named (`friend_openid`, an array of openids) or N generated ones (default 1).
pub async fn share(AxState(shared): S, who: Merchant, bytes: Bytes) -> Response {
    admin(&shared, &who, true, |st, _| {
        let v = input(&bytes)?;
        let code = text(&v, "code").ok_or("code is required")?;
        let mut friends: Vec<String> = v
            .get("friends")
            .and_then(Value::as_array)
            .map(|l| {
                l.iter()
                    .filter_map(|f| f.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        if let Some(f) = text(&v, "friend_openid") {
            friends.push(f);
        }
        if friends.is_empty() {
            let n = v
                .get("friends")
                .and_then(Value::as_u64)
                .unwrap_or(1)
                .min(1000);
            for _ in 0..n {
                friends.push(st.new_openid());
            }
        }
        st.share(&code, &friends, None, "share")
    })
}

/// `POST /sandbox/user/gift {"code","friend_openid"?}`: the holder gives the code to a friend
/// (named, or generated), who accepts it → `{"code": the friend's new code, "openid"}`.
pub async fn gift(AxState(shared): S, who: Merchant, bytes: Bytes) -> Response {
    admin(&shared, &who, true, |st, _| {
        let v = input(&bytes)?;
        let code = text(&v, "code").ok_or("code is required")?;
        let friend = text(&v, "friend_openid").unwrap_or_else(|| st.new_openid());
        let now = st.now();
        let new = st.gift(&code, &friend, now)?;
        Ok(json!({"code": new, "openid": friend, "old_code": code}))
    })
}

/// `GET /sandbox/pushes[?since=ID][&limit=N]`: where the merchant's pushes go (and the
/// platform's, when one is played), counts by outcome, and the recorded pushes of every
/// account after `since` (default all; `limit` default 1000), each with its account, members
/// and attempts.
pub async fn pushes(AxState(shared): S, who: Merchant, AxQuery(q): super::auth::Q) -> Response {
    let number = |k: &str| q.get(k).and_then(|v| v.trim().parse::<u64>().ok());
    let since = number("since").unwrap_or(0);
    let limit = number("limit").map_or(1000, |n| usize::try_from(n).unwrap_or(usize::MAX));
    admin(&shared, &who, false, |st, shared| {
        let mut out = shared.outbox().to_json(&st.appid, since, limit);
        out["component"] = shared.component().map_or(Value::Null, |c| c.describe());
        Ok(out)
    })
}

/// `POST /sandbox/push/target {"url","token","aes_key"?,"appid"?}`: where later pushes go
/// (safe mode with `aes_key`, else plain). The token and key are never shown back.
pub async fn set_push_target(AxState(shared): S, who: Merchant, bytes: Bytes) -> Response {
    admin(&shared, &who, false, |st, shared| {
        let v = input(&bytes)?;
        let config = PushConfig {
            url: text(&v, "url").ok_or("url is required")?,
            token: text(&v, "token").ok_or("token is required")?,
            aes_key: text(&v, "aes_key"),
            appid: text(&v, "appid"),
        };
        let target = PushTarget::new(&config, &st.appid).map_err(|e| e.to_string())?;
        let shown = target.describe();
        shared.outbox().set_target(&st.appid, Some(target));
        Ok(json!({ "target": shown }))
    })
}

/// `POST /sandbox/push/clear`: no pushes from now on (those queued are still delivered).
pub async fn clear_push_target(AxState(shared): S, who: Merchant) -> Response {
    admin(&shared, &who, false, |st, shared| {
        shared.outbox().set_target(&st.appid, None);
        Ok(json!({ "target": null }))
    })
}

/// `GET /sandbox/token-service[?format=plain][&appid&secret]`: a stand-in for a company's
/// central token service, handing out the merchant's stable token as
/// `{"access_token","expires_in"}` or bare text. When the simulator was started with
/// credentials, a request for the default merchant must carry them as `cgi-bin/token` does
/// (`appid`, `secret` in the query): wrong ones get WeChat's `{"errcode":40013|40125,"errmsg"}`;
/// without configured credentials none are needed.
pub async fn token_service(
    AxState(shared): S,
    who: Merchant,
    AxQuery(q): super::auth::Q,
) -> Response {
    if shared.credentials().is_some() && who.0.is_none() {
        let given = |k: &str| q.get(k).map(String::as_str);
        if let Err(e) = super::auth::check_credentials(&shared, given("appid"), given("secret")) {
            return e.into_response();
        }
    }
    let mut w = match shared.lock() {
        Ok(w) => w,
        Err(e) => return (StatusCode::INTERNAL_SERVER_ERROR, e.errmsg).into_response(),
    };
    let appid = match who.appid(&w) {
        Ok(a) => a,
        Err(e) => return super::actor::answer(Err(e)),
    };
    let Some(st) = w.account_mut(&appid) else {
        return super::actor::answer(Err(format!("unknown merchant {appid}")));
    };
    let (token, expires_in) = super::auth::current_stable(st);
    shared.persist(&w);
    if q.get("format").map(String::as_str) == Some("plain") {
        token.into_response()
    } else {
        Json(json!({"access_token": token, "expires_in": expires_in})).into_response()
    }
}

/// `POST /sandbox/code/status {"code","status"}`.
pub async fn code_status(AxState(shared): S, who: Merchant, bytes: Bytes) -> Response {
    admin(&shared, &who, true, |st, _| {
        let v = input(&bytes)?;
        let code = text(&v, "code").ok_or("code is required")?;
        let name = text(&v, "status").unwrap_or_default();
        let status = CodeStatus::parse(&name).ok_or_else(|| {
            format!("status must be NORMAL, CONSUMED, EXPIRE, GIFTING, GIFT_TIMEOUT, DELETE or UNAVAILABLE, not {name:?}")
        })?;
        st.force_status(&code, status)
    })
}

/// `POST /sandbox/code/encrypt {"code"}`.
pub async fn encrypt(AxState(shared): S, who: Merchant, bytes: Bytes) -> Response {
    admin(&shared, &who, false, |st, _| {
        let v = input(&bytes)?;
        let code = text(&v, "code").ok_or("code is required")?;
        Ok(json!({"encrypt_code": st.encrypt_code(&code)}))
    })
}

/// `POST /sandbox/faults {"faults":[…],"path"?}`: appends to the queue.
pub async fn add_faults(AxState(shared): S, bytes: Bytes) -> Response {
    admin_world(&shared, false, |w, _| {
        let v = input(&bytes)?;
        let new = faults::parse(&v)?;
        w.faults.extend(new);
        Ok(json!({"queued": w.faults}))
    })
}

/// `GET /sandbox/faults`: the queue.
pub async fn list_faults(AxState(shared): S) -> Response {
    admin_world(&shared, false, |w, _| Ok(json!({"queued": w.faults})))
}

/// `POST /sandbox/faults/clear`.
pub async fn clear_faults(AxState(shared): S) -> Response {
    admin_world(&shared, false, |w, _| {
        w.faults.clear();
        Ok(json!({}))
    })
}

/// `GET /sandbox/calls`: WeChat calls received per path (every merchant's and the
/// platform's).
pub async fn calls(AxState(shared): S) -> Response {
    admin_world(&shared, false, |w, _| Ok(json!({"counts": w.calls})))
}

/// `POST /sandbox/calls/reset`.
pub async fn reset_calls(AxState(shared): S) -> Response {
    admin_world(&shared, true, |w, _| {
        w.calls.clear();
        Ok(json!({}))
    })
}

/// `GET /sandbox/state`: a dump for debugging.
pub async fn dump(AxState(shared): S, who: Merchant) -> Response {
    admin(&shared, &who, false, |st, shared| {
        let delay = shared.review_delay();
        let cards: Vec<Value> = st
            .cards
            .iter()
            .map(|(id, c)| json!({"card_id": id, "status": st.status_of(c, delay), "quantity": c.quantity, "total_quantity": c.total_quantity, "card": c.card}))
            .collect();
        let codes: Vec<Value> = st
            .codes
            .values()
            .map(|c| {
                let mut v = serde_json::to_value(c).unwrap_or(Value::Null);
                if let Some(o) = v.as_object_mut() {
                    o.insert("status".into(), json!(st.code_status(c).name()));
                }
                v
            })
            .collect();
        Ok(json!({
            "now": st.now(),
            "appid": st.appid,
            "user_name": super::original_id(&st.appid),
            "profile": st.profile,
            "cards": cards,
            "wallet": {"activated": st.wallet.activated, "free_coin": super::pay::coins_json(crate::card::pricing::Coins(st.wallet.free)), "pay_coin": super::pay::coins_json(crate::card::pricing::Coins(st.wallet.paid)), "orders": st.wallet.orders},
            "codes": codes,
            "placements": st.placements.values().collect::<Vec<_>>(),
            "whitelist": st.whitelist,
            "events": st.events,
            "tokens": st.tokens.len(),
            "media": st.media.len(),
            "pois": st.pois.len(),
        }))
    })
}

/// `POST /sandbox/reset`: a fresh account (the merchant's); who it is, the clock and issued
/// tokens stay.
pub async fn reset(AxState(shared): S, who: Merchant) -> Response {
    admin(&shared, &who, true, |st, _| {
        let fresh = State {
            clock_offset: st.clock_offset,
            appid: std::mem::take(&mut st.appid),
            profile: st.profile.clone(),
            tokens: std::mem::take(&mut st.tokens),
            stable_token: st.stable_token.take(),
            ..State::default()
        };
        *st = fresh;
        Ok(json!({}))
    })
}

/// `POST /sandbox/pois {"business_list":[…]}`.
pub async fn set_pois(AxState(shared): S, who: Merchant, bytes: Bytes) -> Response {
    admin(&shared, &who, true, |st, _| {
        let v = input(&bytes)?;
        let list = v
            .get("business_list")
            .and_then(Value::as_array)
            .cloned()
            .ok_or("business_list must be an array")?;
        st.pois = list;
        Ok(json!({"total_count": st.pois.len()}))
    })
}

/// `POST /sandbox/activity/simulate {"seed","days"?,"card_id"?}`.
pub async fn simulate(AxState(shared): S, who: Merchant, bytes: Bytes) -> Response {
    admin(&shared, &who, true, |st, shared| {
        let v = input(&bytes)?;
        let seed = v.get("seed").and_then(Value::as_u64).unwrap_or(0);
        let days = body::int(&v, "days").map_err(|e| e.errmsg)?.unwrap_or(7);
        let only = text(&v, "card_id");
        activity::simulate(st, seed, days, only.as_deref(), shared.review_delay())
    })
}
