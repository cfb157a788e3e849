//! `/wechat` on both backends: the URL check, pushes in plain, compatible and safe mode, every
//! event of the reference kept with its members, retries stored once; forged, replayed and
//! malformed pushes refused with a 4xx and nothing stored.

use coupon_studio::wxpush::{MAX_BODY, Push, PushCrypto};
use serde_json::Value;

use crate::support::server::*;

async fn the_url_check_echoes_only_when_signed(db: Db) {
    let (server, _key) = server(&db).await;
    let http = reqwest::Client::new();
    let ts = now().to_string();
    let sig = crypto().signature(&ts, "n1");
    let url = format!(
        "{}/wechat?signature={sig}&timestamp={ts}&nonce=n1&echostr=hello-7731",
        server.url()
    );
    let r = http.get(&url).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap(), "hello-7731");
    let forged = url.replace("nonce=n1", "nonce=n2");
    let r = http.get(&forged).send().await.unwrap();
    assert_eq!(r.status(), 403);
    assert!(!r.text().await.unwrap().contains("hello-7731"));
    let r = http
        .get(format!("{}/wechat?echostr=x", server.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}
on_both!(url_check, super::the_url_check_echoes_only_when_signed);

/// Every event push of the reference (shared/reference/README.md, "Event pushes"), with the
/// members it lists.
fn every_event(at: i64) -> Vec<Push> {
    let base = |event: &str, n: i64| {
        Push::new()
            .text("ToUserName", "gh_test")
            .text("FromUserName", format!("o-user-{n}"))
            .number("CreateTime", at)
            .text("MsgType", "event")
            .text("Event", event)
    };
    vec![
        base("card_pass_check", 1).text("CardId", "pCARD0001"),
        base("card_not_pass_check", 2)
            .text("CardId", "pCARD0002")
            .text("RefuseReason", "图片不清晰"),
        claim("226009850808", 12, at),
        base("user_gifting_card", 4)
            .text("CardId", "pCARD0001")
            .text("UserCardCode", "226009850809")
            .number("IsReturnBack", 0)
            .text("FriendUserName", "o-friend")
            .number("IsChatRoom", 0),
        base("user_del_card", 5)
            .text("CardId", "pCARD0001")
            .text("UserCardCode", "226009850810"),
        base("user_consume_card", 6)
            .text("CardId", "pCARD0001")
            .text("UserCardCode", "226009850811")
            .text("ConsumeSource", "FROM_API")
            .text("LocationName", "南京西路店")
            .text("StaffOpenId", "o-staff")
            .text("VerifyCode", "")
            .text("RemarkAmount", "")
            .text("OuterStr", "till-3"),
        base("user_view_card", 7)
            .text("CardId", "pCARD0001")
            .text("UserCardCode", "226009850812"),
        base("card_sku_remind", 8)
            .text("CardId", "pCARD0001")
            .text("Detail", "the card's quantity is equal to or less than 100"),
        base("card_pay_order", 9)
            .text("OrderId", "ORD-0001")
            .text("Status", "ORDER_STATUS_FINANCE_SUCC")
            .text("CreateOrderTime", "1700000000")
            .text("PayFinishTime", "1700000010")
            .text("Desc", "购买库存")
            .text("FreeCoinCount", "0")
            .text("PayCoinCount", "300")
            .text("RefundFreeCoinCount", "0")
            .text("RefundPayCoinCount", "0")
            .text("OrderType", "ORDER_TYPE_SYS_ADD")
            .text("Memo", "a ]]> b & <c>")
            .text("ReceiptInfo", ""),
    ]
}

async fn every_event_is_kept_with_its_members_in_every_mode(db: Db) {
    let (server, key) = server(&db).await;
    let http = reqwest::Client::new();
    let at = now();
    let events = every_event(at);
    for (i, push) in events.iter().enumerate() {
        let request = match i % 3 {
            0 => plain(&server.url(), push, at),
            1 => safe(&server.url(), push, at),
            // Compatible mode: the plain members beside `Encrypt`; the encrypted copy counts.
            _ => {
                let (url, body) = safe(&server.url(), push, at);
                let encrypt = Push::parse(body.as_bytes()).unwrap();
                let mut both = push.clone();
                both.members.extend(encrypt.members.into_iter().skip(1));
                (url, both.to_xml())
            }
        };
        let (status, text) = post(&http, request).await;
        assert_eq!((status, text.as_str()), (200, "success"), "push {i}");
    }
    let stored = all_events(&http, &server.url(), &key).await;
    assert_eq!(stored.len(), events.len(), "{}: {stored:?}", db.kind);
    for (push, got) in events.iter().zip(&stored) {
        let want = push.to_json();
        for (name, value) in &want {
            assert_eq!(&got[name], value, "{name} of {}", want["Event"]);
        }
        assert!(got["id"].is_i64());
        assert!(got.get("Encrypt").is_none(), "{got}");
    }
    // Members keep WeChat's types: CreateTime and OuterId bare numbers, codes strings.
    let claim = stored
        .iter()
        .find(|e| e["Event"] == "user_get_card")
        .unwrap();
    assert_eq!(claim["OuterId"], Value::from(12));
    assert_eq!(claim["CreateTime"], Value::from(at));
    assert_eq!(claim["UserCardCode"], Value::from("226009850808"));
    let ids: Vec<i64> = stored.iter().map(|e| e["id"].as_i64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
}
on_both!(
    every_event,
    super::every_event_is_kept_with_its_members_in_every_mode
);

async fn retries_are_answered_success_and_stored_once(db: Db) {
    let (server, key) = server(&db).await;
    let http = reqwest::Client::new();
    let at = now();
    let push = claim("555000111", 3, at);
    // WeChat retries with a new nonce (and a new random prefix in safe mode).
    for request in [
        safe(&server.url(), &push, at),
        safe(&server.url(), &push, at),
        plain(&server.url(), &push, at + 1),
        plain(&server.url(), &push, at),
    ] {
        assert_eq!(post(&http, request).await, (200, "success".into()));
    }
    assert_eq!(all_events(&http, &server.url(), &key).await.len(), 1);
}
on_both!(retries, super::retries_are_answered_success_and_stored_once);

/// Requests that must be refused, by name.
pub(super) fn bad_requests(base: &str) -> Vec<(&'static str, (String, String), u16)> {
    let at = now();
    let push = claim("999", 1, at);
    let forged_plain = {
        let (url, body) = plain(base, &push, at);
        (url.replace("signature=", "signature=0"), body)
    };
    let forged_msg = {
        let (url, body) = safe(base, &push, at);
        let sig_at = url.find("msg_signature=").unwrap() + "msg_signature=".len();
        let mut url = url;
        url.replace_range(sig_at..sig_at + 1, "x");
        (url, body)
    };
    // The body changed after signing: msg_signature covers Encrypt.
    let tampered = {
        let (url, _) = safe(base, &push, at);
        let (_, other) = safe(base, &claim("998", 1, at), at);
        (url, other)
    };
    let other_app = PushCrypto::new(TOKEN, AES_KEY, "wxsomeoneelse0001").unwrap();
    let dtd = "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><xml><A>&e;</A></xml>";
    let huge = Push::new().text("A", "a".repeat(MAX_BODY + 1));
    vec![
        ("forged signature", forged_plain, 403),
        ("forged msg_signature", forged_msg, 403),
        ("tampered Encrypt", tampered, 403),
        ("replayed 6 minutes late", plain(base, &push, at - 360), 403),
        ("from 6 minutes ahead", safe(base, &push, at + 360), 403),
        ("an absurd timestamp", plain(base, &push, i64::MIN), 403),
        ("unsigned", (format!("{base}/wechat"), push.to_xml()), 403),
        (
            "wrong appid inside",
            safe_with(base, &other_app, &push, at),
            403,
        ),
        (
            "not XML",
            (plain(base, &push, at).0, "{\"a\":1}".into()),
            400,
        ),
        ("a DTD", (plain(base, &push, at).0, dtd.into()), 400),
        (
            "encrypted DTD",
            {
                let c = crypto();
                let ts = at.to_string();
                let enc = c.encrypt(dtd, [7; 16]);
                let sig = c.msg_signature(&ts, "n", &enc);
                (
                    format!(
                        "{base}/wechat?timestamp={ts}&nonce=n&encrypt_type=aes&msg_signature={sig}"
                    ),
                    Push::new().text("Encrypt", enc).to_xml(),
                )
            },
            400,
        ),
        ("huge", plain(base, &huge, at), 413),
    ]
}

async fn forged_replayed_and_malformed_pushes_are_refused(db: Db) {
    let (server, key) = server(&db).await;
    let http = reqwest::Client::new();
    for (what, request, status) in bad_requests(&server.url()) {
        let (got, text) = post(&http, request).await;
        assert_eq!(got, status, "{what}: {text}");
        assert_ne!(text, "success", "{what}");
    }
    assert!(all_events(&http, &server.url(), &key).await.is_empty());
}
on_both!(
    refusals,
    super::forged_replayed_and_malformed_pushes_are_refused
);
