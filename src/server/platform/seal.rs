//! Secrets at rest: every ticket and token the platform keeps is sealed with AES-256-GCM
//! under the master key before it reaches the database, and bound to what it is (the
//! associated data names the kind and the merchant), so that a sealed value moved to another
//! row does not open. A wrong master key never yields garbage: GCM's tag refuses it, and the
//! server checks the key against a sealed sample at start.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};

/// The version prefix of a sealed text: another scheme later gets another prefix.
const PREFIX: &str = "v1:";
/// AES-GCM's nonce: 96 random bits per seal.
const NONCE_LEN: usize = 12;

/// The name of the server setting that holds the sealed sample.
pub const CHECK_SETTING: &str = "master_key_check";
/// What the sample holds.
const CHECK_TEXT: &str = "coupon-studio master key check";
/// The sample's associated data.
const CHECK_CONTEXT: &str = "master-key-check";

/// Why a master key or a sealed value is refused. Never carries the key or the secret.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    /// The key is not 32 bytes in hex or base64.
    #[error(
        "the master key must be 32 random bytes, as 64 hex digits or in base64 (e.g. `openssl rand -hex 32`)"
    )]
    BadKey,
    /// A sealed value does not open: another master key sealed it, or it was altered.
    #[error(
        "a sealed secret does not open with this master key (another key sealed it, or the database was altered)"
    )]
    WrongKey,
    /// A stored value is not a sealed text.
    #[error("a stored secret is not sealed text")]
    Malformed,
}

/// The master key: 32 bytes. `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct MasterKey([u8; 32]);

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(***)")
    }
}

impl MasterKey {
    /// Reads a key written as 64 hex digits or as base64 (standard or URL-safe, padded or
    /// not) of 32 bytes; surrounding white space is ignored.
    pub fn parse(text: &str) -> Result<Self, SealError> {
        let text = text.trim();
        let bytes = if text.len() == 64 && text.chars().all(|c| c.is_ascii_hexdigit()) {
            (0..32)
                .map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16))
                .collect::<Result<Vec<u8>, _>>()
                .map_err(|_| SealError::BadKey)?
        } else {
            [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
                .iter()
                .find_map(|engine| engine.decode(text).ok())
                .ok_or(SealError::BadKey)?
        };
        let key: [u8; 32] = bytes.try_into().map_err(|_| SealError::BadKey)?;
        Ok(Self(key))
    }

    /// A new random key (tests, and a suggestion in an error message).
    pub fn generate() -> Self {
        Self(rand::random())
    }

    /// The key as 64 hex digits, to write to a key file.
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Seals and opens secrets under the master key.
#[derive(Clone)]
pub struct Sealer {
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(***)")
    }
}

impl Sealer {
    /// A sealer with `key`.
    pub fn new(key: &MasterKey) -> Self {
        Self {
            cipher: Aes256Gcm::new((&key.0).into()),
        }
    }

    /// `secret` sealed for `context` (what it is and whose): `v1:` and the base64 of the
    /// nonce, the ciphertext and the tag.
    pub fn seal(&self, secret: &str, context: &str) -> String {
        let nonce: [u8; NONCE_LEN] = rand::random();
        let payload = Payload {
            msg: secret.as_bytes(),
            aad: context.as_bytes(),
        };
        // Encryption fails only for a message over 64 GiB: a token is a few hundred bytes.
        let sealed = self
            .cipher
            .encrypt(Nonce::from_slice(&nonce), payload)
            .unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(out))
    }

    /// The secret in `sealed`, if it was sealed with this key for `context`.
    pub fn open(&self, sealed: &str, context: &str) -> Result<String, SealError> {
        let body = sealed.strip_prefix(PREFIX).ok_or(SealError::Malformed)?;
        let bytes = URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|_| SealError::Malformed)?;
        if bytes.len() < NONCE_LEN + 16 {
            return Err(SealError::Malformed);
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let payload = Payload {
            msg: ciphertext,
            aad: context.as_bytes(),
        };
        let plain = self
            .cipher
            .decrypt(Nonce::from_slice(nonce), payload)
            .map_err(|_| SealError::WrongKey)?;
        String::from_utf8(plain).map_err(|_| SealError::Malformed)
    }

    /// The sample that tells at start whether this is the key the database was sealed with.
    pub fn check_sample(&self) -> String {
        self.seal(CHECK_TEXT, CHECK_CONTEXT)
    }

    /// Whether `sample` (from [`Self::check_sample`], kept in the database) opens with this
    /// key.
    pub fn verify_sample(&self, sample: &str) -> Result<(), SealError> {
        match self.open(sample, CHECK_CONTEXT)? {
            text if text == CHECK_TEXT => Ok(()),
            _ => Err(SealError::WrongKey),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_secret_opens_with_its_key_and_context_only() {
        let key = MasterKey::generate();
        let s = Sealer::new(&key);
        let secret = "refreshtoken@@@abcdef0123456789";
        let a = s.seal(secret, "refresh/wxc/wxA");
        let b = s.seal(secret, "refresh/wxc/wxA");
        assert_ne!(a, b, "a fresh nonce each time");
        assert!(!a.contains(secret) && a.starts_with("v1:"));
        assert_eq!(s.open(&a, "refresh/wxc/wxA").unwrap(), secret);
        // Moved to another merchant's row, it does not open.
        assert_eq!(s.open(&a, "refresh/wxc/wxB"), Err(SealError::WrongKey));
        // Another key: refused, never garbage.
        let other = Sealer::new(&MasterKey::generate());
        assert_eq!(other.open(&a, "refresh/wxc/wxA"), Err(SealError::WrongKey));
        // Altered: refused.
        let mut altered = a.clone().into_bytes();
        let last = altered.len() - 2;
        altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8(altered).unwrap();
        assert!(s.open(&altered, "refresh/wxc/wxA").is_err());
        assert_eq!(s.open("plain", "x"), Err(SealError::Malformed));
        assert_eq!(s.open("v1:AAAA", "x"), Err(SealError::Malformed));
        // The start check.
        let sample = s.check_sample();
        assert!(s.verify_sample(&sample).is_ok());
        assert_eq!(other.verify_sample(&sample), Err(SealError::WrongKey));
    }

    #[test]
    fn a_master_key_is_64_hex_digits_or_base64_of_32_bytes() {
        let key = MasterKey::generate();
        let hex = key.to_hex();
        assert_eq!(MasterKey::parse(&format!("  {hex}\n")).unwrap(), key);
        assert_eq!(MasterKey::parse(&hex.to_uppercase()).unwrap(), key);
        assert_eq!(MasterKey::parse(&STANDARD.encode(key.0)).unwrap(), key);
        assert_eq!(
            MasterKey::parse(&URL_SAFE_NO_PAD.encode(key.0)).unwrap(),
            key
        );
        for bad in [
            "",
            "abc",
            &hex[..62],
            &STANDARD.encode([0u8; 16]),
            "é".repeat(32).as_str(),
        ] {
            assert_eq!(MasterKey::parse(bad), Err(SealError::BadKey), "{bad}");
        }
        assert_eq!(format!("{key:?}"), "MasterKey(***)");
        assert!(!format!("{:?}", Sealer::new(&key)).contains(&hex));
    }
}
