//! Vector PDF (krilla): the text as real, searchable text in a subset of the embedded font,
//! the QR code as filled rectangles, one page per poster.

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Size};
use krilla::graphic::Graphic;
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
use super::page::{MM_PER_INCH, PosterLayout, Primitive, QrBlock, RectMm, TextRun};

/// PDF points per millimetre.
const PT_PER_MM: f32 = 72.0 / MM_PER_INCH;

/// Builds a PDF page by page; [`PdfBuilder::finish`] returns the file.
pub struct PdfBuilder {
    doc: Document,
    font: Font,
    pages: usize,
    /// For batches: the page content shared by the pages so far, and the layout it is of.
    shared: Option<(PosterLayout, Graphic)>,
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
            shared: None,
        })
    }

    /// Pages added so far.
    pub fn pages(&self) -> usize {
        self.pages
    }

    /// Adds one page with the layout.
    pub fn add_page(&mut self, layout: &PosterLayout) -> Result<(), PosterError> {
        let mut page = self.doc.start_page_with(page_settings(layout)?);
        let mut surface = page.surface();
        for item in &layout.items {
            draw_item(&mut surface, &self.font, item);
        }
        surface.finish();
        page.finish();
        self.pages += 1;
        Ok(())
    }

    /// Adds one page of a batch: what the page shares with the batch's other pages (all but
    /// the QR code and the channel label) is drawn once into a form XObject that every such
    /// page shows, so the file holds and compresses it once. Looks the same as
    /// [`PdfBuilder::add_page`]; pages that share nothing are drawn in full.
    pub fn add_batch_page(&mut self, layout: &PosterLayout) -> Result<(), PosterError> {
        let mut page = self.doc.start_page_with(page_settings(layout)?);
        let mut surface = page.surface();
        let shared = self
            .shared
            .as_ref()
            .filter(|(reference, _)| super::stamp::same_page(reference, layout))
            .map(|(_, graphic)| graphic.clone());
        let shared = match shared {
            Some(g) => Some(g),
            None if super::stamp::separable(layout) => {
                let mut builder = surface.stream_builder();
                let mut inner = builder.surface();
                for (i, item) in layout.items.iter().enumerate() {
                    if !layout.channel_items.contains(&i) {
                        draw_item(&mut inner, &self.font, item);
                    }
                }
                inner.finish();
                let graphic = Graphic::new(builder.finish(), false);
                self.shared = Some((layout.clone(), graphic.clone()));
                Some(graphic)
            }
            None => None,
        };
        match shared {
            Some(graphic) => {
                surface.draw_graphic(graphic);
                for &i in &layout.channel_items {
                    if let Some(item) = layout.items.get(i) {
                        draw_item(&mut surface, &self.font, item);
                    }
                }
            }
            None => {
                for item in &layout.items {
                    draw_item(&mut surface, &self.font, item);
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

fn page_settings(layout: &PosterLayout) -> Result<PageSettings, PosterError> {
    PageSettings::from_wh(layout.width * PT_PER_MM, layout.height * PT_PER_MM)
        .ok_or_else(|| PosterError::Pdf("empty page size".into()))
}

/// Draws one primitive.
fn draw_item(surface: &mut Surface<'_>, font: &Font, item: &Primitive) {
    match item {
        Primitive::Rect {
            rect,
            color,
            radius,
        } => fill_rect(surface, *rect, *color, *radius),
        Primitive::Text(run) => draw_text(surface, font, run),
        Primitive::Qr(q) => draw_qr(surface, q),
        Primitive::Image { rect, image } => {
            // The logo was decoded and re-encoded as PNG by LogoImage::decode, so this only
            // fails on a bug; a poster without its logo is still useful.
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

/// The dark modules as one path in module units, placed with one transform: one fill, no
/// hairline seams between modules, and a content stream a quarter of the size of one in page
/// coordinates (small integers instead of decimals), which is most of what a batch's PDF
/// costs to write and compress.
fn draw_qr(surface: &mut Surface<'_>, q: &QrBlock) {
    let m = q.module * PT_PER_MM;
    let mut pb = PathBuilder::new();
    for (row, col, len, height) in q.matrix.dark_rects() {
        if let Some(r) =
            krilla::geom::Rect::from_xywh(col as f32, row as f32, len as f32, height as f32)
        {
            pb.push_rect(r);
        }
    }
    if let Some(path) = pb.finish() {
        surface.push_transform(&krilla::geom::Transform::from_row(
            m,
            0.0,
            0.0,
            m,
            q.x * PT_PER_MM,
            q.y * PT_PER_MM,
        ));
        set_fill(surface, q.color);
        surface.draw_path(&path);
        surface.pop();
    }
}
