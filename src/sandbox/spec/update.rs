//! What `card/update` may change: the guide's two update tables (lines 1555–1604). Any other
//! member fails the whole update: "许多开发者在调用该接口时会填入brandname(品牌名称)等不支持修改
//! 的字段,导致更新不成功" (line 1473); thresholds never change: "门槛字段一旦设定即不可更改"
//! (line 119).

use super::{Guide, guide};

/// A member card/update accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Updatable {
    /// The key inside `base_info` or `advanced_info`.
    pub key: &'static str,
    /// The guide's row.
    pub guide: Guide,
}

const fn u(key: &'static str, line: u32, text: &'static str) -> Updatable {
    Updatable {
        key,
        guide: guide(line, text),
    }
}

/// `base_info` members of the update table.
pub const UPDATE_BASE: &[Updatable] = &[
    u("logo_url", 1557, "logo_urlstring(128)…卡券的商户logo"),
    u(
        "notice",
        1558,
        "noticestring(48)…使用提醒,字数上限为16个汉字。",
    ),
    u("description", 1559, "descriptionstring(3072)…使用说明。"),
    u(
        "service_phone",
        1560,
        "service_phonestring(24)40012234客服电话。",
    ),
    u("color", 1561, "colorstring(3072)Color010卡券颜色。"),
    u(
        "location_id_list",
        1562,
        "location_id_liststring(3072)1234,2314支持更新适用门店列表。",
    ),
    u(
        "center_title",
        1563,
        "center_titlestring(18)快速使用顶部居中的自定义cell。",
    ),
    u(
        "center_sub_title",
        1564,
        "center_sub_titlestring(24)…顶部居中的自定义cell说明。",
    ),
    u(
        "center_url",
        1565,
        "center_urlstring(128)www.qq.com顶部居中的自定义cell的跳转链接。",
    ),
    u(
        "custom_url_name",
        1567,
        "custom_url_namestring(16)立即使用自定义跳转入口的名字。",
    ),
    u(
        "custom_url",
        1568,
        "custom_urlstring(128)www.qq.com自定义跳转的URL。",
    ),
    u(
        "custom_url_sub_title",
        1569,
        "custom_url_sub_titlestring(18)更多惊喜显示在入口右侧的提示语。",
    ),
    u(
        "promotion_url_name",
        1570,
        "promotion_url_namestring(16)产品介绍。营销场景的自定义入口名称。",
    ),
    u(
        "promotion_url",
        1571,
        "promotion_urlstring(128)www.qq.com;入口跳转外链的地址链接。",
    ),
    u(
        "promotion_url_sub_title",
        1572,
        "promotion_url_sub_titlestring(18)卖场大优惠。显示在营销入口右侧的提示语。",
    ),
    u(
        "code_type",
        1573,
        "code_typestring(16)CODE_TYPE_TEXT。Code码展示类型",
    ),
    u("get_limit", 1574, "get_limitint1每人可领券的数量限制。"),
    u(
        "can_share",
        1575,
        "can_shareboolfalse卡券原生领取页面是否可分享。",
    ),
    u(
        "can_give_friend",
        1576,
        "can_give_friendboolfalse卡券是否可转赠。",
    ),
    u(
        "date_info",
        1577,
        "date_infoJson结构…有效期时间修改仅支持有效区间的扩大。",
    ),
];

/// `advanced_info` members of the update table ("以下支持更新的字段不在基本信息base_info的
/// 结构中", line 1584).
pub const UPDATE_ADVANCED: &[Updatable] = &[
    u("abstract", 1588, "abstractJSON结构优惠详情摘要字段。"),
    u(
        "text_image_list",
        1591,
        "text_image_liststring(3072)图文列表,显示在详情内页",
    ),
    u(
        "business_service",
        1594,
        "business_servicestring(24)商家服务类型 可多选",
    ),
    u("time_limit", 1595, "time_limitstring(24)使用时段限制"),
    u(
        "consume_share_self_num",
        1601,
        "consume_share_self_numint核销后送券的数量",
    ),
    u(
        "consume_share_card_list",
        1602,
        "consume_share_card_listJSON核销后赠送其他卡券的列表",
    ),
];

/// Whether `key` of `section` (`base_info`, `advanced_info`) may be updated.
#[must_use]
pub fn updatable(section: &str, key: &str) -> bool {
    let table = match section {
        "base_info" => UPDATE_BASE,
        "advanced_info" => UPDATE_ADVANCED,
        _ => return false,
    };
    table.iter().any(|u| u.key == key)
}

/// The only date type whose timestamps may change: "仅支持更改type为DATE_TYPE_FIX_TIME_RANGE
/// 的时间戳" (line 1578).
pub const UPDATE_DATE_TYPE: &str = "DATE_TYPE_FIX_TIME_RANGE";
