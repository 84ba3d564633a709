//! The schema migrations of this capability; `crate::migration` runs them in order.

pub mod m20261206_000026_event;
