//! The `sandbox` command as a real process: it prints where it listens first, serves, keeps
//! its `--state` file, refuses to listen beyond loopback without `--allow-remote` (and prints
//! the admin key it generates with it), reads the secret from a file or the environment,
//! pushes card events where `--push-url` says, plays an open platform with `--component-*`,
//! and stops on Ctrl-C even while a client holds half a request open.

use std::io::BufReader;
use std::process::{Command, Stdio};

use coupon_studio::api::{AdminError, SandboxAdmin};
use serde_json::{Value, json};

use crate::support::bin::{self, url_of};
use crate::support::temp_dir;

#[test]
fn cli_prints_listening_first() {
    let (mut child, lines) = start(&["--addr", "127.0.0.1:0"], &[], 1);
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        lines[0].starts_with("listening on http://127.0.0.1:"),
        "{lines:?}"
    );
    let refused = std::process::Command::new(env!("CARGO_BIN_EXE_coupon-studio"))
        .args(["sandbox", "--addr", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
}

#[tokio::test]
async fn the_cli_prints_listening_first_and_serves() {
    let path = temp_dir("cli").join("state.json");
    let (mut child, lines) = start(
        &[
            "--addr",
            "127.0.0.1:0",
            "--review-delay-secs",
            "1",
            "--appid",
            "wxcli",
            "--secret",
            "s3",
            "--state",
            path.to_str().unwrap(),
        ],
        &[],
        1,
    );
    let url = url_of(&lines[0]);
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

/// Starts `coupon-studio sandbox` with `args` (and `env`), and reads its first `lines` lines.
fn start(args: &[&str], env: &[(&str, &str)], lines: usize) -> (std::process::Child, Vec<String>) {
    let (child, _, read) = start_reading(args, env, lines);
    (child, read)
}

/// [`start`], keeping the rest of stdout.
fn start_reading(
    args: &[&str],
    env: &[(&str, &str)],
    lines: usize,
) -> (
    std::process::Child,
    BufReader<std::process::ChildStdout>,
    Vec<String>,
) {
    let mut cmd = bin::command(&["sandbox"]);
    cmd.args(args).stderr(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    bin::spawn_reading(&mut cmd, lines)
}

/// Waits up to `limit` for the process to end; kills it (and fails) otherwise.
fn exits_within(
    child: &mut std::process::Child,
    limit: std::time::Duration,
) -> std::process::ExitStatus {
    let started = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if started.elapsed() > limit {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("still running {limit:?} after SIGINT");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_simulator_while_a_request_is_half_sent() {
    use std::io::Write;
    let (mut child, lines) = start(&["--addr", "127.0.0.1:0"], &[], 1);
    let addr = url_of(&lines[0]).trim_start_matches("http://").to_owned();
    let mut half = std::net::TcpStream::connect(&addr).unwrap();
    half.write_all(b"POST /sandbox/reset HTTP/1.1\r\nHost: ")
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(200));
    let pid = nix::unistd::Pid::from_raw(i32::try_from(child.id()).unwrap());
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGINT).unwrap();
    let status = exits_within(&mut child, std::time::Duration::from_secs(5));
    assert!(status.success(), "{status:?}");
    drop(half);
}

#[tokio::test]
async fn allow_remote_prints_a_generated_admin_key_that_the_admin_api_requires() {
    let (mut child, lines) = start(&["--addr", "127.0.0.1:0", "--allow-remote"], &[], 2);
    let url = url_of(&lines[0]);
    let key = lines[1]
        .strip_prefix("admin key: ")
        .unwrap_or_else(|| panic!("second line: {:?}", lines[1]))
        .to_owned();
    assert!(key.len() >= 32, "{key}");
    let admin = SandboxAdmin::new(&url, std::time::Duration::from_secs(5)).unwrap();
    assert!(matches!(admin.now().await, Err(AdminError::Refused { .. })));
    assert!(admin.with_key(&key).now().await.is_ok());
    child.kill().unwrap();
    child.wait().unwrap();

    // A key given in the environment is used and not printed.
    let (mut child, mut rest, lines) = start_reading(
        &["--addr", "127.0.0.1:0", "--allow-remote"],
        &[("COUPON_STUDIO_SANDBOX_ADMIN_KEY", "env-key-1234567")],
        1,
    );
    let admin = SandboxAdmin::new(&url_of(&lines[0]), std::time::Duration::from_secs(5)).unwrap();
    assert!(admin.now().await.is_err());
    assert!(admin.with_key("env-key-1234567").now().await.is_ok());
    child.kill().unwrap();
    child.wait().unwrap();
    let mut after = String::new();
    std::io::Read::read_to_string(&mut rest, &mut after).unwrap();
    assert!(
        !after.contains("env-key"),
        "a key the user gave is not printed: {after}"
    );
}

#[tokio::test]
async fn the_secret_comes_from_a_file_or_the_environment() {
    let dir = temp_dir("secret");
    let file = dir.join("secret.txt");
    std::fs::write(&file, "fromfile\n").unwrap();
    let token = |url: &str, secret: &str| {
        format!("{url}/cgi-bin/token?grant_type=client_credential&appid=wxs&secret={secret}")
    };
    let errcode = |url: String| async move {
        let v: Value = reqwest::get(url).await.unwrap().json().await.unwrap();
        v["errcode"].as_i64().unwrap_or(0)
    };
    let (mut child, lines) = start(
        &[
            "--addr",
            "127.0.0.1:0",
            "--appid",
            "wxs",
            "--secret-file",
            file.to_str().unwrap(),
        ],
        &[],
        1,
    );
    let url = url_of(&lines[0]);
    assert_eq!(errcode(token(&url, "fromfile")).await, 0);
    assert_eq!(errcode(token(&url, "nope")).await, 40125);
    child.kill().unwrap();
    child.wait().unwrap();

    let (mut child, lines) = start(
        &["--addr", "127.0.0.1:0", "--appid", "wxs"],
        &[("COUPON_STUDIO_SANDBOX_SECRET", "fromenv")],
        1,
    );
    let url = url_of(&lines[0]);
    assert_eq!(errcode(token(&url, "fromenv")).await, 0);
    assert_eq!(errcode(token(&url, "fromfile")).await, 40125);
    child.kill().unwrap();
    child.wait().unwrap();

    // --appid without any secret is refused.
    let refused = Command::new(env!("CARGO_BIN_EXE_coupon-studio"))
        .args(["sandbox", "--addr", "127.0.0.1:0", "--appid", "wxs"])
        .env_remove("COUPON_STUDIO_SANDBOX_SECRET")
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--secret-file"));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_app_on_a_remote_simulator_checks_its_address_and_key_before_opening() {
    let (mut child, lines) = start(&["--addr", "127.0.0.1:0", "--allow-remote"], &[], 2);
    let url = url_of(&lines[0]);
    let app = |args: &[&str], key: Option<&str>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_coupon-studio"));
        cmd.args(args).env_remove("COUPON_STUDIO_SANDBOX_ADMIN_KEY");
        if let Some(k) = key {
            cmd.env("COUPON_STUDIO_SANDBOX_ADMIN_KEY", k);
        }
        cmd.output().unwrap()
    };
    // A wrong key (from the environment) is refused before any window opens.
    let wrong = app(&["--simulator", &url], Some("wrong-key-0000"));
    assert_eq!(wrong.status.code(), Some(2));
    let said = String::from_utf8_lossy(&wrong.stderr);
    assert!(said.to_lowercase().contains("x-sandbox-key"), "{said}");
    assert!(said.contains(&url), "{said}");
    // An empty key file is named as such.
    let dir = temp_dir("cli-remote-app");
    std::fs::write(dir.join("key"), "\n").unwrap();
    let key_file = dir.join("key");
    let empty = app(
        &[
            "--simulator",
            &url,
            "--simulator-key-file",
            key_file.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(empty.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&empty.stderr).contains("is empty"));
    // Not a URL.
    let bad = app(&["--simulator", "192.168.1.20:8787"], None);
    assert_eq!(bad.status.code(), Some(2));
    child.kill().unwrap();
    child.wait().unwrap();
    // Nothing listens there any more.
    let gone = app(&["--simulator", &url], Some("k"));
    assert_eq!(gone.status.code(), Some(2));
}

#[tokio::test]
async fn demo_serves_a_campaign_through_wechats_own_paths() {
    let (mut child, lines) = start(&["--addr", "127.0.0.1:0", "--demo"], &[], 2);
    let url = url_of(&lines[0]);
    let card_id = lines[1]
        .strip_prefix("demo: card ")
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("second line: {:?}", lines[1]))
        .to_owned();
    let client = coupon_studio::api::ApiClient::new(
        &url,
        coupon_studio::api::TokenSource::Stable {
            appid: "wxtrainer".into(),
            secret: "s".into(),
        },
    )
    .unwrap();
    // An approved card with stock …
    let card = client.get_card(&card_id).await.unwrap();
    assert_eq!(card.status, "CARD_STATUS_VERIFY_OK");
    assert!(card.quantity.unwrap() > 0);
    // … orders …
    let orders = crate::support::all_orders(&client).await;
    assert!(orders.total_num >= 3, "{orders:?}");
    // … placement QR codes (the simulator knows their scenes) …
    let admin = SandboxAdmin::new(&url, std::time::Duration::from_secs(5)).unwrap();
    let state = admin.get("/sandbox/state").await.unwrap();
    assert_eq!(
        state["placements"].as_array().map(Vec::len),
        Some(3),
        "{}",
        state["placements"]
    );
    // … and a week of datacube rows.
    let today = coupon_studio::card::beijing::date_of(admin.now().await.unwrap()).unwrap();
    let rows = client
        .card_biz_uin_info(
            &(today - chrono::Duration::days(7)).to_string(),
            &(today - chrono::Duration::days(1)).to_string(),
            1,
        )
        .await
        .unwrap();
    assert_eq!(rows.len(), 7, "{rows:?}");
    assert!(rows.iter().all(|r| r.view_cnt > 0), "{rows:?}");
    child.kill().unwrap();
    child.wait().unwrap();
}

#[tokio::test]
async fn pushes_go_to_the_push_url_with_keys_from_a_file_or_the_environment() {
    use crate::support::receiver::{AES_KEY, APPID, Receiver, TOKEN};
    let r = Receiver::start(vec![]).await;
    let dir = temp_dir("push");
    let token_file = dir.join("push-token");
    std::fs::write(&token_file, format!("{TOKEN}\n")).unwrap();
    let (mut child, lines) = start(
        &[
            "--addr",
            "127.0.0.1:0",
            "--push-url",
            &r.url,
            "--push-token-file",
            token_file.to_str().unwrap(),
            "--push-appid",
            APPID,
        ],
        &[("COUPON_STUDIO_SANDBOX_PUSH_AES_KEY", AES_KEY)],
        1,
    );
    let client = coupon_studio::api::ApiClient::new(
        &url_of(&lines[0]),
        coupon_studio::api::TokenSource::Stable {
            appid: "wxcli".into(),
            secret: "s".into(),
        },
    )
    .unwrap();
    client.pay_activate().await.unwrap();
    let got = r.wait_event("card_pay_order").await;
    assert_eq!(got.mode, "safe");
    child.kill().unwrap();
    child.wait().unwrap();

    let run = |args: &[&str]| {
        bin::command(&[
            "sandbox",
            "--addr",
            "127.0.0.1:0",
            "--push-url",
            "http://127.0.0.1:9/wechat",
        ])
        .args(args)
        .output()
        .unwrap()
    };
    // A push URL without a token is refused, naming the ways to give one.
    let no_token = run(&[]);
    assert_eq!(no_token.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&no_token.stderr).contains("--push-token-file"));
    // A key that cannot be one is refused without being repeated.
    let bad_key = run(&["--push-token", "t0ken", "--push-aes-key", "notAKeyAtAll"]);
    assert!(!bad_key.status.success());
    let said = String::from_utf8_lossy(&bad_key.stderr);
    assert!(
        said.contains("EncodingAESKey") && !said.contains("notAKeyAtAll"),
        "{said}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn the_platform_flags_play_a_platform_that_pushes_its_verify_tickets() {
    use crate::support::platform::{
        COMPONENT_AES_KEY, COMPONENT_APPID, COMPONENT_SECRET, COMPONENT_TOKEN, keys,
    };
    use crate::support::receiver::Receiver;
    let r = Receiver::start_with(keys(), vec![]).await;
    let dir = temp_dir("platform");
    let secret_file = dir.join("component-secret");
    std::fs::write(&secret_file, format!("{COMPONENT_SECRET}\n")).unwrap();
    let auth_url = format!("{}/auth", r.base);
    let message_url = format!("{}/msg/$APPID$", r.base);
    let (mut child, lines) = start(
        &[
            "--addr",
            "127.0.0.1:0",
            "--component-appid",
            COMPONENT_APPID,
            "--component-secret-file",
            secret_file.to_str().unwrap(),
            "--component-aes-key",
            COMPONENT_AES_KEY,
            "--component-auth-url",
            &auth_url,
            "--component-message-url",
            &message_url,
        ],
        &[("COUPON_STUDIO_SANDBOX_COMPONENT_TOKEN", COMPONENT_TOKEN)],
        1,
    );
    let url = url_of(&lines[0]);
    // The first ticket comes at start, encrypted with the platform's keys; the secret read
    // from the file gets a component token with it.
    let ticket = r.wait_event("component_verify_ticket").await;
    let answer: Value = reqwest::Client::new()
        .post(format!("{url}/cgi-bin/component/api_component_token"))
        .json(&json!({
            "component_appid": COMPONENT_APPID,
            "component_appsecret": COMPONENT_SECRET,
            "component_verify_ticket": ticket.get("ComponentVerifyTicket"),
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(answer["component_access_token"].is_string(), "{answer}");
    child.kill().unwrap();
    child.wait().unwrap();

    let run = |args: &[&str]| {
        bin::command(&[
            "sandbox",
            "--addr",
            "127.0.0.1:0",
            "--component-appid",
            "wxc",
        ])
        .args(args)
        .output()
        .unwrap()
    };
    // Without a secret: refused, naming the ways to give one.
    let no_secret = run(&[
        "--component-token",
        "t",
        "--component-aes-key",
        COMPONENT_AES_KEY,
    ]);
    assert_eq!(no_secret.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&no_secret.stderr).contains("--component-secret-file"));
    // A message URL without $APPID$ is refused, and nothing secret is repeated.
    let no_placeholder = run(&[
        "--component-secret",
        "platformSecret9",
        "--component-token",
        "t0ken9",
        "--component-aes-key",
        COMPONENT_AES_KEY,
        "--component-message-url",
        "http://127.0.0.1:9/msg",
    ]);
    assert!(!no_placeholder.status.success());
    let said = String::from_utf8_lossy(&no_placeholder.stderr);
    assert!(said.contains("$APPID$"), "{said}");
    for secret in ["platformSecret9", "t0ken9", COMPONENT_AES_KEY] {
        assert!(!said.contains(secret), "{said}");
    }
    let _ = std::fs::remove_dir_all(dir);
}
