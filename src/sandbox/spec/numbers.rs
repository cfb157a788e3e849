//! Numeric ranges, the validity's span and the list sizes.

use super::{Guide, guide};

/// An integer member's range (both ends included; `max` `None` = no upper end).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Range {
    /// The member's path below the `cash`/`gift` object, list entries as `[]`.
    pub path: &'static str,
    /// The smallest allowed value.
    pub min: i64,
    /// The largest allowed value.
    pub max: Option<i64>,
    /// The guide's words.
    pub guide: Guide,
}

const fn range(
    path: &'static str,
    min: i64,
    max: Option<i64>,
    line: u32,
    text: &'static str,
) -> Range {
    Range {
        path,
        min,
        max,
        guide: guide(line, text),
    }
}

/// Every integer range, in the order a body is checked.
pub const RANGES: &[Range] = &[
    range(
        "base_info.location_id_list[]",
        1,
        None,
        362,
        "location_id_list门店位置ID,…朋友的券须至少传入一个可用poi_id",
    ),
    range(
        "base_info.get_limit",
        1,
        None,
        366,
        "get_limit领取限制,限制用户扫码或点击H5领取的次数",
    ),
    range(
        "advanced_info.use_condition.least_cost",
        1,
        None,
        389,
        "least_cost满减门槛字段,…填入后将在全面拼写消费满xx元可用",
    ),
    range(
        "advanced_info.time_limit[].begin_hour",
        0,
        Some(23),
        407,
        "begin_hour当前type类型下的起始时间(小时)",
    ),
    range(
        "advanced_info.time_limit[].begin_minute",
        0,
        Some(59),
        408,
        "begin_minute当前type类型下的起始时间(分钟)",
    ),
    range(
        "advanced_info.time_limit[].end_hour",
        0,
        Some(23),
        409,
        "end_hour当前type类型下的结束时间(小时)",
    ),
    range(
        "advanced_info.time_limit[].end_minute",
        0,
        Some(59),
        410,
        "end_minute当前type类型下的结束时间(分钟)",
    ),
    range(
        "advanced_info.consume_share_self_num",
        0,
        Some(1),
        411,
        "consume_share_self_num核销后送券的数量,…限制传入1张",
    ),
    range(
        "advanced_info.consume_share_card_list[].num",
        1,
        Some(1),
        414,
        "num核销后赠送的该card_id数目,目前仅支持填1",
    ),
    range(
        "reduce_cost",
        1,
        None,
        331,
        "reduce_cost代金券专用,表示减免金额(单位为分),不可填0。",
    ),
    range(
        "gift_num",
        1,
        Some(999),
        334,
        "gift_num兑换券兑换商品数目,限三位数字",
    ),
];

/// The range of the member at `path`.
#[must_use]
pub fn range_of(path: &str) -> Option<&'static Range> {
    RANGES.iter().find(|r| r.path == path)
}

/// A list's size limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListSize {
    /// The list's path below the `cash`/`gift` object.
    pub path: &'static str,
    /// At least this many entries (when the list is given).
    pub min: usize,
    /// At most this many.
    pub max: Option<usize>,
    /// The errcode a list out of its size gets.
    pub errcode: i64,
    /// The guide's words.
    pub guide: Guide,
}

/// The list sizes.
pub const LIST_SIZES: &[ListSize] = &[
    ListSize {
        path: "base_info.location_id_list",
        min: 1,
        max: None,
        errcode: crate::errcode::LOCATION_MISSING,
        guide: guide(
            362,
            "location_id_list门店位置ID,…朋友的券须至少传入一个可用poi_id,否则报错",
        ),
    },
    ListSize {
        path: "advanced_info.abstract.icon_url_list",
        min: 0,
        max: Some(1),
        errcode: crate::errcode::JSON_STRUCTURE,
        guide: guide(394, "icon_url_list封面图片列表,仅支持填入一个封面图片链接"),
    },
    ListSize {
        path: "advanced_info.text_image_list",
        min: 1,
        max: None,
        errcode: crate::errcode::JSON_STRUCTURE,
        guide: guide(
            395,
            "text_image_list图文列表,…优惠券券开发者须至少传入一组图文列表",
        ),
    },
    ListSize {
        path: "advanced_info.consume_share_card_list",
        min: 0,
        max: Some(1),
        errcode: crate::errcode::JSON_STRUCTURE,
        guide: guide(
            413,
            "card_id核销后赠送的其他卡券card_id,目前仅支持填入一个共享券card_id",
        ),
    },
];

/// The size limits of the list at `path`.
#[must_use]
pub fn list_size(path: &str) -> Option<&'static ListSize> {
    LIST_SIZES.iter().find(|l| l.path == path)
}

/// The longest validity, in days: "须将有效期设置为90天以内" (line 449), "每商户最多只能创建
/// 时长不超过三个月(90天)的卡券" (line 465); at update "最长可将卡券有效期延长至三个月"
/// (line 1580).
pub const MAX_VALIDITY_DAYS: i64 = 90;

/// Seconds in a day.
pub const DAY_SECS: i64 = 86_400;
