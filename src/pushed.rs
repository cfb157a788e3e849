//! What the card events a company server relayed tell the panels, free of egui and of IO:
//! review results (instead of polling card/get), the cards WeChat reminded about low stock,
//! the coin orders it pushed, and how the feed that reads them is paced (poll while the
//! server answers, back off while it does not, report only what changed so that an idle app
//! paints nothing). The per-channel arithmetic is in [`crate::stats`].

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use crate::api::CardEvent;
use crate::api::company::kind;
use crate::api::pay::OrderInfo;

/// A review result pushed for a card.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Review {
    /// The card.
    pub card_id: String,
    /// Passed (`card_pass_check`) or not (`card_not_pass_check`).
    pub passed: bool,
    /// WeChat's `RefuseReason` (empty when it passed or gave none).
    pub reason: String,
    /// When WeChat reviewed it (Unix seconds).
    pub time: i64,
}

impl Review {
    /// The card status this result stands for, as card/get names it.
    pub fn status(&self) -> &'static str {
        if self.passed {
            "CARD_STATUS_VERIFY_OK"
        } else {
            "CARD_STATUS_VERIFY_FAIL"
        }
    }
}

/// The review results among `events`, in the order they came.
pub fn reviews(events: &[CardEvent]) -> Vec<Review> {
    events
        .iter()
        .filter(|e| e.event == kind::PASS_CHECK || e.event == kind::NOT_PASS_CHECK)
        .filter(|e| !e.card_id.is_empty())
        .map(|e| Review {
            card_id: e.card_id.clone(),
            passed: e.event == kind::PASS_CHECK,
            reason: e.refuse_reason.clone(),
            time: e.time,
        })
        .collect()
}

/// The cards WeChat sent a stock reminder (`card_sku_remind`) for.
pub fn reminded(events: &[CardEvent]) -> BTreeSet<String> {
    events
        .iter()
        .filter(|e| e.event == kind::SKU_REMIND && !e.card_id.is_empty())
        .map(|e| e.card_id.clone())
        .collect()
}

/// The coin orders WeChat pushed (`card_pay_order`), one per OrderId (the latest push wins:
/// an order is pushed again when its status moves), newest first.
pub fn orders(events: &[CardEvent]) -> Vec<OrderInfo> {
    let mut by_id: BTreeMap<&str, (i64, &OrderInfo)> = BTreeMap::new();
    for e in events {
        if let Some(o) = &e.order {
            let slot = by_id.entry(o.order_id.as_str()).or_insert((e.id, o));
            if e.id >= slot.0 {
                *slot = (e.id, o);
            }
        }
    }
    let mut out: Vec<OrderInfo> = by_id.into_values().map(|(_, o)| o.clone()).collect();
    out.sort_by(|a, b| {
        b.create_time
            .cmp(&a.create_time)
            .then(b.order_id.cmp(&a.order_id))
    });
    out
}

/// How the company server's feed stands, for the top bar.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FeedStatus {
    /// Not read yet since the app started (the cache is shown meanwhile).
    #[default]
    Connecting,
    /// The last read succeeded.
    Live,
    /// The server could not be reached, or answered with an error: the cache is shown and
    /// the feed tries again by itself.
    Unreachable,
    /// The server refused the API key (401): a new key is needed in Settings.
    KeyRefused,
}

/// How often the feed reads while the server answers.
pub const POLL_EVERY: Duration = Duration::from_secs(5);
/// The longest wait between tries while the server cannot be reached.
pub const MAX_BACKOFF: Duration = Duration::from_secs(60);
/// Events asked for per read; a full page is followed by the next one at once.
pub const PAGE: u32 = 200;

/// Paces the feed and decides what is worth telling the window. An unchanged read reports
/// nothing, so the window is not woken: the app paints no frame at rest.
#[derive(Clone, Debug)]
pub struct FeedTracker {
    /// Where the feed stands.
    pub status: FeedStatus,
    every: Duration,
    wait: Duration,
}

impl FeedTracker {
    /// A tracker that reads every `every` while the server answers.
    pub fn new(every: Duration) -> Self {
        Self {
            status: FeedStatus::Connecting,
            every,
            wait: every,
        }
    }

    /// A read returned `new` events, `full` when the page was full. Whether to report, and
    /// how long to wait before the next read.
    pub fn read(&mut self, new: usize, full: bool) -> (bool, Duration) {
        let report = new > 0 || self.status != FeedStatus::Live;
        self.status = FeedStatus::Live;
        self.wait = self.every;
        (report, if full { Duration::ZERO } else { self.every })
    }

    /// A read failed (`refused`: the key was refused). Whether to report (only a change of
    /// status is news), and how long to wait: the wait doubles up to [`MAX_BACKOFF`].
    pub fn failed(&mut self, refused: bool) -> (bool, Duration) {
        let status = if refused {
            FeedStatus::KeyRefused
        } else {
            FeedStatus::Unreachable
        };
        let report = self.status != status;
        let failing = matches!(
            self.status,
            FeedStatus::Unreachable | FeedStatus::KeyRefused
        );
        self.wait = if failing {
            (self.wait * 2).min(MAX_BACKOFF.max(self.every))
        } else {
            self.every
        };
        self.status = status;
        (report, self.wait)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn ev(id: i64, event: &str, card: &str) -> CardEvent {
        CardEvent {
            id,
            event: event.into(),
            card_id: card.into(),
            time: 1000 + id,
            ..CardEvent::default()
        }
    }

    fn order(id: i64, order_id: &str, status: &str, created: i64) -> CardEvent {
        CardEvent {
            id,
            event: kind::PAY_ORDER.into(),
            order: Some(OrderInfo {
                order_id: order_id.into(),
                status: status.into(),
                create_time: created,
                pay_finish_time: 0,
                desc: String::new(),
                free_coin_count: Default::default(),
                pay_coin_count: Default::default(),
                refund_free_coin_count: Default::default(),
                refund_pay_coin_count: Default::default(),
                order_type: "ORDER_TYPE_WXPAY".into(),
            }),
            ..CardEvent::default()
        }
    }

    #[test]
    fn reviews_and_reminders_are_read_from_their_events_only() {
        let mut refused = ev(2, kind::NOT_PASS_CHECK, "pB");
        refused.refuse_reason = "logo 不清晰".into();
        let events = [
            ev(1, kind::PASS_CHECK, "pA"),
            refused,
            ev(3, kind::GET, "pA"),
            ev(4, kind::SKU_REMIND, "pA"),
            ev(5, kind::PASS_CHECK, ""),
        ];
        let r = reviews(&events);
        assert_eq!(r.len(), 2);
        assert_eq!(
            (r[0].card_id.as_str(), r[0].status()),
            ("pA", "CARD_STATUS_VERIFY_OK")
        );
        assert_eq!(r[1].status(), "CARD_STATUS_VERIFY_FAIL");
        assert_eq!(r[1].reason, "logo 不清晰");
        assert_eq!(reminded(&events), BTreeSet::from(["pA".to_owned()]));
        assert!(reminded(&events[..3]).is_empty());
    }

    #[test]
    fn an_order_pushed_twice_is_one_order_with_its_latest_status() {
        let events = [
            order(1, "o-1", "ORDER_STATUS_WAITING", 100),
            order(2, "o-2", "ORDER_STATUS_SUCC", 300),
            order(3, "o-1", "ORDER_STATUS_SUCC", 100),
            ev(4, kind::GET, "pA"),
        ];
        let list = orders(&events);
        assert_eq!(
            list.iter()
                .map(|o| (o.order_id.as_str(), o.status.as_str()))
                .collect::<Vec<_>>(),
            [("o-2", "ORDER_STATUS_SUCC"), ("o-1", "ORDER_STATUS_SUCC")]
        );
    }

    #[test]
    fn an_idle_feed_reports_nothing_and_a_failing_one_backs_off() {
        let mut t = FeedTracker::new(Duration::from_secs(5));
        assert_eq!(
            t.read(0, false),
            (true, Duration::from_secs(5)),
            "first answer"
        );
        // Nothing new: nothing to tell the window, however often it is read.
        for _ in 0..3 {
            assert_eq!(t.read(0, false), (false, Duration::from_secs(5)));
        }
        assert!(t.read(2, false).0);
        assert_eq!(
            t.read(200, true),
            (true, Duration::ZERO),
            "a full page: read on"
        );
        // The server goes away: said once, then tries again ever more slowly, up to a minute.
        assert_eq!(t.failed(false), (true, Duration::from_secs(5)));
        let waits: Vec<u64> = (0..6)
            .map(|_| t.failed(false))
            .map(|(r, w)| {
                assert!(!r);
                w.as_secs()
            })
            .collect();
        assert_eq!(waits, [10, 20, 40, 60, 60, 60]);
        assert_eq!(t.status, FeedStatus::Unreachable);
        // It answers again: reported, and back to the normal pace.
        assert_eq!(t.read(0, false), (true, Duration::from_secs(5)));
        // A refused key is news of its own.
        assert!(t.failed(true).0);
        assert_eq!(t.status, FeedStatus::KeyRefused);
        assert!(!t.failed(true).0);
    }
}
