//! The platform's contract through the app's own clients: the merchants a key may act for,
//! each merchant's authorizer token (refused with 403 for a key limited to others, 404 once
//! withdrawn), each merchant's events apart, and the authorization page. The tokens are the
//! simulator's authorizer tokens, so what one merchant's token may see of the other's cards is
//! WeChat's rule, checked for real.

use coupon_studio::api::{ApiError, CompanyClient};
use coupon_studio::errcode;

use super::{A, A_NAME, B, B_NAME, KEY, merchant_client};
use crate::support::server_double::PlatformDouble;

#[test]
fn a_platform_key_lists_its_merchants_and_acts_for_each_with_its_own_token() {
    let d = PlatformDouble::start(&[KEY]);
    d.authorize(A, A_NAME);
    d.authorize(B, B_NAME);
    let server = CompanyClient::new(&d.url, KEY).unwrap();
    let listed = d.block_on(server.merchants()).unwrap();
    let names: Vec<(&str, &str)> = listed
        .iter()
        .map(|m| (m.appid.as_str(), m.name.as_str()))
        .collect();
    assert_eq!(names, [(A, A_NAME), (B, B_NAME)]);
    assert!(listed.iter().all(|m| m.user_name.starts_with("gh_")));
    assert!(listed[0].principal_name.contains(A_NAME));

    // Each merchant's token comes through the platform and is that merchant's own.
    let a = merchant_client(&d, KEY, A);
    let b = merchant_client(&d, KEY, B);
    let body = d.block_on(crate::support::fixture_body(&a, 86_400, 20 * 86_400));
    let card = d.block_on(a.create_card(&body)).unwrap();
    assert_eq!(d.block_on(a.access_token()).unwrap(), d.token(A));
    assert!(d.token_calls(A) >= 1 && d.token_calls(B) == 0);
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

    // A's review result is in A's stream only.
    d.block_on(d.admin_for(A).review(&card, true)).unwrap();
    let a_feed = server.clone().for_merchant(A);
    let b_feed = server.clone().for_merchant(B);
    let start = std::time::Instant::now();
    let a_events = loop {
        let page = d.block_on(a_feed.events(0, 100)).unwrap();
        if page.iter().any(|f| f.event.event == "card_pass_check") {
            break page;
        }
        assert!(
            start.elapsed().as_secs() < 20,
            "A's review push never relayed"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
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

    // The authorization page a merchant's admin scans.
    let link = d.block_on(server.authorization()).unwrap();
    assert!(link.url.contains("componentloginpage?component_appid="));
    assert_eq!(link.expires_in, 1800);
}

#[test]
fn a_key_limited_to_other_merchants_is_refused_and_a_withdrawn_merchant_is_gone() {
    let d = PlatformDouble::start(&[KEY]);
    d.authorize(A, A_NAME);
    d.authorize(B, B_NAME);
    d.add_limited_key("csk_only_b_0123456789", &[B]);
    let limited = CompanyClient::new(&d.url, "csk_only_b_0123456789").unwrap();
    let listed = d.block_on(limited.merchants()).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].appid, B);
    let a_limited = merchant_client(&d, "csk_only_b_0123456789", A);
    assert_eq!(
        d.block_on(a_limited.access_token()),
        Err(ApiError::MerchantRefused)
    );
    assert!(!a_limited.merchant_gone(), "refused is not gone");
    assert_eq!(
        d.block_on(limited.clone().for_merchant(A).events(0, 10)),
        Err(ApiError::MerchantRefused)
    );
    let wrong = merchant_client(&d, "csk_nobody_0000000000", A);
    assert_eq!(d.block_on(wrong.access_token()), Err(ApiError::KeyRefused));

    // A withdraws: its next call finds it gone (its token died with the authorization), its
    // stream says so, and the list no longer has it.
    let a = merchant_client(&d, KEY, A);
    assert_eq!(d.block_on(a.get_colors()).unwrap().len(), 14);
    d.revoke(A);
    assert!(matches!(
        d.block_on(a.get_colors()),
        Err(ApiError::MerchantGone)
    ));
    assert!(a.merchant_gone());
    let server = CompanyClient::new(&d.url, KEY).unwrap();
    let page = d
        .block_on(server.clone().for_merchant(A).events(0, 100))
        .unwrap();
    assert!(page.iter().any(|f| f.event.unauthorizes(A)), "{page:?}");
    let left: Vec<String> = d
        .block_on(server.merchants())
        .unwrap()
        .into_iter()
        .map(|m| m.appid)
        .collect();
    assert_eq!(left, [B]);
    // B is untouched.
    let b = merchant_client(&d, KEY, B);
    assert!(d.block_on(b.get_colors()).is_ok());
    assert!(!b.merchant_gone());
}
