//! The right column of the Design panel: live preview, findings, create and update.

use egui::{RichText, Ui};

use super::{Command, DesignPanel};
use crate::card::report::Report;
use crate::card::rules::{Context, Mode, Severity};
use crate::card::update::update_body;
use crate::i18n::{Lang, T};
use crate::ui::card_picker::status_label;
use crate::ui::editor::severity_color;

/// Draws the preview column.
pub fn preview_column_ui(
    ui: &mut Ui,
    panel: &mut DesignPanel,
    report: &Report,
    lang: Lang,
    out: &mut Vec<Command>,
) {
    let Some(doc) = panel.doc.clone() else { return };
    super::card_view::preview_ui(ui, panel, &doc.body, report, lang);
    ui.separator();
    super::cost::cost_ui(ui, &mut panel.cost, &doc.body.card, lang);
    ui.separator();

    // Findings at create strictness: image URLs must be CDN URLs by now.
    let strict = Report::of(
        &doc.body,
        &Context {
            now: panel.now(),
            mode: if doc.remote.is_some() {
                Mode::Update
            } else {
                Mode::Create
            },
        },
    );
    let errors: Vec<_> = strict.errors().collect();
    let warnings: Vec<_> = strict.warnings().collect();
    ui.label(format!(
        "{} {} · {} {}",
        T::Errors.get(lang),
        errors.len(),
        T::Warnings.get(lang),
        warnings.len()
    ));
    // The rule in words first (it names the field); the JSON path is the tooltip. A click
    // scrolls the form to the field and focuses it.
    for f in errors.iter().chain(warnings.iter()).take(12) {
        let text = RichText::new(f.message(lang.is_en()))
            .small()
            .color(severity_color(ui, f.severity));
        let resp = ui
            .add(egui::Label::new(text).sense(egui::Sense::click()))
            .on_hover_text(format!("{} · {}", T::ShowField.get(lang), f.field));
        if resp.clicked() {
            crate::ui::editor::ask_focus(ui.ctx(), &f.field);
        }
    }

    ui.separator();
    // A linked draft opened later still shows the result a push brought.
    let pushed_status = panel
        .flow
        .card_id
        .as_ref()
        .and_then(|id| panel.reviews.get(id))
        .map(|r| r.status().to_owned());
    let refusal = panel
        .flow
        .card_id
        .as_deref()
        .and_then(|id| panel.refusal(id))
        .map(str::to_owned);
    let flow = &mut panel.flow;
    match &doc.remote {
        None => {
            let can_create = errors.is_empty() && !flow.in_flight && flow.card_id.is_none();
            ui.horizontal(|ui| {
                let button = ui.add_enabled(
                    can_create,
                    egui::Button::new(RichText::new(T::CreateCard.get(lang)).strong()),
                );
                if button.clicked() {
                    flow.show_json = true;
                }
                if !errors.is_empty() {
                    ui.label(
                        RichText::new(T::CreateBlocked.get(lang))
                            .small()
                            .color(severity_color(ui, Severity::Error)),
                    );
                }
            });
        }
        Some((card_id, original)) => {
            let patch = update_body(card_id, original, &doc.body);
            let enabled = patch.is_some() && !flow.in_flight && errors.is_empty();
            if ui
                .add_enabled(enabled, egui::Button::new(T::Update.get(lang)))
                .clicked()
            {
                if let Some(p) = patch {
                    flow.in_flight = true;
                    out.push(Command::Update(card_id.clone(), p));
                }
            } else if patch.is_none() {
                ui.weak(T::NoChanges.get(lang));
            }
            if flow.note.as_deref() == Some("resubmitted") {
                ui.label(RichText::new(T::Resubmitted.get(lang)).strong());
            }
        }
    }
    if flow.in_flight {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(T::Creating.get(lang));
        });
    }
    if let Some(id) = &flow.card_id {
        ui.horizontal(|ui| {
            ui.label(format!("{}:", T::CardId.get(lang)));
            ui.monospace(id.as_str());
            if ui.small_button(T::Copy.get(lang)).clicked() {
                ui.ctx().copy_text(id.clone());
            }
        });
        if let Some(status) = flow.status.as_ref().or(pushed_status.as_ref()) {
            ui.horizontal(|ui| {
                if flow.next_poll.is_some() {
                    ui.spinner();
                }
                ui.label(RichText::new(status_label(status, lang)).strong());
                // No spinner while the push is awaited: a review may take hours, and a
                // spinner repaints every frame (the app must rest meanwhile).
                if flow.awaiting_push {
                    ui.weak(T::AwaitingReviewPush.get(lang))
                        .on_hover_text(T::ReviewByPush.get(lang));
                }
            });
            if status == "CARD_STATUS_VERIFY_FAIL"
                && let Some(reason) = &refusal
            {
                crate::ui::error_label(ui, format!("{} {reason}", T::RefuseReason.get(lang)));
            }
        }
    }
    if let Some(e) = &flow.error {
        crate::ui::error_label(ui, e.text(lang));
    }
    json_window(ui, panel, &doc, lang, out);
}

/// The exact request body, copyable, with the final 发送 button.
fn json_window(
    ui: &mut Ui,
    panel: &mut DesignPanel,
    doc: &super::Doc,
    lang: Lang,
    out: &mut Vec<Command>,
) {
    if !panel.flow.show_json {
        return;
    }
    let mut open = true;
    let json = crate::card::import::to_pretty_json(&doc.body);
    let mut send = false;
    egui::Window::new(T::RequestBody.get(lang))
        .open(&mut open)
        .default_size([520.0, 480.0])
        .show(ui.ctx(), |ui| {
            ui.horizontal(|ui| {
                if ui.button(T::Copy.get(lang)).clicked() {
                    ui.ctx().copy_text(json.clone());
                }
                ui.weak("POST /card/create");
            });
            egui::ScrollArea::vertical()
                .max_height(360.0)
                .show(ui, |ui| {
                    ui.add(
                        egui::TextEdit::multiline(&mut json.as_str())
                            .code_editor()
                            .desired_width(f32::INFINITY),
                    );
                });
            let enabled = !panel.flow.in_flight && panel.flow.card_id.is_none();
            if ui
                .add_enabled(
                    enabled,
                    egui::Button::new(RichText::new(T::Send.get(lang)).strong()),
                )
                .clicked()
            {
                send = true;
            }
        });
    if send {
        panel.flow.in_flight = true;
        panel.flow.show_json = false;
        panel.flow.error = None;
        out.push(Command::Create(doc.draft_id, Box::new(doc.body.clone())));
    }
    if !open {
        panel.flow.show_json = false;
    }
}
