//! Stock pricing: what one unit of stock costs in coins (券点), by threshold type.
//!
//! The guide: no threshold 0.2 券点/张; a category threshold (accept/reject_category) 0.4;
//! a least-cost or buy-to-get threshold (least_cost / object_use_for) 0.6. When a card has
//! several thresholds the highest price applies. "不与其他优惠共享" alone does not change
//! the price (the guide lists no price for it).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::model::Card;

/// An amount of coins in hundredths (1 coin = ¥1, so one hundredth is one 分).
///
/// Integer hundredths keep 0.2 × 3 exact, which floats do not.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Coins(pub i64);

impl Coins {
    /// Whole coins.
    pub const fn whole(n: i64) -> Self {
        Self(n * 100)
    }

    /// The value as a float, for JSON numbers and charts.
    pub fn as_f64(self) -> f64 {
        self.0 as f64 / 100.0
    }

    /// Parses "0.2", "200", "1.05" or "-3"; `None` for anything else or more than two decimals.
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        let (neg, t) = t.strip_prefix('-').map_or((false, t), |r| (true, r));
        let (int, frac) = t.split_once('.').unwrap_or((t, ""));
        if int.is_empty() && frac.is_empty() {
            return None;
        }
        if !int.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        if frac.len() > 2 {
            return None;
        }
        let whole: i64 = if int.is_empty() { 0 } else { int.parse().ok()? };
        let mut cents: i64 = if frac.is_empty() {
            0
        } else {
            frac.parse().ok()?
        };
        if frac.len() == 1 {
            cents *= 10;
        }
        let v = whole.checked_mul(100)?.checked_add(cents)?;
        Some(Self(if neg { -v } else { v }))
    }

    /// `self × n`, `None` on overflow.
    pub fn times(self, n: i64) -> Option<Self> {
        self.0.checked_mul(n).map(Self)
    }
}

/// Formats without trailing zeros: 0.2, 1, 12.5, 0.05.
impl fmt::Display for Coins {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_hundredths(self.0))
    }
}

impl Serialize for Coins {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Coins {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        let text = match &v {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => n.to_string(),
            _ => {
                return Err(serde::de::Error::custom(
                    "coins must be a number or a string",
                ));
            }
        };
        Self::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("bad coin amount {text}")))
    }
}

/// Formats an amount in hundredths (分 or hundredths of a coin) as a decimal without trailing
/// zeros: 5000 → "50", 5050 → "50.5", 5 → "0.05".
pub fn format_hundredths(v: i64) -> String {
    let sign = if v < 0 { "-" } else { "" };
    let a = v.unsigned_abs();
    let (whole, cents) = (a / 100, a % 100);
    match cents {
        0 => format!("{sign}{whole}"),
        c if c % 10 == 0 => format!("{sign}{whole}.{}", c / 10),
        c => format!("{sign}{whole}.{c:02}"),
    }
}

/// The threshold tier that decides the price.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum PriceTier {
    /// No threshold: 0.2.
    NoThreshold,
    /// accept_category / reject_category: 0.4.
    Category,
    /// least_cost / object_use_for: 0.6.
    LeastCostOrBuy,
}

impl PriceTier {
    /// Coins per unit of stock.
    pub fn per_unit(self) -> Coins {
        match self {
            Self::NoThreshold => Coins(20),
            Self::Category => Coins(40),
            Self::LeastCostOrBuy => Coins(60),
        }
    }
}

/// The tier of a card: the highest that its thresholds reach. Empty strings and zero or
/// missing amounts do not count as thresholds.
pub fn price_tier(card: &Card) -> PriceTier {
    let Some(uc) = card.use_condition() else {
        return PriceTier::NoThreshold;
    };
    let filled = |s: &Option<String>| s.as_deref().is_some_and(|s| !s.trim().is_empty());
    let least = uc
        .least_cost
        .as_ref()
        .and_then(|v| v.get())
        .is_some_and(|v| v > 0);
    if least || filled(&uc.object_use_for) {
        PriceTier::LeastCostOrBuy
    } else if filled(&uc.accept_category) || filled(&uc.reject_category) {
        PriceTier::Category
    } else {
        PriceTier::NoThreshold
    }
}

/// Coins per unit of stock for a card.
pub fn price_per_unit(card: &Card) -> Coins {
    price_tier(card).per_unit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_without_trailing_zeros() {
        assert_eq!(format_hundredths(5000), "50");
        assert_eq!(format_hundredths(5050), "50.5");
        assert_eq!(format_hundredths(5055), "50.55");
        assert_eq!(format_hundredths(5), "0.05");
        assert_eq!(format_hundredths(-20), "-0.2");
        assert_eq!(Coins(20).to_string(), "0.2");
    }

    #[test]
    fn parses_coin_text() {
        assert_eq!(Coins::parse("0.2"), Some(Coins(20)));
        assert_eq!(Coins::parse("200"), Some(Coins(20000)));
        assert_eq!(Coins::parse("1.05"), Some(Coins(105)));
        assert_eq!(Coins::parse(".5"), Some(Coins(50)));
        assert_eq!(Coins::parse("-3"), Some(Coins(-300)));
        assert_eq!(Coins::parse("0.001"), None);
        assert_eq!(Coins::parse("abc"), None);
        assert_eq!(Coins::parse(""), None);
        assert_eq!(Coins::parse("."), None);
        assert_eq!(Coins(20).times(3), Some(Coins(60)));
    }

    fn card(uc: serde_json::Value) -> Card {
        serde_json::from_value(serde_json::json!({
            "card_type": "CASH",
            "cash": {"advanced_info": {"use_condition": uc}}
        }))
        .unwrap()
    }

    #[test]
    fn tiers_follow_the_guide() {
        assert_eq!(price_per_unit(&card(serde_json::json!({}))), Coins(20));
        let c = card(serde_json::json!({"can_use_with_other_discount": false}));
        assert_eq!(price_per_unit(&c), Coins(20));
        let c = card(serde_json::json!({"accept_category": "蛋挞"}));
        assert_eq!(price_per_unit(&c), Coins(40));
        let c = card(serde_json::json!({"reject_category": "蛋糕"}));
        assert_eq!(price_per_unit(&c), Coins(40));
        let c = card(serde_json::json!({"least_cost": 50000}));
        assert_eq!(price_per_unit(&c), Coins(60));
        let c = card(serde_json::json!({"accept_category": "羽绒服", "least_cost": 50000}));
        assert_eq!(price_per_unit(&c), Coins(60));
        let c = card(serde_json::json!({"accept_category": "  ", "least_cost": 0}));
        assert_eq!(price_per_unit(&c), Coins(20));
        let g: Card = serde_json::from_value(serde_json::json!({
            "card_type": "GIFT",
            "gift": {"advanced_info": {"use_condition": {"object_use_for": "蛋糕"}}}
        }))
        .unwrap();
        assert_eq!(price_per_unit(&g), Coins(60));
    }
}
