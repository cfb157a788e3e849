//! Errors of WeChat calls: WeChat's errcodes with the guide's explanations, and transport
//! failures. Texts never contain an access token or a secret.

use thiserror::Error;

use crate::errcode;

// The errcode table lives in the bottom layer, shared with the domain and the simulator.
pub use crate::errcode::{ERRCODES, ErrcodeInfo, describe};

/// An error of a WeChat call.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
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
    /// The company server refused the person's API key (HTTP 401: a wrong or revoked key).
    #[error("the company server refused the API key (wrong or revoked)")]
    KeyRefused,
    /// The platform refused the key for this merchant (HTTP 403: the key is limited to
    /// other merchants).
    #[error("the company server's platform does not let this API key act for the merchant")]
    MerchantRefused,
    /// The merchant has not authorized the platform, or withdrew its authorization (404).
    #[error("the merchant has not authorized the platform (or withdrew it)")]
    MerchantGone,
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
        matches!(
            self.errcode(),
            Some(errcode::TOKEN_INVALID | errcode::TOKEN_ILLEGAL | errcode::TOKEN_EXPIRED)
        )
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
            Self::KeyRefused => {
                "公司服务器拒绝了你的 API 密钥(密钥不对或已被撤销),请到「设置」→ 账号里换一个新密钥"
                    .to_owned()
            }
            Self::MerchantRefused => {
                "你的 API 密钥不能替这个商户操作,请让服务器管理员为你开通".to_owned()
            }
            Self::MerchantGone => "这个商户已取消对本平台的授权(或从未授权)".to_owned(),
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
            Self::KeyRefused => "The company server refused your API key (wrong or revoked); enter a new one in Settings → Accounts".to_owned(),
            Self::MerchantRefused => "Your API key may not act for this merchant; ask the server's administrator to allow it".to_owned(),
            Self::MerchantGone => "This merchant withdrew its authorization of the platform (or never gave it)".to_owned(),
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
