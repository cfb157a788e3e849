//! Coins per unit of stock, by the kind of threshold (`use_condition`) a card has.
//!
//! Line 99–101: "微信后台会根据卡券选择的门槛不同而设置不同的库存价格,目前定价标准为:
//! 1)无门槛类型,保持0.2券点/张; 2)指定品类可用/不可用门槛,0.4券点/张; 3)满减/买xx可用门槛,
//! 0.6券点/张". A card with several thresholds pays the dearest; "不与其他优惠共享"
//! (can_use_with_other_discount) has no price of its own (line 111 lists it, line 101 does not).

use serde_json::Value;

use super::{Guide, guide};

/// One price row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Price {
    /// The `use_condition` members that put a card in this row (any one filled).
    pub members: &'static [&'static str],
    /// Coins per unit, in hundredths (20 = 0.2 券点).
    pub hundredths: i64,
    /// The guide's words.
    pub guide: Guide,
}

/// The price rows, dearest first; a card without any of their members pays [`NO_THRESHOLD`].
pub const PRICES: &[Price] = &[
    Price {
        members: &["least_cost", "object_use_for"],
        hundredths: 60,
        guide: guide(101, "3)满减/买xx可用门槛,0.6券点/张"),
    },
    Price {
        members: &["accept_category", "reject_category"],
        hundredths: 40,
        guide: guide(101, "2)指定品类可用/不可用门槛,0.4券点/张"),
    },
];

/// No threshold.
pub const NO_THRESHOLD: Price = Price {
    members: &[],
    hundredths: 20,
    guide: guide(101, "1)无门槛类型,保持0.2券点/张"),
};

/// Whether a threshold member is filled: a non-blank string, or an amount above 0.
fn filled(v: Option<&Value>) -> bool {
    match v {
        Some(Value::String(s)) => {
            let s = s.trim();
            !s.is_empty() && s.parse::<i64>().map_or(true, |n| n > 0)
        }
        Some(Value::Number(n)) => n.as_f64().is_some_and(|n| n > 0.0),
        _ => false,
    }
}

/// The price of one unit of stock of a card whose `cash`/`gift` object is `body`.
#[must_use]
pub fn per_unit(body: Option<&Value>) -> &'static Price {
    let condition = body
        .and_then(|b| b.get("advanced_info"))
        .and_then(|a| a.get("use_condition"));
    PRICES
        .iter()
        .find(|p| {
            p.members
                .iter()
                .any(|m| filled(condition.and_then(|c| c.get(*m))))
        })
        .unwrap_or(&NO_THRESHOLD)
}
