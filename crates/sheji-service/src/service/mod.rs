//! Services to organizations: city staff mark national-cultivation targets and assign each a
//! liaison officer (服务专员); liaison officers and branch staff record the services they give —
//! a design diagnosis with its structured report, policy briefings, matchmaking, training,
//! publicity, standardization. The records appear on the organization's page and, counted by
//! district, are the branches' work.

use crate::work::Work;
use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde_json::json;
use sheji_core::identity::{Permission, Principal, Role};
use sheji_core::ids::{AccountId, DistrictId, OrganizationId};
use sheji_core::page::{Page, PageRequest};
use sheji_core::service::{self as core, Diagnosis, Kind};
use sheji_store::service as store;
pub use sheji_store::service::{Record, Target};

use crate::audit::{Actor, Change};
use crate::clip;
use crate::notification::{Audience, Note};
use crate::{FieldError, ServiceError, Services};
use sheji_core::notification::{MessageKind, Todo};

async fn district_of(services: &Services, org: OrganizationId) -> Result<DistrictId, ServiceError> {
    Ok(sheji_store::registry::library::find_state_by_id(services.store(), org)
        .await?
        .ok_or(ServiceError::NotFound { key: "error.not_found.organization" })?
        .fields
        .district_id)
}

/// Whether the caller is staff whose registry scope reaches the district (branch, HQ, admin).
fn staff_for(services: &Services, caller: &Principal, district: DistrictId) -> bool {
    let scope = caller.scope(Permission::RegistryEdit, services.now());
    scope.all || scope.districts.contains(&district)
}

/// An organization's cultivation and services.
#[derive(Debug, Clone)]
pub struct ServicesView {
    /// The target, with the liaison officer's account: (username, display name).
    pub target: Option<(Target, Option<(String, String)>)>,
    /// Services, newest first.
    pub records: Page<Record>,
    /// The caller may record a service.
    pub can_record: bool,
    /// The caller may mark the target and assign the liaison.
    pub can_mark: bool,
}

/// Who may see an organization's services: staff whose private-registry scope reaches it, its
/// liaison officer, and the organization itself.
async fn may_view(
    services: &Services,
    caller: &Principal,
    org: OrganizationId,
    district: DistrictId,
) -> Result<bool, ServiceError> {
    let now = services.now();
    let scope = caller.scope(Permission::RegistryReadPrivate, now);
    if scope.all || scope.districts.contains(&district) || scope.organizations.contains(&org) {
        return Ok(true);
    }
    is_liaison(services, caller, org).await
}

/// Whether the caller is the organization's liaison officer (and still staff): a liaison
/// follows the organization wherever it is, so may open it outside their own districts.
pub async fn is_liaison(services: &Services, caller: &Principal, org: OrganizationId) -> Result<bool, ServiceError> {
    Ok(is_staff(services, caller)
        && store::target(services.store(), org).await?.is_some_and(|t| t.liaison == Some(caller.account)))
}

/// Whether the caller holds a staff role now: a liaison who has left staff keeps no access.
fn is_staff(services: &Services, caller: &Principal) -> bool {
    caller.roles(services.now()).iter().any(|r| r.is_service_staff())
}

/// An organization's services (404 for callers who may not see them).
pub async fn view(
    services: &Services,
    caller: &Principal,
    org: OrganizationId,
    page: PageRequest,
) -> Result<ServicesView, ServiceError> {
    let district = district_of(services, org).await?;
    if !may_view(services, caller, org, district).await? {
        return Err(ServiceError::NotFound { key: "error.not_found.organization" });
    }
    let target = store::target(services.store(), org).await?;
    let is_liaison = is_staff(services, caller) && target.as_ref().is_some_and(|t| t.liaison == Some(caller.account));
    let staff = is_staff(services, caller);
    let target = match target {
        Some(mut t) => {
            // The note is the city's working note on the target: the organization never reads it.
            if !staff {
                t.note.clear();
            }
            let name = match t.liaison {
                Some(a) => sheji_store::identity::find_account(services.store(), a)
                    .await?
                    .map(|a| (a.username, a.display_name)),
                None => None,
            };
            Some((t, name))
        }
        None => None,
    };
    Ok(ServicesView {
        target,
        records: store::records_of(services.store(), org, page).await?,
        can_record: is_liaison || staff_for(services, caller, district),
        can_mark: caller.can(Permission::RecognitionManage, services.now()),
    })
}

/// Marks an organization as a national-cultivation target and assigns its liaison officer by
/// username (city staff). The liaison must be staff: an administrator, HQ, city or branch.
pub async fn mark_target(
    services: &Services,
    caller: &Principal,
    org: OrganizationId,
    liaison: &str,
    note: &str,
    ip: &str,
) -> Result<(), ServiceError> {
    if !caller.can(Permission::RecognitionManage, services.now()) {
        return Err(ServiceError::Forbidden);
    }
    district_of(services, org).await?;
    let liaison = liaison.trim().to_lowercase();
    let mut account: Option<AccountId> = None;
    if !liaison.is_empty() {
        let a = sheji_store::identity::find_account_by_username(services.store(), &liaison)
            .await?
            .ok_or_else(|| ServiceError::Fields(vec![FieldError::new("liaison", "review.no_such_account")]))?;
        let roles = sheji_store::identity::list_affiliations(services.store(), a.id).await?;
        let staff =
            roles.iter().any(|r| r.affiliation.role.is_service_staff() && r.affiliation.in_force(services.now()));
        if !staff {
            return Err(ServiceError::Fields(vec![FieldError::new("liaison", "service.liaison_staff")]));
        }
        account = Some(a.id);
    }
    let before = store::target(services.store(), org).await?;
    let t = Target {
        organization: org,
        goal: sheji_core::recognition::Kind::NationalCenter.code().to_owned(),
        liaison: account,
        note: clip(note, 2_000),
        marked_by: caller.username.clone(),
    };
    let now = services.now();
    let tx = Work::begin(services).await?;
    store::put_target(&tx, &t, now).await?;
    let change = Change {
        action: "service.target_mark",
        target_type: "organization",
        target_id: org.to_string(),
        before: json!(before.map(|b| json!({"goal": b.goal, "liaison": b.liaison}))),
        after: json!({"goal": t.goal, "liaison": t.liaison, "note": t.note}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(())
}

/// The branch a service recorded by `caller` counts for ([`core::counts_for`]).
fn branch_of(services: &Services, caller: &Principal, org_district: DistrictId) -> DistrictId {
    let now = services.now();
    let branches: Vec<DistrictId> = caller
        .affiliations
        .iter()
        .filter(|a| a.in_force(now) && a.role == Role::BranchStaff)
        .filter_map(|a| a.district)
        .collect();
    core::counts_for(&branches, org_district)
}

/// What a liaison or branch officer enters.
#[derive(Debug, Clone)]
pub struct RecordInput {
    /// Kind.
    pub kind: Kind,
    /// When.
    pub served_on: NaiveDate,
    /// What was done.
    pub summary: String,
    /// The diagnosis report (for a diagnosis).
    pub diagnosis: Option<Diagnosis>,
}

/// Records a service (the organization's liaison officer, or staff whose registry scope reaches
/// its district).
pub async fn record(
    services: &Services,
    caller: &Principal,
    org: OrganizationId,
    input: &RecordInput,
    ip: &str,
) -> Result<i32, ServiceError> {
    let v = view(services, caller, org, PageRequest::new(Some(1), Some(1))).await?;
    if !v.can_record {
        return Err(ServiceError::Forbidden);
    }
    let summary = clip(&input.summary, 5_000);
    let diagnosis = input.diagnosis.as_ref().map(|d| Diagnosis {
        strengths: clip(&d.strengths, 5_000),
        gaps: clip(&d.gaps, 5_000),
        recommendations: clip(&d.recommendations, 5_000),
        follow_up_on: d.follow_up_on,
    });
    let diagnosis = if input.kind == Kind::Diagnosis { diagnosis } else { None };
    core::check(input.kind, input.served_on, &summary, diagnosis.as_ref(), services.today()).map_err(|e| {
        let (field, key) = e.field_key();
        ServiceError::Fields(vec![FieldError::new(field, key)])
    })?;
    let district = district_of(services, org).await?;
    let r = Record {
        id: 0,
        organization: org,
        district,
        branch: branch_of(services, caller, district),
        kind: input.kind,
        served_on: input.served_on,
        summary,
        diagnosis,
        recorded_by: caller.username.clone(),
    };
    let now = services.now();
    let tx = Work::begin(services).await?;
    let id = store::insert_record(&tx, &r, now).await?;
    let change = Change {
        action: "service.record",
        target_type: "organization",
        target_id: org.to_string(),
        before: serde_json::Value::Null,
        after: json!({"record": id, "kind": r.kind.code(), "served_on": r.served_on, "diagnosis": r.diagnosis.is_some()}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(id)
}

/// The branches' work in a year: services counted by the branch they count for, the officer
/// who recorded them and their kind — a branch sees its districts, the city and HQ every one.
pub struct WorkTally {
    /// The districts the caller sees, every one (those without a service too); `None` for all.
    pub districts: Option<Vec<DistrictId>>,
    /// (branch district, officer's username, kind) → services.
    pub counts: BTreeMap<(DistrictId, String, String), u64>,
}

/// The branches' work in a year (see [`WorkTally`]).
pub async fn work(services: &Services, caller: &Principal, year: i32) -> Result<WorkTally, ServiceError> {
    let scope = caller.scope(Permission::RegistryEdit, services.now());
    let read = caller.scope(Permission::RegistryReadPrivate, services.now());
    let districts: Option<Vec<DistrictId>> = if scope.all || read.all {
        None
    } else if !scope.districts.is_empty() {
        Some(scope.districts.iter().copied().collect())
    } else {
        return Err(ServiceError::Forbidden);
    };
    let from = NaiveDate::from_ymd_opt(year, 1, 1)
        .ok_or(ServiceError::Invalid { key: "recognition.year_range", args: vec![] })?;
    let to = NaiveDate::from_ymd_opt(year, 12, 31)
        .ok_or(ServiceError::Invalid { key: "recognition.year_range", args: vec![] })?;
    let counts = store::work(services.store(), from, to, districts.as_deref()).await?;
    Ok(WorkTally { districts, counts })
}

/// A follow-up shows among the to-dos from this many days ahead …
const FOLLOW_UP_AHEAD_DAYS: i64 = 7;
/// … until this many days overdue.
const FOLLOW_UP_OVERDUE_DAYS: i64 = 30;
/// The reminder goes out this many days before the follow-up, and again on the day.
const FOLLOW_UP_REMIND_DAYS: [i64; 2] = [3, 0];

/// The follow-ups waiting for the caller: those of the organizations they are liaison for,
/// and, for branch staff, those in their districts (city-wide staff are not listed every
/// district's visits).
pub async fn todos(services: &Services, caller: &Principal) -> Result<Vec<Todo>, ServiceError> {
    let t = services.today();
    let (from, to) =
        (t - chrono::Duration::days(FOLLOW_UP_OVERDUE_DAYS), t + chrono::Duration::days(FOLLOW_UP_AHEAD_DAYS));
    let mut due: BTreeMap<i32, Record> = BTreeMap::new();
    let liaison_for: Vec<OrganizationId> =
        store::targets(services.store(), Some(caller.account), PageRequest::new(Some(1), Some(200)))
            .await?
            .items
            .into_iter()
            .map(|t| t.organization)
            .collect();
    if !liaison_for.is_empty() {
        for r in store::follow_ups(services.store(), from, to, None, Some(&liaison_for), 200).await? {
            due.insert(r.id, r);
        }
    }
    let scope = caller.scope(Permission::RegistryEdit, services.now());
    if !scope.all && !scope.districts.is_empty() {
        let districts: Vec<DistrictId> = scope.districts.iter().copied().collect();
        for r in store::follow_ups(services.store(), from, to, Some(&districts), None, 200).await? {
            due.insert(r.id, r);
        }
    }
    let soonest = due
        .values()
        .filter_map(|r| r.diagnosis.as_ref().and_then(|d| d.follow_up_on).map(|d| (d, r.organization)))
        .min();
    Ok(soonest
        .map(|(day, org)| Todo {
            key: "service.todo.follow_ups",
            args: vec![("n", due.len().to_string())],
            due: Some(day),
            href: format!("/admin/organizations/{}/services", org.get()),
        })
        .into_iter()
        .collect())
}

/// Reminds the liaison officer and the district's staff of follow-ups three days ahead and
/// on the day (a daily job), once each. How many messages were written.
pub async fn remind_follow_ups(services: &Services) -> Result<u64, ServiceError> {
    let t = services.today();
    let mut written = 0;
    for days in FOLLOW_UP_REMIND_DAYS {
        let day = t + chrono::Duration::days(days);
        let due = store::follow_ups(services.store(), day, day, None, None, 1_000).await?;
        if due.is_empty() {
            continue;
        }
        let tx = services.store().begin().await?;
        for r in &due {
            let mut to = vec![Audience::DistrictStaff(r.district)];
            if let Some(l) = store::target(&tx, r.organization).await?.and_then(|t| t.liaison) {
                to.push(Audience::Account(l));
            }
            let name =
                crate::registry::get(services, None, r.organization).await.map(|v| v.public.name).unwrap_or_default();
            let note = Note {
                kind: MessageKind::FollowUp,
                key: "service.msg.follow_up",
                args: vec![("organization", name), ("date", day.to_string()), ("days", days.to_string())],
                href: format!("/admin/organizations/{}/services", r.organization.get()),
                once: Some(format!("follow_up:{}:{days}", r.id)),
            };
            written += crate::notification::send(&tx, services.now(), &to, &note).await?;
        }
        tx.commit().await?;
    }
    Ok(written)
}
