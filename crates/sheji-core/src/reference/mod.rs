//! Reference data: districts, the 33618 cluster system, industry divisions and the other
//! official lists. The lists themselves are data (seeded from `reference/*.csv` and editable by
//! an administrator); this module holds the types and the rules for reading them.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A reference value that failed to parse; names the field and the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {field}: {value:?}")]
pub struct InvalidValue {
    /// Which field was being read.
    pub field: &'static str,
    /// What it contained.
    pub value: String,
}

impl InvalidValue {
    fn new(field: &'static str, value: &str) -> Self {
        Self { field, value: value.to_owned() }
    }
}

/// What kind of division a district is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DistrictKind {
    /// 区
    District,
    /// 县
    County,
    /// 自治县
    AutonomousCounty,
    /// 功能区 (两江新区, 高新区, 经开区: listed with the districts but not GB/T 2260 divisions)
    FunctionalZone,
}

impl DistrictKind {
    /// Every kind, in display order.
    pub const ALL: [Self; 4] = [Self::District, Self::County, Self::AutonomousCounty, Self::FunctionalZone];

    /// The stable code stored in the database and used in the API.
    pub fn code(self) -> &'static str {
        match self {
            Self::District => "district",
            Self::County => "county",
            Self::AutonomousCounty => "autonomous_county",
            Self::FunctionalZone => "functional_zone",
        }
    }

    /// Reads the Chinese label used in the official lists (区, 县, 自治县, 功能区).
    pub fn from_label(label: &str) -> Result<Self, InvalidValue> {
        match label.trim() {
            "区" => Ok(Self::District),
            "县" => Ok(Self::County),
            "自治县" => Ok(Self::AutonomousCounty),
            "功能区" => Ok(Self::FunctionalZone),
            other => Err(InvalidValue::new("district kind", other)),
        }
    }
}

impl FromStr for DistrictKind {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|k| k.code() == s).ok_or_else(|| InvalidValue::new("district kind", s))
    }
}

/// Whether a district still exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DistrictStatus {
    /// In force.
    Active,
    /// Abolished (撤销); kept so records that carry its code keep working.
    Abolished,
    /// Replaced by another entry of the list (e.g. a functional zone that became a district).
    Superseded,
}

impl DistrictStatus {
    /// Every status, in display order.
    pub const ALL: [Self; 3] = [Self::Active, Self::Abolished, Self::Superseded];

    /// The stable code stored in the database and used in the API and the reference files.
    pub fn code(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Abolished => "abolished",
            Self::Superseded => "superseded",
        }
    }

    /// Whether new records may still be filed under a district with this status.
    pub fn accepts_new_records(self) -> bool {
        self == Self::Active
    }
}

impl FromStr for DistrictStatus {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|k| k.code() == s.trim()).ok_or_else(|| InvalidValue::new("district status", s))
    }
}

/// A GB/T 2260 six-digit division code such as 500105.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct DivisionCode(String);

impl DivisionCode {
    /// Accepts exactly six ASCII digits.
    pub fn parse(s: &str) -> Result<Self, InvalidValue> {
        let s = s.trim();
        if s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(s.to_owned()))
        } else {
            Err(InvalidValue::new("division code", s))
        }
    }

    /// The six digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DivisionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A date known to the day or only to the month, as official notices often give them
/// ("2025-11"). Stored as its text so no precision is invented.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PartialDate {
    year: i32,
    month: u32,
    day: Option<u32>,
}

impl PartialDate {
    /// Reads `YYYY-MM` or `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Result<Self, InvalidValue> {
        let s = s.trim();
        let invalid = || InvalidValue::new("date", s);
        let mut parts = s.split('-');
        let year = parts.next().and_then(|p| p.parse::<i32>().ok()).ok_or_else(invalid)?;
        let month = parts.next().and_then(|p| p.parse::<u32>().ok()).ok_or_else(invalid)?;
        let day = parts.next().map(|p| p.parse::<u32>().map_err(|_| invalid())).transpose()?;
        if parts.next().is_some() {
            return Err(invalid());
        }
        NaiveDate::from_ymd_opt(year, month, day.unwrap_or(1)).ok_or_else(invalid)?;
        Ok(Self { year, month, day })
    }

    /// The last day this date may stand for: the day itself, or the end of the month.
    pub fn latest_day(&self) -> Option<NaiveDate> {
        match self.day {
            Some(day) => NaiveDate::from_ymd_opt(self.year, self.month, day),
            None => {
                let (y, m) = if self.month == 12 { (self.year + 1, 1) } else { (self.year, self.month + 1) };
                NaiveDate::from_ymd_opt(y, m, 1).and_then(|d| d.pred_opt())
            }
        }
    }

    /// 2025年11月6日 or 2025年11月, as documents write dates.
    pub fn to_chinese(&self) -> String {
        match self.day {
            Some(day) => format!("{}年{}月{}日", self.year, self.month, day),
            None => format!("{}年{}月", self.year, self.month),
        }
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.day {
            Some(day) => write!(f, "{:04}-{:02}-{:02}", self.year, self.month, day),
            None => write!(f, "{:04}-{:02}", self.year, self.month),
        }
    }
}

impl Serialize for PartialDate {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The four tiers of the "33618" cluster system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ClusterTier(u8);

impl ClusterTier {
    /// Tiers are numbered 1 (万亿级主导) to 4 (“新星”).
    pub fn new(tier: u8) -> Result<Self, InvalidValue> {
        if (1..=4).contains(&tier) { Ok(Self(tier)) } else { Err(InvalidValue::new("cluster tier", &tier.to_string())) }
    }

    /// The tier number.
    pub fn get(self) -> u8 {
        self.0
    }
}

/// Whether a reference row has been confirmed against an official source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confirmation {
    /// Confirmed by a cited source.
    Confirmed,
    /// Recalled or secondary; an administrator should check it.
    Unconfirmed,
}

impl FromStr for Confirmation {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "confirmed" => Ok(Self::Confirmed),
            "unconfirmed" => Ok(Self::Unconfirmed),
            other => Err(InvalidValue::new("confirmation", other)),
        }
    }
}

/// Abolished divisions whose territory passed whole to one successor, as (abolished, successor)
/// GB/T 2260 codes: records naming them are taken under the successor. 江北区 and 渝北区 were
/// abolished in November 2025 to form the administrative 两江新区 (`reference/chongqing_districts.csv`).
const SUCCESSORS: [(&str, &str); 2] = [("500105", "500157"), ("500112", "500157")];

/// The single successor of an abolished division, if it has one.
pub fn successor(code: &DivisionCode) -> Option<DivisionCode> {
    SUCCESSORS.iter().find(|(old, _)| *old == code.as_str()).and_then(|(_, new)| DivisionCode::parse(new).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abolished_districts_name_their_successor() {
        let code = |s: &str| DivisionCode::parse(s).ok();
        let jiangbei = code("500105").and_then(|c| successor(&c));
        assert_eq!(jiangbei.as_ref().map(DivisionCode::as_str), Some("500157"));
        assert_eq!(
            code("500112").and_then(|c| successor(&c)).map(|c| c.as_str().to_owned()).as_deref(),
            Some("500157")
        );
        assert_eq!(code("500101").and_then(|c| successor(&c)), None);
    }

    #[test]
    fn district_labels_and_codes_round_trip() {
        for kind in DistrictKind::ALL {
            assert_eq!(kind.code().parse::<DistrictKind>(), Ok(kind));
        }
        assert_eq!(DistrictKind::from_label("自治县"), Ok(DistrictKind::AutonomousCounty));
        assert!(DistrictKind::from_label("市").is_err());
        assert!(!DistrictStatus::Abolished.accepts_new_records());
    }

    #[test]
    fn partial_dates_keep_their_precision() {
        let month = PartialDate::parse("2025-11").unwrap();
        assert_eq!(month.to_string(), "2025-11");
        assert_eq!(month.to_chinese(), "2025年11月");
        assert_eq!(month.latest_day(), NaiveDate::from_ymd_opt(2025, 11, 30));
        let day = PartialDate::parse("2025-11-06");
        assert_eq!(day.map(|d| d.to_chinese()), Ok("2025年11月6日".to_owned()));
        assert!(PartialDate::parse("2025-13").is_err());
        assert!(PartialDate::parse("2025-02-30").is_err());
        assert!(PartialDate::parse("soon").is_err());
    }

    #[test]
    fn division_codes_are_six_digits() {
        assert!(DivisionCode::parse("500105").is_ok());
        assert!(DivisionCode::parse("50010").is_err());
        assert!(DivisionCode::parse("5001O5").is_err());
        assert!(ClusterTier::new(5).is_err());
    }
}

/// A district as the platform knows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct District {
    /// Database key; stable even for divisions without a GB/T 2260 code.
    pub id: crate::ids::DistrictId,
    /// GB/T 2260 code; functional zones have none.
    pub code: Option<DivisionCode>,
    /// The official name (江北区, not 江北).
    pub name: String,
    /// 区, 县, 自治县 or 功能区.
    pub kind: DistrictKind,
    /// Active, abolished or superseded.
    pub status: DistrictStatus,
    /// When an abolished or superseded division stopped being in force.
    pub valid_to: Option<PartialDate>,
    /// Where the row comes from.
    pub source: String,
    /// Remarks from the reference list.
    pub note: Option<String>,
}

/// A cluster of the 33618 system.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cluster {
    /// Database key.
    pub id: crate::ids::ClusterId,
    /// 1–4.
    pub tier: ClusterTier,
    /// The tier's name (万亿级主导产业集群 …).
    pub tier_name: String,
    /// The cluster's name.
    pub name: String,
    /// Whether the row was confirmed against an official source.
    pub confirmation: Confirmation,
    /// Where the row comes from.
    pub source: String,
    /// Remarks from the reference list.
    pub note: Option<String>,
}
