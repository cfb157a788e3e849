//! The PostgreSQL backend: tokio-postgres through a deadpool pool, over TLS with
//! `sslmode=require`, in the clear with `sslmode=disable`, and with `prefer` (the default)
//! over TLS when the server offers it with a certificate that verifies, else in the clear as
//! libpq's `prefer` falls back (with a warning in the log). A certificate is never accepted
//! unverified: Mozilla's roots plus the team's CA file (`--database-ca-file`); see
//! `postgres_tls.rs` and the README.
//!
//! Several server instances may share one database behind a load balancer: the unique index
//! stores each push once whichever instance receives it, the migrations run under an advisory
//! lock, and every insert takes [`INSERT_LOCK`] so that ids commit in order.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use futures_util::future::BoxFuture;
use tokio::sync::{mpsc, oneshot};

use tokio_postgres::NoTls;

use super::postgres_tls::{connect_error, tls_for};
use super::schema::{
    self, ADD_KEY_SQL, CREATE_MIGRATIONS_TABLE, Dialect, INSERT_LOCK_SQL, INSERT_SQL, MIGRATE_LOCK,
    PAGE_SQL, REVOKE_SQL,
};
use super::{
    Inserted, KeyHash, KeyInfo, NewEvent, Storage, StorageError, StoredEvent, parse_scope,
    scope_json,
};

/// Connections per instance: enough for the pushes and the readers of a team, few enough that
/// several instances stay under PostgreSQL's default 100.
const POOL_SIZE: usize = 16;
/// How long to wait for a connection (or a free one) before answering with an error.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The most pushes committed in one transaction.
pub const MAX_GROUP: usize = 256;
/// Pushes waiting for the writer; beyond, callers wait for room.
const QUEUE: usize = 4096;

/// A push waiting for the writer, and where its outcome goes.
type Waiting = (NewEvent, oneshot::Sender<Result<Inserted, StorageError>>);

/// Connections that hold the advisory locks of `exclusive` (apart from the pool, so that
/// lock holders never starve the pushes and the work they do under the lock).
const LOCK_POOL_SIZE: usize = 8;
/// How long `exclusive` waits for one of them.
const LOCK_WAIT: Duration = Duration::from_secs(30);

/// The PostgreSQL backend.
pub struct PostgresStorage {
    pub(super) pool: Pool,
    /// The connections that hold advisory locks.
    pub(super) lock_pool: Pool,
    /// One in-process mutex per lock name: an instance's waiters for one lock queue here,
    /// without a connection each.
    pub(super) local: std::sync::Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    writer: mpsc::Sender<Waiting>,
}

/// A PostgreSQL error as a [`StorageError`] (its text names no password).
pub(super) fn pg(e: impl std::fmt::Display) -> StorageError {
    StorageError::Postgres(e.to_string())
}

impl PostgresStorage {
    /// Connects to `url` and migrates the database (once, under [`MIGRATE_LOCK`]). The
    /// certificates of `ca_file` (PEM), when given, are trusted beside Mozilla's roots.
    pub async fn open(url: &str, ca_file: Option<&Path>) -> Result<Self, StorageError> {
        let mut config: tokio_postgres::Config = url
            .parse()
            // The parser's message never quotes the URL (which may hold a password).
            .map_err(|e: tokio_postgres::Error| StorageError::BadUrl(e.to_string()))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        if config.get_application_name().is_none() {
            config.application_name("coupon-studio-server");
        }
        let tls = tls_for(&config, ca_file).await?;
        let pool_of = |size: usize, wait: Duration| {
            let manager_config = ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            };
            let manager = match &tls {
                Some(tls) => Manager::from_config(config.clone(), tls.clone(), manager_config),
                None => Manager::from_config(config.clone(), NoTls, manager_config),
            };
            Pool::builder(manager)
                .max_size(size)
                .runtime(Runtime::Tokio1)
                .wait_timeout(Some(wait))
                .create_timeout(Some(CONNECT_TIMEOUT))
                .build()
                .map_err(pg)
        };
        let pool = pool_of(POOL_SIZE, CONNECT_TIMEOUT)?;
        // Connections are made when first used: an instance that never locks makes none.
        let lock_pool = pool_of(LOCK_POOL_SIZE, LOCK_WAIT)?;
        let (writer, waiting) = mpsc::channel(QUEUE);
        let storage = Self {
            pool,
            lock_pool,
            local: std::sync::Mutex::new(HashMap::new()),
            writer,
        };
        storage.migrate().await?;
        // The writer ends when the storage (the channel's only sender) is dropped.
        tokio::spawn(write_groups(storage.pool.clone(), waiting));
        Ok(storage)
    }

    async fn migrate(&self) -> Result<(), StorageError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(pg)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATE_LOCK])
            .await
            .map_err(pg)?;
        tx.batch_execute(CREATE_MIGRATIONS_TABLE)
            .await
            .map_err(pg)?;
        let current: i64 = tx
            .query_one(
                "SELECT COALESCE(MAX(version), 0)::BIGINT FROM schema_migrations",
                &[],
            )
            .await
            .map_err(pg)?
            .try_get(0)
            .map_err(pg)?;
        for m in schema::pending(current)? {
            tx.batch_execute(&Dialect::Postgres.sql(m))
                .await
                .map_err(pg)?;
            tx.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                &[&m.version, &m.name, &chrono::Utc::now().timestamp()],
            )
            .await
            .map_err(pg)?;
        }
        tx.commit().await.map_err(pg)
    }

    /// A pooled connection.
    pub(super) async fn client(&self) -> Result<deadpool_postgres::Client, StorageError> {
        self.pool.get().await.map_err(connect_error)
    }
}

/// The writer: waits for a push, takes every other one waiting too, commits them together
/// and answers each.
async fn write_groups(pool: Pool, mut waiting: mpsc::Receiver<Waiting>) {
    let mut group: Vec<Waiting> = Vec::with_capacity(MAX_GROUP);
    while waiting.recv_many(&mut group, MAX_GROUP).await > 0 {
        let events: Vec<&NewEvent> = group.iter().map(|(e, _)| e).collect();
        match commit_group(&pool, &events).await {
            Ok(outcomes) => {
                for ((_, answer), outcome) in group.drain(..).zip(outcomes) {
                    let _ = answer.send(Ok(outcome));
                }
            }
            Err(e) => {
                // Nothing of the group was committed: every push is answered with the
                // error (WeChat sends it again).
                let text = e.to_string();
                for (_, answer) in group.drain(..) {
                    let _ = answer.send(Err(StorageError::Postgres(text.clone())));
                }
            }
        }
    }
}

/// Inserts `events` in one transaction under the insert lock; their outcomes in order.
async fn commit_group(pool: &Pool, events: &[&NewEvent]) -> Result<Vec<Inserted>, StorageError> {
    let mut client = pool.get().await.map_err(connect_error)?;
    let stmt = client.prepare_cached(INSERT_SQL).await.map_err(pg)?;
    let tx = client.transaction().await.map_err(pg)?;
    tx.execute(INSERT_LOCK_SQL, &[]).await.map_err(pg)?;
    let rows: Vec<_> = events
        .iter()
        .map(|e| (e.columns(), e.members_json()))
        .collect();
    // Sent together on the one connection (tokio-postgres pipelines them), answered in order;
    // a retry inside the group meets its first copy in the unique index.
    type Param<'a> = &'a (dyn tokio_postgres::types::ToSql + Sync);
    let params: Vec<[Param<'_>; 10]> = rows
        .iter()
        .map(|(c, members)| -> [Param<'_>; 10] {
            [
                &c.received_at,
                &c.event,
                &c.card_id,
                &c.user_card_code,
                &c.outer_id,
                &c.from_user,
                &c.create_time,
                &c.dedup_extra,
                members,
                &c.merchant,
            ]
        })
        .collect();
    let inserts = params.iter().map(|p| tx.query_opt(&stmt, p));
    let answers = futures_util::future::try_join_all(inserts)
        .await
        .map_err(pg)?;
    let outcomes = answers
        .into_iter()
        .map(|row| match row {
            Some(row) => row.try_get(0).map(Inserted::New).map_err(pg),
            None => Ok(Inserted::Duplicate),
        })
        .collect::<Result<Vec<_>, _>>()?;
    tx.commit().await.map_err(pg)?;
    Ok(outcomes)
}

impl Storage for PostgresStorage {
    fn insert(&self, event: NewEvent) -> BoxFuture<'_, Result<Inserted, StorageError>> {
        Box::pin(async move {
            let (answer, outcome) = oneshot::channel();
            let gone = || StorageError::Task("the PostgreSQL writer stopped".into());
            self.writer
                .send((event, answer))
                .await
                .map_err(|_| gone())?;
            outcome.await.map_err(|_| gone())?
        })
    }

    fn merchant_events(
        &self,
        merchant: String,
        since: i64,
        limit: u32,
    ) -> BoxFuture<'_, Result<Vec<StoredEvent>, StorageError>> {
        Box::pin(async move {
            let client = self.client().await?;
            let stmt = client.prepare_cached(PAGE_SQL).await.map_err(pg)?;
            let rows = client
                .query(&stmt, &[&since, &merchant, &i64::from(limit)])
                .await
                .map_err(pg)?;
            rows.iter()
                .map(|r| {
                    let id: i64 = r.try_get(0).map_err(pg)?;
                    let received_at: i64 = r.try_get(1).map_err(pg)?;
                    let members: &str = r.try_get(2).map_err(pg)?;
                    StoredEvent::from_row(id, received_at, members)
                })
                .collect()
        })
    }

    fn add_scoped_key(
        &self,
        name: String,
        hash: String,
        now: i64,
        merchants: Option<Vec<String>>,
    ) -> BoxFuture<'_, Result<(), StorageError>> {
        Box::pin(async move {
            let client = self.client().await?;
            let scope = scope_json(merchants.as_deref());
            match client
                .execute(ADD_KEY_SQL, &[&name, &hash, &now, &scope])
                .await
                .map_err(pg)?
            {
                0 => Err(StorageError::KeyExists(name)),
                _ => Ok(()),
            }
        })
    }

    fn keys(&self) -> BoxFuture<'_, Result<Vec<KeyInfo>, StorageError>> {
        Box::pin(async move {
            let client = self.client().await?;
            let rows = client
                .query(
                    "SELECT name, created_at, revoked_at, merchants FROM api_keys ORDER BY name",
                    &[],
                )
                .await
                .map_err(pg)?;
            rows.iter()
                .map(|r| {
                    Ok(KeyInfo {
                        name: r.try_get(0).map_err(pg)?,
                        created_at: r.try_get(1).map_err(pg)?,
                        revoked_at: r.try_get(2).map_err(pg)?,
                        merchants: parse_scope(r.try_get(3).map_err(pg)?),
                    })
                })
                .collect()
        })
    }

    fn active_keys(&self) -> BoxFuture<'_, Result<Vec<KeyHash>, StorageError>> {
        Box::pin(async move {
            let client = self.client().await?;
            let stmt = client
                .prepare_cached(
                    "SELECT name, hash, merchants FROM api_keys WHERE revoked_at IS NULL",
                )
                .await
                .map_err(pg)?;
            let rows = client.query(&stmt, &[]).await.map_err(pg)?;
            rows.iter()
                .map(|r| {
                    Ok(KeyHash {
                        name: r.try_get(0).map_err(pg)?,
                        hash: r.try_get(1).map_err(pg)?,
                        merchants: parse_scope(r.try_get(2).map_err(pg)?),
                    })
                })
                .collect()
        })
    }

    fn revoke_key(&self, name: String, now: i64) -> BoxFuture<'_, Result<bool, StorageError>> {
        Box::pin(async move {
            let client = self.client().await?;
            let n = client
                .execute(REVOKE_SQL, &[&now, &name])
                .await
                .map_err(pg)?;
            Ok(n > 0)
        })
    }

    fn ping(&self) -> BoxFuture<'_, Result<(), StorageError>> {
        Box::pin(async move {
            let client = self.client().await?;
            client.simple_query("SELECT 1").await.map_err(pg)?;
            Ok(())
        })
    }
}
