//! Service records by follow-up date: the daily reminder reads the records whose follow-up
//! falls on a day, and the to-do list those due soon in a person's districts.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ServiceRecord {
    Table,
    FollowUpOn,
    DistrictId,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("ix_service_record_follow_up")
                .table(ServiceRecord::Table)
                .col(ServiceRecord::FollowUpOn)
                .col(ServiceRecord::DistrictId)
                .col(ServiceRecord::Id)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("ix_service_record_follow_up").table(ServiceRecord::Table).to_owned()).await
    }
}
