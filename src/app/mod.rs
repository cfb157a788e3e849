//! The eframe application: shell (top bar, navigation), persisted settings, and the wiring
//! from panel commands to IO.

mod accounts;
mod bars;
mod command;
pub mod events;
mod exec;
mod feed;
pub mod io;
mod platform;
mod server;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::i18n::{Lang, T};
use crate::message::DesignEvent;
use crate::store::Store;
use crate::ui::design::{Command, DesignPanel};
use crate::ui::panel::{Panel, PanelCx};
use crate::ui::placement::PlacementPanel;
use crate::ui::redeem::RedeemPanel;
use crate::ui::settings::ThemeChoice;
use crate::ui::stats::StatsPanel;
use crate::ui::wallet::WalletPanel;
use events::Event;

pub use command::AppCommand;
pub use exec::{Backend, BackendError, ServerLink};
pub use server::ServerView;

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
    /// Whose drafts it was among (`crate::store::OWN`, or a platform's merchant's).
    pub draft_scope: String,
    /// Test whitelist openids as typed (WeChat has no call that reads the list back).
    pub whitelist_openids: String,
    /// Test whitelist WeChat ids as typed.
    pub whitelist_usernames: String,
    /// 库存提醒: flag cards with fewer units than this, as typed in Settings (empty: only
    /// WeChat's own rule).
    pub stock_alert_below: String,
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
    /// The company server's feed, for a company-server account: what it read.
    pub server: ServerView,
    /// The running feed (dropped: stopped).
    feed: Option<feed::Feed>,
    /// How often the feed reads while the server answers.
    feed_every: std::time::Duration,
    /// A platform account's merchants: documents put aside, leaving a withdrawn merchant.
    platform: platform::PlatformState,
}

/// Key of the persisted settings in eframe's storage.
const STORAGE_KEY: &str = "coupon-studio";

impl CouponStudioApp {
    /// Builds the app inside eframe's creation context.
    pub fn new(cc: &eframe::CreationContext<'_>, options: StartOptions) -> std::io::Result<Self> {
        crate::ui::fonts::install_fonts(&cc.egui_ctx);
        crate::ui::install_status_colors(&cc.egui_ctx);
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
            server: ServerView::default(),
            feed: None,
            feed_every: crate::pushed::POLL_EVERY,
            platform: platform::PlatformState::default(),
        };
        app.start();
        app.start_feed();
        Ok(app)
    }

    /// Initial loads: drafts (opening the last one, or a new one), colours, stores, cards.
    fn start(&mut self) {
        self.io.set_scope(&self.backend.scope());
        // The last draft is opened again only among its own merchant's (or own) drafts.
        if let Some(id) = self.persisted.draft_id
            && self.persisted.draft_scope == self.backend.scope()
        {
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
                exec::accounts_command(c, &self.io, &self.backend, &self.accounts_ctx);
            }
            // Pictures by URL are cached in the data folder, which only the shell knows.
            AppCommand::Design(Command::FetchImage(slot, url)) => {
                let cache = self.data_dir.join("cache").join("images");
                exec::images::fetch(slot, url, &self.io, &self.backend, cache);
            }
            // A company server's channels are counted from the events the shell holds.
            AppCommand::Stats(crate::ui::stats::Command::Channels { card_id, from, to })
                if self.backend.server.is_some() =>
            {
                let job = exec::PushedChannels {
                    card_id,
                    from,
                    to,
                    events: self.server.events.clone(),
                    store: self.store.clone(),
                    scope: self.backend.scope(),
                };
                exec::pushed_channels(job, &self.io);
            }
            cmd => exec::run(cmd, &self.io, &self.backend, self.store.as_ref()),
        }
    }

    /// Whether the app talks to the simulator.
    pub fn is_sandbox(&self) -> bool {
        self.backend.sandbox
    }

    /// What every panel sees this frame: the clocks are read once.
    fn panel_cx(&self) -> PanelCx {
        PanelCx {
            lang: self.persisted.lang,
            sandbox: self.is_sandbox(),
            server: self.backend.server.is_some(),
            now_ms: local_ms(),
            now: Instant::now(),
            stock_alert_below: self
                .persisted
                .stock_alert_below
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|n| *n > 0),
        }
    }

    /// Runs the commands a panel returned, in order.
    fn run_all<C: Into<AppCommand>>(&mut self, cmds: Vec<C>) {
        for cmd in cmds {
            self.run(cmd);
        }
    }

    /// Hands a Design answer to the panel, with the shell's own book-keeping of which draft
    /// is open (persisted, and opened again at the next start).
    fn on_design_event(&mut self, ctx: &egui::Context, event: DesignEvent, cx: &PanelCx) {
        match &event {
            DesignEvent::DraftOpened(Ok(d)) => {
                self.persisted.draft_id = Some(d.meta.id);
                self.persisted.draft_scope = self.backend.scope();
                self.opening = false;
            }
            // The remembered draft is gone (deleted): fall back to the newest.
            DesignEvent::DraftOpened(Err(_)) => self.opening = false,
            _ => {}
        }
        // The demo filled the account: every other panel loads it afresh, and 核销 starts
        // with a customer's code.
        if let DesignEvent::DemoLoaded(Ok((_, code))) = &event {
            self.reload_all_but_design();
            if let Some(code) = code {
                self.redeem.input.clone_from(code);
            }
        }
        let drafts_listed = matches!(event, DesignEvent::Drafts(Ok(_)));
        let cmds = self.design.on_event(ctx, event, cx);
        self.run_all(cmds);
        if drafts_listed {
            self.open_something();
        }
    }

    /// Handles IO answers and due timers, and asks for the next frame only when a panel
    /// needs one; called at the start of every frame. This is the one place that answers
    /// "why will the next frame happen?" when no one touches the app.
    fn pump(&mut self, ctx: &egui::Context) {
        let cx = self.panel_cx();
        let scope = self.backend.scope();
        for answer in self.io.drain() {
            match answer.event {
                // A draft's answer asked under another merchant goes to its document put aside.
                Event::Design(e) if e.scope_bound() && *answer.scope != *scope => {
                    self.on_other_scope(ctx, &answer.scope, e, &cx);
                }
                Event::Design(e) => self.on_design_event(ctx, e, &cx),
                Event::Wallet(e) => {
                    let cmds = self.wallet.on_event(ctx, e, &cx);
                    self.run_all(cmds);
                }
                Event::Placement(e) => {
                    let cmds = self.placement.on_event(ctx, e, &cx);
                    self.run_all(cmds);
                }
                Event::Stats(e) => {
                    let cmds = self.stats.on_event(ctx, e, &cx);
                    self.run_all(cmds);
                }
                Event::Redeem(e) => {
                    let cmds = self.redeem.on_event(ctx, e, &cx);
                    self.run_all(cmds);
                }
                Event::Accounts(e) => self.on_accounts_event(e),
                Event::Server(e) => self.on_feed_event(ctx, e, &cx),
                Event::Nothing => {}
            }
        }
        let cmds = self.design.due(&cx);
        self.run_all(cmds);
        let cmds = self.wallet.due(&cx);
        self.run_all(cmds);
        let cmds = self.placement.due(&cx);
        self.run_all(cmds);
        let cmds = self.redeem.due(&cx);
        self.run_all(cmds);
        let cmds = self.stats.due(&cx);
        self.run_all(cmds);
        self.platform_due(&cx);
        if let Some(wait) = self.next_wakeup(&cx) {
            ctx.request_repaint_after(wait);
        }
        if self.applied_theme != Some(self.persisted.theme) {
            ctx.set_theme(self.persisted.theme.preference());
            self.applied_theme = Some(self.persisted.theme);
        }
    }

    /// The soonest wake-up any panel asks for (`None`: the app rests until input).
    pub fn next_wakeup(&self, cx: &PanelCx) -> Option<std::time::Duration> {
        let nav = self.persisted.nav;
        [
            self.design.next_wakeup(cx, nav == Nav::Design),
            self.wallet.next_wakeup(cx, nav == Nav::Wallet),
            self.placement.next_wakeup(cx, nav == Nav::Placement),
            self.redeem.next_wakeup(cx, nav == Nav::Redeem),
            self.stats.next_wakeup(cx, nav == Nav::Stats),
            self.platform_wakeup(cx),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// The person opened `nav` from the navigation.
    fn open_panel(&mut self, nav: Nav) {
        let cx = self.panel_cx();
        match nav {
            Nav::Design => {
                let cmds = self.design.on_open(&cx);
                self.run_all(cmds);
            }
            Nav::Wallet => {
                let cmds = self.wallet.on_open(&cx);
                self.run_all(cmds);
            }
            Nav::Placement => {
                let cmds = self.placement.on_open(&cx);
                self.run_all(cmds);
            }
            Nav::Redeem => {
                let cmds = self.redeem.on_open(&cx);
                self.run_all(cmds);
            }
            Nav::Stats => {
                let cmds = self.stats.on_open(&cx);
                self.run_all(cmds);
            }
            Nav::Settings => {
                if self.accounts.keyring.is_none() {
                    self.run(crate::ui::accounts::Command::ProbeKeyring);
                }
            }
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
                crate::ui::error_label(ui, e.text(lang));
            });
        }
        self.notice_ui(ui);
        let cx = self.panel_cx();
        match self.persisted.nav {
            Nav::Design => {
                let cmds = self.design.ui(ui, &cx);
                self.run_all(cmds);
            }
            Nav::Wallet => {
                let cmds = self.wallet.ui(ui, &cx);
                self.run_all(cmds);
            }
            Nav::Placement => {
                let cmds = self.placement.ui(ui, &cx);
                self.run_all(cmds);
            }
            Nav::Redeem => {
                let cmds = self.redeem.ui(ui, &cx);
                self.run_all(cmds);
            }
            Nav::Stats => {
                let cmds = self.stats.ui(ui, &cx);
                self.run_all(cmds);
            }
            Nav::Settings => {
                // Scrolled: a platform's merchant list (and its authorization QR) can be long.
                egui::CentralPanel::default().show(ui, |ui| {
                    egui::ScrollArea::vertical()
                        .auto_shrink(false)
                        .show(ui, |ui| self.settings_ui(ui));
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
