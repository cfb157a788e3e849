//! What the order list says about an uncertain confirm, and where a recharge order stands.

use crate::api::pay::OrderInfo;

use super::RECONCILE_GRACE_SECS;

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

/// Judges a confirm that WeChat refused with an errcode. The guide documents none of
/// confirm's errcodes, so the refusal itself is not trusted: the order list entry decides when
/// there is one, and otherwise the stock: risen by at least `quantity` since the quote means
/// the confirm went through (the order list may lag), anything else that nothing moved. It
/// never waits, because a refused order is not still on its way.
pub fn judge_refused_confirm(
    order: Option<&OrderInfo>,
    stock_before: Option<i64>,
    stock_now: Option<i64>,
    quantity: i64,
) -> ConfirmVerdict {
    match (order, stock_before, stock_now) {
        (Some(o), _, _) if is_failed(&o.status) => ConfirmVerdict::NotApplied,
        (Some(_), _, _) => ConfirmVerdict::Applied,
        (None, Some(before), Some(now)) if quantity > 0 && now >= before + quantity => {
            ConfirmVerdict::Applied
        }
        (None, _, _) => ConfirmVerdict::NotApplied,
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::wallet::fakes::sample_order as order;

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
    fn a_refused_confirm_is_judged_by_the_order_list_then_the_stock() {
        let done = order("ORDER_STATUS_QUANTITY_SUCC");
        let failed = order("ORDER_STATUS_ROLLBACK");
        // The order list decides when it has the order, whatever the stock says.
        assert_eq!(
            judge_refused_confirm(Some(&done), Some(5), Some(5), 10),
            ConfirmVerdict::Applied
        );
        assert_eq!(
            judge_refused_confirm(Some(&failed), Some(5), Some(15), 10),
            ConfirmVerdict::NotApplied
        );
        // Without it, the stock: risen by the quantity means it went through.
        assert_eq!(
            judge_refused_confirm(None, Some(5), Some(15), 10),
            ConfirmVerdict::Applied
        );
        assert_eq!(
            judge_refused_confirm(None, Some(5), Some(14), 10),
            ConfirmVerdict::NotApplied
        );
        assert_eq!(
            judge_refused_confirm(None, None, Some(15), 10),
            ConfirmVerdict::NotApplied
        );
    }
}
