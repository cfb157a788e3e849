//! The live card preview, painted like WeChat's page of a friends' coupon: a colour band with
//! the logo, brand, synthesized title, summary and validity; then hours, notices, cover and
//! summary, the text-image list, service icons, the entrances, the gift-back line and the
//! stock price. Every text is a real label, so screen readers and tests can find it.

use egui::{Align, Color32, CornerRadius, Frame, Layout, Margin, RichText, Stroke, Ui, Vec2};

use crate::card::report::Report;
use crate::card::rules::COLOR_PALETTE;
use crate::card::{BusinessService, CodeType, CreateBody, Int, beijing};
use crate::i18n::Lang;

/// Width of the phone column.
pub const PHONE_WIDTH: f32 = 360.0;

/// Local previews of the images (uploads may still be running).
#[derive(Default)]
pub struct PreviewImages<'a> {
    /// The logo.
    pub logo: Option<&'a egui::TextureHandle>,
    /// The cover.
    pub cover: Option<&'a egui::TextureHandle>,
    /// The text-image pictures, by index.
    pub text_images: Vec<Option<&'a egui::TextureHandle>>,
}

/// The colour of a colour name from the offline palette; `None` for unknown names.
pub fn color_of(name: &str) -> Option<Color32> {
    COLOR_PALETTE
        .iter()
        .find(|(n, _)| *n == name)
        .and_then(|(_, hex)| Color32::from_hex(hex).ok())
}

fn tr(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    if lang == Lang::En { en } else { zh }
}

/// Paints the preview of `body` with its report. `now` decides whether the centre entrance
/// is greyed (before the validity starts).
pub fn card_preview_ui(
    ui: &mut Ui,
    body: &CreateBody,
    report: &Report,
    images: &PreviewImages<'_>,
    now: i64,
    lang: Lang,
) {
    let card = &body.card;
    let base = card.base_info();
    let adv = card.advanced_info();
    let band = base
        .and_then(|b| b.color.as_deref())
        .and_then(color_of)
        .unwrap_or(Color32::from_gray(0x8a));
    let synth = report.synthesis.as_ref();
    let page_bg = if ui.visuals().dark_mode {
        Color32::from_gray(0x26)
    } else {
        Color32::from_gray(0xf2)
    };
    let text_main = ui.visuals().strong_text_color();

    ui.scope(|ui| {
        ui.set_max_width(PHONE_WIDTH);
        Frame::new()
            .fill(page_bg)
            .corner_radius(CornerRadius::same(12))
            .inner_margin(Margin::same(10))
            .show(ui, |ui| {
                ui.set_width(PHONE_WIDTH - 20.0);
                // The colour band: the card face.
                Frame::new()
                    .fill(band)
                    .corner_radius(CornerRadius::same(10))
                    .inner_margin(Margin::same(14))
                    .show(ui, |ui| {
                        ui.set_width(ui.available_width());
                        ui.vertical_centered(|ui| {
                            logo_ui(
                                ui,
                                images.logo,
                                base.and_then(|b| b.brand_name.as_deref()),
                                band,
                            );
                            let brand = base.and_then(|b| b.brand_name.as_deref()).unwrap_or("");
                            if !brand.is_empty() {
                                ui.label(RichText::new(brand).color(Color32::WHITE).size(14.0));
                            }
                            if let Some(s) = synth {
                                ui.add_space(6.0);
                                ui.label(
                                    RichText::new(&s.title)
                                        .color(Color32::WHITE)
                                        .size(24.0)
                                        .strong(),
                                );
                                ui.label(
                                    RichText::new(&s.abstract_line)
                                        .color(Color32::from_white_alpha(220))
                                        .size(13.0),
                                );
                            }
                            if let Some(v) = validity_text(body, lang) {
                                ui.add_space(4.0);
                                ui.label(
                                    RichText::new(v)
                                        .color(Color32::from_white_alpha(200))
                                        .size(12.0),
                                );
                            }
                            ui.add_space(8.0);
                            entrance_button_ui(ui, body, now, lang);
                        });
                    });
                ui.add_space(8.0);
                let text_weak = ui.visuals().weak_text_color();
                if let Some(s) = synth {
                    for line in &s.time_limit_text {
                        ui.label(RichText::new(line).size(13.0).color(text_main));
                    }
                    for n in &s.notices {
                        ui.label(RichText::new(n).size(13.0).color(text_main));
                    }
                }
                if let Some(n) = base
                    .and_then(|b| b.notice.as_deref())
                    .filter(|n| !n.is_empty())
                {
                    ui.label(RichText::new(n).size(12.0).color(text_weak));
                }
                // Cover and summary.
                if let Some(abs) = adv.and_then(|a| a.abstract_info.as_ref()) {
                    let has_cover = abs.icon_url_list.as_ref().is_some_and(|l| !l.is_empty())
                        || images.cover.is_some();
                    if has_cover || abs.text.is_some() {
                        section_ui(ui, |ui| {
                            if has_cover {
                                picture_ui(ui, images.cover, 350.0 / 850.0);
                            }
                            if let Some(t) = abs.text.as_deref().filter(|t| !t.is_empty()) {
                                ui.label(RichText::new(t).size(13.0));
                            }
                        });
                    }
                }
                // Text-image list.
                if let Some(list) = adv
                    .and_then(|a| a.text_image_list.as_ref())
                    .filter(|l| !l.is_empty())
                {
                    section_ui(ui, |ui| {
                        ui.label(RichText::new(tr(lang, "图文详情", "Details")).strong());
                        for (i, item) in list.iter().enumerate() {
                            let tex = images.text_images.get(i).copied().flatten();
                            if tex.is_some() || item.image_url.is_some() {
                                picture_ui(ui, tex, 0.6);
                            }
                            if let Some(t) = item.text.as_deref().filter(|t| !t.is_empty()) {
                                ui.label(RichText::new(t).size(13.0));
                            }
                        }
                    });
                }
                // Business services.
                if let Some(services) = adv
                    .and_then(|a| a.business_service.as_ref())
                    .filter(|l| !l.is_empty())
                {
                    section_ui(ui, |ui| {
                        ui.horizontal_wrapped(|ui| {
                            for s in services {
                                ui.label(
                                    RichText::new(format!(
                                        "{} {}",
                                        service_icon(s),
                                        service_label(s, lang)
                                    ))
                                    .size(13.0),
                                );
                            }
                        });
                    });
                }
                // Service and marketing entrances, as list cells.
                if let Some(b) = base {
                    for (name, sub) in [
                        (&b.custom_url_name, &b.custom_url_sub_title),
                        (&b.promotion_url_name, &b.promotion_url_sub_title),
                    ] {
                        if let Some(name) = name.as_deref().filter(|n| !n.is_empty()) {
                            cell_ui(ui, name, sub.as_deref().unwrap_or(""));
                        }
                    }
                }
                gift_back_ui(ui, body, lang);
                ui.add_space(6.0);
                if let Some(s) = synth {
                    ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                        ui.label(
                            RichText::new(format!("{} 券点/张", s.price_per_unit))
                                .strong()
                                .color(text_main),
                        );
                        ui.label(
                            RichText::new(tr(lang, "库存价格", "Stock price"))
                                .small()
                                .color(text_weak),
                        );
                    });
                }
            });
    });
}

fn logo_ui(ui: &mut Ui, logo: Option<&egui::TextureHandle>, brand: Option<&str>, band: Color32) {
    let size = Vec2::splat(56.0);
    match logo {
        Some(tex) => {
            ui.add(
                egui::Image::new(tex)
                    .fit_to_exact_size(size)
                    .corner_radius(28),
            );
        }
        None => {
            let (rect, _) = ui.allocate_exact_size(size, egui::Sense::hover());
            ui.painter()
                .circle(rect.center(), 27.0, Color32::WHITE, Stroke::NONE);
            let initial: String = brand
                .and_then(|b| b.chars().next())
                .map(String::from)
                .unwrap_or_else(|| "Logo".into());
            ui.painter().text(
                rect.center(),
                egui::Align2::CENTER_CENTER,
                initial,
                egui::FontId::proportional(20.0),
                band,
            );
        }
    }
}

/// "有效期 2026.12.02-2027.01.01" in Beijing time.
fn validity_text(body: &CreateBody, lang: Lang) -> Option<String> {
    let d = body.card.base_info()?.date_info.as_ref()?;
    let b = beijing::format_date(d.begin_timestamp.as_ref().and_then(Int::get)?)?;
    let e = beijing::format_date(d.end_timestamp.as_ref().and_then(Int::get)?)?;
    Some(format!("{} {b}-{e}", tr(lang, "有效期", "Valid")))
}

/// The centred button: the centre entrance when set (greyed before the validity starts),
/// else WeChat's own 出示使用 button (none for CODE_TYPE_NONE).
fn entrance_button_ui(ui: &mut Ui, body: &CreateBody, now: i64, lang: Lang) {
    let Some(base) = body.card.base_info() else {
        return;
    };
    let begin = base
        .date_info
        .as_ref()
        .and_then(|d| d.begin_timestamp.as_ref())
        .and_then(Int::get);
    let (title, sub) = match base.center_title.as_deref().filter(|t| !t.is_empty()) {
        Some(t) => (
            t.to_owned(),
            base.center_sub_title.clone().unwrap_or_default(),
        ),
        None if base.code_type == Some(CodeType::None) => return,
        None => (
            tr(lang, "出示使用", "Show to use").to_owned(),
            String::new(),
        ),
    };
    let active = begin.is_none_or(|b| now >= b);
    let fill = if active {
        Color32::WHITE
    } else {
        Color32::from_white_alpha(120)
    };
    Frame::new()
        .fill(fill)
        .corner_radius(CornerRadius::same(18))
        .inner_margin(Margin::symmetric(22, 6))
        .show(ui, |ui| {
            ui.label(
                RichText::new(title)
                    .color(Color32::from_gray(0x33))
                    .strong(),
            );
        });
    if !sub.is_empty() {
        ui.label(
            RichText::new(sub)
                .color(Color32::from_white_alpha(210))
                .size(12.0),
        );
    }
}

fn section_ui(ui: &mut Ui, add: impl FnOnce(&mut Ui)) {
    let fill = ui.visuals().extreme_bg_color;
    ui.add_space(6.0);
    Frame::new()
        .fill(fill)
        .corner_radius(CornerRadius::same(8))
        .inner_margin(Margin::same(10))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            add(ui);
        });
}

fn picture_ui(ui: &mut Ui, tex: Option<&egui::TextureHandle>, aspect: f32) {
    let w = ui.available_width();
    let size = Vec2::new(w, w * aspect);
    match tex {
        Some(t) => {
            ui.add(
                egui::Image::new(t)
                    .fit_to_exact_size(size)
                    .maintain_aspect_ratio(true),
            );
        }
        None => {
            let (rect, _) = ui.allocate_exact_size(size, egui::Sense::hover());
            ui.painter()
                .rect_filled(rect, 6.0, ui.visuals().faint_bg_color);
            ui.painter().text(
                rect.center(),
                egui::Align2::CENTER_CENTER,
                "🖼",
                egui::FontId::proportional(28.0),
                ui.visuals().weak_text_color(),
            );
        }
    }
}

fn cell_ui(ui: &mut Ui, name: &str, sub: &str) {
    section_ui(ui, |ui| {
        ui.horizontal(|ui| {
            ui.label(RichText::new(name).size(14.0));
            ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                ui.label(RichText::new("›").size(16.0));
                if !sub.is_empty() {
                    ui.label(RichText::new(sub).size(12.0).weak());
                }
            });
        });
    });
}

fn gift_back_ui(ui: &mut Ui, body: &CreateBody, lang: Lang) {
    let Some(adv) = body.card.advanced_info() else {
        return;
    };
    let text = if adv
        .consume_share_card_list
        .as_ref()
        .is_some_and(|l| !l.is_empty())
    {
        tr(
            lang,
            "核销后赠送 1 张其他朋友的券",
            "After use: 1 other friends' coupon as a gift",
        )
    } else if adv.consume_share_self_num.as_ref().and_then(Int::get) == Some(1) {
        tr(
            lang,
            "核销后赠送 1 张本券,继续与朋友共享",
            "After use: 1 more of this coupon, to share again",
        )
    } else {
        return;
    };
    ui.add_space(6.0);
    ui.label(RichText::new(format!("🎁 {text}")).size(13.0));
}

fn service_icon(s: &BusinessService) -> &'static str {
    match s {
        BusinessService::Deliver => "🛵",
        BusinessService::FreePark => "🅿",
        BusinessService::WithPet => "🐾",
        BusinessService::FreeWifi => "📶",
        BusinessService::Other(_) => "•",
    }
}

fn service_label(s: &BusinessService, lang: Lang) -> &str {
    match (s, lang) {
        (BusinessService::Deliver, Lang::En) => "Delivery",
        (BusinessService::FreePark, Lang::En) => "Parking",
        (BusinessService::WithPet, Lang::En) => "Pets welcome",
        (BusinessService::FreeWifi, Lang::En) => "Free Wi-Fi",
        _ => s.label_zh(),
    }
}
