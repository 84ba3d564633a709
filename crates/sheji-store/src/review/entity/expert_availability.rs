use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "expert_availability")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub expert_id: i32,
    pub available_from: Date,
    pub available_to: Date,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
