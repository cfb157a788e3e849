//! The accept loop: HTTP/1 connections with a header read timeout, and a shutdown that never
//! waits long for a client (instead of `axum::serve`, whose graceful shutdown waits for every
//! connection, even one that sent half a request and then nothing).

use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};
use tokio::task::JoinSet;

/// How long a shutdown lets open connections finish the answer they are writing before it
/// closes them.
pub const SHUTDOWN_GRACE: Duration = Duration::from_millis(500);

/// Serves `app` on `listener` until `stop` fires (or its sender is dropped). A client gets
/// `header_read` to send a request's head; keep-alive connections are closed after as long
/// idle. On stop: no new connections, every open one is asked to close after its current
/// answer, and whatever is still open after [`SHUTDOWN_GRACE`] is dropped.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    header_read: Duration,
    stop: oneshot::Receiver<()>,
) {
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_read);
    let (closing, close) = watch::channel(false);
    let mut conns = JoinSet::new();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    let conn = builder.serve_connection(
                        TokioIo::new(stream),
                        TowerToHyperService::new(app.clone()),
                    );
                    let mut close = close.clone();
                    conns.spawn(async move {
                        tokio::pin!(conn);
                        tokio::select! {
                            done = conn.as_mut() => {
                                if let Err(e) = done {
                                    tracing::debug!("simulator connection: {e}");
                                }
                            }
                            _ = async { close.wait_for(|c| *c).await.map(|_| ()) } => {
                                conn.as_mut().graceful_shutdown();
                                let _ = conn.await;
                            }
                        }
                    });
                }
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment instead of spinning.
                    tracing::warn!("simulator accept: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            // Reap finished connections so the set does not grow.
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
    drop(listener);
    let _ = closing.send(true);
    let drained = tokio::time::timeout(SHUTDOWN_GRACE, async {
        while conns.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::debug!(
            open = conns.len(),
            "simulator: closing connections still open"
        );
        conns.shutdown().await;
    }
}
