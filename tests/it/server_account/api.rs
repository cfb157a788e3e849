//! The client side of the contract against the real server: the token with the bearer key,
//! the event feed read page by page from a cursor, and what a refused key or a stopped server
//! reads as.

use coupon_studio::api::{ApiClient, ApiError, CompanyClient, TokenSource};
use coupon_studio::store::Store;
use coupon_studio::wxpush::Push;

use crate::support::chain::{Chain, wechat};
use crate::support::server::{APPID, claim};

fn server_source(url: &str, key: &str) -> TokenSource {
    TokenSource::Server {
        url: url.to_owned(),
        key: key.to_owned(),
    }
}

fn chain() -> Chain {
    Chain::sqlite(wechat(std::time::Duration::from_secs(3600)))
}

#[test]
fn the_token_comes_from_the_server_with_the_key_and_works_at_wechat() {
    let chain = chain();
    let key = chain.add_key("陈");
    // Through a relay, to count what the laptop asks the server.
    let relay = chain.relay();
    let wechat = chain.wechat_url().to_owned();
    let tokens = |relay: &crate::support::relay::Relay| {
        relay
            .seen()
            .iter()
            .filter(|p| p.starts_with("/api/v1/token"))
            .count()
    };
    chain.sim.rt.block_on(async {
        let client = ApiClient::new(&wechat, server_source(&relay.url, &key)).unwrap();
        // The laptop holds no AppSecret: WeChat's token comes through the server.
        assert_eq!(client.get_colors().await.unwrap().len(), 14);
        assert_eq!(tokens(&relay), 1);
        // The token is cached like any other: more calls, no more token requests.
        client.get_colors().await.unwrap();
        assert_eq!(tokens(&relay), 1);

        // A wrong key is the server's 401, typed, and its text never holds the key.
        let wrong =
            ApiClient::new(&wechat, server_source(&relay.url, "csk_wrong_key_000")).unwrap();
        let e = wrong.get_colors().await.unwrap_err();
        assert_eq!(e, ApiError::KeyRefused);
        assert!(e.text_zh().contains("API 密钥") && e.text_zh().contains("设置"));
        assert!(!e.text_en().contains("csk_wrong_key_000"));
        assert!(!format!("{:?}", server_source(&relay.url, &key)).contains(&key));
        // Plain http to another machine is refused before anything is sent.
        assert!(CompanyClient::new("http://coupons.example.com", &key).is_err());
    });
    // The server asked WeChat once (stable_token), whatever the laptops ask.
    assert_eq!(chain.sim.calls("/cgi-bin/stable_token"), 1);
    assert_eq!(chain.sim.calls("/cgi-bin/token"), 0);

    // A stopped server gives no token: a connection error, not a WeChat one.
    chain.stop_server();
    chain.sim.rt.block_on(async {
        let fresh = ApiClient::new(&wechat, server_source(&chain.server_url(), &key)).unwrap();
        assert!(matches!(
            fresh.access_token().await,
            Err(ApiError::Connect { .. } | ApiError::Timeout { .. })
        ));
        // Behind a reverse proxy (the relay), a stopped server is the proxy's error status.
        let proxied = ApiClient::new(&wechat, server_source(&relay.url, &key)).unwrap();
        assert!(matches!(
            proxied.access_token().await,
            Err(ApiError::Http { status: 502, .. })
        ));
    });
}

#[test]
fn events_are_read_from_a_cursor_page_by_page_and_kept_once() {
    let chain = chain();
    let key = chain.add_key("陈");
    // Five pushes as WeChat sends them (signed, encrypted): two claims, a use, an order.
    let at = chrono::Utc::now().timestamp();
    let pushes: Vec<Push> = vec![
        Push::new()
            .text("ToUserName", "gh_test")
            .text("FromUserName", "oMerchant")
            .number("CreateTime", at)
            .text("MsgType", "event")
            .text("Event", "card_pass_check")
            .text("CardId", "pCARD0001")
            .text("RefuseReason", ""),
        claim("100001", 12, at),
        claim("100002", 7, at + 1),
        Push::new()
            .text("ToUserName", "gh_test")
            .text("FromUserName", "o-user-100001")
            .number("CreateTime", at + 2)
            .text("MsgType", "event")
            .text("Event", "user_consume_card")
            .text("CardId", "pCARD0001")
            .text("UserCardCode", "100001"),
        Push::new()
            .text("ToUserName", "gh_test")
            .text("FromUserName", "oMerchant")
            .number("CreateTime", at + 3)
            .text("MsgType", "event")
            .text("Event", "card_pay_order")
            .text("OrderId", "o-777")
            .text("Status", "ORDER_STATUS_SUCC")
            .number("CreateOrderTime", at)
            .text("PayCoinCount", "100")
            .text("FreeCoinCount", "0.2")
            .text("OrderType", "ORDER_TYPE_WXPAY"),
    ];
    for p in &pushes {
        assert_eq!(chain.inject(p), (200, "success".into()));
    }
    // A retry of the first claim: stored once.
    assert_eq!(chain.inject(&pushes[1]), (200, "success".into()));

    let url = chain.server_url();
    let feed = CompanyClient::new(&url, &key).unwrap();
    let (first, rest) = chain.sim.rt.block_on(async {
        let first = feed.events(0, 2).await.unwrap();
        let rest = feed.events(first[1].event.id, 100).await.unwrap();
        assert!(feed.events(rest[2].event.id, 100).await.unwrap().is_empty());
        (first, rest)
    });
    assert_eq!(first.len(), 2);
    assert_eq!(first[0].event.event, "card_pass_check");
    assert_eq!(
        (first[1].event.outer_id, first[1].event.code.as_str()),
        (12, "100001")
    );
    assert_eq!(rest.len(), 3, "the retry was not stored again");
    assert_eq!((rest[0].event.outer_id, rest[0].event.time), (7, at + 1));
    let order = rest[2].event.order.clone().unwrap();
    assert_eq!(
        (
            order.order_id.as_str(),
            order.pay_coin_count.0,
            order.free_coin_count.0
        ),
        ("o-777", 10_000, 20)
    );

    // The cache keeps them once per account and remembers the cursor.
    let mut store = Store::open_in_memory().unwrap();
    let cache = format!("{APPID}@{url}");
    let rows = |page: &[coupon_studio::api::company::Fetched]| -> Vec<(i64, String)> {
        page.iter().map(|f| (f.event.id, f.json.clone())).collect()
    };
    store
        .save_server_events(&cache, &rows(&first), 100)
        .unwrap();
    store
        .save_server_events(&cache, &rows(&first), 101)
        .unwrap();
    let cursor = store.save_server_events(&cache, &rows(&rest), 102).unwrap();
    assert_eq!(cursor.last_id, rest[2].event.id);
    let cached = store.server_events(&cache).unwrap();
    assert_eq!(cached.len(), 5);
    let back = coupon_studio::api::CardEvent::from_cached(&cached[3].1).unwrap();
    assert_eq!(back, rest[1].event);

    // A revoked key reads no more events; a stopped server is a connection error.
    chain.revoke("陈");
    chain.sim.rt.block_on(async {
        assert_eq!(feed.events(0, 10).await.unwrap_err(), ApiError::KeyRefused);
    });
    chain.stop_server();
    chain.sim.rt.block_on(async {
        assert!(matches!(
            feed.events(0, 10).await,
            Err(ApiError::Connect { .. } | ApiError::Timeout { .. })
        ));
        assert!(feed.health().await.is_err());
    });
}
