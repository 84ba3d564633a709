//! The recognition ladder's use cases: batches opened by city staff, applications filled by an
//! organization's administrator against the batch's checklist, district recommendation within
//! quota, the city's formal check, expert review through a review campaign (whose publicity
//! and objections are the recognition's 公示), and recognitions with certificates anyone can
//! verify. Every transition is checked by `sheji_core::recognition::transition`, recorded on
//! the application's timeline and in the audit trail.

pub mod demo;
pub mod documents;
pub mod rectification;

use crate::work::Work;
use std::collections::{BTreeMap, BTreeSet};

use serde_json::json;
use sheji_core::files::{self as file_rules, FileKind};
use sheji_core::identity::{Permission, Principal};
use sheji_core::ids::{CampaignId, DistrictId, OrganizationId};
use sheji_core::notification::{MessageKind, Todo};
use sheji_core::page::{Page, PageRequest};
use sheji_core::recognition::{
    self as core, Action, BatchStatus, BatchStep, Facts, Inspection, Kind, Outcome, Purpose, Role, Rules, Snapshot,
    Standing, Status,
};
use sheji_core::registry::CheckItem;
use sheji_core::review::CampaignStatus;
use sheji_core::review::score::Threshold;
pub use sheji_store::files::StoredFile;
use sheji_store::recognition::{self as store, Applicant, ApplicationFilter};
pub use sheji_store::recognition::{
    Application, ApplicationForm, Batch, BatchFields, Event, Recognition, RecognitionFilter,
};

use crate::audit::{Actor, Change};
use crate::clip;
use crate::notification::{self, Audience, Note};
use crate::{FieldError, ServiceError, Services};

/// Batches, newest first (anyone signed in: applicants look for open ones).
pub async fn batches(services: &Services, page: PageRequest) -> Result<Page<Batch>, ServiceError> {
    Ok(store::list_batches(services.store(), page).await?)
}

async fn load_batch(services: &Services, id: i32) -> Result<Batch, ServiceError> {
    store::get_batch(services.store(), id).await?.ok_or(ServiceError::NotFound { key: "recognition.no_batch" })
}

/// The application a review item was made from (an expert's sheet links to it).
pub async fn application_of_item(
    services: &Services,
    item: sheji_core::ids::ItemId,
) -> Result<Option<i32>, ServiceError> {
    Ok(store::application_of_item(services.store(), item).await?)
}

/// A tier's name in `lang`.
pub fn kind_name(lang: sheji_core::i18n::Lang, kind: Kind) -> String {
    lang.t(&format!("recognition.kind.{}", kind.code())).to_owned()
}

/// A figures snapshot as labelled lines ("2025 · 营业收入（万元）"), the figures it holds in
/// their order; empty when there is none. The page and the paper both show these.
pub fn figure_lines(lang: sheji_core::i18n::Lang, snapshot: Option<&Snapshot>) -> Vec<crate::document::Line> {
    snapshot
        .into_iter()
        .flat_map(|s| {
            s.figures.entries().into_iter().filter_map(move |(k, value)| {
                Some(crate::document::Line::new(format!("{} · {}", s.year, lang.t(&format!("indicator.{k}"))), value?))
            })
        })
        .collect()
}

/// One batch.
pub async fn batch(services: &Services, id: i32) -> Result<Batch, ServiceError> {
    load_batch(services, id).await
}

/// Whether the batch accepts applications today.
pub fn accepting(services: &Services, b: &Batch) -> bool {
    b.status.accepting(b.fields.opens_on, b.fields.closes_on, b.closed_early.is_some(), services.today())
}

/// What is wrong with a batch's fields on their own (the form shows these with its own
/// reading errors, all at once).
pub fn check_batch(f: &BatchFields) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if f.name.trim().is_empty() {
        errors.push(FieldError::new("name", "review.name_required"));
    }
    if f.closes_on < f.opens_on {
        errors.push(FieldError::new("closes_on", "recognition.dates_order"));
    }
    if !(2000..=2100).contains(&f.year) {
        errors.push(FieldError::new("year", "recognition.year_range"));
    }
    if f.district_quota == Some(0) {
        errors.push(FieldError::new("district_quota", "recognition.quota_range"));
    }
    for (field, key) in f.rules.problems() {
        errors.push(FieldError::new(field, key));
    }
    if f.name.chars().count() > 200 {
        errors.push(FieldError { field: "name", key: "form.too_long", args: vec![("max", "200".to_owned())] });
    }
    if let Some(key) = core::required_documents_problem(&f.rules.required_documents) {
        errors.push(FieldError::new("required_documents", key));
    }
    errors
}

/// A batch's terms checked (every problem at once) with the name trimmed: the same whether
/// the batch is opened or edited.
async fn checked_batch(services: &Services, mut f: BatchFields) -> Result<BatchFields, ServiceError> {
    f.name = f.name.trim().to_owned();
    let mut errors = check_batch(&f);
    if let Some(r) = f.rubric
        && !crate::review::linked::rubric_exists(services, r).await?
    {
        errors.push(FieldError::new("rubric", "review.no_rubric"));
    }
    if errors.is_empty() { Ok(f) } else { Err(ServiceError::Fields(errors)) }
}

/// Opens a batch (`recognition.manage`).
pub async fn open_batch(
    services: &Services,
    caller: &Principal,
    fields: &BatchFields,
    ip: &str,
) -> Result<i32, ServiceError> {
    if !actions(services, caller).city {
        return Err(ServiceError::Forbidden);
    }
    let f = checked_batch(services, fields.clone()).await?;
    let now = services.now();
    let tx = Work::begin(services).await?;
    let id = store::insert_batch(&tx, &f, &caller.username, now).await?;
    // A re-review takes up every recognition of the kind that falls due within a year of the
    // batch's closing; each holder gets an application to fill in.
    let mut taken_up = 0;
    if f.purpose == Purpose::ReReview {
        let horizon = core::re_review_horizon(f.closes_on);
        let due = store::due(&tx, f.kind, horizon).await?;
        // A recognition already in an open re-review is not taken up twice; a batch that would
        // take up nothing else is refused.
        let covered = store::in_open_re_review(&tx, &due.iter().map(|r| r.id).collect::<Vec<_>>()).await?;
        if !due.is_empty() && due.iter().all(|r| covered.contains(&r.id)) {
            return Err(ServiceError::Conflict { key: "recognition.re_review_covered" });
        }
        for r in due.into_iter().filter(|r| !covered.contains(&r.id)) {
            let Some(state) = sheji_store::registry::library::find_state_by_id(&tx, r.organization).await? else {
                continue;
            };
            let who = Applicant {
                batch: id,
                organization: r.organization,
                district: state.fields.district_id,
                recognition: Some(r.id),
            };
            let figures = sheji_store::registry::library::list_indicators(&tx, r.organization).await?;
            let latest = figures.last().map(|(year, figures)| Snapshot { year: *year, figures: *figures });
            let form = ApplicationForm { figures: Snapshot::store(latest.as_ref()), ..ApplicationForm::default() };
            if store::insert_application(&tx, who, &form, &caller.username, now).await?.is_some() {
                taken_up += 1;
            }
        }
    }
    let change = Change {
        action: "recognition.batch_open",
        target_type: "recognition_batch",
        target_id: id.to_string(),
        before: serde_json::Value::Null,
        after: json!({"kind": f.kind.code(), "purpose": f.purpose.code(), "re_reviews": taken_up, "year": f.year, "name": f.name, "opens_on": f.opens_on,
            "closes_on": f.closes_on, "district_quota": f.district_quota, "rules": f.rules, "rubric": f.rubric}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(id)
}

/// What the caller may do with recognition as a whole: pages show exactly these, and the use
/// cases check the same rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecognitionActions {
    /// The organization the caller applies for (its administrator), if any.
    pub applicant: Option<OrganizationId>,
    /// Reviews applications of some districts (branch staff, and the city).
    pub staff: bool,
    /// Opens batches, checks applications, concludes (the city).
    pub city: bool,
}

/// The caller's recognition actions.
pub fn actions(services: &Services, caller: &Principal) -> RecognitionActions {
    let now = services.now();
    let review = caller.scope(Permission::RecognitionReview, now);
    RecognitionActions {
        applicant: caller.scope(Permission::RegistryEdit, now).organizations.into_iter().next(),
        staff: review.all || !review.districts.is_empty(),
        city: caller.can(Permission::RecognitionManage, now),
    }
}

/// Whether the caller may act as the applicant for `org` (its administrator).
fn is_applicant(services: &Services, caller: &Principal, org: OrganizationId) -> bool {
    caller.scope(Permission::RegistryEdit, services.now()).organizations.contains(&org)
}

/// Starts an application for an organization the caller administers; the figures come from the
/// registry's latest year (collected once).
pub async fn start(
    services: &Services,
    caller: &Principal,
    batch: i32,
    org: OrganizationId,
    ip: &str,
) -> Result<i32, ServiceError> {
    let b = load_batch(services, batch).await?;
    let state = sheji_store::registry::library::find_state_by_id(services.store(), org)
        .await?
        .ok_or(ServiceError::NotFound { key: "error.not_found.organization" })?;
    if !is_applicant(services, caller, org) {
        return Err(ServiceError::Forbidden);
    }
    if !accepting(services, &b) {
        return Err(ServiceError::Conflict { key: "recognition.batch_closed" });
    }
    if b.fields.purpose == Purpose::ReReview {
        return Err(ServiceError::Conflict { key: "recognition.re_review_listed" });
    }
    // What the applicant cannot change by filling in the form (years, library, tiers held,
    // the registry's figures) is checked now: refused with the reason, nothing created. The
    // declarations are the form's, so they are taken as made here.
    let latest = latest_figures(services, org).await?;
    let facts = facts_for(services, org, latest, true, true, None).await?;
    let failed: Vec<(&'static str, String, String)> = core::checklist(&b.fields.rules, &facts, services.today())
        .into_iter()
        .filter(|c| !c.passed)
        .map(|c| (c.key, c.required, c.actual))
        .collect();
    if !failed.is_empty() {
        return Err(ServiceError::NotEligible { failed, refused: "recognition.cannot_apply" });
    }
    let form = ApplicationForm { figures: Snapshot::store(latest.as_ref()), ..ApplicationForm::default() };
    let now = services.now();
    let tx = Work::begin(services).await?;
    let who = Applicant { batch, organization: org, district: state.fields.district_id, recognition: None };
    let id = store::insert_application(&tx, who, &form, &caller.username, now)
        .await?
        .ok_or(ServiceError::Conflict { key: "recognition.applied_already" })?;
    let change = Change {
        action: "recognition.application_start",
        target_type: "recognition_application",
        target_id: id.to_string(),
        before: serde_json::Value::Null,
        after: json!({"batch": batch, "organization": org}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(id)
}

/// The recognition work waiting for the caller: a branch officer's applications to review, the
/// city's formal checks, an applicant's returned applications to correct and drafts to submit
/// before their batch closes.
pub async fn todos(services: &Services, caller: &Principal) -> Result<Vec<Todo>, ServiceError> {
    let now = services.now();
    let mut out = Vec::new();
    let review = caller.scope(Permission::RecognitionReview, now);
    // City-wide reach is the city's: its step is the formal check, not the district's review.
    if !review.all && !review.districts.is_empty() {
        let districts: Vec<DistrictId> = review.districts.iter().copied().collect();
        let n = store::count_in(services.store(), &[Status::Submitted], Some(&districts)).await?;
        if n > 0 {
            out.push(Todo {
                key: "recognition.todo.district",
                args: vec![("n", n.to_string())],
                due: None,
                href: "/recognition".to_owned(),
            });
        }
    }
    if caller.can(Permission::RecognitionManage, now) {
        let n = store::count_in(services.store(), &[Status::Recommended], None).await?;
        if n > 0 {
            out.push(Todo {
                key: "recognition.todo.formal_check",
                args: vec![("n", n.to_string())],
                due: None,
                href: "/recognition".to_owned(),
            });
        }
    }
    for line in mine(services, caller, PageRequest::new(Some(1), Some(50))).await?.items {
        let a = &line.application;
        let href = format!("/recognition/applications/{}", a.id);
        if matches!(a.status, Status::Returned | Status::Correcting) {
            out.push(Todo { key: "recognition.todo.returned", args: vec![], due: None, href });
        } else if a.status == Status::Draft {
            let b = load_batch(services, a.batch).await?;
            if accepting(services, &b) {
                out.push(Todo {
                    key: "recognition.todo.draft",
                    args: vec![("batch", b.fields.name.clone())],
                    due: Some(b.fields.closes_on),
                    href,
                });
            }
        }
    }
    out.extend(rectification::todos(services, caller).await?);
    Ok(out)
}

fn roles_of(services: &Services, caller: &Principal, app: &Application) -> Vec<Role> {
    roles_toward(services, caller, app.organization, app.district)
}

/// Who the caller is toward an organization of a district: its administrator, the district's
/// staff, the city (an application's readers, a certificate's printers).
fn roles_toward(services: &Services, caller: &Principal, org: OrganizationId, district: DistrictId) -> Vec<Role> {
    let now = services.now();
    let mut out = Vec::new();
    if is_applicant(services, caller, org) {
        out.push(Role::Applicant);
    }
    let review = caller.scope(Permission::RecognitionReview, now);
    if review.all || review.districts.contains(&district) {
        out.push(Role::District);
    }
    if caller.can(Permission::RecognitionManage, now) {
        out.push(Role::City);
    }
    out
}

/// Everything the application page shows.
#[derive(Debug, Clone)]
pub struct ApplicationView {
    /// The application.
    pub application: Application,
    /// Its batch.
    pub batch: Batch,
    /// The applicant's name.
    pub organization: String,
    /// The checklist against the batch's rules.
    pub checklist: Vec<CheckItem>,
    /// The history.
    pub events: Vec<Event>,
    /// What the caller may do now.
    pub actions: Vec<Action>,
    /// Whether the caller may edit the form.
    pub editable: bool,
    /// Recommendations used and allowed in the applicant's district.
    pub quota: (u32, Option<u32>),
    /// Attached documents and inspection photos.
    pub files: Vec<StoredFile>,
    /// The caller may record the on-site verification now.
    pub can_inspect: bool,
    /// `Some(blind)` when the caller reads as an expert assigned to score it (read only; the
    /// applicant hidden when the campaign is blind).
    pub expert: Option<bool>,
    /// The figures it is judged on: the registry's latest while editable, the snapshot frozen
    /// at submission afterwards.
    pub figures: Option<Snapshot>,
    /// For district and city staff: where the registry has changed since submission.
    pub drift: Drift,
}

/// The registry's latest year of figures for an organization.
async fn latest_figures(services: &Services, org: OrganizationId) -> Result<Option<Snapshot>, ServiceError> {
    let all = sheji_store::registry::library::list_indicators(services.store(), org).await?;
    Ok(all.last().map(|(year, figures)| Snapshot { year: *year, figures: *figures }))
}

/// The figures an application is judged on: the registry's latest while the applicant can
/// still edit it, the snapshot frozen at submission afterwards.
async fn judged_figures(services: &Services, app: &Application) -> Result<Option<Snapshot>, ServiceError> {
    if app.status.editable() {
        latest_figures(services, app.organization).await
    } else {
        Ok(Snapshot::parse(&app.form.figures))
    }
}

async fn facts_for(
    services: &Services,
    org: OrganizationId,
    figures: Option<Snapshot>,
    incident_free: bool,
    credit_ok: bool,
    documents: Option<Vec<u32>>,
) -> Result<Facts, ServiceError> {
    let state = sheji_store::registry::library::find_state_by_id(services.store(), org)
        .await?
        .ok_or(ServiceError::NotFound { key: "error.not_found.organization" })?;
    let t = services.today();
    let held = store::of_organization(services.store(), org)
        .await?
        .into_iter()
        .filter(|r| matches!(r.standing.on(r.valid_until, t), Standing::Valid | Standing::Rectifying))
        .map(|r| r.kind)
        .collect();
    Ok(Facts {
        founded_on: state.fields.founded_on,
        library: Some(state.library_status),
        held,
        latest: figures.map(|s| (s.year, s.figures)),
        incident_free,
        credit_ok,
        documents,
    })
}

/// The purpose a file attached for the batch's required document `index` is stored under.
pub fn document_purpose(index: usize) -> String {
    format!("doc:{index}")
}

/// Which required document a stored file was attached for, if any.
pub fn document_index(purpose: &str) -> Option<usize> {
    purpose.strip_prefix("doc:")?.parse().ok()
}

/// Where the registry now disagrees with a submitted application's snapshot, for staff.
async fn figures_drift(
    services: &Services,
    app: &Application,
    snapshot: Option<&Snapshot>,
) -> Result<Drift, ServiceError> {
    let Some(s) = snapshot else { return Ok(Vec::new()) };
    let all = sheji_store::registry::library::list_indicators(services.store(), app.organization).await?;
    let now = all.iter().find(|(y, _)| *y == s.year).map(|(_, i)| i);
    Ok(s.drift(now))
}

/// (field, as submitted, in the registry now) for each figure that changed since submission.
pub type Drift = Vec<(&'static str, Option<String>, Option<String>)>;

/// One application, for the applicant, the staff of its district and the city (404 for
/// anyone else).
pub async fn view(services: &Services, caller: &Principal, id: i32) -> Result<ApplicationView, ServiceError> {
    let app = store::get_application(services.store(), id)
        .await?
        .ok_or(ServiceError::NotFound { key: "recognition.no_application" })?;
    let roles = roles_of(services, caller, &app);
    // An expert scoring it reads it (read only) while the campaign runs.
    let expert = match (roles.is_empty(), app.item) {
        (true, Some(item)) => crate::review::sheet::expert_reads(services, caller, item).await?,
        _ => None,
    };
    if roles.is_empty() && expert.is_none() {
        return Err(ServiceError::NotFound { key: "recognition.no_application" });
    }
    let blind = expert == Some(true);
    let batch = load_batch(services, app.batch).await?;
    let figures = judged_figures(services, &app).await?;
    let staff = roles.contains(&Role::District) || roles.contains(&Role::City);
    let drift = if staff && !app.status.editable() {
        figures_drift(services, &app, figures.as_ref()).await?
    } else {
        Vec::new()
    };
    let mut files = sheji_store::files::of_owner(services.store(), OWNER, id).await?;
    let required = &batch.fields.rules.required_documents;
    let mut counts = vec![0u32; required.len()];
    for i in files.iter().filter_map(|f| document_index(&f.purpose)) {
        if let Some(n) = counts.get_mut(i) {
            *n += 1;
        }
    }
    let facts =
        facts_for(services, app.organization, figures, app.form.incident_free, app.form.credit_ok, Some(counts))
            .await?;
    let checklist = core::checklist(&batch.fields.rules, &facts, services.today());
    let actions = core::allowed_actions(app.status, &roles);
    let names = sheji_store::registry::names(services.store(), &BTreeSet::from([app.organization])).await?;
    let tx_used = used(services, app.batch, app.district).await?;
    let can_inspect = core::may_inspect(app.status, &roles);
    if blind {
        // File names often carry the company's name: a blind reader sees numbers.
        for (i, f) in files.iter_mut().enumerate() {
            let ext = f.name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
            f.name = if ext.is_empty() { format!("{:02}", i + 1) } else { format!("{:02}.{ext}", i + 1) };
        }
    }
    Ok(ApplicationView {
        files,
        can_inspect,
        organization: if blind { String::new() } else { names.get(&app.organization).cloned().unwrap_or_default() },
        // The workflow's history is the staff's and the applicant's, not the scorer's.
        events: if expert.is_some() { Vec::new() } else { store::events(services.store(), id).await? },
        expert,
        figures,
        drift,
        editable: roles.contains(&Role::Applicant)
            && app.status.editable()
            && batch.status.may_file(app.status, accepting(services, &batch)),
        quota: (tx_used, batch.fields.district_quota),
        checklist,
        actions,
        batch,
        application: app,
    })
}

async fn used(services: &Services, batch: i32, district: DistrictId) -> Result<u32, ServiceError> {
    Ok(store::recommended_count(services.store(), batch, district).await?)
}

/// What the applicant types.
#[derive(Debug, Clone, Default)]
pub struct FormInput {
    /// Description.
    pub description: String,
    /// No major incident declared.
    pub incident_free: bool,
    /// Not seriously dishonest declared.
    pub credit_ok: bool,
    /// Authenticity statement signed.
    pub statement_signed: bool,
}

/// Saves the applicant's draft.
pub async fn save(
    services: &Services,
    caller: &Principal,
    id: i32,
    input: &FormInput,
    ip: &str,
) -> Result<(), ServiceError> {
    let v = view(services, caller, id).await?;
    if !v.editable {
        return Err(ServiceError::Conflict { key: "recognition.not_editable" });
    }
    let form = ApplicationForm {
        description: crate::within("description", &input.description, 20_000)
            .map_err(|e| ServiceError::Fields(vec![e]))?,
        figures: v.application.form.figures.clone(),
        incident_free: input.incident_free,
        credit_ok: input.credit_ok,
        statement_signed: input.statement_signed,
    };
    let now = services.now();
    let tx = Work::begin(services).await?;
    if !store::save_form(&tx, id, &form, now).await? {
        return Err(ServiceError::Conflict { key: "recognition.not_editable" });
    }
    let change = Change {
        action: "recognition.application_save",
        target_type: "recognition_application",
        target_id: id.to_string(),
        before: json!({"incident_free": v.application.form.incident_free, "credit_ok": v.application.form.credit_ok,
            "statement_signed": v.application.form.statement_signed}),
        after: json!({"incident_free": form.incident_free, "credit_ok": form.credit_ok,
            "statement_signed": form.statement_signed, "description_chars": form.description.chars().count()}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(())
}

/// Takes one step of the workflow: the applicant submits (checklist passed, statement signed),
/// the district recommends within its quota, returns or rejects, the city passes the formal
/// check, returns or rejects. A return or rejection needs a comment. Anything else is refused
/// with the reason.
pub async fn act(
    services: &Services,
    caller: &Principal,
    id: i32,
    action: Action,
    comment: &str,
    ip: &str,
) -> Result<Status, ServiceError> {
    let v = view(services, caller, id).await?;
    let from = v.application.status;
    if !v.actions.contains(&action) {
        return Err(if core::transition(from, action).is_err() {
            ServiceError::Conflict { key: "recognition.illegal" }
        } else {
            ServiceError::Forbidden
        });
    }
    let to = core::transition(from, action).map_err(|_| ServiceError::Conflict { key: "recognition.illegal" })?;
    let comment = clip(comment, 2_000);
    if matches!(action, Action::Return | Action::Reject) && comment.is_empty() {
        return Err(ServiceError::Fields(vec![FieldError::new("comment", "recognition.comment_required")]));
    }
    if action == Action::Submit {
        if !v.batch.status.may_file(from, accepting(services, &v.batch)) {
            return Err(ServiceError::Conflict { key: "recognition.batch_closed" });
        }
        let failed: Vec<(&'static str, String, String)> =
            v.checklist.iter().filter(|c| !c.passed).map(|c| (c.key, c.required.clone(), c.actual.clone())).collect();
        if !failed.is_empty() {
            return Err(ServiceError::NotEligible { failed, refused: "recognition.not_eligible" });
        }
        if !v.application.form.statement_signed {
            return Err(ServiceError::Fields(vec![FieldError::new(
                "statement_signed",
                "recognition.statement_required",
            )]));
        }
    }
    let now = services.now();
    let tx = Work::begin(services).await?;
    if action == Action::Submit {
        // Serialized with an edit of the batch's terms, which is allowed only before this.
        store::lock_batch(&tx, v.batch.id, now).await?;
    }
    if action == Action::Recommend {
        store::lock_batch(&tx, v.batch.id, now).await?;
        let used = store::recommended_count(&tx, v.batch.id, v.application.district).await?;
        if !core::within_quota(v.batch.fields.district_quota, used) {
            return Err(ServiceError::Conflict { key: "recognition.quota_full" });
        }
    }
    let event = Event {
        from,
        to,
        action: action.code().to_owned(),
        comment: comment.clone(),
        actor: caller.username.clone(),
        at: now,
    };
    if action == Action::Submit {
        // The figures the checklist just passed on are the ones kept with the application.
        store::set_figures(&tx, id, &Snapshot::store(v.figures.as_ref()), now).await?;
    }
    if !store::move_application(&tx, id, &event, None).await? {
        return Err(ServiceError::Conflict { key: "recognition.changed_meanwhile" });
    }
    // The applicant hears of every step staff take on its application, in the same commit.
    let told = match action {
        Action::Return => Some((MessageKind::Returned, "recognition.msg.returned")),
        Action::Reject => Some((MessageKind::Rejected, "recognition.msg.rejected")),
        Action::Recommend => Some((MessageKind::Progressed, "recognition.msg.recommended")),
        Action::Pass => Some((MessageKind::Progressed, "recognition.msg.passed")),
        _ => None,
    };
    if let Some((kind, key)) = told {
        let note = Note {
            kind,
            key,
            args: vec![("batch", v.batch.fields.name.clone()), ("comment", comment.clone())],
            href: format!("/recognition/applications/{id}"),
            once: None,
        };
        notification::send(&tx, now, &[Audience::OrgAdmins(v.application.organization)], &note).await?;
    }
    let change = Change {
        action: "recognition.application_step",
        target_type: "recognition_application",
        target_id: id.to_string(),
        before: json!({"status": from.code()}),
        after: json!({"status": to.code(), "action": action.code(), "comment": comment}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(to)
}

/// One line of a queue.
#[derive(Debug, Clone)]
pub struct QueueLine {
    /// The application.
    pub application: Application,
    /// Applicant's name.
    pub organization: String,
}

/// A batch as the caller sees it: the funnel and the queue of applications they may act on —
/// district staff their districts' (with quota used and left), city staff every one.
#[derive(Debug, Clone)]
pub struct BatchView {
    /// The batch.
    pub batch: Batch,
    /// Counts by status.
    pub funnel: BTreeMap<String, u64>,
    /// The queue page.
    pub queue: Page<QueueLine>,
    /// Per district in the caller's reach: (district, used).
    pub quota_used: Vec<(DistrictId, u32)>,
    /// Whether the caller is city staff.
    pub city: bool,
    /// The steps on the whole batch the caller may take now.
    pub steps: Vec<BatchStep>,
    /// The review campaign's status, once sent.
    pub campaign: Option<CampaignStatus>,
    /// The city may end intake early now (with a reason).
    pub may_close_early: bool,
    /// The city may call the batch off now (with a reason).
    pub may_cancel: bool,
}

/// The staff view of a batch (`recognition.review`).
pub async fn batch_view(
    services: &Services,
    caller: &Principal,
    id: i32,
    page: PageRequest,
) -> Result<BatchView, ServiceError> {
    let now = services.now();
    let scope = caller.scope(Permission::RecognitionReview, now);
    let city = caller.can(Permission::RecognitionManage, now);
    if !scope.all && scope.districts.is_empty() && !city {
        return Err(ServiceError::Forbidden);
    }
    let batch = load_batch(services, id).await?;
    let districts: Option<Vec<DistrictId>> =
        if scope.all || city { None } else { Some(scope.districts.iter().copied().collect()) };
    let funnel = store::funnel(services.store(), id, districts.as_deref()).await?;
    let filter = ApplicationFilter { districts: districts.clone(), statuses: Vec::new() };
    let p = store::list_applications(services.store(), id, &filter, page).await?;
    let names =
        sheji_store::registry::names(services.store(), &p.items.iter().map(|a| a.organization).collect()).await?;
    let lines: Vec<QueueLine> = p
        .items
        .into_iter()
        .map(|a| QueueLine { organization: names.get(&a.organization).cloned().unwrap_or_default(), application: a })
        .collect();
    let held = store::recommended_by_district(services.store(), id).await?;
    let quota_used: Vec<(DistrictId, u32)> = match districts {
        Some(mine) => mine.into_iter().map(|d| (d, held.get(&d).copied().unwrap_or(0))).collect(),
        // The city sees every district in force, zeros too (and any other district holding
        // a slot, should one have been abolished since).
        None => {
            let filter = crate::reference::DistrictFilter {
                status: Some(sheji_core::reference::DistrictStatus::Active),
                ..Default::default()
            };
            let active =
                crate::reference::list_districts(services, &filter, PageRequest::new(Some(1), Some(200))).await?;
            let mut ids: Vec<DistrictId> = active.items.iter().map(|d| d.id).collect();
            ids.extend(held.keys().filter(|d| !ids.contains(d)).copied().collect::<Vec<_>>());
            ids.into_iter().map(|d| (d, held.get(&d).copied().unwrap_or(0))).collect()
        }
    };
    let campaign = match batch.campaign {
        Some(c) => crate::review::linked::campaign_status(services, c).await?,
        None => None,
    };
    // Steps are offered only when they can be taken: something must be ready to decide.
    let ready = core::ready_for_decision(batch.fields.rules.onsite_required)
        .iter()
        .any(|s| funnel.get(s.code()).is_some_and(|n| *n > 0));
    let unsent = batch.fields.purpose == Purpose::ReReview
        && !accepting(services, &batch)
        && [Status::Draft, Status::Returned, Status::Overdue]
            .iter()
            .any(|s| funnel.get(s.code()).is_some_and(|n| *n > 0));
    let steps = if city {
        batch.status.steps(
            batch.fields.rubric.is_some(),
            batch.fields.rules.publicity_required,
            batch.campaign.is_some(),
            ready,
            unsent,
        )
    } else {
        Vec::new()
    };
    let today = services.today();
    let f = &batch.fields;
    let may_close_early =
        city && batch.status.may_close_early(f.opens_on, f.closes_on, batch.closed_early.is_some(), today);
    let may_cancel = city && batch.status.may_cancel(batch.campaign.is_some());
    Ok(BatchView {
        batch,
        funnel,
        queue: Page::new(lines, page, p.total),
        quota_used,
        city,
        campaign,
        steps,
        may_close_early,
        may_cancel,
    })
}

/// A batch's stages and the current one, for staff and applicants.
pub fn batch_timeline(services: &Services, b: &Batch, campaign: Option<CampaignStatus>) -> (Vec<core::Stage>, usize) {
    let on_notice = campaign.map(|c| matches!(c, CampaignStatus::Publicity | CampaignStatus::Final));
    core::timeline(
        b.status,
        accepting(services, b),
        b.fields.rules.onsite_required,
        b.fields.rubric.is_some(),
        b.fields.rules.publicity_required,
        on_notice,
    )
}

/// What closing intake early and cancelling both need: city staff, a reason (required, within
/// bounds) and the batch.
async fn batch_call(
    services: &Services,
    caller: &Principal,
    id: i32,
    reason: &str,
) -> Result<(Batch, String), ServiceError> {
    if !actions(services, caller).city {
        return Err(ServiceError::Forbidden);
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(ServiceError::Fields(vec![FieldError::new("reason", "recognition.reason_required")]));
    }
    if reason.chars().count() > core::MAX_BATCH_REASON {
        return Err(ServiceError::Fields(vec![FieldError::new("reason", "recognition.reason_too_long")]));
    }
    Ok((load_batch(services, id).await?, reason.to_owned()))
}

/// Whether the caller may change a batch's terms now (city staff; open, nothing submitted yet).
pub async fn may_edit(services: &Services, caller: &Principal, b: &Batch) -> Result<bool, ServiceError> {
    Ok(actions(services, caller).city
        && b.status.may_edit(b.fields.purpose, store::any_submitted(services.store(), b.id).await?))
}

/// Changes a batch's terms until its first submission (city staff). Its kind and purpose stay
/// what it was opened as; drafts already started follow the new terms.
pub async fn edit_batch(
    services: &Services,
    caller: &Principal,
    id: i32,
    fields: &BatchFields,
    ip: &str,
) -> Result<(), ServiceError> {
    if !actions(services, caller).city {
        return Err(ServiceError::Forbidden);
    }
    let b = load_batch(services, id).await?;
    let f = checked_batch(services, BatchFields { kind: b.fields.kind, purpose: b.fields.purpose, ..fields.clone() })
        .await?;
    let now = services.now();
    let tx = Work::begin(services).await?;
    // The batch row is locked first, so a submission racing the edit is seen here or waits.
    store::lock_batch(&tx, id, now).await?;
    if !b.status.may_edit(b.fields.purpose, store::any_submitted(&tx, id).await?) {
        return Err(ServiceError::Conflict { key: "recognition.not_editable_batch" });
    }
    if !store::update_batch(&tx, id, &f, now).await? {
        return Err(ServiceError::Conflict { key: "recognition.batch_changed_meanwhile" });
    }
    let change = Change {
        action: "recognition.batch_edit",
        target_type: "recognition_batch",
        target_id: id.to_string(),
        before: json!({"name": b.fields.name, "opens_on": b.fields.opens_on, "closes_on": b.fields.closes_on,
            "district_quota": b.fields.district_quota, "rules": b.fields.rules, "rubric": b.fields.rubric}),
        after: json!({"name": f.name, "opens_on": f.opens_on, "closes_on": f.closes_on,
            "district_quota": f.district_quota, "rules": f.rules, "rubric": f.rubric}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(())
}

/// Ends intake before the published close date (city staff), with a reason the public page
/// shows; applications already filed go on.
pub async fn close_early(
    services: &Services,
    caller: &Principal,
    id: i32,
    reason: &str,
    ip: &str,
) -> Result<(), ServiceError> {
    let (b, reason) = batch_call(services, caller, id, reason).await?;
    let today = services.today();
    if !b.status.may_close_early(b.fields.opens_on, b.fields.closes_on, b.closed_early.is_some(), today) {
        return Err(ServiceError::Conflict { key: "recognition.cannot_close_early" });
    }
    let now = services.now();
    let tx = Work::begin(services).await?;
    if !store::close_intake(&tx, id, today, &reason, now).await? {
        return Err(ServiceError::Conflict { key: "recognition.batch_changed_meanwhile" });
    }
    let change = Change {
        action: "recognition.batch_close_early",
        target_type: "recognition_batch",
        target_id: id.to_string(),
        before: json!({"closes_on": b.fields.closes_on}),
        after: json!({"closed_on": today, "reason": reason}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(())
}

/// Calls a batch off (city staff) while it is open and nothing is with the experts; every
/// organization with an application in it is told, with the reason.
pub async fn cancel(
    services: &Services,
    caller: &Principal,
    id: i32,
    reason: &str,
    ip: &str,
) -> Result<(), ServiceError> {
    let (b, reason) = batch_call(services, caller, id, reason).await?;
    if !b.status.may_cancel(b.campaign.is_some()) {
        return Err(ServiceError::Conflict { key: "recognition.cannot_cancel" });
    }
    let now = services.now();
    let tx = Work::begin(services).await?;
    if !store::cancel_batch(&tx, id, &reason, now).await? {
        return Err(ServiceError::Conflict { key: "recognition.batch_changed_meanwhile" });
    }
    let told: Vec<Audience> = store::applicants_of(&tx, id).await?.into_iter().map(Audience::OrgAdmins).collect();
    let note = Note {
        kind: MessageKind::Rejected,
        key: "recognition.msg.cancelled",
        args: vec![("batch", b.fields.name.clone()), ("reason", reason.clone())],
        href: "/recognition".to_owned(),
        once: None,
    };
    notification::send(&tx, now, &told, &note).await?;
    let change = Change {
        action: "recognition.batch_cancel",
        target_type: "recognition_batch",
        target_id: id.to_string(),
        before: json!({"status": b.status.code()}),
        after: json!({"status": BatchStatus::Cancelled.code(), "reason": reason, "told": told.len()}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(())
}

/// The caller's organizations' applications (an organization's administrator).
pub async fn mine(services: &Services, caller: &Principal, page: PageRequest) -> Result<Page<QueueLine>, ServiceError> {
    let orgs: Vec<OrganizationId> =
        caller.scope(Permission::RegistryEdit, services.now()).organizations.into_iter().collect();
    let Some(org) = orgs.first() else { return Ok(Page::new(Vec::new(), page, 0)) };
    let p = store::applications_of(services.store(), *org, page).await?;
    let names = sheji_store::registry::names(services.store(), &BTreeSet::from([*org])).await?;
    let lines = p
        .items
        .into_iter()
        .map(|a| QueueLine { organization: names.get(&a.organization).cloned().unwrap_or_default(), application: a })
        .collect();
    Ok(Page::new(lines, page, p.total))
}

/// Sends every formally checked (and, where required, verified) application to expert review:
/// a review campaign with the batch's rubric, reviewers per application and publicity days, one
/// item per application (its organization behind it, its clusters as specialties), which staff
/// then assign, score, close and publish in the review pages (`recognition.manage`).
pub async fn send_to_review(
    services: &Services,
    caller: &Principal,
    id: i32,
    ip: &str,
) -> Result<CampaignId, ServiceError> {
    let (b, checked, unsent) = ready_to_send(services, caller, id, Destination::Review).await?;
    let rubric = b.fields.rubric.ok_or(ServiceError::Conflict { key: "recognition.no_rubric" })?;
    let t = services.today();
    let fields = crate::review::CampaignFields {
        name: format!("{}专家评审", b.fields.name),
        rubric,
        reviewers_per_item: b.fields.rules.reviewers_per_item,
        blind: b.fields.rules.blind_review,
        aggregation: b.fields.rules.aggregation,
        thresholds: match b.fields.purpose {
            Purpose::Recognition => vec![Threshold { grade: "通过".to_owned(), min: b.fields.rules.pass_score }],
            Purpose::ReReview => vec![
                Threshold { grade: "通过".to_owned(), min: b.fields.rules.pass_score },
                Threshold { grade: "整改".to_owned(), min: b.fields.rules.rectify_score },
            ],
        },
        period_start: t,
        deadline: t + chrono::Duration::days(14),
        conflict_years: sheji_core::review::conflict::DEFAULT_WINDOW_YEARS,
        forbid_repeat: true,
        require_match: false,
        min_load: 0,
        max_load: 20,
        publicity_days: b.fields.rules.publicity_days,
        outlier_pct: b.fields.rules.outlier_pct,
    };
    let orgs: BTreeSet<OrganizationId> = checked.iter().map(|a| a.organization).collect();
    let names = sheji_store::registry::names(services.store(), &orgs).await?;
    // The item speaks the experts' vocabulary: the applicant's clusters and the service
    // categories it offers, so "shared specialties" in the draw mean something.
    let offered = crate::matchmaking::offered_specialties(services, &orgs).await?;
    let tx = Work::begin(services).await?;
    let mut items = Vec::with_capacity(checked.len());
    for a in &checked {
        let mut specialties: BTreeSet<String> = sheji_store::registry::library::find_state_by_id(&tx, a.organization)
            .await?
            .map(|s| s.fields.clusters.iter().map(|c| format!("cluster:{c}")).collect())
            .unwrap_or_default();
        specialties.extend(offered.get(&a.organization).into_iter().flatten().cloned());
        items.push(crate::review::ItemFields {
            title: names.get(&a.organization).cloned().unwrap_or_else(|| format!("#{}", a.id)),
            subject: Some(format!("recognition:{}:{}", b.fields.kind.code(), a.organization)),
            organizations: vec![a.organization],
            specialties,
            team: Vec::new(),
        });
    }
    let (campaign, stored) =
        crate::review::linked::open_in(&tx, services, caller, Permission::RecognitionManage, &fields, &items, ip)
            .await?;
    // A recognition's 公示 proposes the applications that reach the pass score; a re-review's
    // lists every outcome (renewed, rectify, revoked).
    if b.fields.purpose == Purpose::Recognition {
        crate::review::linked::propose_from(&tx, campaign, b.fields.rules.pass_score).await?;
    }
    let handed = Handover { campaign, action: Action::SendToReview, audit: "recognition.send_to_review" };
    hand_over(tx, &b, &checked, &stored, &unsent, handed, caller, ip).await?;
    Ok(campaign)
}

/// Where a batch's ready applications are sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Destination {
    /// To expert review (the batch has a rubric).
    Review,
    /// On public notice without review (no rubric, a notice required).
    Notice,
}

/// What sending a batch to review or to notice first checks, the same for both: the city, a
/// batch still open with nothing sent yet, the destination its rules call for, no decision
/// left pending, something ready, and (in a re-review) intake over before unsent holders are
/// marked. Returns the batch, its ready applications and its unsent re-reviews.
async fn ready_to_send(
    services: &Services,
    caller: &Principal,
    id: i32,
    to: Destination,
) -> Result<(Batch, Vec<Application>, Vec<Application>), ServiceError> {
    if !actions(services, caller).city {
        return Err(ServiceError::Forbidden);
    }
    let b = load_batch(services, id).await?;
    if b.campaign.is_some() {
        return Err(ServiceError::Conflict { key: "recognition.in_review_already" });
    }
    if !b.status.is_open() {
        return Err(ServiceError::Conflict { key: "recognition.concluded_already" });
    }
    match to {
        Destination::Review if b.fields.rubric.is_none() => {
            return Err(ServiceError::Conflict { key: "recognition.no_rubric" });
        }
        Destination::Notice if b.fields.rubric.is_some() || !b.fields.rules.publicity_required => {
            return Err(ServiceError::Conflict { key: "recognition.no_notice" });
        }
        _ => {}
    }
    stragglers(services, &b).await?;
    let ready =
        store::applications_in(services.store(), id, core::ready_for_decision(b.fields.rules.onsite_required)).await?;
    if ready.is_empty() {
        return Err(ServiceError::Conflict { key: "recognition.nothing_checked" });
    }
    let unsent = unsent_re_reviews(services, &b).await?;
    if !unsent.is_empty() && accepting(services, &b) {
        return Err(ServiceError::Conflict { key: "recognition.re_review_intake_open" });
    }
    Ok((b, ready, unsent))
}

/// Where a batch's ready applications go: the campaign, the step on their timelines, the
/// batch's audit action.
struct Handover {
    campaign: CampaignId,
    action: Action,
    audit: &'static str,
}

/// Ends sending a batch to the review engine (expert review, or a notice without one) in the
/// unit of work that opened the campaign: each ready application moves onto its item, unsent
/// re-reviews are marked overdue, the batch is with the engine, and the step is audited.
#[allow(clippy::too_many_arguments)]
async fn hand_over(
    tx: Work,
    b: &Batch,
    ready: &[Application],
    items: &[crate::review::Item],
    unsent: &[Application],
    h: Handover,
    caller: &Principal,
    ip: &str,
) -> Result<(), ServiceError> {
    let now = tx.now();
    for (a, item) in ready.iter().zip(items.iter()) {
        let to =
            core::transition(a.status, h.action).map_err(|_| ServiceError::Conflict { key: "recognition.illegal" })?;
        let event = Event {
            from: a.status,
            to,
            action: h.action.code().to_owned(),
            comment: String::new(),
            actor: caller.username.clone(),
            at: now,
        };
        if !store::move_application(&tx, a.id, &event, Some(item.id)).await? {
            return Err(ServiceError::Conflict { key: "recognition.changed_meanwhile" });
        }
    }
    let overdue = mark_overdue(&tx, b, unsent, caller, now, true).await?;
    store::set_batch_status(&tx, b.id, BatchStatus::InReview, Some(h.campaign), now).await?;
    let change = Change {
        action: h.audit,
        target_type: "recognition_batch",
        target_id: b.id.to_string(),
        before: json!({"status": b.status}),
        after: json!({"status": BatchStatus::InReview.code(), "campaign": h.campaign, "applications": ready.len(),
            "overdue": overdue.len()}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(())
}

/// Puts every formally checked (and, where required, verified) application of a batch without
/// expert review on public notice (公示), as its rules require: a notice-only campaign with
/// one item per application, which headquarters publish with its reference number and
/// contacts, take objections on and finalize in the review pages; the batch then concludes
/// on it (`recognition.manage`).
pub async fn send_to_publicity(
    services: &Services,
    caller: &Principal,
    id: i32,
    ip: &str,
) -> Result<CampaignId, ServiceError> {
    let (b, ready, unsent) = ready_to_send(services, caller, id, Destination::Notice).await?;
    let orgs: BTreeSet<OrganizationId> = ready.iter().map(|a| a.organization).collect();
    let names = sheji_store::registry::names(services.store(), &orgs).await?;
    let items: Vec<crate::review::ItemFields> = ready
        .iter()
        .map(|a| crate::review::ItemFields {
            title: names.get(&a.organization).cloned().unwrap_or_else(|| format!("#{}", a.id)),
            subject: Some(format!("recognition:{}:{}", b.fields.kind.code(), a.organization)),
            organizations: vec![a.organization],
            specialties: BTreeSet::new(),
            team: Vec::new(),
        })
        .collect();
    let tx = Work::begin(services).await?;
    let name = format!("{}公示", b.fields.name);
    let (campaign, stored) = crate::review::linked::open_notice_in(
        &tx,
        services,
        caller,
        Permission::RecognitionManage,
        &name,
        b.fields.rules.publicity_days,
        &items,
        ip,
    )
    .await?;
    let handed = Handover { campaign, action: Action::Publicize, audit: "recognition.send_to_publicity" };
    hand_over(tx, &b, &ready, &stored, &unsent, handed, caller, ip).await?;
    Ok(campaign)
}

/// A re-review's applications its holders never sent (drafts, and returns not sent back): the
/// ones the batch's overdue rule decides. Empty for a batch of new recognitions, whose unsent
/// drafts simply lapse.
async fn unsent_re_reviews(services: &Services, b: &Batch) -> Result<Vec<Application>, ServiceError> {
    if b.fields.purpose != Purpose::ReReview || b.fields.rules.overdue_rule.is_none() {
        return Ok(Vec::new());
    }
    // Returned ones too: a return not sent back by then is no submission either.
    Ok(store::applications_in(services.store(), b.id, &[Status::Draft, Status::Returned, Status::Correcting]).await?)
}

/// Marks unsent re-reviews overdue (逾期未报) as the batch moves on, each on its timeline, and
/// (`tell`) tells each holder what the batch's rule will do (the conclusion tells them what it
/// did instead). Returns the applications as marked.
async fn mark_overdue(
    tx: &Work,
    b: &Batch,
    unsent: &[Application],
    caller: &Principal,
    now: chrono::DateTime<chrono::Utc>,
    tell: bool,
) -> Result<Vec<Application>, ServiceError> {
    let mut out = Vec::with_capacity(unsent.len());
    for a in unsent {
        let to = core::transition(a.status, Action::MarkOverdue)
            .map_err(|_| ServiceError::Conflict { key: "recognition.illegal" })?;
        let event = Event {
            from: a.status,
            to,
            action: Action::MarkOverdue.code().to_owned(),
            comment: String::new(),
            actor: caller.username.clone(),
            at: now,
        };
        if !store::move_application(tx, a.id, &event, None).await? {
            return Err(ServiceError::Conflict { key: "recognition.changed_meanwhile" });
        }
        if let (true, Some(rule)) = (tell, b.fields.rules.overdue_rule) {
            let note = Note {
                kind: MessageKind::Decided,
                key: "recognition.msg.overdue",
                args: vec![("batch", b.fields.name.clone()), ("rule", rule.code().to_owned())],
                href: format!("/recognition/applications/{}", a.id),
                once: None,
            };
            notification::send(tx, now, &[Audience::OrgAdmins(a.organization)], &note).await?;
        }
        out.push(Application { status: to, ..a.clone() });
    }
    Ok(out)
}

/// Refuses to move a batch on while applications still wait for a district or city decision
/// (submitted, recommended, or checked but not yet verified where a verification is required):
/// they would be left behind. Drafts and applications returned and not resubmitted are left.
async fn stragglers(services: &Services, b: &Batch) -> Result<(), ServiceError> {
    let mut waiting = vec![Status::Submitted, Status::Recommended];
    if b.fields.rules.onsite_required {
        waiting.push(Status::Checked);
    }
    let n = store::applications_in(services.store(), b.id, &waiting).await?.len();
    if n > 0 {
        return Err(ServiceError::Invalid { key: "recognition.pending_decisions", args: vec![("n", n.to_string())] });
    }
    Ok(())
}

/// Concludes a batch. With expert review: once the review campaign's final list is out,
/// applications whose item reached the pass score are recognized and the others are not.
/// Without (a batch with no rubric, as for district-level recognitions): every application
/// that passed the formal check is recognized. Certificates are valid for the rules' years
/// (`recognition.manage`). Returns how many were recognized.
pub async fn conclude(services: &Services, caller: &Principal, id: i32, ip: &str) -> Result<usize, ServiceError> {
    if !actions(services, caller).city {
        return Err(ServiceError::Forbidden);
    }
    let b = load_batch(services, id).await?;
    if b.status == BatchStatus::Concluded {
        return Err(ServiceError::Conflict { key: "recognition.concluded_already" });
    }
    // Per application: the expert score (None without review or without sheets) and whether it
    // was decided by review at all.
    let mut scores: BTreeMap<i32, Option<f64>> = BTreeMap::new();
    let unsent = unsent_re_reviews(services, &b).await?;
    if !unsent.is_empty() && accepting(services, &b) {
        return Err(ServiceError::Conflict { key: "recognition.re_review_intake_open" });
    }
    let already_overdue = if b.fields.purpose == Purpose::ReReview {
        store::applications_in(services.store(), id, &[Status::Overdue]).await?
    } else {
        Vec::new()
    };
    let ready_apps =
        store::applications_in(services.store(), id, core::ready_for_decision(b.fields.rules.onsite_required)).await?;
    let decided = match (b.campaign, b.fields.rubric) {
        // A notice without expert review: recognized unless an upheld objection withdrew it.
        (Some(campaign), None) => {
            let withdrawn = crate::review::linked::withdrawn(services, campaign)
                .await?
                .ok_or(ServiceError::Conflict { key: "recognition.notice_not_final" })?;
            let apps = store::applications_in(services.store(), id, &[Status::OnNotice]).await?;
            for a in &apps {
                let out = a.item.is_some_and(|i| withdrawn.contains(&i));
                scores.insert(a.id, if out { None } else { Some(100.0) });
            }
            apps
        }
        (Some(campaign), Some(_)) => {
            let by_item = crate::review::linked::final_scores(services, campaign)
                .await?
                .ok_or(ServiceError::Conflict { key: "recognition.review_not_final" })?;
            let apps = store::applications_in(services.store(), id, &[Status::InReview]).await?;
            for a in &apps {
                scores.insert(a.id, a.item.and_then(|i| by_item.get(&i).copied()).flatten());
            }
            apps
        }
        // A re-review none of whose holders sent anything concludes on the overdue rule
        // alone; anything sent goes to the experts first.
        (None, Some(_)) if ready_apps.is_empty() && !(unsent.is_empty() && already_overdue.is_empty()) => {
            stragglers(services, &b).await?;
            Vec::new()
        }
        (None, Some(_)) => return Err(ServiceError::Conflict { key: "recognition.not_in_review" }),
        (None, None) if b.fields.rules.publicity_required && !ready_apps.is_empty() => {
            return Err(ServiceError::Conflict { key: "recognition.notice_first" });
        }
        (None, None) => {
            stragglers(services, &b).await?;
            for a in &ready_apps {
                scores.insert(a.id, Some(100.0));
            }
            ready_apps
        }
    };
    if decided.is_empty() && unsent.is_empty() && already_overdue.is_empty() {
        return Err(ServiceError::Conflict { key: "recognition.nothing_checked" });
    }
    let t = services.today();
    let until = core::valid_until(t, b.fields.rules.validity_years);
    let now = services.now();
    let tx = Work::begin(services).await?;
    let mut granted = Vec::new();
    let mut revoked = Vec::new();
    let mut overdue = mark_overdue(&tx, &b, &unsent, caller, now, false).await?;
    overdue.extend(already_overdue);
    let mut rectified = Vec::new();
    for a in &overdue {
        let (Some(r), Some(outcome)) = (a.recognition, b.fields.rules.overdue_rule) else { continue };
        let action = if outcome == Outcome::Rectify { Action::OrderRectification } else { Action::Decline };
        let to =
            core::transition(a.status, action).map_err(|_| ServiceError::Conflict { key: "recognition.illegal" })?;
        if outcome == Outcome::Rectify {
            let until = t.checked_add_months(chrono::Months::new(b.fields.rules.rectify_months));
            store::set_standing(&tx, r, Standing::Rectifying, None, until, now).await?;
        } else {
            store::set_standing(&tx, r, Standing::Revoked, None, None, now).await?;
            let why = store::Revocation {
                cause: core::RevocationCause::Overdue.code().to_owned(),
                batch: b.fields.name.clone(),
                score: None,
                line: String::new(),
            };
            store::set_revocation(&tx, r, t, &why).await?;
        }
        let certificate = store::get_recognition(&tx, r).await?.map(|rec| rec.certificate).unwrap_or_default();
        if outcome == Outcome::Revoke {
            revoked.push(certificate.clone());
        } else {
            rectified.push(certificate.clone());
        }
        let event = Event {
            from: a.status,
            to,
            action: action.code().to_owned(),
            comment: certificate,
            actor: caller.username.clone(),
            at: now,
        };
        if !store::move_application(&tx, a.id, &event, None).await? {
            return Err(ServiceError::Conflict { key: "recognition.changed_meanwhile" });
        }
        let note = Note {
            kind: MessageKind::Decided,
            key: "recognition.msg.overdue_decided",
            args: vec![("batch", b.fields.name.clone()), ("rule", outcome.code().to_owned())],
            href: format!("/recognition/applications/{}", a.id),
            once: None,
        };
        notification::send(&tx, now, &[Audience::OrgAdmins(a.organization)], &note).await?;
    }
    for a in &decided {
        let score = scores.get(&a.id).copied().flatten();
        let outcome = core::outcome(b.fields.purpose, score, &b.fields.rules);
        let action = match outcome {
            Outcome::Renew => Action::Recognize,
            Outcome::Rectify => Action::OrderRectification,
            Outcome::Revoke => Action::Decline,
        };
        let to =
            core::transition(a.status, action).map_err(|_| ServiceError::Conflict { key: "recognition.illegal" })?;
        let mut comment = String::new();
        match (b.fields.purpose, a.recognition) {
            (Purpose::Recognition, _) if outcome == Outcome::Renew => {
                let grant = store::Grant {
                    organization: a.organization,
                    kind: b.fields.kind,
                    granted_on: t,
                    valid_until: until,
                    batch: Some(id),
                    application: Some(a.id),
                };
                let number = store::grant(&tx, &grant, now).await?;
                comment = number.clone();
                granted.push(number);
            }
            (Purpose::ReReview, Some(r)) => {
                let (standing, valid, rectify) = match outcome {
                    Outcome::Renew => (Standing::Valid, Some(until), None),
                    Outcome::Rectify => (
                        Standing::Rectifying,
                        None,
                        t.checked_add_months(chrono::Months::new(b.fields.rules.rectify_months)),
                    ),
                    Outcome::Revoke => (Standing::Revoked, None, None),
                };
                store::set_standing(&tx, r, standing, valid, rectify, now).await?;
                if outcome == Outcome::Revoke {
                    // Without experts the only way to fail a notice is an upheld objection.
                    let cause = if b.fields.rubric.is_none() {
                        core::RevocationCause::ObjectionUpheld
                    } else {
                        core::RevocationCause::Score
                    };
                    let why = store::Revocation {
                        cause: cause.code().to_owned(),
                        batch: b.fields.name.clone(),
                        score: score.map(|s| format!("{s:.2}")),
                        line: b.fields.rules.rectify_score.to_string(),
                    };
                    store::set_revocation(&tx, r, t, &why).await?;
                }
                if let Some(rec) = store::get_recognition(&tx, r).await? {
                    comment = rec.certificate.clone();
                    match outcome {
                        Outcome::Renew => granted.push(rec.certificate),
                        Outcome::Revoke => revoked.push(rec.certificate),
                        Outcome::Rectify => rectified.push(rec.certificate),
                    }
                }
            }
            _ => {}
        }
        let event = Event {
            from: a.status,
            to,
            action: action.code().to_owned(),
            comment,
            actor: caller.username.clone(),
            at: now,
        };
        if !store::move_application(&tx, a.id, &event, None).await? {
            return Err(ServiceError::Conflict { key: "recognition.changed_meanwhile" });
        }
        let key = if to == Status::Recognized { "recognition.msg.recognized" } else { "recognition.msg.decided" };
        let note = Note {
            kind: MessageKind::Decided,
            key,
            args: vec![("batch", b.fields.name.clone())],
            href: format!("/recognition/applications/{}", a.id),
            once: None,
        };
        notification::send(&tx, now, &[Audience::OrgAdmins(a.organization)], &note).await?;
    }
    store::set_batch_status(&tx, id, BatchStatus::Concluded, None, now).await?;
    let change = Change {
        action: "recognition.conclude",
        target_type: "recognition_batch",
        target_id: id.to_string(),
        before: json!({"status": b.status}),
        after: json!({"status": BatchStatus::Concluded.code(), "granted_or_renewed": granted, "revoked": revoked, "decided": decided.len(),
            "overdue": overdue.len(), "rectified": rectified}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(granted.len())
}

/// A certificate as anyone may verify it.
#[derive(Debug, Clone)]
pub struct Certificate {
    /// The recognition.
    pub recognition: Recognition,
    /// Standing today.
    pub standing: Standing,
    /// Holder's name.
    pub organization: String,
}

/// Verifies a certificate number (public).
pub async fn certificate(services: &Services, number: &str) -> Result<Certificate, ServiceError> {
    let number = number.trim();
    let r = if number.len() <= 32 { store::by_certificate(services.store(), number).await? } else { None };
    let r = r.ok_or(ServiceError::NotFound { key: "recognition.no_certificate" })?;
    let names = sheji_store::registry::names(services.store(), &BTreeSet::from([r.organization])).await?;
    Ok(Certificate {
        standing: r.standing.on(r.valid_until, services.today()),
        organization: names.get(&r.organization).cloned().unwrap_or_default(),
        recognition: r,
    })
}

/// Recognitions by filter, with holders' names (public: the register is published).
pub async fn recognitions(
    services: &Services,
    filter: &RecognitionFilter,
    page: PageRequest,
) -> Result<Page<Certificate>, ServiceError> {
    // Every organization's page lists its recognitions: kept like the directory's pages.
    services.kept_page(format!("recognitions {filter:?} {page:?}"), || read_recognitions(services, filter, page)).await
}

/// [`recognitions`] read afresh, for loops over every page (an export, the reminders): they
/// would push the pages people open out of the node's memory, and each page must be current.
async fn read_recognitions(
    services: &Services,
    filter: &RecognitionFilter,
    page: PageRequest,
) -> Result<Page<Certificate>, ServiceError> {
    let p = store::list_recognitions(services.store(), filter, page).await?;
    let names =
        sheji_store::registry::names(services.store(), &p.items.iter().map(|r| r.organization).collect()).await?;
    let t = services.today();
    let items = p
        .items
        .into_iter()
        .map(|r| Certificate {
            standing: r.standing.on(r.valid_until, t),
            organization: names.get(&r.organization).cloned().unwrap_or_default(),
            recognition: r,
        })
        .collect();
    Ok(Page::new(items, page, p.total))
}

/// Recognitions the caller should renew or re-review soon: in force and ending within the
/// first reminder distance (90 days) — the organization's own for its administrator, the
/// districts' for branch staff, all for the city. The page marks the 90- and 30-day points.
pub async fn expiring(services: &Services, caller: &Principal) -> Result<Vec<(Certificate, i64)>, ServiceError> {
    let now = services.now();
    let t = services.today();
    let horizon = t + chrono::Duration::days(core::REMINDER_DAYS[0]);
    let review = caller.scope(Permission::RecognitionReview, now);
    let own = caller.scope(Permission::RegistryEdit, now).organizations.into_iter().next();
    let filter = if review.all || caller.can(Permission::RecognitionManage, now) {
        RecognitionFilter { expiring: Some((t, horizon)), ..RecognitionFilter::default() }
    } else if !review.districts.is_empty() {
        RecognitionFilter {
            districts: Some(review.districts.iter().copied().collect()),
            expiring: Some((t, horizon)),
            ..RecognitionFilter::default()
        }
    } else if let Some(org) = own {
        RecognitionFilter { organization: Some(org), expiring: Some((t, horizon)), ..RecognitionFilter::default() }
    } else {
        return Ok(Vec::new());
    };
    let page = recognitions(services, &filter, PageRequest::new(Some(1), Some(50))).await?;
    Ok(page
        .items
        .into_iter()
        .map(|c| {
            let left = (c.recognition.valid_until - t).num_days();
            (c, left)
        })
        .collect())
}

/// Reminds holders and their district of recognitions expiring in 90 and in 30 days (a daily
/// job); each reminder goes out once per recognition and day count. How many were written.
pub async fn remind_expiring(services: &Services) -> Result<u64, ServiceError> {
    let t = services.today();
    let mut written = 0;
    for days in core::REMINDER_DAYS {
        let day = t + chrono::Duration::days(days);
        let filter = RecognitionFilter { expiring: Some((day, day)), ..RecognitionFilter::default() };
        let mut page = 1;
        loop {
            let found = read_recognitions(services, &filter, PageRequest::new(Some(page), Some(200))).await?;
            let tx = services.store().begin().await?;
            for c in &found.items {
                let r = &c.recognition;
                if !matches!(c.standing, Standing::Valid | Standing::Rectifying) {
                    continue;
                }
                let district = sheji_store::registry::library::find_state_by_id(&tx, r.organization)
                    .await?
                    .map(|s| s.fields.district_id);
                let mut to = vec![Audience::OrgAdmins(r.organization)];
                to.extend(district.map(Audience::DistrictStaff));
                let note = Note {
                    kind: MessageKind::Expiring,
                    key: "recognition.msg.expiring",
                    args: vec![
                        ("certificate", r.certificate.clone()),
                        ("organization", c.organization.clone()),
                        ("days", days.to_string()),
                        ("until", r.valid_until.to_string()),
                    ],
                    href: format!("/certificates/{}", r.certificate),
                    once: Some(format!("expiring:{}:{days}", r.id)),
                };
                written += notification::send(&tx, services.now(), &to, &note).await?;
            }
            tx.commit().await?;
            if found.items.len() < 200 {
                break;
            }
            page += 1;
        }
    }
    Ok(written)
}

/// Tells the city, once a month per tier, how many recognitions fall due for re-review (复核)
/// within the first reminder distance and are not yet taken up by an open re-review batch
/// (a daily job). How many messages were written.
pub async fn remind_re_reviews(services: &Services) -> Result<u64, ServiceError> {
    use chrono::Datelike;
    let t = services.today();
    let horizon = t + chrono::Duration::days(core::REMINDER_DAYS[0]);
    let open_batches = store::list_batches(services.store(), PageRequest::new(Some(1), Some(200))).await?;
    let mut written = 0;
    for kind in Kind::ALL {
        let covered = open_batches.items.iter().any(|b| {
            // A cancelled re-review covers nothing: its recognitions are still due.
            b.fields.kind == kind
                && b.fields.purpose == Purpose::ReReview
                && matches!(b.status, BatchStatus::Open | BatchStatus::InReview)
        });
        if covered {
            continue;
        }
        let filter =
            RecognitionFilter { kind: Some(kind), expiring: Some((t, horizon)), ..RecognitionFilter::default() };
        let due = store::list_recognitions(services.store(), &filter, PageRequest::new(Some(1), Some(1))).await?.total;
        if due == 0 {
            continue;
        }
        let note = Note {
            kind: MessageKind::Expiring,
            key: "recognition.msg.re_review_due",
            args: vec![
                ("n", due.to_string()),
                ("kind", kind.code().to_owned()),
                ("days", core::REMINDER_DAYS[0].to_string()),
            ],
            href: format!("/admin/recognition/new?kind={}&purpose=re_review", kind.code()),
            once: Some(format!("re_review_due:{}:{}-{:02}", kind.code(), t.year(), t.month())),
        };
        let tx = services.store().begin().await?;
        written += notification::send(
            &tx,
            services.now(),
            &[
                Audience::Role(sheji_core::identity::Role::CityOfficer),
                Audience::Role(sheji_core::identity::Role::HqStaff),
            ],
            &note,
        )
        .await?;
        tx.commit().await?;
    }
    Ok(written)
}

/// Whether the caller may export the register: city staff and branch staff.
pub fn may_export(caller: &Principal, now: chrono::DateTime<chrono::Utc>) -> bool {
    caller.can(Permission::RecognitionManage, now)
        || !caller.scope(Permission::RecognitionReview, now).districts.is_empty()
}

/// The register as a workbook: every recognition the filter selects, with its holder's
/// district (city staff, and branch staff through their `recognition.review` districts).
pub async fn register_xlsx(
    services: &Services,
    caller: &Principal,
    filter: &RecognitionFilter,
    lang: sheji_core::i18n::Lang,
) -> Result<Vec<u8>, ServiceError> {
    use rust_xlsxwriter::{Format, Workbook};
    let now = services.now();
    if !may_export(caller, now) {
        return Err(ServiceError::Forbidden);
    }
    let xl = |e: rust_xlsxwriter::XlsxError| ServiceError::Invalid {
        key: "import.unreadable",
        args: vec![("detail", e.to_string())],
    };
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = book.add_worksheet().set_name(lang.t("nav.recognitions")).map_err(xl)?;
    let heads = [
        "recognition.certificate_no",
        "review.organization",
        "org.district",
        "recognition.kind",
        "recognition.granted_on",
        "recognition.valid_until",
        "review.status",
    ];
    for (i, h) in heads.iter().enumerate() {
        sheet.write_string_with_format(0, i as u16, lang.t(h), &bold).map_err(xl)?;
    }
    let districts: BTreeMap<DistrictId, String> = sheji_store::reference::list_active_districts(services.store())
        .await?
        .into_iter()
        .map(|d| (d.id, d.name))
        .collect();
    let mut row = 1u32;
    let mut page = 1;
    loop {
        let p = read_recognitions(services, filter, PageRequest::new(Some(page), Some(200))).await?;
        for c in &p.items {
            let district =
                sheji_store::registry::library::find_state_by_id(services.store(), c.recognition.organization)
                    .await?
                    .and_then(|s| districts.get(&s.fields.district_id).cloned())
                    .unwrap_or_default();
            let cells = [
                c.recognition.certificate.clone(),
                c.organization.clone(),
                district,
                lang.t(&format!("recognition.kind.{}", c.recognition.kind.code())).to_owned(),
                c.recognition.granted_on.to_string(),
                c.recognition.valid_until.to_string(),
                lang.t(&format!("recognition.standing.{}", c.standing.code())).to_owned(),
            ];
            for (i, v) in cells.iter().enumerate() {
                sheet.write_string(row, i as u16, v).map_err(xl)?;
            }
            row += 1;
        }
        if page >= p.page_count() {
            break;
        }
        page += 1;
    }
    book.save_to_buffer().map_err(xl)
}

/// The default rules of a kind, for the batch form.
pub fn default_rules(kind: Kind) -> Rules {
    Rules::default_for(kind)
}

/// Owner type of files attached to applications.
const OWNER: &str = "recognition_application";

/// Attaches a PDF to an application the caller is filling in.
pub async fn attach(
    services: &Services,
    caller: &Principal,
    id: i32,
    document: Option<usize>,
    name: &str,
    bytes: &[u8],
    ip: &str,
) -> Result<i32, ServiceError> {
    let v = view(services, caller, id).await?;
    if !v.editable {
        return Err(ServiceError::Conflict { key: "recognition.not_editable" });
    }
    if document.is_some_and(|i| i >= v.batch.fields.rules.required_documents.len()) {
        return Err(ServiceError::Fields(vec![FieldError::new("document", "recognition.document_unknown")]));
    }
    let kind = file_rules::check(bytes, &[FileKind::Pdf])
        .map_err(|e| ServiceError::Fields(vec![FieldError::new("file", e.key())]))?;
    let purpose = document.map_or_else(|| "attachment".to_owned(), document_purpose);
    store_file(services, caller, id, &purpose, name, kind, bytes, ip).await
}

#[allow(clippy::too_many_arguments)]
async fn store_file(
    services: &Services,
    caller: &Principal,
    id: i32,
    purpose: &str,
    name: &str,
    kind: FileKind,
    bytes: &[u8],
    ip: &str,
) -> Result<i32, ServiceError> {
    let files = services.files()?;
    let key = crate::crypto::file_key().map_err(ServiceError::internal)?;
    let name = file_rules::display_name(name);
    let now = services.now();
    let tx = Work::begin(services).await?;
    let meta = sheji_store::files::NewFile {
        owner_type: OWNER,
        owner_id: id,
        purpose,
        name: &name,
        content_type: kind.content_type(),
        uploaded_by: &caller.username,
    };
    let file = files.put(&tx, &meta, &key, bytes, now).await?;
    let change = Change {
        action: "recognition.file_upload",
        target_type: "recognition_application",
        target_id: id.to_string(),
        before: serde_json::Value::Null,
        after: json!({"file": file, "purpose": purpose, "name": name, "bytes": bytes.len()}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(file)
}

/// A stored file of an application, for whoever may see the application (404 otherwise).
pub async fn file(services: &Services, caller: &Principal, file: i32) -> Result<(StoredFile, Vec<u8>), ServiceError> {
    let f = sheji_store::files::get(services.store(), file)
        .await?
        .filter(|f| f.owner_type == OWNER)
        .ok_or(ServiceError::NotFound { key: "files.not_found" })?;
    let v = view(services, caller, f.owner_id).await.map_err(|_| ServiceError::NotFound { key: "files.not_found" })?;
    let bytes = services.files()?.read(&f).await?;
    // A blind reader gets the file under the number the page showed, not its uploaded name.
    let f = v.files.into_iter().find(|shown| shown.id == f.id).unwrap_or(f);
    Ok((f, bytes))
}

/// Records the on-site verification (district or city staff, after the formal check): every
/// point passed moves the application on; otherwise it goes back for correction with the
/// conclusion as the reason. Photos (JPEG or PNG) are kept with it.
pub async fn inspect(
    services: &Services,
    caller: &Principal,
    id: i32,
    inspection: &Inspection,
    photos: &[(String, Vec<u8>)],
    ip: &str,
) -> Result<Status, ServiceError> {
    let v = view(services, caller, id).await?;
    if !v.can_inspect {
        return Err(if core::transition(v.application.status, Action::Inspect).is_err() {
            ServiceError::Conflict { key: "recognition.illegal" }
        } else {
            ServiceError::Forbidden
        });
    }
    let inspection = Inspection {
        items: inspection.items.iter().map(|(p, n)| (*p, clip(n, 1_000))).collect(),
        conclusion: clip(&inspection.conclusion, 5_000),
        on: inspection.on,
    };
    if inspection.items.len() != core::INSPECTION_ITEMS.len() || inspection.conclusion.is_empty() {
        return Err(ServiceError::Fields(vec![FieldError::new("conclusion", "recognition.inspection_incomplete")]));
    }
    if photos.is_empty() {
        return Err(ServiceError::Fields(vec![FieldError::new("photos", "recognition.photos_required")]));
    }
    let mut kinds = Vec::with_capacity(photos.len());
    for (_, bytes) in photos {
        kinds.push(
            file_rules::check(bytes, &[FileKind::Jpeg, FileKind::Png])
                .map_err(|e| ServiceError::Fields(vec![FieldError::new("photos", e.key())]))?,
        );
    }
    for ((name, bytes), kind) in photos.iter().zip(kinds) {
        store_file(services, caller, id, "inspection", name, kind, bytes, ip).await?;
    }
    let action = if inspection.passed() { Action::Inspect } else { Action::Return };
    let from = v.application.status;
    let to = core::transition(from, action).map_err(|_| ServiceError::Conflict { key: "recognition.illegal" })?;
    let now = services.now();
    let tx = Work::begin(services).await?;
    store::set_inspection(&tx, id, &inspection, now).await?;
    let event = Event {
        from,
        to,
        action: action.code().to_owned(),
        comment: inspection.conclusion.clone(),
        actor: caller.username.clone(),
        at: now,
    };
    if !store::move_application(&tx, id, &event, None).await? {
        return Err(ServiceError::Conflict { key: "recognition.changed_meanwhile" });
    }
    if to == Status::Correcting {
        let note = Note {
            kind: MessageKind::Returned,
            key: "recognition.msg.correcting",
            args: vec![("batch", v.batch.fields.name.clone()), ("comment", inspection.conclusion.clone())],
            href: format!("/recognition/applications/{id}"),
            once: None,
        };
        notification::send(&tx, now, &[Audience::OrgAdmins(v.application.organization)], &note).await?;
    }
    let change = Change {
        action: "recognition.inspect",
        target_type: "recognition_application",
        target_id: id.to_string(),
        before: json!({"status": from.code()}),
        after: json!({"status": to.code(), "passed": inspection.passed(), "photos": photos.len()}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(to)
}

/// A checklist condition in `lang`: its message with the tiers or years it requires.
pub fn check_label(lang: sheji_core::i18n::Lang, key: &str, required: &str) -> String {
    let kinds: Vec<String> = required
        .split(',')
        .filter(|x| !x.is_empty())
        .map(|c| match Kind::parse(c) {
            Some(k) => lang.t(&format!("recognition.kind.{}", k.code())).to_owned(),
            None => lang.t("recognition.library").to_owned(),
        })
        .collect();
    lang.tf(key, &[("required", required), ("tiers", &kinds.join(lang.t("recognition.or")))])
}

/// How many recognitions each organization holds in force today (capability evidence, which
/// matchmaking weighs; recognitions are public).
pub async fn in_force_counts(services: &Services) -> Result<BTreeMap<OrganizationId, u32>, ServiceError> {
    Ok(store::in_force_counts(services.store(), services.today()).await?)
}
