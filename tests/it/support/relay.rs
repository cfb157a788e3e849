//! A relay on loopback in front of the company server, for what a test must see or bend on the
//! wire between the real parts: it passes every request on (method, path and query,
//! `Authorization`, `Content-Type`, body) and the answer back, records each request's path and
//! query, and can hold the first answers back (a server that answers late). With nothing behind
//! it, it answers 502, as a reverse proxy in front of a stopped server does.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

struct Inner {
    upstream: String,
    http: reqwest::Client,
    seen: Mutex<Vec<String>>,
    answered: AtomicUsize,
    late_first: usize,
    delay: Duration,
}

/// The running relay; it stops with the runtime it was started on.
#[derive(Clone)]
pub struct Relay {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    inner: Arc<Inner>,
}

async fn pass(
    State(st): State<Arc<Inner>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();
    st.seen.lock().unwrap().push(path.clone());
    let mut request = st
        .http
        .request(method, format!("{}{path}", st.upstream))
        .body(body);
    for name in [header::AUTHORIZATION, header::CONTENT_TYPE] {
        if let Some(v) = headers.get(&name) {
            request = request.header(name, v);
        }
    }
    let answer = request.send().await;
    if st.answered.fetch_add(1, Ordering::SeqCst) < st.late_first {
        tokio::time::sleep(st.delay).await;
    }
    let Ok(r) = answer else {
        return (StatusCode::BAD_GATEWAY, "no server behind the relay").into_response();
    };
    let status = StatusCode::from_u16(r.status().as_u16()).unwrap();
    let kind = r.headers().get(header::CONTENT_TYPE).cloned();
    let body = r.bytes().await.unwrap_or_default();
    let mut out = (status, body).into_response();
    if let Some(k) = kind {
        out.headers_mut().insert(header::CONTENT_TYPE, k);
    }
    out
}

impl Relay {
    /// A relay to `upstream` (`http://ADDR`) on the current runtime; its first `late_first`
    /// answers come `delay` late (the server has answered by then).
    pub async fn start(upstream: &str, late_first: usize, delay: Duration) -> Self {
        let inner = Arc::new(Inner {
            upstream: upstream.trim_end_matches('/').to_owned(),
            http: reqwest::Client::new(),
            seen: Mutex::new(Vec::new()),
            answered: AtomicUsize::new(0),
            late_first,
            delay,
        });
        let app = axum::Router::new().fallback(pass).with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { url, inner }
    }

    /// The path and query of every request so far, in order.
    pub fn seen(&self) -> Vec<String> {
        self.inner.seen.lock().unwrap().clone()
    }

    /// `since` of every `/api/v1/events` read so far, in order.
    pub fn event_reads(&self) -> Vec<i64> {
        self.seen()
            .iter()
            .filter(|p| p.starts_with("/api/v1/events"))
            .filter_map(|p| {
                url::Url::parse(&format!("http://relay{p}"))
                    .ok()?
                    .query_pairs()
                    .find(|(k, _)| k == "since")
                    .and_then(|(_, v)| v.parse().ok())
            })
            .collect()
    }
}
