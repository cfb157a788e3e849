//! Where the simulator's pushes go and how they are wrapped, as WeChat wraps them for the URL
//! configured in 公众平台 (服务器配置): the query carries `signature`, `timestamp`, `nonce` and
//! `openid`; in safe mode (an EncodingAESKey given) also `encrypt_type=aes` and
//! `msg_signature`, and the body is `<xml><ToUserName/><Encrypt/></xml>`. The signatures and
//! the AES envelope are `wxpush`'s, the same code the company server reads them with.

use serde_json::{Value, json};

use crate::wxpush::{Push, PushCrypto, sha1_hex, signature};

/// The AppID the envelope names when neither a push AppID nor `--appid` was given.
pub const SANDBOX_APPID: &str = "wxsandbox000000000";

/// The push settings of `coupon-studio sandbox --push-url … --push-token … [--push-aes-key …]
/// [--push-appid …]`, or of the admin call `POST /sandbox/push/target`.
#[derive(Clone, PartialEq, Eq)]
pub struct PushConfig {
    /// The merchant server's URL (any http or https URL).
    pub url: String,
    /// The Token of 公众平台's server configuration: every push is signed with it.
    pub token: String,
    /// The EncodingAESKey (43 characters): safe mode. `None`: plain mode, signature only.
    pub aes_key: Option<String>,
    /// The AppID the envelope names; `None`: the simulator's `--appid`, else
    /// [`SANDBOX_APPID`].
    pub appid: Option<String>,
}

impl std::fmt::Debug for PushConfig {
    // Never print the token or the key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PushConfig")
            .field("url", &shown_url(&self.url))
            .field("safe_mode", &self.aes_key.is_some())
            .field("appid", &self.appid)
            .finish_non_exhaustive()
    }
}

/// Why push settings cannot be used. The texts never carry the token or the key.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PushConfigError {
    /// Not an http(s) URL.
    #[error("the push URL must be an http:// or https:// URL")]
    Url,
    /// An empty token.
    #[error("the push token must not be empty")]
    Token,
    /// A key that is not 43 base64 characters.
    #[error("{0}")]
    Key(crate::wxpush::CryptoError),
}

/// A URL as shown in answers and logs: without user information and query, which may hold
/// secrets.
fn shown_url(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(mut u) => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.set_query(None);
            u.to_string()
        }
        Err(_) => "(not a URL)".into(),
    }
}

/// The account's original id (`gh_` and 12 hex digits) for an AppID: the `ToUserName` of
/// every push. Derived, so the same AppID always gives the same id.
pub fn original_id(appid: &str) -> String {
    let hex = sha1_hex(appid.as_bytes());
    format!("gh_{}", hex.get(..12).unwrap_or_default())
}

/// A checked push target.
#[derive(Clone)]
pub struct PushTarget {
    url: url::Url,
    token: String,
    crypto: Option<PushCrypto>,
    appid: String,
    to_user: String,
}

impl std::fmt::Debug for PushTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PushTarget({})", self.describe())
    }
}

impl PushTarget {
    /// Checks `config`; `default_appid` is used when it names none.
    pub fn new(config: &PushConfig, default_appid: &str) -> Result<Self, PushConfigError> {
        let url = url::Url::parse(config.url.trim()).map_err(|_| PushConfigError::Url)?;
        if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
            return Err(PushConfigError::Url);
        }
        if config.token.is_empty() {
            return Err(PushConfigError::Token);
        }
        let appid = config
            .appid
            .clone()
            .filter(|a| !a.trim().is_empty())
            .unwrap_or_else(|| default_appid.to_owned());
        let crypto = config
            .aes_key
            .as_deref()
            .map(|key| PushCrypto::new(&config.token, key.trim(), &appid))
            .transpose()
            .map_err(PushConfigError::Key)?;
        Ok(Self {
            url,
            token: config.token.clone(),
            crypto,
            to_user: original_id(&appid),
            appid,
        })
    }

    /// `safe` (AES) or `plain`.
    pub fn mode(&self) -> &'static str {
        if self.crypto.is_some() {
            "safe"
        } else {
            "plain"
        }
    }

    /// The account's original id, every push's `ToUserName`.
    pub fn to_user(&self) -> &str {
        &self.to_user
    }

    /// What `GET /sandbox/pushes` shows of it (no token, no key).
    pub fn describe(&self) -> Value {
        json!({
            "url": shown_url(self.url.as_str()),
            "mode": self.mode(),
            "appid": self.appid,
            "to_user_name": self.to_user,
        })
    }

    /// One delivery of the push body `xml` from `openid`, signed with `timestamp` and
    /// `nonce` (and in safe mode encrypted with the 16 `random` bytes): the URL with its
    /// query, and the body.
    pub fn envelope(
        &self,
        xml: &str,
        openid: &str,
        timestamp: i64,
        nonce: &str,
        random: [u8; 16],
    ) -> (url::Url, String) {
        let ts = timestamp.to_string();
        let mut url = self.url.clone();
        let body = {
            let mut q = url.query_pairs_mut();
            q.append_pair("signature", &signature(&[&self.token, &ts, nonce]))
                .append_pair("timestamp", &ts)
                .append_pair("nonce", nonce)
                .append_pair("openid", openid);
            match &self.crypto {
                None => xml.to_owned(),
                Some(crypto) => {
                    let encrypt = crypto.encrypt(xml, random);
                    q.append_pair("encrypt_type", "aes")
                        .append_pair("msg_signature", &crypto.msg_signature(&ts, nonce, &encrypt));
                    Push::new()
                        .text("ToUserName", self.to_user.as_str())
                        .text("Encrypt", encrypt)
                        .to_xml()
                }
            }
        };
        (url, body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

    fn config(key: Option<&str>) -> PushConfig {
        PushConfig {
            url: "https://user:pw@merchant.example/wechat?k=secret".into(),
            token: "tok3n".into(),
            aes_key: key.map(str::to_owned),
            appid: Some("wx0123456789abcdef".into()),
        }
    }

    fn query(url: &url::Url, key: &str) -> String {
        url.query_pairs()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    }

    #[test]
    fn a_safe_push_verifies_and_opens_with_the_receivers_keys() {
        let target = PushTarget::new(&config(Some(KEY)), SANDBOX_APPID).unwrap();
        assert_eq!(target.mode(), "safe");
        let xml = "<xml><Event><![CDATA[user_get_card]]></Event></xml>";
        let (url, body) = target.envelope(xml, "oUser", 1_700_000_000, "12345", [9; 16]);
        // The URL's own query stays, WeChat's members follow it.
        assert_eq!(query(&url, "k"), "secret");
        assert_eq!(query(&url, "encrypt_type"), "aes");
        assert_eq!(query(&url, "openid"), "oUser");
        let receiver = PushCrypto::new("tok3n", KEY, "wx0123456789abcdef").unwrap();
        receiver
            .verify("1700000000", "12345", &query(&url, "signature"))
            .unwrap();
        let outer = Push::parse(body.as_bytes()).unwrap();
        assert_eq!(outer.get("ToUserName"), Some(target.to_user()));
        let encrypt = outer.get("Encrypt").unwrap();
        receiver
            .verify_msg(
                "1700000000",
                "12345",
                encrypt,
                &query(&url, "msg_signature"),
            )
            .unwrap();
        assert_eq!(receiver.decrypt(encrypt).unwrap(), xml);
    }

    #[test]
    fn a_plain_push_is_the_xml_itself_signed() {
        let target = PushTarget::new(&config(None), SANDBOX_APPID).unwrap();
        assert_eq!(target.mode(), "plain");
        let (url, body) = target.envelope("<xml/>", "oUser", 7, "n", [0; 16]);
        assert_eq!(body, "<xml/>");
        assert_eq!(query(&url, "signature"), signature(&["tok3n", "7", "n"]));
        assert_eq!(query(&url, "encrypt_type"), "");
    }

    #[test]
    fn bad_settings_are_refused_and_nothing_secret_is_shown() {
        let mut bad = config(None);
        bad.url = "ftp://merchant.example/".into();
        assert_eq!(
            PushTarget::new(&bad, SANDBOX_APPID).unwrap_err(),
            PushConfigError::Url
        );
        bad.url = "https://merchant.example/".into();
        bad.token.clear();
        assert_eq!(
            PushTarget::new(&bad, SANDBOX_APPID).unwrap_err(),
            PushConfigError::Token
        );
        assert!(PushTarget::new(&config(Some("short")), SANDBOX_APPID).is_err());
        let target = PushTarget::new(&config(Some(KEY)), SANDBOX_APPID).unwrap();
        for shown in [
            format!("{target:?}"),
            format!("{:?}", config(Some(KEY))),
            target.describe().to_string(),
        ] {
            for secret in ["tok3n", KEY, "pw", "k=secret"] {
                assert!(!shown.contains(secret), "{shown}");
            }
        }
        // Without an AppID of its own, the default one; the original id follows from it.
        let mut no_appid = config(None);
        no_appid.appid = None;
        let t = PushTarget::new(&no_appid, "wxdefault").unwrap();
        assert_eq!(t.describe()["appid"], "wxdefault");
        assert_eq!(t.to_user(), original_id("wxdefault"));
        assert!(t.to_user().starts_with("gh_") && t.to_user().len() == 15);
    }
}
