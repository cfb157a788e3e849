//! The card editor: a form for every field of the card model, grouped as the guide groups
//! them. It edits a [`CreateBody`] in place and reports what it needs from outside (an image
//! to pick, the store list) as [`EditorAction`]s; it never does IO itself.

mod fields;
mod images;
mod lists;
mod sections;

use std::collections::HashMap;

use egui::Ui;

pub use fields::{FieldCtx, ask_focus, findings_ui, parse_yuan, severity_color};
pub use images::{ImageState, UploadStatus};

use crate::api::Poi;
use crate::card::CreateBody;
use crate::i18n::T;
use crate::message::ImageSlot;

/// Text the user is typing into number fields, kept apart from the model so that a half-typed
/// or mistyped number is never lost. Cleared when another body is loaded.
#[derive(Debug, Default)]
pub struct EditorBuffers {
    /// reduce_cost in 元.
    pub reduce_cost: Option<String>,
    /// least_cost in 元.
    pub least_cost: Option<String>,
    /// gift_num.
    pub gift_num: Option<String>,
    /// get_limit.
    pub get_limit: Option<String>,
    /// A store id being typed by hand.
    pub store_id: String,
    /// The store search box.
    pub store_search: String,
}

/// What the editor needs to know from outside.
pub struct EditorEnv<'a> {
    /// Colour swatches `(name, colour)`.
    pub colors: &'a [(String, egui::Color32)],
    /// Stores from getpoilist.
    pub stores: &'a [Poi],
    /// Local previews and upload states of images.
    pub images: &'a HashMap<ImageSlot, ImageState>,
    /// True for a created card: thresholds and other fixed fields are read-only.
    pub created: bool,
}

/// Something the editor asks the app to do.
#[derive(Clone, Debug, PartialEq)]
pub enum EditorAction {
    /// Open a file dialog for an image slot.
    PickImage(ImageSlot),
    /// A file was dropped onto a slot.
    DroppedImage(ImageSlot, std::path::PathBuf),
}

/// Draws the whole form. Returns whether the body changed, and the actions requested.
pub fn editor_ui(
    ui: &mut Ui,
    body: &mut CreateBody,
    bufs: &mut EditorBuffers,
    env: &EditorEnv<'_>,
    fc: &FieldCtx<'_>,
) -> (bool, Vec<EditorAction>) {
    let mut changed = false;
    let mut actions = Vec::new();
    let card = &mut body.card;
    let group = |ui: &mut Ui, title: T, f: &mut dyn FnMut(&mut Ui)| {
        egui::CollapsingHeader::new(fc.t(title))
            .id_salt(title)
            .default_open(true)
            .show(ui, |ui| f(ui));
    };
    group(ui, T::SecType, &mut |ui| {
        changed |= sections::type_ui(ui, card, bufs, env, fc)
    });
    group(ui, T::SecThreshold, &mut |ui| {
        changed |= sections::threshold_ui(ui, card, bufs, env, fc)
    });
    group(ui, T::SecBrand, &mut |ui| {
        changed |= sections::brand_ui(ui, card, env, fc, &mut actions);
    });
    group(ui, T::SecValidity, &mut |ui| {
        changed |= sections::validity_ui(ui, card, bufs, env, fc)
    });
    group(ui, T::SecUsage, &mut |ui| {
        changed |= sections::usage_ui(ui, card, fc)
    });
    group(ui, T::SecEntrances, &mut |ui| {
        changed |= sections::entrances_ui(ui, card, fc)
    });
    group(ui, T::SecCover, &mut |ui| {
        changed |= sections::cover_ui(ui, card, env, fc, &mut actions);
    });
    group(ui, T::SecTextImages, &mut |ui| {
        changed |= lists::text_images_ui(ui, card, env, fc, &mut actions);
    });
    group(ui, T::SecTimeLimit, &mut |ui| {
        changed |= lists::time_limits_ui(ui, card, fc)
    });
    group(ui, T::SecServices, &mut |ui| {
        changed |= lists::services_ui(ui, card, fc)
    });
    group(ui, T::SecGiftBack, &mut |ui| {
        changed |= lists::gift_back_ui(ui, card, fc)
    });
    (changed, actions)
}
