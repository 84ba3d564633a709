//! Services to organizations (服务): what branch centers and liaison officers (服务专员) do for
//! an enterprise, and the structured design diagnosis (设计诊断) among them. Counted per
//! district, these records are the branches' work.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ids::DistrictId;

/// A kind of service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// 设计诊断: a structured assessment.
    Diagnosis,
    /// 政策宣讲
    PolicyBriefing,
    /// 供需对接
    Matchmaking,
    /// 培训
    Training,
    /// 宣传推广
    Publicity,
    /// 标准化
    Standardization,
}

impl Kind {
    /// Every kind.
    pub const ALL: [Kind; 6] = [
        Kind::Diagnosis,
        Kind::PolicyBriefing,
        Kind::Matchmaking,
        Kind::Training,
        Kind::Publicity,
        Kind::Standardization,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Kind::Diagnosis => "diagnosis",
            Kind::PolicyBriefing => "policy_briefing",
            Kind::Matchmaking => "matchmaking",
            Kind::Training => "training",
            Kind::Publicity => "publicity",
            Kind::Standardization => "standardization",
        }
    }

    /// Reads a stored code.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == s)
    }
}

/// A design diagnosis report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnosis {
    /// 优势
    pub strengths: String,
    /// 差距与问题
    pub gaps: String,
    /// 建议
    pub recommendations: String,
    /// 回访日期
    pub follow_up_on: Option<NaiveDate>,
}

/// What is wrong with a service record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    /// No summary.
    #[error("a service record needs a summary")]
    NoSummary,
    /// A diagnosis without its three parts.
    #[error("a diagnosis needs strengths, gaps and recommendations")]
    IncompleteDiagnosis,
    /// A follow-up before the service.
    #[error("the follow-up cannot come before the service")]
    FollowUpBefore,
    /// A service dated in the future.
    #[error("a service cannot be dated after today")]
    InTheFuture,
}

impl RecordError {
    /// The form field and catalogue key of the message.
    pub fn field_key(self) -> (&'static str, &'static str) {
        match self {
            RecordError::NoSummary => ("summary", "service.summary_required"),
            RecordError::IncompleteDiagnosis => ("diagnosis", "service.diagnosis_incomplete"),
            RecordError::FollowUpBefore => ("follow_up_on", "service.follow_up_order"),
            RecordError::InTheFuture => ("served_on", "service.future"),
        }
    }
}

/// Checks a record before it is saved: a summary, a date not after today, and for a
/// diagnosis the three parts of the report and a follow-up not before the service.
pub fn check(
    kind: Kind,
    served_on: NaiveDate,
    summary: &str,
    diagnosis: Option<&Diagnosis>,
    today: NaiveDate,
) -> Result<(), RecordError> {
    if summary.trim().is_empty() {
        return Err(RecordError::NoSummary);
    }
    if served_on > today {
        return Err(RecordError::InTheFuture);
    }
    if kind == Kind::Diagnosis {
        let d = diagnosis.ok_or(RecordError::IncompleteDiagnosis)?;
        if [&d.strengths, &d.gaps, &d.recommendations].iter().any(|s| s.trim().is_empty()) {
            return Err(RecordError::IncompleteDiagnosis);
        }
        if d.follow_up_on.is_some_and(|f| f < served_on) {
            return Err(RecordError::FollowUpBefore);
        }
    }
    Ok(())
}

/// The branch a service counts for: the recording officer's own branch (the organization's
/// district when it is one of theirs, else their first), or the organization's district when
/// the officer has no branch (city and headquarters staff).
pub fn counts_for(branches: &[DistrictId], org_district: DistrictId) -> DistrictId {
    if branches.contains(&org_district) { org_district } else { branches.first().copied().unwrap_or(org_district) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_service_counts_for_the_officer_s_branch() {
        let (bishan, jiangjin, yuzhong) = (DistrictId(1), DistrictId(2), DistrictId(3));
        assert_eq!(counts_for(&[jiangjin], bishan), jiangjin, "a liaison from another branch");
        assert_eq!(counts_for(&[jiangjin, bishan], bishan), bishan, "the organization's own, when theirs");
        assert_eq!(counts_for(&[], yuzhong), yuzhong, "city staff: the organization's district");
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_diagnosis_needs_its_report() {
        let today = day("2026-11-27");
        let full = Diagnosis {
            strengths: "外观设计能力强".into(),
            gaps: "缺少用户研究".into(),
            recommendations: "建立用户研究岗位".into(),
            follow_up_on: Some(day("2027-02-01")),
        };
        assert_eq!(check(Kind::Diagnosis, day("2026-11-20"), "上门诊断", Some(&full), today), Ok(()));
        let partial = Diagnosis { gaps: String::new(), ..full.clone() };
        assert_eq!(
            check(Kind::Diagnosis, day("2026-11-20"), "上门诊断", Some(&partial), today),
            Err(RecordError::IncompleteDiagnosis)
        );
        let early = Diagnosis { follow_up_on: Some(day("2026-11-01")), ..full };
        assert_eq!(
            check(Kind::Diagnosis, day("2026-11-20"), "上门诊断", Some(&early), today),
            Err(RecordError::FollowUpBefore)
        );
        assert_eq!(check(Kind::Training, day("2026-11-28"), "培训", None, today), Err(RecordError::InTheFuture));
        assert_eq!(check(Kind::Training, day("2026-11-20"), " ", None, today), Err(RecordError::NoSummary));
        assert_eq!(check(Kind::Training, day("2026-11-20"), "培训", None, today), Ok(()));
    }
}
