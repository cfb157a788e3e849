//! Wallet rules, free of egui and of IO: the 60-second quote and its safety margin, what a
//! reconciliation concludes, recharge states, order labels in both languages and CSV export.
//!
//! Time here is the server's clock in Unix seconds (fractional). In sandbox mode the app
//! follows the simulator's clock, which tests and demos can move forward; with a real account
//! it is the local clock.

use crate::api::pay::{OrderInfo, PayPrice};
use crate::card::beijing;
use crate::card::pricing::Coins;
use crate::i18n::{Lang, T};

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

/// What a reconciliation of an uncertain confirm concludes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ConfirmVerdict {
    /// The order is in the list as done: the stock was added (once).
    Applied,
    /// The order is not there and can no longer happen (its quote is over): nothing moved.
    NotApplied,
    /// Not in the list yet, but the quote is still live: look again at this server time (ms).
    LookAgainAt(i64),
}

/// Judges an uncertain confirm from the order list entry with its order id (if any).
pub fn judge_confirm(
    order: Option<&OrderInfo>,
    quote_expires_at_ms: i64,
    now_ms: i64,
) -> ConfirmVerdict {
    match order {
        Some(o) if is_failed(&o.status) => ConfirmVerdict::NotApplied,
        Some(_) => ConfirmVerdict::Applied,
        None => {
            let final_at = quote_expires_at_ms + (RECONCILE_GRACE_SECS * 1000.0) as i64;
            if now_ms >= final_at {
                ConfirmVerdict::NotApplied
            } else {
                ConfirmVerdict::LookAgainAt(final_at)
            }
        }
    }
}

/// Where a recharge order stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RechargeState {
    /// Waiting for the scan and payment.
    Waiting,
    /// Paid; coins not credited yet.
    Paid,
    /// Coins credited (ORDER_STATUS_FINANCE_SUCC).
    Credited,
    /// Failed, rolled back or refunded.
    Failed,
}

/// The recharge state of an ORDER_STATUS_*.
pub fn recharge_state(status: &str) -> RechargeState {
    match status {
        "ORDER_STATUS_FINANCE_SUCC" | "ORDER_STATUS_HAS_RECEIPT" => RechargeState::Credited,
        "ORDER_STATUS_SUCC" => RechargeState::Paid,
        s if is_failed(s) => RechargeState::Failed,
        _ => RechargeState::Waiting,
    }
}

fn is_failed(status: &str) -> bool {
    matches!(
        status,
        "ORDER_STATUS_ROLLBACK" | "ORDER_STATUS_HAS_REFUND" | "ORDER_STATUS_REFUND_WAITING"
    )
}

/// The order statuses of the guide, in its order.
pub const ORDER_STATUSES: [&str; 8] = [
    "ORDER_STATUS_WAITING",
    "ORDER_STATUS_SUCC",
    "ORDER_STATUS_FINANCE_SUCC",
    "ORDER_STATUS_QUANTITY_SUCC",
    "ORDER_STATUS_HAS_REFUND",
    "ORDER_STATUS_REFUND_WAITING",
    "ORDER_STATUS_ROLLBACK",
    "ORDER_STATUS_HAS_RECEIPT",
];

/// The order types of the guide.
pub const ORDER_TYPES: [&str; 5] = [
    "ORDER_TYPE_SYS_ADD",
    "ORDER_TYPE_WXPAY",
    "ORDER_TYPE_REFUND",
    "ORDER_TYPE_REDUCE",
    "ORDER_TYPE_SYS_REDUCE",
];

/// An order status in words (the guide's Chinese; unknown values as they are).
pub fn status_text(status: &str, lang: Lang) -> String {
    let key = match status {
        "ORDER_STATUS_WAITING" => T::OrderStatusWaiting,
        "ORDER_STATUS_SUCC" => T::OrderStatusSucc,
        "ORDER_STATUS_FINANCE_SUCC" => T::OrderStatusFinanceSucc,
        "ORDER_STATUS_QUANTITY_SUCC" => T::OrderStatusQuantitySucc,
        "ORDER_STATUS_HAS_REFUND" => T::OrderStatusHasRefund,
        "ORDER_STATUS_REFUND_WAITING" => T::OrderStatusRefundWaiting,
        "ORDER_STATUS_ROLLBACK" => T::OrderStatusRollback,
        "ORDER_STATUS_HAS_RECEIPT" => T::OrderStatusHasReceipt,
        other => return other.to_owned(),
    };
    key.get(lang).to_owned()
}

/// An order type in words.
pub fn type_text(order_type: &str, lang: Lang) -> String {
    let key = match order_type {
        "ORDER_TYPE_SYS_ADD" => T::OrderTypeSysAdd,
        "ORDER_TYPE_WXPAY" => T::OrderTypeWxpay,
        "ORDER_TYPE_REFUND" => T::OrderTypeRefund,
        "ORDER_TYPE_REDUCE" => T::OrderTypeReduce,
        "ORDER_TYPE_SYS_REDUCE" => T::OrderTypeSysReduce,
        other => return other.to_owned(),
    };
    key.get(lang).to_owned()
}

/// A Unix time as a Beijing date and time ("2015-12-21 23:46:38"); empty for 0.
pub fn beijing_time(ts: i64) -> String {
    if ts <= 0 {
        return String::new();
    }
    chrono::DateTime::from_timestamp(ts, 0)
        .map(|t| {
            t.with_timezone(&beijing::offset())
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        })
        .unwrap_or_default()
}

/// The orders as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read the Chinese),
/// headers and labels in `lang`, raw WeChat values beside the labels.
pub fn orders_csv(orders: &[OrderInfo], lang: Lang) -> Result<Vec<u8>, csv::Error> {
    let mut out = Vec::from("\u{feff}".as_bytes());
    {
        let mut w = csv::Writer::from_writer(&mut out);
        let header: [&str; 10] = [
            T::CsvOrderId.get(lang),
            T::CsvOrderType.get(lang),
            T::CsvOrderStatus.get(lang),
            T::CsvCreated.get(lang),
            T::CsvPaidAt.get(lang),
            T::CsvDescription.get(lang),
            T::CsvFreeCoins.get(lang),
            T::CsvPaidCoins.get(lang),
            "order_type",
            "status",
        ];
        w.write_record(header)?;
        for o in orders {
            w.write_record([
                o.order_id.clone(),
                type_text(&o.order_type, lang),
                status_text(&o.status, lang),
                beijing_time(o.create_time),
                beijing_time(o.pay_finish_time),
                o.desc.clone(),
                o.free_coin_count.to_string(),
                o.pay_coin_count.to_string(),
                o.order_type.clone(),
                o.status.clone(),
            ])?;
        }
        w.flush()?;
    }
    Ok(out)
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

    fn order(status: &str) -> OrderInfo {
        OrderInfo {
            order_id: "P1".into(),
            status: status.into(),
            create_time: 1_450_712_798,
            pay_finish_time: 0,
            desc: "兑换库存, 10 张".into(),
            free_coin_count: Coins(600),
            pay_coin_count: Coins(0),
            order_type: "ORDER_TYPE_REDUCE".into(),
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

    #[test]
    fn reconciliation_waits_for_the_quote_to_end_before_saying_no() {
        let done = order("ORDER_STATUS_QUANTITY_SUCC");
        assert_eq!(
            judge_confirm(Some(&done), 60_000, 10_000),
            ConfirmVerdict::Applied
        );
        let rolled = order("ORDER_STATUS_ROLLBACK");
        assert_eq!(
            judge_confirm(Some(&rolled), 60_000, 10_000),
            ConfirmVerdict::NotApplied
        );
        assert_eq!(
            judge_confirm(None, 60_000, 10_000),
            ConfirmVerdict::LookAgainAt(63_000)
        );
        assert_eq!(
            judge_confirm(None, 60_000, 63_000),
            ConfirmVerdict::NotApplied
        );
    }

    #[test]
    fn recharge_states_follow_the_guides_statuses() {
        assert_eq!(
            recharge_state("ORDER_STATUS_WAITING"),
            RechargeState::Waiting
        );
        assert_eq!(recharge_state("ORDER_STATUS_SUCC"), RechargeState::Paid);
        assert_eq!(
            recharge_state("ORDER_STATUS_FINANCE_SUCC"),
            RechargeState::Credited
        );
        assert_eq!(
            recharge_state("ORDER_STATUS_ROLLBACK"),
            RechargeState::Failed
        );
    }

    #[test]
    fn every_status_and_type_has_words_in_both_languages() {
        for s in ORDER_STATUSES {
            assert_ne!(status_text(s, Lang::Zh), s);
            assert_ne!(status_text(s, Lang::En), s);
        }
        for t in ORDER_TYPES {
            assert_ne!(type_text(t, Lang::Zh), t);
            assert_ne!(type_text(t, Lang::En), t);
        }
        assert_eq!(
            status_text("ORDER_STATUS_NEW", Lang::Zh),
            "ORDER_STATUS_NEW"
        );
    }

    #[test]
    fn csv_has_a_bom_labels_and_quotes_commas() {
        let bytes = orders_csv(&[order("ORDER_STATUS_QUANTITY_SUCC")], Lang::Zh).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.starts_with('\u{feff}'));
        let mut lines = text.trim_start_matches('\u{feff}').lines();
        assert!(lines.next().unwrap().starts_with("订单号,类型,状态"));
        assert_eq!(
            lines.next().unwrap(),
            "P1,券点兑换库存,加库存成功,2015-12-21 23:46:38,,\"兑换库存, 10 张\",6,0,ORDER_TYPE_REDUCE,ORDER_STATUS_QUANTITY_SUCC"
        );
        assert_eq!(lines.next(), None);
    }
}
