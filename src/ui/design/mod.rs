//! 设计 Design: drafts and my cards on the left, the editor in the middle, the live preview,
//! findings and the create flow on the right.
//!
//! The panel owns the open document and its undo history; it does no IO. It returns
//! [`Command`]s that the app runs on the IO runtime, and receives [`Event`]s back.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use egui::{Color32, Ui};

mod aside;
mod card_view;
pub mod cost;
mod doc;
pub use aside::Aside;
pub use doc::{CreateFlow, Doc};
pub mod demo;
pub mod files;
mod lists;
mod remote_images;
mod reviews;
mod side;

use super::editor::{
    self, EditorAction, EditorBuffers, EditorEnv, FieldCtx, ImageState, UploadStatus,
};
use crate::api::{CardDetails, Poi};
use crate::card::import::to_pretty_json;
use crate::card::report::Report;
use crate::card::rules::{Context, Mode};
use crate::card::{CardType, CreateBody};
use crate::editing::EditSession;
use crate::i18n::{Lang, T};
use crate::message::{DesignEvent, ImageSlot, UiError};
use crate::store::DraftMeta;
use crate::ui::panel::{Panel, PanelCx};

/// Autosave runs this long after the last edit (the issue allows 2 s).
pub use crate::editing::AUTOSAVE_AFTER;
/// Review status is polled this often after create.
pub const POLL_EVERY: Duration = Duration::from_secs(2);

/// What the panel asks the app to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Reload the draft list.
    ListDrafts,
    /// Create an empty draft and open it.
    NewDraft(String, String),
    /// Open a draft.
    OpenDraft(i64),
    /// Save a draft body (JSON text).
    SaveDraft(i64, String),
    /// Rename a draft.
    RenameDraft(i64, String),
    /// Duplicate a draft under a name.
    DuplicateDraft(i64, String),
    /// Delete a draft.
    DeleteDraft(i64),
    /// Pick a JSON file and import it as a new draft.
    ImportJson,
    /// Save a body to a JSON file chosen by the user.
    ExportJson(String, String),
    /// Pick an image file for a slot.
    PickImage(ImageSlot),
    /// Prepare (and then upload) an image file for a slot.
    PrepareImage(ImageSlot, std::path::PathBuf),
    /// Upload a prepared JPEG.
    Upload(ImageSlot, Vec<u8>),
    /// card/create.
    Create(Option<i64>, Box<CreateBody>),
    /// card/get (status polling and opening).
    FetchCard(String),
    /// card/batchget + card/get.
    ListCards,
    /// card/update with the smallest body.
    Update(String, serde_json::Value),
    /// getcolors and getpoilist.
    LoadLookups,
    /// Remember the card id of a draft.
    LinkDraft(i64, String),
    /// 载入示例活动 with a seed (sandbox only).
    LoadDemo(u64),
    /// Fetch a picture the card has only as a URL, for the preview.
    FetchImage(ImageSlot, String),
}

/// State of the Design panel (runtime only; drafts live in SQLite).
#[derive(Default)]
pub struct DesignPanel {
    /// The open document.
    pub doc: Option<Doc>,
    /// The draft list.
    pub drafts: Vec<DraftMeta>,
    /// My cards (from WeChat).
    pub cards: Vec<CardDetails>,
    /// Typed text of number fields.
    pub bufs: EditorBuffers,
    /// Local image previews and uploads.
    pub images: HashMap<ImageSlot, ImageState>,
    /// Colour swatches.
    pub colors: Vec<(String, Color32)>,
    /// True when getcolors failed and the offline palette is shown.
    pub colors_offline: bool,
    /// Stores.
    pub stores: Vec<Poi>,
    /// Undo history and autosave state of the open body.
    pub edits: EditSession<CreateBody>,
    /// Create/update flow.
    pub flow: CreateFlow,
    /// Draft being renamed: (id, text).
    rename: Option<(i64, String)>,
    /// The last error of a list or file operation.
    pub error: Option<UiError>,
    /// Current time for the date rules (tests pin it).
    pub now_override: Option<i64>,
    /// A card of 我的卡券 being fetched to open in the editor.
    pub opening_card: Option<String>,
    /// 载入示例活动 (sandbox only).
    pub demo: demo::DemoState,
    /// The cost calculator beside the preview: units typed, and the balance.
    pub cost: cost::CostState,
    /// Picture URLs asked for since the card was opened.
    fetched_urls: std::collections::HashSet<String>,
    /// The system file dialog or the built-in chooser, for pictures.
    pub files: files::Files,
    /// The latest review result a company server relayed, by card.
    pub reviews: HashMap<String, crate::pushed::Review>,
    /// Cards WeChat pushed a stock reminder for.
    pub reminded: std::collections::BTreeSet<String>,
}

impl DesignPanel {
    /// The current time for the rules engine.
    pub fn now(&self) -> i64 {
        self.now_override
            .unwrap_or_else(|| chrono::Utc::now().timestamp())
    }

    /// The report (synthesis + findings) of the open body: in draft mode, or with the
    /// update's limits when the body is an existing card's.
    pub fn report(&self) -> Option<Report> {
        let doc = self.doc.as_ref()?;
        let mode = if doc.remote.is_some() {
            Mode::Update
        } else {
            Mode::Draft
        };
        Some(Report::of(
            &doc.body,
            &Context {
                now: self.now(),
                mode,
            },
        ))
    }

    /// Opens a body, resetting history, buffers and images.
    pub fn open(&mut self, doc: Doc) {
        self.doc = Some(doc);
        self.edits.reset();
        self.bufs = EditorBuffers::default();
        self.images.clear();
        self.fetched_urls.clear();
        self.flow = CreateFlow::default();
        if let Some(d) = &self.doc
            && let Some((id, _)) = &d.remote
        {
            self.flow.card_id = Some(id.clone());
        }
    }

    /// The save command for the open draft, if it has unsaved edits.
    pub fn save_command(&mut self) -> Option<Command> {
        let doc = self.doc.as_ref()?;
        let id = doc.draft_id?;
        if !self.edits.begin_save() {
            return None;
        }
        Some(Command::SaveDraft(id, to_pretty_json(&doc.body)))
    }

    fn set_image_url(&mut self, slot: ImageSlot, url: String) {
        let Some(doc) = &mut self.doc else { return };
        self.edits.replaced(doc.body.clone(), Instant::now());
        let card = &mut doc.body.card;
        match slot {
            ImageSlot::Logo => card.base_info_mut().logo_url = Some(url),
            ImageSlot::Cover => {
                card.advanced_info_mut()
                    .abstract_info
                    .get_or_insert_with(Default::default)
                    .icon_url_list = Some(vec![url]);
            }
            ImageSlot::TextImage(i) => {
                let list = card
                    .advanced_info_mut()
                    .text_image_list
                    .get_or_insert_with(Vec::new);
                if let Some(item) = list.get_mut(i) {
                    item.image_url = Some(url);
                }
            }
        }
    }

    fn undo_redo(&mut self, ui: &Ui) {
        let (undo, redo) = ui.input_mut(|i| {
            let redo = i.consume_key(
                egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
                egui::Key::Z,
            ) || i.consume_key(egui::Modifiers::COMMAND, egui::Key::Y);
            let undo = i.consume_key(egui::Modifiers::COMMAND, egui::Key::Z);
            (undo, redo)
        });
        if undo {
            self.step_history(true);
        } else if redo {
            self.step_history(false);
        }
    }

    /// Undo (`back`) or redo one step.
    pub fn step_history(&mut self, back: bool) {
        let Some(doc) = &mut self.doc else { return };
        if self.edits.step(&mut doc.body, back, Instant::now()) {
            self.bufs = EditorBuffers::default();
        }
    }

    fn toolbar_ui(&mut self, ui: &mut Ui, lang: Lang) {
        ui.horizontal(|ui| {
            if let Some(doc) = &self.doc {
                ui.heading(doc.name.as_str());
            }
            if ui
                .add_enabled(self.edits.can_undo(), egui::Button::new(T::Undo.get(lang)))
                .clicked()
            {
                self.step_history(true);
            }
            if ui
                .add_enabled(self.edits.can_redo(), egui::Button::new(T::Redo.get(lang)))
                .clicked()
            {
                self.step_history(false);
            }
            let state = if self.edits.pending() {
                T::Saving
            } else {
                T::Saved
            };
            ui.weak(state.get(lang));
        });
        if let Some(e) = &self.error {
            crate::ui::error_label(ui, e.text(lang));
        }
    }

    /// Rename UI state helpers for the lists column.
    fn rename_state(&mut self) -> &mut Option<(i64, String)> {
        &mut self.rename
    }
}

impl Panel for DesignPanel {
    type Command = Command;
    type Event = DesignEvent;

    /// Draws the panel.
    fn ui(&mut self, ui: &mut Ui, cx: &PanelCx) -> Vec<Command> {
        let lang = cx.lang;
        let mut out = Vec::new();
        self.undo_redo(ui);
        egui::Panel::left("design_lists")
            .default_size(210.0)
            .show(ui, |ui| {
                lists::lists_ui(ui, self, lang, cx.stock_alert_below, &mut out);
            });
        let report = self.report();
        // At least a phone's width: the preview is never reflowed narrower than a phone.
        egui::Panel::right("design_preview")
            .resizable(true)
            .min_size(crate::ui::preview::PHONE_WIDTH + 28.0)
            .default_size(crate::ui::preview::PHONE_WIDTH + 40.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .id_salt("preview_scroll")
                    .show(ui, |ui| {
                        if let Some(report) = &report {
                            side::preview_column_ui(ui, self, report, lang, &mut out);
                        }
                    });
            });
        egui::CentralPanel::default().show(ui, |ui| {
            let Some(report) = report else {
                demo::empty_ui(ui, &mut self.demo, lang, cx.sandbox, &mut out);
                return;
            };
            if cx.sandbox && demo::offered(self) {
                demo::banner_ui(ui, &mut self.demo, lang, &mut out);
            }
            self.toolbar_ui(ui, lang);
            ui.separator();
            egui::ScrollArea::vertical()
                .id_salt("editor_scroll")
                .show(ui, |ui| {
                    let Some(doc) = &mut self.doc else { return };
                    let before = doc.body.clone();
                    let fc = FieldCtx {
                        lang,
                        findings: &report.findings,
                        prefix: format!("card.{}", doc.body.card.body_key()),
                        update: doc.remote.is_some(),
                    };
                    let env = EditorEnv {
                        colors: &self.colors,
                        stores: &self.stores,
                        images: &self.images,
                        created: doc.remote.is_some(),
                    };
                    let (changed, actions) =
                        editor::editor_ui(ui, &mut doc.body, &mut self.bufs, &env, &fc);
                    if changed && doc.body != before {
                        self.edits.edited(before, Instant::now());
                    }
                    for a in actions {
                        out.push(match a {
                            EditorAction::PickImage(slot) => match self.files.pick(slot, lang) {
                                Some(cmd) => cmd,
                                None => continue,
                            },
                            EditorAction::DroppedImage(slot, path) => {
                                self.images.insert(
                                    slot,
                                    ImageState {
                                        texture: None,
                                        status: UploadStatus::Preparing,
                                    },
                                );
                                Command::PrepareImage(slot, path)
                            }
                        });
                    }
                });
        });
        if let Some((slot, path)) = self.files.ui(ui.ctx()) {
            out.extend(self.on_event(ui.ctx(), DesignEvent::ImagePicked(slot, path), cx));
        }
        out
    }

    /// Handles an IO answer. Returns follow-up commands.
    fn on_event(&mut self, ctx: &egui::Context, event: DesignEvent, cx: &PanelCx) -> Vec<Command> {
        let mut out = Vec::new();
        match event {
            DesignEvent::DemoLoaded(result) => out.extend(demo::on_loaded(self, result)),
            DesignEvent::Pushed { reviews, reminded } => {
                out.extend(self.on_pushed(reviews, reminded))
            }
            DesignEvent::Balance(result) => self.cost.balance = result.ok(),
            DesignEvent::ImageFetched { slot, url, result } => {
                remote_images::on_fetched(self, ctx, slot, &url, result);
            }
            DesignEvent::Drafts(Ok(list)) => {
                // The open draft was deleted: close it (the app then opens another).
                if let Some(id) = self.doc.as_ref().and_then(|d| d.draft_id)
                    && !list.iter().any(|d| d.id == id)
                {
                    self.doc = None;
                }
                self.drafts = list;
            }
            DesignEvent::Drafts(Err(e))
            | DesignEvent::Exported(Err(e))
            | DesignEvent::Imported(Err(e)) => self.error = Some(e),
            DesignEvent::DraftOpened(Ok(d)) => {
                let body = crate::card::import::parse_create_body(&d.body)
                    .unwrap_or_else(|_| CreateBody::new_friend_coupon(CardType::Cash));
                let card_id = d.meta.card_id.clone();
                self.open(Doc {
                    draft_id: Some(d.meta.id),
                    name: d.meta.name,
                    body,
                    remote: None,
                });
                self.flow.card_id = card_id;
                out.push(Command::ListDrafts);
            }
            DesignEvent::DraftOpened(Err(e)) => self.error = Some(e),
            DesignEvent::DraftSaved { result, .. } => {
                self.edits.save_answered();
                match result {
                    Ok(()) => out.push(Command::ListDrafts),
                    Err(e) => self.error = Some(e),
                }
            }
            DesignEvent::Colors(result) => {
                let list = match result {
                    Ok(list) if !list.is_empty() => {
                        self.colors_offline = false;
                        list
                    }
                    _ => {
                        self.colors_offline = true;
                        crate::card::rules::COLOR_PALETTE
                            .iter()
                            .map(|(n, h)| ((*n).to_owned(), (*h).to_owned()))
                            .collect()
                    }
                };
                self.colors = list
                    .into_iter()
                    .filter_map(|(n, h)| Some((n, Color32::from_hex(&h).ok()?)))
                    .collect();
            }
            DesignEvent::Stores(Ok(list)) => self.stores = list,
            DesignEvent::Stores(Err(e)) => self.error = Some(e),
            // No system dialog here: the built-in chooser, now and from now on.
            DesignEvent::NoFileDialog(slot) => {
                self.files.builtin = true;
                self.files.open(slot, cx.lang);
            }
            DesignEvent::ImagePicked(slot, path) => {
                self.images.insert(
                    slot,
                    ImageState {
                        texture: None,
                        status: UploadStatus::Preparing,
                    },
                );
                out.push(Command::PrepareImage(slot, path));
            }
            DesignEvent::ImagePrepared { slot, result } => match result {
                Ok(img) => {
                    let image = egui::ColorImage::from_rgba_unmultiplied(
                        [img.width as usize, img.height as usize],
                        &img.rgba,
                    );
                    let texture =
                        ctx.load_texture(format!("{slot:?}"), image, egui::TextureOptions::LINEAR);
                    self.images.insert(
                        slot,
                        ImageState {
                            texture: Some(texture),
                            status: UploadStatus::Uploading,
                        },
                    );
                    out.push(Command::Upload(slot, img.jpeg));
                }
                Err(e) => {
                    self.images
                        .entry(slot)
                        .or_insert(ImageState {
                            texture: None,
                            status: UploadStatus::Preparing,
                        })
                        .status = UploadStatus::Failed(e);
                }
            },
            DesignEvent::ImageUploaded { slot, result } => {
                let state = self.images.entry(slot).or_insert(ImageState {
                    texture: None,
                    status: UploadStatus::Uploading,
                });
                match result {
                    Ok(url) => {
                        state.status = UploadStatus::Uploaded;
                        self.set_image_url(slot, url);
                    }
                    Err(e) => state.status = UploadStatus::Failed(e),
                }
            }
            DesignEvent::CardCreated { draft_id, result } => {
                self.flow.in_flight = false;
                match result {
                    Ok(card_id) => {
                        self.flow.card_id = Some(card_id.clone());
                        self.await_review(&card_id, cx.server);
                        self.flow.error = None;
                        if let Some(id) = draft_id {
                            out.push(Command::LinkDraft(id, card_id));
                        }
                        out.push(Command::ListCards);
                    }
                    Err(e) => self.flow.error = Some(e),
                }
            }
            DesignEvent::CardFetched { card_id, result } => match result {
                Ok(summary) => {
                    if self.opening_card.as_deref() == Some(card_id.as_str()) {
                        self.opening_card = None;
                        self.open(Doc {
                            draft_id: None,
                            name: card_id.clone(),
                            body: summary.body.clone(),
                            remote: Some((card_id.clone(), summary.body.clone())),
                        });
                    }
                    let polling = self.flow.card_id.as_deref() == Some(card_id.as_str());
                    if polling {
                        self.review_fetched(&summary.status, cx.server);
                    }
                    if let Some(c) = self.cards.iter_mut().find(|c| c.card_id == card_id) {
                        *c = *summary;
                    }
                }
                Err(e) => {
                    self.flow.error = Some(e);
                    self.flow.next_poll = (!cx.server).then(|| Instant::now() + POLL_EVERY * 3);
                }
            },
            DesignEvent::CardsListed(Ok(cards)) => self.cards = cards,
            DesignEvent::CardsListed(Err(e)) => self.error = Some(e),
            DesignEvent::CardUpdated { card_id, result } => {
                self.flow.in_flight = false;
                match result {
                    Ok(send_check) => {
                        self.flow.error = None;
                        self.flow.note = Some(if send_check {
                            "resubmitted".into()
                        } else {
                            "saved".into()
                        });
                        if let Some(doc) = &mut self.doc {
                            doc.remote = Some((card_id.clone(), doc.body.clone()));
                        }
                        if send_check {
                            self.flow.card_id = Some(card_id.clone());
                            self.forget_review(&card_id);
                            self.await_review(&card_id, cx.server);
                        }
                        out.push(Command::FetchCard(card_id));
                    }
                    Err(e) => self.flow.error = Some(e),
                }
            }
            DesignEvent::Imported(Ok((name, text))) => {
                out.push(Command::NewDraft(name, text));
            }
            // Other panels' answers never reach this panel (the app routes them).
            _ => {}
        }
        out
    }

    /// Commands due now: the autosave and the status poll. Called once per frame.
    fn due(&mut self, cx: &PanelCx) -> Vec<Command> {
        let now = cx.now;
        let mut out = Vec::new();
        if self.edits.save_due(now) {
            out.extend(self.save_command());
        }
        if let (Some(at), Some(id)) = (self.flow.next_poll, self.flow.card_id.clone())
            && now >= at
        {
            self.flow.next_poll = None;
            out.push(Command::FetchCard(id));
        }
        let mut asked = std::mem::take(&mut self.fetched_urls);
        out.extend(remote_images::fetches(self, &mut asked));
        self.fetched_urls = asked;
        out
    }

    /// How long until [`Panel::due`] has something, for `request_repaint_after`.
    fn next_wakeup(&self, cx: &PanelCx, _shown: bool) -> Option<Duration> {
        let now = cx.now;
        let save = self.edits.until_save(now);
        let poll = self
            .flow
            .next_poll
            .map(|p| p.saturating_duration_since(now));
        match (save, poll) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The stores, cards and pushed results were the previous account's (a poi_id of one
    /// account means nothing to another); the draft stays, and both lists are loaded again.
    fn for_another_account(&mut self) -> Vec<Command> {
        self.stores.clear();
        self.cards.clear();
        self.forget_pushes();
        vec![Command::LoadLookups, Command::ListCards]
    }
}
