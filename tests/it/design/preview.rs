//! The card preview shows what WeChat will show, as real labels (found here through AccessKit),
//! never panics on a partial card, and speaks the chosen language.

use coupon_studio::card::import::parse_create_body;
use coupon_studio::card::synth::synthesize;
use coupon_studio::card::{Card, CodeType};
use coupon_studio::ui::Lang;
use coupon_studio::ui::fonts::install_fonts;
use coupon_studio::ui::preview::{PHONE_WIDTH, PreviewContext, PreviewImages, card_preview_ui};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

use crate::support::fixture;

/// `begin_timestamp` of the fixture: 2027-01-01 00:00 Beijing time.
const FIXTURE_BEGIN: i64 = 1_798_732_800;
/// Inside the fixture's validity.
const VALID_NOW: i64 = FIXTURE_BEGIN + 86_400;

fn fixture_card() -> Card {
    parse_create_body(&fixture("down-jacket.json"))
        .unwrap()
        .card
}

/// A harness showing `card` in a window wider than the phone column.
fn preview_harness(card: Card, now: i64, lang: Lang) -> Harness<'static> {
    let synth = synthesize(&card);
    let cx = PreviewContext { now, lang };
    Harness::builder()
        .with_size([480.0, 2200.0])
        .with_context_setup(install_fonts)
        .build_ui(move |ui| {
            card_preview_ui(ui, &card, &synth, &PreviewImages::default(), &cx);
        })
}

/// Asserts that each text is shown exactly once.
fn assert_shown(harness: &Harness<'_>, texts: &[&str]) {
    for text in texts {
        assert!(
            harness.query_by_label(text).is_some(),
            "{text:?} is not shown"
        );
    }
}

#[test]
fn fixture_shows_what_wechat_composes() {
    let harness = preview_harness(fixture_card(), VALID_NOW, Lang::Zh);
    assert_shown(
        &harness,
        &[
            "羽绒服满500减50",
            "消费满500元可用,适用于羽绒服",
            "周一至周五 10:00-20:59可用",
            "节假日全天可用",
            "北风羽绒",
            "请出示二维码核销卡券",
            "有效期 2027.01.01-2027.01.31",
        ],
    );
}

#[test]
fn fixture_shows_the_three_entrances() {
    let harness = preview_harness(fixture_card(), VALID_NOW, Lang::Zh);
    assert_shown(
        &harness,
        &[
            // Centre (使用场景), service (服务场景) and marketing (营销场景) entrances.
            "立即使用",
            "到店出示即可",
            "在线商城",
            "新品上架",
            "更多优惠",
            "冬季大促",
        ],
    );
}

#[test]
fn fixture_shows_details_services_and_notes() {
    let harness = preview_harness(fixture_card(), VALID_NOW, Lang::Zh);
    assert_shown(
        &harness,
        &[
            "优惠详情",
            "北风羽绒冬季新品,满500减50",
            "90% 白鹅绒,轻至 300 克",
            "门店试穿,七天无理由退换",
            "商户服务",
            "免费Wi-Fi",
            "停车位",
            "使用须知",
            "核销后赠送 1 张本券",
            "不与其他优惠共享",
            "客服电话 020-88888888",
            "封面 850×350",
        ],
    );
    assert_eq!(
        harness.get_all_by_label("图片").count(),
        2,
        "two placeholders"
    );
}

#[test]
fn english_labels_when_lang_is_en() {
    let harness = preview_harness(fixture_card(), VALID_NOW, Lang::En);
    assert_shown(
        &harness,
        &[
            "Valid 2027.01.01-2027.01.31",
            "Details",
            "Services",
            "Free Wi-Fi",
            "Parking",
            "Notes",
            "After use: 1 more of this coupon",
            // WeChat's own text stays Chinese.
            "羽绒服满500减50",
        ],
    );
    for zh in ["使用须知", "商户服务", "有效期 2027.01.01-2027.01.31"] {
        assert!(harness.query_by_label(zh).is_none(), "{zh:?} in English");
    }
}

#[test]
fn empty_card_renders_without_panic() {
    let harness = preview_harness(Card::default(), 0, Lang::Zh);
    assert_shown(&harness, &["无起用金额限制,全场通用,不限品类"]);
    assert!(harness.query_by_label_contains("有效期").is_none());
}

#[test]
fn a_card_without_code_or_centre_title_has_no_button() {
    let mut card = fixture_card();
    let base = card.cash.as_mut().unwrap().base_info.as_mut().unwrap();
    base.code_type = Some(CodeType::None);
    base.center_title = None;
    let harness = preview_harness(card, VALID_NOW, Lang::Zh);
    assert!(harness.query_by_label("立即使用").is_none());

    // With a code, the default button stands in for the QR code button.
    let mut card = fixture_card();
    let base = card.cash.as_mut().unwrap().base_info.as_mut().unwrap();
    base.center_title = None;
    let harness = preview_harness(card, VALID_NOW, Lang::En);
    assert!(harness.query_by_label("Use now").is_some());
}

/// Hovers the centre button and answers whether the "not yet valid" tip shows.
fn grey_tip_shown(now: i64) -> bool {
    let mut harness = preview_harness(fixture_card(), now, Lang::Zh);
    let center = harness.get_by_label("立即使用").rect().center();
    harness.hover_at(center);
    harness.run();
    harness.query_by_label("未到有效期,按钮置灰").is_some()
}

#[test]
fn centre_button_is_grey_before_the_validity() {
    assert!(grey_tip_shown(FIXTURE_BEGIN - 60));
    assert!(!grey_tip_shown(VALID_NOW));
}

#[test]
fn long_text_wraps_inside_the_column() {
    let mut card = fixture_card();
    let long = "北风羽绒冬季新品上市,".repeat(20);
    let advanced = card.cash.as_mut().unwrap().advanced_info.as_mut().unwrap();
    advanced.abstract_info.as_mut().unwrap().text = Some(long.clone());
    let harness = preview_harness(card, VALID_NOW, Lang::Zh);
    let title = harness.get_by_label("羽绒服满500减50").rect();
    let text = harness.get_by_label(&long).rect();
    assert!(text.height() > 3.0 * 14.0, "wrapped over several lines");
    assert!(text.width() <= PHONE_WIDTH, "{text:?}");
    assert!(title.max.x <= PHONE_WIDTH + 8.0, "{title:?}");
    assert!(text.max.x <= PHONE_WIDTH + 8.0, "{text:?}");
}

#[test]
fn a_narrow_window_does_not_panic() {
    for width in [1.0, 40.0, 120.0] {
        let card = fixture_card();
        let synth = synthesize(&card);
        let cx = PreviewContext {
            now: VALID_NOW,
            lang: Lang::Zh,
        };
        let mut harness = Harness::builder()
            .with_size([width, 600.0])
            .with_context_setup(install_fonts)
            .build_ui(move |ui| {
                card_preview_ui(ui, &card, &synth, &PreviewImages::default(), &cx);
            });
        harness.run();
    }
}

#[test]
fn local_pictures_replace_the_placeholders() {
    let card = fixture_card();
    let synth = synthesize(&card);
    let cx = PreviewContext {
        now: VALID_NOW,
        lang: Lang::Zh,
    };
    let mut texture: Option<egui::TextureHandle> = None;
    let harness = Harness::builder()
        .with_size([480.0, 2200.0])
        .with_context_setup(install_fonts)
        .build_ui(move |ui| {
            let texture = texture.get_or_insert_with(|| {
                let image = egui::ColorImage::filled([85, 35], egui::Color32::LIGHT_BLUE);
                ui.ctx()
                    .load_texture("picture", image, egui::TextureOptions::LINEAR)
            });
            // Only the first text-image entry has a picture.
            let images = PreviewImages {
                logo: Some(texture),
                cover: Some(texture),
                text_images: vec![Some(texture)],
            };
            card_preview_ui(ui, &card, &synth, &images, &cx);
        });
    let image = egui::accesskit::Role::Image;
    assert!(
        harness
            .query_by_role_and_label(image, "封面 850×350")
            .is_some()
    );
    assert!(harness.query_by_role_and_label(image, "Logo").is_some());
    assert_eq!(harness.get_all_by_role_and_label(image, "图片").count(), 1);
    // The second entry keeps its placeholder.
    assert_eq!(harness.get_all_by_label("图片").count(), 2);
}

/// The preview with `reduce_cost` (分), `least_cost` and `accept_category` chosen, in a
/// window of `width`: the synthesized title and its rect.
fn title_rect(reduce: i64, least: Option<i64>, category: &str, width: f32) -> (String, egui::Rect) {
    use coupon_studio::card::Int;
    let mut card = fixture_card();
    let cash = card.cash.as_mut().unwrap();
    cash.reduce_cost = Some(Int::Num(reduce));
    let advanced = cash.advanced_info.as_mut().unwrap();
    let cond = advanced.use_condition.as_mut().unwrap();
    cond.accept_category = (!category.is_empty()).then(|| category.to_owned());
    cond.least_cost = least.map(Int::Num);
    let synth = synthesize(&card);
    let title = synth.title.clone();
    let cx = PreviewContext {
        now: VALID_NOW,
        lang: Lang::Zh,
    };
    let mut harness = Harness::builder()
        .with_size([width, 2200.0])
        .with_context_setup(install_fonts)
        .build_ui(move |ui| {
            card_preview_ui(ui, &card, &synth, &PreviewImages::default(), &cx);
        });
    harness.run();
    let rect = harness.get_by_label(&title).rect();
    (title, rect)
}

#[test]
fn titles_of_5_to_12_characters_break_as_at_375_points_whatever_the_column() {
    let cases = [
        (500, None, ""),                    // 5元代金券
        (5000, None, ""),                   // 50元代金券
        (5000, None, "羽绒服"),             // 羽绒服减50元
        (5000, Some(50_000), "鞋"),         // 鞋满500减50
        (5000, Some(50_000), "羽绒"),       // 9
        (5000, Some(50_000), "羽绒服"),     // 10
        (5000, Some(50_000), "冬季外套"),   // 11
        (5000, Some(50_000), "羽绒服装类"), // 12
    ];
    let one_line = title_rect(500, None, "", 480.0).1.height();
    let mut lengths = Vec::new();
    for (reduce, least, category) in cases {
        let (title, wide) = title_rect(reduce, least, category, 480.0);
        lengths.push(title.chars().count());
        // At a phone's 375 points the title fits one line, as on a phone.
        assert!(wide.height() < one_line * 1.5, "{title}: {wide:?}");
        assert!(wide.width() <= PHONE_WIDTH, "{title}: {wide:?}");
        // In a column narrower than a phone the page keeps the phone's layout: the same
        // line breaks, never reflowed narrower.
        let (_, narrow) = title_rect(reduce, least, category, 250.0);
        assert!(
            (narrow.height() - wide.height()).abs() < 0.5,
            "{title}: {narrow:?} vs {wide:?}"
        );
    }
    assert_eq!(lengths, vec![5, 6, 7, 8, 9, 10, 11, 12]);
}
