//! The platform's contract through the app's own clients, on the real server: the merchants a
//! key may act for (`authorized_at` a number), each merchant's authorizer token (refused with
//! 403 for a key limited to others, 404 once withdrawn), each merchant's events apart (the
//! withdrawal as `InfoType` `unauthorized` with no `Event`), and the authorization page (a
//! `POST` with the body `{}`). The tokens are the simulator's authorizer tokens, so what one
//! merchant's token may see of the other's cards is WeChat's rule, checked for real.

use coupon_studio::api::{ApiError, CompanyClient};
use coupon_studio::errcode;

use super::{A, A_NAME, B, B_NAME};
use crate::support::platform_chain::PlatformChain;

/// Waits (20 s at most) until `done` holds, checking every 50 ms.
fn wait(what: &str, mut done: impl FnMut() -> bool) {
    let start = std::time::Instant::now();
    while !done() {
        assert!(start.elapsed().as_secs() < 20, "waited too long for {what}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

fn lists_and_acts_for_each_merchant_with_its_own_token(d: &PlatformChain) {
    d.authorize(A, A_NAME);
    d.authorize(B, B_NAME);
    let server = CompanyClient::new(d.url(), d.key()).unwrap();
    let listed = d.block_on(server.merchants()).unwrap();
    let names: Vec<(&str, &str)> = listed
        .iter()
        .map(|m| (m.appid.as_str(), m.name.as_str()))
        .collect();
    assert_eq!(names, [(A, A_NAME), (B, B_NAME)]);
    assert!(listed.iter().all(|m| m.user_name.starts_with("gh_")));
    assert!(listed[0].principal_name.contains(A_NAME));
    // When each authorized, as a number of seconds (the simulator's clock: now).
    let now = chrono::Utc::now().timestamp();
    assert!(
        listed
            .iter()
            .all(|m| (now - 600..=now + 5).contains(&m.authorized_at)),
        "{listed:?}"
    );

    // Each merchant's token comes through the platform and is that merchant's own.
    let a = d.merchant_client(d.key(), A);
    let b = d.merchant_client(d.key(), B);
    let body = d.block_on(crate::support::fixture_body(&a, 86_400, 20 * 86_400));
    let card = d.block_on(a.create_card(&body)).unwrap();
    assert_eq!(d.block_on(a.access_token()).unwrap(), d.token(A));
    assert_ne!(d.token(A), d.token(B));
    // The server hands tokens out 5 minutes short of their life; the app keeps the one it got.
    let (status, raw) = d.block_on(d.ps.token(d.key(), A));
    assert_eq!(status, 200, "{raw}");
    let life = raw["expires_in"].as_i64().unwrap();
    assert!((6000..=7200 - 300).contains(&life), "{raw}");
    d.block_on(a.get_colors()).unwrap();
    assert_eq!(d.token_calls(A), 1, "{:?}", d.asked());
    assert_eq!(d.token_calls(B), 0);
    // B sees none of A's cards: the same errcode as for a card nobody has.
    match d.block_on(b.get_card(&card)) {
        Err(ApiError::WeChat { errcode, .. }) => assert_eq!(errcode, errcode::CARD_ID),
        other => panic!("B read A's card: {other:?}"),
    }
    let ids = |c: &coupon_studio::api::ApiClient| {
        d.block_on(c.batch_get(0, 50, None)).unwrap().card_id_list
    };
    assert!(!ids(&b).contains(&card));
    assert!(ids(&a).contains(&card));

    // A's review result is pushed to the server into A's stream only.
    d.block_on(d.admin_for(A).review(&card, true)).unwrap();
    let a_feed = server.clone().for_merchant(A);
    let b_feed = server.clone().for_merchant(B);
    let mut a_events = Vec::new();
    wait("A's review push on the server", || {
        a_events = d.block_on(a_feed.events(0, 100)).unwrap();
        a_events
            .iter()
            .any(|f| f.event.event == "card_pass_check" && f.event.card_id == card)
    });
    assert!(
        a_events
            .iter()
            .all(|f| f.event.card_id.is_empty() || f.event.card_id == card)
    );
    assert!(
        d.block_on(b_feed.events(0, 100))
            .unwrap()
            .iter()
            .all(|f| f.event.card_id != card)
    );

    // The authorization page a merchant's admin scans: the POST the app sends (its body `{}`)
    // is taken.
    let before = d.links_asked();
    let link = d.block_on(server.authorization()).unwrap();
    assert_eq!(d.links_asked(), before + 1);
    assert!(d.is_our_link(&link.url), "{}", link.url);
    assert_eq!(link.expires_in, 1800);
}

#[test]
fn a_platform_key_lists_its_merchants_and_acts_for_each_with_its_own_token() {
    lists_and_acts_for_each_merchant_with_its_own_token(&PlatformChain::sqlite());
}

#[test]
fn a_platform_key_lists_its_merchants_and_acts_for_each_on_postgres() {
    if let Some(d) = PlatformChain::postgres() {
        lists_and_acts_for_each_merchant_with_its_own_token(&d);
    }
}

#[test]
fn a_key_limited_to_other_merchants_is_refused_and_a_withdrawn_merchant_is_gone() {
    let d = PlatformChain::sqlite();
    d.authorize(A, A_NAME);
    d.authorize(B, B_NAME);
    let only_b = d.add_limited_key("李雷", &[B]);
    let limited = CompanyClient::new(d.url(), &only_b).unwrap();
    let listed = d.block_on(limited.merchants()).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].appid, B);
    let a_limited = d.merchant_client(&only_b, A);
    assert_eq!(
        d.block_on(a_limited.access_token()),
        Err(ApiError::MerchantRefused)
    );
    assert!(!a_limited.merchant_gone(), "refused is not gone");
    assert_eq!(
        d.block_on(limited.clone().for_merchant(A).events(0, 10)),
        Err(ApiError::MerchantRefused)
    );
    // A limited key may not bring in new merchants.
    assert_eq!(
        d.block_on(limited.authorization()),
        Err(ApiError::MerchantRefused)
    );
    assert!(
        d.block_on(limited.clone().for_merchant(B).events(0, 10))
            .is_ok()
    );
    let wrong = d.merchant_client("csk_nobody_0000000000", A);
    assert_eq!(d.block_on(wrong.access_token()), Err(ApiError::KeyRefused));
    // A merchant that never authorized the platform: 404 for its token and its stream.
    let stranger = d.merchant_client(d.key(), "wxneverauthorized01");
    assert_eq!(
        d.block_on(stranger.access_token()),
        Err(ApiError::MerchantGone)
    );
    let server = CompanyClient::new(d.url(), d.key()).unwrap();
    assert_eq!(
        d.block_on(
            server
                .clone()
                .for_merchant("wxneverauthorized01")
                .events(0, 10)
        ),
        Err(ApiError::MerchantGone)
    );

    // A withdraws: its next call finds it gone (its token died with the authorization), its
    // stream says so (and stays readable), and the list no longer has it.
    let a = d.merchant_client(d.key(), A);
    assert_eq!(d.block_on(a.get_colors()).unwrap().len(), 14);
    d.revoke(A);
    assert!(matches!(
        d.block_on(a.get_colors()),
        Err(ApiError::MerchantGone)
    ));
    assert!(a.merchant_gone());
    let page = d
        .block_on(server.clone().for_merchant(A).events(0, 100))
        .unwrap();
    let last = page.last().unwrap();
    assert!(last.event.unauthorizes(A), "{page:?}");
    // As the server keeps it: WeChat's members, and no `Event` (the app needs none).
    assert_eq!(last.event.event, "");
    let raw: serde_json::Value = serde_json::from_str(&last.json).unwrap();
    for member in ["InfoType", "AuthorizerAppid", "AppId", "CreateTime", "id"] {
        assert!(raw.get(member).is_some(), "{member} missing: {raw}");
    }
    let left: Vec<String> = d
        .block_on(server.merchants())
        .unwrap()
        .into_iter()
        .map(|m| m.appid)
        .collect();
    assert_eq!(left, [B]);
    // B is untouched.
    let b = d.merchant_client(d.key(), B);
    assert!(d.block_on(b.get_colors()).is_ok());
    assert!(!b.merchant_gone());
}
