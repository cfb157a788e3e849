//! 投放 Placement: a card's QR code (card/qrcode/create) drawn locally, with the warnings that
//! tell why a scan may receive nothing yet; the test whitelist; and the signed cardExt for H5
//! pages (`wx.addCard`).

use egui::{RichText, Ui};

use crate::api::code::{QrCode, QrRequest};
use crate::app::events::{CardExtMade, CardSummary, PlacementEvent, UiError};
use crate::i18n::{Lang, T};
use crate::placement::{QrForm, WHITELIST_MAX, add_card_js, qr_warnings, whitelist};
use crate::ui::wallet::ERROR_COLOR;

/// Amber for warnings.
const WARN_COLOR: egui::Color32 = egui::Color32::from_rgb(0xc2, 0x7c, 0x0e);
/// Green for done.
const OK_COLOR: egui::Color32 = egui::Color32::from_rgb(0x1a, 0x9c, 0x4b);

/// What the panel asks the app to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// The cards (batchget + get).
    ListCards,
    /// card/qrcode/create.
    CreateQr(QrRequest),
    /// card/testwhitelist/set.
    SetWhitelist {
        /// openids.
        openids: Vec<String>,
        /// WeChat ids.
        usernames: Vec<String>,
    },
    /// Sign a cardExt with the (cached) api_ticket.
    SignCardExt {
        /// The card.
        card_id: String,
        /// The code (empty for friends' coupons).
        code: String,
        /// The only receiver (empty: anyone).
        openid: String,
    },
    /// Save the QR of `url` as a PNG the user places.
    SaveQrPng {
        /// What the QR encodes.
        url: String,
        /// Suggested file name.
        name: String,
    },
}

/// A created QR as shown.
pub struct ShownQr {
    /// What was asked.
    pub request: QrRequest,
    /// WeChat's answer.
    pub qr: QrCode,
    /// Local time (Unix s) it was made, for the expiry.
    pub made_at: i64,
    /// The texture.
    pub texture: Option<egui::TextureHandle>,
}

/// State of the Placement panel.
#[derive(Default)]
pub struct PlacementPanel {
    /// Cards.
    pub cards: Vec<CardSummary>,
    cards_error: Option<UiError>,
    /// The chosen card.
    pub card_id: Option<String>,
    /// The QR options.
    pub form: QrForm,
    creating: bool,
    qr_error: Option<UiError>,
    /// The last QR.
    pub qr: Option<ShownQr>,
    /// Whitelist openids, one a line.
    pub whitelist_openids: String,
    /// Whitelist WeChat ids, one a line.
    pub whitelist_usernames: String,
    whitelist_sending: bool,
    /// The last whitelist answer.
    pub whitelist_result: Option<Result<(usize, usize), UiError>>,
    /// cardExt inputs.
    pub ext_openid: String,
    ext_signing: bool,
    /// The last signed cardExt.
    pub ext: Option<Result<CardExtMade, UiError>>,
    /// A note (file saved).
    note: Option<Result<String, UiError>>,
    loaded: bool,
}

fn card_label(c: &CardSummary) -> String {
    let title = crate::card::synth::title(&c.body.card);
    let short: String = c.card_id.chars().take(10).collect();
    format!("{title} · {short}…")
}

fn status_text(status: &str, lang: Lang) -> &'static str {
    match status {
        "CARD_STATUS_VERIFY_OK" => T::StatusVerifyOk.get(lang),
        "CARD_STATUS_VERIFY_FAIL" => T::StatusVerifyFail.get(lang),
        "CARD_STATUS_DELETE" => T::StatusDelete.get(lang),
        "CARD_STATUS_DISPATCH" => T::StatusDispatch.get(lang),
        _ => T::StatusNotVerify.get(lang),
    }
}

/// A labelled single-line field; returns nothing, edits in place.
fn field(ui: &mut Ui, label: T, text: &mut String, width: f32, lang: Lang) {
    ui.horizontal(|ui| {
        let l = ui.label(label.get(lang));
        ui.add(egui::TextEdit::singleline(text).desired_width(width))
            .labelled_by(l.id);
    });
}

/// A button with an id of its own (see `wallet::action`).
fn action(
    ui: &mut Ui,
    key: &str,
    enabled: bool,
    text: impl Into<egui::WidgetText>,
) -> egui::Response {
    let id = egui::Id::unique(("placement-action", key));
    let layout = ui.layout().with_cross_justify(false);
    ui.scope_builder(egui::UiBuilder::new().scope_id(id).layout(layout), |ui| {
        ui.add_enabled(enabled, egui::Button::new(text))
    })
    .inner
}

impl PlacementPanel {
    /// Commands when the panel is shown.
    pub fn on_open(&mut self) -> Vec<Command> {
        self.loaded = true;
        vec![Command::ListCards]
    }

    fn chosen(&self) -> Option<&CardSummary> {
        let id = self.card_id.as_deref()?;
        self.cards.iter().find(|c| c.card_id == id)
    }

    /// Handles an IO answer.
    pub fn on_event(&mut self, ctx: &egui::Context, event: PlacementEvent) {
        match event {
            PlacementEvent::Cards(r) => match r {
                Ok(cards) => {
                    self.cards = cards;
                    self.cards_error = None;
                    if self.chosen().is_none() {
                        self.card_id = self.cards.first().map(|c| c.card_id.clone());
                    }
                }
                Err(e) => self.cards_error = Some(e),
            },
            PlacementEvent::QrCreated { request, result } => {
                self.creating = false;
                match result {
                    Ok(qr) => {
                        self.qr_error = None;
                        let texture =
                            crate::ui::qr::qr_texture(ctx, &format!("qr-{}", qr.ticket), &qr.url);
                        self.qr = Some(ShownQr {
                            request,
                            qr,
                            made_at: chrono::Utc::now().timestamp(),
                            texture,
                        });
                    }
                    Err(e) => self.qr_error = Some(e),
                }
            }
            PlacementEvent::WhitelistSet(r) => {
                self.whitelist_sending = false;
                self.whitelist_result = Some(r);
            }
            PlacementEvent::CardExt(r) => {
                self.ext_signing = false;
                self.ext = Some(r);
            }
            PlacementEvent::Saved(r) => {
                self.note = Some(r.map(|p| p.display().to_string()));
            }
        }
    }

    /// Draws the panel.
    pub fn ui(&mut self, ui: &mut Ui, lang: Lang) -> Vec<Command> {
        let mut out = Vec::new();
        if !self.loaded {
            out.extend(self.on_open());
        }
        egui::ScrollArea::vertical()
            .id_salt("placement_scroll")
            .show(ui, |ui| {
                self.card_ui(ui, lang, &mut out);
                ui.add_space(8.0);
                ui.columns(2, |cols| {
                    if let [left, right] = cols {
                        egui::Frame::group(left.style()).show(left, |ui| {
                            self.qr_ui(ui, lang, &mut out);
                        });
                        egui::Frame::group(right.style()).show(right, |ui| {
                            self.whitelist_ui(ui, lang, &mut out);
                        });
                        right.add_space(8.0);
                        egui::Frame::group(right.style()).show(right, |ui| {
                            self.h5_ui(ui, lang, &mut out);
                        });
                    }
                });
            });
        out
    }

    fn card_ui(&mut self, ui: &mut Ui, lang: Lang, out: &mut Vec<Command>) {
        ui.horizontal(|ui| {
            let label = ui.label(T::Card.get(lang));
            let shown = self
                .chosen()
                .map_or_else(|| T::NoCards.get(lang).to_owned(), card_label);
            egui::ComboBox::from_id_salt("placement_card")
                .selected_text(shown)
                .width(360.0)
                .show_ui(ui, |ui| {
                    for c in &self.cards {
                        ui.selectable_value(
                            &mut self.card_id,
                            Some(c.card_id.clone()),
                            card_label(c),
                        );
                    }
                })
                .response
                .labelled_by(label.id);
            if action(ui, "refresh_cards", true, T::Refresh.get(lang)).clicked() {
                out.push(Command::ListCards);
            }
        });
        if let Some(e) = &self.cards_error {
            ui.colored_label(ERROR_COLOR, e.text(lang));
        }
        let Some(c) = self.chosen() else { return };
        let begin = c
            .body
            .card
            .base_info()
            .and_then(|b| b.date_info.as_ref())
            .and_then(|d| d.begin_timestamp.as_ref())
            .and_then(|t| t.get());
        ui.label(format!(
            "{} · {}: {} · {}: {}",
            status_text(&c.status, lang),
            T::StockNow.get(lang),
            c.quantity.map_or_else(|| "—".into(), |q| q.to_string()),
            T::BeginDate.get(lang),
            begin
                .and_then(crate::card::beijing::format_date)
                .unwrap_or_else(|| "—".into())
        ));
        let now = chrono::Utc::now().timestamp();
        for w in qr_warnings(&c.status, c.quantity, begin, now) {
            ui.colored_label(WARN_COLOR, format!("⚠ {}", w.text(lang)));
        }
    }

    fn qr_ui(&mut self, ui: &mut Ui, lang: Lang, out: &mut Vec<Command>) {
        ui.heading(T::PlacementQr.get(lang));
        ui.horizontal(|ui| {
            ui.radio_value(&mut self.form.permanent, true, T::QrPermanent.get(lang));
            ui.radio_value(&mut self.form.permanent, false, T::QrTemporary.get(lang));
        });
        if !self.form.permanent {
            field(ui, T::QrLifetime, &mut self.form.expire_text, 80.0, lang);
        }
        ui.checkbox(&mut self.form.unique_code, T::QrUniqueCode.get(lang))
            .on_hover_text(T::QrUniqueCodeHint.get(lang));
        field(ui, T::OuterId, &mut self.form.outer_id_text, 80.0, lang);
        field(ui, T::OnlyOpenid, &mut self.form.openid, 260.0, lang);
        let request = self.card_id.as_deref().map(|id| self.form.request(id));
        if let Some(Err(errors)) = &request {
            for e in errors {
                ui.colored_label(ERROR_COLOR, e.text(lang));
            }
        }
        let ok = matches!(request, Some(Ok(_)));
        if action(ui, "create_qr", ok && !self.creating, T::CreateQr.get(lang)).clicked()
            && let Some(Ok(r)) = request
        {
            self.creating = true;
            out.push(Command::CreateQr(r));
        }
        if self.creating {
            ui.spinner();
        }
        if let Some(e) = &self.qr_error {
            ui.colored_label(ERROR_COLOR, e.text(lang));
        }
        let Some(shown) = &self.qr else { return };
        ui.add_space(6.0);
        if let Some(tex) = &shown.texture {
            ui.add(egui::Image::new(tex).fit_to_exact_size(egui::vec2(240.0, 240.0)));
        }
        ui.colored_label(WARN_COLOR, T::ScanNotLongPress.get(lang));
        let expiry = match shown.qr.expire_seconds {
            Some(s) if s > 0 => {
                let until = crate::wallet::beijing_time(shown.made_at + s);
                format!(
                    "{} {s} {} ({until})",
                    T::ValidFor.get(lang),
                    T::Seconds.get(lang)
                )
            }
            _ => T::QrPermanent.get(lang).to_owned(),
        };
        ui.label(expiry);
        if let Some(o) = shown.request.outer_id {
            ui.label(format!("{}: {o}", T::OuterId.get(lang)));
        }
        ui.horizontal(|ui| {
            ui.label("URL");
            ui.label(RichText::new(&shown.qr.url).monospace().small());
        });
        ui.horizontal(|ui| {
            ui.label("ticket");
            ui.label(RichText::new(&shown.qr.ticket).monospace().small());
        });
        ui.horizontal(|ui| {
            if action(ui, "copy_url", true, T::CopyUrl.get(lang)).clicked() {
                ui.ctx().copy_text(shown.qr.url.clone());
            }
            if action(ui, "save_png", true, T::SavePng.get(lang)).clicked() {
                out.push(Command::SaveQrPng {
                    url: shown.qr.url.clone(),
                    name: format!(
                        "qr-{}",
                        shown
                            .request
                            .outer_id
                            .map_or_else(|| "card".into(), |o| o.to_string())
                    ),
                });
            }
        });
        match &self.note {
            Some(Ok(path)) => {
                ui.label(format!("{} {path}", T::SavedTo.get(lang)));
            }
            Some(Err(e)) => {
                ui.colored_label(ERROR_COLOR, e.text(lang));
            }
            None => {}
        }
    }

    fn whitelist_ui(&mut self, ui: &mut Ui, lang: Lang, out: &mut Vec<Command>) {
        ui.heading(T::TestWhitelist.get(lang));
        ui.weak(T::WhitelistHint.get(lang));
        ui.horizontal(|ui| {
            ui.vertical(|ui| {
                let l = ui.label(T::WhitelistOpenids.get(lang));
                ui.add(
                    egui::TextEdit::multiline(&mut self.whitelist_openids)
                        .desired_rows(4)
                        .desired_width(220.0),
                )
                .labelled_by(l.id);
            });
            ui.vertical(|ui| {
                let l = ui.label(T::WhitelistUsernames.get(lang));
                ui.add(
                    egui::TextEdit::multiline(&mut self.whitelist_usernames)
                        .desired_rows(4)
                        .desired_width(220.0),
                )
                .labelled_by(l.id);
            });
        });
        let parsed = whitelist(&self.whitelist_openids, &self.whitelist_usernames);
        match &parsed {
            Ok((o, u)) => {
                ui.weak(format!("{}/{WHITELIST_MAX}", o.len() + u.len()));
            }
            Err(e) => {
                ui.colored_label(ERROR_COLOR, e.text(lang));
            }
        }
        if action(
            ui,
            "set_whitelist",
            parsed.is_ok() && !self.whitelist_sending,
            T::SetWhitelist.get(lang),
        )
        .clicked()
            && let Ok((openids, usernames)) = parsed
        {
            self.whitelist_sending = true;
            out.push(Command::SetWhitelist { openids, usernames });
        }
        match &self.whitelist_result {
            Some(Ok((o, u))) => {
                ui.colored_label(
                    OK_COLOR,
                    format!(
                        "{} openid {o} · {} {u}",
                        T::WhitelistDone.get(lang),
                        T::WhitelistUsernames.get(lang)
                    ),
                );
            }
            Some(Err(e)) => {
                ui.colored_label(ERROR_COLOR, e.text(lang));
            }
            None => {}
        }
    }

    fn h5_ui(&mut self, ui: &mut Ui, lang: Lang, out: &mut Vec<Command>) {
        ui.heading(T::H5CardExt.get(lang));
        ui.weak(T::H5Hint.get(lang));
        field(ui, T::OnlyOpenid, &mut self.ext_openid, 260.0, lang);
        let card = self.card_id.clone();
        if action(
            ui,
            "sign_ext",
            card.is_some() && !self.ext_signing,
            T::SignCardExt.get(lang),
        )
        .clicked()
            && let Some(card_id) = card
        {
            self.ext_signing = true;
            out.push(Command::SignCardExt {
                card_id,
                code: String::new(),
                openid: self.ext_openid.trim().to_owned(),
            });
        }
        match &self.ext {
            Some(Ok(made)) => {
                egui::Grid::new("ext_grid").num_columns(2).show(ui, |ui| {
                    for (k, v) in [
                        ("api_ticket", made.ticket_hint.as_str()),
                        ("timestamp", made.ext.timestamp.as_str()),
                        ("nonce_str", made.ext.nonce_str.as_str()),
                        ("signature", made.ext.signature.as_str()),
                    ] {
                        ui.label(k);
                        ui.label(RichText::new(v).monospace());
                        ui.end_row();
                    }
                });
                let json = made.ext.to_json();
                let js = add_card_js(&made.card_id, &made.ext);
                for (key, label, text) in [("copy_ext", "cardExt", json), ("copy_js", "JS", js)] {
                    ui.horizontal(|ui| {
                        ui.label(label);
                        if action(ui, key, true, T::Copy.get(lang)).clicked() {
                            ui.ctx().copy_text(text.clone());
                        }
                    });
                    let mut shown = text.as_str();
                    ui.add(
                        egui::TextEdit::multiline(&mut shown)
                            .code_editor()
                            .desired_rows(2)
                            .desired_width(f32::INFINITY),
                    );
                }
            }
            Some(Err(e)) => {
                ui.colored_label(ERROR_COLOR, e.text(lang));
            }
            None => {}
        }
    }
}
