//! What WeChat pushes to the merchant's server about this account (卡券事件推送), queued as
//! the simulator's state changes: every user event of the log ([`State::log_event`]: view,
//! claim, use, gift), a review's outcome ([`State::settle_reviews`]), a code the user deleted,
//! the stock alert ([`State::check_stock`]) and every coin order that moved coins.
//!
//! The state only collects [`Notice`]s in `pending`; `Shared` hands them to the outbox after
//! every call, so no handler sends anything itself. [`Notice::to_push`] writes one as the XML
//! members of WeChat's pushes (the public "卡券事件推送" page and `shared/reference/README.md`).

use serde::Serialize;

use super::State;
use super::events::{Event, Kind};
use super::ledger::{MERCHANT_OPENID, Order};
use super::status;
use crate::card::pricing::Coins;
use crate::wxpush::Push;

/// `card_sku_remind` needs the stock to have been above this …
pub const SKU_HIGH: i64 = 200;
/// … and to be at most this after a claim …
pub const SKU_LOW: i64 = 100;
/// … and fires at most once in this many seconds per card (WeChat: "每隔12h发送一次").
pub const SKU_EVERY: i64 = 12 * 3600;

/// The refusal reason of a rejected card when the reviewer gave none.
pub const DEFAULT_REFUSE_REASON: &str = "卡券信息不符合审核规范";

/// Something WeChat pushes about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "notice", rename_all = "snake_case")]
pub enum Notice {
    /// A user event of the log (view, receive, verify, given).
    User(Event),
    /// A review ended.
    Review {
        /// Simulated time.
        time: i64,
        /// The card.
        card_id: String,
        /// Approved (`card_pass_check`) or rejected (`card_not_pass_check`).
        passed: bool,
        /// Why it was rejected (empty when approved).
        reason: String,
    },
    /// A user deleted a code from their card wallet.
    Deleted {
        /// Simulated time.
        time: i64,
        /// The card.
        card_id: String,
        /// The holder.
        openid: String,
        /// The code.
        code: String,
    },
    /// A claim left little stock.
    SkuRemind {
        /// Simulated time.
        time: i64,
        /// The card.
        card_id: String,
        /// The user whose claim it was.
        openid: String,
        /// Stock left.
        quantity: i64,
    },
    /// Coins moved.
    Order {
        /// Simulated time of the change.
        time: i64,
        /// The order as getorder shows it.
        order: Order,
    },
}

impl Notice {
    /// WeChat's `Event` name; `None` for what WeChat does not push (an expiry).
    pub fn event(&self) -> Option<&'static str> {
        Some(match self {
            Self::User(e) => match e.kind {
                Kind::View => "user_view_card",
                Kind::Receive => "user_get_card",
                Kind::Verify => "user_consume_card",
                Kind::Given => "user_gifting_card",
                Kind::Expire => return None,
            },
            Self::Review { passed: true, .. } => "card_pass_check",
            Self::Review { passed: false, .. } => "card_not_pass_check",
            Self::Deleted { .. } => "user_del_card",
            Self::SkuRemind { .. } => "card_sku_remind",
            Self::Order { .. } => "card_pay_order",
        })
    }

    /// The push body as WeChat writes it, for the account whose original id (gh_…) is
    /// `to_user`: the common head (ToUserName, FromUserName, CreateTime, MsgType, Event),
    /// then the event's members in the order of WeChat's examples. `None` for an expiry.
    pub fn to_push(&self, to_user: &str) -> Option<Push> {
        let event = self.event()?;
        let (from, time) = match self {
            Self::User(e) => (e.openid.as_str(), e.time),
            Self::Review { time, .. } => (MERCHANT_OPENID, *time),
            Self::Deleted { time, openid, .. } | Self::SkuRemind { time, openid, .. } => {
                (openid.as_str(), *time)
            }
            Self::Order { time, order } => (order.openid.as_str(), *time),
        };
        let head = Push::new()
            .text("ToUserName", to_user)
            .text("FromUserName", from)
            .number("CreateTime", time)
            .text("MsgType", "event")
            .text("Event", event);
        Some(match self {
            Self::User(e) => user_members(head, e),
            Self::Review {
                card_id, reason, ..
            } => head
                .text("CardId", card_id.as_str())
                .text("RefuseReason", reason.as_str()),
            Self::Deleted { card_id, code, .. } => head
                .text("CardId", card_id.as_str())
                .text("UserCardCode", code.as_str()),
            Self::SkuRemind {
                card_id, quantity, ..
            } => head.text("CardId", card_id.as_str()).text(
                "Detail",
                format!("the card's quantity is equal to {quantity}"),
            ),
            Self::Order { order, .. } => order_members(head, order),
        })
    }
}

fn flag(on: bool) -> i64 {
    i64::from(on)
}

/// The members of a user event's push.
fn user_members(head: Push, e: &Event) -> Push {
    let code = e.code.as_deref().unwrap_or_default();
    let friend = e.friend.as_deref().unwrap_or_default();
    let head = head.text("CardId", e.card_id.as_str());
    match e.kind {
        Kind::View => head
            .text("UserCardCode", code)
            .text("OuterStr", e.outer_str.as_str()),
        Kind::Receive => head
            .number("IsGiveByFriend", flag(e.old_code.is_some()))
            .text("UserCardCode", code)
            .text("FriendUserName", friend)
            .number("OuterId", e.outer_id)
            .text("OldUserCardCode", e.old_code.as_deref().unwrap_or_default())
            .text("OuterStr", e.outer_str.as_str())
            .number("IsRestoreMemberCard", 0)
            .number("IsRecommendByFriend", 0),
        // Every use in the simulator goes through card/code/consume.
        Kind::Verify => head
            .text("UserCardCode", code)
            .text("ConsumeSource", "FROM_API")
            .text("LocationName", "")
            .text("StaffOpenId", "")
            .text("VerifyCode", "")
            .text("RemarkAmount", "")
            .text("OuterStr", e.outer_str.as_str()),
        Kind::Given => head
            .text("UserCardCode", code)
            .number("IsReturnBack", 0)
            .text("FriendUserName", friend)
            .number("IsChatRoom", flag(e.group)),
        Kind::Expire => head,
    }
}

/// The members of `card_pay_order`: getorder's fields under WeChat's push names, the coin
/// counts as strings in CDATA, as WeChat's example has them.
fn order_members(head: Push, o: &Order) -> Push {
    // WeChat's example: Desc names the payment ("微信支付充值") and Memo says what it was for.
    let desc = if o.order_type == "ORDER_TYPE_WXPAY" {
        o.desc.as_str()
    } else {
        ""
    };
    head.text("OrderId", o.order_id.as_str())
        .text("Status", o.status.as_str())
        .number("CreateOrderTime", o.create_time)
        .number("PayFinishTime", o.pay_finish_time)
        .text("Desc", desc)
        .text("FreeCoinCount", Coins(o.free_coin).to_string())
        .text("PayCoinCount", Coins(o.pay_coin).to_string())
        .text("RefundFreeCoinCount", Coins(o.refund_free).to_string())
        .text("RefundPayCoinCount", Coins(o.refund_paid).to_string())
        .text("OrderType", o.order_type.as_str())
        .text("Memo", o.desc.as_str())
        .text("ReceiptInfo", "")
}

impl State {
    /// Records a user event, and queues its push (every kind but an expiry, which WeChat does
    /// not push). Every user event passes here: it is the one place the pushes of what users
    /// do come from.
    pub fn log_event(&mut self, event: Event) {
        if event.kind != Kind::Expire {
            self.pending.push(Notice::User(event.clone()));
        }
        self.events.push(event);
    }

    /// Records a plain user event (see [`Self::log_event`]).
    #[allow(clippy::too_many_arguments)]
    pub fn record(
        &mut self,
        time: i64,
        kind: Kind,
        card_id: &str,
        openid: &str,
        code: Option<&str>,
        outer_id: i64,
        source: &str,
    ) {
        self.log_event(
            Event::new(time, kind, card_id, openid, outer_id)
                .with_code(code)
                .with_source(source),
        );
    }

    /// Queues a push that is not a user event of the log.
    pub fn notify(&mut self, notice: Notice) {
        self.pending.push(notice);
    }

    /// The pushes queued since the last call, oldest first.
    pub fn take_notices(&mut self) -> Vec<Notice> {
        std::mem::take(&mut self.pending)
    }

    /// After `openid`'s claim took stock of `card_id` from `before`: the stock alert
    /// (`card_sku_remind`) when the card's stock was once above [`SKU_HIGH`], is now at most
    /// [`SKU_LOW`], and no alert was sent in the last [`SKU_EVERY`] seconds.
    pub fn check_stock(&mut self, card_id: &str, openid: &str, before: i64, time: i64) {
        let Some(card) = self.cards.get_mut(card_id) else {
            return;
        };
        card.sku_peak = card.sku_peak.max(before);
        let quiet = card
            .sku_reminded_at
            .is_none_or(|at| time.saturating_sub(at) >= SKU_EVERY);
        if card.sku_peak > SKU_HIGH && card.quantity <= SKU_LOW && quiet {
            card.sku_reminded_at = Some(time);
            let quantity = card.quantity;
            self.notify(Notice::SkuRemind {
                time,
                card_id: card_id.to_owned(),
                openid: openid.to_owned(),
                quantity,
            });
        }
    }

    /// Notices every card whose review ended since it was last looked at (approved or
    /// rejected by the reviewer, or approved by the passing of the review delay) and queues
    /// `card_pass_check` / `card_not_pass_check`. A card of an older state file (never looked
    /// at) is only noted. Whether any card changed.
    pub fn settle_reviews(&mut self, review_delay: i64) -> bool {
        let now = self.now();
        let seen: Vec<(String, &'static str)> = self
            .cards
            .iter()
            .filter_map(|(id, c)| {
                let status = self.status_of(c, review_delay);
                (c.review_seen != status).then(|| (id.clone(), status))
            })
            .collect();
        for (id, new) in &seen {
            let Some(card) = self.cards.get_mut(id) else {
                continue;
            };
            let known = !card.review_seen.is_empty();
            card.review_seen = (*new).to_owned();
            let passed = match *new {
                status::VERIFY_OK => true,
                status::VERIFY_FAIL => false,
                _ => continue,
            };
            let reason = if passed {
                String::new()
            } else if card.refuse_reason.is_empty() {
                DEFAULT_REFUSE_REASON.to_owned()
            } else {
                card.refuse_reason.clone()
            };
            if known {
                self.notify(Notice::Review {
                    time: now,
                    card_id: id.clone(),
                    passed,
                    reason,
                });
            }
        }
        !seen.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn members(n: &Notice) -> serde_json::Map<String, serde_json::Value> {
        let xml = n.to_push("gh_0123456789ab").unwrap().to_xml();
        Push::parse(xml.as_bytes()).unwrap().to_json()
    }

    #[test]
    fn a_claim_by_gift_carries_the_giver_and_the_old_code() {
        let mut e = Event::new(1_700_000_000, Kind::Receive, "pCard", "oFriend", 3)
            .with_code(Some("123456789012"))
            .with_friend(Some("oGiver"))
            .with_outer_str("poster-a");
        e.old_code = Some("999999999999".into());
        let m = members(&Notice::User(e));
        assert_eq!(m["ToUserName"], "gh_0123456789ab");
        assert_eq!(m["FromUserName"], "oFriend");
        assert_eq!(m["CreateTime"], 1_700_000_000);
        assert_eq!(m["MsgType"], "event");
        assert_eq!(m["Event"], "user_get_card");
        assert_eq!(m["IsGiveByFriend"], 1);
        assert_eq!(m["FriendUserName"], "oGiver");
        assert_eq!(m["OldUserCardCode"], "999999999999");
        assert_eq!(m["UserCardCode"], "123456789012");
        assert_eq!(m["OuterId"], 3);
        assert_eq!(m["OuterStr"], "poster-a");
    }

    #[test]
    fn an_order_push_has_its_counts_as_strings() {
        let order = Order {
            order_id: "SYS1".into(),
            order_type: "ORDER_TYPE_SYS_ADD".into(),
            status: "ORDER_STATUS_FINANCE_SUCC".into(),
            create_time: 5,
            pay_finish_time: 6,
            desc: "开通券点账户奖励".into(),
            free_coin: 20_000,
            pay_coin: 60,
            refund_free: 0,
            refund_paid: 0,
            openid: MERCHANT_OPENID.into(),
            card_id: None,
        };
        let m = members(&Notice::Order { time: 6, order });
        assert_eq!(m["Event"], "card_pay_order");
        assert_eq!(m["FreeCoinCount"], "200");
        assert_eq!(m["PayCoinCount"], "0.6");
        assert_eq!(m["RefundPayCoinCount"], "0");
        assert_eq!(m["CreateOrderTime"], 5);
        assert_eq!(m["Memo"], "开通券点账户奖励");
        assert_eq!(m["Desc"], "");
    }

    fn card(review: super::super::Review, seen: &str) -> super::super::SimCard {
        super::super::SimCard {
            card: serde_json::json!({"cash": {"base_info": {}}}),
            submitted_at: 0,
            review,
            quantity: 0,
            total_quantity: 0,
            seq: 0,
            created_at: 0,
            updated_at: 0,
            review_seen: seen.into(),
            refuse_reason: String::new(),
            sku_peak: 0,
            sku_reminded_at: None,
        }
    }

    #[test]
    fn a_review_is_pushed_once_and_never_for_a_card_of_an_older_state_file() {
        use super::super::Review;
        let mut st = State::default();
        st.cards
            .insert("new".into(), card(Review::Approved, status::NOT_VERIFY));
        st.cards.insert("old".into(), card(Review::Rejected, ""));
        assert!(st.settle_reviews(3));
        let notices = st.take_notices();
        assert_eq!(notices.len(), 1, "{notices:?}");
        assert!(
            matches!(&notices[0], Notice::Review { card_id, passed: true, .. } if card_id == "new")
        );
        assert_eq!(st.cards["old"].review_seen, status::VERIFY_FAIL);
        // Nothing changed since: nothing more.
        assert!(!st.settle_reviews(3));
        assert!(st.take_notices().is_empty());
        // Rejected after all: pushed with the default reason.
        if let Some(c) = st.cards.get_mut("new") {
            c.review = Review::Rejected;
        }
        assert!(st.settle_reviews(3));
        let notices = st.take_notices();
        assert!(
            matches!(&notices[..], [Notice::Review { passed: false, reason, .. }] if reason == DEFAULT_REFUSE_REASON)
        );
    }

    #[test]
    fn an_expiry_is_not_pushed() {
        let e = Event::new(1, Kind::Expire, "pCard", "o", 0);
        assert_eq!(Notice::User(e).to_push("gh_1"), None);
    }
}
