//! The left column of the Design panel: drafts and my cards.

use egui::Ui;

use super::{Command, DesignPanel};
use crate::card::templates::Template;
use crate::i18n::{Lang, T};

/// Draws the drafts list and 我的卡券.
pub fn lists_ui(
    ui: &mut Ui,
    panel: &mut DesignPanel,
    lang: Lang,
    below: Option<i64>,
    out: &mut Vec<Command>,
) {
    ui.heading(T::Drafts.get(lang));
    ui.horizontal_wrapped(|ui| {
        ui.menu_button(format!("➕ {}", T::NewDraft.get(lang)), |ui| {
            if ui.button(T::BlankCard.get(lang)).clicked() {
                out.push(Command::NewDraft(
                    T::Untitled.get(lang).to_owned(),
                    String::new(),
                ));
                ui.close();
            }
            ui.separator();
            for t in Template::ALL {
                let (name, hint) = template_words(t);
                if ui
                    .button(name.get(lang))
                    .on_hover_text(hint.get(lang))
                    .clicked()
                {
                    out.push(from_template(panel, t, name.get(lang)));
                    ui.close();
                }
            }
        });
        if ui.button(T::Import.get(lang)).clicked() {
            out.push(Command::ImportJson);
        }
    });
    let open_id = panel.doc.as_ref().and_then(|d| d.draft_id);
    let drafts = panel.drafts.clone();
    egui::ScrollArea::vertical()
        .id_salt("drafts")
        .max_height(ui.available_height() * 0.55)
        .show(ui, |ui| {
            for d in &drafts {
                ui.push_id(("draft", d.id), |ui| {
                    let renaming = matches!(panel.rename_state(), Some((id, _)) if *id == d.id);
                    if renaming {
                        rename_ui(ui, panel, d.id, lang, out);
                        return;
                    }
                    let label = match &d.card_id {
                        Some(_) => format!("✔ {}", d.name),
                        None => d.name.clone(),
                    };
                    let resp = ui.selectable_label(open_id == Some(d.id), label);
                    if resp.clicked() && open_id != Some(d.id) {
                        // Save the open draft before switching, so nothing typed is lost.
                        out.extend(panel.save_command());
                        out.push(Command::OpenDraft(d.id));
                    }
                    resp.context_menu(|ui| {
                        if ui.button(T::Rename.get(lang)).clicked() {
                            *panel.rename_state() = Some((d.id, d.name.clone()));
                            ui.close();
                        }
                        if ui.button(T::Duplicate.get(lang)).clicked() {
                            out.push(Command::DuplicateDraft(
                                d.id,
                                format!("{} ({})", d.name, T::Duplicate.get(lang)),
                            ));
                            ui.close();
                        }
                        if ui.button(T::Export.get(lang)).clicked() {
                            if let Some(doc) =
                                panel.doc.as_ref().filter(|doc| doc.draft_id == Some(d.id))
                            {
                                out.push(Command::ExportJson(
                                    d.name.clone(),
                                    crate::card::import::to_pretty_json(&doc.body),
                                ));
                            } else {
                                out.push(Command::OpenDraft(d.id));
                            }
                            ui.close();
                        }
                        if ui.button(T::Delete.get(lang)).clicked() {
                            out.push(Command::DeleteDraft(d.id));
                            ui.close();
                        }
                    });
                });
            }
        });
    if let Some(doc) = panel.doc.clone() {
        ui.horizontal(|ui| {
            if ui.small_button(T::Export.get(lang)).clicked() {
                out.push(Command::ExportJson(
                    doc.name.clone(),
                    crate::card::import::to_pretty_json(&doc.body),
                ));
            }
            if let Some(id) = doc.draft_id
                && ui.small_button(T::Rename.get(lang)).clicked()
            {
                *panel.rename_state() = Some((id, doc.name.clone()));
            }
        });
    }
    ui.separator();
    ui.horizontal(|ui| {
        ui.heading(T::MyCards.get(lang));
        if ui
            .small_button("⟳")
            .on_hover_text(T::Refresh.get(lang))
            .clicked()
        {
            out.push(Command::ListCards);
        }
    });
    egui::ScrollArea::vertical()
        .id_salt("cards")
        .show(ui, |ui| {
            for c in panel.cards.clone() {
                let title = crate::card::synth::title(&c.body.card);
                let text = format!(
                    "{title}\n{} · {}",
                    crate::ui::card_picker::status_label(&c.status, lang),
                    crate::ui::short_id(&c.card_id)
                );
                let open = panel
                    .doc
                    .as_ref()
                    .and_then(|d| d.remote.as_ref())
                    .is_some_and(|(id, _)| *id == c.card_id);
                let resp = ui.selectable_label(open, text);
                if c.status == "CARD_STATUS_VERIFY_FAIL"
                    && let Some(reason) = panel.refusal(&c.card_id)
                {
                    ui.label(
                        egui::RichText::new(format!("{} {reason}", T::RefuseReason.get(lang)))
                            .small()
                            .color(crate::ui::error_color(ui)),
                    );
                }
                let reminded = panel.reminded.contains(&c.card_id);
                if let Some(a) =
                    crate::wallet::card_stock_alert(c.quantity, c.total_quantity, below, reminded)
                {
                    ui.colored_label(
                        crate::ui::warn_color(ui),
                        egui::RichText::new(format!(
                            "⚠ {}",
                            crate::ui::wallet::alerts::alert_text(&a, lang)
                        ))
                        .small(),
                    );
                }
                if resp.clicked() && !open {
                    out.extend(panel.save_command());
                    panel.opening_card = Some(c.card_id.clone());
                    out.push(Command::FetchCard(c.card_id.clone()));
                }
                resp.context_menu(|ui| {
                    // A new campaign like this one: its body as a draft, to change and create.
                    if ui.button(T::DuplicateAsDraft.get(lang)).clicked() {
                        out.extend(panel.save_command());
                        out.push(Command::NewDraft(
                            format!("{title} ({})", T::Duplicate.get(lang)),
                            crate::card::import::to_pretty_json(&c.body),
                        ));
                        ui.close();
                    }
                });
            }
        });
}

/// A template's name and what it is for.
fn template_words(t: Template) -> (T, T) {
    match t {
        Template::NoThreshold => (T::TplNoThreshold, T::TplNoThresholdHint),
        Template::Threshold => (T::TplThreshold, T::TplThresholdHint),
        Template::Gift => (T::TplGift, T::TplGiftHint),
    }
}

/// A new draft from a template: valid from today for 30 days (Beijing), at the first store.
fn from_template(panel: &DesignPanel, t: Template, name: &str) -> Command {
    use crate::card::beijing;
    let now = panel.now();
    let today = beijing::date_of(now).unwrap_or_default();
    let begin = beijing::start_of(today).unwrap_or(now);
    let end = beijing::end_of(today + chrono::Duration::days(29)).unwrap_or(now + 30 * 86_400);
    let stores: Vec<i64> = panel
        .stores
        .iter()
        .filter_map(|p| p.poi_id.parse().ok())
        .collect();
    let body = t.body(begin, end, &stores);
    Command::NewDraft(name.to_owned(), crate::card::import::to_pretty_json(&body))
}

fn rename_ui(ui: &mut Ui, panel: &mut DesignPanel, id: i64, lang: Lang, out: &mut Vec<Command>) {
    let Some((_, text)) = panel.rename_state() else {
        return;
    };
    let resp = ui.text_edit_singleline(text);
    resp.request_focus();
    let done = resp.lost_focus() || ui.input(|i| i.key_pressed(egui::Key::Enter));
    if done || ui.small_button(T::Rename.get(lang)).clicked() {
        let name = text.trim().to_owned();
        if !name.is_empty() {
            out.push(Command::RenameDraft(id, name.clone()));
            if let Some(doc) = panel.doc.as_mut().filter(|d| d.draft_id == Some(id)) {
                doc.name = name;
            }
        }
        *panel.rename_state() = None;
    }
}
