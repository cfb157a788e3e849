//! The egui user interface: one panel per file, plus the editor and preview widgets. Panels
//! read the domain (`crate::card`) and never do IO themselves.

pub mod accounts;
pub mod card_picker;
pub mod design;
pub mod editor;
pub mod fonts;
pub mod merchants;
pub mod panel;
pub mod placement;
pub mod poster_view;
pub mod preview;
pub mod qr;
pub mod redeem;
pub mod server_status;
pub mod settings;
pub mod stats;
pub mod wallet;

/// Sets the error and warning colours of both themes: egui's own are pure red and orange,
/// loud on white; these keep their contrast on each background (the app calls this once).
pub fn install_status_colors(ctx: &egui::Context) {
    ctx.style_mut_of(egui::Theme::Light, |s| {
        s.visuals.error_fg_color = egui::Color32::from_rgb(0xc6, 0x28, 0x28);
        s.visuals.warn_fg_color = egui::Color32::from_rgb(0xa8, 0x62, 0x00);
    });
    ctx.style_mut_of(egui::Theme::Dark, |s| {
        s.visuals.error_fg_color = egui::Color32::from_rgb(0xff, 0x6b, 0x6b);
        s.visuals.warn_fg_color = egui::Color32::from_rgb(0xf0, 0xa8, 0x3c);
    });
}

/// The theme's colour for errors (see [`install_status_colors`]).
pub fn error_color(ui: &egui::Ui) -> egui::Color32 {
    ui.visuals().error_fg_color
}

/// The theme's colour for warnings and open outcomes (amber).
pub fn warn_color(ui: &egui::Ui) -> egui::Color32 {
    ui.visuals().warn_fg_color
}

/// Green for done, lighter on the dark background so that it keeps its contrast.
pub fn ok_color(ui: &egui::Ui) -> egui::Color32 {
    if ui.visuals().dark_mode {
        egui::Color32::from_rgb(0x5c, 0xc9, 0x85)
    } else {
        egui::Color32::from_rgb(0x1a, 0x8a, 0x44)
    }
}

/// An error shown next to what failed, in the theme's error colour. Every panel draws its
/// errors with this one label, so they look alike and follow the light/dark theme.
pub fn error_label(ui: &mut egui::Ui, text: impl Into<egui::RichText>) -> egui::Response {
    let color = error_color(ui);
    ui.label(text.into().color(color))
}

/// A button with an id of its own (`panel`, `key`): egui's automatic ids count the widgets
/// drawn before them (a spinner turning into three labels shifts them), and a click queued by
/// assistive technology or a test for one frame must land on the same button in the next.
/// It keeps its natural width even inside justified columns.
pub fn action(
    ui: &mut egui::Ui,
    panel: &str,
    key: &str,
    enabled: bool,
    text: impl Into<egui::WidgetText>,
) -> egui::Response {
    let id = egui::Id::unique((panel, key));
    let layout = ui.layout().with_cross_justify(false);
    ui.scope_builder(egui::UiBuilder::new().scope_id(id).layout(layout), |ui| {
        ui.add_enabled(enabled, egui::Button::new(text))
    })
    .inner
}

/// A long id (order, card) shortened for display: its head and tail, which is what people
/// compare; the full id goes in the tooltip and the CSV.
pub fn short_id(id: &str) -> String {
    let n = id.chars().count();
    if n <= 24 {
        return id.to_owned();
    }
    let head: String = id.chars().take(12).collect();
    let tail: String = id.chars().skip(n - 8).collect();
    format!("{head}…{tail}")
}

/// The UI language (one type for the whole app).
pub use crate::i18n::Lang;

/// Shows a date picker; returns the new date when the user picked one.
pub fn date_picker(
    ui: &mut egui::Ui,
    id: &str,
    current: chrono::NaiveDate,
) -> Option<chrono::NaiveDate> {
    use chrono::Datelike;
    let mut date = jiff::civil::Date::new(
        i16::try_from(current.year()).unwrap_or(2026),
        i8::try_from(current.month()).unwrap_or(1),
        i8::try_from(current.day()).unwrap_or(1),
    )
    .ok()?;
    let before = date;
    ui.add(
        egui_extras::DatePickerButton::new(&mut date)
            .id_salt(id)
            .format("%Y-%m-%d"),
    );
    if date == before {
        return None;
    }
    chrono::NaiveDate::from_ymd_opt(
        i32::from(date.year()),
        u32::try_from(date.month()).ok()?,
        u32::try_from(date.day()).ok()?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The colours follow the theme: each is the theme's own, and they differ between the
    /// light and the dark one (a fixed red was hard to read on the dark background).
    #[test]
    fn status_colours_follow_the_theme() {
        let ctx = egui::Context::default();
        install_status_colors(&ctx);
        let mut seen = Vec::new();
        for theme in [egui::Theme::Light, egui::Theme::Dark] {
            ctx.set_theme(theme);
            let mut out = ctx.run_ui(egui::RawInput::default(), |ui| {
                assert_eq!(error_color(ui), ui.visuals().error_fg_color);
                assert_eq!(warn_color(ui), ui.visuals().warn_fg_color);
                assert_eq!(ui.visuals().dark_mode, theme == egui::Theme::Dark);
                seen.push((error_color(ui), ok_color(ui)));
            });
            // No renderer here: the font atlas upload is dropped on purpose.
            out.textures_delta.clear();
        }
        assert_eq!(seen.len(), 2);
        assert_ne!(seen[0].0, seen[1].0);
        assert_ne!(seen[0].1, seen[1].1);
    }
}
