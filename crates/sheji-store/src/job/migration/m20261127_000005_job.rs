//! Jobs: long work (imports now; reports and notifications later) recorded in the database,
//! so the page that started it, on any node, can show its progress and result.

use sea_orm_migration::prelude::*;

use crate::dialect;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Job {
    Table,
    Id,
    Kind,
    Owner,
    Status,
    Done,
    Total,
    Result,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(dialect::table(
            m.get_database_backend(),
            Table::create()
                .table(Job::Table)
                .col(ColumnDef::new(Job::Id).integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(Job::Kind).string_len(32).not_null())
                .col(ColumnDef::new(Job::Owner).integer().not_null())
                .col(ColumnDef::new(Job::Status).string_len(16).not_null())
                .col(ColumnDef::new(Job::Done).big_integer().not_null())
                .col(ColumnDef::new(Job::Total).big_integer().not_null())
                .col(ColumnDef::new(Job::Result).text().not_null())
                .col(ColumnDef::new(Job::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Job::UpdatedAt).timestamp_with_time_zone().not_null())
                .to_owned(),
        ))
        .await?;
        m.create_index(Index::create().name("ix_job_owner").table(Job::Table).col(Job::Owner).col(Job::Id).to_owned())
            .await?;
        Ok(())
    }
}
