//! Where the simulator's pushes go and how they are wrapped, as WeChat wraps them for the URL
//! configured in 公众平台 (服务器配置): the query carries `signature`, `timestamp`, `nonce` and
//! `openid`; in safe mode (an EncodingAESKey given) also `encrypt_type=aes` and
//! `msg_signature`, and the body is `<xml><ToUserName/><Encrypt/></xml>`. The signatures and
//! the AES envelope are `wxpush`'s, the same code the company server reads them with.
//!
//! The open platform's pushes ([`ComponentConfig`]) are always in safe mode, with the
//! platform's Token and EncodingAESKey and the envelope naming the platform's AppID: those of
//! its authorization event URL (`<xml><AppId/><Encrypt/></xml>`, no `openid`), and the card
//! events of an authorized merchant at its message URL, whose `$APPID$` becomes the merchant's
//! AppID.

use serde_json::{Value, json};

use super::spec::component::APPID_PLACEHOLDER;
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
    /// A platform without an AppID or an AppSecret.
    #[error("the platform needs its AppID and AppSecret")]
    Component,
    /// A message URL without the `$APPID$` WeChat replaces with the merchant's AppID.
    #[error("the platform's message URL must contain $APPID$")]
    MessageUrl,
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

/// What the outer XML names beside `Encrypt`.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Outer {
    /// `ToUserName`, the account's original id (card events; `openid` in the query).
    ToUser(String),
    /// `AppId`, the platform's (its authorization event URL; no `openid`).
    AppId(String),
}

/// A checked push target.
#[derive(Clone)]
pub struct PushTarget {
    url: url::Url,
    token: String,
    crypto: Option<PushCrypto>,
    appid: String,
    outer: Outer,
}

impl std::fmt::Debug for PushTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PushTarget({})", self.describe())
    }
}

/// An http(s) URL with a host.
fn http_url(raw: &str) -> Result<url::Url, PushConfigError> {
    let url = url::Url::parse(raw.trim()).map_err(|_| PushConfigError::Url)?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(PushConfigError::Url);
    }
    Ok(url)
}

impl PushTarget {
    /// Checks `config`; `default_appid` is used when it names none.
    pub fn new(config: &PushConfig, default_appid: &str) -> Result<Self, PushConfigError> {
        let url = http_url(&config.url)?;
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
            outer: Outer::ToUser(original_id(&appid)),
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

    /// The account's original id, every card event's `ToUserName` (empty for the platform's
    /// authorization event URL).
    pub fn to_user(&self) -> &str {
        match &self.outer {
            Outer::ToUser(gh) => gh,
            Outer::AppId(_) => "",
        }
    }

    /// What `GET /sandbox/pushes` shows of it (no token, no key).
    pub fn describe(&self) -> Value {
        let mut shown = json!({
            "url": shown_url(self.url.as_str()),
            "mode": self.mode(),
            "appid": self.appid,
        });
        if let Outer::ToUser(gh) = &self.outer {
            shown["to_user_name"] = json!(gh);
        }
        shown
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
                .append_pair("nonce", nonce);
            if let Outer::ToUser(_) = self.outer {
                q.append_pair("openid", openid);
            }
            match &self.crypto {
                None => xml.to_owned(),
                Some(crypto) => {
                    let encrypt = crypto.encrypt(xml, random);
                    q.append_pair("encrypt_type", "aes")
                        .append_pair("msg_signature", &crypto.msg_signature(&ts, nonce, &encrypt));
                    let outer = match &self.outer {
                        Outer::ToUser(gh) => Push::new().text("ToUserName", gh.as_str()),
                        Outer::AppId(appid) => Push::new().text("AppId", appid.as_str()),
                    };
                    outer.text("Encrypt", encrypt).to_xml()
                }
            }
        };
        (url, body)
    }
}

/// The open platform the simulator plays (`coupon-studio sandbox --component-appid …`, or the
/// admin call `POST /sandbox/platform/config`): its credentials, the keys its pushes are
/// encrypted with, and its two URLs.
#[derive(Clone, PartialEq, Eq)]
pub struct ComponentConfig {
    /// The platform's AppID (component_appid).
    pub appid: String,
    /// Its AppSecret (component_appsecret).
    pub secret: String,
    /// The Token of its settings (消息校验Token): every push is signed with it.
    pub token: String,
    /// Its EncodingAESKey (消息加解密Key, 43 characters): the platform's pushes are always
    /// encrypted.
    pub aes_key: String,
    /// 授权事件接收URL: where verify tickets and authorization events go; `None`: not pushed.
    pub auth_url: Option<String>,
    /// 消息与事件接收URL, with `$APPID$` where the merchant's AppID goes: where an authorized
    /// merchant's card events go; `None`: they go nowhere.
    pub message_url: Option<String>,
}

impl std::fmt::Debug for ComponentConfig {
    // Never print the secret, the token or the key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ComponentConfig")
            .field("appid", &self.appid)
            .field("auth_url", &self.auth_url.as_deref().map(shown_url))
            .field("message_url", &self.message_url.as_deref().map(shown_url))
            .finish_non_exhaustive()
    }
}

/// A checked [`ComponentConfig`].
#[derive(Clone)]
pub struct Component {
    appid: String,
    secret: String,
    token: String,
    crypto: PushCrypto,
    auth: Option<PushTarget>,
    message: Option<String>,
}

impl std::fmt::Debug for Component {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Component({})", self.describe())
    }
}

impl Component {
    /// Checks `config`: an AppID and an AppSecret, a Token, a valid EncodingAESKey, http(s)
    /// URLs, and `$APPID$` in the message URL.
    pub fn new(config: &ComponentConfig) -> Result<Self, PushConfigError> {
        let appid = config.appid.trim().to_owned();
        if appid.is_empty() || config.secret.is_empty() {
            return Err(PushConfigError::Component);
        }
        if config.token.is_empty() {
            return Err(PushConfigError::Token);
        }
        let crypto = PushCrypto::new(&config.token, config.aes_key.trim(), &appid)
            .map_err(PushConfigError::Key)?;
        let auth = config
            .auth_url
            .as_deref()
            .map(|raw| {
                Ok::<_, PushConfigError>(PushTarget {
                    url: http_url(raw)?,
                    token: config.token.clone(),
                    crypto: Some(crypto.clone()),
                    appid: appid.clone(),
                    outer: Outer::AppId(appid.clone()),
                })
            })
            .transpose()?;
        let message = config.message_url.as_deref().map(str::trim);
        if let Some(raw) = message {
            if !raw.contains(APPID_PLACEHOLDER) {
                return Err(PushConfigError::MessageUrl);
            }
            http_url(&raw.replace(APPID_PLACEHOLDER, "wx0"))?;
        }
        Ok(Self {
            secret: config.secret.clone(),
            token: config.token.clone(),
            crypto,
            auth,
            message: message.map(str::to_owned),
            appid,
        })
    }

    /// The platform's AppID.
    pub fn appid(&self) -> &str {
        &self.appid
    }

    /// Whether `secret` is the platform's AppSecret (compared in constant time).
    pub fn secret_is(&self, secret: &str) -> bool {
        use subtle::ConstantTimeEq;
        secret.as_bytes().ct_eq(self.secret.as_bytes()).into()
    }

    /// Where verify tickets and authorization events go.
    pub fn auth_target(&self) -> Option<&PushTarget> {
        self.auth.as_ref()
    }

    /// Where the card events of the authorized merchant `appid` go: the message URL with its
    /// `$APPID$` replaced, signed and encrypted with the platform's keys, `ToUserName` the
    /// merchant's original id.
    pub fn message_target(&self, appid: &str) -> Option<PushTarget> {
        let raw = self.message.as_deref()?.replace(APPID_PLACEHOLDER, appid);
        let url = http_url(&raw).ok()?;
        Some(PushTarget {
            url,
            token: self.token.clone(),
            crypto: Some(self.crypto.clone()),
            appid: self.appid.clone(),
            outer: Outer::ToUser(original_id(appid)),
        })
    }

    /// What the admin API shows of it (no secret, token or key).
    pub fn describe(&self) -> Value {
        json!({
            "component_appid": self.appid,
            "auth_url": self.auth.as_ref().map(|t| shown_url(t.url.as_str())),
            "message_url": self.message.as_deref().map(shown_url),
            "mode": "safe",
        })
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
    fn component(message: Option<&str>) -> ComponentConfig {
        ComponentConfig {
            appid: "wxcomponent1".into(),
            secret: "c0mpSecret".into(),
            token: "c0mpToken".into(),
            aes_key: KEY.into(),
            auth_url: Some("https://platform.example/auth?k=secret".into()),
            message_url: message.map(str::to_owned),
        }
    }

    #[test]
    fn a_platform_pushes_its_events_under_its_appid_and_a_merchants_at_the_message_url() {
        let c =
            Component::new(&component(Some("https://platform.example/msg/$APPID$/cb"))).unwrap();
        assert!(c.secret_is("c0mpSecret") && !c.secret_is("c0mpSecre"));
        // The authorization event URL: outer AppId, no openid, the platform's keys.
        let (url, body) = c
            .auth_target()
            .unwrap()
            .envelope("<xml/>", "", 9, "n", [1; 16]);
        assert_eq!(query(&url, "openid"), "");
        assert_eq!(query(&url, "encrypt_type"), "aes");
        let outer = Push::parse(body.as_bytes()).unwrap();
        assert_eq!(outer.get("AppId"), Some("wxcomponent1"));
        assert_eq!(outer.get("ToUserName"), None);
        let receiver = PushCrypto::new("c0mpToken", KEY, "wxcomponent1").unwrap();
        assert_eq!(
            receiver.decrypt(outer.get("Encrypt").unwrap()).unwrap(),
            "<xml/>"
        );
        // The message URL: $APPID$ replaced, ToUserName the merchant's, the platform's keys.
        let t = c.message_target("wxmerchant9").unwrap();
        let (url, body) = t.envelope("<xml/>", "oUser", 9, "n", [1; 16]);
        assert_eq!(url.path(), "/msg/wxmerchant9/cb");
        assert_eq!(query(&url, "openid"), "oUser");
        let outer = Push::parse(body.as_bytes()).unwrap();
        assert_eq!(
            outer.get("ToUserName"),
            Some(original_id("wxmerchant9").as_str())
        );
        assert_eq!(
            receiver.decrypt(outer.get("Encrypt").unwrap()).unwrap(),
            "<xml/>"
        );
        // Nothing shown carries a secret.
        for shown in [
            format!("{c:?}"),
            format!("{:?}", component(None)),
            c.describe().to_string(),
        ] {
            for secret in ["c0mpSecret", "c0mpToken", KEY, "k=secret"] {
                assert!(!shown.contains(secret), "{shown}");
            }
        }
    }

    #[test]
    fn a_platform_needs_its_credentials_keys_and_the_appid_placeholder() {
        assert!(
            Component::new(&component(None))
                .unwrap()
                .message_target("wx1")
                .is_none()
        );
        assert_eq!(
            Component::new(&component(Some("https://platform.example/msg"))).unwrap_err(),
            PushConfigError::MessageUrl
        );
        let mut bad = component(None);
        bad.secret.clear();
        assert_eq!(
            Component::new(&bad).unwrap_err(),
            PushConfigError::Component
        );
        let mut bad = component(None);
        bad.aes_key = "short".into();
        assert!(matches!(Component::new(&bad), Err(PushConfigError::Key(_))));
        let mut bad = component(None);
        bad.auth_url = Some("ftp://platform.example/".into());
        assert_eq!(Component::new(&bad).unwrap_err(), PushConfigError::Url);
    }
}
