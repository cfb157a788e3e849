//! The old home of placement, redemption and statistics, kept as re-exports so that
//! `api::code::…` paths still work: the types now live in [`super::placement`],
//! [`super::redeem`] and [`super::stats`], mirroring `src/sandbox/`.

pub use super::placement::{QrCode, QrRequest, Ticket, TicketType};
pub use super::redeem::{CodeCard, CodeInfo};
pub use super::stats::DayStats;
