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
use sheji_core::identity::Principal;
use sheji_core::ids::{OrganizationId, RubricId};
use sheji_core::page::PageRequest;
use sheji_core::recognition::{Action, BatchStep, Kind, Purpose, Rules};
use sheji_service::ServiceError;
use sheji_service::recognition::{self as service, BatchFields, FormInput, RecognitionFilter};
use sheji_service::review;

use crate::AppState;
use crate::auth::PageUser;
use crate::document::DocumentLink;
use crate::error::{PageError, render};
use crate::forms::{self, Fields, FormState, read_multipart};
use crate::layout::{Choice, Chrome, Ctx, Fact, Pager, Step, TimelineEntry};

/// An on-site verification as shown.
struct InspectionView {
    /// Every point checked, in the order of `INSPECTION_ITEMS`.
    points: Vec<InspectionResult>,
    conclusion: String,
    /// The day of the visit; empty when not given.
    on: String,
}

/// One point of an on-site verification and how it went.
struct InspectionResult {
    label: String,
    passed: bool,
    /// The inspector's remark; may be empty.
    note: String,
}

/// One point of the on-site verification form: its index (in the field names) and label.
struct InspectionPoint {
    index: usize,
    label: String,
}

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

/// Why a recognition was revoked, in the reader's language: by score, for not submitting the
/// re-review, or at the end of a rectification. Empty when it is not revoked.
pub(crate) fn revocation_text(lang: Lang, r: &service::Recognition) -> String {
    use sheji_core::recognition::RevocationCause;
    let Some((on, why)) = r.revoked.as_ref() else { return String::new() };
    let date = lang.long_date(*on);
    let key = match RevocationCause::parse(&why.cause).unwrap_or(RevocationCause::Score) {
        RevocationCause::Score => "recognition.revoked_because",
        RevocationCause::Overdue => "recognition.revoked_overdue",
        RevocationCause::RectificationRefused => "recognition.revoked_refused",
        RevocationCause::RectificationLapsed => "recognition.revoked_lapsed",
        RevocationCause::ObjectionUpheld => "recognition.revoked_objection",
    };
    let score = why.score.clone().unwrap_or_else(|| "—".to_owned());
    lang.tf(key, &[("date", &date), ("batch", &why.batch), ("score", &score), ("line", &why.line)])
}

pub(crate) fn kind_label(lang: Lang, k: Kind) -> String {
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
    /// Intake closed early or the batch cancelled, with the reason; empty otherwise.
    note: String,
}

/// What a batch's public line says beyond its dates: intake closed early, or cancelled, each
/// with its reason.
fn batch_note(lang: Lang, b: &sheji_service::recognition::Batch) -> String {
    match (&b.cancel_reason, &b.closed_early) {
        (Some(reason), _) => lang.tf("recognition.cancelled", &[("reason", reason)]),
        (None, Some((on, reason))) => {
            lang.tf("recognition.closed_early", &[("date", &on.to_string()), ("reason", reason)])
        }
        (None, None) => String::new(),
    }
}

/// A batch's timeline as the step indicator shows it.
fn batch_steps(
    lang: Lang,
    state: &AppState,
    b: &sheji_service::recognition::Batch,
    campaign: Option<sheji_core::review::CampaignStatus>,
) -> Vec<Step> {
    let (stages, current) = service::batch_timeline(&state.services, b, campaign);
    let labels: Vec<String> =
        stages.iter().map(|s| lang.t(&format!("recognition.stage.{}", s.code())).to_owned()).collect();
    let cancelled = b.status == sheji_core::recognition::BatchStatus::Cancelled;
    let mut steps = crate::layout::steps(labels, current, b.status == sheji_core::recognition::BatchStatus::Concluded);
    if cancelled {
        // Called off: no stage was completed; the last says so.
        for s in &mut steps {
            s.state = "";
        }
        if let Some(last) = steps.last_mut() {
            last.label = lang.t("recognition.batch_status.cancelled").to_owned();
            last.state = "current rejected";
        }
    }
    steps
}

struct AppLine {
    id: i32,
    batch: String,
    organization: String,
    status: String,
    class: &'static str,
}

/// The organization the caller may apply for.
struct Applicant {
    id: OrganizationId,
    name: String,
}

/// A recognition that lapses soon, for the staff who follow it up.
struct ExpiringLine {
    /// The certificate number.
    number: String,
    organization: String,
    kind: String,
    until: String,
    /// Days left, with the 30- or 90-day mark.
    left: String,
}

/// A recognition the caller's organization holds.
pub(crate) struct HeldLine {
    /// The certificate number.
    pub(crate) number: String,
    pub(crate) kind: String,
    pub(crate) until: String,
    pub(crate) standing: String,
    /// The standing's badge tone.
    pub(crate) class: &'static str,
}

/// An organization's recognitions as its pages list them (public data, newest first): on the
/// recognition home of its administrator and on the organization's own page.
pub(crate) async fn held_lines(
    state: &AppState,
    lang: Lang,
    org: OrganizationId,
) -> Result<Vec<HeldLine>, ServiceError> {
    let filter = RecognitionFilter { organization: Some(org), ..RecognitionFilter::default() };
    Ok(service::recognitions(&state.services, &filter, PageRequest::new(Some(1), Some(50)))
        .await?
        .items
        .into_iter()
        .map(|c| HeldLine {
            number: c.recognition.certificate.clone(),
            kind: kind_label(lang, c.recognition.kind),
            until: c.recognition.valid_until.to_string(),
            standing: lang.t(&format!("recognition.standing.{}", c.standing.code())).to_owned(),
            class: c.standing.badge(),
        })
        .collect())
}

#[derive(Template)]
#[template(path = "recognition/recognition.html")]
struct HomePage {
    chrome: Chrome,
    batches: Vec<BatchLine>,
    mine: Vec<AppLine>,
    applicant: Option<Applicant>,
    expiring: Vec<ExpiringLine>,
    held: Vec<HeldLine>,
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
            note: batch_note(ctx.lang, b),
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
    let may = service::actions(s, &p);
    let applicant = match may.applicant {
        Some(o) => {
            let name = review::organization_names(s, [o].into_iter().collect()).await.map_err(err)?;
            Some(Applicant { id: o, name: name.get(&o).cloned().unwrap_or_default() })
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
            ExpiringLine {
                number: c.recognition.certificate.clone(),
                organization: c.organization.clone(),
                kind: kind_label(ctx.lang, c.recognition.kind),
                until: c.recognition.valid_until.to_string(),
                left: ctx.lang.tf("recognition.days_left", &[("n", &left.to_string()), ("mark", mark)]),
            }
        })
        .collect();
    let held = match &applicant {
        Some(applicant) => held_lines(&state, ctx.lang, applicant.id).await.map_err(err)?,
        None => Vec::new(),
    };
    Ok(render(
        StatusCode::OK,
        &HomePage { batches, mine, expiring, held, applicant, staff: may.staff, city: may.city, notice, pager, chrome },
    ))
}

/// Starts an application for the caller's organization.
pub async fn apply(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(batch): Path<i32>,
) -> Result<Response, PageError> {
    let Some(org) = service::actions(&state.services, &p).applicant else {
        return Err(PageError::forbidden(ctx.chrome("nav.recognition")));
    };
    match service::start(&state.services, &p, batch, org, &c.ip).await {
        Ok(id) => Ok(Redirect::to(&format!("/recognition/applications/{id}")).into_response()),
        Err(e) => Err(PageError::service(&e, ctx.chrome("nav.recognition"))),
    }
}

/// The steps of an application's workflow, as message keys: the optional on-site check and
/// expert review only where the batch has them.
pub(crate) fn step_keys(onsite: bool, reviewed: bool, notice: bool) -> Vec<&'static str> {
    let mut keys = vec!["recognition.step.draft", "recognition.step.district", "recognition.step.formal"];
    if onsite {
        keys.push("recognition.step.inspection");
    }
    if reviewed {
        keys.push("recognition.step.review");
    } else if notice {
        keys.push("recognition.step.notice");
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
    notice: bool,
) -> Vec<Step> {
    use sheji_core::recognition::Status as S;
    let keys = step_keys(onsite, reviewed || status == S::InReview, notice || status == S::OnNotice);
    let last = keys.len().saturating_sub(1);
    let review =
        keys.iter().position(|k| matches!(*k, "recognition.step.review" | "recognition.step.notice")).unwrap_or(last);
    let (current, finished) = match status {
        S::Draft | S::Returned => (0, false),
        S::Submitted => (1, false),
        S::Recommended => (2, false),
        // The step after the formal check (and after the on-site check).
        S::Checked | S::Correcting => (3, false),
        S::Inspected => (4, false),
        S::InReview | S::OnNotice => (review, false),
        S::Recognized | S::NotRecognized | S::Rectify | S::Rejected => (last, true),
        // Not sent in time: the outcome is the batch's rule, decided at its conclusion.
        S::Overdue => (last, false),
    };
    let mut labels: Vec<String> = keys.iter().map(|k| lang.t(k).to_owned()).collect();
    if let Some(label) = labels.get_mut(current)
        && (matches!(status, S::Returned | S::Correcting) || current == last)
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
        step.state = state;
    }
    if status == S::Rejected {
        // Rejected by the district or the city, at a step the status does not tell: only the
        // draft was surely passed.
        for step in steps.iter_mut().skip(1).take(last.saturating_sub(1)) {
            step.state = "";
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

/// A file attached to an application, with its size as shown and the required document it
/// stands for (empty for other material).
struct Attachment {
    id: i32,
    name: String,
    size: String,
    document: String,
}

/// A photo taken at the on-site verification.
struct Photo {
    id: i32,
    name: String,
}

/// A figure that differs between the submitted snapshot and the registry now.
struct DriftLine {
    field: String,
    submitted: String,
    registry: String,
}

#[derive(Template)]
#[template(path = "recognition/recognition_application.html")]
struct ApplicationPage {
    chrome: Chrome,
    /// A re-review: the closing date and what happens if it is not submitted by then (while
    /// it can still be); empty otherwise.
    re_review_note: String,
    /// The rectification this re-review ordered, for its readers.
    rectification: Option<String>,
    /// The batch's stages (an official call's timeline) and what closed or cancelled it.
    batch_timeline: Vec<Step>,
    batch_note: String,
    id: i32,
    /// Its official documents (the application as submitted, the recommendation letter).
    documents: Vec<DocumentLink>,
    batch: String,
    kind: String,
    status: String,
    class: &'static str,
    organization: String,
    checklist: Vec<CheckLine>,
    all_passed: bool,
    figures: Vec<Fact>,
    /// The batch's required documents, to choose what a file stands for.
    documents_required: Vec<Choice>,
    /// The figures are the snapshot taken at submission, not the registry's live ones.
    figures_frozen: bool,
    /// For staff: figures the registry changed since submission.
    drift: Vec<DriftLine>,
    drift_hint: String,
    editable: bool,
    form: FormState,
    /// The staff step form (its comment and message after a refused step).
    step: FormState,
    steps: Vec<Step>,
    actions: Vec<StaffAction>,
    staff_actions: bool,
    quota: String,
    timeline: Vec<TimelineEntry>,
    attachments: Vec<Attachment>,
    photos: Vec<Photo>,
    can_inspect: bool,
    onsite_required: bool,
    inspection_items: Vec<InspectionPoint>,
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
    let campaign = match v.batch.campaign {
        Some(c) => sheji_service::review::linked::campaign_status(&state.services, c)
            .await
            .map_err(|e| PageError::service(&e, base.clone()))?,
        None => None,
    };
    let mut chrome = base.clone();
    let organization =
        if v.expert == Some(true) { lang.t("review.blind_hidden").to_owned() } else { v.organization.clone() };
    chrome.title = if v.expert == Some(true) {
        kind_label(lang, v.batch.fields.kind)
    } else {
        format!("{} · {}", v.organization, kind_label(lang, v.batch.fields.kind))
    };
    let checklist: Vec<CheckLine> = v
        .checklist
        .iter()
        .map(|c| CheckLine {
            label: sheji_service::recognition::check_label(lang, c.key, &c.required),
            required: match c.key {
                "recognition.check.tier" => String::new(),
                "recognition.check.document" => "≥ 1".to_owned(),
                _ => c.required.clone(),
            },
            actual: if c.key == "recognition.check.tier" { String::new() } else { c.actual.clone() },
            passed: c.passed,
        })
        .collect();
    let figures: Vec<Fact> =
        service::figure_lines(lang, v.figures.as_ref()).into_iter().map(|l| Fact::new(l.label, l.value)).collect();
    let dash = || "—".to_owned();
    let drift: Vec<DriftLine> = v
        .drift
        .iter()
        .map(|(k, was, is)| DriftLine {
            field: lang.t(&format!("indicator.{k}")).to_owned(),
            submitted: was.clone().unwrap_or_else(dash),
            registry: is.clone().unwrap_or_else(dash),
        })
        .collect();
    let drift_hint =
        lang.tf("recognition.drift_hint", &[("year", &v.figures.map(|s| s.year.to_string()).unwrap_or_default())]);
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
    // While the holder can still send it (the close date is the published one; closed early,
    // nothing is left to send).
    let re_review_note = match v.batch.fields.rules.overdue_rule {
        Some(rule) if v.batch.fields.purpose == Purpose::ReReview && v.editable => lang.tf(
            "recognition.re_review_due_note",
            &[("date", &lang.long_date(v.batch.fields.closes_on)), ("rule", rule.code())],
        ),
        _ => String::new(),
    };
    let rectification = match v.application.recognition {
        Some(r) if v.events.iter().any(|e| e.action == Action::OrderRectification.code()) => {
            Some(service::rectification::href(r))
        }
        _ => None,
    };
    Ok(ApplicationPage {
        re_review_note,
        rectification,
        documents: service::documents::application_documents(&v)
            .into_iter()
            .map(|kind| {
                let base = format!("/recognition/applications/{id}/{kind}");
                DocumentLink::new(lang, &format!("document.kind.{kind}"), base.clone(), format!("{base}.pdf"))
            })
            .collect(),
        id,
        batch: v.batch.fields.name.clone(),
        kind: kind_label(lang, v.batch.fields.kind),
        status: status_label(lang, v.application.status),
        class: v.application.status.badge(),
        organization,
        all_passed: checklist.iter().all(|c| c.passed),
        checklist,
        figures,
        figures_frozen: !v.application.status.editable(),
        drift,
        drift_hint,
        editable: v.editable,
        form,
        step: FormState::default(),
        staff_actions: v.actions.iter().any(|a| *a != Action::Submit),
        batch_timeline: batch_steps(lang, state, &v.batch, campaign),
        batch_note: batch_note(lang, &v.batch),
        steps: application_steps(
            lang,
            v.application.status,
            v.batch.fields.rules.onsite_required,
            v.batch.fields.rubric.is_some(),
            v.batch.fields.rules.publicity_required,
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
            .map(|e| TimelineEntry {
                at: sheji_core::i18n::datetime(e.at),
                what: lang.t(&format!("recognition.action.{}", e.action)).to_owned(),
                who: e.actor.clone(),
                note: e.comment.clone(),
            })
            .collect(),
        attachments: v
            .files
            .iter()
            .filter(|f| f.purpose == "attachment" || service::document_index(&f.purpose).is_some())
            .map(|f| Attachment {
                id: f.id,
                name: f.name.clone(),
                size: sheji_core::i18n::file_size(f.size),
                document: service::document_index(&f.purpose)
                    .and_then(|i| v.batch.fields.rules.required_documents.get(i).cloned())
                    .unwrap_or_default(),
            })
            .collect(),
        documents_required: v
            .batch
            .fields
            .rules
            .required_documents
            .iter()
            .enumerate()
            .map(|(i, d)| Choice::new(i.to_string(), d.clone()))
            .collect(),
        photos: v
            .files
            .iter()
            .filter(|f| f.purpose == "inspection")
            .map(|f| Photo { id: f.id, name: f.name.clone() })
            .collect(),
        can_inspect: v.can_inspect,
        onsite_required: v.batch.fields.rules.onsite_required,
        inspection_items: sheji_core::recognition::INSPECTION_ITEMS
            .iter()
            .enumerate()
            .map(|(index, k)| InspectionPoint {
                index,
                label: lang.t(&format!("recognition.inspection.{k}")).to_owned(),
            })
            .collect(),
        inspection: v.application.inspection.as_ref().map(|ins| InspectionView {
            points: sheji_core::recognition::INSPECTION_ITEMS
                .iter()
                .zip(&ins.items)
                .map(|(k, (passed, note))| InspectionResult {
                    label: lang.t(&format!("recognition.inspection.{k}")).to_owned(),
                    passed: *passed,
                    note: note.clone(),
                })
                .collect(),
            conclusion: ins.conclusion.clone(),
            on: ins.on.map(|d| d.to_string()).unwrap_or_default(),
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
    let field = |key: &'static str| Err(ServiceError::Fields(vec![sheji_service::FieldError::new("file", key)]));
    // A body cut at the request limit is a file too large, not a missing one.
    let read = crate::forms::read_multipart_whole(multipart)
        .await
        .map_err(|e| e.page(ctx.chrome("recognition.application")))?;
    let result = match read {
        None => field("files.too_large"),
        Some((fields, files)) => {
            // Empty is "other material"; anything else must name one of the batch's documents.
            let typed =
                fields.iter().find(|(k, _)| k == "document").map(|(_, v)| v.trim().to_owned()).unwrap_or_default();
            let document = if typed.is_empty() { Ok(None) } else { typed.parse::<usize>().map(Some) };
            match (document, files.into_iter().find(|(f, _, _)| f == "file")) {
                (Err(_), _) => Err(ServiceError::Fields(vec![sheji_service::FieldError::new(
                    "document",
                    "recognition.document_unknown",
                )])),
                (Ok(document), Some((_, name, bytes))) => {
                    service::attach(&state.services, &p, id, document, &name, &bytes, &c.ip).await.map(|_| ())
                }
                (Ok(_), None) => field("files.empty"),
            }
        }
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
    let (fields, files) = read_multipart(multipart).await.map_err(|e| e.page(ctx.chrome("recognition.application")))?;
    let mut f = Fields::from_pairs(fields);
    let inspection = sheji_core::recognition::Inspection {
        items: (0..sheji_core::recognition::INSPECTION_ITEMS.len())
            .map(|i| (f.flag(&format!("item_{i}")), f.text(&format!("note_{i}"))))
            .collect(),
        conclusion: f.text("conclusion"),
        on: f.optional_date("on"),
    };
    let photos: Vec<(String, Vec<u8>)> =
        files.into_iter().filter(|(f, _, _)| f == "photos").map(|(_, n, b)| (n, b)).collect();
    let result = match f.finish(inspection, |_| Vec::new()) {
        Ok(inspection) => service::inspect(&state.services, &p, id, &inspection, &photos, &c.ip).await.map(|_| ()),
        Err(e) => Err(e),
    };
    after_upload(&state, &ctx, &p, id, result, "inspected").await
}

/// Serves a stored file to whoever may see its application.
pub async fn download(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Path(id): Path<i32>,
) -> Result<Response, PageError> {
    let (f, bytes) = service::file(&state.services, &p, id)
        .await
        .map_err(|e| PageError::service(&e, ctx.chrome("recognition.application")))?;
    Ok(crate::download::file_response(&f.name, &f.content_type, bytes))
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
    let f = Fields::new(&body);
    let input = FormInput {
        description: f.text("description"),
        incident_free: f.flag("incident_free"),
        credit_ok: f.flag("credit_ok"),
        statement_signed: f.flag("statement_signed"),
    };
    let submit = f.text("action") == "submit";
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
        Err(e) => {
            forms::refused(e, FormState::from_body(&body), &ctx, "recognition.application", |form| {
                application_page(&state, &ctx, &p, id, Some(form))
            })
            .await
        }
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
    let f = Fields::new(&body);
    let Some(action) = Action::parse(&f.text("action")) else {
        return Err(PageError::not_found(ctx.chrome("recognition.application")));
    };
    match service::act(&state.services, &p, id, action, &f.text("comment"), &c.ip).await {
        Ok(_) => Ok(Redirect::to(&format!("/recognition/applications/{id}?done={}", action.code())).into_response()),
        // The comment comes back with the message (a return without a reason).
        Err(e) => {
            forms::refused(e, FormState::from_body(&body), &ctx, "recognition.application", |step| async {
                let mut page = application_page(&state, &ctx, &p, id, None).await?;
                page.step = step;
                Ok(page)
            })
            .await
        }
    }
}

struct QueueRow {
    id: i32,
    organization: String,
    status: String,
    class: &'static str,
    submitted: String,
}

/// How many of a batch's applications are at one status.
struct FunnelStage {
    /// The status, as shown.
    label: String,
    count: u64,
}

/// How much of its quota a district has used in a batch.
struct QuotaLine {
    district: String,
    used: u32,
    /// Slots left, or "no limit".
    left: String,
    /// None left: the row is marked.
    full: bool,
}

/// The review campaign a batch was sent to, with its status.
struct CampaignLink {
    id: i32,
    /// The campaign's status, as shown.
    status: String,
}

#[derive(Template)]
#[template(path = "recognition/recognition_batch.html")]
struct BatchPage {
    chrome: Chrome,
    id: i32,
    /// The batch's stages, the current one marked.
    timeline: Vec<Step>,
    /// Recommendations made and districts with none left, in one line.
    quota_summary: String,
    /// Intake closed early or cancelled, with the reason.
    note: String,
    may_close_early: bool,
    may_cancel: bool,
    /// The city may still change the batch's terms (nothing submitted yet).
    may_edit: bool,
    /// The close-early and cancel forms, as typed after a refusal.
    reason_form: FormState,
    /// The final list, once concluded.
    documents: Vec<DocumentLink>,
    kind: String,
    purpose: String,
    window: String,
    quota: String,
    funnel: Vec<FunnelStage>,
    rows: Vec<QueueRow>,
    pager: Pager,
    quota_used: Vec<QuotaLine>,
    /// The required documents, listed.
    required_documents: Vec<String>,
    /// Further terms worth stating: blind review, what happens to holders who do not submit.
    terms: Vec<(String, String)>,
    city: bool,
    campaign: Option<CampaignLink>,
    status: String,
    status_class: &'static str,
    /// The batch steps the service offers the caller.
    steps: Vec<BatchStepView>,
    notice: Option<String>,
    error: Option<String>,
}

/// A step on a whole batch, asked twice (it cannot be undone).
struct BatchStepView {
    /// The address segment.
    code: &'static str,
    label: String,
    /// What will happen, shown before the step is confirmed.
    consequence: String,
    /// Button style.
    kind: &'static str,
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
    let f = &v.batch.fields;
    let funnel = sheji_core::recognition::funnel_statuses(
        f.purpose,
        f.rubric.is_some(),
        f.rules.publicity_required,
        f.rules.onsite_required,
    )
    .iter()
    .map(|s| FunnelStage { label: status_label(lang, *s), count: v.funnel.get(s.code()).copied().unwrap_or(0) })
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
            let left = v.batch.fields.district_quota.map(|q| q.saturating_sub(*used));
            QuotaLine {
                district: district_name(*d),
                used: *used,
                left: left.map_or_else(|| lang.t("recognition.no_quota").to_owned(), |l| l.to_string()),
                full: left == Some(0),
            }
        })
        .collect();
    let pager = chrome.pager(&v.queue);
    let used_total: u32 = v.quota_used.iter().map(|(_, n)| n).sum();
    let full = v.batch.fields.district_quota.map_or(0, |q| v.quota_used.iter().filter(|(_, n)| *n >= q).count());
    let quota_summary = lang.tf(
        "recognition.quota_summary",
        &[
            ("used", &used_total.to_string()),
            ("full", &full.to_string()),
            ("districts", &v.quota_used.len().to_string()),
        ],
    );
    Ok(BatchPage {
        quota_summary,
        timeline: batch_steps(lang, state, &v.batch, v.campaign),
        note: batch_note(lang, &v.batch),
        may_close_early: v.may_close_early,
        may_cancel: v.may_cancel,
        may_edit: service::may_edit(&state.services, p, &v.batch).await.map_err(err)?,
        reason_form: FormState::default(),
        documents: if service::documents::has_final_list(&v.batch) {
            let base = format!("/recognition/batches/{id}/list");
            vec![DocumentLink::new(lang, "document.kind.list", base.clone(), format!("{base}.pdf"))]
        } else {
            Vec::new()
        },
        id,
        kind: kind_label(lang, v.batch.fields.kind),
        purpose: lang.t(&format!("recognition.purpose.{}", v.batch.fields.purpose.code())).to_owned(),
        terms: {
            let f = &v.batch.fields;
            let mut terms = Vec::new();
            if f.rubric.is_some() {
                let yes_no = if f.rules.blind_review { "form.yes" } else { "form.no" };
                terms.push((lang.t("recognition.blind_review").to_owned(), lang.t(yes_no).to_owned()));
            } else {
                let yes_no = if f.rules.publicity_required { "form.yes" } else { "form.no" };
                terms.push((lang.t("recognition.notice_required").to_owned(), lang.t(yes_no).to_owned()));
            }
            if let (Purpose::ReReview, Some(rule)) = (f.purpose, f.rules.overdue_rule) {
                terms.push((
                    lang.t("recognition.rule.overdue_rule").to_owned(),
                    lang.t(&format!("recognition.overdue_rule.{}", rule.code())).to_owned(),
                ));
            }
            terms
        },
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
        required_documents: v.batch.fields.rules.required_documents.clone(),
        city: v.city,
        campaign: v.batch.campaign.zip(v.campaign).map(|(c, st)| CampaignLink {
            id: c.get(),
            // A notice without review is never "scored": closed means its list awaits publishing.
            status: if v.batch.fields.rubric.is_none() && st == sheji_core::review::CampaignStatus::Closed {
                lang.t("review.notice_ready").to_owned()
            } else {
                lang.t(&format!("review.status.{}", st.code())).to_owned()
            },
        }),
        // Open but its intake closed early: applications go on, new ones are not taken.
        status: if v.batch.status.is_open() && v.batch.closed_early.is_some() {
            lang.t("recognition.batch_status.intake_closed").to_owned()
        } else if v.batch.status == sheji_core::recognition::BatchStatus::InReview && v.batch.fields.rubric.is_none() {
            lang.t("recognition.batch_status.on_notice").to_owned()
        } else {
            lang.t(&format!("recognition.batch_status.{}", v.batch.status.code())).to_owned()
        },
        status_class: v.batch.status.badge(),
        steps: v
            .steps
            .iter()
            .map(|st| {
                let (label, consequence, kind) = match st {
                    BatchStep::SendToReview => ("recognition.send_to_review", "recognition.confirm.send_to_review", ""),
                    BatchStep::Publicize => ("recognition.publicize", "recognition.confirm.publicize", ""),
                    BatchStep::Conclude => ("recognition.conclude", "recognition.confirm.conclude", "primary"),
                };
                BatchStepView {
                    code: st.code(),
                    label: lang.t(label).to_owned(),
                    consequence: lang.t(consequence).to_owned(),
                    kind,
                }
            })
            .collect(),
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

/// Ends intake early, or cancels the batch: each with a reason (city staff).
pub async fn batch_call(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path((id, what)): Path<(i32, String)>,
    body: String,
) -> Result<Response, PageError> {
    let f = Fields::new(&body);
    let s = &state.services;
    let result = match what.as_str() {
        "close-early" => service::close_early(s, &p, id, &f.text("close_reason"), &c.ip).await.map(|()| "closed_early"),
        "cancel" => service::cancel(s, &p, id, &f.text("cancel_reason"), &c.ip).await.map(|()| "cancelled"),
        _ => return Err(PageError::not_found(ctx.chrome("recognition.batch"))),
    };
    match result {
        Ok(done) => Ok(Redirect::to(&format!("/admin/recognition/{id}?done={done}")).into_response()),
        Err(e) if forms::belongs_on_form(&e) => {
            let mut page = batch_page(&state, &ctx, &p, id, None).await?;
            // The reason comes back as typed, its message beside the form's own field.
            let field = if what == "cancel" { "cancel_reason" } else { "close_reason" };
            let e = match e {
                ServiceError::Fields(list) => {
                    ServiceError::Fields(list.into_iter().map(|x| sheji_service::FieldError { field, ..x }).collect())
                }
                other => other,
            };
            page.reason_form = FormState::from_body(&body).with_error(&e, ctx.lang);
            page.error = Some(e.message(ctx.lang));
            Ok(render(crate::error::status_of(e.kind()), &page))
        }
        Err(e) => Err(PageError::service(&e, ctx.chrome("recognition.batch"))),
    }
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
        "publicity" => service::send_to_publicity(s, &p, id, &c.ip).await.map(|_| "publicity".to_owned()),
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
    /// Where the form goes: a new batch, or this batch's edit.
    action: String,
    /// Changing an open batch: its kind and purpose are fixed.
    editing: bool,
    kinds: Vec<Choice>,
    /// Recognition or re-review.
    purposes: Vec<Choice>,
    rubrics: Vec<Choice>,
    aggregations: Vec<Choice>,
    /// What a re-review does with a holder who never submitted.
    overdue_rules: Vec<Choice>,
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
        .keep("required_documents", &r.required_documents.join("\n"))
        .keep("aggregation", r.aggregation.code())
        .keep("outlier_pct", &r.outlier_pct.to_string())
        .keep("blind_review", if r.blind_review { "on" } else { "" })
        .keep("overdue_rule", r.overdue_rule.unwrap_or(sheji_core::recognition::Outcome::Revoke).code())
        .keep("publicity_required", if r.publicity_required { "on" } else { "" })
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
        kinds: Kind::ALL.iter().map(|k| Choice::new(k.code(), kind_label(ctx.lang, *k))).collect(),
        purposes: vec![
            Choice::new("recognition", ctx.lang.t("recognition.purpose.recognition")),
            Choice::new("re_review", ctx.lang.t("recognition.purpose.re_review")),
        ],
        rubrics: rubrics
            .items
            .iter()
            .map(|r| Choice::new(r.id.to_string(), format!("{} · v{}", r.name, r.version)))
            .collect(),
        action: "/admin/recognition/new".to_owned(),
        editing: false,
        aggregations: sheji_core::review::score::Aggregation::ALL
            .iter()
            .map(|a| Choice::new(a.code(), ctx.lang.t(&format!("review.aggregation.{}", a.code()))))
            .collect(),
        overdue_rules: sheji_core::recognition::Outcome::FOR_OVERDUE
            .iter()
            .map(|o| Choice::new(o.code(), ctx.lang.t(&format!("recognition.overdue_rule.{}", o.code()))))
            .collect(),
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
    if !service::actions(&state.services, &p).city {
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
    let mut f = Fields::new(body);
    // Tier codes, comma separated; one that is not a tier is named, never dropped silently.
    let mut tiers = Vec::new();
    for code in f.text("requires_any_of").split([',', '，', '、']).map(str::trim).filter(|c| !c.is_empty()) {
        match Kind::parse(code) {
            Some(k) => tiers.push(k),
            None => f.refuse(sheji_service::FieldError {
                field: "requires_any_of",
                key: "recognition.rule.unknown_tier",
                args: vec![("value", code.to_owned())],
            }),
        }
    }
    let input = BatchFields {
        kind: f.choice("kind", Kind::parse).unwrap_or(Kind::MunicipalCenter),
        purpose: f.choice_or("purpose", Purpose::parse, Purpose::Recognition),
        year: f.whole_as("year", "recognition.year_range"),
        name: f.text("name"),
        opens_on: f.date("opens_on"),
        closes_on: f.date("closes_on"),
        district_quota: f.optional_as("district_quota", "recognition.quota_range"),
        rules: Rules {
            min_years: f.whole("min_years"),
            requires_library: f.flag("requires_library"),
            requires_any_of: tiers,
            incident_free_years: f.whole("incident_free_years"),
            requires_credit_statement: f.flag("requires_credit_statement"),
            min_design_staff: f.whole("min_design_staff"),
            min_qualified_share: f.decimal("min_qualified_share"),
            min_patents: f.whole("min_patents"),
            min_design_revenue: f.decimal("min_design_revenue"),
            validity_years: f.whole("validity_years"),
            pass_score: f.decimal("pass_score"),
            rectify_score: f.decimal("rectify_score"),
            rectify_months: f.whole("rectify_months"),
            onsite_required: f.flag("onsite_required"),
            reviewers_per_item: f.whole("reviewers_per_item"),
            publicity_days: f.whole("publicity_days"),
            aggregation: f.choice_or(
                "aggregation",
                sheji_core::review::score::Aggregation::parse,
                sheji_core::review::score::Aggregation::TrimmedMean,
            ),
            outlier_pct: f.optional("outlier_pct").unwrap_or(sheji_core::review::score::DEFAULT_OUTLIER_PCT),
            required_documents: sheji_core::recognition::required_documents(&f.text("required_documents")),
            blind_review: f.flag("blind_review"),
            overdue_rule: Some(f.choice_or(
                "overdue_rule",
                sheji_core::recognition::Outcome::parse,
                sheji_core::recognition::Outcome::Revoke,
            )),
            publicity_required: f.flag("publicity_required"),
        },
        rubric: f.optional("rubric").map(RubricId),
    };
    f.finish(input, service::check_batch)
}

/// The form of an open batch's terms, filled in from the batch (city staff, until its first
/// submission).
pub async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, _): PageUser,
    Path(id): Path<i32>,
) -> Result<Response, PageError> {
    let err = |e: ServiceError| PageError::service(&e, ctx.chrome("recognition.edit_batch"));
    let b = service::batch(&state.services, id).await.map_err(err)?;
    if !service::may_edit(&state.services, &p, &b).await.map_err(err)? {
        return Err(err(ServiceError::Conflict { key: "recognition.not_editable_batch" }));
    }
    let f = &b.fields;
    let form = FormState::default()
        .keep("kind", f.kind.code())
        .keep("purpose", f.purpose.code())
        .keep("name", &f.name)
        .keep("year", &f.year.to_string())
        .keep("opens_on", &f.opens_on.to_string())
        .keep("closes_on", &f.closes_on.to_string())
        .keep("district_quota", &f.district_quota.map(|q| q.to_string()).unwrap_or_default())
        .keep("rubric", &f.rubric.map(|r| r.get().to_string()).unwrap_or_default());
    let form = rules_form(form, &f.rules);
    Ok(render(StatusCode::OK, &edit_page(&state, &ctx, &p, id, form).await?))
}

async fn edit_page(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    id: i32,
    form: FormState,
) -> Result<NewBatchPage, PageError> {
    let mut page = new_batch_page(state, ctx, p, form).await?;
    page.chrome = ctx.chrome("recognition.edit_batch").crumb("nav.recognition", Some("/recognition"));
    page.action = format!("/admin/recognition/{id}/edit");
    page.editing = true;
    Ok(page)
}

/// Saves an open batch's new terms; every field comes back as typed on a refusal.
pub async fn edit_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    Path(id): Path<i32>,
    body: String,
) -> Result<Response, PageError> {
    let result = match batch_input(&body) {
        Ok(f) => service::edit_batch(&state.services, &p, id, &f, &c.ip).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/admin/recognition/{id}?done=edited")).into_response()),
        Err(e) => {
            forms::refused(e, FormState::from_body(&body), &ctx, "recognition.edit_batch", |form| {
                edit_page(&state, &ctx, &p, id, form)
            })
            .await
        }
    }
}

/// Opens a batch.
pub async fn new_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(p, c): PageUser,
    body: String,
) -> Result<Response, PageError> {
    // "Load this tier's rules": the form again with the chosen tier's default rules and
    // everything else as typed; nothing is created.
    let typed = Fields::new(&body);
    if typed.text("action") == "defaults" {
        if !service::actions(&state.services, &p).city {
            return Err(PageError::forbidden(ctx.chrome("recognition.new_batch")));
        }
        let kind = Kind::parse(&typed.text("kind")).unwrap_or(Kind::MunicipalCenter);
        let form = rules_form(FormState::from_body(&body), &service::default_rules(kind));
        return Ok(render(StatusCode::OK, &new_batch_page(&state, &ctx, &p, form).await?));
    }
    let result = match batch_input(&body) {
        Ok(f) => service::open_batch(&state.services, &p, &f, &c.ip).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/admin/recognition/{id}?done=opened")).into_response()),
        // Every field comes back as typed (a re-review batch stays one, its ticks stay).
        Err(e) => {
            forms::refused(e, FormState::from_body(&body), &ctx, "recognition.new_batch", |form| {
                new_batch_page(&state, &ctx, &p, form)
            })
            .await
        }
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
    kinds: Vec<Choice>,
    districts: Vec<Choice>,
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
    let kinds = Kind::ALL
        .iter()
        .map(|k| Choice::selected_if(k.code(), kind_label(lang, *k), Some(*k) == filter.kind))
        .collect();
    let districts = sheji_service::reference::list_districts(
        &state.services,
        &Default::default(),
        PageRequest::new(Some(1), Some(200)),
    )
    .await
    .map_err(err)?
    .items
    .into_iter()
    .map(|d| Choice::selected_if(d.id.to_string(), d.name, d.id.to_string() == q.district))
    .collect();
    let now = state.services.now();
    // The link shows exactly when the export would be allowed: the service decides both.
    let can_export = ctx.caller.principal.as_ref().is_some_and(|p| service::may_export(p, now));
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
    /// The certificate to print, for its holder and staff.
    documents: Vec<DocumentLink>,
    number: String,
    organization: String,
    kind: String,
    granted: String,
    until: String,
    standing: String,
    class: &'static str,
    verify_url: String,
    /// Revoked: when and why, in the reader's language; empty otherwise.
    revoked: String,
    /// Under rectification: the deadline, as a line; empty otherwise.
    rectify: String,
    /// The rectification's page, for the holder, its district and the city.
    rectification: Option<String>,
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
            documents: if service::documents::may_print(&state.services, ctx.caller.principal.as_ref(), &c)
                .await
                .unwrap_or(false)
            {
                let base = format!("/certificates/{}", c.recognition.certificate);
                vec![DocumentLink::new(
                    lang,
                    "document.kind.certificate",
                    format!("{base}/print"),
                    format!("{base}/certificate.pdf"),
                )]
            } else {
                Vec::new()
            },
            number: c.recognition.certificate.clone(),
            organization: c.organization.clone(),
            kind: kind_label(lang, c.recognition.kind),
            granted: lang.long_date(c.recognition.granted_on),
            until: lang.long_date(c.recognition.valid_until),
            standing: lang.t(&format!("recognition.standing.{}", c.standing.code())).to_owned(),
            class: c.standing.badge(),
            verify_url: format!("/certificates/{}", c.recognition.certificate),
            revoked: revocation_text(lang, &c.recognition),
            rectify: match (c.standing, c.recognition.rectify_until) {
                (sheji_core::recognition::Standing::Rectifying, Some(d)) => {
                    lang.tf("recognition.rectify_until_line", &[("date", &lang.long_date(d))])
                }
                _ => String::new(),
            },
            rectification: match ctx.caller.principal.as_ref() {
                Some(p) => service::rectification::view(&state.services, p, c.recognition.id)
                    .await
                    .ok()
                    .map(|_| service::rectification::href(c.recognition.id)),
                None => None,
            },
            chrome,
        },
    ))
}
