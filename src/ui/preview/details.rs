//! Below the band: the entrances, the details (cover, summary, text-image list), the business
//! services and the notes; and the stock price under the card.

use egui::{
    Align, Frame, Image, Layout, Margin, Rect, Sense, Stroke, TextureHandle, Ui, UiBuilder, Vec2,
};

use super::{FAINT, LINE, MUTED, PLACEHOLDER_BG, Page, TEXT, filled, glyphs, text_ui};
use crate::card::{AdvancedInfo, Int};

/// The height of an entrance cell.
const CELL_HEIGHT: f32 = 46.0;
/// The width of one business-service item.
const SERVICE_WIDTH: f32 = 72.0;

/// Every section below the band, each only when the card has something for it.
pub(super) fn sections_ui(ui: &mut Ui, page: &Page<'_>) {
    entrances_ui(ui, page);
    let advanced = page.card.advanced_info();
    if let Some(advanced) = advanced.filter(|a| has_details(a)) {
        section_ui(ui, Some(page.labels.details), |ui| {
            details_ui(ui, page, advanced)
        });
    }
    let services = advanced.and_then(|a| a.business_service.as_deref());
    if let Some(services) = services.filter(|s| !s.is_empty()) {
        section_ui(ui, Some(page.labels.services), |ui| {
            ui.horizontal_wrapped(|ui| {
                for service in services {
                    service_ui(ui, page, service);
                }
            });
        });
    }
    let notes = notes(page);
    if !notes.is_empty() {
        section_ui(ui, Some(page.labels.notes), |ui| {
            for (text, highlight) in notes {
                let color = if highlight { page.accent } else { MUTED };
                text_ui(ui, text, 13.0, color);
            }
        });
    }
    // A white edge, so that the card's rounded bottom corners show even without sections.
    ui.add_space(6.0);
}

/// A section: a hairline on top, a small heading, then the contents with page margins.
fn section_ui(ui: &mut Ui, heading: Option<&str>, add_contents: impl FnOnce(&mut Ui)) {
    hairline(ui);
    Frame::new()
        .inner_margin(Margin::symmetric(16, 14))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.spacing_mut().item_spacing.y = 8.0;
            if let Some(heading) = heading {
                text_ui(ui, heading, 15.0, TEXT);
            }
            add_contents(ui);
        });
}

/// A 1 px line across the card at the cursor.
fn hairline(ui: &mut Ui) {
    let (rect, _) = ui.allocate_exact_size(Vec2::new(ui.available_width(), 1.0), Sense::hover());
    ui.painter()
        .hline(rect.x_range(), rect.center().y, Stroke::new(1.0, LINE));
}

/// The service (custom_url) and marketing (promotion_url) entrances as list cells.
fn entrances_ui(ui: &mut Ui, page: &Page<'_>) {
    let Some(base) = page.card.base_info() else {
        return;
    };
    let cells = [
        (&base.custom_url_name, &base.custom_url_sub_title),
        (&base.promotion_url_name, &base.promotion_url_sub_title),
    ];
    for (name, sub) in cells {
        if let Some(name) = filled(name.as_ref()) {
            hairline(ui);
            cell_ui(ui, name, filled(sub.as_ref()));
        }
    }
}

/// One list cell: the name on the left, the tip and a chevron on the right.
fn cell_ui(ui: &mut Ui, name: &str, sub: Option<&str>) {
    let size = Vec2::new(ui.available_width(), CELL_HEIGHT);
    let (rect, _) = ui.allocate_exact_size(size, Sense::hover());
    let inner = rect.shrink2(Vec2::new(16.0, 0.0));
    let chevron = egui::pos2(inner.max.x - 4.0, inner.center().y);
    glyphs::paint_chevron(ui.painter(), chevron, FAINT);
    let mut row = ui.new_child(
        UiBuilder::new()
            .max_rect(inner)
            .layout(Layout::left_to_right(Align::Center)),
    );
    text_ui(&mut row, name, 15.0, TEXT);
    if let Some(sub) = sub {
        let right = Rect::from_min_max(row.cursor().min, inner.max - Vec2::new(16.0, 0.0));
        let mut tip = row.new_child(
            UiBuilder::new()
                .max_rect(right)
                .layout(Layout::right_to_left(Align::Center)),
        );
        text_ui(&mut tip, sub, 13.0, MUTED);
    }
}

/// Whether the card has a cover, summary or text-image list to show.
fn has_details(advanced: &AdvancedInfo) -> bool {
    advanced.abstract_info.is_some()
        || advanced
            .text_image_list
            .as_ref()
            .is_some_and(|l| !l.is_empty())
}

/// The cover with its summary, then each text-image entry (picture, then text).
fn details_ui(ui: &mut Ui, page: &Page<'_>, advanced: &AdvancedInfo) {
    let width = ui.available_width();
    if let Some(abs) = &advanced.abstract_info {
        let cover_height = width * 350.0 / 850.0;
        picture_ui(
            ui,
            page.images.cover,
            width,
            cover_height,
            page.labels.cover,
        );
        if let Some(text) = filled(abs.text.as_ref()) {
            text_ui(ui, text, 14.0, TEXT);
        }
    }
    let entries = advanced.text_image_list.as_deref().unwrap_or_default();
    for (i, entry) in entries.iter().enumerate() {
        ui.add_space(4.0);
        let texture = page.images.text_images.get(i).copied().flatten();
        picture_ui(ui, texture, width, width * 0.5, page.labels.image);
        if let Some(text) = filled(entry.text.as_ref()) {
            text_ui(ui, text, 14.0, TEXT);
        }
    }
}

/// A picture `width` wide (its own aspect ratio, at most `2 × width` tall), or a placeholder
/// box `width × height` with a picture glyph and `label`.
fn picture_ui(ui: &mut Ui, texture: Option<&TextureHandle>, width: f32, height: f32, label: &str) {
    if let Some(texture) = texture {
        let aspect = texture.aspect_ratio();
        let h = if aspect > 0.0 { width / aspect } else { height };
        let image = Image::from_texture(texture)
            .fit_to_exact_size(Vec2::new(width, h.clamp(24.0, 2.0 * width)))
            .corner_radius(6)
            .alt_text(label);
        ui.add(image);
        return;
    }
    let (rect, _) = ui.allocate_exact_size(Vec2::new(width, height), Sense::hover());
    ui.painter().rect_filled(rect, 6, PLACEHOLDER_BG);
    let glyph = egui::pos2(rect.center().x, rect.center().y - 10.0);
    glyphs::paint_picture(ui.painter(), glyph, 30.0, FAINT);
    let caption = Rect::from_min_max(egui::pos2(rect.min.x, glyph.y + 16.0), rect.max);
    let mut inside = ui.new_child(
        UiBuilder::new()
            .max_rect(caption)
            .layout(Layout::top_down(Align::Center)),
    );
    text_ui(&mut inside, label, 12.0, FAINT);
}

/// One business service: a painted icon in a tinted disc, its name below.
fn service_ui(ui: &mut Ui, page: &Page<'_>, service: &crate::card::BusinessService) {
    let (rect, _) = ui.allocate_exact_size(Vec2::new(SERVICE_WIDTH, 66.0), Sense::hover());
    let disc = egui::pos2(rect.center().x, rect.min.y + 20.0);
    ui.painter()
        .circle_filled(disc, 20.0, page.accent.gamma_multiply(0.15));
    let icon = Rect::from_center_size(disc, Vec2::splat(25.0));
    glyphs::paint_service(ui.painter(), icon, service, page.accent);
    let caption = Rect::from_min_max(egui::pos2(rect.min.x, disc.y + 24.0), rect.max);
    let mut below = ui.new_child(
        UiBuilder::new()
            .max_rect(caption)
            .layout(Layout::top_down(Align::Center)),
    );
    text_ui(&mut below, page.labels.service(service), 12.0, MUTED);
}

/// The lines of 使用须知, with whether each is highlighted: the gift given back after use,
/// the synthesized notices ("不与其他优惠共享"), the description and the service phone.
fn notes(page: &Page<'_>) -> Vec<(String, bool)> {
    let mut lines = Vec::new();
    let advanced = page.card.advanced_info();
    let num = |v: Option<&Int>| v.and_then(Int::get);
    let self_num = num(advanced.and_then(|a| a.consume_share_self_num.as_ref()));
    if let Some(n) = self_num.filter(|n| *n > 0) {
        lines.push((page.labels.gift_back_self(n), true));
    } else if let Some(share) = advanced
        .and_then(|a| a.consume_share_card_list.as_deref())
        .and_then(<[_]>::first)
    {
        let n = num(share.num.as_ref()).unwrap_or(1);
        lines.push((page.labels.gift_back_other(n), true));
    }
    lines.extend(page.synth.notices.iter().map(|n| (n.clone(), false)));
    let base = page.card.base_info();
    if let Some(description) = filled(base.and_then(|b| b.description.as_ref())) {
        lines.push((description.to_owned(), false));
    }
    if let Some(phone) = filled(base.and_then(|b| b.service_phone.as_ref())) {
        lines.push((format!("{} {phone}", page.labels.service_phone), false));
    }
    lines
}
