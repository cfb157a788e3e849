//! Form widgets that show a field's limit with a live counter and its findings inline.

use egui::{Color32, RichText, Ui};

use crate::card::Int;
use crate::card::pricing::format_hundredths;
use crate::card::rules::{Finding, Severity, text_len};
use crate::i18n::{Lang, T};

/// What every field widget needs: the language, the findings and the JSON path prefix of the
/// card body (`card.cash` or `card.gift`).
pub struct FieldCtx<'a> {
    /// UI language.
    pub lang: Lang,
    /// Findings of the current body.
    pub findings: &'a [Finding],
    /// `card.cash` or `card.gift`.
    pub prefix: String,
    /// The body is an existing card's, edited for `card/update` (whose limits then apply).
    pub update: bool,
}

impl FieldCtx<'_> {
    /// The full JSON path of a path relative to the body.
    pub fn path(&self, rel: &str) -> String {
        if rel.starts_with("card.") {
            rel.to_owned()
        } else {
            format!("{}.{rel}", self.prefix)
        }
    }

    /// The text of a key.
    pub fn t(&self, key: T) -> &'static str {
        key.get(self.lang)
    }
}

/// Error red and warning amber that read on light and dark backgrounds.
pub fn severity_color(ui: &Ui, sev: Severity) -> Color32 {
    match sev {
        Severity::Error => crate::ui::error_color(ui),
        Severity::Warning => crate::ui::warn_color(ui),
    }
}

/// The memory slot of the field a click in the findings list asks to show.
fn focus_id() -> egui::Id {
    egui::Id::unique("design_focus_field")
}

/// Asks the form to scroll to the field at `path` and focus it (a finding was clicked).
pub fn ask_focus(ctx: &egui::Context, path: &str) {
    ctx.data_mut(|d| d.insert_temp(focus_id(), path.to_owned()));
    ctx.request_repaint();
}

/// Whether the field at `path` (or, `with_children`, one of its items) was asked for; the
/// request is taken, so it is honoured once.
fn take_focus(ui: &Ui, path: &str, with_children: bool) -> bool {
    let asked: Option<String> = ui.ctx().data(|d| d.get_temp(focus_id()));
    let Some(asked) = asked else { return false };
    let hit = asked == path
        || (with_children
            && (asked.starts_with(&format!("{path}.")) || asked.starts_with(&format!("{path}["))));
    if hit {
        ui.ctx().data_mut(|d| d.remove::<String>(focus_id()));
    }
    hit
}

/// Scrolls to and focuses a field's input when a finding asked for it.
fn focus_if_asked(ui: &Ui, resp: &egui::Response, path: &str) {
    if take_focus(ui, path, false) {
        resp.request_focus();
        resp.scroll_to_me(Some(egui::Align::Center));
    }
}

/// Shows the findings of exactly `path` (and of its list items when `with_children`), and
/// `extra` (a typing error) first. When there is nothing to say the line stays reserved, so
/// the fields below do not move while the person types.
pub fn findings_line_ui(
    ui: &mut Ui,
    fc: &FieldCtx<'_>,
    path: &str,
    with_children: bool,
    extra: Option<String>,
) {
    if take_focus(ui, path, with_children) {
        ui.scroll_to_cursor(Some(egui::Align::Center));
    }
    // While the typed text does not parse, that is the one thing to say (the findings are
    // about the last value that did).
    let shown = match extra {
        Some(msg) => {
            ui.label(
                RichText::new(msg)
                    .color(severity_color(ui, Severity::Error))
                    .small(),
            );
            1
        }
        None => findings_list(ui, fc, path, with_children),
    };
    if shown == 0 {
        ui.label(RichText::new(" ").small());
    }
}

/// Shows the findings of exactly `path` (and of its list items when `with_children`).
pub fn findings_ui(ui: &mut Ui, fc: &FieldCtx<'_>, path: &str, with_children: bool) {
    if take_focus(ui, path, with_children) {
        ui.scroll_to_cursor(Some(egui::Align::Center));
    }
    findings_list(ui, fc, path, with_children);
}

/// The findings of `path` as small coloured lines; how many.
fn findings_list(ui: &mut Ui, fc: &FieldCtx<'_>, path: &str, with_children: bool) -> usize {
    let mut shown = 0;
    for f in fc.findings.iter().filter(|f| {
        f.field == path
            || (with_children
                && (f.field.starts_with(&format!("{path}."))
                    || f.field.starts_with(&format!("{path}["))))
    }) {
        let mark = match f.severity {
            Severity::Error => "✖",
            Severity::Warning => "⚠",
        };
        ui.label(
            RichText::new(format!("{mark} {}", f.message(fc.lang.is_en())))
                .color(severity_color(ui, f.severity))
                .small(),
        );
        shown += 1;
    }
    shown
}

/// A labelled text field; empty text means "absent" (`None`). Shows "5.5/6" when `limit` is
/// set (a half-width character counts one half, as WeChat counts), in red when over. Typing past the limit is allowed (nothing typed is thrown away);
/// the error says by how much. Returns whether the value changed.
pub fn text_field(
    ui: &mut Ui,
    fc: &FieldCtx<'_>,
    label: T,
    rel: &str,
    value: &mut Option<String>,
    limit: Option<usize>,
    multiline: bool,
) -> bool {
    let path = fc.path(rel);
    let mut text = value.clone().unwrap_or_default();
    let mut changed = false;
    let label_id = ui
        .horizontal(|ui| {
            let label_resp = ui.label(fc.t(label));
            if let Some(limit) = limit {
                let n = text_len(&text);
                let color = if !n.fits(limit) {
                    severity_color(ui, Severity::Error)
                } else {
                    ui.visuals().weak_text_color()
                };
                ui.label(RichText::new(format!("{n}/{limit}")).color(color).small());
            }
            if !multiline {
                let edit = egui::TextEdit::singleline(&mut text)
                    .id_salt(&path)
                    .desired_width(f32::INFINITY);
                let resp = ui.add(edit).labelled_by(label_resp.id);
                focus_if_asked(ui, &resp, &path);
                changed = resp.changed();
            }
            label_resp.id
        })
        .inner;
    if multiline {
        // Under the label row, so that long text gets the whole width.
        let edit = egui::TextEdit::multiline(&mut text)
            .id_salt(&path)
            .desired_rows(3)
            .desired_width(f32::INFINITY);
        let resp = ui.add(edit).labelled_by(label_id);
        focus_if_asked(ui, &resp, &path);
        changed = resp.changed();
    }
    if changed {
        *value = if text.is_empty() { None } else { Some(text) };
    }
    findings_line_ui(ui, fc, &path, false, None);
    changed
}

/// A money field in 元 that stores 分 (`Int`), as WeChat wants. The typed text lives in
/// `buf` so that "50." or a typo is not lost while the model keeps its last valid value;
/// the parse error shows next to the field. Returns whether the model changed.
pub fn money_field(
    ui: &mut Ui,
    fc: &FieldCtx<'_>,
    label: T,
    rel: &str,
    value: &mut Option<Int>,
    buf: &mut Option<String>,
) -> bool {
    let path = fc.path(rel);
    let current = value.as_ref().and_then(Int::get).map(format_hundredths);
    let text = buf.get_or_insert_with(|| current.clone().unwrap_or_default());
    let mut changed = false;
    let mut parse_error = false;
    ui.horizontal(|ui| {
        let label_resp = ui.label(fc.t(label));
        let resp = ui.add(
            egui::TextEdit::singleline(text)
                .id_salt(&path)
                .desired_width(120.0),
        );
        let resp = resp.labelled_by(label_resp.id);
        focus_if_asked(ui, &resp, &path);
        ui.label(T::Yuan.get(fc.lang));
        if resp.changed() {
            match parse_yuan(text) {
                Some(fen) => {
                    *value = fen.map(Int::Num);
                    changed = true;
                }
                None => parse_error = true,
            }
        } else if parse_yuan(text).is_none() {
            parse_error = true;
        }
    });
    let typing = parse_error.then(|| T::AmountRule.fill(fc.lang, &[("field", &fc.t(label))]));
    findings_line_ui(ui, fc, &path, false, typing);
    changed
}

/// Parses 元 text to 分: "" → Some(None), "50.5" → Some(Some(5050)), junk → None.
pub fn parse_yuan(text: &str) -> Option<Option<i64>> {
    let t = text.trim();
    if t.is_empty() {
        return Some(None);
    }
    crate::card::pricing::Coins::parse(t).map(|c| Some(c.0))
}

/// A whole-number field; the typed text is kept in `buf` like [`money_field`].
pub fn int_field(
    ui: &mut Ui,
    fc: &FieldCtx<'_>,
    label: T,
    rel: &str,
    value: &mut Option<Int>,
    buf: &mut Option<String>,
    width: f32,
) -> bool {
    let path = fc.path(rel);
    let text = buf.get_or_insert_with(|| value.as_ref().map(Int::display).unwrap_or_default());
    let mut changed = false;
    let mut bad = false;
    ui.horizontal(|ui| {
        let label_resp = ui.label(fc.t(label));
        let resp = ui
            .add(
                egui::TextEdit::singleline(text)
                    .id_salt(&path)
                    .desired_width(width),
            )
            .labelled_by(label_resp.id);
        focus_if_asked(ui, &resp, &path);
        let parsed = if text.trim().is_empty() {
            Some(None)
        } else {
            text.trim().parse::<i64>().ok().map(Some)
        };
        match parsed {
            Some(v) if resp.changed() => {
                *value = v.map(Int::Num);
                changed = true;
            }
            Some(_) => {}
            None => bad = true,
        }
    });
    let typing = bad.then(|| T::WholeNumberRule.fill(fc.lang, &[("field", &fc.t(label))]));
    findings_line_ui(ui, fc, &path, false, typing);
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_text_to_fen() {
        assert_eq!(parse_yuan(""), Some(None));
        assert_eq!(parse_yuan("50"), Some(Some(5000)));
        assert_eq!(parse_yuan(" 50.5 "), Some(Some(5050)));
        assert_eq!(parse_yuan("0.01"), Some(Some(1)));
        assert_eq!(parse_yuan("5o"), None);
        assert_eq!(parse_yuan("1.234"), None);
    }
}
