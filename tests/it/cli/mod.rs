//! The command-line tools as real processes (`env!("CARGO_BIN_EXE_coupon-studio")`): the
//! `poster` and `sandbox` commands. `check` is tested by `tests/cli.rs`, which Wine runs too.

mod poster;
mod sandbox;
