//! The app's side of accounts: the Settings section, answers from the IO side, and
//! switching the backend (a new client or the simulator) while the app runs.

use std::path::Path;
use std::sync::Arc;

use super::events::{AccountsEvent, UiError};
use super::{Backend, CouponStudioApp};
use crate::accounts::{Accounts, SecretStore, Vault};
use crate::api::ApiError;
use crate::i18n::{Lang, T};
use crate::message::ErrorKind;
use crate::store::Recovery;
use crate::ui::accounts::{AccountsPanel, Command};
use crate::ui::panel::Panel;

/// The panel as the app starts: the stored list, and which account the backend runs on.
pub(super) fn load_panel(data_dir: &Path, backend: &Backend) -> AccountsPanel {
    let mut panel = AccountsPanel::default();
    match Accounts::load(data_dir) {
        Ok(list) => panel.list = list,
        Err(e) => panel.status = Some((false, super::exec::accounts::account_error(&e))),
    }
    if !backend.sandbox {
        // A platform account is in use through the merchant it was left on.
        let merchant = backend.merchant();
        panel.in_use = panel
            .list
            .active_account()
            .filter(|a| match merchant {
                Some(m) => a.is_platform() && panel.list.merchant.as_deref() == Some(m),
                None => a.appid == backend.label,
            })
            .map(|a| a.id.clone());
        if panel.in_use.is_some() {
            panel.in_use_merchant = merchant.map(str::to_owned);
        }
    }
    panel
}

/// The start-up notice for a database that was set aside.
pub(super) fn recovery_error(r: &Recovery) -> UiError {
    match r {
        Recovery::Corrupt { backup, message } => UiError::both(
            format!(
                "{} {}({message}),{}",
                T::DbCorrupt.zh(),
                backup.display(),
                T::DbCorruptNew.zh()
            ),
            format!(
                "{} {} ({message}) {}",
                T::DbCorrupt.en(),
                backup.display(),
                T::DbCorruptNew.en()
            ),
        )
        .kind_of(ErrorKind::Store),
        Recovery::TooNew { found, backup } => {
            let version = UiError::fill(T::DbVersion, &[("found", found)]);
            UiError::both(
                format!(
                    "{} {}{}",
                    T::DbNewer.zh(),
                    backup.display(),
                    version.text(Lang::Zh)
                ),
                format!(
                    "{} {}{}",
                    T::DbNewer.en(),
                    backup.display(),
                    version.text(Lang::En)
                ),
            )
            .kind_of(ErrorKind::Store)
        }
    }
}

impl CouponStudioApp {
    /// Says at the bottom of the window that the simulator's state file could not be read and
    /// was set aside as `backup` (the simulator started empty), after any database notice.
    pub fn report_sandbox_state_set_aside(&mut self, backup: &Path) {
        let zh = format!("{} {}", T::SandboxStateSetAside.zh(), backup.display());
        let en = format!("{} {}", T::SandboxStateSetAside.en(), backup.display());
        self.startup_error = Some(match self.startup_error.take() {
            Some(e) => UiError::both(
                format!("{}\n{zh}", e.text(Lang::Zh)),
                format!("{}\n{en}", e.text(Lang::En)),
            ),
            None => UiError::both(zh, en).kind_of(ErrorKind::File),
        });
    }

    /// Replaces the keyring (tests pass an in-memory store).
    pub fn set_secret_store(&mut self, store: Arc<dyn SecretStore>) {
        self.accounts_ctx.vault = Arc::new(Vault::new(store));
    }

    /// Sends real accounts to a loopback simulator instead of WeChat, for tests. Anything but
    /// a loopback `http://` or an `https://` URL is refused, as for every client.
    pub fn use_api_base_for_accounts(&mut self, url: &str) -> Result<(), ApiError> {
        self.accounts_ctx.api_base = crate::api::client::check_base_url(url)?;
        Ok(())
    }

    /// The account the backend runs on is missing its secret or token: open its form in
    /// Settings and say so (the app runs on the simulator until then).
    pub fn ask_for_credentials(&mut self, account_id: &str) {
        self.accounts.needs_credentials = Some(account_id.to_owned());
        self.accounts.edit(account_id);
        self.persisted.nav = super::Nav::Settings;
        self.run(Command::ProbeKeyring);
    }

    /// The Settings panel: language and theme, the connection, the stock alert, the demo (on
    /// the simulator), logs, accounts and a platform's merchants.
    pub(super) fn settings_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.persisted.lang;
        let dir = self.data_dir.display().to_string();
        let account = self.account_display(lang);
        let info = crate::ui::settings::ConnectionInfo {
            sandbox: self.is_sandbox(),
            account: &account,
            api_base: &self.backend.api_base,
            server: self.backend.server.as_ref().map(|l| l.client.base_url()),
            data_dir: &dir,
        };
        crate::ui::settings::settings_ui(
            ui,
            &mut self.persisted.lang,
            &mut self.persisted.theme,
            &info,
        );
        crate::ui::settings::stock_alert_ui(
            ui,
            &mut self.persisted.stock_alert_below,
            self.persisted.lang,
        );
        if info.sandbox {
            let mut demo = Vec::new();
            ui.add_space(8.0);
            crate::ui::design::demo::button_ui(
                ui,
                &mut self.design.demo,
                self.persisted.lang,
                &mut demo,
            );
            self.run_all(demo);
        }
        let cmds = self.accounts_settings_ui(ui);
        for cmd in cmds {
            self.run(cmd);
        }
    }

    /// The Settings section for accounts and logs.
    pub(super) fn accounts_settings_ui(&mut self, ui: &mut egui::Ui) -> Vec<Command> {
        let lang = self.persisted.lang;
        let mut out = Vec::new();
        ui.add_space(8.0);
        if crate::ui::settings::open_logs_ui(ui, lang) {
            out.push(Command::OpenLogs);
        }
        ui.separator();
        out.extend(crate::ui::accounts::accounts_ui(
            ui,
            lang,
            &mut self.accounts,
        ));
        crate::ui::merchants::platforms_ui(
            ui,
            lang,
            &mut self.accounts,
            &mut self.platform.link_qr,
            &mut out,
        );
        if let Some(at) = out
            .iter()
            .position(|c| matches!(c, Command::Activate(_) | Command::UseMerchant { .. }))
        {
            if self.wallet.money_in_flight() {
                // A confirm or recharge answer must reach the panel and journal it was sent from.
                out.remove(at);
                self.accounts.status = Some((false, UiError::of(T::SwitchWaitsForMoney)));
            } else {
                self.accounts.switching = true;
                self.accounts.status = None;
            }
        }
        // Typing the missing secret (or token) of the account the app was started on is all
        // it takes: once saved, the app switches to it.
        if let Some(Command::Save { account, .. }) =
            out.iter().find(|c| matches!(c, Command::Save { .. }))
        {
            self.accounts.saving_key = account.key_name().is_some();
            if self.accounts.needs_credentials.as_deref() == Some(account.id.as_str()) {
                self.accounts.switch_after_save = Some(account.id.clone());
            }
        }
        out
    }

    /// Handles an answer of an accounts command.
    pub(super) fn on_accounts_event(&mut self, e: AccountsEvent) {
        match e {
            AccountsEvent::KeyringProbed(r) => self.accounts.keyring = Some(r),
            AccountsEvent::Saved {
                list,
                stored,
                with_secret,
            } => {
                self.accounts.with_secret = with_secret;
                let switch_to = self.accounts.switch_after_save.take();
                match list {
                    Ok(list) => {
                        self.accounts.list = list;
                        let key = std::mem::take(&mut self.accounts.saving_key);
                        self.accounts.status =
                            Some(crate::ui::accounts::saved_text(stored.as_ref(), key));
                        if let Some(crate::accounts::Stored::SessionOnly(why)) = stored {
                            self.accounts.keyring = Some(Err(why));
                        }
                        if let Some(id) = switch_to
                            && !self.accounts.switching
                        {
                            self.accounts.switching = true;
                            self.run(Command::Activate(Some(id)));
                        }
                    }
                    Err(e) => self.accounts.status = Some((false, e)),
                }
            }
            AccountsEvent::Tested(r) => {
                self.accounts.testing = false;
                self.accounts.test_result = Some(r);
            }
            AccountsEvent::Switched(Ok(switch)) => self.take_switch(switch),
            AccountsEvent::Switched(Err(refused)) => {
                self.accounts.switching = false;
                self.accounts.status = Some((false, refused.error));
                if let Some((account, appid)) = refused.gone {
                    self.merchant_withdrew(&account, &appid);
                }
                // Leaving a withdrawn merchant failed (the simulator did not start): stay, and
                // say why in Settings.
                self.platform.leaving = None;
            }
            AccountsEvent::Merchants { account, result } => self.on_merchants(account, result),
            AccountsEvent::WithdrawalChecked {
                account,
                appid,
                gone,
            } => {
                if gone {
                    self.merchant_withdrew(&account, &appid);
                }
            }
            AccountsEvent::Authorization { account, result } => {
                self.on_authorization(account, result);
            }
            AccountsEvent::LogsOpened(r) => {
                if let Err(e) = r {
                    self.accounts.status = Some((false, e));
                }
            }
        }
    }

    /// Puts a new backend in place and reloads what depends on the account. Work still in
    /// flight on the old backend finishes there (its client and simulator live until then).
    pub(super) fn switch_backend(&mut self, backend: Backend) {
        let scope = backend.scope();
        let scope_changed = scope != self.backend.scope();
        // A platform's merchants keep their drafts apart: the open one is put aside.
        self.change_scope(&scope);
        self.io.next_generation();
        self.backend = Arc::new(backend);
        self.start_feed();
        // Each panel forgets what was the previous account's and keeps the person's set-up.
        let cmds = self.design.for_another_account();
        self.run_all(cmds);
        if scope_changed {
            self.load_scope();
        }
        self.reload_all_but_design();
    }

    /// The account's data changed everywhere (a new backend, or the demo campaign): every
    /// panel but Design forgets what it showed and loads again when next drawn.
    pub(super) fn reload_all_but_design(&mut self) {
        let cmds = self.wallet.for_another_account();
        self.run_all(cmds);
        let cmds = self.placement.for_another_account();
        self.run_all(cmds);
        let cmds = self.redeem.for_another_account();
        self.run_all(cmds);
        let cmds = self.stats.for_another_account();
        self.run_all(cmds);
    }
}
