use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "account")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub username: String,
    pub display_name: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub phone_enc: Option<String>,
    pub email: Option<String>,
    pub status: String,
    pub password_hash: String,
    pub must_change_password: bool,
    #[sea_orm(column_type = "Text", nullable)]
    pub totp_secret_enc: Option<String>,
    pub totp_last_step: Option<i64>,
    pub failed_logins: i32,
    pub locked_until: Option<DateTimeUtc>,
    pub last_login_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    #[sea_orm(column_type = "Text", nullable)]
    pub status_reason: Option<String>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
