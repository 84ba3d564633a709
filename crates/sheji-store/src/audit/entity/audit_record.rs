use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_record")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub at_ms: i64,
    pub actor_id: Option<i32>,
    pub actor_name: String,
    pub ip: String,
    pub action: String,
    pub target_type: String,
    pub target_id: String,
    #[sea_orm(column_type = "Text")]
    pub before_json: String,
    #[sea_orm(column_type = "Text")]
    pub after_json: String,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
