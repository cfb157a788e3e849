//! 核销 Redeem: look a code up (or an encrypt_code, or the custom URL that carries one), see
//! its status in words, and consume it offline (code only) or online (mark with the user's
//! openid first, 5-minute countdown, unmark). Consume is sent once per click.

use egui::{RichText, Ui};

use crate::i18n::{Lang, T};
use crate::message::{CodeLookup, ConsumeDone, RedeemEvent, UiError};
use crate::redeem::{
    CodeInput, MARK_SECS, REDEMPTION_ERRCODES, gift_back_issued, parse_input, status_text,
};
use crate::ui::panel::{Panel, PanelCx};

/// What the panel asks the app to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// decrypt if needed, then card/code/get and card/get.
    Lookup {
        /// The parsed input.
        input: CodeInput,
        /// `check_consume`.
        check_consume: bool,
    },
    /// card/code/mark (or unmark).
    Mark {
        /// The code.
        code: String,
        /// Its card.
        card_id: String,
        /// The user.
        openid: String,
        /// Mark (true) or release.
        mark: bool,
    },
    /// card/code/consume.
    Consume {
        /// The code.
        code: String,
        /// Its card (for the stock before and after).
        card_id: String,
        /// Online consume by this openid; `None` offline.
        openid: Option<String>,
    },
}

/// State of the Redeem panel.
#[derive(Default)]
pub struct RedeemPanel {
    /// What was typed or pasted.
    pub input: String,
    /// `check_consume` of the lookup.
    pub check_consume: bool,
    looking: bool,
    /// The lookup in flight re-reads the code after a mark or consume: its answer updates the
    /// code but keeps that action's error on screen.
    refreshing: bool,
    /// The looked-up code.
    pub lookup: Option<CodeLookup>,
    /// The last lookup, mark or consume error.
    pub error: Option<UiError>,
    /// Online consume (mark first) instead of offline.
    pub online: bool,
    /// The openid for online use.
    pub openid: String,
    /// Local time (Unix s) the mark was taken, and by whom.
    pub marked: Option<(i64, String)>,
    marking: bool,
    consuming: bool,
    /// The last consume.
    pub consumed: Option<ConsumeDone>,
}

/// A button with an id of its own (see [`crate::ui::action`]).
fn action(
    ui: &mut Ui,
    key: &str,
    enabled: bool,
    text: impl Into<egui::WidgetText>,
) -> egui::Response {
    crate::ui::action(ui, "redeem", key, enabled, text)
}

impl Panel for RedeemPanel {
    type Command = Command;
    type Event = RedeemEvent;

    fn ui(&mut self, ui: &mut Ui, cx: &PanelCx) -> Vec<Command> {
        egui::CentralPanel::default()
            .show(ui, |ui| self.body_ui(ui, cx.lang, cx.now_secs()))
            .inner
    }

    fn on_event(&mut self, _ctx: &egui::Context, event: RedeemEvent, cx: &PanelCx) -> Vec<Command> {
        self.take_event(event, cx.now_secs())
    }

    /// Only the mark's countdown needs frames, and only while it is on screen: the mark
    /// expires on WeChat's side whether or not anyone watches.
    fn next_wakeup(&self, cx: &PanelCx, shown: bool) -> Option<std::time::Duration> {
        if shown {
            self.wake_after(cx.now_secs())
        } else {
            None
        }
    }

    /// A looked-up code, a mark and a consume all belong to the previous account.
    fn for_another_account(&mut self) -> Vec<Command> {
        *self = Self::default();
        Vec::new()
    }
}

impl RedeemPanel {
    /// Whether a lookup, mark or consume is in flight.
    pub fn busy(&self) -> bool {
        self.looking || self.marking || self.consuming
    }

    /// Seconds the mark has left at local time `now` (0 when none).
    pub fn mark_left(&self, now: i64) -> i64 {
        self.marked
            .as_ref()
            .map_or(0, |(at, _)| (at + MARK_SECS - now).max(0))
    }

    /// How long until the countdown needs a frame.
    fn wake_after(&self, now: i64) -> Option<std::time::Duration> {
        (self.mark_left(now) > 0).then(|| std::time::Duration::from_millis(500))
    }

    /// Handles an IO answer; may ask for a fresh lookup.
    fn take_event(&mut self, event: RedeemEvent, now: i64) -> Vec<Command> {
        let mut out = Vec::new();
        match event {
            RedeemEvent::Looked(r) if self.refreshing => {
                self.looking = false;
                self.refreshing = false;
                match r {
                    Ok(l) => self.adopt(*l),
                    Err(e) => {
                        self.error.get_or_insert(e);
                    }
                }
            }
            RedeemEvent::Looked(r) => {
                self.looking = false;
                match r {
                    Ok(l) => {
                        self.adopt(*l);
                        self.error = None;
                    }
                    Err(e) => {
                        self.lookup = None;
                        self.error = Some(e);
                    }
                }
            }
            RedeemEvent::Marked {
                mark,
                openid,
                result,
            } => {
                self.marking = false;
                match result {
                    Ok(()) => {
                        self.marked = mark.then_some((now, openid));
                        self.error = None;
                    }
                    Err(e) => self.error = Some(e),
                }
                out.extend(self.refresh());
            }
            RedeemEvent::Consumed(r) => {
                self.consuming = false;
                match r {
                    Ok(done) => {
                        self.consumed = Some(done);
                        self.marked = None;
                        self.error = None;
                    }
                    Err(e) => self.error = Some(e),
                }
                out.extend(self.refresh());
            }
        }
        out
    }

    /// Shows a looked-up code.
    fn adopt(&mut self, mut l: CodeLookup) {
        // A re-query goes by the plain code; keep showing the encrypt_code it came from.
        if l.decrypted_from.is_none()
            && let Some(old) = self.lookup.as_mut().filter(|o| o.code == l.code)
        {
            l.decrypted_from = old.decrypted_from.take();
        }
        if self.openid.is_empty() || self.lookup.as_ref().is_none_or(|o| o.code != l.code) {
            self.openid.clone_from(&l.info.openid);
        }
        // WeChat's mark_openid is the truth; keep our timer only if it agrees.
        if self
            .marked
            .as_ref()
            .is_some_and(|(_, o)| *o != l.info.mark_openid)
        {
            self.marked = None;
        }
        self.lookup = Some(l);
    }

    fn refresh(&mut self) -> Option<Command> {
        let code = self.lookup.as_ref()?.code.clone();
        self.looking = true;
        self.refreshing = true;
        Some(Command::Lookup {
            input: CodeInput::Code(code),
            check_consume: false,
        })
    }

    /// Draws the panel.
    fn body_ui(&mut self, ui: &mut Ui, lang: Lang, now: i64) -> Vec<Command> {
        let mut out = Vec::new();
        egui::ScrollArea::vertical()
            .id_salt("redeem_scroll")
            .show(ui, |ui| {
                ui.heading(T::RedeemTitle.get(lang));
                ui.horizontal(|ui| {
                    let l = ui.label(T::CodeInput.get(lang));
                    ui.add(egui::TextEdit::singleline(&mut self.input).desired_width(520.0))
                        .labelled_by(l.id);
                });
                ui.horizontal(|ui| {
                    ui.checkbox(&mut self.check_consume, T::CheckConsume.get(lang))
                        .on_hover_text(T::CheckConsumeHint.get(lang));
                    let parsed = parse_input(&self.input);
                    if let Some(CodeInput::Encrypted(_)) = &parsed {
                        ui.weak(T::WillDecrypt.get(lang));
                    }
                    if action(
                        ui,
                        "lookup",
                        parsed.is_some() && !self.looking,
                        T::LookUp.get(lang),
                    )
                    .clicked()
                        && let Some(input) = parsed
                    {
                        self.looking = true;
                        self.refreshing = false;
                        self.consumed = None;
                        out.push(Command::Lookup {
                            input,
                            check_consume: self.check_consume,
                        });
                    }
                    if self.looking {
                        ui.spinner();
                    }
                });
                if let Some(e) = &self.error {
                    crate::ui::error_label(ui, e.text(lang));
                }
                self.code_ui(ui, lang, now, &mut out);
                ui.add_space(10.0);
                errcodes_ui(ui, lang);
            });
        out
    }

    fn code_ui(&mut self, ui: &mut Ui, lang: Lang, now: i64, out: &mut Vec<Command>) {
        let Some(l) = &self.lookup else { return };
        let (status, hint) = status_text(&l.info.user_card_status, lang);
        let normal = l.info.user_card_status == "NORMAL";
        egui::Frame::group(ui.style()).show(ui, |ui| {
            egui::Grid::new("code_grid")
                .num_columns(2)
                .striped(true)
                .show(ui, |ui| {
                    ui.label(T::CodeLabel.get(lang));
                    ui.label(RichText::new(&l.code).monospace().strong());
                    ui.end_row();
                    if let Some(e) = &l.decrypted_from {
                        ui.label(T::EncryptedCode.get(lang))
                            .on_hover_text("encrypt_code");
                        ui.label(RichText::new(e).monospace().small());
                        ui.end_row();
                    }
                    ui.label(T::CodeStatus.get(lang));
                    ui.colored_label(
                        if normal {
                            crate::ui::ok_color(ui)
                        } else {
                            crate::ui::error_color(ui)
                        },
                        RichText::new(format!("{status} · {hint}")).strong(),
                    )
                    .on_hover_text(&l.info.user_card_status);
                    ui.end_row();
                    ui.label(T::Card.get(lang));
                    let title = l
                        .card
                        .as_ref()
                        .map(|c| crate::card::synth::title(&c.body.card))
                        .unwrap_or_default();
                    ui.label(format!("{title} · {}", l.info.card.card_id));
                    ui.end_row();
                    ui.label(T::Owner.get(lang)).on_hover_text("openid");
                    ui.label(RichText::new(&l.info.openid).monospace());
                    ui.end_row();
                    ui.label(T::MarkHolder.get(lang))
                        .on_hover_text("mark_openid");
                    ui.label(if l.info.mark_openid.is_empty() {
                        T::NoneLabel.get(lang).to_owned()
                    } else {
                        l.info.mark_openid.clone()
                    });
                    ui.end_row();
                    ui.label(T::UseCount.get(lang));
                    ui.label(l.info.use_count.to_string());
                    ui.end_row();
                    ui.label(T::ValiditySpan.get(lang));
                    ui.label(format!(
                        "{} — {}",
                        crate::wallet::beijing_time(l.info.card.begin_time),
                        crate::wallet::beijing_time(l.info.card.end_time)
                    ));
                    ui.end_row();
                    ui.label(T::CanConsume.get(lang));
                    ui.label(if l.info.can_consume {
                        T::Yes.get(lang)
                    } else {
                        T::No.get(lang)
                    });
                    ui.end_row();
                });
        });
        ui.add_space(6.0);
        let code = l.code.clone();
        let card_id = l.info.card.card_id.clone();
        ui.horizontal(|ui| {
            ui.radio_value(&mut self.online, false, T::ConsumeOffline.get(lang));
            ui.radio_value(&mut self.online, true, T::ConsumeOnline.get(lang));
        });
        if self.online {
            ui.weak(T::OnlineHint.get(lang));
            ui.horizontal(|ui| {
                let l = ui.label(T::UserOpenid.get(lang));
                ui.add(egui::TextEdit::singleline(&mut self.openid).desired_width(300.0))
                    .labelled_by(l.id);
            });
            let left = self.mark_left(now);
            let openid = self.openid.trim().to_owned();
            ui.horizontal(|ui| {
                if action(
                    ui,
                    "mark",
                    !openid.is_empty() && !self.marking,
                    T::Mark.get(lang),
                )
                .clicked()
                {
                    self.marking = true;
                    out.push(Command::Mark {
                        code: code.clone(),
                        card_id: card_id.clone(),
                        openid: openid.clone(),
                        mark: true,
                    });
                }
                if action(ui, "unmark", left > 0 && !self.marking, T::Unmark.get(lang)).clicked()
                    && let Some((_, who)) = &self.marked
                {
                    self.marking = true;
                    out.push(Command::Mark {
                        code: code.clone(),
                        card_id: card_id.clone(),
                        openid: who.clone(),
                        mark: false,
                    });
                }
                if left > 0 {
                    ui.colored_label(
                        crate::ui::warn_color(ui),
                        format!("{} {}:{:02}", T::MarkLeft.get(lang), left / 60, left % 60),
                    );
                }
            });
        }
        let marked_by_this = self
            .marked
            .as_ref()
            .is_some_and(|(_, o)| *o == self.openid.trim())
            && self.mark_left(now) > 0;
        let can = !self.consuming && (!self.online || marked_by_this);
        if action(
            ui,
            "consume",
            can,
            RichText::new(T::Consume.get(lang)).strong(),
        )
        .clicked()
        {
            self.consuming = true;
            out.push(Command::Consume {
                code,
                card_id,
                openid: self.online.then(|| self.openid.trim().to_owned()),
            });
        }
        if self.online && !marked_by_this {
            ui.weak(T::MarkFirst.get(lang));
        }
        if let Some(d) = &self.consumed {
            ui.colored_label(
                crate::ui::ok_color(ui),
                format!("{} {}", T::Consumed.get(lang), d.code),
            );
            match gift_back_issued(d.share_self_num, d.stock.0, d.stock.1) {
                Some(true) => {
                    ui.colored_label(crate::ui::ok_color(ui), T::GiftBackIssued.get(lang))
                }
                Some(false) => {
                    ui.colored_label(crate::ui::warn_color(ui), T::GiftBackNoStock.get(lang))
                }
                None => ui.weak(T::GiftBackNotSet.get(lang)),
            };
        }
    }
}

/// The guide's redemption errcodes (and the mark notes' 40146 / 40416) with their guidance,
/// so the person at the till can read what an answer means before it happens.
fn errcodes_ui(ui: &mut Ui, lang: Lang) {
    egui::CollapsingHeader::new(T::RedeemCodes.get(lang))
        .id_salt("redeem_codes")
        .show(ui, |ui| {
            egui::Grid::new("redeem_codes_grid")
                .num_columns(3)
                .striped(true)
                .show(ui, |ui| {
                    for info in REDEMPTION_ERRCODES
                        .iter()
                        .filter_map(|c| crate::api::describe(*c))
                    {
                        ui.label(RichText::new(info.code.to_string()).monospace());
                        match lang {
                            Lang::Zh => {
                                ui.label(info.zh);
                                ui.label(info.guidance_zh);
                            }
                            Lang::En => {
                                ui.label(info.en);
                                ui.label(info.guidance_en);
                            }
                        }
                        ui.end_row();
                    }
                });
        });
}
