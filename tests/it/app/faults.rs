//! The app's flows under the simulator's faults (POST /sandbox/faults): a 20-second answer
//! never stalls a frame, reads retry through HTTP 500, writes are never sent twice (counted on
//! the simulator's side), an expired token is refreshed once mid-flow, unreadable answers and
//! broken connections are shown as errors, and the draft and the journal stay intact.

use std::time::{Duration, Instant};

use coupon_studio::app::{Backend, Nav};
use coupon_studio::i18n::Lang;
use coupon_studio::store::{EntryKind, Store};
use coupon_studio::ui::design::Command as DesignCmd;
use coupon_studio::ui::wallet::ConfirmState;
use serde_json::json;

use crate::support::sim::Sim;
use crate::support::temp_dir;
use crate::support::ui::*;

/// The longest a frame may take while a slow call is in flight.
const FRAME_BOUND: Duration = Duration::from_secs(1);

fn sandbox() -> (Backend, Sim) {
    let backend = Backend::start_sandbox(None).unwrap();
    let sim = Sim::new(backend.sandbox_url().unwrap(), "t", "t");
    (backend, sim)
}

/// Puts the fixture body in the open draft and waits for the autosave.
fn fill_draft(h: &mut H, sim: &Sim) -> (i64, coupon_studio::card::CreateBody) {
    let id = wait_for_draft(h);
    let body = sim.fixture();
    {
        let app = h.state_mut();
        app.design.doc.as_mut().unwrap().body = body.clone();
        app.design.edits.dirty_since = Some(Instant::now());
    }
    wait_for(h, "the autosave", |h| {
        h.state().design.edits.dirty_since.is_none() && !h.state().design.edits.saving
    });
    (id, body)
}

fn saved_body(dir: &std::path::Path, id: i64) -> String {
    Store::open(&dir.join("coupon-studio.sqlite"))
        .unwrap()
        .load_draft(id)
        .unwrap()
        .body
}

#[test]
fn a_20_second_answer_never_stalls_a_frame() {
    let dir = temp_dir("faults-latency");
    let (backend, sim) = sandbox();
    // The balance is read twice at start, by the Wallet and for Design's cost line: both
    // answers are 20 s late.
    sim.faults(
        "/card/pay/getcoinsinfo",
        json!([{"kind": "latency", "ms": 20_000}, {"kind": "latency", "ms": 20_000}]),
    );
    let mut h = app(&dir, backend, Nav::Wallet);
    let started = Instant::now();
    let mut slowest = Duration::ZERO;
    let mut frames = 0_u32;
    // Typing in the draft meanwhile: the editor stays live and autosaves.
    let (id, _) = fill_draft(&mut h, &sim);
    while h.state().wallet.balance.is_none() {
        assert!(
            started.elapsed() < Duration::from_secs(28),
            "the slow answer never came"
        );
        let t = Instant::now();
        h.step();
        slowest = slowest.max(t.elapsed());
        frames += 1;
        std::thread::sleep(Duration::from_millis(15));
    }
    let waited = started.elapsed();
    eprintln!(
        "20 s getcoinsinfo: {frames} frames in {:.1} s, slowest {} ms",
        waited.as_secs_f64(),
        slowest.as_millis()
    );
    assert!(waited >= Duration::from_secs(19), "{waited:?}");
    assert!(slowest < FRAME_BOUND, "a frame took {slowest:?}");
    assert!(frames > 100, "only {frames} frames in {waited:?}");
    // Once per panel, never retried while waiting.
    assert_eq!(sim.calls("/card/pay/getcoinsinfo"), 2);
    assert!(saved_body(&dir, id).contains("羽绒服"));
}

#[test]
fn reads_retry_through_http_500_and_say_so_when_they_give_up() {
    let dir = temp_dir("faults-500");
    let (backend, sim) = sandbox();
    // Two failures: the third try (after 200 ms and 600 ms) gets the colours.
    sim.faults(
        "/card/getcolors",
        json!([{"kind": "http500"}, {"kind": "http500"}]),
    );
    let mut h = app(&dir, backend, Nav::Design);
    wait_for(&mut h, "the colours", |h| {
        h.state().design.colors.len() == 14
    });
    assert!(!h.state().design.colors_offline);
    assert_eq!(sim.calls("/card/getcolors"), 3);
    // Three failures and a malformed answer: the offline palette, and a visible note.
    sim.faults(
        "/card/getcolors",
        json!([{"kind": "http500"}, {"kind": "http500"}, {"kind": "http500"}]),
    );
    h.state_mut().run(DesignCmd::LoadLookups);
    wait_for(&mut h, "the offline palette", |h| {
        h.state().design.colors_offline
    });
    assert_eq!(sim.calls("/card/getcolors"), 6);
    sim.faults("/card/getcolors", json!([{"kind": "malformed"}]));
    h.state_mut().design.colors_offline = false;
    h.state_mut().run(DesignCmd::LoadLookups);
    wait_for(&mut h, "the offline palette again", |h| {
        h.state().design.colors_offline
    });
    // A malformed answer is not retried (it is not a transport failure).
    assert_eq!(sim.calls("/card/getcolors"), 7);
}

#[test]
fn create_is_never_sent_twice_and_an_expired_token_is_refreshed_once() {
    let dir = temp_dir("faults-create");
    let (backend, sim) = sandbox();
    let mut h = app(&dir, backend, Nav::Design);
    let (id, body) = fill_draft(&mut h, &sim);

    // 42001 mid-flow: not processed, so the client gets a new token and sends it again once.
    sim.admin("/sandbox/calls/reset", json!({}));
    sim.faults("/card/create", json!([{"kind": "token_expired"}]));
    h.state_mut()
        .run(DesignCmd::Create(Some(id), Box::new(body.clone())));
    wait_for(&mut h, "the card", |h| {
        h.state().design.flow.card_id.is_some()
    });
    assert_eq!(sim.calls("/card/create"), 2);

    // Processed, then the answer is unreadable: an error, and no second create.
    h.state_mut().design.flow = Default::default();
    sim.faults("/card/create", json!([{"kind": "malformed"}]));
    h.state_mut()
        .run(DesignCmd::Create(Some(id), Box::new(body.clone())));
    wait_for(&mut h, "the error", |h| {
        h.state().design.flow.error.is_some()
    });
    let e = h.state().design.flow.error.clone().unwrap();
    assert!(e.text(Lang::Zh).contains("/card/create"), "{e:?}");
    assert_eq!(sim.calls("/card/create"), 3);

    // Processed, then the connection breaks: an error, and no second create.
    h.state_mut().design.flow = Default::default();
    sim.faults("/card/create", json!([{"kind": "drop_after"}]));
    h.state_mut()
        .run(DesignCmd::Create(Some(id), Box::new(body.clone())));
    wait_for(&mut h, "the error", |h| {
        h.state().design.flow.error.is_some()
    });
    assert_eq!(sim.calls("/card/create"), 4);

    // HTTP 500 on a write is shown, not retried.
    h.state_mut().design.flow = Default::default();
    sim.faults("/card/create", json!([{"kind": "http500"}]));
    h.state_mut()
        .run(DesignCmd::Create(Some(id), Box::new(body.clone())));
    wait_for(&mut h, "the error", |h| {
        h.state().design.flow.error.is_some()
    });
    assert!(
        h.state()
            .design
            .flow
            .error
            .clone()
            .unwrap()
            .text(Lang::Zh)
            .contains("500")
    );
    assert_eq!(sim.calls("/card/create"), 5);

    // Through all of it the draft kept its body.
    let saved: serde_json::Value = serde_json::from_str(&saved_body(&dir, id)).unwrap();
    let expected: serde_json::Value =
        serde_json::from_str(&coupon_studio::card::import::to_pretty_json(&body)).unwrap();
    assert_eq!(saved, expected);
}

#[test]
fn money_calls_under_faults_are_counted_once_and_journalled() {
    let dir = temp_dir("faults-money");
    let (backend, sim) = sandbox();
    let card = sim.approved_card();
    let mut h = app(&dir, backend, Nav::Wallet);
    start_with_quote(&mut h, &card, "10");
    // An expired token on confirm: WeChat did not run it; the money call is not repeated
    // by the client, the error is shown and the quote can be confirmed by the user again.
    sim.faults("/card/pay/confirm", json!([{"kind": "token_expired"}]));
    click(&mut h, "确认兑换");
    wait_for(&mut h, "the refused confirm", |h| {
        !matches!(
            h.state().wallet.confirm,
            ConfirmState::Sending(_) | ConfirmState::Idle
        ) || has(h, "42001")
    });
    assert_eq!(sim.calls("/card/pay/confirm"), 1);
    // A slow (3 s) confirm: frames keep coming, and a double click sends nothing more.
    if enabled(&h, "确认兑换") {
        sim.faults(
            "/card/pay/confirm",
            json!([{"kind": "latency", "ms": 3_000}]),
        );
        click(&mut h, "确认兑换");
        let t = Instant::now();
        let mut slowest = Duration::ZERO;
        while t.elapsed() < Duration::from_secs(1) {
            let f = Instant::now();
            h.step();
            slowest = slowest.max(f.elapsed());
            if enabled(&h, "确认兑换") {
                click(&mut h, "确认兑换");
            }
        }
        assert!(slowest < FRAME_BOUND, "{slowest:?}");
        wait_for(&mut h, "the purchase", |h| {
            matches!(h.state().wallet.confirm, ConfirmState::Done(_))
        });
        assert_eq!(sim.calls("/card/pay/confirm"), 2);
    }
    // A recharge whose answer is lost after WeChat made the order: uncertain, not re-sent.
    set_text(&mut h, "充值券点", "50");
    sim.faults("/card/pay/recharge", json!([{"kind": "drop_after"}]));
    click(&mut h, "生成充值二维码");
    wait_for_within(
        &mut h,
        Duration::from_secs(15),
        "the recharge outcome",
        |h| h.state().wallet.recharge.is_some() || has(h, "未知"),
    );
    for _ in 0..20 {
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(sim.calls("/card/pay/recharge"), 1);
    // The journal holds each money call once.
    let store = Store::open(&dir.join("coupon-studio.sqlite")).unwrap();
    let entries = store.journal_recent("sandbox", 20).unwrap();
    let recharges = entries
        .iter()
        .filter(|e| e.kind == EntryKind::Recharge)
        .count();
    assert_eq!(recharges, 1, "{entries:?}");
}
