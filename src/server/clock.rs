//! The server's clock for token lifetimes: the system clock plus an offset that tests advance
//! together with the simulator's, so that "two hours later" needs no waiting. The age check
//! of a push's `timestamp` keeps the system clock: it guards against replays.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// Unix seconds, shared by every clone (two server instances of a test share one clock).
#[derive(Clone, Debug, Default)]
pub struct Clock {
    offset: Arc<AtomicI64>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Self::default()
    }

    /// Now, unix seconds.
    pub fn now(&self) -> i64 {
        chrono::Utc::now()
            .timestamp()
            .saturating_add(self.offset.load(Ordering::Relaxed))
    }

    /// Moves this clock (and every clone) `seconds` forward; tests only.
    pub fn advance(&self, seconds: i64) {
        self.offset.fetch_add(seconds, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_advance_together() {
        let a = Clock::system();
        let b = a.clone();
        let before = b.now();
        a.advance(7200);
        assert!(b.now() >= before + 7200);
        assert!(Clock::system().now() < before + 7200);
    }
}
