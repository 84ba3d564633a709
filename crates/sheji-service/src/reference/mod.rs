//! Reading reference data: districts and the 33618 clusters.

use sheji_core::ids::DistrictId;
use sheji_core::page::{Page, PageRequest};
use sheji_core::reference::{Cluster, ClusterTier, District};
use sheji_store::reference as store;

pub use sheji_store::reference::{DistrictFilter, DistrictSort, ReferenceCounts};

use crate::{ServiceError, Services};

/// One page of districts. Reference data is public: no scope applies.
pub async fn list_districts(
    services: &Services,
    filter: &DistrictFilter,
    page: PageRequest,
) -> Result<Page<District>, ServiceError> {
    let key = format!("{filter:?} {page:?}");
    if let Some(page) = services.cached_districts(&key) {
        return Ok(page);
    }
    let found = store::list_districts(services.store(), filter, page).await?;
    services.remember_districts(key, found.clone());
    Ok(found)
}

/// One district, abolished or not.
pub async fn get_district(services: &Services, id: DistrictId) -> Result<District, ServiceError> {
    store::find_district(services.store(), id).await?.ok_or(ServiceError::NotFound { key: "error.not_found.district" })
}

/// One page of clusters, by tier.
pub async fn list_clusters(
    services: &Services,
    tier: Option<ClusterTier>,
    page: PageRequest,
) -> Result<Page<Cluster>, ServiceError> {
    // The staff directory's filter offers them on every page.
    services
        .kept_page(format!("clusters {tier:?} {page:?}"), || async {
            Ok(store::list_clusters(services.store(), tier, page).await?)
        })
        .await
}

/// Row counts of every reference table.
pub async fn counts(services: &Services) -> Result<ReferenceCounts, ServiceError> {
    Ok(store::counts(services.store()).await?)
}

/// GB/T 4754 manufacturing divisions as (code, name), for pickers and pages (a bounded list of
/// 31): people choose "13 农副食品加工业", not "13".
pub async fn industry_divisions(services: &Services) -> Result<Vec<(String, String)>, ServiceError> {
    // Every organization page names its division: read once a minute, not per page.
    if let Some(d) = services.cached_divisions() {
        return Ok(d.as_ref().clone());
    }
    let divisions = std::sync::Arc::new(store::list_industry_divisions(services.store()).await?);
    services.remember_divisions(divisions.clone());
    Ok(divisions.as_ref().clone())
}

/// The reference lists a write checks against: every district (abolished ones too), the
/// cluster ids and the industry division codes.
#[derive(Debug, Clone)]
pub(crate) struct Lookups {
    /// Every district by id.
    pub districts: std::collections::HashMap<DistrictId, District>,
    /// Every cluster id.
    pub clusters: std::collections::BTreeSet<i32>,
    /// Every industry division code.
    pub industries: std::collections::BTreeSet<String>,
}

/// [`Lookups`], read once a minute: reference data changes only when the platform is migrated
/// (which restarts it), and every write of an organization used to read 200 clusters again.
pub(crate) async fn lookups(services: &Services) -> Result<std::sync::Arc<Lookups>, ServiceError> {
    if let Some(l) = services.cached_lookups() {
        return Ok(l);
    }
    let all = PageRequest::new(Some(1), Some(200));
    let districts = store::list_districts(services.store(), &Default::default(), all).await?.items;
    let clusters = store::list_clusters(services.store(), None, all).await?.items;
    let lookups = std::sync::Arc::new(Lookups {
        districts: districts.into_iter().map(|d| (d.id, d)).collect(),
        clusters: clusters.iter().map(|c| c.id.get()).collect(),
        industries: store::list_industry_division_codes(services.store()).await?.into_iter().collect(),
    });
    services.remember_lookups(lookups.clone());
    Ok(lookups)
}
