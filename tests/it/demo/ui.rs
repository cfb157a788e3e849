//! 载入示例活动 in the app: one click on the empty Design panel of a fresh data folder, and
//! every panel shows the campaign.

use coupon_studio::app::{Backend, Nav, Persisted};
use coupon_studio::stats::Metric;
use coupon_studio::store::{EntryKind, EntryState, Store};
use coupon_studio::ui::wallet::ConfirmState;

use crate::support::temp_dir;
use crate::support::ui::{H, app_sized, click, enabled, has, wait_for, with_demo};

fn open(h: &mut H, nav: &str) {
    click(h, nav);
    h.run_steps(2);
}

#[test]
fn one_click_fills_every_panel() {
    let dir = temp_dir("demo-ui");
    let backend = Backend::start_sandbox(None).unwrap();
    let mut h = app_sized(&dir, backend, Nav::Design, egui::vec2(1400.0, 1000.0));
    // A newcomer's first screen: the blank draft the app opens, with the offer above it.
    wait_for(&mut h, "the demo button", |h| enabled(h, "载入示例活动"));
    assert!(has(&h, "500 张库存"));
    click(&mut h, "载入示例活动");
    wait_for(&mut h, "the demo card in the editor", |h| {
        h.state()
            .design
            .doc
            .as_ref()
            .is_some_and(|d| d.remote.is_some())
    });
    assert!(has(&h, "示例活动已载入"));
    // Its money calls went through the journal, as the Wallet's do, and are closed.
    let store = Store::open(&dir.join("coupon-studio.sqlite")).unwrap();
    let rows = store.journal_recent("sandbox", 10).unwrap();
    for kind in [EntryKind::Quote, EntryKind::Confirm, EntryKind::Recharge] {
        let of_kind: Vec<_> = rows.iter().filter(|e| e.kind == kind).collect();
        assert_eq!(of_kind.len(), 1, "{kind:?}: {rows:?}");
        assert_eq!(of_kind[0].state, EntryState::Done, "{kind:?}: {rows:?}");
    }
    assert!(store.journal_open("sandbox").unwrap().is_empty());
    let card_id = h
        .state()
        .design
        .doc
        .as_ref()
        .unwrap()
        .remote
        .clone()
        .unwrap()
        .0;
    // Design: the card is in 我的卡券, approved, and its preview shows the synthesized title.
    wait_for(&mut h, "my cards", |h| {
        h.state().design.cards.iter().any(|c| c.card_id == card_id)
    });
    assert!(has(&h, "满500减50"));
    // Its four pictures come from their URLs into the preview, and into the cache on disk.
    wait_for(&mut h, "the card's pictures", |h| {
        let images = &h.state().design.images;
        images.len() == 4 && images.values().all(|i| i.texture.is_some())
    });
    let cached = std::fs::read_dir(dir.join("cache").join("images"))
        .unwrap()
        .count();
    assert_eq!(cached, 4);
    // The cost beside the preview: 0.6 a unit, and 100 units against what is left (200 free
    // + 300 topped up − 300 for the 500 units).
    wait_for(&mut h, "the cost with the balance", |h| {
        has(h, "100 张 = 60 券点,余额 200 券点")
    });

    // Wallet: a balance, and the stock purchase and the recharge among the orders.
    open(&mut h, "券点");
    wait_for(&mut h, "the balance and orders", |h| {
        h.state().wallet.balance.is_some() && has(h, "券点兑换库存")
    });
    assert!(matches!(h.state().wallet.confirm, ConfirmState::Idle));
    wait_for(&mut h, "the cost of the quantity", |h| {
        has(h, "100 张 = 60 券点,余额 200 券点")
    });

    // Placement: the four channels the demo saved.
    open(&mut h, "投放");
    wait_for(&mut h, "the channels", |h| {
        has(h, "天河店") && has(h, "珠江新城店")
    });

    // Redeem: a customer's unused code is ready to look up.
    open(&mut h, "核销");
    let code = h.state().redeem.input.clone();
    assert_eq!(code.len(), 12, "{code:?}");
    click(&mut h, "查询");
    wait_for(&mut h, "the code's owner", |h| {
        h.state().redeem.lookup.is_some()
    });

    // Stats: the simulated week, read back from datacube.
    open(&mut h, "数据");
    wait_for(&mut h, "the simulated week", |h| {
        h.state()
            .stats
            .table
            .as_ref()
            .is_some_and(|t| t.total(Metric::Receive).0 > 0)
    });
}

#[test]
fn pictures_by_url_come_from_the_disk_cache_once_fetched() {
    let dir = temp_dir("demo-cache");
    let mut h = with_demo(&dir, Persisted::default());
    wait_for(&mut h, "the pictures", |h| {
        let images = &h.state().design.images;
        images.len() == 4 && images.values().all(|i| i.texture.is_some())
    });
    let body = h.state().design.doc.as_ref().unwrap().body.clone();
    drop(h);
    // A new simulator that never saw these pictures (as after a reset), and a draft with the
    // same URLs: the pictures come from the cache.
    let store = Store::open(&dir.join("coupon-studio.sqlite")).unwrap();
    let draft = store
        .create_draft(
            "cached",
            &coupon_studio::card::import::to_pretty_json(&body),
        )
        .unwrap();
    drop(store);
    let persisted = Persisted {
        draft_id: Some(draft),
        ..Persisted::default()
    };
    let backend = Backend::start_sandbox(None).unwrap();
    let mut h = crate::support::ui::app_with(&dir, backend, persisted, egui::vec2(1400.0, 1000.0));
    wait_for(&mut h, "the pictures from the cache", |h| {
        let images = &h.state().design.images;
        h.state()
            .design
            .doc
            .as_ref()
            .is_some_and(|d| d.name == "cached")
            && images.len() == 4
            && images.values().all(|i| i.texture.is_some())
    });
}

#[test]
fn a_card_below_the_stock_alert_is_flagged_with_buy_stock_prefilled() {
    let dir = temp_dir("demo-alert");
    let persisted = Persisted {
        stock_alert_below: "1000".into(),
        ..Persisted::default()
    };
    let mut h = with_demo(&dir, persisted);
    // My cards: the demo card has fewer than 1000 units left.
    wait_for(&mut h, "the flag in my cards", |h| {
        has(h, "少于你设的 1000 张")
    });
    let card = h.state().design.cards[0].clone();
    let left = card.quantity.unwrap();
    assert!(has(&h, &format!("库存只剩 {left} 张,少于你设的 1000 张")));
    // Coins: the same flag, and 购买库存 picks the card and fills in enough to get back
    // to twice the threshold, in hundreds.
    open(&mut h, "券点");
    wait_for(&mut h, "the flag in the wallet", |h| {
        has(h, "少于你设的 1000 张")
    });
    click(&mut h, "购买库存");
    h.run_steps(2);
    let want = ((2000 - left) + 99) / 100 * 100;
    assert_eq!(h.state().wallet.quantity_text, want.to_string());
    assert_eq!(
        h.state().wallet.session().card_id.as_deref(),
        Some(card.card_id.as_str())
    );
}

#[test]
fn no_panel_labels_a_field_with_an_api_name() {
    use egui_kittest::kittest::{NodeT, Queryable};
    let mut h = with_demo(&temp_dir("demo-words"), Persisted::default());
    wait_for(&mut h, "the demo", |h| h.state().design.demo.loaded);
    // API names belong in tooltips (issue 18): none of these may be a label's text.
    const API_NAMES: [&str; 12] = [
        "stable_token",
        "cgi-bin/token",
        "access_token",
        "getcardbizuininfo",
        "getcardcardinfo",
        "cond_source",
        "outer_id",
        "is_unique_code",
        "check_consume",
        "consume_share_self_num",
        "(mark)",
        "(NORMAL)",
    ];
    let mut checked = 0;
    for nav in ["设计", "券点", "投放", "核销", "数据", "设置"] {
        open(&mut h, nav);
        if nav == "核销" {
            click(&mut h, "查询");
            wait_for(&mut h, "the code", |h| h.state().redeem.lookup.is_some());
        }
        if nav == "设置" {
            // The account form too: how to connect is said in plain words.
            click(&mut h, "添加账号");
            h.run_steps(2);
            assert!(
                has(&h, "用 AppSecret 连接(推荐)"),
                "the account form opened"
            );
        }
        h.run_steps(3);
        for node in h.query_all_by(|_| true) {
            let n = node.accesskit_node();
            let Some(text) = n.label().or_else(|| n.value()) else {
                continue;
            };
            checked += 1;
            for api in API_NAMES {
                assert!(!text.contains(api), "{nav}: {text:?} names {api}");
            }
        }
    }
    assert!(checked > 200, "only {checked} labels read");
}
