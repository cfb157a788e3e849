//! Statistics through the client and the simulator: what a scan, a share and a consume count,
//! and the datacube's date checks.

use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn consume_gives_back_a_coupon_and_statistics_count_it_all() {
    let (_h, c) = setup().await;
    let id = stocked_card(&c, 10, 30).await; // the fixture has consume_share_self_num = 1
    let got = scan(&c, json!({"card_id": id, "openid": "oA", "outer_id": 3})).await;
    admin(
        &c,
        "/sandbox/user/share",
        json!({"code": got["code"], "friends": 4}),
    )
    .await;
    scan(&c, json!({"card_id": id, "openid": "oB", "outer_id": 3})).await;
    c.consume_code(got["code"].as_str().unwrap()).await.unwrap();
    // Stock: 10 − 2 scans − 1 gift-back.
    assert_eq!(c.get_card(&id).await.unwrap().quantity, Some(7));
    let today = coupon_studio::card::beijing::date_of(sim_now(&c).await)
        .unwrap()
        .format("%Y-%m-%d")
        .to_string();
    // As on WeChat, a day's statistics come the day after.
    assert!(
        c.card_card_info(&today, &today, 0, &id)
            .await
            .unwrap()
            .is_empty()
    );
    admin(&c, "/sandbox/clock/advance", json!({"seconds": 86_400})).await;
    let rows = c.card_card_info(&today, &today, 0, &id).await.unwrap();
    assert_eq!(rows.len(), 1);
    let r = &rows[0];
    // views: 2 scans + 4 friends + 1 gift-back receive; receives: 2 scans + 1 gift-back.
    assert_eq!((r.view_cnt, r.view_user), (7, 6));
    assert_eq!((r.receive_cnt, r.receive_user), (3, 2));
    assert_eq!((r.verify_cnt, r.verify_user), (1, 1));
    assert_eq!((r.given_cnt, r.given_user), (1, 1));
    // The 4 friends' views are the friends' metric; the holder used it, so no 他销.
    assert_eq!((r.view_friends_cnt, r.verify_noself_cnt), (4, 0));
    let biz = c.card_biz_uin_info(&today, &today, 0).await.unwrap();
    assert_eq!(biz[0].receive_cnt, 3);
}

#[tokio::test]
async fn datacube_checks_format_and_the_62_day_range() {
    let (_h, c) = setup().await;
    assert_eq!(
        c.card_biz_uin_info("2015/06/15", "2015-06-30", 0)
            .await
            .unwrap_err()
            .errcode(),
        Some(61500)
    );
    assert_eq!(
        c.card_biz_uin_info("2015-6-15", "2015-06-30", 0)
            .await
            .unwrap_err()
            .errcode(),
        Some(61500)
    );
    // 62 days counting both ends is allowed; 63 is not.
    assert!(
        c.card_biz_uin_info("2015-06-01", "2015-08-01", 0)
            .await
            .is_ok()
    );
    assert_eq!(
        c.card_biz_uin_info("2015-06-01", "2015-08-02", 0)
            .await
            .unwrap_err()
            .errcode(),
        Some(61501)
    );
    assert_eq!(
        c.card_biz_uin_info("2015-06-30", "2015-06-15", 0)
            .await
            .unwrap_err()
            .errcode(),
        Some(61501)
    );
    // The guide's own example body is accepted.
    assert!(
        c.card_biz_uin_info("2015-06-15", "2015-06-30", 0)
            .await
            .unwrap()
            .is_empty()
    );
}
