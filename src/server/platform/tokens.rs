//! The platform's tickets and tokens, kept in the database so that every instance shares
//! them: the newest verify ticket, the component token and each merchant's authorizer token.
//!
//! A token is refreshed once fewer than [`REFRESH_AHEAD`] seconds remain, by whichever caller
//! (a laptop asking for it, or the background task) comes first; the refresh runs under a
//! lock that one instance at a time holds, and re-reads the row once it has the lock, so a
//! second instance finds the token the first one got and asks WeChat nothing. A laptop is
//! handed a token with its life less [`HAND_OUT_MARGIN`], so it never starts a call with a
//! token about to die.

use futures_util::FutureExt;

use super::client::Refreshed;
use super::{Platform, PlatformError};
use crate::errcode;
use crate::server::storage::{AuthorizerRow, TokenUpdate};

/// A token with fewer seconds than this left is refreshed.
pub const REFRESH_AHEAD: i64 = 1200;
/// A token is handed out as this much shorter-lived than it is.
pub const HAND_OUT_MARGIN: i64 = 300;
/// A refresh that failed falls back on the current token while it has this much life.
const STILL_USABLE: i64 = 60;

/// What a sealed value is, so that it opens only where it was sealed.
pub(super) fn context(kind: &str, component: &str, appid: &str) -> String {
    format!("{kind}/{component}/{appid}")
}

impl Platform {
    /// Keeps a verify ticket pushed at `at` (CreateTime), unless a newer one is kept.
    pub async fn save_ticket(&self, ticket: &str, at: i64) -> Result<(), PlatformError> {
        crate::api::error::register_sensitive(ticket);
        let sealed = self
            .sealer
            .seal(ticket, &context("verify_ticket", self.appid(), ""));
        Ok(self
            .storage
            .save_ticket(self.component(), sealed, at)
            .await?)
    }

    /// A fresh component token: the kept one while it has [`REFRESH_AHEAD`] left, else a
    /// new one (one instance asks WeChat; the others wait and read it).
    pub async fn component_token(&self) -> Result<String, PlatformError> {
        if let Some(token) = self.kept_component_token(REFRESH_AHEAD).await? {
            return Ok(token);
        }
        self.refresh_component_token(None).await
    }

    /// The kept component token when it has more than `ahead` seconds left.
    async fn kept_component_token(&self, ahead: i64) -> Result<Option<String>, PlatformError> {
        let row = self.storage.component(self.component()).await?;
        let now = self.clock.now();
        match row {
            Some(r) if r.token_expires - now > ahead => match r.access_token {
                Some(sealed) => Ok(Some(
                    self.sealer
                        .open(&sealed, &context("component_token", self.appid(), ""))?,
                )),
                None => Ok(None),
            },
            _ => Ok(None),
        }
    }

    /// A new component token, under the platform's lock. With `failed` (a token WeChat just
    /// refused), only if the kept one is still that token: another instance may have
    /// replaced it already.
    pub(super) async fn refresh_component_token(
        &self,
        failed: Option<&str>,
    ) -> Result<String, PlatformError> {
        let mut out = Err(PlatformError::NoTicket);
        let work = async {
            out = self.refresh_component_locked(failed).await;
        };
        self.storage
            .exclusive(format!("component_token:{}", self.appid()), work.boxed())
            .await?;
        out
    }

    async fn refresh_component_locked(
        &self,
        failed: Option<&str>,
    ) -> Result<String, PlatformError> {
        let ctx = context("component_token", self.appid(), "");
        let row = self
            .storage
            .component(self.component())
            .await?
            .unwrap_or_default();
        let now = self.clock.now();
        let kept = match &row.access_token {
            Some(sealed) if row.token_expires > now => Some(self.sealer.open(sealed, &ctx)?),
            _ => None,
        };
        if let Some(token) = &kept {
            let refused = failed == Some(token.as_str());
            if !refused && (failed.is_some() || row.token_expires - now > REFRESH_AHEAD) {
                return Ok(token.clone());
            }
        }
        let ticket = match &row.verify_ticket {
            Some(sealed) => self
                .sealer
                .open(sealed, &context("verify_ticket", self.appid(), ""))?,
            None => return Err(PlatformError::NoTicket),
        };
        match self.client.component_token(&ticket).await {
            Ok((token, expires_in)) => {
                let expires = now.saturating_add(expires_in);
                self.storage
                    .save_component_token(self.component(), self.sealer.seal(&token, &ctx), expires)
                    .await?;
                tracing::info!(component = %self.appid(), expires_in, "component token obtained");
                Ok(token)
            }
            Err(e) => match kept {
                Some(token) if failed.is_none() && row.token_expires - now > STILL_USABLE => {
                    tracing::warn!(error = %e, "component token not refreshed; the current one still works");
                    Ok(token)
                }
                _ => Err(e),
            },
        }
    }

    /// Runs a component call with a fresh component token; when WeChat says the token is
    /// stale, once more with a new one.
    pub(super) async fn with_component_token<T, F, Fut>(&self, call: F) -> Result<T, PlatformError>
    where
        F: Fn(String) -> Fut,
        Fut: std::future::Future<Output = Result<T, PlatformError>>,
    {
        let token = self.component_token().await?;
        self.retry_stale(token, call).await
    }

    /// Runs a component call with `token` (got before a lock was taken, so that a holder
    /// seldom takes the component token's lock too); when WeChat says it is stale, once
    /// more with a new one.
    pub(super) async fn retry_stale<T, F, Fut>(
        &self,
        token: String,
        call: F,
    ) -> Result<T, PlatformError>
    where
        F: Fn(String) -> Fut,
        Fut: std::future::Future<Output = Result<T, PlatformError>>,
    {
        match call(token.clone()).await {
            Err(e) if e.stale_token() => {
                let token = self.refresh_component_token(Some(&token)).await?;
                call(token).await
            }
            other => other,
        }
    }

    /// A merchant's authorizer token and the seconds it may be used, refreshing it when
    /// fewer than [`REFRESH_AHEAD`] remain. `NotAuthorized` for a merchant that does not
    /// (or no longer) authorize the platform.
    pub async fn authorizer_token(&self, appid: &str) -> Result<(String, i64), PlatformError> {
        let row = self.active(appid).await?;
        let now = self.clock.now();
        if row.token_expires - now > REFRESH_AHEAD
            && let Some(token) = self.open_access(&row)?
        {
            return Ok((token, hand_out(row.token_expires, now)));
        }
        let ctoken = self.component_token().await?;
        let mut out = Err(PlatformError::NotAuthorized(appid.to_owned()));
        let work = async {
            out = self.refresh_authorizer_locked(appid, ctoken).await;
        };
        self.storage
            .exclusive(format!("authorizer:{}:{appid}", self.appid()), work.boxed())
            .await?;
        let (token, expires) = out?;
        Ok((token, hand_out(expires, self.clock.now())))
    }

    /// The merchant's row while it authorizes the platform with a refresh token.
    pub(super) async fn active(&self, appid: &str) -> Result<AuthorizerRow, PlatformError> {
        self.storage
            .authorizer(self.component(), appid.to_owned())
            .await?
            .filter(|r| r.revoked_at.is_none() && r.refresh_token.is_some())
            .ok_or_else(|| PlatformError::NotAuthorized(appid.to_owned()))
    }

    fn open_access(&self, row: &AuthorizerRow) -> Result<Option<String>, PlatformError> {
        row.access_token
            .as_deref()
            .map(|sealed| {
                self.sealer.open(
                    sealed,
                    &context("authorizer_token", self.appid(), &row.appid),
                )
            })
            .transpose()
            .map_err(Into::into)
    }

    /// Under the merchant's lock: the kept token if another caller refreshed it meanwhile,
    /// else a new one from WeChat. The token and its expiry.
    async fn refresh_authorizer_locked(
        &self,
        appid: &str,
        ctoken: String,
    ) -> Result<(String, i64), PlatformError> {
        let row = self.active(appid).await?;
        let now = self.clock.now();
        let kept = match self.open_access(&row)? {
            Some(t) if row.token_expires > now => Some(t),
            _ => None,
        };
        if let Some(token) = &kept
            && row.token_expires - now > REFRESH_AHEAD
        {
            return Ok((token.clone(), row.token_expires));
        }
        let refresh = match &row.refresh_token {
            Some(sealed) => self
                .sealer
                .open(sealed, &context("refresh_token", self.appid(), appid))?,
            None => return Err(PlatformError::NotAuthorized(appid.to_owned())),
        };
        let answer = self
            .retry_stale(ctoken, |ctoken| {
                let refresh = refresh.clone();
                async move { self.client.refresh(&ctoken, appid, &refresh).await }
            })
            .await;
        match answer {
            Ok(r) => self.keep_refreshed(&row, r, now).await,
            Err(PlatformError::WeChat {
                errcode: errcode::COMPONENT_UNAUTHORIZED,
                ..
            }) => {
                // The merchant withdrew and the push never reached the server.
                tracing::warn!(%appid, "WeChat says the merchant no longer authorizes the platform");
                self.revoke(appid, None).await?;
                Err(PlatformError::NotAuthorized(appid.to_owned()))
            }
            Err(e) => {
                // A grant that arrived meanwhile has its own token.
                if let Ok(now_row) = self.active(appid).await
                    && now_row.auth_code != row.auth_code
                    && let Some(token) = self.open_access(&now_row)?
                {
                    return Ok((token, now_row.token_expires));
                }
                match kept {
                    Some(token) if row.token_expires - now > STILL_USABLE => {
                        tracing::warn!(%appid, error = %e, "authorizer token not refreshed; the current one still works");
                        Ok((token, row.token_expires))
                    }
                    _ => Err(e),
                }
            }
        }
    }

    /// Keeps a refreshed token, unless the merchant was revoked or granted anew meanwhile
    /// (then the row's own token counts).
    async fn keep_refreshed(
        &self,
        row: &AuthorizerRow,
        r: Refreshed,
        now: i64,
    ) -> Result<(String, i64), PlatformError> {
        let appid = &row.appid;
        let expires = now.saturating_add(r.expires_in);
        let update = TokenUpdate {
            appid: appid.clone(),
            access_token: self.sealer.seal(
                &r.access_token,
                &context("authorizer_token", self.appid(), appid),
            ),
            token_expires: expires,
            refresh_token: self.sealer.seal(
                &r.refresh_token,
                &context("refresh_token", self.appid(), appid),
            ),
            auth_code: row.auth_code.clone(),
        };
        if self
            .storage
            .save_authorizer_token(self.component(), update)
            .await?
        {
            tracing::info!(%appid, expires_in = r.expires_in, "authorizer token refreshed");
            return Ok((r.access_token, expires));
        }
        let now_row = self.active(appid).await?;
        match self.open_access(&now_row)? {
            Some(token) => Ok((token, now_row.token_expires)),
            None => Err(PlatformError::NotAuthorized(appid.clone())),
        }
    }
}

/// The seconds a token expiring at `expires` is handed out for at `now`.
fn hand_out(expires: i64, now: i64) -> i64 {
    (expires - now - HAND_OUT_MARGIN).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_handed_out_short_of_its_expiry() {
        assert_eq!(hand_out(10_000, 2_800), 10_000 - 2_800 - HAND_OUT_MARGIN);
        assert_eq!(hand_out(100, 100), 0);
        // Refreshed ahead, a handed-out token always has a good while left.
        const { assert!(REFRESH_AHEAD - HAND_OUT_MARGIN >= 600) };
        assert_eq!(
            context("refresh_token", "wxc", "wxA"),
            "refresh_token/wxc/wxA"
        );
    }
}
