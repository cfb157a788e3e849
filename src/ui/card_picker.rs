//! The card chooser the Coins, Placement and Stats panels share: the cards WeChat listed, each
//! shown as the title WeChat synthesizes and the start of its card_id.

use egui::Ui;

use crate::api::CardDetails;
use crate::i18n::{Lang, T};

/// 审核中 / 已通过 / 未通过 … for a card status (an unknown status as WeChat wrote it).
pub fn status_label(status: &str, lang: Lang) -> String {
    let key = match status {
        "CARD_STATUS_NOT_VERIFY" => T::StatusNotVerify,
        "CARD_STATUS_VERIFY_OK" => T::StatusVerifyOk,
        "CARD_STATUS_VERIFY_FAIL" => T::StatusVerifyFail,
        "CARD_STATUS_DELETE" => T::StatusDelete,
        "CARD_STATUS_DISPATCH" => T::StatusDispatch,
        other => return other.to_owned(),
    };
    key.get(lang).to_owned()
}

/// "羽绒服满500减50 · pSbxK_37mS…": the synthesized title and the first 10 characters of the
/// card_id (several cards can share a title), then the status unless the card is approved
/// ("… · 审核中"), so that two cards of one title are told apart before one is chosen.
pub fn card_label(c: &CardDetails, lang: Lang) -> String {
    let title = crate::card::synth::title(&c.body.card);
    let short: String = c.card_id.chars().take(10).collect();
    match c.status.as_str() {
        "CARD_STATUS_VERIFY_OK" | "CARD_STATUS_DISPATCH" => format!("{title} · {short}…"),
        status => format!("{title} · {short}… · {}", status_label(status, lang)),
    }
}

/// The card of `cards` whose id is `chosen`.
pub fn chosen<'a>(cards: &'a [CardDetails], chosen: Option<&str>) -> Option<&'a CardDetails> {
    let id = chosen?;
    cards.iter().find(|c| c.card_id == id)
}

/// A combo box over `cards` writing the chosen card_id into `chosen`; `id_salt` keeps each
/// panel's box its own, `label` (when given) names it for screen readers and tests. Returns
/// whether the choice changed this frame.
pub fn card_picker(
    ui: &mut Ui,
    id_salt: &str,
    lang: Lang,
    cards: &[CardDetails],
    chosen_id: &mut Option<String>,
    label: Option<egui::Id>,
) -> bool {
    let before = chosen_id.clone();
    let shown = chosen(cards, chosen_id.as_deref())
        .map_or_else(|| T::NoCards.get(lang).to_owned(), |c| card_label(c, lang));
    let response = egui::ComboBox::from_id_salt(id_salt)
        .selected_text(shown)
        .width(340.0)
        .show_ui(ui, |ui| {
            for c in cards {
                ui.selectable_value(chosen_id, Some(c.card_id.clone()), card_label(c, lang));
            }
        })
        .response;
    if let Some(label) = label {
        response.labelled_by(label);
    }
    *chosen_id != before
}
