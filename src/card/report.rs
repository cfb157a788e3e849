//! One call that answers "what will WeChat make of this body?": the synthesized texts, the
//! price and every finding. The `check` command prints it and the editor shows it.

use serde::Serialize;

use crate::errcode;

use super::import::ImportError;
use super::model::CreateBody;
use super::pricing::Coins;
use super::rules::{self, Context, Finding, Severity};
use super::synth::{self, Synthesis};

/// The outcome of checking one create body.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// The synthesized texts; `None` when the body could not be read.
    pub synthesis: Option<Synthesis>,
    /// Errors and warnings, in field order.
    pub findings: Vec<Finding>,
}

impl Report {
    /// Checks a parsed body.
    pub fn of(body: &CreateBody, ctx: &Context) -> Self {
        Self {
            synthesis: Some(synth::synthesize(&body.card)),
            findings: rules::validate(body, ctx),
        }
    }

    /// The report for a body whose JSON has a member of the wrong type (WeChat: 47001).
    pub fn structure_error(err: &ImportError) -> Self {
        let (path, detail) = match err {
            ImportError::Structure { path, message } => (path.clone(), message.clone()),
            ImportError::Syntax { message, .. } => (String::new(), message.clone()),
        };
        Self {
            synthesis: None,
            findings: vec![Finding {
                field: path.clone(),
                rule: "json_structure",
                limit: None,
                severity: Severity::Error,
                errcode: Some(errcode::JSON_STRUCTURE),
                message_zh: format!(
                    "JSON 结构错误({}):{path} 的类型不对:{detail}",
                    errcode::JSON_STRUCTURE
                ),
                message_en: format!(
                    "Wrong JSON structure ({}): {path} has the wrong type: {detail}",
                    errcode::JSON_STRUCTURE
                ),
            }],
        }
    }

    /// Whether there is no error (warnings allowed).
    pub fn ok(&self) -> bool {
        !rules::has_errors(&self.findings)
    }

    /// The errors only.
    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
    }

    /// The warnings only.
    pub fn warnings(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
    }

    /// The stable JSON form printed by `coupon-studio check --json`; see [`JsonReport`].
    pub fn to_json(&self, english: bool) -> JsonReport {
        let item = |f: &Finding| JsonFinding {
            field: f.field.clone(),
            message: f.message(english).to_owned(),
            rule: f.rule,
            limit: f.limit.clone(),
            errcode: f.errcode,
        };
        let s = self.synthesis.as_ref();
        JsonReport {
            ok: self.ok(),
            title: s.map(|s| s.title.clone()).unwrap_or_default(),
            r#abstract: s.map(|s| s.abstract_line.clone()).unwrap_or_default(),
            notices: s.map(|s| s.notices.clone()).unwrap_or_default(),
            time_limit_text: s.map(|s| s.time_limit_text.clone()).unwrap_or_default(),
            price_per_unit: s.map_or(0.0, |s| s.price_per_unit.as_f64()),
            errors: self.errors().map(item).collect(),
            warnings: self.warnings().map(item).collect(),
        }
    }

    /// Price per unit, when known.
    pub fn price_per_unit(&self) -> Option<Coins> {
        self.synthesis.as_ref().map(|s| s.price_per_unit)
    }
}

/// `check --json` output. The first eight members are a stable schema used by other tools;
/// members may be added, never renamed or removed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct JsonReport {
    /// True when there is no error.
    pub ok: bool,
    /// The synthesized title.
    pub title: String,
    /// The synthesized summary line (详情摘要).
    #[serde(rename = "abstract")]
    pub r#abstract: String,
    /// Use-notice lines.
    pub notices: Vec<String>,
    /// Time-limit lines.
    pub time_limit_text: Vec<String>,
    /// Coins per unit of stock.
    pub price_per_unit: f64,
    /// Errors.
    pub errors: Vec<JsonFinding>,
    /// Warnings.
    pub warnings: Vec<JsonFinding>,
}

/// One error or warning in `check --json`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct JsonFinding {
    /// JSON path, e.g. `card.cash.base_info.brand_name`.
    pub field: String,
    /// The message in the chosen language.
    pub message: String,
    /// Machine id of the rule.
    pub rule: &'static str,
    /// The limit the rule names, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
    /// The errcode WeChat would answer with, if the guide names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errcode: Option<i64>,
}
