//! The Placement panel's poster part: the template, the live preview of the laid-out poster,
//! its export as PNG or PDF, and the batch section below it.

use std::sync::Arc;

use egui::Ui;

use super::{Command, PlacementPanel, PosterFormat, action};
use crate::i18n::{Lang, T};
use crate::poster::{PosterContent, PosterLayout, Template};
use crate::ui::poster_view::poster_ui;

/// The QR URL a poster preview shows before a QR has been made for the card.
pub(super) const PREVIEW_URL: &str = "http://weixin.qq.com/q/preview";

fn template_label(t: Template, lang: Lang) -> String {
    match lang {
        Lang::Zh => t.label_zh().to_owned(),
        Lang::En => match t {
            Template::A4 => "A4 poster".into(),
            Template::A5 => "A5 card".into(),
            Template::Tent => "Table tent 100×210 mm".into(),
            Template::Receipt => "80 mm receipt".into(),
        },
    }
}

impl PlacementPanel {
    /// The text lines of the poster shown in the preview (empty before it is laid out).
    pub fn preview_texts(&self) -> Vec<String> {
        self.layout
            .as_ref()
            .map(|(_, l)| l.texts().map(|t| t.text.clone()).collect())
            .unwrap_or_default()
    }

    /// The layout of the chosen card on the chosen template, made again only when the card,
    /// the template, the QR URL or the logo changed.
    pub(super) fn current_layout(&mut self) -> Option<Arc<PosterLayout>> {
        let card = self.chosen()?.clone();
        let url = self
            .qr
            .as_ref()
            .filter(|q| q.request.card_id == card.card_id)
            .map_or_else(|| PREVIEW_URL.to_owned(), |q| q.qr.url.clone());
        let logo_key = self.logo.as_ref().map_or(0, |l| Arc::as_ptr(l) as usize);
        let key = format!("{}|{}|{url}|{logo_key}", card.card_id, self.template.name());
        if let Some((k, l)) = &self.layout
            && *k == key
        {
            return Some(Arc::clone(l));
        }
        let synthesis = crate::card::synth::synthesize(&card.body.card);
        let content = PosterContent::from_card(&card.body.card, &synthesis, &url)
            .with_logo(self.logo.clone());
        match crate::poster::layout(&content, self.template) {
            Ok(l) => {
                let l = Arc::new(l);
                self.layout = Some((key, Arc::clone(&l)));
                self.layout_error = None;
                Some(l)
            }
            Err(e) => {
                self.layout_error = Some(e.to_string());
                None
            }
        }
    }

    pub(super) fn poster_ui(&mut self, ui: &mut Ui, lang: Lang, out: &mut Vec<Command>) {
        ui.heading(T::Posters.get(lang));
        // The logo comes from the card's CDN URL, fetched once per URL.
        let logo_url = self
            .chosen()
            .and_then(|c| c.body.card.base_info())
            .and_then(|b| b.logo_url.clone())
            .filter(|u| !u.trim().is_empty());
        if logo_url != self.logo_url {
            self.logo_url.clone_from(&logo_url);
            self.logo = None;
            self.layout = None;
            if let Some(u) = logo_url {
                out.push(Command::FetchLogo(u));
            }
        }
        let Some(layout) = self.current_layout() else {
            if let Some(e) = &self.layout_error {
                crate::ui::error_label(ui, e);
            }
            return;
        };
        let card_id = self.card_id.clone().unwrap_or_default();
        ui.horizontal_top(|ui| {
            ui.vertical(|ui| {
                ui.set_width(320.0);
                poster_ui(ui, &layout, 300.0, &mut self.logo_texture);
                if self
                    .qr
                    .as_ref()
                    .is_none_or(|q| q.request.card_id != card_id)
                {
                    ui.weak(T::PreviewQrHint.get(lang));
                }
            });
            ui.vertical(|ui| {
                ui.horizontal(|ui| {
                    let l = ui.label(T::Template.get(lang));
                    egui::ComboBox::from_id_salt("poster_template")
                        .selected_text(template_label(self.template, lang))
                        .show_ui(ui, |ui| {
                            for t in Template::ALL {
                                ui.selectable_value(&mut self.template, t, template_label(t, lang));
                            }
                        })
                        .response
                        .labelled_by(l.id);
                });
                if let Some(q) = layout.qr() {
                    ui.weak(format!(
                        "{} {:.0}×{:.0} mm · {} {:.0}×{:.0} mm",
                        T::PageSize.get(lang),
                        layout.width,
                        layout.height,
                        T::QrSize.get(lang),
                        q.size(),
                        q.size()
                    ));
                }
                if let Some(e) = &self.logo_error {
                    ui.colored_label(crate::ui::warn_color(ui), T::LogoUnavailable.get(lang))
                        .on_hover_text(e.text(lang));
                }
                let name = format!("poster-{}", self.template.name());
                ui.horizontal(|ui| {
                    for (key, label, format) in [
                        ("export_png", T::ExportPng, PosterFormat::Png),
                        ("export_pdf", T::ExportPdf, PosterFormat::Pdf),
                    ] {
                        if action(ui, key, true, label.get(lang)).clicked() {
                            out.push(Command::ExportPoster {
                                layout: Arc::clone(&layout),
                                format,
                                name: name.clone(),
                            });
                        }
                    }
                });
                if let Some(Ok(path)) = &self.exported {
                    ui.horizontal(|ui| {
                        ui.label(format!("{} {}", T::SavedTo.get(lang), path.display()));
                        if action(ui, "open_export", true, T::OpenOrPrint.get(lang)).clicked() {
                            out.push(Command::Open(path.clone()));
                        }
                    });
                }
                ui.add_space(8.0);
                self.batch_ui(ui, lang, &card_id, &layout, out);
            });
        });
    }
}
