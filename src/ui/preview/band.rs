//! The colour band: logo, brand, title, summary, centre entrance, notice, validity, hours.

use egui::{
    Align, Color32, CornerRadius, Frame, Image, Label, Layout, Margin, Rect, Response, RichText,
    Sense, Shape, Stroke, Ui, UiBuilder, Vec2,
};

use super::{Page, Phase, band_radius, filled, text_ui};
use crate::card::CodeType;

/// The diameter of the round logo.
const LOGO_SIZE: f32 = 56.0;
/// The width of the centre button.
const BUTTON_WIDTH: f32 = 196.0;
/// Text on the band.
const ON_BAND: Color32 = Color32::WHITE;
/// Secondary text on the band.
const ON_BAND_SOFT: Color32 = Color32::from_rgba_premultiplied(225, 225, 225, 225);

/// The whole band, full width, in the card colour.
pub(super) fn band_ui(ui: &mut Ui, page: &Page<'_>) {
    Frame::new()
        .fill(page.accent)
        .corner_radius(band_radius())
        .inner_margin(Margin::symmetric(20, 22))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.vertical_centered(|ui| {
                ui.spacing_mut().item_spacing.y = 6.0;
                band_contents_ui(ui, page);
            });
        });
}

fn band_contents_ui(ui: &mut Ui, page: &Page<'_>) {
    let base = page.card.base_info();
    logo_ui(ui, page);
    if let Some(brand) = filled(base.and_then(|b| b.brand_name.as_ref())) {
        text_ui(ui, brand, 15.0, ON_BAND);
    }
    ui.add_space(6.0);
    let title = RichText::new(page.synth.title.as_str())
        .size(26.0)
        .color(ON_BAND);
    ui.add(Label::new(title).wrap().selectable(false));
    text_ui(ui, page.synth.abstract_line.as_str(), 14.0, ON_BAND_SOFT);
    ui.add_space(12.0);
    center_button_ui(ui, page);
    if let Some(notice) = filled(base.and_then(|b| b.notice.as_ref())) {
        text_ui(ui, notice, 13.0, ON_BAND_SOFT);
    }
    ui.add_space(4.0);
    if let Some(range) = &page.validity {
        text_ui(
            ui,
            format!("{} {range}", page.labels.valid),
            13.0,
            ON_BAND_SOFT,
        );
    }
    for line in &page.synth.time_limit_text {
        text_ui(ui, line.as_str(), 13.0, ON_BAND_SOFT);
    }
}

/// The round logo, or a white disc with "Logo" when there is no local picture.
fn logo_ui(ui: &mut Ui, page: &Page<'_>) {
    let size = Vec2::splat(LOGO_SIZE);
    if let Some(texture) = page.images.logo {
        let image = Image::from_texture(texture)
            .fit_to_exact_size(size)
            .corner_radius(CornerRadius::same((LOGO_SIZE / 2.0) as u8))
            .alt_text(page.labels.logo);
        ui.add(image);
        return;
    }
    let (rect, _) = ui.allocate_exact_size(size, Sense::hover());
    let painter = ui.painter();
    painter.circle_filled(
        rect.center(),
        LOGO_SIZE / 2.0,
        Color32::from_white_alpha(235),
    );
    painter.circle_stroke(
        rect.center(),
        LOGO_SIZE / 2.0,
        Stroke::new(2.0, Color32::from_white_alpha(120)),
    );
    let mut inside = ui.new_child(
        UiBuilder::new()
            .max_rect(rect)
            .layout(Layout::centered_and_justified(egui::Direction::TopDown)),
    );
    text_ui(&mut inside, page.labels.logo, 12.0, super::FAINT);
}

/// What the centre button says, or `None` when the card has none.
///
/// `center_title` replaces the QR code button; without it a card with a code shows the default
/// "立即使用" button, and a `CODE_TYPE_NONE` card shows none.
fn button_texts<'a>(page: &'a Page<'_>) -> Option<(&'a str, Option<&'a str>)> {
    let base = page.card.base_info();
    let sub = filled(base.and_then(|b| b.center_sub_title.as_ref()));
    match filled(base.and_then(|b| b.center_title.as_ref())) {
        Some(title) => Some((title, sub)),
        None if base.and_then(|b| b.code_type.as_ref()) == Some(&CodeType::None) => None,
        None => Some((page.labels.use_now, None)),
    }
}

/// The centre entrance: a white pill with the title in the card colour and the sub-title
/// below; grey outside the validity (WeChat: "未到有效期时按钮置灰").
fn center_button_ui(ui: &mut Ui, page: &Page<'_>) {
    let Some((title, sub)) = button_texts(page) else {
        return;
    };
    let active = page.phase == Phase::Valid;
    let (fill, title_color, sub_color) = if active {
        (Color32::WHITE, page.accent, super::MUTED)
    } else {
        (
            Color32::from_gray(222),
            Color32::from_gray(150),
            Color32::from_gray(165),
        )
    };
    let response = pill_ui(ui, fill, |ui| {
        text_ui(ui, title, 17.0, title_color);
        if let Some(sub) = sub {
            text_ui(ui, sub, 12.0, sub_color);
        }
    });
    match page.phase {
        Phase::Valid => {}
        Phase::NotYet => {
            response.on_hover_text(page.labels.not_yet_valid);
        }
        Phase::Expired => {
            response.on_hover_text(page.labels.expired);
        }
    }
}

/// A centred rounded box of [`BUTTON_WIDTH`], as tall as its contents.
fn pill_ui(ui: &mut Ui, fill: Color32, add_contents: impl FnOnce(&mut Ui)) -> Response {
    let padding = Vec2::new(12.0, 9.0);
    let background = ui.painter().add(Shape::Noop);
    let available = ui.available_rect_before_wrap();
    let width = BUTTON_WIDTH.min(available.width());
    let left = available.center().x - width / 2.0;
    let top = ui.cursor().min.y;
    let inner = Rect::from_min_max(
        egui::pos2(left + padding.x, top + padding.y),
        egui::pos2(
            left + width - padding.x,
            available.max.y.max(top + padding.y),
        ),
    );
    let mut child = ui.new_child(
        UiBuilder::new()
            .max_rect(inner)
            .layout(Layout::top_down(Align::Center)),
    );
    child.spacing_mut().item_spacing.y = 2.0;
    add_contents(&mut child);
    let bottom = child.min_rect().max.y + padding.y;
    let rect = Rect::from_min_max(egui::pos2(left, top), egui::pos2(left + width, bottom));
    let radius = CornerRadius::same((rect.height() / 2.0).min(24.0) as u8);
    ui.painter()
        .set(background, Shape::rect_filled(rect, radius, fill));
    ui.allocate_rect(rect, Sense::hover())
}
