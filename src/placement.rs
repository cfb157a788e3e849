//! Placement rules, free of egui and of IO: QR options, the warnings a QR deserves, the test
//! whitelist limits and the `wx.addCard` snippet for H5 pages.

use crate::api::placement::QrRequest;
use crate::api::signature::CardExt;
use crate::i18n::{Lang, T};

/// Shortest temporary QR life (the guide: 60 s).
pub const QR_EXPIRE_MIN: u32 = 60;
/// Longest temporary QR life (the guide: 1800 s).
pub const QR_EXPIRE_MAX: u32 = 1800;
/// Test whitelist entries in total, openids and usernames together.
pub const WHITELIST_MAX: usize = 10;
/// A friends' coupon can be received from this many days before its validity starts (V1.4).
pub const RECEIVE_DAYS_BEFORE: i64 = 5;

/// A problem with an input, naming the field, the rule and the limit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// The field, as the UI labels it.
    pub field: T,
    /// The rule and its limit, with `{name}` placeholders.
    pub rule: T,
    /// The values of the rule's placeholders (limits, the value found).
    pub args: Vec<(&'static str, i64)>,
}

impl FieldError {
    /// An error without numbers in its rule.
    pub fn new(field: T, rule: T) -> Self {
        Self {
            field,
            rule,
            args: Vec::new(),
        }
    }

    /// "field: rule" in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        let args: Vec<(&str, &dyn std::fmt::Display)> = self
            .args
            .iter()
            .map(|(name, v)| (*name, v as &dyn std::fmt::Display))
            .collect();
        let rule = self.rule.fill(lang, &args);
        match lang {
            Lang::Zh => format!("{}:{rule}", self.field.zh()),
            Lang::En => format!("{}: {rule}", self.field.en()),
        }
    }
}

/// What the QR form holds, as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QrForm {
    /// Permanent (no expire_seconds).
    pub permanent: bool,
    /// Seconds, as typed.
    pub expire_text: String,
    /// One code per scan.
    pub unique_code: bool,
    /// Channel, as typed (empty: none).
    pub outer_id_text: String,
    /// Only this user may receive (empty: anyone).
    pub openid: String,
}

impl Default for QrForm {
    fn default() -> Self {
        Self {
            permanent: true,
            expire_text: "1800".into(),
            unique_code: false,
            outer_id_text: String::new(),
            openid: String::new(),
        }
    }
}

impl QrForm {
    /// The request for `card_id`, or every field error.
    pub fn request(&self, card_id: &str) -> Result<QrRequest, Vec<FieldError>> {
        let mut errors = Vec::new();
        let expire_seconds = if self.permanent {
            None
        } else {
            match self.expire_text.trim().parse::<u32>() {
                Ok(n) if (QR_EXPIRE_MIN..=QR_EXPIRE_MAX).contains(&n) => Some(n),
                _ => {
                    errors.push(FieldError {
                        field: T::QrLifetimeField,
                        rule: T::QrLifetimeRule,
                        args: vec![
                            ("min", i64::from(QR_EXPIRE_MIN)),
                            ("max", i64::from(QR_EXPIRE_MAX)),
                        ],
                    });
                    None
                }
            }
        };
        let outer = self.outer_id_text.trim();
        let outer_id = if outer.is_empty() {
            None
        } else {
            match outer.parse::<i64>() {
                Ok(n) if n >= 0 => Some(n),
                _ => {
                    errors.push(FieldError::new(T::OuterIdField, T::NonNegativeRule));
                    None
                }
            }
        };
        let openid = self.openid.trim();
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(QrRequest {
            card_id: card_id.to_owned(),
            expire_seconds,
            is_unique_code: self.unique_code,
            outer_id,
            openid: (!openid.is_empty()).then(|| openid.to_owned()),
        })
    }
}

/// Why a QR of this card may not work yet (shown as warnings; nothing is hidden or blocked).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QrWarning {
    /// Not approved: only whitelisted testers can receive it.
    NotApproved,
    /// No stock: a scan receives nothing.
    NoStock,
    /// Validity starts more than 5 days from now: it cannot be received yet.
    StartsTooLate,
}

impl QrWarning {
    /// The warning in `lang`.
    pub fn text(self, lang: Lang) -> &'static str {
        match self {
            Self::NotApproved => T::QrWarnNotApproved,
            Self::NoStock => T::QrWarnNoStock,
            Self::StartsTooLate => T::QrWarnStartsTooLate,
        }
        .get(lang)
    }
}

/// The warnings for a card with `status`, `stock` and validity start `begin` (Unix s; `None`
/// for a fixed term counted from receipt) at `now`.
pub fn qr_warnings(
    status: &str,
    stock: Option<i64>,
    begin: Option<i64>,
    now: i64,
) -> Vec<QrWarning> {
    let mut out = Vec::new();
    if status != "CARD_STATUS_VERIFY_OK" && status != "CARD_STATUS_DISPATCH" {
        out.push(QrWarning::NotApproved);
    }
    if stock.is_some_and(|q| q <= 0) {
        out.push(QrWarning::NoStock);
    }
    if begin.is_some_and(|b| b - now > RECEIVE_DAYS_BEFORE * 86_400) {
        out.push(QrWarning::StartsTooLate);
    }
    out
}

/// The whitelist as typed: one entry a line, `openid` values and `username`s (WeChat ids) in two
/// lists. Duplicates are dropped; more than [`WHITELIST_MAX`] entries is an error.
pub fn whitelist(openids: &str, usernames: &str) -> Result<(Vec<String>, Vec<String>), FieldError> {
    let split = |text: &str| {
        let mut seen = std::collections::BTreeSet::new();
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && seen.insert(l.to_owned()))
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let (o, u) = (split(openids), split(usernames));
    let n = o.len() + u.len();
    if n > WHITELIST_MAX {
        return Err(FieldError {
            field: T::TestWhitelist,
            rule: T::WhitelistRule,
            args: vec![("max", WHITELIST_MAX as i64), ("n", n as i64)],
        });
    }
    Ok((o, u))
}

/// The H5 snippet that adds the card with the signed cardExt.
pub fn add_card_js(card_id: &str, ext: &CardExt) -> String {
    let ext_json = ext.to_json();
    // The cardExt is a JSON *string* inside the JS object, so it is quoted once more.
    let quoted = serde_json::to_string(&ext_json).unwrap_or_else(|_| "\"{}\"".to_owned());
    format!(
        "wx.addCard({{\n  cardList: [{{\n    cardId: {card},\n    cardExt: {quoted}\n  }}],\n  success: function (res) {{ console.log(res.cardList); }}\n}});",
        card = serde_json::to_string(card_id).unwrap_or_default()
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_form_gives_the_guides_request_or_names_the_bad_fields() {
        let mut f = QrForm {
            permanent: false,
            expire_text: "59".into(),
            outer_id_text: "x".into(),
            ..QrForm::default()
        };
        let errs = f.request("p1").unwrap_err();
        assert_eq!(errs.len(), 2);
        assert!(errs[0].text(Lang::Zh).contains("60–1800"));
        assert!(errs[1].text(Lang::En).contains("Channel number"));
        f.expire_text = "1800".into();
        f.outer_id_text = " 7 ".into();
        f.openid = "oU1".into();
        let r = f.request("p1").unwrap();
        assert_eq!(
            r.to_json(),
            serde_json::json!({"action_name":"QR_CARD","expire_seconds":1800,
                "action_info":{"card":{"card_id":"p1","is_unique_code":false,"outer_id":7,"openid":"oU1"}}})
        );
        f.permanent = true;
        f.expire_text = "garbage".into();
        assert_eq!(f.request("p1").unwrap().expire_seconds, None);
    }

    #[test]
    fn warnings_cover_review_stock_and_the_five_day_rule() {
        let now = 1_800_000_000;
        assert!(qr_warnings("CARD_STATUS_VERIFY_OK", Some(10), Some(now), now).is_empty());
        assert_eq!(
            qr_warnings(
                "CARD_STATUS_NOT_VERIFY",
                Some(0),
                Some(now + 5 * 86_400 + 1),
                now
            ),
            vec![
                QrWarning::NotApproved,
                QrWarning::NoStock,
                QrWarning::StartsTooLate
            ]
        );
        assert!(qr_warnings("CARD_STATUS_VERIFY_OK", None, Some(now + 5 * 86_400), now).is_empty());
        for w in [
            QrWarning::NotApproved,
            QrWarning::NoStock,
            QrWarning::StartsTooLate,
        ] {
            assert_ne!(w.text(Lang::Zh), w.text(Lang::En));
        }
    }

    #[test]
    fn whitelist_counts_both_lists_and_drops_duplicates() {
        let (o, u) = whitelist("oA\n oA \n\noB", "wxid_1").unwrap();
        assert_eq!((o.len(), u.len()), (2, 1));
        let many: String = (0..9).map(|i| format!("o{i}\n")).collect();
        let err = whitelist(&many, "u1\nu2").unwrap_err();
        assert!(err.text(Lang::Zh).contains("最多 10 个(现有 11 个)"));
    }

    #[test]
    fn the_js_snippet_quotes_the_card_ext_as_a_string() {
        let ext = crate::api::signature::card_ext("t", 1, "p1", "", "", "n");
        let js = add_card_js("p1", &ext);
        assert!(js.contains("cardId: \"p1\""));
        assert!(js.contains("cardExt: \"{\\\"code\\\":\\\"\\\""), "{js}");
        assert!(js.contains(&ext.signature));
    }
}
