//! What a quantity of stock costs before anything is quoted: the price per unit times the
//! quantity, against the balance. Shown where the decision is made (Design's preview column,
//! the Wallet's quantity field); the quote from WeChat stays the figure that is paid.

use crate::card::pricing::Coins;
use crate::i18n::{Lang, T};

/// The cost of `quantity` units and what the balance says about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CostEstimate {
    /// Units.
    pub quantity: u32,
    /// Price per unit × units.
    pub cost: Coins,
    /// The balance, when known.
    pub balance: Option<Coins>,
}

impl CostEstimate {
    /// `quantity` units at `per_unit`; `None` when the product does not fit.
    pub fn new(per_unit: Coins, quantity: u32, balance: Option<Coins>) -> Option<Self> {
        Some(Self {
            quantity,
            cost: per_unit.times(i64::from(quantity))?,
            balance,
        })
    }

    /// What would be left after buying, when the balance is known and covers it.
    pub fn left(&self) -> Option<Coins> {
        let b = self.balance?;
        (b.0 >= self.cost.0).then(|| Coins(b.0 - self.cost.0))
    }

    /// How many coins are missing, when the balance is known and does not cover it.
    pub fn short(&self) -> Option<Coins> {
        let b = self.balance?;
        (b.0 < self.cost.0).then(|| Coins(self.cost.0 - b.0))
    }

    /// "100 张 = 60 券点,余额 200", "… 余额 20,还差 40", or without the balance.
    pub fn text(&self, lang: Lang) -> String {
        let head = T::CostOf.fill(lang, &[("n", &self.quantity), ("cost", &self.cost)]);
        match (self.balance, self.short()) {
            (Some(b), None) => format!("{head}{}", T::CostBalance.fill(lang, &[("balance", &b)])),
            (Some(b), Some(s)) => format!(
                "{head}{}",
                T::CostShort.fill(lang, &[("balance", &b), ("short", &s)])
            ),
            (None, _) => head,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cost_balance_and_shortfall() {
        let e = CostEstimate::new(Coins(60), 100, Some(Coins::whole(200))).unwrap();
        assert_eq!(e.cost, Coins::whole(60));
        assert_eq!(e.left(), Some(Coins::whole(140)));
        assert_eq!(e.short(), None);
        assert_eq!(e.text(Lang::Zh), "100 张 = 60 券点,余额 200 券点");
        let poor = CostEstimate::new(Coins(60), 100, Some(Coins::whole(20))).unwrap();
        assert_eq!(poor.short(), Some(Coins::whole(40)));
        assert_eq!(poor.left(), None);
        assert_eq!(
            poor.text(Lang::Zh),
            "100 张 = 60 券点,余额 20 券点,还差 40 券点"
        );
        let unknown = CostEstimate::new(Coins(20), 3, None).unwrap();
        assert_eq!(unknown.text(Lang::En), "3 units = 0.6 coins");
        assert!(CostEstimate::new(Coins(i64::MAX), 2, None).is_none());
    }
}
