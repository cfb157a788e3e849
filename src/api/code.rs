//! Placement (QR codes, test whitelist, tickets), redemption (code get, decrypt, mark,
//! consume) and statistics (datacube).

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::client::{ApiClient, CallKind, Method};
use super::error::ApiError;

/// Options of `card/qrcode/create`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QrRequest {
    /// The card.
    pub card_id: String,
    /// 60–1800 s, or `None` for permanent.
    pub expire_seconds: Option<u32>,
    /// One code per scan (needs an approved card with stock).
    pub is_unique_code: bool,
    /// The channel.
    pub outer_id: Option<i64>,
    /// Only this user may receive.
    pub openid: Option<String>,
}

impl QrRequest {
    /// The body in the guide's shape.
    pub fn to_json(&self) -> Value {
        let mut card = json!({"card_id": self.card_id, "is_unique_code": self.is_unique_code});
        if let Some(o) = self.outer_id {
            card["outer_id"] = json!(o);
        }
        if let Some(o) = &self.openid {
            card["openid"] = json!(o);
        }
        let mut v = json!({"action_name": "QR_CARD", "action_info": {"card": card}});
        if let Some(e) = self.expire_seconds {
            v["expire_seconds"] = json!(e);
        }
        v
    }
}

/// `card/qrcode/create` answer.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct QrCode {
    /// The ticket.
    pub ticket: String,
    /// Seconds, absent for permanent codes.
    #[serde(default)]
    pub expire_seconds: Option<i64>,
    /// The URL to render as a QR code.
    pub url: String,
    /// WeChat's own QR image page.
    #[serde(default)]
    pub show_qrcode_url: String,
}

/// jsapi or wx_card.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TicketType {
    /// For wx.config.
    Jsapi,
    /// The card api_ticket (cardExt signatures).
    WxCard,
}

/// `getticket` answer.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct Ticket {
    /// The ticket.
    pub ticket: String,
    /// Seconds left.
    pub expires_in: i64,
}

/// `card/code/get` answer.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub struct CodeInfo {
    /// card_id, begin_time, end_time.
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
    #[serde(default)]
    pub use_count: i64,
}

/// The card part of a code answer.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub struct CodeCard {
    /// The card.
    pub card_id: String,
    /// Valid from.
    #[serde(default)]
    pub begin_time: i64,
    /// Valid until.
    #[serde(default)]
    pub end_time: i64,
}

/// One day of datacube counts.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default)]
pub struct DayStats {
    /// `YYYY-MM-DD`.
    pub ref_date: String,
    /// Views.
    pub view_cnt: i64,
    /// Viewers.
    pub view_user: i64,
    /// Receives.
    pub receive_cnt: i64,
    /// Receivers.
    pub receive_user: i64,
    /// Uses.
    pub verify_cnt: i64,
    /// Users who used.
    pub verify_user: i64,
    /// Gifts.
    pub given_cnt: i64,
    /// Givers.
    pub given_user: i64,
    /// Expiries.
    pub expire_cnt: i64,
    /// Users whose coupon expired.
    pub expire_user: i64,
}

impl ApiClient {
    /// `card/qrcode/create`.
    pub async fn create_qrcode(&self, req: &QrRequest) -> Result<QrCode, ApiError> {
        self.call(
            Method::Post,
            "/card/qrcode/create",
            &req.to_json(),
            CallKind::Write,
        )
        .await
    }

    /// `card/testwhitelist/set` (at most 10 entries in total).
    pub async fn set_test_whitelist(
        &self,
        openids: &[String],
        usernames: &[String],
    ) -> Result<(), ApiError> {
        let body = json!({"openid": openids, "username": usernames});
        self.call_value(
            Method::Post,
            "/card/testwhitelist/set",
            &body,
            CallKind::Write,
        )
        .await
        .map(drop)
    }

    /// `cgi-bin/ticket/getticket`.
    pub async fn get_ticket(&self, kind: TicketType) -> Result<Ticket, ApiError> {
        let t = match kind {
            TicketType::Jsapi => "jsapi",
            TicketType::WxCard => "wx_card",
        };
        self.call(
            Method::Get,
            "/cgi-bin/ticket/getticket",
            &[("type", t)],
            CallKind::Read,
        )
        .await
    }

    /// `card/code/get`.
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

    /// `datacube/getcardbizuininfo` (dates `YYYY-MM-DD`, at most 62 days).
    pub async fn card_biz_uin_info(
        &self,
        begin: &str,
        end: &str,
        cond_source: u8,
    ) -> Result<Vec<DayStats>, ApiError> {
        self.datacube(
            "/datacube/getcardbizuininfo",
            json!({"begin_date": begin, "end_date": end, "cond_source": cond_source}),
        )
        .await
    }

    /// `datacube/getcardcardinfo`.
    pub async fn card_card_info(
        &self,
        begin: &str,
        end: &str,
        cond_source: u8,
        card_id: &str,
    ) -> Result<Vec<DayStats>, ApiError> {
        let body = json!({"begin_date": begin, "end_date": end, "cond_source": cond_source, "card_id": card_id});
        self.datacube("/datacube/getcardcardinfo", body).await
    }

    async fn datacube(&self, path: &str, body: Value) -> Result<Vec<DayStats>, ApiError> {
        let v = self
            .call_value(Method::Post, path, &body, CallKind::Read)
            .await?;
        serde_json::from_value(v.get("list").cloned().unwrap_or(json!([]))).map_err(|e| {
            ApiError::Decode {
                endpoint: path.into(),
                message: e.to_string(),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guide_examples_parse_and_requests_match() {
        let q: QrCode = serde_json::from_str(r#"{"errcode":0,"errmsg":"ok","ticket":"gQHB8DoAAAAAAAAAASxodHRwOi8vd2VpeGluLnFxLmNvbS9xL0JIV3lhX3psZmlvSDZmWGVMMTZvAAIEsNnKVQMEIAMAAA==","expire_seconds":1800,"url":"http://weixin.qq.com/q/BHWya_zlfioH6fXeL16o","show_qrcode_url":" https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=x"}"#).unwrap();
        assert_eq!(q.expire_seconds, Some(1800));
        let c: CodeInfo = serde_json::from_str(r#"{"errcode":0,"errmsg":"ok","card":{"card_id":"pbLatjhCp8_HXAq84nHritGPqnjk","begin_time":1447397802,"end_time":1452893532},"openid":"obLatjm43RA5C6QfMO5szKYnT3dM","can_consume":false,"user_card_status":"DELETE","mark_openid":"obLatjjwDolFjRRd3doGIdwNqRXw","use_count":1}"#).unwrap();
        assert_eq!(c.user_card_status, "DELETE");
        let d: Vec<DayStats> = serde_json::from_str(r#"[{"ref_date":"2015-06-23","card_id":"po8pktyDLmakNY2fn2VyhkiEPqGE","card_type":3,"view_cnt":1,"view_user":1,"receive_cnt":1,"receive_user":1,"verify_cnt":0,"verify_user":0,"given_cnt":0,"given_user":0,"expire_cnt":0,"expire_user":0}]"#).unwrap();
        assert_eq!(d[0].receive_cnt, 1);
        let req = QrRequest {
            card_id: "pFS7Fjg8kV1IdDz01r4SQwMkuCKc".into(),
            expire_seconds: Some(1800),
            is_unique_code: false,
            outer_id: Some(1),
            openid: Some("oFS7Fjl0WsZ9AMZqrI80nbIq8xrA".into()),
        };
        assert_eq!(
            req.to_json(),
            json!({"action_name":"QR_CARD","expire_seconds":1800,"action_info":{"card":{"card_id":"pFS7Fjg8kV1IdDz01r4SQwMkuCKc","openid":"oFS7Fjl0WsZ9AMZqrI80nbIq8xrA","is_unique_code":false,"outer_id":1}}})
        );
    }
}
