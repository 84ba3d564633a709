use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "offer")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organization_id: Option<i32>,
    pub account_id: i32,
    pub district_id: i32,
    pub status: String,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    #[sea_orm(column_type = "Text")]
    pub team: String,
    #[sea_orm(column_type = "Text")]
    pub cases: String,
    pub capacity: Option<i32>,
    pub price_min: Option<f64>,
    pub price_max: Option<f64>,
    #[sea_orm(column_type = "Text")]
    pub excluded: String,
    pub created_by: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
