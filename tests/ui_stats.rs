//! The Stats panel, headless (egui_kittest), on the in-process simulator: the 62-day rule is
//! enforced before sending, and after 模拟一周活动 the charted numbers equal the simulator's
//! own counts.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test fails loudly on purpose.

mod support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use coupon_studio::api::{ApiClient, TokenSource};
use coupon_studio::app::{Backend, CouponStudioApp, Nav, Persisted, StartOptions};
use coupon_studio::i18n::Lang;
use coupon_studio::stats::Metric;
use egui::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use serde_json::json;

type H = Harness<'static, CouponStudioApp>;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cs-stats-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn app(data_dir: &Path, backend: Backend) -> H {
    let dir = data_dir.to_owned();
    let persisted = Some(Persisted {
        lang: Lang::Zh,
        nav: Nav::Stats,
        ..Persisted::default()
    });
    Harness::builder()
        .with_size(egui::vec2(1400.0, 1400.0))
        .build_eframe(move |cc| {
            CouponStudioApp::new(
                cc,
                StartOptions {
                    data_dir: dir,
                    backend,
                    persisted,
                },
            )
            .unwrap()
        })
}

fn wait_for(h: &mut H, what: &str, done: impl Fn(&H) -> bool) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(30) {
        h.step();
        if done(h) {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("timed out waiting for {what}");
}

fn has(h: &H, text: &str) -> bool {
    h.query_all_by_label_contains(text).next().is_some()
}

fn enabled(h: &H, label: &str) -> bool {
    h.query_by_role_and_label(Role::Button, label)
        .is_some_and(|b| !b.accesskit_node().is_disabled())
}

fn sim(url: &str) -> (tokio::runtime::Runtime, ApiClient) {
    let c = ApiClient::new(
        url,
        TokenSource::Stable {
            appid: "t".into(),
            secret: "t".into(),
        },
    )
    .unwrap();
    (tokio::runtime::Runtime::new().unwrap(), c)
}

#[test]
fn a_range_over_62_days_is_refused_before_sending() {
    let dir = temp_dir("range");
    let backend = Backend::start_sandbox(None).unwrap();
    let (rt, c) = sim(backend.sandbox_url().unwrap());
    let mut h = app(&dir, backend);
    wait_for(&mut h, "the first load", |h| h.state().stats.table.is_some());
    let sent = rt.block_on(support::calls(&c, "/datacube/getcardbizuininfo"));
    assert_eq!(sent, 1);
    let end = h.state().stats.end.unwrap();
    h.state_mut().stats.begin = Some(end - chrono::Duration::days(62));
    h.step();
    h.step();
    assert!(has(&h, "日期范围:最长 62 天(含首尾),现为 63 天"));
    assert!(!enabled(&h, "查询数据"));
    // 62 days is fine again.
    h.state_mut().stats.begin = Some(end - chrono::Duration::days(61));
    h.step();
    h.step();
    assert!(!has(&h, "最长 62 天"));
    assert!(enabled(&h, "查询数据"));
    assert_eq!(
        rt.block_on(support::calls(&c, "/datacube/getcardbizuininfo")),
        sent,
        "nothing was sent while the range was too long"
    );
}

#[test]
fn after_a_simulated_week_the_charted_numbers_equal_the_simulators_counts() {
    let dir = temp_dir("week");
    let backend = Backend::start_sandbox(None).unwrap();
    let (rt, c) = sim(backend.sandbox_url().unwrap());
    // An approved card, valid from 10 days ago, with stock.
    rt.block_on(async {
        let body = support::fixture_body(&c, -10 * 86_400, 30 * 86_400).await;
        let id = c.create_card(&body).await.unwrap();
        support::admin(&c, "/sandbox/card/review", json!({"card_id": id, "approve": true})).await;
        c.pay_activate().await.unwrap();
        let q = c.get_pay_price(&id, 300).await.unwrap();
        c.confirm(&id, &q.order_id, 300).await.unwrap();
    });
    let mut h = app(&dir, backend);
    wait_for(&mut h, "the first load", |h| h.state().stats.table.is_some());
    // The simulated week is the 7 days before today; show today too.
    let end = h.state().stats.end.unwrap();
    h.state_mut().stats.begin = Some(end - chrono::Duration::days(7));
    wait_for(&mut h, "the simulate button", |h| enabled(h, "模拟一周活动"));
    h.get_by_role_and_label(Role::Button, "模拟一周活动")
        .click_accesskit();
    h.step();
    wait_for(&mut h, "the simulated data", |h| {
        h.state().stats.simulated.is_some()
            && h.state()
                .stats
                .table
                .as_ref()
                .is_some_and(|t| t.days.len() == 8 && t.total(Metric::Receive).0 > 0)
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
        h.state()
            .stats
            .channels
            .as_ref()
            .is_some_and(|c| c.iter().map(|r| r.receives).sum::<i64>() == table.total(Metric::Receive).0)
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
}
