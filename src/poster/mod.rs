//! Placement posters: a card's QR code with its title, summary, validity and hours, laid out
//! for A4, A5, a table tent or an 80 mm receipt, and rendered as 300-dpi PNG and vector PDF.
//!
//! The pipeline is pure (no egui, no network): [`PosterContent::from_card`] takes what is
//! printed from a card and its [`crate::card::synth::Synthesis`]; [`layout()`] turns it into a
//! [`PosterLayout`], a list of [`Primitive`]s in millimetres that [`render_png`],
//! [`PdfBuilder`] and the app's live preview all paint; [`batch::run_batch`] makes one
//! poster per placement channel (`outer_id`), asking a caller-supplied function for each
//! channel's QR url, so the network stays with the caller.
//!
//! Text uses the app's embedded Noto Sans SC subset (CFF outlines, read with skrifa); the PDF
//! embeds a subset of it with a ToUnicode map, so the Chinese text can be searched and
//! copied.

pub mod batch;
pub mod content;
pub mod deflate;
pub mod encode;
pub mod font;
pub mod layout;
pub mod page;
pub mod pdf;
pub mod png;
pub mod stamp;
pub mod template;

pub use batch::{
    BatchReport, BatchRequest, Channel, ChannelError, ChannelQr, OutputFormats, Progress, Stage,
    channels_from_store_names, parse_channel_spec, parse_channels_csv, run_batch,
};
pub use content::{CALL_TO_ACTION, LogoImage, PosterContent, Rgb, card_color, validity_text};
pub use layout::layout;
pub use page::{
    Align, PRINT_DPI, PlacedGlyph, PosterLayout, Primitive, QrBlock, QrMatrix, RectMm, TextRun,
};
pub use pdf::{PdfBuilder, render_pdf};
pub use png::{Raster, rasterize, render_png};
pub use stamp::{PngStamp, StampedPng};
pub use template::Template;

/// Why a poster could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PosterError {
    /// The embedded font could not be read (a broken build).
    #[error("the poster font cannot be read: {0}")]
    Font(String),
    /// The logo file is not a usable image.
    #[error("the logo is not a usable image: {0}")]
    Logo(String),
    /// The URL does not fit in a QR code.
    #[error("the QR code cannot hold this URL: {0}")]
    Qr(String),
    /// Rasterizing or PNG encoding failed.
    #[error("cannot render the PNG: {0}")]
    Raster(String),
    /// Writing the PDF failed.
    #[error("cannot write the PDF: {0}")]
    Pdf(String),
    /// Not a4, a5, tent or receipt.
    #[error("unknown template \"{0}\" (use a4, a5, tent or receipt)")]
    UnknownTemplate(String),
    /// Not pdf, png or both.
    #[error("unknown format \"{0}\" (use pdf, png or pdf,png)")]
    UnknownFormat(String),
    /// A bad channel list.
    #[error(transparent)]
    Channels(#[from] ChannelError),
    /// The QR url of a channel could not be obtained (card/qrcode/create failed).
    #[error("channel {outer_id}: cannot get its QR code: {message}")]
    QrSource {
        /// The channel.
        outer_id: u32,
        /// What went wrong.
        message: String,
    },
    /// A file could not be written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// The caller cancelled the batch.
    #[error("cancelled")]
    Cancelled,
}
