//! The shell's side of a company-server account: it starts the feed with the backend, keeps
//! what the feed read (the events, where it stands, when the server last answered), and hands
//! each panel the part it shows — review results to Design, stock reminders to Design and the
//! Wallet, pushed coin orders to the Wallet, a recount of the channels to Stats.

use std::sync::Arc;

use super::events::{FeedEvent, UiError};
use super::{CouponStudioApp, Nav, feed};
use crate::api::CardEvent;
use crate::message::{DesignEvent, StatsEvent};
use crate::pushed::FeedStatus;
use crate::ui::panel::{Panel, PanelCx};
use crate::wallet::WalletEvent;

/// What the shell knows of the company server's feed.
#[derive(Debug, Default)]
pub struct ServerView {
    /// Where the feed stands.
    pub status: FeedStatus,
    /// When the server last answered (Unix seconds), this run or an earlier one.
    pub last_ok: Option<i64>,
    /// Why the last read failed, for the top bar's tooltip.
    pub error: Option<UiError>,
    /// Every event read (cached and new), oldest first. Shared with the per-channel counts
    /// that run off the UI thread.
    pub events: Arc<Vec<CardEvent>>,
    /// How many times the feed told the window something: an idle feed tells nothing.
    pub reports: u64,
}

impl CouponStudioApp {
    /// (Re)starts the feed for the backend's company server, if it has one; the previous
    /// feed stops and what it read is forgotten.
    pub(super) fn start_feed(&mut self) {
        self.feed = None;
        self.server = ServerView::default();
        if let Some(link) = self.backend.server.clone() {
            self.feed = Some(feed::start(
                &self.io,
                link,
                self.store.clone(),
                self.feed_every,
            ));
        }
    }

    /// Reads the company server this often while it answers (tests read it more often);
    /// restarts the running feed.
    pub fn set_server_poll(&mut self, every: std::time::Duration) {
        self.feed_every = every;
        self.start_feed();
    }

    /// Takes a feed event and hands what is new to the panels.
    pub(super) fn on_feed_event(&mut self, ctx: &egui::Context, e: FeedEvent, cx: &PanelCx) {
        self.server.reports += 1;
        let new = match e {
            FeedEvent::Cached { events, fetched_at } => {
                self.server.last_ok = fetched_at;
                events
            }
            FeedEvent::Fetched { events, at } => {
                // Without the server there was no token either: 我的卡券, where pushed
                // results show, is loaded again once it answers.
                if matches!(
                    self.server.status,
                    FeedStatus::Unreachable | FeedStatus::KeyRefused
                ) {
                    self.run(crate::ui::design::Command::ListCards);
                }
                self.server.status = FeedStatus::Live;
                self.server.last_ok = Some(at);
                self.server.error = None;
                events
            }
            FeedEvent::Unreachable(error) => {
                self.server.status = FeedStatus::Unreachable;
                self.server.error = Some(error);
                return;
            }
            FeedEvent::KeyRefused => {
                self.server.status = FeedStatus::KeyRefused;
                return;
            }
        };
        if new.is_empty() {
            return;
        }
        // A platform's merchant: its withdrawal arrives in its own stream.
        self.check_withdrawals(&new);
        Arc::make_mut(&mut self.server.events).extend(new.iter().cloned());
        let all = &self.server.events;
        let reminded = crate::pushed::reminded(all);
        let orders = crate::pushed::orders(all);
        let reviews = crate::pushed::reviews(&new);
        let cmds = self.design.on_event(
            ctx,
            DesignEvent::Pushed {
                reviews,
                reminded: reminded.clone(),
            },
            cx,
        );
        self.run_all(cmds);
        let cmds = self
            .wallet
            .on_event(ctx, WalletEvent::Pushed { orders, reminded }, cx);
        self.run_all(cmds);
        let cmds = self.stats.on_event(ctx, StatsEvent::Pushed, cx);
        self.run_all(cmds);
    }

    /// The server refused the key: Settings, with the account's form open and asking for a
    /// new key; saving it switches to the account again (a new feed with the new key).
    pub(super) fn ask_for_new_key(&mut self) {
        if let Some(id) = self.accounts.in_use.clone() {
            self.ask_for_credentials(&id);
        } else {
            self.persisted.nav = Nav::Settings;
        }
    }

    /// The feed's state in the top bar, for a company-server account.
    pub(super) fn server_status_ui(&mut self, ui: &mut egui::Ui) {
        if self.backend.server.is_none() {
            return;
        }
        let s = &self.server;
        let asked = crate::ui::server_status::status_ui(
            ui,
            self.persisted.lang,
            s.status,
            s.last_ok,
            s.error.as_ref(),
        );
        if asked {
            self.ask_for_new_key();
        }
    }
}
