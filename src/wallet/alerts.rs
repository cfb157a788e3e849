//! Low stock: WeChat's `card_sku_remind` rule (the stock fell to 100 or fewer after the card
//! had more than 200), the reminder itself when a company server relays it, or the person's
//! own threshold, and how many units to buy back.

/// WeChat reminds when the stock falls to this many or fewer…
pub const REMIND_AT: i64 = 100;
/// … after the card had more than this many.
pub const REMIND_AFTER: i64 = 200;
/// Buying back aims at this much stock (above the reminder's 200), in whole hundreds.
const REFILL_TO: i64 = 300;

/// Why a card is flagged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LowStock {
    /// WeChat's rule (`card_sku_remind`).
    Remind,
    /// Below the person's threshold.
    Below(i64),
    /// WeChat pushed `card_sku_remind` for the card (through the company server) and the
    /// stock known since is not above the reminder's 100.
    Pushed,
}

/// A flagged card's stock and the units suggested for 购买库存.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StockAlert {
    /// Why.
    pub why: LowStock,
    /// Units left.
    pub stock: i64,
    /// Units to buy, prefilled in the Wallet.
    pub suggested: u32,
}

/// The alert for a card with `stock` left of `total` ever added, against the person's
/// `threshold` (units, when set); `None` when the stock is fine or unknown.
pub fn stock_alert(
    stock: Option<i64>,
    total: Option<i64>,
    threshold: Option<i64>,
) -> Option<StockAlert> {
    let stock = stock?;
    let why = if threshold.is_some_and(|t| stock < t) {
        LowStock::Below(threshold.unwrap_or_default())
    } else if stock <= REMIND_AT && total.is_some_and(|t| t > REMIND_AFTER) {
        LowStock::Remind
    } else {
        return None;
    };
    let target = REFILL_TO.max(threshold.unwrap_or(0).saturating_mul(2));
    let missing = (target - stock).max(1);
    let hundreds = (missing + 99) / 100 * 100;
    Some(StockAlert {
        why,
        stock,
        suggested: u32::try_from(hundreds).unwrap_or(u32::MAX),
    })
}

/// [`stock_alert`], and when WeChat pushed a stock reminder for the card (`reminded`), an
/// alert even where the rule cannot be read (the total is unknown): unless the stock known
/// now is above the reminder's 100, i.e. stock was bought back since. An unknown stock is
/// taken as the reminder's 100.
pub fn card_stock_alert(
    stock: Option<i64>,
    total: Option<i64>,
    threshold: Option<i64>,
    reminded: bool,
) -> Option<StockAlert> {
    if let Some(a) = stock_alert(stock, total, threshold) {
        return Some(a);
    }
    let stock = stock.unwrap_or(REMIND_AT);
    if !reminded || stock > REMIND_AT {
        return None;
    }
    let missing = (REFILL_TO - stock).max(1);
    Some(StockAlert {
        why: LowStock::Pushed,
        stock,
        suggested: u32::try_from((missing + 99) / 100 * 100).unwrap_or(u32::MAX),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wechats_rule_and_the_persons_threshold() {
        // Had 500, 100 left: WeChat's reminder; buy back up to 300.
        let a = stock_alert(Some(100), Some(500), None).unwrap();
        assert_eq!((a.why, a.stock, a.suggested), (LowStock::Remind, 100, 200));
        // 101 left is not yet; a card that never had more than 200 is never reminded.
        assert_eq!(stock_alert(Some(101), Some(500), None), None);
        assert_eq!(stock_alert(Some(50), Some(200), None), None);
        // The person's threshold: below it, whatever the history.
        let b = stock_alert(Some(120), Some(150), Some(150)).unwrap();
        assert_eq!((b.why, b.suggested), (LowStock::Below(150), 200));
        assert_eq!(stock_alert(Some(150), Some(150), Some(150)), None);
        assert_eq!(stock_alert(None, Some(500), Some(1000)), None);
        // A pushed reminder: an alert where the rule has no total to go by, none once stock
        // was bought back above 100.
        assert_eq!(stock_alert(Some(90), None, None), None);
        let p = card_stock_alert(Some(90), None, None, true).unwrap();
        assert_eq!((p.why, p.stock, p.suggested), (LowStock::Pushed, 90, 300));
        assert_eq!(card_stock_alert(Some(90), None, None, false), None);
        assert_eq!(card_stock_alert(Some(400), Some(500), None, true), None);
        assert_eq!(card_stock_alert(None, None, None, true).unwrap().stock, 100);
        // The rule and the threshold still speak first.
        assert_eq!(
            card_stock_alert(Some(100), Some(500), None, true)
                .unwrap()
                .why,
            LowStock::Remind
        );
        // Empty: a whole refill.
        assert_eq!(
            stock_alert(Some(0), Some(1000), None).unwrap().suggested,
            300
        );
    }
}
