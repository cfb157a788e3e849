//! Lays a poster's content out on its template's page: a column of header, brand, title,
//! summary, validity, QR code and footer that shrinks its text (and then drops the
//! time-limit lines) until it fits. The result is a [`PosterLayout`] of positioned
//! primitives (see [`super::page`]) that the PNG rasterizer, the PDF writer and the live
//! preview all paint.

use std::sync::Arc;

use super::PosterError;
use super::content::{PosterContent, Rgb};
use super::font::PosterFont;
use super::page::{
    Align, MM_PER_INCH, PRINT_DPI, PlacedGlyph, PosterLayout, Primitive, QUIET_ZONE_MODULES,
    QrBlock, QrMatrix, RectMm, TextRun,
};
use super::template::Template;

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
