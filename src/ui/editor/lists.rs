//! Form sections for the list fields of advanced_info.

use egui::Ui;

use super::fields::{FieldCtx, findings_ui, text_field};
use super::images::image_slot_ui;
use super::{EditorAction, EditorEnv};
use crate::card::rules;
use crate::card::{BusinessService, Card, Int, ShareCard, TextImage, TimeLimit, TimeLimitType};
use crate::i18n::T;
use crate::message::ImageSlot;

/// The text-image list: add, remove, reorder.
pub fn text_images_ui(
    ui: &mut Ui,
    card: &mut Card,
    env: &EditorEnv<'_>,
    fc: &FieldCtx<'_>,
    actions: &mut Vec<EditorAction>,
) -> bool {
    let mut changed = false;
    let list = card
        .advanced_info_mut()
        .text_image_list
        .get_or_insert_with(Vec::new);
    let mut op: Option<(usize, i8)> = None; // (index, -1 up / +1 down / 0 remove)
    let len = list.len();
    for (i, item) in list.iter_mut().enumerate() {
        ui.push_id(("text_image", i), |ui| {
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.horizontal(|ui| {
                    ui.strong(format!("#{}", i + 1));
                    if ui
                        .add_enabled(i > 0, egui::Button::new("⬆").small())
                        .on_hover_text(fc.t(T::MoveUp))
                        .clicked()
                    {
                        op = Some((i, -1));
                    }
                    if ui
                        .add_enabled(i + 1 < len, egui::Button::new("⬇").small())
                        .on_hover_text(fc.t(T::MoveDown))
                        .clicked()
                    {
                        op = Some((i, 1));
                    }
                    if ui.small_button(fc.t(T::Remove)).clicked() {
                        op = Some((i, 0));
                    }
                });
                image_slot_ui(
                    ui,
                    fc,
                    env,
                    ImageSlot::TextImage(i),
                    T::TextImageImage,
                    item.image_url.as_deref(),
                    actions,
                );
                let rel = format!("advanced_info.text_image_list[{i}].text");
                changed |= text_field(
                    ui,
                    fc,
                    T::TextImageText,
                    &rel,
                    &mut item.text,
                    Some(rules::TEXT_IMAGE_TEXT_MAX),
                    true,
                );
                findings_ui(
                    ui,
                    fc,
                    &fc.path(&format!("advanced_info.text_image_list[{i}].image_url")),
                    false,
                );
            });
        });
    }
    if let Some((i, dir)) = op {
        match dir {
            0 => {
                list.remove(i);
            }
            -1 => list.swap(i, i - 1),
            _ => list.swap(i, i + 1),
        }
        changed = true;
    }
    if ui.button(format!("➕ {}", fc.t(T::AddTextImage))).clicked() {
        list.push(TextImage::default());
        changed = true;
    }
    findings_ui(ui, fc, &fc.path("advanced_info.text_image_list"), false);
    changed
}

/// One row per weekday plus holidays: enabled, all day, or begin and end time.
pub fn time_limits_ui(ui: &mut Ui, card: &mut Card, fc: &FieldCtx<'_>) -> bool {
    let mut changed = false;
    let list = card
        .advanced_info_mut()
        .time_limit
        .get_or_insert_with(Vec::new);
    egui::Grid::new("time_limits")
        .num_columns(4)
        .spacing([8.0, 4.0])
        .show(ui, |ui| {
            for ty in TimeLimitType::KNOWN {
                let label = if *ty == TimeLimitType::Holiday {
                    fc.t(T::Holiday).to_owned()
                } else {
                    day_label(ty, fc)
                };
                let pos = list.iter().position(|t| t.limit_type.as_ref() == Some(ty));
                let mut on = pos.is_some();
                if ui.checkbox(&mut on, label).changed() {
                    if on {
                        list.push(TimeLimit {
                            limit_type: Some(ty.clone()),
                            begin_hour: Some(Int::Num(10)),
                            begin_minute: Some(Int::Num(0)),
                            end_hour: Some(Int::Num(20)),
                            end_minute: Some(Int::Num(59)),
                            ..TimeLimit::default()
                        });
                    } else {
                        list.retain(|t| t.limit_type.as_ref() != Some(ty));
                    }
                    changed = true;
                }
                match list.iter_mut().find(|t| t.limit_type.as_ref() == Some(ty)) {
                    Some(entry) => changed |= hours_ui(ui, entry, fc),
                    None => {
                        ui.label("");
                        ui.label("");
                        ui.label("");
                    }
                }
                ui.end_row();
            }
        });
    // Keep the list in weekday order so the JSON reads like the form.
    list.sort_by_key(|t| {
        t.limit_type
            .as_ref()
            .and_then(|k| TimeLimitType::KNOWN.iter().position(|x| x == k))
            .unwrap_or(usize::MAX)
    });
    findings_ui(ui, fc, &fc.path("advanced_info.time_limit"), true);
    changed
}

fn day_label(ty: &TimeLimitType, fc: &FieldCtx<'_>) -> String {
    match fc.lang {
        crate::i18n::Lang::Zh => ty.label_zh().to_owned(),
        crate::i18n::Lang::En => {
            let s = ty.as_str();
            let mut c = s.chars();
            c.next()
                .map(|f| f.to_string() + &c.as_str().to_lowercase())
                .unwrap_or_default()
        }
    }
}

/// All-day toggle and begin/end hour:minute of one entry (three grid cells).
fn hours_ui(ui: &mut Ui, t: &mut TimeLimit, fc: &FieldCtx<'_>) -> bool {
    let mut changed = false;
    let mut all_day = t.begin_hour.is_none()
        && t.end_hour.is_none()
        && t.begin_minute.is_none()
        && t.end_minute.is_none();
    if ui.checkbox(&mut all_day, fc.t(T::AllDay)).changed() {
        let v = |n| if all_day { None } else { Some(Int::Num(n)) };
        (t.begin_hour, t.begin_minute, t.end_hour, t.end_minute) = (v(10), v(0), v(20), v(59));
        changed = true;
    }
    if all_day {
        ui.label("");
        ui.label("");
        return changed;
    }
    let lang = fc.lang;
    // The two fields of a time have no label of their own: the hover text names them (and
    // gives a screen reader their name).
    let mut clock = |ui: &mut Ui, h: &mut Option<Int>, m: &mut Option<Int>, names: [T; 2]| {
        ui.horizontal(|ui| {
            let mut hh = h.as_ref().and_then(Int::get).unwrap_or(0);
            let mut mm = m.as_ref().and_then(Int::get).unwrap_or(0);
            let a = ui
                .add(
                    egui::DragValue::new(&mut hh)
                        .range(0..=23)
                        .custom_formatter(|v, _| format!("{v:02}")),
                )
                .on_hover_text(names[0].get(lang));
            ui.label(":");
            let b = ui
                .add(
                    egui::DragValue::new(&mut mm)
                        .range(0..=59)
                        .custom_formatter(|v, _| format!("{v:02}")),
                )
                .on_hover_text(names[1].get(lang));
            if a.changed() || b.changed() {
                *h = Some(Int::Num(hh));
                *m = Some(Int::Num(mm));
                changed = true;
            }
        });
    };
    clock(
        ui,
        &mut t.begin_hour,
        &mut t.begin_minute,
        [T::StartHour, T::StartMinute],
    );
    clock(
        ui,
        &mut t.end_hour,
        &mut t.end_minute,
        [T::EndHour, T::EndMinute],
    );
    changed
}

/// Business services: four checkboxes.
pub fn services_ui(ui: &mut Ui, card: &mut Card, fc: &FieldCtx<'_>) -> bool {
    let mut changed = false;
    let list = card
        .advanced_info_mut()
        .business_service
        .get_or_insert_with(Vec::new);
    ui.horizontal_wrapped(|ui| {
        for (svc, key) in [
            (BusinessService::Deliver, T::SvcDeliver),
            (BusinessService::FreePark, T::SvcPark),
            (BusinessService::WithPet, T::SvcPet),
            (BusinessService::FreeWifi, T::SvcWifi),
        ] {
            let mut on = list.contains(&svc);
            if ui.checkbox(&mut on, fc.t(key)).changed() {
                if on {
                    list.push(svc);
                } else {
                    list.retain(|s| *s != svc);
                }
                changed = true;
            }
        }
    });
    findings_ui(ui, fc, &fc.path("advanced_info.business_service"), true);
    changed
}

/// After-use gift: none, one more of this card, or another friends' coupon.
pub fn gift_back_ui(ui: &mut Ui, card: &mut Card, fc: &FieldCtx<'_>) -> bool {
    #[derive(PartialEq)]
    enum Mode {
        None,
        SelfCard,
        Other,
    }
    let adv = card.advanced_info_mut();
    let has_other = adv
        .consume_share_card_list
        .as_ref()
        .is_some_and(|l| !l.is_empty());
    let mode = if has_other {
        Mode::Other
    } else if adv.consume_share_self_num.as_ref().and_then(Int::get) == Some(1) {
        Mode::SelfCard
    } else {
        Mode::None
    };
    let mut changed = false;
    for (m, key) in [
        (Mode::None, T::GiftBackNone),
        (Mode::SelfCard, T::GiftBackSelf),
        (Mode::Other, T::GiftBackOther),
    ] {
        if ui.radio(mode == m, fc.t(key)).clicked() && mode != m {
            match m {
                Mode::None => {
                    adv.consume_share_self_num = None;
                    adv.consume_share_card_list = None;
                }
                Mode::SelfCard => {
                    adv.consume_share_self_num = Some(Int::Num(1));
                    adv.consume_share_card_list = None;
                }
                Mode::Other => {
                    adv.consume_share_self_num = None;
                    adv.consume_share_card_list = Some(vec![ShareCard {
                        num: Some(Int::Num(1)),
                        ..ShareCard::default()
                    }]);
                }
            }
            changed = true;
        }
    }
    if let Some(entry) = adv
        .consume_share_card_list
        .as_mut()
        .and_then(|l| l.first_mut())
    {
        changed |= text_field(
            ui,
            fc,
            T::OtherCardId,
            "advanced_info.consume_share_card_list[0].card_id",
            &mut entry.card_id,
            None,
            false,
        );
    }
    findings_ui(
        ui,
        fc,
        &fc.path("advanced_info.consume_share_self_num"),
        false,
    );
    findings_ui(
        ui,
        fc,
        &fc.path("advanced_info.consume_share_card_list"),
        true,
    );
    changed
}
