//! Redemption rules, free of egui and of IO: what the user pasted (a code, an encrypt_code or a
//! whole custom-URL), code statuses in words, and the 5-minute mark.

use crate::api::error::ApiError;
use crate::errcode;
use crate::i18n::{Lang, T};

/// A mark lapses after this long unless released (the guide: 5 minutes).
pub const MARK_SECS: i64 = 300;

/// What the redemption field holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CodeInput {
    /// A plain code (digits, as printed under the QR).
    Code(String),
    /// An encrypt_code as WeChat made it (URL-decoded, e.g. base64 with `+`, `/`, `=`).
    Encrypted(String),
}

impl CodeInput {
    /// The encrypt_code as posted to card/code/decrypt. The guide: "从url中取出的参数须经过
    /// urlencode方可用于post请求", and its 40075 guidance blames a missing urlencode.
    pub fn post_value(encrypted: &str) -> String {
        url_encode(encrypted)
    }
}

/// The longest code the guide allows (`code` is string(20)); longer input is an encrypt_code.
const CODE_MAX: usize = 20;

/// Reads a code, an encrypt_code, or a custom URL carrying `encrypt_code=`; `None` when empty
/// or when a URL's `encrypt_code` is empty.
///
/// An encrypt_code taken from a URL (or pasted in its URL-encoded form) is URL-decoded, so
/// [`CodeInput::Encrypted`] always holds the value WeChat encrypted.
pub fn parse_input(text: &str) -> Option<CodeInput> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    if let Some(value) = query_param(t, "encrypt_code") {
        return (!value.is_empty()).then(|| CodeInput::Encrypted(url_decode(value)));
    }
    if t.chars().all(|c| c.is_ascii_alphanumeric()) && t.len() <= CODE_MAX {
        return Some(CodeInput::Code(t.to_owned()));
    }
    Some(CodeInput::Encrypted(url_decode(t)))
}

/// The value of `name` in the query of a URL (or in a bare `a=1&b=2` string), trimmed: the
/// guide's own example has spaces around the value. `None` when the parameter is absent.
fn query_param<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    let query = text.split_once('?').map_or(text, |(_, q)| q);
    let query = query.split('#').next().unwrap_or_default();
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key.trim() == name).then(|| value.trim())
    })
}

/// Decodes `%XX` escapes. A `+` stays a `+`: base64 has no spaces, and WeChat escapes its
/// `+` as `%2B`, so a bare `+` can only be a base64 character someone decoded already.
/// Malformed escapes are kept as typed; bytes that do not form UTF-8 are replaced.
fn url_decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(&h), Some(&l)) = (bytes.get(i + 1), bytes.get(i + 2))
            && let (Some(h), Some(l)) = (hex(h), hex(l))
        {
            out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
            i += 3;
            continue;
        }
        if !bytes[i].is_ascii_whitespace() {
            out.push(bytes[i]);
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn url_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 3 / 2);
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The errcodes of the guide's redemption table, then the two its mark notes name (40146
/// marked by someone else, 40416 unmark by another openid).
pub const REDEMPTION_ERRCODES: [i64; 9] = [
    errcode::NOT_MARKED,
    errcode::SERIAL_CODE,
    errcode::ENCRYPT_CODE,
    errcode::DELETED_OR_GIFTING,
    errcode::INVALID_TIME,
    errcode::CONSUMED,
    errcode::USER_CARD_STATUS,
    errcode::MARKED_BY_OTHER,
    errcode::UNMARK_OPENID,
];

/// Whether a failed consume certainly did not use the code: WeChat answered with an errcode,
/// or nothing was sent (no token, a refused base URL). Any transport failure counts as
/// unsure — the client reports a connection broken after sending as `Connect` too — so the
/// code is queried again before anyone thinks of a second try.
pub fn consume_surely_failed(e: &ApiError) -> bool {
    matches!(
        e,
        ApiError::WeChat { .. }
            | ApiError::InsecureBaseUrl(_)
            | ApiError::Token(_)
            | ApiError::KeyRefused
            | ApiError::MerchantRefused
            | ApiError::MerchantGone
    )
}

/// The statuses of card/code/get, in the guide's order.
pub const STATUSES: [&str; 7] = [
    "NORMAL",
    "CONSUMED",
    "EXPIRE",
    "GIFTING",
    "GIFT_TIMEOUT",
    "DELETE",
    "UNAVAILABLE",
];

/// A code status in words, with what it means for the person at the till.
pub fn status_text(status: &str, lang: Lang) -> (String, &'static str) {
    let (name, hint) = match status {
        "NORMAL" => (T::CodeNormal, T::CodeNormalHint),
        "CONSUMED" => (T::CodeConsumed, T::CodeConsumedHint),
        "EXPIRE" => (T::CodeExpire, T::CodeExpireHint),
        "GIFTING" => (T::CodeGifting, T::CodeGiftingHint),
        "GIFT_TIMEOUT" => (T::CodeGiftTimeout, T::CodeGiftTimeoutHint),
        "DELETE" => (T::CodeDeleted, T::CodeDeletedHint),
        "UNAVAILABLE" => (T::CodeUnavailable, T::CodeUnavailableHint),
        other => return (other.to_owned(), ""),
    };
    (name.get(lang).to_owned(), hint.get(lang))
}

/// Whether a gift-back coupon was issued by a consume: the card gives one
/// (`consume_share_self_num` ≥ 1) and its stock dropped by the consume.
pub fn gift_back_issued(
    share_self_num: i64,
    stock_before: Option<i64>,
    stock_after: Option<i64>,
) -> Option<bool> {
    if share_self_num < 1 {
        return None;
    }
    match (stock_before, stock_after) {
        (Some(b), Some(a)) => Some(a < b),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_are_codes_encrypt_codes_or_urls() {
        assert_eq!(parse_input("  "), None);
        assert_eq!(
            parse_input(" 110201201245 "),
            Some(CodeInput::Code("110201201245".into()))
        );
        // The guide's custom-URL example (spaces included): the value is URL-decoded.
        let url = "http://www.qq.com?card_id=pWXUrtw4ehIUwDTXxkvCC6THenb8&encrypt_code= LPmXP%2BZFM9bdEQPSqcA8%2F%2F6pefbsKaRxnNUMHh5%2Fq6Q%3D &openid=oWXUrt8i3";
        assert_eq!(
            parse_input(url),
            Some(CodeInput::Encrypted(
                "LPmXP+ZFM9bdEQPSqcA8//6pefbsKaRxnNUMHh5/q6Q=".into()
            ))
        );
        // The guide's decrypt example, bare, and its URL-encoded form: the same value.
        let raw = "XXIzTtMqCxwOaawoE91+VJdsFmv7b8g0VZIZkqf4GWA60Fzpc8ksZ/5ZZ0DVkXdE";
        assert_eq!(parse_input(raw), Some(CodeInput::Encrypted(raw.into())));
        assert_eq!(
            parse_input(&CodeInput::post_value(raw)),
            Some(CodeInput::Encrypted(raw.into()))
        );
        assert_eq!(parse_input("https://x.cn/use?encrypt_code=&x=1"), None);
        // Only the parameter named exactly encrypt_code counts; a fragment ends the query.
        assert_eq!(
            parse_input("https://x.cn/?my_encrypt_code=a&encrypt_code=b%3D#encrypt_code=c"),
            Some(CodeInput::Encrypted("b=".into()))
        );
    }

    #[test]
    fn the_posted_value_is_url_encoded_once() {
        assert_eq!(
            CodeInput::post_value("LPmXP+ZFM9/6q6Q="),
            "LPmXP%2BZFM9%2F6q6Q%3D"
        );
        assert_eq!(CodeInput::post_value("a-b_c.d~e"), "a-b_c.d~e");
    }

    #[test]
    fn malformed_input_never_panics() {
        for text in [
            "%",
            "%2",
            "%zz",
            "encrypt_code=%",
            "encrypt_code=%E4%B8",
            "?&&==&encrypt_code",
            "券码%E4%B8%AD",
            "\u{0}",
            "encrypt_code=\u{feff}",
        ] {
            let _ = parse_input(text);
        }
        assert_eq!(
            parse_input("encrypt_code=%zz%4"),
            Some(CodeInput::Encrypted("%zz%4".into()))
        );
        assert_eq!(
            parse_input("encrypt_code=%E4%B8%AD"),
            Some(CodeInput::Encrypted("中".into()))
        );
    }

    #[test]
    fn only_answers_and_unsent_requests_are_certain_failures() {
        let wechat = ApiError::WeChat {
            errcode: errcode::CONSUMED,
            errmsg: "used".into(),
        };
        let connect = ApiError::Connect {
            endpoint: "/card/code/consume".into(),
            message: "refused".into(),
        };
        assert!(consume_surely_failed(&wechat));
        for unsure in [
            connect,
            ApiError::Timeout {
                endpoint: "/card/code/consume".into(),
            },
            ApiError::Http {
                endpoint: "/card/code/consume".into(),
                status: 502,
            },
            ApiError::Decode {
                endpoint: "/card/code/consume".into(),
                message: "eof".into(),
            },
        ] {
            assert!(!consume_surely_failed(&unsure), "{unsure}");
        }
    }

    #[test]
    fn every_redemption_errcode_has_guidance_in_both_languages() {
        for code in REDEMPTION_ERRCODES {
            let info = crate::api::describe(code).unwrap_or_else(|| panic!("{code} missing"));
            assert!(!info.guidance_zh.is_empty() && !info.guidance_en.is_empty());
            let e = ApiError::WeChat {
                errcode: code,
                errmsg: "x".into(),
            };
            assert!(e.text_zh().contains(info.guidance_zh), "{code}");
            assert!(e.text_en().contains(info.guidance_en), "{code}");
        }
    }

    #[test]
    fn every_status_has_words_and_a_hint() {
        for s in STATUSES {
            for lang in [Lang::Zh, Lang::En] {
                let (text, hint) = status_text(s, lang);
                assert_ne!(text, s);
                assert!(!hint.is_empty());
            }
        }
    }

    #[test]
    fn gift_back_follows_the_card_setting_and_the_stock() {
        assert_eq!(gift_back_issued(0, Some(5), Some(4)), None);
        assert_eq!(gift_back_issued(1, Some(5), Some(4)), Some(true));
        assert_eq!(gift_back_issued(1, Some(0), Some(0)), Some(false));
        assert_eq!(gift_back_issued(1, None, Some(0)), None);
    }
}
