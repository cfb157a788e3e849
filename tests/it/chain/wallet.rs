//! What WeChat pushes about stock and coins, shown by the app: customers' claims take a card
//! from more than 200 units to 100, WeChat pushes card_sku_remind and the alert shows in
//! 我的卡券 and the Wallet with 购买库存 filled in; a colleague's coin orders (a recharge, stock
//! bought) are pushed and the ledger shows each once, first from the push, then merged with
//! getorderlist by OrderId — and the app sends no money call because of them.

use coupon_studio::app::Nav;
use coupon_studio::wallet::card_stock_alert;
use serde_json::json;

use crate::support::chain::{Chain, step_for, wait_live, wechat};
use crate::support::ui::*;
use crate::support::{stocked_card, temp_dir};

/// WeChat's rule: a reminder once the stock falls to this after it was above 200.
const REMIND_AT: i64 = 100;

#[test]
fn claims_down_to_100_units_raise_the_pushed_stock_alert_with_the_purchase_filled_in() {
    let dir = temp_dir("chain-sku");
    let chain = Chain::sqlite(wechat(std::time::Duration::from_secs(3600)));
    let stock: i64 = 210;
    let card = chain.sim.rt.block_on(stocked_card(
        &chain.sim.client,
        u32::try_from(stock).unwrap(),
        30,
    ));
    let key = chain.add_key("韩梅梅");
    let account = chain.account();
    let mut h = chain.app(&dir, &account, &key, Nav::Design);
    wait_live(&mut h);
    wait_for(&mut h, "the card in 我的卡券", |h| {
        h.state().design.cards.iter().any(|c| c.card_id == card)
    });
    assert!(!has(&h, "库存只剩"));

    // Customers claim until 100 are left.
    let claim = |n: i64| {
        chain.sim.admin(
            "/sandbox/user/scan",
            json!({"card_id": card, "openid": format!("oCustomer{n:04}"), "outer_id": 1}),
        )
    };
    let claims = stock - REMIND_AT;
    for n in 0..claims {
        claim(n);
    }
    wait_for(&mut h, "the reminder", |h| {
        h.state().design.reminded.contains(&card)
    });
    let said = format!("库存只剩 {REMIND_AT} 张");
    // The reminder reloads 我的卡券 by itself: the stock known now, and the alert.
    wait_for(&mut h, "the alert in 我的卡券", |h| has(h, &said));
    // One more claim: WeChat reminds at most every 12 hours, the server has one reminder.
    claim(claims);
    chain.settled();
    let reminders = chain
        .stored()
        .into_iter()
        .filter(|e| e["Event"] == "card_sku_remind")
        .collect::<Vec<_>>();
    assert_eq!(reminders.len(), 1, "{reminders:?}");
    assert_eq!(reminders[0]["CardId"], card.as_str());

    // The Wallet reads the stock as it opens: one unit fewer, the alert all the same.
    let left = REMIND_AT - 1;
    let alert = card_stock_alert(Some(left), Some(stock), None, true).unwrap();
    let said = format!("库存只剩 {left} 张");
    click(&mut h, "券点");
    wait_for(&mut h, "the alert in the Wallet", |h| {
        enabled(h, "购买库存") && has(h, &said)
    });
    click(&mut h, "购买库存");
    h.step();
    assert_eq!(h.state().wallet.card_id.as_deref(), Some(card.as_str()));
    assert_eq!(h.state().wallet.quantity_text, alert.suggested.to_string());
}

#[test]
fn a_colleagues_coin_orders_are_pushed_into_the_ledger_once_and_move_no_money() {
    let dir = temp_dir("chain-orders");
    let chain = Chain::sqlite(wechat(std::time::Duration::from_secs(3600)));
    let c = &chain.sim.client;
    let admin = chain.admin();
    let opened = chain.sim.rt.block_on(c.pay_activate()).unwrap();
    assert!(opened > 0);
    let key = chain.add_key("王芳");
    let account = chain.account();
    let mut h = chain.app(&dir, &account, &key, Nav::Wallet);
    wait_live(&mut h);
    wait_for(&mut h, "the opening reward in the ledger", |h| {
        h.state().wallet.orders.rows().len() == 1
    });
    let rows = |h: &H| -> Vec<(String, bool)> {
        h.state()
            .wallet
            .orders
            .rows()
            .iter()
            .map(|r| (r.order.order_id.clone(), r.pushed_only))
            .collect()
    };
    // Known to getorderlist and pushed: one row.
    assert!(!rows(&h)[0].1, "{:?}", rows(&h));

    // A colleague recharges 100 coins (paid) and buys 50 units, on another computer.
    let journal_before = h.state().wallet.journal_open.len();
    let (recharge, bought) = chain.sim.rt.block_on(async {
        let r = c.recharge(100).await.unwrap();
        admin.pay_recharge(&r.order_id, false).await.unwrap();
        let card = crate::support::stocked_card(c, 0, 30).await;
        let q = c.get_pay_price(&card, 50).await.unwrap();
        c.confirm(&card, &q.order_id, 50).await.unwrap();
        (r.order_id, q.order_id)
    });
    let confirms = chain.sim.calls("/card/pay/confirm");
    let recharges = chain.sim.calls("/card/pay/recharge");
    // The pushes show them at once, marked as known from a push only.
    wait_for(&mut h, "the pushed orders", |h| rows(h).len() == 3);
    let now = rows(&h);
    for id in [&recharge, &bought] {
        assert_eq!(
            now.iter().filter(|(o, p)| o == id && *p).count(),
            1,
            "{id}: {now:?}"
        );
    }
    assert!(has(&h, "· 推送"));
    assert!(
        has(&h, "兑换库存 50 张"),
        "the pushed purchase says what it was"
    );
    // The balance shown follows at once: the pushes made the app read it again (a read).
    let truth = chain.sim.rt.block_on(c.get_coins_info()).unwrap();
    wait_for(&mut h, "the balance after the colleague's orders", |h| {
        h.state().wallet.balance.as_ref() == Some(&truth)
    });

    // The order table's 刷新: getorderlist lists them too; each order is one row still.
    let reload = h.state_mut().wallet.reload_orders();
    for cmd in reload {
        h.state_mut().run(cmd);
    }
    wait_for(&mut h, "the merged ledger", |h| {
        let r = rows(h);
        r.len() == 3 && r.iter().all(|(_, pushed)| !pushed)
    });
    assert!(!has(&h, "· 推送"));
    let total = h.state().wallet.orders.list.as_ref().unwrap().total_num;
    assert_eq!(total, 3);
    // Pushed orders only inform: nothing journalled, confirmed or recharged by the app.
    step_for(&mut h, std::time::Duration::from_millis(500));
    assert_eq!(chain.sim.calls("/card/pay/confirm"), confirms);
    assert_eq!(chain.sim.calls("/card/pay/recharge"), recharges);
    assert_eq!(h.state().wallet.journal_open.len(), journal_before);
    assert!(h.state().wallet.checks.is_empty());
}
