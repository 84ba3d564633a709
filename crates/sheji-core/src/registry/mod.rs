//! The organization registry's domain: kinds of organization and how names are normalised so
//! the same company typed two ways is found as one.

pub mod import;
pub mod uscc;

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::reference::InvalidValue;

/// What an organization is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    /// 制造企业
    Manufacturer,
    /// 设计企业
    DesignFirm,
    /// 研究机构
    ResearchInstitute,
    /// 高等院校
    University,
    /// 产业园区
    IndustrialPark,
    /// 服务平台
    ServicePlatform,
    /// 行业协会
    Association,
    /// 其他
    Other,
}

impl OrgKind {
    /// Every kind, in display order.
    pub const ALL: [Self; 8] = [
        Self::Manufacturer,
        Self::DesignFirm,
        Self::ResearchInstitute,
        Self::University,
        Self::IndustrialPark,
        Self::ServicePlatform,
        Self::Association,
        Self::Other,
    ];

    /// The stable code stored in the database and used in the API.
    pub fn code(self) -> &'static str {
        match self {
            Self::Manufacturer => "manufacturer",
            Self::DesignFirm => "design_firm",
            Self::ResearchInstitute => "research_institute",
            Self::University => "university",
            Self::IndustrialPark => "industrial_park",
            Self::ServicePlatform => "service_platform",
            Self::Association => "association",
            Self::Other => "other",
        }
    }
}

impl FromStr for OrgKind {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.code() == s)
            .ok_or_else(|| InvalidValue { field: "organization kind", value: s.to_owned() })
    }
}

/// Full-width ASCII (U+FF01–U+FF5E) and the ideographic space become their half-width forms.
pub fn to_half_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Normalises an organization name: trimmed, inner runs of white space collapsed, full-width
/// ASCII folded to half-width, and brackets stored one way (full-width （）, as registered
/// Chinese names use them).
pub fn normalize_name(input: &str) -> String {
    let folded: String = input
        .chars()
        .map(to_half_width)
        .map(|c| match c {
            '(' => '（',
            ')' => '）',
            other => other,
        })
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_name_typed_two_ways_is_one() {
        let a = normalize_name("  重庆长安汽车（集团）有限公司 ");
        let b = normalize_name("重庆长安汽车(集团)有限公司");
        assert_eq!(a, b);
        assert_eq!(normalize_name("ＡＢＣ　设计"), "ABC 设计");
    }

    #[test]
    fn kinds_round_trip() {
        for kind in OrgKind::ALL {
            assert_eq!(kind.code().parse::<OrgKind>(), Ok(kind));
        }
        assert!("factory".parse::<OrgKind>().is_err());
    }
}

crate::coded_enum! {
    /// Where an organization's own application to enter the library stands.
    pub enum LibraryApplicationStatus {
        /// Waiting for the district's decision.
        Submitted = "submitted",
        /// Admitted.
        Accepted = "accepted",
        /// Sent back with a comment, to improve and apply again.
        Returned = "returned",
        /// Refused with a reason: the organization does not qualify as it stands.
        Rejected = "rejected",
    }
}

crate::coded_enum! {
    /// What the district decides on a library application.
    pub enum LibraryDecision {
        /// Admit the organization.
        Accept = "accept",
        /// Send it back to improve and apply again.
        Return = "return",
        /// Refuse it: it does not qualify as it stands.
        Reject = "reject",
    }
}

impl LibraryDecision {
    /// The application's status after the decision.
    pub fn application_status(self) -> LibraryApplicationStatus {
        match self {
            Self::Accept => LibraryApplicationStatus::Accepted,
            Self::Return => LibraryApplicationStatus::Returned,
            Self::Reject => LibraryApplicationStatus::Rejected,
        }
    }

    /// The library step it takes: a return and a rejection both leave the organization
    /// outside the library (it may apply again once it qualifies).
    pub fn library_action(self) -> LibraryAction {
        match self {
            Self::Accept => LibraryAction::Admit,
            Self::Return | Self::Reject => LibraryAction::Return,
        }
    }

    /// Whether the organization must be told why (a return or a rejection).
    pub fn needs_comment(self) -> bool {
        self != Self::Accept
    }
}

impl LibraryApplicationStatus {
    /// Badge class.
    pub fn badge(self) -> &'static str {
        match self {
            LibraryApplicationStatus::Submitted => "progress",
            LibraryApplicationStatus::Accepted => "passed",
            LibraryApplicationStatus::Returned => "action",
            LibraryApplicationStatus::Rejected => "rejected",
        }
    }
}

/// An organization's place in the design-driven library (设计驱动型企业（机构）库).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LibraryStatus {
    /// Not considered yet.
    None,
    /// Proposed (by an application or by staff), waiting for a decision.
    Candidate,
    /// In the library.
    InLibrary,
    /// Taken out, with a reason.
    Removed,
}

impl LibraryStatus {
    /// Every status, in display order.
    pub const ALL: [Self; 4] = [Self::None, Self::Candidate, Self::InLibrary, Self::Removed];

    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Candidate => "candidate",
            Self::InLibrary => "in_library",
            Self::Removed => "removed",
        }
    }

    /// The status colour class (draft, in progress, passed, revoked).
    pub fn badge(self) -> &'static str {
        match self {
            Self::None => "draft",
            Self::Candidate => "progress",
            Self::InLibrary => "passed",
            Self::Removed => "rejected",
        }
    }
}

impl FromStr for LibraryStatus {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.code() == s)
            .ok_or_else(|| InvalidValue { field: "library status", value: s.to_owned() })
    }
}

/// What can happen to a library status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LibraryAction {
    /// Propose the organization (its own application, or staff).
    Propose,
    /// Admit it into the library.
    Admit,
    /// Return a proposal without admitting.
    Return,
    /// Take it out of the library (a reason is required).
    Remove,
}

impl LibraryAction {
    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Propose => "propose",
            Self::Admit => "admit",
            Self::Return => "return",
            Self::Remove => "remove",
        }
    }
}

impl FromStr for LibraryAction {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [Self::Propose, Self::Admit, Self::Return, Self::Remove]
            .into_iter()
            .find(|a| a.code() == s)
            .ok_or_else(|| InvalidValue { field: "library action", value: s.to_owned() })
    }
}

/// A library transition that the workflow does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cannot {action:?} an organization whose library status is {from:?}")]
pub struct IllegalTransition {
    /// Where it stood.
    pub from: LibraryStatus,
    /// What was asked.
    pub action: LibraryAction,
}

/// The library workflow: none → candidate → in library → removed, with staff able to admit
/// directly and to re-admit a removed organization. Anything else is an error, never a no-op.
pub fn library_transition(from: LibraryStatus, action: LibraryAction) -> Result<LibraryStatus, IllegalTransition> {
    use LibraryAction as A;
    use LibraryStatus as S;
    match (from, action) {
        (S::None | S::Removed, A::Propose) => Ok(S::Candidate),
        (S::None | S::Candidate | S::Removed, A::Admit) => Ok(S::InLibrary),
        (S::Candidate, A::Return) => Ok(S::None),
        (S::InLibrary, A::Remove) => Ok(S::Removed),
        _ => Err(IllegalTransition { from, action }),
    }
}

/// Honours recorded with the year they were granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Qualification {
    /// 专精特新"小巨人"
    LittleGiant,
    /// 市级专精特新
    Specialized,
    /// 链主企业
    ChainLeader,
    /// 双百企业
    DoubleHundred,
    /// 高新技术企业
    HighTech,
    /// 制造业单项冠军
    SingleChampion,
}

impl Qualification {
    /// Every qualification, in display order.
    pub const ALL: [Self; 6] = [
        Self::LittleGiant,
        Self::Specialized,
        Self::ChainLeader,
        Self::DoubleHundred,
        Self::HighTech,
        Self::SingleChampion,
    ];

    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            Self::LittleGiant => "little_giant",
            Self::Specialized => "specialized",
            Self::ChainLeader => "chain_leader",
            Self::DoubleHundred => "double_hundred",
            Self::HighTech => "high_tech",
            Self::SingleChampion => "single_champion",
        }
    }

    /// Reads the Chinese names spreadsheets use (专精特新"小巨人", 小巨人, 高新技术企业, 高企 …).
    pub fn from_label(label: &str) -> Option<Self> {
        let l: String = label.chars().filter(|c| !matches!(c, '"' | '“' | '”' | '\'' | ' ')).collect();
        match l.as_str() {
            "专精特新小巨人" | "小巨人" | "国家级专精特新小巨人" => Some(Self::LittleGiant),
            "市级专精特新" | "专精特新" | "专精特新中小企业" => Some(Self::Specialized),
            "链主企业" | "链主" => Some(Self::ChainLeader),
            "双百企业" | "双百" => Some(Self::DoubleHundred),
            "高新技术企业" | "高新企业" | "高企" => Some(Self::HighTech),
            "制造业单项冠军" | "单项冠军" => Some(Self::SingleChampion),
            other => Self::ALL.into_iter().find(|q| q.code() == other),
        }
    }
}

impl FromStr for Qualification {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_label(s).ok_or_else(|| InvalidValue { field: "qualification", value: s.to_owned() })
    }
}

/// One year of an organization's figures. Money in 万元, the rest counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Indicators {
    /// 营业收入（万元）
    pub revenue: Option<f64>,
    /// 研发投入（万元）
    pub rd_spend: Option<f64>,
    /// 设计投入（万元）
    pub design_investment: Option<f64>,
    /// 从业人员（人）
    pub staff_total: Option<i64>,
    /// 设计人员（人）
    pub design_staff: Option<i64>,
    /// 其中高级设计人员（人）
    pub senior_design_staff: Option<i64>,
    /// 设计类专利授权（件）
    pub design_patents: Option<i64>,
    /// 新产品销售收入（万元）
    pub new_product_sales: Option<f64>,
    /// 设计服务收入（万元，设计企业）
    pub design_service_revenue: Option<f64>,
    /// 设计奖项（项）
    pub awards: Option<i64>,
}

impl Indicators {
    /// These figures, with every value missing here taken from `other`.
    pub fn or(&self, other: &Indicators) -> Indicators {
        Indicators {
            revenue: self.revenue.or(other.revenue),
            rd_spend: self.rd_spend.or(other.rd_spend),
            design_investment: self.design_investment.or(other.design_investment),
            staff_total: self.staff_total.or(other.staff_total),
            design_staff: self.design_staff.or(other.design_staff),
            senior_design_staff: self.senior_design_staff.or(other.senior_design_staff),
            design_patents: self.design_patents.or(other.design_patents),
            new_product_sales: self.new_product_sales.or(other.new_product_sales),
            design_service_revenue: self.design_service_revenue.or(other.design_service_revenue),
            awards: self.awards.or(other.awards),
        }
    }

    /// Each figure by its field name (its label is the message `indicator.<field>`), as shown:
    /// money without trailing zeros, counts as whole numbers.
    pub fn entries(&self) -> [(&'static str, Option<String>); 10] {
        let money = |v: Option<f64>| v.map(|v| v.to_string());
        let count = |v: Option<i64>| v.map(|v| v.to_string());
        [
            ("revenue", money(self.revenue)),
            ("rd_spend", money(self.rd_spend)),
            ("design_investment", money(self.design_investment)),
            ("staff_total", count(self.staff_total)),
            ("design_staff", count(self.design_staff)),
            ("senior_design_staff", count(self.senior_design_staff)),
            ("design_patents", count(self.design_patents)),
            ("new_product_sales", money(self.new_product_sales)),
            ("design_service_revenue", money(self.design_service_revenue)),
            ("awards", count(self.awards)),
        ]
    }

    /// Whether no figure is filled in.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Range checks: nothing negative, design staff within staff, senior within design staff.
    /// Returns (field, message key) for each problem.
    pub fn problems(&self) -> Vec<(&'static str, &'static str)> {
        let mut out = Vec::new();
        let money = [
            ("revenue", self.revenue),
            ("rd_spend", self.rd_spend),
            ("design_investment", self.design_investment),
            ("new_product_sales", self.new_product_sales),
            ("design_service_revenue", self.design_service_revenue),
        ];
        for (field, v) in money {
            if v.is_some_and(|v| v < 0.0 || !v.is_finite()) {
                out.push((field, "indicator.negative"));
            }
        }
        let counts = [
            ("staff_total", self.staff_total),
            ("design_staff", self.design_staff),
            ("senior_design_staff", self.senior_design_staff),
            ("design_patents", self.design_patents),
            ("awards", self.awards),
        ];
        for (field, v) in counts {
            if v.is_some_and(|v| v < 0) {
                out.push((field, "indicator.negative"));
            }
        }
        if let (Some(design), Some(total)) = (self.design_staff, self.staff_total)
            && design > total
        {
            out.push(("design_staff", "indicator.design_staff_over_total"));
        }
        if let (Some(senior), Some(design)) = (self.senior_design_staff, self.design_staff)
            && senior > design
        {
            out.push(("senior_design_staff", "indicator.senior_over_design"));
        }
        out
    }
}

/// The library's admission criteria, editable by an administrator.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LibraryCriteria {
    /// Stable design investment: at least this much (万元) in each of the last `years` years.
    pub min_design_investment: f64,
    /// How many recent reported years must meet the investment threshold.
    pub years: usize,
    /// A design team of at least this many people in the latest year.
    pub min_design_staff: i64,
    /// Results that reached the market: new-product sales of at least this much (万元) in the
    /// latest year, or at least `min_design_patents` design patents.
    pub min_new_product_sales: f64,
    /// Alternative to the sales threshold.
    pub min_design_patents: i64,
}

impl Default for LibraryCriteria {
    fn default() -> Self {
        Self {
            min_design_investment: 50.0,
            years: 2,
            min_design_staff: 5,
            min_new_product_sales: 500.0,
            min_design_patents: 3,
        }
    }
}

/// One line of the eligibility checklist: what is required and what the figures show.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckItem {
    /// Message key of the criterion.
    pub key: &'static str,
    /// The threshold, formatted.
    pub required: String,
    /// The organization's figures, formatted (— when missing).
    pub actual: String,
    /// Whether it passes.
    pub passed: bool,
}

/// Evaluates the criteria against the organization's figures by year (any order).
pub fn library_checklist(criteria: &LibraryCriteria, years: &[(i32, Indicators)]) -> Vec<CheckItem> {
    let mut sorted: Vec<&(i32, Indicators)> = years.iter().collect();
    sorted.sort_by_key(|(y, _)| std::cmp::Reverse(*y));
    let recent: Vec<&(i32, Indicators)> = sorted.iter().take(criteria.years.max(1)).copied().collect();
    let fmt_money = |v: Option<f64>| v.map_or_else(|| "—".to_owned(), crate::i18n::wan_yuan);
    let investment_ok = recent.len() >= criteria.years.max(1)
        && recent.iter().all(|(_, i)| i.design_investment.is_some_and(|v| v >= criteria.min_design_investment));
    let investment_actual =
        recent.iter().map(|(y, i)| format!("{y}: {}", fmt_money(i.design_investment))).collect::<Vec<_>>().join("; ");
    let latest = sorted.first().map(|(_, i)| *i).unwrap_or_default();
    let staff_ok = latest.design_staff.is_some_and(|v| v >= criteria.min_design_staff);
    let market_ok = latest.new_product_sales.is_some_and(|v| v >= criteria.min_new_product_sales)
        || latest.design_patents.is_some_and(|v| v >= criteria.min_design_patents);
    vec![
        CheckItem {
            key: "library.criterion.investment",
            required: format!(
                "≥ {} × {}",
                crate::i18n::wan_yuan(criteria.min_design_investment),
                criteria.years.max(1)
            ),
            actual: if investment_actual.is_empty() { "—".to_owned() } else { investment_actual },
            passed: investment_ok,
        },
        CheckItem {
            key: "library.criterion.team",
            required: format!("≥ {}", criteria.min_design_staff),
            actual: latest.design_staff.map_or_else(|| "—".to_owned(), |v| v.to_string()),
            passed: staff_ok,
        },
        CheckItem {
            key: "library.criterion.market",
            required: format!(
                "≥ {} / ≥ {}",
                crate::i18n::wan_yuan(criteria.min_new_product_sales),
                criteria.min_design_patents
            ),
            actual: format!(
                "{} / {}",
                fmt_money(latest.new_product_sales),
                latest.design_patents.map_or_else(|| "—".to_owned(), |v| v.to_string())
            ),
            passed: market_ok,
        },
    ]
}

#[cfg(test)]
mod library_tests {
    use super::*;

    #[test]
    fn the_library_workflow_refuses_illegal_steps() {
        use LibraryAction as A;
        use LibraryStatus as S;
        assert_eq!(library_transition(S::None, A::Propose), Ok(S::Candidate));
        assert_eq!(library_transition(S::Candidate, A::Admit), Ok(S::InLibrary));
        assert_eq!(library_transition(S::InLibrary, A::Remove), Ok(S::Removed));
        assert_eq!(library_transition(S::Removed, A::Admit), Ok(S::InLibrary));
        assert_eq!(library_transition(S::Candidate, A::Return), Ok(S::None));
        assert!(library_transition(S::InLibrary, A::Admit).is_err(), "no silent no-op");
        assert!(library_transition(S::None, A::Remove).is_err());
        assert!(library_transition(S::InLibrary, A::Propose).is_err());
    }

    #[test]
    fn indicator_ranges() {
        let ok = Indicators {
            staff_total: Some(100),
            design_staff: Some(12),
            senior_design_staff: Some(3),
            ..Default::default()
        };
        assert!(ok.problems().is_empty());
        let bad = Indicators {
            revenue: Some(-1.0),
            staff_total: Some(10),
            design_staff: Some(12),
            senior_design_staff: Some(13),
            ..Default::default()
        };
        let fields: Vec<_> = bad.problems().into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["revenue", "design_staff", "senior_design_staff"]);
    }

    #[test]
    fn checklist_for_a_passing_and_a_failing_organization() {
        let c = LibraryCriteria::default();
        let good = [
            (
                2024,
                Indicators {
                    design_investment: Some(80.0),
                    design_staff: Some(6),
                    new_product_sales: Some(1200.0),
                    ..Default::default()
                },
            ),
            (
                2025,
                Indicators {
                    design_investment: Some(120.5),
                    design_staff: Some(9),
                    new_product_sales: Some(2300.0),
                    ..Default::default()
                },
            ),
        ];
        let list = library_checklist(&c, &good);
        assert!(list.iter().all(|i| i.passed), "{list:?}");
        assert_eq!(list[0].actual, "2025: 120.5; 2024: 80.0");
        let weak = [
            (
                2024,
                Indicators {
                    design_investment: Some(10.0),
                    design_staff: Some(2),
                    design_patents: Some(4),
                    ..Default::default()
                },
            ),
            (
                2025,
                Indicators {
                    design_investment: Some(90.0),
                    design_staff: Some(2),
                    design_patents: Some(4),
                    ..Default::default()
                },
            ),
        ];
        let list = library_checklist(&c, &weak);
        assert_eq!(
            list.iter().map(|i| i.passed).collect::<Vec<_>>(),
            [false, false, true],
            "patents stand in for sales"
        );
        assert!(library_checklist(&c, &[]).iter().all(|i| !i.passed && i.actual.contains('—')));
    }

    #[test]
    fn qualification_labels() {
        assert_eq!(Qualification::from_label("专精特新“小巨人”"), Some(Qualification::LittleGiant));
        assert_eq!(Qualification::from_label("高企"), Some(Qualification::HighTech));
        assert_eq!(Qualification::from_label("优秀企业"), None);
    }
}
