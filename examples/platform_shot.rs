//! Opens the app as a service provider (第三方平台/服务商) working for one of three merchants,
//! on Settings with the platform's merchant list, for the README's screenshot. The company
//! server is the tests' double of the platform contract, in front of a simulator playing
//! WeChat's open platform (both from `tests/it/support`); nothing leaves this machine.
//!
//! `DISPLAY=:99 cargo run --example platform_shot`, then
//! `DISPLAY=:99 import -window root docs/screenshot-platform.png`.

// The tests' support code, used as it is: it fails loudly on purpose.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

// `server_double.rs` names its siblings with `super::`: here they sit at the crate root.
#[path = "../tests/it/support/platform.rs"]
mod platform;
#[path = "../tests/it/support/receiver.rs"]
mod receiver;
#[path = "../tests/it/support/server_double.rs"]
mod server_double;

use std::sync::Arc;

use coupon_studio::accounts::{Account, Accounts, MemoryStore, SecretStore, TokenMode, Vault};
use coupon_studio::app::{Backend, CouponStudioApp, Nav, Persisted, StartOptions};
use coupon_studio::i18n::Lang;
use server_double::PlatformDouble;

const KEY: &str = "csk_screenshot_0123456789abcdef";

fn main() -> eframe::Result {
    let d = PlatformDouble::start(&[KEY]);
    for (appid, name) in [
        ("wx5f1b2c3d4e5f6a7b", "北风羽绒"),
        ("wx6a7b8c9d0e1f2a3b", "南山茶饮"),
        ("wx7b8c9d0e1f2a3b4c", "东湖书店"),
    ] {
        d.authorize(appid, name);
    }
    let dir = std::env::temp_dir().join(format!("cs-platform-shot-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let account = Account::new("卡券服务商", "", TokenMode::Platform { url: d.url.clone() });
    let merchant = "wx5f1b2c3d4e5f6a7b";
    let mut list = Accounts::default();
    list.upsert(account.clone());
    list.active = Some(account.id.clone());
    list.merchant = Some(merchant.into());
    list.save(&dir).unwrap();
    let store = Arc::new(MemoryStore::default());
    store.set(&account.key_name().unwrap(), KEY).unwrap();
    let vault = Vault::new(store.clone());
    let backend = Backend::for_merchant_at(&dir, &d.wechat(), &vault, &account, merchant).unwrap();
    let wechat = d.wechat();
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default().with_inner_size([1280.0, 820.0]),
        ..eframe::NativeOptions::default()
    };
    eframe::run_native(
        "Coupon Studio",
        options,
        Box::new(move |cc| {
            let mut app = CouponStudioApp::new(
                cc,
                StartOptions {
                    data_dir: dir,
                    backend,
                    persisted: Some(Persisted {
                        lang: Lang::Zh,
                        nav: Nav::Settings,
                        ..Persisted::default()
                    }),
                },
            )?;
            app.set_secret_store(store);
            app.use_api_base_for_accounts(&wechat)?;
            // The double lives as long as the window.
            Ok(Box::new(Shot { app, _double: d }))
        }),
    )
}

/// The app, and the double it talks to (dropped with the window).
struct Shot {
    app: CouponStudioApp,
    _double: PlatformDouble,
}

impl eframe::App for Shot {
    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        self.app.ui(ui, frame);
    }
}
