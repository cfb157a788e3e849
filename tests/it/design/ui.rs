//! The Design panel, headless (egui_kittest), on the in-process simulator.

use coupon_studio::app::{Backend, Persisted};
use coupon_studio::card::Int;
use coupon_studio::card::import::{parse_create_body, to_pretty_json};
use coupon_studio::i18n::Lang;
use coupon_studio::store::Store;
use egui::Role;
use egui_kittest::kittest::{NodeT, Queryable};

use crate::support::ui::{self, H, has_exact as has_label, wait_for};
use crate::support::{admin, fixture, temp_dir};

/// The app on a fresh simulator, Chinese UI pinned (never the system locale), and the
/// simulator's URL.
fn app(data_dir: &std::path::Path, persisted: Option<Persisted>) -> (H, String) {
    let backend = Backend::start_sandbox(None).unwrap();
    let url = backend.sandbox_url().unwrap().to_owned();
    let persisted = persisted.unwrap_or(Persisted {
        lang: Lang::Zh,
        ..Persisted::default()
    });
    let h = ui::app_with(data_dir, backend, persisted, egui::vec2(1400.0, 1000.0));
    (h, url)
}

fn type_into(h: &mut H, label: &str, text: &str) {
    ui::type_into(h, Role::TextInput, label, text);
}

#[test]
fn category_and_least_cost_show_in_the_preview_with_the_price() {
    let dir = temp_dir("title");
    let (mut h, _) = app(&dir, None);
    wait_for(&mut h, "the editor", |h| {
        h.query_by_role_and_label(Role::TextInput, "减免金额(元)")
            .is_some()
    });
    type_into(&mut h, "减免金额(元)", "50");
    wait_for(&mut h, "the no-threshold title", |h| {
        has_label(h, "50元代金券")
    });
    assert!(has_label(&h, "0.2 券点/张"));
    type_into(&mut h, "指定可用品类", "羽绒服");
    wait_for(&mut h, "the category title", |h| {
        has_label(h, "羽绒服减50元")
    });
    assert!(has_label(&h, "0.4 券点/张"));
    type_into(&mut h, "满额门槛(元)", "500");
    wait_for(&mut h, "the least-cost title", |h| {
        has_label(h, "羽绒服满500减50")
    });
    assert!(has_label(&h, "消费满500元可用,适用于羽绒服"));
    assert!(has_label(&h, "0.6 券点/张"));
    // The model holds 分, as WeChat wants.
    let body = &h.state().design.doc.as_ref().unwrap().body;
    assert_eq!(
        body.card.cash.as_ref().unwrap().reduce_cost,
        Some(Int::Num(5000))
    );
    assert_eq!(
        body.card.use_condition().unwrap().least_cost,
        Some(Int::Num(50000))
    );
}

#[test]
fn too_long_brand_name_shows_its_error_next_to_the_field() {
    let dir = temp_dir("brand");
    let (mut h, _) = app(&dir, None);
    wait_for(&mut h, "the editor", |h| {
        h.query_by_role_and_label(Role::TextInput, "商户名称")
            .is_some()
    });
    type_into(&mut h, "商户名称", "一二三四五六七八九十一二三");
    wait_for(&mut h, "the counter", |h| has_label(h, "13/12"));
    // The inline message (the summary on the right prefixes the JSON path instead).
    let inline = "✖ 商户名称(brand_name)最多 12 个汉字(英文、数字算半个),当前 13 个";
    wait_for(&mut h, "the inline error", |h| has_label(h, inline));
    let field = h.get_by_role_and_label(Role::TextInput, "商户名称").rect();
    let error = h.get_by_label(inline).rect();
    assert!(
        error.top() >= field.bottom() - 1.0 && error.top() - field.bottom() < 40.0,
        "{field:?} {error:?}"
    );
    // Half-width letters count one half: 11 汉字 and 3 letters are 12.5 of 12.
    ui::set_text(&mut h, "商户名称", "一二三四五六七八九十一abc");
    wait_for(&mut h, "the half counter", |h| has_label(h, "12.5/12"));
    ui::set_text(&mut h, "商户名称", "一二三四五六七八九十一二三");
    wait_for(&mut h, "the counter again", |h| has_label(h, "13/12"));
    // Nothing typed is lost: the text stays as typed.
    let body = &h.state().design.doc.as_ref().unwrap().body;
    assert_eq!(
        body.card.base_info().unwrap().brand_name.as_deref(),
        Some("一二三四五六七八九十一二三")
    );
}

#[test]
fn create_shows_card_id_and_review_status_until_approved() {
    let dir = temp_dir("create");
    // A complete draft: the down-jacket fixture starting tomorrow.
    let mut body = parse_create_body(&fixture("down-jacket.json")).unwrap();
    let now = chrono::Utc::now().timestamp();
    let d = body.card.date_info_mut();
    d.begin_timestamp = Some(Int::Num(now + 86_400));
    d.end_timestamp = Some(Int::Num(now + 20 * 86_400));
    let id = Store::open(&dir.join("coupon-studio.sqlite"))
        .unwrap()
        .create_draft("羽绒服", &to_pretty_json(&body))
        .unwrap();
    let (mut h, sandbox_url) = app(
        &dir,
        Some(Persisted {
            draft_id: Some(id),
            ..Persisted::default()
        }),
    );
    wait_for(&mut h, "the draft", |h| has_label(h, "羽绒服满500减50"));
    wait_for(&mut h, "the create button", |h| {
        h.query_by_role_and_label(Role::Button, "创建卡券")
            .is_some_and(|b| !b.accesskit_node().is_disabled())
    });
    h.get_by_role_and_label(Role::Button, "创建卡券")
        .click_accesskit();
    wait_for(&mut h, "the JSON window", |h| {
        h.query_by_role_and_label(Role::Button, "发送").is_some()
    });
    // The exact body is shown before sending.
    let shown = h
        .get_all_by_role(Role::MultilineTextInput)
        .filter_map(|n| n.value())
        .any(|v| v.contains("\"brand_name\": \"北风羽绒\"") && v.contains("\"least_cost\": 50000"));
    assert!(shown, "the request JSON is not shown");
    h.get_by_role_and_label(Role::Button, "发送")
        .click_accesskit();
    wait_for(&mut h, "the card id", |h| {
        h.state().design.flow.card_id.is_some()
    });
    let card_id = h.state().design.flow.card_id.clone().unwrap();
    wait_for(&mut h, "审核中", |h| has_label(h, "审核中"));
    assert!(has_label(&h, card_id.as_str()));
    // WeChat's reviewers approve it.
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        reqwest::Client::new()
            .post(format!("{sandbox_url}/sandbox/card/review"))
            .json(&serde_json::json!({"card_id": card_id, "approve": true}))
            .send()
            .await
            .unwrap();
    });
    wait_for(&mut h, "已通过", |h| has_label(h, "已通过"));
    // Sent once, and the draft remembers its card.
    let calls: serde_json::Value = rt.block_on(async {
        reqwest::get(format!("{sandbox_url}/sandbox/calls"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    });
    assert_eq!(calls["counts"]["/card/create"], 1);
    let store = Store::open(&dir.join("coupon-studio.sqlite")).unwrap();
    assert_eq!(
        store.load_draft(id).unwrap().meta.card_id.as_deref(),
        Some(card_id.as_str())
    );
}

#[test]
fn a_draft_survives_the_app_being_dropped_and_rebuilt() {
    let dir = temp_dir("draft");
    {
        let (mut h, _) = app(&dir, None);
        wait_for(&mut h, "the editor", |h| {
            h.query_by_role_and_label(Role::TextInput, "商户名称")
                .is_some()
        });
        type_into(&mut h, "商户名称", "测试品牌");
        type_into(&mut h, "使用提醒", "请出示二维码");
        wait_for(&mut h, "the autosave", |h| {
            h.state().design.edits.dirty_since.is_none() && !h.state().design.edits.saving
        });
    }
    let (mut h, _) = app(&dir, None);
    wait_for(&mut h, "the reopened draft", |h| {
        h.state().design.doc.is_some()
    });
    let body = &h.state().design.doc.as_ref().unwrap().body;
    assert_eq!(
        body.card.base_info().unwrap().brand_name.as_deref(),
        Some("测试品牌")
    );
    assert_eq!(
        body.card.base_info().unwrap().notice.as_deref(),
        Some("请出示二维码")
    );
    wait_for(&mut h, "the field", |h| {
        h.query_by_role_and_label(Role::TextInput, "商户名称")
            .and_then(|n| n.value())
            .as_deref()
            == Some("测试品牌")
    });
}

#[test]
fn undo_and_redo_with_the_keyboard() {
    let dir = temp_dir("undo");
    let (mut h, _) = app(&dir, None);
    wait_for(&mut h, "the editor", |h| {
        h.query_by_role_and_label(Role::TextInput, "商户名称")
            .is_some()
    });
    type_into(&mut h, "商户名称", "甲");
    let brand = |h: &H| {
        h.state()
            .design
            .doc
            .as_ref()
            .unwrap()
            .body
            .card
            .base_info()
            .unwrap()
            .brand_name
            .clone()
    };
    assert_eq!(brand(&h).as_deref(), Some("甲"));
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.step();
    h.step();
    assert_eq!(brand(&h), None);
    h.key_press_modifiers(
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::Z,
    );
    h.step();
    h.step();
    assert_eq!(brand(&h).as_deref(), Some("甲"));
}

/// A fixture card created on the app's simulator, approved, then listed and opened from
/// 我的卡券.
fn created_card(url: &str) -> String {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let c = ui::client(url);
        let mut body = parse_create_body(&fixture("down-jacket.json")).unwrap();
        let now = chrono::Utc::now().timestamp();
        let d = body.card.date_info_mut();
        d.begin_timestamp = Some(Int::Num(now + 86_400));
        d.end_timestamp = Some(Int::Num(now + 20 * 86_400));
        let id = c.create_card(&body).await.unwrap();
        admin(
            &c,
            "/sandbox/card/review",
            serde_json::json!({"card_id": id, "approve": true}),
        )
        .await;
        id
    })
}

#[test]
fn my_cards_open_a_created_card_and_update_sends_only_changes() {
    let dir = temp_dir("update");
    let (mut h, url) = app(&dir, None);
    wait_for(&mut h, "the editor", |h| h.state().design.doc.is_some());
    let card_id = created_card(&url);
    h.state_mut()
        .run(coupon_studio::ui::design::Command::ListCards);
    wait_for(&mut h, "my cards", |h| {
        h.query_by_label_contains("已通过").is_some()
    });
    h.get_by_label_contains("已通过").click_accesskit();
    wait_for(&mut h, "the opened card", |h| {
        h.state()
            .design
            .doc
            .as_ref()
            .is_some_and(|d| d.remote.as_ref().is_some_and(|(id, _)| *id == card_id))
    });
    // Fixed fields are locked; nothing changed yet.
    assert!(has_label(&h, "没有修改"));
    h.get_by_role_and_label(Role::MultilineTextInput, "使用说明")
        .focus();
    h.step();
    h.get_by_role_and_label(Role::MultilineTextInput, "使用说明")
        .type_text("新增:");
    h.step();
    wait_for(&mut h, "the update button", |h| {
        h.query_by_role_and_label(Role::Button, "提交修改")
            .is_some_and(|b| !b.accesskit_node().is_disabled())
    });
    h.get_by_role_and_label(Role::Button, "提交修改")
        .click_accesskit();
    wait_for(&mut h, "已重新提交审核", |h| {
        has_label(h, "已重新提交审核")
    });
    wait_for(&mut h, "审核中", |h| has_label(h, "审核中"));
}

#[test]
fn a_picked_picture_is_prepared_previewed_and_uploaded_to_the_cdn() {
    let dir = temp_dir("upload");
    let (mut h, _) = app(&dir, None);
    wait_for(&mut h, "the editor", |h| h.state().design.doc.is_some());
    let path = dir.join("logo.png");
    let img = image::RgbImage::from_fn(1200, 800, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    img.save(&path).unwrap();
    let slot = coupon_studio::message::ImageSlot::Logo;
    h.state_mut()
        .run(coupon_studio::ui::design::Command::PrepareImage(slot, path));
    wait_for(&mut h, "the upload", ui::logo_uploaded);
    let url = h
        .state()
        .design
        .doc
        .as_ref()
        .unwrap()
        .body
        .card
        .base_info()
        .unwrap()
        .logo_url
        .clone()
        .unwrap();
    assert!(coupon_studio::card::rules::is_wechat_cdn_url(&url), "{url}");
    assert!(
        h.state()
            .design
            .images
            .get(&slot)
            .unwrap()
            .texture
            .is_some(),
        "local preview shown"
    );
    assert!(has_label(&h, "✔ 已上传"));
    // A file that is not a picture gets a plain message next to the slot.
    let bad = dir.join("notes.txt");
    std::fs::write(&bad, "hello").unwrap();
    h.state_mut()
        .run(coupon_studio::ui::design::Command::PrepareImage(
            coupon_studio::message::ImageSlot::Cover,
            bad,
        ));
    wait_for(&mut h, "the error", |h| {
        h.query_by_label_contains("文件不是图片").is_some()
    });
}
