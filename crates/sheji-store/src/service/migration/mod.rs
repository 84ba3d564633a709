//! The schema migrations of this capability; `crate::migration` runs them in order.

pub mod m20261127_000010_service;
pub mod m20261206_000016_follow_up_index;
pub mod m20261206_000030_service_branch;
