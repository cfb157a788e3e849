//! The real binary as a child process: `coupon-studio …` without the developer's own server
//! or simulator settings, started with its standard output piped and its first lines read
//! (the first is where it listens: `listening on http://ADDR`).
//!
//! Std only, so that `benches/server.rs` shares it with `#[path]`.

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdout, Command, Stdio};

/// The binary cargo built for these tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_coupon-studio");

/// `coupon-studio ARGS` with no `COUPON_STUDIO_SERVER_*` or `COUPON_STUDIO_SANDBOX_*` variable
/// of the developer's environment (a test sets the ones it means after this).
pub fn command<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Command {
    let mut c = Command::new(BIN);
    c.args(args);
    for (var, _) in std::env::vars_os() {
        let ours = var.to_str().is_some_and(|v| {
            v.starts_with("COUPON_STUDIO_SERVER_") || v.starts_with("COUPON_STUDIO_SANDBOX_")
        });
        if ours {
            c.env_remove(var);
        }
    }
    c
}

/// Spawns `cmd` with its standard output piped (its standard error as `cmd` says) and reads
/// its first `lines` lines, without their line ends; the child, the rest of its standard
/// output and the lines.
pub fn spawn_reading(
    cmd: &mut Command,
    lines: usize,
) -> (Child, BufReader<ChildStdout>, Vec<String>) {
    let mut child = cmd.stdout(Stdio::piped()).spawn().unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let read = (0..lines)
        .map(|_| {
            let mut line = String::new();
            out.read_line(&mut line).unwrap();
            line.trim_end().to_owned()
        })
        .collect();
    (child, out, read)
}

/// Spawns `cmd` (see [`spawn_reading`]) and reads where it listens; the child and its URL.
pub fn spawn_listening(cmd: &mut Command) -> (Child, String) {
    let (child, _, lines) = spawn_reading(cmd, 1);
    let url = url_of(&lines[0]);
    (child, url)
}

/// The URL of a `listening on http://ADDR` line (which it must be).
pub fn url_of(line: &str) -> String {
    line.strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("not where it listens: {line:?}"))
        .to_owned()
}
