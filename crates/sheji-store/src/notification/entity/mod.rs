//! The tables of this capability, as SeaORM entities.

pub mod message;
