//! Order statuses and types in words (both languages), Beijing times and the CSV export.

use crate::api::pay::OrderInfo;
use crate::card::beijing;
use crate::card::pricing::Coins;
use crate::i18n::{Lang, T};

/// The order statuses of the guide, in its order.
pub const ORDER_STATUSES: [&str; 8] = [
    "ORDER_STATUS_WAITING",
    "ORDER_STATUS_SUCC",
    "ORDER_STATUS_FINANCE_SUCC",
    "ORDER_STATUS_QUANTITY_SUCC",
    "ORDER_STATUS_HAS_REFUND",
    "ORDER_STATUS_REFUND_WAITING",
    "ORDER_STATUS_ROLLBACK",
    "ORDER_STATUS_HAS_RECEIPT",
];

/// The order types of the guide.
pub const ORDER_TYPES: [&str; 5] = [
    "ORDER_TYPE_SYS_ADD",
    "ORDER_TYPE_WXPAY",
    "ORDER_TYPE_REFUND",
    "ORDER_TYPE_REDUCE",
    "ORDER_TYPE_SYS_REDUCE",
];

/// An order status in words (the guide's Chinese; unknown values as they are).
pub fn status_text(status: &str, lang: Lang) -> String {
    let key = match status {
        "ORDER_STATUS_WAITING" => T::OrderStatusWaiting,
        "ORDER_STATUS_SUCC" => T::OrderStatusSucc,
        "ORDER_STATUS_FINANCE_SUCC" => T::OrderStatusFinanceSucc,
        "ORDER_STATUS_QUANTITY_SUCC" => T::OrderStatusQuantitySucc,
        "ORDER_STATUS_HAS_REFUND" => T::OrderStatusHasRefund,
        "ORDER_STATUS_REFUND_WAITING" => T::OrderStatusRefundWaiting,
        "ORDER_STATUS_ROLLBACK" => T::OrderStatusRollback,
        "ORDER_STATUS_HAS_RECEIPT" => T::OrderStatusHasReceipt,
        other => return other.to_owned(),
    };
    key.get(lang).to_owned()
}

/// An order type in words.
pub fn type_text(order_type: &str, lang: Lang) -> String {
    let key = match order_type {
        "ORDER_TYPE_SYS_ADD" => T::OrderTypeSysAdd,
        "ORDER_TYPE_WXPAY" => T::OrderTypeWxpay,
        "ORDER_TYPE_REFUND" => T::OrderTypeRefund,
        "ORDER_TYPE_REDUCE" => T::OrderTypeReduce,
        "ORDER_TYPE_SYS_REDUCE" => T::OrderTypeSysReduce,
        other => return other.to_owned(),
    };
    key.get(lang).to_owned()
}

/// What an order did, in words: a refund of stock left at expiry reads "到期退回 N 券点" (the
/// coins given back, free and paid); any other order shows WeChat's description.
pub fn summary(o: &OrderInfo, lang: Lang) -> String {
    if o.order_type != "ORDER_TYPE_REFUND" {
        return o.desc.clone();
    }
    let back = Coins(o.refund_free_coin_count.0 + o.refund_pay_coin_count.0);
    // An answer that carries the counts only in free/pay_coin_count.
    let back = if back.0 == 0 {
        Coins(o.free_coin_count.0 + o.pay_coin_count.0)
    } else {
        back
    };
    format!(
        "{} {back} {}",
        T::RefundAtExpiry.get(lang),
        T::Coins.get(lang)
    )
}

/// A Unix time as a Beijing date and time ("2015-12-21 23:46:38"); empty for 0.
pub fn beijing_time(ts: i64) -> String {
    if ts <= 0 {
        return String::new();
    }
    chrono::DateTime::from_timestamp(ts, 0)
        .map(|t| {
            t.with_timezone(&beijing::offset())
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        })
        .unwrap_or_default()
}

/// The orders as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read the Chinese),
/// headers and labels in `lang`, raw WeChat values beside the labels.
pub fn orders_csv(orders: &[OrderInfo], lang: Lang) -> Result<Vec<u8>, csv::Error> {
    let mut out = Vec::from("\u{feff}".as_bytes());
    {
        let mut w = csv::Writer::from_writer(&mut out);
        let header: [&str; 10] = [
            T::CsvOrderId.get(lang),
            T::CsvOrderType.get(lang),
            T::CsvOrderStatus.get(lang),
            T::CsvCreated.get(lang),
            T::CsvPaidAt.get(lang),
            T::CsvDescription.get(lang),
            T::CsvFreeCoins.get(lang),
            T::CsvPaidCoins.get(lang),
            "order_type",
            "status",
        ];
        w.write_record(header)?;
        for o in orders {
            w.write_record([
                o.order_id.clone(),
                type_text(&o.order_type, lang),
                status_text(&o.status, lang),
                beijing_time(o.create_time),
                beijing_time(o.pay_finish_time),
                summary(o, lang),
                o.free_coin_count.to_string(),
                o.pay_coin_count.to_string(),
                o.order_type.clone(),
                o.status.clone(),
            ])?;
        }
        w.flush()?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::wallet::fakes::sample_order as order;

    #[test]
    fn every_status_and_type_has_words_in_both_languages() {
        for s in ORDER_STATUSES {
            assert_ne!(status_text(s, Lang::Zh), s);
            assert_ne!(status_text(s, Lang::En), s);
        }
        for t in ORDER_TYPES {
            assert_ne!(type_text(t, Lang::Zh), t);
            assert_ne!(type_text(t, Lang::En), t);
        }
        assert_eq!(
            status_text("ORDER_STATUS_NEW", Lang::Zh),
            "ORDER_STATUS_NEW"
        );
    }

    #[test]
    fn a_refund_reads_as_coins_returned_at_expiry() {
        let mut o = order("ORDER_STATUS_HAS_REFUND");
        assert_eq!(summary(&o, Lang::Zh), "兑换库存, 10 张");
        o.order_type = "ORDER_TYPE_REFUND".into();
        o.refund_free_coin_count = Coins(19_950);
        o.refund_pay_coin_count = Coins(3_990);
        assert_eq!(summary(&o, Lang::Zh), "到期退回 239.4 券点");
        assert_eq!(summary(&o, Lang::En), "Returned at expiry: 239.4 coins");
        o.refund_free_coin_count = Coins(0);
        o.refund_pay_coin_count = Coins(0);
        assert_eq!(summary(&o, Lang::Zh), "到期退回 6 券点");
    }

    #[test]
    fn csv_has_a_bom_labels_and_quotes_commas() {
        let bytes = orders_csv(&[order("ORDER_STATUS_QUANTITY_SUCC")], Lang::Zh).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.starts_with('\u{feff}'));
        let mut lines = text.trim_start_matches('\u{feff}').lines();
        assert!(lines.next().unwrap().starts_with("订单号,类型,状态"));
        assert_eq!(
            lines.next().unwrap(),
            "P1,券点兑换库存,加库存成功,2015-12-21 23:46:38,,\"兑换库存, 10 张\",6,0,ORDER_TYPE_REDUCE,ORDER_STATUS_QUANTITY_SUCC"
        );
        assert_eq!(lines.next(), None);
    }
}
