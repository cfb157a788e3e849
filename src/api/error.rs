//! Errors of WeChat calls: WeChat's errcodes with the guide's explanations, and transport
//! failures. Texts never contain an access token or a secret.

use thiserror::Error;

/// What the guide (and the reference notes) say about an errcode.
#[derive(Debug)]
pub struct ErrcodeInfo {
    /// The code.
    pub code: i64,
    /// 说明.
    pub zh: &'static str,
    /// Explanation in English.
    pub en: &'static str,
    /// 排错指引 (what to do), Chinese.
    pub guidance_zh: &'static str,
    /// What to do, English.
    pub guidance_en: &'static str,
}

macro_rules! codes {
    ($( $code:literal => $zh:literal, $en:literal, $gzh:literal, $gen:literal; )+) => {
        /// Every errcode the guide lists, plus the token and upload codes of the reference notes.
        pub const ERRCODES: &[ErrcodeInfo] = &[
            $( ErrcodeInfo { code: $code, zh: $zh, en: $en, guidance_zh: $gzh, guidance_en: $gen }, )+
        ];
    };
}

codes! {
    -1 => "系统繁忙", "WeChat is busy", "稍后重试", "Try again shortly";
    40001 => "access_token 无效", "Invalid access_token", "重新获取 token;若有多个调用源,需统一管理 token", "Get a new token; share one token source between all callers";
    40003 => "Invalid openid,核销时用户的卡券未处于展示(mark)状态", "Invalid openid: the code is not marked by this user", "朋友的券必须先 mark 才能线上核销", "Mark the code with the user's openid before an online consume";
    40005 => "文件类型无效", "Invalid file type", "上传 JPG 图片", "Upload a JPG picture";
    40009 => "图片大小无效", "Invalid image size", "图片须小于 1 MB", "The picture must be under 1 MB";
    40013 => "AppID 无效", "Invalid AppID", "检查 AppID", "Check the AppID";
    40014 => "access_token 不合法", "Illegal access_token", "重新获取 token", "Get a new token";
    40053 => "JSON 结构错误", "Wrong JSON structure", "card_id 或者参数名有误,请对比示例排查", "Check card_id and member names against the guide's example";
    40056 => "无效 code", "Invalid code", "Code 尚未被领取", "The code has not been received";
    40071 => "格式错误", "Format error", "请对比 JSON 示例排查错误", "Compare the body with the guide's example";
    40075 => "错误的 encrypt 码", "Invalid encrypt_code", "检查加密码拼写,从 URL 中取出的 encrypt_code 在 POST 之前须做 urlencode", "Check the encrypt_code; URL-encode the value taken from the URL before posting";
    40078 => "该 Code 已经被删除或者转赠中", "The code was deleted or is being given", "核销前先调用查询 code 接口确认 code 有效", "Query the code before consuming it";
    40079 => "有效期错误 / 卡券过期", "Invalid validity / expired", "有效期须设置为 90 天以内;核销前先查询 code", "Keep the validity within 90 days; query the code before consuming";
    40099 => "Code 已经被核销", "The code was already consumed", "核销前先调用查询 code 接口确认 code 有效", "Query the code before consuming it";
    40125 => "AppSecret 无效", "Invalid AppSecret", "检查 AppSecret", "Check the AppSecret";
    40127 => "该 Code 已经被删除、置为失效或者转赠成功", "The code was deleted, made unavailable or given away", "核销前先调用查询 code 接口确认 code 有效", "Query the code before consuming it";
    40141 => "图片 url 错误", "Invalid image URL", "须使用将图片上传至 CDN 后获得的 url", "Use the URL returned by the image upload API";
    40146 => "该 code 已被其他用户 mark", "The code is marked by another user", "等对方解除或 5 分钟后自动解除", "Wait until it is unmarked (at most 5 minutes)";
    40164 => "调用接口的 IP 地址不在白名单中", "The caller's IP address is not whitelisted", "在公众平台「开发 - 基本配置」添加本机出口 IP,或改用公司 token 服务", "Add this machine's IP to the whitelist, or use the company's token service";
    40416 => "解除 mark 的 openid 与 mark 时不一致", "Unmark with a different openid", "使用 mark 时的 openid 解除", "Unmark with the openid that marked it";
    41001 => "缺少 access_token", "access_token missing", "检查账号设置", "Check the account settings";
    41005 => "缺少媒体文件", "Media data missing", "重新选择图片", "Choose the picture again";
    41025 => "缺少 location_list", "location_id_list missing", "创建的 JSON 中须填入门店 ID(poi_id)", "Add at least one store id (poi_id)";
    42001 => "access_token 已过期", "access_token expired", "重新获取最新的 token;若有多个调用源,需要统一管理 token", "Get a fresh token; share one token source between all callers";
    43008 => "未开通支付权限或支付后送券接口权限", "WeChat Pay or pay-to-gift permission missing", "前往开通微信支付", "Enable WeChat Pay first";
    45009 => "接口调用超过限制", "API call limit reached", "明日再试或联系微信", "Try again tomorrow";
    45021 => "赠券规则列表长度高于 10 个", "More than 10 gift rules", "减少赠券规则列表的个数", "Use at most 10 rules";
    47001 => "创建 JSON 结构错误", "Wrong JSON structure", "针对报错信息提示的位置对比示例排查", "Compare the reported position with the guide's example";
    61500 => "日期格式错误", "Date format error", "按 2015-06-15 格式填写", "Use the format 2015-06-15";
    61501 => "日期范围错误", "Date range error", "查询时间区间须 ≤ 62 天", "Query at most 62 days";
}

/// The guide's explanation of a code, if it lists one.
pub fn describe(code: i64) -> Option<&'static ErrcodeInfo> {
    ERRCODES.iter().find(|i| i.code == code)
}

/// An error of a WeChat call.
#[derive(Debug, Error)]
pub enum ApiError {
    /// WeChat answered with a non-zero errcode.
    #[error("WeChat errcode {errcode}: {errmsg}")]
    WeChat {
        /// The code.
        errcode: i64,
        /// WeChat's message (raw).
        errmsg: String,
    },
    /// An HTTP status other than 200.
    #[error("HTTP {status} from {endpoint}")]
    Http {
        /// The endpoint path.
        endpoint: String,
        /// The status.
        status: u16,
    },
    /// No answer in time (and the request was not money-moving).
    #[error("{endpoint} timed out")]
    Timeout {
        /// The endpoint path.
        endpoint: String,
    },
    /// The connection failed before the request was sent.
    #[error("cannot connect for {endpoint}: {message}")]
    Connect {
        /// The endpoint path.
        endpoint: String,
        /// Details.
        message: String,
    },
    /// The answer was not the JSON the guide describes.
    #[error("unreadable answer from {endpoint}: {message}")]
    Decode {
        /// The endpoint path.
        endpoint: String,
        /// Details.
        message: String,
    },
    /// A money-moving call (confirm, recharge) may or may not have happened.
    #[error("outcome of {endpoint} unknown: {reason}")]
    Uncertain {
        /// The endpoint path.
        endpoint: String,
        /// Why.
        reason: String,
    },
    /// Plain http:// to a host that is not loopback.
    #[error("refusing plain http:// to {0}: tokens go over HTTPS only (or to the local simulator)")]
    InsecureBaseUrl(String),
    /// The token could not be obtained.
    #[error("cannot get an access token: {0}")]
    Token(String),
}

impl ApiError {
    /// The errcode, for WeChat errors.
    pub fn errcode(&self) -> Option<i64> {
        match self {
            Self::WeChat { errcode, .. } => Some(*errcode),
            _ => None,
        }
    }

    /// Whether this means "get a fresh token and retry once" (40001, 40014, 42001).
    pub fn is_token_error(&self) -> bool {
        matches!(self.errcode(), Some(40001 | 40014 | 42001))
    }

    /// A message for people, in Chinese, with WeChat's explanation when the code is known.
    pub fn text_zh(&self) -> String {
        match self {
            Self::WeChat { errcode, errmsg } => match describe(*errcode) {
                Some(i) => format!(
                    "微信返回 {errcode}:{}。{}(原始信息:{})",
                    i.zh,
                    i.guidance_zh,
                    redact(errmsg)
                ),
                None => format!("微信返回 {errcode}:{}", redact(errmsg)),
            },
            Self::Http { endpoint, status } => format!("{endpoint} 返回 HTTP {status}"),
            Self::Timeout { endpoint } => format!("{endpoint} 超时,请检查网络后重试"),
            Self::Connect { endpoint, message } => {
                format!(
                    "无法连接 {endpoint}(网络不通、域名解析失败或被代理/防火墙拦截,请检查网络):{}",
                    redact(message)
                )
            }
            Self::Decode { endpoint, message } => {
                format!("{endpoint} 的返回无法解析:{}", redact(message))
            }
            Self::Uncertain { endpoint, reason } => {
                format!(
                    "{endpoint} 结果未知({}),请先核对流水再决定是否重试",
                    redact(reason)
                )
            }
            Self::InsecureBaseUrl(u) => {
                format!("拒绝使用明文 http 地址 {u}:token 只能通过 HTTPS 发送(本机模拟器除外)")
            }
            Self::Token(m) => format!("无法获取 access_token:{}", redact(m)),
        }
    }

    /// A message for people, in English.
    pub fn text_en(&self) -> String {
        match self {
            Self::WeChat { errcode, errmsg } => match describe(*errcode) {
                Some(i) => format!(
                    "WeChat answered {errcode}: {}. {} (raw: {})",
                    i.en,
                    i.guidance_en,
                    redact(errmsg)
                ),
                None => format!("WeChat answered {errcode}: {}", redact(errmsg)),
            },
            Self::Uncertain { endpoint, reason } => {
                format!(
                    "Outcome of {endpoint} unknown ({}); check the order list before retrying",
                    redact(reason)
                )
            }
            Self::Connect { endpoint, message } => format!(
                "Cannot connect to {endpoint} (no network, a DNS failure, or a proxy or firewall in the way; check the network): {}",
                redact(message)
            ),
            other => redact(&other.to_string()),
        }
    }
}

/// Values that must never appear in a log line, an error text or an exported file: the
/// tokens and secrets this process has handled. Kept small (the newest win) since every
/// [`redact`] scans it.
static SENSITIVE: std::sync::RwLock<Vec<String>> = std::sync::RwLock::new(Vec::new());

/// How many registered values [`redact`] remembers.
const SENSITIVE_MAX: usize = 64;

/// Registers a token or secret so that [`redact`] masks it wherever it appears, even outside
/// a `key=value` form (a token echoed in an error message, a secret typed into a wrong field).
/// Values shorter than 6 characters are ignored: masking them would mangle ordinary words.
pub fn register_sensitive(value: &str) {
    let value = value.trim();
    if value.chars().count() < 6 {
        return;
    }
    // A poisoned lock only means another thread panicked mid-push; the list is still usable.
    let mut list = SENSITIVE
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if list.iter().any(|v| v == value) {
        return;
    }
    if list.len() >= SENSITIVE_MAX {
        list.remove(0);
    }
    list.push(value.to_owned());
}

/// Masks the value of `access_token=`, `secret=`, `appsecret=`, the JSON members
/// `"access_token"`, `"secret"`, `"appsecret"`, `"authorizer_access_token"`, and every value
/// registered with [`register_sensitive`], in any text.
pub fn redact(text: &str) -> String {
    let mut out = redact_pairs(text);
    let list = SENSITIVE
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    for value in list.iter() {
        if out.contains(value.as_str()) {
            out = out.replace(value.as_str(), "***");
        }
    }
    out
}

/// Masks `"key":"value"` JSON members (any spacing around the colon).
fn redact_json_members(text: &str) -> String {
    let mut out = text.to_owned();
    for key in [
        "\"access_token\"",
        "\"authorizer_access_token\"",
        "\"secret\"",
        "\"appsecret\"",
    ] {
        let mut from = 0;
        while let Some(pos) = out[from..].find(key) {
            let after_key = from + pos + key.len();
            let rest = &out[after_key..];
            let trimmed = rest.trim_start();
            let Some(colon_rest) = trimmed.strip_prefix(':') else {
                from = after_key;
                continue;
            };
            let value_rest = colon_rest.trim_start();
            let Some(value) = value_rest.strip_prefix('"') else {
                from = after_key;
                continue;
            };
            let start = out.len() - value.len();
            let end = value.find('"').map_or(out.len(), |e| start + e);
            out.replace_range(start..end, "***");
            from = start + 3;
        }
    }
    out
}

fn redact_pairs(text: &str) -> String {
    let mut out = redact_json_members(text);
    for key in ["access_token=", "secret=", "appsecret="] {
        let mut from = 0;
        while let Some(pos) = out[from..].find(key) {
            let start = from + pos + key.len();
            let end = out[start..]
                .find(|c: char| c == '&' || c == ' ' || c == '"' || c == ')' || c.is_whitespace())
                .map_or(out.len(), |e| start + e);
            out.replace_range(start..end, "***");
            from = start + 3;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_the_guide_lists_is_explained() {
        for code in [
            40079, 40141, 41025, 42001, 47001, 40053, 43008, 45021, 40003, 40056, 40075, 40078,
            40099, 40127, 40146, 40416, 61500, 61501, 40001, 40014, 40164, -1,
        ] {
            let info = describe(code).unwrap_or_else(|| panic!("{code} missing"));
            assert!(!info.zh.is_empty() && !info.en.is_empty() && !info.guidance_zh.is_empty());
        }
    }

    #[test]
    fn tokens_are_redacted() {
        let e = ApiError::Connect {
            endpoint: "/card/get".into(),
            message: "error sending request for url (http://127.0.0.1:1/card/get?access_token=SECRET123&x=1)".into(),
        };
        for text in [e.text_zh(), e.text_en(), redact(&e.to_string())] {
            assert!(!text.contains("SECRET123"), "{text}");
        }
        assert_eq!(
            redact("a?access_token=abc&secret=def"),
            "a?access_token=***&secret=***"
        );
    }

    #[test]
    fn json_members_and_registered_values_are_redacted() {
        assert_eq!(
            redact(r#"{"appid":"wx1","secret": "s3cr3t","access_token":"tok"}"#),
            r#"{"appid":"wx1","secret": "***","access_token":"***"}"#
        );
        register_sensitive("ZZ-registered-token-42");
        assert_eq!(
            redact("token ZZ-registered-token-42 leaked"),
            "token *** leaked"
        );
        // Short values would mangle ordinary text.
        register_sensitive("abc");
        assert_eq!(redact("abc"), "abc");
        // Unterminated or odd input never panics.
        for odd in [
            "\"secret\"",
            "\"secret\":",
            "\"secret\": \"",
            "secret=",
            "\"secret\":1",
        ] {
            let _ = redact(odd);
        }
    }
}
