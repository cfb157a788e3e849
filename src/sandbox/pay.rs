//! The coin wallet (`card/pay/*`): activate, getcoinsinfo, getpayprice (a quote valid 60 s and
//! usable once), confirm (coins → stock, atomically), recharge (a WeChat Pay QR), getorder and
//! getorderlist. Amounts are kept in hundredths ([`Coins`]).
//!
//! - activate: the first call rewards 200 free coins (an ORDER_TYPE_SYS_ADD order); later
//!   calls answer `reward: 0`.
//! - getpayprice and confirm refuse a card that is not approved or is past its end (41316).
//! - confirm refusals: 41310 unknown order, 41312 used, 41311 expired, 41313 card_id/quantity
//!   differ, 41314 not enough coins (see `errors.rs`). Free coins are spent first.
//! - recharge: an ORDER_TYPE_WXPAY order waits (ORDER_STATUS_WAITING) until the admin call
//!   `/sandbox/recharge/pay` pays it (ORDER_STATUS_FINANCE_SUCC) or fails it
//!   (ORDER_STATUS_ROLLBACK).

use axum::body::Bytes;
use axum::extract::{Query as AxQuery, State as AxState};
use axum::response::Response;
use base64::Engine;
use serde_json::{Value, json};

use super::auth::{Q, S};
use super::body;
use super::errors::{WxError, code};
use super::ledger::{Order, Quote};
use super::notice::Notice;
use super::spec;
use super::state::SimCard;
use super::{Shared, State, status};
use crate::card::pricing::Coins;

/// A quote lives this long (the guide: 60 s).
pub const QUOTE_LIFE: i64 = 60;
/// The reward for opening the account, in coins.
pub const REWARD: i64 = 200;
/// Stock per confirm: 1–100000.
pub const MAX_QUANTITY: i64 = 100_000;
/// Coins per recharge: 1–1000000.
pub const MAX_RECHARGE: i64 = 1_000_000;
pub use super::ledger::MERCHANT_OPENID;

/// Coins as a JSON number with at most two decimals (200, 199.4).
pub fn coins_json(c: Coins) -> Value {
    if c.0 % 100 == 0 {
        json!(c.0 / 100)
    } else {
        json!(c.as_f64())
    }
}

/// `GET card/pay/activate`.
pub async fn activate(AxState(shared): S, AxQuery(q): Q) -> Response {
    shared.call(&q, true, |st, _| {
        if st.wallet.activated {
            return Ok(json!({"reward": 0}));
        }
        let now = st.now();
        let order_id = st.new_id("SYS", 27);
        let reward = Coins::whole(REWARD).0;
        let w = &mut st.wallet;
        w.activated = true;
        w.free += reward;
        let order = Order {
            order_id,
            order_type: "ORDER_TYPE_SYS_ADD".into(),
            status: "ORDER_STATUS_FINANCE_SUCC".into(),
            create_time: now,
            pay_finish_time: now,
            desc: "开通券点账户奖励".into(),
            free_coin: reward,
            pay_coin: 0,
            refund_free: 0,
            refund_paid: 0,
            openid: MERCHANT_OPENID.into(),
            card_id: None,
        };
        w.orders.push(order.clone());
        st.notify(Notice::Order { time: now, order });
        // Real answers were seen with the reward as a string.
        Ok(json!({"reward": REWARD.to_string()}))
    })
}

/// `GET card/pay/getcoinsinfo`.
pub async fn coins_info(AxState(shared): S, AxQuery(q): Q) -> Response {
    shared.call(&q, false, |st, _| {
        let w = &st.wallet;
        Ok(json!({
            "free_coin": coins_json(Coins(w.free)),
            "pay_coin": coins_json(Coins(w.paid)),
            "total_coin": coins_json(Coins(w.free + w.paid)),
        }))
    })
}

fn quantity(v: &Value) -> Result<i64, WxError> {
    body::int(v, "quantity")
        .ok()
        .flatten()
        .filter(|n| (1..=MAX_QUANTITY).contains(n))
        .ok_or_else(|| WxError::sim(code::BAD_AMOUNT, "quantity"))
}

/// 41316 unless stock may be bought for `card` now: it is approved (the back office: "审核中的
/// 朋友的券无法修改库存"; the guide adds stock only after approval) and not past its end.
fn buyable(st: &State, shared: &Shared, id: &str, card: &SimCard) -> Result<(), WxError> {
    let status = st.status_of(card, shared.review_delay());
    if status != status::VERIFY_OK {
        return Err(WxError::sim(
            code::CARD_NOT_BUYABLE,
            format!("{id} is {status}"),
        ));
    }
    let end = card.validity().1;
    if st.now() > end {
        return Err(WxError::sim(
            code::CARD_NOT_BUYABLE,
            format!("{id} ended at {end}"),
        ));
    }
    Ok(())
}

/// `POST card/pay/getpayprice {card_id, quantity}`.
pub async fn pay_price(AxState(shared): S, AxQuery(q): Q, bytes: Bytes) -> Response {
    shared.call(&q, true, |st, shared| {
        let v = body::parse(&bytes)?;
        let (card_id, card) = st.known_card(&v)?;
        buyable(st, shared, &card_id, card)?;
        let quantity = quantity(&v)?;
        let per_unit = spec::prices::per_unit(card.card.get(card.body_key())).hundredths;
        let price = Coins(per_unit)
            .times(quantity)
            .ok_or_else(|| WxError::sim(code::BAD_AMOUNT, "quantity"))?
            .0;
        let free = price.min(st.wallet.free);
        let order_id = st.new_id("P", 160);
        let expires = st.now() + QUOTE_LIFE;
        let quote = Quote {
            card_id,
            quantity,
            price,
            expires,
            used: false,
        };
        // Quotes dead for a day are forgotten (a confirm then answers 41310, not 41311).
        st.wallet.quotes.retain(|_, q| q.expires > expires - 86_400);
        st.wallet.quotes.insert(order_id.clone(), quote);
        Ok(json!({
            "order_id": order_id,
            "price": Coins(price).to_string(),
            "free_coin": Coins(free).to_string(),
            "pay_coin": Coins(price - free).to_string(),
        }))
    })
}

/// `POST card/pay/confirm {card_id, order_id, quantity}`. The state lock is held from the
/// checks to the spending, so concurrent confirms of one quote cannot both pass.
pub async fn confirm(AxState(shared): S, AxQuery(q): Q, bytes: Bytes) -> Response {
    shared.call(&q, true, |st, shared| {
        let v = body::parse(&bytes)?;
        let order_id = body::string(&v, "order_id").unwrap_or_default();
        let card_id = body::string(&v, "card_id").unwrap_or_default();
        let quantity = body::int(&v, "quantity").ok().flatten();
        let now = st.now();
        let quote = st
            .wallet
            .quotes
            .get(&order_id)
            .cloned()
            .ok_or_else(|| WxError::sim(code::ORDER_UNKNOWN, &order_id))?;
        if quote.used {
            return Err(WxError::sim(code::ORDER_USED, ""));
        }
        if now > quote.expires {
            return Err(WxError::sim(code::ORDER_EXPIRED, ""));
        }
        if quote.card_id != card_id || quantity != Some(quote.quantity) {
            return Err(WxError::sim(
                code::ORDER_MISMATCH,
                format!("quoted {} × {}", quote.card_id, quote.quantity),
            ));
        }
        match st.cards.get(&card_id) {
            Some(card) => buyable(st, shared, &card_id, card)?,
            None => return Err(WxError::card_id(&card_id)),
        }
        let w = &mut st.wallet;
        if w.free + w.paid < quote.price {
            return Err(WxError::sim(
                code::COIN_NOT_ENOUGH,
                format!(
                    "price {}, balance {}",
                    Coins(quote.price),
                    Coins(w.free + w.paid)
                ),
            ));
        }
        let free = quote.price.min(w.free);
        let paid = quote.price - free;
        w.free -= free;
        w.paid -= paid;
        if let Some(q) = w.quotes.get_mut(&order_id) {
            q.used = true;
        }
        let order = Order {
            order_id,
            order_type: "ORDER_TYPE_REDUCE".into(),
            status: "ORDER_STATUS_QUANTITY_SUCC".into(),
            create_time: now,
            pay_finish_time: now,
            desc: format!("兑换库存 {} 张", quote.quantity),
            free_coin: free,
            pay_coin: paid,
            refund_free: 0,
            refund_paid: 0,
            openid: MERCHANT_OPENID.into(),
            card_id: Some(card_id.clone()),
        };
        w.orders.push(order.clone());
        st.notify(Notice::Order { time: now, order });
        if let Some(c) = st.cards.get_mut(&card_id) {
            c.quantity += quote.quantity;
            c.total_quantity += quote.quantity;
        }
        Ok(json!({}))
    })
}

/// `POST card/pay/recharge {coin_count}`.
pub async fn recharge(AxState(shared): S, AxQuery(q): Q, bytes: Bytes) -> Response {
    shared.call(&q, true, |st, _| {
        let v = body::parse(&bytes)?;
        let count = body::int(&v, "coin_count")
            .ok()
            .flatten()
            .filter(|n| (1..=MAX_RECHARGE).contains(n))
            .ok_or_else(|| WxError::sim(code::BAD_AMOUNT, "coin_count"))?;
        let now = st.now();
        st.seq += 1;
        let order_id = format!("1000{now}{:011}", st.seq);
        let pr = st.new_id("", 24);
        let url = format!("weixin://wxpay/bizpayurl?pr={pr}");
        let png = qr_png(&url)?;
        st.wallet.orders.push(Order {
            order_id: order_id.clone(),
            order_type: "ORDER_TYPE_WXPAY".into(),
            status: "ORDER_STATUS_WAITING".into(),
            create_time: now,
            pay_finish_time: 0,
            desc: "微信支付充值".into(),
            free_coin: 0,
            pay_coin: Coins::whole(count).0,
            refund_free: 0,
            refund_paid: 0,
            openid: String::new(),
            card_id: None,
        });
        Ok(json!({
            "order_id": order_id,
            "qrcode_url": url,
            "qrcode_buffer": base64::engine::general_purpose::STANDARD.encode(png),
        }))
    })
}

/// A PNG of a QR code of `text`.
pub fn qr_png(text: &str) -> Result<Vec<u8>, WxError> {
    let code = qrcode::QrCode::new(text.as_bytes()).map_err(WxError::system)?;
    let img = code
        .render::<image::Luma<u8>>()
        .min_dimensions(240, 240)
        .build();
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .map_err(WxError::system)?;
    Ok(out)
}

/// `POST card/pay/getorder {order_id}` (a number or a string).
pub async fn get_order(AxState(shared): S, AxQuery(q): Q, bytes: Bytes) -> Response {
    shared.call(&q, false, |st, _| {
        let v = body::parse(&bytes)?;
        let id = body::string(&v, "order_id").unwrap_or_default();
        match st.wallet.orders.iter().find(|o| o.order_id == id) {
            Some(o) => {
                // Real getorder answers carry create_time as a string (getorderlist: a number).
                let mut info = o.to_json();
                info["create_time"] = json!(o.create_time.to_string());
                Ok(json!({"order_info": info}))
            }
            None => Err(WxError::sim(code::ORDER_UNKNOWN, id)),
        }
    })
}

/// `POST card/pay/getorderlist`: offset/count, order_type, nor_filter.status (excluded),
/// sort_info (SORT_BY_TIME; SORT_DESC default, SORT_ASC), begin_time/end_time (default the
/// last week).
pub async fn order_list(AxState(shared): S, AxQuery(q): Q, bytes: Bytes) -> Response {
    shared.call(&q, false, |st, _| {
        let v = body::parse(&bytes)?;
        let now = st.now();
        let begin = body::int(&v, "begin_time")?.unwrap_or(now - 7 * 86_400);
        let end = body::int(&v, "end_time")?.unwrap_or(now);
        let offset = usize::try_from(body::int(&v, "offset")?.unwrap_or(0)).unwrap_or(0);
        let count = usize::try_from(body::int(&v, "count")?.unwrap_or(50)).unwrap_or(50);
        let order_type = body::string(&v, "order_type").filter(|s| !s.is_empty());
        let excluded = v
            .get("nor_filter")
            .and_then(|f| body::string(f, "status"))
            .filter(|s| !s.is_empty());
        let asc = v
            .get("sort_info")
            .and_then(|s| body::string(s, "sort_type"))
            .as_deref()
            == Some("SORT_ASC");
        let mut list: Vec<&Order> = st
            .wallet
            .orders
            .iter()
            .filter(|o| (begin..=end).contains(&o.create_time))
            .filter(|o| order_type.as_ref().is_none_or(|t| &o.order_type == t))
            .filter(|o| excluded.as_ref().is_none_or(|s| &o.status != s))
            .collect();
        // A stable sort keeps the ledger order for equal times.
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
        Ok(json!({"total_num": total, "order_list": page}))
    })
}
