//! Accounts in Settings, headless (egui_kittest), against two simulators: the app's own one
//! (the sandbox) and one that stands in for WeChat and only accepts the account's AppSecret.
//! The add-account form is clicked through as a user does; a missing secret typed in at start
//! switches the app by itself; answers about the previous account never reach the panels.

use std::sync::Arc;
use std::time::{Duration, Instant};

use coupon_studio::accounts::{Account, Accounts, MemoryStore, SecretStore, TokenMode};
use coupon_studio::app::{Backend, Nav};
use coupon_studio::sandbox::{SandboxConfig, SandboxThread, spawn_blocking_thread};
use coupon_studio::ui::accounts::Command as AccountCmd;
use coupon_studio::ui::design::Command as DesignCmd;
use serde_json::json;

use crate::support::sim::Sim;
use crate::support::temp_dir;
use crate::support::ui::*;

const APPID: &str = "wxaccountsui0001";
const SECRET: &str = "the-AppSecret-typed-into-the-form";

/// A simulator that only hands tokens to `APPID` with `SECRET`, as WeChat would.
fn wechat() -> (SandboxThread, Sim) {
    let thread = spawn_blocking_thread(SandboxConfig {
        credentials: Some((APPID.into(), SECRET.into())),
        ..SandboxConfig::default()
    })
    .unwrap();
    let sim = Sim::new(thread.url(), APPID, SECRET);
    (thread, sim)
}

/// Steps frames for `d` (IO answers keep arriving meanwhile).
fn step_for(h: &mut H, d: Duration) {
    let start = Instant::now();
    while start.elapsed() < d {
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn adding_testing_saving_and_using_an_account_through_the_form() {
    let dir = temp_dir("accounts-form");
    let (_wechat, sim) = wechat();
    let mut h = app(&dir, Backend::start_sandbox(None).unwrap(), Nav::Settings);
    let store = Arc::new(MemoryStore::default());
    h.state_mut().set_secret_store(store.clone());
    h.state_mut()
        .use_api_base_for_accounts(sim.client.base_url())
        .unwrap();
    h.step();
    assert!(h.state().is_sandbox());

    click(&mut h, "添加账号");
    // Save stays disabled until the form names the account and its AppID; the rule shows.
    assert!(!enabled(&h, "保存"));
    assert!(has(&h, "请填写显示名称"));
    set_account_field(&mut h, "显示名称", "华东门店");
    assert!(!has(&h, "请填写显示名称"));
    assert!(has(&h, "请填写 AppID"));
    set_account_field(&mut h, "AppID(开发者ID)", APPID);
    assert!(!has(&h, "请填写 AppID"));
    set_account_field(&mut h, "AppSecret(开发者密码)", "a-wrong-secret");
    assert!(enabled(&h, "保存"));

    // A wrong secret: WeChat's 40125, and the typed secret is not echoed.
    click(&mut h, "测试连接");
    wait_for(&mut h, "the failed test", |h| {
        h.state().accounts.test_result.is_some()
    });
    assert!(has(&h, "40125"));
    assert!(!has(&h, "a-wrong-secret"));

    // The right secret: the test lists WeChat's 14 card colours.
    set_account_field(&mut h, "AppSecret(开发者密码)", SECRET);
    click(&mut h, "测试连接");
    wait_for(&mut h, "the passed test", |h| {
        h.state().accounts.test_result == Some(Ok(14))
    });
    assert!(has(&h, "✔"));

    click(&mut h, "保存");
    wait_for(&mut h, "the saved account", |h| {
        h.state().accounts.list.accounts.len() == 1
    });
    assert!(has(&h, &format!("华东门店 ({APPID})")));
    assert!(has(&h, "账号已保存,AppSecret 已存入系统钥匙串"));
    assert_eq!(store.get(APPID).unwrap().as_deref(), Some(SECRET));
    let on_disk = Accounts::load(&dir).unwrap();
    assert_eq!(on_disk.accounts[0].appid, APPID);
    assert_eq!(on_disk.accounts[0].mode, TokenMode::Stable);
    // The list file holds no secret.
    let file = std::fs::read_to_string(dir.join("accounts.json")).unwrap();
    assert!(!file.contains(SECRET));

    // 使用: the app runs on the account now, through stable_token (never cgi-bin/token).
    click(&mut h, "使用");
    wait_for(&mut h, "the switch", |h| {
        h.state().accounts.in_use.is_some() && !h.state().is_sandbox()
    });
    assert!(has(&h, "已切换到 华东门店"));
    // The top bar names the account as the user named it.
    assert!(has(&h, &format!("账号: 华东门店 ({APPID})")));
    assert_eq!(
        Accounts::load(&dir).unwrap().active.as_deref(),
        h.state().accounts.in_use.as_deref()
    );
    wait_for(&mut h, "the account's colours", |_| {
        sim.calls("/card/getcolors") >= 1
    });
    assert!(sim.calls("/cgi-bin/stable_token") >= 1);
    assert_eq!(sim.calls("/cgi-bin/token"), 0);
}

/// The app on the sandbox in `dir`, where the account was active last time but its secret is
/// not in this machine's keyring (an empty one); accounts talk to `sim`.
fn started_without_the_secret(dir: &std::path::Path, sim: &Sim) -> (Account, H) {
    let account = Account::new("总部", APPID, TokenMode::Stable);
    let mut list = Accounts::default();
    list.upsert(account.clone());
    list.active = Some(account.id.clone());
    list.save(dir).unwrap();

    let mut h = app(dir, Backend::start_sandbox(None).unwrap(), Nav::Design);
    h.state_mut()
        .set_secret_store(Arc::new(MemoryStore::default()));
    h.state_mut()
        .use_api_base_for_accounts(sim.client.base_url())
        .unwrap();
    (account, h)
}

#[test]
fn typing_the_missing_secret_at_start_switches_to_the_account() {
    let dir = temp_dir("accounts-missing");
    let (_wechat, sim) = wechat();
    let (account, mut h) = started_without_the_secret(&dir, &sim);
    h.state_mut().ask_for_credentials(&account.id);
    h.step();
    h.step();
    assert_eq!(h.state().persisted.nav, Nav::Settings);
    assert!(has(&h, "此账号需要输入 AppSecret"));
    assert!(h.state().is_sandbox());

    set_account_field(&mut h, "AppSecret(开发者密码)", SECRET);
    click(&mut h, "保存");
    // No 使用 click: saving the missing secret is enough.
    wait_for(&mut h, "the automatic switch", |h| {
        h.state().accounts.in_use.as_deref() == Some(account.id.as_str()) && !h.state().is_sandbox()
    });
    assert!(!has(&h, "此账号需要输入 AppSecret"));
    wait_for(&mut h, "the account's colours", |_| {
        sim.calls("/card/getcolors") >= 1
    });
    assert!(sim.calls("/cgi-bin/stable_token") >= 1);
}

#[test]
fn a_late_answer_about_the_previous_account_is_dropped_after_a_switch() {
    let dir = temp_dir("accounts-stale");
    // The previous account's simulator outlives the switch here, so its late answer is sent.
    let old_thread = spawn_blocking_thread(SandboxConfig::default()).unwrap();
    let old = Sim::new(old_thread.url(), "sandbox", "sandbox");
    let sandbox = Backend {
        sandbox: true,
        api_base: old_thread.url().to_owned(),
        label: "sandbox".into(),
        client: old.client.clone(),
        sandbox_thread: None,
        admin_key: None,
        server: None,
    };
    let old_card = old.approved_card();
    let (_wechat, sim) = wechat();
    let mut h = app(&dir, sandbox, Nav::Design);
    h.state_mut()
        .set_secret_store(Arc::new(MemoryStore::default()));
    h.state_mut()
        .use_api_base_for_accounts(sim.client.base_url())
        .unwrap();
    wait_for(&mut h, "the sandbox's card list", |h| {
        h.state().design.cards.len() == 1
    });
    let account = Account::new("新账号", APPID, TokenMode::Stable);
    h.state_mut().run(AccountCmd::Save {
        account: account.clone(),
        secret: Some(coupon_studio::ui::accounts::SecretText(SECRET.into())),
        token: None,
    });
    wait_for(&mut h, "the saved account", |h| {
        h.state().accounts.list.accounts.len() == 1
    });

    // The old account's list is asked again and its card answers 3 s late; meanwhile the app
    // switches.
    old.admin("/sandbox/calls/reset", json!({}));
    old.faults("/card/get", json!([{"kind": "latency", "ms": 3000}]));
    h.state_mut().run(DesignCmd::ListCards);
    h.state_mut()
        .run(AccountCmd::Activate(Some(account.id.clone())));
    wait_for(&mut h, "the switch", |h| !h.state().is_sandbox());
    let switched = Instant::now();
    wait_for(&mut h, "the new account's (empty) list", |h| {
        sim.calls("/card/batchget") >= 1 && h.state().design.cards.is_empty()
    });
    // Past the old answer's arrival: it was answered, and it never reached the panel.
    step_for(
        &mut h,
        Duration::from_millis(3500).saturating_sub(switched.elapsed()),
    );
    wait_for(&mut h, "the late answer on the old simulator", |_| {
        old.calls("/card/get") >= 1
    });
    step_for(&mut h, Duration::from_millis(500));
    assert!(
        h.state().design.cards.iter().all(|c| c.card_id != old_card),
        "the previous account's card showed up after the switch"
    );
    assert!(h.state().design.cards.is_empty());
}

#[test]
fn a_damaged_simulator_state_is_set_aside_and_reported() {
    let dir = temp_dir("accounts-sandbox-state");
    let state = dir.join("sandbox-state.json");
    std::fs::write(&state, b"{\"cards\": [broken").unwrap();
    let (backend, backup) = Backend::start_sandbox_recovering(&state).unwrap();
    let backup = backup.expect("the damaged file is set aside");
    assert_eq!(std::fs::read(&backup).unwrap(), b"{\"cards\": [broken");
    // The simulator started empty and answers.
    let sim = Sim::new(backend.sandbox_url().unwrap(), "sandbox", "sandbox");
    assert_eq!(sim.calls("/card/batchget"), 0);
    let card = sim.approved_card();
    assert!(!card.is_empty());

    let mut h = app(&dir, backend, Nav::Design);
    h.state_mut().report_sandbox_state_set_aside(&backup);
    h.step();
    assert!(has(&h, "模拟器的状态文件无法读取"));
    assert!(has(&h, &backup.file_name().unwrap().to_string_lossy()));

    // A readable state file is used as it is, with no backup.
    drop(h);
    let (_backend, none) = Backend::start_sandbox_recovering(&state).unwrap();
    assert!(none.is_none());
}

#[test]
fn no_switch_while_a_purchase_is_on_its_way() {
    let dir = temp_dir("accounts-money");
    let (_wechat, sim) = wechat();
    let mut h = app(&dir, Backend::start_sandbox(None).unwrap(), Nav::Settings);
    h.state_mut()
        .set_secret_store(Arc::new(MemoryStore::default()));
    h.state_mut()
        .use_api_base_for_accounts(sim.client.base_url())
        .unwrap();
    h.state_mut().run(AccountCmd::Save {
        account: Account::new("新账号", APPID, TokenMode::Stable),
        secret: Some(coupon_studio::ui::accounts::SecretText(SECRET.into())),
        token: None,
    });
    wait_for(&mut h, "the saved account", |h| {
        h.state().accounts.list.accounts.len() == 1
    });
    // A confirm is in flight on the sandbox: 使用 is refused with the reason.
    h.state_mut().wallet.confirm =
        coupon_studio::ui::wallet::ConfirmState::Sending("order-1".into());
    click(&mut h, "使用");
    step_for(&mut h, Duration::from_millis(300));
    assert!(has(&h, "券点兑换或充值正在进行"));
    assert!(h.state().is_sandbox());
    assert!(!h.state().accounts.switching);
    // Once it has landed, the switch goes ahead.
    h.state_mut().wallet.confirm = coupon_studio::ui::wallet::ConfirmState::Done("order-1".into());
    click(&mut h, "使用");
    wait_for(&mut h, "the switch", |h| !h.state().is_sandbox());
}

/// Issue 16: the Placement panel's set-up (where batches go, which formats, which channels)
/// belongs to the person, not to the account, so a switch keeps it: it used to be rebuilt
/// empty, and the batch button went dead after a switch.
#[test]
fn the_placement_set_up_survives_an_account_switch() {
    let dir = temp_dir("accounts-placement");
    let (_wechat, sim) = wechat();
    let (account, mut h) = started_without_the_secret(&dir, &sim);
    let posters = dir.join("posters").display().to_string();
    let p = &h.state().placement;
    assert_eq!(p.batch_dir, posters);
    assert_eq!(p.channel_spec, "1-20");
    assert!(p.batch_pdf && p.batch_png);
    // What the person changed before switching is kept too.
    h.state_mut().placement.channel_spec = "1-50".into();
    h.state_mut().placement.batch_png = false;

    h.state_mut().ask_for_credentials(&account.id);
    h.step();
    set_account_field(&mut h, "AppSecret(开发者密码)", SECRET);
    click(&mut h, "保存");
    wait_for(&mut h, "the switch", |h| {
        h.state().accounts.in_use.as_deref() == Some(account.id.as_str()) && !h.state().is_sandbox()
    });
    let p = &h.state().placement;
    assert_eq!(p.batch_dir, posters, "the output folder was dropped");
    assert_eq!(p.channel_spec, "1-50");
    assert!(p.batch_pdf, "the PDF format was dropped");
    assert!(!p.batch_png);
}
