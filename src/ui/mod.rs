//! The egui user interface: one panel per file, plus the editor and preview widgets. Panels
//! read the domain (`crate::card`) and never do IO themselves.

pub mod accounts;
pub mod design;
pub mod editor;
pub mod fonts;
pub mod placement;
pub mod preview;
pub mod qr;
pub mod redeem;
pub mod settings;
pub mod stats;
pub mod wallet;

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
