//! The open platform's part of the PostgreSQL backend ([`PlatformStorage`]): the same
//! statements as SQLite's (`schema.rs`), and `exclusive` as a transaction-scoped advisory lock,
//! which one session at a time holds whichever instance it belongs to, and which PostgreSQL
//! releases by itself if the instance dies holding it (or the holder is cancelled: the
//! transaction is rolled back). The lock is held on a connection of a pool of its own, so that
//! holders never take the connections the pushes and the holders' own work need.

use std::sync::Arc;

use futures_util::future::BoxFuture;
use sha2::{Digest, Sha256};
use tokio_postgres::Row;

use super::StorageError;
use super::platform::{AuthorizerRow, Columns, ComponentRow, PlatformStorage, TokenUpdate};
use super::postgres::{PostgresStorage, pg};
use super::schema::{
    AUTHORIZER_SQL, AUTHORIZERS_SQL, COMPONENT_SQL, INIT_SETTING_SQL, REVOKE_AUTHORIZER_SQL,
    SAVE_AUTHORIZER_TOKEN_SQL, SAVE_COMPONENT_TOKEN_SQL, SAVE_GRANT_SQL, SAVE_TICKET_SQL,
    SETTING_SQL,
};

/// The advisory lock's key of a name: the first 8 bytes of its SHA-256 (the fixed locks of
/// `schema.rs` are numbers no hash is likely to meet).
pub fn lock_key(name: &str) -> i64 {
    let digest = Sha256::digest(format!("coupon-studio-lock:{name}").as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(first)
}

/// PostgreSQL reads a column with `try_get`.
impl Columns for Row {
    type Error = StorageError;
    fn text(&self, i: usize) -> Result<String, StorageError> {
        self.try_get(i).map_err(pg)
    }
    fn text_or_null(&self, i: usize) -> Result<Option<String>, StorageError> {
        self.try_get(i).map_err(pg)
    }
    fn int(&self, i: usize) -> Result<i64, StorageError> {
        self.try_get(i).map_err(pg)
    }
    fn int_or_null(&self, i: usize) -> Result<Option<i64>, StorageError> {
        self.try_get(i).map_err(pg)
    }
}

impl PlatformStorage for PostgresStorage {
    fn setting(&self, name: String) -> BoxFuture<'_, Result<Option<String>, StorageError>> {
        Box::pin(async move {
            let client = self.client().await?;
            let row = client.query_opt(SETTING_SQL, &[&name]).await.map_err(pg)?;
            row.map(|r| r.try_get(0).map_err(pg)).transpose()
        })
    }

    fn init_setting(
        &self,
        name: String,
        value: String,
    ) -> BoxFuture<'_, Result<String, StorageError>> {
        Box::pin(async move {
            let client = self.client().await?;
            client
                .execute(INIT_SETTING_SQL, &[&name, &value])
                .await
                .map_err(pg)?;
            client
                .query_one(SETTING_SQL, &[&name])
                .await
                .map_err(pg)?
                .try_get(0)
                .map_err(pg)
        })
    }

    fn component(
        &self,
        component: String,
    ) -> BoxFuture<'_, Result<Option<ComponentRow>, StorageError>> {
        Box::pin(async move {
            let client = self.client().await?;
            let stmt = client.prepare_cached(COMPONENT_SQL).await.map_err(pg)?;
            let row = client.query_opt(&stmt, &[&component]).await.map_err(pg)?;
            row.as_ref().map(ComponentRow::read).transpose()
        })
    }

    fn save_ticket(
        &self,
        component: String,
        sealed: String,
        at: i64,
    ) -> BoxFuture<'_, Result<(), StorageError>> {
        Box::pin(async move {
            let client = self.client().await?;
            client
                .execute(SAVE_TICKET_SQL, &[&component, &sealed, &at])
                .await
                .map_err(pg)?;
            Ok(())
        })
    }

    fn save_component_token(
        &self,
        component: String,
        sealed: String,
        expires: i64,
    ) -> BoxFuture<'_, Result<(), StorageError>> {
        Box::pin(async move {
            let client = self.client().await?;
            client
                .execute(SAVE_COMPONENT_TOKEN_SQL, &[&component, &sealed, &expires])
                .await
                .map_err(pg)?;
            Ok(())
        })
    }

    fn authorizers(
        &self,
        component: String,
    ) -> BoxFuture<'_, Result<Vec<AuthorizerRow>, StorageError>> {
        Box::pin(async move {
            let client = self.client().await?;
            let rows = client
                .query(AUTHORIZERS_SQL, &[&component])
                .await
                .map_err(pg)?;
            rows.iter().map(AuthorizerRow::read).collect()
        })
    }

    fn authorizer(
        &self,
        component: String,
        appid: String,
    ) -> BoxFuture<'_, Result<Option<AuthorizerRow>, StorageError>> {
        Box::pin(async move {
            let client = self.client().await?;
            let stmt = client.prepare_cached(AUTHORIZER_SQL).await.map_err(pg)?;
            let row = client
                .query_opt(&stmt, &[&component, &appid])
                .await
                .map_err(pg)?;
            row.as_ref().map(AuthorizerRow::read).transpose()
        })
    }

    fn save_grant(
        &self,
        component: String,
        row: AuthorizerRow,
    ) -> BoxFuture<'_, Result<(), StorageError>> {
        Box::pin(async move {
            let client = self.client().await?;
            client
                .execute(
                    SAVE_GRANT_SQL,
                    &[
                        &component,
                        &row.appid,
                        &row.name,
                        &row.user_name,
                        &row.principal_name,
                        &row.func_info_json(),
                        &row.authorized_at,
                        &row.access_token,
                        &row.token_expires,
                        &row.refresh_token,
                        &row.auth_code,
                    ],
                )
                .await
                .map_err(pg)?;
            Ok(())
        })
    }

    fn save_authorizer_token(
        &self,
        component: String,
        u: TokenUpdate,
    ) -> BoxFuture<'_, Result<bool, StorageError>> {
        Box::pin(async move {
            let client = self.client().await?;
            let n = client
                .execute(
                    SAVE_AUTHORIZER_TOKEN_SQL,
                    &[
                        &u.access_token,
                        &u.token_expires,
                        &u.refresh_token,
                        &component,
                        &u.appid,
                        &u.auth_code,
                    ],
                )
                .await
                .map_err(pg)?;
            Ok(n > 0)
        })
    }

    fn revoke_authorizer(
        &self,
        component: String,
        appid: String,
        now: i64,
    ) -> BoxFuture<'_, Result<bool, StorageError>> {
        Box::pin(async move {
            let client = self.client().await?;
            let n = client
                .execute(REVOKE_AUTHORIZER_SQL, &[&now, &component, &appid])
                .await
                .map_err(pg)?;
            Ok(n > 0)
        })
    }

    fn exclusive<'a>(
        &'a self,
        name: String,
        work: BoxFuture<'a, ()>,
    ) -> BoxFuture<'a, Result<(), StorageError>> {
        Box::pin(async move {
            // This instance's waiters queue in process; one of them at a time waits in
            // PostgreSQL, on a connection of the lock pool.
            let local = Arc::clone(
                self.local
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .entry(name.clone())
                    .or_default(),
            );
            let _queued = local.lock().await;
            let mut client = self
                .lock_pool
                .get()
                .await
                .map_err(super::postgres_tls::connect_error)?;
            let tx = client.transaction().await.map_err(pg)?;
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&lock_key(&name)])
                .await
                .map_err(pg)?;
            // The work reads and writes through other connections: what it commits is
            // visible to the next holder, which takes the lock only once this commits.
            work.await;
            tx.commit().await.map_err(pg)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_keys_differ_by_name_and_never_meet_the_fixed_ones() {
        let a = lock_key("component:wx1");
        assert_eq!(a, lock_key("component:wx1"));
        assert_ne!(a, lock_key("component:wx2"));
        for fixed in [
            super::super::schema::INSERT_LOCK,
            super::super::schema::MIGRATE_LOCK,
        ] {
            assert_ne!(a, fixed);
        }
    }
}
