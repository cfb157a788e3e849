//! The simulated clock: real time plus an offset that only grows (the admin API advances it,
//! `SandboxConfig::start_time` sets where it starts). Token expiry, review, quotes, marks,
//! QR expiry and code validity all follow it, so tests never sleep.

/// The real time, unix seconds.
pub fn real_now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// The offset that makes the simulated clock read `start` now.
pub fn offset_for_start(start: i64) -> i64 {
    start.saturating_sub(real_now())
}

/// Advances an offset by `seconds` (never backwards: negative values are refused by the
/// admin API before this is called).
pub fn advance(offset: i64, seconds: i64) -> i64 {
    offset.saturating_add(seconds.max(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets() {
        let off = offset_for_start(1_000);
        assert!((real_now() + off - 1_000).abs() <= 1);
        assert_eq!(advance(5, 10), 15);
        assert_eq!(advance(5, -10), 5);
    }
}
