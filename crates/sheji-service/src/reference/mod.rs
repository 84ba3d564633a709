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
    Ok(store::list_districts(services.store(), filter, page).await?)
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
    Ok(store::list_clusters(services.store(), tier, page).await?)
}

/// Row counts of every reference table.
pub async fn counts(services: &Services) -> Result<ReferenceCounts, ServiceError> {
    Ok(store::counts(services.store()).await?)
}

/// GB/T 4754 manufacturing divisions as (code, name), for pickers and pages (a bounded list of
/// 31): people choose "13 农副食品加工业", not "13".
pub async fn industry_divisions(services: &Services) -> Result<Vec<(String, String)>, ServiceError> {
    Ok(store::list_industry_divisions(services.store()).await?)
}
