use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "deal_step")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub deal_id: i32,
    pub step: String,
    pub milestone_id: Option<i32>,
    #[sea_orm(column_type = "Text")]
    pub note: String,
    pub actor_name: String,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
