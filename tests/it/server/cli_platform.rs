//! `coupon-studio server` playing an open platform, as a real process: its secrets from the
//! environment, a file and the config file; a merchant authorizes (the `authorized` push
//! alone brings it in when the browser goes elsewhere); a key made with `add-key --merchant`
//! acts for that merchant only; nothing secret reaches the log; a missing, malformed or wrong
//! master key stops the start with a clear error that does not quote it.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use coupon_studio::sandbox::{SandboxConfig, spawn as spawn_sandbox};
use coupon_studio::server::platform::seal::MasterKey;
use serde_json::{Value, json};

use super::cli::{command, key_command, stop_reading_log};
use crate::support::platform::{
    COMPONENT_AES_KEY, COMPONENT_APPID, COMPONENT_SECRET, COMPONENT_TOKEN,
};
use crate::support::platform_server::push_platform_to;
use crate::support::server::*;
use crate::support::{bin, temp_dir};

const A: &str = "wxmerchantaaaa0001";
const B: &str = "wxmerchantbbbb0002";
const PUBLIC: &str = "https://coupons.example.com";

/// The flags of a platform server on `db` calling `sim`: the platform's secret from the
/// environment, the EncodingAESKey from the config file, the master key from a file.
fn platform_flags(db: &Db, dir: &std::path::Path, sim: &str, master: &str) -> Vec<String> {
    let config = dir.join("server.toml");
    std::fs::write(
        &config,
        format!("encoding_aes_key = \"{COMPONENT_AES_KEY}\"\npublic_url = \"{PUBLIC}\"\n"),
    )
    .unwrap();
    let key_file = dir.join("master.key");
    std::fs::write(&key_file, format!("{master}\n")).unwrap();
    let mut args: Vec<String> = vec!["--addr".into(), "127.0.0.1:0".into()];
    args.extend(["--component-appid".into(), COMPONENT_APPID.into()]);
    args.extend(["--config".into(), config.display().to_string()]);
    args.extend(["--master-key-file".into(), key_file.display().to_string()]);
    args.extend(["--wechat-base".into(), sim.into()]);
    args.extend(db.flags());
    args
}

/// `coupon-studio server ARGS` with the platform's Token and AppSecret in the environment.
fn platform_command(args: &[String]) -> Command {
    let mut c = command(args);
    c.env("COUPON_STUDIO_SERVER_TOKEN", COMPONENT_TOKEN)
        .env("COUPON_STUDIO_SERVER_COMPONENT_SECRET", COMPONENT_SECRET);
    c
}

/// Starts the platform server; its URL once it printed where it listens, its log kept.
fn start(args: &[String]) -> (Child, String) {
    bin::spawn_listening(platform_command(args).stderr(Stdio::piped()))
}

/// POST `/api/v1/authorizations` with a key (a new authorization link): the status and the
/// JSON.
async fn new_link(http: &reqwest::Client, url: &str, key: &str) -> (u16, Value) {
    let r = http
        .post(format!("{url}/api/v1/authorizations"))
        .bearer_auth(key)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

/// GET with a key: the status and the JSON.
async fn get(http: &reqwest::Client, url: &str, key: &str) -> (u16, Value) {
    let r = http.get(url).bearer_auth(key).send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

async fn a_platform_server_runs_from_the_command_line(db: Db) {
    let sim = spawn_sandbox(SandboxConfig::default()).await.unwrap();
    let admin = coupon_studio::api::SandboxAdmin::new(&sim.url(), Duration::from_secs(10)).unwrap();
    let dir = temp_dir("platform-cli");
    let master = MasterKey::generate().to_hex();
    let (ok, out) = key_command(&db, "add-key", Some("平台管理员"));
    assert!(ok, "{out}");
    let key = out.lines().last().unwrap().trim().to_owned();
    let (mut child, url) = start(&platform_flags(&db, &dir, &sim.url(), &master));
    let http = reqwest::Client::new();
    push_platform_to(&admin, &url).await;
    // Once the ticket is in, a link (its return page on the public URL).
    let mut link = Value::Null;
    for _ in 0..500 {
        let (status, v) = new_link(&http, &url, &key).await;
        if status == 200 {
            link = v;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let link = link["url"]
        .as_str()
        .unwrap_or_else(|| panic!("no link"))
        .to_owned();
    assert!(
        link.contains("redirect_uri=https%3A%2F%2Fcoupons.example.com%2Fplatform%2Fcallback"),
        "{link}"
    );
    // The browser goes to the public URL, which is not this test's: the push alone does it.
    for (appid, name) in [(A, "甲商户"), (B, "乙商户")] {
        let link = if appid == A {
            link.clone()
        } else {
            new_link(&http, &url, &key).await.1["url"]
                .as_str()
                .unwrap()
                .to_owned()
        };
        admin
            .post(
                "/sandbox/platform/authorize",
                &json!({"url": link, "appid": appid, "name": name, "follow": false}),
            )
            .await
            .unwrap();
    }
    let mut listed = Value::Null;
    for _ in 0..500 {
        let (_, v) = get(&http, &format!("{url}/api/v1/merchants"), &key).await;
        if v["merchants"].as_array().is_some_and(|m| m.len() == 2) {
            listed = v;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(listed["merchants"][1]["appid"], A, "{listed}");
    let (status, token) = get(&http, &format!("{url}/api/v1/token?appid={A}"), &key).await;
    assert_eq!(status, 200, "{token}");
    let token = token["access_token"].as_str().unwrap().to_owned();

    // A key for B only, made while the server runs.
    let mut args = vec!["add-key".to_owned()];
    args.extend(db.flags());
    args.extend(["--merchant".into(), B.into(), "乙的运营".into()]);
    let out = command(&args).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let only_b = String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .unwrap()
        .trim()
        .to_owned();
    assert_eq!(
        get(&http, &format!("{url}/api/v1/token?appid={B}"), &only_b)
            .await
            .0,
        200
    );
    assert_eq!(
        get(&http, &format!("{url}/api/v1/token?appid={A}"), &only_b)
            .await
            .0,
        403
    );
    let (ok, list) = key_command(&db, "list-keys", None);
    assert!(ok, "{list}");
    assert!(
        list.lines()
            .any(|l| l.starts_with("乙的运营") && l.ends_with(&format!("merchants: {B}"))),
        "{list}"
    );
    assert!(
        list.lines()
            .any(|l| l.starts_with("平台管理员") && l.ends_with("all merchants")),
        "{list}"
    );
    // Not an AppID: refused before anything is written.
    let mut args = vec!["add-key".to_owned()];
    args.extend(db.flags());
    args.extend(["--merchant".into(), "wx 1".into(), "坏".into()]);
    assert!(!command(&args).output().unwrap().status.success());
    // No account of its own: /wechat has nobody to receive for.
    let r = http
        .post(format!("{url}/wechat?signature=x&timestamp=1&nonce=1"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    let log = stop_reading_log(&mut child);
    assert!(log.contains("merchant authorized the platform"), "{log}");
    let ticket = admin.platform().await.unwrap()["verify_ticket"]["ticket"]
        .as_str()
        .unwrap()
        .to_owned();
    for secret in [
        COMPONENT_SECRET,
        COMPONENT_TOKEN,
        COMPONENT_AES_KEY,
        &master,
        &token,
        &ticket,
        &key,
        &only_b,
    ] {
        assert!(!log.contains(secret), "the log holds a secret:\n{log}");
    }
}
on_both!(runs, super::a_platform_server_runs_from_the_command_line);

#[test]
fn a_missing_malformed_or_wrong_master_key_stops_the_start() {
    let db = Db::sqlite();
    let dir = temp_dir("master");
    // Missing: named with where to give it.
    let mut args = platform_flags(&db, &dir, "http://127.0.0.1:9", "x");
    let at = args.iter().position(|a| a == "--master-key-file").unwrap();
    args.drain(at..at + 2);
    let out = platform_command(&args).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("COUPON_STUDIO_SERVER_MASTER_KEY") && err.contains("--master-key-file"),
        "{err}"
    );
    // Malformed: refused, not quoted.
    let bad = "not-a-key-but-a-secret-1234";
    let out = platform_command(&platform_flags(&db, &dir, "http://127.0.0.1:9", bad))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("master key") && !err.contains(bad), "{err}");
    // No platform secret: named.
    let out = command(&platform_flags(
        &db,
        &dir,
        "http://127.0.0.1:9",
        &MasterKey::generate().to_hex(),
    ))
    .env("COUPON_STUDIO_SERVER_TOKEN", COMPONENT_TOKEN)
    .output()
    .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("COUPON_STUDIO_SERVER_COMPONENT_SECRET"),
        "{err}"
    );
    // Wrong: the database was sealed with another key.
    let first = MasterKey::generate().to_hex();
    let (mut child, _) = start(&platform_flags(&db, &dir, "http://127.0.0.1:9", &first));
    child.kill().unwrap();
    child.wait().unwrap();
    let second = MasterKey::generate().to_hex();
    let out = platform_command(&platform_flags(&db, &dir, "http://127.0.0.1:9", &second))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(
        err.contains("master key") && err.contains("does not open"),
        "{err}"
    );
    assert!(!err.contains(&first) && !err.contains(&second), "{err}");
    // Neither an account nor a platform: nothing to serve.
    let out = command(&["--data-dir".into(), dir.display().to_string()])
        .env("COUPON_STUDIO_SERVER_TOKEN", COMPONENT_TOKEN)
        .env("COUPON_STUDIO_SERVER_AES_KEY", COMPONENT_AES_KEY)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("--component-appid") && err.contains("--appid"),
        "{err}"
    );
}
