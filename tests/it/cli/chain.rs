//! Issue 19's rehearsal on one machine with the real binary, exactly as the README shows it and
//! as tests outside the project run it: `coupon-studio server add-key` (the key printed last),
//! `coupon-studio server --addr … --token … --encoding-aes-key … --appid … --data-dir …`
//! (`listening on http://ADDR`), and `coupon-studio sandbox --demo --push-url
//! http://ADDR/wechat --push-token … --push-aes-key … --push-appid …`. After the demo's
//! simulated week, `GET /api/v1/events` with the key lists the demo's events — the review,
//! the claims with the OuterId of the demo's channels, the uses, the coin orders — as many as
//! the simulator's own log has, and `GET /api/v1/token` gives WeChat's (the simulator's) token.

use std::collections::BTreeMap;
use std::process::{Child, Stdio};
use std::time::Duration;

use coupon_studio::api::{ApiClient, SandboxAdmin, TokenSource};
use serde_json::Value;

use crate::support::bin::{self, url_of};
use crate::support::chain::settled;
use crate::support::server::{AES_KEY, APPID, TOKEN, all_events};
use crate::support::temp_dir;

const SECRET: &str = "app-secret-of-the-rehearsal-42";

/// A child process killed when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `args` and reads `lines` lines of its standard output.
fn start(args: &[&str], lines: usize) -> (Running, Vec<String>) {
    let (child, _, read) = bin::spawn_reading(bin::command(args).stderr(Stdio::null()), lines);
    (Running(child), read)
}

/// A port nothing listens on (for the simulator, whose URL the server must know first).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rehearsal_on_one_machine_lists_the_demos_events_through_the_api() {
    let dir = temp_dir("rehearsal");
    let data = dir.join("server-data");
    let data = data.to_str().unwrap();
    let secret_file = dir.join("appsecret");
    std::fs::write(&secret_file, format!("{SECRET}\n")).unwrap();
    let secret_file = secret_file.to_str().unwrap();

    // 1. A key for one person: printed last, once.
    let out = bin::command(&["server", "add-key", "--data-dir", data, "王芳"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let printed = String::from_utf8(out.stdout).unwrap();
    let key = printed.lines().last().unwrap().trim().to_owned();
    assert!(key.starts_with("csk_"), "{printed}");

    // 2. The server, getting WeChat's tokens from the simulator about to start.
    let wechat = format!("http://127.0.0.1:{}", free_port());
    let (_server, lines) = start(
        &[
            "server",
            "--addr",
            "127.0.0.1:0",
            "--token",
            TOKEN,
            "--encoding-aes-key",
            AES_KEY,
            "--appid",
            APPID,
            "--data-dir",
            data,
            "--secret-file",
            secret_file,
            "--wechat-base",
            &wechat,
        ],
        1,
    );
    let server = url_of(&lines[0]);
    assert!(server.starts_with("http://127.0.0.1:"), "{server}");

    // 3. The simulator with the demo, pushing to the server in safe mode.
    let push_url = format!("{server}/wechat");
    let (_sim, lines) = start(
        &[
            "sandbox",
            "--addr",
            wechat.trim_start_matches("http://"),
            "--appid",
            APPID,
            "--secret-file",
            secret_file,
            "--demo",
            "--push-url",
            &push_url,
            "--push-token",
            TOKEN,
            "--push-aes-key",
            AES_KEY,
            "--push-appid",
            APPID,
        ],
        2,
    );
    assert_eq!(url_of(&lines[0]), wechat);
    let card = lines[1]
        .strip_prefix("demo: card ")
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("second line: {:?}", lines[1]))
        .to_owned();
    let admin = SandboxAdmin::new(&wechat, Duration::from_secs(10)).unwrap();
    let record = settled(&admin).await;
    assert_eq!(record["counts"]["failed"], 0, "{}", record["counts"]);
    assert_eq!(record["target"]["mode"], "safe");

    // 4. What the team's apps read.
    let http = reqwest::Client::new();
    let events = all_events(&http, &server, &key).await;
    let of = |name: &str| -> Vec<&Value> {
        events
            .iter()
            .filter(|e| {
                e["Event"] == name && (e["CardId"] == card.as_str() || e["CardId"].is_null())
            })
            .collect()
    };
    for e in &events {
        for member in [
            "id",
            "ToUserName",
            "FromUserName",
            "CreateTime",
            "MsgType",
            "Event",
        ] {
            assert!(e.get(member).is_some(), "{member} missing: {e}");
        }
    }
    assert_eq!(of("card_pass_check").len(), 1, "the demo card's review");
    // As many claims per channel, and uses, as the simulator's log has.
    let log: Vec<Value> = admin.events().await.unwrap();
    let count = |kind: &str| -> BTreeMap<i64, usize> {
        let mut by = BTreeMap::new();
        for e in log
            .iter()
            .filter(|e| e["kind"] == kind && e["card_id"] == card.as_str())
        {
            *by.entry(e["outer_id"].as_i64().unwrap()).or_default() += 1;
        }
        by
    };
    let mut claims: BTreeMap<i64, usize> = BTreeMap::new();
    for e in of("user_get_card") {
        *claims.entry(e["OuterId"].as_i64().unwrap()).or_default() += 1;
    }
    assert_eq!(claims, count("receive"));
    for outer_id in [1, 2, 3] {
        assert!(
            claims.get(&outer_id).is_some_and(|n| *n > 0),
            "channel {outer_id}: {claims:?}"
        );
    }
    let uses = of("user_consume_card").len();
    assert!(uses > 0);
    assert_eq!(uses, count("verify").values().sum::<usize>());
    // Every order that moved coins: the opening reward, the recharge, the stock bought.
    let client = ApiClient::new(
        &wechat,
        TokenSource::Stable {
            appid: APPID.into(),
            secret: SECRET.into(),
        },
    )
    .unwrap();
    let listed = crate::support::all_orders(&client).await.order_list;
    let mut pushed: Vec<&str> = of("card_pay_order")
        .iter()
        .map(|e| e["OrderId"].as_str().unwrap())
        .collect();
    let mut want: Vec<&str> = listed.iter().map(|o| o.order_id.as_str()).collect();
    pushed.sort_unstable();
    want.sort_unstable();
    assert_eq!(pushed, want);
    assert_eq!(pushed.len(), 3);

    // 5. The team's token, through the server: WeChat's stable token.
    let answer: Value = http
        .get(format!("{server}/api/v1/token"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        answer["access_token"].as_str(),
        Some(client.access_token().await.unwrap().as_str()),
        "{answer}"
    );
    // A wrong key: 401.
    let refused = http
        .get(format!("{server}/api/v1/events"))
        .bearer_auth("csk_not_a_key")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
}
