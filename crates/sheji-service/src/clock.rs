//! The system clock: the one place that reads the wall time. Everything else takes a
//! `sheji_core::clock::Clock`.

use chrono::{DateTime, Utc};
use sheji_core::clock::Clock;

/// Reads the operating system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)] // the single sanctioned read of the wall clock
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}
