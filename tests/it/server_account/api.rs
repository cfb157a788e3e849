//! The client side of the contract: the token with the bearer key, the event feed read page
//! by page from a cursor, and what a refused key or a server that is down reads as.

use coupon_studio::api::{ApiClient, ApiError, CompanyClient, TokenSource};
use coupon_studio::store::Store;
use serde_json::json;

use super::{APPID, Company, KEY};
use crate::support::server_double::{claim, consume, pass, pay_order};

fn server_source(url: &str, key: &str) -> TokenSource {
    TokenSource::Server {
        url: url.to_owned(),
        key: key.to_owned(),
    }
}

#[test]
fn the_token_comes_from_the_server_with_the_key_and_works_at_wechat() {
    let company = Company::start();
    company.sim.rt.block_on(token_checks(&company));
}

async fn token_checks(company: &Company) {
    let wechat = company.sim.client.base_url().to_owned();
    let client = ApiClient::new(&wechat, server_source(&company.server.url, KEY)).unwrap();
    // The laptop holds no AppSecret: WeChat's token comes through the server.
    assert_eq!(client.get_colors().await.unwrap().len(), 14);
    assert_eq!(company.server.token_calls(), 1);
    // The token is cached like any other: more calls, no more token requests.
    client.get_colors().await.unwrap();
    assert_eq!(company.server.token_calls(), 1);

    // A wrong key is the server's 401, typed, and its text never holds the key.
    let wrong = ApiClient::new(
        &wechat,
        server_source(&company.server.url, "csk_wrong_key_000"),
    )
    .unwrap();
    let e = wrong.get_colors().await.unwrap_err();
    assert_eq!(e, ApiError::KeyRefused);
    assert!(e.text_zh().contains("API 密钥") && e.text_zh().contains("设置"));
    assert!(!e.text_en().contains("csk_wrong_key_000"));
    assert!(!format!("{:?}", server_source(&company.server.url, KEY)).contains(KEY));

    // A server that is down gives no token: an HTTP error, not a WeChat one.
    company.server.set_down(true);
    let fresh = ApiClient::new(&wechat, server_source(&company.server.url, KEY)).unwrap();
    assert!(matches!(
        fresh.get_colors().await,
        Err(ApiError::Http { status: 503, .. })
    ));
    // Nothing listens: a connection error.
    let nobody = ApiClient::new(&wechat, server_source("http://127.0.0.1:9", KEY)).unwrap();
    assert!(matches!(
        nobody.access_token().await,
        Err(ApiError::Connect { .. } | ApiError::Timeout { .. })
    ));
    // Plain http to another machine is refused before anything is sent.
    assert!(CompanyClient::new("http://coupons.example.com", KEY).is_err());
}

#[test]
fn events_are_read_from_a_cursor_page_by_page_and_kept_once() {
    let company = Company::start();
    company.sim.rt.block_on(feed_checks(&company));
}

async fn feed_checks(company: &Company) {
    let s = &company.server;
    s.push(pass("pCARD1"));
    s.push(claim("pCARD1", "100001", 12, "o-alice"));
    s.push(consume("pCARD1", "100001", "o-alice"));
    let mut odd = claim("pCARD1", "100002", 0, "o-bob");
    odd["OuterId"] = json!("7");
    odd["IsGiveByFriend"] = json!("0");
    odd["NewMemberInAFutureVersion"] = json!({"nested": [1, 2]});
    s.push(odd);
    s.push(pay_order(
        "o-777",
        "ORDER_STATUS_SUCC",
        1_800_000_000,
        "100",
    ));

    let feed = CompanyClient::new(&s.url, KEY).unwrap();
    let first = feed.events(0, 2).await.unwrap();
    assert_eq!(first.iter().map(|f| f.event.id).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(first[1].event.outer_id, 12);
    let rest = feed.events(2, 100).await.unwrap();
    assert_eq!(rest.len(), 3);
    // Numbers sent as strings and members the app does not know are read leniently.
    assert_eq!(
        (rest[1].event.outer_id, rest[1].event.code.as_str()),
        (7, "100002")
    );
    let order = rest[2].event.order.clone().unwrap();
    assert_eq!(
        (order.order_id.as_str(), order.pay_coin_count.0),
        ("o-777", 10_000)
    );
    assert!(feed.events(5, 100).await.unwrap().is_empty());
    assert_eq!(s.reads(), [0, 2, 5]);

    // The cache keeps them once per account and remembers the cursor.
    let mut store = Store::open_in_memory().unwrap();
    let key = format!("{APPID}@{}", s.url);
    let rows = |page: &[coupon_studio::api::company::Fetched]| -> Vec<(i64, String)> {
        page.iter().map(|f| (f.event.id, f.json.clone())).collect()
    };
    store.save_server_events(&key, &rows(&first), 100).unwrap();
    store.save_server_events(&key, &rows(&first), 101).unwrap();
    let cursor = store.save_server_events(&key, &rows(&rest), 102).unwrap();
    assert_eq!(cursor.last_id, 5);
    let cached = store.server_events(&key).unwrap();
    assert_eq!(cached.len(), 5);
    let back = coupon_studio::api::CardEvent::from_cached(&cached[3].1).unwrap();
    assert_eq!(back, rest[1].event);

    // A revoked key reads no more events; a server that is down is an HTTP error.
    s.revoke(KEY);
    assert_eq!(feed.events(0, 10).await.unwrap_err(), ApiError::KeyRefused);
    s.set_down(true);
    assert!(matches!(
        feed.events(0, 10).await,
        Err(ApiError::Http { status: 503, .. })
    ));
    assert!(feed.health().await.is_err());
}
