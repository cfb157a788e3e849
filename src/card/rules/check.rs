//! The building blocks of the rules: where a finding points ([`Node`]), the list findings go to
//! ([`Out`]) and the generic checks (required, length, integer, range, enum, image URL), so
//! every rule words its messages the same way.

use super::{Context, ERRCODE_IMAGE_URL, Finding, Mode, Severity, is_wechat_cdn_url, text_len};
use crate::card::model::{BusinessService, CardType, CodeType, DateType, TimeLimitType};
use crate::card::value::Int;

/// A field: its JSON path, the key shown in messages and its labels.
#[derive(Clone, Debug)]
pub(super) struct Node {
    /// The full JSON path, `card.cash.base_info.brand_name`.
    path: String,
    /// The key as messages show it: `brand_name`, `text_image_list[1].text`.
    key: String,
    /// The Chinese label, `商户名称`.
    zh: String,
    /// The English label, `brand name`.
    en: String,
}

impl Node {
    /// The `card` object.
    pub(super) fn root() -> Self {
        Self {
            path: "card".to_owned(),
            key: "card".to_owned(),
            zh: "卡券".to_owned(),
            en: "card".to_owned(),
        }
    }

    /// A member of this object, named on its own (`商户名称(brand_name)`).
    pub(super) fn field(&self, key: &str, zh: &str, en: &str) -> Self {
        Self {
            path: format!("{}.{key}", self.path),
            key: key.to_owned(),
            zh: zh.to_owned(),
            en: en.to_owned(),
        }
    }

    /// Entry `index` of this list; labels count from 1 as people do.
    pub(super) fn item(&self, index: usize) -> Self {
        let n = index.saturating_add(1);
        Self {
            path: format!("{}[{index}]", self.path),
            key: format!("{}[{index}]", self.key),
            zh: format!("{}第 {n} 项", self.zh),
            en: format!("{} item {n}", self.en),
        }
    }

    /// A member of a list entry, named through the entry
    /// (`图文列表第 2 项的描述(text_image_list[1].text)`, `text of text-image list item 2`).
    pub(super) fn member(&self, key: &str, zh: &str, en: &str) -> Self {
        Self {
            path: format!("{}.{key}", self.path),
            key: format!("{}.{key}", self.key),
            zh: format!("{}的{zh}", self.zh),
            en: format!("{en} of {}", self.en),
        }
    }

    /// The label and key in Chinese: `商户名称(brand_name)`.
    pub(super) fn zh(&self) -> String {
        format!("{}({})", self.zh, self.key)
    }

    /// The label and key in English: `brand name (brand_name)`.
    pub(super) fn en(&self) -> String {
        format!("{} ({})", self.en, self.key)
    }
}

/// The findings collected so far, with the context the rules read.
pub(super) struct Out {
    ctx: Context,
    list: Vec<Finding>,
}

impl Out {
    /// An empty list.
    pub(super) fn new(ctx: Context) -> Self {
        Self {
            ctx,
            list: Vec::new(),
        }
    }

    /// The context.
    pub(super) fn ctx(&self) -> Context {
        self.ctx
    }

    /// Adds a finding.
    pub(super) fn push(&mut self, finding: Finding) {
        self.list.push(finding);
    }

    /// The findings, in the order they were found.
    pub(super) fn into_list(self) -> Vec<Finding> {
        self.list
    }
}

impl Finding {
    /// Names the limit.
    pub(super) fn with_limit(mut self, limit: impl Into<String>) -> Self {
        self.limit = Some(limit.into());
        self
    }

    /// Names the errcode WeChat would answer with.
    pub(super) fn with_errcode(mut self, errcode: i64) -> Self {
        self.errcode = Some(errcode);
        self
    }
}

/// A finding of the given severity with no limit and no errcode yet.
pub(super) fn finding(
    node: &Node,
    rule: &'static str,
    severity: Severity,
    message_zh: String,
    message_en: String,
) -> Finding {
    Finding {
        field: node.path.clone(),
        rule,
        limit: None,
        severity,
        errcode: None,
        message_zh,
        message_en,
    }
}

/// An error.
pub(super) fn error(node: &Node, rule: &'static str, zh: String, en: String) -> Finding {
    finding(node, rule, Severity::Error, zh, en)
}

/// A warning.
pub(super) fn warning(node: &Node, rule: &'static str, zh: String, en: String) -> Finding {
    finding(node, rule, Severity::Warning, zh, en)
}

/// `required`: the field is absent.
pub(super) fn missing(node: &Node) -> Finding {
    error(
        node,
        "required",
        format!("缺少{},此项必填", node.zh()),
        format!("{} is missing; it is required", node.en()),
    )
}

/// `required`: the field is present but blank.
pub(super) fn blank(node: &Node) -> Finding {
    error(
        node,
        "required",
        format!("{}不能为空", node.zh()),
        format!("{} must not be empty", node.en()),
    )
}

/// A value as quoted in a message: at most 48 characters, so a pasted page or a long URL
/// does not flood the findings list.
pub(super) fn quote(value: &str) -> String {
    const MAX: usize = 48;
    if value.chars().count() <= MAX {
        value.to_owned()
    } else {
        let head: String = value.chars().take(MAX).collect();
        format!("{head}…")
    }
}

/// Whether an optional text holds more than whitespace.
pub(super) fn filled(value: Option<&str>) -> bool {
    value.is_some_and(|s| !s.trim().is_empty())
}

/// `required`: text present and not blank; returns it when it is.
pub(super) fn required_text<'a>(
    out: &mut Out,
    node: &Node,
    value: Option<&'a str>,
) -> Option<&'a str> {
    match value {
        None => {
            out.push(missing(node));
            None
        }
        Some(s) if s.trim().is_empty() => {
            out.push(blank(node));
            None
        }
        Some(s) => Some(s),
    }
}

/// `max_chars`: at most `limit` 汉字, a half-width character counting one half ([`text_len`]).
pub(super) fn max_chars(out: &mut Out, node: &Node, value: Option<&str>, limit: usize) {
    let Some(s) = value else { return };
    let n = text_len(s);
    if !n.fits(limit) {
        out.push(
            error(
                node,
                "max_chars",
                format!("{}最多 {limit} 个汉字(英文、数字算半个),当前 {n} 个", node.zh()),
                format!(
                    "{} allows at most {limit} Chinese characters (a half-width letter or digit counts one half), it has {n}",
                    node.en()
                ),
            )
            .with_limit(limit.to_string()),
        );
    }
}

/// `required` then `max_chars`.
pub(super) fn required_text_max(out: &mut Out, node: &Node, value: Option<&str>, limit: usize) {
    if required_text(out, node, value).is_some() {
        max_chars(out, node, value, limit);
    }
}

/// `integer`: when present, a whole number (JSON number or numeric string); returns it.
pub(super) fn integer(out: &mut Out, node: &Node, value: Option<&Int>) -> Option<i64> {
    let value = value?;
    let n = value.get();
    if n.is_none() {
        let shown = quote(&value.display());
        out.push(error(
            node,
            "integer",
            format!("{}须为整数,当前为 {shown}", node.zh()),
            format!("{} must be a whole number, it is {shown}", node.en()),
        ));
    }
    n
}

/// `required` then `integer`.
pub(super) fn required_integer(out: &mut Out, node: &Node, value: Option<&Int>) -> Option<i64> {
    if value.is_none() {
        out.push(missing(node));
        return None;
    }
    integer(out, node, value)
}

/// `range`: `lo ≤ value` and, when given, `value ≤ hi`; returns whether it is.
pub(super) fn range(out: &mut Out, node: &Node, value: i64, lo: i64, hi: Option<i64>) -> bool {
    let inside = value >= lo && hi.is_none_or(|hi| value <= hi);
    if !inside {
        let finding = match hi {
            Some(hi) => error(
                node,
                "range",
                format!("{}须在 {lo}–{hi} 之间,当前 {value}", node.zh()),
                format!("{} must be between {lo} and {hi}, it is {value}", node.en()),
            )
            .with_limit(format!("{lo}–{hi}")),
            None => error(
                node,
                "range",
                format!("{}须不小于 {lo},当前 {value}", node.zh()),
                format!("{} must be at least {lo}, it is {value}", node.en()),
            )
            .with_limit(format!("≥ {lo}")),
        };
        out.push(finding);
    }
    inside
}

/// The enums of the model, seen the same way: wire text, known or not, the allowed values.
pub(super) trait OpenEnum {
    /// The value as written.
    fn wire(&self) -> &str;
    /// Whether the guide lists it.
    fn known(&self) -> bool;
    /// The values the guide lists, for messages: `CASH / GIFT`.
    fn allowed() -> String;
}

/// Implements [`OpenEnum`] for `open_enum!` types.
macro_rules! impl_open_enum {
    ($($t:ty),+) => {$(
        impl OpenEnum for $t {
            fn wire(&self) -> &str {
                self.as_str()
            }
            fn known(&self) -> bool {
                self.is_known()
            }
            fn allowed() -> String {
                Self::KNOWN.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(" / ")
            }
        }
    )+};
}
impl_open_enum!(CardType, CodeType, DateType, TimeLimitType, BusinessService);

/// `enum` (or `required` when blank): a value the guide does not list.
pub(super) fn unknown<E: OpenEnum>(node: &Node, value: &E) -> Finding {
    if value.wire().trim().is_empty() {
        return blank(node);
    }
    let allowed = E::allowed();
    let wire = quote(value.wire());
    error(
        node,
        "enum",
        format!("{}的值 {wire} 无效,可选:{allowed}", node.zh()),
        format!("{}: unknown value {wire}; allowed: {allowed}", node.en()),
    )
    .with_limit(allowed)
}

/// `enum`: when present, a listed value; returns whether it is.
pub(super) fn known<E: OpenEnum>(out: &mut Out, node: &Node, value: &E) -> bool {
    if value.known() {
        return true;
    }
    out.push(unknown(node, value));
    false
}

/// `required` then `enum`; returns the value when it is listed.
pub(super) fn required_known<'a, E: OpenEnum>(
    out: &mut Out,
    node: &Node,
    value: Option<&'a E>,
) -> Option<&'a E> {
    let Some(value) = value else {
        out.push(missing(node));
        return None;
    };
    known(out, node, value).then_some(value)
}

/// `required` then `cdn_url`: an image must come from the upload API (errcode 40141). While
/// drafting that is a warning: the image is uploaded when the card is sent.
pub(super) fn image_url(out: &mut Out, node: &Node, value: Option<&str>) {
    let Some(url) = required_text(out, node, value) else {
        return;
    };
    if is_wechat_cdn_url(url) {
        return;
    }
    let url = quote(url);
    let severity = match out.ctx().mode {
        Mode::Draft => Severity::Warning,
        Mode::Create | Mode::Update => Severity::Error,
    };
    out.push(
        finding(
            node,
            "cdn_url",
            severity,
            format!(
                "{}须为上传图片接口返回的微信 CDN 链接(mmbiz.qpic.cn),当前为 {url}",
                node.zh()
            ),
            format!(
                "{} must be a WeChat CDN URL from the image upload API (mmbiz.qpic.cn), it is {url}",
                node.en()
            ),
        )
        .with_errcode(ERRCODE_IMAGE_URL),
    );
}
