//! Redemption through the client and the simulator: every code status, decrypt, marks and
//! online consume.

use serde_json::{Value, json};

use crate::support::*;

#[tokio::test]
async fn every_code_status_path() {
    let (_h, c) = setup().await;
    let id = stocked_card(&c, 20, 30).await;
    let code = |v: &Value| v["code"].as_str().unwrap().to_owned();
    // NORMAL → consumed offline → CONSUMED; a second consume is 40099.
    let a = code(&scan(&c, json!({"card_id": id})).await);
    let info = c.get_code(Some(&id), &a, true).await.unwrap();
    assert_eq!(
        (info.user_card_status.as_str(), info.can_consume),
        ("NORMAL", true)
    );
    c.consume_code(&a).await.unwrap();
    assert_eq!(
        c.get_code(None, &a, false).await.unwrap().user_card_status,
        "CONSUMED"
    );
    assert_eq!(
        c.get_code(None, &a, true).await.unwrap_err().errcode(),
        Some(40127)
    );
    assert_eq!(c.consume_code(&a).await.unwrap_err().errcode(), Some(40099));
    // Forced statuses.
    for (status, consume_err) in [
        ("GIFTING", 40078),
        ("DELETE", 40078),
        ("GIFT_TIMEOUT", 40127),
        ("UNAVAILABLE", 40127),
    ] {
        let x = code(&scan(&c, json!({"card_id": id})).await);
        admin(
            &c,
            "/sandbox/code/status",
            json!({"code": x, "status": status}),
        )
        .await;
        let info = c.get_code(None, &x, false).await.unwrap();
        assert_eq!(
            (info.user_card_status.as_str(), info.can_consume),
            (status, false)
        );
        assert_eq!(
            c.get_code(None, &x, true).await.unwrap_err().errcode(),
            Some(40127),
            "{status}"
        );
        assert_eq!(
            c.consume_code(&x).await.unwrap_err().errcode(),
            Some(consume_err),
            "{status}"
        );
    }
    // Unknown code: 40056.
    assert_eq!(
        c.get_code(None, "000000000000", true)
            .await
            .unwrap_err()
            .errcode(),
        Some(40056)
    );
    assert_eq!(
        c.consume_code("000000000000").await.unwrap_err().errcode(),
        Some(40056)
    );
    // EXPIRE once the validity is over.
    let e = code(&scan(&c, json!({"card_id": id})).await);
    admin(
        &c,
        "/sandbox/clock/advance",
        json!({"seconds": 31 * 86_400}),
    )
    .await;
    assert_eq!(
        c.get_code(None, &e, false).await.unwrap().user_card_status,
        "EXPIRE"
    );
    assert_eq!(c.consume_code(&e).await.unwrap_err().errcode(), Some(40079));
}

#[tokio::test]
async fn online_consume_needs_the_mark_and_marks_conflict() {
    let (_h, c) = setup().await;
    let id = stocked_card(&c, 5, 30).await;
    let got = scan(&c, json!({"card_id": id, "openid": "oOwner"})).await;
    let code = got["code"].as_str().unwrap().to_owned();
    // decrypt the URL form of the code; garbage is 40075.
    assert_eq!(
        c.decrypt_code(got["encrypt_code"].as_str().unwrap())
            .await
            .unwrap(),
        code
    );
    assert_eq!(
        c.decrypt_code("not-a-code").await.unwrap_err().errcode(),
        Some(40075)
    );
    assert_eq!(
        c.consume_code_online(&code, "oFriend")
            .await
            .unwrap_err()
            .errcode(),
        Some(40003)
    );
    c.mark_code(&code, &id, "oFriend", true).await.unwrap();
    c.mark_code(&code, &id, "oFriend", true).await.unwrap(); // same openid again: fine
    assert_eq!(
        c.mark_code(&code, &id, "oOther", true)
            .await
            .unwrap_err()
            .errcode(),
        Some(40146)
    );
    assert_eq!(
        c.mark_code(&code, &id, "oOther", false)
            .await
            .unwrap_err()
            .errcode(),
        Some(40416)
    );
    assert_eq!(
        c.get_code(None, &code, true).await.unwrap().mark_openid,
        "oFriend"
    );
    // The mark lapses after 5 minutes.
    admin(&c, "/sandbox/clock/advance", json!({"seconds": 301})).await;
    c.mark_code(&code, &id, "oOther", true).await.unwrap();
    let (card, who) = c.consume_code_online(&code, "oOther").await.unwrap();
    assert_eq!((card.as_str(), who.as_str()), (id.as_str(), "oOther"));
}
