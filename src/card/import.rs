//! Reading and writing create bodies as JSON text.
//!
//! Import is forgiving where a person would be: the guide's web page indents its examples with
//! non-breaking spaces, so a body copied from it is accepted. It is strict about everything
//! else and says where the problem is (line and column for syntax, the JSON path for a value of
//! the wrong type).

use thiserror::Error;

use super::model::CreateBody;

/// Why a text is not a create body.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ImportError {
    /// The text is not JSON at all.
    #[error("not valid JSON at line {line}, column {column}: {message}")]
    Syntax {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// serde_json's description.
        message: String,
    },
    /// The text is JSON, but a member has the wrong type (WeChat answers 47001).
    #[error("wrong JSON structure at {path}: {message}")]
    Structure {
        /// The JSON path of the member, e.g. `card.cash.reduce_cost`.
        path: String,
        /// What was expected.
        message: String,
    },
}

impl ImportError {
    /// The JSON path, or `""` for a syntax error.
    pub fn path(&self) -> &str {
        match self {
            Self::Syntax { .. } => "",
            Self::Structure { path, .. } => path,
        }
    }
}

/// Parses a create body from text; see the module docs for what is tolerated.
pub fn parse_create_body(text: &str) -> Result<CreateBody, ImportError> {
    let text = normalize_whitespace(text);
    // Parse to a Value first so that syntax errors (exit 2) and structure errors (a finding
    // with a path) stay apart.
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| ImportError::Syntax {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
    serde_path_to_error::deserialize(value).map_err(|e| ImportError::Structure {
        path: e.path().to_string(),
        message: e.inner().to_string(),
    })
}

/// Writes a create body as indented JSON.
pub fn to_pretty_json(body: &CreateBody) -> String {
    // Serializing plain data to a String cannot fail; fall back to "{}" rather than panic.
    serde_json::to_string_pretty(body).unwrap_or_else(|_| "{}".to_owned())
}

/// Where a character-by-character scan of JSON text is: inside a string literal or between
/// tokens. The scanners that rewrite what lies between tokens (Unicode spaces here, the
/// simulator's `//` comments) share it, so both read escapes the same way.
#[derive(Clone, Copy, Debug, Default)]
pub struct JsonScan {
    in_string: bool,
    escaped: bool,
}

impl JsonScan {
    /// Feeds the next character; true when it belongs to a string literal (its quotes
    /// included), false when it lies between tokens.
    pub fn feed(&mut self, ch: char) -> bool {
        if self.in_string {
            if self.escaped {
                self.escaped = false;
            } else if ch == '\\' {
                self.escaped = true;
            } else if ch == '"' {
                self.in_string = false;
            }
            return true;
        }
        self.in_string = ch == '"';
        self.in_string
    }
}

/// Replaces Unicode spaces that appear *between* JSON tokens by as many ASCII spaces as they
/// have bytes, so that line and column numbers stay those of the original text. Text inside
/// strings is left exactly as it is, and a leading byte-order mark is dropped.
pub fn normalize_whitespace(text: &str) -> String {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = String::with_capacity(text.len());
    let mut scan = JsonScan::default();
    for ch in text.chars() {
        if scan.feed(ch) {
            out.push(ch);
            continue;
        }
        match ch {
            '\u{a0}' | '\u{3000}' | '\u{2002}'..='\u{200b}' | '\u{202f}' | '\u{205f}' => {
                out.extend(std::iter::repeat_n(' ', ch.len_utf8()));
            }
            _ => out.push(ch),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_error_has_line_and_column() {
        let err = parse_create_body("{\n  \"card\": {,}\n}").unwrap_err();
        match err {
            ImportError::Syntax { line, column, .. } => assert_eq!((line, column), (2, 12)),
            other => panic!("expected a syntax error, got {other:?}"),
        }
    }

    #[test]
    fn structure_error_has_path() {
        let err = parse_create_body(r#"{"card":{"card_type":"CASH","cash":{"reduce_cost":true}}}"#)
            .unwrap_err();
        assert_eq!(err.path(), "card.cash.reduce_cost");
        let err = parse_create_body(
            r#"{"card":{"cash":{"advanced_info":{"text_image_list":[{"text":1}]}}}}"#,
        )
        .unwrap_err();
        assert_eq!(
            err.path(),
            "card.cash.advanced_info.text_image_list[0].text"
        );
    }

    #[test]
    fn nbsp_between_tokens_is_whitespace_but_kept_in_strings() {
        let body = parse_create_body(
            "{\u{a0}\"card\":\u{3000}{\"card_type\":\"CASH\",\"x\":\"a\u{a0}b\"}}",
        )
        .unwrap();
        assert_eq!(body.card.extra["x"], "a\u{a0}b");
        // The column of a later error is unchanged by the replacement.
        let err = parse_create_body("{\u{a0}\"card\": ?}").unwrap_err();
        assert!(
            matches!(
                err,
                ImportError::Syntax {
                    line: 1,
                    column: 12,
                    ..
                }
            ),
            "{err:?}"
        );
    }
}
