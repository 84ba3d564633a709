//! The schema migrations of this capability; `crate::migration` runs them in order.

pub mod m20261127_000003_identity;
pub mod m20261206_000023_login_attempt_by_name;
pub mod m20261206_000028_account_status_reason;
pub mod m20261207_000033_login_attempt_at;
