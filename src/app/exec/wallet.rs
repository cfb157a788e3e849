//! The Wallet panel's commands. Every quote, confirm and recharge is journalled in SQLite
//! before it is sent and updated with its outcome; a confirm whose journal row cannot be
//! written (or already exists) is not sent at all.

use std::sync::{Arc, Mutex};

use super::super::events::{ConfirmOutcome, Event, RechargeStarted, UiError, WalletEvent};
use super::super::io::Io;
use super::design::{fetch_card, list_cards};
use super::{Backend, api_error, store_error};
use crate::api::ApiError;
use crate::api::pay::{OrderInfo, OrderListQuery};
use crate::store::{EntryKind, EntryState, NewEntry, Store, StoreError};
use crate::ui::wallet::Command;

/// Pages of the order list searched when reconciling (50 orders a page).
const RECONCILE_PAGES: u32 = 10;

fn wallet(e: WalletEvent) -> Event {
    Event::Wallet(e)
}

/// Runs `f` on the store from async code (SQLite is blocking).
async fn on_store<T: Send + 'static>(
    store: &Arc<Mutex<Store>>,
    f: impl FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    let store = Arc::clone(store);
    tokio::task::spawn_blocking(move || {
        let guard = store
            .lock()
            .map_err(|_| StoreError::Poisoned("journal".into()))?;
        f(&guard)
    })
    .await
    .map_err(|e| StoreError::Poisoned(e.to_string()))?
}

/// Records an outcome; a failure to record is logged, since the answer itself must still
/// reach the panel (the open row is then reconciled on the next start).
async fn record(
    store: &Arc<Mutex<Store>>,
    id: i64,
    state: EntryState,
    detail: String,
    order_id: Option<String>,
    coins: Option<i64>,
) {
    let result = on_store(store, move |s| {
        s.journal_update(id, state, &detail, order_id.as_deref(), coins)
    })
    .await;
    if let Err(e) = result {
        tracing::warn!("journal entry {id} not updated: {e}");
    }
}

fn no_store() -> UiError {
    UiError::of(crate::i18n::T::NoStoreForMoney)
}

/// Runs one Wallet command.
pub fn run(cmd: Command, io: &Io, backend: &Arc<Backend>, store: Option<&Arc<Mutex<Store>>>) {
    let client = backend.client.clone();
    let account = backend.account_key();
    let store = store.cloned();
    match cmd {
        Command::Refresh => io.spawn(async move {
            wallet(WalletEvent::Balance(
                client.get_coins_info().await.map_err(|e| api_error(&e)),
            ))
        }),
        Command::Activate => io.spawn(async move {
            wallet(WalletEvent::Activated(
                client.pay_activate().await.map_err(|e| api_error(&e)),
            ))
        }),
        Command::ListCards => {
            io.spawn(async move { wallet(WalletEvent::Cards(list_cards(&client).await)) });
        }
        Command::Stock(card_id) => io.spawn(async move {
            let result = fetch_card(&client, &card_id).await.map(|c| c.quantity);
            wallet(WalletEvent::Stock { card_id, result })
        }),
        Command::Quote {
            card_id,
            quantity,
            sent_at_ms,
        } => io.spawn(async move {
            let Some(store) = store else {
                return wallet(WalletEvent::Quoted {
                    card_id,
                    quantity,
                    sent_at_ms,
                    result: Err(no_store()),
                });
            };
            let entry = NewEntry {
                account,
                card_id: Some(card_id.clone()),
                quantity: Some(i64::from(quantity)),
                ..NewEntry::default()
            };
            let id =
                match on_store(&store, move |s| s.journal_begin(EntryKind::Quote, &entry)).await {
                    Ok(id) => id,
                    Err(e) => {
                        return wallet(WalletEvent::Quoted {
                            card_id,
                            quantity,
                            sent_at_ms,
                            result: Err(store_error(&e)),
                        });
                    }
                };
            let result = client.get_pay_price(&card_id, quantity).await;
            match &result {
                Ok(p) => {
                    record(
                        &store,
                        id,
                        EntryState::Done,
                        String::new(),
                        Some(p.order_id.clone()),
                        Some(p.price.0),
                    )
                    .await;
                }
                Err(e) => record(&store, id, EntryState::Failed, e.to_string(), None, None).await,
            }
            wallet(WalletEvent::Quoted {
                card_id,
                quantity,
                sent_at_ms,
                result: result.map_err(|e| api_error(&e)),
            })
        }),
        Command::Confirm(quote) => io.spawn(async move {
            let order_id = quote.order_id.clone();
            let Some(store) = store else {
                return wallet(WalletEvent::Confirmed {
                    order_id,
                    journal_id: None,
                    outcome: ConfirmOutcome::NotSent(no_store()),
                });
            };
            let entry = NewEntry {
                account,
                card_id: Some(quote.card_id.clone()),
                order_id: Some(order_id.clone()),
                quantity: Some(i64::from(quote.quantity)),
                coins: Some(quote.price.price.0),
            };
            // The unique row is the permission to send: a second confirm of the order fails here.
            let id = match on_store(&store, move |s| s.journal_begin(EntryKind::Confirm, &entry))
                .await
            {
                Ok(id) => id,
                Err(e) => {
                    return wallet(WalletEvent::Confirmed {
                        order_id,
                        journal_id: None,
                        outcome: ConfirmOutcome::NotSent(store_error(&e)),
                    });
                }
            };
            let result = client
                .confirm(&quote.card_id, &quote.order_id, quote.quantity)
                .await;
            let (state, detail, outcome) = match result {
                Ok(()) => (EntryState::Done, String::new(), ConfirmOutcome::Done),
                Err(e @ ApiError::Uncertain { .. }) => (
                    EntryState::Uncertain,
                    e.to_string(),
                    ConfirmOutcome::Uncertain(api_error(&e)),
                ),
                Err(e) => (
                    EntryState::Failed,
                    e.to_string(),
                    ConfirmOutcome::Refused(api_error(&e), e.errcode()),
                ),
            };
            record(&store, id, state, detail, None, None).await;
            wallet(WalletEvent::Confirmed {
                order_id,
                journal_id: Some(id),
                outcome,
            })
        }),
        Command::Reconcile {
            order_id,
            card_id,
            server_now,
        } => io.spawn(async move {
            let result = reconcile(&client, &order_id, card_id.as_deref(), server_now).await;
            wallet(WalletEvent::Reconciled { order_id, result })
        }),
        Command::Resolve {
            journal_id,
            state,
            detail,
        } => {
            let Some(store) = store else { return };
            io.spawn(async move {
                record(&store, journal_id, state, detail, None, None).await;
                wallet(WalletEvent::Journal(load_journal(&store, account).await))
            });
        }
        Command::Recharge(coins) => io.spawn(async move {
            let Some(store) = store else {
                return wallet(WalletEvent::RechargeStarted(Err(no_store())));
            };
            wallet(WalletEvent::RechargeStarted(
                recharge(&client, &store, account, coins).await,
            ))
        }),
        Command::PollRecharge {
            order_id,
            journal_id,
        } => io.spawn(async move {
            let result = client.get_order(&order_id).await;
            if let (Ok(order), Some(id), Some(store)) = (&result, journal_id, &store) {
                let state = match crate::wallet::recharge_state(&order.status) {
                    crate::wallet::RechargeState::Credited => Some(EntryState::Done),
                    crate::wallet::RechargeState::Failed => Some(EntryState::Failed),
                    _ => None,
                };
                if let Some(state) = state {
                    record(store, id, state, order.status.clone(), None, None).await;
                }
            }
            wallet(WalletEvent::RechargeStatus {
                order_id,
                result: result.map_err(|e| api_error(&e)),
            })
        }),
        Command::SandboxPay { order_id, fail } => {
            let Some(base) = backend.sandbox_url().map(str::to_owned) else {
                return;
            };
            io.spawn(async move {
                wallet(WalletEvent::SandboxPaid(
                    sandbox_pay(&base, &order_id, fail).await,
                ))
            });
        }
        Command::Orders(query) => io.spawn(async move {
            wallet(WalletEvent::Orders(
                client
                    .get_order_list(&query)
                    .await
                    .map_err(|e| api_error(&e)),
            ))
        }),
        Command::SyncClock => {
            let Some(base) = backend.sandbox_url().map(str::to_owned) else {
                return;
            };
            io.spawn(async move {
                match sandbox_now(&base).await {
                    Some(skew) => wallet(WalletEvent::ClockSkew(skew)),
                    None => Event::Nothing,
                }
            });
        }
        Command::LoadJournal => {
            let Some(store) = store else { return };
            io.spawn(
                async move { wallet(WalletEvent::Journal(load_journal(&store, account).await)) },
            );
        }
        Command::ExportCsv(bytes) => io.spawn(async move {
            let Some(file) = rfd::AsyncFileDialog::new()
                .add_filter("CSV", &["csv"])
                .set_file_name("orders.csv")
                .save_file()
                .await
            else {
                return Event::Nothing;
            };
            let path = file.path().to_owned();
            wallet(WalletEvent::Exported(
                tokio::fs::write(&path, bytes)
                    .await
                    .map(|()| path)
                    .map_err(|e| UiError::plain(e.to_string())),
            ))
        }),
    }
}

async fn load_journal(
    store: &Arc<Mutex<Store>>,
    account: String,
) -> Result<(Vec<crate::store::Entry>, Vec<crate::store::Entry>), UiError> {
    on_store(store, move |s| {
        Ok((s.journal_open(&account)?, s.journal_recent(&account, 20)?))
    })
    .await
    .map_err(|e| store_error(&e))
}

/// Looks for `order_id` among the coins-to-stock orders of the last two days (server time),
/// and reads the card's stock.
async fn reconcile(
    client: &crate::api::ApiClient,
    order_id: &str,
    card_id: Option<&str>,
    server_now: i64,
) -> Result<(Option<OrderInfo>, Option<i64>), UiError> {
    let mut found = None;
    for page in 0..RECONCILE_PAGES {
        let query = OrderListQuery {
            offset: page * 50,
            count: 50,
            order_type: Some("ORDER_TYPE_REDUCE".into()),
            exclude_status: None,
            ascending: false,
            begin_time: Some(server_now - 2 * 86_400),
            end_time: Some(server_now + 3_600),
        };
        let list = client
            .get_order_list(&query)
            .await
            .map_err(|e| api_error(&e))?;
        let n = list.order_list.len();
        found = list.order_list.into_iter().find(|o| o.order_id == order_id);
        if found.is_some() || n < 50 || i64::from((page + 1) * 50) >= list.total_num {
            break;
        }
    }
    let stock = match card_id {
        Some(id) => fetch_card(client, id).await?.quantity,
        None => None,
    };
    Ok((found, stock))
}

async fn recharge(
    client: &crate::api::ApiClient,
    store: &Arc<Mutex<Store>>,
    account: String,
    coins: u32,
) -> Result<RechargeStarted, UiError> {
    let entry = NewEntry {
        account,
        coins: Some(i64::from(coins) * 100),
        ..NewEntry::default()
    };
    let id = on_store(store, move |s| s.journal_begin(EntryKind::Recharge, &entry))
        .await
        .map_err(|e| store_error(&e))?;
    match client.recharge(coins).await {
        Ok(r) => {
            record(
                store,
                id,
                EntryState::Waiting,
                String::new(),
                Some(r.order_id.clone()),
                None,
            )
            .await;
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
            Err(api_error(&e))
        }
    }
}

fn admin_client() -> Result<reqwest::Client, UiError> {
    reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .map_err(|e| UiError::plain(e.to_string()))
}

/// Pays (or fails) a recharge through the simulator's admin API.
async fn sandbox_pay(base: &str, order_id: &str, fail: bool) -> Result<(), UiError> {
    let resp = admin_client()?
        .post(format!("{base}/sandbox/recharge/pay"))
        .json(&serde_json::json!({"order_id": order_id, "fail": fail}))
        .send()
        .await
        .map_err(|e| UiError::plain(e.to_string()))?;
    if resp.status().is_success() {
        Ok(())
    } else {
        let text = resp.text().await.unwrap_or_default();
        Err(UiError::plain(text))
    }
}

/// The simulator's clock minus the local clock, in ms.
async fn sandbox_now(base: &str) -> Option<i64> {
    let v: serde_json::Value = admin_client()
        .ok()?
        .get(format!("{base}/sandbox/clock"))
        .send()
        .await
        .ok()?
        .json()
        .await
        .ok()?;
    let server = v.get("now")?.as_i64()?;
    Some(server * 1000 - chrono::Utc::now().timestamp_millis())
}
