//! The tables of this capability, as SeaORM entities.

pub mod delivery;
pub mod message;
pub mod notification_choice;
pub mod notification_profile;
