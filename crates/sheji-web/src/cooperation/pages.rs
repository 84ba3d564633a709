//! The deal pages: the caller's deals (and, for staff, their districts' with a tally by
//! district), one deal with the actions the service allows the caller, and the quote form.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sheji_core::cooperation::{
    DealAction, DealSide, DealStatus, MAX_MILESTONES, MILESTONE_FIELDS, MilestoneAction, MilestoneDraft, QuoteDraft,
};
use sheji_core::i18n::Lang;
use sheji_core::identity::Principal;
use sheji_core::ids::DistrictId;
use sheji_core::matchmaking::Mode;
use sheji_core::page::PageRequest;
use sheji_service::cooperation::{self as service, ActInput, DealView, ListFilter};
use sheji_service::{FieldError, ServiceError};

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{PageError, render};
use crate::forms::{self, Fields, FormState};
use crate::layout::{Choice, Chrome, Ctx, Pager, TimelineEntry};

/// List filters; a value that does not parse is ignored, as on every list.
#[derive(Debug, Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    district: String,
    #[serde(default)]
    page: String,
    #[serde(default)]
    done: String,
}

fn done_notice(lang: Lang, done: &str) -> Option<String> {
    crate::layout::done_notice(lang, "cooperation", done)
}

fn status_label(lang: Lang, s: DealStatus) -> String {
    lang.t(&format!("cooperation.status.{}", s.code())).to_owned()
}

fn amount_text(lang: Lang, a: Option<f64>) -> String {
    sheji_service::matchmaking::guide::amount(lang, a, a)
}

/// A deal as a row.
struct DealRow {
    id: i32,
    title: String,
    demander: String,
    provider: String,
    status: String,
    tone: &'static str,
    amount: String,
    updated: String,
}

/// A district's line of the tally.
struct TallyRow {
    district: String,
    counts: Vec<i64>,
    amount: String,
}

#[derive(Template)]
#[template(path = "cooperation/deals.html")]
struct DealsPage {
    chrome: Chrome,
    rows: Vec<DealRow>,
    pager: Pager,
    statuses: Vec<Choice>,
    districts: Vec<Choice>,
    staff: bool,
    status_names: Vec<String>,
    tally: Vec<TallyRow>,
    /// Deals opened at events: (event, deals, signed).
    by_event: Vec<(String, i64, i64)>,
    /// Deals by cluster: (cluster, deals, signed).
    by_cluster: Vec<(String, i64, i64)>,
    notice: Option<String>,
}

/// The caller's deals; staff also see their districts' and the tally.
pub async fn deals(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let chrome = ctx.chrome("cooperation.deals");
    let err = |e: ServiceError| PageError::service(&e, ctx.chrome("cooperation.deals"));
    let status = DealStatus::parse(q.status.trim());
    let district = q.district.trim().parse::<i32>().ok().map(DistrictId);
    let filter = ListFilter { status, district };
    let page =
        service::list(&state.services, &p, &filter, PageRequest::new(q.page.parse().ok(), None)).await.map_err(err)?;
    let staff = service::sees_tally(&state.services, &p);
    let tally = if staff { service::tally(&state.services, &p).await.map_err(err)? } else { Vec::new() };
    let by_event = if staff { service::tally_by_event(&state.services, &p).await.map_err(err)? } else { Vec::new() };
    let by_cluster = if staff {
        service::tally_by_cluster(&state.services, &p)
            .await
            .map_err(err)?
            .into_iter()
            .map(|(name, n, s)| {
                (if name.is_empty() { lang.t("cooperation.no_cluster").to_owned() } else { name }, n, s)
            })
            .collect()
    } else {
        Vec::new()
    };
    // The districts that have deals, from the tally (staff only).
    let districts = tally
        .iter()
        .map(|(name, t)| Choice::selected_if(t.district.to_string(), name.clone(), Some(t.district) == district))
        .collect();
    let rows = page
        .items
        .iter()
        .map(|l| DealRow {
            id: l.deal.id,
            title: l.deal.title.clone(),
            demander: l.demander.clone(),
            provider: l.provider.clone(),
            status: status_label(lang, l.deal.status),
            tone: l.deal.status.badge(),
            amount: l.deal.amount.map(|a| amount_text(lang, Some(a))).unwrap_or_default(),
            updated: sheji_core::i18n::datetime(l.deal.updated_at),
        })
        .collect();
    let view = DealsPage {
        rows,
        pager: chrome.pager(&page),
        statuses: DealStatus::ALL
            .iter()
            .map(|s| Choice::selected_if(s.code().to_owned(), status_label(lang, *s), Some(*s) == status))
            .collect(),
        districts,
        staff,
        status_names: DealStatus::ALL.iter().map(|s| status_label(lang, *s)).collect(),
        tally: tally
            .into_iter()
            .map(|(name, t)| TallyRow {
                district: name,
                counts: DealStatus::ALL.iter().map(|s| t.by_status.get(s).copied().unwrap_or(0)).collect(),
                amount: amount_text(lang, Some(t.signed_amount)),
            })
            .collect(),
        by_event,
        by_cluster,
        notice: done_notice(lang, &q.done),
        chrome,
    };
    Ok(render(StatusCode::OK, &view))
}

/// An action button of a deal.
struct ActionButton {
    code: &'static str,
    label: String,
    confirm: bool,
    consequence: String,
}

/// A milestone as a row, with the caller's buttons.
struct MilestoneRow {
    id: i32,
    seq: i32,
    title: String,
    due: String,
    amount: String,
    status: String,
    tone: &'static str,
    delivery: String,
    changes: String,
    window: String,
    deliver: bool,
    accept: bool,
    request_changes: bool,
    /// Its form: what was typed and refused when it was this one's, empty otherwise.
    form: FormState,
}

/// A rating as shown.
struct RatingRow {
    by: String,
    score: i32,
    comment: String,
    at: String,
}

#[derive(Template)]
#[template(path = "cooperation/deal.html")]
struct DealPage {
    chrome: Chrome,
    id: i32,
    status: String,
    tone: &'static str,
    demand: Option<i32>,
    offer: Option<i32>,
    /// The 对接会 it came from: (id, title).
    event: Option<(i32, String)>,
    demander: String,
    provider: String,
    district: String,
    my_side: String,
    mode: String,
    amount: String,
    scope: String,
    quoted_on: String,
    quotes: i32,
    signed_on: String,
    completed_on: String,
    dispute: String,
    dispute_reason: String,
    closed_reason: String,
    can_quote: bool,
    /// Signing (a date, asked twice).
    sign: Option<ActionButton>,
    /// The actions that take a reason, sharing one reason field.
    reasoned: Vec<ActionButton>,
    /// What the reason field asks for.
    reason_hint: String,
    milestones: Vec<MilestoneRow>,
    steps: Vec<TimelineEntry>,
    ratings: Vec<RatingRow>,
    can_rate: bool,
    scores: Vec<Choice>,
    form: FormState,
    notice: Option<String>,
}

fn side_label(lang: Lang, side: DealSide) -> String {
    lang.t(&format!("cooperation.side.{}", side.code())).to_owned()
}

fn step_label(lang: Lang, step: &str) -> String {
    let key = format!("cooperation.step.{step}");
    if sheji_core::i18n::catalogue::has(&key) { lang.t(&key).to_owned() } else { step.to_owned() }
}

async fn deal_page(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    id: i32,
    form: FormState,
) -> Result<DealPage, PageError> {
    let lang = ctx.lang;
    let base = ctx.chrome("cooperation.deal").crumb("cooperation.deals", Some("/deals"));
    let v: DealView = service::deal(&state.services, p, id).await.map_err(|e| PageError::service(&e, base.clone()))?;
    let d = &v.deal;
    let mut chrome = base.clone();
    chrome.title = d.title.clone();
    let button = |a: &DealAction| ActionButton {
        code: a.code(),
        label: lang.t(&format!("cooperation.action.{}", a.code())).to_owned(),
        confirm: matches!(a, DealAction::Sign | DealAction::Close | DealAction::Terminate),
        consequence: lang.t(&format!("cooperation.consequence.{}", a.code())).to_owned(),
    };
    let sign = v.actions.iter().find(|a| **a == DealAction::Sign).map(button);
    let reasoned: Vec<ActionButton> = v.actions.iter().filter(|a| a.needs_reason()).map(button).collect();
    let reason_hint = lang
        .t(match d.status {
            DealStatus::Quoted => "cooperation.reason_hint.quoted",
            DealStatus::Disputed => "cooperation.reason_hint.disputed",
            DealStatus::Contracted => "cooperation.reason_hint.contracted",
            _ => "cooperation.reason_hint.lead",
        })
        .to_owned();
    let refused_milestone = form.value("milestone").to_owned();
    let milestones = v
        .milestones
        .iter()
        .map(|l| {
            let m = &l.milestone;
            MilestoneRow {
                id: m.id,
                seq: m.seq,
                title: m.title.clone(),
                due: lang.date(m.due_on),
                amount: m.amount.map(|a| amount_text(lang, Some(a))).unwrap_or_default(),
                status: if m.deemed {
                    lang.t("cooperation.milestone_status.deemed").to_owned()
                } else {
                    lang.t(&format!("cooperation.milestone_status.{}", m.status.code())).to_owned()
                },
                tone: m.status.badge(),
                delivery: m.delivery_note.clone(),
                changes: m.change_note.clone(),
                window: l
                    .window_ends
                    .map(|day| lang.tf("cooperation.window_until", &[("day", &lang.date(day))]))
                    .unwrap_or_default(),
                deliver: l.actions.contains(&MilestoneAction::Deliver),
                accept: l.actions.contains(&MilestoneAction::Accept),
                request_changes: l.actions.contains(&MilestoneAction::RequestChanges),
                form: if refused_milestone == m.id.to_string() { form.clone() } else { FormState::default() },
            }
        })
        .collect();
    let steps = v
        .steps
        .iter()
        .map(|s| TimelineEntry {
            at: sheji_core::i18n::datetime(s.at),
            what: step_label(lang, &s.step),
            who: if s.actor == "system" { lang.t("cooperation.by_system").to_owned() } else { s.actor.clone() },
            note: s.note.clone(),
        })
        .collect();
    Ok(DealPage {
        id,
        status: status_label(lang, d.status),
        tone: d.status.badge(),
        demand: d.demand,
        offer: d.offer,
        event: d.event.zip(v.event_title.clone()),
        demander: v.demander.clone(),
        provider: v.provider.clone(),
        district: v.district.clone(),
        my_side: v
            .standing
            .acts_for
            .or(v.standing.reads_for)
            .map(|s| side_label(lang, s))
            .unwrap_or_else(|| lang.t("cooperation.side.staff").to_owned()),
        mode: d.mode.map(|m| lang.t(&format!("matchmaking.mode.{}", m.code())).to_owned()).unwrap_or_default(),
        amount: d.amount.map(|a| amount_text(lang, Some(a))).unwrap_or_default(),
        scope: d.scope.clone(),
        quoted_on: d.quoted_on.map(|x| lang.date(x)).unwrap_or_default(),
        quotes: d.quotes,
        signed_on: d.signed_on.map(|x| lang.date(x)).unwrap_or_default(),
        completed_on: d.completed_on.map(|x| lang.date(x)).unwrap_or_default(),
        dispute: d
            .dispute_stage
            .map(|s| {
                lang.tf(
                    "cooperation.dispute_at",
                    &[
                        ("stage", lang.t(&format!("cooperation.stage.{}", s.code()))),
                        ("side", &d.dispute_side.map(|x| side_label(lang, x)).unwrap_or_default()),
                    ],
                )
            })
            .unwrap_or_default(),
        dispute_reason: d.dispute_reason.clone().unwrap_or_default(),
        closed_reason: d.closed_reason.clone().unwrap_or_default(),
        can_quote: v.actions.contains(&DealAction::Quote),
        sign,
        reasoned,
        reason_hint,
        milestones,
        steps,
        ratings: v
            .ratings
            .iter()
            .map(|r| RatingRow {
                by: side_label(lang, r.side),
                score: r.score,
                comment: r.comment.clone(),
                at: sheji_core::i18n::datetime(r.at),
            })
            .collect(),
        can_rate: v.can_rate,
        scores: (1..=5)
            .rev()
            .map(|n| Choice::new(n.to_string(), lang.tf("cooperation.score_n", &[("n", &n.to_string())])))
            .collect(),
        form,
        notice: None,
        chrome,
    })
}

/// One deal.
pub async fn deal(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Path(id): Path<i32>,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let mut page = deal_page(&state, &ctx, &p, id, FormState::default()).await?;
    page.notice = done_notice(ctx.lang, &q.done);
    Ok(render(StatusCode::OK, &page))
}

/// An action on a deal (sign, revise, close, dispute, escalate, resume, terminate).
pub async fn act(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
    body: String,
) -> Result<Response, PageError> {
    let mut f = Fields::new(&body);
    let Some(action) = DealAction::parse(f.text("action").trim()) else {
        return Err(PageError::not_found(ctx.chrome("cooperation.deal")));
    };
    let signed_on = f.optional_date("signed_on");
    let input = ActInput { reason: f.text("reason"), signed_on };
    let result = match f.finish((), |_| Vec::new()) {
        Ok(()) => service::act(&state.services, &p, id, action, &input, &c.ip).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/deals/{id}?done={}", action.code())).into_response()),
        Err(e) => {
            forms::refused(e, FormState::from_body(&body), &ctx, "cooperation.deal", |form| {
                deal_page(&state, &ctx, &p, id, form)
            })
            .await
        }
    }
}

/// A milestone's delivery, acceptance or change request.
pub async fn milestone(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path((id, milestone)): Path<(i32, i32)>,
    body: String,
) -> Result<Response, PageError> {
    let f = Fields::new(&body);
    let Some(action) = MilestoneAction::parse(f.text("action").trim()) else {
        return Err(PageError::not_found(ctx.chrome("cooperation.deal")));
    };
    match service::milestone_act(&state.services, &p, milestone, action, &f.text("note"), &c.ip).await {
        Ok(_) => Ok(Redirect::to(&format!("/deals/{id}?done={}#milestones", action.code())).into_response()),
        Err(e) => {
            // The note's error belongs to this milestone's form only.
            let form = FormState::from_body(&body).keep("milestone", &milestone.to_string());
            forms::refused(e, form, &ctx, "cooperation.deal", |form| deal_page(&state, &ctx, &p, id, form)).await
        }
    }
}

/// A rating of the other side.
pub async fn rate(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
    body: String,
) -> Result<Response, PageError> {
    let mut f = Fields::new(&body);
    let score = f.optional_as::<i32>("score", "cooperation.score_range");
    let comment = f.text("comment");
    let result = match f.finish(score, |_| Vec::new()) {
        Ok(score) => service::rate(&state.services, &p, id, score, &comment, &c.ip).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/deals/{id}?done=rated")).into_response()),
        Err(e) => {
            forms::refused(e, FormState::from_body(&body), &ctx, "cooperation.deal", |form| {
                deal_page(&state, &ctx, &p, id, form)
            })
            .await
        }
    }
}

/// One milestone row of the quote form.
struct MilestoneInputs {
    n: usize,
    title: &'static str,
    due: &'static str,
    amount: &'static str,
}

#[derive(Template)]
#[template(path = "cooperation/quote.html")]
struct QuotePage {
    chrome: Chrome,
    id: i32,
    modes: Vec<Choice>,
    rows: Vec<MilestoneInputs>,
    form: FormState,
}

async fn quote_page(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    id: i32,
    form: FormState,
) -> Result<QuotePage, PageError> {
    let lang = ctx.lang;
    let base = ctx.chrome("cooperation.quote").crumb("cooperation.deals", Some("/deals"));
    let v = service::deal(&state.services, p, id).await.map_err(|e| PageError::service(&e, base.clone()))?;
    if !v.actions.contains(&DealAction::Quote) {
        return Err(PageError::service(&ServiceError::Conflict { key: "cooperation.action_closed" }, base));
    }
    let chrome = base.crumb("cooperation.deal", Some(&format!("/deals/{id}")));
    // Rows in use and two blank ones, at least three.
    let used = MILESTONE_FIELDS.iter().rposition(|[t, d, a]| [t, d, a].iter().any(|n| !form.value(n).is_empty()));
    let shown = used.map_or(3, |i| i + 3).clamp(3, MAX_MILESTONES);
    Ok(QuotePage {
        id,
        modes: Mode::ALL
            .iter()
            .map(|m| Choice::new(m.code().to_owned(), lang.t(&format!("matchmaking.mode.{}", m.code())).to_owned()))
            .collect(),
        rows: MILESTONE_FIELDS
            .iter()
            .take(shown)
            .enumerate()
            .map(|(i, [title, due, amount])| MilestoneInputs { n: i + 1, title, due, amount })
            .collect(),
        form,
        chrome,
    })
}

/// The form a quote starts from: the last quote's values (a revision), or the demand's
/// first accepted mode.
fn quote_state(v: &DealView) -> FormState {
    let d = &v.deal;
    let mut form = FormState::default()
        .keep("mode", d.mode.map(|m| m.code()).unwrap_or_default())
        .keep("amount", &d.amount.map(|a| a.to_string()).unwrap_or_default())
        .keep("scope", &d.scope);
    for (l, [title, due, amount]) in v.milestones.iter().zip(MILESTONE_FIELDS) {
        form = form
            .keep(title, &l.milestone.title)
            .keep(due, &l.milestone.due_on.to_string())
            .keep(amount, &l.milestone.amount.map(|a| a.to_string()).unwrap_or_default());
    }
    form
}

/// The quote form (the provider, on a lead).
pub async fn quote_form(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Path(id): Path<i32>,
) -> Result<Response, PageError> {
    let base = ctx.chrome("cooperation.quote");
    let v = service::deal(&state.services, &p, id).await.map_err(|e| PageError::service(&e, base))?;
    Ok(render(StatusCode::OK, &quote_page(&state, &ctx, &p, id, quote_state(&v)).await?))
}

fn amount_field(f: &mut Fields, name: &'static str) -> Option<f64> {
    f.optional_number(name, "cooperation.amount_range")
}

fn read_quote(f: &mut Fields) -> QuoteDraft {
    let mode_text = f.text("mode");
    let mode = Mode::parse(mode_text.trim());
    if mode.is_none() && !mode_text.trim().is_empty() {
        f.refuse(FieldError::new("mode", "form.choice"));
    }
    let amount = amount_field(f, "amount");
    let mut milestones = Vec::new();
    for [title, due, amount] in MILESTONE_FIELDS {
        let blank = [title, due, amount].iter().all(|n| f.text(n).trim().is_empty());
        if blank {
            continue;
        }
        milestones.push(MilestoneDraft {
            title: f.text(title),
            due_on: f.optional_date(due),
            amount: amount_field(f, amount),
        });
    }
    QuoteDraft { mode, amount, scope: f.text("scope"), milestones }
}

/// Sends a quote.
pub async fn quote(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
    body: String,
) -> Result<Response, PageError> {
    let mut f = Fields::new(&body);
    let draft = read_quote(&mut f);
    let today = state.services.today();
    let result = match f.finish(draft.clone(), |q| {
        sheji_core::cooperation::check_quote(q, today).into_iter().map(|(f, k)| FieldError::new(f, k)).collect()
    }) {
        Ok(q) => service::quote(&state.services, &p, id, &q, &c.ip).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/deals/{id}?done=quote")).into_response()),
        Err(e) => {
            forms::refused(e, FormState::from_body(&body), &ctx, "cooperation.quote", |form| {
                quote_page(&state, &ctx, &p, id, form)
            })
            .await
        }
    }
}
