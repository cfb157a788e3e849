//! The schema of both databases: versioned migrations in one list, applied at start in one
//! transaction and recorded in `schema_migrations`, and the statements both backends run.
//! The dialects differ in two places, both here: the id column's type
//! ([`Dialect::id_column`]) and the lock PostgreSQL takes before inserting
//! ([`INSERT_LOCK_SQL`]).
//! Statements are written once, with `$1`, `$2`, … in the order they appear: PostgreSQL
//! numbers parameters by their digits, SQLite by first appearance.

/// Which database a statement is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// SQLite (rusqlite, bundled).
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

impl Dialect {
    /// The auto-increment primary key: SQLite's AUTOINCREMENT never reuses the id of a
    /// deleted last row, so a reader's `since` never points past a reused id.
    pub fn id_column(self) -> &'static str {
        match self {
            Self::Sqlite => "INTEGER PRIMARY KEY AUTOINCREMENT",
            Self::Postgres => "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
        }
    }

    /// A migration's SQL for this dialect (`{ID}` replaced).
    pub fn sql(self, migration: &Migration) -> String {
        migration.sql.replace("{ID}", self.id_column())
    }
}

/// One step of the schema.
#[derive(Debug)]
pub struct Migration {
    /// Its version: 1, 2, … in order.
    pub version: i64,
    /// What it does, recorded beside the version.
    pub name: &'static str,
    /// Statements separated by `;`, with `{ID}` for the id column's type.
    pub sql: &'static str,
}

/// Creates the table of applied migrations (the same on both).
pub const CREATE_MIGRATIONS_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version BIGINT PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at BIGINT NOT NULL
)";

/// The PostgreSQL advisory lock every insert takes, in its own transaction, before its id is
/// drawn: ids are then committed in the order they were drawn, by every instance, so a
/// reader at `since=41` cannot miss an id 41 that commits after id 42.
pub const INSERT_LOCK: i64 = 0x4353_5345_5256_0001;

/// The PostgreSQL advisory lock of the migrations: two instances starting at once on one
/// database migrate one after the other.
pub const MIGRATE_LOCK: i64 = 0x4353_5345_5256_0002;

/// Inserts a push once (the unique index turns a retry into no row) and returns its id.
pub const INSERT_SQL: &str = "INSERT INTO events (received_at, event, card_id, \
    user_card_code, outer_id, from_user, create_time, dedup_extra, members) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING RETURNING id";

/// PostgreSQL: takes [`INSERT_LOCK`] in a transaction before its inserts draw their ids,
/// and holds it until the commit. SQLite has one writer, so its ids commit in order already.
pub const INSERT_LOCK_SQL: &str = "SELECT pg_advisory_xact_lock(4851312780807372801)";

/// Reads a page of events.
pub const PAGE_SQL: &str =
    "SELECT id, received_at, members FROM events WHERE id > $1 ORDER BY id LIMIT $2";

/// Gives a name a key, or a new key to a revoked name; no row when the name is active.
pub const ADD_KEY_SQL: &str = "INSERT INTO api_keys (name, hash, created_at) \
    VALUES ($1, $2, $3) ON CONFLICT (name) DO UPDATE \
    SET hash = excluded.hash, created_at = excluded.created_at, revoked_at = NULL \
    WHERE api_keys.revoked_at IS NOT NULL";

/// Revokes an active key: `$1` the time, `$2` the name.
pub const REVOKE_SQL: &str =
    "UPDATE api_keys SET revoked_at = $1 WHERE name = $2 AND revoked_at IS NULL";

/// Every migration, oldest first. Never edit one that has shipped: add the next.
pub const MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    name: "events and api keys",
    // The de-duplication key is WeChat's (user_get_card has no MsgId: FromUserName +
    // CreateTime + Event + CardId + UserCardCode) plus dedup_extra, a coin order's OrderId or
    // a message's MsgId; the columns are NOT NULL because NULLs never collide in a unique
    // index. `members` holds the whole member list as JSON.
    sql: "CREATE TABLE events (
        id {ID},
        received_at BIGINT NOT NULL,
        event TEXT NOT NULL,
        card_id TEXT NOT NULL,
        user_card_code TEXT NOT NULL,
        outer_id TEXT NOT NULL,
        from_user TEXT NOT NULL,
        create_time BIGINT NOT NULL,
        dedup_extra TEXT NOT NULL,
        members TEXT NOT NULL
    );
    CREATE UNIQUE INDEX events_dedup
        ON events (from_user, create_time, event, card_id, user_card_code, dedup_extra);
    CREATE INDEX events_card ON events (card_id, event, outer_id);
    CREATE INDEX events_code ON events (user_card_code);
    CREATE INDEX events_received ON events (received_at);
    CREATE TABLE api_keys (
        name TEXT PRIMARY KEY,
        hash TEXT NOT NULL UNIQUE,
        created_at BIGINT NOT NULL,
        revoked_at BIGINT
    )",
}];

/// The newest version this build knows.
pub fn latest() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// The migrations to apply over `current`, or the error of a database newer than this build.
pub fn pending(current: i64) -> Result<&'static [Migration], super::StorageError> {
    if current > latest() {
        return Err(super::StorageError::TooNew {
            found: current,
            known: latest(),
        });
    }
    let start = MIGRATIONS
        .iter()
        .position(|m| m.version > current)
        .unwrap_or(MIGRATIONS.len());
    Ok(&MIGRATIONS[start..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_increase_by_one_and_pending_follows_them() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i as i64 + 1, "{}", m.name);
        }
        assert_eq!(pending(0).unwrap().len(), MIGRATIONS.len());
        assert!(pending(latest()).unwrap().is_empty());
        assert!(matches!(
            pending(latest() + 1),
            Err(super::super::StorageError::TooNew { .. })
        ));
        // Shared statements number their parameters in order of appearance (see the top).
        assert!(INSERT_LOCK_SQL.contains(&format!("({INSERT_LOCK})")));
        for sql in [INSERT_SQL, PAGE_SQL, ADD_KEY_SQL, REVOKE_SQL] {
            let mut seen = Vec::new();
            for (i, _) in sql.match_indices('$') {
                let n: String = sql[i + 1..]
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                let n: usize = n.parse().unwrap();
                if !seen.contains(&n) {
                    seen.push(n);
                }
            }
            assert_eq!(seen, (1..=seen.len()).collect::<Vec<_>>(), "{sql}");
        }
        let pg = Dialect::Postgres.sql(&MIGRATIONS[0]);
        assert!(pg.contains("GENERATED ALWAYS AS IDENTITY") && !pg.contains("{ID}"));
    }
}
