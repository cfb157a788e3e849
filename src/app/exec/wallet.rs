//! The Wallet panel's commands, wired to the real journal (SQLite on the blocking pool), the
//! real `ApiClient` and the tokio runtime. The journal protocol itself ("write the row, then
//! call, then close the row") is [`crate::wallet::journal`]; this file only connects it.

use std::future::Future;
use std::sync::{Arc, Mutex};

use super::super::events::{Event, UiError, WalletEvent};
use super::super::io::Io;
use super::design::{fetch_card, list_cards};
use super::{Backend, api_error};
use crate::api::SandboxAdmin;
use crate::api::pay::{OrderInfo, OrderList, OrderListQuery, PayPrice, Recharge};
use crate::api::{ApiClient, ApiError};
use crate::store::{Entry, EntryKind, EntryState, NewEntry, Store, StoreError};
use crate::wallet::Command;
use crate::wallet::journal::{self, JournalStore, PayApi};

fn wallet(e: WalletEvent) -> Event {
    Event::Wallet(e)
}

/// The SQLite journal, reached from async code on the blocking pool.
/// The journal on the app's SQLite store, on the blocking pool.
#[derive(Clone)]
pub(super) struct Sqlite(pub(super) Arc<Mutex<Store>>);

impl Sqlite {
    /// Runs `f` on the store (SQLite is blocking).
    async fn on_store<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let store = Arc::clone(&self.0);
        tokio::task::spawn_blocking(move || {
            let guard = store
                .lock()
                .map_err(|_| StoreError::Poisoned("journal".into()))?;
            f(&guard)
        })
        .await
        .map_err(|e| StoreError::Poisoned(e.to_string()))?
    }
}

impl JournalStore for Sqlite {
    fn begin(
        &self,
        kind: EntryKind,
        entry: NewEntry,
    ) -> impl Future<Output = Result<i64, StoreError>> + Send {
        self.on_store(move |s| s.journal_begin(kind, &entry))
    }

    fn update(
        &self,
        id: i64,
        state: EntryState,
        detail: String,
        order_id: Option<String>,
        coins: Option<i64>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        self.on_store(move |s| s.journal_update(id, state, &detail, order_id.as_deref(), coins))
    }

    fn list(
        &self,
        account: String,
        recent: u32,
    ) -> impl Future<Output = Result<(Vec<Entry>, Vec<Entry>), StoreError>> + Send {
        self.on_store(move |s| {
            Ok((
                s.journal_open(&account)?,
                s.journal_recent(&account, recent)?,
            ))
        })
    }
}

/// The real pay endpoints.
/// The pay endpoints through the app's client.
pub(super) struct Wechat<'a>(pub(super) &'a ApiClient);

impl PayApi for Wechat<'_> {
    fn get_pay_price(
        &self,
        card_id: &str,
        quantity: u32,
    ) -> impl Future<Output = Result<PayPrice, ApiError>> + Send {
        self.0.get_pay_price(card_id, quantity)
    }

    fn confirm(
        &self,
        card_id: &str,
        order_id: &str,
        quantity: u32,
    ) -> impl Future<Output = Result<(), ApiError>> + Send {
        self.0.confirm(card_id, order_id, quantity)
    }

    fn recharge(&self, coins: u32) -> impl Future<Output = Result<Recharge, ApiError>> + Send {
        self.0.recharge(coins)
    }

    fn get_order(
        &self,
        order_id: &str,
    ) -> impl Future<Output = Result<OrderInfo, ApiError>> + Send {
        self.0.get_order(order_id)
    }

    fn get_order_list(
        &self,
        query: &OrderListQuery,
    ) -> impl Future<Output = Result<OrderList, ApiError>> + Send {
        self.0.get_order_list(query)
    }

    async fn card_stock(&self, card_id: &str) -> Result<Option<i64>, UiError> {
        fetch_card(self.0, card_id).await.map(|c| c.quantity)
    }
}

/// Runs one Wallet command.
pub fn run(cmd: Command, io: &Io, backend: &Arc<Backend>, store: Option<&Arc<Mutex<Store>>>) {
    let client = backend.client.clone();
    let account = backend.account_key();
    let store = store.cloned().map(Sqlite);
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
            let api = Wechat(&client);
            wallet(
                journal::quote(store.as_ref(), &api, account, card_id, quantity, sent_at_ms).await,
            )
        }),
        Command::Confirm(quote) => io.spawn(async move {
            wallet(journal::confirm(store.as_ref(), &Wechat(&client), account, quote).await)
        }),
        Command::Reconcile {
            order_id,
            card_id,
            server_now,
        } => io.spawn(async move {
            wallet(journal::reconcile(&Wechat(&client), order_id, card_id, server_now).await)
        }),
        Command::Resolve {
            journal_id,
            state,
            detail,
        } => {
            let Some(store) = store else { return };
            io.spawn(async move {
                wallet(journal::resolve(&store, account, journal_id, state, detail).await)
            });
        }
        Command::Recharge(coins) => io.spawn(async move {
            wallet(journal::recharge(store.as_ref(), &Wechat(&client), account, coins).await)
        }),
        Command::PollRecharge {
            order_id,
            journal_id,
        } => io.spawn(async move {
            let api = Wechat(&client);
            wallet(journal::poll_recharge(store.as_ref(), &api, order_id, journal_id).await)
        }),
        Command::SandboxPay { order_id, fail } => {
            let Some(admin) = admin(backend) else {
                return;
            };
            io.spawn(async move {
                wallet(WalletEvent::SandboxPaid(
                    sandbox_pay(admin, &order_id, fail).await,
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
            let Some(admin) = admin(backend) else {
                return;
            };
            io.spawn(async move {
                match sandbox_now(admin).await {
                    Some(skew) => wallet(WalletEvent::ClockSkew(skew)),
                    None => Event::Nothing,
                }
            });
        }
        Command::LoadJournal => {
            let Some(store) = store else { return };
            io.spawn(async move { wallet(journal::load(&store, account).await) });
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

/// The simulator's admin client (with its key), or `None` on a real account.
fn admin(backend: &Backend) -> Option<Result<SandboxAdmin, UiError>> {
    super::sim_admin(backend, 10)
}

/// Pays (or fails) a recharge through the simulator's admin API.
async fn sandbox_pay(
    admin: Result<SandboxAdmin, UiError>,
    order_id: &str,
    fail: bool,
) -> Result<(), UiError> {
    admin?
        .pay_recharge(order_id, fail)
        .await
        .map_err(|e| UiError::plain(e.to_string()))
}

/// The simulator's clock minus the local clock, in ms.
async fn sandbox_now(admin: Result<SandboxAdmin, UiError>) -> Option<i64> {
    let server = admin.ok()?.now().await.ok()?;
    Some(server * 1000 - chrono::Utc::now().timestamp_millis())
}
