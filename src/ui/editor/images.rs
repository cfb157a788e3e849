//! An image slot: local preview, pick and drop, upload status.

use egui::{RichText, Ui};

use super::fields::{FieldCtx, severity_color};
use super::{EditorAction, EditorEnv};
use crate::card::rules::Severity;
use crate::i18n::T;
use crate::message::{ImageSlot, UiError};

/// Upload progress of one slot.
#[derive(Clone, Debug, PartialEq)]
pub enum UploadStatus {
    /// Converting to JPEG.
    Preparing,
    /// Sending to media/uploadimg.
    Uploading,
    /// Done; the CDN URL is in the card.
    Uploaded,
    /// Failed, with the reason.
    Failed(UiError),
}

/// The local preview and status of one slot.
pub struct ImageState {
    /// The local preview, shown at once.
    pub texture: Option<egui::TextureHandle>,
    /// Where the upload stands.
    pub status: UploadStatus,
}

/// Draws a slot: thumbnail or placeholder, status, the pick button and the drop target.
/// `url` is the field in the card, shown so that a person can see what will be sent.
pub fn image_slot_ui(
    ui: &mut Ui,
    fc: &FieldCtx<'_>,
    env: &EditorEnv<'_>,
    slot: ImageSlot,
    label: T,
    url: Option<&str>,
    actions: &mut Vec<EditorAction>,
) {
    let state = env.images.get(&slot);
    let frame = egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.horizontal(|ui| {
            let size = egui::vec2(64.0, 64.0);
            match state.and_then(|s| s.texture.as_ref()) {
                Some(tex) => {
                    ui.add(egui::Image::new(tex).fit_to_exact_size(size));
                }
                None => {
                    let (rect, _) = ui.allocate_exact_size(size, egui::Sense::hover());
                    ui.painter().rect_stroke(
                        rect,
                        4.0,
                        ui.visuals().widgets.noninteractive.bg_stroke,
                        egui::StrokeKind::Inside,
                    );
                    ui.painter().text(
                        rect.center(),
                        egui::Align2::CENTER_CENTER,
                        "🖼",
                        egui::FontId::proportional(22.0),
                        ui.visuals().weak_text_color(),
                    );
                }
            }
            ui.vertical(|ui| {
                ui.label(fc.t(label));
                ui.horizontal(|ui| {
                    if ui.button(fc.t(T::PickImage)).clicked() {
                        actions.push(EditorAction::PickImage(slot));
                    }
                    ui.weak(fc.t(T::DropHint));
                });
                match state.map(|s| &s.status) {
                    Some(UploadStatus::Preparing | UploadStatus::Uploading) => {
                        ui.horizontal(|ui| {
                            ui.spinner();
                            ui.label(fc.t(T::Uploading));
                        });
                    }
                    Some(UploadStatus::Uploaded) => {
                        ui.label(RichText::new(format!("✔ {}", fc.t(T::Uploaded))).small());
                    }
                    Some(UploadStatus::Failed(e)) => {
                        ui.label(
                            RichText::new(format!("✖ {}", e.text(fc.lang)))
                                .color(severity_color(ui, Severity::Error))
                                .small(),
                        );
                    }
                    None => {}
                }
                if let Some(url) = url {
                    ui.label(RichText::new(url).small().weak());
                }
            });
        });
    });
    // A file dropped while the pointer is over this slot goes into it.
    let rect = frame.response.rect;
    let dropped = ui.ctx().input(|i| {
        let over = i.pointer.latest_pos().is_some_and(|p| rect.contains(p));
        if over {
            i.raw
                .dropped_files
                .iter()
                .find_map(|f| Some(f.path().to_path_buf()).filter(|p| !p.as_os_str().is_empty()))
        } else {
            None
        }
    });
    if let Some(path) = dropped {
        actions.push(EditorAction::DroppedImage(slot, path));
    }
    let hovering_files = ui.ctx().input(|i| !i.raw.hovered_files.is_empty());
    if hovering_files && ui.rect_contains_pointer(rect) {
        ui.painter().rect_stroke(
            rect,
            4.0,
            egui::Stroke::new(2.0, ui.visuals().selection.bg_fill),
            egui::StrokeKind::Outside,
        );
    }
}
