//! 数据 Stats: datacube for the account or one card over a Beijing date range (≤ 62 days,
//! checked before sending), charts of views, receives, uses, gifts and expiries as counts or
//! users, totals and the receive → use conversion, CSV export, per-channel results where the
//! data allows, and in sandbox mode a deterministic 模拟一周活动.

use chrono::NaiveDate;
use egui::{Color32, RichText, Ui};
use egui_plot::{Bar, BarChart, Legend, Line, Plot, PlotPoints};

use crate::api::CardDetails;
use crate::i18n::{Lang, T};
use crate::message::{StatsEvent, UiError};
use crate::stats::ChannelRow;
use crate::stats::{Metric, Table, check_range};
use crate::ui::card_picker::card_picker;
use crate::ui::panel::{Panel, PanelCx};

mod channels;

/// One colour per charted metric, in [`Metric::GUIDE`] order.
const COLORS: [Color32; 5] = [
    Color32::from_rgb(0x3b, 0x82, 0xf6),
    Color32::from_rgb(0x1a, 0x9c, 0x4b),
    Color32::from_rgb(0xe1, 0x6c, 0x1b),
    Color32::from_rgb(0x9b, 0x59, 0xb6),
    Color32::from_rgb(0x8a, 0x8a, 0x8a),
];

/// What the panel asks the app to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// The cards, for the card scope.
    ListCards,
    /// getcardbizuininfo (no card) or getcardcardinfo.
    Load {
        /// The card, or the whole account.
        card_id: Option<String>,
        /// First day.
        begin: NaiveDate,
        /// Last day.
        end: NaiveDate,
        /// 0: cards made on the web platform; 1: cards made through the API.
        cond_source: u8,
    },
    /// The simulator's 模拟一周活动 (sandbox only).
    Simulate {
        /// Seed: the same seed on the same state gives the same activity.
        seed: u64,
        /// Days back.
        days: i64,
    },
    /// Per-channel results from the simulator's log (sandbox only), Unix seconds.
    Channels {
        /// One card, or all.
        card_id: Option<String>,
        /// From.
        from: i64,
        /// To.
        to: i64,
    },
    /// Save CSV bytes.
    ExportCsv(Vec<u8>),
    /// Read the simulator's clock (sandbox only), whose today may be ahead of the local one.
    SyncClock,
}

/// State of the Stats panel.
pub struct StatsPanel {
    /// First day (None until first shown).
    pub begin: Option<NaiveDate>,
    /// Last day.
    pub end: Option<NaiveDate>,
    /// cond_source.
    pub cond_source: u8,
    /// One card (Some) or the account.
    pub card_id: Option<String>,
    /// Card scope chosen.
    pub card_scope: bool,
    /// Cards for the scope.
    pub cards: Vec<CardDetails>,
    /// Show users instead of counts.
    pub users: bool,
    /// Bars instead of lines.
    pub bars: bool,
    /// The loaded table and the range it covers.
    pub table: Option<Table>,
    loading: bool,
    /// The last error.
    pub error: Option<UiError>,
    /// The seed for 模拟一周活动.
    pub seed_text: String,
    simulating: bool,
    /// The simulator's answer (events by kind).
    pub simulated: Option<serde_json::Value>,
    /// Per-channel rows (sandbox).
    pub channels: Option<Vec<ChannelRow>>,
    note: Option<String>,
    loaded: bool,
    /// The range of the load in flight: the answer is laid out on it even if the pickers
    /// moved meanwhile.
    requested: Option<(NaiveDate, NaiveDate)>,
    /// The simulator's clock minus the local one (ms), once read: its days are the ones
    /// with data. `None` until the answer comes (sandbox only).
    pub clock_skew_ms: Option<i64>,
    clock_asked: bool,
    /// The account has a company server: per-channel results come from its events.
    pub pushes: bool,
    /// Today (Beijing), as of the last frame.
    today: Option<NaiveDate>,
    /// The channel table shown runs up to now, today included (events are live, unlike
    /// datacube, which has no data for the current day).
    channels_live: bool,
}

impl Default for StatsPanel {
    fn default() -> Self {
        Self {
            begin: None,
            end: None,
            cond_source: 1,
            card_id: None,
            card_scope: false,
            cards: Vec::new(),
            users: false,
            bars: false,
            table: None,
            loading: false,
            error: None,
            seed_text: "42".into(),
            simulating: false,
            simulated: None,
            channels: None,
            note: None,
            loaded: false,
            requested: None,
            clock_skew_ms: None,
            clock_asked: false,
            pushes: false,
            today: None,
            channels_live: false,
        }
    }
}

/// A button with an id of its own (see [`crate::ui::action`]).
fn action(
    ui: &mut Ui,
    key: &str,
    enabled: bool,
    text: impl Into<egui::WidgetText>,
) -> egui::Response {
    crate::ui::action(ui, "stats", key, enabled, text)
}

impl Panel for StatsPanel {
    type Command = Command;
    type Event = StatsEvent;

    /// The first draw loads the last 7 days (Beijing dates).
    fn ui(&mut self, ui: &mut Ui, cx: &PanelCx) -> Vec<Command> {
        egui::CentralPanel::default()
            .show(ui, |ui| {
                self.pushes = cx.server;
                let today = self.today(cx);
                self.today = Some(today);
                self.body_ui(ui, cx.lang, cx.sandbox, today)
            })
            .inner
    }

    fn on_event(&mut self, _ctx: &egui::Context, event: StatsEvent, cx: &PanelCx) -> Vec<Command> {
        self.pushes = cx.server;
        self.take_event(event, cx.sandbox)
    }

    /// The table, the channels and the card list were the previous account's; the range
    /// is chosen again (and loaded) when the panel is next drawn.
    fn for_another_account(&mut self) -> Vec<Command> {
        *self = Self::default();
        Vec::new()
    }
}

impl StatsPanel {
    /// Today in Beijing: on the simulator, by its clock (which tests and rehearsals move
    /// ahead), else by this computer's.
    pub fn today(&self, cx: &PanelCx) -> NaiveDate {
        let skew = if cx.sandbox {
            self.clock_skew_ms.unwrap_or(0)
        } else {
            0
        };
        crate::card::beijing::date_of((cx.now_ms + skew).div_euclid(1000)).unwrap_or_default()
    }

    /// The load command for the current form, or the error that keeps it from being sent.
    pub fn load_command(&self) -> Result<Command, String> {
        let (Some(begin), Some(end)) = (self.begin, self.end) else {
            return Err(String::new());
        };
        check_range(begin, end).map_err(|e| e.text(Lang::Zh))?;
        let card_id = if self.card_scope {
            Some(self.card_id.clone().ok_or_else(String::new)?)
        } else {
            None
        };
        Ok(Command::Load {
            card_id,
            begin,
            end,
            cond_source: self.cond_source,
        })
    }

    fn load(&mut self, sandbox: bool, out: &mut Vec<Command>) {
        if let Ok(cmd) = self.load_command() {
            self.loading = true;
            let card_id = match &cmd {
                Command::Load {
                    card_id,
                    begin,
                    end,
                    ..
                } => {
                    self.requested = Some((*begin, *end));
                    card_id.clone()
                }
                _ => None,
            };
            out.push(cmd);
            if sandbox || self.pushes {
                out.extend(self.channels_command(card_id));
            }
        }
    }

    /// Per-channel results over the form's range (the simulator's log, or the company
    /// server's events).
    /// A company server's events are live: a range that ends yesterday (the default, as
    /// datacube has no same-day data) runs up to now for the channels, so that today's scans
    /// show.
    fn channels_command(&mut self, card_id: Option<String>) -> Option<Command> {
        let (b, e) = self.begin.zip(self.end)?;
        self.channels_live = self.pushes
            && self
                .today
                .is_some_and(|t| e >= t - chrono::Duration::days(1));
        let to = if self.channels_live {
            i64::MAX
        } else {
            crate::card::beijing::end_of(e).unwrap_or(i64::MAX)
        };
        Some(Command::Channels {
            card_id,
            from: crate::card::beijing::start_of(b).unwrap_or(0),
            to,
        })
    }

    /// Commands when the panel is first shown: the last 7 full days (Beijing), up to
    /// yesterday, since WeChat has no statistics for the current day.
    fn open_cmds(&mut self, today: NaiveDate, sandbox: bool) -> Vec<Command> {
        // On the simulator the range waits for its clock.
        if sandbox && self.clock_skew_ms.is_none() {
            if self.clock_asked {
                return Vec::new();
            }
            self.clock_asked = true;
            return vec![Command::SyncClock];
        }
        let mut out = vec![Command::ListCards];
        if self.begin.is_none() {
            self.begin = Some(today - chrono::Duration::days(7));
            self.end = Some(today - chrono::Duration::days(1));
        }
        self.loaded = true;
        self.load(sandbox, &mut out);
        out
    }

    /// Handles an IO answer.
    fn take_event(&mut self, event: StatsEvent, sandbox: bool) -> Vec<Command> {
        let mut out = Vec::new();
        match event {
            StatsEvent::Cards(r) => match r {
                Ok(cards) => {
                    if self.card_id.is_none() {
                        self.card_id = cards.first().map(|c| c.card_id.clone());
                    }
                    self.cards = cards;
                }
                Err(e) => self.error = Some(e),
            },
            StatsEvent::Loaded(r) => {
                self.loading = false;
                match (r, self.requested) {
                    (Ok(rows), Some((b, e))) => {
                        self.table = Some(Table::new(b, e, &rows));
                        self.error = None;
                    }
                    (Err(err), _) => self.error = Some(err),
                    (Ok(_), None) => {}
                }
            }
            StatsEvent::Simulated(r) => {
                self.simulating = false;
                match r {
                    Ok(v) => {
                        self.simulated = Some(v);
                        self.load(sandbox, &mut out);
                    }
                    Err(e) => self.error = Some(e),
                }
            }
            StatsEvent::Channels(r) => match r {
                Ok(rows) => self.channels = Some(rows),
                Err(e) => self.error = Some(e),
            },
            // New claims, uses or views: the channel table is counted again (datacube is not
            // asked again; WeChat has no same-day statistics anyway).
            StatsEvent::Pushed => {
                if self.loaded && self.pushes {
                    let card_id = self.card_scope.then(|| self.card_id.clone()).flatten();
                    out.extend(self.channels_command(card_id));
                }
            }
            StatsEvent::Exported(r) => match r {
                Ok(p) => self.note = Some(p.display().to_string()),
                Err(e) => self.error = Some(e),
            },
            // The range is chosen (and loaded) on the next frame, by this clock.
            StatsEvent::ClockSkew(skew) => self.clock_skew_ms = Some(skew.unwrap_or(0)),
        }
        out
    }

    /// Draws the panel.
    fn body_ui(
        &mut self,
        ui: &mut Ui,
        lang: Lang,
        sandbox: bool,
        today: NaiveDate,
    ) -> Vec<Command> {
        let mut out = Vec::new();
        if !self.loaded {
            out.extend(self.open_cmds(today, sandbox));
        }
        egui::ScrollArea::vertical()
            .id_salt("stats_scroll")
            .show(ui, |ui| {
                self.form_ui(ui, lang, sandbox, today, &mut out);
                if let Some(e) = &self.error {
                    crate::ui::error_label(ui, e.text(lang));
                }
                self.chart_ui(ui, lang);
                self.totals_ui(ui, lang, &mut out);
                self.channels_ui(ui, lang, sandbox || self.pushes);
            });
        out
    }

    /// Widens the range so the reload after 模拟一周活动 shows every simulated day: the
    /// simulator spreads `days` days of activity over the time before now, so the first of
    /// them is `today - days` in Beijing.
    fn cover_simulated_days(&mut self, today: NaiveDate, days: i64) {
        let first = today - chrono::Duration::days(days);
        let yesterday = today - chrono::Duration::days(1);
        let begin = self.begin.map_or(first, |b| b.min(first));
        let end = self.end.map_or(yesterday, |e| e.max(yesterday));
        (self.begin, self.end) = if check_range(begin, end).is_ok() {
            (Some(begin), Some(end))
        } else {
            (Some(first), Some(yesterday))
        };
    }

    fn form_ui(
        &mut self,
        ui: &mut Ui,
        lang: Lang,
        sandbox: bool,
        today: NaiveDate,
        out: &mut Vec<Command>,
    ) {
        ui.horizontal_wrapped(|ui| {
            ui.label(T::DateRange.get(lang));
            for (i, date) in [&mut self.begin, &mut self.end].into_iter().enumerate() {
                if let Some(d) = date
                    && let Some(new) = crate::ui::date_picker(
                        ui,
                        if i == 0 { "stats_begin" } else { "stats_end" },
                        *d,
                    )
                {
                    *d = new;
                }
            }
            ui.separator();
            let label = ui
                .label(T::CardSource.get(lang))
                .on_hover_text("cond_source");
            egui::ComboBox::from_id_salt("cond_source")
                .selected_text(if self.cond_source == 0 {
                    T::SourcePlatform.get(lang)
                } else {
                    T::SourceApi.get(lang)
                })
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.cond_source, 0, T::SourcePlatform.get(lang));
                    ui.selectable_value(&mut self.cond_source, 1, T::SourceApi.get(lang));
                })
                .response
                .labelled_by(label.id);
        });
        if let (Some(b), Some(e)) = (self.begin, self.end)
            && let Err(err) = check_range(b, e)
        {
            crate::ui::error_label(ui, err.text(lang));
        }
        if self.end.is_some_and(|e| e >= today) {
            ui.weak(T::NoSameDayStats.get(lang));
        }
        ui.horizontal_wrapped(|ui| {
            ui.radio_value(&mut self.card_scope, false, T::ScopeAccount.get(lang))
                .on_hover_text("datacube/getcardbizuininfo");
            ui.radio_value(&mut self.card_scope, true, T::ScopeCard.get(lang))
                .on_hover_text("datacube/getcardcardinfo");
            if self.card_scope {
                card_picker(ui, "stats_card", lang, &self.cards, &mut self.card_id, None);
            }
            ui.separator();
            let ok = self.load_command().is_ok();
            if action(ui, "load", ok && !self.loading, T::LoadStats.get(lang)).clicked() {
                self.load(sandbox, out);
            }
            if self.loading {
                ui.spinner();
            }
            if sandbox {
                ui.separator();
                let l = ui.label(T::Seed.get(lang));
                ui.add(egui::TextEdit::singleline(&mut self.seed_text).desired_width(60.0))
                    .labelled_by(l.id);
                let seed = self.seed_text.trim().parse::<u64>();
                if action(
                    ui,
                    "simulate",
                    seed.is_ok() && !self.simulating,
                    T::SimulateWeek.get(lang),
                )
                .clicked()
                    && let Ok(seed) = seed
                {
                    self.simulating = true;
                    self.cover_simulated_days(today, 7);
                    out.push(Command::Simulate { seed, days: 7 });
                }
                if self.simulating {
                    ui.spinner();
                }
            }
        });
        if sandbox && self.seed_text.trim().parse::<u64>().is_err() {
            crate::ui::error_label(ui, T::SeedRule.get(lang));
        }
        ui.horizontal(|ui| {
            ui.radio_value(&mut self.users, false, T::Counts.get(lang));
            ui.radio_value(&mut self.users, true, T::Users.get(lang));
            ui.separator();
            ui.radio_value(&mut self.bars, false, T::LineChart.get(lang));
            ui.radio_value(&mut self.bars, true, T::BarChart.get(lang));
        });
    }

    fn chart_ui(&self, ui: &mut Ui, lang: Lang) {
        let Some(t) = &self.table else { return };
        let days = t.days.clone();
        let users = self.users;
        let bars = self.bars;
        Plot::new("stats_plot")
            .height(300.0)
            .legend(Legend::default())
            .allow_scroll(false)
            .x_axis_formatter(move |mark, _range| {
                let i = mark.value.round();
                if (mark.value - i).abs() > 1e-6 || i < 0.0 {
                    return String::new();
                }
                days.get(i as usize)
                    .map(|d| d.format("%m-%d").to_string())
                    .unwrap_or_default()
            })
            .show(ui, |plot| {
                for (k, m) in Metric::GUIDE.iter().enumerate() {
                    let series = t.series(*m, users);
                    if bars {
                        let width = 0.8 / Metric::GUIDE.len() as f64;
                        let chart = BarChart::new(
                            m.name(lang),
                            series
                                .iter()
                                .map(|p| {
                                    Bar::new(p[0] - 0.4 + width * (k as f64 + 0.5), p[1])
                                        .width(width)
                                })
                                .collect(),
                        )
                        .color(COLORS[k]);
                        plot.bar_chart(chart);
                    } else {
                        plot.line(
                            Line::new(m.name(lang), PlotPoints::from(series)).color(COLORS[k]),
                        );
                    }
                }
            });
    }

    fn totals_ui(&mut self, ui: &mut Ui, lang: Lang, out: &mut Vec<Command>) {
        let Some(t) = &self.table else { return };
        ui.add_space(6.0);
        egui::Grid::new("totals").striped(true).show(ui, |ui| {
            ui.strong(T::Metric.get(lang));
            ui.strong(T::Counts.get(lang));
            ui.strong(T::UsersDaily.get(lang));
            ui.end_row();
            // verify_noself comes on card rows only: for the account it would read 0.
            for m in Metric::ALL
                .into_iter()
                .filter(|m| self.card_scope || *m != Metric::OthersVerify)
            {
                let (c, u) = t.total(m);
                ui.label(m.name(lang)).on_hover_text(m.api_name());
                ui.label(c.to_string());
                ui.label(u.to_string());
                ui.end_row();
            }
        });
        let rate = t
            .conversion()
            .map_or_else(|| "—".to_owned(), |r| format!("{:.1}%", r * 100.0));
        ui.label(RichText::new(format!("{} {rate}", T::Conversion.get(lang))).strong());
        let rate_users = t
            .conversion_users()
            .map_or_else(|| "—".to_owned(), |r| format!("{:.1}%", r * 100.0));
        ui.label(format!("{} {rate_users}", T::ConversionUsers.get(lang)));
        let others = t
            .others_share()
            .map_or_else(|| "—".to_owned(), |r| format!("{:.1}%", r * 100.0));
        ui.label(format!("{} {others}", T::OthersShare.get(lang)))
            .on_hover_text(T::OthersShareHint.get(lang));
        if action(ui, "export", true, T::ExportCsv.get(lang)).clicked() {
            match t.csv(lang) {
                Ok(bytes) => out.push(Command::ExportCsv(bytes)),
                Err(e) => self.error = Some(UiError::plain(e.to_string())),
            }
        }
        if let Some(n) = &self.note {
            ui.label(format!("{} {n}", T::SavedTo.get(lang)));
        }
    }
}
