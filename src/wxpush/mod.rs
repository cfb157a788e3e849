//! WeChat's event pushes on the wire: the signatures, the safe-mode AES envelope and the XML
//! body, shared by the simulator (which sends pushes as WeChat does) and the company server
//! (which receives them). No egui, no IO.
//!
//! The protocol is WeChat's "消息加解密" scheme (WXBizMsgCrypt), as the public SDKs implement
//! it (wechatpy `crypto`, WxJava `WxCryptUtil`):
//! - plain mode: the query carries `signature` = SHA1 of the sorted token, timestamp and nonce;
//! - safe mode: the body is `<xml><ToUserName/><Encrypt/></xml>`, the query adds
//!   `encrypt_type=aes` and `msg_signature` = SHA1 of the sorted token, timestamp, nonce and
//!   the `Encrypt` text;
//! - compatible mode: the plain members and `Encrypt` side by side in one body.

#![warn(missing_docs)]

mod crypto;
mod xml;

pub use crypto::{CryptoError, PushCrypto, sha1_hex, signature};
pub use xml::{MAX_BODY, Member, Push, XmlError};
