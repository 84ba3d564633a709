//! Events (活动): staff with `event.manage` create events for their districts (the city and HQ
//! anywhere) and run them; anyone signed in registers — validated by the organizer when the
//! event asks for it, seated while seats last and waitlisted after (a withdrawal seats the
//! first in line); a QR ticket is checked in once at the door; finishing an event marks the
//! confirmed who never came as no-shows. A 对接会's confirmed participants mark each other
//! 必见 / 想见 / 不见; the organizer builds the 1:1 schedule (provisional, open to change
//! requests, then final), and after each meeting both sides record how it went.

pub(crate) mod demo;

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use serde_json::json;
use sheji_core::event::schedule::{self as solver, Instance, Wish};
use sheji_core::event::{
    self as core, EventAction, EventDraft, EventKind, EventStatus, Outcome, RegStatus, ScheduleStatus,
};
use sheji_core::identity::{Permission, Principal, Role};
use sheji_core::ids::{DistrictId, OrganizationId};
use sheji_core::notification::{MessageKind, Todo};
use sheji_core::page::{Page, PageRequest};
use sheji_store::event as store;
pub use sheji_store::event::{Event, EventFilter, MeetingRow, Registration};

use crate::audit::{Actor, Change};
use crate::clip;
use crate::notification::{Audience, Note};
use crate::work::Work;
use crate::{FieldError, ServiceError, Services};

fn not_found() -> ServiceError {
    ServiceError::NotFound { key: "event.no_event" }
}

/// Beijing local time (UTC+8 all year, no daylight saving) to an instant.
pub fn from_local(t: NaiveDateTime) -> DateTime<Utc> {
    Utc.from_utc_datetime(&(t - chrono::Duration::hours(8)))
}

/// An instant as Beijing local time.
pub fn to_local(t: DateTime<Utc>) -> NaiveDateTime {
    (t + chrono::Duration::hours(8)).naive_utc()
}

/// Whether the caller runs events at all.
pub fn may_manage(services: &Services, caller: &Principal) -> bool {
    !caller.scope(Permission::EventManage, services.now()).is_none()
}

/// Whether the caller runs this event: their scope reaches its district (an event of no
/// district is the city's: city-wide scope only).
pub fn manages(services: &Services, caller: Option<&Principal>, e: &Event) -> bool {
    caller.is_some_and(|c| {
        let scope = c.scope(Permission::EventManage, services.now());
        scope.all || e.district.is_some_and(|d| scope.covers(Some(d), None))
    })
}

/// The districts the caller may organize events for (all active ones for city-wide staff), and
/// whether they may also organize the city's own (of no district).
pub async fn districts_for(
    services: &Services,
    caller: &Principal,
) -> Result<(Vec<(DistrictId, String)>, bool), ServiceError> {
    let scope = caller.scope(Permission::EventManage, services.now());
    let all = sheji_store::reference::list_active_districts(services.store()).await?;
    Ok((
        all.into_iter().filter(|d| scope.all || scope.covers(Some(d.id), None)).map(|d| (d.id, d.name)).collect(),
        scope.all,
    ))
}

/// The districts the caller may organize for: `None` when any (and none, the city's own).
fn own_districts(services: &Services, caller: &Principal) -> Option<Vec<DistrictId>> {
    let scope = caller.scope(Permission::EventManage, services.now());
    (!scope.all).then(|| scope.districts.iter().copied().collect())
}

/// Every problem with an event's fields, with the district checked against the caller's scope.
pub fn event_problems(
    services: &Services,
    caller: &Principal,
    d: &EventDraft,
    district: Option<DistrictId>,
) -> Vec<FieldError> {
    let mut out: Vec<FieldError> = core::check_event(d).into_iter().map(|(f, k)| FieldError::new(f, k)).collect();
    if let Some(mine) = own_districts(services, caller)
        && !district.is_some_and(|x| mine.contains(&x))
    {
        out.push(FieldError::new("district", "event.district_own"));
    }
    if d.starts_at.is_some_and(|s| from_local(s) < services.now()) {
        out.push(FieldError::new("starts_at", "event.start_past"));
    }
    out
}

/// An event's stored fields from what staff wrote (checked already).
fn fields_of(d: &EventDraft, district: Option<DistrictId>) -> Result<store::EventFields, ServiceError> {
    let (Some(kind), Some(starts), Some(ends), Some(capacity)) = (d.kind, d.starts_at, d.ends_at, d.capacity) else {
        return Err(ServiceError::Fields(vec![FieldError::new("kind", "event.kind_required")]));
    };
    let matchmaking = kind == EventKind::Matchmaking;
    Ok(store::EventFields {
        kind,
        title: d.title.trim().to_owned(),
        district,
        starts_at: from_local(starts),
        ends_at: from_local(ends),
        place: d.place.trim().to_owned(),
        link: d.link.trim().to_owned(),
        capacity,
        validation: d.validation,
        description: d.description.trim().to_owned(),
        slots: d.slots.filter(|_| matchmaking),
        slot_minutes: d.slot_minutes.filter(|_| matchmaking),
        tables: d.tables.filter(|_| matchmaking),
    })
}

/// The form's values of a stored event.
pub fn draft_of(e: &Event) -> EventDraft {
    EventDraft {
        kind: Some(e.kind),
        title: e.title.clone(),
        starts_at: Some(to_local(e.starts_at)),
        ends_at: Some(to_local(e.ends_at)),
        place: e.place.clone(),
        link: e.link.clone(),
        capacity: Some(e.capacity),
        validation: e.validation,
        description: e.description.clone(),
        slots: e.slots,
        slot_minutes: e.slot_minutes,
        tables: e.tables,
    }
}

/// Changes an event that has not ended: its capacity not below the seats taken (a larger one
/// seats the waitlist in order), its 对接会 settings fixed once a schedule exists; confirmed
/// registrants are told when the time or the place changes.
pub async fn update_event(
    services: &Services,
    caller: &Principal,
    id: i32,
    d: &EventDraft,
    district: Option<DistrictId>,
    ip: &str,
) -> Result<(), ServiceError> {
    let v = event(services, Some(caller), id).await?;
    if !v.manages {
        return Err(ServiceError::Forbidden);
    }
    let e = v.event;
    if matches!(e.status, EventStatus::Done | EventStatus::Cancelled) {
        return Err(ServiceError::Conflict { key: "event.action_closed" });
    }
    let mut problems: Vec<FieldError> = event_problems(services, caller, d, district)
        .into_iter()
        // A start already past may stay as it was (an event under way is corrected, not moved).
        .filter(|p| !(p.key == "event.start_past" && d.starts_at.map(from_local) == Some(e.starts_at)))
        .collect();
    let seated = v.counts.get(&RegStatus::Confirmed).copied().unwrap_or(0);
    if d.capacity.is_some_and(|c| i64::from(c) < seated) {
        problems.push(FieldError {
            field: "capacity",
            key: "event.capacity_below_seated",
            args: vec![("n", seated.to_string())],
        });
    }
    let settled = (d.kind, d.slots, d.slot_minutes, d.tables) != (Some(e.kind), e.slots, e.slot_minutes, e.tables);
    if e.schedule != ScheduleStatus::None && settled {
        problems.push(FieldError::new("slots", "event.schedule_exists"));
    }
    if !problems.is_empty() {
        return Err(ServiceError::Fields(problems));
    }
    let f = fields_of(d, district)?;
    let moved = f.starts_at != e.starts_at || f.ends_at != e.ends_at || f.place != e.place || f.link != e.link;
    let tx = Work::begin(services).await?;
    if !store::update_event(&tx, id, e.version, &f, tx.now()).await? {
        return Err(ServiceError::Conflict { key: "event.moved_meanwhile" });
    }
    let updated = Event { capacity: f.capacity, ..e.clone() };
    for _ in seated..i64::from(f.capacity) {
        if store::first_waiting(&tx, id).await?.is_none() {
            break;
        }
        promote(&tx, &updated).await?;
    }
    if moved {
        let note = Note {
            kind: MessageKind::Progressed,
            key: "event.msg.changed",
            args: vec![
                ("title", f.title.clone()),
                ("at", to_local(f.starts_at).format("%Y-%m-%d %H:%M").to_string()),
                ("place", sheji_core::event::venue(&f.place, &f.link).to_owned()),
            ],
            href: format!("/events/{id}"),
            once: None,
        };
        tell_confirmed(&tx, id, &note).await?;
    }
    let change = Change {
        action: "event.edit",
        target_type: "event",
        target_id: id.to_string(),
        before: json!({"title": e.title, "starts_at": e.starts_at, "place": e.place, "capacity": e.capacity}),
        after: json!({"title": f.title, "starts_at": f.starts_at, "place": f.place, "capacity": f.capacity}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(())
}

/// Creates a draft event.
pub async fn create_event(
    services: &Services,
    caller: &Principal,
    d: &EventDraft,
    district: Option<DistrictId>,
    ip: &str,
) -> Result<i32, ServiceError> {
    if !may_manage(services, caller) {
        return Err(ServiceError::Forbidden);
    }
    let problems = event_problems(services, caller, d, district);
    if !problems.is_empty() {
        return Err(ServiceError::Fields(problems));
    }
    let fields = fields_of(d, district)?;
    let tx = Work::begin(services).await?;
    let id = store::insert_event(&tx, &fields, &caller.username, tx.now()).await?;
    let change = Change {
        action: "event.create",
        target_type: "event",
        target_id: id.to_string(),
        before: serde_json::Value::Null,
        after: json!({"kind": fields.kind.code(), "title": fields.title, "capacity": fields.capacity, "district": district.map(|x| x.get())}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(id)
}

/// An event as a caller sees it.
#[derive(Debug, Clone)]
pub struct EventView {
    /// The event.
    pub event: Event,
    /// The organizing district's name (empty: the city).
    pub district: String,
    /// Registrations by state.
    pub counts: BTreeMap<RegStatus, i64>,
    /// Checked in so far.
    pub checked_in: u64,
    /// The caller's registration.
    pub mine: Option<Registration>,
    /// The caller may register now.
    pub can_register: bool,
    /// The caller runs it.
    pub manages: bool,
    /// Its actions for the caller.
    pub actions: Vec<EventAction>,
    /// The caller may withdraw their registration.
    pub can_withdraw: bool,
    /// The caller may build (or rebuild) the 对接会 schedule.
    pub can_build: bool,
    /// The caller may make the schedule final.
    pub can_finalize: bool,
    /// Seats not taken yet.
    pub seats_left: i64,
}

/// One event; a draft only for those who run it (404 otherwise).
pub async fn event(services: &Services, caller: Option<&Principal>, id: i32) -> Result<EventView, ServiceError> {
    let e = store::get_event(services.store(), id).await?.ok_or_else(not_found)?;
    let manages = manages(services, caller, &e);
    if !e.status.public() && !manages {
        return Err(not_found());
    }
    let mine = match caller {
        Some(c) => store::registration_of(services.store(), id, c.account).await?,
        None => None,
    };
    let district = match e.district {
        Some(d) => crate::reference::get_district(services, d).await.map(|x| x.name).unwrap_or_default(),
        None => String::new(),
    };
    let counts = store::counts(services.store(), id).await?;
    let running = matches!(e.status, EventStatus::Open | EventStatus::Closed);
    Ok(EventView {
        seats_left: (i64::from(e.capacity) - counts.get(&RegStatus::Confirmed).copied().unwrap_or(0)).max(0),
        counts,
        checked_in: store::checked_in(services.store(), id).await?,
        can_register: caller.is_some() && e.status == EventStatus::Open && mine.is_none(),
        can_withdraw: mine.as_ref().is_some_and(|r| r.status.active()) && running,
        can_build: manages && e.kind == EventKind::Matchmaking && running && e.schedule != ScheduleStatus::Final,
        can_finalize: manages && e.schedule == ScheduleStatus::Provisional,
        actions: if manages { EventAction::available(e.status) } else { Vec::new() },
        manages,
        mine,
        district,
        event: e,
    })
}

/// Events for a list: the public ones, and drafts for those who run events.
pub async fn events(
    services: &Services,
    caller: Option<&Principal>,
    kind: Option<EventKind>,
    page: PageRequest,
) -> Result<Page<Event>, ServiceError> {
    let staff = caller.is_some_and(|c| may_manage(services, c));
    let statuses = if staff { Vec::new() } else { EventStatus::ALL.iter().copied().filter(|s| s.public()).collect() };
    Ok(store::list_events(services.store(), &EventFilter { statuses, kind }, page).await?)
}

/// Takes a staff action on an event; finishing marks no-shows, cancelling tells registrants.
pub async fn act(
    services: &Services,
    caller: &Principal,
    id: i32,
    action: EventAction,
    ip: &str,
) -> Result<EventStatus, ServiceError> {
    let v = event(services, Some(caller), id).await?;
    if !v.manages {
        return Err(ServiceError::Forbidden);
    }
    let e = v.event;
    let to = action.next(e.status).ok_or(ServiceError::Conflict { key: "event.action_closed" })?;
    let tx = Work::begin(services).await?;
    if !store::move_event(&tx, id, e.version, Some(to), None, tx.now()).await? {
        return Err(ServiceError::Conflict { key: "event.moved_meanwhile" });
    }
    let mut no_shows = 0;
    if action == EventAction::Finish {
        no_shows = store::mark_no_shows(&tx, id, tx.now()).await?;
    }
    if action == EventAction::Cancel {
        let note = Note {
            kind: MessageKind::Progressed,
            key: "event.msg.cancelled",
            args: vec![("title", e.title.clone())],
            href: format!("/events/{id}"),
            once: None,
        };
        tell_confirmed(&tx, id, &note).await?;
    }
    let change = Change {
        action: "event.move",
        target_type: "event",
        target_id: id.to_string(),
        before: json!({"status": e.status.code()}),
        after: json!({"status": to.code(), "action": action.code(), "no_shows": no_shows}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(to)
}

/// The caller's organization (administrator or member), if any.
fn organization_of(services: &Services, caller: &Principal) -> Option<OrganizationId> {
    let now = services.now();
    caller
        .affiliations
        .iter()
        .find(|a| matches!(a.role, Role::OrgAdmin | Role::OrgMember) && a.in_force(now))
        .and_then(|a| a.organization)
}

/// Registers the caller: pending validation, seated, or waitlisted; one registration each.
pub async fn register(
    services: &Services,
    caller: &Principal,
    id: i32,
    note: &str,
    away: &[i32],
    ip: &str,
) -> Result<RegStatus, ServiceError> {
    let v = event(services, Some(caller), id).await?;
    if v.mine.is_some() {
        return Err(ServiceError::Conflict { key: "event.already_registered" });
    }
    if v.event.status != EventStatus::Open {
        return Err(ServiceError::Conflict { key: "event.not_open" });
    }
    let slots = v.event.slots.unwrap_or(0);
    if away.iter().any(|s| *s < 1 || *s > slots) {
        return Err(ServiceError::Fields(vec![FieldError::new("away", "form.choice")]));
    }
    let organization = organization_of(services, caller);
    let name = match organization {
        Some(org) => crate::registry::names(services, &[org].into_iter().collect()).await?.remove(&org),
        None => None,
    };
    let person =
        crate::identity::display_name(services, caller.account).await?.unwrap_or_else(|| caller.username.clone());
    let name = match name {
        Some(org) => format!("{org}（{person}）"),
        None => person,
    };
    let ticket = crate::crypto::random_token(12).map_err(ServiceError::internal)?;
    let tx = Work::begin(services).await?;
    // Seats are counted under the event's lock: two people taking the last seat queue here.
    store::lock_event(&tx, id, tx.now()).await?;
    let seated = store::counts(&tx, id).await?.get(&RegStatus::Confirmed).copied().unwrap_or(0);
    let status = core::on_register(v.event.validation, seated, v.event.capacity);
    let reg = store::NewRegistration {
        event: id,
        account: caller.account,
        organization,
        name,
        status,
        ticket,
        note: clip(note.trim(), 1_000),
        away: away.to_vec(),
    };
    let reg_id = match store::insert_registration(&tx, &reg, tx.now()).await {
        Err(e) if e.is_duplicate() => return Err(ServiceError::Conflict { key: "event.already_registered" }),
        other => other?,
    };
    let change = Change {
        action: "event.register",
        target_type: "event",
        target_id: id.to_string(),
        before: serde_json::Value::Null,
        after: json!({"registration": reg_id, "status": status.code()}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(status)
}

/// Seats the first waitlisted registration if a seat is free, inside `tx` (after a withdrawal
/// or a validation freed or refused one); tells them.
async fn promote(tx: &Work, e: &Event) -> Result<(), ServiceError> {
    let seated = store::counts(tx, e.id).await?.get(&RegStatus::Confirmed).copied().unwrap_or(0);
    if seated >= i64::from(e.capacity) {
        return Ok(());
    }
    if let Some(next) = store::first_waiting(tx, e.id).await?
        && store::move_registration(tx, next.id, RegStatus::Waitlisted, RegStatus::Confirmed, None, tx.now()).await?
    {
        let note = Note {
            kind: MessageKind::Progressed,
            key: "event.msg.seated",
            args: vec![("title", e.title.clone())],
            href: format!("/events/{}", e.id),
            once: None,
        };
        crate::notification::send(tx, tx.now(), &[Audience::Account(next.account)], &note).await?;
    }
    Ok(())
}

/// The caller withdraws their registration; their seat goes to the first on the waitlist.
pub async fn withdraw(services: &Services, caller: &Principal, id: i32, ip: &str) -> Result<(), ServiceError> {
    let v = event(services, Some(caller), id).await?;
    let Some(mine) = v.mine.clone().filter(|_| v.can_withdraw) else {
        return Err(ServiceError::Conflict { key: "event.nothing_to_withdraw" });
    };
    let tx = Work::begin(services).await?;
    store::lock_event(&tx, id, tx.now()).await?;
    if !store::move_registration(&tx, mine.id, mine.status, RegStatus::Cancelled, None, tx.now()).await? {
        return Err(ServiceError::Conflict { key: "event.moved_meanwhile" });
    }
    if mine.status == RegStatus::Confirmed {
        promote(&tx, &v.event).await?;
    }
    let change = Change {
        action: "event.withdraw",
        target_type: "event",
        target_id: id.to_string(),
        before: json!({"registration": mine.id, "status": mine.status.code()}),
        after: json!({"status": RegStatus::Cancelled.code()}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(())
}

/// The organizer validates a pending registration (seated or waitlisted) or refuses it with a
/// reason; the registrant is told.
pub async fn decide(
    services: &Services,
    caller: &Principal,
    registration: i32,
    accept: bool,
    reason: &str,
    ip: &str,
) -> Result<RegStatus, ServiceError> {
    let r = store::get_registration(services.store(), registration).await?.ok_or_else(not_found)?;
    let v = event(services, Some(caller), r.event).await?;
    if !v.manages {
        return Err(ServiceError::Forbidden);
    }
    if r.status != RegStatus::Pending {
        return Err(ServiceError::Conflict { key: "event.already_decided" });
    }
    let reason = clip(reason.trim(), 1_000);
    if !accept && reason.is_empty() {
        return Err(ServiceError::Fields(vec![FieldError::new("reason", "event.reason_required")]));
    }
    let tx = Work::begin(services).await?;
    store::lock_event(&tx, r.event, tx.now()).await?;
    let seated = store::counts(&tx, r.event).await?.get(&RegStatus::Confirmed).copied().unwrap_or(0);
    let to = if accept { core::seat_or_wait(seated, v.event.capacity) } else { RegStatus::Rejected };
    let why = (!accept).then(|| reason.clone());
    if !store::move_registration(&tx, r.id, RegStatus::Pending, to, why, tx.now()).await? {
        return Err(ServiceError::Conflict { key: "event.already_decided" });
    }
    let note = Note {
        kind: if accept { MessageKind::Progressed } else { MessageKind::Rejected },
        key: match to {
            RegStatus::Confirmed => "event.msg.confirmed",
            RegStatus::Waitlisted => "event.msg.waitlisted",
            _ => "event.msg.rejected",
        },
        args: vec![("title", v.event.title.clone()), ("reason", reason.clone())],
        href: format!("/events/{}", r.event),
        once: None,
    };
    crate::notification::send(&tx, tx.now(), &[Audience::Account(r.account)], &note).await?;
    let change = Change {
        action: "event.decide",
        target_type: "event",
        target_id: r.event.to_string(),
        before: json!({"registration": r.id, "status": r.status.code()}),
        after: json!({"status": to.code(), "reason": reason}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(to)
}

/// A page of an event's registrations for its organizer.
pub async fn registrations(
    services: &Services,
    caller: &Principal,
    id: i32,
    status: Option<RegStatus>,
    page: PageRequest,
) -> Result<Page<Registration>, ServiceError> {
    let v = event(services, Some(caller), id).await?;
    if !v.manages {
        return Err(ServiceError::Forbidden);
    }
    Ok(store::registrations(services.store(), id, status, None, page).await?)
}

/// The caller's ticket: their confirmed registration and the address its QR code holds.
pub async fn ticket(
    services: &Services,
    caller: &Principal,
    id: i32,
) -> Result<(Event, Registration, String), ServiceError> {
    let v = event(services, Some(caller), id).await?;
    let Some(mine) = v.mine.filter(|r| r.status == RegStatus::Confirmed) else {
        return Err(ServiceError::NotFound { key: "event.no_ticket" });
    };
    let url = crate::identity::absolute_url(services, &format!("/events/checkin/{}", mine.ticket)).await?;
    Ok((v.event, mine, url))
}

/// What a ticket's address shows: the registration and, for its organizer, whether it can be
/// checked in.
#[derive(Debug, Clone)]
pub struct TicketView {
    /// The event.
    pub event: Event,
    /// The registration.
    pub registration: Registration,
    /// The caller runs the event.
    pub manages: bool,
    /// The caller may check it in now (confirmed, not yet in, the event running).
    pub can_check_in: bool,
}

/// Reads a ticket (anyone holding the code sees whose it is: it is printed on the ticket).
pub async fn read_ticket(
    services: &Services,
    caller: Option<&Principal>,
    ticket: &str,
) -> Result<TicketView, ServiceError> {
    let r = store::by_ticket(services.store(), ticket.trim())
        .await?
        .ok_or(ServiceError::NotFound { key: "event.no_ticket" })?;
    let e = store::get_event(services.store(), r.event).await?.ok_or_else(not_found)?;
    let manages = manages(services, caller, &e);
    Ok(TicketView {
        can_check_in: manages
            && r.status == RegStatus::Confirmed
            && r.checked_in_at.is_none()
            && matches!(e.status, EventStatus::Open | EventStatus::Closed),
        manages,
        event: e,
        registration: r,
    })
}

/// Checks a ticket in (the organizer), once.
pub async fn check_in(
    services: &Services,
    caller: &Principal,
    ticket: &str,
    ip: &str,
) -> Result<Registration, ServiceError> {
    let v = read_ticket(services, Some(caller), ticket).await?;
    if !v.manages {
        return Err(ServiceError::Forbidden);
    }
    let r = v.registration;
    if !matches!(v.event.status, EventStatus::Open | EventStatus::Closed) {
        return Err(ServiceError::Conflict { key: "event.check_in_closed" });
    }
    if r.status != RegStatus::Confirmed {
        return Err(ServiceError::Conflict { key: "event.not_confirmed" });
    }
    let tx = Work::begin(services).await?;
    if !store::check_in(&tx, r.id, tx.now()).await? {
        return Err(ServiceError::Conflict { key: "event.already_checked_in" });
    }
    let change = Change {
        action: "event.check_in",
        target_type: "event",
        target_id: r.event.to_string(),
        before: json!({"registration": r.id}),
        after: json!({"checked_in": true}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(r)
}

/// A 对接会 participant as another sees them, with the caller's wish about them.
#[derive(Debug, Clone)]
pub struct Peer {
    /// Their registration.
    pub registration: i32,
    /// Their name.
    pub name: String,
    /// The caller's wish.
    pub wish: Option<Wish>,
}

/// The caller's confirmed registration for a 对接会 whose schedule is not final, for wishes.
async fn participant(services: &Services, caller: &Principal, id: i32) -> Result<(Event, Registration), ServiceError> {
    let v = event(services, Some(caller), id).await?;
    if v.event.kind != EventKind::Matchmaking {
        return Err(not_found());
    }
    let Some(mine) = v.mine.filter(|r| r.status == RegStatus::Confirmed) else {
        return Err(ServiceError::Conflict { key: "event.confirmed_only" });
    };
    Ok((v.event, mine))
}

/// The other confirmed participants of a 对接会 with the caller's wishes, a page at a time.
pub async fn peers(
    services: &Services,
    caller: &Principal,
    id: i32,
    page: PageRequest,
) -> Result<(Event, Page<Peer>), ServiceError> {
    let (e, mine) = participant(services, caller, id).await?;
    let wishes = store::wishes_of(services.store(), mine.id).await?;
    let all = store::registrations(services.store(), id, Some(RegStatus::Confirmed), Some(mine.id), page).await?;
    let req = PageRequest::new(Some(all.page), Some(all.per_page));
    let total = all.total;
    let items = all
        .items
        .into_iter()
        .map(|r| Peer { wish: wishes.get(&r.id).copied(), registration: r.id, name: r.name })
        .collect();
    Ok((e, Page::new(items, req, total)))
}

/// Sets the caller's wishes about other participants (until the schedule is final).
pub async fn set_wishes(
    services: &Services,
    caller: &Principal,
    id: i32,
    wishes: &[(i32, Option<Wish>)],
    ip: &str,
) -> Result<(), ServiceError> {
    let (e, mine) = participant(services, caller, id).await?;
    if e.schedule == ScheduleStatus::Final {
        return Err(ServiceError::Conflict { key: "event.schedule_final" });
    }
    let others: std::collections::BTreeSet<i32> =
        store::confirmed(services.store(), id).await?.into_iter().map(|r| r.id).filter(|r| *r != mine.id).collect();
    let wishes: Vec<(i32, Option<Wish>)> = wishes.iter().copied().filter(|(r, _)| others.contains(r)).collect();
    let tx = Work::begin(services).await?;
    store::set_wishes(&tx, id, mine.id, &wishes).await?;
    let change = Change {
        action: "event.wishes",
        target_type: "event",
        target_id: id.to_string(),
        before: serde_json::Value::Null,
        after: json!({"registration": mine.id, "wishes": wishes.iter().map(|(r, w)| (r, w.map(|w| w.code()))).collect::<Vec<_>>()}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(())
}

/// What building a schedule found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Built {
    /// Meetings placed.
    pub meetings: usize,
    /// 必见 wishes met.
    pub musts: u64,
    /// 必见 wishes not met.
    pub musts_unmet: u64,
    /// 想见 wishes met.
    pub wants: u64,
    /// Distance to the optimum, at most (0: optimal).
    pub gap: f64,
}

/// Builds (or rebuilds) the provisional schedule of a 对接会 from its confirmed participants'
/// wishes and availability.
pub async fn build_schedule(services: &Services, caller: &Principal, id: i32, ip: &str) -> Result<Built, ServiceError> {
    let v = event(services, Some(caller), id).await?;
    if !v.manages {
        return Err(ServiceError::Forbidden);
    }
    if !v.can_build {
        return Err(ServiceError::Conflict { key: "event.cannot_build" });
    }
    let e = v.event;
    let (slots, tables) = (e.slots.unwrap_or(0).max(0) as usize, e.tables.unwrap_or(0).max(0) as usize);
    let people = store::confirmed(services.store(), id).await?;
    let index: BTreeMap<i32, u32> = people.iter().enumerate().map(|(i, r)| (r.id, i as u32)).collect();
    let mut available = vec![true; people.len() * slots];
    for (i, r) in people.iter().enumerate() {
        for s in &r.away {
            if let Some(x) = available.get_mut(i * slots + (*s as usize).saturating_sub(1)) {
                *x = false;
            }
        }
    }
    let wishes = store::wishes(services.store(), id)
        .await?
        .into_iter()
        .filter_map(|(from, to, w)| Some((*index.get(&from)?, *index.get(&to)?, w)))
        .collect();
    let inst = Instance { participants: people.len(), slots, tables, available, wishes };
    // The instance is built here from stored rows: a malformed one is our bug, not the user's.
    let s = solver::schedule(&inst)
        .map_err(|e| ServiceError::Invalid { key: "error.internal", args: vec![("detail", e.to_string())] })?;
    let rows: Vec<(i32, i32, i32, i32, i32, i32)> = s
        .meetings
        .iter()
        .filter_map(|m| {
            let a = people.get(m.a as usize)?.id;
            let b = people.get(m.b as usize)?.id;
            Some((m.slot as i32, m.table as i32, a, b, i32::from(m.musts), i32::from(m.wants)))
        })
        .collect();
    let built =
        Built { meetings: rows.len(), musts: s.musts, musts_unmet: s.musts_unmet, wants: s.wants, gap: s.gap() };
    let tx = Work::begin(services).await?;
    if !store::move_event(&tx, id, e.version, None, Some(ScheduleStatus::Provisional), tx.now()).await? {
        return Err(ServiceError::Conflict { key: "event.moved_meanwhile" });
    }
    store::replace_meetings(&tx, id, &rows).await?;
    let to: Vec<Audience> = people.iter().map(|r| Audience::Account(r.account)).collect();
    let note = Note {
        kind: MessageKind::Progressed,
        key: "event.msg.provisional",
        args: vec![("title", e.title.clone())],
        href: format!("/events/{id}/schedule"),
        once: None,
    };
    crate::notification::send(&tx, tx.now(), &to, &note).await?;
    let change = Change {
        action: "event.schedule",
        target_type: "event",
        target_id: id.to_string(),
        before: json!({"schedule": e.schedule.code()}),
        after: json!({"schedule": "provisional", "meetings": built.meetings, "musts": built.musts, "musts_unmet": built.musts_unmet, "wants": built.wants, "gap": built.gap}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(built)
}

/// Makes the provisional schedule final; participants are told.
pub async fn finalize_schedule(services: &Services, caller: &Principal, id: i32, ip: &str) -> Result<(), ServiceError> {
    let v = event(services, Some(caller), id).await?;
    if !v.manages {
        return Err(ServiceError::Forbidden);
    }
    if !v.can_finalize {
        return Err(ServiceError::Conflict { key: "event.action_closed" });
    }
    let e = v.event;
    let tx = Work::begin(services).await?;
    if !store::move_event(&tx, id, e.version, None, Some(ScheduleStatus::Final), tx.now()).await? {
        return Err(ServiceError::Conflict { key: "event.moved_meanwhile" });
    }
    let note = Note {
        kind: MessageKind::Progressed,
        key: "event.msg.final",
        args: vec![("title", e.title.clone())],
        href: format!("/events/{id}/schedule"),
        once: None,
    };
    tell_confirmed(&tx, id, &note).await?;
    let change = Change {
        action: "event.schedule",
        target_type: "event",
        target_id: id.to_string(),
        before: json!({"schedule": "provisional"}),
        after: json!({"schedule": "final"}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(())
}

/// One meeting of a participant's schedule.
#[derive(Debug, Clone)]
pub struct MyMeeting {
    /// The meeting.
    pub meeting: MeetingRow,
    /// When its slot starts (Beijing time).
    pub at: NaiveDateTime,
    /// The other side's name.
    pub with: String,
    /// Whether the caller is side `a`.
    pub side_a: bool,
    /// The caller's recorded outcome.
    pub outcome: Option<Outcome>,
    /// The caller's note.
    pub note: String,
    /// The caller may record the outcome now (final schedule, slot begun).
    pub can_record: bool,
    /// The deal opened from it.
    pub deal: Option<i32>,
}

/// The caller's personal schedule of a 对接会, with their change request.
pub async fn my_schedule(
    services: &Services,
    caller: &Principal,
    id: i32,
) -> Result<(Event, Registration, Vec<MyMeeting>), ServiceError> {
    let (e, mine) = participant(services, caller, id).await?;
    let rows = store::meetings_of(services.store(), id, mine.id).await?;
    let people: BTreeMap<i32, String> =
        store::confirmed(services.store(), id).await?.into_iter().map(|r| (r.id, r.name)).collect();
    let minutes = i64::from(e.slot_minutes.unwrap_or(0));
    let now = services.now();
    let deals = crate::cooperation::deals_of_meetings(services, &rows.iter().map(|m| m.id).collect::<Vec<_>>()).await?;
    let out = rows
        .into_iter()
        .map(|m| {
            let side_a = m.a == mine.id;
            let start = e.starts_at + chrono::Duration::minutes(minutes * i64::from(m.slot));
            MyMeeting {
                at: to_local(start),
                with: people.get(if side_a { &m.b } else { &m.a }).cloned().unwrap_or_default(),
                outcome: if side_a { m.outcome_a } else { m.outcome_b },
                note: if side_a { m.note_a.clone() } else { m.note_b.clone() },
                can_record: e.schedule == ScheduleStatus::Final && now >= start,
                deal: deals.get(&m.id).copied(),
                side_a,
                meeting: m,
            }
        })
        .collect();
    Ok((e, mine, out))
}

/// Records a change request to the provisional schedule (the organizer reads it).
pub async fn request_change(
    services: &Services,
    caller: &Principal,
    id: i32,
    text: &str,
    ip: &str,
) -> Result<(), ServiceError> {
    let (e, mine) = participant(services, caller, id).await?;
    if e.schedule != ScheduleStatus::Provisional {
        return Err(ServiceError::Conflict { key: "event.schedule_not_provisional" });
    }
    let text = clip(text.trim(), 1_000);
    if text.is_empty() {
        return Err(ServiceError::Fields(vec![FieldError::new("change", "event.change_required")]));
    }
    let tx = Work::begin(services).await?;
    store::set_change_request(&tx, mine.id, &text, tx.now()).await?;
    let change = Change {
        action: "event.change_request",
        target_type: "event",
        target_id: id.to_string(),
        before: json!({"registration": mine.id}),
        after: json!({"change_request": text}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(())
}

/// One side records how a meeting went (held / the other did not come) with a short note.
pub async fn record_outcome(
    services: &Services,
    caller: &Principal,
    meeting: i32,
    outcome: Outcome,
    note: &str,
    ip: &str,
) -> Result<i32, ServiceError> {
    let (event_id, _) = store::get_meeting(services.store(), meeting).await?.ok_or_else(not_found)?;
    let (_, _, mine) = my_schedule(services, caller, event_id).await?;
    let Some(m) = mine.iter().find(|m| m.meeting.id == meeting) else {
        return Err(not_found());
    };
    if !m.can_record {
        return Err(ServiceError::Conflict { key: "event.outcome_not_yet" });
    }
    let note = clip(note.trim(), 500);
    let tx = Work::begin(services).await?;
    store::record_outcome(&tx, meeting, m.side_a, outcome, &note).await?;
    let change = Change {
        action: "event.outcome",
        target_type: "event",
        target_id: event_id.to_string(),
        before: json!({"meeting": meeting, "outcome": m.outcome.map(|o| o.code())}),
        after: json!({"meeting": meeting, "outcome": outcome.code(), "note": note}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(event_id)
}

/// A page of a 对接会's meetings for its organizer, with names.
pub async fn all_meetings(
    services: &Services,
    caller: &Principal,
    id: i32,
    page: PageRequest,
) -> Result<(Page<MeetingRow>, BTreeMap<i32, String>), ServiceError> {
    let v = event(services, Some(caller), id).await?;
    if !v.manages {
        return Err(ServiceError::Forbidden);
    }
    let people = store::confirmed(services.store(), id).await?.into_iter().map(|r| (r.id, r.name)).collect();
    Ok((store::meetings(services.store(), id, page).await?, people))
}

/// To-dos: registrations waiting for the organizer's validation.
pub async fn todos(services: &Services, caller: &Principal) -> Result<Vec<Todo>, ServiceError> {
    if !may_manage(services, caller) {
        return Ok(Vec::new());
    }
    let open = store::list_events(
        services.store(),
        &EventFilter { statuses: vec![EventStatus::Open], kind: None },
        PageRequest::new(Some(1), Some(50)),
    )
    .await?;
    let mut out = Vec::new();
    for e in open.items.iter().filter(|e| e.validation && manages(services, Some(caller), e)) {
        let n = store::counts(services.store(), e.id).await?.get(&RegStatus::Pending).copied().unwrap_or(0);
        if n > 0 {
            out.push(Todo {
                key: "event.todo.validate",
                args: vec![("n", n.to_string()), ("title", e.title.clone())],
                due: Some(to_local(e.starts_at).date()),
                href: format!("/events/{}?status=pending#registrations", e.id),
            });
        }
    }
    Ok(out)
}

/// Reminds the confirmed registrants of events starting tomorrow (Beijing time) — a morning
/// job; each person is reminded of an event once however often it runs. How many messages.
pub async fn remind(services: &Services) -> Result<u64, ServiceError> {
    let tomorrow = services.today() + chrono::Duration::days(1);
    let (Some(from), Some(to)) = (
        tomorrow.and_hms_opt(0, 0, 0).map(from_local),
        (tomorrow + chrono::Duration::days(1)).and_hms_opt(0, 0, 0).map(from_local),
    ) else {
        return Ok(0);
    };
    let mut sent = 0;
    for e in store::starting_between(services.store(), from, to).await? {
        if store::confirmed(services.store(), e.id).await?.is_empty() {
            continue;
        }
        let note = Note {
            kind: MessageKind::Progressed,
            key: "event.msg.reminder",
            args: vec![
                ("title", e.title.clone()),
                ("at", to_local(e.starts_at).format("%Y-%m-%d %H:%M").to_string()),
                ("place", sheji_core::event::venue(&e.place, &e.link).to_owned()),
            ],
            href: format!("/events/{}/ticket", e.id),
            once: Some(format!("event_reminder:{}", e.id)),
        };
        let tx = Work::begin(services).await?;
        let n = tell_confirmed(&tx, e.id, &note).await?;
        let change = Change {
            action: "event.remind",
            target_type: "event",
            target_id: e.id.to_string(),
            before: serde_json::Value::Null,
            after: json!({"reminded": n}),
        };
        tx.commit(&Actor::system(), change).await?;
        sent += n;
    }
    Ok(sent)
}

/// Tells everyone seated at the event, in the caller's unit of work; how many were told.
async fn tell_confirmed(tx: &Work, id: i32, note: &Note) -> Result<u64, ServiceError> {
    let people = store::confirmed(tx, id).await?;
    let to: Vec<Audience> = people.iter().map(|r| Audience::Account(r.account)).collect();
    crate::notification::send(tx, tx.now(), &to, note).await
}

/// Titles of events by key (for the deals that came from them).
pub(crate) async fn titles(services: &Services, ids: &[i32]) -> Result<BTreeMap<i32, String>, ServiceError> {
    Ok(store::titles(services.store(), ids).await?)
}

/// Opens a deal from a held meeting of a 对接会: the side whose organization is a manufacturer
/// demands, the design firm, institute, university or designer provides. Either side may open
/// it once they recorded the meeting as held; one deal per meeting.
pub async fn open_deal(services: &Services, caller: &Principal, meeting: i32, ip: &str) -> Result<i32, ServiceError> {
    let (event_id, _) = store::get_meeting(services.store(), meeting).await?.ok_or_else(not_found)?;
    let (e, _, mine) = my_schedule(services, caller, event_id).await?;
    let Some(m) = mine.iter().find(|x| x.meeting.id == meeting) else {
        return Err(not_found());
    };
    if m.outcome != Some(Outcome::Held) {
        return Err(ServiceError::Conflict { key: "event.deal_after_held" });
    }
    let a = store::get_registration(services.store(), m.meeting.a).await?.ok_or_else(not_found)?;
    let b = store::get_registration(services.store(), m.meeting.b).await?.ok_or_else(not_found)?;
    let mut public = BTreeMap::new();
    for org in [a.organization, b.organization].into_iter().flatten() {
        public.insert(org, crate::registry::get(services, None, org).await?.public);
    }
    let demands = |r: &Registration| {
        r.organization
            .and_then(|o| public.get(&o))
            .is_some_and(|p| p.kind == sheji_core::registry::OrgKind::Manufacturer)
    };
    let (demander, provider) = match (demands(&a), demands(&b)) {
        (true, false) => (&a, &b),
        (false, true) => (&b, &a),
        _ => return Err(ServiceError::Conflict { key: "event.deal_sides" }),
    };
    let (Some(demander_org), Some(district)) =
        (demander.organization, demander.organization.and_then(|o| public.get(&o)).map(|p| p.district_id))
    else {
        return Err(ServiceError::Conflict { key: "event.deal_sides" });
    };
    let lead = crate::cooperation::NewDeal {
        interest: None,
        demand: None,
        offer: None,
        event: Some(e.id),
        meeting: Some(meeting),
        demander: demander_org,
        provider_org: provider.organization,
        provider_account: provider.account,
        district,
        cluster: None,
        title: e.title.clone(),
    };
    let tx = Work::begin(services).await?;
    let deal = match crate::cooperation::open_lead(&tx, &lead, &caller.username).await {
        Err(ServiceError::Store(err)) if err.is_duplicate() => {
            return Err(ServiceError::Conflict { key: "event.deal_exists" });
        }
        other => other?,
    };
    let change = Change {
        action: "event.open_deal",
        target_type: "event",
        target_id: e.id.to_string(),
        before: json!({"meeting": meeting}),
        after: json!({"deal": deal}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(deal)
}
