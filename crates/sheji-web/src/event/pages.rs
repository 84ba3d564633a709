//! The event pages. Every action shown is one the service allows the caller; every refused
//! form comes back with what was typed and every message.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDateTime;
use serde::Deserialize;
use sheji_core::event::schedule::Wish;
use sheji_core::event::{EventAction, EventDraft, EventKind, Outcome, RegStatus, ScheduleStatus};
use sheji_core::i18n::Lang;
use sheji_core::i18n::datetime;
use sheji_core::identity::Principal;
use sheji_core::ids::DistrictId;
use sheji_core::page::PageRequest;
use sheji_service::event::{self as service, EventView};
use sheji_service::{FieldError, ServiceError};

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{PageError, render};
use crate::forms::{self, Fields, FormState};
use crate::layout::{Choice, Chrome, Ctx, Pager};

/// Query of the event pages (filters, the page, what was just done and its figures).
#[derive(Debug, Deserialize, Default)]
pub struct EventQuery {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    page: String,
    #[serde(default)]
    done: String,
    #[serde(default)]
    meetings: String,
    #[serde(default)]
    musts: String,
    #[serde(default)]
    unmet: String,
    #[serde(default)]
    wants: String,
    #[serde(default)]
    gap: String,
}

fn done_notice(lang: Lang, q: &EventQuery) -> Option<String> {
    if q.done == "built" {
        let n = |s: &str| s.parse::<u64>().unwrap_or(0).to_string();
        let gap = q.gap.parse::<f64>().unwrap_or(0.0);
        return Some(lang.tf(
            "event.done.built",
            &[
                ("meetings", &n(&q.meetings)),
                ("musts", &n(&q.musts)),
                ("unmet", &n(&q.unmet)),
                ("wants", &n(&q.wants)),
                ("gap", &format!("{:.1}", gap * 100.0)),
            ],
        ));
    }
    crate::layout::done_notice(lang, "event", &q.done)
}

fn kind_label(lang: Lang, k: EventKind) -> String {
    lang.t(&format!("event.kind.{}", k.code())).to_owned()
}

/// An event as a row.
struct EventRow {
    id: i32,
    title: String,
    kind: String,
    status: String,
    tone: &'static str,
    when: String,
    place: String,
}

#[derive(Template)]
#[template(path = "event/events.html")]
struct EventsPage {
    chrome: Chrome,
    rows: Vec<EventRow>,
    pager: Pager,
    kinds: Vec<Choice>,
    can_create: bool,
}

/// The list of events.
pub async fn events(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<EventQuery>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let chrome = ctx.chrome("event.events");
    let caller = ctx.caller.principal.clone();
    let kind = EventKind::parse(q.kind.trim());
    let page = service::events(&state.services, caller.as_ref(), kind, PageRequest::new(q.page.parse().ok(), None))
        .await
        .map_err(|e| PageError::service(&e, ctx.chrome("event.events")))?;
    let rows = page
        .items
        .iter()
        .map(|e| EventRow {
            id: e.id,
            title: e.title.clone(),
            kind: kind_label(lang, e.kind),
            status: lang.t(&format!("event.status.{}", e.status.code())).to_owned(),
            tone: e.status.badge(),
            when: datetime(e.starts_at),
            place: if e.place.is_empty() { lang.t("event.online").to_owned() } else { e.place.clone() },
        })
        .collect();
    let view = EventsPage {
        rows,
        pager: chrome.pager(&page),
        kinds: EventKind::ALL
            .iter()
            .map(|k| Choice::selected_if(k.code().to_owned(), kind_label(lang, *k), Some(*k) == kind))
            .collect(),
        can_create: caller.as_ref().is_some_and(|c| service::may_manage(&state.services, c)),
        chrome,
    };
    Ok(render(StatusCode::OK, &view))
}

#[derive(Template)]
#[template(path = "event/event_form.html")]
struct EventFormPage {
    chrome: Chrome,
    /// Where the form posts (`/events/new` or the event's edit address).
    action: String,
    editing: bool,
    kinds: Vec<Choice>,
    districts: Vec<Choice>,
    city_wide: bool,
    form: FormState,
}

async fn event_form(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    editing: Option<i32>,
    form: FormState,
) -> Result<EventFormPage, PageError> {
    let lang = ctx.lang;
    let chrome =
        ctx.chrome(if editing.is_some() { "event.edit" } else { "event.new" }).crumb("event.events", Some("/events"));
    let (districts, city_wide) =
        service::districts_for(&state.services, p).await.map_err(|e| PageError::service(&e, chrome.clone()))?;
    let districts = districts.into_iter().map(|(id, name)| Choice::new(id.to_string(), name)).collect();
    Ok(EventFormPage {
        action: editing.map_or_else(|| "/events/new".to_owned(), |id| format!("/events/{id}/edit")),
        editing: editing.is_some(),
        kinds: EventKind::ALL.iter().map(|k| Choice::new(k.code().to_owned(), kind_label(lang, *k))).collect(),
        districts,
        city_wide,
        form,
        chrome,
    })
}

/// The new-event form.
pub async fn new_event(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
) -> Result<Response, PageError> {
    if !service::may_manage(&state.services, &p) {
        return Err(PageError::forbidden(ctx.chrome("event.new")));
    }
    let form = FormState::default().keep("capacity", "100").keep("slots", "8").keep("slot_minutes", "20");
    Ok(render(StatusCode::OK, &event_form(&state, &ctx, &p, None, form).await?))
}

/// The form of an event's fields, filled in (its organizer).
pub async fn edit_event(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Path(id): Path<i32>,
) -> Result<Response, PageError> {
    let v = service::event(&state.services, Some(&p), id)
        .await
        .map_err(|e| PageError::service(&e, ctx.chrome("event.edit")))?;
    if !v.manages {
        return Err(PageError::forbidden(ctx.chrome("event.edit")));
    }
    let d = service::draft_of(&v.event);
    let n = |x: Option<i32>| x.map(|v| v.to_string()).unwrap_or_default();
    let t = |x: Option<NaiveDateTime>| x.map(|v| v.format("%Y-%m-%dT%H:%M").to_string()).unwrap_or_default();
    let mut form = FormState::default()
        .keep("kind", d.kind.map(|k| k.code()).unwrap_or_default())
        .keep("title", &d.title)
        .keep("district", &v.event.district.map(|x| x.to_string()).unwrap_or_default())
        .keep("starts_at", &t(d.starts_at))
        .keep("ends_at", &t(d.ends_at))
        .keep("place", &d.place)
        .keep("link", &d.link)
        .keep("capacity", &n(d.capacity))
        .keep("description", &d.description)
        .keep("slots", &n(d.slots))
        .keep("slot_minutes", &n(d.slot_minutes))
        .keep("tables", &n(d.tables));
    if d.validation {
        form = form.keep("validation", "on");
    }
    Ok(render(StatusCode::OK, &event_form(&state, &ctx, &p, Some(id), form).await?))
}

/// Saves an event's fields.
pub async fn save_event(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
    body: String,
) -> Result<Response, PageError> {
    let mut f = Fields::new(&body);
    let (draft, district) = read_event(&mut f);
    let services = &state.services;
    let result = match f.finish(draft.clone(), |d| service::event_problems(services, &p, d, district)) {
        Ok(d) => service::update_event(services, &p, id, &d, district, &c.ip).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/events/{id}?done=saved")).into_response()),
        Err(e) => {
            forms::refused(e, FormState::from_body(&body), &ctx, "event.edit", |form| {
                event_form(&state, &ctx, &p, Some(id), form)
            })
            .await
        }
    }
}

/// A day and time as the browser's `datetime-local` sends it (or with a space).
fn date_time(f: &mut Fields, name: &'static str) -> Option<NaiveDateTime> {
    let raw = f.text(name);
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    let parsed = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|fmt| NaiveDateTime::parse_from_str(raw, fmt).ok());
    if parsed.is_none() {
        f.refuse(FieldError::new(name, "event.date_time"));
    }
    parsed
}

fn read_event(f: &mut Fields) -> (EventDraft, Option<DistrictId>) {
    let kind_text = f.text("kind");
    let kind = EventKind::parse(kind_text.trim());
    let district = f.optional_as::<i32>("district", "event.district_own").map(DistrictId);
    let draft = EventDraft {
        kind,
        title: f.text("title"),
        starts_at: date_time(f, "starts_at"),
        ends_at: date_time(f, "ends_at"),
        place: f.text("place"),
        link: f.text("link"),
        capacity: f.optional_as::<i32>("capacity", "event.capacity_range"),
        validation: f.flag("validation"),
        description: f.text("description"),
        slots: f.optional_as::<i32>("slots", "event.slots_range"),
        slot_minutes: f.optional_as::<i32>("slot_minutes", "event.minutes_range"),
        tables: f.optional_as::<i32>("tables", "event.tables_range"),
    };
    (draft, district)
}

/// Creates an event (a draft).
pub async fn create_event(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    body: String,
) -> Result<Response, PageError> {
    let mut f = Fields::new(&body);
    let (draft, district) = read_event(&mut f);
    let services = &state.services;
    let result = match f.finish(draft.clone(), |d| service::event_problems(services, &p, d, district)) {
        Ok(d) => service::create_event(services, &p, &d, district, &c.ip).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/events/{id}?done=created")).into_response()),
        Err(e) => {
            forms::refused(e, FormState::from_body(&body), &ctx, "event.new", |form| {
                event_form(&state, &ctx, &p, None, form)
            })
            .await
        }
    }
}

/// A registration as the organizer's row.
struct RegRow {
    id: i32,
    name: String,
    status: String,
    tone: &'static str,
    pending: bool,
    note: String,
    reason: String,
    checked_in: String,
    no_show: bool,
    change_request: String,
    away: String,
}

/// A meeting as the organizer's row.
struct MeetingLine {
    slot: i32,
    table: i32,
    a: String,
    b: String,
    wishes: String,
}

#[derive(Template)]
#[template(path = "event/event.html")]
struct EventPage {
    chrome: Chrome,
    id: i32,
    kind: String,
    matchmaking: bool,
    status: String,
    tone: &'static str,
    when: String,
    place: String,
    link: String,
    district: String,
    capacity: i32,
    seats_left: i64,
    validation: bool,
    description: String,
    slots: Vec<Choice>,
    slot_info: String,
    signed_in: bool,
    can_register: bool,
    mine: Option<(String, &'static str, bool, String)>,
    confirmed: bool,
    schedule: String,
    schedule_ready: bool,
    manages: bool,
    actions: Vec<(&'static str, String, String)>,
    counts: Vec<(String, i64)>,
    checked_in: u64,
    regs: Vec<RegRow>,
    reg_pager: Pager,
    reg_filter: Vec<Choice>,
    can_build: bool,
    can_finalize: bool,
    meetings: Vec<MeetingLine>,
    meeting_total: u64,
    form: FormState,
    notice: Option<String>,
}

async fn event_page(
    state: &AppState,
    ctx: &Ctx,
    caller: Option<&Principal>,
    id: i32,
    q: &EventQuery,
    form: FormState,
) -> Result<EventPage, PageError> {
    let lang = ctx.lang;
    let base = ctx.chrome("event.event").crumb("event.events", Some("/events"));
    let err = |e: ServiceError| PageError::service(&e, base.clone());
    let v: EventView = service::event(&state.services, caller, id).await.map_err(err)?;
    let e = &v.event;
    let mut chrome = base.clone();
    chrome.title = e.title.clone();
    let matchmaking = e.kind == EventKind::Matchmaking;
    let (mut regs, mut reg_pager, mut meetings, mut meeting_total) =
        (Vec::new(), chrome.pager_at(1, 1, 0), Vec::new(), 0);
    let reg_status = RegStatus::parse(q.status.trim());
    if let (true, Some(p)) = (v.manages, caller) {
        let page =
            service::registrations(&state.services, p, id, reg_status, PageRequest::new(q.page.parse().ok(), Some(50)))
                .await
                .map_err(err)?;
        reg_pager = chrome.pager(&page);
        regs = page
            .items
            .iter()
            .map(|r| RegRow {
                id: r.id,
                name: r.name.clone(),
                status: lang.t(&format!("event.reg.{}", r.status.code())).to_owned(),
                tone: r.status.badge(),
                pending: r.status == RegStatus::Pending,
                note: r.note.clone(),
                reason: r.reason.clone().unwrap_or_default(),
                checked_in: r.checked_in_at.map(datetime).unwrap_or_default(),
                no_show: r.no_show,
                change_request: r.change_request.clone(),
                away: r.away.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(", "),
            })
            .collect();
        if matchmaking && e.schedule != ScheduleStatus::None {
            let (page, names) = service::all_meetings(&state.services, p, id, PageRequest::new(Some(1), Some(60)))
                .await
                .map_err(err)?;
            meeting_total = page.total;
            let name = |r: &i32| names.get(r).cloned().unwrap_or_default();
            meetings = page
                .items
                .iter()
                .map(|m| MeetingLine {
                    slot: m.slot + 1,
                    table: m.table + 1,
                    a: name(&m.a),
                    b: name(&m.b),
                    wishes: lang.tf(
                        "event.meeting_wishes",
                        &[("musts", &m.musts.to_string()), ("wants", &m.wants.to_string())],
                    ),
                })
                .collect();
        }
    }
    let slots = (1..=e.slots.unwrap_or(0))
        .map(|s| {
            let start =
                e.starts_at + chrono::Duration::minutes(i64::from(e.slot_minutes.unwrap_or(0)) * i64::from(s - 1));
            let label = lang.tf(
                "event.slot_at",
                &[("n", &s.to_string()), ("at", &service::to_local(start).format("%H:%M").to_string())],
            );
            Choice::selected_if(s.to_string(), label, form.is("away", &s.to_string()))
        })
        .collect();
    Ok(EventPage {
        id,
        kind: kind_label(lang, e.kind),
        matchmaking,
        status: lang.t(&format!("event.status.{}", e.status.code())).to_owned(),
        tone: e.status.badge(),
        when: lang.tf("event.when", &[("from", &datetime(e.starts_at)), ("to", &datetime(e.ends_at))]),
        place: e.place.clone(),
        link: e.link.clone(),
        district: if v.district.is_empty() { lang.t("event.city").to_owned() } else { v.district.clone() },
        capacity: e.capacity,
        seats_left: v.seats_left,
        validation: e.validation,
        description: e.description.clone(),
        slots,
        slot_info: if matchmaking {
            lang.tf(
                "event.slot_info",
                &[
                    ("slots", &e.slots.unwrap_or(0).to_string()),
                    ("minutes", &e.slot_minutes.unwrap_or(0).to_string()),
                    ("tables", &e.tables.unwrap_or(0).to_string()),
                ],
            )
        } else {
            String::new()
        },
        signed_in: caller.is_some(),
        can_register: v.can_register,
        mine: v.mine.as_ref().map(|r| {
            (
                lang.t(&format!("event.reg.{}", r.status.code())).to_owned(),
                r.status.badge(),
                v.can_withdraw,
                r.reason.clone().unwrap_or_default(),
            )
        }),
        confirmed: v.mine.as_ref().is_some_and(|r| r.status == RegStatus::Confirmed),
        schedule: lang.t(&format!("event.schedule_status.{}", e.schedule.code())).to_owned(),
        schedule_ready: e.schedule != ScheduleStatus::None,
        manages: v.manages,
        actions: v
            .actions
            .iter()
            .map(|a| {
                (
                    a.code(),
                    lang.t(&format!("event.action.{}", a.code())).to_owned(),
                    lang.t(&format!("event.consequence.{}", a.code())).to_owned(),
                )
            })
            .collect(),
        counts: RegStatus::ALL
            .iter()
            .map(|s| (lang.t(&format!("event.reg.{}", s.code())).to_owned(), v.counts.get(s).copied().unwrap_or(0)))
            .collect(),
        checked_in: v.checked_in,
        regs,
        reg_pager,
        reg_filter: RegStatus::ALL
            .iter()
            .map(|s| {
                Choice::selected_if(
                    s.code().to_owned(),
                    lang.t(&format!("event.reg.{}", s.code())),
                    Some(*s) == reg_status,
                )
            })
            .collect(),
        can_build: v.can_build,
        can_finalize: v.can_finalize,
        meetings,
        meeting_total,
        form,
        notice: done_notice(lang, q),
        chrome,
    })
}

/// One event.
pub async fn event(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    Query(q): Query<EventQuery>,
) -> Result<Response, PageError> {
    let caller = ctx.caller.principal.clone();
    let page = event_page(&state, &ctx, caller.as_ref(), id, &q, FormState::default()).await?;
    Ok(render(StatusCode::OK, &page))
}

/// Answers a refused form on the event page.
async fn refused_on_event(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    id: i32,
    e: ServiceError,
    form: FormState,
) -> Result<Response, PageError> {
    let q = EventQuery::default();
    forms::refused(e, form, ctx, "event.event", |form| event_page(state, ctx, Some(p), id, &q, form)).await
}

/// A staff action on an event.
pub async fn act(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
    body: String,
) -> Result<Response, PageError> {
    let f = Fields::new(&body);
    let Some(action) = EventAction::parse(f.text("action").trim()) else {
        return Err(PageError::not_found(ctx.chrome("event.event")));
    };
    match service::act(&state.services, &p, id, action, &c.ip).await {
        Ok(_) => Ok(Redirect::to(&format!("/events/{id}?done={}", action.code())).into_response()),
        Err(e) => refused_on_event(&state, &ctx, &p, id, e, FormState::from_body(&body)).await,
    }
}

/// Registers the caller.
pub async fn register(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
    body: String,
) -> Result<Response, PageError> {
    let f = Fields::new(&body);
    let away: Vec<i32> = f.all("away").iter().filter_map(|s| s.trim().parse().ok()).collect();
    let result = if away.len() == f.all("away").len() {
        service::register(&state.services, &p, id, &f.text("note"), &away, &c.ip).await
    } else {
        Err(ServiceError::Fields(vec![FieldError::new("away", "form.choice")]))
    };
    match result {
        Ok(status) => Ok(Redirect::to(&format!("/events/{id}?done={}", status.code())).into_response()),
        Err(e) => refused_on_event(&state, &ctx, &p, id, e, FormState::from_body(&body)).await,
    }
}

/// Withdraws the caller's registration.
pub async fn withdraw(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
    body: String,
) -> Result<Response, PageError> {
    match service::withdraw(&state.services, &p, id, &c.ip).await {
        Ok(()) => Ok(Redirect::to(&format!("/events/{id}?done=withdrawn")).into_response()),
        Err(e) => refused_on_event(&state, &ctx, &p, id, e, FormState::from_body(&body)).await,
    }
}

/// The organizer validates or refuses a registration.
pub async fn decide(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(reg): Path<i32>,
    body: String,
) -> Result<Response, PageError> {
    let f = Fields::new(&body);
    let event: i32 = f.text("event").trim().parse().unwrap_or(0);
    let accept = f.text("decision") == "accept";
    match service::decide(&state.services, &p, reg, accept, &f.text("reason"), &c.ip).await {
        Ok(_) => Ok(Redirect::to(&format!("/events/{event}?done=decided#registrations")).into_response()),
        Err(e) => {
            let form = FormState::from_body(&body).keep("registration", &reg.to_string());
            refused_on_event(&state, &ctx, &p, event, e, form).await
        }
    }
}

#[derive(Template)]
#[template(path = "event/ticket.html")]
struct TicketPage {
    chrome: Chrome,
    id: i32,
    title: String,
    when: String,
    place: String,
    name: String,
    code: String,
    qr: String,
}

/// The caller's ticket with its QR code, to print or show on a phone.
pub async fn ticket(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Path(id): Path<i32>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let chrome = ctx.chrome("event.ticket").crumb("event.events", Some("/events"));
    let err = |e: ServiceError| PageError::service(&e, chrome.clone());
    let (e, r, url) = service::ticket(&state.services, &p, id).await.map_err(err)?;
    let qr = sheji_service::document::qr_data_url(&url).map_err(err)?;
    let view = TicketPage {
        id,
        title: e.title.clone(),
        when: lang.tf("event.when", &[("from", &datetime(e.starts_at)), ("to", &datetime(e.ends_at))]),
        place: sheji_core::event::venue(&e.place, &e.link).to_owned(),
        name: r.name,
        code: r.ticket,
        qr,
        chrome,
    };
    Ok(render(StatusCode::OK, &view))
}

#[derive(Template)]
#[template(path = "event/checkin.html")]
struct CheckInPage {
    chrome: Chrome,
    event: i32,
    title: String,
    name: String,
    status: String,
    tone: &'static str,
    ticket: String,
    checked_in: String,
    can_check_in: bool,
    manages: bool,
    notice: Option<String>,
    form: FormState,
}

async fn checkin_page(
    state: &AppState,
    ctx: &Ctx,
    caller: Option<&Principal>,
    ticket: &str,
    form: FormState,
) -> Result<CheckInPage, PageError> {
    let lang = ctx.lang;
    let chrome = ctx.chrome("event.check_in");
    let v = service::read_ticket(&state.services, caller, ticket)
        .await
        .map_err(|e| PageError::service(&e, chrome.clone()))?;
    let r = &v.registration;
    Ok(CheckInPage {
        event: v.event.id,
        title: v.event.title.clone(),
        name: r.name.clone(),
        status: lang.t(&format!("event.reg.{}", r.status.code())).to_owned(),
        tone: r.status.badge(),
        ticket: r.ticket.clone(),
        checked_in: r.checked_in_at.map(datetime).unwrap_or_default(),
        can_check_in: v.can_check_in,
        manages: v.manages,
        notice: None,
        form,
        chrome,
    })
}

/// What the QR code opens: whose ticket, and for the organizer the check-in button.
pub async fn ticket_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(ticket): Path<String>,
    Query(q): Query<EventQuery>,
) -> Result<Response, PageError> {
    let caller = ctx.caller.principal.clone();
    let mut page = checkin_page(&state, &ctx, caller.as_ref(), &ticket, FormState::default()).await?;
    page.notice = done_notice(ctx.lang, &q);
    Ok(render(StatusCode::OK, &page))
}

/// Checks the ticket in.
pub async fn check_in(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(ticket): Path<String>,
    body: String,
) -> Result<Response, PageError> {
    match service::check_in(&state.services, &p, &ticket, &c.ip).await {
        Ok(_) => Ok(Redirect::to(&format!("/events/checkin/{ticket}?done=checked_in")).into_response()),
        Err(e) => {
            forms::refused(e, FormState::from_body(&body), &ctx, "event.check_in", |form| {
                checkin_page(&state, &ctx, Some(&p), &ticket, form)
            })
            .await
        }
    }
}

/// Checks in by a typed (or scanner-typed) ticket code, from the event page.
pub async fn check_in_code(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    body: String,
) -> Result<Response, PageError> {
    let f = Fields::new(&body);
    let event: i32 = f.text("event").trim().parse().unwrap_or(0);
    // A scanner may type the whole address the QR code holds: its last segment is the code.
    let raw = f.text("code");
    let code = raw.trim().rsplit('/').next().unwrap_or_default().to_owned();
    let result = if code.is_empty() {
        Err(ServiceError::Fields(vec![FieldError::new("code", "event.code_required")]))
    } else {
        service::check_in(&state.services, &p, &code, &c.ip).await
    };
    match result {
        Ok(r) if r.event == event => Ok(Redirect::to(&format!("/events/{event}?done=checked_in")).into_response()),
        Ok(r) => Ok(Redirect::to(&format!("/events/checkin/{}?done=checked_in", r.ticket)).into_response()),
        Err(ServiceError::NotFound { .. }) => {
            let e = ServiceError::Fields(vec![FieldError::new("code", "event.no_ticket")]);
            refused_on_event(&state, &ctx, &p, event, e, FormState::from_body(&body)).await
        }
        Err(e) => refused_on_event(&state, &ctx, &p, event, e, FormState::from_body(&body)).await,
    }
}

/// A participant as a row of the wishes form.
struct PeerRow {
    id: i32,
    name: String,
    wish: &'static str,
}

#[derive(Template)]
#[template(path = "event/wishes.html")]
struct WishesPage {
    chrome: Chrome,
    id: i32,
    rows: Vec<PeerRow>,
    pager: Pager,
    page: u64,
    final_: bool,
    notice: Option<String>,
}

/// The other participants of a 对接会 with the caller's wishes.
pub async fn wishes(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Path(id): Path<i32>,
    Query(q): Query<EventQuery>,
) -> Result<Response, PageError> {
    let chrome = ctx
        .chrome("event.wishes")
        .crumb("event.events", Some("/events"))
        .crumb("event.event", Some(&format!("/events/{id}")));
    let (e, page) = service::peers(&state.services, &p, id, PageRequest::new(q.page.parse().ok(), Some(50)))
        .await
        .map_err(|e| PageError::service(&e, chrome.clone()))?;
    let view = WishesPage {
        id,
        rows: page
            .items
            .iter()
            .map(|x| PeerRow { id: x.registration, name: x.name.clone(), wish: x.wish.map_or("", |w| w.code()) })
            .collect(),
        pager: chrome.pager(&page),
        page: page.page,
        final_: e.schedule == ScheduleStatus::Final,
        notice: done_notice(ctx.lang, &q),
        chrome,
    };
    Ok(render(StatusCode::OK, &view))
}

/// Saves the wishes of one page of participants.
pub async fn save_wishes(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
    body: String,
) -> Result<Response, PageError> {
    let f = Fields::new(&body);
    let ids: Vec<i32> = f.all("ids").iter().filter_map(|s| s.trim().parse().ok()).collect();
    let mut wishes = Vec::new();
    for r in ids {
        let raw = f.text(&format!("w{r}"));
        let wish = match raw.trim() {
            "" => None,
            code => match Wish::parse(code) {
                Some(w) => Some(w),
                None => {
                    let e = ServiceError::Fields(vec![FieldError::new("wishes", "form.choice")]);
                    return Err(PageError::service(&e, ctx.chrome("event.wishes")));
                }
            },
        };
        wishes.push((r, wish));
    }
    let page = f.text("page");
    match service::set_wishes(&state.services, &p, id, &wishes, &c.ip).await {
        Ok(()) => Ok(Redirect::to(&format!("/events/{id}/wishes?page={}&done=wishes", page.trim())).into_response()),
        Err(e) => Err(PageError::service(&e, ctx.chrome("event.wishes"))),
    }
}

/// A meeting of the personal schedule.
struct MyRow {
    id: i32,
    at: String,
    table: i32,
    with: String,
    outcome: String,
    note: String,
    can_record: bool,
    /// The deal it opened.
    deal: Option<i32>,
    /// The caller may open a deal from it (held, none yet).
    can_open_deal: bool,
}

#[derive(Template)]
#[template(path = "event/schedule.html")]
struct SchedulePage {
    chrome: Chrome,
    id: i32,
    title: String,
    name: String,
    status: String,
    provisional: bool,
    rows: Vec<MyRow>,
    change_request: String,
    form: FormState,
    notice: Option<String>,
}

async fn schedule_page(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    id: i32,
    form: FormState,
) -> Result<SchedulePage, PageError> {
    let lang = ctx.lang;
    let chrome = ctx
        .chrome("event.my_schedule")
        .crumb("event.events", Some("/events"))
        .crumb("event.event", Some(&format!("/events/{id}")));
    let (e, mine, rows) =
        service::my_schedule(&state.services, p, id).await.map_err(|e| PageError::service(&e, chrome.clone()))?;
    Ok(SchedulePage {
        id,
        title: e.title.clone(),
        name: mine.name.clone(),
        status: lang.t(&format!("event.schedule_status.{}", e.schedule.code())).to_owned(),
        provisional: e.schedule == ScheduleStatus::Provisional,
        rows: rows
            .iter()
            .map(|m| MyRow {
                id: m.meeting.id,
                at: m.at.format("%Y-%m-%d %H:%M").to_string(),
                table: m.meeting.table + 1,
                with: m.with.clone(),
                outcome: m
                    .outcome
                    .map(|o| lang.t(&format!("event.outcome.{}", o.code())).to_owned())
                    .unwrap_or_default(),
                note: m.note.clone(),
                can_record: m.can_record,
                deal: m.deal,
                can_open_deal: m.deal.is_none() && m.outcome == Some(Outcome::Held),
            })
            .collect(),
        change_request: mine.change_request.clone(),
        form,
        notice: None,
        chrome,
    })
}

/// The caller's personal schedule (printable).
pub async fn schedule(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Path(id): Path<i32>,
    Query(q): Query<EventQuery>,
) -> Result<Response, PageError> {
    let mut page = schedule_page(&state, &ctx, &p, id, FormState::default()).await?;
    page.notice = done_notice(ctx.lang, &q);
    Ok(render(StatusCode::OK, &page))
}

/// A change request to the provisional schedule.
pub async fn request_change(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
    body: String,
) -> Result<Response, PageError> {
    let f = Fields::new(&body);
    match service::request_change(&state.services, &p, id, &f.text("change"), &c.ip).await {
        Ok(()) => Ok(Redirect::to(&format!("/events/{id}/schedule?done=change")).into_response()),
        Err(e) => {
            forms::refused(e, FormState::from_body(&body), &ctx, "event.my_schedule", |form| {
                schedule_page(&state, &ctx, &p, id, form)
            })
            .await
        }
    }
}

/// Records how a meeting went.
pub async fn outcome(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(meeting): Path<i32>,
    body: String,
) -> Result<Response, PageError> {
    let f = Fields::new(&body);
    let Some(outcome) = Outcome::parse(f.text("outcome").trim()) else {
        let e = ServiceError::Fields(vec![FieldError::new("outcome", "form.choice")]);
        return Err(PageError::service(&e, ctx.chrome("event.my_schedule")));
    };
    match service::record_outcome(&state.services, &p, meeting, outcome, &f.text("note"), &c.ip).await {
        Ok(event) => Ok(Redirect::to(&format!("/events/{event}/schedule?done=outcome")).into_response()),
        Err(e) => Err(PageError::service(&e, ctx.chrome("event.my_schedule"))),
    }
}

/// Builds the provisional schedule.
pub async fn build(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
    body: String,
) -> Result<Response, PageError> {
    match service::build_schedule(&state.services, &p, id, &c.ip).await {
        Ok(b) => Ok(Redirect::to(&format!(
            "/events/{id}?done=built&meetings={}&musts={}&unmet={}&wants={}&gap={:.4}#schedule",
            b.meetings, b.musts, b.musts_unmet, b.wants, b.gap
        ))
        .into_response()),
        Err(e) => refused_on_event(&state, &ctx, &p, id, e, FormState::from_body(&body)).await,
    }
}

/// Makes the schedule final.
pub async fn finalize(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
    body: String,
) -> Result<Response, PageError> {
    match service::finalize_schedule(&state.services, &p, id, &c.ip).await {
        Ok(()) => Ok(Redirect::to(&format!("/events/{id}?done=final#schedule")).into_response()),
        Err(e) => refused_on_event(&state, &ctx, &p, id, e, FormState::from_body(&body)).await,
    }
}

/// Opens a deal from a held meeting.
pub async fn open_deal(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(meeting): Path<i32>,
) -> Result<Response, PageError> {
    match service::open_deal(&state.services, &p, meeting, &c.ip).await {
        Ok(deal) => Ok(Redirect::to(&format!("/deals/{deal}?done=opened")).into_response()),
        Err(e) => Err(PageError::service(&e, ctx.chrome("event.my_schedule"))),
    }
}
