//! The cardExt signature of H5 placement (`wx.addCard`).
//!
//! signature = SHA1 (lowercase hex) of the *values* api_ticket, timestamp, card_id, code,
//! openid and nonce_str, sorted as strings (byte order) and concatenated; an empty code or
//! openid takes part as an empty string. The api_ticket is the `wx_card` ticket of
//! `cgi-bin/ticket/getticket` — not the `jsapi` one, which signs `wx.config`.

use rand::Rng;
use serde::Serialize;
use sha1::{Digest, Sha1};

/// The signature of one cardExt.
pub fn card_ext_signature(
    api_ticket: &str,
    timestamp: i64,
    card_id: &str,
    code: &str,
    openid: &str,
    nonce_str: &str,
) -> String {
    let timestamp = timestamp.to_string();
    let mut values = [
        api_ticket,
        timestamp.as_str(),
        card_id,
        code,
        openid,
        nonce_str,
    ];
    values.sort_unstable();
    let mut hasher = Sha1::new();
    for v in values {
        hasher.update(v.as_bytes());
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The `cardExt` JSON of `wx.addCard`: the values that were signed, and the signature.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct CardExt {
    /// The code (empty for friends' coupons, whose codes WeChat assigns).
    pub code: String,
    /// The only user who may receive it (empty: anyone).
    pub openid: String,
    /// Unix seconds, as a string (the form the JS SDK examples use).
    pub timestamp: String,
    /// The random string that was signed.
    pub nonce_str: String,
    /// [`card_ext_signature`] of the above with the api_ticket and card_id.
    pub signature: String,
}

impl CardExt {
    /// The JSON text to pass as `cardExt`.
    pub fn to_json(&self) -> String {
        // Serializing plain strings cannot fail; fall back to an empty object regardless.
        serde_json::to_string(self).unwrap_or_else(|_| "{}".to_owned())
    }
}

/// A signed cardExt for `card_id` with the given timestamp and nonce.
pub fn card_ext(
    api_ticket: &str,
    timestamp: i64,
    card_id: &str,
    code: &str,
    openid: &str,
    nonce_str: &str,
) -> CardExt {
    CardExt {
        code: code.to_owned(),
        openid: openid.to_owned(),
        timestamp: timestamp.to_string(),
        nonce_str: nonce_str.to_owned(),
        signature: card_ext_signature(api_ticket, timestamp, card_id, code, openid, nonce_str),
    }
}

/// A signed cardExt with the current time and a fresh 16-character nonce.
pub fn card_ext_now(api_ticket: &str, card_id: &str, code: &str, openid: &str) -> CardExt {
    let nonce: String = rand::rng()
        .sample_iter(&rand::distr::Alphanumeric)
        .take(16)
        .map(char::from)
        .collect();
    card_ext(
        api_ticket,
        chrono::Utc::now().timestamp(),
        card_id,
        code,
        openid,
        &nonce,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The guide's wx_card ticket and QR example card.
    const TICKET: &str = "bxLdikRXVbTPdHSM05e5u5sUoXNKdvsdshFKA";
    const CARD: &str = "pFS7Fjg8kV1IdDz01r4SQwMkuCKc";

    #[test]
    fn empty_code_and_openid_sign_as_empty_strings() {
        // Sorted by bytes: "", "" (code, openid), then digits < upper case < lower case:
        // "1450712798" < "bxLd…" < "k9Zq3w" < "pFS7…". The concatenation:
        let joined =
            "1450712798bxLdikRXVbTPdHSM05e5u5sUoXNKdvsdshFKAk9Zq3wpFS7Fjg8kV1IdDz01r4SQwMkuCKc";
        let mut values = ["", "", "1450712798", TICKET, "k9Zq3w", CARD];
        values.sort_unstable();
        assert_eq!(values.concat(), joined);
        // `printf '%s' 1450712798bxLd…pFS7…uCKc | sha1sum`, run once by hand:
        let want = "b87a00d26c1d312ce8b0b24348ef4a0680f9d862";
        assert_eq!(
            card_ext_signature(TICKET, 1_450_712_798, CARD, "", "", "k9Zq3w"),
            want
        );
    }

    #[test]
    fn code_and_openid_take_part_in_the_sort() {
        // "1450712798" < "198374613512" (digit by digit: '4' < '9') < "Wm3W…" < "bxLd…" <
        // "oFS7…" < "pFS7…".
        let joined = "1450712798198374613512Wm3WZYTPz0wzccnWbxLdikRXVbTPdHSM05e5u5sUoXNKdvsdshFKAoFS7Fjl0WsZ9AMZqrI80nbIq8xrApFS7Fjg8kV1IdDz01r4SQwMkuCKc";
        let mut values = [
            TICKET,
            "1450712798",
            CARD,
            "198374613512",
            "oFS7Fjl0WsZ9AMZqrI80nbIq8xrA",
            "Wm3WZYTPz0wzccnW",
        ];
        values.sort_unstable();
        assert_eq!(values.concat(), joined);
        // `printf '%s' <joined> | sha1sum`:
        let want = "6dc5aedf624a4809d4c9f54da5bc2c15b1540c7d";
        let ext = card_ext(
            TICKET,
            1_450_712_798,
            CARD,
            "198374613512",
            "oFS7Fjl0WsZ9AMZqrI80nbIq8xrA",
            "Wm3WZYTPz0wzccnW",
        );
        assert_eq!(ext.signature, want);
        // Sorting makes the order of the arguments irrelevant only through their values: a
        // different nonce changes the signature.
        assert_ne!(
            card_ext_signature(
                TICKET,
                1_450_712_798,
                CARD,
                "198374613512",
                "oFS7Fjl0WsZ9AMZqrI80nbIq8xrA",
                "x"
            ),
            want
        );
    }

    #[test]
    fn sha1_of_nothing_is_the_known_value() {
        // Sanity check of the hex encoding: SHA1("") = da39a3ee…0709.
        let hex: String = Sha1::digest(b"")
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(hex, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    }

    #[test]
    fn card_ext_serializes_to_the_js_sdk_shape() {
        let ext = card_ext(TICKET, 1_450_712_798, CARD, "", "", "k9Zq3w");
        let v: serde_json::Value = serde_json::from_str(&ext.to_json()).unwrap();
        assert_eq!(
            v,
            serde_json::json!({
                "code": "", "openid": "", "timestamp": "1450712798", "nonce_str": "k9Zq3w",
                "signature": "b87a00d26c1d312ce8b0b24348ef4a0680f9d862"
            })
        );
        let now = card_ext_now(TICKET, CARD, "", "");
        assert_eq!(now.nonce_str.len(), 16);
        let ts: i64 = now.timestamp.parse().unwrap();
        assert_eq!(
            now.signature,
            card_ext_signature(TICKET, ts, CARD, "", "", &now.nonce_str)
        );
    }
}
