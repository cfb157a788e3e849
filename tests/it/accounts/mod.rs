//! Accounts in Settings, and the AppSecret never written anywhere.

mod secrets_never_leak;
mod ui;
