//! Placement: `card/qrcode/create`, `card/testwhitelist/set` and `cgi-bin/ticket/getticket`.
//!
//! - qrcode/create: `action_name` must be QR_CARD; `expire_seconds` absent means a permanent
//!   QR (the answer then says 31536000, as the real API does), else 60–1800; the card must exist;
//!   `is_unique_code` true needs an approved card with stock, and such a QR can be scanned
//!   once. Each refusal is 40053 with its own errmsg. `outer_id` (default 0), `outer_str` and
//!   `openid` are kept with the ticket.
//! - testwhitelist/set: at least one entry (40053), at most 10 in total (45021, the guide's
//!   code for a list longer than 10); replaces the list.
//! - getticket: `type` jsapi or wx_card (40053 otherwise); the same ticket while it is valid
//!   (7200 s of simulated time).

use axum::body::Bytes;
use axum::extract::{Query as AxQuery, State as AxState};
use axum::response::Response;
use base64::Engine;
use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::State;
use super::auth::{Q, S};
use super::body;
use super::errors::{WxError, code};
use super::status;

/// Ticket lifetime.
pub const TICKET_LIFE: i64 = 7200;
/// What qrcode/create answers as `expire_seconds` for a permanent code (seen in real
/// answers; it is not the code's lifetime).
pub const PERMANENT_ANSWER: i64 = 31_536_000;

/// The whitelist size limit.
pub const WHITELIST_MAX: usize = 10;

/// A placement QR.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placement {
    /// The ticket.
    pub ticket: String,
    /// `http://weixin.qq.com/q/…`.
    pub url: String,
    /// The card.
    pub card_id: String,
    /// The scene value.
    pub outer_id: i64,
    /// The custom channel string (`outer_str`), pushed with each claim.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub outer_str: String,
    /// Only this user may receive (empty = anyone).
    #[serde(default)]
    pub openid: String,
    /// One scan only.
    pub unique: bool,
    /// Expiry (`None` = permanent).
    pub expires: Option<i64>,
    /// Creation time.
    pub created: i64,
    /// Times scanned.
    #[serde(default)]
    pub scans: u64,
}

/// A getticket ticket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    /// The ticket.
    pub ticket: String,
    /// Expiry.
    pub expires: i64,
}

/// The test whitelist.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Whitelist {
    /// openids.
    pub openid: Vec<String>,
    /// WeChat user names.
    pub username: Vec<String>,
}

impl Whitelist {
    /// Whether a user is on the list.
    pub fn contains(&self, openid: &str, username: Option<&str>) -> bool {
        self.openid.iter().any(|o| o == openid)
            || username.is_some_and(|u| self.username.iter().any(|w| w == u))
    }
}

impl State {
    /// The placement of a ticket or of a QR url.
    pub fn placement(&self, ticket_or_url: &str) -> Option<&Placement> {
        self.placements
            .get(ticket_or_url)
            .or_else(|| self.placements.values().find(|p| p.url == ticket_or_url))
    }
}

/// `POST card/qrcode/create`.
pub async fn qrcode(AxState(shared): S, AxQuery(q): Q, bytes: Bytes) -> Response {
    shared.call(&q, true, |st, shared| {
        let v = body::parse(&bytes)?;
        let action = body::string(&v, "action_name").unwrap_or_default();
        if action != "QR_CARD" {
            return Err(WxError::structure(format!(
                "action_name must be QR_CARD, not {action:?}"
            )));
        }
        let bad_expire = || WxError::structure("expire_seconds must be 60-1800");
        let expire = body::int(&v, "expire_seconds").map_err(|_| bad_expire())?;
        if expire.is_some_and(|e| !(60..=1800).contains(&e)) {
            return Err(bad_expire());
        }
        let info = v
            .get("action_info")
            .and_then(|a| a.get("card"))
            .cloned()
            .unwrap_or(Value::Null);
        let (card_id, card) = st.known_card(&info)?;
        let unique = body::boolean(&info, "is_unique_code", false);
        if unique
            && (st.status_of(card, shared.review_delay()) != status::VERIFY_OK
                || card.quantity <= 0)
        {
            return Err(WxError::structure(format!(
                "is_unique_code needs an approved card with stock ({card_id})"
            )));
        }
        let outer_id = body::int(&info, "outer_id")?.unwrap_or(0);
        let outer_str = body::string(&info, "outer_str").unwrap_or_default();
        let openid = body::string(&info, "openid").unwrap_or_default();
        let now = st.now();
        let raw: [u8; 48] = rand::rng().random();
        let ticket = format!(
            "gQH{}",
            base64::engine::general_purpose::STANDARD.encode(raw)
        );
        let url = format!("http://weixin.qq.com/q/{}", st.new_id("", 22));
        let encoded: String = url::form_urlencoded::byte_serialize(ticket.as_bytes()).collect();
        st.placements.insert(
            ticket.clone(),
            Placement {
                ticket: ticket.clone(),
                url: url.clone(),
                card_id,
                outer_id,
                outer_str,
                openid,
                unique,
                expires: expire.map(|e| now + e),
                created: now,
                scans: 0,
            },
        );
        let mut out = json!({
            "ticket": ticket,
            "url": url,
            "show_qrcode_url": format!("https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket={encoded}"),
        });
        // As the real API: a permanent code still answers a year (31536000 s).
        if let Some(o) = out.as_object_mut() {
            o.insert(
                "expire_seconds".into(),
                json!(expire.unwrap_or(PERMANENT_ANSWER)),
            );
        }
        Ok(out)
    })
}

fn names(v: &Value, key: &str) -> Result<Vec<String>, WxError> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| {
                i.as_str()
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .ok_or_else(|| WxError::args(key))
            })
            .collect(),
        Some(_) => Err(WxError::args(key)),
    }
}

/// `POST card/testwhitelist/set {openid: […], username: […]}`.
pub async fn whitelist(AxState(shared): S, AxQuery(q): Q, bytes: Bytes) -> Response {
    shared.call(&q, true, |st, _| {
        let v = body::parse(&bytes)?;
        let openid = names(&v, "openid")?;
        let username = names(&v, "username")?;
        let total = openid.len() + username.len();
        if total == 0 {
            return Err(WxError::structure("openid or username required"));
        }
        if total > WHITELIST_MAX {
            return Err(WxError::new(
                code::LIST_TOO_LONG,
                format!("at most {WHITELIST_MAX} whitelist entries, not {total}"),
            ));
        }
        // The real answer: the list's size and the entries set.
        let out = json!({
            "white_list_size": total,
            "success_openid": openid,
            "success_username": username,
        });
        st.whitelist = Whitelist { openid, username };
        Ok(out)
    })
}

/// `GET cgi-bin/ticket/getticket?type=jsapi|wx_card`.
pub async fn ticket(AxState(shared): S, AxQuery(q): Q) -> Response {
    let kind = q.get("type").cloned().unwrap_or_default();
    shared.call(&q, true, move |st, _| {
        if kind != "jsapi" && kind != "wx_card" {
            return Err(WxError::structure("type must be jsapi or wx_card"));
        }
        let now = st.now();
        let current = st.tickets.get(&kind).filter(|t| t.expires > now).cloned();
        let t = match current {
            Some(t) => t,
            None => {
                let t = Ticket {
                    ticket: st.new_id("bxLdikRXVbTPdHSM05e5u5sUoXNKd8", 86),
                    expires: now + TICKET_LIFE,
                };
                st.tickets.insert(kind, t.clone());
                t
            }
        };
        Ok(json!({"ticket": t.ticket, "expires_in": t.expires - now}))
    })
}
