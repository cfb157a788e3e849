//! What the IO runtime answers the shell with: one event per panel (their types live in
//! `crate::message` and `crate::wallet`, below the UI), plus the shell's own account work.

pub use crate::message::{DesignEvent, PlacementEvent, RedeemEvent, StatsEvent, UiError};
pub use crate::wallet::WalletEvent;

/// Finished IO work.
#[derive(Debug)]
pub enum Event {
    /// For the Design panel.
    Design(DesignEvent),
    /// For the Stats panel.
    Stats(StatsEvent),
    /// For the Redeem panel.
    Redeem(RedeemEvent),
    /// For the Placement panel.
    Placement(PlacementEvent),
    /// For the Wallet panel.
    Wallet(WalletEvent),
    /// For the accounts part of Settings (the shell handles these: they may switch backend).
    Accounts(AccountsEvent),
    /// From the company server's feed (the shell hands them on to the panels).
    Server(FeedEvent),
    /// Nothing to report (a dialog was cancelled, a viewer was started).
    Nothing,
}

impl Event {
    /// Whether the answer is about the account it was asked of (its cards, stock, codes,
    /// statistics, lookups), so that it is stale once the app switched accounts. Local work
    /// (drafts, files, accounts) and facts that stay true (a card was created or updated, an
    /// image was uploaded) are not.
    pub fn account_bound(&self) -> bool {
        match self {
            Self::Stats(_)
            | Self::Redeem(_)
            | Self::Placement(_)
            | Self::Wallet(_)
            | Self::Server(_) => true,
            Self::Design(e) => e.account_bound(),
            Self::Accounts(_) | Self::Nothing => false,
        }
    }
}

macro_rules! into_event {
    ($($ty:ty => $variant:ident),+ $(,)?) => {
        $(impl From<$ty> for Event {
            fn from(e: $ty) -> Self {
                Self::$variant(e)
            }
        })+
    };
}

into_event! {
    DesignEvent => Design,
    StatsEvent => Stats,
    RedeemEvent => Redeem,
    PlacementEvent => Placement,
    WalletEvent => Wallet,
    AccountsEvent => Accounts,
    FeedEvent => Server,
}

/// What the company server's feed tells the shell; each one is news (an unchanged read
/// sends nothing, so that an idle app paints nothing).
#[derive(Debug)]
pub enum FeedEvent {
    /// The events cached for this account by earlier runs, and when the server last
    /// answered (Unix seconds; `None`: never).
    Cached {
        /// Oldest first.
        events: Vec<crate::api::CardEvent>,
        /// The last good read.
        fetched_at: Option<i64>,
    },
    /// A read succeeded: the events new since the last one (maybe none, when the server
    /// answers again after a failure), already in the cache.
    Fetched {
        /// Oldest first.
        events: Vec<crate::api::CardEvent>,
        /// When (Unix seconds).
        at: i64,
    },
    /// The server cannot be reached or answered with an error; the feed retries by itself.
    Unreachable(UiError),
    /// The server refused the API key (401).
    KeyRefused,
}

/// A backend built for an account, ready to replace the running one.
pub struct Switch {
    /// The account's id (`None` = the sandbox).
    pub id: Option<String>,
    /// The merchant's AppID, when the account is a platform's.
    pub merchant: Option<String>,
    /// The new backend.
    pub backend: crate::app::Backend,
}

impl std::fmt::Debug for Switch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Switch({:?}, {:?}, {})",
            self.id, self.merchant, self.backend.api_base
        )
    }
}

/// Why a switch did not happen, and whether the merchant it was for is gone.
#[derive(Debug)]
pub struct SwitchRefused {
    /// The words.
    pub error: UiError,
    /// The platform account and merchant, when the platform said the merchant is not (or no
    /// longer) authorized: it leaves the list.
    pub gone: Option<(String, String)>,
}

/// Answers for the accounts part of Settings.
#[derive(Debug)]
pub enum AccountsEvent {
    /// Whether a keyring service answers.
    KeyringProbed(Result<(), String>),
    /// The list after a save or removal, where the secret went, and the AppIDs with a secret.
    Saved {
        /// The stored list or why not.
        list: Result<crate::accounts::Accounts, UiError>,
        /// Where a newly typed secret went.
        stored: Option<crate::accounts::Stored>,
        /// AppIDs whose secret is available.
        with_secret: Vec<String>,
    },
    /// A connection test: the number of colours card/getcolors answered, or the error.
    Tested(Result<usize, UiError>),
    /// A backend for the chosen account, or why not.
    Switched(Result<Box<Switch>, SwitchRefused>),
    /// A platform account's merchants, or why not.
    Merchants {
        /// The platform account's id.
        account: String,
        /// The list the server answered.
        result: Result<Vec<crate::api::Merchant>, UiError>,
    },
    /// The authorization page for a platform account, or why not.
    Authorization {
        /// The platform account's id.
        account: String,
        /// The page.
        result: Result<crate::api::AuthorizationLink, UiError>,
    },
    /// A withdrawal event of the merchant in use, checked with a fresh token: whether the
    /// platform answered that the merchant no longer authorizes it (an old withdrawal, from
    /// before the merchant authorized again, is not).
    WithdrawalChecked {
        /// The platform account's id.
        account: String,
        /// The merchant.
        appid: String,
        /// Whether it is gone.
        gone: bool,
    },
    /// The log folder could not be opened.
    LogsOpened(Result<(), UiError>),
}
