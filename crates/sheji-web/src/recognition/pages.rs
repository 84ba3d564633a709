//! Recognition pages: batches and the applicant's own applications (`/recognition`), an
//! application with its checklist, form, actions and timeline, the staff view of a batch (funnel,
//! queue, quota), opening a batch, and the public register of recognitions with a certificate
//! page anyone can open to verify a number.

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sheji_core::i18n::Lang;
use sheji_core::identity::{Permission, Principal};
use sheji_core::ids::{OrganizationId, RubricId};
use sheji_core::page::PageRequest;
use sheji_core::recognition::{Action, Kind, Purpose, Rules};
use sheji_service::ServiceError;
use sheji_service::recognition::{self as service, BatchFields, FormInput, RecognitionFilter};
use sheji_service::review;

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{PageError, render};
use crate::forms::{FormState, date, read_multipart, single};
use crate::layout::{Chrome, Ctx, Pager};

/// An on-site verification as shown: (point, passed, note) per point, the conclusion, the day.
type InspectionView = (Vec<(String, bool, String)>, String, String);

/// The largest upload: a few photos or a PDF under the file store's 20 MiB limit each.
pub const MAX_UPLOAD: usize = 64 * 1024 * 1024;

#[derive(Debug, Deserialize, Default)]
pub struct RecQuery {
    #[serde(default)]
    page: String,
    #[serde(default)]
    done: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    district: String,
}

fn kind_label(lang: Lang, k: Kind) -> String {
    lang.t(&format!("recognition.kind.{}", k.code())).to_owned()
}

fn status_label(lang: Lang, s: sheji_core::recognition::Status) -> String {
    lang.t(&format!("recognition.status.{}", s.code())).to_owned()
}

struct BatchLine {
    id: i32,
    name: String,
    kind: String,
    window: String,
    accepting: bool,
}

struct AppLine {
    id: i32,
    batch: String,
    organization: String,
    status: String,
    class: &'static str,
}

#[derive(Template)]
#[template(path = "recognition/recognition.html")]
struct HomePage {
    chrome: Chrome,
    batches: Vec<BatchLine>,
    mine: Vec<AppLine>,
    applicant: Option<(OrganizationId, String)>,
    expiring: Vec<(String, String, String, String, String)>,
    held: Vec<(String, String, String, String, &'static str)>,
    staff: bool,
    city: bool,
    notice: Option<String>,
    pager: Pager,
}

/// Batches and the caller's applications.
pub async fn home(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Query(q): Query<RecQuery>,
) -> Result<Response, PageError> {
    let chrome = ctx.chrome("nav.recognition");
    let err = |e: ServiceError| PageError::service(&e, ctx.chrome("nav.recognition"));
    let s = &state.services;
    let page = service::batches(s, PageRequest::new(q.page.parse().ok(), None)).await.map_err(err)?;
    let batches = page
        .items
        .iter()
        .map(|b| BatchLine {
            id: b.id,
            name: b.fields.name.clone(),
            kind: kind_label(ctx.lang, b.fields.kind),
            window: format!("{} – {}", b.fields.opens_on, b.fields.closes_on),
            accepting: service::accepting(s, b),
        })
        .collect();
    let mine_page = service::mine(s, &p, PageRequest::new(Some(1), Some(50))).await.map_err(err)?;
    let mut names = std::collections::BTreeMap::new();
    for l in &mine_page.items {
        if let std::collections::btree_map::Entry::Vacant(e) = names.entry(l.application.batch) {
            e.insert(service::batch(s, l.application.batch).await.map(|b| b.fields.name).unwrap_or_default());
        }
    }
    let mine = mine_page
        .items
        .iter()
        .map(|l| AppLine {
            id: l.application.id,
            batch: names.get(&l.application.batch).cloned().unwrap_or_default(),
            organization: l.organization.clone(),
            status: status_label(ctx.lang, l.application.status),
            class: l.application.status.badge(),
        })
        .collect();
    let now = s.now();
    let org = p.scope(Permission::RegistryEdit, now).organizations.into_iter().next();
    let applicant = match org {
        Some(o) => {
            let name = review::organization_names(s, [o].into_iter().collect()).await.map_err(err)?;
            Some((o, name.get(&o).cloned().unwrap_or_default()))
        }
        None => None,
    };
    let notice = (!q.done.is_empty()).then(|| ctx.lang.t(&format!("recognition.done.{}", q.done)).to_owned());
    let pager = chrome.pager(&page);
    let expiring = service::expiring(s, &p)
        .await
        .map_err(err)?
        .into_iter()
        .map(|(c, left)| {
            let mark = if left <= 30 { ctx.lang.t("recognition.due_30") } else { ctx.lang.t("recognition.due_90") };
            (
                c.recognition.certificate.clone(),
                c.organization.clone(),
                kind_label(ctx.lang, c.recognition.kind),
                c.recognition.valid_until.to_string(),
                ctx.lang.tf("recognition.days_left", &[("n", &left.to_string()), ("mark", mark)]),
            )
        })
        .collect();
    let held = match &applicant {
        Some((org, _)) => {
            let filter = RecognitionFilter { organization: Some(*org), ..RecognitionFilter::default() };
            service::recognitions(s, &filter, PageRequest::new(Some(1), Some(50)))
                .await
                .map_err(err)?
                .items
                .into_iter()
                .map(|c| {
                    (
                        c.recognition.certificate.clone(),
                        kind_label(ctx.lang, c.recognition.kind),
                        c.recognition.valid_until.to_string(),
                        ctx.lang.t(&format!("recognition.standing.{}", c.standing.code())).to_owned(),
                        c.standing.badge(),
                    )
                })
                .collect()
        }
        None => Vec::new(),
    };
    Ok(render(
        StatusCode::OK,
        &HomePage {
            batches,
            mine,
            expiring,
            held,
            applicant,
            staff: {
                let review = p.scope(Permission::RecognitionReview, now);
                review.all || !review.districts.is_empty()
            },
            city: p.can(Permission::RecognitionManage, now),
            notice,
            pager,
            chrome,
        },
    ))
}

/// Starts an application for the caller's organization.
pub async fn apply(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(batch): Path<i32>,
) -> Result<Response, PageError> {
    let org = p.scope(Permission::RegistryEdit, state.services.now()).organizations.into_iter().next();
    let Some(org) = org else { return Err(PageError::forbidden(ctx.chrome("nav.recognition"))) };
    match service::start(&state.services, &p, batch, org, &c.ip).await {
        Ok(id) => Ok(Redirect::to(&format!("/recognition/applications/{id}")).into_response()),
        Err(e) => Err(PageError::service(&e, ctx.chrome("nav.recognition"))),
    }
}

/// The steps of an application's workflow, as message keys: the optional on-site check and
/// expert review only where the batch has them.
pub(crate) fn step_keys(onsite: bool, reviewed: bool) -> Vec<&'static str> {
    let mut keys = vec!["recognition.step.draft", "recognition.step.district", "recognition.step.formal"];
    if onsite {
        keys.push("recognition.step.inspection");
    }
    if reviewed {
        keys.push("recognition.step.review");
    }
    keys.push("recognition.step.outcome");
    keys
}

/// The step indicator of an application: draft → district → formal check → (on-site check) →
/// (expert review and publicity) → outcome, the outcome step named by the final status.
fn application_steps(
    lang: Lang,
    status: sheji_core::recognition::Status,
    onsite: bool,
    reviewed: bool,
) -> Vec<(String, &'static str)> {
    use sheji_core::recognition::Status as S;
    let keys = step_keys(onsite, reviewed || status == S::InReview);
    let last = keys.len().saturating_sub(1);
    let review = keys.iter().position(|k| *k == "recognition.step.review").unwrap_or(last);
    let (current, finished) = match status {
        S::Draft | S::Returned => (0, false),
        S::Submitted => (1, false),
        S::Recommended => (2, false),
        // The step after the formal check (and after the on-site check).
        S::Checked => (3, false),
        S::Inspected => (4, false),
        S::InReview => (review, false),
        S::Recognized | S::NotRecognized | S::Rectify | S::Rejected => (last, true),
    };
    let mut labels: Vec<String> = keys.iter().map(|k| lang.t(k).to_owned()).collect();
    if let Some(label) = labels.get_mut(current)
        && (status == S::Returned || current == last)
    {
        *label = status_label(lang, status);
    }
    let mut steps = crate::layout::steps(labels, current.min(last), finished);
    let ending = match status {
        S::Rejected | S::NotRecognized => Some("current rejected"),
        S::Rectify => Some("current"),
        _ => None,
    };
    if let Some(state) = ending
        && let Some(step) = steps.last_mut()
    {
        step.1 = state;
    }
    if status == S::Rejected {
        // Rejected by the district or the city, at a step the status does not tell: only the
        // draft was surely passed.
        for step in steps.iter_mut().skip(1).take(last.saturating_sub(1)) {
            step.1 = "";
        }
    }
    steps
}

/// A staff decision on an application: its button, and what a confirmation says before an
/// irreversible one (a return for correction needs none: the applicant resubmits).
struct StaffAction {
    code: &'static str,
    label: String,
    confirm: Option<String>,
    kind: &'static str,
}

/// The staff decisions asked for a confirmation first (its text: `recognition.confirm.<code>`).
pub(crate) const CONFIRMED_ACTIONS: [Action; 3] = [Action::Recommend, Action::Pass, Action::Reject];

struct CheckLine {
    label: String,
    required: String,
    actual: String,
    passed: bool,
}

#[derive(Template)]
#[template(path = "recognition/recognition_application.html")]
struct ApplicationPage {
    chrome: Chrome,
    id: i32,
    batch: String,
    kind: String,
    status: String,
    class: &'static str,
    organization: String,
    checklist: Vec<CheckLine>,
    all_passed: bool,
    figures: Vec<(String, String)>,
    editable: bool,
    form: FormState,
    steps: Vec<(String, &'static str)>,
    actions: Vec<StaffAction>,
    staff_actions: bool,
    quota: String,
    timeline: Vec<(String, String, String, String)>,
    attachments: Vec<(i32, String, String)>,
    photos: Vec<(i32, String)>,
    can_inspect: bool,
    onsite_required: bool,
    inspection_items: Vec<(usize, String)>,
    inspection: Option<InspectionView>,
    notice: Option<String>,
    error: Option<String>,
}

async fn application_page(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    id: i32,
    form: Option<FormState>,
) -> Result<ApplicationPage, PageError> {
    let lang = ctx.lang;
    let base = ctx.chrome("recognition.application").crumb("nav.recognition", Some("/recognition"));
    let v = service::view(&state.services, p, id).await.map_err(|e| PageError::service(&e, base.clone()))?;
    let mut chrome = base.clone();
    chrome.title = format!("{} · {}", v.organization, kind_label(lang, v.batch.fields.kind));
    let checklist: Vec<CheckLine> = v
        .checklist
        .iter()
        .map(|c| CheckLine {
            label: sheji_service::recognition::check_label(lang, c.key, &c.required),
            required: if c.key == "recognition.check.tier" { String::new() } else { c.required.clone() },
            actual: if c.key == "recognition.check.tier" { String::new() } else { c.actual.clone() },
            passed: c.passed,
        })
        .collect();
    let figures = serde_json::from_str::<serde_json::Value>(&v.application.form.figures)
        .ok()
        .and_then(|f| {
            let year = f.get("year")?.as_i64()?;
            let map = f.get("figures")?.as_object()?.clone();
            Some(
                map.into_iter()
                    .filter(|(_, val)| !val.is_null())
                    .map(|(k, val)| (format!("{year} · {}", lang.t(&format!("indicator.{k}"))), val.to_string()))
                    .collect::<Vec<_>>(),
            )
        })
        .unwrap_or_default();
    let form = form.unwrap_or_else(|| {
        FormState::default()
            .keep("description", &v.application.form.description)
            .keep("incident_free", if v.application.form.incident_free { "on" } else { "" })
            .keep("credit_ok", if v.application.form.credit_ok { "on" } else { "" })
            .keep("statement_signed", if v.application.form.statement_signed { "on" } else { "" })
    });
    let quota = match v.quota.1 {
        Some(q) => lang.tf("recognition.quota_line", &[("used", &v.quota.0.to_string()), ("quota", &q.to_string())]),
        None => lang.t("recognition.no_quota").to_owned(),
    };
    Ok(ApplicationPage {
        id,
        batch: v.batch.fields.name.clone(),
        kind: kind_label(lang, v.batch.fields.kind),
        status: status_label(lang, v.application.status),
        class: v.application.status.badge(),
        organization: v.organization.clone(),
        all_passed: checklist.iter().all(|c| c.passed),
        checklist,
        figures,
        editable: v.editable,
        form,
        staff_actions: v.actions.iter().any(|a| *a != Action::Submit),
        steps: application_steps(
            lang,
            v.application.status,
            v.batch.fields.rules.onsite_required,
            v.batch.fields.rubric.is_some(),
        ),
        actions: v
            .actions
            .iter()
            .filter(|a| **a != Action::Submit)
            .enumerate()
            .map(|(i, a)| StaffAction {
                code: a.code(),
                label: lang.t(&format!("recognition.action.{}", a.code())).to_owned(),
                confirm: CONFIRMED_ACTIONS
                    .contains(a)
                    .then(|| lang.t(&format!("recognition.confirm.{}", a.code())).to_owned()),
                kind: match a {
                    Action::Reject => "danger",
                    _ if i == 0 => "primary",
                    _ => "",
                },
            })
            .collect(),
        quota,
        timeline: v
            .events
            .iter()
            .map(|e| {
                (
                    sheji_core::i18n::datetime(e.at),
                    lang.t(&format!("recognition.action.{}", e.action)).to_owned(),
                    e.actor.clone(),
                    e.comment.clone(),
                )
            })
            .collect(),
        attachments: v
            .files
            .iter()
            .filter(|f| f.purpose == "attachment")
            .map(|f| (f.id, f.name.clone(), format!("{:.1} KB", f.size as f64 / 1024.0)))
            .collect(),
        photos: v.files.iter().filter(|f| f.purpose == "inspection").map(|f| (f.id, f.name.clone())).collect(),
        can_inspect: v.can_inspect,
        onsite_required: v.batch.fields.rules.onsite_required,
        inspection_items: sheji_core::recognition::INSPECTION_ITEMS
            .iter()
            .enumerate()
            .map(|(i, k)| (i, lang.t(&format!("recognition.inspection.{k}")).to_owned()))
            .collect(),
        inspection: v.application.inspection.as_ref().map(|ins| {
            (
                sheji_core::recognition::INSPECTION_ITEMS
                    .iter()
                    .zip(&ins.items)
                    .map(|(k, (p, n))| (lang.t(&format!("recognition.inspection.{k}")).to_owned(), *p, n.clone()))
                    .collect(),
                ins.conclusion.clone(),
                ins.on.map(|d| d.to_string()).unwrap_or_default(),
            )
        }),
        notice: None,
        error: None,
        chrome,
    })
}

/// Attaches a PDF to the application.
pub async fn attach(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let (_, files) = read_multipart(multipart).await;
    let result = match files.into_iter().find(|(f, _, _)| f == "file") {
        Some((_, name, bytes)) => service::attach(&state.services, &p, id, &name, &bytes, &c.ip).await.map(|_| ()),
        None => Err(ServiceError::Fields(vec![sheji_service::FieldError::new("file", "files.empty")])),
    };
    after_upload(&state, &ctx, &p, id, result, "attached").await
}

async fn after_upload(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    id: i32,
    result: Result<(), ServiceError>,
    done: &str,
) -> Result<Response, PageError> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/recognition/applications/{id}?done={done}")).into_response()),
        Err(e) if matches!(e.kind(), sheji_service::ErrorKind::Invalid | sheji_service::ErrorKind::Conflict) => {
            let mut page = application_page(state, ctx, p, id, None).await?;
            page.error = Some(e.message(ctx.lang));
            let status = crate::error::status_of(e.kind());
            Ok(render(status, &page))
        }
        Err(e) => Err(PageError::service(&e, ctx.chrome("recognition.application"))),
    }
}

/// Records the on-site verification with its photos.
pub async fn inspect(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let (fields, files) = read_multipart(multipart).await;
    let get = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
    let inspection = sheji_core::recognition::Inspection {
        items: (0..sheji_core::recognition::INSPECTION_ITEMS.len())
            .map(|i| (get(&format!("item_{i}")) == "on", get(&format!("note_{i}"))))
            .collect(),
        conclusion: get("conclusion"),
        on: get("on").trim().parse().ok(),
    };
    let photos: Vec<(String, Vec<u8>)> =
        files.into_iter().filter(|(f, _, _)| f == "photos").map(|(_, n, b)| (n, b)).collect();
    let result = service::inspect(&state.services, &p, id, &inspection, &photos, &c.ip).await.map(|_| ());
    after_upload(&state, &ctx, &p, id, result, "inspected").await
}

/// Serves a stored file to whoever may see its application.
pub async fn download(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Path(id): Path<i32>,
) -> Result<Response, PageError> {
    use axum::http::header;
    let (f, bytes) = service::file(&state.services, &p, id)
        .await
        .map_err(|e| PageError::service(&e, ctx.chrome("recognition.application")))?;
    let ascii: String = f.name.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '.').collect();
    Ok((
        [
            (header::CONTENT_TYPE, f.content_type.clone()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{}\"", if ascii.is_empty() { "file".to_owned() } else { ascii }),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

/// One application.
pub async fn application(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Path(id): Path<i32>,
    Query(q): Query<RecQuery>,
) -> Result<Response, PageError> {
    let mut page = application_page(&state, &ctx, &p, id, None).await?;
    page.notice = (!q.done.is_empty()).then(|| ctx.lang.t(&format!("recognition.done.{}", q.done)).to_owned());
    Ok(render(StatusCode::OK, &page))
}

/// Saves the applicant's form, and submits it when asked.
pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
    body: String,
) -> Result<Response, PageError> {
    let input = FormInput {
        description: single(&body, "description"),
        incident_free: single(&body, "incident_free") == "on",
        credit_ok: single(&body, "credit_ok") == "on",
        statement_signed: single(&body, "statement_signed") == "on",
    };
    let submit = single(&body, "action") == "submit";
    let mut result = service::save(&state.services, &p, id, &input, &c.ip).await;
    if result.is_ok() && submit {
        result = service::act(&state.services, &p, id, Action::Submit, "", &c.ip).await.map(|_| ());
    }
    match result {
        Ok(()) => Ok(Redirect::to(&format!(
            "/recognition/applications/{id}?done={}",
            if submit { "submitted" } else { "saved" }
        ))
        .into_response()),
        Err(e) if matches!(e.kind(), sheji_service::ErrorKind::Invalid | sheji_service::ErrorKind::Conflict) => {
            let mut form = FormState::default();
            for f in ["description", "incident_free", "credit_ok", "statement_signed"] {
                form = form.keep(f, &single(&body, f));
            }
            let form = form.with_error(&e, ctx.lang);
            let mut page = application_page(&state, &ctx, &p, id, Some(form)).await?;
            if e.fields().is_empty() {
                page.error = Some(e.message(ctx.lang));
            }
            let status = crate::error::status_of(e.kind());
            Ok(render(status, &page))
        }
        Err(e) => Err(PageError::service(&e, ctx.chrome("recognition.application"))),
    }
}

/// A staff step: recommend, return, reject, pass.
pub async fn act(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
    body: String,
) -> Result<Response, PageError> {
    let Some(action) = Action::parse(&single(&body, "action")) else {
        return Err(PageError::not_found(ctx.chrome("recognition.application")));
    };
    match service::act(&state.services, &p, id, action, &single(&body, "comment"), &c.ip).await {
        Ok(_) => Ok(Redirect::to(&format!("/recognition/applications/{id}?done={}", action.code())).into_response()),
        Err(e) if matches!(e.kind(), sheji_service::ErrorKind::Invalid | sheji_service::ErrorKind::Conflict) => {
            let mut page = application_page(&state, &ctx, &p, id, None).await?;
            page.error = Some(e.message(ctx.lang));
            let status = crate::error::status_of(e.kind());
            Ok(render(status, &page))
        }
        Err(e) => Err(PageError::service(&e, ctx.chrome("recognition.application"))),
    }
}

struct QueueRow {
    id: i32,
    organization: String,
    status: String,
    class: &'static str,
    submitted: String,
}

#[derive(Template)]
#[template(path = "recognition/recognition_batch.html")]
struct BatchPage {
    chrome: Chrome,
    id: i32,
    kind: String,
    purpose: String,
    window: String,
    quota: String,
    funnel: Vec<(String, u64)>,
    rows: Vec<QueueRow>,
    pager: Pager,
    quota_used: Vec<(String, String)>,
    city: bool,
    campaign: Option<(i32, String)>,
    status: String,
    notice: Option<String>,
    error: Option<String>,
}

async fn batch_page(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    id: i32,
    page: Option<u64>,
) -> Result<BatchPage, PageError> {
    let lang = ctx.lang;
    let base = ctx.chrome("recognition.batch").crumb("nav.recognition", Some("/recognition"));
    let err = |e: ServiceError| PageError::service(&e, base.clone());
    let v = service::batch_view(&state.services, p, id, PageRequest::new(page, None)).await.map_err(err)?;
    let mut chrome = base.clone();
    chrome.title = v.batch.fields.name.clone();
    let funnel = sheji_core::recognition::Status::ALL
        .iter()
        .map(|s| (status_label(lang, *s), v.funnel.get(s.code()).copied().unwrap_or(0)))
        .collect();
    let districts = sheji_service::reference::list_districts(
        &state.services,
        &Default::default(),
        PageRequest::new(Some(1), Some(200)),
    )
    .await
    .map_err(err)?;
    let district_name = |d: sheji_core::ids::DistrictId| {
        districts.items.iter().find(|x| x.id == d).map(|x| x.name.clone()).unwrap_or_else(|| d.to_string())
    };
    let quota_used = v
        .quota_used
        .iter()
        .map(|(d, used)| {
            let line = match v.batch.fields.district_quota {
                Some(q) => lang.tf(
                    "recognition.quota_left",
                    &[("used", &used.to_string()), ("left", &q.saturating_sub(*used).to_string())],
                ),
                None => lang.t("recognition.no_quota").to_owned(),
            };
            (district_name(*d), line)
        })
        .collect();
    let pager = chrome.pager(&v.queue);
    Ok(BatchPage {
        id,
        kind: kind_label(lang, v.batch.fields.kind),
        purpose: lang.t(&format!("recognition.purpose.{}", v.batch.fields.purpose.code())).to_owned(),
        window: format!("{} – {}", v.batch.fields.opens_on, v.batch.fields.closes_on),
        quota: v
            .batch
            .fields
            .district_quota
            .map(|q| q.to_string())
            .unwrap_or_else(|| lang.t("recognition.no_quota").to_owned()),
        funnel,
        rows: v
            .queue
            .items
            .iter()
            .map(|l| QueueRow {
                id: l.application.id,
                organization: l.organization.clone(),
                status: status_label(lang, l.application.status),
                class: l.application.status.badge(),
                submitted: l.application.submitted_at.map(sheji_core::i18n::datetime).unwrap_or_default(),
            })
            .collect(),
        pager,
        quota_used,
        city: v.city,
        campaign: v
            .batch
            .campaign
            .zip(v.campaign)
            .map(|(c, st)| (c.get(), lang.t(&format!("review.status.{}", st.code())).to_owned())),
        status: lang.t(&format!("recognition.batch_status.{}", v.batch.status)).to_owned(),
        notice: None,
        error: None,
        chrome,
    })
}

/// The staff view of a batch.
pub async fn batch(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Path(id): Path<i32>,
    Query(q): Query<RecQuery>,
) -> Result<Response, PageError> {
    let mut page = batch_page(&state, &ctx, &p, id, q.page.parse().ok()).await?;
    page.notice = (!q.done.is_empty()).then(|| ctx.lang.t(&format!("recognition.done.{}", q.done)).to_owned());
    Ok(render(StatusCode::OK, &page))
}

/// Sends the checked applications to expert review, or concludes the batch.
pub async fn batch_step(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path((id, step)): Path<(i32, String)>,
) -> Result<Response, PageError> {
    let s = &state.services;
    let result = match step.as_str() {
        "review" => service::send_to_review(s, &p, id, &c.ip).await.map(|_| "review".to_owned()),
        "conclude" => service::conclude(s, &p, id, &c.ip).await.map(|_| "concluded".to_owned()),
        _ => return Err(PageError::not_found(ctx.chrome("recognition.batch"))),
    };
    match result {
        Ok(done) => Ok(Redirect::to(&format!("/admin/recognition/{id}?done={done}")).into_response()),
        Err(e) if matches!(e.kind(), sheji_service::ErrorKind::Invalid | sheji_service::ErrorKind::Conflict) => {
            let mut page = batch_page(&state, &ctx, &p, id, None).await?;
            page.error = Some(e.message(ctx.lang));
            Ok(render(StatusCode::CONFLICT, &page))
        }
        Err(e) => Err(PageError::service(&e, ctx.chrome("recognition.batch"))),
    }
}

#[derive(Template)]
#[template(path = "recognition/recognition_new.html")]
struct NewBatchPage {
    chrome: Chrome,
    form: FormState,
    kinds: Vec<(&'static str, String)>,
    rubrics: Vec<(String, String)>,
}

fn rules_form(form: FormState, r: &Rules) -> FormState {
    form.keep("min_years", &r.min_years.to_string())
        .keep("requires_library", if r.requires_library { "on" } else { "" })
        .keep("requires_any_of", &r.requires_any_of.iter().map(|k| k.code()).collect::<Vec<_>>().join(","))
        .keep("incident_free_years", &r.incident_free_years.to_string())
        .keep("requires_credit_statement", if r.requires_credit_statement { "on" } else { "" })
        .keep("min_design_staff", &r.min_design_staff.to_string())
        .keep("min_qualified_share", &r.min_qualified_share.to_string())
        .keep("min_patents", &r.min_patents.to_string())
        .keep("min_design_revenue", &r.min_design_revenue.to_string())
        .keep("validity_years", &r.validity_years.to_string())
        .keep("pass_score", &r.pass_score.to_string())
        .keep("rectify_score", &r.rectify_score.to_string())
        .keep("rectify_months", &r.rectify_months.to_string())
        .keep("onsite_required", if r.onsite_required { "on" } else { "" })
        .keep("reviewers_per_item", &r.reviewers_per_item.to_string())
        .keep("publicity_days", &r.publicity_days.to_string())
}

async fn new_batch_page(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    form: FormState,
) -> Result<NewBatchPage, PageError> {
    let chrome = ctx.chrome("recognition.new_batch").crumb("nav.recognition", Some("/recognition"));
    let rubrics = review::rubrics(&state.services, p, PageRequest::new(Some(1), Some(200)))
        .await
        .map_err(|e| PageError::service(&e, ctx.chrome("recognition.new_batch")))?;
    Ok(NewBatchPage {
        kinds: Kind::ALL.iter().map(|k| (k.code(), kind_label(ctx.lang, *k))).collect(),
        rubrics: rubrics.items.iter().map(|r| (r.id.to_string(), format!("{} · v{}", r.name, r.version))).collect(),
        chrome,
        form,
    })
}

/// The form for a new batch; `?kind=` fills in that kind's default rules.
pub async fn new_form(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Query(q): Query<RecQuery>,
) -> Result<Response, PageError> {
    if !p.can(Permission::RecognitionManage, state.services.now()) {
        return Err(PageError::forbidden(ctx.chrome("recognition.new_batch")));
    }
    let kind = Kind::parse(&q.kind).unwrap_or(Kind::MunicipalCenter);
    let today = state.services.today();
    use chrono::Datelike;
    let form = FormState::default()
        .keep("kind", kind.code())
        .keep("purpose", &q.purpose)
        .keep("year", &today.year().to_string())
        .keep("opens_on", &today.to_string())
        .keep("closes_on", &(today + chrono::Duration::days(30)).to_string())
        .keep("district_quota", "3");
    let form = rules_form(form, &service::default_rules(kind));
    Ok(render(StatusCode::OK, &new_batch_page(&state, &ctx, &p, form).await?))
}

fn batch_input(body: &str) -> Result<BatchFields, ServiceError> {
    let mut errors = Vec::new();
    let mut num = |f: &'static str| -> f64 {
        match single(body, f).trim().parse::<f64>() {
            Ok(x) if x.is_finite() && x >= 0.0 => x,
            _ => {
                errors.push(sheji_service::FieldError::new(f, "review.number_required"));
                0.0
            }
        }
    };
    let year = num("year") as i32;
    let min_years = num("min_years") as u32;
    let incident_free_years = num("incident_free_years") as u32;
    let min_design_staff = num("min_design_staff") as i64;
    let min_qualified_share = num("min_qualified_share");
    let min_patents = num("min_patents") as i64;
    let min_design_revenue = num("min_design_revenue");
    let validity_years = num("validity_years") as u32;
    let pass_score = num("pass_score");
    let rectify_score = num("rectify_score");
    let rectify_months = num("rectify_months") as u32;
    let reviewers_per_item = num("reviewers_per_item") as u32;
    let publicity_days = num("publicity_days") as u32;
    let quota_raw = single(body, "district_quota");
    let district_quota = if quota_raw.trim().is_empty() {
        None
    } else {
        match quota_raw.trim().parse::<u32>() {
            Ok(q) => Some(q),
            Err(_) => {
                errors.push(sheji_service::FieldError::new("district_quota", "recognition.quota_range"));
                None
            }
        }
    };
    let opens_on = date(body, "opens_on", &mut errors);
    let closes_on = date(body, "closes_on", &mut errors);
    let kind = Kind::parse(&single(body, "kind")).unwrap_or(Kind::MunicipalCenter);
    let f = BatchFields {
        kind,
        purpose: Purpose::parse(&single(body, "purpose")).unwrap_or(Purpose::Recognition),
        year,
        name: single(body, "name"),
        opens_on,
        closes_on,
        district_quota,
        rules: Rules {
            min_years,
            requires_library: single(body, "requires_library") == "on",
            requires_any_of: single(body, "requires_any_of").split(',').filter_map(|c| Kind::parse(c.trim())).collect(),
            incident_free_years,
            requires_credit_statement: single(body, "requires_credit_statement") == "on",
            min_design_staff,
            min_qualified_share,
            min_patents,
            min_design_revenue,
            validity_years,
            pass_score,
            rectify_score,
            rectify_months,
            onsite_required: single(body, "onsite_required") == "on",
            reviewers_per_item,
            publicity_days,
        },
        rubric: single(body, "rubric").parse().ok().map(RubricId),
    };
    if errors.is_empty() { Ok(f) } else { Err(ServiceError::Fields(errors)) }
}

/// Opens a batch.
pub async fn new_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    body: String,
) -> Result<Response, PageError> {
    let result = match batch_input(&body) {
        Ok(f) => service::open_batch(&state.services, &p, &f, &c.ip).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/admin/recognition/{id}?done=opened")).into_response()),
        Err(e @ ServiceError::Fields(_)) => {
            // Every field comes back as typed (a re-review batch stays one, its ticks stay).
            let form = FormState::from_body(&body);
            let form = form.with_error(&e, ctx.lang);
            Ok(render(StatusCode::BAD_REQUEST, &new_batch_page(&state, &ctx, &p, form).await?))
        }
        Err(e) => Err(PageError::service(&e, ctx.chrome("recognition.new_batch"))),
    }
}

struct RegisterLine {
    number: String,
    organization: String,
    kind: String,
    granted: String,
    until: String,
    standing: String,
    class: &'static str,
}

#[derive(Template)]
#[template(path = "recognition/recognitions.html")]
struct RegisterPage {
    chrome: Chrome,
    rows: Vec<RegisterLine>,
    kinds: Vec<(&'static str, String, bool)>,
    districts: Vec<(String, String, bool)>,
    pager: Pager,
    export_href: Option<String>,
}

fn register_filter(q: &RecQuery) -> RecognitionFilter {
    RecognitionFilter {
        kind: Kind::parse(&q.kind),
        districts: q.district.parse().ok().map(|d| vec![sheji_core::ids::DistrictId(d)]),
        ..RecognitionFilter::default()
    }
}

/// The public register of recognitions, by tier and district.
pub async fn register(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<RecQuery>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let chrome = ctx.chrome("nav.recognitions");
    let err = |e: ServiceError| PageError::service(&e, ctx.chrome("nav.recognitions"));
    let filter = register_filter(&q);
    let page = service::recognitions(&state.services, &filter, PageRequest::new(q.page.parse().ok(), None))
        .await
        .map_err(err)?;
    let rows = page
        .items
        .iter()
        .map(|c| RegisterLine {
            number: c.recognition.certificate.clone(),
            organization: c.organization.clone(),
            kind: kind_label(lang, c.recognition.kind),
            granted: c.recognition.granted_on.to_string(),
            until: c.recognition.valid_until.to_string(),
            standing: lang.t(&format!("recognition.standing.{}", c.standing.code())).to_owned(),
            class: c.standing.badge(),
        })
        .collect();
    let pager = chrome.pager(&page);
    let kinds = Kind::ALL.iter().map(|k| (k.code(), kind_label(lang, *k), Some(*k) == filter.kind)).collect();
    let districts = sheji_service::reference::list_districts(
        &state.services,
        &Default::default(),
        PageRequest::new(Some(1), Some(200)),
    )
    .await
    .map_err(err)?
    .items
    .into_iter()
    .map(|d| (d.id.to_string(), d.name, d.id.to_string() == q.district))
    .collect();
    let now = state.services.now();
    let can_export = ctx
        .caller
        .principal
        .as_ref()
        .is_some_and(|p| p.can(Permission::RecognitionManage, now) || p.can(Permission::RegistryExport, now));
    let export_href = format!("/recognitions/export.xlsx?kind={}&district={}", q.kind, q.district);
    Ok(render(
        StatusCode::OK,
        &RegisterPage { chrome, rows, kinds, districts, pager, export_href: can_export.then_some(export_href) },
    ))
}

/// The register as .xlsx (staff).
pub async fn register_export(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Query(q): Query<RecQuery>,
) -> Result<Response, PageError> {
    match service::register_xlsx(&state.services, &p, &register_filter(&q), ctx.lang).await {
        Ok(bytes) => Ok(crate::download::xlsx_response(bytes, "recognitions.xlsx")),
        Err(e) => Err(PageError::service(&e, ctx.chrome("nav.recognitions"))),
    }
}

#[derive(Template)]
#[template(path = "recognition/certificate.html")]
struct CertificatePage {
    chrome: Chrome,
    number: String,
    organization: String,
    kind: String,
    granted: String,
    until: String,
    standing: String,
    class: &'static str,
    verify_url: String,
}

/// A certificate, printable, with the address that verifies it.
pub async fn certificate(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let c = service::certificate(&state.services, &number)
        .await
        .map_err(|e| PageError::service(&e, ctx.chrome("recognition.certificate")))?;
    let mut chrome = ctx.chrome("recognition.certificate").crumb("nav.recognitions", Some("/recognitions"));
    chrome.title = format!("{} · {}", lang.t("recognition.certificate"), c.recognition.certificate);
    Ok(render(
        StatusCode::OK,
        &CertificatePage {
            number: c.recognition.certificate.clone(),
            organization: c.organization.clone(),
            kind: kind_label(lang, c.recognition.kind),
            granted: lang.long_date(c.recognition.granted_on),
            until: lang.long_date(c.recognition.valid_until),
            standing: lang.t(&format!("recognition.standing.{}", c.standing.code())).to_owned(),
            class: c.standing.badge(),
            verify_url: format!("/certificates/{}", c.recognition.certificate),
            chrome,
        },
    ))
}
