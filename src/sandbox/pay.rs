//! The coin wallet (card/pay/*): activate, quote (getpayprice), balance, confirm, recharge,
//! orders.
//!
//! The guide names no errcodes for refused confirms; the simulator answers with these, chosen
//! so that a client can tell the cases apart:
//!
//! | errcode | meaning |
//! | --- | --- |
//! | 41310 | order_id unknown |
//! | 41311 | quote expired (older than 60 s) |
//! | 41312 | quote already used |
//! | 41313 | card_id or quantity differ from the quote |
//! | 41314 | not enough coins (free + paid) |
//! | 41315 | quantity not 1–100000, or coin_count not positive |

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State as AxState};
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::wechat::{Q, S, authorize};
use super::{wx_error, wx_ok};
use crate::card::pricing::{Coins, price_per_unit};

/// A quote lives this long (the guide: 60 s).
pub const QUOTE_LIFE: i64 = 60;
/// The reward for opening the account.
pub const REWARD: i64 = 200;

/// Simulator errcodes of the wallet (see the module docs).
pub mod codes {
    /// order_id unknown.
    pub const ORDER_UNKNOWN: i64 = 41310;
    /// Quote expired.
    pub const ORDER_EXPIRED: i64 = 41311;
    /// Quote used.
    pub const ORDER_USED: i64 = 41312;
    /// card_id/quantity mismatch.
    pub const ORDER_MISMATCH: i64 = 41313;
    /// Not enough coins.
    pub const COIN_NOT_ENOUGH: i64 = 41314;
    /// Bad quantity or amount.
    pub const BAD_AMOUNT: i64 = 41315;
}

/// A price quote.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Quote {
    /// The card.
    pub card_id: String,
    /// Units.
    pub quantity: i64,
    /// Total price.
    pub price: i64,
    /// Simulated expiry.
    pub expires: i64,
    /// Used by a confirm.
    pub used: bool,
}

/// An order of the coin ledger (getorder / getorderlist).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Order {
    /// order_id.
    pub order_id: String,
    /// ORDER_TYPE_*.
    pub order_type: String,
    /// ORDER_STATUS_*.
    pub status: String,
    /// Creation time.
    pub create_time: i64,
    /// Payment time (0 when unpaid).
    pub pay_finish_time: i64,
    /// Description.
    pub desc: String,
    /// Free coins moved (hundredths).
    pub free_coin: i64,
    /// Paid coins moved (hundredths).
    pub pay_coin: i64,
    /// The card, for stock orders.
    pub card_id: Option<String>,
}

impl Order {
    fn to_json(&self) -> Value {
        json!({
            "order_id": self.order_id,
            "status": self.status,
            "create_time": self.create_time,
            "pay_finish_time": self.pay_finish_time,
            "desc": self.desc,
            "free_coin_count": Coins(self.free_coin).to_string(),
            "pay_coin_count": Coins(self.pay_coin).to_string(),
            "refund_free_coin_count": "0",
            "refund_pay_coin_count": "0",
            "openid": "oSandboxMerchant000000000000",
            "order_type": self.order_type,
        })
    }
}

/// The wallet part of the state.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
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
    /// The ledger.
    pub orders: Vec<Order>,
}

fn json_body(body: &Bytes) -> Value {
    serde_json::from_slice(body).unwrap_or(Value::Null)
}

/// A number or a numeric string.
fn int_of(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

pub(crate) async fn activate(AxState(shared): S, Query(q): Q) -> Json<Value> {
    let mut st = shared.lock();
    if let Err(e) = authorize(&shared, &mut st, "/card/pay/activate", &q) {
        return e;
    }
    if st.wallet.activated {
        return wx_ok(json!({"reward": 0}));
    }
    let now = st.now();
    let order_id = st.new_id("SYS", 27);
    let w = &mut st.wallet;
    w.activated = true;
    w.free += Coins::whole(REWARD).0;
    w.orders.push(Order {
        order_id,
        order_type: "ORDER_TYPE_SYS_ADD".into(),
        status: "ORDER_STATUS_FINANCE_SUCC".into(),
        create_time: now,
        pay_finish_time: now,
        desc: "开通券点账户奖励".into(),
        free_coin: Coins::whole(REWARD).0,
        pay_coin: 0,
        card_id: None,
    });
    shared.persist(&st);
    wx_ok(json!({"reward": REWARD}))
}

pub(crate) async fn coins_info(AxState(shared): S, Query(q): Q) -> Json<Value> {
    let mut st = shared.lock();
    if let Err(e) = authorize(&shared, &mut st, "/card/pay/getcoinsinfo", &q) {
        return e;
    }
    let w = &st.wallet;
    wx_ok(json!({
        "free_coin": Coins(w.free).as_f64(),
        "pay_coin": Coins(w.paid).as_f64(),
        "total_coin": Coins(w.free + w.paid).as_f64(),
    }))
}

pub(crate) async fn pay_price(AxState(shared): S, Query(q): Q, body: Bytes) -> Json<Value> {
    let mut st = shared.lock();
    if let Err(e) = authorize(&shared, &mut st, "/card/pay/getpayprice", &q) {
        return e;
    }
    let v = json_body(&body);
    let Some(card_id) = v.get("card_id").and_then(Value::as_str).map(str::to_owned) else {
        return wx_error(40053, "invalid card_id");
    };
    let Some(card) = st.cards.get(&card_id) else {
        return wx_error(40053, "invalid card_id");
    };
    let Some(quantity) = int_of(v.get("quantity")).filter(|n| (1..=100_000).contains(n)) else {
        return wx_error(codes::BAD_AMOUNT, "quantity must be 1-100000");
    };
    let body: crate::card::Card = serde_json::from_value(card.card.clone()).unwrap_or_default();
    let price = price_per_unit(&body).0 * quantity;
    let free = price.min(st.wallet.free);
    let order_id = st.new_id("P", 120);
    let expires = st.now() + QUOTE_LIFE;
    st.wallet.quotes.insert(
        order_id.clone(),
        Quote {
            card_id,
            quantity,
            price,
            expires,
            used: false,
        },
    );
    shared.persist(&st);
    wx_ok(json!({
        "order_id": order_id,
        "price": Coins(price).to_string(),
        "free_coin": Coins(free).to_string(),
        "pay_coin": Coins(price - free).to_string(),
    }))
}

pub(crate) async fn confirm(AxState(shared): S, Query(q): Q, body: Bytes) -> Json<Value> {
    // One lock across check-and-spend: concurrent confirms of one order cannot both pass.
    let mut st = shared.lock();
    if let Err(e) = authorize(&shared, &mut st, "/card/pay/confirm", &q) {
        return e;
    }
    let v = json_body(&body);
    let order_id = v
        .get("order_id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let card_id = v
        .get("card_id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let quantity = int_of(v.get("quantity"));
    let now = st.now();
    let Some(quote) = st.wallet.quotes.get(&order_id).cloned() else {
        return wx_error(codes::ORDER_UNKNOWN, "order_id not exist");
    };
    if quote.used {
        return wx_error(codes::ORDER_USED, "order already used");
    }
    if now > quote.expires {
        return wx_error(codes::ORDER_EXPIRED, "order expired, get a new price");
    }
    if quote.card_id != card_id || quantity != Some(quote.quantity) {
        return wx_error(
            codes::ORDER_MISMATCH,
            "card_id or quantity differ from the price order",
        );
    }
    let w = &st.wallet;
    if w.free + w.paid < quote.price {
        return wx_error(codes::COIN_NOT_ENOUGH, "coin not enough");
    }
    let free = quote.price.min(w.free);
    let paid = quote.price - free;
    let w = &mut st.wallet;
    w.free -= free;
    w.paid -= paid;
    if let Some(q) = w.quotes.get_mut(&order_id) {
        q.used = true;
    }
    w.orders.push(Order {
        order_id: order_id.clone(),
        order_type: "ORDER_TYPE_REDUCE".into(),
        status: "ORDER_STATUS_QUANTITY_SUCC".into(),
        create_time: now,
        pay_finish_time: now,
        desc: format!("兑换库存 {} 张", quote.quantity),
        free_coin: free,
        pay_coin: paid,
        card_id: Some(card_id.clone()),
    });
    if let Some(c) = st.cards.get_mut(&card_id) {
        c.quantity += quote.quantity;
        c.total_quantity += quote.quantity;
    }
    shared.persist(&st);
    wx_ok(json!({}))
}

pub(crate) async fn recharge(AxState(shared): S, Query(q): Q, body: Bytes) -> Json<Value> {
    let mut st = shared.lock();
    if let Err(e) = authorize(&shared, &mut st, "/card/pay/recharge", &q) {
        return e;
    }
    let Some(count) =
        int_of(json_body(&body).get("coin_count")).filter(|n| *n > 0 && *n <= 1_000_000)
    else {
        return wx_error(codes::BAD_AMOUNT, "coin_count must be positive");
    };
    let now = st.now();
    let order_id = format!("1000{now}{:08}", st.seq + 1);
    let pr = st.new_id("", 24);
    let url = format!("weixin://wxpay/bizpayurl?pr={pr}");
    let png = qr_png(&url);
    st.wallet.orders.push(Order {
        order_id: order_id.clone(),
        order_type: "ORDER_TYPE_WXPAY".into(),
        status: "ORDER_STATUS_WAITING".into(),
        create_time: now,
        pay_finish_time: 0,
        desc: "微信支付充值".into(),
        free_coin: 0,
        pay_coin: Coins::whole(count).0,
        card_id: None,
    });
    shared.persist(&st);
    wx_ok(json!({
        "order_id": order_id,
        "qrcode_url": url,
        "qrcode_buffer": base64::engine::general_purpose::STANDARD.encode(png),
    }))
}

/// A PNG of a QR code of `text` (empty on an encoder error, which a URL this short never hits).
fn qr_png(text: &str) -> Vec<u8> {
    let Ok(code) = qrcode::QrCode::new(text.as_bytes()) else {
        return Vec::new();
    };
    let img = code
        .render::<image::Luma<u8>>()
        .min_dimensions(240, 240)
        .build();
    let mut out = Vec::new();
    if img
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .is_err()
    {
        out.clear();
    }
    out
}

pub(crate) async fn get_order(AxState(shared): S, Query(q): Q, body: Bytes) -> Json<Value> {
    let mut st = shared.lock();
    if let Err(e) = authorize(&shared, &mut st, "/card/pay/getorder", &q) {
        return e;
    }
    let id = json_body(&body)
        .get("order_id")
        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
        .unwrap_or_default();
    match st.wallet.orders.iter().find(|o| o.order_id == id) {
        Some(o) => wx_ok(json!({"order_info": o.to_json()})),
        None => wx_error(codes::ORDER_UNKNOWN, "order_id not exist"),
    }
}

pub(crate) async fn order_list(AxState(shared): S, Query(q): Q, body: Bytes) -> Json<Value> {
    let mut st = shared.lock();
    if let Err(e) = authorize(&shared, &mut st, "/card/pay/getorderlist", &q) {
        return e;
    }
    let v = json_body(&body);
    let now = st.now();
    let begin = int_of(v.get("begin_time")).unwrap_or(now - 7 * 86_400);
    let end = int_of(v.get("end_time")).unwrap_or(now);
    let offset = usize::try_from(int_of(v.get("offset")).unwrap_or(0)).unwrap_or(0);
    let count = usize::try_from(int_of(v.get("count")).unwrap_or(50)).unwrap_or(50);
    let order_type = v.get("order_type").and_then(Value::as_str);
    let excluded = v
        .get("nor_filter")
        .and_then(|f| f.get("status"))
        .and_then(Value::as_str);
    let asc = v
        .get("sort_info")
        .and_then(|s| s.get("sort_type"))
        .and_then(Value::as_str)
        == Some("SORT_ASC");
    let mut list: Vec<&Order> = st
        .wallet
        .orders
        .iter()
        .filter(|o| (begin..=end).contains(&o.create_time))
        .filter(|o| order_type.is_none_or(|t| o.order_type == t))
        .filter(|o| excluded.is_none_or(|s| o.status != s))
        .collect();
    // Stable sort keeps the ledger order for equal times.
    list.sort_by_key(|o| o.create_time);
    if !asc {
        list.reverse();
    }
    let total = list.len();
    let page: Vec<Value> = list
        .into_iter()
        .skip(offset)
        .take(count)
        .map(Order::to_json)
        .collect();
    wx_ok(json!({"total_num": total, "order_list": page}))
}

/// Admin: pays (or fails) a waiting recharge order.
pub(crate) async fn admin_pay(AxState(shared): S, body: Bytes) -> Json<Value> {
    let v = json_body(&body);
    let id = v
        .get("order_id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let fail = v.get("fail").and_then(Value::as_bool).unwrap_or(false);
    let mut st = shared.lock();
    let now = st.now();
    let Some(pos) = st
        .wallet
        .orders
        .iter()
        .position(|o| o.order_id == id && o.order_type == "ORDER_TYPE_WXPAY")
    else {
        return Json(json!({"ok": false, "error": "no such recharge order"}));
    };
    if st.wallet.orders[pos].status != "ORDER_STATUS_WAITING" {
        return Json(json!({"ok": false, "error": "order is not waiting for payment"}));
    }
    let amount = st.wallet.orders[pos].pay_coin;
    let order = &mut st.wallet.orders[pos];
    if fail {
        order.status = "ORDER_STATUS_ROLLBACK".into();
    } else {
        order.status = "ORDER_STATUS_FINANCE_SUCC".into();
        order.pay_finish_time = now;
        st.wallet.paid += amount;
    }
    shared.persist(&st);
    Json(json!({"ok": true}))
}
