//! The schema migrations of this capability; `crate::migration` runs them in order.

pub mod m20261127_000008_review;
pub mod m20261206_000017_publicity_notice;
pub mod m20261206_000019_objection_receipt;
pub mod m20261207_000032_notice_rubric;
