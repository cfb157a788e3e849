//! Fonts: egui ships no CJK glyphs, so the app adds a Noto Sans SC subset (GB2312) as a
//! fallback after egui's own fonts.

use egui::{FontData, FontFamily, FontInsert, FontPriority, InsertFontFamily};

/// The name the CJK font is registered under.
pub const CJK_FONT_NAME: &str = "NotoSansSC-subset";

/// Noto Sans SC, subset to GB2312 (see `assets/fonts/OFL.txt` for its licence).
static CJK_FONT: &[u8] = include_bytes!("../../assets/fonts/NotoSansSC-subset.otf");

/// Adds the CJK font as the last fallback of the proportional and monospace families.
///
/// Cheap to call again: egui skips a font whose name it already has.
pub fn install_fonts(ctx: &egui::Context) {
    let fallback = |family| InsertFontFamily {
        family,
        priority: FontPriority::Lowest,
    };
    ctx.add_font(FontInsert::new(
        CJK_FONT_NAME,
        FontData::from_static(CJK_FONT),
        vec![
            fallback(FontFamily::Proportional),
            fallback(FontFamily::Monospace),
        ],
    ));
}
