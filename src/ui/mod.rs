//! The egui user interface: one panel per file, plus the editor and preview widgets. Panels
//! read the domain (`crate::card`) and never do IO themselves.

pub mod accounts;
pub mod card_picker;
pub mod design;
pub mod editor;
pub mod fonts;
pub mod placement;
pub mod poster_view;
pub mod preview;
pub mod qr;
pub mod redeem;
pub mod settings;
pub mod stats;
pub mod wallet;

/// Red for errors.
pub const ERROR_COLOR: egui::Color32 = egui::Color32::from_rgb(0xd9, 0x36, 0x36);
/// Amber for warnings and open outcomes.
pub const WARN_COLOR: egui::Color32 = egui::Color32::from_rgb(0xc2, 0x7c, 0x0e);
/// Green for done.
pub const OK_COLOR: egui::Color32 = egui::Color32::from_rgb(0x1a, 0x9c, 0x4b);

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
