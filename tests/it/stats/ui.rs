//! The Stats panel, headless (egui_kittest), on the in-process simulator: the 62-day rule is
//! enforced before sending, and after 模拟一周活动 the charted numbers equal the simulator's
//! own counts.

use coupon_studio::app::{Backend, Nav};
use coupon_studio::stats::Metric;
use egui::Role;
use egui_kittest::kittest::Queryable;
use serde_json::json;

use crate::support::ui::{app_sized, client, enabled, has, wait_for};
use crate::support::{self, temp_dir};

/// A fresh simulator, a runtime and a client to prepare it with, and the app's folder.
fn sandbox(
    name: &str,
) -> (
    std::path::PathBuf,
    Backend,
    tokio::runtime::Runtime,
    coupon_studio::api::ApiClient,
) {
    let backend = Backend::start_sandbox(None).unwrap();
    let c = client(backend.sandbox_url().unwrap());
    (
        temp_dir(name),
        backend,
        tokio::runtime::Runtime::new().unwrap(),
        c,
    )
}

/// The app on Stats, tall enough for the chart, the totals and the channels.
fn stats_app(dir: &std::path::Path, backend: Backend) -> crate::support::ui::H {
    app_sized(dir, backend, Nav::Stats, egui::vec2(1400.0, 1400.0))
}

/// An approved card, valid from 10 days before the simulator's now for 40 days, with 300
/// units of stock.
async fn stocked_since_10_days_ago(c: &coupon_studio::api::ApiClient) -> String {
    support::stocked_card_between(c, -10 * 86_400, 30 * 86_400, 300).await
}

/// Clicks 模拟一周活动 once it can be clicked.
fn simulate_week(h: &mut crate::support::ui::H) {
    wait_for(h, "the simulate button", |h| enabled(h, "模拟一周活动"));
    h.get_by_role_and_label(Role::Button, "模拟一周活动")
        .click_accesskit();
    h.step();
}

#[test]
fn a_range_over_62_days_is_refused_before_sending() {
    let (dir, backend, rt, c) = sandbox("stats-range");
    let mut h = stats_app(&dir, backend);
    wait_for(&mut h, "the first load", |h| {
        h.state().stats.table.is_some()
    });
    let sent = rt.block_on(support::calls(&c, "/datacube/getcardbizuininfo"));
    assert_eq!(sent, 1);
    rt.block_on(support::admin(&c, "/sandbox/calls/reset", json!({})));
    let end = h.state().stats.end.unwrap();
    h.state_mut().stats.begin = Some(end - chrono::Duration::days(62));
    h.step();
    h.step();
    assert!(has(&h, "日期范围:最长 62 天(含首尾),现为 63 天"));
    assert!(!enabled(&h, "查询数据"));
    // Clicking the disabled button, in either scope, sends nothing.
    for scope in ["整个账号", "单张卡券"] {
        h.get_by_label(scope).click_accesskit();
        h.step();
        h.get_by_role_and_label(Role::Button, "查询数据")
            .click_accesskit();
        h.step();
        h.step();
    }
    for path in ["/datacube/getcardbizuininfo", "/datacube/getcardcardinfo"] {
        assert_eq!(rt.block_on(support::calls(&c, path)), 0, "{path}");
    }
    h.get_by_label("整个账号").click_accesskit();
    h.step();
    // 62 days is fine again.
    h.state_mut().stats.begin = Some(end - chrono::Duration::days(61));
    h.step();
    h.step();
    assert!(!has(&h, "最长 62 天"));
    assert!(enabled(&h, "查询数据"));
    assert_eq!(
        rt.block_on(support::calls(&c, "/datacube/getcardbizuininfo")),
        0,
        "nothing was sent while the range was too long"
    );
    assert!(sent >= 1);
}

#[test]
fn after_a_simulated_week_the_charted_numbers_equal_the_simulators_counts() {
    let (dir, backend, rt, c) = sandbox("stats-week");
    // An approved card, valid from 10 days ago, with stock.
    rt.block_on(stocked_since_10_days_ago(&c));
    let mut h = stats_app(&dir, backend);
    wait_for(&mut h, "the first load", |h| {
        h.state().stats.table.is_some()
    });
    // The simulated week is the 7 full days before today, the range the panel opens on.
    simulate_week(&mut h);
    wait_for(&mut h, "the simulated data", |h| {
        h.state().stats.simulated.is_some()
            && h.state()
                .stats
                .table
                .as_ref()
                .is_some_and(|t| t.days.len() == 7 && t.total(Metric::Receive).0 > 0)
    });
    let simulated = h.state().stats.simulated.clone().unwrap();
    let table = h.state().stats.table.clone().unwrap();
    for (m, key) in [
        (Metric::View, "view"),
        (Metric::Receive, "receive"),
        (Metric::Verify, "verify"),
        (Metric::Given, "given"),
        (Metric::Expire, "expire"),
    ] {
        assert_eq!(
            table.total(m).0,
            simulated["events"][key].as_i64().unwrap(),
            "{key}"
        );
    }
    // The chart's series are the same numbers, day by day.
    let series_sum: f64 = table
        .series(Metric::Receive, false)
        .iter()
        .map(|p| p[1])
        .sum();
    assert_eq!(series_sum as i64, table.total(Metric::Receive).0);
    assert!(has(&h, "领取→核销转化率"));
    // Channels (sandbox): every receive is in exactly one channel.
    wait_for(&mut h, "the channels", |h| {
        h.state().stats.channels.as_ref().is_some_and(|c| {
            c.iter().map(|r| r.receives).sum::<i64>() == table.total(Metric::Receive).0
        })
    });
    let uses: i64 = h
        .state()
        .stats
        .channels
        .as_ref()
        .unwrap()
        .iter()
        .map(|r| r.uses)
        .sum();
    assert!(uses <= table.total(Metric::Verify).0);
    // Day by day, counts and users, the panel's series are the datacube answer…
    let (begin, end) = (table.days[0], *table.days.last().unwrap());
    let answer = rt
        .block_on(c.card_biz_uin_info(
            &begin.format("%Y-%m-%d").to_string(),
            &end.format("%Y-%m-%d").to_string(),
            1,
        ))
        .unwrap();
    for m in Metric::ALL {
        for users in [false, true] {
            let want: Vec<f64> = table
                .days
                .iter()
                .map(|d| {
                    let day = d.format("%Y-%m-%d").to_string();
                    answer
                        .iter()
                        .filter(|r| r.ref_date == day)
                        .map(|r| m.of(r, users) as f64)
                        .sum()
                })
                .collect();
            let got: Vec<f64> = table.series(m, users).iter().map(|p| p[1]).collect();
            assert_eq!(got, want, "{m:?} users={users}");
        }
    }
    // …and the simulator's own event log, counted per Beijing day.
    let state: serde_json::Value = rt.block_on(async {
        c.http()
            .get(format!("{}/sandbox/state", c.base_url()))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    });
    for (m, kind) in [
        (Metric::View, "view"),
        (Metric::Receive, "receive"),
        (Metric::Verify, "verify"),
        (Metric::Given, "given"),
    ] {
        let mut per_day = vec![0.0; table.days.len()];
        for e in state["events"].as_array().unwrap() {
            if e["kind"] != kind {
                continue;
            }
            let day = coupon_studio::card::beijing::date_of(e["time"].as_i64().unwrap()).unwrap();
            if let Some(i) = table.days.iter().position(|d| *d == day) {
                per_day[i] += 1.0;
            }
        }
        let got: Vec<f64> = table.series(m, false).iter().map(|p| p[1]).collect();
        assert_eq!(got, per_day, "{kind} per day from /sandbox/state");
    }
    // Channels add up to the charted views, receives and uses.
    let rows = h.state().stats.channels.clone().unwrap();
    assert_eq!(
        rows.iter().map(|r| r.views).sum::<i64>(),
        table.total(Metric::View).0
    );
    assert_eq!(uses, table.total(Metric::Verify).0);
    assert!(
        rows.iter()
            .map(|r| r.outer_id)
            .all(|o| (0..=3).contains(&o))
    );
    assert!(has(&h, "其中核销赠券"));
}

#[test]
fn one_card_scope_counts_only_that_card() {
    let (dir, backend, rt, c) = sandbox("stats-card");
    // Two approved cards with stock; the simulated week covers both.
    let ids: Vec<String> = rt.block_on(async {
        let mut ids = Vec::new();
        for _ in 0..2 {
            ids.push(support::stocked_card_between(&c, -10 * 86_400, 30 * 86_400, 100).await);
        }
        support::admin(
            &c,
            "/sandbox/activity/simulate",
            json!({"seed": 7, "days": 7}),
        )
        .await;
        ids
    });
    let mut h = stats_app(&dir, backend);
    wait_for(&mut h, "the first load and the cards", |h| {
        h.state().stats.table.is_some() && h.state().stats.cards.len() == 2
    });
    let end = h.state().stats.end.unwrap();
    h.state_mut().stats.begin = Some(end - chrono::Duration::days(7));
    h.state_mut().stats.card_id = Some(ids[1].clone());
    h.get_by_label("单张卡券").click_accesskit();
    h.step();
    wait_for(&mut h, "the load button", |h| enabled(h, "查询数据"));
    h.get_by_role_and_label(Role::Button, "查询数据")
        .click_accesskit();
    h.step();
    let (b, e) = (
        (end - chrono::Duration::days(7))
            .format("%Y-%m-%d")
            .to_string(),
        end.format("%Y-%m-%d").to_string(),
    );
    let card_rows = rt.block_on(c.card_card_info(&b, &e, 1, &ids[1])).unwrap();
    let want: i64 = card_rows.iter().map(|r| r.receive_cnt).sum();
    let account: i64 = rt
        .block_on(c.card_biz_uin_info(&b, &e, 1))
        .unwrap()
        .iter()
        .map(|r| r.receive_cnt)
        .sum();
    assert!(want > 0 && want < account, "{want} of {account}");
    wait_for(&mut h, "the card's numbers", |h| {
        h.state()
            .stats
            .table
            .as_ref()
            .is_some_and(|t| t.total(Metric::Receive).0 == want)
    });
    assert!(rt.block_on(support::calls(&c, "/datacube/getcardcardinfo")) >= 1);
    // The channels follow the scope.
    wait_for(&mut h, "the card's channels", |h| {
        h.state()
            .stats
            .channels
            .as_ref()
            .is_some_and(|c| c.iter().map(|r| r.receives).sum::<i64>() == want)
    });
    assert!(has(&h, "仅所选卡券"));
    // A card's rows carry the friends' metrics; the panel shows them and the share of uses by
    // the claimer's friends (他销占比), from the same rows.
    let table = h.state().stats.table.clone().unwrap();
    let friends_views: i64 = card_rows.iter().map(|r| r.view_friends_cnt).sum();
    let others: i64 = card_rows.iter().map(|r| r.verify_friends_cnt).sum();
    let uses: i64 = card_rows.iter().map(|r| r.verify_cnt).sum();
    assert!(friends_views > 0 && uses > 0, "{card_rows:?}");
    assert_eq!(table.total(Metric::FriendsView).0, friends_views);
    assert_eq!(table.total(Metric::FriendsVerify).0, others);
    assert!(has(&h, "朋友浏览"));
    let share = coupon_studio::stats::percent(others, uses).unwrap();
    assert!(has(&h, &format!("他销占比 {share}")), "{share}");
}

#[test]
fn with_the_simulators_clock_ahead_the_range_and_the_simulated_week_follow_it() {
    let (dir, backend, rt, c) = sandbox("stats-ahead");
    // 45 simulated days ahead of this computer's clock, then a card valid from 10 days
    // before the simulator's now, with stock.
    let sim_today = rt.block_on(async {
        let admin = support::sim_admin(&c);
        admin.advance(45 * 86_400).await.unwrap();
        stocked_since_10_days_ago(&c).await;
        coupon_studio::card::beijing::date_of(admin.now().await.unwrap()).unwrap()
    });
    let mut h = stats_app(&dir, backend);
    wait_for(&mut h, "the first load", |h| {
        h.state().stats.table.is_some()
    });
    // The panel opens on the simulator's last 7 full days, not this computer's.
    assert_eq!(
        h.state().stats.end,
        Some(sim_today - chrono::Duration::days(1))
    );
    assert_eq!(
        h.state().stats.begin,
        Some(sim_today - chrono::Duration::days(7))
    );
    simulate_week(&mut h);
    wait_for(&mut h, "the simulated data", |h| {
        h.state().stats.simulated.is_some()
            && h.state()
                .stats
                .table
                .as_ref()
                .is_some_and(|t| t.total(Metric::Receive).0 > 0)
    });
    let simulated = h.state().stats.simulated.clone().unwrap();
    let table = h.state().stats.table.clone().unwrap();
    assert_eq!(
        table.total(Metric::Receive).0,
        simulated["events"]["receive"].as_i64().unwrap(),
        "every simulated day is in the range"
    );
}
