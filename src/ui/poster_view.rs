//! Paints a poster layout (millimetres, from `crate::poster`) into egui, so the live preview
//! is the same layout the PNG and the PDF are made from.

use std::sync::Arc;

use egui::{Align2, Color32, CornerRadius, FontId, Pos2, Rect, Sense, Ui, Vec2};

use crate::poster::{Align, LogoImage, PosterLayout, Primitive, Rgb};

fn color(c: Rgb) -> Color32 {
    Color32::from_rgb(c.r, c.g, c.b)
}

/// The logo texture, made once per logo.
#[derive(Default)]
pub struct LogoTexture {
    key: Option<usize>,
    texture: Option<egui::TextureHandle>,
}

impl LogoTexture {
    fn get(&mut self, ctx: &egui::Context, image: &Arc<LogoImage>) -> Option<&egui::TextureHandle> {
        let key = Arc::as_ptr(image) as usize;
        if self.key != Some(key) {
            let size = [image.width as usize, image.height as usize];
            let img = egui::ColorImage::from_rgb(size, &image.rgb);
            self.texture = Some(ctx.load_texture("poster-logo", img, egui::TextureOptions::LINEAR));
            self.key = Some(key);
        }
        self.texture.as_ref()
    }
}

/// Paints `layout` `width` points wide and returns the response of the page.
pub fn poster_ui(
    ui: &mut Ui,
    layout: &PosterLayout,
    width: f32,
    logo: &mut LogoTexture,
) -> egui::Response {
    let scale = width / layout.width.max(1.0);
    let (resp, painter) =
        ui.allocate_painter(Vec2::new(width, layout.height * scale), Sense::hover());
    let origin = resp.rect.min;
    let at = |x: f32, y: f32| Pos2::new(origin.x + x * scale, origin.y + y * scale);
    for item in &layout.items {
        match item {
            Primitive::Rect {
                rect,
                color: c,
                radius,
            } => {
                let r = Rect::from_min_size(at(rect.x, rect.y), Vec2::new(rect.w, rect.h) * scale);
                let radius = (radius * scale).clamp(0.0, 255.0) as u8;
                painter.rect_filled(r, CornerRadius::same(radius), color(*c));
            }
            Primitive::Text(t) => {
                // egui lays the text out itself; a run's em size in mm becomes points.
                let font = FontId::proportional((t.size * scale).max(1.0));
                let (pos, anchor) = match t.align {
                    Align::Center => (at(t.x + t.width / 2.0, t.baseline), Align2::CENTER_BOTTOM),
                    Align::Left => (at(t.x, t.baseline), Align2::LEFT_BOTTOM),
                };
                // Bottom anchoring puts the descent under the baseline; lift by ~it.
                let pos = pos + Vec2::new(0.0, t.size * scale * 0.15);
                painter.text(pos, anchor, &t.text, font, color(t.color));
            }
            Primitive::Qr(q) => {
                let m = q.module * scale;
                for (row, col, len) in q.matrix.dark_runs() {
                    let min = at(q.x, q.y) + Vec2::new(col as f32 * m, row as f32 * m);
                    painter.rect_filled(
                        Rect::from_min_size(min, Vec2::new(len as f32 * m, m)),
                        CornerRadius::ZERO,
                        color(q.color),
                    );
                }
            }
            Primitive::Image { rect, image } => {
                if let Some(tex) = logo.get(ui.ctx(), image) {
                    let r =
                        Rect::from_min_size(at(rect.x, rect.y), Vec2::new(rect.w, rect.h) * scale);
                    painter.image(
                        tex.id(),
                        r,
                        Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0)),
                        Color32::WHITE,
                    );
                }
            }
        }
    }
    resp
}
