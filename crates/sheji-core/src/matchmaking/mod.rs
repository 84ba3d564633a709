//! Matchmaking (供需对接): manufacturers' design demands (需求), providers' offers (供给), the
//! rules of their life cycles, and the match score. The score is a documented sum of named
//! parts (see [`Part`]); every part is shown to the user as "why recommended", so a ranking
//! can always be explained and argued with.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use crate::ids::{AccountId, ClusterId, DistrictId, OrganizationId};

crate::coded_enum! {
    /// Where a demand stands.
    pub enum DemandStatus {
        /// Being written by the organization; only it sees it.
        Draft = "draft",
        /// Submitted; the district's branch reviews it before it is published.
        Pending = "pending",
        /// Sent back by the branch with a reason, to be corrected and submitted again.
        Returned = "returned",
        /// On the public list, open to offers of interest.
        Published = "published",
        /// The organization found its provider.
        Filled = "filled",
        /// The deadline passed while it was published.
        Expired = "expired",
        /// Taken back by the organization.
        Withdrawn = "withdrawn",
    }
}

impl DemandStatus {
    /// The badge tone (DESIGN.md): draft, progress, action, passed or rejected.
    pub fn badge(self) -> &'static str {
        match self {
            Self::Draft | Self::Withdrawn | Self::Expired => "draft",
            Self::Pending => "progress",
            Self::Returned => "action",
            Self::Published | Self::Filled => "passed",
        }
    }

    /// Whether its owner may still change its fields.
    pub fn editable(self) -> bool {
        matches!(self, Self::Draft | Self::Returned)
    }

    /// Whether the public sees it (its public fields).
    pub fn public(self) -> bool {
        matches!(self, Self::Published | Self::Filled | Self::Expired)
    }
}

crate::coded_enum! {
    /// What someone does to a demand.
    pub enum DemandAction {
        /// The owner sends it for review.
        Submit = "submit",
        /// The branch publishes it.
        Approve = "approve",
        /// The branch sends it back with a reason.
        Return = "return",
        /// The owner marks it filled.
        Fill = "fill",
        /// The owner takes it back.
        Withdraw = "withdraw",
    }
}

/// Who takes an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    /// The organization that owns the record.
    Owner,
    /// Staff whose matchmaking scope reaches the record's district.
    Reviewer,
}

impl DemandAction {
    /// Who may take it.
    pub fn party(self) -> Party {
        match self {
            Self::Approve | Self::Return => Party::Reviewer,
            Self::Submit | Self::Fill | Self::Withdraw => Party::Owner,
        }
    }

    /// Whether it needs a reason (a return must say what to correct).
    pub fn needs_reason(self) -> bool {
        self == Self::Return
    }

    /// The state it leads to from `from`, or `None` when it cannot be taken there.
    pub fn next(self, from: DemandStatus) -> Option<DemandStatus> {
        use DemandStatus as S;
        match (self, from) {
            (Self::Submit, S::Draft | S::Returned) => Some(S::Pending),
            (Self::Approve, S::Pending) => Some(S::Published),
            (Self::Return, S::Pending) => Some(S::Returned),
            (Self::Fill, S::Published) => Some(S::Filled),
            (Self::Withdraw, S::Draft | S::Pending | S::Returned | S::Published) => Some(S::Withdrawn),
            _ => None,
        }
    }

    /// The actions `party` may take on a demand in `status`, in button order.
    pub fn available(status: DemandStatus, party: Party) -> Vec<DemandAction> {
        Self::ALL.iter().copied().filter(|a| a.party() == party && a.next(status).is_some()).collect()
    }
}

crate::coded_enum! {
    /// Where an offer stands.
    pub enum OfferStatus {
        /// Being written; only its owner sees it.
        Draft = "draft",
        /// On the public list and among matches.
        Published = "published",
        /// Taken off the list by its owner (it can be published again).
        Withdrawn = "withdrawn",
    }
}

impl OfferStatus {
    /// The badge tone.
    pub fn badge(self) -> &'static str {
        match self {
            Self::Draft | Self::Withdrawn => "draft",
            Self::Published => "passed",
        }
    }
}

crate::coded_enum! {
    /// What an offer's owner does to it.
    pub enum OfferAction {
        /// Put it on the list (no review: offers describe the provider itself).
        Publish = "publish",
        /// Take it off.
        Withdraw = "withdraw",
    }
}

impl OfferAction {
    /// The state it leads to from `from`, or `None`.
    pub fn next(self, from: OfferStatus) -> Option<OfferStatus> {
        match (self, from) {
            (Self::Publish, OfferStatus::Draft | OfferStatus::Withdrawn) => Some(OfferStatus::Published),
            (Self::Withdraw, OfferStatus::Draft | OfferStatus::Published) => Some(OfferStatus::Withdrawn),
            _ => None,
        }
    }

    /// The actions open on an offer in `status`.
    pub fn available(status: OfferStatus) -> Vec<OfferAction> {
        Self::ALL.iter().copied().filter(|a| a.next(status).is_some()).collect()
    }
}

crate::coded_enum! {
    /// How a design job is paid (the plan's four cooperation modes).
    pub enum Mode {
        /// 设计费: a fixed fee.
        Fee = "fee",
        /// 销售提成: a commission on sales of the product.
        Commission = "commission",
        /// 项目股权: equity in the project.
        Equity = "equity",
        /// 战略伙伴: a strategic partnership.
        Partnership = "partnership",
    }
}

crate::coded_enum! {
    /// Where an expression of interest stands.
    pub enum InterestStatus {
        /// Waiting for the other side.
        Pending = "pending",
        /// The other side accepted: the demand's private details open to the provider.
        Accepted = "accepted",
        /// The other side declined, with a reason.
        Declined = "declined",
    }
}

impl InterestStatus {
    /// The badge tone.
    pub fn badge(self) -> &'static str {
        match self {
            Self::Pending => "action",
            Self::Accepted => "passed",
            Self::Declined => "rejected",
        }
    }
}

crate::coded_enum! {
    /// Which side expressed an interest.
    pub enum Side {
        /// The demand's organization asked a provider.
        Demander = "demander",
        /// A provider offered itself for a demand.
        Provider = "provider",
    }
}

impl Side {
    /// The side that answers.
    pub fn other(self) -> Side {
        match self {
            Self::Demander => Self::Provider,
            Self::Provider => Self::Demander,
        }
    }
}

/// Budgets and prices are in 万元; a design job above 10 亿元 is a typing mistake.
pub const MAX_AMOUNT: f64 = 100_000.0;
/// Projects a provider can carry at once, at most.
pub const MAX_CAPACITY: i32 = 500;
/// Characters of a title.
pub const MAX_TITLE: usize = 100;
/// Characters of a short single-line field (the product).
pub const MAX_SHORT: usize = 200;
/// Characters of a long text.
pub const MAX_LONG: usize = 5_000;
/// Organizations one record may exclude.
pub const MAX_EXCLUDED: usize = 50;

/// A problem with one field: its form name and the catalogue key of the message.
pub type FieldProblem = (&'static str, &'static str);

/// What an organization writes about a demand.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DemandDraft {
    /// What is to be designed, in a line.
    pub title: String,
    /// The product concerned.
    pub product: String,
    /// Public summary (shown on the public list).
    pub summary: String,
    /// Details for the chosen providers and staff only.
    pub details: String,
    /// What the provider must deliver.
    pub deliverables: String,
    /// Service categories (reference codes, e.g. `FORM`).
    pub categories: BTreeSet<String>,
    /// The 33618 cluster of the product.
    pub cluster: Option<ClusterId>,
    /// GB/T 4754 division of the product.
    pub industry_code: Option<String>,
    /// Budget range in 万元.
    pub budget_min: Option<f64>,
    /// Budget range in 万元.
    pub budget_max: Option<f64>,
    /// Answers wanted by this day; the demand expires after it.
    pub deadline: Option<NaiveDate>,
    /// Cooperation modes accepted.
    pub modes: BTreeSet<Mode>,
    /// Intellectual-property terms.
    pub ip_terms: String,
}

fn amount_problems(min: Option<f64>, max: Option<f64>, min_field: &'static str, out: &mut Vec<FieldProblem>) {
    let bad = |v: Option<f64>| v.is_some_and(|v| !v.is_finite() || !(0.0..=MAX_AMOUNT).contains(&v));
    if bad(min) {
        out.push((min_field, "matchmaking.amount_range"));
    }
    let max_field = if min_field == "budget_min" { "budget_max" } else { "price_max" };
    if bad(max) {
        out.push((max_field, "matchmaking.amount_range"));
    }
    if let (Some(lo), Some(hi)) = (min, max)
        && !bad(min)
        && !bad(max)
        && lo > hi
    {
        out.push((max_field, "matchmaking.amount_order"));
    }
}

fn length_problems(fields: &[(&'static str, &str, usize)], out: &mut Vec<FieldProblem>) {
    for (name, value, max) in fields {
        if value.chars().count() > *max {
            out.push((name, if *max == MAX_TITLE { "matchmaking.too_long_title" } else { "matchmaking.too_long" }));
        }
    }
}

/// Every problem with a demand at once. A draft needs only a title and well-formed values;
/// `complete` (submitting) also asks for everything a provider needs to answer, and a
/// deadline not before `today`.
pub fn check_demand(d: &DemandDraft, today: NaiveDate, complete: bool) -> Vec<FieldProblem> {
    let mut out = Vec::new();
    if d.title.trim().is_empty() {
        out.push(("title", "matchmaking.title_required"));
    }
    length_problems(
        &[
            ("title", &d.title, MAX_TITLE),
            ("product", &d.product, MAX_SHORT),
            ("summary", &d.summary, MAX_LONG),
            ("details", &d.details, MAX_LONG),
            ("deliverables", &d.deliverables, MAX_LONG),
            ("ip_terms", &d.ip_terms, MAX_LONG),
        ],
        &mut out,
    );
    amount_problems(d.budget_min, d.budget_max, "budget_min", &mut out);
    if complete {
        for (field, value, key) in [
            ("product", &d.product, "matchmaking.product_required"),
            ("summary", &d.summary, "matchmaking.summary_required"),
            ("deliverables", &d.deliverables, "matchmaking.deliverables_required"),
        ] {
            if value.trim().is_empty() {
                out.push((field, key));
            }
        }
        if d.categories.is_empty() {
            out.push(("categories", "matchmaking.categories_required"));
        }
        if d.modes.is_empty() {
            out.push(("modes", "matchmaking.modes_required"));
        }
        match d.deadline {
            None => out.push(("deadline", "matchmaking.deadline_required")),
            Some(day) if day < today => out.push(("deadline", "matchmaking.deadline_past")),
            Some(_) => {}
        }
    }
    out
}

/// What a provider writes about its offer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OfferDraft {
    /// The offer in a line.
    pub title: String,
    /// What the provider does.
    pub description: String,
    /// The team.
    pub team: String,
    /// Past cases.
    pub cases: String,
    /// Service categories.
    pub categories: BTreeSet<String>,
    /// Clusters served.
    pub clusters: BTreeSet<ClusterId>,
    /// Projects it can take on at once.
    pub capacity: Option<i32>,
    /// Price range in 万元.
    pub price_min: Option<f64>,
    /// Price range in 万元.
    pub price_max: Option<f64>,
}

/// Every problem with an offer at once; `complete` (publishing) asks for what a demander
/// needs to choose.
pub fn check_offer(o: &OfferDraft, complete: bool) -> Vec<FieldProblem> {
    let mut out = Vec::new();
    if o.title.trim().is_empty() {
        out.push(("title", "matchmaking.title_required"));
    }
    length_problems(
        &[
            ("title", &o.title, MAX_TITLE),
            ("description", &o.description, MAX_LONG),
            ("team", &o.team, MAX_LONG),
            ("cases", &o.cases, MAX_LONG),
        ],
        &mut out,
    );
    amount_problems(o.price_min, o.price_max, "price_min", &mut out);
    if o.capacity.is_some_and(|c| !(1..=MAX_CAPACITY).contains(&c)) {
        out.push(("capacity", "matchmaking.capacity_range"));
    }
    if complete {
        if o.description.trim().is_empty() {
            out.push(("description", "matchmaking.description_required"));
        }
        if o.categories.is_empty() {
            out.push(("categories", "matchmaking.categories_required"));
        }
        if o.capacity.is_none() {
            out.push(("capacity", "matchmaking.capacity_required"));
        }
    }
    out
}

/// What the city writes about a 供需指南 (the published guide to demand and supply).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GuideDraft {
    /// The title, e.g. "2027年第一季度重庆市工业设计供需指南".
    pub title: String,
    /// The period it covers: from …
    pub period_from: Option<NaiveDate>,
    /// … to (inclusive).
    pub period_to: Option<NaiveDate>,
    /// Opening paragraphs.
    pub intro: String,
}

/// A guide covers at most this many days (a year and a day for leap years).
pub const MAX_GUIDE_DAYS: i64 = 366;

/// Every problem with a guide at once: a title, both ends of a period in order and at most a
/// year long.
pub fn check_guide(g: &GuideDraft) -> Vec<FieldProblem> {
    let mut out = Vec::new();
    if g.title.trim().is_empty() {
        out.push(("title", "matchmaking.title_required"));
    }
    length_problems(&[("title", &g.title, MAX_TITLE), ("intro", &g.intro, MAX_LONG)], &mut out);
    match (g.period_from, g.period_to) {
        (None, _) => out.push(("period_from", "matchmaking.guide_period_required")),
        (_, None) => out.push(("period_to", "matchmaking.guide_period_required")),
        (Some(a), Some(b)) if b < a => out.push(("period_to", "matchmaking.guide_period_order")),
        (Some(a), Some(b)) if (b - a).num_days() >= MAX_GUIDE_DAYS => {
            out.push(("period_to", "matchmaking.guide_period_long"))
        }
        _ => {}
    }
    out
}

/// What matching reads of a published demand.
#[derive(Debug, Clone, PartialEq)]
pub struct DemandTraits {
    /// Key.
    pub id: i32,
    /// Its organization.
    pub organization: OrganizationId,
    /// Its district.
    pub district: DistrictId,
    /// Service categories wanted.
    pub categories: BTreeSet<String>,
    /// The same categories as bits of a [`CategoryBits`] index (0: not indexed, the set is
    /// compared instead).
    pub bits: u64,
    /// The product's cluster.
    pub cluster: Option<ClusterId>,
    /// Budget range in 万元.
    pub budget: (Option<f64>, Option<f64>),
    /// Providers it will not work with.
    pub excluded: BTreeSet<OrganizationId>,
}

/// What matching reads of a published offer.
#[derive(Debug, Clone, PartialEq)]
pub struct OfferTraits {
    /// Key.
    pub id: i32,
    /// The provider organization (none for an individual designer).
    pub organization: Option<OrganizationId>,
    /// The account that owns it.
    pub account: AccountId,
    /// The provider's district.
    pub district: DistrictId,
    /// Service categories offered.
    pub categories: BTreeSet<String>,
    /// The same categories as bits (see [`DemandTraits::bits`]).
    pub bits: u64,
    /// Clusters served.
    pub clusters: BTreeSet<ClusterId>,
    /// Price range in 万元.
    pub price: (Option<f64>, Option<f64>),
    /// Projects it can carry at once.
    pub capacity: i32,
    /// Accepted interests it is working on now.
    pub engaged: i32,
    /// Recognitions the provider holds in force (capability evidence).
    pub recognitions: u32,
    /// The provider's finished deals its clients rated well (capability evidence).
    pub rated_deals: u32,
    /// Demanders it declared a conflict with.
    pub excluded: BTreeSet<OrganizationId>,
}

crate::coded_enum! {
    /// The named parts of a match score; their maxima sum to 100.
    pub enum Part {
        /// Share of the demand's service categories the offer covers: 40 × covered / wanted.
        Category = "category",
        /// The offer serves the demand's cluster: 15.
        Cluster = "cluster",
        /// Capability evidence: 10 per recognition in force and 5 per finished deal its
        /// client rated 4 or 5 (of 5), at most 20.
        Evidence = "evidence",
        /// The price range meets the budget: 15; unknown on either side: 8; above the budget:
        /// 15 less 30 per cent of the budget it is above by (0 at 50 % above); below it: 10.
        Budget = "budget",
        /// The provider has room for another project: 5.
        Capacity = "capacity",
        /// Same district: 5.
        District = "district",
    }
}

impl Part {
    /// The most the part gives.
    pub fn most(self) -> u32 {
        match self {
            Self::Category => 40,
            Self::Cluster => 15,
            Self::Evidence => 20,
            Self::Budget => 15,
            Self::Capacity | Self::District => 5,
        }
    }
}

/// One part of a score and why it came out so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartScore {
    /// Which part.
    pub part: Part,
    /// Points given.
    pub points: u32,
    /// Catalogue key of the reason ("覆盖 2/3 项服务类别").
    pub key: &'static str,
    /// Its arguments.
    pub args: Vec<(&'static str, String)>,
}

/// A scored pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// The demand.
    pub demand: i32,
    /// The offer.
    pub offer: i32,
    /// The sum of the parts, 0–100.
    pub total: u32,
    /// Every part, in [`Part::ALL`] order.
    pub parts: Vec<PartScore>,
    /// Categories both name (reference codes).
    pub shared_categories: Vec<String>,
}

/// How the budget part came out: its points, the reason's key and, above the budget, by how
/// many per cent.
fn budget_points(budget: (Option<f64>, Option<f64>), price: (Option<f64>, Option<f64>)) -> (u32, &'static str, f64) {
    // A one-sided range reads as open on the other side.
    let low = |r: (Option<f64>, Option<f64>)| r.0.or(r.1);
    let high = |r: (Option<f64>, Option<f64>)| r.1.or(r.0);
    let (Some(dl), Some(dh), Some(ol), Some(oh)) = (low(budget), high(budget), low(price), high(price)) else {
        return (8, "matchmaking.why.budget_unknown", 0.0);
    };
    if ol <= dh && dl <= oh {
        return (15, "matchmaking.why.budget_fits", 0.0);
    }
    if oh < dl {
        return (10, "matchmaking.why.budget_below", 0.0);
    }
    let over = (ol - dh) / dh.max(0.01);
    let points = (15.0 * (1.0 - 2.0 * over)).round().clamp(0.0, 15.0) as u32;
    (points, "matchmaking.why.budget_above", over)
}

/// Service categories numbered for matching: a pair's overlap is then one AND and a popcount
/// instead of comparing strings (the reference list has 17 categories; up to 64 are numbered,
/// any beyond fall back to comparing the sets).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CategoryBits {
    codes: Vec<String>,
}

impl CategoryBits {
    /// Numbers the codes in the order given.
    pub fn new(codes: impl IntoIterator<Item = String>) -> Self {
        Self { codes: codes.into_iter().take(64).collect() }
    }

    /// The bits of a set of codes; 0 when any code is not numbered (the set is compared then).
    pub fn of(&self, categories: &BTreeSet<String>) -> u64 {
        let mut bits = 0u64;
        for c in categories {
            match self.codes.iter().position(|k| k == c) {
                Some(i) => bits |= 1 << i,
                None => return 0,
            }
        }
        bits
    }
}

/// Whether the pair may not be matched: the same organization on both sides, a provider the
/// demand excludes, or a demander the offer declared a conflict with.
fn excluded(d: &DemandTraits, o: &OfferTraits) -> bool {
    o.organization == Some(d.organization)
        || o.organization.is_some_and(|p| d.excluded.contains(&p))
        || o.excluded.contains(&d.organization)
}

/// The points of every part, in [`Part::ALL`] order, with the categories covered; `None`
/// when the pair is excluded or shares no category. Allocates nothing: ranking thousands of
/// pairs per request calls it for each, and only the winners get their reasons written.
fn points(d: &DemandTraits, o: &OfferTraits) -> Option<([u32; 6], u32)> {
    if excluded(d, o) || d.categories.is_empty() {
        return None;
    }
    let covered = if d.bits != 0 && o.bits != 0 {
        (d.bits & o.bits).count_ones()
    } else {
        d.categories.intersection(&o.categories).count() as u32
    };
    if covered == 0 {
        return None;
    }
    let wanted = d.categories.len() as u32;
    let cluster = d.cluster.is_some_and(|c| o.clusters.contains(&c));
    Some((
        [
            (Part::Category.most() * covered + wanted / 2) / wanted,
            if cluster { Part::Cluster.most() } else { 0 },
            o.recognitions
                .saturating_mul(10)
                .saturating_add(o.rated_deals.saturating_mul(5))
                .min(Part::Evidence.most()),
            budget_points(d.budget, o.price).0,
            if o.capacity.saturating_sub(o.engaged) > 0 { Part::Capacity.most() } else { 0 },
            if o.district == d.district { Part::District.most() } else { 0 },
        ],
        covered,
    ))
}

/// Scores a demand against an offer, or `None` when the pair is excluded: the same
/// organization on both sides, a provider the demand excludes, a demander the offer declared
/// a conflict with, or no service category in common (nothing to talk about).
pub fn score(d: &DemandTraits, o: &OfferTraits) -> Option<Match> {
    let (p, covered) = points(d, o)?;
    let wanted = d.categories.len();
    let (_, budget_key, over) = budget_points(d.budget, o.price);
    let free = o.capacity.saturating_sub(o.engaged).max(0);
    let reasons: [(&'static str, Vec<(&'static str, String)>); 6] = [
        ("matchmaking.why.category", vec![("covered", covered.to_string()), ("wanted", wanted.to_string())]),
        (
            match d.cluster {
                Some(_) if p[1] > 0 => "matchmaking.why.cluster",
                Some(_) => "matchmaking.why.cluster_other",
                None => "matchmaking.why.cluster_none",
            },
            Vec::new(),
        ),
        ("matchmaking.why.evidence", vec![("n", o.recognitions.to_string()), ("deals", o.rated_deals.to_string())]),
        (budget_key, if over > 0.0 { vec![("percent", format!("{:.0}", over * 100.0))] } else { Vec::new() }),
        if free > 0 {
            ("matchmaking.why.capacity_free", vec![("n", free.to_string())])
        } else {
            ("matchmaking.why.capacity_full", Vec::new())
        },
        (if p[5] > 0 { "matchmaking.why.district_same" } else { "matchmaking.why.district_other" }, Vec::new()),
    ];
    let parts: Vec<PartScore> = Part::ALL
        .iter()
        .zip(p)
        .zip(reasons)
        .map(|((part, points), (key, args))| PartScore { part: *part, points, key, args })
        .collect();
    Some(Match {
        demand: d.id,
        offer: o.id,
        total: p.iter().sum(),
        parts,
        shared_categories: d.categories.intersection(&o.categories).cloned().collect(),
    })
}

/// The `k` best of `n` candidates by total (highest first, then the lower key: the older
/// record wins a tie), scoring each with `total` and writing out only the winners with `full`.
fn best(
    n: usize,
    k: usize,
    mut total: impl FnMut(usize) -> Option<(u32, i32)>,
    mut full: impl FnMut(usize) -> Option<Match>,
) -> Vec<Match> {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    if k == 0 {
        return Vec::new();
    }
    // A min-heap of the best k seen so far.
    let mut heap: BinaryHeap<Reverse<(u32, Reverse<i32>, usize)>> = BinaryHeap::with_capacity(k + 1);
    for i in 0..n {
        let Some((t, key)) = total(i) else { continue };
        let rank = (t, Reverse(key), i);
        if heap.len() == k && heap.peek().is_some_and(|Reverse(worst)| *worst >= rank) {
            continue;
        }
        heap.push(Reverse(rank));
        if heap.len() > k {
            heap.pop();
        }
    }
    let mut order: Vec<(u32, Reverse<i32>, usize)> = heap.into_iter().map(|Reverse(x)| x).collect();
    order.sort_by_key(|x| std::cmp::Reverse((x.0, x.1)));
    order.into_iter().filter_map(|(_, _, i)| full(i)).collect()
}

/// The `k` best offers for a demand.
pub fn offers_for(d: &DemandTraits, offers: &[OfferTraits], k: usize) -> Vec<Match> {
    best(
        offers.len(),
        k,
        |i| offers.get(i).and_then(|o| points(d, o).map(|(p, _)| (p.iter().sum(), o.id))),
        |i| offers.get(i).and_then(|o| score(d, o)),
    )
}

/// The `k` best demands for an offer.
pub fn demands_for(o: &OfferTraits, demands: &[DemandTraits], k: usize) -> Vec<Match> {
    best(
        demands.len(),
        k,
        |i| demands.get(i).and_then(|d| points(d, o).map(|(p, _)| (p.iter().sum(), d.id))),
        |i| demands.get(i).and_then(|d| score(d, o)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(codes: &[&str]) -> BTreeSet<String> {
        codes.iter().map(|c| (*c).to_owned()).collect()
    }

    fn demand() -> DemandTraits {
        DemandTraits {
            id: 1,
            organization: OrganizationId(10),
            district: DistrictId(3),
            categories: set(&["FORM", "STRUCT", "CMF"]),
            bits: 0,
            cluster: Some(ClusterId(7)),
            budget: (Some(20.0), Some(50.0)),
            excluded: BTreeSet::new(),
        }
    }

    fn offer(id: i32) -> OfferTraits {
        OfferTraits {
            id,
            organization: Some(OrganizationId(100 + id)),
            account: AccountId(1),
            district: DistrictId(3),
            categories: set(&["FORM", "STRUCT", "UX"]),
            bits: 0,
            clusters: [ClusterId(7)].into_iter().collect(),
            price: (Some(30.0), Some(80.0)),
            capacity: 3,
            engaged: 1,
            recognitions: 1,
            rated_deals: 0,
            excluded: BTreeSet::new(),
        }
    }

    #[test]
    fn a_match_is_the_sum_of_its_named_parts() {
        let m = score(&demand(), &offer(1)).unwrap();
        let points: Vec<(Part, u32)> = m.parts.iter().map(|p| (p.part, p.points)).collect();
        assert_eq!(
            points,
            vec![
                (Part::Category, 27),
                (Part::Cluster, 15),
                (Part::Evidence, 10),
                (Part::Budget, 15),
                (Part::Capacity, 5),
                (Part::District, 5)
            ]
        );
        assert_eq!(m.total, 77);
        assert_eq!(m.shared_categories, vec!["FORM".to_owned(), "STRUCT".to_owned()]);
        assert_eq!(Part::ALL.iter().map(|p| p.most()).sum::<u32>(), 100);
    }

    #[test]
    fn well_rated_deals_count_as_evidence_up_to_the_part_s_most() {
        let mut o = offer(1);
        o.rated_deals = 1;
        assert_eq!(score(&demand(), &o).unwrap().parts[2].points, 15, "one recognition and one good deal");
        o.rated_deals = 7;
        assert_eq!(score(&demand(), &o).unwrap().parts[2].points, 20);
    }

    #[test]
    fn numbered_categories_score_as_the_sets_do() {
        let index = CategoryBits::new(["CMF", "FORM", "STRUCT", "UX"].map(String::from));
        let (mut d, mut o) = (demand(), offer(1));
        let plain = score(&d, &o).unwrap();
        d.bits = index.of(&d.categories);
        o.bits = index.of(&o.categories);
        assert!(d.bits != 0 && o.bits != 0);
        assert_eq!(score(&d, &o).unwrap(), plain);
        assert_eq!(index.of(&set(&["PACK"])), 0, "an unnumbered code falls back to the sets");
    }

    #[test]
    fn budget_far_above_gives_nothing_and_unknown_gives_half() {
        let mut o = offer(1);
        o.price = (Some(60.0), Some(90.0));
        let part = |o: &OfferTraits| score(&demand(), o).unwrap().parts[3].clone();
        assert_eq!(part(&o).points, 9, "20 % above the budget");
        o.price = (Some(80.0), None);
        assert_eq!(part(&o).points, 0, "60 % above");
        o.price = (None, None);
        assert_eq!(part(&o).points, 8);
        o.price = (Some(1.0), Some(5.0));
        assert_eq!(part(&o).points, 10);
    }

    #[test]
    fn exclusions_and_conflicts_remove_the_pair() {
        let mut d = demand();
        let o = offer(1);
        d.excluded.insert(OrganizationId(101));
        assert!(score(&d, &o).is_none());
        let mut o = offer(1);
        o.excluded.insert(OrganizationId(10));
        assert!(score(&demand(), &o).is_none());
        let mut o = offer(1);
        o.organization = Some(OrganizationId(10));
        assert!(score(&demand(), &o).is_none(), "its own offer");
        let mut o = offer(1);
        o.categories = set(&["PACK"]);
        assert!(score(&demand(), &o).is_none(), "nothing in common");
    }

    #[test]
    fn the_best_come_first_and_ties_keep_the_older() {
        let offers: Vec<OfferTraits> = (1..=50)
            .map(|i| {
                let mut o = offer(i);
                o.recognitions = u32::try_from(i % 3).unwrap();
                o
            })
            .collect();
        let top = offers_for(&demand(), &offers, 5);
        assert_eq!(top.len(), 5);
        assert!(top.windows(2).all(|w| w[0].total >= w[1].total));
        assert_eq!(top.iter().map(|m| m.offer).collect::<Vec<_>>(), vec![2, 5, 8, 11, 14]);
        let demands = vec![demand()];
        assert_eq!(demands_for(&offers[0], &demands, 3).len(), 1);
        assert!(offers_for(&demand(), &offers, 0).is_empty());
    }

    #[test]
    fn demands_move_only_along_their_workflow() {
        use DemandStatus as S;
        assert_eq!(DemandAction::Submit.next(S::Draft), Some(S::Pending));
        assert_eq!(DemandAction::Approve.next(S::Pending), Some(S::Published));
        assert_eq!(DemandAction::Return.next(S::Pending), Some(S::Returned));
        assert_eq!(DemandAction::Submit.next(S::Returned), Some(S::Pending));
        assert_eq!(DemandAction::Approve.next(S::Draft), None);
        assert_eq!(DemandAction::Fill.next(S::Pending), None);
        assert_eq!(
            DemandAction::available(S::Published, Party::Owner),
            vec![DemandAction::Fill, DemandAction::Withdraw]
        );
        assert_eq!(DemandAction::available(S::Published, Party::Reviewer), vec![]);
        assert_eq!(OfferAction::available(OfferStatus::Withdrawn), vec![OfferAction::Publish]);
    }

    #[test]
    fn a_guide_needs_a_title_and_a_period_in_order() {
        let day = |s: &str| s.parse::<NaiveDate>().ok();
        let mut g = GuideDraft {
            title: "供需指南".into(),
            period_from: day("2027-01-01"),
            period_to: day("2027-03-31"),
            intro: String::new(),
        };
        assert!(check_guide(&g).is_empty());
        g.period_to = day("2026-12-31");
        assert_eq!(check_guide(&g), vec![("period_to", "matchmaking.guide_period_order")]);
        g.period_to = day("2028-06-30");
        assert_eq!(check_guide(&g), vec![("period_to", "matchmaking.guide_period_long")]);
        let empty = GuideDraft::default();
        assert_eq!(check_guide(&empty).len(), 2);
    }

    #[test]
    fn a_draft_needs_little_and_a_submission_everything() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        let mut d = DemandDraft { title: "电动工具外观升级".into(), ..Default::default() };
        assert!(check_demand(&d, today, false).is_empty());
        let fields: Vec<&str> = check_demand(&d, today, true).iter().map(|p| p.0).collect();
        assert_eq!(fields, vec!["product", "summary", "deliverables", "categories", "modes", "deadline"]);
        d.budget_min = Some(50.0);
        d.budget_max = Some(20.0);
        d.deadline = NaiveDate::from_ymd_opt(2026, 12, 1);
        let problems = check_demand(&d, today, true);
        assert!(problems.contains(&("budget_max", "matchmaking.amount_order")));
        assert!(problems.contains(&("deadline", "matchmaking.deadline_past")));
        d.budget_min = Some(f64::NAN);
        assert!(check_demand(&d, today, false).contains(&("budget_min", "matchmaking.amount_range")));
        let o = OfferDraft { title: "x".into(), capacity: Some(0), ..Default::default() };
        assert!(check_offer(&o, false).contains(&("capacity", "matchmaking.capacity_range")));
    }
}
