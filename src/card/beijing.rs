//! Beijing time (UTC+8, no daylight saving): WeChat's dates are Beijing dates, whatever the
//! laptop's time zone.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeZone};

/// UTC+8.
pub const OFFSET: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(o) => o,
    // Evaluated at compile time: a bad constant fails the build, never the app.
    None => panic!("invalid offset"),
};

/// UTC+8 (for callers that want a function).
pub fn offset() -> FixedOffset {
    OFFSET
}

/// The Beijing date of a timestamp, `None` outside chrono's range.
pub fn date_of(ts: i64) -> Option<NaiveDate> {
    DateTime::from_timestamp(ts, 0).map(|t| t.with_timezone(&offset()).date_naive())
}

/// 00:00:00 Beijing time of a date.
pub fn start_of(date: NaiveDate) -> Option<i64> {
    offset()
        .from_local_datetime(&date.and_hms_opt(0, 0, 0)?)
        .single()
        .map(|t| t.timestamp())
}

/// 23:59:59 Beijing time of a date.
pub fn end_of(date: NaiveDate) -> Option<i64> {
    offset()
        .from_local_datetime(&date.and_hms_opt(23, 59, 59)?)
        .single()
        .map(|t| t.timestamp())
}

/// "2026.12.02" in Beijing time.
pub fn format_date(ts: i64) -> Option<String> {
    date_of(ts).map(|d| format!("{:04}.{:02}.{:02}", d.year(), d.month(), d.day()))
}

/// Calendar days from the begin date to the end date, both counted (a card valid from
/// 12-02 00:00 to 12-03 23:59:59 is valid 2 days).
pub fn days_inclusive(begin: i64, end: i64) -> Option<i64> {
    Some((date_of(end)? - date_of(begin)?).num_days() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beijing_dates() {
        // 2026-12-01 16:00 UTC is 2026-12-02 00:00 in Beijing.
        let d = date_of(1_796_140_800).unwrap();
        assert_eq!((d.year(), d.month(), d.day()), (2026, 12, 2));
        assert_eq!(start_of(d), Some(1_796_140_800));
        assert_eq!(end_of(d), Some(1_796_140_800 + 86_399));
        assert_eq!(format_date(1_796_140_800).as_deref(), Some("2026.12.02"));
        assert_eq!(
            days_inclusive(1_796_140_800, 1_796_140_800 + 86_399 + 86_400),
            Some(2)
        );
        assert_eq!(date_of(i64::MAX), None);
    }
}
