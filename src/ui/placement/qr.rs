//! The Placement panel's QR part: the options of card/qrcode/create, the QR drawn locally, its
//! expiry and saving it as a PNG.

use egui::{RichText, Ui};

use super::{Command, PlacementPanel, action, field};
use crate::i18n::{Lang, T};

impl PlacementPanel {
    pub(super) fn qr_ui(&mut self, ui: &mut Ui, lang: Lang, out: &mut Vec<Command>) {
        ui.heading(T::PlacementQr.get(lang));
        ui.horizontal(|ui| {
            ui.radio_value(&mut self.form.permanent, true, T::QrPermanent.get(lang));
            ui.radio_value(&mut self.form.permanent, false, T::QrTemporary.get(lang));
        });
        if !self.form.permanent {
            field(ui, T::QrLifetime, &mut self.form.expire_text, 80.0, lang);
        }
        ui.checkbox(&mut self.form.unique_code, T::QrUniqueCode.get(lang))
            .on_hover_text(T::QrUniqueCodeHint.get(lang));
        field(ui, T::OuterId, &mut self.form.outer_id_text, 80.0, lang)
            .on_hover_text(T::OuterIdHint.get(lang));
        field(ui, T::OnlyOpenid, &mut self.form.openid, 260.0, lang);
        let request = self.card_id.as_deref().map(|id| self.form.request(id));
        if let Some(Err(errors)) = &request {
            for e in errors {
                crate::ui::error_label(ui, e.text(lang));
            }
        }
        let ok = matches!(request, Some(Ok(_)));
        if action(ui, "create_qr", ok && !self.creating, T::CreateQr.get(lang)).clicked()
            && let Some(Ok(r)) = request
        {
            self.creating = true;
            out.push(Command::CreateQr(r));
        }
        if self.creating {
            ui.spinner();
        }
        if let Some(e) = &self.qr_error {
            crate::ui::error_label(ui, e.text(lang));
        }
        let Some(shown) = &self.qr else { return };
        ui.add_space(6.0);
        if let Some(tex) = &shown.texture {
            ui.add(egui::Image::new(tex).fit_to_exact_size(egui::vec2(240.0, 240.0)));
        }
        ui.colored_label(crate::ui::warn_color(ui), T::ScanNotLongPress.get(lang));
        let expiry = match shown.qr.expire_seconds {
            Some(s) if s > 0 => {
                let until = crate::wallet::beijing_time(shown.made_at + s);
                format!(
                    "{} {s} {} ({until})",
                    T::ValidFor.get(lang),
                    T::Seconds.get(lang)
                )
            }
            _ => T::QrPermanent.get(lang).to_owned(),
        };
        ui.label(expiry);
        if let Some(o) = shown.request.outer_id {
            ui.label(format!("{}: {o}", T::OuterId.get(lang)));
        }
        ui.horizontal(|ui| {
            ui.label("URL");
            ui.label(RichText::new(&shown.qr.url).monospace().small());
        });
        ui.horizontal(|ui| {
            ui.label("ticket");
            ui.label(RichText::new(&shown.qr.ticket).monospace().small());
        });
        ui.horizontal(|ui| {
            if action(ui, "copy_url", true, T::CopyUrl.get(lang)).clicked() {
                ui.ctx().copy_text(shown.qr.url.clone());
            }
            if action(ui, "save_png", true, T::SavePng.get(lang)).clicked() {
                out.push(Command::SaveQrPng {
                    url: shown.qr.url.clone(),
                    name: format!(
                        "qr-{}",
                        shown
                            .request
                            .outer_id
                            .map_or_else(|| "card".into(), |o| o.to_string())
                    ),
                });
            }
        });
        match &self.note {
            Some(Ok(path)) => {
                ui.label(format!("{} {path}", T::SavedTo.get(lang)));
            }
            Some(Err(e)) => {
                crate::ui::error_label(ui, e.text(lang));
            }
            None => {}
        }
    }
}
