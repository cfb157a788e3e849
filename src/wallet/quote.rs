//! The 60-second quote: its life, the confirm margin, and what a shortfall of coins asks
//! the user to recharge. Time is the server's clock in Unix milliseconds.

use crate::api::pay::PayPrice;
use crate::card::pricing::Coins;

/// How long a quote (getpayprice) is valid: the guide's 60 seconds.
pub const QUOTE_LIFE_SECS: f64 = 60.0;
/// Confirm is offered only while at least this much of the quote is left, so that a confirm
/// sent over a slow connection still arrives in time.
pub const CONFIRM_MARGIN_SECS: f64 = 5.0;
/// A recharge order is polled this often while its QR is shown.
pub const RECHARGE_POLL_SECS: f64 = 2.0;
/// After this long without payment the panel stops polling (the user can resume).
pub const RECHARGE_TIMEOUT_SECS: f64 = 15.0 * 60.0;
/// Extra seconds after a quote's end before "not in the order list" means "not applied":
/// WeChat refuses a confirm after the quote's end, so past that the answer is final.
pub const RECONCILE_GRACE_SECS: f64 = 3.0;
/// Stock per confirm (the simulator's and WeChat's range).
pub const MAX_QUANTITY: u32 = 100_000;
/// Coins per recharge.
pub const MAX_RECHARGE: u32 = 1_000_000;

/// A quote as the panel holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveQuote {
    /// The quote's order id: confirm uses it, once.
    pub order_id: String,
    /// The card.
    pub card_id: String,
    /// Units of stock.
    pub quantity: u32,
    /// Price, and how it splits into free and paid coins.
    pub price: PayPrice,
    /// Server time (Unix ms) when the quote ends. Counted from when the request was *sent*,
    /// so the local countdown never runs longer than WeChat's.
    pub expires_at_ms: i64,
}

impl LiveQuote {
    /// A quote answered for a request sent at `sent_at_ms` (server time).
    pub fn new(card_id: &str, quantity: u32, price: PayPrice, sent_at_ms: i64) -> Self {
        Self {
            order_id: price.order_id.clone(),
            card_id: card_id.to_owned(),
            quantity,
            price,
            expires_at_ms: sent_at_ms + (QUOTE_LIFE_SECS * 1000.0) as i64,
        }
    }

    /// Seconds left at `now_ms` (≥ 0).
    pub fn remaining(&self, now_ms: i64) -> f64 {
        ((self.expires_at_ms - now_ms) as f64 / 1000.0).max(0.0)
    }

    /// Whether confirm may be sent now: at least [`CONFIRM_MARGIN_SECS`] left.
    pub fn confirmable(&self, now_ms: i64) -> bool {
        self.remaining(now_ms) >= CONFIRM_MARGIN_SECS
    }

    /// Whether the quote is over.
    pub fn expired(&self, now_ms: i64) -> bool {
        now_ms >= self.expires_at_ms
    }
}

/// How many coins are missing to pay `price` from `balance`, if any.
pub fn shortfall(price: Coins, balance: Coins) -> Option<Coins> {
    (price > balance).then(|| Coins(price.0 - balance.0))
}

/// Whole coins to recharge to cover a shortfall (recharges are whole coins).
pub fn recharge_for(shortfall: Coins) -> u32 {
    u32::try_from((shortfall.0 + 99) / 100)
        .unwrap_or(MAX_RECHARGE)
        .clamp(1, MAX_RECHARGE)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn price(total: i64) -> PayPrice {
        PayPrice {
            order_id: "P1".into(),
            price: Coins(total),
            free_coin: Coins(total),
            pay_coin: Coins(0),
        }
    }

    #[test]
    fn the_quote_counts_down_from_the_send_time_with_a_margin() {
        let q = LiveQuote::new("p1", 10, price(600), 1_000_000);
        assert_eq!(q.remaining(1_000_000), 60.0);
        assert!(q.confirmable(1_000_000 + 55_000));
        assert!(!q.confirmable(1_000_000 + 55_001));
        assert!(!q.expired(1_000_000 + 59_999));
        assert!(q.expired(1_000_000 + 60_000));
        assert_eq!(q.remaining(1_000_000 + 61_000), 0.0);
    }

    #[test]
    fn shortfall_and_the_recharge_that_covers_it() {
        assert_eq!(shortfall(Coins(600), Coins(600)), None);
        assert_eq!(shortfall(Coins(601), Coins(600)), Some(Coins(1)));
        assert_eq!(recharge_for(Coins(1)), 1);
        assert_eq!(recharge_for(Coins(100)), 1);
        assert_eq!(recharge_for(Coins(101)), 2);
    }
}
