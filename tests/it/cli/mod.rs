//! The command-line tools as real processes (`env!("CARGO_BIN_EXE_coupon-studio")`): the
//! `poster` and `sandbox` commands, and the rehearsal of issue 19 (`server` and `sandbox
//! --demo` pushing to it). `check` is tested by `tests/cli.rs`, which Wine runs too; the
//! server's own commands by `server::cli`.

mod chain;
mod poster;
mod sandbox;
