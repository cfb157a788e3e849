//! Local data in SQLite (rusqlite, bundled): drafts, the money journal, placement channels and
//! the cache of a company server's card events.
//!
//! Calls are synchronous and short; the app runs them on the IO runtime's blocking pool, never
//! on the UI thread.

mod channels;
mod drafts;
mod journal;
mod pushes;
mod recover;

use std::path::{Path, PathBuf};

use rusqlite::Connection;
use thiserror::Error;

pub use channels::ChannelRecord;
pub use drafts::{Draft, DraftMeta};
pub use journal::{Entry, EntryKind, EntryState, NewEntry};
pub use pushes::Cursor;
pub use recover::Recovery;

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = 5;

/// The scope of the drafts and channels of the person's own accounts (the simulator and every
/// account that is not a merchant of a platform account): all rows written before scopes
/// existed. A platform account's merchants each have a scope of their own (`merchant:wx…`).
pub const OWN: &str = "";

/// Errors of the local database.
#[derive(Debug, Error)]
pub enum StoreError {
    /// SQLite failed.
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
    /// The folder could not be created.
    #[error("cannot create {path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file was written by a newer Coupon Studio.
    #[error("the database has schema version {found}, newer than this build's {SCHEMA_VERSION}")]
    TooNew {
        /// The version in the file.
        found: i64,
    },
    /// A row that should exist does not.
    #[error("no draft with id {0}")]
    NotFound(i64),
    /// A journal row that should exist does not.
    #[error("no journal entry with id {0}")]
    NoEntry(i64),
    /// The database lock or its worker thread failed.
    #[error("the local database is unavailable ({0})")]
    Poisoned(String),
    /// A confirm of this order is already in the journal: it must not be sent again.
    #[error("order {0} has already been confirmed once; it is never sent twice")]
    AlreadySent(String),
}

/// The local database.
pub struct Store {
    conn: Connection,
}

impl Store {
    /// Opens (and creates or migrates) the database at `path`, in WAL mode.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Io {
                path: dir.to_owned(),
                source,
            })?;
        }
        let conn = Connection::open(path)?;
        // WAL keeps the file consistent if the app is killed mid-write.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        Self::init(conn)
    }

    /// An in-memory database, for tests.
    pub fn open_in_memory() -> Result<Self, StoreError> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(conn: Connection) -> Result<Self, StoreError> {
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version > SCHEMA_VERSION {
            return Err(StoreError::TooNew { found: version });
        }
        if version < 1 {
            conn.execute_batch(
                "CREATE TABLE IF NOT EXISTS drafts (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL,
                    body TEXT NOT NULL,
                    card_id TEXT,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                PRAGMA user_version = 1;",
            )?;
        }
        if version < 2 {
            conn.execute_batch(journal::SCHEMA_V2)?;
        }
        if version < 3 {
            conn.execute_batch(channels::SCHEMA_V3)?;
        }
        if version < 4 {
            conn.execute_batch(pushes::SCHEMA_V4)?;
        }
        if version < 5 {
            conn.execute_batch(channels::SCHEMA_V5)?;
        }
        Ok(Self { conn })
    }

    /// The SQLite journal mode ("wal" for a file database).
    pub fn journal_mode(&self) -> Result<String, StoreError> {
        Ok(self
            .conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))?)
    }
}

/// Seconds since the epoch, for row timestamps.
fn now() -> i64 {
    chrono::Utc::now().timestamp()
}
