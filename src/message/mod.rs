//! The messages between the panels and the shell: what a panel shows (cards, stores, image
//! slots), what the IO side answers with (one event type per panel) and the errors both carry.
//!
//! This layer sits below `ui` and `app` so that each can be read without the other: panels
//! take these events and return their own commands; the shell runs the commands and sends
//! these events back. Nothing here draws or does IO.

mod card;
mod design;
mod error;
mod placement;
mod redeem;
mod stats;

pub use card::{ImageSlot, PreparedImage};
pub use design::DesignEvent;
pub use error::{ErrorKind, UiError};
pub use placement::{BatchJob, BatchSummary, CardExtMade, JobHandle, PlacementEvent, SavedChannel};
pub use redeem::{CodeLookup, ConsumeDone, RedeemEvent};
pub use stats::StatsEvent;
