//! Coupon Studio: design, price, stock and place WeChat friends' coupons (朋友的券).
//!
//! `card` is the domain (model, rules, synthesis, pricing) and has no egui and no IO.

pub mod card;
