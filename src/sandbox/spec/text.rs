//! The length limits, "N个汉字" in the guide's create tables.
//!
//! How a character counts (the reference notes, from the guide's own examples: the CASH and
//! update examples send `"6个汉字tips"` for a field "限6个汉字", line 248 and 1505): a
//! full-width character counts one, a half-width one one half. Full- and half-width are
//! Unicode's East Asian Width as Chinese text reads it: wide, full-width and ambiguous
//! characters (汉字, full-width punctuation and forms, emoji, × ①) are full; narrow ones
//! (ASCII, Latin letters such as é, the half-width forms such as ｱ) are half.

use super::{Guide, guide};

/// A text member's limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TextLimit {
    /// The member's path below the `cash`/`gift` object, `base_info.brand_name`;
    /// `[]` stands for every entry of a list.
    pub path: &'static str,
    /// At most this many 汉字.
    pub max: usize,
    /// The guide's words.
    pub guide: Guide,
}

const fn limit(path: &'static str, max: usize, line: u32, text: &'static str) -> TextLimit {
    TextLimit {
        path,
        max,
        guide: guide(line, text),
    }
}

/// Every length limit at create, in the order a body is checked.
pub const TEXT_LIMITS: &[TextLimit] = &[
    limit(
        "base_info.brand_name",
        12,
        352,
        "brand_name商家名字,上限为12个汉字",
    ),
    limit("base_info.notice", 12, 357, "notice使用提醒,上限为12个汉字"),
    limit(
        "base_info.description",
        1000,
        358,
        "description使用说明。长文本描述,可以分行,上限为1000个汉字",
    ),
    limit(
        "base_info.center_title",
        9,
        367,
        "center_title居中置顶的url标题,…9个中文字符以内",
    ),
    limit(
        "base_info.center_sub_title",
        12,
        368,
        "center_sub_title居中置顶的url副标题,显示在标题下方,12个中文字符以内",
    ),
    limit(
        "base_info.custom_url_name",
        5,
        370,
        "custom_url_name商家自定义入口名称,…长度限制在5个汉字内",
    ),
    limit(
        "base_info.custom_url_sub_title",
        6,
        372,
        "custom_url_sub_title显示在入口右侧的tips,长度限制在6个汉字内",
    ),
    limit(
        "base_info.promotion_url_sub_title",
        6,
        375,
        "promotion_url_sub_title显示在入口右侧的tips,长度限制在6个汉字内",
    ),
    limit(
        "advanced_info.text_image_list[].text",
        5000,
        397,
        "text图文描述,5000字以内",
    ),
    limit("gift_name", 6, 333, "gift_name兑换券兑换商品名字,限6个汉字"),
    limit(
        "gift_unit",
        2,
        335,
        "gift_unit兑换券兑换商品的数量单位,限两个汉字",
    ),
];

/// `notice` in the merged card after card/update.
pub const NOTICE_AT_UPDATE: TextLimit = limit(
    "base_info.notice",
    16,
    1558,
    "noticestring(48)请出示二维码核销卡券。使用提醒,字数上限为16个汉字。",
);

/// The limit of the member at `path` (below `cash`/`gift`, list indexes as `[]`).
#[must_use]
pub fn limit_of(path: &str) -> Option<&'static TextLimit> {
    TEXT_LIMITS.iter().find(|l| l.path == path)
}

/// Whether a character is half-width: not wide in East Asian text.
#[must_use]
pub fn is_half_width(c: char) -> bool {
    use unicode_width::UnicodeWidthChar;
    c.width_cjk() != Some(2)
}

/// The length of `s` in halves of a 汉字: "6个汉字tips" is 11.
#[must_use]
pub fn halves(s: &str) -> usize {
    s.chars()
        .map(|c| if is_half_width(c) { 1 } else { 2 })
        .sum()
}

/// The length in 汉字 as people write it: `5.5`, `6`.
#[must_use]
pub fn shown(halves: usize) -> String {
    if halves.is_multiple_of(2) {
        format!("{}", halves / 2)
    } else {
        format!("{}.5", halves / 2)
    }
}
