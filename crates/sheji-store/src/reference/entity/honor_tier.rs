use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "honor_tier")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub family: String,
    pub tier_order: i32,
    pub name: String,
    pub recognized_by: String,
    #[sea_orm(column_type = "Text")]
    pub validity: String,
    #[sea_orm(column_type = "Text")]
    pub key_conditions: String,
    #[sea_orm(column_type = "Text")]
    pub source: String,
    pub status: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
