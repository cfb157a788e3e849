//! The open platform's secrets at rest and across instances: neither the database file nor a
//! dump shows a refresh token, an authorizer or component token, a verify ticket or the
//! platform's AppSecret; a wrong master key stops the server at start; two instances on one
//! PostgreSQL share the ticket and the tokens, and refresh each once.

use std::collections::BTreeSet;
use std::time::Duration;

use coupon_studio::server::ServerError;
use coupon_studio::server::platform::PlatformStartError;
use coupon_studio::server::platform::seal::MasterKey;
use coupon_studio::server::spawn;
use serde_json::{Value, json};

use crate::support::platform::{COMPONENT_APPID, COMPONENT_SECRET};
use crate::support::platform_server::{PlatformServer, config, instance};
use crate::support::server::*;

const A: &str = "wxmerchantaaaa0001";

/// What the simulator gives a platform for the authorization code `code`: a component token
/// of the test's own, then `api_query_auth` (the refresh token is the grant's).
async fn exchange_again(ps: &PlatformServer, code: &str) -> Value {
    let shown = ps.admin().platform().await.unwrap();
    let ticket = shown["verify_ticket"]["ticket"]
        .as_str()
        .unwrap()
        .to_owned();
    let post = |path: &str, query: String, body: Value| {
        let url = format!("{}{path}{query}", ps.sim_url);
        let http = ps.http.clone();
        async move {
            http.post(url)
                .json(&body)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let t = post(
        "/cgi-bin/component/api_component_token",
        String::new(),
        json!({"component_appid": COMPONENT_APPID, "component_appsecret": COMPONENT_SECRET,
               "component_verify_ticket": ticket}),
    )
    .await;
    let ctoken = t["component_access_token"].as_str().unwrap();
    let v = post(
        "/cgi-bin/component/api_query_auth",
        format!("?component_access_token={ctoken}"),
        json!({"component_appid": COMPONENT_APPID, "authorization_code": code}),
    )
    .await;
    json!({"ticket": ticket, "answer": v})
}

async fn no_secret_is_readable_in_the_database(db: Db) {
    let ps = PlatformServer::start(&db).await;
    let done = ps.authorize(A, "甲商户").await;
    let served = ps.token_of(A).await;
    let again = exchange_again(&ps, done["auth_code"].as_str().unwrap()).await;
    let info = &again["answer"]["authorization_info"];
    let refresh = info["authorizer_refresh_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let ticket = again["ticket"].as_str().unwrap().to_owned();
    assert!(refresh.len() > 20 && ticket.len() > 20, "{again}");
    // Now the server refreshes (its token was cut short by the exchange above): the new token
    // and the refresh token it used are in the database too, sealed.
    ps.advance(6300).await;
    let refreshed = ps.token_of(A).await;
    assert_ne!(refreshed, served);
    let raw = db.raw_text().await;
    // Not vacuous: the merchant's row and sealed values are there.
    assert!(
        raw.contains(A) && raw.contains("甲商户") && raw.contains("v1:"),
        "{}",
        db.kind
    );
    for (what, secret) in [
        ("refresh token", refresh.as_str()),
        ("authorizer token", served.as_str()),
        ("refreshed authorizer token", refreshed.as_str()),
        ("verify ticket", ticket.as_str()),
        ("component secret", COMPONENT_SECRET),
        ("master key", &ps.master.to_hex()),
    ] {
        assert!(
            !raw.contains(secret),
            "the {what} is readable in the {} database",
            db.kind
        );
    }
}
on_both!(sealed_at_rest, super::no_secret_is_readable_in_the_database);

async fn a_wrong_master_key_is_refused_at_start(db: Db) {
    let mut ps = PlatformServer::start(&db).await;
    ps.authorize(A, "甲商户").await;
    ps.stop().await;
    let wrong = MasterKey::generate();
    let refused = spawn(config(
        &db,
        &ps.sim_url,
        &wrong,
        &ps.clock,
        Duration::from_secs(3600),
    ))
    .await
    .err()
    .expect("refused");
    assert!(
        matches!(
            refused,
            ServerError::Platform(PlatformStartError::MasterKey(_))
        ),
        "{refused}"
    );
    let text = refused.to_string();
    assert!(
        text.contains("master key") && text.contains("does not open"),
        "{text}"
    );
    assert!(!text.contains(&wrong.to_hex()) && !text.contains(&ps.master.to_hex()));
    // The right key still opens everything.
    ps.restart(Duration::from_secs(3600)).await;
    ps.client(&ps.token_of(A).await).get_colors().await.unwrap();
}
on_both!(
    wrong_master_key,
    super::a_wrong_master_key_is_refused_at_start
);

/// GETs (or POSTs) `path` on every URL of `urls`, `n` times each, all at once; the answers.
async fn at_once(
    ps: &PlatformServer,
    urls: &[String],
    path: &str,
    post: bool,
    n: usize,
) -> Vec<(u16, Value)> {
    let mut asks = tokio::task::JoinSet::new();
    for base in urls {
        for _ in 0..n {
            let url = format!("{base}{path}");
            let http = ps.http.clone();
            let key = ps.key.clone();
            asks.spawn(async move {
                let req = if post { http.post(url) } else { http.get(url) };
                let r = req.bearer_auth(key).send().await.unwrap();
                (r.status().as_u16(), r.json::<Value>().await.unwrap())
            });
        }
    }
    let mut out = Vec::new();
    while let Some(a) = asks.join_next().await {
        out.push(a.unwrap());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_the_ticket_and_tokens_and_refresh_each_once() {
    let Some(db) = Db::postgres().await else {
        return;
    };
    // The simulator pushes to the first instance only.
    let ps = PlatformServer::start(&db).await;
    let (second, second_url) = instance(config(
        &db,
        &ps.sim_url,
        &ps.master,
        &ps.clock,
        Duration::from_secs(3600),
    ))
    .await;
    let urls = [ps.url.clone(), second_url.clone()];
    // The second never received a ticket: it uses the one the first kept; one token for both.
    let links = at_once(&ps, &urls, "/api/v1/authorizations", true, 4).await;
    assert!(links.iter().all(|(s, _)| *s == 200), "{links:?}");
    assert_eq!(ps.calls("/cgi-bin/component/api_component_token").await, 1);
    ps.authorize(A, "甲商户").await;
    // Near expiry, both instances asked at once: one refresh of each token.
    ps.advance(6300).await;
    let answers = at_once(&ps, &urls, &format!("/api/v1/token?appid={A}"), false, 6).await;
    let tokens: BTreeSet<&str> = answers
        .iter()
        .map(|(s, v)| {
            assert_eq!(*s, 200, "{v}");
            v["access_token"].as_str().unwrap()
        })
        .collect();
    assert_eq!(tokens.len(), 1, "{answers:?}");
    assert_eq!(ps.calls("/cgi-bin/component/api_authorizer_token").await, 1);
    assert_eq!(ps.calls("/cgi-bin/component/api_component_token").await, 2);
    // Both list the merchant; a revocation pushed to the first is seen by the second.
    ps.admin().revoke(A).await.unwrap();
    ps.settle().await;
    let r = ps
        .http
        .get(format!("{second_url}/api/v1/token?appid={A}"))
        .bearer_auth(&ps.key)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    drop(second);
    db.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_merchants_refreshing_at_once_leave_connections_for_pushes() {
    let Some(db) = Db::postgres().await else {
        return;
    };
    // More merchants than the pool has connections (16): each refresh holds a lock while it
    // reads and writes.
    let ps = PlatformServer::start(&db).await;
    let merchants: Vec<String> = (0..24).map(|i| format!("wxmanymerchant{i:04}")).collect();
    for (i, m) in merchants.iter().enumerate() {
        ps.authorize(m, &format!("商户{i:02}")).await;
    }
    ps.advance(6300).await;
    let mut asks = tokio::task::JoinSet::new();
    for m in &merchants {
        let (http, key) = (ps.http.clone(), ps.key.clone());
        let url = format!("{}/api/v1/token?appid={m}", ps.url);
        asks.spawn(async move {
            let r = http.get(url).bearer_auth(key).send().await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        });
    }
    // Meanwhile a card event of a merchant is pushed: stored and answered within WeChat's 5 s.
    let started = std::time::Instant::now();
    let c = coupon_studio::wxpush::PushCrypto::new(
        crate::support::platform::COMPONENT_TOKEN,
        crate::support::platform::COMPONENT_AES_KEY,
        COMPONENT_APPID,
    )
    .unwrap();
    let at = now();
    let (url, body) = safe_with("", &c, &claim("many-1", 5, at), at);
    let pushed = ps
        .http
        .post(format!(
            "{}/wechat/{}{}",
            ps.url,
            merchants[0],
            url.trim_start_matches("/wechat")
        ))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(pushed.status(), 200);
    assert_eq!(pushed.text().await.unwrap(), "success");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    while let Some(answer) = asks.join_next().await {
        let (status, body) = answer.unwrap();
        assert_eq!(status, 200, "{body}");
    }
    assert_eq!(
        ps.events(&merchants[0]).await.last().unwrap()["UserCardCode"],
        "many-1"
    );
    assert_eq!(
        ps.calls("/cgi-bin/component/api_authorizer_token").await,
        merchants.len() as u64
    );
    db.cleanup().await;
}
