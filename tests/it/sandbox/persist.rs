//! Simulator: the `--state` file across restarts, and `spawn_blocking_thread`. (The `sandbox`
//! command: `cli::sandbox`.)

use coupon_studio::sandbox::{SandboxConfig, spawn_blocking_thread};
use serde_json::{Value, json};

use crate::support::temp_dir;
use crate::support::wire::Sim;

#[tokio::test]
async fn the_state_file_survives_a_restart() {
    let path = temp_dir("restart").join("state.json");
    let config = SandboxConfig {
        state_file: Some(path.clone()),
        ..SandboxConfig::default()
    };
    let sim = Sim::start_with(config.clone()).await;
    let card = sim.ready_card(10).await;
    let got = sim.scan(&card, "oKeep").await;
    sim.post("/card/testwhitelist/set", json!({"openid": ["oTester"]}))
        .await;
    let before = sim.advance(1000).await;
    let token = sim.token.clone();
    sim.handle.shutdown().await;

    let text = std::fs::read_to_string(&path).unwrap();
    let saved: Value = serde_json::from_str(&text).unwrap();
    assert!(saved["cards"].as_object().unwrap().contains_key(&card));
    let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "the temp file was renamed");

    let mut again = Sim::start_with(config).await;
    // The token issued before the restart still works (and stable_token returns it).
    assert_eq!(again.token, token);
    let now = again.now().await;
    assert!(now >= before, "the simulated clock kept its advance");
    let base = again.card(&card).await;
    assert_eq!(base["status"], "CARD_STATUS_VERIFY_OK");
    assert_eq!(base["sku"]["quantity"], 9);
    let coins = again.get("/card/pay/getcoinsinfo").await;
    assert_eq!(coins["free_coin"], 194);
    let code = again
        .post("/card/code/get", json!({"code": got["code"]}))
        .await;
    assert_eq!(code["openid"], "oKeep");
    let dec = again
        .post(
            "/card/code/decrypt",
            json!({"encrypt_code": got["encrypt_code"]}),
        )
        .await;
    assert_eq!(dec["code"], got["code"], "the code key was kept");
    let state = again.admin_get("/sandbox/state").await;
    assert_eq!(state["whitelist"]["openid"], json!(["oTester"]));
    // Reset keeps the clock and tokens, drops the account.
    again.admin("/sandbox/reset", json!({})).await;
    assert_eq!(
        again.post("/card/get", json!({"card_id": card})).await["errcode"],
        40053
    );
    assert!(again.now().await >= now);
    again.refresh().await;
    let _ = std::fs::remove_dir_all(path.parent().unwrap());
}

#[test]
fn a_thread_simulator_serves_until_dropped() {
    let thread = spawn_blocking_thread(SandboxConfig::default()).unwrap();
    let url = thread.url().to_owned();
    assert_eq!(url, format!("http://{}", thread.addr()));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let health: Value = rt.block_on(async {
        reqwest::get(format!("{url}/sandbox/health"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    });
    assert_eq!(health["ok"], true);
    assert!(health["now"].as_i64().unwrap() > 1_600_000_000);
    drop(thread);
    let after = rt.block_on(async { reqwest::get(format!("{url}/sandbox/health")).await });
    assert!(after.is_err(), "stopped on drop");
}
