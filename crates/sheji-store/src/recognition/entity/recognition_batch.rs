use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "recognition_batch")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub kind: String,
    pub purpose: String,
    pub year: i32,
    pub name: String,
    pub opens_on: Date,
    pub closes_on: Date,
    pub district_quota: Option<i32>,
    #[sea_orm(column_type = "Text")]
    pub rules: String,
    pub rubric_id: Option<i32>,
    pub campaign_id: Option<i32>,
    pub status: String,
    pub closed_early_on: Option<Date>,
    #[sea_orm(column_type = "Text", nullable)]
    pub close_reason: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub cancel_reason: Option<String>,
    pub created_by: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
