//! 载入示例活动 on the Design panel: offered where a newcomer lands (no draft open, on the
//! simulator), and what the panel does once the demo is loaded (it opens the demo card).

use egui::Ui;

use super::{Command, DesignPanel};
use crate::i18n::{Lang, T};
use crate::message::UiError;

/// The demo's seed: the same campaign for everyone who clicks.
pub const DEMO_SEED: u64 = 42;

/// Where the demo stands.
#[derive(Debug, Default)]
pub struct DemoState {
    /// Loading now (the button is disabled: one campaign per click).
    pub loading: bool,
    /// Loaded (the note is shown).
    pub loaded: bool,
    /// Why the last attempt failed.
    pub error: Option<UiError>,
}

/// The 载入示例活动 button, for the Design panel's empty state and for Settings; `out` gets
/// the command when it is clicked.
pub fn button_ui(ui: &mut Ui, state: &mut DemoState, lang: Lang, out: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        let clicked =
            crate::ui::action(ui, "design", "demo", !state.loading, T::LoadDemo.get(lang))
                .on_hover_text(T::LoadDemoHint.get(lang))
                .clicked();
        if clicked {
            state.loading = true;
            state.error = None;
            out.push(Command::LoadDemo(DEMO_SEED));
        }
        if state.loading {
            ui.spinner();
            ui.label(T::DemoLoading.get(lang));
        }
    });
    if state.loaded {
        ui.label(T::DemoLoaded.get(lang));
    }
    if let Some(e) = &state.error {
        crate::ui::error_label(ui, e.text(lang));
    }
}

/// What the Design panel shows with no draft open.
pub fn empty_ui(
    ui: &mut Ui,
    state: &mut DemoState,
    lang: Lang,
    sandbox: bool,
    out: &mut Vec<Command>,
) {
    ui.add_space(24.0);
    ui.label(T::EmptyDesign.get(lang));
    if sandbox {
        ui.add_space(12.0);
        button_ui(ui, state, lang, out);
        ui.add_space(4.0);
        ui.weak(T::LoadDemoHint.get(lang));
    }
}

/// Whether to offer the demo above the form: a newcomer's account (no card yet, at most the
/// one blank draft the app opened), or while it loads or just loaded.
pub fn offered(panel: &DesignPanel) -> bool {
    let state = &panel.demo;
    state.loading
        || state.loaded
        || state.error.is_some()
        || (panel.cards.is_empty() && panel.drafts.len() <= 1)
}

/// The offer above the form: what the demo does, and its button.
pub fn banner_ui(ui: &mut Ui, state: &mut DemoState, lang: Lang, out: &mut Vec<Command>) {
    egui::Frame::group(ui.style())
        .fill(ui.visuals().faint_bg_color)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            // Once loaded, the note alone: a second click would make a second campaign
            // (Settings still offers it, for trainers).
            if state.loaded {
                ui.label(T::DemoLoaded.get(lang));
            } else {
                ui.label(T::LoadDemoHint.get(lang));
                button_ui(ui, state, lang, out);
            }
        });
    ui.add_space(4.0);
}

/// The demo was loaded (or not): open its card, and list the cards again.
pub fn on_loaded(
    panel: &mut DesignPanel,
    result: Result<(String, Option<String>), UiError>,
) -> Vec<Command> {
    panel.demo.loading = false;
    match result {
        Ok((card_id, _)) => {
            panel.demo.loaded = true;
            panel.demo.error = None;
            panel.opening_card = Some(card_id.clone());
            // The balance beside the preview changed too.
            vec![
                Command::FetchCard(card_id),
                Command::ListCards,
                Command::LoadLookups,
            ]
        }
        Err(e) => {
            panel.demo.error = Some(e);
            Vec::new()
        }
    }
}
