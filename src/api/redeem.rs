//! Redemption: look a code up (`card/code/get`), decrypt an encrypt_code, mark and unmark,
//! consume offline and online. The simulator's side is `sandbox/redeem.rs` and
//! `sandbox/codes.rs`.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::call::{CallKind, Method};
use super::client::ApiClient;
use super::error::ApiError;

/// `card/code/get` answer.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub struct CodeInfo {
    /// The card the code belongs to and the code's validity (card_id, begin_time,
    /// end_time).
    pub card: CodeCard,
    /// Owner.
    #[serde(default)]
    pub openid: String,
    /// Whether it can be consumed now.
    #[serde(default)]
    pub can_consume: bool,
    /// NORMAL, CONSUMED, EXPIRE, GIFTING, GIFT_TIMEOUT, DELETE, UNAVAILABLE.
    #[serde(default)]
    pub user_card_status: String,
    /// Who holds the mark.
    #[serde(default)]
    pub mark_openid: String,
    /// Uses of this card by the holder.
    #[serde(default, deserialize_with = "super::lenient::int")]
    pub use_count: i64,
}

/// The card part of a code answer.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub struct CodeCard {
    /// The card the code belongs to.
    pub card_id: String,
    /// Valid from (a number or a string; one capture had 0).
    #[serde(default, deserialize_with = "super::lenient::int")]
    pub begin_time: i64,
    /// Valid until (one capture had 4294967222295, past any real date).
    #[serde(default, deserialize_with = "super::lenient::int")]
    pub end_time: i64,
}

impl ApiClient {
    /// `card/code/get`: the code's owner, status and mark; with `check_consume` WeChat
    /// answers 40127 for a code that cannot be consumed instead of its status.
    pub async fn get_code(
        &self,
        card_id: Option<&str>,
        code: &str,
        check_consume: bool,
    ) -> Result<CodeInfo, ApiError> {
        let mut body = json!({"code": code, "check_consume": check_consume});
        if let Some(id) = card_id {
            body["card_id"] = json!(id);
        }
        self.call(Method::Post, "/card/code/get", &body, CallKind::Read)
            .await
    }

    /// `card/code/decrypt`: the real code of an encrypt_code from a URL.
    pub async fn decrypt_code(&self, encrypt_code: &str) -> Result<String, ApiError> {
        let v = self
            .call_value(
                Method::Post,
                "/card/code/decrypt",
                &json!({"encrypt_code": encrypt_code}),
                CallKind::Read,
            )
            .await?;
        Ok(v.get("code")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned())
    }

    /// `card/code/mark` (or unmark with `is_mark` false).
    pub async fn mark_code(
        &self,
        code: &str,
        card_id: &str,
        openid: &str,
        is_mark: bool,
    ) -> Result<(), ApiError> {
        let body = json!({"code": code, "card_id": card_id, "openid": openid, "is_mark": is_mark});
        self.call_value(Method::Post, "/card/code/mark", &body, CallKind::Write)
            .await
            .map(drop)
    }

    /// `card/code/consume` offline (code only); returns (card_id, openid).
    pub async fn consume_code(&self, code: &str) -> Result<(String, String), ApiError> {
        self.consume(json!({"code": code})).await
    }

    /// `card/code/consume` online (the code must be marked by `openid`).
    pub async fn consume_code_online(
        &self,
        code: &str,
        openid: &str,
    ) -> Result<(String, String), ApiError> {
        self.consume(json!({"code": code, "openid": openid})).await
    }

    async fn consume(&self, body: Value) -> Result<(String, String), ApiError> {
        let v = self
            .call_value(Method::Post, "/card/code/consume", &body, CallKind::Write)
            .await?;
        let s = |x: Option<&Value>| x.and_then(Value::as_str).unwrap_or_default().to_owned();
        Ok((
            s(v.get("card").and_then(|c| c.get("card_id"))),
            s(v.get("openid")),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guide_example_parses() {
        let c: CodeInfo = serde_json::from_str(r#"{"errcode":0,"errmsg":"ok","card":{"card_id":"pbLatjhCp8_HXAq84nHritGPqnjk","begin_time":1447397802,"end_time":1452893532},"openid":"obLatjm43RA5C6QfMO5szKYnT3dM","can_consume":false,"user_card_status":"DELETE","mark_openid":"obLatjjwDolFjRRd3doGIdwNqRXw","use_count":1}"#).unwrap();
        assert_eq!(c.user_card_status, "DELETE");
    }

    /// A captured answer: extra members (card.code, outer_str, unionid, background_pic_url),
    /// a begin_time of 0, an end_time past any date and numbers as strings.
    #[test]
    fn captured_answer_with_extras_parses() {
        let c: CodeInfo = serde_json::from_str(r#"{"errcode":"0","errmsg":"ok","card":{"card_id":"pX","begin_time":0,"end_time":"4294967222295","code":"110201201245"},"openid":"oX","can_consume":true,"user_card_status":"NORMAL","outer_str":"poster-3","unionid":"uX","background_pic_url":"http://mmbiz.qpic.cn/x","use_count":"2"}"#).unwrap();
        assert_eq!(c.card.begin_time, 0);
        assert_eq!(c.card.end_time, 4_294_967_222_295);
        assert_eq!(c.use_count, 2);
        assert!(c.can_consume);
    }
}
