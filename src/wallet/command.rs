//! The requests the wallet session asks the app to run.

use crate::api::pay::OrderListQuery;
use crate::store::EntryState;

use super::LiveQuote;

/// A request the wallet session asks the app to run (the app answers each with a
/// [`super::WalletEvent`], possibly late, twice, or never after a crash).
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
