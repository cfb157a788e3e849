//! A 第三方平台(服务商) account in Settings, clicked through as a person does: the form asks
//! for the server's address and the person's API key (no AppID of its own), the test counts
//! the merchants the key may act for, the key goes to the keyring only, the merchants are
//! listed under the account, and nothing polls at rest — only while an authorization page is
//! shown. A merchant that withdrew meanwhile is refused at the switch and leaves the list.

use std::sync::Arc;
use std::time::Instant;

use coupon_studio::accounts::{Accounts, MemoryStore, SecretStore, TokenMode};
use coupon_studio::app::{Backend, Nav};
use coupon_studio::i18n::Lang;
use coupon_studio::ui::panel::PanelCx;
use egui::Role;
use egui_kittest::kittest::Queryable;

use super::{A, A_NAME, B, B_NAME, POLL, harness, platform_app};
use crate::support::platform_chain::PlatformChain;
use crate::support::temp_dir;
use crate::support::ui::*;

/// The frame clock now, as the shell hands it to the panels.
fn cx() -> PanelCx {
    PanelCx {
        lang: Lang::Zh,
        sandbox: true,
        server: false,
        now_ms: chrono::Utc::now().timestamp_millis(),
        now: Instant::now(),
        stock_alert_below: None,
    }
}

#[test]
fn a_platform_account_is_added_in_settings_and_lists_its_merchants() {
    let dir = temp_dir("platform-settings");
    let d = PlatformChain::sqlite();
    d.authorize(A, A_NAME);
    d.authorize(B, B_NAME);
    let store = Arc::new(MemoryStore::default());
    let mut h = harness(
        &d,
        &dir,
        Backend::start_sandbox(None).unwrap(),
        store.clone(),
        Nav::Settings,
    );
    h.step();
    click(&mut h, "添加账号");
    set_account_field(&mut h, "显示名称", "卡券服务商");
    h.get_by_role_and_label(Role::RadioButton, "第三方平台(服务商)")
        .click_accesskit();
    h.run_steps(2);
    // A platform works for its merchants' AppIDs: the form asks for none of its own.
    assert!(
        h.query_by_role_and_label(Role::TextInput, "AppID(开发者ID)")
            .is_none()
    );
    set_account_field(&mut h, "服务器地址", "http://coupons.example.com");
    assert!(has(&h, "公司服务器地址必须是 https(本机地址除外)"));
    assert!(!enabled(&h, "保存"));
    set_account_field(&mut h, "服务器地址", d.url());
    set_account_field(&mut h, "API 密钥", d.key());
    click(&mut h, "测试连接");
    wait_for(&mut h, "the passed test", |h| {
        h.state().accounts.test_result == Some(Ok(2))
    });
    assert!(has(&h, "连接成功:可以替 2 个商户操作"));
    click(&mut h, "保存");
    wait_for(&mut h, "the saved account", |h| {
        h.state().accounts.list.accounts.len() == 1
    });
    assert!(has(&h, "账号已保存,API 密钥已存入系统钥匙串"));
    let saved = Accounts::load(&dir).unwrap().accounts[0].clone();
    assert_eq!(
        saved.mode,
        TokenMode::Platform {
            url: d.url().to_owned()
        }
    );
    assert_eq!(
        store.get(&saved.key_name().unwrap()).unwrap().as_deref(),
        Some(d.key())
    );
    let file = std::fs::read_to_string(dir.join("accounts.json")).unwrap();
    assert!(file.contains("\"platform\"") && !file.contains(d.key()));

    // Its merchants are listed under it, read once.
    wait_for(&mut h, "the merchants", |h| {
        has(h, &format!("使用 {A_NAME}")) && has(h, &format!("使用 {B_NAME}"))
    });
    assert!(has(&h, "卡券服务商 的商户"));
    // At rest nothing is read again and no frame is asked for.
    step_idle(&mut h);
    assert_eq!(h.state().next_wakeup(&cx()), None);
    // While the authorization page is shown, the list is read every POLL.
    click(&mut h, "添加商户");
    wait_for(&mut h, "the page", |h| has(h, "复制链接"));
    let wake = h
        .state()
        .next_wakeup(&cx())
        .expect("a wake-up while the page is shown");
    assert!(wake <= POLL, "{wake:?}");
    click(&mut h, "关闭二维码");
    h.step();
    assert_eq!(h.state().next_wakeup(&cx()), None);

    click(&mut h, &format!("使用 {B_NAME}"));
    super::wait_on_merchant(&mut h, B);
    let list = Accounts::load(&dir).unwrap();
    assert_eq!(list.merchant.as_deref(), Some(B));
    assert_eq!(list.active.as_deref(), Some(saved.id.as_str()));
}

#[test]
fn a_merchant_that_withdrew_meanwhile_is_refused_at_the_switch_and_leaves_the_list() {
    let dir = temp_dir("platform-gone");
    let d = PlatformChain::sqlite();
    d.authorize(A, A_NAME);
    d.authorize(B, B_NAME);
    let account = d.account();
    let mut h = platform_app(&d, &dir, &account, None, Nav::Settings);
    wait_for(&mut h, "the merchants", |h| {
        has(h, &format!("使用 {A_NAME}")) && has(h, &format!("使用 {B_NAME}"))
    });
    // A withdraws while the app shows the list it read before.
    d.revoke(A);
    click(&mut h, &format!("使用 {A_NAME}"));
    wait_for(&mut h, "the refusal", |h| {
        has(h, "这个商户已取消对本平台的授权")
    });
    assert!(h.state().is_sandbox(), "switched to a withdrawn merchant");
    assert!(!has(&h, &format!("使用 {A_NAME}")), "A is still listed");
    assert!(has(&h, &format!("使用 {B_NAME}")));
    assert_eq!(Accounts::load(&dir).unwrap().merchant, None);
}

/// Steps frames for a while with nothing going on.
fn step_idle(h: &mut H) {
    for _ in 0..15 {
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}
