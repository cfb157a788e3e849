//! The company server (`coupon-studio server`, issue 19): its storage, `/wechat`, the API,
//! several instances on one PostgreSQL, and the real binary. Each test of one backend runs on
//! SQLite and, when `COUPON_STUDIO_TEST_DATABASE_URL` is set, on PostgreSQL
//! (`support::server`).

mod api;
mod cli;
mod cli_platform;
mod platform;
mod platform_secrets;
mod platform_storage;
mod postgres;
mod push;
mod storage;
mod tls;
