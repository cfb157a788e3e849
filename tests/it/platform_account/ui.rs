//! A platform operator works for two merchants in one session of the app (egui_kittest,
//! Chinese UI): both authorize through the QR the app shows, each gets a card created,
//! stocked (quote + confirm) and placed (a QR code), and after each switch the panels show that
//! merchant's alone; a switch waits for a confirm in flight, and nothing the previous merchant
//! was asked reaches the next one's panels; a withdrawn authorization takes the merchant off
//! the list within its one event, and the app leaves it.

use std::time::Duration;

use coupon_studio::api::QrRequest;
use coupon_studio::app::Nav;
use coupon_studio::ui::design::Command as DesignCmd;
use coupon_studio::ui::placement::Command as PlacementCmd;
use coupon_studio::ui::wallet::ConfirmState;
use egui::Role;
use egui_kittest::kittest::Queryable;
use serde_json::json;

use super::{A, A_NAME, B, B_NAME, KEY, account, merchant_client, platform_app, wait_on_merchant};
use crate::support::server_double::PlatformDouble;
use crate::support::temp_dir;
use crate::support::ui::*;

/// Steps frames for `d` (answers keep arriving meanwhile).
fn step_for(h: &mut H, d: Duration) {
    let start = std::time::Instant::now();
    while start.elapsed() < d {
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The authorization page the app shows for platform account `id`, once it has it.
fn link(h: &H, id: &str) -> Option<String> {
    let list = h.state().accounts.merchants.get(id)?;
    Some(list.linking.as_ref()?.link.as_ref()?.url.clone())
}

/// Clicks the button whose accessible label is `label` (a merchant's 使用 says whose).
fn click_named(h: &mut H, label: &str) {
    h.get_by_role_and_label(Role::Button, label)
        .click_accesskit();
    h.step();
}

/// 添加商户 in Settings; the merchant's admin scans the QR the app shows.
fn add_merchant(h: &mut H, d: &PlatformDouble, id: &str, appid: &str, name: &str) {
    wait_for(h, "the add button", |h| enabled(h, "添加商户"));
    click(h, "添加商户");
    wait_for(h, "the authorization page", |h| link(h, id).is_some());
    assert!(has(h, "请商户的管理员用微信扫描二维码"));
    assert!(has(h, "复制链接"));
    let url = link(h, id).unwrap();
    assert!(has(h, &url), "the link is shown to copy");
    assert_eq!(d.links().last(), Some(&url), "the page the platform made");
    d.scan(&url, appid, name);
    // No click: the list is read again while the page is shown, until the merchant appears.
    wait_for(h, "the new merchant", |h| {
        has(h, &format!("已添加商户 {name}"))
    });
    assert!(
        link(h, id).is_none(),
        "the page closes once the merchant is in"
    );
}

/// The merchant in use gets a card created (Design), approved (its review push arrives
/// through the platform), stocked with `units` (Wallet: quote + confirm) and placed (a QR
/// code); the card's id.
fn work_for(h: &mut H, d: &PlatformDouble, appid: &str, units: &str) -> String {
    let client = merchant_client(d, KEY, appid);
    let body = d.block_on(crate::support::fixture_body(&client, -60, 20 * 86_400));
    click(h, "设计");
    h.state_mut().run(DesignCmd::Create(None, Box::new(body)));
    wait_for(h, "the created card in 我的卡券", |h| {
        let ds = &h.state().design;
        ds.flow
            .card_id
            .as_ref()
            .is_some_and(|id| ds.cards.iter().any(|c| &c.card_id == id))
    });
    let card = h.state().design.flow.card_id.clone().unwrap();
    d.block_on(d.admin_for(appid).review(&card, true)).unwrap();
    wait_for(h, "the pushed approval", |h| {
        h.state().design.flow.status.as_deref() == Some("CARD_STATUS_VERIFY_OK")
    });
    click(h, "券点");
    start_with_quote(h, &card, units);
    click(h, "确认兑换");
    wait_for(h, "the purchase", |h| {
        matches!(h.state().wallet.confirm, ConfirmState::Done(_))
    });
    h.state_mut().run(PlacementCmd::CreateQr(QrRequest {
        card_id: card.clone(),
        outer_id: Some(7),
        ..QrRequest::default()
    }));
    wait_for(h, "the placement QR", |h| {
        h.state()
            .placement
            .qr
            .as_ref()
            .is_some_and(|q| q.request.card_id == card)
    });
    card
}

/// What the panels list now: Design's cards, the Wallet's, and the cards of the Wallet's
/// journal rows.
fn shown_cards(h: &H) -> (Vec<String>, Vec<String>, Vec<String>) {
    let s = h.state();
    let journal: std::collections::BTreeSet<String> = s
        .wallet
        .journal_recent
        .iter()
        .filter_map(|e| e.card_id.clone())
        .collect();
    (
        s.design.cards.iter().map(|c| c.card_id.clone()).collect(),
        s.wallet.cards.iter().map(|c| c.card_id.clone()).collect(),
        journal.into_iter().collect(),
    )
}

#[test]
fn two_merchants_authorize_through_the_apps_qr_and_each_is_worked_for_apart() {
    let dir = temp_dir("platform-two");
    let d = PlatformDouble::start(&[KEY]);
    let account = account(&d);
    let id = account.id.clone();
    let mut h = platform_app(&d, &dir, &account, None, Nav::Settings);
    wait_for(&mut h, "the empty merchant list", |h| {
        has(h, "还没有商户授权本平台")
    });
    assert!(has(&h, "卡券服务商 的商户"));
    add_merchant(&mut h, &d, &id, A, A_NAME);
    add_merchant(&mut h, &d, &id, B, B_NAME);
    assert!(has(&h, A_NAME) && has(&h, B_NAME));

    // The search: by name, then by AppID.
    set_text(&mut h, "搜索商户", "南山");
    assert!(has(&h, B_NAME) && !has_exact(&h, A_NAME));
    set_text(&mut h, "搜索商户", "aaaa");
    assert!(has_exact(&h, A_NAME) && !has_exact(&h, B_NAME));
    h.state_mut()
        .accounts
        .merchants
        .get_mut(&id)
        .unwrap()
        .query
        .clear();
    h.step();

    click_named(&mut h, &format!("使用 {A_NAME}"));
    wait_on_merchant(&mut h, A);
    // The top bar names the merchant and the platform.
    assert!(has(&h, &format!("{A_NAME} ({A}) · 服务商 卡券服务商")));
    assert!(has(&h, "商户:"));
    let a_card = work_for(&mut h, &d, A, "10");
    let a_client = merchant_client(&d, KEY, A);
    let a_coins = d.block_on(a_client.get_coins_info()).unwrap().total_coin;

    click(&mut h, "设置");
    click_named(&mut h, &format!("使用 {B_NAME}"));
    wait_on_merchant(&mut h, B);
    assert!(has(&h, &format!("{B_NAME} ({B}) · 服务商 卡券服务商")));
    // B's panels list none of A's cards, coins or journal rows.
    click(&mut h, "券点");
    wait_for(&mut h, "B's (empty) wallet", |h| {
        has(h, "开通券点账户") && h.state().wallet.cards.is_empty()
    });
    let (design, wallet, journal) = shown_cards(&h);
    assert!(!design.contains(&a_card) && !wallet.contains(&a_card));
    assert!(journal.is_empty(), "A's journal shows under B: {journal:?}");
    let b_card = work_for(&mut h, &d, B, "5");
    let (design, wallet, journal) = shown_cards(&h);
    assert_eq!(design, [b_card.as_str()]);
    assert_eq!(wallet, [b_card.as_str()]);
    assert_eq!(journal, [b_card.as_str()]);
    // B's purchase spent B's coins, never A's.
    assert_eq!(
        d.block_on(a_client.get_coins_info()).unwrap().total_coin,
        a_coins
    );
    let b_client = merchant_client(&d, KEY, B);
    assert!(d.block_on(b_client.get_pay_price(&a_card, 1)).is_err());

    // Back to A: A's alone again.
    click(&mut h, "设置");
    click_named(&mut h, &format!("使用 {A_NAME}"));
    wait_on_merchant(&mut h, A);
    click(&mut h, "券点");
    wait_for(&mut h, "A's wallet", |h| {
        h.state().wallet.cards.iter().any(|c| c.card_id == a_card)
    });
    wait_for(&mut h, "A's journal", |h| {
        !h.state().wallet.journal_recent.is_empty()
    });
    let (_, wallet, journal) = shown_cards(&h);
    assert_eq!(wallet, [a_card.as_str()]);
    assert_eq!(journal, [a_card]);
    // Every token came through the platform for its own merchant.
    assert!(d.token_calls(A) >= 1 && d.token_calls(B) >= 1);
}

#[test]
fn a_switch_waits_for_a_confirm_in_flight_and_no_answer_of_a_lands_in_b() {
    let dir = temp_dir("platform-money");
    let d = PlatformDouble::start(&[KEY]);
    d.authorize(A, A_NAME);
    d.authorize(B, B_NAME);
    let account = account(&d);
    let a_client = merchant_client(&d, KEY, A);
    let a_card = d.block_on(async {
        let body = crate::support::fixture_body(&a_client, -60, 20 * 86_400).await;
        let id = a_client.create_card(&body).await.unwrap();
        d.admin_for(A).review(&id, true).await.unwrap();
        id
    });
    let mut h = platform_app(&d, &dir, &account, Some(A), Nav::Wallet);
    wait_on_merchant(&mut h, A);
    start_with_quote(&mut h, &a_card, "4");
    // The confirm answers 2.5 s late; A's card list, asked again now, 3 s late.
    let faults = |path: &str, ms: u64| {
        let v = d
            .block_on(d.platform.admin().post_any(
                "/sandbox/faults",
                &json!({"path": path, "faults": [{"kind": "latency", "ms": ms}]}),
            ))
            .unwrap();
        assert!(v.get("errcode").is_none(), "{v}");
    };
    faults("/card/pay/confirm", 2500);
    click(&mut h, "确认兑换");
    assert!(matches!(h.state().wallet.confirm, ConfirmState::Sending(_)));
    click(&mut h, "设置");
    wait_for(&mut h, "B in the list", |h| has(h, B_NAME));
    click_named(&mut h, &format!("使用 {B_NAME}"));
    step_for(&mut h, Duration::from_millis(300));
    assert!(has(&h, "券点兑换或充值正在进行"));
    assert_eq!(
        h.state().merchant(),
        Some(A),
        "switched with money in flight"
    );
    // Once the confirm has landed (in A's panel and journal), the switch goes ahead.
    wait_for(&mut h, "the confirm's answer", |h| {
        matches!(h.state().wallet.confirm, ConfirmState::Done(_))
    });
    // A's card list is asked again and answers 2 s late; meanwhile the app switches.
    let admin = d.platform.admin();
    let lists_before = d.block_on(admin.calls("/card/batchget")).unwrap();
    faults("/card/batchget", 2000);
    h.state_mut().run(DesignCmd::ListCards);
    let asked = std::time::Instant::now();
    click_named(&mut h, &format!("使用 {B_NAME}"));
    wait_on_merchant(&mut h, B);
    assert!(
        asked.elapsed() < Duration::from_millis(1800),
        "the switch came too late to test"
    );
    // Past A's late card list: it was answered, and never reached B's panels.
    step_for(
        &mut h,
        Duration::from_millis(2600).saturating_sub(asked.elapsed()),
    );
    assert!(d.block_on(admin.calls("/card/batchget")).unwrap() > lists_before);
    let (design, wallet, journal) = shown_cards(&h);
    assert!(!design.contains(&a_card), "A's card list landed in B");
    assert!(!wallet.contains(&a_card));
    assert!(journal.is_empty());
    // A's journal has the purchase, closed.
    let store = coupon_studio::store::Store::open(&dir.join("coupon-studio.sqlite")).unwrap();
    let a_key = format!("{A}@{}", d.wechat());
    let rows = store.journal_recent(&a_key, 10).unwrap();
    assert_eq!(
        rows.iter()
            .filter(|r| r.kind == coupon_studio::store::EntryKind::Confirm)
            .count(),
        1
    );
    assert!(store.journal_open(&a_key).unwrap().is_empty());
    assert!(
        store
            .journal_recent(&format!("{B}@{}", d.wechat()), 10)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn a_withdrawn_merchant_leaves_the_list_within_one_event_and_the_app_leaves_it() {
    let dir = temp_dir("platform-revoke");
    let d = PlatformDouble::start(&[KEY]);
    d.authorize(A, A_NAME);
    d.authorize(B, B_NAME);
    let account = account(&d);
    let mut h = platform_app(&d, &dir, &account, Some(A), Nav::Settings);
    wait_on_merchant(&mut h, A);
    wait_for(&mut h, "both merchants listed", |h| {
        has(h, &format!("使用 {B_NAME}")) && has_exact(h, A_NAME)
    });
    let read_before = h.state().server.events.len();
    d.revoke(A);
    // The next read brings the one event, and with it A is gone from the list.
    wait_for(&mut h, "A off the list", |h| {
        h.state()
            .accounts
            .merchants
            .get(&account.id)
            .is_some_and(|l| l.find(A).is_none())
    });
    let events = &h.state().server.events;
    if h.state().merchant() == Some(A) {
        assert_eq!(events.len(), read_before + 1, "one event, and A is gone");
        assert!(events.last().unwrap().unauthorizes(A));
    }
    assert!(has(&h, "已取消对本平台的授权"));
    wait_for(&mut h, "the app left A", |h| h.state().is_sandbox());
    assert!(!has_exact(&h, A_NAME), "A still listed");
    assert!(has(&h, &format!("使用 {B_NAME}")));
    click(&mut h, "知道了");
    h.step();
    assert!(h.state().notice().is_none());
    assert!(!has(&h, "已取消对本平台的授权"));
    // The list file no longer names A as the merchant in use.
    let list = coupon_studio::accounts::Accounts::load(&dir).unwrap();
    assert_eq!((list.active, list.merchant), (None, None));
}

#[test]
fn a_withdrawal_while_a_confirm_is_in_flight_is_acted_on_once_it_has_landed() {
    let dir = temp_dir("platform-revoke-money");
    let d = PlatformDouble::start(&[KEY]);
    d.authorize(A, A_NAME);
    let account = account(&d);
    let a_client = merchant_client(&d, KEY, A);
    let a_card = d.block_on(async {
        let body = crate::support::fixture_body(&a_client, -60, 20 * 86_400).await;
        let id = a_client.create_card(&body).await.unwrap();
        d.admin_for(A).review(&id, true).await.unwrap();
        id
    });
    let mut h = platform_app(&d, &dir, &account, Some(A), Nav::Wallet);
    wait_on_merchant(&mut h, A);
    start_with_quote(&mut h, &a_card, "3");
    let v = d
        .block_on(d.platform.admin().post_any(
            "/sandbox/faults",
            &json!({"path": "/card/pay/confirm", "faults": [{"kind": "latency", "ms": 3000}]}),
        ))
        .unwrap();
    assert!(v.get("errcode").is_none(), "{v}");
    click(&mut h, "确认兑换");
    d.revoke(A);
    wait_for(&mut h, "the withdrawal noticed", |h| {
        has(h, "已取消对本平台的授权")
    });
    // Still on A while the confirm's answer is awaited.
    assert!(h.state().wallet.answer_awaited());
    assert_eq!(h.state().merchant(), Some(A));
    wait_for(&mut h, "the app left A", |h| h.state().is_sandbox());
    // The confirm's answer landed in A's journal before the app left.
    let store = coupon_studio::store::Store::open(&dir.join("coupon-studio.sqlite")).unwrap();
    let rows: Vec<_> = store
        .journal_recent(&format!("{A}@{}", d.wechat()), 10)
        .unwrap()
        .into_iter()
        .filter(|r| r.kind == coupon_studio::store::EntryKind::Confirm)
        .collect();
    assert_eq!(rows.len(), 1);
    assert_ne!(
        rows[0].state,
        coupon_studio::store::EntryState::Pending,
        "the journal row was never closed"
    );
}
