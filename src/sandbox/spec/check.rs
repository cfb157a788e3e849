//! The generic steps of the simulator's validator: where a member is ([`At`]), reading raw
//! JSON members, the shape check against [`members::Kind`](super::members::Kind), and the
//! refusals every rule words the same way.

use serde_json::Value;

use super::members::{Kind, Member};
use super::{Refusal, text};
use crate::errcode;

/// Where a member is: its full JSON path and its path below the `cash`/`gift` object with
/// list indexes as `[]` (the key of the spec tables).
#[derive(Clone, Debug)]
pub struct At {
    /// `card.cash.advanced_info.text_image_list[1].text`.
    pub path: String,
    /// `advanced_info.text_image_list[].text`.
    pub rel: String,
}

impl At {
    /// The `card` object.
    #[must_use]
    pub fn card() -> Self {
        Self {
            path: "card".to_owned(),
            rel: String::new(),
        }
    }

    /// The `cash`/`gift` object: the root of the tables' paths.
    #[must_use]
    pub fn body(key: &str) -> Self {
        Self {
            path: format!("card.{key}"),
            rel: String::new(),
        }
    }

    /// A member of this object.
    #[must_use]
    pub fn key(&self, key: &str) -> Self {
        let rel = if self.rel.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.rel)
        };
        Self {
            path: format!("{}.{key}", self.path),
            rel,
        }
    }

    /// Entry `i` of this list.
    #[must_use]
    pub fn item(&self, i: usize) -> Self {
        Self {
            path: format!("{}[{i}]", self.path),
            rel: format!("{}[]", self.rel),
        }
    }
}

/// A refusal of the member at `at`.
#[must_use]
pub fn refuse(
    at: &At,
    errcode: i64,
    rule: &'static str,
    limit: Option<String>,
    message: impl Into<String>,
) -> Refusal {
    Refusal {
        errcode,
        path: at.path.clone(),
        rule,
        limit,
        message: message.into(),
    }
}

/// 47001 with a rule and a limit: what most rules answer.
#[must_use]
pub fn structure(at: &At, rule: &'static str, limit: Option<String>, message: &str) -> Refusal {
    refuse(at, errcode::JSON_STRUCTURE, rule, limit, message)
}

/// A member, `None` when absent or null.
#[must_use]
pub fn get<'a>(v: Option<&'a Value>, key: &str) -> Option<&'a Value> {
    v.and_then(|v| v.get(key)).filter(|x| !x.is_null())
}

/// A string member (after the shape check, anything else is absent).
#[must_use]
pub fn text_of<'a>(v: Option<&'a Value>, key: &str) -> Option<&'a str> {
    get(v, key).and_then(Value::as_str)
}

/// A list member.
#[must_use]
pub fn list_of<'a>(v: Option<&'a Value>, key: &str) -> Option<&'a [Value]> {
    get(v, key).and_then(Value::as_array).map(Vec::as_slice)
}

/// A value for messages, at most 48 characters.
#[must_use]
pub fn quote(v: &str) -> String {
    if v.chars().count() <= 48 {
        v.to_owned()
    } else {
        format!("{}…", v.chars().take(48).collect::<String>())
    }
}

/// The JSON type's name, for shape errors.
fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Checks that `v` (at `at`) has `kind`: 47001 `structure` otherwise.
pub fn shape(v: &Value, kind: Kind, at: &At) -> Result<(), Refusal> {
    let (fits, expected) = match kind {
        Kind::Str => (v.is_string(), "a string"),
        Kind::Int => (v.is_number() || v.is_string(), "an integer"),
        Kind::Bool => (v.is_boolean(), "true or false"),
        Kind::Obj(_) => (v.is_object(), "an object"),
        Kind::List(_) => (v.is_array(), "a list"),
    };
    if !fits {
        return Err(structure(
            at,
            "structure",
            None,
            &format!("expected {expected}, found {}", type_name(v)),
        ));
    }
    match kind {
        Kind::Obj(members) => shape_members(v, members, at),
        Kind::List(inner) => {
            let items = v.as_array().map(Vec::as_slice).unwrap_or_default();
            for (i, item) in items.iter().enumerate() {
                shape(item, *inner, &at.item(i))?;
            }
            Ok(())
        }
        Kind::Str | Kind::Int | Kind::Bool => Ok(()),
    }
}

/// Checks the members of an object that the table names (null counts as absent; members it
/// does not name are ignored).
pub fn shape_members(v: &Value, members: &[Member], at: &At) -> Result<(), Refusal> {
    for m in members {
        if let Some(x) = v.get(m.key).filter(|x| !x.is_null()) {
            shape(x, m.kind, &at.key(m.key))?;
        }
    }
    Ok(())
}

/// `required`: the member is absent (`blank`: present but only whitespace).
#[must_use]
pub fn missing(at: &At, errcode: i64, blank: bool) -> Refusal {
    let message = if blank {
        format!("{} must not be empty", at.rel)
    } else {
        format!("{} is missing; it is required", at.rel)
    };
    refuse(at, errcode, "required", None, message)
}

/// A required text: present and not blank.
pub fn required_text<'a>(
    v: Option<&'a Value>,
    key: &str,
    at: &At,
    errcode: i64,
) -> Result<&'a str, Refusal> {
    match text_of(v, key) {
        None => Err(missing(at, errcode, false)),
        Some(s) if s.trim().is_empty() => Err(missing(at, errcode, true)),
        Some(s) => Ok(s),
    }
}

/// `max_chars`: at most `max` 汉字, a half-width character counting one half.
pub fn max_chars(s: &str, max: usize, at: &At) -> Result<(), Refusal> {
    let n = text::halves(s);
    if n > max.saturating_mul(2) {
        return Err(structure(
            at,
            "max_chars",
            Some(max.to_string()),
            &format!(
                "allows at most {max} Chinese characters (a half-width letter or digit counts one half), it has {}",
                text::shown(n)
            ),
        ));
    }
    Ok(())
}

/// An integer member: `None` when absent, the value, or `integer` (47001) when it is not a
/// whole number.
pub fn integer(v: Option<&Value>, key: &str, at: &At) -> Result<Option<i64>, Refusal> {
    let Some(x) = get(v, key) else {
        return Ok(None);
    };
    let (n, shown) = match x {
        Value::Number(n) => (n.as_i64(), n.to_string()),
        Value::String(s) => (s.trim().parse().ok(), s.clone()),
        other => (None, other.to_string()),
    };
    n.map(Some).ok_or_else(|| {
        structure(
            at,
            "integer",
            None,
            &format!("must be a whole number, it is {}", quote(&shown)),
        )
    })
}

/// `range`: `min ≤ n ≤ max`.
pub fn in_range(n: i64, min: i64, max: Option<i64>, at: &At) -> Result<(), Refusal> {
    let inside = n >= min && max.is_none_or(|max| n <= max);
    if inside {
        return Ok(());
    }
    let (limit, message) = match max {
        Some(max) => (
            format!("{min}–{max}"),
            format!("must be between {min} and {max}, it is {n}"),
        ),
        None => (
            format!("≥ {min}"),
            format!("must be at least {min}, it is {n}"),
        ),
    };
    Err(structure(at, "range", Some(limit), &message))
}

/// Whether a URL is one the upload API hands out: `http(s)://` one of `hosts`, exactly (no
/// port, no user info), and a path.
#[must_use]
pub fn from_upload_api(url: &str, hosts: &[&str]) -> bool {
    let lower = url
        .get(..8)
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let rest = if lower.starts_with("https://") {
        url.get(8..)
    } else if lower.starts_with("http://") {
        url.get(7..)
    } else {
        None
    };
    let Some((host, path)) = rest.and_then(|r| r.split_once('/')) else {
        return false;
    };
    hosts.iter().any(|h| host.eq_ignore_ascii_case(h)) && !path.trim().is_empty()
}
