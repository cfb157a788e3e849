//! The integration tests, one binary for all of them (linking the library once), grouped by
//! the feature they test. `tests/cli.rs` (the `check` command, also run under Wine) and
//! `tests/windows.rs` (Windows only) are binaries of their own.
//!
//! Every test here shares this process with the others: a test that changes something
//! process-wide runs in a child process of its own (`support::in_own_process`), and every
//! folder a test writes is its own (`support::temp_dir`).

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test fails loudly on purpose.

mod accounts;
mod app;
mod architecture;
mod chain;
mod cli;
mod demo;
mod design;
mod placement;
mod platform_account;
mod redeem;
mod sandbox;
mod server;
mod server_account;
mod stats;
mod support;
mod wallet;
