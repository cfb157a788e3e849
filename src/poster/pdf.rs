//! Vector PDF (krilla): the text as real, searchable text in a subset of the embedded font,
//! the QR code as filled rectangles, one page per poster.

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Size};
use krilla::image::Image;
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule};
use krilla::surface::Surface;
use krilla::text::{Font, GlyphId, KrillaGlyph};

use super::PosterError;
use super::content::Rgb;
use super::font::FONT_BYTES;
use super::layout::{MM_PER_INCH, PosterLayout, Primitive, QrBlock, RectMm, TextRun};

/// PDF points per millimetre.
const PT_PER_MM: f32 = 72.0 / MM_PER_INCH;

/// Builds a PDF page by page; [`PdfBuilder::finish`] returns the file.
pub struct PdfBuilder {
    doc: Document,
    font: Font,
    pages: usize,
}

impl std::fmt::Debug for PdfBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PdfBuilder({} pages)", self.pages)
    }
}

impl PdfBuilder {
    /// A new document titled `title` (shown by PDF viewers).
    pub fn new(title: &str) -> Result<Self, PosterError> {
        let font = Font::new(FONT_BYTES.into(), 0)
            .ok_or_else(|| PosterError::Pdf("the embedded font cannot be read".into()))?;
        let mut doc = Document::new();
        doc.set_metadata(
            Metadata::new()
                .title(title.to_owned())
                .creator("Coupon Studio".to_owned()),
        );
        Ok(Self {
            doc,
            font,
            pages: 0,
        })
    }

    /// Pages added so far.
    pub fn pages(&self) -> usize {
        self.pages
    }

    /// Adds one page with the layout.
    pub fn add_page(&mut self, layout: &PosterLayout) -> Result<(), PosterError> {
        let settings = PageSettings::from_wh(layout.width * PT_PER_MM, layout.height * PT_PER_MM)
            .ok_or_else(|| PosterError::Pdf("empty page size".into()))?;
        let mut page = self.doc.start_page_with(settings);
        let mut surface = page.surface();
        for item in &layout.items {
            match item {
                Primitive::Rect {
                    rect,
                    color,
                    radius,
                } => fill_rect(&mut surface, *rect, *color, *radius),
                Primitive::Text(run) => draw_text(&mut surface, &self.font, run),
                Primitive::Qr(q) => draw_qr(&mut surface, q),
                Primitive::Image { rect, image } => {
                    // The logo was decoded and re-encoded as PNG by LogoImage::decode, so
                    // this only fails on a bug; a poster without its logo is still useful.
                    if let (Ok(img), Some(size)) = (
                        Image::from_png(image.png.clone().into(), true),
                        Size::from_wh(rect.w * PT_PER_MM, rect.h * PT_PER_MM),
                    ) {
                        surface.push_transform(&krilla::geom::Transform::from_translate(
                            rect.x * PT_PER_MM,
                            rect.y * PT_PER_MM,
                        ));
                        surface.draw_image(img, size);
                        surface.pop();
                    }
                }
            }
        }
        surface.finish();
        page.finish();
        self.pages += 1;
        Ok(())
    }

    /// The finished PDF file.
    pub fn finish(self) -> Result<Vec<u8>, PosterError> {
        self.doc
            .finish()
            .map_err(|e| PosterError::Pdf(format!("{e:?}")))
    }
}

/// A one-page PDF of a layout.
pub fn render_pdf(layout: &PosterLayout, title: &str) -> Result<Vec<u8>, PosterError> {
    let mut b = PdfBuilder::new(title)?;
    b.add_page(layout)?;
    b.finish()
}

fn set_fill(surface: &mut Surface<'_>, c: Rgb) {
    surface.set_fill(Some(Fill {
        paint: rgb::Color::new(c.r, c.g, c.b).into(),
        opacity: NormalizedF32::ONE,
        rule: FillRule::NonZero,
    }));
}

fn fill_rect(surface: &mut Surface<'_>, r: RectMm, color: Rgb, radius: f32) {
    let mut pb = PathBuilder::new();
    let (x, y, w, h) = (
        r.x * PT_PER_MM,
        r.y * PT_PER_MM,
        r.w * PT_PER_MM,
        r.h * PT_PER_MM,
    );
    let rad = (radius * PT_PER_MM).min(w / 2.0).min(h / 2.0).max(0.0);
    if rad <= 0.0 {
        if let Some(rect) = krilla::geom::Rect::from_xywh(x, y, w, h) {
            pb.push_rect(rect);
        }
    } else {
        let k = rad * 0.552_284_8;
        pb.move_to(x + rad, y);
        pb.line_to(x + w - rad, y);
        pb.cubic_to(x + w - rad + k, y, x + w, y + rad - k, x + w, y + rad);
        pb.line_to(x + w, y + h - rad);
        pb.cubic_to(
            x + w,
            y + h - rad + k,
            x + w - rad + k,
            y + h,
            x + w - rad,
            y + h,
        );
        pb.line_to(x + rad, y + h);
        pb.cubic_to(x + rad - k, y + h, x, y + h - rad + k, x, y + h - rad);
        pb.line_to(x, y + rad);
        pb.cubic_to(x, y + rad - k, x + rad - k, y, x + rad, y);
        pb.close();
    }
    if let Some(path) = pb.finish() {
        set_fill(surface, color);
        surface.draw_path(&path);
    }
}

fn draw_text(surface: &mut Surface<'_>, font: &Font, run: &TextRun) {
    if run.glyphs.is_empty() || run.size <= 0.0 {
        return;
    }
    let size = run.size * PT_PER_MM;
    // krilla wants advances and offsets as fractions of the font size.
    let glyphs: Vec<KrillaGlyph> = run
        .glyphs
        .iter()
        .map(|g| KrillaGlyph {
            glyph_id: GlyphId::new(g.id),
            text_range: g.start..g.end,
            x_advance: g.advance / run.size,
            x_offset: 0.0,
            y_offset: 0.0,
            y_advance: 0.0,
            location: None,
        })
        .collect();
    set_fill(surface, run.color);
    surface.draw_glyphs(
        Point::from_xy(run.x * PT_PER_MM, run.baseline * PT_PER_MM),
        &glyphs,
        font.clone(),
        &run.text,
        size,
        false,
    );
}

/// The dark modules as one path of row runs: one fill, no hairline seams between modules.
fn draw_qr(surface: &mut Surface<'_>, q: &QrBlock) {
    let m = q.module * PT_PER_MM;
    let (ox, oy) = (q.x * PT_PER_MM, q.y * PT_PER_MM);
    let mut pb = PathBuilder::new();
    for (row, col, len) in q.matrix.dark_runs() {
        if let Some(r) = krilla::geom::Rect::from_xywh(
            ox + col as f32 * m,
            oy + row as f32 * m,
            len as f32 * m,
            m,
        ) {
            pb.push_rect(r);
        }
    }
    if let Some(path) = pb.finish() {
        set_fill(surface, q.color);
        surface.draw_path(&path);
    }
}
