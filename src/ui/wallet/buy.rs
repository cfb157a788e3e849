//! 购买库存: the card, the quantity, 批价 and its 60-second quote, 确认兑换 and what it did.
//! Stock is offered only where the guide allows it ([`wallet::not_stockable`]).

use egui::{RichText, Ui};

use super::{Command, ConfirmState, WalletPanel, action, parse_count};
use crate::i18n::{Lang, T};
use crate::ui::card_picker::card_picker;
use crate::ui::short_id;
use crate::wallet::{self, MAX_QUANTITY, NOT_ENOUGH_COINS, recharge_for};

impl WalletPanel {
    pub(super) fn buy_ui(
        &mut self,
        ui: &mut Ui,
        lang: Lang,
        local_ms: i64,
        out: &mut Vec<Command>,
    ) {
        ui.heading(T::BuyStock.get(lang));
        if let Some(e) = self.session.cards_error() {
            crate::ui::error_label(ui, e.text(lang));
        }
        let busy = self.session.busy();
        ui.horizontal(|ui| {
            let label = ui.label(T::Card.get(lang));
            let mut chosen = self.session.card_id.clone();
            let changed = ui
                .add_enabled_ui(!busy, |ui| {
                    card_picker(
                        ui,
                        "wallet_card",
                        lang,
                        &self.session.cards,
                        &mut chosen,
                        Some(label.id),
                    )
                })
                .inner;
            if changed {
                self.session.choose_card(chosen);
            }
            if action(ui, "refresh_cards", true, T::Refresh.get(lang)).clicked() {
                out.extend(self.session.list_cards());
            }
        });
        ui.label(format!(
            "{}: {}",
            T::StockNow.get(lang),
            self.session
                .chosen_stock()
                .map_or_else(|| "—".to_owned(), |q| q.to_string())
        ));
        let now = self.session.server_ms(local_ms);
        let blocked = self
            .session
            .chosen()
            .and_then(|c| wallet::not_stockable(c, now.div_euclid(1000)));
        if let Some(why) = blocked {
            ui.colored_label(crate::ui::warn_color(ui), why.text(lang));
        }
        let quantity = parse_count(&self.quantity_text, T::Quantity, MAX_QUANTITY, lang);
        ui.horizontal(|ui| {
            let label = ui.label(T::Quantity.get(lang));
            ui.add_enabled(
                !busy,
                egui::TextEdit::singleline(&mut self.quantity_text).desired_width(90.0),
            )
            .labelled_by(label.id);
            if let Some(c) = self.session.chosen() {
                let unit = crate::card::pricing::price_per_unit(&c.body.card);
                ui.label(RichText::new(format!("{unit} {}", T::CoinsPerUnit.get(lang))).strong());
                let balance = self.session.balance.as_ref().map(|b| b.total_coin);
                if let Ok(q) = &quantity
                    && let Some(e) = wallet::CostEstimate::new(unit, *q, balance)
                {
                    let text = RichText::new(e.text(lang));
                    if e.short().is_some() {
                        ui.colored_label(crate::ui::warn_color(ui), text);
                    } else {
                        ui.label(text);
                    }
                }
            }
        });
        if let Err(msg) = &quantity {
            crate::ui::error_label(ui, msg);
        }
        let can_quote =
            !busy && quantity.is_ok() && self.session.card_id.is_some() && blocked.is_none();
        let quote_label = if self.session.quote.as_ref().is_some_and(|q| q.expired(now)) {
            T::Requote
        } else {
            T::GetQuote
        };
        if action(ui, "quote", can_quote, quote_label.get(lang)).clicked()
            && let Ok(q) = quantity
        {
            out.extend(self.session.quote(q, local_ms));
        }
        if self.session.quoting() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(T::Quoting.get(lang));
            });
        }
        self.quote_ui(ui, lang, local_ms, out);
        let s = &self.session;
        if let Some((e, code)) = &s.error {
            crate::ui::error_label(ui, e.text(lang));
            if *code == Some(NOT_ENOUGH_COINS) {
                ui.label(T::InsufficientHint.get(lang));
            }
        }
        if s.reconciled && matches!(s.confirm, ConfirmState::Done(_)) {
            ui.colored_label(crate::ui::ok_color(ui), T::ReconciledApplied.get(lang));
        }
        match &s.confirm {
            ConfirmState::Done(_) => {
                ui.colored_label(
                    crate::ui::ok_color(ui),
                    format!(
                        "{} {} → {}",
                        T::StockAdded.get(lang),
                        s.stock_before
                            .map_or_else(|| "—".to_owned(), |q| q.to_string()),
                        s.stock_after
                            .map_or_else(|| "…".to_owned(), |q| q.to_string())
                    ),
                );
            }
            ConfirmState::NotApplied(_) => {
                ui.colored_label(crate::ui::warn_color(ui), T::ReconciledNotApplied.get(lang));
            }
            _ => {}
        }
    }

    fn quote_ui(&mut self, ui: &mut Ui, lang: Lang, local_ms: i64, out: &mut Vec<Command>) {
        let now = self.session.server_ms(local_ms);
        let Some(q) = &self.session.quote else { return };
        let remaining = q.remaining(now);
        let expired = q.expired(now);
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.label(format!(
                "{} {} {} ({} {} + {} {})",
                T::Price.get(lang),
                q.price.price,
                T::Coins.get(lang),
                T::FreeCoins.get(lang),
                q.price.free_coin,
                T::PaidCoins.get(lang),
                q.price.pay_coin
            ));
            ui.label(
                RichText::new(format!(
                    "{} {} · ×{}",
                    T::OrderId.get(lang),
                    short_id(&q.order_id),
                    q.quantity
                ))
                .small()
                .weak(),
            )
            .on_hover_text(&q.order_id);
            // A quote is used once: after its confirm went through it no longer counts down.
            if self.session.quote_used() {
                ui.colored_label(
                    crate::ui::ok_color(ui),
                    RichText::new(T::UsedQuote.get(lang)).size(20.0).strong(),
                );
            } else if expired {
                crate::ui::error_label(ui, T::QuoteExpired.get(lang));
            } else {
                let color = if q.confirmable(now) {
                    ui.visuals().text_color()
                } else {
                    crate::ui::warn_color(ui)
                };
                ui.colored_label(
                    color,
                    RichText::new(format!(
                        "{} {} {}",
                        T::QuoteLeft.get(lang),
                        remaining.ceil(),
                        T::Seconds.get(lang)
                    ))
                    .size(20.0)
                    .strong(),
                );
                ui.add(
                    egui::ProgressBar::new((remaining / wallet::QUOTE_LIFE_SECS) as f32)
                        .desired_width(260.0),
                );
                if !q.confirmable(now) {
                    ui.colored_label(crate::ui::warn_color(ui), T::QuoteTooLate.get(lang));
                }
            }
        });
        let balance = self.session.balance.as_ref().map(|b| b.total_coin);
        if let (Some(missing), Some(b)) = (self.session.missing_coins(), balance) {
            crate::ui::error_label(
                ui,
                format!(
                    "{} {} {}, {} {} {}, {} {} {}",
                    T::NeedCoins.get(lang),
                    q.price.price,
                    T::Coins.get(lang),
                    T::HaveCoins.get(lang),
                    b,
                    T::Coins.get(lang),
                    T::MissingCoins.get(lang),
                    missing,
                    T::Coins.get(lang)
                ),
            );
            let n = recharge_for(missing);
            let text = format!("{} {n} {}", T::GoRecharge.get(lang), T::Coins.get(lang));
            if action(ui, "go_recharge", true, text).clicked() {
                self.recharge_text = n.to_string();
            }
        }
        let can_confirm = self.session.can_confirm(local_ms);
        let resp = action(
            ui,
            "confirm",
            can_confirm,
            RichText::new(T::ConfirmExchange.get(lang)).strong(),
        );
        // The session marks the order sent in the same frame as the click, so a second click
        // (or a double click) finds the button disabled and the order in its set.
        if resp.clicked() && can_confirm {
            out.extend(self.session.confirm(local_ms));
        }
        if matches!(self.session.confirm, ConfirmState::Sending(_)) {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(T::Confirming.get(lang));
            });
        }
    }
}
