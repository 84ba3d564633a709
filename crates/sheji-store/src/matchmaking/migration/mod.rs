//! The schema migrations of this capability; `crate::migration` runs them in order.

pub mod m20261206_000024_matchmaking;
pub mod m20261206_000027_district_review;
