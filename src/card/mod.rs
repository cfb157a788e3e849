//! The domain: card model, rules engine, title synthesis and pricing. No egui, no IO.

pub mod beijing;
pub mod import;
pub mod model;
pub mod pricing;
pub mod report;
pub mod rules;
pub mod synth;
pub mod templates;
pub mod update;
pub mod value;

pub use model::*;
pub use value::Int;
