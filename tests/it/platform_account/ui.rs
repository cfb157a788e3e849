//! A platform operator works for two merchants in one session of the app (egui_kittest,
//! Chinese UI): both authorize through the QR the app shows, each gets a card created,
//! stocked (quote + confirm) and placed (a QR code), and after each switch the panels show that
//! merchant's alone; a switch waits for a confirm in flight, and nothing the previous merchant
//! was asked reaches the next one's panels; a withdrawn authorization takes the merchant off
//! the list within its one event, and the app leaves it. All on the real company server in
//! platform mode, fed by the simulator (`support/platform_chain.rs`); the first and the
//! withdrawal also on PostgreSQL.

use std::time::Duration;

use coupon_studio::api::QrRequest;
use coupon_studio::app::Nav;
use coupon_studio::ui::design::Command as DesignCmd;
use coupon_studio::ui::placement::Command as PlacementCmd;
use coupon_studio::ui::short_id;
use coupon_studio::ui::wallet::ConfirmState;
use egui::Role;
use egui_kittest::kittest::Queryable;

use super::{A, A_NAME, B, B_NAME, platform_app, wait_on_merchant};
use crate::support::platform_chain::PlatformChain;
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

/// What a phone reads from the QR code the app draws for `text`.
fn scan_qr(text: &str) -> String {
    let img = coupon_studio::ui::qr::qr_image(text).unwrap();
    let [w, hgt] = img.size;
    let scale = 4;
    let mut prepared =
        rqrr::PreparedImage::prepare_from_greyscale(w * scale, hgt * scale, |x, y| {
            img.pixels[(y / scale) * w + x / scale].r()
        });
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1);
    grids[0].decode().unwrap().1
}

/// 添加商户 in Settings; the merchant's admin scans the QR the app shows.
fn add_merchant(h: &mut H, d: &PlatformChain, id: &str, appid: &str, name: &str) {
    wait_for(h, "the add button", |h| enabled(h, "添加商户"));
    let asked = d.links_asked();
    click(h, "添加商户");
    wait_for(h, "the authorization QR", |h| {
        link(h, id).is_some() && h.state().authorization_qr() == link(h, id).as_deref()
    });
    assert_eq!(d.links_asked(), asked + 1, "one page asked of the server");
    assert!(has(h, "请商户的管理员用微信扫描二维码"));
    assert!(has(h, "复制链接"));
    let url = link(h, id).unwrap();
    assert!(has(h, &url), "the link is shown to copy");
    assert!(d.is_our_link(&url), "not the platform's page: {url}");
    // The admin scans the QR drawn on screen: it reads the server's page.
    let scanned = scan_qr(h.state().authorization_qr().unwrap());
    assert_eq!(scanned, url);
    d.scan(&scanned, appid, name);
    // No click: the list is read again while the page is shown, until the merchant appears.
    wait_for(h, "the new merchant", |h| {
        has(h, &format!("已添加商户 {name}"))
    });
    assert!(has(h, &format!("使用 {name}")));
    assert!(
        link(h, id).is_none() && !has(h, "请商户的管理员用微信扫描二维码"),
        "the page closes once the merchant is in"
    );
}

/// Whether some node's label is exactly `text` (one or more: a balance shows as the free
/// coins and as the total).
fn shows(h: &H, text: &str) -> bool {
    h.query_all_by_label(text).next().is_some()
}

/// The down-jacket card's title, as 我的卡券 shows it.
const TITLE: &str = "羽绒服满500减50";

/// The row of `card` in 我的卡券 once approved: its title, status and short id.
fn approved_row(card: &str) -> String {
    format!("{TITLE}\n已通过 · {}", short_id(card))
}

/// The merchant in use gets a card created (Design), approved (its review push arrives
/// through the platform), stocked with `units` (Wallet: quote + confirm with its own coins)
/// and placed (a QR code), each seen on screen; the card's id.
fn work_for(h: &mut H, d: &PlatformChain, appid: &str, units: u32) -> String {
    let client = d.merchant_client(d.key(), appid);
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
    assert!(has(h, &short_id(&card)), "the new card is not listed");
    d.block_on(d.admin_for(appid).review(&card, true)).unwrap();
    wait_for(h, "the pushed approval", |h| has(h, &approved_row(&card)));
    click(h, "券点");
    start_with_quote(h, &card, &units.to_string());
    click(h, "确认兑换");
    wait_for(h, "the purchase", |h| {
        matches!(h.state().wallet.confirm, ConfirmState::Done(_))
    });
    wait_for(h, "the new stock on screen", |h| {
        has(h, &format!("兑换成功,库存 0 → {units}"))
    });
    let coins = d.block_on(client.get_coins_info()).unwrap().total_coin;
    wait_for(h, "the balance after the purchase", |h| {
        shows(h, &coins.to_string())
    });
    click(h, "投放");
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
    let qr = h.state().placement.qr.as_ref().unwrap().qr.url.clone();
    wait_for(h, "the QR's link on screen", |h| has(h, &qr));
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

fn two_merchants_are_worked_for_apart(d: &PlatformChain) {
    let dir = temp_dir("platform-two");
    let account = d.account();
    let id = account.id.clone();
    let mut h = platform_app(d, &dir, &account, None, Nav::Settings);
    wait_for(&mut h, "the empty merchant list", |h| {
        has(h, "还没有商户授权本平台")
    });
    assert!(has(&h, "卡券服务商 的商户"));
    add_merchant(&mut h, d, &id, A, A_NAME);
    add_merchant(&mut h, d, &id, B, B_NAME);
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
    let a_card = work_for(&mut h, d, A, 10);
    let a_client = d.merchant_client(d.key(), A);
    let a_coins = d.block_on(a_client.get_coins_info()).unwrap().total_coin;

    click(&mut h, "设置");
    click_named(&mut h, &format!("使用 {B_NAME}"));
    wait_on_merchant(&mut h, B);
    assert!(has(&h, &format!("{B_NAME} ({B}) · 服务商 卡券服务商")));
    // B's panels show none of A's cards, coins or journal rows.
    click(&mut h, "设计");
    step_for(&mut h, Duration::from_millis(300));
    assert!(!has(&h, &short_id(&a_card)), "A's card shows under B");
    click(&mut h, "券点");
    wait_for(&mut h, "B's (empty) wallet", |h| {
        has(h, "开通券点账户") && h.state().wallet.cards.is_empty()
    });
    assert!(!has(&h, &short_id(&a_card)));
    let (design, wallet, journal) = shown_cards(&h);
    assert!(!design.contains(&a_card) && !wallet.contains(&a_card));
    assert!(journal.is_empty(), "A's journal shows under B: {journal:?}");
    let b_card = work_for(&mut h, d, B, 5);
    let (design, wallet, journal) = shown_cards(&h);
    assert_eq!(design, [b_card.as_str()]);
    assert_eq!(wallet, [b_card.as_str()]);
    assert_eq!(journal, [b_card.as_str()]);
    click(&mut h, "设计");
    assert!(has(&h, &approved_row(&b_card)) && !has(&h, &short_id(&a_card)));
    // B's purchase spent B's coins, never A's; B's token can neither price nor buy A's card.
    assert_eq!(
        d.block_on(a_client.get_coins_info()).unwrap().total_coin,
        a_coins
    );
    let b_client = d.merchant_client(d.key(), B);
    let b_coins = d.block_on(b_client.get_coins_info()).unwrap().total_coin;
    assert_ne!(a_coins, b_coins, "the test cannot tell the balances apart");
    assert!(d.block_on(b_client.get_pay_price(&a_card, 1)).is_err());
    assert!(
        d.block_on(b_client.get_card(&a_card)).is_err(),
        "B reads A's card"
    );

    // Back to A: A's alone again, with A's balance.
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
    wait_for(&mut h, "A's balance", |h| shows(h, &a_coins.to_string()));
    assert!(
        !shows(&h, &b_coins.to_string()),
        "B's balance shows under A"
    );
    let (_, wallet, journal) = shown_cards(&h);
    assert_eq!(wallet, [a_card.as_str()]);
    assert_eq!(journal, [a_card.as_str()]);
    click(&mut h, "设计");
    wait_for(&mut h, "A's card list", |h| has(h, &approved_row(&a_card)));
    assert!(!has(&h, &short_id(&b_card)), "B's card shows under A");
    // Every token came through the platform for its own merchant.
    assert!(d.token_calls(A) >= 1 && d.token_calls(B) >= 1);
}

#[test]
fn two_merchants_authorize_through_the_apps_qr_and_each_is_worked_for_apart() {
    two_merchants_are_worked_for_apart(&PlatformChain::sqlite());
}

#[test]
fn two_merchants_are_worked_for_apart_on_postgres() {
    if let Some(d) = PlatformChain::postgres() {
        two_merchants_are_worked_for_apart(&d);
    }
}

#[test]
fn a_switch_waits_for_a_confirm_in_flight_and_no_answer_of_a_lands_in_b() {
    let dir = temp_dir("platform-money");
    let d = PlatformChain::sqlite();
    d.authorize(A, A_NAME);
    d.authorize(B, B_NAME);
    let account = d.account();
    let a_card = d.approved_card(A);
    let mut h = platform_app(&d, &dir, &account, Some(A), Nav::Wallet);
    wait_on_merchant(&mut h, A);
    start_with_quote(&mut h, &a_card, "4");
    // The confirm answers 2.5 s late.
    d.late("/card/pay/confirm", 2500);
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
    assert!(has(&h, &format!("{A_NAME} ({A}) · 服务商 卡券服务商")));
    // Once the confirm has landed (in A's panel and journal), the switch goes ahead.
    wait_for(&mut h, "the confirm's answer", |h| {
        matches!(h.state().wallet.confirm, ConfirmState::Done(_))
    });
    // A's card list is asked again and answers 2 s late; meanwhile the app switches.
    let admin = d.admin();
    let lists_before = d.block_on(admin.calls("/card/batchget")).unwrap();
    d.late("/card/batchget", 2000);
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
    for nav in ["设计", "券点"] {
        click(&mut h, nav);
        assert!(!has(&h, &short_id(&a_card)), "A's card shows in B's {nav}");
    }
    assert!(has(&h, &format!("{B_NAME} ({B}) · 服务商 卡券服务商")));
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

fn a_withdrawn_merchant_is_left(d: &PlatformChain) {
    let dir = temp_dir("platform-revoke");
    d.authorize(A, A_NAME);
    d.authorize(B, B_NAME);
    let account = d.account();
    let mut h = platform_app(d, &dir, &account, Some(A), Nav::Settings);
    wait_on_merchant(&mut h, A);
    wait_for(&mut h, "both merchants listed", |h| {
        has(h, &format!("使用 {B_NAME}")) && has_exact(h, A_NAME)
    });
    assert!(has(&h, &format!("{A_NAME} ({A}) · 服务商 卡券服务商")));
    let read_before = h.state().server.events.len();
    let asked_before = |p: &str| d.asked().iter().filter(|a| a.starts_with(p)).count();
    let (lists, tokens) = (
        asked_before("/api/v1/merchants"),
        asked_before("/api/v1/token"),
    );
    d.revoke(A);
    // The next read of A's stream brings the one event, and with it A is gone from the list:
    // the list was not read again; A's token was asked once (the event checked: 404).
    wait_for(&mut h, "A off the list", |h| {
        h.state()
            .accounts
            .merchants
            .get(&account.id)
            .is_some_and(|l| l.find(A).is_none())
    });
    assert_eq!(
        h.state().merchant(),
        Some(A),
        "left before the event was read"
    );
    let events = &h.state().server.events;
    assert_eq!(events.len(), read_before + 1, "one event, and A is gone");
    assert!(events.last().unwrap().unauthorizes(A));
    assert_eq!(asked_before("/api/v1/merchants"), lists);
    assert_eq!(asked_before("/api/v1/token"), tokens + 1);
    assert!(has(&h, "已取消对本平台的授权"));
    wait_for(&mut h, "the app left A", |h| h.state().is_sandbox());
    assert!(!has_exact(&h, A_NAME), "A still listed");
    assert!(
        !has(&h, &format!("{A_NAME} ({A})")),
        "the top bar still names A"
    );
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
fn a_withdrawn_merchant_leaves_the_list_within_one_event_and_the_app_leaves_it() {
    a_withdrawn_merchant_is_left(&PlatformChain::sqlite());
}

#[test]
fn a_withdrawn_merchant_is_left_on_postgres() {
    if let Some(d) = PlatformChain::postgres() {
        a_withdrawn_merchant_is_left(&d);
    }
}

#[test]
fn a_withdrawal_while_a_confirm_is_in_flight_is_acted_on_once_it_has_landed() {
    let dir = temp_dir("platform-revoke-money");
    let d = PlatformChain::sqlite();
    d.authorize(A, A_NAME);
    let account = d.account();
    let a_card = d.approved_card(A);
    let mut h = platform_app(&d, &dir, &account, Some(A), Nav::Wallet);
    wait_on_merchant(&mut h, A);
    start_with_quote(&mut h, &a_card, "3");
    d.late("/card/pay/confirm", 3000);
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
