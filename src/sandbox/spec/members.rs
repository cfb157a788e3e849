//! The JSON shape of a create body and its required members.
//!
//! [`CARD`] is the tree of the members the guide describes (lines 327–415), each with the JSON
//! type WeChat reads: a member of the wrong type is 47001 ("创建JSON结构错误", line 453), an
//! unknown member is ignored. Integers may come as numbers or as numeric strings ("最终需转换
//! 为字符串形态传入", line 360), while the guide's own examples send numbers.

use super::{Guide, guide};
use crate::errcode;

/// The JSON type of a member.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A string.
    Str,
    /// A whole number: a JSON number or a string (a string or a fraction is judged by the
    /// rules, not by the shape).
    Int,
    /// `true` or `false`.
    Bool,
    /// An object with these members.
    Obj(&'static [Member]),
    /// A list of these.
    List(&'static Kind),
}

/// A member of an object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Member {
    /// The JSON key.
    pub key: &'static str,
    /// Its type.
    pub kind: Kind,
}

const fn m(key: &'static str, kind: Kind) -> Member {
    Member { key, kind }
}

const DATE_INFO: &[Member] = &[
    m("type", Kind::Str),
    m("begin_timestamp", Kind::Int),
    m("end_timestamp", Kind::Int),
];

/// `base_info` (lines 341–375).
pub const BASE_INFO: &[Member] = &[
    m("logo_url", Kind::Str),
    m("code_type", Kind::Str),
    m("brand_name", Kind::Str),
    m("color", Kind::Str),
    m("notice", Kind::Str),
    m("description", Kind::Str),
    m("date_info", Kind::Obj(DATE_INFO)),
    m("location_id_list", Kind::List(&Kind::Int)),
    m("can_share", Kind::Bool),
    m("can_give_friend", Kind::Bool),
    m("service_phone", Kind::Str),
    m("get_limit", Kind::Int),
    m("center_title", Kind::Str),
    m("center_sub_title", Kind::Str),
    m("center_url", Kind::Str),
    m("custom_url_name", Kind::Str),
    m("custom_url", Kind::Str),
    m("custom_url_sub_title", Kind::Str),
    m("promotion_url_name", Kind::Str),
    m("promotion_url", Kind::Str),
    m("promotion_url_sub_title", Kind::Str),
];

const USE_CONDITION: &[Member] = &[
    m("accept_category", Kind::Str),
    m("reject_category", Kind::Str),
    m("least_cost", Kind::Int),
    m("object_use_for", Kind::Str),
    m("can_use_with_other_discount", Kind::Bool),
];

const ABSTRACT: &[Member] = &[
    m("abstract", Kind::Str),
    m("icon_url_list", Kind::List(&Kind::Str)),
];

const TEXT_IMAGE: &[Member] = &[m("image_url", Kind::Str), m("text", Kind::Str)];

const TIME_LIMIT: &[Member] = &[
    m("type", Kind::Str),
    m("begin_hour", Kind::Int),
    m("end_hour", Kind::Int),
    m("begin_minute", Kind::Int),
    m("end_minute", Kind::Int),
];

const SHARE_CARD: &[Member] = &[m("card_id", Kind::Str), m("num", Kind::Int)];

/// `advanced_info` (lines 385–415).
pub const ADVANCED_INFO: &[Member] = &[
    m("use_condition", Kind::Obj(USE_CONDITION)),
    m("abstract", Kind::Obj(ABSTRACT)),
    m("text_image_list", Kind::List(&Kind::Obj(TEXT_IMAGE))),
    m("time_limit", Kind::List(&Kind::Obj(TIME_LIMIT))),
    m("business_service", Kind::List(&Kind::Str)),
    m("consume_share_self_num", Kind::Int),
    m(
        "consume_share_card_list",
        Kind::List(&Kind::Obj(SHARE_CARD)),
    ),
    m("share_friends", Kind::Bool),
];

const CASH: &[Member] = &[
    m("base_info", Kind::Obj(BASE_INFO)),
    m("advanced_info", Kind::Obj(ADVANCED_INFO)),
    m("reduce_cost", Kind::Int),
];

const GIFT: &[Member] = &[
    m("base_info", Kind::Obj(BASE_INFO)),
    m("advanced_info", Kind::Obj(ADVANCED_INFO)),
    m("gift_name", Kind::Str),
    m("gift_num", Kind::Int),
    m("gift_unit", Kind::Str),
];

/// The `card` object (lines 329–336).
pub const CARD: &[Member] = &[
    m("card_type", Kind::Str),
    m("cash", Kind::Obj(CASH)),
    m("gift", Kind::Obj(GIFT)),
];

/// A required member and the errcode its absence gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Required {
    /// The path below the `cash`/`gift` object (`card_type` and the body itself are checked
    /// first, see `card`).
    pub path: &'static str,
    /// The errcode when it is missing.
    pub errcode: i64,
    /// The guide's words.
    pub guide: Guide,
}

const fn req(path: &'static str, errcode: i64, line: u32, text: &'static str) -> Required {
    Required {
        path,
        errcode,
        guide: guide(line, text),
    }
}

/// The required members of a friends' coupon. The guide's "是否必填" column lost its marks
/// when the page was copied; these are the members its prose requires, and those every
/// example carries that the card cannot be shown without.
pub const REQUIRED: &[Required] = &[
    req(
        "base_info",
        errcode::JSON_STRUCTURE,
        341,
        "base_info基本卡券数据,对于任何卡券类型base_info字段相同",
    ),
    req(
        "base_info.logo_url",
        errcode::JSON_STRUCTURE,
        342,
        "logo_url卡券商家LOGO,请使用调用上传图片接口获得的url",
    ),
    req(
        "base_info.code_type",
        errcode::JSON_STRUCTURE,
        343,
        "code_type卡券的code类型",
    ),
    req(
        "base_info.brand_name",
        errcode::JSON_STRUCTURE,
        352,
        "brand_name商家名字,上限为12个汉字",
    ),
    req(
        "base_info.color",
        errcode::JSON_STRUCTURE,
        353,
        "color券颜色,请参考",
    ),
    req(
        "base_info.notice",
        errcode::JSON_STRUCTURE,
        357,
        "notice使用提醒,上限为12个汉字",
    ),
    req(
        "base_info.description",
        errcode::JSON_STRUCTURE,
        358,
        "description使用说明。长文本描述,可以分行,上限为1000个汉字",
    ),
    req(
        "base_info.date_info",
        errcode::JSON_STRUCTURE,
        359,
        "date_info使用日期,有效期的信息,仅支持DATE_TYPE_FIX_TIME_RANGE",
    ),
    req(
        "base_info.date_info.type",
        errcode::INVALID_TIME,
        359,
        "date_info使用日期,有效期的信息,仅支持DATE_TYPE_FIX_TIME_RANGE",
    ),
    req(
        "base_info.date_info.begin_timestamp",
        errcode::JSON_STRUCTURE,
        360,
        "begin_timestampDATE_TYPE_FIX_TIME_RANGE时专用,表示起用时间",
    ),
    req(
        "base_info.date_info.end_timestamp",
        errcode::JSON_STRUCTURE,
        361,
        "end_timestampDATE_TYPE_FIX_TIME_RANGE表示结束时间",
    ),
    req(
        "base_info.location_id_list",
        errcode::LOCATION_MISSING,
        362,
        "朋友的券须至少传入一个可用poi_id,否则报错",
    ),
    req(
        "base_info.can_share",
        errcode::JSON_STRUCTURE,
        363,
        "若创建朋友共享券此处应填入false,不可为空",
    ),
    req(
        "base_info.can_give_friend",
        errcode::JSON_STRUCTURE,
        364,
        "若创建朋友共享券此处应填入false,不可为空",
    ),
    req(
        "advanced_info",
        errcode::JSON_STRUCTURE,
        385,
        "advanced_info创建优惠券特有的高级字段",
    ),
    req(
        "advanced_info.text_image_list",
        errcode::JSON_STRUCTURE,
        395,
        "优惠券券开发者须至少传入一组图文列表",
    ),
    req(
        "advanced_info.share_friends",
        errcode::JSON_STRUCTURE,
        415,
        "share_friends是否支持分享给朋友使用,填写true优惠券才可被共享",
    ),
    req(
        "reduce_cost",
        errcode::JSON_STRUCTURE,
        331,
        "reduce_cost代金券专用,表示减免金额(单位为分),不可填0。",
    ),
    req(
        "gift_name",
        errcode::JSON_STRUCTURE,
        333,
        "gift_name兑换券兑换商品名字,限6个汉字",
    ),
    req(
        "gift_num",
        errcode::JSON_STRUCTURE,
        334,
        "gift_num兑换券兑换商品数目,限三位数字",
    ),
    req(
        "gift_unit",
        errcode::JSON_STRUCTURE,
        335,
        "gift_unit兑换券兑换商品的数量单位,限两个汉字",
    ),
    req(
        "advanced_info.consume_share_card_list[].card_id",
        errcode::JSON_STRUCTURE,
        413,
        "card_id核销后赠送的其他卡券card_id",
    ),
    req(
        "advanced_info.consume_share_card_list[].num",
        errcode::JSON_STRUCTURE,
        414,
        "num核销后赠送的该card_id数目,目前仅支持填1",
    ),
    req(
        "advanced_info.text_image_list[].image_url",
        errcode::JSON_STRUCTURE,
        396,
        "image_url图片链接,必须调用上传图片接口上传图片获得链接,并在此填入,否则报错",
    ),
    req(
        "advanced_info.time_limit[].type",
        errcode::JSON_STRUCTURE,
        403,
        "type限制类型枚举值:支持填入",
    ),
    // Once a slot gives any time: an hour says when it begins and ends (a missing minute is 0).
    req(
        "advanced_info.time_limit[].begin_hour",
        errcode::JSON_STRUCTURE,
        407,
        "begin_hour当前type类型下的起始时间(小时)",
    ),
    req(
        "advanced_info.time_limit[].end_hour",
        errcode::JSON_STRUCTURE,
        409,
        "end_hour当前type类型下的结束时间(小时)",
    ),
];

/// The errcode for `path` missing, when it is required.
#[must_use]
pub fn required(path: &str) -> Option<&'static Required> {
    REQUIRED.iter().find(|r| r.path == path)
}

/// A member a friends' coupon must not have at create, and the only value allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotAtCreate {
    /// The path below the `cash`/`gift` object.
    pub path: &'static str,
    /// The only value accepted.
    pub allowed: &'static str,
    /// The guide's words.
    pub guide: Guide,
}

/// What create refuses: the merchant's own codes and stock. Not checked on the merged card of
/// an update (card/get answers carry `sku` and `use_custom_code`).
pub const NOT_AT_CREATE: &[NotAtCreate] = &[
    NotAtCreate {
        path: "base_info.use_custom_code",
        allowed: "false",
        guide: guide(66, "4、暂不支持商家自定义Code码;"),
    },
    NotAtCreate {
        path: "base_info.sku.quantity",
        allowed: "0",
        guide: guide(
            461,
            "朋友的券库存机制与普通券不同,…不支持在创建的时候填入库存。",
        ),
    },
];

/// A threshold member (`use_condition`) and the card type it is for (`None`: both).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Threshold {
    /// The key inside `use_condition`.
    pub key: &'static str,
    /// `CASH` or `GIFT` when only that type may have it.
    pub only: Option<&'static str>,
    /// The guide's words.
    pub guide: Guide,
}

/// The thresholds, in the order a body is checked.
pub const THRESHOLDS: &[Threshold] = &[
    Threshold {
        key: "accept_category",
        only: Some("CASH"),
        guide: guide(387, "accept_category指定可用的商品类目,仅用于代金券类型"),
    },
    Threshold {
        key: "reject_category",
        only: Some("CASH"),
        guide: guide(388, "reject_category指定不可用的商品类目,仅用于代金券类型"),
    },
    Threshold {
        key: "least_cost",
        only: None,
        guide: guide(389, "least_cost满减门槛字段,可用于兑换券和代金券"),
    },
    Threshold {
        key: "object_use_for",
        only: Some("GIFT"),
        guide: guide(390, "object_use_for购买xx可用类型门槛,仅用于兑换"),
    },
];

/// Members a friends' coupon must send as false, and the one it must send as true.
pub const SHARING: &[(&str, bool, Guide)] = &[
    (
        "base_info.can_share",
        false,
        guide(
            363,
            "can_share…与share_friends字段互斥,若创建朋友共享券此处应填入false,不可为空",
        ),
    ),
    (
        "base_info.can_give_friend",
        false,
        guide(
            364,
            "can_give_friend…与share_friends字段互斥,若创建朋友共享券此处应填入false,不可为空",
        ),
    ),
    (
        "advanced_info.share_friends",
        true,
        guide(
            415,
            "share_friends是否支持分享给朋友使用,填写true优惠券才可被共享",
        ),
    ),
];
