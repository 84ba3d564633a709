//! The tables of this capability, as SeaORM entities.

pub mod library_application;
pub mod library_event;
pub mod organization;
pub mod organization_alias;
pub mod organization_cluster;
pub mod organization_indicator;
pub mod organization_qualification;
