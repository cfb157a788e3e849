//! Simulator: the `--state` file across restarts, `spawn_blocking_thread`, and the CLI.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use common::Sim;
use coupon_studio::sandbox::{SandboxConfig, spawn_blocking_thread};
use serde_json::{Value, json};

fn temp_file(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "coupon-studio-sandbox-{}-{name}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("state.json");
    let _ = std::fs::remove_file(&path);
    path
}

#[tokio::test]
async fn the_state_file_survives_a_restart() {
    let path = temp_file("restart");
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

#[tokio::test]
async fn the_cli_prints_listening_first_and_serves() {
    let path = temp_file("cli");
    let mut child = Command::new(env!("CARGO_BIN_EXE_coupon-studio"))
        .args([
            "sandbox",
            "--addr",
            "127.0.0.1:0",
            "--review-delay-secs",
            "1",
            "--appid",
            "wxcli",
            "--secret",
            "s3",
        ])
        .arg("--state")
        .arg(&path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim_end()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line: {line:?}"))
        .to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let health: Value = reqwest::get(format!("{url}/sandbox/health"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["ok"], true);
    let wrong: Value = reqwest::get(format!(
        "{url}/cgi-bin/token?grant_type=client_credential&appid=wxcli&secret=nope"
    ))
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(wrong["errcode"], 40125);
    let http = reqwest::Client::new();
    http.post(format!("{url}/sandbox/clock/advance"))
        .json(&json!({"seconds": 5}))
        .send()
        .await
        .unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(path.exists(), "the state file was written");

    let refused = Command::new(env!("CARGO_BIN_EXE_coupon-studio"))
        .args(["sandbox", "--addr", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--allow-remote"));
    let _ = std::fs::remove_dir_all(path.parent().unwrap());
}
