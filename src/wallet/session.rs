//! The Wallet's money state machine, with no egui and no IO: the quote, the confirm sent at
//! most once per order, reconciliation of unclear confirms, recharge polling and the adoption
//! of journal entries left open by an earlier run.
//!
//! It is driven by three inputs: user intents (methods such as [`WalletSession::quote`]),
//! the IO answers ([`WalletSession::on_event`]) and the clock (every input takes the local time
//! in ms; the server's offset arrives as [`super::WalletEvent::ClockSkew`]). Each input returns
//! the [`Command`]s the app must run; [`WalletSession::next_wakeup`] says when to call
//! [`WalletSession::due`] again.
//!
//! Money rules kept here (the IO side adds the journal's once-per-order guarantee):
//! - confirm is offered only while the quote has ≥ 5 s left, and only once per order id: the
//!   session remembers every order it sent, and refuses while one is in flight;
//! - an unclear confirm (lost connection) blocks buying until the order list and the card's
//!   stock say what happened; "not in the list" is only final once the quote is over;
//! - recharges are polled until WeChat credits the coins, fails, or 15 minutes pass.

mod answers;
#[cfg(test)]
mod tests;

use std::collections::{BTreeSet, HashSet};
use std::time::Duration;

use crate::api::CardDetails;
use crate::api::pay::CoinsInfo;
use crate::card::beijing;
use crate::card::pricing::Coins;
use crate::errcode;
use crate::i18n::Lang;
use crate::store::Entry;

use super::{
    Command, LiveQuote, OrdersView, RECHARGE_TIMEOUT_SECS, RechargeState, UiError, orders_csv,
    recharge_state, shortfall,
};

/// The simulator's clock is read this often while a quote or a reconciliation is live.
const CLOCK_SYNC_MS: i64 = 1_000;
/// While a quote counts down, the screen is redrawn this often.
const COUNTDOWN_TICK_MS: i64 = 250;
/// The errcode of "not enough coins" (the simulator's 41314).
pub const NOT_ENOUGH_COINS: i64 = errcode::COIN_NOT_ENOUGH;

/// How the last confirm stands.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ConfirmState {
    /// Nothing sent for the current quote.
    #[default]
    Idle,
    /// In flight.
    Sending(String),
    /// Stock added.
    Done(String),
    /// Unclear: being reconciled (see [`WalletSession::checks`]).
    Reconciling(String),
    /// Reconciled: nothing moved.
    NotApplied(String),
}

/// An unclear confirm being reconciled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    /// The journal row, when there is one.
    pub journal_id: Option<i64>,
    /// The order.
    pub order_id: String,
    /// The card.
    pub card_id: Option<String>,
    /// Server time (ms) by which the quote was over.
    pub expires_at_ms: i64,
    /// Server time (ms) of the next lookup.
    pub next_at_ms: i64,
    /// A lookup is in flight.
    pub in_flight: bool,
    /// Lookups made.
    pub tries: u32,
    /// The last lookup error.
    pub error: Option<UiError>,
    /// WeChat refused the confirm with an errcode. Whatever the code, the order list decides
    /// what happened (one lookup, no waiting for the quote to end).
    pub refused: bool,
}

/// A recharge order whose QR is shown and polled (the QR image itself belongs to the panel).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recharge {
    /// Journal row.
    pub journal_id: Option<i64>,
    /// WeChat's order id.
    pub order_id: String,
    /// Coins.
    pub coins: u32,
    /// The WeChat Pay URL.
    pub url: String,
    /// The last ORDER_STATUS_*.
    pub status: Option<String>,
    /// Local time (ms) the order was made (or polling resumed).
    pub started_ms: i64,
    /// Local time (ms) of the next poll.
    pub next_poll_ms: i64,
    /// A poll is in flight.
    pub polling: bool,
    /// Polling stopped (timeout or user).
    pub stopped: bool,
    /// The last poll error.
    pub error: Option<UiError>,
}

impl Recharge {
    /// Where the order stands by its last status (waiting until one is known).
    pub fn state(&self) -> RechargeState {
        self.status
            .as_deref()
            .map_or(RechargeState::Waiting, recharge_state)
    }

    /// Whether the order can still be paid or credited (so it is worth polling).
    pub fn open(&self) -> bool {
        matches!(self.state(), RechargeState::Waiting | RechargeState::Paid)
    }
}

/// The Wallet's state: what the account holds, the quote and its confirm, the checks of
/// unclear confirms, the recharge being polled, the order table and the journal.
#[derive(Debug)]
pub struct WalletSession {
    /// The balance.
    pub balance: Option<CoinsInfo>,
    /// Why the balance could not be read.
    pub balance_error: Option<UiError>,
    /// The activation answer.
    pub activated: Option<Result<i64, UiError>>,
    activating: bool,
    /// Cards to buy stock for.
    pub cards: Vec<CardDetails>,
    cards_error: Option<UiError>,
    /// The chosen card.
    pub card_id: Option<String>,
    /// The current quote.
    pub quote: Option<LiveQuote>,
    quoting: bool,
    /// The last quote or confirm error, with its errcode.
    pub error: Option<(UiError, Option<i64>)>,
    /// The confirm of the current quote.
    pub confirm: ConfirmState,
    /// Stock of the chosen card before the confirm.
    pub stock_before: Option<i64>,
    /// And after.
    pub stock_after: Option<i64>,
    /// Every order id a confirm was emitted for in this run.
    sent: HashSet<String>,
    /// Journal rows this run has closed (or asked to close): a journal listing read before
    /// the close landed must not reopen them.
    closed: HashSet<i64>,
    /// The live confirm was settled by reconciliation (shown under the result).
    pub reconciled: bool,
    /// Unclear confirms being reconciled (buying waits for them).
    pub checks: Vec<Check>,
    recharge_sending: bool,
    recharge_error: Option<UiError>,
    /// The recharge being shown.
    pub recharge: Option<Recharge>,
    /// The order table.
    pub orders: OrdersView,
    /// Open journal entries.
    pub journal_open: Vec<Entry>,
    /// Recent journal entries.
    pub journal_recent: Vec<Entry>,
    journal_error: Option<UiError>,
    /// Server time minus local time (ms); 0 with a real account.
    pub skew_ms: i64,
    next_sync_ms: i64,
    /// A note (export done, simulator payment sent).
    pub note: Option<String>,
    /// The balance was asked for since the panel was last opened.
    loaded: bool,
    /// Cards WeChat pushed a stock reminder for (through the company server).
    pub reminded: BTreeSet<String>,
}

impl Default for WalletSession {
    fn default() -> Self {
        Self {
            balance: None,
            balance_error: None,
            activated: None,
            activating: false,
            cards: Vec::new(),
            cards_error: None,
            card_id: None,
            quote: None,
            quoting: false,
            error: None,
            confirm: ConfirmState::Idle,
            stock_before: None,
            stock_after: None,
            sent: HashSet::new(),
            closed: HashSet::new(),
            reconciled: false,
            checks: Vec::new(),
            recharge_sending: false,
            recharge_error: None,
            recharge: None,
            orders: OrdersView::default(),
            journal_open: Vec::new(),
            journal_recent: Vec::new(),
            journal_error: None,
            skew_ms: 0,
            next_sync_ms: 0,
            note: None,
            loaded: false,
            reminded: BTreeSet::new(),
        }
    }
}

/// Reading the state.
impl WalletSession {
    /// Server time now (ms), from the local time `local_ms`.
    pub fn server_ms(&self, local_ms: i64) -> i64 {
        local_ms + self.skew_ms
    }

    /// Whether [`Self::on_open`] ran (the panel opens the session on its first frame).
    pub fn opened(&self) -> bool {
        self.loaded
    }

    /// Whether an activate is in flight.
    pub fn activating(&self) -> bool {
        self.activating
    }

    /// Whether a getpayprice is in flight.
    pub fn quoting(&self) -> bool {
        self.quoting
    }

    /// Why the card list could not be read.
    pub fn cards_error(&self) -> Option<&UiError> {
        self.cards_error.as_ref()
    }

    /// Whether a recharge order is being made.
    pub fn recharge_sending(&self) -> bool {
        self.recharge_sending
    }

    /// Why the last recharge (or simulated payment) failed.
    pub fn recharge_error(&self) -> Option<&UiError> {
        self.recharge_error.as_ref()
    }

    /// Why the journal could not be read.
    pub fn journal_error(&self) -> Option<&UiError> {
        self.journal_error.as_ref()
    }

    /// Whether the quote shown was used: its confirm went through, so it no longer counts
    /// down (and needs no frames).
    pub fn quote_used(&self) -> bool {
        matches!(
            (&self.confirm, &self.quote),
            (ConfirmState::Done(id), Some(q)) if *id == q.order_id
        )
    }

    /// Whether a confirm or recharge is on its way, or an unclear one is being reconciled:
    /// the account must not change under it.
    pub fn money_in_flight(&self) -> bool {
        self.answer_awaited() || self.blocked()
    }

    /// Whether a confirm or recharge was sent and its answer has not landed yet. A merchant
    /// that withdrew its authorization is left once this is false: an unclear outcome is then
    /// in the journal, reconciled when the merchant is next used (it cannot be looked up
    /// without the merchant's token).
    pub fn answer_awaited(&self) -> bool {
        matches!(self.confirm, ConfirmState::Sending(_)) || self.recharge_sending
    }

    /// Whether buying must wait for a reconciliation.
    pub fn blocked(&self) -> bool {
        !self.checks.is_empty()
    }

    /// Whether the card and quantity are locked: a quote or confirm is in flight, or buying
    /// waits for a reconciliation.
    pub fn busy(&self) -> bool {
        self.quoting || matches!(self.confirm, ConfirmState::Sending(_)) || self.blocked()
    }

    /// The chosen card's stock, when known.
    pub fn chosen_stock(&self) -> Option<i64> {
        let id = self.card_id.as_deref()?;
        self.chosen_card(id).and_then(|c| c.quantity)
    }

    /// The chosen card.
    pub fn chosen(&self) -> Option<&CardDetails> {
        self.chosen_card(self.card_id.as_deref()?)
    }

    fn chosen_card(&self, id: &str) -> Option<&CardDetails> {
        self.cards.iter().find(|c| c.card_id == id)
    }

    /// Coins missing to pay the current quote from the known balance, if any.
    pub fn missing_coins(&self) -> Option<Coins> {
        let q = self.quote.as_ref()?;
        let balance = self.balance.as_ref()?.total_coin;
        shortfall(q.price.price, balance)
    }

    /// Whether a confirm of the current quote may be sent at `local_ms`: the quote has its
    /// margin left, was never sent, the coins suffice, nothing else is in flight or unclear.
    pub fn can_confirm(&self, local_ms: i64) -> bool {
        let now = self.server_ms(local_ms);
        self.quote.as_ref().is_some_and(|q| {
            !q.expired(now)
                && q.confirmable(now)
                && !self.sent.contains(&q.order_id)
                && self.missing_coins().is_none()
                && self.confirm == ConfirmState::Idle
                && !self.blocked()
        })
    }

    /// Whether the shown recharge is still waiting for payment and being polled (a new one
    /// would replace it).
    pub fn recharge_waiting(&self) -> bool {
        self.recharge
            .as_ref()
            .is_some_and(|v| !v.stopped && matches!(v.state(), RechargeState::Waiting))
    }

    /// How long until the session needs [`Self::due`] (countdown ticks, polls, lookups);
    /// `None` at rest.
    pub fn next_wakeup(&self, local_ms: i64) -> Option<Duration> {
        let now = self.server_ms(local_ms);
        let mut wait: Option<i64> = None;
        let mut at = |ms: i64| wait = Some(wait.map_or(ms, |w| w.min(ms)).max(0));
        if self.quote.as_ref().is_some_and(|q| !q.expired(now)) && !self.quote_used() {
            at(COUNTDOWN_TICK_MS);
        }
        for c in self.checks.iter().filter(|c| !c.in_flight) {
            at((c.next_at_ms - now).min(CLOCK_SYNC_MS));
        }
        // Only an order still waiting for payment is polled; a finished one needs no frame.
        if let Some(r) = &self.recharge
            && !r.stopped
            && !r.polling
            && r.open()
        {
            at(r.next_poll_ms - local_ms);
        }
        wait.map(|ms| Duration::from_millis(u64::try_from(ms).unwrap_or(0)))
    }
}

/// User intents and timers. Each returns what the app must run; an intent the state does not
/// allow (the button would be disabled) returns nothing.
impl WalletSession {
    /// The panel is shown: the balance, cards, orders and journal.
    pub fn on_open(&mut self, local_ms: i64) -> Vec<Command> {
        if let Some(today) = beijing::date_of(self.server_ms(local_ms) / 1000) {
            self.orders.init_range(today);
        }
        self.loaded = true;
        self.orders.loading = true;
        // The clock too: whether a card has ended is judged on the simulator's (a no-op on
        // a real account).
        vec![
            Command::SyncClock,
            Command::Refresh,
            Command::ListCards,
            Command::Orders(self.orders.query()),
            Command::LoadJournal,
        ]
    }

    /// Read the balance again.
    pub fn refresh(&mut self) -> Vec<Command> {
        vec![Command::Refresh]
    }

    /// Read the card list again (and the simulator's clock, as [`Self::on_open`] does).
    pub fn list_cards(&mut self) -> Vec<Command> {
        vec![Command::SyncClock, Command::ListCards]
    }

    /// Activate the coin account (once at a time).
    pub fn activate(&mut self) -> Vec<Command> {
        if self.activating {
            return Vec::new();
        }
        self.activating = true;
        vec![Command::Activate]
    }

    /// The user picked another card: the quote and its result no longer apply.
    pub fn choose_card(&mut self, card_id: Option<String>) {
        self.card_id = card_id;
        self.quote = None;
        self.confirm = ConfirmState::Idle;
        self.stock_after = None;
        self.error = None;
    }

    /// Ask for a quote of `quantity` units of the chosen card (with the balance beside it).
    pub fn quote(&mut self, quantity: u32, local_ms: i64) -> Vec<Command> {
        if self.busy() {
            return Vec::new();
        }
        let Some(card_id) = self.card_id.clone() else {
            return Vec::new();
        };
        self.quoting = true;
        self.stock_before = self.chosen_stock();
        self.stock_after = None;
        vec![
            Command::Refresh,
            Command::Quote {
                card_id,
                quantity,
                sent_at_ms: self.server_ms(local_ms),
            },
        ]
    }

    /// Confirm the current quote. The order joins the sent set in the same call, so a second
    /// confirm (a double click) finds it there and sends nothing.
    pub fn confirm(&mut self, local_ms: i64) -> Vec<Command> {
        if !self.can_confirm(local_ms) {
            return Vec::new();
        }
        let Some(q) = self.quote.clone() else {
            return Vec::new();
        };
        self.sent.insert(q.order_id.clone());
        self.confirm = ConfirmState::Sending(q.order_id.clone());
        vec![Command::Confirm(q)]
    }

    /// Make a recharge order of `coins` whole coins (not while one is made or waits).
    pub fn recharge(&mut self, coins: u32) -> Vec<Command> {
        if self.recharge_sending || self.recharge_waiting() {
            return Vec::new();
        }
        self.recharge_sending = true;
        vec![Command::Recharge(coins)]
    }

    /// Stop polling the shown recharge.
    pub fn stop_polling(&mut self) {
        if let Some(v) = &mut self.recharge {
            v.stopped = true;
        }
    }

    /// Poll the shown recharge again, now, with a fresh timeout.
    pub fn resume_polling(&mut self, local_ms: i64) {
        if let Some(v) = &mut self.recharge {
            v.stopped = false;
            v.started_ms = local_ms;
            v.next_poll_ms = local_ms;
        }
    }

    /// Pay (or fail) the shown recharge through the simulator.
    pub fn simulate_pay(&mut self, fail: bool) -> Vec<Command> {
        self.recharge
            .as_ref()
            .map(|v| Command::SandboxPay {
                order_id: v.order_id.clone(),
                fail,
            })
            .into_iter()
            .collect()
    }

    /// Load the order table's page with its filters.
    pub fn reload_orders(&mut self) -> Vec<Command> {
        self.orders.loading = true;
        vec![Command::Orders(self.orders.query())]
    }

    /// Export the shown orders as CSV with labels in `lang`.
    pub fn export_orders(&mut self, lang: Lang) -> Vec<Command> {
        let rows: Vec<_> = self
            .orders
            .rows()
            .into_iter()
            .map(|r| r.order.clone())
            .collect();
        match orders_csv(&rows, lang) {
            Ok(bytes) => vec![Command::ExportCsv(bytes)],
            Err(e) => {
                self.orders.error = Some(UiError::plain(e.to_string()));
                Vec::new()
            }
        }
    }

    /// Timers: clock sync (sandbox only), reconciliation lookups, recharge polling.
    pub fn due(&mut self, local_ms: i64, sandbox: bool) -> Vec<Command> {
        let mut out = Vec::new();
        let now = self.server_ms(local_ms);
        let live_quote = self.quote.as_ref().is_some_and(|q| !q.expired(now)) && !self.quote_used();
        if sandbox && (live_quote || !self.checks.is_empty()) && local_ms >= self.next_sync_ms {
            self.next_sync_ms = local_ms + CLOCK_SYNC_MS;
            out.push(Command::SyncClock);
        }
        for c in &mut self.checks {
            if !c.in_flight && now >= c.next_at_ms {
                c.in_flight = true;
                c.tries += 1;
                out.push(Command::Reconcile {
                    order_id: c.order_id.clone(),
                    card_id: c.card_id.clone(),
                    server_now: now / 1000,
                });
            }
        }
        if let Some(r) = &mut self.recharge
            && !r.polling
            && !r.stopped
            && r.open()
            && local_ms >= r.next_poll_ms
        {
            if (local_ms - r.started_ms) as f64 > RECHARGE_TIMEOUT_SECS * 1000.0 {
                r.stopped = true;
            } else {
                r.polling = true;
                out.push(Command::PollRecharge {
                    order_id: r.order_id.clone(),
                    journal_id: r.journal_id,
                });
            }
        }
        out
    }

    /// After money moved: the balance, the orders, the journal.
    fn after_change(&mut self, out: &mut Vec<Command>) {
        out.push(Command::Refresh);
        self.orders.loading = true;
        out.push(Command::Orders(self.orders.query()));
        out.push(Command::LoadJournal);
    }
}
