//! Cooperation (合作): the deal that follows a match, from lead to ratings. A lead opens when
//! an interest is accepted; the provider quotes (mode, amount, milestones); the demander
//! signs it as a contract or asks for another quote; milestones are delivered and accepted
//! or sent back with a change request inside a window; a dispute climbs from negotiation to
//! the district's branch and then the city; at the end both sides rate each other.
//!
//! Every rule (who may do what, in which state, with which limits) is here, so pages only show
//! what [`DealAction::available`] and [`MilestoneAction::available`] allow.

use chrono::NaiveDate;

use crate::matchmaking::{MAX_AMOUNT, MAX_LONG, MAX_TITLE, Mode};

crate::coded_enum! {
    /// Where a deal stands.
    pub enum DealStatus {
        /// 线索: an accepted interest; the provider is to quote.
        Lead = "lead",
        /// 报价: the provider quoted; the demander signs or asks again.
        Quoted = "quoted",
        /// 合同: signed; milestones are being delivered.
        Contracted = "contracted",
        /// 争议: a dispute stops the milestones until it is settled.
        Disputed = "disputed",
        /// 完成: every milestone accepted.
        Completed = "completed",
        /// 终止: ended without completion (declined, withdrawn or terminated in a dispute).
        Closed = "closed",
    }
}

impl DealStatus {
    /// The badge tone.
    pub fn badge(self) -> &'static str {
        match self {
            Self::Lead | Self::Quoted => "action",
            Self::Contracted => "progress",
            Self::Disputed => "rejected",
            Self::Completed => "passed",
            Self::Closed => "draft",
        }
    }

    /// Whether the deal has ended (ratings may be given once it has, if it was signed).
    pub fn ended(self) -> bool {
        matches!(self, Self::Completed | Self::Closed)
    }
}

crate::coded_enum! {
    /// The two sides of a deal.
    pub enum DealSide {
        /// The organization whose demand it is.
        Demander = "demander",
        /// The design firm, institute, university or designer.
        Provider = "provider",
    }
}

impl DealSide {
    /// The other side.
    pub fn other(self) -> Self {
        match self {
            Self::Demander => Self::Provider,
            Self::Provider => Self::Demander,
        }
    }
}

crate::coded_enum! {
    /// Who settles a dispute at its stage.
    pub enum DisputeStage {
        /// 协商: the two sides between themselves; either records a settlement.
        Negotiation = "negotiation",
        /// 分中心调解: the demand's district branch mediates.
        Mediation = "mediation",
        /// 市级: the city decides.
        City = "city",
    }
}

impl DisputeStage {
    /// The stage a dispute climbs to, if any is above.
    pub fn above(self) -> Option<Self> {
        match self {
            Self::Negotiation => Some(Self::Mediation),
            Self::Mediation => Some(Self::City),
            Self::City => None,
        }
    }
}

/// Who acts on a deal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// One of the two sides.
    Party(DealSide),
    /// Staff whose matchmaking scope reaches the deal's district (a branch, or the city).
    Branch,
    /// City-wide staff.
    City,
}

crate::coded_enum! {
    /// What someone does to a deal.
    pub enum DealAction {
        /// The provider sends a quote (again after a revision request).
        Quote = "quote",
        /// The demander signs the quote: the contract and its milestones start.
        Sign = "sign",
        /// The demander asks for another quote, saying why.
        Revise = "revise",
        /// Either side ends a lead or quote that will not become a contract, saying why.
        Close = "close",
        /// Either side raises a dispute over a contract, saying what is wrong.
        Dispute = "dispute",
        /// Either side takes the dispute to the next stage.
        Escalate = "escalate",
        /// The dispute is settled and the contract goes on (the sides while negotiating,
        /// the branch in mediation, the city at its stage).
        Resume = "resume",
        /// The contract is terminated by the branch or the city.
        Terminate = "terminate",
    }
}

impl DealAction {
    /// Whether it needs a written reason.
    pub fn needs_reason(self) -> bool {
        !matches!(self, Self::Quote | Self::Sign)
    }

    /// The state it leads to from `from`, or `None` when it cannot be taken there.
    pub fn next(self, from: DealStatus) -> Option<DealStatus> {
        use DealStatus as S;
        match (self, from) {
            (Self::Quote, S::Lead) => Some(S::Quoted),
            (Self::Sign, S::Quoted) => Some(S::Contracted),
            (Self::Revise, S::Quoted) => Some(S::Lead),
            (Self::Close, S::Lead | S::Quoted) => Some(S::Closed),
            (Self::Dispute, S::Contracted) => Some(S::Disputed),
            (Self::Escalate, S::Disputed) => Some(S::Disputed),
            (Self::Resume, S::Disputed) => Some(S::Contracted),
            (Self::Terminate, S::Disputed) => Some(S::Closed),
            _ => None,
        }
    }

    /// Whether `actor` may take it on a deal in `status` whose dispute (if any) is at `stage`.
    pub fn allowed(self, actor: Actor, status: DealStatus, stage: Option<DisputeStage>) -> bool {
        use DisputeStage as D;
        if self.next(status).is_none() {
            return false;
        }
        match (self, actor) {
            (Self::Quote, Actor::Party(DealSide::Provider)) => true,
            (Self::Sign | Self::Revise, Actor::Party(DealSide::Demander)) => true,
            (Self::Close | Self::Dispute, Actor::Party(_)) => true,
            (Self::Escalate, Actor::Party(_)) => stage.and_then(DisputeStage::above).is_some(),
            (Self::Resume, Actor::Party(_)) => stage == Some(D::Negotiation),
            (Self::Resume | Self::Terminate, Actor::Branch) => stage == Some(D::Mediation),
            (Self::Resume | Self::Terminate, Actor::City) => matches!(stage, Some(D::Mediation | D::City)),
            _ => false,
        }
    }

    /// The actions `actor` may take, in button order.
    pub fn available(actor: Actor, status: DealStatus, stage: Option<DisputeStage>) -> Vec<Self> {
        Self::ALL.iter().copied().filter(|a| a.allowed(actor, status, stage)).collect()
    }
}

crate::coded_enum! {
    /// Where a milestone stands.
    pub enum MilestoneStatus {
        /// Being worked on.
        Open = "open",
        /// Delivered; the demander accepts it or asks for changes inside the window.
        Delivered = "delivered",
        /// Sent back with a change request; to be delivered again.
        Changes = "changes",
        /// Accepted (验收), by the demander or by the window passing.
        Accepted = "accepted",
    }
}

impl MilestoneStatus {
    /// The badge tone.
    pub fn badge(self) -> &'static str {
        match self {
            Self::Open => "progress",
            Self::Delivered => "action",
            Self::Changes => "rejected",
            Self::Accepted => "passed",
        }
    }
}

crate::coded_enum! {
    /// What someone does to a milestone.
    pub enum MilestoneAction {
        /// The provider delivers it, describing what.
        Deliver = "deliver",
        /// The demander accepts the delivery.
        Accept = "accept",
        /// The demander sends it back with a change request, inside the window.
        RequestChanges = "request_changes",
    }
}

/// Days the demander has to accept a delivery or ask for changes; after them the delivery is
/// accepted (a contract's usual deemed-acceptance clause, so no deal hangs on silence).
pub const ACCEPTANCE_WINDOW_DAYS: i64 = 10;
/// Change requests one milestone may receive; beyond them, disagreement is a dispute.
pub const MAX_CHANGE_REQUESTS: i32 = 3;
/// Milestones in one quote.
pub const MAX_MILESTONES: usize = 8;

impl MilestoneAction {
    /// The state it leads to, given the deal's status, the milestone's status, when it was
    /// delivered, the change requests it already had and today; `None` when not allowed.
    pub fn next(self, deal: DealStatus, m: &MilestoneState, today: NaiveDate) -> Option<MilestoneStatus> {
        use MilestoneStatus as M;
        if deal != DealStatus::Contracted {
            return None;
        }
        match (self, m.status) {
            (Self::Deliver, M::Open | M::Changes) => Some(M::Delivered),
            (Self::Accept, M::Delivered) => Some(M::Accepted),
            (Self::RequestChanges, M::Delivered)
                if m.changes < MAX_CHANGE_REQUESTS && m.delivered_on.is_some_and(|d| in_window(d, today)) =>
            {
                Some(M::Changes)
            }
            _ => None,
        }
    }

    /// Which side takes it.
    pub fn side(self) -> DealSide {
        match self {
            Self::Deliver => DealSide::Provider,
            Self::Accept | Self::RequestChanges => DealSide::Demander,
        }
    }

    /// Whether it needs a note (a delivery says what was delivered; a change request what to
    /// change).
    pub fn needs_note(self) -> bool {
        self != Self::Accept
    }

    /// What `side` may do to a milestone, in button order.
    pub fn available(side: DealSide, deal: DealStatus, m: &MilestoneState, today: NaiveDate) -> Vec<Self> {
        Self::ALL.iter().copied().filter(|a| a.side() == side && a.next(deal, m, today).is_some()).collect()
    }
}

/// What the milestone rules read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MilestoneState {
    /// Its status.
    pub status: MilestoneStatus,
    /// The day of its latest delivery.
    pub delivered_on: Option<NaiveDate>,
    /// Change requests it has had.
    pub changes: i32,
}

/// Whether a delivery made on `delivered` may still be sent back on `today`.
pub fn in_window(delivered: NaiveDate, today: NaiveDate) -> bool {
    (today - delivered).num_days() <= ACCEPTANCE_WINDOW_DAYS
}

/// The last day a delivery made on `delivered` may be sent back.
pub fn window_ends(delivered: NaiveDate) -> NaiveDate {
    delivered + chrono::Duration::days(ACCEPTANCE_WINDOW_DAYS)
}

/// One milestone of a quote.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MilestoneDraft {
    /// What is delivered.
    pub title: String,
    /// When it is due.
    pub due_on: Option<NaiveDate>,
    /// Its share of the amount, in 万元.
    pub amount: Option<f64>,
}

/// What a provider quotes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QuoteDraft {
    /// How the job is paid.
    pub mode: Option<Mode>,
    /// The contract value in 万元 (the fee; for the other modes the expected value).
    pub amount: Option<f64>,
    /// The work and its terms (the commission rate, the equity share, …).
    pub scope: String,
    /// Milestones, in order; blank rows of the form are dropped before the check.
    pub milestones: Vec<MilestoneDraft>,
}

/// A problem with one field: its form name and the catalogue key of the message.
pub use crate::matchmaking::FieldProblem;

/// The form names of each milestone row's fields: title, due day, amount.
pub const MILESTONE_FIELDS: [[&str; 3]; MAX_MILESTONES] = [
    ["m1_title", "m1_due", "m1_amount"],
    ["m2_title", "m2_due", "m2_amount"],
    ["m3_title", "m3_due", "m3_amount"],
    ["m4_title", "m4_due", "m4_amount"],
    ["m5_title", "m5_due", "m5_amount"],
    ["m6_title", "m6_due", "m6_amount"],
    ["m7_title", "m7_due", "m7_amount"],
    ["m8_title", "m8_due", "m8_amount"],
];

/// Every problem with a quote, at once, under the form's names (milestone rows as
/// [`MILESTONE_FIELDS`] names them; rows beyond the eighth are refused as too many).
pub fn check_quote(q: &QuoteDraft, today: NaiveDate) -> Vec<FieldProblem> {
    let mut out: Vec<FieldProblem> = Vec::new();
    if q.mode.is_none() {
        out.push(("mode", "cooperation.mode_required"));
    }
    match q.amount {
        None if q.mode == Some(Mode::Fee) => out.push(("amount", "cooperation.amount_required")),
        Some(a) if !(a > 0.0 && a <= MAX_AMOUNT) => out.push(("amount", "cooperation.amount_range")),
        _ => {}
    }
    let scope = q.scope.trim().chars().count();
    if scope < 10 {
        out.push(("scope", "cooperation.scope_short"));
    } else if scope > MAX_LONG {
        out.push(("scope", "cooperation.too_long"));
    }
    if q.milestones.is_empty() {
        out.push(("m1_title", "cooperation.milestone_required"));
    }
    if q.milestones.len() > MAX_MILESTONES {
        out.push(("m1_title", "cooperation.too_many_milestones"));
    }
    let mut last_due: Option<NaiveDate> = None;
    let mut shares = 0.0;
    for (m, [title_field, due_field, amount_field]) in q.milestones.iter().zip(MILESTONE_FIELDS) {
        let title = m.title.trim().chars().count();
        if title == 0 {
            out.push((title_field, "cooperation.milestone_title"));
        } else if title > MAX_TITLE {
            out.push((title_field, "cooperation.too_long"));
        }
        match m.due_on {
            None => out.push((due_field, "cooperation.milestone_due")),
            Some(d) if d < today => out.push((due_field, "cooperation.milestone_past")),
            Some(d) if last_due.is_some_and(|l| d < l) => out.push((due_field, "cooperation.milestone_order")),
            Some(d) => last_due = Some(d),
        }
        if let Some(a) = m.amount {
            if !(0.0..=MAX_AMOUNT).contains(&a) {
                out.push((amount_field, "cooperation.amount_range"));
            } else {
                shares += a;
            }
        }
    }
    if let Some(total) = q.amount
        && shares > total + 1e-6
    {
        out.push(("amount", "cooperation.shares_exceed"));
    }
    out
}

/// Whether a contract may be signed on `signed_on`: not in the future, not before the quote.
pub fn check_signing(signed_on: NaiveDate, quoted_on: NaiveDate, today: NaiveDate) -> Option<&'static str> {
    if signed_on > today {
        Some("cooperation.signed_future")
    } else if signed_on < quoted_on {
        Some("cooperation.signed_before_quote")
    } else {
        None
    }
}

/// A rating runs from 1 (poor) to 5 (excellent).
pub const RATING_RANGE: std::ops::RangeInclusive<i32> = 1..=5;
/// A rating this high is "well rated" and counts as capability evidence in match scores.
pub const GOOD_RATING: i32 = 4;

/// Whether `side` may rate the other side of a deal in `status` that was signed (or not), and
/// has not rated yet.
pub fn may_rate(status: DealStatus, signed: bool, already: bool) -> bool {
    status.ended() && signed && !already
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    #[test]
    fn each_side_takes_only_its_own_steps() {
        let provider = Actor::Party(DealSide::Provider);
        let demander = Actor::Party(DealSide::Demander);
        assert_eq!(DealAction::available(provider, DealStatus::Lead, None), vec![DealAction::Quote, DealAction::Close]);
        assert_eq!(
            DealAction::available(demander, DealStatus::Quoted, None),
            vec![DealAction::Sign, DealAction::Revise, DealAction::Close]
        );
        assert!(DealAction::available(Actor::Branch, DealStatus::Quoted, None).is_empty());
        assert_eq!(DealAction::available(demander, DealStatus::Contracted, None), vec![DealAction::Dispute]);
    }

    #[test]
    fn a_dispute_climbs_and_is_settled_by_whoever_holds_its_stage() {
        let party = Actor::Party(DealSide::Demander);
        let s = DealStatus::Disputed;
        let neg = Some(DisputeStage::Negotiation);
        assert_eq!(DealAction::available(party, s, neg), vec![DealAction::Escalate, DealAction::Resume]);
        assert!(DealAction::available(Actor::Branch, s, neg).is_empty(), "the branch waits to be asked");
        let med = Some(DisputeStage::Mediation);
        assert_eq!(DealAction::available(party, s, med), vec![DealAction::Escalate]);
        assert_eq!(DealAction::available(Actor::Branch, s, med), vec![DealAction::Resume, DealAction::Terminate]);
        let city = Some(DisputeStage::City);
        assert!(DealAction::available(party, s, city).is_empty(), "nowhere higher to go");
        assert!(DealAction::available(Actor::Branch, s, city).is_empty());
        assert_eq!(DealAction::available(Actor::City, s, city), vec![DealAction::Resume, DealAction::Terminate]);
    }

    #[test]
    fn changes_are_asked_inside_the_window_and_only_so_often() {
        let today = day("2026-12-20");
        let delivered =
            MilestoneState { status: MilestoneStatus::Delivered, delivered_on: Some(day("2026-12-10")), changes: 0 };
        assert_eq!(
            MilestoneAction::available(DealSide::Demander, DealStatus::Contracted, &delivered, today),
            vec![MilestoneAction::Accept, MilestoneAction::RequestChanges]
        );
        let late = MilestoneState { delivered_on: Some(day("2026-12-09")), ..delivered };
        assert_eq!(
            MilestoneAction::available(DealSide::Demander, DealStatus::Contracted, &late, today),
            vec![MilestoneAction::Accept]
        );
        let worn = MilestoneState { changes: MAX_CHANGE_REQUESTS, ..delivered };
        assert!(MilestoneAction::RequestChanges.next(DealStatus::Contracted, &worn, today).is_none());
        assert!(
            MilestoneAction::available(DealSide::Provider, DealStatus::Disputed, &delivered, today).is_empty(),
            "a dispute stops the milestones"
        );
        assert_eq!(window_ends(day("2026-12-10")), day("2026-12-20"));
    }

    #[test]
    fn a_quote_reports_every_problem_at_once() {
        let today = day("2026-12-06");
        let q = QuoteDraft {
            mode: Some(Mode::Fee),
            amount: Some(10.0),
            scope: "短".into(),
            milestones: vec![
                MilestoneDraft { title: "方案".into(), due_on: Some(day("2027-01-10")), amount: Some(6.0) },
                MilestoneDraft { title: String::new(), due_on: Some(day("2027-01-01")), amount: Some(6.0) },
                MilestoneDraft { title: "样机".into(), due_on: Some(day("2026-12-01")), amount: None },
            ],
        };
        let problems = check_quote(&q, today);
        let fields: Vec<&str> = problems.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["scope", "m2_title", "m2_due", "m3_due", "amount"], "{problems:?}");
        let fine = QuoteDraft {
            mode: Some(Mode::Commission),
            amount: None,
            scope: "外观设计与结构设计，销售提成 3%，为期两年".into(),
            milestones: vec![MilestoneDraft { title: "方案".into(), due_on: Some(today), amount: None }],
        };
        assert!(check_quote(&fine, today).is_empty());
    }

    #[test]
    fn a_contract_is_signed_between_the_quote_and_today() {
        let today = day("2026-12-06");
        assert_eq!(check_signing(day("2026-12-07"), day("2026-12-01"), today), Some("cooperation.signed_future"));
        assert_eq!(check_signing(day("2026-11-30"), day("2026-12-01"), today), Some("cooperation.signed_before_quote"));
        assert_eq!(check_signing(today, day("2026-12-01"), today), None);
    }

    #[test]
    fn ratings_come_once_after_a_signed_deal_ends() {
        assert!(may_rate(DealStatus::Completed, true, false));
        assert!(may_rate(DealStatus::Closed, true, false), "a terminated contract is rated too");
        assert!(!may_rate(DealStatus::Closed, false, false), "a lead that never became a contract is not");
        assert!(!may_rate(DealStatus::Completed, true, true));
        assert!(!may_rate(DealStatus::Contracted, true, false));
    }
}
