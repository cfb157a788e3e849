//! The bare `coupon-studio`: opens the desktop app.

use std::process::ExitCode;

use coupon_studio::app::{Backend, CouponStudioApp, StartOptions};

/// How the app starts: the backend, the account that still needs its secret, and the backup
/// of a simulator state file that could not be read.
struct Start {
    backend: Backend,
    needs_credentials: Option<String>,
    sandbox_backup: Option<std::path::PathBuf>,
}

/// The backend of the active account, else the simulator. When the active account's secret
/// (or pasted token) is not available, the simulator runs and the account's id is returned so
/// that the app asks for it.
fn start_backend(data_dir: &std::path::Path) -> anyhow::Result<Start> {
    use coupon_studio::accounts::{Accounts, KeyringStore, Vault};
    let sandbox = |needs_credentials: Option<String>| -> anyhow::Result<Start> {
        let (backend, sandbox_backup) =
            Backend::start_sandbox_recovering(&data_dir.join("sandbox-state.json"))?;
        Ok(Start {
            backend,
            needs_credentials,
            sandbox_backup,
        })
    };
    let list = match Accounts::load(data_dir) {
        Ok(list) => list,
        Err(e) => {
            tracing::warn!(error = %e, "accounts list unreadable; starting on the simulator");
            return sandbox(None);
        }
    };
    let Some(account) = list.active_account() else {
        return sandbox(None);
    };
    let vault = Vault::new(std::sync::Arc::new(KeyringStore));
    // A platform account starts on the merchant it was left on (none chosen: the simulator).
    let built = match (account.is_platform(), list.merchant.as_deref()) {
        (true, None) => return sandbox(None),
        (true, Some(merchant)) => Backend::for_merchant(data_dir, &vault, account, merchant),
        (false, _) => Backend::for_account(data_dir, &vault, account),
    };
    match built {
        Ok(backend) => Ok(Start {
            backend,
            needs_credentials: None,
            sandbox_backup: None,
        }),
        Err(e) => {
            tracing::warn!(account = %account.appid, error = %e, "active account unusable; starting on the simulator");
            sandbox(Some(account.id.clone()))
        }
    }
}

/// A simulator run elsewhere (`--simulator`).
pub struct Simulator {
    /// Its base URL.
    pub url: String,
    /// The admin key it printed at start, when it has one.
    pub key: Option<String>,
}

/// Connects to the simulator of `--simulator` and checks the admin key before the window
/// opens, so a wrong address or key is told at once rather than in every panel.
fn connect(sim: &Simulator) -> anyhow::Result<Start> {
    let backend = Backend::connect_simulator(&sim.url, sim.key.as_deref())?;
    let admin = backend
        .sandbox_admin(std::time::Duration::from_secs(10))
        .ok_or_else(|| anyhow::anyhow!("not a simulator"))??;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(admin.now()).map_err(|e| {
        anyhow::anyhow!(
            "模拟器 {} 无法使用 / the simulator at {} cannot be used: {e}",
            sim.url,
            sim.url
        )
    })?;
    Ok(Start {
        backend,
        needs_credentials: None,
        sandbox_backup: None,
    })
}

/// How the window is run.
pub struct RunOptions {
    /// `--first-frame`: when the process started; the app reports the first frame and exits.
    pub first_frame: Option<std::time::Instant>,
    /// `--at-rest`: the panel shown and how long it is left alone and measured.
    pub at_rest: Option<super::at_rest::AtRest>,
    /// `--simulator`: rehearse on a simulator run elsewhere.
    pub simulator: Option<Simulator>,
}

/// Wraps the app for `--first-frame`: lets it draw one frame, and on the next one (so the first
/// has been painted and presented) prints the elapsed time and peak RSS, then closes.
struct FirstFrame {
    app: CouponStudioApp,
    started: std::time::Instant,
    frames: u32,
}

impl eframe::App for FirstFrame {
    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        self.app.ui(ui, frame);
        self.frames += 1;
        if self.frames == 2 {
            let ms = self.started.elapsed().as_secs_f64() * 1000.0;
            let rss = peak_rss_kib().map_or_else(|| "unknown".to_owned(), |k| format!("{k}"));
            println!("first frame: {ms:.0} ms, peak RSS: {rss} KiB");
            // The display scaling the app drew at (1.25 at 125 %), and the window's size in
            // points, so that a test can tell a scaled window from a stretched or clipped one.
            let ctx = ui.ctx();
            let size = ctx.content_rect().size();
            println!(
                "scale: {:.2}, window: {:.0}×{:.0} points",
                ctx.pixels_per_point(),
                size.x,
                size.y
            );
            ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
        } else {
            ui.ctx().request_repaint();
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.app.save(storage);
    }

    fn on_exit(&mut self, gl: Option<&eframe::glow::Context>) {
        self.app.on_exit(gl);
    }
}

/// Peak resident set size of this process: `VmHWM` on Linux, the peak working set on Windows.
fn peak_rss_kib() -> Option<u64> {
    #[cfg(windows)]
    {
        super::windows::peak_working_set_kib()
    }
    #[cfg(not(windows))]
    {
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }
}

/// The app icon (`packaging/icons/`, rendered from the SVG by `packaging/make-icons.sh`) for the
/// title bar and the task bar; `None` (the platform's default icon) if it does not decode.
fn window_icon() -> Option<egui::IconData> {
    static PNG: &[u8] = include_bytes!("../../packaging/icons/256x256/coupon-studio.png");
    match eframe::icon_data::from_png_bytes(PNG) {
        Ok(icon) => Some(icon),
        Err(e) => {
            tracing::warn!(error = %e, "window icon unreadable; using the default icon");
            None
        }
    }
}

/// What the app is made of once a window exists. It waits in a cell until a renderer has
/// started, so that a second renderer can take it when the first one cannot open a window.
struct Pending {
    data_dir: std::path::PathBuf,
    backend: Backend,
    needs_credentials: Option<String>,
    sandbox_backup: Option<std::path::PathBuf>,
}

/// Opens the window; with no account configured the app runs on the built-in simulator.
pub fn run(opts: RunOptions) -> ExitCode {
    let data_dir = coupon_studio::paths::data_dir();
    if let Err(e) = coupon_studio::logging::init(&coupon_studio::logging::log_dir(&data_dir)) {
        // The app works without a log; say so on the terminal it was started from.
        eprintln!("{e}");
    }
    let Start {
        backend,
        needs_credentials,
        sandbox_backup,
    } = match &opts.simulator {
        Some(sim) => match connect(sim) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{e:#}");
                return ExitCode::from(2);
            }
        },
        None => match start_backend(&data_dir) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("cannot start the simulator: {e}");
                return ExitCode::FAILURE;
            }
        },
    };
    let pending = std::rc::Rc::new(std::cell::RefCell::new(Some(Pending {
        data_dir: data_dir.clone(),
        backend,
        needs_credentials,
        sandbox_backup,
    })));
    let renderers = super::renderer::order();
    let mut failures: Vec<String> = Vec::new();
    for (i, renderer) in renderers.iter().enumerate() {
        // Only a renderer that failed before the app was built may be followed by another.
        let result = run_with(*renderer, &data_dir, &pending, &opts);
        let started = pending.borrow().is_none();
        match result {
            Ok(()) => return ExitCode::SUCCESS,
            // The app was built, so the renderer worked: the error is the app's own.
            Err(e) if started => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
            Err(e) => {
                let name = super::renderer::name(*renderer);
                tracing::warn!(renderer = name, error = %e, "renderer failed to open a window");
                if i + 1 < renderers.len() {
                    eprintln!("{name}: {e}; trying the next renderer");
                }
                failures.push(format!("{name}: {e}"));
            }
        }
    }
    eprintln!(
        "无法打开窗口 / cannot open a window ({})",
        failures.join("; ")
    );
    ExitCode::FAILURE
}

/// One attempt to open the window with `renderer`. The app is built from `pending` only once
/// the renderer has a surface, so a failed attempt leaves `pending` for the next one.
fn run_with(
    renderer: eframe::Renderer,
    data_dir: &std::path::Path,
    pending: &std::rc::Rc<std::cell::RefCell<Option<Pending>>>,
    opts: &RunOptions,
) -> eframe::Result {
    let (first_frame, at_rest) = (opts.first_frame, opts.at_rest);
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("卡券工作室 Coupon Studio")
        .with_inner_size([1280.0, 820.0])
        .with_min_inner_size([900.0, 600.0])
        // At 150 % a 1280×820 window is taller than a 1080p screen: shrink it to fit.
        .with_clamp_size_to_monitor_size(true);
    if let Some(icon) = window_icon() {
        viewport = viewport.with_icon(icon);
    }
    let options = eframe::NativeOptions {
        viewport,
        renderer,
        persist_window: true,
        persistence_path: Some(data_dir.join("ui-state.ron")),
        ..Default::default()
    };
    let pending = std::rc::Rc::clone(pending);
    eframe::run_native(
        "coupon-studio",
        options,
        Box::new(move |cc| {
            let Some(Pending {
                data_dir,
                backend,
                needs_credentials,
                sandbox_backup,
            }) = pending.borrow_mut().take()
            else {
                return Err("the app was already started".into());
            };
            if first_frame.is_some() {
                println!("renderer: {}", super::renderer::describe(cc));
            }
            let mut app = CouponStudioApp::new(
                cc,
                StartOptions {
                    data_dir,
                    backend,
                    persisted: None,
                },
            )?;
            if let Some(id) = needs_credentials {
                app.ask_for_credentials(&id);
            }
            if let Some(backup) = sandbox_backup {
                app.report_sandbox_state_set_aside(&backup);
            }
            Ok(match (first_frame, at_rest) {
                (Some(started), _) => Box::new(FirstFrame {
                    app,
                    started,
                    frames: 0,
                }),
                (None, Some(plan)) => Box::new(super::at_rest::Meter::new(app, plan)),
                (None, None) => Box::new(app),
            })
        }),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn window_icon_decodes() {
        let icon = super::window_icon();
        assert!(
            matches!(icon, Some(ref i) if i.width == 256 && i.height == 256 && i.rgba.len() == 256 * 256 * 4)
        );
    }
}
