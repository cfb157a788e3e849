//! The open platform's component API (第三方平台, `cgi-bin/component/*`) and its pushes, as
//! WeChat's open-platform documentation and the SDKs that call it describe them. The card guide
//! gives the platform one paragraph (`friend-coupon-api.txt` lines 1772–1781: a merchant
//! authorizes the platform to call the card API for it, 授权给第三方代调用接口); everything
//! else is transcribed here, each row with where it comes from.
//!
//! Sources (read 2025):
//! - `OP-TOKEN`: developers.weixin.qq.com/doc/oplatform/…/ThirdParty/token/component_access_token
//!   (and the newer `openApi/ticket-token/api_getcomponentaccesstoken`): request members,
//!   `{"component_access_token","expires_in":7200}`, errcodes 61004, 61005, 61006, 61011,
//!   41004, 40125, 40013.
//! - `OP-PREAUTH`: `…/token/pre_auth_code` ("每个预授权码有效期为 1800秒"; the example
//!   answers `expires_in: 600`), and the community answer "预授权码有效期内仅能使用一次".
//! - `OP-QUERY`: `…/ticket-token/getAuthorizerRefreshToken` (api_query_auth):
//!   `authorization_info{authorizer_appid, authorizer_access_token, expires_in,
//!   authorizer_refresh_token, func_info[{funcscope_category{id}}]}`.
//! - `OP-REFRESH`: `…/ticket-token/getAuthorizerAccessToken` (api_authorizer_token): the
//!   answer repeats the refresh token; 61014 "must use component token for component api".
//! - `OP-INFO`: `…/authorization-management/api_getauthorizerinfo`: `authorizer_info{nick_name,
//!   head_img, service_type_info{id}, verify_type_info{id}, user_name (原始 ID), principal_name,
//!   alias, business_info{open_pay, open_shake, open_scan, open_card, open_store}, qrcode_url,
//!   account_status}` beside `authorization_info`.
//! - `OP-LIST`: `…/authorization-management/api_getauthorizerlist`: `{total_count, list[{
//!   authorizer_appid, refresh_token, auth_time}]}`, count at most 500. Real answers carry no
//!   `refresh_token` (developers.weixin.qq.com/community threads 000c2444c2cee894e6cf685d851400
//!   and 000aa6b7bc8828de855b14cc85bc00; WeChat's answer: get it with the authorization code),
//!   so the simulator leaves it out, and out of `api_get_authorizer_info` too.
//! - `OP-EVENT`: `…/Before_Develop/authorize_event` (授权变更通知推送): AppId, CreateTime,
//!   InfoType (authorized, updateauthorized, unauthorized), AuthorizerAppid,
//!   AuthorizationCode, AuthorizationCodeExpiredTime, PreAuthCode; "如果更新授权时,授权的权限集
//!   没有发生变化,将不会触发授权更新通知"; answer `success`.
//! - `OP-TICKET`: `…/token/component_verify_ticket`: pushed every 10 minutes to the
//!   authorization event URL (AppId, CreateTime, InfoType `component_verify_ticket`,
//!   ComponentVerifyTicket), valid 12 hours, encrypted with the platform's EncodingAESKey; the
//!   envelope is `<xml><AppId/><Encrypt/></xml>`.
//! - `OP-LOGIN`: `…/Authorization_Process_Technical_Description`: the merchant's admin scans
//!   `mp.weixin.qq.com/cgi-bin/componentloginpage?component_appid&pre_auth_code&redirect_uri`;
//!   the page then goes to `redirect_uri?auth_code=xxx&expires_in=600`.
//! - `OP-FUNC`: `…/product/offical_account_authority` (公众号权限集): 1 消息管理, 2 用户管理,
//!   3 账号服务, 7 群发与通知, 8 微信卡券, 11 素材管理, 13 微信门店, 15 菜单管理.
//! - `OP-MESSAGE`: the 消息与事件接收 URL of the platform's settings holds `$APPID$`, which
//!   WeChat replaces with the authorized account's AppID; pushes to it are encrypted with the
//!   platform's Token and EncodingAESKey, the envelope naming the platform's AppID.
//! - SDKs that call these paths as transcribed: wechatpy `wechatpy/component.py`
//!   (`fetch_access_token`, `create_preauthcode`, `query_auth`, `refresh_authorizer_token`,
//!   `get_authorizer_info`, `get_authorizer_list(offset=0, count=500)`, `parse_message` keyed
//!   on `InfoType`), WxJava `WxOpenComponentServiceImpl`, silenceper/wechat `openplatform`.

use crate::errcode;

/// Seconds between two verify tickets (OP-TICKET: "每隔 10 分钟").
pub const TICKET_EVERY: i64 = 600;
/// How long a verify ticket can be exchanged (OP-TICKET: 12 hours).
pub const TICKET_LIFE: i64 = 12 * 3600;
/// How long an expired ticket is still recognized (so it gets 61005, not 61006); the
/// simulator's choice.
pub const TICKET_KEPT: i64 = 2 * TICKET_LIFE;

// A ticket is kept beyond its life, which is longer than the time between two.
const _: () = assert!(TICKET_KEPT > TICKET_LIFE && TICKET_LIFE > TICKET_EVERY);
/// component_access_token and authorizer_access_token lifetime (OP-TOKEN, OP-REFRESH).
pub const TOKEN_LIFE: i64 = 7200;
/// How long an older authorizer token keeps working once a newer one was issued (as
/// `cgi-bin/token`'s tokens; the documents name no figure).
pub const TOKEN_GRACE: i64 = 300;
/// pre_auth_code lifetime (OP-PREAUTH's text; its example's 600 is an older figure).
pub const PREAUTH_LIFE: i64 = 1800;
/// The authorization code's lifetime (OP-LOGIN: `expires_in=600`).
pub const AUTH_CODE_LIFE: i64 = 600;
/// `api_get_authorizer_list`'s largest page (OP-LIST).
pub const LIST_MAX: usize = 500;
/// The permission set the card API needs (OP-FUNC: 8 微信卡券). Every WeChat path the
/// simulator serves belongs to the card feature, so an authorizer token without it gets
/// 48001 everywhere.
pub const FUNC_CARD: i64 = 8;
/// The permission sets a merchant grants when the admin call names none (OP-FUNC: what a
/// coupon platform asks for).
pub const DEFAULT_FUNCS: &[i64] = &[1, 2, 3, 7, 8, 11, 13, 15];
/// The placeholder of the message URL (OP-MESSAGE).
pub const APPID_PLACEHOLDER: &str = "$APPID$";
/// The page a merchant's admin scans (OP-LOGIN).
pub const LOGIN_PAGE: &str = "https://mp.weixin.qq.com/cgi-bin/componentloginpage";

/// One endpoint of the component API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// The path on api.weixin.qq.com.
    pub path: &'static str,
    /// The request body's members (all required by WeChat).
    pub request: &'static [&'static str],
    /// The success answer's top-level members.
    pub answer: &'static [&'static str],
    /// The errcodes the simulator answers on it, besides the token's (41001, 40001, 42001,
    /// 61014) and a body that is not JSON (47001).
    pub errcodes: &'static [i64],
    /// Where it is transcribed from.
    pub source: &'static str,
}

/// The component endpoints the simulator serves. Every one but `api_component_token` takes
/// `?component_access_token=` (the newer documents write `?access_token=`; both are read).
pub const ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        path: "/cgi-bin/component/api_component_token",
        request: &[
            "component_appid",
            "component_appsecret",
            "component_verify_ticket",
        ],
        answer: &["component_access_token", "expires_in"],
        errcodes: &[
            errcode::APPID,
            errcode::APPSECRET_MISSING,
            errcode::SECRET,
            errcode::COMPONENT_TICKET_EXPIRED,
            errcode::COMPONENT_TICKET_INVALID,
            errcode::COMPONENT_INVALID,
        ],
        source: "OP-TOKEN",
    },
    Endpoint {
        path: "/cgi-bin/component/api_create_preauthcode",
        request: &["component_appid"],
        answer: &["pre_auth_code", "expires_in"],
        errcodes: &[errcode::APPID],
        source: "OP-PREAUTH",
    },
    Endpoint {
        path: "/cgi-bin/component/api_query_auth",
        request: &["component_appid", "authorization_code"],
        answer: &["authorization_info"],
        errcodes: &[
            errcode::APPID,
            errcode::COMPONENT_CODE_INVALID,
            errcode::COMPONENT_CODE_EXPIRED,
        ],
        source: "OP-QUERY",
    },
    Endpoint {
        path: "/cgi-bin/component/api_authorizer_token",
        request: &[
            "component_appid",
            "authorizer_appid",
            "authorizer_refresh_token",
        ],
        answer: &[
            "authorizer_access_token",
            "expires_in",
            "authorizer_refresh_token",
        ],
        errcodes: &[
            errcode::APPID,
            errcode::COMPONENT_UNAUTHORIZED,
            errcode::REFRESH_TOKEN_INVALID,
        ],
        source: "OP-REFRESH",
    },
    Endpoint {
        path: "/cgi-bin/component/api_get_authorizer_info",
        request: &["component_appid", "authorizer_appid"],
        answer: &["authorizer_info", "authorization_info"],
        errcodes: &[errcode::APPID, errcode::COMPONENT_UNAUTHORIZED],
        source: "OP-INFO",
    },
    Endpoint {
        path: "/cgi-bin/component/api_get_authorizer_list",
        request: &["component_appid", "offset", "count"],
        answer: &["total_count", "list"],
        errcodes: &[errcode::APPID],
        source: "OP-LIST",
    },
];

/// The `InfoType`s pushed to the authorization event URL (OP-TICKET, OP-EVENT).
pub const INFO_TYPES: &[&str] = &[
    "component_verify_ticket",
    "authorized",
    "updateauthorized",
    "unauthorized",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_endpoint_is_under_cgi_bin_component_and_cites_its_source() {
        for e in ENDPOINTS {
            assert!(e.path.starts_with("/cgi-bin/component/api_"), "{}", e.path);
            assert!(e.source.starts_with("OP-"), "{}", e.path);
            assert!(
                e.request.contains(&"component_appid"),
                "{} names the platform",
                e.path
            );
            for code in e.errcodes {
                assert!(errcode::info(*code).is_some(), "{code} has a row");
            }
        }
        assert!(DEFAULT_FUNCS.contains(&FUNC_CARD));
    }
}
