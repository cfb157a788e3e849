//! What stock of this card costs, where the card is decided: the price per unit, large, and
//! the cost of a quantity against the balance ("100 张 = 60 券点,余额 140 券点").

use egui::{RichText, Ui};

use crate::card::Card;
use crate::card::pricing::{Coins, price_per_unit};
use crate::i18n::{Lang, T};
use crate::wallet::CostEstimate;

/// The calculator's state.
#[derive(Debug)]
pub struct CostState {
    /// Units typed.
    pub quantity_text: String,
    /// The account's coins (getcoinsinfo), when read.
    pub balance: Option<Coins>,
}

impl Default for CostState {
    fn default() -> Self {
        Self {
            quantity_text: "100".into(),
            balance: None,
        }
    }
}

/// The price per unit and the calculator.
pub fn cost_ui(ui: &mut Ui, state: &mut CostState, card: &Card, lang: Lang) {
    let unit = price_per_unit(card);
    ui.horizontal(|ui| {
        ui.label(RichText::new(T::PvStockPrice.get(lang)).size(16.0));
        ui.label(
            RichText::new(format!("{unit} {}", T::CoinsPerUnit.get(lang)))
                .size(20.0)
                .strong(),
        )
        .on_hover_text(T::PriceTiers.get(lang));
    });
    ui.horizontal(|ui| {
        let l = ui.label(T::CostQuantity.get(lang));
        ui.add(egui::TextEdit::singleline(&mut state.quantity_text).desired_width(70.0))
            .labelled_by(l.id);
    });
    let estimate = state
        .quantity_text
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|q| *q > 0)
        .and_then(|q| CostEstimate::new(unit, q, state.balance));
    match estimate {
        Some(e) if e.short().is_some() => {
            ui.colored_label(crate::ui::warn_color(ui), e.text(lang));
        }
        Some(e) => {
            ui.label(e.text(lang));
        }
        None => {
            ui.weak(T::WholeNumberRule.fill(lang, &[("field", &T::Quantity.get(lang))]));
        }
    }
}
