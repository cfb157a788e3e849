//! The simulator pushes what its users cause as WeChat pushes it (卡券事件推送): each event
//! kind reaches a merchant server (the test's receiver, which checks every push with `wxpush`)
//! after the action that causes it, with WeChat's members.

use std::time::Duration;

use coupon_studio::api::{CallKind, Method, SandboxAdmin};
use coupon_studio::sandbox::{SandboxConfig, original_id};
use serde_json::{Value, json};

use crate::support::receiver::{APPID, Receiver, recorded_count, simulator};
use crate::support::{fixture_body, scan, sim_admin, sim_now, stocked_card, stocked_card_between};

/// A receiver, and a simulator pushing to it in safe mode.
async fn start() -> (
    Receiver,
    coupon_studio::sandbox::SandboxHandle,
    coupon_studio::api::ApiClient,
    SandboxAdmin,
) {
    let r = Receiver::start(vec![]).await;
    let (h, c) = simulator(SandboxConfig {
        push: Some(r.config(true)),
        ..SandboxConfig::default()
    })
    .await;
    let admin = sim_admin(&c);
    (r, h, c, admin)
}

fn text(v: &Value, key: &str) -> String {
    v[key].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn review_outcomes_are_pushed_once_each() {
    let (r, h, c, admin) = start().await;
    let body = fixture_body(&c, 86_400, 20 * 86_400).await;
    // Approved by a reviewer.
    let a = c.create_card(&body).await.unwrap();
    admin.review(&a, true).await.unwrap();
    let pass = r
        .wait_for("card_pass_check", |g| g.get("CardId") == a)
        .await;
    assert_eq!(pass.mode, "safe");
    assert_eq!(pass.get("MsgType"), "event");
    assert_eq!(pass.get("ToUserName"), original_id(APPID));
    assert_eq!(pass.get("RefuseReason"), "");
    assert!(pass.get("FromUserName").starts_with('o'), "{pass:?}");
    // Rejected, with the reviewer's reason.
    let b = c.create_card(&body).await.unwrap();
    admin
        .post(
            "/sandbox/card/review",
            &json!({"card_id": b, "approve": false, "reason": "图片模糊"}),
        )
        .await
        .unwrap();
    let fail = r
        .wait_for("card_not_pass_check", |g| g.get("CardId") == b)
        .await;
    assert_eq!(fail.get("RefuseReason"), "图片模糊");
    // Approved when the review delay (3 s) has passed on the simulated clock.
    let submitted = sim_now(&c).await;
    let d = c.create_card(&body).await.unwrap();
    let now = admin.advance(10).await.unwrap();
    let auto = r
        .wait_for("card_pass_check", |g| g.get("CardId") == d)
        .await;
    let at = auto.json()["CreateTime"].as_i64().unwrap();
    assert!(
        (submitted + 3..=now + 1).contains(&at),
        "{at}: {submitted}..{now}"
    );
    // Nothing is pushed twice, however often the cards are read.
    for id in [&a, &b, &d] {
        c.get_card(id).await.unwrap();
    }
    admin.advance(10).await.unwrap();
    assert_eq!(recorded_count(&admin, "card_pass_check").await, 2);
    assert_eq!(recorded_count(&admin, "card_not_pass_check").await, 1);
    // An update that sends the card back to review is pushed again when approved.
    let patch = json!({"card_id": a, "cash": {"base_info": {"notice": "请出示二维码"}}});
    assert!(c.update_card(&patch).await.unwrap(), "send_check");
    admin.advance(10).await.unwrap();
    assert_eq!(recorded_count(&admin, "card_pass_check").await, 3);
    h.shutdown().await;
}

#[tokio::test]
async fn a_review_that_ends_while_nobody_calls_is_pushed_anyway() {
    let r = Receiver::start(vec![]).await;
    let (h, c) = simulator(SandboxConfig {
        push: Some(r.config(false)),
        review_delay: Duration::from_secs(1),
        ..SandboxConfig::default()
    })
    .await;
    let id = c
        .create_card(&fixture_body(&c, 86_400, 20 * 86_400).await)
        .await
        .unwrap();
    // No call after the create: the simulator's own tick notices the end of the review.
    let pass = r
        .wait_for("card_pass_check", |g| g.get("CardId") == id)
        .await;
    assert_eq!(pass.mode, "plain");
    h.shutdown().await;
}

#[tokio::test]
async fn a_claim_through_a_placement_qr_carries_its_channel() {
    let (r, h, c, _admin) = start().await;
    let id = stocked_card(&c, 10, 20).await;
    let qr = c
        .call_value(
            Method::Post,
            "/card/qrcode/create",
            &json!({"action_name": "QR_CARD", "action_info": {"card": {"card_id": id, "outer_id": 7, "outer_str": "poster-7"}}}),
            CallKind::Write,
        )
        .await
        .unwrap();
    let user = "oScannerOfPoster7000000000000";
    let got = scan(&c, json!({"ticket": qr["ticket"], "openid": user})).await;
    let code = text(&got, "code");
    let now = sim_now(&c).await;
    let claim = r
        .wait_for("user_get_card", |g| g.get("UserCardCode") == code)
        .await;
    let m = claim.json();
    assert_eq!(m["FromUserName"], user);
    assert_eq!(m["CardId"], id.as_str());
    assert_eq!(m["OuterId"], 7);
    assert_eq!(m["OuterStr"], "poster-7");
    assert_eq!(m["IsGiveByFriend"], 0);
    assert_eq!(m["FriendUserName"], "");
    assert_eq!(m["OldUserCardCode"], "");
    assert_eq!(m["IsRestoreMemberCard"], 0);
    let created = m["CreateTime"].as_i64().unwrap();
    assert!((now - 2..=now).contains(&created), "{created} vs {now}");
    // The user saw the card first: the view, then the claim.
    let theirs: Vec<String> = r
        .got()
        .iter()
        .filter(|g| g.get("FromUserName") == user)
        .map(|g| g.event().to_owned())
        .collect();
    assert_eq!(theirs, ["user_view_card", "user_get_card"]);
    h.shutdown().await;
}

#[tokio::test]
async fn a_gift_is_the_givers_gifting_then_the_friends_claim() {
    let (r, h, c, admin) = start().await;
    let id = stocked_card(&c, 10, 20).await;
    let holder = "oGiver00000000000000000000000";
    let got = scan(&c, json!({"card_id": id, "openid": holder, "outer_id": 2})).await;
    let old = text(&got, "code");
    let friend = "oFriend0000000000000000000000";
    let gift = admin.gift(&old, Some(friend)).await.unwrap();
    let new = text(&gift, "code");
    assert_ne!(new, old);
    let claim = r
        .wait_for("user_get_card", |g| g.get("UserCardCode") == new)
        .await;
    let gifting = r.wait_event("user_gifting_card").await;
    assert_eq!(gifting.get("FromUserName"), holder);
    assert_eq!(gifting.get("FriendUserName"), friend);
    assert_eq!(gifting.get("UserCardCode"), old);
    assert_eq!(gifting.json()["IsReturnBack"], 0);
    assert_eq!(gifting.json()["IsChatRoom"], 0);
    let m = claim.json();
    assert_eq!(m["FromUserName"], friend);
    assert_eq!(m["IsGiveByFriend"], 1);
    assert_eq!(m["FriendUserName"], holder);
    assert_eq!(m["OldUserCardCode"], old.as_str());
    assert_eq!(m["OuterId"], 2);
    // In that order.
    let order: Vec<String> = r.got().iter().map(|g| g.event().to_owned()).collect();
    let at = |e: &str| order.iter().rposition(|x| x == e).unwrap();
    assert!(at("user_gifting_card") < at("user_get_card"), "{order:?}");
    // A transfer takes no stock; the old code is the giver's no more, the new one works.
    assert_eq!(c.get_card(&id).await.unwrap().quantity, Some(9));
    let gone = c.get_code(None, &old, false).await.unwrap_err();
    assert_eq!(gone.errcode(), Some(40056), "{gone:?}");
    let (_, consumer) = c.consume_code(&new).await.unwrap();
    assert_eq!(consumer, friend);
    h.shutdown().await;
}

#[tokio::test]
async fn a_share_pushes_the_friends_views_and_one_gifting() {
    let (r, h, c, admin) = start().await;
    let id = stocked_card(&c, 10, 20).await;
    let got = scan(&c, json!({"card_id": id})).await;
    let code = text(&got, "code");
    let friends = [
        "oShareFriendA0000000000000000",
        "oShareFriendB0000000000000000",
    ];
    admin
        .post(
            "/sandbox/user/share",
            &json!({"code": code, "friends": friends}),
        )
        .await
        .unwrap();
    for f in friends {
        let view = r
            .wait_for("user_view_card", |g| g.get("FromUserName") == f)
            .await;
        assert_eq!(view.get("UserCardCode"), code);
    }
    let gifting = r.wait_event("user_gifting_card").await;
    assert_eq!(gifting.json()["IsChatRoom"], 1);
    assert_eq!(gifting.get("FriendUserName"), friends[0]);
    h.shutdown().await;
}

#[tokio::test]
async fn a_use_and_a_delete_are_pushed() {
    let (r, h, c, admin) = start().await;
    let id = stocked_card(&c, 10, 20).await;
    let used = text(&scan(&c, json!({"card_id": id})).await, "code");
    let (_, openid) = c.consume_code(&used).await.unwrap();
    let consume = r
        .wait_for("user_consume_card", |g| g.get("UserCardCode") == used)
        .await;
    let m = consume.json();
    assert_eq!(m["FromUserName"], openid.as_str());
    assert_eq!(m["CardId"], id.as_str());
    assert_eq!(m["ConsumeSource"], "FROM_API");
    for member in [
        "LocationName",
        "StaffOpenId",
        "VerifyCode",
        "RemarkAmount",
        "OuterStr",
    ] {
        assert!(m.contains_key(member), "{member} in {m:?}");
    }
    let deleted = text(&scan(&c, json!({"card_id": id})).await, "code");
    admin
        .post(
            "/sandbox/code/status",
            &json!({"code": deleted, "status": "DELETE"}),
        )
        .await
        .unwrap();
    let del = r.wait_event("user_del_card").await;
    assert_eq!(del.get("UserCardCode"), deleted);
    assert_eq!(del.get("CardId"), id);
    h.shutdown().await;
}

#[tokio::test]
async fn coin_orders_are_pushed_when_coins_move() {
    let (r, h, c, admin) = start().await;
    // The account's opening reward.
    c.pay_activate().await.unwrap();
    let reward = r.wait_event("card_pay_order").await.json();
    assert_eq!(reward["OrderType"], "ORDER_TYPE_SYS_ADD");
    assert_eq!(reward["Status"], "ORDER_STATUS_FINANCE_SUCC");
    assert_eq!(reward["FreeCoinCount"], "200");
    assert_eq!(reward["PayCoinCount"], "0");
    // A recharge: nothing while it waits, the order once it is paid.
    let recharge = c.recharge(10).await.unwrap();
    assert_eq!(recorded_count(&admin, "card_pay_order").await, 1);
    admin.pay_recharge(&recharge.order_id, false).await.unwrap();
    let paid = r
        .wait_for("card_pay_order", |g| g.get("OrderId") == recharge.order_id)
        .await
        .json();
    assert_eq!(paid["OrderType"], "ORDER_TYPE_WXPAY");
    assert_eq!(paid["Status"], "ORDER_STATUS_FINANCE_SUCC");
    assert_eq!(paid["PayCoinCount"], "10");
    assert_eq!(paid["Desc"], "微信支付充值");
    assert!(paid["PayFinishTime"].as_i64().unwrap() > 0, "{paid:?}");
    for member in [
        "CreateOrderTime",
        "RefundFreeCoinCount",
        "RefundPayCoinCount",
        "Memo",
        "ReceiptInfo",
    ] {
        assert!(paid.contains_key(member), "{member} in {paid:?}");
    }
    // Stock bought: 10 units at 0.6 from the free coins; it ends within the hour.
    let id = stocked_card_between(&c, -60, 3600, 10).await;
    let bought = r
        .wait_for("card_pay_order", |g| {
            g.get("OrderType") == "ORDER_TYPE_REDUCE"
        })
        .await
        .json();
    assert_eq!(bought["Status"], "ORDER_STATUS_QUANTITY_SUCC");
    assert_eq!(bought["FreeCoinCount"], "6");
    // Its stock left is refunded the day after it ended (T+1), and pushed.
    admin.advance(2 * 86_400).await.unwrap();
    let refund = r
        .wait_for("card_pay_order", |g| {
            g.get("OrderType") == "ORDER_TYPE_REFUND"
        })
        .await
        .json();
    assert_eq!(refund["Status"], "ORDER_STATUS_HAS_REFUND");
    assert_eq!(refund["RefundFreeCoinCount"], "6");
    assert_eq!(c.get_card(&id).await.unwrap().quantity, Some(0));
    assert_eq!(recorded_count(&admin, "card_pay_order").await, 4);
    h.shutdown().await;
}

#[tokio::test]
async fn the_stock_alert_fires_below_100_after_200_and_then_rests_12_hours() {
    let (r, h, c, admin) = start().await;
    let id = stocked_card(&c, 205, 20).await;
    let claim = |n: usize| {
        let (c, id) = (c.clone(), id.clone());
        async move {
            for _ in 0..n {
                let got = scan(&c, json!({"card_id": id})).await;
                assert!(got["code"].is_string(), "{got}");
            }
        }
    };
    // 205 → 101: no alert yet.
    claim(104).await;
    assert_eq!(recorded_count(&admin, "card_sku_remind").await, 0);
    // → 100: one.
    claim(1).await;
    assert_eq!(recorded_count(&admin, "card_sku_remind").await, 1);
    let alert = r.wait_event("card_sku_remind").await;
    assert_eq!(alert.get("CardId"), id);
    assert!(alert.get("Detail").contains("100"), "{alert:?}");
    // Not again within 12 hours …
    claim(3).await;
    admin.advance(11 * 3600).await.unwrap();
    claim(1).await;
    assert_eq!(recorded_count(&admin, "card_sku_remind").await, 1);
    // … but again after them, while the stock stays low.
    admin.advance(3600).await.unwrap();
    claim(1).await;
    assert_eq!(recorded_count(&admin, "card_sku_remind").await, 2);
    h.shutdown().await;
}
