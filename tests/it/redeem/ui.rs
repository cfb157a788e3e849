//! The Redeem panel, headless (egui_kittest), on the in-process simulator: every code status,
//! offline consume with its gift-back, an encrypt_code URL, and online use with a mark (and a
//! mark held by someone else).

use coupon_studio::api::{ApiClient, TokenSource};
use coupon_studio::app::{Backend, Nav};
use coupon_studio::i18n::Lang;
use coupon_studio::redeem::{STATUSES, status_text};
use egui_kittest::kittest::Queryable;
use serde_json::json;

use crate::support::ui::{H, app_sized, click, enabled, has, set_text, wait_for};
use crate::support::{self, temp_dir};

struct Sim {
    rt: tokio::runtime::Runtime,
    c: ApiClient,
    card: String,
}

impl Sim {
    /// An approved down-jacket card (gift-back 1) with 10 units of stock, valid now.
    fn new(url: &str) -> Self {
        let c = ApiClient::new(
            url,
            TokenSource::Stable {
                appid: "t".into(),
                secret: "t".into(),
            },
        )
        .unwrap();
        let rt = tokio::runtime::Runtime::new().unwrap();
        let card = rt.block_on(support::stocked_card_between(&c, -3_600, 20 * 86_400, 10));
        Self { rt, c, card }
    }

    /// A user scans the card and receives a code.
    fn received_code(&self, openid: &str) -> String {
        let v = self.rt.block_on(support::admin(
            &self.c,
            "/sandbox/user/scan",
            json!({"card_id": self.card, "openid": openid}),
        ));
        v["code"].as_str().unwrap().to_owned()
    }

    fn stock(&self) -> i64 {
        self.rt
            .block_on(self.c.get_card(&self.card))
            .unwrap()
            .quantity
            .unwrap()
    }
}

/// Waits until nothing is in flight (a mark or consume is followed by a re-query).
fn settle(h: &mut H) {
    wait_for(h, "the panel to settle", |h| !h.state().redeem.busy());
    h.step();
}

fn calls(sim: &Sim, path: &str) -> u64 {
    sim.rt.block_on(support::calls(&sim.c, path))
}

fn admin(sim: &Sim, path: &str, body: serde_json::Value) -> serde_json::Value {
    sim.rt.block_on(support::admin(&sim.c, path, body))
}

fn look_up(h: &mut H, input: &str) {
    set_text(h, "券码或链接", input);
    wait_for(h, "the look-up button", |h| enabled(h, "查询"));
    click(h, "查询");
}

#[test]
fn every_code_status_reads_in_chinese() {
    let dir = temp_dir("redeem-statuses");
    let backend = Backend::start_sandbox(None).unwrap();
    let sim = Sim::new(backend.sandbox_url().unwrap());
    let code = sim.received_code("oUserA");
    let mut h = app_sized(&dir, backend, Nav::Redeem, egui::vec2(1400.0, 1000.0));
    for status in STATUSES {
        sim.rt.block_on(support::admin(
            &sim.c,
            "/sandbox/code/status",
            json!({"code": code, "status": status}),
        ));
        look_up(&mut h, &code);
        let (zh, hint) = status_text(status, Lang::Zh);
        let want = format!("{zh} · {hint}");
        wait_for(&mut h, &want, |h| has(h, &want));
        // Only a NORMAL code can be used.
        assert_eq!(
            h.state().redeem.lookup.as_ref().unwrap().info.can_consume,
            status == "NORMAL"
        );
    }
    // An unknown code names the guide's error and its guidance.
    look_up(&mut h, "999999999999");
    wait_for(&mut h, "the 40056 error", |h| has(h, "40056"));
    assert!(has(&h, "Code 尚未被领取"));
}

#[test]
fn offline_consume_uses_the_code_once_and_issues_the_gift_back() {
    let dir = temp_dir("redeem-offline");
    let backend = Backend::start_sandbox(None).unwrap();
    let sim = Sim::new(backend.sandbox_url().unwrap());
    let code = sim.received_code("oUserA");
    let stock = sim.stock();
    let mut h = app_sized(&dir, backend, Nav::Redeem, egui::vec2(1400.0, 1000.0));
    look_up(&mut h, &code);
    wait_for(&mut h, "the normal code", |h| has(h, "正常 · 可以核销"));
    click(&mut h, "核销此券");
    wait_for(&mut h, "the consume", |h| {
        has(h, "已核销 ") && has(h, "已核销 · 不能再次核销")
    });
    assert!(has(&h, "赠送 1 张本券"));
    assert_eq!(sim.stock(), stock - 1, "the gift-back code took one unit");
    assert_eq!(
        sim.rt
            .block_on(support::calls(&sim.c, "/card/code/consume")),
        1
    );
    // The code is spent: a second consume is refused with the guide's words (40099).
    wait_for(&mut h, "the consume button", |h| enabled(h, "核销此券"));
    click(&mut h, "核销此券");
    wait_for(&mut h, "40099", |h| has(h, "40099"));
    settle(&mut h);
    assert!(
        has(&h, "Code 已经被核销"),
        "the error outlives the re-query"
    );
}

#[test]
fn an_encrypt_code_url_is_decrypted_first() {
    let dir = temp_dir("redeem-decrypt");
    let backend = Backend::start_sandbox(None).unwrap();
    let sim = Sim::new(backend.sandbox_url().unwrap());
    let code = sim.received_code("oUserA");
    let enc = sim.rt.block_on(support::admin(
        &sim.c,
        "/sandbox/code/encrypt",
        json!({"code": code}),
    ))["encrypt_code"]
        .as_str()
        .unwrap()
        .to_owned();
    let url = format!(
        "https://shop.example/use?card_id={}&encrypt_code={}&openid=oUserA",
        sim.card,
        enc.replace('+', "%2B")
            .replace('/', "%2F")
            .replace('=', "%3D")
    );
    let mut h = app_sized(&dir, backend, Nav::Redeem, egui::vec2(1400.0, 1000.0));
    look_up(&mut h, &url);
    wait_for(&mut h, "the decrypted code", |h| {
        h.state()
            .redeem
            .lookup
            .as_ref()
            .is_some_and(|l| l.code == code && l.decrypted_from.is_some())
    });
    assert!(has(&h, "正常 · 可以核销"));
    assert_eq!(
        sim.rt
            .block_on(support::calls(&sim.c, "/card/code/decrypt")),
        1
    );
    // Using it re-queries by the plain code; the encrypt_code it came from stays on screen.
    click(&mut h, "核销此券");
    wait_for(&mut h, "the consume", |h| has(h, "已核销 · 不能再次核销"));
    settle(&mut h);
    assert_eq!(
        h.state()
            .redeem
            .lookup
            .as_ref()
            .and_then(|l| l.decrypted_from.as_deref()),
        Some(enc.as_str())
    );
}

#[test]
fn online_use_needs_a_mark_and_someone_elses_mark_is_explained() {
    let dir = temp_dir("redeem-online");
    let backend = Backend::start_sandbox(None).unwrap();
    let sim = Sim::new(backend.sandbox_url().unwrap());
    let code = sim.received_code("oUserA");
    let mut h = app_sized(&dir, backend, Nav::Redeem, egui::vec2(1400.0, 1000.0));
    look_up(&mut h, &code);
    wait_for(&mut h, "the normal code", |h| has(h, "正常 · 可以核销"));
    h.get_by_label("线上核销(先占用)").click_accesskit();
    h.step();
    h.step();
    // Without a mark the consume button waits.
    assert!(!enabled(&h, "核销此券"));
    // Someone else (oFriend) holds the mark: marking as oUserA is refused with 40146.
    sim.rt
        .block_on(sim.c.mark_code(&code, &sim.card, "oFriend", true))
        .unwrap();
    click(&mut h, "占用");
    wait_for(&mut h, "the 40146 error", |h| has(h, "微信返回 40146"));
    settle(&mut h);
    assert!(has(&h, "该 code 已被其他用户 mark"));
    assert!(has(&h, "等对方解除或 5 分钟后自动解除"));
    sim.rt
        .block_on(sim.c.mark_code(&code, &sim.card, "oFriend", false))
        .unwrap();
    wait_for(&mut h, "the mark button", |h| enabled(h, "占用"));
    click(&mut h, "占用");
    wait_for(&mut h, "the countdown", |h| {
        has(h, "占用剩余 4:") || has(h, "占用剩余 5:")
    });
    wait_for(&mut h, "the mark holder", |h| {
        h.state()
            .redeem
            .lookup
            .as_ref()
            .is_some_and(|l| l.info.mark_openid == "oUserA")
    });
    wait_for(&mut h, "the consume button", |h| enabled(h, "核销此券"));
    click(&mut h, "核销此券");
    wait_for(&mut h, "the consume", |h| has(h, "已核销 · 不能再次核销"));
    assert_eq!(
        sim.rt
            .block_on(support::calls(&sim.c, "/card/code/consume")),
        1
    );
}

#[test]
fn consuming_each_abnormal_status_names_the_guides_code_and_guidance() {
    let dir = temp_dir("redeem-refusals");
    let backend = Backend::start_sandbox(None).unwrap();
    let sim = Sim::new(backend.sandbox_url().unwrap());
    let mut h = app_sized(&dir, backend, Nav::Redeem, egui::vec2(1400.0, 1000.0));
    let before = calls(&sim, "/card/code/consume");
    let cases = [
        ("GIFTING", 40078, "该 Code 已经被删除或者转赠中"),
        ("DELETE", 40078, "该 Code 已经被删除或者转赠中"),
        (
            "GIFT_TIMEOUT",
            40127,
            "该 Code 已经被删除、置为失效或者转赠成功",
        ),
        (
            "UNAVAILABLE",
            40127,
            "该 Code 已经被删除、置为失效或者转赠成功",
        ),
        ("EXPIRE", 40079, "卡券过期"),
        ("CONSUMED", 40099, "Code 已经被核销"),
    ];
    for (status, errcode, words) in cases {
        let code = sim.received_code(&format!("o{status}"));
        admin(
            &sim,
            "/sandbox/code/status",
            json!({"code": code, "status": status}),
        );
        look_up(&mut h, &code);
        let (zh, hint) = status_text(status, Lang::Zh);
        let shown = format!("{zh} · {hint}");
        wait_for(&mut h, &shown, |h| has(h, &shown));
        wait_for(&mut h, "the consume button", |h| enabled(h, "核销此券"));
        click(&mut h, "核销此券");
        let want = format!("微信返回 {errcode}");
        wait_for(&mut h, &want, |h| has(h, &want));
        settle(&mut h);
        assert!(has(&h, &want), "{status}: the error outlives the re-query");
        assert!(has(&h, words), "{status}");
        // The guide's guidance for all four: query the code before consuming.
        assert!(has(&h, "核销前先"), "{status}: the guidance");
        assert!(has(&h, &shown), "{status}: unchanged");
    }
    assert_eq!(
        calls(&sim, "/card/code/consume") - before,
        cases.len() as u64,
        "one consume per click"
    );
}

#[test]
fn a_slow_consume_is_sent_once_and_the_button_waits() {
    let dir = temp_dir("redeem-slow");
    let backend = Backend::start_sandbox(None).unwrap();
    let sim = Sim::new(backend.sandbox_url().unwrap());
    let code = sim.received_code("oUserA");
    let mut h = app_sized(&dir, backend, Nav::Redeem, egui::vec2(1400.0, 1000.0));
    look_up(&mut h, &code);
    wait_for(&mut h, "the normal code", |h| has(h, "正常 · 可以核销"));
    admin(
        &sim,
        "/sandbox/faults",
        json!({"path": "/card/code/consume", "faults": [{"kind": "latency", "ms": 1500}]}),
    );
    click(&mut h, "核销此券");
    h.step();
    assert!(!enabled(&h, "核销此券"), "disabled while in flight");
    // Clicking the disabled button again sends nothing.
    click(&mut h, "核销此券");
    click(&mut h, "核销此券");
    wait_for(&mut h, "the consume", |h| has(h, "已核销 · 不能再次核销"));
    assert_eq!(calls(&sim, "/card/code/consume"), 1);
}

#[test]
fn a_broken_consume_answer_is_not_retried_and_the_code_is_queried_again() {
    let dir = temp_dir("redeem-broken");
    let backend = Backend::start_sandbox(None).unwrap();
    let sim = Sim::new(backend.sandbox_url().unwrap());
    let code = sim.received_code("oUserA");
    let mut h = app_sized(&dir, backend, Nav::Redeem, egui::vec2(1400.0, 1000.0));
    look_up(&mut h, &code);
    wait_for(&mut h, "the normal code", |h| has(h, "正常 · 可以核销"));
    // WeChat consumes the code, then the connection breaks before the answer.
    admin(
        &sim,
        "/sandbox/faults",
        json!({"path": "/card/code/consume", "faults": [{"kind": "drop_after"}]}),
    );
    click(&mut h, "核销此券");
    wait_for(&mut h, "the unknown outcome", |h| has(h, "核销结果未知"));
    wait_for(&mut h, "the re-queried status", |h| {
        has(h, "已核销 · 不能再次核销")
    });
    settle(&mut h);
    assert!(has(&h, "核销结果未知,未重试"), "the warning stays");
    assert_eq!(calls(&sim, "/card/code/consume"), 1, "never re-sent");
}

#[test]
fn a_lapsed_mark_answers_40003_with_its_guidance() {
    let dir = temp_dir("redeem-lapsed");
    let backend = Backend::start_sandbox(None).unwrap();
    let sim = Sim::new(backend.sandbox_url().unwrap());
    let code = sim.received_code("oUserA");
    let mut h = app_sized(&dir, backend, Nav::Redeem, egui::vec2(1400.0, 1000.0));
    look_up(&mut h, &code);
    wait_for(&mut h, "the normal code", |h| has(h, "正常 · 可以核销"));
    h.get_by_label("线上核销(先占用)").click_accesskit();
    h.step();
    h.step();
    click(&mut h, "占用");
    wait_for(&mut h, "the consume button", |h| enabled(h, "核销此券"));
    // The look-up that follows the mark must be answered first: answered after the clock
    // moved, it would be a second look-up in flight beside the one after the refused consume,
    // and the older answer could land last (seen under load: 2 full runs in 8).
    settle(&mut h);
    // WeChat drops the mark after 5 minutes; the desk's own countdown has not run out yet.
    admin(&sim, "/sandbox/clock/advance", json!({"seconds": 301}));
    click(&mut h, "核销此券");
    wait_for(&mut h, "the 40003 error", |h| has(h, "微信返回 40003"));
    settle(&mut h);
    assert!(has(&h, "朋友的券必须先 mark 才能线上核销"));
    // The re-query shows nobody holds the mark, so consuming waits for a new one.
    assert!(
        h.state()
            .redeem
            .lookup
            .as_ref()
            .is_some_and(|l| l.info.mark_openid.is_empty())
    );
    assert!(!enabled(&h, "核销此券"));
    assert!(has(&h, "正常 · 可以核销"));
}

#[test]
fn a_wrong_encrypt_code_answers_40075_and_the_table_lists_every_code() {
    let dir = temp_dir("redeem-garbage");
    let backend = Backend::start_sandbox(None).unwrap();
    let _sim = Sim::new(backend.sandbox_url().unwrap());
    let mut h = app_sized(&dir, backend, Nav::Redeem, egui::vec2(1400.0, 1000.0));
    look_up(
        &mut h,
        "https://shop.example/use?encrypt_code=bm90LWEtY29kZQ%3D%3D",
    );
    wait_for(&mut h, "the 40075 error", |h| has(h, "微信返回 40075"));
    assert!(has(&h, "检查加密码拼写"));
    h.get_by_label("核销错误码与排错指引").click_accesskit();
    h.step();
    h.step();
    for code in coupon_studio::redeem::REDEMPTION_ERRCODES {
        let info = coupon_studio::api::describe(code).unwrap();
        assert!(has(&h, info.guidance_zh), "{code}");
    }
}
