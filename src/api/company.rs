//! The company server (`coupon-studio server`) as the desktop app sees it: the card events
//! WeChat pushed to it, read page by page with the person's API key, and its health check.
//! The token it hands out is [`super::TokenSource::Server`]'s business.
//!
//! For a third-party platform (服务商, issue 20) the same server lists the merchants the key
//! may act for (`GET /api/v1/merchants`), makes the authorization page a merchant's admin
//! scans (`POST /api/v1/authorizations`), and serves each merchant's events apart
//! (`?appid=`, see [`CompanyClient::for_merchant`]); a merchant's withdrawn authorization
//! arrives in its stream as an event with `InfoType` `unauthorized`.
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
/// The platform's merchants path.
pub const MERCHANTS_PATH: &str = "/api/v1/merchants";
/// The platform's authorization-page path.
pub const AUTHORIZATIONS_PATH: &str = "/api/v1/authorizations";

/// The `InfoType` of a merchant's withdrawn authorization, in that merchant's stream.
pub const UNAUTHORIZED: &str = "unauthorized";

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
    /// A platform's authorization event (`InfoType`: [`UNAUTHORIZED`], …); empty for card
    /// events.
    pub info_type: String,
    /// `AuthorizerAppid`: the merchant an authorization event is about.
    pub authorizer_appid: String,
}

impl CardEvent {
    /// Whether this is the withdrawal of `appid`'s authorization of the platform.
    pub fn unauthorizes(&self, appid: &str) -> bool {
        self.info_type == UNAUTHORIZED && self.authorizer_appid == appid
    }
}

/// A merchant that authorized the company's platform, as `GET /api/v1/merchants` lists it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Merchant {
    /// Its AppID.
    pub appid: String,
    /// Its name (the official account's nick_name).
    pub name: String,
    /// Its original id (`gh_…`).
    pub user_name: String,
    /// The company behind it (主体名称).
    pub principal_name: String,
    /// When it authorized the platform (Unix seconds; 0 when the server did not say).
    pub authorized_at: i64,
}

/// The authorization page a merchant's admin scans (`POST /api/v1/authorizations`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthorizationLink {
    /// The page (WeChat's componentloginpage with a fresh pre_auth_code).
    pub url: String,
    /// How long it can be scanned, in seconds.
    pub expires_in: i64,
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
            info_type: text(v, "InfoType"),
            authorizer_appid: text(v, "AuthorizerAppid"),
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

/// Reads a merchants answer, `{"merchants":[…]}`; an entry without an AppID is skipped.
pub fn parse_merchants(bytes: &[u8]) -> Result<Vec<Merchant>, ApiError> {
    let decode = |message: String| ApiError::Decode {
        endpoint: MERCHANTS_PATH.to_owned(),
        message,
    };
    let value: Value = serde_json::from_slice(bytes).map_err(|e| decode(e.to_string()))?;
    let list = value
        .get("merchants")
        .and_then(Value::as_array)
        .ok_or_else(|| decode("no \"merchants\" list".into()))?;
    Ok(list
        .iter()
        .map(|v| Merchant {
            appid: text(v, "appid").trim().to_owned(),
            name: text(v, "name"),
            user_name: text(v, "user_name"),
            principal_name: text(v, "principal_name"),
            authorized_at: int(v, "authorized_at"),
        })
        .filter(|m| !m.appid.is_empty())
        .collect())
}

/// Reads an authorizations answer, `{"url","expires_in"}`; the URL must be http(s).
pub fn parse_authorization(bytes: &[u8]) -> Result<AuthorizationLink, ApiError> {
    let decode = |message: &str| ApiError::Decode {
        endpoint: AUTHORIZATIONS_PATH.to_owned(),
        message: message.to_owned(),
    };
    let value: Value = serde_json::from_slice(bytes).map_err(|e| decode(&e.to_string()))?;
    let url = text(&value, "url");
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(decode("no http(s) \"url\""));
    }
    Ok(AuthorizationLink {
        url,
        expires_in: int(&value, "expires_in"),
    })
}

/// A client for the company server's event feed. Cheap to clone.
#[derive(Clone)]
pub struct CompanyClient {
    http: reqwest::Client,
    base: String,
    key: String,
    /// The platform's merchant whose events are read (`?appid=`); `None`: the server's own.
    merchant: Option<String>,
}

impl std::fmt::Debug for CompanyClient {
    // The key never shows.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CompanyClient({}, key ***)", redact(&self.base))
    }
}

/// An answer's status as the error it means, for the calls with the person's key: 401 a
/// refused key, 403 a merchant the key may not act for, 404 a merchant not authorized.
fn refusal(endpoint: &str, status: u16) -> ApiError {
    match status {
        401 => ApiError::KeyRefused,
        403 => ApiError::MerchantRefused,
        404 => ApiError::MerchantGone,
        other => ApiError::Http {
            endpoint: endpoint.to_owned(),
            status: other,
        },
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
            merchant: None,
        })
    }

    /// The same client reading the events of the platform's merchant `appid` only.
    #[must_use]
    pub fn for_merchant(mut self, appid: &str) -> Self {
        self.merchant = Some(appid.trim().to_owned());
        self
    }

    /// The platform's merchant whose events this client reads, if any.
    pub fn merchant(&self) -> Option<&str> {
        self.merchant.as_deref()
    }

    /// The server's base URL.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// Sends `request` with the person's key and reads the body: a success's bytes, or the
    /// error its status means.
    async fn send(
        &self,
        endpoint: &str,
        request: reqwest::RequestBuilder,
    ) -> Result<Vec<u8>, ApiError> {
        let response = request
            .bearer_auth(&self.key)
            .send()
            .await
            .map_err(|e| transport_error(endpoint, &e, CallKind::Read))?;
        let status = response.status();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| transport_error(endpoint, &e, CallKind::Read))?;
        if status.is_success() {
            Ok(bytes.to_vec())
        } else {
            Err(refusal(endpoint, status.as_u16()))
        }
    }

    /// Events with an id above `since`, at most `limit`, oldest first (of the merchant
    /// given to [`Self::for_merchant`], if any).
    pub async fn events(&self, since: i64, limit: u32) -> Result<Vec<Fetched>, ApiError> {
        let mut query = vec![("since", since.to_string()), ("limit", limit.to_string())];
        if let Some(appid) = &self.merchant {
            query.push(("appid", appid.clone()));
        }
        let request = self
            .http
            .get(format!("{}{EVENTS_PATH}", self.base))
            .query(&query);
        parse_events(&self.send(EVENTS_PATH, request).await?)
    }

    /// The merchants the person's key may act for (a platform's server).
    pub async fn merchants(&self) -> Result<Vec<Merchant>, ApiError> {
        let request = self.http.get(format!("{}{MERCHANTS_PATH}", self.base));
        parse_merchants(&self.send(MERCHANTS_PATH, request).await?)
    }

    /// A fresh authorization page for a merchant's admin to scan (a platform's server).
    pub async fn authorization(&self) -> Result<AuthorizationLink, ApiError> {
        let request = self
            .http
            .post(format!("{}{AUTHORIZATIONS_PATH}", self.base))
            .json(&serde_json::json!({}));
        parse_authorization(&self.send(AUTHORIZATIONS_PATH, request).await?)
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
    fn a_platforms_merchants_links_and_withdrawals_are_read() {
        let body = r#"{"merchants":[
            {"appid":"wxA","name":"北风羽绒","user_name":"gh_a","principal_name":"北风公司",
             "authorized_at":1795795199},
            {"appid":"wxB","name":"南山茶饮","authorized_at":"1795795200","extra":[1]},
            {"name":"没有 AppID"}
        ]}"#;
        let list = parse_merchants(body.as_bytes()).unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(
            (list[0].name.as_str(), list[0].principal_name.as_str()),
            ("北风羽绒", "北风公司")
        );
        assert_eq!(list[1].authorized_at, 1_795_795_200);
        assert_eq!(list[1].user_name, "");
        for odd in [&b"{}"[..], b"[]", b"{\"merchants\":1}", b"<html>"] {
            assert!(parse_merchants(odd).is_err());
        }
        let link = parse_authorization(
            br#"{"url":"https://mp.weixin.qq.com/cgi-bin/componentloginpage?pre_auth_code=x","expires_in":1800}"#,
        )
        .unwrap();
        assert_eq!(link.expires_in, 1800);
        assert!(parse_authorization(br#"{"url":"javascript:alert(1)"}"#).is_err());
        assert!(parse_authorization(b"{}").is_err());
        let events = parse_events(
            br#"{"events":[{"id":4,"InfoType":"unauthorized","AuthorizerAppid":"wxA","AppId":"wxcomp"}]}"#,
        )
        .unwrap();
        assert!(events[0].event.unauthorizes("wxA"));
        assert!(!events[0].event.unauthorizes("wxB"));
        assert_eq!(refusal("/x", 403), ApiError::MerchantRefused);
        assert_eq!(refusal("/x", 404), ApiError::MerchantGone);
        assert!(matches!(
            refusal("/x", 500),
            ApiError::Http { status: 500, .. }
        ));
        let c = CompanyClient::new("http://127.0.0.1:9", "csk-merchant-never-0001")
            .unwrap()
            .for_merchant(" wxA ");
        assert_eq!(c.merchant(), Some("wxA"));
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
