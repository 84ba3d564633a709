//! The tables of this capability, as SeaORM entities.

pub mod demand;
pub mod demand_tag;
pub mod interest;
pub mod matchmaking_district;
pub mod matchmaking_guide;
pub mod offer;
pub mod offer_tag;
