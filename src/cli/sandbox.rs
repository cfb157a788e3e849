//! `coupon-studio sandbox`: the WeChat API simulator as a standalone server.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use coupon_studio::sandbox::{SandboxConfig, spawn};

/// Arguments of `sandbox`.
#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8787")]
    addr: SocketAddr,
    /// Require this AppID (with --secret); without, any credentials are accepted.
    #[arg(long, requires = "secret")]
    appid: Option<String>,
    /// Require this AppSecret.
    #[arg(long, requires = "appid")]
    secret: Option<String>,
    /// Keep the state in this JSON file across restarts.
    #[arg(long)]
    state: Option<PathBuf>,
    /// Seconds a new card stays in review.
    #[arg(long, default_value_t = 3)]
    review_delay_secs: u64,
    /// Start the simulated clock at this time (unix seconds) instead of now.
    #[arg(long)]
    start_time: Option<i64>,
    /// Allow listening on a non-loopback address.
    #[arg(long)]
    allow_remote: bool,
}

/// Runs the simulator until Ctrl-C.
pub fn run(args: SandboxArgs) -> ExitCode {
    if !args.addr.ip().is_loopback() && !args.allow_remote {
        eprintln!(
            "refusing to listen on {}: not loopback (add --allow-remote to insist)",
            args.addr
        );
        return ExitCode::from(2);
    }
    let config = SandboxConfig {
        addr: args.addr,
        credentials: args.appid.zip(args.secret),
        state_file: args.state,
        review_delay: Duration::from_secs(args.review_delay_secs),
        start_time: args.start_time,
    };
    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    rt.block_on(async move {
        let handle = match spawn(config).await {
            Ok(h) => h,
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        };
        use std::io::Write;
        println!("listening on {}", handle.url());
        let _ = std::io::stdout().flush();
        let _ = tokio::signal::ctrl_c().await;
        handle.shutdown().await;
        ExitCode::SUCCESS
    })
}
