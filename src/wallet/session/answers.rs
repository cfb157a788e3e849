//! How the session takes the IO answers: a confirm's outcome, a reconciliation lookup, a
//! recharge poll, and the journal listing whose open entries an earlier run left behind.

use crate::api::pay::OrderInfo;
use crate::errcode;
use crate::i18n::T;
use crate::store::{Entry, EntryKind, EntryState};

use super::{Check, ConfirmState, Recharge, WalletSession};
use crate::wallet::{
    Command, ConfirmOutcome, ConfirmVerdict, LiveQuote, RECHARGE_POLL_SECS, RechargeState, UiError,
    WalletEvent, judge_confirm, judge_refused_confirm, not_stockable, recharge_state,
};

/// A recharge is polled this often (ms).
const RECHARGE_POLL_MS: i64 = (RECHARGE_POLL_SECS * 1000.0) as i64;
/// A failed reconciliation lookup is tried again after this long.
const RECONCILE_RETRY_MS: i64 = 3_000;
/// The errcodes that say a quote is over or unknown (the simulator's 41310/41311).
const QUOTE_GONE: [i64; 2] = [errcode::ORDER_UNKNOWN, errcode::ORDER_EXPIRED];

impl WalletSession {
    /// Handles an IO answer. Answers may come late, twice, or for an order that is no longer
    /// the live quote; each is applied to what it is about.
    pub fn on_event(&mut self, event: WalletEvent, local_ms: i64) -> Vec<Command> {
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
                        // The first card stock can be bought for, else the first listed.
                        let now_s = now.div_euclid(1000);
                        self.card_id = self
                            .cards
                            .iter()
                            .find(|c| not_stockable(c, now_s).is_none())
                            .or(self.cards.first())
                            .map(|c| c.card_id.clone());
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
                        self.recharge = Some(Recharge {
                            journal_id: Some(started.journal_id),
                            order_id: started.order_id,
                            coins: started.coins,
                            url: started.qrcode_url,
                            status: Some("ORDER_STATUS_WAITING".into()),
                            started_ms: local_ms,
                            next_poll_ms: local_ms + RECHARGE_POLL_MS,
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
            // Pushes only inform the table and the alerts: no journal entry, check or money
            // call follows from them.
            WalletEvent::Pushed { orders, reminded } => {
                let news = reminded.difference(&self.reminded).next().is_some();
                // An order that moved coins and was not known (or not in this state) before:
                // the balance shown is out of date.
                let moved = orders.iter().any(|o| {
                    !self
                        .orders
                        .pushed
                        .iter()
                        .any(|p| p.order_id == o.order_id && p.status == o.status)
                });
                self.orders.pushed = orders;
                self.reminded = reminded;
                // The stock now, so that the alert (or its end) is true.
                if news && self.loaded {
                    out.push(Command::ListCards);
                }
                // Read the balance again (a read only: no money call follows from a push).
                if moved && self.loaded {
                    out.push(Command::Refresh);
                }
            }
        }
        out
    }

    fn set_stock(&mut self, card_id: &str, quantity: Option<i64>) {
        if let Some(c) = self.cards.iter_mut().find(|c| c.card_id == card_id) {
            c.quantity = quantity;
        }
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
        // An answer delivered twice: the first one already settled the order or started its
        // check. A second check would take the lookup meant for the first and stay open.
        if journal_id.is_some_and(|id| self.closed.contains(&id))
            || self.checks.iter().any(|c| c.order_id == order_id)
        {
            return;
        }
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
                    // Only for the display: the quote is shown as over (one click re-quotes).
                    q.expires_at_ms = q.expires_at_ms.min(now);
                }
                self.error = Some((e, code));
                // The errcodes of a refused confirm are not documented, so none of them is
                // trusted to mean "nothing moved": the order list says so (the lookup also
                // reads the stock, for the display). The journal row stays open until then.
                self.checks.push(Check {
                    journal_id,
                    order_id,
                    card_id,
                    expires_at_ms: now,
                    next_at_ms: now,
                    in_flight: false,
                    tries: 0,
                    error: None,
                    refused: true,
                });
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
                    refused: false,
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
        result: Result<(Option<OrderInfo>, Option<i64>), UiError>,
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
        let verdict = if check.refused {
            judge_refused_confirm(order.as_ref())
        } else {
            judge_confirm(order.as_ref(), check.expires_at_ms, now)
        };
        let (state, detail_key) = match verdict {
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
            // A refusal's reason stays on screen (e.g. not enough coins, with its hint).
            if !check.refused || state == EntryState::Done {
                self.error = None;
            }
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
        result: Result<OrderInfo, UiError>,
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
            v.next_poll_ms = local_ms + RECHARGE_POLL_MS;
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
                        refused: false,
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
                    out.push(interrupted(e.id, T::RechargeInterrupted));
                }
                (EntryKind::Quote, _, _) if !in_flight_quote => {
                    self.closed.insert(e.id);
                    out.push(interrupted(e.id, T::QuoteInterrupted));
                }
                _ => {}
            }
        }
    }
}

/// Closes a journal row whose call can no longer be answered (the app stopped while it was on
/// its way) as failed, with the reason in both languages.
fn interrupted(journal_id: i64, why: T) -> Command {
    Command::Resolve {
        journal_id,
        state: EntryState::Failed,
        detail: format!("{} / {}", why.zh(), why.en()),
    }
}
