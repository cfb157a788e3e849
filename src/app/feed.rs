//! The company server's feed: one task on the IO runtime per company-server account. It
//! hands the shell what the local cache holds, then reads `/api/v1/events` from the cache's
//! last id on — every few seconds while the server answers, ever more slowly while it does
//! not — and stores each page before telling the window about it, so that a restart resumes
//! after it and an unreachable server still leaves the cache to show.
//!
//! The window is woken only with news: new events, or a change between reachable, unreachable
//! and refused (see [`FeedTracker`]). An idle feed sends nothing, and the app paints nothing.
//! The task ends when its [`Feed`] is dropped (another account, or the app closes).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::ServerLink;
use super::events::{FeedEvent, UiError};
use super::io::{Io, Reporter};
use crate::api::ApiError;
use crate::api::company::Fetched;
use crate::pushed::{FeedTracker, PAGE};
use crate::store::{Cursor, Store};

/// With nothing new, the time of the last good read is written to the cache at most this
/// often (it is what "showing the data cached at HH:MM" tells after a restart).
const TOUCH_EVERY_SECS: i64 = 60;

/// The running feed; dropping it stops the task.
pub struct Feed {
    task: tokio::task::AbortHandle,
}

impl Drop for Feed {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts the feed of `link`, caching in `store`, reading every `every` while the server
/// answers.
pub fn start(io: &Io, link: ServerLink, store: Option<Arc<Mutex<Store>>>, every: Duration) -> Feed {
    let reporter = io.reporter();
    let task = io.handle().spawn(run(reporter, link, store, every));
    Feed {
        task: task.abort_handle(),
    }
}

fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// The cached events of `key` (oldest first) and its cursor. A cache that cannot be read is
/// logged and read as empty: the server sends everything again.
async fn load_cache(
    store: Option<Arc<Mutex<Store>>>,
    key: String,
) -> (Vec<crate::api::CardEvent>, Cursor) {
    let Some(store) = store else {
        return (Vec::new(), Cursor::default());
    };
    let read = tokio::task::spawn_blocking(move || {
        let s = store
            .lock()
            .map_err(|_| "the database lock is poisoned".to_owned())?;
        let cursor = s
            .server_cursor(&key)
            .map_err(|e| e.to_string())?
            .unwrap_or_default();
        let rows = s.server_events(&key).map_err(|e| e.to_string())?;
        Ok::<_, String>((rows, cursor))
    })
    .await
    .map_err(|e| e.to_string())
    .and_then(|r| r);
    match read {
        Ok((rows, cursor)) => {
            let events = rows
                .iter()
                .filter_map(|(_, json)| crate::api::CardEvent::from_cached(json))
                .collect();
            (events, cursor)
        }
        Err(e) => {
            tracing::warn!(error = %e, "the company server's event cache could not be read");
            (Vec::new(), Cursor::default())
        }
    }
}

/// Stores a page (and the time of the read). A failure is logged: the events still reach
/// the window, and the next start reads them again from the server.
async fn save(store: Option<&Arc<Mutex<Store>>>, key: &str, page: &[Fetched], at: i64) {
    let Some(store) = store.cloned() else { return };
    let key = key.to_owned();
    let rows: Vec<(i64, String)> = page.iter().map(|f| (f.event.id, f.json.clone())).collect();
    let saved = tokio::task::spawn_blocking(move || {
        let mut s = store
            .lock()
            .map_err(|_| "the database lock is poisoned".to_owned())?;
        s.save_server_events(&key, &rows, at)
            .map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| e.to_string())
    .and_then(|r| r);
    if let Err(e) = saved {
        tracing::warn!(error = %e, "the company server's events could not be cached");
    }
}

async fn run(
    reporter: Reporter,
    link: ServerLink,
    store: Option<Arc<Mutex<Store>>>,
    every: Duration,
) {
    let (cached, cursor) = load_cache(store.clone(), link.cache_key.clone()).await;
    let mut since = cursor.last_id;
    let mut touched = cursor.fetched_at;
    let fetched_at = (cursor.fetched_at > 0).then_some(cursor.fetched_at);
    if !reporter.send(FeedEvent::Cached {
        events: cached,
        fetched_at,
    }) {
        return;
    }
    let mut tracker = FeedTracker::new(every);
    loop {
        let wait = match link.client.events(since, PAGE).await {
            Ok(page) => {
                let now = unix_now();
                let full = page.len() >= PAGE as usize;
                // Only ids past the cursor: it never moves back, whatever the server sends.
                let fresh: Vec<Fetched> = page.into_iter().filter(|f| f.event.id > since).collect();
                if !fresh.is_empty() || now - touched >= TOUCH_EVERY_SECS {
                    save(store.as_ref(), &link.cache_key, &fresh, now).await;
                    touched = now;
                }
                if let Some(last) = fresh.last() {
                    since = last.event.id;
                }
                let (report, wait) = tracker.read(fresh.len(), full && !fresh.is_empty());
                if report {
                    tracing::debug!(new = fresh.len(), since, "company server events read");
                    let events = fresh.into_iter().map(|f| f.event).collect();
                    if !reporter.send(FeedEvent::Fetched { events, at: now }) {
                        return;
                    }
                }
                wait
            }
            Err(e) => {
                let refused = e == ApiError::KeyRefused;
                let (report, wait) = tracker.failed(refused);
                if report {
                    // Logged once per change, not per retry; the text holds no key.
                    tracing::warn!(error = %crate::api::error::redact(&e.to_string()), "the company server's feed failed");
                    let event = if refused {
                        FeedEvent::KeyRefused
                    } else {
                        FeedEvent::Unreachable(UiError::api(&e))
                    };
                    if !reporter.send(event) {
                        return;
                    }
                }
                wait
            }
        };
        tokio::time::sleep(wait).await;
    }
}
