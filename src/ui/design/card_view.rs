//! Glue between the panel's state and the preview widget.

use egui::Ui;

use super::DesignPanel;
use crate::card::CreateBody;
use crate::card::report::Report;
use crate::i18n::Lang;
use crate::message::ImageSlot;
use crate::ui::preview::{PreviewContext, PreviewImages, card_preview_ui};

/// Draws the live preview of `body`, with local image previews where uploads are pending.
pub fn preview_ui(
    ui: &mut Ui,
    panel: &DesignPanel,
    body: &CreateBody,
    report: &Report,
    lang: Lang,
) {
    let Some(synth) = &report.synthesis else {
        return;
    };
    let tex = |slot| panel.images.get(&slot).and_then(|s| s.texture.as_ref());
    let n = body
        .card
        .advanced_info()
        .and_then(|a| a.text_image_list.as_ref())
        .map_or(0, Vec::len);
    let images = PreviewImages {
        logo: tex(ImageSlot::Logo),
        cover: tex(ImageSlot::Cover),
        text_images: (0..n).map(|i| tex(ImageSlot::TextImage(i))).collect(),
    };
    card_preview_ui(
        ui,
        &body.card,
        synth,
        &images,
        &PreviewContext {
            now: panel.now(),
            lang,
        },
    );
}
