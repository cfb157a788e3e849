//! Simulator: the admin API's protections (issue 17). A foreign `Host` (DNS rebinding) or
//! `Origin` (a web page) is refused, an admin key is required when set, the token-service
//! stand-in checks configured credentials, uploads are capped, a half-sent request is timed
//! out and cannot hold a shutdown up, and the state file is private.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use coupon_studio::api::{AdminError, ApiClient, SandboxAdmin, TokenSource};
use coupon_studio::sandbox::{Limits, SandboxConfig, spawn, spawn_blocking_thread};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::temp_dir;
use crate::support::wire::Sim;

/// One HTTP/1.1 request as text, closing the connection after the answer.
fn request(method: &str, path: &str, host: &str, headers: &[(&str, &str)], body: &str) -> String {
    let mut out = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    out
}

/// Sends `text` as it is over a new connection; the status and the JSON body (Null if none).
async fn raw(addr: SocketAddr, text: &str) -> (u16, Value) {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(text.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut out))
        .await
        .expect("an answer within 5 s")
        .unwrap();
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {text:?}"));
    let body = text.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

async fn card_count(sim: &Sim) -> usize {
    sim.admin_get("/sandbox/state").await["cards"]
        .as_array()
        .unwrap()
        .len()
}

#[tokio::test]
async fn a_foreign_host_is_refused_on_the_admin_api_but_not_on_wechats_paths() {
    let sim = Sim::start().await;
    sim.ready_card(1).await;
    let addr = sim.handle.addr();
    let port = addr.port();
    let evil = format!("evil.example:{port}");

    let (status, body) = raw(addr, &request("POST", "/sandbox/reset", &evil, &[], "{}")).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["ok"], false);
    assert_eq!(body["reason"], "host");
    assert!(
        body["error"].as_str().unwrap().contains("evil.example"),
        "{body}"
    );
    let (status, body) = raw(addr, &request("GET", "/sandbox/state", &evil, &[], "")).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["reason"], "host");
    assert!(body.get("cards").is_none(), "nothing of the state leaks");
    // Another port on a loopback name is not this simulator either.
    let other = format!("127.0.0.1:{}", port.wrapping_add(1));
    let (status, _) = raw(addr, &request("GET", "/sandbox/state", &other, &[], "")).await;
    assert_eq!(status, 403);
    assert_eq!(card_count(&sim).await, 1, "the reset was not done");

    // The loopback names on our port work.
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
    ] {
        let (status, body) = raw(addr, &request("GET", "/sandbox/state", &host, &[], "")).await;
        assert_eq!(status, 200, "{host}: {body}");
        assert_eq!(body["cards"].as_array().unwrap().len(), 1);
    }
    // WeChat's paths answer with tokens, whatever the Host.
    let colors = format!("/card/getcolors?access_token={}", sim.token);
    let (status, body) = raw(addr, &request("GET", &colors, &evil, &[], "")).await;
    assert_eq!(status, 200);
    assert_eq!(body["errcode"], 0, "{body}");
}

#[tokio::test]
async fn a_foreign_origin_is_refused() {
    let sim = Sim::start().await;
    sim.ready_card(1).await;
    let addr = sim.handle.addr();
    let host = format!("127.0.0.1:{}", addr.port());
    for origin in ["https://evil.example", "null", "http://evil.example"] {
        let req = request(
            "POST",
            "/sandbox/reset",
            &host,
            &[("Origin", origin), ("Content-Type", "text/plain")],
            "{}",
        );
        let (status, body) = raw(addr, &req).await;
        assert_eq!(status, 403, "{origin}: {body}");
        assert_eq!(body["reason"], "origin", "{origin}");
    }
    assert_eq!(card_count(&sim).await, 1, "no reset happened");
    // A page on loopback (a local tool) may call it.
    let req = request(
        "POST",
        "/sandbox/reset",
        &host,
        &[("Origin", "http://localhost:3000")],
        "{}",
    );
    let (status, body) = raw(addr, &req).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        card_count(&sim).await,
        0,
        "the loopback page's reset was done"
    );
}

#[tokio::test]
async fn with_an_admin_key_only_callers_that_send_it_get_in() {
    let key = "k-0123456789abcdef";
    let handle = spawn(SandboxConfig {
        admin_key: Some(key.into()),
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let plain = SandboxAdmin::new(&handle.url(), Duration::from_secs(5)).unwrap();
    let refused = |r: Result<i64, AdminError>| match r {
        Err(AdminError::Refused { error, .. }) => assert!(
            error.contains("X-Sandbox-Key") || error.contains("x-sandbox-key"),
            "{error}"
        ),
        other => panic!("expected a refusal, got {other:?}"),
    };
    refused(plain.now().await);
    refused(plain.clone().with_key("k-0123456789abcdeX").now().await);
    let keyed = plain.with_key(key);
    assert!(keyed.now().await.unwrap() > 1_600_000_000);
    assert!(keyed.advance(10).await.is_ok());
    assert!(!format!("{keyed:?}").contains(key), "Debug hides the key");

    let addr = handle.addr();
    let host = format!("127.0.0.1:{}", addr.port());
    let (status, body) = raw(addr, &request("GET", "/sandbox/state", &host, &[], "")).await;
    assert_eq!((status, body["reason"].as_str()), (403, Some("key")));
    let (status, _) = raw(
        addr,
        &request(
            "GET",
            "/sandbox/state",
            &host,
            &[("X-Sandbox-Key", key)],
            "",
        ),
    )
    .await;
    assert_eq!(status, 200);
    // The key does not replace the Host check on loopback.
    let evil = format!("evil.example:{}", addr.port());
    let (status, body) = raw(
        addr,
        &request(
            "GET",
            "/sandbox/state",
            &evil,
            &[("X-Sandbox-Key", key)],
            "",
        ),
    )
    .await;
    assert_eq!((status, body["reason"].as_str()), (403, Some("host")));
    // WeChat's paths need no key.
    let (status, body) = raw(
        addr,
        &request(
            "GET",
            "/cgi-bin/token?grant_type=client_credential&appid=wx1&secret=s",
            &host,
            &[],
            "",
        ),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["errcode"], 0, "{body}");
    handle.shutdown().await;
}

#[tokio::test]
async fn with_remote_access_any_host_works_and_the_key_protects() {
    let key = "remote-key-987654321";
    let handle = spawn(SandboxConfig {
        allow_remote: true,
        admin_key: Some(key.into()),
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let addr = handle.addr();
    let host = format!("coupon-sim.lan:{}", addr.port());
    let (status, body) = raw(addr, &request("POST", "/sandbox/reset", &host, &[], "{}")).await;
    assert_eq!((status, body["reason"].as_str()), (403, Some("key")));
    let keyed = [("X-Sandbox-Key", key)];
    let (status, body) = raw(
        addr,
        &request("POST", "/sandbox/reset", &host, &keyed, "{}"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["ok"], true);
    handle.shutdown().await;
    // Beyond loopback only with remote access allowed.
    let refused = spawn(SandboxConfig {
        addr: "0.0.0.0:0".parse().unwrap(),
        ..SandboxConfig::default()
    })
    .await;
    assert!(refused.is_err());
}

#[tokio::test]
async fn the_token_service_checks_configured_credentials() {
    let sim = Sim::start_with(SandboxConfig {
        credentials: Some(("wxhard".into(), "s3cret".into())),
        ..SandboxConfig::default()
    })
    .await;
    let none = sim.admin_get("/sandbox/token-service").await;
    assert_eq!(none["errcode"], 40013, "{none}");
    let wrong_id = sim
        .admin_get("/sandbox/token-service?appid=wxother&secret=s3cret")
        .await;
    assert_eq!(wrong_id["errcode"], 40013);
    assert!(
        wrong_id["errmsg"]
            .as_str()
            .unwrap()
            .starts_with("invalid appid hint: ["),
        "{wrong_id}"
    );
    assert!(wrong_id.get("access_token").is_none());
    let wrong_secret = sim
        .admin_get("/sandbox/token-service?appid=wxhard&secret=nope&format=plain")
        .await;
    assert_eq!(wrong_secret["errcode"], 40125);
    assert!(
        wrong_secret["errmsg"]
            .as_str()
            .unwrap()
            .starts_with("invalid appsecret hint: ["),
        "{wrong_secret}"
    );
    let right = sim
        .admin_get("/sandbox/token-service?appid=wxhard&secret=s3cret")
        .await;
    assert_eq!(right["access_token"], sim.token.as_str(), "{right}");
    // The app's token source, pointed at the service with the credentials in its URL.
    let client = ApiClient::new(
        &sim.base,
        TokenSource::Service {
            url: format!(
                "{}/sandbox/token-service?appid=wxhard&secret=s3cret&format=plain",
                sim.base
            ),
            json_field: None,
        },
    )
    .unwrap();
    assert_eq!(client.get_colors().await.unwrap().len(), 14);
}

/// A distinct "PNG" of `len` bytes (only the signature is checked).
fn image(n: u8, len: usize) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
    b.resize(len, n);
    b
}

#[tokio::test]
async fn uploads_beyond_the_caps_get_45009() {
    let defaults = Limits::default();
    assert_eq!(
        (defaults.media_images, defaults.media_bytes),
        (500, 64 << 20)
    );
    let by_count = Sim::start_with(SandboxConfig {
        limits: Limits {
            media_images: 2,
            ..Limits::default()
        },
        ..SandboxConfig::default()
    })
    .await;
    assert_eq!(by_count.upload("media", image(1, 100)).await["errcode"], 0);
    assert_eq!(by_count.upload("media", image(2, 100)).await["errcode"], 0);
    // The same image again stores nothing new.
    assert_eq!(by_count.upload("media", image(2, 100)).await["errcode"], 0);
    let over = by_count.upload("media", image(3, 100)).await;
    assert_eq!(over["errcode"], 45009, "{over}");
    assert!(
        over["errmsg"]
            .as_str()
            .unwrap()
            .starts_with("reach max api daily quota limit"),
        "{over}"
    );
    assert_eq!(by_count.admin_get("/sandbox/state").await["media"], 2);

    let by_bytes = Sim::start_with(SandboxConfig {
        limits: Limits {
            media_bytes: 250,
            ..Limits::default()
        },
        ..SandboxConfig::default()
    })
    .await;
    assert_eq!(by_bytes.upload("media", image(1, 100)).await["errcode"], 0);
    assert_eq!(by_bytes.upload("media", image(2, 150)).await["errcode"], 0);
    assert_eq!(
        by_bytes.upload("media", image(3, 8)).await["errcode"],
        45009
    );
}

fn quick_timeouts() -> SandboxConfig {
    SandboxConfig {
        limits: Limits {
            request_timeout: Duration::from_millis(600),
            header_read_timeout: Duration::from_millis(300),
            ..Limits::default()
        },
        ..SandboxConfig::default()
    }
}

#[tokio::test]
async fn a_half_sent_request_is_timed_out() {
    let handle = spawn(quick_timeouts()).await.unwrap();
    let addr = handle.addr();
    let host = format!("127.0.0.1:{}", addr.port());

    // Half a head: the connection is closed (hyper may answer 408 first).
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(format!("GET /sandbox/health HTTP/1.1\r\nHost: {host}\r\n").as_bytes())
        .await
        .unwrap();
    let mut out = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(3), s.read_to_end(&mut out)).await;
    assert!(
        read.is_ok(),
        "the connection was not closed within 3 s (header timeout 300 ms)"
    );
    let text = String::from_utf8_lossy(&out);
    assert!(
        text.is_empty() || text.starts_with("HTTP/1.1 408"),
        "{text}"
    );

    // A whole head and half a body: 408.
    let half = format!(
        "POST /sandbox/clock/advance HTTP/1.1\r\nHost: {host}\r\nContent-Length: 100\r\n\r\n{{\"seconds\":"
    );
    let started = Instant::now();
    let (status, _) = raw(addr, &half).await;
    assert_eq!(status, 408);
    assert!(started.elapsed() >= Duration::from_millis(500));

    // A complete request on the same settings is answered.
    let (status, body) = raw(addr, &request("GET", "/sandbox/health", &host, &[], "")).await;
    assert_eq!((status, body["ok"].as_bool()), (200, Some(true)));
    handle.shutdown().await;
}

#[tokio::test]
async fn a_half_sent_request_does_not_hold_up_a_shutdown() {
    // Default timeouts (10 s / 30 s): only the shutdown itself may end the connection.
    let handle = spawn(SandboxConfig::default()).await.unwrap();
    let addr = handle.addr();
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(b"POST /sandbox/reset HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    tokio::time::timeout(Duration::from_secs(3), handle.shutdown())
        .await
        .expect("the shutdown finished within 3 s");
    assert!(started.elapsed() < Duration::from_secs(2));
    let mut out = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(2), s.read_to_end(&mut out)).await;
    assert!(closed.is_ok(), "the half-sent connection was closed");

    // The app's thread simulator too: dropping it returns promptly.
    let thread = spawn_blocking_thread(SandboxConfig::default()).unwrap();
    let mut held = std::net::TcpStream::connect(thread.addr()).unwrap();
    std::io::Write::write_all(&mut held, b"GET /sandbox/health HTTP/1.1\r\n").unwrap();
    std::thread::sleep(Duration::from_millis(100));
    let started = Instant::now();
    drop(thread);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[cfg(unix)]
#[tokio::test]
async fn the_state_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let path = temp_dir("private").join("state.json");
    let config = SandboxConfig {
        state_file: Some(path.clone()),
        ..SandboxConfig::default()
    };
    let sim = Sim::start_with(config.clone()).await;
    sim.advance(5).await;
    assert_eq!(mode(&path), 0o600, "created private");
    sim.handle.shutdown().await;

    // A file left world-readable (by an older version) is made private at start.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let handle = spawn(config.clone()).await.unwrap();
    assert_eq!(mode(&path), 0o600, "fixed at start");
    handle.shutdown().await;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    // A temp file left by a crash, world-readable, is not reused with its mode.
    let stale = format!("{}.{}.tmp", path.display(), std::process::id());
    std::fs::write(&stale, "old").unwrap();
    std::fs::set_permissions(&stale, std::fs::Permissions::from_mode(0o644)).unwrap();
    let again = Sim::start_with(config).await;
    again.advance(5).await;
    assert_eq!(mode(&path), 0o600, "and when written");
    let _ = std::fs::remove_dir_all(path.parent().unwrap());
}
