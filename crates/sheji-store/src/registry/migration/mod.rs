//! The schema migrations of this capability; `crate::migration` runs them in order.

pub mod m20261127_000002_registry;
pub mod m20261127_000004_library;
pub mod m20261127_000006_list_order;
pub mod m20261206_000021_open_application_guard;
pub mod m20261206_000029_figures_provenance;
pub mod m20261207_000034_name_guard;
