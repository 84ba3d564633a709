//! Table mappings. Private to the store: callers get domain types from `sheji-core`.

pub mod cluster;
pub mod district;
pub mod honor_tier;
pub mod industry_division;
pub mod industry_section;
pub mod organization;
pub mod organization_cluster;
pub mod service_category;
pub mod title_level;
