//! Cooperation (合作): the deal after a match. Accepting an interest opens a lead; the provider
//! quotes, the demander signs (a contract between two organizations is recorded for the review
//! engine's conflict rule) or asks again; milestones are delivered and accepted or sent back
//! inside a window, and a nightly job accepts what was left unanswered; a dispute climbs from
//! the two sides to the district's branch and then the city; both sides rate each other at
//! the end, and well-rated deals count as evidence in match scores.
//!
//! Who may do what is decided by `sheji_core::cooperation`; this module finds out who the
//! caller is to a deal and never shows a deal to anyone else (404).

pub(crate) mod demo;

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde_json::json;
use sheji_core::cooperation::{
    self as core, Actor as Role, DealAction, DealSide, DealStatus, DisputeStage, MilestoneAction, MilestoneState,
    MilestoneStatus, QuoteDraft,
};
use sheji_core::identity::Principal;
use sheji_core::ids::{AccountId, DistrictId, OrganizationId};
use sheji_core::notification::{MessageKind, Todo};
use sheji_core::page::{Page, PageRequest};
use sheji_store::cooperation as store;
pub use sheji_store::cooperation::{Deal, DealFilter, Milestone, NewDeal, Rating, Step, Tally};

use crate::audit::{Actor, Change};
use crate::clip;
use crate::matchmaking::{admin_of, is_designer, member_of, staff_scope};
use crate::notification::{Audience, Note};
use crate::work::Work;
use crate::{FieldError, ServiceError, Services};

/// Who the caller is to a deal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    /// The side they act for (an administrator of the organization, or the designer).
    pub acts_for: Option<DealSide>,
    /// The side they belong to but do not act for (a member of the organization).
    pub reads_for: Option<DealSide>,
    /// Staff whose scope reaches the deal: the branch, or the city.
    pub staff: Option<Role>,
}

impl Standing {
    /// Whether the caller may read the deal at all.
    pub fn reads(&self) -> bool {
        self.acts_for.is_some() || self.reads_for.is_some() || self.staff.is_some()
    }
}

fn provider_is(services: &Services, caller: &Principal, d: &Deal, acting: bool) -> bool {
    match d.provider_org {
        Some(org) => {
            if acting {
                admin_of(services, caller) == Some(org)
            } else {
                member_of(services, caller) == Some(org)
            }
        }
        None => d.provider_account == caller.account && is_designer(services, caller),
    }
}

/// The caller's standing on a deal.
pub fn standing(services: &Services, caller: &Principal, d: &Deal) -> Standing {
    let acts_for = if admin_of(services, caller) == Some(d.demander) {
        Some(DealSide::Demander)
    } else if provider_is(services, caller, d, true) {
        Some(DealSide::Provider)
    } else {
        None
    };
    let reads_for = if member_of(services, caller) == Some(d.demander) {
        Some(DealSide::Demander)
    } else if provider_is(services, caller, d, false) {
        Some(DealSide::Provider)
    } else {
        None
    };
    let scope = staff_scope(services, Some(caller));
    let staff = if scope.all {
        Some(Role::City)
    } else if scope.covers(Some(d.district), None) {
        Some(Role::Branch)
    } else {
        None
    };
    Standing { acts_for, reads_for, staff }
}

/// Opens the lead of an accepted interest, inside the unit of work that accepts it.
pub(crate) async fn open_lead(tx: &Work, new: &NewDeal, by: &str) -> Result<i32, ServiceError> {
    let id = store::insert_deal(tx, new, tx.now()).await?;
    let step = Step { step: "opened".into(), milestone: None, note: String::new(), actor: by.to_owned(), at: tx.now() };
    store::insert_step(tx, id, &step).await?;
    Ok(id)
}

/// A milestone as a caller sees it, with what they may do to it.
#[derive(Debug, Clone)]
pub struct MilestoneLine {
    /// The milestone.
    pub milestone: Milestone,
    /// The caller's actions on it.
    pub actions: Vec<MilestoneAction>,
    /// The last day a delivery may be sent back.
    pub window_ends: Option<NaiveDate>,
}

/// A deal as a caller sees it.
#[derive(Debug, Clone)]
pub struct DealView {
    /// The deal.
    pub deal: Deal,
    /// The demanding organization's name.
    pub demander: String,
    /// The provider's name.
    pub provider: String,
    /// The district's name.
    pub district: String,
    /// Who the caller is to it.
    pub standing: Standing,
    /// Actions the caller may take, in button order.
    pub actions: Vec<DealAction>,
    /// Its milestones.
    pub milestones: Vec<MilestoneLine>,
    /// Its dated steps.
    pub steps: Vec<Step>,
    /// Its ratings.
    pub ratings: Vec<Rating>,
    /// The caller may rate the other side now.
    pub can_rate: bool,
    /// The title of the 对接会 it came from.
    pub event_title: Option<String>,
}

async fn get(services: &Services, id: i32) -> Result<Deal, ServiceError> {
    store::get_deal(services.store(), id).await?.ok_or(ServiceError::NotFound { key: "cooperation.no_deal" })
}

async fn party_names(services: &Services, deals: &[&Deal]) -> Result<BTreeMap<i32, (String, String)>, ServiceError> {
    let orgs: BTreeSet<OrganizationId> =
        deals.iter().flat_map(|d| [Some(d.demander), d.provider_org]).flatten().collect();
    let names = crate::registry::names(services, &orgs).await?;
    let mut designers: BTreeMap<AccountId, String> = BTreeMap::new();
    let mut out = BTreeMap::new();
    for d in deals {
        let provider = match d.provider_org {
            Some(org) => names.get(&org).cloned().unwrap_or_default(),
            None => match designers.get(&d.provider_account) {
                Some(name) => name.clone(),
                None => {
                    let name = crate::identity::display_name(services, d.provider_account).await?.unwrap_or_default();
                    designers.insert(d.provider_account, name.clone());
                    name
                }
            },
        };
        out.insert(d.id, (names.get(&d.demander).cloned().unwrap_or_default(), provider));
    }
    Ok(out)
}

/// One deal for the caller; 404 for anyone who is neither side nor staff over its district.
pub async fn deal(services: &Services, caller: &Principal, id: i32) -> Result<DealView, ServiceError> {
    let d = get(services, id).await?;
    let standing = standing(services, caller, &d);
    if !standing.reads() {
        return Err(ServiceError::NotFound { key: "cooperation.no_deal" });
    }
    let mut actions = Vec::new();
    if let Some(side) = standing.acts_for {
        actions.extend(DealAction::available(Role::Party(side), d.status, d.dispute_stage));
    }
    if let Some(staff) = standing.staff {
        for a in DealAction::available(staff, d.status, d.dispute_stage) {
            if !actions.contains(&a) {
                actions.push(a);
            }
        }
    }
    let today = services.today();
    let milestones = store::milestones(services.store(), id)
        .await?
        .into_iter()
        .map(|m| {
            let state = MilestoneState { status: m.status, delivered_on: m.delivered_on, changes: m.changes };
            MilestoneLine {
                actions: standing
                    .acts_for
                    .map(|side| MilestoneAction::available(side, d.status, &state, today))
                    .unwrap_or_default(),
                window_ends: (m.status == MilestoneStatus::Delivered)
                    .then(|| m.delivered_on.map(core::window_ends))
                    .flatten(),
                milestone: m,
            }
        })
        .collect();
    let ratings = store::ratings(services.store(), id).await?;
    let can_rate = standing
        .acts_for
        .is_some_and(|side| core::may_rate(d.status, d.signed_on.is_some(), ratings.iter().any(|r| r.side == side)));
    let names = party_names(services, &[&d]).await?;
    let (demander, provider) = names.get(&id).cloned().unwrap_or_default();
    let district = crate::reference::get_district(services, d.district).await.map(|x| x.name).unwrap_or_default();
    let event_title = match d.event {
        Some(e) => crate::event::titles(services, &[e]).await?.remove(&e),
        None => None,
    };
    Ok(DealView {
        event_title,
        steps: store::steps(services.store(), id).await?,
        deal: d,
        demander,
        provider,
        district,
        standing,
        actions,
        milestones,
        ratings,
        can_rate,
    })
}

/// Who hears of a step: the side that did not take it (both sides when staff took it).
fn other_side(d: &Deal, by: Option<DealSide>) -> Vec<Audience> {
    let demander = Audience::OrgAdmins(d.demander);
    let provider = match d.provider_org {
        Some(org) => Audience::OrgAdmins(org),
        None => Audience::Account(d.provider_account),
    };
    match by {
        Some(DealSide::Demander) => vec![provider],
        Some(DealSide::Provider) => vec![demander],
        None => vec![demander, provider],
    }
}

async fn tell(tx: &Work, d: &Deal, to: Vec<Audience>, key: &'static str, note: &str) -> Result<(), ServiceError> {
    let note = Note {
        kind: MessageKind::Deal,
        key,
        args: vec![("title", d.title.clone()), ("note", note.to_owned())],
        href: format!("/deals/{}", d.id),
        once: None,
    };
    crate::notification::send(tx, tx.now(), &to, &note).await.map(|_| ())
}

/// What an action on a deal carries besides itself.
#[derive(Debug, Clone, Default)]
pub struct ActInput {
    /// The reason (a revision request, a closing, a dispute, its escalation or settlement).
    pub reason: String,
    /// The signing day (signing only; today when not given).
    pub signed_on: Option<NaiveDate>,
}

/// Takes `action` on a deal (every action but a quote, which has its own form).
pub async fn act(
    services: &Services,
    caller: &Principal,
    id: i32,
    action: DealAction,
    input: &ActInput,
    ip: &str,
) -> Result<DealStatus, ServiceError> {
    let view = deal(services, caller, id).await?;
    let d = view.deal;
    if action == DealAction::Quote || !view.actions.contains(&action) {
        return Err(ServiceError::Conflict { key: "cooperation.action_closed" });
    }
    let reason = clip(input.reason.trim(), 2_000);
    let mut errors = Vec::new();
    if action.needs_reason() && reason.is_empty() {
        errors.push(FieldError::new("reason", "cooperation.reason_required"));
    }
    let today = services.today();
    let signed_on = input.signed_on.unwrap_or(today);
    if action == DealAction::Sign
        && let Some(key) = core::check_signing(signed_on, d.quoted_on.unwrap_or(today), today)
    {
        errors.push(FieldError::new("signed_on", key));
    }
    if !errors.is_empty() {
        return Err(ServiceError::Fields(errors));
    }
    // Staff act for no side; a party acts for theirs (staff who are also a party act as it).
    let by = view
        .standing
        .acts_for
        .filter(|side| DealAction::available(Role::Party(*side), d.status, d.dispute_stage).contains(&action));
    let to = action.next(d.status).ok_or(ServiceError::Conflict { key: "cooperation.action_closed" })?;
    let mut change = store::DealChange::default();
    let mut audience = other_side(&d, by);
    let key = match action {
        DealAction::Sign => {
            change.signed_on = Some(signed_on);
            "cooperation.msg.signed"
        }
        DealAction::Revise => "cooperation.msg.revise",
        DealAction::Close => {
            change.closed_reason = Some(reason.clone());
            "cooperation.msg.closed"
        }
        DealAction::Dispute => {
            let side = by.ok_or(ServiceError::Forbidden)?;
            change.dispute = Some(Some((DisputeStage::Negotiation, side, reason.clone())));
            "cooperation.msg.disputed"
        }
        DealAction::Escalate => {
            let stage = d
                .dispute_stage
                .and_then(DisputeStage::above)
                .ok_or(ServiceError::Conflict { key: "cooperation.action_closed" })?;
            let side = d.dispute_side.or(by).ok_or(ServiceError::Forbidden)?;
            change.dispute = Some(Some((stage, side, d.dispute_reason.clone().unwrap_or_default())));
            audience.push(match stage {
                DisputeStage::Mediation => Audience::DistrictStaff(d.district),
                _ => Audience::Role(sheji_core::identity::Role::CityOfficer),
            });
            "cooperation.msg.escalated"
        }
        DealAction::Resume => {
            change.dispute = Some(None);
            "cooperation.msg.resumed"
        }
        DealAction::Terminate => {
            change.dispute = Some(None);
            change.closed_reason = Some(reason.clone());
            "cooperation.msg.terminated"
        }
        DealAction::Quote => return Err(ServiceError::Conflict { key: "cooperation.action_closed" }),
    };
    let tx = Work::begin(services).await?;
    if !store::move_deal(&tx, id, d.version, to, &change, tx.now()).await? {
        return Err(ServiceError::Conflict { key: "cooperation.moved_meanwhile" });
    }
    let note = if action == DealAction::Sign { lang_free_date(signed_on) } else { reason.clone() };
    let step =
        Step { step: action.code().to_owned(), milestone: None, note, actor: caller.username.clone(), at: tx.now() };
    store::insert_step(&tx, id, &step).await?;
    // A contract between two organizations is a cooperation the review engine must know of:
    // an expert employed by either is in conflict with the other for the years the rule counts.
    if action == DealAction::Sign
        && let Some(provider) = d.provider_org
    {
        crate::review::record_cooperation(&tx, d.demander, provider, &d.title, signed_on).await?;
    }
    tell(&tx, &d, audience, key, &reason).await?;
    let change = Change {
        action: "cooperation.deal_move",
        target_type: "deal",
        target_id: id.to_string(),
        before: json!({"status": d.status.code(), "dispute_stage": d.dispute_stage.map(|s| s.code())}),
        after: json!({"status": to.code(), "action": action.code(), "reason": reason, "signed_on": change.signed_on}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(to)
}

/// A day as the steps record it (ISO, read the same in either language).
fn lang_free_date(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// The provider quotes (again after a revision request): mode, amount, scope and milestones,
/// every problem reported at once.
pub async fn quote(
    services: &Services,
    caller: &Principal,
    id: i32,
    q: &QuoteDraft,
    ip: &str,
) -> Result<(), ServiceError> {
    let view = deal(services, caller, id).await?;
    if !view.actions.contains(&DealAction::Quote) {
        return Err(ServiceError::Conflict { key: "cooperation.action_closed" });
    }
    let problems = core::check_quote(q, services.today());
    if !problems.is_empty() {
        return Err(ServiceError::Fields(problems.into_iter().map(|(f, k)| FieldError::new(f, k)).collect()));
    }
    let d = view.deal;
    let mode = q.mode.ok_or(ServiceError::Fields(vec![FieldError::new("mode", "cooperation.mode_required")]))?;
    let scope = q.scope.trim().to_owned();
    let tx = Work::begin(services).await?;
    let change =
        store::DealChange { quote: Some((mode, q.amount, scope.clone(), services.today())), ..Default::default() };
    if !store::move_deal(&tx, id, d.version, DealStatus::Quoted, &change, tx.now()).await? {
        return Err(ServiceError::Conflict { key: "cooperation.moved_meanwhile" });
    }
    store::replace_milestones(&tx, id, &q.milestones).await?;
    let step = Step {
        step: DealAction::Quote.code().to_owned(),
        milestone: None,
        note: scope.clone(),
        actor: caller.username.clone(),
        at: tx.now(),
    };
    store::insert_step(&tx, id, &step).await?;
    tell(&tx, &d, other_side(&d, Some(DealSide::Provider)), "cooperation.msg.quoted", "").await?;
    let milestones: Vec<serde_json::Value> =
        q.milestones.iter().map(|m| json!({"title": m.title, "due_on": m.due_on, "amount": m.amount})).collect();
    let change = Change {
        action: "cooperation.quote",
        target_type: "deal",
        target_id: id.to_string(),
        before: json!({"status": d.status.code(), "amount": d.amount, "mode": d.mode.map(|m| m.code())}),
        after: json!({"status": DealStatus::Quoted.code(), "amount": q.amount, "mode": mode.code(), "scope": scope, "milestones": milestones}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(())
}

/// Delivers, accepts or sends back a milestone. When the last one is accepted the deal is
/// completed.
pub async fn milestone_act(
    services: &Services,
    caller: &Principal,
    milestone: i32,
    action: MilestoneAction,
    note: &str,
    ip: &str,
) -> Result<MilestoneStatus, ServiceError> {
    let m = store::get_milestone(services.store(), milestone)
        .await?
        .ok_or(ServiceError::NotFound { key: "cooperation.no_deal" })?;
    let view = deal(services, caller, m.deal).await?;
    let line = view.milestones.iter().find(|l| l.milestone.id == milestone);
    if !line.is_some_and(|l| l.actions.contains(&action)) {
        return Err(ServiceError::Conflict {
            key: if action == MilestoneAction::RequestChanges && m.status == MilestoneStatus::Delivered {
                "cooperation.window_closed"
            } else {
                "cooperation.action_closed"
            },
        });
    }
    let note = clip(note.trim(), 2_000);
    if action.needs_note() && note.is_empty() {
        return Err(ServiceError::Fields(vec![FieldError::new("note", "cooperation.note_required")]));
    }
    let today = services.today();
    let to = match action {
        MilestoneAction::Deliver => store::MilestoneMove::Deliver(today, note.clone()),
        MilestoneAction::Accept => store::MilestoneMove::Accept(today, false),
        MilestoneAction::RequestChanges => store::MilestoneMove::Changes(note.clone()),
    };
    let tx = Work::begin(services).await?;
    let status = settle_milestone(&tx, &view.deal, &m, &to, action.code(), &caller.username).await?;
    let change = Change {
        action: "cooperation.milestone",
        target_type: "deal",
        target_id: m.deal.to_string(),
        before: json!({"milestone": milestone, "status": m.status.code()}),
        after: json!({"milestone": milestone, "status": status.code(), "action": action.code(), "note": note}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    Ok(status)
}

/// Writes a milestone's move, its step and the message, and completes the deal when it was
/// the last to be accepted.
async fn settle_milestone(
    tx: &Work,
    d: &Deal,
    m: &Milestone,
    to: &store::MilestoneMove,
    step: &str,
    by: &str,
) -> Result<MilestoneStatus, ServiceError> {
    // Two answers on one deal at once (two milestones accepted in two tabs) would each see the
    // other's milestone still open and neither complete the deal: they queue on its row.
    store::lock_deal(tx, d.id, tx.now()).await?;
    let d = &store::get_deal(tx, d.id).await?.ok_or(ServiceError::NotFound { key: "cooperation.no_deal" })?;
    if d.status != DealStatus::Contracted {
        return Err(ServiceError::Conflict { key: "cooperation.moved_meanwhile" });
    }
    if !store::move_milestone(tx, m, to).await? {
        return Err(ServiceError::Conflict { key: "cooperation.moved_meanwhile" });
    }
    let (status, note, key, from) = match to {
        store::MilestoneMove::Deliver(_, note) => {
            (MilestoneStatus::Delivered, note.clone(), "cooperation.msg.delivered", Some(DealSide::Provider))
        }
        store::MilestoneMove::Accept(_, true) => {
            (MilestoneStatus::Accepted, String::new(), "cooperation.msg.deemed", None)
        }
        store::MilestoneMove::Accept(..) => {
            (MilestoneStatus::Accepted, String::new(), "cooperation.msg.accepted", Some(DealSide::Demander))
        }
        store::MilestoneMove::Changes(note) => {
            (MilestoneStatus::Changes, note.clone(), "cooperation.msg.changes", Some(DealSide::Demander))
        }
    };
    let s =
        Step { step: step.to_owned(), milestone: Some(m.id), note: note.clone(), actor: by.to_owned(), at: tx.now() };
    store::insert_step(tx, d.id, &s).await?;
    let shown = format!("{}{}{}", m.title, if note.is_empty() { "" } else { "：" }, note);
    tell(tx, d, other_side(d, from), key, &shown).await?;
    if status == MilestoneStatus::Accepted {
        let all = store::milestones(tx, d.id).await?;
        if all.iter().all(|x| x.status == MilestoneStatus::Accepted) {
            let done = store::DealChange {
                completed_on: Some(sheji_core::clock::beijing_date(tx.now())),
                ..Default::default()
            };
            if store::move_deal(tx, d.id, d.version, DealStatus::Completed, &done, tx.now()).await? {
                let s = Step {
                    step: "completed".into(),
                    milestone: None,
                    note: String::new(),
                    actor: by.to_owned(),
                    at: tx.now(),
                };
                store::insert_step(tx, d.id, &s).await?;
                tell(tx, d, other_side(d, None), "cooperation.msg.completed", "").await?;
            }
        }
    }
    Ok(status)
}

/// Accepts deliveries whose window passed unanswered (a daily job); how many.
pub async fn deem_accepted(services: &Services) -> Result<u64, ServiceError> {
    const BATCH: u64 = 500;
    let today = services.today();
    // Delivered on a day before this one, the window has closed by today.
    let before = today - chrono::Duration::days(core::ACCEPTANCE_WINDOW_DAYS);
    let mut n = 0;
    let mut after = 0;
    loop {
        let due = store::deliveries_before(services.store(), before, after, BATCH).await?;
        let Some(last) = due.last() else { return Ok(n) };
        after = last.id;
        for m in due {
            let Some(d) = store::get_deal(services.store(), m.deal).await? else { continue };
            // A dispute stops the clock: what is disputed is not accepted by silence.
            if d.status != DealStatus::Contracted {
                continue;
            }
            let tx = Work::begin(services).await?;
            match settle_milestone(&tx, &d, &m, &store::MilestoneMove::Accept(today, true), "deemed", "system").await {
                Ok(_) => {}
                Err(ServiceError::Conflict { .. }) => continue,
                Err(e) => return Err(e),
            }
            let change = Change {
                action: "cooperation.deemed",
                target_type: "deal",
                target_id: d.id.to_string(),
                before: json!({"milestone": m.id, "status": m.status.code(), "delivered_on": m.delivered_on}),
                after: json!({"milestone": m.id, "status": MilestoneStatus::Accepted.code()}),
            };
            tx.commit(&Actor::system(), change).await?;
            n += 1;
        }
    }
}

/// Rates the other side of an ended, signed deal: 1–5 and a comment; once per side.
pub async fn rate(
    services: &Services,
    caller: &Principal,
    id: i32,
    score: Option<i32>,
    comment: &str,
    ip: &str,
) -> Result<(), ServiceError> {
    let view = deal(services, caller, id).await?;
    let Some(side) = view.standing.acts_for else {
        return Err(ServiceError::Forbidden);
    };
    if !view.can_rate {
        return Err(ServiceError::Conflict {
            key: if view.ratings.iter().any(|r| r.side == side) {
                "cooperation.already_rated"
            } else {
                "cooperation.not_ratable"
            },
        });
    }
    let comment = clip(comment.trim(), 2_000);
    let score = match score {
        Some(s) if core::RATING_RANGE.contains(&s) => s,
        _ => return Err(ServiceError::Fields(vec![FieldError::new("score", "cooperation.score_range")])),
    };
    let tx = Work::begin(services).await?;
    let rating = Rating { side, score, comment: comment.clone(), by: caller.username.clone(), at: tx.now() };
    match store::insert_rating(&tx, id, &rating).await {
        Err(e) if e.is_duplicate() => return Err(ServiceError::Conflict { key: "cooperation.already_rated" }),
        other => other?,
    }
    let step = Step {
        step: "rated".into(),
        milestone: None,
        note: format!("{score}/5 {comment}").trim().to_owned(),
        actor: caller.username.clone(),
        at: tx.now(),
    };
    store::insert_step(&tx, id, &step).await?;
    tell(&tx, &view.deal, other_side(&view.deal, Some(side)), "cooperation.msg.rated", &score.to_string()).await?;
    let change = Change {
        action: "cooperation.rate",
        target_type: "deal",
        target_id: id.to_string(),
        before: serde_json::Value::Null,
        after: json!({"side": side.code(), "score": score, "comment": comment}),
    };
    tx.commit(&Actor::of(caller, ip), change).await?;
    services.forget_matchmaking_pool();
    Ok(())
}

/// A deal in a list, with both sides named.
#[derive(Debug, Clone)]
pub struct DealLine {
    /// The deal.
    pub deal: Deal,
    /// The demanding organization.
    pub demander: String,
    /// The provider.
    pub provider: String,
}

/// What a caller's deal list may be narrowed to.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Only in this state.
    pub status: Option<DealStatus>,
    /// Only in this district (staff).
    pub district: Option<DistrictId>,
}

/// The deals the caller may see: their own side's, and as staff their districts' (all for the
/// city), newest first.
pub async fn list(
    services: &Services,
    caller: &Principal,
    filter: &ListFilter,
    page: PageRequest,
) -> Result<Page<DealLine>, ServiceError> {
    let scope = staff_scope(services, Some(caller));
    let f = DealFilter {
        organization: member_of(services, caller),
        account: is_designer(services, caller).then_some(caller.account),
        districts: (!scope.all && !scope.is_none()).then(|| scope.districts.iter().copied().collect()),
        status: filter.status,
        district: filter.district,
        demand: None,
    };
    let everyone = scope.all;
    if !everyone && f.organization.is_none() && f.account.is_none() && f.districts.is_none() {
        return Ok(Page::new(Vec::new(), page, 0));
    }
    let f = if everyone { DealFilter { organization: None, account: None, districts: None, ..f } } else { f };
    let p = store::list_deals(services.store(), &f, page).await?;
    let names = party_names(services, &p.items.iter().collect::<Vec<_>>()).await?;
    let req = PageRequest::new(Some(p.page), Some(p.per_page));
    let total = p.total;
    let items = p
        .items
        .into_iter()
        .map(|deal| {
            let (demander, provider) = names.get(&deal.id).cloned().unwrap_or_default();
            DealLine { deal, demander, provider }
        })
        .collect();
    Ok(Page::new(items, req, total))
}

/// Whether the caller sees the district tally (staff).
pub fn sees_tally(services: &Services, caller: &Principal) -> bool {
    !staff_scope(services, Some(caller)).is_none()
}

/// Deals by district and state in the caller's scope (staff), with district names.
pub async fn tally(services: &Services, caller: &Principal) -> Result<Vec<(String, Tally)>, ServiceError> {
    let scope = staff_scope(services, Some(caller));
    if scope.is_none() {
        return Err(ServiceError::Forbidden);
    }
    let districts: Option<Vec<DistrictId>> = (!scope.all).then(|| scope.districts.iter().copied().collect());
    let rows = store::tally(services.store(), districts.as_deref()).await?;
    let mut out = Vec::with_capacity(rows.len());
    for t in rows {
        let name = crate::reference::get_district(services, t.district).await.map(|x| x.name).unwrap_or_default();
        out.push((name, t));
    }
    Ok(out)
}

/// The deals opened from these interests: interest → deal.
pub(crate) async fn deals_of_interests(
    services: &Services,
    interests: &[i32],
) -> Result<BTreeMap<i32, i32>, ServiceError> {
    Ok(store::deals_of_interests(services.store(), interests).await?)
}

/// The deals opened from these meetings: meeting → deal.
pub(crate) async fn deals_of_meetings(
    services: &Services,
    meetings: &[i32],
) -> Result<BTreeMap<i32, i32>, ServiceError> {
    Ok(store::deals_of_meetings(services.store(), meetings).await?)
}

/// Deals opened at events in the caller's scope (staff): (event title, deals, signed).
pub async fn tally_by_event(services: &Services, caller: &Principal) -> Result<Vec<(String, i64, i64)>, ServiceError> {
    let scope = staff_scope(services, Some(caller));
    if scope.is_none() {
        return Err(ServiceError::Forbidden);
    }
    let districts: Option<Vec<DistrictId>> = (!scope.all).then(|| scope.districts.iter().copied().collect());
    let rows = store::tally_by_event(services.store(), districts.as_deref()).await?;
    let titles = crate::event::titles(services, &rows.iter().map(|r| r.0).collect::<Vec<_>>()).await?;
    Ok(rows.into_iter().map(|(e, n, s)| (titles.get(&e).cloned().unwrap_or_default(), n, s)).collect())
}

/// Deals by the demand's cluster in the caller's scope (staff): (cluster name, deals, signed),
/// the most first; deals of no cluster last, unnamed.
pub async fn tally_by_cluster(
    services: &Services,
    caller: &Principal,
) -> Result<Vec<(String, i64, i64)>, ServiceError> {
    let scope = staff_scope(services, Some(caller));
    if scope.is_none() {
        return Err(ServiceError::Forbidden);
    }
    let districts: Option<Vec<DistrictId>> = (!scope.all).then(|| scope.districts.iter().copied().collect());
    let mut rows = store::tally_by_cluster(services.store(), districts.as_deref()).await?;
    rows.sort_by_key(|(c, n, _)| (c.is_none(), std::cmp::Reverse(*n)));
    let names: BTreeMap<_, _> = crate::matchmaking::choices(services).await?.clusters.into_iter().collect();
    Ok(rows.into_iter().map(|(c, n, s)| (c.and_then(|c| names.get(&c).cloned()).unwrap_or_default(), n, s)).collect())
}

/// Providers' deals their clients rated well: by organization and by designer account.
pub(crate) async fn well_rated(
    services: &Services,
) -> Result<(BTreeMap<OrganizationId, u32>, BTreeMap<AccountId, u32>), ServiceError> {
    Ok(store::well_rated(services.store(), core::GOOD_RATING).await?)
}

/// To-dos: leads to quote, quotes to sign, deliveries to accept, milestones to redo, and for
/// staff the disputes waiting at their stage.
pub async fn todos(services: &Services, caller: &Principal) -> Result<Vec<Todo>, ServiceError> {
    let mut out = Vec::new();
    let organization = admin_of(services, caller);
    let account = is_designer(services, caller).then_some(caller.account);
    if organization.is_some() || account.is_some() {
        let w = store::waiting(services.store(), organization, account).await?;
        for (n, key, status) in [
            (w.to_quote, "cooperation.todo.quote", "lead"),
            (w.to_sign, "cooperation.todo.sign", "quoted"),
            (w.to_accept, "cooperation.todo.accept", "contracted"),
            (w.to_redo, "cooperation.todo.redo", "contracted"),
        ] {
            if n > 0 {
                out.push(Todo {
                    key,
                    args: vec![("n", n.to_string())],
                    due: None,
                    href: format!("/deals?status={status}"),
                });
            }
        }
    }
    let scope = staff_scope(services, Some(caller));
    if !scope.is_none() {
        let (stage, districts) = if scope.all {
            (DisputeStage::City, None)
        } else {
            (DisputeStage::Mediation, Some(scope.districts.iter().copied().collect::<Vec<_>>()))
        };
        let n = store::disputes_at(services.store(), stage, districts.as_deref()).await?;
        if n > 0 {
            out.push(Todo {
                key: "cooperation.todo.disputes",
                args: vec![("n", n.to_string())],
                due: None,
                href: "/deals?status=disputed".to_owned(),
            });
        }
    }
    Ok(out)
}
