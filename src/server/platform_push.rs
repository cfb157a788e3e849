//! The open platform's two URLs, which WeChat posts to in safe mode with the platform's
//! Token and EncodingAESKey (the envelope names the platform's AppID):
//!
//! - `POST /wechat/component` (授权事件接收URL): verify tickets and authorization events,
//!   answered `success` once acted on (a ticket kept, a code exchanged, a merchant revoked);
//! - `POST /wechat/{appid}` (消息与事件接收URL, `…/wechat/$APPID$`): the card events of the
//!   merchant `appid`, kept in its stream as `/wechat` keeps the direct account's.
//!
//! Refusals are those of `/wechat`, plus plain mode (WeChat always encrypts here).

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::Shared;
use super::keys::valid_merchant;
use super::platform::PlatformError;
use super::storage::NewEvent;
use super::wechat::{PushQuery, Refusal, STORE_TIMEOUT, read, refuse, store, text};

/// POST `/wechat/component`: a verify ticket or an authorization event.
pub async fn component(
    State(shared): State<Arc<Shared>>,
    Query(q): Query<PushQuery>,
    body: Body,
) -> Response {
    let Some(platform) = &shared.platform else {
        return refuse(Refusal::NoAccount, "component");
    };
    let push = match read(platform.crypto(), &q, body, true).await {
        Ok(p) => p,
        Err(r) => return refuse(r, "component"),
    };
    match tokio::time::timeout(STORE_TIMEOUT, platform.on_auth_event(push)).await {
        Ok(Ok(())) => text("success"),
        // WeChat refused the code (expired, used up): a retry would be refused too.
        Ok(Err(e @ PlatformError::WeChat { .. })) => {
            tracing::warn!(error = %e, "authorization event not acted on");
            text("success")
        }
        Ok(Err(e)) => {
            tracing::error!(error = %e, "authorization event not handled: WeChat will send it again");
            (StatusCode::SERVICE_UNAVAILABLE, "not handled").into_response()
        }
        Err(_) => {
            tracing::error!("authorization event not handled in time: WeChat will send it again");
            (StatusCode::SERVICE_UNAVAILABLE, "timeout").into_response()
        }
    }
}

/// POST `/wechat/{appid}`: a card event of the merchant `appid`.
pub async fn merchant(
    State(shared): State<Arc<Shared>>,
    Path(appid): Path<String>,
    Query(q): Query<PushQuery>,
    body: Body,
) -> Response {
    let Some(platform) = &shared.platform else {
        return refuse(Refusal::NoAccount, "merchant");
    };
    if !valid_merchant(&appid) {
        return refuse(Refusal::NoAccount, "merchant");
    }
    let push = match read(platform.crypto(), &q, body, true).await {
        Ok(p) => p,
        Err(r) => return refuse(r, "merchant"),
    };
    let event = NewEvent::new(push, chrono::Utc::now().timestamp_millis()).for_merchant(&appid);
    store(&shared, event, "aes").await
}
