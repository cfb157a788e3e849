//! Signatures and the safe-mode envelope (AES-256-CBC with the EncodingAESKey).
//!
//! The envelope's plaintext is `random(16) ‖ len(msg) as u32 big-endian ‖ msg ‖ appid`,
//! padded PKCS#7-style to a multiple of **32** bytes (not AES's 16: WeChat's own choice), then
//! AES-256-CBC with key = base64(EncodingAESKey + "=") and IV = the key's first 16 bytes,
//! then base64.

use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit, block_padding::NoPadding};
use base64::Engine;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use sha1::{Digest, Sha1};
use subtle::ConstantTimeEq;

type Enc = cbc::Encryptor<aes::Aes256>;
type Dec = cbc::Decryptor<aes::Aes256>;

/// An EncodingAESKey is 43 characters whose last one carries 2 bits that are not part of the
/// key; 公众平台 does not zero them, so the strict decoder would refuse most keys.
const KEY_BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
);

/// WeChat pads to 32-byte blocks.
const PAD_BLOCK: usize = 32;

/// Why a push could not be opened or a key could not be used. Never carries the key, the
/// token or the plaintext: these errors reach logs.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
    /// The EncodingAESKey is not 43 characters of base64 for 32 bytes.
    #[error("the EncodingAESKey must be 43 base64 characters (32 bytes)")]
    BadKey,
    /// `Encrypt` is not base64, or not a whole number of AES blocks.
    #[error("the Encrypt member is not base64 of whole AES blocks")]
    NotBase64,
    /// The padding, length prefix or UTF-8 inside is wrong: a wrong key, or a forged body.
    #[error("the decrypted body is malformed (wrong key or forged)")]
    Malformed,
    /// The body was encrypted for another AppID.
    #[error("the push was encrypted for another appid")]
    WrongAppId,
    /// The signature does not match.
    #[error("the signature does not match")]
    BadSignature,
}

/// SHA1 of `parts` sorted as byte strings and concatenated, as lowercase hex: WeChat's
/// signature of a push (`signature` with token, timestamp, nonce; `msg_signature` with the
/// `Encrypt` text as a fourth part).
pub fn signature(parts: &[&str]) -> String {
    let mut sorted = parts.to_vec();
    sorted.sort_unstable();
    sha1_hex(sorted.concat().as_bytes())
}

/// SHA1 as lowercase hex.
pub fn sha1_hex(bytes: &[u8]) -> String {
    Sha1::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Compares two signatures in constant time (a timing leak would let a forger guess one byte
/// at a time).
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// One account's push keys: the Token of 公众平台's server configuration, the EncodingAESKey
/// and the AppID the envelope names.
#[derive(Clone)]
pub struct PushCrypto {
    token: String,
    key: [u8; 32],
    appid: String,
}

impl std::fmt::Debug for PushCrypto {
    // Never print the token or the key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PushCrypto({})", self.appid)
    }
}

impl PushCrypto {
    /// Keys from 公众平台's settings; fails when the EncodingAESKey is not 43 base64 characters.
    pub fn new(token: &str, encoding_aes_key: &str, appid: &str) -> Result<Self, CryptoError> {
        if encoding_aes_key.len() != 43 {
            return Err(CryptoError::BadKey);
        }
        let bytes = KEY_BASE64
            .decode(format!("{encoding_aes_key}="))
            .map_err(|_| CryptoError::BadKey)?;
        let key: [u8; 32] = bytes.try_into().map_err(|_| CryptoError::BadKey)?;
        Ok(Self {
            token: token.to_owned(),
            key,
            appid: appid.to_owned(),
        })
    }

    /// The AppID the envelope carries.
    pub fn appid(&self) -> &str {
        &self.appid
    }

    /// The plain-mode `signature` of a timestamp and nonce.
    pub fn signature(&self, timestamp: &str, nonce: &str) -> String {
        signature(&[&self.token, timestamp, nonce])
    }

    /// The safe-mode `msg_signature` of a timestamp, nonce and `Encrypt` text.
    pub fn msg_signature(&self, timestamp: &str, nonce: &str, encrypt: &str) -> String {
        signature(&[&self.token, timestamp, nonce, encrypt])
    }

    /// Checks a plain-mode `signature` (also sent in safe mode, and on the URL check).
    pub fn verify(&self, timestamp: &str, nonce: &str, given: &str) -> Result<(), CryptoError> {
        if same(&self.signature(timestamp, nonce), given) {
            Ok(())
        } else {
            Err(CryptoError::BadSignature)
        }
    }

    /// Checks a safe-mode `msg_signature`.
    pub fn verify_msg(
        &self,
        timestamp: &str,
        nonce: &str,
        encrypt: &str,
        given: &str,
    ) -> Result<(), CryptoError> {
        if same(&self.msg_signature(timestamp, nonce, encrypt), given) {
            Ok(())
        } else {
            Err(CryptoError::BadSignature)
        }
    }

    /// Encrypts `msg` into the `Encrypt` text, with `random` as the 16-byte prefix (fresh
    /// random bytes for every push; fixed only in tests).
    pub fn encrypt(&self, msg: &str, random: [u8; 16]) -> String {
        let msg = msg.as_bytes();
        let mut plain = Vec::with_capacity(20 + msg.len() + self.appid.len() + PAD_BLOCK);
        plain.extend_from_slice(&random);
        // A push is far below 4 GiB (the server refuses bodies over MAX_BODY).
        plain.extend_from_slice(&u32::try_from(msg.len()).unwrap_or(u32::MAX).to_be_bytes());
        plain.extend_from_slice(msg);
        plain.extend_from_slice(self.appid.as_bytes());
        let pad = PAD_BLOCK - plain.len() % PAD_BLOCK;
        // pad is 1..=32, so it fits a byte.
        plain.extend(std::iter::repeat_n(pad as u8, pad));
        let len = plain.len();
        let iv: [u8; 16] = self.iv();
        let out = Enc::new(&self.key.into(), &iv.into())
            .encrypt_padded_mut::<NoPadding>(&mut plain, len)
            .map(<[u8]>::to_vec)
            .unwrap_or_default();
        STANDARD.encode(out)
    }

    /// Decrypts an `Encrypt` text into the XML it carries; refuses a body for another AppID.
    pub fn decrypt(&self, encrypt: &str) -> Result<String, CryptoError> {
        let mut data = STANDARD
            .decode(encrypt.trim())
            .map_err(|_| CryptoError::NotBase64)?;
        if data.is_empty() || data.len() % 16 != 0 {
            return Err(CryptoError::NotBase64);
        }
        let iv: [u8; 16] = self.iv();
        let plain = Dec::new(&self.key.into(), &iv.into())
            .decrypt_padded_mut::<NoPadding>(&mut data)
            .map_err(|_| CryptoError::NotBase64)?;
        let pad = usize::from(*plain.last().ok_or(CryptoError::Malformed)?);
        if !(1..=PAD_BLOCK).contains(&pad) || pad > plain.len() {
            return Err(CryptoError::Malformed);
        }
        let body = &plain[..plain.len() - pad];
        if body.len() < 20 {
            return Err(CryptoError::Malformed);
        }
        let len = u32::from_be_bytes([body[16], body[17], body[18], body[19]]) as usize;
        let rest = &body[20..];
        if len > rest.len() {
            return Err(CryptoError::Malformed);
        }
        let (msg, appid) = rest.split_at(len);
        if !same(
            std::str::from_utf8(appid).map_err(|_| CryptoError::Malformed)?,
            &self.appid,
        ) {
            return Err(CryptoError::WrongAppId);
        }
        String::from_utf8(msg.to_vec()).map_err(|_| CryptoError::Malformed)
    }

    fn iv(&self) -> [u8; 16] {
        let mut iv = [0u8; 16];
        iv.copy_from_slice(&self.key[..16]);
        iv
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // A key of 43 base64 characters, as 公众平台 generates.
    const KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

    fn crypto() -> PushCrypto {
        PushCrypto::new("pamtest", KEY, "wxb11529c136998cb6").unwrap()
    }

    #[test]
    fn the_plain_signature_is_the_sha1_of_the_sorted_parts() {
        // Sorted: "1409304348", "pamtest", "xxxxxx" → concatenated, then SHA1. The value was
        // computed once by hand: printf '%s' 1409304348pamtestxxxxxx | sha1sum
        let c = crypto();
        assert_eq!(
            c.signature("1409304348", "xxxxxx"),
            sha1_hex(b"1409304348pamtestxxxxxx")
        );
        assert!(
            c.verify("1409304348", "xxxxxx", &c.signature("1409304348", "xxxxxx"))
                .is_ok()
        );
        assert_eq!(
            c.verify("1409304348", "xxxxxy", &c.signature("1409304348", "xxxxxx")),
            Err(CryptoError::BadSignature)
        );
    }

    #[test]
    fn tencents_published_sample_verifies_and_opens() {
        // The values of Tencent's WXBizMsgCrypt demo (Sample.py, "测试解密接口"): a push
        // encrypted by WeChat's own code, so this checks interoperability, not a round trip.
        let c = PushCrypto::new(
            "spamtest",
            "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
            "wx2c2769f8efd9abc2",
        )
        .unwrap();
        let encrypt = "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=";
        c.verify_msg(
            "1409735669",
            "1320562132",
            encrypt,
            "5d197aaffba7e9b25a30732f161a50dee96bd5fa",
        )
        .unwrap();
        let xml = c.decrypt(encrypt).unwrap();
        assert!(xml.starts_with("<xml>"), "{xml}");
        assert!(xml.contains("abcdteT"), "{xml}");
    }

    #[test]
    fn a_body_round_trips_and_is_padded_to_32_bytes() {
        let c = crypto();
        for msg in ["", "<xml/>", &"汉".repeat(100)] {
            let enc = c.encrypt(msg, [7; 16]);
            let raw = STANDARD.decode(&enc).unwrap();
            assert_eq!(raw.len() % 32, 0, "{msg:?}");
            assert_eq!(c.decrypt(&enc).unwrap(), msg);
        }
    }

    #[test]
    fn another_appid_or_key_is_refused() {
        let c = crypto();
        let enc = c.encrypt("<xml/>", [1; 16]);
        let other = PushCrypto::new("pamtest", KEY, "wx0000000000000000").unwrap();
        assert_eq!(other.decrypt(&enc), Err(CryptoError::WrongAppId));
        let wrong_key = PushCrypto::new(
            "pamtest",
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefg",
            "wxb11529c136998cb6",
        )
        .unwrap();
        assert!(wrong_key.decrypt(&enc).is_err());
        assert_eq!(c.decrypt("not base64!"), Err(CryptoError::NotBase64));
        assert_eq!(c.decrypt("AAAA"), Err(CryptoError::NotBase64));
    }

    #[test]
    fn a_key_of_the_wrong_length_is_refused() {
        assert_eq!(
            PushCrypto::new("t", "short", "wx1").unwrap_err(),
            CryptoError::BadKey
        );
        assert_eq!(
            PushCrypto::new("t", &"!".repeat(43), "wx1").unwrap_err(),
            CryptoError::BadKey
        );
    }

    #[test]
    fn the_debug_form_names_no_secret() {
        let shown = format!("{:?}", crypto());
        assert!(
            !shown.contains("pamtest") && !shown.contains(KEY),
            "{shown}"
        );
    }
}
