//! 券点 Wallet: the coin balance, buying stock with a 60-second quote, recharging by QR,
//! the order table and the money journal.
//!
//! Money rules kept here (the IO side adds the journal's once-per-order guarantee):
//! - confirm is offered only while the quote has ≥ 5 s left, and only once per order id: the
//!   panel remembers every order it sent, and the button is disabled while one is in flight;
//! - an unclear confirm (lost connection) blocks buying until the order list and the card's
//!   stock say what happened; "not in the list" is only final once the quote is over;
//! - recharges are polled until WeChat credits the coins, fails, or 15 minutes pass.

mod orders;

use std::collections::HashSet;

use egui::{RichText, Ui};

pub use orders::{OrdersAction, OrdersView};

use crate::api::pay::{CoinsInfo, OrderListQuery};
use crate::app::events::{CardSummary, ConfirmOutcome, UiError, WalletEvent};
use crate::card::beijing;
use crate::card::pricing::Coins;
use crate::i18n::{Lang, T};
use crate::store::{Entry, EntryKind, EntryState};
use crate::ui::card_picker::card_picker;
use crate::wallet::{
    self, ConfirmVerdict, LiveQuote, MAX_QUANTITY, MAX_RECHARGE, RechargeState, judge_confirm,
    recharge_for, recharge_state, shortfall,
};

pub use crate::ui::ERROR_COLOR;
use crate::ui::OK_COLOR;
use crate::ui::WARN_COLOR;
/// The simulator's clock is read this often while a quote or a reconciliation is live.
const CLOCK_SYNC_MS: i64 = 1_000;
/// A failed reconciliation lookup is tried again after this long.
const RECONCILE_RETRY_MS: i64 = 3_000;
/// The errcodes that say a quote is over or unknown (the simulator's 41310/41311).
const QUOTE_GONE: [i64; 2] = [41_310, 41_311];
/// The errcode of "not enough coins" (the simulator's 41314).
const NOT_ENOUGH_COINS: i64 = 41_314;

/// What the panel asks the app to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// getcoinsinfo.
    Refresh,
    /// activate.
    Activate,
    /// The cards to buy stock for (batchget + get).
    ListCards,
    /// One card's stock.
    Stock(String),
    /// getpayprice, journalled.
    Quote {
        /// The card.
        card_id: String,
        /// Units.
        quantity: u32,
        /// Server time (ms) when sent.
        sent_at_ms: i64,
    },
    /// confirm, journalled and sent at most once per order.
    Confirm(LiveQuote),
    /// Look up an unclear confirm in the order list (and the card's stock).
    Reconcile {
        /// The order.
        order_id: String,
        /// The card, for its stock.
        card_id: Option<String>,
        /// Server time (s), for the list's time range.
        server_now: i64,
    },
    /// Close a journal entry with what reconciliation found.
    Resolve {
        /// The row.
        journal_id: i64,
        /// Done or failed.
        state: EntryState,
        /// What was found.
        detail: String,
    },
    /// recharge, journalled.
    Recharge(u32),
    /// getorder for a recharge.
    PollRecharge {
        /// The order.
        order_id: String,
        /// Its journal row, closed when the order is final.
        journal_id: Option<i64>,
    },
    /// Pay (or fail) a recharge through the simulator (sandbox only).
    SandboxPay {
        /// The order.
        order_id: String,
        /// Fail it instead.
        fail: bool,
    },
    /// getorderlist.
    Orders(OrderListQuery),
    /// Save CSV bytes to a file the user picks.
    ExportCsv(Vec<u8>),
    /// Read the simulator's clock (sandbox only).
    SyncClock,
    /// Load the journal (and reconcile what is open).
    LoadJournal,
}

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
    /// Unclear: being reconciled (see [`WalletPanel::checks`]).
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
}

/// A recharge QR being shown and polled.
pub struct RechargeView {
    /// Journal row.
    pub journal_id: Option<i64>,
    /// WeChat's order id.
    pub order_id: String,
    /// Coins.
    pub coins: u32,
    /// The WeChat Pay URL.
    pub url: String,
    /// The QR texture.
    pub texture: Option<egui::TextureHandle>,
    /// The last ORDER_STATUS_*.
    pub status: Option<String>,
    /// Local time (ms) the order was made.
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

impl RechargeView {
    fn state(&self) -> RechargeState {
        self.status
            .as_deref()
            .map_or(RechargeState::Waiting, recharge_state)
    }
}

/// State of the Wallet panel.
pub struct WalletPanel {
    /// The balance.
    pub balance: Option<CoinsInfo>,
    /// Why the balance could not be read.
    pub balance_error: Option<UiError>,
    /// The activation answer.
    pub activated: Option<Result<i64, UiError>>,
    activating: bool,
    /// Cards to buy stock for.
    pub cards: Vec<CardSummary>,
    cards_error: Option<UiError>,
    /// The chosen card.
    pub card_id: Option<String>,
    /// Typed quantity.
    pub quantity_text: String,
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
    /// Typed recharge amount.
    pub recharge_text: String,
    recharge_sending: bool,
    recharge_error: Option<UiError>,
    /// The recharge being shown.
    pub recharge: Option<RechargeView>,
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
}

impl Default for WalletPanel {
    fn default() -> Self {
        Self {
            balance: None,
            balance_error: None,
            activated: None,
            activating: false,
            cards: Vec::new(),
            cards_error: None,
            card_id: None,
            quantity_text: "100".into(),
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
            recharge_text: "100".into(),
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
        }
    }
}

/// Parses a whole number in `1..=max`; the error names the field, the rule and the limit.
fn parse_count(text: &str, field: T, max: u32, lang: Lang) -> Result<u32, String> {
    match text.trim().parse::<u32>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(format!(
            "{}:{} 1–{max}({} “{}”)",
            field.get(lang),
            T::WholeNumberBetween.get(lang),
            T::Typed.get(lang),
            text.trim()
        )),
    }
}

/// A button with an id of its own (see [`crate::ui::action`]).
fn action(
    ui: &mut Ui,
    key: &str,
    enabled: bool,
    text: impl Into<egui::WidgetText>,
) -> egui::Response {
    crate::ui::action(ui, "wallet", key, enabled, text)
}

/// A long order id shortened for display (the full id is in the tooltip and the CSV).
pub fn short_id(id: &str) -> String {
    let n = id.chars().count();
    if n <= 24 {
        return id.to_owned();
    }
    let head: String = id.chars().take(12).collect();
    let tail: String = id.chars().skip(n - 8).collect();
    format!("{head}…{tail}")
}

impl WalletPanel {
    /// Server time now (ms), from the local time `local_ms`.
    pub fn server_ms(&self, local_ms: i64) -> i64 {
        local_ms + self.skew_ms
    }

    /// Commands to run when the panel is shown: the balance, cards, orders and journal.
    pub fn on_open(&mut self, local_ms: i64) -> Vec<Command> {
        if let Some(today) = beijing::date_of(self.server_ms(local_ms) / 1000) {
            self.orders.init_range(today);
        }
        self.loaded = true;
        self.orders.loading = true;
        vec![
            Command::Refresh,
            Command::ListCards,
            Command::Orders(self.orders.query()),
            Command::LoadJournal,
        ]
    }

    /// Whether a confirm or recharge is on its way, or an unclear one is being reconciled:
    /// the account must not change under it.
    pub fn money_in_flight(&self) -> bool {
        matches!(self.confirm, ConfirmState::Sending(_)) || self.recharge_sending || self.blocked()
    }

    /// Whether buying must wait for a reconciliation.
    pub fn blocked(&self) -> bool {
        !self.checks.is_empty()
    }

    fn chosen_stock(&self) -> Option<i64> {
        let id = self.card_id.as_deref()?;
        self.cards
            .iter()
            .find(|c| c.card_id == id)
            .and_then(|c| c.quantity)
    }

    fn set_stock(&mut self, card_id: &str, quantity: Option<i64>) {
        if let Some(c) = self.cards.iter_mut().find(|c| c.card_id == card_id) {
            c.quantity = quantity;
        }
    }

    /// After money moved: the balance, the orders, the journal.
    fn after_change(&mut self, out: &mut Vec<Command>) {
        out.push(Command::Refresh);
        self.orders.loading = true;
        out.push(Command::Orders(self.orders.query()));
        out.push(Command::LoadJournal);
    }

    /// Timers: clock sync, recharge polling, reconciliation lookups.
    pub fn due(&mut self, local_ms: i64, sandbox: bool) -> Vec<Command> {
        let mut out = Vec::new();
        let now = self.server_ms(local_ms);
        let live_quote = self.quote.as_ref().is_some_and(|q| !q.expired(now));
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
            && matches!(r.state(), RechargeState::Waiting | RechargeState::Paid)
            && local_ms >= r.next_poll_ms
        {
            if (local_ms - r.started_ms) as f64 > wallet::RECHARGE_TIMEOUT_SECS * 1000.0 {
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

    /// How long until the panel needs a frame (countdown ticks, polls, lookups).
    pub fn next_wakeup(&self, local_ms: i64) -> Option<std::time::Duration> {
        let now = self.server_ms(local_ms);
        let mut wait: Option<i64> = None;
        let mut at = |ms: i64| wait = Some(wait.map_or(ms, |w| w.min(ms)).max(0));
        if self.quote.as_ref().is_some_and(|q| !q.expired(now)) {
            at(250);
        }
        for c in self.checks.iter().filter(|c| !c.in_flight) {
            at((c.next_at_ms - now).min(CLOCK_SYNC_MS));
        }
        if let Some(r) = &self.recharge
            && !r.stopped
            && !r.polling
        {
            at(r.next_poll_ms - local_ms);
        }
        wait.map(|ms| std::time::Duration::from_millis(u64::try_from(ms).unwrap_or(0)))
    }

    /// Handles an IO answer.
    pub fn on_event(
        &mut self,
        ctx: &egui::Context,
        event: WalletEvent,
        local_ms: i64,
    ) -> Vec<Command> {
        let mut out = Vec::new();
        let now = self.server_ms(local_ms);
        match event {
            WalletEvent::Balance(r) => match r {
                Ok(b) => {
                    self.balance = Some(b);
                    self.balance_error = None;
                }
                Err(e) => self.balance_error = Some(e),
            },
            WalletEvent::Activated(r) => {
                self.activating = false;
                if r.is_ok() {
                    self.after_change(&mut out);
                }
                self.activated = Some(r);
            }
            WalletEvent::Cards(r) => match r {
                Ok(cards) => {
                    self.cards = cards;
                    self.cards_error = None;
                    let known = self
                        .card_id
                        .as_ref()
                        .is_some_and(|id| self.cards.iter().any(|c| &c.card_id == id));
                    if !known {
                        self.card_id = self.cards.first().map(|c| c.card_id.clone());
                    }
                }
                Err(e) => self.cards_error = Some(e),
            },
            WalletEvent::Stock { card_id, result } => {
                if let Ok(q) = result {
                    self.set_stock(&card_id, q);
                    if self.confirm == ConfirmState::Done(self.quote_order()) {
                        self.stock_after = q;
                    }
                }
            }
            WalletEvent::Quoted {
                card_id,
                quantity,
                sent_at_ms,
                result,
            } => {
                self.quoting = false;
                match result {
                    Ok(price) => {
                        self.quote = Some(LiveQuote::new(&card_id, quantity, price, sent_at_ms));
                        self.confirm = ConfirmState::Idle;
                        self.reconciled = false;
                        self.error = None;
                        self.stock_after = None;
                    }
                    Err(e) => self.error = Some((e, None)),
                }
            }
            WalletEvent::Confirmed {
                order_id,
                journal_id,
                outcome,
            } => self.on_confirmed(order_id, journal_id, outcome, now, &mut out),
            WalletEvent::Reconciled { order_id, result } => {
                self.on_reconciled(&order_id, result, now, &mut out);
            }
            WalletEvent::RechargeStarted(r) => {
                self.recharge_sending = false;
                match r {
                    Ok(started) => {
                        self.recharge_error = None;
                        let texture = crate::ui::qr::qr_texture(
                            ctx,
                            &format!("recharge-{}", started.order_id),
                            &started.qrcode_url,
                        );
                        self.recharge = Some(RechargeView {
                            journal_id: Some(started.journal_id),
                            order_id: started.order_id,
                            coins: started.coins,
                            url: started.qrcode_url,
                            texture,
                            status: Some("ORDER_STATUS_WAITING".into()),
                            started_ms: local_ms,
                            next_poll_ms: local_ms + (wallet::RECHARGE_POLL_SECS * 1000.0) as i64,
                            polling: false,
                            stopped: false,
                            error: None,
                        });
                        out.push(Command::LoadJournal);
                    }
                    Err(e) => {
                        self.recharge_error = Some(e);
                        out.push(Command::LoadJournal);
                    }
                }
            }
            WalletEvent::RechargeStatus { order_id, result } => {
                self.on_recharge_status(&order_id, result, local_ms, &mut out);
            }
            WalletEvent::SandboxPaid(r) => match r {
                Ok(()) => {
                    // Poll at once rather than at the next tick.
                    if let Some(v) = &mut self.recharge {
                        v.next_poll_ms = local_ms;
                        v.stopped = false;
                    }
                }
                Err(e) => self.recharge_error = Some(e),
            },
            WalletEvent::Orders(r) => {
                self.orders.loading = false;
                match r {
                    Ok(list) => {
                        self.orders.list = Some(list);
                        self.orders.error = None;
                    }
                    Err(e) => self.orders.error = Some(e),
                }
            }
            WalletEvent::ClockSkew(skew) => self.skew_ms = skew,
            WalletEvent::Journal(r) => match r {
                Ok((open, recent)) => {
                    self.journal_error = None;
                    self.adopt_open_entries(&open, now, &mut out);
                    self.journal_open = open;
                    self.journal_recent = recent;
                }
                Err(e) => self.journal_error = Some(e),
            },
            WalletEvent::Exported(r) => match r {
                Ok(path) => self.note = Some(path.display().to_string()),
                Err(e) => self.orders.error = Some(e),
            },
        }
        out
    }

    fn quote_order(&self) -> String {
        self.quote
            .as_ref()
            .map(|q| q.order_id.clone())
            .unwrap_or_default()
    }

    fn on_confirmed(
        &mut self,
        order_id: String,
        journal_id: Option<i64>,
        outcome: ConfirmOutcome,
        now: i64,
        out: &mut Vec<Command>,
    ) {
        let card_id = self
            .quote
            .as_ref()
            .filter(|q| q.order_id == order_id)
            .map(|q| q.card_id.clone());
        // The IO side recorded the outcome; an uncertain one is tracked by its check.
        if let Some(id) = journal_id
            && !matches!(outcome, ConfirmOutcome::Uncertain(_))
        {
            self.closed.insert(id);
        }
        match outcome {
            ConfirmOutcome::Done => {
                self.confirm = ConfirmState::Done(order_id);
                self.error = None;
                if let Some(id) = card_id {
                    out.push(Command::Stock(id));
                }
                self.after_change(out);
            }
            ConfirmOutcome::Refused(e, code) => {
                self.confirm = ConfirmState::Idle;
                if code.is_some_and(|c| QUOTE_GONE.contains(&c))
                    && let Some(q) = &mut self.quote
                {
                    // WeChat says the quote is over: show it as expired (one click re-quotes).
                    q.expires_at_ms = q.expires_at_ms.min(now);
                }
                self.error = Some((e, code));
                out.push(Command::Refresh);
                out.push(Command::LoadJournal);
            }
            ConfirmOutcome::Uncertain(e) => {
                self.confirm = ConfirmState::Reconciling(order_id.clone());
                self.error = Some((e, None));
                let expires_at_ms = self
                    .quote
                    .as_ref()
                    .filter(|q| q.order_id == order_id)
                    .map_or(now + 60_000, |q| q.expires_at_ms);
                self.checks.push(Check {
                    journal_id,
                    order_id,
                    card_id,
                    expires_at_ms,
                    next_at_ms: now,
                    in_flight: false,
                    tries: 0,
                    error: None,
                });
            }
            ConfirmOutcome::NotSent(e) => {
                self.confirm = ConfirmState::Idle;
                self.error = Some((e, None));
                out.push(Command::LoadJournal);
            }
        }
    }

    fn on_reconciled(
        &mut self,
        order_id: &str,
        result: Result<(Option<crate::api::pay::OrderInfo>, Option<i64>), UiError>,
        now: i64,
        out: &mut Vec<Command>,
    ) {
        let Some(pos) = self.checks.iter().position(|c| c.order_id == order_id) else {
            return;
        };
        let live = self.quote_order() == order_id;
        let (order, stock) = match result {
            Ok(found) => found,
            Err(e) => {
                let c = &mut self.checks[pos];
                c.in_flight = false;
                c.error = Some(e);
                c.next_at_ms = now + RECONCILE_RETRY_MS;
                return;
            }
        };
        let check = self.checks[pos].clone();
        if let (Some(card), Some(q)) = (&check.card_id, stock) {
            self.set_stock(card, Some(q));
        }
        let (state, detail_key) = match judge_confirm(order.as_ref(), check.expires_at_ms, now) {
            ConfirmVerdict::LookAgainAt(t) => {
                let c = &mut self.checks[pos];
                c.in_flight = false;
                c.error = None;
                c.next_at_ms = t;
                return;
            }
            ConfirmVerdict::Applied => (EntryState::Done, T::ReconciledApplied),
            ConfirmVerdict::NotApplied => (EntryState::Failed, T::ReconciledNotApplied),
        };
        self.checks.remove(pos);
        if let Some(id) = check.journal_id {
            self.closed.insert(id);
            out.push(Command::Resolve {
                journal_id: id,
                state,
                detail: format!("{} / {}", detail_key.zh(), detail_key.en()),
            });
        }
        if live {
            self.error = None;
            self.reconciled = true;
            if state == EntryState::Done {
                self.confirm = ConfirmState::Done(order_id.to_owned());
                self.stock_after = stock;
            } else {
                self.confirm = ConfirmState::NotApplied(order_id.to_owned());
            }
        }
        self.after_change(out);
    }

    fn on_recharge_status(
        &mut self,
        order_id: &str,
        result: Result<crate::api::pay::OrderInfo, UiError>,
        local_ms: i64,
        out: &mut Vec<Command>,
    ) {
        let final_state = result
            .as_ref()
            .ok()
            .map(|o| recharge_state(&o.status))
            .filter(|s| matches!(s, RechargeState::Credited | RechargeState::Failed));
        if let Some(v) = self.recharge.as_mut().filter(|v| v.order_id == order_id) {
            v.polling = false;
            v.next_poll_ms = local_ms + (wallet::RECHARGE_POLL_SECS * 1000.0) as i64;
            match result {
                Ok(o) => {
                    v.status = Some(o.status);
                    v.error = None;
                }
                Err(e) => v.error = Some(e),
            }
        }
        if final_state == Some(RechargeState::Credited) {
            self.after_change(out);
        } else if final_state.is_some() {
            out.push(Command::LoadJournal);
        }
    }

    /// Open journal entries from an earlier run (or an earlier call of this one): unclear
    /// confirms are reconciled, waiting recharges polled, and entries that cannot have moved
    /// money are closed with the reason.
    fn adopt_open_entries(&mut self, open: &[Entry], now: i64, out: &mut Vec<Command>) {
        let sending = match &self.confirm {
            ConfirmState::Sending(o) => Some(o.clone()),
            _ => None,
        };
        let in_flight_quote = self.quoting;
        for e in open {
            if self.closed.contains(&e.id) {
                continue;
            }
            match (e.kind, e.state, e.order_id.as_deref()) {
                (EntryKind::Confirm, _, Some(order)) => {
                    if sending.as_deref() == Some(order)
                        || self.checks.iter().any(|c| c.order_id == order)
                    {
                        continue;
                    }
                    // The confirm was journalled after its quote was issued, so the quote
                    // was over 60 s after the row was written at the latest.
                    self.checks.push(Check {
                        journal_id: Some(e.id),
                        order_id: order.to_owned(),
                        card_id: e.card_id.clone(),
                        expires_at_ms: e.created_at * 1000 + self.skew_ms + 60_000,
                        next_at_ms: now,
                        in_flight: false,
                        tries: 0,
                        error: None,
                    });
                }
                (EntryKind::Recharge, EntryState::Waiting, Some(order))
                    if self.recharge.as_ref().is_none_or(|v| v.order_id != order) =>
                {
                    out.push(Command::PollRecharge {
                        order_id: order.to_owned(),
                        journal_id: Some(e.id),
                    });
                }
                (EntryKind::Recharge, _, None) if !self.recharge_sending => {
                    self.closed.insert(e.id);
                    out.push(Command::Resolve {
                        journal_id: e.id,
                        state: EntryState::Failed,
                        detail: format!(
                            "{} / {}",
                            T::RechargeInterrupted.zh(),
                            T::RechargeInterrupted.en()
                        ),
                    });
                }
                (EntryKind::Quote, _, _) if !in_flight_quote => {
                    self.closed.insert(e.id);
                    out.push(Command::Resolve {
                        journal_id: e.id,
                        state: EntryState::Failed,
                        detail: format!(
                            "{} / {}",
                            T::QuoteInterrupted.zh(),
                            T::QuoteInterrupted.en()
                        ),
                    });
                }
                _ => {}
            }
        }
    }

    /// Draws the panel.
    pub fn ui(&mut self, ui: &mut Ui, lang: Lang, sandbox: bool, local_ms: i64) -> Vec<Command> {
        let mut out = Vec::new();
        if !self.loaded {
            out.extend(self.on_open(local_ms));
        }
        let now = self.server_ms(local_ms);
        egui::ScrollArea::vertical()
            .id_salt("wallet_scroll")
            .show(ui, |ui| {
                self.balance_ui(ui, lang, &mut out);
                self.checks_ui(ui, lang);
                ui.add_space(8.0);
                ui.columns(2, |cols| {
                    if let [left, right] = cols {
                        egui::Frame::group(left.style()).show(left, |ui| {
                            self.buy_ui(ui, lang, now, &mut out);
                        });
                        egui::Frame::group(right.style()).show(right, |ui| {
                            self.recharge_ui(ui, lang, sandbox, local_ms, &mut out);
                        });
                    }
                });
                ui.add_space(8.0);
                ui.heading(T::Orders.get(lang));
                match self.orders.ui(ui, lang) {
                    Some(OrdersAction::Reload) => {
                        self.orders.loading = true;
                        out.push(Command::Orders(self.orders.query()));
                    }
                    Some(OrdersAction::Export) => {
                        let rows = self
                            .orders
                            .list
                            .as_ref()
                            .map(|l| l.order_list.clone())
                            .unwrap_or_default();
                        match wallet::orders_csv(&rows, lang) {
                            Ok(bytes) => out.push(Command::ExportCsv(bytes)),
                            Err(e) => self.orders.error = Some(UiError::plain(e.to_string())),
                        }
                    }
                    None => {}
                }
                if let Some(n) = &self.note {
                    ui.label(format!("{} {n}", T::SavedTo.get(lang)));
                }
                ui.add_space(8.0);
                self.journal_ui(ui, lang);
            });
        out
    }

    fn balance_ui(&mut self, ui: &mut Ui, lang: Lang, out: &mut Vec<Command>) {
        ui.horizontal_wrapped(|ui| {
            ui.heading(T::CoinAccount.get(lang));
            match &self.balance {
                Some(b) => {
                    for (key, v) in [
                        (T::FreeCoins, b.free_coin),
                        (T::PaidCoins, b.pay_coin),
                        (T::TotalCoins, b.total_coin),
                    ] {
                        ui.separator();
                        ui.label(key.get(lang));
                        ui.label(RichText::new(v.to_string()).strong().size(18.0));
                    }
                }
                None => {
                    ui.spinner();
                }
            }
            ui.separator();
            if action(ui, "refresh_balance", true, T::Refresh.get(lang)).clicked() {
                out.push(Command::Refresh);
            }
            if action(ui, "activate", !self.activating, T::Activate.get(lang))
                .on_hover_text(T::ActivateHint.get(lang))
                .clicked()
            {
                self.activating = true;
                out.push(Command::Activate);
            }
        });
        if let Some(e) = &self.balance_error {
            ui.colored_label(ERROR_COLOR, e.text(lang));
        }
        match &self.activated {
            Some(Ok(reward)) if *reward > 0 => {
                ui.colored_label(
                    OK_COLOR,
                    format!(
                        "{} {reward} {}",
                        T::ActivatedReward.get(lang),
                        T::Coins.get(lang)
                    ),
                );
            }
            Some(Ok(_)) => {
                ui.label(T::AlreadyActivated.get(lang));
            }
            Some(Err(e)) => {
                ui.colored_label(ERROR_COLOR, e.text(lang));
            }
            None => {}
        }
    }

    fn checks_ui(&self, ui: &mut Ui, lang: Lang) {
        if self.checks.is_empty() {
            return;
        }
        egui::Frame::group(ui.style())
            .stroke(egui::Stroke::new(1.5, WARN_COLOR))
            .show(ui, |ui| {
                ui.colored_label(WARN_COLOR, T::ReconcilingBanner.get(lang));
                for c in &self.checks {
                    let mut line = format!("{} {}", T::OrderId.get(lang), short_id(&c.order_id));
                    if c.tries > 0 && !c.in_flight {
                        line.push_str(&format!(" · {}", T::WaitingForQuoteEnd.get(lang)));
                    }
                    ui.label(line);
                    if let Some(e) = &c.error {
                        ui.colored_label(ERROR_COLOR, e.text(lang));
                    }
                }
            });
    }

    fn buy_ui(&mut self, ui: &mut Ui, lang: Lang, now: i64, out: &mut Vec<Command>) {
        ui.heading(T::BuyStock.get(lang));
        if let Some(e) = &self.cards_error {
            ui.colored_label(ERROR_COLOR, e.text(lang));
        }
        let busy =
            self.quoting || matches!(self.confirm, ConfirmState::Sending(_)) || self.blocked();
        ui.horizontal(|ui| {
            let label = ui.label(T::Card.get(lang));
            let changed = ui
                .add_enabled_ui(!busy, |ui| {
                    card_picker(
                        ui,
                        "wallet_card",
                        lang,
                        &self.cards,
                        &mut self.card_id,
                        Some(label.id),
                    )
                })
                .inner;
            if changed {
                self.quote = None;
                self.confirm = ConfirmState::Idle;
                self.stock_after = None;
                self.error = None;
            }
            if action(ui, "refresh_cards", true, T::Refresh.get(lang)).clicked() {
                out.push(Command::ListCards);
            }
        });
        let stock = self.chosen_stock();
        ui.label(format!(
            "{}: {}",
            T::StockNow.get(lang),
            stock.map_or_else(|| "—".to_owned(), |q| q.to_string())
        ));
        let quantity = parse_count(&self.quantity_text, T::Quantity, MAX_QUANTITY, lang);
        ui.horizontal(|ui| {
            let label = ui.label(T::Quantity.get(lang));
            ui.add_enabled(
                !busy,
                egui::TextEdit::singleline(&mut self.quantity_text).desired_width(90.0),
            )
            .labelled_by(label.id);
            if let Some(c) = self
                .card_id
                .as_ref()
                .and_then(|id| self.cards.iter().find(|c| &c.card_id == id))
            {
                let unit = crate::card::pricing::price_per_unit(&c.body.card);
                ui.weak(format!("{unit} {}", T::CoinsPerUnit.get(lang)));
            }
        });
        if let Err(msg) = &quantity {
            ui.colored_label(ERROR_COLOR, msg);
        }
        let can_quote = !busy && quantity.is_ok() && self.card_id.is_some();
        let quote_label = if self.quote.as_ref().is_some_and(|q| q.expired(now)) {
            T::Requote
        } else {
            T::GetQuote
        };
        if action(ui, "quote", can_quote, quote_label.get(lang)).clicked()
            && let (Ok(q), Some(card)) = (&quantity, &self.card_id)
        {
            self.quoting = true;
            self.stock_before = stock;
            self.stock_after = None;
            out.push(Command::Refresh);
            out.push(Command::Quote {
                card_id: card.clone(),
                quantity: *q,
                sent_at_ms: now,
            });
        }
        if self.quoting {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(T::Quoting.get(lang));
            });
        }
        self.quote_ui(ui, lang, now, out);
        if let Some((e, code)) = &self.error {
            ui.colored_label(ERROR_COLOR, e.text(lang));
            if *code == Some(NOT_ENOUGH_COINS) {
                ui.label(T::InsufficientHint.get(lang));
            }
        }
        if self.reconciled && matches!(self.confirm, ConfirmState::Done(_)) {
            ui.colored_label(OK_COLOR, T::ReconciledApplied.get(lang));
        }
        match &self.confirm {
            ConfirmState::Done(_) => {
                ui.colored_label(
                    OK_COLOR,
                    format!(
                        "{} {} → {}",
                        T::StockAdded.get(lang),
                        self.stock_before
                            .map_or_else(|| "—".to_owned(), |q| q.to_string()),
                        self.stock_after
                            .map_or_else(|| "…".to_owned(), |q| q.to_string())
                    ),
                );
            }
            ConfirmState::NotApplied(_) => {
                ui.colored_label(WARN_COLOR, T::ReconciledNotApplied.get(lang));
            }
            _ => {}
        }
    }

    fn quote_ui(&mut self, ui: &mut Ui, lang: Lang, now: i64, out: &mut Vec<Command>) {
        let Some(q) = &self.quote else { return };
        let remaining = q.remaining(now);
        let expired = q.expired(now);
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.label(format!(
                "{} {} {} ({} {} + {} {})",
                T::Price.get(lang),
                q.price.price,
                T::Coins.get(lang),
                T::FreeCoins.get(lang),
                q.price.free_coin,
                T::PaidCoins.get(lang),
                q.price.pay_coin
            ));
            ui.label(
                RichText::new(format!(
                    "{} {} · ×{}",
                    T::OrderId.get(lang),
                    short_id(&q.order_id),
                    q.quantity
                ))
                .small()
                .weak(),
            )
            .on_hover_text(&q.order_id);
            if expired {
                ui.colored_label(ERROR_COLOR, T::QuoteExpired.get(lang));
            } else {
                let color = if q.confirmable(now) {
                    ui.visuals().text_color()
                } else {
                    WARN_COLOR
                };
                ui.colored_label(
                    color,
                    RichText::new(format!(
                        "{} {} {}",
                        T::QuoteLeft.get(lang),
                        remaining.ceil(),
                        T::Seconds.get(lang)
                    ))
                    .size(20.0)
                    .strong(),
                );
                ui.add(
                    egui::ProgressBar::new((remaining / wallet::QUOTE_LIFE_SECS) as f32)
                        .desired_width(260.0),
                );
                if !q.confirmable(now) {
                    ui.colored_label(WARN_COLOR, T::QuoteTooLate.get(lang));
                }
            }
        });
        let balance = self.balance.as_ref().map(|b| b.total_coin);
        let missing = balance.and_then(|b| shortfall(q.price.price, b));
        if let (Some(missing), Some(b)) = (missing, balance) {
            ui.colored_label(
                ERROR_COLOR,
                format!(
                    "{} {} {}, {} {} {}, {} {} {}",
                    T::NeedCoins.get(lang),
                    q.price.price,
                    T::Coins.get(lang),
                    T::HaveCoins.get(lang),
                    b,
                    T::Coins.get(lang),
                    T::MissingCoins.get(lang),
                    missing,
                    T::Coins.get(lang)
                ),
            );
            let n = recharge_for(missing);
            let text = format!("{} {n} {}", T::GoRecharge.get(lang), T::Coins.get(lang));
            if action(ui, "go_recharge", true, text).clicked() {
                self.recharge_text = n.to_string();
            }
        }
        let sent = self.sent.contains(&q.order_id);
        let can_confirm = !expired
            && q.confirmable(now)
            && !sent
            && missing.is_none()
            && self.confirm == ConfirmState::Idle
            && !self.blocked();
        let resp = action(
            ui,
            "confirm",
            can_confirm,
            RichText::new(T::ConfirmExchange.get(lang)).strong(),
        );
        // `sent` is set in the same frame as the click, so a second click (or a double
        // click) finds the button disabled and the order in the set.
        if resp.clicked() && can_confirm {
            self.sent.insert(q.order_id.clone());
            self.confirm = ConfirmState::Sending(q.order_id.clone());
            out.push(Command::Confirm(q.clone()));
        }
        if matches!(self.confirm, ConfirmState::Sending(_)) {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(T::Confirming.get(lang));
            });
        }
    }

    fn recharge_ui(
        &mut self,
        ui: &mut Ui,
        lang: Lang,
        sandbox: bool,
        local_ms: i64,
        out: &mut Vec<Command>,
    ) {
        ui.heading(T::Recharge.get(lang));
        let coins = parse_count(&self.recharge_text, T::RechargeCoins, MAX_RECHARGE, lang);
        ui.horizontal(|ui| {
            let label = ui.label(T::RechargeCoins.get(lang));
            ui.add(egui::TextEdit::singleline(&mut self.recharge_text).desired_width(90.0))
                .labelled_by(label.id);
            ui.weak(T::CoinIsYuan.get(lang));
        });
        if let Err(msg) = &coins {
            ui.colored_label(ERROR_COLOR, msg);
        }
        let waiting = self
            .recharge
            .as_ref()
            .is_some_and(|v| !v.stopped && matches!(v.state(), RechargeState::Waiting));
        if action(
            ui,
            "make_recharge",
            coins.is_ok() && !self.recharge_sending && !waiting,
            T::MakeRechargeQr.get(lang),
        )
        .clicked()
            && let Ok(n) = coins
        {
            self.recharge_sending = true;
            out.push(Command::Recharge(n));
        }
        if self.recharge_sending {
            ui.spinner();
        }
        if let Some(e) = &self.recharge_error {
            ui.colored_label(ERROR_COLOR, e.text(lang));
        }
        let Some(v) = &mut self.recharge else { return };
        ui.add_space(6.0);
        ui.label(
            RichText::new(format!("¥{} · {}", v.coins, T::ScanToPay.get(lang)))
                .size(18.0)
                .strong(),
        );
        if let Some(tex) = &v.texture {
            ui.add(egui::Image::new(tex).fit_to_exact_size(egui::vec2(260.0, 260.0)));
        }
        ui.label(RichText::new(&v.url).small().monospace());
        ui.label(
            RichText::new(format!("{} {}", T::OrderId.get(lang), v.order_id))
                .small()
                .weak(),
        );
        let status = v.status.as_deref().unwrap_or("ORDER_STATUS_WAITING");
        let (color, extra) = match v.state() {
            RechargeState::Credited => (OK_COLOR, T::RechargeCredited),
            RechargeState::Failed => (ERROR_COLOR, T::RechargeFailed),
            RechargeState::Paid => (WARN_COLOR, T::RechargePaidWaiting),
            RechargeState::Waiting => (WARN_COLOR, T::ScanToPay),
        };
        ui.horizontal(|ui| {
            if v.polling {
                ui.spinner();
            }
            ui.colored_label(
                color,
                format!(
                    "{} · {}",
                    wallet::status_text(status, lang),
                    extra.get(lang)
                ),
            );
        });
        if let Some(e) = &v.error {
            ui.colored_label(ERROR_COLOR, e.text(lang));
        }
        let open = matches!(v.state(), RechargeState::Waiting | RechargeState::Paid);
        if open {
            let elapsed = ((local_ms - v.started_ms) / 1000).max(0);
            ui.weak(format!(
                "{} {elapsed} {}",
                T::Elapsed.get(lang),
                T::Seconds.get(lang)
            ));
            ui.horizontal(|ui| {
                if v.stopped {
                    ui.label(T::PollingStopped.get(lang));
                    if action(ui, "resume_polling", true, T::ResumePolling.get(lang)).clicked() {
                        v.stopped = false;
                        v.started_ms = local_ms;
                        v.next_poll_ms = local_ms;
                    }
                } else if action(ui, "stop_polling", true, T::StopPolling.get(lang)).clicked() {
                    v.stopped = true;
                }
            });
            if sandbox && matches!(v.state(), RechargeState::Waiting) {
                ui.horizontal(|ui| {
                    if action(ui, "simulate_pay", true, T::SimulatePay.get(lang)).clicked() {
                        out.push(Command::SandboxPay {
                            order_id: v.order_id.clone(),
                            fail: false,
                        });
                    }
                    if action(ui, "simulate_fail", true, T::SimulatePayFail.get(lang)).clicked() {
                        out.push(Command::SandboxPay {
                            order_id: v.order_id.clone(),
                            fail: true,
                        });
                    }
                });
            }
        }
    }

    fn journal_ui(&self, ui: &mut Ui, lang: Lang) {
        egui::CollapsingHeader::new(T::Journal.get(lang))
            .id_salt("wallet_journal")
            .show(ui, |ui| {
                if let Some(e) = &self.journal_error {
                    ui.colored_label(ERROR_COLOR, e.text(lang));
                }
                if self.journal_recent.is_empty() {
                    ui.weak(T::JournalEmpty.get(lang));
                }
                egui::Grid::new("journal_grid")
                    .striped(true)
                    .show(ui, |ui| {
                        for e in &self.journal_recent {
                            ui.label(wallet::beijing_time(e.created_at));
                            ui.label(
                                match e.kind {
                                    EntryKind::Quote => T::GetQuote,
                                    EntryKind::Confirm => T::ConfirmExchange,
                                    EntryKind::Recharge => T::Recharge,
                                }
                                .get(lang),
                            );
                            let (color, key) = match e.state {
                                EntryState::Done => (OK_COLOR, T::EntryDone),
                                EntryState::Failed => {
                                    (ui.visuals().weak_text_color(), T::EntryFailed)
                                }
                                EntryState::Waiting => (WARN_COLOR, T::EntryWaiting),
                                EntryState::Pending | EntryState::Uncertain => {
                                    (WARN_COLOR, T::EntryOpen)
                                }
                            };
                            ui.colored_label(color, key.get(lang));
                            ui.label(e.order_id.as_deref().unwrap_or("—"));
                            ui.label(e.coins.map_or_else(String::new, |c| {
                                format!("{} {}", Coins(c), T::Coins.get(lang))
                            }));
                            ui.label(RichText::new(&e.detail).small());
                            ui.end_row();
                        }
                    });
            });
    }
}
