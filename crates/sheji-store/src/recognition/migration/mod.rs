//! The schema migrations of this capability; `crate::migration` runs them in order.

pub mod m20261127_000009_recognition;
pub mod m20261206_000015_recognition_batch_index;
pub mod m20261206_000018_batch_call;
pub mod m20261206_000020_revocation;
pub mod m20261206_000022_re_review_guard;
pub mod m20261207_000031_rectification;
