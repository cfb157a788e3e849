//! Several instances on one PostgreSQL: they migrate once when started together, store a
//! push sent to all of them once, and a reader paging with `since` while four instances write
//! never skips an event (ids commit in the order they are drawn).

use std::collections::BTreeSet;
use std::sync::Arc;

use coupon_studio::server::spawn;
use coupon_studio::server::storage::{self, Inserted, NewEvent, Storage, schema};

use crate::support::server::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_started_together_migrate_once() {
    let Some(db) = Db::postgres().await else {
        return;
    };
    let opens: Vec<_> = (0..6)
        .map(|_| {
            let target = db.target.clone();
            tokio::spawn(async move { storage::open(&target).await.map(|_| ()) })
        })
        .collect();
    for o in opens {
        o.await.unwrap().unwrap();
    }
    let coupon_studio::server::storage::Target::Postgres(url) = &db.target else {
        unreachable!()
    };
    let rows = raw_client(url)
        .await
        .query("SELECT version FROM schema_migrations", &[])
        .await
        .unwrap();
    assert_eq!(rows.len(), schema::MIGRATIONS.len());
    db.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_store_a_push_sent_to_both_once() {
    let Some(db) = Db::postgres().await else {
        return;
    };
    let a = spawn(config(&db, None, None)).await.unwrap();
    let b = spawn(config(&db, None, None)).await.unwrap();
    let key = add_key(&db, "lb").await;
    let http = reqwest::Client::new();
    let at = now();
    // 40 pushes, each sent 3 times to each instance, all at once.
    let mut sends = tokio::task::JoinSet::new();
    for i in 0..40 {
        let push = claim(&format!("lb{i}"), i, at);
        for round in 0..3 {
            for base in [a.url(), b.url()] {
                let request = if round % 2 == 0 {
                    safe(&base, &push, at)
                } else {
                    plain(&base, &push, at)
                };
                let http = http.clone();
                sends.spawn(async move { post(&http, request).await });
            }
        }
    }
    while let Some(answer) = sends.join_next().await {
        assert_eq!(answer.unwrap(), (200, "success".to_owned()));
    }
    let stored = all_events(&http, &a.url(), &key).await;
    let codes: BTreeSet<String> = stored
        .iter()
        .map(|e| e["UserCardCode"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(stored.len(), 40, "each push once");
    assert_eq!(codes.len(), 40);
    assert_eq!(all_events(&http, &b.url(), &key).await, stored);
    drop((a, b));
    db.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_paging_while_four_instances_write_never_skips_an_event() {
    let Some(db) = Db::postgres().await else {
        return;
    };
    // Four instances (each commits in groups of its own), four writers each.
    let mut instances: Vec<Arc<dyn Storage>> = Vec::new();
    for _ in 0..INSTANCES {
        instances.push(db.open().await);
    }
    let one = instances[0].clone();
    const INSTANCES: usize = 4;
    const PER_INSTANCE: usize = 4;
    const EACH: usize = 50;
    let mut writers = tokio::task::JoinSet::new();
    for w in 0..INSTANCES * PER_INSTANCE {
        let s = instances[w % INSTANCES].clone();
        writers.spawn(async move {
            let mut ids = Vec::new();
            for i in 0..EACH {
                let push = claim(&format!("w{w}-{i}"), 1, 1_700_000_000);
                match s.insert(NewEvent::new(push, 0)).await.unwrap() {
                    Inserted::New(id) => ids.push(id),
                    Inserted::Duplicate => panic!("no duplicates were sent"),
                }
            }
            ids
        });
    }
    // The reader pages as an app does: since = the last id it saw. Once the writers are
    // done, an empty page means the end: whatever it has not seen by then it skipped.
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let (s, done) = (one.clone(), done.clone());
        tokio::spawn(async move {
            let mut seen = Vec::new();
            let mut since = 0;
            loop {
                let finished = done.load(std::sync::atomic::Ordering::SeqCst);
                let page = s.events_after(since, 7).await.unwrap();
                let Some(last) = page.last() else {
                    if finished {
                        return seen;
                    }
                    tokio::task::yield_now().await;
                    continue;
                };
                since = last.id;
                seen.extend(page.into_iter().map(|e| e.id));
            }
        })
    };
    let mut written = BTreeSet::new();
    while let Some(ids) = writers.join_next().await {
        written.extend(ids.unwrap());
    }
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    let seen = reader.await.unwrap();
    assert_eq!(written.len(), INSTANCES * PER_INSTANCE * EACH);
    let skipped: Vec<_> = written.iter().filter(|id| !seen.contains(id)).collect();
    assert!(skipped.is_empty(), "the reader skipped {skipped:?}");
    assert!(seen.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(seen.into_iter().collect::<BTreeSet<_>>(), written);
    db.cleanup().await;
}
