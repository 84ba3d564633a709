//! The tables of this capability, as SeaORM entities.

pub mod cooperation;
pub mod expert;
pub mod expert_availability;
pub mod expert_employment;
pub mod expert_specialty;
pub mod holiday;
pub mod review_assignment;
pub mod review_campaign;
pub mod review_declaration;
pub mod review_item;
pub mod review_item_organization;
pub mod review_objection;
pub mod review_override;
pub mod review_result;
pub mod rubric;
