use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "recognition_application")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub batch_id: i32,
    pub organization_id: i32,
    pub district_id: i32,
    pub status: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    #[sea_orm(column_type = "Text")]
    pub figures: String,
    pub incident_free: bool,
    pub credit_ok: bool,
    pub statement_signed: bool,
    pub item_id: Option<i32>,
    pub recognition_id: Option<i32>,
    #[sea_orm(column_type = "Text", nullable)]
    pub inspection: Option<String>,
    pub submitted_at: Option<DateTimeUtc>,
    pub created_by: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The recognition's id while this re-review's batch is unfinished, else NULL (unique:
    /// one unfinished re-review per recognition).
    pub re_review_guard: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
