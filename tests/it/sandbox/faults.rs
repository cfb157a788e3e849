//! Simulator: fault injection and call counting, over loopback HTTP.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::wire::{Sim, transport_error};

async fn faults(sim: &Sim, list: Value, path: Option<&str>) {
    let mut body = json!({"faults": list});
    if let Some(p) = path {
        body["path"] = json!(p);
    }
    sim.admin("/sandbox/faults", body).await;
}

/// A quote for 10 units of a fresh approved card: (card_id, confirm body).
async fn quoted(sim: &Sim) -> (String, String) {
    let id = sim.ready_card(1).await;
    let q = sim
        .post(
            "/card/pay/getpayprice",
            json!({"card_id": id, "quantity": 10}),
        )
        .await;
    let body = json!({"card_id": id, "order_id": q["order_id"], "quantity": 10}).to_string();
    (id, body)
}

#[tokio::test]
async fn drop_after_processes_the_call_and_drops_the_connection() {
    let sim = Sim::start().await;
    let (id, body) = quoted(&sim).await;
    faults(
        &sim,
        json!([{"kind": "drop_after"}]),
        Some("/card/pay/confirm"),
    )
    .await;
    let req = sim
        .http
        .post(sim.url("/card/pay/confirm"))
        .body(body.clone());
    assert!(
        transport_error(req).await,
        "the client must see a connection error"
    );
    // The stock rose anyway: the uncertain case.
    assert_eq!(sim.card(&id).await["sku"]["quantity"], 11);
    let again = sim.post_text("/card/pay/confirm", &body).await;
    assert_eq!(again["errcode"], 41312);
    assert_eq!(
        sim.calls("/card/pay/confirm").await,
        3,
        "ready_card confirmed once"
    );
}

#[tokio::test]
async fn drop_before_does_not_process_the_call() {
    let sim = Sim::start().await;
    let (id, body) = quoted(&sim).await;
    faults(
        &sim,
        json!([{"kind": "drop_before"}]),
        Some("/card/pay/confirm"),
    )
    .await;
    let req = sim
        .http
        .post(sim.url("/card/pay/confirm"))
        .body(body.clone());
    assert!(transport_error(req).await);
    assert_eq!(sim.card(&id).await["sku"]["quantity"], 1);
    assert_eq!(
        sim.post_text("/card/pay/confirm", &body).await["errcode"],
        0
    );
    assert_eq!(sim.card(&id).await["sku"]["quantity"], 11);
    assert_eq!(
        sim.calls("/card/pay/confirm").await,
        3,
        "ready_card confirmed once"
    );
}

#[tokio::test]
async fn http500_errcode_and_token_expired_are_not_processed() {
    let sim = Sim::start().await;
    faults(
        &sim,
        json!([{"kind": "http500"}, {"kind": "errcode", "errcode": -1}, {"kind": "token_expired"}]),
        Some("/card/pay/activate"),
    )
    .await;
    let r = sim
        .http
        .get(sim.url("/card/pay/activate"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 500);
    let v = sim.get("/card/pay/activate").await;
    assert_eq!(v["errcode"], -1, "{v}");
    assert!(
        v["errmsg"]
            .as_str()
            .unwrap()
            .starts_with("simulated fault hint: ["),
        "{v}"
    );
    assert_eq!(sim.get("/card/pay/activate").await["errcode"], 42001);
    // None of them activated the wallet: the first real call gets the reward.
    assert_eq!(sim.get("/card/pay/activate").await["reward"], "200");
    assert_eq!(sim.calls("/card/pay/activate").await, 4);
}

#[tokio::test]
async fn malformed_answers_are_not_json_but_the_call_was_processed() {
    let sim = Sim::start().await;
    faults(&sim, json!([{"kind": "malformed"}]), None).await;
    let r = sim
        .http
        .get(sim.url("/card/pay/activate"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");
    assert_eq!(sim.get("/card/pay/activate").await["reward"], 0);
}

#[tokio::test]
async fn latency_delays_and_the_call_still_happens_after_a_client_timeout() {
    let sim = Sim::start().await;
    faults(
        &sim,
        json!([{"kind": "latency", "ms": 120}, {"kind": "latency", "ms": 50}]),
        Some("/card/pay/activate"),
    )
    .await;
    let impatient = sim
        .http
        .get(sim.url("/card/pay/activate"))
        .timeout(Duration::from_millis(40))
        .send()
        .await;
    assert!(impatient.is_err());
    // The abandoned call is still processed once its delay is over.
    tokio::time::sleep(Duration::from_millis(120)).await;
    let coins = sim.get("/card/pay/getcoinsinfo").await;
    assert_eq!(coins["free_coin"], 200);
    let t = Instant::now();
    let v = sim.get("/card/pay/activate").await;
    assert!(t.elapsed() >= Duration::from_millis(50));
    assert_eq!(v["reward"], 0, "the timed-out call activated first");
}

#[tokio::test]
async fn faults_wait_for_their_path_and_queue_in_order() {
    let sim = Sim::start().await;
    faults(
        &sim,
        json!([{"kind": "errcode", "errcode": 45009}]),
        Some("/card/create"),
    )
    .await;
    faults(
        &sim,
        json!([{"kind": "errcode", "errcode": 40164}, {"kind": "errcode", "errcode": -1}]),
        None,
    )
    .await;
    let queued = sim.admin_get("/sandbox/faults").await;
    assert_eq!(queued["queued"].as_array().unwrap().len(), 3);
    // getcolors skips the create-only fault and takes the next one.
    assert_eq!(sim.get("/card/getcolors").await["errcode"], 40164);
    let v = sim.post_text("/card/create", "{}").await;
    assert_eq!(v["errcode"], 45009);
    assert_eq!(sim.get("/card/getcolors").await["errcode"], -1);
    assert_eq!(sim.get("/card/getcolors").await["errcode"], 0);
    faults(&sim, json!([{"kind": "http500"}]), None).await;
    sim.admin("/sandbox/faults/clear", json!({})).await;
    assert_eq!(sim.get("/card/getcolors").await["errcode"], 0);
    let calls = sim.admin_get("/sandbox/calls").await;
    assert_eq!(calls["counts"]["/card/getcolors"], 4);
    assert_eq!(calls["counts"]["/card/create"], 1);
    sim.admin("/sandbox/calls/reset", json!({})).await;
    assert_eq!(sim.calls("/card/getcolors").await, 0);
    // Admin calls are neither counted nor faulted.
    let bad = sim
        .admin_try("/sandbox/faults", json!({"faults": [{"kind": "meteor"}]}))
        .await;
    assert_eq!(bad["ok"], false);
}
