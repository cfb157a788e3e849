//! The channels saved for the chosen card (by earlier poster batches, or the demo campaign):
//! which QR scene value went to which store or flyer, and a button that reuses them for the
//! next batch.

use egui::Ui;

use super::{PlacementPanel, action};
use crate::i18n::{Lang, T};

impl PlacementPanel {
    /// The saved channels of the chosen card, when it has any.
    pub(super) fn saved_ui(&mut self, ui: &mut Ui, lang: Lang) {
        let Some(card_id) = self.card_id.clone() else {
            return;
        };
        let mine: Vec<(i64, String)> = self
            .saved
            .iter()
            .filter(|c| c.card_id == card_id && (1..=200).contains(&c.outer_id))
            .map(|c| (c.outer_id, c.label.clone()))
            .collect();
        if mine.is_empty() {
            return;
        }
        let title = T::SavedChannels.fill(lang, &[("n", &mine.len())]);
        egui::CollapsingHeader::new(title)
            .id_salt(("saved_channels", &card_id))
            .default_open(true)
            .show(ui, |ui| {
                egui::Grid::new(("saved_grid", &card_id))
                    .num_columns(2)
                    .striped(true)
                    .show(ui, |ui| {
                        ui.strong(T::ChannelNumber.get(lang))
                            .on_hover_text("outer_id");
                        ui.strong(T::ChannelLabel.get(lang));
                        ui.end_row();
                        for (outer_id, label) in &mine {
                            ui.label(outer_id.to_string());
                            ui.label(label);
                            ui.end_row();
                        }
                    });
                if action(ui, "use_saved", true, T::UseSavedChannels.get(lang)).clicked() {
                    self.channel_spec = mine
                        .iter()
                        .map(|(id, _)| id.to_string())
                        .collect::<Vec<_>>()
                        .join(",");
                    self.labels_text = mine
                        .iter()
                        .map(|(id, label)| format!("{id},{label}"))
                        .collect::<Vec<_>>()
                        .join("\n");
                }
            });
    }
}
