//! A rectification's report beside its recognition (整改报告): what the holder says was put
//! right, who sent it and when. At most one per recognition at a time by construction (the
//! columns are cleared when a new rectification is ordered). The index finds the
//! rectifications whose deadline has passed (the daily job) and those waiting for the city.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Recognition {
    Table,
    Standing,
    RectifyUntil,
    RectifyReport,
    RectifyReportedAt,
    RectifyReportedBy,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one at a time.
        m.alter_table(
            Table::alter()
                .table(Recognition::Table)
                .add_column(ColumnDef::new(Recognition::RectifyReport).text().null())
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Recognition::Table)
                .add_column(ColumnDef::new(Recognition::RectifyReportedAt).timestamp_with_time_zone().null())
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Recognition::Table)
                .add_column(ColumnDef::new(Recognition::RectifyReportedBy).string_len(64).null())
                .to_owned(),
        )
        .await?;
        // Rectifications ordered before reports could be sent, whose deadline has passed, get
        // no deadline rather than being revoked by the first run of the lapse job: their
        // holders never had a way to report.
        m.get_connection()
            .execute_unprepared(
                "UPDATE recognition SET rectify_until = NULL \
                 WHERE standing = 'rectifying' AND rectify_until < CURRENT_DATE",
            )
            .await?;
        m.create_index(
            Index::create()
                .name("ix_recognition_rectify")
                .table(Recognition::Table)
                .col(Recognition::Standing)
                .col(Recognition::RectifyUntil)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("ix_recognition_rectify").table(Recognition::Table).to_owned()).await?;
        for column in [Recognition::RectifyReportedBy, Recognition::RectifyReportedAt, Recognition::RectifyReport] {
            m.alter_table(Table::alter().table(Recognition::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
