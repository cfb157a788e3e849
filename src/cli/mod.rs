//! Command-line interface: subcommands parsed with clap.

mod at_rest;
mod check;
mod doctor;
mod given;
mod gui;
mod poster;
mod renderer;
mod sandbox;
mod server;
mod server_config;
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
    /// Leave the window alone, then count the frames painted and the CPU time used over this
    /// many seconds, print them and exit: for the at-rest benchmark.
    #[arg(long, value_name = "SECONDS", conflicts_with = "first_frame")]
    at_rest: Option<f64>,
    /// With --at-rest: seconds of start-up before counting.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 5.0,
        requires = "at_rest"
    )]
    warm_up: f64,
    /// With --at-rest: the panel shown.
    #[arg(long, value_enum, default_value_t = Panel::Design, requires = "at_rest")]
    panel: Panel,
    /// Rehearse on a simulator run on another machine (`coupon-studio sandbox
    /// --allow-remote`) instead of the built-in one, e.g. http://192.168.1.20:8787.
    #[arg(long, value_name = "URL")]
    simulator: Option<String>,
    /// With --simulator: the file whose first line is the admin key it printed at start;
    /// else $COUPON_STUDIO_SANDBOX_ADMIN_KEY.
    #[arg(long, value_name = "FILE", requires = "simulator")]
    simulator_key_file: Option<std::path::PathBuf>,
}

/// The simulator of --simulator and its admin key (--simulator-key-file, else the
/// environment).
fn simulator(cli: &Cli) -> anyhow::Result<Option<gui::Simulator>> {
    let Some(url) = &cli.simulator else {
        return Ok(None);
    };
    let key = given::given(
        "admin key",
        None,
        cli.simulator_key_file.as_deref(),
        Some(sandbox::ADMIN_KEY_ENV),
    )?;
    Ok(Some(gui::Simulator {
        url: url.clone(),
        key,
    }))
}

/// A panel of the left navigation, for --panel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Panel {
    /// 设计.
    Design,
    /// 券点.
    Wallet,
    /// 投放.
    Placement,
    /// 核销.
    Redeem,
    /// 数据.
    Stats,
    /// 设置.
    Settings,
}

impl From<Panel> for coupon_studio::app::Nav {
    fn from(p: Panel) -> Self {
        match p {
            Panel::Design => Self::Design,
            Panel::Wallet => Self::Wallet,
            Panel::Placement => Self::Placement,
            Panel::Redeem => Self::Redeem,
            Panel::Stats => Self::Stats,
            Panel::Settings => Self::Settings,
        }
    }
}

/// Seconds from the command line as a duration; negative, NaN or huge values are refused.
fn seconds(flag: &str, s: f64) -> Result<std::time::Duration, String> {
    std::time::Duration::try_from_secs_f64(s).map_err(|e| format!("--{flag} {s}: {e}"))
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
    /// Run the company server: WeChat's event pushes in, the events and the team's access
    /// token out to the apps (prints `listening on http://ADDR` first); or manage its API
    /// keys (add-key, list-keys, revoke-key).
    Server(server::ServerArgs),
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
        Some(Command::Server(args)) => server::run(args),
        Some(Command::Poster(args)) => poster::run(args),
        Some(Command::Doctor(args)) => doctor::run(&args),
        None => {
            let at_rest = match cli.at_rest {
                Some(measure) => {
                    match (seconds("at-rest", measure), seconds("warm-up", cli.warm_up)) {
                        (Ok(measure), Ok(warm_up)) => Some(at_rest::AtRest {
                            panel: cli.panel.into(),
                            warm_up,
                            measure,
                        }),
                        (Err(e), _) | (_, Err(e)) => {
                            eprintln!("{e}");
                            return ExitCode::from(2);
                        }
                    }
                }
                None => None,
            };
            let simulator = match simulator(&cli) {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("{e:#}");
                    return ExitCode::from(2);
                }
            };
            gui::run(gui::RunOptions {
                first_frame: cli.first_frame.then_some(started),
                at_rest,
                simulator,
            })
        }
    }
}
