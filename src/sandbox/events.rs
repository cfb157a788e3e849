//! What users did, as WeChat's statistics count it: views, receives, uses (verify), gifts
//! (given) and expiries. The datacube calls aggregate these per Beijing day.

use serde::{Deserialize, Serialize};

use super::State;

/// The kinds of event, named like the datacube columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A user saw the card (scanned its QR, or a friend's shared coupon appeared).
    View,
    /// A user received a code.
    Receive,
    /// A code was used (consumed).
    Verify,
    /// A user shared a code with a friend.
    Given,
    /// A code expired.
    Expire,
}

impl Kind {
    /// All kinds, in datacube column order.
    pub const ALL: [Kind; 5] = [
        Kind::View,
        Kind::Receive,
        Kind::Verify,
        Kind::Given,
        Kind::Expire,
    ];

    /// The datacube column prefix (`view` → `view_cnt`, `view_user`).
    pub fn column(self) -> &'static str {
        match self {
            Kind::View => "view",
            Kind::Receive => "receive",
            Kind::Verify => "verify",
            Kind::Given => "given",
            Kind::Expire => "expire",
        }
    }
}

/// One event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Simulated time (unix seconds).
    pub time: i64,
    /// What happened.
    pub kind: Kind,
    /// The card.
    pub card_id: String,
    /// Who did it.
    pub openid: String,
    /// The code concerned, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The QR scene value (`outer_id`) of the placement the user came through.
    #[serde(default)]
    pub outer_id: i64,
    /// Where it came from: `scan`, `share`, `consume`, `gift_back`, `admin`, `simulate`.
    #[serde(default)]
    pub source: String,
}

impl State {
    /// Records an event.
    #[allow(clippy::too_many_arguments)]
    pub fn record(
        &mut self,
        time: i64,
        kind: Kind,
        card_id: &str,
        openid: &str,
        code: Option<&str>,
        outer_id: i64,
        source: &str,
    ) {
        self.events.push(Event {
            time,
            kind,
            card_id: card_id.to_owned(),
            openid: openid.to_owned(),
            code: code.map(str::to_owned),
            outer_id,
            source: source.to_owned(),
        });
    }
}
