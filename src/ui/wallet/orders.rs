//! The order table of the Wallet panel: getorderlist with type and status filters, sort,
//! a Beijing date range and paging.

use chrono::NaiveDate;
use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};

use crate::api::pay::{OrderList, OrderListQuery};
use crate::app::events::UiError;
use crate::card::beijing;
use crate::i18n::{Lang, T};
use crate::wallet::{ORDER_STATUSES, ORDER_TYPES, beijing_time, status_text, type_text};

/// Orders a page.
pub const PAGE_SIZE: u32 = 20;

/// What the table asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrdersAction {
    /// Load the current page with the current filters.
    Reload,
    /// Export the shown orders as CSV.
    Export,
}

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

    /// Pages in the result.
    fn pages(&self) -> u32 {
        let total = self.list.as_ref().map_or(0, |l| l.total_num.max(0));
        u32::try_from((total + i64::from(PAGE_SIZE) - 1) / i64::from(PAGE_SIZE))
            .unwrap_or(1)
            .max(1)
    }

    /// The filters, the table and the pager.
    pub fn ui(&mut self, ui: &mut Ui, lang: Lang) -> Option<OrdersAction> {
        let mut action = None;
        let mut changed = false;
        ui.horizontal_wrapped(|ui| {
            let type_label = ui.label(T::OrderType.get(lang));
            let shown = self
                .order_type
                .as_deref()
                .map_or_else(|| T::All.get(lang).to_owned(), |t| type_text(t, lang));
            egui::ComboBox::from_id_salt("order_type")
                .selected_text(shown)
                .show_ui(ui, |ui| {
                    changed |= ui
                        .selectable_value(&mut self.order_type, None, T::All.get(lang))
                        .changed();
                    for t in ORDER_TYPES {
                        changed |= ui
                            .selectable_value(
                                &mut self.order_type,
                                Some(t.to_owned()),
                                type_text(t, lang),
                            )
                            .changed();
                    }
                })
                .response
                .labelled_by(type_label.id);
            let status_label = ui.label(T::ExcludeStatus.get(lang));
            let shown = self.exclude_status.as_deref().map_or_else(
                || T::NoneLabel.get(lang).to_owned(),
                |s| status_text(s, lang),
            );
            egui::ComboBox::from_id_salt("exclude_status")
                .selected_text(shown)
                .show_ui(ui, |ui| {
                    changed |= ui
                        .selectable_value(&mut self.exclude_status, None, T::NoneLabel.get(lang))
                        .changed();
                    for s in ORDER_STATUSES {
                        changed |= ui
                            .selectable_value(
                                &mut self.exclude_status,
                                Some(s.to_owned()),
                                status_text(s, lang),
                            )
                            .changed();
                    }
                })
                .response
                .labelled_by(status_label.id);
            let sort = if self.ascending {
                T::SortAsc
            } else {
                T::SortDesc
            };
            if ui.button(sort.get(lang)).clicked() {
                self.ascending = !self.ascending;
                changed = true;
            }
            ui.label(T::DateRange.get(lang));
            for (i, date) in [&mut self.begin, &mut self.end].into_iter().enumerate() {
                if let Some(d) = date
                    && let Some(new) = crate::ui::date_picker(
                        ui,
                        if i == 0 { "orders_begin" } else { "orders_end" },
                        *d,
                    )
                {
                    *d = new;
                    changed = true;
                }
            }
            if ui.button(T::Refresh.get(lang)).clicked() {
                action = Some(OrdersAction::Reload);
            }
            let has_rows = self.list.as_ref().is_some_and(|l| !l.order_list.is_empty());
            if ui
                .add_enabled(has_rows, egui::Button::new(T::ExportCsv.get(lang)))
                .clicked()
            {
                action = Some(OrdersAction::Export);
            }
            if self.loading {
                ui.spinner();
            }
        });
        if let (Some(b), Some(e)) = (self.begin, self.end)
            && b > e
        {
            ui.colored_label(
                super::ERROR_COLOR,
                format!("{}: {}", T::DateRange.get(lang), T::RangeReversed.get(lang)),
            );
            changed = false;
        }
        if changed {
            self.page = 0;
            action = Some(OrdersAction::Reload);
        }
        if let Some(e) = &self.error {
            ui.colored_label(super::ERROR_COLOR, e.text(lang));
        }
        self.table_ui(ui, lang);
        let pages = self.pages();
        ui.horizontal(|ui| {
            if ui
                .add_enabled(self.page > 0, egui::Button::new("◀"))
                .clicked()
            {
                self.page -= 1;
                action = Some(OrdersAction::Reload);
            }
            ui.label(format!(
                "{} {}/{} · {} {}",
                T::Page.get(lang),
                self.page + 1,
                pages,
                self.list.as_ref().map_or(0, |l| l.total_num),
                T::OrdersCount.get(lang)
            ));
            if ui
                .add_enabled(self.page + 1 < pages, egui::Button::new("▶"))
                .clicked()
            {
                self.page += 1;
                action = Some(OrdersAction::Reload);
            }
        });
        action
    }

    fn table_ui(&self, ui: &mut Ui, lang: Lang) {
        let rows = self.list.as_ref().map_or(&[][..], |l| &l.order_list[..]);
        if rows.is_empty() {
            ui.weak(T::NoOrders.get(lang));
            return;
        }
        let height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
        TableBuilder::new(ui)
            .id_salt("orders_table")
            .striped(true)
            .column(Column::auto().at_least(140.0))
            .column(Column::auto().at_least(90.0))
            .column(Column::auto().at_least(90.0))
            .column(Column::auto().at_least(70.0))
            .column(Column::auto().at_least(70.0))
            .column(Column::remainder().at_least(120.0))
            .column(Column::auto().at_least(200.0))
            .header(height, |mut h| {
                for key in [
                    T::Created,
                    T::OrderType,
                    T::OrderStatus,
                    T::FreeCoins,
                    T::PaidCoins,
                    T::OrderDesc,
                    T::OrderId,
                ] {
                    h.col(|ui| {
                        ui.strong(key.get(lang));
                    });
                }
            })
            .body(|body| {
                body.rows(height, rows.len(), |mut row| {
                    let Some(o) = rows.get(row.index()) else {
                        return;
                    };
                    row.col(|ui| {
                        ui.label(beijing_time(o.create_time));
                    });
                    row.col(|ui| {
                        ui.label(type_text(&o.order_type, lang))
                            .on_hover_text(&o.order_type);
                    });
                    row.col(|ui| {
                        ui.label(status_text(&o.status, lang))
                            .on_hover_text(&o.status);
                    });
                    row.col(|ui| {
                        ui.label(o.free_coin_count.to_string());
                    });
                    row.col(|ui| {
                        ui.label(o.pay_coin_count.to_string());
                    });
                    row.col(|ui| {
                        ui.label(&o.desc);
                    });
                    row.col(|ui| {
                        ui.label(RichText::new(super::short_id(&o.order_id)).monospace())
                            .on_hover_text(&o.order_id);
                    });
                });
            });
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
