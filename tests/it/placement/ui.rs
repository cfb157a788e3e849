//! The Placement panel, headless (egui_kittest), on the in-process simulator: warnings, a
//! channel QR, the test whitelist and the signed cardExt.

use coupon_studio::api::ApiClient;
use coupon_studio::api::signature::card_ext_signature;
use coupon_studio::app::{Backend, Nav};
use egui::Role;
use egui_kittest::kittest::Queryable;
use serde_json::{Value, json};

use crate::support::ui::{click, enabled, has, type_into, wait_for};
use crate::support::{self, temp_dir};

/// A down-jacket card starting `begin` seconds from the simulated now, approved or not.
fn card(rt: &tokio::runtime::Runtime, c: &ApiClient, begin: i64, approve: bool) -> String {
    rt.block_on(async {
        let body = support::fixture_body(c, begin, begin + 20 * 86_400).await;
        let id = c.create_card(&body).await.unwrap();
        if approve {
            support::admin(
                c,
                "/sandbox/card/review",
                json!({"card_id": id, "approve": true}),
            )
            .await;
        }
        id
    })
}

#[test]
fn an_unapproved_far_future_card_without_stock_gets_all_three_warnings() {
    let dir = temp_dir("place-warn");
    let backend = Backend::start_sandbox(None).unwrap();
    let c = support::ui::client(backend.sandbox_url().unwrap());
    let rt = tokio::runtime::Runtime::new().unwrap();
    card(&rt, &c, 10 * 86_400, false);
    let mut h = support::ui::app_sized(&dir, backend, Nav::Placement, egui::vec2(1400.0, 1200.0));
    wait_for(&mut h, "the card", |h| {
        !h.state().placement.cards.is_empty()
    });
    wait_for(&mut h, "the warnings", |h| has(h, "尚未审核通过"));
    assert!(has(&h, "库存为 0"));
    assert!(has(&h, "超过 5 天"));
    // Warnings do not block: the QR can still be made.
    assert!(enabled(&h, "生成二维码"));
}

#[test]
fn a_channel_qr_is_created_once_drawn_locally_and_decodes_to_its_url() {
    let dir = temp_dir("place-qr");
    let backend = Backend::start_sandbox(None).unwrap();
    let c = support::ui::client(backend.sandbox_url().unwrap());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let id = card(&rt, &c, 86_400, true);
    let mut h = support::ui::app_sized(&dir, backend, Nav::Placement, egui::vec2(1400.0, 1200.0));
    wait_for(&mut h, "the card", |h| {
        h.state().placement.card_id.as_deref() == Some(id.as_str())
    });
    assert!(!has(&h, "尚未审核通过"));
    type_into(&mut h, Role::TextInput, "渠道编号", "7");
    // A temporary QR with a lifetime outside 60–1800 names the field and the limit.
    h.get_by_label("临时").click_accesskit();
    h.step();
    type_into(&mut h, Role::TextInput, "有效时长(秒)", "0");
    wait_for(&mut h, "the lifetime error", |h| {
        has(h, "有效时长(秒):须为 60–1800 的整数")
    });
    assert!(!enabled(&h, "生成二维码"));
    h.get_by_label("永久有效").click_accesskit();
    h.step();
    wait_for(&mut h, "the create button", |h| enabled(h, "生成二维码"));
    click(&mut h, "生成二维码");
    wait_for(&mut h, "the QR", |h| {
        h.state()
            .placement
            .qr
            .as_ref()
            .is_some_and(|q| q.texture.is_some())
    });
    let (url, outer) = {
        let q = h.state().placement.qr.as_ref().unwrap();
        (q.qr.url.clone(), q.request.outer_id)
    };
    assert_eq!(outer, Some(7));
    assert!(has(&h, &url));
    assert!(has(&h, "长按识别二维码无法领取"));
    let calls = rt.block_on(support::calls(&c, "/card/qrcode/create"));
    assert_eq!(calls, 1);
    // The picture the panel shows decodes back to the URL.
    let img = coupon_studio::ui::qr::qr_image(&url).unwrap();
    let [w, hgt] = img.size;
    let scale = 4;
    let mut prepared =
        rqrr::PreparedImage::prepare_from_greyscale(w * scale, hgt * scale, |x, y| {
            img.pixels[(y / scale) * w + x / scale].r()
        });
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1);
    let (_, content) = grids[0].decode().unwrap();
    assert_eq!(content, url);
    // The simulator knows the placement with its channel.
    let state: Value = rt.block_on(async {
        c.http()
            .get(format!("{}/sandbox/state", c.base_url()))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    });
    assert!(state.to_string().contains(&url));
}

#[test]
fn the_whitelist_is_limited_to_ten_and_set_on_wechat() {
    let dir = temp_dir("place-white");
    let backend = Backend::start_sandbox(None).unwrap();
    let c = support::ui::client(backend.sandbox_url().unwrap());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mut h = support::ui::app_sized(&dir, backend, Nav::Placement, egui::vec2(1400.0, 1200.0));
    let eleven: String = (0..11).map(|i| format!("oTest{i}\n")).collect();
    type_into(
        &mut h,
        Role::MultilineTextInput,
        "openid(每行一个)",
        &eleven,
    );
    wait_for(&mut h, "the limit error", |h| {
        has(h, "最多 10 个(现有 11 个)")
    });
    assert!(!enabled(&h, "设置白名单"));
    h.state_mut().placement.whitelist_openids = "oTest1\noTest2\n".into();
    type_into(&mut h, Role::MultilineTextInput, "微信号", "wxid_tester");
    wait_for(&mut h, "the set button", |h| enabled(h, "设置白名单"));
    click(&mut h, "设置白名单");
    wait_for(&mut h, "the answer", |h| has(h, "已设置 openid 2"));
    assert_eq!(
        rt.block_on(support::calls(&c, "/card/testwhitelist/set")),
        1
    );
}

#[test]
fn the_card_ext_is_signed_with_the_cached_wx_card_ticket() {
    let dir = temp_dir("place-ext");
    let backend = Backend::start_sandbox(None).unwrap();
    let c = support::ui::client(backend.sandbox_url().unwrap());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let id = card(&rt, &c, 86_400, true);
    let mut h = support::ui::app_sized(&dir, backend, Nav::Placement, egui::vec2(1400.0, 1200.0));
    wait_for(&mut h, "the card", |h| {
        h.state().placement.card_id.as_deref() == Some(id.as_str())
    });
    for _ in 0..2 {
        wait_for(&mut h, "the sign button", |h| enabled(h, "生成签名"));
        click(&mut h, "生成签名");
        wait_for(&mut h, "the signature", |h| {
            matches!(&h.state().placement.ext, Some(Ok(_))) && enabled(h, "生成签名")
        });
    }
    let made = match &h.state().placement.ext {
        Some(Ok(m)) => m.clone(),
        other => panic!("{other:?}"),
    };
    // The simulator hands out one wx_card ticket per token: sign the same values with it.
    let ticket = rt
        .block_on(c.get_ticket(coupon_studio::api::placement::TicketType::WxCard))
        .unwrap()
        .ticket;
    let ts: i64 = made.ext.timestamp.parse().unwrap();
    assert_eq!(
        made.ext.signature,
        card_ext_signature(&ticket, ts, &id, "", "", &made.ext.nonce_str)
    );
    assert!(made.ticket_hint.ends_with('…'));
    assert!(!has(&h, &ticket), "the full api_ticket is never shown");
    assert!(has(&h, &made.ext.signature));
    // Two signatures, one getticket from the app (the test's own call is the second).
    assert_eq!(
        rt.block_on(support::calls(&c, "/cgi-bin/ticket/getticket")),
        2
    );
}

#[test]
fn the_poster_previews_and_a_labelled_batch_writes_files_and_the_channel_table() {
    let dir = temp_dir("place-batch");
    let backend = Backend::start_sandbox(None).unwrap();
    let c = support::ui::client(backend.sandbox_url().unwrap());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let id = card(&rt, &c, 86_400, true);
    let mut h = support::ui::app_sized(&dir, backend, Nav::Placement, egui::vec2(1400.0, 1200.0));
    wait_for(&mut h, "the card", |h| {
        h.state().placement.card_id.as_deref() == Some(id.as_str())
    });
    // The preview is laid out from the card: its synthesized title is on the page.
    wait_for(&mut h, "the preview", |h| {
        h.state()
            .placement
            .preview_texts()
            .iter()
            .any(|t| t == "羽绒服满500减50")
            && has(h, "页面 148×210 mm")
    });
    assert!(
        h.state()
            .placement
            .preview_texts()
            .iter()
            .any(|t| t == "微信扫一扫 领取并分享给朋友")
    );
    let out = dir.join("posters-test");
    {
        let p = &mut h.state_mut().placement;
        p.channel_spec = "1-5".into();
        p.batch_dir = out.display().to_string();
    }
    click(&mut h, "用门店名称");
    wait_for(&mut h, "the store labels", |h| {
        h.state().placement.labels_text.starts_with("1,")
    });
    wait_for(&mut h, "the start button", |h| enabled(h, "生成渠道海报"));
    click(&mut h, "生成渠道海报");
    wait_for(&mut h, "the batch", |h| {
        h.state().placement.batch_result.is_some()
    });
    match &h.state().placement.batch_result {
        Some(Ok(s)) => {
            assert_eq!((s.channels, s.pngs), (5, 5));
            assert!(s.pdf.as_ref().unwrap().exists());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(rt.block_on(support::calls(&c, "/card/qrcode/create")), 5);
    let pngs = std::fs::read_dir(&out)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".png")
        })
        .count();
    assert_eq!(pngs, 5);
    // The channel table is saved for Stats, with the store names as labels.
    let store = coupon_studio::store::Store::open(&dir.join("coupon-studio.sqlite")).unwrap();
    let saved = store.channels().unwrap();
    assert_eq!(saved.len(), 5);
    assert!(saved.iter().all(|r| r.card_id == id && !r.label.is_empty()));
    assert!(saved[0].url.starts_with("http"));
}
