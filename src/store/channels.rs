//! Placement channels: which `outer_id` went to which label (store, street, flyer run) and
//! QR URL, saved by a poster batch so that Stats can name the channels later.

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

/// Creates the channels table (schema version 3).
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

impl Store {
    /// Saves (or replaces) channels, in one transaction.
    pub fn save_channels(&mut self, rows: &[ChannelRecord]) -> Result<(), StoreError> {
        let t = now();
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare(
                "INSERT OR REPLACE INTO channels (card_id, outer_id, label, url, ticket, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for r in rows {
                stmt.execute(params![r.card_id, r.outer_id, r.label, r.url, r.ticket, t])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Every saved channel, by card then outer_id.
    pub fn channels(&self) -> Result<Vec<ChannelRecord>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT card_id, outer_id, label, url, ticket FROM channels ORDER BY card_id, outer_id",
        )?;
        let rows = stmt.query_map([], |r| {
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
    }
}
