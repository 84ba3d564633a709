//! Events: the event, its registrations, the 对接会 wishes and the meetings of its schedule.
//! An event's moves are guarded by its version; seats are counted inside the transaction
//! after the event's row is locked, so two registrations for the last seat get one seat and
//! one place on the waitlist.

pub mod entity;
pub mod migration;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use sheji_core::event::schedule::Wish;
use sheji_core::event::{EventKind, EventStatus, Outcome, RegStatus, ScheduleStatus};
use sheji_core::ids::{AccountId, DistrictId, OrganizationId};
use sheji_core::page::{Page, PageRequest};

use crate::entity::{event, event_meeting, event_registration, event_wish};
use crate::{Db, StoreError, Tx};

fn corrupt(what: impl Into<String>, detail: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt { what: what.into(), detail: detail.to_string() }
}

/// An event as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Key.
    pub id: i32,
    /// Its kind.
    pub kind: EventKind,
    /// Its title.
    pub title: String,
    /// The organizing branch's district (none: the city or HQ).
    pub district: Option<DistrictId>,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End.
    pub ends_at: DateTime<Utc>,
    /// Address.
    pub place: String,
    /// Online link.
    pub link: String,
    /// Seats.
    pub capacity: i32,
    /// Registrations wait for validation.
    pub validation: bool,
    /// Description.
    pub description: String,
    /// 对接会 slots.
    pub slots: Option<i32>,
    /// 对接会 minutes a slot.
    pub slot_minutes: Option<i32>,
    /// 对接会 tables.
    pub tables: Option<i32>,
    /// Where it stands.
    pub status: EventStatus,
    /// Where its schedule stands.
    pub schedule: ScheduleStatus,
    /// Guard of concurrent moves.
    pub version: i32,
    /// Who created it.
    pub created_by: String,
}

fn to_event(m: event::Model) -> Result<Event, StoreError> {
    let bad = |what: &str, v: &str| corrupt(format!("event {} {what}", m.id), v);
    Ok(Event {
        kind: EventKind::parse(&m.kind).ok_or_else(|| bad("kind", &m.kind))?,
        status: EventStatus::parse(&m.status).ok_or_else(|| bad("status", &m.status))?,
        schedule: ScheduleStatus::parse(&m.schedule_status).ok_or_else(|| bad("schedule", &m.schedule_status))?,
        id: m.id,
        title: m.title,
        district: m.district_id.map(DistrictId),
        starts_at: m.starts_at,
        ends_at: m.ends_at,
        place: m.place,
        link: m.link,
        capacity: m.capacity,
        validation: m.validation,
        description: m.description,
        slots: m.slots,
        slot_minutes: m.slot_minutes,
        tables: m.tables,
        version: m.version,
        created_by: m.created_by,
    })
}

/// An event's fields as written (validated by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventFields {
    /// Kind.
    pub kind: EventKind,
    /// Title.
    pub title: String,
    /// District.
    pub district: Option<DistrictId>,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End.
    pub ends_at: DateTime<Utc>,
    /// Address.
    pub place: String,
    /// Link.
    pub link: String,
    /// Seats.
    pub capacity: i32,
    /// Validation.
    pub validation: bool,
    /// Description.
    pub description: String,
    /// Slots.
    pub slots: Option<i32>,
    /// Minutes a slot.
    pub slot_minutes: Option<i32>,
    /// Tables.
    pub tables: Option<i32>,
}

/// Creates a draft event.
pub async fn insert_event(tx: &Tx, f: &EventFields, by: &str, now: DateTime<Utc>) -> Result<i32, StoreError> {
    let r = event::Entity::insert(event::ActiveModel {
        kind: Set(f.kind.code().to_owned()),
        title: Set(f.title.clone()),
        district_id: Set(f.district.map(|d| d.get())),
        starts_at: Set(f.starts_at),
        ends_at: Set(f.ends_at),
        place: Set(f.place.clone()),
        link: Set(f.link.clone()),
        capacity: Set(f.capacity),
        validation: Set(f.validation),
        description: Set(f.description.clone()),
        slots: Set(f.slots),
        slot_minutes: Set(f.slot_minutes),
        tables: Set(f.tables),
        status: Set(EventStatus::Draft.code().to_owned()),
        schedule_status: Set(ScheduleStatus::None.code().to_owned()),
        version: Set(1),
        created_by: Set(by.to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec(tx.conn())
    .await?;
    Ok(r.last_insert_id)
}

/// Rewrites an event's fields, seen at `version`; false when someone moved it first.
pub async fn update_event(
    tx: &Tx,
    id: i32,
    version: i32,
    f: &EventFields,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let r = event::Entity::update_many()
        .col_expr(event::Column::Kind, Expr::value(f.kind.code()))
        .col_expr(event::Column::Title, Expr::value(f.title.clone()))
        .col_expr(event::Column::DistrictId, Expr::value(f.district.map(|d| d.get())))
        .col_expr(event::Column::StartsAt, Expr::value(f.starts_at))
        .col_expr(event::Column::EndsAt, Expr::value(f.ends_at))
        .col_expr(event::Column::Place, Expr::value(f.place.clone()))
        .col_expr(event::Column::Link, Expr::value(f.link.clone()))
        .col_expr(event::Column::Capacity, Expr::value(f.capacity))
        .col_expr(event::Column::Validation, Expr::value(f.validation))
        .col_expr(event::Column::Description, Expr::value(f.description.clone()))
        .col_expr(event::Column::Slots, Expr::value(f.slots))
        .col_expr(event::Column::SlotMinutes, Expr::value(f.slot_minutes))
        .col_expr(event::Column::Tables, Expr::value(f.tables))
        .col_expr(event::Column::Version, Expr::value(version + 1))
        .col_expr(event::Column::UpdatedAt, Expr::value(now))
        .filter(event::Column::Id.eq(id))
        .filter(event::Column::Version.eq(version))
        .exec(tx.conn())
        .await?;
    Ok(r.rows_affected == 1)
}

/// One event.
pub async fn get_event(db: &impl Db, id: i32) -> Result<Option<Event>, StoreError> {
    event::Entity::find_by_id(id).one(db.conn()).await?.map(to_event).transpose()
}

/// The titles of these events (at most 200), by key, in one read.
pub async fn titles(db: &impl Db, ids: &[i32]) -> Result<BTreeMap<i32, String>, StoreError> {
    let ids: Vec<i32> = ids.iter().copied().take(200).collect();
    let rows: Vec<(i32, String)> = event::Entity::find()
        .select_only()
        .column(event::Column::Id)
        .column(event::Column::Title)
        .filter(event::Column::Id.is_in(ids))
        .into_tuple()
        .all(db.conn())
        .await?;
    Ok(rows.into_iter().collect())
}

/// Moves an event seen at `version`: its status and/or its schedule's; false when someone
/// moved it first.
pub async fn move_event(
    tx: &Tx,
    id: i32,
    version: i32,
    status: Option<EventStatus>,
    schedule: Option<ScheduleStatus>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let mut q = event::Entity::update_many()
        .col_expr(event::Column::Version, Expr::value(version + 1))
        .col_expr(event::Column::UpdatedAt, Expr::value(now));
    if let Some(s) = status {
        q = q.col_expr(event::Column::Status, Expr::value(s.code()));
    }
    if let Some(s) = schedule {
        q = q.col_expr(event::Column::ScheduleStatus, Expr::value(s.code()));
    }
    let r = q.filter(event::Column::Id.eq(id)).filter(event::Column::Version.eq(version)).exec(tx.conn()).await?;
    Ok(r.rows_affected == 1)
}

/// Takes the event's row lock for the rest of the transaction (seat counts then run one at a
/// time) without counting as a move.
pub async fn lock_event(tx: &Tx, id: i32, now: DateTime<Utc>) -> Result<(), StoreError> {
    event::Entity::update_many()
        .col_expr(event::Column::UpdatedAt, Expr::value(now))
        .filter(event::Column::Id.eq(id))
        .exec(tx.conn())
        .await?;
    Ok(())
}

/// Which events a list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventFilter {
    /// Only these states (all when empty).
    pub statuses: Vec<EventStatus>,
    /// Only of this kind.
    pub kind: Option<EventKind>,
}

/// A page of events, soonest first.
pub async fn list_events(db: &impl Db, f: &EventFilter, page: PageRequest) -> Result<Page<Event>, StoreError> {
    let mut q = event::Entity::find();
    if !f.statuses.is_empty() {
        q = q.filter(event::Column::Status.is_in(f.statuses.iter().map(|s| s.code())));
    }
    if let Some(k) = f.kind {
        q = q.filter(event::Column::Kind.eq(k.code()));
    }
    let q = q.order_by_desc(event::Column::StartsAt).order_by_desc(event::Column::Id);
    crate::page_of(db, q, page, to_event).await
}

/// Events starting between two instants in these states (the reminder job), at most 500.
pub async fn starting_between(db: &impl Db, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<Event>, StoreError> {
    event::Entity::find()
        .filter(event::Column::Status.is_in([EventStatus::Open.code(), EventStatus::Closed.code()]))
        .filter(event::Column::StartsAt.gte(from))
        .filter(event::Column::StartsAt.lt(to))
        .order_by_asc(event::Column::StartsAt)
        .limit(500)
        .all(db.conn())
        .await?
        .into_iter()
        .map(to_event)
        .collect()
}

/// A registration as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    /// Key.
    pub id: i32,
    /// Its event.
    pub event: i32,
    /// Who registered.
    pub account: AccountId,
    /// For which organization, if any.
    pub organization: Option<OrganizationId>,
    /// The name shown to the organizer and other participants.
    pub name: String,
    /// Where it stands.
    pub status: RegStatus,
    /// The ticket code (in the QR code).
    pub ticket: String,
    /// What the registrant wrote.
    pub note: String,
    /// 对接会 slots they are away for (numbers from 1).
    pub away: Vec<i32>,
    /// Why it was refused.
    pub reason: Option<String>,
    /// What they asked to change in the provisional schedule.
    pub change_request: String,
    /// When they checked in.
    pub checked_in_at: Option<DateTime<Utc>>,
    /// Confirmed but did not come.
    pub no_show: bool,
    /// When they registered.
    pub created_at: DateTime<Utc>,
}

fn to_registration(m: event_registration::Model) -> Result<Registration, StoreError> {
    Ok(Registration {
        status: RegStatus::parse(&m.status).ok_or_else(|| corrupt(format!("registration {}", m.id), &m.status))?,
        away: m.away.split(',').filter_map(|s| s.trim().parse().ok()).collect(),
        id: m.id,
        event: m.event_id,
        account: AccountId(m.account_id),
        organization: m.organization_id.map(OrganizationId),
        name: m.name,
        ticket: m.ticket,
        note: m.note,
        reason: m.reason,
        change_request: m.change_request,
        checked_in_at: m.checked_in_at,
        no_show: m.no_show,
        created_at: m.created_at,
    })
}

/// A new registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRegistration {
    /// The event.
    pub event: i32,
    /// Who.
    pub account: AccountId,
    /// For which organization.
    pub organization: Option<OrganizationId>,
    /// Shown name.
    pub name: String,
    /// Where it starts.
    pub status: RegStatus,
    /// Ticket code.
    pub ticket: String,
    /// Note.
    pub note: String,
    /// Slots away.
    pub away: Vec<i32>,
}

/// Records a registration; a second one of the same account is a duplicate.
pub async fn insert_registration(tx: &Tx, r: &NewRegistration, now: DateTime<Utc>) -> Result<i32, StoreError> {
    let away = r.away.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(",");
    let res = event_registration::Entity::insert(event_registration::ActiveModel {
        event_id: Set(r.event),
        account_id: Set(r.account.get()),
        organization_id: Set(r.organization.map(|o| o.get())),
        name: Set(r.name.clone()),
        status: Set(r.status.code().to_owned()),
        ticket: Set(r.ticket.clone()),
        note: Set(r.note.clone()),
        away: Set(away),
        reason: Set(None),
        change_request: Set(String::new()),
        checked_in_at: Set(None),
        no_show: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec(tx.conn())
    .await?;
    Ok(res.last_insert_id)
}

/// One registration.
pub async fn get_registration(db: &impl Db, id: i32) -> Result<Option<Registration>, StoreError> {
    event_registration::Entity::find_by_id(id).one(db.conn()).await?.map(to_registration).transpose()
}

/// The registration holding a ticket.
pub async fn by_ticket(db: &impl Db, ticket: &str) -> Result<Option<Registration>, StoreError> {
    event_registration::Entity::find()
        .filter(event_registration::Column::Ticket.eq(ticket))
        .one(db.conn())
        .await?
        .map(to_registration)
        .transpose()
}

/// An account's registration for an event.
pub async fn registration_of(db: &impl Db, event: i32, account: AccountId) -> Result<Option<Registration>, StoreError> {
    event_registration::Entity::find()
        .filter(event_registration::Column::EventId.eq(event))
        .filter(event_registration::Column::AccountId.eq(account.get()))
        .one(db.conn())
        .await?
        .map(to_registration)
        .transpose()
}

/// Registrations of an event in a state, by arrival, leaving out `except` (oneself).
pub async fn registrations(
    db: &impl Db,
    event: i32,
    status: Option<RegStatus>,
    except: Option<i32>,
    page: PageRequest,
) -> Result<Page<Registration>, StoreError> {
    let mut q = event_registration::Entity::find().filter(event_registration::Column::EventId.eq(event));
    if let Some(s) = status {
        q = q.filter(event_registration::Column::Status.eq(s.code()));
    }
    if let Some(me) = except {
        q = q.filter(event_registration::Column::Id.ne(me));
    }
    crate::page_of(db, q.order_by_asc(event_registration::Column::Id), page, to_registration).await
}

/// Every confirmed registration of an event (the 对接会 participants; at most 5 000).
pub async fn confirmed(db: &impl Db, event: i32) -> Result<Vec<Registration>, StoreError> {
    event_registration::Entity::find()
        .filter(event_registration::Column::EventId.eq(event))
        .filter(event_registration::Column::Status.eq(RegStatus::Confirmed.code()))
        .order_by_asc(event_registration::Column::Id)
        .limit(sheji_core::event::MAX_CAPACITY as u64)
        .all(db.conn())
        .await?
        .into_iter()
        .map(to_registration)
        .collect()
}

/// Registrations of an event by state.
pub async fn counts(db: &impl Db, event: i32) -> Result<BTreeMap<RegStatus, i64>, StoreError> {
    let rows: Vec<(String, i64)> = event_registration::Entity::find()
        .select_only()
        .column(event_registration::Column::Status)
        .column_as(event_registration::Column::Id.count(), "n")
        .filter(event_registration::Column::EventId.eq(event))
        .group_by(event_registration::Column::Status)
        .into_tuple()
        .all(db.conn())
        .await?;
    let mut out = BTreeMap::new();
    for (s, n) in rows {
        out.insert(RegStatus::parse(&s).ok_or_else(|| corrupt("registration status", &s))?, n);
    }
    Ok(out)
}

/// Checked-in registrations of an event.
pub async fn checked_in(db: &impl Db, event: i32) -> Result<u64, StoreError> {
    let q = event_registration::Entity::find()
        .filter(event_registration::Column::EventId.eq(event))
        .filter(event_registration::Column::CheckedInAt.is_not_null());
    Ok(sea_orm::PaginatorTrait::count(q, db.conn()).await?)
}

/// Moves a registration from `from` to `to` (with a reason when refusing); false when it was
/// not in `from`.
pub async fn move_registration(
    tx: &Tx,
    id: i32,
    from: RegStatus,
    to: RegStatus,
    reason: Option<String>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let r = event_registration::Entity::update_many()
        .col_expr(event_registration::Column::Status, Expr::value(to.code()))
        .col_expr(event_registration::Column::Reason, Expr::value(reason))
        .col_expr(event_registration::Column::UpdatedAt, Expr::value(now))
        .filter(event_registration::Column::Id.eq(id))
        .filter(event_registration::Column::Status.eq(from.code()))
        .exec(tx.conn())
        .await?;
    Ok(r.rows_affected == 1)
}

/// The first registration on the waitlist.
pub async fn first_waiting(db: &impl Db, event: i32) -> Result<Option<Registration>, StoreError> {
    event_registration::Entity::find()
        .filter(event_registration::Column::EventId.eq(event))
        .filter(event_registration::Column::Status.eq(RegStatus::Waitlisted.code()))
        .order_by_asc(event_registration::Column::Id)
        .one(db.conn())
        .await?
        .map(to_registration)
        .transpose()
}

/// Checks a registration in, once; false when it already was.
pub async fn check_in(tx: &Tx, id: i32, now: DateTime<Utc>) -> Result<bool, StoreError> {
    let r = event_registration::Entity::update_many()
        .col_expr(event_registration::Column::CheckedInAt, Expr::value(now))
        .col_expr(event_registration::Column::UpdatedAt, Expr::value(now))
        .filter(event_registration::Column::Id.eq(id))
        .filter(event_registration::Column::CheckedInAt.is_null())
        .exec(tx.conn())
        .await?;
    Ok(r.rows_affected == 1)
}

/// Marks the confirmed registrations that never checked in as no-shows; how many.
pub async fn mark_no_shows(tx: &Tx, event: i32, now: DateTime<Utc>) -> Result<u64, StoreError> {
    let r = event_registration::Entity::update_many()
        .col_expr(event_registration::Column::NoShow, Expr::value(true))
        .col_expr(event_registration::Column::UpdatedAt, Expr::value(now))
        .filter(event_registration::Column::EventId.eq(event))
        .filter(event_registration::Column::Status.eq(RegStatus::Confirmed.code()))
        .filter(event_registration::Column::CheckedInAt.is_null())
        .exec(tx.conn())
        .await?;
    Ok(r.rows_affected)
}

/// Records a participant's change request to the provisional schedule.
pub async fn set_change_request(tx: &Tx, id: i32, text: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
    event_registration::Entity::update_many()
        .col_expr(event_registration::Column::ChangeRequest, Expr::value(text))
        .col_expr(event_registration::Column::UpdatedAt, Expr::value(now))
        .filter(event_registration::Column::Id.eq(id))
        .exec(tx.conn())
        .await?;
    Ok(())
}

/// A participant's wishes about others: other registration → wish.
pub async fn wishes_of(db: &impl Db, from: i32) -> Result<BTreeMap<i32, Wish>, StoreError> {
    let rows = event_wish::Entity::find().filter(event_wish::Column::FromReg.eq(from)).all(db.conn()).await?;
    rows.into_iter().map(|m| Ok((m.to_reg, Wish::parse(&m.wish).ok_or_else(|| corrupt("wish", &m.wish))?))).collect()
}

/// Every wish of an event: (from, to, wish).
pub async fn wishes(db: &impl Db, event: i32) -> Result<Vec<(i32, i32, Wish)>, StoreError> {
    let rows = event_wish::Entity::find().filter(event_wish::Column::EventId.eq(event)).all(db.conn()).await?;
    rows.into_iter()
        .map(|m| Ok((m.from_reg, m.to_reg, Wish::parse(&m.wish).ok_or_else(|| corrupt("wish", &m.wish))?)))
        .collect()
}

/// Sets a participant's wishes about the given others (`None` clears one).
pub async fn set_wishes(tx: &Tx, event: i32, from: i32, wishes: &[(i32, Option<Wish>)]) -> Result<(), StoreError> {
    let targets: Vec<i32> = wishes.iter().map(|(t, _)| *t).collect();
    if targets.is_empty() {
        return Ok(());
    }
    event_wish::Entity::delete_many()
        .filter(event_wish::Column::FromReg.eq(from))
        .filter(event_wish::Column::ToReg.is_in(targets))
        .exec(tx.conn())
        .await?;
    let rows: Vec<event_wish::ActiveModel> = wishes
        .iter()
        .filter_map(|(to, w)| {
            w.map(|w| event_wish::ActiveModel {
                event_id: Set(event),
                from_reg: Set(from),
                to_reg: Set(*to),
                wish: Set(w.code().to_owned()),
                ..Default::default()
            })
        })
        .collect();
    if !rows.is_empty() {
        event_wish::Entity::insert_many(rows).exec(tx.conn()).await?;
    }
    Ok(())
}

/// A meeting of a schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingRow {
    /// Key.
    pub id: i32,
    /// Slot, from 0.
    pub slot: i32,
    /// Table, from 0.
    pub table: i32,
    /// One side's registration.
    pub a: i32,
    /// The other's.
    pub b: i32,
    /// 必见 wishes it meets.
    pub musts: i32,
    /// 想见 wishes it meets.
    pub wants: i32,
    /// What `a` recorded.
    pub outcome_a: Option<Outcome>,
    /// What `b` recorded.
    pub outcome_b: Option<Outcome>,
    /// `a`'s note.
    pub note_a: String,
    /// `b`'s note.
    pub note_b: String,
}

fn to_meeting(m: event_meeting::Model) -> MeetingRow {
    MeetingRow {
        id: m.id,
        slot: m.slot,
        table: m.table_no,
        a: m.a_reg,
        b: m.b_reg,
        musts: m.musts,
        wants: m.wants,
        outcome_a: m.outcome_a.as_deref().and_then(Outcome::parse),
        outcome_b: m.outcome_b.as_deref().and_then(Outcome::parse),
        note_a: m.note_a,
        note_b: m.note_b,
    }
}

/// Replaces an event's meetings with a new schedule's: (slot, table, a, b, musts, wants).
pub async fn replace_meetings(
    tx: &Tx,
    event: i32,
    meetings: &[(i32, i32, i32, i32, i32, i32)],
) -> Result<(), StoreError> {
    event_meeting::Entity::delete_many().filter(event_meeting::Column::EventId.eq(event)).exec(tx.conn()).await?;
    for chunk in meetings.chunks(500) {
        let rows: Vec<event_meeting::ActiveModel> = chunk
            .iter()
            .map(|&(slot, table, a, b, musts, wants)| event_meeting::ActiveModel {
                event_id: Set(event),
                slot: Set(slot),
                table_no: Set(table),
                a_reg: Set(a),
                b_reg: Set(b),
                musts: Set(musts),
                wants: Set(wants),
                outcome_a: Set(None),
                outcome_b: Set(None),
                note_a: Set(String::new()),
                note_b: Set(String::new()),
                ..Default::default()
            })
            .collect();
        event_meeting::Entity::insert_many(rows).exec(tx.conn()).await?;
    }
    Ok(())
}

/// The meetings of one participant, by slot.
pub async fn meetings_of(db: &impl Db, event: i32, reg: i32) -> Result<Vec<MeetingRow>, StoreError> {
    Ok(event_meeting::Entity::find()
        .filter(event_meeting::Column::EventId.eq(event))
        .filter(Condition::any().add(event_meeting::Column::AReg.eq(reg)).add(event_meeting::Column::BReg.eq(reg)))
        .order_by_asc(event_meeting::Column::Slot)
        .limit(100)
        .all(db.conn())
        .await?
        .into_iter()
        .map(to_meeting)
        .collect())
}

/// A page of an event's meetings, by slot and table.
pub async fn meetings(db: &impl Db, event: i32, page: PageRequest) -> Result<Page<MeetingRow>, StoreError> {
    let q = event_meeting::Entity::find()
        .filter(event_meeting::Column::EventId.eq(event))
        .order_by_asc(event_meeting::Column::Slot)
        .order_by_asc(event_meeting::Column::TableNo);
    crate::page_of(db, q, page, |m| Ok(to_meeting(m))).await
}

/// One meeting.
pub async fn get_meeting(db: &impl Db, id: i32) -> Result<Option<(i32, MeetingRow)>, StoreError> {
    Ok(event_meeting::Entity::find_by_id(id).one(db.conn()).await?.map(|m| (m.event_id, to_meeting(m))))
}

/// Records one side's outcome of a meeting.
pub async fn record_outcome(tx: &Tx, id: i32, side_a: bool, outcome: Outcome, note: &str) -> Result<(), StoreError> {
    let (o, n) = if side_a {
        (event_meeting::Column::OutcomeA, event_meeting::Column::NoteA)
    } else {
        (event_meeting::Column::OutcomeB, event_meeting::Column::NoteB)
    };
    event_meeting::Entity::update_many()
        .col_expr(o, Expr::value(outcome.code()))
        .col_expr(n, Expr::value(note))
        .filter(event_meeting::Column::Id.eq(id))
        .exec(tx.conn())
        .await?;
    Ok(())
}
