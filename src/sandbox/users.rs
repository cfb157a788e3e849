//! What users do, driven through the admin API: scan a placement QR (view + receive), share a
//! code with friends (friends' views + given), force a code's status, and encrypt a code as
//! WeChat would put it in a custom URL. Giving a code away is `State::gift` (`codes.rs`).

use serde_json::{Value, json};

use super::State;
use super::codes::CodeStatus;
use super::events::{Event, Kind};
use super::notice::Notice;
use super::status;

/// A user scans: `ticket` or `url` of a placement, or a bare `card_id` (with `outer_id`).
#[derive(Clone, Debug, Default)]
pub struct Scan {
    /// The placement ticket or QR url.
    pub placement: Option<String>,
    /// Or the card directly.
    pub card_id: Option<String>,
    /// The user (generated when absent).
    pub openid: Option<String>,
    /// The user's WeChat name (whitelist by username).
    pub username: Option<String>,
    /// Scene value for a bare card_id scan.
    pub outer_id: i64,
    /// `outer_str` for a bare card_id scan (a placement brings its own).
    pub outer_str: String,
    /// When (simulated; `None` = now).
    pub time: Option<i64>,
    /// Event source (`scan` or `simulate`).
    pub source: &'static str,
}

/// The receive window: from 5 days before the validity starts to its end.
pub const RECEIVE_LEAD: i64 = 5 * 86_400;

impl State {
    /// A user scans a placement QR (or a card): a view event, then the code received. Refused
    /// (with a reason) for an unknown/expired/used QR, a QR bound to another openid, a card in
    /// review or rejected unless the user is whitelisted, no stock, the get_limit reached, or
    /// outside the receive window.
    pub fn scan(&mut self, s: &Scan, review_delay: i64) -> Result<Value, String> {
        let time = s.time.unwrap_or_else(|| self.now());
        let openid = match &s.openid {
            Some(o) if !o.is_empty() => o.clone(),
            _ => self.new_openid(),
        };
        let (card_id, outer_id, outer_str, ticket) = match (&s.placement, &s.card_id) {
            (Some(t), _) => {
                let p = self
                    .placement(t)
                    .ok_or_else(|| format!("no such QR ticket or url: {t}"))?;
                if p.expires.is_some_and(|e| time > e) {
                    return Err("the QR code has expired".into());
                }
                if p.unique && p.scans > 0 {
                    return Err("this unique QR code was already scanned".into());
                }
                if !p.openid.is_empty() && p.openid != openid {
                    return Err(format!("this QR code is for {} only", p.openid));
                }
                let (card, outer_str) = (p.card_id.clone(), p.outer_str.clone());
                (card, p.outer_id, outer_str, Some(p.ticket.clone()))
            }
            (None, Some(c)) => (c.clone(), s.outer_id, s.outer_str.clone(), None),
            (None, None) => return Err("ticket, url or card_id is required".into()),
        };
        let card = self
            .cards
            .get(&card_id)
            .ok_or_else(|| format!("unknown card_id {card_id}"))?;
        if self.status_of(card, review_delay) != status::VERIFY_OK
            && !self.whitelist.contains(&openid, s.username.as_deref())
        {
            return Err(
                "the card is not approved and the user is not on the test whitelist".into(),
            );
        }
        let (begin, end) = card.validity();
        if time < begin.saturating_sub(RECEIVE_LEAD) || time > end {
            return Err(
                "outside the receive window (5 days before the validity to its end)".into(),
            );
        }
        if let Some(limit) = card.get_limit() {
            let held = self
                .codes
                .values()
                .filter(|c| c.card_id == card_id && c.openid == openid && c.source != "gift_back")
                .count();
            if i64::try_from(held).unwrap_or(i64::MAX) >= limit {
                return Err(format!("get_limit {limit} reached for {openid}"));
            }
        }
        if card.quantity <= 0 {
            return Err("out of stock".into());
        }
        self.log_event(
            Event::new(time, Kind::View, &card_id, &openid, outer_id)
                .with_source(s.source)
                .with_outer_str(&outer_str),
        );
        let code = self.receive_code(&card_id, &openid, (outer_id, &outer_str), s.source, time)?;
        if let Some(p) = ticket.and_then(|t| self.placements.get_mut(&t)) {
            p.scans += 1;
        }
        Ok(json!({
            "code": code,
            "openid": openid,
            "card_id": card_id,
            "outer_id": outer_id,
            "encrypt_code": self.encrypt_code(&code),
        }))
    }

    /// The holder shares a code with friends: each friend's view, and one given event by the
    /// holder (one share, however many friends see it). The code must be NORMAL.
    pub fn share(
        &mut self,
        code: &str,
        friends: &[String],
        time: Option<i64>,
        source: &str,
    ) -> Result<Value, String> {
        let c = self
            .codes
            .get(code)
            .cloned()
            .ok_or_else(|| format!("unknown code {code}"))?;
        if self.code_status(&c) != CodeStatus::Normal {
            return Err(format!("the code is {}", self.code_status(&c).name()));
        }
        let time = time.unwrap_or_else(|| self.now());
        for f in friends {
            self.record(
                time,
                Kind::View,
                &c.card_id,
                f,
                Some(code),
                c.outer_id,
                source,
            );
        }
        // One given event however many friends see it: with several, a share to a group.
        let mut given = Event::new(time, Kind::Given, &c.card_id, &c.openid, c.outer_id)
            .with_code(Some(code))
            .with_source(source)
            .with_outer_str(&c.outer_str)
            .with_friend(friends.first().map(String::as_str));
        given.group = friends.len() > 1;
        self.log_event(given);
        Ok(json!({"code": code, "card_id": c.card_id, "openid": c.openid, "friends": friends}))
    }

    /// Forces a code's status (an EXPIRE records an expire event now; a DELETE is the user
    /// deleting it, which WeChat pushes).
    pub fn force_status(&mut self, code: &str, new: CodeStatus) -> Result<Value, String> {
        let now = self.now();
        let c = self
            .codes
            .get_mut(code)
            .ok_or_else(|| format!("unknown code {code}"))?;
        let old = c.status;
        c.status = new;
        if new != CodeStatus::Normal {
            c.mark = None;
        }
        let (card_id, openid, outer) = (c.card_id.clone(), c.openid.clone(), c.outer_id);
        if new == CodeStatus::Delete && old != CodeStatus::Delete {
            // The user deleted it from their card wallet: WeChat pushes user_del_card.
            self.notify(Notice::Deleted {
                time: now,
                card_id: card_id.clone(),
                openid: openid.clone(),
                code: code.to_owned(),
            });
        }
        if new == CodeStatus::Expire {
            self.record(
                now,
                Kind::Expire,
                &card_id,
                &openid,
                Some(code),
                outer,
                "admin",
            );
        }
        Ok(json!({"code": code, "status": new.name()}))
    }
}
