//! What is kept per merchant (issue 20 point 3): drafts with their undo history, the channel
//! table's names and the money journal. Merchant A's never show under B, and switching back
//! to A brings A's back as they were.

use coupon_studio::app::Nav;
use egui::Role;
use egui_kittest::kittest::Queryable;

use super::{A, A_NAME, B, B_NAME, platform_app, wait_on_merchant};
use crate::support::platform_chain::PlatformChain;
use crate::support::temp_dir;
use crate::support::ui::*;

/// The open document's brand name.
fn brand(h: &H) -> Option<String> {
    h.state()
        .design
        .doc
        .as_ref()?
        .body
        .card
        .base_info()?
        .brand_name
        .clone()
}

/// Clicks a merchant's 使用 in Settings and waits until the app works for it.
fn use_merchant(h: &mut H, name: &str, appid: &str) {
    click(h, "设置");
    wait_for(h, "the merchant in the list", |h| {
        has(h, &format!("使用 {name}"))
    });
    h.get_by_role_and_label(Role::Button, &format!("使用 {name}"))
        .click_accesskit();
    h.step();
    wait_on_merchant(h, appid);
}

#[test]
fn a_merchants_draft_channel_names_and_journal_never_show_under_another() {
    let dir = temp_dir("platform-scope");
    let d = PlatformChain::sqlite();
    d.authorize(A, A_NAME);
    d.authorize(B, B_NAME);
    let account = d.account();
    let a_card = d.approved_card(A);
    let mut h = platform_app(&d, &dir, &account, Some(A), Nav::Placement);
    wait_on_merchant(&mut h, A);

    // A's channel table: a two-channel batch (PDF only) with store names.
    wait_for(&mut h, "A's card in Placement", |h| {
        h.state().placement.card_id.as_deref() == Some(a_card.as_str())
    });
    {
        let p = &mut h.state_mut().placement;
        p.channel_spec = "1-2".into();
        p.labels_text = "1,甲乙丙天河店\n2,甲乙丙北京路店".into();
        p.batch_png = false;
        p.batch_pdf = true;
        p.batch_dir = dir.join("posters-a").display().to_string();
    }
    wait_for(&mut h, "the start button", |h| enabled(h, "生成渠道海报"));
    click(&mut h, "生成渠道海报");
    wait_for(&mut h, "the batch", |h| {
        h.state().placement.batch_result.is_some()
    });
    assert!(
        matches!(&h.state().placement.batch_result, Some(Ok(s)) if s.channels == 2),
        "{:?}",
        h.state()
            .placement
            .batch_result
            .as_ref()
            .map(|r| r.as_ref().err())
    );
    wait_for(&mut h, "A's saved channels", |h| {
        h.state().placement.saved.len() == 2
    });

    // A's journal: a purchase (quote + confirm).
    click(&mut h, "券点");
    start_with_quote(&mut h, &a_card, "3");
    click(&mut h, "确认兑换");
    wait_for(&mut h, "A's journal row", |h| {
        !h.state().wallet.journal_recent.is_empty()
    });

    // A's draft, edited and not yet saved when the switch comes.
    click(&mut h, "设计");
    h.state_mut()
        .run(coupon_studio::ui::design::Command::NewDraft(
            "A 的活动".into(),
            String::new(),
        ));
    wait_for(&mut h, "A's draft", |h| {
        h.state()
            .design
            .doc
            .as_ref()
            .is_some_and(|d| d.name == "A 的活动")
    });
    let a_draft = h.state().design.doc.as_ref().unwrap().draft_id.unwrap();
    type_into(&mut h, Role::TextInput, "商户名称", "甲乙丙");
    assert_eq!(brand(&h).as_deref(), Some("甲乙丙"));
    assert!(h.state().design.edits.can_undo());

    use_merchant(&mut h, B_NAME, B);
    // B's own (new) draft is open; none of A's drafts is listed.
    click(&mut h, "设计");
    wait_for(&mut h, "B's draft", |h| {
        h.state()
            .design
            .doc
            .as_ref()
            .is_some_and(|d| d.draft_id.is_some_and(|id| id != a_draft))
    });
    assert!(h.state().design.drafts.iter().all(|m| m.id != a_draft));
    assert!(!has(&h, "A 的活动") && !has(&h, "甲乙丙"));
    assert!(
        !h.state().design.edits.can_undo(),
        "A's undo history shows under B"
    );
    click(&mut h, "投放");
    step_frames(&mut h, 10);
    wait_for(&mut h, "B's (empty) channel table", |h| {
        h.state().placement.saved.is_empty() && h.state().placement.cards.is_empty()
    });
    assert!(!has(&h, "甲乙丙天河店"));
    click(&mut h, "券点");
    step_frames(&mut h, 10);
    assert!(
        h.state().wallet.journal_recent.is_empty(),
        "A's journal shows under B"
    );
    // A's draft was saved before the switch, in A's scope alone.
    let store = coupon_studio::store::Store::open(&dir.join("coupon-studio.sqlite")).unwrap();
    assert!(
        store
            .load_draft_in(&format!("merchant:{A}"), a_draft)
            .unwrap()
            .body
            .contains("甲乙丙")
    );
    assert!(
        store
            .load_draft_in(&format!("merchant:{B}"), a_draft)
            .is_err()
    );
    assert_eq!(
        store.channels_in(&format!("merchant:{B}")).unwrap().len(),
        0
    );
    assert!(
        store.channels().unwrap().is_empty(),
        "A's channels filed as own"
    );

    // Back to A: its draft as it was, with its undo history; its channels and journal.
    use_merchant(&mut h, A_NAME, A);
    click(&mut h, "设计");
    wait_for(&mut h, "A's draft again", |h| {
        h.state()
            .design
            .doc
            .as_ref()
            .is_some_and(|d| d.draft_id == Some(a_draft))
    });
    assert_eq!(brand(&h).as_deref(), Some("甲乙丙"));
    h.state_mut().design.step_history(true);
    assert_eq!(brand(&h), None, "A's undo history came back with it");
    click(&mut h, "投放");
    wait_for(&mut h, "A's channel names", |h| {
        h.state().placement.saved.len() == 2
    });
    click(&mut h, "券点");
    wait_for(&mut h, "A's journal", |h| {
        !h.state().wallet.journal_recent.is_empty()
    });
}

/// Steps `n` frames with a short pause (answers arrive meanwhile).
fn step_frames(h: &mut H, n: usize) {
    for _ in 0..n {
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}
