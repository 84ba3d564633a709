use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "recognition")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organization_id: i32,
    pub kind: String,
    pub certificate_no: String,
    pub granted_on: Date,
    pub valid_until: Date,
    pub standing: String,
    pub rectify_until: Option<Date>,
    pub batch_id: Option<i32>,
    pub application_id: Option<i32>,
    pub revoked_on: Option<Date>,
    #[sea_orm(column_type = "Text", nullable)]
    pub revocation: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub rectify_report: Option<String>,
    pub rectify_reported_at: Option<DateTimeUtc>,
    pub rectify_reported_by: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
