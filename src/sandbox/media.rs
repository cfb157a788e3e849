//! Image upload (`cgi-bin/media/uploadimg`), colours (`card/getcolors`) and stores
//! (`cgi-bin/poi/getpoilist`), and serving uploaded images back (`/sandbox/media/{sha1}`).

use axum::body::Bytes;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query as AxQuery, State as AxState};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use sha1::{Digest, Sha1};

use super::auth::{Q, S};
use super::body;
use super::errors::{WxError, WxResult, code, ok, respond};

/// Where the URLs this simulator's upload API issues live (after `http://`): on WeChat's
/// image host, in a folder of its own.
pub const ISSUED_PREFIX: &str = "mmbiz.qpic.cn/sandbox/";

/// Upload limit (1 MB).
pub const UPLOAD_LIMIT: usize = 1024 * 1024;

/// The 14 colours of the reference notes (the spec's palette).
pub const COLORS: [(&str, &str); 14] = super::spec::enums::colour_pairs();

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether the bytes start like a JPEG or a PNG.
pub fn is_jpeg_or_png(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xD8, 0xFF]) || bytes.starts_with(b"\x89PNG\r\n\x1a\n")
}

/// `POST cgi-bin/media/uploadimg`, multipart with a `buffer` (guide) or `media` (SDKs) part.
pub async fn upload(
    AxState(shared): S,
    AxQuery(q): Q,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    // The token is checked before the body is read, as WeChat does.
    let token = q.get("access_token").map(String::as_str);
    let appid = match shared.lock().and_then(|w| w.resolve(token)) {
        Ok(appid) => appid,
        Err(e) => return e.into_response(),
    };
    // Not a multipart body at all: no media part.
    let Ok(mut multipart) = multipart else {
        return WxError::new(code::MEDIA_MISSING, "media data missing").into_response();
    };
    let mut data: Option<Vec<u8>> = None;
    let mut too_big = false;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => {
                if matches!(field.name(), Some("buffer" | "media")) {
                    match field.bytes().await {
                        Ok(b) => data = Some(b.to_vec()),
                        // axum's body limit: the part is larger than what we accept.
                        Err(_) => too_big = true,
                    }
                }
            }
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                too_big = true;
                break;
            }
            Err(_) => break,
        }
    }
    let run = || -> WxResult {
        if too_big {
            return Err(WxError::new(code::IMAGE_SIZE, "invalid image size"));
        }
        let Some(bytes) = data.filter(|d| !d.is_empty()) else {
            return Err(WxError::new(code::MEDIA_MISSING, "media data missing"));
        };
        if bytes.len() > UPLOAD_LIMIT {
            return Err(WxError::new(code::IMAGE_SIZE, "invalid image size"));
        }
        if !is_jpeg_or_png(&bytes) {
            return Err(WxError::new(code::FILE_TYPE, "invalid file type"));
        }
        let hash = hex(&Sha1::digest(&bytes));
        let mut w = shared.lock()?;
        // The images are the merchant's own: another merchant's card cannot use their URLs.
        let st = w
            .account_mut(&appid)
            .ok_or_else(|| WxError::system("merchant gone"))?;
        if !st.media.contains_key(&hash) {
            let limits = shared.limits();
            let kept: usize = st.media.values().map(Vec::len).sum();
            if st.media.len() >= limits.media_images
                || kept.saturating_add(bytes.len()) > limits.media_bytes
            {
                return Err(WxError::sim(
                    code::API_LIMIT,
                    format!(
                        "{} images, {kept} bytes kept; at most {} images, {} bytes",
                        st.media.len(),
                        limits.media_images,
                        limits.media_bytes
                    ),
                ));
            }
        }
        st.media.insert(hash.clone(), bytes);
        st.issued_images.insert(hash.clone());
        Ok(ok(
            json!({"url": format!("http://{ISSUED_PREFIX}{hash}/0")}),
        ))
    };
    respond(run())
}

/// `card/getcolors` (GET or POST).
pub async fn colors(AxState(shared): S, AxQuery(q): Q) -> Response {
    shared.call(&q, false, |_, _| {
        let colors: Vec<Value> = COLORS
            .iter()
            .map(|(n, v)| json!({"name": n, "value": v}))
            .collect();
        Ok(json!({"colors": colors}))
    })
}

/// `POST cgi-bin/poi/getpoilist {begin, limit}` (limit at most 50).
pub async fn pois(AxState(shared): S, AxQuery(q): Q, bytes: Bytes) -> Response {
    shared.call(&q, false, |st, _| {
        let v = body::parse(&bytes)?;
        let begin = usize::try_from(body::int(&v, "begin")?.unwrap_or(0)).unwrap_or(0);
        let limit = usize::try_from(body::int(&v, "limit")?.unwrap_or(50))
            .unwrap_or(50)
            .min(50);
        let list: Vec<Value> = st.pois.iter().skip(begin).take(limit).cloned().collect();
        Ok(json!({"business_list": list, "total_count": st.pois.len()}))
    })
}

/// `GET /sandbox/media/{sha1}`: an uploaded image, whichever merchant uploaded it (admin, no
/// token).
pub async fn serve(AxState(shared): S, Path(hash): Path<String>) -> Response {
    let w = match shared.lock() {
        Ok(w) => w,
        Err(e) => return (StatusCode::INTERNAL_SERVER_ERROR, e.errmsg).into_response(),
    };
    match w.accounts().find_map(|st| st.media.get(&hash)) {
        Some(bytes) => {
            let mime = if bytes.starts_with(b"\x89PNG") {
                "image/png"
            } else {
                "image/jpeg"
            };
            ([(header::CONTENT_TYPE, mime)], bytes.clone()).into_response()
        }
        None => (StatusCode::NOT_FOUND, "no such image").into_response(),
    }
}
