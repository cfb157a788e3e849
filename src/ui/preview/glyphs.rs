//! Small painted glyphs: egui's default fonts have no emoji, so icons are drawn with shapes.

use std::f32::consts::PI;

use egui::{Align2, Color32, CornerRadius, FontId, Painter, Pos2, Rect, Shape, Stroke, Vec2, pos2};

use crate::card::BusinessService;

/// Points on a circle arc from angle `a0` to `a1` (radians, screen coordinates: y down).
fn arc(center: Pos2, radius: f32, a0: f32, a1: f32) -> Vec<Pos2> {
    const STEPS: usize = 16;
    (0..=STEPS)
        .map(|i| {
            let a = a0 + (a1 - a0) * i as f32 / STEPS as f32;
            center + radius * Vec2::angled(a)
        })
        .collect()
}

/// The icon of a business service, drawn in `rect` (square) with `color`.
pub fn paint_service(painter: &Painter, rect: Rect, service: &BusinessService, color: Color32) {
    let s = rect.width().min(rect.height());
    let c = rect.center();
    let stroke = Stroke::new((s * 0.08).max(1.5), color);
    match service {
        BusinessService::FreeWifi => {
            let base = pos2(c.x, c.y + s * 0.28);
            for k in 1..=3 {
                let r = s * 0.18 * k as f32;
                painter.line(arc(base, r, -0.75 * PI, -0.25 * PI), stroke);
            }
            painter.circle_filled(base, s * 0.07, color);
        }
        BusinessService::FreePark => {
            let square = Rect::from_center_size(c, Vec2::splat(s * 0.72));
            let radius = CornerRadius::same((s * 0.14) as u8);
            painter.rect_stroke(square, radius, stroke, egui::StrokeKind::Inside);
            let font = FontId::proportional(s * 0.5);
            painter.text(c, Align2::CENTER_CENTER, "P", font, color);
        }
        BusinessService::WithPet => {
            painter.circle_filled(pos2(c.x, c.y + s * 0.14), s * 0.2, color);
            for (dx, dy) in [(-0.3, -0.05), (-0.11, -0.27), (0.11, -0.27), (0.3, -0.05)] {
                painter.circle_filled(pos2(c.x + dx * s, c.y + dy * s), s * 0.09, color);
            }
        }
        BusinessService::Deliver => {
            // A bowl with chopsticks.
            let rim = c.y - s * 0.02;
            let mut bowl = arc(pos2(c.x, rim), s * 0.34, 0.0, PI);
            bowl.push(pos2(c.x + s * 0.34, rim));
            painter.add(Shape::convex_polygon(bowl, color, Stroke::NONE));
            painter.line_segment(
                [
                    pos2(c.x - s * 0.1, rim),
                    pos2(c.x + s * 0.3, c.y - s * 0.38),
                ],
                stroke,
            );
            painter.line_segment(
                [
                    pos2(c.x + s * 0.02, rim),
                    pos2(c.x + s * 0.38, c.y - s * 0.3),
                ],
                stroke,
            );
        }
        BusinessService::Other(_) => {
            painter.circle_stroke(c, s * 0.3, stroke);
        }
    }
}

/// A "picture" glyph (a frame, a sun and a mountain) for image placeholders.
pub fn paint_picture(painter: &Painter, center: Pos2, size: f32, color: Color32) {
    let frame = Rect::from_center_size(center, Vec2::new(size, size * 0.78));
    let stroke = Stroke::new(1.5, color);
    painter.rect_stroke(
        frame,
        CornerRadius::same(3),
        stroke,
        egui::StrokeKind::Inside,
    );
    painter.circle_filled(
        frame.left_top() + Vec2::new(size * 0.3, size * 0.26),
        size * 0.09,
        color,
    );
    let mountain = vec![
        frame.left_bottom() + Vec2::new(size * 0.1, -size * 0.1),
        frame.left_bottom() + Vec2::new(size * 0.42, -size * 0.45),
        frame.left_bottom() + Vec2::new(size * 0.9, -size * 0.1),
    ];
    painter.add(Shape::convex_polygon(mountain, color, Stroke::NONE));
}

/// A right-pointing chevron "›" centred on `center`, for list cells.
pub fn paint_chevron(painter: &Painter, center: Pos2, color: Color32) {
    let stroke = Stroke::new(1.5, color);
    let points = vec![
        center + Vec2::new(-2.5, -5.0),
        center + Vec2::new(2.5, 0.0),
        center + Vec2::new(-2.5, 5.0),
    ];
    painter.line(points, stroke);
}
