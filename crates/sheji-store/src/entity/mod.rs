//! Table mappings. Private to the store: callers get domain types from `sheji-core`.

pub mod account;
pub mod affiliation;
pub mod api_token;
pub mod audit_head;
pub mod audit_record;
pub mod cluster;
pub mod district;
pub mod honor_tier;
pub mod industry_division;
pub mod industry_section;
pub mod job;
pub mod library_application;
pub mod library_event;
pub mod login_attempt;
pub mod organization;
pub mod organization_alias;
pub mod organization_cluster;
pub mod organization_indicator;
pub mod organization_qualification;
pub mod search_outbox;
pub mod service_category;
pub mod session;
pub mod setting;
pub mod title_level;
