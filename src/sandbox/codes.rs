//! Codes users hold: their status, marks, how a user receives one, and the reversible keyed
//! encoding behind `encrypt_code` (the redemption calls are in `redeem.rs`).

use base64::Engine;
use serde::{Deserialize, Serialize};
use sha1::{Digest, Sha1};

use super::State;
use super::errors::{WxError, code};
use super::events::{Event, Kind};

/// How long a mark lasts without an unmark (the guide: 5 minutes).
pub const MARK_LIFE: i64 = 300;

/// `user_card_status` of a code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CodeStatus {
    /// Usable.
    Normal,
    /// Used.
    Consumed,
    /// Validity over.
    Expire,
    /// Being given to a friend.
    Gifting,
    /// The gift was not accepted in time.
    GiftTimeout,
    /// Deleted by the user.
    Delete,
    /// Made unavailable.
    Unavailable,
}

impl CodeStatus {
    /// WeChat's name (`NORMAL`, …).
    pub fn name(self) -> &'static str {
        match self {
            Self::Normal => "NORMAL",
            Self::Consumed => "CONSUMED",
            Self::Expire => "EXPIRE",
            Self::Gifting => "GIFTING",
            Self::GiftTimeout => "GIFT_TIMEOUT",
            Self::Delete => "DELETE",
            Self::Unavailable => "UNAVAILABLE",
        }
    }

    /// Parses WeChat's name.
    pub fn parse(s: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(s.to_owned())).ok()
    }

    /// The error consume answers for a code in this status (`None` for NORMAL): 40099
    /// consumed, 40078 deleted or being given, 40079 expired, 40127 unavailable or gift
    /// timed out.
    pub fn consume_error(self) -> Option<WxError> {
        match self {
            Self::Normal => None,
            Self::Consumed => Some(WxError::new(code::CONSUMED, "code has been consumed")),
            Self::Delete | Self::Gifting => Some(WxError::new(
                code::DELETED_OR_GIFTING,
                format!("code has been deleted or is being given ({})", self.name()),
            )),
            Self::Expire => Some(WxError::new(
                code::INVALID_TIME,
                "invalid time: code expired",
            )),
            Self::Unavailable | Self::GiftTimeout => Some(self.status_error()),
        }
    }

    /// 40127, what code/get (check_consume) and mark answer for a code that is not NORMAL.
    pub fn status_error(self) -> WxError {
        WxError::new(
            code::USER_CARD_STATUS,
            format!(
                "invalid user-card status! Hint: the card was given to user, but may be deleted or set unavailable ({})",
                self.name()
            ),
        )
    }

    /// `Err(40127)` unless NORMAL.
    pub fn require_normal(self) -> Result<(), WxError> {
        match self {
            Self::Normal => Ok(()),
            _ => Err(self.status_error()),
        }
    }
}

/// A mark (占用) of a code by a user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mark {
    /// Who marked it.
    pub openid: String,
    /// When the mark lapses (simulated).
    pub expires: i64,
}

/// A code a user received.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserCode {
    /// The 12-digit code.
    pub code: String,
    /// Its card.
    pub card_id: String,
    /// Who received it.
    pub openid: String,
    /// The stored status (EXPIRE is also derived from the card's validity).
    pub status: CodeStatus,
    /// When it was received.
    pub received_at: i64,
    /// The QR scene value it came through.
    pub outer_id: i64,
    /// `scan`, `simulate`, `gift` (given by a friend) or `gift_back`.
    pub source: String,
    /// The current mark.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mark: Option<Mark>,
    /// When it was consumed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consumed_at: Option<i64>,
    /// Who consumed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consumed_by: Option<String>,
    /// The placement's `outer_str` it came through.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub outer_str: String,
    /// The friend's code that replaced it when it was given away.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gifted_to: Option<String>,
}

impl State {
    /// The status of a code now: a NORMAL code past its card's end is EXPIRE.
    pub fn code_status(&self, c: &UserCode) -> CodeStatus {
        if c.status == CodeStatus::Normal
            && let Some(card) = self.cards.get(&c.card_id)
            && self.now() > card.validity().1
        {
            return CodeStatus::Expire;
        }
        c.status
    }

    /// The openid of an unexpired mark.
    pub fn mark_of(&self, c: &UserCode) -> Option<String> {
        c.mark
            .as_ref()
            .filter(|m| m.expires > self.now())
            .map(|m| m.openid.clone())
    }

    /// How many codes of `card_id` the user has used (code/get's `use_count`).
    pub fn use_count(&self, card_id: &str, openid: &str) -> usize {
        self.codes
            .values()
            .filter(|c| {
                c.card_id == card_id
                    && c.status == CodeStatus::Consumed
                    && c.consumed_by.as_deref().unwrap_or(&c.openid) == openid
            })
            .count()
    }

    /// A user receives a new code of a card at `time` through the channel `outer_id` /
    /// `outer_str`: stock − 1, a receive event, and the stock alert when it is due. `Err` is a
    /// plain reason (the callers are the admin API and consume's gift-back).
    pub fn receive_code(
        &mut self,
        card_id: &str,
        openid: &str,
        (outer_id, outer_str): (i64, &str),
        source: &str,
        time: i64,
    ) -> Result<String, String> {
        let card = self
            .cards
            .get(card_id)
            .ok_or_else(|| format!("unknown card_id {card_id}"))?;
        if card.quantity <= 0 {
            return Err("out of stock".into());
        }
        let before = card.quantity;
        let code = self.new_code();
        if let Some(card) = self.cards.get_mut(card_id) {
            card.quantity -= 1;
        }
        self.codes.insert(
            code.clone(),
            UserCode {
                code: code.clone(),
                card_id: card_id.to_owned(),
                openid: openid.to_owned(),
                status: CodeStatus::Normal,
                received_at: time,
                outer_id,
                source: source.to_owned(),
                mark: None,
                consumed_at: None,
                consumed_by: None,
                outer_str: outer_str.to_owned(),
                gifted_to: None,
            },
        );
        self.log_event(
            Event::new(time, Kind::Receive, card_id, openid, outer_id)
                .with_code(Some(&code))
                .with_source(source)
                .with_outer_str(outer_str),
        );
        self.check_stock(card_id, openid, before, time);
        Ok(code)
    }

    /// Consumes a code at `time` for `consumer`: CONSUMED, a verify event, and when the card
    /// gives itself back after use (`consume_share_self_num` ≥ 1) a view and a new code for the
    /// consumer, stock permitting. The checks are the caller's. Returns the gift-back code.
    pub fn consume_code(&mut self, code: &str, consumer: &str, time: i64) -> Option<String> {
        let c = self.codes.get_mut(code)?;
        c.status = CodeStatus::Consumed;
        c.consumed_at = Some(time);
        c.consumed_by = Some(consumer.to_owned());
        c.mark = None;
        let (card_id, outer_id, outer_str) = (c.card_id.clone(), c.outer_id, c.outer_str.clone());
        self.log_event(
            Event::new(time, Kind::Verify, &card_id, consumer, outer_id)
                .with_code(Some(code))
                .with_source("consume")
                .with_outer_str(&outer_str),
        );
        let gift_back = self.cards.get(&card_id).is_some_and(|k| k.gift_back() >= 1);
        if gift_back {
            // The user sees the gift page, then receives (out of stock: nothing, as on WeChat).
            if self.cards.get(&card_id).is_some_and(|k| k.quantity > 0) {
                self.record(
                    time,
                    Kind::View,
                    &card_id,
                    consumer,
                    None,
                    outer_id,
                    "gift_back",
                );
            }
            self.receive_code(
                &card_id,
                consumer,
                (outer_id, &outer_str),
                "gift_back",
                time,
            )
            .ok()
        } else {
            None
        }
    }

    /// The holder of a NORMAL `code` gives it to `friend`, who accepts it at `time` (转赠): a
    /// given event by the holder, then the friend receives a new code of the same card and
    /// channel without taking stock (`IsGiveByFriend`, `OldUserCardCode`). The old code is
    /// the giver's no more: the code calls answer it as unknown (40056), as WeChat does for a
    /// code "被转赠领取". Returns the friend's code.
    pub fn gift(&mut self, code: &str, friend: &str, time: i64) -> Result<String, String> {
        let c = self
            .codes
            .get(code)
            .cloned()
            .ok_or_else(|| format!("unknown code {code}"))?;
        if self.code_status(&c) != CodeStatus::Normal {
            return Err(format!("the code is {}", self.code_status(&c).name()));
        }
        if friend == c.openid {
            return Err("a code cannot be given to its own holder".into());
        }
        self.log_event(
            Event::new(time, Kind::Given, &c.card_id, &c.openid, c.outer_id)
                .with_code(Some(code))
                .with_source("gift")
                .with_outer_str(&c.outer_str)
                .with_friend(Some(friend)),
        );
        let new = self.new_code();
        if let Some(old) = self.codes.get_mut(code) {
            old.status = CodeStatus::Delete;
            old.mark = None;
            old.gifted_to = Some(new.clone());
        }
        self.codes.insert(
            new.clone(),
            UserCode {
                code: new.clone(),
                openid: friend.to_owned(),
                received_at: time,
                source: "gift".into(),
                mark: None,
                gifted_to: None,
                ..c.clone()
            },
        );
        let mut received = Event::new(time, Kind::Receive, &c.card_id, friend, c.outer_id)
            .with_code(Some(&new))
            .with_source("gift")
            .with_outer_str(&c.outer_str)
            .with_friend(Some(&c.openid));
        received.old_code = Some(code.to_owned());
        self.log_event(received);
        Ok(new)
    }

    /// The `encrypt_code` of a code (deterministic for one state's key).
    pub fn encrypt_code(&self, code: &str) -> String {
        let digest = super::media::hex(&Sha1::digest(format!("{}{code}", self.code_key)));
        let tag = digest.get(..8).unwrap_or_default();
        let plain = format!("SBX:{code}:{tag}");
        let bytes = xor(plain.as_bytes(), &self.code_key);
        base64::engine::general_purpose::STANDARD.encode(bytes)
    }

    /// The code inside an `encrypt_code`; 40075 for anything this state did not produce.
    pub fn decrypt_code(&self, encrypted: &str) -> Result<String, WxError> {
        let bad = || WxError::new(code::ENCRYPT_CODE, "invalid encrypt code");
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(encrypted.trim())
            .map_err(|_| bad())?;
        let plain = String::from_utf8(xor(&bytes, &self.code_key)).map_err(|_| bad())?;
        let rest = plain.strip_prefix("SBX:").ok_or_else(bad)?;
        let (code, _) = rest.split_once(':').ok_or_else(bad)?;
        if self.encrypt_code(code) == encrypted.trim() {
            Ok(code.to_owned())
        } else {
            Err(bad())
        }
    }
}

/// XOR with a SHA-1 keystream of the key (encoding and decoding are the same operation).
fn xor(data: &[u8], key: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    for (block, chunk) in data.chunks(20).enumerate() {
        let pad = Sha1::digest(format!("{key}:{block}"));
        out.extend(chunk.iter().zip(pad.iter()).map(|(a, b)| a ^ b));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encrypt_round_trip_and_garbage() {
        let st = State::default();
        let enc = st.encrypt_code("751234212312");
        assert_eq!(st.decrypt_code(&enc).unwrap(), "751234212312");
        assert_eq!(st.decrypt_code("garbage!").unwrap_err().errcode, 40075);
        let other = State::default();
        assert_eq!(other.decrypt_code(&enc).unwrap_err().errcode, 40075);
        assert_eq!(
            CodeStatus::parse("GIFT_TIMEOUT"),
            Some(CodeStatus::GiftTimeout)
        );
        assert_eq!(CodeStatus::parse("nope"), None);
    }
}
