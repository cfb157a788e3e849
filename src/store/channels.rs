//! Placement channels: which `outer_id` went to which label (store, street, flyer run) and
//! QR URL, saved by a poster batch so that Stats can name the channels later. Kept per scope
//! (see [`super::OWN`]): a merchant's channel names never show under another merchant.

use rusqlite::params;

use super::{Store, StoreError, now};

/// One saved channel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChannelRecord {
    /// The card.
    pub card_id: String,
    /// The channel.
    pub outer_id: i64,
    /// Its label.
    pub label: String,
    /// The QR URL.
    pub url: String,
    /// The QR ticket.
    pub ticket: String,
}

/// Creates the channels table (schema version 3; version 5 adds the scope, [`SCHEMA_V5`]).
pub(super) const SCHEMA_V3: &str = "
    CREATE TABLE IF NOT EXISTS channels (
        card_id TEXT NOT NULL,
        outer_id INTEGER NOT NULL,
        label TEXT NOT NULL,
        url TEXT NOT NULL,
        ticket TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (card_id, outer_id)
    );
    PRAGMA user_version = 3;";

/// Schema version 5: the channels table again, with the scope in its key (SQLite cannot
/// change a primary key in place, so the rows move to a new table, in one transaction with
/// the drafts' new column). Every row written before belongs to the person's own accounts.
pub(super) const SCHEMA_V5: &str = "
    BEGIN;
    ALTER TABLE drafts ADD COLUMN scope TEXT NOT NULL DEFAULT '';
    CREATE INDEX IF NOT EXISTS drafts_by_scope ON drafts(scope);
    CREATE TABLE channels_scoped (
        scope TEXT NOT NULL DEFAULT '',
        card_id TEXT NOT NULL,
        outer_id INTEGER NOT NULL,
        label TEXT NOT NULL,
        url TEXT NOT NULL,
        ticket TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (scope, card_id, outer_id)
    );
    INSERT INTO channels_scoped (scope, card_id, outer_id, label, url, ticket, updated_at)
        SELECT '', card_id, outer_id, label, url, ticket, updated_at FROM channels;
    DROP TABLE channels;
    ALTER TABLE channels_scoped RENAME TO channels;
    PRAGMA user_version = 5;
    COMMIT;";

impl Store {
    /// Saves (or replaces) channels of the person's own accounts, in one transaction.
    pub fn save_channels(&mut self, rows: &[ChannelRecord]) -> Result<(), StoreError> {
        self.save_channels_in(super::OWN, rows)
    }

    /// Saves (or replaces) channels of `scope`, in one transaction.
    pub fn save_channels_in(
        &mut self,
        scope: &str,
        rows: &[ChannelRecord],
    ) -> Result<(), StoreError> {
        let t = now();
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare(
                "INSERT OR REPLACE INTO channels
                    (scope, card_id, outer_id, label, url, ticket, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for r in rows {
                stmt.execute(params![
                    scope, r.card_id, r.outer_id, r.label, r.url, r.ticket, t
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Every saved channel of the person's own accounts, by card then outer_id.
    pub fn channels(&self) -> Result<Vec<ChannelRecord>, StoreError> {
        self.channels_in(super::OWN)
    }

    /// Every saved channel of `scope`, by card then outer_id.
    pub fn channels_in(&self, scope: &str) -> Result<Vec<ChannelRecord>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT card_id, outer_id, label, url, ticket FROM channels WHERE scope = ?1
             ORDER BY card_id, outer_id",
        )?;
        let rows = stmt.query_map([scope], |r| {
            Ok(ChannelRecord {
                card_id: r.get(0)?,
                outer_id: r.get(1)?,
                label: r.get(2)?,
                url: r.get(3)?,
                ticket: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn channels_are_saved_and_replaced_per_card_and_outer_id() {
        let mut s = Store::open_in_memory().unwrap();
        let row = |o: i64, label: &str| ChannelRecord {
            card_id: "p1".into(),
            outer_id: o,
            label: label.into(),
            url: format!("http://weixin.qq.com/q/{o}"),
            ticket: "t".into(),
        };
        s.save_channels(&[row(1, "天河店"), row(2, "北京路店")])
            .unwrap();
        s.save_channels(&[row(2, "北京路店(新)")]).unwrap();
        let all = s.channels().unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[1].label, "北京路店(新)");
        // Another merchant's channel 1 of a card with the same id is its own row.
        s.save_channels_in("merchant:wxB", &[row(1, "B 的门店")])
            .unwrap();
        assert_eq!(s.channels().unwrap()[0].label, "天河店");
        let b = s.channels_in("merchant:wxB").unwrap();
        assert_eq!((b.len(), b[0].label.as_str()), (1, "B 的门店"));
        assert!(s.channels_in("merchant:wxA").unwrap().is_empty());
    }

    #[test]
    fn a_version_4_database_keeps_its_drafts_and_channels_as_the_persons_own() {
        let dir = std::env::temp_dir().join(format!("cs-store-v4-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("old.sqlite");
        {
            // The tables exactly as versions 1-4 made them, with a row each.
            let c = rusqlite::Connection::open(&path).unwrap();
            c.execute_batch(
                "CREATE TABLE drafts (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL,
                    body TEXT NOT NULL, card_id TEXT, created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL);
                 INSERT INTO drafts (name, body, created_at, updated_at) VALUES ('旧草稿', '{}', 1, 1);",
            )
            .unwrap();
            c.execute_batch(crate::store::journal::SCHEMA_V2).unwrap();
            c.execute_batch(SCHEMA_V3).unwrap();
            c.execute_batch("INSERT INTO channels VALUES ('p1', 3, '老店', 'http://q/3', 't', 1);")
                .unwrap();
            c.execute_batch(crate::store::pushes::SCHEMA_V4).unwrap();
        }
        let s = Store::open(&path).unwrap();
        let version: i64 = s
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, crate::store::SCHEMA_VERSION);
        assert_eq!(s.list_drafts().unwrap()[0].name, "旧草稿");
        assert_eq!(s.channels().unwrap()[0].label, "老店");
        assert!(s.list_drafts_in("merchant:wxA").unwrap().is_empty());
        assert!(s.channels_in("merchant:wxA").unwrap().is_empty());
        drop(s);
        // Opening again migrates nothing twice.
        assert_eq!(Store::open(&path).unwrap().channels().unwrap().len(), 1);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
