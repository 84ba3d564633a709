use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organization")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub uscc: String,
    pub name: String,
    pub kind: String,
    pub district_id: i32,
    pub industry_code: Option<String>,
    pub address: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub founded_on: Option<Date>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub contact_name: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub contact_phone_enc: Option<String>,
    pub website: Option<String>,
    pub status: String,
    pub library_status: String,
    pub library_changed_at: Option<DateTimeUtc>,
    /// The name again, under a unique index (NULL for a namesake registered before names were
    /// kept unique; migration 000034).
    pub name_guard: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "crate::entity::district::Entity",
        from = "Column::DistrictId",
        to = "crate::entity::district::Column::Id"
    )]
    District,
}

impl Related<crate::entity::district::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::District.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
