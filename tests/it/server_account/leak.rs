//! A company-server session with the log on: the key typed wrong then right in Settings, the
//! token from the server, events read and cached, the server down and back, the key revoked.
//! No file the app wrote — the log, SQLite and its WAL, accounts.json — holds the API key or
//! the access token.

use coupon_studio::app::Nav;
use coupon_studio::pushed::FeedStatus;
use coupon_studio::ui::accounts::{Command as AccountCmd, SecretText};
use coupon_studio::ui::design::Command as DesignCmd;

use crate::support::chain::{Chain, wait_live, wechat};
use crate::support::ui::*;
use crate::support::{assert_no_file_holds, files_under, in_own_process, temp_dir};

#[test]
fn a_company_server_session_writes_neither_the_key_nor_the_token_anywhere() {
    // The log is process-wide: the session runs in a process of its own.
    if !in_own_process() {
        return;
    }
    let dir = temp_dir("server-leak");
    coupon_studio::logging::init(&coupon_studio::logging::log_dir(&dir)).unwrap();
    let chain = Chain::sqlite(wechat(std::time::Duration::from_secs(3600)));
    let key = chain.add_key("王芳");
    let account = chain.account();
    // A customer claims a code of an approved card: WeChat pushes it.
    let card = chain.sim.approved_card();
    chain.sim.admin(
        "/sandbox/user/scan",
        serde_json::json!({"card_id": card, "outer_id": 5}),
    );
    let mut h = chain.app(&dir, &account, &key, Nav::Design);
    wait_live(&mut h);
    let token = chain.sim.token();
    assert!(token.len() > 8, "a real token to look for");

    // A call with the server's token, and a card created (its review comes as a push).
    h.state_mut().run(DesignCmd::ListCards);
    h.state_mut()
        .run(DesignCmd::Create(None, Box::new(chain.sim.fixture())));
    wait_for(&mut h, "the created card", |h| {
        h.state().design.flow.card_id.is_some()
    });
    let created = h.state().design.flow.card_id.clone().unwrap();
    chain.sim.admin(
        "/sandbox/card/review",
        serde_json::json!({"card_id": created, "approve": true}),
    );
    wait_for(&mut h, "the pushed result", |h| {
        h.state().design.flow.status.as_deref() == Some("CARD_STATUS_VERIFY_OK")
    });

    // A wrong key typed in a connection test, the server down and back, the key revoked.
    h.state_mut().run(AccountCmd::Test {
        account: account.clone(),
        secret: Some(SecretText("csk_wrong_typed_key_999".into())),
        token: None,
    });
    wait_for(&mut h, "the refused test", |h| {
        h.state().accounts.test_result.is_some()
    });
    chain.stop_server();
    wait_for(&mut h, "unreachable", |h| {
        h.state().server.status == FeedStatus::Unreachable
    });
    chain.start_server();
    wait_live(&mut h);
    chain.revoke("王芳");
    wait_for(&mut h, "refused", |h| {
        h.state().server.status == FeedStatus::KeyRefused
    });
    h.state_mut().flush();
    drop(h);
    std::thread::sleep(std::time::Duration::from_millis(300));

    let all = files_under(&dir);
    let log = all
        .iter()
        .find(|p| p.parent().unwrap().ends_with("logs"))
        .expect("a log file");
    let log_text = std::fs::read_to_string(log).unwrap();
    assert!(
        log_text.contains("the company server's feed failed"),
        "the log has the feed's failures"
    );
    assert!(log_text.contains("access token obtained"));
    assert_no_file_holds(
        &all,
        &[
            ("the API key", key.as_str()),
            ("the token", token.as_str()),
            ("the wrong key", "csk_wrong_typed_key_999"),
        ],
    );
}
