//! The expert pool and rubric pages (staff).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sheji_core::identity::Principal;
use sheji_core::ids::{DistrictId, ExpertId};
use sheji_core::page::PageRequest;
use sheji_core::review::score::{Criterion, Rubric};
use sheji_service::review::{self, ExpertInput};
use sheji_service::{ServiceError, reference};

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{PageError, render};
use crate::forms::{self, Fields, FormState};
use crate::layout::{Choice, Chrome, Ctx, Pager};

fn chrome(ctx: &Ctx, key: &str) -> Chrome {
    ctx.chrome(key).crumb("nav.reviews", Some("/admin/reviews"))
}

#[derive(Debug, Deserialize, Default)]
pub struct PoolQuery {
    #[serde(default)]
    page: String,
    #[serde(default)]
    specialty: String,
    #[serde(default)]
    done: String,
}

struct ExpertLine {
    id: ExpertId,
    name: String,
    username: String,
    title: String,
    employer: String,
    specialties: String,
    max_load: u32,
    active: bool,
}

#[derive(Template)]
#[template(path = "review/experts.html")]
struct ExpertsPage {
    chrome: Chrome,
    rows: Vec<ExpertLine>,
    specialties: Vec<Choice>,
    pager: Pager,
    notice: Option<String>,
}

/// The expert pool.
pub async fn experts(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Query(q): Query<PoolQuery>,
) -> Result<Response, PageError> {
    let chrome = chrome(&ctx, "nav.experts");
    let err = |e: ServiceError| PageError::service(&e, chrome.clone());
    let s = &state.services;
    let names = review::specialty_names(s).await.map_err(err)?;
    let filter = Some(q.specialty.as_str()).filter(|x| names.contains_key(*x));
    let page = review::experts(s, &p, filter, PageRequest::new(q.page.parse().ok(), None)).await.map_err(err)?;
    let rows = page
        .items
        .iter()
        .map(|r| ExpertLine {
            id: r.expert.id,
            name: r.expert.fields.name.clone(),
            username: r.username.clone(),
            title: r.expert.fields.title.clone().unwrap_or_default(),
            employer: r.employer.clone().unwrap_or_default(),
            specialties: ctx.lang.join_list(
                r.expert.fields.specialties.iter().map(|c| names.get(c).cloned().unwrap_or_else(|| c.clone())),
            ),
            max_load: r.expert.fields.max_load,
            active: r.expert.fields.active,
        })
        .collect();
    let pager = chrome.pager(&page);
    let specialties =
        names.into_iter().map(|(code, name)| Choice::selected_if(code.clone(), name, code == q.specialty)).collect();
    let notice = (!q.done.is_empty()).then(|| ctx.lang.t(&format!("review.done.{}", q.done)).to_owned());
    Ok(render(StatusCode::OK, &ExpertsPage { chrome, rows, specialties, pager, notice }))
}

/// A specialty on the expert form: a checkbox titled with its group.
struct SpecialtyCheck {
    code: String,
    name: String,
    /// The group it belongs to, shown on hover.
    group: String,
    checked: bool,
}

/// A score sheet the expert was given, in their review history.
struct PastReview {
    campaign: String,
    item: String,
    /// The sheet's status, as shown.
    status: String,
    deadline: String,
}

/// An organization the expert worked for, and the last day there.
struct PastEmployer {
    name: String,
    until: String,
}

#[derive(Template)]
#[template(path = "review/expert_form.html")]
struct ExpertFormPage {
    chrome: Chrome,
    form: FormState,
    creating: bool,
    action: String,
    /// Professional titles (value and text alike).
    titles: Vec<Choice>,
    districts: Vec<Choice>,
    specialties: Vec<SpecialtyCheck>,
    history: Vec<PastReview>,
    past_employers: Vec<PastEmployer>,
    saved: Option<String>,
}

async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    form: FormState,
    expert: Option<ExpertId>,
) -> Result<ExpertFormPage, PageError> {
    let s = &state.services;
    let title_key = if expert.is_some() { "review.expert" } else { "review.new_expert" };
    let mut chrome = chrome(ctx, title_key).crumb("nav.experts", Some("/admin/experts"));
    let err = |e: ServiceError| PageError::service(&e, ctx.chrome(title_key));
    let mut history = Vec::new();
    let mut past_employers = Vec::new();
    if let Some(id) = expert {
        let (row, reviews) = review::expert(s, p, id, PageRequest::new(Some(1), Some(50))).await.map_err(err)?;
        chrome.title = row.expert.fields.name.clone();
        history = reviews
            .items
            .into_iter()
            .map(|r| {
                let status = ctx.lang.t(&format!("review.sheet.{}", r.assignment.sheet_status.code())).to_owned();
                PastReview { campaign: r.campaign, item: r.title, status, deadline: r.deadline.to_string() }
            })
            .collect();
        past_employers =
            row.past_employers.iter().map(|(n, d)| PastEmployer { name: n.clone(), until: d.to_string() }).collect();
    }
    let specialties = review::specialties(s)
        .await
        .map_err(err)?
        .into_iter()
        .map(|sp| {
            let checked = form.is("specialties", &sp.code);
            SpecialtyCheck { code: sp.code, name: sp.name, group: sp.group, checked }
        })
        .collect();
    let districts = reference::list_districts(s, &Default::default(), PageRequest::new(Some(1), Some(200)))
        .await
        .map_err(err)?
        .items
        .into_iter()
        .map(|d| Choice::new(d.id.to_string(), d.name))
        .collect();
    Ok(ExpertFormPage {
        action: expert.map_or("/admin/experts/new".to_owned(), |id| format!("/admin/experts/{id}")),
        creating: expert.is_none(),
        titles: review::title_names(s).await.map_err(err)?.into_iter().map(|t| Choice::new(t.clone(), t)).collect(),
        districts,
        specialties,
        history,
        past_employers,
        saved: None,
        chrome,
        form,
    })
}

fn expert_input(body: &str) -> Result<ExpertInput, ServiceError> {
    let mut f = Fields::new(body);
    // Blank means the default; anything else must be a whole number ("-3" is refused, never
    // replaced by the default).
    let max_load = f.optional_as("max_load", "review.max_load_range");
    let mut availability = Vec::new();
    for line in f.text("availability").lines().map(str::trim).filter(|l| !l.is_empty()) {
        let parsed = line.split_once(['~', '至', ' ']).and_then(|(a, b)| {
            Some((a.trim().parse().ok()?, b.trim().trim_start_matches(['~', '至']).trim().parse().ok()?))
        });
        match parsed {
            Some(pair) => availability.push(pair),
            None => {
                f.refuse(sheji_service::FieldError::new("availability", "review.period_format"));
                break;
            }
        }
    }
    let input = ExpertInput {
        username: f.text("username"),
        name: f.text("name"),
        title: Some(f.text("title")),
        employer: Some(f.text("employer")),
        district: f.text("district").parse().ok().map(DistrictId),
        bio: f.text("bio"),
        max_load,
        active: f.flag("active"),
        specialties: f.all("specialties").into_iter().collect(),
        availability,
    };
    f.finish(input, review::check_expert)
}

/// The form for a new expert.
pub async fn new_form(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
) -> Result<Response, PageError> {
    let form = FormState::default().keep("max_load", "10").keep("active", "on");
    Ok(render(StatusCode::OK, &form_page(&state, &ctx, &p, form, None).await?))
}

/// Adds an expert.
pub async fn new_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    body: String,
) -> Result<Response, PageError> {
    let result = match expert_input(&body) {
        Ok(input) => review::create_expert(&state.services, &p, &input, &c.ip).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/admin/experts/{id}?done=expert")).into_response()),
        Err(e) => {
            forms::refused(e, FormState::from_body(&body), &ctx, "review.new_expert", |form| {
                form_page(&state, &ctx, &p, form, None)
            })
            .await
        }
    }
}

/// An expert's record, editable, with their past reviews.
pub async fn detail(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Path(id): Path<i32>,
    Query(q): Query<PoolQuery>,
) -> Result<Response, PageError> {
    let s = &state.services;
    let (row, _) = review::expert(s, &p, ExpertId(id), PageRequest::new(Some(1), Some(1)))
        .await
        .map_err(|e| PageError::service(&e, ctx.chrome("review.expert")))?;
    let f = &row.expert.fields;
    let mut form = FormState::default()
        .keep("username", &row.username)
        .keep("name", &f.name)
        .keep("title", f.title.as_deref().unwrap_or(""))
        .keep("district", &f.district.map(|d| d.to_string()).unwrap_or_default())
        .keep("bio", &f.bio)
        .keep("max_load", &f.max_load.to_string())
        .keep("active", if f.active { "on" } else { "" })
        .keep("availability", &f.availability.iter().map(|(a, b)| format!("{a} ~ {b}")).collect::<Vec<_>>().join("\n"))
        .keep_all("specialties", f.specialties.iter().cloned());
    if let Some(org) = f.organization {
        let uscc = sheji_service::registry::get(s, None, org).await.map(|o| o.public.uscc).unwrap_or_default();
        form = form.keep("employer", &uscc);
    }
    let mut page = form_page(&state, &ctx, &p, form, Some(ExpertId(id))).await?;
    page.saved = (!q.done.is_empty()).then(|| ctx.lang.t(&format!("review.done.{}", q.done)).to_owned());
    Ok(render(StatusCode::OK, &page))
}

/// Saves an expert's record.
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
    body: String,
) -> Result<Response, PageError> {
    let result = match expert_input(&body) {
        Ok(input) => review::update_expert(&state.services, &p, ExpertId(id), &input, &c.ip).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/admin/experts/{id}?done=saved")).into_response()),
        Err(e) => {
            forms::refused(e, FormState::from_body(&body), &ctx, "review.expert", |form| {
                form_page(&state, &ctx, &p, form, Some(ExpertId(id)))
            })
            .await
        }
    }
}

struct RubricLine {
    name: String,
    version: u32,
    criteria: Vec<String>,
    by: String,
    at: String,
}

#[derive(Template)]
#[template(path = "review/rubrics.html")]
struct RubricsPage {
    chrome: Chrome,
    rows: Vec<RubricLine>,
    pager: Pager,
    form: FormState,
}

async fn rubrics_page(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    page: Option<u64>,
    form: FormState,
) -> Result<RubricsPage, PageError> {
    let chrome = chrome(ctx, "nav.rubrics");
    let list = review::rubrics(&state.services, p, PageRequest::new(page, None))
        .await
        .map_err(|e| PageError::service(&e, chrome.clone()))?;
    let rows = list
        .items
        .iter()
        .map(|r| RubricLine {
            name: r.name.clone(),
            version: r.version,
            criteria: r
                .rubric
                .criteria
                .iter()
                .map(|c| {
                    format!(
                        "{}｜{}｜{}{}",
                        c.name,
                        c.max_score,
                        c.weight,
                        if c.levels.is_empty() { String::new() } else { format!("｜{}", c.levels.join("；")) }
                    )
                })
                .collect(),
            by: r.created_by.clone(),
            at: sheji_core::i18n::datetime(r.created_at),
        })
        .collect();
    let pager = chrome.pager(&list);
    Ok(RubricsPage { chrome, rows, pager, form })
}

/// Rubric versions and the form for a new one.
pub async fn rubrics(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Query(q): Query<PoolQuery>,
) -> Result<Response, PageError> {
    let mut form = FormState::default();
    if !q.done.is_empty() {
        form.notice = Some(ctx.lang.t("review.done.rubric").to_owned());
    }
    Ok(render(StatusCode::OK, &rubrics_page(&state, &ctx, &p, q.page.parse().ok(), form).await?))
}

/// Criteria from lines "名称|满分|权重|等级说明；…" (full-width bars accepted).
pub fn parse_criteria(text: &str) -> Result<Rubric, ServiceError> {
    let bad = || ServiceError::Fields(vec![sheji_service::FieldError::new("criteria", "review.criteria_format")]);
    let mut criteria = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let parts: Vec<&str> = line.split(['|', '｜']).map(str::trim).collect();
        let (Some(name), Some(max), Some(weight)) = (parts.first(), parts.get(1), parts.get(2)) else {
            return Err(bad());
        };
        criteria.push(Criterion {
            name: (*name).to_owned(),
            max_score: max.parse().map_err(|_| bad())?,
            weight: weight.parse().map_err(|_| bad())?,
            levels: parts
                .get(3)
                .map(|l| l.split(['；', ';']).map(str::trim).filter(|x| !x.is_empty()).map(str::to_owned).collect())
                .unwrap_or_default(),
        });
    }
    Ok(Rubric { criteria })
}

/// Saves a rubric version.
pub async fn rubric_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    body: String,
) -> Result<Response, PageError> {
    let f = Fields::new(&body);
    let result = match parse_criteria(&f.text("criteria")) {
        Ok(r) => review::save_rubric(&state.services, &p, &f.text("name"), &r, &c.ip).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/admin/rubrics?done=rubric").into_response()),
        Err(e) => {
            forms::refused(e, FormState::from_body(&body), &ctx, "nav.rubrics", |form| {
                rubrics_page(&state, &ctx, &p, None, form)
            })
            .await
        }
    }
}
