//! `--at-rest SECONDS`: what the app costs when nobody touches it. After a warm-up (start-up,
//! the first loads), a watcher thread counts the frames painted and the CPU time the whole
//! process used (all threads, Mesa's llvmpipe rasterizer threads included) over SECONDS, prints
//!
//! `at rest: design, 3 frames in 10.0 s (0.30/s), CPU 0.04 s (0.4 % of a core)`
//!
//! and closes the window. The watcher runs beside the event loop, so measuring adds no frame;
//! only the close at the end wakes the app. `benches/at_rest.rs` runs it on every panel.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use coupon_studio::app::{CouponStudioApp, Nav};

/// What `--at-rest` measures.
#[derive(Clone, Copy, Debug)]
pub struct AtRest {
    /// The panel shown.
    pub panel: Nav,
    /// Left alone this long before counting.
    pub warm_up: Duration,
    /// Counted this long.
    pub measure: Duration,
}

/// The app, counting its frames; the watcher starts with the first one.
pub struct Meter {
    app: CouponStudioApp,
    plan: AtRest,
    frames: Arc<AtomicU64>,
    watching: bool,
}

impl Meter {
    /// Shows `plan.panel` and measures once the first frame is painted.
    pub fn new(mut app: CouponStudioApp, plan: AtRest) -> Self {
        app.persisted.nav = plan.panel;
        Self {
            app,
            plan,
            frames: Arc::new(AtomicU64::new(0)),
            watching: false,
        }
    }
}

impl eframe::App for Meter {
    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        self.app.ui(ui, frame);
        self.frames.fetch_add(1, Ordering::Relaxed);
        if !self.watching {
            self.watching = true;
            let ctx = ui.ctx().clone();
            let frames = Arc::clone(&self.frames);
            let plan = self.plan;
            std::thread::spawn(move || watch(&ctx, &frames, plan));
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.app.save(storage);
    }

    fn on_exit(&mut self, gl: Option<&eframe::glow::Context>) {
        self.app.on_exit(gl);
    }
}

fn watch(ctx: &egui::Context, frames: &AtomicU64, plan: AtRest) {
    std::thread::sleep(plan.warm_up);
    let (f0, c0, t0) = (
        frames.load(Ordering::Relaxed),
        cpu_seconds(),
        Instant::now(),
    );
    std::thread::sleep(plan.measure);
    let (f1, c1, secs) = (
        frames.load(Ordering::Relaxed),
        cpu_seconds(),
        t0.elapsed().as_secs_f64(),
    );
    let painted = f1.saturating_sub(f0);
    let cpu = match (c0, c1) {
        (Some(a), Some(b)) => format!(
            "CPU {:.2} s ({:.1} % of a core)",
            b - a,
            (b - a) / secs * 100.0
        ),
        _ => "CPU unknown".to_owned(),
    };
    println!(
        "at rest: {}, {painted} frames in {secs:.1} s ({:.2}/s), {cpu}",
        panel_name(plan.panel),
        painted as f64 / secs
    );
    ctx.send_viewport_cmd(egui::ViewportCommand::Close);
}

/// The panel as `--panel` spells it.
pub fn panel_name(nav: Nav) -> &'static str {
    match nav {
        Nav::Design => "design",
        Nav::Wallet => "wallet",
        Nav::Placement => "placement",
        Nav::Redeem => "redeem",
        Nav::Stats => "stats",
        Nav::Settings => "settings",
    }
}

/// The CPU time this process has used, user and system, all threads.
fn cpu_seconds() -> Option<f64> {
    #[cfg(windows)]
    {
        super::windows::process_cpu_seconds()
    }
    #[cfg(not(windows))]
    {
        // Fields 14 and 15 of /proc/self/stat, after the parenthesised command name (which may
        // hold spaces), in clock ticks; USER_HZ is 100 on every Linux ABI.
        let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
        let rest = stat.rsplit_once(')')?.1;
        let mut fields = rest.split_whitespace().skip(11);
        let utime: u64 = fields.next()?.parse().ok()?;
        let stime: u64 = fields.next()?.parse().ok()?;
        Some((utime + stime) as f64 / 100.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_time_is_read_and_grows_with_work() {
        let before = cpu_seconds().expect("this platform reports CPU time");
        let start = Instant::now();
        let mut x = 0u64;
        while start.elapsed() < Duration::from_millis(300) {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
        }
        std::hint::black_box(x);
        let after = cpu_seconds().expect("this platform reports CPU time");
        assert!(after > before, "{before} → {after} after 300 ms of work");
    }
}
