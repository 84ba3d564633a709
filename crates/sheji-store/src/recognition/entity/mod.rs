//! The tables of this capability, as SeaORM entities.

pub mod recognition;
pub mod recognition_application;
pub mod recognition_batch;
pub mod recognition_event;
