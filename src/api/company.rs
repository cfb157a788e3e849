//! The company server (`coupon-studio server`) as the desktop app sees it: the card events
//! WeChat pushed to it, read page by page with the person's API key, and its health check.
//! The token it hands out is [`super::TokenSource::Server`]'s business.
//!
//! The contract (issue 19): `GET {server}/api/v1/events?since=ID&limit=N` with
//! `Authorization: Bearer KEY` answers `{"events":[…]}`, oldest first, ids above `since`;
//! each event carries its `id` and WeChat's push members under their XML names. A wrong or
//! revoked key is a 401. Members are read leniently (numbers or strings, unknown ones
//! ignored): an event never fails to parse because one member has an odd type.

use std::time::Duration;

use serde_json::Value;

use super::call::{CallKind, transport_error};
use super::client::{IDLE_CONNECTION, check_base_url};
use super::error::{ApiError, redact, register_sensitive};
use super::lenient;
use super::pay::OrderInfo;

/// The events path, below the server's base URL.
pub const EVENTS_PATH: &str = "/api/v1/events";
/// The health path.
pub const HEALTH_PATH: &str = "/healthz";

/// The push events the app reads (WeChat's `Event` member).
pub mod kind {
    /// The card passed review.
    pub const PASS_CHECK: &str = "card_pass_check";
    /// The card failed review (`RefuseReason`).
    pub const NOT_PASS_CHECK: &str = "card_not_pass_check";
    /// A user claimed a code (`OuterId` is the placement channel).
    pub const GET: &str = "user_get_card";
    /// A code was used.
    pub const CONSUME: &str = "user_consume_card";
    /// A user opened a code in the card package.
    pub const VIEW: &str = "user_view_card";
    /// The stock fell to 100 or fewer after the card had more than 200.
    pub const SKU_REMIND: &str = "card_sku_remind";
    /// A coin order moved (`OrderId`, `Status`, the counts).
    pub const PAY_ORDER: &str = "card_pay_order";
}

/// One card event as the company server relayed it; members the app does not read are
/// dropped (the cache keeps the whole JSON).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CardEvent {
    /// The server's id: increasing, the cursor of the next read.
    pub id: i64,
    /// WeChat's `Event` (see [`kind`]).
    pub event: String,
    /// `CardId`.
    pub card_id: String,
    /// `UserCardCode`.
    pub code: String,
    /// `FromUserName`: the user's openid.
    pub openid: String,
    /// `CreateTime`, Unix seconds.
    pub time: i64,
    /// `OuterId`: the placement channel of a claim (0 when none).
    pub outer_id: i64,
    /// `IsGiveByFriend`: a claim of a code a friend gave.
    pub given_by_friend: bool,
    /// `OldUserCardCode`: the code a gifted (or given-back) code came from.
    pub old_code: String,
    /// `RefuseReason` of a failed review.
    pub refuse_reason: String,
    /// A `card_pay_order`'s order, in the shape of the order list.
    pub order: Option<OrderInfo>,
}

/// An event with the JSON it came as (kept in the local cache as sent).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fetched {
    /// The event.
    pub event: CardEvent,
    /// The object as the server sent it.
    pub json: String,
}

/// A member as text: a string as is, a number written out, anything else empty.
fn text(v: &Value, name: &str) -> String {
    match v.get(name) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// A member as an integer (a number or a numeric string); 0 when absent or unreadable.
fn int(v: &Value, name: &str) -> i64 {
    v.get(name).and_then(lenient::int_of).unwrap_or(0)
}

/// A coin count (a number or a string such as "0.2"); 0 when absent or unreadable.
fn coins(v: &Value, name: &str) -> crate::card::pricing::Coins {
    v.get(name)
        .and_then(|c| lenient::coins(c.clone()).ok())
        .unwrap_or_default()
}

impl CardEvent {
    /// Reads one event object; `None` without a numeric `id` (it could not be resumed from).
    pub fn from_json(v: &Value) -> Option<Self> {
        let id = v.get("id").and_then(lenient::int_of)?;
        let event = text(v, "Event");
        let order = (event == kind::PAY_ORDER).then(|| OrderInfo {
            order_id: text(v, "OrderId"),
            status: text(v, "Status"),
            create_time: int(v, "CreateOrderTime"),
            pay_finish_time: int(v, "PayFinishTime"),
            // WeChat's example leaves Desc empty for all but a payment and says what the
            // order was for in Memo ("开通账户奖励"): the ledger's description is either.
            desc: Some(text(v, "Desc"))
                .filter(|d| !d.trim().is_empty())
                .unwrap_or_else(|| text(v, "Memo")),
            free_coin_count: coins(v, "FreeCoinCount"),
            pay_coin_count: coins(v, "PayCoinCount"),
            refund_free_coin_count: coins(v, "RefundFreeCoinCount"),
            refund_pay_coin_count: coins(v, "RefundPayCoinCount"),
            order_type: text(v, "OrderType"),
        });
        Some(Self {
            id,
            card_id: text(v, "CardId"),
            code: text(v, "UserCardCode"),
            openid: text(v, "FromUserName"),
            time: int(v, "CreateTime"),
            outer_id: int(v, "OuterId"),
            given_by_friend: int(v, "IsGiveByFriend") == 1,
            old_code: text(v, "OldUserCardCode"),
            refuse_reason: text(v, "RefuseReason"),
            order: order.filter(|o| !o.order_id.is_empty()),
            event,
        })
    }

    /// Reads a cached event (the JSON kept by [`Fetched::json`]).
    pub fn from_cached(json: &str) -> Option<Self> {
        Self::from_json(&serde_json::from_str(json).ok()?)
    }
}

/// Reads an events answer: the events with a numeric id, oldest first. A body that is not
/// `{"events":[…]}` is an error; an odd event is kept as far as it can be read.
pub fn parse_events(bytes: &[u8]) -> Result<Vec<Fetched>, ApiError> {
    let decode = |message: String| ApiError::Decode {
        endpoint: EVENTS_PATH.to_owned(),
        message,
    };
    let value: Value = serde_json::from_slice(bytes).map_err(|e| decode(e.to_string()))?;
    let list = value
        .get("events")
        .and_then(Value::as_array)
        .ok_or_else(|| decode("no \"events\" list".into()))?;
    let mut out: Vec<Fetched> = list
        .iter()
        .filter_map(|v| {
            let event = CardEvent::from_json(v);
            if event.is_none() {
                tracing::warn!("an event without a numeric id was skipped");
            }
            Some(Fetched {
                event: event?,
                json: v.to_string(),
            })
        })
        .collect();
    // Oldest first is the contract; sorting costs nothing and makes the cursor safe anyway.
    out.sort_by_key(|f| f.event.id);
    Ok(out)
}

/// A client for the company server's event feed. Cheap to clone.
#[derive(Clone)]
pub struct CompanyClient {
    http: reqwest::Client,
    base: String,
    key: String,
}

impl std::fmt::Debug for CompanyClient {
    // The key never shows.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CompanyClient({}, key ***)", redact(&self.base))
    }
}

impl CompanyClient {
    /// A client for the server at `url` (https, or http to loopback only: the key goes over
    /// this connection) with the person's API key.
    pub fn new(url: &str, key: &str) -> Result<Self, ApiError> {
        let base = check_base_url(url.trim())?;
        register_sensitive(key);
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(20))
            .pool_idle_timeout(IDLE_CONNECTION)
            .build()
            .map_err(|e| ApiError::Token(redact(&e.to_string())))?;
        Ok(Self {
            http,
            base,
            key: key.trim().to_owned(),
        })
    }

    /// The server's base URL.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// Events with an id above `since`, at most `limit`, oldest first.
    pub async fn events(&self, since: i64, limit: u32) -> Result<Vec<Fetched>, ApiError> {
        let response = self
            .http
            .get(format!("{}{EVENTS_PATH}", self.base))
            .query(&[("since", since.to_string()), ("limit", limit.to_string())])
            .bearer_auth(&self.key)
            .send()
            .await
            .map_err(|e| transport_error(EVENTS_PATH, &e, CallKind::Read))?;
        let status = response.status();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| transport_error(EVENTS_PATH, &e, CallKind::Read))?;
        match status.as_u16() {
            401 => Err(ApiError::KeyRefused),
            200..=299 => parse_events(&bytes),
            other => Err(ApiError::Http {
                endpoint: EVENTS_PATH.to_owned(),
                status: other,
            }),
        }
    }

    /// Whether the server answers its health check.
    pub async fn health(&self) -> Result<(), ApiError> {
        let response = self
            .http
            .get(format!("{}{HEALTH_PATH}", self.base))
            .send()
            .await
            .map_err(|e| transport_error(HEALTH_PATH, &e, CallKind::Read))?;
        if response.status().is_success() {
            Ok(())
        } else {
            Err(ApiError::Http {
                endpoint: HEALTH_PATH.to_owned(),
                status: response.status().as_u16(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::card::pricing::Coins;

    #[test]
    fn members_come_as_numbers_or_strings_and_unknown_ones_are_ignored() {
        let body = r#"{"events":[
            {"id":"7","Event":"user_get_card","CardId":"pA","UserCardCode":226009850808,
             "FromUserName":"o1","CreateTime":"1472551036","OuterId":12,"IsGiveByFriend":0,
             "SomethingNew":{"x":1}},
            {"id":3,"Event":"card_not_pass_check","CardId":"pB","RefuseReason":"图片不清晰"},
            {"Event":"user_del_card"},
            {"id":9,"Event":"card_pay_order","OrderId":10000583,"Status":"ORDER_STATUS_SUCC",
             "CreateOrderTime":1472550000,"FreeCoinCount":"0.2","PayCoinCount":200,
             "OrderType":"ORDER_TYPE_WXPAY","Desc":"微信支付充值","Memo":"x"},
            {"id":10,"Event":"card_pay_order","OrderId":"404091456","Desc":"",
             "Memo":"开通账户奖励","OrderType":"ORDER_TYPE_SYS_ADD"}
        ]}"#;
        let events = parse_events(body.as_bytes()).unwrap();
        // Oldest first; the event without an id is left out.
        assert_eq!(
            events.iter().map(|f| f.event.id).collect::<Vec<_>>(),
            [3, 7, 9, 10]
        );
        let claim = &events[1].event;
        assert_eq!(
            (
                claim.code.as_str(),
                claim.outer_id,
                claim.time,
                claim.given_by_friend
            ),
            ("226009850808", 12, 1_472_551_036, false)
        );
        assert_eq!(events[0].event.refuse_reason, "图片不清晰");
        let order = events[2].event.order.clone().unwrap();
        assert_eq!(order.order_id, "10000583");
        assert_eq!(order.free_coin_count, Coins(20));
        assert_eq!(order.pay_coin_count, Coins(20_000));
        // The description is Desc, or Memo when Desc is empty (WeChat's own example).
        assert_eq!(order.desc, "微信支付充值");
        let reward = events[3].event.order.clone().unwrap();
        assert_eq!(reward.desc, "开通账户奖励");
        // The cached JSON reads back as the same event.
        assert_eq!(
            CardEvent::from_cached(&events[1].json).as_ref(),
            Some(claim)
        );
    }

    #[test]
    fn odd_answers_are_errors_never_panics() {
        for body in [&b"<html>"[..], b"{}", b"{\"events\":3}", b"[]", b""] {
            assert!(matches!(parse_events(body), Err(ApiError::Decode { .. })));
        }
        assert!(
            parse_events(br#"{"events":[1,"x",null,{"id":[1]}]}"#)
                .unwrap()
                .is_empty()
        );
        assert!(CompanyClient::new("http://example.com", "k").is_err());
        let c = CompanyClient::new("http://127.0.0.1:9/", "csk-debug-never-0001").unwrap();
        assert_eq!(c.base_url(), "http://127.0.0.1:9");
        assert!(!format!("{c:?}").contains("csk-debug-never-0001"));
    }
}
