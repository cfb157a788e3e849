//! Delivery of the simulator's pushes, as WeChat delivers them: a POST to the merchant's URL
//! that must answer `success` (or an empty body) within 5 s; otherwise it is retried, 3 times
//! at most, then given up and logged.
//!
//! One background task delivers the pushes in order, from a bounded queue that the handlers
//! fill without waiting (a full queue drops the push, logged). Every push is recorded with the
//! account it concerns, its attempts and outcome (`GET /sandbox/pushes`); the record keeps the
//! last [`LOG_SIZE`]. Each merchant has its own target (its 公众平台 server configuration);
//! `Shared::flush` picks the platform's message URL instead for an authorized merchant.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use rand::Rng;
use serde::Serialize;
use serde_json::{Map, Value, json};
use tokio::sync::mpsc;

use super::clock::real_now;
use super::notice::Notice;
use super::push_target::PushTarget;
use crate::wxpush::Push;

/// Attempts per push: the first and WeChat's 3 retries.
pub const ATTEMPTS: usize = 4;
/// Pushes remembered for `GET /sandbox/pushes`.
pub const LOG_SIZE: usize = 5_000;
/// At most this much of an answer is kept in the record.
const ANSWER_KEPT: usize = 200;

/// What became of a push.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Queued or being tried.
    Pending,
    /// Answered `success` (or empty).
    Delivered,
    /// No attempt was answered `success`: given up.
    Failed,
    /// Not sent: the queue was full.
    Dropped,
}

/// One delivery attempt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Attempt {
    /// How long it took (milliseconds).
    pub ms: u64,
    /// The HTTP status, when there was an answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The start of the answer's body.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub answer: String,
    /// Why there was no usable answer (no connection, no answer in time, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// A push and what became of it.
#[derive(Clone, Debug, Serialize)]
pub struct Record {
    /// Its number, counting from 1 since the simulator started.
    pub id: u64,
    /// WeChat's `Event` name (the `InfoType` of the platform's pushes).
    pub event: String,
    /// The AppID of the account it concerns (the platform's for its own pushes).
    pub appid: String,
    /// The outcome so far.
    pub outcome: Outcome,
    /// The attempts so far.
    pub attempts: Vec<Attempt>,
    /// The XML members sent, under their XML names.
    pub members: Map<String, Value>,
}

/// The record of pushes, oldest first.
#[derive(Debug, Default)]
struct Log {
    records: VecDeque<Record>,
    last_id: u64,
}

impl Log {
    fn add(
        &mut self,
        event: &str,
        appid: &str,
        members: Map<String, Value>,
        outcome: Outcome,
    ) -> u64 {
        self.last_id += 1;
        if self.records.len() >= LOG_SIZE {
            self.records.pop_front();
        }
        self.records.push_back(Record {
            id: self.last_id,
            event: event.to_owned(),
            appid: appid.to_owned(),
            outcome,
            attempts: Vec::new(),
            members,
        });
        self.last_id
    }

    fn get_mut(&mut self, id: u64) -> Option<&mut Record> {
        let first = self.records.front()?.id;
        let index = usize::try_from(id.checked_sub(first)?).ok()?;
        self.records.get_mut(index)
    }
}

/// A push on its way.
#[derive(Debug)]
pub struct Job {
    id: u64,
    event: String,
    openid: String,
    xml: String,
    target: Arc<PushTarget>,
}

/// The merchants' push targets, the queue to the delivery task, and the record.
#[derive(Debug)]
pub struct Outbox {
    targets: Mutex<std::collections::BTreeMap<String, Arc<PushTarget>>>,
    queue: mpsc::Sender<Job>,
    log: Arc<Mutex<Log>>,
}

/// Locks a mutex whatever a panicking holder left (the record is plain data).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Outbox {
    /// An outbox with no targets and room for `capacity` waiting pushes; the receiver goes to
    /// [`deliver`].
    pub fn new(capacity: usize) -> (Self, mpsc::Receiver<Job>) {
        let (queue, jobs) = mpsc::channel(capacity.max(1));
        let outbox = Self {
            targets: Mutex::new(std::collections::BTreeMap::new()),
            queue,
            log: Arc::new(Mutex::new(Log::default())),
        };
        (outbox, jobs)
    }

    /// Sets (or, with `None`, clears) where the merchant `appid`'s later pushes go; pushes
    /// already queued keep theirs.
    pub fn set_target(&self, appid: &str, target: Option<PushTarget>) {
        let mut targets = lock(&self.targets);
        match target {
            Some(t) => targets.insert(appid.to_owned(), Arc::new(t)),
            None => targets.remove(appid),
        };
    }

    /// Where the merchant `appid`'s pushes go now (its own server configuration).
    pub fn target(&self, appid: &str) -> Option<Arc<PushTarget>> {
        lock(&self.targets).get(appid).cloned()
    }

    /// Whether any merchant has a target.
    pub fn any_target(&self) -> bool {
        !lock(&self.targets).is_empty()
    }

    /// Queues the pushes of the merchant `appid`'s `notices`, in order, to `target`, without
    /// waiting: with no target they are dropped unrecorded.
    pub fn enqueue(&self, appid: &str, target: Option<Arc<PushTarget>>, notices: Vec<Notice>) {
        let Some(target) = target else {
            return;
        };
        let pushes = notices.into_iter().filter_map(|notice| {
            let event = notice.event()?;
            Some((event.to_owned(), notice.to_push(target.to_user())?))
        });
        self.enqueue_pushes(appid, &target, pushes);
    }

    /// Queues ready-made pushes (`(event, body)`) about the account `appid` to `target`: each
    /// is recorded, and with a full queue recorded as dropped and logged.
    pub fn enqueue_pushes(
        &self,
        appid: &str,
        target: &Arc<PushTarget>,
        pushes: impl IntoIterator<Item = (String, Push)>,
    ) {
        for (event, push) in pushes {
            let members = push.to_json();
            let openid = push.get("FromUserName").unwrap_or_default().to_owned();
            let id = lock(&self.log).add(&event, appid, members, Outcome::Pending);
            let job = Job {
                id,
                event: event.clone(),
                openid,
                xml: push.to_xml(),
                target: target.clone(),
            };
            if self.queue.try_send(job).is_err() {
                let mut log = lock(&self.log);
                if let Some(r) = log.get_mut(id) {
                    r.outcome = Outcome::Dropped;
                }
                tracing::warn!(id, event, "simulator push dropped: the push queue is full");
            }
        }
    }

    /// `GET /sandbox/pushes`: the merchant `appid`'s target, counts by outcome, and the
    /// recorded pushes after `since` (at most `limit`, oldest first).
    pub fn to_json(&self, appid: &str, since: u64, limit: usize) -> Value {
        let target = self.target(appid).map(|t| t.describe());
        let log = lock(&self.log);
        let mut counts: Map<String, Value> = Map::new();
        for outcome in [
            Outcome::Pending,
            Outcome::Delivered,
            Outcome::Failed,
            Outcome::Dropped,
        ] {
            let n = log.records.iter().filter(|r| r.outcome == outcome).count();
            counts.insert(name(outcome).into(), json!(n));
        }
        let pushes: Vec<&Record> = log
            .records
            .iter()
            .filter(|r| r.id > since)
            .take(limit)
            .collect();
        json!({
            "target": target,
            "last_id": log.last_id,
            "counts": counts,
            "pushes": pushes,
        })
    }

    /// The record, shared with the delivery task.
    fn log(&self) -> Arc<Mutex<Log>> {
        self.log.clone()
    }

    /// The delivery task for this outbox: pushes `jobs` one after the other with `http`,
    /// waiting `timeout` for each answer.
    pub fn deliverer(
        &self,
        jobs: mpsc::Receiver<Job>,
        http: reqwest::Client,
        timeout: Duration,
    ) -> impl std::future::Future<Output = ()> + Send + 'static {
        deliver(jobs, self.log(), http, timeout)
    }
}

fn name(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Pending => "pending",
        Outcome::Delivered => "delivered",
        Outcome::Failed => "failed",
        Outcome::Dropped => "dropped",
    }
}

/// Delivers `jobs` in order until the queue closes: each push up to [`ATTEMPTS`] times,
/// until one is answered `success` or an empty body within `timeout`.
async fn deliver(
    mut jobs: mpsc::Receiver<Job>,
    log: Arc<Mutex<Log>>,
    http: reqwest::Client,
    timeout: Duration,
) {
    while let Some(job) = jobs.recv().await {
        let mut outcome = Outcome::Failed;
        let mut last = String::new();
        for _ in 0..ATTEMPTS {
            let (attempt, accepted) = attempt(&http, &job, timeout).await;
            last = attempt
                .error
                .clone()
                .unwrap_or_else(|| format!("HTTP {:?}: {:?}", attempt.status, attempt.answer));
            if let Some(r) = lock(&log).get_mut(job.id) {
                r.attempts.push(attempt);
            }
            if accepted {
                outcome = Outcome::Delivered;
                break;
            }
        }
        if let Some(r) = lock(&log).get_mut(job.id) {
            r.outcome = outcome;
        }
        if outcome == Outcome::Failed {
            // The URL is not logged: its query may hold a secret.
            tracing::warn!(
                id = job.id,
                event = %job.event,
                "simulator push given up after {ATTEMPTS} attempts; the last: {last}"
            );
        }
    }
}

/// One POST of `job`, freshly signed: the attempt, and whether WeChat would count it as
/// received.
async fn attempt(http: &reqwest::Client, job: &Job, timeout: Duration) -> (Attempt, bool) {
    let started = Instant::now();
    let (nonce, random) = {
        let mut rng = rand::rng();
        (
            rng.random_range(100_000_000_u32..=u32::MAX).to_string(),
            rng.random::<[u8; 16]>(),
        )
    };
    let (url, body) = job
        .target
        .envelope(&job.xml, &job.openid, real_now(), &nonce, random);
    let sent = async {
        let answer = http
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "text/xml; charset=utf-8")
            .body(body)
            .send()
            .await?;
        let status = answer.status();
        let text = answer.text().await?;
        Ok::<_, reqwest::Error>((status, text))
    };
    let result = tokio::time::timeout(timeout, sent).await;
    let ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let mut attempt = Attempt {
        ms,
        status: None,
        answer: String::new(),
        error: None,
    };
    let accepted = match result {
        Err(_) => {
            attempt.error = Some(format!("no answer within {} ms", timeout.as_millis()));
            false
        }
        Ok(Err(e)) => {
            attempt.error = Some(e.without_url().to_string());
            false
        }
        Ok(Ok((status, text))) => {
            attempt.status = Some(status.as_u16());
            attempt.answer = text.chars().take(ANSWER_KEPT).collect();
            status.is_success() && matches!(text.trim(), "success" | "")
        }
    };
    (attempt, accepted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_record_keeps_the_last_pushes_and_finds_them_by_id() {
        let mut log = Log::default();
        for _ in 0..LOG_SIZE + 3 {
            log.add("user_get_card", "wx1", Map::new(), Outcome::Pending);
        }
        assert_eq!(log.records.len(), LOG_SIZE);
        assert_eq!(log.records.front().map(|r| r.id), Some(4));
        assert!(log.get_mut(3).is_none());
        assert_eq!(log.get_mut(4).map(|r| r.id), Some(4));
        let last = u64::try_from(LOG_SIZE).unwrap() + 3;
        assert_eq!(log.get_mut(last).map(|r| r.id), Some(last));
        assert!(log.get_mut(last + 1).is_none());
    }
}
