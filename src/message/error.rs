//! The error a panel shows: what kind of failure it was, WeChat's errcode when WeChat
//! refused, and the words for it, which are put together in the language current when the
//! error is drawn (switching language also switches an error already on screen).

use crate::api::ApiError;
use crate::i18n::{Lang, T};

/// What failed, for code that reacts to a failure (not for display).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// WeChat answered with a non-zero errcode ([`UiError::errcode`] says which).
    WeChat,
    /// No connection, no answer in time, or an HTTP status: worth trying again later.
    Network,
    /// A money call whose outcome is not known: look the order up, never send it again.
    Uncertain,
    /// An answer that was not what the guide describes.
    Answer,
    /// The local database.
    Store,
    /// A file or picture that could not be read or written.
    File,
    /// Accounts, secrets and tokens.
    Account,
    /// Input the person has to correct.
    Input,
    /// Anything else (a bug or an environment problem).
    Other,
}

/// How the words are made when the error is drawn.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Words {
    /// A WeChat or transport error, described by the client (with the guide's guidance).
    Api(ApiError),
    /// A text of the string table, with `{name}` values filled in.
    Key(T, Vec<(&'static str, String)>),
    /// A text of the string table followed by details that are the same in every language.
    KeyThen(T, String),
    /// Words already in both languages.
    Both { zh: String, en: String },
    /// A technical message that is the same in every language (a path, an OS error).
    Plain(String),
}

/// An error to show next to what failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UiError {
    kind: ErrorKind,
    errcode: Option<i64>,
    words: Words,
}

impl UiError {
    fn new(kind: ErrorKind, words: Words) -> Self {
        Self {
            kind,
            errcode: None,
            words,
        }
    }

    /// A technical message, the same in every language (paths, OS errors).
    pub fn plain(text: impl Into<String>) -> Self {
        Self::new(ErrorKind::Other, Words::Plain(text.into()))
    }

    /// A text of the string table.
    pub fn of(key: T) -> Self {
        Self::new(ErrorKind::Other, Words::Key(key, Vec::new()))
    }

    /// A text of the string table with its `{name}` placeholders filled.
    pub fn fill(key: T, args: &[(&'static str, &dyn std::fmt::Display)]) -> Self {
        let args = args.iter().map(|(k, v)| (*k, v.to_string())).collect();
        Self::new(ErrorKind::Other, Words::Key(key, args))
    }

    /// A text of the string table, then details that need no translation ("账号文件出错:…").
    pub fn of_then(key: T, details: impl Into<String>) -> Self {
        Self::new(ErrorKind::Other, Words::KeyThen(key, details.into()))
    }

    /// Words composed elsewhere in both languages (e.g. an image check's message).
    pub fn both(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self::new(
            ErrorKind::Other,
            Words::Both {
                zh: zh.into(),
                en: en.into(),
            },
        )
    }

    /// A WeChat call's error: its kind and errcode come from the error itself.
    pub fn api(e: &ApiError) -> Self {
        let kind = match e {
            ApiError::WeChat { .. } => ErrorKind::WeChat,
            ApiError::Http { .. } | ApiError::Timeout { .. } | ApiError::Connect { .. } => {
                ErrorKind::Network
            }
            ApiError::Uncertain { .. } => ErrorKind::Uncertain,
            ApiError::Decode { .. } => ErrorKind::Answer,
            ApiError::InsecureBaseUrl(_)
            | ApiError::Token(_)
            | ApiError::KeyRefused
            | ApiError::MerchantRefused
            | ApiError::MerchantGone => ErrorKind::Account,
        };
        Self {
            kind,
            errcode: e.errcode(),
            words: Words::Api(e.clone()),
        }
    }

    /// The same error, filed under `kind`.
    #[must_use]
    pub fn kind_of(mut self, kind: ErrorKind) -> Self {
        self.kind = kind;
        self
    }

    /// What failed.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// WeChat's errcode, when WeChat refused.
    pub fn errcode(&self) -> Option<i64> {
        self.errcode
    }

    /// The words in `lang`, made now.
    pub fn text(&self, lang: Lang) -> String {
        match &self.words {
            Words::Api(e) => match lang {
                Lang::Zh => e.text_zh(),
                Lang::En => e.text_en(),
            },
            Words::Key(key, args) => {
                let args: Vec<(&str, &dyn std::fmt::Display)> = args
                    .iter()
                    .map(|(k, v)| (*k, v as &dyn std::fmt::Display))
                    .collect();
                key.fill(lang, &args)
            }
            Words::KeyThen(key, details) => match lang {
                Lang::Zh => format!("{}:{details}", key.zh()),
                Lang::En => format!("{}: {details}", key.en()),
            },
            Words::Both { zh, en } => match lang {
                Lang::Zh => zh.clone(),
                Lang::En => en.clone(),
            },
            Words::Plain(text) => text.clone(),
        }
    }
}

impl From<&ApiError> for UiError {
    fn from(e: &ApiError) -> Self {
        Self::api(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wechat_refusal_keeps_its_errcode_and_is_worded_in_the_language_asked_for() {
        let e = UiError::api(&ApiError::WeChat {
            errcode: 40146,
            errmsg: "marked".into(),
        });
        assert_eq!(e.kind(), ErrorKind::WeChat);
        assert_eq!(e.errcode(), Some(40146));
        assert!(e.text(Lang::Zh).contains("该 code 已被其他用户 mark"));
        assert!(e.text(Lang::En).contains("marked by another user"));
    }

    #[test]
    fn a_string_table_error_is_filled_in_each_language() {
        let e = UiError::fill(T::DbError, &[("error", &"disk full")]).kind_of(ErrorKind::Store);
        assert_eq!(e.kind(), ErrorKind::Store);
        assert_eq!(e.errcode(), None);
        assert_eq!(
            e.text(Lang::Zh),
            T::DbError.fill(Lang::Zh, &[("error", &"disk full")])
        );
        assert_eq!(
            e.text(Lang::En),
            T::DbError.fill(Lang::En, &[("error", &"disk full")])
        );
        assert_ne!(e.text(Lang::Zh), e.text(Lang::En));
    }

    #[test]
    fn a_lost_connection_is_a_network_error_without_errcode() {
        let e = UiError::api(&ApiError::Timeout {
            endpoint: "/card/get".into(),
        });
        assert_eq!((e.kind(), e.errcode()), (ErrorKind::Network, None));
    }
}
