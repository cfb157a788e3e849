//! The window's bars: the top bar (the app, the account or the platform's merchant in use,
//! the company server's state, language and theme) and the navigation on the left.

use super::{CouponStudioApp, Nav};
use crate::i18n::T;

impl CouponStudioApp {
    pub(super) fn top_bar_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.persisted.lang;
        ui.horizontal(|ui| {
            ui.strong(T::AppName.get(lang));
            ui.separator();
            if self.is_sandbox() {
                let badge = egui::RichText::new(format!(" {} ", T::SandboxBadge.get(lang)))
                    .color(egui::Color32::WHITE)
                    .background_color(egui::Color32::from_rgb(0xc2, 0x7c, 0x0e));
                ui.label(badge).on_hover_text(T::SandboxHint.get(lang));
            } else {
                // A platform's merchant is named as such, with the platform it is used through.
                let what = if self.backend.merchant().is_some() {
                    T::MerchantLabel
                } else {
                    T::Account
                };
                ui.label(format!(
                    "{}: {}",
                    what.get(lang),
                    self.account_display(lang)
                ))
                .on_hover_text(&self.backend.api_base);
                self.server_status_ui(ui);
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                crate::ui::settings::lang_theme_ui(
                    ui,
                    &mut self.persisted.lang,
                    &mut self.persisted.theme,
                );
            });
        });
    }

    pub(super) fn nav_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.persisted.lang;
        for (nav, key) in [
            (Nav::Design, T::NavDesign),
            (Nav::Wallet, T::NavWallet),
            (Nav::Placement, T::NavPlacement),
            (Nav::Redeem, T::NavRedeem),
            (Nav::Stats, T::NavStats),
            (Nav::Settings, T::NavSettings),
        ] {
            let mut text = key.get(lang).to_owned();
            // Open money outcomes show on the Wallet entry wherever the user is.
            if nav == Nav::Wallet && self.wallet.blocked() {
                text.push_str(" ⚠");
            }
            if ui
                .selectable_label(self.persisted.nav == nav, text)
                .clicked()
                && self.persisted.nav != nav
            {
                self.persisted.nav = nav;
                self.open_panel(nav);
            }
        }
    }

    /// The account in use as people know it: "name (AppID)", or the AppID alone when the
    /// account list does not name it; a platform's merchant as "merchant (AppID) · 服务商
    /// platform".
    pub(super) fn account_display(&self, lang: crate::i18n::Lang) -> String {
        let named = |name: Option<&str>, appid: &str| match name.filter(|n| !n.is_empty()) {
            Some(name) => format!("{name} ({appid})"),
            None => appid.to_owned(),
        };
        match self.backend.merchant() {
            Some(appid) => {
                let merchant =
                    crate::ui::merchants::in_use_merchant(&self.accounts).map(|m| m.name.as_str());
                T::MerchantOfPlatform.fill(
                    lang,
                    &[
                        ("merchant", &named(merchant, appid)),
                        ("platform", &self.accounts.in_use_name().unwrap_or_default()),
                    ],
                )
            }
            None => named(self.accounts.in_use_name(), &self.backend.label),
        }
    }
}
