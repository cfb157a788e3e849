//! A whole session with a real AppSecret (the simulator requires these credentials): save the
//! account in Settings, test the connection, create a draft and a card, quote and confirm,
//! recharge, export; then no file the app wrote — SQLite and its WAL, ui-state.ron,
//! accounts.json, the log, the exports — contains the secret or the access token.

use std::sync::Arc;

use coupon_studio::accounts::{Account, MemoryStore, TokenMode};
use coupon_studio::api::TokenSource;
use coupon_studio::api::pay::OrderListQuery;
use coupon_studio::app::{Backend, Nav, local_ms};
use coupon_studio::i18n::Lang;
use coupon_studio::sandbox::SandboxConfig;
use coupon_studio::ui::accounts::{Command as AccountCmd, SecretText};
use coupon_studio::ui::design::Command as DesignCmd;
use coupon_studio::ui::wallet::ConfirmState;
use serde_json::json;

use crate::support::sim::Sim;
use crate::support::ui::*;
use crate::support::{assert_no_file_holds, files_under, in_own_process, temp_dir};

const APPID: &str = "wxleakcheck0001";
const SECRET: &str = "S3cr3t-AppSecret-0f-the-leak-test";

#[test]
fn a_full_session_writes_neither_the_secret_nor_the_token_anywhere() {
    // The log is a global subscriber and the values it masks a process-wide list (the newest
    // 64): in the process this binary's other tests share, their lines would fill the log and
    // their tokens push this secret out of the list. So the session runs in a process of its
    // own.
    if !in_own_process() {
        return;
    }
    let dir = temp_dir("leak");
    coupon_studio::logging::init(&coupon_studio::logging::log_dir(&dir)).unwrap();
    let backend = Backend::start_sandbox_with(
        SandboxConfig {
            // No state file: the simulator's own state holds the tokens it issued.
            credentials: Some((APPID.into(), SECRET.into())),
            ..SandboxConfig::default()
        },
        TokenSource::Stable {
            appid: APPID.into(),
            secret: SECRET.into(),
        },
    )
    .unwrap();
    let url = backend.sandbox_url().unwrap().to_owned();
    let sim = Sim::new(&url, APPID, SECRET);
    let token = sim.token();
    assert!(token.len() > 8, "a real token to look for: {token}");
    let mut h = app(&dir, backend, Nav::Settings);
    h.state_mut()
        .set_secret_store(Arc::new(MemoryStore::default()));
    h.state_mut().use_api_base_for_accounts(&url).unwrap();

    // Settings: the account with its secret (to the in-memory keyring), then a connection
    // test with a wrong secret (an error, the secret not shown) and with the right one.
    let account = Account::new("泄漏检查", APPID, TokenMode::Stable);
    h.state_mut().run(AccountCmd::Save {
        account: account.clone(),
        secret: Some(SecretText(SECRET.into())),
        token: None,
    });
    wait_for(&mut h, "the saved account", |h| {
        h.state().accounts.list.accounts.len() == 1
            && h.state().accounts.with_secret == vec![APPID.to_owned()]
    });
    h.state_mut().accounts.testing = true;
    h.state_mut().run(AccountCmd::Test {
        account: account.clone(),
        secret: Some(SecretText("wrong-secret-123456".into())),
        token: None,
    });
    wait_for(&mut h, "the failed test", |h| {
        h.state().accounts.test_result.is_some()
    });
    let failed = h.state().accounts.test_result.clone().unwrap().unwrap_err();
    assert!(failed.text(Lang::Zh).contains("40125"), "{failed:?}");
    assert!(
        !failed.text(Lang::Zh).contains("wrong-secret-123456")
            && !failed.text(Lang::En).contains("wrong-secret")
    );
    h.state_mut().run(AccountCmd::Test {
        account: account.clone(),
        secret: None,
        token: None,
    });
    h.state_mut().accounts.test_result = None;
    wait_for(&mut h, "the connection test", |h| {
        h.state().accounts.test_result.is_some()
    });
    assert_eq!(h.state().accounts.test_result.clone().unwrap(), Ok(14));

    // A read whose connection drops: reqwest's error names the URL with the token; the log
    // and the UI text must not.
    sim.faults(
        "/card/getcolors",
        json!([{"kind": "drop_before"}, {"kind": "drop_before"}, {"kind": "drop_before"}]),
    );
    h.state_mut().run(DesignCmd::LoadLookups);

    // Design: a draft with the fixture body, saved, then created as a card.
    let draft_id = wait_for_draft(&mut h);
    let body = sim.fixture();
    {
        let app = h.state_mut();
        let doc = app.design.doc.as_mut().unwrap();
        doc.body = body.clone();
        app.design.edits.dirty_since = Some(std::time::Instant::now());
    }
    wait_for(&mut h, "the autosave", |h| {
        h.state().design.edits.dirty_since.is_none() && !h.state().design.edits.saving
    });
    h.state_mut()
        .run(DesignCmd::Create(Some(draft_id), Box::new(body.clone())));
    wait_for(&mut h, "the card", |h| {
        h.state().design.flow.card_id.is_some()
    });
    let card_id = h.state().design.flow.card_id.clone().unwrap();
    sim.admin(
        "/sandbox/card/review",
        json!({"card_id": card_id, "approve": true}),
    );

    // Wallet: quote + confirm, then a recharge paid on the simulator.
    h.state_mut().persisted.nav = Nav::Wallet;
    let cmds = h.state_mut().wallet.on_open(local_ms());
    for c in cmds {
        h.state_mut().run(c);
    }
    start_with_quote(&mut h, &card_id, "10");
    click(&mut h, "确认兑换");
    wait_for(&mut h, "the purchase", |h| {
        matches!(h.state().wallet.confirm, ConfirmState::Done(_))
    });
    set_text(&mut h, "充值券点", "50");
    click(&mut h, "生成充值二维码");
    wait_for(&mut h, "the recharge QR", |h| {
        h.state()
            .wallet
            .recharge
            .as_ref()
            .is_some_and(|r| r.texture.is_some())
    });
    click(&mut h, "模拟扫码支付");
    wait_for(&mut h, "the credited coins", |h| has(h, "券点已到账"));
    assert_eq!(sim.calls("/card/pay/confirm"), 1);
    assert_eq!(sim.calls("/card/pay/recharge"), 1);

    // Exports: what 导出 JSON and 导出 CSV write (their save dialogs cannot be driven
    // headless, so the same bytes are written here).
    let exports = dir.join("exports");
    std::fs::create_dir_all(&exports).unwrap();
    std::fs::write(
        exports.join("draft.json"),
        coupon_studio::card::import::to_pretty_json(&body),
    )
    .unwrap();
    let orders = sim
        .rt
        .block_on(sim.client.get_order_list(&OrderListQuery {
            count: 50,
            ..OrderListQuery::default()
        }))
        .unwrap();
    assert!(orders.order_list.len() >= 2, "{orders:?}");
    std::fs::write(
        exports.join("orders.csv"),
        coupon_studio::wallet::orders_csv(&orders.order_list, Lang::Zh).unwrap(),
    )
    .unwrap();

    // Close the app the way eframe does: save ui-state, flush the draft.
    let mut storage = MemStorage::default();
    h.state_mut().flush();
    eframe::App::save(h.state_mut(), &mut storage);
    let storage = storage.0;
    std::fs::write(dir.join("ui-state.ron"), format!("{storage:?}")).unwrap();
    let shown_error = h.state().design.colors_offline.then_some("offline palette");
    drop(h);
    // The log writes on the IO threads; give the last lines a moment.
    std::thread::sleep(std::time::Duration::from_millis(300));

    let all = files_under(&dir);
    let names: Vec<String> = all
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for expected in ["coupon-studio.sqlite", "accounts.json", "ui-state.ron"] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} in {names:?}"
        );
    }
    let log = all
        .iter()
        .find(|p| p.parent().unwrap().ends_with("logs"))
        .expect("a log file");
    let log_text = std::fs::read_to_string(log).unwrap();
    assert!(
        log_text.contains("/card/pay/confirm"),
        "the log has the calls"
    );
    assert!(
        log_text.contains("access_token=***"),
        "the dropped read's URL is in the log, redacted ({shown_error:?})"
    );
    assert_no_file_holds(
        &all,
        &[
            ("the secret", SECRET),
            ("the token", &token),
            ("the wrong secret", "wrong-secret-123456"),
        ],
    );
}
