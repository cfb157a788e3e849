//! The app under egui_kittest for the UI tests: a harness on a given panel with the Chinese UI
//! pinned, waiting in a loop instead of sleeping, and the queries and actions by accessible
//! label that every panel test needs.

use std::path::Path;
use std::time::{Duration, Instant};

use coupon_studio::api::{ApiClient, TokenSource};
use coupon_studio::app::{Backend, CouponStudioApp, Nav, Persisted, StartOptions};
use coupon_studio::i18n::Lang;
use egui::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

/// The app in a test harness.
pub type H = Harness<'static, CouponStudioApp>;

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

/// The app on `nav` in a 1400×1100 window, Chinese UI pinned.
pub fn app(data_dir: &Path, backend: Backend, nav: Nav) -> H {
    app_sized(data_dir, backend, nav, egui::vec2(1400.0, 1100.0))
}

/// The app on `nav` with the Chinese UI pinned (never the system locale). The backend is
/// started by the caller so that the simulator can be prepared first.
pub fn app_sized(data_dir: &Path, backend: Backend, nav: Nav, size: egui::Vec2) -> H {
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

/// A fresh simulator and the app on Design with `persisted` (Chinese UI pinned), where a
/// newcomer clicks 载入示例活动 (the demo then loads in the background).
pub fn with_demo(data_dir: &Path, persisted: Persisted) -> H {
    let backend = Backend::start_sandbox(None).unwrap();
    let persisted = Persisted {
        lang: Lang::Zh,
        nav: Nav::Design,
        ..persisted
    };
    let mut h = app_with(data_dir, backend, persisted, egui::vec2(1400.0, 1000.0));
    wait_for(&mut h, "the demo button", |h| enabled(h, "载入示例活动"));
    click(&mut h, "载入示例活动");
    h
}

/// Whether the open document has a logo URL on the simulator's image host (it was uploaded).
pub fn logo_uploaded(h: &H) -> bool {
    h.state()
        .design
        .doc
        .as_ref()
        .and_then(|d| d.body.card.base_info()?.logo_url.clone())
        .is_some_and(|u| u.contains("/sandbox/"))
}

/// Steps frames until `done` holds (IO answers arrive on other threads); fails after 30 s.
pub fn wait_for(h: &mut H, what: &str, done: impl Fn(&H) -> bool) {
    wait_for_within(h, Duration::from_secs(30), what, done);
}

/// Steps until `done`, failing after `limit`.
pub fn wait_for_within(h: &mut H, limit: Duration, what: &str, done: impl Fn(&H) -> bool) {
    let start = Instant::now();
    while start.elapsed() < limit {
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

/// Whether some node's label is exactly `text`.
pub fn has_exact(h: &H, text: &str) -> bool {
    h.query_by_label(text).is_some()
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
    replace_text(h, Role::TextInput, label, text);
}

/// Replaces the text of the field `label` of Settings' account form: the AppSecret and the
/// API key are password fields, the others single-line ones.
pub fn set_account_field(h: &mut H, label: &str, text: &str) {
    let role = if label.starts_with("AppSecret") || label == "API 密钥" {
        Role::PasswordInput
    } else {
        Role::TextInput
    };
    replace_text(h, role, label, text);
}

/// Replaces the text of the field `label` of `role` (TextInput or PasswordInput).
fn replace_text(h: &mut H, role: Role, label: &str, text: &str) {
    h.get_by_role_and_label(role, label).focus();
    h.step();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.step();
    h.get_by_role_and_label(role, label).type_text(text);
    h.step();
    h.step();
}

/// Waits until the app has a draft open; its id.
pub fn wait_for_draft(h: &mut H) -> i64 {
    wait_for(h, "a draft", |h| {
        h.state()
            .design
            .doc
            .as_ref()
            .is_some_and(|d| d.draft_id.is_some())
    });
    h.state().design.doc.as_ref().unwrap().draft_id.unwrap()
}

/// Activates the coin account (200 free coins) and waits for the card and a confirmable
/// quote.
pub fn start_with_quote(h: &mut H, card_id: &str, quantity: &str) {
    wait_for(h, "the activate button", |h| enabled(h, "开通券点账户"));
    click(h, "开通券点账户");
    wait_for(h, "the free coins", |h| has(h, "获赠"));
    wait_for(h, "the card in the list", |h| {
        h.state().wallet.card_id.as_deref() == Some(card_id)
    });
    set_text(h, "数量", quantity);
    wait_for(h, "the quote button", |h| enabled(h, "批价"));
    click(h, "批价");
    wait_for(h, "a confirmable quote", |h| enabled(h, "确认兑换"));
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
