//! The organization registry's use cases. For now: the counts the home page shows.

use sheji_core::registry::OrgKind;
use sheji_store::registry as store;

use crate::{ServiceError, Services};

/// How many organizations are registered, in all and by kind.
#[derive(Debug, Clone, Default)]
pub struct RegistryCounts {
    /// All organizations.
    pub total: u64,
    /// By kind, in the order of [`OrgKind::ALL`], kinds with none included.
    pub by_kind: Vec<(OrgKind, u64)>,
}

/// The registry's counts. Counts reveal no private field, so every caller may see them.
pub async fn counts(services: &Services) -> Result<RegistryCounts, ServiceError> {
    let found = store::count_organizations_by_kind(services.store()).await?;
    let by_kind: Vec<(OrgKind, u64)> = OrgKind::ALL
        .into_iter()
        .map(|kind| (kind, found.iter().find(|(k, _)| *k == kind).map_or(0, |(_, n)| *n)))
        .collect();
    Ok(RegistryCounts {
        total: by_kind.iter().map(|(_, n)| n).sum(),
        by_kind,
    })
}
