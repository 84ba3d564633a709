use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cooperation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organization_a: i32,
    pub organization_b: i32,
    pub title: String,
    pub signed_on: Date,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
