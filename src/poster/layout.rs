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
use super::content::{PosterContent, Rgb};
use super::font::PosterFont;
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
    /// Glyph id in the embedded font ([`super::font::FONT_BYTES`]).
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
    fn shift(&mut self, dy: f32) {
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

/// Text colours.
const INK: Rgb = Rgb::new(0x1f, 0x1f, 0x1f);
const GREY: Rgb = Rgb::new(0x59, 0x59, 0x59);
const LIGHT_GREY: Rgb = Rgb::new(0x80, 0x80, 0x80);
/// CJK line height as a multiple of the em size.
const LINE: f32 = 1.4;
/// The smallest text scale the layout shrinks to before it drops time-limit lines.
const MIN_SHRINK: f32 = 0.6;

/// Snaps a length in mm to the 300-dpi pixel grid.
fn snap(mm: f32) -> f32 {
    let px = MM_PER_INCH / PRINT_DPI;
    (mm / px).round() * px
}

/// Measures at one text scale.
struct Metrics {
    margin: f32,
    gap: f32,
    logo: f32,
    brand: f32,
    title: f32,
    summary: f32,
    cta: f32,
    info: f32,
    label: f32,
    strip: f32,
    qr: f32,
}

impl Metrics {
    fn new(t: Template, shrink: f32) -> Self {
        let s = t.scale();
        let k = s * shrink;
        Self {
            margin: 9.0 * s,
            gap: 5.0 * k,
            logo: 18.0 * k,
            brand: 5.6 * k,
            title: 11.0 * k,
            summary: 4.6 * k,
            cta: 5.0 * k,
            info: 3.8 * k,
            label: 3.4 * k,
            strip: 4.0 * s,
            qr: (t.target_qr_mm() * shrink.sqrt()).max(t.min_qr_mm()),
        }
    }
}

/// Places primitives top-down in a column.
struct Column<'a> {
    font: &'a PosterFont,
    left: f32,
    width: f32,
    y: f32,
    items: Vec<Primitive>,
}

impl Column<'_> {
    fn center(&self) -> f32 {
        self.left + self.width / 2.0
    }

    fn line(&mut self, text: &str, size: f32, color: Rgb) {
        let (glyphs, em) = self.font.glyphs(text);
        let width = em * size;
        let baseline = self.y + size * (LINE - 1.0) / 2.0 + size * self.font.ascent();
        self.items.push(Primitive::Text(TextRun {
            text: text.to_owned(),
            x: self.center() - width / 2.0,
            baseline,
            size,
            width,
            color,
            align: Align::Center,
            glyphs: glyphs
                .into_iter()
                .map(|g| PlacedGlyph {
                    x: g.x * size,
                    advance: g.advance * size,
                    ..g
                })
                .collect(),
        }));
        self.y += size * LINE;
    }

    /// Wrapped, centred lines; at most `max_lines` (the last one ends in "…" when cut).
    fn paragraph(&mut self, text: &str, size: f32, color: Rgb, max_lines: usize) {
        if text.trim().is_empty() || size <= 0.0 {
            return;
        }
        let mut lines = self.font.wrap(text, self.width / size);
        if lines.len() > max_lines {
            lines.truncate(max_lines);
            if let Some(last) = lines.last_mut() {
                while !last.is_empty()
                    && self.font.width_em(&format!("{last}…")) * size > self.width
                {
                    last.pop();
                }
                last.push('…');
            }
        }
        for l in &lines {
            self.line(l, size, color);
        }
    }

    /// A one-line title shrunk to fit the width down to 70 %, else wrapped on two lines.
    fn title(&mut self, text: &str, size: f32, color: Rgb) {
        let em = self.font.width_em(text);
        if em <= 0.0 {
            return;
        }
        let fit = self.width / em;
        if fit >= size * 0.7 {
            self.line(text, size.min(fit), color);
        } else {
            self.paragraph(text, size * 0.8, color, 2);
        }
    }

    fn rect(&mut self, rect: RectMm, color: Rgb, radius: f32) {
        self.items.push(Primitive::Rect {
            rect,
            color,
            radius,
        });
    }
}

/// Lays out a poster. Fails only when the URL does not fit in a QR code (over ~2,300
/// characters).
pub fn layout(content: &PosterContent, template: Template) -> Result<PosterLayout, PosterError> {
    let font = PosterFont::embedded()?;
    let matrix = Arc::new(QrMatrix::encode(&content.qr_url)?);
    let mut shrink = 1.0;
    let mut drop_limits = 0;
    loop {
        let m = Metrics::new(template, shrink);
        let (page, fits) = compose(content, template, &font, &matrix, &m, drop_limits);
        if fits {
            return Ok(page);
        }
        if shrink > MIN_SHRINK {
            shrink = (shrink * 0.9_f32).max(MIN_SHRINK);
        } else if drop_limits < content.time_limits.len() {
            drop_limits += 1;
        } else {
            // Nothing left to give up: print what fits (cannot happen with the card's own
            // length limits).
            return Ok(page);
        }
    }
}

/// One attempt at a layout; returns whether the content fits the page.
fn compose(
    c: &PosterContent,
    t: Template,
    font: &PosterFont,
    matrix: &Arc<QrMatrix>,
    m: &Metrics,
    drop_limits: usize,
) -> (PosterLayout, bool) {
    let width = t.width_mm();
    let colour = t.colour();
    let accent = if colour { c.color } else { Rgb::BLACK };
    let on_accent = if colour && c.color.luminance() < 0.72 {
        Rgb::WHITE
    } else {
        INK
    };
    let col = |y| Column {
        font,
        left: m.margin,
        width: width - 2.0 * m.margin,
        y,
        items: Vec::new(),
    };

    // Header: logo and brand on the card colour (black on white for receipts).
    let mut head = col(m.margin * 0.8);
    if let Some(logo) = &c.logo {
        let aspect = logo.width as f32 / logo.height.max(1) as f32;
        let (w, h) = if aspect >= 1.0 {
            (m.logo, m.logo / aspect)
        } else {
            (m.logo * aspect, m.logo)
        };
        let rect = RectMm::new(head.center() - w / 2.0, head.y + (m.logo - h) / 2.0, w, h);
        // A white tile behind the logo, so a logo with a white background does not look
        // cut out of the colour band.
        if colour {
            let pad = m.logo * 0.08;
            head.rect(
                RectMm::new(
                    head.center() - m.logo / 2.0 - pad,
                    head.y - pad,
                    m.logo + 2.0 * pad,
                    m.logo + 2.0 * pad,
                ),
                Rgb::WHITE,
                pad * 1.5,
            );
        }
        head.items.push(Primitive::Image {
            rect,
            image: logo.clone(),
        });
        head.y += m.logo + m.gap * 0.7;
    }
    head.paragraph(&c.brand_name, m.brand, on_accent, 1);
    let head_h = head.y + m.margin * 0.6;

    // Body: title, summary, QR, call to action, validity, hours.
    let mut body = col(0.0);
    body.title(&c.title, m.title, INK);
    body.y += m.gap * 0.3;
    body.paragraph(&c.summary, m.summary, GREY, 3);
    body.y += m.gap * 1.2;
    let px = MM_PER_INCH / PRINT_DPI;
    let n = matrix.width.max(1) as f32;
    let mut module_px = (m.qr / px / n).floor().max(1.0);
    if module_px * px * n < t.min_qr_mm() {
        module_px = (t.min_qr_mm() / px / n).ceil();
    }
    let module = module_px * px;
    let quiet = module * QUIET_ZONE_MODULES as f32;
    let side = module * n + 2.0 * quiet;
    let zone_x = snap(body.center() - side / 2.0);
    if colour {
        let frame = 1.2 * t.scale();
        body.rect(
            RectMm::new(
                zone_x - frame,
                body.y - frame,
                side + 2.0 * frame,
                side + 2.0 * frame,
            ),
            accent,
            frame * 2.0,
        );
    }
    let zone_y = body.y;
    body.rect(RectMm::new(zone_x, zone_y, side, side), Rgb::WHITE, 0.0);
    body.items.push(Primitive::Qr(QrBlock {
        x: zone_x + quiet,
        y: zone_y + quiet,
        module,
        matrix: matrix.clone(),
        color: Rgb::BLACK,
    }));
    body.y += side + m.gap * 0.8;
    body.paragraph(&c.call_to_action, m.cta, INK, 2);
    body.y += m.gap * 0.5;
    if let Some(v) = &c.validity {
        body.paragraph(v, m.info, GREY, 2);
    }
    let keep = c.time_limits.len().saturating_sub(drop_limits);
    for l in &c.time_limits[..keep] {
        body.paragraph(l, m.info, LIGHT_GREY, 2);
    }
    let body_h = body.y;

    // Footer: channel label and a colour strip.
    let mut foot = col(0.0);
    if let Some(label) = &c.channel_label {
        foot.paragraph(label, m.label, LIGHT_GREY, 1);
    }
    let label_h = foot.y;
    let foot_h = label_h + m.margin * 0.5 + if colour { m.strip } else { m.margin * 0.5 };

    let (height, fits, body_top) = match t.height_mm() {
        Some(h) => {
            let avail = h - head_h - foot_h;
            let room = avail - body_h;
            (h, room >= m.gap * 2.0, head_h + (room / 2.0).max(m.gap))
        }
        None => (head_h + m.gap + body_h + foot_h, true, head_h + m.gap),
    };
    // Move the body so the QR modules land on the 300-dpi grid.
    let first_module = zone_y + quiet;
    let dy = snap(body_top + first_module) - first_module;

    let mut items = vec![Primitive::Rect {
        rect: RectMm::new(0.0, 0.0, width, height),
        color: Rgb::WHITE,
        radius: 0.0,
    }];
    if colour {
        items.push(Primitive::Rect {
            rect: RectMm::new(0.0, 0.0, width, head_h),
            color: accent,
            radius: 0.0,
        });
    }
    items.extend(head.items);
    if !colour {
        // A rule under the receipt header instead of the colour band.
        items.push(Primitive::Rect {
            rect: RectMm::new(m.margin, head_h, width - 2.0 * m.margin, 0.3),
            color: Rgb::BLACK,
            radius: 0.0,
        });
    }
    items.extend(body.items.into_iter().map(|mut p| {
        p.shift(dy);
        p
    }));
    // The footer holds only the channel label.
    let mut channel_items: Vec<usize> = items
        .iter()
        .enumerate()
        .filter_map(|(i, p)| matches!(p, Primitive::Qr(_)).then_some(i))
        .collect();
    channel_items.extend(items.len()..items.len() + foot.items.len());
    let foot_top = height - foot_h;
    items.extend(foot.items.into_iter().map(|mut p| {
        p.shift(foot_top);
        p
    }));
    if colour {
        items.push(Primitive::Rect {
            rect: RectMm::new(0.0, height - m.strip, width, m.strip),
            color: accent,
            radius: 0.0,
        });
    }
    (
        PosterLayout {
            template: t,
            width,
            height,
            items,
            channel_items,
        },
        fits,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card::import::parse_create_body;
    use crate::card::synth::synthesize;

    fn content() -> PosterContent {
        let body =
            parse_create_body(include_str!("../../tests/fixtures/down-jacket.json")).unwrap();
        let s = synthesize(&body.card);
        PosterContent::from_card(
            &body.card,
            &s,
            "http://weixin.qq.com/q/BHWya_zlfioH6fXeL16o",
        )
        .for_channel(
            "http://weixin.qq.com/q/BHWya_zlfioH6fXeL16o",
            "朝阳大悦城店",
        )
    }

    #[test]
    fn every_template_fits_and_keeps_the_qr_crisp_and_large() {
        let c = content();
        for t in Template::ALL {
            let l = layout(&c, t).unwrap();
            assert_eq!(l.width, t.width_mm());
            if let Some(h) = t.height_mm() {
                assert_eq!(l.height, h);
            }
            let q = l.qr().unwrap();
            assert!(q.size() >= t.min_qr_mm(), "{t}: {}", q.size());
            let px = MM_PER_INCH / PRINT_DPI;
            for v in [q.module, q.x, q.y] {
                let f = v / px;
                assert!(
                    (f - f.round()).abs() < 1e-3,
                    "{t}: {v} not on the pixel grid"
                );
            }
            // Everything is on the page.
            for p in &l.items {
                if let Primitive::Text(r) = p {
                    assert!(
                        r.x >= -0.01 && r.x + r.width <= l.width + 0.01,
                        "{t}: {r:?}"
                    );
                    assert!(r.baseline > 0.0 && r.baseline < l.height, "{t}: {r:?}");
                }
            }
            let texts: Vec<&str> = l.texts().map(|r| r.text.as_str()).collect();
            for want in [
                "羽绒服满500减50",
                "北风羽绒",
                super::super::content::CALL_TO_ACTION,
            ] {
                assert!(texts.contains(&want), "{t}: {texts:?}");
            }
            assert!(texts.contains(&"朝阳大悦城店"), "{t}: {texts:?}");
        }
    }

    #[test]
    fn long_content_shrinks_or_drops_lines_but_never_overflows() {
        let mut c = content();
        c.time_limits = (0..40)
            .map(|i| format!("周一 {i:02}:00-{i:02}:59可用"))
            .collect();
        c.summary = "很长的摘要".repeat(40);
        c.title = "标题".repeat(30);
        for t in [Template::A5, Template::Tent] {
            let l = layout(&c, t).unwrap();
            let bottom = l.texts().map(|r| r.baseline).fold(0.0_f32, f32::max);
            assert!(bottom < l.height, "{t}");
            assert!(l.qr().unwrap().size() >= t.min_qr_mm());
        }
        let r = layout(&c, Template::Receipt).unwrap();
        assert!(r.height > 200.0, "the receipt grows: {}", r.height);
    }

    #[test]
    fn empty_content_and_huge_urls() {
        let c = PosterContent {
            brand_name: String::new(),
            title: String::new(),
            summary: String::new(),
            validity: None,
            time_limits: Vec::new(),
            channel_label: None,
            ..content()
        };
        assert!(layout(&c, Template::A4).is_ok());
        let huge = PosterContent {
            qr_url: "x".repeat(5000),
            ..c
        };
        assert!(matches!(
            layout(&huge, Template::A4),
            Err(PosterError::Qr(_))
        ));
    }

    #[test]
    fn dark_runs_cover_the_dark_modules() {
        let m = QrMatrix::encode("http://weixin.qq.com/q/abc").unwrap();
        let count: usize = m.dark_runs().iter().map(|r| r.2).sum();
        assert_eq!(count, m.dark.iter().filter(|d| **d).count());
        assert!(!m.is_dark(m.width, 0));
        // The merged rectangles cover exactly the dark modules, each once.
        let mut covered = vec![false; m.width * m.width];
        let rects = m.dark_rects();
        assert!(rects.len() < m.dark_runs().len());
        for (row, col, w, h) in rects {
            for y in row..row + h {
                for x in col..col + w {
                    assert!(m.is_dark(x, y) && !covered[y * m.width + x]);
                    covered[y * m.width + x] = true;
                }
            }
        }
        assert_eq!(covered, m.dark);
    }
}
