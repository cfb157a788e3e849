//! Placement: QR codes (`card/qrcode/create`), the test whitelist and the tickets
//! (`cgi-bin/ticket/getticket`, with the cached wx_card api_ticket for cardExt signatures).
//! The simulator's side is `sandbox/placement.rs`.

use std::time::Duration;

use serde::Deserialize;
use serde_json::{Value, json};

use super::call::{CallKind, Method};
use super::client::ApiClient;
use super::error::ApiError;

/// Options of `card/qrcode/create`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QrRequest {
    /// The card the QR code hands out.
    pub card_id: String,
    /// 60–1800 s, or `None` for permanent.
    pub expire_seconds: Option<u32>,
    /// One code per scan (needs an approved card with stock).
    pub is_unique_code: bool,
    /// The channel number, reported back in the datacube and the receive events.
    pub outer_id: Option<i64>,
    /// Only this user (an openid) may receive the card.
    pub openid: Option<String>,
}

impl QrRequest {
    /// The request body in the guide's shape (`action_name` QR_CARD, the card under
    /// `action_info.card`).
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
    /// The QR ticket, which also exchanges for WeChat's QR image.
    pub ticket: String,
    /// Seconds, absent for permanent codes (the client drops the year WeChat answers for
    /// them); a number or a string.
    #[serde(default, deserialize_with = "super::lenient::opt_int")]
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
    /// The ticket value to sign with (jsapi) or put in a cardExt signature (wx_card).
    pub ticket: String,
    /// Seconds left (WeChat gives 7200); a number or a string.
    #[serde(default, deserialize_with = "super::lenient::int")]
    pub expires_in: i64,
}

impl ApiClient {
    /// `card/qrcode/create`: a QR code that hands out the card (a write, never retried).
    pub async fn create_qrcode(&self, req: &QrRequest) -> Result<QrCode, ApiError> {
        let mut qr: QrCode = self
            .call(
                Method::Post,
                "/card/qrcode/create",
                &req.to_json(),
                CallKind::Write,
            )
            .await?;
        // A permanent code was asked for: WeChat still answers "expire_seconds":31536000,
        // which is not a lifetime, so the code is kept as permanent.
        if req.expire_seconds.is_none() {
            qr.expire_seconds = None;
        }
        Ok(qr)
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

    /// `cgi-bin/ticket/getticket`: a fresh jsapi or wx_card ticket, uncached (see
    /// [`Self::card_api_ticket`] for the cached one).
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

    /// The wx_card api_ticket for cardExt signatures, cached for its `expires_in` (7200 s)
    /// less five minutes; the lock makes concurrent callers share one fetch.
    pub async fn card_api_ticket(&self) -> Result<String, ApiError> {
        let mut slot = self.card_ticket_slot().lock().await;
        if let Some((ticket, until)) = slot.as_ref()
            && std::time::Instant::now() < *until
        {
            return Ok(ticket.clone());
        }
        let fresh = self.get_ticket(TicketType::WxCard).await?;
        let life = u64::try_from(fresh.expires_in.clamp(0, 7200)).unwrap_or(0);
        let until = std::time::Instant::now() + Duration::from_secs(life.saturating_sub(300));
        *slot = Some((fresh.ticket.clone(), until));
        Ok(fresh.ticket)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guide_examples_parse_and_requests_match() {
        let q: QrCode = serde_json::from_str(r#"{"errcode":0,"errmsg":"ok","ticket":"gQHB8DoAAAAAAAAAASxodHRwOi8vd2VpeGluLnFxLmNvbS9xL0JIV3lhX3psZmlvSDZmWGVMMTZvAAIEsNnKVQMEIAMAAA==","expire_seconds":1800,"url":"http://weixin.qq.com/q/BHWya_zlfioH6fXeL16o","show_qrcode_url":" https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=x"}"#).unwrap();
        assert_eq!(q.expire_seconds, Some(1800));
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
