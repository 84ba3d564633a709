use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "review_objection")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub campaign_id: i32,
    pub item_id: Option<i32>,
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub contact_enc: String,
    #[sea_orm(column_type = "Text")]
    pub evidence: String,
    pub status: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub resolution: Option<String>,
    pub handled_by: Option<String>,
    pub created_at: DateTimeUtc,
    pub resolved_at: Option<DateTimeUtc>,
    pub receipt: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub statement: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
