//! The review engine's records: the expert pool, rubric versions, campaigns and their items,
//! declared conflicts and overrides, assignments with their score sheets, fixed results,
//! objections, the working-day calendar and the cooperations conflicts are derived from.
//!
//! Lists are paged; the reads that feed an assignment (a campaign's items, the active pool)
//! return whole sets because the solver needs all of them, and both are bounded by what staff
//! entered (thousands, not millions).

pub mod entity;
pub mod migration;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use sheji_core::ids::{AccountId, CampaignId, DistrictId, ExpertId, ItemId, OrganizationId, RubricId};
use sheji_core::page::{Page, PageRequest};
use sheji_core::review::calendar::WorkCalendar;
use sheji_core::review::conflict::{Cooperation, Declarant, Employment};
use sheji_core::review::notice::PublicityNotice;
use sheji_core::review::score::{Aggregation, Rubric, Threshold};
use sheji_core::review::{AssignmentStatus, CampaignStatus, ObjectionStatus, SheetStatus};

use crate::entity::{
    cooperation, expert, expert_availability, expert_employment, expert_specialty, holiday, review_assignment,
    review_campaign, review_declaration, review_item, review_item_organization, review_objection, review_override,
    review_result, rubric,
};
use crate::{Db, StoreError, Tx};

/// What staff enter about an expert.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpertFields {
    /// Name as shown.
    pub name: String,
    /// Professional title level code.
    pub title: Option<String>,
    /// Current employer.
    pub organization: Option<OrganizationId>,
    /// District where they work.
    pub district: Option<DistrictId>,
    /// A few lines about them.
    pub bio: String,
    /// Most items per campaign.
    pub max_load: u32,
    /// Whether they are drawn at all.
    pub active: bool,
    /// Specialty codes.
    pub specialties: BTreeSet<String>,
    /// Periods they can review in (none: always).
    pub availability: Vec<(NaiveDate, NaiveDate)>,
}

/// An expert with everything the pool and the conflict rules read.
#[derive(Debug, Clone, PartialEq)]
pub struct Expert {
    /// Key.
    pub id: ExpertId,
    /// Their account.
    pub account: AccountId,
    /// What staff entered.
    pub fields: ExpertFields,
    /// Past employers with their last day.
    pub past_employers: Vec<(OrganizationId, NaiveDate)>,
}

impl Expert {
    /// Current and past employments, for the conflict rules.
    pub fn employments(&self) -> Vec<Employment> {
        let mut out: Vec<Employment> =
            self.fields.organization.map(|o| Employment { organization: o, until: None }).into_iter().collect();
        out.extend(self.past_employers.iter().map(|(o, d)| Employment { organization: *o, until: Some(*d) }));
        out
    }
}

fn corrupt(what: impl Into<String>, detail: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt { what: what.into(), detail: detail.to_string() }
}

fn to_u32(x: i32) -> u32 {
    u32::try_from(x).unwrap_or(0)
}

fn to_i32(x: u32) -> i32 {
    i32::try_from(x).unwrap_or(i32::MAX)
}

/// Adds an expert for an account; returns the id.
pub async fn insert_expert(
    tx: &Tx,
    account: AccountId,
    f: &ExpertFields,
    now: DateTime<Utc>,
) -> Result<ExpertId, StoreError> {
    let r = expert::Entity::insert(expert::ActiveModel {
        account_id: Set(account.get()),
        name: Set(f.name.clone()),
        title: Set(f.title.clone()),
        organization_id: Set(f.organization.map(OrganizationId::get)),
        district_id: Set(f.district.map(DistrictId::get)),
        bio: Set(f.bio.clone()),
        max_load: Set(to_i32(f.max_load)),
        active: Set(f.active),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec(tx.conn())
    .await?;
    let id = ExpertId(r.last_insert_id);
    replace_expert_lists(tx, id, f).await?;
    Ok(id)
}

/// Overwrites an expert's fields. A change of employer keeps the old one as a past employer
/// ending `today`, so the conflict window still sees it.
pub async fn update_expert(
    tx: &Tx,
    id: ExpertId,
    before: &ExpertFields,
    f: &ExpertFields,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    expert::Entity::update(expert::ActiveModel {
        id: Set(id.get()),
        name: Set(f.name.clone()),
        title: Set(f.title.clone()),
        organization_id: Set(f.organization.map(OrganizationId::get)),
        district_id: Set(f.district.map(DistrictId::get)),
        bio: Set(f.bio.clone()),
        max_load: Set(to_i32(f.max_load)),
        active: Set(f.active),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec(tx.conn())
    .await?;
    if let Some(old) = before.organization.filter(|o| Some(*o) != f.organization) {
        expert_employment::Entity::insert(expert_employment::ActiveModel {
            expert_id: Set(id.get()),
            organization_id: Set(old.get()),
            until: Set(today),
            ..Default::default()
        })
        .exec(tx.conn())
        .await?;
    }
    expert_specialty::Entity::delete_many()
        .filter(expert_specialty::Column::ExpertId.eq(id.get()))
        .exec(tx.conn())
        .await?;
    expert_availability::Entity::delete_many()
        .filter(expert_availability::Column::ExpertId.eq(id.get()))
        .exec(tx.conn())
        .await?;
    replace_expert_lists(tx, id, f).await
}

async fn replace_expert_lists(tx: &Tx, id: ExpertId, f: &ExpertFields) -> Result<(), StoreError> {
    if !f.specialties.is_empty() {
        expert_specialty::Entity::insert_many(
            f.specialties
                .iter()
                .map(|c| expert_specialty::ActiveModel { expert_id: Set(id.get()), code: Set(c.clone()) }),
        )
        .exec(tx.conn())
        .await?;
    }
    if !f.availability.is_empty() {
        expert_availability::Entity::insert_many(f.availability.iter().map(|(from, to)| {
            expert_availability::ActiveModel {
                expert_id: Set(id.get()),
                available_from: Set(*from),
                available_to: Set(*to),
                ..Default::default()
            }
        }))
        .exec(tx.conn())
        .await?;
    }
    Ok(())
}

/// Reads experts with their lists, in the order given.
async fn experts_of(db: &impl Db, rows: Vec<expert::Model>) -> Result<Vec<Expert>, StoreError> {
    let ids: Vec<i32> = rows.iter().map(|m| m.id).collect();
    let mut specialties: BTreeMap<i32, BTreeSet<String>> = BTreeMap::new();
    let mut availability: BTreeMap<i32, Vec<(NaiveDate, NaiveDate)>> = BTreeMap::new();
    let mut past: BTreeMap<i32, Vec<(OrganizationId, NaiveDate)>> = BTreeMap::new();
    for chunk in ids.chunks(500) {
        for s in expert_specialty::Entity::find()
            .filter(expert_specialty::Column::ExpertId.is_in(chunk.to_vec()))
            .all(db.conn())
            .await?
        {
            specialties.entry(s.expert_id).or_default().insert(s.code);
        }
        for a in expert_availability::Entity::find()
            .filter(expert_availability::Column::ExpertId.is_in(chunk.to_vec()))
            .order_by_asc(expert_availability::Column::AvailableFrom)
            .all(db.conn())
            .await?
        {
            availability.entry(a.expert_id).or_default().push((a.available_from, a.available_to));
        }
        for e in expert_employment::Entity::find()
            .filter(expert_employment::Column::ExpertId.is_in(chunk.to_vec()))
            .order_by_desc(expert_employment::Column::Until)
            .all(db.conn())
            .await?
        {
            past.entry(e.expert_id).or_default().push((OrganizationId(e.organization_id), e.until));
        }
    }
    Ok(rows
        .into_iter()
        .map(|m| Expert {
            id: ExpertId(m.id),
            account: AccountId(m.account_id),
            past_employers: past.remove(&m.id).unwrap_or_default(),
            fields: ExpertFields {
                name: m.name,
                title: m.title,
                organization: m.organization_id.map(OrganizationId),
                district: m.district_id.map(DistrictId),
                bio: m.bio,
                max_load: to_u32(m.max_load),
                active: m.active,
                specialties: specialties.remove(&m.id).unwrap_or_default(),
                availability: availability.remove(&m.id).unwrap_or_default(),
            },
        })
        .collect())
}

/// One expert.
pub async fn get_expert(db: &impl Db, id: ExpertId) -> Result<Option<Expert>, StoreError> {
    let Some(m) = expert::Entity::find_by_id(id.get()).one(db.conn()).await? else { return Ok(None) };
    Ok(experts_of(db, vec![m]).await?.pop())
}

/// The expert record of an account, if it has one.
pub async fn expert_of_account(db: &impl Db, account: AccountId) -> Result<Option<Expert>, StoreError> {
    let Some(m) = expert::Entity::find().filter(expert::Column::AccountId.eq(account.get())).one(db.conn()).await?
    else {
        return Ok(None);
    };
    Ok(experts_of(db, vec![m]).await?.pop())
}

/// A page of the pool, newest first; `specialty` narrows to experts with that code.
pub async fn list_experts(
    db: &impl Db,
    specialty: Option<&str>,
    page: PageRequest,
) -> Result<Page<Expert>, StoreError> {
    let mut q = expert::Entity::find();
    if let Some(code) = specialty {
        let mut sub = sea_orm::sea_query::Query::select();
        sub.column(expert_specialty::Column::ExpertId)
            .from(expert_specialty::Entity)
            .and_where(expert_specialty::Column::Code.eq(code));
        q = q.filter(expert::Column::Id.in_subquery(sub));
    }
    let total = q.clone().count(db.conn()).await?;
    let rows = q.order_by_desc(expert::Column::Id).offset(page.offset()).limit(page.per_page()).all(db.conn()).await?;
    Ok(Page::new(experts_of(db, rows).await?, page, total))
}

/// Every active expert: the pool an assignment draws from.
pub async fn active_pool(db: &impl Db) -> Result<Vec<Expert>, StoreError> {
    let rows = expert::Entity::find()
        .filter(expert::Column::Active.eq(true))
        .order_by_asc(expert::Column::Id)
        .all(db.conn())
        .await?;
    experts_of(db, rows).await
}

/// Experts by id (for names on pages), bounded by the ids asked for.
pub async fn experts_by_id(db: &impl Db, ids: &BTreeSet<ExpertId>) -> Result<BTreeMap<ExpertId, Expert>, StoreError> {
    let mut rows = Vec::new();
    let ids: Vec<i32> = ids.iter().map(|i| i.get()).collect();
    for chunk in ids.chunks(500) {
        rows.extend(expert::Entity::find().filter(expert::Column::Id.is_in(chunk.to_vec())).all(db.conn()).await?);
    }
    Ok(experts_of(db, rows).await?.into_iter().map(|e| (e.id, e)).collect())
}

/// A saved rubric version.
#[derive(Debug, Clone, PartialEq)]
pub struct RubricVersion {
    /// Key of this version.
    pub id: RubricId,
    /// Rubric name (versions share it).
    pub name: String,
    /// 1, 2, …
    pub version: u32,
    /// The criteria.
    pub rubric: Rubric,
    /// Who saved it.
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

fn to_rubric(m: rubric::Model) -> Result<RubricVersion, StoreError> {
    let rubric = serde_json::from_str(&m.criteria).map_err(|e| corrupt(format!("rubric {}", m.id), e))?;
    Ok(RubricVersion {
        id: RubricId(m.id),
        name: m.name,
        version: to_u32(m.version),
        rubric,
        created_by: m.created_by,
        created_at: m.created_at,
    })
}

/// Saves a rubric as the next version of its name; earlier versions stay as they were, so a
/// campaign that froze one keeps it.
pub async fn insert_rubric(
    tx: &Tx,
    name: &str,
    r: &Rubric,
    by: &str,
    now: DateTime<Utc>,
) -> Result<RubricVersion, StoreError> {
    let latest: Option<i32> = rubric::Entity::find()
        .select_only()
        .column_as(rubric::Column::Version.max(), "v")
        .filter(rubric::Column::Name.eq(name))
        .into_tuple::<Option<i32>>()
        .one(tx.conn())
        .await?
        .flatten();
    let criteria = serde_json::to_string(r).map_err(|e| corrupt("rubric", e))?;
    let m = rubric::ActiveModel {
        name: Set(name.to_owned()),
        version: Set(latest.unwrap_or(0) + 1),
        criteria: Set(criteria),
        created_by: Set(by.to_owned()),
        created_at: Set(now),
        ..Default::default()
    };
    let id = rubric::Entity::insert(m).exec(tx.conn()).await?.last_insert_id;
    let m = rubric::Entity::find_by_id(id).one(tx.conn()).await?.ok_or_else(|| corrupt("rubric", "vanished"))?;
    to_rubric(m)
}

/// One rubric version.
pub async fn get_rubric(db: &impl Db, id: RubricId) -> Result<Option<RubricVersion>, StoreError> {
    rubric::Entity::find_by_id(id.get()).one(db.conn()).await?.map(to_rubric).transpose()
}

/// The rubric a notice without expert review names (no criteria; migration 000032).
pub const NOTICE_ONLY_RUBRIC: &str = "仅公示（不评分）";

/// The notice-only rubric's id.
pub async fn notice_rubric(db: &impl Db) -> Result<Option<RubricId>, StoreError> {
    Ok(rubric::Entity::find()
        .filter(rubric::Column::Name.eq(NOTICE_ONLY_RUBRIC))
        .order_by_asc(rubric::Column::Version)
        .one(db.conn())
        .await?
        .map(|m| RubricId(m.id)))
}

/// A page of rubric versions, newest first (never the notice-only one: nothing is scored on it).
pub async fn list_rubrics(db: &impl Db, page: PageRequest) -> Result<Page<RubricVersion>, StoreError> {
    let q = rubric::Entity::find().filter(rubric::Column::Name.ne(NOTICE_ONLY_RUBRIC));
    crate::page_of(db, q.order_by_desc(rubric::Column::Id), page, to_rubric).await
}

/// The rules a campaign is created with.
#[derive(Debug, Clone, PartialEq)]
pub struct CampaignFields {
    /// Name (e.g. 2026年度市级工业设计中心认定专家评审).
    pub name: String,
    /// The frozen rubric version.
    pub rubric: RubricId,
    /// Reviewers per item.
    pub reviewers_per_item: u32,
    /// Experts do not see who is behind an item.
    pub blind: bool,
    /// How sheets make a score.
    pub aggregation: Aggregation,
    /// Grades.
    pub thresholds: Vec<Threshold>,
    /// First day of review.
    pub period_start: NaiveDate,
    /// Last day to submit sheets.
    pub deadline: NaiveDate,
    /// Years back that employment and cooperation conflict.
    pub conflict_years: u32,
    /// Experts may not review a subject again.
    pub forbid_repeat: bool,
    /// Only experts sharing a specialty with an item are eligible.
    pub require_match: bool,
    /// Items each expert should get at least.
    pub min_load: u32,
    /// Items each expert may get at most (their own maximum applies too).
    pub max_load: u32,
    /// Working days of publicity.
    pub publicity_days: u32,
    /// A sheet further than this many points (of 100) from the others' mean is flagged.
    pub outlier_pct: u32,
}

/// How a deployed assignment was made, kept so it can be replayed.
#[derive(Debug, Clone, PartialEq)]
pub struct Deployment {
    /// `optimal` or `random`.
    pub mode: String,
    /// The draw's seed (random mode).
    pub seed: Option<i64>,
    /// The problem the solver saw (JSON of `sheji_core::review::Prepared`).
    pub pool: String,
    /// SHA-256 of the assignment it produced.
    pub digest: String,
}

/// A campaign.
#[derive(Debug, Clone, PartialEq)]
pub struct Campaign {
    /// Key.
    pub id: CampaignId,
    /// Where it stands.
    pub status: CampaignStatus,
    /// Its rules.
    pub fields: CampaignFields,
    /// The deployed assignment's record.
    pub deployment: Option<Deployment>,
    /// Publicity: published on and last day.
    pub publicity: Option<(NaiveDate, NaiveDate)>,
    /// The notice's official details, once set (before publishing only the proposal mark a
    /// linked capability gave).
    pub notice: Option<PublicityNotice>,
    /// Who created it.
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

fn to_campaign(m: review_campaign::Model) -> Result<Campaign, StoreError> {
    let what = || format!("review campaign {}", m.id);
    let deployment = match (m.mode, m.pool, m.draw_digest) {
        (Some(mode), Some(pool), Some(digest)) => Some(Deployment { mode, seed: m.seed, pool, digest }),
        _ => None,
    };
    Ok(Campaign {
        id: CampaignId(m.id),
        status: CampaignStatus::parse(&m.status).ok_or_else(|| corrupt(what(), &m.status))?,
        fields: CampaignFields {
            name: m.name,
            rubric: RubricId(m.rubric_id),
            reviewers_per_item: to_u32(m.reviewers_per_item),
            blind: m.blind,
            aggregation: Aggregation::parse(&m.aggregation).ok_or_else(|| corrupt(what(), &m.aggregation))?,
            thresholds: serde_json::from_str(&m.thresholds).map_err(|e| corrupt(what(), e))?,
            period_start: m.period_start,
            deadline: m.deadline,
            conflict_years: to_u32(m.conflict_years),
            forbid_repeat: m.forbid_repeat,
            require_match: m.require_match,
            min_load: to_u32(m.min_load),
            max_load: to_u32(m.max_load),
            publicity_days: to_u32(m.publicity_days),
            outlier_pct: to_u32(m.outlier_pct),
        },
        deployment,
        publicity: m.published_on.zip(m.publicity_end),
        notice: m.notice.as_deref().map(serde_json::from_str).transpose().map_err(|e| corrupt(what(), e))?,
        created_by: m.created_by,
        created_at: m.created_at,
    })
}

fn campaign_model(f: &CampaignFields) -> Result<review_campaign::ActiveModel, StoreError> {
    Ok(review_campaign::ActiveModel {
        name: Set(f.name.clone()),
        rubric_id: Set(f.rubric.get()),
        reviewers_per_item: Set(to_i32(f.reviewers_per_item)),
        blind: Set(f.blind),
        aggregation: Set(f.aggregation.code().to_owned()),
        thresholds: Set(serde_json::to_string(&f.thresholds).map_err(|e| corrupt("thresholds", e))?),
        period_start: Set(f.period_start),
        deadline: Set(f.deadline),
        conflict_years: Set(to_i32(f.conflict_years)),
        forbid_repeat: Set(f.forbid_repeat),
        require_match: Set(f.require_match),
        min_load: Set(to_i32(f.min_load)),
        max_load: Set(to_i32(f.max_load)),
        publicity_days: Set(to_i32(f.publicity_days)),
        outlier_pct: Set(to_i32(f.outlier_pct)),
        ..Default::default()
    })
}

/// Creates a campaign in draft.
pub async fn insert_campaign(
    tx: &Tx,
    f: &CampaignFields,
    by: &str,
    now: DateTime<Utc>,
) -> Result<CampaignId, StoreError> {
    let mut m = campaign_model(f)?;
    m.status = Set(CampaignStatus::Draft.code().to_owned());
    m.created_by = Set(by.to_owned());
    m.created_at = Set(now);
    m.updated_at = Set(now);
    Ok(CampaignId(review_campaign::Entity::insert(m).exec(tx.conn()).await?.last_insert_id))
}

/// One campaign.
pub async fn get_campaign(db: &impl Db, id: CampaignId) -> Result<Option<Campaign>, StoreError> {
    review_campaign::Entity::find_by_id(id.get()).one(db.conn()).await?.map(to_campaign).transpose()
}

/// A page of campaigns, newest first, optionally of some statuses.
pub async fn list_campaigns(
    db: &impl Db,
    statuses: &[CampaignStatus],
    page: PageRequest,
) -> Result<Page<Campaign>, StoreError> {
    let mut q = review_campaign::Entity::find();
    if !statuses.is_empty() {
        q = q.filter(review_campaign::Column::Status.is_in(statuses.iter().map(|s| s.code())));
    }
    crate::page_of(db, q.order_by_desc(review_campaign::Column::Id), page, to_campaign).await
}

/// Moves a campaign to `to` if it still stands at `from`; false if someone moved it first.
pub async fn set_campaign_status(
    tx: &Tx,
    id: CampaignId,
    from: CampaignStatus,
    to: CampaignStatus,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let r = review_campaign::Entity::update_many()
        .col_expr(review_campaign::Column::Status, Expr::value(to.code()))
        .col_expr(review_campaign::Column::UpdatedAt, Expr::value(now))
        .filter(review_campaign::Column::Id.eq(id.get()))
        .filter(review_campaign::Column::Status.eq(from.code()))
        .exec(tx.conn())
        .await?;
    Ok(r.rows_affected == 1)
}

/// Records how the deployed assignment was made.
pub async fn set_deployment(tx: &Tx, id: CampaignId, d: &Deployment) -> Result<(), StoreError> {
    review_campaign::Entity::update(review_campaign::ActiveModel {
        id: Set(id.get()),
        mode: Set(Some(d.mode.clone())),
        seed: Set(d.seed),
        pool: Set(Some(d.pool.clone())),
        draw_digest: Set(Some(d.digest.clone())),
        ..Default::default()
    })
    .exec(tx.conn())
    .await?;
    Ok(())
}

/// Records the publicity window.
pub async fn set_publicity(tx: &Tx, id: CampaignId, published: NaiveDate, last: NaiveDate) -> Result<(), StoreError> {
    review_campaign::Entity::update(review_campaign::ActiveModel {
        id: Set(id.get()),
        published_on: Set(Some(published)),
        publicity_end: Set(Some(last)),
        ..Default::default()
    })
    .exec(tx.conn())
    .await?;
    Ok(())
}

/// Records the notice's official details.
pub async fn set_notice(tx: &Tx, id: CampaignId, notice: &PublicityNotice) -> Result<(), StoreError> {
    let json = serde_json::to_string(notice).map_err(|e| corrupt("notice", e))?;
    review_campaign::Entity::update(review_campaign::ActiveModel {
        id: Set(id.get()),
        notice: Set(Some(json)),
        ..Default::default()
    })
    .exec(tx.conn())
    .await?;
    Ok(())
}

/// The contact details of the most recently published notice, to start the next one from.
pub async fn last_notice(db: &impl Db) -> Result<Option<PublicityNotice>, StoreError> {
    let m = review_campaign::Entity::find()
        .filter(review_campaign::Column::PublishedOn.is_not_null())
        .order_by_desc(review_campaign::Column::Id)
        .one(db.conn())
        .await?;
    Ok(m.and_then(|m| m.notice).and_then(|n| serde_json::from_str(&n).ok()))
}

/// An item as entered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemFields {
    /// Title.
    pub title: String,
    /// What it is across rounds (e.g. `application:12`), for the earlier-round rule.
    pub subject: Option<String>,
    /// The organizations behind it (the applicant first; partners of a joint application).
    pub organizations: Vec<OrganizationId>,
    /// Specialty codes.
    pub specialties: BTreeSet<String>,
    /// People named on it.
    pub team: Vec<String>,
}

/// An item of a campaign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Key.
    pub id: ItemId,
    /// Its campaign.
    pub campaign: CampaignId,
    /// What was entered.
    pub fields: ItemFields,
}

fn to_item(m: review_item::Model, organizations: Vec<OrganizationId>) -> Item {
    Item {
        id: ItemId(m.id),
        campaign: CampaignId(m.campaign_id),
        fields: ItemFields {
            title: m.title,
            subject: m.subject,
            organizations,
            specialties: m.specialties.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect(),
            team: m.team.lines().filter(|s| !s.trim().is_empty()).map(str::to_owned).collect(),
        },
    }
}

/// Items from their rows, with the organizations behind each (in the order entered).
async fn items_of(db: &impl Db, rows: Vec<review_item::Model>) -> Result<Vec<Item>, StoreError> {
    let ids: Vec<i32> = rows.iter().map(|m| m.id).collect();
    let mut orgs: BTreeMap<i32, Vec<OrganizationId>> = BTreeMap::new();
    for chunk in ids.chunks(500) {
        let links: Vec<(i32, i32, i32)> = review_item_organization::Entity::find()
            .select_only()
            .column(review_item_organization::Column::ItemId)
            .column(review_item_organization::Column::OrganizationId)
            .column(review_item_organization::Column::Position)
            .filter(review_item_organization::Column::ItemId.is_in(chunk.to_vec()))
            .order_by_asc(review_item_organization::Column::Position)
            .into_tuple()
            .all(db.conn())
            .await?;
        for (item, org, _) in links {
            orgs.entry(item).or_default().push(OrganizationId(org));
        }
    }
    Ok(rows
        .into_iter()
        .map(|m| {
            let o = orgs.remove(&m.id).unwrap_or_default();
            to_item(m, o)
        })
        .collect())
}

/// Adds items to a campaign, each with the organizations behind it.
pub async fn insert_items(
    tx: &Tx,
    campaign: CampaignId,
    items: &[ItemFields],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    // One row at a time: each item's id is needed for its organizations, and a campaign's
    // list is a few thousand rows at most.
    for f in items {
        let id = review_item::Entity::insert(review_item::ActiveModel {
            campaign_id: Set(campaign.get()),
            title: Set(f.title.clone()),
            subject: Set(f.subject.clone()),
            specialties: Set(f.specialties.iter().cloned().collect::<Vec<_>>().join(",")),
            team: Set(f.team.join("\n")),
            created_at: Set(now),
            ..Default::default()
        })
        .exec(tx.conn())
        .await?
        .last_insert_id;
        let mut seen = BTreeSet::new();
        let links: Vec<review_item_organization::ActiveModel> = f
            .organizations
            .iter()
            .filter(|o| seen.insert(**o))
            .enumerate()
            .map(|(i, o)| review_item_organization::ActiveModel {
                item_id: Set(id),
                organization_id: Set(o.get()),
                position: Set(i32::try_from(i).unwrap_or(i32::MAX)),
            })
            .collect();
        if !links.is_empty() {
            review_item_organization::Entity::insert_many(links).exec(tx.conn()).await?;
        }
    }
    Ok(())
}

/// One item.
pub async fn get_item(db: &impl Db, id: ItemId) -> Result<Option<Item>, StoreError> {
    let rows = review_item::Entity::find_by_id(id.get()).all(db.conn()).await?;
    Ok(items_of(db, rows).await?.pop())
}

/// A page of a campaign's items, in the order entered.
pub async fn list_items(db: &impl Db, campaign: CampaignId, page: PageRequest) -> Result<Page<Item>, StoreError> {
    let q = review_item::Entity::find().filter(review_item::Column::CampaignId.eq(campaign.get()));
    let total = q.clone().count(db.conn()).await?;
    let rows =
        q.order_by_asc(review_item::Column::Id).offset(page.offset()).limit(page.per_page()).all(db.conn()).await?;
    Ok(Page::new(items_of(db, rows).await?, page, total))
}

/// Every item of a campaign (for assignment and results).
pub async fn all_items(db: &impl Db, campaign: CampaignId) -> Result<Vec<Item>, StoreError> {
    let rows = review_item::Entity::find()
        .filter(review_item::Column::CampaignId.eq(campaign.get()))
        .order_by_asc(review_item::Column::Id)
        .all(db.conn())
        .await?;
    items_of(db, rows).await
}

/// A declared conflict as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declared {
    /// The item.
    pub item: ItemId,
    /// The expert.
    pub expert: ExpertId,
    /// Who declared it.
    pub by: Declarant,
    /// Why.
    pub reason: String,
    /// Account that entered it.
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// Records a declared conflict; false if the same declaration exists.
pub async fn insert_declaration(tx: &Tx, campaign: CampaignId, d: &Declared) -> Result<bool, StoreError> {
    let exists = review_declaration::Entity::find()
        .filter(review_declaration::Column::ItemId.eq(d.item.get()))
        .filter(review_declaration::Column::ExpertId.eq(d.expert.get()))
        .filter(review_declaration::Column::DeclaredBy.eq(declarant_code(d.by)))
        .count(tx.conn())
        .await?
        > 0;
    if exists {
        return Ok(false);
    }
    review_declaration::Entity::insert(review_declaration::ActiveModel {
        campaign_id: Set(campaign.get()),
        item_id: Set(d.item.get()),
        expert_id: Set(d.expert.get()),
        declared_by: Set(declarant_code(d.by).to_owned()),
        reason: Set(d.reason.clone()),
        created_by: Set(d.created_by.clone()),
        created_at: Set(d.created_at),
        ..Default::default()
    })
    .exec(tx.conn())
    .await?;
    Ok(true)
}

fn declarant_code(d: Declarant) -> &'static str {
    match d {
        Declarant::Expert => "expert",
        Declarant::Applicant => "applicant",
    }
}

/// Every declaration of a campaign (bounded by items × experts that were declared).
pub async fn declarations(db: &impl Db, campaign: CampaignId) -> Result<Vec<Declared>, StoreError> {
    review_declaration::Entity::find()
        .filter(review_declaration::Column::CampaignId.eq(campaign.get()))
        .order_by_asc(review_declaration::Column::Id)
        .all(db.conn())
        .await?
        .into_iter()
        .map(|m| {
            let by = match m.declared_by.as_str() {
                "expert" => Declarant::Expert,
                "applicant" => Declarant::Applicant,
                other => return Err(corrupt(format!("review declaration {}", m.id), other)),
            };
            Ok(Declared {
                item: ItemId(m.item_id),
                expert: ExpertId(m.expert_id),
                by,
                reason: m.reason,
                created_by: m.created_by,
                created_at: m.created_at,
            })
        })
        .collect()
}

/// An administrator's override of a conflict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    /// The item.
    pub item: ItemId,
    /// The expert.
    pub expert: ExpertId,
    /// The written reason.
    pub reason: String,
    /// Who.
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// Records an override; false if one exists for the pair.
pub async fn insert_override(tx: &Tx, campaign: CampaignId, o: &Override) -> Result<bool, StoreError> {
    let exists = review_override::Entity::find()
        .filter(review_override::Column::ItemId.eq(o.item.get()))
        .filter(review_override::Column::ExpertId.eq(o.expert.get()))
        .count(tx.conn())
        .await?
        > 0;
    if exists {
        return Ok(false);
    }
    review_override::Entity::insert(review_override::ActiveModel {
        campaign_id: Set(campaign.get()),
        item_id: Set(o.item.get()),
        expert_id: Set(o.expert.get()),
        reason: Set(o.reason.clone()),
        created_by: Set(o.created_by.clone()),
        created_at: Set(o.created_at),
        ..Default::default()
    })
    .exec(tx.conn())
    .await?;
    Ok(true)
}

/// Every override of a campaign.
pub async fn overrides(db: &impl Db, campaign: CampaignId) -> Result<Vec<Override>, StoreError> {
    Ok(review_override::Entity::find()
        .filter(review_override::Column::CampaignId.eq(campaign.get()))
        .order_by_asc(review_override::Column::Id)
        .all(db.conn())
        .await?
        .into_iter()
        .map(|m| Override {
            item: ItemId(m.item_id),
            expert: ExpertId(m.expert_id),
            reason: m.reason,
            created_by: m.created_by,
            created_at: m.created_at,
        })
        .collect())
}

/// Cooperations recorded since `since` that involve any of `orgs`.
pub async fn cooperations(
    db: &impl Db,
    orgs: &BTreeSet<OrganizationId>,
    since: NaiveDate,
) -> Result<Vec<Cooperation>, StoreError> {
    let ids: Vec<i32> = orgs.iter().map(|o| o.get()).collect();
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        let rows = cooperation::Entity::find()
            .filter(cooperation::Column::SignedOn.gte(since))
            .filter(
                Condition::any()
                    .add(cooperation::Column::OrganizationA.is_in(chunk.to_vec()))
                    .add(cooperation::Column::OrganizationB.is_in(chunk.to_vec())),
            )
            .all(db.conn())
            .await?;
        out.extend(rows.into_iter().map(|m| Cooperation {
            a: OrganizationId(m.organization_a),
            b: OrganizationId(m.organization_b),
            on: m.signed_on,
        }));
    }
    out.sort_by_key(|c| (c.a, c.b, c.on));
    out.dedup();
    Ok(out)
}

/// Records a cooperation between two organizations.
pub async fn insert_cooperation(
    tx: &Tx,
    a: OrganizationId,
    b: OrganizationId,
    title: &str,
    on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    cooperation::Entity::insert(cooperation::ActiveModel {
        organization_a: Set(a.get()),
        organization_b: Set(b.get()),
        title: Set(title.to_owned()),
        signed_on: Set(on),
        created_at: Set(now),
        ..Default::default()
    })
    .exec(tx.conn())
    .await?;
    Ok(())
}

/// (expert, subject) of every active assignment in other campaigns whose items have one of
/// `subjects`: the earlier rounds.
pub async fn past_reviews(
    db: &impl Db,
    campaign: CampaignId,
    subjects: &BTreeSet<String>,
) -> Result<Vec<(ExpertId, String)>, StoreError> {
    let subjects: Vec<String> = subjects.iter().cloned().collect();
    let mut out = Vec::new();
    for chunk in subjects.chunks(500) {
        let items: Vec<(i32, Option<String>)> = review_item::Entity::find()
            .select_only()
            .column(review_item::Column::Id)
            .column(review_item::Column::Subject)
            .filter(review_item::Column::Subject.is_in(chunk.to_vec()))
            .filter(review_item::Column::CampaignId.ne(campaign.get()))
            .into_tuple()
            .all(db.conn())
            .await?;
        let subject_of: BTreeMap<i32, String> = items.into_iter().filter_map(|(i, s)| Some((i, s?))).collect();
        let ids: Vec<i32> = subject_of.keys().copied().collect();
        for ids in ids.chunks(500) {
            let rows: Vec<(i32, i32)> = review_assignment::Entity::find()
                .select_only()
                .column(review_assignment::Column::ExpertId)
                .column(review_assignment::Column::ItemId)
                .filter(review_assignment::Column::ItemId.is_in(ids.to_vec()))
                .filter(review_assignment::Column::Status.eq(AssignmentStatus::Active.code()))
                .into_tuple()
                .all(db.conn())
                .await?;
            out.extend(rows.into_iter().filter_map(|(e, i)| Some((ExpertId(e), subject_of.get(&i)?.clone()))));
        }
    }
    Ok(out)
}

/// An assignment with its sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// Key.
    pub id: i32,
    /// Campaign.
    pub campaign: CampaignId,
    /// Item.
    pub item: ItemId,
    /// Expert.
    pub expert: ExpertId,
    /// Shared specialties when assigned.
    pub affinity: u32,
    /// Where it stands.
    pub status: AssignmentStatus,
    /// Why it was declined or swapped.
    pub status_reason: Option<String>,
    /// Scores per criterion (None: not yet given).
    pub scores: Vec<Option<f64>>,
    /// Comments per criterion, then the overall comment last.
    pub comments: Vec<String>,
    /// Overall comment.
    pub comment: String,
    /// Weighted total once submitted.
    pub total: Option<f64>,
    /// Where the sheet stands.
    pub sheet_status: SheetStatus,
    /// When the sheet was submitted.
    pub submitted_at: Option<DateTime<Utc>>,
    /// When a reminder was last sent.
    pub reminded_at: Option<DateTime<Utc>>,
}

#[derive(serde::Serialize, serde::Deserialize, Default)]
struct SheetJson {
    scores: Vec<Option<f64>>,
    #[serde(default)]
    comments: Vec<String>,
}

fn to_assignment(m: review_assignment::Model) -> Result<Assignment, StoreError> {
    let sheet: SheetJson = match m.scores.as_deref() {
        Some(s) => serde_json::from_str(s).map_err(|e| corrupt(format!("review sheet {}", m.id), e))?,
        None => SheetJson::default(),
    };
    Ok(Assignment {
        id: m.id,
        campaign: CampaignId(m.campaign_id),
        item: ItemId(m.item_id),
        expert: ExpertId(m.expert_id),
        affinity: to_u32(m.affinity),
        status: AssignmentStatus::parse(&m.status)
            .ok_or_else(|| corrupt(format!("review assignment {}", m.id), &m.status))?,
        status_reason: m.status_reason,
        scores: sheet.scores,
        comments: sheet.comments,
        comment: m.comment.unwrap_or_default(),
        total: m.total,
        sheet_status: SheetStatus::parse(&m.sheet_status)
            .ok_or_else(|| corrupt(format!("review assignment {}", m.id), &m.sheet_status))?,
        submitted_at: m.submitted_at,
        reminded_at: m.reminded_at,
    })
}

/// Adds assignments (item, expert, affinity) to a campaign.
pub async fn insert_assignments(
    tx: &Tx,
    campaign: CampaignId,
    pairs: &[(ItemId, ExpertId, u32)],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    for chunk in pairs.chunks(300) {
        review_assignment::Entity::insert_many(chunk.iter().map(|(i, e, a)| review_assignment::ActiveModel {
            campaign_id: Set(campaign.get()),
            item_id: Set(i.get()),
            expert_id: Set(e.get()),
            affinity: Set(to_i32(*a)),
            status: Set(AssignmentStatus::Active.code().to_owned()),
            sheet_status: Set(SheetStatus::Draft.code().to_owned()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }))
        .exec(tx.conn())
        .await?;
    }
    Ok(())
}

/// Every assignment of a campaign, active or not (progress, results, swaps).
pub async fn campaign_assignments(db: &impl Db, campaign: CampaignId) -> Result<Vec<Assignment>, StoreError> {
    review_assignment::Entity::find()
        .filter(review_assignment::Column::CampaignId.eq(campaign.get()))
        .order_by_asc(review_assignment::Column::ItemId)
        .order_by_asc(review_assignment::Column::Id)
        .all(db.conn())
        .await?
        .into_iter()
        .map(to_assignment)
        .collect()
}

/// One assignment.
pub async fn get_assignment(db: &impl Db, id: i32) -> Result<Option<Assignment>, StoreError> {
    review_assignment::Entity::find_by_id(id).one(db.conn()).await?.map(to_assignment).transpose()
}

/// A page of an expert's assignments (active ones, newest campaign first).
/// The expert's active assignment to an item, if any.
pub async fn assignment_for(db: &impl Db, expert: ExpertId, item: ItemId) -> Result<Option<Assignment>, StoreError> {
    review_assignment::Entity::find()
        .filter(review_assignment::Column::ExpertId.eq(expert.get()))
        .filter(review_assignment::Column::ItemId.eq(item.get()))
        .filter(review_assignment::Column::Status.eq(AssignmentStatus::Active.code()))
        .one(db.conn())
        .await?
        .map(to_assignment)
        .transpose()
}

/// An expert's active assignments, newest campaign first.
pub async fn expert_assignments(
    db: &impl Db,
    expert: ExpertId,
    page: PageRequest,
) -> Result<Page<Assignment>, StoreError> {
    let q = review_assignment::Entity::find()
        .filter(review_assignment::Column::ExpertId.eq(expert.get()))
        .filter(review_assignment::Column::Status.eq(AssignmentStatus::Active.code()));
    crate::page_of(
        db,
        q.order_by_desc(review_assignment::Column::CampaignId).order_by_asc(review_assignment::Column::Id),
        page,
        to_assignment,
    )
    .await
}

/// Saves a sheet; `submit` locks it with its total. Only a draft sheet of an active
/// assignment changes; false otherwise (submitted meanwhile, or swapped out).
pub async fn save_sheet(
    tx: &Tx,
    id: i32,
    scores: &[Option<f64>],
    comments: &[String],
    comment: &str,
    submit: Option<f64>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let json = serde_json::to_string(&SheetJson { scores: scores.to_vec(), comments: comments.to_vec() })
        .map_err(|e| corrupt("review sheet", e))?;
    let mut update = review_assignment::Entity::update_many()
        .col_expr(review_assignment::Column::Scores, Expr::value(json))
        .col_expr(review_assignment::Column::Comment, Expr::value(comment.to_owned()))
        .col_expr(review_assignment::Column::UpdatedAt, Expr::value(now));
    if let Some(total) = submit {
        update = update
            .col_expr(review_assignment::Column::Total, Expr::value(total))
            .col_expr(review_assignment::Column::SheetStatus, Expr::value(SheetStatus::Submitted.code()))
            .col_expr(review_assignment::Column::SubmittedAt, Expr::value(now));
    }
    let r = update
        .filter(review_assignment::Column::Id.eq(id))
        .filter(review_assignment::Column::Status.eq(AssignmentStatus::Active.code()))
        .filter(review_assignment::Column::SheetStatus.eq(SheetStatus::Draft.code()))
        .filter(review_assignment::Column::CampaignId.in_subquery(scoring_campaigns()))
        .exec(tx.conn())
        .await?;
    Ok(r.rows_affected == 1)
}

/// Campaigns still in scoring: a sheet changes only while its campaign is, so a sheet sent as
/// scoring closes is either counted or refused, never saved after the results were fixed.
fn scoring_campaigns() -> sea_orm::sea_query::SelectStatement {
    let mut sub = sea_orm::sea_query::Query::select();
    sub.column(review_campaign::Column::Id)
        .from(review_campaign::Entity)
        .and_where(review_campaign::Column::Status.eq(CampaignStatus::Scoring.code()));
    sub
}

/// Ends an active assignment (declined or swapped); false if it was not active.
pub async fn end_assignment(
    tx: &Tx,
    id: i32,
    status: AssignmentStatus,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let r = review_assignment::Entity::update_many()
        .col_expr(review_assignment::Column::Status, Expr::value(status.code()))
        .col_expr(review_assignment::Column::StatusReason, Expr::value(reason.to_owned()))
        .col_expr(review_assignment::Column::UpdatedAt, Expr::value(now))
        .filter(review_assignment::Column::Id.eq(id))
        .filter(review_assignment::Column::Status.eq(AssignmentStatus::Active.code()))
        .filter(review_assignment::Column::SheetStatus.eq(SheetStatus::Draft.code()))
        .filter(review_assignment::Column::CampaignId.in_subquery(scoring_campaigns()))
        .exec(tx.conn())
        .await?;
    Ok(r.rows_affected == 1)
}

/// Marks reminders sent for these assignments.
pub async fn mark_reminded(tx: &Tx, ids: &[i32], now: DateTime<Utc>) -> Result<(), StoreError> {
    for chunk in ids.chunks(500) {
        review_assignment::Entity::update_many()
            .col_expr(review_assignment::Column::RemindedAt, Expr::value(now))
            .filter(review_assignment::Column::Id.is_in(chunk.to_vec()))
            .exec(tx.conn())
            .await?;
    }
    Ok(())
}

/// An item's fixed result.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultRow {
    /// The item.
    pub item: ItemId,
    /// Score, if it had sheets.
    pub score: Option<f64>,
    /// Rank.
    pub rank: u32,
    /// Shares its rank.
    pub tied: bool,
    /// Grade.
    pub grade: Option<String>,
    /// Sheets counted.
    pub sheets: u32,
    /// Sheets flagged as outliers.
    pub outliers: u32,
}

/// Replaces a campaign's results.
pub async fn replace_results(tx: &Tx, campaign: CampaignId, rows: &[ResultRow]) -> Result<(), StoreError> {
    review_result::Entity::delete_many()
        .filter(review_result::Column::CampaignId.eq(campaign.get()))
        .exec(tx.conn())
        .await?;
    for chunk in rows.chunks(300) {
        review_result::Entity::insert_many(chunk.iter().map(|r| review_result::ActiveModel {
            campaign_id: Set(campaign.get()),
            item_id: Set(r.item.get()),
            score: Set(r.score),
            rank: Set(to_i32(r.rank)),
            tied: Set(r.tied),
            grade: Set(r.grade.clone()),
            sheets: Set(to_i32(r.sheets)),
            outliers: Set(to_i32(r.outliers)),
            ..Default::default()
        }))
        .exec(tx.conn())
        .await?;
    }
    Ok(())
}

/// A page of a campaign's results by rank.
pub async fn list_results(
    db: &impl Db,
    campaign: CampaignId,
    min_score: Option<f64>,
    page: PageRequest,
) -> Result<Page<ResultRow>, StoreError> {
    let mut q = review_result::Entity::find().filter(review_result::Column::CampaignId.eq(campaign.get()));
    if let Some(min) = min_score {
        // Ranked by score: the proposed items are the head of the ranking.
        q = q.filter(review_result::Column::Score.gte(min));
    }
    let q = q.order_by_asc(review_result::Column::Rank).order_by_asc(review_result::Column::Id);
    crate::page_of(db, q, page, |m| {
        Ok(ResultRow {
            item: ItemId(m.item_id),
            score: m.score,
            rank: to_u32(m.rank),
            tied: m.tied,
            grade: m.grade,
            sheets: to_u32(m.sheets),
            outliers: to_u32(m.outliers),
        })
    })
    .await
}

/// Items by id (titles for pages), bounded by the ids asked for.
pub async fn items_by_id(db: &impl Db, ids: &BTreeSet<ItemId>) -> Result<BTreeMap<ItemId, Item>, StoreError> {
    let ids: Vec<i32> = ids.iter().map(|i| i.get()).collect();
    let mut out = BTreeMap::new();
    for chunk in ids.chunks(500) {
        let rows =
            review_item::Entity::find().filter(review_item::Column::Id.is_in(chunk.to_vec())).all(db.conn()).await?;
        out.extend(items_of(db, rows).await?.into_iter().map(|i| (i.id, i)));
    }
    Ok(out)
}

/// An objection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Objection {
    /// Key.
    pub id: i32,
    /// Campaign.
    pub campaign: CampaignId,
    /// The item objected to, if one.
    pub item: Option<ItemId>,
    /// Objector's name.
    pub name: String,
    /// Contact, encrypted.
    pub contact_enc: String,
    /// Evidence and reasons.
    pub evidence: String,
    /// Where it stands.
    pub status: ObjectionStatus,
    /// The decision's reasons.
    pub resolution: Option<String>,
    /// Who decided.
    pub handled_by: Option<String>,
    /// When raised.
    pub created_at: DateTime<Utc>,
    /// When decided.
    pub resolved_at: Option<DateTime<Utc>>,
    /// The receipt number the objector was given.
    pub receipt: Option<String>,
    /// The applicant's statement, recorded by staff.
    pub statement: Option<String>,
}

fn to_objection(m: review_objection::Model) -> Result<Objection, StoreError> {
    let status = ObjectionStatus::parse(&m.status).ok_or_else(|| corrupt(format!("objection {}", m.id), &m.status))?;
    Ok(Objection {
        id: m.id,
        campaign: CampaignId(m.campaign_id),
        item: m.item_id.map(ItemId),
        name: m.name,
        contact_enc: m.contact_enc,
        evidence: m.evidence,
        status,
        resolution: m.resolution,
        handled_by: m.handled_by,
        created_at: m.created_at,
        resolved_at: m.resolved_at,
        receipt: m.receipt,
        statement: m.statement,
    })
}

/// Gives an objection its receipt number.
pub async fn set_receipt(tx: &Tx, id: i32, receipt: &str) -> Result<(), StoreError> {
    review_objection::Entity::update_many()
        .col_expr(review_objection::Column::Receipt, Expr::value(receipt.to_owned()))
        .filter(review_objection::Column::Id.eq(id))
        .exec(tx.conn())
        .await?;
    Ok(())
}

/// The objection a receipt names.
pub async fn objection_by_receipt(db: &impl Db, receipt: &str) -> Result<Option<Objection>, StoreError> {
    review_objection::Entity::find()
        .filter(review_objection::Column::Receipt.eq(receipt))
        .one(db.conn())
        .await?
        .map(to_objection)
        .transpose()
}

/// Records the applicant's statement on an objection still open; false if it was decided.
pub async fn set_statement(tx: &Tx, id: i32, statement: &str) -> Result<bool, StoreError> {
    let r = review_objection::Entity::update_many()
        .col_expr(review_objection::Column::Statement, Expr::value(statement.to_owned()))
        .filter(review_objection::Column::Id.eq(id))
        .filter(review_objection::Column::Status.eq(ObjectionStatus::Open.code()))
        .exec(tx.conn())
        .await?;
    Ok(r.rows_affected == 1)
}

/// Records an objection; returns its id.
pub async fn insert_objection(
    tx: &Tx,
    campaign: CampaignId,
    item: Option<ItemId>,
    name: &str,
    contact_enc: &str,
    evidence: &str,
    now: DateTime<Utc>,
) -> Result<i32, StoreError> {
    Ok(review_objection::Entity::insert(review_objection::ActiveModel {
        campaign_id: Set(campaign.get()),
        item_id: Set(item.map(ItemId::get)),
        name: Set(name.to_owned()),
        contact_enc: Set(contact_enc.to_owned()),
        evidence: Set(evidence.to_owned()),
        status: Set(ObjectionStatus::Open.code().to_owned()),
        created_at: Set(now),
        ..Default::default()
    })
    .exec(tx.conn())
    .await?
    .last_insert_id)
}

/// One objection.
pub async fn get_objection(db: &impl Db, id: i32) -> Result<Option<Objection>, StoreError> {
    review_objection::Entity::find_by_id(id).one(db.conn()).await?.map(to_objection).transpose()
}

/// A page of a campaign's objections, oldest first.
pub async fn list_objections(
    db: &impl Db,
    campaign: CampaignId,
    page: PageRequest,
) -> Result<Page<Objection>, StoreError> {
    let q = review_objection::Entity::find().filter(review_objection::Column::CampaignId.eq(campaign.get()));
    crate::page_of(db, q.order_by_asc(review_objection::Column::Id), page, to_objection).await
}

/// How many objections of a campaign are still open.
pub async fn open_objections(db: &impl Db, campaign: CampaignId) -> Result<u64, StoreError> {
    Ok(review_objection::Entity::find()
        .filter(review_objection::Column::CampaignId.eq(campaign.get()))
        .filter(review_objection::Column::Status.eq(ObjectionStatus::Open.code()))
        .count(db.conn())
        .await?)
}

/// Decides an open objection; false if it was decided meanwhile.
pub async fn resolve_objection(
    tx: &Tx,
    id: i32,
    status: ObjectionStatus,
    resolution: &str,
    by: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let r = review_objection::Entity::update_many()
        .col_expr(review_objection::Column::Status, Expr::value(status.code()))
        .col_expr(review_objection::Column::Resolution, Expr::value(resolution.to_owned()))
        .col_expr(review_objection::Column::HandledBy, Expr::value(by.to_owned()))
        .col_expr(review_objection::Column::ResolvedAt, Expr::value(now))
        .filter(review_objection::Column::Id.eq(id))
        .filter(review_objection::Column::Status.eq(ObjectionStatus::Open.code()))
        .exec(tx.conn())
        .await?;
    Ok(r.rows_affected == 1)
}

/// A day of the calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarDay {
    /// The day.
    pub day: NaiveDate,
    /// A weekend working day (调休) rather than a holiday.
    pub workday: bool,
    /// Its name (国庆节 …).
    pub name: String,
}

/// The calendar's days from `from` on, at most `limit` (a year holds a few dozen).
pub async fn calendar_days(db: &impl Db, from: NaiveDate, limit: u64) -> Result<Vec<CalendarDay>, StoreError> {
    Ok(holiday::Entity::find()
        .filter(holiday::Column::Day.gte(from))
        .order_by_asc(holiday::Column::Day)
        .limit(limit)
        .all(db.conn())
        .await?
        .into_iter()
        .map(|m| CalendarDay { day: m.day, workday: m.kind == "workday", name: m.name })
        .collect())
}

/// The working-day calendar for days from `from` on.
pub async fn work_calendar(db: &impl Db, from: NaiveDate) -> Result<WorkCalendar, StoreError> {
    let mut cal = WorkCalendar::default();
    // Two years of entries is far more than any publicity window reaches.
    for d in calendar_days(db, from, 400).await? {
        if d.workday {
            cal.workdays.insert(d.day);
        } else {
            cal.holidays.insert(d.day);
        }
    }
    Ok(cal)
}

/// Sets or replaces one day of the calendar.
pub async fn put_calendar_day(tx: &Tx, d: &CalendarDay) -> Result<(), StoreError> {
    holiday::Entity::delete_by_id(d.day).exec(tx.conn()).await?;
    holiday::Entity::insert(holiday::ActiveModel {
        day: Set(d.day),
        kind: Set(if d.workday { "workday" } else { "holiday" }.to_owned()),
        name: Set(d.name.clone()),
    })
    .exec(tx.conn())
    .await?;
    Ok(())
}

/// Removes one day from the calendar; false if it was not there.
pub async fn delete_calendar_day(tx: &Tx, day: NaiveDate) -> Result<bool, StoreError> {
    Ok(holiday::Entity::delete_by_id(day).exec(tx.conn()).await?.rows_affected == 1)
}

/// Objections upheld (accepted) in a campaign: the items they concern, and whether one concerns
/// the whole list.
pub async fn upheld_objections(db: &impl Db, campaign: CampaignId) -> Result<(BTreeSet<ItemId>, bool), StoreError> {
    let rows: Vec<Option<i32>> = review_objection::Entity::find()
        .select_only()
        .column(review_objection::Column::ItemId)
        .filter(review_objection::Column::CampaignId.eq(campaign.get()))
        .filter(review_objection::Column::Status.eq("accepted"))
        .into_tuple()
        .all(db.conn())
        .await?;
    let whole = rows.iter().any(Option::is_none);
    Ok((rows.into_iter().flatten().map(ItemId).collect(), whole))
}
