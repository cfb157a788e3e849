//! Drafts: a name and the create-body JSON text, autosaved by the editor.
//!
//! Each draft belongs to a scope (see [`super::OWN`]): the person's own accounts share one,
//! and each merchant a platform account works for has its own, so that one merchant's drafts
//! are never listed or opened under another. Listing, creating and opening take the scope;
//! the other calls name a draft by its id, which only a listing of its own scope hands out.

use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError, now};

/// A draft as listed (without its body).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DraftMeta {
    /// Row id.
    pub id: i64,
    /// The name the user gave (or a default).
    pub name: String,
    /// The card id once the draft has been created on WeChat.
    pub card_id: Option<String>,
    /// Last save, Unix seconds.
    pub updated_at: i64,
}

/// A whole draft.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Draft {
    /// Name, card id and time.
    pub meta: DraftMeta,
    /// The create body as JSON text (kept as text so that even a body that no longer parses
    /// is never lost).
    pub body: String,
}

impl Store {
    /// Every draft of the person's own accounts, most recently saved first.
    pub fn list_drafts(&self) -> Result<Vec<DraftMeta>, StoreError> {
        self.list_drafts_in(super::OWN)
    }

    /// Every draft of `scope`, most recently saved first.
    pub fn list_drafts_in(&self, scope: &str) -> Result<Vec<DraftMeta>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT id, name, card_id, updated_at FROM drafts WHERE scope = ?1
             ORDER BY updated_at DESC, id DESC",
        )?;
        let rows = stmt.query_map([scope], |r| {
            Ok(DraftMeta {
                id: r.get(0)?,
                name: r.get(1)?,
                card_id: r.get(2)?,
                updated_at: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One draft of the person's own accounts with its body.
    pub fn load_draft(&self, id: i64) -> Result<Draft, StoreError> {
        self.load_draft_in(super::OWN, id)
    }

    /// One draft of `scope` with its body; another scope's draft is [`StoreError::NotFound`].
    pub fn load_draft_in(&self, scope: &str, id: i64) -> Result<Draft, StoreError> {
        self.conn
            .query_row(
                "SELECT id, name, card_id, updated_at, body FROM drafts WHERE id = ?1 AND scope = ?2",
                params![id, scope],
                |r| {
                    Ok(Draft {
                        meta: DraftMeta {
                            id: r.get(0)?,
                            name: r.get(1)?,
                            card_id: r.get(2)?,
                            updated_at: r.get(3)?,
                        },
                        body: r.get(4)?,
                    })
                },
            )
            .optional()?
            .ok_or(StoreError::NotFound(id))
    }

    /// A new draft of the person's own accounts; returns its id.
    pub fn create_draft(&self, name: &str, body: &str) -> Result<i64, StoreError> {
        self.create_draft_in(super::OWN, name, body)
    }

    /// A new draft of `scope`; returns its id.
    pub fn create_draft_in(&self, scope: &str, name: &str, body: &str) -> Result<i64, StoreError> {
        let t = now();
        self.conn.execute(
            "INSERT INTO drafts (scope, name, body, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?4)",
            params![scope, name, body, t],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Saves the body of an existing draft.
    pub fn save_draft_body(&self, id: i64, body: &str) -> Result<(), StoreError> {
        let n = self.conn.execute(
            "UPDATE drafts SET body = ?2, updated_at = ?3 WHERE id = ?1",
            params![id, body, now()],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound(id));
        }
        Ok(())
    }

    /// Renames a draft.
    pub fn rename_draft(&self, id: i64, name: &str) -> Result<(), StoreError> {
        let n = self.conn.execute(
            "UPDATE drafts SET name = ?2 WHERE id = ?1",
            params![id, name],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound(id));
        }
        Ok(())
    }

    /// Records the card id a draft was created as.
    pub fn set_draft_card_id(&self, id: i64, card_id: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE drafts SET card_id = ?2 WHERE id = ?1",
            params![id, card_id],
        )?;
        Ok(())
    }

    /// Copies a draft under a new name (without its card id); returns the new id.
    pub fn duplicate_draft(&self, id: i64, name: &str) -> Result<i64, StoreError> {
        self.duplicate_draft_in(super::OWN, id, name)
    }

    /// Copies a draft of `scope` under a new name, in the same scope; returns the new id.
    pub fn duplicate_draft_in(&self, scope: &str, id: i64, name: &str) -> Result<i64, StoreError> {
        let draft = self.load_draft_in(scope, id)?;
        self.create_draft_in(scope, name, &draft.body)
    }

    /// Deletes a draft.
    pub fn delete_draft(&self, id: i64) -> Result<(), StoreError> {
        self.conn
            .execute("DELETE FROM drafts WHERE id = ?1", [id])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draft_lifecycle() {
        let store = Store::open_in_memory().unwrap();
        let a = store.create_draft("A", "{}").unwrap();
        store.save_draft_body(a, r#"{"card":{}}"#).unwrap();
        let b = store.duplicate_draft(a, "A 副本").unwrap();
        store.rename_draft(b, "B").unwrap();
        store.set_draft_card_id(a, "pcard").unwrap();
        let list = store.list_drafts().unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(store.load_draft(b).unwrap().body, r#"{"card":{}}"#);
        assert_eq!(store.load_draft(b).unwrap().meta.name, "B");
        assert_eq!(
            store.load_draft(a).unwrap().meta.card_id.as_deref(),
            Some("pcard")
        );
        store.delete_draft(a).unwrap();
        assert!(matches!(store.load_draft(a), Err(StoreError::NotFound(_))));
        assert!(matches!(
            store.save_draft_body(a, "{}"),
            Err(StoreError::NotFound(_))
        ));
    }

    #[test]
    fn a_scopes_drafts_are_listed_and_opened_only_in_it() {
        let store = Store::open_in_memory().unwrap();
        let own = store.create_draft("自己的", "{}").unwrap();
        let a = store
            .create_draft_in("merchant:wxA", "A 的券", "{\"a\":1}")
            .unwrap();
        let b = store
            .create_draft_in("merchant:wxB", "B 的券", "{}")
            .unwrap();
        let names = |scope: &str| -> Vec<String> {
            store
                .list_drafts_in(scope)
                .unwrap()
                .into_iter()
                .map(|d| d.name)
                .collect()
        };
        assert_eq!(names("merchant:wxA"), ["A 的券"]);
        assert_eq!(names("merchant:wxB"), ["B 的券"]);
        assert_eq!(names(crate::store::OWN), ["自己的"]);
        assert!(matches!(
            store.load_draft_in("merchant:wxB", a),
            Err(StoreError::NotFound(_))
        ));
        assert!(matches!(store.load_draft(b), Err(StoreError::NotFound(_))));
        assert_eq!(store.load_draft(own).unwrap().meta.name, "自己的");
        // A copy stays in its scope.
        let copy = store
            .duplicate_draft_in("merchant:wxA", a, "A 副本")
            .unwrap();
        assert_eq!(names("merchant:wxA").len(), 2);
        assert_eq!(
            store.load_draft_in("merchant:wxA", copy).unwrap().body,
            "{\"a\":1}"
        );
        assert!(store.duplicate_draft_in("merchant:wxB", a, "偷").is_err());
        assert_eq!(names("merchant:wxB"), ["B 的券"]);
    }

    #[test]
    fn file_database_uses_wal_and_refuses_newer_schema() {
        let dir = std::env::temp_dir().join(format!("cs-store-{}", std::process::id()));
        let path = dir.join("data.sqlite");
        let store = Store::open(&path).unwrap();
        assert_eq!(store.journal_mode().unwrap(), "wal");
        store.conn.pragma_update(None, "user_version", 99).unwrap();
        drop(store);
        assert!(matches!(
            Store::open(&path),
            Err(StoreError::TooNew { found: 99 })
        ));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
