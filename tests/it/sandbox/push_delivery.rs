//! How the simulator delivers its pushes, as WeChat does: signed (plain mode) or signed and
//! encrypted (safe mode), a fresh nonce and timestamp on every attempt, retried when the
//! answer is not `success` (or empty) in time, 3 retries at most, then given up; in order,
//! never holding up a WeChat call or a shutdown; and a target set or cleared at run time.

use std::collections::HashSet;
use std::time::Duration;

use coupon_studio::api::{AdminError, PushSettings};
use coupon_studio::sandbox::{Limits, PUSH_ATTEMPTS, SandboxConfig};
use serde_json::{Value, json};

use crate::support::receiver::{
    AES_KEY, APPID, Answer, Receiver, TOKEN, recorded, recorded_count, simulator,
};
use crate::support::{scan, setup, sim_admin, stocked_card};

/// A simulator pushing to `r` (safe mode or plain) with `push_timeout`.
async fn pushing(
    r: &Receiver,
    safe: bool,
    push_timeout: Duration,
) -> (
    coupon_studio::sandbox::SandboxHandle,
    coupon_studio::api::ApiClient,
) {
    simulator(SandboxConfig {
        push: Some(r.config(safe)),
        limits: Limits {
            push_timeout,
            ..Limits::default()
        },
        ..SandboxConfig::default()
    })
    .await
}

/// Waits (10 s at most) until the simulator's record of push `id` is no longer pending.
async fn settled(c: &coupon_studio::api::ApiClient, id: u64) -> Value {
    let admin = sim_admin(c);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let all = recorded(&admin).await;
        if let Some(p) = all.iter().find(|p| p["id"] == id)
            && p["outcome"] != "pending"
        {
            return p.clone();
        }
        assert!(tokio::time::Instant::now() < deadline, "push {id}: {all:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn plain_and_safe_mode_are_what_a_receiver_expects() {
    for safe in [false, true] {
        let r = Receiver::start(vec![]).await;
        let (h, c) = pushing(&r, safe, Duration::from_secs(5)).await;
        c.pay_activate().await.unwrap();
        let got = r.wait_event("card_pay_order").await;
        assert_eq!(got.mode, if safe { "safe" } else { "plain" });
        assert_eq!(
            got.query.get("openid").map(String::as_str),
            Some(got.get("FromUserName"))
        );
        assert_eq!(got.query.contains_key("msg_signature"), safe);
        let record = settled(&c, 1).await;
        assert_eq!(record["outcome"], "delivered");
        assert_eq!(record["attempts"].as_array().unwrap().len(), 1);
        let shown = sim_admin(&c).pushes(0).await.unwrap();
        assert_eq!(shown["target"]["mode"], if safe { "safe" } else { "plain" });
        assert_eq!(shown["target"]["appid"], APPID);
        // The keys are never shown.
        let text = shown.to_string();
        assert!(!text.contains(TOKEN) && !text.contains(AES_KEY), "{text}");
        h.shutdown().await;
    }
}

#[tokio::test]
async fn an_error_answer_is_retried_until_success() {
    let r = Receiver::start(vec![Answer::Status(500), Answer::Text("fail")]).await;
    let (h, c) = pushing(&r, true, Duration::from_secs(5)).await;
    c.pay_activate().await.unwrap();
    let record = settled(&c, 1).await;
    assert_eq!(record["outcome"], "delivered", "{record}");
    let attempts = record["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 3, "{record}");
    assert_eq!(attempts[0]["status"], 500);
    assert_eq!(attempts[1]["answer"], "fail");
    assert_eq!(r.hits(), 3);
    // The same push each time (the same CreateTime, so a receiver can de-duplicate), signed
    // afresh: a new nonce every time.
    let got = r.got();
    assert!(got.iter().all(|g| g.push == got[0].push));
    let nonces: HashSet<&String> = got.iter().map(|g| &g.query["nonce"]).collect();
    assert_eq!(nonces.len(), 3);
    h.shutdown().await;
}

#[tokio::test]
async fn an_empty_answer_counts_as_received() {
    let r = Receiver::start(vec![Answer::Text("")]).await;
    let (h, c) = pushing(&r, false, Duration::from_secs(5)).await;
    c.pay_activate().await.unwrap();
    let record = settled(&c, 1).await;
    assert_eq!(record["outcome"], "delivered");
    assert_eq!(record["attempts"].as_array().unwrap().len(), 1);
    h.shutdown().await;
}

#[tokio::test]
async fn a_receiver_that_never_answers_in_time_is_tried_four_times_then_given_up() {
    let r = Receiver::start(vec![Answer::Hang; 4]).await;
    // WeChat waits 5 s; the test waits 300 ms (the default stays 5 s).
    assert_eq!(Limits::default().push_timeout, Duration::from_secs(5));
    let (h, c) = pushing(&r, true, Duration::from_millis(300)).await;
    c.pay_activate().await.unwrap();
    let record = settled(&c, 1).await;
    assert_eq!(record["outcome"], "failed", "{record}");
    let attempts = record["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), PUSH_ATTEMPTS);
    assert_eq!(PUSH_ATTEMPTS, 4);
    assert!(
        attempts
            .iter()
            .all(|a| a["error"].as_str().unwrap().contains("300 ms")),
        "{record}"
    );
    assert_eq!(r.hits(), 4);
    let counts = &sim_admin(&c).pushes(0).await.unwrap()["counts"];
    assert_eq!(counts["failed"], 1, "{counts}");
    h.shutdown().await;
}

#[tokio::test]
async fn an_unreachable_receiver_is_given_up_without_holding_anything() {
    // Nothing listens on the port of a receiver that was dropped.
    let url = Receiver::start(vec![]).await.url.clone();
    let r = Receiver::start(vec![]).await;
    let mut config = r.config(false);
    config.url = url;
    let (h, c) = simulator(SandboxConfig {
        push: Some(config),
        ..SandboxConfig::default()
    })
    .await;
    c.pay_activate().await.unwrap();
    let record = settled(&c, 1).await;
    assert_eq!(record["outcome"], "failed");
    assert_eq!(record["attempts"].as_array().unwrap().len(), 4);
    h.shutdown().await;
}

#[tokio::test]
async fn pushes_arrive_in_the_order_they_happened() {
    let r = Receiver::start(vec![Answer::Status(503)]).await;
    let (h, c) = pushing(&r, true, Duration::from_secs(5)).await;
    let id = stocked_card(&c, 30, 20).await;
    for _ in 0..10 {
        scan(&c, json!({"card_id": id})).await;
    }
    let admin = sim_admin(&c);
    let all = recorded(&admin).await;
    let last = all.last().unwrap()["id"].as_u64().unwrap();
    settled(&c, last).await;
    let sent: Vec<(String, String)> = recorded(&admin)
        .await
        .iter()
        .map(|p| {
            (
                p["event"].as_str().unwrap().to_owned(),
                p["members"]["CreateTime"].to_string(),
            )
        })
        .collect();
    // The first push was answered 503 and retried; its retry still came before the second.
    let got: Vec<(String, String)> = r
        .got()
        .iter()
        .skip(1)
        .map(|g| (g.event().to_owned(), g.json()["CreateTime"].to_string()))
        .collect();
    assert_eq!(got, sent);
    assert!(sent.len() >= 2 + 20, "{sent:?}");
    h.shutdown().await;
}

#[tokio::test]
async fn a_slow_receiver_holds_up_neither_calls_nor_the_shutdown() {
    let r = Receiver::start(vec![Answer::Hang; 4]).await;
    let (h, c) = pushing(&r, true, Duration::from_secs(5)).await;
    c.pay_activate().await.unwrap();
    r.wait_hits(1).await;
    // While the push waits for its answer, WeChat calls are answered at once.
    let answered = tokio::time::timeout(Duration::from_secs(2), c.get_coins_info()).await;
    assert!(answered.is_ok_and(|a| a.is_ok()));
    // And the simulator stops within 2 s, abandoning the push in flight.
    tokio::time::timeout(Duration::from_secs(2), h.shutdown())
        .await
        .expect("the shutdown finished within 2 s");
}

#[test]
fn a_simulator_on_its_own_thread_stops_within_2_s_while_a_push_hangs() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let r = rt.block_on(Receiver::start(vec![Answer::Hang; 4]));
    let thread = coupon_studio::sandbox::spawn_blocking_thread(SandboxConfig {
        push: Some(r.config(false)),
        ..SandboxConfig::default()
    })
    .unwrap();
    let client = coupon_studio::api::ApiClient::new(
        thread.url(),
        coupon_studio::api::TokenSource::Stable {
            appid: "wx1".into(),
            secret: "s".into(),
        },
    )
    .unwrap();
    rt.block_on(async {
        client.pay_activate().await.unwrap();
        r.wait_hits(1).await;
    });
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        drop(thread);
        let _ = done_tx.send(());
    });
    assert!(
        done_rx.recv_timeout(Duration::from_secs(2)).is_ok(),
        "dropping the simulator took over 2 s"
    );
}

#[tokio::test]
async fn the_target_can_be_set_and_cleared_at_run_time() {
    let (h, c) = setup().await;
    let admin = sim_admin(&c);
    // No target: nothing is recorded.
    c.pay_activate().await.unwrap();
    let none = admin.pushes(0).await.unwrap();
    assert_eq!(none["target"], Value::Null);
    assert_eq!(none["last_id"], 0);
    // A bad key is refused, without being repeated.
    let r = Receiver::start(vec![]).await;
    let bad = admin
        .set_push_target(&PushSettings {
            url: &r.url,
            token: TOKEN,
            aes_key: Some("tooShortKey123"),
            appid: Some(APPID),
        })
        .await
        .unwrap_err();
    let AdminError::Refused { error, .. } = &bad else {
        panic!("{bad:?}");
    };
    assert!(
        error.contains("43") && !error.contains("tooShortKey123"),
        "{error}"
    );
    // Set: pushes go there.
    let shown = admin
        .set_push_target(&PushSettings {
            url: &r.url,
            token: TOKEN,
            aes_key: Some(AES_KEY),
            appid: Some(APPID),
        })
        .await
        .unwrap();
    assert_eq!(shown["target"]["mode"], "safe");
    let recharge = c.recharge(5).await.unwrap();
    admin.pay_recharge(&recharge.order_id, false).await.unwrap();
    let paid = r.wait_event("card_pay_order").await;
    assert_eq!(paid.get("OrderId"), recharge.order_id);
    // Cleared: nothing more is queued.
    admin.clear_push_target().await.unwrap();
    let again = c.recharge(5).await.unwrap();
    admin.pay_recharge(&again.order_id, false).await.unwrap();
    assert_eq!(recorded_count(&admin, "card_pay_order").await, 1);
    h.shutdown().await;
}
