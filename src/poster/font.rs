//! The poster font: the Noto Sans SC subset the app already ships (GB2312, CFF outlines),
//! read with skrifa for glyph ids, advances and outlines. The PNG rasterizer and the PDF
//! writer both draw the glyph ids placed here, so the two outputs break lines identically.

use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;
use skrifa::outline::{DrawSettings, OutlinePen};
use skrifa::{FontRef, GlyphId, MetadataProvider};

use super::PosterError;
use super::page::PlacedGlyph;

/// The embedded font file (Noto Sans SC subset, OFL; see `assets/fonts/OFL.txt`).
pub static FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/NotoSansSC-subset.otf");

/// Characters that must not start a line (Chinese line-breaking rule 避头).
const NO_LINE_START: &str = "\u{ff0c}\u{3002}\u{3001}\u{ff1a}\u{ff1b}\u{ff01}\u{ff1f}\u{ff09}\u{300d}\u{300f}\u{3011}\u{300b}\u{3009}\u{201d}\u{2019}\u{2026}\u{b7},.;:!?)]}";

/// A parsed view of the embedded font.
#[derive(Clone)]
pub struct PosterFont {
    font: FontRef<'static>,
    units_per_em: f32,
    ascent: f32,
    descent: f32,
    /// The highest and lowest point of any glyph, in em (y up).
    y_max: f32,
    y_min: f32,
}

impl std::fmt::Debug for PosterFont {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PosterFont")
            .field("units_per_em", &self.units_per_em)
            .finish_non_exhaustive()
    }
}

impl PosterFont {
    /// Parses the embedded font.
    pub fn embedded() -> Result<Self, PosterError> {
        let font = FontRef::new(FONT_BYTES).map_err(|e| PosterError::Font(e.to_string()))?;
        let m = font.metrics(Size::unscaled(), LocationRef::default());
        let upem = f32::from(m.units_per_em.max(1));
        // Without a head table bounding box, assume glyphs stay within 1.5 em of the baseline.
        let (y_min, y_max) = m
            .bounds
            .map_or((-1.5, 1.5), |b| (b.y_min / upem, b.y_max / upem));
        Ok(Self {
            font,
            units_per_em: upem,
            ascent: m.ascent / upem,
            descent: -m.descent / upem,
            y_max: y_max.max(m.ascent / upem),
            y_min: y_min.min(m.descent / upem),
        })
    }

    /// Ascent as a fraction of the em size.
    pub fn ascent(&self) -> f32 {
        self.ascent
    }

    /// Descent (positive, below the baseline) as a fraction of the em size.
    pub fn descent(&self) -> f32 {
        self.descent
    }

    /// The vertical extent of every glyph of the font, in em: `(lowest, highest)` point, y up
    /// (from the `head` table's bounding box).
    pub fn y_bounds(&self) -> (f32, f32) {
        (self.y_min, self.y_max)
    }

    /// Font units per em (1000 for Noto Sans SC).
    pub fn units_per_em(&self) -> f32 {
        self.units_per_em
    }

    /// Glyph ids and x offsets (in em) of a string: one glyph per character, no shaping,
    /// which is all CJK text and Latin without ligatures need. Characters the subset lacks
    /// map to glyph 0 (.notdef, a visible box) so nothing silently disappears.
    pub fn glyphs(&self, text: &str) -> (Vec<PlacedGlyph>, f32) {
        let charmap = self.font.charmap();
        let metrics = GlyphMetrics::new(&self.font, Size::unscaled(), LocationRef::default());
        let mut x = 0.0;
        let mut out = Vec::with_capacity(text.len() / 2);
        for (i, ch) in text.char_indices() {
            let gid = charmap.map(ch).unwrap_or(GlyphId::NOTDEF);
            let advance = metrics.advance_width(gid).unwrap_or(0.0) / self.units_per_em;
            out.push(PlacedGlyph {
                id: gid.to_u32(),
                x,
                advance,
                start: i,
                end: i + ch.len_utf8(),
            });
            x += advance;
        }
        (out, x)
    }

    /// Width of a string in em.
    pub fn width_em(&self, text: &str) -> f32 {
        self.glyphs(text).1
    }

    /// Whether the font has a glyph for every character of `text`.
    pub fn covers(&self, text: &str) -> bool {
        let charmap = self.font.charmap();
        text.chars()
            .all(|c| c.is_whitespace() || charmap.map(c).is_some())
    }

    /// Breaks `text` into lines no wider than `max_em` (in em units of the font size).
    ///
    /// CJK text may break between any two characters; a run of Latin letters and digits is
    /// kept together unless it alone is too wide; closing punctuation never starts a line.
    /// Explicit newlines are kept.
    pub fn wrap(&self, text: &str, max_em: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for para in text.split('\n') {
            self.wrap_paragraph(para.trim_end(), max_em, &mut lines);
        }
        lines
    }

    fn wrap_paragraph(&self, text: &str, max_em: f32, lines: &mut Vec<String>) {
        let (glyphs, total) = self.glyphs(text);
        if total <= max_em || glyphs.is_empty() {
            lines.push(text.to_owned());
            return;
        }
        let chars: Vec<char> = text.chars().collect();
        let mut start = 0usize; // index into glyphs/chars
        while start < glyphs.len() {
            // Skip spaces at the start of a continuation line.
            while start < glyphs.len() && chars[start] == ' ' {
                start += 1;
            }
            if start >= glyphs.len() {
                break;
            }
            let origin = glyphs[start].x;
            let mut end = start;
            while end < glyphs.len() && glyphs[end].x + glyphs[end].advance - origin <= max_em {
                end += 1;
            }
            if end == glyphs.len() {
                lines.push(text[glyphs[start].start..].trim_end().to_owned());
                break;
            }
            // At least one character per line, whatever the width.
            let mut brk = end.max(start + 1);
            if brk > start + 1 {
                let word = |c: char| c.is_ascii_alphanumeric() || c == '%' || c == '.';
                // Back off out of a Latin word, if the word does not fill the line alone.
                let mut b = brk;
                while b > start + 1 && word(chars[b]) && word(chars[b - 1]) {
                    b -= 1;
                }
                if b > start + 1 {
                    brk = b;
                }
                // Do not start the next line with closing punctuation: move one character
                // down with it.
                if NO_LINE_START.contains(chars[brk]) && brk > start + 1 {
                    brk -= 1;
                }
            }
            let byte_end = glyphs.get(brk).map_or(text.len(), |g| g.start);
            lines.push(text[glyphs[start].start..byte_end].trim_end().to_owned());
            start = brk;
        }
    }

    /// Draws the outline of a glyph, in font units (y up), into `pen`. Returns false when
    /// the glyph has no outline (spaces) or cannot be read.
    pub fn draw_outline(&self, glyph: u32, pen: &mut impl OutlinePen) -> bool {
        let outlines = self.font.outline_glyphs();
        let Some(g) = outlines.get(GlyphId::new(glyph)) else {
            return false;
        };
        g.draw(
            DrawSettings::unhinted(Size::unscaled(), LocationRef::default()),
            pen,
        )
        .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cff_font_maps_cjk_and_wraps() {
        let f = PosterFont::embedded().unwrap();
        assert!(f.covers("微信扫一扫 领取并分享给朋友"));
        let (g, w) = f.glyphs("羽绒服");
        assert_eq!(g.len(), 3);
        assert!(g.iter().all(|g| g.id != 0));
        assert!((w - 3.0).abs() < 0.01, "CJK glyphs are 1 em wide: {w}");
        let lines = f.wrap("适用于羽绒服,不适用于羽绒裤", 7.0);
        assert_eq!(lines, ["适用于羽绒服,", "不适用于羽绒裤"]);
        let lines = f.wrap("满500减50 abcdefghij", 6.0);
        assert!(
            lines.iter().all(|l| f.width_em(l) <= 6.0 + 1e-3),
            "{lines:?}"
        );
        assert_eq!(f.wrap("", 3.0), [""]);
        // A single glyph wider than the line still makes progress.
        assert_eq!(f.wrap("券券", 0.1), ["券", "券"]);
        struct Count(usize);
        impl OutlinePen for Count {
            fn move_to(&mut self, _: f32, _: f32) {
                self.0 += 1;
            }
            fn line_to(&mut self, _: f32, _: f32) {}
            fn quad_to(&mut self, _: f32, _: f32, _: f32, _: f32) {}
            fn curve_to(&mut self, _: f32, _: f32, _: f32, _: f32, _: f32, _: f32) {}
            fn close(&mut self) {}
        }
        let mut pen = Count(0);
        assert!(f.draw_outline(g[0].id, &mut pen));
        assert!(pen.0 > 0, "CFF outlines are read");
    }
}
