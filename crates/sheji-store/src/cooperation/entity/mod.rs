//! The tables of this capability, as SeaORM entities.

pub mod deal;
pub mod deal_milestone;
pub mod deal_rating;
pub mod deal_step;
