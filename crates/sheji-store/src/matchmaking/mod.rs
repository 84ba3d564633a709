//! Matchmaking: demands, offers and expressions of interest. Categories and clusters are tag
//! rows under `(dim, code, id)` indexes, so a filtered list walks an index; every move of a
//! state is a guarded update (`WHERE status = from`), so two people acting at once get one
//! winner; matching reads the published records' traits in two queries each.

pub mod entity;
pub mod migration;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ActiveValue::Set, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use sheji_core::ids::{AccountId, ClusterId, DistrictId, OrganizationId};
use sheji_core::matchmaking::{
    DemandDraft, DemandStatus, DemandTraits, InterestStatus, Mode, OfferDraft, OfferStatus, OfferTraits, Side,
};
use sheji_core::page::{Page, PageRequest};

use crate::entity::{demand, demand_tag, interest, offer, offer_tag};
use crate::{Db, StoreError, Tx};

/// The tag dimension of service categories.
const CATEGORY: &str = "category";
/// The tag dimension of clusters.
const CLUSTER: &str = "cluster";

fn corrupt(what: impl Into<String>, detail: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt { what: what.into(), detail: detail.to_string() }
}

fn ids_json(ids: &BTreeSet<OrganizationId>) -> String {
    serde_json::to_string(&ids.iter().map(|o| o.get()).collect::<Vec<_>>()).unwrap_or_else(|_| "[]".to_owned())
}

fn ids_from(what: &str, json: &str) -> Result<BTreeSet<OrganizationId>, StoreError> {
    let ids: Vec<i32> = serde_json::from_str(json).map_err(|e| corrupt(what, e))?;
    Ok(ids.into_iter().map(OrganizationId).collect())
}

fn modes_text(modes: &BTreeSet<Mode>) -> String {
    modes.iter().map(|m| m.code()).collect::<Vec<_>>().join(",")
}

/// A demand as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Demand {
    /// Key.
    pub id: i32,
    /// The organization that needs the design.
    pub organization: OrganizationId,
    /// Its district (whose branch reviews it).
    pub district: DistrictId,
    /// Where it stands.
    pub status: DemandStatus,
    /// What the organization wrote.
    pub draft: DemandDraft,
    /// Providers it will not work with.
    pub excluded: BTreeSet<OrganizationId>,
    /// The branch's reason when it was returned.
    pub review_note: Option<String>,
    /// Who wrote it.
    pub created_by: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// When it was published.
    pub published_on: Option<NaiveDate>,
}

/// An offer as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Offer {
    /// Key.
    pub id: i32,
    /// The provider organization; none for an individual designer.
    pub organization: Option<OrganizationId>,
    /// The account that owns it (the designer, or who wrote it for the organization).
    pub account: AccountId,
    /// The provider's district.
    pub district: DistrictId,
    /// Where it stands.
    pub status: OfferStatus,
    /// What the provider wrote.
    pub draft: OfferDraft,
    /// Demanders the provider declared a conflict with.
    pub excluded: BTreeSet<OrganizationId>,
    /// Who wrote it.
    pub created_by: String,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// An expression of interest between a demand and an offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interest {
    /// Key.
    pub id: i32,
    /// The demand.
    pub demand: i32,
    /// The offer.
    pub offer: i32,
    /// Who expressed it.
    pub side: Side,
    /// Where it stands.
    pub status: InterestStatus,
    /// What the sender wrote.
    pub message: String,
    /// Why it was declined.
    pub reason: Option<String>,
    /// Who sent it.
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Who answered.
    pub answered_by: Option<String>,
    /// When.
    pub answered_at: Option<DateTime<Utc>>,
}

type Tags = BTreeMap<i32, (BTreeSet<String>, BTreeSet<ClusterId>)>;

fn fold_tags(rows: impl IntoIterator<Item = (i32, String, String)>) -> Tags {
    let mut out: Tags = BTreeMap::new();
    for (id, dim, code) in rows {
        let entry = out.entry(id).or_default();
        if dim == CATEGORY {
            entry.0.insert(code);
        } else if let Ok(c) = code.parse() {
            entry.1.insert(ClusterId(c));
        }
    }
    out
}

async fn demand_tags(db: &impl Db, ids: &[i32]) -> Result<Tags, StoreError> {
    if ids.is_empty() {
        return Ok(Tags::new());
    }
    let mut rows = Vec::new();
    for chunk in ids.chunks(500) {
        let part: Vec<(i32, String, String)> = demand_tag::Entity::find()
            .select_only()
            .columns([demand_tag::Column::DemandId, demand_tag::Column::Dim, demand_tag::Column::Code])
            .filter(demand_tag::Column::DemandId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db.conn())
            .await?;
        rows.extend(part);
    }
    Ok(fold_tags(rows))
}

async fn offer_tags(db: &impl Db, ids: &[i32]) -> Result<Tags, StoreError> {
    if ids.is_empty() {
        return Ok(Tags::new());
    }
    let mut rows = Vec::new();
    for chunk in ids.chunks(500) {
        let part: Vec<(i32, String, String)> = offer_tag::Entity::find()
            .select_only()
            .columns([offer_tag::Column::OfferId, offer_tag::Column::Dim, offer_tag::Column::Code])
            .filter(offer_tag::Column::OfferId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db.conn())
            .await?;
        rows.extend(part);
    }
    Ok(fold_tags(rows))
}

fn tag_rows(categories: &BTreeSet<String>, clusters: &BTreeSet<ClusterId>) -> Vec<(&'static str, String)> {
    categories
        .iter()
        .map(|c| (CATEGORY, c.clone()))
        .chain(clusters.iter().map(|c| (CLUSTER, c.get().to_string())))
        .collect()
}

fn to_demand(m: demand::Model, tags: &Tags) -> Result<Demand, StoreError> {
    let what = format!("demand {}", m.id);
    let (categories, _) = tags.get(&m.id).cloned().unwrap_or_default();
    let modes = m
        .modes
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| Mode::parse(s).ok_or_else(|| corrupt(what.clone(), s)))
        .collect::<Result<_, _>>()?;
    Ok(Demand {
        id: m.id,
        organization: OrganizationId(m.organization_id),
        district: DistrictId(m.district_id),
        status: DemandStatus::parse(&m.status).ok_or_else(|| corrupt(what.clone(), &m.status))?,
        excluded: ids_from(&what, &m.excluded)?,
        draft: DemandDraft {
            title: m.title,
            product: m.product,
            summary: m.summary,
            details: m.details,
            deliverables: m.deliverables,
            categories,
            cluster: m.cluster_id.map(ClusterId),
            industry_code: m.industry_code,
            budget_min: m.budget_min,
            budget_max: m.budget_max,
            deadline: m.deadline,
            modes,
            ip_terms: m.ip_terms,
        },
        review_note: m.review_note,
        created_by: m.created_by,
        created_at: m.created_at,
        updated_at: m.updated_at,
        published_on: m.published_on,
    })
}

fn to_offer(m: offer::Model, tags: &Tags) -> Result<Offer, StoreError> {
    let what = format!("offer {}", m.id);
    let (categories, clusters) = tags.get(&m.id).cloned().unwrap_or_default();
    Ok(Offer {
        id: m.id,
        organization: m.organization_id.map(OrganizationId),
        account: AccountId(m.account_id),
        district: DistrictId(m.district_id),
        status: OfferStatus::parse(&m.status).ok_or_else(|| corrupt(what.clone(), &m.status))?,
        excluded: ids_from(&what, &m.excluded)?,
        draft: OfferDraft {
            title: m.title,
            description: m.description,
            team: m.team,
            cases: m.cases,
            categories,
            clusters,
            capacity: m.capacity,
            price_min: m.price_min,
            price_max: m.price_max,
        },
        created_by: m.created_by,
        updated_at: m.updated_at,
    })
}

async fn put_demand_tags(tx: &Tx, id: i32, d: &DemandDraft) -> Result<(), StoreError> {
    demand_tag::Entity::delete_many().filter(demand_tag::Column::DemandId.eq(id)).exec(tx.conn()).await?;
    let clusters: BTreeSet<ClusterId> = d.cluster.into_iter().collect();
    let rows: Vec<demand_tag::ActiveModel> = tag_rows(&d.categories, &clusters)
        .into_iter()
        .map(|(dim, code)| demand_tag::ActiveModel {
            demand_id: Set(id),
            dim: Set(dim.to_owned()),
            code: Set(code),
            ..Default::default()
        })
        .collect();
    if !rows.is_empty() {
        demand_tag::Entity::insert_many(rows).exec(tx.conn()).await?;
    }
    Ok(())
}

async fn put_offer_tags(tx: &Tx, id: i32, o: &OfferDraft) -> Result<(), StoreError> {
    offer_tag::Entity::delete_many().filter(offer_tag::Column::OfferId.eq(id)).exec(tx.conn()).await?;
    let rows: Vec<offer_tag::ActiveModel> = tag_rows(&o.categories, &o.clusters)
        .into_iter()
        .map(|(dim, code)| offer_tag::ActiveModel {
            offer_id: Set(id),
            dim: Set(dim.to_owned()),
            code: Set(code),
            ..Default::default()
        })
        .collect();
    if !rows.is_empty() {
        offer_tag::Entity::insert_many(rows).exec(tx.conn()).await?;
    }
    Ok(())
}

/// A new demand, as a draft; its id.
pub async fn insert_demand(
    tx: &Tx,
    organization: OrganizationId,
    district: DistrictId,
    d: &DemandDraft,
    excluded: &BTreeSet<OrganizationId>,
    by: &str,
    now: DateTime<Utc>,
) -> Result<i32, StoreError> {
    let id = demand::Entity::insert(demand::ActiveModel {
        organization_id: Set(organization.get()),
        district_id: Set(district.get()),
        status: Set(DemandStatus::Draft.code().to_owned()),
        title: Set(d.title.clone()),
        product: Set(d.product.clone()),
        summary: Set(d.summary.clone()),
        details: Set(d.details.clone()),
        deliverables: Set(d.deliverables.clone()),
        industry_code: Set(d.industry_code.clone()),
        cluster_id: Set(d.cluster.map(ClusterId::get)),
        budget_min: Set(d.budget_min),
        budget_max: Set(d.budget_max),
        deadline: Set(d.deadline),
        modes: Set(modes_text(&d.modes)),
        ip_terms: Set(d.ip_terms.clone()),
        excluded: Set(ids_json(excluded)),
        review_note: Set(None),
        created_by: Set(by.to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        published_on: Set(None),
        ..Default::default()
    })
    .exec(tx.conn())
    .await?
    .last_insert_id;
    put_demand_tags(tx, id, d).await?;
    Ok(id)
}

/// Rewrites a demand's fields while it is a draft or returned; false when it has moved on.
pub async fn update_demand(
    tx: &Tx,
    id: i32,
    d: &DemandDraft,
    excluded: &BTreeSet<OrganizationId>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let editable: Vec<&str> = DemandStatus::ALL.iter().filter(|s| s.editable()).map(|s| s.code()).collect();
    let r = demand::Entity::update_many()
        .col_expr(demand::Column::Title, Expr::value(d.title.clone()))
        .col_expr(demand::Column::Product, Expr::value(d.product.clone()))
        .col_expr(demand::Column::Summary, Expr::value(d.summary.clone()))
        .col_expr(demand::Column::Details, Expr::value(d.details.clone()))
        .col_expr(demand::Column::Deliverables, Expr::value(d.deliverables.clone()))
        .col_expr(demand::Column::IndustryCode, Expr::value(d.industry_code.clone()))
        .col_expr(demand::Column::ClusterId, Expr::value(d.cluster.map(ClusterId::get)))
        .col_expr(demand::Column::BudgetMin, Expr::value(d.budget_min))
        .col_expr(demand::Column::BudgetMax, Expr::value(d.budget_max))
        .col_expr(demand::Column::Deadline, Expr::value(d.deadline))
        .col_expr(demand::Column::Modes, Expr::value(modes_text(&d.modes)))
        .col_expr(demand::Column::IpTerms, Expr::value(d.ip_terms.clone()))
        .col_expr(demand::Column::Excluded, Expr::value(ids_json(excluded)))
        .col_expr(demand::Column::UpdatedAt, Expr::value(now))
        .filter(demand::Column::Id.eq(id))
        .filter(demand::Column::Status.is_in(editable))
        .exec(tx.conn())
        .await?;
    if r.rows_affected == 0 {
        return Ok(false);
    }
    put_demand_tags(tx, id, d).await?;
    Ok(true)
}

/// Moves a demand from `from` to `to` (with the branch's note when returning, the day when
/// publishing); false when someone moved it first.
pub async fn move_demand(
    tx: &Tx,
    id: i32,
    from: DemandStatus,
    to: DemandStatus,
    note: Option<String>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let mut q = demand::Entity::update_many()
        .col_expr(demand::Column::Status, Expr::value(to.code()))
        .col_expr(demand::Column::UpdatedAt, Expr::value(now));
    if note.is_some() || to == DemandStatus::Pending {
        q = q.col_expr(demand::Column::ReviewNote, Expr::value(note));
    }
    if to == DemandStatus::Published {
        q = q.col_expr(demand::Column::PublishedOn, Expr::value(sheji_core::clock::beijing_date(now)));
    }
    let r = q.filter(demand::Column::Id.eq(id)).filter(demand::Column::Status.eq(from.code())).exec(tx.conn()).await?;
    Ok(r.rows_affected == 1)
}

/// One demand.
pub async fn get_demand(db: &impl Db, id: i32) -> Result<Option<Demand>, StoreError> {
    let Some(m) = demand::Entity::find_by_id(id).one(db.conn()).await? else { return Ok(None) };
    let tags = demand_tags(db, &[id]).await?;
    Ok(Some(to_demand(m, &tags)?))
}

/// Several demands by id (missing ones left out).
pub async fn demands_by_id(db: &impl Db, ids: &BTreeSet<i32>) -> Result<BTreeMap<i32, Demand>, StoreError> {
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    let list: Vec<i32> = ids.iter().copied().collect();
    let rows = demand::Entity::find().filter(demand::Column::Id.is_in(list.clone())).all(db.conn()).await?;
    let tags = demand_tags(db, &list).await?;
    rows.into_iter().map(|m| to_demand(m, &tags).map(|d| (d.id, d))).collect()
}

/// Which demands a list shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DemandFilter {
    /// Only these states (all when empty).
    pub statuses: Vec<DemandStatus>,
    /// Only in these districts.
    pub districts: Option<Vec<DistrictId>>,
    /// Only this organization's.
    pub organization: Option<OrganizationId>,
    /// Only those asking for this service category.
    pub category: Option<String>,
    /// Only those in this cluster.
    pub cluster: Option<ClusterId>,
    /// Only those whose budget reaches at least this much (万元).
    pub budget_at_least: Option<f64>,
}

/// A page of demands, newest first.
pub async fn list_demands(db: &impl Db, f: &DemandFilter, page: PageRequest) -> Result<Page<Demand>, StoreError> {
    let mut q = demand::Entity::find();
    if !f.statuses.is_empty() {
        q = q.filter(demand::Column::Status.is_in(f.statuses.iter().map(|s| s.code())));
    }
    if let Some(d) = &f.districts {
        q = q.filter(demand::Column::DistrictId.is_in(d.iter().map(|x| x.get())));
    }
    if let Some(o) = f.organization {
        q = q.filter(demand::Column::OrganizationId.eq(o.get()));
    }
    for (dim, code) in [(CATEGORY, f.category.clone()), (CLUSTER, f.cluster.map(|c| c.get().to_string()))].into_iter() {
        if let Some(code) = code {
            let mut sub = Query::select();
            sub.column(demand_tag::Column::DemandId)
                .from(demand_tag::Entity)
                .and_where(demand_tag::Column::Dim.eq(dim))
                .and_where(demand_tag::Column::Code.eq(code));
            q = q.filter(demand::Column::Id.in_subquery(sub));
        }
    }
    if let Some(b) = f.budget_at_least {
        q = q.filter(
            Condition::any()
                .add(demand::Column::BudgetMax.gte(b))
                .add(Condition::all().add(demand::Column::BudgetMax.is_null()).add(demand::Column::BudgetMin.gte(b))),
        );
    }
    let total = sea_orm::PaginatorTrait::count(q.clone(), db.conn()).await?;
    let rows = q.order_by_desc(demand::Column::Id).offset(page.offset()).limit(page.per_page()).all(db.conn()).await?;
    let ids: Vec<i32> = rows.iter().map(|m| m.id).collect();
    let tags = demand_tags(db, &ids).await?;
    let items = rows.into_iter().map(|m| to_demand(m, &tags)).collect::<Result<_, _>>()?;
    Ok(Page::new(items, page, total))
}

/// How many demands in these states and districts (all districts when `None`).
pub async fn count_demands(
    db: &impl Db,
    status: DemandStatus,
    districts: Option<&[DistrictId]>,
) -> Result<u64, StoreError> {
    let mut q = demand::Entity::find().filter(demand::Column::Status.eq(status.code()));
    if let Some(d) = districts {
        q = q.filter(demand::Column::DistrictId.is_in(d.iter().map(|x| x.get())));
    }
    Ok(sea_orm::PaginatorTrait::count(q, db.conn()).await?)
}

/// Published demands whose deadline is before `today`, at most `limit`.
pub async fn overdue_demands(db: &impl Db, today: NaiveDate, limit: u64) -> Result<Vec<Demand>, StoreError> {
    let rows = demand::Entity::find()
        .filter(demand::Column::Status.eq(DemandStatus::Published.code()))
        .filter(demand::Column::Deadline.lt(today))
        .order_by_asc(demand::Column::Deadline)
        .limit(limit)
        .all(db.conn())
        .await?;
    let ids: Vec<i32> = rows.iter().map(|m| m.id).collect();
    let tags = demand_tags(db, &ids).await?;
    rows.into_iter().map(|m| to_demand(m, &tags)).collect()
}

/// What matching reads of every published demand.
pub async fn published_demand_traits(db: &impl Db) -> Result<Vec<DemandTraits>, StoreError> {
    type Row = (i32, i32, i32, Option<i32>, Option<f64>, Option<f64>, String);
    let rows: Vec<Row> = demand::Entity::find()
        .select_only()
        .columns([
            demand::Column::Id,
            demand::Column::OrganizationId,
            demand::Column::DistrictId,
            demand::Column::ClusterId,
            demand::Column::BudgetMin,
            demand::Column::BudgetMax,
            demand::Column::Excluded,
        ])
        .filter(demand::Column::Status.eq(DemandStatus::Published.code()))
        .order_by_asc(demand::Column::Id)
        .into_tuple()
        .all(db.conn())
        .await?;
    let tags = published_tags_demand(db).await?;
    rows.into_iter()
        .map(|(id, org, district, cluster, lo, hi, excluded)| {
            Ok(DemandTraits {
                id,
                organization: OrganizationId(org),
                district: DistrictId(district),
                categories: tags.get(&id).map(|t| t.0.clone()).unwrap_or_default(),
                bits: 0,
                cluster: cluster.map(ClusterId),
                budget: (lo, hi),
                excluded: ids_from(&format!("demand {id}"), &excluded)?,
            })
        })
        .collect()
}

async fn published_tags_demand(db: &impl Db) -> Result<Tags, StoreError> {
    let mut sub = Query::select();
    sub.column(demand::Column::Id)
        .from(demand::Entity)
        .and_where(demand::Column::Status.eq(DemandStatus::Published.code()));
    let rows: Vec<(i32, String, String)> = demand_tag::Entity::find()
        .select_only()
        .columns([demand_tag::Column::DemandId, demand_tag::Column::Dim, demand_tag::Column::Code])
        .filter(demand_tag::Column::DemandId.in_subquery(sub))
        .into_tuple()
        .all(db.conn())
        .await?;
    Ok(fold_tags(rows))
}

/// Who an offer belongs to and where it sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OfferOwner {
    /// The provider organization; none for an individual designer.
    pub organization: Option<OrganizationId>,
    /// The account that owns it.
    pub account: AccountId,
    /// The provider's district.
    pub district: DistrictId,
}

/// A new offer, as a draft; its id.
pub async fn insert_offer(
    tx: &Tx,
    owner: OfferOwner,
    o: &OfferDraft,
    excluded: &BTreeSet<OrganizationId>,
    by: &str,
    now: DateTime<Utc>,
) -> Result<i32, StoreError> {
    let id = offer::Entity::insert(offer::ActiveModel {
        organization_id: Set(owner.organization.map(OrganizationId::get)),
        account_id: Set(owner.account.get()),
        district_id: Set(owner.district.get()),
        status: Set(OfferStatus::Draft.code().to_owned()),
        title: Set(o.title.clone()),
        description: Set(o.description.clone()),
        team: Set(o.team.clone()),
        cases: Set(o.cases.clone()),
        capacity: Set(o.capacity),
        price_min: Set(o.price_min),
        price_max: Set(o.price_max),
        excluded: Set(ids_json(excluded)),
        created_by: Set(by.to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec(tx.conn())
    .await?
    .last_insert_id;
    put_offer_tags(tx, id, o).await?;
    Ok(id)
}

/// Rewrites an offer's fields (and the designer's district).
pub async fn update_offer(
    tx: &Tx,
    id: i32,
    district: DistrictId,
    o: &OfferDraft,
    excluded: &BTreeSet<OrganizationId>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let r = offer::Entity::update_many()
        .col_expr(offer::Column::DistrictId, Expr::value(district.get()))
        .col_expr(offer::Column::Title, Expr::value(o.title.clone()))
        .col_expr(offer::Column::Description, Expr::value(o.description.clone()))
        .col_expr(offer::Column::Team, Expr::value(o.team.clone()))
        .col_expr(offer::Column::Cases, Expr::value(o.cases.clone()))
        .col_expr(offer::Column::Capacity, Expr::value(o.capacity))
        .col_expr(offer::Column::PriceMin, Expr::value(o.price_min))
        .col_expr(offer::Column::PriceMax, Expr::value(o.price_max))
        .col_expr(offer::Column::Excluded, Expr::value(ids_json(excluded)))
        .col_expr(offer::Column::UpdatedAt, Expr::value(now))
        .filter(offer::Column::Id.eq(id))
        .exec(tx.conn())
        .await?;
    if r.rows_affected == 0 {
        return Ok(false);
    }
    put_offer_tags(tx, id, o).await?;
    Ok(true)
}

/// Moves an offer from `from` to `to`; false when someone moved it first.
pub async fn move_offer(
    tx: &Tx,
    id: i32,
    from: OfferStatus,
    to: OfferStatus,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let r = offer::Entity::update_many()
        .col_expr(offer::Column::Status, Expr::value(to.code()))
        .col_expr(offer::Column::UpdatedAt, Expr::value(now))
        .filter(offer::Column::Id.eq(id))
        .filter(offer::Column::Status.eq(from.code()))
        .exec(tx.conn())
        .await?;
    Ok(r.rows_affected == 1)
}

/// One offer.
pub async fn get_offer(db: &impl Db, id: i32) -> Result<Option<Offer>, StoreError> {
    let Some(m) = offer::Entity::find_by_id(id).one(db.conn()).await? else { return Ok(None) };
    let tags = offer_tags(db, &[id]).await?;
    Ok(Some(to_offer(m, &tags)?))
}

/// Several offers by id.
pub async fn offers_by_id(db: &impl Db, ids: &BTreeSet<i32>) -> Result<BTreeMap<i32, Offer>, StoreError> {
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    let list: Vec<i32> = ids.iter().copied().collect();
    let rows = offer::Entity::find().filter(offer::Column::Id.is_in(list.clone())).all(db.conn()).await?;
    let tags = offer_tags(db, &list).await?;
    rows.into_iter().map(|m| to_offer(m, &tags).map(|o| (o.id, o))).collect()
}

/// Which offers a list shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OfferFilter {
    /// Only these states (all when empty).
    pub statuses: Vec<OfferStatus>,
    /// Only in these districts.
    pub districts: Option<Vec<DistrictId>>,
    /// Only this organization's …
    pub organization: Option<OrganizationId>,
    /// … or this designer's own (offers of no organization written by this account; either
    /// matches when both are set).
    pub account: Option<AccountId>,
    /// Only those offering this service category.
    pub category: Option<String>,
    /// Only those serving this cluster.
    pub cluster: Option<ClusterId>,
    /// Only those whose price starts at or below this (万元).
    pub price_at_most: Option<f64>,
}

/// A page of offers, newest first.
pub async fn list_offers(db: &impl Db, f: &OfferFilter, page: PageRequest) -> Result<Page<Offer>, StoreError> {
    let mut q = offer::Entity::find();
    if !f.statuses.is_empty() {
        q = q.filter(offer::Column::Status.is_in(f.statuses.iter().map(|s| s.code())));
    }
    if let Some(d) = &f.districts {
        q = q.filter(offer::Column::DistrictId.is_in(d.iter().map(|x| x.get())));
    }
    // An account owns only its own designer offers (no organization): whoever wrote an
    // organization's offer does not keep it after leaving.
    let own = |a: AccountId| {
        Condition::all().add(offer::Column::AccountId.eq(a.get())).add(offer::Column::OrganizationId.is_null())
    };
    match (f.organization, f.account) {
        (Some(o), Some(a)) => q = q.filter(Condition::any().add(offer::Column::OrganizationId.eq(o.get())).add(own(a))),
        (Some(o), None) => q = q.filter(offer::Column::OrganizationId.eq(o.get())),
        (None, Some(a)) => q = q.filter(own(a)),
        (None, None) => {}
    }
    for (dim, code) in [(CATEGORY, f.category.clone()), (CLUSTER, f.cluster.map(|c| c.get().to_string()))] {
        if let Some(code) = code {
            let mut sub = Query::select();
            sub.column(offer_tag::Column::OfferId)
                .from(offer_tag::Entity)
                .and_where(offer_tag::Column::Dim.eq(dim))
                .and_where(offer_tag::Column::Code.eq(code));
            q = q.filter(offer::Column::Id.in_subquery(sub));
        }
    }
    if let Some(p) = f.price_at_most {
        q = q.filter(
            Condition::any()
                .add(offer::Column::PriceMin.lte(p))
                .add(Condition::all().add(offer::Column::PriceMin.is_null()).add(offer::Column::PriceMax.lte(p))),
        );
    }
    let total = sea_orm::PaginatorTrait::count(q.clone(), db.conn()).await?;
    let rows = q.order_by_desc(offer::Column::Id).offset(page.offset()).limit(page.per_page()).all(db.conn()).await?;
    let ids: Vec<i32> = rows.iter().map(|m| m.id).collect();
    let tags = offer_tags(db, &ids).await?;
    let items = rows.into_iter().map(|m| to_offer(m, &tags)).collect::<Result<_, _>>()?;
    Ok(Page::new(items, page, total))
}

/// The service categories (codes) that each of `orgs` offers in its published offers: one read
/// of their offers and one of those offers' category tags (bounded by the organizations asked).
pub async fn offered_categories(
    db: &impl Db,
    orgs: &BTreeSet<OrganizationId>,
) -> Result<BTreeMap<OrganizationId, BTreeSet<String>>, StoreError> {
    let mut out: BTreeMap<OrganizationId, BTreeSet<String>> = BTreeMap::new();
    for chunk in orgs.iter().map(|o| o.get()).collect::<Vec<_>>().chunks(500) {
        let offers: Vec<(i32, Option<i32>)> = offer::Entity::find()
            .select_only()
            .columns([offer::Column::Id, offer::Column::OrganizationId])
            .filter(offer::Column::Status.eq(OfferStatus::Published.code()))
            .filter(offer::Column::OrganizationId.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db.conn())
            .await?;
        let owner: BTreeMap<i32, i32> = offers.into_iter().filter_map(|(id, org)| org.map(|o| (id, o))).collect();
        if owner.is_empty() {
            continue;
        }
        let tags: Vec<(i32, String)> = offer_tag::Entity::find()
            .select_only()
            .columns([offer_tag::Column::OfferId, offer_tag::Column::Code])
            .filter(offer_tag::Column::Dim.eq(CATEGORY))
            .filter(offer_tag::Column::OfferId.is_in(owner.keys().copied().collect::<Vec<_>>()))
            .into_tuple()
            .all(db.conn())
            .await?;
        for (offer_id, code) in tags {
            if let Some(org) = owner.get(&offer_id) {
                out.entry(OrganizationId(*org)).or_default().insert(code);
            }
        }
    }
    Ok(out)
}

/// What matching reads of every published offer; `recognitions` is left at zero for the
/// caller to fill, `engaged` counts accepted interests in demands still published.
pub async fn published_offer_traits(db: &impl Db) -> Result<Vec<OfferTraits>, StoreError> {
    type Row = (i32, Option<i32>, i32, i32, Option<i32>, Option<f64>, Option<f64>, String);
    let rows: Vec<Row> = offer::Entity::find()
        .select_only()
        .columns([
            offer::Column::Id,
            offer::Column::OrganizationId,
            offer::Column::AccountId,
            offer::Column::DistrictId,
            offer::Column::Capacity,
            offer::Column::PriceMin,
            offer::Column::PriceMax,
            offer::Column::Excluded,
        ])
        .filter(offer::Column::Status.eq(OfferStatus::Published.code()))
        .order_by_asc(offer::Column::Id)
        .into_tuple()
        .all(db.conn())
        .await?;
    let mut sub = Query::select();
    sub.column(offer::Column::Id)
        .from(offer::Entity)
        .and_where(offer::Column::Status.eq(OfferStatus::Published.code()));
    let tag_rows: Vec<(i32, String, String)> = offer_tag::Entity::find()
        .select_only()
        .columns([offer_tag::Column::OfferId, offer_tag::Column::Dim, offer_tag::Column::Code])
        .filter(offer_tag::Column::OfferId.in_subquery(sub))
        .into_tuple()
        .all(db.conn())
        .await?;
    let tags = fold_tags(tag_rows);
    let engaged = engaged_by_offer(db).await?;
    rows.into_iter()
        .map(|(id, org, account, district, capacity, lo, hi, excluded)| {
            let (categories, clusters) = tags.get(&id).cloned().unwrap_or_default();
            Ok(OfferTraits {
                id,
                organization: org.map(OrganizationId),
                account: AccountId(account),
                district: DistrictId(district),
                categories,
                bits: 0,
                clusters,
                price: (lo, hi),
                capacity: capacity.unwrap_or(1),
                engaged: engaged.get(&id).copied().unwrap_or(0),
                recognitions: 0,
                rated_deals: 0,
                excluded: ids_from(&format!("offer {id}"), &excluded)?,
            })
        })
        .collect()
}

/// Accepted interests per offer whose demand is still published (work in hand).
async fn engaged_by_offer(db: &impl Db) -> Result<BTreeMap<i32, i32>, StoreError> {
    let mut open = Query::select();
    open.column(demand::Column::Id)
        .from(demand::Entity)
        .and_where(demand::Column::Status.eq(DemandStatus::Published.code()));
    let rows: Vec<(i32, i64)> = interest::Entity::find()
        .select_only()
        .column(interest::Column::OfferId)
        .column_as(interest::Column::Id.count(), "n")
        .filter(interest::Column::Status.eq(InterestStatus::Accepted.code()))
        .filter(interest::Column::DemandId.in_subquery(open))
        .group_by(interest::Column::OfferId)
        .into_tuple()
        .all(db.conn())
        .await?;
    Ok(rows.into_iter().map(|(o, n)| (o, i32::try_from(n).unwrap_or(i32::MAX))).collect())
}

fn to_interest(m: interest::Model) -> Result<Interest, StoreError> {
    let what = format!("interest {}", m.id);
    Ok(Interest {
        id: m.id,
        demand: m.demand_id,
        offer: m.offer_id,
        side: Side::parse(&m.side).ok_or_else(|| corrupt(what.clone(), &m.side))?,
        status: InterestStatus::parse(&m.status).ok_or_else(|| corrupt(what.clone(), &m.status))?,
        message: m.message,
        reason: m.reason,
        created_by: m.created_by,
        created_at: m.created_at,
        answered_by: m.answered_by,
        answered_at: m.answered_at,
    })
}

/// Records an interest; a second one for the same pair is refused by the unique index
/// ([`StoreError::is_duplicate`]).
pub async fn insert_interest(
    tx: &Tx,
    demand: i32,
    offer: i32,
    side: Side,
    message: &str,
    by: &str,
    now: DateTime<Utc>,
) -> Result<i32, StoreError> {
    Ok(interest::Entity::insert(interest::ActiveModel {
        demand_id: Set(demand),
        offer_id: Set(offer),
        side: Set(side.code().to_owned()),
        status: Set(InterestStatus::Pending.code().to_owned()),
        message: Set(message.to_owned()),
        reason: Set(None),
        created_by: Set(by.to_owned()),
        created_at: Set(now),
        answered_by: Set(None),
        answered_at: Set(None),
        ..Default::default()
    })
    .exec(tx.conn())
    .await?
    .last_insert_id)
}

/// Answers a pending interest; false when it was answered first.
pub async fn answer_interest(
    tx: &Tx,
    id: i32,
    to: InterestStatus,
    reason: Option<String>,
    by: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let r = interest::Entity::update_many()
        .col_expr(interest::Column::Status, Expr::value(to.code()))
        .col_expr(interest::Column::Reason, Expr::value(reason))
        .col_expr(interest::Column::AnsweredBy, Expr::value(by.to_owned()))
        .col_expr(interest::Column::AnsweredAt, Expr::value(now))
        .filter(interest::Column::Id.eq(id))
        .filter(interest::Column::Status.eq(InterestStatus::Pending.code()))
        .exec(tx.conn())
        .await?;
    Ok(r.rows_affected == 1)
}

/// One interest.
pub async fn get_interest(db: &impl Db, id: i32) -> Result<Option<Interest>, StoreError> {
    interest::Entity::find_by_id(id).one(db.conn()).await?.map(to_interest).transpose()
}

/// Whose interests: a party's demands and offers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Party {
    /// The organization (its demands and offers).
    pub organization: Option<OrganizationId>,
    /// The account (a designer's own offers: those of no organization).
    pub account: Option<AccountId>,
}

fn my_demands(p: &Party) -> Option<sea_orm::sea_query::SelectStatement> {
    let org = p.organization?;
    let mut sub = Query::select();
    sub.column(demand::Column::Id).from(demand::Entity).and_where(demand::Column::OrganizationId.eq(org.get()));
    Some(sub)
}

fn my_offers(p: &Party) -> Option<sea_orm::sea_query::SelectStatement> {
    let mut cond = Condition::any();
    if let Some(o) = p.organization {
        cond = cond.add(offer::Column::OrganizationId.eq(o.get()));
    }
    if let Some(a) = p.account {
        cond = cond.add(
            Condition::all().add(offer::Column::AccountId.eq(a.get())).add(offer::Column::OrganizationId.is_null()),
        );
    }
    if p.organization.is_none() && p.account.is_none() {
        return None;
    }
    let mut sub = Query::select();
    sub.column(offer::Column::Id).from(offer::Entity).cond_where(cond);
    Some(sub)
}

/// A page of the interests touching a party's demands or offers, newest first.
pub async fn interests_of(db: &impl Db, p: &Party, page: PageRequest) -> Result<Page<Interest>, StoreError> {
    let mut cond = Condition::any();
    if let Some(d) = my_demands(p) {
        cond = cond.add(interest::Column::DemandId.in_subquery(d));
    }
    if let Some(o) = my_offers(p) {
        cond = cond.add(interest::Column::OfferId.in_subquery(o));
    }
    if cond.is_empty() {
        return Ok(Page::new(Vec::new(), page, 0));
    }
    let q = interest::Entity::find().filter(cond).order_by_desc(interest::Column::Id);
    crate::page_of(db, q, page, to_interest).await
}

/// The pending interests a party must answer: sent by providers to its demands, or by
/// demanders to its offers.
pub async fn awaiting_answer(db: &impl Db, p: &Party) -> Result<u64, StoreError> {
    let mut cond = Condition::any();
    if let Some(d) = my_demands(p) {
        cond = cond.add(
            Condition::all()
                .add(interest::Column::Side.eq(Side::Provider.code()))
                .add(interest::Column::DemandId.in_subquery(d)),
        );
    }
    if let Some(o) = my_offers(p) {
        cond = cond.add(
            Condition::all()
                .add(interest::Column::Side.eq(Side::Demander.code()))
                .add(interest::Column::OfferId.in_subquery(o)),
        );
    }
    if cond.is_empty() {
        return Ok(0);
    }
    // Only what can still be accepted: both records published.
    let mut open_demands = Query::select();
    open_demands
        .column(demand::Column::Id)
        .from(demand::Entity)
        .and_where(demand::Column::Status.eq(DemandStatus::Published.code()));
    let mut open_offers = Query::select();
    open_offers
        .column(offer::Column::Id)
        .from(offer::Entity)
        .and_where(offer::Column::Status.eq(OfferStatus::Published.code()));
    let q = interest::Entity::find()
        .filter(interest::Column::Status.eq(InterestStatus::Pending.code()))
        .filter(interest::Column::DemandId.in_subquery(open_demands))
        .filter(interest::Column::OfferId.in_subquery(open_offers))
        .filter(cond);
    Ok(sea_orm::PaginatorTrait::count(q, db.conn()).await?)
}

/// The interests of one demand, newest first, at most `limit`; only those of the party's
/// offers when `party` is given (a provider sees its own).
pub async fn interests_of_demand(
    db: &impl Db,
    demand: i32,
    party: Option<&Party>,
    limit: u64,
) -> Result<Vec<Interest>, StoreError> {
    let mut q = interest::Entity::find();
    if let Some(p) = party {
        let Some(offers) = my_offers(p) else { return Ok(Vec::new()) };
        q = q.filter(interest::Column::OfferId.in_subquery(offers));
    }
    q.filter(interest::Column::DemandId.eq(demand))
        .order_by_desc(interest::Column::Id)
        .limit(limit)
        .all(db.conn())
        .await?
        .into_iter()
        .map(to_interest)
        .collect()
}

/// The interests of one offer, newest first, at most `limit`; only those of the party's
/// demands when `party` is given (a demander sees its own).
pub async fn interests_of_offer(
    db: &impl Db,
    offer: i32,
    party: Option<&Party>,
    limit: u64,
) -> Result<Vec<Interest>, StoreError> {
    let mut q = interest::Entity::find();
    if let Some(p) = party {
        let Some(demands) = my_demands(p) else { return Ok(Vec::new()) };
        q = q.filter(interest::Column::DemandId.in_subquery(demands));
    }
    q.filter(interest::Column::OfferId.eq(offer))
        .order_by_desc(interest::Column::Id)
        .limit(limit)
        .all(db.conn())
        .await?
        .into_iter()
        .map(to_interest)
        .collect()
}

/// Whether one of the party's offers holds an accepted interest in the demand (the
/// provider then reads the demand's private details).
pub async fn accepted_for(db: &impl Db, demand: i32, p: &Party) -> Result<bool, StoreError> {
    let Some(offers) = my_offers(p) else { return Ok(false) };
    let q = interest::Entity::find()
        .filter(interest::Column::DemandId.eq(demand))
        .filter(interest::Column::Status.eq(InterestStatus::Accepted.code()))
        .filter(interest::Column::OfferId.in_subquery(offers));
    Ok(sea_orm::PaginatorTrait::count(q, db.conn()).await? > 0)
}

/// Demands the search index holds: every state but a draft (its organization's alone) and a
/// withdrawn one.
fn indexed_demand_states() -> Vec<&'static str> {
    DemandStatus::ALL
        .iter()
        .filter(|s| !matches!(s, DemandStatus::Draft | DemandStatus::Withdrawn))
        .map(|s| s.code())
        .collect()
}

/// Up to `limit` indexable demands after id `after`, in id order (a search rebuild).
pub async fn demands_after(db: &impl Db, after: i32, limit: u64) -> Result<Vec<Demand>, StoreError> {
    let rows = demand::Entity::find()
        .filter(demand::Column::Id.gt(after))
        .filter(demand::Column::Status.is_in(indexed_demand_states()))
        .order_by_asc(demand::Column::Id)
        .limit(limit)
        .all(db.conn())
        .await?;
    let ids: Vec<i32> = rows.iter().map(|m| m.id).collect();
    let tags = demand_tags(db, &ids).await?;
    rows.into_iter().map(|m| to_demand(m, &tags)).collect()
}

/// Up to `limit` indexable offers (all but drafts) after id `after`, in id order.
pub async fn offers_after(db: &impl Db, after: i32, limit: u64) -> Result<Vec<Offer>, StoreError> {
    let rows = offer::Entity::find()
        .filter(offer::Column::Id.gt(after))
        .filter(offer::Column::Status.ne(OfferStatus::Draft.code()))
        .order_by_asc(offer::Column::Id)
        .limit(limit)
        .all(db.conn())
        .await?;
    let ids: Vec<i32> = rows.iter().map(|m| m.id).collect();
    let tags = offer_tags(db, &ids).await?;
    rows.into_iter().map(|m| to_offer(m, &tags)).collect()
}

/// A published guide (its snapshot as the service wrote it, JSON).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guide {
    /// Key.
    pub id: i32,
    /// Title, period and opening paragraphs.
    pub draft: sheji_core::matchmaking::GuideDraft,
    /// What the lists held when it was published.
    pub snapshot: String,
    /// Demands in it.
    pub demands: i32,
    /// Offers in it.
    pub offers: i32,
    /// Who published it.
    pub published_by: String,
    /// When.
    pub published_at: DateTime<Utc>,
}

fn to_guide(m: crate::entity::matchmaking_guide::Model) -> Guide {
    Guide {
        id: m.id,
        draft: sheji_core::matchmaking::GuideDraft {
            title: m.title,
            period_from: Some(m.period_from),
            period_to: Some(m.period_to),
            intro: m.intro,
        },
        snapshot: m.snapshot,
        demands: m.demands,
        offers: m.offers,
        published_by: m.published_by,
        published_at: m.published_at,
    }
}

/// Records a published guide; its id.
pub async fn insert_guide(
    tx: &Tx,
    g: &sheji_core::matchmaking::GuideDraft,
    snapshot: &str,
    counts: (i32, i32),
    by: &str,
    now: DateTime<Utc>,
) -> Result<i32, StoreError> {
    use crate::entity::matchmaking_guide;
    let (Some(from), Some(to)) = (g.period_from, g.period_to) else {
        return Err(corrupt("guide", "a guide needs its period"));
    };
    Ok(matchmaking_guide::Entity::insert(matchmaking_guide::ActiveModel {
        title: Set(g.title.clone()),
        period_from: Set(from),
        period_to: Set(to),
        intro: Set(g.intro.clone()),
        snapshot: Set(snapshot.to_owned()),
        demands: Set(counts.0),
        offers: Set(counts.1),
        published_by: Set(by.to_owned()),
        published_at: Set(now),
        ..Default::default()
    })
    .exec(tx.conn())
    .await?
    .last_insert_id)
}

/// One guide.
pub async fn get_guide(db: &impl Db, id: i32) -> Result<Option<Guide>, StoreError> {
    Ok(crate::entity::matchmaking_guide::Entity::find_by_id(id).one(db.conn()).await?.map(to_guide))
}

/// A page of guides, newest first, without their snapshots (which are not read).
pub async fn list_guides(db: &impl Db, page: PageRequest) -> Result<Page<Guide>, StoreError> {
    use crate::entity::matchmaking_guide as g;
    type Row = (i32, String, NaiveDate, NaiveDate, String, i32, i32, String, DateTime<Utc>);
    let total = sea_orm::PaginatorTrait::count(g::Entity::find(), db.conn()).await?;
    let rows: Vec<Row> = g::Entity::find()
        .select_only()
        .columns([
            g::Column::Id,
            g::Column::Title,
            g::Column::PeriodFrom,
            g::Column::PeriodTo,
            g::Column::Intro,
            g::Column::Demands,
            g::Column::Offers,
            g::Column::PublishedBy,
            g::Column::PublishedAt,
        ])
        .order_by_desc(g::Column::Id)
        .offset(page.offset())
        .limit(page.per_page())
        .into_tuple()
        .all(db.conn())
        .await?;
    let items = rows
        .into_iter()
        .map(|(id, title, from, to, intro, demands, offers, published_by, published_at)| Guide {
            id,
            draft: sheji_core::matchmaking::GuideDraft { title, period_from: Some(from), period_to: Some(to), intro },
            snapshot: String::new(),
            demands,
            offers,
            published_by,
            published_at,
        })
        .collect();
    Ok(Page::new(items, page, total))
}

/// The districts whose branch does not review demands (every other one does).
pub async fn unreviewed_districts(db: &impl Db) -> Result<BTreeSet<DistrictId>, StoreError> {
    use crate::entity::matchmaking_district;
    Ok(matchmaking_district::Entity::find()
        .filter(matchmaking_district::Column::Review.eq(false))
        .all(db.conn())
        .await?
        .into_iter()
        .map(|m| DistrictId(m.district_id))
        .collect())
}

/// Records whether a district's branch reviews demands.
pub async fn set_district_review(
    tx: &Tx,
    district: DistrictId,
    review: bool,
    by: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    use crate::entity::matchmaking_district;
    matchmaking_district::Entity::delete_many()
        .filter(matchmaking_district::Column::DistrictId.eq(district.get()))
        .exec(tx.conn())
        .await?;
    matchmaking_district::Entity::insert(matchmaking_district::ActiveModel {
        district_id: Set(district.get()),
        review: Set(review),
        updated_by: Set(by.to_owned()),
        updated_at: Set(now),
    })
    .exec(tx.conn())
    .await?;
    Ok(())
}
