use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "event_meeting")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub event_id: i32,
    pub slot: i32,
    pub table_no: i32,
    pub a_reg: i32,
    pub b_reg: i32,
    pub musts: i32,
    pub wants: i32,
    pub outcome_a: Option<String>,
    pub outcome_b: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub note_a: String,
    #[sea_orm(column_type = "Text")]
    pub note_b: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
