//! The pictures of a card that has them only as URLs (a created card, the demo): fetched once
//! each (the shell keeps them in a cache on disk) and shown in the preview and the form, as
//! the pictures picked from a file are while they upload.

use std::collections::HashSet;

use egui::TextureOptions;

use super::{Command, DesignPanel};
use crate::card::Card;
use crate::message::{ImageSlot, PreparedImage, UiError};
use crate::ui::editor::{ImageState, UploadStatus};

/// The image URLs of a card by slot, only those set.
pub fn image_urls(card: &Card) -> Vec<(ImageSlot, String)> {
    let mut out = Vec::new();
    let base = card.base_info();
    if let Some(url) = base.and_then(|b| b.logo_url.clone()) {
        out.push((ImageSlot::Logo, url));
    }
    let advanced = card.advanced_info();
    if let Some(url) = advanced
        .and_then(|a| a.abstract_info.as_ref())
        .and_then(|a| a.icon_url_list.as_ref())
        .and_then(|l| l.first().cloned())
    {
        out.push((ImageSlot::Cover, url));
    }
    for (i, item) in advanced
        .and_then(|a| a.text_image_list.as_ref())
        .into_iter()
        .flatten()
        .enumerate()
    {
        if let Some(url) = item.image_url.clone() {
            out.push((ImageSlot::TextImage(i), url));
        }
    }
    out.retain(|(_, url)| url.starts_with("http"));
    out
}

/// The fetches the open card needs: every URL picture with no picture shown for its slot,
/// each URL asked for once (`asked` remembers them).
pub fn fetches(panel: &DesignPanel, asked: &mut HashSet<String>) -> Vec<Command> {
    let Some(doc) = &panel.doc else {
        return Vec::new();
    };
    image_urls(&doc.body.card)
        .into_iter()
        .filter(|(slot, _)| !panel.images.contains_key(slot))
        .filter(|(_, url)| asked.insert(url.clone()))
        .map(|(slot, url)| Command::FetchImage(slot, url))
        .collect()
}

/// A fetched picture: shown when its slot still holds that URL; a failure keeps the
/// placeholder (the URL is not asked for again until the card is opened again).
pub fn on_fetched(
    panel: &mut DesignPanel,
    ctx: &egui::Context,
    slot: ImageSlot,
    url: &str,
    result: Result<PreparedImage, UiError>,
) {
    let still = panel.doc.as_ref().is_some_and(|d| {
        image_urls(&d.body.card)
            .iter()
            .any(|(s, u)| *s == slot && u == url)
    });
    let Ok(img) = result else { return };
    if !still || panel.images.contains_key(&slot) {
        return;
    }
    let image = egui::ColorImage::from_rgba_unmultiplied(
        [img.width as usize, img.height as usize],
        &img.rgba,
    );
    let texture = ctx.load_texture(format!("url-{slot:?}"), image, TextureOptions::LINEAR);
    panel.images.insert(
        slot,
        ImageState {
            texture: Some(texture),
            status: UploadStatus::Uploaded,
        },
    );
}
