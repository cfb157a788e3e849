//! The Design form holds still while the person types (a field's error line is reserved), and
//! a click on a finding in the right column scrolls to its field and focuses it (issue 18).

use coupon_studio::app::{Backend, Persisted};
use coupon_studio::i18n::Lang;
use egui::Role;
use egui_kittest::kittest::Queryable;

use crate::support::temp_dir;
use crate::support::ui::{self, H, wait_for};

fn app(name: &str) -> H {
    let backend = Backend::start_sandbox(None).unwrap();
    let persisted = Persisted {
        lang: Lang::Zh,
        ..Persisted::default()
    };
    let mut h = ui::app_with(
        &temp_dir(name),
        backend,
        persisted,
        egui::vec2(1400.0, 1000.0),
    );
    wait_for(&mut h, "the editor", |h| {
        h.query_by_role_and_label(Role::TextInput, "减免金额(元)")
            .is_some()
    });
    h
}

/// Where the field below the one typed into starts, on screen.
fn below_top(h: &H) -> f32 {
    h.get_by_role_and_label(Role::TextInput, "指定可用品类")
        .rect()
        .top()
}

#[test]
fn typing_into_a_field_does_not_move_the_fields_below_it() {
    let mut h = app("form-still");
    // A blank draft: "减免金额" is missing, and says so under the field.
    assert!(ui::has(&h, "缺少减免金额"));
    let before = below_top(&h);
    // A valid amount: the error goes, its line stays.
    ui::type_into(&mut h, Role::TextInput, "减免金额(元)", "50");
    assert!(!ui::has(&h, "缺少减免金额"));
    assert_eq!(below_top(&h), before);
    // Text that is not an amount: the typing error takes the same line.
    ui::type_into(&mut h, Role::TextInput, "减免金额(元)", "x");
    assert!(ui::has(&h, "金额"), "the typing error shows");
    assert_eq!(below_top(&h), before);
}

#[test]
fn a_click_on_a_finding_focuses_its_field() {
    let mut h = app("form-focus");
    let brand = |h: &H| {
        h.get_by_role_and_label(Role::TextInput, "商户名称")
            .is_focused()
    };
    assert!(!brand(&h));
    // The same words show under the field and in the findings list on the right: click the
    // one on the right.
    let target = h
        .query_all_by_label_contains("缺少商户名称")
        .max_by(|a, b| a.rect().left().total_cmp(&b.rect().left()))
        .expect("the finding in the list");
    assert!(target.rect().left() > 900.0, "{:?}", target.rect());
    target.click();
    h.run_steps(4);
    assert!(brand(&h), "the brand name field has the focus");
}

#[test]
fn without_a_system_dialog_the_built_in_chooser_picks_the_picture() {
    let mut h = app("form-chooser");
    let path = temp_dir("form-chooser-files").join("logo.png");
    image::RgbImage::from_fn(600, 600, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    })
    .save(&path)
    .unwrap();
    // As after the first 选择图片 on a desktop without a file-chooser portal.
    h.state_mut().design.files.builtin = true;
    h.query_all_by_label("选择图片…")
        .next()
        .expect("the logo's button")
        .click();
    h.run_steps(3);
    assert!(h.state().design.files.is_open());
    assert!(ui::has(&h, "选择图片"), "the chooser's window");
    // The person goes to the picture's folder, clicks the file and opens it.
    h.state_mut().design.files.set_path(path.parent().unwrap());
    h.run_steps(2);
    h.query_all_by_label_contains("logo.png")
        .next()
        .expect("the file in the chooser's list")
        .click();
    h.run_steps(2);
    h.get_by_role_and_label(Role::Button, "打开").click();
    h.run_steps(2);
    assert!(!h.state().design.files.is_open());
    wait_for(&mut h, "the upload", ui::logo_uploaded);
}
