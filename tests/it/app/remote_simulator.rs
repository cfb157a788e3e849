//! The app on a simulator run elsewhere with an admin key (`coupon-studio sandbox
//! --allow-remote` prints one): every admin call the app makes carries the key, and a wrong
//! key is refused and said so.

use std::time::Duration;

use coupon_studio::api::SandboxAdmin;
use coupon_studio::app::{Backend, Nav};
use coupon_studio::sandbox::{SandboxConfig, spawn_blocking_thread};

use crate::support::sim::Sim;
use crate::support::temp_dir;
use crate::support::ui::{app, click, has, set_text, wait_for};

const KEY: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

/// Asks for a 50-coin recharge and pays it with the simulator's "scan to pay".
fn recharge_and_pay(h: &mut crate::support::ui::H) {
    wait_for(h, "the balance", |h| h.state().wallet.balance.is_some());
    set_text(h, "充值券点", "50");
    click(h, "生成充值二维码");
    wait_for(h, "the QR", |h| {
        h.state()
            .wallet
            .recharge
            .as_ref()
            .is_some_and(|r| r.texture.is_some())
    });
    click(h, "模拟扫码支付");
}

#[test]
fn with_the_key_the_apps_admin_calls_get_in() {
    let dir = temp_dir("remote-sim-key");
    let thread = spawn_blocking_thread(SandboxConfig {
        admin_key: Some(KEY.into()),
        ..SandboxConfig::default()
    })
    .unwrap();
    let sim = Sim::new(thread.url(), "t", "t");
    let keyed = SandboxAdmin::new(thread.url(), Duration::from_secs(10))
        .unwrap()
        .with_key(KEY);
    let unkeyed = SandboxAdmin::new(thread.url(), Duration::from_secs(10)).unwrap();
    // The simulator does want the key: the same call without it is refused.
    assert!(sim.rt.block_on(unkeyed.now()).is_err());
    assert!(sim.rt.block_on(keyed.now()).is_ok());
    let before = sim.total_coins();

    let backend = Backend::connect_simulator(thread.url(), Some(KEY)).unwrap();
    assert_eq!(backend.sandbox_url(), Some(thread.url()));
    assert_eq!(backend.account_key(), format!("sandbox@{}", thread.url()));
    let mut h = app(&dir, backend, Nav::Wallet);
    recharge_and_pay(&mut h);
    wait_for(&mut h, "the credited coins", |h| has(h, "券点已到账"));
    assert_eq!(sim.total_coins(), before + 5_000);
    assert_eq!(
        sim.rt.block_on(keyed.calls("/card/pay/recharge")).unwrap(),
        1
    );
}

#[test]
fn without_the_key_the_simulator_refuses_and_the_app_says_so() {
    let dir = temp_dir("remote-sim-nokey");
    let thread = spawn_blocking_thread(SandboxConfig {
        admin_key: Some(KEY.into()),
        ..SandboxConfig::default()
    })
    .unwrap();
    let backend = Backend::connect_simulator(thread.url(), Some("not-the-key")).unwrap();
    let mut h = app(&dir, backend, Nav::Wallet);
    recharge_and_pay(&mut h);
    wait_for(&mut h, "the refusal", |h| has(h, "x-sandbox-key"));
    assert!(!has(&h, "券点已到账"));
}
