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
/// confirm's errcodes, so the refusal itself is not trusted: the order list decides. An order
/// listed as done means the stock was added; listed as failed, or not listed, that nothing
/// moved (a refused order is not on its way, so there is no waiting for the quote to end).
///
/// The stock is read with the same lookup and shown, but it does not decide: another confirm,
/// or a late one, can raise it by the same amount (the property test found exactly that).
pub fn judge_refused_confirm(order: Option<&OrderInfo>) -> ConfirmVerdict {
    match order {
        Some(o) if !is_failed(&o.status) => ConfirmVerdict::Applied,
        _ => ConfirmVerdict::NotApplied,
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
    fn a_refused_confirm_is_judged_by_the_order_list() {
        let done = order("ORDER_STATUS_QUANTITY_SUCC");
        let failed = order("ORDER_STATUS_ROLLBACK");
        assert_eq!(judge_refused_confirm(Some(&done)), ConfirmVerdict::Applied);
        assert_eq!(
            judge_refused_confirm(Some(&failed)),
            ConfirmVerdict::NotApplied
        );
        assert_eq!(judge_refused_confirm(None), ConfirmVerdict::NotApplied);
    }
}
