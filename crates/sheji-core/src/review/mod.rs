//! The review engine (专家评审): one engine behind design-center recognition, achievement
//! evaluation, title review and competitions.
//!
//! It knows an item only by its title, the organizations and people behind it and its
//! specialties. Submodules: `conflict` (回避 rules), `assign` (optimal and random assignment),
//! `score` (rubrics, sheets, aggregation, ranking), `calendar` (working days for 公示). This
//! module holds the campaign and sheet workflows and turns a campaign into an assignment problem.

pub mod assign;
pub mod calendar;
pub mod conflict;
mod flow;
pub mod notice;
pub mod score;

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ids::{ExpertId, ItemId};
use assign::{ExpertLoad, ItemNeed, Pair, Problem};

/// Where a campaign stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CampaignStatus {
    /// Being prepared: items, pool, assignment dry runs.
    Draft,
    /// Assignment deployed; experts score.
    Scoring,
    /// Scoring closed; results computed, visible to staff.
    Closed,
    /// Results on public notice; objections accepted.
    Publicity,
    /// Final list published.
    Final,
}

crate::coded_enum! {
    /// Where an expert's assignment to an item stands.
    pub enum AssignmentStatus {
        /// The expert scores the item.
        Active = "active",
        /// The expert declined it (conflict, unavailable).
        Declined = "declined",
        /// Staff replaced the expert.
        Swapped = "swapped",
    }
}

crate::coded_enum! {
    /// Where an expert's score sheet stands.
    pub enum SheetStatus {
        /// Being filled in; saved but not counted.
        Draft = "draft",
        /// Handed in; counted and no longer editable.
        Submitted = "submitted",
    }
}

impl AssignmentStatus {
    /// Whether the assignment counts: its sheet is expected and its score is used.
    pub fn is_active(self) -> bool {
        self == AssignmentStatus::Active
    }
}

crate::coded_enum! {
    /// Where an objection raised during public notice stands.
    pub enum ObjectionStatus {
        /// Waiting for a decision; the list cannot be finalized.
        Open = "open",
        /// Upheld: the item objected to is withdrawn.
        Accepted = "accepted",
        /// Dismissed with reasons.
        Rejected = "rejected",
    }
}

impl ObjectionStatus {
    /// Whether it still waits for a decision.
    pub fn is_open(self) -> bool {
        self == ObjectionStatus::Open
    }

    /// Badge class.
    pub fn badge(self) -> &'static str {
        match self {
            ObjectionStatus::Open => "action",
            ObjectionStatus::Accepted => "passed",
            ObjectionStatus::Rejected => "rejected",
        }
    }
}

/// What staff ask of a campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CampaignAction {
    /// Deploy the assignment and open scoring.
    Deploy,
    /// Close scoring.
    Close,
    /// Publish the results for public notice.
    Publish,
    /// Publish the final list.
    Finalize,
}

impl CampaignStatus {
    /// Every status, in workflow order.
    pub const ALL: [CampaignStatus; 5] = [
        CampaignStatus::Draft,
        CampaignStatus::Scoring,
        CampaignStatus::Closed,
        CampaignStatus::Publicity,
        CampaignStatus::Final,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            CampaignStatus::Draft => "draft",
            CampaignStatus::Scoring => "scoring",
            CampaignStatus::Closed => "closed",
            CampaignStatus::Publicity => "publicity",
            CampaignStatus::Final => "final",
        }
    }

    /// Reads a stored code.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == s)
    }
}

impl CampaignAction {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            CampaignAction::Deploy => "deploy",
            CampaignAction::Close => "close",
            CampaignAction::Publish => "publish",
            CampaignAction::Finalize => "finalize",
        }
    }
}

/// A campaign transition the workflow does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cannot {action:?} a campaign that is {from:?}")]
pub struct IllegalTransition {
    /// Where it stood.
    pub from: CampaignStatus,
    /// What was asked.
    pub action: CampaignAction,
}

/// The campaign workflow: draft → scoring → closed → publicity → final. The preconditions that
/// need data (an assignment exists, every sheet is in, the window has passed and every
/// objection is settled) are checked by the caller before asking.
pub fn transition(from: CampaignStatus, action: CampaignAction) -> Result<CampaignStatus, IllegalTransition> {
    use CampaignAction as A;
    use CampaignStatus as S;
    match (from, action) {
        (S::Draft, A::Deploy) => Ok(S::Scoring),
        (S::Scoring, A::Close) => Ok(S::Closed),
        (S::Closed, A::Publish) => Ok(S::Publicity),
        (S::Publicity, A::Finalize) => Ok(S::Final),
        _ => Err(IllegalTransition { from, action }),
    }
}

/// An expert as the assignment sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    /// The expert.
    pub expert: ExpertId,
    /// Their specialties (service categories, clusters), as codes.
    pub specialties: BTreeSet<String>,
    /// Whether they are available for the campaign's review period.
    pub available: bool,
    /// Load limits in this campaign.
    pub load: ExpertLoad,
}

/// An item as the assignment sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    /// The item.
    pub item: ItemId,
    /// Its specialties, as codes.
    pub specialties: BTreeSet<String>,
    /// Reviewers it needs.
    pub need: u32,
}

/// Why experts of the pool are not eligible for an item.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolCount {
    /// Eligible experts.
    pub eligible: u32,
    /// Blocked by a conflict.
    pub conflicted: u32,
    /// Not available in the review period.
    pub unavailable: u32,
    /// Sharing no specialty with the item.
    pub unmatched: u32,
    /// Excluded by staff for this item (a swapped-out or declined reviewer).
    pub excluded: u32,
}

/// What staff can change when an item is short of reviewers, most effective first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShortfallAdvice {
    /// Eligible experts were left out because they were full: raise the most items per expert.
    RaiseMaxLoad,
    /// Experts sharing no specialty were left out: give experts the item's specialties, or
    /// stop requiring a match.
    RelaxMatch,
    /// Experts are not available in the period: widen it, or ask them to open their dates.
    WidenPeriod,
    /// Too few eligible experts: ask for this many reviewers per item.
    FewerReviewers(u32),
    /// Too few eligible experts: add experts to the pool (from other employers if conflicts
    /// keep many out).
    AddExperts,
}

impl PoolCount {
    /// What would fill an item that needs `need` reviewers and got `got` (nothing when full).
    pub fn advice(&self, need: u32, got: u32) -> Vec<ShortfallAdvice> {
        let mut out = Vec::new();
        if got >= need {
            return out;
        }
        // Some eligible experts were left out because they were full.
        if got < self.eligible.min(need) {
            out.push(ShortfallAdvice::RaiseMaxLoad);
        }
        if self.unmatched > 0 {
            out.push(ShortfallAdvice::RelaxMatch);
        }
        if self.unavailable > 0 {
            out.push(ShortfallAdvice::WidenPeriod);
        }
        if self.eligible < need {
            if self.eligible > 0 {
                out.push(ShortfallAdvice::FewerReviewers(self.eligible));
            }
            out.push(ShortfallAdvice::AddExperts);
        }
        out
    }
}

#[cfg(test)]
mod advice_tests {
    use super::*;

    #[test]
    fn a_shortfall_says_what_to_change() {
        let full = PoolCount { eligible: 6, ..PoolCount::default() };
        assert_eq!(full.advice(5, 3), vec![ShortfallAdvice::RaiseMaxLoad]);
        assert!(full.advice(5, 5).is_empty(), "nothing to change when full");
        let small = PoolCount { eligible: 2, conflicted: 3, unmatched: 4, unavailable: 1, excluded: 0 };
        assert_eq!(
            small.advice(5, 2),
            vec![
                ShortfallAdvice::RelaxMatch,
                ShortfallAdvice::WidenPeriod,
                ShortfallAdvice::FewerReviewers(2),
                ShortfallAdvice::AddExperts
            ]
        );
        let none = PoolCount { conflicted: 4, ..PoolCount::default() };
        assert_eq!(none.advice(3, 0), vec![ShortfallAdvice::AddExperts], "never ask for zero reviewers");
    }
}

/// A campaign turned into an assignment problem, with the ids behind each position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prepared {
    /// The problem the solvers take.
    pub problem: Problem,
    /// Item id of each position.
    pub items: Vec<ItemId>,
    /// Expert id of each position.
    pub experts: Vec<ExpertId>,
    /// Per item position, why the pool shrank.
    pub pools: Vec<PoolCount>,
}

/// Builds the assignment problem: a pair is eligible when the expert is available, has no
/// conflict with the item and is not excluded from it, and (when `require_match`) shares a
/// specialty with it; its affinity is the number of shared specialties. Items and experts are
/// sorted by id, so the same campaign always gives the same problem.
pub fn prepare(
    slots: &[Slot],
    candidates: &[Candidate],
    blocked: &BTreeSet<(ItemId, ExpertId)>,
    excluded: &BTreeSet<(ItemId, ExpertId)>,
    require_match: bool,
) -> Prepared {
    let mut slots: Vec<&Slot> = slots.iter().collect();
    slots.sort_by_key(|s| s.item);
    slots.dedup_by_key(|s| s.item);
    let mut candidates: Vec<&Candidate> = candidates.iter().collect();
    candidates.sort_by_key(|c| c.expert);
    candidates.dedup_by_key(|c| c.expert);
    let mut pairs = Vec::new();
    let mut pools = Vec::with_capacity(slots.len());
    for (i, s) in slots.iter().enumerate() {
        let mut count = PoolCount::default();
        for (e, c) in candidates.iter().enumerate() {
            let shared = s.specialties.intersection(&c.specialties).count() as u32;
            if blocked.contains(&(s.item, c.expert)) {
                count.conflicted += 1;
            } else if excluded.contains(&(s.item, c.expert)) {
                count.excluded += 1;
            } else if !c.available {
                count.unavailable += 1;
            } else if require_match && shared == 0 && !s.specialties.is_empty() {
                count.unmatched += 1;
            } else {
                count.eligible += 1;
                pairs.push(Pair { item: i as u32, expert: e as u32, affinity: shared });
            }
        }
        pools.push(count);
    }
    Prepared {
        problem: Problem {
            items: slots.iter().map(|s| ItemNeed { need: s.need }).collect(),
            experts: candidates.iter().map(|c| c.load).collect(),
            pairs,
        },
        items: slots.iter().map(|s| s.item).collect(),
        experts: candidates.iter().map(|c| c.expert).collect(),
        pools,
    }
}

/// The specialties an item and an expert share: the explanation of a pair.
pub fn shared_specialties<'a>(item: &'a BTreeSet<String>, expert: &'a BTreeSet<String>) -> Vec<&'a str> {
    item.intersection(expert).map(String::as_str).collect()
}

/// Whether an expert's availability windows cover a review period; no window means always.
pub fn available(windows: &[(NaiveDate, NaiveDate)], period: (NaiveDate, NaiveDate)) -> bool {
    windows.is_empty() || windows.iter().any(|(from, to)| *from <= period.0 && period.1 <= *to)
}

/// Maps an assignment back to ids: (item, expert, affinity).
pub fn resolve(prepared: &Prepared, assignment: &assign::Assignment) -> Vec<(ItemId, ExpertId, u32)> {
    assignment
        .pairs
        .iter()
        .filter_map(|p| {
            Some((*prepared.items.get(p.item as usize)?, *prepared.experts.get(p.expert as usize)?, p.affinity))
        })
        .collect()
}

/// Per item, the experts a deployed assignment gave it.
pub fn by_item(pairs: &[(ItemId, ExpertId, u32)]) -> BTreeMap<ItemId, Vec<ExpertId>> {
    let mut out: BTreeMap<ItemId, Vec<ExpertId>> = BTreeMap::new();
    for (i, e, _) in pairs {
        out.entry(*i).or_default().push(*e);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(xs: &[&str]) -> BTreeSet<String> {
        xs.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn the_workflow_refuses_skipping_steps() {
        assert_eq!(transition(CampaignStatus::Draft, CampaignAction::Deploy), Ok(CampaignStatus::Scoring));
        assert!(transition(CampaignStatus::Draft, CampaignAction::Publish).is_err());
        assert!(transition(CampaignStatus::Final, CampaignAction::Finalize).is_err());
    }

    #[test]
    fn the_pool_says_why_it_shrank() {
        let load = ExpertLoad { min: 0, max: 5 };
        let c = |id, sp: &[&str], available| Candidate { expert: ExpertId(id), specialties: set(sp), available, load };
        let candidates = [
            c(1, &["auto"], true),
            c(2, &["auto"], false),
            c(3, &["textile"], true),
            c(4, &["auto", "ui"], true),
            c(5, &["auto"], true),
        ];
        let slots = [Slot { item: ItemId(9), specialties: set(&["auto", "ui"]), need: 3 }];
        let blocked = BTreeSet::from([(ItemId(9), ExpertId(1))]);
        let excluded = BTreeSet::from([(ItemId(9), ExpertId(5))]);
        let p = prepare(&slots, &candidates, &blocked, &excluded, true);
        assert_eq!(p.pools, [PoolCount { eligible: 1, conflicted: 1, unavailable: 1, unmatched: 1, excluded: 1 }]);
        assert_eq!(p.problem.pairs, [Pair { item: 0, expert: 3, affinity: 2 }]);
        let a = assign::optimal(&p.problem);
        assert_eq!(resolve(&p, &a), [(ItemId(9), ExpertId(4), 2)]);
        assert_eq!(a.shortfalls.len(), 1);
    }

    /// Random campaigns through `prepare`: neither mode ever assigns a conflicted, excluded or
    /// unavailable expert, an unmatched specialty, more reviewers than an item needs or more
    /// items than an expert's maximum; the optimal mode never assigns fewer pairs than the draw.
    #[test]
    fn no_mode_breaks_a_constraint() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let codes = ["a", "b", "c", "d", "e"];
        let pick = |rng: &mut rand_chacha::ChaCha8Rng| -> BTreeSet<String> {
            codes.iter().filter(|_| rng.random_bool(0.4)).map(|c| (*c).to_owned()).collect()
        };
        for round in 0..200u64 {
            let n_items = rng.random_range(1..30);
            let n_experts = rng.random_range(1..25);
            let slots: Vec<Slot> = (0..n_items)
                .map(|i| Slot { item: ItemId(i), specialties: pick(&mut rng), need: rng.random_range(0..6) })
                .collect();
            let candidates: Vec<Candidate> = (0..n_experts)
                .map(|e| {
                    let max = rng.random_range(0..8);
                    Candidate {
                        expert: ExpertId(e),
                        specialties: pick(&mut rng),
                        available: rng.random_bool(0.85),
                        load: ExpertLoad { min: rng.random_range(0..=max), max },
                    }
                })
                .collect();
            let mut blocked = BTreeSet::new();
            let mut excluded = BTreeSet::new();
            for s in &slots {
                for c in &candidates {
                    if rng.random_bool(0.1) {
                        blocked.insert((s.item, c.expert));
                    } else if rng.random_bool(0.05) {
                        excluded.insert((s.item, c.expert));
                    }
                }
            }
            let p = prepare(&slots, &candidates, &blocked, &excluded, true);
            let best = assign::optimal(&p.problem);
            let drawn = assign::draw(&p.problem, round);
            for a in [&best, &drawn] {
                let pairs = resolve(&p, a);
                let mut load: BTreeMap<ExpertId, u32> = BTreeMap::new();
                let mut got: BTreeMap<ItemId, u32> = BTreeMap::new();
                for (item, expert, _) in &pairs {
                    let s = &slots[item.0 as usize];
                    let c = &candidates[expert.0 as usize];
                    assert!(!blocked.contains(&(*item, *expert)) && !excluded.contains(&(*item, *expert)));
                    assert!(c.available);
                    assert!(s.specialties.is_empty() || !s.specialties.is_disjoint(&c.specialties));
                    *load.entry(*expert).or_default() += 1;
                    *got.entry(*item).or_default() += 1;
                }
                assert!(load.iter().all(|(e, l)| *l <= candidates[e.0 as usize].load.max));
                assert!(got.iter().all(|(i, g)| *g <= slots[i.0 as usize].need));
                let unique: BTreeSet<(ItemId, ExpertId)> = pairs.iter().map(|(i, e, _)| (*i, *e)).collect();
                assert_eq!(unique.len(), pairs.len());
            }
            assert!(best.pairs.len() >= drawn.pairs.len());
        }
    }

    #[test]
    fn availability_windows() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let period = (d("2026-12-01"), d("2026-12-10"));
        assert!(available(&[], period));
        assert!(available(&[(d("2026-11-01"), d("2026-12-31"))], period));
        assert!(!available(&[(d("2026-12-05"), d("2026-12-31"))], period));
    }
}
