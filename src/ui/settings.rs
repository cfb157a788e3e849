//! 设置 Settings: language, theme, and what the app is connected to.

use egui::Ui;

use crate::i18n::{Lang, T};

/// Light, dark or the system's theme.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ThemeChoice {
    /// Follow the system.
    #[default]
    System,
    /// Light.
    Light,
    /// Dark.
    Dark,
}

impl ThemeChoice {
    /// The egui preference.
    pub fn preference(self) -> egui::ThemePreference {
        match self {
            Self::System => egui::ThemePreference::System,
            Self::Light => egui::ThemePreference::Light,
            Self::Dark => egui::ThemePreference::Dark,
        }
    }
}

/// Language and theme pickers, used in the top bar and the Settings panel. They have no label
/// beside them (the top bar is narrow); the hover text names them, for screen readers too.
pub fn lang_theme_ui(ui: &mut Ui, lang: &mut Lang, theme: &mut ThemeChoice) {
    let named = *lang;
    egui::ComboBox::from_id_salt("lang")
        .selected_text(match lang {
            Lang::Zh => "中文",
            Lang::En => "English",
        })
        .show_ui(ui, |ui| {
            ui.selectable_value(lang, Lang::Zh, "中文");
            ui.selectable_value(lang, Lang::En, "English");
        })
        .response
        .on_hover_text(format!("{} / Language", T::Language.zh()));
    let l = *lang;
    egui::ComboBox::from_id_salt("theme")
        .selected_text(theme_label(*theme, l))
        .show_ui(ui, |ui| {
            for t in [ThemeChoice::System, ThemeChoice::Light, ThemeChoice::Dark] {
                ui.selectable_value(theme, t, theme_label(t, l));
            }
        })
        .response
        .on_hover_text(T::Theme.get(named));
}

fn theme_label(t: ThemeChoice, lang: Lang) -> &'static str {
    match t {
        ThemeChoice::System => T::ThemeSystem.get(lang),
        ThemeChoice::Light => T::ThemeLight.get(lang),
        ThemeChoice::Dark => T::ThemeDark.get(lang),
    }
}

/// What the Settings panel shows about the connection.
pub struct ConnectionInfo<'a> {
    /// True in sandbox mode.
    pub sandbox: bool,
    /// The account in use, "name (AppID)".
    pub account: &'a str,
    /// The API base URL.
    pub api_base: &'a str,
    /// The company server's URL, for a company-server account.
    pub server: Option<&'a str>,
    /// The data folder.
    pub data_dir: &'a str,
}

/// Draws the Settings panel.
pub fn settings_ui(
    ui: &mut Ui,
    lang: &mut Lang,
    theme: &mut ThemeChoice,
    info: &ConnectionInfo<'_>,
) {
    let l = *lang;
    ui.heading(T::NavSettings.get(l));
    egui::Grid::new("settings")
        .num_columns(2)
        .spacing([16.0, 8.0])
        .show(ui, |ui| {
            ui.label(T::Language.get(l));
            ui.horizontal(|ui| lang_theme_ui(ui, lang, theme));
            ui.end_row();
            ui.label(T::Account.get(l));
            ui.label(if info.sandbox {
                T::SandboxBadge.get(l)
            } else {
                info.account
            });
            ui.end_row();
            ui.label(T::ApiBase.get(l));
            ui.monospace(info.api_base);
            ui.end_row();
            if let Some(server) = info.server {
                ui.label(T::CompanyServer.get(l));
                ui.monospace(server);
                ui.end_row();
            }
            ui.label(T::DataDir.get(l));
            ui.monospace(info.data_dir);
            ui.end_row();
        });
    if info.sandbox {
        ui.add_space(8.0);
        ui.label(T::SandboxHint.get(l));
    }
}

/// The log row of Settings: returns true when the user asks to open the log folder.
pub fn open_logs_ui(ui: &mut Ui, lang: Lang) -> bool {
    ui.horizontal(|ui| {
        ui.label(T::LogDir.get(lang));
        ui.button(T::OpenLogDir.get(lang)).clicked()
    })
    .inner
}

/// 库存提醒: the threshold under which cards are flagged (besides WeChat's own rule), as typed.
pub fn stock_alert_ui(ui: &mut Ui, text: &mut String, lang: Lang) {
    ui.add_space(8.0);
    ui.horizontal(|ui| {
        let l = ui.label(T::StockAlertBelow.get(lang));
        ui.add(egui::TextEdit::singleline(text).desired_width(70.0))
            .labelled_by(l.id)
            .on_hover_text(T::StockAlertHint.get(lang));
        ui.label(T::Units.get(lang));
    });
    let t = text.trim();
    if !t.is_empty() && !t.parse::<u32>().is_ok_and(|n| n > 0) {
        crate::ui::error_label(
            ui,
            T::WholeNumberRule.fill(lang, &[("field", &T::StockAlertBelow.get(lang))]),
        );
    }
}
