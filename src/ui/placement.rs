//! 投放 Placement: a card's QR code (card/qrcode/create) drawn locally, with the warnings that
//! tell why a scan may receive nothing yet; the test whitelist; and the signed cardExt for H5
//! pages (`wx.addCard`).

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use egui::{RichText, Ui};

use crate::api::code::{QrCode, QrRequest};
use crate::app::events::{BatchSummary, CardExtMade, CardSummary, PlacementEvent, UiError};
use crate::i18n::{Lang, T};
use crate::placement::{QrForm, WHITELIST_MAX, add_card_js, qr_warnings, whitelist};
use crate::poster::{
    Channel, LogoImage, OutputFormats, PosterContent, PosterLayout, Progress, Stage, Template,
};
use crate::ui::ERROR_COLOR;
use crate::ui::card_picker::card_picker;
use crate::ui::poster_view::{LogoTexture, poster_ui};

use crate::ui::OK_COLOR;
use crate::ui::WARN_COLOR;

/// A poster file format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PosterFormat {
    /// 300 dpi PNG.
    Png,
    /// Vector PDF.
    Pdf,
}

/// A running poster batch: what it makes, its progress and its cancel switch.
pub struct BatchJob {
    /// The card.
    pub card_id: String,
    /// Shared poster content.
    pub content: PosterContent,
    /// Template.
    pub template: Template,
    /// Channels, in page order.
    pub channels: Vec<Channel>,
    /// Files to write.
    pub formats: OutputFormats,
    /// The last progress report.
    pub progress: Mutex<Option<Progress>>,
    /// Set to stop at the next item.
    pub cancel: AtomicBool,
}

/// A handle to a batch job (compared by identity).
#[derive(Clone)]
pub struct JobHandle(pub Arc<BatchJob>);

impl PartialEq for JobHandle {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl std::fmt::Debug for JobHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "BatchJob({} channels)", self.0.channels.len())
    }
}

impl std::ops::Deref for JobHandle {
    type Target = BatchJob;
    fn deref(&self) -> &BatchJob {
        &self.0
    }
}

/// What the panel asks the app to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Download and decode the card's logo for the poster.
    FetchLogo(String),
    /// Channel labels from the store list.
    StoreLabels,
    /// Channel labels from a CSV file the user picks.
    LabelsCsv,
    /// Save the previewed poster.
    ExportPoster {
        /// The layout shown.
        layout: Arc<PosterLayout>,
        /// PNG or PDF.
        format: PosterFormat,
        /// Suggested file name (and PDF title).
        name: String,
    },
    /// Open a file or folder in the system viewer.
    Open(PathBuf),
    /// Run a batch into a folder.
    Batch(JobHandle, PathBuf),
    /// Choose the batch folder.
    PickFolder,
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
    /// The poster template.
    pub template: Template,
    logo: Option<Arc<LogoImage>>,
    logo_url: Option<String>,
    logo_error: Option<UiError>,
    logo_texture: LogoTexture,
    /// The layout shown, and what it was made from.
    layout: Option<(String, Arc<PosterLayout>)>,
    layout_error: Option<String>,
    /// The last exported poster.
    pub exported: Option<Result<PathBuf, UiError>>,
    /// Channels, e.g. "1-200".
    pub channel_spec: String,
    /// Labels as `outer_id,label` lines.
    pub labels_text: String,
    /// Write a PDF.
    pub batch_pdf: bool,
    /// Write PNGs.
    pub batch_png: bool,
    /// The running (or last) batch.
    pub job: Option<JobHandle>,
    /// The last batch result.
    pub batch_result: Option<Result<BatchSummary, UiError>>,
    /// Where a batch writes.
    pub batch_dir: String,
}

/// The QR URL a poster preview shows before a QR has been made for the card.
const PREVIEW_URL: &str = "http://weixin.qq.com/q/preview";

fn template_label(t: Template, lang: Lang) -> String {
    match lang {
        Lang::Zh => t.label_zh().to_owned(),
        Lang::En => match t {
            Template::A4 => "A4 poster".into(),
            Template::A5 => "A5 card".into(),
            Template::Tent => "Table tent 100×210 mm".into(),
            Template::Receipt => "80 mm receipt".into(),
        },
    }
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

/// A button with an id of its own (see [`crate::ui::action`]).
fn action(
    ui: &mut Ui,
    key: &str,
    enabled: bool,
    text: impl Into<egui::WidgetText>,
) -> egui::Response {
    crate::ui::action(ui, "placement", key, enabled, text)
}

impl PlacementPanel {
    /// A panel that writes batches into `batch_dir`: channels 1–20, PDF and PNG.
    pub fn new(batch_dir: String) -> Self {
        Self {
            batch_dir,
            channel_spec: "1-20".into(),
            batch_pdf: true,
            batch_png: true,
            ..Self::default()
        }
    }

    /// After an account switch: what the person set up (the output folder and formats, the
    /// channels and labels, the template, the whitelist as typed) stays; everything of the
    /// previous account (its cards, QR codes, results) goes, and a running batch is stopped.
    pub fn for_another_account(&mut self) {
        if let Some(job) = &self.job {
            job.cancel.store(true, Ordering::Relaxed);
        }
        let old = std::mem::take(self);
        *self = Self {
            whitelist_openids: old.whitelist_openids,
            whitelist_usernames: old.whitelist_usernames,
            template: old.template,
            channel_spec: old.channel_spec,
            labels_text: old.labels_text,
            batch_pdf: old.batch_pdf,
            batch_png: old.batch_png,
            batch_dir: old.batch_dir,
            ..Self::default()
        };
    }

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
                // A poster export and a QR PNG share the event; the poster section shows it.
                self.note = Some(
                    r.as_ref()
                        .map(|p| p.display().to_string())
                        .map_err(Clone::clone),
                );
                self.exported = Some(r);
            }
            PlacementEvent::Logo(r) => match r {
                Ok(l) => {
                    self.logo = Some(l);
                    self.logo_error = None;
                    self.layout = None;
                }
                Err(e) => self.logo_error = Some(e),
            },
            PlacementEvent::Labels(r) => match r {
                Ok(text) => self.labels_text = text,
                Err(e) => self.batch_result = Some(Err(e)),
            },
            PlacementEvent::BatchDone(r) => {
                self.batch_result = Some(r);
            }
            PlacementEvent::Folder(dir) => self.batch_dir = dir.display().to_string(),
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
                ui.add_space(8.0);
                egui::Frame::group(ui.style()).show(ui, |ui| {
                    self.poster_ui(ui, lang, &mut out);
                });
            });
        out
    }

    fn card_ui(&mut self, ui: &mut Ui, lang: Lang, out: &mut Vec<Command>) {
        ui.horizontal(|ui| {
            let label = ui.label(T::Card.get(lang));
            card_picker(
                ui,
                "placement_card",
                lang,
                &self.cards,
                &mut self.card_id,
                Some(label.id),
            );
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

    /// The text lines of the poster shown in the preview (empty before it is laid out).
    pub fn preview_texts(&self) -> Vec<String> {
        self.layout
            .as_ref()
            .map(|(_, l)| l.texts().map(|t| t.text.clone()).collect())
            .unwrap_or_default()
    }

    /// The layout of the chosen card on the chosen template, made again only when the card,
    /// the template, the QR URL or the logo changed.
    fn current_layout(&mut self) -> Option<Arc<PosterLayout>> {
        let card = self.chosen()?.clone();
        let url = self
            .qr
            .as_ref()
            .filter(|q| q.request.card_id == card.card_id)
            .map_or_else(|| PREVIEW_URL.to_owned(), |q| q.qr.url.clone());
        let logo_key = self.logo.as_ref().map_or(0, |l| Arc::as_ptr(l) as usize);
        let key = format!("{}|{}|{url}|{logo_key}", card.card_id, self.template.name());
        if let Some((k, l)) = &self.layout
            && *k == key
        {
            return Some(Arc::clone(l));
        }
        let synthesis = crate::card::synth::synthesize(&card.body.card);
        let content = PosterContent::from_card(&card.body.card, &synthesis, &url)
            .with_logo(self.logo.clone());
        match crate::poster::layout(&content, self.template) {
            Ok(l) => {
                let l = Arc::new(l);
                self.layout = Some((key, Arc::clone(&l)));
                self.layout_error = None;
                Some(l)
            }
            Err(e) => {
                self.layout_error = Some(e.to_string());
                None
            }
        }
    }

    fn poster_ui(&mut self, ui: &mut Ui, lang: Lang, out: &mut Vec<Command>) {
        ui.heading(T::Posters.get(lang));
        // The logo comes from the card's CDN URL, fetched once per URL.
        let logo_url = self
            .chosen()
            .and_then(|c| c.body.card.base_info())
            .and_then(|b| b.logo_url.clone())
            .filter(|u| !u.trim().is_empty());
        if logo_url != self.logo_url {
            self.logo_url.clone_from(&logo_url);
            self.logo = None;
            self.layout = None;
            if let Some(u) = logo_url {
                out.push(Command::FetchLogo(u));
            }
        }
        let Some(layout) = self.current_layout() else {
            if let Some(e) = &self.layout_error {
                ui.colored_label(ERROR_COLOR, e);
            }
            return;
        };
        let card_id = self.card_id.clone().unwrap_or_default();
        ui.horizontal_top(|ui| {
            ui.vertical(|ui| {
                ui.set_width(320.0);
                poster_ui(ui, &layout, 300.0, &mut self.logo_texture);
                if self
                    .qr
                    .as_ref()
                    .is_none_or(|q| q.request.card_id != card_id)
                {
                    ui.weak(T::PreviewQrHint.get(lang));
                }
            });
            ui.vertical(|ui| {
                ui.horizontal(|ui| {
                    let l = ui.label(T::Template.get(lang));
                    egui::ComboBox::from_id_salt("poster_template")
                        .selected_text(template_label(self.template, lang))
                        .show_ui(ui, |ui| {
                            for t in Template::ALL {
                                ui.selectable_value(&mut self.template, t, template_label(t, lang));
                            }
                        })
                        .response
                        .labelled_by(l.id);
                });
                if let Some(q) = layout.qr() {
                    ui.weak(format!(
                        "{} {:.0}×{:.0} mm · {} {:.0}×{:.0} mm",
                        T::PageSize.get(lang),
                        layout.width,
                        layout.height,
                        T::QrSize.get(lang),
                        q.size(),
                        q.size()
                    ));
                }
                if let Some(e) = &self.logo_error {
                    ui.colored_label(WARN_COLOR, T::LogoUnavailable.get(lang))
                        .on_hover_text(e.text(lang));
                }
                let name = format!("poster-{}", self.template.name());
                ui.horizontal(|ui| {
                    for (key, label, format) in [
                        ("export_png", T::ExportPng, PosterFormat::Png),
                        ("export_pdf", T::ExportPdf, PosterFormat::Pdf),
                    ] {
                        if action(ui, key, true, label.get(lang)).clicked() {
                            out.push(Command::ExportPoster {
                                layout: Arc::clone(&layout),
                                format,
                                name: name.clone(),
                            });
                        }
                    }
                });
                if let Some(Ok(path)) = &self.exported {
                    ui.horizontal(|ui| {
                        ui.label(format!("{} {}", T::SavedTo.get(lang), path.display()));
                        if action(ui, "open_export", true, T::OpenOrPrint.get(lang)).clicked() {
                            out.push(Command::Open(path.clone()));
                        }
                    });
                }
                ui.add_space(8.0);
                self.batch_ui(ui, lang, &card_id, &layout, out);
            });
        });
    }

    fn batch_ui(
        &mut self,
        ui: &mut Ui,
        lang: Lang,
        card_id: &str,
        layout: &PosterLayout,
        out: &mut Vec<Command>,
    ) {
        ui.strong(T::Batch.get(lang));
        ui.horizontal(|ui| {
            let l = ui.label(T::ChannelSpec.get(lang));
            ui.add(egui::TextEdit::singleline(&mut self.channel_spec).desired_width(120.0))
                .labelled_by(l.id);
        });
        let ids = crate::poster::parse_channel_spec(&self.channel_spec);
        if let Err(e) = &ids {
            ui.colored_label(ERROR_COLOR, format!("{}: {e}", T::ChannelSpec.get(lang)));
        }
        let labels_id = ui
            .horizontal(|ui| {
                let l = ui.label(T::ChannelLabels.get(lang));
                if action(ui, "labels_stores", true, T::LabelsFromStores.get(lang)).clicked() {
                    out.push(Command::StoreLabels);
                }
                if action(ui, "labels_csv", true, T::LabelsFromCsv.get(lang)).clicked() {
                    out.push(Command::LabelsCsv);
                }
                l.id
            })
            .inner;
        ui.add(
            egui::TextEdit::multiline(&mut self.labels_text)
                .hint_text(T::ChannelLabelsHint.get(lang))
                .desired_rows(3)
                .desired_width(360.0),
        )
        .labelled_by(labels_id);
        let labels = if self.labels_text.trim().is_empty() {
            Ok(Vec::new())
        } else {
            crate::poster::parse_channels_csv(&self.labels_text)
        };
        if let Err(e) = &labels {
            ui.colored_label(ERROR_COLOR, format!("{}: {e}", T::ChannelLabels.get(lang)));
        }
        ui.horizontal(|ui| {
            ui.checkbox(&mut self.batch_pdf, "PDF");
            ui.checkbox(&mut self.batch_png, "PNG 300 dpi");
        });
        let running = self.job.is_some() && self.batch_result.is_none();
        ui.horizontal(|ui| {
            let l = ui.label(T::OutputFolder.get(lang));
            ui.add(egui::TextEdit::singleline(&mut self.batch_dir).desired_width(300.0))
                .labelled_by(l.id);
            if action(ui, "pick_folder", !running, T::Choose.get(lang)).clicked() {
                out.push(Command::PickFolder);
            }
        });
        let ready = ids.is_ok()
            && labels.is_ok()
            && (self.batch_pdf || self.batch_png)
            && !self.batch_dir.trim().is_empty()
            && !running;
        if action(ui, "batch_start", ready, T::BatchStart.get(lang)).clicked()
            && let (Ok(ids), Ok(labels)) = (&ids, &labels)
            && let Some(card) = self.chosen()
        {
            let synthesis = crate::card::synth::synthesize(&card.body.card);
            let content = PosterContent::from_card(&card.body.card, &synthesis, PREVIEW_URL)
                .with_logo(self.logo.clone());
            let job = JobHandle(Arc::new(BatchJob {
                card_id: card_id.to_owned(),
                content,
                template: layout.template,
                channels: crate::poster::batch::label_channels(ids, labels),
                formats: OutputFormats {
                    pdf: self.batch_pdf,
                    png: self.batch_png,
                },
                progress: Mutex::new(None),
                cancel: AtomicBool::new(false),
            }));
            self.batch_result = None;
            self.job = Some(job.clone());
            out.push(Command::Batch(job, PathBuf::from(self.batch_dir.trim())));
        }
        if let Some(job) = &self.job
            && self.batch_result.is_none()
        {
            let p = job.progress.lock().ok().and_then(|p| *p);
            ui.horizontal(|ui| {
                if let Some(p) = p {
                    let stage = match p.stage {
                        Stage::Qr => T::StageQr,
                        Stage::Png => T::StagePng,
                        Stage::Pdf => T::StagePdf,
                    };
                    ui.add(
                        egui::ProgressBar::new(p.done as f32 / p.total.max(1) as f32)
                            .desired_width(240.0)
                            .text(format!("{} {}/{}", stage.get(lang), p.done, p.total)),
                    );
                } else {
                    ui.spinner();
                    ui.label(T::BatchChooseFolder.get(lang));
                }
                if action(ui, "batch_cancel", true, T::Cancel.get(lang)).clicked() {
                    job.cancel.store(true, Ordering::Relaxed);
                }
            });
        }
        match &self.batch_result {
            Some(Ok(s)) => {
                ui.colored_label(
                    OK_COLOR,
                    format!(
                        "{} {} · PNG {} · PDF {} · {:.1}/{:.1}/{:.1} s",
                        T::BatchDone.get(lang),
                        s.channels,
                        s.pngs,
                        if s.pdf.is_some() { 1 } else { 0 },
                        s.seconds.0,
                        s.seconds.1,
                        s.seconds.2
                    ),
                );
                if action(ui, "open_folder", true, T::OpenFolder.get(lang)).clicked() {
                    out.push(Command::Open(s.dir.clone()));
                }
            }
            Some(Err(e)) => {
                ui.colored_label(ERROR_COLOR, e.text(lang));
            }
            None => {}
        }
    }
}
