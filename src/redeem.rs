//! Redemption rules, free of egui and of IO: what the user pasted (a code, an encrypt_code or a
//! whole custom-URL), code statuses in words, and the 5-minute mark.

use crate::i18n::Lang;

/// A mark lapses after this long unless released (the guide: 5 minutes).
pub const MARK_SECS: i64 = 300;

/// What the redemption field holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CodeInput {
    /// A plain code (digits, as printed under the QR).
    Code(String),
    /// An encrypt_code, in the URL-encoded form the guide asks to post.
    Encrypted(String),
}

/// Reads a code, an encrypt_code, or a custom URL carrying `encrypt_code=`; `None` when empty.
///
/// The guide: "从url中取出的参数须经过urlencode方可用于post请求" — a value taken from a URL is
/// kept as it appears there (already URL-encoded); a bare encrypt_code with `+`, `/` or `=` is
/// URL-encoded here.
pub fn parse_input(text: &str) -> Option<CodeInput> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    if let Some(pos) = t.find("encrypt_code=") {
        let rest = &t[pos + "encrypt_code=".len()..];
        let value = rest.split('&').next().unwrap_or_default().trim();
        return (!value.is_empty()).then(|| CodeInput::Encrypted(encode(value)));
    }
    if t.chars().all(|c| c.is_ascii_alphanumeric()) && t.len() <= 20 {
        return Some(CodeInput::Code(t.to_owned()));
    }
    Some(CodeInput::Encrypted(encode(t)))
}

/// URL-encodes the characters base64 uses that a query string may not hold; existing `%XX`
/// escapes are kept, so a value copied from a URL is not encoded twice.
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '+' => out.push_str("%2B"),
            '/' => out.push_str("%2F"),
            '=' => out.push_str("%3D"),
            ' ' => {}
            other => out.push(other),
        }
    }
    out
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
    let (zh, en, hint_zh, hint_en) = match status {
        "NORMAL" => ("正常", "Normal", "可以核销", "Can be used"),
        "CONSUMED" => ("已核销", "Used", "不能再次核销", "Cannot be used again"),
        "EXPIRE" => (
            "已过期",
            "Expired",
            "不在有效期内,不能核销",
            "Outside its validity",
        ),
        "GIFTING" => (
            "转赠中",
            "Being given",
            "用户正在把券转赠给朋友,完成或超时前不能核销",
            "The holder is giving it to a friend; wait until that ends",
        ),
        "GIFT_TIMEOUT" => (
            "转赠超时",
            "Gift timed out",
            "转赠未被领取已超时,不能核销",
            "The gift was not accepted in time",
        ),
        "DELETE" => (
            "已删除",
            "Deleted",
            "用户已删除此券",
            "The holder deleted it",
        ),
        "UNAVAILABLE" => (
            "已失效",
            "Unavailable",
            "券已被设为失效",
            "Made unavailable",
        ),
        other => return (other.to_owned(), ""),
    };
    match lang {
        Lang::Zh => (zh.to_owned(), hint_zh),
        Lang::En => (en.to_owned(), hint_en),
    }
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
        // The guide's custom-URL example, value kept URL-encoded.
        let url = "http://www.qq.com?card_id=pWXUrtw4ehIUwDTXxkvCC6THenb8&encrypt_code= LPmXP%2BZFM9bdEQPSqcA8%2F%2F6pefbsKaRxnNUMHh5%2Fq6Q%3D &openid=oWXUrt8i3";
        assert_eq!(
            parse_input(url),
            Some(CodeInput::Encrypted(
                "LPmXP%2BZFM9bdEQPSqcA8%2F%2F6pefbsKaRxnNUMHh5%2Fq6Q%3D".into()
            ))
        );
        // The guide's decrypt example, bare: encoded once.
        assert_eq!(
            parse_input("XXIzTtMqCxwOaawoE91+VJdsFmv7b8g0VZIZkqf4GWA60Fzpc8ksZ/5ZZ0DVkXdE"),
            Some(CodeInput::Encrypted(
                "XXIzTtMqCxwOaawoE91%2BVJdsFmv7b8g0VZIZkqf4GWA60Fzpc8ksZ%2F5ZZ0DVkXdE".into()
            ))
        );
        assert_eq!(parse_input("encrypt_code=&x=1"), None);
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
