//! Test fakes: a fake WeChat pay server and a fake journal sharing one world with a clock,
//! so the session and the journal protocol can be driven with no network and no SQLite.
//!
//! Every API call takes the next [`Fate`] from a queue (an answer when the queue is empty):
//! the call can be refused, its answer lost before or after the server acted, or the call can
//! hang forever, which is how a crash mid-call looks to the protocol.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::future::Future;
use std::pin::pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use crate::api::ApiError;
use crate::api::pay::{OrderInfo, OrderList, OrderListQuery, PayPrice, Recharge};
use crate::card::pricing::Coins;
use crate::errcode;
use crate::store::{Entry, EntryKind, EntryState, NewEntry, StoreError};
use crate::wallet::journal::{JournalStore, PayApi};
use crate::wallet::{QUOTE_LIFE_SECS, UiError};

/// Local time the world starts at (Unix ms).
pub const START_MS: i64 = 1_800_000_000_000;
/// A unit of stock costs this many coin hundredths.
const UNIT_PRICE: i64 = 60;

/// What happens to one API call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    /// The server acts and answers.
    Answer,
    /// The server refuses (an errcode); nothing moves.
    Refused,
    /// The connection drops before the server saw the request.
    LostBefore,
    /// The server acts, then the answer is lost.
    LostAfter,
    /// The call never returns, the server never saw it (a crash while sending).
    HangBefore,
    /// The server acts and the call never returns (a crash while waiting).
    HangAfter,
}

impl Fate {
    /// Whether the server sees the request.
    fn reaches(self) -> bool {
        matches!(self, Self::Answer | Self::LostAfter | Self::HangAfter)
    }

    fn hangs(self) -> bool {
        matches!(self, Self::HangBefore | Self::HangAfter)
    }
}

/// A quote the fake server issued.
#[derive(Clone, Debug)]
struct Quote {
    card_id: String,
    quantity: u32,
    expires_ms: i64,
    used: bool,
}

#[derive(Debug, Default)]
struct Inner {
    local_ms: i64,
    skew_ms: i64,
    fates: VecDeque<Fate>,
    update_faults: VecDeque<bool>,
    update_faults_hit: u32,
    quotes: HashMap<String, Quote>,
    next_id: u64,
    stock: HashMap<String, i64>,
    orders: Vec<OrderInfo>,
    recharges: BTreeMap<String, String>,
    confirm_calls: HashMap<String, u32>,
    rows: Vec<Entry>,
}

impl Inner {
    fn server_ms(&self) -> i64 {
        self.local_ms + self.skew_ms
    }

    fn fate(&mut self) -> Fate {
        self.fates.pop_front().unwrap_or(Fate::Answer)
    }

    fn id(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!("{prefix}{}", self.next_id)
    }
}

/// The fake server, journal and clock.
#[derive(Clone, Debug)]
pub struct World(Arc<Mutex<Inner>>);

impl Default for World {
    fn default() -> Self {
        Self::new()
    }
}

impl World {
    /// A world at [`START_MS`] with card `c1` holding 100 units.
    pub fn new() -> Self {
        let mut inner = Inner {
            local_ms: START_MS,
            ..Inner::default()
        };
        inner.stock.insert("c1".into(), 100);
        Self(Arc::new(Mutex::new(inner)))
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.0.lock().unwrap()
    }

    /// The journal.
    pub fn store(&self) -> FakeStore {
        FakeStore(self.clone())
    }

    /// The pay API.
    pub fn api(&self) -> FakeApi {
        FakeApi(self.clone())
    }

    /// Local time (ms).
    pub fn local_ms(&self) -> i64 {
        self.lock().local_ms
    }

    /// Server time (ms).
    pub fn server_ms(&self) -> i64 {
        self.lock().server_ms()
    }

    /// Server minus local time (ms).
    pub fn skew_ms(&self) -> i64 {
        self.lock().skew_ms
    }

    /// Moves the local clock (and with it the server's) forward.
    pub fn advance(&self, ms: i64) {
        self.lock().local_ms += ms;
    }

    /// Moves only the server's clock forward (the simulator's clock advance).
    pub fn advance_server(&self, ms: i64) {
        self.lock().skew_ms += ms;
    }

    /// The fate of the next API call.
    pub fn push_fate(&self, fate: Fate) {
        self.lock().fates.push_back(fate);
    }

    /// Drops the fates not used yet (the world settles).
    pub fn clear_fates(&self) {
        self.lock().fates.clear();
    }

    /// Whether the next journal update fails.
    pub fn push_update_fault(&self, fails: bool) {
        self.lock().update_faults.push_back(fails);
    }

    /// Journal updates that failed so far.
    pub fn update_faults_hit(&self) -> u32 {
        self.lock().update_faults_hit
    }

    /// Drops the store faults not used yet.
    pub fn clear_update_faults(&self) {
        self.lock().update_faults.clear();
    }

    /// Issues a quote with a chosen order id, as getpayprice would now.
    pub fn issue_quote(&self, order_id: &str, card_id: &str, quantity: u32) {
        let mut w = self.lock();
        let expires_ms = w.server_ms() + (QUOTE_LIFE_SECS * 1000.0) as i64;
        w.quotes.insert(
            order_id.to_owned(),
            Quote {
                card_id: card_id.to_owned(),
                quantity,
                expires_ms,
                used: false,
            },
        );
    }

    /// The price of an issued quote.
    pub fn price(&self, order_id: &str) -> PayPrice {
        let w = self.lock();
        let q = &w.quotes[order_id];
        price_of(order_id, q.quantity)
    }

    /// Confirms of `order_id` that reached the API (whatever became of them).
    pub fn confirm_calls(&self, order_id: &str) -> u32 {
        self.lock()
            .confirm_calls
            .get(order_id)
            .copied()
            .unwrap_or(0)
    }

    /// Every order id a confirm was called for, with the count.
    pub fn all_confirm_calls(&self) -> HashMap<String, u32> {
        self.lock().confirm_calls.clone()
    }

    /// Whether the server applied a confirm of `order_id`.
    pub fn applied(&self, order_id: &str) -> bool {
        self.lock().orders.iter().any(|o| o.order_id == order_id)
    }

    /// A card's stock.
    pub fn stock(&self, card_id: &str) -> i64 {
        self.lock().stock.get(card_id).copied().unwrap_or(0)
    }

    /// Pays (or fails) a recharge order.
    pub fn pay_recharge(&self, order_id: &str, fail: bool) -> bool {
        let mut w = self.lock();
        let status = if fail {
            "ORDER_STATUS_ROLLBACK"
        } else {
            "ORDER_STATUS_FINANCE_SUCC"
        };
        match w.recharges.get_mut(order_id) {
            Some(s) if s == "ORDER_STATUS_WAITING" => {
                *s = status.to_owned();
                true
            }
            _ => false,
        }
    }

    /// Fails every recharge still waiting (the world settles).
    pub fn settle_recharges(&self) {
        let mut w = self.lock();
        for s in w.recharges.values_mut() {
            if s == "ORDER_STATUS_WAITING" {
                *s = "ORDER_STATUS_ROLLBACK".into();
            }
        }
    }

    /// A journal row.
    pub fn row(&self, id: i64) -> Entry {
        self.lock()
            .rows
            .iter()
            .find(|r| r.id == id)
            .cloned()
            .unwrap()
    }

    /// Every journal row.
    pub fn rows(&self) -> Vec<Entry> {
        self.lock().rows.clone()
    }

    /// The rows whose outcome is not known.
    pub fn open_rows(&self) -> Vec<Entry> {
        self.lock()
            .rows
            .iter()
            .filter(|r| r.state.is_open())
            .cloned()
            .collect()
    }
}

fn price_of(order_id: &str, quantity: u32) -> PayPrice {
    let total = Coins(i64::from(quantity) * UNIT_PRICE);
    PayPrice {
        order_id: order_id.to_owned(),
        price: total,
        free_coin: total,
        pay_coin: Coins(0),
    }
}

fn begin_row(w: &mut Inner, kind: EntryKind, e: &NewEntry) -> Result<i64, StoreError> {
    if kind == EntryKind::Confirm
        && w.rows.iter().any(|r| {
            r.kind == EntryKind::Confirm && r.account == e.account && r.order_id == e.order_id
        })
    {
        return Err(StoreError::AlreadySent(
            e.order_id.clone().unwrap_or_default(),
        ));
    }
    let id = i64::try_from(w.rows.len()).unwrap() + 1;
    let t = w.local_ms / 1000;
    w.rows.push(Entry {
        id,
        kind,
        account: e.account.clone(),
        card_id: e.card_id.clone(),
        order_id: e.order_id.clone(),
        quantity: e.quantity,
        coins: e.coins,
        state: EntryState::Pending,
        detail: String::new(),
        created_at: t,
        updated_at: t,
    });
    Ok(id)
}

/// The fake journal.
#[derive(Clone, Debug)]
pub struct FakeStore(World);

impl JournalStore for FakeStore {
    fn begin(
        &self,
        kind: EntryKind,
        entry: NewEntry,
    ) -> impl Future<Output = Result<i64, StoreError>> + Send {
        std::future::ready(begin_row(&mut self.0.lock(), kind, &entry))
    }

    fn update(
        &self,
        id: i64,
        state: EntryState,
        detail: String,
        order_id: Option<String>,
        coins: Option<i64>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        let mut w = self.0.lock();
        let result = if w.update_faults.pop_front().unwrap_or(false) {
            w.update_faults_hit += 1;
            Err(StoreError::Poisoned("fake fault".into()))
        } else {
            let t = w.local_ms / 1000;
            match w.rows.iter_mut().find(|r| r.id == id) {
                Some(r) => {
                    r.state = state;
                    r.detail = detail;
                    r.order_id = order_id.or(r.order_id.take());
                    r.coins = coins.or(r.coins);
                    r.updated_at = t;
                    Ok(())
                }
                None => Err(StoreError::NoEntry(id)),
            }
        };
        std::future::ready(result)
    }

    fn list(
        &self,
        account: String,
        recent: u32,
    ) -> impl Future<Output = Result<(Vec<Entry>, Vec<Entry>), StoreError>> + Send {
        let w = self.0.lock();
        let mine = || w.rows.iter().filter(|r| r.account == account);
        let open = mine().filter(|r| r.state.is_open()).cloned().collect();
        let latest = mine().rev().take(recent as usize).cloned().collect();
        std::future::ready(Ok((open, latest)))
    }
}

/// The fake pay API.
#[derive(Clone, Debug)]
pub struct FakeApi(World);

/// An answer that arrives, is lost, or never comes, by its fate.
async fn answer<T>(fate: Fate, endpoint: &str, result: Result<T, ApiError>) -> Result<T, ApiError> {
    if fate.hangs() {
        std::future::pending::<()>().await;
    }
    match fate {
        Fate::LostBefore | Fate::LostAfter => Err(ApiError::Uncertain {
            endpoint: endpoint.to_owned(),
            reason: "connection reset".into(),
        }),
        Fate::Refused => Err(wechat(errcode::API_LIMIT)),
        _ => result,
    }
}

fn wechat(errcode: i64) -> ApiError {
    ApiError::WeChat {
        errcode,
        errmsg: "fake".into(),
    }
}

impl PayApi for FakeApi {
    fn get_pay_price(
        &self,
        card_id: &str,
        quantity: u32,
    ) -> impl Future<Output = Result<PayPrice, ApiError>> + Send {
        let mut w = self.0.lock();
        let fate = w.fate();
        let result = if fate.reaches() {
            let order_id = w.id("Q");
            let expires_ms = w.server_ms() + (QUOTE_LIFE_SECS * 1000.0) as i64;
            w.quotes.insert(
                order_id.clone(),
                Quote {
                    card_id: card_id.to_owned(),
                    quantity,
                    expires_ms,
                    used: false,
                },
            );
            Ok(price_of(&order_id, quantity))
        } else {
            Err(wechat(0))
        };
        answer(fate, "/card/pay/getpayprice", result)
    }

    fn confirm(
        &self,
        card_id: &str,
        order_id: &str,
        quantity: u32,
    ) -> impl Future<Output = Result<(), ApiError>> + Send {
        let mut w = self.0.lock();
        *w.confirm_calls.entry(order_id.to_owned()).or_default() += 1;
        let fate = w.fate();
        let now = w.server_ms();
        let result = if fate.reaches() {
            let verdict = match w.quotes.get_mut(order_id) {
                Some(q) if q.used => Err(errcode::ORDER_EXPIRED),
                Some(q) if now >= q.expires_ms => Err(errcode::ORDER_UNKNOWN),
                Some(q) if q.card_id == card_id && q.quantity == quantity => {
                    q.used = true;
                    Ok(())
                }
                _ => Err(errcode::ORDER_EXPIRED),
            };
            if verdict.is_ok() {
                *w.stock.entry(card_id.to_owned()).or_default() += i64::from(quantity);
                w.orders.push(OrderInfo {
                    order_id: order_id.to_owned(),
                    status: "ORDER_STATUS_QUANTITY_SUCC".into(),
                    create_time: now / 1000,
                    pay_finish_time: now / 1000,
                    desc: format!("{quantity}"),
                    free_coin_count: Coins(i64::from(quantity) * UNIT_PRICE),
                    pay_coin_count: Coins(0),
                    refund_free_coin_count: Coins(0),
                    refund_pay_coin_count: Coins(0),
                    order_type: "ORDER_TYPE_REDUCE".into(),
                });
            }
            verdict.map_err(wechat)
        } else {
            Err(wechat(0))
        };
        answer(fate, "/card/pay/confirm", result)
    }

    fn recharge(&self, _coins: u32) -> impl Future<Output = Result<Recharge, ApiError>> + Send {
        let mut w = self.0.lock();
        let fate = w.fate();
        let result = if fate.reaches() {
            let order_id = w.id("R");
            w.recharges
                .insert(order_id.clone(), "ORDER_STATUS_WAITING".into());
            Ok(Recharge {
                qrcode_url: format!("weixin://wxpay/bizpayurl?pr={order_id}"),
                order_id,
                qrcode_buffer: Vec::new(),
            })
        } else {
            Err(wechat(0))
        };
        answer(fate, "/card/pay/recharge", result)
    }

    fn get_order(
        &self,
        order_id: &str,
    ) -> impl Future<Output = Result<OrderInfo, ApiError>> + Send {
        let mut w = self.0.lock();
        let fate = w.fate();
        let result = match w.recharges.get(order_id) {
            Some(status) => Ok(OrderInfo {
                order_id: order_id.to_owned(),
                status: status.clone(),
                create_time: 0,
                pay_finish_time: 0,
                desc: String::new(),
                free_coin_count: Coins(0),
                pay_coin_count: Coins(0),
                refund_free_coin_count: Coins(0),
                refund_pay_coin_count: Coins(0),
                order_type: "ORDER_TYPE_WXPAY".into(),
            }),
            None => Err(wechat(errcode::ORDER_USED)),
        };
        answer(fate, "/card/pay/getorder", result)
    }

    fn get_order_list(
        &self,
        query: &OrderListQuery,
    ) -> impl Future<Output = Result<OrderList, ApiError>> + Send {
        let mut w = self.0.lock();
        let fate = w.fate();
        let mut rows: Vec<OrderInfo> = w
            .orders
            .iter()
            .filter(|o| {
                query
                    .order_type
                    .as_deref()
                    .is_none_or(|t| o.order_type == t)
            })
            .filter(|o| query.begin_time.is_none_or(|b| o.create_time >= b))
            .filter(|o| query.end_time.is_none_or(|e| o.create_time <= e))
            .cloned()
            .collect();
        if !query.ascending {
            rows.reverse();
        }
        let total_num = i64::try_from(rows.len()).unwrap();
        let page = rows
            .into_iter()
            .skip(query.offset as usize)
            .take(query.count as usize)
            .collect();
        let result = Ok(OrderList {
            total_num,
            order_list: page,
        });
        answer(fate, "/card/pay/getorderlist", result)
    }

    fn card_stock(
        &self,
        card_id: &str,
    ) -> impl Future<Output = Result<Option<i64>, UiError>> + Send {
        let stock = self.0.lock().stock.get(card_id).copied();
        std::future::ready(Ok(stock))
    }
}

/// Runs a future that the fakes make ready at once; `None` when it hangs (a crash mid-call:
/// the future is dropped like a killed task).
pub fn run_now<F: Future>(f: F) -> Option<F::Output> {
    let mut f = pin!(f);
    match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(v) => Some(v),
        Poll::Pending => None,
    }
}

/// A stock order of 600 free coins (order P1, 2015-12-21), in the given status: for the label
/// and verdict tests.
pub fn sample_order(status: &str) -> OrderInfo {
    OrderInfo {
        order_id: "P1".into(),
        status: status.into(),
        create_time: 1_450_712_798,
        pay_finish_time: 0,
        desc: "兑换库存, 10 张".into(),
        free_coin_count: Coins(600),
        pay_coin_count: Coins(0),
        refund_free_coin_count: Coins(0),
        refund_pay_coin_count: Coins(0),
        order_type: "ORDER_TYPE_REDUCE".into(),
    }
}
