//! The wallet, free of egui and of IO: the money rules (the 60-second quote and its safety
//! margin, what a reconciliation concludes, recharge states, order labels and CSV export), the
//! [`WalletSession`] state machine the Wallet panel drives, and the journal protocol the app
//! runs its money calls through.
//!
//! Time here is the server's clock in Unix milliseconds. In sandbox mode the app follows the
//! simulator's clock, which tests and demos can move forward; with a real account it is the
//! local clock.
//!
//! Layers: [`Command`] and [`WalletEvent`] sit below both the panel that drives the session and
//! the app that runs the commands, so neither side imports the other.

mod alerts;
mod command;
mod cost;
mod event;
pub mod journal;
mod labels;
mod orders;
mod quote;
mod session;
mod stockable;
mod verdict;

#[cfg(test)]
mod fakes;
#[cfg(test)]
mod properties;

pub use alerts::{LowStock, REMIND_AFTER, REMIND_AT, StockAlert, card_stock_alert, stock_alert};
pub use command::Command;
pub use cost::CostEstimate;
pub use event::{ConfirmOutcome, RechargeStarted, UiError, WalletEvent};
pub use labels::{
    ORDER_STATUSES, ORDER_TYPES, beijing_time, orders_csv, status_text, summary, type_text,
};
pub use orders::{OrdersView, PAGE_SIZE, Row};
pub use quote::{
    CONFIRM_MARGIN_SECS, LiveQuote, MAX_QUANTITY, MAX_RECHARGE, QUOTE_LIFE_SECS,
    RECHARGE_POLL_SECS, RECHARGE_TIMEOUT_SECS, RECONCILE_GRACE_SECS, recharge_for, shortfall,
};
pub use session::{Check, ConfirmState, NOT_ENOUGH_COINS, Recharge, WalletSession};
pub use stockable::{NotStockable, not_stockable};
pub use verdict::{
    ConfirmVerdict, RechargeState, judge_confirm, judge_refused_confirm, recharge_state,
};
