//! Rasterizing a [`PosterLayout`] (tiny-skia for shapes and glyph outlines) and encoding
//! it as PNG with its resolution recorded, so printers print it at the right size.

use std::collections::HashMap;

use skrifa::outline::OutlinePen;
use tiny_skia::{
    FillRule, FilterQuality, IntSize, Paint, Path, PathBuilder, Pixmap, PixmapPaint, Rect,
    Transform,
};

use super::PosterError;
use super::content::Rgb;
use super::font::PosterFont;
use super::layout::{MM_PER_INCH, PosterLayout, Primitive, QrBlock, RectMm, TextRun};

/// The largest raster accepted (pixels a side): an A4 page at 600 dpi is 7016 px tall.
const MAX_SIDE_PX: f32 = 16_000.0;

/// A rasterized poster: opaque RGBA8 pixels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Raster {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Pixels per inch it was rendered at.
    pub dpi: u32,
    /// RGBA8 pixels, row by row, alpha always 255 (kept rather than stripped because
    /// stripping costs a pass over millions of pixels and the encoder compresses it away).
    pub rgba: Vec<u8>,
}

impl Raster {
    /// The luma (0–255) of the pixel at `x`, `y` (0 outside the image).
    pub fn luma(&self, x: u32, y: u32) -> u8 {
        if x >= self.width || y >= self.height {
            return 0;
        }
        let i = (y as usize * self.width as usize + x as usize) * 4;
        match self.rgba.get(i..i + 3) {
            Some([r, g, b]) => {
                ((u32::from(*r) * 299 + u32::from(*g) * 587 + u32::from(*b) * 114) / 1000) as u8
            }
            _ => 0,
        }
    }
}

/// Renders a layout at `dpi` (300 for print) and encodes it as PNG.
pub fn render_png(layout: &PosterLayout, dpi: u32) -> Result<Vec<u8>, PosterError> {
    let r = rasterize(layout, dpi)?;
    let mut out = Vec::new();
    encode(
        &mut out,
        r.width,
        r.height,
        &r.rgba,
        png::ColorType::Rgba,
        Some(dpi),
    )?;
    Ok(out)
}

/// Renders a layout at `dpi` into RGB pixels.
pub fn rasterize(layout: &PosterLayout, dpi: u32) -> Result<Raster, PosterError> {
    let scale = dpi as f32 / MM_PER_INCH;
    let (w, h) = (layout.width * scale, layout.height * scale);
    if !(w >= 1.0 && h >= 1.0 && w <= MAX_SIDE_PX && h <= MAX_SIDE_PX) {
        return Err(PosterError::Raster(format!(
            "a {:.0}×{:.0} px page is out of range",
            w, h
        )));
    }
    let (width, height) = (w.round() as u32, h.round() as u32);
    let mut pixmap = Pixmap::new(width, height)
        .ok_or_else(|| PosterError::Raster("cannot allocate the page".into()))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    let font = PosterFont::embedded()?;
    let mut glyphs = GlyphCache::default();
    for item in &layout.items {
        match item {
            Primitive::Rect {
                rect,
                color,
                radius,
            } => fill_rect(&mut pixmap, *rect, *color, *radius, scale),
            Primitive::Text(run) => draw_text(&mut pixmap, &font, &mut glyphs, run, scale),
            Primitive::Qr(q) => draw_qr(&mut pixmap, q, scale),
            Primitive::Image { rect, image } => {
                draw_image(&mut pixmap, *rect, image, scale);
            }
        }
    }
    // The page is opaque, so premultiplied RGBA is plain RGBA.
    Ok(Raster {
        width,
        height,
        dpi,
        rgba: pixmap.take(),
    })
}

/// Encodes RGB8 pixels as PNG, recording `dpi` in a pHYs chunk when given.
pub fn encode_rgb(
    out: &mut Vec<u8>,
    width: u32,
    height: u32,
    rgb: &[u8],
    dpi: Option<u32>,
) -> Result<(), PosterError> {
    encode(out, width, height, rgb, png::ColorType::Rgb, dpi)
}

fn encode(
    out: &mut Vec<u8>,
    width: u32,
    height: u32,
    pixels: &[u8],
    color: png::ColorType,
    dpi: Option<u32>,
) -> Result<(), PosterError> {
    let err = |e: png::EncodingError| PosterError::Raster(e.to_string());
    let mut enc = png::Encoder::new(out, width, height);
    enc.set_color(color);
    enc.set_depth(png::BitDepth::Eight);
    // Posters are mostly flat colour: the fast deflate is nearly as small and several
    // times quicker than the default.
    enc.set_compression(png::Compression::Fast);
    if let Some(dpi) = dpi {
        let ppm = (f64::from(dpi) / 0.0254).round() as u32;
        enc.set_pixel_dims(Some(png::PixelDimensions {
            xppu: ppm,
            yppu: ppm,
            unit: png::Unit::Meter,
        }));
    }
    let mut w = enc.write_header().map_err(err)?;
    w.write_image_data(pixels).map_err(err)?;
    w.finish().map_err(err)
}

fn paint(color: Rgb, anti_alias: bool) -> Paint<'static> {
    let mut p = Paint::default();
    p.set_color_rgba8(color.r, color.g, color.b, 255);
    p.anti_alias = anti_alias;
    p
}

/// A rectangle path with rounded corners (cubic approximation of quarter circles).
pub(crate) fn rounded_rect(x: f32, y: f32, w: f32, h: f32, r: f32) -> Option<Path> {
    let r = r.min(w / 2.0).min(h / 2.0).max(0.0);
    if r <= 0.0 {
        return Rect::from_xywh(x, y, w, h).map(PathBuilder::from_rect);
    }
    // Control-point distance for a quarter circle.
    let k = r * 0.552_284_8;
    let mut pb = PathBuilder::new();
    pb.move_to(x + r, y);
    pb.line_to(x + w - r, y);
    pb.cubic_to(x + w - r + k, y, x + w, y + r - k, x + w, y + r);
    pb.line_to(x + w, y + h - r);
    pb.cubic_to(x + w, y + h - r + k, x + w - r + k, y + h, x + w - r, y + h);
    pb.line_to(x + r, y + h);
    pb.cubic_to(x + r - k, y + h, x, y + h - r + k, x, y + h - r);
    pb.line_to(x, y + r);
    pb.cubic_to(x, y + r - k, x + r - k, y, x + r, y);
    pb.close();
    pb.finish()
}

fn fill_rect(pixmap: &mut Pixmap, rect: RectMm, color: Rgb, radius: f32, scale: f32) {
    if let Some(path) = rounded_rect(
        rect.x * scale,
        rect.y * scale,
        rect.w * scale,
        rect.h * scale,
        radius * scale,
    ) {
        pixmap.fill_path(
            &path,
            &paint(color, true),
            FillRule::Winding,
            Transform::identity(),
            None,
        );
    }
}

/// Glyph outlines in font units, built once per render.
#[derive(Default)]
struct GlyphCache(HashMap<u32, Option<Path>>);

struct Pen(PathBuilder);

impl OutlinePen for Pen {
    fn move_to(&mut self, x: f32, y: f32) {
        self.0.move_to(x, y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.0.line_to(x, y);
    }
    fn quad_to(&mut self, cx0: f32, cy0: f32, x: f32, y: f32) {
        self.0.quad_to(cx0, cy0, x, y);
    }
    fn curve_to(&mut self, cx0: f32, cy0: f32, cx1: f32, cy1: f32, x: f32, y: f32) {
        self.0.cubic_to(cx0, cy0, cx1, cy1, x, y);
    }
    fn close(&mut self) {
        self.0.close();
    }
}

fn draw_text(
    pixmap: &mut Pixmap,
    font: &PosterFont,
    cache: &mut GlyphCache,
    run: &TextRun,
    scale: f32,
) {
    let p = paint(run.color, true);
    // Font units (y up) to pixels (y down).
    let k = run.size * scale / font.units_per_em();
    for g in &run.glyphs {
        let path = cache.0.entry(g.id).or_insert_with(|| {
            let mut pen = Pen(PathBuilder::new());
            if font.draw_outline(g.id, &mut pen) {
                pen.0.finish()
            } else {
                None
            }
        });
        if let Some(path) = path {
            let t =
                Transform::from_row(k, 0.0, 0.0, -k, (run.x + g.x) * scale, run.baseline * scale);
            pixmap.fill_path(path, &p, FillRule::Winding, t, None);
        }
    }
}

/// Modules as whole-pixel squares without anti-aliasing, so every module edge is sharp.
fn draw_qr(pixmap: &mut Pixmap, q: &QrBlock, scale: f32) {
    let p = paint(q.color, false);
    let ox = (q.x * scale).round();
    let oy = (q.y * scale).round();
    let m = (q.module * scale).round().max(1.0);
    for (row, col, len) in q.matrix.dark_runs() {
        if let Some(r) =
            Rect::from_xywh(ox + col as f32 * m, oy + row as f32 * m, len as f32 * m, m)
        {
            pixmap.fill_rect(r, &p, Transform::identity(), None);
        }
    }
}

fn draw_image(pixmap: &mut Pixmap, rect: RectMm, image: &super::content::LogoImage, scale: f32) {
    let Some(size) = IntSize::from_wh(image.width, image.height) else {
        return;
    };
    let rgba: Vec<u8> = image
        .rgb
        .chunks_exact(3)
        .flat_map(|p| [p[0], p[1], p[2], 255])
        .collect();
    let Some(src) = Pixmap::from_vec(rgba, size) else {
        return;
    };
    let sx = rect.w * scale / image.width as f32;
    let sy = rect.h * scale / image.height as f32;
    let t = Transform::from_row(sx, 0.0, 0.0, sy, rect.x * scale, rect.y * scale);
    let paint = PixmapPaint {
        quality: FilterQuality::Bicubic,
        ..PixmapPaint::default()
    };
    pixmap.draw_pixmap(0, 0, src.as_ref(), &paint, t, None);
}
