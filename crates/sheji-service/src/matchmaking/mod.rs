//! Matchmaking (供需对接): manufacturers publish design demands (reviewed by their district's
//! branch first), providers publish offers, and the platform ranks each side for the other
//! with a score whose parts it explains. Either side expresses interest; the other accepts or
//! declines with a reason, and both are told. A demand's details beyond its public summary
//! open only to its organization, the staff whose scope reaches its district, and providers
//! whose interest it accepted.

pub(crate) mod demo;
pub mod guide;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde_json::json;
use sheji_core::identity::{Permission, Principal, Role, Scope};
use sheji_core::ids::{ClusterId, DistrictId, OrganizationId};
use sheji_core::matchmaking::{
    self as core, DemandAction, DemandDraft, DemandStatus, DemandTraits, InterestStatus, Match, OfferAction,
    OfferDraft, OfferStatus, OfferTraits, Party, Side,
};
use sheji_core::notification::{MessageKind, Todo};
use sheji_core::page::{Page, PageRequest};
use sheji_core::search::{Dimension, DocType, Document};
use sheji_store::matchmaking as store;
pub use sheji_store::matchmaking::{Demand, DemandFilter, Interest, Offer, OfferFilter};

use crate::audit::{Actor, Change};
use crate::clip;
use crate::notification::{Audience, Note};
use crate::work::Work;
use crate::{FieldError, ServiceError, Services};

/// Matches shown for one record at most.
pub const MAX_MATCHES: usize = 50;
/// Matches shown when the caller does not say.
pub const DEFAULT_MATCHES: usize = 10;

fn now_roles(services: &Services, caller: &Principal) -> BTreeSet<Role> {
    caller.roles(services.now())
}

/// Whether an API token (if that is how the caller came) was given `permission`: an
/// organization's people act here through their affiliation, so a token limited to other
/// functions must not carry it.
fn token_allows(caller: &Principal, permission: Permission) -> bool {
    caller.token_permissions.as_ref().is_none_or(|p| p.contains(&permission))
}

/// The organization the caller administers (writes demands and offers for), if any.
pub(crate) fn admin_of(services: &Services, caller: &Principal) -> Option<OrganizationId> {
    if !token_allows(caller, Permission::RegistryEdit) {
        return None;
    }
    let now = services.now();
    caller.affiliations.iter().find(|a| a.role == Role::OrgAdmin && a.in_force(now)).and_then(|a| a.organization)
}

/// The organization the caller belongs to (administrator or member), if any.
pub(crate) fn member_of(services: &Services, caller: &Principal) -> Option<OrganizationId> {
    if !token_allows(caller, Permission::RegistryReadPrivate) {
        return None;
    }
    let now = services.now();
    caller
        .affiliations
        .iter()
        .find(|a| matches!(a.role, Role::OrgAdmin | Role::OrgMember) && a.in_force(now))
        .and_then(|a| a.organization)
}

/// A designer acting in their own name (not through an API token: no function covers it yet).
pub(crate) fn is_designer(services: &Services, caller: &Principal) -> bool {
    caller.token_permissions.is_none() && now_roles(services, caller).contains(&Role::Designer)
}

pub(crate) fn staff_scope(services: &Services, caller: Option<&Principal>) -> Scope {
    caller.map_or_else(Scope::none, |c| c.scope(Permission::MatchmakingManage, services.now()))
}

/// Whose demands and offers the caller reads: their organization's, and their own as a
/// designer.
fn party_of(services: &Services, caller: &Principal) -> store::Party {
    store::Party {
        organization: member_of(services, caller),
        account: is_designer(services, caller).then_some(caller.account),
    }
}

/// Whose interests the caller answers: their organization's as its administrator, and their
/// own as a designer.
fn answering_party(services: &Services, caller: &Principal) -> store::Party {
    store::Party {
        organization: admin_of(services, caller),
        account: is_designer(services, caller).then_some(caller.account),
    }
}

fn fields(problems: Vec<core::FieldProblem>) -> Result<(), ServiceError> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ServiceError::Fields(problems.into_iter().map(|(f, k)| FieldError::new(f, k)).collect()))
    }
}

/// What the forms offer to choose from.
#[derive(Debug, Clone, Default)]
pub struct Choices {
    /// Service categories: (code, name, group), in list order.
    pub categories: Vec<(String, String, String)>,
    /// Clusters: (id, name), in list order.
    pub clusters: Vec<(ClusterId, String)>,
    /// GB/T 4754 divisions: (code, name).
    pub divisions: Vec<(String, String)>,
}

/// The lists the forms and filters choose from (reference data).
pub async fn choices(services: &Services) -> Result<Choices, ServiceError> {
    let mut c = Choices::default();
    for s in sheji_store::reference::list_specialties(services.store()).await? {
        if let Some(code) = s.code.strip_prefix("svc:") {
            c.categories.push((code.to_owned(), s.name, s.group));
        } else if let Some(id) = s.code.strip_prefix("cluster:").and_then(|i| i.parse().ok()) {
            c.clusters.push((ClusterId(id), s.name));
        }
    }
    c.divisions = crate::reference::industry_divisions(services).await?;
    Ok(c)
}

/// Checks the reference codes a record names: every category and cluster must exist.
fn check_codes(
    c: &Choices,
    categories: &BTreeSet<String>,
    clusters: &BTreeSet<ClusterId>,
    division: Option<&str>,
) -> Vec<core::FieldProblem> {
    let mut out = Vec::new();
    if categories.iter().any(|code| !c.categories.iter().any(|(k, _, _)| k == code)) {
        out.push(("categories", "matchmaking.unknown_category"));
    }
    let cluster_field = if clusters.len() > 1 { "clusters" } else { "cluster" };
    if clusters.iter().any(|id| !c.clusters.iter().any(|(k, _)| k == id)) {
        out.push((cluster_field, "matchmaking.unknown_cluster"));
    }
    if division.is_some_and(|d| !c.divisions.iter().any(|(k, _)| k == d)) {
        out.push(("industry_code", "matchmaking.unknown_division"));
    }
    out
}

/// Reads a list of credit codes (one per line, or separated by commas) into organizations;
/// an unknown or malformed code is a field error naming it.
async fn excluded_orgs(
    services: &Services,
    field: &'static str,
    text: &str,
) -> Result<BTreeSet<OrganizationId>, ServiceError> {
    let mut out = BTreeSet::new();
    let codes: Vec<&str> = text.split(['\n', ',', '，', ';']).map(str::trim).filter(|s| !s.is_empty()).collect();
    if codes.len() > core::MAX_EXCLUDED {
        return Err(ServiceError::Fields(vec![FieldError {
            field,
            key: "matchmaking.excluded_too_many",
            args: vec![("max", core::MAX_EXCLUDED.to_string())],
        }]));
    }
    for code in codes {
        let found = match sheji_core::registry::uscc::Uscc::parse(code) {
            Ok(u) => crate::registry::find_by_uscc(services, &u).await?,
            Err(_) => None,
        };
        match found {
            Some(org) => {
                out.insert(org.id);
            }
            None => {
                return Err(ServiceError::Fields(vec![FieldError {
                    field,
                    key: "matchmaking.excluded_unknown",
                    args: vec![("code", clip(code, 40))],
                }]));
            }
        }
    }
    Ok(out)
}

fn clip_demand(d: &DemandDraft) -> DemandDraft {
    DemandDraft {
        title: d.title.trim().to_owned(),
        product: d.product.trim().to_owned(),
        summary: d.summary.trim().to_owned(),
        details: d.details.trim().to_owned(),
        deliverables: d.deliverables.trim().to_owned(),
        ip_terms: d.ip_terms.trim().to_owned(),
        ..d.clone()
    }
}

async fn check_demand_input(
    services: &Services,
    d: &DemandDraft,
    excluded: &str,
    complete: bool,
) -> Result<BTreeSet<OrganizationId>, ServiceError> {
    let (orgs, errors) = demand_problems_and_exclusions(services, d, excluded, complete).await?;
    if errors.is_empty() { Ok(orgs) } else { Err(ServiceError::Fields(errors)) }
}

async fn demand_problems_and_exclusions(
    services: &Services,
    d: &DemandDraft,
    excluded: &str,
    complete: bool,
) -> Result<(BTreeSet<OrganizationId>, Vec<FieldError>), ServiceError> {
    let c = choices(services).await?;
    let mut problems = core::check_demand(d, services.today(), complete);
    problems.extend(check_codes(&c, &d.categories, &d.cluster.into_iter().collect(), d.industry_code.as_deref()));
    with_exclusions(services, problems, excluded).await
}

/// The organizations a record excludes, and every problem of the record's fields with those
/// of its exclusion list (an unknown credit code is one more problem, not a stop).
async fn with_exclusions(
    services: &Services,
    problems: Vec<core::FieldProblem>,
    excluded: &str,
) -> Result<(BTreeSet<OrganizationId>, Vec<FieldError>), ServiceError> {
    let mut errors: Vec<FieldError> = problems.into_iter().map(|(f, k)| FieldError::new(f, k)).collect();
    let orgs = match excluded_orgs(services, "excluded", excluded).await {
        Ok(o) => o,
        Err(ServiceError::Fields(more)) => {
            errors.extend(more);
            BTreeSet::new()
        }
        Err(e) => return Err(e),
    };
    Ok((orgs, errors))
}

/// Every problem with a demand's fields (as [`create_demand`] would report them), for a form
/// that already found others while reading its values: all are shown at once.
pub async fn demand_problems(
    services: &Services,
    d: &DemandDraft,
    excluded: &str,
    complete: bool,
) -> Result<Vec<FieldError>, ServiceError> {
    Ok(demand_problems_and_exclusions(services, &clip_demand(d), excluded, complete).await?.1)
}

/// Writes a new demand as a draft for the caller's organization (its administrator).
/// `complete` checks it as for submission (the form's "save and submit"), so every problem
/// shows at once.
pub async fn create_demand(
    services: &Services,
    caller: &Principal,
    d: &DemandDraft,
    excluded: &str,
    complete: bool,
    ip: &str,
) -> Result<i32, ServiceError> {
    let org = admin_of(services, caller).ok_or(ServiceError::Forbidden)?;
    let d = clip_demand(d);
    let excluded = check_demand_input(services, &d, excluded, complete).await?;
    let district = crate::registry::get(services, Some(caller), org).await?.public.district_id;
    let tx = Work::begin(services).await?;
    let id = store::insert_demand(&tx, org, district, &d, &excluded, &caller.username, tx.now()).await?;
    sheji_store::search::enqueue(&tx, DocType::Demand, &[i64::from(id)], tx.now()).await?;
    let change = Change {
        action: "matchmaking.demand_create",
        target_type: "demand",
        target_id: id.to_string(),
        before: serde_json::Value::Null,
        after: demand_json(&d),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    services.forget_matchmaking_pool();
    Ok(id)
}

fn demand_json(d: &DemandDraft) -> serde_json::Value {
    json!({
        "title": d.title, "product": d.product, "categories": d.categories, "cluster": d.cluster,
        "budget": [d.budget_min, d.budget_max], "deadline": d.deadline,
        "modes": d.modes.iter().map(|m| m.code()).collect::<Vec<_>>(),
    })
}

/// Rewrites a draft or returned demand (its organization's administrator); `complete` as for
/// [`create_demand`].
pub async fn save_demand(
    services: &Services,
    caller: &Principal,
    id: i32,
    d: &DemandDraft,
    excluded: &str,
    complete: bool,
    ip: &str,
) -> Result<(), ServiceError> {
    let before = demand_for_owner(services, caller, id).await?;
    if !before.status.editable() {
        return Err(ServiceError::Conflict { key: "matchmaking.not_editable" });
    }
    let d = clip_demand(d);
    let excluded = check_demand_input(services, &d, excluded, complete).await?;
    let tx = Work::begin(services).await?;
    if !store::update_demand(&tx, id, &d, &excluded, tx.now()).await? {
        return Err(ServiceError::Conflict { key: "matchmaking.not_editable" });
    }
    sheji_store::search::enqueue(&tx, DocType::Demand, &[i64::from(id)], tx.now()).await?;
    let change = Change {
        action: "matchmaking.demand_edit",
        target_type: "demand",
        target_id: id.to_string(),
        before: demand_json(&before.draft),
        after: demand_json(&d),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    services.forget_matchmaking_pool();
    Ok(())
}

async fn demand_for_owner(services: &Services, caller: &Principal, id: i32) -> Result<Demand, ServiceError> {
    let d = store::get_demand(services.store(), id)
        .await?
        .ok_or(ServiceError::NotFound { key: "matchmaking.no_demand" })?;
    if admin_of(services, caller) != Some(d.organization) {
        return Err(if may_read_demand(services, Some(caller), &d).await? {
            ServiceError::Forbidden
        } else {
            ServiceError::NotFound { key: "matchmaking.no_demand" }
        });
    }
    Ok(d)
}

/// Whether the caller sees the demand at all (its public fields at least).
async fn may_read_demand(services: &Services, caller: Option<&Principal>, d: &Demand) -> Result<bool, ServiceError> {
    if d.status.public() {
        return Ok(true);
    }
    private_reach(services, caller, d).await
}

/// Whether the caller reads the demand's private details: its organization, staff whose
/// scope reaches its district, and providers whose interest it accepted.
async fn private_reach(services: &Services, caller: Option<&Principal>, d: &Demand) -> Result<bool, ServiceError> {
    let Some(c) = caller else { return Ok(false) };
    if member_of(services, c) == Some(d.organization) {
        return Ok(true);
    }
    // A draft is the organization's own until it is submitted.
    if d.status != DemandStatus::Draft && staff_scope(services, caller).covers(Some(d.district), None) {
        return Ok(true);
    }
    // Providers see details only once the demand is public and their interest accepted.
    Ok(d.status.public() && store::accepted_for(services.store(), d.id, &party_of(services, c)).await?)
}

/// Stored files of a demand carry this owner type.
const FILE_OWNER: &str = "demand";
/// Attachments a demand holds at most.
pub const MAX_DEMAND_FILES: usize = 10;

/// Attaches a file (PDF, JPEG or PNG) to a draft or returned demand (its administrator).
/// Attachments are private details: they open to whoever reads those.
pub async fn attach(
    services: &Services,
    caller: &Principal,
    id: i32,
    name: &str,
    bytes: &[u8],
    ip: &str,
) -> Result<i32, ServiceError> {
    use sheji_core::files::{self as file_rules, FileKind};
    let d = demand_for_owner(services, caller, id).await?;
    if !d.status.editable() {
        return Err(ServiceError::Conflict { key: "matchmaking.not_editable" });
    }
    if sheji_store::files::of_owner(services.store(), FILE_OWNER, id).await?.len() >= MAX_DEMAND_FILES {
        return Err(ServiceError::Fields(vec![FieldError {
            field: "file",
            key: "matchmaking.too_many_files",
            args: vec![("max", MAX_DEMAND_FILES.to_string())],
        }]));
    }
    let kind = file_rules::check(bytes, &[FileKind::Pdf, FileKind::Jpeg, FileKind::Png])
        .map_err(|e| ServiceError::Fields(vec![FieldError::new("file", e.key())]))?;
    let files = services.files()?;
    let key = crate::crypto::file_key().map_err(ServiceError::internal)?;
    let name = file_rules::display_name(name);
    let tx = Work::begin(services).await?;
    let meta = sheji_store::files::NewFile {
        owner_type: FILE_OWNER,
        owner_id: id,
        purpose: "attachment",
        name: &name,
        content_type: kind.content_type(),
        uploaded_by: &caller.username,
    };
    let file = files.put(&tx, &meta, &key, bytes, tx.now()).await?;
    let change = Change {
        action: "matchmaking.file_upload",
        target_type: "demand",
        target_id: id.to_string(),
        before: serde_json::Value::Null,
        after: json!({"file": file, "name": name, "bytes": bytes.len()}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(file)
}

/// Removes an attachment from a draft or returned demand (its administrator); the demand's id.
pub async fn detach(services: &Services, caller: &Principal, file: i32, ip: &str) -> Result<i32, ServiceError> {
    let f = sheji_store::files::get(services.store(), file)
        .await?
        .filter(|f| f.owner_type == FILE_OWNER)
        .ok_or(ServiceError::NotFound { key: "files.not_found" })?;
    let d = demand_for_owner(services, caller, f.owner_id).await?;
    if !d.status.editable() {
        return Err(ServiceError::Conflict { key: "matchmaking.not_editable" });
    }
    let tx = Work::begin(services).await?;
    if !sheji_store::files::forget(&tx, file).await? {
        return Err(ServiceError::NotFound { key: "files.not_found" });
    }
    let change = Change {
        action: "matchmaking.file_remove",
        target_type: "demand",
        target_id: d.id.to_string(),
        before: json!({"file": file, "name": f.name}),
        after: serde_json::Value::Null,
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(d.id)
}

/// An attachment's bytes, for whoever reads the demand's private details (404 for anyone else).
pub async fn file(
    services: &Services,
    caller: &Principal,
    file: i32,
) -> Result<(sheji_store::files::StoredFile, Vec<u8>), ServiceError> {
    let f = sheji_store::files::get(services.store(), file)
        .await?
        .filter(|f| f.owner_type == FILE_OWNER)
        .ok_or(ServiceError::NotFound { key: "files.not_found" })?;
    let v = demand(services, Some(caller), f.owner_id)
        .await
        .map_err(|_| ServiceError::NotFound { key: "files.not_found" })?;
    if !v.private {
        return Err(ServiceError::NotFound { key: "files.not_found" });
    }
    let bytes = services.files()?.read(&f).await?;
    Ok((f, bytes))
}

/// A demand as a caller sees it.
#[derive(Debug, Clone)]
pub struct DemandView {
    /// The demand; `draft.details`, `deliverables`, `ip_terms` and `excluded` are emptied
    /// when the caller may not read them.
    pub demand: Demand,
    /// Its organization's name.
    pub organization: String,
    /// Its district's name.
    pub district: String,
    /// Whether the private fields are shown.
    pub private: bool,
    /// Workflow actions the caller may take, in button order.
    pub actions: Vec<DemandAction>,
    /// The caller may edit its fields.
    pub can_edit: bool,
    /// The caller may see the ranked providers.
    pub can_match: bool,
    /// The caller's published offers that may express interest (not yet linked).
    pub my_offers: Vec<(i32, String)>,
    /// Interests in it the caller may see (its organization and staff: all; a provider:
    /// its own).
    pub interests: Vec<InterestLine>,
    /// Its attachments, when the caller reads its private details.
    pub files: Vec<sheji_store::files::StoredFile>,
    /// The caller (its organization) may invite ranked providers.
    pub can_invite: bool,
    /// What the caller must do first to express interest, when they cannot yet.
    pub next_step: Option<NextStep>,
    /// Its district's branch reviews demands before publication.
    pub reviewed: bool,
}

/// What someone must do before they can express interest in a published demand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextStep {
    /// Sign in (a visitor).
    SignIn,
    /// Publish an offer (a provider with none, not yet connected to this demand).
    PublishOffer,
}

/// An interest with both sides named, and whether the caller may answer it.
#[derive(Debug, Clone)]
pub struct InterestLine {
    /// The interest.
    pub interest: Interest,
    /// The demand's title.
    pub demand_title: String,
    /// The demand's organization.
    pub demander: String,
    /// The offer's title.
    pub offer_title: String,
    /// The provider's name (organization or designer).
    pub provider: String,
    /// The caller may accept or decline it.
    pub can_answer: bool,
    /// … and accept it: both records are still published (a closed one only declines).
    pub can_accept: bool,
    /// The deal its acceptance opened.
    pub deal: Option<i32>,
}

/// Names of providers: the organization's, or the designer's display name.
async fn provider_names(services: &Services, offers: &[&Offer]) -> Result<BTreeMap<i32, String>, ServiceError> {
    let orgs: BTreeSet<OrganizationId> = offers.iter().filter_map(|o| o.organization).collect();
    let names = crate::registry::names(services, &orgs).await?;
    let mut out = BTreeMap::new();
    for o in offers {
        let name = match o.organization {
            Some(org) => names.get(&org).cloned().unwrap_or_default(),
            None => crate::identity::display_name(services, o.account).await?.unwrap_or_default(),
        };
        out.insert(o.id, name);
    }
    Ok(out)
}

/// Whether the caller owns the offer (its organization's administrator, or the designer
/// who wrote it).
fn owns_offer(services: &Services, caller: &Principal, o: &Offer) -> bool {
    match o.organization {
        Some(org) => admin_of(services, caller) == Some(org),
        None => o.account == caller.account && is_designer(services, caller),
    }
}

/// Whether the caller answers for the side of an interest that did not send it.
fn may_answer(services: &Services, caller: &Principal, i: &Interest, d: &Demand, o: &Offer) -> bool {
    i.status == InterestStatus::Pending
        && match i.side.other() {
            Side::Demander => admin_of(services, caller) == Some(d.organization),
            Side::Provider => owns_offer(services, caller, o),
        }
}

async fn lines(
    services: &Services,
    caller: Option<&Principal>,
    interests: Vec<Interest>,
) -> Result<Vec<InterestLine>, ServiceError> {
    let demands = store::demands_by_id(services.store(), &interests.iter().map(|i| i.demand).collect()).await?;
    let offers = store::offers_by_id(services.store(), &interests.iter().map(|i| i.offer).collect()).await?;
    let orgs: BTreeSet<OrganizationId> = demands.values().map(|d| d.organization).collect();
    let demanders = crate::registry::names(services, &orgs).await?;
    let providers = provider_names(services, &offers.values().collect::<Vec<_>>()).await?;
    let accepted: Vec<i32> = interests.iter().filter(|i| i.status == InterestStatus::Accepted).map(|i| i.id).collect();
    let deals = crate::cooperation::deals_of_interests(services, &accepted).await?;
    Ok(interests
        .into_iter()
        .filter_map(|i| {
            let d = demands.get(&i.demand)?;
            let o = offers.get(&i.offer)?;
            Some(InterestLine {
                can_answer: caller.is_some_and(|c| may_answer(services, c, &i, d, o)),
                can_accept: caller.is_some_and(|c| may_answer(services, c, &i, d, o))
                    && d.status == DemandStatus::Published
                    && o.status == OfferStatus::Published,
                demand_title: d.draft.title.clone(),
                demander: demanders.get(&d.organization).cloned().unwrap_or_default(),
                offer_title: o.draft.title.clone(),
                provider: providers.get(&o.id).cloned().unwrap_or_default(),
                deal: deals.get(&i.id).copied(),
                interest: i,
            })
        })
        .collect())
}

/// One demand for the caller: public fields for everyone once published, everything for
/// those [`private_reach`] admits; 404 for anyone else.
pub async fn demand(services: &Services, caller: Option<&Principal>, id: i32) -> Result<DemandView, ServiceError> {
    let mut d = store::get_demand(services.store(), id)
        .await?
        .ok_or(ServiceError::NotFound { key: "matchmaking.no_demand" })?;
    if !may_read_demand(services, caller, &d).await? {
        return Err(ServiceError::NotFound { key: "matchmaking.no_demand" });
    }
    let private = private_reach(services, caller, &d).await?;
    let owner = caller.is_some_and(|c| admin_of(services, c) == Some(d.organization));
    let staff = d.status != DemandStatus::Draft && staff_scope(services, caller).covers(Some(d.district), None);
    let mut actions = Vec::new();
    if owner {
        actions.extend(DemandAction::available(d.status, Party::Owner));
    }
    if staff {
        actions.extend(DemandAction::available(d.status, Party::Reviewer));
    }
    let interests = if owner || staff || caller.is_some_and(|c| member_of(services, c) == Some(d.organization)) {
        store::interests_of_demand(services.store(), id, None, 200).await?
    } else if let Some(c) = caller {
        store::interests_of_demand(services.store(), id, Some(&party_of(services, c)), 200).await?
    } else {
        Vec::new()
    };
    let my_offers = match caller {
        Some(c) if d.status == DemandStatus::Published => {
            let linked: BTreeSet<i32> = interests.iter().map(|i| i.offer).collect();
            published_offers_of(services, c)
                .await?
                .into_iter()
                .filter(|o| !linked.contains(&o.id) && o.organization != Some(d.organization))
                .map(|o| (o.id, o.draft.title))
                .collect()
        }
        _ => Vec::new(),
    };
    if !private {
        d.draft.details.clear();
        d.draft.ip_terms.clear();
        d.excluded.clear();
        d.review_note = None;
    }
    let files =
        if private { sheji_store::files::of_owner(services.store(), FILE_OWNER, id).await? } else { Vec::new() };
    let published = d.status == DemandStatus::Published;
    let next_step = match caller {
        _ if !published || !my_offers.is_empty() => None,
        None => Some(NextStep::SignIn),
        // A provider sees only its own interests here: any means it is already connected.
        Some(c) => {
            (self::actions(services, Some(c)).offer && !owner && interests.is_empty()).then_some(NextStep::PublishOffer)
        }
    };
    let organization = crate::registry::names(services, &[d.organization].into_iter().collect())
        .await?
        .remove(&d.organization)
        .unwrap_or_default();
    let district = crate::reference::get_district(services, d.district).await.map(|x| x.name).unwrap_or_default();
    let reviewed = reviews(services, d.district).await?;
    Ok(DemandView {
        reviewed,
        can_edit: owner && d.status.editable(),
        can_match: (owner || staff) && published,
        can_invite: owner && published,
        next_step,
        interests: lines(services, caller, interests).await?,
        demand: d,
        organization,
        district,
        private,
        actions,
        my_offers,
        files,
    })
}

/// The caller's own published offers (those they may speak for).
async fn published_offers_of(services: &Services, caller: &Principal) -> Result<Vec<Offer>, ServiceError> {
    let f = OfferFilter {
        statuses: vec![OfferStatus::Published],
        organization: admin_of(services, caller),
        account: is_designer(services, caller).then_some(caller.account),
        ..Default::default()
    };
    if f.organization.is_none() && f.account.is_none() {
        return Ok(Vec::new());
    }
    Ok(store::list_offers(services.store(), &f, PageRequest::new(Some(1), Some(200)))
        .await?
        .items
        .into_iter()
        .filter(|o| owns_offer(services, caller, o))
        .collect())
}

/// Takes a workflow action on a demand. A return needs a reason; submitting checks that the
/// demand is complete; the branch is told of a submission, the organization of the outcome.
pub async fn act_on_demand(
    services: &Services,
    caller: &Principal,
    id: i32,
    action: DemandAction,
    reason: &str,
    ip: &str,
) -> Result<DemandStatus, ServiceError> {
    let view = demand(services, Some(caller), id).await?;
    if !view.actions.contains(&action) {
        return Err(if view.demand.status.public() || view.private {
            ServiceError::Conflict { key: "matchmaking.action_closed" }
        } else {
            ServiceError::NotFound { key: "matchmaking.no_demand" }
        });
    }
    let d = store::get_demand(services.store(), id)
        .await?
        .ok_or(ServiceError::NotFound { key: "matchmaking.no_demand" })?;
    let reason = clip(reason.trim(), 2_000);
    if action.needs_reason() && reason.is_empty() {
        return Err(ServiceError::Fields(vec![FieldError::new("reason", "matchmaking.reason_required")]));
    }
    if action == DemandAction::Submit {
        check_demand_input(services, &d.draft, "", true).await?;
    }
    // Published past its deadline, it would expire the same night: return it instead.
    if action == DemandAction::Approve && d.draft.deadline.is_some_and(|day| day < services.today()) {
        return Err(ServiceError::Conflict { key: "matchmaking.deadline_passed" });
    }
    let mut to = action.next(d.status).ok_or(ServiceError::Conflict { key: "matchmaking.action_closed" })?;
    // A district whose branch chose not to review publishes a complete demand at once.
    if action == DemandAction::Submit && !reviews(services, d.district).await? {
        to = DemandStatus::Published;
    }
    let tx = Work::begin(services).await?;
    let note = (action.needs_reason() && !reason.is_empty()).then(|| reason.clone());
    if !store::move_demand(&tx, id, d.status, to, note, tx.now()).await? {
        return Err(ServiceError::Conflict { key: "matchmaking.action_closed" });
    }
    sheji_store::search::enqueue(&tx, DocType::Demand, &[i64::from(id)], tx.now()).await?;
    let href = format!("/demands/{id}");
    let message = match action {
        DemandAction::Submit if to == DemandStatus::Published => Some((
            vec![Audience::DistrictStaff(d.district)],
            MessageKind::Progressed,
            "matchmaking.msg.published_unreviewed",
        )),
        DemandAction::Submit => {
            Some((vec![Audience::DistrictStaff(d.district)], MessageKind::Progressed, "matchmaking.msg.submitted"))
        }
        DemandAction::Approve => {
            Some((vec![Audience::OrgAdmins(d.organization)], MessageKind::Progressed, "matchmaking.msg.published"))
        }
        DemandAction::Return => {
            Some((vec![Audience::OrgAdmins(d.organization)], MessageKind::Returned, "matchmaking.msg.returned"))
        }
        DemandAction::Fill | DemandAction::Withdraw => None,
    };
    if let Some((to, kind, key)) = message {
        let note = Note {
            kind,
            key,
            args: vec![("title", d.draft.title.clone()), ("reason", reason.clone())],
            href,
            once: None,
        };
        crate::notification::send(&tx, tx.now(), &to, &note).await?;
    }
    let change = Change {
        action: "matchmaking.demand_move",
        target_type: "demand",
        target_id: id.to_string(),
        before: json!({"status": d.status.code()}),
        after: json!({"status": to.code(), "action": action.code(), "reason": reason}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    services.forget_matchmaking_pool();
    Ok(to)
}

/// Whether the district's branch reviews demands before they are published (the default).
pub async fn reviews(services: &Services, district: DistrictId) -> Result<bool, ServiceError> {
    Ok(!store::unreviewed_districts(services.store()).await?.contains(&district))
}

/// The districts in the caller's `matchmaking.manage` scope with whether each reviews demands.
pub async fn district_reviews(
    services: &Services,
    caller: &Principal,
) -> Result<Vec<(DistrictId, String, bool)>, ServiceError> {
    let scope = staff_scope(services, Some(caller));
    if scope.is_none() {
        return Err(ServiceError::Forbidden);
    }
    let off = store::unreviewed_districts(services.store()).await?;
    Ok(sheji_store::reference::list_active_districts(services.store())
        .await?
        .into_iter()
        .filter(|d| scope.covers(Some(d.id), None))
        .map(|d| (d.id, d.name, !off.contains(&d.id)))
        .collect())
}

/// Sets which of the caller's districts review demands (`reviewing`: those that do; the other
/// districts of the caller's scope do not).
pub async fn set_district_reviews(
    services: &Services,
    caller: &Principal,
    reviewing: &BTreeSet<DistrictId>,
    ip: &str,
) -> Result<usize, ServiceError> {
    let current = district_reviews(services, caller).await?;
    let changed: Vec<(DistrictId, bool)> =
        current.iter().filter(|(id, _, now)| reviewing.contains(id) != *now).map(|(id, _, now)| (*id, !now)).collect();
    if changed.is_empty() {
        return Ok(0);
    }
    let tx = Work::begin(services).await?;
    for (district, review) in &changed {
        store::set_district_review(&tx, *district, *review, &caller.username, tx.now()).await?;
    }
    let change = Change {
        action: "matchmaking.district_review",
        target_type: "district",
        target_id: changed.iter().map(|(d, _)| d.to_string()).collect::<Vec<_>>().join(","),
        before: serde_json::Value::Null,
        after: json!(changed.iter().map(|(d, r)| json!({"district": d.get(), "review": r})).collect::<Vec<_>>()),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(changed.len())
}

/// Where lists look: the public sees published demands; staff their scope in any state.
pub fn public_statuses() -> Vec<DemandStatus> {
    vec![DemandStatus::Published]
}

/// A page of demands with their organizations' and districts' names.
#[derive(Debug, Clone)]
pub struct DemandLine {
    /// The demand (public fields only are read from it by lists).
    pub demand: Demand,
    /// Its organization.
    pub organization: String,
}

async fn demand_lines(services: &Services, page: Page<Demand>) -> Result<Page<DemandLine>, ServiceError> {
    let orgs: BTreeSet<OrganizationId> = page.items.iter().map(|d| d.organization).collect();
    let names = crate::registry::names(services, &orgs).await?;
    let req = PageRequest::new(Some(page.page), Some(page.per_page));
    let total = page.total;
    let items = page
        .items
        .into_iter()
        .map(|mut d| {
            d.draft.details.clear();
            d.draft.ip_terms.clear();
            d.excluded.clear();
            DemandLine { organization: names.get(&d.organization).cloned().unwrap_or_default(), demand: d }
        })
        .collect();
    Ok(Page::new(items, req, total))
}

/// The public list of demands: published ones, filtered.
pub async fn public_demands(
    services: &Services,
    filter: &DemandFilter,
    page: PageRequest,
) -> Result<Page<DemandLine>, ServiceError> {
    let f = DemandFilter { statuses: public_statuses(), organization: None, ..filter.clone() };
    demand_lines(services, store::list_demands(services.store(), &f, page).await?).await
}

/// The staff list: every state, in the caller's districts (all for city-wide staff).
pub async fn staff_demands(
    services: &Services,
    caller: &Principal,
    filter: &DemandFilter,
    page: PageRequest,
) -> Result<Page<DemandLine>, ServiceError> {
    let scope = staff_scope(services, Some(caller));
    if scope.is_none() {
        return Err(ServiceError::Forbidden);
    }
    let mut f = filter.clone();
    // Drafts stay with their organizations; staff see what was submitted.
    let submitted: Vec<DemandStatus> =
        DemandStatus::ALL.iter().copied().filter(|s| *s != DemandStatus::Draft).collect();
    f.statuses = if filter.statuses.is_empty() {
        submitted
    } else {
        filter.statuses.iter().copied().filter(|s| submitted.contains(s)).collect()
    };
    if f.statuses.is_empty() {
        return Ok(Page::new(Vec::new(), page, 0));
    }
    if !scope.all {
        let mine: Vec<DistrictId> = scope.districts.iter().copied().collect();
        f.districts = Some(match &filter.districts {
            Some(asked) => asked.iter().copied().filter(|d| mine.contains(d)).collect(),
            None => mine,
        });
    }
    demand_lines(services, store::list_demands(services.store(), &f, page).await?).await
}

/// The caller's organization's demands, every state.
pub async fn my_demands(
    services: &Services,
    caller: &Principal,
    page: PageRequest,
) -> Result<Page<DemandLine>, ServiceError> {
    let Some(org) = member_of(services, caller) else { return Ok(Page::new(Vec::new(), page, 0)) };
    let f = DemandFilter { organization: Some(org), ..Default::default() };
    demand_lines(services, store::list_demands(services.store(), &f, page).await?).await
}

/// What the caller may do on the matchmaking pages.
#[derive(Debug, Clone, Copy, Default)]
pub struct Actions {
    /// Write demands (an organization's administrator).
    pub demand: bool,
    /// Write offers (an organization's administrator or a designer).
    pub offer: bool,
    /// Review demands and export (staff).
    pub manage: bool,
    /// Has demands, offers or interests of their own to follow (an organization's people, a
    /// designer).
    pub mine: bool,
}

/// The caller's matchmaking actions.
pub fn actions(services: &Services, caller: Option<&Principal>) -> Actions {
    let Some(c) = caller else { return Actions::default() };
    Actions {
        demand: admin_of(services, c).is_some(),
        offer: admin_of(services, c).is_some() || is_designer(services, c),
        manage: !staff_scope(services, caller).is_none(),
        mine: member_of(services, c).is_some() || is_designer(services, c),
    }
}

/// An offer as a caller sees it.
#[derive(Debug, Clone)]
pub struct OfferView {
    /// The offer (`excluded` emptied unless the caller owns it or is staff).
    pub offer: Offer,
    /// The provider's name.
    pub provider: String,
    /// Its district's name.
    pub district: String,
    /// Actions the owner may take.
    pub actions: Vec<OfferAction>,
    /// The caller may edit it.
    pub can_edit: bool,
    /// The caller may see the ranked demands.
    pub can_match: bool,
    /// The caller's published demands that may express interest in it (not yet linked).
    pub my_demands: Vec<(i32, String)>,
    /// Interests the caller may see.
    pub interests: Vec<InterestLine>,
}

/// One offer: published ones for everyone; drafts and withdrawn ones for the owner and staff.
pub async fn offer(services: &Services, caller: Option<&Principal>, id: i32) -> Result<OfferView, ServiceError> {
    let mut o =
        store::get_offer(services.store(), id).await?.ok_or(ServiceError::NotFound { key: "matchmaking.no_offer" })?;
    let owner = caller.is_some_and(|c| owns_offer(services, c, &o));
    let member = caller.is_some_and(|c| o.organization.is_some() && member_of(services, c) == o.organization);
    let staff = staff_scope(services, caller).covers(Some(o.district), None);
    if o.status != OfferStatus::Published && !(owner || member || staff) {
        return Err(ServiceError::NotFound { key: "matchmaking.no_offer" });
    }
    let interests = if owner || member || staff {
        store::interests_of_offer(services.store(), id, None, 200).await?
    } else if let Some(c) = caller {
        store::interests_of_offer(services.store(), id, Some(&party_of(services, c)), 200).await?
    } else {
        Vec::new()
    };
    let my_demands = match caller.and_then(|c| admin_of(services, c)) {
        Some(org) if o.status == OfferStatus::Published && o.organization != Some(org) => {
            let linked: BTreeSet<i32> = interests.iter().map(|i| i.demand).collect();
            store::list_demands(
                services.store(),
                &DemandFilter {
                    organization: Some(org),
                    statuses: vec![DemandStatus::Published],
                    ..Default::default()
                },
                PageRequest::new(Some(1), Some(200)),
            )
            .await?
            .items
            .into_iter()
            .filter(|d| !linked.contains(&d.id))
            .map(|d| (d.id, d.draft.title))
            .collect()
        }
        _ => Vec::new(),
    };
    if !(owner || staff) {
        o.excluded.clear();
    }
    let provider = provider_names(services, &[&o]).await?.remove(&o.id).unwrap_or_default();
    let district = crate::reference::get_district(services, o.district).await.map(|x| x.name).unwrap_or_default();
    Ok(OfferView {
        actions: if owner { OfferAction::available(o.status) } else { Vec::new() },
        can_edit: owner,
        can_match: (owner || staff) && o.status == OfferStatus::Published,
        interests: lines(services, caller, interests).await?,
        offer: o,
        provider,
        district,
        my_demands,
    })
}

async fn check_offer_input(
    services: &Services,
    o: &OfferDraft,
    excluded: &str,
    complete: bool,
) -> Result<BTreeSet<OrganizationId>, ServiceError> {
    let (orgs, errors) = offer_problems_and_exclusions(services, o, excluded, complete).await?;
    if errors.is_empty() { Ok(orgs) } else { Err(ServiceError::Fields(errors)) }
}

async fn offer_problems_and_exclusions(
    services: &Services,
    o: &OfferDraft,
    excluded: &str,
    complete: bool,
) -> Result<(BTreeSet<OrganizationId>, Vec<FieldError>), ServiceError> {
    let c = choices(services).await?;
    let mut problems = core::check_offer(o, complete);
    problems.extend(check_codes(&c, &o.categories, &o.clusters, None));
    with_exclusions(services, problems, excluded).await
}

/// Every problem with an offer's fields, as [`demand_problems`] for demands.
pub async fn offer_problems(
    services: &Services,
    o: &OfferDraft,
    excluded: &str,
    complete: bool,
) -> Result<Vec<FieldError>, ServiceError> {
    Ok(offer_problems_and_exclusions(services, &clip_offer(o), excluded, complete).await?.1)
}

fn clip_offer(o: &OfferDraft) -> OfferDraft {
    OfferDraft {
        title: o.title.trim().to_owned(),
        description: o.description.trim().to_owned(),
        team: o.team.trim().to_owned(),
        cases: o.cases.trim().to_owned(),
        ..o.clone()
    }
}

fn offer_json(o: &OfferDraft) -> serde_json::Value {
    json!({
        "title": o.title, "categories": o.categories, "clusters": o.clusters, "capacity": o.capacity,
        "price": [o.price_min, o.price_max],
    })
}

/// Where a new or edited offer sits: the organization's district, or the one a designer
/// names.
async fn offer_district(
    services: &Services,
    caller: &Principal,
    org: Option<OrganizationId>,
    chosen: Option<DistrictId>,
) -> Result<DistrictId, ServiceError> {
    match org {
        Some(o) => Ok(crate::registry::get(services, Some(caller), o).await?.public.district_id),
        None => {
            let d = chosen.ok_or_else(|| {
                ServiceError::Fields(vec![FieldError::new("district", "matchmaking.district_required")])
            })?;
            crate::reference::get_district(services, d).await.map_err(|_| {
                ServiceError::Fields(vec![FieldError::new("district", "matchmaking.district_required")])
            })?;
            Ok(d)
        }
    }
}

/// What an offer's form sends.
#[derive(Debug, Clone, Copy)]
pub struct OfferInput<'a> {
    /// The fields.
    pub draft: &'a OfferDraft,
    /// A designer's district (an organization's offer sits in the organization's).
    pub district: Option<DistrictId>,
    /// Demanders it declines, as credit codes (one per line).
    pub excluded: &'a str,
    /// Check it as for publishing.
    pub complete: bool,
}

/// Writes a new offer as a draft: for the caller's organization, or as a designer.
pub async fn create_offer(
    services: &Services,
    caller: &Principal,
    input: OfferInput<'_>,
    ip: &str,
) -> Result<i32, ServiceError> {
    let OfferInput { draft: o, district, excluded, complete } = input;
    let org = admin_of(services, caller);
    if org.is_none() && !is_designer(services, caller) {
        return Err(ServiceError::Forbidden);
    }
    let o = clip_offer(o);
    let checked = check_offer_input(services, &o, excluded, complete).await;
    let district = offer_district(services, caller, org, district).await;
    let (excluded, district) = match (checked, district) {
        (Ok(e), Ok(d)) => (e, d),
        (Err(ServiceError::Fields(mut a)), Err(ServiceError::Fields(b))) => {
            a.extend(b);
            return Err(ServiceError::Fields(a));
        }
        (Err(e), _) | (_, Err(e)) => return Err(e),
    };
    let tx = Work::begin(services).await?;
    let id = store::insert_offer(
        &tx,
        store::OfferOwner { organization: org, account: caller.account, district },
        &o,
        &excluded,
        &caller.username,
        tx.now(),
    )
    .await?;
    sheji_store::search::enqueue(&tx, DocType::Offer, &[i64::from(id)], tx.now()).await?;
    let change = Change {
        action: "matchmaking.offer_create",
        target_type: "offer",
        target_id: id.to_string(),
        before: serde_json::Value::Null,
        after: offer_json(&o),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    services.forget_matchmaking_pool();
    Ok(id)
}

/// Rewrites an offer (its owner); a published offer stays published with the new fields, so
/// it is checked as complete, and so is one about to be published (`complete`).
pub async fn save_offer(
    services: &Services,
    caller: &Principal,
    id: i32,
    input: OfferInput<'_>,
    ip: &str,
) -> Result<(), ServiceError> {
    let OfferInput { draft: o, district, excluded, complete } = input;
    let view = offer(services, Some(caller), id).await?;
    if !view.can_edit {
        return Err(ServiceError::Forbidden);
    }
    let o = clip_offer(o);
    let published = view.offer.status == OfferStatus::Published;
    let checked = check_offer_input(services, &o, excluded, published || complete).await;
    let district =
        offer_district(services, caller, view.offer.organization, district.or(Some(view.offer.district))).await;
    let (excluded, district) = match (checked, district) {
        (Ok(e), Ok(d)) => (e, d),
        (Err(ServiceError::Fields(mut a)), Err(ServiceError::Fields(b))) => {
            a.extend(b);
            return Err(ServiceError::Fields(a));
        }
        (Err(e), _) | (_, Err(e)) => return Err(e),
    };
    let tx = Work::begin(services).await?;
    store::update_offer(&tx, id, district, &o, &excluded, tx.now()).await?;
    sheji_store::search::enqueue(&tx, DocType::Offer, &[i64::from(id)], tx.now()).await?;
    let change = Change {
        action: "matchmaking.offer_edit",
        target_type: "offer",
        target_id: id.to_string(),
        before: offer_json(&view.offer.draft),
        after: offer_json(&o),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    services.forget_matchmaking_pool();
    Ok(())
}

/// Publishes or withdraws an offer (its owner); publishing checks it is complete.
pub async fn act_on_offer(
    services: &Services,
    caller: &Principal,
    id: i32,
    action: OfferAction,
    ip: &str,
) -> Result<OfferStatus, ServiceError> {
    let view = offer(services, Some(caller), id).await?;
    if !view.can_edit {
        return Err(ServiceError::Forbidden);
    }
    let to = action.next(view.offer.status).ok_or(ServiceError::Conflict { key: "matchmaking.action_closed" })?;
    if action == OfferAction::Publish {
        fields(core::check_offer(&view.offer.draft, true))?;
    }
    let tx = Work::begin(services).await?;
    if !store::move_offer(&tx, id, view.offer.status, to, tx.now()).await? {
        return Err(ServiceError::Conflict { key: "matchmaking.action_closed" });
    }
    sheji_store::search::enqueue(&tx, DocType::Offer, &[i64::from(id)], tx.now()).await?;
    let change = Change {
        action: "matchmaking.offer_move",
        target_type: "offer",
        target_id: id.to_string(),
        before: json!({"status": view.offer.status.code()}),
        after: json!({"status": to.code()}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    services.forget_matchmaking_pool();
    Ok(to)
}

/// A page of offers with the providers' names.
#[derive(Debug, Clone)]
pub struct OfferLine {
    /// The offer.
    pub offer: Offer,
    /// Its provider.
    pub provider: String,
}

async fn offer_lines(services: &Services, page: Page<Offer>) -> Result<Page<OfferLine>, ServiceError> {
    let names = provider_names(services, &page.items.iter().collect::<Vec<_>>()).await?;
    let req = PageRequest::new(Some(page.page), Some(page.per_page));
    let total = page.total;
    let items = page
        .items
        .into_iter()
        .map(|mut o| {
            o.excluded.clear();
            OfferLine { provider: names.get(&o.id).cloned().unwrap_or_default(), offer: o }
        })
        .collect();
    Ok(Page::new(items, req, total))
}

/// The public list of offers: published ones, filtered.
pub async fn public_offers(
    services: &Services,
    filter: &OfferFilter,
    page: PageRequest,
) -> Result<Page<OfferLine>, ServiceError> {
    let f = OfferFilter { statuses: vec![OfferStatus::Published], organization: None, account: None, ..filter.clone() };
    offer_lines(services, store::list_offers(services.store(), &f, page).await?).await
}

/// The caller's own offers (their organization's, and a designer's own), every state.
pub async fn my_offers(
    services: &Services,
    caller: &Principal,
    page: PageRequest,
) -> Result<Page<OfferLine>, ServiceError> {
    let p = party_of(services, caller);
    let f = OfferFilter {
        organization: p.organization,
        account: is_designer(services, caller).then_some(caller.account),
        ..Default::default()
    };
    if f.organization.is_none() && f.account.is_none() {
        return Ok(Page::new(Vec::new(), page, 0));
    }
    offer_lines(services, store::list_offers(services.store(), &f, page).await?).await
}

/// The published records matching reads, with recognitions filled in; shared by every
/// match request for a few seconds (the lists change by the minute, not the millisecond).
#[derive(Debug, Default)]
pub struct Pool {
    /// Published demands.
    pub demands: Vec<DemandTraits>,
    /// Published offers.
    pub offers: Vec<OfferTraits>,
}

/// Reads the pool from the database (see [`Services::matchmaking_pool`] for the shared copy).
pub async fn load_pool(services: &Services) -> Result<Arc<Pool>, ServiceError> {
    let mut demands = store::published_demand_traits(services.store()).await?;
    let mut offers = store::published_offer_traits(services.store()).await?;
    let recognitions = crate::recognition::in_force_counts(services).await?;
    let (rated_orgs, rated_designers) = crate::cooperation::well_rated(services).await?;
    let index = core::CategoryBits::new(choices(services).await?.categories.into_iter().map(|(code, _, _)| code));
    for d in &mut demands {
        d.bits = index.of(&d.categories);
    }
    for o in &mut offers {
        o.recognitions = o.organization.and_then(|org| recognitions.get(&org).copied()).unwrap_or(0);
        o.rated_deals = match o.organization {
            Some(org) => rated_orgs.get(&org).copied().unwrap_or(0),
            None => rated_designers.get(&o.account).copied().unwrap_or(0),
        };
        o.bits = index.of(&o.categories);
    }
    Ok(Arc::new(Pool { demands, offers }))
}

/// The service categories each of `orgs` offers in its published offers, as specialty codes
/// (`svc:…`, the review engine's vocabulary), so experts are matched to a reviewed
/// organization on what it does as well as on its clusters.
pub async fn offered_specialties(
    services: &Services,
    orgs: &BTreeSet<OrganizationId>,
) -> Result<BTreeMap<OrganizationId, BTreeSet<String>>, ServiceError> {
    Ok(store::offered_categories(services.store(), orgs)
        .await?
        .into_iter()
        .map(|(org, codes)| (org, codes.into_iter().map(|c| format!("svc:{c}")).collect()))
        .collect())
}

/// A ranked offer or demand with its names.
#[derive(Debug, Clone)]
pub struct Ranked {
    /// The score and its parts.
    pub score: Match,
    /// The other side's title.
    pub title: String,
    /// The other side's organization or designer.
    pub party: String,
    /// The other side's district.
    pub district: DistrictId,
}

/// The best providers for a demand (its organization and staff whose scope reaches it).
pub async fn matches_for_demand(
    services: &Services,
    caller: &Principal,
    id: i32,
    k: usize,
) -> Result<Vec<Ranked>, ServiceError> {
    let view = demand(services, Some(caller), id).await?;
    if !view.can_match {
        return Err(if view.demand.status == DemandStatus::Published {
            ServiceError::Forbidden
        } else {
            ServiceError::Conflict { key: "matchmaking.not_published" }
        });
    }
    let pool = services.matchmaking_pool().await?;
    let Some(traits) = pool.demands.iter().find(|d| d.id == id).cloned() else {
        return Ok(Vec::new());
    };
    let top = core::offers_for(&traits, &pool.offers, k.clamp(1, MAX_MATCHES));
    let offers = store::offers_by_id(services.store(), &top.iter().map(|m| m.offer).collect()).await?;
    let names = provider_names(services, &offers.values().collect::<Vec<_>>()).await?;
    Ok(top
        .into_iter()
        .filter_map(|m| {
            let o = offers.get(&m.offer)?;
            Some(Ranked {
                title: o.draft.title.clone(),
                party: names.get(&o.id).cloned().unwrap_or_default(),
                district: o.district,
                score: m,
            })
        })
        .collect())
}

/// The best demands for an offer (its owner and staff whose scope reaches it).
pub async fn matches_for_offer(
    services: &Services,
    caller: &Principal,
    id: i32,
    k: usize,
) -> Result<Vec<Ranked>, ServiceError> {
    let view = offer(services, Some(caller), id).await?;
    if !view.can_match {
        return Err(if view.offer.status == OfferStatus::Published {
            ServiceError::Forbidden
        } else {
            ServiceError::Conflict { key: "matchmaking.not_published" }
        });
    }
    let pool = services.matchmaking_pool().await?;
    let Some(traits) = pool.offers.iter().find(|o| o.id == id).cloned() else {
        return Ok(Vec::new());
    };
    let top = core::demands_for(&traits, &pool.demands, k.clamp(1, MAX_MATCHES));
    let demands = store::demands_by_id(services.store(), &top.iter().map(|m| m.demand).collect()).await?;
    let orgs: BTreeSet<OrganizationId> = demands.values().map(|d| d.organization).collect();
    let names = crate::registry::names(services, &orgs).await?;
    Ok(top
        .into_iter()
        .filter_map(|m| {
            let d = demands.get(&m.demand)?;
            Some(Ranked {
                title: d.draft.title.clone(),
                party: names.get(&d.organization).cloned().unwrap_or_default(),
                district: d.district,
                score: m,
            })
        })
        .collect())
}

/// The top `k` offers for every published demand, in one pass over the pool (the benchmark
/// and the guide use it); (demand, matches) in demand order.
pub async fn match_all(services: &Services, k: usize) -> Result<Vec<(i32, Vec<Match>)>, ServiceError> {
    let pool = load_pool(services).await?;
    Ok(pool.demands.iter().map(|d| (d.id, core::offers_for(d, &pool.offers, k))).collect())
}

/// Expresses interest between a demand and an offer. The caller speaks for one side: the
/// demand's organization (asking a provider) or the offer's owner (offering itself). Both
/// must be published; the pair must not be excluded; one interest per pair (409 on a second).
pub async fn express_interest(
    services: &Services,
    caller: &Principal,
    demand_id: i32,
    offer_id: i32,
    message: &str,
    ip: &str,
) -> Result<i32, ServiceError> {
    let d = store::get_demand(services.store(), demand_id)
        .await?
        .ok_or(ServiceError::NotFound { key: "matchmaking.no_demand" })?;
    let o = store::get_offer(services.store(), offer_id)
        .await?
        .ok_or(ServiceError::NotFound { key: "matchmaking.no_offer" })?;
    if d.status != DemandStatus::Published || o.status != OfferStatus::Published {
        return Err(ServiceError::Conflict { key: "matchmaking.not_published" });
    }
    let side = if admin_of(services, caller) == Some(d.organization) {
        Side::Demander
    } else if owns_offer(services, caller, &o) {
        Side::Provider
    } else {
        return Err(ServiceError::Forbidden);
    };
    // Someone on both sides (the demanding organization's administrator who is also the
    // designer offering) cannot deal with themselves.
    let both_sides = admin_of(services, caller) == Some(d.organization) && owns_offer(services, caller, &o);
    let excluded = both_sides
        || o.organization == Some(d.organization)
        || o.organization.is_some_and(|p| d.excluded.contains(&p))
        || o.excluded.contains(&d.organization);
    if excluded {
        return Err(ServiceError::Conflict { key: "matchmaking.excluded_pair" });
    }
    let message = clip(message.trim(), 2_000);
    let tx = Work::begin(services).await?;
    let id = match store::insert_interest(&tx, demand_id, offer_id, side, &message, &caller.username, tx.now()).await {
        Ok(id) => id,
        Err(e) if e.is_duplicate() => return Err(ServiceError::Conflict { key: "matchmaking.interest_exists" }),
        Err(e) => return Err(e.into()),
    };
    let to = match side {
        Side::Provider => vec![Audience::OrgAdmins(d.organization)],
        Side::Demander => match o.organization {
            Some(org) => vec![Audience::OrgAdmins(org)],
            None => vec![Audience::Account(o.account)],
        },
    };
    let note = Note {
        kind: MessageKind::Interest,
        key: match side {
            Side::Provider => "matchmaking.msg.interest_in_demand",
            Side::Demander => "matchmaking.msg.interest_in_offer",
        },
        args: vec![("demand", d.draft.title.clone()), ("offer", o.draft.title.clone())],
        href: "/matchmaking/mine".to_owned(),
        once: None,
    };
    crate::notification::send(&tx, tx.now(), &to, &note).await?;
    let change = Change {
        action: "matchmaking.interest",
        target_type: "demand",
        target_id: demand_id.to_string(),
        before: serde_json::Value::Null,
        after: json!({"interest": id, "offer": offer_id, "side": side.code()}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    services.forget_matchmaking_pool();
    Ok(id)
}

/// Accepts or declines an interest (the side that did not send it); a decline needs a
/// reason. Both sides are told.
pub async fn answer_interest(
    services: &Services,
    caller: &Principal,
    id: i32,
    accept: bool,
    reason: &str,
    ip: &str,
) -> Result<InterestStatus, ServiceError> {
    let i = store::get_interest(services.store(), id)
        .await?
        .ok_or(ServiceError::NotFound { key: "matchmaking.no_interest" })?;
    let d = store::get_demand(services.store(), i.demand)
        .await?
        .ok_or(ServiceError::NotFound { key: "matchmaking.no_interest" })?;
    let o = store::get_offer(services.store(), i.offer)
        .await?
        .ok_or(ServiceError::NotFound { key: "matchmaking.no_interest" })?;
    let party = party_of(services, caller);
    let involved = party.organization.is_some_and(|org| org == d.organization || o.organization == Some(org))
        || (o.organization.is_none() && o.account == caller.account);
    if !involved {
        return Err(ServiceError::NotFound { key: "matchmaking.no_interest" });
    }
    if i.status != InterestStatus::Pending {
        return Err(ServiceError::Conflict { key: "matchmaking.interest_answered" });
    }
    if !may_answer(services, caller, &i, &d, &o) {
        return Err(ServiceError::Forbidden);
    }
    let reason = clip(reason.trim(), 2_000);
    if !accept && reason.is_empty() {
        return Err(ServiceError::Fields(vec![FieldError::new("reason", "matchmaking.reason_required")]));
    }
    // A filled, expired or withdrawn demand (or a withdrawn offer) takes no new partner.
    if accept && (d.status != DemandStatus::Published || o.status != OfferStatus::Published) {
        return Err(ServiceError::Conflict { key: "matchmaking.not_published" });
    }
    let to = if accept { InterestStatus::Accepted } else { InterestStatus::Declined };
    let tx = Work::begin(services).await?;
    let note_reason = (!accept).then(|| reason.clone());
    if !store::answer_interest(&tx, id, to, note_reason, &caller.username, tx.now()).await? {
        return Err(ServiceError::Conflict { key: "matchmaking.interest_answered" });
    }
    // An accepted interest is a lead: the deal that follows it starts here.
    if accept {
        let lead = crate::cooperation::NewDeal {
            interest: Some(id),
            demand: Some(d.id),
            offer: Some(o.id),
            event: None,
            meeting: None,
            demander: d.organization,
            provider_org: o.organization,
            provider_account: o.account,
            district: d.district,
            cluster: d.draft.cluster,
            title: d.draft.title.clone(),
        };
        crate::cooperation::open_lead(&tx, &lead, &caller.username).await?;
    }
    let mut audience = vec![Audience::OrgAdmins(d.organization)];
    audience.push(match o.organization {
        Some(org) => Audience::OrgAdmins(org),
        None => Audience::Account(o.account),
    });
    let note = Note {
        kind: MessageKind::Interest,
        key: if accept { "matchmaking.msg.accepted" } else { "matchmaking.msg.declined" },
        args: vec![("demand", d.draft.title.clone()), ("offer", o.draft.title.clone()), ("reason", reason.clone())],
        href: "/matchmaking/mine".to_owned(),
        once: None,
    };
    crate::notification::send(&tx, tx.now(), &audience, &note).await?;
    let change = Change {
        action: "matchmaking.interest_answer",
        target_type: "demand",
        target_id: d.id.to_string(),
        before: json!({"interest": id, "status": i.status.code()}),
        after: json!({"interest": id, "status": to.code(), "reason": reason}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    services.forget_matchmaking_pool();
    Ok(to)
}

/// The interests touching the caller's demands and offers, newest first.
pub async fn my_interests(
    services: &Services,
    caller: &Principal,
    page: PageRequest,
) -> Result<Page<InterestLine>, ServiceError> {
    let p = store::interests_of(services.store(), &party_of(services, caller), page).await?;
    let req = PageRequest::new(Some(p.page), Some(p.per_page));
    let total = p.total;
    Ok(Page::new(lines(services, Some(caller), p.items).await?, req, total))
}

/// To-dos: demands awaiting the caller's review (branch staff), interests awaiting the
/// caller's answer, and returned demands to correct.
pub async fn todos(services: &Services, caller: &Principal) -> Result<Vec<Todo>, ServiceError> {
    let mut out = Vec::new();
    let scope = staff_scope(services, Some(caller));
    if !scope.is_none() {
        let districts: Option<Vec<DistrictId>> = (!scope.all).then(|| scope.districts.iter().copied().collect());
        // City-wide staff are not listed every district's reviews; branches are.
        if districts.is_some() {
            let n = store::count_demands(services.store(), DemandStatus::Pending, districts.as_deref()).await?;
            if n > 0 {
                out.push(Todo {
                    key: "matchmaking.todo.review",
                    args: vec![("n", n.to_string())],
                    due: None,
                    href: "/matchmaking/review?status=pending".to_owned(),
                });
            }
        }
    }
    let waiting = store::awaiting_answer(services.store(), &answering_party(services, caller)).await?;
    if waiting > 0 {
        out.push(Todo {
            key: "matchmaking.todo.answer",
            args: vec![("n", waiting.to_string())],
            due: None,
            href: "/matchmaking/mine".to_owned(),
        });
    }
    if let Some(org) = admin_of(services, caller) {
        let returned = store::list_demands(
            services.store(),
            &DemandFilter { organization: Some(org), statuses: vec![DemandStatus::Returned], ..Default::default() },
            PageRequest::new(Some(1), Some(1)),
        )
        .await?;
        if let Some(d) = returned.items.first() {
            out.push(Todo {
                key: "matchmaking.todo.returned",
                args: vec![("n", returned.total.to_string())],
                due: d.draft.deadline,
                href: format!("/demands/{}/edit", d.id),
            });
        }
    }
    Ok(out)
}

/// Marks published demands past their deadline as expired (a daily job) and tells their
/// organizations; how many expired.
pub async fn expire_demands(services: &Services) -> Result<u64, ServiceError> {
    const BATCH: u64 = 1_000;
    let mut n = 0;
    loop {
        let due = store::overdue_demands(services.store(), services.today(), BATCH).await?;
        let last = (due.len() as u64) < BATCH;
        n += expire_these(services, due).await?;
        if last {
            return Ok(n);
        }
    }
}

async fn expire_these(services: &Services, due: Vec<Demand>) -> Result<u64, ServiceError> {
    let mut n = 0;
    for d in due {
        let tx = Work::begin(services).await?;
        if !store::move_demand(&tx, d.id, DemandStatus::Published, DemandStatus::Expired, None, tx.now()).await? {
            continue;
        }
        sheji_store::search::enqueue(&tx, DocType::Demand, &[i64::from(d.id)], tx.now()).await?;
        let note = Note {
            kind: MessageKind::Progressed,
            key: "matchmaking.msg.expired",
            args: vec![("title", d.draft.title.clone())],
            href: format!("/demands/{}", d.id),
            once: Some(format!("demand_expired:{}", d.id)),
        };
        crate::notification::send(&tx, tx.now(), &[Audience::OrgAdmins(d.organization)], &note).await?;
        let change = Change {
            action: "matchmaking.demand_expire",
            target_type: "demand",
            target_id: d.id.to_string(),
            before: json!({"status": DemandStatus::Published.code()}),
            after: json!({"status": DemandStatus::Expired.code(), "deadline": d.draft.deadline}),
        };
        tx.commit(&Actor::system(), change).await?;
        services.forget_matchmaking_pool();
        n += 1;
    }
    Ok(n)
}

/// Whether the caller may export the lists (staff).
pub fn may_export(services: &Services, caller: &Principal) -> bool {
    !staff_scope(services, Some(caller)).is_none()
}

/// The demands and offers in the caller's scope as a workbook of two sheets (staff; a
/// branch gets its districts' records, private details included).
pub async fn export_xlsx(
    services: &Services,
    caller: &Principal,
    lang: sheji_core::i18n::Lang,
) -> Result<Vec<u8>, ServiceError> {
    use rust_xlsxwriter::{Format, Workbook};
    let scope = staff_scope(services, Some(caller));
    if scope.is_none() {
        return Err(ServiceError::Forbidden);
    }
    let xl = |e: rust_xlsxwriter::XlsxError| ServiceError::Invalid {
        key: "import.unreadable",
        args: vec![("detail", e.to_string())],
    };
    let c = choices(services).await?;
    let category_names = |codes: &BTreeSet<String>| -> String {
        guide::category_names(lang, &c, &codes.iter().cloned().collect::<Vec<_>>())
    };
    let districts: BTreeMap<DistrictId, String> = sheji_store::reference::list_active_districts(services.store())
        .await?
        .into_iter()
        .map(|d| (d.id, d.name))
        .collect();
    let amount = |lo: Option<f64>, hi: Option<f64>| guide::amount(lang, lo, hi);
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = book.add_worksheet().set_name(lang.t("matchmaking.demands")).map_err(xl)?;
    let heads = [
        "matchmaking.title",
        "review.organization",
        "org.district",
        "review.status",
        "matchmaking.product",
        "matchmaking.categories",
        "matchmaking.budget",
        "matchmaking.deadline",
        "matchmaking.modes",
        "matchmaking.summary",
        "matchmaking.details",
    ];
    for (i, h) in heads.iter().enumerate() {
        sheet.write_string_with_format(0, i as u16, lang.t(h), &bold).map_err(xl)?;
    }
    let mut row = 1u32;
    let mut page = 1;
    loop {
        let p =
            staff_demands(services, caller, &DemandFilter::default(), PageRequest::new(Some(page), Some(200))).await?;
        let full = store::demands_by_id(services.store(), &p.items.iter().map(|l| l.demand.id).collect()).await?;
        for line in &p.items {
            let Some(d) = full.get(&line.demand.id) else { continue };
            let cells = [
                d.draft.title.clone(),
                line.organization.clone(),
                districts.get(&d.district).cloned().unwrap_or_default(),
                lang.t(&format!("matchmaking.status.{}", d.status.code())).to_owned(),
                d.draft.product.clone(),
                category_names(&d.draft.categories),
                amount(d.draft.budget_min, d.draft.budget_max),
                d.draft.deadline.map(|x| x.to_string()).unwrap_or_default(),
                lang.join_list(
                    d.draft.modes.iter().map(|m| lang.t(&format!("matchmaking.mode.{}", m.code())).to_owned()),
                ),
                d.draft.summary.clone(),
                d.draft.details.clone(),
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
    let sheet = book.add_worksheet().set_name(lang.t("matchmaking.offers")).map_err(xl)?;
    let heads = [
        "matchmaking.title",
        "matchmaking.provider",
        "org.district",
        "review.status",
        "matchmaking.categories",
        "matchmaking.price",
        "matchmaking.capacity",
        "matchmaking.description",
    ];
    for (i, h) in heads.iter().enumerate() {
        sheet.write_string_with_format(0, i as u16, lang.t(h), &bold).map_err(xl)?;
    }
    let mut row = 1u32;
    let mut page = 1;
    let districts_filter = (!scope.all).then(|| scope.districts.iter().copied().collect::<Vec<_>>());
    loop {
        let f = OfferFilter { districts: districts_filter.clone(), ..Default::default() };
        let p = offer_lines(
            services,
            store::list_offers(services.store(), &f, PageRequest::new(Some(page), Some(200))).await?,
        )
        .await?;
        for line in &p.items {
            let o = &line.offer;
            let cells = [
                o.draft.title.clone(),
                line.provider.clone(),
                districts.get(&o.district).cloned().unwrap_or_default(),
                lang.t(&format!("matchmaking.offer_status.{}", o.status.code())).to_owned(),
                category_names(&o.draft.categories),
                amount(o.draft.price_min, o.draft.price_max),
                o.draft.capacity.map(|x| x.to_string()).unwrap_or_default(),
                o.draft.description.clone(),
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

/// Whether the search index holds a demand in this state (not a draft, not withdrawn).
fn indexed(d: &Demand) -> bool {
    !matches!(d.status, DemandStatus::Draft | DemandStatus::Withdrawn)
}

fn demand_document(d: Demand, c: &Choices) -> Document {
    let names = category_text(c, &d.draft.categories);
    Document {
        doc_type: DocType::Demand,
        id: i64::from(d.id),
        title: d.draft.title,
        short_names: Vec::new(),
        codes: Vec::new(),
        text: [d.draft.product, d.draft.summary, d.draft.deliverables, names].join(" "),
        private_text: d.draft.details,
        district: Some(d.district.get()),
        organization: Some(d.organization.get()),
        public: d.status.public(),
        facets: d.draft.cluster.map(|c| (Dimension::Cluster, c.get().to_string())).into_iter().collect(),
    }
}

fn offer_document(o: Offer, c: &Choices) -> Document {
    let names = category_text(c, &o.draft.categories);
    Document {
        doc_type: DocType::Offer,
        id: i64::from(o.id),
        title: o.draft.title,
        short_names: Vec::new(),
        codes: Vec::new(),
        text: [o.draft.description, o.draft.team, o.draft.cases, names].join(" "),
        private_text: String::new(),
        district: Some(o.district.get()),
        organization: o.organization.map(OrganizationId::get),
        public: o.status == OfferStatus::Published,
        facets: o.draft.clusters.iter().map(|c| (Dimension::Cluster, c.get().to_string())).collect(),
    }
}

/// The names of categories, for the index (people search by "外观设计", not by `FORM`).
fn category_text(c: &Choices, codes: &BTreeSet<String>) -> String {
    codes
        .iter()
        .filter_map(|code| c.categories.iter().find(|(k, _, _)| k == code).map(|(_, n, _)| n.as_str()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The search documents of these demands or offers (those the index holds).
pub(crate) async fn search_documents(
    services: &Services,
    doc_type: DocType,
    ids: &[i64],
) -> Result<Vec<Document>, ServiceError> {
    let ids: BTreeSet<i32> = ids.iter().filter_map(|id| i32::try_from(*id).ok()).collect();
    let c = choices(services).await?;
    Ok(match doc_type {
        DocType::Demand => store::demands_by_id(services.store(), &ids)
            .await?
            .into_values()
            .filter(indexed)
            .map(|d| demand_document(d, &c))
            .collect(),
        DocType::Offer => store::offers_by_id(services.store(), &ids)
            .await?
            .into_values()
            .filter(|o| o.status != OfferStatus::Draft)
            .map(|o| offer_document(o, &c))
            .collect(),
        DocType::Organization => Vec::new(),
    })
}

/// Up to `limit` documents after id `after`, in id order (a rebuild).
pub(crate) async fn search_scan(
    services: &Services,
    doc_type: DocType,
    after: i64,
    limit: u64,
) -> Result<Vec<Document>, ServiceError> {
    let after = i32::try_from(after).unwrap_or(i32::MAX);
    let c = choices(services).await?;
    Ok(match doc_type {
        DocType::Demand => store::demands_after(services.store(), after, limit)
            .await?
            .into_iter()
            .map(|d| demand_document(d, &c))
            .collect(),
        DocType::Offer => store::offers_after(services.store(), after, limit)
            .await?
            .into_iter()
            .map(|o| offer_document(o, &c))
            .collect(),
        DocType::Organization => Vec::new(),
    })
}
