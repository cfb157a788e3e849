//! UI frame CPU time: the Design panel (full editor plus the live preview) with a fully filled
//! card, run headless through egui (layout and tessellation, what the app's CPU does each
//! frame before the GPU upload), 1000 frames after 50 warm-up frames, each with a mouse move so
//! that nothing is cached away. Prints the median and the 99th percentile.
//!
//! `cargo bench --bench ui_frame` runs it in full; `cargo test --all-targets` runs 20 frames so
//! it cannot rot.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A bench fails loudly on purpose.

use std::time::Instant;

use coupon_studio::card::import::parse_create_body;
use coupon_studio::i18n::Lang;
use coupon_studio::ui::design::{DesignPanel, Doc};

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let (warm, frames) = if full { (50, 1000) } else { (2, 20) };
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/down-jacket.json"
    ))
    .unwrap();
    let body = parse_create_body(&text).unwrap();
    let mut panel = DesignPanel::default();
    panel.open(Doc {
        draft_id: Some(1),
        name: "羽绒服".into(),
        body,
        remote: None,
    });
    let ctx = egui::Context::default();
    coupon_studio::ui::fonts::install_fonts(&ctx);
    let screen = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1400.0, 900.0));
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
        let out = ctx.run_ui(input, |ui| {
            egui::CentralPanel::default().show(ui, |ui| {
                let _ = panel.ui(ui, Lang::Zh);
            });
        });
        if i == 0 {
            // The preview's synthesized title is among the painted texts.
            let title = out.shapes.iter().any(|c| match &c.shape {
                egui::epaint::Shape::Text(t) => t.galley.text().contains("羽绒服满500减50"),
                _ => false,
            });
            assert!(title, "the preview title was not painted");
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
    let median = times[times.len() / 2];
    let p99 = times[(times.len() * 99 / 100).min(times.len() - 1)];
    println!(
        "ui_frame: Design panel + preview, full card, {frames} frames, {vertices} vertices a frame: median {median:.3} ms, p99 {p99:.3} ms, max {:.3} ms",
        times[times.len() - 1]
    );
}
