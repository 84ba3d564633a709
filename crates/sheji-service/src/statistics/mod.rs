//! Statistics: the plan's progress as far as the platform records it, recomputed by a
//! recurring job (`statistics.refresh`, hourly) and kept as one snapshot for the pages to read.
//! It is derived data: recounting changes nothing a person did, so it is not audited.

use sheji_core::page::PageRequest;
use sheji_core::recognition::Kind;
use sheji_core::statistics::{DESIGN_CENTER_KINDS, PlanProgress};

use crate::recognition::RecognitionFilter;
use crate::{ServiceError, Services};

/// Where the snapshot is kept (with the settings: one small JSON value).
const SNAPSHOT_KEY: &str = "statistics.plan_progress";

/// Recognitions of `kind` in force today.
async fn in_force(services: &Services, kind: Kind) -> Result<u64, ServiceError> {
    let t = services.today();
    // "In force" is valid or rectifying with validity not yet over: the expiring filter over
    // [today, far future] selects exactly those.
    let filter = RecognitionFilter {
        kind: Some(kind),
        expiring: Some((t, t + chrono::Duration::days(365 * 50))),
        ..RecognitionFilter::default()
    };
    Ok(crate::recognition::recognitions(services, &filter, PageRequest::new(Some(1), Some(1))).await?.total)
}

/// Counts the plan's progress now and keeps it as the snapshot.
pub async fn refresh(services: &Services) -> Result<PlanProgress, ServiceError> {
    let mut design_centers = 0;
    for kind in DESIGN_CENTER_KINDS {
        design_centers += in_force(services, kind).await?;
    }
    let progress = PlanProgress {
        computed_at: services.now(),
        sales: crate::registry::library::new_product_sales_total(services).await?,
        design_centers,
        backbone_firms: in_force(services, Kind::BackboneFirm).await?,
    };
    // Plain numbers and a date: serializing cannot fail, and if it did the old snapshot stays.
    let json = serde_json::to_string(&progress).map_err(|_| ServiceError::Conflict { key: "statistics.not_yet" })?;
    let tx = services.store().begin().await?;
    crate::identity::put_setting_in(&tx, SNAPSHOT_KEY, &json, services.now()).await?;
    tx.commit().await?;
    Ok(progress)
}

/// The latest snapshot, if the job has counted yet.
pub async fn plan_progress(services: &Services) -> Result<Option<PlanProgress>, ServiceError> {
    let stored = crate::identity::setting_in(services.store(), SNAPSHOT_KEY).await?;
    Ok(stored.and_then(|s| serde_json::from_str(&s).ok()))
}
