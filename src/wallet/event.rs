//! The IO answers the wallet session handles.

pub use crate::message::UiError;

use crate::api::CardDetails;

/// How a confirm ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfirmOutcome {
    /// WeChat answered ok: the stock was added.
    Done,
    /// WeChat refused (nothing moved); the errcode when there was one.
    Refused(UiError, Option<i64>),
    /// The request may or may not have arrived: reconcile before anything else.
    Uncertain(UiError),
    /// Not sent: the journal already has a confirm of this order, or could not be written.
    NotSent(UiError),
}

/// A recharge order as started.
#[derive(Clone, Debug)]
pub struct RechargeStarted {
    /// The journal row.
    pub journal_id: i64,
    /// WeChat's order id.
    pub order_id: String,
    /// Whole coins asked for.
    pub coins: u32,
    /// The WeChat Pay URL to show as a QR code.
    pub qrcode_url: String,
}

/// Answers for the Wallet panel (from the app's IO side to the session).
#[derive(Clone, Debug)]
pub enum WalletEvent {
    /// getcoinsinfo.
    Balance(Result<crate::api::pay::CoinsInfo, UiError>),
    /// activate: the reward.
    Activated(Result<i64, UiError>),
    /// The cards to buy stock for.
    Cards(Result<Vec<CardDetails>, UiError>),
    /// A card's stock (card/get).
    Stock {
        /// The card.
        card_id: String,
        /// `sku.quantity`, or why not.
        result: Result<Option<i64>, UiError>,
    },
    /// getpayprice answered.
    Quoted {
        /// The card.
        card_id: String,
        /// Units.
        quantity: u32,
        /// Server time (ms) when the request was sent.
        sent_at_ms: i64,
        /// The quote or why not.
        result: Result<crate::api::pay::PayPrice, UiError>,
    },
    /// confirm ended.
    Confirmed {
        /// The quote's order id.
        order_id: String,
        /// The journal row (None when not even written).
        journal_id: Option<i64>,
        /// How it ended.
        outcome: ConfirmOutcome,
    },
    /// The order list and the card's stock, looked up to settle an uncertain confirm.
    Reconciled {
        /// The order id looked for.
        order_id: String,
        /// The order when listed, and the stock now; or why the lookup failed.
        result: Result<(Option<crate::api::pay::OrderInfo>, Option<i64>), UiError>,
    },
    /// recharge answered.
    RechargeStarted(Result<RechargeStarted, UiError>),
    /// getorder answered for a recharge.
    RechargeStatus {
        /// The order.
        order_id: String,
        /// Its state or why the lookup failed.
        result: Result<crate::api::pay::OrderInfo, UiError>,
    },
    /// The simulator paid (or failed) a recharge.
    SandboxPaid(Result<(), UiError>),
    /// getorderlist.
    Orders(Result<crate::api::pay::OrderList, UiError>),
    /// The simulator's clock: server time minus local time (ms).
    ClockSkew(i64),
    /// The journal: open entries (oldest first) and the most recent ones.
    Journal(Result<(Vec<crate::store::Entry>, Vec<crate::store::Entry>), UiError>),
    /// A CSV was written.
    Exported(Result<std::path::PathBuf, UiError>),
    /// What a company server relayed, in full each time: the coin orders WeChat pushed
    /// (`card_pay_order`, one per OrderId) and the cards it sent a stock reminder for. They
    /// inform the order table and the alerts only.
    Pushed {
        /// The pushed orders, newest first.
        orders: Vec<crate::api::pay::OrderInfo>,
        /// The cards reminded about.
        reminded: std::collections::BTreeSet<String>,
    },
}
