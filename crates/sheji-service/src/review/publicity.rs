//! Publicity (公示) and objections (异议): results on a public page for a number of working
//! days by the administrator's calendar; anyone may object with name, contact and evidence;
//! staff decide each objection with reasons; the final list goes out when the window has
//! closed and no objection is open.

use crate::work::Work;
use chrono::NaiveDate;
use serde_json::json;
use sheji_core::identity::{Permission, Principal};
use sheji_core::ids::{CampaignId, ItemId};
use sheji_core::page::{Page, PageRequest};
use sheji_core::review::notice::PublicityNotice;
use sheji_core::review::{self as core, CampaignAction, CampaignStatus, ObjectionStatus};
use sheji_store::review::{self as store, CalendarDay, Objection};

use super::{load_campaign, require};
use crate::audit::{Actor, Change};
use crate::clip;
use crate::notification::{Audience, Note};
use crate::{FieldError, ServiceError, Services};
use sheji_core::notification::MessageKind;

/// What the publish form starts from: the campaign's own notice (a linked batch sets the mark
/// an item needs), with the contact details of the last published notice where it has none.
pub async fn notice_defaults(services: &Services, c: &store::Campaign) -> Result<PublicityNotice, ServiceError> {
    let own = c.notice.clone().unwrap_or_default();
    let last = store::last_notice(services.store()).await?.unwrap_or_default();
    Ok(PublicityNotice {
        phone: if own.phone.is_empty() { last.phone } else { own.phone },
        address: if own.address.is_empty() { last.address } else { own.address },
        ..own
    })
}

/// Publishes closed results for the campaign's number of working days (staff), as an official
/// notice: reference number, contact for objections, the mark an item needs to be proposed,
/// whether scores are shown. Every problem with the notice is reported at once.
pub async fn publish(
    services: &Services,
    caller: &Principal,
    id: CampaignId,
    notice: &PublicityNotice,
    ip: &str,
) -> Result<(NaiveDate, NaiveDate), ServiceError> {
    require(services, caller, Permission::ReviewManage)?;
    let notice = PublicityNotice {
        number: notice.number.trim().to_owned(),
        phone: notice.phone.trim().to_owned(),
        address: notice.address.trim().to_owned(),
        ..notice.clone()
    };
    let problems = notice.problems();
    if !problems.is_empty() {
        return Err(ServiceError::Fields(problems.into_iter().map(|(f, k)| FieldError::new(f, k)).collect()));
    }
    let c = load_campaign(services, id).await?;
    let to = core::transition(c.status, CampaignAction::Publish)
        .map_err(|_| ServiceError::Conflict { key: "review.not_closed" })?;
    let today = services.today();
    let calendar = store::work_calendar(services.store(), today).await?;
    let (first, last) =
        calendar.window(today, c.fields.publicity_days).ok_or(ServiceError::Conflict { key: "review.no_window" })?;
    let now = services.now();
    let tx = Work::begin(services).await?;
    if !store::set_campaign_status(&tx, id, c.status, to, now).await? {
        return Err(ServiceError::Conflict { key: "review.changed_meanwhile" });
    }
    store::set_publicity(&tx, id, first, last).await?;
    store::set_notice(&tx, id, &notice).await?;
    // Everyone whose item is on notice hears of it, with the window for objections.
    let mut applicants: Vec<Audience> = Vec::new();
    for item in store::all_items(&tx, id).await? {
        for org in item.fields.organizations.iter().take(1) {
            let to = Audience::OrgAdmins(*org);
            if !applicants.contains(&to) {
                applicants.push(to);
            }
        }
    }
    let note = Note {
        kind: MessageKind::Publicity,
        key: "review.msg.published",
        args: vec![("campaign", c.fields.name.clone()), ("from", first.to_string()), ("until", last.to_string())],
        href: format!("/publicity/{id}"),
        once: None,
    };
    crate::notification::send(&tx, now, &applicants, &note).await?;
    let change = Change {
        action: "review.publish",
        target_type: "review_campaign",
        target_id: id.to_string(),
        before: json!({"status": c.status.code()}),
        after: json!({"status": to.code(), "from": first, "until": last, "working_days": c.fields.publicity_days,
            "notice": notice}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok((first, last))
}

/// Whether objections are accepted today.
pub fn window_open(c: &store::Campaign, today: NaiveDate) -> bool {
    c.status == CampaignStatus::Publicity && c.publicity.is_some_and(|(from, last)| from <= today && today <= last)
}

/// Whose files an objection's evidence is, in the file store.
pub const EVIDENCE_OWNER: &str = "review_objection";

/// At most this many evidence files go with one objection.
pub const MAX_EVIDENCE_FILES: usize = 5;

/// Anyone raises an objection during the window: name, contact and evidence are required
/// (no anonymous objections), with up to [`MAX_EVIDENCE_FILES`] files (PDF, JPEG, PNG) kept
/// with it in the same unit of work. The contact is stored encrypted.
#[allow(clippy::too_many_arguments)]
pub async fn object(
    services: &Services,
    id: CampaignId,
    item: Option<ItemId>,
    name: &str,
    contact: &str,
    evidence: &str,
    files: &[(String, Vec<u8>)],
    ip: &str,
) -> Result<String, ServiceError> {
    use sheji_core::files::{self as file_rules, FileKind};
    let c = load_campaign(services, id).await?;
    if !matches!(c.status, CampaignStatus::Publicity | CampaignStatus::Final) {
        return Err(ServiceError::NotFound { key: "review.no_campaign" });
    }
    if !window_open(&c, services.today()) {
        return Err(ServiceError::Conflict { key: "review.window_closed" });
    }
    if let Some(item) = item {
        super::load_item(services, id, item).await?;
    }
    let mut errors = Vec::new();
    let mut take = |field, s: &str, max| match crate::within(field, s, max) {
        Ok(t) => t,
        Err(e) => {
            errors.push(e);
            String::new()
        }
    };
    let (name, contact, evidence) =
        (take("name", name, 100), take("contact", contact, 100), take("evidence", evidence, 10_000));
    let too_long: Vec<&'static str> = errors.iter().map(|e| e.field).collect();
    if name.is_empty() && !too_long.contains(&"name") {
        errors.push(FieldError::new("name", "review.objection_name"));
    }
    if contact.chars().filter(char::is_ascii_digit).count() < 7
        && !contact.contains('@')
        && !too_long.contains(&"contact")
    {
        errors.push(FieldError::new("contact", "review.objection_contact"));
    }
    if evidence.chars().count() < 10 && !too_long.contains(&"evidence") {
        errors.push(FieldError::new("evidence", "review.objection_evidence"));
    }
    let mut kinds = Vec::with_capacity(files.len());
    if files.len() > MAX_EVIDENCE_FILES {
        errors.push(FieldError {
            field: "files",
            key: "review.evidence_too_many",
            args: vec![("max", MAX_EVIDENCE_FILES.to_string())],
        });
    } else {
        for (file_name, bytes) in files {
            match file_rules::check(bytes, &[FileKind::Pdf, FileKind::Jpeg, FileKind::Png]) {
                Ok(kind) => kinds.push(kind),
                Err(e) => {
                    let key = match e {
                        file_rules::UploadError::Empty => "review.evidence_empty",
                        file_rules::UploadError::TooLarge => "review.evidence_too_large",
                        file_rules::UploadError::WrongType => "review.evidence_wrong_type",
                    };
                    errors.push(FieldError {
                        field: "files",
                        key,
                        args: vec![("name", file_rules::display_name(file_name))],
                    });
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(ServiceError::Fields(errors));
    }
    let store_files = if files.is_empty() { None } else { Some(services.files()?) };
    let contact_enc = services.secrets().encrypt(&contact).map_err(ServiceError::internal)?;
    let now = services.now();
    // The officer who runs the notice hears of the objection at once: the list cannot be
    // finalized until it is decided.
    let manager = crate::identity::account_id(services, &c.created_by).await?;
    let tx = Work::begin(services).await?;
    let oid = store::insert_objection(&tx, id, item, &name, &contact_enc, &evidence, now).await?;
    let code = crate::crypto::random_token(12).map_err(ServiceError::internal)?;
    let receipt = sheji_core::review::notice::receipt(oid, &code);
    store::set_receipt(&tx, oid, &receipt).await?;
    if let Some(store_files) = &store_files {
        for ((file_name, bytes), kind) in files.iter().zip(&kinds) {
            let key = crate::crypto::file_key().map_err(ServiceError::internal)?;
            let display = file_rules::display_name(file_name);
            let meta = sheji_store::files::NewFile {
                owner_type: EVIDENCE_OWNER,
                owner_id: oid,
                purpose: "evidence",
                name: &display,
                content_type: kind.content_type(),
                uploaded_by: "anonymous",
            };
            store_files.put(&tx, &meta, &key, bytes, now).await?;
        }
    }
    let note = Note {
        kind: MessageKind::Objection,
        key: "review.msg.objection",
        args: vec![("campaign", c.fields.name.clone())],
        href: format!("/admin/reviews/{id}"),
        once: None,
    };
    crate::notification::send(&tx, now, &manager.into_iter().map(Audience::Account).collect::<Vec<_>>(), &note).await?;
    let change = Change {
        action: "review.objection_raise",
        target_type: "review_objection",
        target_id: oid.to_string(),
        before: serde_json::Value::Null,
        after: json!({
            "campaign": id, "item": item, "name": name,
            "contact": sheji_core::identity::mask_phone(&contact), "files": files.len(),
        }),
    };
    tx.commit(&Actor::anonymous(ip), change).await?;
    Ok(receipt)
}

/// What an objector learns with their receipt and contact: where the objection stands and,
/// once decided, the decision with its reasons.
#[derive(Debug, Clone)]
pub struct ObjectionStanding {
    /// The notice it was raised against.
    pub campaign: String,
    /// Where it stands.
    pub status: ObjectionStatus,
    /// When it was raised.
    pub raised: chrono::DateTime<chrono::Utc>,
    /// The decision's reasons, once decided.
    pub resolution: Option<String>,
}

/// Looks an objection up by its receipt; the contact given with it must match. A wrong pair
/// says only that nothing matches, whichever half was wrong.
pub async fn objection_status(
    services: &Services,
    receipt: &str,
    contact: &str,
) -> Result<ObjectionStanding, ServiceError> {
    let receipt = sheji_core::review::notice::normalize_receipt(receipt);
    let mut errors = Vec::new();
    if receipt.is_empty() {
        errors.push(FieldError::new("receipt", "review.receipt_required"));
    }
    if contact.trim().is_empty() {
        errors.push(FieldError::new("contact", "review.objection_contact"));
    }
    if !errors.is_empty() {
        return Err(ServiceError::Fields(errors));
    }
    let none = || ServiceError::Fields(vec![FieldError::new("receipt", "review.receipt_unknown")]);
    let o = store::objection_by_receipt(services.store(), &receipt).await?.ok_or_else(none)?;
    let given = services.secrets().decrypt(&o.contact_enc).map_err(ServiceError::internal)?;
    if !sheji_core::review::notice::same_contact(&given, contact) {
        return Err(none());
    }
    let c = load_campaign(services, o.campaign).await?;
    Ok(ObjectionStanding { campaign: c.fields.name, status: o.status, raised: o.created_at, resolution: o.resolution })
}

/// Records the applicant's statement on an open objection (staff), before it is decided.
pub async fn record_statement(
    services: &Services,
    caller: &Principal,
    objection: i32,
    statement: &str,
    ip: &str,
) -> Result<(), ServiceError> {
    require(services, caller, Permission::ReviewManage)?;
    let statement = crate::within("statement", statement, 10_000).map_err(|e| ServiceError::Fields(vec![e]))?;
    if statement.is_empty() {
        return Err(ServiceError::Fields(vec![FieldError::new("statement", "review.statement_required")]));
    }
    let tx = Work::begin(services).await?;
    if !store::set_statement(&tx, objection, &statement).await? {
        return Err(ServiceError::Conflict { key: "review.objection_decided" });
    }
    let change = Change {
        action: "review.objection_statement",
        target_type: "review_objection",
        target_id: objection.to_string(),
        before: serde_json::Value::Null,
        after: json!({"statement_chars": statement.chars().count()}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(())
}

/// An objection as staff see it: the contact in clear.
#[derive(Debug, Clone)]
pub struct ObjectionView {
    /// The record.
    pub objection: Objection,
    /// Contact in clear.
    pub contact: String,
    /// Title of the item objected to.
    pub item_title: Option<String>,
    /// The evidence files sent with it.
    pub files: Vec<sheji_store::files::StoredFile>,
}

/// A campaign's objections (staff only: objectors' identities are not public).
pub async fn objections(
    services: &Services,
    caller: &Principal,
    id: CampaignId,
    page: PageRequest,
) -> Result<Page<ObjectionView>, ServiceError> {
    require(services, caller, Permission::ReviewManage)?;
    load_campaign(services, id).await?;
    let p = store::list_objections(services.store(), id, page).await?;
    let items = store::items_by_id(services.store(), &p.items.iter().filter_map(|o| o.item).collect()).await?;
    let mut out = Vec::with_capacity(p.items.len());
    for o in p.items {
        let contact = services.secrets().decrypt(&o.contact_enc).map_err(ServiceError::internal)?;
        let item_title = o.item.and_then(|i| items.get(&i)).map(|i| i.fields.title.clone());
        let files = sheji_store::files::of_owner(services.store(), EVIDENCE_OWNER, o.id).await?;
        out.push(ObjectionView { objection: o, contact, item_title, files });
    }
    Ok(Page::new(out, page, p.total))
}

/// One evidence file of an objection, for staff who manage reviews (objectors' papers are not
/// public); 404 for a file of another objection.
pub async fn evidence_file(
    services: &Services,
    caller: &Principal,
    objection: i32,
    file: i32,
) -> Result<(sheji_store::files::StoredFile, Vec<u8>), ServiceError> {
    require(services, caller, Permission::ReviewManage)?;
    let f = sheji_store::files::get(services.store(), file)
        .await?
        .filter(|f| f.owner_type == EVIDENCE_OWNER && f.owner_id == objection)
        .ok_or(ServiceError::NotFound { key: "files.not_found" })?;
    let bytes = services.files()?.read(&f).await?;
    Ok((f, bytes))
}

/// Decides an objection with written reasons (staff).
pub async fn resolve(
    services: &Services,
    caller: &Principal,
    objection: i32,
    accept: bool,
    resolution: &str,
    ip: &str,
) -> Result<(), ServiceError> {
    require(services, caller, Permission::ReviewManage)?;
    let o = store::get_objection(services.store(), objection)
        .await?
        .ok_or(ServiceError::NotFound { key: "review.no_objection" })?;
    let resolution = clip(resolution, 5_000);
    if resolution.is_empty() {
        return Err(ServiceError::Fields(vec![FieldError::new("resolution", "review.reason_required")]));
    }
    let status = if accept { ObjectionStatus::Accepted } else { ObjectionStatus::Rejected };
    let now = services.now();
    let tx = Work::begin(services).await?;
    if !store::resolve_objection(&tx, objection, status, &resolution, &caller.username, now).await? {
        return Err(ServiceError::Conflict { key: "review.objection_decided" });
    }
    let change = Change {
        action: "review.objection_resolve",
        target_type: "review_objection",
        target_id: objection.to_string(),
        before: json!({"status": o.status}),
        after: json!({"status": status, "resolution": resolution}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(())
}

/// Publishes the final list: only after the window has closed and with no objection open
/// (staff).
pub async fn finalize(services: &Services, caller: &Principal, id: CampaignId, ip: &str) -> Result<(), ServiceError> {
    require(services, caller, Permission::ReviewManage)?;
    finalize_as(services, &Actor::of(caller, ip), id, None).await
}

/// Finalizes as `actor`, with a message for the managers when the platform does it.
async fn finalize_as(
    services: &Services,
    actor: &Actor,
    id: CampaignId,
    note: Option<&Note>,
) -> Result<(), ServiceError> {
    let c = load_campaign(services, id).await?;
    let to = core::transition(c.status, CampaignAction::Finalize)
        .map_err(|_| ServiceError::Conflict { key: "review.not_publicity" })?;
    if c.publicity.is_some_and(|(_, last)| services.today() <= last) {
        return Err(ServiceError::Conflict { key: "review.window_running" });
    }
    if store::open_objections(services.store(), id).await? > 0 {
        return Err(ServiceError::Conflict { key: "review.objections_open" });
    }
    // An objection upheld against the whole list means the review itself must be redone.
    if store::upheld_objections(services.store(), id).await?.1 {
        return Err(ServiceError::Conflict { key: "review.objection_whole_list" });
    }
    let now = services.now();
    let tx = Work::begin(services).await?;
    if !store::set_campaign_status(&tx, id, c.status, to, now).await? {
        return Err(ServiceError::Conflict { key: "review.changed_meanwhile" });
    }
    if let Some(note) = note {
        crate::notification::send(&tx, now, MANAGERS, note).await?;
    }
    let change = Change {
        action: "review.finalize",
        target_type: "review_campaign",
        target_id: id.to_string(),
        before: json!({"status": c.status.code()}),
        after: json!({"status": to.code()}),
    };
    tx.commit(actor, change).await?;
    Ok(())
}

/// Who runs reviews and hears about their notices ending.
const MANAGERS: &[Audience] =
    &[Audience::Role(sheji_core::identity::Role::CityOfficer), Audience::Role(sheji_core::identity::Role::HqStaff)];

/// Ends the notices whose window has run out (the scheduler, daily): a campaign with no
/// objection left open is finalized by the platform and its managers told; one with
/// objections still open tells its managers, once, that the list waits for their decisions.
/// How many campaigns were finalized.
pub async fn close_windows(services: &Services) -> Result<u64, ServiceError> {
    let today = services.today();
    let on_notice =
        store::list_campaigns(services.store(), &[CampaignStatus::Publicity], PageRequest::new(Some(1), Some(200)))
            .await?;
    let mut finalized = 0;
    for c in on_notice.items {
        let Some((_, last)) = c.publicity else { continue };
        if today <= last {
            continue;
        }
        let href = format!("/admin/reviews/{}", c.id);
        let done = Note {
            kind: MessageKind::Publicity,
            key: "review.msg.finalized",
            args: vec![("campaign", c.fields.name.clone())],
            href: href.clone(),
            once: None,
        };
        match finalize_as(services, &Actor::system(), c.id, Some(&done)).await {
            Ok(()) => finalized += 1,
            Err(ServiceError::Conflict { key: "review.objections_open" | "review.objection_whole_list" }) => {
                let open = store::open_objections(services.store(), c.id).await?;
                let waiting = Note {
                    kind: MessageKind::Objection,
                    key: "review.msg.window_closed",
                    args: vec![("campaign", c.fields.name.clone()), ("n", open.to_string())],
                    href,
                    once: Some(format!("review.window_closed:{}", c.id)),
                };
                let tx = services.store().begin().await?;
                crate::notification::send(&tx, services.now(), MANAGERS, &waiting).await?;
                tx.commit().await?;
            }
            // Moved by someone meanwhile: nothing left to do.
            Err(ServiceError::Conflict { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(finalized)
}

/// Campaigns on public notice or published, newest first (anyone).
pub async fn public_campaigns(services: &Services, page: PageRequest) -> Result<Page<store::Campaign>, ServiceError> {
    Ok(store::list_campaigns(services.store(), &[CampaignStatus::Publicity, CampaignStatus::Final], page).await?)
}

/// The calendar from a year ago on (administrators).
pub async fn calendar(services: &Services, caller: &Principal) -> Result<Vec<CalendarDay>, ServiceError> {
    require(services, caller, Permission::SettingsEdit)?;
    let from = services.today() - chrono::Duration::days(366);
    Ok(store::calendar_days(services.store(), from, 1_000).await?)
}

/// Sets a holiday or a weekend working day (administrators).
pub async fn set_day(services: &Services, caller: &Principal, day: CalendarDay, ip: &str) -> Result<(), ServiceError> {
    require(services, caller, Permission::SettingsEdit)?;
    let day = CalendarDay { name: clip(&day.name, 100), ..day };
    if day.name.is_empty() {
        return Err(ServiceError::Fields(vec![FieldError::new("name", "review.name_required")]));
    }
    let tx = Work::begin(services).await?;
    store::put_calendar_day(&tx, &day).await?;
    let change = Change {
        action: "settings.calendar_set",
        target_type: "calendar",
        target_id: day.day.to_string(),
        before: serde_json::Value::Null,
        after: json!({"day": day.day, "workday": day.workday, "name": day.name}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(())
}

/// Removes a day from the calendar (administrators).
pub async fn delete_day(services: &Services, caller: &Principal, day: NaiveDate, ip: &str) -> Result<(), ServiceError> {
    require(services, caller, Permission::SettingsEdit)?;
    let tx = Work::begin(services).await?;
    if !store::delete_calendar_day(&tx, day).await? {
        return Err(ServiceError::NotFound { key: "review.no_day" });
    }
    let change = Change {
        action: "settings.calendar_delete",
        target_type: "calendar",
        target_id: day.to_string(),
        before: json!({"day": day}),
        after: serde_json::Value::Null,
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(())
}
