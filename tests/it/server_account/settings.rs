//! A 公司服务器 account in Settings, clicked through as a person does: the URL rule, a key the
//! server refuses, the test that gets the token through the server, the key stored in the
//! keyring only, and the app switching to the account.

use std::sync::Arc;

use coupon_studio::accounts::{Accounts, MemoryStore, SecretStore, TokenMode};
use coupon_studio::app::{Backend, Nav};
use coupon_studio::pushed::FeedStatus;
use egui::Role;
use egui_kittest::kittest::Queryable;

use crate::support::chain::{Chain, POLL, wechat};
use crate::support::server::APPID;
use crate::support::ui::*;
use crate::support::{assert_no_file_holds, files_under, temp_dir};

#[test]
fn a_company_server_account_is_added_in_settings_with_its_key_in_the_keyring_only() {
    let dir = temp_dir("server-settings");
    let chain = Chain::sqlite(wechat(std::time::Duration::from_secs(3600)));
    let key = chain.add_key("总部-王芳");
    let mut h = app(&dir, Backend::start_sandbox(None).unwrap(), Nav::Settings);
    let store = Arc::new(MemoryStore::default());
    h.state_mut().set_secret_store(store.clone());
    h.state_mut()
        .use_api_base_for_accounts(chain.wechat_url())
        .unwrap();
    h.state_mut().set_server_poll(POLL);
    h.step();

    click(&mut h, "添加账号");
    set_account_field(&mut h, "显示名称", "总部");
    set_account_field(&mut h, "AppID(开发者ID)", APPID);
    h.get_by_role_and_label(Role::RadioButton, "公司服务器")
        .click_accesskit();
    h.run_steps(2);
    // The key travels to the server: plain http only to this machine.
    set_account_field(&mut h, "服务器地址", "http://coupons.example.com");
    assert!(has(&h, "公司服务器地址必须是 https(本机地址除外)"));
    assert!(!enabled(&h, "保存"));
    let url = chain.server_url();
    set_account_field(&mut h, "服务器地址", &url);
    assert!(!has(&h, "公司服务器地址必须是 https"));

    // A key the server does not know: refused, in plain words, and not echoed.
    set_account_field(&mut h, "API 密钥", "csk_typo_key_0000");
    click(&mut h, "测试连接");
    wait_for(&mut h, "the refused test", |h| {
        h.state().accounts.test_result.is_some()
    });
    assert!(has(&h, "公司服务器拒绝了你的 API 密钥"));
    assert!(!has(&h, "csk_typo_key_0000"));

    // The right key: WeChat's token comes through the server, and the test lists colours.
    set_account_field(&mut h, "API 密钥", &key);
    click(&mut h, "测试连接");
    wait_for(&mut h, "the passed test", |h| {
        h.state().accounts.test_result == Some(Ok(14))
    });

    click(&mut h, "保存");
    wait_for(&mut h, "the saved account", |h| {
        h.state().accounts.list.accounts.len() == 1
    });
    assert!(has(&h, "账号已保存,API 密钥已存入系统钥匙串"));
    let saved = Accounts::load(&dir).unwrap().accounts[0].clone();
    assert_eq!(saved.mode, TokenMode::Server { url: url.clone() });
    assert_eq!(
        store.get(&saved.key_name().unwrap()).unwrap().as_deref(),
        Some(key.as_str())
    );
    // The list file names the server, never the key; nor is an AppSecret stored anywhere.
    let file = std::fs::read_to_string(dir.join("accounts.json")).unwrap();
    assert!(file.contains(&url) && !file.contains(&key));
    assert_eq!(store.get(APPID).unwrap(), None);
    assert!(has(&h, &format!("总部 ({APPID})")) && has(&h, "公司服务器"));

    click(&mut h, "使用");
    wait_for(&mut h, "the switch and the first read", |h| {
        !h.state().is_sandbox() && h.state().server.status == FeedStatus::Live
    });
    assert!(has(&h, "已切换到 总部"));
    assert!(has(&h, "公司服务器已连接"));
    wait_for(&mut h, "the account's colours", |_| {
        chain.sim.calls("/card/getcolors") >= 2
    });
    // The server asked WeChat for the token; the app never held the AppSecret.
    assert!(chain.sim.calls("/cgi-bin/stable_token") >= 1);
    assert_eq!(chain.sim.calls("/cgi-bin/token"), 0);
    // Nothing the app wrote holds the key.
    assert_no_file_holds(&files_under(&dir), &[("the key", &key)]);
}
