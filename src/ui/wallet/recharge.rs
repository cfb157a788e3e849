//! The shown recharge order of the Wallet panel: amount, QR, status, elapsed time, and the
//! stop/resume and simulated-payment buttons. It only reports what was clicked.

use egui::{RichText, Ui};

use super::action;
use crate::i18n::{Lang, T};
use crate::wallet::{self, Recharge, RechargeState};

/// What the user asked of the shown recharge.
pub(super) enum RechargeIntent {
    /// Stop polling.
    Stop,
    /// Poll again.
    Resume,
    /// Pay or fail it through the simulator.
    SimulatePay {
        /// Fail it instead.
        fail: bool,
    },
}

/// The shown recharge: amount, QR, status, elapsed time and its buttons.
pub(super) fn recharge_view_ui(
    ui: &mut Ui,
    lang: Lang,
    sandbox: bool,
    local_ms: i64,
    v: &Recharge,
    texture: Option<&egui::TextureHandle>,
) -> Option<RechargeIntent> {
    let mut intent = None;
    ui.add_space(6.0);
    ui.label(
        RichText::new(format!("¥{} · {}", v.coins, T::ScanToPay.get(lang)))
            .size(18.0)
            .strong(),
    );
    if let Some(tex) = texture {
        ui.add(egui::Image::new(tex).fit_to_exact_size(egui::vec2(260.0, 260.0)));
    }
    ui.label(RichText::new(&v.url).small().monospace());
    ui.label(
        RichText::new(format!("{} {}", T::OrderId.get(lang), v.order_id))
            .small()
            .weak(),
    );
    let status = v.status.as_deref().unwrap_or("ORDER_STATUS_WAITING");
    let (color, extra) = match v.state() {
        RechargeState::Credited => (crate::ui::ok_color(ui), T::RechargeCredited),
        RechargeState::Failed => (crate::ui::error_color(ui), T::RechargeFailed),
        RechargeState::Paid => (crate::ui::warn_color(ui), T::RechargePaidWaiting),
        RechargeState::Waiting => (crate::ui::warn_color(ui), T::ScanToPay),
    };
    ui.horizontal(|ui| {
        if v.polling {
            ui.spinner();
        }
        ui.colored_label(
            color,
            format!(
                "{} · {}",
                wallet::status_text(status, lang),
                extra.get(lang)
            ),
        );
    });
    if let Some(e) = &v.error {
        crate::ui::error_label(ui, e.text(lang));
    }
    if !v.open() {
        return None;
    }
    let elapsed = ((local_ms - v.started_ms) / 1000).max(0);
    ui.weak(format!(
        "{} {elapsed} {}",
        T::Elapsed.get(lang),
        T::Seconds.get(lang)
    ));
    ui.horizontal(|ui| {
        if v.stopped {
            ui.label(T::PollingStopped.get(lang));
            if action(ui, "resume_polling", true, T::ResumePolling.get(lang)).clicked() {
                intent = Some(RechargeIntent::Resume);
            }
        } else if action(ui, "stop_polling", true, T::StopPolling.get(lang)).clicked() {
            intent = Some(RechargeIntent::Stop);
        }
    });
    if sandbox && matches!(v.state(), RechargeState::Waiting) {
        ui.horizontal(|ui| {
            if action(ui, "simulate_pay", true, T::SimulatePay.get(lang)).clicked() {
                intent = Some(RechargeIntent::SimulatePay { fail: false });
            }
            if action(ui, "simulate_fail", true, T::SimulatePayFail.get(lang)).clicked() {
                intent = Some(RechargeIntent::SimulatePay { fail: true });
            }
        });
    }
    intent
}
