//! The validity as WeChat shows it: dates in Beijing time (UTC+8), and where `now` stands.

use chrono::{DateTime, FixedOffset};

use crate::card::{BaseInfo, Int};

/// Beijing time, UTC+8, whatever the computer's time zone.
const BEIJING_OFFSET_SECONDS: i32 = 8 * 3600;

/// Where a moment stands against the validity of a card.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Before `begin_timestamp`: WeChat greys the centre button.
    NotYet,
    /// Inside the validity, or no bound that says otherwise.
    Valid,
    /// After `end_timestamp`.
    Expired,
}

/// A timestamp (seconds) as a Beijing date, "2027.01.01"; `None` when out of range.
pub fn beijing_date(timestamp: i64) -> Option<String> {
    let offset = FixedOffset::east_opt(BEIJING_OFFSET_SECONDS)?;
    let utc = DateTime::from_timestamp(timestamp, 0)?;
    Some(utc.with_timezone(&offset).format("%Y.%m.%d").to_string())
}

/// The begin and end timestamps of a card, when present and numeric.
pub fn bounds(base: Option<&BaseInfo>) -> (Option<i64>, Option<i64>) {
    let info = base.and_then(|b| b.date_info.as_ref());
    let get = |v: Option<&Int>| v.and_then(Int::get);
    (
        get(info.and_then(|d| d.begin_timestamp.as_ref())),
        get(info.and_then(|d| d.end_timestamp.as_ref())),
    )
}

/// "2027.01.01-2027.01.31"; a missing or unreadable bound shows as "?", and `None` when both
/// are missing.
pub fn range_text(begin: Option<i64>, end: Option<i64>) -> Option<String> {
    if begin.is_none() && end.is_none() {
        return None;
    }
    let date = |t: Option<i64>| t.and_then(beijing_date).unwrap_or_else(|| "?".to_owned());
    Some(format!("{}-{}", date(begin), date(end)))
}

/// Where `now` stands against the bounds; a missing bound does not limit.
pub fn phase(now: i64, begin: Option<i64>, end: Option<i64>) -> Phase {
    match (begin, end) {
        (Some(b), _) if now < b => Phase::NotYet,
        (_, Some(e)) if now > e => Phase::Expired,
        _ => Phase::Valid,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_in_beijing_time() {
        // 2027-01-01 00:00 in Beijing is 2026-12-31 16:00 UTC.
        assert_eq!(beijing_date(1_798_732_800).as_deref(), Some("2027.01.01"));
        assert_eq!(beijing_date(1_798_732_799).as_deref(), Some("2026.12.31"));
        assert_eq!(beijing_date(i64::MAX), None);
    }

    #[test]
    fn range_marks_missing_bounds() {
        assert_eq!(
            range_text(Some(1_798_732_800), Some(1_801_324_800)).as_deref(),
            Some("2027.01.01-2027.01.31")
        );
        assert_eq!(
            range_text(None, Some(1_801_324_800)).as_deref(),
            Some("?-2027.01.31")
        );
        assert_eq!(range_text(None, None), None);
    }

    #[test]
    fn phase_follows_the_bounds() {
        assert_eq!(phase(5, Some(10), Some(20)), Phase::NotYet);
        assert_eq!(phase(10, Some(10), Some(20)), Phase::Valid);
        assert_eq!(phase(21, Some(10), Some(20)), Phase::Expired);
        assert_eq!(phase(21, None, None), Phase::Valid);
    }
}
