//! Cold start: how long `coupon-studio --first-frame` takes from process start to its first
//! rendered frame, and its peak memory, on an X server (Xvfb, so Mesa's llvmpipe renders: no
//! GPU). Each run is a new process with a fresh, empty data folder, so the app starts on its
//! built-in simulator exactly as on first use. The page cache is warm after the first run
//! (dropping it would disturb everything else on the machine), so "cold" means a new process,
//! not an empty disk cache.
//!
//! Per run it records what the app reports (`first frame: N ms, peak RSS: K KiB`: from the
//! start of `main` to the second frame callback, i.e. after the first frame was presented, and
//! the process's `VmHWM`), and the wall time from spawning the process to that line, which
//! adds exec, dynamic linking and everything before `main`. Prints the median and p95 of each;
//! then, once, the peak RSS that `/usr/bin/time -v` sees, as a cross-check of `VmHWM`.
//!
//! If `DISPLAY` is unset it starts its own Xvfb on a free display (`-displayfd`: the server
//! picks the display and says when it is ready). `cargo bench --bench cold_start` runs it 20
//! times; `cargo test --all-targets` runs it once and only checks that the line is printed
//! and the exit status is 0 (no timing assertions), failing with a clear message when Xvfb is
//! not installed.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A bench fails loudly on purpose.

#[path = "support/xvfb.rs"]
mod xvfb;

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use xvfb::{Xvfb, wait_with_timeout};

/// The app binary of this build (debug under `cargo test`, release under `cargo bench`).
const APP: &str = env!("CARGO_BIN_EXE_coupon-studio");
/// A run that takes longer than this is stuck (no GL, a dialog, …).
const RUN_TIMEOUT: Duration = Duration::from_secs(120);

/// What one run reported.
#[derive(Clone, Copy, Debug)]
struct Run {
    /// The app's own figure: start of `main` to the first presented frame.
    first_frame_ms: f64,
    /// Spawn to the report line, measured here.
    spawn_to_frame_ms: f64,
    /// `VmHWM` as the app reported it.
    peak_rss_kib: Option<u64>,
}

/// A fresh, empty data folder, so every run is a first start on the simulator.
fn fresh_data_dir(i: usize) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cs-cold-start-{}-{i}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Parses `first frame: 812 ms, peak RSS: 123456 KiB`.
fn parse_report(line: &str) -> Option<(f64, Option<u64>)> {
    let rest = line.trim().strip_prefix("first frame: ")?;
    let (ms, rest) = rest.split_once(" ms, peak RSS: ")?;
    let rss = rest.strip_suffix(" KiB").and_then(|k| k.parse().ok());
    Some((ms.parse().ok()?, rss))
}

/// Runs `coupon-studio --first-frame` (behind `wrapper`, e.g. `/usr/bin/time -v`, if given) on
/// `display` with a fresh data folder. Returns the report line, when it arrived after the spawn
/// (ms), and the standard error output. Panics unless the exit status is 0.
fn run_app(display: &str, i: usize, wrapper: Option<&[&str]>) -> (Option<String>, f64, String) {
    let data = fresh_data_dir(i);
    let mut cmd = match wrapper {
        Some([program, args @ ..]) => {
            let mut c = Command::new(program);
            c.args(args).arg(APP);
            c
        }
        _ => Command::new(APP),
    };
    cmd.arg("--first-frame")
        .env("DISPLAY", display)
        .env("COUPON_STUDIO_DATA_DIR", &data)
        // No Wayland compositor here: make winit use X11 even if the caller has one.
        .env_remove("WAYLAND_DISPLAY")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let start = Instant::now();
    let mut child = cmd.spawn().expect("starting the app");
    let stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    // Read stderr on a thread so a chatty app cannot block on a full pipe.
    let err_thread = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let mut report = None;
    let mut at_ms = f64::NAN;
    for line in BufReader::new(stdout).lines().map_while(Result::ok) {
        if report.is_none() && line.starts_with("first frame: ") {
            at_ms = start.elapsed().as_secs_f64() * 1e3;
            report = Some(line);
        }
    }
    let status = wait_with_timeout(&mut child, RUN_TIMEOUT);
    let stderr = err_thread.join().unwrap_or_default();
    assert!(
        status.success(),
        "run {i}: coupon-studio --first-frame exited with {status}\nstderr:\n{stderr}"
    );
    let _ = std::fs::remove_dir_all(&data);
    (report, at_ms, stderr)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    // Nearest rank: the smallest value with at least p % of the runs at or below it.
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn summary(label: &str, mut values: Vec<f64>, unit: &str) {
    values.sort_by(f64::total_cmp);
    println!(
        "  {label:<34} median {:>7.1} {unit}, p95 {:>7.1} {unit}, min {:>7.1}, max {:>7.1}",
        percentile(&values, 50.0),
        percentile(&values, 95.0),
        values[0],
        values[values.len() - 1]
    );
}

/// Peak RSS according to `/usr/bin/time -v`, if that tool is installed.
fn time_v_max_rss(display: &str) -> Option<u64> {
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        return None;
    }
    let (_, _, stderr) = run_app(display, 9999, Some(&["/usr/bin/time", "-v"]));
    stderr
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .and_then(|k| k.trim().parse().ok())
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let runs = if full { 20 } else { 1 };
    let own_display = std::env::var("DISPLAY")
        .ok()
        .filter(|d| !d.is_empty())
        .is_none();
    let xvfb = own_display.then(|| Xvfb::start("1920x1080x24"));
    let display = match &xvfb {
        Some(x) => x.display.clone(),
        None => std::env::var("DISPLAY").unwrap(),
    };

    let mut results = Vec::with_capacity(runs);
    for i in 0..runs {
        let (line, at_ms, stderr) = run_app(&display, i, None);
        let line = line.unwrap_or_else(|| {
            panic!("run {i}: no \"first frame: …\" line was printed\nstderr:\n{stderr}")
        });
        let (first_frame_ms, peak_rss_kib) =
            parse_report(&line).unwrap_or_else(|| panic!("run {i}: cannot parse {line:?}"));
        results.push(Run {
            first_frame_ms,
            spawn_to_frame_ms: at_ms,
            peak_rss_kib,
        });
    }

    println!(
        "cold start: coupon-studio --first-frame, {runs} runs on {} ({}), fresh data folder each",
        display,
        if own_display {
            "own Xvfb"
        } else {
            "existing DISPLAY"
        }
    );
    summary(
        "main → first frame (app's figure)",
        results.iter().map(|r| r.first_frame_ms).collect(),
        "ms",
    );
    summary(
        "spawn → first frame (measured here)",
        results.iter().map(|r| r.spawn_to_frame_ms).collect(),
        "ms",
    );
    let rss: Vec<f64> = results
        .iter()
        .filter_map(|r| r.peak_rss_kib)
        .map(|k| k as f64 / 1024.0)
        .collect();
    if rss.is_empty() {
        println!("  peak RSS: not reported (no /proc/self/status)");
    } else {
        summary("peak RSS (VmHWM)", rss, "MiB");
    }
    if full {
        match time_v_max_rss(&display) {
            Some(k) => println!(
                "  peak RSS by /usr/bin/time -v, one run: {:.1} MiB",
                k as f64 / 1024.0
            ),
            None => println!("  /usr/bin/time not installed: no cross-check of the peak RSS"),
        }
    }
    drop(xvfb);
}
