//! The tables of this capability, as SeaORM entities.

pub mod audit_head;
pub mod audit_record;
