//! The coin wallet: activate, quote, balance, confirm, recharge, orders.
//!
//! `confirm` and `recharge` move money: they are never re-sent by this client (no retry, no
//! retry after a token refresh), and an unclear outcome is [`ApiError::Uncertain`], for the
//! caller to reconcile against the order list.

use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::call::{CallKind, Method};
use super::client::ApiClient;
use super::error::ApiError;
use super::lenient;
use crate::card::pricing::Coins;

/// `getpayprice` answer: a quote valid 60 s.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct PayPrice {
    /// The quote's order id, for `confirm` (usable once, within 60 s).
    pub order_id: String,
    /// Total price.
    #[serde(deserialize_with = "lenient::coins")]
    pub price: Coins,
    /// Paid from free coins.
    #[serde(deserialize_with = "lenient::coins")]
    pub free_coin: Coins,
    /// Paid from paid coins.
    #[serde(deserialize_with = "lenient::coins")]
    pub pay_coin: Coins,
}

/// `getcoinsinfo` answer.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct CoinsInfo {
    /// Free coins.
    #[serde(deserialize_with = "lenient::coins")]
    pub free_coin: Coins,
    /// Paid coins.
    #[serde(deserialize_with = "lenient::coins")]
    pub pay_coin: Coins,
    /// Total.
    #[serde(deserialize_with = "lenient::coins")]
    pub total_coin: Coins,
}

/// `recharge` answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recharge {
    /// The order id, for `getorder`.
    pub order_id: String,
    /// `weixin://wxpay/bizpayurl?pr=…`, to show as a QR code.
    pub qrcode_url: String,
    /// The QR image bytes (decoded from base64 when WeChat sends base64).
    pub qrcode_buffer: Vec<u8>,
}

/// An order of the coin ledger.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub struct OrderInfo {
    /// Order id (WeChat sends a string; a number is accepted).
    #[serde(deserialize_with = "lenient::text")]
    pub order_id: String,
    /// ORDER_STATUS_*.
    #[serde(default)]
    pub status: String,
    /// Creation time.
    #[serde(default, deserialize_with = "lenient::stamp")]
    pub create_time: i64,
    /// Payment time.
    #[serde(default, deserialize_with = "lenient::stamp")]
    pub pay_finish_time: i64,
    /// Description.
    #[serde(default)]
    pub desc: String,
    /// Free coins.
    #[serde(default, deserialize_with = "lenient::coins")]
    pub free_coin_count: Coins,
    /// Paid coins.
    #[serde(default, deserialize_with = "lenient::coins")]
    pub pay_coin_count: Coins,
    /// Free coins given back (a refund of stock left at expiry).
    #[serde(default, deserialize_with = "lenient::coins")]
    pub refund_free_coin_count: Coins,
    /// Paid coins given back.
    #[serde(default, deserialize_with = "lenient::coins")]
    pub refund_pay_coin_count: Coins,
    /// ORDER_TYPE_*.
    #[serde(default)]
    pub order_type: String,
}

/// `getorderlist` answer.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct OrderList {
    /// Orders matching the query; a number or a string.
    #[serde(default, deserialize_with = "super::lenient::int")]
    pub total_num: i64,
    /// This page.
    #[serde(default)]
    pub order_list: Vec<OrderInfo>,
}

/// `getorderlist` query.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrderListQuery {
    /// Offset.
    pub offset: u32,
    /// Page size.
    pub count: u32,
    /// ORDER_TYPE_* to keep.
    pub order_type: Option<String>,
    /// ORDER_STATUS_* to leave out (nor_filter).
    pub exclude_status: Option<String>,
    /// Oldest first.
    pub ascending: bool,
    /// Time range (Unix seconds); WeChat's default is the last week.
    pub begin_time: Option<i64>,
    /// End of the range.
    pub end_time: Option<i64>,
}

impl OrderListQuery {
    /// The request body, in the guide's shape.
    pub fn to_json(&self) -> Value {
        let mut v = json!({
            "offset": self.offset,
            "count": if self.count == 0 { 50 } else { self.count },
            "sort_info": {"sort_key": "SORT_BY_TIME", "sort_type": if self.ascending { "SORT_ASC" } else { "SORT_DESC" }},
        });
        if let Some(t) = &self.order_type {
            v["order_type"] = json!(t);
        }
        if let Some(s) = &self.exclude_status {
            v["nor_filter"] = json!({"status": s});
        }
        if let Some(b) = self.begin_time {
            v["begin_time"] = json!(b.to_string());
        }
        if let Some(e) = self.end_time {
            v["end_time"] = json!(e.to_string());
        }
        v
    }
}

impl ApiClient {
    /// `card/pay/activate`: the reward in coins (200 the first time).
    pub async fn pay_activate(&self) -> Result<i64, ApiError> {
        let v = self
            .call_value(Method::Get, "/card/pay/activate", &(), CallKind::Write)
            .await?;
        Ok(v.get("reward").and_then(lenient::int_of).unwrap_or(0))
    }

    /// `card/pay/getpayprice`.
    pub async fn get_pay_price(&self, card_id: &str, quantity: u32) -> Result<PayPrice, ApiError> {
        let body = json!({"card_id": card_id, "quantity": quantity.to_string()});
        self.call(
            Method::Post,
            "/card/pay/getpayprice",
            &body,
            CallKind::Write,
        )
        .await
    }

    /// `card/pay/getcoinsinfo`.
    pub async fn get_coins_info(&self) -> Result<CoinsInfo, ApiError> {
        self.call(Method::Get, "/card/pay/getcoinsinfo", &(), CallKind::Read)
            .await
    }

    /// `card/pay/confirm`: sent exactly once.
    pub async fn confirm(
        &self,
        card_id: &str,
        order_id: &str,
        quantity: u32,
    ) -> Result<(), ApiError> {
        let body =
            json!({"card_id": card_id, "order_id": order_id, "quantity": quantity.to_string()});
        self.call_value(Method::Post, "/card/pay/confirm", &body, CallKind::Money)
            .await
            .map(drop)
    }

    /// `card/pay/recharge`: sent exactly once.
    pub async fn recharge(&self, coin_count: u32) -> Result<Recharge, ApiError> {
        let v = self
            .call_value(
                Method::Post,
                "/card/pay/recharge",
                &json!({"coin_count": coin_count}),
                CallKind::Money,
            )
            .await?;
        Ok(recharge_from(&v))
    }

    /// `card/pay/getorder`.
    pub async fn get_order(&self, order_id: &str) -> Result<OrderInfo, ApiError> {
        let v = self
            .call_value(
                Method::Post,
                "/card/pay/getorder",
                &json!({"order_id": order_id}),
                CallKind::Read,
            )
            .await?;
        serde_json::from_value(v.get("order_info").cloned().unwrap_or(Value::Null)).map_err(|e| {
            ApiError::Decode {
                endpoint: "/card/pay/getorder".into(),
                message: e.to_string(),
            }
        })
    }

    /// `card/pay/getorderlist`.
    pub async fn get_order_list(&self, query: &OrderListQuery) -> Result<OrderList, ApiError> {
        self.call(
            Method::Post,
            "/card/pay/getorderlist",
            &query.to_json(),
            CallKind::Read,
        )
        .await
    }
}

/// Reads a `card/pay/recharge` answer (missing members are empty; a QR that is not base64
/// is kept as raw bytes). Never panics, whatever the JSON.
pub fn recharge_from(v: &Value) -> Recharge {
    let s = |k: &str| {
        v.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let raw = s("qrcode_buffer");
    let qrcode_buffer = base64::engine::general_purpose::STANDARD
        .decode(raw.as_bytes())
        .unwrap_or_else(|_| raw.into_bytes());
    Recharge {
        order_id: s("order_id"),
        qrcode_url: s("qrcode_url"),
        qrcode_buffer,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guide_examples_parse() {
        let p: PayPrice = serde_json::from_str(r#"{"errcode":0,"errmsg":"ok","order_id":"P9zz","price":"0.2","free_coin":"0.2","pay_coin":"0"}"#).unwrap();
        assert_eq!(
            (p.price, p.free_coin, p.pay_coin),
            (Coins(20), Coins(20), Coins(0))
        );
        // The guide prints getcoinsinfo without commas; the fixed body parses.
        let c: CoinsInfo = serde_json::from_str(
            r#"{"errcode": 0, "errmsg": "ok", "free_coin": 200, "pay_coin": 1, "total_coin": 201}"#,
        )
        .unwrap();
        assert_eq!(c.total_coin, Coins::whole(201));
        let o: OrderList = serde_json::from_str(r#"{"errcode":0,"errmsg":"ok","total_num":1,"order_list":[{"order_id":"100005790120151221401000171","status":"ORDER_STATUS_FINANCE_SUCC","create_time":1450712798,"pay_finish_time":1450712905,"desc":"微信支付充值","free_coin_count":"0","pay_coin_count":"1","refund_free_coin_count":"0","refund_pay_coin_count":"0","openid":"oWE-GwF1gGoyVVZC5PG6GXd4cKMY","order_type":"ORDER_TYPE_WXPAY"}]}"#).unwrap();
        assert_eq!(o.order_list[0].pay_coin_count, Coins::whole(1));
        assert_eq!(o.order_list[0].create_time, 1_450_712_798);
    }

    #[test]
    fn order_list_query_has_the_guides_shape() {
        let q = OrderListQuery {
            offset: 0,
            count: 5,
            order_type: Some("ORDER_TYPE_WXPAY".into()),
            exclude_status: Some("ORDER_STATUS_SUCC".into()),
            ascending: false,
            begin_time: Some(1_440_420_538),
            end_time: Some(1_450_713_203),
        };
        assert_eq!(
            q.to_json(),
            json!({"offset":0,"count":5,"order_type":"ORDER_TYPE_WXPAY","nor_filter":{"status":"ORDER_STATUS_SUCC"},
                   "sort_info":{"sort_key":"SORT_BY_TIME","sort_type":"SORT_DESC"},"begin_time":"1440420538","end_time":"1450713203"})
        );
    }
}
