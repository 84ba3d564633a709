//! The design-driven library: an organization's eligibility checklist against the
//! administrator's criteria, its status with history, and the staff actions that move it.

use crate::work::Work;
use serde_json::json;
use sheji_core::identity::{Permission, Principal};
use sheji_core::ids::OrganizationId;
use sheji_core::notification::MessageKind;
use sheji_core::registry::{
    CheckItem, Indicators, LibraryAction, LibraryApplicationStatus, LibraryCriteria, LibraryDecision, LibraryStatus,
    library_transition,
};
use sheji_store::identity as settings_store;
use sheji_store::registry::library::{self as store, LibraryEvent};

use crate::audit::{Actor, Change};
use crate::notification::{Audience, Note};
use crate::{FieldError, ServiceError, Services};

/// The longest comment on a library decision (the organization reads it).
pub const LIBRARY_COMMENT_MAX: usize = 500;

/// Setting: the library criteria (JSON).
pub const SETTING_CRITERIA: &str = "library.criteria";

/// The criteria in force.
pub async fn criteria(services: &Services) -> Result<LibraryCriteria, ServiceError> {
    Ok(settings_store::get_setting(services.store(), SETTING_CRITERIA)
        .await?
        .and_then(|v| serde_json::from_str(&v).ok())
        .unwrap_or_default())
}

/// Changes the criteria (administrators).
pub async fn set_criteria(
    services: &Services,
    caller: &Principal,
    new: LibraryCriteria,
    ip: &str,
) -> Result<(), ServiceError> {
    let now = services.now();
    if !caller.can(Permission::SettingsEdit, now) {
        return Err(ServiceError::Forbidden);
    }
    let mut errors = Vec::new();
    if new.min_design_investment.is_nan() || new.min_design_investment < 0.0 || new.min_design_investment.is_infinite()
    {
        errors.push(FieldError::new("min_design_investment", "indicator.negative"));
    }
    if !(1..=5).contains(&new.years) {
        errors.push(FieldError::new("years", "library.years_range"));
    }
    if new.min_design_staff < 0
        || new.min_design_patents < 0
        || new.min_new_product_sales.is_nan()
        || new.min_new_product_sales < 0.0
    {
        errors.push(FieldError::new("min_design_staff", "indicator.negative"));
    }
    if !errors.is_empty() {
        return Err(ServiceError::Fields(errors));
    }
    let before = criteria(services).await?;
    let tx = Work::begin(services).await?;
    settings_store::put_setting(&tx, SETTING_CRITERIA, &json!(new).to_string(), now).await?;
    let change = Change {
        action: "settings.library_criteria",
        target_type: "setting",
        target_id: SETTING_CRITERIA.to_owned(),
        before: json!(before),
        after: json!(new),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    services.registry_written().await;
    Ok(())
}

/// What the library tab of an organization shows.
#[derive(Debug, Clone)]
pub struct LibraryView {
    /// Where it stands.
    pub status: LibraryStatus,
    /// The criteria with the figures that pass or fail them.
    pub checklist: Vec<CheckItem>,
    /// Its history, newest first.
    pub history: Vec<LibraryEvent>,
    /// The actions the caller may take now.
    pub actions: Vec<LibraryAction>,
    /// Its figures by year, oldest first.
    pub indicators: Vec<(i32, Indicators)>,
    /// The same years with who entered them, how, when, and the district's confirmation.
    pub records: Vec<store::FiguresRecord>,
    /// Whether the caller may confirm figures (an officer of its district, or the city).
    pub can_confirm: bool,
}

/// The library tab: private data, so the caller's `registry.read_private` scope must reach
/// the organization (404 otherwise).
pub async fn view(services: &Services, caller: &Principal, id: OrganizationId) -> Result<LibraryView, ServiceError> {
    let now = services.now();
    let org = super::get_private(services, caller, id).await?;
    let records = store::list_figure_records(services.store(), id).await?;
    let indicators: Vec<(i32, Indicators)> = records.iter().map(|r| (r.year, r.figures)).collect();
    let checklist = sheji_core::registry::library_checklist(&criteria(services).await?, &indicators);
    let status = org.public.library_status;
    let can_decide = caller.scope(Permission::LibraryDecide, now).covers(Some(org.public.district_id), None);
    let actions = if can_decide {
        [LibraryAction::Propose, LibraryAction::Admit, LibraryAction::Return, LibraryAction::Remove]
            .into_iter()
            .filter(|a| library_transition(status, *a).is_ok())
            .collect()
    } else {
        Vec::new()
    };
    Ok(LibraryView {
        status,
        checklist,
        history: store::list_library_events(services.store(), id).await?,
        actions,
        indicators,
        records,
        can_confirm: can_decide,
    })
}

/// Moves an organization through the library workflow. Staff whose `registry.edit` scope
/// reaches its district may act; a removal needs a reason. An illegal step is an error.
pub async fn act(
    services: &Services,
    caller: &Principal,
    id: OrganizationId,
    action: LibraryAction,
    reason: &str,
    ip: &str,
) -> Result<LibraryStatus, ServiceError> {
    let now = services.now();
    let org = super::get_private(services, caller, id).await?;
    // District staff decide; an organization's own administrator cannot admit itself.
    if !caller.scope(Permission::LibraryDecide, now).covers(Some(org.public.district_id), None) {
        return Err(ServiceError::Forbidden);
    }
    let from = org.public.library_status;
    let to = library_transition(from, action).map_err(|_| ServiceError::Conflict { key: "library.illegal" })?;
    let reason = reason.trim();
    if action == LibraryAction::Remove && reason.is_empty() {
        return Err(ServiceError::Fields(vec![FieldError::new("reason", "library.reason_required")]));
    }
    let tx = Work::begin(services).await?;
    let event =
        LibraryEvent { from, to, reason: reason.chars().take(500).collect(), actor: caller.username.clone(), at: now };
    store::set_library_status(&tx, id, &event).await?;
    let change = Change {
        action: "library.status",
        target_type: "organization",
        target_id: id.to_string(),
        before: json!({"library_status": from.code()}),
        after: json!({"library_status": to.code(), "action": action.code(), "reason": event.reason}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    services.registry_written().await;
    Ok(to)
}

/// What a bulk admission did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BulkAdmission {
    /// Organizations admitted.
    pub admitted: u64,
    /// Left out because the checklist fails, with their names: the page names them.
    pub not_eligible: Vec<(OrganizationId, String)>,
    /// Left out because out of the caller's scope or in a status that cannot be admitted.
    pub refused: Vec<OrganizationId>,
}

/// Admits several organizations at once (from a filtered list), each only if it passes the
/// library checklist, as one admitted by hand would be shown to.
pub async fn admit_many(
    services: &Services,
    caller: &Principal,
    ids: &[OrganizationId],
    ip: &str,
) -> Result<BulkAdmission, ServiceError> {
    let criteria = criteria(services).await?;
    let mut out = BulkAdmission::default();
    for id in ids {
        let org = match super::get_private(services, caller, *id).await {
            Ok(org) => org,
            Err(ServiceError::NotFound { .. } | ServiceError::Forbidden) => {
                out.refused.push(*id);
                continue;
            }
            Err(e) => return Err(e),
        };
        let indicators = store::list_indicators(services.store(), *id).await?;
        if sheji_core::registry::library_checklist(&criteria, &indicators).iter().any(|c| !c.passed) {
            out.not_eligible.push((*id, org.public.name));
            continue;
        }
        match act(services, caller, *id, LibraryAction::Admit, "", ip).await {
            Ok(_) => out.admitted += 1,
            Err(ServiceError::Conflict { .. } | ServiceError::NotFound { .. } | ServiceError::Forbidden) => {
                out.refused.push(*id)
            }
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

pub use sheji_store::registry::library::Application;

/// Whether the caller administers this organization (an org_admin affiliation in force).
fn administers(caller: &Principal, id: OrganizationId, now: chrono::DateTime<chrono::Utc>) -> bool {
    caller
        .affiliations
        .iter()
        .any(|a| a.in_force(now) && a.role == sheji_core::identity::Role::OrgAdmin && a.organization == Some(id))
}

/// The organization's applications, for its own administrators and for staff who reach it.
pub async fn applications_of(
    services: &Services,
    caller: &Principal,
    id: OrganizationId,
) -> Result<Vec<Application>, ServiceError> {
    super::get_private(services, caller, id).await?;
    Ok(store::list_applications_of(services.store(), id).await?)
}

/// Whether the caller may apply for this organization now (its administrator, status none
/// or removed, no application open).
pub async fn can_apply(
    services: &Services,
    caller: &Principal,
    id: OrganizationId,
    status: LibraryStatus,
) -> Result<bool, ServiceError> {
    if !administers(caller, id, services.now()) || library_transition(status, LibraryAction::Propose).is_err() {
        return Ok(false);
    }
    Ok(!store::list_applications_of(services.store(), id)
        .await?
        .iter()
        .any(|a| a.status == LibraryApplicationStatus::Submitted))
}

/// The organization's administrator applies for the library: the status becomes candidate
/// and the district's staff see the application in their queue.
pub async fn apply(
    services: &Services,
    caller: &Principal,
    id: OrganizationId,
    statement: &str,
    ip: &str,
) -> Result<i32, ServiceError> {
    let now = services.now();
    let org = super::get_private(services, caller, id).await?;
    if !can_apply(services, caller, id, org.public.library_status).await? {
        return Err(ServiceError::Conflict { key: "library.cannot_apply" });
    }
    let statement = statement.trim();
    if statement.chars().count() < 10 || statement.chars().count() > 2000 {
        return Err(ServiceError::Fields(vec![FieldError::new("statement", "library.statement_length")]));
    }
    let tx = Work::begin(services).await?;
    let from = org.public.library_status;
    let event = LibraryEvent {
        from,
        to: LibraryStatus::Candidate,
        reason: String::new(),
        actor: caller.username.clone(),
        at: now,
    };
    // The organization's row is written first so racing submissions queue on its lock. The
    // other order deadlocked on InnoDB: each waiting insert held a shared lock on the row
    // (its foreign key check) that the winner's update then waited for.
    store::set_library_status(&tx, id, &event).await?;
    // The check above read outside the transaction: a second submission racing this one is
    // refused by the database's one-open-application index, with the same message.
    let app_id = match store::create_application(&tx, id, statement, &caller.username, now).await {
        Err(e) if e.is_duplicate() => return Err(ServiceError::Conflict { key: "library.cannot_apply" }),
        other => other?,
    };
    let change = Change {
        action: "library.apply",
        target_type: "organization",
        target_id: id.to_string(),
        before: json!({"library_status": from.code()}),
        after: json!({"library_status": "candidate", "application": app_id}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    services.registry_written().await;
    Ok(app_id)
}

/// An open application as the deciding officer reads it: with the organization's checklist
/// against the library criteria, computed from its figures now.
#[derive(Debug, Clone)]
pub struct QueuedApplication {
    /// The application.
    pub application: Application,
    /// The criteria with the figures that pass or fail them.
    pub checklist: Vec<CheckItem>,
}

/// One page of the decision queue: open applications with their checklists.
pub async fn queue(
    services: &Services,
    caller: &Principal,
    page: sheji_core::page::PageRequest,
) -> Result<sheji_core::page::Page<QueuedApplication>, ServiceError> {
    let page = open_applications(services, caller, page).await?;
    let criteria = criteria(services).await?;
    // Every applicant's figures in one read, each in year order as the checklist expects.
    let orgs: Vec<OrganizationId> = page.items.iter().map(|a| a.organization).collect();
    let mut figures = store::indicators_of(services.store(), &orgs).await?;
    let mut items = Vec::with_capacity(page.items.len());
    for application in &page.items {
        let mut indicators = figures.remove(&application.organization).unwrap_or_default();
        indicators.sort_by_key(|(year, _)| *year);
        let checklist = sheji_core::registry::library_checklist(&criteria, &indicators);
        items.push(QueuedApplication { application: application.clone(), checklist });
    }
    Ok(sheji_core::page::Page { items, page: page.page, per_page: page.per_page, total: page.total })
}

/// Open applications of the organizations the caller's `registry.edit` scope reaches.
pub async fn open_applications(
    services: &Services,
    caller: &Principal,
    page: sheji_core::page::PageRequest,
) -> Result<sheji_core::page::Page<Application>, ServiceError> {
    let scope = caller.scope(Permission::LibraryDecide, services.now());
    if scope.is_none() {
        return Err(ServiceError::Forbidden);
    }
    Ok(store::list_open_applications(services.store(), &scope, page).await?)
}

/// The library work waiting for the caller: applications to decide in their districts.
pub async fn todos(
    services: &Services,
    caller: &Principal,
) -> Result<Vec<sheji_core::notification::Todo>, ServiceError> {
    if caller.scope(Permission::LibraryDecide, services.now()).is_none() {
        return Ok(Vec::new());
    }
    let n = open_applications(services, caller, sheji_core::page::PageRequest::new(Some(1), Some(1))).await?.total;
    Ok((n > 0)
        .then(|| sheji_core::notification::Todo {
            key: "library.todo.applications",
            args: vec![("n", n.to_string())],
            due: None,
            href: "/admin/library/applications".to_owned(),
        })
        .into_iter()
        .collect())
}

/// The district decides an application: admits it, returns it to improve, or rejects it. A
/// return or a rejection needs a comment, which the organization's administrators read in
/// their messages and on the organization's page; the decision is recorded under the
/// deciding officer's name.
pub async fn decide(
    services: &Services,
    caller: &Principal,
    application: i32,
    decision: LibraryDecision,
    comment: &str,
    ip: &str,
) -> Result<(), ServiceError> {
    let now = services.now();
    let app = store::find_application(services.store(), application)
        .await?
        .ok_or(ServiceError::NotFound { key: "library.no_application" })?;
    let org = super::get_private(services, caller, app.organization).await?;
    if !caller.scope(Permission::LibraryDecide, now).covers(Some(org.public.district_id), None) {
        return Err(ServiceError::NotFound { key: "library.no_application" });
    }
    let comment = crate::within("comment", comment, LIBRARY_COMMENT_MAX).map_err(|e| ServiceError::Fields(vec![e]))?;
    let comment = comment.as_str();
    if decision.needs_comment() && comment.is_empty() {
        return Err(ServiceError::Fields(vec![FieldError::new("comment", "library.comment_required")]));
    }
    let to = library_transition(org.public.library_status, decision.library_action())
        .map_err(|_| ServiceError::Conflict { key: "library.illegal" })?;
    let tx = Work::begin(services).await?;
    if !store::decide_application(&tx, application, decision.application_status(), comment, &caller.username, now)
        .await?
    {
        return Err(ServiceError::Conflict { key: "library.already_decided" });
    }
    let event = LibraryEvent {
        from: org.public.library_status,
        to,
        reason: comment.to_owned(),
        actor: caller.username.clone(),
        at: now,
    };
    store::set_library_status(&tx, app.organization, &event).await?;
    let (kind, key) = match decision {
        LibraryDecision::Accept => (MessageKind::Progressed, "library.message.accepted"),
        LibraryDecision::Return => (MessageKind::Returned, "library.message.returned"),
        LibraryDecision::Reject => (MessageKind::Rejected, "library.message.rejected"),
    };
    let note = Note {
        kind,
        key,
        args: vec![("name", org.public.name.clone()), ("comment", comment.to_owned())],
        href: format!("/admin/organizations/{}", app.organization),
        once: None,
    };
    crate::notification::send(&tx, now, &[Audience::OrgAdmins(app.organization)], &note).await?;
    let change = Change {
        action: match decision {
            LibraryDecision::Accept => "library.accept",
            LibraryDecision::Return => "library.return",
            LibraryDecision::Reject => "library.reject",
        },
        target_type: "organization",
        target_id: app.organization.to_string(),
        before: json!({"library_status": org.public.library_status.code(), "application": application}),
        after: json!({"library_status": to.code(), "comment": comment}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    services.registry_written().await;
    Ok(())
}

/// The latest year with new-product sales on record and their sum (万元), for the plan's
/// progress.
pub async fn new_product_sales_total(services: &Services) -> Result<Option<(i32, f64)>, ServiceError> {
    Ok(sheji_store::registry::library::new_product_sales_total(services.store()).await?)
}
