//! The server stopped: the app says so and shows what it cached; WeChat's pushes of that time
//! are lost after its retries (as in reality); started again, the app goes on from the last
//! event it read, by itself, and card/get's truth replaces a result whose push was lost. A key
//! revoked with `revoke-key` is refused, and the app says so and asks for a new one.

use coupon_studio::app::Nav;
use coupon_studio::pushed::FeedStatus;
use egui::Role;
use egui_kittest::kittest::Queryable;
use serde_json::json;

use crate::support::chain::{Chain, wait_live, wechat};
use crate::support::temp_dir;
use crate::support::ui::*;

fn status_of(h: &H, card: &str) -> Option<String> {
    h.state()
        .design
        .cards
        .iter()
        .find(|c| c.card_id == card)
        .map(|c| c.status.clone())
}

#[test]
fn a_stopped_server_leaves_the_cache_on_screen_and_the_app_resumes_from_its_last_event() {
    let dir = temp_dir("chain-offline");
    let chain = Chain::sqlite(wechat(std::time::Duration::from_secs(3600)));
    // The app reaches the server through a relay that records what it asks.
    let relay = chain.relay();
    let key = chain.add_key("王芳");
    let account = chain.account_at(&relay.url);
    // WeChat refuses a card and pushes the reason.
    let card = chain.sim.created_card();
    chain.sim.admin(
        "/sandbox/card/review",
        json!({"card_id": card, "approve": false, "reason": "门店信息不完整"}),
    );
    chain.settled();
    let cached = chain.stored().len();
    {
        let mut h = chain.app(&dir, &account, &key, Nav::Design);
        wait_for(&mut h, "the refusal in 我的卡券", |h| {
            has(h, "未通过原因: 门店信息不完整") && h.state().server.events.len() == cached
        });

        // The server stops: the top bar says so, with when the data was cached.
        chain.stop_server();
        wait_for(&mut h, "the notice", |h| {
            h.state().server.status == FeedStatus::Unreachable
        });
        assert!(has(&h, "连不上公司服务器,显示的是 "));
        assert!(has(&h, " 缓存的数据"));
        // What was read stays on screen.
        assert!(has(&h, "未通过原因: 门店信息不完整"));
    }

    // Meanwhile the card passes a second review: WeChat's push finds nobody, four times.
    chain.sim.admin(
        "/sandbox/card/review",
        json!({"card_id": card, "approve": true}),
    );
    let record = chain.settled();
    assert_eq!(record["counts"]["failed"], 1, "{}", record["counts"]);
    assert_eq!(chain.stored().len(), cached);

    // The app starts again with the server still down: the cache, and the notice.
    let mut h = chain.app(&dir, &account, &key, Nav::Design);
    wait_for(&mut h, "the cached events and the notice", |h| {
        h.state().server.status == FeedStatus::Unreachable
            && h.state().server.events.len() == cached
    });
    assert!(has(&h, "连不上公司服务器,显示的是 "));
    let reads_before = relay.event_reads().len();

    // The server is back: the app notices by itself, and 我的卡券, which needed a token
    // from the server, is loaded again: card/get says what the lost push would have.
    chain.start_server();
    wait_live(&mut h);
    assert!(!has(&h, "连不上公司服务器"));
    wait_for(&mut h, "the approved card in 我的卡券", |h| {
        status_of(h, &card).as_deref() == Some("CARD_STATUS_VERIFY_OK")
    });
    assert!(!has(&h, "未通过原因"));
    // New events reach it: another card, approved after the restart.
    let other = chain
        .sim
        .rt
        .block_on(crate::support::stocked_card(&chain.sim.client, 0, 30));
    wait_for(&mut h, "the approval pushed after the restart", |h| {
        h.state()
            .design
            .reviews
            .get(&other)
            .is_some_and(|r| r.passed)
    });
    let ids: Vec<i64> = h.state().server.events.iter().map(|e| e.id).collect();
    let stored: Vec<i64> = chain
        .stored()
        .iter()
        .map(|e| e["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, stored, "each event once, none missed");
    // Every read since the restart asked for what came after the cache's last event.
    let last_cached = stored[cached - 1];
    let reads = relay.event_reads();
    assert!(reads.len() > reads_before, "{reads:?}");
    assert!(
        reads[reads_before..]
            .iter()
            .all(|since| *since >= last_cached),
        "a read from the start again: {reads:?}"
    );
}

#[test]
fn a_revoked_key_is_said_so_and_a_new_one_in_settings_brings_the_feed_back() {
    let dir = temp_dir("chain-revoked");
    let chain = Chain::sqlite(wechat(std::time::Duration::from_secs(3600)));
    let key = chain.add_key("王芳");
    let account = chain.account();
    let mut h = chain.app(&dir, &account, &key, Nav::Stats);
    wait_live(&mut h);

    // The administrator runs `coupon-studio server revoke-key 王芳`.
    chain.revoke("王芳");
    wait_for(&mut h, "the refusal", |h| {
        h.state().server.status == FeedStatus::KeyRefused
    });
    assert!(has(
        &h,
        "公司服务器拒绝了你的 API 密钥(可能已被撤销),请到「设置」换一个新密钥"
    ));
    click(&mut h, "去设置");
    h.run_steps(2);
    assert_eq!(h.state().persisted.nav, Nav::Settings);
    assert!(has(&h, "此账号需要输入 API 密钥"));

    // … and `add-key 王芳` again: typing the new key in is all it takes.
    let new_key = chain.add_key("王芳");
    h.get_by_role_and_label(Role::PasswordInput, "API 密钥")
        .focus();
    h.step();
    h.get_by_role_and_label(Role::PasswordInput, "API 密钥")
        .type_text(&new_key);
    h.run_steps(2);
    click(&mut h, "保存");
    wait_for(&mut h, "the feed with the new key", |h| {
        h.state().server.status == FeedStatus::Live
    });
    assert!(has(&h, "公司服务器已连接"));
}
