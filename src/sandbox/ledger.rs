//! The coin ledger as the simulator keeps it: the wallet's balances, its open quotes and its
//! orders. Plain data, below both the state and the `card/pay/*` handlers that change it.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::card::pricing::Coins;

/// The merchant's openid shown on orders it made itself (and as the sender of the review
/// pushes, which concern no user).
pub const MERCHANT_OPENID: &str = "oSbxMerchant0000000000000000";

/// A price quote (getpayprice).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    /// The card.
    pub card_id: String,
    /// Units.
    pub quantity: i64,
    /// Total price (hundredths).
    pub price: i64,
    /// Simulated expiry.
    pub expires: i64,
    /// Used by a confirm.
    pub used: bool,
}

/// An order of the coin ledger (getorder / getorderlist).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    /// order_id.
    pub order_id: String,
    /// ORDER_TYPE_*.
    pub order_type: String,
    /// ORDER_STATUS_*.
    pub status: String,
    /// Creation time.
    pub create_time: i64,
    /// Payment time (0 while unpaid).
    pub pay_finish_time: i64,
    /// Description.
    pub desc: String,
    /// Free coins moved (hundredths).
    pub free_coin: i64,
    /// Paid coins moved (hundredths).
    pub pay_coin: i64,
    /// Free coins given back (hundredths): refunds only.
    #[serde(default)]
    pub refund_free: i64,
    /// Paid coins given back (hundredths): refunds only.
    #[serde(default)]
    pub refund_paid: i64,
    /// Who paid.
    pub openid: String,
    /// The card, for stock orders.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_id: Option<String>,
}

impl Order {
    /// As getorder shows it (coin counts as strings, like the guide).
    pub fn to_json(&self) -> Value {
        json!({
            "order_id": self.order_id,
            "status": self.status,
            "create_time": self.create_time,
            "pay_finish_time": self.pay_finish_time,
            "desc": self.desc,
            "free_coin_count": Coins(self.free_coin).to_string(),
            "pay_coin_count": Coins(self.pay_coin).to_string(),
            "refund_free_coin_count": Coins(self.refund_free).to_string(),
            "refund_pay_coin_count": Coins(self.refund_paid).to_string(),
            "openid": self.openid,
            "order_type": self.order_type,
        })
    }
}

/// The wallet part of the state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Wallet {
    /// Account opened.
    pub activated: bool,
    /// Free coins (hundredths).
    pub free: i64,
    /// Paid coins (hundredths).
    pub paid: i64,
    /// Quotes by order_id.
    pub quotes: std::collections::BTreeMap<String, Quote>,
    /// The ledger, oldest first.
    pub orders: Vec<Order>,
}
