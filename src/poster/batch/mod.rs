//! One poster per placement channel: channel lists ("1-200", "1,3,5-9", a CSV of
//! `outer_id,label`, a list of store names), and the batch that asks for each channel's QR
//! url, then writes one multi-page PDF, one PNG per channel and `channels.csv`.
//!
//! The files go one way: [`channels`] (the channel lists) at the bottom, then [`files`]
//! (names and writing), then [`runner`] (the loop with progress and cancel).

pub mod channels;
pub mod files;
pub mod runner;

pub use channels::{
    Channel, ChannelError, ChannelQr, MAX_OUTER_ID, channels_from_store_names, label_channels,
    parse_channel_spec, parse_channels_csv,
};
pub use files::{OutputFormats, pdf_file_name, png_file_name, write_channels_csv};
pub use runner::{BatchReport, BatchRequest, Progress, Stage, run_batch};
