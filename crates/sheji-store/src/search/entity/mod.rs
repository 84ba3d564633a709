//! The tables of this capability, as SeaORM entities.

pub mod search_outbox;
