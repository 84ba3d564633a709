use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "deal_milestone")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub deal_id: i32,
    pub seq: i32,
    pub title: String,
    pub due_on: Date,
    pub amount: Option<f64>,
    pub status: String,
    pub changes: i32,
    pub delivered_on: Option<Date>,
    #[sea_orm(column_type = "Text")]
    pub delivery_note: String,
    #[sea_orm(column_type = "Text")]
    pub change_note: String,
    pub accepted_on: Option<Date>,
    pub deemed: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
