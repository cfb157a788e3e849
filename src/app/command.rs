//! One command type for every panel's commands, so that the shell runs them alike.

use crate::ui::design::Command;

/// A command of any panel, for the IO side.
#[derive(Clone, Debug, PartialEq)]
pub enum AppCommand {
    /// From the Design panel.
    Design(Command),
    /// From the Wallet panel.
    Wallet(crate::ui::wallet::Command),
    /// From the Placement panel.
    Placement(crate::ui::placement::Command),
    /// From the Redeem panel.
    Redeem(crate::ui::redeem::Command),
    /// From the Stats panel.
    Stats(crate::ui::stats::Command),
    /// From the accounts part of Settings.
    Accounts(crate::ui::accounts::Command),
}

impl From<crate::ui::accounts::Command> for AppCommand {
    fn from(c: crate::ui::accounts::Command) -> Self {
        Self::Accounts(c)
    }
}

impl From<crate::ui::stats::Command> for AppCommand {
    fn from(c: crate::ui::stats::Command) -> Self {
        Self::Stats(c)
    }
}

impl From<crate::ui::redeem::Command> for AppCommand {
    fn from(c: crate::ui::redeem::Command) -> Self {
        Self::Redeem(c)
    }
}

impl From<crate::ui::placement::Command> for AppCommand {
    fn from(c: crate::ui::placement::Command) -> Self {
        Self::Placement(c)
    }
}

impl From<Command> for AppCommand {
    fn from(c: Command) -> Self {
        Self::Design(c)
    }
}

impl From<crate::ui::wallet::Command> for AppCommand {
    fn from(c: crate::ui::wallet::Command) -> Self {
        Self::Wallet(c)
    }
}
