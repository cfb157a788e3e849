//! Opening the database without ever losing it: a corrupt file, or one written by a newer
//! Coupon Studio, is copied aside (`coupon-studio.sqlite.corrupt-<unix seconds>` /
//! `.newer-<unix seconds>`, with its `-wal` beside it) and reported to the user.
//!
//! A corrupt file is then replaced by a fresh database (the copy keeps everything that was in
//! it); a newer one is left untouched and the app runs without drafts, since a fresh file in
//! its place would hide the user's data from the newer version.

use std::path::{Path, PathBuf};

use rusqlite::ErrorCode;

use super::{Store, StoreError};

/// What happened to the database file on open, for the UI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Recovery {
    /// The file was damaged: it was moved to `backup` and a new, empty database made.
    Corrupt {
        /// Where the damaged file now is.
        backup: PathBuf,
        /// What SQLite said.
        message: String,
    },
    /// The file comes from a newer version: copied to `backup`, left in place, not opened.
    TooNew {
        /// Its schema version.
        found: i64,
        /// The copy.
        backup: PathBuf,
    },
}

/// Whether an error means the file itself is damaged (not, say, a full disk or a lock).
fn is_corruption(e: &StoreError) -> bool {
    matches!(
        e,
        StoreError::Sql(rusqlite::Error::SqliteFailure(f, _))
            if matches!(f.code, ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt)
    )
}

/// `path` with `suffix` appended to the file name.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Copies (or moves) the database and its WAL to `<path><suffix>`; returns the new path.
fn set_aside(path: &Path, suffix: &str, move_it: bool) -> Result<PathBuf, StoreError> {
    let backup = sibling(path, suffix);
    let io = |source| StoreError::Io {
        path: backup.clone(),
        source,
    };
    if move_it {
        std::fs::rename(path, &backup).map_err(io)?;
    } else {
        std::fs::copy(path, &backup).map_err(io)?;
    }
    // The WAL may hold the newest pages; it travels with the file (the shm is only an index).
    let wal = sibling(path, "-wal");
    if wal.exists() {
        let to = sibling(&backup, "-wal");
        if move_it {
            std::fs::rename(&wal, &to).map_err(io)?;
        } else {
            std::fs::copy(&wal, &to).map_err(io)?;
        }
    }
    if move_it {
        let _ = std::fs::remove_file(sibling(path, "-shm"));
    }
    Ok(backup)
}

/// Fails with [`StoreError::TooNew`] (or SQLite's corruption error) for an existing file,
/// opened read-only so that nothing in it changes.
fn peek_version(path: &Path) -> Result<(), StoreError> {
    if !path.exists() {
        return Ok(());
    }
    let conn = rusqlite::Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if found > super::SCHEMA_VERSION {
        return Err(StoreError::TooNew { found });
    }
    Ok(())
}

impl Store {
    /// `PRAGMA quick_check`: `Ok` when SQLite finds the file sound.
    fn quick_check(&self) -> Result<(), StoreError> {
        let result: String = self
            .conn
            .pragma_query_value(None, "quick_check", |r| r.get(0))?;
        if result == "ok" {
            Ok(())
        } else {
            Err(StoreError::Sql(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT),
                Some(result),
            )))
        }
    }

    /// Opens the database at `path` like [`Store::open`], but a corrupt or too-new file is
    /// set aside and reported instead of failing or being reset silently. The store is `Err`
    /// only when nothing usable could be opened (a newer file, an unwritable folder).
    pub fn open_with_recovery(path: &Path) -> (Result<Self, StoreError>, Option<Recovery>) {
        let stamp = chrono::Utc::now().timestamp();
        // Read the version without writing first: opening in WAL mode would change the header
        // of a newer version's file.
        let first = peek_version(path)
            .and_then(|()| Self::open(path))
            .and_then(|s| s.quick_check().map(|()| s));
        match first {
            Ok(s) => (Ok(s), None),
            Err(StoreError::TooNew { found }) => {
                match set_aside(path, &format!(".newer-{stamp}"), false) {
                    Ok(backup) => (
                        Err(StoreError::TooNew { found }),
                        Some(Recovery::TooNew { found, backup }),
                    ),
                    Err(e) => (Err(e), None),
                }
            }
            Err(e) if is_corruption(&e) => {
                let message = e.to_string();
                match set_aside(path, &format!(".corrupt-{stamp}"), true) {
                    Ok(backup) => (
                        Self::open(path),
                        Some(Recovery::Corrupt { backup, message }),
                    ),
                    Err(e) => (Err(e), None),
                }
            }
            Err(e) => (Err(e), None),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("cs-recover-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn a_corrupt_file_is_moved_aside_and_replaced() {
        let d = dir("corrupt");
        let path = d.join("coupon-studio.sqlite");
        std::fs::write(
            &path,
            b"this is not a database, it is a shopping list ".repeat(100),
        )
        .unwrap();
        let (store, recovery) = Store::open_with_recovery(&path);
        let store = store.unwrap();
        assert_eq!(store.journal_mode().unwrap(), "wal");
        let Some(Recovery::Corrupt { backup, .. }) = recovery else {
            panic!("{recovery:?}")
        };
        assert!(
            backup
                .file_name()
                .unwrap()
                .to_string_lossy()
                .contains(".corrupt-")
        );
        assert!(std::fs::read(&backup).unwrap().starts_with(b"this is not"));
    }

    #[test]
    fn a_newer_file_is_copied_and_left_alone() {
        let d = dir("newer");
        let path = d.join("coupon-studio.sqlite");
        {
            let conn = rusqlite::Connection::open(&path).unwrap();
            conn.execute_batch("PRAGMA user_version = 99;").unwrap();
        }
        let before = std::fs::read(&path).unwrap();
        let (store, recovery) = Store::open_with_recovery(&path);
        assert!(matches!(store, Err(StoreError::TooNew { found: 99 })));
        let Some(Recovery::TooNew { found: 99, backup }) = recovery else {
            panic!("{recovery:?}")
        };
        assert!(backup.to_string_lossy().contains(".newer-"));
        assert_eq!(std::fs::read(&backup).unwrap(), before);
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    #[test]
    fn a_sound_file_opens_without_a_notice() {
        let d = dir("sound");
        let path = d.join("coupon-studio.sqlite");
        drop(Store::open(&path).unwrap());
        let (store, recovery) = Store::open_with_recovery(&path);
        assert!(store.is_ok());
        assert_eq!(recovery, None);
    }
}
