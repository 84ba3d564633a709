use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "deal_rating")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub deal_id: i32,
    pub side: String,
    pub score: i32,
    #[sea_orm(column_type = "Text")]
    pub comment: String,
    pub rated_by: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
