//! The local cache of the card events a company server relayed, per account: every event as
//! the server sent it (JSON text), and the last id read with the time of the last good read.
//! A restart resumes from that id, and while the server cannot be reached the app still shows
//! what was cached. The store keeps rows; what they mean is read above it.

use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError};

/// Creates the cache tables (schema version 4).
pub(super) const SCHEMA_V4: &str = "
    CREATE TABLE IF NOT EXISTS server_events (
        account TEXT NOT NULL,
        id INTEGER NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (account, id)
    );
    CREATE TABLE IF NOT EXISTS server_cursor (
        account TEXT PRIMARY KEY,
        last_id INTEGER NOT NULL,
        fetched_at INTEGER NOT NULL
    );
    PRAGMA user_version = 4;";

/// Where an account's feed stands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cursor {
    /// The highest event id stored (0: none yet).
    pub last_id: i64,
    /// When the server last answered (Unix seconds; 0: never).
    pub fetched_at: i64,
}

impl Store {
    /// Stores a page of events (id, JSON) for `account` and moves its cursor, in one
    /// transaction: an event read twice is kept once, and the cursor never goes back.
    pub fn save_server_events(
        &mut self,
        account: &str,
        events: &[(i64, String)],
        fetched_at: i64,
    ) -> Result<Cursor, StoreError> {
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare(
                "INSERT OR IGNORE INTO server_events (account, id, body) VALUES (?1, ?2, ?3)",
            )?;
            for (id, body) in events {
                stmt.execute(params![account, id, body])?;
            }
            let top = events.iter().map(|(id, _)| *id).max().unwrap_or(0);
            tx.execute(
                "INSERT INTO server_cursor (account, last_id, fetched_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT(account) DO UPDATE SET
                    last_id = max(last_id, excluded.last_id),
                    fetched_at = max(fetched_at, excluded.fetched_at)",
                params![account, top, fetched_at],
            )?;
        }
        tx.commit()?;
        Ok(self.server_cursor(account)?.unwrap_or_default())
    }

    /// Where `account`'s feed stands, if it was ever read.
    pub fn server_cursor(&self, account: &str) -> Result<Option<Cursor>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT last_id, fetched_at FROM server_cursor WHERE account = ?1",
                [account],
                |r| {
                    Ok(Cursor {
                        last_id: r.get(0)?,
                        fetched_at: r.get(1)?,
                    })
                },
            )
            .optional()?)
    }

    /// Every cached event of `account` as (id, JSON), oldest first.
    pub fn server_events(&self, account: &str) -> Result<Vec<(i64, String)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, body FROM server_events WHERE account = ?1 ORDER BY id")?;
        let rows = stmt.query_map([account], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn events_are_kept_once_per_account_and_the_cursor_only_moves_on() {
        let mut s = Store::open_in_memory().unwrap();
        assert_eq!(s.server_cursor("wx1@a").unwrap(), None);
        let page = |ids: &[i64]| -> Vec<(i64, String)> {
            ids.iter()
                .map(|i| (*i, format!("{{\"id\":{i}}}")))
                .collect()
        };
        let c = s
            .save_server_events("wx1@a", &page(&[1, 2, 5]), 100)
            .unwrap();
        assert_eq!(
            c,
            Cursor {
                last_id: 5,
                fetched_at: 100
            }
        );
        // A page read again (a retry after a lost answer) adds nothing; an empty read only
        // says when the server last answered.
        s.save_server_events("wx1@a", &page(&[2, 5]), 110).unwrap();
        let c = s.save_server_events("wx1@a", &[], 120).unwrap();
        assert_eq!(
            c,
            Cursor {
                last_id: 5,
                fetched_at: 120
            }
        );
        s.save_server_events("wx2@b", &page(&[3]), 130).unwrap();
        let ids: Vec<i64> = s
            .server_events("wx1@a")
            .unwrap()
            .into_iter()
            .map(|(i, _)| i)
            .collect();
        assert_eq!(ids, [1, 2, 5]);
        assert_eq!(s.server_events("wx2@b").unwrap().len(), 1);
        // An older clock never moves the time back.
        let c = s.save_server_events("wx1@a", &[], 50).unwrap();
        assert_eq!(c.fetched_at, 120);
    }
}
