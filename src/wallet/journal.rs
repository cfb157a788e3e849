//! The journal protocol of the money calls, free of egui and of any real IO: write the
//! journal row, then call, then close the row with the outcome.
//!
//! It is written against two small traits, [`JournalStore`] (the SQLite journal in
//! `crate::store`) and [`PayApi`] (the WeChat pay endpoints), so that tests drive it with
//! fakes; the app wires them to the real store, the real `ApiClient` and the tokio runtime.
//!
//! What it guarantees:
//! - a confirm is sent only after its row is written, and the row is unique per order, so a
//!   second confirm of one order is refused by the store before it can be sent;
//! - every call's row is closed with its outcome (done, failed, uncertain, or waiting for a
//!   recharge's payment); a row left open (a crash, a failed write) is what the next start
//!   reconciles.

use std::future::Future;

use crate::api::ApiError;
use crate::api::pay::{OrderInfo, OrderList, OrderListQuery, PayPrice, Recharge};
use crate::i18n::T;
use crate::store::{Entry, EntryKind, EntryState, NewEntry, StoreError};

use super::{
    ConfirmOutcome, LiveQuote, RechargeStarted, RechargeState, UiError, WalletEvent, recharge_state,
};

/// Pages of the order list searched when reconciling (50 orders a page).
pub const RECONCILE_PAGES: u32 = 10;
/// Orders a page of a reconciliation lookup.
const RECONCILE_PAGE_SIZE: u32 = 50;
/// Journal entries listed beside the open ones.
const RECENT_ENTRIES: u32 = 20;

/// The money journal as the protocol needs it.
pub trait JournalStore: Sync {
    /// Writes a row in state [`EntryState::Pending`] and returns its id. A second confirm of
    /// one order fails with [`StoreError::AlreadySent`].
    fn begin(
        &self,
        kind: EntryKind,
        entry: NewEntry,
    ) -> impl Future<Output = Result<i64, StoreError>> + Send;

    /// Closes (or moves on) a row: its state, the outcome in words, and what became known.
    fn update(
        &self,
        id: i64,
        state: EntryState,
        detail: String,
        order_id: Option<String>,
        coins: Option<i64>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The account's open rows (oldest first) and its `recent` latest rows.
    fn list(
        &self,
        account: String,
        recent: u32,
    ) -> impl Future<Output = Result<(Vec<Entry>, Vec<Entry>), StoreError>> + Send;
}

/// The pay endpoints the protocol calls.
pub trait PayApi: Sync {
    /// getpayprice.
    fn get_pay_price(
        &self,
        card_id: &str,
        quantity: u32,
    ) -> impl Future<Output = Result<PayPrice, ApiError>> + Send;

    /// confirm: money-moving, sent at most once; a lost answer is [`ApiError::Uncertain`].
    fn confirm(
        &self,
        card_id: &str,
        order_id: &str,
        quantity: u32,
    ) -> impl Future<Output = Result<(), ApiError>> + Send;

    /// recharge: money-moving, sent at most once; the order and its WeChat Pay URL.
    fn recharge(&self, coins: u32) -> impl Future<Output = Result<Recharge, ApiError>> + Send;

    /// getorder.
    fn get_order(&self, order_id: &str)
    -> impl Future<Output = Result<OrderInfo, ApiError>> + Send;

    /// getorderlist.
    fn get_order_list(
        &self,
        query: &OrderListQuery,
    ) -> impl Future<Output = Result<OrderList, ApiError>> + Send;

    /// A card's stock (card/get's `sku.quantity`).
    fn card_stock(
        &self,
        card_id: &str,
    ) -> impl Future<Output = Result<Option<i64>, UiError>> + Send;
}

/// An API error in both languages, with WeChat's explanation when the code is known.
fn shown(e: &ApiError) -> UiError {
    UiError::api(e)
}

/// A store error as shown to the user.
fn store_error(e: &StoreError) -> UiError {
    UiError::fill(T::DbError, &[("error", e)])
}

/// Money calls need the journal; without a store they are not sent.
fn no_store() -> UiError {
    UiError::of(T::NoStoreForMoney)
}

/// Records an outcome; a failure to record is logged, since the answer itself must still
/// reach the session (the open row is then reconciled on the next start).
async fn record<S: JournalStore>(
    store: &S,
    id: i64,
    state: EntryState,
    detail: String,
    order_id: Option<String>,
    coins: Option<i64>,
) {
    if let Err(e) = store.update(id, state, detail, order_id, coins).await {
        tracing::warn!("journal entry {id} not updated: {e}");
    }
}

/// getpayprice, journalled: the quote's order id and price are recorded when it is issued.
pub async fn quote<S: JournalStore, A: PayApi>(
    store: Option<&S>,
    api: &A,
    account: String,
    card_id: String,
    quantity: u32,
    sent_at_ms: i64,
) -> WalletEvent {
    let result = quote_journalled(store, api, account, &card_id, quantity).await;
    WalletEvent::Quoted {
        card_id,
        quantity,
        sent_at_ms,
        result,
    }
}

async fn quote_journalled<S: JournalStore, A: PayApi>(
    store: Option<&S>,
    api: &A,
    account: String,
    card_id: &str,
    quantity: u32,
) -> Result<PayPrice, UiError> {
    let store = store.ok_or_else(no_store)?;
    let entry = NewEntry {
        account,
        card_id: Some(card_id.to_owned()),
        quantity: Some(i64::from(quantity)),
        ..NewEntry::default()
    };
    let id = store
        .begin(EntryKind::Quote, entry)
        .await
        .map_err(|e| store_error(&e))?;
    let result = api.get_pay_price(card_id, quantity).await;
    match &result {
        Ok(p) => {
            let (order, price) = (Some(p.order_id.clone()), Some(p.price.0));
            record(store, id, EntryState::Done, String::new(), order, price).await;
        }
        Err(e) => record(store, id, EntryState::Failed, e.to_string(), None, None).await,
    }
    result.map_err(|e| shown(&e))
}

/// confirm, journalled: the unique row is the permission to send, so a confirm whose row
/// cannot be written (or already exists) is not sent at all.
pub async fn confirm<S: JournalStore, A: PayApi>(
    store: Option<&S>,
    api: &A,
    account: String,
    quote: LiveQuote,
) -> WalletEvent {
    let order_id = quote.order_id.clone();
    let Some(store) = store else {
        return confirmed(order_id, None, ConfirmOutcome::NotSent(no_store()));
    };
    let entry = NewEntry {
        account,
        card_id: Some(quote.card_id.clone()),
        order_id: Some(order_id.clone()),
        quantity: Some(i64::from(quote.quantity)),
        coins: Some(quote.price.price.0),
    };
    let id = match store.begin(EntryKind::Confirm, entry).await {
        Ok(id) => id,
        Err(e) => return confirmed(order_id, None, ConfirmOutcome::NotSent(store_error(&e))),
    };
    let result = api
        .confirm(&quote.card_id, &quote.order_id, quote.quantity)
        .await;
    let (state, detail, outcome) = match result {
        Ok(()) => (EntryState::Done, String::new(), ConfirmOutcome::Done),
        Err(e @ ApiError::Uncertain { .. }) => (
            EntryState::Uncertain,
            e.to_string(),
            ConfirmOutcome::Uncertain(shown(&e)),
        ),
        // A refusal leaves the row open too: the session looks the order and the stock up
        // and closes it with what they say (no errcode is trusted to mean "nothing moved").
        Err(e) => (
            EntryState::Uncertain,
            format!("{e} (refused; to be checked against the order list)"),
            ConfirmOutcome::Refused(shown(&e), e.errcode()),
        ),
    };
    record(store, id, state, detail, None, None).await;
    confirmed(order_id, Some(id), outcome)
}

fn confirmed(order_id: String, journal_id: Option<i64>, outcome: ConfirmOutcome) -> WalletEvent {
    WalletEvent::Confirmed {
        order_id,
        journal_id,
        outcome,
    }
}

/// recharge, journalled: the row waits for the payment with the order id once WeChat made it.
pub async fn recharge<S: JournalStore, A: PayApi>(
    store: Option<&S>,
    api: &A,
    account: String,
    coins: u32,
) -> WalletEvent {
    WalletEvent::RechargeStarted(recharge_journalled(store, api, account, coins).await)
}

async fn recharge_journalled<S: JournalStore, A: PayApi>(
    store: Option<&S>,
    api: &A,
    account: String,
    coins: u32,
) -> Result<RechargeStarted, UiError> {
    let store = store.ok_or_else(no_store)?;
    let entry = NewEntry {
        account,
        coins: Some(i64::from(coins) * 100),
        ..NewEntry::default()
    };
    let id = store
        .begin(EntryKind::Recharge, entry)
        .await
        .map_err(|e| store_error(&e))?;
    match api.recharge(coins).await {
        Ok(r) => {
            let order = Some(r.order_id.clone());
            record(store, id, EntryState::Waiting, String::new(), order, None).await;
            Ok(RechargeStarted {
                journal_id: id,
                order_id: r.order_id,
                coins,
                qrcode_url: r.qrcode_url,
            })
        }
        Err(e) => {
            // A recharge order whose QR was never shown cannot be paid, so an uncertain
            // recharge moved no money: it is closed as failed, with the reason.
            record(store, id, EntryState::Failed, e.to_string(), None, None).await;
            Err(shown(&e))
        }
    }
}

/// getorder for a recharge; its row is closed once the order is final (credited or failed).
pub async fn poll_recharge<S: JournalStore, A: PayApi>(
    store: Option<&S>,
    api: &A,
    order_id: String,
    journal_id: Option<i64>,
) -> WalletEvent {
    let result = api.get_order(&order_id).await;
    if let (Ok(order), Some(id), Some(store)) = (&result, journal_id, store) {
        let state = match recharge_state(&order.status) {
            RechargeState::Credited => Some(EntryState::Done),
            RechargeState::Failed => Some(EntryState::Failed),
            RechargeState::Waiting | RechargeState::Paid => None,
        };
        if let Some(state) = state {
            record(store, id, state, order.status.clone(), None, None).await;
        }
    }
    WalletEvent::RechargeStatus {
        order_id,
        result: result.map_err(|e| shown(&e)),
    }
}

/// Closes a row with what reconciliation found, then lists the journal again.
pub async fn resolve<S: JournalStore>(
    store: &S,
    account: String,
    journal_id: i64,
    state: EntryState,
    detail: String,
) -> WalletEvent {
    record(store, journal_id, state, detail, None, None).await;
    load(store, account).await
}

/// The journal: open rows (oldest first) and the latest ones.
pub async fn load<S: JournalStore>(store: &S, account: String) -> WalletEvent {
    WalletEvent::Journal(
        store
            .list(account, RECENT_ENTRIES)
            .await
            .map_err(|e| store_error(&e)),
    )
}

/// Looks for `order_id` among the coins-to-stock orders of the last two days (server time,
/// Unix seconds), and reads the card's stock.
pub async fn reconcile<A: PayApi>(
    api: &A,
    order_id: String,
    card_id: Option<String>,
    server_now: i64,
) -> WalletEvent {
    let result = look_up(api, &order_id, card_id.as_deref(), server_now).await;
    WalletEvent::Reconciled { order_id, result }
}

async fn look_up<A: PayApi>(
    api: &A,
    order_id: &str,
    card_id: Option<&str>,
    server_now: i64,
) -> Result<(Option<OrderInfo>, Option<i64>), UiError> {
    let mut found = None;
    for page in 0..RECONCILE_PAGES {
        let query = OrderListQuery {
            offset: page * RECONCILE_PAGE_SIZE,
            count: RECONCILE_PAGE_SIZE,
            order_type: Some("ORDER_TYPE_REDUCE".into()),
            exclude_status: None,
            ascending: false,
            begin_time: Some(server_now - 2 * 86_400),
            end_time: Some(server_now + 3_600),
        };
        let list = api.get_order_list(&query).await.map_err(|e| shown(&e))?;
        let n = list.order_list.len();
        found = list.order_list.into_iter().find(|o| o.order_id == order_id);
        let seen = i64::from((page + 1) * RECONCILE_PAGE_SIZE);
        if found.is_some() || n < RECONCILE_PAGE_SIZE as usize || seen >= list.total_num {
            break;
        }
    }
    let stock = match card_id {
        Some(id) => api.card_stock(id).await?,
        None => None,
    };
    Ok((found, stock))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::wallet::fakes::{Fate, World, run_now};

    fn live_quote(world: &World, order: &str) -> LiveQuote {
        world.issue_quote(order, "c1", 10);
        let price = world.price(order);
        LiveQuote::new("c1", 10, price, world.server_ms())
    }

    #[test]
    fn a_confirm_is_journalled_then_sent_then_closed_as_done() {
        let w = World::new();
        let q = live_quote(&w, "Q1");
        let ev = run_now(confirm(Some(&w.store()), &w.api(), "acct".into(), q)).unwrap();
        let WalletEvent::Confirmed {
            journal_id: Some(id),
            outcome: ConfirmOutcome::Done,
            ..
        } = ev
        else {
            panic!("{ev:?}")
        };
        assert_eq!(w.row(id).state, EntryState::Done);
        assert_eq!(w.confirm_calls("Q1"), 1);
        assert!(w.applied("Q1"));
    }

    #[test]
    fn a_second_confirm_of_one_order_is_never_sent() {
        let w = World::new();
        let q = live_quote(&w, "Q1");
        run_now(confirm(
            Some(&w.store()),
            &w.api(),
            "acct".into(),
            q.clone(),
        ))
        .unwrap();
        let ev = run_now(confirm(Some(&w.store()), &w.api(), "acct".into(), q)).unwrap();
        assert!(matches!(
            ev,
            WalletEvent::Confirmed {
                journal_id: None,
                outcome: ConfirmOutcome::NotSent(_),
                ..
            }
        ));
        assert_eq!(w.confirm_calls("Q1"), 1);
    }

    #[test]
    fn a_lost_answer_and_a_refusal_both_leave_the_row_open_for_the_order_list() {
        let w = World::new();
        let q = live_quote(&w, "Q1");
        w.push_fate(Fate::LostAfter);
        let ev = run_now(confirm(Some(&w.store()), &w.api(), "acct".into(), q)).unwrap();
        let WalletEvent::Confirmed {
            journal_id: Some(id),
            outcome: ConfirmOutcome::Uncertain(_),
            ..
        } = ev
        else {
            panic!("{ev:?}")
        };
        assert_eq!(w.row(id).state, EntryState::Uncertain);
        assert!(w.applied("Q1"));

        let q = live_quote(&w, "Q2");
        w.push_fate(Fate::Refused);
        let ev = run_now(confirm(Some(&w.store()), &w.api(), "acct".into(), q)).unwrap();
        let WalletEvent::Confirmed {
            journal_id: Some(id),
            outcome: ConfirmOutcome::Refused(_, Some(_)),
            ..
        } = ev
        else {
            panic!("{ev:?}")
        };
        // The refusal's errcode is not taken for "nothing moved": the row waits for the
        // session's lookup of the order list and the stock.
        assert_eq!(w.row(id).state, EntryState::Uncertain);
        assert!(w.row(id).detail.contains("refused"), "{:?}", w.row(id));
        assert!(!w.applied("Q2"));
    }

    #[test]
    fn a_crash_mid_call_leaves_the_row_open_and_without_a_store_nothing_is_sent() {
        let w = World::new();
        let q = live_quote(&w, "Q1");
        w.push_fate(Fate::HangAfter);
        assert!(
            run_now(confirm(
                Some(&w.store()),
                &w.api(),
                "acct".into(),
                q.clone()
            ))
            .is_none()
        );
        assert_eq!(w.open_rows().len(), 1);
        assert!(w.applied("Q1"));
        let none: Option<&crate::wallet::fakes::FakeStore> = None;
        let ev = run_now(confirm(none, &w.api(), "acct".into(), q)).unwrap();
        assert!(matches!(
            ev,
            WalletEvent::Confirmed {
                outcome: ConfirmOutcome::NotSent(_),
                ..
            }
        ));
        assert_eq!(w.confirm_calls("Q1"), 1);
    }

    #[test]
    fn a_recharge_row_waits_for_payment_and_closes_when_final() {
        let w = World::new();
        let ev = run_now(recharge(Some(&w.store()), &w.api(), "acct".into(), 50)).unwrap();
        let WalletEvent::RechargeStarted(Ok(started)) = ev else {
            panic!("{ev:?}")
        };
        assert_eq!(w.row(started.journal_id).state, EntryState::Waiting);
        let poll = || {
            run_now(poll_recharge(
                Some(&w.store()),
                &w.api(),
                started.order_id.clone(),
                Some(started.journal_id),
            ))
            .unwrap()
        };
        poll();
        assert_eq!(w.row(started.journal_id).state, EntryState::Waiting);
        w.pay_recharge(&started.order_id, false);
        poll();
        assert_eq!(w.row(started.journal_id).state, EntryState::Done);
    }

    #[test]
    fn a_failed_recharge_call_is_closed_as_failed() {
        let w = World::new();
        w.push_fate(Fate::LostBefore);
        let ev = run_now(recharge(Some(&w.store()), &w.api(), "acct".into(), 50)).unwrap();
        assert!(matches!(ev, WalletEvent::RechargeStarted(Err(_))));
        assert!(w.open_rows().is_empty());
    }

    #[test]
    fn reconciliation_finds_the_order_and_the_stock() {
        let w = World::new();
        let q = live_quote(&w, "Q1");
        w.push_fate(Fate::LostAfter);
        run_now(confirm(Some(&w.store()), &w.api(), "acct".into(), q)).unwrap();
        let now = w.server_ms() / 1000;
        let ev = run_now(reconcile(&w.api(), "Q1".into(), Some("c1".into()), now)).unwrap();
        let WalletEvent::Reconciled {
            result: Ok((Some(order), Some(stock))),
            ..
        } = ev
        else {
            panic!("{ev:?}")
        };
        assert_eq!(order.order_id, "Q1");
        assert_eq!(stock, w.stock("c1"));
        let ev = run_now(reconcile(&w.api(), "Q9".into(), None, now)).unwrap();
        assert!(matches!(
            ev,
            WalletEvent::Reconciled {
                result: Ok((None, None)),
                ..
            }
        ));
    }
}
