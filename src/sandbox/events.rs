//! What users did, as WeChat's statistics count it: views, receives, uses (verify), gifts
//! (given) and expiries. The datacube calls aggregate these per Beijing day; `notice.rs`
//! records them and turns them into WeChat's pushes.

use serde::{Deserialize, Serialize};

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
    /// Where it came from: `scan`, `share`, `gift`, `consume`, `gift_back`, `admin`,
    /// `simulate`.
    #[serde(default)]
    pub source: String,
    /// The placement's `outer_str` the code came through (empty when none).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub outer_str: String,
    /// The other user of a gift or share: the friend given to (on `given`), or the giver (on
    /// the friend's `receive`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub friend: Option<String>,
    /// On a receive by gift: the giver's code this one replaced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_code: Option<String>,
    /// On `given`: shared with several friends at once (a group chat).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub group: bool,
}

impl Event {
    /// An event without a code, friend or `outer_str`; add them with the `with_…` methods.
    pub fn new(time: i64, kind: Kind, card_id: &str, openid: &str, outer_id: i64) -> Self {
        Self {
            time,
            kind,
            card_id: card_id.to_owned(),
            openid: openid.to_owned(),
            code: None,
            outer_id,
            source: String::new(),
            outer_str: String::new(),
            friend: None,
            old_code: None,
            group: false,
        }
    }

    /// The code concerned.
    pub fn with_code(mut self, code: Option<&str>) -> Self {
        self.code = code.map(str::to_owned);
        self
    }

    /// Where it came from.
    pub fn with_source(mut self, source: &str) -> Self {
        self.source = source.to_owned();
        self
    }

    /// The placement's `outer_str`.
    pub fn with_outer_str(mut self, outer_str: &str) -> Self {
        self.outer_str = outer_str.to_owned();
        self
    }

    /// The other user of a gift or share.
    pub fn with_friend(mut self, friend: Option<&str>) -> Self {
        self.friend = friend.map(str::to_owned);
        self
    }
}
