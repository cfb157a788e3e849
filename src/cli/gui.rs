//! The bare `coupon-studio`: opens the desktop app.

use std::process::ExitCode;

use coupon_studio::app::{Backend, CouponStudioApp, StartOptions};

/// The data folder: `$COUPON_STUDIO_DATA_DIR`, else the platform's user data folder.
pub fn data_dir() -> std::path::PathBuf {
    if let Some(dir) = std::env::var_os("COUPON_STUDIO_DATA_DIR") {
        return dir.into();
    }
    directories::ProjectDirs::from("", "", "coupon-studio")
        .map(|d| d.data_dir().to_owned())
        .unwrap_or_else(|| std::path::PathBuf::from(".coupon-studio"))
}

/// Opens the window; with no account configured the app runs on the built-in simulator.
pub fn run() -> ExitCode {
    let data_dir = data_dir();
    let backend = match Backend::start_sandbox(Some(data_dir.join("sandbox-state.json"))) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("cannot start the simulator: {e}");
            return ExitCode::FAILURE;
        }
    };
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("卡券工作室 Coupon Studio")
            .with_inner_size([1280.0, 820.0])
            .with_min_inner_size([900.0, 600.0]),
        persist_window: true,
        persistence_path: Some(data_dir.join("ui-state.ron")),
        ..Default::default()
    };
    let result = eframe::run_native(
        "coupon-studio",
        options,
        Box::new(move |cc| {
            let app = CouponStudioApp::new(
                cc,
                StartOptions {
                    data_dir,
                    backend,
                    persisted: None,
                },
            )?;
            Ok(Box::new(app))
        }),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
