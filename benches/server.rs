//! The company server under a burst of pushes: the real binary (`coupon-studio server`) on
//! SQLite and, when `COUPON_STUDIO_TEST_DATABASE_URL` is set (`scripts/postgres.sh`), on
//! PostgreSQL; concurrent clients send signed, encrypted safe-mode pushes (all different, as
//! many users claiming coupons) over keep-alive connections, a fixed count in all. Prints the
//! pushes acknowledged (`success`) per second and the p50, p99 and slowest latency of one
//! push, then checks through `/api/v1/events` that every acknowledged push is stored.
//!
//! `cargo bench --bench server` runs 20,000 pushes from 32 clients on each database;
//! `cargo test --all-targets` runs 200 from 8 so the bench cannot rot. The requests are
//! encrypted before the clock starts: the figures are the server's.
//! Target (issue 19): ≥ 2000/s with p99 < 100 ms on SQLite on 2 cores.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A bench fails loudly on purpose.

use std::process::{Child, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use coupon_studio::wxpush::{Push, PushCrypto};

/// The binary started as the tests start it (shared with them).
#[path = "../tests/it/support/bin.rs"]
mod bin;

const TOKEN: &str = "bench-push-token";
const AES_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const APPID: &str = "wxbench000000001";

/// A claim push of one user.
fn claim(i: usize, at: i64) -> Push {
    Push::new()
        .text("ToUserName", "gh_bench")
        .text("FromUserName", format!("o-bench-user-{i}"))
        .number("CreateTime", at)
        .text("MsgType", "event")
        .text("Event", "user_get_card")
        .text("CardId", "pBENCHCARD0001")
        .number("IsGiveByFriend", 0)
        .text("UserCardCode", format!("{:012}", 100_000_000 + i))
        .text("FriendUserName", "")
        .number("OuterId", (i % 200) as i64)
        .text("OldUserCardCode", "")
}

/// The query and body of a safe-mode push, as WeChat sends it.
fn safe(c: &PushCrypto, push: &Push, at: i64, nonce: usize) -> (String, String) {
    let ts = at.to_string();
    let n = nonce.to_string();
    let encrypt = c.encrypt(&push.to_xml(), rand::random());
    let query = format!(
        "signature={}&timestamp={ts}&nonce={n}&openid=o&encrypt_type=aes&msg_signature={}",
        c.signature(&ts, &n),
        c.msg_signature(&ts, &n, &encrypt)
    );
    let body = Push::new()
        .text("ToUserName", "gh_bench")
        .text("Encrypt", encrypt)
        .to_xml();
    (query, body)
}

/// `coupon-studio server` with `db_flags`, and its URL.
fn start(db_flags: &[String]) -> (Child, String) {
    bin::spawn_listening(
        bin::command(&["server", "--addr", "127.0.0.1:0", "--appid", APPID])
            .args(db_flags)
            .env("COUPON_STUDIO_SERVER_TOKEN", TOKEN)
            .env("COUPON_STUDIO_SERVER_AES_KEY", AES_KEY)
            .stderr(Stdio::null()),
    )
}

fn add_key(db_flags: &[String]) -> String {
    let out = bin::command(&["server", "add-key"])
        .args(db_flags)
        .arg("bench")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .last()
        .unwrap()
        .to_owned()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// Sends `n` pushes from `clients` tasks; prints the figures; checks they are all stored.
async fn run(name: &str, db_flags: Vec<String>, n: usize, clients: usize) {
    let key = add_key(&db_flags);
    let (mut child, url) = start(&db_flags);
    let crypto = PushCrypto::new(TOKEN, AES_KEY, APPID).unwrap();
    let at = chrono::Utc::now().timestamp();
    let requests: Vec<(String, String)> = (0..n)
        .map(|i| safe(&crypto, &claim(i, at), at, i))
        .collect();
    let requests = Arc::new(requests);
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(clients)
        .build()
        .unwrap();
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..clients {
        let (http, url, requests, next) =
            (http.clone(), url.clone(), requests.clone(), next.clone());
        tasks.spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some((query, body)) = requests.get(i) else {
                    return latencies;
                };
                let sent = Instant::now();
                let r = http
                    .post(format!("{url}/wechat?{query}"))
                    .body(body.clone())
                    .send()
                    .await
                    .unwrap();
                let ok = r.status() == 200 && r.text().await.unwrap() == "success";
                assert!(ok, "push {i} not acknowledged");
                latencies.push(sent.elapsed());
            }
        });
    }
    let mut latencies = Vec::with_capacity(n);
    while let Some(l) = tasks.join_next().await {
        latencies.extend(l.unwrap());
    }
    let elapsed = started.elapsed();
    latencies.sort();
    println!(
        "{name}: {n} pushes from {clients} clients in {:.2} s: {:.0} acknowledged/s, \
         p50 {}, p99 {}, slowest {}",
        elapsed.as_secs_f64(),
        n as f64 / elapsed.as_secs_f64(),
        ms(percentile(&latencies, 0.50)),
        ms(percentile(&latencies, 0.99)),
        ms(*latencies.last().unwrap())
    );
    // Every acknowledged push is stored, once.
    let mut since = 0;
    let mut stored = 0;
    loop {
        let page: serde_json::Value = http
            .get(format!("{url}/api/v1/events?since={since}&limit=1000"))
            .bearer_auth(&key)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let list = page["events"].as_array().unwrap();
        let Some(last) = list.last() else { break };
        since = last["id"].as_i64().unwrap();
        stored += list.len();
    }
    assert_eq!(stored, n, "{name}: stored");
    child.kill().unwrap();
    child.wait().unwrap();
}

/// A fresh schema in the test PostgreSQL: the `--database` flags, a connection and the
/// schema's name (to drop it after).
async fn postgres_flags(url: &str) -> (Vec<String>, tokio_postgres::Client, String) {
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    let schema = format!("bench_{}", std::process::id());
    client
        .batch_execute(&format!(
            "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
        ))
        .await
        .unwrap();
    // Over TLS, verified, as a managed PostgreSQL is used, when the test cluster's CA is known
    // (scripts/postgres.sh); else in the clear (the cluster's certificate cannot be verified).
    let ca = std::env::var("COUPON_STUDIO_TEST_DATABASE_CA").unwrap_or_default();
    let sslmode = if ca.is_empty() { "disable" } else { "require" };
    let sep = if url.contains('?') { '&' } else { '?' };
    let mut flags = vec![
        "--database".into(),
        format!("{url}{sep}sslmode={sslmode}&options=-c%20search_path%3D{schema}"),
    ];
    if !ca.is_empty() {
        flags.extend(["--database-ca-file".into(), ca]);
    }
    (flags, client, schema)
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let (n, clients) = if full { (20_000, 32) } else { (200, 8) };
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let dir = std::env::temp_dir().join(format!("cs-server-bench-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        run(
            "SQLite",
            vec!["--data-dir".into(), dir.display().to_string()],
            n,
            clients,
        )
        .await;
        let _ = std::fs::remove_dir_all(&dir);
        match std::env::var("COUPON_STUDIO_TEST_DATABASE_URL") {
            Ok(url) if !url.is_empty() => {
                let (flags, client, schema) = postgres_flags(&url).await;
                run("PostgreSQL", flags, n, clients).await;
                client
                    .batch_execute(&format!("DROP SCHEMA {schema} CASCADE"))
                    .await
                    .unwrap();
            }
            _ => println!("PostgreSQL: skipped (COUPON_STUDIO_TEST_DATABASE_URL is not set)"),
        }
    });
}
