//! The demo data set: a small, realistic Chongqing, the same on every run (seeded), so tests
//! and screenshots are stable. Each capability keeps its own demo records in its `demo`
//! module; this file runs them in order, one line each.

use sheji_core::identity::Role;

use crate::{ServiceError, Services};

/// The seed of the demo data set; change it and every screenshot changes.
pub const DEMO_SEED: u64 = 20_241_127;

/// The password of every demo login (printed by `sheji demo`; never use the demo in production).
pub const DEMO_PASSWORD: &str = "Sheji-Demo-2026";

/// What loading the demo did.
#[derive(Debug, Clone, Default)]
pub struct DemoReport {
    /// Organizations added (zero when the demo was already loaded).
    pub organizations: u64,
    /// Logins added: (username, role, where).
    pub accounts: Vec<(String, Role, String)>,
}

/// Loads the demo data set. Idempotent: what exists (same USCC, same username) is left alone,
/// and the workflow records are added only by the first load.
pub async fn load(services: &Services) -> Result<DemoReport, ServiceError> {
    let organizations = crate::registry::demo::load(services).await?;
    let mut accounts = crate::identity::demo::load(services).await?;
    if organizations > 0 {
        let (rubric, experts) = crate::review::demo::load(services).await?;
        accounts.extend(experts);
        crate::recognition::demo::load(services, rubric).await?;
        crate::matchmaking::demo::load(services).await?;
        crate::cooperation::demo::load(services).await?;
        crate::event::demo::load(services).await?;
        // Inserted in bulk, without outbox rows: every node rebuilds its index instead.
        crate::search::bulk_loaded(services).await?;
    }
    Ok(DemoReport { organizations, accounts })
}
