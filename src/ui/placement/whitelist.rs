//! The Placement panel's test whitelist: openids and WeChat ids (card/testwhitelist/set), checked
//! against the guide's limit before sending.

use egui::Ui;

use super::{Command, PlacementPanel, action};
use crate::i18n::{Lang, T};
use crate::placement::{WHITELIST_MAX, whitelist};

impl PlacementPanel {
    pub(super) fn whitelist_ui(&mut self, ui: &mut Ui, lang: Lang, out: &mut Vec<Command>) {
        ui.heading(T::TestWhitelist.get(lang));
        ui.weak(T::WhitelistHint.get(lang));
        ui.horizontal(|ui| {
            ui.vertical(|ui| {
                let l = ui.label(T::WhitelistOpenids.get(lang));
                ui.add(
                    egui::TextEdit::multiline(&mut self.whitelist_openids)
                        .desired_rows(4)
                        .desired_width(220.0),
                )
                .labelled_by(l.id);
            });
            ui.vertical(|ui| {
                let l = ui.label(T::WhitelistUsernames.get(lang));
                ui.add(
                    egui::TextEdit::multiline(&mut self.whitelist_usernames)
                        .desired_rows(4)
                        .desired_width(220.0),
                )
                .labelled_by(l.id);
            });
        });
        let parsed = whitelist(&self.whitelist_openids, &self.whitelist_usernames);
        match &parsed {
            Ok((o, u)) => {
                ui.weak(format!("{}/{WHITELIST_MAX}", o.len() + u.len()));
            }
            Err(e) => {
                crate::ui::error_label(ui, e.text(lang));
            }
        }
        if action(
            ui,
            "set_whitelist",
            parsed.is_ok() && !self.whitelist_sending,
            T::SetWhitelist.get(lang),
        )
        .clicked()
            && let Ok((openids, usernames)) = parsed
        {
            self.whitelist_sending = true;
            out.push(Command::SetWhitelist { openids, usernames });
        }
        match &self.whitelist_result {
            Some(Ok((o, u))) => {
                ui.colored_label(
                    crate::ui::ok_color(ui),
                    format!(
                        "{} openid {o} · {} {u}",
                        T::WhitelistDone.get(lang),
                        T::WhitelistUsernames.get(lang)
                    ),
                );
            }
            Some(Err(e)) => {
                crate::ui::error_label(ui, e.text(lang));
            }
            None => {}
        }
    }
}
