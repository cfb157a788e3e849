//! The embedded backend: one SQLite file in WAL mode with `synchronous=NORMAL` (a commit
//! survives the process being killed; only a power cut can lose the last ones), one writer
//! connection and one reader, each used from tokio's blocking pool.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use futures_util::future::BoxFuture;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::schema::{self, ADD_KEY_SQL, Dialect, INSERT_SQL, PAGE_SQL, REVOKE_SQL};
use super::{
    Inserted, KeyHash, KeyInfo, NewEvent, SQLITE_FILE, Storage, StorageError, StoredEvent,
    parse_scope, scope_json,
};

/// The SQLite backend.
pub struct SqliteStorage {
    pub(super) writer: Arc<Mutex<Connection>>,
    pub(super) reader: Arc<Mutex<Connection>>,
    /// The locks of `exclusive`, by name: one server process uses a SQLite file, so an
    /// in-process mutex is the lock of every instance.
    pub(super) locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

fn connect(path: &std::path::Path) -> Result<Connection, StorageError> {
    let conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    // Another process (`server add-key` while the server runs) may hold the write lock.
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(conn)
}

fn migrate(conn: &mut Connection) -> Result<(), StorageError> {
    // IMMEDIATE takes the write lock first: two processes starting at once migrate one
    // after the other, the second finding nothing to do.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute_batch(schema::CREATE_MIGRATIONS_TABLE)?;
    let current: i64 = tx.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
        [],
        |r| r.get(0),
    )?;
    for m in schema::pending(current)? {
        tx.execute_batch(&Dialect::Sqlite.sql(m))?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
            params![m.version, m.name, chrono::Utc::now().timestamp()],
        )?;
    }
    tx.commit()?;
    Ok(())
}

/// Locks a mutex; a panic in another call does not make the database unusable.
pub(super) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl SqliteStorage {
    /// Opens (creating) `dir/server.sqlite3` and migrates it.
    pub async fn open(dir: PathBuf) -> Result<Self, StorageError> {
        tokio::task::spawn_blocking(move || Self::open_blocking(&dir))
            .await
            .map_err(|e| StorageError::Task(e.to_string()))?
    }

    fn open_blocking(dir: &std::path::Path) -> Result<Self, StorageError> {
        create_private_dir(dir)?;
        let path = dir.join(SQLITE_FILE);
        let mut writer = connect(&path)?;
        migrate(&mut writer)?;
        give_to_folder_owner(dir, &path);
        let reader = connect(&path)?;
        reader.pragma_update(None, "query_only", true)?;
        Ok(Self {
            writer: Arc::new(Mutex::new(writer)),
            reader: Arc::new(Mutex::new(reader)),
            locks: Mutex::new(HashMap::new()),
        })
    }

    /// Runs `f` on a connection in the blocking pool.
    pub(super) fn run<T: Send + 'static>(
        conn: &Arc<Mutex<Connection>>,
        f: impl FnOnce(&mut Connection) -> Result<T, StorageError> + Send + 'static,
    ) -> BoxFuture<'static, Result<T, StorageError>> {
        let conn = Arc::clone(conn);
        Box::pin(async move {
            tokio::task::spawn_blocking(move || f(&mut lock(&conn)))
                .await
                .map_err(|e| StorageError::Task(e.to_string()))?
        })
    }
}

/// The data folder, readable by its owner only (it holds the key hashes and the events).
fn create_private_dir(dir: &std::path::Path) -> Result<(), StorageError> {
    let io = |source| StorageError::Io {
        path: dir.to_owned(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(io)?;
    }
    Ok(())
}

/// Root running `server add-key` on the service's folder must not leave a database file the
/// service (another user) cannot write: the files take the folder's owner. Only root can
/// change an owner; for anyone else the owners already match.
// Unix only: Windows has neither these modes nor owners to give.
#[cfg_attr(not(unix), allow(unused_variables))]
fn give_to_folder_owner(dir: &std::path::Path, db: &std::path::Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let Ok(folder) = std::fs::metadata(dir) else {
            return;
        };
        for suffix in ["", "-wal", "-shm"] {
            let file = std::path::PathBuf::from(format!("{}{suffix}", db.display()));
            if let Ok(m) = std::fs::metadata(&file)
                && (m.uid(), m.gid()) != (folder.uid(), folder.gid())
                && let Err(e) =
                    std::os::unix::fs::chown(&file, Some(folder.uid()), Some(folder.gid()))
            {
                tracing::warn!(file = %file.display(), error = %e, "cannot give the database file to the folder's owner");
            }
        }
    }
}

impl Storage for SqliteStorage {
    fn insert(&self, event: NewEvent) -> BoxFuture<'_, Result<Inserted, StorageError>> {
        Self::run(&self.writer, move |conn| {
            let c = event.columns();
            let members = event.members_json();
            let id: Option<i64> = conn
                .prepare_cached(INSERT_SQL)?
                .query_row(
                    params![
                        c.received_at,
                        c.event,
                        c.card_id,
                        c.user_card_code,
                        c.outer_id,
                        c.from_user,
                        c.create_time,
                        c.dedup_extra,
                        members,
                        c.merchant
                    ],
                    |r| r.get(0),
                )
                .optional()?;
            Ok(id.map_or(Inserted::Duplicate, Inserted::New))
        })
    }

    fn merchant_events(
        &self,
        merchant: String,
        since: i64,
        limit: u32,
    ) -> BoxFuture<'_, Result<Vec<StoredEvent>, StorageError>> {
        Self::run(&self.reader, move |conn| {
            let mut stmt = conn.prepare_cached(PAGE_SQL)?;
            let rows = stmt.query_map(params![since, merchant, i64::from(limit)], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (id, received_at, members) = row?;
                out.push(StoredEvent::from_row(id, received_at, &members)?);
            }
            Ok(out)
        })
    }

    fn add_scoped_key(
        &self,
        name: String,
        hash: String,
        now: i64,
        merchants: Option<Vec<String>>,
    ) -> BoxFuture<'_, Result<(), StorageError>> {
        Self::run(&self.writer, move |conn| {
            let scope = scope_json(merchants.as_deref());
            match conn.execute(ADD_KEY_SQL, params![name, hash, now, scope])? {
                0 => Err(StorageError::KeyExists(name)),
                _ => Ok(()),
            }
        })
    }

    fn keys(&self) -> BoxFuture<'_, Result<Vec<KeyInfo>, StorageError>> {
        Self::run(&self.reader, |conn| {
            let mut stmt = conn.prepare(
                "SELECT name, created_at, revoked_at, merchants FROM api_keys ORDER BY name",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(KeyInfo {
                    name: r.get(0)?,
                    created_at: r.get(1)?,
                    revoked_at: r.get(2)?,
                    merchants: parse_scope(r.get(3)?),
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    fn active_keys(&self) -> BoxFuture<'_, Result<Vec<KeyHash>, StorageError>> {
        Self::run(&self.reader, |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT name, hash, merchants FROM api_keys WHERE revoked_at IS NULL",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(KeyHash {
                    name: r.get(0)?,
                    hash: r.get(1)?,
                    merchants: parse_scope(r.get(2)?),
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    fn revoke_key(&self, name: String, now: i64) -> BoxFuture<'_, Result<bool, StorageError>> {
        Self::run(&self.writer, move |conn| {
            Ok(conn.execute(REVOKE_SQL, params![now, name])? > 0)
        })
    }

    fn ping(&self) -> BoxFuture<'_, Result<(), StorageError>> {
        Self::run(&self.reader, |conn| {
            conn.query_row("SELECT 1", [], |_| Ok(()))?;
            Ok(())
        })
    }
}
