//! PLACEHOLDER: the rules engine is being written in a parallel branch; this keeps the API.
#![allow(missing_docs, dead_code, unused_variables)]
use serde::Serialize;

use super::model::CreateBody;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Draft,
    Create,
}
#[derive(Clone, Copy, Debug)]
pub struct Context {
    pub now: i64,
    pub mode: Mode,
}
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub field: String,
    pub rule: &'static str,
    pub limit: Option<String>,
    pub severity: Severity,
    pub errcode: Option<i64>,
    pub message_zh: String,
    pub message_en: String,
}
impl Finding {
    pub fn message(&self, en: bool) -> &str {
        if en {
            &self.message_en
        } else {
            &self.message_zh
        }
    }
}
pub fn validate(body: &CreateBody, ctx: &Context) -> Vec<Finding> {
    Vec::new()
}
pub fn has_errors(f: &[Finding]) -> bool {
    f.iter().any(|f| f.severity == Severity::Error)
}
pub fn char_count(s: &str) -> usize {
    s.chars().count()
}
pub fn is_wechat_cdn_url(url: &str) -> bool {
    url.starts_with("http://mmbiz.qpic.cn/") || url.starts_with("https://mmbiz.qpic.cn/")
}
