//! Cards low on stock, at the top of the Wallet: WeChat's reminder rule or the person's own
//! threshold, or a reminder WeChat pushed through the company server, each with 购买库存 that
//! picks the card and fills in the units to buy back.

use egui::Ui;

use super::{WalletPanel, action};
use crate::i18n::{Lang, T};
use crate::wallet::{LowStock, StockAlert, card_stock_alert};

/// The words of an alert: "库存只剩 80 张(微信库存提醒)".
pub fn alert_text(a: &StockAlert, lang: Lang) -> String {
    match a.why {
        LowStock::Remind => T::LowStockRemind.fill(lang, &[("n", &a.stock)]),
        LowStock::Below(t) => T::LowStockBelow.fill(lang, &[("n", &a.stock), ("t", &t)]),
        LowStock::Pushed => T::LowStockPushed.fill(lang, &[("n", &a.stock)]),
    }
}

impl WalletPanel {
    /// One line per flagged card.
    pub(super) fn alerts_ui(&mut self, ui: &mut Ui, lang: Lang, below: Option<i64>) {
        let flagged: Vec<(String, String, StockAlert)> = self
            .session
            .cards
            .iter()
            .filter_map(|c| {
                let reminded = self.session.reminded.contains(&c.card_id);
                let a = card_stock_alert(c.quantity, c.total_quantity, below, reminded)?;
                Some((
                    c.card_id.clone(),
                    crate::card::synth::title(&c.body.card),
                    a,
                ))
            })
            .collect();
        let busy = self.session.busy();
        for (card_id, title, a) in flagged {
            ui.horizontal(|ui| {
                ui.colored_label(
                    crate::ui::warn_color(ui),
                    format!("⚠ {title}:{}", alert_text(&a, lang)),
                );
                let key = format!("buy_back_{card_id}");
                if action(ui, &key, !busy, T::BuyStock.get(lang)).clicked() {
                    self.session.choose_card(Some(card_id.clone()));
                    self.quantity_text = a.suggested.to_string();
                }
            });
        }
    }
}
