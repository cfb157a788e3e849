//! The accounts part of 设置 Settings: the list, the add/edit form (token mode, AppSecret,
//! token service, pasted token), "test connection" and switching the account in use.
//!
//! A typed secret or token leaves this panel once, inside a [`Command`], and the field is
//! cleared; nothing here ever shows a stored secret back.

use egui::{RichText, Ui};

use crate::accounts::{Account, Accounts, Problem, Stored, TokenMode};
use crate::i18n::{Lang, T};
use crate::message::UiError;

/// A secret or token typed by the user; `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretText(pub String);

impl std::fmt::Debug for SecretText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

/// What the panel asks the app to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Whether a keyring service answers (at start).
    ProbeKeyring,
    /// Store the account (and the secret in the keyring, the pasted token in memory).
    Save {
        /// The account as edited.
        account: Account,
        /// A newly typed AppSecret.
        secret: Option<SecretText>,
        /// A newly pasted token.
        token: Option<SecretText>,
    },
    /// Remove an account (and its secret).
    Remove(String),
    /// Switch to an account (`None` = the sandbox): restarts the backend.
    Activate(Option<String>),
    /// Fetch a token and call card/getcolors with an account.
    Test {
        /// The account as edited.
        account: Account,
        /// A newly typed AppSecret (not stored by a test).
        secret: Option<SecretText>,
        /// A newly pasted token.
        token: Option<SecretText>,
    },
    /// Open the log folder in the file manager.
    OpenLogs,
    /// Work for the platform account's merchant (its AppID): restarts the backend.
    UseMerchant {
        /// The platform account's id.
        account: String,
        /// The merchant's AppID.
        appid: String,
    },
    /// Read the platform account's merchants again.
    ListMerchants(String),
    /// 添加商户: ask the platform account's server for an authorization page.
    Authorize(String),
}

/// The mode picked in the form (its fields live beside it in [`Form`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModeChoice {
    /// stable_token.
    Stable,
    /// cgi-bin/token.
    Classic,
    /// Token service.
    Service,
    /// Pasted token.
    Pasted,
    /// The simulator.
    Sandbox,
    /// The company server (URL and the person's API key).
    Server,
    /// A third-party platform on the company server (URL and the person's API key).
    Platform,
}

/// The add/edit form.
#[derive(Clone, Debug)]
pub struct Form {
    /// The account's id (a new one for "add").
    pub id: String,
    /// Display name.
    pub name: String,
    /// AppID.
    pub appid: String,
    /// Token mode.
    pub mode: ModeChoice,
    /// Token service URL, or the company server's URL.
    pub url: String,
    /// Token service JSON member.
    pub json_field: String,
    /// A newly typed secret: the AppSecret, or the company server's API key (cleared once
    /// sent).
    pub secret: String,
    /// A newly pasted token (cleared once sent).
    pub token: String,
}

impl Form {
    fn from_account(a: &Account) -> Self {
        let (mode, url, json_field) = match &a.mode {
            TokenMode::Stable => (ModeChoice::Stable, String::new(), String::new()),
            TokenMode::Classic => (ModeChoice::Classic, String::new(), String::new()),
            TokenMode::Service { url, json_field } => {
                (ModeChoice::Service, url.clone(), json_field.clone())
            }
            TokenMode::Pasted => (ModeChoice::Pasted, String::new(), String::new()),
            TokenMode::Sandbox => (ModeChoice::Sandbox, String::new(), String::new()),
            TokenMode::Server { url } => (ModeChoice::Server, url.clone(), String::new()),
            TokenMode::Platform { url } => (ModeChoice::Platform, url.clone(), String::new()),
        };
        Self {
            id: a.id.clone(),
            name: a.name.clone(),
            appid: a.appid.clone(),
            mode,
            url,
            json_field,
            secret: String::new(),
            token: String::new(),
        }
    }

    /// The account as typed.
    pub fn account(&self) -> Account {
        Account {
            id: self.id.clone(),
            name: self.name.trim().to_owned(),
            appid: self.appid.trim().to_owned(),
            mode: match self.mode {
                ModeChoice::Stable => TokenMode::Stable,
                ModeChoice::Classic => TokenMode::Classic,
                ModeChoice::Service => TokenMode::Service {
                    url: self.url.trim().to_owned(),
                    json_field: self.json_field.trim().to_owned(),
                },
                ModeChoice::Pasted => TokenMode::Pasted,
                ModeChoice::Sandbox => TokenMode::Sandbox,
                ModeChoice::Server => TokenMode::Server {
                    url: self.url.trim().to_owned(),
                },
                ModeChoice::Platform => TokenMode::Platform {
                    url: self.url.trim().to_owned(),
                },
            },
        }
    }

    /// Takes the typed secret and token out of the form (they are sent once).
    fn take_secrets(&mut self) -> (Option<SecretText>, Option<SecretText>) {
        let take = |s: &mut String| {
            let t = std::mem::take(s);
            (!t.trim().is_empty()).then(|| SecretText(t.trim().to_owned()))
        };
        (take(&mut self.secret), take(&mut self.token))
    }
}

/// The panel's state.
#[derive(Debug, Default)]
pub struct AccountsPanel {
    /// The stored list.
    pub list: Accounts,
    /// The account the backend runs on (`None` = sandbox).
    pub in_use: Option<String>,
    /// The form, while adding or editing.
    pub form: Option<Form>,
    /// Keyring names with a credential available (keyring or session): AppIDs with their
    /// AppSecret, company-server accounts' key names; filled by the IO side.
    pub with_secret: Vec<String>,
    /// `Some(Ok)` keyring available, `Some(Err)` not (secrets are per session then).
    pub keyring: Option<Result<(), String>>,
    /// A test is running.
    pub testing: bool,
    /// The last test's outcome: the colours getcolors answered, or the error.
    pub test_result: Option<Result<usize, UiError>>,
    /// A switch is running.
    pub switching: bool,
    /// The last save/remove/switch message (`true` = success) in both languages.
    pub status: Option<(bool, UiError)>,
    /// At start the active account could not be used (secret or token missing): its id.
    pub needs_credentials: Option<String>,
    /// Switch to this account once its save lands (its missing secret was just typed).
    pub switch_after_save: Option<String>,
    /// The save in flight stores a company server's API key (for the words after it).
    pub saving_key: bool,
    /// The merchant the backend works for, under the platform account [`Self::in_use`].
    pub in_use_merchant: Option<String>,
    /// Each platform account's merchants, by account id.
    pub merchants: std::collections::BTreeMap<String, crate::accounts::merchants::MerchantList>,
}

impl AccountsPanel {
    /// Opens the form on an account (e.g. the one that needs its secret at start).
    pub fn edit(&mut self, id: &str) {
        if let Some(a) = self.list.accounts.iter().find(|a| a.id == id) {
            self.form = Some(Form::from_account(a));
            self.test_result = None;
        }
    }

    /// The display name of the account in use, if it is not the sandbox.
    pub fn in_use_name(&self) -> Option<&str> {
        let id = self.in_use.as_deref()?;
        self.list
            .accounts
            .iter()
            .find(|a| a.id == id)
            .map(|a| a.name.as_str())
    }
}

fn mode_label(mode: &TokenMode, lang: Lang) -> &'static str {
    match mode {
        TokenMode::Stable => T::ModeStable.get(lang),
        TokenMode::Classic => T::ModeClassic.get(lang),
        TokenMode::Service { .. } => T::ModeService.get(lang),
        TokenMode::Pasted => T::ModePasted.get(lang),
        TokenMode::Sandbox => T::ModeSandbox.get(lang),
        TokenMode::Server { .. } => T::ModeServer.get(lang),
        TokenMode::Platform { .. } => T::ModePlatform.get(lang),
    }
}

fn problem_text(p: Problem) -> T {
    match p {
        Problem::NameMissing => T::NameMissing,
        Problem::AppIdMissing => T::AppIdMissing,
        Problem::ServiceUrlInsecure => T::ServiceUrlInsecure,
        Problem::ServerUrlInsecure => T::ServerUrlInsecure,
    }
}

/// Draws the accounts section; returns what the user asked for.
pub fn accounts_ui(ui: &mut Ui, lang: Lang, panel: &mut AccountsPanel) -> Vec<Command> {
    let mut out = Vec::new();
    ui.heading(T::Accounts.get(lang));
    if let Some(Err(why)) = &panel.keyring {
        crate::ui::error_label(ui, T::SecretSessionOnly.get(lang)).on_hover_text(why);
    }
    list_ui(ui, lang, panel, &mut out);
    if panel.form.is_none()
        && ui
            .add_enabled(!panel.switching, egui::Button::new(T::AddAccount.get(lang)))
            .clicked()
    {
        let fresh = Account::new("", "", TokenMode::Stable);
        panel.form = Some(Form::from_account(&fresh));
        panel.test_result = None;
    }
    if panel.switching {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(T::Switching.get(lang));
        });
    }
    if let Some((ok, text)) = &panel.status {
        let color = if *ok {
            crate::ui::ok_color(ui)
        } else {
            crate::ui::error_color(ui)
        };
        ui.colored_label(color, text.text(lang));
    }
    form_ui(ui, lang, panel, &mut out);
    out
}

fn list_ui(ui: &mut Ui, lang: Lang, panel: &mut AccountsPanel, out: &mut Vec<Command>) {
    let busy = panel.switching;
    egui::Grid::new("accounts")
        .num_columns(4)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            ui.label(T::ModeSandbox.get(lang));
            ui.label("");
            if panel.in_use.is_none() {
                ui.label(RichText::new(T::ActiveAccount.get(lang)).color(crate::ui::ok_color(ui)));
            } else if ui
                .add_enabled(!busy, egui::Button::new(T::UseAccount.get(lang)))
                .clicked()
            {
                out.push(Command::Activate(None));
            }
            ui.label("");
            ui.end_row();
            let mut edit = None;
            for a in &panel.list.accounts {
                if a.is_platform() {
                    ui.label(&a.name);
                } else {
                    ui.label(format!("{} ({})", a.name, a.appid));
                }
                ui.label(mode_label(&a.mode, lang));
                ui.horizontal(|ui| {
                    if a.is_platform() {
                        // A platform is used through one of its merchants (listed below).
                        ui.label("");
                    } else if panel.in_use.as_deref() == Some(a.id.as_str()) {
                        ui.label(
                            RichText::new(T::ActiveAccount.get(lang))
                                .color(crate::ui::ok_color(ui)),
                        );
                    } else if ui
                        .add_enabled(!busy, egui::Button::new(T::UseAccount.get(lang)))
                        .on_hover_text(&a.name)
                        .clicked()
                    {
                        out.push(Command::Activate(Some(a.id.clone())));
                    }
                });
                ui.horizontal(|ui| {
                    if ui.button(T::EditAccount.get(lang)).clicked() {
                        edit = Some(a.id.clone());
                    }
                    if ui
                        .add_enabled(!busy, egui::Button::new(T::RemoveAccount.get(lang)))
                        .clicked()
                    {
                        out.push(Command::Remove(a.id.clone()));
                    }
                });
                ui.end_row();
            }
            if let Some(id) = edit {
                panel.edit(&id);
            }
        });
}

fn form_ui(ui: &mut Ui, lang: Lang, panel: &mut AccountsPanel, out: &mut Vec<Command>) {
    let Some(form) = panel.form.as_mut() else {
        return;
    };
    ui.separator();
    let has_secret = form
        .account()
        .credential_name()
        .is_some_and(|name| panel.with_secret.contains(&name));
    if panel.needs_credentials.as_deref() == Some(form.id.as_str()) {
        let text = match form.mode {
            ModeChoice::Pasted => T::TokenNeeded,
            ModeChoice::Server | ModeChoice::Platform => T::KeyNeeded,
            _ => T::SecretNeeded,
        };
        crate::ui::error_label(ui, text.get(lang));
    }
    // Each rule shows next to its field (the form's state at the start of the frame).
    let problems = form.account().problems();
    let problem_ui = |ui: &mut Ui, p: Problem| {
        if problems.contains(&p) {
            crate::ui::error_label(ui, problem_text(p).get(lang));
        }
    };
    egui::Grid::new("account_form")
        .num_columns(2)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            let l = ui.label(T::AccountName.get(lang));
            ui.horizontal(|ui| {
                ui.add(egui::TextEdit::singleline(&mut form.name).desired_width(260.0))
                    .labelled_by(l.id);
                problem_ui(ui, Problem::NameMissing);
            });
            ui.end_row();
            // A platform works for its merchants' AppIDs, not one of its own.
            if form.mode != ModeChoice::Platform {
                let l = ui.label(T::AppId.get(lang));
                ui.horizontal(|ui| {
                    ui.add(egui::TextEdit::singleline(&mut form.appid).desired_width(260.0))
                        .labelled_by(l.id);
                    problem_ui(ui, Problem::AppIdMissing);
                });
                ui.end_row();
            }
            ui.label(T::TokenModeLabel.get(lang));
            ui.vertical(|ui| {
                // Plain words on the radio; the API behind each in its tooltip.
                for (choice, text, tip) in [
                    (ModeChoice::Stable, T::ModeStable, Some(T::ModeStableTip)),
                    (ModeChoice::Classic, T::ModeClassic, Some(T::ModeClassicTip)),
                    (ModeChoice::Service, T::ModeService, Some(T::ModeServiceTip)),
                    (ModeChoice::Server, T::ModeServer, Some(T::ModeServerTip)),
                    (
                        ModeChoice::Platform,
                        T::ModePlatform,
                        Some(T::ModePlatformTip),
                    ),
                    (ModeChoice::Pasted, T::ModePasted, Some(T::ModePastedTip)),
                    (ModeChoice::Sandbox, T::ModeSandbox, None),
                ] {
                    let radio = ui.radio_value(&mut form.mode, choice, text.get(lang));
                    if let Some(tip) = tip {
                        radio.on_hover_text(tip.get(lang));
                    }
                    if choice == ModeChoice::Classic {
                        // The warning stands next to the option, not only once it is picked.
                        ui.label(
                            RichText::new(T::ClassicWarning.get(lang))
                                .color(crate::ui::error_color(ui))
                                .small(),
                        );
                    }
                }
            });
            ui.end_row();
            match form.mode {
                ModeChoice::Stable | ModeChoice::Classic => {
                    let l = ui.label(T::AppSecret.get(lang));
                    ui.vertical(|ui| {
                        ui.add(
                            egui::TextEdit::singleline(&mut form.secret)
                                .password(true)
                                .desired_width(260.0)
                                .hint_text(if has_secret {
                                    T::SecretStored.get(lang)
                                } else {
                                    ""
                                }),
                        )
                        .labelled_by(l.id);
                        ui.label(RichText::new(T::SecretHint.get(lang)).small());
                    });
                    ui.end_row();
                }
                ModeChoice::Service => {
                    let l = ui.label(T::ServiceUrl.get(lang));
                    ui.horizontal(|ui| {
                        ui.add(egui::TextEdit::singleline(&mut form.url).desired_width(360.0))
                            .labelled_by(l.id);
                        problem_ui(ui, Problem::ServiceUrlInsecure);
                    });
                    ui.end_row();
                    let l = ui
                        .label(T::ServiceField.get(lang))
                        .on_hover_text(T::ServiceFieldTip.get(lang));
                    ui.add(egui::TextEdit::singleline(&mut form.json_field).desired_width(160.0))
                        .labelled_by(l.id)
                        .on_hover_text(T::ServiceFieldTip.get(lang));
                    ui.end_row();
                }
                ModeChoice::Pasted => {
                    let l = ui.label(T::PastedToken.get(lang));
                    ui.vertical(|ui| {
                        ui.add(
                            egui::TextEdit::singleline(&mut form.token)
                                .password(true)
                                .desired_width(360.0),
                        )
                        .labelled_by(l.id);
                        ui.label(RichText::new(T::PastedTokenHint.get(lang)).small());
                    });
                    ui.end_row();
                }
                ModeChoice::Server | ModeChoice::Platform => {
                    server_fields_ui(ui, lang, form, has_secret, &problem_ui);
                }
                ModeChoice::Sandbox => {}
            }
        });
    let account = form.account();
    let problems = account.problems();
    let mut cancel = false;
    ui.horizontal(|ui| {
        if ui
            .add_enabled(
                problems.is_empty(),
                egui::Button::new(T::SaveAccount.get(lang)),
            )
            .clicked()
        {
            let (secret, token) = form.take_secrets();
            out.push(Command::Save {
                account: account.clone(),
                secret,
                token,
            });
            cancel = true;
        }
        if ui
            .add_enabled(
                problems.is_empty() && !panel.testing,
                egui::Button::new(T::TestConnection.get(lang)),
            )
            .clicked()
        {
            // The typed secret stays in the form so that Save can still store it.
            let secret = Some(form.secret.trim())
                .filter(|s| !s.is_empty())
                .map(|s| SecretText(s.to_owned()));
            let token = Some(form.token.trim())
                .filter(|s| !s.is_empty())
                .map(|s| SecretText(s.to_owned()));
            panel.testing = true;
            panel.test_result = None;
            out.push(Command::Test {
                account: account.clone(),
                secret,
                token,
            });
        }
        if ui.button(T::CancelEdit.get(lang)).clicked() {
            cancel = true;
        }
    });
    if panel.testing {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(T::Testing.get(lang));
        });
    }
    match &panel.test_result {
        Some(Ok(n)) => {
            // A platform's test counts its merchants; the others the card colours.
            let text = match form.mode {
                ModeChoice::Platform => T::TestOkMerchants.fill(lang, &[("n", n)]),
                _ => format!("{}: {n}", T::TestOk.get(lang)),
            };
            ui.colored_label(crate::ui::ok_color(ui), format!("✔ {text}"));
        }
        Some(Err(e)) => {
            crate::ui::error_label(ui, e.text(lang));
        }
        None => {}
    }
    if cancel {
        panel.form = None;
    }
}

/// The company server's fields (two grid rows): its URL and the person's API key.
fn server_fields_ui(
    ui: &mut Ui,
    lang: Lang,
    form: &mut Form,
    has_key: bool,
    problem_ui: &dyn Fn(&mut Ui, Problem),
) {
    let l = ui.label(T::ServerUrl.get(lang));
    ui.horizontal(|ui| {
        ui.add(
            egui::TextEdit::singleline(&mut form.url)
                .desired_width(360.0)
                .hint_text("https://coupons.example.com"),
        )
        .labelled_by(l.id);
        problem_ui(ui, Problem::ServerUrlInsecure);
    });
    ui.end_row();
    let l = ui.label(T::ApiKey.get(lang));
    ui.vertical(|ui| {
        ui.add(
            egui::TextEdit::singleline(&mut form.secret)
                .password(true)
                .desired_width(360.0)
                .hint_text(if has_key {
                    T::SecretStored.get(lang)
                } else {
                    ""
                }),
        )
        .labelled_by(l.id);
        ui.label(RichText::new(T::ApiKeyHint.get(lang)).small());
    });
    ui.end_row();
}

/// The message after a save, in both languages (`key`: the credential was a company
/// server's API key, not an AppSecret).
pub fn saved_text(stored: Option<&Stored>, key: bool) -> (bool, UiError) {
    let keyring = if key {
        T::AccountSavedKey
    } else {
        T::AccountSavedKeyring
    };
    match stored {
        Some(Stored::SessionOnly(_)) => (false, UiError::of(T::SecretSessionOnly)),
        Some(Stored::Keyring) => (
            true,
            UiError::both(format!("✔ {}", keyring.zh()), format!("✔ {}", keyring.en())),
        ),
        None => (
            true,
            UiError::both(
                format!("✔ {}", T::AccountSaved.zh()),
                format!("✔ {}", T::AccountSaved.en()),
            ),
        ),
    }
}
