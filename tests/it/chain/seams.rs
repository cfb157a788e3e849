//! Where the simulator's pushes, the server and the app's reader meet, without the UI: the
//! per-channel numbers (gift-backs included) that the app counts from the server's events are
//! the simulator's own; the chain holds while the simulated clock runs a week ahead of the
//! real one; and each coin order reaches the app as getorderlist lists it.

use std::time::Duration;

use coupon_studio::api::company::Fetched;
use coupon_studio::api::{ApiClient, CardEvent, CompanyClient, TokenSource};
use coupon_studio::stats::{LogEvent, channels, channels_from_pushes};
use serde_json::{Value, json};

use crate::support::chain::{Parts, SECRET, add_key, admin, names, parts, settled, stored, wechat};
use crate::support::server::{APPID, Db, on_both};
use crate::support::{scan, stocked_card, stocked_card_between};

/// WeChat's client for the simulator of `p` (the server's AppID and AppSecret).
pub fn client(p: &Parts) -> ApiClient {
    ApiClient::new(
        &p.sim.url(),
        TokenSource::Stable {
            appid: APPID.into(),
            secret: SECRET.into(),
        },
    )
    .unwrap()
}

/// Every event the server has, read as the app reads them: `/api/v1/events` with a key, page
/// by page.
pub async fn read_all(p: &Parts) -> Vec<CardEvent> {
    let key = add_key(
        p.storage.as_ref(),
        &format!("reader-{}", rand::random::<u32>()),
    )
    .await;
    let feed = CompanyClient::new(&p.server.url(), &key).unwrap();
    let mut out: Vec<CardEvent> = Vec::new();
    loop {
        let since = out.last().map_or(0, |e| e.id);
        let page: Vec<Fetched> = feed.events(since, 200).await.unwrap();
        if page.is_empty() {
            return out;
        }
        out.extend(page.into_iter().map(|f| f.event));
    }
}

async fn the_channels_from_the_pushes_are_the_simulators_own(db: Db) {
    let p = parts(&db, wechat(Duration::from_secs(3))).await;
    let c = client(&p);
    let admin = admin(&p.sim.url());
    // Valid from before the simulated week, so that its codes are used in it.
    let card = stocked_card_between(&c, -8 * 86_400, 30 * 86_400, 300).await;
    // A simulated week of scans, shares, uses and gift-backs …
    let week = admin.simulate(7, 7).await.unwrap();
    // … and today, through channel 2, a code shared with two friends, given to one (转赠),
    // who uses it and gets a gift-back code.
    let got = scan(&c, json!({"card_id": card, "outer_id": 2})).await;
    let code = got["code"].as_str().unwrap().to_owned();
    admin
        .post(
            "/sandbox/user/share",
            &json!({"code": code, "friends": ["oFriendA", "oFriendB"]}),
        )
        .await
        .unwrap();
    // A minute apart: a share and a gift of one code by one user in one second would be
    // one event to the server (the same de-duplication key), as they would be to any
    // receiver that follows WeChat's advice.
    admin.advance(60).await.unwrap();
    let given = admin.gift(&code, Some("oFriendA")).await.unwrap();
    admin.advance(60).await.unwrap();
    c.consume_code(given["code"].as_str().unwrap())
        .await
        .unwrap();

    let record = settled(&admin).await;
    let delivered = record["counts"]["delivered"].as_u64().unwrap();
    assert_eq!(record["counts"]["failed"], 0, "{}", record["counts"]);
    // Every push stored once: none of them collides with another on the de-duplication key.
    assert_eq!(stored(p.storage.as_ref()).await.len() as u64, delivered);

    let log: Vec<LogEvent> = admin.events().await.unwrap();
    let pushed = read_all(&p).await;
    let from_log = channels(&log, Some(&card), 0, i64::MAX);
    let from_pushes = channels_from_pushes(&pushed, Some(&card), 0, i64::MAX);
    assert_eq!(from_pushes, from_log, "{} the pushes, the log", db.kind);
    // The gift-backs are all there: the week's and today's.
    let gift_backs: i64 = from_pushes.iter().map(|r| r.gift_backs).sum();
    let week_gift_backs = week["gift_back"].as_i64().unwrap();
    assert!(week_gift_backs > 0, "{week}");
    assert_eq!(gift_backs, week_gift_backs + 1);
    let two = from_pushes.iter().find(|r| r.outer_id == 2).unwrap();
    assert!(two.receives >= 3 && two.uses >= 1, "{two:?}");
    p.server.shutdown().await;
    p.sim.shutdown().await;
}
on_both!(
    channels_agree,
    super::the_channels_from_the_pushes_are_the_simulators_own
);

#[tokio::test]
async fn the_chain_holds_while_the_simulated_clock_runs_a_week_ahead() {
    let db = Db::sqlite();
    let p = parts(&db, wechat(Duration::from_secs(3600))).await;
    let c = client(&p);
    let admin = admin(&p.sim.url());
    let week = 7 * 86_400;
    let ahead = admin.advance(week).await.unwrap();
    let real = chrono::Utc::now().timestamp();
    assert!(ahead >= real + week - 5, "{ahead} {real}");
    let card = stocked_card(&c, 10, 30).await;
    let got = scan(&c, json!({"card_id": card, "outer_id": 5})).await;
    // Used a minute later (the same user's two views of the card page in one second would be
    // one event to the server: they have the same de-duplication key).
    admin.advance(60).await.unwrap();
    c.consume_code(got["code"].as_str().unwrap()).await.unwrap();

    // The query's timestamp is the real clock: the server refused none as a replay, each was
    // delivered at the first attempt.
    let record = settled(&admin).await;
    let pushes = record["pushes"].as_array().unwrap();
    assert!(pushes.len() >= 5, "{record}");
    for push in pushes {
        assert_eq!(push["outcome"], "delivered", "{push}");
        assert_eq!(push["attempts"].as_array().unwrap().len(), 1, "{push}");
    }
    // CreateTime is the simulated clock, a week ahead.
    let events = stored(p.storage.as_ref()).await;
    for e in &events {
        assert!(e["CreateTime"].as_i64().unwrap() >= ahead, "{e}");
    }
    let kinds = names(&events);
    for want in [
        "card_pass_check",
        "card_pay_order",
        "user_view_card",
        "user_get_card",
        "user_consume_card",
    ] {
        assert!(kinds.contains(&want), "{want} missing: {kinds:?}");
    }
    // The app reads them as they happened, on the simulated days.
    let pushed = read_all(&p).await;
    let reviews = coupon_studio::pushed::reviews(&pushed);
    assert_eq!(
        (reviews[0].card_id.as_str(), reviews[0].passed),
        (card.as_str(), true)
    );
    let rows = channels_from_pushes(&pushed, Some(&card), ahead, ahead + 3600);
    assert_eq!(
        rows.iter()
            .map(|r| (r.outer_id, r.views, r.receives, r.uses))
            .collect::<Vec<_>>(),
        [(5, 2, 2, 1)],
        "the scan's view and claim, the use, the gift page and the gift-back"
    );
    p.server.shutdown().await;
    p.sim.shutdown().await;
}

/// A recharge of `coins` paid by the simulator's payer; its order id.
async fn paid_recharge(
    c: &ApiClient,
    admin: &coupon_studio::api::SandboxAdmin,
    coins: u32,
) -> String {
    let r = c.recharge(coins).await.unwrap();
    admin.pay_recharge(&r.order_id, false).await.unwrap();
    r.order_id
}

async fn coin_orders_reach_the_app_as_getorderlist_lists_them(db: Db) {
    let p = parts(&db, wechat(Duration::from_secs(3))).await;
    let c = client(&p);
    let admin = admin(&p.sim.url());
    // The opening reward, a stock purchase, a recharge paid, and one left waiting.
    stocked_card(&c, 100, 30).await;
    let paid = paid_recharge(&c, &admin, 50).await;
    let waiting = c.recharge(20).await.unwrap().order_id;
    settled(&admin).await;

    let listed = crate::support::all_orders(&c).await.order_list;
    assert_eq!(listed.len(), 4, "{listed:?}");
    let pushed = coupon_studio::pushed::orders(&read_all(&p).await);
    // The waiting recharge moved no coins: WeChat pushes nothing for it.
    assert!(pushed.iter().all(|o| o.order_id != waiting));
    assert_eq!(pushed.len(), 3, "{pushed:?}");
    assert!(pushed.iter().any(|o| o.order_id == paid));
    // Each pushed order, as the server stored it and the app read it, is getorderlist's.
    for o in &pushed {
        let same = listed.iter().find(|l| l.order_id == o.order_id);
        assert_eq!(Some(o), same, "{} on {}", o.order_id, db.kind);
    }
    // The members under their XML names, coin counts as WeChat writes them.
    let events = stored(p.storage.as_ref()).await;
    let recharge: &Value = events
        .iter()
        .find(|e| e["OrderId"] == paid.as_str())
        .unwrap();
    for member in [
        "OrderId",
        "Status",
        "CreateOrderTime",
        "PayFinishTime",
        "Desc",
        "FreeCoinCount",
        "PayCoinCount",
        "RefundFreeCoinCount",
        "RefundPayCoinCount",
        "OrderType",
        "Memo",
        "ReceiptInfo",
    ] {
        assert!(
            recharge.get(member).is_some(),
            "{member} missing: {recharge}"
        );
    }
    assert_eq!(recharge["PayCoinCount"], "50");
    assert_eq!(recharge["OrderType"], "ORDER_TYPE_WXPAY");
    p.server.shutdown().await;
    p.sim.shutdown().await;
}
on_both!(
    coin_orders,
    super::coin_orders_reach_the_app_as_getorderlist_lists_them
);
