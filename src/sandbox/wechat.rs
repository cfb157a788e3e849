//! WeChat's own paths: tokens, upload, colours, stores (cards are in `cards.rs`).

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Multipart, Query, State as AxState};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use sha1::{Digest, Sha1};

use super::{Shared, State, cards, codes, datacube, pay, wx_error, wx_ok};

/// Token lifetime, as WeChat's.
const TOKEN_LIFE: i64 = 7200;
/// How long an older token keeps working after cgi-bin/token issued a new one.
const GRACE: i64 = 300;
/// Upload limit.
const UPLOAD_LIMIT: usize = 1024 * 1024;

/// The 14 colours of the reference notes.
pub const COLORS: [(&str, &str); 14] = crate::card::rules::COLOR_PALETTE;

pub(crate) type Q = Query<HashMap<String, String>>;
pub(crate) type S = AxState<Arc<Shared>>;

/// The router of WeChat's paths.
pub fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/cgi-bin/token", get(classic_token))
        .route("/cgi-bin/stable_token", post(stable_token))
        .route("/cgi-bin/media/uploadimg", post(upload))
        .route("/card/getcolors", get(colors).post(colors))
        .route("/cgi-bin/poi/getpoilist", post(pois))
        .route("/card/create", post(cards::create))
        .route("/card/get", post(cards::get_card))
        .route("/card/batchget", post(cards::batch_get))
        .route("/card/update", post(cards::update))
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
        .route("/card/qrcode/create", post(codes::qrcode_create))
        .route("/card/testwhitelist/set", post(codes::whitelist))
        .route("/cgi-bin/ticket/getticket", get(codes::ticket))
        .route("/card/code/get", post(codes::code_get))
        .route("/card/code/decrypt", post(codes::decrypt))
        .route("/card/code/mark", post(codes::mark))
        .route("/card/code/consume", post(codes::consume))
        .route("/datacube/getcardbizuininfo", post(datacube::biz))
        .route("/datacube/getcardcardinfo", post(datacube::card))
}

/// Counts the call and checks its access token. `Err` is the WeChat error answer.
pub(crate) fn authorize(
    shared: &Shared,
    st: &mut State,
    path: &str,
    q: &HashMap<String, String>,
) -> Result<(), Json<Value>> {
    // Calls are counted on arrival by the fault middleware.
    let _ = (shared, path);
    let Some(token) = q.get("access_token").filter(|t| !t.is_empty()) else {
        return Err(wx_error(41001, "access_token missing"));
    };
    match st.tokens.get(token) {
        None => Err(wx_error(
            40001,
            "invalid credential, access_token is invalid or not latest",
        )),
        Some(exp) if *exp <= st.now() => Err(wx_error(42001, "access_token expired")),
        Some(_) => Ok(()),
    }
}

fn check_credentials(
    shared: &Shared,
    appid: Option<&str>,
    secret: Option<&str>,
) -> Result<(), Json<Value>> {
    let Some((want_id, want_secret)) = &shared.config.credentials else {
        return if appid.is_some_and(|a| !a.is_empty()) {
            Ok(())
        } else {
            Err(wx_error(40013, "invalid appid"))
        };
    };
    if appid != Some(want_id.as_str()) {
        return Err(wx_error(40013, "invalid appid"));
    }
    if secret != Some(want_secret.as_str()) {
        return Err(wx_error(40125, "invalid appsecret"));
    }
    Ok(())
}

fn issue(st: &mut State) -> String {
    let token = st.new_id("SANDBOX_", 64);
    let exp = st.now().saturating_add(TOKEN_LIFE);
    st.tokens.insert(token.clone(), exp);
    token
}

async fn classic_token(AxState(shared): S, Query(q): Q) -> Json<Value> {
    if q.get("grant_type").map(String::as_str) != Some("client_credential") {
        return wx_error(40002, "invalid grant_type");
    }
    if let Err(e) = check_credentials(
        &shared,
        q.get("appid").map(String::as_str),
        q.get("secret").map(String::as_str),
    ) {
        return e;
    }
    let mut st = shared.lock();
    // A new token cuts every older one down to the grace period, as WeChat does.
    let cut = st.now().saturating_add(GRACE);
    for exp in st.tokens.values_mut() {
        *exp = (*exp).min(cut);
    }
    let token = issue(&mut st);
    st.stable_token = Some(token.clone());
    shared.persist(&st);
    wx_ok(json!({"access_token": token, "expires_in": TOKEN_LIFE}))
}

async fn stable_token(AxState(shared): S, body: Bytes) -> Json<Value> {
    let Ok(v) = serde_json::from_slice::<Value>(&body) else {
        return wx_error(47001, "data format error");
    };
    let s = |k: &str| v.get(k).and_then(Value::as_str);
    if s("grant_type") != Some("client_credential") {
        return wx_error(40002, "invalid grant_type");
    }
    if let Err(e) = check_credentials(&shared, s("appid"), s("secret")) {
        return e;
    }
    let force = v
        .get("force_refresh")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let mut st = shared.lock();
    let now = st.now();
    let current = st.stable_token.clone().and_then(|t| {
        st.tokens
            .get(&t)
            .copied()
            .filter(|exp| *exp > now)
            .map(|exp| (t, exp))
    });
    let (token, exp) = match current {
        Some(pair) if !force => pair,
        _ => {
            let t = issue(&mut st);
            st.stable_token = Some(t.clone());
            let exp = st.tokens.get(&t).copied().unwrap_or(now);
            (t, exp)
        }
    };
    shared.persist(&st);
    wx_ok(json!({"access_token": token, "expires_in": exp - now}))
}

/// Admin: a stand-in for a company's central token service (GET → `{"access_token":…}`, or
/// the bare token with `?format=plain`), handing out the stable token.
pub(crate) async fn token_service(AxState(shared): S, Query(q): Q) -> Response {
    let mut st = shared.lock();
    let now = st.now();
    let current = st
        .stable_token
        .clone()
        .filter(|t| st.tokens.get(t).is_some_and(|exp| *exp > now));
    let token = current.unwrap_or_else(|| {
        let t = issue(&mut st);
        st.stable_token = Some(t.clone());
        t
    });
    shared.persist(&st);
    if q.get("format").map(String::as_str) == Some("plain") {
        token.into_response()
    } else {
        Json(json!({"access_token": token, "expires_in": 600})).into_response()
    }
}

async fn upload(AxState(shared): S, Query(q): Q, mut multipart: Multipart) -> Response {
    {
        let mut st = shared.lock();
        if let Err(e) = authorize(&shared, &mut st, "/cgi-bin/media/uploadimg", &q) {
            return e.into_response();
        }
    }
    let mut data: Option<Vec<u8>> = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => {
                // The card guide names the part `buffer`; most SDKs send `media`.
                if matches!(field.name(), Some("buffer" | "media")) {
                    match field.bytes().await {
                        Ok(b) => data = Some(b.to_vec()),
                        Err(_) => return wx_error(40009, "invalid image size").into_response(),
                    }
                }
            }
            Ok(None) => break,
            Err(_) => return wx_error(41005, "media data missing").into_response(),
        }
    }
    let Some(bytes) = data.filter(|d| !d.is_empty()) else {
        return wx_error(41005, "media data missing").into_response();
    };
    if bytes.len() > UPLOAD_LIMIT {
        return wx_error(40009, "invalid image size").into_response();
    }
    let jpeg = bytes.starts_with(&[0xFF, 0xD8, 0xFF]);
    let png = bytes.starts_with(b"\x89PNG\r\n\x1a\n");
    if !jpeg && !png {
        return wx_error(40005, "invalid file type").into_response();
    }
    let hash = hex(&Sha1::digest(&bytes));
    let mut st = shared.lock();
    st.media.insert(hash.clone(), bytes);
    wx_ok(json!({"url": format!("http://mmbiz.qpic.cn/sandbox/{hash}/0")})).into_response()
}

/// Lower-case hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

async fn colors(AxState(shared): S, Query(q): Q) -> Json<Value> {
    let mut st = shared.lock();
    if let Err(e) = authorize(&shared, &mut st, "/card/getcolors", &q) {
        return e;
    }
    let colors: Vec<Value> = COLORS
        .iter()
        .map(|(n, v)| json!({"name": n, "value": v}))
        .collect();
    wx_ok(json!({"colors": colors}))
}

async fn pois(AxState(shared): S, Query(q): Q, body: Bytes) -> Json<Value> {
    let mut st = shared.lock();
    if let Err(e) = authorize(&shared, &mut st, "/cgi-bin/poi/getpoilist", &q) {
        return e;
    }
    let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let begin = usize::try_from(v.get("begin").and_then(Value::as_u64).unwrap_or(0)).unwrap_or(0);
    let limit = usize::try_from(v.get("limit").and_then(Value::as_u64).unwrap_or(50))
        .unwrap_or(50)
        .min(50);
    let list: Vec<Value> = st.pois.iter().skip(begin).take(limit).cloned().collect();
    wx_ok(json!({"business_list": list, "total_count": st.pois.len()}))
}
