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
/// `merchant` is empty for the direct account's pushes, else the authorizer's AppID.
pub const INSERT_SQL: &str = "INSERT INTO events (received_at, event, card_id, \
    user_card_code, outer_id, from_user, create_time, dedup_extra, members, merchant) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING RETURNING id";

/// PostgreSQL: takes [`INSERT_LOCK`] in a transaction before its inserts draw their ids,
/// and holds it until the commit. SQLite has one writer, so its ids commit in order already.
pub const INSERT_LOCK_SQL: &str = "SELECT pg_advisory_xact_lock(4851312780807372801)";

/// Reads a page of one stream's events (`$2`: the merchant, empty for the direct account).
pub const PAGE_SQL: &str = "SELECT id, received_at, members FROM events \
    WHERE id > $1 AND merchant = $2 ORDER BY id LIMIT $3";

/// Gives a name a key, or a new key to a revoked name; no row when the name is active.
/// `merchants`: NULL for every merchant, else a JSON array of AppIDs.
pub const ADD_KEY_SQL: &str = "INSERT INTO api_keys (name, hash, created_at, merchants) \
    VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO UPDATE \
    SET hash = excluded.hash, created_at = excluded.created_at, revoked_at = NULL, \
    merchants = excluded.merchants WHERE api_keys.revoked_at IS NOT NULL";

/// Revokes an active key: `$1` the time, `$2` the name.
pub const REVOKE_SQL: &str =
    "UPDATE api_keys SET revoked_at = $1 WHERE name = $2 AND revoked_at IS NULL";

/// Reads a server setting.
pub const SETTING_SQL: &str = "SELECT value FROM server_settings WHERE name = $1";

/// Records a server setting unless it has a value already (the first instance's wins).
pub const INIT_SETTING_SQL: &str = "INSERT INTO server_settings (name, value) VALUES ($1, $2) \
    ON CONFLICT (name) DO NOTHING";

/// A platform's verify ticket and component token.
pub const COMPONENT_SQL: &str = "SELECT verify_ticket, ticket_at, access_token, token_expires \
    FROM components WHERE component_appid = $1";

/// Keeps a verify ticket unless a newer one is kept already (pushes may arrive out of order).
pub const SAVE_TICKET_SQL: &str = "INSERT INTO components (component_appid, verify_ticket, \
    ticket_at) VALUES ($1, $2, $3) ON CONFLICT (component_appid) DO UPDATE \
    SET verify_ticket = excluded.verify_ticket, ticket_at = excluded.ticket_at \
    WHERE components.ticket_at <= excluded.ticket_at";

/// Keeps a component token.
pub const SAVE_COMPONENT_TOKEN_SQL: &str = "INSERT INTO components (component_appid, \
    access_token, token_expires) VALUES ($1, $2, $3) ON CONFLICT (component_appid) DO UPDATE \
    SET access_token = excluded.access_token, token_expires = excluded.token_expires";

/// Every merchant a platform has known, revoked ones too, by AppID (the columns in the order
/// the backends read them).
pub const AUTHORIZERS_SQL: &str = "SELECT appid, name, user_name, principal_name, func_info, \
    authorized_at, revoked_at, access_token, token_expires, refresh_token, auth_code \
    FROM authorizers WHERE component_appid = $1 ORDER BY appid";

/// One merchant of a platform (the columns of [`AUTHORIZERS_SQL`]).
pub const AUTHORIZER_SQL: &str = "SELECT appid, name, user_name, principal_name, func_info, \
    authorized_at, revoked_at, access_token, token_expires, refresh_token, auth_code \
    FROM authorizers WHERE component_appid = $1 AND appid = $2";

/// Records a grant (a first authorization, a renewed one, or one after a revocation): the
/// row is the grant's, whatever was there.
pub const SAVE_GRANT_SQL: &str = "INSERT INTO authorizers (component_appid, appid, name, \
    user_name, principal_name, func_info, authorized_at, revoked_at, access_token, \
    token_expires, refresh_token, auth_code) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8, $9, $10, $11) \
    ON CONFLICT (component_appid, appid) DO UPDATE SET name = excluded.name, \
    user_name = excluded.user_name, principal_name = excluded.principal_name, \
    func_info = excluded.func_info, authorized_at = excluded.authorized_at, revoked_at = NULL, \
    access_token = excluded.access_token, token_expires = excluded.token_expires, \
    refresh_token = excluded.refresh_token, auth_code = excluded.auth_code";

/// Keeps a refreshed authorizer token, only over the grant it was refreshed from and only
/// while the merchant still authorizes the platform.
pub const SAVE_AUTHORIZER_TOKEN_SQL: &str = "UPDATE authorizers SET access_token = $1, \
    token_expires = $2, refresh_token = $3 WHERE component_appid = $4 AND appid = $5 \
    AND auth_code = $6 AND revoked_at IS NULL";

/// Revokes a merchant: its tokens are deleted at once.
pub const REVOKE_AUTHORIZER_SQL: &str = "UPDATE authorizers SET revoked_at = $1, \
    access_token = NULL, token_expires = 0, refresh_token = NULL \
    WHERE component_appid = $2 AND appid = $3 AND revoked_at IS NULL";

/// Every migration, oldest first. Never edit one that has shipped: add the next.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
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
    },
    Migration {
        version: 2,
        name: "open platform: merchants, their streams and sealed tokens",
        // Events get the merchant they belong to ('' for the direct account's) and the
        // de-duplication key takes it in: two merchants' pushes never collide. Keys may be
        // limited to some merchants (`merchants`: NULL for all, else a JSON array).
        // `components` and `authorizers` hold the platform's state; every token, ticket and
        // refresh token column holds a sealed text (AES-256-GCM under the master key), never
        // the secret itself. `auth_code` is the SHA-256 of the authorization code the row
        // came from: a refresh writes only over the grant it started from.
        sql: "ALTER TABLE events ADD COLUMN merchant TEXT NOT NULL DEFAULT '';
    DROP INDEX events_dedup;
    CREATE UNIQUE INDEX events_dedup ON events
        (merchant, from_user, create_time, event, card_id, user_card_code, dedup_extra);
    CREATE INDEX events_merchant ON events (merchant, id);
    ALTER TABLE api_keys ADD COLUMN merchants TEXT;
    CREATE TABLE server_settings (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE components (
        component_appid TEXT PRIMARY KEY,
        verify_ticket TEXT,
        ticket_at BIGINT NOT NULL DEFAULT 0,
        access_token TEXT,
        token_expires BIGINT NOT NULL DEFAULT 0
    );
    CREATE TABLE authorizers (
        component_appid TEXT NOT NULL,
        appid TEXT NOT NULL,
        name TEXT NOT NULL,
        user_name TEXT NOT NULL,
        principal_name TEXT NOT NULL,
        func_info TEXT NOT NULL,
        authorized_at BIGINT NOT NULL,
        revoked_at BIGINT,
        access_token TEXT,
        token_expires BIGINT NOT NULL DEFAULT 0,
        refresh_token TEXT,
        auth_code TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (component_appid, appid)
    )",
    },
];

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
        for sql in [
            INSERT_SQL,
            PAGE_SQL,
            ADD_KEY_SQL,
            REVOKE_SQL,
            SETTING_SQL,
            INIT_SETTING_SQL,
            COMPONENT_SQL,
            SAVE_TICKET_SQL,
            SAVE_COMPONENT_TOKEN_SQL,
            AUTHORIZERS_SQL,
            AUTHORIZER_SQL,
            SAVE_GRANT_SQL,
            SAVE_AUTHORIZER_TOKEN_SQL,
            REVOKE_AUTHORIZER_SQL,
        ] {
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
