//! The `coupon-studio` binary: the desktop app, and its command-line tools.
// No console window beside the app on Windows; the command-line tools attach to the console
// they were typed in (cli/windows.rs). Ignored on other systems.
#![windows_subsystem = "windows"]

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
