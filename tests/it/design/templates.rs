//! 新建 from the back office's three templates, and a created card duplicated into a draft
//! (issue 18).

use coupon_studio::app::{Backend, Nav, Persisted};
use egui_kittest::kittest::Queryable;

use crate::support::temp_dir;
use crate::support::ui::{H, app_sized, has, wait_for, with_demo};

fn new_from(h: &mut H, template: &str) {
    h.get_by_label("➕ 新建").click();
    h.run_steps(2);
    h.get_by_role_and_label(egui::accesskit::Role::Button, template)
        .click();
    h.run_steps(2);
}

#[test]
fn each_template_opens_a_draft_that_lacks_only_the_brand_name() {
    let dir = temp_dir("templates");
    let backend = Backend::start_sandbox(None).unwrap();
    let mut h = app_sized(&dir, backend, Nav::Design, egui::vec2(1400.0, 1000.0));
    wait_for(&mut h, "the editor and the stores", |h| {
        h.state().design.doc.is_some() && !h.state().design.stores.is_empty()
    });
    for (template, title) in [
        ("无门槛代金券", "10元代金券"),
        ("满减代金券", "全场满500减50"),
        ("兑换券", "精美礼品1份"),
    ] {
        new_from(&mut h, template);
        wait_for(&mut h, template, |h| {
            h.state()
                .design
                .doc
                .as_ref()
                .is_some_and(|d| d.name == template)
        });
        wait_for(&mut h, title, |h| has(h, title));
        // Only the brand name is missing: one error, and it names the field.
        let report = h.state().design.report().unwrap();
        let errors: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.severity == coupon_studio::card::rules::Severity::Error)
            .map(|f| f.field.clone())
            .collect();
        assert_eq!(errors.len(), 1, "{template}: {errors:?}");
        assert!(errors[0].ends_with("brand_name"), "{template}: {errors:?}");
    }
}

#[test]
fn a_created_card_is_duplicated_into_a_new_draft() {
    let mut h = with_demo(&temp_dir("duplicate-card"), Persisted::default());
    wait_for(&mut h, "the demo card in my cards", |h| {
        !h.state().design.cards.is_empty()
    });
    let original = h.state().design.cards[0].body.clone();
    h.query_all_by_label_contains("羽绒服满500减50\n")
        .next()
        .expect("the card in my cards")
        .click_secondary();
    h.run_steps(2);
    h.get_by_label("复制为新草稿").click();
    wait_for(&mut h, "the new draft", |h| {
        h.state()
            .design
            .doc
            .as_ref()
            .is_some_and(|d| d.draft_id.is_some() && d.remote.is_none())
    });
    let doc = h.state().design.doc.as_ref().unwrap();
    assert_eq!(doc.body, original);
    assert!(doc.name.contains("复制"), "{}", doc.name);
}
