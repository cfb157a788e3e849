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
    /// Per-channel results (the simulator's log, or a company server's events).
    Channels(Result<Vec<ChannelRow>, UiError>),
    /// A company server relayed new card events: the per-channel results may have moved.
    Pushed,
    /// A CSV was written.
    Exported(Result<std::path::PathBuf, UiError>),
    /// The simulator's clock minus the local one, in ms (`None`: it could not be read, and
    /// the local clock is used).
    ClockSkew(Option<i64>),
}
