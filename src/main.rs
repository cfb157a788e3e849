//! The `coupon-studio` binary: the desktop app, and its command-line tools.

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
