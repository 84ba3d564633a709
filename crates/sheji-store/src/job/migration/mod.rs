//! The schema migrations of this capability; `crate::migration` runs them in order.

pub mod m20261127_000005_job;
pub mod m20261206_000012_job_queue;
