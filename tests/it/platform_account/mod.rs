//! The desktop side of a third-party platform (issue 20 point 3, and the desktop half of point
//! 4's tests): a 第三方平台(服务商) account whose merchants authorize the company's platform,
//! each worked for in turn with its own authorizer token, events, drafts, channel names and
//! money journal. Run end to end on the real company server in platform mode, fed by the
//! simulator playing WeChat's open platform (`support/platform_chain.rs`,
//! [`PlatformChain`]): every token is an authorizer token the server got from the simulator,
//! every event one the simulator pushed to the server, so every card call is real.

mod again;
mod api;
mod scope;
mod settings;
mod ui;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use coupon_studio::accounts::{Account, Accounts, MemoryStore, SecretStore, Vault};
use coupon_studio::app::{Backend, CouponStudioApp, Nav, Persisted, StartOptions};
use coupon_studio::i18n::Lang;
use egui_kittest::Harness;

use crate::support::platform_chain::PlatformChain;
use crate::support::ui::{H, wait_for};

/// Merchant A.
pub const A: &str = "wxmerchantaaaa0001";
/// A's name.
pub const A_NAME: &str = "北风羽绒";
/// Merchant B.
pub const B: &str = "wxmerchantbbbb0002";
/// B's name.
pub const B_NAME: &str = "南山茶饮";

/// How often the app reads the server in tests (the app's default is 5 s, and 3 s for the
/// merchant list while an authorization page is shown).
pub const POLL: Duration = Duration::from_millis(150);

/// The app on `nav` in `dir` with `account` saved (the operator's key in an in-memory
/// keyring), started on `merchant` (or on the simulator), reading the server every [`POLL`].
pub fn platform_app(
    d: &PlatformChain,
    dir: &Path,
    account: &Account,
    merchant: Option<&str>,
    nav: Nav,
) -> H {
    let mut list = Accounts::load(dir).unwrap();
    list.upsert(account.clone());
    list.active = merchant.map(|_| account.id.clone());
    list.merchant = merchant.map(str::to_owned);
    list.save(dir).unwrap();
    let store = Arc::new(MemoryStore::default());
    store.set(&account.key_name().unwrap(), d.key()).unwrap();
    let vault = Vault::new(store.clone());
    let backend = match merchant {
        Some(m) => Backend::for_merchant_at(dir, &d.wechat(), &vault, account, m).unwrap(),
        None => Backend::start_sandbox(None).unwrap(),
    };
    harness(d, dir, backend, store, nav)
}

/// The app on `nav` in `dir` with `backend`, the keyring `store` and WeChat at the chain's
/// simulator, reading the server every [`POLL`].
pub fn harness(
    d: &PlatformChain,
    dir: &Path,
    backend: Backend,
    store: Arc<MemoryStore>,
    nav: Nav,
) -> H {
    // The keyring, the simulator and the pace are set before the first frame, which reads
    // the merchant list.
    let persisted = Persisted {
        lang: Lang::Zh,
        nav,
        ..Persisted::default()
    };
    let (data_dir, wechat) = (dir.to_owned(), d.wechat());
    Harness::builder()
        .with_size(egui::vec2(1400.0, 1100.0))
        .build_eframe(move |cc| {
            let mut app = CouponStudioApp::new(
                cc,
                StartOptions {
                    data_dir,
                    backend,
                    persisted: Some(persisted),
                },
            )
            .unwrap();
            app.set_secret_store(store);
            app.use_api_base_for_accounts(&wechat).unwrap();
            app.set_server_poll(POLL);
            app.set_merchant_poll(POLL);
            app
        })
}

/// Waits until the app works for `appid` (the switch landed and its feed answered).
pub fn wait_on_merchant(h: &mut H, appid: &str) {
    wait_for(h, &format!("the switch to {appid}"), |h| {
        h.state().merchant() == Some(appid)
            && h.state().server.status == coupon_studio::pushed::FeedStatus::Live
    });
}
