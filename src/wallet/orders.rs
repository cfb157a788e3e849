//! The order table's state: filters, a Beijing date range, the page and its rows, and the
//! getorderlist query they make; and the coin orders a company server relayed
//! (`card_pay_order`), merged in by OrderId so that an order both know shows once.

use chrono::NaiveDate;

use crate::api::pay::{OrderInfo, OrderList, OrderListQuery};
use crate::card::beijing;

use super::UiError;

/// Orders a page.
pub const PAGE_SIZE: u32 = 20;

/// Filters, the current page and its rows.
#[derive(Debug, Default)]
pub struct OrdersView {
    /// ORDER_TYPE_* to keep (None = all).
    pub order_type: Option<String>,
    /// ORDER_STATUS_* to leave out (nor_filter; None = none).
    pub exclude_status: Option<String>,
    /// Oldest first.
    pub ascending: bool,
    /// First Beijing date (None until the panel first opens).
    pub begin: Option<NaiveDate>,
    /// Last Beijing date.
    pub end: Option<NaiveDate>,
    /// Page, from 0.
    pub page: u32,
    /// The loaded page.
    pub list: Option<OrderList>,
    /// Why loading failed.
    pub error: Option<UiError>,
    /// A request is in flight.
    pub loading: bool,
    /// The orders WeChat pushed through the company server (newest first). They only inform
    /// the table: nothing here ever sends or repeats a money call because of them.
    pub pushed: Vec<OrderInfo>,
}

/// A row of the table: an order and where it is known from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Row<'a> {
    /// The order (getorderlist's row when both know it).
    pub order: &'a OrderInfo,
    /// Known from a push only (getorderlist has not listed it on this page).
    pub pushed_only: bool,
}

impl OrdersView {
    /// Sets the default range (the last 7 Beijing days up to `today`, WeChat's default) once.
    pub fn init_range(&mut self, today: NaiveDate) {
        if self.begin.is_none() {
            self.begin = Some(today - chrono::Duration::days(6));
            self.end = Some(today);
        }
    }

    /// The request for the current filters and page.
    pub fn query(&self) -> OrderListQuery {
        OrderListQuery {
            offset: self.page * PAGE_SIZE,
            count: PAGE_SIZE,
            order_type: self.order_type.clone(),
            exclude_status: self.exclude_status.clone(),
            ascending: self.ascending,
            begin_time: self.begin.and_then(beijing::start_of),
            end_time: self.end.and_then(beijing::end_of),
        }
    }

    /// The rows to show: the loaded page, and the pushed orders that match the filters and
    /// belong on this page by time (between its first and last row, or beyond them on the
    /// first or last page) and that the page does not list already, in the page's order.
    pub fn rows(&self) -> Vec<Row<'_>> {
        let page = self.list.as_ref().map_or(&[][..], |l| &l.order_list[..]);
        let mut rows: Vec<Row<'_>> = page
            .iter()
            .map(|order| Row {
                order,
                pushed_only: false,
            })
            .collect();
        let q = self.query();
        let span = page
            .iter()
            .map(|o| o.create_time)
            .fold(None, |acc, t| match acc {
                None => Some((t, t)),
                Some((lo, hi)) => Some((t.min(lo), t.max(hi))),
            });
        let first = self.page == 0;
        let last = self.page + 1 >= self.pages();
        let on_page = |t: i64| match span {
            None => first,
            Some((lo, hi)) => {
                let (before, after) = (t < lo, t > hi);
                // Newest first: the first page reaches up to now, the last one back to the start.
                let (head, tail) = if self.ascending {
                    (before, after)
                } else {
                    (after, before)
                };
                (!before && !after) || (head && first) || (tail && last)
            }
        };
        for order in &self.pushed {
            let wanted = self
                .order_type
                .as_ref()
                .is_none_or(|t| *t == order.order_type)
                && self.exclude_status.as_ref() != Some(&order.status)
                && q.begin_time.is_none_or(|b| order.create_time >= b)
                && q.end_time.is_none_or(|e| order.create_time <= e)
                && !page.iter().any(|o| o.order_id == order.order_id)
                && on_page(order.create_time);
            if wanted {
                rows.push(Row {
                    order,
                    pushed_only: true,
                });
            }
        }
        // A stable sort keeps getorderlist's order among its own rows.
        if self.ascending {
            rows.sort_by_key(|r| r.order.create_time);
        } else {
            rows.sort_by_key(|r| std::cmp::Reverse(r.order.create_time));
        }
        rows
    }

    /// Pages in the result (at least one).
    pub fn pages(&self) -> u32 {
        let total = self.list.as_ref().map_or(0, |l| l.total_num.max(0));
        u32::try_from((total + i64::from(PAGE_SIZE) - 1) / i64::from(PAGE_SIZE))
            .unwrap_or(1)
            .max(1)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_query_has_the_filters_page_and_beijing_day_bounds() {
        let mut v = OrdersView::default();
        v.init_range(NaiveDate::from_ymd_opt(2026, 11, 27).unwrap());
        v.order_type = Some("ORDER_TYPE_WXPAY".into());
        v.exclude_status = Some("ORDER_STATUS_ROLLBACK".into());
        v.ascending = true;
        v.page = 2;
        let q = v.query();
        assert_eq!((q.offset, q.count), (40, PAGE_SIZE));
        assert_eq!(q.order_type.as_deref(), Some("ORDER_TYPE_WXPAY"));
        assert_eq!(q.exclude_status.as_deref(), Some("ORDER_STATUS_ROLLBACK"));
        assert!(q.ascending);
        // 2026-11-21 00:00 and 2026-11-27 23:59:59 Beijing (UTC+8).
        assert_eq!(q.begin_time, Some(1_795_190_400));
        assert_eq!(q.end_time, Some(1_795_795_199));
        // A second init keeps the user's range.
        v.init_range(NaiveDate::from_ymd_opt(2030, 1, 1).unwrap());
        assert_eq!(v.begin, NaiveDate::from_ymd_opt(2026, 11, 21));
    }

    fn order(id: &str, time: i64, status: &str) -> OrderInfo {
        OrderInfo {
            order_id: id.into(),
            status: status.into(),
            create_time: time,
            pay_finish_time: 0,
            desc: String::new(),
            free_coin_count: Default::default(),
            pay_coin_count: Default::default(),
            refund_free_coin_count: Default::default(),
            refund_pay_coin_count: Default::default(),
            order_type: "ORDER_TYPE_WXPAY".into(),
        }
    }

    fn ids(v: &OrdersView) -> Vec<(String, bool)> {
        v.rows()
            .iter()
            .map(|r| (r.order.order_id.clone(), r.pushed_only))
            .collect()
    }

    #[test]
    fn pushed_orders_merge_by_order_id_on_the_page_they_belong_to() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let t0 = beijing::start_of(day).unwrap();
        let mut v = OrdersView::default();
        v.init_range(day);
        // Nothing listed yet (or getorderlist failed): the pushed orders show.
        v.pushed = vec![
            order("p-new", t0 + 900, "ORDER_STATUS_SUCC"),
            order("both", t0 + 500, "ORDER_STATUS_SUCC"),
        ];
        assert_eq!(ids(&v), [("p-new".into(), true), ("both".into(), true)]);
        // getorderlist knows "both": it shows once, as listed; the newer push stays on top.
        v.list = Some(OrderList {
            total_num: 2,
            order_list: vec![
                order("both", t0 + 500, "ORDER_STATUS_SUCC"),
                order("old", t0 + 100, "ORDER_STATUS_SUCC"),
            ],
        });
        assert_eq!(
            ids(&v),
            [
                ("p-new".into(), true),
                ("both".into(), false),
                ("old".into(), false)
            ]
        );
        // Filters apply to pushed orders too; so does the date range.
        v.exclude_status = Some("ORDER_STATUS_SUCC".into());
        assert!(ids(&v).iter().all(|(_, pushed)| !pushed));
        v.exclude_status = None;
        v.pushed
            .push(order("last-month", t0 - 40 * 86_400, "ORDER_STATUS_SUCC"));
        assert_eq!(ids(&v).len(), 3);
        // A later page of a long list: a push newer than the page belongs to page one.
        v.list = Some(OrderList {
            total_num: 60,
            order_list: vec![order("mid", t0 + 400, "ORDER_STATUS_SUCC")],
        });
        v.page = 1;
        assert_eq!(ids(&v), [("mid".into(), false)]);
        v.pushed.push(order("p-mid", t0 + 400, "ORDER_STATUS_SUCC"));
        assert_eq!(ids(&v), [("mid".into(), false), ("p-mid".into(), true)]);
    }

    #[test]
    fn pages_round_up() {
        let mut v = OrdersView::default();
        assert_eq!(v.pages(), 1);
        v.list = Some(OrderList {
            total_num: 41,
            order_list: Vec::new(),
        });
        assert_eq!(v.pages(), 3);
    }
}
