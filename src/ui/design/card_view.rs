//! Glue between the panel's state and the preview widget.

use egui::Ui;

use super::DesignPanel;
use crate::card::CreateBody;
use crate::card::report::Report;
use crate::i18n::Lang;

/// Draws the live preview of `body` from the report's synthesis.
pub fn preview_ui(
    ui: &mut Ui,
    panel: &DesignPanel,
    body: &CreateBody,
    report: &Report,
    lang: Lang,
) {
    let _ = (panel, body, lang);
    if let Some(s) = &report.synthesis {
        ui.heading(s.title.as_str());
        ui.label(s.abstract_line.as_str());
        for t in &s.time_limit_text {
            ui.label(t.as_str());
        }
        ui.label(format!("{} 券点/张", s.price_per_unit));
    }
}
