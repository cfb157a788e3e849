//! PLACEHOLDER: synthesis is being written in a parallel branch; this keeps the API.
#![allow(missing_docs, dead_code, unused_variables)]
use serde::Serialize;

use super::model::{Card, TimeLimit};
use super::pricing::{Coins, format_hundredths, price_per_unit};

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Synthesis {
    pub title: String,
    pub abstract_line: String,
    pub notices: Vec<String>,
    pub time_limit_text: Vec<String>,
    pub price_per_unit: Coins,
}
pub fn synthesize(card: &Card) -> Synthesis {
    Synthesis {
        title: String::new(),
        abstract_line: String::new(),
        notices: vec![],
        time_limit_text: vec![],
        price_per_unit: price_per_unit(card),
    }
}
pub fn yuan(fen: i64) -> String {
    format_hundredths(fen)
}
pub fn time_limit_text(limits: &[TimeLimit]) -> Vec<String> {
    vec![]
}
