//! Redeeming codes at the till: every code status, consume, decrypt and marks.

mod api;
mod ui;
