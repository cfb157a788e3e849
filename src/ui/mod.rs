//! The egui user interface: one panel per file, plus the editor and preview widgets. Panels
//! read the domain (`crate::card`) and never do IO themselves.

pub mod design;
pub mod editor;
pub mod fonts;
pub mod preview;
pub mod settings;

/// The UI language (one type for the whole app).
pub use crate::i18n::Lang;
