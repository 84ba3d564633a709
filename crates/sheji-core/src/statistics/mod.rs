//! The plan's progress (the "6个1" targets of the 2024–2027 action plan) as far as the
//! platform records it: new-product sales from the registry's yearly figures, design centers
//! and backbone design firms from the recognitions in force. A snapshot is recomputed by a
//! recurring job and read by the home page, so no visitor pays for the sums.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::recognition::Kind;

/// The tiers that count as "enterprises with a design center" (district, municipal and
/// national design centers).
pub const DESIGN_CENTER_KINDS: [Kind; 3] = [Kind::DistrictCenter, Kind::MunicipalCenter, Kind::NationalCenter];

/// What the platform can say of the plan's progress, and when it was counted.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PlanProgress {
    /// When it was counted.
    pub computed_at: DateTime<Utc>,
    /// The latest year with figures on record, and the sum of its new-product sales (万元).
    pub sales: Option<(i32, f64)>,
    /// Recognitions in force of the design-center tiers.
    pub design_centers: u64,
    /// Backbone design firms in force.
    pub backbone_firms: u64,
}

impl PlanProgress {
    /// New-product sales in 亿元 (the plan's target is 10 000 亿元, 1 万亿).
    pub fn sales_yi(&self) -> Option<(i32, f64)> {
        self.sales.map(|(year, wan)| (year, wan / 10_000.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sales_read_in_yi_yuan() {
        let p = PlanProgress {
            computed_at: DateTime::from_timestamp(0, 0).unwrap(),
            sales: Some((2025, 123_456_789.0)),
            design_centers: 3,
            backbone_firms: 1,
        };
        assert_eq!(p.sales_yi(), Some((2025, 12_345.678_9)));
    }
}
