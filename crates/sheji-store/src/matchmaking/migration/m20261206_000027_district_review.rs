//! Whether a district's branch reviews demands before they are published: one row per district
//! that chose (no row: it reviews, the default).

use sea_orm_migration::prelude::*;

use crate::dialect;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum District {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum MatchmakingDistrict {
    Table,
    DistrictId,
    Review,
    UpdatedBy,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let b = m.get_database_backend();
        m.create_table(dialect::table(
            b,
            Table::create()
                .table(MatchmakingDistrict::Table)
                .col(ColumnDef::new(MatchmakingDistrict::DistrictId).integer().not_null().primary_key())
                .col(ColumnDef::new(MatchmakingDistrict::Review).boolean().not_null())
                .col(ColumnDef::new(MatchmakingDistrict::UpdatedBy).string_len(64).not_null())
                .col(ColumnDef::new(MatchmakingDistrict::UpdatedAt).timestamp_with_time_zone().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_matchmaking_district_district_id")
                        .from(MatchmakingDistrict::Table, MatchmakingDistrict::DistrictId)
                        .to(District::Table, District::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(MatchmakingDistrict::Table).to_owned()).await
    }
}
