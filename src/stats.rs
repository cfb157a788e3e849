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
    /// 朋友浏览: friends who saw the shared coupon (`view_friends_*`, real answers only).
    FriendsView,
    /// 朋友领取 (`receive_friends_*`).
    FriendsReceive,
    /// 朋友核销 (`verify_friends_*`).
    FriendsVerify,
    /// 他人核销: used by someone other than the claimer (`verify_noself_*`, card rows).
    OthersVerify,
}

impl Metric {
    /// How many metrics there are.
    pub const COUNT: usize = 9;

    /// Every metric: the guide's five in its column order, then the friends' metrics that
    /// real answers carry.
    pub const ALL: [Metric; Self::COUNT] = [
        Metric::View,
        Metric::Receive,
        Metric::Verify,
        Metric::Given,
        Metric::Expire,
        Metric::FriendsView,
        Metric::FriendsReceive,
        Metric::FriendsVerify,
        Metric::OthersVerify,
    ];

    /// The guide's five, the ones charted.
    pub const GUIDE: [Metric; 5] = [
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
            Self::FriendsView => T::MetricFriendsView,
            Self::FriendsReceive => T::MetricFriendsReceive,
            Self::FriendsVerify => T::MetricFriendsVerify,
            Self::OthersVerify => T::MetricOthersVerify,
        }
        .get(lang)
    }

    /// The datacube members it is read from, for a tooltip.
    pub fn api_name(self) -> &'static str {
        match self {
            Self::View => "view_cnt / view_user",
            Self::Receive => "receive_cnt / receive_user",
            Self::Verify => "verify_cnt / verify_user",
            Self::Given => "given_cnt / given_user",
            Self::Expire => "expire_cnt / expire_user",
            Self::FriendsView => "view_friends_cnt / view_friends_user",
            Self::FriendsReceive => "receive_friends_cnt / receive_friends_user",
            Self::FriendsVerify => "verify_friends_cnt / verify_friends_user",
            Self::OthersVerify => "verify_noself_cnt / verify_noself_user",
        }
    }

    /// The count (`*_cnt`) or the users (`*_user`) of a row.
    pub fn of(self, d: &DayStats, users: bool) -> i64 {
        let (cnt, user) = match self {
            Self::View => (d.view_cnt, d.view_user),
            Self::Receive => (d.receive_cnt, d.receive_user),
            Self::Verify => (d.verify_cnt, d.verify_user),
            Self::Given => (d.given_cnt, d.given_user),
            Self::Expire => (d.expire_cnt, d.expire_user),
            Self::FriendsView => (d.view_friends_cnt, d.view_friends_user),
            Self::FriendsReceive => (d.receive_friends_cnt, d.receive_friends_user),
            Self::FriendsVerify => (d.verify_friends_cnt, d.verify_friends_user),
            Self::OthersVerify => (d.verify_noself_cnt, d.verify_noself_user),
        };
        if users { user } else { cnt }
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
    pub values: Vec<[(i64, i64); Metric::COUNT]>,
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
        let mut values = vec![[(0, 0); Metric::COUNT]; days.len()];
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
        let k = metric_index(metric);
        self.values
            .iter()
            .enumerate()
            .map(|(i, v)| [i as f64, (if users { v[k].1 } else { v[k].0 }) as f64])
            .collect()
    }

    /// Totals of a metric: (count, users summed day by day).
    pub fn total(&self, metric: Metric) -> (i64, i64) {
        let k = metric_index(metric);
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

    /// 他销占比: of the uses, the share by friends of the claimer (`verify_friends_cnt` over
    /// `verify_cnt`), when anything was used. The back office shows it for friends' coupons;
    /// account and card rows both carry the friends' uses.
    pub fn others_share(&self) -> Option<f64> {
        let (used, _) = self.total(Metric::Verify);
        let (others, _) = self.total(Metric::FriendsVerify);
        (used > 0).then(|| others as f64 / used as f64)
    }

    /// The table as CSV (UTF-8 with a BOM), one row per day: every metric's count and users,
    /// then that day's 他销占比 (empty on a day without uses).
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
            header.push(T::OthersShare.get(lang).to_owned());
            w.write_record(&header)?;
            let verify = metric_index(Metric::Verify);
            let others = metric_index(Metric::FriendsVerify);
            for (d, v) in self.days.iter().zip(&self.values) {
                let mut row = vec![d.format("%Y-%m-%d").to_string()];
                for (c, u) in v {
                    row.push(c.to_string());
                    row.push(u.to_string());
                }
                row.push(percent(v[others].0, v[verify].0).unwrap_or_default());
                w.write_record(&row)?;
            }
            w.flush()?;
        }
        Ok(out)
    }
}

fn metric_index(m: Metric) -> usize {
    Metric::ALL.iter().position(|x| *x == m).unwrap_or(0)
}

/// `part / whole` as "37.5%", one decimal; `None` when `whole` is 0.
pub fn percent(part: i64, whole: i64) -> Option<String> {
    (whole > 0).then(|| format!("{:.1}%", part as f64 * 100.0 / whole as f64))
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

/// Per-channel results from the card events a company server relayed (oldest first), between
/// `from` and `to` (Unix seconds, both included), for one card or all: the real account's
/// counterpart of [`channels`], and for the simulator's pushes the same numbers as
/// [`channels`] gives from its log.
///
/// - receives: `user_get_card` by its `OuterId`; a claim without one keeps the channel of
///   the code it came from (`OldUserCardCode`, a friend's gift: 转赠) or of the use it
///   follows (a gift-back);
/// - of them, gift-backs (核销后赠券, `consume_share_self_num`): WeChat pushes them as a plain
///   claim, not given by a friend and without an `OldUserCardCode`, by the user who has just
///   used a code of the card, at the same `CreateTime` as the use. One claim per use;
/// - uses and views: `user_consume_card` and `user_view_card` of a code claimed through the
///   channel, whenever it was claimed (a code claimed before the server ran counts as 0). A
///   view without a code (the card's page before a scan's claim, or before a gift-back) goes
///   to the channel of the claim that the same user makes of the card at the same moment,
///   else to 0.
pub fn channels_from_pushes(
    events: &[crate::api::CardEvent],
    card_id: Option<&str>,
    from: i64,
    to: i64,
) -> Vec<ChannelRow> {
    use crate::api::company::kind;
    use std::collections::{BTreeMap, HashMap};
    // The channel of every code claimed, and each user's last use not yet given back.
    let mut channel_of: HashMap<(&str, &str), i64> = HashMap::new();
    let mut last_use: HashMap<(&str, &str), (i64, i64)> = HashMap::new();
    // Views without a code, waiting for the claim they lead to (card, user, time).
    let mut waiting: HashMap<(&str, &str, i64), Vec<usize>> = HashMap::new();
    // What each counted event adds, by its index: (channel, gift-back).
    let mut placed: Vec<Option<(i64, bool)>> = vec![None; events.len()];
    for (i, e) in events.iter().enumerate() {
        let card = e.card_id.as_str();
        let key = (card, e.code.as_str());
        match e.event.as_str() {
            kind::GET => {
                let who = (card, e.openid.as_str());
                let gift_back = match last_use.get(&who) {
                    Some(&(at, _)) => !e.given_by_friend && e.old_code.is_empty() && at == e.time,
                    None => false,
                };
                let inherited = if gift_back {
                    last_use.remove(&who).map_or(0, |(_, c)| c)
                } else {
                    channel_of
                        .get(&(card, e.old_code.as_str()))
                        .copied()
                        .unwrap_or(0)
                };
                let c = match e.outer_id {
                    0 => inherited,
                    o => o,
                };
                channel_of.insert(key, c);
                placed[i] = Some((c, gift_back));
                for v in waiting
                    .remove(&(card, e.openid.as_str(), e.time))
                    .unwrap_or_default()
                {
                    placed[v] = Some((c, false));
                }
            }
            kind::CONSUME => {
                let c = channel_of.get(&key).copied().unwrap_or(0);
                last_use.insert((card, e.openid.as_str()), (e.time, c));
                placed[i] = Some((c, false));
            }
            kind::VIEW if e.code.is_empty() => {
                placed[i] = Some((0, false));
                waiting
                    .entry((card, e.openid.as_str(), e.time))
                    .or_default()
                    .push(i);
            }
            kind::VIEW => placed[i] = Some((channel_of.get(&key).copied().unwrap_or(0), false)),
            _ => {}
        }
    }
    let mut rows: BTreeMap<i64, ChannelRow> = BTreeMap::new();
    for (e, place) in events.iter().zip(placed) {
        let Some((channel, gift_back)) = place else {
            continue;
        };
        if !(from..=to).contains(&e.time) || card_id.is_some_and(|c| c != e.card_id) {
            continue;
        }
        let row = rows.entry(channel).or_insert_with(|| ChannelRow {
            outer_id: channel,
            ..ChannelRow::default()
        });
        match e.event.as_str() {
            kind::GET => {
                row.receives += 1;
                row.gift_backs += i64::from(gift_back);
            }
            kind::CONSUME => row.uses += 1,
            _ => row.views += 1,
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

    /// A pushed event: `who` did `event` on `code` of `card` at `time`.
    fn pushed(
        (id, time): (i64, i64),
        event: &str,
        (card, code): (&str, &str),
        who: &str,
        outer_id: i64,
    ) -> crate::api::CardEvent {
        crate::api::CardEvent {
            id,
            event: event.into(),
            card_id: card.into(),
            code: code.into(),
            openid: who.into(),
            time,
            outer_id,
            ..crate::api::CardEvent::default()
        }
    }

    #[test]
    fn pushed_events_split_by_the_channel_each_code_was_claimed_through() {
        const GET: &str = "user_get_card";
        const VIEW: &str = "user_view_card";
        const USE: &str = "user_consume_card";
        let mut friend = pushed((8, 150), GET, ("pA", "c8"), "oF2", 0);
        friend.old_code = "c2".into();
        friend.given_by_friend = true;
        let events = [
            // A scan through channel 12: the card's page (no code yet), then the claim.
            pushed((1, 101), VIEW, ("pA", ""), "oU1", 0),
            pushed((2, 101), GET, ("pA", "c1"), "oU1", 12),
            pushed((3, 102), GET, ("pA", "c2"), "oU2", 12),
            pushed((4, 103), GET, ("pA", "c3"), "oU3", 7),
            // A friend sees c1, shared.
            pushed((5, 110), VIEW, ("pA", "c1"), "oF1", 0),
            // c1 used; the user sees the gift page and gets a gift-back code, pushed as a
            // plain claim (no OuterId here: it keeps the channel of the use).
            pushed((6, 200), USE, ("pA", "c1"), "oU1", 0),
            pushed((7, 200), VIEW, ("pA", ""), "oU1", 0),
            friend,
            pushed((9, 200), GET, ("pA", "c9"), "oU1", 0),
            pushed((10, 201), USE, ("pA", "unknown"), "oX", 0),
            pushed((11, 202), GET, ("pB", "c1"), "oU1", 12),
            pushed((12, 203), "card_pass_check", ("pA", ""), "", 0),
            // A page seen without a claim: no channel. A later claim by the user who used c1
            // is no gift-back (it is not the moment of the use, and that use gave one back).
            pushed((13, 300), VIEW, ("pA", ""), "oU5", 0),
            pushed((14, 400), GET, ("pA", "c10"), "oU1", 7),
        ];
        let rows = channels_from_pushes(&events, Some("pA"), 0, 1000);
        let by: Vec<(i64, i64, i64, i64, i64)> = rows
            .iter()
            .map(|r| (r.outer_id, r.views, r.receives, r.gift_backs, r.uses))
            .collect();
        // Channel 12: c1, c2, and the codes that came from them (the gift-back c9 from the
        // use of c1; c8 a friend's gift of c2), the views of the scan, of the friend and of
        // the gift page; a use of a code claimed before the server ran: 0.
        assert_eq!(by, [(0, 1, 0, 0, 1), (7, 0, 2, 0, 0), (12, 3, 4, 1, 1)]);
        assert_eq!(rows[2].conversion(), Some(0.25));
        // Codes are per card: pB's c1 is another code.
        let all = channels_from_pushes(&events, None, 0, 1000);
        assert_eq!(all.iter().map(|r| r.receives).sum::<i64>(), 7);
        // A use in the range of a code claimed before it still counts for its channel.
        let late = channels_from_pushes(&events, Some("pA"), 200, 200);
        assert_eq!(
            late.iter()
                .map(|r| (r.outer_id, r.views, r.receives, r.gift_backs, r.uses))
                .collect::<Vec<_>>(),
            [(12, 1, 1, 1, 1)]
        );
        assert!(channels_from_pushes(&events, None, 500, 600).is_empty());
        // A friend's gift (given by a friend, with the old code) made at the moment of a use
        // is no gift-back.
        let mut gift = pushed((3, 200), GET, ("pA", "c5"), "oU1", 0);
        gift.given_by_friend = true;
        gift.old_code = "c2".into();
        let rows = channels_from_pushes(
            &[
                pushed((1, 100), GET, ("pA", "c1"), "oU1", 4),
                pushed((2, 200), USE, ("pA", "c1"), "oU1", 0),
                gift,
            ],
            None,
            0,
            1000,
        );
        assert_eq!(rows[0].gift_backs, 0);
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
        assert_eq!(
            lines.next().unwrap(),
            "2026-01-01,2,2,1,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,"
        );
    }

    #[test]
    fn the_share_used_by_others_is_of_the_uses_and_goes_to_the_csv() {
        let mut a = day("2026-01-01", 10, 8, 4);
        a.verify_friends_cnt = 1;
        a.verify_noself_cnt = 3;
        a.view_friends_cnt = 6;
        let mut b = day("2026-01-02", 0, 0, 4);
        b.verify_friends_cnt = 2;
        let t = Table::new(d("2026-01-01"), d("2026-01-03"), &[a, b]);
        assert_eq!(t.others_share(), Some(3.0 / 8.0));
        assert_eq!(t.total(Metric::FriendsView), (6, 0));
        let text = String::from_utf8(t.csv(Lang::Zh).unwrap()).unwrap();
        let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
        assert!(lines[0].contains(",朋友浏览次数,") && lines[0].ends_with(",他销占比"));
        assert!(lines[1].ends_with(",25.0%"), "{}", lines[1]);
        assert!(lines[2].ends_with(",50.0%"), "{}", lines[2]);
        assert!(lines[3].ends_with(','), "no uses, no share: {}", lines[3]);
        let empty = Table::new(d("2026-01-01"), d("2026-01-01"), &[]);
        assert_eq!(empty.others_share(), None);
    }
}
