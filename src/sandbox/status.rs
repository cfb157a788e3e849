//! Card review statuses as getcard and batchget report them (`CARD_STATUS_*`); plain
//! constants below the state and the handlers that compare against them.

/// In review.
pub const NOT_VERIFY: &str = "CARD_STATUS_NOT_VERIFY";
/// Rejected.
pub const VERIFY_FAIL: &str = "CARD_STATUS_VERIFY_FAIL";
/// Approved.
pub const VERIFY_OK: &str = "CARD_STATUS_VERIFY_OK";
/// Deleted by the merchant.
pub const DELETE: &str = "CARD_STATUS_DELETE";
