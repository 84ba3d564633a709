//! Reference data: seeding the shipped lists and reading them back.
//!
//! The lists ship inside the binary (the project's `reference/` folder) and are seeded
//! idempotently: a row is inserted only when its natural key (district name, cluster name,
//! code …) is missing, so an administrator's later edits are never overwritten.

pub mod entity;
pub mod migration;

use std::collections::HashSet;
use std::hash::Hash;

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, TryGetableMany,
};
use serde::Deserialize;
use sheji_core::ids::{ClusterId, DistrictId};
use sheji_core::page::{Page, PageRequest};
use sheji_core::reference::{
    Cluster, ClusterTier, Confirmation, District, DistrictKind, DistrictStatus, DivisionCode, PartialDate,
};

use crate::entity::{
    cluster, district, honor_tier, industry_division, industry_section, service_category, title_level,
};
use crate::{Db, Store, StoreError};

const DISTRICTS: &str = include_str!("../../../../reference/chongqing_districts.csv");
const CLUSTERS: &str = include_str!("../../../../reference/clusters_33618.csv");
const SECTIONS: &str = include_str!("../../../../reference/gbt4754_sections.csv");
const DIVISIONS: &str = include_str!("../../../../reference/gbt4754_manufacturing.csv");
const SERVICES: &str = include_str!("../../../../reference/design_service_categories.csv");
const TITLES: &str = include_str!("../../../../reference/professional_title_levels.csv");
const HONORS: &str = include_str!("../../../../reference/honor_tiers.csv");

/// How many rows each table holds, for the overview and the seeding tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReferenceCounts {
    /// Districts, counties and functional zones, in force or not.
    pub districts: u64,
    /// Those still in force.
    pub active_districts: u64,
    /// 33618 clusters.
    pub clusters: u64,
    /// GB/T 4754 sections (门类).
    pub industry_sections: u64,
    /// GB/T 4754 manufacturing divisions (大类).
    pub industry_divisions: u64,
    /// Design-service categories.
    pub service_categories: u64,
    /// Professional-title levels.
    pub title_levels: u64,
    /// Honor tiers.
    pub honor_tiers: u64,
}

/// Filters for the district list; `None` means any.
#[derive(Debug, Clone, Default)]
pub struct DistrictFilter {
    /// Only this kind.
    pub kind: Option<DistrictKind>,
    /// Only this status.
    pub status: Option<DistrictStatus>,
    /// Only the division with this GB/T 2260 code (historical codes included).
    pub code: Option<DivisionCode>,
    /// The order of the rows.
    pub sort: DistrictSort,
}

/// How the district list is ordered; each order is backed by an index.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DistrictSort {
    /// The order of the official list (districts, counties, autonomous counties, zones).
    #[default]
    Official,
    /// By division code, ascending (divisions without a code first).
    CodeAsc,
    /// By division code, descending.
    CodeDesc,
}

#[derive(Deserialize)]
struct DistrictRow {
    code: String,
    name: String,
    kind: String,
    status: String,
    valid_to: String,
    source: String,
    note: String,
}

#[derive(Deserialize)]
struct ClusterRow {
    tier: u8,
    tier_name: String,
    name: String,
    status: String,
    source: String,
    note: String,
}

#[derive(Deserialize)]
struct SectionRow {
    section: String,
    name: String,
    division_range: String,
    source: String,
    note: String,
}

#[derive(Deserialize)]
struct DivisionRow {
    code: String,
    name: String,
    section: String,
    source: String,
    note: String,
}

#[derive(Deserialize)]
struct ServiceRow {
    code: String,
    name: String,
    group: String,
    source: String,
    note: String,
}

#[derive(Deserialize)]
struct TitleRow {
    order: i32,
    level: String,
    sub_level: String,
    title_name: String,
    source: String,
    note: String,
}

#[derive(Deserialize)]
struct HonorRow {
    family: String,
    tier_order: i32,
    name: String,
    recognized_by: String,
    validity: String,
    key_conditions: String,
    source: String,
    status: String,
}

fn read_csv<T: for<'de> Deserialize<'de>>(file: &'static str, text: &str) -> Result<Vec<T>, StoreError> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .enumerate()
        .map(|(i, row)| row.map_err(|e| StoreError::corrupt(format!("reference file {file} row {}", i + 2), e)))
        .collect()
}

fn optional(s: String) -> Option<String> {
    let trimmed = s.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

fn sort_order(i: usize) -> i32 {
    i32::try_from(i).unwrap_or(i32::MAX)
}

/// The natural keys already present in one column of a table.
async fn existing_keys<E, K>(txn: &DatabaseTransaction, column: E::Column) -> Result<HashSet<K>, StoreError>
where
    E: EntityTrait,
    K: TryGetableMany + Eq + Hash,
{
    Ok(E::find().select_only().column(column).into_tuple::<K>().all(txn).await?.into_iter().collect())
}

/// Inserts the rows (if any) in one statement and returns how many there were.
async fn insert_rows<A>(txn: &DatabaseTransaction, rows: Vec<A>) -> Result<u64, StoreError>
where
    A: ActiveModelTrait + Send,
{
    let n = rows.len() as u64;
    if n > 0 {
        A::Entity::insert_many(rows).exec(txn).await?;
    }
    Ok(n)
}

fn district_model(i: usize, row: DistrictRow) -> Result<district::ActiveModel, StoreError> {
    let what = || format!("district {}", row.name);
    let kind = DistrictKind::from_label(&row.kind).map_err(|e| StoreError::corrupt(what(), e))?;
    let status: DistrictStatus = row.status.parse().map_err(|e| StoreError::corrupt(what(), e))?;
    let code = optional(row.code.clone())
        .map(|c| DivisionCode::parse(&c).map(|c| c.as_str().to_owned()))
        .transpose()
        .map_err(|e| StoreError::corrupt(what(), e))?;
    let valid_to = optional(row.valid_to.clone())
        .map(|d| PartialDate::parse(&d).map(|d| d.to_string()))
        .transpose()
        .map_err(|e| StoreError::corrupt(what(), e))?;
    Ok(district::ActiveModel {
        code: Set(code),
        name: Set(row.name.trim().to_owned()),
        kind: Set(kind.code().to_owned()),
        status: Set(status.code().to_owned()),
        valid_to: Set(valid_to),
        sort_order: Set(sort_order(i)),
        source: Set(row.source),
        note: Set(optional(row.note)),
        ..Default::default()
    })
}

fn cluster_model(i: usize, row: ClusterRow) -> Result<cluster::ActiveModel, StoreError> {
    let what = || format!("cluster {}", row.name);
    let tier = ClusterTier::new(row.tier).map_err(|e| StoreError::corrupt(what(), e))?;
    let confirmation: Confirmation = row.status.parse().map_err(|e| StoreError::corrupt(what(), e))?;
    Ok(cluster::ActiveModel {
        tier: Set(i16::from(tier.get())),
        tier_name: Set(row.tier_name),
        name: Set(row.name.trim().to_owned()),
        confirmed: Set(confirmation == Confirmation::Confirmed),
        sort_order: Set(sort_order(i)),
        source: Set(row.source),
        note: Set(optional(row.note)),
        ..Default::default()
    })
}

/// Inserts every shipped reference row whose natural key is missing, in one transaction.
/// Returns how many rows were inserted (zero on every run after the first).
pub async fn seed(store: &Store) -> Result<u64, StoreError> {
    let tx = store.begin().await?;
    let txn = tx.conn();
    let mut inserted = 0u64;

    let have: HashSet<String> = existing_keys::<district::Entity, _>(txn, district::Column::Name).await?;
    let rows = read_csv::<DistrictRow>("chongqing_districts.csv", DISTRICTS)?.into_iter().enumerate();
    let new = rows.filter(|(_, r)| !have.contains(r.name.trim())).map(|(i, r)| district_model(i, r));
    inserted += insert_rows(txn, new.collect::<Result<Vec<_>, _>>()?).await?;

    let have: HashSet<String> = existing_keys::<cluster::Entity, _>(txn, cluster::Column::Name).await?;
    let rows = read_csv::<ClusterRow>("clusters_33618.csv", CLUSTERS)?.into_iter().enumerate();
    let new = rows.filter(|(_, r)| !have.contains(r.name.trim())).map(|(i, r)| cluster_model(i, r));
    inserted += insert_rows(txn, new.collect::<Result<Vec<_>, _>>()?).await?;

    let have: HashSet<String> =
        existing_keys::<industry_section::Entity, _>(txn, industry_section::Column::Code).await?;
    let new =
        read_csv::<SectionRow>("gbt4754_sections.csv", SECTIONS)?.into_iter().filter(|r| !have.contains(&r.section));
    let new = new.map(|r| industry_section::ActiveModel {
        code: Set(r.section),
        name: Set(r.name),
        division_range: Set(r.division_range),
        source: Set(r.source),
        note: Set(optional(r.note)),
        ..Default::default()
    });
    inserted += insert_rows(txn, new.collect()).await?;

    let have: HashSet<String> =
        existing_keys::<industry_division::Entity, _>(txn, industry_division::Column::Code).await?;
    let new = read_csv::<DivisionRow>("gbt4754_manufacturing.csv", DIVISIONS)?
        .into_iter()
        .filter(|r| !have.contains(&r.code));
    let new = new.map(|r| industry_division::ActiveModel {
        code: Set(r.code),
        name: Set(r.name),
        section: Set(r.section),
        source: Set(r.source),
        note: Set(optional(r.note)),
        ..Default::default()
    });
    inserted += insert_rows(txn, new.collect()).await?;

    let have: HashSet<String> =
        existing_keys::<service_category::Entity, _>(txn, service_category::Column::Code).await?;
    let rows = read_csv::<ServiceRow>("design_service_categories.csv", SERVICES)?.into_iter().enumerate();
    let new = rows.filter(|(_, r)| !have.contains(&r.code)).map(|(i, r)| service_category::ActiveModel {
        code: Set(r.code),
        name: Set(r.name),
        group_name: Set(r.group),
        sort_order: Set(sort_order(i)),
        source: Set(r.source),
        note: Set(optional(r.note)),
        ..Default::default()
    });
    inserted += insert_rows(txn, new.collect()).await?;

    let have: HashSet<String> = existing_keys::<title_level::Entity, _>(txn, title_level::Column::TitleName).await?;
    let new = read_csv::<TitleRow>("professional_title_levels.csv", TITLES)?
        .into_iter()
        .filter(|r| !have.contains(&r.title_name));
    let new = new.map(|r| title_level::ActiveModel {
        rank: Set(r.order),
        level: Set(r.level),
        sub_level: Set(optional(r.sub_level)),
        title_name: Set(r.title_name),
        source: Set(r.source),
        note: Set(optional(r.note)),
        ..Default::default()
    });
    inserted += insert_rows(txn, new.collect()).await?;

    let have: HashSet<(String, i32)> = honor_tier::Entity::find()
        .select_only()
        .column(honor_tier::Column::Family)
        .column(honor_tier::Column::TierOrder)
        .into_tuple()
        .all(txn)
        .await?
        .into_iter()
        .collect();
    let rows = read_csv::<HonorRow>("honor_tiers.csv", HONORS)?.into_iter();
    let new = rows.filter(|r| !have.contains(&(r.family.clone(), r.tier_order))).map(|r| honor_tier::ActiveModel {
        family: Set(r.family),
        tier_order: Set(r.tier_order),
        name: Set(r.name),
        recognized_by: Set(r.recognized_by),
        validity: Set(r.validity),
        key_conditions: Set(r.key_conditions),
        source: Set(r.source),
        status: Set(r.status),
        ..Default::default()
    });
    inserted += insert_rows(txn, new.collect()).await?;

    tx.commit().await?;
    Ok(inserted)
}

/// Row counts of every reference table.
pub async fn counts(store: &Store) -> Result<ReferenceCounts, StoreError> {
    let db = store.conn();
    Ok(ReferenceCounts {
        districts: district::Entity::find().count(db).await?,
        active_districts: district::Entity::find()
            .filter(district::Column::Status.eq(DistrictStatus::Active.code()))
            .count(db)
            .await?,
        clusters: cluster::Entity::find().count(db).await?,
        industry_sections: industry_section::Entity::find().count(db).await?,
        industry_divisions: industry_division::Entity::find().count(db).await?,
        service_categories: service_category::Entity::find().count(db).await?,
        title_levels: title_level::Entity::find().count(db).await?,
        honor_tiers: honor_tier::Entity::find().count(db).await?,
    })
}

fn to_district(m: district::Model) -> Result<District, StoreError> {
    let what = || format!("district {}", m.id);
    Ok(District {
        id: DistrictId(m.id),
        code: m.code.as_deref().map(DivisionCode::parse).transpose().map_err(|e| StoreError::corrupt(what(), e))?,
        kind: m.kind.parse().map_err(|e| StoreError::corrupt(what(), e))?,
        status: m.status.parse().map_err(|e| StoreError::corrupt(what(), e))?,
        valid_to: m
            .valid_to
            .as_deref()
            .map(PartialDate::parse)
            .transpose()
            .map_err(|e| StoreError::corrupt(what(), e))?,
        name: m.name,
        source: m.source,
        note: m.note,
    })
}

fn to_cluster(m: cluster::Model) -> Result<Cluster, StoreError> {
    let tier = u8::try_from(m.tier).map_err(|e| StoreError::corrupt(format!("cluster {}", m.id), e))?;
    Ok(Cluster {
        id: ClusterId(m.id),
        tier: ClusterTier::new(tier).map_err(|e| StoreError::corrupt(format!("cluster {}", m.id), e))?,
        tier_name: m.tier_name,
        name: m.name,
        confirmation: if m.confirmed { Confirmation::Confirmed } else { Confirmation::Unconfirmed },
        source: m.source,
        note: m.note,
    })
}

/// One page of districts in the order of the official list.
pub async fn list_districts(
    store: &Store,
    filter: &DistrictFilter,
    page: PageRequest,
) -> Result<Page<District>, StoreError> {
    let mut query = district::Entity::find();
    if let Some(kind) = filter.kind {
        query = query.filter(district::Column::Kind.eq(kind.code()));
    }
    if let Some(status) = filter.status {
        query = query.filter(district::Column::Status.eq(status.code()));
    }
    if let Some(code) = &filter.code {
        query = query.filter(district::Column::Code.eq(code.as_str()));
    }
    let total = query.clone().count(store.conn()).await?;
    let query = match filter.sort {
        DistrictSort::Official => query.order_by_asc(district::Column::SortOrder),
        DistrictSort::CodeAsc => query.order_by_asc(district::Column::Code),
        DistrictSort::CodeDesc => query.order_by_desc(district::Column::Code),
    };
    let rows =
        query.order_by_asc(district::Column::Id).offset(page.offset()).limit(page.per_page()).all(store.conn()).await?;
    let items = rows.into_iter().map(to_district).collect::<Result<_, _>>()?;
    Ok(Page::new(items, page, total))
}

/// One district by id, whatever its status.
pub async fn find_district(store: &Store, id: DistrictId) -> Result<Option<District>, StoreError> {
    district::Entity::find_by_id(id.get()).one(store.conn()).await?.map(to_district).transpose()
}

/// Every district in force, for pickers and generators (a bounded list of a few dozen).
pub async fn list_active_districts(store: &Store) -> Result<Vec<District>, StoreError> {
    district::Entity::find()
        .filter(district::Column::Status.eq(DistrictStatus::Active.code()))
        .order_by_asc(district::Column::SortOrder)
        .all(store.conn())
        .await?
        .into_iter()
        .map(to_district)
        .collect()
}

/// One page of clusters, by tier then list order.
pub async fn list_clusters(
    store: &Store,
    tier: Option<ClusterTier>,
    page: PageRequest,
) -> Result<Page<Cluster>, StoreError> {
    let mut query = cluster::Entity::find();
    if let Some(tier) = tier {
        query = query.filter(cluster::Column::Tier.eq(i16::from(tier.get())));
    }
    let total = query.clone().count(store.conn()).await?;
    let rows = query
        .order_by_asc(cluster::Column::Tier)
        .order_by_asc(cluster::Column::SortOrder)
        .offset(page.offset())
        .limit(page.per_page())
        .all(store.conn())
        .await?;
    let items = rows.into_iter().map(to_cluster).collect::<Result<_, _>>()?;
    Ok(Page::new(items, page, total))
}

/// Manufacturing division codes (GB/T 4754 大类), for generators and pickers.
pub async fn list_industry_division_codes(store: &Store) -> Result<Vec<String>, StoreError> {
    Ok(industry_division::Entity::find()
        .select_only()
        .column(industry_division::Column::Code)
        .order_by_asc(industry_division::Column::Code)
        .into_tuple()
        .all(store.conn())
        .await?)
}

/// GB/T 4754 manufacturing divisions as (code, name), by code (a bounded list of 31).
pub async fn list_industry_divisions(store: &Store) -> Result<Vec<(String, String)>, StoreError> {
    Ok(industry_division::Entity::find()
        .select_only()
        .column(industry_division::Column::Code)
        .column(industry_division::Column::Name)
        .order_by_asc(industry_division::Column::Code)
        .into_tuple()
        .all(store.conn())
        .await?)
}

/// A specialty an expert or an item can have: a design-service category (`svc:CODE`) or a
/// cluster (`cluster:ID`), with its name and group, in list order (a bounded list of ~60).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Specialty {
    /// Stored code.
    pub code: String,
    /// Name shown.
    pub name: String,
    /// Group (the service category's group, or the cluster's tier name).
    pub group: String,
}

/// Every specialty: service categories first, then clusters.
pub async fn list_specialties(store: &Store) -> Result<Vec<Specialty>, StoreError> {
    let mut out: Vec<Specialty> = service_category::Entity::find()
        .order_by_asc(service_category::Column::SortOrder)
        .all(store.conn())
        .await?
        .into_iter()
        .map(|m| Specialty { code: format!("svc:{}", m.code), name: m.name, group: m.group_name })
        .collect();
    out.extend(
        cluster::Entity::find()
            .order_by_asc(cluster::Column::Tier)
            .order_by_asc(cluster::Column::SortOrder)
            .all(store.conn())
            .await?
            .into_iter()
            .map(|m| Specialty { code: format!("cluster:{}", m.id), name: m.name, group: m.tier_name }),
    );
    Ok(out)
}

/// Professional title names in rank order (a bounded list of a few).
pub async fn list_title_names(store: &Store) -> Result<Vec<String>, StoreError> {
    Ok(title_level::Entity::find()
        .select_only()
        .column(title_level::Column::TitleName)
        .order_by_asc(title_level::Column::Rank)
        .into_tuple()
        .all(store.conn())
        .await?)
}
