//! The matchmaking pages: the public demand and offer lists with their filters, a demand and
//! an offer with the actions the service allows the caller, their forms, the ranked matches
//! with every part of the score explained, the caller's own records and interests, and the
//! staff review list.

use std::collections::BTreeSet;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sheji_core::i18n::Lang;
use sheji_core::identity::Principal;
use sheji_core::ids::{ClusterId, DistrictId};
use sheji_core::matchmaking::{
    DemandAction, DemandDraft, DemandStatus, Mode, OfferAction, OfferDraft, OfferStatus, Side,
};
use sheji_core::page::PageRequest;
use sheji_service::matchmaking::{
    self as service, Choices, DemandFilter, DemandLine, InterestLine, OfferFilter, OfferLine, Ranked,
};
use sheji_service::{FieldError, ServiceError};

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{PageError, render};
use crate::forms::{self, Fields, FormState};
use crate::layout::{Choice, Chrome, Ctx, Pager};

/// List filters (all optional; a value that does not parse is ignored, as on every list).
#[derive(Debug, Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    category: String,
    #[serde(default)]
    cluster: String,
    #[serde(default)]
    district: String,
    #[serde(default)]
    budget: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    page: String,
    #[serde(default)]
    done: String,
}

/// The confirmation of what was just done (`?done=` after a redirect); an unknown word shows
/// nothing rather than a message key.
fn done_notice(lang: Lang, done: &str) -> Option<String> {
    crate::layout::done_notice(lang, "matchmaking", done)
}

fn amount_text(lang: Lang, lo: Option<f64>, hi: Option<f64>) -> String {
    service::guide::amount(lang, lo, hi)
}

fn category_names(lang: Lang, c: &Choices, codes: &BTreeSet<String>) -> String {
    let codes: Vec<String> = codes.iter().cloned().collect();
    service::guide::category_names(lang, c, &codes)
}

fn cluster_name(c: &Choices, id: ClusterId) -> String {
    c.clusters.iter().find(|(k, _)| *k == id).map(|(_, n)| n.clone()).unwrap_or_default()
}

fn category_choices(lang: Lang, c: &Choices, form: &FormState, name: &str) -> Vec<Choice> {
    c.categories
        .iter()
        .map(|(code, label, group)| {
            let shown = lang.tf("matchmaking.category_in_group", &[("name", label), ("group", group)]);
            Choice::selected_if(code.clone(), shown, form.is(name, code))
        })
        .collect()
}

fn cluster_choices(c: &Choices, form: &FormState, name: &str) -> Vec<Choice> {
    c.clusters
        .iter()
        .map(|(id, label)| Choice::selected_if(id.to_string(), label.clone(), form.is(name, &id.to_string())))
        .collect()
}

fn mode_choices(lang: Lang, form: &FormState) -> Vec<Choice> {
    Mode::ALL
        .iter()
        .map(|m| {
            Choice::selected_if(m.code(), lang.t(&format!("matchmaking.mode.{}", m.code())), form.is("modes", m.code()))
        })
        .collect()
}

fn status_label(lang: Lang, s: DemandStatus) -> String {
    lang.t(&format!("matchmaking.status.{}", s.code())).to_owned()
}

fn offer_status_label(lang: Lang, s: OfferStatus) -> String {
    lang.t(&format!("matchmaking.offer_status.{}", s.code())).to_owned()
}

async fn district_choices(state: &AppState, selected: &str) -> Result<Vec<Choice>, ServiceError> {
    Ok(sheji_service::reference::list_districts(
        &state.services,
        &Default::default(),
        PageRequest::new(Some(1), Some(200)),
    )
    .await?
    .items
    .into_iter()
    .map(|d| Choice::selected_if(d.id.to_string(), d.name, d.id.to_string() == selected))
    .collect())
}

/// One demand in a list.
pub(crate) struct DemandRow {
    id: i32,
    title: String,
    organization: String,
    categories: String,
    budget: String,
    deadline: String,
    status: String,
    tone: &'static str,
}

fn demand_row(lang: Lang, c: &Choices, l: &DemandLine) -> DemandRow {
    let d = &l.demand;
    DemandRow {
        id: d.id,
        title: d.draft.title.clone(),
        organization: l.organization.clone(),
        categories: category_names(lang, c, &d.draft.categories),
        budget: amount_text(lang, d.draft.budget_min, d.draft.budget_max),
        deadline: d.draft.deadline.map(|x| lang.date(x)).unwrap_or_default(),
        status: status_label(lang, d.status),
        tone: d.status.badge(),
    }
}

/// One offer in a list.
pub(crate) struct OfferRow {
    id: i32,
    title: String,
    provider: String,
    categories: String,
    price: String,
    capacity: String,
    status: String,
    tone: &'static str,
}

fn offer_row(lang: Lang, c: &Choices, l: &OfferLine) -> OfferRow {
    let o = &l.offer;
    OfferRow {
        id: o.id,
        title: o.draft.title.clone(),
        provider: l.provider.clone(),
        categories: category_names(lang, c, &o.draft.categories),
        price: amount_text(lang, o.draft.price_min, o.draft.price_max),
        capacity: o.draft.capacity.map(|x| x.to_string()).unwrap_or_default(),
        status: offer_status_label(lang, o.status),
        tone: o.status.badge(),
    }
}

#[derive(Template)]
#[template(path = "matchmaking/demands.html")]
struct DemandsPage {
    chrome: Chrome,
    action: &'static str,
    rows: Vec<DemandRow>,
    categories: Vec<Choice>,
    clusters: Vec<Choice>,
    districts: Vec<Choice>,
    /// Staff filter by state; empty on the public list.
    statuses: Vec<Choice>,
    budget: String,
    pager: Pager,
    export_href: Option<String>,
    can_write: bool,
    show_mine: bool,
    notice: Option<String>,
}

fn filter_of(q: &ListQuery) -> DemandFilter {
    DemandFilter {
        category: (!q.category.trim().is_empty()).then(|| q.category.trim().to_owned()),
        cluster: q.cluster.trim().parse().ok().map(ClusterId),
        districts: q.district.trim().parse().ok().map(|d| vec![DistrictId(d)]),
        budget_at_least: q.budget.trim().parse::<f64>().ok().filter(|b| b.is_finite() && *b >= 0.0),
        statuses: DemandStatus::parse(q.status.trim()).into_iter().collect(),
        ..DemandFilter::default()
    }
}

async fn demand_list(
    state: &AppState,
    ctx: &Ctx,
    caller: Option<&Principal>,
    q: &ListQuery,
    staff: bool,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let title = if staff { "nav.matchmaking_review" } else { "nav.demands" };
    let chrome = ctx.chrome(title);
    let err = |e: ServiceError| PageError::service(&e, ctx.chrome(title));
    let c = service::choices(&state.services).await.map_err(err)?;
    let filter = filter_of(q);
    let req = PageRequest::new(q.page.parse().ok(), None);
    let page = match (staff, caller) {
        (true, Some(p)) => service::staff_demands(&state.services, p, &filter, req).await.map_err(err)?,
        (true, None) => return Err(PageError::forbidden(chrome)),
        (false, _) => service::public_demands(&state.services, &filter, req).await.map_err(err)?,
    };
    let rows = page.items.iter().map(|l| demand_row(lang, &c, l)).collect();
    let pager = chrome.pager(&page);
    let sel = |value: &str, field: &str| value == field;
    let actions = service::actions(&state.services, caller);
    let view = DemandsPage {
        action: if staff { "/matchmaking/review" } else { "/demands" },
        rows,
        categories: c
            .categories
            .iter()
            .map(|(k, n, _)| Choice::selected_if(k.clone(), n.clone(), sel(k, q.category.trim())))
            .collect(),
        clusters: c
            .clusters
            .iter()
            .map(|(k, n)| Choice::selected_if(k.to_string(), n.clone(), sel(&k.to_string(), q.cluster.trim())))
            .collect(),
        districts: district_choices(state, q.district.trim()).await.map_err(err)?,
        statuses: if staff {
            DemandStatus::ALL
                .iter()
                .map(|s| Choice::selected_if(s.code(), status_label(lang, *s), s.code() == q.status.trim()))
                .collect()
        } else {
            Vec::new()
        },
        budget: q.budget.trim().chars().take(12).collect(),
        pager,
        export_href: (staff && actions.manage).then(|| "/matchmaking/export.xlsx".to_owned()),
        can_write: actions.demand,
        show_mine: actions.mine,
        notice: done_notice(lang, &q.done),
        chrome,
    };
    Ok(render(StatusCode::OK, &view))
}

/// The public list of demands.
pub async fn demands(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let caller = ctx.caller.principal.clone();
    demand_list(&state, &ctx, caller.as_ref(), &q, false).await
}

/// The staff list: every state in the caller's districts, with the export.
pub async fn review(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    if !service::actions(&state.services, Some(&p)).manage {
        return Err(PageError::forbidden(ctx.chrome("nav.matchmaking_review")));
    }
    demand_list(&state, &ctx, Some(&p), &q, true).await
}

/// The demands and offers as .xlsx (staff, their scope).
pub async fn export(State(state): State<AppState>, ctx: Ctx, PageUser(p, _): PageUser) -> Result<Response, PageError> {
    match service::export_xlsx(&state.services, &p, ctx.lang).await {
        Ok(bytes) => Ok(crate::download::xlsx_response(bytes, "demands-and-offers.xlsx")),
        Err(e) => Err(PageError::service(&e, ctx.chrome("nav.matchmaking_review"))),
    }
}

#[derive(Template)]
#[template(path = "matchmaking/offers.html")]
struct OffersPage {
    chrome: Chrome,
    rows: Vec<OfferRow>,
    categories: Vec<Choice>,
    clusters: Vec<Choice>,
    districts: Vec<Choice>,
    budget: String,
    pager: Pager,
    can_write: bool,
    show_mine: bool,
    notice: Option<String>,
}

/// The public list of offers.
pub async fn offers(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let chrome = ctx.chrome("nav.offers");
    let err = |e: ServiceError| PageError::service(&e, ctx.chrome("nav.offers"));
    let c = service::choices(&state.services).await.map_err(err)?;
    let filter = OfferFilter {
        category: (!q.category.trim().is_empty()).then(|| q.category.trim().to_owned()),
        cluster: q.cluster.trim().parse().ok().map(ClusterId),
        districts: q.district.trim().parse().ok().map(|d| vec![DistrictId(d)]),
        price_at_most: q.budget.trim().parse::<f64>().ok().filter(|b| b.is_finite() && *b >= 0.0),
        ..OfferFilter::default()
    };
    let page = service::public_offers(&state.services, &filter, PageRequest::new(q.page.parse().ok(), None))
        .await
        .map_err(err)?;
    let caller = ctx.caller.principal.clone();
    let actions = service::actions(&state.services, caller.as_ref());
    let view = OffersPage {
        rows: page.items.iter().map(|l| offer_row(lang, &c, l)).collect(),
        pager: chrome.pager(&page),
        categories: c
            .categories
            .iter()
            .map(|(k, n, _)| Choice::selected_if(k.clone(), n.clone(), k == q.category.trim()))
            .collect(),
        clusters: c
            .clusters
            .iter()
            .map(|(k, n)| Choice::selected_if(k.to_string(), n.clone(), k.to_string() == q.cluster.trim()))
            .collect(),
        districts: district_choices(&state, q.district.trim()).await.map_err(err)?,
        budget: q.budget.trim().chars().take(12).collect(),
        can_write: actions.offer,
        show_mine: actions.mine,
        notice: done_notice(lang, &q.done),
        chrome,
    };
    Ok(render(StatusCode::OK, &view))
}

/// An action button on a record's page.
struct ActionButton {
    code: &'static str,
    label: String,
    /// Asks for a reason (a return).
    reason: bool,
    /// Asked twice (cannot be undone).
    confirm: bool,
    /// What happens, for the confirmation.
    consequence: String,
}

/// An interest as a row.
pub(crate) struct InterestRow {
    id: i32,
    demand: i32,
    demand_title: String,
    demander: String,
    offer: i32,
    offer_title: String,
    provider: String,
    side: String,
    status: String,
    tone: &'static str,
    message: String,
    reason: String,
    at: String,
    can_answer: bool,
    can_accept: bool,
    deal: Option<i32>,
}

fn interest_rows(lang: Lang, lines: &[InterestLine]) -> Vec<InterestRow> {
    lines
        .iter()
        .map(|l| {
            let i = &l.interest;
            InterestRow {
                id: i.id,
                demand: i.demand,
                demand_title: l.demand_title.clone(),
                demander: l.demander.clone(),
                offer: i.offer,
                offer_title: l.offer_title.clone(),
                provider: l.provider.clone(),
                side: lang
                    .t(match i.side {
                        Side::Provider => "matchmaking.side.provider",
                        Side::Demander => "matchmaking.side.demander",
                    })
                    .to_owned(),
                status: lang.t(&format!("matchmaking.interest_status.{}", i.status.code())).to_owned(),
                tone: i.status.badge(),
                message: i.message.clone(),
                reason: i.reason.clone().unwrap_or_default(),
                at: sheji_core::i18n::datetime(i.created_at),
                can_answer: l.can_answer,
                can_accept: l.can_accept,
                deal: l.deal,
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "matchmaking/demand.html")]
struct DemandPage {
    chrome: Chrome,
    id: i32,
    status: String,
    tone: &'static str,
    organization: String,
    district: String,
    product: String,
    categories: String,
    cluster: String,
    division: String,
    budget: String,
    deadline: String,
    modes: String,
    published_on: String,
    summary: String,
    deliverables: String,
    private: bool,
    details: String,
    ip_terms: String,
    review_note: String,
    actions: Vec<ActionButton>,
    can_edit: bool,
    can_match: bool,
    my_offers: Vec<Choice>,
    interests: Vec<InterestRow>,
    /// What a visitor who cannot express interest yet should do first.
    hint: Option<Hint>,
    /// Attachments (private details).
    files: Vec<FileRow>,
    signed_in: bool,
    form: FormState,
    notice: Option<String>,
}

/// An attachment as listed.
struct FileRow {
    id: i32,
    name: String,
    size: String,
}

/// A next step offered to someone who cannot act yet: what to do, where, and the button.
struct Hint {
    text: String,
    href: &'static str,
    action: String,
}

async fn demand_page(
    state: &AppState,
    ctx: &Ctx,
    caller: Option<&Principal>,
    id: i32,
    form: FormState,
) -> Result<DemandPage, PageError> {
    let lang = ctx.lang;
    let base = ctx.chrome("matchmaking.demand").crumb("nav.demands", Some("/demands"));
    let err = |e: ServiceError| PageError::service(&e, base.clone());
    let v = service::demand(&state.services, caller, id).await.map_err(err)?;
    let c = service::choices(&state.services).await.map_err(err)?;
    let d = &v.demand;
    let mut chrome = base.clone();
    chrome.title = d.draft.title.clone();
    let actions = v
        .actions
        .iter()
        .map(|a| {
            // Where the branch does not review, submitting publishes at once: say so.
            let word = if *a == DemandAction::Submit && !v.reviewed { "publish_now" } else { a.code() };
            ActionButton {
                code: a.code(),
                label: lang.t(&format!("matchmaking.action.{word}")).to_owned(),
                reason: a.needs_reason(),
                confirm: matches!(a, DemandAction::Withdraw | DemandAction::Fill),
                consequence: lang.t(&format!("matchmaking.consequence.{word}")).to_owned(),
            }
        })
        .collect();
    Ok(DemandPage {
        id,
        status: status_label(lang, d.status),
        tone: d.status.badge(),
        organization: v.organization.clone(),
        district: v.district.clone(),
        product: d.draft.product.clone(),
        categories: category_names(lang, &c, &d.draft.categories),
        cluster: d.draft.cluster.map(|x| cluster_name(&c, x)).unwrap_or_default(),
        division: d
            .draft
            .industry_code
            .as_ref()
            .map(|code| {
                c.divisions
                    .iter()
                    .find(|(k, _)| k == code)
                    .map_or(code.clone(), |(k, n)| lang.tf("matchmaking.division_named", &[("code", k), ("name", n)]))
            })
            .unwrap_or_default(),
        budget: amount_text(lang, d.draft.budget_min, d.draft.budget_max),
        deadline: d.draft.deadline.map(|x| lang.date(x)).unwrap_or_default(),
        modes: lang
            .join_list(d.draft.modes.iter().map(|m| lang.t(&format!("matchmaking.mode.{}", m.code())).to_owned())),
        published_on: d.published_on.map(|x| lang.date(x)).unwrap_or_default(),
        summary: d.draft.summary.clone(),
        deliverables: d.draft.deliverables.clone(),
        private: v.private,
        details: d.draft.details.clone(),
        ip_terms: d.draft.ip_terms.clone(),
        // Shown only while it applies: the reason a returned demand was sent back.
        review_note: if d.status == DemandStatus::Returned {
            d.review_note.clone().unwrap_or_default()
        } else {
            String::new()
        },
        actions,
        can_edit: v.can_edit,
        can_match: v.can_match,
        my_offers: v.my_offers.iter().map(|(id, t)| Choice::new(id.to_string(), t.clone())).collect(),
        interests: interest_rows(lang, &v.interests),
        hint: demand_hint(lang, &v),
        files: v
            .files
            .iter()
            .map(|f| FileRow { id: f.id, name: f.name.clone(), size: sheji_core::i18n::file_size(f.size) })
            .collect(),
        signed_in: caller.is_some(),
        form,
        notice: None,
        chrome,
    })
}

/// What the page says to someone who cannot express interest yet (the service decides who).
fn demand_hint(lang: Lang, v: &service::DemandView) -> Option<Hint> {
    v.next_step.map(|step| match step {
        service::NextStep::SignIn => Hint {
            text: lang.t("matchmaking.sign_in_to_express").to_owned(),
            href: "/login",
            action: lang.t("matchmaking.sign_in").to_owned(),
        },
        service::NextStep::PublishOffer => Hint {
            text: lang.t("matchmaking.offer_to_express").to_owned(),
            href: "/offers/new",
            action: lang.t("matchmaking.new_offer").to_owned(),
        },
    })
}

/// One demand.
pub async fn demand(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let caller = ctx.caller.principal.clone();
    let mut page = demand_page(&state, &ctx, caller.as_ref(), id, FormState::default()).await?;
    page.notice = done_notice(ctx.lang, &q.done);
    Ok(render(StatusCode::OK, &page))
}

/// The word of what was just done: a submission that published at once (its district does
/// not review) is said as such.
fn done_word(action: DemandAction, to: DemandStatus) -> &'static str {
    if action == DemandAction::Submit && to == DemandStatus::Published { "publish_now" } else { action.code() }
}

/// A workflow action on a demand.
pub async fn act_on_demand(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
    body: String,
) -> Result<Response, PageError> {
    let f = Fields::new(&body);
    let Some(action) = DemandAction::parse(f.text("action").trim()) else {
        return Err(PageError::not_found(ctx.chrome("matchmaking.demand")));
    };
    match service::act_on_demand(&state.services, &p, id, action, &f.text("reason"), &c.ip).await {
        Ok(to) => {
            let done = done_word(action, to);
            Ok(Redirect::to(&format!("/demands/{id}?done={done}")).into_response())
        }
        Err(e) => {
            forms::refused(e, FormState::from_body(&body), &ctx, "matchmaking.demand", |form| {
                demand_page(&state, &ctx, Some(&p), id, form)
            })
            .await
        }
    }
}

/// Uploads beyond this are cut off and refused as too large (a file itself is at most 20 MB).
pub const MAX_UPLOAD: usize = 24 * 1024 * 1024;

/// Attaches a file to a demand.
pub async fn attach(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
    multipart: axum::extract::Multipart,
) -> Result<Response, PageError> {
    let refuse = |key: &'static str| Err(ServiceError::Fields(vec![FieldError::new("file", key)]));
    let read =
        crate::forms::read_multipart_whole(multipart).await.map_err(|e| e.page(ctx.chrome("matchmaking.demand")))?;
    let result = match read {
        None => refuse("files.too_large"),
        Some((_, files)) => match files.into_iter().find(|(f, _, _)| f == "file") {
            Some((_, name, bytes)) => service::attach(&state.services, &p, id, &name, &bytes, &c.ip).await.map(|_| ()),
            None => refuse("files.empty"),
        },
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/demands/{id}?done=attached#files")).into_response()),
        Err(e) => {
            forms::refused(e, FormState::default(), &ctx, "matchmaking.demand", |form| {
                demand_page(&state, &ctx, Some(&p), id, form)
            })
            .await
        }
    }
}

/// Removes an attachment.
pub async fn detach(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(file): Path<i32>,
) -> Result<Response, PageError> {
    match service::detach(&state.services, &p, file, &c.ip).await {
        Ok(id) => Ok(Redirect::to(&format!("/demands/{id}?done=detached#files")).into_response()),
        Err(e) => Err(PageError::service(&e, ctx.chrome("matchmaking.demand"))),
    }
}

/// An attachment, for whoever reads the demand's private details.
pub async fn download(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Path(file): Path<i32>,
) -> Result<Response, PageError> {
    let (f, bytes) = service::file(&state.services, &p, file)
        .await
        .map_err(|e| PageError::service(&e, ctx.chrome("matchmaking.demand")))?;
    Ok(crate::download::file_response(&f.name, &f.content_type, bytes))
}

#[derive(Template)]
#[template(path = "matchmaking/demand_form.html")]
struct DemandFormPage {
    chrome: Chrome,
    action: String,
    cancel: String,
    form: FormState,
    categories: Vec<Choice>,
    clusters: Vec<Choice>,
    divisions: Vec<Choice>,
    modes: Vec<Choice>,
}

async fn demand_form(
    state: &AppState,
    ctx: &Ctx,
    id: Option<i32>,
    form: FormState,
) -> Result<DemandFormPage, PageError> {
    let title = if id.is_some() { "matchmaking.edit_demand" } else { "matchmaking.new_demand" };
    let chrome = ctx.chrome(title).crumb("nav.demands", Some("/demands"));
    let c = service::choices(&state.services).await.map_err(|e| PageError::service(&e, ctx.chrome(title)))?;
    Ok(DemandFormPage {
        action: id.map_or_else(|| "/demands/new".to_owned(), |i| format!("/demands/{i}/edit")),
        cancel: id.map_or_else(|| "/matchmaking/mine".to_owned(), |i| format!("/demands/{i}")),
        categories: category_choices(ctx.lang, &c, &form, "categories"),
        clusters: c.clusters.iter().map(|(k, n)| Choice::new(k.to_string(), n.clone())).collect(),
        divisions: c
            .divisions
            .iter()
            .map(|(k, n)| {
                Choice::new(k.clone(), ctx.lang.tf("matchmaking.division_named", &[("code", k), ("name", n)]))
            })
            .collect(),
        modes: mode_choices(ctx.lang, &form),
        form,
        chrome,
    })
}

/// Reads an amount in 万元 that may be left empty.
fn amount(f: &mut Fields, name: &'static str) -> Option<f64> {
    f.optional_number(name, "matchmaking.amount_range")
}

fn read_demand(f: &mut Fields) -> DemandDraft {
    let modes: BTreeSet<Mode> = f.all("modes").iter().filter_map(|m| Mode::parse(m.trim())).collect();
    if modes.len() != f.all("modes").len() {
        f.refuse(FieldError::new("modes", "form.choice"));
    }
    let cluster = f.optional_as::<i32>("cluster", "matchmaking.unknown_cluster").map(ClusterId);
    DemandDraft {
        title: f.text("title"),
        product: f.text("product"),
        summary: f.text("summary"),
        details: f.text("details"),
        deliverables: f.text("deliverables"),
        categories: f.all("categories").into_iter().map(|c| c.trim().to_owned()).filter(|c| !c.is_empty()).collect(),
        cluster,
        industry_code: Some(f.text("industry_code").trim().to_owned()).filter(|s| !s.is_empty()),
        budget_min: amount(f, "budget_min"),
        budget_max: amount(f, "budget_max"),
        deadline: f.optional_date("deadline"),
        modes,
        ip_terms: f.text("ip_terms"),
    }
}

fn demand_state(d: &DemandDraft, excluded: &str) -> FormState {
    let n = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
    FormState::default()
        .keep("title", &d.title)
        .keep("product", &d.product)
        .keep("summary", &d.summary)
        .keep("details", &d.details)
        .keep("deliverables", &d.deliverables)
        .keep_all("categories", d.categories.iter().cloned())
        .keep("cluster", &d.cluster.map(|c| c.to_string()).unwrap_or_default())
        .keep("industry_code", d.industry_code.as_deref().unwrap_or_default())
        .keep("budget_min", &n(d.budget_min))
        .keep("budget_max", &n(d.budget_max))
        .keep("deadline", &d.deadline.map(|x| x.to_string()).unwrap_or_default())
        .keep_all("modes", d.modes.iter().map(|m| m.code().to_owned()))
        .keep("ip_terms", &d.ip_terms)
        .keep("excluded", excluded)
}

/// The new-demand form.
pub async fn new_demand(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
) -> Result<Response, PageError> {
    if !service::actions(&state.services, Some(&p)).demand {
        return Err(PageError::forbidden(ctx.chrome("matchmaking.new_demand")));
    }
    let form = FormState::default().keep_all("modes", [Mode::Fee.code().to_owned()]);
    Ok(render(StatusCode::OK, &demand_form(&state, &ctx, None, form).await?))
}

/// A form whose values did not all read: adds what the service finds wrong with the rest, so
/// every problem shows at once (one message per field, the reading one first).
fn merged(first: ServiceError, more: Result<Vec<FieldError>, ServiceError>) -> ServiceError {
    match (first, more) {
        (ServiceError::Fields(mut errors), Ok(more)) => {
            for e in more {
                if !errors.iter().any(|x| x.field == e.field) {
                    errors.push(e);
                }
            }
            ServiceError::Fields(errors)
        }
        (first, _) => first,
    }
}

/// After a save: submit at once when asked ("save and submit"); a refusal then comes back on
/// the form with the saved draft.
async fn then_submit(
    state: &AppState,
    p: &Principal,
    ip: &str,
    id: i32,
    f: &Fields,
) -> Result<&'static str, ServiceError> {
    if f.text("then") == "submit" {
        let to = service::act_on_demand(&state.services, p, id, DemandAction::Submit, "", ip).await?;
        Ok(done_word(DemandAction::Submit, to))
    } else {
        Ok("saved")
    }
}

/// Creates a demand.
pub async fn create_demand(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    body: String,
) -> Result<Response, PageError> {
    let mut f = Fields::new(&body);
    let draft = read_demand(&mut f);
    let excluded = f.text("excluded");
    let submit = f.text("then") == "submit";
    let result = match f.finish(draft.clone(), |_| Vec::new()) {
        Ok(d) => service::create_demand(&state.services, &p, &d, &excluded, submit, &c.ip).await,
        Err(e) => Err(merged(e, service::demand_problems(&state.services, &draft, &excluded, submit).await)),
    };
    let f = Fields::new(&body);
    match result {
        Ok(id) => match then_submit(&state, &p, &c.ip, id, &f).await {
            Ok(done) => Ok(Redirect::to(&format!("/demands/{id}?done={done}")).into_response()),
            Err(e) => {
                forms::refused(e, FormState::from_body(&body), &ctx, "matchmaking.edit_demand", |form| {
                    demand_form(&state, &ctx, Some(id), form)
                })
                .await
            }
        },
        Err(e) => {
            forms::refused(e, FormState::from_body(&body), &ctx, "matchmaking.new_demand", |form| {
                demand_form(&state, &ctx, None, form)
            })
            .await
        }
    }
}

/// The form to edit a draft or returned demand, filled in.
pub async fn edit_demand(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Path(id): Path<i32>,
) -> Result<Response, PageError> {
    let v = service::demand(&state.services, Some(&p), id)
        .await
        .map_err(|e| PageError::service(&e, ctx.chrome("matchmaking.edit_demand")))?;
    if !v.can_edit {
        return Err(PageError::forbidden(ctx.chrome("matchmaking.edit_demand")));
    }
    let excluded = excluded_codes(&state, &v.demand.excluded).await;
    let mut form = demand_state(&v.demand.draft, &excluded);
    if !v.demand.review_note.clone().unwrap_or_default().is_empty() && v.demand.status == DemandStatus::Returned {
        form.notice = Some(
            ctx.lang
                .tf("matchmaking.returned_because", &[("reason", v.demand.review_note.as_deref().unwrap_or_default())]),
        );
    }
    Ok(render(StatusCode::OK, &demand_form(&state, &ctx, Some(id), form).await?))
}

/// The credit codes of excluded organizations, one per line (as the form takes them).
async fn excluded_codes(state: &AppState, ids: &BTreeSet<sheji_core::ids::OrganizationId>) -> String {
    let mut out = Vec::new();
    for id in ids {
        if let Ok(v) = sheji_service::registry::get(&state.services, None, *id).await {
            out.push(v.public.uscc);
        }
    }
    out.join("\n")
}

/// Saves a demand's fields.
pub async fn save_demand(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
    body: String,
) -> Result<Response, PageError> {
    let mut f = Fields::new(&body);
    let draft = read_demand(&mut f);
    let excluded = f.text("excluded");
    let submit = f.text("then") == "submit";
    let result = match f.finish(draft.clone(), |_| Vec::new()) {
        Ok(d) => service::save_demand(&state.services, &p, id, &d, &excluded, submit, &c.ip).await,
        Err(e) => Err(merged(e, service::demand_problems(&state.services, &draft, &excluded, submit).await)),
    };
    let f = Fields::new(&body);
    let result = match result {
        Ok(()) => then_submit(&state, &p, &c.ip, id, &f).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(done) => Ok(Redirect::to(&format!("/demands/{id}?done={done}")).into_response()),
        Err(e) => {
            forms::refused(e, FormState::from_body(&body), &ctx, "matchmaking.edit_demand", |form| {
                demand_form(&state, &ctx, Some(id), form)
            })
            .await
        }
    }
}

/// One part of a score, as shown.
struct PartRow {
    label: String,
    points: u32,
    max: u32,
    reason: String,
}

/// A ranked record, as shown.
struct MatchRow {
    /// The other side's key.
    id: i32,
    href: String,
    title: String,
    party: String,
    district: String,
    total: u32,
    shared: String,
    parts: Vec<PartRow>,
    /// Where an interest between the two already stands (empty when none): no second one.
    interest: String,
    interest_tone: &'static str,
}

#[derive(Template)]
#[template(path = "matchmaking/matches.html")]
struct MatchesPage {
    chrome: Chrome,
    back: String,
    intro: String,
    rows: Vec<MatchRow>,
    /// The record whose matches these are.
    subject: i32,
    /// "demand" when the rows are offers, "offer" when they are demands.
    subject_kind: &'static str,
    can_express: bool,
}

async fn match_rows(
    state: &AppState,
    lang: Lang,
    ranked: Vec<Ranked>,
    rows_are: &str,
) -> Result<Vec<MatchRow>, ServiceError> {
    let c = service::choices(&state.services).await?;
    let districts = sheji_service::reference::list_districts(
        &state.services,
        &Default::default(),
        PageRequest::new(Some(1), Some(200)),
    )
    .await?
    .items;
    Ok(ranked
        .into_iter()
        .map(|r| {
            let m = &r.score;
            let id = if rows_are == "offers" { m.offer } else { m.demand };
            MatchRow {
                id,
                href: format!("/{rows_are}/{id}"),
                title: r.title.clone(),
                party: r.party.clone(),
                district: districts.iter().find(|d| d.id == r.district).map(|d| d.name.clone()).unwrap_or_default(),
                total: m.total,
                interest: String::new(),
                interest_tone: "",
                shared: category_names(lang, &c, &m.shared_categories.iter().cloned().collect()),
                parts: m
                    .parts
                    .iter()
                    .map(|p| {
                        let args: Vec<(&str, &str)> = p.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
                        PartRow {
                            label: lang.t(&format!("matchmaking.part.{}", p.part.code())).to_owned(),
                            points: p.points,
                            max: p.part.most(),
                            reason: lang.tf(p.key, &args),
                        }
                    })
                    .collect(),
            }
        })
        .collect())
}

/// Marks the rows already linked by an interest with where it stands.
fn mark_linked(
    lang: Lang,
    rows: &mut [MatchRow],
    linked: impl Iterator<Item = (i32, sheji_core::matchmaking::InterestStatus)>,
) {
    let linked: std::collections::BTreeMap<i32, sheji_core::matchmaking::InterestStatus> = linked.collect();
    for r in rows {
        if let Some(status) = linked.get(&r.id) {
            r.interest = lang.t(&format!("matchmaking.interest_status.{}", status.code())).to_owned();
            r.interest_tone = status.badge();
        }
    }
}

/// The ranked providers for a demand.
pub async fn demand_matches(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Path(id): Path<i32>,
) -> Result<Response, PageError> {
    let title = "matchmaking.matches_for_demand";
    let err = |e: ServiceError| PageError::service(&e, ctx.chrome(title));
    let v = service::demand(&state.services, Some(&p), id).await.map_err(err)?;
    let ranked = service::matches_for_demand(&state.services, &p, id, service::DEFAULT_MATCHES).await.map_err(err)?;
    let mut rows = match_rows(&state, ctx.lang, ranked, "offers").await.map_err(err)?;
    mark_linked(ctx.lang, &mut rows, v.interests.iter().map(|i| (i.interest.offer, i.interest.status)));
    let chrome = ctx.chrome(title).crumb("nav.demands", Some("/demands"));
    let page = MatchesPage {
        back: format!("/demands/{id}"),
        intro: ctx.lang.tf("matchmaking.matches_intro_demand", &[("title", &v.demand.draft.title)]),
        rows,
        subject: id,
        subject_kind: "demand",
        can_express: v.can_invite,
        chrome,
    };
    Ok(render(StatusCode::OK, &page))
}

/// The ranked demands for an offer.
pub async fn offer_matches(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Path(id): Path<i32>,
) -> Result<Response, PageError> {
    let title = "matchmaking.matches_for_offer";
    let err = |e: ServiceError| PageError::service(&e, ctx.chrome(title));
    let v = service::offer(&state.services, Some(&p), id).await.map_err(err)?;
    let ranked = service::matches_for_offer(&state.services, &p, id, service::DEFAULT_MATCHES).await.map_err(err)?;
    let mut rows = match_rows(&state, ctx.lang, ranked, "demands").await.map_err(err)?;
    mark_linked(ctx.lang, &mut rows, v.interests.iter().map(|i| (i.interest.demand, i.interest.status)));
    let chrome = ctx.chrome(title).crumb("nav.offers", Some("/offers"));
    let page = MatchesPage {
        back: format!("/offers/{id}"),
        intro: ctx.lang.tf("matchmaking.matches_intro_offer", &[("title", &v.offer.draft.title)]),
        rows,
        subject: id,
        subject_kind: "offer",
        can_express: v.can_edit && v.offer.status == OfferStatus::Published,
        chrome,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Template)]
#[template(path = "matchmaking/offer.html")]
struct OfferPage {
    chrome: Chrome,
    id: i32,
    status: String,
    tone: &'static str,
    provider: String,
    district: String,
    categories: String,
    clusters: String,
    price: String,
    capacity: String,
    description: String,
    team: String,
    cases: String,
    actions: Vec<ActionButton>,
    can_edit: bool,
    can_match: bool,
    my_demands: Vec<Choice>,
    interests: Vec<InterestRow>,
    form: FormState,
    notice: Option<String>,
}

async fn offer_page(
    state: &AppState,
    ctx: &Ctx,
    caller: Option<&Principal>,
    id: i32,
    form: FormState,
) -> Result<OfferPage, PageError> {
    let lang = ctx.lang;
    let base = ctx.chrome("matchmaking.offer").crumb("nav.offers", Some("/offers"));
    let err = |e: ServiceError| PageError::service(&e, base.clone());
    let v = service::offer(&state.services, caller, id).await.map_err(err)?;
    let c = service::choices(&state.services).await.map_err(err)?;
    let o = &v.offer;
    let mut chrome = base.clone();
    chrome.title = o.draft.title.clone();
    Ok(OfferPage {
        id,
        status: offer_status_label(lang, o.status),
        tone: o.status.badge(),
        provider: v.provider.clone(),
        district: v.district.clone(),
        categories: category_names(lang, &c, &o.draft.categories),
        clusters: lang.join_list(o.draft.clusters.iter().map(|x| cluster_name(&c, *x))),
        price: amount_text(lang, o.draft.price_min, o.draft.price_max),
        capacity: o.draft.capacity.map(|x| x.to_string()).unwrap_or_default(),
        description: o.draft.description.clone(),
        team: o.draft.team.clone(),
        cases: o.draft.cases.clone(),
        actions: v
            .actions
            .iter()
            .map(|a| ActionButton {
                code: a.code(),
                label: lang.t(&format!("matchmaking.offer_action.{}", a.code())).to_owned(),
                reason: false,
                confirm: *a == OfferAction::Withdraw,
                consequence: lang.t(&format!("matchmaking.offer_consequence.{}", a.code())).to_owned(),
            })
            .collect(),
        can_edit: v.can_edit,
        can_match: v.can_match,
        my_demands: v.my_demands.iter().map(|(id, t)| Choice::new(id.to_string(), t.clone())).collect(),
        interests: interest_rows(lang, &v.interests),
        form,
        notice: None,
        chrome,
    })
}

/// One offer.
pub async fn offer(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let caller = ctx.caller.principal.clone();
    let mut page = offer_page(&state, &ctx, caller.as_ref(), id, FormState::default()).await?;
    page.notice = done_notice(ctx.lang, &q.done);
    Ok(render(StatusCode::OK, &page))
}

/// Publishes or withdraws an offer.
pub async fn act_on_offer(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
    body: String,
) -> Result<Response, PageError> {
    let f = Fields::new(&body);
    let Some(action) = OfferAction::parse(f.text("action").trim()) else {
        return Err(PageError::not_found(ctx.chrome("matchmaking.offer")));
    };
    match service::act_on_offer(&state.services, &p, id, action, &c.ip).await {
        Ok(_) => Ok(Redirect::to(&format!("/offers/{id}?done=offer_{}", action.code())).into_response()),
        Err(e) => {
            forms::refused(e, FormState::from_body(&body), &ctx, "matchmaking.offer", |form| {
                offer_page(&state, &ctx, Some(&p), id, form)
            })
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "matchmaking/offer_form.html")]
struct OfferFormPage {
    chrome: Chrome,
    action: String,
    cancel: String,
    form: FormState,
    categories: Vec<Choice>,
    clusters: Vec<Choice>,
    /// A designer chooses the district; an organization's offer sits in its own.
    districts: Vec<Choice>,
}

async fn offer_form(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    id: Option<i32>,
    organization_owned: bool,
    form: FormState,
) -> Result<OfferFormPage, PageError> {
    let title = if id.is_some() { "matchmaking.edit_offer" } else { "matchmaking.new_offer" };
    let chrome = ctx.chrome(title).crumb("nav.offers", Some("/offers"));
    let err = |e: ServiceError| PageError::service(&e, ctx.chrome(title));
    let c = service::choices(&state.services).await.map_err(err)?;
    let designer_only = !service::actions(&state.services, Some(p)).demand;
    Ok(OfferFormPage {
        action: id.map_or_else(|| "/offers/new".to_owned(), |i| format!("/offers/{i}/edit")),
        cancel: id.map_or_else(|| "/matchmaking/mine".to_owned(), |i| format!("/offers/{i}")),
        categories: category_choices(ctx.lang, &c, &form, "categories"),
        clusters: cluster_choices(&c, &form, "clusters"),
        districts: if designer_only && !organization_owned {
            district_choices(state, "").await.map_err(err)?
        } else {
            Vec::new()
        },
        form,
        chrome,
    })
}

fn read_offer(f: &mut Fields) -> OfferDraft {
    let clusters: BTreeSet<ClusterId> =
        f.all("clusters").iter().filter_map(|c| c.trim().parse().ok()).map(ClusterId).collect();
    if clusters.len() != f.all("clusters").iter().filter(|c| !c.trim().is_empty()).count() {
        f.refuse(FieldError::new("clusters", "form.choice"));
    }
    OfferDraft {
        title: f.text("title"),
        description: f.text("description"),
        team: f.text("team"),
        cases: f.text("cases"),
        categories: f.all("categories").into_iter().map(|c| c.trim().to_owned()).filter(|c| !c.is_empty()).collect(),
        clusters,
        capacity: f.optional_as::<i32>("capacity", "matchmaking.capacity_range"),
        price_min: amount(f, "price_min"),
        price_max: amount(f, "price_max"),
    }
}

fn offer_state(o: &OfferDraft, district: DistrictId, excluded: &str) -> FormState {
    let n = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
    FormState::default()
        .keep("title", &o.title)
        .keep("description", &o.description)
        .keep("team", &o.team)
        .keep("cases", &o.cases)
        .keep_all("categories", o.categories.iter().cloned())
        .keep_all("clusters", o.clusters.iter().map(|c| c.to_string()))
        .keep("capacity", &o.capacity.map(|c| c.to_string()).unwrap_or_default())
        .keep("price_min", &n(o.price_min))
        .keep("price_max", &n(o.price_max))
        .keep("district", &district.to_string())
        .keep("excluded", excluded)
}

/// The new-offer form.
pub async fn new_offer(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
) -> Result<Response, PageError> {
    if !service::actions(&state.services, Some(&p)).offer {
        return Err(PageError::forbidden(ctx.chrome("matchmaking.new_offer")));
    }
    let form = FormState::default().keep("capacity", "3");
    Ok(render(StatusCode::OK, &offer_form(&state, &ctx, &p, None, false, form).await?))
}

/// After a save: publish at once when asked.
async fn then_publish(
    state: &AppState,
    p: &Principal,
    ip: &str,
    id: i32,
    f: &Fields,
) -> Result<&'static str, ServiceError> {
    if f.text("then") == "publish" {
        service::act_on_offer(&state.services, p, id, OfferAction::Publish, ip).await?;
        Ok("offer_publish")
    } else {
        Ok("saved")
    }
}

/// Creates an offer.
pub async fn create_offer(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    body: String,
) -> Result<Response, PageError> {
    let mut f = Fields::new(&body);
    let draft = read_offer(&mut f);
    let district = f.optional_as::<i32>("district", "matchmaking.district_required").map(DistrictId);
    let excluded = f.text("excluded");
    let publish = f.text("then") == "publish";
    let result = match f.finish(draft.clone(), |_| Vec::new()) {
        Ok(o) => {
            let input = service::OfferInput { draft: &o, district, excluded: &excluded, complete: publish };
            service::create_offer(&state.services, &p, input, &c.ip).await
        }
        Err(e) => Err(merged(e, service::offer_problems(&state.services, &draft, &excluded, publish).await)),
    };
    let f = Fields::new(&body);
    match result {
        Ok(id) => match then_publish(&state, &p, &c.ip, id, &f).await {
            Ok(done) => Ok(Redirect::to(&format!("/offers/{id}?done={done}")).into_response()),
            Err(e) => {
                forms::refused(e, FormState::from_body(&body), &ctx, "matchmaking.edit_offer", |form| {
                    offer_form(&state, &ctx, &p, Some(id), false, form)
                })
                .await
            }
        },
        Err(e) => {
            forms::refused(e, FormState::from_body(&body), &ctx, "matchmaking.new_offer", |form| {
                offer_form(&state, &ctx, &p, None, false, form)
            })
            .await
        }
    }
}

/// The form to edit an offer, filled in.
pub async fn edit_offer(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Path(id): Path<i32>,
) -> Result<Response, PageError> {
    let v = service::offer(&state.services, Some(&p), id)
        .await
        .map_err(|e| PageError::service(&e, ctx.chrome("matchmaking.edit_offer")))?;
    if !v.can_edit {
        return Err(PageError::forbidden(ctx.chrome("matchmaking.edit_offer")));
    }
    let excluded = excluded_codes(&state, &v.offer.excluded).await;
    let form = offer_state(&v.offer.draft, v.offer.district, &excluded);
    let org_owned = v.offer.organization.is_some();
    Ok(render(StatusCode::OK, &offer_form(&state, &ctx, &p, Some(id), org_owned, form).await?))
}

/// Saves an offer's fields.
pub async fn save_offer(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
    body: String,
) -> Result<Response, PageError> {
    let mut f = Fields::new(&body);
    let draft = read_offer(&mut f);
    let district = f.optional_as::<i32>("district", "matchmaking.district_required").map(DistrictId);
    let excluded = f.text("excluded");
    let publish = f.text("then") == "publish";
    let result = match f.finish(draft.clone(), |_| Vec::new()) {
        Ok(o) => {
            let input = service::OfferInput { draft: &o, district, excluded: &excluded, complete: publish };
            service::save_offer(&state.services, &p, id, input, &c.ip).await
        }
        Err(e) => Err(merged(e, service::offer_problems(&state.services, &draft, &excluded, publish).await)),
    };
    let f = Fields::new(&body);
    let result = match result {
        Ok(()) => then_publish(&state, &p, &c.ip, id, &f).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(done) => Ok(Redirect::to(&format!("/offers/{id}?done={done}")).into_response()),
        Err(e) => {
            let org_owned = service::actions(&state.services, Some(&p)).demand;
            forms::refused(e, FormState::from_body(&body), &ctx, "matchmaking.edit_offer", |form| {
                offer_form(&state, &ctx, &p, Some(id), org_owned, form)
            })
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "matchmaking/mine.html")]
struct MinePage {
    chrome: Chrome,
    demands: Vec<DemandRow>,
    offers: Vec<OfferRow>,
    interests: Vec<InterestRow>,
    pager: Pager,
    can_demand: bool,
    can_offer: bool,
    form: FormState,
    notice: Option<String>,
}

async fn mine_page(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    page: Option<u64>,
    form: FormState,
) -> Result<MinePage, PageError> {
    let lang = ctx.lang;
    let chrome = ctx.chrome("matchmaking.mine");
    let err = |e: ServiceError| PageError::service(&e, ctx.chrome("matchmaking.mine"));
    let c = service::choices(&state.services).await.map_err(err)?;
    let all = PageRequest::new(Some(1), Some(100));
    let demands = service::my_demands(&state.services, p, all).await.map_err(err)?;
    let offers = service::my_offers(&state.services, p, all).await.map_err(err)?;
    let interests = service::my_interests(&state.services, p, PageRequest::new(page, None)).await.map_err(err)?;
    let actions = service::actions(&state.services, Some(p));
    Ok(MinePage {
        demands: demands.items.iter().map(|l| demand_row(lang, &c, l)).collect(),
        offers: offers.items.iter().map(|l| offer_row(lang, &c, l)).collect(),
        interests: interest_rows(lang, &interests.items),
        pager: chrome.pager(&interests),
        can_demand: actions.demand,
        can_offer: actions.offer,
        form,
        notice: None,
        chrome,
    })
}

/// The caller's demands, offers and interests.
pub async fn mine(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let mut page = mine_page(&state, &ctx, &p, q.page.parse().ok(), FormState::default()).await?;
    page.notice = done_notice(ctx.lang, &q.done);
    Ok(render(StatusCode::OK, &page))
}

/// Where an interest form came from, to go back to (only our own pages).
fn back_of(f: &Fields) -> String {
    let back = f.text("back");
    let ok = ["/demands/", "/offers/", "/matchmaking/mine"].iter().any(|p| back.starts_with(p))
        && !back.contains("//")
        && back.chars().all(|c| c.is_ascii_alphanumeric() || "/_-?=&#".contains(c));
    if ok { back } else { "/matchmaking/mine".to_owned() }
}

/// Re-renders the page an interest form came from, with the refusal on it.
async fn refused_back(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    back: &str,
    e: ServiceError,
    body: &str,
) -> Result<Response, PageError> {
    let form = FormState::from_body(body);
    let id = back.split('/').nth(2).and_then(|s| s.split(['?', '#']).next()).and_then(|s| s.parse::<i32>().ok());
    match (back.starts_with("/demands/"), back.starts_with("/offers/"), id) {
        (true, _, Some(id)) => {
            forms::refused(e, form, ctx, "matchmaking.demand", |form| demand_page(state, ctx, Some(p), id, form)).await
        }
        (_, true, Some(id)) => {
            forms::refused(e, form, ctx, "matchmaking.offer", |form| offer_page(state, ctx, Some(p), id, form)).await
        }
        _ => forms::refused(e, form, ctx, "matchmaking.mine", |form| mine_page(state, ctx, p, None, form)).await,
    }
}

/// Expresses interest between a demand and an offer.
pub async fn express(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    body: String,
) -> Result<Response, PageError> {
    let mut f = Fields::new(&body);
    let back = back_of(&f);
    let demand = f.optional_as::<i32>("demand", "matchmaking.pick_demand");
    let offer = f.optional_as::<i32>("offer", "matchmaking.pick_offer");
    if demand.is_none() {
        f.refuse(FieldError::new("demand", "matchmaking.pick_demand"));
    }
    if offer.is_none() {
        f.refuse(FieldError::new("offer", "matchmaking.pick_offer"));
    }
    let message = f.text("message");
    let result = match f.finish((demand, offer), |_| Vec::new()) {
        Ok((Some(d), Some(o))) => {
            service::express_interest(&state.services, &p, d, o, &message, &c.ip).await.map(|_| ())
        }
        Ok(_) => Err(ServiceError::Fields(vec![FieldError::new("offer", "matchmaking.pick_offer")])),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => {
            let (path, anchor) = back.split_once('#').unwrap_or((&back, ""));
            let sep = if path.contains('?') { '&' } else { '?' };
            let anchor = if anchor.is_empty() { String::new() } else { format!("#{anchor}") };
            Ok(Redirect::to(&format!("{path}{sep}done=interest{anchor}")).into_response())
        }
        Err(e) => refused_back(&state, &ctx, &p, &back, e, &body).await,
    }
}

/// Accepts or declines an interest.
pub async fn answer(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
    body: String,
) -> Result<Response, PageError> {
    let f = Fields::new(&body);
    let back = back_of(&f);
    let accept = match f.text("decision").as_str() {
        "accept" => true,
        "decline" => false,
        _ => {
            let e = ServiceError::Fields(vec![FieldError::new("decision", "form.choice")]);
            return refused_back(&state, &ctx, &p, &back, e, &body).await;
        }
    };
    match service::answer_interest(&state.services, &p, id, accept, &f.text("reason"), &c.ip).await {
        Ok(_) => {
            let done = if accept { "accepted" } else { "declined" };
            let (path, _) = back.split_once('#').unwrap_or((&back, ""));
            let sep = if path.contains('?') { '&' } else { '?' };
            Ok(Redirect::to(&format!("{path}{sep}done={done}")).into_response())
        }
        Err(e) => refused_back(&state, &ctx, &p, &back, e, &body).await,
    }
}

#[derive(Template)]
#[template(path = "matchmaking/districts.html")]
struct DistrictsPage {
    chrome: Chrome,
    districts: Vec<Choice>,
    form: FormState,
    notice: Option<String>,
}

/// Which districts of the caller's scope review demands before publication.
pub async fn districts(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let chrome =
        ctx.chrome("matchmaking.district_reviews").crumb("nav.matchmaking_review", Some("/matchmaking/review"));
    let rows =
        service::district_reviews(&state.services, &p).await.map_err(|e| PageError::service(&e, chrome.clone()))?;
    let view = DistrictsPage {
        districts: rows.into_iter().map(|(id, name, on)| Choice::selected_if(id.to_string(), name, on)).collect(),
        notice: done_notice(ctx.lang, &q.done),
        form: FormState::default(),
        chrome,
    };
    Ok(render(StatusCode::OK, &view))
}

/// Saves which districts review demands.
pub async fn save_districts(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    body: String,
) -> Result<Response, PageError> {
    let f = Fields::new(&body);
    let chosen: Vec<String> = f.all("review");
    let reviewing: BTreeSet<DistrictId> = chosen.iter().filter_map(|s| s.trim().parse().ok()).map(DistrictId).collect();
    if reviewing.len() != chosen.len() {
        let e = ServiceError::Fields(vec![FieldError::new("review", "form.choice")]);
        return Err(PageError::service(&e, ctx.chrome("matchmaking.district_reviews")));
    }
    match service::set_district_reviews(&state.services, &p, &reviewing, &c.ip).await {
        Ok(_) => Ok(Redirect::to("/matchmaking/districts?done=district_reviews").into_response()),
        Err(e) => Err(PageError::service(&e, ctx.chrome("matchmaking.district_reviews"))),
    }
}
