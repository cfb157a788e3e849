//! What the IO side answers the Design panel with: drafts, lookups, images and cards.

use super::{ImageSlot, PreparedImage, UiError};
use crate::api::{CardDetails, Poi};
use crate::store::{Draft, DraftMeta};

/// Finished work for the Design panel.
#[derive(Debug)]
pub enum DesignEvent {
    /// The draft list.
    Drafts(Result<Vec<DraftMeta>, UiError>),
    /// A draft was opened (or created, duplicated or imported and then opened).
    DraftOpened(Result<Draft, UiError>),
    /// A draft body was saved.
    DraftSaved {
        /// Which draft.
        id: i64,
        /// The outcome.
        result: Result<(), UiError>,
    },
    /// Colour palette: `(name, "#rrggbb")`, or why it failed (the offline palette is used).
    Colors(Result<Vec<(String, String)>, UiError>),
    /// Store list.
    Stores(Result<Vec<Poi>, UiError>),
    /// A file was chosen in the dialog for a slot.
    ImagePicked(ImageSlot, std::path::PathBuf),
    /// The system could not show a file dialog (no XDG portal): use the built-in chooser.
    NoFileDialog(ImageSlot),
    /// A picked or dropped file was converted.
    ImagePrepared {
        /// Where it goes.
        slot: ImageSlot,
        /// The prepared image or why not.
        result: Result<PreparedImage, UiError>,
    },
    /// An image finished uploading.
    ImageUploaded {
        /// Where it goes.
        slot: ImageSlot,
        /// The CDN URL or why not.
        result: Result<String, UiError>,
    },
    /// card/create answered.
    CardCreated {
        /// The draft it came from.
        draft_id: Option<i64>,
        /// The card id or why not.
        result: Result<String, UiError>,
    },
    /// card/get answered (review status polling and opening a card).
    CardFetched {
        /// The card id.
        card_id: String,
        /// The card or why not.
        result: Result<Box<CardDetails>, UiError>,
    },
    /// card/batchget + card/get answered.
    CardsListed(Result<Vec<CardDetails>, UiError>),
    /// card/update answered with send_check.
    CardUpdated {
        /// The card id.
        card_id: String,
        /// send_check or why not.
        result: Result<bool, UiError>,
    },
    /// A JSON file was read for import: its name and text.
    Imported(Result<(String, String), UiError>),
    /// A file was written.
    Exported(Result<std::path::PathBuf, UiError>),
    /// A picture the card has only as a URL, fetched (or read from the cache) and decoded.
    ImageFetched {
        /// Where it shows.
        slot: ImageSlot,
        /// Its URL.
        url: String,
        /// The pixels (no JPEG: nothing to upload), or why not.
        result: Result<PreparedImage, UiError>,
    },
    /// The coin balance (getcoinsinfo), for the cost of stock beside the preview.
    Balance(Result<crate::card::pricing::Coins, UiError>),
    /// 载入示例活动 finished: the demo card's id and a customer's unused code, or why not.
    DemoLoaded(Result<(String, Option<String>), UiError>),
    /// What the company server relayed: review results new since the last such answer (in
    /// the order they came), and every card WeChat sent a stock reminder for.
    Pushed {
        /// New review results.
        reviews: Vec<crate::pushed::Review>,
        /// The cards reminded about low stock.
        reminded: std::collections::BTreeSet<String>,
    },
    /// Nothing to report (a dialog was cancelled).
    Nothing,
}

/// What an answer to the Design panel belongs to, so that it lands nowhere else.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Bound {
    /// The account it was asked of (its stores, colours and cards): stale once the app
    /// switched accounts.
    Account,
    /// The data scope it was asked in (a platform's merchant, or the person's own accounts):
    /// the drafts, the open document, a created or updated card's outcome, an imported file.
    Scope,
    /// Neither: a file written, nothing to report.
    Neither,
}

impl DesignEvent {
    /// Every answer named once, so that a new one must be given its place.
    fn bound(&self) -> Bound {
        match self {
            Self::Colors(_)
            | Self::Stores(_)
            | Self::CardFetched { .. }
            | Self::CardsListed(_)
            | Self::DemoLoaded(_)
            | Self::Pushed { .. }
            | Self::Balance(_) => Bound::Account,
            Self::Drafts(_)
            | Self::DraftOpened(_)
            | Self::DraftSaved { .. }
            | Self::ImagePicked(..)
            | Self::NoFileDialog(_)
            | Self::ImagePrepared { .. }
            | Self::ImageUploaded { .. }
            | Self::ImageFetched { .. }
            | Self::CardCreated { .. }
            | Self::CardUpdated { .. }
            | Self::Imported(_) => Bound::Scope,
            Self::Exported(_) | Self::Nothing => Bound::Neither,
        }
    }

    /// Whether the answer is about the drafts or the open document of the data scope it was
    /// asked in (a platform's merchant, or the person's own accounts), so that it must not
    /// land on another scope's: a draft list or an opened draft, a picture for the open
    /// document, a created or updated card's outcome, an imported file.
    pub fn scope_bound(&self) -> bool {
        self.bound() == Bound::Scope
    }

    /// Whether the answer is about the account it was asked of (its stores, colours and
    /// cards), so that it is stale once the app switched accounts. Local work (drafts, files)
    /// and facts that stay true (a card was created or updated, an image was uploaded) are not.
    pub fn account_bound(&self) -> bool {
        self.bound() == Bound::Account
    }
}
