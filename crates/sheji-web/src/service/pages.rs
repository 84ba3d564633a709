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
    /// The staff one may choose as liaison officer (city staff only).
    liaisons: Vec<Choice>,
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
    let liaisons = if v.can_mark {
        let staff = sheji_service::identity::staff_members(&state.services, p).await.map_err(err)?;
        let districts = district_names(state).await.map_err(err)?;
        staff
            .into_iter()
            .map(|m| {
                let place = m.district.and_then(|d| districts.get(&d).cloned());
                let label = match place {
                    Some(place) => lang.tf(
                        "service.liaison_choice_branch",
                        &[("name", &m.display_name), ("username", &m.username), ("district", &place)],
                    ),
                    None => lang.tf("service.liaison_choice", &[("name", &m.display_name), ("username", &m.username)]),
                };
                Choice::new(m.username, label)
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut form = form;
    // The picker opens on the liaison in place (a refused form keeps what was chosen).
    let current = v.target.as_ref().and_then(|(_, liaison)| liaison.as_ref().map(|(username, _)| username.clone()));
    if let (false, true, Some(username)) = (form.has_errors(), form.value("liaison").is_empty(), current) {
        form = form.keep("liaison", &username);
    }
    Ok(ServicesPage {
        liaisons,
        id,
        target: v.target.map(|(t, name)| TargetView {
            goal: lang.t(&format!("recognition.kind.{}", t.goal)).to_owned(),
            liaison: name.map_or_else(|| "—".to_owned(), |(_, display)| display),
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

/// The names of the districts, by id.
async fn district_names(
    state: &AppState,
) -> Result<std::collections::BTreeMap<sheji_core::ids::DistrictId, String>, ServiceError> {
    Ok(sheji_service::reference::list_districts(
        &state.services,
        &Default::default(),
        PageRequest::new(Some(1), Some(200)),
    )
    .await?
    .items
    .into_iter()
    .map(|d| (d.id, d.name))
    .collect())
}

/// One line of the work tables: who (a branch, or an officer with their branch), a count per
/// kind and the total.
struct WorkLine {
    label: String,
    /// The officer's branch, on the officers' table.
    branch: String,
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
    /// Every district the caller sees, those without a service too.
    rows: Vec<WorkLine>,
    /// Every officer who recorded a service in the year.
    officers: Vec<WorkLine>,
    total: u64,
}

/// The work tables of a year in the reader's language.
async fn work_tables(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    year: i32,
) -> Result<(Vec<String>, Vec<WorkLine>, Vec<WorkLine>), ServiceError> {
    let lang = ctx.lang;
    let work = service::work(&state.services, p, year).await?;
    let active = sheji_service::reference::DistrictFilter {
        status: Some(sheji_core::reference::DistrictStatus::Active),
        ..Default::default()
    };
    let districts =
        sheji_service::reference::list_districts(&state.services, &active, PageRequest::new(Some(1), Some(200)))
            .await?
            .items;
    let names = district_names(state).await?;
    let per_kind = |pick: &dyn Fn(&(sheji_core::ids::DistrictId, String, String)) -> bool| -> Vec<u64> {
        Kind::ALL
            .iter()
            .map(|k| work.counts.iter().filter(|(key, _)| key.2 == k.code() && pick(key)).map(|(_, n)| *n).sum())
            .collect()
    };
    let rows = districts
        .iter()
        .filter(|d| work.districts.as_ref().is_none_or(|seen| seen.contains(&d.id)))
        .map(|d| {
            let per = per_kind(&|key| key.0 == d.id);
            WorkLine { label: d.name.clone(), branch: String::new(), total: per.iter().sum(), per_kind: per }
        })
        .collect();
    let mut people: Vec<(sheji_core::ids::DistrictId, String)> =
        work.counts.keys().map(|(d, by, _)| (*d, by.clone())).collect();
    people.sort_by(|a, b| names.get(&a.0).cmp(&names.get(&b.0)).then(a.1.cmp(&b.1)));
    people.dedup();
    let officers = people
        .into_iter()
        .map(|(d, by)| {
            let per = per_kind(&|key| key.0 == d && key.1 == by);
            WorkLine {
                branch: names.get(&d).cloned().unwrap_or_default(),
                label: by,
                total: per.iter().sum(),
                per_kind: per,
            }
        })
        .collect();
    let kinds = Kind::ALL.iter().map(|k| lang.t(&format!("service.kind.{}", k.code())).to_owned()).collect();
    Ok((kinds, rows, officers))
}

fn year_of(state: &AppState, q: &ServiceQuery) -> i32 {
    use chrono::Datelike;
    q.year.trim().parse().ok().filter(|y| (2000..=2100).contains(y)).unwrap_or_else(|| state.services.today().year())
}

/// The branches' work in a year: every district (zeros too) and every officer.
pub async fn work(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Query(q): Query<ServiceQuery>,
) -> Result<Response, PageError> {
    let chrome = ctx.chrome("nav.service_work");
    let year = year_of(&state, &q);
    let (kinds, rows, officers) = work_tables(&state, &ctx, &p, year)
        .await
        .map_err(|e| PageError::service(&e, ctx.chrome("nav.service_work")))?;
    let total = rows.iter().map(|r: &WorkLine| r.total).sum();
    Ok(render(StatusCode::OK, &WorkPage { chrome, year, kinds, rows, officers, total }))
}

/// The same tables as a workbook: one sheet by district, one by officer.
pub async fn work_xlsx(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Query(q): Query<ServiceQuery>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let err = |e: ServiceError| PageError::service(&e, ctx.chrome("nav.service_work"));
    let year = year_of(&state, &q);
    let (kinds, rows, officers) = work_tables(&state, &ctx, &p, year).await.map_err(err)?;
    let table = |first: Vec<String>, lines: &[WorkLine], with_branch: bool| sheji_service::document::Table {
        headers: first.into_iter().chain(kinds.iter().cloned()).chain([lang.t("service.total").to_owned()]).collect(),
        rows: lines
            .iter()
            .map(|l| {
                let mut row = vec![l.label.clone()];
                if with_branch {
                    row.push(l.branch.clone());
                }
                row.extend(l.per_kind.iter().map(u64::to_string));
                row.push(l.total.to_string());
                row
            })
            .collect(),
    };
    let by_district = table(vec![lang.t("org.district").to_owned()], &rows, false);
    let by_officer =
        table(vec![lang.t("service.officer").to_owned(), lang.t("service.branch").to_owned()], &officers, true);
    let sheets = [
        (lang.t("service.by_district").to_owned(), &by_district),
        (lang.t("service.by_officer").to_owned(), &by_officer),
    ];
    let bytes = sheji_service::spreadsheet::tables_workbook(&sheets).map_err(err)?;
    Ok(crate::download::xlsx_response(bytes, &format!("service-work-{year}.xlsx")))
}
