//! Where AppSecrets and pasted tokens are kept: the OS keyring (Secret Service over D-Bus on
//! Linux, e.g. gnome-keyring; Keychain; Windows Credential Manager), or — when there is no
//! keyring — this process's memory for the session. Never a file.
//!
//! [`SecretStore`] is the seam: the app uses [`KeyringStore`], tests a [`MemoryStore`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use thiserror::Error;

use crate::api::error::register_sensitive;

/// The keyring "service" the secrets are filed under (the user name is the AppID).
pub const KEYRING_SERVICE: &str = "coupon-studio";

/// The keyring user name of a company-server account's API key (AppSecrets are filed under
/// their AppID; a key under its account, since it is the person's and not the AppID's).
pub fn server_key_name(account_id: &str) -> String {
    format!("server-key:{account_id}")
}

/// Errors of a secret store.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum SecretError {
    /// There is no keyring service to talk to (no D-Bus session, no Secret Service daemon,
    /// or the keyring is locked and cannot be unlocked).
    #[error("no keyring service is available: {0}")]
    Unavailable(String),
    /// The keyring answered with an error.
    #[error("keyring error: {0}")]
    Failed(String),
}

/// A place to keep AppSecrets, by AppID. Calls may block (D-Bus, an unlock prompt): never
/// call them on the UI thread.
pub trait SecretStore: Send + Sync {
    /// The secret for `appid`, if one is stored.
    fn get(&self, appid: &str) -> Result<Option<String>, SecretError>;
    /// Stores (or replaces) the secret for `appid`.
    fn set(&self, appid: &str, secret: &str) -> Result<(), SecretError>;
    /// Forgets the secret for `appid` (no error when there was none).
    fn delete(&self, appid: &str) -> Result<(), SecretError>;
}

/// The OS keyring through the `keyring` crate.
#[derive(Clone, Copy, Debug, Default)]
pub struct KeyringStore;

fn keyring_error(e: keyring::Error) -> SecretError {
    match e {
        keyring::Error::PlatformFailure(inner) | keyring::Error::NoStorageAccess(inner) => {
            SecretError::Unavailable(inner.to_string())
        }
        other => SecretError::Failed(other.to_string()),
    }
}

impl KeyringStore {
    fn entry(appid: &str) -> Result<keyring::Entry, SecretError> {
        keyring::Entry::new(KEYRING_SERVICE, appid).map_err(keyring_error)
    }

    /// Whether a keyring service answers (a lookup of an entry that does not exist).
    pub fn probe() -> Result<(), SecretError> {
        match Self.get("coupon-studio-probe") {
            Ok(_) => Ok(()),
            Err(e) => Err(e),
        }
    }
}

impl SecretStore for KeyringStore {
    fn get(&self, appid: &str) -> Result<Option<String>, SecretError> {
        match Self::entry(appid)?.get_password() {
            Ok(s) => Ok(Some(s)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keyring_error(e)),
        }
    }

    fn set(&self, appid: &str, secret: &str) -> Result<(), SecretError> {
        Self::entry(appid)?
            .set_password(secret)
            .map_err(keyring_error)
    }

    fn delete(&self, appid: &str) -> Result<(), SecretError> {
        match Self::entry(appid)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(keyring_error(e)),
        }
    }
}

/// An in-memory store, for tests; `unavailable` makes it behave like a machine without a
/// keyring service.
#[derive(Debug, Default)]
pub struct MemoryStore {
    map: Mutex<HashMap<String, String>>,
    /// When set, every call fails with [`SecretError::Unavailable`].
    pub unavailable: bool,
}

impl MemoryStore {
    /// A store that has no keyring service behind it.
    pub fn without_service() -> Self {
        Self {
            map: Mutex::default(),
            unavailable: true,
        }
    }

    fn check(&self) -> Result<(), SecretError> {
        if self.unavailable {
            return Err(SecretError::Unavailable(
                "test store without a service".into(),
            ));
        }
        Ok(())
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, appid: &str) -> Result<Option<String>, SecretError> {
        self.check()?;
        let map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(map.get(appid).cloned())
    }

    fn set(&self, appid: &str, secret: &str) -> Result<(), SecretError> {
        self.check()?;
        let mut map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        map.insert(appid.to_owned(), secret.to_owned());
        Ok(())
    }

    fn delete(&self, appid: &str) -> Result<(), SecretError> {
        self.check()?;
        let mut map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        map.remove(appid);
        Ok(())
    }
}

/// Where a secret ended up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stored {
    /// In the keyring.
    Keyring,
    /// There is no keyring service: kept in memory for this session only (the app says so
    /// and asks again next time).
    SessionOnly(String),
}

/// The app's view of secrets: the keyring first, then what was entered this session.
pub struct Vault {
    store: Arc<dyn SecretStore>,
    /// Secrets entered this session when the keyring could not take them, by AppID.
    session: Mutex<HashMap<String, String>>,
    /// Pasted tokens by account id (memory only, always).
    tokens: Mutex<HashMap<String, String>>,
}

impl std::fmt::Debug for Vault {
    // Never print what is inside.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Vault(***)")
    }
}

impl Vault {
    /// A vault over a store.
    pub fn new(store: Arc<dyn SecretStore>) -> Self {
        Self {
            store,
            session: Mutex::default(),
            tokens: Mutex::default(),
        }
    }

    /// The secret for `appid`: entered this session, else from the store. An unavailable
    /// keyring is not an error here: the caller asks the user (once per session).
    pub fn secret(&self, appid: &str) -> Result<Option<String>, SecretError> {
        let session = self.session.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(s) = session.get(appid) {
            return Ok(Some(s.clone()));
        }
        drop(session);
        match self.store.get(appid) {
            Ok(found) => {
                if let Some(s) = &found {
                    register_sensitive(s);
                }
                Ok(found)
            }
            Err(SecretError::Unavailable(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Keeps a secret: in the keyring when there is one, else in memory for this session.
    pub fn store_secret(&self, appid: &str, secret: &str) -> Stored {
        register_sensitive(secret);
        let stored = match self.store.set(appid, secret) {
            Ok(()) => Stored::Keyring,
            Err(e) => Stored::SessionOnly(e.to_string()),
        };
        if stored != Stored::Keyring {
            let mut session = self.session.lock().unwrap_or_else(PoisonError::into_inner);
            session.insert(appid.to_owned(), secret.to_owned());
        }
        stored
    }

    /// Forgets the secret of `appid` everywhere.
    pub fn forget_secret(&self, appid: &str) -> Result<(), SecretError> {
        self.session
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(appid);
        match self.store.delete(appid) {
            Ok(()) | Err(SecretError::Unavailable(_)) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Whether a secret for `appid` is known (without revealing it).
    pub fn has_secret(&self, appid: &str) -> bool {
        matches!(self.secret(appid), Ok(Some(_)))
    }

    /// Remembers a pasted token for an account, for this session.
    pub fn set_pasted_token(&self, account_id: &str, token: &str) {
        register_sensitive(token);
        self.tokens
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(account_id.to_owned(), token.trim().to_owned());
    }

    /// The pasted token of an account, if one was pasted this session.
    pub fn pasted_token(&self, account_id: &str) -> Option<String> {
        self.tokens
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(account_id)
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn without_a_keyring_the_secret_is_kept_for_the_session_only() {
        let vault = Vault::new(Arc::new(MemoryStore::without_service()));
        assert_eq!(vault.secret("wx1").unwrap(), None);
        assert!(matches!(
            vault.store_secret("wx1", "session-secret"),
            Stored::SessionOnly(_)
        ));
        assert_eq!(
            vault.secret("wx1").unwrap().as_deref(),
            Some("session-secret")
        );
        // A new session (a new vault over the same store) has to ask again.
        let next = Vault::new(Arc::new(MemoryStore::without_service()));
        assert_eq!(next.secret("wx1").unwrap(), None);
        vault.forget_secret("wx1").unwrap();
        assert!(!vault.has_secret("wx1"));
    }

    /// The real keyring, where a Secret Service (e.g. gnome-keyring under
    /// `dbus-run-session`) answers; elsewhere the probe must say "unavailable", which is what
    /// the app shows. `COUPON_STUDIO_REQUIRE_KEYRING=1` (set by `scripts/keyring-test.sh`, which
    /// CI runs) makes a missing keyring a failure.
    #[test]
    fn the_real_keyring_round_trips_when_there_is_one() {
        if let Err(e) = KeyringStore::probe() {
            assert!(
                std::env::var_os("COUPON_STUDIO_REQUIRE_KEYRING").is_none(),
                "a keyring was required: {e}"
            );
            eprintln!("skipping the real keyring round trip: {e}");
            assert!(matches!(e, SecretError::Unavailable(_)), "{e:?}");
            return;
        }
        let appid = format!("wx-coupon-studio-test-{}", std::process::id());
        KeyringStore.set(&appid, "real-keyring-secret").unwrap();
        assert_eq!(
            KeyringStore.get(&appid).unwrap().as_deref(),
            Some("real-keyring-secret")
        );
        KeyringStore.delete(&appid).unwrap();
        assert_eq!(KeyringStore.get(&appid).unwrap(), None);
    }

    #[test]
    fn with_a_keyring_the_secret_outlives_the_vault() {
        let store = Arc::new(MemoryStore::default());
        let vault = Vault::new(store.clone());
        assert_eq!(vault.store_secret("wx2", "kept-secret"), Stored::Keyring);
        let next = Vault::new(store);
        assert_eq!(next.secret("wx2").unwrap().as_deref(), Some("kept-secret"));
        assert!(format!("{next:?}").contains("***"));
    }
}
