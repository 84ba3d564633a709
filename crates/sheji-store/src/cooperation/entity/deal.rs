use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "deal")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub interest_id: Option<i32>,
    pub demand_id: Option<i32>,
    pub offer_id: Option<i32>,
    pub event_id: Option<i32>,
    pub meeting_id: Option<i32>,
    pub demander_org: i32,
    pub provider_org: Option<i32>,
    pub provider_account: i32,
    pub district_id: i32,
    pub cluster_id: Option<i32>,
    pub title: String,
    pub status: String,
    pub version: i32,
    pub mode: Option<String>,
    pub amount: Option<f64>,
    #[sea_orm(column_type = "Text")]
    pub scope: String,
    pub quoted_on: Option<Date>,
    pub quotes: i32,
    pub signed_on: Option<Date>,
    pub completed_on: Option<Date>,
    pub dispute_stage: Option<String>,
    pub dispute_side: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub dispute_reason: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub closed_reason: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
