//! The tables of this capability, as SeaORM entities.

pub mod job;
pub mod job_run;
