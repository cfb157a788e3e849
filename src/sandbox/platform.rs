//! The open platform (第三方平台) as WeChat keeps it for the one component the simulator
//! plays: the verify tickets it pushed, component tokens, pre-authorization and authorization
//! codes, and each merchant's authorization (permission sets, refresh token, authorizer
//! tokens). Plain data and rules, below the world that holds it and the handlers that use it
//! (`component.rs` for `cgi-bin/component/*`, `consent.rs` for the admin calls). Lifetimes and
//! errcodes are the spec's (`spec/component.rs`).
//!
//! Like the accounts' states, the platform only collects what WeChat would push
//! ([`PlatformNotice`], in `pending`); `Shared` hands it to the outbox after every call.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::errors::{WxError, code};
use super::spec::component as rules;
use super::state::random_id;
use crate::wxpush::Push;

/// A verify ticket as pushed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issued {
    /// The ticket.
    pub ticket: String,
    /// Simulated time it was pushed.
    pub created: i64,
}

/// A pre-authorization code (one scan of the authorization page).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreAuth {
    /// Simulated expiry.
    pub expires: i64,
    /// Scanned already: a code serves one authorization.
    pub used: bool,
}

/// An authorization code, exchanged by `api_query_auth`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthCode {
    /// The merchant that authorized.
    pub appid: String,
    /// Simulated expiry.
    pub expires: i64,
}

/// One merchant's authorization of the platform.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Authorization {
    /// The permission sets granted (`func_info`'s ids).
    pub func_info: Vec<i64>,
    /// Simulated time of the (latest) authorization.
    pub auth_time: i64,
    /// The refresh token; a new authorization replaces it.
    pub refresh_token: String,
    /// authorizer_access_tokens → expiry.
    pub tokens: BTreeMap<String, i64>,
}

impl std::fmt::Debug for Authorization {
    // Never print the refresh token or the authorizer tokens.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authorization")
            .field("func_info", &self.func_info)
            .field("auth_time", &self.auth_time)
            .field("tokens", &self.tokens.len())
            .finish_non_exhaustive()
    }
}

/// What WeChat pushes to the platform's authorization event URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlatformNotice {
    /// `component_verify_ticket`.
    Ticket {
        /// Simulated time.
        time: i64,
        /// The ticket.
        ticket: String,
    },
    /// `authorized` (a first authorization) or `updateauthorized` (new permission sets).
    Authorized {
        /// Simulated time.
        time: i64,
        /// The merchant.
        appid: String,
        /// The authorization code.
        code: String,
        /// When the code expires (unix seconds).
        code_expires: i64,
        /// The pre-authorization code that was scanned.
        preauth: String,
        /// An update of an existing authorization.
        update: bool,
    },
    /// `unauthorized`.
    Unauthorized {
        /// Simulated time.
        time: i64,
        /// The merchant.
        appid: String,
    },
}

impl PlatformNotice {
    /// The `InfoType`.
    pub fn info_type(&self) -> &'static str {
        match self {
            Self::Ticket { .. } => "component_verify_ticket",
            Self::Authorized { update: false, .. } => "authorized",
            Self::Authorized { update: true, .. } => "updateauthorized",
            Self::Unauthorized { .. } => "unauthorized",
        }
    }

    /// The push body for the platform `component_appid`, members in the order of WeChat's
    /// examples (OP-TICKET, OP-EVENT).
    pub fn to_push(&self, component_appid: &str) -> Push {
        let time = match self {
            Self::Ticket { time, .. }
            | Self::Authorized { time, .. }
            | Self::Unauthorized { time, .. } => *time,
        };
        let head = Push::new()
            .text("AppId", component_appid)
            .number("CreateTime", time)
            .text("InfoType", self.info_type());
        match self {
            Self::Ticket { ticket, .. } => head.text("ComponentVerifyTicket", ticket.as_str()),
            Self::Authorized {
                appid,
                code,
                code_expires,
                preauth,
                ..
            } => head
                .text("AuthorizerAppid", appid.as_str())
                .text("AuthorizationCode", code.as_str())
                .number("AuthorizationCodeExpiredTime", *code_expires)
                .text("PreAuthCode", preauth.as_str()),
            Self::Unauthorized { appid, .. } => head.text("AuthorizerAppid", appid.as_str()),
        }
    }
}

/// What a merchant's scan of the authorization page did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    /// The authorization code (for the redirect and `api_query_auth`).
    pub code: String,
    /// Its lifetime in seconds.
    pub expires_in: i64,
    /// `authorized`, `updateauthorized`, or `unchanged` (an authorization with the same
    /// permission sets: WeChat pushes nothing then).
    pub outcome: &'static str,
}

/// The platform's part of the simulator's state (saved in the state file).
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Platform {
    /// The component AppID this data belongs to: started as another platform, the simulator
    /// begins afresh.
    pub appid: String,
    /// Verify tickets pushed, oldest first (kept [`rules::TICKET_KEPT`]).
    pub tickets: Vec<Issued>,
    /// component_access_tokens → expiry.
    pub tokens: BTreeMap<String, i64>,
    /// Pre-authorization codes.
    pub preauth: BTreeMap<String, PreAuth>,
    /// Authorization codes.
    pub auth_codes: BTreeMap<String, AuthCode>,
    /// The merchants that authorize the platform, by AppID.
    pub authorizations: BTreeMap<String, Authorization>,
    /// Pushes waiting for the outbox (not saved).
    #[serde(skip)]
    pub pending: Vec<PlatformNotice>,
}

impl std::fmt::Debug for Platform {
    // Never print a ticket, a token or a code: counts only.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Platform")
            .field("appid", &self.appid)
            .field("tickets", &self.tickets.len())
            .field("tokens", &self.tokens.len())
            .field("preauth", &self.preauth.len())
            .field("auth_codes", &self.auth_codes.len())
            .field("authorizations", &self.authorizations)
            .finish_non_exhaustive()
    }
}

/// 40001 / 42001 for a token of `tokens`, WeChat's words.
fn check_token(tokens: &BTreeMap<String, i64>, token: &str, now: i64) -> Option<WxError> {
    match tokens.get(token) {
        None => Some(WxError::new(
            code::TOKEN_INVALID,
            "invalid credential, access_token is invalid or not latest",
        )),
        Some(exp) if *exp <= now => Some(WxError::new(code::TOKEN_EXPIRED, "access_token expired")),
        Some(_) => None,
    }
}

impl Platform {
    /// Data for the platform `appid`: this data when it is that platform's, else a fresh start.
    pub fn for_component(self, appid: &str) -> Self {
        if self.appid == appid {
            return self;
        }
        if !self.appid.is_empty() {
            tracing::warn!(
                "the state file's platform data belong to another component AppID: starting afresh"
            );
        }
        Self {
            appid: appid.to_owned(),
            ..Self::default()
        }
    }

    /// What time decides: a new verify ticket when the last is [`rules::TICKET_EVERY`] old
    /// (one, however long the clock jumped: the newest is what counts), and forgetting what
    /// died long ago. Whether anything changed.
    pub fn settle(&mut self, now: i64) -> bool {
        let due = self
            .tickets
            .last()
            .is_none_or(|t| now.saturating_sub(t.created) >= rules::TICKET_EVERY);
        let before = (
            self.tickets.len(),
            self.tokens.len(),
            self.preauth.len(),
            self.auth_codes.len(),
        );
        self.tickets
            .retain(|t| now.saturating_sub(t.created) < rules::TICKET_KEPT);
        self.tokens.retain(|_, e| *e > now - rules::TOKEN_LIFE);
        self.preauth.retain(|_, p| p.expires > now - 86_400);
        self.auth_codes.retain(|_, c| c.expires > now - 86_400);
        for a in self.authorizations.values_mut() {
            a.tokens.retain(|_, e| *e > now - rules::TOKEN_LIFE);
        }
        if due {
            let ticket = random_id("ticket@@@", 86);
            self.tickets.push(Issued {
                ticket: ticket.clone(),
                created: now,
            });
            self.pending
                .push(PlatformNotice::Ticket { time: now, ticket });
        }
        let after = (
            self.tickets.len(),
            self.tokens.len(),
            self.preauth.len(),
            self.auth_codes.len(),
        );
        due || before != after
    }

    /// The newest verify ticket.
    pub fn current_ticket(&self) -> Option<&Issued> {
        self.tickets.last()
    }

    /// 61006 for a ticket never pushed (or forgotten), 61005 for one older than 12 hours.
    pub fn check_ticket(&self, ticket: &str, now: i64) -> Result<(), WxError> {
        match self.tickets.iter().find(|t| t.ticket == ticket) {
            None => Err(WxError::new(
                code::COMPONENT_TICKET_INVALID,
                "component ticket is invalid",
            )),
            Some(t) if now.saturating_sub(t.created) >= rules::TICKET_LIFE => Err(WxError::new(
                code::COMPONENT_TICKET_EXPIRED,
                "component ticket is expired",
            )),
            Some(_) => Ok(()),
        }
    }

    /// A new component_access_token.
    pub fn issue_component_token(&mut self, now: i64) -> String {
        let token = random_id("CMP_", 136);
        self.tokens
            .insert(token.clone(), now.saturating_add(rules::TOKEN_LIFE));
        token
    }

    /// Whether `token` is one of this platform's component tokens: `None` when it is none of
    /// them, else its verdict (40001 never, 42001 expired).
    pub fn component_token(&self, token: &str, now: i64) -> Option<Result<(), WxError>> {
        self.tokens
            .contains_key(token)
            .then(|| check_token(&self.tokens, token, now).map_or(Ok(()), Err))
    }

    /// A new pre-authorization code.
    pub fn new_preauth(&mut self, now: i64) -> String {
        let code = format!("preauthcode@@@{}", random_id("", 60));
        self.preauth.insert(
            code.clone(),
            PreAuth {
                expires: now.saturating_add(rules::PREAUTH_LIFE),
                used: false,
            },
        );
        code
    }

    /// A merchant's admin scans the page of `preauth` and authorizes `appid` with `funcs`: the
    /// pre-authorization code is used up, a new authorization code and refresh token are
    /// issued, and `authorized` (or `updateauthorized` when the permission sets changed) is
    /// pushed. Refused (in the admin API's words) for a code that is unknown, used or expired.
    pub fn grant(
        &mut self,
        preauth: &str,
        appid: &str,
        funcs: Vec<i64>,
        now: i64,
    ) -> Result<Grant, String> {
        let pre = self
            .preauth
            .get_mut(preauth)
            .ok_or("unknown pre_auth_code")?;
        if pre.used {
            return Err("the pre_auth_code was used already (one authorization each)".into());
        }
        if pre.expires <= now {
            return Err("the pre_auth_code has expired".into());
        }
        pre.used = true;
        // A new authorization replaces the codes of an older one.
        self.auth_codes.retain(|_, c| c.appid != appid);
        let code = format!("queryauthcode@@@{}", random_id("", 60));
        let expires = now.saturating_add(rules::AUTH_CODE_LIFE);
        self.auth_codes.insert(
            code.clone(),
            AuthCode {
                appid: appid.to_owned(),
                expires,
            },
        );
        let refresh_token = format!("refreshtoken@@@{}", random_id("", 43));
        let previous = self.authorizations.get(appid).map(|a| a.func_info.clone());
        let tokens = self
            .authorizations
            .remove(appid)
            .map(|a| a.tokens)
            .unwrap_or_default();
        let outcome = match &previous {
            None => "authorized",
            Some(old) if *old != funcs => "updateauthorized",
            Some(_) => "unchanged",
        };
        self.authorizations.insert(
            appid.to_owned(),
            Authorization {
                func_info: funcs,
                auth_time: now,
                refresh_token,
                tokens,
            },
        );
        if outcome != "unchanged" {
            self.pending.push(PlatformNotice::Authorized {
                time: now,
                appid: appid.to_owned(),
                code: code.clone(),
                code_expires: expires,
                preauth: preauth.to_owned(),
                update: previous.is_some(),
            });
        }
        Ok(Grant {
            code,
            expires_in: rules::AUTH_CODE_LIFE,
            outcome,
        })
    }

    /// `api_query_auth`: the merchant of an authorization code, with a new authorizer token
    /// (61009 unknown or revoked since, 61010 expired). The code may be exchanged again while
    /// it lives: a platform's callback page and its event handler both do.
    pub fn query_auth(&mut self, code: &str, now: i64) -> Result<(String, String), WxError> {
        let invalid = || WxError::new(code::COMPONENT_CODE_INVALID, "code is invalid");
        let auth = self.auth_codes.get(code).ok_or_else(invalid)?;
        if auth.expires <= now {
            return Err(WxError::new(
                code::COMPONENT_CODE_EXPIRED,
                "code is expired",
            ));
        }
        let appid = auth.appid.clone();
        let token = self
            .issue_authorizer_token(&appid, now)
            .ok_or_else(invalid)?;
        Ok((appid, token))
    }

    /// `api_authorizer_token`: a new authorizer token for `appid` given its current refresh
    /// token (61003 not authorized, 61023 another refresh token).
    pub fn refresh(&mut self, appid: &str, refresh: &str, now: i64) -> Result<String, WxError> {
        let auth = self.authorization(appid)?;
        if auth.refresh_token != refresh {
            return Err(WxError::new(
                code::REFRESH_TOKEN_INVALID,
                "refresh_token is invalid",
            ));
        }
        self.issue_authorizer_token(appid, now)
            .ok_or_else(|| WxError::system("authorization vanished"))
    }

    /// The authorization of `appid`; 61003 when it does not authorize the platform.
    pub fn authorization(&self, appid: &str) -> Result<&Authorization, WxError> {
        self.authorizations.get(appid).ok_or_else(|| {
            WxError::new(
                code::COMPONENT_UNAUTHORIZED,
                format!("component is not authorized by this account: {appid}"),
            )
        })
    }

    /// A new authorizer token for `appid` (older ones keep working [`rules::TOKEN_GRACE`]
    /// more seconds); `None` when it does not authorize the platform.
    fn issue_authorizer_token(&mut self, appid: &str, now: i64) -> Option<String> {
        let auth = self.authorizations.get_mut(appid)?;
        let cut = now.saturating_add(rules::TOKEN_GRACE);
        for exp in auth.tokens.values_mut() {
            *exp = (*exp).min(cut);
        }
        let token = random_id("ATH_", 136);
        auth.tokens
            .insert(token.clone(), now.saturating_add(rules::TOKEN_LIFE));
        Some(token)
    }

    /// The merchant an authorizer token acts for: `None` when it is no authorizer token, else
    /// the AppID or 42001 (expired) / 48001 (the card permission set was not granted).
    pub fn authorizer(&self, token: &str, now: i64) -> Option<Result<&str, WxError>> {
        let (appid, auth) = self
            .authorizations
            .iter()
            .find(|(_, a)| a.tokens.contains_key(token))?;
        if let Some(e) = check_token(&auth.tokens, token, now) {
            return Some(Err(e));
        }
        if !auth.func_info.contains(&rules::FUNC_CARD) {
            return Some(Err(WxError::new(
                code::API_UNAUTHORIZED,
                format!(
                    "api unauthorized: {appid} did not grant the card permission set ({})",
                    rules::FUNC_CARD
                ),
            )));
        }
        Some(Ok(appid.as_str()))
    }

    /// The merchant withdraws its authorization: its tokens, refresh token and unused
    /// authorization codes die, and `unauthorized` is pushed. Whether it was authorized.
    pub fn revoke(&mut self, appid: &str, now: i64) -> bool {
        if self.authorizations.remove(appid).is_none() {
            return false;
        }
        self.auth_codes.retain(|_, c| c.appid != appid);
        self.pending.push(PlatformNotice::Unauthorized {
            time: now,
            appid: appid.to_owned(),
        });
        true
    }

    /// The pushes queued since the last call, oldest first.
    pub fn take_notices(&mut self) -> Vec<PlatformNotice> {
        std::mem::take(&mut self.pending)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ticket_every_ten_minutes_one_however_far_the_clock_jumps() {
        let mut p = Platform::default().for_component("wxcomponent");
        assert!(p.settle(1_000));
        assert!(!p.settle(1_000 + rules::TICKET_EVERY - 1));
        assert!(p.settle(1_000 + rules::TICKET_EVERY));
        assert!(p.settle(1_000 + 10 * rules::TICKET_EVERY));
        let pushed = p.take_notices();
        assert_eq!(pushed.len(), 3);
        let first = p.tickets[0].ticket.clone();
        let last = p.current_ticket().unwrap().ticket.clone();
        let now = 1_000 + 10 * rules::TICKET_EVERY;
        assert!(p.check_ticket(&last, now).is_ok());
        assert!(
            p.check_ticket(&first, now).is_ok(),
            "valid 12 h, not 10 min"
        );
        let later = 1_000 + rules::TICKET_LIFE;
        assert_eq!(
            p.check_ticket(&first, later).unwrap_err().errcode,
            code::COMPONENT_TICKET_EXPIRED
        );
        assert_eq!(
            p.check_ticket("never", now).unwrap_err().errcode,
            code::COMPONENT_TICKET_INVALID
        );
        let m = pushed[0].to_push("wxcomponent").to_json();
        assert_eq!(m["AppId"], "wxcomponent");
        assert_eq!(m["InfoType"], "component_verify_ticket");
        assert_eq!(m["CreateTime"], 1_000);
        assert_eq!(m["ComponentVerifyTicket"], first.as_str());
    }

    #[test]
    fn an_authorization_lives_from_its_grant_to_its_revocation() {
        let mut p = Platform::default().for_component("wxc");
        let pre = p.new_preauth(100);
        let g = p.grant(&pre, "wxA", vec![1, 8], 100).unwrap();
        assert_eq!(g.outcome, "authorized");
        assert!(p.grant(&pre, "wxA", vec![1, 8], 101).is_err(), "used up");
        let (appid, token) = p.query_auth(&g.code, 150).unwrap();
        assert_eq!(appid, "wxA");
        let shown = format!("{p:?}");
        for secret in [
            &token,
            &p.authorizations["wxA"].refresh_token,
            &g.code,
            &pre,
        ] {
            assert!(!shown.contains(secret.as_str()), "{shown}");
        }
        assert_eq!(p.authorizer(&token, 150), Some(Ok("wxA")));
        // Exchanged twice (callback page and event handler): the first token stays a while.
        let (_, second) = p.query_auth(&g.code, 160).unwrap();
        assert_eq!(
            p.authorizer(&token, 160 + rules::TOKEN_GRACE - 1),
            Some(Ok("wxA"))
        );
        assert!(matches!(
            p.authorizer(&token, 160 + rules::TOKEN_GRACE),
            Some(Err(_))
        ));
        assert_eq!(
            p.query_auth(&g.code, 100 + rules::AUTH_CODE_LIFE)
                .unwrap_err()
                .errcode,
            code::COMPONENT_CODE_EXPIRED
        );
        let refresh = p.authorizations["wxA"].refresh_token.clone();
        assert_eq!(
            p.refresh("wxA", "other", 170).unwrap_err().errcode,
            code::REFRESH_TOKEN_INVALID
        );
        let third = p.refresh("wxA", &refresh, 170).unwrap();
        // The same permission sets again: a new refresh token, no push.
        let pre2 = p.new_preauth(200);
        assert_eq!(
            p.grant(&pre2, "wxA", vec![1, 8], 200).unwrap().outcome,
            "unchanged"
        );
        assert_eq!(
            p.refresh("wxA", &refresh, 201).unwrap_err().errcode,
            code::REFRESH_TOKEN_INVALID
        );
        // Without the card permission set, the tokens are refused with 48001.
        let pre3 = p.new_preauth(210);
        assert_eq!(
            p.grant(&pre3, "wxA", vec![1], 210).unwrap().outcome,
            "updateauthorized"
        );
        assert_eq!(
            p.authorizer(&third, 211).unwrap().unwrap_err().errcode,
            code::API_UNAUTHORIZED
        );
        assert!(p.revoke("wxA", 220));
        assert!(!p.revoke("wxA", 221));
        assert_eq!(p.authorizer(&second, 222), None);
        assert_eq!(
            p.refresh("wxA", &refresh, 222).unwrap_err().errcode,
            code::COMPONENT_UNAUTHORIZED
        );
        let events: Vec<&str> = p
            .take_notices()
            .iter()
            .map(PlatformNotice::info_type)
            .collect();
        assert_eq!(events, ["authorized", "updateauthorized", "unauthorized"]);
    }
}
