//! What the server's events change in the panels, headless (egui_kittest, Chinese UI): review
//! results in Design without polling, per-channel statistics named from the channel table,
//! a pushed stock reminder's alert with 购买库存 prefilled, and pushed coin orders in the
//! ledger, once each and without a money call.

use std::time::{Duration, Instant};

use coupon_studio::api::pay::OrderListQuery;
use coupon_studio::app::Nav;
use coupon_studio::pushed::FeedStatus;
use coupon_studio::store::{ChannelRecord, Store};
use coupon_studio::ui::design::Command as DesignCmd;
use serde_json::json;

use super::Company;
use crate::support::server_double::{claim, consume, pass, pay_order, refuse, sku_remind, view};
use crate::support::temp_dir;
use crate::support::ui::*;

/// Steps frames for `d` (answers keep arriving meanwhile).
pub fn step_for(h: &mut H, d: Duration) {
    let start = Instant::now();
    while start.elapsed() < d {
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Waits until the app has read the server.
pub fn wait_live(h: &mut H) {
    wait_for(h, "the company server's feed", |h| {
        h.state().server.status == FeedStatus::Live
    });
}

#[test]
fn review_results_arrive_as_events_instead_of_polling() {
    let dir = temp_dir("server-review");
    let company = Company::start();
    let account = company.account();
    let mut h = company.app(&dir, &account, Nav::Design);
    wait_live(&mut h);
    assert!(has(&h, "公司服务器已连接"));

    let body = company.sim.fixture();
    h.state_mut()
        .run(DesignCmd::Create(None, Box::new(body.clone())));
    wait_for(&mut h, "the created card in 我的卡券", |h| {
        let d = &h.state().design;
        d.flow
            .card_id
            .as_ref()
            .is_some_and(|id| d.cards.iter().any(|c| &c.card_id == id))
    });
    let card = h.state().design.flow.card_id.clone().unwrap();
    assert!(h.state().design.flow.awaiting_push);
    assert_eq!(h.state().design.flow.next_poll, None);
    assert!(has(&h, "审核中") && has(&h, "(等待审核结果推送)"));
    // Waiting for the push asks for no frame: no poll, no spinner.
    let cx = coupon_studio::ui::panel::PanelCx {
        lang: coupon_studio::i18n::Lang::Zh,
        sandbox: false,
        server: true,
        now_ms: chrono::Utc::now().timestamp_millis(),
        now: Instant::now(),
        stock_alert_below: None,
    };
    assert_eq!(h.state().next_wakeup(&cx), None);
    // Longer than the 2 s an account without a server polls card/get at: no call.
    let gets = company.sim.calls("/card/get");
    step_for(&mut h, Duration::from_millis(2600));
    assert_eq!(company.sim.calls("/card/get"), gets, "card/get was polled");

    company.server.push(pass(&card));
    wait_for(&mut h, "the pushed approval", |h| {
        h.state().design.flow.status.as_deref() == Some("CARD_STATUS_VERIFY_OK")
    });
    assert!(!h.state().design.flow.awaiting_push);
    assert!(has(&h, "已通过"));
    let listed = h
        .state()
        .design
        .cards
        .iter()
        .find(|c| c.card_id == card)
        .cloned();
    assert_eq!(listed.unwrap().status, "CARD_STATUS_VERIFY_OK");

    // A refusal for another card of the account shows in 我的卡券 with WeChat's reason.
    let other = company
        .sim
        .rt
        .block_on(company.sim.client.create_card(&body))
        .unwrap();
    h.state_mut().run(DesignCmd::ListCards);
    wait_for(&mut h, "the second card listed", |h| {
        h.state().design.cards.iter().any(|c| c.card_id == other)
    });
    company.server.push(refuse(&other, "logo 图片不清晰"));
    wait_for(&mut h, "the pushed refusal", |h| {
        has(h, "未通过原因: logo 图片不清晰")
    });
    assert!(has(&h, "未通过"));
    assert_eq!(
        company.sim.calls("/card/get") - gets,
        2,
        "only the listing of the two cards asked"
    );
}

/// Yesterday noon in Beijing: inside the Stats panel's default range (the last 7 full days).
pub fn yesterday_noon() -> i64 {
    let now = chrono::Utc::now().timestamp();
    let today = coupon_studio::card::beijing::date_of(now).unwrap();
    coupon_studio::card::beijing::start_of(today - chrono::Duration::days(1)).unwrap() + 12 * 3600
}

#[test]
fn stats_counts_channels_from_the_servers_events_named_from_the_channel_table() {
    let dir = temp_dir("server-stats");
    let company = Company::start();
    let card = company.sim.approved_card();
    // The Placement panel saved the channels of the posters it printed.
    let channel = |outer_id: i64, label: &str| ChannelRecord {
        card_id: card.clone(),
        outer_id,
        label: label.into(),
        url: format!("http://weixin.qq.com/q/{outer_id}"),
        ticket: "t".into(),
    };
    Store::open(&dir.join("coupon-studio.sqlite"))
        .unwrap()
        .save_channels(&[channel(12, "天河店"), channel(7, "北京路店")])
        .unwrap();
    let at = yesterday_noon();
    let s = &company.server;
    for (event, code, outer) in [
        ("get", "c1", 12),
        ("get", "c2", 12),
        ("get", "c3", 12),
        ("get", "c4", 7),
        ("view", "c1", 0),
        ("use", "c1", 0),
        ("use", "c2", 0),
    ] {
        let mut e = match event {
            "get" => claim(&card, code, outer, "o-user"),
            "view" => view(&card, code, "o-user"),
            _ => consume(&card, code, "o-user"),
        };
        e["CreateTime"] = json!(at);
        s.push(e);
    }

    let account = company.account();
    let mut h = company.app(&dir, &account, Nav::Stats);
    wait_for(&mut h, "the channel rows", |h| {
        h.state()
            .stats
            .channels
            .as_ref()
            .is_some_and(|r| r.len() == 2)
    });
    let rows = h.state().stats.channels.clone().unwrap();
    let row = |o: i64| rows.iter().find(|r| r.outer_id == o).unwrap().clone();
    let tianhe = row(12);
    assert_eq!(
        (
            tianhe.label.as_str(),
            tianhe.views,
            tianhe.receives,
            tianhe.uses
        ),
        ("天河店", 1, 3, 2)
    );
    assert_eq!(
        (row(7).label.as_str(), row(7).receives, row(7).uses),
        ("北京路店", 1, 0)
    );
    assert!(has(&h, "天河店") && has(&h, "66.7%"));
    assert!(has(&h, "渠道数据来自公司服务器转来的领券"));
    assert!(!has(&h, "桌面工具无法接收推送"));

    // A use pushed now is counted without a click.
    let mut used = consume(&card, "c4", "o-user");
    used["CreateTime"] = json!(at + 60);
    s.push(used);
    wait_for(&mut h, "the new use in its channel", |h| {
        h.state()
            .stats
            .channels
            .as_ref()
            .is_some_and(|r| r.iter().any(|r| r.outer_id == 7 && r.uses == 1))
    });
    assert!(has(&h, "100.0%"));
}

#[test]
fn a_pushed_stock_reminder_raises_the_alert_and_prefills_the_purchase() {
    let dir = temp_dir("server-sku");
    let company = Company::start();
    // 50 units of 50 ever added: WeChat's rule (more than 200 before) cannot be read here.
    let card = company
        .sim
        .rt
        .block_on(crate::support::stocked_card(&company.sim.client, 50, 30));
    let account = company.account();
    let mut h = company.app(&dir, &account, Nav::Design);
    wait_live(&mut h);
    wait_for(&mut h, "the card in 我的卡券", |h| {
        h.state().design.cards.iter().any(|c| c.card_id == card)
    });
    assert!(!has(&h, "微信推送了库存提醒"));

    company.server.push(sku_remind(&card));
    wait_for(&mut h, "the alert in 我的卡券", |h| {
        has(h, "库存只剩 50 张(微信推送了库存提醒)")
    });

    click(&mut h, "券点");
    wait_for(&mut h, "the alert in the Wallet", |h| {
        enabled(h, "购买库存") && has(h, "库存只剩 50 张(微信推送了库存提醒)")
    });
    click(&mut h, "购买库存");
    h.step();
    assert_eq!(h.state().wallet.card_id.as_deref(), Some(card.as_str()));
    assert_eq!(h.state().wallet.quantity_text, "300");
}

#[test]
fn pushed_coin_orders_join_the_ledger_once_and_move_no_money() {
    let dir = temp_dir("server-orders");
    let company = Company::start();
    let c = &company.sim.client;
    let known = company.sim.rt.block_on(async {
        c.pay_activate().await.unwrap();
        c.get_order_list(&OrderListQuery {
            count: 10,
            ..OrderListQuery::default()
        })
        .await
        .unwrap()
        .order_list
        .remove(0)
    });
    company.sim.admin("/sandbox/calls/reset", json!({}));
    // A minute after the activation, by WeChat's (the simulator's) clock.
    let now = company.sim.rt.block_on(crate::support::sim_now(c)) + 60;
    // WeChat pushes the order the list already has, and a recharge paid a moment ago.
    let mut again = pay_order(&known.order_id, &known.status, known.create_time, "0");
    again["OrderType"] = json!(known.order_type);
    company.server.push(again);
    company.server.push(pay_order(
        "4200000000000001",
        "ORDER_STATUS_SUCC",
        now,
        "100",
    ));

    let account = company.account();
    let mut h = company.app(&dir, &account, Nav::Wallet);
    wait_for(&mut h, "both orders in the table", |h| {
        let rows = h.state().wallet.orders.rows();
        rows.iter().any(|r| r.order.order_id == known.order_id)
            && rows.iter().any(|r| r.order.order_id == "4200000000000001")
    });
    let ids: Vec<(String, bool)> = h
        .state()
        .wallet
        .orders
        .rows()
        .iter()
        .map(|r| (r.order.order_id.clone(), r.pushed_only))
        .collect();
    assert_eq!(
        ids,
        [
            ("4200000000000001".to_owned(), true),
            (known.order_id.clone(), false)
        ],
        "each order once, the one getorderlist knows as it lists it"
    );
    assert!(has(&h, "· 推送"));
    // Pushed orders only inform: no confirm, no recharge, nothing journalled.
    step_for(&mut h, Duration::from_millis(500));
    assert_eq!(company.sim.calls("/card/pay/confirm"), 0);
    assert_eq!(company.sim.calls("/card/pay/recharge"), 0);
    assert!(h.state().wallet.journal_open.is_empty());
    assert!(h.state().wallet.checks.is_empty());
}
