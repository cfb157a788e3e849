//! Stock left at expiry goes back as coins, a day later. The guide's FAQ: "若卡券过期时,card_id
//! 内尚有库存,我们会将库存折合券点退回商户的账户,周期为T+1(隔日退回)".
//!
//! The simulator reads T+1 as the first Beijing midnight after `end_timestamp`. The refund is
//! the left stock's share of what the card's stock cost, split as it was paid: free coins go
//! back as free coins and paid ones as paid. The card's stock becomes 0 and the ledger gets an
//! `ORDER_TYPE_REFUND` order (`ORDER_STATUS_HAS_REFUND`) carrying the counts.

use super::State;
use super::ledger::Order;
use super::notice::Notice;
use super::pay::MERCHANT_OPENID;

/// Seconds from UTC to Beijing time.
const BEIJING: i64 = 8 * 3600;
/// Seconds in a day.
const DAY: i64 = 86_400;

/// When the stock of a card that ended at `end` is refunded: the next Beijing midnight.
pub fn due_at(end: i64) -> i64 {
    let local = end.saturating_add(BEIJING);
    local
        .div_euclid(DAY)
        .saturating_add(1)
        .saturating_mul(DAY)
        .saturating_sub(BEIJING)
}

/// `part × num / den`, rounded down, without overflow (0 when `den` is 0).
fn share(part: i64, num: i64, den: i64) -> i64 {
    if den <= 0 {
        return 0;
    }
    let v = i128::from(part) * i128::from(num) / i128::from(den);
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// Refunds every card whose refund is due and that still holds stock; whether anything moved.
pub fn settle(st: &mut State) -> bool {
    let now = st.now();
    let due: Vec<(String, i64, i64, i64)> = st
        .cards
        .iter()
        .filter(|(_, c)| c.quantity > 0)
        .filter_map(|(id, c)| {
            let end = c.validity().1;
            let at = (end != i64::MAX).then(|| due_at(end))?;
            (now >= at).then(|| (id.clone(), at, c.quantity, c.total_quantity))
        })
        .collect();
    for (card_id, at, left, bought) in &due {
        let (spent_free, spent_paid) = st
            .wallet
            .orders
            .iter()
            .filter(|o| o.order_type == "ORDER_TYPE_REDUCE")
            .filter(|o| o.card_id.as_deref() == Some(card_id.as_str()))
            .fold((0, 0), |(f, p), o| (f + o.free_coin, p + o.pay_coin));
        let free = share(spent_free, *left, *bought);
        let paid = share(spent_paid, *left, *bought);
        st.seq += 1;
        let order_id = format!("RF{at}{:011}", st.seq);
        let w = &mut st.wallet;
        w.free += free;
        w.paid += paid;
        let order = Order {
            order_id,
            order_type: "ORDER_TYPE_REFUND".into(),
            status: "ORDER_STATUS_HAS_REFUND".into(),
            create_time: *at,
            pay_finish_time: *at,
            desc: format!("到期退回库存 {left} 张"),
            free_coin: free,
            pay_coin: paid,
            refund_free: free,
            refund_paid: paid,
            openid: MERCHANT_OPENID.into(),
            card_id: Some(card_id.clone()),
        };
        w.orders.push(order.clone());
        st.notify(Notice::Order { time: *at, order });
        if let Some(c) = st.cards.get_mut(card_id) {
            c.quantity = 0;
        }
    }
    !due.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_refund_is_due_at_the_next_beijing_midnight() {
        // 2015-12-12 12:12:12 Beijing → 2015-12-13 00:00:00 Beijing.
        assert_eq!(due_at(1_449_893_532), 1_449_936_000);
        // A card ending exactly at midnight is refunded a day later.
        assert_eq!(due_at(1_449_936_000), 1_449_936_000 + DAY);
        assert_eq!(share(1000, 1, 3), 333);
        assert_eq!(share(5, 1, 0), 0);
    }
}
