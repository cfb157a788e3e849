//! When the server cannot be reached the app says so and shows what it cached, and retries by
//! itself; a restart resumes from the last event read; a refused key points to Settings; and
//! a feed with nothing new wakes the window for nothing.

use std::time::Duration;

use coupon_studio::app::Nav;
use coupon_studio::pushed::FeedStatus;
use egui::Role;
use egui_kittest::kittest::Queryable;
use serde_json::json;

use super::panels::{step_for, wait_live};
use super::{Company, KEY};
use crate::support::server_double::{claim, pass, refuse};
use crate::support::temp_dir;
use crate::support::ui::*;

#[test]
fn an_unreachable_server_shows_the_cache_and_a_restart_resumes_from_the_last_event() {
    let dir = temp_dir("server-offline");
    let company = Company::start();
    let account = company.account();
    // WeChat refused the card (card/get says so too) and pushed the reason.
    let card = company
        .sim
        .rt
        .block_on(company.sim.client.create_card(&company.sim.fixture()))
        .unwrap();
    company.sim.admin(
        "/sandbox/card/review",
        json!({"card_id": card, "approve": false}),
    );
    let mut claimed = claim(&card, "c1", 3, "o-1");
    claimed["CreateTime"] = json!(super::panels::yesterday_noon());
    company.server.push(claimed);
    company.server.push(refuse(&card, "门店信息不完整"));
    {
        let mut h = company.app(&dir, &account, Nav::Design);
        wait_for(&mut h, "the refusal in 我的卡券", |h| {
            has(h, "未通过原因: 门店信息不完整") && h.state().server.events.len() == 2
        });

        // The server goes down: the top bar says so, with when the data was cached.
        company.server.set_down(true);
        wait_for(&mut h, "the notice", |h| {
            h.state().server.status == FeedStatus::Unreachable
        });
        assert!(has(&h, "连不上公司服务器,显示的是 "));
        assert!(has(&h, " 缓存的数据"));
        // What was read stays on screen.
        assert!(has(&h, "未通过原因: 门店信息不完整"));
        // It comes back: the app notices by itself, no click.
        company.server.set_down(false);
        wait_for(&mut h, "the feed again", |h| {
            h.state().server.status == FeedStatus::Live
        });
        assert!(!has(&h, "连不上公司服务器"));
    }

    // While the app is closed, the card passes a second review; then the server is down at
    // the next start.
    company.sim.admin(
        "/sandbox/card/review",
        json!({"card_id": card, "approve": true}),
    );
    company.server.push(pass(&card));
    company.server.set_down(true);
    let reads_before = company.server.reads().len();
    let mut h = company.app(&dir, &account, Nav::Stats);
    wait_for(&mut h, "the cached events and the notice", |h| {
        h.state().server.status == FeedStatus::Unreachable && h.state().server.events.len() == 2
    });
    assert!(has(&h, "连不上公司服务器,显示的是 "));
    // Without the server there is no token for WeChat either; what was cached still shows.
    wait_for(&mut h, "the cached claim in its channel", |h| {
        h.state()
            .stats
            .channels
            .as_ref()
            .is_some_and(|r| r.iter().any(|r| r.outer_id == 3 && r.receives == 1))
    });
    assert!(!h.state().design.reviews[&card].passed);
    // Back up: the app asks only for what came after the cache's last event, id 2.
    company.server.set_down(false);
    wait_for(&mut h, "the approval pushed meanwhile", |h| {
        h.state().server.events.len() == 3
    });
    let reads = company.server.reads();
    assert!(
        reads[reads_before..].iter().all(|since| *since >= 2),
        "the restart read from the start again: {reads:?}"
    );
    assert!(h.state().design.reviews[&card].passed);
    // My cards, which needed a token, is loaded again by itself.
    wait_for(&mut h, "the approved card in 我的卡券", |h| {
        h.state()
            .design
            .cards
            .iter()
            .any(|c| c.card_id == card && c.status == "CARD_STATUS_VERIFY_OK")
    });
}

#[test]
fn a_revoked_key_is_said_so_and_a_new_one_in_settings_brings_the_feed_back() {
    let dir = temp_dir("server-revoked");
    let company = Company::start();
    let account = company.account();
    let mut h = company.app(&dir, &account, Nav::Stats);
    wait_live(&mut h);

    company.server.revoke(KEY);
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

    // The administrator made a new key; typing it in is all it takes.
    let new_key = "csk_alice_second_key_42";
    company.server.add_key(new_key);
    h.get_by_role_and_label(Role::PasswordInput, "API 密钥")
        .focus();
    h.step();
    h.get_by_role_and_label(Role::PasswordInput, "API 密钥")
        .type_text(new_key);
    h.run_steps(2);
    click(&mut h, "保存");
    wait_for(&mut h, "the feed with the new key", |h| {
        h.state().server.status == FeedStatus::Live
    });
    assert!(has(&h, "公司服务器已连接"));
}

#[test]
fn a_feed_with_nothing_new_wakes_the_window_for_nothing() {
    let dir = temp_dir("server-idle");
    let company = Company::start();
    let account = company.account();
    let mut h = company.app(&dir, &account, Nav::Settings);
    wait_live(&mut h);
    let reports = h.state().server.reports;
    let reads = company.server.reads().len();
    // Many reads (one every 150 ms), nothing new: nothing reaches the window.
    step_for(&mut h, Duration::from_millis(1500));
    assert!(
        company.server.reads().len() >= reads + 5,
        "the feed kept reading"
    );
    assert_eq!(
        h.state().server.reports,
        reports,
        "an idle read woke the window"
    );
    // Something new does.
    company.server.push(pass("pSOMECARD"));
    wait_for(&mut h, "the new event", |h| {
        h.state().server.reports == reports + 1
    });
}
