//! Every account the simulator plays, and what they share: the simulated clock, the calls
//! received, the queued faults and the open platform.
//!
//! The **default merchant** is the account of `--appid` (or [`super::SANDBOX_APPID`]): the
//! one every token of `cgi-bin/token` and `stable_token` belongs to unless the AppID names
//! another merchant, so a simulator nobody adds merchants to behaves as a single account. Its
//! members sit at the top of the state file, exactly where a file of one account has them, so
//! such a file loads as the default merchant. The other merchants (made by a platform
//! authorization or the admin API) are kept by AppID under `merchants`, the platform under
//! `platform`.
//!
//! A WeChat call's token names exactly one merchant ([`World::resolve`]): the call then sees
//! that merchant's [`State`] only, so another merchant's cards, orders and codes are unknown
//! to it and its coins are its own.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::clock;
use super::errors::{WxError, code};
use super::faults::Fault;
use super::platform::Platform;
use super::state::{Profile, State};

/// Everything the simulator remembers (serialized whole for `--state`).
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct World {
    /// Seconds added to the real clock (the admin API moves time forward); every account
    /// reads this clock.
    pub clock_offset: i64,
    /// The default merchant, flattened: its members are the top of the state file.
    #[serde(flatten)]
    pub default: State,
    /// The other merchants by AppID.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub merchants: BTreeMap<String, State>,
    /// The open platform's data (tickets, codes, authorizations).
    pub platform: Platform,
    /// Calls received per WeChat path, whoever made them.
    pub calls: BTreeMap<String, u64>,
    /// Faults waiting for the next WeChat calls (not saved).
    #[serde(skip)]
    pub faults: Vec<Fault>,
}

impl World {
    /// After loading: the default merchant is `appid`, every other takes its key as AppID,
    /// and all read the world's clock.
    pub fn adopt(&mut self, appid: &str) {
        if let Some(clash) = self.merchants.remove(appid) {
            // The default merchant is `--appid`: a platform merchant of that AppID (another
            // run's) cannot be both; the top of the file wins, the clash is set aside.
            tracing::warn!(
                "the state file holds a second account {appid}: kept as {appid}~ (the default merchant is the top of the file)"
            );
            self.merchants.insert(format!("{appid}~"), clash);
        }
        self.default.appid = appid.to_owned();
        for (id, st) in &mut self.merchants {
            st.appid.clone_from(id);
        }
        self.sync_clock();
    }

    /// The simulated time (unix seconds).
    pub fn now(&self) -> i64 {
        clock::real_now().saturating_add(self.clock_offset)
    }

    /// Moves the clock forward by `seconds` (never backwards).
    pub fn advance(&mut self, seconds: i64) {
        self.clock_offset = clock::advance(self.clock_offset, seconds);
        self.sync_clock();
    }

    /// Sets where the clock starts (the state file's saved clock is replaced).
    pub fn start_at(&mut self, start: i64) {
        self.clock_offset = clock::offset_for_start(start);
        self.sync_clock();
    }

    fn sync_clock(&mut self) {
        let offset = self.clock_offset;
        self.default.clock_offset = offset;
        for st in self.merchants.values_mut() {
            st.clock_offset = offset;
        }
    }

    /// The default merchant's AppID.
    pub fn default_appid(&self) -> &str {
        &self.default.appid
    }

    /// A merchant by AppID.
    pub fn account(&self, appid: &str) -> Option<&State> {
        if appid == self.default.appid {
            Some(&self.default)
        } else {
            self.merchants.get(appid)
        }
    }

    /// A merchant by AppID, reading the world's clock.
    pub fn account_mut(&mut self, appid: &str) -> Option<&mut State> {
        let offset = self.clock_offset;
        let st = if appid == self.default.appid {
            Some(&mut self.default)
        } else {
            self.merchants.get_mut(appid)
        }?;
        st.clock_offset = offset;
        Some(st)
    }

    /// Every merchant, the default first.
    pub fn accounts(&self) -> impl Iterator<Item = &State> {
        std::iter::once(&self.default).chain(self.merchants.values())
    }

    /// Every merchant, reading the world's clock.
    pub fn accounts_mut(&mut self) -> impl Iterator<Item = &mut State> {
        self.sync_clock();
        std::iter::once(&mut self.default).chain(self.merchants.values_mut())
    }

    /// Adds a merchant (its own cards, stores, wallet, …, the demo stores to start with).
    /// Refused when the AppID is taken.
    pub fn add_merchant(&mut self, appid: &str, profile: Profile) -> Result<&mut State, String> {
        if self.account(appid).is_some() {
            return Err(format!("the merchant {appid} exists already"));
        }
        let st = State {
            appid: appid.to_owned(),
            profile,
            clock_offset: self.clock_offset,
            ..State::default()
        };
        Ok(self.merchants.entry(appid.to_owned()).or_insert(st))
    }

    /// The merchant a WeChat call's `access_token` acts for: one of a merchant's own tokens
    /// (`cgi-bin/token`, `stable_token`) or an authorizer token of the platform. 41001
    /// missing, 40001 unknown (a component token included: it is no access token), 42001
    /// expired, 48001 an authorization without the card permission set.
    pub fn resolve(&self, token: Option<&str>) -> Result<String, WxError> {
        let Some(token) = token.filter(|t| !t.is_empty()) else {
            return Err(WxError::new(
                code::TOKEN_MISSING,
                "access_token missing rid: sandbox",
            ));
        };
        let now = self.now();
        for st in self.accounts() {
            match st.tokens.get(token) {
                Some(exp) if *exp <= now => {
                    return Err(WxError::new(code::TOKEN_EXPIRED, "access_token expired"));
                }
                Some(_) => return Ok(st.appid.clone()),
                None => {}
            }
        }
        if let Some(found) = self.platform.authorizer(token, now) {
            return found.map(str::to_owned);
        }
        Err(WxError::new(
            code::TOKEN_INVALID,
            "invalid credential, access_token is invalid or not latest",
        ))
    }

    /// Whether the merchant `appid` authorizes the platform (its card events then go to the
    /// platform's message URL).
    pub fn authorized(&self, appid: &str) -> bool {
        self.platform.authorizations.contains_key(appid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_file_of_one_account_loads_as_the_default_merchant_and_saves_back_in_place() {
        let old = serde_json::json!({
            "clock_offset": 3600,
            "tokens": {"SBX_old": 4_000_000_000_i64},
            "cards": {},
            "calls": {"/card/create": 2},
            "seq": 7,
            "wallet": {"activated": true, "free": 20000, "paid": 0, "quotes": {}, "orders": []},
            "code_key": "00112233445566778899aabbccddeeff"
        });
        let mut w: World = serde_json::from_value(old).unwrap();
        w.adopt("wxdefault");
        assert_eq!(w.clock_offset, 3600);
        assert_eq!(w.default.clock_offset, 3600);
        assert_eq!(w.default.wallet.free, 20_000);
        assert_eq!(w.calls["/card/create"], 2);
        assert_eq!(w.resolve(Some("SBX_old")).unwrap(), "wxdefault");
        w.add_merchant("wxother", Profile::default()).unwrap();
        assert!(w.add_merchant("wxother", Profile::default()).is_err());
        let saved = serde_json::to_value(&w).unwrap();
        // The default merchant stays at the top; the other is under `merchants`.
        assert_eq!(saved["wallet"]["free"], 20_000);
        assert_eq!(saved["seq"], 7);
        assert!(saved["merchants"]["wxother"]["wallet"].is_object());
        let mut back: World = serde_json::from_value(saved).unwrap();
        back.adopt("wxdefault");
        let appids: Vec<&str> = back.accounts().map(|st| st.appid.as_str()).collect();
        assert_eq!(appids, ["wxdefault", "wxother"]);
        assert_eq!(back.account("wxother").unwrap().appid, "wxother");
        assert_eq!(back.account_mut("wxother").unwrap().clock_offset, 3600);
    }

    #[test]
    fn a_token_names_its_merchant_only() {
        let mut w = World::default();
        w.adopt("wxa");
        let now = w.now();
        w.add_merchant("wxb", Profile::default()).unwrap();
        w.default.tokens.insert("ta".into(), now + 100);
        if let Some(b) = w.account_mut("wxb") {
            b.tokens.insert("tb".into(), now + 100);
            b.tokens.insert("old".into(), now - 1);
        }
        assert_eq!(w.resolve(Some("ta")).unwrap(), "wxa");
        assert_eq!(w.resolve(Some("tb")).unwrap(), "wxb");
        assert_eq!(
            w.resolve(Some("old")).unwrap_err().errcode,
            code::TOKEN_EXPIRED
        );
        assert_eq!(
            w.resolve(Some("nope")).unwrap_err().errcode,
            code::TOKEN_INVALID
        );
        assert_eq!(w.resolve(None).unwrap_err().errcode, code::TOKEN_MISSING);
    }
}
