//! Services to an organization (its cultivation target, liaison officer and the record of
//! services with diagnosis reports) and the branches' work summary.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sheji_core::identity::Principal;
use sheji_core::ids::OrganizationId;
use sheji_core::page::PageRequest;
use sheji_core::service::{Diagnosis, Kind};
use sheji_service::ServiceError;
use sheji_service::service::{self as service, RecordInput};

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{PageError, render};
use crate::forms::{self, Fields, FormState};
use crate::layout::{Choice, Chrome, Ctx, Pager};

#[derive(Debug, Deserialize, Default)]
pub struct ServiceQuery {
    #[serde(default)]
    page: String,
    #[serde(default)]
    done: String,
    #[serde(default)]
    year: String,
}

struct RecordLine {
    date: String,
    kind: String,
    summary: String,
    diagnosis: Option<DiagnosisView>,
    by: String,
}

/// The diagnosis a service record carries.
struct DiagnosisView {
    strengths: String,
    gaps: String,
    recommendations: String,
    /// The follow-up day; empty when none is set.
    follow_up_on: String,
}

/// The organization as a cultivation target: the tier it aims for and who follows it.
struct TargetView {
    /// The tier aimed for, as shown.
    goal: String,
    /// The liaison officer's name, or "—".
    liaison: String,
    /// May be empty.
    note: String,
}

#[derive(Template)]
#[template(path = "service/services.html")]
struct ServicesPage {
    chrome: Chrome,
    id: OrganizationId,
    target: Option<TargetView>,
    rows: Vec<RecordLine>,
    pager: Pager,
    can_record: bool,
    can_mark: bool,
    kinds: Vec<Choice>,
    form: FormState,
    notice: Option<String>,
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    id: OrganizationId,
    page: Option<u64>,
    form: FormState,
) -> Result<ServicesPage, PageError> {
    let lang = ctx.lang;
    let base = ctx.chrome("service.title").crumb("nav.admin_organizations", Some("/admin/organizations"));
    let err = |e: ServiceError| PageError::service(&e, base.clone());
    let v = service::view(&state.services, p, id, PageRequest::new(page, None)).await.map_err(err)?;
    let names =
        sheji_service::review::organization_names(&state.services, [id].into_iter().collect()).await.map_err(err)?;
    let mut chrome = base.clone();
    chrome.title = format!("{} · {}", names.get(&id).cloned().unwrap_or_default(), lang.t("service.title"));
    let rows = v
        .records
        .items
        .iter()
        .map(|r| RecordLine {
            date: r.served_on.to_string(),
            kind: lang.t(&format!("service.kind.{}", r.kind.code())).to_owned(),
            summary: r.summary.clone(),
            diagnosis: r.diagnosis.as_ref().map(|d| DiagnosisView {
                strengths: d.strengths.clone(),
                gaps: d.gaps.clone(),
                recommendations: d.recommendations.clone(),
                follow_up_on: d.follow_up_on.map(|f| f.to_string()).unwrap_or_default(),
            }),
            by: r.recorded_by.clone(),
        })
        .collect();
    let pager = chrome.pager(&v.records);
    Ok(ServicesPage {
        id,
        target: v.target.map(|(t, name)| TargetView {
            goal: lang.t(&format!("recognition.kind.{}", t.goal)).to_owned(),
            liaison: name.unwrap_or_else(|| "—".to_owned()),
            note: t.note,
        }),
        rows,
        pager,
        can_record: v.can_record,
        can_mark: v.can_mark,
        kinds: Kind::ALL.iter().map(|k| Choice::new(k.code(), lang.t(&format!("service.kind.{}", k.code())))).collect(),
        form,
        notice: None,
        chrome,
    })
}

/// An organization's services.
pub async fn services(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Path(id): Path<i32>,
    Query(q): Query<ServiceQuery>,
) -> Result<Response, PageError> {
    let today = state.services.today();
    let form = FormState::default().keep("served_on", &today.to_string()).keep("kind", "diagnosis");
    let mut view = page(&state, &ctx, &p, OrganizationId(id), q.page.parse().ok(), form).await?;
    view.notice = (!q.done.is_empty()).then(|| ctx.lang.t(&format!("service.done.{}", q.done)).to_owned());
    Ok(render(StatusCode::OK, &view))
}

/// Records a service.
pub async fn record(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
    body: String,
) -> Result<Response, PageError> {
    let mut f = Fields::new(&body);
    let kind = f.text("kind");
    let kind = Kind::parse(&kind);
    if kind.is_none() {
        f.refuse(sheji_service::FieldError::new("kind", "service.kind_required"));
    }
    let served_on = f.date("served_on");
    let input = RecordInput {
        kind: kind.unwrap_or(Kind::Diagnosis),
        served_on,
        summary: f.text("summary"),
        diagnosis: Some(Diagnosis {
            strengths: f.text("strengths"),
            gaps: f.text("gaps"),
            recommendations: f.text("recommendations"),
            follow_up_on: f.optional_date("follow_up_on"),
        }),
    };
    let result = match f.finish(input, |_| Vec::new()) {
        Ok(input) => service::record(&state.services, &p, OrganizationId(id), &input, &c.ip).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/admin/organizations/{id}/services?done=recorded")).into_response()),
        Err(e) => {
            forms::refused(e, FormState::from_body(&body), &ctx, "service.title", |form| {
                page(&state, &ctx, &p, OrganizationId(id), None, form)
            })
            .await
        }
    }
}

/// Marks the cultivation target and assigns the liaison officer.
pub async fn mark(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
    body: String,
) -> Result<Response, PageError> {
    let f = Fields::new(&body);
    match service::mark_target(&state.services, &p, OrganizationId(id), &f.text("liaison"), &f.text("note"), &c.ip)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/admin/organizations/{id}/services?done=marked")).into_response()),
        Err(e) => {
            forms::refused(e, FormState::from_body(&body), &ctx, "service.title", |form| {
                page(&state, &ctx, &p, OrganizationId(id), None, form)
            })
            .await
        }
    }
}

/// One district's services in the year: a count per kind and the total.
struct WorkLine {
    district: String,
    /// One count per kind, in the order of `WorkPage::kinds`.
    per_kind: Vec<u64>,
    total: u64,
}

#[derive(Template)]
#[template(path = "service/service_work.html")]
struct WorkPage {
    chrome: Chrome,
    year: i32,
    kinds: Vec<String>,
    rows: Vec<WorkLine>,
}

/// The branches' work in a year.
pub async fn work(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Query(q): Query<ServiceQuery>,
) -> Result<Response, PageError> {
    use chrono::Datelike;
    let lang = ctx.lang;
    let chrome = ctx.chrome("nav.service_work");
    let err = |e: ServiceError| PageError::service(&e, ctx.chrome("nav.service_work"));
    let year = q.year.parse().unwrap_or_else(|_| state.services.today().year());
    let counts = service::work(&state.services, &p, year).await.map_err(err)?;
    let districts = sheji_service::reference::list_districts(
        &state.services,
        &Default::default(),
        PageRequest::new(Some(1), Some(200)),
    )
    .await
    .map_err(err)?
    .items;
    let mut rows = Vec::new();
    for d in &districts {
        let per: Vec<u64> =
            Kind::ALL.iter().map(|k| counts.get(&(d.id, k.code().to_owned())).copied().unwrap_or(0)).collect();
        let total: u64 = per.iter().sum();
        if total > 0 {
            rows.push(WorkLine { district: d.name.clone(), per_kind: per, total });
        }
    }
    let kinds = Kind::ALL.iter().map(|k| lang.t(&format!("service.kind.{}", k.code())).to_owned()).collect();
    Ok(render(StatusCode::OK, &WorkPage { chrome, year, kinds, rows }))
}
