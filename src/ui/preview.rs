//! The live card preview: a friends' coupon painted the way WeChat's card page shows it, so a
//! marketing person sees the card before it exists.
//!
//! The page is a phone-width column: the colour band (logo, brand, the synthesized title and
//! summary, the centre entrance, notice, validity and usable hours), then the service and
//! marketing entrances, the details (cover, summary, text-image list), the business services and
//! the notes, and under the card the stock price. Missing fields show nothing or a faint
//! placeholder; every visible text is a real label, so accessibility queries find it.

mod band;
mod dates;
mod details;
mod glyphs;
mod labels;

use egui::{Color32, CornerRadius, Frame, Label, Response, RichText, Stroke, TextureHandle, Ui};

use crate::card::Card;
use crate::card::synth::Synthesis;
use crate::ui::Lang;

pub use dates::{Phase, beijing_date};
pub use labels::PreviewLabels;

/// The 14 card colours of `card/getcolors`, for previews without a network.
pub const OFFLINE_PALETTE: [(&str, &str); 14] = crate::card::rules::COLOR_PALETTE;

/// The width of the phone column, in points.
pub const PHONE_WIDTH: f32 = 375.0;

/// The band colour of a card whose colour is missing or unknown.
pub const NEUTRAL_BAND: Color32 = Color32::from_rgb(0x9a, 0x9f, 0xa6);

/// Body text on the white page.
const TEXT: Color32 = Color32::from_rgb(0x35, 0x35, 0x35);
/// Secondary text: sub-titles, dates, descriptions.
const MUTED: Color32 = Color32::from_rgb(0x88, 0x88, 0x88);
/// Placeholders and chevrons.
const FAINT: Color32 = Color32::from_rgb(0xb8, 0xb8, 0xb8);
/// Hairlines between cells and around the card.
const LINE: Color32 = Color32::from_rgb(0xe6, 0xe6, 0xe6);
/// The background of image placeholders.
const PLACEHOLDER_BG: Color32 = Color32::from_rgb(0xf2, 0xf3, 0xf5);
/// The corner radius of the card.
const CARD_RADIUS: u8 = 14;

/// The colour of a palette name such as `Color010` (case-insensitive); `None` when unknown.
pub fn color_hex(name: &str) -> Option<Color32> {
    let name = name.trim();
    OFFLINE_PALETTE
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .and_then(|(_, hex)| Color32::from_hex(hex).ok())
}

/// Local previews of the card's pictures (the card itself only holds CDN URLs). `None` shows
/// a neutral placeholder box.
#[derive(Clone, Default)]
pub struct PreviewImages<'a> {
    /// The round merchant logo (`logo_url`).
    pub logo: Option<&'a TextureHandle>,
    /// The cover picture (`abstract.icon_url_list[0]`).
    pub cover: Option<&'a TextureHandle>,
    /// One entry per `text_image_list` entry, in order; missing entries are placeholders.
    pub text_images: Vec<Option<&'a TextureHandle>>,
}

/// What the preview depends on besides the card: the time and the UI language.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PreviewContext {
    /// Now, in seconds since the epoch: the centre button is grey outside the validity.
    pub now: i64,
    /// The language of the preview's own words.
    pub lang: Lang,
}

impl PreviewContext {
    /// A context at the current system time.
    pub fn current(lang: Lang) -> Self {
        Self {
            now: chrono::Utc::now().timestamp(),
            lang,
        }
    }
}

/// Everything the painting helpers need, resolved once per frame.
struct Page<'a> {
    card: &'a Card,
    synth: &'a Synthesis,
    images: &'a PreviewImages<'a>,
    labels: PreviewLabels,
    accent: Color32,
    phase: Phase,
    validity: Option<String>,
}

/// Paints `card` as WeChat's card page would show it, laid out at exactly [`PHONE_WIDTH`]
/// (a phone's width in points), never reflowed narrower, so its line breaks are a phone's; a
/// narrower parent clips it. `synth` is [`crate::card::synth::synthesize`] of the same card.
pub fn card_preview_ui(
    ui: &mut Ui,
    card: &Card,
    synth: &Synthesis,
    images: &PreviewImages<'_>,
    cx: &PreviewContext,
) -> Response {
    let base = card.base_info();
    let (begin, end) = dates::bounds(base);
    let page = Page {
        card,
        synth,
        images,
        labels: PreviewLabels::new(cx.lang),
        accent: base
            .and_then(|b| b.color.as_deref())
            .and_then(color_hex)
            .unwrap_or(NEUTRAL_BAND),
        phase: dates::phase(cx.now, begin, end),
        validity: dates::range_text(begin, end),
    };
    ui.vertical(|ui| {
        ui.set_width(PHONE_WIDTH);
        // The page has its own spacing, whatever the caller's style.
        ui.spacing_mut().item_spacing = egui::vec2(8.0, 6.0);
        // The price per unit is ours, not WeChat's: the column states it beside the page.
        card_frame_ui(ui, &page);
    })
    .response
}

/// The rounded white card: the band on top, the sections below.
fn card_frame_ui(ui: &mut Ui, page: &Page<'_>) {
    Frame::new()
        .fill(Color32::WHITE)
        .stroke(Stroke::new(1.0, LINE))
        .corner_radius(CARD_RADIUS)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.spacing_mut().item_spacing.y = 0.0;
            band::band_ui(ui, page);
            details::sections_ui(ui, page);
        });
}

/// The corner radius of the band: rounded at the top only, to sit inside the card.
fn band_radius() -> CornerRadius {
    CornerRadius {
        nw: CARD_RADIUS,
        ne: CARD_RADIUS,
        sw: 0,
        se: 0,
    }
}

/// A wrapped, non-selectable label of `text` in `size` points and `color`.
fn text_ui(ui: &mut Ui, text: impl Into<String>, size: f32, color: Color32) -> Response {
    let rich = RichText::new(text).size(size).color(color);
    ui.add(Label::new(rich).wrap().selectable(false))
}

/// `s` trimmed, `None` when absent or blank.
fn filled(s: Option<&String>) -> Option<&str> {
    s.map(|s| s.trim()).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn palette_names_resolve() {
        assert_eq!(
            color_hex("Color010"),
            Some(Color32::from_rgb(0x63, 0xb3, 0x59))
        );
        assert_eq!(
            color_hex("color102"),
            Some(Color32::from_rgb(0x5e, 0x66, 0x71))
        );
        assert_eq!(color_hex("Color999"), None);
        assert_eq!(color_hex(""), None);
        for (name, _) in OFFLINE_PALETTE {
            assert!(color_hex(name).is_some(), "{name}");
        }
    }
}
