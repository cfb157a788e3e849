//! Issue 19 end to end: the simulator pushes what its users, reviewers, payers and clock cause
//! to the real company server (`support::chain`), and the app on a 公司服务器 account shows it.
//! Each UI case asserts what a person sees; the expectations are computed from what the test
//! caused, never copied from a run.
//!
//! - [`review`]: a card created in the app gets its review result by push, no card/get poll;
//! - [`channels`]: channels made in the Placement panel, users scanning, sharing, giving and
//!   using codes, and Stats counting them per channel;
//! - [`wallet`]: the stock alert of a pushed card_sku_remind, and pushed coin orders;
//! - [`offline`]: the server stopped and started again, and a revoked key;
//! - [`seams`], [`delivery`]: where the three parts meet (gift-backs, the simulated clock,
//!   the coin orders' members, retries, de-duplication, `success` only after commit).

mod channels;
mod delivery;
mod offline;
mod review;
mod seams;
mod wallet;
