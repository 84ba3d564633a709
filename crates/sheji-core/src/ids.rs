//! Typed ids: an organization id cannot be passed where a district id is expected.

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! typed_id {
    ($($(#[$doc:meta])* $name:ident),+ $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i32);

        impl $name {
            /// The raw database key.
            pub fn get(self) -> i32 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    )+};
}

typed_id!(
    /// A district, county or functional zone.
    DistrictId,
    /// A cluster of the 33618 system.
    ClusterId,
    /// An organization in the registry.
    OrganizationId,
    /// A login account.
    AccountId,
    /// A record of the audit trail.
    AuditId,
    /// An expert of the pool.
    ExpertId,
    /// A review campaign (评审批次).
    CampaignId,
    /// An item under review in a campaign.
    ItemId,
    /// A version of a rubric.
    RubricId,
);
