//! Card endpoints: colours, stores, create, get, batchget, update.

use serde::Deserialize;
use serde_json::{Value, json};

use super::call::{CallKind, Method};
use super::client::ApiClient;
use super::error::ApiError;
use crate::card::CreateBody;
use crate::card::rules::COLOR_PALETTE;

/// A colour of `card/getcolors`.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct CardColor {
    /// `Color010`.
    pub name: String,
    /// `#63b359`.
    pub value: String,
}

/// A store of `cgi-bin/poi/getpoilist`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Poi {
    /// `poi_id` (WeChat sends it as a string).
    pub poi_id: String,
    /// `business_name`.
    pub business_name: String,
    /// `branch_name`.
    pub branch_name: String,
    /// `address`.
    pub address: String,
}

impl Poi {
    /// Business and branch name as one line ("麦当劳 珠江新城店"), as 门店 lists show it.
    pub fn name(&self) -> String {
        [self.business_name.as_str(), self.branch_name.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A card as `card/get` returns it.
#[derive(Clone, Debug, PartialEq)]
pub struct CardDetails {
    /// The card id it was asked for (`card/get` answers without it at the top).
    pub card_id: String,
    /// The body (without the status members, which stay in `base_info.extra`).
    pub body: CreateBody,
    /// `base_info.status`: CARD_STATUS_NOT_VERIFY, CARD_STATUS_VERIFY_OK, …
    pub status: String,
    /// `base_info.sku.quantity`: stock left.
    pub quantity: Option<i64>,
    /// `base_info.sku.total_quantity`: all the stock ever added.
    pub total_quantity: Option<i64>,
}

/// `card/batchget` answer.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct CardIdList {
    /// Ids.
    #[serde(default)]
    pub card_id_list: Vec<String>,
    /// Total; a number or a string.
    #[serde(default, deserialize_with = "super::lenient::int")]
    pub total_num: i64,
}

fn as_text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

impl ApiClient {
    /// `card/getcolors`.
    pub async fn get_colors(&self) -> Result<Vec<CardColor>, ApiError> {
        #[derive(Deserialize)]
        struct Answer {
            #[serde(default)]
            colors: Vec<CardColor>,
        }
        let a: Answer = self
            .call(Method::Get, "/card/getcolors", &(), CallKind::Read)
            .await?;
        Ok(a.colors)
    }

    /// `cgi-bin/poi/getpoilist`.
    pub async fn get_poi_list(&self, begin: u32, limit: u32) -> Result<Vec<Poi>, ApiError> {
        let v = self
            .call_value(
                Method::Post,
                "/cgi-bin/poi/getpoilist",
                &json!({"begin": begin, "limit": limit}),
                CallKind::Read,
            )
            .await?;
        let list = v
            .get("business_list")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        Ok(list
            .iter()
            .filter_map(|b| {
                let base = b.get("base_info")?;
                Some(Poi {
                    poi_id: as_text(base.get("poi_id")),
                    business_name: as_text(base.get("business_name")),
                    branch_name: as_text(base.get("branch_name")),
                    address: as_text(base.get("address")),
                })
            })
            .collect())
    }

    /// `card/create`: returns the card_id.
    pub async fn create_card(&self, body: &CreateBody) -> Result<String, ApiError> {
        let v = self
            .call_value(Method::Post, "/card/create", body, CallKind::Write)
            .await?;
        v.get("card_id")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| ApiError::Decode {
                endpoint: "/card/create".into(),
                message: "no card_id".into(),
            })
    }

    /// `card/get`.
    pub async fn get_card(&self, card_id: &str) -> Result<CardDetails, ApiError> {
        let v = self
            .call_value(
                Method::Post,
                "/card/get",
                &json!({"card_id": card_id}),
                CallKind::Read,
            )
            .await?;
        card_details_from(card_id, &v)
    }

    /// `card/batchget`.
    pub async fn batch_get(
        &self,
        offset: u32,
        count: u32,
        status_list: Option<&[&str]>,
    ) -> Result<CardIdList, ApiError> {
        let mut req = json!({"offset": offset, "count": count});
        if let Some(list) = status_list {
            req["status_list"] = json!(list);
        }
        self.call(Method::Post, "/card/batchget", &req, CallKind::Read)
            .await
    }

    /// `card/update` with a body made by [`crate::card::update::update_body`]; returns
    /// send_check (true: back in review).
    pub async fn update_card(&self, body: &Value) -> Result<bool, ApiError> {
        let v = self
            .call_value(Method::Post, "/card/update", body, CallKind::Write)
            .await?;
        Ok(v.get("send_check")
            .and_then(Value::as_bool)
            .unwrap_or(false))
    }
}

/// Reads a `card/get` answer: the editable body, the review status and the stock. Never
/// panics, whatever the JSON.
pub fn card_details_from(card_id: &str, v: &Value) -> Result<CardDetails, ApiError> {
    let card = v.get("card").cloned().unwrap_or(Value::Null);
    let key = if card.get("gift").is_some() {
        "gift"
    } else {
        "cash"
    };
    let base = card.get(key).and_then(|b| b.get("base_info"));
    let status = as_text(base.and_then(|b| b.get("status")));
    let sku = |member: &str| {
        base.and_then(|b| b.get("sku"))
            .and_then(|s| s.get(member))
            .and_then(super::lenient::int_of)
    };
    let (quantity, total_quantity) = (sku("quantity"), sku("total_quantity"));
    let mut card = card;
    // card/get answers the colour as its hex value ("#63b359"); the body names it ("Color010").
    if let Some(color) = card
        .get_mut(key)
        .and_then(|b| b.get_mut("base_info"))
        .and_then(|b| b.get_mut("color"))
        && let Some((name, _)) = color.as_str().and_then(|hex| {
            COLOR_PALETTE
                .iter()
                .find(|(_, h)| h.eq_ignore_ascii_case(hex.trim()))
        })
    {
        *color = json!(name);
    }
    let mut body: CreateBody =
        serde_json::from_value(json!({"card": card})).map_err(|e| ApiError::Decode {
            endpoint: "/card/get".into(),
            message: e.to_string(),
        })?;
    // Members WeChat adds to base_info are not part of an editable body.
    let b = body.card.base_info_mut();
    for k in [
        "status",
        "sku",
        "id",
        "source",
        "create_time",
        "update_time",
        "url_name_type",
        "bind_openid",
        "area_code_list",
    ] {
        b.extra.remove(k);
    }
    // `use_custom_code: false` is the default WeChat fills in, not something the body chose.
    if b.extra.get("use_custom_code") == Some(&json!(false)) {
        b.extra.remove("use_custom_code");
    }
    Ok(CardDetails {
        card_id: card_id.to_owned(),
        body,
        status,
        quantity,
        total_quantity,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_real_card_get_answer_reads_as_the_body_that_was_sent() {
        // As captured: hex colour, numbers as strings, members the body never had.
        let v = json!({"errcode": 0, "errmsg": "ok", "card": {"card_type": "CASH", "cash": {
            "base_info": {"id": "pX", "logo_url": "http://mmbiz.qpic.cn/x", "code_type": "CODE_TYPE_QRCODE",
                "brand_name": "微信餐厅", "title": "132元双人火锅套餐", "color": "#63B359",
                "notice": "请出示二维码", "description": "不可与其他优惠同享",
                "date_info": {"type": "DATE_TYPE_FIX_TIME_RANGE", "begin_timestamp": 1397577600, "end_timestamp": 1472724261},
                "sku": {"quantity": "997", "total_quantity": 1000}, "status": "CARD_STATUS_VERIFY_OK",
                "create_time": 1450000000, "update_time": "1450000001", "source": "api",
                "url_name_type": "URL_NAME_TYPE_USE_IMMEDIATELY", "use_custom_code": false,
                "bind_openid": false, "area_code_list": []},
            "advanced_info": {"share_friends": false}, "reduce_cost": 100}}});
        let d = card_details_from("pX", &v).unwrap();
        assert_eq!(d.quantity, Some(997));
        assert_eq!(d.status, "CARD_STATUS_VERIFY_OK");
        let body = serde_json::to_value(&d.body).unwrap();
        let base = &body["card"]["cash"]["base_info"];
        assert_eq!(base["color"], "Color010");
        for gone in [
            "id",
            "sku",
            "status",
            "create_time",
            "update_time",
            "source",
            "url_name_type",
            "use_custom_code",
            "bind_openid",
            "area_code_list",
        ] {
            assert!(base.get(gone).is_none(), "{gone}: {base}");
        }
        // A colour outside the palette is kept as sent, for the rules to name.
        let mut odd = v.clone();
        odd["card"]["cash"]["base_info"]["color"] = json!("#123456");
        let d = card_details_from("pX", &odd).unwrap();
        let body = serde_json::to_value(&d.body).unwrap();
        assert_eq!(body["card"]["cash"]["base_info"]["color"], "#123456");
    }
}
