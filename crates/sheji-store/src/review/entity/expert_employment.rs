use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "expert_employment")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub expert_id: i32,
    pub organization_id: i32,
    pub until: Date,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
