//! The organization registry's storage. For now: bulk insertion (demo and generators) and
//! counts; the registry issue adds the scoped directory queries.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect, TransactionTrait};
use sheji_core::ids::{ClusterId, DistrictId};
use sheji_core::registry::OrgKind;
use sheji_core::uscc::Uscc;

use crate::entity::{organization, organization_cluster};
use crate::{Store, StoreError};

/// Rows per INSERT statement: well under every backend's bound-parameter limit
/// (SQLite 32 766, PostgreSQL 65 535, MySQL 65 535) at 10 columns a row.
const CHUNK: usize = 500;

/// An organization to be added.
#[derive(Debug, Clone)]
pub struct NewOrganization {
    /// Validated unified social credit code.
    pub uscc: Uscc,
    /// Normalised full name.
    pub name: String,
    /// What it is.
    pub kind: OrgKind,
    /// Where it is registered.
    pub district_id: DistrictId,
    /// GB/T 4754 division code, for manufacturers.
    pub industry_code: Option<String>,
    /// Street address.
    pub address: String,
    /// What it does.
    pub description: String,
    /// Date of establishment.
    pub founded_on: Option<NaiveDate>,
    /// 33618 clusters it belongs to.
    pub clusters: Vec<ClusterId>,
}

/// Inserts the organizations whose USCC is not registered yet, with their clusters, in one
/// transaction. Returns how many were inserted.
pub async fn insert_organizations(
    store: &Store,
    orgs: &[NewOrganization],
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let txn = store.conn().begin().await?;
    let mut inserted = 0u64;
    for chunk in orgs.chunks(CHUNK) {
        let usccs: Vec<&str> = chunk.iter().map(|o| o.uscc.as_str()).collect();
        let existing: HashSet<String> = organization::Entity::find()
            .select_only()
            .column(organization::Column::Uscc)
            .filter(organization::Column::Uscc.is_in(usccs.clone()))
            .into_tuple()
            .all(&txn)
            .await?
            .into_iter()
            .collect();
        let fresh: Vec<&NewOrganization> = chunk.iter().filter(|o| !existing.contains(o.uscc.as_str())).collect();
        if fresh.is_empty() {
            continue;
        }
        organization::Entity::insert_many(fresh.iter().map(|o| organization::ActiveModel {
            uscc: Set(o.uscc.as_str().to_owned()),
            name: Set(o.name.clone()),
            kind: Set(o.kind.code().to_owned()),
            district_id: Set(o.district_id.get()),
            industry_code: Set(o.industry_code.clone()),
            address: Set(o.address.clone()),
            description: Set(o.description.clone()),
            founded_on: Set(o.founded_on),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }))
        .exec(&txn)
        .await?;
        inserted += fresh.len() as u64;

        // Portable across backends: read the new ids back by their unique USCC rather than
        // relying on RETURNING or last-insert-id semantics, which differ.
        let ids: HashMap<String, i32> = organization::Entity::find()
            .select_only()
            .column(organization::Column::Uscc)
            .column(organization::Column::Id)
            .filter(organization::Column::Uscc.is_in(fresh.iter().map(|o| o.uscc.as_str())))
            .into_tuple()
            .all(&txn)
            .await?
            .into_iter()
            .collect();
        let links: Vec<organization_cluster::ActiveModel> =
            fresh
                .iter()
                .filter_map(|o| ids.get(o.uscc.as_str()).map(|id| (id, o)))
                .flat_map(|(id, o)| {
                    o.clusters.iter().collect::<HashSet<_>>().into_iter().map(move |c| {
                        organization_cluster::ActiveModel {
                            organization_id: Set(*id),
                            cluster_id: Set(c.get()),
                        }
                    })
                })
                .collect();
        for links in links.chunks(CHUNK) {
            organization_cluster::Entity::insert_many(links.to_vec())
                .exec(&txn)
                .await?;
        }
    }
    txn.commit().await?;
    Ok(inserted)
}

/// How many organizations are registered.
pub async fn count_organizations(store: &Store) -> Result<u64, StoreError> {
    Ok(organization::Entity::find().count(store.conn()).await?)
}

/// How many organizations of each kind are registered.
pub async fn count_organizations_by_kind(store: &Store) -> Result<Vec<(OrgKind, u64)>, StoreError> {
    let rows: Vec<(String, i64)> = organization::Entity::find()
        .select_only()
        .column(organization::Column::Kind)
        .column_as(organization::Column::Id.count(), "n")
        .group_by(organization::Column::Kind)
        .into_tuple()
        .all(store.conn())
        .await?;
    rows.into_iter()
        .map(|(kind, n)| {
            let kind = kind
                .parse::<OrgKind>()
                .map_err(|e| StoreError::corrupt("organization kind", e))?;
            Ok((kind, u64::try_from(n).unwrap_or_default()))
        })
        .collect()
}
