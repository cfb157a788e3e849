//! 券点 Wallet: the coin balance, buying stock with a 60-second quote, recharging by QR,
//! the order table and the money journal.
//!
//! The money rules and all the state they need live in [`WalletSession`] (egui-free, in
//! `crate::wallet`); this panel draws that state, keeps the text fields and the QR image, and
//! turns clicks into the session's intents. It never performs IO: every input returns the
//! [`Command`]s the app runs.

pub mod alerts;
mod buy;
mod orders;
mod recharge;

use std::ops::{Deref, DerefMut};

use egui::{RichText, Ui};

pub use orders::{OrdersAction, OrdersView, orders_ui};
use recharge::{RechargeIntent, recharge_view_ui};

use crate::card::pricing::Coins;
use crate::i18n::{Lang, T};
use crate::store::{EntryKind, EntryState};
use crate::ui::panel::{Panel, PanelCx};
use crate::wallet::{self, MAX_RECHARGE, WalletEvent, WalletSession};

/// The session's types, at the paths they had before the session moved down.
pub use crate::wallet::{Check, Command, ConfirmState};

/// The Wallet panel: the session it drives, plus what only the screen needs.
pub struct WalletPanel {
    /// All the money state.
    session: WalletSession,
    /// Typed quantity.
    pub quantity_text: String,
    /// Typed recharge amount.
    pub recharge_text: String,
    /// The QR of the shown recharge (its state is the session's `recharge`).
    pub recharge: Option<RechargeView>,
}

/// The QR image of a recharge order. It shadows the session's `recharge` field on the panel:
/// both are set by the same answer, so `panel.recharge.is_some()` means the same.
pub struct RechargeView {
    /// WeChat's order id.
    pub order_id: String,
    /// The QR texture (none when the URL could not be encoded).
    pub texture: Option<egui::TextureHandle>,
}

impl Default for WalletPanel {
    fn default() -> Self {
        Self {
            session: WalletSession::default(),
            quantity_text: "100".into(),
            recharge_text: "100".into(),
            recharge: None,
        }
    }
}

// The panel reads as its session: the app and the UI tests reach the state and the session's
// inputs (`wallet.confirm`, `wallet.checks`, `wallet.due(…)`) as they did before it moved.
impl Deref for WalletPanel {
    type Target = WalletSession;

    fn deref(&self) -> &WalletSession {
        &self.session
    }
}

impl DerefMut for WalletPanel {
    fn deref_mut(&mut self) -> &mut WalletSession {
        &mut self.session
    }
}

/// Parses a whole number in `1..=max`; the error names the field, the rule and the limit.
fn parse_count(text: &str, field: T, max: u32, lang: Lang) -> Result<u32, String> {
    match text.trim().parse::<u32>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(format!(
            "{}:{} 1–{max}({} “{}”)",
            field.get(lang),
            T::WholeNumberBetween.get(lang),
            T::Typed.get(lang),
            text.trim()
        )),
    }
}

/// A button with an id of its own (see [`crate::ui::action`]).
fn action(
    ui: &mut Ui,
    key: &str,
    enabled: bool,
    text: impl Into<egui::WidgetText>,
) -> egui::Response {
    crate::ui::action(ui, "wallet", key, enabled, text)
}

/// Ids are shortened alike everywhere.
pub use crate::ui::short_id;

impl Panel for WalletPanel {
    type Command = Command;
    type Event = WalletEvent;

    fn ui(&mut self, ui: &mut Ui, cx: &PanelCx) -> Vec<Command> {
        egui::CentralPanel::default()
            .show(ui, |ui| self.body_ui(ui, cx))
            .inner
    }

    fn on_event(&mut self, ctx: &egui::Context, event: WalletEvent, cx: &PanelCx) -> Vec<Command> {
        self.take_event(ctx, event, cx.now_ms)
    }

    /// Reconciliation, recharge polling and the quote's expiry run whether or not the
    /// Wallet is shown: money outcomes must not wait for a click.
    fn due(&mut self, cx: &PanelCx) -> Vec<Command> {
        self.session.due(cx.now_ms, cx.sandbox)
    }

    fn next_wakeup(&self, cx: &PanelCx, _shown: bool) -> Option<std::time::Duration> {
        self.session.next_wakeup(cx.now_ms)
    }

    fn on_open(&mut self, cx: &PanelCx) -> Vec<Command> {
        self.session.on_open(cx.now_ms)
    }

    /// Everything here is the previous account's money; the new account's open journal
    /// entries are loaded (and reconciled) at once.
    fn for_another_account(&mut self) -> Vec<Command> {
        *self = Self::default();
        vec![Command::LoadJournal]
    }
}

impl WalletPanel {
    /// The session the panel drives.
    pub fn session(&self) -> &WalletSession {
        &self.session
    }

    /// Handles an IO answer: the session takes it; a new recharge's QR is drawn once here.
    fn take_event(
        &mut self,
        ctx: &egui::Context,
        event: WalletEvent,
        local_ms: i64,
    ) -> Vec<Command> {
        if let WalletEvent::RechargeStarted(Ok(started)) = &event {
            self.recharge = Some(RechargeView {
                order_id: started.order_id.clone(),
                texture: crate::ui::qr::qr_texture(
                    ctx,
                    &format!("recharge-{}", started.order_id),
                    &started.qrcode_url,
                ),
            });
        }
        self.session.on_event(event, local_ms)
    }

    fn body_ui(&mut self, ui: &mut Ui, cx: &PanelCx) -> Vec<Command> {
        let (lang, sandbox, local_ms) = (cx.lang, cx.sandbox, cx.now_ms);
        let mut out = Vec::new();
        if !self.session.opened() {
            out.extend(self.session.on_open(local_ms));
        }
        egui::ScrollArea::vertical()
            .id_salt("wallet_scroll")
            .show(ui, |ui| {
                self.balance_ui(ui, lang, &mut out);
                self.alerts_ui(ui, lang, cx.stock_alert_below);
                self.checks_ui(ui, lang);
                ui.add_space(8.0);
                ui.columns(2, |cols| {
                    if let [left, right] = cols {
                        egui::Frame::group(left.style()).show(left, |ui| {
                            self.buy_ui(ui, lang, local_ms, &mut out);
                        });
                        egui::Frame::group(right.style()).show(right, |ui| {
                            self.recharge_ui(ui, lang, sandbox, local_ms, &mut out);
                        });
                    }
                });
                ui.add_space(8.0);
                ui.heading(T::Orders.get(lang));
                match orders_ui(&mut self.session.orders, ui, lang) {
                    Some(OrdersAction::Reload) => out.extend(self.session.reload_orders()),
                    Some(OrdersAction::Export) => out.extend(self.session.export_orders(lang)),
                    None => {}
                }
                if let Some(n) = &self.session.note {
                    ui.label(format!("{} {n}", T::SavedTo.get(lang)));
                }
                ui.add_space(8.0);
                self.journal_ui(ui, lang);
            });
        out
    }

    fn balance_ui(&mut self, ui: &mut Ui, lang: Lang, out: &mut Vec<Command>) {
        let s = &mut self.session;
        ui.horizontal_wrapped(|ui| {
            ui.heading(T::CoinAccount.get(lang));
            match &s.balance {
                Some(b) => {
                    for (key, v) in [
                        (T::FreeCoins, b.free_coin),
                        (T::PaidCoins, b.pay_coin),
                        (T::TotalCoins, b.total_coin),
                    ] {
                        ui.separator();
                        ui.label(key.get(lang));
                        ui.label(RichText::new(v.to_string()).strong().size(18.0));
                    }
                }
                None => {
                    ui.spinner();
                }
            }
            ui.separator();
            if action(ui, "refresh_balance", true, T::Refresh.get(lang)).clicked() {
                out.extend(s.refresh());
            }
            if action(ui, "activate", !s.activating(), T::Activate.get(lang))
                .on_hover_text(T::ActivateHint.get(lang))
                .clicked()
            {
                out.extend(s.activate());
            }
        });
        if let Some(e) = &s.balance_error {
            crate::ui::error_label(ui, e.text(lang));
        }
        match &s.activated {
            Some(Ok(reward)) if *reward > 0 => {
                ui.colored_label(
                    crate::ui::ok_color(ui),
                    format!(
                        "{} {reward} {}",
                        T::ActivatedReward.get(lang),
                        T::Coins.get(lang)
                    ),
                );
            }
            Some(Ok(_)) => {
                ui.label(T::AlreadyActivated.get(lang));
            }
            Some(Err(e)) => {
                crate::ui::error_label(ui, e.text(lang));
            }
            None => {}
        }
    }

    fn checks_ui(&self, ui: &mut Ui, lang: Lang) {
        if self.session.checks.is_empty() {
            return;
        }
        egui::Frame::group(ui.style())
            .stroke(egui::Stroke::new(1.5, crate::ui::warn_color(ui)))
            .show(ui, |ui| {
                ui.colored_label(crate::ui::warn_color(ui), T::ReconcilingBanner.get(lang));
                for c in &self.session.checks {
                    let mut line = format!("{} {}", T::OrderId.get(lang), short_id(&c.order_id));
                    if c.tries > 0 && !c.in_flight {
                        line.push_str(&format!(" · {}", T::WaitingForQuoteEnd.get(lang)));
                    }
                    ui.label(line);
                    if let Some(e) = &c.error {
                        crate::ui::error_label(ui, e.text(lang));
                    }
                }
            });
    }

    fn recharge_ui(
        &mut self,
        ui: &mut Ui,
        lang: Lang,
        sandbox: bool,
        local_ms: i64,
        out: &mut Vec<Command>,
    ) {
        ui.heading(T::Recharge.get(lang));
        let coins = parse_count(&self.recharge_text, T::RechargeCoins, MAX_RECHARGE, lang);
        ui.horizontal(|ui| {
            let label = ui.label(T::RechargeCoins.get(lang));
            ui.add(egui::TextEdit::singleline(&mut self.recharge_text).desired_width(90.0))
                .labelled_by(label.id);
            ui.weak(T::CoinIsYuan.get(lang));
        });
        if let Err(msg) = &coins {
            crate::ui::error_label(ui, msg);
        }
        let s = &mut self.session;
        if action(
            ui,
            "make_recharge",
            coins.is_ok() && !s.recharge_sending() && !s.recharge_waiting(),
            T::MakeRechargeQr.get(lang),
        )
        .clicked()
            && let Ok(n) = coins
        {
            out.extend(s.recharge(n));
        }
        if s.recharge_sending() {
            ui.spinner();
        }
        if let Some(e) = s.recharge_error() {
            crate::ui::error_label(ui, e.text(lang));
        }
        let Some(v) = &s.recharge else { return };
        let texture = self
            .recharge
            .as_ref()
            .filter(|qr| qr.order_id == v.order_id)
            .and_then(|qr| qr.texture.as_ref());
        let intent = recharge_view_ui(ui, lang, sandbox, local_ms, v, texture);
        match intent {
            Some(RechargeIntent::Stop) => s.stop_polling(),
            Some(RechargeIntent::Resume) => s.resume_polling(local_ms),
            Some(RechargeIntent::SimulatePay { fail }) => out.extend(s.simulate_pay(fail)),
            None => {}
        }
    }

    fn journal_ui(&self, ui: &mut Ui, lang: Lang) {
        let s = &self.session;
        egui::CollapsingHeader::new(T::Journal.get(lang))
            .id_salt("wallet_journal")
            .show(ui, |ui| {
                if let Some(e) = s.journal_error() {
                    crate::ui::error_label(ui, e.text(lang));
                }
                if s.journal_recent.is_empty() {
                    ui.weak(T::JournalEmpty.get(lang));
                }
                egui::Grid::new("journal_grid")
                    .striped(true)
                    .show(ui, |ui| {
                        for e in &s.journal_recent {
                            ui.label(wallet::beijing_time(e.created_at));
                            ui.label(
                                match e.kind {
                                    EntryKind::Quote => T::GetQuote,
                                    EntryKind::Confirm => T::ConfirmExchange,
                                    EntryKind::Recharge => T::Recharge,
                                }
                                .get(lang),
                            );
                            let (color, key) = match e.state {
                                EntryState::Done => (crate::ui::ok_color(ui), T::EntryDone),
                                EntryState::Failed => {
                                    (ui.visuals().weak_text_color(), T::EntryFailed)
                                }
                                EntryState::Waiting => (crate::ui::warn_color(ui), T::EntryWaiting),
                                EntryState::Pending | EntryState::Uncertain => {
                                    (crate::ui::warn_color(ui), T::EntryOpen)
                                }
                            };
                            ui.colored_label(color, key.get(lang));
                            ui.label(e.order_id.as_deref().unwrap_or("—"));
                            ui.label(e.coins.map_or_else(String::new, |c| {
                                format!("{} {}", Coins(c), T::Coins.get(lang))
                            }));
                            ui.label(RichText::new(&e.detail).small());
                            ui.end_row();
                        }
                    });
            });
    }
}
