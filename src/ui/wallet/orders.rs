//! The order table of the Wallet panel: getorderlist with type and status filters, sort,
//! a Beijing date range and paging, with the coin orders a company server relayed merged in. The state is [`OrdersView`] (egui-free, in the session).

use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};

use crate::i18n::{Lang, T};
use crate::wallet::{ORDER_STATUSES, ORDER_TYPES, beijing_time, status_text, summary, type_text};

pub use crate::wallet::OrdersView;

/// What the table asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrdersAction {
    /// Load the current page with the current filters.
    Reload,
    /// Export the shown orders as CSV.
    Export,
}

/// The filters, the table and the pager of `view`.
pub fn orders_ui(view: &mut OrdersView, ui: &mut Ui, lang: Lang) -> Option<OrdersAction> {
    let mut action = None;
    let mut changed = false;
    ui.horizontal_wrapped(|ui| {
        let type_label = ui.label(T::OrderType.get(lang));
        let shown = view
            .order_type
            .as_deref()
            .map_or_else(|| T::All.get(lang).to_owned(), |t| type_text(t, lang));
        egui::ComboBox::from_id_salt("order_type")
            .selected_text(shown)
            .show_ui(ui, |ui| {
                changed |= ui
                    .selectable_value(&mut view.order_type, None, T::All.get(lang))
                    .changed();
                for t in ORDER_TYPES {
                    changed |= ui
                        .selectable_value(
                            &mut view.order_type,
                            Some(t.to_owned()),
                            type_text(t, lang),
                        )
                        .changed();
                }
            })
            .response
            .labelled_by(type_label.id);
        let status_label = ui.label(T::ExcludeStatus.get(lang));
        let shown = view.exclude_status.as_deref().map_or_else(
            || T::NoneLabel.get(lang).to_owned(),
            |s| status_text(s, lang),
        );
        egui::ComboBox::from_id_salt("exclude_status")
            .selected_text(shown)
            .show_ui(ui, |ui| {
                changed |= ui
                    .selectable_value(&mut view.exclude_status, None, T::NoneLabel.get(lang))
                    .changed();
                for s in ORDER_STATUSES {
                    changed |= ui
                        .selectable_value(
                            &mut view.exclude_status,
                            Some(s.to_owned()),
                            status_text(s, lang),
                        )
                        .changed();
                }
            })
            .response
            .labelled_by(status_label.id);
        let sort = if view.ascending {
            T::SortAsc
        } else {
            T::SortDesc
        };
        if ui.button(sort.get(lang)).clicked() {
            view.ascending = !view.ascending;
            changed = true;
        }
        ui.label(T::DateRange.get(lang));
        for (i, date) in [&mut view.begin, &mut view.end].into_iter().enumerate() {
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
        let has_rows = !view.rows().is_empty();
        if ui
            .add_enabled(has_rows, egui::Button::new(T::ExportCsv.get(lang)))
            .clicked()
        {
            action = Some(OrdersAction::Export);
        }
        if view.loading {
            ui.spinner();
        }
    });
    if let (Some(b), Some(e)) = (view.begin, view.end)
        && b > e
    {
        crate::ui::error_label(
            ui,
            format!("{}: {}", T::DateRange.get(lang), T::RangeReversed.get(lang)),
        );
        changed = false;
    }
    if changed {
        view.page = 0;
        action = Some(OrdersAction::Reload);
    }
    if let Some(e) = &view.error {
        crate::ui::error_label(ui, e.text(lang));
    }
    table_ui(view, ui, lang);
    let pages = view.pages();
    let pushed_only = view.rows().iter().filter(|r| r.pushed_only).count();
    ui.horizontal(|ui| {
        if ui
            .add_enabled(view.page > 0, egui::Button::new("◀"))
            .clicked()
        {
            view.page -= 1;
            action = Some(OrdersAction::Reload);
        }
        ui.label(format!(
            "{} {}/{} · {} {}",
            T::Page.get(lang),
            view.page + 1,
            pages,
            view.list.as_ref().map_or(0, |l| l.total_num),
            T::OrdersCount.get(lang)
        ));
        if pushed_only > 0 {
            ui.weak(T::PushedOrdersCount.fill(lang, &[("n", &pushed_only)]))
                .on_hover_text(T::PushedOrderHint.get(lang));
        }
        if ui
            .add_enabled(view.page + 1 < pages, egui::Button::new("▶"))
            .clicked()
        {
            view.page += 1;
            action = Some(OrdersAction::Reload);
        }
    });
    action
}

/// The rows of the loaded page.
fn table_ui(view: &OrdersView, ui: &mut Ui, lang: Lang) {
    let rows = view.rows();
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
                let Some(&crate::wallet::Row {
                    order: o,
                    pushed_only,
                }) = rows.get(row.index())
                else {
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
                    // An order only a push told of is marked so: getorderlist has not listed it.
                    if pushed_only {
                        // On one line: the column widens rather than cutting the mark in two.
                        ui.add(
                            egui::Label::new(format!(
                                "{} · {}",
                                status_text(&o.status, lang),
                                T::PushedOrder.get(lang)
                            ))
                            .extend(),
                        )
                        .on_hover_text(T::PushedOrderHint.get(lang));
                    } else {
                        ui.label(status_text(&o.status, lang))
                            .on_hover_text(&o.status);
                    }
                });
                row.col(|ui| {
                    ui.label(o.free_coin_count.to_string());
                });
                row.col(|ui| {
                    ui.label(o.pay_coin_count.to_string());
                });
                row.col(|ui| {
                    ui.label(summary(o, lang)).on_hover_text(&o.desc);
                });
                row.col(|ui| {
                    ui.label(RichText::new(super::short_id(&o.order_id)).monospace())
                        .on_hover_text(&o.order_id);
                });
            });
        });
}
