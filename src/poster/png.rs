//! Rasterizing a [`PosterLayout`] (tiny-skia for shapes and glyph outlines) and encoding
//! it as PNG with its resolution recorded, so printers print it at the right size.

use std::collections::HashMap;

use skrifa::outline::OutlinePen;
use tiny_skia::{
    FillRule, FilterQuality, IntSize, Paint, Path, PathBuilder, Pixmap, PixmapMut, PixmapPaint,
    Rect, Transform,
};

use super::PosterError;
use super::content::Rgb;
use super::encode::encode;
use super::font::PosterFont;
use super::page::{MM_PER_INCH, PosterLayout, Primitive, QrBlock, RectMm, TextRun};

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

/// A page's size in pixels at a resolution, and the mm → pixel factor.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct PageSize {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Pixels per mm.
    pub scale: f32,
}

impl PageSize {
    /// The pixel size of `layout` at `dpi`; refuses pages that are empty or absurdly large.
    pub fn of(layout: &PosterLayout, dpi: u32) -> Result<Self, PosterError> {
        let scale = dpi as f32 / MM_PER_INCH;
        let (w, h) = (layout.width * scale, layout.height * scale);
        if !(w >= 1.0 && h >= 1.0 && w <= MAX_SIDE_PX && h <= MAX_SIDE_PX) {
            return Err(PosterError::Raster(format!(
                "a {:.0}×{:.0} px page is out of range",
                w, h
            )));
        }
        Ok(Self {
            width: w.round() as u32,
            height: h.round() as u32,
            scale,
        })
    }

    /// Bytes per RGBA row.
    pub fn stride(&self) -> usize {
        self.width as usize * 4
    }
}

/// Renders a layout at `dpi` into RGBA pixels.
pub fn rasterize(layout: &PosterLayout, dpi: u32) -> Result<Raster, PosterError> {
    let page = PageSize::of(layout, dpi)?;
    let mut painter = Painter::new(page)?;
    let mut rgba = painter.blank_page()?;
    for item in &layout.items {
        painter.paint(&mut rgba, 0, item);
    }
    // The page is opaque, so premultiplied RGBA is plain RGBA.
    Ok(Raster {
        width: page.width,
        height: page.height,
        dpi,
        rgba,
    })
}

/// Paints primitives into RGBA rows of a page.
///
/// Paint targets are row ranges of the page: `buf` holds whole rows starting at page row
/// `top`. Text is always painted through a window of the rows its font can reach
/// ([`Painter::text_rows`]), and the QR code's modules are whole pixels written directly, so a
/// text line or a QR code comes out bit for bit the same whether the target is the whole page
/// ([`rasterize`]) or only the rows around it (the batch's PNG stamp).
pub(crate) struct Painter {
    page: PageSize,
    font: PosterFont,
    glyphs: GlyphCache,
}

impl Painter {
    /// A painter for pages of `page` size.
    pub fn new(page: PageSize) -> Result<Self, PosterError> {
        Ok(Self {
            page,
            font: PosterFont::embedded()?,
            glyphs: GlyphCache::default(),
        })
    }

    /// The page size it paints.
    pub fn page(&self) -> PageSize {
        self.page
    }

    /// A white page.
    pub fn blank_page(&self) -> Result<Vec<u8>, PosterError> {
        let mut pixmap = Pixmap::new(self.page.width, self.page.height)
            .ok_or_else(|| PosterError::Raster("cannot allocate the page".into()))?;
        pixmap.fill(tiny_skia::Color::WHITE);
        Ok(pixmap.take())
    }

    /// The page rows `[first, end)` a text run is painted into: everything any glyph of the
    /// font can cover at the run's size, plus two rows for anti-aliasing, within the page.
    pub fn text_rows(&self, run: &TextRun) -> (u32, u32) {
        let (y_min, y_max) = self.font.y_bounds();
        let (baseline, size) = (run.baseline * self.page.scale, run.size * self.page.scale);
        let top = (baseline - y_max * size).floor() - 2.0;
        let bottom = (baseline - y_min * size).ceil() + 2.0;
        let h = self.page.height as f32;
        (top.clamp(0.0, h) as u32, bottom.clamp(0.0, h) as u32)
    }

    /// The page rows `[first, end)` of a QR code's modules, and its columns.
    pub fn qr_area(&self, q: &QrBlock) -> QrArea {
        let s = self.page.scale;
        let module = (q.module * s).round().max(1.0) as u32;
        let side = module * q.matrix.width as u32;
        let (x, y) = (
            (q.x * s).round().max(0.0) as u32,
            (q.y * s).round().max(0.0) as u32,
        );
        QrArea { x, y, module, side }
    }

    /// Paints `item` into `buf`, which holds page rows from `top` on (whole rows).
    /// Rectangles and the logo need `buf` to hold the rows they cover; a text run needs all of
    /// [`Painter::text_rows`] (anything outside `buf` is skipped).
    pub fn paint(&mut self, buf: &mut [u8], top: u32, item: &Primitive) {
        let width = self.page.width;
        let rows = (buf.len() / self.page.stride()) as u32;
        let scale = self.page.scale;
        match item {
            Primitive::Rect {
                rect,
                color,
                radius,
            } => {
                if let Some(mut pm) = PixmapMut::from_bytes(buf, width, rows) {
                    fill_rect(&mut pm, top, *rect, *color, *radius, scale);
                }
            }
            Primitive::Image { rect, image } => {
                if let Some(mut pm) = PixmapMut::from_bytes(buf, width, rows) {
                    draw_image(&mut pm, top, *rect, image, scale);
                }
            }
            Primitive::Text(run) => {
                let (first, end) = self.text_rows(run);
                if first < top || end > top + rows || first >= end {
                    return;
                }
                let stride = self.page.stride();
                let window =
                    &mut buf[(first - top) as usize * stride..(end - top) as usize * stride];
                if let Some(mut pm) = PixmapMut::from_bytes(window, width, end - first) {
                    draw_text(&mut pm, first, &self.font, &mut self.glyphs, run, scale);
                }
            }
            Primitive::Qr(q) => {
                let area = self.qr_area(q);
                let stride = self.page.stride();
                for (i, row) in buf.chunks_exact_mut(stride).enumerate() {
                    let y = top + i as u32;
                    if let Some(r) = area.module_row(y) {
                        fill_qr_row(row, q, &area, r);
                    }
                }
            }
        }
    }
}

/// Where a QR code's modules are on the page, in pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct QrArea {
    /// Left edge of the first module.
    pub x: u32,
    /// Top edge of the first module.
    pub y: u32,
    /// Pixels per module.
    pub module: u32,
    /// Pixels per side (modules × `module`).
    pub side: u32,
}

impl QrArea {
    /// The module row that page row `y` shows, if any.
    pub fn module_row(&self, y: u32) -> Option<usize> {
        (y >= self.y && y < self.y + self.side).then(|| ((y - self.y) / self.module) as usize)
    }
}

/// Writes the dark modules of module row `r` into one RGBA page row, as whole pixels with
/// sharp edges (opaque, so premultiplied and plain RGBA agree).
pub(crate) fn fill_qr_row(row: &mut [u8], q: &QrBlock, area: &QrArea, r: usize) {
    let px = [q.color.r, q.color.g, q.color.b, 255];
    let n = q.matrix.width;
    let Some(dark) = q.matrix.dark.get(r * n..(r + 1) * n) else {
        return;
    };
    let m = area.module as usize;
    let x0 = area.x as usize;
    for (col, _) in dark.iter().enumerate().filter(|(_, d)| **d) {
        let start = (x0 + col * m) * 4;
        let Some(cells) = row.get_mut(start..start + m * 4) else {
            return;
        };
        for cell in cells.chunks_exact_mut(4) {
            cell.copy_from_slice(&px);
        }
    }
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

/// Page rows from `top` on are rows from 0 of the target.
fn page_to_target(top: u32) -> Transform {
    Transform::from_translate(0.0, -(top as f32))
}

fn fill_rect(
    pixmap: &mut PixmapMut<'_>,
    top: u32,
    rect: RectMm,
    color: Rgb,
    radius: f32,
    scale: f32,
) {
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
            page_to_target(top),
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

/// Draws a text run into a target whose first row is page row `top`.
fn draw_text(
    pixmap: &mut PixmapMut<'_>,
    top: u32,
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
            let t = Transform::from_row(
                k,
                0.0,
                0.0,
                -k,
                (run.x + g.x) * scale,
                run.baseline * scale - top as f32,
            );
            pixmap.fill_path(path, &p, FillRule::Winding, t, None);
        }
    }
}

fn draw_image(
    pixmap: &mut PixmapMut<'_>,
    top: u32,
    rect: RectMm,
    image: &super::content::LogoImage,
    scale: f32,
) {
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
    let t = Transform::from_row(
        sx,
        0.0,
        0.0,
        sy,
        rect.x * scale,
        rect.y * scale - top as f32,
    );
    let paint = PixmapPaint {
        quality: FilterQuality::Bicubic,
        ..PixmapPaint::default()
    };
    pixmap.draw_pixmap(0, 0, src.as_ref(), &paint, t, None);
}
