//! The review engine's use cases: the expert pool, rubric versions, campaigns and their items
//! (this module); conflicts, assignment and replay (`assign`); score sheets, progress and
//! results (`sheet`); publicity, objections and the calendar (`publicity`); Excel exports
//! (`export`). Staff act through `review.manage`, experts through `review.score` on their own
//! assignments only, administrators override conflicts through `review.override`.

pub mod assign;
pub mod demo;
pub mod documents;
pub mod excel;
pub mod linked;
pub mod publicity;
pub mod sheet;

pub use sheji_store::review::{
    Assignment, CalendarDay, Campaign, CampaignFields, Expert, ExpertFields, Item, ItemFields, Objection, ResultRow,
    RubricVersion,
};

use crate::work::Work;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use serde_json::json;
use sheji_core::identity::{Affiliation, Permission, Principal, Role};
use sheji_core::ids::{CampaignId, ExpertId, ItemId, OrganizationId, RubricId};
use sheji_core::notification::Todo;
use sheji_core::page::{Page, PageRequest};
use sheji_core::registry::uscc::Uscc;
use sheji_core::review::score::{Rubric, Threshold};
use sheji_core::review::{CampaignStatus, SheetStatus};
use sheji_store::reference::Specialty;
use sheji_store::review as store;

use crate::audit::{Actor, Change};
use crate::{FieldError, ServiceError, Services, clip};

/// Longest name or title accepted.
const MAX_NAME: usize = 200;
/// Longest free text (bio, reasons, evidence).
const MAX_TEXT: usize = 5_000;

pub(crate) fn require(services: &Services, caller: &Principal, permission: Permission) -> Result<(), ServiceError> {
    if caller.can(permission, services.now()) { Ok(()) } else { Err(ServiceError::Forbidden) }
}

/// What the caller may do in the review engine: pages show exactly these, and the use cases
/// require the same permissions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReviewActions {
    /// Run campaigns: create, prepare, deploy, close, publish (staff).
    pub manage: bool,
    /// Let an expert score despite a declared or derived conflict, with a reason.
    pub override_conflicts: bool,
}

/// The caller's review actions.
pub fn actions(services: &Services, caller: &Principal) -> ReviewActions {
    let now = services.now();
    ReviewActions {
        manage: caller.can(Permission::ReviewManage, now),
        override_conflicts: caller.can(Permission::ReviewOverride, now),
    }
}

/// Whether a campaign's rubric is the notice-only one: a public notice without expert review,
/// whose page shows no scoring.
pub fn notice_only(rubric: &RubricVersion) -> bool {
    rubric.name == store::NOTICE_ONLY_RUBRIC
}

/// Every specialty (service categories, clusters), for forms and labels.
pub async fn specialties(services: &Services) -> Result<Vec<Specialty>, ServiceError> {
    Ok(sheji_store::reference::list_specialties(services.store()).await?)
}

/// Professional title names, for the expert form.
pub async fn title_names(services: &Services) -> Result<Vec<String>, ServiceError> {
    Ok(sheji_store::reference::list_title_names(services.store()).await?)
}

async fn check_specialties(
    services: &Services,
    codes: &BTreeSet<String>,
    field: &'static str,
    errors: &mut Vec<FieldError>,
) -> Result<(), ServiceError> {
    let known: BTreeSet<String> = specialties(services).await?.into_iter().map(|s| s.code).collect();
    if let Some(bad) = codes.iter().find(|c| !known.contains(*c)) {
        let mut e = FieldError::new(field, "review.unknown_specialty");
        e.args.push(("code", bad.clone()));
        errors.push(e);
    }
    Ok(())
}

/// What staff type into the expert form.
#[derive(Debug, Clone, Default)]
pub struct ExpertInput {
    /// The account's username (the expert signs in with it).
    pub username: String,
    /// Name shown.
    pub name: String,
    /// Professional title.
    pub title: Option<String>,
    /// Current employer's USCC.
    pub employer: Option<String>,
    /// District.
    pub district: Option<sheji_core::ids::DistrictId>,
    /// Short biography.
    pub bio: String,
    /// Most items per campaign.
    pub max_load: Option<u32>,
    /// Drawn at all.
    pub active: bool,
    /// Specialty codes.
    pub specialties: BTreeSet<String>,
    /// Availability windows.
    pub availability: Vec<(NaiveDate, NaiveDate)>,
}

/// What is wrong with an expert's record on its own, without the database (the form shows
/// these with its own reading errors, all at once).
pub fn check_expert(input: &ExpertInput) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if input.name.trim().is_empty() {
        errors.push(FieldError::new("name", "review.name_required"));
    }
    if !(1..=500).contains(&input.max_load.unwrap_or(DEFAULT_MAX_LOAD)) {
        errors.push(FieldError::new("max_load", "review.max_load_range"));
    }
    if input.specialties.is_empty() {
        errors.push(FieldError::new("specialties", "review.specialties_required"));
    }
    if input.availability.iter().any(|(from, to)| from > to) {
        errors.push(FieldError::new("availability", "review.period_order"));
    }
    errors
}

/// The most items an expert scores in one campaign when the form leaves it blank.
const DEFAULT_MAX_LOAD: u32 = 10;

async fn expert_fields(services: &Services, input: &ExpertInput) -> Result<ExpertFields, ServiceError> {
    let mut errors = check_expert(input);
    let name = clip(&input.name, 100);
    let max_load = input.max_load.unwrap_or(DEFAULT_MAX_LOAD);
    check_specialties(services, &input.specialties, "specialties", &mut errors).await?;
    let titles = title_names(services).await?;
    let title = input.title.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned);
    if title.as_ref().is_some_and(|t| !titles.contains(t)) {
        errors.push(FieldError::new("title", "review.unknown_title"));
    }
    let mut organization = None;
    if let Some(code) = input.employer.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        match Uscc::parse(code) {
            Ok(uscc) => match sheji_store::registry::library::find_state(services.store(), &uscc).await? {
                Some(state) => organization = Some(state.id),
                None => errors.push(FieldError::new("employer", "review.employer_unknown")),
            },
            Err(_) => errors.push(FieldError::new("employer", "review.employer_unknown")),
        }
    }
    if !errors.is_empty() {
        return Err(ServiceError::Fields(errors));
    }
    Ok(ExpertFields {
        name,
        title,
        organization,
        district: input.district,
        bio: clip(&input.bio, MAX_TEXT),
        max_load,
        active: input.active,
        specialties: input.specialties.clone(),
        availability: input.availability.clone(),
    })
}

fn expert_json(f: &ExpertFields) -> serde_json::Value {
    json!({
        "name": f.name, "title": f.title, "organization": f.organization, "district": f.district,
        "max_load": f.max_load, "active": f.active, "specialties": f.specialties,
        "availability": f.availability.iter().map(|(a, b)| format!("{a}..{b}")).collect::<Vec<_>>(),
    })
}

/// Adds an account to the expert pool and gives it the expert role if it lacks one.
pub async fn create_expert(
    services: &Services,
    caller: &Principal,
    input: &ExpertInput,
    ip: &str,
) -> Result<ExpertId, ServiceError> {
    require(services, caller, Permission::ReviewManage)?;
    let username = input.username.trim().to_lowercase();
    let account = sheji_store::identity::find_account_by_username(services.store(), &username)
        .await?
        .ok_or_else(|| ServiceError::Fields(vec![FieldError::new("username", "review.no_such_account")]))?;
    let fields = expert_fields(services, input).await?;
    if store::expert_of_account(services.store(), account.id).await?.is_some() {
        return Err(ServiceError::Fields(vec![FieldError::new("username", "review.expert_exists")]));
    }
    let now = services.now();
    let tx = Work::begin(services).await?;
    let id = store::insert_expert(&tx, account.id, &fields, now).await?;
    let affiliations = sheji_store::identity::list_affiliations(&tx, account.id).await?;
    if !affiliations.iter().any(|r| r.affiliation.role == Role::Expert) {
        let a = Affiliation { role: Role::Expert, organization: None, district: None, until: None };
        sheji_store::identity::add_affiliation(&tx, account.id, &a, now).await?;
    }
    let change = Change {
        action: "review.expert_create",
        target_type: "expert",
        target_id: id.to_string(),
        before: serde_json::Value::Null,
        after: json!({"account": account.username, "fields": expert_json(&fields)}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(id)
}

/// Changes an expert's record (the account stays).
pub async fn update_expert(
    services: &Services,
    caller: &Principal,
    id: ExpertId,
    input: &ExpertInput,
    ip: &str,
) -> Result<(), ServiceError> {
    require(services, caller, Permission::ReviewManage)?;
    let before =
        store::get_expert(services.store(), id).await?.ok_or(ServiceError::NotFound { key: "review.no_expert" })?;
    let fields = expert_fields(services, input).await?;
    if fields == before.fields {
        return Ok(());
    }
    let now = services.now();
    let tx = Work::begin(services).await?;
    store::update_expert(&tx, id, &before.fields, &fields, services.today(), now).await?;
    let change = Change {
        action: "review.expert_update",
        target_type: "expert",
        target_id: id.to_string(),
        before: expert_json(&before.fields),
        after: expert_json(&fields),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(())
}

/// An expert with the names a page shows.
#[derive(Debug, Clone)]
pub struct ExpertRow {
    /// The record.
    pub expert: Expert,
    /// The account's username.
    pub username: String,
    /// Current employer's name.
    pub employer: Option<String>,
    /// Past employers' names with their last day.
    pub past_employers: Vec<(String, NaiveDate)>,
}

async fn expert_rows(services: &Services, experts: Vec<Expert>) -> Result<Vec<ExpertRow>, ServiceError> {
    let orgs: BTreeSet<OrganizationId> = experts
        .iter()
        .flat_map(|e| e.fields.organization.into_iter().chain(e.past_employers.iter().map(|(o, _)| *o)))
        .collect();
    let names = sheji_store::registry::names(services.store(), &orgs).await?;
    let mut out = Vec::with_capacity(experts.len());
    for e in experts {
        let username = sheji_store::identity::find_account(services.store(), e.account)
            .await?
            .map(|a| a.username)
            .unwrap_or_default();
        out.push(ExpertRow {
            employer: e.fields.organization.and_then(|o| names.get(&o).cloned()),
            past_employers: e.past_employers.iter().filter_map(|(o, d)| Some((names.get(o)?.clone(), *d))).collect(),
            username,
            expert: e,
        });
    }
    Ok(out)
}

/// A page of the pool (staff).
pub async fn experts(
    services: &Services,
    caller: &Principal,
    specialty: Option<&str>,
    page: PageRequest,
) -> Result<Page<ExpertRow>, ServiceError> {
    require(services, caller, Permission::ReviewManage)?;
    let p = store::list_experts(services.store(), specialty, page).await?;
    let rows = expert_rows(services, p.items).await?;
    Ok(Page::new(rows, page, p.total))
}

/// One expert with their past reviews (staff).
pub async fn expert(
    services: &Services,
    caller: &Principal,
    id: ExpertId,
    page: PageRequest,
) -> Result<(ExpertRow, Page<sheet::MyReview>), ServiceError> {
    require(services, caller, Permission::ReviewManage)?;
    let e = store::get_expert(services.store(), id).await?.ok_or(ServiceError::NotFound { key: "review.no_expert" })?;
    let row = expert_rows(services, vec![e]).await?.pop().ok_or(ServiceError::NotFound { key: "review.no_expert" })?;
    let reviews = sheet::reviews_of(services, id, page).await?;
    Ok((row, reviews))
}

/// Saves a rubric as a new version (staff).
pub async fn save_rubric(
    services: &Services,
    caller: &Principal,
    name: &str,
    rubric: &Rubric,
    ip: &str,
) -> Result<RubricVersion, ServiceError> {
    require(services, caller, Permission::ReviewManage)?;
    let name = clip(name, 100);
    if name.is_empty() {
        return Err(ServiceError::Fields(vec![FieldError::new("name", "review.name_required")]));
    }
    let mut rubric = rubric.clone();
    for c in &mut rubric.criteria {
        c.name = clip(&c.name, 100);
        c.levels = c.levels.iter().map(|l| clip(l, 500)).filter(|l| !l.is_empty()).collect();
    }
    rubric.check().map_err(|e| {
        let mut f = FieldError::new("criteria", e.key());
        f.args = e.args();
        ServiceError::Fields(vec![f])
    })?;
    let now = services.now();
    let tx = Work::begin(services).await?;
    let saved = store::insert_rubric(&tx, &name, &rubric, &caller.username, now).await?;
    let change = Change {
        action: "review.rubric_save",
        target_type: "rubric",
        target_id: saved.id.to_string(),
        before: serde_json::Value::Null,
        after: json!({"name": saved.name, "version": saved.version, "criteria": rubric}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(saved)
}

/// A page of rubric versions (staff).
pub async fn rubrics(
    services: &Services,
    caller: &Principal,
    page: PageRequest,
) -> Result<Page<RubricVersion>, ServiceError> {
    require(services, caller, Permission::ReviewManage)?;
    Ok(store::list_rubrics(services.store(), page).await?)
}

/// One rubric version (staff).
pub async fn rubric(services: &Services, caller: &Principal, id: RubricId) -> Result<RubricVersion, ServiceError> {
    require(services, caller, Permission::ReviewManage)?;
    store::get_rubric(services.store(), id).await?.ok_or(ServiceError::NotFound { key: "review.no_rubric" })
}

/// What is wrong with a campaign's fields on their own (the form shows these with its own
/// reading errors, all at once).
pub fn check_campaign(f: &CampaignFields) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if f.name.trim().is_empty() {
        errors.push(FieldError::new("name", "review.name_required"));
    }
    if !(1..=15).contains(&f.reviewers_per_item) {
        errors.push(FieldError::new("reviewers_per_item", "review.reviewers_range"));
    }
    if f.deadline < f.period_start {
        errors.push(FieldError::new("deadline", "review.deadline_order"));
    }
    if f.conflict_years > 10 {
        errors.push(FieldError::new("conflict_years", "review.years_range"));
    }
    if f.max_load == 0 || f.min_load > f.max_load {
        errors.push(FieldError::new("max_load", "review.load_order"));
    }
    if !(1..=30).contains(&f.publicity_days) {
        errors.push(FieldError::new("publicity_days", "review.publicity_range"));
    }
    if f.thresholds.iter().any(|t| t.grade.trim().is_empty() || !(0.0..=100.0).contains(&t.min)) {
        errors.push(FieldError::new("thresholds", "review.thresholds_invalid"));
    }
    if !(1..=50).contains(&f.outlier_pct) {
        errors.push(FieldError::new("outlier_pct", "review.outlier_pct_range"));
    }
    errors
}

/// Opens a campaign in draft (staff). The rubric version is frozen with it.
pub async fn create_campaign(
    services: &Services,
    caller: &Principal,
    fields: &CampaignFields,
    ip: &str,
) -> Result<CampaignId, ServiceError> {
    require(services, caller, Permission::ReviewManage)?;
    let mut f = fields.clone();
    f.name = clip(&f.name, MAX_NAME);
    for t in &mut f.thresholds {
        t.grade = clip(&t.grade, 32);
    }
    let mut errors = check_campaign(&f);
    if store::get_rubric(services.store(), f.rubric).await?.is_none() {
        errors.push(FieldError::new("rubric", "review.no_rubric"));
    }
    if !errors.is_empty() {
        return Err(ServiceError::Fields(errors));
    }
    let now = services.now();
    let tx = Work::begin(services).await?;
    let id = store::insert_campaign(&tx, &f, &caller.username, now).await?;
    let change = Change {
        action: "review.campaign_create",
        target_type: "review_campaign",
        target_id: id.to_string(),
        before: serde_json::Value::Null,
        after: campaign_json(&f),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(id)
}

fn campaign_json(f: &CampaignFields) -> serde_json::Value {
    json!({
        "name": f.name, "rubric": f.rubric, "reviewers_per_item": f.reviewers_per_item, "blind": f.blind,
        "aggregation": f.aggregation.code(), "thresholds": f.thresholds, "period_start": f.period_start,
        "deadline": f.deadline, "conflict_years": f.conflict_years, "forbid_repeat": f.forbid_repeat,
        "require_match": f.require_match, "min_load": f.min_load, "max_load": f.max_load,
        "publicity_days": f.publicity_days, "outlier_pct": f.outlier_pct,
    })
}

/// The review work waiting for the caller: an expert's sheets to hand in before each
/// deadline, and staff's objections to decide in notices they run.
pub async fn todos(services: &Services, caller: &Principal) -> Result<Vec<Todo>, ServiceError> {
    let now = services.now();
    let mut out = Vec::new();
    if caller.can(Permission::ReviewScore, now)
        && let Some(me) = store::expert_of_account(services.store(), caller.account).await?
    {
        let mine = sheet::reviews_of(services, me.id, PageRequest::new(Some(1), Some(200))).await?;
        let open: Vec<&sheet::MyReview> = mine
            .items
            .iter()
            .filter(|r| r.status == CampaignStatus::Scoring && r.assignment.sheet_status == SheetStatus::Draft)
            .collect();
        if let Some(due) = open.iter().map(|r| r.deadline).min() {
            out.push(Todo {
                key: "review.todo.sheets",
                args: vec![("n", open.len().to_string())],
                due: Some(due),
                href: "/reviews".to_owned(),
            });
        }
    }
    if caller.can(Permission::ReviewManage, now) {
        let notices =
            store::list_campaigns(services.store(), &[CampaignStatus::Publicity], PageRequest::new(Some(1), Some(50)))
                .await?;
        for c in notices.items {
            let n = store::open_objections(services.store(), c.id).await?;
            if n > 0 {
                out.push(Todo {
                    key: "review.todo.objections",
                    args: vec![("n", n.to_string()), ("campaign", c.fields.name.clone())],
                    due: c.publicity.map(|(_, last)| last),
                    href: format!("/admin/reviews/{}", c.id),
                });
            }
        }
    }
    Ok(out)
}

/// A page of campaigns (staff).
pub async fn campaigns(
    services: &Services,
    caller: &Principal,
    page: PageRequest,
) -> Result<Page<Campaign>, ServiceError> {
    require(services, caller, Permission::ReviewManage)?;
    Ok(store::list_campaigns(services.store(), &[], page).await?)
}

pub(crate) async fn load_campaign(services: &Services, id: CampaignId) -> Result<Campaign, ServiceError> {
    store::get_campaign(services.store(), id).await?.ok_or(ServiceError::NotFound { key: "review.no_campaign" })
}

/// One campaign with its frozen rubric (staff).
pub async fn campaign(
    services: &Services,
    caller: &Principal,
    id: CampaignId,
) -> Result<(Campaign, RubricVersion), ServiceError> {
    require(services, caller, Permission::ReviewManage)?;
    let c = load_campaign(services, id).await?;
    let r = store::get_rubric(services.store(), c.fields.rubric)
        .await?
        .ok_or(ServiceError::NotFound { key: "review.no_rubric" })?;
    Ok((c, r))
}

/// An item as entered by staff: the organization by USCC.
#[derive(Debug, Clone, Default)]
pub struct ItemInput {
    /// Title.
    pub title: String,
    /// USCCs of the organizations behind it, the applicant first.
    pub organizations: Vec<String>,
    /// Specialty codes.
    pub specialties: BTreeSet<String>,
    /// Team members' names.
    pub team: Vec<String>,
    /// Subject key across rounds.
    pub subject: Option<String>,
}

/// Turns inputs into items, checking each; errors name the row (1-based) when there are several.
pub(crate) async fn item_fields(
    services: &Services,
    inputs: &[ItemInput],
) -> Result<Result<Vec<ItemFields>, Vec<(usize, FieldError)>>, ServiceError> {
    let known: BTreeSet<String> = specialties(services).await?.into_iter().map(|s| s.code).collect();
    let mut out = Vec::with_capacity(inputs.len());
    let mut errors = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        let title = clip(&input.title, MAX_NAME);
        if title.is_empty() {
            errors.push((i + 1, FieldError::new("title", "review.title_required")));
            continue;
        }
        if let Some(bad) = input.specialties.iter().find(|c| !known.contains(*c)) {
            let mut e = FieldError::new("specialties", "review.unknown_specialty");
            e.args.push(("code", bad.clone()));
            errors.push((i + 1, e));
            continue;
        }
        let mut organizations = Vec::new();
        let mut unknown = false;
        for code in input.organizations.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
            let found = match Uscc::parse(code) {
                Ok(uscc) => sheji_store::registry::library::find_state(services.store(), &uscc).await?.map(|s| s.id),
                Err(_) => None,
            };
            match found {
                Some(id) => organizations.push(id),
                None => unknown = true,
            }
        }
        if unknown {
            errors.push((i + 1, FieldError::new("organization", "review.employer_unknown")));
            continue;
        }
        out.push(ItemFields {
            title,
            subject: input.subject.as_deref().map(|s| clip(s, 100)).filter(|s| !s.is_empty()),
            organizations,
            specialties: input.specialties.clone(),
            team: input.team.iter().map(|t| clip(t, 50)).filter(|t| !t.is_empty()).take(50).collect(),
        });
    }
    Ok(if errors.is_empty() { Ok(out) } else { Err(errors) })
}

/// Adds items to a campaign still in draft (staff).
pub async fn add_items(
    services: &Services,
    caller: &Principal,
    id: CampaignId,
    inputs: &[ItemInput],
    ip: &str,
) -> Result<usize, ServiceError> {
    require(services, caller, Permission::ReviewManage)?;
    let c = load_campaign(services, id).await?;
    if c.status != CampaignStatus::Draft {
        return Err(ServiceError::Conflict { key: "review.not_draft" });
    }
    let items = match item_fields(services, inputs).await? {
        Ok(items) => items,
        Err(mut errors) if inputs.len() == 1 => {
            return Err(ServiceError::Fields(errors.drain(..).map(|(_, e)| e).collect()));
        }
        Err(errors) => return Err(ServiceError::Rows { key: "review.items_invalid", rows: errors }),
    };
    if items.is_empty() {
        return Ok(0);
    }
    let now = services.now();
    let tx = Work::begin(services).await?;
    store::insert_items(&tx, id, &items, now).await?;
    let change = Change {
        action: "review.items_add",
        target_type: "review_campaign",
        target_id: id.to_string(),
        before: serde_json::Value::Null,
        after: json!(items.iter().map(|i| json!({"title": i.title, "organizations": i.organizations, "specialties": i.specialties, "team": i.team, "subject": i.subject})).collect::<Vec<_>>()),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(items.len())
}

/// An item with the organization's name, for pages.
#[derive(Debug, Clone)]
pub struct ItemRow {
    /// The item.
    pub item: Item,
    /// Names of the organizations behind it, joined by 、.
    pub organization: Option<String>,
}

pub(crate) async fn item_rows(services: &Services, items: Vec<Item>) -> Result<Vec<ItemRow>, ServiceError> {
    let orgs: BTreeSet<OrganizationId> = items.iter().flat_map(|i| i.fields.organizations.iter().copied()).collect();
    let names: HashMap<OrganizationId, String> = sheji_store::registry::names(services.store(), &orgs).await?;
    Ok(items
        .into_iter()
        .map(|item| {
            let list: Vec<&str> =
                item.fields.organizations.iter().filter_map(|o| names.get(o).map(String::as_str)).collect();
            ItemRow { organization: (!list.is_empty()).then(|| list.join("、")), item }
        })
        .collect())
}

/// A page of a campaign's items (staff).
pub async fn items(
    services: &Services,
    caller: &Principal,
    id: CampaignId,
    page: PageRequest,
) -> Result<Page<ItemRow>, ServiceError> {
    require(services, caller, Permission::ReviewManage)?;
    load_campaign(services, id).await?;
    let p = store::list_items(services.store(), id, page).await?;
    Ok(Page::new(item_rows(services, p.items).await?, page, p.total))
}

/// Grade thresholds from text lines "一等 85" (one per line); the web form and the CLI share it.
pub fn parse_thresholds(text: &str) -> Result<Vec<Threshold>, ServiceError> {
    let mut out = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let line: String = line.chars().map(sheji_core::registry::to_half_width).collect();
        let (grade, min) = line
            .rsplit_once([' ', '\t', ':', '='])
            .ok_or_else(|| ServiceError::Fields(vec![FieldError::new("thresholds", "review.thresholds_invalid")]))?;
        let min: f64 = min
            .trim()
            .parse()
            .map_err(|_| ServiceError::Fields(vec![FieldError::new("thresholds", "review.thresholds_invalid")]))?;
        out.push(Threshold { grade: grade.trim().to_owned(), min });
    }
    Ok(out)
}

/// Names of specialties by code, for labels.
pub async fn specialty_names(services: &Services) -> Result<BTreeMap<String, String>, ServiceError> {
    Ok(specialties(services).await?.into_iter().map(|s| (s.code, s.name)).collect())
}

/// Which item of a campaign (404 if it belongs to another).
pub(crate) async fn load_item(services: &Services, campaign: CampaignId, item: ItemId) -> Result<Item, ServiceError> {
    store::get_item(services.store(), item)
        .await?
        .filter(|i| i.campaign == campaign)
        .ok_or(ServiceError::NotFound { key: "review.no_item" })
}

/// Names of experts by id (staff).
pub async fn expert_names(
    services: &Services,
    caller: &Principal,
    ids: BTreeSet<ExpertId>,
) -> Result<BTreeMap<ExpertId, String>, ServiceError> {
    require(services, caller, Permission::ReviewManage)?;
    Ok(store::experts_by_id(services.store(), &ids).await?.into_iter().map(|(id, e)| (id, e.fields.name)).collect())
}

/// Names of organizations by id (public: names are public fields).
pub async fn organization_names(
    services: &Services,
    ids: BTreeSet<OrganizationId>,
) -> Result<BTreeMap<OrganizationId, String>, ServiceError> {
    Ok(sheji_store::registry::names(services.store(), &ids).await?.into_iter().collect())
}

/// Active, unsubmitted assignments of a campaign: (assignment, item title, expert name), for
/// the swap form (staff).
pub async fn open_assignments(
    services: &Services,
    caller: &Principal,
    id: CampaignId,
) -> Result<Vec<(i32, String, String)>, ServiceError> {
    require(services, caller, Permission::ReviewManage)?;
    let all = store::campaign_assignments(services.store(), id).await?;
    let open: Vec<store::Assignment> = all
        .into_iter()
        .filter(|a| {
            a.status == sheji_core::review::AssignmentStatus::Active
                && a.sheet_status == sheji_core::review::SheetStatus::Draft
        })
        .collect();
    let experts = store::experts_by_id(services.store(), &open.iter().map(|a| a.expert).collect()).await?;
    let items = store::items_by_id(services.store(), &open.iter().map(|a| a.item).collect()).await?;
    Ok(open
        .into_iter()
        .map(|a| {
            let title = items.get(&a.item).map(|i| i.fields.title.clone()).unwrap_or_default();
            let name = experts.get(&a.expert).map(|e| e.fields.name.clone()).unwrap_or_default();
            (a.id, title, name)
        })
        .collect())
}

/// Records a cooperation between two organizations (a signed contract), inside the unit of
/// work that signs it: an expert employed by either is in conflict with the other for the
/// years the conflict rule counts.
pub(crate) async fn record_cooperation(
    tx: &crate::work::Work,
    a: sheji_core::ids::OrganizationId,
    b: sheji_core::ids::OrganizationId,
    title: &str,
    on: chrono::NaiveDate,
) -> Result<(), ServiceError> {
    Ok(sheji_store::review::insert_cooperation(tx, a, b, title, on, tx.now()).await?)
}
