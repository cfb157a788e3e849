//! The app under egui_kittest for the UI tests: a harness on a given panel with the Chinese UI
//! pinned, and the few queries and actions every panel test needs.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use coupon_studio::api::{ApiClient, TokenSource};
use coupon_studio::app::{Backend, CouponStudioApp, Nav, Persisted, StartOptions};
use coupon_studio::i18n::Lang;
use egui::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

/// The app in a test harness.
pub type H = Harness<'static, CouponStudioApp>;

/// A fresh folder for one test's data.
pub fn temp_dir(group: &str, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cs-{group}-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A stable-token client for the app's simulator (any credentials pass).
pub fn client(url: &str) -> ApiClient {
    ApiClient::new(
        url,
        TokenSource::Stable {
            appid: "t".into(),
            secret: "t".into(),
        },
    )
    .unwrap()
}

/// The app on `nav` with the Chinese UI pinned (never the system locale). The backend is
/// started by the caller so that the simulator can be prepared first.
pub fn app(data_dir: &Path, backend: Backend, nav: Nav, size: egui::Vec2) -> H {
    let persisted = Persisted {
        lang: Lang::Zh,
        nav,
        ..Persisted::default()
    };
    app_with(data_dir, backend, persisted, size)
}

/// The app with the given persisted settings (a remembered draft, a language).
pub fn app_with(data_dir: &Path, backend: Backend, persisted: Persisted, size: egui::Vec2) -> H {
    let dir = data_dir.to_owned();
    Harness::builder().with_size(size).build_eframe(move |cc| {
        CouponStudioApp::new(
            cc,
            StartOptions {
                data_dir: dir,
                backend,
                persisted: Some(persisted),
            },
        )
        .unwrap()
    })
}

/// Steps frames until `done` holds (IO answers arrive on other threads); fails after 30 s.
pub fn wait_for(h: &mut H, what: &str, done: impl Fn(&H) -> bool) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(30) {
        h.step();
        if done(h) {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("timed out waiting for {what}");
}

/// Whether some node's label contains `text`.
pub fn has(h: &H, text: &str) -> bool {
    h.query_all_by_label_contains(text).next().is_some()
}

/// Whether the button `label` exists and is enabled.
pub fn enabled(h: &H, label: &str) -> bool {
    h.query_by_role_and_label(Role::Button, label)
        .is_some_and(|b| !b.accesskit_node().is_disabled())
}

/// Clicks the button `label` (as assistive technology does) and runs a frame.
pub fn click(h: &mut H, label: &str) {
    h.get_by_role_and_label(Role::Button, label)
        .click_accesskit();
    h.step();
}

/// eframe's storage in memory, for checking what the app saves on exit.
#[derive(Default)]
pub struct MemStorage(pub std::collections::HashMap<String, String>);

impl eframe::Storage for MemStorage {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }
    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.into(), value);
    }
    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }
    fn flush(&mut self) {}
}

/// Whether some node's label is exactly `text`.
pub fn has_exact(h: &H, text: &str) -> bool {
    h.query_by_label(text).is_some()
}

/// Types into the field `label` (`role` TextInput or MultilineTextInput), appending.
pub fn type_into(h: &mut H, role: Role, label: &str, text: &str) {
    h.get_by_role_and_label(role, label).focus();
    h.step();
    h.get_by_role_and_label(role, label).type_text(text);
    h.step();
    h.step();
}

/// Replaces the text of the single-line field `label`.
pub fn set_text(h: &mut H, label: &str, text: &str) {
    h.get_by_role_and_label(Role::TextInput, label).focus();
    h.step();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.step();
    h.get_by_role_and_label(Role::TextInput, label)
        .type_text(text);
    h.step();
    h.step();
}
