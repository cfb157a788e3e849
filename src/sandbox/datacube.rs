//! Statistics: `datacube/getcardbizuininfo` (the account per day) and
//! `datacube/getcardcardinfo` (per card per day), counted from recorded events.
//!
//! - `begin_date`/`end_date` must be exactly `YYYY-MM-DD` (61500); end ≥ begin and at most 62
//!   days with both ends counted (61501). `cond_source` must be 0 or 1 (40097); the simulator
//!   only has API-created cards and answers the same data for both.
//! - One row per Beijing day (UTC+8) that has events; `*_cnt` counts events, `*_user` distinct
//!   openids. Expiry events are those recorded (a code forced to EXPIRE) plus one per NORMAL
//!   code whose card's validity ended, on the day it ended.
//! - getcardcardinfo: `card_id` optional (all cards, one row per card and day, when absent);
//!   `card_type` 1 for CASH (代金券) and 2 for GIFT (兑换券, formerly 礼品券), by the guide's
//!   enum.
//! - As the real API answers (reference notes, "How the real API answers"): a success has no
//!   errcode, only `list`; there is no row for the current Beijing day (or later); rows carry
//!   the friends' metrics beside the guide's: `view_friends_*` (a friend saw a shared code),
//!   `receive_friends_*` (received through a share), `verify_friends_*` (a friend who saw the
//!   shared code used it); card rows also `verify_noself_*` (used by someone other than the
//!   holder), `is_pay` 0 and `isfriendscard`.

use std::collections::{BTreeMap, BTreeSet};

use axum::body::Bytes;
use axum::extract::{Query as AxQuery, State as AxState};
use axum::response::Response;
use chrono::NaiveDate;
use serde_json::{Map, Value, json};

use super::State;
use super::auth::{Q, S};
use super::body;
use super::codes::CodeStatus;
use super::errors::{WxError, code};
use super::events::{Event, Kind};
use crate::card::beijing;

/// The longest range, both ends counted.
pub const MAX_DAYS: i64 = 62;

/// Parses a strict `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        });
    if !shape {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

fn date_member(v: &Value, key: &str) -> Result<NaiveDate, WxError> {
    v.get(key)
        .and_then(Value::as_str)
        .and_then(parse_date)
        .ok_or_else(|| WxError::new(code::DATE_FORMAT, "date format error"))
}

/// The checked `(begin, end)` dates of a datacube body.
pub fn range(v: &Value) -> Result<(NaiveDate, NaiveDate), WxError> {
    let begin = date_member(v, "begin_date")?;
    let end = date_member(v, "end_date")?;
    let days = (end - begin).num_days() + 1;
    if !(1..=MAX_DAYS).contains(&days) {
        return Err(WxError::new(code::DATE_RANGE, "date range error"));
    }
    match body::int(v, "cond_source") {
        Ok(None | Some(0 | 1)) => Ok((begin, end)),
        _ => Err(WxError::args("cond_source (0 or 1)")),
    }
}

/// Recorded events plus the derived expiries.
fn all_events(st: &State) -> Vec<Event> {
    let mut out = st.events.clone();
    for c in st.codes.values() {
        if c.status == CodeStatus::Normal && st.code_status(c) == CodeStatus::Expire {
            let end = st.cards.get(&c.card_id).map_or(0, |k| k.validity().1);
            out.push(
                Event::new(end, Kind::Expire, &c.card_id, &c.openid, c.outer_id)
                    .with_code(Some(&c.code))
                    .with_source("expiry"),
            );
        }
    }
    out
}

/// Counts per (day, card) — `card` is `None` for the account totals — per column prefix.
type Buckets =
    BTreeMap<(NaiveDate, Option<String>), BTreeMap<&'static str, (u64, BTreeSet<String>)>>;

/// The column prefixes an event counts in: its kind's, and the friends' ones it qualifies for.
fn columns(st: &State, e: &Event, share_views: &BTreeSet<(String, String)>) -> Vec<&'static str> {
    let mut out = vec![e.kind.column()];
    let holder = e
        .code
        .as_ref()
        .and_then(|c| st.codes.get(c))
        .map(|c| c.openid.as_str());
    let by_other = holder.is_some_and(|h| h != e.openid);
    match e.kind {
        Kind::View if by_other => out.push("view_friends"),
        Kind::Receive if e.source == "share" => out.push("receive_friends"),
        Kind::Verify if by_other => {
            out.push("verify_noself");
            let code = e.code.clone().unwrap_or_default();
            if share_views.contains(&(code, e.openid.clone())) {
                out.push("verify_friends");
            }
        }
        _ => {}
    }
    out
}

fn aggregate(
    st: &State,
    (begin, end): (NaiveDate, NaiveDate),
    per_card: bool,
    only: Option<&str>,
) -> Buckets {
    // No data for the current day: WeChat's statistics are ready the day after.
    let today = beijing::date_of(st.now());
    let events = all_events(st);
    let share_views: BTreeSet<(String, String)> = events
        .iter()
        .filter(|e| e.kind == Kind::View)
        .filter_map(|e| {
            let code = e.code.as_ref()?;
            let holder = &st.codes.get(code)?.openid;
            (*holder != e.openid).then(|| (code.clone(), e.openid.clone()))
        })
        .collect();
    let mut buckets: Buckets = BTreeMap::new();
    for e in &events {
        let Some(day) = beijing::date_of(e.time) else {
            continue;
        };
        if day < begin
            || day > end
            || today.is_some_and(|t| day >= t)
            || only.is_some_and(|c| c != e.card_id)
        {
            continue;
        }
        let key = (day, per_card.then(|| e.card_id.clone()));
        let bucket = buckets.entry(key).or_default();
        for column in columns(st, e, &share_views) {
            let cell = bucket.entry(column).or_default();
            cell.0 += 1;
            cell.1.insert(e.openid.clone());
        }
    }
    buckets
}

/// The friends' columns every row carries, after the guide's.
const FRIENDS: [&str; 3] = ["view_friends", "receive_friends", "verify_friends"];

fn rows(st: &State, buckets: Buckets) -> Vec<Value> {
    buckets
        .into_iter()
        .map(|((day, card), counts)| {
            let mut row = Map::new();
            row.insert("ref_date".into(), json!(day.format("%Y-%m-%d").to_string()));
            let mut prefixes: Vec<&str> = Kind::ALL.iter().map(|k| k.column()).collect();
            prefixes.extend(FRIENDS);
            if let Some(card_id) = card {
                let c = st.cards.get(&card_id);
                let kind = c.map_or(1, |c| if c.body_key() == "gift" { 2 } else { 1 });
                let friends = c.is_some_and(|c| {
                    c.advanced("share_friends").and_then(Value::as_bool) == Some(true)
                });
                row.insert("card_id".into(), json!(card_id));
                row.insert("card_type".into(), json!(kind));
                row.insert("is_pay".into(), json!(0));
                row.insert("isfriendscard".into(), json!(i32::from(friends)));
                prefixes.push("verify_noself");
            }
            for p in prefixes {
                let (cnt, users) = counts.get(p).map_or((0, 0), |(n, u)| (*n, u.len()));
                row.insert(format!("{p}_cnt"), json!(cnt));
                row.insert(format!("{p}_user"), json!(users));
            }
            Value::Object(row)
        })
        .collect()
}

/// A datacube success: only `list`, no errcode (as the real API answers).
fn bare(v: Value) -> Value {
    v
}

/// Both calls: the checked range, then the account's rows or (`per_card`) one row per card and
/// day, for the body's `card_id` when it names one.
fn answer(
    shared: &super::Shared,
    q: &super::auth::Query,
    bytes: &Bytes,
    per_card: bool,
) -> Response {
    shared.call_with(
        q,
        false,
        |st, _| {
            let v = body::parse(bytes)?;
            let r = range(&v)?;
            let only = per_card
                .then(|| body::string(&v, "card_id"))
                .flatten()
                .filter(|s| !s.is_empty());
            Ok(json!({"list": rows(st, aggregate(st, r, per_card, only.as_deref()))}))
        },
        bare,
    )
}

/// `POST datacube/getcardbizuininfo {begin_date, end_date, cond_source}`.
pub async fn biz(AxState(shared): S, AxQuery(q): Q, bytes: Bytes) -> Response {
    answer(&shared, &q, &bytes, false)
}

/// `POST datacube/getcardcardinfo {begin_date, end_date, cond_source, card_id}`.
pub async fn card(AxState(shared): S, AxQuery(q): Q, bytes: Bytes) -> Response {
    answer(&shared, &q, &bytes, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_dates_and_range() {
        assert!(parse_date("2015-06-15").is_some());
        for bad in [
            "2015-6-15",
            "2015/06/15",
            "20150615",
            "2015-06-31",
            " 2015-06-15",
        ] {
            assert!(parse_date(bad).is_none(), "{bad}");
        }
        let ok = json!({"begin_date": "2015-06-01", "end_date": "2015-08-01", "cond_source": 0});
        assert!(range(&ok).is_ok(), "62 days");
        let long = json!({"begin_date": "2015-06-01", "end_date": "2015-08-02"});
        assert_eq!(range(&long).unwrap_err().errcode, 61501);
        let back = json!({"begin_date": "2015-06-02", "end_date": "2015-06-01"});
        assert_eq!(range(&back).unwrap_err().errcode, 61501);
    }
}
