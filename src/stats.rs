//! Statistics, free of egui and of IO: the 62-day range rule, datacube rows turned into one
//! series per metric (missing days as 0), totals, the receive → verify conversion and CSV.

use chrono::NaiveDate;

use crate::api::stats::DayStats;
use crate::i18n::{Lang, T};
use crate::placement::FieldError;
use crate::sandbox::EventKind;

/// The longest range datacube accepts, both ends counted (the guide: ≤ 62 days, else 61501).
pub const MAX_DAYS: i64 = 62;

/// A datacube metric.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Metric {
    /// 浏览.
    View,
    /// 领取.
    Receive,
    /// 核销.
    Verify,
    /// 转赠.
    Given,
    /// 过期.
    Expire,
}

impl Metric {
    /// Every metric, in the guide's column order.
    pub const ALL: [Metric; 5] = [
        Metric::View,
        Metric::Receive,
        Metric::Verify,
        Metric::Given,
        Metric::Expire,
    ];

    /// The name in `lang`.
    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            Self::View => T::MetricView,
            Self::Receive => T::MetricReceive,
            Self::Verify => T::MetricVerify,
            Self::Given => T::MetricGiven,
            Self::Expire => T::MetricExpire,
        }
        .get(lang)
    }

    /// The count (`*_cnt`) or the users (`*_user`) of a row.
    pub fn of(self, d: &DayStats, users: bool) -> i64 {
        match (self, users) {
            (Self::View, false) => d.view_cnt,
            (Self::View, true) => d.view_user,
            (Self::Receive, false) => d.receive_cnt,
            (Self::Receive, true) => d.receive_user,
            (Self::Verify, false) => d.verify_cnt,
            (Self::Verify, true) => d.verify_user,
            (Self::Given, false) => d.given_cnt,
            (Self::Given, true) => d.given_user,
            (Self::Expire, false) => d.expire_cnt,
            (Self::Expire, true) => d.expire_user,
        }
    }
}

/// Checks a range before it is sent; the error names the field, the rule and the limit.
pub fn check_range(begin: NaiveDate, end: NaiveDate) -> Result<i64, FieldError> {
    if end < begin {
        return Err(FieldError::new(T::DateRange, T::RangeEndBeforeStart));
    }
    let days = (end - begin).num_days() + 1;
    if days > MAX_DAYS {
        return Err(FieldError {
            field: T::DateRange,
            rule: T::RangeTooLong,
            args: vec![("max", MAX_DAYS), ("days", days)],
        });
    }
    Ok(days)
}

/// Per day of the range, the rows of that day summed (a card scope may have one row per card).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    /// The days, first to last.
    pub days: Vec<NaiveDate>,
    /// Per day, every metric's (count, users), in [`Metric::ALL`] order.
    pub values: Vec<[(i64, i64); 5]>,
}

impl Table {
    /// Builds the table over `begin..=end` from datacube rows; rows outside it or with a bad
    /// date are left out.
    pub fn new(begin: NaiveDate, end: NaiveDate, rows: &[DayStats]) -> Self {
        let mut days = Vec::new();
        let mut d = begin;
        while d <= end && days.len() < 400 {
            days.push(d);
            d += chrono::Duration::days(1);
        }
        let mut values = vec![[(0, 0); 5]; days.len()];
        for r in rows {
            let Ok(date) = NaiveDate::parse_from_str(&r.ref_date, "%Y-%m-%d") else {
                continue;
            };
            let Some(i) = days.iter().position(|x| *x == date) else {
                continue;
            };
            for (k, m) in Metric::ALL.iter().enumerate() {
                values[i][k].0 += m.of(r, false);
                values[i][k].1 += m.of(r, true);
            }
        }
        Self { days, values }
    }

    /// The series of one metric as (day index, value).
    pub fn series(&self, metric: Metric, users: bool) -> Vec<[f64; 2]> {
        let k = Metric::ALL.iter().position(|m| *m == metric).unwrap_or(0);
        self.values
            .iter()
            .enumerate()
            .map(|(i, v)| [i as f64, (if users { v[k].1 } else { v[k].0 }) as f64])
            .collect()
    }

    /// Totals of a metric: (count, users summed day by day).
    pub fn total(&self, metric: Metric) -> (i64, i64) {
        let k = Metric::ALL.iter().position(|m| *m == metric).unwrap_or(0);
        self.values
            .iter()
            .fold((0, 0), |(c, u), v| (c + v[k].0, u + v[k].1))
    }

    /// Uses per receive, when anything was received.
    pub fn conversion(&self) -> Option<f64> {
        let (received, _) = self.total(Metric::Receive);
        let (used, _) = self.total(Metric::Verify);
        (received > 0).then(|| used as f64 / received as f64)
    }

    /// Users who used per user who received, both summed day by day, when anyone received.
    pub fn conversion_users(&self) -> Option<f64> {
        let (_, received) = self.total(Metric::Receive);
        let (_, used) = self.total(Metric::Verify);
        (received > 0).then(|| used as f64 / received as f64)
    }

    /// The table as CSV (UTF-8 with a BOM), one row per day.
    pub fn csv(&self, lang: Lang) -> Result<Vec<u8>, csv::Error> {
        let mut out = Vec::from("\u{feff}".as_bytes());
        {
            let mut w = csv::Writer::from_writer(&mut out);
            let mut header = vec![T::CsvDate.get(lang).to_owned()];
            for m in Metric::ALL {
                let metric: &[(&str, &dyn std::fmt::Display)] = &[("metric", &m.name(lang))];
                header.push(T::CsvMetricCount.fill(lang, metric));
                header.push(T::CsvMetricUsers.fill(lang, metric));
            }
            w.write_record(&header)?;
            for (d, v) in self.days.iter().zip(&self.values) {
                let mut row = vec![d.format("%Y-%m-%d").to_string()];
                for (c, u) in v {
                    row.push(c.to_string());
                    row.push(u.to_string());
                }
                w.write_record(&row)?;
            }
            w.flush()?;
        }
        Ok(out)
    }
}

/// One entry of the simulator's event log (`GET /sandbox/state` → `events`); WeChat itself
/// only pushes these to a server, and its datacube answers have no channel column.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize)]
pub struct LogEvent {
    /// Unix seconds.
    pub time: i64,
    /// What happened (the simulator's own kinds: view, receive, verify, given, expire).
    pub kind: EventKind,
    /// The card.
    pub card_id: String,
    /// The code concerned.
    #[serde(default)]
    pub code: Option<String>,
    /// The placement channel the code came through (QR scene value).
    #[serde(default)]
    pub outer_id: i64,
    /// `scan`, `share`, `consume`, `gift_back`, `admin` or `simulate`.
    #[serde(default)]
    pub source: String,
}

/// Results of one placement channel (outer_id).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChannelRow {
    /// The channel.
    pub outer_id: i64,
    /// Its label from the saved channel table (empty when none).
    pub label: String,
    /// Views of codes of this channel (scans, and friends seeing a shared coupon).
    pub views: i64,
    /// Codes received through it, gift-back codes included (they keep the channel of the code
    /// whose use gave them).
    pub receives: i64,
    /// Of the receives, gift-back codes.
    pub gift_backs: i64,
    /// Codes of this channel used in the range (some may have been received before it).
    pub uses: i64,
}

impl ChannelRow {
    /// Uses per receive, when anything was received.
    pub fn conversion(&self) -> Option<f64> {
        (self.receives > 0).then(|| self.uses as f64 / self.receives as f64)
    }
}

/// Per-channel results between `from` and `to` (Unix seconds, both included), for one card
/// or all. Every event lands in exactly one channel, so the columns add up to the datacube
/// totals of the same range (expiries aside: datacube derives some that the log lacks).
pub fn channels(events: &[LogEvent], card_id: Option<&str>, from: i64, to: i64) -> Vec<ChannelRow> {
    let mut rows: std::collections::BTreeMap<i64, ChannelRow> = std::collections::BTreeMap::new();
    let wanted = events
        .iter()
        .filter(|e| (from..=to).contains(&e.time) && card_id.is_none_or(|c| c == e.card_id));
    for e in wanted {
        let row = rows.entry(e.outer_id).or_insert_with(|| ChannelRow {
            outer_id: e.outer_id,
            ..ChannelRow::default()
        });
        match e.kind {
            EventKind::View => row.views += 1,
            EventKind::Receive => {
                row.receives += 1;
                row.gift_backs += i64::from(e.source == "gift_back");
            }
            EventKind::Verify => row.uses += 1,
            EventKind::Given | EventKind::Expire => {}
        }
    }
    rows.into_values()
        .filter(|r| r.views + r.receives + r.uses > 0)
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn day(date: &str, view: i64, receive: i64, verify: i64) -> DayStats {
        DayStats {
            ref_date: date.into(),
            view_cnt: view,
            view_user: view,
            receive_cnt: receive,
            receive_user: receive,
            verify_cnt: verify,
            verify_user: verify,
            ..DayStats::default()
        }
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_range_is_at_most_62_days_both_ends_counted() {
        assert_eq!(check_range(d("2026-01-01"), d("2026-03-03")).unwrap(), 62);
        let e = check_range(d("2026-01-01"), d("2026-03-04")).unwrap_err();
        assert!(e.text(Lang::Zh).contains("最长 62 天(含首尾),现为 63 天"));
        assert!(check_range(d("2026-01-02"), d("2026-01-01")).is_err());
    }

    #[test]
    fn missing_days_are_zero_and_rows_of_a_day_add_up() {
        let rows = [
            day("2026-01-02", 5, 3, 1),
            day("2026-01-02", 1, 1, 1),
            day("2026-01-09", 9, 9, 9),
            day("garbage", 9, 9, 9),
        ];
        let t = Table::new(d("2026-01-01"), d("2026-01-03"), &rows);
        assert_eq!(t.days.len(), 3);
        assert_eq!(
            t.series(Metric::View, false),
            vec![[0.0, 0.0], [1.0, 6.0], [2.0, 0.0]]
        );
        assert_eq!(t.total(Metric::Receive), (4, 4));
        assert_eq!(t.conversion(), Some(0.5));
        assert_eq!(
            Table::new(d("2026-01-01"), d("2026-01-01"), &[]).conversion(),
            None
        );
    }

    fn ev(time: i64, kind: &str, card: &str, outer_id: i64, source: &str) -> LogEvent {
        LogEvent {
            time,
            kind: serde_json::from_value(serde_json::Value::from(kind)).unwrap(),
            card_id: card.into(),
            code: Some("1".into()),
            outer_id,
            source: source.into(),
        }
    }

    #[test]
    fn channels_split_the_log_by_outer_id_card_and_time() {
        let log = [
            ev(10, "view", "pA", 1, "scan"),
            ev(10, "receive", "pA", 1, "scan"),
            ev(20, "verify", "pA", 1, "consume"),
            ev(20, "view", "pA", 1, "gift_back"),
            ev(20, "receive", "pA", 1, "gift_back"),
            ev(30, "receive", "pA", 2, "scan"),
            ev(30, "given", "pA", 2, "share"),
            ev(30, "receive", "pB", 2, "scan"),
            ev(99, "receive", "pA", 3, "scan"),
        ];
        let rows = channels(&log, Some("pA"), 0, 50);
        assert_eq!(
            rows,
            vec![
                ChannelRow {
                    outer_id: 1,
                    views: 2,
                    receives: 2,
                    gift_backs: 1,
                    uses: 1,
                    label: String::new(),
                },
                ChannelRow {
                    outer_id: 2,
                    views: 0,
                    receives: 1,
                    gift_backs: 0,
                    uses: 0,
                    label: String::new(),
                },
            ]
        );
        assert_eq!(rows[0].conversion(), Some(0.5));
        let all = channels(&log, None, 0, 99);
        assert_eq!(all.iter().map(|r| r.receives).sum::<i64>(), 5);
        assert!(channels(&log, None, 100, 200).is_empty());
    }

    #[test]
    fn the_users_conversion_uses_the_user_columns() {
        let mut row = day("2026-01-01", 0, 4, 3);
        row.receive_user = 2;
        row.verify_user = 1;
        let t = Table::new(d("2026-01-01"), d("2026-01-01"), &[row]);
        assert_eq!(t.conversion(), Some(0.75));
        assert_eq!(t.conversion_users(), Some(0.5));
    }

    #[test]
    fn csv_has_two_columns_per_metric() {
        let t = Table::new(
            d("2026-01-01"),
            d("2026-01-01"),
            &[day("2026-01-01", 2, 1, 0)],
        );
        let text = String::from_utf8(t.csv(Lang::Zh).unwrap()).unwrap();
        let mut lines = text.trim_start_matches('\u{feff}').lines();
        assert!(
            lines
                .next()
                .unwrap()
                .starts_with("日期,浏览次数,浏览人数,领取次数")
        );
        assert_eq!(lines.next().unwrap(), "2026-01-01,2,2,1,1,0,0,0,0,0,0");
    }
}
