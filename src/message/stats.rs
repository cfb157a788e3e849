//! What the IO side answers the Stats panel with.

use super::UiError;
use crate::api::CardDetails;
use crate::stats::ChannelRow;

/// Answers for the Stats panel.
#[derive(Debug)]
pub enum StatsEvent {
    /// The cards, for the card scope.
    Cards(Result<Vec<CardDetails>, UiError>),
    /// datacube rows.
    Loaded(Result<Vec<crate::api::code::DayStats>, UiError>),
    /// The simulator generated activity: events by kind.
    Simulated(Result<serde_json::Value, UiError>),
    /// Per-channel results (sandbox only).
    Channels(Result<Vec<ChannelRow>, UiError>),
    /// A CSV was written.
    Exported(Result<std::path::PathBuf, UiError>),
}
