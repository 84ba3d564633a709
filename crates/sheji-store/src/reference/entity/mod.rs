//! The tables of this capability, as SeaORM entities.

pub mod cluster;
pub mod district;
pub mod honor_tier;
pub mod industry_division;
pub mod industry_section;
pub mod service_category;
pub mod title_level;
