//! Where the company server keeps what it receives: one [`Storage`] trait, two backends
//! (SQLite through rusqlite, PostgreSQL through tokio-postgres and a deadpool pool), one
//! schema and one list of migrations for both ([`schema`]).
//!
//! Both backends give ids in commit order, so that a reader paging with `since` never skips
//! an event: SQLite has one writer, PostgreSQL serializes the id assignment of every instance
//! with a transaction-scoped advisory lock (see `postgres.rs`).

pub mod platform;
mod postgres;
mod postgres_platform;
mod postgres_tls;
pub mod schema;
mod sqlite;
mod sqlite_platform;

use std::path::PathBuf;

use futures_util::future::BoxFuture;
use serde_json::{Map, Value};
use thiserror::Error;

use crate::wxpush::{Member, Push};

pub use platform::{AuthorizerRow, ComponentRow, PlatformStorage, TokenUpdate};
pub use postgres::PostgresStorage;
pub use sqlite::SqliteStorage;

/// The SQLite file inside `--data-dir`.
pub const SQLITE_FILE: &str = "server.sqlite3";

/// Why the database could not do what was asked. Never carries a password or a key.
#[derive(Debug, Error)]
pub enum StorageError {
    /// SQLite failed.
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// PostgreSQL failed (or could not be reached).
    #[error("PostgreSQL: {0}")]
    Postgres(String),
    /// The PostgreSQL server's certificate could not be verified (rustls's reason).
    #[error(
        "PostgreSQL: the database server's certificate could not be verified ({0}); if your \
         provider or team signs it with a CA of its own, give that CA's certificate with \
         --database-ca-file (or $COUPON_STUDIO_SERVER_DATABASE_CA_FILE, or `database_ca_file` \
         in the config file)"
    )]
    Certificate(String),
    /// The CA file for PostgreSQL's certificate cannot be used.
    #[error("the database CA file {path} cannot be used: {reason}")]
    CaFile {
        /// The file.
        path: PathBuf,
        /// Why: unreadable, or no PEM certificate in it.
        reason: String,
    },
    /// The data folder could not be created.
    #[error("cannot create the data folder {path}: {source}")]
    Io {
        /// The folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The database was migrated by a newer build: this one must not write to it.
    #[error("the database has schema version {found}, newer than this build's {known}")]
    TooNew {
        /// The version found.
        found: i64,
        /// The newest version this build knows.
        known: i64,
    },
    /// The `--database` URL cannot be read.
    #[error("the database URL is not valid: {0}")]
    BadUrl(String),
    /// A key of that name is in use.
    #[error("a key named {0:?} exists; revoke it first")]
    KeyExists(String),
    /// A stored row cannot be read back.
    #[error("stored event {0} is unreadable")]
    Corrupt(i64),
    /// A background task died (a panic in a blocking call).
    #[error("a database task failed: {0}")]
    Task(String),
}

/// A push to store: its members in document order, when it arrived, and whose stream it
/// belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewEvent {
    /// The push's members, as parsed (the whole list is kept).
    pub members: Vec<Member>,
    /// When the server received it, unix milliseconds.
    pub received_at: i64,
    /// The merchant (an open platform's authorizer AppID) whose stream it joins; empty for
    /// the direct account's.
    pub merchant: String,
}

impl NewEvent {
    /// A push of the direct account, received at `received_at` (unix ms).
    pub fn new(push: Push, received_at: i64) -> Self {
        Self {
            members: push.members,
            received_at,
            merchant: String::new(),
        }
    }

    /// The same push in the stream of the merchant `appid`.
    pub fn for_merchant(mut self, appid: &str) -> Self {
        appid.clone_into(&mut self.merchant);
        self
    }

    fn text(&self, name: &str) -> &str {
        self.members
            .iter()
            .find(|m| m.name == name)
            .map_or("", |m| m.value.as_str())
    }

    /// The indexed columns, in the order of [`schema::INSERT_SQL`]'s parameters.
    fn columns(&self) -> Columns<'_> {
        Columns {
            received_at: self.received_at,
            event: self.text("Event"),
            card_id: self.text("CardId"),
            user_card_code: self.text("UserCardCode"),
            outer_id: self.text("OuterId"),
            from_user: self.text("FromUserName"),
            create_time: self.text("CreateTime").trim().parse().unwrap_or(0),
            dedup_extra: self.dedup_extra(),
            merchant: &self.merchant,
        }
    }

    /// What tells two pushes apart beside the five members of the de-duplication key: a coin
    /// order's OrderId (two orders in one second have the same five), a message's MsgId, an
    /// open platform's InfoType (its pushes have no Event).
    fn dedup_extra(&self) -> &str {
        ["OrderId", "MsgId", "InfoType"]
            .into_iter()
            .map(|name| self.text(name))
            .find(|v| !v.is_empty())
            .unwrap_or("")
    }

    /// The member list as stored: a JSON array of `[name, value, cdata]`, lossless (a repeated
    /// name and the CDATA mark survive).
    fn members_json(&self) -> String {
        let list: Vec<(&str, &str, bool)> = self
            .members
            .iter()
            .map(|m| (m.name.as_str(), m.value.as_str(), m.cdata))
            .collect();
        serde_json::to_string(&list).unwrap_or_else(|_| "[]".into())
    }
}

/// The indexed columns of an event row.
struct Columns<'a> {
    received_at: i64,
    event: &'a str,
    card_id: &'a str,
    user_card_code: &'a str,
    outer_id: &'a str,
    from_user: &'a str,
    create_time: i64,
    dedup_extra: &'a str,
    merchant: &'a str,
}

/// What an insert did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Inserted {
    /// Stored under this id.
    New(i64),
    /// The same push was stored before (a retry): nothing was written.
    Duplicate,
}

/// An event read back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredEvent {
    /// Its id: increasing in commit order.
    pub id: i64,
    /// When it arrived, unix ms.
    pub received_at: i64,
    /// Its members, as received.
    pub members: Vec<Member>,
}

impl StoredEvent {
    fn from_row(id: i64, received_at: i64, members: &str) -> Result<Self, StorageError> {
        let list: Vec<(String, String, bool)> =
            serde_json::from_str(members).map_err(|_| StorageError::Corrupt(id))?;
        Ok(Self {
            id,
            received_at,
            members: list
                .into_iter()
                .map(|(name, value, cdata)| Member { name, value, cdata })
                .collect(),
        })
    }

    /// The event as `/api/v1/events` serves it: WeChat's members under their XML names
    /// ([`Push::to_json`]) and its `id`.
    pub fn to_json(&self) -> Value {
        let mut obj: Map<String, Value> = Push {
            members: self.members.clone(),
        }
        .to_json();
        obj.insert("id".into(), Value::from(self.id));
        Value::Object(obj)
    }
}

/// An API key as listed: never the key, only who holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyInfo {
    /// The person's name.
    pub name: String,
    /// Created, unix seconds.
    pub created_at: i64,
    /// Revoked, unix seconds.
    pub revoked_at: Option<i64>,
    /// The merchants it may act for; `None`: every one (and the direct account).
    pub merchants: Option<Vec<String>>,
}

/// The stored hash of an active key and whose it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyHash {
    /// The person's name.
    pub name: String,
    /// SHA-256 of the key, lowercase hex.
    pub hash: String,
    /// The merchants it may act for; `None`: every one (and the direct account).
    pub merchants: Option<Vec<String>>,
}

/// A key's merchants as stored: NULL for all, else a JSON array.
fn scope_json(merchants: Option<&[String]>) -> Option<String> {
    merchants.map(|m| serde_json::to_string(m).unwrap_or_else(|_| "[]".into()))
}

/// A key's merchants read back. An unreadable list limits the key to no merchant: a damaged
/// row must never widen what a key may do.
fn parse_scope(stored: Option<String>) -> Option<Vec<String>> {
    stored.map(|text| serde_json::from_str(&text).unwrap_or_default())
}

/// The server's database. Every method is one short transaction; an insert returns only once
/// the row is committed. The open platform's part is [`PlatformStorage`].
pub trait Storage: PlatformStorage + Send + Sync {
    /// Stores a push once: a second push with the same de-duplication key (in the same
    /// merchant's stream) is a [`Inserted::Duplicate`].
    fn insert(&self, event: NewEvent) -> BoxFuture<'_, Result<Inserted, StorageError>>;
    /// Up to `limit` events of the stream of `merchant` (empty: the direct account) with an
    /// id above `since`, oldest first. Ids are one sequence across the streams.
    fn merchant_events(
        &self,
        merchant: String,
        since: i64,
        limit: u32,
    ) -> BoxFuture<'_, Result<Vec<StoredEvent>, StorageError>>;
    /// Up to `limit` of the direct account's events with an id above `since`, oldest first.
    fn events_after(
        &self,
        since: i64,
        limit: u32,
    ) -> BoxFuture<'_, Result<Vec<StoredEvent>, StorageError>> {
        self.merchant_events(String::new(), since, limit)
    }
    /// Records a key's hash for `name`, limited to `merchants` (`None`: all); a revoked name
    /// can be given a new key.
    fn add_scoped_key(
        &self,
        name: String,
        hash: String,
        now: i64,
        merchants: Option<Vec<String>>,
    ) -> BoxFuture<'_, Result<(), StorageError>>;
    /// Records a key's hash for `name`, for every merchant.
    fn add_key(
        &self,
        name: String,
        hash: String,
        now: i64,
    ) -> BoxFuture<'_, Result<(), StorageError>> {
        self.add_scoped_key(name, hash, now, None)
    }
    /// Every key ever made, by name.
    fn keys(&self) -> BoxFuture<'_, Result<Vec<KeyInfo>, StorageError>>;
    /// The hashes of the keys not revoked.
    fn active_keys(&self) -> BoxFuture<'_, Result<Vec<KeyHash>, StorageError>>;
    /// Revokes `name`'s key; false when there is no active key of that name.
    fn revoke_key(&self, name: String, now: i64) -> BoxFuture<'_, Result<bool, StorageError>>;
    /// A cheap round trip, for `/healthz`.
    fn ping(&self) -> BoxFuture<'_, Result<(), StorageError>>;
}

/// Where the data lives.
#[derive(Clone)]
pub enum Target {
    /// SQLite in this folder ([`SQLITE_FILE`]).
    DataDir(PathBuf),
    /// PostgreSQL at this URL (`postgres://user:password@host/db?sslmode=disable`).
    Postgres(String),
}

impl std::fmt::Debug for Target {
    // The URL may carry a password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::DataDir(dir) => write!(f, "DataDir({})", dir.display()),
            Self::Postgres(_) => f.write_str("Postgres(***)"),
        }
    }
}

/// Opens the database and brings its schema up to date (migrations run in a transaction,
/// once, whatever the number of instances starting). PostgreSQL's certificate is verified
/// against Mozilla's roots only: [`open_with_ca`] adds a CA of the team's.
pub async fn open(target: &Target) -> Result<std::sync::Arc<dyn Storage>, StorageError> {
    open_with_ca(target, None).await
}

/// [`open`], trusting the certificates of the PEM file `ca_file` too for PostgreSQL's
/// certificate (a cloud provider's CA); SQLite ignores it. A file that cannot be read or holds
/// no certificate is an error naming it.
pub async fn open_with_ca(
    target: &Target,
    ca_file: Option<&std::path::Path>,
) -> Result<std::sync::Arc<dyn Storage>, StorageError> {
    Ok(match target {
        Target::DataDir(dir) => std::sync::Arc::new(SqliteStorage::open(dir.clone()).await?),
        Target::Postgres(url) => std::sync::Arc::new(PostgresStorage::open(url, ca_file).await?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_columns_come_from_the_members_and_the_list_is_kept_whole() {
        let push = Push::new()
            .text("FromUserName", "o1")
            .number("CreateTime", 1_700_000_000)
            .text("Event", "card_pay_order")
            .text("OrderId", "ord-1")
            .text("Memo", "a")
            .text("Memo", "b");
        let e = NewEvent::new(push, 5);
        let c = e.columns();
        assert_eq!(
            (
                c.event,
                c.from_user,
                c.create_time,
                c.dedup_extra,
                c.card_id
            ),
            ("card_pay_order", "o1", 1_700_000_000, "ord-1", "")
        );
        let back = StoredEvent::from_row(7, 5, &e.members_json()).unwrap();
        assert_eq!(back.members, e.members);
        let json = back.to_json();
        assert_eq!(json["id"], 7);
        assert_eq!(json["CreateTime"], 1_700_000_000);
        assert_eq!(json["Memo"], "a");
        assert!(matches!(
            StoredEvent::from_row(3, 0, "not json"),
            Err(StorageError::Corrupt(3))
        ));
    }
}
