//! The Wallet panel, headless (egui_kittest), on the in-process simulator: quote → confirm,
//! the 60-second window, double clicks, dropped connections, recharge, and the journal
//! reconciled after a restart. Counts come from the simulator's side.

use std::time::Duration;

use coupon_studio::app::{Backend, Nav};
use coupon_studio::store::{EntryKind, EntryState, NewEntry, Store};
use coupon_studio::ui::wallet::ConfirmState;
use egui::Role;
use egui_kittest::kittest::{NodeT, Queryable};
use serde_json::json;

use crate::support::sim::Sim;
use crate::support::temp_dir;
use crate::support::ui::{app, click, enabled, has, set_text, start_with_quote, wait_for};

#[test]
fn quote_then_confirm_adds_stock_once_and_shows_before_and_after() {
    let dir = temp_dir("wallet-confirm");
    let backend = Backend::start_sandbox(None).unwrap();
    let sim = Sim::new(backend.sandbox_url().unwrap(), "t", "t");
    let card = sim.approved_card();
    let before = sim.stock(&card);
    let mut h = app(&dir, backend, Nav::Wallet);
    start_with_quote(&mut h, &card, "100");
    assert!(has(&h, "价格 60 券点"));
    assert!(has(&h, "报价剩余"));
    click(&mut h, "确认兑换");
    wait_for(&mut h, "the purchase", |h| {
        matches!(h.state().wallet.confirm, ConfirmState::Done(_))
            && h.state().wallet.stock_after.is_some()
    });
    assert_eq!(sim.stock(&card), before + 100);
    assert_eq!(sim.calls("/card/pay/confirm"), 1);
    let label = format!("兑换成功,库存 {before} → {}", before + 100);
    wait_for(&mut h, "before → after", |h| has(h, &label));
    // The used quote no longer counts down.
    assert!(has(&h, "报价已使用"));
    assert!(!has(&h, "报价剩余"));
    // 200 free coins − 60.
    wait_for(&mut h, "the new balance", |h| {
        h.state()
            .wallet
            .balance
            .as_ref()
            .is_some_and(|b| b.total_coin.0 == 14_000)
    });
    // The order shows in the table in Chinese, and the journal holds one finished confirm.
    wait_for(&mut h, "the order row", |h| has(h, "券点兑换库存"));
    let store = Store::open(&dir.join("coupon-studio.sqlite")).unwrap();
    let recent = store.journal_recent("sandbox", 10).unwrap();
    let confirms: Vec<_> = recent
        .iter()
        .filter(|e| e.kind == EntryKind::Confirm)
        .collect();
    assert_eq!(confirms.len(), 1);
    assert_eq!(confirms[0].state, EntryState::Done);
    assert!(store.journal_open("sandbox").unwrap().is_empty());
}

#[test]
fn after_the_simulated_clock_passes_61_s_confirm_is_refused_and_a_requote_works() {
    let dir = temp_dir("wallet-expiry");
    let backend = Backend::start_sandbox(None).unwrap();
    let sim = Sim::new(backend.sandbox_url().unwrap(), "t", "t");
    let card = sim.approved_card();
    let before = sim.stock(&card);
    let mut h = app(&dir, backend, Nav::Wallet);
    start_with_quote(&mut h, &card, "10");
    sim.admin("/sandbox/clock/advance", json!({"seconds": 61}));
    // The panel follows the simulator's clock: the quote turns expired, confirm is disabled.
    wait_for(&mut h, "the expired quote", |h| has(h, "报价已过期(60 秒)"));
    assert!(!enabled(&h, "确认兑换"));
    assert_eq!(sim.calls("/card/pay/confirm"), 0);
    wait_for(&mut h, "the re-quote button", |h| {
        enabled(h, "报价已过期,重新批价")
    });
    click(&mut h, "报价已过期,重新批价");
    wait_for(&mut h, "a new quote", |h| enabled(h, "确认兑换"));
    click(&mut h, "确认兑换");
    wait_for(&mut h, "the purchase", |h| {
        matches!(h.state().wallet.confirm, ConfirmState::Done(_))
    });
    assert_eq!(sim.stock(&card), before + 10);
    assert_eq!(sim.calls("/card/pay/confirm"), 1);
    assert_eq!(sim.calls("/card/pay/getpayprice"), 2);
}

#[test]
fn a_double_click_sends_one_confirm() {
    let dir = temp_dir("wallet-double");
    let backend = Backend::start_sandbox(None).unwrap();
    let sim = Sim::new(backend.sandbox_url().unwrap(), "t", "t");
    let card = sim.approved_card();
    let before = sim.stock(&card);
    let mut h = app(&dir, backend, Nav::Wallet);
    start_with_quote(&mut h, &card, "5");
    // Two clicks in one frame, then a third on the next frame.
    h.get_by_role_and_label(Role::Button, "确认兑换")
        .click_accesskit();
    h.get_by_role_and_label(Role::Button, "确认兑换")
        .click_accesskit();
    h.step();
    h.get_by_role_and_label(Role::Button, "确认兑换")
        .click_accesskit();
    h.step();
    wait_for(&mut h, "the purchase", |h| {
        matches!(h.state().wallet.confirm, ConfirmState::Done(_))
    });
    for _ in 0..10 {
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(sim.calls("/card/pay/confirm"), 1);
    assert_eq!(sim.stock(&card), before + 5);
    assert!(!enabled(&h, "确认兑换"));
}

#[test]
fn a_connection_dropped_after_confirm_is_reconciled_without_a_second_confirm() {
    let dir = temp_dir("wallet-drop-after");
    let backend = Backend::start_sandbox(None).unwrap();
    let sim = Sim::new(backend.sandbox_url().unwrap(), "t", "t");
    let card = sim.approved_card();
    let before = sim.stock(&card);
    let mut h = app(&dir, backend, Nav::Wallet);
    start_with_quote(&mut h, &card, "20");
    sim.admin(
        "/sandbox/faults",
        json!({"faults": [{"kind": "drop_after"}], "path": "/card/pay/confirm"}),
    );
    click(&mut h, "确认兑换");
    // The simulator applied it but the answer was lost: the panel looks it up.
    wait_for(&mut h, "the reconciliation", |h| {
        has(h, "核对结果:兑换已生效")
    });
    assert!(h.state().wallet.checks.is_empty());
    assert_eq!(sim.calls("/card/pay/confirm"), 1);
    assert_eq!(sim.stock(&card), before + 20);
    assert!(!enabled(&h, "确认兑换"));
    let store = Store::open(&dir.join("coupon-studio.sqlite")).unwrap();
    wait_for(&mut h, "the journal closed", |_| {
        store.journal_open("sandbox").unwrap().is_empty()
    });
    let confirm = store
        .journal_recent("sandbox", 10)
        .unwrap()
        .into_iter()
        .find(|e| e.kind == EntryKind::Confirm)
        .unwrap();
    assert_eq!(confirm.state, EntryState::Done);
    assert!(confirm.detail.contains("已生效"), "{}", confirm.detail);
}

#[test]
fn a_confirm_lost_before_arriving_is_settled_only_after_the_quote_ends() {
    let dir = temp_dir("wallet-drop-before");
    let backend = Backend::start_sandbox(None).unwrap();
    let sim = Sim::new(backend.sandbox_url().unwrap(), "t", "t");
    let card = sim.approved_card();
    let before = sim.stock(&card);
    let mut h = app(&dir, backend, Nav::Wallet);
    start_with_quote(&mut h, &card, "20");
    sim.admin(
        "/sandbox/faults",
        json!({"faults": [{"kind": "drop_before"}], "path": "/card/pay/confirm"}),
    );
    click(&mut h, "确认兑换");
    wait_for(&mut h, "the reconciliation banner", |h| {
        has(h, "有兑换结果未知")
    });
    // Not in the list while the quote could still land: buying stays blocked.
    wait_for(&mut h, "a first lookup", |h| {
        h.state()
            .wallet
            .checks
            .first()
            .is_some_and(|c| c.tries >= 1 && !c.in_flight)
    });
    assert!(!h.state().wallet.checks.is_empty());
    assert!(!enabled(&h, "批价"));
    sim.admin("/sandbox/clock/advance", json!({"seconds": 70}));
    wait_for(&mut h, "the verdict", |h| has(h, "核对结果:兑换未生效"));
    assert_eq!(sim.calls("/card/pay/confirm"), 1);
    assert_eq!(sim.stock(&card), before);
    // Buying is offered again, with a new quote only.
    wait_for(&mut h, "the re-quote button", |h| {
        enabled(h, "报价已过期,重新批价")
    });
    assert!(!enabled(&h, "确认兑换"));
}

#[test]
fn recharge_shows_a_qr_and_a_simulated_payment_raises_the_balance() {
    let dir = temp_dir("wallet-recharge");
    let backend = Backend::start_sandbox(None).unwrap();
    let sim = Sim::new(backend.sandbox_url().unwrap(), "t", "t");
    let before = sim.total_coins();
    let mut h = app(&dir, backend, Nav::Wallet);
    wait_for(&mut h, "the balance", |h| {
        h.state().wallet.balance.is_some()
    });
    set_text(&mut h, "充值券点", "50");
    click(&mut h, "生成充值二维码");
    wait_for(&mut h, "the QR", |h| {
        h.state()
            .wallet
            .recharge
            .as_ref()
            .is_some_and(|r| r.texture.is_some())
    });
    assert!(has(&h, "¥50 · 请用微信扫一扫支付"));
    assert!(has(&h, "weixin://wxpay/bizpayurl?pr="));
    assert!(has(&h, "等待支付"));
    click(&mut h, "模拟扫码支付");
    wait_for(&mut h, "the credited coins", |h| has(h, "券点已到账"));
    wait_for(&mut h, "the new balance", |h| {
        h.state()
            .wallet
            .balance
            .as_ref()
            .is_some_and(|b| b.total_coin.0 == before + 5_000)
    });
    assert_eq!(sim.total_coins(), before + 5_000);
    assert_eq!(sim.calls("/card/pay/recharge"), 1);
    let store = Store::open(&dir.join("coupon-studio.sqlite")).unwrap();
    wait_for(&mut h, "the journal closed", |_| {
        store.journal_open("sandbox").unwrap().is_empty()
    });
}

#[test]
fn open_journal_entries_from_a_crash_are_reconciled_on_the_next_start() {
    let dir = temp_dir("wallet-restart");
    let backend = Backend::start_sandbox(None).unwrap();
    let sim = Sim::new(backend.sandbox_url().unwrap(), "t", "t");
    let card = sim.approved_card();
    // Before the "crash": one confirm went through on WeChat, one never arrived, and a
    // recharge was asked for but its answer never came back.
    let (applied, lost) = sim.rt.block_on(async {
        let c = &sim.client;
        c.pay_activate().await.unwrap();
        let a = c.get_pay_price(&card, 3).await.unwrap();
        c.confirm(&card, &a.order_id, 3).await.unwrap();
        let b = c.get_pay_price(&card, 4).await.unwrap();
        (a, b)
    });
    let store = Store::open(&dir.join("coupon-studio.sqlite")).unwrap();
    let entry = |order: &str, q: i64| NewEntry {
        account: "sandbox".into(),
        card_id: Some(card.clone()),
        order_id: Some(order.into()),
        quantity: Some(q),
        coins: Some(180),
    };
    let id_applied = store
        .journal_begin(EntryKind::Confirm, &entry(&applied.order_id, 3))
        .unwrap();
    let id_lost = store
        .journal_begin(EntryKind::Confirm, &entry(&lost.order_id, 4))
        .unwrap();
    let id_recharge = store
        .journal_begin(
            EntryKind::Recharge,
            &NewEntry {
                account: "sandbox".into(),
                coins: Some(1_000),
                ..NewEntry::default()
            },
        )
        .unwrap();
    // The lost one's quote has ended by the time the app starts again.
    sim.admin("/sandbox/clock/advance", json!({"seconds": 65}));
    let stock = sim.stock(&card);
    let mut h = app(&dir, backend, Nav::Wallet);
    wait_for(&mut h, "the journal settled", |_| {
        store.journal_open("sandbox").unwrap().is_empty()
    });
    let state = |id| store.journal_entry(id).unwrap().unwrap().state;
    assert_eq!(state(id_applied), EntryState::Done);
    assert_eq!(state(id_lost), EntryState::Failed);
    assert_eq!(state(id_recharge), EntryState::Failed);
    // Reconciling sent nothing: one confirm in all (the one before the crash).
    assert_eq!(sim.calls("/card/pay/confirm"), 1);
    assert_eq!(sim.calls("/card/pay/recharge"), 0);
    assert_eq!(sim.stock(&card), stock);
    wait_for(&mut h, "no open checks", |h| {
        h.state().wallet.checks.is_empty()
    });
    // A confirm of the settled order cannot even be journalled again.
    assert!(
        store
            .journal_begin(EntryKind::Confirm, &entry(&applied.order_id, 3))
            .is_err()
    );
}

#[test]
fn stock_is_offered_only_for_an_approved_card_before_its_end() {
    let dir = temp_dir("wallet-stockable");
    let backend = Backend::start_sandbox(None).unwrap();
    let sim = Sim::new(backend.sandbox_url().unwrap(), "t", "t");
    let approved = sim.approved_card();
    let rejected = sim.approved_card();
    sim.admin(
        "/sandbox/card/review",
        json!({"card_id": rejected, "approve": false, "reason": "门店照片与营业执照不符"}),
    );
    let mut h = app(&dir, backend, Nav::Wallet);
    wait_for(&mut h, "the cards", |h| h.state().wallet.cards.len() == 2);
    // WeChat lists the newest first: the rejected card. The approved one is chosen.
    assert_eq!(h.state().wallet.cards[0].card_id, rejected);
    wait_for(&mut h, "the approved card chosen", |h| {
        h.state().wallet.card_id.as_deref() == Some(approved.as_str())
    });
    set_text(&mut h, "数量", "10");
    wait_for(&mut h, "the quote button", |h| enabled(h, "批价"));

    // The chooser names the status of a card that is not approved, so two cards of one
    // title are told apart.
    let chosen = |h: &egui_kittest::Harness<'_, coupon_studio::app::CouponStudioApp>| {
        let node = h.get_by_role_and_label(Role::ComboBox, "卡券");
        format!("{:?}", node.accesskit_node())
    };
    assert!(!chosen(&h).contains("· 未通过"), "{}", chosen(&h));
    h.state_mut().wallet.choose_card(Some(rejected.clone()));
    h.run_steps(2);
    let short: String = rejected.chars().take(10).collect();
    assert!(
        chosen(&h).contains(&format!("{short}… · 未通过")),
        "{}",
        chosen(&h)
    );
    assert!(has(&h, "这张卡券未通过审核,不能购买库存"));
    assert!(!enabled(&h, "批价"));

    // Past the approved card's end (20 days from the simulated now) it takes no stock either.
    h.state_mut().wallet.choose_card(Some(approved.clone()));
    sim.admin("/sandbox/clock/advance", json!({"seconds": 21 * 86_400}));
    // 刷新 beside the card (the balance's comes first, the orders' last).
    h.query_all_by_role_and_label(Role::Button, "刷新")
        .nth(1)
        .unwrap()
        .click_accesskit();
    wait_for(&mut h, "the ended card", |h| {
        has(h, "这张卡券已过期,不能购买库存")
    });
    assert!(!enabled(&h, "批价"));
    assert_eq!(sim.calls("/card/pay/getpayprice"), 0);
}
