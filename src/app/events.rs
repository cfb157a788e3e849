//! What the IO runtime answers with, and the image slots the editor has.

use crate::store::{Draft, DraftMeta};

/// An error to show, already in both languages (the IO side knows the details).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UiError {
    /// Chinese text.
    pub zh: String,
    /// English text.
    pub en: String,
}

impl UiError {
    /// The same text in both languages (technical messages such as paths).
    pub fn plain(text: impl Into<String>) -> Self {
        let text = text.into();
        Self {
            zh: text.clone(),
            en: text,
        }
    }

    /// A text of the string table.
    pub fn of(key: crate::i18n::T) -> Self {
        Self {
            zh: key.zh().to_owned(),
            en: key.en().to_owned(),
        }
    }

    /// A text of the string table with its `{name}` placeholders filled.
    pub fn fill(key: crate::i18n::T, args: &[(&str, &dyn std::fmt::Display)]) -> Self {
        Self {
            zh: key.fill(crate::i18n::Lang::Zh, args),
            en: key.fill(crate::i18n::Lang::En, args),
        }
    }

    /// The text in `lang`.
    pub fn text(&self, lang: crate::i18n::Lang) -> &str {
        match lang {
            crate::i18n::Lang::Zh => &self.zh,
            crate::i18n::Lang::En => &self.en,
        }
    }
}

/// Where an image goes in the card.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ImageSlot {
    /// `base_info.logo_url`.
    Logo,
    /// `advanced_info.abstract.icon_url_list[0]`.
    Cover,
    /// `advanced_info.text_image_list[i].image_url`.
    TextImage(usize),
}

/// A picture prepared for upload, with pixels for the local preview.
#[derive(Clone, Debug)]
pub struct PreparedImage {
    /// The JPEG to upload.
    pub jpeg: Vec<u8>,
    /// Preview pixels (RGBA8).
    pub rgba: Vec<u8>,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// A store from `cgi-bin/poi/getpoilist`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreInfo {
    /// `poi_id`.
    pub poi_id: String,
    /// Business and branch name.
    pub name: String,
    /// Address.
    pub address: String,
}

/// A card as listed in 我的卡券.
#[derive(Clone, Debug, PartialEq)]
pub struct CardSummary {
    /// The card id.
    pub card_id: String,
    /// `base_info.status`.
    pub status: String,
    /// `base_info.sku.quantity`: stock left, when WeChat said.
    pub quantity: Option<i64>,
    /// The body as WeChat holds it (for the preview and editing).
    pub body: crate::card::CreateBody,
}

/// The wallet's answers live with its session (`crate::wallet`); re-exported for the app.
pub use crate::wallet::{ConfirmOutcome, RechargeStarted, WalletEvent};

/// A signed cardExt for H5 placement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardExtMade {
    /// The card.
    pub card_id: String,
    /// The api_ticket, shortened for display (it is a credential).
    pub ticket_hint: String,
    /// The signed values.
    pub ext: crate::api::signature::CardExt,
}

/// Answers for the Placement panel.
#[derive(Debug)]
pub enum PlacementEvent {
    /// The cards to place.
    Cards(Result<Vec<CardSummary>, UiError>),
    /// card/qrcode/create answered.
    QrCreated {
        /// What was asked.
        request: crate::api::code::QrRequest,
        /// The QR or why not.
        result: Result<crate::api::code::QrCode, UiError>,
    },
    /// card/testwhitelist/set answered: openids and usernames set.
    WhitelistSet(Result<(usize, usize), UiError>),
    /// A cardExt was signed.
    CardExt(Result<CardExtMade, UiError>),
    /// A file was written.
    Saved(Result<std::path::PathBuf, UiError>),
    /// The card's logo, decoded for the poster.
    Logo(Result<std::sync::Arc<crate::poster::LogoImage>, UiError>),
    /// Channel labels as `outer_id,label` lines (from the stores or a CSV file).
    Labels(Result<String, UiError>),
    /// A poster batch ended: its summary, or why not.
    BatchDone(Result<BatchSummary, UiError>),
    /// The batch folder was chosen.
    Folder(std::path::PathBuf),
}

/// What a poster batch wrote.
#[derive(Clone, Debug, PartialEq)]
pub struct BatchSummary {
    /// Channels (QR codes made).
    pub channels: usize,
    /// PNG files.
    pub pngs: usize,
    /// The PDF, if written.
    pub pdf: Option<std::path::PathBuf>,
    /// The folder.
    pub dir: std::path::PathBuf,
    /// Seconds for the QR codes, the PNGs and the PDF.
    pub seconds: (f64, f64, f64),
}

/// A looked-up code with its card.
#[derive(Clone, Debug, PartialEq)]
pub struct CodeLookup {
    /// The real code.
    pub code: String,
    /// The encrypt_code it was decrypted from, if any.
    pub decrypted_from: Option<String>,
    /// card/code/get.
    pub info: crate::api::code::CodeInfo,
    /// The card (title, gift-back setting, stock), when card/get answered.
    pub card: Option<CardSummary>,
}

/// A finished consume.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsumeDone {
    /// The code.
    pub code: String,
    /// WeChat's card_id.
    pub card_id: String,
    /// The consumer.
    pub openid: String,
    /// The card's `consume_share_self_num`.
    pub share_self_num: i64,
    /// Stock before and after (a gift-back coupon takes one).
    pub stock: (Option<i64>, Option<i64>),
}

/// Answers for the Redeem panel.
#[derive(Debug)]
pub enum RedeemEvent {
    /// decrypt (if needed) + code/get + card/get.
    Looked(Result<Box<CodeLookup>, UiError>),
    /// mark or unmark answered.
    Marked {
        /// Mark (true) or unmark.
        mark: bool,
        /// The openid.
        openid: String,
        /// The outcome.
        result: Result<(), UiError>,
    },
    /// consume answered.
    Consumed(Result<ConsumeDone, UiError>),
}

/// Results of one placement channel (outer_id), from the simulator's event log.
pub use crate::stats::ChannelRow;

/// Answers for the Stats panel.
#[derive(Debug)]
pub enum StatsEvent {
    /// The cards, for the card scope.
    Cards(Result<Vec<CardSummary>, UiError>),
    /// datacube rows.
    Loaded(Result<Vec<crate::api::code::DayStats>, UiError>),
    /// The simulator generated activity: events by kind.
    Simulated(Result<serde_json::Value, UiError>),
    /// Per-channel results (sandbox only).
    Channels(Result<Vec<ChannelRow>, UiError>),
    /// A CSV was written.
    Exported(Result<std::path::PathBuf, UiError>),
}

/// Finished IO work.
#[derive(Debug)]
pub enum Event {
    /// For the Stats panel.
    Stats(StatsEvent),
    /// For the Redeem panel.
    Redeem(RedeemEvent),
    /// For the Placement panel.
    Placement(PlacementEvent),
    /// For the Wallet panel.
    Wallet(WalletEvent),
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
    Stores(Result<Vec<StoreInfo>, UiError>),
    /// A file was chosen in the dialog for a slot.
    ImagePicked(ImageSlot, std::path::PathBuf),
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
        result: Result<Box<CardSummary>, UiError>,
    },
    /// card/batchget + card/get answered.
    CardsListed(Result<Vec<CardSummary>, UiError>),
    /// card/update answered with send_check.
    CardUpdated {
        /// The card id.
        card_id: String,
        /// send_check or why not.
        result: Result<bool, UiError>,
    },
    /// A JSON file was read for import.
    Imported(Result<(String, String), UiError>),
    /// A file was written.
    Exported(Result<std::path::PathBuf, UiError>),
    /// Nothing to report (a dialog was cancelled).
    Nothing,
    /// For the accounts part of Settings.
    Accounts(AccountsEvent),
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
            | Self::Colors(_)
            | Self::Stores(_)
            | Self::CardFetched { .. }
            | Self::CardsListed(_) => true,
            Self::Drafts(_)
            | Self::DraftOpened(_)
            | Self::DraftSaved { .. }
            | Self::ImagePicked(..)
            | Self::ImagePrepared { .. }
            | Self::ImageUploaded { .. }
            | Self::CardCreated { .. }
            | Self::CardUpdated { .. }
            | Self::Imported(_)
            | Self::Exported(_)
            | Self::Nothing
            | Self::Accounts(_) => false,
        }
    }
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
