//! datacube/getcardbizuininfo and datacube/getcardcardinfo: daily counts derived from the
//! simulated user events, by Beijing date. Dates must be exactly `YYYY-MM-DD` (61500) and the
//! range at most 62 days, both ends counted (61501).

use std::collections::{BTreeMap, BTreeSet};

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State as AxState};
use chrono::NaiveDate;
use serde_json::{Value, json};

use super::wechat::{Q, S, authorize};
use super::{wx_error, wx_ok};
use crate::card::beijing;

/// The longest range, in days (both ends counted).
pub const MAX_DAYS: i64 = 62;

fn date(v: Option<&Value>) -> Option<NaiveDate> {
    let s = v?.as_str()?;
    if s.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

async fn stats(
    shared: &super::Shared,
    q: &std::collections::HashMap<String, String>,
    body: &Bytes,
    path: &str,
    per_card: bool,
) -> Json<Value> {
    let mut st = shared.lock();
    if let Err(e) = authorize(shared, &mut st, path, q) {
        return e;
    }
    let v: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let (Some(begin), Some(end)) = (date(v.get("begin_date")), date(v.get("end_date"))) else {
        return wx_error(61500, "date format error");
    };
    if end < begin || (end - begin).num_days() + 1 > MAX_DAYS {
        return wx_error(61501, "date range error");
    }
    let card_id = v.get("card_id").and_then(Value::as_str).map(str::to_owned);
    if per_card
        && card_id
            .as_deref()
            .is_none_or(|id| !st.cards.contains_key(id))
    {
        return wx_error(40053, "invalid card_id");
    }
    // (date, kind) → (count, users)
    let mut days: BTreeMap<NaiveDate, BTreeMap<&str, (i64, BTreeSet<&str>)>> = BTreeMap::new();
    for e in &st.codes.events {
        if card_id.as_deref().is_some_and(|id| id != e.card_id) {
            continue;
        }
        let Some(d) = beijing::date_of(e.at) else {
            continue;
        };
        if d < begin || d > end {
            continue;
        }
        let slot = days
            .entry(d)
            .or_default()
            .entry(e.kind.as_str())
            .or_default();
        slot.0 += 1;
        slot.1.insert(e.openid.as_str());
    }
    let card_type = card_id
        .as_ref()
        .and_then(|id| st.cards.get(id))
        .map(|c| if c.card.get("gift").is_some() { 2 } else { 1 });
    let list: Vec<Value> = days
        .iter()
        .map(|(d, kinds)| {
            let get = |k: &str| kinds.get(k).map_or((0, 0), |(n, u)| (*n, u.len()));
            let mut row = json!({"ref_date": d.format("%Y-%m-%d").to_string()});
            for k in ["view", "receive", "verify", "given", "expire"] {
                let (n, u) = get(k);
                row[format!("{k}_cnt")] = json!(n);
                row[format!("{k}_user")] = json!(u);
            }
            if let (Some(id), Some(t)) = (&card_id, card_type) {
                row["card_id"] = json!(id);
                row["card_type"] = json!(t);
            }
            row
        })
        .collect();
    wx_ok(json!({"list": list}))
}

pub(crate) async fn biz(AxState(shared): S, Query(q): Q, body: Bytes) -> Json<Value> {
    stats(&shared, &q, &body, "/datacube/getcardbizuininfo", false).await
}

pub(crate) async fn card(AxState(shared): S, Query(q): Q, body: Bytes) -> Json<Value> {
    stats(&shared, &q, &body, "/datacube/getcardcardinfo", true).await
}
