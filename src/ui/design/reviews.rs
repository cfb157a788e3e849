//! Review results: polled with card/get after a create or a resubmission, or — with a
//! company-server account — taken from the `card_pass_check` / `card_not_pass_check` events
//! it relays, with no polling at all. Either way the result shows in the create flow and in
//! 我的卡券; a refusal with WeChat's reason.

use std::collections::BTreeSet;
use std::time::Instant;

use super::{Command, DesignPanel, POLL_EVERY};
use crate::pushed::Review;

/// The status card/get reports while a card is in review.
const IN_REVIEW: &str = "CARD_STATUS_NOT_VERIFY";

impl DesignPanel {
    /// A card was just created (or resubmitted): in review until the result comes, by a
    /// push when the account has a company server (`pushes`), else by polling.
    pub(super) fn await_review(&mut self, card_id: &str, pushes: bool) {
        let known = pushes
            .then(|| self.reviews.get(card_id))
            .flatten()
            .map(|r| r.status().to_owned());
        self.flow.awaiting_push = pushes && known.is_none();
        self.flow.status = Some(known.unwrap_or_else(|| IN_REVIEW.to_owned()));
        self.flow.next_poll = (!pushes).then(|| Instant::now() + POLL_EVERY);
    }

    /// card/get answered for the card of the flow: its status, and another poll while it is
    /// in review (only without a company server: then the push brings the result).
    pub(super) fn review_fetched(&mut self, status: &str, pushes: bool) {
        let in_review = status == IN_REVIEW;
        self.flow.status = Some(status.to_owned());
        self.flow.awaiting_push = pushes && in_review;
        self.flow.next_poll = (in_review && !pushes).then(|| Instant::now() + POLL_EVERY);
    }

    /// A resubmitted card's earlier result no longer holds.
    pub(super) fn forget_review(&mut self, card_id: &str) {
        self.reviews.remove(card_id);
    }

    /// What the company server relayed: each new review result lands on the flow and on
    /// 我的卡券; a new stock reminder reloads the cards, so that the alert shows the stock now.
    pub(super) fn on_pushed(
        &mut self,
        reviews: Vec<Review>,
        reminded: BTreeSet<String>,
    ) -> Vec<Command> {
        for r in reviews {
            if self.flow.card_id.as_deref() == Some(r.card_id.as_str()) {
                self.flow.status = Some(r.status().to_owned());
                self.flow.next_poll = None;
                self.flow.awaiting_push = false;
            }
            if let Some(c) = self.cards.iter_mut().find(|c| c.card_id == r.card_id) {
                r.status().clone_into(&mut c.status);
            }
            self.reviews.insert(r.card_id.clone(), r);
        }
        let news = reminded.difference(&self.reminded).next().is_some();
        self.reminded = reminded;
        if news {
            vec![Command::ListCards]
        } else {
            Vec::new()
        }
    }

    /// Another account: its pushed results and reminders are not this one's.
    pub(super) fn forget_pushes(&mut self) {
        self.reviews.clear();
        self.reminded.clear();
        self.flow.awaiting_push = false;
    }

    /// WeChat's reason for refusing `card_id`, when a push gave one and the card is refused.
    pub fn refusal(&self, card_id: &str) -> Option<&str> {
        self.reviews
            .get(card_id)
            .filter(|r| !r.passed && !r.reason.trim().is_empty())
            .map(|r| r.reason.as_str())
    }
}
