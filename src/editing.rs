//! The open draft's editing session, without egui: its undo and redo history (edits close
//! together are one step, so typing a word is one undo) and its autosave clock (a save is due
//! a moment after the last edit, and never while another save is in flight).
//!
//! The Design panel drives it with the body before each edit and the frame's clock; the
//! rules are tested here without a window.

use std::time::{Duration, Instant};

/// How long after the last edit the draft is saved.
pub const AUTOSAVE_AFTER: Duration = Duration::from_millis(800);

/// Edits closer together than this are one undo step.
pub const UNDO_COALESCE: Duration = Duration::from_millis(1000);

/// Undo steps kept; older ones are dropped (a body is a few kilobytes).
pub const UNDO_LIMIT: usize = 200;

/// Undo history and autosave state of one open document of type `B`.
#[derive(Clone, Debug)]
pub struct EditSession<B> {
    undo: Vec<B>,
    redo: Vec<B>,
    last_edit: Option<Instant>,
    /// When the first edit not yet saved was made (`None`: everything is saved).
    pub dirty_since: Option<Instant>,
    /// A save is in flight.
    pub saving: bool,
}

impl<B> Default for EditSession<B> {
    fn default() -> Self {
        Self {
            undo: Vec::new(),
            redo: Vec::new(),
            last_edit: None,
            dirty_since: None,
            saving: false,
        }
    }
}

impl<B> EditSession<B> {
    /// A document was opened: no history, nothing unsaved.
    pub fn reset(&mut self) {
        self.undo.clear();
        self.redo.clear();
        self.last_edit = None;
        self.dirty_since = None;
    }

    /// Whether there is a step to undo.
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// Whether there is a step to redo.
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Whether anything is unsaved or being saved (the toolbar says 保存中).
    pub fn pending(&self) -> bool {
        self.saving || self.dirty_since.is_some()
    }

    fn push_undo(&mut self, before: B) {
        if self.undo.len() == UNDO_LIMIT {
            self.undo.remove(0);
        }
        self.undo.push(before);
        self.redo.clear();
    }

    /// The person changed the document at `now`; `before` is how it was. An edit within
    /// [`UNDO_COALESCE`] of the previous one joins its undo step.
    pub fn edited(&mut self, before: B, now: Instant) {
        if self
            .last_edit
            .is_none_or(|t| now.duration_since(t) > UNDO_COALESCE)
        {
            self.push_undo(before);
        }
        self.last_edit = Some(now);
        self.dirty_since.get_or_insert(now);
    }

    /// The document was changed by something other than typing (an uploaded image's URL):
    /// always a step of its own.
    pub fn replaced(&mut self, before: B, now: Instant) {
        self.push_undo(before);
        self.last_edit = None;
        self.dirty_since = Some(now);
    }

    /// Undo (`back`) or redo one step on `current`; false when there is none.
    pub fn step(&mut self, current: &mut B, back: bool, now: Instant) -> bool {
        let (from, to) = if back {
            (&mut self.undo, &mut self.redo)
        } else {
            (&mut self.redo, &mut self.undo)
        };
        let Some(body) = from.pop() else {
            return false;
        };
        to.push(std::mem::replace(current, body));
        self.dirty_since = Some(now);
        self.last_edit = None;
        true
    }

    /// Starts a save if something is unsaved: the caller sends it. Edits made while it is in
    /// flight make the document dirty again and are saved next.
    pub fn begin_save(&mut self) -> bool {
        if self.dirty_since.is_none() {
            return false;
        }
        self.saving = true;
        self.dirty_since = None;
        true
    }

    /// The save in flight answered (either way: a failed save is reported, and the next
    /// edit saves again).
    pub fn save_answered(&mut self) {
        self.saving = false;
    }

    /// Whether the autosave is due at `now`.
    pub fn save_due(&self, now: Instant) -> bool {
        matches!((self.dirty_since, self.saving), (Some(since), false) if now.duration_since(since) >= AUTOSAVE_AFTER)
    }

    /// How long until the autosave is due, if anything is unsaved. While a save is in
    /// flight the answer wakes the app, so there is nothing to wait for.
    pub fn until_save(&self, now: Instant) -> Option<Duration> {
        if self.saving {
            return None;
        }
        self.dirty_since
            .map(|s| (s + AUTOSAVE_AFTER).saturating_duration_since(now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(t0: Instant, n: u64) -> Instant {
        t0 + Duration::from_millis(n)
    }

    #[test]
    fn typing_a_word_is_one_undo_step_and_a_pause_starts_the_next() {
        let t0 = Instant::now();
        let mut s = EditSession::default();
        let mut doc = String::new();
        for (i, c) in "word".chars().enumerate() {
            let before = doc.clone();
            doc.push(c);
            s.edited(before, ms(t0, 200 * i as u64));
        }
        let before = doc.clone();
        doc.push('!');
        s.edited(before, ms(t0, 600 + 1500));
        assert!(s.step(&mut doc, true, ms(t0, 3000)));
        assert_eq!(doc, "word");
        assert!(s.step(&mut doc, true, ms(t0, 3000)));
        assert_eq!(doc, "");
        assert!(!s.step(&mut doc, true, ms(t0, 3000)));
        assert!(s.step(&mut doc, false, ms(t0, 3000)));
        assert_eq!(doc, "word");
        assert!(s.can_redo() && s.can_undo());
    }

    #[test]
    fn a_new_edit_clears_redo_and_an_image_is_a_step_of_its_own() {
        let t0 = Instant::now();
        let mut s = EditSession::default();
        let mut doc = 1;
        s.edited(doc, t0);
        doc = 2;
        s.replaced(doc, ms(t0, 10));
        doc = 3;
        assert!(s.step(&mut doc, true, ms(t0, 20)));
        assert_eq!(doc, 2);
        s.edited(doc, ms(t0, 30));
        assert!(!s.can_redo());
    }

    #[test]
    fn autosave_waits_for_the_pause_and_never_overlaps_a_save_in_flight() {
        let t0 = Instant::now();
        let mut s = EditSession::default();
        assert_eq!(s.until_save(t0), None);
        s.edited("a", t0);
        assert!(!s.save_due(ms(t0, 799)));
        assert_eq!(s.until_save(ms(t0, 300)), Some(Duration::from_millis(500)));
        assert!(s.save_due(ms(t0, 800)));
        assert!(s.begin_save());
        assert!(!s.begin_save(), "nothing new to save");
        // An edit while the save is in flight waits for its answer.
        s.edited("b", ms(t0, 900));
        assert!(!s.save_due(ms(t0, 5000)));
        assert_eq!(s.until_save(ms(t0, 5000)), None, "the answer wakes the app");
        s.save_answered();
        assert!(s.save_due(ms(t0, 5000)));
        assert!(s.pending());
    }

    #[test]
    fn the_history_keeps_the_newest_steps_up_to_its_limit() {
        let t0 = Instant::now();
        let mut s = EditSession::default();
        let mut doc = 0usize;
        for i in 1..=UNDO_LIMIT + 50 {
            s.replaced(doc, ms(t0, i as u64));
            doc = i;
        }
        let mut steps = 0;
        while s.step(&mut doc, true, t0) {
            steps += 1;
        }
        assert_eq!(steps, UNDO_LIMIT);
        assert_eq!(doc, 50, "the oldest 50 steps were dropped");
    }

    #[test]
    fn opening_a_document_forgets_the_previous_history() {
        let mut s = EditSession::default();
        s.edited(1, Instant::now());
        s.reset();
        assert!(!s.can_undo() && !s.pending());
    }
}
