//! Helpers shared by the tests of this binary: a fresh folder for each test, the fixtures, a
//! process of its own for a test that needs one, the real binary as a child ([`bin`]), and
//! the simulator through the API client (here), over raw JSON ([`wire`]) or from a blocking
//! UI test ([`sim`]); the app under egui_kittest ([`ui`]); a photo-like picture ([`photo`]);
//! a merchant server for pushes ([`receiver`]) and an open platform's side ([`platform`]);
//! the company server ([`server`], [`platform_server`]) and the chains simulator → server →
//! app of issue 19 ([`chain`]) and of issue 20's platform ([`platform_chain`]).
//!
//! Every test of the binary shares one process: nothing here sets an environment variable,
//! changes the current directory or names a file after the process alone.

pub mod bin;
pub mod chain;
pub mod photo;
pub mod platform;
pub mod platform_chain;
pub mod platform_server;
pub mod receiver;
pub mod relay;
pub mod server;
pub mod sim;
pub mod ui;
pub mod wire;

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

use coupon_studio::api::{ApiClient, SandboxAdmin, TokenSource};
use coupon_studio::card::import::parse_create_body;
use coupon_studio::card::{Card, CreateBody, Int};
use coupon_studio::sandbox::{SandboxConfig, SandboxHandle, spawn};
use serde_json::{Value, json};

/// The running test's name (`wallet::ui::…`): libtest names each test's thread after it.
pub fn test_name() -> String {
    std::thread::current()
        .name()
        .unwrap_or("unnamed")
        .to_owned()
}

/// A fresh, empty folder for `name` in the running test. The test's name, a counter and the
/// process id are in the folder's name, so no two tests, calls or concurrent runs share one.
pub fn temp_dir(name: &str) -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let test = test_name().replace("::", ".");
    let dir = std::env::temp_dir().join(format!("cs-{test}-{name}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every file under `dir`, in its folders too.
pub fn files_under(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Fails unless no file of `files` holds any of `secrets`, each given as (what it is, its
/// text): for a session that must write no secret anywhere.
pub fn assert_no_file_holds(files: &[PathBuf], secrets: &[(&str, &str)]) {
    for path in files {
        let bytes = std::fs::read(path).unwrap();
        for (what, needle) in secrets {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                "{what} is in {}",
                path.display()
            );
        }
    }
}

/// The coin orders of every time (`getorderlist` from 0 to the end of `u32` seconds), the
/// first 50.
pub async fn all_orders(c: &ApiClient) -> coupon_studio::api::pay::OrderList {
    c.get_order_list(&coupon_studio::api::OrderListQuery {
        count: 50,
        begin_time: Some(0),
        end_time: Some(i64::from(u32::MAX)),
        ..Default::default()
    })
    .await
    .unwrap()
}

/// A file of `tests/fixtures`, as text.
pub fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Runs the calling test again, alone, in a child process of this binary: true there, so the
/// caller goes on with its body; false in the parent once the child passed. For a test that
/// changes what is process-wide, such as the global log.
pub fn in_own_process() -> bool {
    const CHILD: &str = "COUPON_STUDIO_IT_OWN_PROCESS";
    let test = test_name();
    if std::env::var_os(CHILD).is_some_and(|t| t == test.as_str()) {
        return true;
    }
    let out = Command::new(std::env::current_exe().unwrap())
        .args([test.as_str(), "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, &test)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    print!("{stdout}");
    eprint!("{stderr}");
    assert!(
        out.status.success() && stdout.contains("test result: ok. 1 passed"),
        "{test} failed in its own process ({})",
        out.status
    );
    false
}

/// A fresh simulator and a stable-token client for it.
pub async fn setup() -> (SandboxHandle, ApiClient) {
    let handle = spawn(SandboxConfig::default()).await.unwrap();
    let client = setup_client(&handle.url());
    (handle, client)
}

/// A stable-token client for the simulator at `base`, acting for its default merchant.
pub fn setup_client(base: &str) -> ApiClient {
    ApiClient::new(
        base,
        TokenSource::Stable {
            appid: "wx1".into(),
            secret: "s".into(),
        },
    )
    .unwrap()
}

/// The simulator's admin API, through the client's HTTP pool (the app's own typed client).
pub fn sim_admin(c: &ApiClient) -> SandboxAdmin {
    SandboxAdmin::with_http(c.http().clone(), c.base_url())
}

/// POSTs to the simulator's admin API; the answer whether it agreed or refused.
pub async fn admin(c: &ApiClient, path: &str, body: Value) -> Value {
    sim_admin(c).post_any(path, &body).await.unwrap()
}

/// Calls the simulator received on a WeChat path.
pub async fn calls(c: &ApiClient, path: &str) -> u64 {
    sim_admin(c).calls(path).await.unwrap()
}

/// The simulated time.
pub async fn sim_now(c: &ApiClient) -> i64 {
    sim_admin(c).now().await.unwrap()
}

/// The down-jacket fixture, valid from `begin` to `end` seconds after the simulated now.
pub async fn fixture_body(c: &ApiClient, begin: i64, end: i64) -> CreateBody {
    let mut body = parse_create_body(&fixture("down-jacket.json")).unwrap();
    let now = sim_now(c).await;
    let d = body.card.date_info_mut();
    d.begin_timestamp = Some(Int::Num(now + begin));
    d.end_timestamp = Some(Int::Num(now + end));
    body
}

/// An approved down-jacket card with `stock` units, valid from a minute ago for `days` days.
pub async fn stocked_card(c: &ApiClient, stock: u32, days: i64) -> String {
    stocked_card_between(c, -60, days * 86_400, stock).await
}

/// An approved down-jacket card with `stock` units, valid from `begin` to `end` seconds after
/// the simulated now.
pub async fn stocked_card_between(c: &ApiClient, begin: i64, end: i64, stock: u32) -> String {
    let id = c
        .create_card(&fixture_body(c, begin, end).await)
        .await
        .unwrap();
    admin(
        c,
        "/sandbox/card/review",
        json!({"card_id": id, "approve": true}),
    )
    .await;
    if stock > 0 {
        c.pay_activate().await.unwrap();
        let q = c.get_pay_price(&id, stock).await.unwrap();
        c.confirm(&id, &q.order_id, stock).await.unwrap();
    }
    id
}

/// A user scans a card or a QR code (the admin API's answer).
pub async fn scan(c: &ApiClient, body: Value) -> Value {
    admin(c, "/sandbox/user/scan", body).await
}

/// A fresh simulator with an approved down-jacket card valid from a minute ago for 20 days:
/// the simulator, a client, the card's id and the card as card/get answers it.
pub async fn approved_card() -> (SandboxHandle, ApiClient, String, Card) {
    let (h, c) = setup().await;
    let body = fixture_body(&c, -60, 20 * 86_400).await;
    let id = c.create_card(&body).await.unwrap();
    admin(
        &c,
        "/sandbox/card/review",
        json!({"card_id": id, "approve": true}),
    )
    .await;
    let card = c.get_card(&id).await.unwrap().body.card;
    (h, c, id, card)
}

/// The text of every page of a PDF, and the page count.
pub fn pdf_text(bytes: &[u8]) -> (usize, String) {
    let doc = lopdf::Document::load_mem(bytes).unwrap();
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    let text = doc.extract_text(&pages).unwrap();
    (pages.len(), text)
}
