//! The tables of this capability, as SeaORM entities.

pub mod event;
pub mod event_meeting;
pub mod event_registration;
pub mod event_wish;
