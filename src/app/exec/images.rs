//! Pictures by URL: where a card's picture can be read (the simulator serves its own), the
//! bytes (from a cache on disk, else fetched once and kept there), and Design's preview
//! fetches.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha1::{Digest, Sha1};

use super::super::io::Io;
use super::Backend;
use crate::api::ApiClient;
use crate::message::{DesignEvent, ImageSlot, PreparedImage, UiError};

/// The biggest picture read (WeChat's upload limit is 1 MB; this leaves room).
const MAX_BYTES: usize = 5 * 1024 * 1024;
/// The widest picture kept for the preview, in pixels.
const MAX_WIDTH: u32 = 900;

/// Where a card's picture at `url` can be read, or `None` where it must not be. Against a
/// simulator (sandbox mode, or an account rehearsed against one: [`Backend::pictures_from`])
/// only the simulator's own pictures are read, from the address its fake CDN URLs name
/// (`…/sandbox/<sha1>/0` → `/sandbox/media/<sha1>`): any other URL (a template's placeholder,
/// a guide example's) was never uploaded there, and a rehearsal must not reach the internet.
pub(super) fn readable(url: &str, backend: &Backend) -> Option<String> {
    let Some(base) = backend.pictures_from() else {
        return Some(url.to_owned());
    };
    let rest = url.split("/sandbox/").nth(1)?;
    let sha = rest.split('/').next().unwrap_or_default();
    Some(format!("{base}/sandbox/media/{sha}"))
}

/// The bytes at `src` (`url`'s readable address), from `cache` when it holds `url`, else
/// fetched and kept there. A cache that cannot be written is only a slower next time.
pub(super) async fn bytes_of(
    client: &ApiClient,
    url: &str,
    src: &str,
    admin_key: Option<&str>,
    cache: Option<&Path>,
) -> Result<Vec<u8>, UiError> {
    let file = cache.map(|dir| dir.join(file_name(url)));
    if let Some(f) = &file
        && let Ok(bytes) = tokio::fs::read(f).await
    {
        return Ok(bytes);
    }
    let mut req = client.http().get(src);
    // A simulator with an admin key serves its pictures only with the key.
    if let Some(key) = admin_key
        && src.contains("/sandbox/media/")
    {
        req = req.header(crate::api::admin::KEY_HEADER, key);
    }
    let bytes = req
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(|e| UiError::plain(crate::api::error::redact(&e.to_string())))?
        .bytes()
        .await
        .map_err(|e| UiError::plain(e.to_string()))?;
    if bytes.len() > MAX_BYTES {
        return Err(UiError::plain(format!("{url}: {} bytes", bytes.len())));
    }
    if let Some(f) = &file {
        keep(f, &bytes).await;
    }
    Ok(bytes.to_vec())
}

/// The cache file of a URL: its SHA-1 in hex.
fn file_name(url: &str) -> String {
    Sha1::digest(url.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Writes the cache file through a temporary name, so a half-written file is never read.
async fn keep(file: &Path, bytes: &[u8]) {
    let Some(dir) = file.parent() else { return };
    let tmp = file.with_extension("part");
    let written = async {
        tokio::fs::create_dir_all(dir).await?;
        tokio::fs::write(&tmp, bytes).await?;
        tokio::fs::rename(&tmp, file).await
    }
    .await;
    if let Err(e) = written {
        tracing::warn!(error = %e, file = %file.display(), "picture cache not written");
    }
}

/// Decodes a picture for the preview (at most [`MAX_WIDTH`] wide).
fn decode(bytes: &[u8]) -> Result<PreparedImage, UiError> {
    let img = image::load_from_memory(bytes).map_err(|e| UiError::plain(e.to_string()))?;
    let img = if img.width() > MAX_WIDTH {
        img.resize(MAX_WIDTH, u32::MAX, image::imageops::FilterType::Triangle)
    } else {
        img
    };
    let rgba = img.to_rgba8();
    Ok(PreparedImage {
        jpeg: Vec::new(),
        width: rgba.width(),
        height: rgba.height(),
        rgba: rgba.into_raw(),
    })
}

/// Design's preview: the picture of `slot` at `url`, through the cache in `cache_dir`.
///
/// On the simulator only its own pictures are fetched: any other URL (a template's
/// placeholder, a guide example's) was never uploaded there, and the simulator must not
/// reach the internet.
pub fn fetch(slot: ImageSlot, url: String, io: &Io, backend: &Arc<Backend>, cache_dir: PathBuf) {
    let client = backend.client.clone();
    let src = readable(&url, backend);
    let key = backend.admin_key.clone();
    io.spawn(async move {
        let result = async {
            let Some(src) = src else {
                return Err(UiError::plain(format!("{url}: not on the simulator")));
            };
            let bytes = bytes_of(&client, &url, &src, key.as_deref(), Some(&cache_dir)).await?;
            tokio::task::spawn_blocking(move || decode(&bytes))
                .await
                .map_err(|e| UiError::plain(e.to_string()))?
        }
        .await;
        DesignEvent::ImageFetched { slot, url, result }
    });
}
