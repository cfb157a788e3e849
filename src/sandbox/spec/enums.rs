//! The enumerations the guide lists, each value with the line that names it.

use super::{Guide, guide};

/// One allowed value of an enumerated member.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Allowed {
    /// The wire text.
    pub value: &'static str,
    /// Where the guide lists it.
    pub guide: Guide,
}

const fn allowed(value: &'static str, line: u32, text: &'static str) -> Allowed {
    Allowed {
        value,
        guide: guide(line, text),
    }
}

/// `card.card_type`.
pub const CARD_TYPES: &[Allowed] = &[
    allowed(
        "CASH",
        329,
        "card_type卡券类型,现仅支持代金券类型和兑换券类型,填写CASH或者GIFT",
    ),
    allowed(
        "GIFT",
        329,
        "card_type卡券类型,现仅支持代金券类型和兑换券类型,填写CASH或者GIFT",
    ),
];

/// `base_info.code_type`.
pub const CODE_TYPES: &[Allowed] = &[
    allowed("CODE_TYPE_TEXT", 344, "\"CODE_TYPE_TEXT\",文本;"),
    allowed("CODE_TYPE_BARCODE", 345, "\"CODE_TYPE_BARCODE\",一维码;"),
    allowed("CODE_TYPE_QRCODE", 347, "\"CODE_TYPE_QRCODE\",二维码;"),
    allowed(
        "CODE_TYPE_ONLY_QRCODE",
        348,
        "\"CODE_TYPE_ONLY_QRCODE\",二维码无code显示;",
    ),
    allowed(
        "CODE_TYPE_ONLY_BARCODE",
        349,
        "\"CODE_TYPE_ONLY_BARCODE\",一维码无code显示;",
    ),
    allowed("CODE_TYPE_NONE", 350, "\"CODE_TYPE_NONE\"无code类型"),
];

/// `base_info.date_info.type`: one value only.
pub const DATE_TYPES: &[Allowed] = &[allowed(
    "DATE_TYPE_FIX_TIME_RANGE",
    359,
    "date_info使用日期,有效期的信息,仅支持DATE_TYPE_FIX_TIME_RANGE",
)];

/// `advanced_info.time_limit[].type`.
pub const TIME_LIMIT_TYPES: &[Allowed] = &[
    allowed("MONDAY", 405, "MONDAY 周一"),
    allowed("TUESDAY", 405, "TUESDAY 周二"),
    allowed("WEDNESDAY", 405, "WEDNESDAY 周三"),
    allowed("THURSDAY", 405, "THURSDAY 周四"),
    allowed("FRIDAY", 405, "FRIDAY 周五"),
    allowed("SATURDAY", 405, "SATURDAY 周六"),
    allowed("SUNDAY", 405, "SUNDAY 周日"),
    allowed("HOLIDAY", 405, "HOLIDAY 假期通用"),
];

/// `advanced_info.business_service[]`.
pub const BUSINESS_SERVICES: &[Allowed] = &[
    allowed("BIZ_SERVICE_DELIVER", 400, "BIZ_SERVICE_DELIVER 外卖服务"),
    allowed("BIZ_SERVICE_FREE_PARK", 400, "BIZ_SERVICE_FREE_PARK 停车位"),
    allowed("BIZ_SERVICE_WITH_PET", 400, "BIZ_SERVICE_WITH_PET 可带宠物"),
    allowed(
        "BIZ_SERVICE_FREE_WIFI",
        400,
        "BIZ_SERVICE_FREE_WIFI 免费wifi,可多选",
    ),
];

/// A card colour: the name sent at create and the hex value card/getcolors and card/get show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Colour {
    /// `Color010`.
    pub name: &'static str,
    /// `#63b359`.
    pub value: &'static str,
}

/// The palette of `card/getcolors`. The guide only points to the colour API (line 353:
/// "color券颜色,请参考 选取卡券背景颜色接口文档"); the 14 values are the reference notes'
/// ("the 14 known values, identical across SDKs"). A name outside it is accepted at create:
/// getcolors may list more than the SDKs know.
pub const COLOURS: [Colour; 14] = [
    Colour {
        name: "Color010",
        value: "#63b359",
    },
    Colour {
        name: "Color020",
        value: "#2c9f67",
    },
    Colour {
        name: "Color030",
        value: "#509fc9",
    },
    Colour {
        name: "Color040",
        value: "#5885cf",
    },
    Colour {
        name: "Color050",
        value: "#9062c0",
    },
    Colour {
        name: "Color060",
        value: "#d09a45",
    },
    Colour {
        name: "Color070",
        value: "#e4b138",
    },
    Colour {
        name: "Color080",
        value: "#ee903c",
    },
    Colour {
        name: "Color081",
        value: "#f08500",
    },
    Colour {
        name: "Color082",
        value: "#a9d92d",
    },
    Colour {
        name: "Color090",
        value: "#dd6549",
    },
    Colour {
        name: "Color100",
        value: "#cc463d",
    },
    Colour {
        name: "Color101",
        value: "#cf3e36",
    },
    Colour {
        name: "Color102",
        value: "#5E6671",
    },
];

/// The palette as `(name, value)` pairs, for card/getcolors.
#[must_use]
pub const fn colour_pairs() -> [(&'static str, &'static str); 14] {
    let mut out = [("", ""); 14];
    let mut i = 0;
    while i < COLOURS.len() {
        out[i] = (COLOURS[i].name, COLOURS[i].value);
        i += 1;
    }
    out
}

/// Whether `value` is one of `table`'s.
#[must_use]
pub fn is_allowed(table: &[Allowed], value: &str) -> bool {
    table.iter().any(|a| a.value == value)
}

/// The values of `table` for messages: `CASH / GIFT`.
#[must_use]
pub fn listed(table: &[Allowed]) -> String {
    table
        .iter()
        .map(|a| a.value)
        .collect::<Vec<_>>()
        .join(" / ")
}
