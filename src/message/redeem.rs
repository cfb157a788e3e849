//! What the IO side answers the Redeem panel with: looked-up codes, marks and consumes.

use super::UiError;
use crate::api::CardDetails;

/// A looked-up code with its card.
#[derive(Clone, Debug, PartialEq)]
pub struct CodeLookup {
    /// The real code.
    pub code: String,
    /// The encrypt_code it was decrypted from, if any.
    pub decrypted_from: Option<String>,
    /// card/code/get.
    pub info: crate::api::code::CodeInfo,
    /// The card (title, gift-back setting, stock), when card/get answered.
    pub card: Option<CardDetails>,
}

/// A finished consume.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsumeDone {
    /// The code.
    pub code: String,
    /// WeChat's card_id.
    pub card_id: String,
    /// The consumer.
    pub openid: String,
    /// The card's `consume_share_self_num`.
    pub share_self_num: i64,
    /// Stock before and after (a gift-back coupon takes one).
    pub stock: (Option<i64>, Option<i64>),
}

/// Answers for the Redeem panel.
#[derive(Debug)]
pub enum RedeemEvent {
    /// decrypt (if needed) + code/get + card/get.
    Looked(Result<Box<CodeLookup>, UiError>),
    /// mark or unmark answered.
    Marked {
        /// Mark (true) or unmark.
        mark: bool,
        /// The openid.
        openid: String,
        /// The outcome.
        result: Result<(), UiError>,
    },
    /// consume answered.
    Consumed(Result<ConsumeDone, UiError>),
}
