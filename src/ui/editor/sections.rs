//! Form sections for base_info and the thresholds.

use egui::{RichText, Ui};

use super::fields::{FieldCtx, findings_ui, int_field, money_field, severity_color, text_field};
use super::images::image_slot_ui;
use super::{EditorAction, EditorBuffers, EditorEnv};
use crate::card::rules::{self, Severity};
use crate::card::{Card, CardType, CodeType, DateType, Int, beijing};
use crate::i18n::{Lang, T};
use crate::message::ImageSlot;

/// Card type and value.
pub fn type_ui(
    ui: &mut Ui,
    card: &mut Card,
    bufs: &mut EditorBuffers,
    env: &EditorEnv<'_>,
    fc: &FieldCtx<'_>,
) -> bool {
    let mut changed = false;
    let kind = card.kind().unwrap_or(CardType::Cash);
    ui.add_enabled_ui(!env.created, |ui| {
        ui.horizontal(|ui| {
            for (k, label) in [(CardType::Cash, T::CashCard), (CardType::Gift, T::GiftCard)] {
                if ui.radio(kind == k, fc.t(label)).clicked() && kind != k {
                    card.set_kind(k);
                    changed = true;
                }
            }
        });
    });
    findings_ui(ui, fc, "card.card_type", false);
    let fixed = env.created;
    ui.add_enabled_ui(!fixed, |ui| match card.kind() {
        Some(CardType::Gift) => {
            let gift = card.gift.get_or_insert_with(Default::default);
            changed |= text_field(
                ui,
                fc,
                T::GiftName,
                "gift_name",
                &mut gift.gift_name,
                Some(rules::GIFT_NAME_MAX),
                false,
            );
            changed |= int_field(
                ui,
                fc,
                T::GiftNum,
                "gift_num",
                &mut gift.gift_num,
                &mut bufs.gift_num,
                80.0,
            );
            changed |= text_field(
                ui,
                fc,
                T::GiftUnit,
                "gift_unit",
                &mut gift.gift_unit,
                Some(rules::GIFT_UNIT_MAX),
                false,
            );
            changed |= text_field(ui, fc, T::GiftText, "gift", &mut gift.gift, None, false);
        }
        _ => {
            let cash = card.cash.get_or_insert_with(Default::default);
            changed |= money_field(
                ui,
                fc,
                T::ReduceCost,
                "reduce_cost",
                &mut cash.reduce_cost,
                &mut bufs.reduce_cost,
            );
        }
    });
    changed
}

/// Thresholds (门槛): fixed once the card exists, and they set the title and the price.
pub fn threshold_ui(
    ui: &mut Ui,
    card: &mut Card,
    bufs: &mut EditorBuffers,
    env: &EditorEnv<'_>,
    fc: &FieldCtx<'_>,
) -> bool {
    ui.label(
        RichText::new(format!("⚠ {}", fc.t(T::ThresholdLocked)))
            .color(severity_color(ui, Severity::Warning))
            .small(),
    );
    let mut changed = false;
    let is_gift = card.kind() == Some(CardType::Gift);
    ui.add_enabled_ui(!env.created, |ui| {
        let uc = card.use_condition_mut();
        if !is_gift {
            changed |= text_field(
                ui,
                fc,
                T::AcceptCategory,
                "advanced_info.use_condition.accept_category",
                &mut uc.accept_category,
                None,
                false,
            );
            changed |= text_field(
                ui,
                fc,
                T::RejectCategory,
                "advanced_info.use_condition.reject_category",
                &mut uc.reject_category,
                None,
                false,
            );
        } else {
            changed |= text_field(
                ui,
                fc,
                T::ObjectUseFor,
                "advanced_info.use_condition.object_use_for",
                &mut uc.object_use_for,
                None,
                false,
            );
        }
        changed |= money_field(
            ui,
            fc,
            T::LeastCost,
            "advanced_info.use_condition.least_cost",
            &mut uc.least_cost,
            &mut bufs.least_cost,
        );
        let mut exclusive = uc.can_use_with_other_discount == Some(false);
        if ui
            .checkbox(&mut exclusive, fc.t(T::NotCombinable))
            .changed()
        {
            uc.can_use_with_other_discount = if exclusive { Some(false) } else { None };
            changed = true;
        }
    });
    findings_ui(ui, fc, &fc.path("advanced_info.use_condition"), true);
    changed
}

/// Brand name, logo, colour and code type.
pub fn brand_ui(
    ui: &mut Ui,
    card: &mut Card,
    env: &EditorEnv<'_>,
    fc: &FieldCtx<'_>,
    actions: &mut Vec<EditorAction>,
) -> bool {
    let mut changed = false;
    let base = card.base_info_mut();
    ui.add_enabled_ui(!env.created, |ui| {
        changed |= text_field(
            ui,
            fc,
            T::BrandName,
            "base_info.brand_name",
            &mut base.brand_name,
            Some(rules::BRAND_NAME_MAX),
            false,
        );
    });
    image_slot_ui(
        ui,
        fc,
        env,
        ImageSlot::Logo,
        T::Logo,
        base.logo_url.as_deref(),
        actions,
    );
    findings_ui(ui, fc, &fc.path("base_info.logo_url"), false);

    ui.label(fc.t(T::Color));
    ui.horizontal_wrapped(|ui| {
        for (name, color) in env.colors {
            let selected = base.color.as_deref() == Some(name.as_str());
            let (rect, resp) = ui.allocate_exact_size(egui::vec2(26.0, 26.0), egui::Sense::click());
            ui.painter().rect_filled(rect.shrink(2.0), 4.0, *color);
            if selected {
                ui.painter().rect_stroke(
                    rect,
                    4.0,
                    egui::Stroke::new(2.0, ui.visuals().strong_text_color()),
                    egui::StrokeKind::Inside,
                );
            }
            let resp = resp.on_hover_text(name.as_str());
            if resp.clicked() {
                base.color = Some(name.clone());
                changed = true;
            }
        }
    });
    if let Some(c) = &base.color {
        ui.weak(c.as_str());
    }
    findings_ui(ui, fc, &fc.path("base_info.color"), false);

    ui.horizontal(|ui| {
        let label = ui.label(fc.t(T::CodeType));
        let current = base.code_type.clone();
        egui::ComboBox::from_id_salt("code_type")
            .selected_text(
                current
                    .as_ref()
                    .map_or("—", |c| code_type_label(c, fc.lang)),
            )
            .show_ui(ui, |ui| {
                for ct in CodeType::KNOWN {
                    if ui
                        .selectable_label(
                            current.as_ref() == Some(ct),
                            code_type_label(ct, fc.lang),
                        )
                        .clicked()
                    {
                        base.code_type = Some(ct.clone());
                        changed = true;
                    }
                }
            })
            .response
            .labelled_by(label.id);
    });
    findings_ui(ui, fc, &fc.path("base_info.code_type"), false);
    changed
}

fn code_type_label(c: &CodeType, lang: Lang) -> &str {
    let key = match c {
        CodeType::Text => T::CodeTypeText,
        CodeType::Barcode => T::CodeTypeBarcode,
        CodeType::Qrcode => T::CodeTypeQrcode,
        CodeType::OnlyQrcode => T::CodeTypeOnlyQrcode,
        CodeType::OnlyBarcode => T::CodeTypeOnlyBarcode,
        CodeType::None => T::CodeTypeNone,
        CodeType::Other(s) => return s.as_str(),
    };
    key.get(lang)
}

/// Validity (Beijing dates, 90-day limit) and stores.
pub fn validity_ui(
    ui: &mut Ui,
    card: &mut Card,
    bufs: &mut EditorBuffers,
    env: &EditorEnv<'_>,
    fc: &FieldCtx<'_>,
) -> bool {
    let mut changed = false;
    let di = card.date_info_mut();
    if di.date_type.is_none() {
        di.date_type = Some(DateType::FixTimeRange);
    }
    let today = beijing::date_of(chrono::Utc::now().timestamp()).unwrap_or_default();
    let begin = di
        .begin_timestamp
        .as_ref()
        .and_then(Int::get)
        .and_then(beijing::date_of);
    let end = di
        .end_timestamp
        .as_ref()
        .and_then(Int::get)
        .and_then(beijing::date_of);
    ui.horizontal(|ui| {
        ui.label(format!("{} ({})", fc.t(T::BeginDate), fc.t(T::BeijingTime)));
        if let Some(d) = crate::ui::date_picker(ui, "begin_date", begin.unwrap_or(today)) {
            di.begin_timestamp = beijing::start_of(d).map(Int::Num);
            changed = true;
        }
    });
    ui.horizontal(|ui| {
        ui.label(format!("{} ({})", fc.t(T::EndDate), fc.t(T::BeijingTime)));
        let default_end = begin.unwrap_or(today) + chrono::Duration::days(29);
        if let Some(d) = crate::ui::date_picker(ui, "end_date", end.unwrap_or(default_end)) {
            di.end_timestamp = beijing::end_of(d).map(Int::Num);
            changed = true;
        }
    });
    let (b, e) = (
        di.begin_timestamp.as_ref().and_then(Int::get),
        di.end_timestamp.as_ref().and_then(Int::get),
    );
    if let (Some(b), Some(e)) = (b, e) {
        let days = beijing::days_inclusive(b, e).unwrap_or(0);
        let over = days > rules::MAX_VALIDITY_DAYS;
        let text = format!(
            "{} {days} {} ({})",
            fc.t(T::ValiditySpan),
            fc.t(T::Days),
            fc.t(T::MaxDays)
        );
        let color = if over {
            severity_color(ui, Severity::Error)
        } else {
            ui.visuals().weak_text_color()
        };
        ui.label(RichText::new(text).color(color).small());
    }
    findings_ui(ui, fc, &fc.path("base_info.date_info"), true);

    ui.separator();
    stores_ui(ui, card, bufs, env, fc, &mut changed);
    let base = card.base_info_mut();
    changed |= int_field(
        ui,
        fc,
        T::GetLimit,
        "base_info.get_limit",
        &mut base.get_limit,
        &mut bufs.get_limit,
        80.0,
    );
    changed
}

fn stores_ui(
    ui: &mut Ui,
    card: &mut Card,
    bufs: &mut EditorBuffers,
    env: &EditorEnv<'_>,
    fc: &FieldCtx<'_>,
    changed: &mut bool,
) {
    let base = card.base_info_mut();
    let ids = base.location_id_list.get_or_insert_with(Vec::new);
    ui.label(fc.t(T::Stores));
    ui.horizontal(|ui| {
        ui.label("🔍");
        ui.add(
            egui::TextEdit::singleline(&mut bufs.store_search)
                .hint_text(fc.t(T::StoreSearch))
                .desired_width(200.0),
        );
    });
    let needle = bufs.store_search.trim().to_lowercase();
    egui::ScrollArea::vertical()
        .id_salt("stores")
        .max_height(140.0)
        .show(ui, |ui| {
            for store in env.stores.iter().filter(|s| {
                needle.is_empty()
                    || s.name().to_lowercase().contains(&needle)
                    || s.address.to_lowercase().contains(&needle)
                    || s.poi_id.contains(&needle)
            }) {
                let Ok(id) = store.poi_id.parse::<i64>() else {
                    continue;
                };
                let mut on = ids.iter().any(|v| v.get() == Some(id));
                let label = format!("{} · {}", store.name(), store.address);
                if ui.checkbox(&mut on, label).changed() {
                    if on {
                        ids.push(Int::Num(id));
                    } else {
                        ids.retain(|v| v.get() != Some(id));
                    }
                    *changed = true;
                }
            }
        });
    ui.horizontal(|ui| {
        let r = ui.label(fc.t(T::StoreIdManual));
        ui.add(egui::TextEdit::singleline(&mut bufs.store_id).desired_width(120.0))
            .labelled_by(r.id);
        let parsed = bufs.store_id.trim().parse::<i64>().ok().filter(|v| *v > 0);
        if ui
            .add_enabled(parsed.is_some(), egui::Button::new(fc.t(T::Add)))
            .clicked()
            && let Some(v) = parsed
        {
            if !ids.iter().any(|x| x.get() == Some(v)) {
                ids.push(Int::Num(v));
                *changed = true;
            }
            bufs.store_id.clear();
        }
    });
    let unknown: Vec<String> = ids
        .iter()
        .filter(|v| !env.stores.iter().any(|s| s.poi_id == v.display()))
        .map(Int::display)
        .collect();
    if !unknown.is_empty() {
        ui.weak(format!("ID: {}", unknown.join(", ")));
    }
    findings_ui(ui, fc, &fc.path("base_info.location_id_list"), true);
}

/// Notice, description, phone.
pub fn usage_ui(ui: &mut Ui, card: &mut Card, fc: &FieldCtx<'_>) -> bool {
    let base = card.base_info_mut();
    let mut changed = text_field(
        ui,
        fc,
        T::Notice,
        "base_info.notice",
        &mut base.notice,
        Some(if fc.update {
            rules::NOTICE_MAX_AT_UPDATE
        } else {
            rules::NOTICE_MAX
        }),
        false,
    );
    changed |= text_field(
        ui,
        fc,
        T::Description,
        "base_info.description",
        &mut base.description,
        Some(rules::DESCRIPTION_MAX),
        true,
    );
    changed |= text_field(
        ui,
        fc,
        T::ServicePhone,
        "base_info.service_phone",
        &mut base.service_phone,
        None,
        false,
    );
    changed
}

/// The three entrances.
pub fn entrances_ui(ui: &mut Ui, card: &mut Card, fc: &FieldCtx<'_>) -> bool {
    let b = card.base_info_mut();
    let mut c = false;
    c |= text_field(
        ui,
        fc,
        T::CenterTitle,
        "base_info.center_title",
        &mut b.center_title,
        Some(rules::CENTER_TITLE_MAX),
        false,
    );
    c |= text_field(
        ui,
        fc,
        T::CenterSubTitle,
        "base_info.center_sub_title",
        &mut b.center_sub_title,
        Some(rules::CENTER_SUB_TITLE_MAX),
        false,
    );
    c |= text_field(
        ui,
        fc,
        T::CenterUrl,
        "base_info.center_url",
        &mut b.center_url,
        None,
        false,
    );
    ui.separator();
    c |= text_field(
        ui,
        fc,
        T::CustomUrlName,
        "base_info.custom_url_name",
        &mut b.custom_url_name,
        Some(rules::CUSTOM_URL_NAME_MAX),
        false,
    );
    c |= text_field(
        ui,
        fc,
        T::CustomUrlSubTitle,
        "base_info.custom_url_sub_title",
        &mut b.custom_url_sub_title,
        Some(rules::CUSTOM_URL_SUB_TITLE_MAX),
        false,
    );
    c |= text_field(
        ui,
        fc,
        T::CustomUrl,
        "base_info.custom_url",
        &mut b.custom_url,
        None,
        false,
    );
    ui.separator();
    c |= text_field(
        ui,
        fc,
        T::PromotionUrlName,
        "base_info.promotion_url_name",
        &mut b.promotion_url_name,
        None,
        false,
    );
    c |= text_field(
        ui,
        fc,
        T::PromotionUrlSubTitle,
        "base_info.promotion_url_sub_title",
        &mut b.promotion_url_sub_title,
        Some(rules::PROMOTION_URL_SUB_TITLE_MAX),
        false,
    );
    c |= text_field(
        ui,
        fc,
        T::PromotionUrl,
        "base_info.promotion_url",
        &mut b.promotion_url,
        None,
        false,
    );
    c
}

/// Cover picture and summary.
pub fn cover_ui(
    ui: &mut Ui,
    card: &mut Card,
    env: &EditorEnv<'_>,
    fc: &FieldCtx<'_>,
    actions: &mut Vec<EditorAction>,
) -> bool {
    let abs = card
        .advanced_info_mut()
        .abstract_info
        .get_or_insert_with(Default::default);
    let url = abs.icon_url_list.as_ref().and_then(|l| l.first()).cloned();
    image_slot_ui(
        ui,
        fc,
        env,
        ImageSlot::Cover,
        T::Cover,
        url.as_deref(),
        actions,
    );
    findings_ui(
        ui,
        fc,
        &fc.path("advanced_info.abstract.icon_url_list"),
        true,
    );
    text_field(
        ui,
        fc,
        T::AbstractText,
        "advanced_info.abstract.abstract",
        &mut abs.text,
        None,
        true,
    )
}
