//! A merchant that withdrew and then authorized the platform again is worked for again: its
//! stream on the server still holds the old `unauthorized` event (the app's cache too), and
//! that old word must not send the app away from the merchant's new authorization — neither
//! from the cache of a laptop that saw it, nor on a fresh laptop that reads the stream from
//! its start.

use std::time::Duration;

use coupon_studio::app::Nav;
use egui::Role;
use egui_kittest::kittest::Queryable;

use super::{A, A_NAME, B, B_NAME, platform_app, wait_on_merchant};
use crate::support::platform_chain::PlatformChain;
use crate::support::temp_dir;
use crate::support::ui::*;

/// Steps frames for `d` (the feed reads the server meanwhile).
fn step_for(h: &mut H, d: Duration) {
    let start = std::time::Instant::now();
    while start.elapsed() < d {
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Clicks 使用 next to `name` in Settings (reading the list again first).
fn use_merchant(h: &mut H, name: &str) {
    click(h, "设置");
    click(h, "刷新");
    wait_for(h, "the merchant listed", |h| {
        has(h, &format!("使用 {name}"))
    });
    h.get_by_role_and_label(Role::Button, &format!("使用 {name}"))
        .click_accesskit();
    h.step();
}

/// The app stays on A for a while (several reads of A's stream): no notice, no leaving.
fn stays_on_a(h: &mut H, d: &PlatformChain) {
    let reads = || {
        d.asked()
            .iter()
            .filter(|p| p.starts_with("/api/v1/events") && p.contains(&format!("appid={A}")))
            .count()
    };
    let before = reads();
    step_for(h, Duration::from_millis(1200));
    assert_eq!(h.state().merchant(), Some(A), "the app left A again");
    assert!(reads() >= before + 3, "the feed did not read A's stream");
    assert!(!has(h, "已取消对本平台的授权"), "an old withdrawal shown");
    assert!(has(h, &format!("{A_NAME} ({A}) · 服务商 卡券服务商")));
}

#[test]
fn a_merchant_that_authorized_again_is_worked_for_despite_its_old_withdrawal() {
    let d = PlatformChain::sqlite();
    d.authorize(A, A_NAME);
    d.authorize(B, B_NAME);
    let account = d.account();
    let dir = temp_dir("platform-again");
    let mut h = platform_app(&d, &dir, &account, Some(A), Nav::Settings);
    wait_on_merchant(&mut h, A);
    d.revoke(A);
    wait_for(&mut h, "the app left A", |h| h.state().is_sandbox());
    click(&mut h, "知道了");

    // A authorizes again: the same stream, its old withdrawal in it (and in the cache).
    d.authorize(A, A_NAME);
    assert!(d.events(A).iter().any(|e| e["InfoType"] == "unauthorized"));
    use_merchant(&mut h, A_NAME);
    wait_on_merchant(&mut h, A);
    stays_on_a(&mut h, &d);
    assert!(
        d.block_on(d.merchant_client(d.key(), A).get_colors())
            .is_ok()
    );

    // A laptop that never saw A reads A's stream from the start, old withdrawal first.
    drop(h);
    let fresh = temp_dir("platform-again-fresh");
    let mut h = platform_app(&d, &fresh, &account, None, Nav::Settings);
    use_merchant(&mut h, A_NAME);
    wait_on_merchant(&mut h, A);
    assert!(
        h.state().server.events.iter().any(|e| e.unauthorizes(A)),
        "the fresh laptop never read the old withdrawal"
    );
    stays_on_a(&mut h, &d);

    // A real withdrawal after that is still acted on.
    d.revoke(A);
    wait_for(&mut h, "the app left A", |h| h.state().is_sandbox());
    assert!(has(&h, "已取消对本平台的授权"));
}
