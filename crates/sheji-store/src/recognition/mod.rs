//! The recognition ladder's records: batches with their rules, applications with their history,
//! and recognitions with certificate numbers and validity. Lists are paged and index-backed;
//! a batch's funnel is counted by status in one grouped query.

pub mod entity;
pub mod migration;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use sheji_core::ids::{CampaignId, DistrictId, ItemId, OrganizationId, RubricId};
use sheji_core::page::{Page, PageRequest};
use sheji_core::recognition::{BatchStatus, Inspection, Kind, Purpose, Rules, Standing, Status};

use crate::entity::{recognition, recognition_application, recognition_batch, recognition_event};
use crate::{Db, StoreError, Tx};

fn corrupt(what: impl Into<String>, detail: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt { what: what.into(), detail: detail.to_string() }
}

/// What staff set when opening a batch.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchFields {
    /// Kind of recognition.
    pub kind: Kind,
    /// New recognitions or a re-review.
    pub purpose: Purpose,
    /// Year.
    pub year: i32,
    /// Name (2026年度市级工业设计中心认定).
    pub name: String,
    /// First day applications are accepted.
    pub opens_on: NaiveDate,
    /// Last day.
    pub closes_on: NaiveDate,
    /// Recommendations per district at most.
    pub district_quota: Option<u32>,
    /// Eligibility rules, frozen with the batch.
    pub rules: Rules,
    /// Rubric of the expert review.
    pub rubric: Option<RubricId>,
}

/// A batch.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    /// Key.
    pub id: i32,
    /// What was set.
    pub fields: BatchFields,
    /// The review campaign, once sent to review.
    pub campaign: Option<CampaignId>,
    /// Where it stands.
    pub status: BatchStatus,
    /// Intake closed before the published date: the day and the reason.
    pub closed_early: Option<(NaiveDate, String)>,
    /// Why it was cancelled, once it was.
    pub cancel_reason: Option<String>,
    /// Who opened it.
    pub created_by: String,
}

fn to_batch(m: recognition_batch::Model) -> Result<Batch, StoreError> {
    let what = || format!("recognition batch {}", m.id);
    Ok(Batch {
        id: m.id,
        fields: BatchFields {
            kind: Kind::parse(&m.kind).ok_or_else(|| corrupt(what(), &m.kind))?,
            purpose: Purpose::parse(&m.purpose).ok_or_else(|| corrupt(what(), &m.purpose))?,
            year: m.year,
            name: m.name,
            opens_on: m.opens_on,
            closes_on: m.closes_on,
            district_quota: m.district_quota.and_then(|q| u32::try_from(q).ok()),
            rules: serde_json::from_str(&m.rules).map_err(|e| corrupt(what(), e))?,
            rubric: m.rubric_id.map(RubricId),
        },
        campaign: m.campaign_id.map(CampaignId),
        status: BatchStatus::parse(&m.status).ok_or_else(|| corrupt(what(), &m.status))?,
        closed_early: m.closed_early_on.map(|d| (d, m.close_reason.unwrap_or_default())),
        cancel_reason: m.cancel_reason,
        created_by: m.created_by,
    })
}

/// Opens a batch; returns its id.
pub async fn insert_batch(tx: &Tx, f: &BatchFields, by: &str, now: DateTime<Utc>) -> Result<i32, StoreError> {
    Ok(recognition_batch::Entity::insert(recognition_batch::ActiveModel {
        kind: Set(f.kind.code().to_owned()),
        purpose: Set(f.purpose.code().to_owned()),
        year: Set(f.year),
        name: Set(f.name.clone()),
        opens_on: Set(f.opens_on),
        closes_on: Set(f.closes_on),
        district_quota: Set(f.district_quota.map(|q| i32::try_from(q).unwrap_or(i32::MAX))),
        rules: Set(serde_json::to_string(&f.rules).map_err(|e| corrupt("rules", e))?),
        rubric_id: Set(f.rubric.map(RubricId::get)),
        campaign_id: Set(None),
        status: Set(BatchStatus::Open.code().to_owned()),
        created_by: Set(by.to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec(tx.conn())
    .await?
    .last_insert_id)
}

/// One batch.
pub async fn get_batch(db: &impl Db, id: i32) -> Result<Option<Batch>, StoreError> {
    recognition_batch::Entity::find_by_id(id).one(db.conn()).await?.map(to_batch).transpose()
}

/// A page of batches, newest first.
pub async fn list_batches(db: &impl Db, page: PageRequest) -> Result<Page<Batch>, StoreError> {
    let q = recognition_batch::Entity::find();
    crate::page_of(db, q.order_by_desc(recognition_batch::Column::Id), page, to_batch).await
}

/// Takes the batch row's lock for the rest of the transaction (PostgreSQL and MySQL lock the
/// updated row; SQLite has one writer), so quota checks in one batch run one at a time.
pub async fn lock_batch(tx: &Tx, id: i32, now: DateTime<Utc>) -> Result<(), StoreError> {
    recognition_batch::Entity::update_many()
        .col_expr(recognition_batch::Column::UpdatedAt, Expr::value(now))
        .filter(recognition_batch::Column::Id.eq(id))
        .exec(tx.conn())
        .await?;
    Ok(())
}

/// Moves a batch on (`in_review` with its campaign, `concluded`).
pub async fn set_batch_status(
    tx: &Tx,
    id: i32,
    status: BatchStatus,
    campaign: Option<CampaignId>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut update = recognition_batch::Entity::update_many()
        .col_expr(recognition_batch::Column::Status, Expr::value(status.code()))
        .col_expr(recognition_batch::Column::UpdatedAt, Expr::value(now));
    if let Some(c) = campaign {
        update = update.col_expr(recognition_batch::Column::CampaignId, Expr::value(c.get()));
    }
    update.filter(recognition_batch::Column::Id.eq(id)).exec(tx.conn()).await?;
    if matches!(status, BatchStatus::Concluded | BatchStatus::Cancelled) {
        release_re_reviews(tx, id).await?;
    }
    Ok(())
}

/// Ends intake early with its reason, if the batch is still open and not closed early already;
/// false if someone else moved it first.
pub async fn close_intake(
    tx: &Tx,
    id: i32,
    on: NaiveDate,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let r = recognition_batch::Entity::update_many()
        .col_expr(recognition_batch::Column::ClosedEarlyOn, Expr::value(on))
        .col_expr(recognition_batch::Column::CloseReason, Expr::value(reason.to_owned()))
        .col_expr(recognition_batch::Column::UpdatedAt, Expr::value(now))
        .filter(recognition_batch::Column::Id.eq(id))
        .filter(recognition_batch::Column::Status.eq(BatchStatus::Open.code()))
        .filter(recognition_batch::Column::ClosedEarlyOn.is_null())
        .exec(tx.conn())
        .await?;
    Ok(r.rows_affected == 1)
}

/// Whether any application in the batch has been submitted (anything past a draft).
pub async fn any_submitted(db: &impl Db, batch: i32) -> Result<bool, StoreError> {
    let n = recognition_application::Entity::find()
        .filter(recognition_application::Column::BatchId.eq(batch))
        .filter(recognition_application::Column::Status.ne(Status::Draft.code()))
        .count(db.conn())
        .await?;
    Ok(n > 0)
}

/// Changes an open batch's terms (its kind and purpose stay); false if it moved meanwhile.
pub async fn update_batch(tx: &Tx, id: i32, f: &BatchFields, now: DateTime<Utc>) -> Result<bool, StoreError> {
    let r = recognition_batch::Entity::update_many()
        .col_expr(recognition_batch::Column::Year, Expr::value(f.year))
        .col_expr(recognition_batch::Column::Name, Expr::value(f.name.clone()))
        .col_expr(recognition_batch::Column::OpensOn, Expr::value(f.opens_on))
        .col_expr(recognition_batch::Column::ClosesOn, Expr::value(f.closes_on))
        .col_expr(
            recognition_batch::Column::DistrictQuota,
            Expr::value(f.district_quota.map(|q| i32::try_from(q).unwrap_or(i32::MAX))),
        )
        .col_expr(
            recognition_batch::Column::Rules,
            Expr::value(serde_json::to_string(&f.rules).map_err(|e| corrupt("rules", e))?),
        )
        .col_expr(recognition_batch::Column::RubricId, Expr::value(f.rubric.map(RubricId::get)))
        .col_expr(recognition_batch::Column::UpdatedAt, Expr::value(now))
        .filter(recognition_batch::Column::Id.eq(id))
        .filter(recognition_batch::Column::Status.eq(BatchStatus::Open.code()))
        .exec(tx.conn())
        .await?;
    Ok(r.rows_affected == 1)
}

/// Cancels an open batch that has no review, with its reason; false if it moved meanwhile.
pub async fn cancel_batch(tx: &Tx, id: i32, reason: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
    let r = recognition_batch::Entity::update_many()
        .col_expr(recognition_batch::Column::Status, Expr::value(BatchStatus::Cancelled.code()))
        .col_expr(recognition_batch::Column::CancelReason, Expr::value(reason.to_owned()))
        .col_expr(recognition_batch::Column::UpdatedAt, Expr::value(now))
        .filter(recognition_batch::Column::Id.eq(id))
        .filter(recognition_batch::Column::Status.eq(BatchStatus::Open.code()))
        .filter(recognition_batch::Column::CampaignId.is_null())
        .exec(tx.conn())
        .await?;
    if r.rows_affected == 1 {
        release_re_reviews(tx, id).await?;
    }
    Ok(r.rows_affected == 1)
}

/// The organizations with an application in a batch (each once), to tell them of the batch.
pub async fn applicants_of(db: &impl Db, batch: i32) -> Result<Vec<OrganizationId>, StoreError> {
    let ids: Vec<i32> = recognition_application::Entity::find()
        .select_only()
        .column(recognition_application::Column::OrganizationId)
        .distinct()
        .filter(recognition_application::Column::BatchId.eq(batch))
        .into_tuple()
        .all(db.conn())
        .await?;
    Ok(ids.into_iter().map(OrganizationId).collect())
}

/// What the applicant fills in.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ApplicationForm {
    /// The design center's description: organisation, team, achievements.
    pub description: String,
    /// The figures the application stands on (JSON of the registry's latest year, copied at
    /// creation and kept with the application).
    pub figures: String,
    /// Declared: no major incident in the window.
    pub incident_free: bool,
    /// Declared: not a seriously dishonest entity.
    pub credit_ok: bool,
    /// The authenticity statement signed.
    pub statement_signed: bool,
}

/// An application.
#[derive(Debug, Clone, PartialEq)]
pub struct Application {
    /// Key.
    pub id: i32,
    /// Its batch.
    pub batch: i32,
    /// The applicant.
    pub organization: OrganizationId,
    /// The applicant's district.
    pub district: DistrictId,
    /// Where it stands.
    pub status: Status,
    /// What was filled in.
    pub form: ApplicationForm,
    /// The review item, once sent to review.
    pub item: Option<ItemId>,
    /// The recognition under re-review.
    pub recognition: Option<i32>,
    /// The on-site verification's record.
    pub inspection: Option<Inspection>,
    /// Last submission.
    pub submitted_at: Option<DateTime<Utc>>,
}

fn to_application(m: recognition_application::Model) -> Result<Application, StoreError> {
    let status = Status::parse(&m.status).ok_or_else(|| corrupt(format!("application {}", m.id), &m.status))?;
    Ok(Application {
        id: m.id,
        batch: m.batch_id,
        organization: OrganizationId(m.organization_id),
        district: DistrictId(m.district_id),
        status,
        form: ApplicationForm {
            description: m.description,
            figures: m.figures,
            incident_free: m.incident_free,
            credit_ok: m.credit_ok,
            statement_signed: m.statement_signed,
        },
        item: m.item_id.map(ItemId),
        recognition: m.recognition_id,
        inspection: match m.inspection.as_deref() {
            Some(j) => Some(serde_json::from_str(j).map_err(|e| corrupt(format!("application {}", m.id), e))?),
            None => None,
        },
        submitted_at: m.submitted_at,
    })
}

/// Who applies, where, and (in a re-review) for which recognition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Applicant {
    /// The batch.
    pub batch: i32,
    /// The organization.
    pub organization: OrganizationId,
    /// Its district.
    pub district: DistrictId,
    /// The recognition under re-review.
    pub recognition: Option<i32>,
}

/// Starts an application in draft; `None` if the organization already has one in the batch.
pub async fn insert_application(
    tx: &Tx,
    who: Applicant,
    form: &ApplicationForm,
    by: &str,
    now: DateTime<Utc>,
) -> Result<Option<i32>, StoreError> {
    let Applicant { batch, organization, district, recognition } = who;
    let exists = recognition_application::Entity::find()
        .filter(recognition_application::Column::BatchId.eq(batch))
        .filter(recognition_application::Column::OrganizationId.eq(organization.get()))
        .count(tx.conn())
        .await?
        > 0;
    if exists {
        return Ok(None);
    }
    Ok(Some(
        recognition_application::Entity::insert(recognition_application::ActiveModel {
            batch_id: Set(batch),
            organization_id: Set(organization.get()),
            district_id: Set(district.get()),
            status: Set(Status::Draft.code().to_owned()),
            description: Set(form.description.clone()),
            figures: Set(form.figures.clone()),
            incident_free: Set(form.incident_free),
            credit_ok: Set(form.credit_ok),
            statement_signed: Set(form.statement_signed),
            item_id: Set(None),
            recognition_id: Set(recognition),
            re_review_guard: Set(recognition),
            inspection: Set(None),
            submitted_at: Set(None),
            created_by: Set(by.to_owned()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .exec(tx.conn())
        .await?
        .last_insert_id,
    ))
}

/// One application.
pub async fn get_application(db: &impl Db, id: i32) -> Result<Option<Application>, StoreError> {
    recognition_application::Entity::find_by_id(id).one(db.conn()).await?.map(to_application).transpose()
}

/// Of these recognitions, those already taken up by a re-review batch that is neither
/// concluded nor cancelled (the guard column the database keeps unique says so).
pub async fn in_open_re_review(db: &impl Db, recognitions: &[i32]) -> Result<BTreeSet<i32>, StoreError> {
    if recognitions.is_empty() {
        return Ok(BTreeSet::new());
    }
    let taken: Vec<Option<i32>> = recognition_application::Entity::find()
        .select_only()
        .column(recognition_application::Column::ReReviewGuard)
        .filter(recognition_application::Column::ReReviewGuard.is_in(recognitions.iter().copied()))
        .into_tuple()
        .all(db.conn())
        .await?;
    Ok(taken.into_iter().flatten().collect())
}

/// A batch is finished: its re-reviews no longer hold their recognitions.
async fn release_re_reviews(tx: &Tx, batch: i32) -> Result<(), StoreError> {
    recognition_application::Entity::update_many()
        .col_expr(recognition_application::Column::ReReviewGuard, Expr::value(Option::<i32>::None))
        .filter(recognition_application::Column::BatchId.eq(batch))
        .exec(tx.conn())
        .await?;
    Ok(())
}

/// The application a review item was made from.
pub async fn application_of_item(db: &impl Db, item: ItemId) -> Result<Option<i32>, StoreError> {
    Ok(recognition_application::Entity::find()
        .filter(recognition_application::Column::ItemId.eq(item.get()))
        .one(db.conn())
        .await?
        .map(|m| m.id))
}

/// Saves the applicant's form (only while editable: false otherwise).
pub async fn save_form(tx: &Tx, id: i32, form: &ApplicationForm, now: DateTime<Utc>) -> Result<bool, StoreError> {
    let r = recognition_application::Entity::update_many()
        .col_expr(recognition_application::Column::Description, Expr::value(form.description.clone()))
        .col_expr(recognition_application::Column::IncidentFree, Expr::value(form.incident_free))
        .col_expr(recognition_application::Column::CreditOk, Expr::value(form.credit_ok))
        .col_expr(recognition_application::Column::StatementSigned, Expr::value(form.statement_signed))
        .col_expr(recognition_application::Column::UpdatedAt, Expr::value(now))
        .filter(recognition_application::Column::Id.eq(id))
        .filter(
            recognition_application::Column::Status
                .is_in(Status::ALL.into_iter().filter(|s| s.editable()).map(Status::code)),
        )
        .exec(tx.conn())
        .await?;
    Ok(r.rows_affected == 1)
}

/// Freezes the figures an application is submitted with.
pub async fn set_figures(tx: &Tx, id: i32, figures: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
    recognition_application::Entity::update_many()
        .col_expr(recognition_application::Column::Figures, Expr::value(figures.to_owned()))
        .col_expr(recognition_application::Column::UpdatedAt, Expr::value(now))
        .filter(recognition_application::Column::Id.eq(id))
        .exec(tx.conn())
        .await?;
    Ok(())
}

/// Records the on-site verification.
pub async fn set_inspection(tx: &Tx, id: i32, inspection: &Inspection, now: DateTime<Utc>) -> Result<(), StoreError> {
    let json = serde_json::to_string(inspection).map_err(|e| corrupt("inspection", e))?;
    recognition_application::Entity::update_many()
        .col_expr(recognition_application::Column::Inspection, Expr::value(json))
        .col_expr(recognition_application::Column::UpdatedAt, Expr::value(now))
        .filter(recognition_application::Column::Id.eq(id))
        .exec(tx.conn())
        .await?;
    Ok(())
}

/// One step of the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// From.
    pub from: Status,
    /// To.
    pub to: Status,
    /// The action's code.
    pub action: String,
    /// Comment.
    pub comment: String,
    /// Who.
    pub actor: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// Moves an application if it still stands at `event.from` and records the step; false if
/// it was moved meanwhile.
pub async fn move_application(tx: &Tx, id: i32, event: &Event, item: Option<ItemId>) -> Result<bool, StoreError> {
    let mut update = recognition_application::Entity::update_many()
        .col_expr(recognition_application::Column::Status, Expr::value(event.to.code()))
        .col_expr(recognition_application::Column::UpdatedAt, Expr::value(event.at));
    if event.to == Status::Submitted {
        update = update.col_expr(recognition_application::Column::SubmittedAt, Expr::value(event.at));
    }
    if let Some(item) = item {
        update = update.col_expr(recognition_application::Column::ItemId, Expr::value(item.get()));
    }
    let r = update
        .filter(recognition_application::Column::Id.eq(id))
        .filter(recognition_application::Column::Status.eq(event.from.code()))
        .exec(tx.conn())
        .await?;
    if r.rows_affected != 1 {
        return Ok(false);
    }
    recognition_event::Entity::insert(recognition_event::ActiveModel {
        application_id: Set(id),
        from_status: Set(event.from.code().to_owned()),
        to_status: Set(event.to.code().to_owned()),
        action: Set(event.action.clone()),
        comment: Set(event.comment.clone()),
        actor_name: Set(event.actor.clone()),
        at: Set(event.at),
        ..Default::default()
    })
    .exec(tx.conn())
    .await?;
    Ok(true)
}

/// An application's history, oldest first (bounded: a few steps each).
pub async fn events(db: &impl Db, id: i32) -> Result<Vec<Event>, StoreError> {
    recognition_event::Entity::find()
        .filter(recognition_event::Column::ApplicationId.eq(id))
        .order_by_asc(recognition_event::Column::Id)
        .all(db.conn())
        .await?
        .into_iter()
        .map(|m| {
            let what = || format!("recognition event {}", m.id);
            Ok(Event {
                from: Status::parse(&m.from_status).ok_or_else(|| corrupt(what(), &m.from_status))?,
                to: Status::parse(&m.to_status).ok_or_else(|| corrupt(what(), &m.to_status))?,
                action: m.action,
                comment: m.comment,
                actor: m.actor_name,
                at: m.at,
            })
        })
        .collect()
}

/// Filters for a batch's applications.
#[derive(Debug, Clone, Default)]
pub struct ApplicationFilter {
    /// Only these districts (`None`: all).
    pub districts: Option<Vec<DistrictId>>,
    /// Only these statuses (empty: all).
    pub statuses: Vec<Status>,
}

/// A page of a batch's applications.
pub async fn list_applications(
    db: &impl Db,
    batch: i32,
    filter: &ApplicationFilter,
    page: PageRequest,
) -> Result<Page<Application>, StoreError> {
    let mut q = recognition_application::Entity::find().filter(recognition_application::Column::BatchId.eq(batch));
    if let Some(d) = &filter.districts {
        q = q.filter(recognition_application::Column::DistrictId.is_in(d.iter().map(|x| x.get())));
    }
    if !filter.statuses.is_empty() {
        q = q.filter(recognition_application::Column::Status.is_in(filter.statuses.iter().map(|s| s.code())));
    }
    crate::page_of(db, q.order_by_asc(recognition_application::Column::Id), page, to_application).await
}

/// Every application of a batch in some statuses (for sending to review and concluding;
/// bounded by the batch's size).
pub async fn applications_in(db: &impl Db, batch: i32, statuses: &[Status]) -> Result<Vec<Application>, StoreError> {
    recognition_application::Entity::find()
        .filter(recognition_application::Column::BatchId.eq(batch))
        .filter(recognition_application::Column::Status.is_in(statuses.iter().map(|s| s.code())))
        .order_by_asc(recognition_application::Column::Id)
        .all(db.conn())
        .await?
        .into_iter()
        .map(to_application)
        .collect()
}

/// A page of an organization's applications, newest first.
pub async fn applications_of(
    db: &impl Db,
    organization: OrganizationId,
    page: PageRequest,
) -> Result<Page<Application>, StoreError> {
    let q = recognition_application::Entity::find()
        .filter(recognition_application::Column::OrganizationId.eq(organization.get()));
    crate::page_of(db, q.order_by_desc(recognition_application::Column::Id), page, to_application).await
}

/// Applications of a batch by status (the funnel), optionally for some districts.
pub async fn funnel(
    db: &impl Db,
    batch: i32,
    districts: Option<&[DistrictId]>,
) -> Result<BTreeMap<String, u64>, StoreError> {
    let mut q = recognition_application::Entity::find()
        .select_only()
        .column(recognition_application::Column::Status)
        .column_as(recognition_application::Column::Id.count(), "n")
        .filter(recognition_application::Column::BatchId.eq(batch));
    if let Some(d) = districts {
        q = q.filter(recognition_application::Column::DistrictId.is_in(d.iter().map(|x| x.get())));
    }
    let rows: Vec<(String, i64)> =
        q.group_by(recognition_application::Column::Status).into_tuple().all(db.conn()).await?;
    Ok(rows.into_iter().map(|(s, n)| (s, u64::try_from(n).unwrap_or(0))).collect())
}

/// How many applications stand in `statuses`, in `districts` (all when `None`), across every
/// batch: what a to-do counts.
pub async fn count_in(db: &impl Db, statuses: &[Status], districts: Option<&[DistrictId]>) -> Result<u64, StoreError> {
    let mut q = recognition_application::Entity::find()
        .filter(recognition_application::Column::Status.is_in(statuses.iter().map(|s| s.code())));
    if let Some(d) = districts {
        q = q.filter(recognition_application::Column::DistrictId.is_in(d.iter().map(|x| x.get())));
    }
    Ok(q.count(db.conn()).await?)
}

/// How many applications of a district a batch has recommended so far (everything past the
/// district's recommendation counts against the quota).
pub async fn recommended_count(db: &impl Db, batch: i32, district: DistrictId) -> Result<u32, StoreError> {
    let n = recognition_application::Entity::find()
        .filter(recognition_application::Column::BatchId.eq(batch))
        .filter(recognition_application::Column::DistrictId.eq(district.get()))
        .filter(recognition_application::Column::Status.is_in(Status::quota_holding().into_iter().map(Status::code)))
        .count(db.conn())
        .await?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Recommendation slots held per district in a batch (districts holding none are absent).
pub async fn recommended_by_district(db: &impl Db, batch: i32) -> Result<BTreeMap<DistrictId, u32>, StoreError> {
    let rows: Vec<(i32, i64)> = recognition_application::Entity::find()
        .select_only()
        .column(recognition_application::Column::DistrictId)
        .column_as(recognition_application::Column::Id.count(), "n")
        .filter(recognition_application::Column::BatchId.eq(batch))
        .filter(recognition_application::Column::Status.is_in(Status::quota_holding().into_iter().map(Status::code)))
        .group_by(recognition_application::Column::DistrictId)
        .into_tuple()
        .all(db.conn())
        .await?;
    Ok(rows.into_iter().map(|(d, n)| (DistrictId(d), u32::try_from(n).unwrap_or(u32::MAX))).collect())
}

/// A recognition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recognition {
    /// Key.
    pub id: i32,
    /// The organization.
    pub organization: OrganizationId,
    /// Tier.
    pub kind: Kind,
    /// Certificate number.
    pub certificate: String,
    /// Granted on.
    pub granted_on: NaiveDate,
    /// Last valid day.
    pub valid_until: NaiveDate,
    /// Standing as stored (expiry is computed by the caller).
    pub standing: Standing,
    /// Rectification due by, when ordered.
    pub rectify_until: Option<NaiveDate>,
    /// The batch it came from.
    pub batch: Option<i32>,
    /// Revoked on, with why (see [`Revocation`]).
    pub revoked: Option<(NaiveDate, Revocation)>,
    /// The holder's rectification report, once sent.
    pub rectification: Option<RectificationReport>,
}

/// What a holder reported on a rectification (整改报告).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RectificationReport {
    /// What was put right.
    pub text: String,
    /// Sent at.
    pub at: DateTime<Utc>,
    /// By (user name).
    pub by: String,
}

/// Why a recognition was revoked: the re-review that decided it, the score and the line.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Revocation {
    /// Why (a [`sheji_core::recognition::RevocationCause`] code); empty in records written
    /// before causes were kept, which were all by score.
    #[serde(default)]
    pub cause: String,
    /// The re-review batch's name.
    pub batch: String,
    /// The score it got, as shown ("55.20"), if it had sheets.
    pub score: Option<String>,
    /// The line below which a recognition is revoked, as shown.
    pub line: String,
}

fn to_recognition(m: recognition::Model) -> Result<Recognition, StoreError> {
    let what = || format!("recognition {}", m.id);
    Ok(Recognition {
        id: m.id,
        organization: OrganizationId(m.organization_id),
        kind: Kind::parse(&m.kind).ok_or_else(|| corrupt(what(), &m.kind))?,
        certificate: m.certificate_no,
        granted_on: m.granted_on,
        valid_until: m.valid_until,
        standing: Standing::parse(&m.standing).ok_or_else(|| corrupt(what(), &m.standing))?,
        rectify_until: m.rectify_until,
        batch: m.batch_id,
        revoked: m
            .revoked_on
            .map(|d| (d, m.revocation.and_then(|r| serde_json::from_str(&r).ok()).unwrap_or_default())),
        rectification: match (m.rectify_report, m.rectify_reported_at) {
            (Some(text), Some(at)) => {
                Some(RectificationReport { text, at, by: m.rectify_reported_by.unwrap_or_default() })
            }
            _ => None,
        },
    })
}

/// Records a revocation's day and reasons beside the standing.
pub async fn set_revocation(tx: &Tx, id: i32, on: NaiveDate, why: &Revocation) -> Result<(), StoreError> {
    let json = serde_json::to_string(why).map_err(|e| corrupt("revocation", e))?;
    recognition::Entity::update_many()
        .col_expr(recognition::Column::RevokedOn, Expr::value(on))
        .col_expr(recognition::Column::Revocation, Expr::value(json))
        .filter(recognition::Column::Id.eq(id))
        .exec(tx.conn())
        .await?;
    Ok(())
}

/// A recognition to grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// The holder.
    pub organization: OrganizationId,
    /// Tier.
    pub kind: Kind,
    /// Granted on.
    pub granted_on: NaiveDate,
    /// Last valid day.
    pub valid_until: NaiveDate,
    /// The batch.
    pub batch: Option<i32>,
    /// The application.
    pub application: Option<i32>,
}

/// Grants a recognition with the next certificate number of its kind and year.
pub async fn grant(tx: &Tx, g: &Grant, now: DateTime<Utc>) -> Result<String, StoreError> {
    let Grant { organization, kind, granted_on, valid_until, batch, application } = g.clone();
    use chrono::Datelike;
    let year = granted_on.year();
    let prefix = sheji_core::recognition::certificate_number(kind, year, 0);
    let stem = prefix.trim_end_matches('0');
    let issued = recognition::Entity::find()
        .filter(recognition::Column::CertificateNo.starts_with(stem))
        .count(tx.conn())
        .await?;
    let number =
        sheji_core::recognition::certificate_number(kind, year, u32::try_from(issued).unwrap_or(u32::MAX - 1) + 1);
    recognition::Entity::insert(recognition::ActiveModel {
        organization_id: Set(organization.get()),
        kind: Set(kind.code().to_owned()),
        certificate_no: Set(number.clone()),
        granted_on: Set(granted_on),
        valid_until: Set(valid_until),
        standing: Set(Standing::Valid.code().to_owned()),
        rectify_until: Set(None),
        batch_id: Set(batch),
        application_id: Set(application),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec(tx.conn())
    .await?;
    Ok(number)
}

/// A recognition by certificate number.
pub async fn by_certificate(db: &impl Db, number: &str) -> Result<Option<Recognition>, StoreError> {
    recognition::Entity::find()
        .filter(recognition::Column::CertificateNo.eq(number))
        .one(db.conn())
        .await?
        .map(to_recognition)
        .transpose()
}

/// An organization's recognitions, newest first (bounded: a few per organization).
pub async fn of_organization(db: &impl Db, organization: OrganizationId) -> Result<Vec<Recognition>, StoreError> {
    recognition::Entity::find()
        .filter(recognition::Column::OrganizationId.eq(organization.get()))
        .order_by_desc(recognition::Column::Id)
        .all(db.conn())
        .await?
        .into_iter()
        .map(to_recognition)
        .collect()
}

/// Which recognitions a list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecognitionFilter {
    /// Only this tier.
    pub kind: Option<Kind>,
    /// Only holders in these districts.
    pub districts: Option<Vec<DistrictId>>,
    /// Only this holder.
    pub organization: Option<OrganizationId>,
    /// Only those in force whose validity ends within [from, to] (expiry reminders).
    pub expiring: Option<(NaiveDate, NaiveDate)>,
    /// Only those granted by this batch, oldest first (its final list).
    pub batch: Option<i32>,
}

/// A page of recognitions, newest first (or soonest to expire when `expiring` is set).
pub async fn list_recognitions(
    db: &impl Db,
    filter: &RecognitionFilter,
    page: PageRequest,
) -> Result<Page<Recognition>, StoreError> {
    let mut q = recognition::Entity::find();
    if let Some(k) = filter.kind {
        q = q.filter(recognition::Column::Kind.eq(k.code()));
    }
    if let Some(o) = filter.organization {
        q = q.filter(recognition::Column::OrganizationId.eq(o.get()));
    }
    if let Some(d) = &filter.districts {
        let mut sub = sea_orm::sea_query::Query::select();
        sub.column(crate::entity::organization::Column::Id)
            .from(crate::entity::organization::Entity)
            .and_where(crate::entity::organization::Column::DistrictId.is_in(d.iter().map(|x| x.get())));
        q = q.filter(recognition::Column::OrganizationId.in_subquery(sub));
    }
    if let Some((from, to)) = filter.expiring {
        q = q
            .filter(recognition::Column::Standing.is_in([Standing::Valid.code(), Standing::Rectifying.code()]))
            .filter(recognition::Column::ValidUntil.gte(from))
            .filter(recognition::Column::ValidUntil.lte(to));
    }
    if let Some(b) = filter.batch {
        q = q.filter(recognition::Column::BatchId.eq(b));
    }
    let q = if filter.expiring.is_some() {
        q.order_by_asc(recognition::Column::ValidUntil).order_by_asc(recognition::Column::Id)
    } else if filter.batch.is_some() {
        q.order_by_asc(recognition::Column::Id)
    } else {
        q.order_by_desc(recognition::Column::Id)
    };
    crate::page_of(db, q, page, to_recognition).await
}

/// Recognitions of a kind still in force (valid or rectifying) whose validity ends on or before
/// `until`: the ones a re-review batch takes up (bounded by the holders of one kind).
pub async fn due(db: &impl Db, kind: Kind, until: NaiveDate) -> Result<Vec<Recognition>, StoreError> {
    recognition::Entity::find()
        .filter(recognition::Column::Kind.eq(kind.code()))
        .filter(recognition::Column::Standing.is_in([Standing::Valid.code(), Standing::Rectifying.code()]))
        .filter(recognition::Column::ValidUntil.lte(until))
        .order_by_asc(recognition::Column::Id)
        .all(db.conn())
        .await?
        .into_iter()
        .map(to_recognition)
        .collect()
}

/// One recognition.
pub async fn get_recognition(db: &impl Db, id: i32) -> Result<Option<Recognition>, StoreError> {
    recognition::Entity::find_by_id(id).one(db.conn()).await?.map(to_recognition).transpose()
}

/// Changes a recognition's standing (a re-review's outcome): renewed with a new last day,
/// rectifying until a date, or revoked.
pub async fn set_standing(
    tx: &Tx,
    id: i32,
    standing: Standing,
    valid_until: Option<NaiveDate>,
    rectify_until: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut update = recognition::Entity::update_many()
        .col_expr(recognition::Column::Standing, Expr::value(standing.code()))
        .col_expr(recognition::Column::RectifyUntil, Expr::value(rectify_until))
        .col_expr(recognition::Column::UpdatedAt, Expr::value(now));
    if standing == Standing::Rectifying {
        // A new rectification starts without a report.
        update = update
            .col_expr(recognition::Column::RectifyReport, Expr::value(Option::<String>::None))
            .col_expr(recognition::Column::RectifyReportedAt, Expr::value(Option::<DateTime<Utc>>::None))
            .col_expr(recognition::Column::RectifyReportedBy, Expr::value(Option::<String>::None));
    }
    if let Some(v) = valid_until {
        update = update.col_expr(recognition::Column::ValidUntil, Expr::value(v));
    }
    update.filter(recognition::Column::Id.eq(id)).exec(tx.conn()).await?;
    Ok(())
}

/// Records a rectification report if the recognition is still rectifying with none sent;
/// false otherwise (two clerks sending at once: one report is kept, the other is told).
pub async fn report_rectification(
    tx: &Tx,
    id: i32,
    text: &str,
    by: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let r = recognition::Entity::update_many()
        .col_expr(recognition::Column::RectifyReport, Expr::value(text))
        .col_expr(recognition::Column::RectifyReportedAt, Expr::value(now))
        .col_expr(recognition::Column::RectifyReportedBy, Expr::value(by))
        .col_expr(recognition::Column::UpdatedAt, Expr::value(now))
        .filter(recognition::Column::Id.eq(id))
        .filter(recognition::Column::Standing.eq(Standing::Rectifying.code()))
        .filter(recognition::Column::RectifyReportedAt.is_null())
        // Not after its deadline, which the database checks too.
        .filter(
            sea_orm::Condition::any()
                .add(recognition::Column::RectifyUntil.is_null())
                .add(recognition::Column::RectifyUntil.gte(today)),
        )
        .exec(tx.conn())
        .await?;
    Ok(r.rows_affected == 1)
}

/// Who ends a rectification, which the update checks so that only that step can: the city,
/// deciding a report that is in; the daily job, for one whose deadline (before the day given)
/// passed with none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RectificationEnd {
    /// The city's decision on the report.
    Decided,
    /// The deadline passed with no report (today's date).
    Lapsed(NaiveDate),
}

/// Ends a rectification with the city's decision if it still waits for one (rectifying, a
/// report in): renewed until `valid_until`, or revoked. False if decided meanwhile.
pub async fn end_rectification(
    tx: &Tx,
    id: i32,
    to: Standing,
    valid_until: Option<NaiveDate>,
    by: RectificationEnd,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let mut update = recognition::Entity::update_many()
        .col_expr(recognition::Column::Standing, Expr::value(to.code()))
        .col_expr(recognition::Column::RectifyUntil, Expr::value(Option::<NaiveDate>::None))
        .col_expr(recognition::Column::UpdatedAt, Expr::value(now));
    if let Some(v) = valid_until {
        update = update.col_expr(recognition::Column::ValidUntil, Expr::value(v));
    }
    update = update
        .filter(recognition::Column::Id.eq(id))
        .filter(recognition::Column::Standing.eq(Standing::Rectifying.code()));
    update = match by {
        RectificationEnd::Decided => update.filter(recognition::Column::RectifyReportedAt.is_not_null()),
        RectificationEnd::Lapsed(today) => update
            .filter(recognition::Column::RectifyReportedAt.is_null())
            .filter(recognition::Column::RectifyUntil.lt(today)),
    };
    let r = update.exec(tx.conn()).await?;
    Ok(r.rows_affected == 1)
}

/// Rectifications whose deadline is before `today` with no report sent (the daily job's
/// work; index `ix_recognition_rectify`), at most `limit`, by id after `after`.
pub async fn lapsed_rectifications(
    db: &impl Db,
    today: NaiveDate,
    after: i32,
    limit: u64,
) -> Result<Vec<Recognition>, StoreError> {
    recognition::Entity::find()
        .filter(recognition::Column::Standing.eq(Standing::Rectifying.code()))
        .filter(recognition::Column::RectifyUntil.lt(today))
        .filter(recognition::Column::RectifyReportedAt.is_null())
        .filter(recognition::Column::Id.gt(after))
        .order_by_asc(recognition::Column::Id)
        .limit(limit)
        .all(db.conn())
        .await?
        .into_iter()
        .map(to_recognition)
        .collect()
}

/// Rectifications under way, for to-do lists: with a report waiting for the city (`reported`)
/// or still to be reported, optionally of some districts' holders or one holder. A page.
pub async fn rectifications(
    db: &impl Db,
    reported: bool,
    districts: Option<&[DistrictId]>,
    organization: Option<OrganizationId>,
    page: PageRequest,
) -> Result<Page<Recognition>, StoreError> {
    let mut q = recognition::Entity::find().filter(recognition::Column::Standing.eq(Standing::Rectifying.code()));
    q = if reported {
        q.filter(recognition::Column::RectifyReportedAt.is_not_null())
    } else {
        q.filter(recognition::Column::RectifyReportedAt.is_null())
    };
    if let Some(o) = organization {
        q = q.filter(recognition::Column::OrganizationId.eq(o.get()));
    }
    if let Some(d) = districts {
        let mut sub = sea_orm::sea_query::Query::select();
        sub.column(crate::entity::organization::Column::Id)
            .from(crate::entity::organization::Entity)
            .and_where(crate::entity::organization::Column::DistrictId.is_in(d.iter().map(|x| x.get())));
        q = q.filter(recognition::Column::OrganizationId.in_subquery(sub));
    }
    // Reports by when they came in (waiting longest first); open ones by their deadline.
    let q = if reported {
        q.order_by_asc(recognition::Column::RectifyReportedAt)
    } else {
        q.order_by_asc(recognition::Column::RectifyUntil)
    };
    crate::page_of(db, q.order_by_asc(recognition::Column::Id), page, to_recognition).await
}

/// The re-review application that ordered a recognition's rectification (the newest).
pub async fn rectifying_application(db: &impl Db, recognition: i32) -> Result<Option<Application>, StoreError> {
    recognition_application::Entity::find()
        .filter(recognition_application::Column::RecognitionId.eq(recognition))
        .filter(recognition_application::Column::Status.eq(Status::Rectify.code()))
        .order_by_desc(recognition_application::Column::Id)
        .one(db.conn())
        .await?
        .map(to_application)
        .transpose()
}

/// How many recognitions each organization holds in force on `today` (valid or under
/// rectification, not past their last day): capability evidence for matchmaking.
pub async fn in_force_counts(db: &impl Db, today: NaiveDate) -> Result<BTreeMap<OrganizationId, u32>, StoreError> {
    let rows: Vec<(i32, i64)> = recognition::Entity::find()
        .select_only()
        .column(recognition::Column::OrganizationId)
        .column_as(recognition::Column::Id.count(), "n")
        .filter(recognition::Column::Standing.is_in([Standing::Valid.code(), Standing::Rectifying.code()]))
        .filter(recognition::Column::ValidUntil.gte(today))
        .group_by(recognition::Column::OrganizationId)
        .into_tuple()
        .all(db.conn())
        .await?;
    Ok(rows.into_iter().map(|(o, n)| (OrganizationId(o), u32::try_from(n).unwrap_or(u32::MAX))).collect())
}
