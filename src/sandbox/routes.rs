//! The router: WeChat's paths (behind the counting and fault middleware) and the admin API.

use std::sync::Arc;

use axum::Router;
use axum::http::StatusCode;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use tower_http::timeout::TimeoutLayer;

use super::{
    Shared, access, admin, auth, cards, component, consent, datacube, faults, media, pay,
    placement, redeem, update,
};

/// WeChat's paths, exactly as on api.weixin.qq.com. GET where the guide says GET (token,
/// activate, getcoinsinfo, getticket); the two balance calls also take POST, as SDKs send.
/// The open platform's `cgi-bin/component/*` are POST, as its documents say.
fn wechat() -> Router<Arc<Shared>> {
    Router::new()
        .route("/cgi-bin/token", get(auth::classic_token))
        .route("/cgi-bin/stable_token", post(auth::stable_token))
        .route("/cgi-bin/media/uploadimg", post(media::upload))
        .route("/card/getcolors", get(media::colors).post(media::colors))
        .route("/cgi-bin/poi/getpoilist", post(media::pois))
        .route("/card/create", post(cards::create))
        .route("/card/get", post(cards::get_card))
        .route("/card/batchget", post(cards::batch_get))
        .route("/card/update", post(update::update))
        .route("/card/pay/activate", get(pay::activate).post(pay::activate))
        .route(
            "/card/pay/getcoinsinfo",
            get(pay::coins_info).post(pay::coins_info),
        )
        .route("/card/pay/getpayprice", post(pay::pay_price))
        .route("/card/pay/confirm", post(pay::confirm))
        .route("/card/pay/recharge", post(pay::recharge))
        .route("/card/pay/getorder", post(pay::get_order))
        .route("/card/pay/getorderlist", post(pay::order_list))
        .route("/card/qrcode/create", post(placement::qrcode))
        .route("/card/testwhitelist/set", post(placement::whitelist))
        .route("/cgi-bin/ticket/getticket", get(placement::ticket))
        .route("/card/code/get", post(redeem::get))
        .route("/card/code/decrypt", post(redeem::decrypt))
        .route("/card/code/mark", post(redeem::mark))
        .route("/card/code/consume", post(redeem::consume))
        .route("/datacube/getcardbizuininfo", post(datacube::biz))
        .route("/datacube/getcardcardinfo", post(datacube::card))
        .route(
            "/cgi-bin/component/api_component_token",
            post(component::token),
        )
        .route(
            "/cgi-bin/component/api_create_preauthcode",
            post(component::preauth),
        )
        .route(
            "/cgi-bin/component/api_query_auth",
            post(component::query_auth),
        )
        .route(
            "/cgi-bin/component/api_authorizer_token",
            post(component::refresh),
        )
        .route(
            "/cgi-bin/component/api_get_authorizer_info",
            post(component::info),
        )
        .route(
            "/cgi-bin/component/api_get_authorizer_list",
            post(component::list),
        )
}

/// The admin API (docs/sandbox.md).
fn sandbox() -> Router<Arc<Shared>> {
    Router::new()
        .route("/sandbox/health", get(admin::health))
        .route("/sandbox/clock", get(admin::health))
        .route("/sandbox/clock/advance", post(admin::advance))
        .route("/sandbox/card/review", post(admin::review))
        .route("/sandbox/card/delete", post(admin::delete_card))
        .route("/sandbox/recharge/pay", post(admin::pay))
        .route("/sandbox/user/scan", post(admin::scan))
        .route("/sandbox/user/share", post(admin::share))
        .route("/sandbox/user/gift", post(admin::gift))
        .route("/sandbox/pushes", get(admin::pushes))
        .route("/sandbox/push/target", post(admin::set_push_target))
        .route("/sandbox/push/clear", post(admin::clear_push_target))
        .route("/sandbox/code/status", post(admin::code_status))
        .route("/sandbox/code/encrypt", post(admin::encrypt))
        .route(
            "/sandbox/faults",
            get(admin::list_faults).post(admin::add_faults),
        )
        .route("/sandbox/faults/clear", post(admin::clear_faults))
        .route("/sandbox/calls", get(admin::calls))
        .route("/sandbox/calls/reset", post(admin::reset_calls))
        .route("/sandbox/state", get(admin::dump))
        .route("/sandbox/reset", post(admin::reset))
        .route("/sandbox/pois", post(admin::set_pois))
        .route("/sandbox/activity/simulate", post(admin::simulate))
        .route("/sandbox/media/{hash}", get(media::serve))
        .route("/sandbox/token-service", get(admin::token_service))
        .route("/sandbox/platform", get(consent::show))
        .route("/sandbox/platform/config", post(consent::config))
        .route("/sandbox/platform/clear", post(consent::clear))
        .route("/sandbox/platform/authorize", post(consent::authorize))
        .route("/sandbox/platform/revoke", post(consent::revoke))
        .route(
            "/sandbox/merchants",
            get(consent::merchants).post(consent::add_merchant),
        )
}

/// The whole application: WeChat's paths behind the fault middleware, the admin API behind
/// the access checks (`access.rs`), and every request under the whole-request timeout (408).
pub fn router(shared: Arc<Shared>) -> Router {
    let timeout = shared.limits().request_timeout;
    let wechat = wechat().route_layer(from_fn_with_state(shared.clone(), faults::layer));
    let admin = sandbox().route_layer(from_fn_with_state(shared.clone(), access::layer));
    wechat
        .merge(admin)
        .with_state(shared)
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
}
