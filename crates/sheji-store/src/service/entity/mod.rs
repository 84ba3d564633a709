//! The tables of this capability, as SeaORM entities.

pub mod cultivation_target;
pub mod service_record;
