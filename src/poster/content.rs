//! What a poster says: taken from the card and from what WeChat synthesizes for it.

use std::io::Cursor;
use std::sync::Arc;

use serde_json::Value;

use super::PosterError;
use crate::card::model::{Card, DateType};
use crate::card::synth::Synthesis;
use crate::card::{beijing, rules::COLOR_PALETTE};

/// The call to action printed under the QR code.
pub const CALL_TO_ACTION: &str = "微信扫一扫 领取并分享给朋友";

/// The colour used when a card names no colour or an unknown one: Color010, WeChat's
/// default green.
pub const DEFAULT_COLOR: Rgb = Rgb::new(0x63, 0xb3, 0x59);

/// The largest side a logo is kept at (pixels); a WeChat logo is 300 × 300, and 512 px is
/// 300 dpi at 43 mm, more than any template prints it.
const LOGO_MAX_SIDE: u32 = 512;

/// An sRGB colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Rgb {
    /// Red.
    pub r: u8,
    /// Green.
    pub g: u8,
    /// Blue.
    pub b: u8,
}

impl Rgb {
    /// A colour from its components.
    pub const fn new(r: u8, g: u8, b: u8) -> Self {
        Self { r, g, b }
    }

    /// White.
    pub const WHITE: Rgb = Rgb::new(255, 255, 255);
    /// Black.
    pub const BLACK: Rgb = Rgb::new(0, 0, 0);

    /// Parses `#rrggbb` (or `rrggbb`).
    pub fn from_hex(s: &str) -> Option<Self> {
        let h = s.trim().trim_start_matches('#');
        if h.len() != 6 || !h.is_ascii() {
            return None;
        }
        let c = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).ok();
        Some(Self::new(c(0)?, c(2)?, c(4)?))
    }

    /// Relative luminance 0–1 (Rec. 709 weights on the sRGB values, good enough to choose
    /// black or white text).
    pub fn luminance(self) -> f32 {
        (0.2126 * f32::from(self.r) + 0.7152 * f32::from(self.g) + 0.0722 * f32::from(self.b))
            / 255.0
    }
}

/// The colour of a card: a palette name (`Color010`, case-insensitive) or `#rrggbb`;
/// anything else gives [`DEFAULT_COLOR`].
pub fn card_color(name: Option<&str>) -> Rgb {
    let Some(name) = name.map(str::trim) else {
        return DEFAULT_COLOR;
    };
    COLOR_PALETTE
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .and_then(|(_, hex)| Rgb::from_hex(hex))
        .or_else(|| Rgb::from_hex(name))
        .unwrap_or(DEFAULT_COLOR)
}

/// A decoded logo, flattened onto white.
#[derive(Clone, PartialEq, Eq)]
pub struct LogoImage {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// RGB8 pixels, row by row.
    pub rgb: Vec<u8>,
    /// The same pixels as a PNG file (what the PDF embeds).
    pub png: Vec<u8>,
}

impl std::fmt::Debug for LogoImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LogoImage({}×{})", self.width, self.height)
    }
}

impl LogoImage {
    /// Decodes a JPG, PNG, GIF, WebP, BMP or TIFF file, shrinks it to at most 512 px a side
    /// and flattens transparency onto white (posters are printed on white paper).
    pub fn decode(bytes: &[u8]) -> Result<Self, PosterError> {
        let bad = |e: &dyn std::fmt::Display| PosterError::Logo(e.to_string());
        let mut reader = image::ImageReader::new(Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|e| bad(&e))?;
        // A tiny file can claim a huge size; refuse before allocating.
        let mut limits = image::Limits::default();
        limits.max_image_width = Some(10_000);
        limits.max_image_height = Some(10_000);
        limits.max_alloc = Some(256 * 1024 * 1024);
        reader.limits(limits);
        let img = reader.decode().map_err(|e| bad(&e))?;
        let img = if img.width().max(img.height()) > LOGO_MAX_SIDE {
            img.thumbnail(LOGO_MAX_SIDE, LOGO_MAX_SIDE)
        } else {
            img
        };
        let rgba = img.to_rgba8();
        let (width, height) = rgba.dimensions();
        let mut rgb = Vec::with_capacity((width * height * 3) as usize);
        for p in rgba.pixels() {
            let [r, g, b, a] = p.0;
            let a = u16::from(a);
            let over = |c: u8| ((u16::from(c) * a + 255 * (255 - a) + 127) / 255) as u8;
            rgb.extend_from_slice(&[over(r), over(g), over(b)]);
        }
        let mut png = Vec::new();
        super::encode::encode_rgb(&mut png, width, height, &rgb, None)?;
        Ok(Self {
            width,
            height,
            rgb,
            png,
        })
    }
}

/// Everything printed on a poster, independent of the template.
#[derive(Clone, Debug, PartialEq)]
pub struct PosterContent {
    /// The card colour (header band, frame, footer strip).
    pub color: Rgb,
    /// The merchant logo, when one was supplied.
    pub logo: Option<Arc<LogoImage>>,
    /// `brand_name`.
    pub brand_name: String,
    /// The title WeChat synthesizes ("羽绒服满500减50").
    pub title: String,
    /// The 详情摘要 line ("消费满500元可用,适用于羽绒服").
    pub summary: String,
    /// "有效期 2026.12.02 - 2027.01.01" or "领取后30天有效"; `None` without date_info.
    pub validity: Option<String>,
    /// Usable hours ("周一至周五 10:00-20:59可用").
    pub time_limits: Vec<String>,
    /// The URL the QR code holds (`url` of card/qrcode/create).
    pub qr_url: String,
    /// The line under the QR code.
    pub call_to_action: String,
    /// The channel, printed small at the bottom (a store name), if any.
    pub channel_label: Option<String>,
}

impl PosterContent {
    /// The content of a card's poster. `synthesis` is [`crate::card::synth::synthesize`]
    /// of the same card; it is passed in because the caller usually has it already.
    pub fn from_card(card: &Card, synthesis: &Synthesis, qr_url: &str) -> Self {
        let base = card.base_info();
        Self {
            color: card_color(base.and_then(|b| b.color.as_deref())),
            logo: None,
            brand_name: base
                .and_then(|b| b.brand_name.as_deref())
                .unwrap_or_default()
                .trim()
                .to_owned(),
            title: synthesis.title.trim().to_owned(),
            summary: synthesis.abstract_line.trim().to_owned(),
            validity: validity_text(card),
            time_limits: synthesis.time_limit_text.clone(),
            qr_url: qr_url.to_owned(),
            call_to_action: CALL_TO_ACTION.to_owned(),
            channel_label: None,
        }
    }

    /// The same content with a logo.
    pub fn with_logo(mut self, logo: Option<Arc<LogoImage>>) -> Self {
        self.logo = logo;
        self
    }

    /// The same content for a channel: another QR url and label (blank labels are dropped).
    pub fn for_channel(&self, qr_url: &str, label: &str) -> Self {
        let label = label.trim();
        Self {
            qr_url: qr_url.to_owned(),
            channel_label: (!label.is_empty()).then(|| label.to_owned()),
            ..self.clone()
        }
    }
}

/// An integer member of `date_info` that the model keeps in `extra` (number or string).
fn extra_int(extra: &serde_json::Map<String, Value>, key: &str) -> Option<i64> {
    match extra.get(key)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The validity line: "有效期 2026.12.02 - 2027.01.01" (Beijing dates) for a fixed range,
/// "领取后30天有效" (or "领取后1天生效,30天有效") for a fixed term.
pub fn validity_text(card: &Card) -> Option<String> {
    let d = card.base_info()?.date_info.as_ref()?;
    let ts = |v: &Option<crate::card::Int>| v.as_ref().and_then(|i| i.get());
    match &d.date_type {
        Some(DateType::Other(t)) if t == "DATE_TYPE_FIX_TERM" => {
            let term = extra_int(&d.extra, "fixed_term").filter(|n| *n > 0)?;
            match extra_int(&d.extra, "fixed_begin_term").filter(|n| *n > 0) {
                Some(begin) => Some(format!("领取后{begin}天生效,{term}天有效")),
                None => Some(format!("领取后{term}天有效")),
            }
        }
        _ => {
            let begin = ts(&d.begin_timestamp).and_then(beijing::format_date);
            let end = ts(&d.end_timestamp).and_then(beijing::format_date);
            match (begin, end) {
                (Some(b), Some(e)) => Some(format!("有效期 {b} - {e}")),
                (None, Some(e)) => Some(format!("有效期至 {e}")),
                _ => None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card::import::parse_create_body;
    use crate::card::synth::synthesize;

    #[test]
    fn colours() {
        assert_eq!(card_color(Some("Color010")), Rgb::new(0x63, 0xb3, 0x59));
        assert_eq!(card_color(Some("color102")), Rgb::new(0x5e, 0x66, 0x71));
        assert_eq!(card_color(Some("#112233")), Rgb::new(0x11, 0x22, 0x33));
        assert_eq!(card_color(Some("Color999")), DEFAULT_COLOR);
        assert_eq!(card_color(Some("#ééé")), DEFAULT_COLOR);
        assert_eq!(card_color(None), DEFAULT_COLOR);
    }

    #[test]
    fn content_of_the_fixture() {
        let text = include_str!("../../tests/fixtures/down-jacket.json");
        let body = parse_create_body(text).unwrap();
        let s = synthesize(&body.card);
        let c = PosterContent::from_card(&body.card, &s, "http://weixin.qq.com/q/x");
        assert_eq!(c.title, "羽绒服满500减50");
        assert_eq!(c.brand_name, "北风羽绒");
        assert_eq!(
            c.validity.as_deref(),
            Some("有效期 2027.01.01 - 2027.01.31")
        );
        assert_eq!(c.time_limits[0], "周一至周五 10:00-20:59可用");
        let ch = c.for_channel("u2", "  朝阳店 ");
        assert_eq!(ch.channel_label.as_deref(), Some("朝阳店"));
        assert_eq!(c.for_channel("u", " ").channel_label, None);

        let mut card = body.card.clone();
        let d = card.date_info_mut();
        d.date_type = Some(DateType::Other("DATE_TYPE_FIX_TERM".into()));
        d.extra.insert("fixed_term".into(), serde_json::json!(30));
        assert_eq!(validity_text(&card).as_deref(), Some("领取后30天有效"));
        card.date_info_mut()
            .extra
            .insert("fixed_begin_term".into(), serde_json::json!("1"));
        assert_eq!(
            validity_text(&card).as_deref(),
            Some("领取后1天生效,30天有效")
        );
    }

    #[test]
    fn logos_decode_or_fail_cleanly() {
        assert!(LogoImage::decode(b"not an image").is_err());
        let mut img = image::RgbaImage::new(700, 350);
        img.put_pixel(0, 0, image::Rgba([255, 0, 0, 0]));
        let mut png = Vec::new();
        image::DynamicImage::ImageRgba8(img)
            .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        let logo = LogoImage::decode(&png).unwrap();
        assert_eq!((logo.width, logo.height), (512, 256));
        // Transparent pixels become white.
        assert_eq!(&logo.rgb[..3], &[255, 255, 255]);
    }
}
