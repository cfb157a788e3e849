//! What the company server keeps for an open platform (第三方平台): its verify ticket and
//! component token, and every merchant that authorized it, with the merchant's tokens.
//!
//! The storage only moves text: every ticket and token arrives here sealed (AES-256-GCM under
//! the master key, `server::platform::seal`), so neither the database file nor a dump shows
//! one. [`PlatformStorage::exclusive`] lets one instance at a time refresh a token.

use futures_util::future::BoxFuture;

use super::StorageError;

/// A platform's row: its newest verify ticket and its component token, both sealed.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ComponentRow {
    /// The newest `component_verify_ticket`, sealed.
    pub verify_ticket: Option<String>,
    /// Its `CreateTime`.
    pub ticket_at: i64,
    /// The `component_access_token`, sealed.
    pub access_token: Option<String>,
    /// When it expires (unix seconds, the server's clock).
    pub token_expires: i64,
}

impl std::fmt::Debug for ComponentRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ComponentRow")
            .field("verify_ticket", &self.verify_ticket.is_some())
            .field("ticket_at", &self.ticket_at)
            .field("access_token", &self.access_token.is_some())
            .field("token_expires", &self.token_expires)
            .finish()
    }
}

/// A merchant that authorized the platform (or did, when `revoked_at` is set).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct AuthorizerRow {
    /// Its AppID.
    pub appid: String,
    /// Its name (`nick_name`).
    pub name: String,
    /// Its original id (`gh_…`).
    pub user_name: String,
    /// The company behind it (`principal_name`).
    pub principal_name: String,
    /// The permission sets it granted (`func_info`'s ids).
    pub func_info: Vec<i64>,
    /// When it authorized (unix seconds).
    pub authorized_at: i64,
    /// When it withdrew its authorization.
    pub revoked_at: Option<i64>,
    /// The `authorizer_access_token`, sealed.
    pub access_token: Option<String>,
    /// When it expires (unix seconds, the server's clock).
    pub token_expires: i64,
    /// The `authorizer_refresh_token`, sealed.
    pub refresh_token: Option<String>,
    /// The SHA-256 of the authorization code the grant came from.
    pub auth_code: String,
}

impl std::fmt::Debug for AuthorizerRow {
    // The sealed values only as "present".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthorizerRow")
            .field("appid", &self.appid)
            .field("name", &self.name)
            .field("authorized_at", &self.authorized_at)
            .field("revoked_at", &self.revoked_at)
            .field("access_token", &self.access_token.is_some())
            .field("token_expires", &self.token_expires)
            .field("refresh_token", &self.refresh_token.is_some())
            .finish_non_exhaustive()
    }
}

/// A row of a result as a backend reads its columns by position: the one thing the
/// backends do differently when they read an [`AuthorizerRow`] or a [`ComponentRow`].
pub(super) trait Columns {
    /// The backend's error.
    type Error;
    /// A `TEXT NOT NULL` column.
    fn text(&self, i: usize) -> Result<String, Self::Error>;
    /// A `TEXT` column.
    fn text_or_null(&self, i: usize) -> Result<Option<String>, Self::Error>;
    /// A `BIGINT NOT NULL` column.
    fn int(&self, i: usize) -> Result<i64, Self::Error>;
    /// A `BIGINT` column.
    fn int_or_null(&self, i: usize) -> Result<Option<i64>, Self::Error>;
}

impl ComponentRow {
    /// The row of `COMPONENT_SQL`, in its column order.
    pub(super) fn read<R: Columns>(r: &R) -> Result<Self, R::Error> {
        Ok(Self {
            verify_ticket: r.text_or_null(0)?,
            ticket_at: r.int(1)?,
            access_token: r.text_or_null(2)?,
            token_expires: r.int(3)?,
        })
    }
}

impl AuthorizerRow {
    /// A row of `AUTHORIZERS_SQL` or `AUTHORIZER_SQL`, in their column order.
    pub(super) fn read<R: Columns>(r: &R) -> Result<Self, R::Error> {
        Ok(Self {
            appid: r.text(0)?,
            name: r.text(1)?,
            user_name: r.text(2)?,
            principal_name: r.text(3)?,
            func_info: Self::parse_func_info(&r.text(4)?),
            authorized_at: r.int(5)?,
            revoked_at: r.int_or_null(6)?,
            access_token: r.text_or_null(7)?,
            token_expires: r.int(8)?,
            refresh_token: r.text_or_null(9)?,
            auth_code: r.text(10)?,
        })
    }

    /// `func_info` as stored: a JSON array.
    pub fn func_info_json(&self) -> String {
        serde_json::to_string(&self.func_info).unwrap_or_else(|_| "[]".into())
    }

    /// `func_info` read back (an unreadable list is an empty one: it only informs).
    pub fn parse_func_info(text: &str) -> Vec<i64> {
        serde_json::from_str(text).unwrap_or_default()
    }
}

/// A refreshed authorizer token to keep.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenUpdate {
    /// The merchant.
    pub appid: String,
    /// The new token, sealed.
    pub access_token: String,
    /// When it expires.
    pub token_expires: i64,
    /// The refresh token (WeChat repeats it, or gives a new one), sealed.
    pub refresh_token: String,
    /// The grant the refresh started from ([`AuthorizerRow::auth_code`]): a newer grant is
    /// never overwritten by an older refresh.
    pub auth_code: String,
}

/// The open platform's part of the database. Every method is one short statement, except
/// [`exclusive`](Self::exclusive).
pub trait PlatformStorage: Send + Sync {
    /// A server setting (`master_key_check`, …).
    fn setting(&self, name: String) -> BoxFuture<'_, Result<Option<String>, StorageError>>;
    /// Sets `name` unless it is set; the value it has afterwards.
    fn init_setting(
        &self,
        name: String,
        value: String,
    ) -> BoxFuture<'_, Result<String, StorageError>>;
    /// The platform's row.
    fn component(
        &self,
        component: String,
    ) -> BoxFuture<'_, Result<Option<ComponentRow>, StorageError>>;
    /// Keeps a verify ticket (sealed) pushed at `at`, unless a newer one is kept.
    fn save_ticket(
        &self,
        component: String,
        sealed: String,
        at: i64,
    ) -> BoxFuture<'_, Result<(), StorageError>>;
    /// Keeps a component token (sealed) and its expiry.
    fn save_component_token(
        &self,
        component: String,
        sealed: String,
        expires: i64,
    ) -> BoxFuture<'_, Result<(), StorageError>>;
    /// Every merchant the platform has known, by AppID.
    fn authorizers(
        &self,
        component: String,
    ) -> BoxFuture<'_, Result<Vec<AuthorizerRow>, StorageError>>;
    /// One merchant.
    fn authorizer(
        &self,
        component: String,
        appid: String,
    ) -> BoxFuture<'_, Result<Option<AuthorizerRow>, StorageError>>;
    /// Records a grant: the merchant authorizes the platform with these tokens.
    fn save_grant(
        &self,
        component: String,
        row: AuthorizerRow,
    ) -> BoxFuture<'_, Result<(), StorageError>>;
    /// Keeps a refreshed token; false when the merchant was revoked or granted anew since.
    fn save_authorizer_token(
        &self,
        component: String,
        update: TokenUpdate,
    ) -> BoxFuture<'_, Result<bool, StorageError>>;
    /// Marks a merchant revoked at `now` and deletes its tokens; false when it was not
    /// authorized.
    fn revoke_authorizer(
        &self,
        component: String,
        appid: String,
        now: i64,
    ) -> BoxFuture<'_, Result<bool, StorageError>>;
    /// Runs `work` while holding the lock `name`, which one holder at a time has across
    /// every instance on this database (PostgreSQL: an advisory lock; SQLite, which one
    /// server process uses: a mutex).
    fn exclusive<'a>(
        &'a self,
        name: String,
        work: BoxFuture<'a, ()>,
    ) -> BoxFuture<'a, Result<(), StorageError>>;
}
