//! The eframe application: shell (top bar, navigation), persisted settings, and the wiring
//! from panel commands to IO.

mod accounts;
pub mod events;
mod exec;
pub mod io;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::i18n::{Lang, T};
use crate::store::Store;
use crate::ui::design::{Command, DesignPanel};
use crate::ui::placement::PlacementPanel;
use crate::ui::redeem::RedeemPanel;
use crate::ui::settings::{ConnectionInfo, ThemeChoice};
use crate::ui::stats::StatsPanel;
use crate::ui::wallet::WalletPanel;

pub use exec::Backend;

/// A command of any panel, for the IO side.
#[derive(Clone, Debug, PartialEq)]
pub enum AppCommand {
    /// From the Design panel.
    Design(Command),
    /// From the Wallet panel.
    Wallet(crate::ui::wallet::Command),
    /// From the Placement panel.
    Placement(crate::ui::placement::Command),
    /// From the Redeem panel.
    Redeem(crate::ui::redeem::Command),
    /// From the Stats panel.
    Stats(crate::ui::stats::Command),
    /// From the accounts part of Settings.
    Accounts(crate::ui::accounts::Command),
}

impl From<crate::ui::accounts::Command> for AppCommand {
    fn from(c: crate::ui::accounts::Command) -> Self {
        Self::Accounts(c)
    }
}

impl From<crate::ui::stats::Command> for AppCommand {
    fn from(c: crate::ui::stats::Command) -> Self {
        Self::Stats(c)
    }
}

impl From<crate::ui::redeem::Command> for AppCommand {
    fn from(c: crate::ui::redeem::Command) -> Self {
        Self::Redeem(c)
    }
}

impl From<crate::ui::placement::Command> for AppCommand {
    fn from(c: crate::ui::placement::Command) -> Self {
        Self::Placement(c)
    }
}

impl From<Command> for AppCommand {
    fn from(c: Command) -> Self {
        Self::Design(c)
    }
}

impl From<crate::ui::wallet::Command> for AppCommand {
    fn from(c: crate::ui::wallet::Command) -> Self {
        Self::Wallet(c)
    }
}

/// Local wall-clock time in Unix milliseconds (the wallet's countdowns run on it).
pub fn local_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// The panels of the left navigation (only built ones are listed).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Nav {
    /// 设计.
    #[default]
    Design,
    /// 券点.
    Wallet,
    /// 投放.
    Placement,
    /// 核销.
    Redeem,
    /// 数据.
    Stats,
    /// 设置.
    Settings,
}

/// What is persisted between runs (eframe storage); runtime state lives beside it.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Persisted {
    /// UI language.
    pub lang: Lang,
    /// Theme.
    pub theme: ThemeChoice,
    /// The last panel.
    pub nav: Nav,
    /// The last open draft.
    pub draft_id: Option<i64>,
    /// Test whitelist openids as typed (WeChat has no call that reads the list back).
    pub whitelist_openids: String,
    /// Test whitelist WeChat ids as typed.
    pub whitelist_usernames: String,
}

/// How the app starts.
pub struct StartOptions {
    /// Where the SQLite database and logs live.
    pub data_dir: PathBuf,
    /// The API to talk to (sandbox or account).
    pub backend: Backend,
    /// Persisted settings from a previous run (tests pass their own).
    pub persisted: Option<Persisted>,
}

/// The application.
pub struct CouponStudioApp {
    /// Persisted settings.
    pub persisted: Persisted,
    /// The Design panel.
    pub design: DesignPanel,
    /// The Wallet panel.
    pub wallet: WalletPanel,
    /// The Placement panel.
    pub placement: PlacementPanel,
    /// The Redeem panel.
    pub redeem: RedeemPanel,
    /// The Stats panel.
    pub stats: StatsPanel,
    io: io::Io,
    backend: Arc<Backend>,
    store: Option<Arc<Mutex<Store>>>,
    data_dir: PathBuf,
    /// A fatal start-up problem to show (e.g. the database could not be opened).
    pub startup_error: Option<events::UiError>,
    applied_theme: Option<ThemeChoice>,
    /// The window title last sent to the window.
    applied_title: String,
    /// A draft is being opened (so start-up does not open two).
    opening: bool,
    /// The accounts part of Settings.
    pub accounts: crate::ui::accounts::AccountsPanel,
    /// What the accounts commands need (vault, data folder).
    accounts_ctx: exec::accounts::AccountsCtx,
}

/// Key of the persisted settings in eframe's storage.
const STORAGE_KEY: &str = "coupon-studio";

impl CouponStudioApp {
    /// Builds the app inside eframe's creation context.
    pub fn new(cc: &eframe::CreationContext<'_>, options: StartOptions) -> std::io::Result<Self> {
        crate::ui::fonts::install_fonts(&cc.egui_ctx);
        let persisted = options
            .persisted
            .or_else(|| cc.storage.and_then(|s| eframe::get_value(s, STORAGE_KEY)))
            .unwrap_or_default();
        let io = io::Io::new(cc.egui_ctx.clone())?;
        let db_path = options.data_dir.join("coupon-studio.sqlite");
        // A damaged or too-new database is set aside and reported, never silently reset.
        let (opened, recovery) = Store::open_with_recovery(&db_path);
        let (store, startup_error) = match (opened, recovery) {
            (Ok(s), None) => (Some(Arc::new(Mutex::new(s))), None),
            (opened, Some(r)) => (
                opened.ok().map(|s| Arc::new(Mutex::new(s))),
                Some(accounts::recovery_error(&r)),
            ),
            (Err(e), None) => (
                None,
                Some(events::UiError::fill(
                    T::DbCannotOpen,
                    &[("path", &db_path.display()), ("error", &e)],
                )),
            ),
        };
        let mut placement =
            PlacementPanel::new(options.data_dir.join("posters").display().to_string());
        placement
            .whitelist_openids
            .clone_from(&persisted.whitelist_openids);
        placement
            .whitelist_usernames
            .clone_from(&persisted.whitelist_usernames);
        let accounts_panel = accounts::load_panel(&options.data_dir, &options.backend);
        let accounts_ctx = exec::accounts::AccountsCtx::new(options.data_dir.clone());
        let mut app = Self {
            persisted,
            design: DesignPanel::default(),
            wallet: WalletPanel::default(),
            placement,
            redeem: RedeemPanel::default(),
            stats: StatsPanel::default(),
            io,
            backend: Arc::new(options.backend),
            store,
            data_dir: options.data_dir,
            startup_error,
            applied_theme: None,
            applied_title: String::new(),
            opening: false,
            accounts: accounts_panel,
            accounts_ctx,
        };
        app.start();
        Ok(app)
    }

    /// Initial loads: drafts (opening the last one, or a new one), colours, stores, cards.
    fn start(&mut self) {
        if let Some(id) = self.persisted.draft_id {
            self.opening = true;
            self.run(Command::OpenDraft(id));
        }
        for cmd in [
            Command::ListDrafts,
            Command::LoadLookups,
            Command::ListCards,
        ] {
            self.run(cmd);
        }
        // Money calls left open by a crash or a lost connection are reconciled at start,
        // whichever panel is shown.
        self.run(crate::ui::wallet::Command::LoadJournal);
    }

    /// With no draft open once the list is known: open the newest, or start a new one.
    fn open_something(&mut self) {
        if self.design.doc.is_some() || self.opening {
            return;
        }
        self.opening = true;
        let cmd = match self.design.drafts.first() {
            Some(d) => Command::OpenDraft(d.id),
            None => Command::NewDraft(
                T::Untitled.get(self.persisted.lang).to_owned(),
                String::new(),
            ),
        };
        self.run(cmd);
    }

    /// Runs a panel command on the IO runtime.
    pub fn run(&mut self, cmd: impl Into<AppCommand>) {
        match cmd.into() {
            // Accounts commands need the vault, which the other panels never see.
            AppCommand::Accounts(c) => {
                exec::accounts::run(c, &self.io, &self.backend, &self.accounts_ctx);
            }
            cmd => exec::run(cmd, &self.io, &self.backend, self.store.as_ref()),
        }
    }

    /// Whether the app talks to the simulator.
    pub fn is_sandbox(&self) -> bool {
        self.backend.sandbox
    }

    /// Handles IO answers and due timers; called at the start of every frame.
    fn pump(&mut self, ctx: &egui::Context) {
        let local = local_ms();
        for event in self.io.drain() {
            let event = match event {
                events::Event::Wallet(e) => {
                    for cmd in self.wallet.on_event(ctx, e, local) {
                        self.run(cmd);
                    }
                    continue;
                }
                events::Event::Placement(e) => {
                    self.placement.on_event(ctx, e);
                    continue;
                }
                events::Event::Stats(e) => {
                    let sandbox = self.is_sandbox();
                    for cmd in self.stats.on_event(e, sandbox) {
                        self.run(cmd);
                    }
                    continue;
                }
                events::Event::Redeem(e) => {
                    for cmd in self.redeem.on_event(e, local / 1000) {
                        self.run(cmd);
                    }
                    continue;
                }
                events::Event::Accounts(e) => {
                    self.on_accounts_event(e);
                    continue;
                }
                other => other,
            };
            match &event {
                events::Event::DraftOpened(Ok(d)) => {
                    self.persisted.draft_id = Some(d.meta.id);
                    self.opening = false;
                }
                // The remembered draft is gone (deleted): fall back to the newest.
                events::Event::DraftOpened(Err(_)) => self.opening = false,
                _ => {}
            }
            let drafts_listed = matches!(event, events::Event::Drafts(Ok(_)));
            for cmd in self.design.on_event(ctx, event) {
                self.run(cmd);
            }
            if drafts_listed {
                self.open_something();
            }
        }
        let now = Instant::now();
        for cmd in self.design.due(now) {
            self.run(cmd);
        }
        if let Some(wait) = self.design.next_wakeup(now) {
            ctx.request_repaint_after(wait);
        }
        let sandbox = self.is_sandbox();
        for cmd in self.wallet.due(local, sandbox) {
            self.run(cmd);
        }
        if let Some(wait) = self.wallet.next_wakeup(local) {
            ctx.request_repaint_after(wait);
        }
        if self.persisted.nav == Nav::Redeem
            && let Some(wait) = self.redeem.next_wakeup(local / 1000)
        {
            ctx.request_repaint_after(wait);
        }
        if self.applied_theme != Some(self.persisted.theme) {
            ctx.set_theme(self.persisted.theme.preference());
            self.applied_theme = Some(self.persisted.theme);
        }
    }

    fn top_bar_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.persisted.lang;
        ui.horizontal(|ui| {
            ui.strong(T::AppName.get(lang));
            ui.separator();
            if self.is_sandbox() {
                let badge = egui::RichText::new(format!(" {} ", T::SandboxBadge.get(lang)))
                    .color(egui::Color32::WHITE)
                    .background_color(egui::Color32::from_rgb(0xc2, 0x7c, 0x0e));
                ui.label(badge).on_hover_text(T::SandboxHint.get(lang));
            } else {
                ui.label(format!(
                    "{}: {}",
                    T::Account.get(lang),
                    self.account_display()
                ))
                .on_hover_text(&self.backend.api_base);
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                crate::ui::settings::lang_theme_ui(
                    ui,
                    &mut self.persisted.lang,
                    &mut self.persisted.theme,
                );
            });
        });
    }

    fn nav_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.persisted.lang;
        for (nav, key) in [
            (Nav::Design, T::NavDesign),
            (Nav::Wallet, T::NavWallet),
            (Nav::Placement, T::NavPlacement),
            (Nav::Redeem, T::NavRedeem),
            (Nav::Stats, T::NavStats),
            (Nav::Settings, T::NavSettings),
        ] {
            let mut text = key.get(lang).to_owned();
            // Open money outcomes show on the Wallet entry wherever the user is.
            if nav == Nav::Wallet && self.wallet.blocked() {
                text.push_str(" ⚠");
            }
            if ui
                .selectable_label(self.persisted.nav == nav, text)
                .clicked()
                && self.persisted.nav != nav
            {
                self.persisted.nav = nav;
                if nav == Nav::Settings && self.accounts.keyring.is_none() {
                    self.run(crate::ui::accounts::Command::ProbeKeyring);
                }
                if nav == Nav::Wallet {
                    for cmd in self.wallet.on_open(local_ms()) {
                        self.run(cmd);
                    }
                }
                if nav == Nav::Placement {
                    for cmd in self.placement.on_open() {
                        self.run(cmd);
                    }
                }
            }
        }
    }

    /// The account in use as people know it: "name (AppID)", or the AppID alone when the
    /// account list does not name it.
    fn account_display(&self) -> String {
        match self.accounts.in_use_name() {
            Some(name) => format!("{name} ({})", self.backend.label),
            None => self.backend.label.clone(),
        }
    }

    /// Saves what is unsaved (called on exit).
    pub fn flush(&mut self) {
        if let Some(Command::SaveDraft(id, body)) = self.design.save_command()
            && let Some(store) = &self.store
            && let Ok(s) = store.lock()
        {
            // Shutdown has no frame to report an error in; the next start shows the draft.
            let _ = s.save_draft_body(id, &body);
        }
    }
}

impl eframe::App for CouponStudioApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        self.pump(&ctx);
        let lang = self.persisted.lang;
        let title = if self.is_sandbox() {
            format!(
                "{} — {} / Sandbox",
                T::AppName.get(lang),
                T::SandboxBadge.zh()
            )
        } else {
            T::AppName.get(lang).to_owned()
        };
        // Only when it changes: every viewport command asks for another frame, so sending the
        // title each frame kept the app painting without end (issue 16).
        if self.applied_title != title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.applied_title = title;
        }
        egui::Panel::top("top_bar").show(ui, |ui| self.top_bar_ui(ui));
        egui::Panel::left("nav")
            .exact_size(96.0)
            .resizable(false)
            .show(ui, |ui| self.nav_ui(ui));
        if let Some(e) = &self.startup_error {
            egui::Panel::bottom("startup_error").show(ui, |ui| {
                ui.colored_label(egui::Color32::from_rgb(0xd9, 0x36, 0x36), e.text(lang));
            });
        }
        match self.persisted.nav {
            Nav::Design => {
                let cmds = self.design.ui(ui, lang);
                for cmd in cmds {
                    self.run(cmd);
                }
            }
            Nav::Wallet => {
                let sandbox = self.is_sandbox();
                let cmds = egui::CentralPanel::default()
                    .show(ui, |ui| self.wallet.ui(ui, lang, sandbox, local_ms()))
                    .inner;
                for cmd in cmds {
                    self.run(cmd);
                }
            }
            Nav::Placement => {
                let cmds = egui::CentralPanel::default()
                    .show(ui, |ui| self.placement.ui(ui, lang))
                    .inner;
                for cmd in cmds {
                    self.run(cmd);
                }
            }
            Nav::Redeem => {
                let cmds = egui::CentralPanel::default()
                    .show(ui, |ui| self.redeem.ui(ui, lang, local_ms() / 1000))
                    .inner;
                for cmd in cmds {
                    self.run(cmd);
                }
            }
            Nav::Stats => {
                let sandbox = self.is_sandbox();
                let today = crate::card::beijing::date_of(local_ms() / 1000).unwrap_or_default();
                let cmds = egui::CentralPanel::default()
                    .show(ui, |ui| self.stats.ui(ui, lang, sandbox, today))
                    .inner;
                for cmd in cmds {
                    self.run(cmd);
                }
            }
            Nav::Settings => {
                egui::CentralPanel::default().show(ui, |ui| {
                    let dir = self.data_dir.display().to_string();
                    let account = self.account_display();
                    let info = ConnectionInfo {
                        sandbox: self.is_sandbox(),
                        account: &account,
                        api_base: &self.backend.api_base,
                        data_dir: &dir,
                    };
                    crate::ui::settings::settings_ui(
                        ui,
                        &mut self.persisted.lang,
                        &mut self.persisted.theme,
                        &info,
                    );
                    let cmds = self.accounts_settings_ui(ui);
                    for cmd in cmds {
                        self.run(cmd);
                    }
                });
            }
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.persisted
            .whitelist_openids
            .clone_from(&self.placement.whitelist_openids);
        self.persisted
            .whitelist_usernames
            .clone_from(&self.placement.whitelist_usernames);
        eframe::set_value(storage, STORAGE_KEY, &self.persisted);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        self.flush();
    }
}
