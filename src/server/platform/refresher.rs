//! The background task of a platform server: every tick it refreshes the component token and
//! every merchant's token that is within `REFRESH_AHEAD` of expiring (so a token nobody asked
//! for stays alive, and a laptop's request seldom waits for WeChat), and at start and then
//! every `list_every` it compares the merchants with WeChat's `api_get_authorizer_list`:
//! a merchant the server holds but WeChat no longer lists withdrew while the server could not
//! hear it (once `api_get_authorizer_info` confirms it, since a list asked a moment before a
//! new grant cannot know that grant, it is revoked, and its stream gets the `unauthorized`
//! event); a merchant WeChat
//! lists but the server lacks authorized meanwhile (taken in when the list carries its
//! refresh token, else logged: it must authorize again, since nothing else gives the server
//! its refresh token). Every instance runs one; the locks keep their refreshes single.

use std::collections::BTreeSet;
use std::sync::Arc;

use futures_util::FutureExt;

use super::client::Listed;
use super::tokens::{REFRESH_AHEAD, context};
use super::{Platform, PlatformError};
use crate::server::storage::AuthorizerRow;

/// What the comparison with WeChat's list asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// WeChat no longer lists the merchant: revoke it, once WeChat confirms.
    Missing(String),
    /// Take the merchant in with the refresh token the list gave.
    Adopt(Listed),
    /// WeChat lists the merchant but gives no refresh token: it must authorize again.
    Unreachable(String),
}

/// Compares the merchants held (`known`) with WeChat's list.
pub fn reconcile(known: &[AuthorizerRow], listed: &[Listed]) -> Vec<Action> {
    let active = |r: &&AuthorizerRow| r.revoked_at.is_none() && r.refresh_token.is_some();
    let on_list: BTreeSet<&str> = listed.iter().map(|l| l.appid.as_str()).collect();
    let held: BTreeSet<&str> = known
        .iter()
        .filter(active)
        .map(|r| r.appid.as_str())
        .collect();
    let mut out: Vec<Action> = known
        .iter()
        .filter(active)
        .filter(|r| !on_list.contains(r.appid.as_str()))
        .map(|r| Action::Missing(r.appid.clone()))
        .collect();
    for l in listed.iter().filter(|l| !held.contains(l.appid.as_str())) {
        out.push(match &l.refresh_token {
            Some(_) => Action::Adopt(l.clone()),
            None => Action::Unreachable(l.appid.clone()),
        });
    }
    out
}

impl Platform {
    /// Runs the background task until the server stops (the task is aborted then).
    pub async fn run(self: Arc<Self>) {
        let mut next_list = i64::MIN;
        loop {
            self.tick(&mut next_list).await;
            tokio::time::sleep(self.tick_every).await;
        }
    }

    /// One look at the tokens (and the list, when due).
    pub async fn tick(&self, next_list: &mut i64) {
        match self.component_token().await {
            Ok(_) => {}
            Err(PlatformError::NoTicket) => {
                tracing::debug!("no verify ticket yet: nothing to refresh");
                return;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot refresh the component token");
                return;
            }
        }
        let now = self.clock.now();
        match self.storage.authorizers(self.component()).await {
            Ok(rows) => {
                for r in rows.iter().filter(|r| {
                    r.revoked_at.is_none()
                        && r.refresh_token.is_some()
                        && r.token_expires - now <= REFRESH_AHEAD
                }) {
                    if let Err(e) = self.authorizer_token(&r.appid).await {
                        tracing::warn!(appid = %r.appid, error = %e, "cannot refresh the merchant's token");
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "cannot read the merchants"),
        }
        if now >= *next_list {
            let every = i64::try_from(self.list_every.as_secs()).unwrap_or(3600);
            *next_list = match self.catch_up().await {
                Ok(()) => now.saturating_add(every),
                // Try again soon (the next tick after a minute).
                Err(e) => {
                    tracing::warn!(error = %e, "cannot compare the merchants with WeChat's list");
                    now.saturating_add(60)
                }
            };
        }
    }

    /// Compares the merchants with WeChat's list and acts on the differences (one instance
    /// at a time).
    pub async fn catch_up(&self) -> Result<(), PlatformError> {
        let ctoken = self.component_token().await?;
        let mut out = Ok(());
        let work = async {
            out = self.catch_up_locked(ctoken).await;
        };
        self.storage
            .exclusive(format!("list:{}", self.appid()), work.boxed())
            .await?;
        out
    }

    async fn catch_up_locked(&self, ctoken: String) -> Result<(), PlatformError> {
        let listed = self
            .retry_stale(ctoken.clone(), |ctoken| async move {
                self.client.list(&ctoken).await
            })
            .await?;
        let known = self.storage.authorizers(self.component()).await?;
        for action in reconcile(&known, &listed) {
            match action {
                Action::Missing(appid) => self.confirm_missing(&appid, ctoken.clone()).await?,
                Action::Adopt(l) => {
                    if let Err(e) = self.adopt(&l, &known, ctoken.clone()).await {
                        tracing::warn!(appid = %l.appid, error = %e, "cannot take in a merchant from WeChat's list");
                    }
                }
                Action::Unreachable(appid) => tracing::warn!(
                    %appid,
                    "the merchant authorized the platform while the server could not hear it, and WeChat's list gives no refresh token: ask it to authorize again (a new authorization link)"
                ),
            }
        }
        Ok(())
    }

    /// Revokes a merchant WeChat's list lacks, if WeChat confirms it no longer authorizes
    /// the platform (61003); a list asked just before a grant lacks that grant.
    async fn confirm_missing(&self, appid: &str, ctoken: String) -> Result<(), PlatformError> {
        let asked = self
            .retry_stale(ctoken, |ctoken| async move {
                self.client.info(&ctoken, appid).await
            })
            .await;
        match asked {
            Err(PlatformError::WeChat {
                errcode: crate::errcode::COMPONENT_UNAUTHORIZED,
                ..
            }) => {
                tracing::warn!(%appid, "the merchant withdrew its authorization while the server could not hear it");
                self.revoke(appid, None).await.map(|_| ())
            }
            Ok(_) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Takes in a merchant of WeChat's list with the refresh token the list gave.
    async fn adopt(
        &self,
        l: &Listed,
        known: &[AuthorizerRow],
        ctoken: String,
    ) -> Result<(), PlatformError> {
        let Some(refresh) = l.refresh_token.clone() else {
            return Ok(());
        };
        crate::api::error::register_sensitive(&refresh);
        let r = self
            .retry_stale(ctoken.clone(), |ctoken| {
                let refresh = refresh.clone();
                async move { self.client.refresh(&ctoken, &l.appid, &refresh).await }
            })
            .await?;
        let previous = known.iter().find(|k| k.appid == l.appid);
        let info = self.info_or_previous(&l.appid, previous, ctoken).await;
        let now = self.clock.now();
        let row = AuthorizerRow {
            appid: l.appid.clone(),
            name: info.name,
            user_name: info.user_name,
            principal_name: info.principal_name,
            func_info: previous.map(|p| p.func_info.clone()).unwrap_or_default(),
            authorized_at: if l.auth_time > 0 { l.auth_time } else { now },
            revoked_at: None,
            access_token: Some(self.sealer.seal(
                &r.access_token,
                &context("authorizer_token", self.appid(), &l.appid),
            )),
            token_expires: now.saturating_add(r.expires_in),
            refresh_token: Some(self.sealer.seal(
                &r.refresh_token,
                &context("refresh_token", self.appid(), &l.appid),
            )),
            // Not from a code: a grant of its own kind, named by its refresh token.
            auth_code: format!("list:{}", super::grant::code_hash(&r.refresh_token)),
        };
        self.storage.save_grant(self.component(), row).await?;
        tracing::info!(appid = %l.appid, "merchant taken in from WeChat's list");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(appid: &str, authorized_at: i64, revoked: bool) -> AuthorizerRow {
        AuthorizerRow {
            appid: appid.into(),
            authorized_at,
            revoked_at: revoked.then_some(authorized_at + 1),
            refresh_token: (!revoked).then(|| "v1:sealed".into()),
            ..AuthorizerRow::default()
        }
    }

    fn listed(appid: &str, refresh: Option<&str>) -> Listed {
        Listed {
            appid: appid.into(),
            auth_time: 1,
            refresh_token: refresh.map(str::to_owned),
        }
    }

    #[test]
    fn the_list_tells_revocations_and_authorizations_the_server_missed() {
        let known = vec![
            row("wxKept", 10, false),
            row("wxGone", 10, false),
            row("wxBack", 10, true),
        ];
        let list = vec![
            listed("wxKept", None),
            listed("wxBack", Some("r1")),
            listed("wxNew", None),
        ];
        let actions = reconcile(&known, &list);
        assert_eq!(
            actions,
            vec![
                Action::Missing("wxGone".into()),
                Action::Adopt(listed("wxBack", Some("r1"))),
                Action::Unreachable("wxNew".into()),
            ]
        );
        assert!(reconcile(&known[..1], &list[..1]).is_empty());
    }
}
