//! Whether stock may be bought for a card now. The guide adds stock only after the review
//! passed (库存 is bought for an approved card), the back office refuses it for a friends'
//! coupon in review ("审核中的朋友的券无法修改库存"), and at expiry WeChat refunds the stock
//! left (FAQ: "若卡券过期时,card_id内尚有库存,我们会将库存折合券点退回"), so stock bought
//! after the end could never be received. The Coins panel says so before a quote is asked.

use crate::api::CardDetails;
use crate::i18n::{Lang, T};

/// Why no stock can be bought for a card.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotStockable {
    /// `CARD_STATUS_NOT_VERIFY` (or a status this app does not know): the review is pending.
    InReview,
    /// `CARD_STATUS_VERIFY_FAIL`.
    Rejected,
    /// `CARD_STATUS_DELETE` or `CARD_STATUS_USER_DELETE`.
    Deleted,
    /// Past `date_info.end_timestamp`.
    Ended,
}

impl NotStockable {
    /// What the person reads under the card, in `lang`.
    pub fn text(self, lang: Lang) -> &'static str {
        match self {
            Self::InReview => T::StockWhenInReview,
            Self::Rejected => T::StockWhenRejected,
            Self::Deleted => T::StockWhenDeleted,
            Self::Ended => T::StockWhenEnded,
        }
        .get(lang)
    }
}

/// Why stock cannot be bought for `card` at `now_s` (Unix seconds), or `None` when it can:
/// approved (`CARD_STATUS_VERIFY_OK`, or `CARD_STATUS_DISPATCH`, approved and placed in the
/// back office) and not past its end.
pub fn not_stockable(card: &CardDetails, now_s: i64) -> Option<NotStockable> {
    match card.status.as_str() {
        "CARD_STATUS_VERIFY_OK" | "CARD_STATUS_DISPATCH" => {}
        "CARD_STATUS_VERIFY_FAIL" => return Some(NotStockable::Rejected),
        "CARD_STATUS_DELETE" | "CARD_STATUS_USER_DELETE" => return Some(NotStockable::Deleted),
        _ => return Some(NotStockable::InReview),
    }
    let end = card
        .body
        .card
        .base_info()
        .and_then(|b| b.date_info.as_ref())
        .and_then(|d| d.end_timestamp.as_ref())
        .and_then(|e| e.get());
    match end {
        Some(end) if now_s > end => Some(NotStockable::Ended),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::card::model::CreateBody;

    const END: i64 = 1_801_324_800;

    fn card(status: &str) -> CardDetails {
        let body: CreateBody = serde_json::from_value(serde_json::json!({"card": {
            "card_type": "CASH",
            "cash": {"base_info": {"date_info": {
                "type": "DATE_TYPE_FIX_TIME_RANGE",
                "begin_timestamp": END - 30 * 86_400,
                "end_timestamp": END.to_string(),
            }}}
        }}))
        .unwrap();
        CardDetails {
            card_id: "pCard".into(),
            body,
            status: status.into(),
            quantity: Some(0),
            total_quantity: Some(0),
        }
    }

    #[test]
    fn only_an_approved_card_before_its_end_takes_stock() {
        let before = END - 1;
        assert_eq!(not_stockable(&card("CARD_STATUS_VERIFY_OK"), before), None);
        assert_eq!(not_stockable(&card("CARD_STATUS_DISPATCH"), before), None);
        // The end second itself is still within the validity; the next one is not.
        assert_eq!(not_stockable(&card("CARD_STATUS_VERIFY_OK"), END), None);
        assert_eq!(
            not_stockable(&card("CARD_STATUS_VERIFY_OK"), END + 1),
            Some(NotStockable::Ended)
        );
        assert_eq!(
            not_stockable(&card("CARD_STATUS_NOT_VERIFY"), before),
            Some(NotStockable::InReview)
        );
        assert_eq!(
            not_stockable(&card("CARD_STATUS_VERIFY_FAIL"), before),
            Some(NotStockable::Rejected)
        );
        assert_eq!(
            not_stockable(&card("CARD_STATUS_DELETE"), before),
            Some(NotStockable::Deleted)
        );
        assert_eq!(
            not_stockable(&card("CARD_STATUS_USER_DELETE"), before),
            Some(NotStockable::Deleted)
        );
        // A status this app does not know is not taken for an approval.
        assert_eq!(
            not_stockable(&card("CARD_STATUS_SOMETHING_NEW"), before),
            Some(NotStockable::InReview)
        );
    }

    #[test]
    fn every_reason_reads_in_both_languages() {
        for r in [
            NotStockable::InReview,
            NotStockable::Rejected,
            NotStockable::Deleted,
            NotStockable::Ended,
        ] {
            assert!(r.text(Lang::Zh).contains("库存"), "{r:?}");
            assert!(r.text(Lang::En).contains("stock"), "{r:?}");
        }
    }
}
