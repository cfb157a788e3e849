//! The Placement panel's H5 part: a signed cardExt for `wx.addCard` and the JS to paste.

use egui::{RichText, Ui};

use super::{Command, PlacementPanel, action, field};
use crate::i18n::{Lang, T};
use crate::placement::add_card_js;

impl PlacementPanel {
    pub(super) fn h5_ui(&mut self, ui: &mut Ui, lang: Lang, out: &mut Vec<Command>) {
        ui.heading(T::H5CardExt.get(lang));
        ui.weak(T::H5Hint.get(lang));
        field(ui, T::OnlyOpenid, &mut self.ext_openid, 260.0, lang);
        let card = self.card_id.clone();
        if action(
            ui,
            "sign_ext",
            card.is_some() && !self.ext_signing,
            T::SignCardExt.get(lang),
        )
        .clicked()
            && let Some(card_id) = card
        {
            self.ext_signing = true;
            out.push(Command::SignCardExt {
                card_id,
                code: String::new(),
                openid: self.ext_openid.trim().to_owned(),
            });
        }
        match &self.ext {
            Some(Ok(made)) => {
                egui::Grid::new("ext_grid").num_columns(2).show(ui, |ui| {
                    for (k, v) in [
                        ("api_ticket", made.ticket_hint.as_str()),
                        ("timestamp", made.ext.timestamp.as_str()),
                        ("nonce_str", made.ext.nonce_str.as_str()),
                        ("signature", made.ext.signature.as_str()),
                    ] {
                        ui.label(k);
                        ui.label(RichText::new(v).monospace());
                        ui.end_row();
                    }
                });
                let json = made.ext.to_json();
                let js = add_card_js(&made.card_id, &made.ext);
                for (key, label, text) in [("copy_ext", "cardExt", json), ("copy_js", "JS", js)] {
                    ui.horizontal(|ui| {
                        ui.label(label);
                        if action(ui, key, true, T::Copy.get(lang)).clicked() {
                            ui.ctx().copy_text(text.clone());
                        }
                    });
                    let mut shown = text.as_str();
                    ui.add(
                        egui::TextEdit::multiline(&mut shown)
                            .code_editor()
                            .desired_rows(2)
                            .desired_width(f32::INFINITY),
                    );
                }
            }
            Some(Err(e)) => {
                crate::ui::error_label(ui, e.text(lang));
            }
            None => {}
        }
    }
}
