//! Cooperation: deals, their milestones, dated steps and ratings. Every move of a deal is a
//! guarded update (`WHERE version = seen`), so two people acting on one deal at once get one
//! winner and the other a conflict; a milestone's move is guarded by its status and change
//! count the same way.

pub mod entity;
pub mod migration;

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ActiveValue::Set, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use sheji_core::cooperation::{DealSide, DealStatus, DisputeStage, MilestoneDraft, MilestoneStatus};
use sheji_core::ids::{AccountId, ClusterId, DistrictId, OrganizationId};
use sheji_core::matchmaking::Mode;
use sheji_core::page::{Page, PageRequest};

use crate::entity::{deal, deal_milestone, deal_rating, deal_step};
use crate::{Db, StoreError, Tx};

fn corrupt(what: impl Into<String>, detail: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt { what: what.into(), detail: detail.to_string() }
}

/// A deal as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Deal {
    /// Key.
    pub id: i32,
    /// The accepted interest it came from (or the meeting: see `meeting`).
    pub interest: Option<i32>,
    /// The demand (an interest's).
    pub demand: Option<i32>,
    /// The offer (an interest's).
    pub offer: Option<i32>,
    /// The 对接会 whose meeting it came from.
    pub event: Option<i32>,
    /// That meeting.
    pub meeting: Option<i32>,
    /// The demanding organization.
    pub demander: OrganizationId,
    /// The providing organization (none for an individual designer).
    pub provider_org: Option<OrganizationId>,
    /// The account that owns the offer.
    pub provider_account: AccountId,
    /// The demand's district (whose branch mediates).
    pub district: DistrictId,
    /// The demand's cluster.
    pub cluster: Option<ClusterId>,
    /// The demand's title when the deal opened.
    pub title: String,
    /// Where it stands.
    pub status: DealStatus,
    /// Bumped by every move (the guard of concurrent moves).
    pub version: i32,
    /// The quoted mode.
    pub mode: Option<Mode>,
    /// The quoted amount in 万元.
    pub amount: Option<f64>,
    /// The quoted work and terms.
    pub scope: String,
    /// The day of the latest quote.
    pub quoted_on: Option<NaiveDate>,
    /// Quotes sent so far.
    pub quotes: i32,
    /// The day the contract was signed.
    pub signed_on: Option<NaiveDate>,
    /// The day every milestone was accepted.
    pub completed_on: Option<NaiveDate>,
    /// The open dispute's stage.
    pub dispute_stage: Option<DisputeStage>,
    /// Who raised it.
    pub dispute_side: Option<DealSide>,
    /// What it is about.
    pub dispute_reason: Option<String>,
    /// Why it closed without completion.
    pub closed_reason: Option<String>,
    /// When it opened.
    pub created_at: DateTime<Utc>,
    /// Its latest move.
    pub updated_at: DateTime<Utc>,
}

fn to_deal(m: deal::Model) -> Result<Deal, StoreError> {
    let parse = |what: &str, code: &str| corrupt(format!("deal {} {what}", m.id), code);
    Ok(Deal {
        id: m.id,
        interest: m.interest_id,
        demand: m.demand_id,
        offer: m.offer_id,
        event: m.event_id,
        meeting: m.meeting_id,
        demander: OrganizationId(m.demander_org),
        provider_org: m.provider_org.map(OrganizationId),
        provider_account: AccountId(m.provider_account),
        district: DistrictId(m.district_id),
        cluster: m.cluster_id.map(ClusterId),
        status: DealStatus::parse(&m.status).ok_or_else(|| parse("status", &m.status))?,
        version: m.version,
        mode: match &m.mode {
            Some(code) => Some(Mode::parse(code).ok_or_else(|| parse("mode", code))?),
            None => None,
        },
        dispute_stage: match &m.dispute_stage {
            Some(code) => Some(DisputeStage::parse(code).ok_or_else(|| parse("dispute stage", code))?),
            None => None,
        },
        dispute_side: match &m.dispute_side {
            Some(code) => Some(DealSide::parse(code).ok_or_else(|| parse("dispute side", code))?),
            None => None,
        },
        amount: m.amount,
        scope: m.scope,
        quoted_on: m.quoted_on,
        quotes: m.quotes,
        signed_on: m.signed_on,
        completed_on: m.completed_on,
        dispute_reason: m.dispute_reason,
        closed_reason: m.closed_reason,
        title: m.title,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

/// What opens a deal.
#[derive(Debug, Clone, PartialEq)]
pub struct NewDeal {
    /// The accepted interest.
    pub interest: Option<i32>,
    /// Its demand.
    pub demand: Option<i32>,
    /// Its offer.
    pub offer: Option<i32>,
    /// The 对接会, for a deal opened from one of its meetings.
    pub event: Option<i32>,
    /// The meeting.
    pub meeting: Option<i32>,
    /// The demanding organization.
    pub demander: OrganizationId,
    /// The providing organization, if any.
    pub provider_org: Option<OrganizationId>,
    /// The offer's account.
    pub provider_account: AccountId,
    /// The demand's district.
    pub district: DistrictId,
    /// The demand's cluster.
    pub cluster: Option<ClusterId>,
    /// The demand's title.
    pub title: String,
}

/// Opens a deal as a lead; a second deal for the same interest is a duplicate.
pub async fn insert_deal(tx: &Tx, d: &NewDeal, now: DateTime<Utc>) -> Result<i32, StoreError> {
    let r = deal::Entity::insert(deal::ActiveModel {
        interest_id: Set(d.interest),
        demand_id: Set(d.demand),
        offer_id: Set(d.offer),
        event_id: Set(d.event),
        meeting_id: Set(d.meeting),
        demander_org: Set(d.demander.get()),
        provider_org: Set(d.provider_org.map(|o| o.get())),
        provider_account: Set(d.provider_account.get()),
        district_id: Set(d.district.get()),
        cluster_id: Set(d.cluster.map(|c| c.get())),
        title: Set(d.title.clone()),
        status: Set(DealStatus::Lead.code().to_owned()),
        version: Set(1),
        mode: Set(None),
        amount: Set(None),
        scope: Set(String::new()),
        quoted_on: Set(None),
        quotes: Set(0),
        signed_on: Set(None),
        completed_on: Set(None),
        dispute_stage: Set(None),
        dispute_side: Set(None),
        dispute_reason: Set(None),
        closed_reason: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec(tx.conn())
    .await?;
    Ok(r.last_insert_id)
}

/// One deal.
pub async fn get_deal(db: &impl Db, id: i32) -> Result<Option<Deal>, StoreError> {
    deal::Entity::find_by_id(id).one(db.conn()).await?.map(to_deal).transpose()
}

/// The deals opened from these interests: interest → deal.
pub async fn deals_of_interests(db: &impl Db, interests: &[i32]) -> Result<BTreeMap<i32, i32>, StoreError> {
    if interests.is_empty() {
        return Ok(BTreeMap::new());
    }
    let rows: Vec<(Option<i32>, i32)> = deal::Entity::find()
        .select_only()
        .column(deal::Column::InterestId)
        .column(deal::Column::Id)
        .filter(deal::Column::InterestId.is_in(interests.to_vec()))
        .into_tuple()
        .all(db.conn())
        .await?;
    Ok(rows.into_iter().filter_map(|(i, d)| Some((i?, d))).collect())
}

/// The deals opened from these meetings: meeting → deal.
pub async fn deals_of_meetings(db: &impl Db, meetings: &[i32]) -> Result<BTreeMap<i32, i32>, StoreError> {
    if meetings.is_empty() {
        return Ok(BTreeMap::new());
    }
    let rows: Vec<(Option<i32>, i32)> = deal::Entity::find()
        .select_only()
        .column(deal::Column::MeetingId)
        .column(deal::Column::Id)
        .filter(deal::Column::MeetingId.is_in(meetings.to_vec()))
        .into_tuple()
        .all(db.conn())
        .await?;
    Ok(rows.into_iter().filter_map(|(m, d)| Some((m?, d))).collect())
}

/// Deals by the demand's 33618 cluster, in `districts` (all when `None`): (cluster, deals,
/// signed); deals of no cluster under `None`.
pub async fn tally_by_cluster(
    db: &impl Db,
    districts: Option<&[DistrictId]>,
) -> Result<Vec<(Option<ClusterId>, i64, i64)>, StoreError> {
    let mut q = deal::Entity::find()
        .select_only()
        .column(deal::Column::ClusterId)
        .column_as(deal::Column::Id.count(), "n")
        .column_as(deal::Column::SignedOn.count(), "signed")
        .group_by(deal::Column::ClusterId);
    if let Some(d) = districts {
        q = q.filter(deal::Column::DistrictId.is_in(d.iter().map(|x| x.get())));
    }
    let rows: Vec<(Option<i32>, i64, i64)> = q.into_tuple().all(db.conn()).await?;
    Ok(rows.into_iter().map(|(c, n, s)| (c.map(ClusterId), n, s)).collect())
}

/// Deals opened at each event, in `districts` (all when `None`): (event, deals, signed).
pub async fn tally_by_event(
    db: &impl Db,
    districts: Option<&[DistrictId]>,
) -> Result<Vec<(i32, i64, i64)>, StoreError> {
    let mut q = deal::Entity::find()
        .select_only()
        .column(deal::Column::EventId)
        .column_as(deal::Column::Id.count(), "n")
        .column_as(deal::Column::SignedOn.count(), "signed")
        .filter(deal::Column::EventId.is_not_null())
        .group_by(deal::Column::EventId);
    if let Some(d) = districts {
        q = q.filter(deal::Column::DistrictId.is_in(d.iter().map(|x| x.get())));
    }
    let rows: Vec<(Option<i32>, i64, i64)> = q.into_tuple().all(db.conn()).await?;
    Ok(rows.into_iter().filter_map(|(e, n, s)| Some((e?, n, s))).collect())
}

/// What a move sets besides the status; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DealChange {
    /// A new quote: mode, amount, scope and its day (the quote count goes up).
    pub quote: Option<(Mode, Option<f64>, String, NaiveDate)>,
    /// The signing day.
    pub signed_on: Option<NaiveDate>,
    /// The completion day.
    pub completed_on: Option<NaiveDate>,
    /// The dispute: `Some(Some(..))` opens or moves it, `Some(None)` ends it.
    pub dispute: Option<Option<(DisputeStage, DealSide, String)>>,
    /// Why it closed.
    pub closed_reason: Option<String>,
}

/// Moves a deal seen at `version` to `to`; false when someone moved it first.
pub async fn move_deal(
    tx: &Tx,
    id: i32,
    version: i32,
    to: DealStatus,
    c: &DealChange,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let mut q = deal::Entity::update_many()
        .col_expr(deal::Column::Status, Expr::value(to.code()))
        .col_expr(deal::Column::Version, Expr::value(version + 1))
        .col_expr(deal::Column::UpdatedAt, Expr::value(now));
    if let Some((mode, amount, scope, on)) = &c.quote {
        q = q
            .col_expr(deal::Column::Mode, Expr::value(mode.code()))
            .col_expr(deal::Column::Amount, Expr::value(*amount))
            .col_expr(deal::Column::Scope, Expr::value(scope.clone()))
            .col_expr(deal::Column::QuotedOn, Expr::value(*on))
            .col_expr(deal::Column::Quotes, Expr::col(deal::Column::Quotes).add(1));
    }
    if let Some(on) = c.signed_on {
        q = q.col_expr(deal::Column::SignedOn, Expr::value(on));
    }
    if let Some(on) = c.completed_on {
        q = q.col_expr(deal::Column::CompletedOn, Expr::value(on));
    }
    if let Some(dispute) = &c.dispute {
        let (stage, side, reason) = match dispute {
            Some((stage, side, reason)) => (Some(stage.code()), Some(side.code()), Some(reason.clone())),
            None => (None, None, None),
        };
        q = q
            .col_expr(deal::Column::DisputeStage, Expr::value(stage))
            .col_expr(deal::Column::DisputeSide, Expr::value(side))
            .col_expr(deal::Column::DisputeReason, Expr::value(reason));
    }
    if let Some(reason) = &c.closed_reason {
        q = q.col_expr(deal::Column::ClosedReason, Expr::value(reason.clone()));
    }
    let r = q.filter(deal::Column::Id.eq(id)).filter(deal::Column::Version.eq(version)).exec(tx.conn()).await?;
    Ok(r.rows_affected == 1)
}

/// Takes the deal's row lock for the rest of the transaction (PostgreSQL and MySQL lock the
/// updated row; SQLite has one writer) without counting as a move: milestone answers on one
/// deal then run one at a time, so the last acceptance always sees the others.
pub async fn lock_deal(tx: &Tx, id: i32, now: DateTime<Utc>) -> Result<(), StoreError> {
    deal::Entity::update_many()
        .col_expr(deal::Column::UpdatedAt, Expr::value(now))
        .filter(deal::Column::Id.eq(id))
        .exec(tx.conn())
        .await?;
    Ok(())
}

/// Whose deals a list shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DealFilter {
    /// A party's own: as the demanding organization, the providing organization, or the
    /// designer who owns the offer (any of those given).
    pub organization: Option<OrganizationId>,
    /// See `organization`.
    pub account: Option<AccountId>,
    /// Staff: deals in these districts (`Some(empty)` is none; `None` with no party is all).
    pub districts: Option<Vec<DistrictId>>,
    /// Only in this state.
    pub status: Option<DealStatus>,
    /// Only in this district.
    pub district: Option<DistrictId>,
    /// Only for this demand.
    pub demand: Option<i32>,
}

fn party_condition(organization: Option<OrganizationId>, account: Option<AccountId>) -> Option<Condition> {
    let mut cond = Condition::any();
    if let Some(o) = organization {
        cond = cond.add(deal::Column::DemanderOrg.eq(o.get())).add(deal::Column::ProviderOrg.eq(o.get()));
    }
    if let Some(a) = account {
        cond = cond.add(
            Condition::all().add(deal::Column::ProviderAccount.eq(a.get())).add(deal::Column::ProviderOrg.is_null()),
        );
    }
    (!cond.is_empty()).then_some(cond)
}

fn filtered(f: &DealFilter) -> Option<sea_orm::Select<deal::Entity>> {
    let mut q = deal::Entity::find();
    let party = party_condition(f.organization, f.account);
    match (party, &f.districts) {
        (Some(p), Some(d)) => {
            q = q.filter(Condition::any().add(p).add(deal::Column::DistrictId.is_in(d.iter().map(|x| x.get()))))
        }
        (Some(p), None) if f.organization.is_some() || f.account.is_some() => q = q.filter(p),
        (None, Some(d)) => q = q.filter(deal::Column::DistrictId.is_in(d.iter().map(|x| x.get()))),
        (None, None) if f.organization.is_none() && f.account.is_none() => {}
        _ => return None,
    }
    if let Some(s) = f.status {
        q = q.filter(deal::Column::Status.eq(s.code()));
    }
    if let Some(d) = f.district {
        q = q.filter(deal::Column::DistrictId.eq(d.get()));
    }
    if let Some(d) = f.demand {
        q = q.filter(deal::Column::DemandId.eq(d));
    }
    Some(q)
}

/// A page of deals, newest first. A filter naming neither a party nor districts lists every
/// deal (city-wide staff); the caller decides who may ask for that.
pub async fn list_deals(db: &impl Db, f: &DealFilter, page: PageRequest) -> Result<Page<Deal>, StoreError> {
    let Some(q) = filtered(f) else { return Ok(Page::new(Vec::new(), page, 0)) };
    crate::page_of(db, q.order_by_desc(deal::Column::Id), page, to_deal).await
}

/// Deals by district and state, with the signed amounts summed: what the statistics count.
#[derive(Debug, Clone, PartialEq)]
pub struct Tally {
    /// The district.
    pub district: DistrictId,
    /// Deals in each state.
    pub by_status: BTreeMap<DealStatus, i64>,
    /// The amounts of signed contracts (contracted, disputed, completed and terminated ones).
    pub signed_amount: f64,
}

/// The tally of deals in `districts` (all when `None`), one line a district with any.
pub async fn tally(db: &impl Db, districts: Option<&[DistrictId]>) -> Result<Vec<Tally>, StoreError> {
    let mut q = deal::Entity::find()
        .select_only()
        .column(deal::Column::DistrictId)
        .column(deal::Column::Status)
        .column_as(deal::Column::Id.count(), "n")
        .column_as(deal::Column::Amount.sum(), "amount")
        .group_by(deal::Column::DistrictId)
        .group_by(deal::Column::Status);
    if let Some(d) = districts {
        q = q.filter(deal::Column::DistrictId.is_in(d.iter().map(|x| x.get())));
    }
    let rows: Vec<(i32, String, i64, Option<f64>)> = q.into_tuple().all(db.conn()).await?;
    let mut by: BTreeMap<i32, Tally> = BTreeMap::new();
    for (district, status, n, amount) in rows {
        let status = DealStatus::parse(&status).ok_or_else(|| corrupt("deal status", &status))?;
        let t = by.entry(district).or_insert_with(|| Tally {
            district: DistrictId(district),
            by_status: BTreeMap::new(),
            signed_amount: 0.0,
        });
        t.by_status.insert(status, n);
        if matches!(status, DealStatus::Contracted | DealStatus::Disputed | DealStatus::Completed) {
            t.signed_amount += amount.unwrap_or(0.0);
        }
    }
    Ok(by.into_values().collect())
}

/// A milestone as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Milestone {
    /// Key.
    pub id: i32,
    /// Its deal.
    pub deal: i32,
    /// Its place, from 1.
    pub seq: i32,
    /// What is delivered.
    pub title: String,
    /// When it is due.
    pub due_on: NaiveDate,
    /// Its share of the amount.
    pub amount: Option<f64>,
    /// Where it stands.
    pub status: MilestoneStatus,
    /// Change requests so far.
    pub changes: i32,
    /// The latest delivery's day.
    pub delivered_on: Option<NaiveDate>,
    /// What the provider said it delivered.
    pub delivery_note: String,
    /// What the demander asked to change, last time.
    pub change_note: String,
    /// The day it was accepted.
    pub accepted_on: Option<NaiveDate>,
    /// Accepted by the window passing, not by the demander.
    pub deemed: bool,
}

fn to_milestone(m: deal_milestone::Model) -> Result<Milestone, StoreError> {
    Ok(Milestone {
        status: MilestoneStatus::parse(&m.status)
            .ok_or_else(|| corrupt(format!("milestone {} status", m.id), &m.status))?,
        id: m.id,
        deal: m.deal_id,
        seq: m.seq,
        title: m.title,
        due_on: m.due_on,
        amount: m.amount,
        changes: m.changes,
        delivered_on: m.delivered_on,
        delivery_note: m.delivery_note,
        change_note: m.change_note,
        accepted_on: m.accepted_on,
        deemed: m.deemed,
    })
}

/// Replaces a deal's milestones with a quote's (a new quote replaces the last one's).
pub async fn replace_milestones(tx: &Tx, deal: i32, drafts: &[MilestoneDraft]) -> Result<(), StoreError> {
    deal_milestone::Entity::delete_many().filter(deal_milestone::Column::DealId.eq(deal)).exec(tx.conn()).await?;
    let rows: Vec<deal_milestone::ActiveModel> = drafts
        .iter()
        .zip(1..)
        .filter_map(|(m, seq)| {
            Some(deal_milestone::ActiveModel {
                deal_id: Set(deal),
                seq: Set(seq),
                title: Set(m.title.trim().to_owned()),
                due_on: Set(m.due_on?),
                amount: Set(m.amount),
                status: Set(MilestoneStatus::Open.code().to_owned()),
                changes: Set(0),
                delivered_on: Set(None),
                delivery_note: Set(String::new()),
                change_note: Set(String::new()),
                accepted_on: Set(None),
                deemed: Set(false),
                ..Default::default()
            })
        })
        .collect();
    if !rows.is_empty() {
        deal_milestone::Entity::insert_many(rows).exec(tx.conn()).await?;
    }
    Ok(())
}

/// A deal's milestones in order (a quote has at most a handful).
pub async fn milestones(db: &impl Db, deal: i32) -> Result<Vec<Milestone>, StoreError> {
    deal_milestone::Entity::find()
        .filter(deal_milestone::Column::DealId.eq(deal))
        .order_by_asc(deal_milestone::Column::Seq)
        .limit(100)
        .all(db.conn())
        .await?
        .into_iter()
        .map(to_milestone)
        .collect()
}

/// One milestone.
pub async fn get_milestone(db: &impl Db, id: i32) -> Result<Option<Milestone>, StoreError> {
    deal_milestone::Entity::find_by_id(id).one(db.conn()).await?.map(to_milestone).transpose()
}

/// A milestone's move.
#[derive(Debug, Clone, PartialEq)]
pub enum MilestoneMove {
    /// Delivered on a day, with a note.
    Deliver(NaiveDate, String),
    /// Accepted on a day, by the demander (`false`) or the window (`true`).
    Accept(NaiveDate, bool),
    /// Sent back with a change request.
    Changes(String),
}

/// Moves a milestone seen as `seen` (status and change count); false when someone moved it
/// first.
pub async fn move_milestone(tx: &Tx, seen: &Milestone, to: &MilestoneMove) -> Result<bool, StoreError> {
    let mut q = deal_milestone::Entity::update_many();
    q = match to {
        MilestoneMove::Deliver(on, note) => q
            .col_expr(deal_milestone::Column::Status, Expr::value(MilestoneStatus::Delivered.code()))
            .col_expr(deal_milestone::Column::DeliveredOn, Expr::value(*on))
            .col_expr(deal_milestone::Column::DeliveryNote, Expr::value(note.clone())),
        MilestoneMove::Accept(on, deemed) => q
            .col_expr(deal_milestone::Column::Status, Expr::value(MilestoneStatus::Accepted.code()))
            .col_expr(deal_milestone::Column::AcceptedOn, Expr::value(*on))
            .col_expr(deal_milestone::Column::Deemed, Expr::value(*deemed)),
        MilestoneMove::Changes(note) => q
            .col_expr(deal_milestone::Column::Status, Expr::value(MilestoneStatus::Changes.code()))
            .col_expr(deal_milestone::Column::ChangeNote, Expr::value(note.clone()))
            .col_expr(deal_milestone::Column::Changes, Expr::value(seen.changes + 1)),
    };
    let r = q
        .filter(deal_milestone::Column::Id.eq(seen.id))
        .filter(deal_milestone::Column::Status.eq(seen.status.code()))
        .filter(deal_milestone::Column::Changes.eq(seen.changes))
        .exec(tx.conn())
        .await?;
    Ok(r.rows_affected == 1)
}

/// Deliveries made before `before` and still waiting for an answer, with keys above `after`,
/// at most `limit` in key order: the ones whose window has passed.
pub async fn deliveries_before(
    db: &impl Db,
    before: NaiveDate,
    after: i32,
    limit: u64,
) -> Result<Vec<Milestone>, StoreError> {
    deal_milestone::Entity::find()
        .filter(deal_milestone::Column::Status.eq(MilestoneStatus::Delivered.code()))
        .filter(deal_milestone::Column::DeliveredOn.lt(before))
        .filter(deal_milestone::Column::Id.gt(after))
        .order_by_asc(deal_milestone::Column::Id)
        .limit(limit)
        .all(db.conn())
        .await?
        .into_iter()
        .map(to_milestone)
        .collect()
}

/// A dated step of a deal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// What happened (a deal or milestone action's code, `opened`, `deemed` or `rated`).
    pub step: String,
    /// The milestone it concerned.
    pub milestone: Option<i32>,
    /// The reason, note or comment given.
    pub note: String,
    /// Who.
    pub actor: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// Records a step.
pub async fn insert_step(tx: &Tx, deal: i32, step: &Step) -> Result<(), StoreError> {
    deal_step::Entity::insert(deal_step::ActiveModel {
        deal_id: Set(deal),
        step: Set(step.step.clone()),
        milestone_id: Set(step.milestone),
        note: Set(step.note.clone()),
        actor_name: Set(step.actor.clone()),
        at: Set(step.at),
        ..Default::default()
    })
    .exec(tx.conn())
    .await?;
    Ok(())
}

/// A deal's steps, oldest first (a deal has dozens; at most 500 are read).
pub async fn steps(db: &impl Db, deal: i32) -> Result<Vec<Step>, StoreError> {
    Ok(deal_step::Entity::find()
        .filter(deal_step::Column::DealId.eq(deal))
        .order_by_asc(deal_step::Column::Id)
        .limit(500)
        .all(db.conn())
        .await?
        .into_iter()
        .map(|m| Step { step: m.step, milestone: m.milestone_id, note: m.note, actor: m.actor_name, at: m.at })
        .collect())
}

/// A rating one side gave the other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rating {
    /// The side that rated.
    pub side: DealSide,
    /// 1–5.
    pub score: i32,
    /// What they said.
    pub comment: String,
    /// Who.
    pub by: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// Records a rating; a second one from the same side is a duplicate.
pub async fn insert_rating(tx: &Tx, deal: i32, r: &Rating) -> Result<(), StoreError> {
    deal_rating::Entity::insert(deal_rating::ActiveModel {
        deal_id: Set(deal),
        side: Set(r.side.code().to_owned()),
        score: Set(r.score),
        comment: Set(r.comment.clone()),
        rated_by: Set(r.by.clone()),
        created_at: Set(r.at),
        ..Default::default()
    })
    .exec(tx.conn())
    .await?;
    Ok(())
}

/// A deal's ratings (at most one per side).
pub async fn ratings(db: &impl Db, deal: i32) -> Result<Vec<Rating>, StoreError> {
    deal_rating::Entity::find()
        .filter(deal_rating::Column::DealId.eq(deal))
        .order_by_asc(deal_rating::Column::Id)
        .all(db.conn())
        .await?
        .into_iter()
        .map(|m| {
            Ok(Rating {
                side: DealSide::parse(&m.side).ok_or_else(|| corrupt("deal rating side", &m.side))?,
                score: m.score,
                comment: m.comment,
                by: m.rated_by,
                at: m.created_at,
            })
        })
        .collect()
}

/// Providers' deals their clients rated at least `at_least`: counts by providing organization
/// and by designer account (deals without an organization).
pub async fn well_rated(
    db: &impl Db,
    at_least: i32,
) -> Result<(BTreeMap<OrganizationId, u32>, BTreeMap<AccountId, u32>), StoreError> {
    let mut good = Query::select();
    good.column(deal_rating::Column::DealId)
        .from(deal_rating::Entity)
        .and_where(deal_rating::Column::Side.eq(DealSide::Demander.code()))
        .and_where(deal_rating::Column::Score.gte(at_least));
    let rows: Vec<(Option<i32>, i32)> = deal::Entity::find()
        .select_only()
        .column(deal::Column::ProviderOrg)
        .column(deal::Column::ProviderAccount)
        .filter(deal::Column::Id.in_subquery(good))
        .into_tuple()
        .all(db.conn())
        .await?;
    let (mut orgs, mut accounts) = (BTreeMap::new(), BTreeMap::new());
    for (org, account) in rows {
        match org {
            Some(o) => *orgs.entry(OrganizationId(o)).or_insert(0) += 1,
            None => *accounts.entry(AccountId(account)).or_insert(0) += 1,
        }
    }
    Ok((orgs, accounts))
}

/// What waits for a party: leads to quote (as provider), quotes to answer and deliveries to
/// accept (as demander), milestones to deliver again (as provider).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Waiting {
    /// Leads the party is to quote.
    pub to_quote: u64,
    /// Quotes the party is to sign or send back.
    pub to_sign: u64,
    /// Deliveries the party is to accept or send back.
    pub to_accept: u64,
    /// Milestones sent back to the party.
    pub to_redo: u64,
}

/// Counts what waits for a party (see [`Waiting`]).
pub async fn waiting(
    db: &impl Db,
    organization: Option<OrganizationId>,
    account: Option<AccountId>,
) -> Result<Waiting, StoreError> {
    let provider = {
        let mut cond = Condition::any();
        if let Some(o) = organization {
            cond = cond.add(deal::Column::ProviderOrg.eq(o.get()));
        }
        if let Some(a) = account {
            cond = cond.add(
                Condition::all()
                    .add(deal::Column::ProviderAccount.eq(a.get()))
                    .add(deal::Column::ProviderOrg.is_null()),
            );
        }
        (!cond.is_empty()).then_some(cond)
    };
    let demander = organization.map(|o| Condition::all().add(deal::Column::DemanderOrg.eq(o.get())));
    let count_deals = |cond: Condition, status: DealStatus| {
        deal::Entity::find().filter(cond).filter(deal::Column::Status.eq(status.code()))
    };
    let milestone_deals = |cond: Condition, status: MilestoneStatus| {
        let mut deals = Query::select();
        deals
            .column(deal::Column::Id)
            .from(deal::Entity)
            .cond_where(cond)
            .and_where(deal::Column::Status.eq(DealStatus::Contracted.code()));
        deal_milestone::Entity::find()
            .filter(deal_milestone::Column::Status.eq(status.code()))
            .filter(deal_milestone::Column::DealId.in_subquery(deals))
    };
    use sea_orm::PaginatorTrait;
    let mut w = Waiting::default();
    if let Some(p) = provider {
        w.to_quote = count_deals(p.clone(), DealStatus::Lead).count(db.conn()).await?;
        w.to_redo = milestone_deals(p, MilestoneStatus::Changes).count(db.conn()).await?;
    }
    if let Some(d) = demander {
        w.to_sign = count_deals(d.clone(), DealStatus::Quoted).count(db.conn()).await?;
        w.to_accept = milestone_deals(d, MilestoneStatus::Delivered).count(db.conn()).await?;
    }
    Ok(w)
}

/// Disputes at `stage` in `districts` (all when `None`).
pub async fn disputes_at(
    db: &impl Db,
    stage: DisputeStage,
    districts: Option<&[DistrictId]>,
) -> Result<u64, StoreError> {
    let mut q = deal::Entity::find()
        .filter(deal::Column::Status.eq(DealStatus::Disputed.code()))
        .filter(deal::Column::DisputeStage.eq(stage.code()));
    if let Some(d) = districts {
        q = q.filter(deal::Column::DistrictId.is_in(d.iter().map(|x| x.get())));
    }
    Ok(sea_orm::PaginatorTrait::count(q, db.conn()).await?)
}
