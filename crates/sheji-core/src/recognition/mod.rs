//! The recognition ladder (梯度培育): kinds of recognition, their eligibility rules as data, the
//! application workflow, and recognitions with their validity.
//!
//! An enterprise climbs from the design-driven library to a district-level design center, a
//! municipal one, and a recommendation for national recognition; design institutes and
//! backbone design firms are recognized the same way. The rules are numbers an administrator
//! edits; the defaults follow the sources cited in `reference/honor_tiers.csv`. Everything here
//! is pure: the caller passes the organization's facts and today's date.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::registry::{CheckItem, Indicators, LibraryStatus};
use crate::review::score::Aggregation;

/// What is recognized.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// 区县级工业设计中心
    DistrictCenter,
    /// 市级工业设计中心
    MunicipalCenter,
    /// 国家级工业设计中心（推荐）: the city recommends to MIIT.
    NationalCenter,
    /// 工业设计研究院
    DesignInstitute,
    /// 骨干设计企业 (design firms with design-service revenue above 10 million yuan)
    BackboneFirm,
}

impl Kind {
    /// Every kind, up the ladder.
    pub const ALL: [Kind; 5] =
        [Kind::DistrictCenter, Kind::MunicipalCenter, Kind::NationalCenter, Kind::DesignInstitute, Kind::BackboneFirm];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Kind::DistrictCenter => "district_center",
            Kind::MunicipalCenter => "municipal_center",
            Kind::NationalCenter => "national_center",
            Kind::DesignInstitute => "design_institute",
            Kind::BackboneFirm => "backbone_firm",
        }
    }

    /// Reads a stored code.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == s)
    }

    /// The certificate number's prefix.
    pub fn prefix(self) -> &'static str {
        match self {
            Kind::DistrictCenter => "QX",
            Kind::MunicipalCenter => "SJ",
            Kind::NationalCenter => "GJ",
            Kind::DesignInstitute => "YJY",
            Kind::BackboneFirm => "GG",
        }
    }
}

/// What a batch is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// New recognitions.
    Recognition,
    /// 复核: the periodic re-review of recognitions that fall due.
    ReReview,
}

impl Purpose {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Purpose::Recognition => "recognition",
            Purpose::ReReview => "re_review",
        }
    }

    /// Reads a stored code.
    pub fn parse(s: &str) -> Option<Self> {
        [Purpose::Recognition, Purpose::ReReview].into_iter().find(|p| p.code() == s)
    }
}

/// How a re-review ends for one recognition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Passed: the validity starts again.
    Renew,
    /// Rectify within the rules' months.
    Rectify,
    /// Revoked.
    Revoke,
}

impl Outcome {
    /// The stored code (also the form's value).
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Renew => "renew",
            Outcome::Rectify => "rectify",
            Outcome::Revoke => "revoke",
        }
    }

    /// Reads a code.
    pub fn parse(s: &str) -> Option<Self> {
        [Outcome::Renew, Outcome::Rectify, Outcome::Revoke].into_iter().find(|o| o.code() == s)
    }

    /// What a batch may do with a holder who sent nothing by the re-review's close.
    pub const FOR_OVERDUE: [Outcome; 2] = [Outcome::Rectify, Outcome::Revoke];
}

/// How the expert score decides an application: a new recognition is granted at the pass
/// score or above and refused below it; a re-review follows [`re_review_outcome`].
pub fn outcome(purpose: Purpose, score: Option<f64>, rules: &Rules) -> Outcome {
    match purpose {
        Purpose::ReReview => re_review_outcome(score, rules),
        Purpose::Recognition if score.is_some_and(|s| s >= rules.pass_score) => Outcome::Renew,
        Purpose::Recognition => Outcome::Revoke,
    }
}

/// The outcome of a re-review from the expert score: at least the pass score renews, at least
/// the rectification score orders rectification, anything lower (or no score) revokes.
pub fn re_review_outcome(score: Option<f64>, rules: &Rules) -> Outcome {
    match score {
        Some(s) if s >= rules.pass_score => Outcome::Renew,
        Some(s) if s >= rules.rectify_score => Outcome::Rectify,
        _ => Outcome::Revoke,
    }
}

/// The eligibility rules of one kind. Zero or `false` means "not required".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rules {
    /// Years of operation (from the founding date) at least.
    pub min_years: u32,
    /// Must be in the design-driven library…
    pub requires_library: bool,
    /// …or hold one of these recognitions (valid), when any is listed; with `requires_library`
    /// either one suffices.
    pub requires_any_of: Vec<Kind>,
    /// Years without a major safety, quality or environmental incident (declared).
    pub incident_free_years: u32,
    /// Must declare not being a seriously dishonest entity.
    pub requires_credit_statement: bool,
    /// Design staff at least (latest year).
    pub min_design_staff: i64,
    /// Share of senior (qualified) design staff among design staff, percent.
    pub min_qualified_share: f64,
    /// Design patents at least (latest year).
    pub min_patents: i64,
    /// Design-service revenue at least, 万元 (latest year).
    pub min_design_revenue: f64,
    /// Years a recognition stays valid.
    pub validity_years: u32,
    /// The expert-review score (0–100) an application needs to be recognized (or, in a
    /// re-review, to be renewed).
    #[serde(default = "default_pass_score")]
    pub pass_score: f64,
    /// In a re-review, the score below the pass score that still earns rectification rather
    /// than revocation.
    #[serde(default = "default_rectify_score")]
    pub rectify_score: f64,
    /// Months given to rectify.
    #[serde(default = "default_rectify_months")]
    pub rectify_months: u32,
    /// An on-site verification (现场核查) is required after the formal check.
    #[serde(default)]
    pub onsite_required: bool,
    /// Experts per application in the expert review.
    #[serde(default = "default_reviewers")]
    pub reviewers_per_item: u32,
    /// Working days the review's results stay on public notice.
    #[serde(default = "default_publicity_days")]
    pub publicity_days: u32,
    /// How the experts' sheets make an application's score.
    #[serde(default = "default_aggregation")]
    pub aggregation: Aggregation,
    /// A sheet further than this many points (of 100) from the other experts' mean is flagged.
    #[serde(default = "default_outlier_pct")]
    pub outlier_pct: u32,
    /// Documents every application must attach (营业执照, 审计报告…), named by the city; an
    /// application cannot be submitted until each has a file.
    #[serde(default)]
    pub required_documents: Vec<String>,
    /// The expert review hides the applicant from the experts (盲评): the sheet, their list
    /// and the materials show a number, and file names are replaced.
    #[serde(default)]
    pub blind_review: bool,
    /// In a re-review, what happens to a holder who has not submitted by the time the batch
    /// goes to review or is concluded (逾期未报): rectification or revocation. `None` in rules
    /// stored before the rule existed: those batches leave unsent drafts alone, as they were
    /// opened to.
    #[serde(default)]
    pub overdue_rule: Option<Outcome>,
    /// Without expert review, the formally checked applications still go on public notice
    /// (公示) before they are recognized, as district centers do. (With expert review the
    /// review's own notice serves.) Absent in rules stored before it existed: no notice.
    #[serde(default)]
    pub publicity_required: bool,
}

/// The most documents a batch may require.
pub const MAX_REQUIRED_DOCUMENTS: usize = 20;
/// The longest name of a required document, in characters.
pub const MAX_DOCUMENT_NAME: usize = 40;

/// Reads required documents typed one per line: trimmed, blank lines and repeats dropped.
pub fn required_documents(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if !out.iter().any(|d| d == line) {
            out.push(line.to_owned());
        }
    }
    out
}

/// What is wrong with a list of required documents, as a message key.
pub fn required_documents_problem(docs: &[String]) -> Option<&'static str> {
    if docs.len() > MAX_REQUIRED_DOCUMENTS {
        Some("recognition.documents_too_many")
    } else if docs.iter().any(|d| d.chars().count() > MAX_DOCUMENT_NAME || d.chars().any(char::is_control)) {
        Some("recognition.document_name_invalid")
    } else {
        None
    }
}

/// Five experts per application: with the trimmed mean, one highest and one lowest are dropped
/// and three still count, so one outlier cannot carry the score.
fn default_reviewers() -> u32 {
    5
}

fn default_aggregation() -> Aggregation {
    Aggregation::TrimmedMean
}

fn default_outlier_pct() -> u32 {
    crate::review::score::DEFAULT_OUTLIER_PCT
}

fn default_publicity_days() -> u32 {
    5
}

fn default_pass_score() -> f64 {
    70.0
}

fn default_rectify_score() -> f64 {
    60.0
}

fn default_rectify_months() -> u32 {
    6
}

/// A holder who does not answer a re-review at all loses the recognition unless the city
/// chooses to give them a rectification period instead.
fn default_overdue_rule() -> Option<Outcome> {
    Some(Outcome::Revoke)
}

impl Rules {
    /// The defaults for a kind, from the rules `reference/honor_tiers.csv` cites: municipal
    /// centers after 渝经信发〔2016〕87号 and the newer Chongqing conditions (a district center or
    /// library member, one year of operation, two years without incidents, not seriously
    /// dishonest, 30 staff with 70 % qualified, 10 patents); national recommendation after
    /// 工信部政法〔2023〕93号 and 199号 (three years, municipal recognition, 50 staff with 50 %
    /// qualified, 15 patents a year; four years of validity); backbone firms above 1 000 万元 of
    /// design-service revenue. District-center, institute and backbone criteria are not
    /// published: the defaults are conservative and meant to be edited.
    pub fn default_for(kind: Kind) -> Self {
        let base = Rules {
            min_years: 1,
            requires_library: false,
            requires_any_of: Vec::new(),
            incident_free_years: 2,
            requires_credit_statement: true,
            min_design_staff: 0,
            min_qualified_share: 0.0,
            min_patents: 0,
            min_design_revenue: 0.0,
            validity_years: 3,
            pass_score: default_pass_score(),
            rectify_score: default_rectify_score(),
            rectify_months: default_rectify_months(),
            onsite_required: false,
            reviewers_per_item: default_reviewers(),
            publicity_days: default_publicity_days(),
            aggregation: default_aggregation(),
            outlier_pct: default_outlier_pct(),
            required_documents: Vec::new(),
            blind_review: false,
            overdue_rule: default_overdue_rule(),
            publicity_required: true,
        };
        match kind {
            Kind::DistrictCenter => Rules { requires_library: true, min_design_staff: 10, ..base },
            Kind::MunicipalCenter => Rules {
                requires_library: true,
                requires_any_of: vec![Kind::DistrictCenter],
                min_design_staff: 30,
                min_qualified_share: 70.0,
                min_patents: 10,
                ..base
            },
            Kind::NationalCenter => Rules {
                min_years: 3,
                requires_any_of: vec![Kind::MunicipalCenter],
                incident_free_years: 3,
                min_design_staff: 50,
                min_qualified_share: 50.0,
                min_patents: 15,
                validity_years: 4,
                ..base
            },
            Kind::DesignInstitute => {
                Rules { min_years: 2, requires_any_of: vec![Kind::MunicipalCenter], min_design_staff: 50, ..base }
            }
            Kind::BackboneFirm => Rules { min_design_staff: 30, min_design_revenue: 1_000.0, ..base },
        }
    }

    /// Checks edited rules.
    pub fn is_valid(&self) -> bool {
        self.problems().is_empty()
    }

    /// Every rule out of its range, as (field, message key): each message names the range, so
    /// the form marks the field and says what it takes.
    pub fn problems(&self) -> Vec<(&'static str, &'static str)> {
        let checks = [
            ("min_years", self.min_years <= 50, "recognition.range.min_years"),
            ("incident_free_years", self.incident_free_years <= 10, "recognition.range.incident_free_years"),
            ("min_design_staff", self.min_design_staff >= 0, "recognition.range.not_negative"),
            ("min_qualified_share", (0.0..=100.0).contains(&self.min_qualified_share), "recognition.range.percent"),
            ("min_patents", self.min_patents >= 0, "recognition.range.not_negative"),
            (
                "min_design_revenue",
                self.min_design_revenue.is_finite() && self.min_design_revenue >= 0.0,
                "recognition.range.not_negative",
            ),
            ("validity_years", (1..=10).contains(&self.validity_years), "recognition.range.validity_years"),
            ("pass_score", (0.0..=100.0).contains(&self.pass_score), "recognition.range.score"),
            ("rectify_score", (0.0..=100.0).contains(&self.rectify_score), "recognition.range.score"),
            ("rectify_months", (1..=24).contains(&self.rectify_months), "recognition.range.rectify_months"),
            ("reviewers_per_item", (1..=15).contains(&self.reviewers_per_item), "recognition.range.reviewers"),
            ("publicity_days", (1..=30).contains(&self.publicity_days), "recognition.range.publicity_days"),
            ("outlier_pct", (1..=50).contains(&self.outlier_pct), "review.outlier_pct_range"),
        ];
        let mut out: Vec<(&'static str, &'static str)> =
            checks.into_iter().filter(|(_, ok, _)| !ok).map(|(field, _, key)| (field, key)).collect();
        if self.rectify_score > self.pass_score && !out.iter().any(|(f, _)| *f == "rectify_score") {
            out.push(("rectify_score", "recognition.range.rectify_above_pass"));
        }
        if self.overdue_rule.is_some_and(|o| !Outcome::FOR_OVERDUE.contains(&o)) {
            out.push(("overdue_rule", "recognition.range.overdue_rule"));
        }
        out
    }
}

/// What the checklist reads about an applicant.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    /// Founding date.
    pub founded_on: Option<NaiveDate>,
    /// Library status.
    pub library: Option<LibraryStatus>,
    /// Valid recognitions held.
    pub held: Vec<Kind>,
    /// Latest year's figures, with the year.
    pub latest: Option<(i32, Indicators)>,
    /// Declared: no major incident in the rules' window.
    pub incident_free: bool,
    /// Declared: not a seriously dishonest entity.
    pub credit_ok: bool,
    /// Files attached for each of the rules' required documents, in their order; `None` when
    /// not yet asked (before an application exists).
    pub documents: Option<Vec<u32>>,
}

/// The figures an application stands on: one year of the registry's figures, frozen when it
/// is submitted (until then a draft follows the registry).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// The year the figures are for.
    pub year: i32,
    /// The figures.
    pub figures: Indicators,
}

impl Snapshot {
    /// Reads a stored snapshot; `None` for an application that had no figures.
    pub fn parse(stored: &str) -> Option<Self> {
        serde_json::from_str(stored).ok()
    }

    /// The stored form (`null` for none).
    pub fn store(snapshot: Option<&Snapshot>) -> String {
        serde_json::to_string(&snapshot).unwrap_or_else(|_| "null".to_owned())
    }

    /// Where the registry's figures for the same year now differ from the snapshot: (field,
    /// as submitted, as in the registry now). Empty when they agree; every submitted figure
    /// when the registry no longer holds that year.
    pub fn drift(&self, registry: Option<&Indicators>) -> Vec<(&'static str, Option<String>, Option<String>)> {
        let now = registry.copied().unwrap_or_default();
        self.figures
            .entries()
            .into_iter()
            .zip(now.entries())
            .filter(|((_, was), (_, is))| was != is)
            .map(|((field, was), (_, is))| (field, was, is))
            .collect()
    }
}

/// The checklist an applicant sees before submitting; all must pass to submit.
pub fn checklist(rules: &Rules, facts: &Facts, today: NaiveDate) -> Vec<CheckItem> {
    let dash = || "—".to_owned();
    let mut out = Vec::new();
    if rules.min_years > 0 {
        let years = facts.founded_on.map(|f| full_years(f, today));
        out.push(CheckItem {
            key: "recognition.check.years",
            required: format!("≥ {}", rules.min_years),
            actual: years.map_or_else(dash, |y| y.to_string()),
            passed: years.is_some_and(|y| y >= rules.min_years),
        });
    }
    if rules.requires_library || !rules.requires_any_of.is_empty() {
        let in_library = facts.library == Some(LibraryStatus::InLibrary);
        let holds = rules.requires_any_of.iter().any(|k| facts.held.contains(k));
        let mut required: Vec<&str> = Vec::new();
        if rules.requires_library {
            required.push("library");
        }
        required.extend(rules.requires_any_of.iter().map(|k| k.code()));
        let mut actual: Vec<&str> = Vec::new();
        if in_library {
            actual.push("library");
        }
        actual.extend(facts.held.iter().map(|k| k.code()));
        out.push(CheckItem {
            key: "recognition.check.tier",
            required: required.join(","),
            actual: actual.join(","),
            passed: (rules.requires_library && in_library) || holds,
        });
    }
    if rules.incident_free_years > 0 {
        out.push(CheckItem {
            key: "recognition.check.incidents",
            required: rules.incident_free_years.to_string(),
            actual: String::new(),
            passed: facts.incident_free,
        });
    }
    if rules.requires_credit_statement {
        out.push(CheckItem {
            key: "recognition.check.credit",
            required: String::new(),
            actual: String::new(),
            passed: facts.credit_ok,
        });
    }
    let latest = facts.latest.as_ref().map(|(_, i)| i);
    if rules.min_design_staff > 0 {
        let v = latest.and_then(|i| i.design_staff);
        out.push(CheckItem {
            key: "recognition.check.staff",
            required: format!("≥ {}", rules.min_design_staff),
            actual: v.map_or_else(dash, |v| v.to_string()),
            passed: v.is_some_and(|v| v >= rules.min_design_staff),
        });
    }
    if rules.min_qualified_share > 0.0 {
        let share = latest.and_then(|i| match (i.senior_design_staff, i.design_staff) {
            (Some(q), Some(t)) if t > 0 => Some(q as f64 * 100.0 / t as f64),
            _ => None,
        });
        out.push(CheckItem {
            key: "recognition.check.qualified",
            required: format!("≥ {}%", rules.min_qualified_share),
            actual: share.map_or_else(dash, |s| format!("{s:.1}%")),
            passed: share.is_some_and(|s| s >= rules.min_qualified_share),
        });
    }
    if rules.min_patents > 0 {
        let v = latest.and_then(|i| i.design_patents);
        out.push(CheckItem {
            key: "recognition.check.patents",
            required: format!("≥ {}", rules.min_patents),
            actual: v.map_or_else(dash, |v| v.to_string()),
            passed: v.is_some_and(|v| v >= rules.min_patents),
        });
    }
    if rules.min_design_revenue > 0.0 {
        let v = latest.and_then(|i| i.design_service_revenue);
        out.push(CheckItem {
            key: "recognition.check.revenue",
            required: format!("≥ {}", crate::i18n::wan_yuan(rules.min_design_revenue)),
            actual: v.map_or_else(dash, crate::i18n::wan_yuan),
            passed: v.is_some_and(|v| v >= rules.min_design_revenue),
        });
    }
    if let Some(counts) = &facts.documents {
        for (i, name) in rules.required_documents.iter().enumerate() {
            let n = counts.get(i).copied().unwrap_or(0);
            out.push(CheckItem {
                key: "recognition.check.document",
                required: name.clone(),
                actual: n.to_string(),
                passed: n > 0,
            });
        }
    }
    out
}

/// Whole years from `from` to `today`.
pub fn full_years(from: NaiveDate, today: NaiveDate) -> u32 {
    let mut years = today.year() - from.year();
    if (today.month(), today.day()) < (from.month(), from.day()) {
        years -= 1;
    }
    u32::try_from(years).unwrap_or(0)
}

/// Where an application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Being filled in.
    Draft,
    /// Sent to the district.
    Submitted,
    /// Sent back for correction (editable, resubmitted with its history kept).
    Returned,
    /// Failed its on-site verification and is being corrected: editable like a returned one,
    /// but it keeps its district's recommendation slot and goes back to the verification.
    Correcting,
    /// Recommended by the district, within its quota.
    Recommended,
    /// Passed the city's formal check.
    Checked,
    /// Verified on site.
    Inspected,
    /// With the expert review (and its publicity).
    InReview,
    /// Recognized.
    Recognized,
    /// Reviewed and not recognized (in a re-review: revoked).
    NotRecognized,
    /// Re-reviewed: rectification ordered.
    Rectify,
    /// Rejected by the district or the city.
    Rejected,
    /// A re-review the holder did not submit before the batch moved on (逾期未报): the batch's
    /// overdue rule decides it at the conclusion.
    Overdue,
    /// On public notice (公示) without expert review: recognized at the conclusion unless an
    /// upheld objection withdrew it.
    OnNotice,
}

impl Status {
    /// Every status.
    pub const ALL: [Status; 14] = [
        Status::Draft,
        Status::Submitted,
        Status::Returned,
        Status::Correcting,
        Status::Recommended,
        Status::Checked,
        Status::Inspected,
        Status::InReview,
        Status::Recognized,
        Status::NotRecognized,
        Status::Rectify,
        Status::Rejected,
        Status::Overdue,
        Status::OnNotice,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::Returned => "returned",
            Status::Correcting => "correcting",
            Status::Recommended => "recommended",
            Status::Checked => "checked",
            Status::Inspected => "inspected",
            Status::InReview => "in_review",
            Status::Recognized => "recognized",
            Status::NotRecognized => "not_recognized",
            Status::Rectify => "rectify",
            Status::Rejected => "rejected",
            Status::Overdue => "overdue",
            Status::OnNotice => "on_notice",
        }
    }

    /// Reads a stored code.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.code() == s)
    }

    /// Whether the applicant may edit it.
    pub fn editable(self) -> bool {
        matches!(self, Status::Draft | Status::Returned | Status::Correcting)
    }

    /// Badge class (the status colours of DESIGN.md).
    pub fn badge(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted
            | Status::Recommended
            | Status::Checked
            | Status::Inspected
            | Status::InReview
            | Status::OnNotice => "progress",
            Status::Returned | Status::Correcting | Status::Rectify => "action",
            Status::Recognized => "passed",
            Status::NotRecognized | Status::Rejected | Status::Overdue => "rejected",
        }
    }
}

impl Status {
    /// Whether an application in this status holds one of its district's recommendation
    /// slots: from the district's recommendation on, whatever the outcome, so a quota cannot
    /// be refilled by applications that later fail.
    pub fn counts_against_quota(self) -> bool {
        matches!(
            self,
            Status::Recommended
                | Status::Correcting
                | Status::Checked
                | Status::Inspected
                | Status::InReview
                | Status::OnNotice
                | Status::Recognized
                | Status::NotRecognized
                | Status::Rectify
        )
    }

    /// Every status that holds a recommendation slot.
    pub fn quota_holding() -> Vec<Status> {
        Status::ALL.into_iter().filter(|s| s.counts_against_quota()).collect()
    }
}

/// The statuses an application of a batch can reach, in workflow order, for the batch's
/// funnel: the on-site verification's only where one is required, the review's or the
/// notice's by how it is decided, the re-review's outcomes only in a re-review.
pub fn funnel_statuses(purpose: Purpose, reviewed: bool, notice: bool, onsite: bool) -> Vec<Status> {
    use Status as S;
    [
        S::Draft,
        S::Submitted,
        S::Returned,
        S::Recommended,
        S::Checked,
        S::Correcting,
        S::Inspected,
        S::InReview,
        S::OnNotice,
        S::Recognized,
        S::NotRecognized,
        S::Rectify,
        S::Overdue,
        S::Rejected,
    ]
    .into_iter()
    .filter(|s| match s {
        Status::Correcting | Status::Inspected => onsite,
        Status::InReview => reviewed,
        Status::OnNotice => !reviewed && notice,
        Status::Rectify | Status::Overdue => purpose == Purpose::ReReview,
        _ => true,
    })
    .collect()
}

/// Where a batch stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchStatus {
    /// Taking applications (between its dates) and moving them through district and city.
    Open,
    /// Sent to the expert review.
    InReview,
    /// Decided; recognitions granted.
    Concluded,
    /// Called off before review, with a reason its applicants are told.
    Cancelled,
}

impl BatchStatus {
    /// Whether the batch's final list exists (once it is concluded).
    pub fn has_final_list(self) -> bool {
        self == BatchStatus::Concluded
    }

    /// Every status.
    pub const ALL: [BatchStatus; 4] =
        [BatchStatus::Open, BatchStatus::InReview, BatchStatus::Concluded, BatchStatus::Cancelled];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            BatchStatus::Open => "open",
            BatchStatus::InReview => "in_review",
            BatchStatus::Concluded => "concluded",
            BatchStatus::Cancelled => "cancelled",
        }
    }

    /// Reads a stored code.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.code() == s)
    }

    /// Whether applications still move (filed, returned, corrected).
    pub fn is_open(self) -> bool {
        self == BatchStatus::Open
    }

    /// Whether the batch takes new applications on `today`: open, within its dates, and its
    /// intake not closed early.
    pub fn accepting(self, opens_on: NaiveDate, closes_on: NaiveDate, closed_early: bool, today: NaiveDate) -> bool {
        self.is_open() && !closed_early && opens_on <= today && today <= closes_on
    }

    /// Whether an application in `status` may be edited and (re)submitted: a draft while the
    /// batch accepts applications; one returned for correction as long as the batch has not
    /// moved on to review, even after its closing date.
    pub fn may_file(self, status: Status, accepting: bool) -> bool {
        match status {
            Status::Draft => accepting,
            Status::Returned | Status::Correcting => self.is_open(),
            _ => false,
        }
    }

    /// Badge class.
    pub fn badge(self) -> &'static str {
        match self {
            BatchStatus::Open => "progress",
            BatchStatus::InReview => "action",
            BatchStatus::Concluded => "passed",
            BatchStatus::Cancelled => "rejected",
        }
    }

    /// The steps the city may take on a batch in this status: send to review while open (when
    /// it has a rubric, none is running yet and some application is ready), conclude until
    /// concluded (on the review once one runs, else on the ready applications). A cancelled
    /// batch takes none. `ready`: an application stands in [`ready_for_decision`]; `unsent`: a
    /// re-review whose intake is over holds applications its holders never sent, which the
    /// conclusion decides by the overdue rule even when nothing went to the experts.
    /// `notice`: the batch puts its applications on public notice even without expert review,
    /// so without a rubric it offers the notice instead of concluding on the formal check.
    pub fn steps(
        self,
        has_rubric: bool,
        notice: bool,
        has_campaign: bool,
        ready: bool,
        unsent: bool,
    ) -> Vec<BatchStep> {
        let mut out = Vec::new();
        if self.is_open() && has_rubric && !has_campaign && ready {
            out.push(BatchStep::SendToReview);
        }
        let notice_first = !has_rubric && notice && !has_campaign;
        if self.is_open() && notice_first && ready {
            out.push(BatchStep::Publicize);
        }
        let decidable = has_campaign || (ready && !notice_first) || unsent;
        if !matches!(self, BatchStatus::Concluded | BatchStatus::Cancelled) && decidable {
            out.push(BatchStep::Conclude);
        }
        out
    }

    /// Whether the city may end intake before the published close date (with a reason the
    /// public page shows): open, intake still running, not closed early already.
    pub fn may_close_early(
        self,
        opens_on: NaiveDate,
        closes_on: NaiveDate,
        closed_early: bool,
        today: NaiveDate,
    ) -> bool {
        self.accepting(opens_on, closes_on, closed_early, today) && today < closes_on
    }

    /// Whether the city may still change the call's terms: while it is open and before any
    /// application has been submitted (drafts follow the new terms), and not a re-review, whose
    /// holders were taken up when it opened.
    pub fn may_edit(self, purpose: Purpose, any_submitted: bool) -> bool {
        self.is_open() && purpose == Purpose::Recognition && !any_submitted
    }

    /// Whether the city may call the batch off: while it is open and nothing is with the experts.
    pub fn may_cancel(self, has_campaign: bool) -> bool {
        self.is_open() && !has_campaign
    }
}

/// A step the city takes on a whole batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchStep {
    /// Open the expert review of every checked application.
    SendToReview,
    /// Put every checked application on public notice (no expert review).
    Publicize,
    /// Decide the batch and grant the recognitions.
    Conclude,
}

impl BatchStep {
    /// The code used in addresses and messages.
    pub fn code(self) -> &'static str {
        match self {
            BatchStep::SendToReview => "review",
            BatchStep::Publicize => "publicity",
            BatchStep::Conclude => "conclude",
        }
    }
}

/// Where an application stands when it is ready for the expert review or the decision: past
/// the formal check, and verified on site where the batch requires it.
pub fn ready_for_decision(onsite_required: bool) -> &'static [Status] {
    if onsite_required { &[Status::Inspected] } else { &[Status::Checked, Status::Inspected] }
}

/// The longest reason for closing intake early or cancelling a batch, in characters.
pub const MAX_BATCH_REASON: usize = 500;

/// The stages of a batch as an official call, in order: intake, the district's review, the
/// formal check, the on-site verification and the expert review with its 公示 where the batch
/// has them, and the result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Applications are taken.
    Intake,
    /// Districts review and recommend.
    DistrictReview,
    /// The city checks the recommended applications.
    FormalCheck,
    /// Staff visit the applicants.
    Inspection,
    /// Experts score.
    ExpertReview,
    /// Results on public notice.
    Publicity,
    /// Decided (or called off).
    Result,
}

impl Stage {
    /// The code used in message keys.
    pub fn code(self) -> &'static str {
        match self {
            Stage::Intake => "intake",
            Stage::DistrictReview => "district",
            Stage::FormalCheck => "formal",
            Stage::Inspection => "inspection",
            Stage::ExpertReview => "review",
            Stage::Publicity => "publicity",
            Stage::Result => "result",
        }
    }
}

/// Where a batch stands on its timeline: the stages it has, and the index of the current one.
/// `review` is the expert review's state when one runs: `Some(true)` once its results are on
/// notice.
pub fn timeline(
    status: BatchStatus,
    accepting: bool,
    onsite: bool,
    reviewed: bool,
    notice: bool,
    review: Option<bool>,
) -> (Vec<Stage>, usize) {
    let mut stages = vec![Stage::Intake, Stage::DistrictReview, Stage::FormalCheck];
    if onsite {
        stages.push(Stage::Inspection);
    }
    if reviewed {
        stages.extend([Stage::ExpertReview, Stage::Publicity]);
    } else if notice {
        stages.push(Stage::Publicity);
    }
    stages.push(Stage::Result);
    let at = |s: Stage| stages.iter().position(|x| *x == s).unwrap_or(0);
    let current = match (status, review) {
        (BatchStatus::Concluded | BatchStatus::Cancelled, _) => stages.len() - 1,
        (BatchStatus::InReview, Some(true)) => at(Stage::Publicity),
        // A notice without review is prepared, then published.
        (BatchStatus::InReview, _) if !reviewed => at(Stage::Publicity),
        (BatchStatus::InReview, _) => at(Stage::ExpertReview),
        (BatchStatus::Open, _) if accepting => at(Stage::Intake),
        // After intake the districts and the city work side by side until the batch moves on.
        (BatchStatus::Open, _) => at(Stage::DistrictReview),
    };
    (stages, current)
}

/// How far past a re-review batch's closing date a recognition may fall due and still be
/// taken up by it.
pub const RE_REVIEW_HORIZON_DAYS: i64 = 365;

/// The last expiry date a re-review batch closing on `closes_on` takes up.
pub fn re_review_horizon(closes_on: NaiveDate) -> NaiveDate {
    closes_on + chrono::Duration::days(RE_REVIEW_HORIZON_DAYS)
}

/// Who the caller is to an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// The applicant's administrator.
    Applicant,
    /// District staff whose scope reaches the applicant.
    District,
    /// City staff.
    City,
}

/// The workflow actions a caller holding `roles` may take on an application in `status`: the
/// applicant submits, the district recommends, the city passes the formal check; whoever's
/// stage it is (district on submitted, city on recommended) may also return or reject.
pub fn allowed_actions(status: Status, roles: &[Role]) -> Vec<Action> {
    let mut out = Vec::new();
    let candidates =
        [(Role::Applicant, Action::Submit), (Role::District, Action::Recommend), (Role::City, Action::Pass)];
    for (role, action) in candidates {
        if roles.contains(&role) && transition(status, action).is_ok() {
            out.push(action);
        }
    }
    let stage = match status {
        Status::Submitted => Some(Role::District),
        Status::Recommended => Some(Role::City),
        _ => None,
    };
    if stage.is_some_and(|r| roles.contains(&r)) {
        out.extend([Action::Return, Action::Reject]);
    }
    // An application that keeps failing its verification can still be ended by the city.
    if status == Status::Correcting && roles.contains(&Role::City) {
        out.push(Action::Reject);
    }
    out
}

/// Whether a caller holding `roles` may record the on-site verification of an application in
/// `status` (district or city staff, after the formal check).
pub fn may_inspect(status: Status, roles: &[Role]) -> bool {
    status == Status::Checked && (roles.contains(&Role::District) || roles.contains(&Role::City))
}

/// The official documents an application has for a reader: the application as submitted once
/// it has been, the district's letter once it recommended; none for an expert scoring it (the
/// papers name the applicant; the page shows them the materials).
pub fn application_documents(submitted: bool, recommended: bool, expert: bool) -> Vec<&'static str> {
    if expert {
        return Vec::new();
    }
    [(submitted, "application"), (recommended, "letter")].into_iter().filter_map(|(has, d)| has.then_some(d)).collect()
}

/// Whether someone holding `roles` toward a recognition may print its certificate: the
/// holder's administrators, its district's staff and the city (anyone may verify it).
pub fn may_print_certificate(roles: &[Role]) -> bool {
    !roles.is_empty()
}

/// What someone does to an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// The applicant submits (or resubmits).
    Submit,
    /// The district recommends it.
    Recommend,
    /// The district or the city returns it for correction.
    Return,
    /// The district or the city rejects it.
    Reject,
    /// The city passes the formal check.
    Pass,
    /// The city sends it to the expert review.
    SendToReview,
    /// The review ended with a passing grade and publicity closed.
    Recognize,
    /// The review ended without one.
    Decline,
    /// A re-review orders rectification.
    OrderRectification,
    /// The on-site verification passed.
    Inspect,
    /// A re-review left unsent when its batch moved on.
    MarkOverdue,
    /// The city puts it on public notice (no expert review).
    Publicize,
}

impl Action {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Action::Submit => "submit",
            Action::Recommend => "recommend",
            Action::Return => "return",
            Action::Reject => "reject",
            Action::Pass => "pass",
            Action::SendToReview => "send_to_review",
            Action::Recognize => "recognize",
            Action::Decline => "decline",
            Action::OrderRectification => "order_rectification",
            Action::Inspect => "inspect",
            Action::MarkOverdue => "mark_overdue",
            Action::Publicize => "publicize",
        }
    }

    /// Reads a code.
    pub fn parse(s: &str) -> Option<Self> {
        [
            Action::Submit,
            Action::Recommend,
            Action::Return,
            Action::Reject,
            Action::Pass,
            Action::SendToReview,
            Action::Recognize,
            Action::Decline,
            Action::OrderRectification,
            Action::Inspect,
            Action::MarkOverdue,
            Action::Publicize,
        ]
        .into_iter()
        .find(|a| a.code() == s)
    }
}

/// A transition the workflow does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cannot {action:?} an application that is {from:?}")]
pub struct IllegalTransition {
    /// Where it stood.
    pub from: Status,
    /// What was asked.
    pub action: Action,
}

/// The application workflow: draft → submitted → (district) recommended → (city) checked → in
/// review → recognized or not (or checked → recognized where a batch has no expert review); the district or the city can return it for correction (it comes
/// back through `submit`) or reject it. Who may take each step is the caller's to check.
pub fn transition(from: Status, action: Action) -> Result<Status, IllegalTransition> {
    use Action as A;
    use Status as S;
    match (from, action) {
        (S::Draft | S::Returned, A::Submit) => Ok(S::Submitted),
        // Corrected after a failed on-site verification: back to the verification, its
        // recommendation and formal check standing.
        (S::Correcting, A::Submit) => Ok(S::Checked),
        (S::Submitted, A::Recommend) => Ok(S::Recommended),
        (S::Submitted | S::Recommended, A::Return) => Ok(S::Returned),
        (S::Submitted | S::Recommended, A::Reject) => Ok(S::Rejected),
        (S::Recommended, A::Pass) => Ok(S::Checked),
        (S::Checked, A::SendToReview) => Ok(S::InReview),
        (S::Checked, A::Inspect) => Ok(S::Inspected),
        // A failed on-site verification sends it back for correction (its slot kept) or ends it.
        (S::Checked, A::Return) => Ok(S::Correcting),
        (S::Checked | S::Correcting, A::Reject) => Ok(S::Rejected),
        (S::Inspected, A::SendToReview) => Ok(S::InReview),
        (S::Inspected, A::Recognize) => Ok(S::Recognized),
        (S::InReview, A::Recognize) => Ok(S::Recognized),
        // A batch without expert review (district-level recognitions) decides on the formal
        // check alone.
        (S::Checked, A::Recognize) => Ok(S::Recognized),
        (S::InReview, A::Decline) => Ok(S::NotRecognized),
        (S::InReview, A::OrderRectification) => Ok(S::Rectify),
        // A re-review its holder never sent: marked when the batch moves on, then decided by
        // the batch's overdue rule.
        (S::Draft | S::Returned | S::Correcting, A::MarkOverdue) => Ok(S::Overdue),
        (S::Overdue, A::OrderRectification) => Ok(S::Rectify),
        (S::Overdue, A::Decline) => Ok(S::NotRecognized),
        // The rectification's acceptance (the recognition goes on) or refusal (revoked).
        (S::Rectify, A::Recognize) => Ok(S::Recognized),
        (S::Rectify, A::Decline) => Ok(S::NotRecognized),
        // Public notice without expert review: recognized after it, or withdrawn by an upheld
        // objection.
        (S::Checked | S::Inspected, A::Publicize) => Ok(S::OnNotice),
        (S::OnNotice, A::Recognize) => Ok(S::Recognized),
        (S::OnNotice, A::Decline) => Ok(S::NotRecognized),
        _ => Err(IllegalTransition { from, action }),
    }
}

/// The points an on-site verification checks (现场核查).
pub const INSPECTION_ITEMS: [&str; 4] = ["site", "team", "results", "management"];

/// An on-site verification's record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inspection {
    /// Per point of [`INSPECTION_ITEMS`]: (passed, note).
    pub items: Vec<(bool, String)>,
    /// The inspector's conclusion.
    pub conclusion: String,
    /// Day of the visit.
    pub on: Option<NaiveDate>,
}

impl Inspection {
    /// Whether every point passed.
    pub fn passed(&self) -> bool {
        self.items.len() == INSPECTION_ITEMS.len() && self.items.iter().all(|(p, _)| *p)
    }
}

/// Whether a district may recommend one more application of a batch.
pub fn within_quota(quota: Option<u32>, used: u32) -> bool {
    quota.is_none_or(|q| used < q)
}

/// The last day of a recognition granted on `granted` for `years`.
pub fn valid_until(granted: NaiveDate, years: u32) -> NaiveDate {
    granted
        .checked_add_months(Months::new(years.saturating_mul(12)))
        .and_then(|d| d.pred_opt())
        .unwrap_or(NaiveDate::MAX)
}

/// A recognition's state on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// In force.
    Valid,
    /// In force, with rectification ordered by a re-review.
    Rectifying,
    /// Withdrawn.
    Revoked,
    /// Past its validity.
    Expired,
}

impl Standing {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Standing::Valid => "valid",
            Standing::Rectifying => "rectifying",
            Standing::Revoked => "revoked",
            Standing::Expired => "expired",
        }
    }

    /// Reads a stored code.
    pub fn parse(s: &str) -> Option<Self> {
        [Standing::Valid, Standing::Rectifying, Standing::Revoked, Standing::Expired]
            .into_iter()
            .find(|x| x.code() == s)
    }

    /// The standing on `today` of a recognition stored as `self` and valid until `until`.
    pub fn on(self, until: NaiveDate, today: NaiveDate) -> Standing {
        match self {
            Standing::Valid | Standing::Rectifying if today > until => Standing::Expired,
            other => other,
        }
    }

    /// Badge class.
    pub fn badge(self) -> &'static str {
        match self {
            Standing::Valid => "passed",
            Standing::Rectifying => "action",
            Standing::Revoked => "rejected",
            Standing::Expired => "draft",
        }
    }
}

crate::coded_enum! {
    /// Why a recognition was revoked; the certificate page words each with its details.
    pub enum RevocationCause {
        /// A re-review scored it below the rectification line.
        Score = "score",
        /// Its holder sent nothing in the re-review, and the batch's rule is revocation.
        Overdue = "overdue",
        /// The rectification report was not accepted.
        RectificationRefused = "rectification_refused",
        /// The rectification deadline passed without a report.
        RectificationLapsed = "rectification_lapsed",
        /// On a re-review's public notice without expert review, an objection was upheld.
        ObjectionUpheld = "objection_upheld",
    }
}

/// The longest rectification report (整改报告), in characters.
pub const MAX_RECTIFICATION_REPORT: usize = 5_000;

/// The next step of a recognition under rectification (整改).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RectificationStep {
    /// The holder reports what was put right, until the deadline.
    Report,
    /// The report is in: the city accepts it (the recognition goes on) or refuses it (revoked).
    Decide,
    /// The deadline passed with no report: the recognition is revoked (a daily job).
    Lapsed,
}

/// Where a rectification stands on `today`: `None` unless the recognition is rectifying. A
/// report sent in time waits for the city's decision however long that takes; a recognition
/// without a deadline (data from before deadlines were kept) never lapses.
pub fn rectification_step(
    standing: Standing,
    until: Option<NaiveDate>,
    reported: bool,
    today: NaiveDate,
) -> Option<RectificationStep> {
    if standing != Standing::Rectifying {
        return None;
    }
    Some(match (reported, until) {
        (true, _) => RectificationStep::Decide,
        (false, Some(u)) if today > u => RectificationStep::Lapsed,
        (false, _) => RectificationStep::Report,
    })
}

/// The new last day of a recognition whose rectification is accepted on `on`: a full term
/// from the acceptance, as a passed re-review would have given.
pub fn valid_after_rectification(on: NaiveDate, years: u32) -> NaiveDate {
    valid_until(on, years)
}

/// Days before expiry when the organization and its district are reminded.
pub const REMINDER_DAYS: [i64; 2] = [90, 30];

/// Whether `today` is a reminder day for a recognition valid until `until`.
pub fn reminder_due(until: NaiveDate, today: NaiveDate) -> Option<i64> {
    let left = (until - today).num_days();
    REMINDER_DAYS.into_iter().find(|d| *d == left)
}

/// A certificate number: prefix, year, sequence (SJ-2026-0007).
pub fn certificate_number(kind: Kind, year: i32, sequence: u32) -> String {
    format!("{}-{year}-{sequence:04}", kind.prefix())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_offers_only_the_steps_its_status_allows() {
        assert_eq!(
            BatchStatus::Open.steps(true, false, false, true, false),
            vec![BatchStep::SendToReview, BatchStep::Conclude]
        );
        assert_eq!(BatchStatus::Open.steps(false, false, false, true, false), vec![BatchStep::Conclude]);
        assert!(BatchStatus::Open.steps(true, false, false, false, false).is_empty(), "nothing ready: nothing offered");
        assert_eq!(BatchStatus::InReview.steps(true, false, true, false, false), vec![BatchStep::Conclude]);
        assert!(BatchStatus::Concluded.steps(true, false, true, true, false).is_empty());
        assert_eq!(
            BatchStatus::Open.steps(true, false, false, false, true),
            vec![BatchStep::Conclude],
            "only overdue holders"
        );
        for b in BatchStatus::ALL {
            assert_eq!(BatchStatus::parse(b.code()), Some(b));
        }
    }

    #[test]
    fn each_role_gets_the_actions_of_its_stage_only() {
        assert_eq!(allowed_actions(Status::Draft, &[Role::Applicant]), vec![Action::Submit]);
        assert!(allowed_actions(Status::Draft, &[Role::District, Role::City]).is_empty());
        assert_eq!(
            allowed_actions(Status::Submitted, &[Role::District]),
            vec![Action::Recommend, Action::Return, Action::Reject]
        );
        // The city does not act before the district has recommended.
        assert!(allowed_actions(Status::Submitted, &[Role::City]).is_empty());
        assert_eq!(
            allowed_actions(Status::Recommended, &[Role::City]),
            vec![Action::Pass, Action::Return, Action::Reject]
        );
        assert!(allowed_actions(Status::Recommended, &[Role::District, Role::Applicant]).is_empty());
        assert!(may_inspect(Status::Checked, &[Role::District]));
        assert!(!may_inspect(Status::Checked, &[Role::Applicant]));
    }

    #[test]
    fn a_batch_closes_early_or_is_cancelled_only_while_it_takes_applications() {
        let (open, close) = (day("2026-01-01"), day("2026-03-31"));
        let mid = day("2026-02-10");
        assert!(BatchStatus::Open.accepting(open, close, false, mid));
        assert!(!BatchStatus::Open.accepting(open, close, true, mid), "closed early");
        assert!(BatchStatus::Open.may_close_early(open, close, false, mid));
        assert!(!BatchStatus::Open.may_close_early(open, close, true, mid), "once");
        assert!(!BatchStatus::Open.may_close_early(open, close, false, close), "not on its last day");
        assert!(!BatchStatus::Open.may_close_early(open, close, false, day("2025-12-31")), "not before it opens");
        assert!(BatchStatus::Open.may_cancel(false) && !BatchStatus::Open.may_cancel(true));
        assert!(!BatchStatus::Concluded.may_cancel(false));
        assert!(BatchStatus::Cancelled.steps(true, false, false, true, false).is_empty());
        assert!(BatchStatus::Open.may_edit(Purpose::Recognition, false));
        assert!(!BatchStatus::Open.may_edit(Purpose::Recognition, true), "after the first submission");
        assert!(!BatchStatus::Open.may_edit(Purpose::ReReview, false));
        assert!(!BatchStatus::InReview.may_edit(Purpose::Recognition, false));
        assert!(!BatchStatus::Cancelled.accepting(open, close, false, mid));
    }

    #[test]
    fn the_timeline_names_the_current_stage() {
        let names = |(stages, at): (Vec<Stage>, usize)| (stages.iter().map(|s| s.code()).collect::<Vec<_>>(), at);
        let (stages, at) = names(timeline(BatchStatus::Open, true, false, true, false, None));
        assert_eq!(stages, ["intake", "district", "formal", "review", "publicity", "result"]);
        assert_eq!(at, 0);
        assert_eq!(
            names(timeline(BatchStatus::Open, false, true, false, false, None)).1,
            1,
            "after intake: the district"
        );
        assert_eq!(names(timeline(BatchStatus::InReview, false, false, true, false, Some(true))).1, 4, "on notice");
        assert_eq!(
            names(timeline(BatchStatus::Cancelled, false, false, false, false, None)),
            (vec!["intake", "district", "formal", "result"], 3)
        );
    }

    #[test]
    fn returned_applications_stay_correctable_until_review() {
        let (open, close, today) = (day("2026-01-01"), day("2026-03-31"), day("2026-04-10"));
        let accepting = BatchStatus::Open.accepting(open, close, false, today);
        assert!(!accepting);
        assert!(!BatchStatus::Open.may_file(Status::Draft, accepting));
        assert!(BatchStatus::Open.may_file(Status::Returned, accepting));
        assert!(!BatchStatus::InReview.may_file(Status::Returned, false));
        assert!(Status::Rectify.counts_against_quota() && !Status::Returned.counts_against_quota());
        // A failed on-site verification keeps the slot while the applicant corrects, and the
        // corrected application goes back to the verification, not to the district.
        assert_eq!(transition(Status::Checked, Action::Return), Ok(Status::Correcting));
        assert!(Status::Correcting.counts_against_quota() && Status::Correcting.editable());
        assert_eq!(transition(Status::Correcting, Action::Submit), Ok(Status::Checked));
        assert_eq!(allowed_actions(Status::Correcting, &[Role::Applicant]), [Action::Submit]);
        assert_eq!(allowed_actions(Status::Correcting, &[Role::City]), [Action::Reject]);
        assert!(allowed_actions(Status::Correcting, &[Role::District]).is_empty());
        assert_eq!(re_review_horizon(close), day("2027-03-31"));
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn figures(staff: i64, senior: i64, patents: i64) -> Option<(i32, Indicators)> {
        Some((
            2025,
            Indicators {
                design_staff: Some(staff),
                senior_design_staff: Some(senior),
                design_patents: Some(patents),
                ..Indicators::default()
            },
        ))
    }

    #[test]
    fn a_municipal_applicant_needs_every_condition() {
        let rules = Rules::default_for(Kind::MunicipalCenter);
        let today = day("2026-11-27");
        let ok = Facts {
            founded_on: Some(day("2020-03-01")),
            library: Some(LibraryStatus::InLibrary),
            held: vec![],
            latest: figures(40, 30, 12),
            incident_free: true,
            credit_ok: true,
            documents: Some(vec![]),
        };
        assert!(checklist(&rules, &ok, today).iter().all(|c| c.passed));
        // A district center outside the library qualifies too.
        let center = Facts { library: None, held: vec![Kind::DistrictCenter], ..ok.clone() };
        assert!(checklist(&rules, &center, today).iter().all(|c| c.passed));
        // Neither: the tier line fails; founded last month: the years line fails.
        let young = Facts { founded_on: Some(day("2026-10-01")), library: None, ..ok.clone() };
        let failed: Vec<&str> = checklist(&rules, &young, today).iter().filter(|c| !c.passed).map(|c| c.key).collect();
        assert_eq!(failed, ["recognition.check.years", "recognition.check.tier"]);
        // 20 of 40 qualified is 50 % < 70 %; no statement on credit.
        let weak = Facts { latest: figures(40, 20, 12), credit_ok: false, ..ok };
        let failed: Vec<&str> = checklist(&rules, &weak, today).iter().filter(|c| !c.passed).map(|c| c.key).collect();
        assert_eq!(failed, ["recognition.check.credit", "recognition.check.qualified"]);
    }

    #[test]
    fn required_documents_are_read_per_line_and_each_needs_a_file() {
        let docs = required_documents("  营业执照 \n\n审计报告\n营业执照\n");
        assert_eq!(docs, ["营业执照", "审计报告"]);
        assert_eq!(required_documents_problem(&docs), None);
        assert_eq!(
            required_documents_problem(&["x".repeat(MAX_DOCUMENT_NAME + 1)]),
            Some("recognition.document_name_invalid")
        );
        let many: Vec<String> = (0..=MAX_REQUIRED_DOCUMENTS).map(|i| i.to_string()).collect();
        assert_eq!(required_documents_problem(&many), Some("recognition.documents_too_many"));
        let rules = Rules { required_documents: docs, ..Rules::default_for(Kind::DistrictCenter) };
        let facts = Facts {
            founded_on: Some(day("2020-03-01")),
            library: Some(LibraryStatus::InLibrary),
            held: vec![],
            latest: figures(40, 30, 12),
            incident_free: true,
            credit_ok: true,
            documents: Some(vec![2, 0]),
        };
        let docs: Vec<(String, bool)> = checklist(&rules, &facts, day("2026-11-27"))
            .into_iter()
            .filter(|c| c.key == "recognition.check.document")
            .map(|c| (c.required, c.passed))
            .collect();
        assert_eq!(docs, [("营业执照".to_owned(), true), ("审计报告".to_owned(), false)]);
        // Before an application exists the documents are not asked.
        let before = Facts { documents: None, ..facts };
        assert!(checklist(&rules, &before, day("2026-11-27")).iter().all(|c| c.key != "recognition.check.document"));
    }

    #[test]
    fn a_snapshot_names_the_figures_the_registry_changed() {
        let s = Snapshot { year: 2025, figures: figures(40, 30, 12).map(|(_, i)| i).unwrap_or_default() };
        assert!(s.drift(Some(&s.figures)).is_empty());
        let changed = Indicators { design_staff: Some(55), ..s.figures };
        assert_eq!(s.drift(Some(&changed)), [("design_staff", Some("40".to_owned()), Some("55".to_owned()))]);
        // The year gone from the registry: every submitted figure differs.
        assert_eq!(s.drift(None).len(), s.figures.entries().iter().filter(|(_, v)| v.is_some()).count());
        let stored = Snapshot::store(Some(&s));
        assert_eq!(Snapshot::parse(&stored), Some(s));
        assert_eq!(Snapshot::parse("null"), None);
    }

    #[test]
    fn national_needs_three_years_and_municipal_recognition() {
        let rules = Rules::default_for(Kind::NationalCenter);
        let facts = Facts {
            founded_on: Some(day("2024-01-01")),
            library: Some(LibraryStatus::InLibrary),
            held: vec![Kind::DistrictCenter],
            latest: figures(60, 40, 20),
            incident_free: true,
            credit_ok: true,
            documents: None,
        };
        let failed: Vec<&str> =
            checklist(&rules, &facts, day("2026-11-27")).iter().filter(|c| !c.passed).map(|c| c.key).collect();
        assert_eq!(failed, ["recognition.check.years", "recognition.check.tier"]);
        assert_eq!(rules.validity_years, 4);
    }

    #[test]
    fn the_workflow_refuses_skipped_steps() {
        assert_eq!(transition(Status::Draft, Action::Submit), Ok(Status::Submitted));
        assert_eq!(transition(Status::Returned, Action::Submit), Ok(Status::Submitted));
        assert!(transition(Status::Draft, Action::Recommend).is_err());
        assert!(transition(Status::Submitted, Action::Pass).is_err());
        assert!(transition(Status::Recognized, Action::Return).is_err());
        assert_eq!(transition(Status::Recommended, Action::Return), Ok(Status::Returned));
    }

    #[test]
    fn without_expert_review_a_batch_that_requires_it_goes_on_notice_before_it_concludes() {
        // No rubric, notice required: the checked applications go on notice first.
        assert_eq!(BatchStatus::Open.steps(false, true, false, true, false), vec![BatchStep::Publicize]);
        // Then, with the notice's campaign, the batch concludes.
        assert_eq!(BatchStatus::InReview.steps(false, true, true, false, false), vec![BatchStep::Conclude]);
        // No notice required: the formal check decides, as before.
        assert_eq!(BatchStatus::Open.steps(false, false, false, true, false), vec![BatchStep::Conclude]);
        assert_eq!(transition(Status::Checked, Action::Publicize), Ok(Status::OnNotice));
        assert_eq!(transition(Status::Inspected, Action::Publicize), Ok(Status::OnNotice));
        assert_eq!(transition(Status::OnNotice, Action::Recognize), Ok(Status::Recognized));
        assert_eq!(transition(Status::OnNotice, Action::Decline), Ok(Status::NotRecognized));
        assert!(transition(Status::Submitted, Action::Publicize).is_err());
        assert!(Status::OnNotice.counts_against_quota());
        assert!(Rules::default_for(Kind::DistrictCenter).publicity_required);
        // Its funnel counts what such a batch can reach, nothing of review or re-review.
        let funnel = funnel_statuses(Purpose::Recognition, false, true, false);
        assert!(funnel.contains(&Status::OnNotice) && !funnel.contains(&Status::InReview));
        assert!(!funnel.contains(&Status::Overdue) && !funnel.contains(&Status::Inspected));
        assert!(
            funnel_statuses(Purpose::ReReview, true, true, true).len() == Status::ALL.len() - 1,
            "all but on notice"
        );
        let stages = |t: (Vec<Stage>, usize)| (t.0.iter().map(|s| s.code()).collect::<Vec<_>>(), t.1);
        assert_eq!(
            stages(timeline(BatchStatus::InReview, false, false, false, true, None)),
            (vec!["intake", "district", "formal", "publicity", "result"], 3)
        );
    }

    #[test]
    fn a_rectification_reports_before_its_deadline_then_waits_for_the_city() {
        let until = Some(day("2027-06-30"));
        let step = |reported, today| rectification_step(Standing::Rectifying, until, reported, day(today));
        assert_eq!(step(false, "2027-06-30"), Some(RectificationStep::Report), "on the last day");
        assert_eq!(step(false, "2027-07-01"), Some(RectificationStep::Lapsed));
        assert_eq!(step(true, "2027-07-01"), Some(RectificationStep::Decide), "sent in time: decided late");
        assert_eq!(rectification_step(Standing::Valid, until, false, day("2027-07-01")), None);
        assert_eq!(
            rectification_step(Standing::Rectifying, None, false, day("2099-01-01")),
            Some(RectificationStep::Report)
        );
        assert_eq!(valid_after_rectification(day("2027-05-01"), 3), day("2030-04-30"));
    }

    #[test]
    fn an_unsent_re_review_is_marked_overdue_and_decided_by_the_batch_rule() {
        assert_eq!(transition(Status::Draft, Action::MarkOverdue), Ok(Status::Overdue));
        assert_eq!(transition(Status::Returned, Action::MarkOverdue), Ok(Status::Overdue));
        assert!(transition(Status::Submitted, Action::MarkOverdue).is_err(), "sent in time: not overdue");
        assert_eq!(transition(Status::Overdue, Action::OrderRectification), Ok(Status::Rectify));
        assert_eq!(transition(Status::Overdue, Action::Decline), Ok(Status::NotRecognized));
        assert!(transition(Status::Overdue, Action::Submit).is_err(), "too late to send");
        assert!(!Status::Overdue.editable() && !Status::Overdue.counts_against_quota());
        let mut rules = Rules::default_for(Kind::MunicipalCenter);
        assert_eq!(rules.overdue_rule, Some(Outcome::Revoke));
        rules.overdue_rule = Some(Outcome::Renew);
        assert_eq!(rules.problems(), [("overdue_rule", "recognition.range.overdue_rule")], "never renewed unseen");
        // Rules stored before these fields existed read with their defaults.
        let stored = serde_json::to_string(&Rules::default_for(Kind::DistrictCenter))
            .unwrap()
            .replace(",\"blind_review\":false", "")
            .replace(",\"overdue_rule\":\"revoke\"", "")
            .replace(",\"publicity_required\":true", "");
        assert!(
            !stored.contains("blind_review")
                && !stored.contains("overdue_rule")
                && !stored.contains("publicity_required")
        );
        let old: Rules = serde_json::from_str(&stored).unwrap();
        // Batches opened before these rules keep behaving as they were opened: no blind
        // review, unsent drafts left alone, no separate notice.
        assert!(!old.blind_review && old.overdue_rule.is_none() && !old.publicity_required);
    }

    #[test]
    fn re_review_outcomes() {
        let rules = Rules::default_for(Kind::MunicipalCenter);
        assert_eq!(re_review_outcome(Some(70.0), &rules), Outcome::Renew);
        assert_eq!(re_review_outcome(Some(65.0), &rules), Outcome::Rectify);
        assert_eq!(re_review_outcome(Some(59.99), &rules), Outcome::Revoke);
        assert_eq!(re_review_outcome(None, &rules), Outcome::Revoke);
        assert_eq!(outcome(Purpose::Recognition, Some(70.0), &rules), Outcome::Renew);
        assert_eq!(outcome(Purpose::Recognition, Some(65.0), &rules), Outcome::Revoke);
        assert_eq!(transition(Status::InReview, Action::OrderRectification), Ok(Status::Rectify));
    }

    #[test]
    fn quotas_validity_and_reminders() {
        assert!(within_quota(Some(2), 1) && !within_quota(Some(2), 2) && within_quota(None, 99));
        assert_eq!(valid_until(day("2026-11-27"), 4), day("2030-11-26"));
        assert_eq!(Standing::Valid.on(day("2030-11-26"), day("2030-11-27")), Standing::Expired);
        assert_eq!(Standing::Revoked.on(day("2030-11-26"), day("2031-01-01")), Standing::Revoked);
        assert_eq!(reminder_due(day("2027-02-25"), day("2026-11-27")), Some(90));
        assert_eq!(reminder_due(day("2026-12-27"), day("2026-11-27")), Some(30));
        assert_eq!(reminder_due(day("2026-12-28"), day("2026-11-27")), None);
        assert_eq!(certificate_number(Kind::MunicipalCenter, 2026, 7), "SJ-2026-0007");
        assert_eq!(full_years(day("2023-11-28"), day("2026-11-27")), 2);
        assert_eq!(full_years(day("2023-11-27"), day("2026-11-27")), 3);
    }
}
