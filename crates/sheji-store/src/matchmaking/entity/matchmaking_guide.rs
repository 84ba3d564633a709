use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "matchmaking_guide")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub title: String,
    pub period_from: Date,
    pub period_to: Date,
    #[sea_orm(column_type = "Text")]
    pub intro: String,
    #[sea_orm(column_type = "Text")]
    pub snapshot: String,
    pub demands: i32,
    pub offers: i32,
    pub published_by: String,
    pub published_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
