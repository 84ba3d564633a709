//! The organization registry's storage. For now: bulk insertion (demo and generators) and
//! counts; the registry issue adds the scoped directory queries.

pub mod entity;
pub mod library;
pub mod migration;

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use sheji_core::identity::Scope;
use sheji_core::ids::{ClusterId, DistrictId, OrganizationId};
use sheji_core::page::{Page, PageRequest};
use sheji_core::registry::uscc::Uscc;
use sheji_core::registry::{LibraryStatus, OrgKind, Qualification};

use crate::entity::{district, organization, organization_cluster, organization_qualification};
use crate::{Db, Store, StoreError, Tx, scope};

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
    /// Contact person.
    pub contact_name: Option<String>,
    /// Contact phone, encrypted.
    pub contact_phone_enc: Option<String>,
}

/// Inserts the organizations whose USCC is not registered yet, with their clusters, in one
/// transaction. Returns how many were inserted.
pub async fn insert_organizations(
    store: &Store,
    orgs: &[NewOrganization],
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let tx = store.begin().await?;
    let inserted = insert_organizations_in(&tx, orgs, now).await?;
    tx.commit().await?;
    Ok(inserted)
}

/// [`insert_organizations`] inside the caller's transaction.
pub async fn insert_organizations_in(tx: &Tx, orgs: &[NewOrganization], now: DateTime<Utc>) -> Result<u64, StoreError> {
    let txn = tx.conn();
    let mut inserted = 0u64;
    for chunk in orgs.chunks(CHUNK) {
        let usccs: Vec<&str> = chunk.iter().map(|o| o.uscc.as_str()).collect();
        let existing: HashSet<String> = organization::Entity::find()
            .select_only()
            .column(organization::Column::Uscc)
            .filter(organization::Column::Uscc.is_in(usccs.clone()))
            .into_tuple()
            .all(txn)
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
            name_guard: Set(Some(o.name.clone())),
            kind: Set(o.kind.code().to_owned()),
            district_id: Set(o.district_id.get()),
            industry_code: Set(o.industry_code.clone()),
            address: Set(o.address.clone()),
            description: Set(o.description.clone()),
            founded_on: Set(o.founded_on),
            contact_name: Set(o.contact_name.clone()),
            contact_phone_enc: Set(o.contact_phone_enc.clone()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }))
        .exec(txn)
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
            .all(txn)
            .await?
            .into_iter()
            .collect();
        let links: Vec<organization_cluster::ActiveModel> = fresh
            .iter()
            .filter_map(|o| ids.get(o.uscc.as_str()).map(|id| (id, o)))
            .flat_map(|(id, o)| {
                o.clusters.iter().collect::<HashSet<_>>().into_iter().map(move |c| organization_cluster::ActiveModel {
                    organization_id: Set(*id),
                    cluster_id: Set(c.get()),
                })
            })
            .collect();
        for links in links.chunks(CHUNK) {
            organization_cluster::Entity::insert_many(links.to_vec()).exec(txn).await?;
        }
    }
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
            let kind = kind.parse::<OrgKind>().map_err(|e| StoreError::corrupt("organization kind", e))?;
            Ok((kind, u64::try_from(n).unwrap_or_default()))
        })
        .collect()
}

/// The fields of an organization everyone may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgPublic {
    /// Key.
    pub id: OrganizationId,
    /// 统一社会信用代码 (public by law on the business licence).
    pub uscc: String,
    /// Full name.
    pub name: String,
    /// What it is.
    pub kind: OrgKind,
    /// Where it is registered.
    pub district_id: DistrictId,
    /// The district's name.
    pub district_name: String,
    /// GB/T 4754 division code.
    pub industry_code: Option<String>,
    /// What it does.
    pub description: String,
    /// Its place in the design-driven library (public: the library list is published).
    pub library_status: LibraryStatus,
}

/// The fields only callers whose scope reaches the organization may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgPrivate {
    /// Street address.
    pub address: String,
    /// Date of establishment.
    pub founded_on: Option<NaiveDate>,
    /// Contact person.
    pub contact_name: Option<String>,
    /// Contact phone, encrypted.
    pub contact_phone_enc: Option<String>,
}

/// Filters for organization lists.
#[derive(Debug, Clone, Default)]
pub struct OrgFilter {
    /// Only this district.
    pub district: Option<DistrictId>,
    /// Only this kind.
    pub kind: Option<OrgKind>,
    /// Only members of this cluster.
    pub cluster: Option<ClusterId>,
    /// Only holders of this qualification.
    pub qualification: Option<Qualification>,
    /// Only this library status.
    pub library: Option<LibraryStatus>,
    /// The order of the rows.
    pub sort: OrgSort,
}

/// How organization lists are ordered; each order is backed by an index.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum OrgSort {
    /// Oldest registration first (the primary key).
    #[default]
    Registered,
    /// Newest registration first.
    Newest,
    /// By name (the database's collation: pinyin-like on PostgreSQL and MySQL, code points
    /// on SQLite).
    Name,
}

fn ordered(query: sea_orm::Select<organization::Entity>, sort: OrgSort) -> sea_orm::Select<organization::Entity> {
    match sort {
        OrgSort::Registered => query.order_by_asc(organization::Column::Id),
        OrgSort::Newest => query.order_by_desc(organization::Column::Id),
        OrgSort::Name => query.order_by_asc(organization::Column::Name).order_by_asc(organization::Column::Id),
    }
}

/// One page of a filtered list in two steps: the page's ids first, skipping rows over narrow
/// covering indexes (`ix_organization_order` for the registration order, the name and filter
/// indexes otherwise), then those rows by primary key. Skipping 50 000 whole rows to reach a
/// deep page read every row's description; skipping index entries reads a few hundred pages.
async fn page_rows(
    db: &impl Db,
    query: sea_orm::Select<organization::Entity>,
    sort: OrgSort,
    page: PageRequest,
) -> Result<Vec<organization::Model>, StoreError> {
    let ids: Vec<i32> = ordered(query, sort)
        .select_only()
        .column(organization::Column::Id)
        .offset(page.offset())
        .limit(page.per_page())
        .into_tuple()
        .all(db.conn())
        .await?;
    rows_in_order(db, &ids).await
}

/// The rows of these ids by primary key, in the order of the ids (those gone are left out).
async fn rows_in_order(db: &impl Db, ids: &[i32]) -> Result<Vec<organization::Model>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut rows =
        organization::Entity::find().filter(organization::Column::Id.is_in(ids.to_vec())).all(db.conn()).await?;
    let position: HashMap<i32, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    rows.sort_by_key(|r| position.get(&r.id).copied().unwrap_or(usize::MAX));
    Ok(rows)
}

fn filtered(filter: &OrgFilter) -> Condition {
    let mut c = Condition::all();
    if let Some(d) = filter.district {
        c = c.add(organization::Column::DistrictId.eq(d.get()));
    }
    if let Some(k) = filter.kind {
        c = c.add(organization::Column::Kind.eq(k.code()));
    }
    if let Some(l) = filter.library {
        c = c.add(organization::Column::LibraryStatus.eq(l.code()));
    }
    if let Some(cluster) = filter.cluster {
        let mut sub = Query::select();
        sub.column(organization_cluster::Column::OrganizationId)
            .from(organization_cluster::Entity)
            .and_where(organization_cluster::Column::ClusterId.eq(cluster.get()));
        c = c.add(organization::Column::Id.in_subquery(sub));
    }
    if let Some(q) = filter.qualification {
        let mut sub = Query::select();
        sub.column(organization_qualification::Column::OrganizationId)
            .from(organization_qualification::Entity)
            .and_where(organization_qualification::Column::Kind.eq(q.code()));
        c = c.add(organization::Column::Id.in_subquery(sub));
    }
    c
}

async fn with_district_names(
    db: &impl Db,
    rows: Vec<organization::Model>,
) -> Result<Vec<(OrgPublic, OrgPrivate)>, StoreError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: HashSet<i32> = rows.iter().map(|r| r.district_id).collect();
    let names: HashMap<i32, String> = district::Entity::find()
        .select_only()
        .column(district::Column::Id)
        .column(district::Column::Name)
        .filter(district::Column::Id.is_in(ids))
        .into_tuple()
        .all(db.conn())
        .await?
        .into_iter()
        .collect();
    rows.into_iter()
        .map(|m| {
            let kind =
                m.kind.parse::<OrgKind>().map_err(|e| StoreError::corrupt(format!("organization {}", m.id), e))?;
            Ok((
                OrgPublic {
                    id: OrganizationId(m.id),
                    uscc: m.uscc,
                    name: m.name,
                    kind,
                    district_id: DistrictId(m.district_id),
                    district_name: names.get(&m.district_id).cloned().unwrap_or_default(),
                    industry_code: m.industry_code,
                    description: m.description,
                    library_status: m
                        .library_status
                        .parse()
                        .map_err(|e| StoreError::corrupt(format!("organization {}", m.id), e))?,
                },
                OrgPrivate {
                    address: m.address,
                    founded_on: m.founded_on,
                    contact_name: m.contact_name,
                    contact_phone_enc: m.contact_phone_enc,
                },
            ))
        })
        .collect()
}

/// The ids of a filtered list in its order (the organizations `scope` reaches, or every one),
/// at most `cap` of them; `None` when the list is longer. One read of a narrow index, which a
/// node keeps for a few seconds and pages through in memory: a deep page then costs one read
/// by primary key instead of skipping tens of thousands of index entries.
pub async fn ordered_ids(
    db: &impl Db,
    scope: Option<&Scope>,
    filter: &OrgFilter,
    cap: u64,
) -> Result<Option<Vec<i32>>, StoreError> {
    let mut query = organization::Entity::find().filter(filtered(filter));
    if let Some(scope) = scope {
        query = query.filter(scope::rows(scope, organization::Column::DistrictId, organization::Column::Id));
    }
    let ids: Vec<i32> = ordered(query, filter.sort)
        .select_only()
        .column(organization::Column::Id)
        .limit(cap.saturating_add(1))
        .into_tuple()
        .all(db.conn())
        .await?;
    Ok((ids.len() as u64 <= cap).then_some(ids))
}

/// These organizations in the order given (ids no longer present are left out), with their
/// private fields and district names.
pub async fn by_ids(db: &impl Db, ids: &[i32]) -> Result<Vec<(OrgPublic, OrgPrivate)>, StoreError> {
    with_district_names(db, rows_in_order(db, ids).await?).await
}

/// One page of the public directory: every organization, public fields only.
/// `known_total` skips the count when the caller already has it (counting 100 000 rows costs
/// more than reading a page of them).
pub async fn list_public(
    db: &impl Db,
    filter: &OrgFilter,
    page: PageRequest,
    known_total: Option<u64>,
) -> Result<Page<OrgPublic>, StoreError> {
    let query = organization::Entity::find().filter(filtered(filter));
    let total = match known_total {
        Some(t) => t,
        None => query.clone().count(db.conn()).await?,
    };
    let rows = page_rows(db, query, filter.sort, page).await?;
    let items = with_district_names(db, rows).await?.into_iter().map(|(public, _)| public).collect();
    Ok(Page::new(items, page, total))
}

/// One page of the organizations `scope` reaches, with their private fields (`known_total` as
/// for [`list_public`]).
pub async fn list_private(
    db: &impl Db,
    scope: &Scope,
    filter: &OrgFilter,
    page: PageRequest,
    known_total: Option<u64>,
) -> Result<Page<(OrgPublic, OrgPrivate)>, StoreError> {
    let query = organization::Entity::find()
        .filter(scope::rows(scope, organization::Column::DistrictId, organization::Column::Id))
        .filter(filtered(filter));
    let total = match known_total {
        Some(t) => t,
        None => query.clone().count(db.conn()).await?,
    };
    let rows = page_rows(db, query, filter.sort, page).await?;
    Ok(Page::new(with_district_names(db, rows).await?, page, total))
}

/// One organization's public fields (one query: the district's name comes by a join).
pub async fn find_public(db: &impl Db, id: OrganizationId) -> Result<Option<OrgPublic>, StoreError> {
    let Some((m, d)) =
        organization::Entity::find_by_id(id.get()).find_also_related(district::Entity).one(db.conn()).await?
    else {
        return Ok(None);
    };
    let kind = m.kind.parse::<OrgKind>().map_err(|e| StoreError::corrupt(format!("organization {}", m.id), e))?;
    Ok(Some(OrgPublic {
        id: OrganizationId(m.id),
        uscc: m.uscc,
        name: m.name,
        kind,
        district_id: DistrictId(m.district_id),
        district_name: d.map(|d| d.name).unwrap_or_default(),
        industry_code: m.industry_code,
        description: m.description,
        library_status: m
            .library_status
            .parse()
            .map_err(|e| StoreError::corrupt(format!("organization {}", m.id), e))?,
    }))
}

/// One organization with its private fields, if `scope` reaches it.
pub async fn find_private(
    db: &impl Db,
    scope: &Scope,
    id: OrganizationId,
) -> Result<Option<(OrgPublic, OrgPrivate)>, StoreError> {
    if scope.is_none() {
        return Ok(None);
    }
    let rows = organization::Entity::find_by_id(id.get())
        .filter(scope::rows(scope, organization::Column::DistrictId, organization::Column::Id))
        .all(db.conn())
        .await?;
    Ok(with_district_names(db, rows).await?.into_iter().next())
}

/// Finds an organization by USCC.
pub async fn find_by_uscc(db: &impl Db, uscc: &Uscc) -> Result<Option<OrgPublic>, StoreError> {
    let rows = organization::Entity::find().filter(organization::Column::Uscc.eq(uscc.as_str())).all(db.conn()).await?;
    Ok(with_district_names(db, rows).await?.into_iter().next().map(|(public, _)| public))
}

/// Organizations the scope reaches with ids above `after`, in id order; for streaming exports
/// (keyset pagination stays fast however deep the export goes).
pub async fn list_private_after(
    db: &impl Db,
    scope: &Scope,
    filter: &OrgFilter,
    after: i32,
    limit: u64,
) -> Result<Vec<(OrgPublic, OrgPrivate)>, StoreError> {
    let rows = organization::Entity::find()
        .filter(scope::rows(scope, organization::Column::DistrictId, organization::Column::Id))
        .filter(filtered(filter))
        .filter(organization::Column::Id.gt(after))
        .order_by_asc(organization::Column::Id)
        .limit(limit)
        .all(db.conn())
        .await?;
    with_district_names(db, rows).await
}

/// Names of organizations by id (for lists that show who is behind a record), bounded by the
/// ids asked for.
pub async fn names(
    db: &impl Db,
    ids: &std::collections::BTreeSet<OrganizationId>,
) -> Result<HashMap<OrganizationId, String>, StoreError> {
    let ids: Vec<i32> = ids.iter().map(|i| i.get()).collect();
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<(i32, String)> = organization::Entity::find()
            .select_only()
            .column(organization::Column::Id)
            .column(organization::Column::Name)
            .filter(organization::Column::Id.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db.conn())
            .await?;
        out.extend(rows.into_iter().map(|(i, n)| (OrganizationId(i), n)));
    }
    Ok(out)
}
