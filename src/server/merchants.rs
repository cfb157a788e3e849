//! The open platform's part of the team's API and the page a merchant's admin comes back to:
//!
//! - `GET /api/v1/merchants`: the merchants that authorize the platform and that the key may
//!   act for, by name;
//! - `POST /api/v1/authorizations`: a new authorization link (a key allowed every merchant),
//!   for the app to show as a QR code;
//! - `GET /platform/callback?auth_code=…&expires_in=…`: where WeChat's authorization page
//!   sends the browser; the code becomes the merchant's tokens and the page says so, in
//!   Chinese and English.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::Shared;
use super::api::{authorize, error, forbidden, platform_error};
use super::platform::PlatformError;
use crate::errcode;
use crate::i18n::T;

/// The 404 of a server that plays no open platform.
fn no_platform() -> Response {
    error(
        StatusCode::NOT_FOUND,
        -1,
        "this server plays no open platform (--component-appid)",
    )
}

/// GET `/api/v1/merchants`: `{"merchants": [{"appid", "name", "user_name",
/// "principal_name", "authorized_at"}]}`, the ones the key may act for, by name. A server
/// without a platform has none.
pub async fn list(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let caller = match authorize(&shared, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Some(platform) = &shared.platform else {
        return Json(json!({ "merchants": [] })).into_response();
    };
    match platform.merchants().await {
        Ok(all) => {
            let merchants: Vec<Value> = all
                .iter()
                .filter(|m| caller.may_act_for(&m.appid))
                .map(|m| {
                    json!({
                        "appid": m.appid,
                        "name": m.name,
                        "user_name": m.user_name,
                        "principal_name": m.principal_name,
                        "authorized_at": m.authorized_at,
                    })
                })
                .collect();
            Json(json!({ "merchants": merchants })).into_response()
        }
        Err(e) => platform_error(&e),
    }
}

/// POST `/api/v1/authorizations`: `{"url", "expires_in"}`, WeChat's authorization page for a
/// new pre_auth_code, sending the merchant's browser back to `/platform/callback`. Only a
/// key allowed every merchant may bring in a new one.
pub async fn create(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let caller = match authorize(&shared, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    if !caller.unlimited() {
        return forbidden("new merchants (its key is limited to some)");
    }
    let Some(platform) = &shared.platform else {
        return no_platform();
    };
    match platform.authorization_link().await {
        Ok((url, expires_in)) => {
            tracing::info!(key = %caller.name, "authorization link made");
            Json(json!({"url": url, "expires_in": expires_in})).into_response()
        }
        Err(e) => platform_error(&e),
    }
}

/// The query WeChat's authorization page sends the browser back with.
#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    /// The authorization code (`expires_in` beside it is not needed: WeChat judges the code).
    auth_code: Option<String>,
}

/// Text for an HTML page.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// The page: a title and a sentence in Chinese, then in English.
fn page(status: StatusCode, title: T, zh: &str, en: &str) -> Response {
    let body = format!(
        "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{zt} · {et}</title></head>\n<body style=\"font-family: sans-serif; \
         max-width: 36em; margin: 3em auto; padding: 0 1em\">\n<h1>{zt}</h1>\n<p>{zh}</p>\n\
         <h2 lang=\"en\">{et}</h2>\n<p lang=\"en\">{en}</p>\n</body></html>\n",
        zt = title.zh(),
        et = title.en(),
        zh = escape(zh),
        en = escape(en),
    );
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// The failure page for `e`.
fn failure(e: &PlatformError) -> Response {
    let (status, zh, en) = match e {
        PlatformError::WeChat {
            errcode: errcode::COMPONENT_CODE_INVALID | errcode::COMPONENT_CODE_EXPIRED,
            ..
        } => (
            StatusCode::BAD_REQUEST,
            T::PlatformCodeExpired.zh().to_owned(),
            T::PlatformCodeExpired.en().to_owned(),
        ),
        PlatformError::WeChat { errcode, .. } => {
            let code = format!("errcode {errcode}");
            (
                StatusCode::BAD_GATEWAY,
                T::PlatformWeChatRefused.fill(crate::i18n::Lang::Zh, &[("error", &code)]),
                T::PlatformWeChatRefused.fill(crate::i18n::Lang::En, &[("error", &code)]),
            )
        }
        _ => (
            StatusCode::SERVICE_UNAVAILABLE,
            T::PlatformServerBusy.zh().to_owned(),
            T::PlatformServerBusy.en().to_owned(),
        ),
    };
    page(status, T::PlatformNotAuthorized, &zh, &en)
}

/// GET `/platform/callback?auth_code=…&expires_in=…`: exchanges the code (once, whether the
/// `authorized` push came first or not) and answers a page saying it worked, or why not.
pub async fn callback(
    State(shared): State<Arc<Shared>>,
    Query(q): Query<CallbackQuery>,
) -> Response {
    let Some(platform) = &shared.platform else {
        return no_platform();
    };
    let Some(code) = q
        .auth_code
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    else {
        return page(
            StatusCode::BAD_REQUEST,
            T::PlatformNotAuthorized,
            T::PlatformCodeMissing.zh(),
            T::PlatformCodeMissing.en(),
        );
    };
    match platform.exchange(code).await {
        Ok(m) => {
            let name = format!("{} ({})", m.name, m.appid);
            let fill = |lang| T::PlatformAuthorizedBody.fill(lang, &[("name", &name)]);
            page(
                StatusCode::OK,
                T::PlatformAuthorized,
                &fill(crate::i18n::Lang::Zh),
                &fill(crate::i18n::Lang::En),
            )
        }
        Err(e) => {
            tracing::warn!(error = %e, "authorization callback failed");
            failure(&e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_on_the_page_are_text_not_markup() {
        assert_eq!(
            escape("<script>\"a\" & 'b'</script>"),
            "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;"
        );
    }
}
