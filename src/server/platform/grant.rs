//! Merchants come and go: the authorization link a merchant's admin scans, the exchange of
//! the authorization code that WeChat hands both the `authorized` push and the browser's
//! return to `/platform/callback`, and revocation, which deletes the merchant's tokens at once
//! and puts the `unauthorized` event in the merchant's stream, so that the laptops learn of it
//! with their next read of the events.

use futures_util::FutureExt;
use sha2::{Digest, Sha256};

use super::client::{Grant, Info};
use super::tokens::context;
use super::{Merchant, Platform, PlatformError};
use crate::server::storage::{AuthorizerRow, NewEvent};
use crate::wxpush::Push;

/// WeChat's authorization page (componentloginpage).
pub const LOGIN_PAGE: &str = "https://mp.weixin.qq.com/cgi-bin/componentloginpage";
/// The path of the page the merchant's browser returns to.
pub const CALLBACK_PATH: &str = "/platform/callback";
/// `auth_type` of the link: 1, official accounts (公众号) only: cards are theirs.
pub const AUTH_TYPE: u8 = 1;

/// The SHA-256 of an authorization code, lowercase hex: what a grant row remembers of it.
pub(super) fn code_hash(code: &str) -> String {
    Sha256::digest(code.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The authorization link for `pre_auth_code`, sending the browser back to `public_url`.
pub fn login_url(component_appid: &str, pre_auth_code: &str, public_url: &str) -> String {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("component_appid", component_appid)
        .append_pair("pre_auth_code", pre_auth_code)
        .append_pair("redirect_uri", &format!("{public_url}{CALLBACK_PATH}"))
        .append_pair("auth_type", &AUTH_TYPE.to_string())
        .finish();
    format!("{LOGIN_PAGE}?{query}")
}

impl Platform {
    /// A new authorization link (a fresh pre_auth_code) and the seconds it can be used.
    pub async fn authorization_link(&self) -> Result<(String, i64), PlatformError> {
        let public = self.public_url.clone().ok_or(PlatformError::NoPublicUrl)?;
        let (code, expires_in) = self
            .with_component_token(|ctoken| async move { self.client.preauth(&ctoken).await })
            .await?;
        Ok((login_url(self.appid(), &code, &public), expires_in))
    }

    /// Turns an authorization code into the merchant's tokens and keeps them. The push and
    /// the browser's return both bring the code: under the platform's grant lock, the second
    /// finds the grant made and asks WeChat nothing.
    pub async fn exchange(&self, code: &str) -> Result<Merchant, PlatformError> {
        let ctoken = self.component_token().await?;
        let mut out = Err(PlatformError::NoTicket);
        let work = async {
            out = self.exchange_locked(code, ctoken).await;
        };
        self.storage
            .exclusive(format!("grant:{}", self.appid()), work.boxed())
            .await?;
        out
    }

    async fn exchange_locked(&self, code: &str, ctoken: String) -> Result<Merchant, PlatformError> {
        let hash = code_hash(code);
        let known = self.storage.authorizers(self.component()).await?;
        if let Some(row) = known
            .iter()
            .find(|r| r.auth_code == hash && r.revoked_at.is_none())
        {
            return Ok(merchant(row));
        }
        let grant: Grant = self
            .retry_stale(ctoken.clone(), |ctoken| async move {
                self.client.query_auth(&ctoken, code).await
            })
            .await?;
        let previous = known.iter().find(|r| r.appid == grant.appid);
        let info = self.info_or_previous(&grant.appid, previous, ctoken).await;
        let now = self.clock.now();
        let row = AuthorizerRow {
            appid: grant.appid.clone(),
            name: info.name,
            user_name: info.user_name,
            principal_name: info.principal_name,
            func_info: grant.func_info.clone(),
            authorized_at: now,
            revoked_at: None,
            access_token: Some(self.sealer.seal(
                &grant.access_token,
                &context("authorizer_token", self.appid(), &grant.appid),
            )),
            token_expires: now.saturating_add(grant.expires_in),
            refresh_token: Some(self.sealer.seal(
                &grant.refresh_token,
                &context("refresh_token", self.appid(), &grant.appid),
            )),
            auth_code: hash,
        };
        self.storage
            .save_grant(self.component(), row.clone())
            .await?;
        if !grant.func_info.contains(&CARD_FUNC) {
            tracing::warn!(appid = %grant.appid, "the merchant did not grant the card permission set (8, 微信卡券): its card calls will be refused with 48001");
        }
        tracing::info!(appid = %grant.appid, name = %row.name, "merchant authorized the platform");
        Ok(merchant(&row))
    }

    /// The merchant's details from WeChat; what was known before (or its AppID as its name)
    /// when WeChat cannot say: the grant counts more than its name.
    pub(super) async fn info_or_previous(
        &self,
        appid: &str,
        previous: Option<&AuthorizerRow>,
        ctoken: String,
    ) -> Info {
        let asked = self
            .retry_stale(ctoken, |ctoken| async move {
                self.client.info(&ctoken, appid).await
            })
            .await;
        match asked {
            Ok(info) if !info.name.is_empty() => info,
            other => {
                if let Err(e) = other {
                    tracing::warn!(%appid, error = %e, "cannot read the merchant's details");
                }
                previous.map_or_else(
                    || Info {
                        name: appid.to_owned(),
                        ..Info::default()
                    },
                    |p| Info {
                        name: p.name.clone(),
                        user_name: p.user_name.clone(),
                        principal_name: p.principal_name.clone(),
                    },
                )
            }
        }
    }

    /// The merchant withdrew its authorization: its tokens are deleted at once and the
    /// `unauthorized` event (the push, or one the server writes when it learns of the
    /// revocation otherwise) joins its stream. Whether it was authorized until now.
    pub async fn revoke(&self, appid: &str, push: Option<Push>) -> Result<bool, PlatformError> {
        let now = self.clock.now();
        let revoked = self
            .storage
            .revoke_authorizer(self.component(), appid.to_owned(), now)
            .await?;
        // A pushed event is stored even when the merchant was revoked already: WeChat's
        // retry of a push whose first delivery revoked but failed to store.
        let event = match push {
            Some(p) => Some(p),
            None if revoked => Some(
                Push::new()
                    .text("AppId", self.appid())
                    .number("CreateTime", now)
                    .text("InfoType", "unauthorized")
                    .text("AuthorizerAppid", appid),
            ),
            None => None,
        };
        if let Some(p) = event {
            let at = chrono::Utc::now().timestamp_millis();
            self.storage
                .insert(NewEvent::new(p, at).for_merchant(appid))
                .await?;
        }
        if revoked {
            tracing::info!(%appid, "merchant withdrew its authorization: its tokens are deleted");
        }
        Ok(revoked)
    }

    /// The merchants that authorize the platform, by name.
    pub async fn merchants(&self) -> Result<Vec<Merchant>, PlatformError> {
        let mut list: Vec<Merchant> = self
            .storage
            .authorizers(self.component())
            .await?
            .iter()
            .filter(|r| r.revoked_at.is_none() && r.refresh_token.is_some())
            .map(merchant)
            .collect();
        list.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.appid.cmp(&b.appid)));
        Ok(list)
    }

    /// Whether `appid` has ever authorized the platform (its stream exists, revoked or not).
    pub async fn known(&self, appid: &str) -> Result<bool, PlatformError> {
        Ok(self
            .storage
            .authorizer(self.component(), appid.to_owned())
            .await?
            .is_some())
    }

    /// Handles a push of the authorization event URL: keeps a verify ticket, exchanges the
    /// code of an authorization, revokes. Unknown kinds are logged and accepted.
    pub async fn on_auth_event(&self, push: Push) -> Result<(), PlatformError> {
        let info_type = push.get("InfoType").unwrap_or_default().to_owned();
        match info_type.as_str() {
            "component_verify_ticket" => {
                let ticket = push.get("ComponentVerifyTicket").unwrap_or_default();
                let at = push
                    .get("CreateTime")
                    .and_then(|t| t.trim().parse().ok())
                    .unwrap_or_else(|| self.clock.now());
                if ticket.trim().is_empty() {
                    tracing::warn!("a verify ticket push without a ticket");
                    return Ok(());
                }
                self.save_ticket(ticket.trim(), at).await?;
                tracing::debug!("verify ticket kept");
                Ok(())
            }
            "authorized" | "updateauthorized" => {
                let code = push.get("AuthorizationCode").unwrap_or_default().trim();
                let named = push.get("AuthorizerAppid").unwrap_or_default().trim();
                let m = self.exchange(code).await?;
                if !named.is_empty() && named != m.appid {
                    tracing::warn!(pushed = %named, exchanged = %m.appid, "the code names another merchant than the push");
                }
                Ok(())
            }
            "unauthorized" => {
                let appid = push
                    .get("AuthorizerAppid")
                    .unwrap_or_default()
                    .trim()
                    .to_owned();
                if appid.is_empty() {
                    tracing::warn!("an unauthorized push without AuthorizerAppid");
                    return Ok(());
                }
                self.revoke(&appid, Some(push)).await.map(|_| ())
            }
            other => {
                tracing::info!(info_type = %other, "authorization event ignored");
                Ok(())
            }
        }
    }
}

/// The permission set the card API needs (微信卡券).
const CARD_FUNC: i64 = 8;

/// A row as the API lists it.
fn merchant(r: &AuthorizerRow) -> Merchant {
    Merchant {
        appid: r.appid.clone(),
        name: r.name.clone(),
        user_name: r.user_name.clone(),
        principal_name: r.principal_name.clone(),
        authorized_at: r.authorized_at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_link_names_the_platform_the_code_and_the_return_page() {
        let url = login_url("wxcomp", "preauthcode@@@x y", "https://c.example.com");
        let parsed = url::Url::parse(&url).unwrap();
        assert_eq!(parsed.host_str(), Some("mp.weixin.qq.com"));
        assert_eq!(parsed.path(), "/cgi-bin/componentloginpage");
        let q: std::collections::HashMap<_, _> = parsed.query_pairs().into_owned().collect();
        assert_eq!(q["component_appid"], "wxcomp");
        assert_eq!(q["pre_auth_code"], "preauthcode@@@x y");
        assert_eq!(q["redirect_uri"], "https://c.example.com/platform/callback");
        assert_eq!(q["auth_type"], "1");
        // The return page is encoded inside the link, not a second query.
        assert!(url.contains("redirect_uri=https%3A%2F%2Fc.example.com%2Fplatform%2Fcallback"));
        assert_ne!(code_hash("a"), code_hash("b"));
        assert_eq!(code_hash("a").len(), 64);
    }
}
