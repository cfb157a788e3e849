//! The simulator's own specification of a friends' coupon, transcribed from WeChat's guide
//! (`friend-coupon-api.txt`, cited by line) and the reference notes, independently of the app's
//! rules engine: a bug in the app's rules cannot hide behind the simulator agreeing with it.
//!
//! Every rule is a row of a data table with the guide's words beside it:
//!
//! - [`members`]: the JSON shape (which member is a string, an integer, a list, …) and the
//!   required members with the errcode their absence gets;
//! - [`text`]: the "N个汉字" length limits and how a character is counted;
//! - [`enums`]: card_type, code_type, date_info.type, time_limit.type, business_service and
//!   the colour palette;
//! - [`numbers`]: numeric ranges (reduce_cost, least_cost, gift_num, get_limit, hours, …),
//!   the 90-day validity and the list sizes;
//! - [`prices`]: coins per unit of stock by threshold kind;
//! - [`update`]: what `card/update` may change;
//! - [`errcodes`]: the errcodes the guide names for create;
//! - [`component`]: the open platform's component API and pushes (the guide's last section,
//!   transcribed from WeChat's open-platform documents, each row with its source).
//!
//! [`card`] walks a raw `serde_json::Value` against these tables and answers the first
//! refusal ([`Refusal`]); [`check`] holds its generic helpers.

pub mod card;
pub mod check;
pub mod component;
pub mod enums;
pub mod errcodes;
pub mod members;
pub mod numbers;
pub mod prices;
pub mod text;
pub mod update;

/// A line of the guide a table row transcribes: its line number in `friend-coupon-api.txt`
/// and its text (or the reference notes' words, `line` 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Guide {
    /// The 1-based line in `friend-coupon-api.txt`; 0 for the reference notes (README.md).
    pub line: u32,
    /// The words of that line the row rests on.
    pub text: &'static str,
}

/// Shorthand for a [`Guide`] citation in the tables.
#[must_use]
pub const fn guide(line: u32, text: &'static str) -> Guide {
    Guide { line, text }
}

/// Why the simulator refuses a card body: the first rule it breaks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// The errcode to answer.
    pub errcode: i64,
    /// The JSON path of the member, `card.cash.base_info.brand_name`.
    pub path: String,
    /// A short machine name of the rule (`required`, `max_chars`, `range`, `enum`, …), or
    /// `structure` for a member of the wrong JSON type.
    pub rule: &'static str,
    /// The limit the rule names (`12`, `1–999`, `90 days`), when it has one.
    pub limit: Option<String>,
    /// What is wrong, in English.
    pub message: String,
}

impl Refusal {
    /// The errmsg: `PATH: message (rule R, limit L)`, or `data format error at PATH: message`
    /// for a member of the wrong JSON type.
    #[must_use]
    pub fn errmsg(&self) -> String {
        if self.rule == "structure" {
            return format!("data format error at {}: {}", self.path, self.message);
        }
        let limit = self
            .limit
            .as_deref()
            .map(|l| format!(", limit {l}"))
            .unwrap_or_default();
        format!(
            "{}: {} (rule {}{limit})",
            self.path, self.message, self.rule
        )
    }
}

/// What a body is checked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// `card/create`: the create limits, and no stock or custom codes.
    Create,
    /// The merged card after `card/update`: the update table's limits (notice 16).
    Update,
}
