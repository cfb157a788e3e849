//! A card made in the app goes to review; WeChat's result (the simulator's reviewer, or the
//! review delay passing) is pushed to the company server, and Design shows it — in the create
//! flow and in 我的卡券, a refusal with its reason — without the app asking card/get.

use std::time::{Duration, Instant};

use coupon_studio::app::Nav;
use coupon_studio::i18n::Lang;
use coupon_studio::message::ImageSlot;
use coupon_studio::ui::design::Command as DesignCmd;
use coupon_studio::ui::panel::PanelCx;
use serde_json::json;

use crate::support::chain::{Chain, names, step_for, wait_live, wechat};
use crate::support::temp_dir;
use crate::support::ui::*;

/// WeChat approves a card this long after it was sent, unless its reviewer decides first.
const REVIEW_DELAY: Duration = Duration::from_secs(4);

/// Creates the fixture card from the app's Design panel; its id once 我的卡券 lists it.
fn create(h: &mut H, chain: &Chain, other_than: Option<&str>) -> String {
    h.state_mut()
        .run(DesignCmd::Create(None, Box::new(chain.sim.fixture())));
    wait_for(h, "the created card in 我的卡券", |h| {
        let d = &h.state().design;
        d.flow
            .card_id
            .as_deref()
            .is_some_and(|id| Some(id) != other_than && d.cards.iter().any(|c| c.card_id == id))
    });
    h.state().design.flow.card_id.clone().unwrap()
}

fn status_of(h: &H, card: &str) -> String {
    h.state()
        .design
        .cards
        .iter()
        .find(|c| c.card_id == card)
        .map(|c| c.status.clone())
        .unwrap_or_default()
}

fn review_results_come_by_push(chain: &Chain) {
    let dir = temp_dir("chain-review");
    let key = chain.add_key("王芳");
    let account = chain.account();
    let mut h = chain.app(&dir, &account, &key, Nav::Design);
    wait_live(&mut h);
    assert!(has(&h, "公司服务器已连接"));

    let card = create(&mut h, chain, None);
    assert!(h.state().design.flow.awaiting_push);
    assert_eq!(h.state().design.flow.next_poll, None);
    assert!(has(&h, "审核中") && has(&h, "(等待审核结果推送)"));
    // Waiting for the push asks for no frame: no poll, no spinner.
    let cx = PanelCx {
        lang: Lang::Zh,
        sandbox: false,
        server: true,
        now_ms: chrono::Utc::now().timestamp_millis(),
        now: Instant::now(),
        stock_alert_below: None,
    };
    assert_eq!(h.state().next_wakeup(&cx), None);

    // WeChat approves it when the review delay has passed; the push brings the result.
    let gets = chain.sim.calls("/card/get");
    wait_for(&mut h, "the pushed approval", |h| {
        h.state().design.flow.status.as_deref() == Some("CARD_STATUS_VERIFY_OK")
    });
    assert!(!h.state().design.flow.awaiting_push);
    assert!(has(&h, "已通过"));
    assert_eq!(status_of(&h, &card), "CARD_STATUS_VERIFY_OK");
    assert_eq!(chain.sim.calls("/card/get"), gets, "card/get was polled");
    // The server has it, once.
    let stored = chain.stored();
    let passes: Vec<_> = stored
        .iter()
        .filter(|e| e["Event"] == "card_pass_check" && e["CardId"] == card.as_str())
        .collect();
    assert_eq!(passes.len(), 1, "{:?}", names(&stored));

    // A second card, which the reviewer refuses with a reason.
    let second = create(&mut h, chain, Some(&card));
    let gets = chain.sim.calls("/card/get");
    chain.sim.admin(
        "/sandbox/card/review",
        json!({"card_id": second, "approve": false, "reason": "logo 图片不清晰"}),
    );
    wait_for(&mut h, "the pushed refusal", |h| {
        has(h, "未通过原因: logo 图片不清晰")
    });
    assert!(has(&h, "未通过"));
    assert_eq!(
        h.state().design.flow.status.as_deref(),
        Some("CARD_STATUS_VERIFY_FAIL")
    );
    assert_eq!(status_of(&h, &second), "CARD_STATUS_VERIFY_FAIL");
    assert_eq!(status_of(&h, &card), "CARD_STATUS_VERIFY_OK");
    // Longer than the review delay: the refused card stays refused, and nothing polled.
    step_for(&mut h, REVIEW_DELAY);
    assert_eq!(status_of(&h, &second), "CARD_STATUS_VERIFY_FAIL");
    assert_eq!(chain.sim.calls("/card/get"), gets, "card/get was polled");

    // A card whose logo was uploaded to WeChat (the simulator plays its CDN here), opened
    // from 我的卡券 as a click there does: its logo shows in the preview, read from the
    // simulator; the fixture's other pictures, never uploaded anywhere, stay placeholders
    // (a rehearsal never reaches the internet for them).
    let mut png = Vec::new();
    image::RgbImage::from_pixel(8, 8, image::Rgb([0x63, 0xb3, 0x59]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let logo = chain
        .sim
        .rt
        .block_on(chain.sim.client.upload_image(png, "logo.png"))
        .unwrap();
    let mut body = chain.sim.fixture();
    body.card.base_info_mut().logo_url = Some(logo);
    h.state_mut().run(DesignCmd::Create(None, Box::new(body)));
    wait_for(&mut h, "the third card in 我的卡券", |h| {
        let d = &h.state().design;
        d.flow
            .card_id
            .as_deref()
            .is_some_and(|id| id != card && id != second && d.cards.iter().any(|c| c.card_id == id))
    });
    let third = h.state().design.flow.card_id.clone().unwrap();
    h.state_mut().design.opening_card = Some(third.clone());
    h.state_mut().run(DesignCmd::FetchCard(third));
    wait_for(&mut h, "the logo in the preview", |h| {
        h.state()
            .design
            .images
            .get(&ImageSlot::Logo)
            .is_some_and(|i| i.texture.is_some())
    });
    step_for(&mut h, Duration::from_millis(500));
    assert_eq!(h.state().design.images.len(), 1, "only the uploaded logo");
}

#[test]
fn a_review_result_reaches_design_by_push_on_sqlite() {
    review_results_come_by_push(&Chain::sqlite(wechat(REVIEW_DELAY)));
}

#[test]
fn a_review_result_reaches_design_by_push_on_postgres() {
    if let Some(chain) = Chain::postgres(wechat(REVIEW_DELAY)) {
        review_results_come_by_push(&chain);
    }
}
