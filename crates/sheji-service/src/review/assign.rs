//! Conflicts, assignment (dry run, deployment, replay) and changes to a deployed assignment
//! (an expert declines, staff swap a reviewer), all through the same eligibility rules.

use crate::work::Work;
use std::collections::{BTreeMap, BTreeSet};

use chrono::Months;
use serde_json::json;
use sha2::{Digest, Sha256};
use sheji_core::identity::{Permission, Principal};
use sheji_core::ids::{CampaignId, ExpertId, ItemId, OrganizationId};
use sheji_core::review::assign::{self as solver, ExpertLoad};
use sheji_core::review::conflict::{self, Declarant, ExpertFacts, Facts, ItemFacts, Policy, Reason, TeamMember};
use sheji_core::review::{
    self as core, AssignmentStatus, CampaignAction, CampaignStatus, Candidate, PoolCount, Prepared, Slot,
};
use sheji_store::review::{self as store, Campaign, Declared, Deployment, Expert, Item, Override};

use super::{load_campaign, load_item, require};
use crate::audit::{Actor, Change};
use crate::clip;
use crate::notification::{Audience, Note};
use crate::{FieldError, ServiceError, Services};
use sheji_core::notification::MessageKind;

/// How reviewers are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Greatest total affinity (min-cost flow).
    Optimal,
    /// Seeded random draw from each item's eligible pool.
    Random,
}

impl Mode {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Mode::Optimal => "optimal",
            Mode::Random => "random",
        }
    }

    /// Reads a code.
    pub fn parse(s: &str) -> Option<Self> {
        [Mode::Optimal, Mode::Random].into_iter().find(|m| m.code() == s)
    }
}

/// The conflicts between a campaign's items and the pool.
#[derive(Debug, Clone, Default)]
pub struct Conflicts {
    /// Every conflicted pair with its reasons.
    pub found: BTreeMap<(ItemId, ExpertId), Vec<Reason>>,
    /// Overrides by pair.
    pub overrides: BTreeMap<(ItemId, ExpertId), Override>,
}

impl Conflicts {
    /// The pairs that block assignment: conflicted and not overridden.
    pub fn blocked(&self) -> BTreeSet<(ItemId, ExpertId)> {
        self.found.keys().filter(|k| !self.overrides.contains_key(k)).copied().collect()
    }
}

async fn derive(services: &Services, c: &Campaign, items: &[Item], pool: &[Expert]) -> Result<Conflicts, ServiceError> {
    let today = services.today();
    let policy = Policy { window_years: c.fields.conflict_years, forbid_repeat: c.fields.forbid_repeat };
    let since = today.checked_sub_months(Months::new(policy.window_years * 12)).unwrap_or(today);
    // An expert who administers or belongs to an organization on the platform works there,
    // whatever staff entered as the employer.
    let accounts: Vec<sheji_core::ids::AccountId> = pool.iter().map(|e| e.account).collect();
    let affiliated =
        sheji_store::identity::organizations_of_accounts(services.store(), &accounts, services.now()).await?;
    let mut orgs: BTreeSet<OrganizationId> =
        items.iter().flat_map(|i| i.fields.organizations.iter().copied()).collect();
    orgs.extend(pool.iter().filter_map(|e| e.fields.organization));
    orgs.extend(affiliated.values().flatten().copied());
    let cooperations = store::cooperations(services.store(), &orgs, since).await?;
    let subjects: BTreeSet<String> = items.iter().filter_map(|i| i.fields.subject.clone()).collect();
    let past = if policy.forbid_repeat && !subjects.is_empty() {
        store::past_reviews(services.store(), c.id, &subjects).await?
    } else {
        Vec::new()
    };
    let declarations: Vec<conflict::Declaration> = store::declarations(services.store(), c.id)
        .await?
        .into_iter()
        .map(|d| conflict::Declaration { item: d.item, expert: d.expert, by: d.by, reason: d.reason })
        .collect();
    let experts: Vec<ExpertFacts> = pool
        .iter()
        .map(|e| {
            let mut employments = e.employments();
            for org in affiliated.get(&e.account).into_iter().flatten() {
                employments.push(conflict::Employment { organization: *org, until: None });
            }
            ExpertFacts { expert: e.id, account: Some(e.account), name: e.fields.name.clone(), employments }
        })
        .collect();
    let item_facts: Vec<ItemFacts> = items
        .iter()
        .map(|i| ItemFacts {
            item: i.id,
            subject: i.fields.subject.clone(),
            organizations: i.fields.organizations.clone(),
            team: i.fields.team.iter().map(|n| TeamMember { name: n.clone(), account: None }).collect(),
        })
        .collect();
    let facts = Facts {
        experts: &experts,
        items: &item_facts,
        cooperations: &cooperations,
        declarations: &declarations,
        past_reviews: &past,
    };
    let found = conflict::derive(today, policy, facts);
    let overrides =
        store::overrides(services.store(), c.id).await?.into_iter().map(|o| ((o.item, o.expert), o)).collect();
    Ok(Conflicts { found, overrides })
}

/// The conflicts of a campaign, derived now from the registry, the pool and the declarations
/// (staff).
pub async fn conflicts(services: &Services, caller: &Principal, id: CampaignId) -> Result<Conflicts, ServiceError> {
    require(services, caller, Permission::ReviewManage)?;
    let c = load_campaign(services, id).await?;
    let items = store::all_items(services.store(), id).await?;
    let pool = store::active_pool(services.store()).await?;
    derive(services, &c, &items, &pool).await
}

/// Records a conflict declared by an expert or an applicant (staff enter both; an expert also
/// declares by declining with a conflict).
pub async fn declare(
    services: &Services,
    caller: &Principal,
    id: CampaignId,
    declaration: &conflict::Declaration,
    ip: &str,
) -> Result<(), ServiceError> {
    let conflict::Declaration { item, expert, by, reason } = declaration.clone();
    require(services, caller, Permission::ReviewManage)?;
    // After deployment a conflict is handled on the assignment itself: the expert declines
    // (recorded as their declaration) or staff swap them out; both refill the item.
    if load_campaign(services, id).await?.status != CampaignStatus::Draft {
        return Err(ServiceError::Conflict { key: "review.not_draft" });
    }
    load_item(services, id, item).await?;
    store::get_expert(services.store(), expert).await?.ok_or(ServiceError::NotFound { key: "review.no_expert" })?;
    let reason = clip(&reason, 2_000);
    if reason.is_empty() {
        return Err(ServiceError::Fields(vec![FieldError::new("reason", "review.reason_required")]));
    }
    let now = services.now();
    let tx = Work::begin(services).await?;
    let d = Declared { item, expert, by, reason: reason.clone(), created_by: caller.username.clone(), created_at: now };
    if !store::insert_declaration(&tx, id, &d).await? {
        return Err(ServiceError::Conflict { key: "review.declared_already" });
    }
    let change = Change {
        action: "review.conflict_declare",
        target_type: "review_campaign",
        target_id: id.to_string(),
        before: serde_json::Value::Null,
        after: json!({"item": item, "expert": expert, "by": by, "reason": reason}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(())
}

/// Lets an expert review an item despite a conflict: administrators only, with a written
/// reason, audited.
pub async fn override_conflict(
    services: &Services,
    caller: &Principal,
    id: CampaignId,
    item: ItemId,
    expert: ExpertId,
    reason: &str,
    ip: &str,
) -> Result<(), ServiceError> {
    require(services, caller, Permission::ReviewOverride)?;
    let c = load_campaign(services, id).await?;
    if c.status != CampaignStatus::Draft {
        return Err(ServiceError::Conflict { key: "review.not_draft" });
    }
    load_item(services, id, item).await?;
    let reason = clip(reason, 2_000);
    if reason.chars().count() < 4 {
        return Err(ServiceError::Fields(vec![FieldError::new("reason", "review.override_reason")]));
    }
    let items = store::all_items(services.store(), id).await?;
    let pool = store::active_pool(services.store()).await?;
    let found = derive(services, &c, &items, &pool).await?;
    let Some(reasons) = found.found.get(&(item, expert)) else {
        return Err(ServiceError::Conflict { key: "review.no_conflict" });
    };
    let now = services.now();
    let tx = Work::begin(services).await?;
    let o = Override { item, expert, reason: reason.clone(), created_by: caller.username.clone(), created_at: now };
    if !store::insert_override(&tx, id, &o).await? {
        return Err(ServiceError::Conflict { key: "review.overridden_already" });
    }
    let change = Change {
        action: "review.conflict_override",
        target_type: "review_campaign",
        target_id: id.to_string(),
        before: json!({"item": item, "expert": expert, "conflicts": reasons}),
        after: json!({"item": item, "expert": expert, "reason": reason}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(())
}

fn candidates(c: &Campaign, pool: &[Expert], used: &BTreeMap<ExpertId, u32>) -> Vec<Candidate> {
    pool.iter()
        .map(|e| {
            let max = c.fields.max_load.min(e.fields.max_load).saturating_sub(used.get(&e.id).copied().unwrap_or(0));
            Candidate {
                expert: e.id,
                specialties: e.fields.specialties.clone(),
                available: core::available(&e.fields.availability, (c.fields.period_start, c.fields.deadline)),
                load: ExpertLoad { min: c.fields.min_load.min(max), max },
            }
        })
        .collect()
}

/// One proposed or deployed pair, explained.
#[derive(Debug, Clone)]
pub struct PlannedPair {
    /// The item.
    pub item: ItemId,
    /// The expert.
    pub expert: ExpertId,
    /// Shared specialty codes: the reason for the pair.
    pub shared: Vec<String>,
}

/// An item that would not get all its reviewers, and why.
#[derive(Debug, Clone)]
pub struct Short {
    /// The item.
    pub item: ItemId,
    /// Its title.
    pub title: String,
    /// Reviewers wanted.
    pub need: u32,
    /// Reviewers found.
    pub got: u32,
    /// Why the pool shrank.
    pub pool: PoolCount,
}

/// A dry run (or the record of a deployment).
#[derive(Debug, Clone)]
pub struct Plan {
    /// The mode.
    pub mode: Mode,
    /// The seed of a random draw.
    pub seed: Option<u64>,
    /// Proposed pairs.
    pub pairs: Vec<PlannedPair>,
    /// Total affinity.
    pub objective: u64,
    /// Items short of reviewers.
    pub shortfalls: Vec<Short>,
    /// Experts below the campaign's minimum load: (expert, load).
    pub under_min: Vec<(ExpertId, u32)>,
    /// The problem the solver saw, for replay.
    pub prepared: Prepared,
    /// Conflicted pairs (not overridden) that were kept out.
    pub blocked: usize,
}

fn solve(prepared: &Prepared, mode: Mode, seed: u64) -> solver::Assignment {
    match mode {
        Mode::Optimal => solver::optimal(&prepared.problem),
        Mode::Random => solver::draw(&prepared.problem, seed),
    }
}

/// SHA-256 of an assignment's pairs as JSON: what replay compares.
pub fn digest(a: &solver::Assignment) -> String {
    let bytes = serde_json::to_vec(&a.pairs).unwrap_or_default();
    hex::encode(Sha256::digest(bytes))
}

async fn plan_for(
    services: &Services,
    c: &Campaign,
    mode: Mode,
    seed: u64,
) -> Result<(Plan, solver::Assignment), ServiceError> {
    let items = store::all_items(services.store(), c.id).await?;
    if items.is_empty() {
        return Err(ServiceError::Conflict { key: "review.no_items" });
    }
    let pool = store::active_pool(services.store()).await?;
    if pool.is_empty() {
        return Err(ServiceError::Conflict { key: "review.no_pool" });
    }
    let conflicts = derive(services, c, &items, &pool).await?;
    let blocked = conflicts.blocked();
    let slots: Vec<Slot> = items
        .iter()
        .map(|i| Slot { item: i.id, specialties: i.fields.specialties.clone(), need: c.fields.reviewers_per_item })
        .collect();
    let prepared = core::prepare(
        &slots,
        &candidates(c, &pool, &BTreeMap::new()),
        &blocked,
        &BTreeSet::new(),
        c.fields.require_match,
    );
    let a = solve(&prepared, mode, seed);
    Ok((explain(&prepared, &a, &items, &pool, mode, seed, blocked.len()), a))
}

fn explain(
    prepared: &Prepared,
    a: &solver::Assignment,
    items: &[Item],
    pool: &[Expert],
    mode: Mode,
    seed: u64,
    blocked: usize,
) -> Plan {
    let item_of: BTreeMap<ItemId, &Item> = items.iter().map(|i| (i.id, i)).collect();
    let expert_of: BTreeMap<ExpertId, &Expert> = pool.iter().map(|e| (e.id, e)).collect();
    let pairs = core::resolve(prepared, a)
        .into_iter()
        .map(|(item, expert, _)| {
            let shared = match (item_of.get(&item), expert_of.get(&expert)) {
                (Some(i), Some(e)) => core::shared_specialties(&i.fields.specialties, &e.fields.specialties)
                    .into_iter()
                    .map(str::to_owned)
                    .collect(),
                _ => Vec::new(),
            };
            PlannedPair { item, expert, shared }
        })
        .collect();
    let shortfalls = a
        .shortfalls
        .iter()
        .filter_map(|s| {
            let item = *prepared.items.get(s.item as usize)?;
            Some(Short {
                item,
                title: item_of.get(&item).map(|i| i.fields.title.clone()).unwrap_or_default(),
                need: s.need,
                got: s.got,
                pool: prepared.pools.get(s.item as usize).copied().unwrap_or_default(),
            })
        })
        .collect();
    let under_min =
        a.under_min.iter().filter_map(|(e, load)| Some((*prepared.experts.get(*e as usize)?, *load))).collect();
    Plan {
        mode,
        seed: (mode == Mode::Random).then_some(seed),
        pairs,
        objective: a.objective,
        shortfalls,
        under_min,
        prepared: prepared.clone(),
        blocked,
    }
}

/// A fresh seed for a draw: from the operating system, shown in the dry run and stored with
/// the deployment.
pub fn new_seed() -> Result<u64, ServiceError> {
    let mut b = [0u8; 8];
    crate::crypto::random_bytes(&mut b).map_err(ServiceError::internal)?;
    // Kept below 2^53 so the seed survives JSON clients that read numbers as doubles.
    Ok(u64::from_le_bytes(b) >> 11)
}

/// A dry run: what the assignment would be, without writing anything (staff).
pub async fn dry_run(
    services: &Services,
    caller: &Principal,
    id: CampaignId,
    mode: Mode,
    seed: Option<u64>,
) -> Result<Plan, ServiceError> {
    require(services, caller, Permission::ReviewManage)?;
    let c = load_campaign(services, id).await?;
    if c.status != CampaignStatus::Draft {
        return Err(ServiceError::Conflict { key: "review.not_draft" });
    }
    let seed = match seed {
        Some(s) => s,
        None if mode == Mode::Random => new_seed()?,
        None => 0,
    };
    Ok(plan_for(services, &c, mode, seed).await?.0)
}

/// Deploys the assignment and opens scoring (staff). Refused while any item would be short of
/// reviewers: the dry run names them and why.
pub async fn deploy(
    services: &Services,
    caller: &Principal,
    id: CampaignId,
    mode: Mode,
    seed: Option<u64>,
    ip: &str,
) -> Result<Plan, ServiceError> {
    require(services, caller, Permission::ReviewManage)?;
    let c = load_campaign(services, id).await?;
    let to = core::transition(c.status, CampaignAction::Deploy)
        .map_err(|_| ServiceError::Conflict { key: "review.not_draft" })?;
    let seed = match (mode, seed) {
        (Mode::Random, Some(s)) => s,
        (Mode::Random, None) => new_seed()?,
        (Mode::Optimal, _) => 0,
    };
    let (plan, a) = plan_for(services, &c, mode, seed).await?;
    if !plan.shortfalls.is_empty() {
        return Err(ServiceError::Invalid {
            key: "review.shortfall",
            args: vec![("n", plan.shortfalls.len().to_string())],
        });
    }
    let now = services.now();
    let tx = Work::begin(services).await?;
    if !store::set_campaign_status(&tx, id, c.status, to, now).await? {
        return Err(ServiceError::Conflict { key: "review.changed_meanwhile" });
    }
    let pairs = core::resolve(&plan.prepared, &a);
    store::insert_assignments(&tx, id, &pairs, now).await?;
    // Every expert on the panel hears of it, with the deadline, in the same commit.
    let experts = store::experts_by_id(&tx, &pairs.iter().map(|(_, e, _)| *e).collect()).await?;
    let panel: Vec<Audience> = experts.values().map(|e| Audience::Account(e.account)).collect();
    let note = Note {
        kind: MessageKind::Assigned,
        key: "review.msg.assigned",
        args: vec![("campaign", c.fields.name.clone()), ("deadline", c.fields.deadline.to_string())],
        href: "/reviews".to_owned(),
        once: None,
    };
    crate::notification::send(&tx, now, &panel, &note).await?;
    let deployment = Deployment {
        mode: mode.code().to_owned(),
        seed: plan.seed.map(|s| s as i64),
        pool: serde_json::to_string(&plan.prepared)
            .map_err(|e| sheji_store::StoreError::Corrupt { what: "assignment pool".into(), detail: e.to_string() })?,
        digest: digest(&a),
    };
    store::set_deployment(&tx, id, &deployment).await?;
    let change = Change {
        action: "review.deploy",
        target_type: "review_campaign",
        target_id: id.to_string(),
        before: json!({"status": c.status.code()}),
        after: json!({
            "status": to.code(), "mode": mode.code(), "seed": plan.seed, "pairs": pairs.len(),
            "objective": plan.objective, "digest": deployment.digest,
        }),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(plan)
}

/// What replaying a deployment found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replay {
    /// Mode.
    pub mode: String,
    /// Seed (random mode).
    pub seed: Option<u64>,
    /// Pairs produced.
    pub pairs: usize,
    /// Digest stored at deployment.
    pub stored: String,
    /// Digest of the replay.
    pub replayed: String,
}

impl Replay {
    /// Whether the replay produced exactly the deployed assignment.
    pub fn identical(&self) -> bool {
        self.stored == self.replayed
    }
}

/// Reruns a deployed assignment from its stored pool, constraints and seed, and compares the
/// result byte for byte (operators at the server; `sheji review replay`).
pub async fn replay(services: &Services, id: CampaignId) -> Result<Replay, ServiceError> {
    let c = load_campaign(services, id).await?;
    let d = c.deployment.ok_or(ServiceError::Conflict { key: "review.not_deployed" })?;
    let prepared: Prepared = serde_json::from_str(&d.pool)
        .map_err(|e| sheji_store::StoreError::Corrupt { what: format!("campaign {id} pool"), detail: e.to_string() })?;
    let mode = Mode::parse(&d.mode).ok_or_else(|| sheji_store::StoreError::Corrupt {
        what: format!("campaign {id} mode"),
        detail: d.mode.clone(),
    })?;
    let seed = d.seed.map(|s| s as u64);
    let a = solve(&prepared, mode, seed.unwrap_or(0));
    Ok(Replay { mode: d.mode, seed, pairs: a.pairs.len(), stored: d.digest, replayed: digest(&a) })
}

/// Fills an item's open places after a decline or a swap, by the campaign's own mode; the
/// experts who were ever on the item are excluded. Returns the experts added.
async fn refill(
    services: &Services,
    tx: &sheji_store::Tx,
    c: &Campaign,
    item: &Item,
    salt: i32,
) -> Result<Vec<ExpertId>, ServiceError> {
    let all = store::campaign_assignments(tx, c.id).await?;
    let mut used: BTreeMap<ExpertId, u32> = BTreeMap::new();
    for a in all.iter().filter(|a| a.status == AssignmentStatus::Active) {
        *used.entry(a.expert).or_default() += 1;
    }
    let on_item: Vec<&store::Assignment> = all.iter().filter(|a| a.item == item.id).collect();
    let active = on_item.iter().filter(|a| a.status == AssignmentStatus::Active).count() as u32;
    let need = c.fields.reviewers_per_item.saturating_sub(active);
    if need == 0 {
        return Ok(Vec::new());
    }
    let excluded: BTreeSet<(ItemId, ExpertId)> = on_item.iter().map(|a| (item.id, a.expert)).collect();
    let pool = store::active_pool(services.store()).await?;
    let conflicts = derive(services, c, std::slice::from_ref(item), &pool).await?;
    let slot = Slot { item: item.id, specialties: item.fields.specialties.clone(), need };
    let mut cands = candidates(c, &pool, &used);
    // A refill never asks for minimum loads: it fills one item.
    for cand in &mut cands {
        cand.load.min = 0;
    }
    let prepared = core::prepare(&[slot], &cands, &conflicts.blocked(), &excluded, c.fields.require_match);
    let mode = c.deployment.as_ref().and_then(|d| Mode::parse(&d.mode)).unwrap_or(Mode::Optimal);
    let seed = c.deployment.as_ref().and_then(|d| d.seed).unwrap_or(0) as u64 ^ (salt as u64).rotate_left(32);
    let a = solve(&prepared, mode, seed);
    let pairs = core::resolve(&prepared, &a);
    store::insert_assignments(tx, c.id, &pairs, services.now()).await?;
    Ok(pairs.into_iter().map(|(_, e, _)| e).collect())
}

/// An expert declines one of their assignments before submitting; the item is refilled by the
/// same rules. With `conflict` the reason is also recorded as the expert's declared conflict.
pub async fn decline(
    services: &Services,
    caller: &Principal,
    assignment: i32,
    reason: &str,
    conflict: bool,
    ip: &str,
) -> Result<Vec<ExpertId>, ServiceError> {
    let (a, c) = super::sheet::own_assignment(services, caller, assignment).await?;
    if c.status != CampaignStatus::Scoring {
        return Err(ServiceError::Conflict { key: "review.not_scoring" });
    }
    let reason = clip(reason, 2_000);
    if reason.is_empty() {
        return Err(ServiceError::Fields(vec![FieldError::new("reason", "review.reason_required")]));
    }
    let item = load_item(services, c.id, a.item).await?;
    let now = services.now();
    let tx = Work::begin(services).await?;
    if !store::end_assignment(&tx, a.id, AssignmentStatus::Declined, &reason, now).await? {
        return Err(ServiceError::Conflict { key: "review.sheet_locked" });
    }
    if conflict {
        let d = Declared {
            item: a.item,
            expert: a.expert,
            by: Declarant::Expert,
            reason: reason.clone(),
            created_by: caller.username.clone(),
            created_at: now,
        };
        store::insert_declaration(&tx, c.id, &d).await?;
    }
    let added = refill(services, &tx, &c, &item, a.id).await?;
    let change = Change {
        action: "review.decline",
        target_type: "review_assignment",
        target_id: a.id.to_string(),
        before: json!({"status": a.status}),
        after: json!({"status": AssignmentStatus::Declined.code(), "reason": reason, "conflict": conflict, "refilled_with": added}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(added)
}

/// Staff replace a reviewer who has not submitted: with a named expert (who must be eligible)
/// or, without one, by the campaign's rules.
pub async fn swap(
    services: &Services,
    caller: &Principal,
    assignment: i32,
    replacement: Option<ExpertId>,
    reason: &str,
    ip: &str,
) -> Result<Vec<ExpertId>, ServiceError> {
    require(services, caller, Permission::ReviewManage)?;
    let a = store::get_assignment(services.store(), assignment)
        .await?
        .ok_or(ServiceError::NotFound { key: "review.no_assignment" })?;
    let c = load_campaign(services, a.campaign).await?;
    if c.status != CampaignStatus::Scoring {
        return Err(ServiceError::Conflict { key: "review.not_scoring" });
    }
    let reason = clip(reason, 2_000);
    if reason.is_empty() {
        return Err(ServiceError::Fields(vec![FieldError::new("reason", "review.reason_required")]));
    }
    let item = load_item(services, c.id, a.item).await?;
    let mut swap_affinity = 0;
    if let Some(new) = replacement {
        let pool = store::active_pool(services.store()).await?;
        let Some(expert) = pool.iter().find(|e| e.id == new) else {
            return Err(ServiceError::Fields(vec![FieldError::new("expert", "review.not_eligible")]));
        };
        let all = store::campaign_assignments(services.store(), c.id).await?;
        let conflicts = derive(services, &c, std::slice::from_ref(&item), &pool).await?;
        let load = all.iter().filter(|x| x.expert == new && x.status == AssignmentStatus::Active).count() as u32;
        swap_affinity = item.fields.specialties.intersection(&expert.fields.specialties).count() as u32;
        let matches = !c.fields.require_match || item.fields.specialties.is_empty() || swap_affinity > 0;
        let eligible = matches
            && !conflicts.blocked().contains(&(item.id, new))
            && !all.iter().any(|x| x.item == item.id && x.expert == new)
            && core::available(&expert.fields.availability, (c.fields.period_start, c.fields.deadline))
            && load < c.fields.max_load.min(expert.fields.max_load);
        if !eligible {
            return Err(ServiceError::Fields(vec![FieldError::new("expert", "review.not_eligible")]));
        }
    }
    let now = services.now();
    let tx = Work::begin(services).await?;
    if !store::end_assignment(&tx, a.id, AssignmentStatus::Swapped, &reason, now).await? {
        return Err(ServiceError::Conflict { key: "review.sheet_locked" });
    }
    let added = match replacement {
        Some(new) => {
            store::insert_assignments(&tx, c.id, &[(item.id, new, swap_affinity)], now).await?;
            vec![new]
        }
        None => refill(services, &tx, &c, &item, a.id).await?,
    };
    let change = Change {
        action: "review.swap",
        target_type: "review_assignment",
        target_id: a.id.to_string(),
        before: json!({"expert": a.expert, "status": a.status}),
        after: json!({"status": AssignmentStatus::Swapped.code(), "reason": reason, "replaced_by": added}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(added)
}
