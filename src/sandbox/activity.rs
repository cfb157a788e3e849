//! Deterministic simulated activity (`/sandbox/activity/simulate`): over the past N simulated
//! days, users of a fixed pool scan the QRs of approved cards with stock (outer_id 0–3),
//! share with friends, use their codes and receive gift-back codes. The same seed on the same
//! state gives the same counts.
//!
//! The days are the N full Beijing days before today (WeChat has no statistics for the current
//! day, so all of it can be read at once). Per card and day: 2–8 scans at random times; each
//! received code is shared with 1–3 friends with probability 1/2, and used with probability
//! 1/2 at a random time within the next three days (inside the card's validity and before
//! today; otherwise not at all), by a friend who saw it one time in three when it was shared. Refused scans (stock, get_limit, receive window) are counted as
//! `refused`.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

use super::State;
use super::codes::CodeStatus;
use super::events::Kind;
use super::status;
use super::users::Scan;
use crate::card::beijing;

/// The number of simulated users.
pub const USERS: u32 = 40;
/// The scene values the simulated QRs use.
pub const OUTER_IDS: [i64; 4] = [0, 1, 2, 3];

fn user(n: u32) -> String {
    format!("oSbxSim{n:021}")
}

/// Runs the simulation on every approved card with stock (or on `only`); `Err` for an unknown or unapproved `card_id` or `days` not 1–62.
pub fn simulate(
    st: &mut State,
    seed: u64,
    days: i64,
    only: Option<&str>,
    review_delay: i64,
) -> Result<Value, String> {
    if !(1..=62).contains(&days) {
        return Err("days must be 1–62".into());
    }
    let mut cards: Vec<String> = st
        .cards
        .iter()
        .filter(|(id, c)| {
            only.map_or(c.quantity > 0, |o| o == id.as_str())
                && st.status_of(c, review_delay) == status::VERIFY_OK
        })
        .map(|(id, _)| id.clone())
        .collect();
    cards.sort();
    if let Some(o) = only
        && cards.is_empty()
    {
        return Err(format!("{o} is unknown or not approved"));
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let now = st.now();
    let first_event = st.events.len();
    let (mut scans, mut refused, mut gift_backs) = (0_u64, 0_u64, 0_u64);
    // The N full Beijing days before today: WeChat's statistics have no current day, so
    // everything simulated can be read at once.
    let today = beijing::date_of(now)
        .and_then(beijing::start_of)
        .unwrap_or(now);
    let last = today - 1;
    for day in (1..=days).rev() {
        let day_start = today - day * 86_400;
        for card_id in &cards {
            for _ in 0..rng.random_range(2..=8) {
                let time = (day_start + rng.random_range(0..86_400)).min(last);
                let scan = Scan {
                    card_id: Some(card_id.clone()),
                    openid: Some(user(rng.random_range(0..USERS))),
                    outer_id: OUTER_IDS[rng.random_range(0..OUTER_IDS.len())],
                    time: Some(time),
                    source: "simulate",
                    ..Scan::default()
                };
                scans += 1;
                let Ok(got) = st.scan(&scan, review_delay) else {
                    refused += 1;
                    continue;
                };
                let code = got["code"].as_str().unwrap_or_default().to_owned();
                let holder = got["openid"].as_str().unwrap_or_default().to_owned();
                let mut friends: Vec<String> = Vec::new();
                if rng.random_bool(0.5) {
                    friends = (0..rng.random_range(1..=3))
                        .map(|_| user(rng.random_range(0..USERS)))
                        .filter(|f| *f != holder)
                        .collect();
                    // A friend drawn twice sees the code once: two views of one user in one
                    // second would be one push to a receiver (the same de-duplication key).
                    let mut drawn = std::collections::HashSet::new();
                    friends.retain(|f| drawn.insert(f.clone()));
                    let _ = st.share(&code, &friends, Some(time), "simulate");
                }
                if rng.random_bool(0.5) {
                    // Used some time in the next three days, inside the validity, before
                    // today; a shared code is used by a friend who saw it one time in three.
                    let (begin, end) = st.cards.get(card_id).map_or((0, 0), |c| c.validity());
                    let lo = (time + 60).max(begin);
                    let hi = (time + 3 * 86_400).min(end).min(last);
                    let consumer = match friends.first() {
                        Some(f) if rng.random_bool(1.0 / 3.0) => f.clone(),
                        _ => holder.clone(),
                    };
                    let usable = st
                        .codes
                        .get(&code)
                        .is_some_and(|c| c.status == CodeStatus::Normal);
                    if usable && lo <= hi {
                        let at = rng.random_range(lo..=hi);
                        gift_backs += u64::from(st.consume_code(&code, &consumer, at).is_some());
                    }
                }
            }
        }
    }
    let mut by_kind = serde_json::Map::new();
    for k in Kind::ALL {
        let n = st
            .events
            .get(first_event..)
            .unwrap_or_default()
            .iter()
            .filter(|e| e.kind == k)
            .count();
        by_kind.insert(k.column().into(), json!(n));
    }
    Ok(json!({
        "cards": cards,
        "scans": scans,
        "refused": refused,
        "gift_back": gift_backs,
        "events": by_kind,
    }))
}
