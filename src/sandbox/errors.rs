//! WeChat-shaped errors, and the one table of every errcode the simulator answers.
//!
//! Most codes are WeChat's own (the guide or the reference notes name them). Where the guide
//! names none, the simulator chose a code, marked "simulator" below, so a client can tell the
//! cases apart. Every answer is HTTP 200 with `{"errcode":N,"errmsg":"…"}`, as WeChat does.
//!
//! | errcode | source | when | 中文 |
//! | --- | --- | --- | --- |
//! | -1 | WeChat | internal failure (a poisoned lock, a value that cannot be encoded) | 系统繁忙 |
//! | 40001 | WeChat | access_token unknown (or cut by a newer cgi-bin/token call) | access_token 无效 |
//! | 40002 | WeChat | grant_type is not client_credential | grant_type 无效 |
//! | 40003 | guide | online consume without a mark by that openid; mark without openid | 未 mark 或缺少 openid |
//! | 40005 | WeChat | upload is not a JPG or PNG | 文件类型无效 |
//! | 40009 | WeChat | upload over 1 MB | 图片大小无效 |
//! | 40013 | WeChat | wrong appid | AppID 无效 |
//! | 40053 | guide | card_id unknown or missing; qrcode/create: action_name not QR_CARD, expire_seconds not 60–1800, is_unique_code on a card not approved or without stock; empty whitelist; getticket type not jsapi/wx_card | JSON 结构错误 / card_id 或参数有误 |
//! | 40056 | guide | code unknown, not received, or of another card | 无效 code |
//! | 40075 | guide | encrypt_code cannot be decrypted | 错误的 encrypt 码 |
//! | 40078 | guide | consume: code deleted or being given | code 已删除或转赠中 |
//! | 40079 | guide | date errors at create/update; consume outside the validity or of an expired code | 有效期错误 / 卡券过期 |
//! | 40097 | WeChat | a required member is missing or of the wrong type | 参数错误 |
//! | 40099 | guide | consume: code already consumed | code 已核销 |
//! | 40125 | WeChat | wrong secret | AppSecret 无效 |
//! | 40127 | guide | code/get with check_consume on a code that is not NORMAL; mark of a code that is not NORMAL; consume of an UNAVAILABLE or GIFT_TIMEOUT code | code 已删除、失效或转赠 |
//! | 40141 | guide | image URL not from the upload API | 图片 url 错误 |
//! | 40146 | guide | code marked by another openid | code 已被其他用户 mark |
//! | 40148 | WeChat | create/update: a consume_share_card_list card that is not one of the account's friends' coupons ("此处必须填入共享券") | 不是朋友的券 |
//! | 40180 | simulator | a location id is not one of the account's stores (getpoilist) | 门店 ID 不存在 |
//! | 40416 | guide | unmark with another openid, or nothing to unmark | 解除 mark 的 openid 不一致 |
//! | 41001 | WeChat | access_token missing | 缺少 access_token |
//! | 41004 | WeChat | api_component_token without component_appsecret | 缺少 secret 参数 |
//! | 41005 | WeChat | upload without a `buffer`/`media` part | 缺少媒体文件 |
//! | 41025 | guide | location_id_list missing or empty | 缺少门店 |
//! | 41310 | simulator | confirm/getorder: order_id unknown | 订单不存在 |
//! | 41311 | simulator | confirm: the quote is older than 60 s | 批价订单已过期 |
//! | 41312 | simulator | confirm: the quote was already used | 批价订单已使用 |
//! | 41313 | simulator | confirm: card_id or quantity differ from the quote | 与批价不一致 |
//! | 41314 | simulator | confirm: free + paid coins below the price | 券点不足 |
//! | 41315 | simulator | quantity not 1–100000, or coin_count not 1–1000000 | 数量无效 |
//! | 41316 | simulator | getpayprice/confirm: the card is not approved (in review, rejected or deleted) or past its end_timestamp | 卡券未通过审核、已删除或已过期 |
//! | 42001 | WeChat | access_token expired | access_token 已过期 |
//! | 45009 | simulator | upload: the images kept in memory would pass 500 images or 64 MiB in total (`Limits`); WeChat's "reach max api daily quota limit", chosen for this case | 接口调用超过限制 |
//! | 45021 | guide | testwhitelist/set: more than 10 entries (the guide's "list longer than 10") | 列表长度高于 10 个 |
//! | 47001 | guide | body not JSON, wrong structure, a field card/update cannot change | JSON 结构错误 |
//! | 48001 | WeChat | an authorizer token whose merchant did not grant the card permission set (8) | 接口未授权 |
//! | 61003 | WeChat | api_authorizer_token / api_get_authorizer_info for a merchant that does not authorize the platform | 该账号未授权给第三方平台 |
//! | 61005 | WeChat | api_component_token with a verify ticket older than 12 hours | ticket 已过期 |
//! | 61006 | WeChat | api_component_token with a ticket the simulator never pushed | ticket 无效 |
//! | 61009 | WeChat | api_query_auth with an unknown code, or one whose authorization was revoked | 授权码无效 |
//! | 61010 | WeChat | api_query_auth with a code older than 10 minutes | 授权码已过期 |
//! | 61011 | WeChat | a component call while the simulator plays no platform | 无效的第三方平台 |
//! | 61014 | WeChat | a component call with a merchant's or an authorizer's access token | 须使用 component_access_token |
//! | 61023 | WeChat | api_authorizer_token with a refresh token that is not the current one (revoked, or replaced by a new authorization) | 刷新令牌无效 |
//! | 61500 | guide | datacube date not `YYYY-MM-DD` | 日期格式错误 |
//! | 61501 | guide | datacube end before begin, or more than 62 days (both ends counted) | 日期范围错误 |

use axum::Json;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use thiserror::Error;

/// Errcodes by name: the shared names of [`crate::errcode`], so the handlers write `code::X`;
/// when the simulator answers each is its own (the module table).
pub mod code {
    use crate::errcode;

    /// System busy / internal failure.
    pub const SYSTEM: i64 = errcode::SYSTEM;
    /// Unknown access_token.
    pub const TOKEN_INVALID: i64 = errcode::TOKEN_INVALID;
    /// grant_type is not client_credential.
    pub const GRANT_TYPE: i64 = errcode::GRANT_TYPE;
    /// Online consume without a mark; mark without openid.
    pub const NOT_MARKED: i64 = errcode::NOT_MARKED;
    /// Upload is not an image.
    pub const FILE_TYPE: i64 = errcode::FILE_TYPE;
    /// Upload too large.
    pub const IMAGE_SIZE: i64 = errcode::IMAGE_SIZE;
    /// Wrong appid.
    pub const APPID: i64 = errcode::APPID;
    /// Unknown card_id.
    pub const CARD_ID: i64 = errcode::CARD_ID;
    /// Unknown code ("invalid serial code").
    pub const SERIAL_CODE: i64 = errcode::SERIAL_CODE;
    /// Undecryptable encrypt_code.
    pub const ENCRYPT_CODE: i64 = errcode::ENCRYPT_CODE;
    /// Code deleted or being given.
    pub const DELETED_OR_GIFTING: i64 = errcode::DELETED_OR_GIFTING;
    /// Date error; consume outside the validity.
    pub const INVALID_TIME: i64 = errcode::INVALID_TIME;
    /// Missing or mistyped member.
    pub const INVALID_ARGS: i64 = errcode::INVALID_ARGS;
    /// Code already consumed.
    pub const CONSUMED: i64 = errcode::CONSUMED;
    /// Wrong secret.
    pub const SECRET: i64 = errcode::SECRET;
    /// code/get: the code is not usable.
    pub const USER_CARD_STATUS: i64 = errcode::USER_CARD_STATUS;
    /// Marked by another openid.
    pub const MARKED_BY_OTHER: i64 = errcode::MARKED_BY_OTHER;
    /// Unknown store id (simulator).
    pub const LOCATION_UNKNOWN: i64 = errcode::LOCATION_UNKNOWN;
    /// Unmark by another openid.
    pub const UNMARK_OPENID: i64 = errcode::UNMARK_OPENID;
    /// access_token missing.
    pub const TOKEN_MISSING: i64 = errcode::TOKEN_MISSING;
    /// Upload part missing.
    pub const MEDIA_MISSING: i64 = errcode::MEDIA_MISSING;
    /// api_component_token without the AppSecret.
    pub const APPSECRET_MISSING: i64 = errcode::APPSECRET_MISSING;
    /// An authorizer token without the card permission set.
    pub const API_UNAUTHORIZED: i64 = errcode::API_UNAUTHORIZED;
    /// The merchant does not authorize the platform.
    pub const COMPONENT_UNAUTHORIZED: i64 = errcode::COMPONENT_UNAUTHORIZED;
    /// A verify ticket older than 12 hours.
    pub const COMPONENT_TICKET_EXPIRED: i64 = errcode::COMPONENT_TICKET_EXPIRED;
    /// A verify ticket never pushed.
    pub const COMPONENT_TICKET_INVALID: i64 = errcode::COMPONENT_TICKET_INVALID;
    /// An unknown or revoked authorization code.
    pub const COMPONENT_CODE_INVALID: i64 = errcode::COMPONENT_CODE_INVALID;
    /// An expired authorization code.
    pub const COMPONENT_CODE_EXPIRED: i64 = errcode::COMPONENT_CODE_EXPIRED;
    /// No platform played.
    pub const COMPONENT_INVALID: i64 = errcode::COMPONENT_INVALID;
    /// A component call with another kind of token.
    pub const COMPONENT_TOKEN_REQUIRED: i64 = errcode::COMPONENT_TOKEN_REQUIRED;
    /// Not the authorization's refresh token.
    pub const REFRESH_TOKEN_INVALID: i64 = errcode::REFRESH_TOKEN_INVALID;
    /// No stores.
    pub const LOCATION_MISSING: i64 = errcode::LOCATION_MISSING;
    /// Unknown order (simulator).
    pub const ORDER_UNKNOWN: i64 = errcode::ORDER_UNKNOWN;
    /// Quote expired (simulator).
    pub const ORDER_EXPIRED: i64 = errcode::ORDER_EXPIRED;
    /// Quote used (simulator).
    pub const ORDER_USED: i64 = errcode::ORDER_USED;
    /// Quote mismatch (simulator).
    pub const ORDER_MISMATCH: i64 = errcode::ORDER_MISMATCH;
    /// Not enough coins (simulator).
    pub const COIN_NOT_ENOUGH: i64 = errcode::COIN_NOT_ENOUGH;
    /// Bad quantity or coin_count (simulator).
    pub const BAD_AMOUNT: i64 = errcode::BAD_AMOUNT;
    /// Stock for a card not approved or expired (simulator).
    pub const CARD_NOT_BUYABLE: i64 = errcode::CARD_NOT_BUYABLE;
    /// A gift-back card that is not a friends' coupon.
    pub const FRIENDS_CARD_TYPE: i64 = errcode::FRIENDS_CARD_TYPE;
    /// Upload: the images kept in memory are at their cap (the simulator's choice of
    /// WeChat's "reach max api daily quota limit").
    pub const API_LIMIT: i64 = errcode::API_LIMIT;
    /// A list longer than 10 (the whitelist).
    pub const LIST_TOO_LONG: i64 = errcode::LIST_TOO_LONG;
    /// access_token expired.
    pub const TOKEN_EXPIRED: i64 = errcode::TOKEN_EXPIRED;
    /// JSON structure error.
    pub const JSON_STRUCTURE: i64 = errcode::JSON_STRUCTURE;
    /// Datacube date format.
    pub const DATE_FORMAT: i64 = errcode::DATE_FORMAT;
    /// Datacube date range.
    pub const DATE_RANGE: i64 = errcode::DATE_RANGE;
}

/// The codes the simulator chose itself (the guide names none), with Chinese and English
/// messages: `(errcode, 中文, English)`. docs/sandbox.md prints the same table.
pub const SIMULATOR_CODES: &[(i64, &str, &str)] = &[
    (
        code::LOCATION_UNKNOWN,
        "门店 ID 不是本账号的门店",
        "a location id is not one of the account's stores",
    ),
    (code::ORDER_UNKNOWN, "订单不存在", "order_id unknown"),
    (
        code::ORDER_EXPIRED,
        "批价订单已过期(60 秒),请重新批价",
        "the price quote is older than 60 s; get a new one",
    ),
    (
        code::ORDER_USED,
        "批价订单已使用",
        "the price quote was already used",
    ),
    (
        code::ORDER_MISMATCH,
        "card_id 或 quantity 与批价不一致",
        "card_id or quantity differ from the price quote",
    ),
    (code::COIN_NOT_ENOUGH, "券点不足", "not enough coins"),
    (
        code::BAD_AMOUNT,
        "数量无效:库存 1–100000,充值券点 1–1000000",
        "invalid amount: quantity 1–100000, coin_count 1–1000000",
    ),
    (
        code::CARD_NOT_BUYABLE,
        "卡券未通过审核、已删除或已过期,不能购买库存",
        "the card is not approved, was deleted or has expired: no stock can be bought",
    ),
    (
        code::API_LIMIT,
        "模拟器保存的上传图片已达上限(默认 500 张、共 64 MiB)",
        "reach max api daily quota limit: the simulator keeps no more uploaded images",
    ),
];

/// The message of a simulator-chosen code, in English (`None` for WeChat's own codes).
pub fn simulator_message(errcode: i64) -> Option<&'static str> {
    SIMULATOR_CODES
        .iter()
        .find(|(c, _, _)| *c == errcode)
        .map(|(_, _, en)| *en)
}

/// A WeChat error answer: `{"errcode","errmsg"}` with HTTP 200.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[error("{errcode}: {errmsg}")]
pub struct WxError {
    /// The errcode.
    pub errcode: i64,
    /// The errmsg.
    pub errmsg: String,
}

impl WxError {
    /// An error with this code and message.
    pub fn new(errcode: i64, errmsg: impl Into<String>) -> Self {
        Self {
            errcode,
            errmsg: errmsg.into(),
        }
    }

    /// A simulator-chosen code with its table message, plus details.
    pub fn sim(errcode: i64, detail: impl std::fmt::Display) -> Self {
        let base = simulator_message(errcode).unwrap_or("error");
        let detail = detail.to_string();
        if detail.is_empty() {
            Self::new(errcode, base)
        } else {
            Self::new(errcode, format!("{base}: {detail}"))
        }
    }

    /// -1, for failures inside the simulator.
    pub fn system(detail: impl std::fmt::Display) -> Self {
        Self::new(code::SYSTEM, format!("system error: {detail}"))
    }

    /// 40097 invalid args, naming the member.
    pub fn args(member: &str) -> Self {
        Self::new(code::INVALID_ARGS, format!("invalid args: {member}"))
    }

    /// 40053 for a wrong member (the guide: "card_id 或者参数名有误").
    pub fn structure(detail: impl std::fmt::Display) -> Self {
        Self::new(code::CARD_ID, format!("invalid args: {detail}"))
    }

    /// 40053 for an unknown card_id.
    pub fn card_id(id: &str) -> Self {
        Self::new(code::CARD_ID, format!("invalid card_id: {id}"))
    }

    /// 40056, WeChat's wording.
    pub fn serial_code() -> Self {
        Self::new(code::SERIAL_CODE, "invalid serial code")
    }

    /// The answer body. As on WeChat, the errmsg ends in ` hint: [xxxxxxxxxxxxxx]`, a request
    /// id that changes every time, so a client that matches on errmsg text breaks here as it
    /// would there.
    pub fn to_json(&self) -> Value {
        json!({"errcode": self.errcode, "errmsg": format!("{} hint: [{}]", self.errmsg, hint())})
    }
}

impl IntoResponse for WxError {
    fn into_response(self) -> Response {
        Json(self.to_json()).into_response()
    }
}

/// A fresh request id like WeChat's (`PUw1eA0587ge21`): 14 letters and digits.
fn hint() -> String {
    use rand::Rng;
    use rand::distr::Alphanumeric;
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(14)
        .map(char::from)
        .collect()
}

/// What WeChat handlers return: the members of a success answer, or an error.
pub type WxResult = Result<Value, WxError>;

/// A success answer: `extra`'s members plus `errcode: 0, errmsg: "ok"`.
pub fn ok(extra: Value) -> Value {
    let mut out = serde_json::Map::new();
    out.insert("errcode".into(), json!(0));
    out.insert("errmsg".into(), json!("ok"));
    if let Value::Object(members) = extra {
        out.extend(members);
    }
    Value::Object(out)
}

/// Turns a handler result into the HTTP answer (always 200, as WeChat).
pub fn respond(result: WxResult) -> Response {
    match result {
        Ok(v) => Json(v).into_response(),
        Err(e) => e.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simulator_codes_are_distinct_and_documented() {
        let mut seen: Vec<i64> = SIMULATOR_CODES.iter().map(|(c, _, _)| *c).collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), SIMULATOR_CODES.len());
        assert_eq!(
            WxError::sim(code::ORDER_USED, "").errmsg,
            "the price quote was already used"
        );
        assert_eq!(ok(json!({"a": 1}))["errcode"], 0);
    }
}
