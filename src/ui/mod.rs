//! The egui user interface: one panel per file, plus the editor and preview widgets.

pub mod design;
pub mod editor;
pub mod fonts;
pub mod preview;
pub mod settings;
