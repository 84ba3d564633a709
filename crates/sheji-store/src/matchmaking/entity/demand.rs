use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "demand")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organization_id: i32,
    pub district_id: i32,
    pub status: String,
    pub title: String,
    pub product: String,
    #[sea_orm(column_type = "Text")]
    pub summary: String,
    #[sea_orm(column_type = "Text")]
    pub details: String,
    #[sea_orm(column_type = "Text")]
    pub deliverables: String,
    pub industry_code: Option<String>,
    pub cluster_id: Option<i32>,
    pub budget_min: Option<f64>,
    pub budget_max: Option<f64>,
    pub deadline: Option<Date>,
    pub modes: String,
    #[sea_orm(column_type = "Text")]
    pub ip_terms: String,
    #[sea_orm(column_type = "Text")]
    pub excluded: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub review_note: Option<String>,
    pub created_by: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub published_on: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
