//! Property test of the session and the journal protocol together, against the fake server
//! and journal: whatever the interleaving of clicks, answers (late, twice, lost, never),
//! crashes, store faults and clock steps, a confirm is sent at most once per order, no outcome
//! is lost or invented, and once everything is answered and reconciled no row stays open.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;

use proptest::prelude::*;

use super::fakes::{Fate, World, run_now};
use super::journal;
use super::{Command, ConfirmState, UiError, WalletEvent, WalletSession};
use crate::api::CardDetails;
use crate::api::pay::CoinsInfo;
use crate::card::pricing::Coins;
use crate::store::{EntryKind, EntryState};

const ACCOUNT: &str = "sandbox";

/// One thing that happens.
#[derive(Clone, Debug)]
enum Step {
    /// The user asks for a quote.
    Quote,
    /// The user clicks confirm.
    Confirm,
    /// The user makes a recharge QR.
    Recharge,
    /// The user stops or resumes polling.
    Polling(bool),
    /// The simulator pays or fails the recharge.
    SimulatePay(bool),
    /// A pending answer arrives (picked by index), maybe twice.
    Deliver(usize, bool),
    /// A pending answer never comes.
    Drop(usize),
    /// The next API call meets this fate.
    Fate(Fate),
    /// The next journal update fails.
    StoreFault,
    /// Local time passes (ms).
    Tick(i64),
    /// The server's clock jumps (ms, either way).
    ServerJump(i64),
    /// The app crashes and starts again: answers in flight are gone, the journal stays.
    Restart,
}

fn fate() -> impl Strategy<Value = Fate> {
    prop_oneof![
        Just(Fate::Answer),
        Just(Fate::Refused),
        Just(Fate::LostBefore),
        Just(Fate::LostAfter),
        Just(Fate::HangBefore),
        Just(Fate::HangAfter),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => Just(Step::Quote),
        3 => Just(Step::Confirm),
        1 => Just(Step::Recharge),
        1 => any::<bool>().prop_map(Step::Polling),
        1 => any::<bool>().prop_map(Step::SimulatePay),
        6 => (0..8usize, prop::bool::weighted(0.2)).prop_map(|(i, d)| Step::Deliver(i, d)),
        1 => (0..8usize).prop_map(Step::Drop),
        3 => fate().prop_map(Step::Fate),
        1 => Just(Step::StoreFault),
        3 => (0..20_000i64).prop_map(Step::Tick),
        1 => (-30_000..90_000i64).prop_map(Step::ServerJump),
        1 => Just(Step::Restart),
    ]
}

/// The app around one session: it runs the commands on the fakes and holds the answers.
struct Harness {
    world: World,
    session: WalletSession,
    /// Answers not delivered yet.
    pending: Vec<WalletEvent>,
    /// Confirms the session emitted in this run, by order.
    sent: HashMap<String, u32>,
    /// An answer never came in this run: only a restart settles it.
    stuck: bool,
    /// Journal updates that had failed when this run started.
    faults_at_start: u32,
}

impl Harness {
    fn new() -> Self {
        let mut h = Self {
            world: World::new(),
            session: WalletSession::default(),
            pending: Vec::new(),
            sent: HashMap::new(),
            stuck: false,
            faults_at_start: 0,
        };
        h.open();
        h
    }

    fn local(&self) -> i64 {
        self.world.local_ms()
    }

    fn open(&mut self) {
        let cmds = self.session.on_open(self.local());
        self.session.choose_card(Some("c1".into()));
        self.run_all(cmds);
    }

    fn restart(&mut self) {
        self.session = WalletSession::default();
        self.pending.clear();
        self.sent.clear();
        self.stuck = false;
        self.faults_at_start = self.world.update_faults_hit();
        self.open();
    }

    fn run_all(&mut self, cmds: Vec<Command>) {
        for c in cmds {
            self.run(c);
        }
    }

    /// Runs one command; its answer joins the pending ones unless the call hangs.
    fn run(&mut self, cmd: Command) {
        let store = self.world.store();
        let api = self.world.api();
        let account = || ACCOUNT.to_owned();
        let answer = match cmd {
            Command::Refresh => Some(WalletEvent::Balance(Ok(CoinsInfo {
                free_coin: Coins(1_000_000),
                pay_coin: Coins(0),
                total_coin: Coins(1_000_000),
            }))),
            Command::Activate => Some(WalletEvent::Activated(Ok(0))),
            Command::ListCards => Some(WalletEvent::Cards(Ok(vec![CardDetails {
                card_id: "c1".into(),
                status: "CARD_STATUS_VERIFY_OK".into(),
                quantity: Some(self.world.stock("c1")),
                total_quantity: None,
                body: crate::card::CreateBody::default(),
            }]))),
            Command::Stock(card_id) => Some(WalletEvent::Stock {
                result: Ok(Some(self.world.stock(&card_id))),
                card_id,
            }),
            Command::Quote {
                card_id,
                quantity,
                sent_at_ms,
            } => run_now(journal::quote(
                Some(&store),
                &api,
                account(),
                card_id,
                quantity,
                sent_at_ms,
            )),
            Command::Confirm(quote) => {
                let n = self.sent.entry(quote.order_id.clone()).or_default();
                *n += 1;
                assert_eq!(*n, 1, "the session sent {} twice", quote.order_id);
                run_now(journal::confirm(Some(&store), &api, account(), quote))
            }
            Command::Reconcile {
                order_id,
                card_id,
                server_now,
            } => run_now(journal::reconcile(&api, order_id, card_id, server_now)),
            Command::Resolve {
                journal_id,
                state,
                detail,
            } => run_now(journal::resolve(
                &store,
                account(),
                journal_id,
                state,
                detail,
            )),
            Command::Recharge(coins) => {
                run_now(journal::recharge(Some(&store), &api, account(), coins))
            }
            Command::PollRecharge {
                order_id,
                journal_id,
            } => run_now(journal::poll_recharge(
                Some(&store),
                &api,
                order_id,
                journal_id,
            )),
            Command::SandboxPay { order_id, fail } => {
                self.world.pay_recharge(&order_id, fail);
                Some(WalletEvent::SandboxPaid(Ok(())))
            }
            Command::Orders(query) => {
                use super::journal::PayApi;
                run_now(api.get_order_list(&query))
                    .map(|r| WalletEvent::Orders(r.map_err(|e| UiError::plain(e.to_string()))))
            }
            Command::ExportCsv(_) => return,
            Command::SyncClock => Some(WalletEvent::ClockSkew(self.world.skew_ms())),
            Command::LoadJournal => run_now(journal::load(&store, account())),
        };
        match answer {
            Some(ev) => self.pending.push(ev),
            // The call hangs: its answer never comes in this run.
            None => self.stuck = true,
        }
    }

    fn deliver(&mut self, i: usize, twice: bool) {
        if self.pending.is_empty() {
            return;
        }
        let ev = self.pending.remove(i % self.pending.len());
        if twice {
            self.pending.push(ev.clone());
        }
        let cmds = self.session.on_event(ev, self.local());
        self.run_all(cmds);
    }

    fn tick(&mut self) {
        let cmds = self.session.due(self.local(), true);
        self.run_all(cmds);
    }

    fn step(&mut self, s: Step) {
        let local = self.local();
        match s {
            Step::Quote => {
                let cmds = self.session.quote(10, local);
                self.run_all(cmds);
            }
            Step::Confirm => {
                let cmds = self.session.confirm(local);
                self.run_all(cmds);
            }
            Step::Recharge => {
                let cmds = self.session.recharge(50);
                self.run_all(cmds);
            }
            Step::Polling(true) => self.session.resume_polling(local),
            Step::Polling(false) => self.session.stop_polling(),
            Step::SimulatePay(fail) => {
                let cmds = self.session.simulate_pay(fail);
                self.run_all(cmds);
            }
            Step::Deliver(i, twice) => self.deliver(i, twice),
            Step::Drop(i) => {
                if !self.pending.is_empty() {
                    let n = self.pending.len();
                    self.pending.remove(i % n);
                    self.stuck = true;
                }
            }
            Step::Fate(f) => self.world.push_fate(f),
            Step::StoreFault => self.world.push_update_fault(true),
            Step::Tick(ms) => self.world.advance(ms),
            Step::ServerJump(ms) => self.world.advance_server(ms),
            Step::Restart => self.restart(),
        }
        self.tick();
    }

    /// No more faults: the server settles its recharges, every answer arrives, time runs on
    /// until every quote is over and every check is decided.
    fn settle(&mut self) {
        self.world.clear_fates();
        self.world.clear_update_faults();
        self.world.settle_recharges();
        self.session.resume_polling(self.local());
        let cmds = self.session.on_open(self.local());
        self.run_all(cmds);
        for _ in 0..150 {
            while !self.pending.is_empty() {
                self.deliver(0, false);
            }
            self.world.advance(1_000);
            self.tick();
        }
        while !self.pending.is_empty() {
            self.deliver(0, false);
        }
    }

    /// Whether only a restart can settle this run: an answer never came, or a row could not
    /// be closed (the session already counts it as closed).
    fn needs_restart(&self) -> bool {
        self.stuck || self.world.update_faults_hit() > self.faults_at_start
    }

    /// What the journal and the session say agrees with what the server did.
    fn check_outcomes(&self) {
        for (order, n) in self.world.all_confirm_calls() {
            assert!(n <= 1, "{order} reached the server {n} times");
        }
        for r in self.world.rows() {
            if r.kind != EntryKind::Confirm {
                continue;
            }
            let order = r.order_id.as_deref().unwrap();
            match r.state {
                EntryState::Done => {
                    assert!(self.world.applied(order), "{order}: done, not applied")
                }
                EntryState::Failed => {
                    assert!(!self.world.applied(order), "{order}: failed, applied")
                }
                _ => {}
            }
        }
        match &self.session.confirm {
            ConfirmState::Done(o) => assert!(self.world.applied(o), "{o} shown done"),
            ConfirmState::NotApplied(o) => assert!(!self.world.applied(o), "{o} shown not applied"),
            _ => {}
        }
    }

    /// Every applied confirm is recorded as done, and no row is open.
    fn check_settled(&self) {
        let open = self.world.open_rows();
        assert!(open.is_empty(), "open rows: {open:?}");
        assert!(self.session.checks.is_empty(), "{:?}", self.session.checks);
        let rows = self.world.rows();
        for (order, _) in self.world.all_confirm_calls() {
            if self.world.applied(&order) {
                assert!(
                    rows.iter().any(|r| r.kind == EntryKind::Confirm
                        && r.order_id.as_deref() == Some(&order)
                        && r.state == EntryState::Done),
                    "{order}: applied, not recorded"
                );
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn money_is_sent_once_recorded_truly_and_settled(steps in prop::collection::vec(step(), 1..60)) {
        run(steps);
    }
}

/// The case the property found under Wine (CI, stop 25): an unclear confirm's answer delivered
/// twice started two checks of one order; the lookup meant for one went to the other, and the
/// first stayed in flight for ever.
#[test]
fn lost_confirm_then_late_answers_settle() {
    use Step::*;
    let steps = vec![
        Recharge,
        Quote,
        Fate(super::fakes::Fate::LostBefore),
        Deliver(6, false),
        Confirm,
        Fate(super::fakes::Fate::Answer),
        Deliver(0, false),
        Deliver(0, false),
        Deliver(0, false),
        Deliver(4, true),
    ];
    run(steps);
}

/// Runs the steps, checking the outcomes after each, then settles, restarts and settles again,
/// checking that nothing is left open.
fn run(steps: Vec<Step>) {
    let mut h = Harness::new();
    for s in steps {
        h.step(s);
        h.check_outcomes();
    }
    h.settle();
    h.check_outcomes();
    if !h.needs_restart() {
        h.check_settled();
    }
    h.restart();
    h.settle();
    h.check_outcomes();
    h.check_settled();
}
