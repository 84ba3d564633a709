use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "review_campaign")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub name: String,
    pub status: String,
    pub rubric_id: i32,
    pub reviewers_per_item: i32,
    pub blind: bool,
    pub aggregation: String,
    #[sea_orm(column_type = "Text")]
    pub thresholds: String,
    pub period_start: Date,
    pub deadline: Date,
    pub conflict_years: i32,
    pub forbid_repeat: bool,
    pub require_match: bool,
    pub min_load: i32,
    pub max_load: i32,
    pub mode: Option<String>,
    pub seed: Option<i64>,
    #[sea_orm(column_type = "Text", nullable)]
    pub pool: Option<String>,
    pub draw_digest: Option<String>,
    pub publicity_days: i32,
    pub published_on: Option<Date>,
    pub publicity_end: Option<Date>,
    #[sea_orm(column_type = "Text", nullable)]
    pub notice: Option<String>,
    pub outlier_pct: i32,
    pub created_by: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
