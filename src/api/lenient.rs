//! Numbers as WeChat really sends them. The guide prints numbers, but captured answers carry
//! many of them as strings (`"price":"0.2"`, `"errcode":"0"`, `"create_time":"1450000000"`),
//! and one member may be a number in one call and a string in the next
//! (`../shared/reference/README.md`, "How the real API answers"). Every numeric member the
//! client reads goes through one of these, so either form is accepted.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::card::pricing::Coins;

/// An integer sent as a number (`3`, `3.0`) or a numeric string (`"3"`); `None` for anything
/// else, a fraction included.
pub fn int_of(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| f as i64)
        }),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A count: a number or a numeric string; absent or `null` is 0.
pub fn int<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let v = Value::deserialize(d)?;
    if v.is_null() {
        return Ok(0);
    }
    int_of(&v).ok_or_else(|| serde::de::Error::custom(format!("expected an integer, got {v}")))
}

/// An optional integer: a number or a numeric string; absent or `null` is `None`.
pub fn opt_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let v = Value::deserialize(d)?;
    if v.is_null() {
        return Ok(None);
    }
    int_of(&v)
        .map(Some)
        .ok_or_else(|| serde::de::Error::custom(format!("expected an integer, got {v}")))
}

/// Coins that WeChat sends as a number (200) or a string ("0.2").
pub fn coins<'de, D: Deserializer<'de>>(d: D) -> Result<Coins, D::Error> {
    let v = Value::deserialize(d)?;
    let text = match &v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Null => "0".into(),
        _ => {
            return Err(serde::de::Error::custom(
                "coins must be a number or a string",
            ));
        }
    };
    // Numbers like 199.39999 from float formatting round to hundredths.
    Coins::parse(&text)
        .or_else(|| {
            text.parse::<f64>()
                .ok()
                .map(|f| Coins((f * 100.0).round() as i64))
        })
        .ok_or_else(|| serde::de::Error::custom(format!("bad coin amount {text}")))
}

/// A timestamp as a number or a string; anything else reads as 0 ("unknown").
pub fn stamp<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    Ok(int_of(&Value::deserialize(d)?).unwrap_or(0))
}

/// Text that may come as a number (`"order_id": 1000057…`).
pub fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => s,
        other => other.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::*;

    #[derive(Deserialize)]
    struct Row {
        #[serde(default, deserialize_with = "int")]
        n: i64,
    }

    #[test]
    fn integers_come_as_numbers_or_strings() {
        for (v, want) in [
            (json!({"n": 7}), 7),
            (json!({"n": "7"}), 7),
            (json!({"n": " 12 "}), 12),
            (json!({"n": 3.0}), 3),
            (json!({"n": null}), 0),
            (json!({}), 0),
        ] {
            let r: Row = serde_json::from_value(v.clone()).unwrap();
            assert_eq!(r.n, want, "{v}");
        }
        for bad in [json!({"n": "x"}), json!({"n": 1.5}), json!({"n": [1]})] {
            assert!(serde_json::from_value::<Row>(bad.clone()).is_err(), "{bad}");
        }
    }
}
