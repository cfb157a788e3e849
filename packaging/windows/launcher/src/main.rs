//! `coupon-studio.com`: the console launcher installed beside `coupon-studio.exe`.
//!
//! `coupon-studio.exe` is a GUI-subsystem program, so that no console window opens beside it
//! from Explorer or a shortcut. The price is at an interactive cmd.exe prompt: cmd does not
//! wait for a GUI program, so the prompt comes back before the output and `%ERRORLEVEL%` is
//! 0. This launcher is a console program (cmd and PowerShell wait for it) with the same name
//! and the extension `.com`, which `PATHEXT` puts before `.exe`: typing `coupon-studio check
//! card.json` runs it. Windows loads a `.com` that starts with a PE header as an ordinary
//! program (Visual Studio's `devenv.com` works the same way).
//!
//! It starts `coupon-studio.exe` from its own folder with the same arguments and
//! `COUPON_STUDIO_CONSOLE=1`, which makes the app attach to this console even when its
//! standard handles are set (src/cli/windows.rs), and with standard input, output and error
//! inherited, so redirections (`> out.txt`, pipes) reach the app unchanged. It then waits and
//! exits with the app's exit code. Ctrl+C reaches the app through the shared console; the
//! launcher ignores it and keeps waiting, so the app can stop cleanly (the simulator saves
//! its state) and its exit code still comes back.
//!
//! Without arguments it only starts the window and returns at once.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::{Command, ExitCode};

/// The launcher's own failures (the program not found, not startable); the app never exits
/// with it.
const LAUNCH_FAILED: u8 = 9;

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let app = match app_path() {
        Ok(app) => app,
        Err(why) => return fail(&why),
    };
    let mut command = Command::new(&app);
    command.args(&args).env("COUPON_STUDIO_CONSOLE", "1");
    if args.is_empty() {
        return match command.spawn() {
            Ok(_) => ExitCode::SUCCESS,
            Err(e) => fail(&format!("{}: {e}", app.display())),
        };
    }
    ignore_ctrl_c();
    match command.status() {
        // An exit code outside 0..=255 (a crash's NTSTATUS) is reported as 255.
        Ok(status) => ExitCode::from(
            status
                .code()
                .map_or(u8::MAX, |c| u8::try_from(c).unwrap_or(u8::MAX)),
        ),
        Err(e) => fail(&format!("{}: {e}", app.display())),
    }
}

/// `coupon-studio.exe` beside this file, whatever this file was renamed to.
fn app_path() -> Result<PathBuf, String> {
    let me = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
    let app = me.with_file_name("coupon-studio.exe");
    if app == me {
        return Err("this launcher must not be named coupon-studio.exe".to_owned());
    }
    if !app.is_file() {
        return Err(format!("{} not found", app.display()));
    }
    Ok(app)
}

fn fail(why: &str) -> ExitCode {
    eprintln!("无法启动卡券工作室 (cannot start Coupon Studio): {why}");
    ExitCode::from(LAUNCH_FAILED)
}

#[cfg(windows)]
fn ignore_ctrl_c() {
    // SAFETY: a null handler with TRUE only sets a flag in this process: Ctrl+C is ignored by
    // the launcher, and still delivered to the app, which shares the console.
    unsafe {
        windows_sys::Win32::System::Console::SetConsoleCtrlHandler(None, 1);
    }
}

#[cfg(not(windows))]
fn ignore_ctrl_c() {}
