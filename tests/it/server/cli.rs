//! `coupon-studio server` as a real process on both backends: the key commands, secrets from
//! the environment, a config file and a secret file; `kill -9` during a burst loses no
//! acknowledged push; refused pushes are logged without their secrets.

use std::collections::BTreeSet;
use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::support::server::*;
use crate::support::{bin, temp_dir};

const SECRET: &str = "app-secret-of-the-cli-test-91";

/// `coupon-studio server …` with none of the developer's own server variables.
pub(super) fn command(args: &[String]) -> Command {
    let mut c = bin::command(&["server"]);
    c.args(args);
    c
}

/// Runs a key command; its standard output.
pub(super) fn key_command(db: &Db, sub: &str, name: Option<&str>) -> (bool, String) {
    let mut args = vec![sub.to_owned()];
    args.extend(db.flags());
    args.extend(name.map(str::to_owned));
    let out = command(&args).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

/// Kills the server started with its log kept, and reads the log (its standard error).
pub(super) fn stop_reading_log(child: &mut Child) -> String {
    child.kill().unwrap();
    child.wait().unwrap();
    let mut log = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    log
}

/// Starts the server with the Token from the environment, the EncodingAESKey from a config
/// file and the AppSecret from a file; its URL once it printed where it listens. `log`:
/// keep its standard error (the log) to read.
fn start(db: &Db, dir: &std::path::Path, log: bool) -> (Child, String) {
    let config = dir.join("server.toml");
    std::fs::write(&config, format!("encoding_aes_key = \"{AES_KEY}\"\n")).unwrap();
    let secret = dir.join("secret");
    std::fs::write(&secret, format!("{SECRET}\n")).unwrap();
    let mut args: Vec<String> = vec!["--addr".into(), "127.0.0.1:0".into()];
    args.extend(["--appid".into(), APPID.into()]);
    args.extend(["--config".into(), config.display().to_string()]);
    args.extend(["--secret-file".into(), secret.display().to_string()]);
    args.extend(db.flags());
    let (child, url) = bin::spawn_listening(
        command(&args)
            .env("COUPON_STUDIO_SERVER_TOKEN", TOKEN)
            // An unread pipe would fill and block the server: capture only when read.
            .stderr(if log { Stdio::piped() } else { Stdio::null() }),
    );
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    (child, url)
}

async fn keys_are_made_listed_and_revoked_from_the_command_line(db: Db) {
    let (ok, out) = key_command(&db, "add-key", Some("王芳"));
    assert!(ok, "{out}");
    let key = out.lines().last().unwrap().trim().to_owned();
    assert!(key.starts_with("csk_") && key.len() > 40, "{out}");
    let (ok, again) = key_command(&db, "add-key", Some("王芳"));
    assert!(!ok && again.contains("revoke it first"), "{again}");
    let dir = temp_dir("cli");
    let (mut child, url) = start(&db, &dir, false);
    let http = reqwest::Client::new();
    let at = now();
    assert_eq!(
        post(&http, safe(&url, &claim("c1", 4, at), at)).await,
        (200, "success".into())
    );
    let (status, page) = events(&http, &url, &key, "").await;
    assert_eq!(status, 200);
    assert_eq!(page["events"][0]["OuterId"], 4);
    let (ok, list) = key_command(&db, "list-keys", None);
    assert!(
        ok && list.contains("王芳") && list.contains("active"),
        "{list}"
    );
    // The database flags may also come before the key command.
    let mut before = db.flags();
    before.push("list-keys".into());
    let out = command(&before).output().unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("王芳"),
        "{out:?}"
    );
    assert!(!list.contains(&key), "{list}");
    let (ok, out) = key_command(&db, "revoke-key", Some("王芳"));
    assert!(ok, "{out}");
    assert_eq!(events(&http, &url, &key, "").await.0, 401);
    let (ok, list) = key_command(&db, "list-keys", None);
    assert!(ok && list.contains("revoked"), "{list}");
    let (ok, _) = key_command(&db, "revoke-key", Some("nobody"));
    assert!(!ok);
    child.kill().unwrap();
    child.wait().unwrap();
}
on_both!(
    key_commands,
    super::keys_are_made_listed_and_revoked_from_the_command_line
);

#[test]
fn missing_secrets_and_mixed_flags_are_refused() {
    let dir = temp_dir("refuse");
    let d = dir.display().to_string();
    // No Token anywhere.
    let out = command(&[
        "--data-dir".into(),
        d.clone(),
        "--appid".into(),
        "wx".into(),
    ])
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("COUPON_STUDIO_SERVER_TOKEN"));
    // Flags of a run and a key command together.
    let out = command(&["--addr".into(), "127.0.0.1:0".into(), "list-keys".into()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    // A bad EncodingAESKey is named, not quoted.
    let out = command(&[
        "--data-dir".into(),
        d,
        "--appid".into(),
        "wx".into(),
        "--encoding-aes-key".into(),
        "short-secret-key".into(),
    ])
    .env("COUPON_STUDIO_SERVER_TOKEN", TOKEN)
    .output()
    .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("EncodingAESKey"),
        "{err}"
    );
    assert!(
        !err.contains("short-secret-key") && !err.contains(TOKEN),
        "{err}"
    );
}

async fn a_kill_during_a_burst_loses_no_acknowledged_push(db: Db) {
    let key = {
        let (ok, out) = key_command(&db, "add-key", Some("kill"));
        assert!(ok, "{out}");
        out.lines().last().unwrap().trim().to_owned()
    };
    let dir = temp_dir("kill");
    let (mut child, url) = start(&db, &dir, false);
    let http = reqwest::Client::new();
    let acked = Arc::new(std::sync::Mutex::new(BTreeSet::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let at = now();
    let mut clients = tokio::task::JoinSet::new();
    for c in 0..8 {
        let (http, url, acked, stop) = (http.clone(), url.clone(), acked.clone(), stop.clone());
        clients.spawn(async move {
            // Bounded: at most 2000 pushes a client.
            for i in 0..2000 {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let code = format!("k{c}-{i}");
                let request = safe(&url, &claim(&code, c, at), at);
                let Ok(r) = http.post(request.0).body(request.1).send().await else {
                    break; // the server is gone
                };
                if r.status() == 200 && r.text().await.is_ok_and(|t| t == "success") {
                    acked.lock().unwrap().insert(code);
                }
            }
        });
    }
    // Kill once a few hundred pushes are in, while the clients are still sending.
    while acked.lock().unwrap().len() < 300 {
        tokio::task::yield_now().await;
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    stop.store(true, Ordering::Relaxed);
    while clients.join_next().await.is_some() {}
    let acked = acked.lock().unwrap().clone();
    let (mut child, url) = start(&db, &dir, false);
    let stored: BTreeSet<String> = all_events(&http, &url, &key)
        .await
        .iter()
        .map(|e| e["UserCardCode"].as_str().unwrap().to_owned())
        .collect();
    let lost: Vec<_> = acked.difference(&stored).collect();
    assert!(
        lost.is_empty(),
        "{} acknowledged pushes lost: {lost:?}",
        lost.len()
    );
    assert!(acked.len() >= 300);
    child.kill().unwrap();
    child.wait().unwrap();
}
on_both!(
    kill_9,
    super::a_kill_during_a_burst_loses_no_acknowledged_push
);

async fn refused_pushes_are_logged_without_their_secrets(db: Db) {
    let dir = temp_dir("log");
    let (mut child, url) = start(&db, &dir, true);
    let http = reqwest::Client::new();
    let requests = super::push::bad_requests(&url);
    let mut encrypts = Vec::new();
    for (what, request, status) in requests.iter().cloned() {
        if let Some(e) = coupon_studio::wxpush::Push::parse(request.1.as_bytes())
            .ok()
            .and_then(|p| p.get("Encrypt").map(str::to_owned))
        {
            encrypts.push(e);
        }
        assert_eq!(post(&http, request).await.0, status, "{what}");
    }
    let log = stop_reading_log(&mut child);
    let refused = log.lines().filter(|l| l.contains("push refused")).count();
    assert_eq!(refused, requests.len(), "every refusal logged:\n{log}");
    assert!(
        log.contains("bad signature") && log.contains("replay"),
        "{log}"
    );
    assert!(encrypts.len() >= 4);
    for secret in [TOKEN, AES_KEY, SECRET, "o-user-999", "/etc/passwd"]
        .into_iter()
        .chain(encrypts.iter().map(|e| &e[..24]))
    {
        assert!(!log.contains(secret), "the log holds {secret}:\n{log}");
    }
}
on_both!(
    log_silence,
    super::refused_pushes_are_logged_without_their_secrets
);
