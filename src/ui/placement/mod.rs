//! 投放 Placement: a card's QR code (card/qrcode/create) drawn locally, with the warnings that
//! tell why a scan may receive nothing yet; the test whitelist; and the signed cardExt for H5
//! pages (`wx.addCard`).

//!
//! One file per part of the panel: `qr`, `whitelist`, `h5`, `poster` and `batch`; this one
//! holds the panel's state, its commands and the answers it takes.

mod batch;
mod h5;
mod poster;
mod qr;
mod saved;
mod whitelist;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use egui::Ui;

use crate::api::CardDetails;
use crate::api::code::{QrCode, QrRequest};
use crate::i18n::{Lang, T};
/// The running batch's types live with the messages: the shell runs the job the panel made.
pub use crate::message::{BatchJob, JobHandle};
use crate::message::{BatchSummary, CardExtMade, PlacementEvent, SavedChannel, UiError};
use crate::placement::{QrForm, qr_warnings};
use crate::poster::{LogoImage, PosterLayout, Template};
use crate::ui::card_picker::card_picker;
use crate::ui::panel::{Panel, PanelCx};
use crate::ui::poster_view::LogoTexture;

/// A poster file format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PosterFormat {
    /// 300 dpi PNG.
    Png,
    /// Vector PDF.
    Pdf,
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
    /// The channels saved in the local database.
    SavedChannels,
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
    pub cards: Vec<CardDetails>,
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
    /// The channels saved locally, of every card.
    pub saved: Vec<SavedChannel>,
}

/// A labelled single-line field, edited in place; returns the label (for a tooltip).
pub(super) fn field(
    ui: &mut Ui,
    label: T,
    text: &mut String,
    width: f32,
    lang: Lang,
) -> egui::Response {
    ui.horizontal(|ui| {
        let l = ui.label(label.get(lang));
        ui.add(egui::TextEdit::singleline(text).desired_width(width))
            .labelled_by(l.id);
        l
    })
    .inner
}

/// A button with an id of its own (see [`crate::ui::action`]).
pub(super) fn action(
    ui: &mut Ui,
    key: &str,
    enabled: bool,
    text: impl Into<egui::WidgetText>,
) -> egui::Response {
    crate::ui::action(ui, "placement", key, enabled, text)
}

impl Panel for PlacementPanel {
    type Command = Command;
    type Event = PlacementEvent;

    fn ui(&mut self, ui: &mut Ui, cx: &PanelCx) -> Vec<Command> {
        egui::CentralPanel::default()
            .show(ui, |ui| self.body_ui(ui, cx.lang))
            .inner
    }

    fn on_event(
        &mut self,
        ctx: &egui::Context,
        event: PlacementEvent,
        _cx: &PanelCx,
    ) -> Vec<Command> {
        // A batch saves its channels: show them.
        let saved = matches!(event, PlacementEvent::BatchDone(Ok(_)));
        self.take_event(ctx, event);
        if saved {
            vec![Command::SavedChannels]
        } else {
            Vec::new()
        }
    }

    fn on_open(&mut self, _cx: &PanelCx) -> Vec<Command> {
        self.open_cmds()
    }

    /// The previous account's cards and codes go; the person's set-up stays (see
    /// `keep_setup_only`). The cards are loaded again when the panel is next drawn.
    fn for_another_account(&mut self) -> Vec<Command> {
        self.keep_setup_only();
        Vec::new()
    }
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
    fn keep_setup_only(&mut self) {
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
    fn open_cmds(&mut self) -> Vec<Command> {
        self.loaded = true;
        vec![Command::ListCards, Command::SavedChannels]
    }

    fn chosen(&self) -> Option<&CardDetails> {
        let id = self.card_id.as_deref()?;
        self.cards.iter().find(|c| c.card_id == id)
    }

    /// Handles an IO answer.
    fn take_event(&mut self, ctx: &egui::Context, event: PlacementEvent) {
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
            PlacementEvent::SavedChannels(r) => match r {
                Ok(list) => self.saved = list,
                Err(e) => self.cards_error = Some(e),
            },
        }
    }

    fn body_ui(&mut self, ui: &mut Ui, lang: Lang) -> Vec<Command> {
        let mut out = Vec::new();
        if !self.loaded {
            out.extend(self.open_cmds());
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
            crate::ui::error_label(ui, e.text(lang));
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
            crate::ui::card_picker::status_label(&c.status, lang),
            T::StockNow.get(lang),
            c.quantity.map_or_else(|| "—".into(), |q| q.to_string()),
            T::BeginDate.get(lang),
            begin
                .and_then(crate::card::beijing::format_date)
                .unwrap_or_else(|| "—".into())
        ));
        let now = chrono::Utc::now().timestamp();
        for w in qr_warnings(&c.status, c.quantity, begin, now) {
            ui.colored_label(crate::ui::warn_color(ui), format!("⚠ {}", w.text(lang)));
        }
        self.saved_ui(ui, lang);
    }
}
