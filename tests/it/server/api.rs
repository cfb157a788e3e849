//! `/api/v1/*` on both backends: a key is required (wrong and revoked ones get 401), events
//! page oldest first with `since` and a clamped `limit`; the token comes from the
//! simulator's stable_token with the server's AppSecret, once, and WeChat's refusals keep
//! their errcode. `/healthz` needs no key.

use std::time::Duration;

use coupon_studio::api::SandboxAdmin;
use coupon_studio::sandbox::{SandboxConfig, spawn as spawn_sandbox};
use coupon_studio::server::spawn;
use serde_json::Value;

use crate::support::server::*;

async fn a_key_is_required_and_revocation_takes_effect(db: Db) {
    let (server, key) = server(&db).await;
    let http = reqwest::Client::new();
    let base = server.url();
    assert_eq!(events(&http, &base, &key, "").await.0, 200);
    let r = http
        .get(format!("{base}/api/v1/events"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(r.headers()["www-authenticate"], "Bearer");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["errcode"], -1);
    assert_eq!(events(&http, &base, "csk_wrong", "").await.0, 401);
    assert_eq!(events(&http, &base, &format!("{key}x"), "").await.0, 401);
    let token = http
        .get(format!("{base}/api/v1/token"))
        .bearer_auth("csk_wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(token.status(), 401);
    // Revoked while the server runs (as `server revoke-key` does from another process).
    assert!(db.open().await.revoke_key("测试".into(), 1).await.unwrap());
    assert_eq!(events(&http, &base, &key, "").await.0, 401);
    // The health check needs no key.
    let health = http.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    assert_eq!(health.text().await.unwrap(), "ok");
}
on_both!(keys, super::a_key_is_required_and_revocation_takes_effect);

async fn pages_follow_since_and_limit(db: Db) {
    let (server, key) = server(&db).await;
    let http = reqwest::Client::new();
    let base = server.url();
    let at = now();
    for i in 0..25 {
        let (s, _) = post(&http, plain(&base, &claim(&format!("c{i}"), i, at), at)).await;
        assert_eq!(s, 200);
    }
    let (_, first) = events(&http, &base, &key, "limit=10").await;
    let first = first["events"].as_array().unwrap().clone();
    assert_eq!(first.len(), 10);
    assert_eq!(first[0]["UserCardCode"], "c0");
    let last = first[9]["id"].as_i64().unwrap();
    let (_, rest) = events(&http, &base, &key, &format!("since={last}")).await;
    let rest = rest["events"].as_array().unwrap().clone();
    assert_eq!(rest.len(), 15, "the default limit (100) covers the rest");
    assert_eq!(rest[0]["UserCardCode"], "c10");
    assert!(rest.iter().all(|e| e["id"].as_i64().unwrap() > last));
    // limit=0 is one event; a huge limit is clamped, not an error.
    let (_, one) = events(&http, &base, &key, "limit=0").await;
    assert_eq!(one["events"].as_array().unwrap().len(), 1);
    let (s, all) = events(&http, &base, &key, "limit=999999").await;
    assert_eq!((s, all["events"].as_array().unwrap().len()), (200, 25));
    assert_eq!(events(&http, &base, &key, "since=abc").await.0, 400);
}
on_both!(paging, super::pages_follow_since_and_limit);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_comes_from_stable_token_once_and_errors_keep_their_errcode() {
    let sim = spawn_sandbox(SandboxConfig {
        credentials: Some((APPID.into(), "the-app-secret-42".into())),
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let admin = SandboxAdmin::new(&sim.url(), Duration::from_secs(10)).unwrap();
    let db = Db::sqlite();
    let server = spawn(config(&db, Some("the-app-secret-42"), Some(&sim.url())))
        .await
        .unwrap();
    let key = add_key(&db, "王芳").await;
    let http = reqwest::Client::new();
    let get = |key: String| {
        let http = http.clone();
        let url = format!("{}/api/v1/token", server.url());
        async move {
            let r = http.get(url).bearer_auth(key).send().await.unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap())
        }
    };
    let (s1, t1) = get(key.clone()).await;
    let (s2, t2) = get(key.clone()).await;
    assert_eq!((s1, s2), (200, 200), "{t1} {t2}");
    assert_eq!(t1["access_token"], t2["access_token"]);
    let life = t1["expires_in"].as_i64().unwrap();
    // The simulator's 7200 s, less the server's 5-minute margin.
    assert!((6800..=6900).contains(&life), "{life}");
    assert_eq!(admin.calls("/cgi-bin/stable_token").await.unwrap(), 1);
    // The token works against WeChat (here, the simulator).
    let colors: Value = http
        .get(format!(
            "{}/card/getcolors?access_token={}",
            sim.url(),
            t1["access_token"].as_str().unwrap()
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(colors["errcode"], 0, "{colors}");

    // A wrong AppSecret: WeChat's errcode in the JSON error, and a 502.
    let db2 = Db::sqlite();
    let wrong = spawn(config(&db2, Some("not-the-secret"), Some(&sim.url())))
        .await
        .unwrap();
    let key2 = add_key(&db2, "li").await;
    let r = http
        .get(format!("{}/api/v1/token", wrong.url()))
        .bearer_auth(&key2)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 502);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["errcode"], 40125, "{body}");
    assert!(!body.to_string().contains("not-the-secret"), "{body}");

    // No AppSecret at all: the server says so.
    let db3 = Db::sqlite();
    let none = spawn(config(&db3, None, Some(&sim.url()))).await.unwrap();
    let key3 = add_key(&db3, "zhao").await;
    let r = http
        .get(format!("{}/api/v1/token", none.url()))
        .bearer_auth(&key3)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
}
