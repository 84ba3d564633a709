//! The organization registry's domain: kinds of organization and how names are normalised so
//! the same company typed two ways is found as one.

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
