//! Reading request bodies and members the way WeChat's servers tolerate them: numbers as
//! numbers or numeric strings, the guide's non-breaking spaces, and `//` comments (the
//! datacube example carries one).

use serde_json::{Map, Value};

use super::errors::{WxError, code};
use crate::card::import::normalize_whitespace;

/// Parses a JSON body. An empty body reads as `{}`; anything that is not JSON is 47001.
pub fn parse(bytes: &[u8]) -> Result<Value, WxError> {
    let text = String::from_utf8_lossy(bytes);
    let text = strip_line_comments(&normalize_whitespace(&text));
    if text.trim().is_empty() {
        return Ok(Value::Object(Map::new()));
    }
    serde_json::from_str(&text).map_err(|e| {
        WxError::new(
            code::JSON_STRUCTURE,
            format!(
                "data format error: line {} column {}: {e}",
                e.line(),
                e.column()
            ),
        )
    })
}

/// Removes `// …` outside strings, up to the end of the line or the next `"` (see below).
pub fn strip_line_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut scan = crate::card::import::JsonScan::default();
    let mut in_comment = false;
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        if in_comment {
            match ch {
                '\n' => {
                    in_comment = false;
                    out.push(ch);
                }
                // The guide's web page lost the line break after its datacube comment
                // (`//…dateformaterror"end_date": …`): a quote ends the comment.
                '"' => {
                    in_comment = false;
                    scan.feed(ch);
                    out.push(ch);
                }
                _ => {}
            }
            continue;
        }
        if scan.feed(ch) {
            out.push(ch);
            continue;
        }
        if ch == '/' && chars.peek() == Some(&'/') {
            in_comment = true;
        } else {
            out.push(ch);
        }
    }
    out
}

/// An integer member: a JSON integer or a string of digits (`"1"`). `None` when absent.
/// `Err` (40097) when present but not an integer.
pub fn int(v: &Value, key: &str) -> Result<Option<i64>, WxError> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(x) => int_value(x).map(Some).ok_or_else(|| WxError::args(key)),
    }
}

/// An integer from a number or a numeric string.
pub fn int_value(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A string member; numbers are accepted and printed (ids are sometimes sent as numbers).
pub fn string(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A required string member, 40097 when missing or empty.
pub fn required(v: &Value, key: &str) -> Result<String, WxError> {
    string(v, key)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| WxError::args(key))
}

/// A boolean member (`true`, `"true"`, `1`), `default` when absent.
pub fn boolean(v: &Value, key: &str, default: bool) -> bool {
    match v.get(key) {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true") || s == "1",
        Some(Value::Number(n)) => n.as_i64().is_some_and(|n| n != 0),
        _ => default,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lenient_bodies() {
        let v = parse(b"{\xc2\xa0\"a\": \"x//y\", // note\n \"b\": \"2\"}").unwrap();
        assert_eq!(v["a"], "x//y");
        assert_eq!(int(&v, "b").unwrap(), Some(2));
        let v = parse("{\"a\": 1,\n //注释\"b\": 2\n}".as_bytes()).unwrap();
        assert_eq!(v["b"], 2);
        assert_eq!(parse(b"").unwrap(), json!({}));
        assert_eq!(parse(b"{").unwrap_err().errcode, 47001);
        assert_eq!(int(&json!({"q": true}), "q").unwrap_err().errcode, 40097);
        assert!(boolean(&json!({"m": "true"}), "m", false));
        assert!(boolean(&json!({}), "m", true));
    }
}
