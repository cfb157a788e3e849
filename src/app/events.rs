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
            Self::Stats(_) | Self::Redeem(_) | Self::Placement(_) | Self::Wallet(_) => true,
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
}

/// A backend built for an account, ready to replace the running one.
pub struct Switch {
    /// The account's id (`None` = the sandbox).
    pub id: Option<String>,
    /// The new backend.
    pub backend: crate::app::Backend,
}

impl std::fmt::Debug for Switch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Switch({:?}, {})", self.id, self.backend.api_base)
    }
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
    Switched(Result<Box<Switch>, UiError>),
    /// The log folder could not be opened.
    LogsOpened(Result<(), UiError>),
}
