//! The `sandbox` command as a real process: it prints where it listens first, serves, keeps
//! its `--state` file, and refuses to listen beyond loopback without `--allow-remote`.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use serde_json::{Value, json};

use crate::support::temp_dir;

#[test]
fn cli_prints_listening_first() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_coupon-studio"))
        .args(["sandbox", "--addr", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(line.starts_with("listening on http://127.0.0.1:"), "{line}");
    let refused = std::process::Command::new(env!("CARGO_BIN_EXE_coupon-studio"))
        .args(["sandbox", "--addr", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
}

#[tokio::test]
async fn the_cli_prints_listening_first_and_serves() {
    let path = temp_dir("cli").join("state.json");
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
