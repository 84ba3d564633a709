//! Conflicts of interest (回避), derived from what the platform already records.
//!
//! Rules, each with the evidence it found so a reviewer and an auditor can see why a pair was
//! blocked: the expert works or worked (within the window) for an organization behind the item;
//! an organization the expert works for cooperated with one behind the item within the window;
//! the expert is named on the item; the expert reviewed the same subject in an earlier round and
//! the campaign forbids it; the expert declared a conflict; the applicant asked for the expert's
//! recusal (回避申请). The window is N years before the day of derivation (default 3).

use std::collections::BTreeMap;

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::ids::{AccountId, ExpertId, ItemId, OrganizationId};

/// How far back employment and cooperation count.
pub const DEFAULT_WINDOW_YEARS: u32 = 3;

/// An employment of an expert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Employment {
    /// The employer.
    pub organization: OrganizationId,
    /// Last day, or `None` while it lasts.
    pub until: Option<NaiveDate>,
}

/// What the rules need to know about an expert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpertFacts {
    /// The expert.
    pub expert: ExpertId,
    /// Their account, when linked.
    pub account: Option<AccountId>,
    /// Their name as recorded.
    pub name: String,
    /// Current and past employers.
    pub employments: Vec<Employment>,
}

/// A person named on an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamMember {
    /// Name as given.
    pub name: String,
    /// Their account, when known.
    pub account: Option<AccountId>,
}

/// What the rules need to know about an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemFacts {
    /// The item.
    pub item: ItemId,
    /// What is being reviewed across rounds (e.g. an application), to find earlier reviews.
    pub subject: Option<String>,
    /// Organizations behind the item.
    pub organizations: Vec<OrganizationId>,
    /// People named on it.
    pub team: Vec<TeamMember>,
}

/// A recorded cooperation between two organizations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cooperation {
    /// One side.
    pub a: OrganizationId,
    /// The other side.
    pub b: OrganizationId,
    /// When it was recorded (signed or started).
    pub on: NaiveDate,
}

/// Who declared a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Declarant {
    /// The expert (主动回避).
    Expert,
    /// The applicant (回避申请).
    Applicant,
}

/// A declared conflict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Declaration {
    /// The item.
    pub item: ItemId,
    /// The expert.
    pub expert: ExpertId,
    /// Who declared it.
    pub by: Declarant,
    /// Why.
    pub reason: String,
}

/// The rule that found a conflict, with its evidence.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Reason {
    /// Works (until = None) or worked for an organization behind the item.
    Employment {
        /// The organization.
        organization: OrganizationId,
        /// Last day of the employment, if it has ended.
        until: Option<NaiveDate>,
    },
    /// The expert's organization cooperated with one behind the item.
    Cooperation {
        /// The expert's organization.
        expert_organization: OrganizationId,
        /// The item's organization.
        item_organization: OrganizationId,
        /// When.
        on: NaiveDate,
    },
    /// Named on the item.
    TeamMember {
        /// The name as the item gives it.
        name: String,
    },
    /// Reviewed the same subject in an earlier round.
    EarlierRound {
        /// The subject.
        subject: String,
    },
    /// Declared by the expert or the applicant.
    Declared {
        /// Who.
        by: Declarant,
        /// Why.
        reason: String,
    },
}

impl Reason {
    /// The rule's code, as stored.
    pub fn code(&self) -> &'static str {
        match self {
            Reason::Employment { .. } => "employment",
            Reason::Cooperation { .. } => "cooperation",
            Reason::TeamMember { .. } => "team_member",
            Reason::EarlierRound { .. } => "earlier_round",
            Reason::Declared { by: Declarant::Expert, .. } => "declared_by_expert",
            Reason::Declared { by: Declarant::Applicant, .. } => "declared_by_applicant",
        }
    }
}

/// The campaign's conflict settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    /// Years back that employment and cooperation count.
    pub window_years: u32,
    /// Whether an expert may review a subject they reviewed in an earlier round.
    pub forbid_repeat: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Policy { window_years: DEFAULT_WINDOW_YEARS, forbid_repeat: true }
    }
}

/// Everything [`derive`] reads.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    /// The experts of the pool.
    pub experts: &'a [ExpertFacts],
    /// The campaign's items.
    pub items: &'a [ItemFacts],
    /// Recorded cooperations.
    pub cooperations: &'a [Cooperation],
    /// Declared conflicts.
    pub declarations: &'a [Declaration],
    /// (expert, subject) of earlier reviews.
    pub past_reviews: &'a [(ExpertId, String)],
}

/// Every conflict between the pool and the items, each pair with all its reasons.
pub fn derive(today: NaiveDate, policy: Policy, facts: Facts<'_>) -> BTreeMap<(ItemId, ExpertId), Vec<Reason>> {
    let since = today.checked_sub_months(Months::new(policy.window_years.saturating_mul(12))).unwrap_or(NaiveDate::MIN);
    let mut out: BTreeMap<(ItemId, ExpertId), Vec<Reason>> = BTreeMap::new();
    let name_key =
        |s: &str| s.chars().map(crate::registry::to_half_width).filter(|c| !c.is_whitespace()).collect::<String>();
    for x in facts.experts {
        let employers: Vec<&Employment> =
            x.employments.iter().filter(|e| e.until.is_none_or(|until| until >= since)).collect();
        let current: Vec<OrganizationId> =
            x.employments.iter().filter(|e| e.until.is_none_or(|u| u >= today)).map(|e| e.organization).collect();
        let expert_name = name_key(&x.name);
        for item in facts.items {
            let mut reasons = Vec::new();
            for e in &employers {
                if item.organizations.contains(&e.organization) {
                    reasons.push(Reason::Employment { organization: e.organization, until: e.until });
                }
            }
            for c in facts.cooperations.iter().filter(|c| c.on >= since) {
                for (mine, theirs) in [(c.a, c.b), (c.b, c.a)] {
                    if current.contains(&mine) && item.organizations.contains(&theirs) {
                        reasons.push(Reason::Cooperation {
                            expert_organization: mine,
                            item_organization: theirs,
                            on: c.on,
                        });
                    }
                }
            }
            for m in &item.team {
                let same_account = m.account.is_some() && m.account == x.account;
                if same_account || (!expert_name.is_empty() && name_key(&m.name) == expert_name) {
                    reasons.push(Reason::TeamMember { name: m.name.clone() });
                }
            }
            if policy.forbid_repeat
                && let Some(subject) = &item.subject
                && facts.past_reviews.iter().any(|(e, s)| *e == x.expert && s == subject)
            {
                reasons.push(Reason::EarlierRound { subject: subject.clone() });
            }
            for d in facts.declarations.iter().filter(|d| d.item == item.item && d.expert == x.expert) {
                reasons.push(Reason::Declared { by: d.by, reason: d.reason.clone() });
            }
            if !reasons.is_empty() {
                reasons.sort();
                reasons.dedup();
                out.insert((item.item, x.expert), reasons);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn expert(id: i32, name: &str, employments: Vec<Employment>) -> ExpertFacts {
        ExpertFacts { expert: ExpertId(id), account: Some(AccountId(100 + id)), name: name.into(), employments }
    }

    fn item(id: i32, orgs: &[i32], team: &[&str]) -> ItemFacts {
        ItemFacts {
            item: ItemId(id),
            subject: Some(format!("application:{id}")),
            organizations: orgs.iter().map(|o| OrganizationId(*o)).collect(),
            team: team.iter().map(|n| TeamMember { name: (*n).into(), account: None }).collect(),
        }
    }

    fn derive_one(
        x: ExpertFacts,
        it: ItemFacts,
        cooperations: &[Cooperation],
        declarations: &[Declaration],
        past: &[(ExpertId, String)],
    ) -> Vec<Reason> {
        let facts = Facts {
            experts: std::slice::from_ref(&x),
            items: std::slice::from_ref(&it),
            cooperations,
            declarations,
            past_reviews: past,
        };
        derive(day("2026-11-27"), Policy::default(), facts).remove(&(it.item, x.expert)).unwrap_or_default()
    }

    #[test]
    fn employment_now_and_within_the_window() {
        let now = expert(1, "李明", vec![Employment { organization: OrganizationId(5), until: None }]);
        assert_eq!(derive_one(now, item(1, &[5], &[]), &[], &[], &[]).len(), 1);
        let recent =
            expert(1, "李明", vec![Employment { organization: OrganizationId(5), until: Some(day("2024-01-01")) }]);
        assert_eq!(derive_one(recent, item(1, &[5], &[]), &[], &[], &[]).len(), 1);
        let old =
            expert(1, "李明", vec![Employment { organization: OrganizationId(5), until: Some(day("2023-11-26")) }]);
        assert!(derive_one(old, item(1, &[5], &[]), &[], &[], &[]).is_empty());
        let elsewhere = expert(1, "李明", vec![Employment { organization: OrganizationId(6), until: None }]);
        assert!(derive_one(elsewhere, item(1, &[5], &[]), &[], &[], &[]).is_empty());
    }

    #[test]
    fn cooperation_of_the_current_employer_within_the_window() {
        let x = expert(1, "李明", vec![Employment { organization: OrganizationId(6), until: None }]);
        let recent = [Cooperation { a: OrganizationId(5), b: OrganizationId(6), on: day("2025-03-01") }];
        let reasons = derive_one(x.clone(), item(1, &[5], &[]), &recent, &[], &[]);
        assert_eq!(reasons[0].code(), "cooperation");
        let old = [Cooperation { a: OrganizationId(5), b: OrganizationId(6), on: day("2022-03-01") }];
        assert!(derive_one(x, item(1, &[5], &[]), &old, &[], &[]).is_empty());
    }

    #[test]
    fn named_on_the_item_by_name_or_account() {
        let x = expert(1, "李 明", vec![]);
        assert_eq!(derive_one(x.clone(), item(1, &[5], &["王芳", "李明"]), &[], &[], &[])[0].code(), "team_member");
        let mut by_account = item(1, &[5], &[]);
        by_account.team.push(TeamMember { name: "Li Ming".into(), account: Some(AccountId(101)) });
        assert_eq!(derive_one(x.clone(), by_account, &[], &[], &[]).len(), 1);
        assert!(derive_one(x, item(1, &[5], &["李明明"]), &[], &[], &[]).is_empty());
    }

    #[test]
    fn earlier_round_and_declarations() {
        let x = expert(1, "李明", vec![]);
        let past = [(ExpertId(1), "application:1".to_owned())];
        assert_eq!(derive_one(x.clone(), item(1, &[5], &[]), &[], &[], &past)[0].code(), "earlier_round");
        let declared = [
            Declaration {
                item: ItemId(1),
                expert: ExpertId(1),
                by: Declarant::Applicant,
                reason: "曾有商业纠纷".into(),
            },
            Declaration { item: ItemId(1), expert: ExpertId(1), by: Declarant::Expert, reason: "亲属任职".into() },
        ];
        let codes: Vec<&str> =
            derive_one(x, item(1, &[5], &[]), &[], &declared, &[]).iter().map(Reason::code).collect();
        assert_eq!(codes, ["declared_by_expert", "declared_by_applicant"]);
    }
}
