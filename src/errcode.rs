//! WeChat's errcodes by name, and the one table that explains them.
//!
//! The bottom layer: this module uses nothing else of the crate, so the domain (`card`), the
//! simulator (`sandbox`), the client (`api`), the redemption rules and the wallet can all name
//! a code the same way instead of writing the bare number.
//!
//! **Style**: one plain `pub const NAME: i64` per code, used with the module path
//! (`errcode::MARKED_BY_OTHER`), since every errcode travels as the `i64` WeChat sends
//! (`ApiError::WeChat`, the simulator's `WxError`, a rule's finding). The `errcodes!` table
//! below defines each constant together with its row of [`ERRCODES`], so a name without a row
//! cannot be written.
//!
//! The table says where each code comes from ([`Origin`]): the client explains the guide's and
//! the reference notes' codes ([`describe`]); WeChat's other codes and the codes the simulator
//! chose itself are named and described here, but a client error shows them raw.

/// Where a code comes from, and so whether the client explains it to people.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The card guide's errcode table, or the notes beside its APIs (mark, consume).
    Guide,
    /// The reference notes: token, upload, permission and call-limit codes.
    Notes,
    /// WeChat's own code that the simulator answers but neither the guide nor the notes
    /// explain (the open platform's 61xxx among them, and 61004, which a platform meets on
    /// WeChat only: the simulator has no IP whitelist); the client shows it with WeChat's raw
    /// message.
    WeChat,
    /// A code the simulator chose where the guide names none (never answered by WeChat).
    Simulator,
}

/// One row of the table: a code, its name, and what the guide (and the reference notes) say.
#[derive(Debug)]
pub struct ErrcodeInfo {
    /// The number WeChat answers in `errcode`.
    pub code: i64,
    /// The name of its constant in this module (`"MARKED_BY_OTHER"`).
    pub name: &'static str,
    /// Where the code comes from, which decides whether [`describe`] explains it.
    pub origin: Origin,
    /// 说明: what the code means, in Chinese.
    pub zh: &'static str,
    /// What the code means, in English.
    pub en: &'static str,
    /// 排错指引: what to do about it, in Chinese.
    pub guidance_zh: &'static str,
    /// What to do about it, in English.
    pub guidance_en: &'static str,
}

macro_rules! errcodes {
    ($(
        $(#[$doc:meta])*
        $name:ident = $code:literal, $origin:ident,
            $zh:literal, $en:literal, $gzh:literal, $gen:literal;
    )+) => {
        $( $(#[$doc])* pub const $name: i64 = $code; )+

        /// Every named errcode with its explanation, ordered by code: the guide's codes, the
        /// token and upload codes of the reference notes, WeChat's other codes the simulator
        /// answers, and the simulator's own.
        pub const ERRCODES: &[ErrcodeInfo] = &[
            $( ErrcodeInfo {
                code: $name,
                name: stringify!($name),
                origin: Origin::$origin,
                zh: $zh,
                en: $en,
                guidance_zh: $gzh,
                guidance_en: $gen,
            }, )+
        ];
    };
}

errcodes! {
    /// -1: WeChat is busy, or the simulator failed inside (a poisoned lock, an unencodable
    /// value); reads are retried on it.
    SYSTEM = -1, Notes,
        "系统繁忙", "WeChat is busy", "稍后重试", "Try again shortly";
    /// 40001: the access_token is unknown (or was cut by a newer `cgi-bin/token` call); the
    /// client refreshes the token and retries once.
    TOKEN_INVALID = 40001, Notes,
        "access_token 无效", "Invalid access_token", "重新获取 token;若有多个调用源,需统一管理 token", "Get a new token; share one token source between all callers";
    /// 40002: a token request whose `grant_type` is not `client_credential`.
    GRANT_TYPE = 40002, WeChat,
        "grant_type 无效", "Invalid grant_type", "grant_type 须为 client_credential", "Use grant_type client_credential";
    /// 40003: an online consume of a code this openid has not marked, or a mark without an
    /// openid.
    NOT_MARKED = 40003, Guide,
        "Invalid openid,核销时用户的卡券未处于展示(mark)状态", "Invalid openid: the code is not marked by this user", "朋友的券必须先 mark 才能线上核销", "Mark the code with the user's openid before an online consume";
    /// 40005: an uploaded file that is not a picture of an accepted type.
    FILE_TYPE = 40005, Notes,
        "文件类型无效", "Invalid file type", "上传 JPG 图片", "Upload a JPG picture";
    /// 40009: an uploaded picture over 1 MB.
    IMAGE_SIZE = 40009, Notes,
        "图片大小无效", "Invalid image size", "图片须小于 1 MB", "The picture must be under 1 MB";
    /// 40013: a token request with a wrong AppID.
    APPID = 40013, Notes,
        "AppID 无效", "Invalid AppID", "检查 AppID", "Check the AppID";
    /// 40014: an access_token that is not well formed; refreshed and retried like 40001.
    TOKEN_ILLEGAL = 40014, Notes,
        "access_token 不合法", "Illegal access_token", "重新获取 token", "Get a new token";
    /// 40053: a wrong or unknown card_id, or a member the endpoint does not accept (the
    /// guide: "card_id 或者参数名有误").
    CARD_ID = 40053, Guide,
        "JSON 结构错误", "Wrong JSON structure", "card_id 或者参数名有误,请对比示例排查", "Check card_id and member names against the guide's example";
    /// 40056: a code that is unknown, not received yet, or of another card ("invalid serial
    /// code").
    SERIAL_CODE = 40056, Guide,
        "无效 code", "Invalid code", "Code 尚未被领取", "The code has not been received";
    /// 40071: a body whose format does not match the guide's example.
    FORMAT = 40071, Guide,
        "格式错误", "Format error", "请对比 JSON 示例排查错误", "Compare the body with the guide's example";
    /// 40075: an encrypt_code that cannot be decrypted (often one taken from a URL and not
    /// URL-encoded again).
    ENCRYPT_CODE = 40075, Guide,
        "错误的 encrypt 码", "Invalid encrypt_code", "检查加密码拼写,从 URL 中取出的 encrypt_code 在 POST 之前须做 urlencode", "Check the encrypt_code; URL-encode the value taken from the URL before posting";
    /// 40078: consume of a code that was deleted or is being given to a friend.
    DELETED_OR_GIFTING = 40078, Guide,
        "该 Code 已经被删除或者转赠中", "The code was deleted or is being given", "核销前先调用查询 code 接口确认 code 有效", "Query the code before consuming it";
    /// 40079: a validity WeChat does not accept at create or update (over 90 days, end before
    /// begin), or a consume outside the validity or of an expired code.
    INVALID_TIME = 40079, Guide,
        "有效期错误 / 卡券过期", "Invalid validity / expired", "有效期须设置为 90 天以内;核销前先查询 code", "Keep the validity within 90 days; query the code before consuming";
    /// 40097: a required member that is missing or of the wrong type ("invalid args").
    INVALID_ARGS = 40097, WeChat,
        "参数错误", "Invalid arguments", "检查必填字段及其类型", "Check the required members and their types";
    /// 40099: consume of a code that was already consumed.
    CONSUMED = 40099, Guide,
        "Code 已经被核销", "The code was already consumed", "核销前先调用查询 code 接口确认 code 有效", "Query the code before consuming it";
    /// 40125: a token request with a wrong AppSecret.
    SECRET = 40125, Notes,
        "AppSecret 无效", "Invalid AppSecret", "检查 AppSecret", "Check the AppSecret";
    /// 40127: a code that is not NORMAL: code/get with check_consume, mark, or consume of an
    /// UNAVAILABLE or GIFT_TIMEOUT code.
    USER_CARD_STATUS = 40127, Guide,
        "该 Code 已经被删除、置为失效或者转赠成功", "The code was deleted, made unavailable or given away", "核销前先调用查询 code 接口确认 code 有效", "Query the code before consuming it";
    /// 40141: an image URL that does not come from the upload API (WeChat's CDN).
    IMAGE_URL = 40141, Guide,
        "图片 url 错误", "Invalid image URL", "须使用将图片上传至 CDN 后获得的 url", "Use the URL returned by the image upload API";
    /// 40144: `consume_share_self_num` too big (WxJava's table; the guide allows 0 or 1).
    SHARE_SELF_NUM = 40144, Notes,
        "核销后送本券数量过大", "consume_share_self_num too big", "核销后送本券数量只能填 0 或 1", "Give at most 1 of this coupon after use";
    /// 40146: a mark of a code that another openid holds marked (for at most 5 minutes).
    MARKED_BY_OTHER = 40146, Guide,
        "该 code 已被其他用户 mark", "The code is marked by another user", "等对方解除或 5 分钟后自动解除", "Wait until it is unmarked (at most 5 minutes)";
    /// 40147: a consume outside the coupon's usable hours (`time_limit`).
    CONSUME_TIME = 40147, Notes,
        "不在可核销时段内", "Consume time restricted", "在券面写明的使用时段内核销", "Consume within the coupon's usable hours";
    /// 40148: a card that is not a friends' coupon where one is required (the gift-back card
    /// of `consume_share_card_list`: "此处必须填入共享券").
    FRIENDS_CARD_TYPE = 40148, Notes,
        "不是朋友的券(共享券)", "Not a friends' coupon", "核销后赠券须填入本账号的朋友的券 card_id", "Give back a friends' coupon of this account";
    /// 40149: a usable-hours setting (`time_limit`) WeChat does not accept.
    USE_TIME_LIMIT = 40149, Notes,
        "使用时段设置无效", "Invalid usable hours", "检查使用时段的类型、小时和分钟", "Check the type, hours and minutes of the usable hours";
    /// 40151: text or a picture caught by WeChat's content filter.
    ANTISPAM = 40151, Notes,
        "文字或图片含违规内容", "Text or picture hit the content filter", "修改券面文字或更换图片", "Change the wording or the picture";
    /// 40153: a friends' coupon whose self-consume cell does not ask for a verify code.
    SELF_CONSUME_VERIFY = 40153, Notes,
        "朋友的券自助核销须填写验证码", "Self-consume needs a verify code", "开启自助核销验证码", "Require a verify code for self-consume";
    /// 40164: the caller's IP address is not on the account's whitelist.
    IP_NOT_WHITELISTED = 40164, Notes,
        "调用接口的 IP 地址不在白名单中", "The caller's IP address is not whitelisted", "在公众平台「开发 - 基本配置」添加本机出口 IP,或改用公司的凭证服务或公司服务器", "Add this machine's IP to the whitelist, or use the company's token service or company server";
    /// 40180: a location id that is not one of the account's stores (getpoilist); the
    /// simulator's choice.
    LOCATION_UNKNOWN = 40180, Simulator,
        "门店 ID 不是本账号的门店", "A location id is not one of the account's stores", "使用 getpoilist 返回的门店 ID", "Use a store id that getpoilist returns";
    /// 40416: an unmark by another openid than the one that marked, or with nothing marked.
    UNMARK_OPENID = 40416, Guide,
        "解除 mark 的 openid 与 mark 时不一致", "Unmark with a different openid", "使用 mark 时的 openid 解除", "Unmark with the openid that marked it";
    /// 41001: a call without an access_token.
    TOKEN_MISSING = 41001, Notes,
        "缺少 access_token", "access_token missing", "检查账号设置", "Check the account settings";
    /// 41004: `api_component_token` without `component_appsecret`.
    APPSECRET_MISSING = 41004, WeChat,
        "缺少 secret 参数", "appsecret missing", "填写第三方平台的 AppSecret", "Send the platform's AppSecret";
    /// 41005: an upload without its media part (`buffer` or `media`).
    MEDIA_MISSING = 41005, Notes,
        "缺少媒体文件", "Media data missing", "重新选择图片", "Choose the picture again";
    /// 41025: a card without stores (`location_id_list` missing or empty).
    LOCATION_MISSING = 41025, Guide,
        "缺少 location_list", "location_id_list missing", "创建的 JSON 中须填入门店 ID(poi_id)", "Add at least one store id (poi_id)";
    /// 41310: confirm or getorder of an order_id that is unknown (or forgotten a day after its
    /// quote died); the simulator's choice.
    ORDER_UNKNOWN = 41310, Simulator,
        "订单不存在", "order_id unknown", "重新批价", "Get a new price quote";
    /// 41311: confirm of a price quote older than 60 s; the simulator's choice.
    ORDER_EXPIRED = 41311, Simulator,
        "批价订单已过期(60 秒)", "The price quote is older than 60 s", "重新批价", "Get a new price quote";
    /// 41312: confirm of a price quote that was already used; the simulator's choice.
    ORDER_USED = 41312, Simulator,
        "批价订单已使用", "The price quote was already used", "重新批价", "Get a new price quote";
    /// 41313: confirm whose card_id or quantity differ from the quote; the simulator's choice.
    ORDER_MISMATCH = 41313, Simulator,
        "card_id 或 quantity 与批价不一致", "card_id or quantity differ from the price quote", "按批价的 card_id 和数量确认", "Confirm with the quote's card_id and quantity";
    /// 41314: confirm while free plus paid coins are below the price; the simulator's choice.
    COIN_NOT_ENOUGH = 41314, Simulator,
        "券点不足", "Not enough coins", "先充值券点", "Recharge coins first";
    /// 41315: a quantity outside 1–100000 or a coin_count outside 1–1000000; the simulator's
    /// choice.
    BAD_AMOUNT = 41315, Simulator,
        "数量无效:库存 1–100000,充值券点 1–1000000", "Invalid amount: quantity 1–100000, coin_count 1–1000000", "修改数量", "Change the amount";
    /// 41316: getpayprice or confirm for a card that is not approved (or deleted), or is past
    /// its end
    /// ("审核中的朋友的券无法修改库存"); the simulator's choice.
    CARD_NOT_BUYABLE = 41316, Simulator,
        "卡券未通过审核、已删除或已过期,不能购买库存", "The card is not approved, was deleted or has expired: no stock can be bought", "等审核通过;已删除或过期的券请新建", "Wait for approval; create a new card for a deleted or expired one";
    /// 42001: an access_token that has expired; refreshed and retried like 40001.
    TOKEN_EXPIRED = 42001, Notes,
        "access_token 已过期", "access_token expired", "重新获取最新的 token;若有多个调用源,需要统一管理 token", "Get a fresh token; share one token source between all callers";
    /// 43008: the account lacks WeChat Pay or the pay-to-gift permission.
    PAY_PERMISSION = 43008, Guide,
        "未开通支付权限或支付后送券接口权限", "WeChat Pay or pay-to-gift permission missing", "前往开通微信支付", "Enable WeChat Pay first";
    /// 43017: a call that needs a store (location id).
    LOCATION_REQUIRED = 43017, Notes,
        "缺少门店", "A location id is required", "先在门店管理中创建门店", "Create a store first";
    /// 45009: the daily call limit of an API is reached.
    API_LIMIT = 45009, Notes,
        "接口调用超过限制", "API call limit reached", "明日再试或联系微信", "Try again tomorrow";
    /// 45021: a list longer than 10 (gift rules, the test whitelist).
    LIST_TOO_LONG = 45021, Guide,
        "赠券规则列表长度高于 10 个", "More than 10 gift rules", "减少赠券规则列表的个数", "Use at most 10 rules";
    /// 45031: stock out of limit (a sub-merchant gets at most 10000 units a card).
    STOCK_LIMIT = 45031, Notes,
        "库存超出上限", "Stock out of limit", "减少购买数量", "Buy fewer units";
    /// 45033: the receive limit per user (`get_limit`) was reached or is invalid.
    GET_LIMIT = 45033, Notes,
        "超出每人领取上限", "Receive limit reached", "检查每人领取次数", "Check the receive limit per user";
    /// 47001: a body that is not JSON or has a missing, misplaced or mistyped object, or a
    /// field card/update cannot change.
    JSON_STRUCTURE = 47001, Guide,
        "创建 JSON 结构错误", "Wrong JSON structure", "针对报错信息提示的位置对比示例排查", "Compare the reported position with the guide's example";
    /// 47002: a body with `\uXXXX` escapes ("do NOT use json unicode encode").
    JSON_UNICODE = 47002, Notes,
        "请求不能使用 unicode 转义", "Do not send \\uXXXX escapes", "以 UTF-8 发送中文原文", "Send the text as UTF-8";
    /// 48001: the account lacks permission for this API.
    API_UNAUTHORIZED = 48001, Notes,
        "接口未授权", "API unauthorized", "在公众平台开通卡券功能或检查第三方授权范围", "Enable the card feature, or check the platform's authorised scopes";
    /// 61003: the account has not authorized (or no longer authorizes) this platform.
    COMPONENT_UNAUTHORIZED = 61003, WeChat,
        "该账号未授权给第三方平台", "component is not authorized by this account", "请商户重新扫码授权", "Ask the merchant to authorize the platform again";
    /// 61004: the platform's outgoing IP is not registered (never answered by the simulator,
    /// which has no IP whitelist).
    COMPONENT_IP = 61004, WeChat,
        "第三方平台出口 IP 未登记", "access clientip is not registered", "在开放平台的第三方平台设置中登记服务器出口 IP", "Register the server's outgoing IP in the platform's settings";
    /// 61005: a component_verify_ticket older than 12 hours.
    COMPONENT_TICKET_EXPIRED = 61005, WeChat,
        "component_verify_ticket 已过期", "component ticket is expired", "使用最近一次推送的 ticket(每 10 分钟推送一次)", "Use the latest ticket (pushed every 10 minutes)";
    /// 61006: a component_verify_ticket that WeChat never pushed to this platform.
    COMPONENT_TICKET_INVALID = 61006, WeChat,
        "component_verify_ticket 无效", "component ticket is invalid", "检查授权事件接收 URL 是否收到并解密了 ticket", "Check that the authorization event URL receives and decrypts the ticket";
    /// 61009: an authorization code that is unknown, or whose authorization was revoked.
    COMPONENT_CODE_INVALID = 61009, WeChat,
        "授权码无效", "code is invalid", "请商户重新扫码授权", "Ask the merchant to authorize again";
    /// 61010: an authorization code older than its 10 minutes.
    COMPONENT_CODE_EXPIRED = 61010, WeChat,
        "授权码已过期", "code is expired", "收到授权码后立即换取授权信息", "Exchange the code as soon as it arrives";
    /// 61011: a component API call while the simulator plays no platform (WeChat: an invalid
    /// platform).
    COMPONENT_INVALID = 61011, WeChat,
        "无效的第三方平台", "invalid component", "检查第三方平台 AppID 与设置", "Check the platform's AppID and settings";
    /// 61014: a component API called with an access_token or an authorizer_access_token.
    COMPONENT_TOKEN_REQUIRED = 61014, WeChat,
        "第三方平台接口须使用 component_access_token", "must use component token for component api", "用 component_access_token 调用第三方平台接口", "Call the platform's API with the component_access_token";
    /// 61023: an authorizer_refresh_token that is not the authorization's current one.
    REFRESH_TOKEN_INVALID = 61023, WeChat,
        "刷新令牌无效", "refresh_token is invalid", "使用最近一次授权得到的刷新令牌;已失效则请商户重新授权", "Use the refresh token of the latest authorization; else ask the merchant to authorize again";
    /// 61500: a datacube date that is not `YYYY-MM-DD`.
    DATE_FORMAT = 61500, Guide,
        "日期格式错误", "Date format error", "按 2015-06-15 格式填写", "Use the format 2015-06-15";
    /// 61501: a datacube range that ends before it begins or spans more than 62 days (both
    /// ends counted).
    DATE_RANGE = 61501, Guide,
        "日期范围错误", "Date range error", "查询时间区间须 ≤ 62 天", "Query at most 62 days";
}

/// The table row of any named code, whatever its [`Origin`].
pub fn info(code: i64) -> Option<&'static ErrcodeInfo> {
    ERRCODES.iter().find(|i| i.code == code)
}

/// The explanation the client shows for a code: the rows of the guide and the reference notes
/// only (WeChat's other codes and the simulator's own are shown raw).
pub fn describe(code: i64) -> Option<&'static ErrcodeInfo> {
    info(code).filter(|i| matches!(i.origin, Origin::Guide | Origin::Notes))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every constant of the module, written out by hand so that a constant defined outside
    /// the table would be caught.
    const NAMED: [i64; 61] = [
        SYSTEM,
        TOKEN_INVALID,
        GRANT_TYPE,
        NOT_MARKED,
        FILE_TYPE,
        IMAGE_SIZE,
        APPID,
        TOKEN_ILLEGAL,
        CARD_ID,
        SERIAL_CODE,
        FORMAT,
        ENCRYPT_CODE,
        DELETED_OR_GIFTING,
        INVALID_TIME,
        INVALID_ARGS,
        CONSUMED,
        SECRET,
        USER_CARD_STATUS,
        IMAGE_URL,
        SHARE_SELF_NUM,
        MARKED_BY_OTHER,
        CONSUME_TIME,
        FRIENDS_CARD_TYPE,
        USE_TIME_LIMIT,
        ANTISPAM,
        SELF_CONSUME_VERIFY,
        IP_NOT_WHITELISTED,
        LOCATION_UNKNOWN,
        UNMARK_OPENID,
        TOKEN_MISSING,
        APPSECRET_MISSING,
        MEDIA_MISSING,
        LOCATION_MISSING,
        ORDER_UNKNOWN,
        ORDER_EXPIRED,
        ORDER_USED,
        ORDER_MISMATCH,
        COIN_NOT_ENOUGH,
        BAD_AMOUNT,
        CARD_NOT_BUYABLE,
        TOKEN_EXPIRED,
        PAY_PERMISSION,
        LOCATION_REQUIRED,
        API_LIMIT,
        LIST_TOO_LONG,
        STOCK_LIMIT,
        GET_LIMIT,
        JSON_STRUCTURE,
        JSON_UNICODE,
        API_UNAUTHORIZED,
        COMPONENT_UNAUTHORIZED,
        COMPONENT_IP,
        COMPONENT_TICKET_EXPIRED,
        COMPONENT_TICKET_INVALID,
        COMPONENT_CODE_INVALID,
        COMPONENT_CODE_EXPIRED,
        COMPONENT_INVALID,
        COMPONENT_TOKEN_REQUIRED,
        REFRESH_TOKEN_INVALID,
        DATE_FORMAT,
        DATE_RANGE,
    ];

    #[test]
    fn no_duplicate_codes_and_every_constant_has_a_row() {
        let mut codes: Vec<i64> = ERRCODES.iter().map(|i| i.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(
            codes.len(),
            ERRCODES.len(),
            "a code appears twice in ERRCODES"
        );
        let mut names: Vec<&str> = ERRCODES.iter().map(|i| i.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(
            names.len(),
            ERRCODES.len(),
            "a name appears twice in ERRCODES"
        );
        for code in NAMED {
            let row = info(code).unwrap_or_else(|| panic!("{code} has no row"));
            assert!(!row.zh.is_empty() && !row.en.is_empty(), "{code}");
            assert!(
                !row.guidance_zh.is_empty() && !row.guidance_en.is_empty(),
                "{code}"
            );
        }
        assert_eq!(NAMED.len(), ERRCODES.len());
        assert!(
            ERRCODES.windows(2).all(|w| w[0].code < w[1].code),
            "ordered by code"
        );
    }

    #[test]
    fn the_names_carry_wechats_numbers() {
        assert_eq!(MARKED_BY_OTHER, 40146);
        assert_eq!(JSON_STRUCTURE, 47001);
        assert_eq!(SYSTEM, -1);
        assert_eq!(info(41314).map(|i| i.name), Some("COIN_NOT_ENOUGH"));
    }

    #[test]
    fn the_client_explains_only_the_guide_and_the_notes() {
        assert!(describe(MARKED_BY_OTHER).is_some());
        assert!(describe(SYSTEM).is_some());
        for code in [
            GRANT_TYPE,
            INVALID_ARGS,
            LOCATION_UNKNOWN,
            ORDER_UNKNOWN,
            BAD_AMOUNT,
        ] {
            assert!(info(code).is_some() && describe(code).is_none(), "{code}");
        }
    }
}
