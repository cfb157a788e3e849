//! A platform account's merchants as Settings shows them, without egui and without IO: the
//! list the company server answered, the search over it, and "添加商户" — the authorization
//! page a merchant's admin scans, during which the list is read again every few seconds until
//! a merchant that was not there before appears (or the page expires, or the person closes
//! it). A merchant whose authorization was withdrawn leaves the list at once ([`Self::remove`]).
//!
//! The shell asks for the list and the page and hands the answers in; this decides when the
//! next read is due and when the window must wake for it, so that nothing polls at rest.

use std::collections::BTreeSet;
use std::time::Duration;

use crate::api::{AuthorizationLink, Merchant};
use crate::message::UiError;

/// While the authorization page is shown, the merchant list is read this often.
pub const LINK_POLL: Duration = Duration::from_secs(3);

/// The authorization page being shown.
#[derive(Clone, Debug, Default)]
pub struct Linking {
    /// The page (`None` while it is being asked for).
    pub link: Option<AuthorizationLink>,
    /// Why the page could not be had.
    pub error: Option<UiError>,
    /// The merchants listed when the page was asked for: a new one is any other.
    known: BTreeSet<String>,
    /// When the page stops working (local Unix ms; 0 until it arrived).
    pub until_ms: i64,
    /// When the list is read next (local Unix ms).
    next_ms: Option<i64>,
}

impl Linking {
    /// Whether the page can no longer be scanned at `now_ms`.
    pub fn expired(&self, now_ms: i64) -> bool {
        self.link.is_some() && now_ms >= self.until_ms
    }
}

/// One platform account's merchants.
#[derive(Clone, Debug, Default)]
pub struct MerchantList {
    /// As the server listed them (minus those withdrawn since).
    pub merchants: Vec<Merchant>,
    /// The server answered at least once.
    pub loaded: bool,
    /// A read is on its way.
    pub loading: bool,
    /// Why the last read failed.
    pub error: Option<UiError>,
    /// The search box: part of a name or an AppID.
    pub query: String,
    /// 添加商户: the authorization page, while it is shown.
    pub linking: Option<Linking>,
    /// The merchant that appeared while the page was shown.
    pub added: Option<Merchant>,
}

/// Whether `m` matches the search `query` (part of its name, AppID, original id or company,
/// letters in any case; an empty query matches every merchant).
pub fn matches(m: &Merchant, query: &str) -> bool {
    let q = query.trim().to_lowercase();
    q.is_empty()
        || [&m.name, &m.appid, &m.user_name, &m.principal_name]
            .iter()
            .any(|field| field.to_lowercase().contains(&q))
}

impl MerchantList {
    /// The merchants the search shows, in the server's order.
    pub fn visible(&self) -> Vec<&Merchant> {
        self.merchants
            .iter()
            .filter(|m| matches(m, &self.query))
            .collect()
    }

    /// The merchant `appid`, if listed.
    pub fn find(&self, appid: &str) -> Option<&Merchant> {
        self.merchants.iter().find(|m| m.appid == appid)
    }

    /// A read is to be sent (the person asked, or Settings opened): false when one is
    /// already on its way.
    pub fn begin_read(&mut self) -> bool {
        !std::mem::replace(&mut self.loading, true)
    }

    /// The server's answer. While the authorization page is shown, a merchant that was not
    /// listed before ends it: it is [`Self::added`].
    pub fn on_listed(&mut self, result: Result<Vec<Merchant>, UiError>) {
        self.loading = false;
        match result {
            Ok(list) => {
                self.loaded = true;
                self.error = None;
                if let Some(linking) = &self.linking
                    && let Some(new) = list.iter().find(|m| !linking.known.contains(&m.appid))
                {
                    self.added = Some(new.clone());
                    self.linking = None;
                }
                self.merchants = list;
            }
            Err(e) => self.error = Some(e),
        }
    }

    /// Removes `appid` (its authorization was withdrawn); the merchant, if it was listed.
    pub fn remove(&mut self, appid: &str) -> Option<Merchant> {
        let at = self.merchants.iter().position(|m| m.appid == appid)?;
        Some(self.merchants.remove(at))
    }

    /// 添加商户 was clicked: the page is asked for; every merchant listed now is known.
    pub fn start_linking(&mut self) {
        self.added = None;
        self.linking = Some(Linking {
            known: self.merchants.iter().map(|m| m.appid.clone()).collect(),
            ..Linking::default()
        });
    }

    /// The page (or why not) arrived at `now_ms`; the list is read every `every` from then.
    pub fn on_link(
        &mut self,
        result: Result<AuthorizationLink, UiError>,
        now_ms: i64,
        every: Duration,
    ) {
        let Some(linking) = &mut self.linking else {
            return; // Closed meanwhile.
        };
        match result {
            Ok(link) => {
                linking.until_ms =
                    now_ms.saturating_add(link.expires_in.max(0).saturating_mul(1000));
                linking.link = Some(link);
                linking.error = None;
                linking.next_ms = Some(now_ms.saturating_add(millis(every)));
            }
            Err(e) => linking.error = Some(e),
        }
    }

    /// The person closed the page.
    pub fn stop_linking(&mut self) {
        self.linking = None;
    }

    /// Whether a read of the list is due at `now_ms` (the page is shown and live): if so it
    /// is marked as sent, and the next one planned `every` later.
    pub fn due(&mut self, now_ms: i64, every: Duration) -> bool {
        let Some(linking) = &mut self.linking else {
            return false;
        };
        if linking.expired(now_ms) || linking.next_ms.is_none_or(|at| now_ms < at) {
            return false;
        }
        linking.next_ms = Some(now_ms.saturating_add(millis(every)));
        self.begin_read()
    }

    /// How long until this list needs a frame with no input: the next read while the page
    /// is shown, or the moment it expires (to say so); `None` at rest.
    pub fn next_wakeup(&self, now_ms: i64) -> Option<Duration> {
        let linking = self.linking.as_ref()?;
        if linking.expired(now_ms) {
            return None;
        }
        let at = linking.next_ms?.min(linking.until_ms);
        Some(Duration::from_millis(
            u64::try_from(at.saturating_sub(now_ms)).unwrap_or(0),
        ))
    }
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn m(appid: &str, name: &str) -> Merchant {
        Merchant {
            appid: appid.into(),
            name: name.into(),
            user_name: format!("gh_{appid}"),
            principal_name: format!("{name}有限公司"),
            authorized_at: 0,
        }
    }

    #[test]
    fn the_search_finds_a_merchant_by_name_or_appid() {
        let list = MerchantList {
            merchants: vec![m("wxAAA1", "北风羽绒"), m("wxBBB2", "南山茶饮")],
            query: "南山".into(),
            ..MerchantList::default()
        };
        let names = |l: &MerchantList| -> Vec<String> {
            l.visible().iter().map(|m| m.name.clone()).collect()
        };
        assert_eq!(names(&list), ["南山茶饮"]);
        let list = MerchantList {
            query: " wxaaa ".into(),
            ..list
        };
        assert_eq!(names(&list), ["北风羽绒"]);
        let list = MerchantList {
            query: String::new(),
            ..list
        };
        assert_eq!(names(&list).len(), 2);
        assert!(!matches(&m("wx1", "a"), "zzz"));
    }

    #[test]
    fn the_page_polls_until_a_new_merchant_appears_and_then_rests() {
        let every = Duration::from_secs(3);
        let mut list = MerchantList::default();
        assert!(list.begin_read());
        assert!(!list.begin_read(), "one read at a time");
        list.on_listed(Ok(vec![m("wxA", "北风羽绒")]));
        assert_eq!(list.next_wakeup(0), None, "nothing polls at rest");
        assert!(!list.due(10_000, every));

        list.start_linking();
        // Until the page arrives nothing is read.
        assert!(!list.due(1_000, every));
        let link = AuthorizationLink {
            url: "https://mp.weixin.qq.com/cgi-bin/componentloginpage?pre_auth_code=p".into(),
            expires_in: 1800,
        };
        list.on_link(Ok(link), 1_000, every);
        assert_eq!(list.next_wakeup(1_000), Some(every));
        assert!(!list.due(3_999, every));
        assert!(list.due(4_000, every));
        assert!(!list.due(4_001, every), "the read is on its way");
        // The same merchants: still waiting.
        list.on_listed(Ok(vec![m("wxA", "北风羽绒")]));
        assert!(list.linking.is_some() && list.added.is_none());
        assert!(list.due(7_000, every));
        list.on_listed(Ok(vec![m("wxA", "北风羽绒"), m("wxB", "南山茶饮")]));
        assert_eq!(list.added.as_ref().map(|m| m.appid.as_str()), Some("wxB"));
        assert!(list.linking.is_none());
        assert_eq!(list.next_wakeup(8_000), None);
    }

    #[test]
    fn an_expired_page_stops_polling_and_a_withdrawn_merchant_leaves() {
        let every = Duration::from_secs(3);
        let mut list = MerchantList {
            merchants: vec![m("wxA", "北风羽绒"), m("wxB", "南山茶饮")],
            ..MerchantList::default()
        };
        list.start_linking();
        let link = AuthorizationLink {
            url: "https://example.com/p".into(),
            expires_in: 5,
        };
        list.on_link(Ok(link), 0, every);
        // The wake-up comes at the expiry when that is sooner than the next read.
        assert!(list.due(3_000, every));
        list.on_listed(Ok(list.merchants.clone()));
        assert_eq!(list.next_wakeup(4_000), Some(Duration::from_millis(1_000)));
        assert!(list.linking.as_ref().unwrap().expired(5_000));
        assert!(!list.due(6_000, every));
        assert_eq!(list.next_wakeup(6_000), None);

        assert_eq!(list.remove("wxA").map(|m| m.name), Some("北风羽绒".into()));
        assert_eq!(list.remove("wxA"), None);
        assert_eq!(list.merchants.len(), 1);
        // A failed read keeps what was listed and says why.
        list.begin_read();
        list.on_listed(Err(UiError::plain("down")));
        assert_eq!(list.merchants.len(), 1);
        assert!(list.error.is_some() && !list.loading);
        // A page that could not be had says why and polls nothing.
        list.start_linking();
        list.on_link(Err(UiError::plain("refused")), 0, every);
        assert!(list.linking.as_ref().unwrap().error.is_some());
        assert!(!list.due(60_000, every));
        assert_eq!(list.next_wakeup(60_000), None);
        list.stop_linking();
        assert!(list.linking.is_none());
    }
}
