//! The document the Design panel edits, and the state of its create (or update) flow.

use std::time::Instant;

use crate::card::CreateBody;
use crate::message::UiError;

/// The document being edited.
#[derive(Clone, Debug)]
pub struct Doc {
    /// The draft row, when it is a draft.
    pub draft_id: Option<i64>,
    /// Display name.
    pub name: String,
    /// The body.
    pub body: CreateBody,
    /// The card as WeChat holds it, when editing a created card (for the update diff).
    pub remote: Option<(String, CreateBody)>,
}

/// The create (or update) flow.
#[derive(Debug, Default)]
pub struct CreateFlow {
    /// The JSON window is open.
    pub show_json: bool,
    /// A create or update is in flight (the button is disabled: never sent twice).
    pub in_flight: bool,
    /// The card id once created.
    pub card_id: Option<String>,
    /// The last review status seen.
    pub status: Option<String>,
    /// The last error.
    pub error: Option<UiError>,
    /// When to poll card/get next.
    pub next_poll: Option<Instant>,
    /// In review, and the result will come as a push from the company server (no polling).
    pub awaiting_push: bool,
    /// A success message (e.g. 已重新提交审核).
    pub note: Option<String>,
}
