#![allow(clippy::unwrap_used)]

use std::time::Duration;

use super::*;
use crate::api::pay::{OrderInfo, PayPrice};
use crate::store::{EntryKind, EntryState};
use crate::wallet::{ConfirmOutcome, RechargeStarted, WalletEvent};

/// Local time of the tests (ms); the server runs 0 ms ahead unless a test says otherwise.
const T0: i64 = 1_800_000_000_000;

fn price(order: &str) -> PayPrice {
    PayPrice {
        order_id: order.into(),
        price: Coins(600),
        free_coin: Coins(600),
        pay_coin: Coins(0),
    }
}

fn coins(total: i64) -> CoinsInfo {
    CoinsInfo {
        free_coin: Coins(total),
        pay_coin: Coins(0),
        total_coin: Coins(total),
    }
}

fn order(id: &str, status: &str) -> OrderInfo {
    OrderInfo {
        order_id: id.into(),
        status: status.into(),
        create_time: T0 / 1000,
        pay_finish_time: 0,
        desc: String::new(),
        free_coin_count: Coins(600),
        pay_coin_count: Coins(0),
        refund_free_coin_count: Coins(0),
        refund_pay_coin_count: Coins(0),
        order_type: "ORDER_TYPE_REDUCE".into(),
    }
}

fn entry(id: i64, kind: EntryKind, state: EntryState, order_id: Option<&str>) -> Entry {
    Entry {
        id,
        kind,
        account: "sandbox".into(),
        card_id: Some("c1".into()),
        order_id: order_id.map(str::to_owned),
        quantity: Some(10),
        coins: Some(600),
        state,
        detail: String::new(),
        created_at: T0 / 1000,
        updated_at: T0 / 1000,
    }
}

/// A session with a balance and a quote of order `order` answered for a request sent at `at`.
fn quoted(order: &str, at: i64) -> WalletSession {
    let mut s = WalletSession::default();
    s.on_event(WalletEvent::Balance(Ok(coins(10_000))), at);
    s.choose_card(Some("c1".into()));
    let cmds = s.quote(10, at);
    assert!(cmds.contains(&Command::Quote {
        card_id: "c1".into(),
        quantity: 10,
        sent_at_ms: at,
    }));
    assert!(s.busy());
    s.on_event(
        WalletEvent::Quoted {
            card_id: "c1".into(),
            quantity: 10,
            sent_at_ms: at,
            result: Ok(price(order)),
        },
        at,
    );
    s
}

fn confirmed(order: &str, outcome: ConfirmOutcome) -> WalletEvent {
    WalletEvent::Confirmed {
        order_id: order.into(),
        journal_id: Some(7),
        outcome,
    }
}

fn uncertain() -> ConfirmOutcome {
    ConfirmOutcome::Uncertain(UiError::plain("reset"))
}

fn reconciled(order: &str, found: Option<OrderInfo>, stock: Option<i64>) -> WalletEvent {
    WalletEvent::Reconciled {
        order_id: order.into(),
        result: Ok((found, stock)),
    }
}

fn is_reconcile(c: &Command) -> bool {
    matches!(c, Command::Reconcile { .. })
}

#[test]
fn a_quote_is_confirmable_until_five_seconds_before_its_end() {
    let s = quoted("Q1", T0);
    assert!(!s.busy());
    assert!(s.can_confirm(T0));
    assert!(s.can_confirm(T0 + 55_000));
    assert!(!s.can_confirm(T0 + 55_001));
    let mut late = quoted("Q1", T0);
    assert!(late.confirm(T0 + 55_001).is_empty());
    assert_eq!(late.confirm, ConfirmState::Idle);
    assert!(late.quote.as_ref().unwrap().expired(T0 + 60_000));
}

#[test]
fn the_margin_follows_the_server_clock() {
    let mut s = quoted("Q1", T0);
    // The simulator's clock runs 10 s ahead: 10 s less of the quote is left locally.
    s.on_event(WalletEvent::ClockSkew(10_000), T0);
    assert_eq!(s.server_ms(T0), T0 + 10_000);
    assert!(s.can_confirm(T0 + 45_000));
    assert!(!s.can_confirm(T0 + 45_001));
}

#[test]
fn a_quote_without_the_coins_cannot_be_confirmed() {
    let mut s = quoted("Q1", T0);
    s.on_event(WalletEvent::Balance(Ok(coins(599))), T0);
    assert_eq!(s.missing_coins(), Some(Coins(1)));
    assert!(!s.can_confirm(T0));
    assert!(s.confirm(T0).is_empty());
}

#[test]
fn a_confirm_is_sent_once_and_its_answer_applied() {
    let mut s = quoted("Q1", T0);
    let cmds = s.confirm(T0 + 1_000);
    assert!(matches!(&cmds[..], [Command::Confirm(q)] if q.order_id == "Q1"));
    assert_eq!(s.confirm, ConfirmState::Sending("Q1".into()));
    assert!(s.money_in_flight());
    assert!(
        s.confirm(T0 + 1_001).is_empty(),
        "a double click sends nothing"
    );
    let cmds = s.on_event(confirmed("Q1", ConfirmOutcome::Done), T0 + 2_000);
    assert_eq!(s.confirm, ConfirmState::Done("Q1".into()));
    assert_eq!(cmds[0], Command::Stock("c1".into()));
    assert!(cmds.contains(&Command::Refresh));
    assert!(cmds.contains(&Command::LoadJournal));
    s.on_event(
        WalletEvent::Stock {
            card_id: "c1".into(),
            result: Ok(Some(110)),
        },
        T0 + 2_500,
    );
    assert_eq!(s.stock_after, Some(110));
    assert!(!s.money_in_flight());
    // The used quote stops counting: no more frames, no more clock reads for it.
    assert!(s.quote_used());
    assert_eq!(s.next_wakeup(T0 + 3_000), None);
    assert!(s.due(T0 + 3_000, true).is_empty());
    // Even after the answer, the order is never offered again.
    s.confirm = ConfirmState::Idle;
    assert!(!s.can_confirm(T0 + 3_000));
}

#[test]
fn a_refusal_that_the_quote_is_gone_ends_the_countdown() {
    let mut s = quoted("Q1", T0);
    s.confirm(T0 + 1_000);
    let refused = ConfirmOutcome::Refused(UiError::plain("gone"), Some(41_310));
    let cmds = s.on_event(confirmed("Q1", refused), T0 + 2_000);
    assert_eq!(s.confirm, ConfirmState::Idle);
    assert!(s.quote.as_ref().unwrap().expired(T0 + 2_000));
    assert_eq!(cmds, vec![Command::Refresh, Command::LoadJournal]);
    assert_eq!(s.error.as_ref().unwrap().1, Some(41_310));
}

#[test]
fn a_refused_confirm_is_settled_by_the_order_list_not_by_its_errcode() {
    // Not in the order list: nothing moved; the row closes failed at once,
    // without waiting for the quote to end, and the refusal's reason stays on screen.
    let mut s = quoted("Q1", T0);
    s.confirm(T0 + 1_000);
    let refused = ConfirmOutcome::Refused(UiError::plain("no coins"), Some(NOT_ENOUGH_COINS));
    s.on_event(confirmed("Q1", refused), T0 + 2_000);
    assert!(s.blocked(), "buying waits for the lookup");
    assert!(s.due(T0 + 2_000, false).iter().any(is_reconcile));
    let cmds = s.on_event(reconciled("Q1", None, s.stock_before), T0 + 2_500);
    assert!(matches!(
        &cmds[0],
        Command::Resolve {
            journal_id: 7,
            state: EntryState::Failed,
            ..
        }
    ));
    assert_eq!(s.confirm, ConfirmState::NotApplied("Q1".into()));
    assert_eq!(s.error.as_ref().unwrap().1, Some(NOT_ENOUGH_COINS));
    assert!(!s.blocked());

    // Refused, yet the order list has it as done: the stock was added, and the row says so.
    let mut s = quoted("Q2", T0);
    s.confirm(T0 + 1_000);
    let refused = ConfirmOutcome::Refused(UiError::plain("busy"), Some(-1));
    s.on_event(confirmed("Q2", refused), T0 + 2_000);
    s.due(T0 + 2_000, false);
    let found = order("Q2", "ORDER_STATUS_QUANTITY_SUCC");
    let cmds = s.on_event(reconciled("Q2", Some(found), Some(110)), T0 + 2_500);
    assert!(matches!(
        &cmds[0],
        Command::Resolve {
            journal_id: 7,
            state: EntryState::Done,
            ..
        }
    ));
    assert_eq!(s.confirm, ConfirmState::Done("Q2".into()));
    assert!(s.error.is_none());
}

#[test]
fn a_lost_confirm_found_in_the_order_list_is_applied() {
    let mut s = quoted("Q1", T0);
    s.confirm(T0 + 1_000);
    let cmds = s.on_event(confirmed("Q1", uncertain()), T0 + 2_000);
    assert!(cmds.is_empty());
    assert_eq!(s.confirm, ConfirmState::Reconciling("Q1".into()));
    assert!(s.blocked() && s.busy() && s.money_in_flight());
    assert!(s.quote(10, T0 + 2_000).is_empty(), "buying waits");
    let cmds = s.due(T0 + 2_000, false);
    assert_eq!(
        cmds,
        vec![Command::Reconcile {
            order_id: "Q1".into(),
            card_id: Some("c1".into()),
            server_now: (T0 + 2_000) / 1000,
        }]
    );
    assert!(s.due(T0 + 2_100, false).is_empty(), "one lookup at a time");
    let found = order("Q1", "ORDER_STATUS_QUANTITY_SUCC");
    let cmds = s.on_event(reconciled("Q1", Some(found), Some(110)), T0 + 2_500);
    assert!(matches!(
        &cmds[0],
        Command::Resolve {
            journal_id: 7,
            state: EntryState::Done,
            ..
        }
    ));
    assert_eq!(s.confirm, ConfirmState::Done("Q1".into()));
    assert!(s.reconciled);
    assert_eq!(s.stock_after, Some(110));
    assert!(!s.blocked());
}

#[test]
fn a_lost_confirm_missing_from_the_list_is_not_applied_once_the_quote_is_over() {
    let mut s = quoted("Q1", T0);
    s.confirm(T0 + 1_000);
    s.on_event(confirmed("Q1", uncertain()), T0 + 2_000);
    s.due(T0 + 2_000, false);
    // Not listed while the quote is live: look again 3 s after its end.
    let cmds = s.on_event(reconciled("Q1", None, Some(100)), T0 + 2_500);
    assert!(cmds.is_empty());
    assert_eq!(s.checks[0].next_at_ms, T0 + 63_000);
    assert!(!s.due(T0 + 62_999, false).iter().any(is_reconcile));
    assert!(s.due(T0 + 63_000, false).iter().any(is_reconcile));
    let cmds = s.on_event(reconciled("Q1", None, Some(100)), T0 + 63_500);
    assert!(matches!(
        &cmds[0],
        Command::Resolve {
            journal_id: 7,
            state: EntryState::Failed,
            ..
        }
    ));
    assert_eq!(s.confirm, ConfirmState::NotApplied("Q1".into()));
    assert!(!s.blocked());
    // A late duplicate of the verdict changes nothing.
    assert!(
        s.on_event(reconciled("Q1", None, None), T0 + 64_000)
            .is_empty()
    );
}

#[test]
fn a_failed_lookup_is_tried_again_after_three_seconds() {
    let mut s = quoted("Q1", T0);
    s.confirm(T0 + 1_000);
    s.on_event(confirmed("Q1", uncertain()), T0 + 2_000);
    s.due(T0 + 2_000, false);
    let failed = WalletEvent::Reconciled {
        order_id: "Q1".into(),
        result: Err(UiError::plain("timeout")),
    };
    assert!(s.on_event(failed, T0 + 2_500).is_empty());
    assert!(s.checks[0].error.is_some());
    assert!(s.due(T0 + 5_499, false).is_empty());
    assert!(s.due(T0 + 5_500, false).iter().any(is_reconcile));
    assert_eq!(s.checks[0].tries, 2);
}

fn recharging() -> WalletSession {
    let mut s = WalletSession::default();
    assert_eq!(s.recharge(50), vec![Command::Recharge(50)]);
    assert!(s.recharge(50).is_empty(), "one order at a time");
    let started = RechargeStarted {
        journal_id: 3,
        order_id: "R1".into(),
        coins: 50,
        qrcode_url: "weixin://wxpay/bizpayurl?pr=R1".into(),
    };
    let cmds = s.on_event(WalletEvent::RechargeStarted(Ok(started)), T0);
    assert_eq!(cmds, vec![Command::LoadJournal]);
    s
}

fn status(id: &str, st: &str) -> WalletEvent {
    WalletEvent::RechargeStatus {
        order_id: id.into(),
        result: Ok(OrderInfo {
            order_type: "ORDER_TYPE_WXPAY".into(),
            ..order(id, st)
        }),
    }
}

fn poll() -> Command {
    Command::PollRecharge {
        order_id: "R1".into(),
        journal_id: Some(3),
    }
}

#[test]
fn a_recharge_is_polled_every_two_seconds_until_credited() {
    let mut s = recharging();
    assert!(s.recharge_waiting());
    assert!(s.recharge(50).is_empty(), "a waiting QR is not replaced");
    assert!(s.due(T0 + 1_999, false).is_empty());
    assert_eq!(s.due(T0 + 2_000, false), vec![poll()]);
    assert!(s.due(T0 + 3_000, false).is_empty(), "one poll at a time");
    let cmds = s.on_event(status("R1", "ORDER_STATUS_WAITING"), T0 + 2_100);
    assert!(cmds.is_empty());
    assert_eq!(s.due(T0 + 4_100, false), vec![poll()]);
    let cmds = s.on_event(status("R1", "ORDER_STATUS_FINANCE_SUCC"), T0 + 4_200);
    assert!(cmds.contains(&Command::Refresh) && cmds.contains(&Command::LoadJournal));
    assert!(
        s.due(T0 + 10_000, false).is_empty(),
        "credited: no more polls"
    );
    // Nor any wake-up: a finished order used to ask for a frame at once, on every frame.
    assert_eq!(s.next_wakeup(T0 + 10_000), None);
}

#[test]
fn recharge_polling_stops_resumes_and_times_out() {
    let mut s = recharging();
    s.stop_polling();
    assert!(s.due(T0 + 2_000, false).is_empty());
    assert_eq!(s.next_wakeup(T0 + 2_000), None);
    s.resume_polling(T0 + 5_000);
    assert_eq!(s.due(T0 + 5_000, false), vec![poll()]);
    s.on_event(status("R1", "ORDER_STATUS_WAITING"), T0 + 5_000);
    // 15 minutes after resuming, polling stops by itself.
    let late = T0 + 5_000 + 15 * 60 * 1000 + 1;
    assert!(s.due(late, false).is_empty());
    assert!(s.recharge.as_ref().unwrap().stopped);
    assert!(!s.recharge_waiting(), "a stopped QR may be replaced");
}

#[test]
fn a_simulated_payment_polls_at_once() {
    let mut s = recharging();
    assert_eq!(
        s.simulate_pay(false),
        vec![Command::SandboxPay {
            order_id: "R1".into(),
            fail: false,
        }]
    );
    s.on_event(WalletEvent::SandboxPaid(Ok(())), T0 + 500);
    assert_eq!(s.due(T0 + 500, true), vec![poll()]);
}

#[test]
fn open_journal_entries_are_adopted_at_start() {
    let mut s = WalletSession::default();
    let cmds = s.on_open(T0);
    assert!(cmds.contains(&Command::LoadJournal));
    let open = vec![
        entry(1, EntryKind::Confirm, EntryState::Pending, Some("Q1")),
        entry(2, EntryKind::Recharge, EntryState::Waiting, Some("R1")),
        entry(3, EntryKind::Recharge, EntryState::Pending, None),
        entry(4, EntryKind::Quote, EntryState::Pending, None),
    ];
    let cmds = s.on_event(WalletEvent::Journal(Ok((open.clone(), Vec::new()))), T0);
    assert_eq!(
        cmds[0],
        Command::PollRecharge {
            order_id: "R1".into(),
            journal_id: Some(2),
        }
    );
    assert!(matches!(
        &cmds[1..],
        [
            Command::Resolve {
                journal_id: 3,
                state: EntryState::Failed,
                ..
            },
            Command::Resolve {
                journal_id: 4,
                state: EntryState::Failed,
                ..
            },
        ]
    ));
    // The crashed confirm is reconciled before anything else can be bought.
    assert_eq!(s.checks.len(), 1);
    assert_eq!(s.checks[0].journal_id, Some(1));
    assert_eq!(s.checks[0].expires_at_ms, T0 + 60_000);
    assert!(s.blocked());
    // A listing read before the closes landed reopens nothing and adds no second check.
    let cmds = s.on_event(WalletEvent::Journal(Ok((open, Vec::new()))), T0 + 100);
    assert_eq!(cmds, vec![poll_of("R1", 2)]);
    assert_eq!(s.checks.len(), 1);
    assert!(s.due(T0 + 100, false).iter().any(is_reconcile));
}

fn poll_of(order: &str, id: i64) -> Command {
    Command::PollRecharge {
        order_id: order.into(),
        journal_id: Some(id),
    }
}

#[test]
fn an_entry_of_a_call_in_flight_is_left_to_its_answer() {
    let mut s = quoted("Q1", T0);
    s.confirm(T0 + 1_000);
    let open = vec![entry(
        7,
        EntryKind::Confirm,
        EntryState::Pending,
        Some("Q1"),
    )];
    s.on_event(WalletEvent::Journal(Ok((open, Vec::new()))), T0 + 1_100);
    assert!(s.checks.is_empty());
    assert_eq!(s.confirm, ConfirmState::Sending("Q1".into()));
}

#[test]
fn the_wakeup_ticks_while_a_quote_counts_down_and_sleeps_at_rest() {
    let s = WalletSession::default();
    assert_eq!(s.next_wakeup(T0), None);
    let s = quoted("Q1", T0);
    assert_eq!(s.next_wakeup(T0 + 10_000), Some(Duration::from_millis(250)));
    assert_eq!(
        s.next_wakeup(T0 + 60_000),
        None,
        "an expired quote is at rest"
    );
}

#[test]
fn the_simulators_clock_is_read_each_second_while_a_quote_is_live() {
    let mut s = quoted("Q1", T0);
    assert_eq!(s.due(T0, true), vec![Command::SyncClock]);
    assert!(s.due(T0 + 999, true).is_empty());
    assert_eq!(s.due(T0 + 1_000, true), vec![Command::SyncClock]);
    assert!(
        s.due(T0 + 2_000, false).is_empty(),
        "never with a real account"
    );
    assert!(
        s.due(T0 + 70_000, true).is_empty(),
        "nor once the quote is over"
    );
}

#[test]
fn choosing_another_card_drops_the_quote() {
    let mut s = quoted("Q1", T0);
    s.choose_card(Some("c2".into()));
    assert!(s.quote.is_none());
    assert!(s.confirm(T0).is_empty());
}

#[test]
fn pushed_orders_only_inform_the_table_and_never_move_money() {
    // A confirm of Q1 whose outcome is unknown, and a recharge waiting to be paid.
    let mut s = quoted("Q1", T0);
    s.confirm(T0 + 1000);
    s.on_event(confirmed("Q1", uncertain()), T0 + 2000);
    assert_eq!(s.checks.len(), 1);
    let mut r = recharging();
    // WeChat pushes both orders as done (the company server relays them), plus a reminder.
    for session in [&mut s, &mut r] {
        let checks = session.checks.clone();
        let confirm = session.confirm.clone();
        let recharge = session.recharge.clone();
        let cmds = session.on_event(
            WalletEvent::Pushed {
                orders: vec![
                    order("Q1", "ORDER_STATUS_SUCC"),
                    order("R1", "ORDER_STATUS_SUCC"),
                ],
                reminded: std::collections::BTreeSet::from(["c1".to_owned()]),
            },
            T0 + 3000,
        );
        // Nothing is sent, settled or closed because of them: the journal's protocol and
        // getorder still decide (the card list is only read while the panel is shown).
        assert!(cmds.is_empty(), "{cmds:?}");
        assert_eq!(session.checks, checks);
        assert_eq!(session.confirm, confirm);
        assert_eq!(session.recharge, recharge);
        assert_eq!(session.orders.pushed.len(), 2);
    }
    // Shown, the new reminder reads the stock again; the same reminder again reads nothing.
    let mut shown = WalletSession::default();
    shown.on_open(T0);
    let pushed = |card: &str| WalletEvent::Pushed {
        orders: Vec::new(),
        reminded: std::collections::BTreeSet::from([card.to_owned()]),
    };
    assert_eq!(shown.on_event(pushed("c1"), T0), vec![Command::ListCards]);
    assert!(shown.on_event(pushed("c1"), T0).is_empty());
    // A colleague's recharge pushed: the balance is read again (a read, never a money call),
    // once; the same order pushed again reads nothing; a new state of it reads again.
    let paid = |status: &str| WalletEvent::Pushed {
        orders: vec![order("R9", status)],
        reminded: std::collections::BTreeSet::from(["c1".to_owned()]),
    };
    assert_eq!(
        shown.on_event(paid("ORDER_STATUS_WAITING"), T0),
        vec![Command::Refresh]
    );
    assert!(shown.on_event(paid("ORDER_STATUS_WAITING"), T0).is_empty());
    assert_eq!(
        shown.on_event(paid("ORDER_STATUS_SUCC"), T0),
        vec![Command::Refresh]
    );
}
