//! The open platform's part of the SQLite backend ([`PlatformStorage`]): the same statements
//! as PostgreSQL's (`schema.rs`), and `exclusive` as an in-process mutex per name, since one
//! server process uses a SQLite file.

use std::sync::Arc;

use futures_util::future::BoxFuture;
use rusqlite::{OptionalExtension, Row, params};

use super::StorageError;
use super::platform::{AuthorizerRow, Columns, ComponentRow, PlatformStorage, TokenUpdate};
use super::schema::{
    AUTHORIZER_SQL, AUTHORIZERS_SQL, COMPONENT_SQL, INIT_SETTING_SQL, REVOKE_AUTHORIZER_SQL,
    SAVE_AUTHORIZER_TOKEN_SQL, SAVE_COMPONENT_TOKEN_SQL, SAVE_GRANT_SQL, SAVE_TICKET_SQL,
    SETTING_SQL,
};
use super::sqlite::{SqliteStorage, lock};

/// SQLite reads a column with `get`.
impl Columns for Row<'_> {
    type Error = rusqlite::Error;
    fn text(&self, i: usize) -> rusqlite::Result<String> {
        self.get(i)
    }
    fn text_or_null(&self, i: usize) -> rusqlite::Result<Option<String>> {
        self.get(i)
    }
    fn int(&self, i: usize) -> rusqlite::Result<i64> {
        self.get(i)
    }
    fn int_or_null(&self, i: usize) -> rusqlite::Result<Option<i64>> {
        self.get(i)
    }
}

impl PlatformStorage for SqliteStorage {
    fn setting(&self, name: String) -> BoxFuture<'_, Result<Option<String>, StorageError>> {
        Self::run(&self.reader, move |conn| {
            Ok(conn
                .prepare_cached(SETTING_SQL)?
                .query_row(params![name], |r| r.get(0))
                .optional()?)
        })
    }

    fn init_setting(
        &self,
        name: String,
        value: String,
    ) -> BoxFuture<'_, Result<String, StorageError>> {
        Self::run(&self.writer, move |conn| {
            conn.execute(INIT_SETTING_SQL, params![name, value])?;
            Ok(conn.query_row(SETTING_SQL, params![name], |r| r.get(0))?)
        })
    }

    fn component(
        &self,
        component: String,
    ) -> BoxFuture<'_, Result<Option<ComponentRow>, StorageError>> {
        Self::run(&self.reader, move |conn| {
            Ok(conn
                .prepare_cached(COMPONENT_SQL)?
                .query_row(params![component], |r| ComponentRow::read(r))
                .optional()?)
        })
    }

    fn save_ticket(
        &self,
        component: String,
        sealed: String,
        at: i64,
    ) -> BoxFuture<'_, Result<(), StorageError>> {
        Self::run(&self.writer, move |conn| {
            conn.execute(SAVE_TICKET_SQL, params![component, sealed, at])?;
            Ok(())
        })
    }

    fn save_component_token(
        &self,
        component: String,
        sealed: String,
        expires: i64,
    ) -> BoxFuture<'_, Result<(), StorageError>> {
        Self::run(&self.writer, move |conn| {
            conn.execute(
                SAVE_COMPONENT_TOKEN_SQL,
                params![component, sealed, expires],
            )?;
            Ok(())
        })
    }

    fn authorizers(
        &self,
        component: String,
    ) -> BoxFuture<'_, Result<Vec<AuthorizerRow>, StorageError>> {
        Self::run(&self.reader, move |conn| {
            let mut stmt = conn.prepare_cached(AUTHORIZERS_SQL)?;
            let rows = stmt.query_map(params![component], |r| AuthorizerRow::read(r))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    fn authorizer(
        &self,
        component: String,
        appid: String,
    ) -> BoxFuture<'_, Result<Option<AuthorizerRow>, StorageError>> {
        Self::run(&self.reader, move |conn| {
            Ok(conn
                .prepare_cached(AUTHORIZER_SQL)?
                .query_row(params![component, appid], |r| AuthorizerRow::read(r))
                .optional()?)
        })
    }

    fn save_grant(
        &self,
        component: String,
        row: AuthorizerRow,
    ) -> BoxFuture<'_, Result<(), StorageError>> {
        Self::run(&self.writer, move |conn| {
            conn.execute(
                SAVE_GRANT_SQL,
                params![
                    component,
                    row.appid,
                    row.name,
                    row.user_name,
                    row.principal_name,
                    row.func_info_json(),
                    row.authorized_at,
                    row.access_token,
                    row.token_expires,
                    row.refresh_token,
                    row.auth_code
                ],
            )?;
            Ok(())
        })
    }

    fn save_authorizer_token(
        &self,
        component: String,
        u: TokenUpdate,
    ) -> BoxFuture<'_, Result<bool, StorageError>> {
        Self::run(&self.writer, move |conn| {
            let n = conn.execute(
                SAVE_AUTHORIZER_TOKEN_SQL,
                params![
                    u.access_token,
                    u.token_expires,
                    u.refresh_token,
                    component,
                    u.appid,
                    u.auth_code
                ],
            )?;
            Ok(n > 0)
        })
    }

    fn revoke_authorizer(
        &self,
        component: String,
        appid: String,
        now: i64,
    ) -> BoxFuture<'_, Result<bool, StorageError>> {
        Self::run(&self.writer, move |conn| {
            Ok(conn.execute(REVOKE_AUTHORIZER_SQL, params![now, component, appid])? > 0)
        })
    }

    fn exclusive<'a>(
        &'a self,
        name: String,
        work: BoxFuture<'a, ()>,
    ) -> BoxFuture<'a, Result<(), StorageError>> {
        Box::pin(async move {
            let mutex = Arc::clone(lock(&self.locks).entry(name).or_default());
            let _held = mutex.lock().await;
            work.await;
            Ok(())
        })
    }
}
