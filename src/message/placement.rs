//! What the IO side answers the Placement panel with: QR codes, the test whitelist, signed
//! cardExt values, poster logos, channel labels and batches; and the handle of a running
//! batch, which the panel makes and shows and the shell runs.

use super::UiError;
use crate::api::CardDetails;

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

/// A running poster batch: what it makes, its progress and its cancel switch.
pub struct BatchJob {
    /// The card.
    pub card_id: String,
    /// Shared poster content.
    pub content: crate::poster::PosterContent,
    /// Template.
    pub template: crate::poster::Template,
    /// Channels, in page order.
    pub channels: Vec<crate::poster::Channel>,
    /// Files to write.
    pub formats: crate::poster::OutputFormats,
    /// The last progress report.
    pub progress: std::sync::Mutex<Option<crate::poster::Progress>>,
    /// Set to stop at the next item.
    pub cancel: std::sync::atomic::AtomicBool,
}

/// A handle to a batch job (compared by identity).
#[derive(Clone)]
pub struct JobHandle(pub std::sync::Arc<BatchJob>);

impl PartialEq for JobHandle {
    fn eq(&self, other: &Self) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0)
    }
}

impl std::fmt::Debug for JobHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "BatchJob({} channels)", self.0.channels.len())
    }
}

impl std::ops::Deref for JobHandle {
    type Target = BatchJob;
    fn deref(&self) -> &BatchJob {
        &self.0
    }
}

/// Answers for the Placement panel.
#[derive(Debug)]
pub enum PlacementEvent {
    /// The cards to place.
    Cards(Result<Vec<CardDetails>, UiError>),
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
    /// The channels saved in the local database (by poster batches and the demo).
    SavedChannels(Result<Vec<SavedChannel>, UiError>),
}

/// A channel saved in the local database: which QR scene value went where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SavedChannel {
    /// The card.
    pub card_id: String,
    /// The QR scene value.
    pub outer_id: i64,
    /// Where it was placed.
    pub label: String,
}
