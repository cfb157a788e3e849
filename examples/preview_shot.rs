//! Opens a window with card previews of `tests/fixtures/down-jacket.json`, for screenshots:
//! in Chinese inside the validity with local pictures, in English before the validity with
//! placeholders, then a variant (another colour, no code, every business service, another
//! coupon given back) and an empty card.
//!
//! `cargo run --example preview_shot`

use coupon_studio::card::import::parse_create_body;
use coupon_studio::card::synth::{Synthesis, synthesize};
use coupon_studio::card::{BusinessService, Card, CodeType, ShareCard};
use coupon_studio::ui::Lang;
use coupon_studio::ui::fonts::install_fonts;
use coupon_studio::ui::preview::{PreviewContext, PreviewImages, card_preview_ui};
use egui::{Color32, ColorImage, TextureHandle, TextureOptions};

/// `begin_timestamp` of the fixture: 2027-01-01 00:00 Beijing time.
const FIXTURE_BEGIN: i64 = 1_798_732_800;
const DAY: i64 = 86_400;

/// Pictures the merchant would pick from disk, drawn here as gradients.
struct Pictures {
    logo: TextureHandle,
    cover: TextureHandle,
    text_images: Vec<TextureHandle>,
}

struct ShotApp {
    card: Card,
    synth: Synthesis,
    others: Vec<(Card, Synthesis)>,
    pictures: Pictures,
}

/// The fixture in another colour, without a code or a threshold amount, with every business
/// service and another coupon given back after use.
fn variant(card: &Card) -> Card {
    let mut card = card.clone();
    let Some(cash) = card.cash.as_mut() else {
        return card;
    };
    if let Some(base) = cash.base_info.as_mut() {
        base.color = Some("Color081".to_owned());
        base.code_type = Some(CodeType::None);
        base.center_title = None;
        base.center_sub_title = None;
        base.promotion_url_name = None;
        base.description = None;
    }
    if let Some(advanced) = cash.advanced_info.as_mut() {
        advanced.business_service = Some(BusinessService::KNOWN.to_vec());
        advanced.consume_share_self_num = None;
        advanced.consume_share_card_list = Some(vec![ShareCard {
            card_id: Some("pFS7Fjg8kV1IdDz01r4SQwMkuCKc".to_owned()),
            num: Some(1.into()),
            ..ShareCard::default()
        }]);
        if let Some(list) = advanced.text_image_list.as_mut() {
            list.truncate(1);
        }
        if let Some(condition) = advanced.use_condition.as_mut() {
            condition.least_cost = None;
        }
    }
    card
}

/// A `w × h` picture fading from `top` to `bottom`, with a soft light disc (a "product").
fn gradient(w: usize, h: usize, top: Color32, bottom: Color32) -> ColorImage {
    let mut pixels = Vec::with_capacity(w * h);
    let (cx, cy, r) = (w as f32 * 0.68, h as f32 * 0.5, h as f32 * 0.32);
    for y in 0..h {
        let t = y as f32 / h as f32;
        let row = top.lerp_to_gamma(bottom, t);
        for x in 0..w {
            let d = ((x as f32 - cx).powi(2) + (y as f32 - cy).powi(2)).sqrt();
            let light = (1.0 - d / r).clamp(0.0, 1.0);
            pixels.push(row.lerp_to_gamma(Color32::WHITE, light * 0.85));
        }
    }
    ColorImage::new([w, h], pixels)
}

impl ShotApp {
    fn new(ctx: &egui::Context, card: Card) -> Self {
        install_fonts(ctx);
        let load = |name: &str, image| ctx.load_texture(name, image, TextureOptions::LINEAR);
        let navy = Color32::from_rgb(0x24, 0x3b, 0x55);
        let pictures = Pictures {
            logo: load(
                "logo",
                gradient(128, 128, navy, Color32::from_rgb(0x6a, 0x8c, 0xaf)),
            ),
            cover: load(
                "cover",
                gradient(
                    850,
                    350,
                    Color32::from_rgb(0x9c, 0xc5, 0xe8),
                    Color32::from_rgb(0xe8, 0xf1, 0xf8),
                ),
            ),
            text_images: vec![
                load(
                    "ti-1",
                    gradient(
                        600,
                        300,
                        Color32::from_rgb(0xd8, 0xd2, 0xc8),
                        Color32::WHITE,
                    ),
                ),
                load(
                    "ti-2",
                    gradient(
                        600,
                        300,
                        Color32::from_rgb(0x63, 0xb3, 0x59),
                        Color32::from_rgb(0xdf, 0xef, 0xdc),
                    ),
                ),
            ],
        };
        let others = [variant(&card), Card::default()]
            .into_iter()
            .map(|c| {
                let synth = synthesize(&c);
                (c, synth)
            })
            .collect();
        Self {
            synth: synthesize(&card),
            card,
            others,
            pictures,
        }
    }
}

impl eframe::App for ShotApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let panel =
            egui::Frame::central_panel(ui.style()).fill(Color32::from_rgb(0xed, 0xed, 0xed));
        egui::CentralPanel::default().frame(panel).show(ui, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                ui.horizontal_top(|ui| {
                    ui.spacing_mut().item_spacing.x = 32.0;
                    let with_pictures = PreviewImages {
                        logo: Some(&self.pictures.logo),
                        cover: Some(&self.pictures.cover),
                        text_images: self.pictures.text_images.iter().map(Some).collect(),
                    };
                    let valid = PreviewContext {
                        now: FIXTURE_BEGIN + DAY,
                        lang: Lang::Zh,
                    };
                    let early = PreviewContext {
                        now: FIXTURE_BEGIN - DAY,
                        lang: Lang::En,
                    };
                    let none = PreviewImages::default();
                    ui.vertical(|ui| {
                        card_preview_ui(ui, &self.card, &self.synth, &with_pictures, &valid)
                    });
                    ui.vertical(|ui| card_preview_ui(ui, &self.card, &self.synth, &none, &early));
                    ui.vertical(|ui| {
                        for (card, synth) in &self.others {
                            card_preview_ui(ui, card, synth, &none, &valid);
                            ui.add_space(24.0);
                        }
                    });
                });
            });
        });
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let text = include_str!("../tests/fixtures/down-jacket.json");
    let card = parse_create_body(text)?.card;
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("coupon-studio preview")
            .with_inner_size([1240.0, 1560.0]),
        ..Default::default()
    };
    eframe::run_native(
        "coupon-studio preview",
        options,
        Box::new(|cc| Ok(Box::new(ShotApp::new(&cc.egui_ctx, card)))),
    )
    .map_err(|e| e.to_string())?;
    Ok(())
}
