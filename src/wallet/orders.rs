//! The order table's state: filters, a Beijing date range, the page and its rows, and the
//! getorderlist query they make.

use chrono::NaiveDate;

use crate::api::pay::{OrderList, OrderListQuery};
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
