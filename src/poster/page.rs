//! The poster as a list of positioned primitives, in millimetres from the top-left corner of
//! the page (y grows downwards). The PNG rasterizer, the PDF writer and the app's live
//! preview all paint this same list, so what is previewed is what is printed.
//!
//! To paint it (for example with egui), map millimetres to screen units with one factor
//! `k = points_per_mm` and draw the primitives in order (later ones on top):
//! - [`Primitive::Rect`]: a filled rectangle, rounded when `radius > 0`.
//! - [`Primitive::Text`]: one line of text. `x` is its left edge, `baseline` its baseline
//!   and `size` the em size, all in mm; `width` is its measured width, so a centred line has
//!   its centre at `x + width / 2` (paint with a centred alignment there to absorb small
//!   metric differences of another text engine). `glyphs` are the exact glyph positions
//!   used for print.
//! - [`Primitive::Qr`]: dark modules of [`QrMatrix`] at `x + col * module`,
//!   `y + row * module`; the white quiet zone is the [`Primitive::Rect`] drawn before it.
//! - [`Primitive::Image`]: the logo, stretched to `rect` (its aspect ratio is already kept).

use std::sync::Arc;

use super::PosterError;
use super::content::Rgb;
use super::template::Template;

/// Millimetres per inch.
pub const MM_PER_INCH: f32 = 25.4;
/// The print resolution the QR modules are aligned to (one module is a whole number of
/// pixels at this resolution, so the 300-dpi PNG has crisp modules).
pub const PRINT_DPI: f32 = 300.0;
/// Modules of white around the QR symbol (the quiet zone the QR standard asks for).
pub const QUIET_ZONE_MODULES: usize = 4;

/// A rectangle in mm.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RectMm {
    /// Left edge.
    pub x: f32,
    /// Top edge.
    pub y: f32,
    /// Width.
    pub w: f32,
    /// Height.
    pub h: f32,
}

impl RectMm {
    /// A rectangle from its left, top, width and height.
    pub fn new(x: f32, y: f32, w: f32, h: f32) -> Self {
        Self { x, y, w, h }
    }
}

/// One glyph of a [`TextRun`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlacedGlyph {
    /// Glyph id in the poster's embedded font.
    pub id: u32,
    /// Offset from the start of the run (mm in a [`TextRun`], em inside the font module).
    pub x: f32,
    /// Advance (same unit as `x`).
    pub advance: f32,
    /// Byte range of the character in the run's text.
    pub start: usize,
    /// End of the byte range.
    pub end: usize,
}

/// How a text line is aligned horizontally.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    /// Left edge at `x`.
    Left,
    /// Centred on `x + width / 2`.
    Center,
}

/// One line of text.
#[derive(Clone, Debug, PartialEq)]
pub struct TextRun {
    /// The text.
    pub text: String,
    /// Left edge, mm.
    pub x: f32,
    /// Baseline, mm from the top.
    pub baseline: f32,
    /// Em size, mm (1 pt = 0.3528 mm).
    pub size: f32,
    /// Measured width, mm.
    pub width: f32,
    /// Text colour.
    pub color: Rgb,
    /// Alignment the layout used (for painters that lay the text out themselves).
    pub align: Align,
    /// The glyphs, positions in mm relative to `x`.
    pub glyphs: Vec<PlacedGlyph>,
}

/// A QR symbol's modules, without the quiet zone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QrMatrix {
    /// Modules per side.
    pub width: usize,
    /// `width * width` modules, row by row; true = dark.
    pub dark: Vec<bool>,
}

impl QrMatrix {
    /// Encodes `data` at error-correction level M (15 %), the level WeChat's own card QR
    /// codes use, which keeps the symbol small for a ~45-character URL.
    ///
    /// fast_qr picks the smallest version and the mask with the lowest penalty like any QR
    /// encoder, several times faster than the qrcode crate, which matters for a batch of 200
    /// posters.
    pub fn encode(data: &str) -> Result<Self, PosterError> {
        let code = fast_qr::QRBuilder::new(data.as_bytes())
            .ecl(fast_qr::ECL::M)
            .build()
            .map_err(|e| PosterError::Qr(format!("{e:?}")))?;
        let width = code.size;
        let dark = (0..width)
            .flat_map(|row| code[row][..width].iter().map(|m| m.value()))
            .collect();
        Ok(Self { width, dark })
    }

    /// Whether the module at column `x`, row `y` is dark (false outside the symbol).
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.width && y < self.width && self.dark.get(y * self.width + x) == Some(&true)
    }

    /// Runs of dark modules per row as `(row, first column, length)`: drawing one rectangle
    /// per run instead of per module keeps the PDF small and leaves no seams.
    pub fn dark_runs(&self) -> Vec<(usize, usize, usize)> {
        let mut runs = Vec::new();
        for y in 0..self.width {
            let mut x = 0;
            while x < self.width {
                if self.is_dark(x, y) {
                    let start = x;
                    while x < self.width && self.is_dark(x, y) {
                        x += 1;
                    }
                    runs.push((y, start, x - start));
                } else {
                    x += 1;
                }
            }
        }
        runs
    }

    /// The dark modules as rectangles `(row, column, width, height)` in modules: each row's
    /// runs, a run merged with the same run in the rows below it. Fewer, larger shapes for
    /// vector output.
    pub fn dark_rects(&self) -> Vec<(usize, usize, usize, usize)> {
        let mut open: Vec<(usize, usize, usize, usize)> = Vec::new();
        let mut done = Vec::new();
        let mut runs = self.dark_runs().into_iter().peekable();
        for y in 0..self.width {
            let mut row = Vec::new();
            while let Some(r) = runs.next_if(|r| r.0 == y) {
                row.push((r.1, r.2));
            }
            // Rectangles whose run continues in this row grow; the others are finished.
            let mut still_open = Vec::with_capacity(open.len());
            for rect in open.drain(..) {
                match row.iter().position(|&(c, l)| (c, l) == (rect.1, rect.2)) {
                    Some(i) => {
                        row.remove(i);
                        still_open.push((rect.0, rect.1, rect.2, rect.3 + 1));
                    }
                    None => done.push(rect),
                }
            }
            still_open.extend(row.into_iter().map(|(c, l)| (y, c, l, 1)));
            open = still_open;
        }
        done.extend(open);
        done
    }
}

/// The QR symbol on the page.
#[derive(Clone, Debug, PartialEq)]
pub struct QrBlock {
    /// Left edge of the first module (inside the quiet zone), mm.
    pub x: f32,
    /// Top edge of the first module, mm.
    pub y: f32,
    /// Side of one module, mm (a whole number of pixels at [`PRINT_DPI`]).
    pub module: f32,
    /// The modules.
    pub matrix: Arc<QrMatrix>,
    /// Colour of the dark modules.
    pub color: Rgb,
}

impl QrBlock {
    /// Side of the symbol without the quiet zone, mm.
    pub fn size(&self) -> f32 {
        self.module * self.matrix.width as f32
    }
}

/// A drawing primitive (see the module docs for how to paint each).
#[derive(Clone, Debug, PartialEq)]
pub enum Primitive {
    /// A filled rectangle.
    Rect {
        /// Where.
        rect: RectMm,
        /// Fill colour.
        color: Rgb,
        /// Corner radius in mm (0 = square corners).
        radius: f32,
    },
    /// A line of text.
    Text(TextRun),
    /// The QR code (its quiet zone is the white rectangle painted just before).
    Qr(QrBlock),
    /// The logo.
    Image {
        /// Where (aspect ratio already kept).
        rect: RectMm,
        /// The pixels.
        image: Arc<super::content::LogoImage>,
    },
}

impl Primitive {
    /// Moves the primitive down by `dy` mm (the layout places a block, then slides it).
    pub(crate) fn shift(&mut self, dy: f32) {
        match self {
            Self::Rect { rect, .. } | Self::Image { rect, .. } => rect.y += dy,
            Self::Text(t) => t.baseline += dy,
            Self::Qr(q) => q.y += dy,
        }
    }
}

/// A laid-out poster page.
#[derive(Clone, Debug, PartialEq)]
pub struct PosterLayout {
    /// The template it was laid out for.
    pub template: Template,
    /// Page width, mm.
    pub width: f32,
    /// Page height, mm (fitted to the content for the receipt).
    pub height: f32,
    /// What to paint, in order; the first is the white page background.
    pub items: Vec<Primitive>,
    /// Indices in `items` of what changes from channel to channel of a batch (the QR code
    /// and the channel label); everything else is the same on every channel's poster.
    pub channel_items: Vec<usize>,
}

impl PosterLayout {
    /// The QR block, if the layout has one.
    pub fn qr(&self) -> Option<&QrBlock> {
        self.items.iter().find_map(|p| match p {
            Primitive::Qr(q) => Some(q),
            _ => None,
        })
    }

    /// Every text line, in paint order.
    pub fn texts(&self) -> impl Iterator<Item = &TextRun> {
        self.items.iter().filter_map(|p| match p {
            Primitive::Text(t) => Some(t),
            _ => None,
        })
    }
}
