//! The money journal: every quote, confirm and recharge is written here *before* it is sent
//! and updated with its outcome, so a crash or a lost connection mid-call shows on the next
//! start and is reconciled against WeChat's order list.
//!
//! A confirm row is unique per `(account, order_id)`: inserting it is what allows the request
//! to go out, so a second confirm of one order cannot even be written, let alone sent.

use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError, now};

/// What kind of money call an entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    /// getpayprice.
    Quote,
    /// confirm (coins → stock).
    Confirm,
    /// recharge (WeChat Pay → coins).
    Recharge,
}

impl EntryKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Quote => "quote",
            Self::Confirm => "confirm",
            Self::Recharge => "recharge",
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "confirm" => Self::Confirm,
            "recharge" => Self::Recharge,
            _ => Self::Quote,
        }
    }
}

/// Where an entry stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryState {
    /// Written, request being sent; after a crash: outcome unknown.
    Pending,
    /// WeChat answered but the money has not settled yet (a recharge waiting for payment).
    Waiting,
    /// The connection failed after sending: outcome unknown until reconciled.
    Uncertain,
    /// Done (quote issued, stock added, coins credited).
    Done,
    /// Refused or failed; nothing moved.
    Failed,
}

impl EntryState {
    fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Waiting => "waiting",
            Self::Uncertain => "uncertain",
            Self::Done => "done",
            Self::Failed => "failed",
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "waiting" => Self::Waiting,
            "uncertain" => Self::Uncertain,
            "done" => Self::Done,
            "failed" => Self::Failed,
            _ => Self::Pending,
        }
    }

    /// Whether the outcome still has to be found out.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Pending | Self::Waiting | Self::Uncertain)
    }
}

/// One journal row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Row id.
    pub id: i64,
    /// Kind.
    pub kind: EntryKind,
    /// The account (API base URL and app id) the call went to.
    pub account: String,
    /// The card (quote, confirm).
    pub card_id: Option<String>,
    /// WeChat's order id, once known.
    pub order_id: Option<String>,
    /// Units of stock (quote, confirm).
    pub quantity: Option<i64>,
    /// Coins in hundredths: the price (quote, confirm) or the amount (recharge).
    pub coins: Option<i64>,
    /// State.
    pub state: EntryState,
    /// The last outcome in words (errcode, reconciliation result).
    pub detail: String,
    /// Written, Unix seconds.
    pub created_at: i64,
    /// Last change, Unix seconds.
    pub updated_at: i64,
}

/// What a new entry records.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewEntry {
    /// The account.
    pub account: String,
    /// The card.
    pub card_id: Option<String>,
    /// The order id (known for a confirm).
    pub order_id: Option<String>,
    /// Units.
    pub quantity: Option<i64>,
    /// Coins in hundredths.
    pub coins: Option<i64>,
}

/// Creates the journal table (schema version 2).
pub(super) const SCHEMA_V2: &str = "
    CREATE TABLE IF NOT EXISTS journal (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        account TEXT NOT NULL,
        card_id TEXT,
        order_id TEXT,
        quantity INTEGER,
        coins INTEGER,
        state TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT '',
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
    );
    CREATE UNIQUE INDEX IF NOT EXISTS journal_confirm_once
        ON journal(account, order_id) WHERE kind = 'confirm';
    PRAGMA user_version = 2;";

const COLUMNS: &str =
    "id, kind, account, card_id, order_id, quantity, coins, state, detail, created_at, updated_at";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Entry> {
    Ok(Entry {
        id: r.get(0)?,
        kind: EntryKind::parse(&r.get::<_, String>(1)?),
        account: r.get(2)?,
        card_id: r.get(3)?,
        order_id: r.get(4)?,
        quantity: r.get(5)?,
        coins: r.get(6)?,
        state: EntryState::parse(&r.get::<_, String>(7)?),
        detail: r.get(8)?,
        created_at: r.get(9)?,
        updated_at: r.get(10)?,
    })
}

impl Store {
    /// Writes an entry in state [`EntryState::Pending`] and returns its id.
    ///
    /// For a confirm, an existing confirm of the same order fails with
    /// [`StoreError::AlreadySent`]: the caller must then not send.
    pub fn journal_begin(&self, kind: EntryKind, e: &NewEntry) -> Result<i64, StoreError> {
        let t = now();
        let inserted = self.conn.execute(
            "INSERT INTO journal (kind, account, card_id, order_id, quantity, coins, state,
                                  detail, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', '', ?7, ?7)",
            params![
                kind.as_str(),
                e.account,
                e.card_id,
                e.order_id,
                e.quantity,
                e.coins,
                t
            ],
        );
        match inserted {
            Ok(_) => Ok(self.conn.last_insert_rowid()),
            Err(rusqlite::Error::SqliteFailure(f, _))
                if f.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                Err(StoreError::AlreadySent(
                    e.order_id.clone().unwrap_or_default(),
                ))
            }
            Err(other) => Err(other.into()),
        }
    }

    /// Records an outcome. `order_id` and `coins` fill in what became known (a quote's or a
    /// recharge's order id, a quote's price).
    pub fn journal_update(
        &self,
        id: i64,
        state: EntryState,
        detail: &str,
        order_id: Option<&str>,
        coins: Option<i64>,
    ) -> Result<(), StoreError> {
        let n = self.conn.execute(
            "UPDATE journal SET state = ?2, detail = ?3, order_id = COALESCE(?4, order_id),
                    coins = COALESCE(?5, coins), updated_at = ?6 WHERE id = ?1",
            params![id, state.as_str(), detail, order_id, coins, now()],
        )?;
        if n == 0 {
            return Err(StoreError::NoEntry(id));
        }
        Ok(())
    }

    /// One entry.
    pub fn journal_entry(&self, id: i64) -> Result<Option<Entry>, StoreError> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM journal WHERE id = ?1"),
                [id],
                row,
            )
            .optional()?)
    }

    /// Entries of `account` whose outcome is not known yet, oldest first.
    pub fn journal_open(&self, account: &str) -> Result<Vec<Entry>, StoreError> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM journal WHERE account = ?1
               AND state IN ('pending', 'waiting', 'uncertain') ORDER BY id"
        ))?;
        let rows = stmt.query_map([account], row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The newest `limit` entries of `account`, newest first.
    pub fn journal_recent(&self, account: &str, limit: u32) -> Result<Vec<Entry>, StoreError> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM journal WHERE account = ?1 ORDER BY id DESC LIMIT ?2"
        ))?;
        let rows = stmt.query_map(params![account, limit], row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// How many confirm entries exist for an order (0 or 1 by construction).
    pub fn journal_confirms_of(&self, account: &str, order_id: &str) -> Result<i64, StoreError> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FROM journal WHERE kind = 'confirm' AND account = ?1
               AND order_id = ?2",
            params![account, order_id],
            |r| r.get(0),
        )?)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn confirm(order: &str) -> NewEntry {
        NewEntry {
            account: "sim".into(),
            card_id: Some("p1".into()),
            order_id: Some(order.into()),
            quantity: Some(10),
            coins: Some(600),
        }
    }

    #[test]
    fn a_confirm_can_be_written_once_per_order() {
        let s = Store::open_in_memory().unwrap();
        let id = s.journal_begin(EntryKind::Confirm, &confirm("P1")).unwrap();
        assert!(matches!(
            s.journal_begin(EntryKind::Confirm, &confirm("P1")),
            Err(StoreError::AlreadySent(o)) if o == "P1"
        ));
        // Another account's order with the same id is another order.
        let mut other = confirm("P1");
        other.account = "real".into();
        s.journal_begin(EntryKind::Confirm, &other).unwrap();
        // Quotes are not limited.
        s.journal_begin(EntryKind::Quote, &confirm("P1")).unwrap();
        s.journal_begin(EntryKind::Quote, &confirm("P1")).unwrap();
        assert_eq!(s.journal_confirms_of("sim", "P1").unwrap(), 1);
        assert_eq!(s.journal_open("sim").unwrap().len(), 3);
        s.journal_update(id, EntryState::Done, "ok", None, None)
            .unwrap();
        let e = s.journal_entry(id).unwrap().unwrap();
        assert_eq!((e.state, e.detail.as_str()), (EntryState::Done, "ok"));
        assert_eq!(s.journal_open("sim").unwrap().len(), 2);
    }

    #[test]
    fn updates_fill_in_what_became_known() {
        let s = Store::open_in_memory().unwrap();
        let id = s
            .journal_begin(
                EntryKind::Recharge,
                &NewEntry {
                    account: "sim".into(),
                    coins: Some(10_000),
                    ..NewEntry::default()
                },
            )
            .unwrap();
        s.journal_update(id, EntryState::Waiting, "", Some("1000"), None)
            .unwrap();
        let e = s.journal_entry(id).unwrap().unwrap();
        assert_eq!(e.order_id.as_deref(), Some("1000"));
        assert_eq!(e.coins, Some(10_000));
        assert!(e.state.is_open());
        assert!(matches!(
            s.journal_update(99, EntryState::Done, "", None, None),
            Err(StoreError::NoEntry(99))
        ));
        assert_eq!(s.journal_recent("sim", 10).unwrap().len(), 1);
    }
}
