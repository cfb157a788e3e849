//! Fonts: egui's defaults plus the embedded Noto Sans CJK SC subset, so Chinese renders.

use std::sync::Arc;

/// The subset made by `scripts/make-font-subset.sh` (SIL OFL 1.1, see assets/fonts/OFL.txt).
const CJK_FONT: &[u8] = include_bytes!("../../assets/fonts/NotoSansSC-subset.otf");

/// Adds the CJK font as a fallback after egui's own fonts, for both families.
pub fn install_fonts(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    fonts.font_data.insert(
        "noto-sans-sc".to_owned(),
        Arc::new(egui::FontData::from_static(CJK_FONT)),
    );
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        fonts
            .families
            .entry(family)
            .or_default()
            .push("noto-sans-sc".to_owned());
    }
    ctx.set_fonts(fonts);
}
