use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "interest")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub demand_id: i32,
    pub offer_id: i32,
    pub side: String,
    pub status: String,
    #[sea_orm(column_type = "Text")]
    pub message: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub reason: Option<String>,
    pub created_by: String,
    pub created_at: DateTimeUtc,
    pub answered_by: Option<String>,
    pub answered_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
