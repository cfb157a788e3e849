//! The desktop side of the company server (issue 19, point 4): a 公司服务器 account whose
//! token and card events come from the server. Run against the contract's double
//! (`support/server_double.rs`) in front of a simulator that stands in for WeChat and only
//! knows the AppSecret the server holds; swapping the double's URL for a real server's is all
//! an end-to-end test needs.

mod api;
mod leak;
mod offline;
mod panels;
mod settings;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use coupon_studio::accounts::{Account, Accounts, MemoryStore, SecretStore, TokenMode, Vault};
use coupon_studio::app::{Backend, Nav};
use coupon_studio::sandbox::{SandboxConfig, SandboxThread, spawn_blocking_thread};

use crate::support::server_double::{ServerDouble, Upstream};
use crate::support::sim::Sim;
use crate::support::ui::{H, app};

/// The AppID the server holds the secret of.
pub const APPID: &str = "wxcompanyserver01";
/// The AppSecret: only the server (here, the double) has it.
pub const SECRET: &str = "the-AppSecret-only-the-server-holds";
/// The person's API key.
pub const KEY: &str = "csk_alice_7f3e9a1b2c4d5e6f";

/// How often the app reads the double in tests (the app's default is 5 s).
pub const POLL: Duration = Duration::from_millis(150);

/// WeChat (a simulator that only gives tokens for `APPID` + `SECRET`) and the company server
/// in front of it.
pub struct Company {
    /// Keeps the simulator running.
    pub _wechat: SandboxThread,
    /// The test's own client of the simulator.
    pub sim: Sim,
    /// The server.
    pub server: ServerDouble,
}

impl Company {
    /// Starts both, the server with `KEY` valid.
    pub fn start() -> Self {
        let wechat = spawn_blocking_thread(SandboxConfig {
            credentials: Some((APPID.into(), SECRET.into())),
            ..SandboxConfig::default()
        })
        .unwrap();
        let sim = Sim::new(wechat.url(), APPID, SECRET);
        let server = ServerDouble::start(
            Upstream {
                url: wechat.url().to_owned(),
                appid: APPID.into(),
                secret: SECRET.into(),
            },
            &[KEY],
        );
        Self {
            _wechat: wechat,
            sim,
            server,
        }
    }

    /// The company-server account of this server.
    pub fn account(&self) -> Account {
        Account::new(
            "总部",
            APPID,
            TokenMode::Server {
                url: self.server.url.clone(),
            },
        )
    }

    /// The app on `nav` in `dir`, started on `account` (saved as the active one, its key in
    /// an in-memory keyring), reading the server every [`POLL`].
    pub fn app(&self, dir: &Path, account: &Account, nav: Nav) -> H {
        let mut list = Accounts::load(dir).unwrap();
        list.upsert(account.clone());
        list.active = Some(account.id.clone());
        list.save(dir).unwrap();
        let store = Arc::new(MemoryStore::default());
        store.set(&account.key_name().unwrap(), KEY).unwrap();
        let vault = Vault::new(store.clone());
        let backend =
            Backend::for_account_at(dir, self.sim.client.base_url(), &vault, account).unwrap();
        let mut h = app(dir, backend, nav);
        h.state_mut().set_secret_store(store);
        h.state_mut()
            .use_api_base_for_accounts(self.sim.client.base_url())
            .unwrap();
        h.state_mut().set_server_poll(POLL);
        h
    }
}
