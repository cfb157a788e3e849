//! Coupon Studio: design, price, stock and place WeChat friends' coupons (朋友的券).
//!
//! `card` is the domain (model, rules, synthesis, pricing) and `wallet` the money rules; both
//! have no egui and no IO.

pub mod accounts;
pub mod api;
pub mod app;
pub mod card;
pub mod demo;
pub mod desktop;
pub mod editing;
pub mod errcode;
pub mod i18n;
pub mod imaging;
pub mod logging;
pub mod message;
pub mod paths;
pub mod placement;
pub mod poster;
pub mod pushed;
pub mod redeem;
pub mod sandbox;
pub mod server;
pub mod stats;
pub mod store;
pub mod textfile;
pub mod ui;
pub mod wallet;
pub mod wxpush;
