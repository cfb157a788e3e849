//! The coin wallet: quotes, the 60-second window, confirm exactly once, recharge and orders.

mod api;
mod ui;
