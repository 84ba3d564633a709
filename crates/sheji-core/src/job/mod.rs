//! Background jobs: what a job's states are, when a failed attempt is tried again, when a
//! recurring job falls due, and when a lease has run out. Pure: the store claims and records,
//! the service runs; every time here is a parameter.

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};

crate::coded_enum! {
    /// Where a job stands.
    pub enum JobStatus {
        /// Waiting for its time and a free worker (a retry waits here too).
        Queued = "queued",
        /// Claimed by a node, whose lease keeps others off until it runs out.
        Running = "running",
        /// Finished.
        Done = "done",
        /// Failed on its last allowed attempt.
        Failed = "failed",
    }
}

impl JobStatus {
    /// Whether the job is over.
    pub fn is_final(self) -> bool {
        matches!(self, JobStatus::Done | JobStatus::Failed)
    }

    /// Badge class.
    pub fn badge(self) -> &'static str {
        match self {
            JobStatus::Queued => "draft",
            JobStatus::Running => "progress",
            JobStatus::Done => "passed",
            JobStatus::Failed => "rejected",
        }
    }
}

crate::coded_enum! {
    /// How one attempt ended (the run history).
    pub enum RunOutcome {
        /// Still running, or its node died (then the lease runs out and it is retaken).
        Running = "running",
        /// The attempt finished the job.
        Done = "done",
        /// The attempt failed; the job is queued again or failed for good.
        Failed = "failed",
        /// The node's lease ran out before it finished; another node took the job over.
        Lost = "lost",
    }
}

impl RunOutcome {
    /// Badge class.
    pub fn badge(self) -> &'static str {
        match self {
            RunOutcome::Running => "progress",
            RunOutcome::Done => "passed",
            RunOutcome::Failed => "rejected",
            RunOutcome::Lost => "action",
        }
    }
}

/// How often a job is tried and how long it waits between tries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// The wait after the first failure; it doubles after each further one.
    pub first_wait_seconds: i64,
    /// The longest wait.
    pub max_wait_seconds: i64,
    /// The waits after the first, second, … failure, when a kind wants its own steps rather
    /// than doubling (the last one repeats); empty: doubling from `first_wait_seconds`.
    pub waits: &'static [i64],
}

impl RetryPolicy {
    /// Most jobs: five attempts, waiting 30 s, 1 min, 2 min, 4 min.
    pub const DEFAULT: RetryPolicy =
        RetryPolicy { max_attempts: 5, first_wait_seconds: 30, max_wait_seconds: 3_600, waits: &[] };

    /// Work that must not run twice on its own (an import a person started): one attempt;
    /// a failure is reported to them instead.
    pub const ONCE: RetryPolicy =
        RetryPolicy { max_attempts: 1, first_wait_seconds: 0, max_wait_seconds: 0, waits: &[] };

    /// A message leaving the platform (e-mail, SMS): a mail server or gateway that is down is
    /// usually down for minutes or hours, not seconds, so five attempts over about two and a
    /// half hours (1 min, 5 min, 30 min, 2 h), then it is given up and an administrator may
    /// send it again.
    pub const DELIVERY: RetryPolicy = RetryPolicy {
        max_attempts: 5,
        first_wait_seconds: 60,
        max_wait_seconds: 7_200,
        waits: &[60, 300, 1_800, 7_200],
    };

    /// When a job that failed its `attempt`-th try (1-based) runs again, or `None` when that
    /// was the last allowed one.
    pub fn retry_at(&self, attempt: u32, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if attempt >= self.max_attempts {
            return None;
        }
        let step = attempt.saturating_sub(1);
        let wait = if self.waits.is_empty() {
            self.first_wait_seconds.saturating_mul(1_i64 << step.min(30))
        } else {
            let i = usize::try_from(step).unwrap_or(usize::MAX).min(self.waits.len().saturating_sub(1));
            self.waits.get(i).copied().unwrap_or(self.max_wait_seconds)
        }
        .min(self.max_wait_seconds);
        Some(now + Duration::seconds(wait))
    }
}

/// When a recurring job falls due. Times of day are China Standard Time, the city's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    /// Every so many minutes, on the minute grid from midnight UTC (every 60: on the hour).
    EveryMinutes(u32),
    /// Once a day at this time.
    DailyAt(NaiveTime),
}

/// China Standard Time (UTC+8, no daylight saving), in which the city's days begin.
const CST_HOURS: i64 = 8;

impl Schedule {
    /// The start of the slot `now` falls in: the run due most recently. Every node computes
    /// the same slot, and the queue takes one job per (schedule, slot), so a recurring job
    /// runs once however many nodes there are.
    pub fn slot(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        match *self {
            Schedule::EveryMinutes(m) => {
                let step = i64::from(m.max(1)) * 60;
                let t = now.timestamp();
                Utc.timestamp_opt(t - t.rem_euclid(step), 0).single().unwrap_or(now)
            }
            Schedule::DailyAt(at) => {
                let local = now.naive_utc() + Duration::hours(CST_HOURS);
                let due = Utc.from_utc_datetime(&(local.date().and_time(at) - Duration::hours(CST_HOURS)));
                if due <= now { due } else { due - Duration::days(1) }
            }
        }
    }
}

impl Schedule {
    /// When the next slot after the one `now` falls in begins.
    pub fn next(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        match *self {
            Schedule::EveryMinutes(m) => self.slot(now) + Duration::minutes(i64::from(m.max(1))),
            Schedule::DailyAt(_) => self.slot(now) + Duration::days(1),
        }
    }
}

/// Whether a lease held until `until` has run out at `now`.
pub fn lease_expired(until: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    until.is_none_or(|u| u < now)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn retries_back_off_and_stop() {
        let p = RetryPolicy::DEFAULT;
        let now = at("2026-12-06T00:00:00Z");
        assert_eq!(p.retry_at(1, now), Some(at("2026-12-06T00:00:30Z")));
        assert_eq!(p.retry_at(2, now), Some(at("2026-12-06T00:01:00Z")));
        assert_eq!(p.retry_at(4, now), Some(at("2026-12-06T00:04:00Z")));
        assert_eq!(p.retry_at(5, now), None);
        assert_eq!(RetryPolicy::ONCE.retry_at(1, now), None);
        let d = RetryPolicy::DELIVERY;
        assert_eq!(d.retry_at(1, now), Some(at("2026-12-06T00:01:00Z")));
        assert_eq!(d.retry_at(2, now), Some(at("2026-12-06T00:05:00Z")));
        assert_eq!(d.retry_at(3, now), Some(at("2026-12-06T00:30:00Z")));
        assert_eq!(d.retry_at(4, now), Some(at("2026-12-06T02:00:00Z")));
        assert_eq!(d.retry_at(5, now), None, "given up after the fifth attempt");
    }

    #[test]
    fn every_node_sees_the_same_slot() {
        let hourly = Schedule::EveryMinutes(60);
        assert_eq!(hourly.slot(at("2026-12-06T10:59:59Z")), at("2026-12-06T10:00:00Z"));
        assert_eq!(hourly.slot(at("2026-12-06T11:00:00Z")), at("2026-12-06T11:00:00Z"));
        // 08:00 in Chongqing is 00:00 UTC.
        let daily = Schedule::DailyAt(NaiveTime::from_hms_opt(8, 0, 0).unwrap());
        assert_eq!(daily.slot(at("2026-12-06T00:30:00Z")), at("2026-12-06T00:00:00Z"));
        assert_eq!(daily.slot(at("2026-12-05T23:59:00Z")), at("2026-12-05T00:00:00Z"));
        assert_eq!(daily.next(at("2026-12-05T23:59:00Z")), at("2026-12-06T00:00:00Z"));
        assert_eq!(hourly.next(at("2026-12-06T10:59:59Z")), at("2026-12-06T11:00:00Z"));
    }

    #[test]
    fn a_lease_runs_out_after_its_time() {
        let now = at("2026-12-06T00:00:00Z");
        assert!(lease_expired(None, now));
        assert!(lease_expired(Some(at("2026-12-05T23:59:59Z")), now));
        assert!(!lease_expired(Some(at("2026-12-06T00:00:10Z")), now));
    }
}
