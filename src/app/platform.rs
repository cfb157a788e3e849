//! The shell's side of a 第三方平台(服务商) account: working for one of its merchants at a
//! time with every guarantee of an account switch.
//!
//! - A switch to another merchant is a switch of account (the IO generation moves on, so no
//!   answer about the previous merchant reaches a panel) and of data scope: Design's open
//!   draft, with its undo history, is put aside under the merchant it belongs to and taken
//!   back when the app works for that merchant again; drafts and channel names are read in the
//!   new merchant's scope. A draft's answer asked under another merchant updates the document
//!   put aside, never the one shown.
//! - No switch happens while money is in flight: a switch that lands meanwhile waits until
//!   the answer has settled.
//! - A merchant that withdrew its authorization (its `unauthorized` event, or a 404 for its
//!   token) leaves the list at once; when it is the one in use the app says so in plain words
//!   and leaves it for the simulator — right after the money answer it may be waiting for.

use std::collections::HashMap;
use std::time::Duration;

use super::CouponStudioApp;
use super::events::{Switch, UiError};
use crate::accounts::merchants::LINK_POLL;
use crate::api::CardEvent;
use crate::i18n::T;
use crate::message::DesignEvent;
use crate::ui::accounts::Command;
use crate::ui::design::{Aside, Command as DesignCommand};
use crate::ui::panel::{Panel, PanelCx};

/// What the shell keeps for platform accounts.
pub struct PlatformState {
    /// Each data scope's document while another scope is shown.
    asides: HashMap<String, Aside>,
    /// A notice in plain words at the bottom of the window (a merchant withdrew).
    pub notice: Option<UiError>,
    /// A merchant in use withdrew its authorization: the app leaves it.
    pub leaving: Option<String>,
    /// A switch that arrived while money was in flight, applied once it has settled.
    pending: Option<Box<Switch>>,
    /// How often the merchant list is read while an authorization page is shown.
    pub link_every: Duration,
    /// The authorization page's QR, drawn once per link.
    pub link_qr: Option<crate::ui::merchants::LinkQr>,
}

impl Default for PlatformState {
    fn default() -> Self {
        Self {
            asides: HashMap::new(),
            notice: None,
            leaving: None,
            pending: None,
            link_every: LINK_POLL,
            link_qr: None,
        }
    }
}

impl CouponStudioApp {
    /// Reads the merchant list this often while an authorization page is shown (tests read
    /// it more often).
    pub fn set_merchant_poll(&mut self, every: Duration) {
        self.platform.link_every = every;
    }

    /// The AppID of the platform's merchant the app works for, if it does.
    pub fn merchant(&self) -> Option<&str> {
        self.backend.merchant()
    }

    /// The link whose QR code Settings shows for a merchant's admin to scan, once drawn.
    pub fn authorization_qr(&self) -> Option<&str> {
        self.platform.link_qr.as_ref().map(|q| q.url.as_str())
    }

    /// The notice at the bottom of the window, if any.
    pub fn notice(&self) -> Option<&UiError> {
        self.platform.notice.as_ref()
    }

    /// The data scope changes from the backend's to `new` (a platform's merchant, or the
    /// person's own): the open draft is saved and put aside, the new scope's taken back (or
    /// its drafts listed, the newest then opened). Called before the backend is replaced.
    pub(super) fn change_scope(&mut self, new: &str) {
        let old = self.backend.scope();
        if old == new {
            return;
        }
        if let Some(save) = self.design.save_command() {
            // On the backend still in place: the draft is the old scope's.
            self.run(save);
        }
        let aside = self.design.put_aside();
        if aside.draft_id().is_some() {
            self.platform.asides.insert(old, aside);
        }
        self.io.set_scope(new);
        // An open in flight was the old scope's: its answer is dropped.
        self.opening = false;
        if let Some(back) = self.platform.asides.remove(new) {
            self.persisted.draft_id = back.draft_id();
            self.persisted.draft_scope = new.to_owned();
            self.design.take_back(back);
        }
    }

    /// After the backend changed scope: the drafts of the new one (and one opened, when none
    /// was taken back).
    pub(super) fn load_scope(&mut self) {
        self.run(DesignCommand::ListDrafts);
    }

    /// A Design answer asked under the data scope `scope`, no longer shown: a created or
    /// updated card's outcome goes to that scope's document put aside (and a created card is
    /// linked to its draft); the rest (draft lists, pictures) is dropped, being that scope's.
    pub(super) fn on_other_scope(
        &mut self,
        ctx: &egui::Context,
        scope: &str,
        e: DesignEvent,
        cx: &PanelCx,
    ) {
        if !matches!(
            e,
            DesignEvent::CardCreated { .. } | DesignEvent::CardUpdated { .. }
        ) {
            tracing::debug!("dropped a draft's answer of another merchant");
            return;
        }
        let shown = self.design.put_aside();
        let aside = self.platform.asides.remove(scope).unwrap_or_default();
        self.design.take_back(aside);
        let cmds = self.design.on_event(ctx, e, cx);
        let back = self.design.put_aside();
        self.design.take_back(shown);
        if back.draft_id().is_some() {
            self.platform.asides.insert(scope.to_owned(), back);
        }
        // Only the link of a created card to its draft (by the draft's id, in the store): the
        // card's lookups would go to the merchant shown.
        for cmd in cmds {
            if matches!(cmd, DesignCommand::LinkDraft(..)) {
                self.run(cmd);
            }
        }
    }

    /// A backend for another account or merchant arrived: it takes over now, or once the
    /// money answer the Wallet waits for has settled.
    pub(super) fn take_switch(&mut self, switch: Box<Switch>) {
        if self.switch_must_wait() {
            if self.platform.leaving.is_none() {
                self.accounts.status = Some((false, UiError::of(T::SwitchWaitsForMoney)));
            }
            self.platform.pending = Some(switch);
            return;
        }
        self.apply_switch(*switch);
    }

    /// Whether a switch must wait for money: while a confirm or recharge is on its way, or an
    /// unclear one is reconciled. Leaving a withdrawn merchant waits only for the answer: its
    /// reconciliation needs the merchant's token, which is gone, so the journal keeps it open
    /// until the merchant is used again.
    fn switch_must_wait(&self) -> bool {
        if self.platform.leaving.is_some() {
            self.wallet.answer_awaited()
        } else {
            self.wallet.money_in_flight()
        }
    }

    fn apply_switch(&mut self, switch: Switch) {
        self.accounts.switching = false;
        let name = match &switch.id {
            Some(id) => {
                self.accounts.list.active = Some(id.clone());
                self.accounts
                    .list
                    .accounts
                    .iter()
                    .find(|a| &a.id == id)
                    .map_or_else(String::new, |a| a.name.clone())
            }
            None => {
                self.accounts.list.active = None;
                T::SandboxBadge.zh().to_owned()
            }
        };
        self.accounts.list.merchant.clone_from(&switch.merchant);
        self.accounts.in_use = switch.id;
        self.accounts.in_use_merchant = switch.merchant;
        let name =
            crate::ui::merchants::in_use_merchant(&self.accounts).map_or(name, |m| m.name.clone());
        self.accounts.needs_credentials = None;
        if self.platform.leaving.take().is_none() {
            self.accounts.status = Some((
                true,
                UiError::both(
                    format!("{} {name}", T::SwitchedTo.zh()),
                    format!("{} {name}", T::SwitchedTo.en()),
                ),
            ));
        }
        self.switch_backend(switch.backend);
    }

    /// The platform `account`'s merchant `appid` withdrew its authorization (or was never
    /// authorized): it leaves the list, and the app leaves it if it was in use.
    pub(super) fn merchant_withdrew(&mut self, account: &str, appid: &str) {
        let gone = self
            .accounts
            .merchants
            .get_mut(account)
            .and_then(|l| l.remove(appid));
        let in_use = self.accounts.in_use.as_deref() == Some(account)
            && self.backend.merchant() == Some(appid);
        if !in_use || self.platform.leaving.is_some() {
            return;
        }
        let name = gone.map_or_else(|| appid.to_owned(), |m| m.name);
        tracing::info!(merchant = %appid, "the merchant in use withdrew its authorization");
        self.platform.notice = Some(UiError::fill(T::MerchantWithdrew, &[("name", &name)]));
        self.platform.leaving = Some(appid.to_owned());
    }

    /// New events of the merchant in use: a withdrawal of its authorization is checked with a
    /// fresh token before the app acts on it. The merchant's stream keeps every withdrawal,
    /// so one read from the cache or from the stream's start may be older than the
    /// merchant's authorizing the platform again; the server's 404 alone says it is gone.
    pub(super) fn check_withdrawals(&mut self, new: &[CardEvent]) {
        let (Some(account), Some(appid)) = (
            self.accounts.in_use.clone(),
            self.backend.merchant().map(str::to_owned),
        ) else {
            return;
        };
        if new.iter().any(|e| e.unauthorizes(&appid)) {
            super::exec::platform::check_withdrawal(
                account,
                appid,
                self.backend.client.clone(),
                &self.io,
            );
        }
    }

    /// Each frame: a withdrawn merchant is noticed and left, a waiting switch applied, and
    /// the merchant lists shown with an authorization page read again when due.
    pub(super) fn platform_due(&mut self, cx: &PanelCx) {
        if let (Some(appid), Some(account)) = (
            self.backend.merchant().map(str::to_owned),
            self.accounts.in_use.clone(),
        ) && self.backend.client.merchant_gone()
        {
            self.merchant_withdrew(&account, &appid);
        }
        if self.platform.leaving.is_some()
            && !self.accounts.switching
            && !self.wallet.answer_awaited()
        {
            // The sandbox: nothing of the merchant is shown any more.
            self.platform.pending = None;
            self.accounts.switching = true;
            self.run(Command::Activate(None));
        }
        if self.platform.pending.is_some()
            && !self.switch_must_wait()
            && let Some(switch) = self.platform.pending.take()
        {
            self.accounts.status = None;
            self.apply_switch(*switch);
        }
        let every = self.platform.link_every;
        let due: Vec<String> = self
            .accounts
            .merchants
            .iter_mut()
            .filter_map(|(id, list)| list.due(cx.now_ms, every).then(|| id.clone()))
            .collect();
        for id in due {
            self.run(Command::ListMerchants(id));
        }
    }

    /// The soonest a merchant list needs a frame (an authorization page being shown).
    pub(super) fn platform_wakeup(&self, cx: &PanelCx) -> Option<Duration> {
        self.accounts
            .merchants
            .values()
            .filter_map(|l| l.next_wakeup(cx.now_ms))
            .min()
    }

    /// A platform account's merchants arrived.
    pub(super) fn on_merchants(
        &mut self,
        account: String,
        result: Result<Vec<crate::api::Merchant>, UiError>,
    ) {
        self.accounts
            .merchants
            .entry(account)
            .or_default()
            .on_listed(result);
    }

    /// A platform account's authorization page arrived.
    pub(super) fn on_authorization(
        &mut self,
        account: String,
        result: Result<crate::api::AuthorizationLink, UiError>,
    ) {
        let every = self.platform.link_every;
        self.accounts.merchants.entry(account).or_default().on_link(
            result,
            super::local_ms(),
            every,
        );
    }

    /// The notice at the bottom of the window, with a button to dismiss it.
    pub(super) fn notice_ui(&mut self, ui: &mut egui::Ui) {
        let Some(notice) = &self.platform.notice else {
            return;
        };
        let lang = self.persisted.lang;
        let mut dismiss = false;
        egui::Panel::bottom("notice").show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.colored_label(
                    crate::ui::warn_color(ui),
                    format!("⚠ {}", notice.text(lang)),
                );
                dismiss = crate::ui::action(ui, "notice", "dismiss", true, T::Dismiss.get(lang))
                    .clicked();
            });
        });
        if dismiss {
            self.platform.notice = None;
        }
    }
}
