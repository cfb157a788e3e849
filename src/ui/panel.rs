//! The contract every panel keeps with the shell. The shell knows no panel's internals: it
//! draws the panel that is shown, hands each IO answer to the panel it belongs to, asks every
//! panel each frame for the commands that have come due and for its next wake-up, tells a
//! panel when it is opened, and tells all of them when the account changes.

use std::time::{Duration, Instant};

use crate::i18n::Lang;

/// What a panel may know about the frame it is called in. The clocks are read once per frame
/// by the shell, so that every panel sees the same moment (and tests can set it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PanelCx {
    /// The UI language.
    pub lang: Lang,
    /// Whether the app talks to the built-in simulator.
    pub sandbox: bool,
    /// Whether the account has a company server, which relays WeChat's card events: review
    /// results, claims and uses by channel, stock reminders and coin orders arrive as pushes.
    pub server: bool,
    /// Wall-clock time in Unix milliseconds (quotes, marks and recharges count down on it).
    pub now_ms: i64,
    /// The monotonic clock (autosave and review polling).
    pub now: Instant,
    /// Flag cards with fewer units than this (the person's threshold in Settings), besides
    /// WeChat's own reminder rule.
    pub stock_alert_below: Option<i64>,
}

impl PanelCx {
    /// Unix seconds.
    pub fn now_secs(&self) -> i64 {
        self.now_ms.div_euclid(1000)
    }

    /// Today's date in Beijing (WeChat's dates are Beijing dates).
    pub fn today(&self) -> chrono::NaiveDate {
        crate::card::beijing::date_of(self.now_secs()).unwrap_or_default()
    }
}

/// A panel of the navigation.
pub trait Panel {
    /// What the panel asks the shell to run (IO, dialogs, database work).
    type Command;
    /// The IO answers that belong to this panel.
    type Event;

    /// Draws the panel into the window's remaining space and returns what the person asked
    /// for. Called only while the panel is shown.
    fn ui(&mut self, ui: &mut egui::Ui, cx: &PanelCx) -> Vec<Self::Command>;

    /// Takes an IO answer; returns follow-up commands. Called whether or not it is shown.
    fn on_event(
        &mut self,
        ctx: &egui::Context,
        event: Self::Event,
        cx: &PanelCx,
    ) -> Vec<Self::Command>;

    /// Commands that have come due (an autosave, a poll). Called every frame, shown or not.
    fn due(&mut self, _cx: &PanelCx) -> Vec<Self::Command> {
        Vec::new()
    }

    /// How long until the panel next needs a frame with no input, if it does: the shell paints
    /// only then, so a panel that waits for nothing returns `None` and the app rests.
    fn next_wakeup(&self, _cx: &PanelCx, _shown: bool) -> Option<Duration> {
        None
    }

    /// The person opened the panel (from the navigation).
    fn on_open(&mut self, _cx: &PanelCx) -> Vec<Self::Command> {
        Vec::new()
    }

    /// The app switched accounts: forget what belonged to the previous one, keep the
    /// person's own set-up, and return the loads the new account needs.
    fn for_another_account(&mut self) -> Vec<Self::Command>;
}
