//! The UI language: switched at runtime from the top bar, kept across restarts, and in English
//! no panel shows a Chinese UI string (WeChat's own card texts stay Chinese, as WeChat shows
//! them).

use coupon_studio::app::{Backend, Nav, Persisted};
use coupon_studio::card::synth::synthesize;
use coupon_studio::i18n::Lang;
use egui_kittest::kittest::{NodeT, Queryable};

use crate::support;
use crate::support::ui::{H, has, wait_for};

/// The app on `nav` in `lang`, on a simulator holding one approved card with stock (so the
/// panels show their card pickers, prices, warnings and tables, not only empty states).
fn app_in(dir: &std::path::Path, nav: Nav, lang: Lang) -> H {
    let backend = Backend::start_sandbox(None).unwrap();
    let c = support::ui::client(backend.sandbox_url().unwrap());
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let body = support::fixture_body(&c, 86_400, 20 * 86_400).await;
        let id = c.create_card(&body).await.unwrap();
        support::admin(
            &c,
            "/sandbox/card/review",
            serde_json::json!({"card_id": id, "approve": true}),
        )
        .await;
    });
    let persisted = Persisted {
        lang,
        nav,
        ..Persisted::default()
    };
    support::ui::app_with(dir, backend, persisted, egui::vec2(1400.0, 1100.0))
}

/// Every text the accessibility tree shows (labels' values, widgets' labels).
fn texts(h: &H) -> Vec<String> {
    h.query_all_by(|_| true)
        .filter_map(|n| {
            let n = n.accesskit_node();
            n.value().or_else(|| n.label())
        })
        .collect()
}

/// The panel's name in the English navigation.
fn nav_label(nav: Nav) -> &'static str {
    match nav {
        Nav::Design => "Design",
        Nav::Wallet => "Coins",
        Nav::Placement => "Placement",
        Nav::Redeem => "Redeem",
        Nav::Stats => "Stats",
        Nav::Settings => "Settings",
    }
}

fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3000}'..='\u{303f}').contains(&c)
}

#[test]
fn the_language_switches_at_runtime_and_is_kept() {
    let dir = support::temp_dir("lang-switch");
    let mut h = app_in(&dir, Nav::Settings, Lang::Zh);
    h.run_steps(3);
    assert!(has(&h, "设计") && has(&h, "设置"));
    // The language picker in the top bar: open it, pick English.
    h.query_all_by(|n| n.value().as_deref() == Some("中文"))
        .next()
        .expect("the language picker")
        .click();
    h.run_steps(2);
    h.get_by_label("English").click();
    h.run_steps(3);
    assert_eq!(h.state().persisted.lang, Lang::En);
    assert!(has(&h, "Design") && has(&h, "Settings"));
    assert!(!has(&h, "设计"));

    // eframe saves on exit; the next start reads it back.
    let mut mem = support::ui::MemStorage::default();
    eframe::App::save(h.state_mut(), &mut mem);
    let kept: Persisted = eframe::get_value(&mem, "coupon-studio").unwrap();
    assert_eq!(kept.lang, Lang::En);
    assert_eq!(kept.nav, Nav::Settings);
}

#[test]
fn no_panel_shows_chinese_ui_text_in_english() {
    let dir = support::temp_dir("lang-english");
    let mut checked = 0;
    for nav in [
        Nav::Design,
        Nav::Wallet,
        Nav::Placement,
        Nav::Redeem,
        Nav::Stats,
        Nav::Settings,
    ] {
        let mut h = app_in(&dir, nav, Lang::En);
        wait_for(&mut h, "the card list", |h| {
            h.state().design.cards.len() == 1
        });
        h.run_steps(10);
        // Content stays as WeChat and the merchant wrote it: the card's synthesized texts
        // and the stores' names and addresses.
        let app = h.state();
        let mut content: Vec<String> = app.design.stores.iter().map(|s| s.name()).collect();
        for card in &app.design.cards {
            let base = card.body.card.base_info();
            content.extend(base.and_then(|b| b.brand_name.clone()));
            content.extend(base.and_then(|b| b.notice.clone()));
            let s = synthesize(&card.body.card);
            content.extend([s.title, s.abstract_line]);
        }
        if let Some(doc) = &app.design.doc {
            let s = synthesize(&doc.body.card);
            content.extend([s.title, s.abstract_line]);
            content.extend(s.notices);
            content.extend(s.time_limit_text);
        }
        let shown = texts(&h);
        assert!(
            shown.iter().any(|t| t.contains(nav_label(nav))),
            "{nav:?}: {shown:?}"
        );
        let chinese: Vec<&String> = shown
            .iter()
            .filter(|t| t.chars().any(is_cjk))
            .filter(|t| {
                !content
                    .iter()
                    .any(|c| !c.is_empty() && t.contains(c.as_str()))
            })
            .collect();
        assert!(
            chinese.is_empty(),
            "{nav:?} shows Chinese UI text in English: {chinese:?}"
        );
        checked += 1;
    }
    assert_eq!(checked, 6);
}
