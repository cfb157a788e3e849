//! The channel table under Stats: per-channel views, receives, gift-backs, uses and
//! conversion, from the simulator's log or a company server's events, and what they cover.

use egui::Ui;

use super::StatsPanel;
use crate::i18n::{Lang, T};
use crate::stats::Metric;

impl StatsPanel {
    pub(super) fn channels_ui(&self, ui: &mut Ui, lang: Lang, with_data: bool) {
        ui.add_space(8.0);
        ui.heading(T::Channels.get(lang)).on_hover_text("outer_id");
        if self.pushes {
            ui.weak(T::ChannelsServer.get(lang))
                .on_hover_text("user_get_card (OuterId) · user_consume_card · user_view_card");
            if self.channels_live {
                ui.weak(T::ChannelsLive.get(lang));
            }
        } else {
            ui.weak(T::ChannelsNote.get(lang));
        }
        if !with_data {
            return;
        }
        let Some(rows) = &self.channels else { return };
        if !self.pushes {
            ui.weak(T::ChannelsSandbox.get(lang));
        } else if rows.is_empty() {
            ui.weak(T::ChannelsNoneYet.get(lang));
        }
        if self.card_scope {
            ui.weak(T::ChannelScopeCard.get(lang));
        }
        egui::Grid::new("channels").striped(true).show(ui, |ui| {
            ui.strong(T::ChannelNumber.get(lang))
                .on_hover_text("outer_id");
            ui.strong(T::ChannelLabel.get(lang));
            ui.strong(T::ChannelViews.get(lang));
            ui.strong(Metric::Receive.name(lang));
            ui.strong(T::ChannelGiftBack.get(lang));
            ui.strong(Metric::Verify.name(lang));
            ui.strong(T::Conversion.get(lang));
            ui.end_row();
            for r in rows {
                ui.label(r.outer_id.to_string());
                // Scene 0: the card's own link or a QR code without a channel.
                if r.outer_id == 0 && r.label.is_empty() {
                    ui.weak(T::NoChannel.get(lang));
                } else {
                    ui.label(&r.label);
                }
                ui.label(r.views.to_string());
                ui.label(r.receives.to_string());
                ui.label(r.gift_backs.to_string());
                ui.label(r.uses.to_string());
                ui.label(
                    r.conversion()
                        .map_or_else(|| "—".into(), |c| format!("{:.1}%", c * 100.0)),
                );
                ui.end_row();
            }
        });
    }
}
