//! The simulator plays WeChat's open platform (issue 20, point 2): verify tickets pushed
//! every 10 simulated minutes to the authorization event URL, the component token and its
//! refusals, the authorization page scanned by a merchant's admin, the authorization code
//! exchanged for authorizer tokens, refreshed, listed, and revoked; and an authorized
//! merchant's card events at the platform's message URL. Every push is checked by the test
//! receiver with `wxpush` and the platform's keys.

use coupon_studio::api::AuthorizeScan;
use coupon_studio::errcode;
use coupon_studio::sandbox::{SandboxConfig, original_id, spawn};
use serde_json::{Value, json};

use crate::support::fixture_body;
use crate::support::platform::{COMPONENT_APPID, COMPONENT_SECRET, Platform};

const TOKEN_PATH: &str = "/cgi-bin/component/api_component_token";

fn errcode(v: &Value) -> i64 {
    v["errcode"].as_i64().unwrap_or(0)
}

/// The pushes of `event` in the simulator's push record (`/sandbox/pushes`), oldest first.
fn recorded<'a>(record: &'a Value, event: &str) -> Vec<&'a Value> {
    record["pushes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["event"] == event)
        .collect()
}

#[tokio::test]
async fn verify_tickets_arrive_every_ten_simulated_minutes_and_open_with_the_platforms_keys() {
    let p = Platform::start().await;
    let admin = p.admin();
    // The first at start.
    p.r.wait_event("component_verify_ticket").await;
    let first = p.tickets().remove(0);
    let start = first.json()["CreateTime"].as_i64().unwrap();
    assert_eq!(first.mode, "safe", "always encrypted");
    assert_eq!(first.path, "/auth");
    assert_eq!(first.get("AppId"), COMPONENT_APPID);
    assert_eq!(
        first.query.get("encrypt_type").map(String::as_str),
        Some("aes")
    );
    assert!(!first.query.contains_key("openid"), "{:?}", first.query);
    assert!(first.get("ComponentVerifyTicket").starts_with("ticket@@@"));
    // Not before ten minutes of the simulated clock …
    let now = admin
        .advance(590 - (admin.now().await.unwrap() - start))
        .await
        .unwrap();
    assert!(now < start + 600);
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(p.tickets().len(), 1, "none before ten minutes");
    // … then one each ten minutes.
    for n in 2..=3 {
        let now = admin.advance(600).await.unwrap();
        p.r.wait_hits(n).await;
        let all = p.tickets();
        assert_eq!(all.len(), n);
        let last = all.last().unwrap();
        let at = last.json()["CreateTime"].as_i64().unwrap();
        assert!((now - 1..=now + 1).contains(&at), "{at} vs {now}");
        assert_ne!(
            last.get("ComponentVerifyTicket"),
            all[n - 2].get("ComponentVerifyTicket")
        );
    }
    // The admin API shows the current one, and records each push with the platform's AppID.
    let shown = admin.platform().await.unwrap();
    assert_eq!(
        shown["verify_ticket"]["ticket"],
        p.tickets().last().unwrap().get("ComponentVerifyTicket")
    );
    assert_eq!(shown["component"]["component_appid"], COMPONENT_APPID);
    let record = admin.pushes(0).await.unwrap();
    let tickets = recorded(&record, "component_verify_ticket");
    assert_eq!(tickets.len(), 3);
    assert!(tickets.iter().all(|r| r["appid"] == COMPONENT_APPID));
    // Nothing shown anywhere carries the platform's secret or keys.
    let shown = format!("{shown}{record}");
    for secret in [
        COMPONENT_SECRET,
        crate::support::platform::COMPONENT_TOKEN,
        crate::support::platform::COMPONENT_AES_KEY,
    ] {
        assert!(!shown.contains(secret));
    }
}

#[tokio::test]
async fn the_component_token_needs_the_secret_and_a_ticket_the_simulator_pushed() {
    let p = Platform::start().await;
    let ticket = p.ticket().await;
    let ask = |appid: &str, secret: Option<&str>, ticket: &str| {
        let mut body = json!({"component_appid": appid, "component_verify_ticket": ticket});
        if let Some(s) = secret {
            body["component_appsecret"] = json!(s);
        }
        p.post(TOKEN_PATH, None, body)
    };
    let cases = [
        (
            ask("wxother", Some(COMPONENT_SECRET), &ticket).await,
            errcode::APPID,
        ),
        (
            ask(COMPONENT_APPID, None, &ticket).await,
            errcode::APPSECRET_MISSING,
        ),
        (
            ask(COMPONENT_APPID, Some("wrong"), &ticket).await,
            errcode::SECRET,
        ),
        (
            ask(COMPONENT_APPID, Some(COMPONENT_SECRET), "ticket@@@never").await,
            errcode::COMPONENT_TICKET_INVALID,
        ),
    ];
    for (answer, want) in &cases {
        assert_eq!(errcode(answer), *want, "{answer}");
        assert!(answer.get("component_access_token").is_none());
    }
    let good = ask(COMPONENT_APPID, Some(COMPONENT_SECRET), &ticket).await;
    assert_eq!(good["expires_in"], 7200, "{good}");
    assert!(
        good.get("errcode").is_none(),
        "a bare answer, as WeChat's: {good}"
    );
    let token = good["component_access_token"].as_str().unwrap().to_owned();
    // The component token dies after its 2 hours; the other paths say so, and refuse a
    // missing, an unknown, or a merchant's own access token.
    p.admin().advance(7200).await.unwrap();
    let preauth = "/cgi-bin/component/api_create_preauthcode";
    let body = json!({ "component_appid": COMPONENT_APPID });
    let expired = p.post(preauth, Some(&token), body.clone()).await;
    assert_eq!(errcode(&expired), errcode::TOKEN_EXPIRED, "{expired}");
    // A ticket 12 hours old is expired; newer ones keep coming.
    p.admin().advance(12 * 3600 - 7200).await.unwrap();
    let old = ask(COMPONENT_APPID, Some(COMPONENT_SECRET), &ticket).await;
    assert_eq!(errcode(&old), errcode::COMPONENT_TICKET_EXPIRED, "{old}");
    let none = p.post(preauth, None, body.clone()).await;
    assert_eq!(errcode(&none), errcode::TOKEN_MISSING);
    let unknown = p.post(preauth, Some("CMP_nope"), body.clone()).await;
    assert_eq!(errcode(&unknown), errcode::TOKEN_INVALID);
    let own: Value = p
        .http
        .get(format!(
            "{}/cgi-bin/token?grant_type=client_credential&appid=wx1&secret=s",
            p.base
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let own = own["access_token"].as_str().unwrap();
    let wrong_kind = p.post(preauth, Some(own), body.clone()).await;
    assert_eq!(errcode(&wrong_kind), errcode::COMPONENT_TOKEN_REQUIRED);
    // And a component token is no access token for the card API.
    let fresh = p.component_token().await;
    let card_call = p.wechat(
        "/card/batchget",
        &fresh,
        Some(json!({"offset": 0, "count": 5})),
    );
    assert_eq!(errcode(&card_call.await), errcode::TOKEN_INVALID);
    // The newer documents' `?access_token=` works as well as `component_access_token`.
    let newer = p.wechat(preauth, &fresh, Some(body.clone())).await;
    assert_eq!(newer["expires_in"], 1800, "{newer}");
}

#[tokio::test]
async fn without_a_platform_the_component_api_answers_61011() {
    let h = spawn(SandboxConfig::default()).await.unwrap();
    let v: Value = reqwest::Client::new()
        .post(format!("{}{TOKEN_PATH}", h.url()))
        .json(&json!({"component_appid": "wxc", "component_appsecret": "s", "component_verify_ticket": "t"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(errcode(&v), errcode::COMPONENT_INVALID, "{v}");
    // Nor can a merchant authorize a platform nobody plays.
    let admin = coupon_studio::api::SandboxAdmin::with_http(reqwest::Client::new(), &h.url());
    let scan = AuthorizeScan {
        pre_auth_code: "preauthcode@@@x",
        ..AuthorizeScan::default()
    };
    assert!(admin.authorize(&scan).await.is_err());
}

#[tokio::test]
async fn a_merchant_scans_the_page_and_the_platform_gets_tokens_it_can_refresh() {
    let p = Platform::start().await;
    let admin = p.admin();
    let ctoken = p.component_token().await;
    let pre = p.preauth(&ctoken).await;
    // The admin scans the page the platform made, with its redirect; the simulator then
    // opens the redirect as the browser would.
    let redirect = format!("{}/callback?state=42", p.r.base);
    let scan = AuthorizeScan {
        pre_auth_code: &pre,
        appid: Some("wxmerchanta0000001"),
        name: Some("甲店"),
        redirect_uri: Some(&redirect),
        ..AuthorizeScan::default()
    };
    let now = admin.now().await.unwrap();
    let done = admin.authorize(&scan).await.unwrap();
    assert_eq!(done.appid, "wxmerchanta0000001");
    assert_eq!(done.user_name, original_id("wxmerchanta0000001"));
    assert_eq!(
        (done.outcome.as_str(), done.expires_in),
        ("authorized", 600)
    );
    assert_eq!(done.redirect_status, Some(200));
    let visit = p.r.visits().pop().unwrap();
    assert!(
        visit.starts_with("/callback?state=42&auth_code=")
            && visit.ends_with("&expires_in=600")
            && visit.contains(&done.auth_code.replace('@', "%40")),
        "{visit}"
    );
    // The `authorized` event carries the same code.
    let event = p.r.wait_event("authorized").await;
    assert_eq!(event.get("AuthorizerAppid"), "wxmerchanta0000001");
    assert_eq!(event.get("AuthorizationCode"), done.auth_code);
    assert_eq!(event.get("PreAuthCode"), pre);
    let expires = event.json()["AuthorizationCodeExpiredTime"]
        .as_i64()
        .unwrap();
    assert!(
        (now + 600..=now + 602).contains(&expires),
        "{expires} vs {now}"
    );
    // A pre_auth_code serves one scan.
    let again = admin.authorize(&scan).await.unwrap_err().to_string();
    assert!(again.contains("used already"), "{again}");
    // The code, exchanged (twice: the callback page and the event handler both do).
    let v = p.query_auth(&ctoken, &done.auth_code).await;
    let info = &v["authorization_info"];
    assert_eq!(info["authorizer_appid"], "wxmerchanta0000001");
    assert_eq!(info["expires_in"], 7200);
    let funcs: Vec<i64> = info["func_info"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["funcscope_category"]["id"].as_i64().unwrap())
        .collect();
    assert!(funcs.contains(&8), "the card permission set: {funcs:?}");
    let token = info["authorizer_access_token"].as_str().unwrap().to_owned();
    let refresh = info["authorizer_refresh_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let second = p.query_auth(&ctoken, &done.auth_code).await;
    assert_eq!(
        second["authorization_info"]["authorizer_refresh_token"],
        refresh.as_str()
    );
    let unknown = p.query_auth(&ctoken, "queryauthcode@@@nope").await;
    assert_eq!(errcode(&unknown), errcode::COMPONENT_CODE_INVALID);
    // The token works on the card API for its merchant.
    let list = p
        .wechat(
            "/card/batchget",
            &token,
            Some(json!({"offset": 0, "count": 10})),
        )
        .await;
    assert_eq!(
        (errcode(&list), list["total_num"].as_i64()),
        (0, Some(0)),
        "{list}"
    );
    // Refresh: a new token with the same refresh token; a wrong one is refused.
    let refresh_path = "/cgi-bin/component/api_authorizer_token";
    let ask = |r: &str| {
        p.post(
            refresh_path,
            Some(&ctoken),
            json!({"component_appid": COMPONENT_APPID, "authorizer_appid": "wxmerchanta0000001", "authorizer_refresh_token": r}),
        )
    };
    let wrong = ask("refreshtoken@@@nope").await;
    assert_eq!(errcode(&wrong), errcode::REFRESH_TOKEN_INVALID);
    let renewed = ask(&refresh).await;
    assert_eq!(
        renewed["authorizer_refresh_token"],
        refresh.as_str(),
        "{renewed}"
    );
    assert_eq!(renewed["expires_in"], 7200);
    let new_token = renewed["authorizer_access_token"].as_str().unwrap();
    assert_ne!(new_token, token);
    for t in [new_token, token.as_str()] {
        let v = p.wechat("/card/pay/getcoinsinfo", t, None).await;
        assert_eq!(errcode(&v), 0, "the older one keeps its grace period: {v}");
    }
    // Ten minutes on, the code has expired; the old token died after its 5-minute grace.
    admin.advance(600).await.unwrap();
    let late = p.query_auth(&ctoken, &done.auth_code).await;
    assert_eq!(errcode(&late), errcode::COMPONENT_CODE_EXPIRED);
    let old = p.wechat("/card/pay/getcoinsinfo", &token, None).await;
    assert_eq!(errcode(&old), errcode::TOKEN_EXPIRED, "{old}");
    // The merchant, as the platform reads it.
    let v = p
        .post(
            "/cgi-bin/component/api_get_authorizer_info",
            Some(&ctoken),
            json!({"component_appid": COMPONENT_APPID, "authorizer_appid": "wxmerchanta0000001"}),
        )
        .await;
    let who = &v["authorizer_info"];
    assert_eq!(who["nick_name"], "甲店", "{v}");
    assert_eq!(who["user_name"], original_id("wxmerchanta0000001"));
    assert_eq!(who["principal_name"], "甲店有限公司");
    assert_eq!(who["business_info"]["open_card"], 1);
    assert_eq!(
        v["authorization_info"]["authorizer_appid"],
        "wxmerchanta0000001"
    );
    assert!(
        v["authorization_info"]
            .get("authorizer_refresh_token")
            .is_none()
    );
    let stranger = p
        .post(
            "/cgi-bin/component/api_get_authorizer_info",
            Some(&ctoken),
            json!({"component_appid": COMPONENT_APPID, "authorizer_appid": "wx1"}),
        )
        .await;
    assert_eq!(errcode(&stranger), errcode::COMPONENT_UNAUTHORIZED);
}

#[tokio::test]
async fn the_list_pages_the_authorizers_and_a_changed_grant_is_pushed_as_an_update() {
    let p = Platform::start().await;
    let admin = p.admin();
    let ctoken = p.component_token().await;
    let a = p.authorize(&ctoken, "wxlista00000000001", "甲").await;
    admin.advance(5).await.unwrap();
    let b = p.authorize(&ctoken, "wxlistb00000000001", "乙").await;
    let list = |offset: i64, count: i64| {
        p.post(
            "/cgi-bin/component/api_get_authorizer_list",
            Some(&ctoken),
            json!({"component_appid": COMPONENT_APPID, "offset": offset, "count": count}),
        )
    };
    let all = list(0, 500).await;
    assert_eq!(all["total_count"], 2, "{all}");
    let ids: Vec<&str> = all["list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["authorizer_appid"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [a.appid.as_str(), b.appid.as_str()],
        "in the order they authorized"
    );
    assert!(
        all["list"][0]["auth_time"].as_i64().unwrap()
            < all["list"][1]["auth_time"].as_i64().unwrap()
    );
    // No refresh token in the list: real answers carry none.
    assert!(all["list"][0].get("refresh_token").is_none());
    let page = list(1, 1).await;
    assert_eq!(page["list"].as_array().unwrap().len(), 1);
    assert_eq!(page["list"][0]["authorizer_appid"], b.appid.as_str());
    // The same merchant grants fewer permission sets: `updateauthorized`, a new refresh
    // token, and without the card set its tokens get 48001.
    let pre = p.preauth(&ctoken).await;
    let scan = AuthorizeScan {
        pre_auth_code: &pre,
        appid: Some(&a.appid),
        func_info: Some(&[1, 2]),
        ..AuthorizeScan::default()
    };
    let updated = admin.authorize(&scan).await.unwrap();
    assert_eq!(updated.outcome, "updateauthorized");
    let event = p.r.wait_event("updateauthorized").await;
    assert_eq!(event.get("AuthorizationCode"), updated.auth_code);
    let v = p.query_auth(&ctoken, &updated.auth_code).await;
    let token = v["authorization_info"]["authorizer_access_token"]
        .as_str()
        .unwrap();
    let refused = p.wechat("/card/pay/getcoinsinfo", token, None).await;
    assert_eq!(errcode(&refused), errcode::API_UNAUTHORIZED, "{refused}");
    assert_ne!(
        v["authorization_info"]["authorizer_refresh_token"],
        a.refresh.as_str()
    );
    // The same grant again: nothing is pushed (WeChat's rule), but a new code is given.
    let pre = p.preauth(&ctoken).await;
    let same = AuthorizeScan {
        pre_auth_code: &pre,
        appid: Some(&a.appid),
        func_info: Some(&[1, 2]),
        ..AuthorizeScan::default()
    };
    assert_eq!(admin.authorize(&same).await.unwrap().outcome, "unchanged");
    admin.advance(1).await.unwrap();
    assert_eq!(
        p.r.got()
            .iter()
            .filter(|g| g.event() == "updateauthorized")
            .count(),
        1
    );
}

#[tokio::test]
async fn revoking_kills_the_tokens_the_refresh_token_and_the_code() {
    let p = Platform::start().await;
    let admin = p.admin();
    let ctoken = p.component_token().await;
    let m = p.authorize(&ctoken, "wxrevoke0000000001", "丙").await;
    let client = p.client(&m);
    let card = client
        .create_card(&fixture_body(&client, 86_400, 20 * 86_400).await)
        .await
        .unwrap();
    admin.revoke(&m.appid).await.unwrap();
    let event = p.r.wait_event("unauthorized").await;
    assert_eq!(event.get("AuthorizerAppid"), m.appid);
    assert_eq!(event.get("AuthorizationCode"), "");
    // The token is unknown from now on, the refresh token refused, the merchant unlisted.
    let v = p
        .wechat("/card/get", &m.token, Some(json!({ "card_id": card })))
        .await;
    assert_eq!(errcode(&v), errcode::TOKEN_INVALID, "{v}");
    let r = p
        .post(
            "/cgi-bin/component/api_authorizer_token",
            Some(&ctoken),
            json!({"component_appid": COMPONENT_APPID, "authorizer_appid": m.appid, "authorizer_refresh_token": m.refresh}),
        )
        .await;
    assert_eq!(errcode(&r), errcode::COMPONENT_UNAUTHORIZED, "{r}");
    let list = p
        .post(
            "/cgi-bin/component/api_get_authorizer_list",
            Some(&ctoken),
            json!({"component_appid": COMPONENT_APPID, "offset": 0, "count": 10}),
        )
        .await;
    assert_eq!(list["total_count"], 0);
    assert!(admin.revoke(&m.appid).await.is_err(), "revoked once");
    // The merchant and its card stay; authorizing again gives a new refresh token, and the
    // old one stays dead.
    let again = p.authorize(&ctoken, &m.appid, "丙").await;
    assert_ne!(again.refresh, m.refresh);
    let v = p
        .wechat("/card/get", &again.token, Some(json!({ "card_id": card })))
        .await;
    assert_eq!(errcode(&v), 0, "{v}");
    let old = p
        .post(
            "/cgi-bin/component/api_authorizer_token",
            Some(&ctoken),
            json!({"component_appid": COMPONENT_APPID, "authorizer_appid": m.appid, "authorizer_refresh_token": m.refresh}),
        )
        .await;
    assert_eq!(errcode(&old), errcode::REFRESH_TOKEN_INVALID);
}

#[tokio::test]
async fn an_authorized_merchants_card_events_reach_the_message_url_with_its_appid() {
    let p = Platform::start().await;
    let ctoken = p.component_token().await;
    let a = p.authorize(&ctoken, "wxmsga000000000001", "甲").await;
    let b = p.authorize(&ctoken, "wxmsgb000000000001", "乙").await;
    for m in [&a, &b] {
        let client = p.client(m);
        let id = client
            .create_card(&fixture_body(&client, 86_400, 20 * 86_400).await)
            .await
            .unwrap();
        p.admin()
            .for_merchant(&m.appid)
            .review(&id, true)
            .await
            .unwrap();
        let got =
            p.r.wait_for("card_pass_check", |g| g.get("CardId") == id)
                .await;
        assert_eq!(got.mode, "safe");
        assert_eq!(got.path, format!("/msg/{}/cb", m.appid));
        assert_eq!(got.get("ToUserName"), original_id(&m.appid));
        assert!(got.query.contains_key("openid"));
        // The coins of its wallet too, to the same place.
        client.pay_activate().await.unwrap();
        let order =
            p.r.wait_for("card_pay_order", |g| {
                g.path == format!("/msg/{}/cb", m.appid)
            })
            .await;
        assert_eq!(order.get("ToUserName"), original_id(&m.appid));
    }
    // The default merchant did not authorize the platform: nothing of it goes there.
    let own = crate::support::setup_client(&p.base);
    own.pay_activate().await.unwrap();
    p.admin().advance(1).await.unwrap();
    let orders =
        p.r.got()
            .iter()
            .filter(|g| g.event() == "card_pay_order")
            .count();
    assert_eq!(
        orders, 2,
        "one per platform merchant, none for the default one"
    );
    let record = p.admin().pushes(0).await.unwrap();
    let pushed = recorded(&record, "card_pass_check");
    assert_eq!(pushed.len(), 2);
    assert_eq!(pushed[0]["appid"], a.appid.as_str());
    assert_eq!(pushed[1]["appid"], b.appid.as_str());
}
