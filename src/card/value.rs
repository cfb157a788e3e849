//! Lenient leaf types for the card JSON.
//!
//! The guide asks for some integers "as strings" (timestamps, quantities) while its own examples
//! send numbers, and imported JSON may hold enum values we do not know yet. These types accept
//! both forms and write back exactly the form they read, so a round trip never changes a body.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// An integer that may arrive as a JSON number or as a numeric string, and is written back in
/// the form it came in.
#[derive(Clone, Debug, PartialEq)]
pub enum Int {
    /// A JSON number.
    Num(i64),
    /// A JSON string; `value` is its parsed value when the text is a whole number.
    Text {
        /// The string as written.
        raw: String,
        /// The parsed value, `None` when the text is not a whole number.
        value: Option<i64>,
    },
    /// A JSON number with a fraction or outside the `i64` range, kept as written.
    Other(serde_json::Number),
}

impl Int {
    /// The integer value, when there is one.
    pub fn get(&self) -> Option<i64> {
        match self {
            Self::Num(n) => Some(*n),
            Self::Text { value, .. } => *value,
            Self::Other(_) => None,
        }
    }

    /// The value as written, for messages.
    pub fn display(&self) -> String {
        match self {
            Self::Num(n) => n.to_string(),
            Self::Text { raw, .. } => raw.clone(),
            Self::Other(n) => n.to_string(),
        }
    }
}

impl From<i64> for Int {
    fn from(n: i64) -> Self {
        Self::Num(n)
    }
}

impl Serialize for Int {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Num(n) => s.serialize_i64(*n),
            Self::Text { raw, .. } => s.serialize_str(raw),
            Self::Other(n) => n.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Int {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Int;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer or a string holding an integer")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Int, E> {
                Ok(Int::Num(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Int, E> {
                Ok(i64::try_from(v).map_or_else(|_| Int::Other(v.into()), Int::Num))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Int, E> {
                serde_json::Number::from_f64(v)
                    .map(Int::Other)
                    .ok_or_else(|| E::custom("a number that is not finite"))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Int, E> {
                Ok(Int::Text {
                    raw: v.to_owned(),
                    value: v.trim().parse().ok(),
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// Declares an enum of the values the guide names plus `Other(String)` for anything else, so
/// that an unknown value is reported by the rules engine instead of failing the import.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $text:literal ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value the guide does not list, kept as written.
            Other(String),
        }

        impl $name {
            /// Every value the guide lists, in the guide's order.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),+];

            /// The wire text of this value.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $text, )+
                    $name::Other(s) => s,
                }
            }

            /// Parses wire text; unknown text becomes `Other`.
            pub fn parse(s: &str) -> Self {
                match s {
                    $( $text => $name::$variant, )+
                    other => $name::Other(other.to_owned()),
                }
            }

            /// Whether this is one of the values the guide lists.
            pub fn is_known(&self) -> bool {
                !matches!(self, $name::Other(_))
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Ok(Self::parse(&s))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use open_enum;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int_keeps_its_form() {
        for text in [
            "1447397802",
            "\"1447397802\"",
            "\" 12 \"",
            "1.5",
            "18446744073709551615",
        ] {
            let v: Int = serde_json::from_str(text).unwrap();
            assert_eq!(serde_json::to_string(&v).unwrap(), text);
        }
        let v: Int = serde_json::from_str("\"12\"").unwrap();
        assert_eq!(v.get(), Some(12));
        let v: Int = serde_json::from_str("\"x\"").unwrap();
        assert_eq!(v.get(), None);
        assert!(serde_json::from_str::<Int>("true").is_err());
    }
}
