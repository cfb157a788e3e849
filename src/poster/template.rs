//! Poster sizes and the few measures that differ between them.

use std::fmt;
use std::str::FromStr;

use super::PosterError;

/// A poster format. Sizes are portrait, in millimetres.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Template {
    /// A4, 210 × 297 mm: a wall or window poster.
    A4,
    /// A5, 148 × 210 mm: a counter card or flyer (the default).
    #[default]
    A5,
    /// Table tent, 100 × 210 mm: one upright face for the common T-shaped acrylic table
    /// stand (台卡), which holds two printed faces back to back. A single face is printed
    /// rather than a fold-over sheet so that no text has to be drawn upside down.
    Tent,
    /// 80 mm thermal receipt paper: 80 mm wide, as tall as the content, black on white
    /// (thermal printers print no colour, so the card colour is left out).
    Receipt,
}

impl Template {
    /// Every template, in the order a picker lists them.
    pub const ALL: [Template; 4] = [Self::A4, Self::A5, Self::Tent, Self::Receipt];

    /// The short name used on the command line and in file names: a4, a5, tent, receipt.
    pub fn name(self) -> &'static str {
        match self {
            Self::A4 => "a4",
            Self::A5 => "a5",
            Self::Tent => "tent",
            Self::Receipt => "receipt",
        }
    }

    /// A label for the UI (Chinese).
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::A4 => "A4 海报",
            Self::A5 => "A5 台卡",
            Self::Tent => "桌面立牌 100×210",
            Self::Receipt => "80mm 小票",
        }
    }

    /// Page width in mm.
    pub fn width_mm(self) -> f32 {
        match self {
            Self::A4 => 210.0,
            Self::A5 => 148.0,
            Self::Tent => 100.0,
            Self::Receipt => 80.0,
        }
    }

    /// Page height in mm; `None` for the receipt, whose height follows the content.
    pub fn height_mm(self) -> Option<f32> {
        match self {
            Self::A4 => Some(297.0),
            Self::A5 => Some(210.0),
            Self::Tent => Some(210.0),
            Self::Receipt => None,
        }
    }

    /// The smallest QR symbol (without quiet zone) the layout accepts, in mm. Scanning
    /// distance is about ten times the symbol size, so 30 mm reads from 30 cm on a wall or
    /// counter; a tent is read from closer up (25 mm); receipts are crumpled and thermal
    /// print is blurry, hence the larger 40 mm.
    pub fn min_qr_mm(self) -> f32 {
        match self {
            Self::A4 | Self::A5 => 30.0,
            Self::Tent => 25.0,
            Self::Receipt => 40.0,
        }
    }

    /// The QR symbol size the layout aims for, in mm.
    pub(crate) fn target_qr_mm(self) -> f32 {
        match self {
            Self::A4 => 90.0,
            Self::A5 => 62.0,
            Self::Tent => 52.0,
            Self::Receipt => 50.0,
        }
    }

    /// Scale of the text and spacing relative to A5.
    pub(crate) fn scale(self) -> f32 {
        match self {
            Self::A4 => std::f32::consts::SQRT_2,
            Self::A5 => 1.0,
            Self::Tent => 0.78,
            Self::Receipt => 0.68,
        }
    }

    /// Whether the template prints in colour.
    pub fn colour(self) -> bool {
        self != Self::Receipt
    }
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Template {
    type Err = PosterError;

    /// Parses a4, a5, tent or receipt (case-insensitive, surrounding spaces ignored).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|x| x.name() == t)
            .ok_or_else(|| PosterError::UnknownTemplate(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_templates() {
        assert_eq!("a4".parse::<Template>().unwrap(), Template::A4);
        assert_eq!(" A5 ".parse::<Template>().unwrap(), Template::A5);
        assert_eq!("tent".parse::<Template>().unwrap(), Template::Tent);
        assert_eq!("Receipt".parse::<Template>().unwrap(), Template::Receipt);
        let e = "a3".parse::<Template>().unwrap_err();
        assert!(e.to_string().contains("a3"), "{e}");
        for t in Template::ALL {
            assert!(t.target_qr_mm() >= t.min_qr_mm());
            assert_eq!(t.name().parse::<Template>().unwrap(), t);
        }
    }
}
