//! API keys: one per person, 256 random bits shown once, stored as their SHA-256 (a key is
//! as random as a hash, so a slow password hash would add nothing), checked in constant time.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::storage::KeyHash;

/// Every key starts with this, so that a key pasted in the wrong place is recognisable (and
/// a secret scanner can find one committed by mistake).
pub const KEY_PREFIX: &str = "csk_";

/// A new key: the prefix and 32 random bytes in URL-safe base64.
pub fn generate() -> String {
    // rand's thread RNG is a CSPRNG seeded from the operating system.
    let bytes: [u8; 32] = rand::random();
    format!("{KEY_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// The stored form of a key: SHA-256, lowercase hex.
pub fn hash(key: &str) -> String {
    Sha256::digest(key.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whose key `presented` is, among the active ones (its holder and scope). Every stored hash
/// is compared, each in constant time, so the answer's timing says nothing about how close a
/// guess came.
pub fn holder<'a>(presented: &str, active: &'a [KeyHash]) -> Option<&'a KeyHash> {
    let h = hash(presented.trim());
    let mut found = None;
    for k in active {
        if k.hash.len() == h.len() && bool::from(k.hash.as_bytes().ct_eq(h.as_bytes())) {
            found = Some(k);
        }
    }
    found
}

/// Whether `appid` can name a merchant of a key's scope: 1–32 ASCII letters, digits, `_`
/// or `-` (WeChat's AppIDs are `wx` and 16 hex digits).
pub fn valid_merchant(appid: &str) -> bool {
    (1..=32).contains(&appid.len())
        && appid
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// A name for a key: what a person is called, without control characters, 1–64 characters.
pub fn valid_name(name: &str) -> bool {
    let n = name.trim();
    !n.is_empty() && n.chars().count() <= 64 && !n.chars().any(char::is_control) && n == name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_found_by_its_hash_and_only_then() {
        let a = generate();
        let b = generate();
        assert_ne!(a, b);
        assert!(a.starts_with(KEY_PREFIX) && a.len() == KEY_PREFIX.len() + 43);
        let active = vec![
            KeyHash {
                name: "王芳".into(),
                hash: hash(&a),
                merchants: None,
            },
            KeyHash {
                name: "li".into(),
                hash: hash(&b),
                merchants: Some(vec!["wxA".into()]),
            },
        ];
        assert_eq!(holder(&a, &active).map(|k| k.name.as_str()), Some("王芳"));
        let li = holder(&b, &active).unwrap();
        assert_eq!(
            (li.name.as_str(), li.merchants.as_deref()),
            ("li", Some(&["wxA".to_owned()][..]))
        );
        assert_eq!(holder(&format!("{a}x"), &active), None);
        assert_eq!(holder("", &active), None);
        // The SHA-256 of "abc", as published in FIPS 180-2.
        assert_eq!(
            hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn names_are_plain_text() {
        assert!(valid_name("王芳"));
        assert!(!valid_name(""));
        assert!(!valid_name(" a"));
        assert!(!valid_name("a\nb"));
        assert!(!valid_name(&"x".repeat(65)));
        assert!(valid_merchant("wx1234567890abcdef"));
        assert!(!valid_merchant("wx 1") && !valid_merchant("") && !valid_merchant(&"w".repeat(33)));
    }
}
