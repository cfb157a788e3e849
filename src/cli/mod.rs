//! Command-line interface: subcommands parsed with clap.

mod check;
mod doctor;
mod gui;
mod poster;
mod renderer;
mod sandbox;
#[cfg(windows)]
mod windows;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Design, price, stock and place WeChat friends' coupons (朋友的券).
#[derive(Debug, Parser)]
#[command(name = "coupon-studio", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Open the window, print the time to the first rendered frame and the peak memory
    /// (RSS), then exit: for the cold-start benchmark and the packaging smoke test.
    #[arg(long)]
    first_frame: bool,
}

/// Message language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    /// 中文.
    Zh,
    /// English.
    En,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate a card/create body and print the title, summary, price, errors and warnings.
    Check(check::CheckArgs),
    /// Run the WeChat API simulator (prints `listening on http://ADDR` first).
    Sandbox(sandbox::SandboxArgs),
    /// Make placement posters of a card: one QR code per channel (outer_id), a multi-page
    /// PDF and 300-dpi PNGs, and channels.csv.
    Poster(poster::PosterArgs),
    /// Check this machine: the data folder can be written and a secret round-trips through
    /// the system keyring (exit 0 when all pass, 1 otherwise).
    Doctor(doctor::DoctorArgs),
}

/// Parses the command line and runs it.
pub fn run() -> ExitCode {
    let started = std::time::Instant::now();
    // A bare start (Explorer, a shortcut) is the window alone; anything else was typed in a
    // shell, whose console the Windows GUI-subsystem binary must join before printing.
    #[cfg(windows)]
    if std::env::args_os().len() > 1 {
        windows::attach_parent_console();
    }
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Check(args)) => check::run(&args),
        Some(Command::Sandbox(args)) => sandbox::run(args),
        Some(Command::Poster(args)) => poster::run(args),
        Some(Command::Doctor(args)) => doctor::run(&args),
        None => gui::run(gui::RunOptions {
            first_frame: cli.first_frame.then_some(started),
        }),
    }
}
