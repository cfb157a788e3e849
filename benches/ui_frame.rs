//! UI frame CPU time: the Design panel (drafts and cards lists, the full editor, the live
//! preview, findings and the create button) with a fully filled card, run headless through
//! egui (layout and tessellation, what the app's CPU does each frame before the GPU upload),
//! 1000 frames after 50 warm-up frames, each with a mouse move so that nothing is cached away.
//! Prints the median and the 99th percentile.
//!
//! "Fully filled" means every field the editor has is set: the down-jacket fixture (value,
//! thresholds, brand, colour, code type, validity, two stores, notice, description, phone,
//! get limit, the three entrances, cover and summary, hours, gift-back) plus a rejected
//! category, all four business services, a third text-image, weekend hours, local picture
//! previews (textures) in the logo, cover and every text-image slot, the colour swatches, six
//! stores to pick from, eight drafts and three cards in the side lists.
//!
//! `cargo bench --bench ui_frame` runs it in full; `cargo test --all-targets` runs 20 frames so
//! it cannot rot.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A bench fails loudly on purpose.

use std::time::Instant;

/// The height of the screen on which everything is painted (points).
const TALL: f32 = 6000.0;

use coupon_studio::api::{CardDetails, Poi};
use coupon_studio::card::import::parse_create_body;
use coupon_studio::card::rules::COLOR_PALETTE;
use coupon_studio::i18n::Lang;
use coupon_studio::message::ImageSlot;
use coupon_studio::store::DraftMeta;
use coupon_studio::ui::design::{DesignPanel, Doc};
use coupon_studio::ui::editor::{ImageState, UploadStatus};
use coupon_studio::ui::panel::{Panel, PanelCx};

/// The down-jacket fixture with the fields it leaves out filled in too.
fn full_card() -> coupon_studio::card::CreateBody {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/down-jacket.json"
    ))
    .unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let adv = &mut json["card"]["cash"]["advanced_info"];
    adv["use_condition"]["reject_category"] = "童装".into();
    adv["business_service"] = serde_json::json!([
        "BIZ_SERVICE_DELIVER",
        "BIZ_SERVICE_FREE_PARK",
        "BIZ_SERVICE_WITH_PET",
        "BIZ_SERVICE_FREE_WIFI"
    ]);
    adv["text_image_list"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "image_url": "http://mmbiz.qpic.cn/mmbiz/ti-3/0",
            "text": "会员到店再享免费干洗一次"
        }));
    let hours = adv["time_limit"].as_array_mut().unwrap();
    for day in ["SATURDAY", "SUNDAY"] {
        hours.push(serde_json::json!({
            "type": day, "begin_hour": 9, "begin_minute": 30, "end_hour": 22, "end_minute": 0
        }));
    }
    parse_create_body(&json.to_string()).unwrap()
}

/// A photo-like preview texture, as the app makes from a picked file.
fn texture(ctx: &egui::Context, name: &str, w: usize, h: usize) -> egui::TextureHandle {
    let pixels: Vec<egui::Color32> = (0..w * h)
        .map(|i| {
            let (x, y) = (i % w, i / w);
            egui::Color32::from_rgb((x * 255 / w) as u8, (y * 255 / h) as u8, 160)
        })
        .collect();
    let image = egui::ColorImage::new([w, h], pixels);
    ctx.load_texture(name, image, egui::TextureOptions::LINEAR)
}

/// The panel as a person sees it after a while: lists, swatches, stores and pictures loaded.
fn filled_panel(ctx: &egui::Context) -> DesignPanel {
    let mut panel = DesignPanel::default();
    panel.open(Doc {
        draft_id: Some(1),
        name: "羽绒服".into(),
        body: full_card(),
        remote: None,
    });
    // The fixture's validity starts 2027-01-01: "now" a day before keeps the date rules quiet.
    panel.now_override = Some(1_798_646_400);
    panel.colors = COLOR_PALETTE
        .iter()
        .map(|(n, h)| ((*n).to_owned(), egui::Color32::from_hex(h).unwrap()))
        .collect();
    panel.stores = [
        (272981040, "北风羽绒(朝阳大悦城店)"),
        (400183234, "北风羽绒(中关村店)"),
        (400183235, "北风羽绒(国贸店)"),
        (400183236, "北风羽绒(西单店)"),
        (400183237, "北风羽绒(望京店)"),
        (400183238, "北风羽绒(五道口店)"),
    ]
    .into_iter()
    .map(|(id, name)| Poi {
        poi_id: id.to_string(),
        business_name: name.into(),
        branch_name: String::new(),
        address: "北京市朝阳区朝阳北路101号".into(),
    })
    .collect();
    panel.drafts = (1..=8)
        .map(|id| DraftMeta {
            id,
            name: format!("冬季活动草稿 {id}"),
            card_id: (id % 3 == 0).then(|| format!("pXXXX{id}")),
            updated_at: 1_798_646_400 - id * 3600,
        })
        .collect();
    panel.cards = (1..=3)
        .map(|i| CardDetails {
            card_id: format!("pFS7Fjg8kV1IdDz01r4SQwMkuCK{i}"),
            status: "CARD_STATUS_VERIFY_OK".into(),
            quantity: Some(100 * i),
            total_quantity: Some(500),
            body: full_card(),
        })
        .collect();
    let mut slots = vec![(ImageSlot::Logo, 300, 300), (ImageSlot::Cover, 850, 350)];
    slots.extend((0..3).map(|i| (ImageSlot::TextImage(i), 900, 675)));
    for (slot, w, h) in slots {
        panel.images.insert(
            slot,
            ImageState {
                texture: Some(texture(ctx, &format!("{slot:?}"), w, h)),
                status: UploadStatus::Uploaded,
            },
        );
    }
    panel
}

/// Texts that must be painted: one per area of the panel, so a bench that silently stopped
/// drawing part of it fails.
const MUST_PAINT: [&str; 8] = [
    "羽绒服满500减50",          // the preview's synthesized title
    "童装",                     // a threshold field in the editor
    "会员到店再享免费干洗一次", // the third text-image
    "https://example.com/shop", // an entrance URL
    "北风羽绒(朝阳大悦城店)",   // a store
    "冬季活动草稿 8",           // the drafts list
    "pFS7Fjg8kV1I…",            // my cards (ids are shortened)
    "请出示二维码核销卡券",     // the notice
];

/// One scenario's figures.
struct Figures {
    median: f64,
    p99: f64,
    max: f64,
    vertices: usize,
}

/// Runs `warm` + `frames` frames of the panel on a `size` screen; checks on the second frame
/// that every text of `must_paint` and at least `pictures` textured shapes were painted.
fn run(
    size: egui::Vec2,
    warm: usize,
    frames: usize,
    must_paint: &[&str],
    pictures: usize,
) -> Figures {
    let ctx = egui::Context::default();
    coupon_studio::ui::fonts::install_fonts(&ctx);
    let mut panel = filled_panel(&ctx);
    let screen = egui::Rect::from_min_size(egui::Pos2::ZERO, size);
    let mut times = Vec::with_capacity(frames);
    let mut vertices = 0;
    for i in 0..warm + frames {
        let x = 200.0 + (i % 400) as f32;
        let input = egui::RawInput {
            screen_rect: Some(screen),
            events: vec![egui::Event::PointerMoved(egui::pos2(x, 400.0))],
            ..Default::default()
        };
        let start = Instant::now();
        let cx = PanelCx {
            lang: Lang::Zh,
            sandbox: true,
            server: false,
            now_ms: 1_700_000_000_000,
            now: Instant::now(),
            stock_alert_below: None,
        };
        // As the app does: the Design panel lays out its own side panels on the root ui.
        let out = ctx.run_ui(input, |ui| {
            let _ = panel.ui(ui, &cx);
        });
        if i == 1 {
            // Frame 0 only sizes things; by frame 1 everything is laid out.
            let texts: Vec<&str> = out
                .shapes
                .iter()
                .filter_map(|c| match &c.shape {
                    egui::epaint::Shape::Text(t) => Some(t.galley.text()),
                    _ => None,
                })
                .collect();
            for want in must_paint {
                assert!(
                    texts.iter().any(|t| t.contains(want)),
                    "{want:?} was not painted on a {size:?} screen"
                );
            }
            let painted = out
                .shapes
                .iter()
                .filter(|c| match &c.shape {
                    egui::epaint::Shape::Mesh(m) => m.texture_id != egui::TextureId::default(),
                    egui::epaint::Shape::Rect(r) => {
                        r.fill_texture_id() != egui::TextureId::default()
                    }
                    _ => false,
                })
                .count();
            assert!(
                painted >= pictures,
                "only {painted} pictures painted on a {size:?} screen"
            );
        }
        let meshes = ctx.tessellate(out.shapes, out.pixels_per_point);
        vertices = meshes
            .iter()
            .map(|m| match &m.primitive {
                egui::epaint::Primitive::Mesh(mesh) => mesh.vertices.len(),
                egui::epaint::Primitive::Callback(_) => 0,
            })
            .sum::<usize>();
        // No GPU here: the font atlas updates a renderer would upload are dropped.
        let mut textures = out.textures_delta;
        textures.clear();
        if i >= warm {
            times.push(start.elapsed().as_secs_f64() * 1e3);
        }
    }
    // A frame that drew (almost) nothing would make the figure meaningless.
    assert!(
        vertices > 3_000,
        "only {vertices} vertices: the panel did not draw"
    );
    times.sort_by(f64::total_cmp);
    Figures {
        median: times[times.len() / 2],
        p99: times[(times.len() * 99 / 100).min(times.len() - 1)],
        max: times[times.len() - 1],
        vertices,
    }
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let (warm, frames) = if full { (50, 1000) } else { (2, 20) };
    // The app's default window, where the editor and the preview scroll: everything is laid
    // out each frame, what is scrolled away is not painted.
    let window = run(egui::vec2(1400.0, 900.0), warm, frames, &MUST_PAINT[..1], 1);
    // A screen tall enough that the whole editor and the whole preview are painted too.
    let tall = run(egui::vec2(1400.0, TALL), warm, frames, &MUST_PAINT, 5);
    for (label, f) in [
        ("1400×900 window".to_owned(), window),
        (format!("1400×{TALL:.0} screen, everything painted"), tall),
    ] {
        println!(
            "ui_frame: Design panel + preview, full card, {label}: {frames} frames, {} vertices a frame: median {:.3} ms, p99 {:.3} ms, max {:.3} ms",
            f.vertices, f.median, f.p99, f.max
        );
    }
}
