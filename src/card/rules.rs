//! The rules engine: checks a `card/create` body against the friends' coupon guide before it is
//! sent, so the designer can show every problem at once, name the field and the limit in the
//! merchant's language, and say which errcode WeChat would have answered.
//!
//! [`validate`] never fails and never panics: the model accepts malformed input (numbers as
//! text, unknown enum values, missing members), and every such problem becomes a [`Finding`].
//! Findings come in field order, the order of the guide's JSON example.
//!
//! Layout: this file holds the public API and the card-type level; `check` the building blocks
//! (paths, labels, generic checks); `base` the `base_info` rules; `advanced` the
//! `advanced_info` rules.

mod advanced;
mod base;
mod check;
#[cfg(test)]
mod tests;

use serde::Serialize;

use crate::errcode;

use super::model::{CardType, CashCard, CreateBody, GiftCard};
use super::value::Int;
use check::{Node, Out};

/// `brand_name`: at most 12 characters (商家名字,上限为12个汉字).
pub const BRAND_NAME_MAX: usize = 12;
/// `notice`: at most 12 汉字 at create ("notice使用提醒,上限为12个汉字").
pub const NOTICE_MAX: usize = 12;
/// `notice` at update: "使用提醒,字数上限为16个汉字" (the update table).
pub const NOTICE_MAX_AT_UPDATE: usize = 16;
/// `description`: at most 1000 characters (WxJava says 1024; the guide wins).
pub const DESCRIPTION_MAX: usize = 1000;
/// `text_image_list[].text`: at most 5000 characters.
pub const TEXT_IMAGE_TEXT_MAX: usize = 5000;
/// `center_title`: at most 9 characters.
pub const CENTER_TITLE_MAX: usize = 9;
/// `center_sub_title`: at most 12 characters.
pub const CENTER_SUB_TITLE_MAX: usize = 12;
/// `custom_url_name`: at most 5 characters.
pub const CUSTOM_URL_NAME_MAX: usize = 5;
/// `custom_url_sub_title`: at most 6 characters.
pub const CUSTOM_URL_SUB_TITLE_MAX: usize = 6;
/// `promotion_url_sub_title`: at most 6 characters.
pub const PROMOTION_URL_SUB_TITLE_MAX: usize = 6;
/// `gift_name`: at most 6 characters.
pub const GIFT_NAME_MAX: usize = 6;
/// `gift_unit`: at most 2 characters.
pub const GIFT_UNIT_MAX: usize = 2;
/// `gift_num`: "限三位数字", so 1–999.
pub const GIFT_NUM_MAX: i64 = 999;
/// The longest validity of a friends' coupon, in days (errcode 40079 beyond it).
pub const MAX_VALIDITY_DAYS: i64 = 90;
/// V1.4: a new coupon can be received only from this many days before it starts.
pub const RECEIVE_LEAD_DAYS: i64 = 5;
/// Seconds in a day, for the date rules.
pub const DAY_SECS: i64 = 86_400;

/// errcode 40079: the validity is wrong (longer than 90 days).
pub const ERRCODE_DATE: i64 = errcode::INVALID_TIME;
/// errcode 40141: an image URL that does not come from the upload API.
pub const ERRCODE_IMAGE_URL: i64 = errcode::IMAGE_URL;
/// errcode 41025: no store (`location_id_list`).
pub const ERRCODE_LOCATION: i64 = errcode::LOCATION_MISSING;
/// errcode 47001: the JSON structure is wrong (a missing or misplaced object).
pub const ERRCODE_JSON_STRUCTURE: i64 = errcode::JSON_STRUCTURE;

/// The offline colour palette (`card/getcolors`), name and value, as every SDK lists it.
pub const COLOR_PALETTE: [(&str, &str); 14] = [
    ("Color010", "#63b359"),
    ("Color020", "#2c9f67"),
    ("Color030", "#509fc9"),
    ("Color040", "#5885cf"),
    ("Color050", "#9062c0"),
    ("Color060", "#d09a45"),
    ("Color070", "#e4b138"),
    ("Color080", "#ee903c"),
    ("Color081", "#f08500"),
    ("Color082", "#a9d92d"),
    ("Color090", "#dd6549"),
    ("Color100", "#cc463d"),
    ("Color101", "#cf3e36"),
    ("Color102", "#5E6671"),
];

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// WeChat would refuse the body (or the coupon could not work as a friends' coupon).
    Error,
    /// Accepted, but probably not what the merchant wants.
    Warning,
}

/// What the body is being checked for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// Editing: image URLs not on the WeChat CDN yet are warnings (they are uploaded at send).
    #[default]
    Draft,
    /// About to call `card/create`: everything WeChat would refuse is an error.
    Create,
    /// The merged card after a `card/update`: as strict as create, with the update's limits
    /// (the notice may be [`NOTICE_MAX_AT_UPDATE`] 汉字).
    Update,
}

impl Mode {
    /// The notice's limit in this mode.
    #[must_use]
    pub fn notice_max(self) -> usize {
        match self {
            Self::Update => NOTICE_MAX_AT_UPDATE,
            Self::Draft | Self::Create => NOTICE_MAX,
        }
    }
}

/// What the rules need besides the body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Context {
    /// The current time, in seconds since the epoch (for the date warnings).
    pub now: i64,
    /// Draft or create.
    pub mode: Mode,
}

/// One problem with a body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The JSON path of the field, e.g. `card.cash.base_info.brand_name` or
    /// `card.gift.advanced_info.text_image_list[1].text`.
    pub field: String,
    /// A stable machine id of the rule: `required`, `max_chars`, `integer`, `range`, `enum`,
    /// `exclusive`, `value`, `min_items`, `max_items`, `card_type_only`, `date_order`,
    /// `date_span`, `date_lead`, `date_past`, `time_order`, `time_overlap`, `cdn_url`,
    /// `palette`, `threshold`, `url_missing`.
    pub rule: &'static str,
    /// The limit the rule names, e.g. `12`, `90 天`, `1–999`.
    pub limit: Option<String>,
    /// Error or warning.
    pub severity: Severity,
    /// The errcode the real API would answer with, where the guide names one.
    pub errcode: Option<i64>,
    /// The message in Chinese: the field label and JSON key, the rule and the limit.
    pub message_zh: String,
    /// The message in English.
    pub message_en: String,
}

impl Finding {
    /// The message in English when `lang_en`, else in Chinese.
    #[must_use]
    pub fn message(&self, lang_en: bool) -> &str {
        if lang_en {
            &self.message_en
        } else {
            &self.message_zh
        }
    }
}

/// The length of a text as WeChat counts it for its "N个汉字" limits: a full-width character
/// (汉字, full-width punctuation, emoji, and the East Asian "ambiguous" ones such as × or ①)
/// counts one, any other (ASCII, half-width forms, Latin letters) one half. The guide's own
/// examples settle it: `"6个汉字tips"` is sent for a field of 6, and is 5.5.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct TextLen {
    /// The length in halves: 11 for "6个汉字tips".
    pub halves: usize,
}

impl TextLen {
    /// The length of `s`.
    #[must_use]
    pub fn of(s: &str) -> Self {
        use unicode_width::UnicodeWidthChar;
        let halves = s
            .chars()
            .map(|c| if c.width_cjk() == Some(2) { 2 } else { 1 })
            .sum();
        Self { halves }
    }

    /// Whether the text fits a limit of `max` 汉字.
    #[must_use]
    pub fn fits(self, max: usize) -> bool {
        self.halves <= max.saturating_mul(2)
    }
}

/// As people write it: `5.5`, `6`.
impl std::fmt::Display for TextLen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let whole = self.halves / 2;
        if self.halves.is_multiple_of(2) {
            write!(f, "{whole}")
        } else {
            write!(f, "{whole}.5")
        }
    }
}

/// The length of a text in 汉字 (see [`TextLen`]).
#[must_use]
pub fn text_len(s: &str) -> TextLen {
    TextLen::of(s)
}

/// The character limit of a field, by its name or any path ending in it
/// (`brand_name`, `card.cash.base_info.brand_name`, `text_image_list[0].text`).
#[must_use]
pub fn field_limit(path_suffix: &str) -> Option<usize> {
    let key = path_suffix.rsplit('.').next().unwrap_or(path_suffix);
    let key = key.split('[').next().unwrap_or(key);
    match key {
        "brand_name" => Some(BRAND_NAME_MAX),
        "notice" => Some(NOTICE_MAX),
        "description" => Some(DESCRIPTION_MAX),
        "text" => Some(TEXT_IMAGE_TEXT_MAX),
        "center_title" => Some(CENTER_TITLE_MAX),
        "center_sub_title" => Some(CENTER_SUB_TITLE_MAX),
        "custom_url_name" => Some(CUSTOM_URL_NAME_MAX),
        "custom_url_sub_title" => Some(CUSTOM_URL_SUB_TITLE_MAX),
        "promotion_url_sub_title" => Some(PROMOTION_URL_SUB_TITLE_MAX),
        "gift_name" => Some(GIFT_NAME_MAX),
        "gift_unit" => Some(GIFT_UNIT_MAX),
        _ => None,
    }
}

/// Whether a URL is one the upload API hands out: `http(s)://mmbiz.qpic.cn/…` or
/// `http(s)://mmbiz.qlogo.cn/…`. The host must be exactly one of those: no port, no user info,
/// no look-alike prefix or suffix. The path is not judged: the guide's own example URLs carry
/// non-breaking spaces copied from its web page, and a body copied from the guide must pass.
#[must_use]
pub fn is_wechat_cdn_url(url: &str) -> bool {
    const HOSTS: [&str; 2] = ["mmbiz.qpic.cn", "mmbiz.qlogo.cn"];
    let Some(rest) = strip_prefix_ignore_case(url, "https://")
        .or_else(|| strip_prefix_ignore_case(url, "http://"))
    else {
        return false;
    };
    // Everything up to the first '/' is the authority, so `host?x`, `host#@evil`,
    // `host\@evil`, `host:8080` and `user@host` never equal a bare host name.
    let Some((host, path)) = rest.split_once('/') else {
        return false;
    };
    HOSTS.iter().any(|h| host.eq_ignore_ascii_case(h)) && !path.trim().is_empty()
}

/// `s` without `prefix`, comparing ASCII case-insensitively (URL schemes ignore case).
fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) {
        s.get(prefix.len()..)
    } else {
        None
    }
}

/// Whether any finding is an error.
#[must_use]
pub fn has_errors(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.severity == Severity::Error)
}

/// Checks a create body; returns every error and warning, in field order.
#[must_use]
pub fn validate(body: &CreateBody, ctx: &Context) -> Vec<Finding> {
    let mut out = Out::new(*ctx);
    let card = &body.card;
    let root = Node::root();
    let cash_node = root.field("cash", "代金券结构", "cash body");
    let gift_node = root.field("gift", "兑换券结构", "gift body");

    match card_type(&mut out, &root, card.card_type.as_ref()) {
        Some(CardType::Cash) => {
            match &card.cash {
                Some(cash) => cash_card(&mut out, &cash_node, cash),
                None => out.push(check::missing(&cash_node).with_errcode(ERRCODE_JSON_STRUCTURE)),
            }
            if card.gift.is_some() {
                out.push(wrong_body(&gift_node, "CASH"));
            }
        }
        Some(CardType::Gift) => {
            if card.cash.is_some() {
                out.push(wrong_body(&cash_node, "GIFT"));
            }
            match &card.gift {
                Some(gift) => gift_card(&mut out, &gift_node, gift),
                None => out.push(check::missing(&gift_node).with_errcode(ERRCODE_JSON_STRUCTURE)),
            }
        }
        // No usable type (already reported): still check whatever body is there, so the
        // merchant sees all the other problems too.
        _ => {
            if let Some(cash) = &card.cash {
                cash_card(&mut out, &cash_node, cash);
            }
            if let Some(gift) = &card.gift {
                gift_card(&mut out, &gift_node, gift);
            }
            if card.cash.is_none() && card.gift.is_none() {
                out.push(no_body(&root));
            }
        }
    }
    out.into_list()
}

/// Which thresholds and warnings apply: the card type, with the discount of a cash coupon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// 代金券, with its `reduce_cost` when that is an integer.
    Cash {
        /// `reduce_cost` in 分.
        reduce_cost: Option<i64>,
    },
    /// 兑换券.
    Gift,
}

/// `card_type`: present and CASH or GIFT; returns it when it is. Without a usable type WeChat
/// cannot read the body, hence the structure errcode.
fn card_type(out: &mut Out, root: &Node, value: Option<&CardType>) -> Option<CardType> {
    let node = root.field("card_type", "卡券类型", "card type");
    match value {
        None => {
            out.push(check::missing(&node).with_errcode(ERRCODE_JSON_STRUCTURE));
            None
        }
        Some(t) if t.is_known() => Some(t.clone()),
        Some(t) => {
            out.push(check::unknown(&node, t).with_errcode(ERRCODE_JSON_STRUCTURE));
            None
        }
    }
}

/// The body of the other card type, present beside the declared one.
fn wrong_body(node: &Node, declared: &str) -> Finding {
    check::error(
        node,
        "exclusive",
        format!("卡券类型为 {declared},不能同时填写{}", node.zh()),
        format!("card type is {declared}; {} must be absent", node.en()),
    )
    .with_errcode(ERRCODE_JSON_STRUCTURE)
}

/// Neither body present.
fn no_body(root: &Node) -> Finding {
    check::error(
        root,
        "required",
        "缺少代金券(cash)或兑换券(gift)结构".to_owned(),
        "the card has neither a cash nor a gift body".to_owned(),
    )
    .with_errcode(ERRCODE_JSON_STRUCTURE)
}

/// The `cash` body: base and advanced info, then `reduce_cost` (in 分, never 0).
fn cash_card(out: &mut Out, node: &Node, cash: &CashCard) {
    let reduce_cost = cash.reduce_cost.as_ref().and_then(Int::get);
    base::base_info(out, node, cash.base_info.as_ref());
    advanced::advanced_info(
        out,
        node,
        cash.advanced_info.as_ref(),
        Kind::Cash { reduce_cost },
    );
    let rc = node.field("reduce_cost", "减免金额", "discount");
    if let Some(v) = check::required_integer(out, &rc, cash.reduce_cost.as_ref()) {
        check::range(out, &rc, v, 1, None);
    }
}

/// The `gift` body: base and advanced info, then the goods, their number and unit (the
/// title is synthesised from them: 苹果 + 1 + 个).
fn gift_card(out: &mut Out, node: &Node, gift: &GiftCard) {
    base::base_info(out, node, gift.base_info.as_ref());
    advanced::advanced_info(out, node, gift.advanced_info.as_ref(), Kind::Gift);
    let name = node.field("gift_name", "兑换商品名", "gift name");
    check::required_text_max(out, &name, gift.gift_name.as_deref(), GIFT_NAME_MAX);
    let num = node.field("gift_num", "兑换商品数目", "gift quantity");
    if let Some(v) = check::required_integer(out, &num, gift.gift_num.as_ref()) {
        check::range(out, &num, v, 1, Some(GIFT_NUM_MAX));
    }
    let unit = node.field("gift_unit", "数量单位", "gift unit");
    check::required_text_max(out, &unit, gift.gift_unit.as_deref(), GIFT_UNIT_MAX);
}
