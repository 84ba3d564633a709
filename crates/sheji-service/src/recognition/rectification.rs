//! Rectification (整改) after a re-review: the holder reports what was put right before the
//! deadline, the city accepts the report (the recognition goes on for a new term) or refuses
//! it (revoked), and a daily job revokes rectifications whose deadline passed with no report.
//! Each step moves the re-review application that ordered it, so its timeline tells the story.

use serde_json::json;
use sheji_core::identity::{Permission, Principal};
use sheji_core::ids::DistrictId;
use sheji_core::notification::{MessageKind, Todo};
use sheji_core::page::PageRequest;
use sheji_core::recognition::{self as core, Action, RectificationStep, RevocationCause, Role, Standing, Status};
use sheji_store::recognition::{self as store, Event, Recognition};

use super::{load_batch, roles_toward};
use crate::audit::{Actor, Change};
use crate::notification::{self, Audience, Note};
use crate::work::Work;
use crate::{FieldError, ServiceError, Services};

/// The longest reason for refusing a report, in characters.
pub const MAX_DECISION_COMMENT: usize = 500;

/// A rectification as its holder, its district's staff and the city see it.
#[derive(Debug, Clone)]
pub struct RectificationView {
    /// The recognition (its report inside, once sent).
    pub recognition: Recognition,
    /// The holder's name.
    pub organization: String,
    /// Where it stands today (`None` once it is over).
    pub step: Option<RectificationStep>,
    /// The caller is the holder's administrator and may send the report now.
    pub may_report: bool,
    /// The caller is the city and may accept or refuse the report now.
    pub may_decide: bool,
    /// The re-review application that ordered it, and its batch's name.
    pub ordered_by: Option<(i32, String)>,
}

async fn load(services: &Services, id: i32) -> Result<(Recognition, DistrictId), ServiceError> {
    let r = store::get_recognition(services.store(), id)
        .await?
        .ok_or(ServiceError::NotFound { key: "recognition.no_certificate" })?;
    let district = crate::registry::get(services, None, r.organization).await?.public.district_id;
    Ok((r, district))
}

/// A recognition's rectification, for its holder, its district's staff and the city (404 for
/// anyone else, and for a recognition that was never ordered to rectify).
pub async fn view(services: &Services, caller: &Principal, id: i32) -> Result<RectificationView, ServiceError> {
    let (r, district) = load(services, id).await?;
    let roles = roles_toward(services, caller, r.organization, district);
    let application = store::rectifying_application(services.store(), r.id).await?;
    // Still running, reported once, or ended by its deadline: the page stays readable.
    let lapsed = r.revoked.as_ref().is_some_and(|(_, why)| {
        RevocationCause::parse(&why.cause)
            .is_some_and(|c| matches!(c, RevocationCause::RectificationLapsed | RevocationCause::RectificationRefused))
    });
    let ordered = r.standing == Standing::Rectifying || r.rectification.is_some() || application.is_some() || lapsed;
    if roles.is_empty() || !ordered {
        return Err(ServiceError::NotFound { key: "recognition.no_rectification" });
    }
    let step = core::rectification_step(r.standing, r.rectify_until, r.rectification.is_some(), services.today());
    let ordered_by = match application {
        Some(a) => Some((a.id, load_batch(services, a.batch).await?.fields.name)),
        None => None,
    };
    let names = crate::registry::names(services, &std::collections::BTreeSet::from([r.organization])).await?;
    Ok(RectificationView {
        organization: names.get(&r.organization).cloned().unwrap_or_default(),
        may_report: roles.contains(&Role::Applicant) && step == Some(RectificationStep::Report),
        may_decide: roles.contains(&Role::City) && step == Some(RectificationStep::Decide),
        step,
        ordered_by,
        recognition: r,
    })
}

/// The holder's administrator sends the rectification report before the deadline; once sent
/// it waits for the city. Two clerks sending at once: the first report is kept.
pub async fn report(
    services: &Services,
    caller: &Principal,
    id: i32,
    text: &str,
    ip: &str,
) -> Result<(), ServiceError> {
    let v = view(services, caller, id).await?;
    if !v.may_report {
        return Err(match v.step {
            Some(RectificationStep::Lapsed) => ServiceError::Conflict { key: "recognition.rectification.lapsed" },
            Some(RectificationStep::Decide) => ServiceError::Conflict { key: "recognition.rectification.reported" },
            Some(RectificationStep::Report) => ServiceError::Forbidden,
            None => ServiceError::Conflict { key: "recognition.rectification.over" },
        });
    }
    let text = text.trim();
    if text.is_empty() {
        return Err(ServiceError::Fields(vec![FieldError::new("report", "recognition.rectification.report_required")]));
    }
    let text =
        crate::within("report", text, core::MAX_RECTIFICATION_REPORT).map_err(|e| ServiceError::Fields(vec![e]))?;
    let now = services.now();
    let tx = Work::begin(services).await?;
    if !store::report_rectification(&tx, id, &text, &caller.username, services.today(), now).await? {
        return Err(ServiceError::Conflict { key: "recognition.rectification.reported" });
    }
    let note = Note {
        kind: MessageKind::Decided,
        key: "recognition.msg.rectification_reported",
        args: vec![("certificate", v.recognition.certificate.clone()), ("organization", v.organization.clone())],
        href: href(id),
        once: None,
    };
    notification::send(&tx, now, &[Audience::Role(sheji_core::identity::Role::CityOfficer)], &note).await?;
    let change = Change {
        action: "recognition.rectification_report",
        target_type: "recognition",
        target_id: id.to_string(),
        before: json!({"standing": v.recognition.standing.code(), "rectify_until": v.recognition.rectify_until}),
        after: json!({"report": text}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(())
}

/// Where a rectification is read and acted on.
pub fn href(id: i32) -> String {
    format!("/recognition/rectifications/{id}")
}

/// The city decides a report: accepted, the recognition is valid again for a full term from
/// today (the re-review's validity); refused (a reason required), it is revoked. Returns the
/// recognition's new standing.
pub async fn decide(
    services: &Services,
    caller: &Principal,
    id: i32,
    accept: bool,
    comment: &str,
    ip: &str,
) -> Result<Standing, ServiceError> {
    let v = view(services, caller, id).await?;
    if !v.may_decide {
        return Err(match v.step {
            Some(RectificationStep::Decide) => ServiceError::Forbidden,
            Some(_) => ServiceError::Conflict { key: "recognition.rectification.not_reported" },
            None => ServiceError::Conflict { key: "recognition.rectification.over" },
        });
    }
    let comment = comment.trim();
    if !accept && comment.is_empty() {
        return Err(ServiceError::Fields(vec![FieldError::new(
            "comment",
            "recognition.rectification.reason_required",
        )]));
    }
    let comment = crate::within("comment", comment, MAX_DECISION_COMMENT).map_err(|e| ServiceError::Fields(vec![e]))?;
    let application = store::rectifying_application(services.store(), id).await?;
    let batch = match &application {
        Some(a) => Some(load_batch(services, a.batch).await?),
        None => None,
    };
    let years = batch
        .as_ref()
        .map_or_else(|| core::Rules::default_for(v.recognition.kind).validity_years, |b| b.fields.rules.validity_years);
    let today = services.today();
    let now = services.now();
    let (to, until) = if accept {
        (Standing::Valid, Some(core::valid_after_rectification(today, years)))
    } else {
        (Standing::Revoked, None)
    };
    let tx = Work::begin(services).await?;
    if !store::end_rectification(&tx, id, to, until, store::RectificationEnd::Decided, now).await? {
        return Err(ServiceError::Conflict { key: "recognition.changed_meanwhile" });
    }
    if !accept {
        let why = store::Revocation {
            cause: RevocationCause::RectificationRefused.code().to_owned(),
            batch: batch.as_ref().map(|b| b.fields.name.clone()).unwrap_or_default(),
            score: None,
            line: comment.clone(),
        };
        store::set_revocation(&tx, id, today, &why).await?;
    }
    if let Some(a) = &application {
        move_application(
            &tx,
            a.id,
            if accept { Action::Recognize } else { Action::Decline },
            &comment,
            &caller.username,
            now,
        )
        .await?;
    }
    let note = Note {
        kind: MessageKind::Decided,
        key: if accept { "recognition.msg.rectification_accepted" } else { "recognition.msg.rectification_refused" },
        args: vec![
            ("certificate", v.recognition.certificate.clone()),
            ("until", until.map(|u| u.to_string()).unwrap_or_default()),
            ("reason", comment.clone()),
        ],
        href: href(id),
        once: None,
    };
    notification::send(&tx, now, &[Audience::OrgAdmins(v.recognition.organization)], &note).await?;
    let change = Change {
        action: if accept { "recognition.rectification_accept" } else { "recognition.rectification_refuse" },
        target_type: "recognition",
        target_id: id.to_string(),
        before: json!({"standing": v.recognition.standing.code(), "valid_until": v.recognition.valid_until}),
        after: json!({"standing": to.code(), "valid_until": until.unwrap_or(v.recognition.valid_until), "comment": comment}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(to)
}

async fn move_application(
    tx: &Work,
    id: i32,
    action: Action,
    comment: &str,
    actor: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), ServiceError> {
    let to =
        core::transition(Status::Rectify, action).map_err(|_| ServiceError::Conflict { key: "recognition.illegal" })?;
    let event = Event {
        from: Status::Rectify,
        to,
        action: action.code().to_owned(),
        comment: comment.to_owned(),
        actor: actor.to_owned(),
        at: now,
    };
    if !store::move_application(tx, id, &event, None).await? {
        return Err(ServiceError::Conflict { key: "recognition.changed_meanwhile" });
    }
    Ok(())
}

/// Revokes every rectification whose deadline has passed with no report (a daily job), each in
/// its own unit of work with its audit record; the holder and its district are told. How many
/// were revoked.
pub async fn revoke_lapsed(services: &Services) -> Result<u64, ServiceError> {
    let today = services.today();
    let mut revoked = 0;
    let mut after = 0;
    loop {
        let due = store::lapsed_rectifications(services.store(), today, after, 100).await?;
        let Some(last) = due.last().map(|r| r.id) else { break };
        after = last;
        for r in due {
            // One that fails (moved meanwhile) is left for the next run; the rest go on.
            match revoke_one(services, &r, today).await {
                Ok(true) => revoked += 1,
                Ok(false) => {}
                Err(e) => tracing::warn!(recognition = r.id, error = %e, "rectification lapse: left for the next run"),
            }
        }
    }
    Ok(revoked)
}

/// Revokes one lapsed rectification in its own unit of work; false if it was reported or
/// decided meanwhile.
async fn revoke_one(services: &Services, r: &Recognition, today: chrono::NaiveDate) -> Result<bool, ServiceError> {
    let application = store::rectifying_application(services.store(), r.id).await?;
    let batch = match &application {
        Some(a) => Some(load_batch(services, a.batch).await?.fields.name),
        None => None,
    };
    let district = crate::registry::get(services, None, r.organization).await.ok().map(|o| o.public.district_id);
    let now = services.now();
    let tx = Work::begin(services).await?;
    if !store::end_rectification(&tx, r.id, Standing::Revoked, None, store::RectificationEnd::Lapsed(today), now)
        .await?
    {
        return Ok(false);
    }
    let why = store::Revocation {
        cause: RevocationCause::RectificationLapsed.code().to_owned(),
        batch: batch.unwrap_or_default(),
        score: None,
        line: r.rectify_until.map(|d| d.to_string()).unwrap_or_default(),
    };
    store::set_revocation(&tx, r.id, today, &why).await?;
    if let Some(a) = &application {
        move_application(&tx, a.id, Action::Decline, "", "system", now).await?;
    }
    let mut to = vec![Audience::OrgAdmins(r.organization)];
    to.extend(district.map(Audience::DistrictStaff));
    let note = Note {
        kind: MessageKind::Decided,
        key: "recognition.msg.rectification_lapsed",
        args: vec![
            ("certificate", r.certificate.clone()),
            ("until", r.rectify_until.map(|d| d.to_string()).unwrap_or_default()),
        ],
        href: href(r.id),
        once: None,
    };
    notification::send(&tx, now, &to, &note).await?;
    let change = Change {
        action: "recognition.rectification_lapse",
        target_type: "recognition",
        target_id: r.id.to_string(),
        before: json!({"standing": r.standing.code(), "rectify_until": r.rectify_until}),
        after: json!({"standing": Standing::Revoked.code()}),
    };
    tx.commit(&Actor::system(), change).await?;
    Ok(true)
}

/// Rectification work waiting for the caller: reports to send for each organization they
/// administer (due by the deadline), reports to decide for the city.
pub async fn todos(services: &Services, caller: &Principal) -> Result<Vec<Todo>, ServiceError> {
    let now = services.now();
    let mut out = Vec::new();
    for org in caller.scope(Permission::RegistryEdit, now).organizations {
        let open = store::rectifications(services.store(), false, None, Some(org), PageRequest::new(Some(1), Some(20)))
            .await?;
        let today = services.today();
        let due = |r: &&Recognition| {
            core::rectification_step(r.standing, r.rectify_until, false, today) == Some(RectificationStep::Report)
        };
        for r in open.items.iter().filter(due) {
            out.push(Todo {
                key: "recognition.todo.rectification_report",
                args: vec![("certificate", r.certificate.clone())],
                due: r.rectify_until,
                href: href(r.id),
            });
        }
    }
    if caller.can(Permission::RecognitionManage, now) {
        // The to-do opens the report waiting longest; deciding it brings up the next.
        let waiting =
            store::rectifications(services.store(), true, None, None, PageRequest::new(Some(1), Some(1))).await?;
        if let Some(first) = waiting.items.first() {
            out.push(Todo {
                key: "recognition.todo.rectification_decide",
                args: vec![("n", waiting.total.to_string())],
                due: None,
                href: href(first.id),
            });
        }
    }
    Ok(out)
}
