//! The open platform's side of a test: a simulator playing a third-party platform whose
//! authorization event URL and message URL are one test receiver (checking every push with the
//! platform's keys), and raw calls of `cgi-bin/component/*` as a platform's server makes them.

use coupon_studio::api::{ApiClient, AuthorizeScan, SandboxAdmin, TokenSource};
use coupon_studio::sandbox::{ComponentConfig, SandboxConfig, SandboxHandle, spawn};
use serde_json::{Value, json};

use super::receiver::{Got, Keys, Receiver};

/// The platform's AppID.
pub const COMPONENT_APPID: &str = "wxcomponent0000042";
/// Its AppSecret.
pub const COMPONENT_SECRET: &str = "componentSecret42";
/// The Token its pushes are signed with.
pub const COMPONENT_TOKEN: &str = "componentToken42";
/// Its EncodingAESKey.
pub const COMPONENT_AES_KEY: &str = "cPlatformTestKey0123456789abcdefghijklmnops";

/// The keys a platform's receiver checks with (any merchant's `ToUserName`).
pub fn keys() -> Keys {
    Keys {
        token: COMPONENT_TOKEN.into(),
        aes_key: COMPONENT_AES_KEY.into(),
        appid: COMPONENT_APPID.into(),
        to_user: None,
    }
}

/// The platform's settings for a receiver: events at `/auth`, messages at `/msg/$APPID$/cb`.
pub fn config(r: &Receiver) -> ComponentConfig {
    ComponentConfig {
        appid: COMPONENT_APPID.into(),
        secret: COMPONENT_SECRET.into(),
        token: COMPONENT_TOKEN.into(),
        aes_key: COMPONENT_AES_KEY.into(),
        auth_url: Some(format!("{}/auth", r.base)),
        message_url: Some(format!("{}/msg/$APPID$/cb", r.base)),
    }
}

/// A merchant that authorized the platform, as the platform knows it.
#[derive(Clone, Debug)]
pub struct Merchant {
    /// Its AppID.
    pub appid: String,
    /// The authorizer token from api_query_auth.
    pub token: String,
    /// The refresh token.
    pub refresh: String,
}

/// A simulator playing the test platform, and the platform's receiver.
pub struct Platform {
    /// The simulator.
    pub handle: SandboxHandle,
    /// Its base URL.
    pub base: String,
    /// The HTTP client of raw calls.
    pub http: reqwest::Client,
    /// The receiver of the platform's pushes.
    pub r: Receiver,
}

impl Platform {
    /// A fresh simulator playing the test platform.
    pub async fn start() -> Self {
        Self::start_with(SandboxConfig::default()).await
    }

    /// A simulator with `config` (its `component` set here) playing the test platform.
    pub async fn start_with(config: SandboxConfig) -> Self {
        let r = Receiver::start_with(keys(), vec![]).await;
        let handle = spawn(SandboxConfig {
            component: Some(self::config(&r)),
            ..config
        })
        .await
        .unwrap();
        Self {
            base: handle.url(),
            handle,
            http: reqwest::Client::new(),
            r,
        }
    }

    /// The admin API (the default merchant's).
    pub fn admin(&self) -> SandboxAdmin {
        SandboxAdmin::with_http(self.http.clone(), &self.base)
    }

    /// POSTs `body` to a component path, with `token` as `component_access_token`.
    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Value {
        let url = match token {
            Some(t) => format!("{}{path}?component_access_token={t}", self.base),
            None => format!("{}{path}", self.base),
        };
        let r = self.http.post(url).json(&body).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        r.json().await.unwrap()
    }

    /// A WeChat call (`body` POSTed, or GET when `None`) with `token` as `access_token`.
    pub async fn wechat(&self, path: &str, token: &str, body: Option<Value>) -> Value {
        let sep = if path.contains('?') { '&' } else { '?' };
        let url = format!("{}{path}{sep}access_token={token}", self.base);
        let req = match body {
            Some(b) => self.http.post(url).json(&b),
            None => self.http.get(url),
        };
        req.send().await.unwrap().json().await.unwrap()
    }

    /// The verify tickets received, oldest first.
    pub fn tickets(&self) -> Vec<Got> {
        self.r
            .got()
            .into_iter()
            .filter(|g| g.event() == "component_verify_ticket")
            .collect()
    }

    /// The newest verify ticket, once the receiver has it.
    pub async fn ticket(&self) -> String {
        let shown = self.admin().platform().await.unwrap();
        let current = shown["verify_ticket"]["ticket"]
            .as_str()
            .unwrap()
            .to_owned();
        let got = self
            .r
            .wait_for("component_verify_ticket", |g| {
                g.get("ComponentVerifyTicket") == current
            })
            .await;
        got.get("ComponentVerifyTicket").to_owned()
    }

    /// A component_access_token, from the newest ticket.
    pub async fn component_token(&self) -> String {
        let ticket = self.ticket().await;
        let v = self
            .post(
                "/cgi-bin/component/api_component_token",
                None,
                json!({
                    "component_appid": COMPONENT_APPID,
                    "component_appsecret": COMPONENT_SECRET,
                    "component_verify_ticket": ticket,
                }),
            )
            .await;
        v["component_access_token"]
            .as_str()
            .unwrap_or_else(|| panic!("{v}"))
            .to_owned()
    }

    /// A fresh pre_auth_code.
    pub async fn preauth(&self, ctoken: &str) -> String {
        let v = self
            .post(
                "/cgi-bin/component/api_create_preauthcode",
                Some(ctoken),
                json!({ "component_appid": COMPONENT_APPID }),
            )
            .await;
        v["pre_auth_code"]
            .as_str()
            .unwrap_or_else(|| panic!("{v}"))
            .to_owned()
    }

    /// `api_query_auth` of `code`, the answer as sent.
    pub async fn query_auth(&self, ctoken: &str, code: &str) -> Value {
        self.post(
            "/cgi-bin/component/api_query_auth",
            Some(ctoken),
            json!({"component_appid": COMPONENT_APPID, "authorization_code": code}),
        )
        .await
    }

    /// The merchant `appid` (new, named `name`) scans the authorization page; the platform
    /// exchanges the code for its tokens.
    pub async fn authorize(&self, ctoken: &str, appid: &str, name: &str) -> Merchant {
        let pre = self.preauth(ctoken).await;
        let scan = AuthorizeScan {
            pre_auth_code: &pre,
            appid: Some(appid),
            name: Some(name),
            ..AuthorizeScan::default()
        };
        let done = self.admin().authorize(&scan).await.unwrap();
        let v = self.query_auth(ctoken, &done.auth_code).await;
        let info = &v["authorization_info"];
        assert_eq!(info["authorizer_appid"], appid, "{v}");
        Merchant {
            appid: appid.to_owned(),
            token: info["authorizer_access_token"].as_str().unwrap().to_owned(),
            refresh: info["authorizer_refresh_token"]
                .as_str()
                .unwrap()
                .to_owned(),
        }
    }

    /// The app's client acting for a merchant with its authorizer token.
    pub fn client(&self, m: &Merchant) -> ApiClient {
        ApiClient::new(&self.base, TokenSource::Fixed(m.token.clone())).unwrap()
    }
}
