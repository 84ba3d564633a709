//! The tables of this capability, as SeaORM entities.

pub mod account;
pub mod affiliation;
pub mod api_token;
pub mod login_attempt;
pub mod session;
pub mod setting;
