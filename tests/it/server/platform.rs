//! The open platform's side of the company server (issue 20, point 1), on both databases,
//! against the simulator playing WeChat's open platform and pushing to the server: the verify
//! ticket gives the component token; an authorization link scanned by a merchant's admin
//! brings the `authorized` push and the browser's return, which share one exchange; the
//! merchants are listed by name; each merchant's token works on the card API for its own cards
//! only (two merchants each get a card created, stocked with their own coins and placed, and
//! neither sees, stocks nor redeems the other's); a key limited to one merchant gets 403 for
//! another; tokens are refreshed before they expire, once however many ask; a revocation
//! removes the merchant within one event.

use coupon_studio::api::QrRequest;
use coupon_studio::errcode;
use coupon_studio::server::platform::grant::LOGIN_PAGE;
use serde_json::json;

use crate::support::fixture_body;
use crate::support::platform::COMPONENT_APPID;
use crate::support::platform_server::PlatformServer;
use crate::support::server::*;

const A: &str = "wxmerchantaaaa0001";
const B: &str = "wxmerchantbbbb0002";

async fn a_merchant_authorizes_through_the_link_and_is_listed(db: Db) {
    let ps = PlatformServer::start(&db).await;
    // The ticket pushed at start gave the component token, which made the link.
    let (status, v) = ps.link(&ps.key).await;
    assert_eq!(status, 200, "{v}");
    let url = url::Url::parse(v["url"].as_str().unwrap()).unwrap();
    assert!(v["url"].as_str().unwrap().starts_with(LOGIN_PAGE), "{v}");
    let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(q["component_appid"], COMPONENT_APPID);
    assert!(q["pre_auth_code"].starts_with("preauthcode@@@"), "{v}");
    assert_eq!(q["redirect_uri"], format!("{}/platform/callback", ps.url));
    assert_eq!(q["auth_type"], "1");
    assert_eq!(v["expires_in"], 1800);
    assert_eq!(ps.calls("/cgi-bin/component/api_component_token").await, 1);

    let done = ps.authorize(A, "甲商户").await;
    // The browser's return page, once more by hand: the same grant, in both languages.
    let code = done["auth_code"].as_str().unwrap();
    let page = ps
        .http
        .get(format!(
            "{}/platform/callback?auth_code={code}&expires_in=600",
            ps.url
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    for words in ["授权成功", "Authorization complete", "甲商户", A] {
        assert!(html.contains(words), "{words} in {html}");
    }
    // The push, the simulator's redirect and this page: one exchange.
    assert_eq!(ps.calls("/cgi-bin/component/api_query_auth").await, 1);

    ps.authorize(B, "乙商户").await;
    let (status, v) = ps.get(&ps.key, "/api/v1/merchants").await;
    assert_eq!(status, 200, "{v}");
    let list = v["merchants"].as_array().unwrap();
    // By name: 乙 (U+4E59) before 甲 (U+7532).
    assert_eq!(list.len(), 2, "{v}");
    assert_eq!(list[0]["appid"], B);
    assert_eq!(list[1]["appid"], A);
    assert_eq!(list[1]["name"], "甲商户");
    assert_eq!(list[1]["principal_name"], "甲商户有限公司");
    assert!(
        list[1]["user_name"].as_str().unwrap().starts_with("gh_"),
        "{v}"
    );
    let at = list[1]["authorized_at"].as_i64().unwrap();
    assert!((at - ps.clock.now()).abs() < 60, "{v}");
    let members: std::collections::BTreeSet<&str> = list[1]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        members,
        [
            "appid",
            "authorized_at",
            "name",
            "principal_name",
            "user_name"
        ]
        .into()
    );

    // A code WeChat never issued, and none at all: the page says why, in both languages.
    let bad = ps
        .http
        .get(format!(
            "{}/platform/callback?auth_code=queryauthcode@@@forged",
            ps.url
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    let html = bad.text().await.unwrap();
    assert!(
        html.contains("授权没有完成") && html.contains("did not complete"),
        "{html}"
    );
    let none = ps
        .http
        .get(format!("{}/platform/callback", ps.url))
        .send()
        .await
        .unwrap();
    assert_eq!(none.status(), 400);
    assert_eq!(ps.merchant_ids(&ps.key).await.len(), 2);
}
on_both!(
    authorization,
    super::a_merchant_authorizes_through_the_link_and_is_listed
);

/// What the platform did for one merchant, with the token the server handed out: a card
/// created, approved by its reviewer, stocked with 10 units bought with its own coins, placed
/// on a QR code of channel 3 that a user scanned.
struct Worked {
    client: coupon_studio::api::ApiClient,
    card: String,
    code: String,
}

async fn work_for(ps: &PlatformServer, appid: &str) -> Worked {
    let client = ps.client(&ps.token_of(appid).await);
    let card = client
        .create_card(&fixture_body(&client, -60, 20 * 86_400).await)
        .await
        .unwrap();
    let admin = ps.admin().for_merchant(appid);
    admin.review(&card, true).await.unwrap();
    client.pay_activate().await.unwrap();
    let before = client.get_coins_info().await.unwrap().total_coin;
    let quote = client.get_pay_price(&card, 10).await.unwrap();
    client.confirm(&card, &quote.order_id, 10).await.unwrap();
    let after = client.get_coins_info().await.unwrap().total_coin;
    assert!(quote.price.0 > 0);
    assert_eq!(before.0 - after.0, quote.price.0, "paid from its own coins");
    let qr = client
        .create_qrcode(&QrRequest {
            card_id: card.clone(),
            expire_seconds: Some(1800),
            is_unique_code: false,
            outer_id: Some(3),
            openid: None,
        })
        .await
        .unwrap();
    let scanned = admin.scan(&json!({"ticket": qr.ticket})).await.unwrap();
    Worked {
        client,
        card,
        code: scanned["code"].as_str().unwrap().to_owned(),
    }
}

async fn each_token_acts_for_its_own_merchant_and_events_keep_to_their_stream(db: Db) {
    let ps = PlatformServer::start(&db).await;
    ps.authorize(A, "甲商户").await;
    ps.authorize(B, "乙商户").await;
    let a = work_for(&ps, A).await;
    let a_balance = a.client.get_coins_info().await.unwrap().total_coin;
    let b = work_for(&ps, B).await;
    assert_eq!(
        a.client.get_coins_info().await.unwrap().total_coin,
        a_balance,
        "B's purchase took nothing from A"
    );
    assert_ne!(a.card, b.card);
    // Neither sees, stocks or redeems the other's: exactly what an unknown id gets.
    for (me, other) in [(&a, &b), (&b, &a)] {
        assert_eq!(me.client.get_card(&me.card).await.unwrap().card_id, me.card);
        let refused = me.client.get_card(&other.card).await.unwrap_err();
        assert_eq!(refused.errcode(), Some(errcode::CARD_ID), "{refused}");
        assert!(me.client.get_pay_price(&other.card, 1).await.is_err());
        assert!(me.client.get_code(None, &other.code, false).await.is_err());
    }
    // The events of each reach its own stream.
    ps.settle().await;
    for (me, other, appid) in [(&a, &b, A), (&b, &a, B)] {
        let events = ps.events(appid).await;
        let kinds: Vec<&str> = events
            .iter()
            .map(|e| e["Event"].as_str().unwrap_or(""))
            .collect();
        assert!(kinds.contains(&"card_pass_check"), "{kinds:?}");
        assert!(kinds.contains(&"card_pay_order"), "{kinds:?}");
        let claim = events
            .iter()
            .find(|e| e["Event"] == "user_get_card")
            .unwrap_or_else(|| panic!("{events:?}"));
        assert_eq!(
            (&claim["CardId"], &claim["OuterId"], &claim["UserCardCode"]),
            (&json!(me.card), &json!(3), &json!(me.code))
        );
        assert!(events.iter().all(|e| e["CardId"] != json!(other.card)));
        let ids: Vec<i64> = events.iter().map(|e| e["id"].as_i64().unwrap()).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
    }
    // No account of its own: no direct stream, no direct token.
    assert_eq!(ps.get(&ps.key, "/api/v1/events").await.0, 404);
    assert_eq!(ps.get(&ps.key, "/api/v1/token").await.0, 404);
}
on_both!(
    tokens_per_merchant,
    super::each_token_acts_for_its_own_merchant_and_events_keep_to_their_stream
);

async fn a_key_limited_to_one_merchant_is_refused_the_others(db: Db) {
    let ps = PlatformServer::start(&db).await;
    ps.authorize(A, "甲商户").await;
    ps.authorize(B, "乙商户").await;
    let only_a = add_scoped_key(&db, "只管甲", &[A]).await;
    assert_eq!(ps.merchant_ids(&only_a).await, vec![A.to_owned()]);
    assert_eq!(ps.token(&only_a, A).await.0, 200);
    for path in [
        format!("/api/v1/token?appid={B}"),
        format!("/api/v1/events?appid={B}"),
        "/api/v1/token".to_owned(),
        "/api/v1/events".to_owned(),
    ] {
        let (status, v) = ps.get(&only_a, &path).await;
        assert_eq!(
            (status, v["errcode"].as_i64()),
            (403, Some(-1)),
            "{path}: {v}"
        );
        assert!(v["errmsg"].as_str().unwrap().contains("may not act"), "{v}");
    }
    // Only a key for every merchant may bring in a new one.
    assert_eq!(ps.link(&only_a).await.0, 403);
    // A merchant nobody authorized: 404 with a key that may act for anyone.
    assert_eq!(ps.token(&ps.key, "wxnobody000000001").await.0, 404);
    assert_eq!(
        ps.get(&ps.key, "/api/v1/events?appid=wxnobody000000001")
            .await
            .0,
        404
    );
    // Not an AppID: 400, not echoed.
    let (status, v) = ps.get(&ps.key, "/api/v1/token?appid=%3Cscript%3E").await;
    assert_eq!(status, 400, "{v}");
    assert!(!v.to_string().contains("script"), "{v}");
    // A wrong key is still 401.
    assert_eq!(ps.token("csk_wrong", A).await.0, 401);
}
on_both!(
    limited_keys,
    super::a_key_limited_to_one_merchant_is_refused_the_others
);

async fn tokens_are_refreshed_before_they_expire_once_however_many_ask(db: Db) {
    let ps = PlatformServer::start(&db).await;
    ps.authorize(A, "甲商户").await;
    let (_, first) = ps.token(&ps.key, A).await;
    let t1 = first["access_token"].as_str().unwrap().to_owned();
    let life = first["expires_in"].as_i64().unwrap();
    assert!(
        (6800..=6900).contains(&life),
        "handed out 5 minutes short: {first}"
    );
    assert_eq!(ps.token_of(A).await, t1, "kept, not asked again");
    assert_eq!(ps.calls("/cgi-bin/component/api_authorizer_token").await, 0);

    // 105 minutes later: 15 minutes left, within the refresh margin (20 minutes).
    ps.advance(6300).await;
    let asks: Vec<_> = (0..8)
        .map(|_| {
            let http = ps.http.clone();
            let url = format!("{}/api/v1/token?appid={A}", ps.url);
            let key = ps.key.clone();
            tokio::spawn(async move {
                let v: serde_json::Value = http
                    .get(url)
                    .bearer_auth(key)
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                v
            })
        })
        .collect();
    let mut tokens = std::collections::BTreeSet::new();
    for ask in asks {
        let v = ask.await.unwrap();
        assert!(v["expires_in"].as_i64().unwrap() > 6800, "{v}");
        tokens.insert(v["access_token"].as_str().unwrap().to_owned());
    }
    assert_eq!(tokens.len(), 1, "every caller got the one new token");
    let t2 = tokens.into_iter().next().unwrap();
    assert_ne!(t2, t1);
    assert_eq!(ps.calls("/cgi-bin/component/api_authorizer_token").await, 1);
    // The component token had 15 minutes left too: renewed once, from the kept ticket.
    assert_eq!(ps.calls("/cgi-bin/component/api_component_token").await, 2);
    // The new token works on the card API, for A.
    let a = ps.client(&t2);
    a.create_card(&fixture_body(&a, -60, 86_400).await)
        .await
        .unwrap();
}
on_both!(
    refresh,
    super::tokens_are_refreshed_before_they_expire_once_however_many_ask
);

async fn the_background_task_refreshes_tokens_nobody_asked_for(db: Db) {
    let ps = PlatformServer::start_with(&db, std::time::Duration::from_millis(100)).await;
    ps.authorize(A, "甲商户").await;
    let t1 = ps.token_of(A).await;
    ps.advance(6300).await;
    ps.wait_until("a refresh by the background task", || async {
        ps.calls("/cgi-bin/component/api_authorizer_token").await >= 1
    })
    .await;
    let t2 = ps.token_of(A).await;
    assert_ne!(t1, t2);
    assert_eq!(ps.calls("/cgi-bin/component/api_authorizer_token").await, 1);
    ps.client(&t2).get_colors().await.unwrap();
}
on_both!(
    background_refresh,
    super::the_background_task_refreshes_tokens_nobody_asked_for
);

async fn a_revoked_merchant_is_gone_within_one_event(db: Db) {
    let ps = PlatformServer::start(&db).await;
    ps.authorize(A, "甲商户").await;
    ps.authorize(B, "乙商户").await;
    let before = ps.events(A).await.len();
    ps.admin().revoke(A).await.unwrap();
    ps.settle().await;
    let events = ps.events(A).await;
    assert_eq!(events.len(), before + 1, "{events:?}");
    let last = events.last().unwrap();
    assert_eq!(last["InfoType"], "unauthorized", "{last}");
    assert_eq!(last["AuthorizerAppid"], A);
    assert_eq!(ps.merchant_ids(&ps.key).await, vec![B.to_owned()]);
    let (status, v) = ps.token(&ps.key, A).await;
    assert_eq!((status, v["errcode"].as_i64()), (404, Some(-1)), "{v}");
    assert_eq!(ps.token(&ps.key, B).await.0, 200);
    // Authorized again: back, with new tokens, and its stream goes on.
    ps.authorize(A, "甲商户").await;
    assert_eq!(ps.merchant_ids(&ps.key).await.len(), 2);
    ps.client(&ps.token_of(A).await).get_colors().await.unwrap();
    assert!(ps.events(A).await.len() > before);
}
on_both!(
    revocation,
    super::a_revoked_merchant_is_gone_within_one_event
);

async fn a_revocation_missed_while_down_is_caught_from_wechats_list(db: Db) {
    let mut ps = PlatformServer::start(&db).await;
    ps.authorize(A, "甲商户").await;
    ps.authorize(B, "乙商户").await;
    // The server goes down; A withdraws meanwhile (the push fails and is given up).
    ps.stop().await;
    ps.admin().revoke(A).await.unwrap();
    ps.settle().await;
    // Back up (another instance, on the same data): at start it compares the merchants with
    // WeChat's list.
    ps.restart(std::time::Duration::from_millis(100)).await;
    ps.wait_until("A gone from the list", || async {
        ps.merchant_ids(&ps.key).await == vec![B.to_owned()]
    })
    .await;
    let last = ps.events(A).await.last().cloned().unwrap();
    assert_eq!(
        (&last["InfoType"], &last["AuthorizerAppid"], &last["AppId"]),
        (&json!("unauthorized"), &json!(A), &json!(COMPONENT_APPID)),
        "{last}"
    );
    assert_eq!(ps.token(&ps.key, A).await.0, 404);
    assert_eq!(ps.token(&ps.key, B).await.0, 200);
}
on_both!(
    catch_up,
    super::a_revocation_missed_while_down_is_caught_from_wechats_list
);
